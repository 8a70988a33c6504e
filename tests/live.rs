//! Live runs over HTTP: pages run on the run pool, so slow pages never
//! stall the server; a newer event of a tab supersedes its run (R47); the
//! Stop control ends a run; a full pool answers "busy" at once.
//!
//! Runs that must stay in flight wait on a gate the test opens, so nothing
//! here depends on how fast the machine is: a server that ran pages on its
//! async workers would hang, and the test's timeout would say so.

mod support {
    pub mod http;
}

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use brooklet::{App, Page, Ui};
use serde_json::json;
use support::http::{start, start_with, tab_of, texts, wid, Http};

/// How long a test waits for something that must happen before it calls it
/// a hang.
const HANG: Duration = Duration::from_secs(20);

/// A gate runs wait at until the test opens it.
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    fn wait(&self) {
        let (open, changed) = &*self.0;
        let mut open = open.lock().unwrap();
        while !*open {
            open = changed.wait(open).unwrap();
        }
    }

    fn open(&self) {
        let (open, changed) = &*self.0;
        *open.lock().unwrap() = true;
        changed.notify_all();
    }
}

/// A page that, once "Slow" is ticked, counts itself as waiting and waits
/// at `gate`.
fn gated_app(gate: Gate, waiting: Arc<AtomicUsize>) -> App {
    App::new().page(Page::new("gated", move |ui: &Ui<'_>| {
        let slow = ui.checkbox("Slow").key("slow").show()?;
        if slow {
            waiting.fetch_add(1, Ordering::AcqRel);
            gate.wait();
        }
        ui.text(format!("slow={slow}"));
        Ok(())
    }))
}

/// Polls `cond` until it holds, or fails the test after [`HANG`].
async fn until(what: &str, cond: impl Fn() -> bool) {
    let wait = async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    };
    tokio::time::timeout(HANG, wait)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
}

/// Point 1: with four sessions' runs blocked on a 2-worker server, a fifth
/// session loads and uses its page; the blocked runs then finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_pages_do_not_stall_other_sessions() {
    let (gate, waiting) = (Gate::default(), Arc::new(AtomicUsize::new(0)));
    let addr = start(gated_app(gate.clone(), waiting.clone())).await;
    let mut slow_runs = Vec::new();
    for _ in 0..4 {
        let mut c = Http::new(addr);
        let page = c.get("/").await;
        let (tab, slow) = (tab_of(&page.body), wid(&page.body, "Slow"));
        slow_runs.push(tokio::spawn(async move {
            c.event(&json!({"tab": tab, "values": [[slow, true]]}))
                .await
        }));
    }
    until("four blocked runs", || waiting.load(Ordering::Acquire) == 4).await;

    let fifth = async {
        let mut c = Http::new(addr);
        let page = c.get("/").await;
        assert_eq!(page.status, 200);
        let tab = tab_of(&page.body);
        let r = c.event(&json!({"tab": tab, "values": []})).await;
        assert_eq!(texts(&r.body), ["slow=false"]);
    };
    tokio::time::timeout(HANG, fifth)
        .await
        .expect("a fifth session was stalled by four slow ones");

    gate.open();
    for run in slow_runs {
        let r = run.await.unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(texts(&r.body), ["slow=true"]);
    }
}

