//! Port of scenarios/mpa_entrypoint_and_same_key (app.py, page_a.py, page_b.py).
use crate::support::dumps;
use brooklet::prelude::*;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    let g = ui.sidebar().text_input("Name").key("global_name").show()?;
    ui.text(format!("ret:global_name={}", dumps(&g)));
    ui.run_page()
}

fn page_a(ui: &Ui<'_>) -> Result<()> {
    let k = ui.text_input("K on A").key("k").show()?;
    ui.text(format!("ret:k={}", dumps(&k)));
    Ok(())
}

fn page_b(ui: &Ui<'_>) -> Result<()> {
    let k = ui.text_input("K on B").key("k").show()?;
    ui.text(format!("ret:k={}", dumps(&k)));
    Ok(())
}

pub fn app() -> App {
    App::new()
        .entrypoint(app_py)
        .page(Page::new("page_a.py", page_a).title("A"))
        .page(Page::new("page_b.py", page_b).title("B"))
}
