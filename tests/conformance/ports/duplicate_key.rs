//! Port of scenarios/duplicate_key/app.py. One literal key twice on a page
//! is a compile error (spec A3); this scenario checks the run-time error
//! (R6), so its repeated keys are run-time values.
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let cases = [
        "ok",
        "same_key_two_types",
        "same_key_sidebar_and_main",
        "int_key_vs_str_key",
    ];
    #[widget(key = "case")]
    let case = ui.radio("case", cases).show()?;
    let k = "k";
    if case == "ok" {
        #[widget(key = "k1")]
        ui.text_input("A").show()?;
        #[widget(key = "k2")]
        ui.number_input::<f64>("B").show()?;
    } else if case == "same_key_two_types" {
        #[widget(key = k)]
        ui.text_input("A").show()?;
        #[widget(key = k)]
        ui.number_input::<f64>("B").show()?;
    } else if case == "same_key_sidebar_and_main" {
        #[widget(key = k)]
        ui.sidebar().text_input("A").show()?;
        #[widget(key = k)]
        ui.text_input("A").show()?;
    } else if case == "int_key_vs_str_key" {
        #[widget(key = 1.to_string())]
        ui.text_input("A").show()?;
        #[widget(key = "1")]
        ui.text_input("B").show()?;
    }
    ui.text("reached end");
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
