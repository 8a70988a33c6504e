//! Superseded runs: a newer event ends the run that is going at its next
//! `Ui` call or `checkpoint()`, without clean-up, keeping its session-state
//! writes; the newer event then runs the page from the top. The Stop
//! control ends a run as `stop()` does.
//!
//! Rules: R47, R16. Here page code supersedes its own run through its
//! `cancel_token()`, which stands for a newer event arriving at that point;
//! the last test does it from another thread, as the server does.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use brooklet::prelude::*;
use brooklet::testing::{Event, RunEnd, Session, Target};
use serde_json::json;

use crate::harness::{app, bump, started, state};

/// A checkbox "Cut" whose change asks the run to be superseded at
/// [`supersede_if_asked`].
fn cut_checkbox(ui: &Ui<'_>) -> Result<()> {
    ui.checkbox("Cut")
        .key("cut")
        .on_change(|ui| ui.state().set("cut_now", &true))
        .show()?;
    Ok(())
}

/// Supersedes the run here if the "Cut" checkbox just changed.
fn supersede_if_asked(ui: &Ui<'_>) -> Result<()> {
    if ui.state().get_opt::<bool>("cut_now")?.unwrap_or(false) {
        ui.state().set("cut_now", &false)?;
        ui.cancel_token().supersede();
    }
    Ok(())
}

/// R47/R16: the run ends at the next `Ui` call; a widget drawn only below
/// it keeps its state (no clean-up), and what the run wrote stays.
#[test]
fn r47_a_superseded_run_ends_at_its_next_ui_call_without_clean_up() {
    let mut t = started(|ui| {
        bump(ui, "runs")?;
        cut_checkbox(ui)?;
        ui.text("top");
        supersede_if_asked(ui)?;
        ui.text("below");
        ui.slider("Level", 0.0, 10.0).key("level").show()?;
        Ok(())
    });
    t.set_value(Target::key("slider", "level"), 7.0).unwrap();
    let seq = t.session().events();
    t.set_value(Target::key("checkbox", "cut"), true).unwrap();
    assert_eq!(t.run_end(), Some(RunEnd::Interrupted));
    assert_eq!(t.texts(), ["top"], "nothing below the supersede point");
    assert_eq!(state(&t, "runs"), Some(json!(3)), "its writes are kept");
    assert_eq!(state(&t, "level"), Some(json!(7.0)), "no clean-up (R16)");
    assert_eq!(
        t.session().events(),
        seq,
        "a superseded event leaves the sequence number"
    );

    t.run().unwrap();
    assert_eq!(t.run_end(), Some(RunEnd::Completed));
    assert_eq!(t.texts(), ["top", "below"]);
    assert_eq!(state(&t, "level"), Some(json!(7.0)));
    assert_eq!(state(&t, "runs"), Some(json!(4)));
    assert_eq!(t.session().events(), seq + 1);
}

/// R47: `checkpoint()` ends a computation that makes no other `Ui` call.
#[test]
fn r47_checkpoint_ends_a_long_computation() {
    let steps = Arc::new(Mutex::new(0));
    let seen = steps.clone();
    let mut t = started(move |ui| {
        ui.button("Go").key("go").show()?;
        *seen.lock().unwrap() = 0;
        for step in 0..1000 {
            if step == 3 && ui.state().contains("go_once") {
                ui.cancel_token().supersede();
            }
            ui.checkpoint()?;
            *seen.lock().unwrap() += 1;
        }
        ui.state().set("go_once", &true)?;
        ui.text("done");
        Ok(())
    });
    assert_eq!(*steps.lock().unwrap(), 1000);
    t.click(Target::key("button", "go")).unwrap();
    assert_eq!(t.run_end(), Some(RunEnd::Interrupted));
    assert_eq!(*steps.lock().unwrap(), 3, "it stopped at the checkpoint");
    assert!(t.texts().is_empty());
}

/// R47: a widget call of a superseded run returns `Err`; page code that
/// ignores it still ends there.
#[test]
fn r47_a_widget_call_of_a_superseded_run_fails_and_ends_it() {
    let kind = Arc::new(Mutex::new(None));
    let seen = kind.clone();
    let mut t = started(move |ui| {
        cut_checkbox(ui)?;
        supersede_if_asked(ui)?;
        let ignored = ui.slider("Level", 0.0, 10.0).key("level").show();
        *seen.lock().unwrap() = ignored.err().map(|e| e.kind());
        Ok(())
    });
    t.set_value(Target::key("checkbox", "cut"), true).unwrap();
    assert_eq!(*kind.lock().unwrap(), Some(ErrorKind::Interrupted));
    assert_eq!(t.run_end(), Some(RunEnd::Interrupted));
    assert!(t.exceptions().is_empty(), "a superseded run shows no error");
}

/// R47/R27: callbacks are never cut short; a run superseded while they run
/// is merged into the newer event (its page does not run), and the newer
/// event's callbacks run as usual.
#[test]
fn r47_callbacks_finish_and_the_newer_event_runs_its_own() {
    let mut t = started(|ui| {
        ui.button("Cut")
            .key("cut")
            .on_click(|ui| {
                ui.cancel_token().supersede();
                ui.text("drawn by the callback");
                bump(ui, "cut_callbacks")
            })
            .show()?;
        ui.slider("Level", 0, 10)
            .key("level")
            .on_change(|ui| bump(ui, "level_callbacks"))
            .show()?;
        ui.text("page");
        Ok(())
    });
    t.click(Target::key("button", "cut")).unwrap();
    assert_eq!(state(&t, "cut_callbacks"), Some(json!(1)));
    assert_eq!(t.run_end(), Some(RunEnd::Interrupted));
    assert_eq!(
        t.texts(),
        ["page"],
        "the last page, until the newer event draws"
    );

    t.run().unwrap();
    t.set_value(Target::key("slider", "level"), 4).unwrap();
    assert_eq!(t.run_end(), Some(RunEnd::Completed));
    assert_eq!(state(&t, "level_callbacks"), Some(json!(1)));
    assert_eq!(state(&t, "cut_callbacks"), Some(json!(1)));
    assert_eq!(t.texts(), ["page"]);
}

