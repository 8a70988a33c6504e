//! Port of scenarios/set_via_session_state/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

fn cb(ui: &Ui<'_>) -> Result<()> {
    ui.state().set("t", "from callback")
}

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    if ui.button("set in body before widget").show()? {
        ui.state().set("t", "from body")?;
    }
    #[widget(on_click = cb)]
    ui.button("set in callback").show()?;
    #[widget(key = "t")]
    let t = ui.text_input("T").show()?;
    ui.text(format!("ret:t={}", dumps(&t)));
    if ui.button("set in body after widget").show()? {
        ui.state().set("t", "too late")?;
    }
    ui.text("reached end");
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
