//! Port of scenarios/identity_key_label_change/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "flip")]
    let flip = ui.checkbox("flip").show()?;
    #[widget(key = "n")]
    let n = ui
        .number_input(if flip { "Beta" } else { "Alpha" })
        .value(0)
        .show()?;
    ui.text(format!("ret:n={}", dumps(&n)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
