//! Port of tests/conformance/data/tabs_identity/app.py: the labels and the
//! default count for tracking tabs' identity, with a key too.
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "more")]
    let more = ui.checkbox("More tabs").show()?;
    let labels = if more {
        vec!["A", "B", "C"]
    } else {
        vec!["A", "B"]
    };
    #[widget(key = "default")]
    let default: String = ui.selectbox("Default", ["A", "B"]).show()?;
    let tabs = ui
        .tabs(labels)
        .key("t")
        .rerun_on_change()
        .default(default)
        .show()?;
    let open: Vec<Option<bool>> = tabs.iter().map(|t| t.open()).collect();
    ui.text(format!("open={}", dumps(&open)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
