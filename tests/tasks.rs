//! Background tasks on the server (R48): a task's progress reaches the
//! tab's push channel and moves its bar; its end reruns the page, streamed
//! to a connected client, or kept for the next connection or event when
//! none is; a cancel from the page, a task that ignores it, a panic, an
//! expired session and the process's task limit each come to a clear end.
//! With replicas on one Redis, a task's progress, its end and a cancel
//! reach across them, and the task of a replica that died is shown failed.

mod support {
    pub mod http;
    pub mod replica;
    pub mod socket;
}

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use brooklet::server::ServeConfig;
use brooklet::store::{StoreOptions, StoreUrl};
use brooklet::{App, Page, TaskStatus, Ui};
use serde_json::{json, Value};
use support::http::{seq_of, start, start_with, tab_of, texts, wid, Http};
use support::replica::{redis_url, Replica};
use support::socket::{connect, next, send, Shown, Stream};

/// What the task's work does.
#[derive(Clone, Copy, PartialEq)]
enum Work {
    /// Reports 10%, waits for the release (stopping at a cancel), reports
    /// 90% and returns 42.
    Waits,
    /// Waits for the release whatever is asked of it, then returns 42.
    IgnoresCancel,
    /// Panics with "boom".
    Panics,
    /// Reports progress 10,000 times as fast as it can, then waits.
    Floods,
}

/// What a test sees of its task from outside.
#[derive(Default)]
struct Probe {
    release: AtomicBool,
    /// Times the work returned.
    returned: AtomicUsize,
}

fn work(work: Work, probe: &Probe, t: &brooklet::TaskContext) -> brooklet::Result<u32> {
    if work == Work::Panics {
        panic!("boom");
    }
    if work == Work::Floods {
        for i in 0..10_000u32 {
            t.progress((i % 100) as u8, Some("flooding"))?;
        }
    } else {
        t.progress(10, Some("started"))?;
    }
    while !probe.release.load(Ordering::Acquire) {
        if work != Work::IgnoresCancel {
            t.checkpoint()?;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    t.progress(90, Some("released"))?;
    Ok(42)
}

/// A page with a "Cancel" button that starts the task "job" and says where
/// it is, with its bar.
fn task_app(kind: Work, probe: Arc<Probe>) -> App {
    App::new().page(Page::new("tasks", move |ui: &Ui<'_>| {
        if ui.button("Cancel").key("cancel").show()? {
            ui.cancel_task("job");
        }
        let probe = probe.clone();
        let status = ui.task("job", move |t| {
            let out = work(kind, &probe, t);
            probe.returned.fetch_add(1, Ordering::AcqRel);
            out
        })?;
        ui.task_progress("job")?;
        ui.text(match status {
            TaskStatus::Running(_) => "running".to_owned(),
            TaskStatus::Done(v) => format!("done {v}"),
            TaskStatus::Failed(m) => format!("failed: {m}"),
            TaskStatus::Cancelled => "cancelled".to_owned(),
        });
        Ok(())
    }))
}

async fn open(addr: std::net::SocketAddr) -> (Http, String, String) {
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let tab = tab_of(&page.body);
    (c, tab, page.body)
}

/// Reads frames, showing them, until `done` says so of what is shown and
/// the frame; returns the frames read.
async fn until(
    ws: &mut Stream,
    shown: &mut Shown,
    mut done: impl FnMut(&Shown, &Value) -> bool,
) -> Vec<Value> {
    let mut frames = Vec::new();
    loop {
        let frame = next(ws).await.expect("a frame");
        shown.take(&frame);
        frames.push(frame.clone());
        if done(shown, &frame) {
            return frames;
        }
    }
}

/// The page's next event, made on page `seq`, is taken and shows `text`.
async fn shows_at_the_next_event(c: &mut Http, tab: &str, seq: u64, text: &str) {
    let r = c
        .event(&json!({"tab": tab, "values": [], "seq": seq}))
        .await;
    assert_eq!(
        (r.status, texts(&r.body)),
        (200, vec![text.to_owned()]),
        "{}",
        r.body
    );
}

async fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The progress a task reports moves its bar over the push channel, and
/// its end reruns the page, streamed to the connected client; the page's
/// next event carries on from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_and_the_end_reach_a_connected_client() {
    let probe = Arc::new(Probe::default());
    let addr = start(task_app(Work::Waits, probe.clone())).await;
    let (mut c, tab, page) = open(addr).await;
    assert_eq!(texts(&page), ["running"]);
    assert!(page.contains("data-task=\"job\""), "{page}");
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let mut shown = Shown::default();
    until(&mut ws, &mut shown, |_, f| f["attach"] == true).await;
    assert_eq!(shown.texts(), ["running"]);
    let task_frame = json!({"t": "task", "key": "job", "percent": 10, "text": "started"});
    let frames = until(&mut ws, &mut shown, |_, f| *f == task_frame).await;
    assert!(frames.iter().all(|f| f["t"] == "task"), "{frames:?}");
    probe.release.store(true, Ordering::Release);
    let frames = until(&mut ws, &mut shown, |s, f| {
        f["running"] == false && s.texts() == ["done 42"]
    })
    .await;
    let last = frames.last().unwrap();
    assert!(last["n"].is_null(), "the server's own run: {last}");
    shows_at_the_next_event(&mut c, &tab, shown.seq, "done 42").await;
}

