//! Port of scenarios/identity_key_exceptions/app.py.
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::json;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "variant")]
    let v = ui.checkbox("variant").show()?;
    let opts = if v {
        vec!["a", "b", "c", "d"]
    } else {
        vec!["a", "b", "c"]
    };
    #[widget(key = "sel")]
    let s = ui.selectbox("pick", opts.clone()).show()?;
    #[widget(key = "ms")]
    let ms = ui
        .multiselect("many", opts)
        .max_selections(if v { 3 } else { 2 })
        .show()?;
    #[widget(key = "ti")]
    let ti = ui
        .text_input("text")
        .max_chars(if v { 10 } else { 20 })
        .show()?;
    #[widget(key = "ta")]
    let ta = ui
        .text_area("area")
        .max_chars(if v { 10 } else { 20 })
        .show()?;
    #[widget(key = "ni")]
    let ni = ui
        .number_input("num")
        .min(0)
        .max(if v { 50 } else { 100 })
        .show()?;
    ui.text(format!("ret:{}", dumps(&json!([s, ms, ti, ta, ni]))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