/// R47/R16: the Stop control ends the run as `stop()` does: no clean-up,
/// and the event counts.
#[test]
fn r47_the_stop_control_ends_the_run_like_stop() {
    let mut t = started(|ui| {
        ui.checkbox("Halt").key("halt").show()?;
        if ui.state().get::<bool>("halt")? {
            ui.cancel_token().stop();
        }
        ui.text("below");
        Ok(())
    });
    let seq = t.session().events();
    t.set_value(Target::key("checkbox", "halt"), true).unwrap();
    assert_eq!(t.run_end(), Some(RunEnd::Stopped));
    assert!(t.texts().is_empty());
    assert_eq!(t.session().events(), seq + 1);
}

/// R47: a run on another thread, superseded from outside while it waits,
/// ends at its next `Ui` call; work it handed the token to sees it.
#[test]
fn r47_a_run_is_superseded_from_another_thread() {
    let (reached_tx, reached_rx) = mpsc::channel::<()>();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (reached_tx, go_rx) = (Mutex::new(reached_tx), Mutex::new(go_rx));
    let app = app(move |ui| {
        ui.text("before");
        let token = ui.cancel_token();
        let worker = std::thread::spawn(move || {
            while !token.is_cancelled() {
                std::thread::yield_now();
            }
        });
        reached_tx.lock().unwrap().send(()).unwrap();
        go_rx.lock().unwrap().recv().unwrap();
        worker.join().unwrap();
        ui.text("after");
        Ok(())
    });
    let token = brooklet::CancelToken::new();
    let run = {
        let token = token.clone();
        std::thread::spawn(move || {
            let mut session = Session::new();
            let out = session.handle_cancellable(&app, Event::default(), &token);
            let texts: Vec<String> = session
                .tree()
                .texts()
                .into_iter()
                .map(str::to_owned)
                .collect();
            (out.map(|o| o.end), texts)
        })
    };
    reached_rx.recv().unwrap();
    token.supersede();
    go_tx.send(()).unwrap();
    let (end, texts) = run.join().unwrap();
    assert_eq!(end.unwrap(), RunEnd::Interrupted);
    assert_eq!(texts, ["before"]);
}

/// R47: an event with a newer one already waiting is merged into it: its
/// values apply and its callbacks run, its page does not run, and its click
/// is seen by the newer event's run.
#[test]
fn r47_a_waiting_event_is_merged_into_the_newer_one_and_its_click_kept() {
    let app = app(|ui| {
        let go = ui
            .button("Go")
            .key("go")
            .on_click(|ui| bump(ui, "clicks"))
            .show()?;
        let level = ui.slider("Level", 0, 10).key("level").show()?;
        bump(ui, "page_runs")?;
        ui.text(format!("go={go} level={level}"));
        Ok(())
    });
    let mut session = Session::new();
    session.handle(&app, Event::default()).unwrap();
    let go = session.state().widget_of_key("go").unwrap();
    let level = session.state().widget_of_key("level").unwrap();
    let seq = session.events();

    let waiting_behind = brooklet::CancelToken::new();
    waiting_behind.supersede();
    let click = Event {
        widgets: vec![(go, json!(true)), (level, json!(2))],
        ..Event::default()
    };
    let out = session
        .handle_cancellable(&app, click, &waiting_behind)
        .unwrap();
    assert_eq!(out.end, RunEnd::Interrupted);
    assert_eq!(session.state().get("clicks"), Some(&json!(1)));
    assert_eq!(session.state().get("page_runs"), Some(&json!(1)));
    assert_eq!(
        session.tree().texts(),
        ["go=false level=0"],
        "still the last page"
    );
    assert_eq!(session.events(), seq);

    let newer = Event {
        widgets: vec![(level, json!(5))],
        ..Event::default()
    };
    session.handle(&app, newer).unwrap();
    assert_eq!(
        session.tree().texts(),
        ["go=true level=5"],
        "the click is kept"
    );
    assert_eq!(
        session.state().get("clicks"),
        Some(&json!(1)),
        "its callback ran once"
    );
    session.handle(&app, Event::default()).unwrap();
    assert_eq!(session.tree().texts(), ["go=false level=5"]);
}

/// R47: a click whose run was cut short is not lost: the newer event's run
/// sees it pressed, without running its callback again.
#[test]
fn r47_a_click_of_a_superseded_run_is_seen_by_the_newer_run() {
    let mut t = started(|ui| {
        let go = ui
            .button("Go")
            .key("go")
            .on_click(|ui| bump(ui, "clicks"))
            .show()?;
        let level = ui.slider("Level", 0, 10).key("level").show()?;
        if go && !ui.state().contains("cut_once") {
            ui.state().set("cut_once", &true)?;
            ui.cancel_token().supersede();
        }
        ui.text(format!("go={go} level={level}"));
        Ok(())
    });
    t.click(Target::key("button", "go")).unwrap();
    assert_eq!(t.run_end(), Some(RunEnd::Interrupted));
    t.set_value(Target::key("slider", "level"), 3).unwrap();
    assert_eq!(t.texts(), ["go=true level=3"]);
    assert_eq!(state(&t, "clicks"), Some(json!(1)));
    t.run().unwrap();
    assert_eq!(t.texts(), ["go=false level=3"]);
}
