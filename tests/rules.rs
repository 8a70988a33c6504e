//! Unit tests of the widget-behaviour contract (`widget-behavior.md`), one
//! per rule, for what the conformance scenarios do not already pin: identity
//! details, value resolution corner cases, callbacks, `rerun()`, missing and
//! mistyped keys, disabled widgets, typed values, and bad input sent to the
//! engine directly (A6).
//!
//! Each test is named after the rule it pins. Pages are small closures run
//! through the headless harness ([`AppTest`]) or, for bad input, through
//! [`Session::handle`] with hand-built events.

use brooklet::prelude::*;
use brooklet::testing::{AppTest, Target};
use brooklet::{Element, ElementTree, Event, RunEnd, Session};
use serde_json::{json, Value};

// ---------------------------------------------------------------- helpers

/// A one-page app at `app.py`.
fn app(page: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static) -> App {
    App::new().page(Page::new("app.py", page))
}

/// A harness on a one-page app, after its first run.
fn started(page: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static) -> AppTest {
    let mut t = AppTest::new(app(page));
    t.run().expect("first run");
    t
}

/// The kinds of the exceptions on the page.
fn exception_kinds(t: &AppTest) -> Vec<ErrorKind> {
    t.exceptions().into_iter().map(|(k, _)| k).collect()
}

