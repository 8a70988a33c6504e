//! Every accepted form of `#[page]`.
use brooklet::PageDefinition;
use brooklet::prelude::*;

/// Defaults: the path is the name, the title the name in words.
#[page]
fn home(ui: &Ui<'_>) -> brooklet::Result<()> {
    ui.text("home");
    Ok(())
}

#[page(title = "Slider bounds", path = "bounds", icon = "🎚️")]
pub fn slider_bounds(ui: &Ui<'_>) -> Result<()> {
    ui.text("bounds");
    Ok(())
}

/// Runs before every page.
#[page(entrypoint)]
fn shell(ui: &brooklet::Ui) -> std::result::Result<(), brooklet::Error> {
    ui.title("app");
    ui.run_page()
}

#[page(path = "pages/other.py")]
pub(crate) fn other(_ui: &Ui<'_>) -> brooklet::Result<()> {
    Ok(())
}

mod nested {
    use brooklet::prelude::*;

    #[page]
    pub fn in_a_module(ui: &Ui<'_>) -> Result<()> {
        ui.text("nested");
        Ok(())
    }
}

fn main() {
    assert_eq!((home::PATH, home::TITLE), ("home", "Home"));
    assert_eq!(slider_bounds::ICON, Some("🎚️"));
    let app = App::new()
        .entrypoint(shell)
        .page(home)
        .page(slider_bounds)
        .page(other)
        .page(nested::in_a_module)
        .page(Page::new("plain", |ui: &Ui<'_>| ui.stop()));
    let mut t = brooklet::testing::AppTest::new(app);
    t.run().unwrap();
    assert_eq!(t.texts(), ["home"]);
    t.switch_page("bounds").unwrap();
    assert_eq!(t.texts(), ["bounds"]);
}
