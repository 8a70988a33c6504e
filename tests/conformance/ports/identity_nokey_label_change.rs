//! Port of scenarios/identity_nokey_label_change/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    let flip = ui.checkbox("flip").key("flip").show()?;
    let n = ui.number_input(if flip { "Beta" } else { "Alpha" }).value(0).show()?;
    ui.text(format!("ret:n={}", dumps(&n)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
