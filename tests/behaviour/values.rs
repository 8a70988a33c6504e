//! Registering a widget and resolving its value: when the server tells the
//! browser a widget's value (R13), a disabled widget ignoring the browser
//! (R43), typed values read, written and sent (A4), and values from the
//! browser checked before they touch the session, sent to the engine
//! directly with [`Session::handle`] (A6).
//!
//! Rules: R13, R43, A4, A6.

use brooklet::prelude::*;
use brooklet::testing::{AppTest, Target};
use brooklet::testing::{ElementTree, Event, RunEnd, Session};
use serde_json::{json, Value};

use crate::harness::{app, bump, exception_kinds, started, state, the_exception};

// ---------------------------------------------------------------- R13

/// `value_pushed` of the widget with `key` in the last run (R13).
fn pushed(t: &AppTest, key: &str) -> bool {
    t.tree()
        .widgets()
        .find(|w| w.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no widget with key {key:?} on screen"))
        .value_pushed
}

fn preset_page(ui: &Ui<'_>) -> Result<()> {
    let preset = ui.checkbox("preset").key("preset").show()?;
    if preset {
        ui.state().set("t", "preset")?;
    }
    let v = ui.text_input("T").key("t").show()?;
    ui.text(format!("t={v}"));
    Ok(())
}

/// R13: the server pushes the value when the key was written this run
/// before the widget, and leaves the browser's value alone otherwise.
#[test]
fn r13_value_pushed_only_when_the_key_was_written_before_the_widget() {
    let mut t = started(preset_page);
    assert!(!pushed(&t, "t"), "a fresh default is not pushed");

    t.set_value(Target::key("text_input", "t"), "typed")
        .unwrap();
    assert!(!pushed(&t, "t"), "the browser's own edit is not pushed");
    assert_eq!(t.texts(), ["t=typed"]);

    t.run().unwrap();
    assert!(!pushed(&t, "t"), "a plain rerun pushes nothing");

    t.set_value(Target::key("checkbox", "preset"), true)
        .unwrap();
    assert!(pushed(&t, "t"), "written before the widget in this run");
    assert_eq!(t.texts(), ["t=preset"]);

    t.run().unwrap();
    assert!(pushed(&t, "t"), "written again in this run");

    t.set_value(Target::key("checkbox", "preset"), false)
        .unwrap();
    assert!(!pushed(&t, "t"), "not written in this run");
    assert_eq!(t.texts(), ["t=preset"]);
}

/// R13/R21: a write from a callback happens in this run too.
#[test]
fn r13_value_pushed_when_a_callback_wrote_the_key() {
    let mut t = started(|ui| {
        ui.button("fill")
            .key("fill")
            .on_click(|ui| ui.state().set("t", "filled"))
            .show()?;
        let v = ui.text_input("T").key("t").show()?;
        ui.text(format!("t={v}"));
        Ok(())
    });
    assert!(!pushed(&t, "t"));
    t.click(Target::key("button", "fill")).unwrap();
    assert!(pushed(&t, "t"));
    assert_eq!(t.texts(), ["t=filled"]);
    t.run().unwrap();
    assert!(!pushed(&t, "t"));
}

/// R13 (third bullet of the list) with R43: a disabled widget whose browser
/// value was discarded must tell the browser its real value.
#[test]
fn r13_value_pushed_when_a_disabled_widgets_value_was_discarded() {
    let mut t = started(|ui| {
        let v = ui.text_input("T").key("t").disabled(true).show()?;
        ui.text(format!("t={v}"));
        Ok(())
    });
    t.set_value(Target::key("text_input", "t"), "from the browser")
        .unwrap();
    assert_eq!(t.texts(), ["t="]);
    assert!(
        pushed(&t, "t"),
        "R13: the discarded browser value must be overwritten in the browser"
    );
}

/// R13 (second bullet) with R19: a user-key value restored when the widget
/// mounts, different from the default, must be pushed to the browser.
#[test]
fn r13_value_pushed_when_a_plain_key_value_is_restored_on_mount() {
    let mut t = started(|ui| {
        let show = ui.checkbox("show").key("show").show()?;
        if !ui.state().contains("t") {
            ui.state().set("t", "init")?;
        }
        if show {
            ui.text_input("T").key("t").show()?;
        }
        Ok(())
    });
    t.set_value(Target::key("checkbox", "show"), true).unwrap();
    assert_eq!(
        t.widget(Target::key("text_input", "t")).unwrap().returned,
        json!("init")
    );
    assert!(
        pushed(&t, "t"),
        "R13: the restored value \"init\" differs from the default \"\" and must be pushed"
    );
}

// ---------------------------------------------------------------- R43

fn disabled_page(ui: &Ui<'_>) -> Result<()> {
    ui.button("fill")
        .key("fill")
        .on_click(|ui| ui.state().set("t", "filled"))
        .show()?;
    let v = ui
        .text_input("T")
        .key("t")
        .value("start")
        .disabled(true)
        .on_change(|ui| bump(ui, "changes"))
        .show()?;
    ui.text(format!("t={v}"));
    Ok(())
}

/// R43: the browser's value for a disabled widget is discarded and its
/// callback does not fire.
#[test]
fn r43_disabled_widget_discards_browser_value() {
    let mut t = started(disabled_page);
    t.set_value(Target::key("text_input", "t"), "hacked")
        .unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["t=start"]);
    assert_eq!(state(&t, "t"), Some(json!("start")));
    assert_eq!(state(&t, "changes"), None);
}