/// A page whose run, once "Work" is ticked and the level is 0, loops on
/// `checkpoint()` until it is superseded or stopped.
fn looping_app(looping: Arc<AtomicUsize>, ended: Arc<Mutex<Vec<String>>>) -> App {
    App::new().page(Page::new("loop", move |ui: &Ui<'_>| {
        let work = ui.checkbox("Work").key("work").show()?;
        let level = ui.slider("Level", 0, 10).key("level").show()?;
        ui.text(format!("work={work} level={level}"));
        if work && level == 0 {
            looping.fetch_add(1, Ordering::AcqRel);
            let deadline = std::time::Instant::now() + HANG;
            while std::time::Instant::now() < deadline {
                if let Err(e) = ui.checkpoint() {
                    ended.lock().unwrap().push(e.kind().name().to_owned());
                    return Err(e);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        ui.text("done");
        Ok(())
    }))
}

/// Point 4: an event made on the page of the run going on supersedes it;
/// the stale run's answer says so, and the newer one's answer shows the
/// page with both events' values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_event_supersedes_the_run_going_on() {
    let looping = Arc::new(AtomicUsize::new(0));
    let ended = Arc::new(Mutex::new(Vec::new()));
    let addr = start(looping_app(looping.clone(), ended.clone())).await;
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let (tab, work, level) = (
        tab_of(&page.body),
        wid(&page.body, "Work"),
        wid(&page.body, "Level"),
    );
    let first = {
        let (mut c2, tab, work) = (Http::new(addr), tab.clone(), work.clone());
        c2.cookie = c.cookie.clone();
        tokio::spawn(async move {
            c2.event(&json!({"tab": tab, "values": [[work, true]]}))
                .await
        })
    };
    until("the first run to loop", || {
        looping.load(Ordering::Acquire) == 1
    })
    .await;
    let newer = c
        .event(&json!({"tab": tab, "values": [[work, true], [level, 5]]}))
        .await;
    assert_eq!(newer.status, 200, "{}", newer.body);
    assert_eq!(texts(&newer.body), ["work=true level=5", "done"]);
    let first = first.await.unwrap();
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("\"superseded\":true"), "{}", first.body);
    assert_eq!(*ended.lock().unwrap(), ["Interrupted"]);

    // The session carries on from the newer event's page.
    let r = c.event(&json!({"tab": tab, "values": [[level, 6]]})).await;
    assert_eq!(texts(&r.body), ["work=true level=6", "done"]);
}

/// Point 5 (the Stop control): `POST /_brooklet/stop` ends the run going on
/// as `stop()` does; its event's answer shows the page as far as it got.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stop_control_ends_the_run_going_on() {
    let looping = Arc::new(AtomicUsize::new(0));
    let ended = Arc::new(Mutex::new(Vec::new()));
    let addr = start(looping_app(looping.clone(), ended.clone())).await;
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let (tab, work) = (tab_of(&page.body), wid(&page.body, "Work"));
    let idle = c.stop(&tab).await;
    assert_eq!(idle.status, 200, "{}", idle.body);
    assert!(
        idle.body.contains("\"stopped\":false"),
        "nothing was running"
    );

    let run = {
        let (mut c2, tab, work) = (Http::new(addr), tab.clone(), work.clone());
        c2.cookie = c.cookie.clone();
        tokio::spawn(async move {
            c2.event(&json!({"tab": tab, "values": [[work, true]]}))
                .await
        })
    };
    until("the run to loop", || looping.load(Ordering::Acquire) == 1).await;

    // Another browser cannot stop it.
    let mut stranger = Http::new(addr);
    stranger.get("/").await;
    let r = stranger.stop(&tab).await;
    assert!(r.body.contains("\"stopped\":false"), "{}", r.body);

    let r = c.stop(&tab).await;
    assert!(r.body.contains("\"stopped\":true"), "{}", r.body);
    let answer = run.await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(texts(&answer.body), ["work=true level=0"]);
    assert_eq!(*ended.lock().unwrap(), ["Stop"]);
}

/// Point 1: beyond the run threads and their queue, an event is answered
/// `503 ServerBusy` with `Retry-After` at once, and nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_run_pool_answers_busy_at_once() {
    let (gate, waiting) = (Gate::default(), Arc::new(AtomicUsize::new(0)));
    let config = brooklet::server::ServeConfig {
        run_threads: 1,
        run_queue: 0,
        ..Default::default()
    };
    let addr = start_with(gated_app(gate.clone(), waiting.clone()), &config).await;

    let mut other = Http::new(addr);
    let other_page = other.get("/").await;
    let other_tab = tab_of(&other_page.body);
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let (tab, slow) = (tab_of(&page.body), wid(&page.body, "Slow"));
    let blocked = tokio::spawn(async move {
        c.event(&json!({"tab": tab, "values": [[slow, true]]}))
            .await
    });
    until("the blocked run", || waiting.load(Ordering::Acquire) == 1).await;

    let busy = tokio::time::timeout(HANG, other.event(&json!({"tab": other_tab, "values": []})))
        .await
        .expect("a busy answer, not a wait");
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert!(busy.body.contains("ServerBusy"), "{}", busy.body);
    assert_eq!(busy.header("retry-after"), Some("1"));
    let new_tab = Http::new(addr).get("/").await;
    assert_eq!(new_tab.status, 503, "a page load is refused the same way");

    gate.open();
    assert_eq!(blocked.await.unwrap().status, 200);
    let r = other.event(&json!({"tab": other_tab, "values": []})).await;
    assert_eq!(r.status, 200, "the other session is intact: {}", r.body);
}
