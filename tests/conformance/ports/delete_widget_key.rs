//! Port of scenarios/delete_widget_key/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

fn delete_in_callback(ui: &Ui<'_>) -> Result<()> {
    ui.state().delete("t")
}

fn app_py(ui: &Ui<'_>) -> Result<()> {
    let t = ui.text_input("T").key("t").show()?;
    ui.text(format!("ret:t={}", dumps(&t)));
    if ui.button("delete in body (after widget)").show()? {
        ui.state().delete("t")?;
    }
    ui.button("delete in callback").on_click(delete_in_callback).show()?;
    ui.text(format!("has_t={}", dumps(&ui.state().contains("t"))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