/// R43: a session-state write to a disabled widget's key still applies.
#[test]
fn r43_session_state_write_to_a_disabled_widget_applies() {
    let mut t = started(disabled_page);
    t.click(Target::key("button", "fill")).unwrap();
    assert_eq!(t.texts(), ["t=filled"]);
    assert_eq!(state(&t, "t"), Some(json!("filled")));
    t.run().unwrap();
    assert_eq!(t.texts(), ["t=filled"]);
}

// ---------------------------------------------------------------- A4

/// A4: reading a key as the wrong type is `TypeMismatch`, naming the key,
/// the stored type and the requested type.
#[test]
fn a4_reading_a_key_as_the_wrong_type_is_type_mismatch() {
    let t = started(|ui| {
        ui.state().setdefault("n", 5)?;
        let err = ui.state().get::<String>("n").unwrap_err();
        ui.text(format!("{:?}", err.kind()));
        ui.text(err.message());
        Ok(())
    });
    let texts = t.texts();
    assert_eq!(texts[0], "TypeMismatch");
    assert!(texts[1].contains("\"n\""), "{}", texts[1]);
    assert!(texts[1].contains("integer"), "{}", texts[1]);
    assert!(texts[1].contains("String"), "{}", texts[1]);
    // propagated with `?`, it is shown on the page
    let t = started(|ui| {
        ui.state().setdefault("n", 5)?;
        ui.state().get::<bool>("n")?;
        Ok(())
    });
    assert_eq!(exception_kinds(&t), [ErrorKind::TypeMismatch]);
}

/// A slider page whose `bad` checkbox writes `value` to the slider's key
/// before the slider, in a later run than the one that first drew it.
fn slider_with_bad_write(value: Value) -> AppTest {
    started(move |ui| {
        if ui.checkbox("bad").key("bad").show()? {
            ui.state().set_value("s", value.clone())?;
        }
        let s: i64 = ui.slider("S", 0, 10).value(5).key("s").show()?;
        ui.text(format!("s={s}"));
        Ok(())
    })
}

/// A4: a string written to an existing slider's key is rejected at the
/// write; the state is unchanged, and the session keeps working.
#[test]
fn a4_string_written_to_a_slider_key_is_type_mismatch_and_changes_nothing() {
    let mut t = slider_with_bad_write(json!("oops"));
    let bad = || Target::key("checkbox", "bad");
    t.set_value(bad(), true).unwrap();
    let (kind, message, _) = the_exception(&t);
    assert_eq!(kind, ErrorKind::TypeMismatch);
    assert!(message.contains("\"s\""), "{message}");
    assert_eq!(state(&t, "s"), Some(json!(5)));

    t.set_value(bad(), false).unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["s=5"]);
}

