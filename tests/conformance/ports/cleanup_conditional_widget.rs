//! Port of scenarios/cleanup_conditional_widget/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "show")]
    let show = ui.checkbox("show").value(true).show()?;
    if show {
        #[widget(key = "t")]
        let t = ui.text_input("T").show()?;
        ui.text(format!("ret:t={}", dumps(&t)));
    }
    ui.text(format!("has_t={}", dumps(&ui.state().contains("t"))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
