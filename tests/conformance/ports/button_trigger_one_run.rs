//! Port of scenarios/button_trigger_one_run/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "btn")]
    let clicked = ui.button("Click").show()?;
    ui.text(format!("ret:btn={}", dumps(&clicked)));
    ui.text(format!("ss:btn={}", dumps(&ui.state().get::<bool>("btn")?)));
    #[widget(key = "tog")]
    let tog = ui.toggle("Toggle").show()?;
    ui.text(format!("ret:tog={}", dumps(&tog)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
