//! Port of scenarios/mpa_navigation_cleanup (app.py, page_a.py, page_b.py).
use crate::support::dumps;
use brooklet::prelude::*;

fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.run_page()?;
    ui.text(format!("end_keys={}", dumps(&ui.state().keys())));
    Ok(())
}

fn page_a(ui: &Ui<'_>) -> Result<()> {
    ui.text(format!("start_keys={}", dumps(&ui.state().keys())));
    let k = ui.text_input("K").key("k").show()?;
    ui.text(format!("ret:k={}", dumps(&k)));
    Ok(())
}

fn page_b(ui: &Ui<'_>) -> Result<()> {
    ui.text(format!("start_keys={}", dumps(&ui.state().keys())));
    ui.text("page b");
    Ok(())
}

pub fn app() -> App {
    App::new()
        .entrypoint(app_py)
        .page(Page::new("page_a.py", page_a).title("A"))
        .page(Page::new("page_b.py", page_b).title("B"))
}
