//! Port of tests/conformance/data/expander_state/app.py: tracking
//! expanders, and a plain one.
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::Value;

fn changed(ui: &Ui<'_>) -> Result<()> {
    let mut log: Vec<Value> = ui.state().get_opt("log")?.unwrap_or_default();
    let open: bool = ui.state().get("exp")?;
    log.push(Value::String(format!("changed:{}", dumps(&open))));
    ui.state().set("log", &log)
}

fn close(ui: &Ui<'_>) -> Result<()> {
    ui.state().set("exp", &false)
}

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let e = ui
        .expander("Details")
        .key("exp")
        .on_change(changed)
        .show()?;
    ui.text(format!("open={}", dumps(&e.open())));
    e.text("inside");
    let f = ui
        .expander("Open at first")
        .expanded(true)
        .key("exp2")
        .rerun_on_change()
        .show()?;
    ui.text(format!("open2={}", dumps(&f.open())));
    let g = ui.expander("Plain").key("plain").show()?;
    ui.text(format!("plain={}", dumps(&g.open())));
    #[widget(key = "close", on_click = close)]
    ui.button("Close").show()?;
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
