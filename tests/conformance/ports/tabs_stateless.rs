//! Port of tests/conformance/data/tabs_stateless/app.py: tabs that do not
//! track their tab; their key still counts among the run's keys.
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let [a, b] = ui.tabs(["Plain", "Other"]).key("plain").show()?;
    ui.text(format!("open={}", dumps(&[a.open(), b.open()])));
    b.text("in other");
    ui.text(format!("keys={}", dumps(&ui.state().keys())));
    let [c, d] = ui.tabs(["X", "Y"]).rerun_on_change().key("rr").show()?;
    ui.text(format!("open2={}", dumps(&[c.open(), d.open()])));
    #[widget(key = "clash")]
    let clash = ui.checkbox("Clash").show()?;
    if clash {
        // A key made at run time: the macro refuses a literal duplicate.
        let again = String::from("plain");
        ui.tabs(["Again"]).key(again).show()?;
    }
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
