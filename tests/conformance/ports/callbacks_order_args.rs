//! Port of scenarios/callbacks_order_args/app.py. Python appends to the list
//! held in session state in place; here `log` reads, appends and writes back.
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::{json, Value};

fn log(ui: &Ui<'_>, entry: Value) -> Result<()> {
    let mut log: Vec<Value> = ui.state().get("log")?;
    log.push(entry);
    ui.state().set("log", &log)
}

fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("log", Vec::<Value>::new())?;
    ui.state().setdefault("runs", 0)?;
    ui.state().set("runs", &(ui.state().get::<i64>("runs")? + 1))?;

    // sees the NEW widget value via session state; args were bound at render time
    let on_text = |tag: &'static str, run_at_render: i64| {
        move |ui: &Ui<'_>| log(ui, json!(["cb_text", tag, run_at_render, ui.state().get::<String>("t")?]))
    };
    let on_click = |tag: &'static str| move |ui: &Ui<'_>| log(ui, json!(["cb_click", tag, ui.state().get::<String>("t")?]));

    log(ui, json!(["body_start", ui.state().get::<i64>("runs")?, ui.state().get_value("t")]))?;
    let t = ui.text_input("T").key("t").on_change(on_text("A", ui.state().get("runs")?)).show()?;
    let clicked = ui.button("Go").key("go").on_click(on_click("B")).show()?;
    log(ui, json!(["body_after_widgets", t, clicked]))?;
    ui.text(format!("ret:{}", dumps(&json!([t, clicked]))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
