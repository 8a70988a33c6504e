//! Clean-up: runs that skip it, and plain values written before a widget
//! first appears. A panic or an `Err` from page code is shown on the page
//! and the run does no clean-up (R16, A2, A8); a value written before its
//! widget ever appeared stays frozen under its key, one written with the
//! widget is cleaned up as usual (R19).
//!
//! Rules: R16, R19. A run ended by `rerun()` is in `rerun`, clean-up in a
//! fragment run in `fragments`, on a page switch in `pages`.

use brooklet::prelude::*;
use brooklet::testing::RunEnd;
use brooklet::testing::{AppTest, Target};
use serde_json::json;

use crate::harness::{app, has_file_line, started, state, the_exception};

// ---------------------------------------------------------------- R16

fn failing_page(ui: &Ui<'_>) -> Result<()> {
    let mode = ui
        .radio("mode", ["normal", "panic", "err"])
        .key("mode")
        .show()?;
    if mode == "panic" {
        panic!("boom: {}", 42);
    }
    if mode == "err" {
        return Err(Error::msg("page said no"));
    }
    let v = ui.text_input("T").key("t").show()?;
    ui.text(format!("t={v}"));
    Ok(())
}

/// R16/A2: a panic in page code is shown as `Panic` with its message and
/// where it happened; the run does no clean-up; the next event works.
#[test]
fn r16_page_panic_is_shown_with_location_and_skips_cleanup() {
    let mut t = AppTest::new(app(failing_page));
    t.run().unwrap();
    t.set_value(Target::key("text_input", "t"), "kept").unwrap();

    t.set_value(Target::key("radio", "mode"), "panic").unwrap();
    let (kind, message, location) = the_exception(&t);
    assert_eq!(kind, ErrorKind::Panic);
    assert_eq!(message, "boom: 42");
    let location = location.expect("a panic has a location");
    assert!(location.contains("app.py"), "{location}");
    assert!(has_file_line(&location, file!()), "{location}");
    assert_eq!(t.run_end(), Some(RunEnd::Failed));
    // no clean-up: the widget the run did not reach keeps its value
    assert_eq!(state(&t, "t"), Some(json!("kept")));

    t.set_value(Target::key("radio", "mode"), "normal").unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["t=kept"]);
    assert_eq!(t.run_end(), Some(RunEnd::Completed));
}

/// R16/A8: an `Err` returned by page code is shown like a panic, at the
/// page, as a `PageError` (written `Panic` in traces).
#[test]
fn r16_page_err_is_shown_as_a_page_error_and_skips_cleanup() {
    let mut t = AppTest::new(app(failing_page));
    t.run().unwrap();
    t.set_value(Target::key("text_input", "t"), "kept").unwrap();

    t.set_value(Target::key("radio", "mode"), "err").unwrap();
    let (kind, message, location) = the_exception(&t);
    assert_eq!(kind, ErrorKind::PageError);
    assert_eq!(kind.trace_name(), "Panic");
    assert_eq!(message, "page said no");
    assert!(location.is_some_and(|l| l.contains("app.py")));
    assert_eq!(state(&t, "t"), Some(json!("kept")));

    t.set_value(Target::key("radio", "mode"), "normal").unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["t=kept"]);
}

// ---------------------------------------------------------------- R19

/// R19: a value written to a key before any widget with that key ever
/// registered is a plain entry; it survives the widget's clean-up with its
/// first value and comes back when the widget is re-mounted.
#[test]
fn r19_pre_registration_value_is_frozen() {
    let mut t = started(|ui| {
        let show = ui.checkbox("show").key("show").show()?;
        if !ui.state().contains("inited") {
            // once, in a run where the widget is hidden
            ui.state().set("inited", &true)?;
            ui.state().set("t", "init")?;
        }
        if show {
            let v = ui.text_input("T").key("t").show()?;
            ui.text(format!("widget={v}"));
        }
        Ok(())
    });
    assert_eq!(state(&t, "t"), Some(json!("init")));

    let show = || Target::key("checkbox", "show");
    t.set_value(show(), true).unwrap();
    assert_eq!(
        t.texts(),
        ["widget=init"],
        "the widget adopts the plain value"
    );

    t.set_value(Target::key("text_input", "t"), "edited")
        .unwrap();
    assert_eq!(t.texts(), ["widget=edited"]);
    assert_eq!(state(&t, "t"), Some(json!("edited")));

    t.set_value(show(), false).unwrap();
    assert_eq!(
        state(&t, "t"),
        Some(json!("init")),
        "after clean-up the key still holds the pre-registration value"
    );

    t.set_value(show(), true).unwrap();
    assert_eq!(t.texts(), ["widget=init"], "re-mounted, it shows it again");
}

/// R19 (by contrast): a key first written in the run where its widget first
/// registers lives under the widget id and is cleaned up as usual.
#[test]
fn r19_key_first_written_with_its_widget_is_cleaned_up() {
    let mut t = started(|ui| {
        let show = ui.checkbox("show").value(true).key("show").show()?;
        if !ui.state().contains("inited") {
            ui.state().set("inited", &true)?;
            ui.state().set("t", "init")?;
        }
        if show {
            let v = ui.text_input("T").key("t").show()?;
            ui.text(format!("widget={v}"));
        }
        Ok(())
    });
    assert_eq!(t.texts(), ["widget=init"]);
    t.set_value(Target::key("text_input", "t"), "edited")
        .unwrap();
    t.set_value(Target::key("checkbox", "show"), false).unwrap();
    assert_eq!(state(&t, "t"), None, "cleaned up with its widget");
    t.set_value(Target::key("checkbox", "show"), true).unwrap();
    assert_eq!(t.texts(), ["widget="], "back with its default");
}
