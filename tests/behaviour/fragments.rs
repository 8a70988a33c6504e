//! Fragments: a change inside one reruns only the fragment (unless the
//! harness is told to rerun the whole page), `rerun_fragment` from a
//! callback widens to the whole page when another callback returns
//! normally, and a `#[fragment]` function keeps its arguments for its reruns
//! (R32); clean-up in a fragment run touches only the fragment (R33); a
//! widget records its fragment, and its callback runs in it (R34).
//!
//! Rules: R32, R33, R34. Duplicate fragment keys (R8) are in `identity`,
//! `rerun_fragment` outside a callback (R41) in `rerun`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use brooklet::prelude::*;
use brooklet::testing::{AppTest, Target};
use serde_json::json;

use crate::harness::{app, bump, counting_full_runs, started, state};

// ---------------------------------------------------------------- R32

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

// ---------------------------------------------------------------- R33, R34

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

/// R32 with a timer: a fragment drawn with `fragment_every` runs alone when
/// its timer fires (the harness's `tick_fragment`); a key the last run did
/// not draw runs nothing; an interval under 100 ms is an error.
#[test]
fn r32_a_fragment_on_a_timer_runs_alone() {
    let mut t = started(|ui| {
        bump(ui, "full_runs")?;
        ui.fragment_every("clock", std::time::Duration::from_secs(2), |ui| {
            bump(ui, "ticks")?;
            let ticks: i64 = ui.state().get("ticks")?;
            ui.text(format!("tick {ticks}"));
            Ok(())
        })
    });
    assert_eq!(t.texts(), ["tick 1"]);
    t.tick_fragment("clock").unwrap();
    t.tick_fragment("clock").unwrap();
    assert_eq!(t.fragment_ran(), Some("clock"));
    assert_eq!(t.texts(), ["tick 3"]);
    assert_eq!(
        state(&t, "full_runs"),
        Some(json!(1)),
        "the page did not run again"
    );
    t.tick_fragment("gone").unwrap();
    assert_eq!(
        state(&t, "full_runs"),
        Some(json!(2)),
        "an unknown fragment: a plain run"
    );

    let t =
        started(|ui| ui.fragment_every("fast", std::time::Duration::from_millis(10), |_| Ok(())));
    assert_eq!(t.exceptions()[0].0, ErrorKind::InvalidArgument);
}

#[fragment(run_every = "1.5s")]
fn clock(ui: &Ui<'_>) -> Result<()> {
    ui.text("tock");
    Ok(())
}

/// `#[fragment(run_every = "..")]` draws the fragment with its interval.
#[test]
fn r32_run_every_in_the_macro() {
    let t = started(clock);
    let every = t.tree().iter().find_map(|e| match e {
        brooklet::testing::Element::Fragment { run_every_ms, .. } => Some(*run_every_ms),
        _ => None,
    });
    assert_eq!(every, Some(Some(1500)));
}
