//! Widget identity: what counts for a widget's id and what never does, and
//! the checks on keys. A keyless widget hashes its form (R1, R3); `disabled`,
//! help and callbacks never count (R2, R5); a key is used once per run, a
//! fragment's key included (R6, R8); keys are normalised and checked, and a
//! submit button gets its automatic key (R9).
//!
//! Rules: R1, R2, R3, R5, R6, R8, R9. The parameters each kind counts with a
//! key (R4) are in `widgets`; the page in every identity (R10) is in `pages`.

use brooklet::prelude::*;
use brooklet::testing::RunEnd;
use brooklet::testing::Target;
use serde_json::json;

use crate::harness::{bump, exception_kinds, started, state, the_exception};

// ---------------------------------------------------------------- R1, R3

/// R1/R3: a keyless widget hashes its form, so the same widget in two forms
/// is two widgets, not a duplicate id.
#[test]
fn r1_keyless_widgets_hash_their_form() {
    let t = started(|ui| {
        ui.form("f", false)?.text_input("T").show()?;
        ui.form("g", false)?.text_input("T").show()?;
        Ok(())
    });
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.widgets().len(), 2);
}

// ---------------------------------------------------------------- R5

/// R5: `disabled` is never part of the id, not even of a keyless widget's.
#[test]
fn r5_toggling_disabled_keeps_a_keyless_widgets_identity_and_value() {
    let mut t = started(|ui| {
        let lock = ui.checkbox("lock").key("lock").show()?;
        let c = ui.checkbox("C").disabled(lock).show()?;
        ui.text(format!("c={c}"));
        Ok(())
    });
    let target = || Target::label("checkbox", "C");
    let id = t.widget(target()).unwrap().id;
    t.set_value(target(), true).unwrap();
    assert_eq!(t.texts(), ["c=true"]);

    t.set_value(Target::key("checkbox", "lock"), true).unwrap();
    assert_eq!(t.widget(target()).unwrap().id, id);
    assert_eq!(t.texts(), ["c=true"]);

    t.set_value(Target::key("checkbox", "lock"), false).unwrap();
    assert_eq!(t.widget(target()).unwrap().id, id);
    assert_eq!(t.texts(), ["c=true"]);
}

/// R5: a callback is never part of the id, not even of a keyless widget's.
#[test]
fn r5_adding_a_callback_keeps_a_keyless_widgets_identity_and_value() {
    let mut t = started(|ui| {
        let with_cb = ui.checkbox("with callback").key("with_cb").show()?;
        let mut field = ui.text_input("T");
        if with_cb {
            field = field.on_change(|ui| bump(ui, "calls"));
        }
        let v = field.show()?;
        ui.text(format!("t={v}"));
        Ok(())
    });
    let target = || Target::label("text_input", "T");
    let id = t.widget(target()).unwrap().id;
    t.set_value(target(), "hi").unwrap();

    t.set_value(Target::key("checkbox", "with_cb"), true)
        .unwrap();
    assert_eq!(t.widget(target()).unwrap().id, id);
    assert_eq!(t.texts(), ["t=hi"]);

    // the callback now belongs to the same widget and fires on its change
    t.set_value(target(), "ho").unwrap();
    assert_eq!(t.texts(), ["t=ho"]);
    assert_eq!(state(&t, "calls"), Some(json!(1)));
}

