//! The demo app: two pages, a sidebar shared by both (it lives in the
//! entrypoint, so its widgets keep their values across pages), columns, and
//! the docs' slider whose bounds come from two number inputs.
//!
//! `cargo run --example hello` serves it on http://127.0.0.1:8501/
//! (`--host`, `--port`); `cargo run --example hello -- --headless` plays a
//! few interactions through the headless harness instead and prints each
//! page as a text outline.

use brooklet::prelude::*;

/// The docs' example: the slider's bounds come from two number inputs, and
/// its value is clamped into them before it is drawn (R18, R21).
#[path = "slider_bounds.rs"]
#[allow(dead_code)]
mod slider_bounds;
use brooklet::testing::{AppTest, Target};

/// Runs before every page: the title and the sidebar.
#[page(entrypoint)]
fn entrypoint(ui: &Ui<'_>) -> Result<()> {
    ui.title("brooklet demo");
    let sidebar = ui.sidebar();
    #[widget(key = "name")]
    let name = sidebar.text_input("Your name").show()?;
    if !name.is_empty() {
        sidebar.success(format!("Hello, {name}!"));
    }
    ui.run_page()
}

/// A page of everyday widgets.
#[page]
fn survey(ui: &Ui<'_>) -> Result<()> {
    ui.header("Survey");
    #[widget(key = "colour")]
    let colour = ui
        .radio("Favourite colour", ["red", "green", "blue"])
        .show()?;
    #[widget(key = "toppings")]
    let toppings = ui
        .multiselect("Toppings", ["cheese", "olives", "basil"])
        .show()?;
    #[widget(key = "subscribe")]
    let subscribe = ui.checkbox("Subscribe").show()?;
    #[widget(key = "submit")]
    if ui.button("Submit").show()? {
        ui.success(format!("{colour}, {toppings:?}, subscribed: {subscribe}"));
    }
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new()
        .entrypoint(entrypoint)
        .page(slider_bounds::bounds)
        .page(survey)
}

fn main() -> std::result::Result<(), Error> {
    if !std::env::args().any(|a| a == "--headless") {
        app().serve();
        return Ok(());
    }
    let mut t = AppTest::new(app());
    let show = |t: &AppTest, what: &str| {
        println!(
            "--- {what} ({})\n{}",
            t.page().unwrap_or("?"),
            t.tree().outline()
        )
    };
    t.run()?;
    show(&t, "first run");
    t.set_value(Target::key("text_input", "name"), "Ada")?;
    t.set_value(Target::key("slider", "a"), 9)?;
    show(&t, "name typed, slider moved to 9");
    t.set_value(Target::key("number_input", "max"), 7)?;
    show(&t, "Max lowered to 7: the slider is clamped");
    t.switch_page("survey")?;
    t.set_value(Target::key("radio", "colour"), "blue")?;
    t.click(Target::key("button", "submit"))?;
    show(&t, "survey submitted; the sidebar kept the name");
    Ok(())
}
