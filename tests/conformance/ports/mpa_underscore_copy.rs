//! Port of scenarios/mpa_underscore_copy (app.py, page_a.py, page_b.py).
//! The number input has no value, so Python gives whatever number session
//! state holds (the integer 0 at first, floats once edited): `Number` is
//! that dynamic number.
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::Value;

#[page(entrypoint)]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("my_key", Number::Int(0))?;
    ui.run_page()?;
    ui.text(format!("end_keys={}", dumps(&ui.state().keys())));
    Ok(())
}

fn store_value(ui: &Ui<'_>, key: &str) -> Result<()> {
    ui.state()
        .set(key, &ui.state().get::<Value>(&format!("_{key}"))?)
}

fn load_value(ui: &Ui<'_>, key: &str) -> Result<()> {
    ui.state()
        .set(&format!("_{key}"), &ui.state().get::<Value>(key)?)
}

#[page(path = "page_a.py", title = "A")]
fn page_a(ui: &Ui<'_>) -> Result<()> {
    load_value(ui, "my_key")?;
    #[widget(key = "_my_key", on_change = store_value, args = ("my_key",))]
    let v = ui.number_input::<Number>("Number of filters").show()?;
    ui.text(format!("ret:_my_key={}", dumps(&v)));
    Ok(())
}

#[page(path = "page_b.py", title = "B")]
fn page_b(ui: &Ui<'_>) -> Result<()> {
    ui.text(format!(
        "b:my_key={}",
        dumps(&ui.state().get_value("my_key"))
    ));
    Ok(())
}

pub fn app() -> App {
    App::new().entrypoint(app_py).page(page_a).page(page_b)
}