/// A4: a float written to an integer slider's key is a value of the wrong
/// type too: rejected before anything changes.
#[test]
fn a4_float_written_to_an_integer_slider_key_is_type_mismatch_and_changes_nothing() {
    let mut t = slider_with_bad_write(json!(2.5));
    let bad = || Target::key("checkbox", "bad");
    t.set_value(bad(), true).unwrap();
    let (kind, message, _) = the_exception(&t);
    assert_eq!(kind, ErrorKind::TypeMismatch);
    assert!(message.contains("\"s\""), "{message}");
    assert_eq!(
        state(&t, "s"),
        Some(json!(5)),
        "A4: the wrong-typed write must be rejected before anything changes"
    );

    t.set_value(bad(), false).unwrap();
    assert!(
        t.exceptions().is_empty(),
        "the session must keep working: {:?}",
        t.exceptions()
    );
    assert_eq!(t.texts(), ["s=5"]);
}

// ---------------------------------------------------------------- A4: typed values

#[test]
fn a4_range_slider_round_trips_a_typed_pair() {
    let mut t = started(|ui| {
        let (lo, hi) = ui.range_slider("R", 0i64, 100).key("r").show()?;
        ui.text(format!("{lo}..{hi}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["0..100"]);
    t.set_value(Target::key("slider", "r"), (10, 20)).unwrap();
    assert_eq!(t.texts(), ["10..20"]);
    assert_eq!(state(&t, "r"), Some(json!([10, 20])));
}

#[test]
fn a4_float_slider_round_trips_a_float() {
    let mut t = started(|ui| {
        let f: f64 = ui.slider("F", 0.0, 1.0).step(0.1).key("f").show()?;
        ui.text(format!("{f:?}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["0.0"]);
    t.set_value(Target::key("slider", "f"), 0.3).unwrap();
    assert_eq!(t.texts(), ["0.3"]);
    // an integer from the browser is that float
    t.set_value(Target::key("slider", "f"), 1).unwrap();
    assert_eq!(t.texts(), ["1.0"]);
    assert_eq!(state(&t, "f"), Some(json!(1.0)));
}

#[test]
fn a4_select_slider_round_trips_an_option() {
    let mut t = started(|ui| {
        let size: String = ui
            .select_slider("Size", ["xs", "s", "m", "l"])
            .key("size")
            .show()?;
        let n: i64 = ui.select_slider("N", [1i64, 2, 4, 8]).key("n").show()?;
        ui.text(format!("{size} {n}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["xs 1"]);
    t.stage_value(Target::key("select_slider", "size"), "m")
        .unwrap();
    t.set_value(Target::key("select_slider", "n"), 4).unwrap();
    assert_eq!(t.texts(), ["m 4"]);
}

#[test]
fn a4_select_range_slider_round_trips_a_pair_of_options() {
    let mut t = started(|ui| {
        let (lo, hi): (String, String) = ui
            .select_range_slider("Span", ["xs", "s", "m", "l"])
            .key("span")
            .show()?;
        ui.text(format!("{lo}..{hi}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["xs..l"]);
    t.set_value(Target::key("select_slider", "span"), ("s", "m"))
        .unwrap();
    assert_eq!(t.texts(), ["s..m"]);
    assert_eq!(state(&t, "span"), Some(json!(["s", "m"])));
}

#[test]
fn a4_number_input_round_trips_floats_and_integers() {
    let mut t = started(|ui| {
        let f: f64 = ui.number_input("F").key("f").show()?;
        let i: i64 = ui.number_input("I").min(0).max(10).key("i").show()?;
        ui.text(format!("{f:?} {i}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["0.0 0"]);
    t.stage_value(Target::key("number_input", "f"), 2.5)
        .unwrap();
    t.set_value(Target::key("number_input", "i"), 7).unwrap();
    assert_eq!(t.texts(), ["2.5 7"]);
    // an integer sent to a float field is a float
    t.set_value(Target::key("number_input", "f"), 3).unwrap();
    assert_eq!(t.texts(), ["3.0 7"]);
    assert_eq!(state(&t, "f"), Some(json!(3.0)));
    assert_eq!(state(&t, "i"), Some(json!(7)));
}

// ---------------------------------------------------------------- A6

fn a6_page(ui: &Ui<'_>) -> Result<()> {
    ui.slider("Int", 0i64, 10).step(2).key("int").show()?;
    ui.slider("Float", 0.0, 1.0)
        .step(0.25)
        .key("float")
        .show()?;
    ui.range_slider("Range", 0i64, 10).key("range").show()?;
    ui.radio("Radio", ["a", "b", "c"]).key("radio").show()?;
    ui.selectbox("Select", ["x", "y"]).key("select").show()?;
    ui.multiselect("Multi", ["p", "q", "r"])
        .max_selections(2)
        .key("multi")
        .show()?;
    ui.select_slider("Size", ["s", "m", "l"])
        .key("size")
        .show()?;
    ui.text_input("Text").max_chars(5).key("text").show()?;
    ui.checkbox("Check").key("check").show()?;
    ui.number_input("Num")
        .min(0i64)
        .max(100)
        .key("num")
        .show()?;
    ui.checkbox("Keyless").show()?;
    Ok(())
}

/// The engine after a first run of `page`.
fn engine(page: fn(&Ui<'_>) -> Result<()>) -> (App, Session, ElementTree) {
    let app = app(page);
    let mut session = Session::new();
    session.handle(&app, Event::default()).expect("first run");
    let tree = session.tree().clone();
    (app, session, tree)
}

/// An event that sends `value` for the widget with `key` in `tree`.
fn event(tree: &ElementTree, key: &str, value: Value) -> Event {
    let w = tree
        .widgets()
        .find(|w| w.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no widget with key {key:?}"));
    Event {
        widgets: vec![(w.id, value)],
        ..Event::default()
    }
}

/// Sends `event`, expects it rejected with `kind` and a message holding each
/// of `needles`, and checks that the session did not change at all.
fn assert_rejected(
    app: &App,
    session: &mut Session,
    event: Event,
    kind: ErrorKind,
    needles: &[&str],
) {
    let state_before = session.state().clone();
    let visible_before = session.state().filtered();
    let runs_before = session.runs();
    let page_before = session.current_page().map(str::to_owned);
    let err = match session.handle(app, event) {
        Ok(_) => panic!(
            "expected {kind:?} with {needles:?}, but the event was taken: {:?}",
            session.tree().exceptions()
        ),
        Err(e) => e,
    };
    assert_eq!(err.kind(), kind, "{err}");
    for needle in needles {
        assert!(
            err.message().contains(needle),
            "message lacks {needle:?}: {}",
            err.message()
        );
    }
    assert_eq!(session.state().filtered(), visible_before);
    assert_eq!(session.state(), &state_before, "the stores changed");
    assert_eq!(session.runs(), runs_before);
    assert_eq!(session.current_page().map(str::to_owned), page_before);
}

/// A6: every kind of bad value is rejected with `InvalidValue`, names the
/// widget and the problem, and leaves the session as it was.
#[test]
fn a6_bad_browser_values_are_rejected_and_change_nothing() {
    let (app, mut session, tree) = engine(a6_page);
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        // slider: range, type, step
        ("int", json!(12), vec!["slider", "\"int\"", "12", "outside"]),
        ("int", json!(-2), vec!["\"int\"", "outside"]),
        ("int", json!(2.5), vec!["\"int\"", "integer"]),
        ("int", json!("4"), vec!["\"int\"", "integer"]),
        ("int", json!(3), vec!["\"int\"", "step"]),
        ("float", json!(0.3), vec!["\"float\"", "step"]),
        ("float", json!(1.5), vec!["\"float\"", "outside"]),
        ("range", json!([8, 2]), vec!["\"range\"", "reversed"]),
        ("range", json!(5), vec!["\"range\"", "pair"]),
        ("range", json!([0, 11]), vec!["\"range\"", "outside"]),
        // options
        (
            "radio",
            json!("d"),
            vec!["radio", "\"radio\"", "\"d\"", "not one of the options"],
        ),
        (
            "select",
            json!("z"),
            vec!["selectbox", "\"select\"", "\"z\"", "not one of the options"],
        ),
        (
            "multi",
            json!(["z"]),
            vec![
                "multiselect",
                "\"multi\"",
                "\"z\"",
                "not one of the options",
            ],
        ),
        (
            "multi",
            json!(["p", "q", "r"]),
            vec!["\"multi\"", "3 options selected", "at most 2"],
        ),
        ("multi", json!(["p", "p"]), vec!["\"multi\"", "twice"]),
        ("multi", json!("p"), vec!["\"multi\"", "list"]),
        (
            "size",
            json!("xl"),
            vec![
                "select_slider",
                "\"size\"",
                "\"xl\"",
                "not one of the options",
            ],
        ),
        // text, checkbox, number
        (
            "text",
            json!("abcdef"),
            vec!["text_input", "\"text\"", "6 characters", "at most 5"],
        ),
        ("text", json!(5), vec!["\"text\"", "string"]),
        (
            "check",
            json!("yes"),
            vec!["checkbox", "\"check\"", "true or false"],
        ),
        ("check", json!(1), vec!["\"check\"", "true or false"]),
        (
            "num",
            json!(101),
            vec!["number_input", "\"num\"", "maximum"],
        ),
        ("num", json!(-1), vec!["\"num\"", "minimum"]),
        ("num", json!(1.5), vec!["\"num\"", "integer"]),
    ];
    for (key, value, needles) in cases {
        let ev = event(&tree, key, value.clone());
        eprintln!("case {key} = {value}");
        assert_rejected(&app, &mut session, ev, ErrorKind::InvalidValue, &needles);
    }

    // a keyless widget is named by its kind and id
    let keyless = tree
        .widgets()
        .find(|w| w.key.is_none())
        .expect("the keyless checkbox");
    let id = keyless.id.to_string();
    let ev = Event {
        widgets: vec![(keyless.id, json!("on"))],
        ..Event::default()
    };
    assert_rejected(
        &app,
        &mut session,
        ev,
        ErrorKind::InvalidValue,
        &["checkbox", &id],
    );

    // the next good event works
    let out = session.handle(&app, event(&tree, "int", json!(4))).unwrap();
    assert_eq!(out.end, RunEnd::Completed);
    assert!(session.tree().exceptions().is_empty());
    assert_eq!(session.state().filtered()["int"], json!(4));
}

/// A6: one bad value rejects the whole event; the good values that came with
/// it are not applied either.
#[test]
fn a6_one_bad_value_rejects_the_whole_event() {
    let (app, mut session, tree) = engine(a6_page);
    let mut ev = event(&tree, "radio", json!("b"));
    ev.widgets.extend(event(&tree, "int", json!(12)).widgets);
    ev.widgets.extend(event(&tree, "text", json!("ok")).widgets);
    assert_rejected(
        &app,
        &mut session,
        ev,
        ErrorKind::InvalidValue,
        &["\"int\""],
    );
    assert_eq!(session.state().filtered()["radio"], json!("a"));
    assert_eq!(session.state().filtered()["text"], json!(""));
}

/// A6: a value for a widget this session never drew is `UnknownWidget`.
#[test]
fn a6_unknown_widget_id_is_rejected() {
    let (app, mut session, tree) = engine(a6_page);
    let id = "0123456789abcdef0123456789abcdef";
    let ev = Event {
        widgets: vec![(id.parse().unwrap(), json!(true))],
        ..Event::default()
    };
    assert_rejected(&app, &mut session, ev, ErrorKind::UnknownWidget, &[id]);

    let out = session
        .handle(&app, event(&tree, "check", json!(true)))
        .unwrap();
    assert_eq!(out.end, RunEnd::Completed);
    assert_eq!(session.state().filtered()["check"], json!(true));
}

/// A6: an event for a page the app does not have is `UnknownPage`.
#[test]
fn a6_unknown_page_is_rejected() {
    let (app, mut session, tree) = engine(a6_page);
    let mut ev = event(&tree, "radio", json!("c"));
    ev.page = Some("nope.py".into());
    assert_rejected(
        &app,
        &mut session,
        ev,
        ErrorKind::UnknownPage,
        &["nope.py", "app.py"],
    );

    let out = session
        .handle(&app, event(&tree, "radio", json!("c")))
        .unwrap();
    assert_eq!(out.page, "app.py");
    assert_eq!(session.state().filtered()["radio"], json!("c"));
}
