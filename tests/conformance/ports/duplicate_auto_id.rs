//! Port of scenarios/duplicate_auto_id/app.py. The keyless duplicates are not
//! in a loop, so they are left to the run-time check (R7).
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let cases = [
        "ok",
        "dup_button",
        "sidebar_and_main",
        "dup_text_input_same_params",
    ];
    #[widget(key = "case")]
    let case = ui.radio("case", cases).show()?;
    if case == "ok" {
        #[widget(key = "privacy")]
        ui.button("OK").show()?;
        #[widget(key = "terms")]
        ui.button("OK").show()?;
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
    App::new().page(app_py)
}
