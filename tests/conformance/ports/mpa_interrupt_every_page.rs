//! Port of scenarios/mpa_interrupt_every_page (app.py, page_a.py, page_b.py).
use crate::support::dumps;
use brooklet::prelude::*;
use serde_json::Value;

#[page(entrypoint)]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.run_page()?;
    ui.text(format!("end_keys={}", dumps(&ui.state().keys())));
    Ok(())
}

#[page(path = "page_a.py", title = "A")]
fn page_a(ui: &Ui<'_>) -> Result<()> {
    if ui.state().contains("my_key") {
        ui.state()
            .set("my_key", &ui.state().get::<Value>("my_key")?)?;
    }
    #[widget(key = "my_key")]
    let v = ui.number_input::<f64>("Number of filters").show()?;
    ui.text(format!("ret:my_key={}", dumps(&v)));
    Ok(())
}

#[page(path = "page_b.py", title = "B")]
fn page_b(ui: &Ui<'_>) -> Result<()> {
    if ui.state().contains("my_key") {
        ui.state()
            .set("my_key", &ui.state().get::<Value>("my_key")?)?;
    }
    ui.text(format!(
        "b:my_key={}",
        dumps(&ui.state().get_value("my_key"))
    ));
    Ok(())
}

pub fn app() -> App {
    App::new().entrypoint(app_py).page(page_a).page(page_b)
}