/// Without a client connected, a task's end is kept: the page's next
/// event (made on the page it has) is not stale and shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_end_without_a_client_shows_at_the_next_event() {
    let probe = Arc::new(Probe::default());
    let addr = start(task_app(Work::Waits, probe.clone())).await;
    let (mut c, tab, _) = open(addr).await;
    let seq = seq_of(&tab).unwrap();
    probe.release.store(true, Ordering::Release);
    wait_for("the work to return", || {
        probe.returned.load(Ordering::Acquire) == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    shows_at_the_next_event(&mut c, &tab, seq, "done 42").await;
}

/// A task that panics is shown failed with its message, by the rerun owed
/// since no client was connected, when one connects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_is_shown_failed_when_a_client_connects() {
    let probe = Arc::new(Probe::default());
    let addr = start(task_app(Work::Panics, probe.clone())).await;
    let (mut c, tab, _) = open(addr).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let mut shown = Shown::default();
    until(&mut ws, &mut shown, |_, f| f["attach"] == true).await;
    assert_eq!(shown.texts(), ["failed: it panicked: boom"]);
    // The attach's rerun moved the page on; events made on it apply.
    let r = c
        .event(&json!({"tab": tab, "values": [], "seq": shown.seq}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(texts(&r.body), ["failed: it panicked: boom"]);
}

fn click(tab: &str, seq: u64, n: u64, id: &str) -> Value {
    json!({"tab": tab, "seq": seq, "n": n, "values": [], "click": id})
}

/// A cancel from the page stops the task at its next checkpoint, and the
/// page reruns to show it cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_from_the_page_ends_the_task() {
    let probe = Arc::new(Probe::default());
    let addr = start(task_app(Work::Waits, probe.clone())).await;
    let (c, tab, page) = open(addr).await;
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let mut shown = Shown::default();
    until(&mut ws, &mut shown, |_, f| f["attach"] == true).await;
    send(&mut ws, &click(&tab, shown.seq, 1, &wid(&page, "Cancel"))).await;
    until(&mut ws, &mut shown, |s, f| {
        f["running"] == false && s.texts() == ["cancelled"]
    })
    .await;
    assert_eq!(probe.returned.load(Ordering::Acquire), 1);
}

/// A task that ignores its cancellation is reported cancelled after the
/// grace (`--task-grace-secs`); what it returns later is dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_that_ignores_its_cancel_is_reported_cancelled_after_the_grace() {
    let probe = Arc::new(Probe::default());
    let config = ServeConfig {
        task_grace_secs: 1,
        ..Default::default()
    };
    let addr = start_with(task_app(Work::IgnoresCancel, probe.clone()), &config).await;
    let (mut c, tab, page) = open(addr).await;
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let mut shown = Shown::default();
    until(&mut ws, &mut shown, |_, f| f["attach"] == true).await;
    send(&mut ws, &click(&tab, shown.seq, 1, &wid(&page, "Cancel"))).await;
    until(&mut ws, &mut shown, |s, f| {
        f["running"] == false && s.texts() == ["cancelled"]
    })
    .await;
    assert_eq!(probe.returned.load(Ordering::Acquire), 0, "it still runs");
    probe.release.store(true, Ordering::Release);
    wait_for("the work to return", || {
        probe.returned.load(Ordering::Acquire) == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = c
        .event(&json!({"tab": tab, "values": [], "seq": shown.seq}))
        .await;
    assert_eq!(texts(&r.body), ["cancelled"], "{}", r.body);
}

/// The task of a session that expired is cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_of_an_expired_session_is_cancelled() {
    let probe = Arc::new(Probe::default());
    let config = ServeConfig {
        session_idle_secs: 1,
        ..Default::default()
    };
    let addr = start_with(task_app(Work::Waits, probe.clone()), &config).await;
    open(addr).await;
    wait_for("the task to be cancelled", || {
        probe.returned.load(Ordering::Acquire) == 1
    })
    .await;
}

/// Beyond `--max-tasks`, a page's `ui.task` is an error that says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_limit_is_a_clear_error() {
    let probe = Arc::new(Probe::default());
    let config = ServeConfig {
        max_tasks: 1,
        ..Default::default()
    };
    let addr = start_with(task_app(Work::Waits, probe.clone()), &config).await;
    let (_, _, first) = open(addr).await;
    assert_eq!(texts(&first), ["running"]);
    let (_, _, second) = open(addr).await;
    assert!(
        second.contains("as many as this process may run"),
        "{second}"
    );
    probe.release.store(true, Ordering::Release);
}

