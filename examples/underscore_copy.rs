//! The current docs' pattern for keeping a widget's value across pages: the
//! widget uses a temporary key `_my_key`; its callback copies the value to
//! the permanent plain key `my_key`, which is copied back before the widget
//! on every run (R17, R21, R25; conformance `mpa_underscore_copy`).
//!
//! `cargo run --example underscore_copy`, then open http://127.0.0.1:8501/.

use brooklet::prelude::*;
use serde_json::Value;

#[page(entrypoint)]
fn entrypoint(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("my_key", 0.0)?;
    ui.run_page()
}

fn store_value(ui: &Ui<'_>, key: &str) -> Result<()> {
    ui.state()
        .set(key, &ui.state().get::<Value>(&format!("_{key}"))?)
}

fn load_value(ui: &Ui<'_>, key: &str) -> Result<()> {
    ui.state()
        .set(&format!("_{key}"), &ui.state().get::<Value>(key)?)
}

#[page(path = "a", title = "Page A")]
fn page_a(ui: &Ui<'_>) -> Result<()> {
    load_value(ui, "my_key")?;
    #[widget(key = "_my_key", on_change = store_value, args = ("my_key"))]
    let v = ui.number_input::<f64>("Number of filters").show()?;
    ui.text(format!("value = {v}"));
    Ok(())
}

#[page(path = "b", title = "Page B")]
fn page_b(ui: &Ui<'_>) -> Result<()> {
    ui.text(format!("my_key = {}", ui.state().get::<f64>("my_key")?));
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new().entrypoint(entrypoint).page(page_a).page(page_b)
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
