//! Port of scenarios/cleanup_interrupt_reassign/app.py.
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::Value;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    if ui.state().contains("t") {
        ui.state().set("t", &ui.state().get::<Value>("t")?)?; // interrupt the clean-up
    }

    let show = ui.checkbox("show").value(true).key("show").show()?;
    if show {
        let t = ui.text_input("T").key("t").show()?;
        ui.text(format!("ret:t={}", dumps(&t)));
    }
    ui.text(format!("has_t={}", dumps(&ui.state().contains("t"))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
