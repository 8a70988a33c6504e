//! Port of scenarios/query_params_bind (app.py): `bind = "query-params"`
//! (R40). The recording's `query_params` are what AppTest put in the URL
//! itself; the replay records the same (see support.rs).
use crate::support::{dumps, query_dict};
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "color", bind = "query-params")]
    let c = ui.selectbox("Color", ["Red", "Green", "Blue"]).show()?;
    ui.text(format!("ret:color={}", dumps(&c)));
    ui.text(format!("qp={}", dumps(&query_dict(ui))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
