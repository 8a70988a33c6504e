//! Forms: values sent together by the submit button (R29), a form's key
//! read-only and among the run's keys (R22, R23, R6), only the submit
//! button with a callback (R30, R31), and `clear_on_submit` (R31).
//!
//! Rules: R6, R22, R23, R29, R30, R31. A keyless widget hashing its form
//! (R1) and a submit button's automatic key (R9) are in `identity`.

use brooklet::prelude::*;
use brooklet::testing::Target;
use serde_json::json;

use crate::harness::{exception_kinds, started, state, the_exception};

// ---------------------------------------------------------------- R29

/// R29: a form's changes wait for its submit button; other events send the
/// last submitted values.
#[test]
fn r29_form_values_wait_for_the_submit_button() {
    let mut t = started(|ui| {
        let f = ui.form("f", false)?;
        let a = f.text_input("A").key("a").show()?;
        let sent = f.form_submit_button("Send").key("send").show()?;
        ui.text(format!("a={a} sent={sent}"));
        ui.button("Other").key("other").show()?;
        Ok(())
    });
    t.stage_value(Target::key("text_input", "a"), "typed")
        .unwrap();
    t.click(Target::key("button", "other")).unwrap();
    assert_eq!(t.texts(), ["a= sent=false"]);
    t.stage_value(Target::key("text_input", "a"), "typed")
        .unwrap();
    t.click(Target::key("form_submit_button", "send")).unwrap();
    assert_eq!(t.texts(), ["a=typed sent=true"]);
}

// ---------------------------------------------------------------- R22, R23

/// R22/R23/R6: a form's key cannot be written after the form is drawn nor
/// before (it is read-only), and it counts among the run's keys.
#[test]
fn r22_r23_form_keys_are_read_only() {
    let after = started(|ui| {
        ui.form("f", false)?;
        ui.state().set("f", &1)?;
        Ok(())
    });
    assert_eq!(
        exception_kinds(&after),
        [ErrorKind::WidgetAlreadyInstantiated]
    );
    let before = started(|ui| {
        ui.state().set("f", &1)?;
        ui.form("f", false)?;
        Ok(())
    });
    assert_eq!(
        exception_kinds(&before),
        [ErrorKind::ValueAssignmentNotAllowed]
    );
    let dup = started(|ui| {
        ui.text_input("T").key("f").show()?;
        ui.form("f", false)?;
        Ok(())
    });
    assert_eq!(exception_kinds(&dup), [ErrorKind::DuplicateElementKey]);
    let nested = started(|ui| {
        let f = ui.form("f", false)?;
        f.form("g", false)?;
        Ok(())
    });
    assert_eq!(exception_kinds(&nested), [ErrorKind::InvalidArgument]);
}

// ---------------------------------------------------------------- R30, R31

/// R30/R31: inside a form only the submit button may have a callback.
#[test]
fn r31_on_change_inside_a_form_is_invalid_form_callback() {
    let t = started(|ui| {
        let f = ui.form("f", false)?;
        f.text_input("T").key("t").on_change(|_| Ok(())).show()?;
        f.form_submit_button("Go").show()?;
        Ok(())
    });
    assert_eq!(exception_kinds(&t), [ErrorKind::InvalidFormCallback]);
    let (_, message, _) = the_exception(&t);
    assert!(
        message.contains("\"T\"") && message.contains("\"f\""),
        "{message}"
    );
}

/// R31: with `clear_on_submit`, the submit's run sees the submitted values
/// and the session keeps them; the browser shows the defaults, and the next
/// submit sends those.
#[test]
fn r31_clear_on_submit_keeps_the_submitted_values_until_the_next_submit() {
    let mut t = started(|ui| {
        let f = ui.form("f", true)?;
        let name = f.text_input("Name").key("name").show()?;
        let sent = f.form_submit_button("Send").show()?;
        ui.text(format!("name={name} sent={sent}"));
        Ok(())
    });
    t.stage_value(Target::key("text_input", "name"), "Ada")
        .unwrap();
    t.click(Target::label("form_submit_button", "Send"))
        .unwrap();
    assert_eq!(t.texts(), ["name=Ada sent=true"]);
    assert_eq!(state(&t, "name"), Some(json!("Ada")));
    let field = t
        .tree()
        .widgets()
        .find(|w| w.key.as_deref() == Some("name"))
        .cloned()
        .unwrap();
    assert!(field.reset, "the browser is told to show the default");
    assert_eq!(field.clear_default, Some(json!("")));

    // A rerun caused elsewhere keeps the submitted value (R29).
    t.run().unwrap();
    assert_eq!(t.texts(), ["name=Ada sent=false"]);
    assert_eq!(state(&t, "name"), Some(json!("Ada")));

    // The next submit carries what the form shows: the default.
    t.click(Target::label("form_submit_button", "Send"))
        .unwrap();
    assert_eq!(t.texts(), ["name= sent=true"]);
    assert_eq!(state(&t, "name"), Some(json!("")));
}

/// R31: the reset shows in the HTML the server sends: the field shows its
/// default, while `data-value` keeps the value the session holds.
#[test]
fn r31_clear_on_submit_renders_the_default() {
    let mut t = started(|ui| {
        let f = ui.form("f", true)?;
        f.text_input("Name").key("name").show()?;
        f.form_submit_button("Send").show()?;
        Ok(())
    });
    t.stage_value(Target::key("text_input", "name"), "Ada")
        .unwrap();
    t.click(Target::label("form_submit_button", "Send"))
        .unwrap();
    let field = t
        .tree()
        .widgets()
        .find(|w| w.key.as_deref() == Some("name"))
        .cloned()
        .unwrap();
    let html = brooklet::__private::widget_html(&field);
    assert!(html.contains("data-reset=\"1\""), "{html}");
    assert!(html.contains("data-value=\"&quot;Ada&quot;\""), "{html}");
    assert!(
        !html.contains("value=\"Ada\""),
        "the field shows the default: {html}"
    );
}
