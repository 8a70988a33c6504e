//! Port of scenarios/callbacks_order_args/app.py. Python appends to the list
//! held in session state in place; here `log` reads, appends and writes back.
//! Python's keyword argument `run_at_render` is a positional one here.
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::{json, Value};

fn log(ui: &Ui<'_>, entry: Value) -> Result<()> {
    let mut log: Vec<Value> = ui.state().get("log")?;
    log.push(entry);
    ui.state().set("log", &log)
}

// sees the NEW widget value via session state; args were bound at render time
fn on_text(ui: &Ui<'_>, tag: &str, run_at_render: i64) -> Result<()> {
    log(
        ui,
        json!([
            "cb_text",
            tag,
            run_at_render,
            ui.state().get::<String>("t")?
        ]),
    )
}

fn on_click(ui: &Ui<'_>, tag: &str) -> Result<()> {
    log(ui, json!(["cb_click", tag, ui.state().get::<String>("t")?]))
}

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("log", Vec::<Value>::new())?;
    ui.state().setdefault("runs", 0)?;
    ui.state()
        .set("runs", &(ui.state().get::<i64>("runs")? + 1))?;
    let runs: i64 = ui.state().get("runs")?;

    log(ui, json!(["body_start", runs, ui.state().get_value("t")]))?;
    #[widget(key = "t", on_change = on_text, args = ("A", runs))]
    let t = ui.text_input("T").show()?;
    #[widget(key = "go", on_click = on_click, args = ("B",))]
    let clicked = ui.button("Go").show()?;
    log(ui, json!(["body_after_widgets", t, clicked]))?;
    ui.text(format!("ret:{}", dumps(&json!([t, clicked]))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
