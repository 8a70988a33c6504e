//! The older docs' multipage trick: re-assigning `state[k] = state[k]` at the
//! top of every page detaches the value from its widget, so it survives a
//! visit to a page without the widget (R17, R18, R35; conformance
//! `mpa_interrupt_every_page`). Page "Without trick" has a widget whose value
//! is lost on a page switch, as in Streamlit.
//!
//! `cargo run --example mpa_keep`, then open http://127.0.0.1:8501/.

use brooklet::prelude::*;

/// Runs before every page: keeps "kept" alive on every page, including the
/// one that draws it.
#[page(entrypoint)]
fn entrypoint(ui: &Ui<'_>) -> Result<()> {
    if let Some(v) = ui.state().get_value("kept") {
        ui.state().set_value("kept", v)?;
    }
    ui.run_page()
}

#[page(path = "with", title = "With trick")]
fn with_trick(ui: &Ui<'_>) -> Result<()> {
    ui.header("With the trick");
    #[widget(key = "kept")]
    let v = ui.number_input::<f64>("Number of filters").show()?;
    ui.text(format!("kept = {v}"));
    Ok(())
}

#[page(path = "without", title = "Without trick")]
fn without_trick(ui: &Ui<'_>) -> Result<()> {
    ui.header("Without the trick");
    #[widget(key = "lost")]
    let v = ui.number_input::<f64>("Number of filters").show()?;
    ui.text(format!("lost = {v}"));
    Ok(())
}

#[page(title = "Elsewhere")]
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
        .page(with_trick)
        .page(without_trick)
        .page(elsewhere)
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
