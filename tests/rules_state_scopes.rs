//! Unit tests of the contract's later rules (`widget-behavior.md` R31–R44,
//! A5): `clear_on_submit`, fragments and partial reruns, declared
//! persistence, `keep_value`, query-parameter binding and
//! `on_change = "ignore"`, for what the conformance scenarios do not pin.
//! Each test is named after the rule it pins.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use brooklet::prelude::*;
use brooklet::testing::{AppTest, Target};
use serde_json::{json, Value};

fn app(page: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static) -> App {
    App::new().page(Page::new("app.py", page))
}

fn started(page: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static) -> AppTest {
    let mut t = AppTest::new(app(page));
    t.run().expect("first run");
    t
}

/// A harness on a one-page app that counts the page's full runs.
fn counting_full_runs(
    page: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
) -> (AppTest, Arc<AtomicUsize>) {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let t = AppTest::new(app(move |ui| {
        counter.fetch_add(1, Ordering::SeqCst);
        page(ui)
    }));
    (t, runs)
}

fn state(t: &AppTest, key: &str) -> Option<Value> {
    t.session_state().get(key).cloned()
}

fn query(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
        .collect()
}

// ------------------------------------------------------------------ forms

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
    let html = brooklet::render::widget_html(&field);
    assert!(html.contains("data-reset=\"1\""), "{html}");
    assert!(html.contains("data-value=\"&quot;Ada&quot;\""), "{html}");
    assert!(
        !html.contains("value=\"Ada\""),
        "the field shows the default: {html}"
    );
}

// -------------------------------------------------------------- fragments

fn counting_fragment_app(full: Arc<AtomicUsize>, frag: Arc<AtomicUsize>) -> App {
    app(move |ui| {
        full.fetch_add(1, Ordering::SeqCst);
        let outside = ui.text_input("outside").key("ot").show()?;
        let frag = frag.clone();
        ui.fragment("frag", move |ui| {
            frag.fetch_add(1, Ordering::SeqCst);
            let inside = ui.text_input("inside").key("ft").show()?;
            ui.text(format!("inside={inside}"));
            Ok(())
        })?;
        ui.text(format!("outside={outside}"));
        Ok(())
    })
}

/// R32: changing a fragment's widget reruns only the fragment; the rest of
/// the page stays as the last full run drew it.
#[test]
fn r32_a_fragment_widget_change_reruns_only_the_fragment() {
    let (full, frag) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut t = AppTest::new(counting_fragment_app(full.clone(), frag.clone()));
    t.run().unwrap();
    t.set_value(Target::key("text_input", "ft"), "in").unwrap();
    assert_eq!(t.fragment_ran(), Some("frag"));
    assert_eq!(
        (full.load(Ordering::SeqCst), frag.load(Ordering::SeqCst)),
        (1, 2)
    );
    assert_eq!(
        t.texts(),
        ["inside=in", "outside="],
        "the page keeps its other parts"
    );
    assert_eq!(t.widgets().len(), 2);

    // A widget outside the fragment: a full run, which runs the fragment too.
    t.set_value(Target::key("text_input", "ot"), "out").unwrap();
    assert_eq!(t.fragment_ran(), None);
    assert_eq!(
        (full.load(Ordering::SeqCst), frag.load(Ordering::SeqCst)),
        (2, 3)
    );
    assert_eq!(t.texts(), ["inside=in", "outside=out"]);
}

/// R32: the harness can rerun the whole page as AppTest does.
#[test]
fn r32_whole_page_mode_reruns_everything() {
    let (full, frag) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut t = AppTest::new(counting_fragment_app(full.clone(), frag.clone()));
    t.rerun_whole_page_on_interaction(true);
    t.run().unwrap();
    t.set_value(Target::key("text_input", "ft"), "in").unwrap();
    assert_eq!(t.fragment_ran(), None);
    assert_eq!(full.load(Ordering::SeqCst), 2);
}

/// R32: `rerun_fragment` from a callback narrows the rerun to the fragment;
/// another callback of the same interaction that returns normally widens
/// it back to the whole page.
#[test]
fn r32_rerun_fragment_escalates_when_another_callback_returns_normally() {
    let (mut t, full) = counting_full_runs(|ui| {
        ui.fragment("frag", |ui| {
            ui.text("in fragment");
            Ok(())
        })?;
        ui.text_input("a")
            .key("a")
            .on_change(|ui| ui.rerun_fragment("frag"))
            .show()?;
        ui.text_input("b").key("b").on_change(|_| Ok(())).show()?;
        Ok(())
    });
    t.run().unwrap();
    t.set_value(Target::key("text_input", "a"), "x").unwrap();
    assert_eq!(t.fragment_ran(), Some("frag"));
    assert_eq!(full.load(Ordering::SeqCst), 1);

    t.stage_value(Target::key("text_input", "a"), "y").unwrap();
    t.set_value(Target::key("text_input", "b"), "z").unwrap();
    assert_eq!(t.fragment_ran(), None, "b's callback returned normally");
    assert_eq!(full.load(Ordering::SeqCst), 2);
}

