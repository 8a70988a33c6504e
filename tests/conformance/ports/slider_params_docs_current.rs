//! Port of scenarios/slider_params_docs_current/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let cols = ui.columns([2, 1, 2]);
    let minimum = cols[0].number_input("Minimum").min(1).max(3).show()?;
    let maximum = cols[2]
        .number_input("Maximum")
        .min(8)
        .max(10)
        .value(10)
        .show()?;
    let value = cols[1]
        .number_input("Default")
        .min(4)
        .max(7)
        .value(5)
        .show()?;

    let a = ui.slider("No key", minimum, maximum).value(value).show()?;
    #[widget(key = "a")]
    let b = ui
        .slider("With a key", minimum, maximum)
        .value(value)
        .show()?;
    ui.text(format!("ret:no_key={}", dumps(&a)));
    ui.text(format!("ret:with_key={}", dumps(&b)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
