//! The widget-behaviour docs' example: a slider whose bounds come from two
//! number inputs, with the clamp that keeps its value when the bounds change
//! (spec A1, R18, R21; conformance `slider_minmax_update_value_fix`).
//!
//! `cargo run --example slider_bounds`, then open http://127.0.0.1:8501/.

use brooklet::prelude::*;

fn bounds(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("a", 5)?;

    let cols = ui.columns(2);
    let minimum = cols[0]
        .number_input("Min")
        .min(1)
        .max(5)
        .key("min")
        .show()?;
    let maximum = cols[1]
        .number_input("Max")
        .min(6)
        .max(10)
        .value(10)
        .key("max")
        .show()?;

    // clamp before the slider is drawn: R21 allows the write, R18 keeps it
    let a: i32 = ui.state().get("a")?;
    ui.state().set("a", &a.clamp(minimum, maximum))?;

    let a = ui.slider("A", minimum, maximum).key("a").show()?;
    ui.text(format!("a = {a}"));
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new().page(Page::new("bounds", bounds).title("Slider bounds"))
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
