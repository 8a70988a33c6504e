//! Port of scenarios/persist_state_param (app.py, page_a.py, page_b.py):
//! `persist = "page" | "session"` is Streamlit's `persist_state` (R39, A5).
use crate::support::dumps;
use brooklet::prelude::*;

#[page(entrypoint)]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.run_page()?;
    ui.text(format!("end_keys={}", dumps(&ui.state().keys())));
    Ok(())
}

#[page(path = "page_a.py", title = "A")]
fn page_a(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "show")]
    let show = ui.checkbox("show").value(true).show()?;
    if show {
        #[widget(key = "tn")]
        let tn = ui.text_input("none").show()?;
        #[widget(key = "tp", persist = "page")]
        let tp = ui.text_input("page").show()?;
        #[widget(key = "ts", persist = "session")]
        let ts = ui.text_input("session").show()?;
        ui.text(format!("ret:{}", dumps(&[tn, tp, ts])));
    }
    Ok(())
}

#[page(path = "page_b.py", title = "B")]
fn page_b(ui: &Ui<'_>) -> Result<()> {
    ui.text("page b");
    Ok(())
}

pub fn app() -> App {
    App::new().entrypoint(app_py).page(page_a).page(page_b)
}
