//! Port of tests/conformance/data/containers_bind/app.py: tabs and an
//! expander bound to the URL (R40).
use crate::support::{dumps, query_dict};
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let tabs = ui
        .tabs(["One", "Two"])
        .key("t")
        .bind_query_params()
        .show()?;
    let open: Vec<Option<bool>> = tabs.iter().map(|t| t.open()).collect();
    ui.text(format!("open={}", dumps(&open)));
    let e = ui.expander("More").key("e").bind_query_params().show()?;
    ui.text(format!("expanded={}", dumps(&e.open())));
    ui.text(format!("qp={}", dumps(&query_dict(ui))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
