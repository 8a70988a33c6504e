//! Port of tests/conformance/data/container_cleanup/app.py: tracking
//! containers are cleaned up like widgets (R14, R15).
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "show")]
    let show = ui.checkbox("Show").value(true).show()?;
    if show {
        ui.tabs(["One", "Two"])
            .key("tabs")
            .rerun_on_change()
            .show()?;
        ui.expander("More").key("exp").rerun_on_change().show()?;
        ui.popover("Menu").key("pop").rerun_on_change().show()?;
    }
    ui.text(format!("keys={}", dumps(&ui.state().keys())));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