/// R41: a fragment rerun by key is only for callbacks.
#[test]
fn r41_rerun_fragment_in_page_code_is_an_error() {
    let t = started(|ui| {
        ui.fragment("frag", |ui| {
            ui.text("x");
            Ok(())
        })?;
        ui.rerun_fragment("frag")
    });
    let kinds: Vec<_> = t.exceptions().into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, [ErrorKind::InvalidArgument]);
    assert!(t.exceptions()[0].1.contains("only allowed in a callback"));
}

/// R33: in a fragment run, a widget outside the fragment that was not drawn
/// keeps its state; one inside that was not drawn is cleaned up.
#[test]
fn r33_fragment_clean_up_touches_only_the_fragment() {
    let mut t = started(|ui| {
        ui.text_input("outside").key("ot").show()?;
        ui.fragment("frag", |ui| {
            let show = ui.checkbox("show").key("show").value(true).show()?;
            if show {
                ui.text_input("inside").key("ft").show()?;
            }
            Ok(())
        })?;
        Ok(())
    });
    t.set_value(Target::key("text_input", "ft"), "in").unwrap();
    t.set_value(Target::key("checkbox", "show"), false).unwrap();
    assert_eq!(t.fragment_ran(), Some("frag"));
    assert_eq!(
        state(&t, "ft"),
        None,
        "the fragment's undrawn widget is gone"
    );
    assert_eq!(
        state(&t, "ot"),
        Some(json!("")),
        "the outside widget is kept"
    );
}

/// R34: a widget's metadata records its fragment, and its callback runs
/// before the fragment's body in the fragment run.
#[test]
fn r34_fragment_widgets_record_their_fragment() {
    let mut t = started(|ui| {
        ui.fragment("frag", |ui| {
            ui.text_input("inside")
                .key("ft")
                .on_change(|ui| ui.state().set("seen", &true))
                .show()?;
            let seen = ui.state().get_opt::<bool>("seen")?.unwrap_or(false);
            ui.text(format!("seen={seen}"));
            Ok(())
        })?;
        Ok(())
    });
    let id = t.session().state().widget_of_key("ft").unwrap();
    assert_eq!(
        t.session().state().meta(id).unwrap().fragment.as_deref(),
        Some("frag")
    );
    t.set_value(Target::key("text_input", "ft"), "x").unwrap();
    assert_eq!(t.fragment_ran(), Some("frag"));
    assert_eq!(t.texts(), ["seen=true"]);
}

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

// ----------------------------------------------------- declared persistence

/// R39: `Persist::Page` keeps the value while the widget is hidden on its
/// page, through the builder API as well as `#[widget(persist = ..)]`.
#[test]
fn r39_persist_page_through_the_builder() {
    let mut t = started(|ui| {
        let show = ui.checkbox("show").key("show").value(true).show()?;
        if show {
            ui.text_input("kept")
                .key("kept")
                .persist(Persist::Page)
                .show()?;
            ui.text_input("lost").key("lost").show()?;
        }
        Ok(())
    });
    t.set_value(Target::key("text_input", "kept"), "k").unwrap();
    t.set_value(Target::key("text_input", "lost"), "l").unwrap();
    t.set_value(Target::key("checkbox", "show"), false).unwrap();
    assert_eq!(state(&t, "kept"), Some(json!("k")));
    assert_eq!(state(&t, "lost"), None);
    t.set_value(Target::key("checkbox", "show"), true).unwrap();
    assert_eq!(
        t.widget(Target::key("text_input", "kept"))
            .unwrap()
            .returned,
        json!("k")
    );
    assert_eq!(
        t.widget(Target::key("text_input", "lost"))
            .unwrap()
            .returned,
        json!("")
    );
}

/// R39: persistence needs a key; without one the run says so.
#[test]
fn r39_persist_without_a_key_is_an_error() {
    let t = started(|ui| {
        ui.text_input("x").persist(Persist::Session).show()?;
        Ok(())
    });
    let (kind, message) = t.exceptions().remove(0);
    assert_eq!(kind, ErrorKind::InvalidArgument);
    assert!(message.contains("add a key"), "{message}");
}

