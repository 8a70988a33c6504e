//! Port of scenarios/mpa_entrypoint_and_same_key (app.py, page_a.py, page_b.py).
use crate::support::dumps;
use brooklet::prelude::*;

#[page(entrypoint)]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "global_name")]
    let g = ui.sidebar().text_input("Name").show()?;
    ui.text(format!("ret:global_name={}", dumps(&g)));
    ui.run_page()
}

#[page(path = "page_a.py", title = "A")]
fn page_a(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "k")]
    let k = ui.text_input("K on A").show()?;
    ui.text(format!("ret:k={}", dumps(&k)));
    Ok(())
}

#[page(path = "page_b.py", title = "B")]
fn page_b(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "k")]
    let k = ui.text_input("K on B").show()?;
    ui.text(format!("ret:k={}", dumps(&k)));
    Ok(())
}

pub fn app() -> App {
    App::new().entrypoint(app_py).page(page_a).page(page_b)
}
