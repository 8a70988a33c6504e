//! Port of tests/conformance/data/chat_input_one_run/app.py: a message is
//! the chat input's value for one run; its callback runs first.
use crate::support::dumps;
use brooklet::prelude::*;

fn submitted(ui: &Ui<'_>) -> Result<()> {
    let n: i64 = ui.state().get_opt("submits")?.unwrap_or(0);
    ui.state().set("submits", &(n + 1))
}

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("log", Vec::<String>::new())?;
    #[widget(key = "chat", on_submit = submitted)]
    let msg = ui.chat_input("Say something").max_chars(20).show()?;
    ui.text(format!("ret:msg={}", dumps(&msg)));
    ui.text(format!("state={}", dumps(&ui.state().get_value("chat"))));
    if let Some(m) = &msg {
        let mut log: Vec<String> = ui.state().get("log")?;
        log.push(m.clone());
        ui.state().set("log", &log)?;
    }
    ui.text(format!(
        "log={}",
        dumps(&ui.state().get::<Vec<String>>("log")?)
    ));
    #[widget(key = "other")]
    ui.button("Other").show()?;
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
