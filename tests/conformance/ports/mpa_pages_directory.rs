//! Port of scenarios/mpa_pages_directory (app.py, pages/other.py): a
//! `pages/`-style app, no entrypoint (R38).
use crate::support::dumps;
use brooklet::prelude::*;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.text(format!("start_keys={}", dumps(&ui.state().keys())));
    let m = ui.text_input("Main").key("m").show()?;
    ui.text(format!("ret:m={}", dumps(&m)));
    Ok(())
}

fn other_py(ui: &Ui<'_>) -> Result<()> {
    ui.text(format!("start_keys={}", dumps(&ui.state().keys())));
    ui.state().setdefault("plain", "kept".to_string())?;
    let o = ui.text_input("Other").key("o").show()?;
    ui.text(format!("ret:o={}", dumps(&o)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py)).page(Page::new("pages/other.py", other_py))
}
