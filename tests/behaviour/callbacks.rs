//! Callbacks: which run and what stops them. No callback on a plain rerun or
//! for a disabled widget; `rerun()` in one callback does not stop the
//! others; an `Err` or a panic in a callback is shown in that interaction's
//! run and the page body does not run (R27, R43, R16).
//!
//! Rules: R16, R27, R43.

use brooklet::prelude::*;
use brooklet::testing::RunEnd;
use brooklet::testing::Target;
use serde_json::json;

use crate::harness::{bump, has_file_line, started, state, the_exception};

/// R27: callbacks fire when the value changed, never on a plain rerun.
#[test]
fn r27_no_callback_on_a_plain_rerun() {
    let mut t = started(|ui| {
        ui.text_input("T")
            .key("t")
            .on_change(|ui| bump(ui, "changes"))
            .show()?;
        ui.button("Go")
            .key("go")
            .on_click(|ui| bump(ui, "clicks"))
            .show()?;
        Ok(())
    });
    assert_eq!(state(&t, "changes"), None);
    t.set_value(Target::key("text_input", "t"), "a").unwrap();
    assert_eq!(state(&t, "changes"), Some(json!(1)));
    t.click(Target::key("button", "go")).unwrap();
    assert_eq!(state(&t, "clicks"), Some(json!(1)));

    t.run().unwrap();
    t.run().unwrap();
    assert_eq!(state(&t, "changes"), Some(json!(1)));
    assert_eq!(state(&t, "clicks"), Some(json!(1)));

    // the same value sent again is no change either
    t.set_value(Target::key("text_input", "t"), "a").unwrap();
    assert_eq!(state(&t, "changes"), Some(json!(1)));
}

/// R27/R43: a disabled widget's callback does not fire.
#[test]
fn r27_callback_not_run_for_a_disabled_widget() {
    let mut t = started(|ui| {
        ui.text_input("T")
            .key("t")
            .disabled(true)
            .on_change(|ui| bump(ui, "changes"))
            .show()?;
        ui.button("Go")
            .key("go")
            .disabled(true)
            .on_click(|ui| bump(ui, "clicks"))
            .show()?;
        Ok(())
    });
    t.set_value(Target::key("text_input", "t"), "a").unwrap();
    t.click(Target::key("button", "go")).unwrap();
    assert_eq!(state(&t, "changes"), None);
    assert_eq!(state(&t, "clicks"), None);
    assert_eq!(state(&t, "go"), Some(json!(false)));
}

/// R27: `rerun()` inside a callback does not stop the other callbacks, and
/// the interaction's page still runs.
#[test]
fn r27_rerun_in_a_callback_does_not_stop_the_other_callbacks() {
    let mut t = started(|ui| {
        ui.text_input("A")
            .key("a")
            .on_change(|ui| {
                bump(ui, "a_calls")?;
                ui.rerun()
            })
            .show()?;
        ui.text_input("B")
            .key("b")
            .on_change(|ui| bump(ui, "b_calls"))
            .show()?;
        ui.text("body");
        Ok(())
    });
    // one event carrying both changes, `a` first (page order)
    t.stage_value(Target::key("text_input", "a"), "1").unwrap();
    t.set_value(Target::key("text_input", "b"), "2").unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(state(&t, "a_calls"), Some(json!(1)));
    assert_eq!(state(&t, "b_calls"), Some(json!(1)), "b's callback ran too");
    assert_eq!(t.texts(), ["body"]);
    assert_eq!(t.run_end(), Some(RunEnd::Completed));
    assert_eq!(state(&t, "a"), Some(json!("1")));
    assert_eq!(state(&t, "b"), Some(json!("2")));
}

fn failing_callback_page(ui: &Ui<'_>) -> Result<()> {
    ui.text_input("Err")
        .key("e")
        .on_change(|_| Err(Error::msg("callback said no")))
        .show()?;
    ui.text_input("Panic")
        .key("p")
        .on_change(|_| panic!("callback panicked: {}", 7))
        .show()?;
    ui.text("body ran");
    Ok(())
}

/// R27/R16: a callback that returns `Err` ends the interaction's run with the
/// error shown; the body does not run; the next event works.
#[test]
fn r27_callback_returning_err_is_shown_and_the_body_does_not_run() {
    let mut t = started(failing_callback_page);
    t.set_value(Target::key("text_input", "e"), "x").unwrap();
    let (kind, message, _) = the_exception(&t);
    assert_eq!(kind, ErrorKind::PageError);
    assert_eq!(message, "callback said no");
    assert!(
        t.texts().is_empty(),
        "the body must not run: {:?}",
        t.texts()
    );
    assert_eq!(t.run_end(), Some(RunEnd::Failed));

    t.run().unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["body ran"]);
    assert_eq!(state(&t, "e"), Some(json!("x")));
}

/// R27/R16: a callback that panics is shown like a page panic, with its
/// location; the body does not run; the next event works.
#[test]
fn r27_callback_panic_is_shown_and_the_body_does_not_run() {
    let mut t = started(failing_callback_page);
    t.set_value(Target::key("text_input", "p"), "x").unwrap();
    let (kind, message, location) = the_exception(&t);
    assert_eq!(kind, ErrorKind::Panic);
    assert_eq!(message, "callback panicked: 7");
    let location = location.expect("a panic has a location");
    assert!(has_file_line(&location, file!()), "{location}");
    assert!(
        t.texts().is_empty(),
        "the body must not run: {:?}",
        t.texts()
    );

    t.run().unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["body ran"]);
}