/// A5: `keep_value` carries a slider's value over when its bounds change,
/// clamped into the new range; without it the slider resets (R4).
#[test]
fn a5_keep_value_carries_the_value_into_new_bounds() {
    let page = |keep: bool| {
        move |ui: &Ui<'_>| {
            let max = ui
                .number_input("max")
                .key("max")
                .min(1)
                .max(100)
                .value(10)
                .show()?;
            let slider = ui.slider("s", 0, max).key("s");
            let s = if keep { slider.keep_value() } else { slider }.show()?;
            ui.text(format!("s={s}"));
            Ok(())
        }
    };
    for (keep, after_grow, after_shrink) in [(true, "s=8", "s=5"), (false, "s=0", "s=0")] {
        let mut t = started(page(keep));
        t.set_value(Target::key("slider", "s"), 8).unwrap();
        t.set_value(Target::key("number_input", "max"), 20).unwrap();
        assert_eq!(t.texts(), [after_grow], "keep_value={keep}");
        t.set_value(Target::key("number_input", "max"), 5).unwrap();
        assert_eq!(t.texts(), [after_shrink], "keep_value={keep}");
    }
}

// ------------------------------------------------------- query parameters

fn bound_color(ui: &Ui<'_>) -> Result<()> {
    let c = ui
        .selectbox("Color", ["Red", "Green", "Blue"])
        .key("color")
        .bind_query_params()
        .show()?;
    ui.text(format!("color={c}"));
    Ok(())
}

/// R40: the URL seeds the widget; a user change goes to the browser's URL;
/// the default removes the parameter.
#[test]
fn r40_the_url_follows_a_bound_widget() {
    let mut t = AppTest::new(app(bound_color));
    t.run_with_query_params(query(&[("color", "Green"), ("other", "1")]))
        .unwrap();
    assert_eq!(t.texts(), ["color=Green"]);
    t.set_value(Target::key("selectbox", "color"), "Blue")
        .unwrap();
    assert_eq!(
        t.url_query_params(),
        query(&[("color", "Blue"), ("other", "1")])
    );
    t.set_value(Target::key("selectbox", "color"), "Red")
        .unwrap();
    assert_eq!(t.url_query_params(), query(&[("other", "1")]));
    assert_eq!(t.query_params(), query(&[("other", "1")]));
}

/// R40: an invalid URL value is dropped from the URL, and the widget shows
/// its default.
#[test]
fn r40_an_invalid_url_value_is_dropped() {
    let mut t = AppTest::new(app(bound_color));
    t.run_with_query_params(query(&[("color", "Purple")]))
        .unwrap();
    assert_eq!(t.texts(), ["color=Red"]);
    assert_eq!(t.url_query_params(), BTreeMap::new());
    assert_eq!(t.query_params(), BTreeMap::new());
}

/// R40: a session-state write wins over the URL and goes to the URL.
#[test]
fn r40_a_session_state_write_wins_and_goes_to_the_url() {
    let mut t = AppTest::new(app(|ui| {
        if ui.state().get_opt::<bool>("force")?.is_none() {
            ui.state().set("force", &true)?;
            ui.state().set("color", "Blue")?;
        }
        bound_color(ui)
    }));
    t.run_with_query_params(query(&[("color", "Green")]))
        .unwrap();
    assert_eq!(t.texts(), ["color=Blue"]);
    assert_eq!(t.query_params(), query(&[("color", "Blue")]));
    assert_eq!(t.url_query_params(), query(&[("color", "Blue")]));
}

/// R40: on back/forward the URL wins over the value the browser holds.
#[test]
fn r40_on_back_and_forward_the_url_wins() {
    let mut t = AppTest::new(app(bound_color));
    t.run().unwrap();
    t.set_value(Target::key("selectbox", "color"), "Blue")
        .unwrap();
    t.run_with_query_params(query(&[("color", "Green")]))
        .unwrap();
    assert_eq!(t.texts(), ["color=Green"]);
    t.run_with_query_params(BTreeMap::new()).unwrap();
    assert_eq!(t.texts(), ["color=Red"], "no parameter means the default");
}

/// R40: a bound parameter cannot be set through the query-parameter API.
#[test]
fn r40_a_bound_parameter_cannot_be_set_directly() {
    let t = started(|ui| {
        bound_color(ui)?;
        ui.set_query_param("color", vec!["Blue".into()])
    });
    let (kind, message) = t.exceptions().remove(0);
    assert_eq!(kind, ErrorKind::InvalidArgument);
    assert!(message.contains("bound to the widget"), "{message}");
}

