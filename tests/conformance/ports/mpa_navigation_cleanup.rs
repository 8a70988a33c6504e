//! Port of scenarios/mpa_navigation_cleanup (app.py, page_a.py, page_b.py).
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
    ui.text(format!("start_keys={}", dumps(&ui.state().keys())));
    #[widget(key = "k")]
    let k = ui.text_input("K").show()?;
    ui.text(format!("ret:k={}", dumps(&k)));
    Ok(())
}

#[page(path = "page_b.py", title = "B")]
fn page_b(ui: &Ui<'_>) -> Result<()> {
    ui.text(format!("start_keys={}", dumps(&ui.state().keys())));
    ui.text("page b");
    Ok(())
}

pub fn app() -> App {
    App::new().entrypoint(app_py).page(page_a).page(page_b)
}
