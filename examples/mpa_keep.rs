//! The older docs' multipage trick: re-assigning `state[k] = state[k]` at the
//! top of every page detaches the value from its widget, so it survives a
//! visit to a page without the widget (R17, R18, R35; conformance
//! `mpa_interrupt_every_page`). Page "Without trick" has a widget whose value
//! is lost on a page switch, as in Streamlit.
//!
//! `cargo run --example mpa_keep`, then open http://127.0.0.1:8501/.

use brooklet::prelude::*;
use serde_json::Value;

/// Runs before every page.
fn entrypoint(ui: &Ui<'_>) -> Result<()> {
    // Keep "kept" alive on every page, including the one that draws it.
    if ui.state().contains("kept") {
        ui.state().set("kept", &ui.state().get::<Value>("kept")?)?;
    }
    ui.run_page()
}

fn with_trick(ui: &Ui<'_>) -> Result<()> {
    ui.header("With the trick");
    let v = ui
        .number_input::<f64>("Number of filters")
        .key("kept")
        .show()?;
    ui.text(format!("kept = {v}"));
    Ok(())
}

fn without_trick(ui: &Ui<'_>) -> Result<()> {
    ui.header("Without the trick");
    let v = ui
        .number_input::<f64>("Number of filters")
        .key("lost")
        .show()?;
    ui.text(format!("lost = {v}"));
    Ok(())
}

fn elsewhere(ui: &Ui<'_>) -> Result<()> {
    ui.header("Another page");
    ui.text(format!("kept = {:?}", ui.state().get_opt::<f64>("kept")?));
    ui.text(format!("lost = {:?}", ui.state().get_opt::<f64>("lost")?));
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new()
        .entrypoint(entrypoint)
        .page(Page::new("with", with_trick).title("With trick"))
        .page(Page::new("without", without_trick).title("Without trick"))
        .page(Page::new("elsewhere", elsewhere).title("Elsewhere"))
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
