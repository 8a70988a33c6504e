//! Port of scenarios/button_trigger_one_run/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    let clicked = ui.button("Click").key("btn").show()?;
    ui.text(format!("ret:btn={}", dumps(&clicked)));
    ui.text(format!("ss:btn={}", dumps(&ui.state().get::<bool>("btn")?)));
    let tog = ui.toggle("Toggle").key("tog").show()?;
    ui.text(format!("ret:tog={}", dumps(&tog)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