/// A task that reports progress faster than anyone can watch sends its
/// latest about ten times a second, not each report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fast_progress_is_sent_at_a_bounded_rate() {
    let probe = Arc::new(Probe::default());
    let addr = start(task_app(Work::Floods, probe.clone())).await;
    let (c, tab, _) = open(addr).await;
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let mut shown = Shown::default();
    until(&mut ws, &mut shown, |_, f| f["attach"] == true).await;
    let since = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    probe.release.store(true, Ordering::Release);
    let frames = until(&mut ws, &mut shown, |s, f| {
        f["running"] == false && s.texts() == ["done 42"]
    })
    .await;
    let pushed = frames.iter().filter(|f| f["t"] == "task").count();
    let tenths = since.elapsed().as_millis() as usize / 100 + 3;
    assert!(
        pushed <= tenths,
        "{pushed} progress frames in {:?}",
        since.elapsed()
    );
}

/// Two replicas on the Redis the tests use, serving `app()` each.
fn replicas(test: &str, app: impl Fn() -> App) -> Option<(Replica, Replica)> {
    let url = StoreUrl::Redis(redis_url(test)?);
    let a = Replica::start(app(), &url, StoreOptions::default());
    let b = Replica::start(app(), &url, StoreOptions::default());
    Some((a, b))
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A tab opened on replica `a` (whose first run starts the task there)
/// and connected to replica `b`: its client, tab id, first page, channel
/// and what it shows once attached.
struct Across {
    c: Http,
    tab: String,
    page: String,
    ws: Stream,
    shown: Shown,
}

async fn open_across(a: &Replica, b: &Replica) -> Across {
    let (c, tab, page) = open(a.addr).await;
    let mut ws = connect(b.addr, c.cookie.as_deref(), &tab, "")
        .await
        .unwrap();
    let mut shown = Shown::default();
    until(&mut ws, &mut shown, |_, f| f["attach"] == true).await;
    Across {
        c,
        tab,
        page,
        ws,
        shown,
    }
}

/// The tab opens on replica A, whose first run starts the task there, and
/// connects to replica B: the task's progress and its end reach the tab
/// through Redis, and B streams the rerun that shows the result.
#[test]
fn across_replicas_progress_and_the_end_reach_the_tab() {
    let test = "across_replicas_progress_and_the_end_reach_the_tab";
    let probe = Arc::new(Probe::default());
    let Some((a, b)) = replicas(test, || task_app(Work::Waits, probe.clone())) else {
        return;
    };
    client_runtime().block_on(async {
        let Across {
            mut c,
            tab,
            page,
            mut ws,
            mut shown,
        } = open_across(&a, &b).await;
        assert_eq!(texts(&page), ["running"]);
        let task_frame = json!({"t": "task", "key": "job", "percent": 10, "text": "started"});
        until(&mut ws, &mut shown, |_, f| *f == task_frame).await;
        probe.release.store(true, Ordering::Release);
        until(&mut ws, &mut shown, |s, f| {
            f["running"] == false && s.texts() == ["done 42"]
        })
        .await;
        // A takes the next event, made on the page B streamed.
        let r = c
            .event(&json!({"tab": tab, "values": [], "seq": shown.seq}))
            .await;
        assert_eq!(texts(&r.body), ["done 42"], "{}", r.body);
    });
    drop((a, b));
}

/// A cancel from the page on replica B reaches the task running on A.
#[test]
fn across_replicas_a_cancel_reaches_the_task() {
    let test = "across_replicas_a_cancel_reaches_the_task";
    let probe = Arc::new(Probe::default());
    let Some((a, b)) = replicas(test, || task_app(Work::Waits, probe.clone())) else {
        return;
    };
    client_runtime().block_on(async {
        let Across {
            tab,
            page,
            mut ws,
            mut shown,
            ..
        } = open_across(&a, &b).await;
        send(&mut ws, &click(&tab, shown.seq, 1, &wid(&page, "Cancel"))).await;
        until(&mut ws, &mut shown, |s, f| {
            f["running"] == false && s.texts() == ["cancelled"]
        })
        .await;
        assert_eq!(probe.returned.load(Ordering::Acquire), 1);
    });
    drop((a, b));
}

/// When the replica running a task dies, the tab (connected to the other)
/// shows the task failed, saying why, within seconds.
#[test]
fn the_task_of_a_replica_that_died_is_shown_failed() {
    let test = "the_task_of_a_replica_that_died_is_shown_failed";
    let probe = Arc::new(Probe::default());
    let Some((a, b)) = replicas(test, || task_app(Work::Waits, probe.clone())) else {
        return;
    };
    client_runtime().block_on(async {
        let Across {
            c,
            tab,
            mut ws,
            mut shown,
            ..
        } = open_across(&a, &b).await;
        let died = Instant::now();
        tokio::task::spawn_blocking(move || a.kill()).await.unwrap();
        let lost = |s: &Shown| {
            s.texts().first().is_some_and(|t| {
                t.starts_with("failed: it was lost: the server process that ran it (replica ")
            })
        };
        until(&mut ws, &mut shown, |s, _| lost(s)).await;
        eprintln!(
            "the tab showed the task lost {:?} after its replica died",
            died.elapsed()
        );
        let mut on_b = Http::new(b.addr);
        on_b.cookie = c.cookie.clone();
        let r = on_b
            .event(&json!({"tab": tab, "values": [], "seq": shown.seq}))
            .await;
        assert!(
            texts(&r.body)[0].ends_with("stopped before it ended"),
            "{}",
            r.body
        );
    });
    // Its thread outlived its replica; let it return.
    probe.release.store(true, Ordering::Release);
    drop(b);
}

/// On the file store, a task that was running when its server stopped is
/// shown failed by the server that takes the session back.
#[test]
fn after_a_restart_the_task_that_was_running_is_shown_failed() {
    let probe = Arc::new(Probe::default());
    let path = support::replica::temp_path("task-restart.redb");
    let url = StoreUrl::File(path.clone());
    let rt = client_runtime();
    let first = Replica::start(
        task_app(Work::Waits, probe.clone()),
        &url,
        StoreOptions::default(),
    );
    let (c, tab) = rt.block_on(async {
        let (c, tab, page) = open(first.addr).await;
        assert_eq!(texts(&page), ["running"]);
        (c, tab)
    });
    first.kill();
    let second = Replica::start(
        task_app(Work::Waits, probe.clone()),
        &url,
        StoreOptions::default(),
    );
    rt.block_on(async {
        let mut ws = connect(second.addr, c.cookie.as_deref(), &tab, "")
            .await
            .unwrap();
        let mut shown = Shown::default();
        until(&mut ws, &mut shown, |s, _| {
            s.texts()
                .first()
                .is_some_and(|t| t.starts_with("failed: it was lost"))
        })
        .await;
    });
    probe.release.store(true, Ordering::Release);
    second.kill();
    let _ = std::fs::remove_file(path);
}
