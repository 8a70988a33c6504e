//! Port of scenarios/delete_widget_key/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

fn delete_in_callback(ui: &Ui<'_>) -> Result<()> {
    ui.state().delete("t")
}

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "t")]
    let t = ui.text_input("T").show()?;
    ui.text(format!("ret:t={}", dumps(&t)));
    if ui.button("delete in body (after widget)").show()? {
        ui.state().delete("t")?;
    }
    #[widget(on_click = delete_in_callback)]
    ui.button("delete in callback").show()?;
    ui.text(format!("has_t={}", dumps(&ui.state().contains("t"))));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
