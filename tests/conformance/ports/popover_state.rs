//! Port of tests/conformance/data/popover_state/app.py: a tracking popover
//! with a widget inside, and a plain one.
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let p = ui.popover("Menu").key("pop").rerun_on_change().show()?;
    ui.text(format!("open={}", dumps(&p.open())));
    #[widget(key = "name")]
    let name = p.text_input("Name").show()?;
    ui.text(format!("name={}", dumps(&name)));
    let q = ui.popover("Plain").key("plainpop").show()?;
    ui.text(format!("plain={}", dumps(&q.open())));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