/// The one exception on the page, with its location.
fn the_exception(t: &AppTest) -> (ErrorKind, String, Option<String>) {
    let tree = t.tree();
    let found: Vec<_> = tree
        .iter()
        .filter_map(|e| match e {
            Element::Exception {
                kind,
                message,
                location,
            } => Some((*kind, message.clone(), location.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "expected one exception, got {found:?}");
    found.into_iter().next().unwrap()
}

/// A user-visible session-state value after the last run.
fn state(t: &AppTest, key: &str) -> Option<Value> {
    t.session_state().get(key).cloned()
}

/// `value_pushed` of the widget with `key` in the last run (R13).
fn pushed(t: &AppTest, key: &str) -> bool {
    t.tree()
        .widgets()
        .find(|w| w.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no widget with key {key:?} on screen"))
        .value_pushed
}

/// Adds one to the integer under `key` (0 when missing): a callback's trace.
fn bump(ui: &Ui<'_>, key: &str) -> Result<()> {
    let n: i64 = ui.state().get_opt(key)?.unwrap_or(0);
    ui.state().set(key, &(n + 1))
}

/// Whether `s` contains `file.rs:<digits>`.
fn has_file_line(s: &str, file: &str) -> bool {
    s.match_indices(&format!("{file}:")).any(|(i, m)| {
        s[i + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
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

// ---------------------------------------------------------------- R13

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

// ---------------------------------------------------------------- R27

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
    assert_eq!(kind, ErrorKind::Panic);
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
    assert!(has_file_line(&location, "rules.rs"), "{location}");
    assert!(
        t.texts().is_empty(),
        "the body must not run: {:?}",
        t.texts()
    );

    t.run().unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["body ran"]);
}

// ---------------------------------------------------------------- R41

/// R41: `rerun()` in the body ends the run and runs the page again, within
/// the same event.
#[test]
fn r41_rerun_in_the_body_reruns_the_page() {
    let mut t = started(|ui| {
        let runs: i64 = ui.state().get_opt("runs")?.unwrap_or(0) + 1;
        ui.state().set("runs", &runs)?;
        ui.text(format!("run {runs}"));
        if !ui.state().contains("rerun_done") {
            ui.state().set("rerun_done", &true)?;
            ui.rerun()?;
        }
        ui.text("end");
        Ok(())
    });
    let out = t.output().unwrap();
    assert_eq!(out.reruns, 1);
    assert_eq!(out.end, RunEnd::Completed);
    assert_eq!(state(&t, "runs"), Some(json!(2)));
    assert_eq!(t.texts(), ["run 2", "end"], "only the last run's elements");
    assert!(t.exceptions().is_empty());

    t.run().unwrap();
    assert_eq!(t.output().unwrap().reruns, 0);
    assert_eq!(state(&t, "runs"), Some(json!(3)));
}

/// R41/R28: triggers are reset for the run that `rerun()` starts.
#[test]
fn r41_rerun_resets_triggers() {
    let mut t = started(|ui| {
        let go = ui.button("Go").key("go").show()?;
        ui.text(format!("go={go}"));
        if go {
            ui.state().set("seen_true", &true)?;
            ui.rerun()?;
        }
        Ok(())
    });
    t.click(Target::key("button", "go")).unwrap();
    assert_eq!(state(&t, "seen_true"), Some(json!(true)));
    assert_eq!(t.output().unwrap().reruns, 1);
    assert_eq!(t.texts(), ["go=false"]);
    assert_eq!(state(&t, "go"), Some(json!(false)));
}

/// R41/R16: a run ended by `rerun()` does no clean-up: a widget it did not
/// reach keeps its value.
#[test]
fn r41_run_ended_by_rerun_skips_cleanup() {
    let mut t = started(|ui| {
        if ui.button("again").key("again").show()? {
            ui.rerun()?; // this run never reaches `t`
        }
        let v = ui.text_input("T").key("t").show()?;
        ui.text(format!("t={v}"));
        Ok(())
    });
    t.set_value(Target::key("text_input", "t"), "keep").unwrap();
    t.click(Target::key("button", "again")).unwrap();
    assert_eq!(t.output().unwrap().reruns, 1);
    assert_eq!(t.texts(), ["t=keep"]);
    assert_eq!(state(&t, "t"), Some(json!("keep")));
}

/// R41: the run that `rerun()` starts gets no browser values, so the
/// event's callbacks do not fire again.
#[test]
fn r41_rerun_does_not_replay_the_event() {
    let mut t = started(|ui| {
        ui.text_input("T")
            .key("t")
            .on_change(|ui| bump(ui, "changes"))
            .show()?;
        let runs: i64 = ui.state().get_opt("runs")?.unwrap_or(0) + 1;
        ui.state().set("runs", &runs)?;
        if runs % 2 == 1 {
            ui.rerun()?; // every event runs the page twice
        }
        Ok(())
    });
    assert_eq!(state(&t, "runs"), Some(json!(2)));
    t.set_value(Target::key("text_input", "t"), "x").unwrap();
    assert_eq!(state(&t, "runs"), Some(json!(4)));
    assert_eq!(state(&t, "changes"), Some(json!(1)));
    assert_eq!(state(&t, "t"), Some(json!("x")));
}

/// R41: a page that reruns on every run ends with `RerunLoop` shown instead
/// of hanging; the next event works.
#[test]
fn r41_rerun_on_every_run_is_a_rerun_loop() {
    let mut t = started(|ui| {
        if ui.checkbox("loop").key("loop").show()? {
            ui.rerun()?;
        }
        ui.text("settled");
        Ok(())
    });
    t.set_value(Target::key("checkbox", "loop"), true).unwrap();
    let (kind, message, _) = the_exception(&t);
    assert_eq!(kind, ErrorKind::RerunLoop);
    assert!(message.contains("rerun()"), "{message}");
    assert_eq!(t.run_end(), Some(RunEnd::Failed));
    assert!(t.output().unwrap().reruns > 0);

    t.set_value(Target::key("checkbox", "loop"), false).unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["settled"]);
    assert_eq!(t.run_end(), Some(RunEnd::Completed));
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
    assert!(has_file_line(&location, "rules.rs"), "{location}");
    assert_eq!(t.run_end(), Some(RunEnd::Failed));
    // no clean-up: the widget the run did not reach keeps its value
    assert_eq!(state(&t, "t"), Some(json!("kept")));

    t.set_value(Target::key("radio", "mode"), "normal").unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["t=kept"]);
    assert_eq!(t.run_end(), Some(RunEnd::Completed));
}

/// R16/A8: an `Err` returned by page code is shown like a panic, at the page.
#[test]
fn r16_page_err_is_shown_as_panic_and_skips_cleanup() {
    let mut t = AppTest::new(app(failing_page));
    t.run().unwrap();
    t.set_value(Target::key("text_input", "t"), "kept").unwrap();

    t.set_value(Target::key("radio", "mode"), "err").unwrap();
    let (kind, message, location) = the_exception(&t);
    assert_eq!(kind, ErrorKind::Panic);
    assert_eq!(message, "page said no");
    assert!(location.is_some_and(|l| l.contains("app.py")));
    assert_eq!(state(&t, "t"), Some(json!("kept")));

    t.set_value(Target::key("radio", "mode"), "normal").unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["t=kept"]);
}

// ---------------------------------------------------------------- R35–R38

/// R10/R35: the same key on two pages is two widgets: the value does not
/// carry over, and the old page's key is gone at the top of the new page.
#[test]
fn r35_same_key_on_two_pages_is_two_widgets() {
    let app = App::new()
        .page(Page::new("a.py", |ui| {
            let k = ui.text_input("K").key("k").show()?;
            ui.text(format!("a:k={k}"));
            Ok(())
        }))
        .page(Page::new("b.py", |ui| {
            let had = ui.state().contains("k");
            let k = ui.text_input("K").key("k").show()?;
            ui.text(format!("b:had_k={had} k={k}"));
            Ok(())
        }));
    let mut t = AppTest::new(app);
    t.run().unwrap();
    let id_a = t.widget(Target::key("text_input", "k")).unwrap().id;
    t.set_value(Target::key("text_input", "k"), "on a").unwrap();
    assert_eq!(t.texts(), ["a:k=on a"]);

    t.switch_page("b.py").unwrap();
    let id_b = t.widget(Target::key("text_input", "k")).unwrap().id;
    assert_ne!(id_a, id_b);
    assert_eq!(t.texts(), ["b:had_k=false k="]);
    t.set_value(Target::key("text_input", "k"), "on b").unwrap();

    t.switch_page("a.py").unwrap();
    assert_eq!(t.texts(), ["a:k="]);
}

/// R36/R38: without an entrypoint, leaving a page cleans up its widgets;
/// plain keys survive; coming back gives the defaults.
#[test]
fn r38_app_without_entrypoint_cleans_up_page_widgets_on_switch() {
    let app = App::new()
        .page(Page::new("home.py", |ui| {
            ui.state().setdefault("plain", 1)?;
            let n = ui.number_input("N").min(0i64).key("n").show()?;
            let c = ui.checkbox("C").show()?;
            ui.text(format!("n={n} c={c}"));
            Ok(())
        }))
        .page(Page::new("other.py", |ui| {
            ui.text(format!("keys={:?}", ui.state().keys()));
            Ok(())
        }));
    let mut t = AppTest::new(app);
    t.run().unwrap();
    t.stage_value(Target::key("number_input", "n"), 5).unwrap();
    t.set_value(Target::label("checkbox", "C"), true).unwrap();
    assert_eq!(t.texts(), ["n=5 c=true"]);

    t.switch_page("other.py").unwrap();
    assert_eq!(t.texts(), ["keys=[\"plain\"]"]);
    assert_eq!(t.session_state().keys().collect::<Vec<_>>(), ["plain"]);

    t.switch_page("home.py").unwrap();
    assert_eq!(t.texts(), ["n=0 c=false"]);
}

// ---------------------------------------------------------------- forms

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