/// R2/R5: with a key, help, disabled and callbacks do not change the id.
#[test]
fn r5_help_disabled_and_callback_do_not_change_a_keyed_widgets_identity() {
    let mut t = started(|ui| {
        let dressed = ui
            .radio("variant", ["plain", "dressed"])
            .key("variant")
            .show()?
            == "dressed";
        let mut field = ui.text_input("T").key("t");
        if dressed {
            field = field.help("a tooltip").disabled(true).on_change(|_| Ok(()));
        }
        let v = field.show()?;
        ui.text(format!("t={v}"));
        Ok(())
    });
    let target = || Target::key("text_input", "t");
    let id = t.widget(target()).unwrap().id;
    t.set_value(target(), "hi").unwrap();

    t.set_value(Target::key("radio", "variant"), "dressed")
        .unwrap();
    assert_eq!(t.widget(target()).unwrap().id, id);
    assert_eq!(t.texts(), ["t=hi"]);

    t.set_value(Target::key("radio", "variant"), "plain")
        .unwrap();
    assert_eq!(t.widget(target()).unwrap().id, id);
    assert_eq!(t.texts(), ["t=hi"]);
}

// ---------------------------------------------------------------- R8

/// Two fragments with one key in a run are an error that names the key.
#[test]
fn r8_duplicate_fragment_keys_are_an_error() {
    let t = started(|ui| {
        ui.fragment("f", |_| Ok(()))?;
        ui.fragment("f", |_| Ok(()))
    });
    let (kind, message) = t.exceptions().remove(0);
    assert_eq!(kind, ErrorKind::DuplicateElementKey);
    assert!(message.contains("\"f\""));
}

// ---------------------------------------------------------------- R9

/// R9: `key(1)` and `key("1")` are the same key: a duplicate (R6), and the
/// same session-state entry.
#[test]
fn r9_int_key_and_str_key_are_one_key() {
    let t = started(|ui| {
        ui.text_input("A").key(1).show()?;
        ui.text_input("B").key("1").show()?;
        ui.text("reached end");
        Ok(())
    });
    let (kind, message, _) = the_exception(&t);
    assert_eq!(kind, ErrorKind::DuplicateElementKey);
    assert!(message.contains("\"1\""), "{message}");
    assert!(t.texts().is_empty());

    let t = started(|ui| {
        ui.state().setdefault("7", "from state".to_string())?;
        let v = ui.text_input("A").key(7).show()?;
        ui.text(v);
        Ok(())
    });
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["from state"]);
    assert_eq!(
        t.widget(Target::key("text_input", "7")).unwrap().value,
        Some(json!("from state"))
    );
}

/// R9: an empty key is rejected, shown as an exception where the widget is.
#[test]
fn r9_empty_key_is_invalid_key() {
    let t = started(|ui| {
        ui.text("before");
        ui.text_input("A").key("").show()?;
        ui.text("after");
        Ok(())
    });
    let (kind, message, _) = the_exception(&t);
    assert_eq!(kind, ErrorKind::InvalidKey);
    assert!(message.contains("empty"), "{message}");
    assert_eq!(t.texts(), ["before"]);
    assert_eq!(t.run_end(), Some(RunEnd::Failed));
}

/// R9: keys beginning with `$$ID` are reserved.
#[test]
fn r9_key_starting_with_id_prefix_is_invalid_key() {
    let t = started(|ui| {
        ui.checkbox("A").key("$$ID-abc-None").show()?;
        ui.text("after");
        Ok(())
    });
    let (kind, message, _) = the_exception(&t);
    assert_eq!(kind, ErrorKind::InvalidKey);
    assert!(message.contains("$$ID"), "{message}");
    assert!(t.texts().is_empty());
    assert!(t.session_state().is_empty(), "{:?}", t.session_state());
}

/// R9: a submit button without a key gets `FormSubmitter:<form>-<label>`;
/// outside a form it is an error that says where it belongs.
#[test]
fn r9_submit_button_key_and_its_form() {
    let t = started(|ui| {
        let f = ui.form("my_form", false)?;
        f.form_submit_button("Send").show()?;
        Ok(())
    });
    assert_eq!(state(&t, "FormSubmitter:my_form-Send"), Some(json!(false)));
    let t = started(|ui| {
        ui.form_submit_button("Send").show()?;
        Ok(())
    });
    assert_eq!(exception_kinds(&t), [ErrorKind::InvalidArgument]);
}
