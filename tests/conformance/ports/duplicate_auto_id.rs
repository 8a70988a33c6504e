//! Port of scenarios/duplicate_auto_id/app.py.
use brooklet::prelude::*;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    let case = ui
        .radio("case", ["ok", "dup_button", "sidebar_and_main", "dup_text_input_same_params"])
        .key("case")
        .show()?;
    if case == "ok" {
        ui.button("OK").key("privacy").show()?;
        ui.button("OK").key("terms").show()?;
    } else if case == "dup_button" {
        ui.button("OK").show()?;
        ui.button("OK").show()?;
    } else if case == "sidebar_and_main" {
        ui.sidebar().button("OK").show()?;
        ui.button("OK").show()?;
    } else if case == "dup_text_input_same_params" {
        ui.text_input("Name").show()?;
        ui.text_input("Name").show()?;
    }
    ui.text("reached end");
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
