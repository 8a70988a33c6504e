//! Port of scenarios/stop_and_exception_skip_cleanup/app.py. Python's
//! uncaught `raise ValueError("boom")` is a panic here.
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "mode")]
    let mode = ui.radio("mode", ["normal", "stop", "raise"]).show()?;
    if mode == "stop" {
        ui.stop()?;
    }
    if mode == "raise" {
        panic!("boom");
    }
    #[widget(key = "t")]
    let t = ui.text_input("T").show()?;
    ui.text(format!("ret:t={}", dumps(&t)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
