//! Port of scenarios/duplicate_key/app.py.
use brooklet::prelude::*;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    let case = ui
        .radio("case", ["ok", "same_key_two_types", "same_key_sidebar_and_main", "int_key_vs_str_key"])
        .key("case")
        .show()?;
    if case == "ok" {
        ui.text_input("A").key("k1").show()?;
        ui.number_input::<f64>("B").key("k2").show()?;
    } else if case == "same_key_two_types" {
        ui.text_input("A").key("k").show()?;
        ui.number_input::<f64>("B").key("k").show()?;
    } else if case == "same_key_sidebar_and_main" {
        ui.sidebar().text_input("A").key("k").show()?;
        ui.text_input("A").key("k").show()?;
    } else if case == "int_key_vs_str_key" {
        ui.text_input("A").key(1).show()?;
        ui.text_input("B").key("1").show()?;
    }
    ui.text("reached end");
    Ok(())
}

pub fn app() -> App {
    App::new().page(Page::new("app.py", app_py))
}
