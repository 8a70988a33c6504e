//! Port of scenarios/identity_key_exceptions/app.py.
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::json;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    let v = ui.checkbox("variant").key("variant").show()?;
    let opts = if v { vec!["a", "b", "c", "d"] } else { vec!["a", "b", "c"] };
    let s = ui.selectbox("pick", opts.clone()).key("sel").show()?;
    let ms = ui.multiselect("many", opts).key("ms").max_selections(if v { 3 } else { 2 }).show()?;
    let ti = ui.text_input("text").key("ti").max_chars(if v { 10 } else { 20 }).show()?;
    let ta = ui.text_area("area").key("ta").max_chars(if v { 10 } else { 20 }).show()?;
    let ni = ui.number_input("num").key("ni").min(0).max(if v { 50 } else { 100 }).show()?;
    ui.text(format!("ret:{}", dumps(&json!([s, ms, ti, ta, ni]))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
