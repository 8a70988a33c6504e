//! Port of scenarios/set_via_session_state/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

fn cb(ui: &Ui<'_>) -> Result<()> {
    ui.state().set("t", "from callback")
}

fn app_py(ui: &Ui<'_>) -> Result<()> {
    if ui.button("set in body before widget").show()? {
        ui.state().set("t", "from body")?;
    }
    ui.button("set in callback").on_click(cb).show()?;
    let t = ui.text_input("T").key("t").show()?;
    ui.text(format!("ret:t={}", dumps(&t)));
    if ui.button("set in body after widget").show()? {
        ui.state().set("t", "too late")?;
    }
    ui.text("reached end");
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
