//! Port of scenarios/cleanup_interrupt_reassign/app.py.
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::Value;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    if ui.state().contains("t") {
        ui.state().set("t", &ui.state().get::<Value>("t")?)?; // interrupt the clean-up
    }

    #[widget(key = "show")]
    let show = ui.checkbox("show").value(true).show()?;
    if show {
        #[widget(key = "t")]
        let t = ui.text_input("T").show()?;
        ui.text(format!("ret:t={}", dumps(&t)));
    }
    ui.text(format!("has_t={}", dumps(&ui.state().contains("t"))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
