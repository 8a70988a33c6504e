//! Port of scenarios/cleanup_conditional_widget/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    let show = ui.checkbox("show").value(true).key("show").show()?;
    if show {
        let t = ui.text_input("T").key("t").show()?;
        ui.text(format!("ret:t={}", dumps(&t)));
    }
    ui.text(format!("has_t={}", dumps(&ui.state().contains("t"))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
