//! Port of scenarios/stop_and_exception_skip_cleanup/app.py. Python's
//! uncaught `raise ValueError("boom")` is a panic here.
use crate::support::dumps;
use brooklet::prelude::*;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    let mode = ui.radio("mode", ["normal", "stop", "raise"]).key("mode").show()?;
    if mode == "stop" {
        ui.stop()?;
    }
    if mode == "raise" {
        panic!("boom");
    }
    let t = ui.text_input("T").key("t").show()?;
    ui.text(format!("ret:t={}", dumps(&t)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