/// R40: trigger widgets cannot be bound; binding needs a key.
#[test]
fn r40_triggers_and_keyless_widgets_cannot_be_bound() {
    let t = started(|ui| {
        ui.button("Go").key("go").bind_query_params().show()?;
        Ok(())
    });
    assert!(t.exceptions()[0].1.contains("cannot be bound"));
    let t = started(|ui| {
        ui.slider("s", 0, 9).bind_query_params().show()?;
        Ok(())
    });
    assert!(t.exceptions()[0].1.contains("add a key"));
}

/// R40: numbers, multiselects and checkboxes round-trip through the URL.
#[test]
fn r40_values_of_every_shape_round_trip_through_the_url() {
    let mut t = AppTest::new(app(|ui| {
        let n = ui.slider("n", 0, 10).key("n").bind_query_params().show()?;
        let m: Vec<String> = ui
            .multiselect("m", ["a", "b", "c"])
            .key("m")
            .bind_query_params()
            .show()?;
        let c = ui.checkbox("c").key("c").bind_query_params().show()?;
        ui.text(format!("{n} {m:?} {c}"));
        Ok(())
    }));
    let mut q = query(&[("n", "7"), ("c", "true")]);
    q.insert("m".into(), vec!["a".into(), "c".into()]);
    t.run_with_query_params(q.clone()).unwrap();
    assert_eq!(t.texts(), ["7 [\"a\", \"c\"] true"]);
    assert_eq!(t.url_query_params(), q);
}

// ------------------------------------------------------ on_change = ignore

/// R44: a change to an `ignore_changes` widget causes no run; its value
/// arrives with the next event, and is in session state then.
#[test]
fn r44_ignored_changes_wait_for_the_next_run() {
    let (mut t, runs) = counting_full_runs(|ui| {
        let note = ui.text_input("note").key("note").ignore_changes().show()?;
        ui.text(format!("note={note}"));
        Ok(())
    });
    t.run().unwrap();
    t.set_value(Target::key("text_input", "note"), "later")
        .unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 1, "no run");
    assert_eq!(t.texts(), ["note="]);
    t.run().unwrap();
    assert_eq!(t.texts(), ["note=later"]);
    assert_eq!(state(&t, "note"), Some(json!("later")));
}

/// R32: a `#[fragment]` function draws its fragment when called; its other
/// arguments are kept for its reruns, and `#[widget]` works inside it.
#[brooklet::fragment]
fn scaled(ui: &Ui<'_>, factor: i64, unit: String) -> Result<()> {
    #[widget(key = "n")]
    let n = ui.slider("n", 0, 10).show()?;
    ui.text(format!("{} {unit}", n * factor));
    Ok(())
}

#[test]
fn r32_a_fragment_function_keeps_its_arguments_for_its_reruns() {
    let (mut t, full) = counting_full_runs(|ui| scaled(ui, 3, "m".to_owned()));
    t.run().unwrap();
    assert_eq!(t.texts(), ["0 m"]);
    t.set_value(Target::key("slider", "n"), 4).unwrap();
    assert_eq!(t.fragment_ran(), Some("scaled"));
    assert_eq!(t.texts(), ["12 m"]);
    assert_eq!(full.load(Ordering::SeqCst), 1);
}

/// R41: during a fragment run, the fragment's own code can run it again
/// (`st.rerun(scope="fragment")`); in a full run that is an error.
#[test]
fn r41_a_fragment_reruns_itself_only_in_a_fragment_run() {
    let (mut t, full) = counting_full_runs(|ui| {
        ui.fragment("f", |ui| {
            let go = ui.checkbox("go").key("go").show()?;
            let n: i64 = ui.state().get_opt("n")?.unwrap_or(0);
            if go && n < 3 {
                ui.state().set("n", &(n + 1))?;
                ui.rerun_fragment("f")?;
            }
            ui.text(format!("n={n}"));
            Ok(())
        })
    });
    t.run().unwrap();
    t.set_value(Target::key("checkbox", "go"), true).unwrap();
    assert_eq!(t.fragment_ran(), Some("f"));
    assert_eq!(t.texts(), ["n=3"]);
    assert_eq!(t.output().unwrap().reruns, 3);
    assert_eq!(
        full.load(Ordering::SeqCst),
        1,
        "the page itself never reran"
    );

    // In a full run the same call is refused.
    let t2 = started(|ui| {
        ui.fragment("f", |ui| ui.rerun_fragment("f"))?;
        Ok(())
    });
    assert_eq!(t2.exceptions()[0].0, ErrorKind::InvalidArgument);
}
