//! Port of tests/conformance/data/date_range/app.py: a date input in range
//! mode.
use crate::support::dumps;
use brooklet::chrono::NaiveDate;
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let day = |d| NaiveDate::from_ymd_opt(2024, 1, d).expect("a date");
    #[widget(key = "trip")]
    let (start, end) = ui.date_input("Trip").range(day(1), day(7)).show()?;
    ui.text(format!(
        "ret:trip={}",
        dumps(&[start.to_string(), end.to_string()])
    ));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
