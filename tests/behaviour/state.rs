//! Session state: writing a widget's key, and reading a key that is not
//! there. A button's key is read-only (R23); a write and a default for one
//! widget, the write wins (R24); a missing key is a `KeyError`, to read or
//! to delete (R42, R20).
//!
//! Rules: R20, R23, R24, R42. Form keys are in `forms`, a file uploader's
//! in `widgets`, writes of the wrong type (A4) in `values`.

use brooklet::prelude::*;
use brooklet::testing::RunEnd;
use serde_json::json;

use crate::harness::{started, state, the_exception};

// ---------------------------------------------------------------- R23, R24

/// R23: a button's key cannot be assigned through session state; the value
/// written stays as a plain value.
#[test]
fn r23_read_only_button_key_cannot_be_assigned() {
    let t = started(|ui| {
        ui.state().set("btn", "mine")?;
        ui.button("Go").key("btn").show()?;
        ui.text("after");
        Ok(())
    });
    let (kind, message, _) = the_exception(&t);
    assert_eq!(kind, ErrorKind::ValueAssignmentNotAllowed);
    assert!(message.contains("\"btn\""), "{message}");
    assert!(t.texts().is_empty());
    assert_eq!(state(&t, "btn"), Some(json!("mine")));
}

/// R24: a default value and a session-state write in the same run: the
/// state value wins and nothing is shown (the warning only goes to the log).
#[test]
fn r24_state_write_wins_over_a_default_value() {
    let mut t = started(|ui| {
        ui.state().set("s", &7)?;
        ui.state().set("t", "from state")?;
        let s = ui.slider("S", 0, 10).value(3).key("s").show()?;
        let v = ui.text_input("T").value("default").key("t").show()?;
        ui.text(format!("s={s} t={v}"));
        Ok(())
    });
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["s=7 t=from state"]);
    t.run().unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["s=7 t=from state"]);
}

// ---------------------------------------------------------------- R42

/// R42: reading a missing key is a `KeyError` naming the key; `get_opt` is
/// the dict's `.get`.
#[test]
fn r42_missing_key_is_key_error_naming_the_key() {
    let t = started(|ui| {
        let err = ui.state().get::<i64>("missing").unwrap_err();
        ui.text(format!("{:?}", err.kind()));
        ui.text(err.message());
        let opt = ui.state().get_opt::<i64>("missing")?;
        ui.text(format!("opt={opt:?}"));
        Ok(())
    });
    let texts = t.texts();
    assert_eq!(texts[0], "KeyError");
    assert!(texts[1].contains("\"missing\""), "{}", texts[1]);
    assert_eq!(texts[2], "opt=None");
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.run_end(), Some(RunEnd::Completed));
}

/// R20/R42: deleting a missing key is a `KeyError` naming the key.
#[test]
fn r42_delete_of_a_missing_key_is_key_error() {
    let t = started(|ui| {
        ui.state().delete("missing")?;
        ui.text("after");
        Ok(())
    });
    let (kind, message, _) = the_exception(&t);
    assert_eq!(kind, ErrorKind::KeyError);
    assert!(message.contains("\"missing\""), "{message}");
    assert!(t.texts().is_empty());
}
