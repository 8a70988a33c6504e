//! Port of scenarios/mpa_pages_directory (app.py, pages/other.py): a
//! `pages/`-style app, no entrypoint (R38).
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.text(format!("start_keys={}", dumps(&ui.state().keys())));
    #[widget(key = "m")]
    let m = ui.text_input("Main").show()?;
    ui.text(format!("ret:m={}", dumps(&m)));
    Ok(())
}

#[page(path = "pages/other.py")]
fn other_py(ui: &Ui<'_>) -> Result<()> {
    ui.text(format!("start_keys={}", dumps(&ui.state().keys())));
    ui.state().setdefault("plain", "kept".to_string())?;
    #[widget(key = "o")]
    let o = ui.text_input("Other").show()?;
    ui.text(format!("ret:o={}", dumps(&o)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py).page(other_py)
}
