//! Background tasks: work a page starts with `ui.task(key, work)` outlives
//! the run, reports progress, survives reruns, can be cancelled from the
//! page, and reruns the page (or its fragment) when it ends; its result is
//! read with `ui.task_result(key)`. One task per key per session.
//!
//! Rule: R48. The harness runs each task on a thread, as the server does,
//! and `wait_for_tasks` runs the reruns their ends cause.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use brooklet::prelude::*;
use brooklet::testing::{AppTest, Target};
use brooklet::MAX_TASKS_PER_SESSION;

use crate::harness::{app, bump, started};

const WAIT: Duration = Duration::from_secs(10);

/// A gate a task waits at until the test opens it.
#[derive(Clone)]
struct Gate(Arc<Mutex<mpsc::Receiver<()>>>);

fn gate() -> (mpsc::Sender<()>, Gate) {
    let (open, wait) = mpsc::channel();
    (open, Gate(Arc::new(Mutex::new(wait))))
}

impl Gate {
    fn pass(&self) {
        let _ = self.0.lock().unwrap().recv_timeout(WAIT);
    }
}

/// A page that starts "sum" on a click of Start: it reports progress,
/// waits at the gate, and returns 42. It shows the task's status.
fn summing(gate: Gate) -> impl Fn(&Ui<'_>) -> Result<()> + Send + Sync {
    move |ui| {
        bump(ui, "runs")?;
        if ui.button("Start").show()? {
            let gate = gate.clone();
            ui.task("sum", move |task: &TaskContext| {
                task.progress(50, Some("halfway"))?;
                gate.pass();
                task.checkpoint()?;
                Ok(42u32)
            })?;
        }
        if ui.button("Cancel").show()? {
            ui.cancel_task("sum");
        }
        if ui.button("Forget").show()? {
            ui.forget_task("sum");
        }
        let shown = match ui.task_result::<u32>("sum")? {
            None => "no task".to_owned(),
            Some(TaskStatus::Running(p)) => format!("running {:?}", p.percent),
            Some(TaskStatus::Done(v)) => format!("done {v}"),
            Some(TaskStatus::Failed(m)) => format!("failed: {m}"),
            Some(TaskStatus::Cancelled) => "cancelled".to_owned(),
        };
        ui.text(shown);
        ui.task_progress("sum")
    }
}

fn runs(t: &AppTest) -> i64 {
    t.session_state()["runs"].as_i64().unwrap()
}

