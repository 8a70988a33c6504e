//! Port of scenarios/form_batching/app.py.
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::json;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("runs", 0)?;
    ui.state()
        .set("runs", &(ui.state().get::<i64>("runs")? + 1))?;
    let f = ui.form("f", false)?;
    #[widget(key = "a")]
    let a = f.text_input("A").show()?;
    #[widget(key = "b")]
    let b = f.slider("B", 0, 10).show()?;
    #[widget(key = "submit")]
    let submitted = f.form_submit_button("Submit").show()?;
    ui.text(format!("ret:{}", dumps(&json!([a, b, submitted]))));
    #[widget(key = "outside")]
    let _outside = ui.checkbox("outside").show()?;
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
