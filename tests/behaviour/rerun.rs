//! Reruns: `rerun()` in page code ends the run and starts another, which
//! resets triggers, skips clean-up, gets no browser values and stops as a
//! `RerunLoop` when it never settles (R41, R28, R16); `rerun_fragment` is
//! allowed only in a callback or in the fragment's own run (R41); a change
//! with `on_change = "ignore"` causes no run (R44).
//!
//! Rules: R16, R28, R41, R44. `rerun()` inside a callback (R27) is in
//! `callbacks`.

use std::sync::atomic::Ordering;

use brooklet::prelude::*;
use brooklet::testing::RunEnd;
use brooklet::testing::Target;
use serde_json::json;

use crate::harness::{bump, counting_full_runs, started, state, the_exception};

// ---------------------------------------------------------------- rerun() in page code

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

// ---------------------------------------------------------------- rerun_fragment

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

// ---------------------------------------------------------------- R44

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