fn wait_for_progress(t: &AppTest) {
    for _ in 0..500 {
        if matches!(t.task_status::<u32>("sum"), Ok(Some(TaskStatus::Running(p))) if p.percent == Some(50))
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the task never reported progress");
}

/// The summing page after a click of Start, and the gate its task waits at.
fn summing_started() -> (mpsc::Sender<()>, AppTest) {
    let (open, gate) = gate();
    let mut t = started(summing(gate));
    t.click(Target::label("button", "Start")).unwrap();
    (open, t)
}

/// Waits (a while at most) for every task thread to return.
fn wait_for_no_threads(t: &AppTest) {
    for _ in 0..200 {
        if t.task_threads() == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn r48_a_task_outlives_its_run_survives_reruns_and_reruns_the_page_when_done() {
    let (open, mut t) = summing_started();
    assert_eq!(t.texts(), ["running None"]);
    wait_for_progress(&t);
    // Reruns while it runs see it running, with its progress, and start
    // no second task under its key.
    t.run().unwrap();
    assert_eq!(t.texts(), ["running Some(50)"]);
    assert_eq!(t.progress_bars(), [(50, Some("halfway".to_owned()))]);
    t.click(Target::label("button", "Start")).unwrap();
    assert_eq!(t.task_threads(), 1, "one task per key");
    let before = runs(&t);
    open.send(()).unwrap();
    t.wait_for_tasks(WAIT).unwrap();
    assert_eq!(runs(&t), before + 1, "its end reran the page once");
    assert_eq!(t.texts(), ["done 42"]);
    assert!(t.progress_bars().is_empty(), "a done task's bar is gone");
    assert_eq!(
        t.task_status::<u32>("sum").unwrap(),
        Some(TaskStatus::Done(42))
    );
    // Ended, it stays: Start does not run it again until it is forgotten.
    t.click(Target::label("button", "Start")).unwrap();
    assert_eq!(t.texts(), ["done 42"]);
    t.click(Target::label("button", "Forget")).unwrap();
    assert_eq!(t.texts(), ["no task"]);
}

#[test]
fn r48_a_task_cancelled_from_the_page_ends_cancelled() {
    let (open, mut t) = summing_started();
    t.click(Target::label("button", "Cancel")).unwrap();
    assert!(
        t.texts()[0].starts_with("running"),
        "it runs until its work returns"
    );
    open.send(()).unwrap();
    t.wait_for_tasks(WAIT).unwrap();
    assert_eq!(t.texts(), ["cancelled"]);
}

#[test]
fn r48_a_forgotten_task_is_cancelled_and_its_end_is_dropped() {
    let (open, mut t) = summing_started();
    t.click(Target::label("button", "Forget")).unwrap();
    assert_eq!(t.texts(), ["no task"]);
    let before = runs(&t);
    open.send(()).unwrap();
    t.wait_for_tasks(WAIT).unwrap();
    wait_for_no_threads(&t);
    assert_eq!(t.task_threads(), 0);
    assert_eq!(runs(&t), before, "no rerun for a task the page forgot");
}

#[test]
fn r48_a_panicking_or_failing_task_fails_with_its_message_and_state_stays() {
    let mut t = started(|ui| {
        ui.state().setdefault("kept", 7)?;
        ui.task("boom", |_: &TaskContext| -> Result<u8> {
            panic!("disk on fire")
        })?;
        ui.task("err", |_: &TaskContext| -> Result<u8> {
            Err(Error::msg("no such file"))
        })?;
        for key in ["boom", "err"] {
            if let Some(TaskStatus::Failed(m)) = ui.task_result::<u8>(key)? {
                ui.text(format!("{key}: {m}"));
            }
        }
        Ok(())
    });
    t.wait_for_tasks(WAIT).unwrap();
    let texts = t.texts();
    assert!(
        texts
            .iter()
            .any(|s| s.starts_with("boom: it panicked: disk on fire")),
        "{texts:?}"
    );
    assert!(texts.contains(&"err: no such file".to_owned()), "{texts:?}");
    assert_eq!(t.session_state()["kept"], 7);
}

#[test]
fn r48_a_task_that_ignores_cancellation_is_reported_cancelled_after_the_grace() {
    let (open, gate) = gate();
    let mut t = started(move |ui| {
        let gate = gate.clone();
        // Never looks at its cancellation.
        ui.task("stubborn", move |_: &TaskContext| {
            gate.pass();
            Ok(1u8)
        })?;
        if ui.button("Cancel").show()? {
            ui.cancel_task("stubborn");
        }
        if let Some(TaskStatus::Cancelled) = ui.task_result::<u8>("stubborn")? {
            ui.text("cancelled");
        }
        Ok(())
    });
    t.task_grace(Duration::from_millis(100));
    t.click(Target::label("button", "Cancel")).unwrap();
    t.wait_for_tasks(WAIT).unwrap();
    assert_eq!(t.texts(), ["cancelled"]);
    assert_eq!(t.task_threads(), 1, "its thread still holds its place");
    open.send(()).unwrap();
    wait_for_no_threads(&t);
    assert_eq!(
        t.task_threads(),
        0,
        "its place is given back once it returns"
    );
    assert_eq!(t.texts(), ["cancelled"], "what it returned late is dropped");
}

#[test]
fn r48_a_task_started_in_a_fragment_reruns_the_fragment_alone() {
    let (open, gate) = gate();
    let mut t = started(move |ui| {
        bump(ui, "full")?;
        let gate = gate.clone();
        ui.fragment("worker", move |ui| {
            bump(ui, "fragment")?;
            let gate = gate.clone();
            ui.task("job", move |_: &TaskContext| {
                gate.pass();
                Ok("ready".to_owned())
            })?;
            if let Some(TaskStatus::Done(v)) = ui.task_result::<String>("job")? {
                ui.text(v);
            }
            Ok(())
        })
    });
    open.send(()).unwrap();
    t.wait_for_tasks(WAIT).unwrap();
    assert_eq!(t.fragment_ran(), Some("worker"));
    assert_eq!(t.session_state()["full"], 1);
    assert_eq!(t.session_state()["fragment"], 2);
    assert_eq!(t.texts(), ["ready"]);
}

#[test]
fn r48_bad_uses_are_clear_errors() {
    // A session holds at most MAX_TASKS_PER_SESSION tasks.
    let mut t = AppTest::new(app(|ui| {
        for i in 0..=MAX_TASKS_PER_SESSION {
            ui.task(&format!("t{i}"), move |_: &TaskContext| Ok(i))?;
        }
        Ok(())
    }));
    t.run().unwrap();
    let (kind, message) = &t.exceptions()[0];
    assert_eq!(*kind, ErrorKind::TaskLimit);
    assert!(message.contains("already holds 16 tasks"), "{message}");
    t.wait_for_tasks(WAIT).unwrap();

    // Any text is a key, a NUL byte included.
    let mut t = started(|ui| {
        ui.task("a\0b", |_: &TaskContext| Ok(1u8))?;
        Ok(())
    });
    t.wait_for_tasks(WAIT).unwrap();
    assert_eq!(
        t.task_status::<u8>("a\0b").unwrap(),
        Some(TaskStatus::Done(1))
    );

    // A result read as the wrong type names the task and the type.
    let mut t = started(|ui| {
        ui.task("n", |_: &TaskContext| Ok(5u8))?;
        ui.task_result::<String>("n")?;
        Ok(())
    });
    t.wait_for_tasks(WAIT).unwrap();
    let (kind, message) = &t.exceptions()[0];
    assert_eq!(*kind, ErrorKind::TypeMismatch);
    assert!(
        message.contains("task \"n\": its result is not a alloc::string::String"),
        "{message}"
    );

    // A bare session has nothing to run tasks on.
    let app = app(|ui| ui.task("x", |_: &TaskContext| Ok(1u8)).map(|_| ()));
    let mut session = brooklet::testing::Session::new();
    session.handle(&app, Default::default()).unwrap();
    let shown = format!("{:?}", session.tree());
    assert!(
        shown.contains("nothing here runs background tasks"),
        "{shown}"
    );
}
