//! Port of tests/conformance/data/tabs_state/app.py: tracking tabs.
use crate::support::dumps;
use brooklet::prelude::*;

fn changed(ui: &Ui<'_>) -> Result<()> {
    let n: i64 = ui.state().get_opt("changes")?.unwrap_or(0);
    ui.state().set("changes", &(n + 1))
}

fn write(ui: &Ui<'_>, label: &str) -> Result<()> {
    ui.state().set("tabs", label)
}

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let [one, two, three] = ui
        .tabs(["One", "Two", "Three"])
        .key("tabs")
        .on_change(changed)
        .show()?;
    ui.text(format!(
        "open={}",
        dumps(&[one.open(), two.open(), three.open()])
    ));
    ui.text(format!("state={}", dumps(&ui.state().get_value("tabs"))));
    two.text("in two");
    #[widget(key = "three", on_click = write, args = ("Three",))]
    ui.button("To three").show()?;
    #[widget(key = "nowhere", on_click = write, args = ("Nowhere",))]
    ui.button("To nowhere").show()?;
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
