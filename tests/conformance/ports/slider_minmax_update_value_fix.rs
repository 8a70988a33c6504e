//! Port of scenarios/slider_minmax_update_value_fix/app.py.
use crate::support::dumps;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("a", 5)?;

    let cols = ui.columns(2);
    #[widget(key = "min")]
    let minimum = cols[0].number_input("Min").min(1).max(5).show()?;
    #[widget(key = "max")]
    let maximum = cols[1]
        .number_input("Max")
        .min(6)
        .max(10)
        .value(10)
        .show()?;

    let update_value = || -> Result<()> {
        ui.state()
            .set("a", &ui.state().get::<i32>("a")?.min(maximum))?;
        ui.state()
            .set("a", &ui.state().get::<i32>("a")?.max(minimum))
    };

    update_value()?;
    #[widget(key = "a")]
    let a = ui.slider("A", minimum, maximum).show()?;
    ui.text(format!("ret:a={}", dumps(&a)));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
