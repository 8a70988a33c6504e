//! Port of scenarios/form_callback_docs_attendance/app.py. The attendance
//! is a Python set; `PySet` is that set, written as the traces write sets.
use crate::support::PySet;
use brooklet::prelude::*;

fn take_attendance(ui: &Ui<'_>) -> Result<()> {
    let name: String = ui.state().get("name")?;
    let mut attendance: PySet = ui.state().get("attendance")?;
    if attendance.contains(&name) {
        ui.info(format!("{name} has already been counted."));
    } else {
        attendance.insert(name);
        ui.state().set("attendance", &attendance)?;
    }
    Ok(())
}

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    if !ui.state().contains("attendance") {
        ui.state().set("attendance", &PySet::default())?;
    }

    let form = ui.form("my_form", false)?;
    #[widget(key = "name")]
    form.text_input("Name").show()?;
    #[widget(on_click = take_attendance)]
    form.form_submit_button("I'm here!").show()?;
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
