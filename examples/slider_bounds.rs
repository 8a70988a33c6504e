//! The widget-behaviour docs' example: a slider whose bounds come from two
//! number inputs, with the clamp that keeps its value when the bounds change
//! (spec A1, R18, R21; conformance `slider_minmax_update_value_fix`).
//!
//! `cargo run --example slider_bounds`, then open http://127.0.0.1:8501/.

use brooklet::prelude::*;

#[page(path = "bounds", title = "Slider bounds")]
pub fn bounds(ui: &Ui<'_>) -> Result<()> {
    ui.header("Slider bounds");
    ui.state().setdefault("a", 5)?;

    let cols = ui.columns(2);
    #[widget(key = "min")]
    let minimum = cols[0].number_input("Min").min(1).max(5).show()?;
    #[widget(key = "max")]
    let maximum = cols[1]
        .number_input("Max")
        .min(6)
        .max(10)
        .value(10)
        .show()?;

    // clamp before the slider is drawn: R21 allows the write, R18 keeps it
    let a: i32 = ui.state().get("a")?;
    ui.state().set("a", &a.clamp(minimum, maximum))?;

    #[widget(key = "a", help = "clamped into [Min, Max]")]
    let a = ui.slider("A", minimum, maximum).show()?;
    ui.text(format!("a = {a}"));
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new().page(bounds)
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
