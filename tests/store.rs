//! Session stores (spec A7): every store keeps the same promises; sessions
//! survive a restart on the file store; replicas on one Redis serve any
//! event of any session, survive the loss of one of them, lose no update to
//! concurrent events, and ride out a Redis outage; a tab's push channel
//! that reconnects to another replica carries on there.
//!
//! The Redis tests need `BROOKLET_TEST_REDIS` (`.ci/run` starts Debian's
//! `redis-server` and sets it); without it they skip, saying why, unless
//! `CI=true`. The outage test starts a `redis-server` of its own.

mod support {
    pub mod http;
    pub mod replica;
    pub mod socket;
}

use std::sync::Arc;
use std::time::Duration;

use brooklet::__private::record;
use brooklet::prelude::*;
use brooklet::store::{
    FileStore, Loaded, MemoryStore, RedisStore, SaveOutcome, SessionStore, StoreError,
    StoreOptions, StoreUrl, Version,
};
use serde_json::json;
use support::http::{tab_of, texts, wid, Answer, Http};
use support::replica::{redis_url, temp_path, Replica, Rng};

fn add(ui: &Ui<'_>, step: i64) -> Result<()> {
    let n: i64 = ui.state().get("count")?;
    ui.state().set("count", &(n + step))
}

/// A counter driven by a callback whose argument is captured when the page
/// draws the button: a process that did not draw it must re-establish it.
#[page]
fn counter(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("count", 0_i64)?;
    #[widget(key = "step")]
    let step = ui
        .number_input::<i64>("Step")
        .min(1)
        .max(10)
        .value(1)
        .show()?;
    #[widget(key = "add", on_click = add, args = (step))]
    ui.button("Add").show()?;
    #[widget(key = "note")]
    let note = ui.text_input("Note").show()?;
    ui.text(format!("count = {}", ui.state().get::<i64>("count")?));
    ui.text(format!("note = {note}"));
    Ok(())
}

fn app() -> App {
    App::new().page(counter)
}

/// A browser on the counter page: its tab and widget ids, its cookie.
struct Tab {
    tab: String,
    step: String,
    add: String,
    note: String,
    cookie: Option<String>,
}

impl Tab {
    async fn open(c: &mut Http) -> Tab {
        let page = c.get("/").await;
        assert_eq!(page.status, 200, "{}", page.body);
        Tab {
            tab: tab_of(&page.body),
            step: wid(&page.body, "Step"),
            add: wid(&page.body, "Add"),
            note: wid(&page.body, "Note"),
            cookie: c.cookie.clone(),
        }
    }

    /// A client of `addr` that carries this browser's cookie.
    fn client(&self, addr: std::net::SocketAddr) -> Http {
        let mut c = Http::new(addr);
        c.cookie = self.cookie.clone();
        c
    }

    async fn click(&self, c: &mut Http, step: i64, note: &str) -> Answer {
        c.event(&json!({
            "tab": self.tab,
            "values": [[self.step, step], [self.note, note]],
            "click": self.add,
        }))
        .await
    }

    async fn type_note(&self, c: &mut Http, note: &str) -> Answer {
        c.event(&json!({"tab": self.tab, "values": [[self.note, note]]}))
            .await
    }
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn short_idle() -> StoreOptions {
    StoreOptions {
        idle: Duration::from_millis(1000),
        max_sessions: 3,
        ..StoreOptions::default()
    }
}

/// The promises of the trait, on one store.
async fn keeps_the_contract(store: &dyn SessionStore, lru_cap: bool) {
    let tab = brooklet::__private::random_hex(8);
    assert_eq!(store.load(&tab, None).await.unwrap(), Loaded::Missing);
    let v1 = match store.save(&tab, None, b"one".to_vec()).await.unwrap() {
        SaveOutcome::Saved(v) => v,
        c => panic!("{}: a new session is saved, got {c:?}", store.name()),
    };
    assert_eq!(
        store.save(&tab, None, b"again".to_vec()).await.unwrap(),
        SaveOutcome::Conflict,
        "{}: creating a taken id conflicts",
        store.name()
    );
    assert_eq!(
        store.load(&tab, None).await.unwrap(),
        Loaded::Found {
            version: v1,
            bytes: b"one".to_vec()
        }
    );
    assert_eq!(store.load(&tab, Some(v1)).await.unwrap(), Loaded::Unchanged);
    let v2 = match store.save(&tab, Some(v1), b"two".to_vec()).await.unwrap() {
        SaveOutcome::Saved(v) => v,
        c => panic!("{c:?}"),
    };
    assert!(v2 > v1);
    // A save on the old version lost the race: nothing is written.
    assert_eq!(
        store.save(&tab, Some(v1), b"lost".to_vec()).await.unwrap(),
        SaveOutcome::Conflict
    );
    assert_eq!(
        store.load(&tab, Some(v1)).await.unwrap(),
        Loaded::Found {
            version: v2,
            bytes: b"two".to_vec()
        }
    );
    // Touching keeps an idle session alive; idleness expires it.
    // (idle is 1 s; the margins leave room for a busy machine)
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(store.touch(&tab).await.unwrap());
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(store.load(&tab, Some(v2)).await.unwrap(), Loaded::Unchanged);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        store.load(&tab, Some(v2)).await.unwrap(),
        Loaded::Missing,
        "{}: an idle session expires",
        store.name()
    );
    assert!(!store.touch(&tab).await.unwrap());
    assert_eq!(
        store.save(&tab, Some(v2), b"late".to_vec()).await.unwrap(),
        SaveOutcome::Conflict,
        "an expired session is not written back"
    );
    store.expire().await.unwrap();
    // Delete.
    let other = brooklet::__private::random_hex(8);
    store.save(&other, None, b"x".to_vec()).await.unwrap();
    store.delete(&other).await.unwrap();
    assert_eq!(store.load(&other, None).await.unwrap(), Loaded::Missing);
    if lru_cap {
        // The cap (3) evicts the least recently used.
        let ids: Vec<String> = (0..3).map(|_| brooklet::__private::random_hex(8)).collect();
        for id in &ids {
            store.save(id, None, b"s".to_vec()).await.unwrap();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Use the first again: the second is now the least recently used.
        assert!(store.touch(&ids[0]).await.unwrap());
        store.save("newcomer", None, b"s".to_vec()).await.unwrap();
        assert_eq!(store.load(&ids[1], None).await.unwrap(), Loaded::Missing);
        for id in [&ids[0], &ids[2]] {
            assert!(matches!(
                store.load(id, None).await.unwrap(),
                Loaded::Found { .. }
            ));
        }
    }
}

#[tokio::test]
async fn the_memory_store_keeps_the_contract_and_its_cap() {
    let store = MemoryStore::new(short_idle().idle, short_idle().max_sessions);
    keeps_the_contract(&store, true).await;
}

#[tokio::test]
async fn the_file_store_keeps_the_contract() {
    let path = temp_path("contract.redb");
    let store = FileStore::open(&path, short_idle()).await.unwrap();
    keeps_the_contract(&store, false).await;
    drop(store);
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn the_redis_store_keeps_the_contract() {
    let Some(url) = redis_url("the_redis_store_keeps_the_contract") else {
        return;
    };
    let store = RedisStore::connect(&url, short_idle()).await.unwrap();
    keeps_the_contract(&store, false).await;
}

#[tokio::test]
async fn a_session_of_another_format_is_refused_with_a_clear_error() {
    let store = Arc::new(MemoryStore::default());
    let addr = start_with(store.clone()).await;
    let mut c = Http::new(addr);
    let t = Tab::open(&mut c).await;
    assert_eq!(t.click(&mut c, 2, "").await.status, 200);
    // Rewrite the stored session as an older brooklet would have written
    // it: the same JSON under format 0.
    let Loaded::Found { version, mut bytes } = store.load(&t.tab, None).await.unwrap() else {
        panic!("the session is stored");
    };
    assert_eq!(record::header(&bytes), Ok(record::FORMAT));
    bytes[4..8].copy_from_slice(&0u32.to_le_bytes());
    store
        .save(&t.tab, Some(version), bytes.clone())
        .await
        .unwrap();
    // This process still holds the session live, at an older version: the
    // event must load the stored one and refuse it.
    let answer = t.click(&mut c, 1, "").await;
    assert_eq!(answer.status, 410, "{}", answer.body);
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body["error"]["kind"], "SessionUnreadable");
    assert_eq!(body["reload"], true);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("format 0") && message.contains(&format!("format {}", record::FORMAT)),
        "{message}"
    );
    // The stored bytes are left as they were, not misread and overwritten.
    assert_eq!(
        store.load(&t.tab, None).await.unwrap(),
        Loaded::Found {
            version: Version(version.0 + 1),
            bytes
        }
    );
    assert!(matches!(
        record::decode(b"BKSS"),
        Err(StoreError::Corrupt { .. })
    ));
}

async fn start_with(store: Arc<dyn SessionStore>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(app().serve_on_with_store(listener, store));
    addr
}

/// One step of a scripted session: a click with a step, or a note.
#[derive(Clone, Debug)]
enum Action {
    Click(i64),
    Note(String),
}

fn script(rng: &mut Rng, n: usize) -> Vec<Action> {
    (0..n)
        .map(|i| match rng.below(3) {
            0 => Action::Note(format!("n{i}")),
            _ => Action::Click(1 + rng.below(5) as i64),
        })
        .collect()
}

/// Plays `actions`, each on the replica `pick` chooses; answers the texts
/// after each action.
async fn play(
    t: &Tab,
    clients: &mut [Http],
    actions: &[Action],
    mut pick: impl FnMut(usize) -> usize,
) -> Vec<Vec<String>> {
    let mut seen = Vec::new();
    let mut note = String::new();
    for (i, action) in actions.iter().enumerate() {
        let c = &mut clients[pick(i)];
        let answer = match action {
            Action::Click(step) => t.click(c, *step, &note).await,
            Action::Note(n) => {
                note = n.clone();
                t.type_note(c, n).await
            }
        };
        assert_eq!(answer.status, 200, "action {i} {action:?}: {}", answer.body);
        seen.push(texts(&answer.body));
    }
    seen
}

#[test]
fn two_replicas_on_one_redis_serve_a_session_as_one_server_does() {
    let Some(url) = redis_url("two_replicas_on_one_redis_serve_a_session_as_one_server_does")
    else {
        return;
    };
    let url = StoreUrl::Redis(url);
    let mut rng = Rng::new();
    let actions = script(&mut rng, 40);
    let rt = client_runtime();

    // One server, in memory: the reference.
    let single = Replica::start(app(), &StoreUrl::Memory, StoreOptions::default());
    let reference = rt.block_on(async {
        let mut c = Http::new(single.addr);
        let t = Tab::open(&mut c).await;
        play(&t, std::slice::from_mut(&mut c), &actions, |_| 0).await
    });

    // Two replicas on one Redis; each event goes to a random one.
    let a = Replica::start(app(), &url, StoreOptions::default());
    let b = Replica::start(app(), &url, StoreOptions::default());
    let replicated = rt.block_on(async {
        let mut first = Http::new(a.addr);
        let t = Tab::open(&mut first).await;
        let mut clients = [t.client(a.addr), t.client(b.addr)];
        play(&t, &mut clients, &actions, |_| rng.below(2) as usize).await
    });
    assert_eq!(replicated, reference);
    // A click adds the step the button was last drawn with (its callback's
    // argument), then draws it with the new step.
    let (mut expected, mut drawn_step) = (0, 1);
    for action in &actions {
        if let Action::Click(step) = action {
            expected += drawn_step;
            drawn_step = *step;
        }
    }
    assert_eq!(
        reference.last().unwrap()[0],
        format!("count = {expected}"),
        "the callback ran once per click, on whichever replica took it"
    );
}

#[test]
fn a_replica_killed_mid_session_loses_nothing() {
    let Some(url) = redis_url("a_replica_killed_mid_session_loses_nothing") else {
        return;
    };
    let url = StoreUrl::Redis(url);
    let rt = client_runtime();
    let a = Replica::start(app(), &url, StoreOptions::default());
    let b = Replica::start(app(), &url, StoreOptions::default());
    let (t, mut on_b) = rt.block_on(async {
        let mut on_a = Http::new(a.addr);
        let t = Tab::open(&mut on_a).await;
        let mut on_b = t.client(b.addr);
        assert_eq!(t.click(&mut on_a, 3, "x").await.status, 200);
        assert_eq!(t.click(&mut on_b, 2, "x").await.status, 200);
        let last = t.click(&mut on_a, 4, "kept").await;
        // Each click adds the step the page had drawn the button with: 1, 3, 2.
        assert_eq!(texts(&last.body), ["count = 6", "note = kept"]);
        (t, on_b)
    });
    a.kill();
    rt.block_on(async {
        let answer = t.click(&mut on_b, 1, "kept").await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(texts(&answer.body), ["count = 10", "note = kept"]);
        let answer = t.click(&mut on_b, 1, "kept").await;
        assert_eq!(texts(&answer.body), ["count = 11", "note = kept"]);
    });
}

#[test]
fn a_restart_on_the_file_store_keeps_the_session() {
    let path = temp_path("restart.redb");
    let url = StoreUrl::File(path.clone());
    let rt = client_runtime();
    let first = Replica::start(app(), &url, StoreOptions::default());
    let (t, cookie) = rt.block_on(async {
        let mut c = Http::new(first.addr);
        let t = Tab::open(&mut c).await;
        t.click(&mut c, 2, "draft").await;
        let answer = t.click(&mut c, 5, "draft").await;
        // Each click adds the step the button was drawn with: 1, then 2.
        assert_eq!(texts(&answer.body), ["count = 3", "note = draft"]);
        (t, c.cookie.clone())
    });
    // Shut the server down completely; a new one opens the same file.
    first.kill();
    let second = Replica::start(app(), &url, StoreOptions::default());
    rt.block_on(async {
        let mut c = t.client(second.addr);
        assert_eq!(c.cookie, cookie);
        let answer = t.click(&mut c, 1, "draft").await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        // The callback's argument (5) was captured again from the stored state.
        assert_eq!(texts(&answer.body), ["count = 8", "note = draft"]);
        // Another browser's cookie reaches nothing, after a restart too.
        let mut stranger = Http::new(second.addr);
        stranger.cookie = Some(format!("bk_sid={}", "0".repeat(32)));
        assert_eq!(t.click(&mut stranger, 1, "").await.status, 410);
        // The no-JavaScript form post reads the restored page as well.
        let form = c
            .form(&[("_tab", &t.tab), (&t.step, "1"), ("_click", &t.add)])
            .await;
        assert_eq!(form.status, 200);
        assert_eq!(texts(&form.body), ["count = 9", "note = draft"]);
    });
    second.kill();
    let _ = std::fs::remove_file(path);
}

/// Fires `n` clicks at once, alternately at the replicas; answers the
/// statuses and the final count.
fn concurrent_clicks(replicas: &[&Replica], n: usize) -> (Vec<u16>, String) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut c = Http::new(replicas[0].addr);
        let t = Arc::new(Tab::open(&mut c).await);
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let t = t.clone();
                let addr = replicas[i % replicas.len()].addr;
                tokio::spawn(async move {
                    let mut c = t.client(addr);
                    let answer = t.click(&mut c, 1, "").await;
                    // 409: another saved first, or the click was made on
                    // an older page; 429: too many waiting on this tab.
                    assert!(
                        matches!(answer.status, 200 | 409 | 429),
                        "{}: {}",
                        answer.status,
                        answer.body
                    );
                    answer.status
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
        let answer = t.type_note(&mut c, "done").await;
        (statuses, texts(&answer.body)[0].clone())
    })
}

#[test]
fn concurrent_events_of_one_session_lose_no_update() {
    // Two replicas sharing one memory store: no live state in common, so
    // their saves race exactly as two processes' would.
    let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
    let a = Replica::with_store(app(), store.clone());
    let b = Replica::with_store(app(), store);
    let (statuses, count) = concurrent_clicks(&[&a, &b], 24);
    let applied = statuses.iter().filter(|s| **s == 200).count();
    assert!(applied > 0);
    assert_eq!(
        count,
        format!("count = {applied}"),
        "every click answered 200 counted once ({statuses:?})"
    );

    let Some(url) = redis_url("concurrent_events_of_one_session_lose_no_update (Redis)") else {
        return;
    };
    let url = StoreUrl::Redis(url);
    let a = Replica::start(app(), &url, StoreOptions::default());
    let b = Replica::start(app(), &url, StoreOptions::default());
    let (statuses, count) = concurrent_clicks(&[&a, &b], 24);
    let applied = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(count, format!("count = {applied}"), "{statuses:?}");
}

/// A `redis-server` of the test's own, persisting every write (append-only
/// file, fsynced) so that it can be killed and brought back with its data.
struct OwnRedis {
    port: u16,
    dir: std::path::PathBuf,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    fn start() -> OwnRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = temp_path("redis");
        std::fs::create_dir_all(&dir).unwrap();
        let mut r = OwnRedis {
            port,
            dir,
            child: None,
        };
        r.resume();
        r
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Starts the server (again) on the same port and data.
    fn resume(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server on the PATH (.ci/run installs it)");
        self.child = Some(child);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the server outright.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn redis_going_away_fails_events_clearly_and_keeps_the_session() {
    if redis_url("redis_going_away_fails_events_clearly_and_keeps_the_session").is_none() {
        return;
    }
    let mut redis = OwnRedis::start();
    let url = StoreUrl::Redis(redis.url());
    let rt = client_runtime();
    let server = Replica::start(app(), &url, StoreOptions::default());
    let (t, mut c) = rt.block_on(async {
        let mut c = Http::new(server.addr);
        let t = Tab::open(&mut c).await;
        t.click(&mut c, 2, "before").await;
        let answer = t.click(&mut c, 3, "before").await;
        assert_eq!(texts(&answer.body), ["count = 3", "note = before"]);
        (t, c)
    });

    redis.kill();
    rt.block_on(async {
        for _ in 0..2 {
            let started = std::time::Instant::now();
            let answer = t.click(&mut c, 4, "during").await;
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "a dead Redis fails the event fast, not after {:?}",
                started.elapsed()
            );
            assert_eq!(answer.status, 503, "{}", answer.body);
            // The JSON error the client script shows the user.
            let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
            assert_eq!(body["error"]["kind"], "StoreUnavailable");
            assert_eq!(body["reload"], false, "reloading would lose the page");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(&redis.url()) && message.contains("unavailable"),
                "{message}"
            );
        }
        // A new tab cannot start either, and says why.
        let page = Http::new(server.addr).get("/").await;
        assert_eq!(page.status, 503);
        assert!(page.body.contains("unavailable"), "{}", page.body);
    });

    redis.resume();
    rt.block_on(async {
        // The store reconnects by itself; the session is as it was before
        // the outage, and the failed events changed nothing.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let mut attempts = 0;
        let answer = loop {
            attempts += 1;
            let answer = t.click(&mut c, 1, "after").await;
            if answer.status != 503 || std::time::Instant::now() > deadline {
                break answer;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        eprintln!("the store was back after {attempts} attempt(s)");
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(texts(&answer.body), ["count = 6", "note = after"]);
    });
}

/// A fragment that counts its own runs, beside a count of full runs.
#[fragment]
fn notes(ui: &Ui<'_>) -> Result<()> {
    let runs: i64 = ui.state().get_opt("fragment_runs")?.unwrap_or(0) + 1;
    ui.state().set("fragment_runs", &runs)?;
    #[widget(key = "inside")]
    let inside = ui.text_input("Inside").show()?;
    ui.text(format!("inside = {inside}, fragment runs = {runs}"));
    Ok(())
}

#[page]
fn with_fragment(ui: &Ui<'_>) -> Result<()> {
    let runs: i64 = ui.state().get_opt("full_runs")?.unwrap_or(0) + 1;
    ui.state().set("full_runs", &runs)?;
    ui.text(format!("full runs = {runs}"));
    notes(ui)
}

/// R32 across a restart: the fragment's code is restored in the new
/// process (as callbacks are), so a change to its widget still reruns the
/// fragment alone, on the page the browser shows.
#[test]
fn a_restart_on_the_file_store_keeps_fragment_runs() {
    let path = temp_path("fragment.redb");
    let url = StoreUrl::File(path.clone());
    let rt = client_runtime();
    let app = || App::new().page(with_fragment);
    let first = Replica::start(app(), &url, StoreOptions::default());
    let (tab, inside, cookie) = rt.block_on(async {
        let mut c = Http::new(first.addr);
        let page = c.get("/").await;
        let (tab, inside) = (tab_of(&page.body), wid(&page.body, "Inside"));
        let answer = c
            .event(&json!({"tab": tab, "values": [[inside, "a"]]}))
            .await;
        assert_eq!(
            texts(&answer.body),
            ["full runs = 1", "inside = a, fragment runs = 2"]
        );
        (tab, inside, c.cookie.clone())
    });
    first.kill();
    let second = Replica::start(app(), &url, StoreOptions::default());
    rt.block_on(async {
        let mut c = Http::new(second.addr);
        c.cookie = cookie;
        let answer = c
            .event(&json!({"tab": tab, "values": [[inside, "b"]]}))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(
            texts(&answer.body),
            ["full runs = 1", "inside = b, fragment runs = 3"],
            "only the fragment ran, in the restarted process"
        );
    });
    second.kill();
    let _ = std::fs::remove_file(path);
}

/// The embedded default (`--store memory`): a session is the server's live
/// copy; it expires after the idle time, and past the cap the least
/// recently used goes, each with a clear 410 that asks for a reload.
#[test]
fn the_default_memory_store_expires_idle_sessions_and_keeps_its_cap() {
    let rt = client_runtime();
    let server = Replica::start(app(), &StoreUrl::Memory, short_idle());
    rt.block_on(async {
        // Cap 3: a fourth tab pushes out the least recently used.
        let mut first = Http::new(server.addr);
        let oldest = Tab::open(&mut first).await;
        let mut tabs = Vec::new();
        for _ in 0..3 {
            let mut c = Http::new(server.addr);
            let t = Tab::open(&mut c).await;
            tabs.push((t, c));
        }
        let gone = oldest.click(&mut first, 1, "").await;
        assert_eq!(gone.status, 410, "{}", gone.body);
        assert!(gone.body.contains("\"reload\":true"), "{}", gone.body);
        let (t, c) = &mut tabs[2];
        assert_eq!(t.click(c, 1, "").await.status, 200);

        // Idle past the idle time (1 s): expired.
        tokio::time::sleep(Duration::from_millis(1600)).await;
        let expired = t.click(c, 1, "").await;
        assert_eq!(expired.status, 410, "{}", expired.body);
    });
}

/// The answer to event `n` on `ws`, with what the client shows then.
async fn answer_to(ws: &mut support::socket::Stream, shown: &mut support::socket::Shown, n: u64) {
    loop {
        let frame = support::socket::next(ws).await.expect("a frame");
        shown.take(&frame);
        if frame["n"].as_u64() == Some(n) && frame["running"] != true {
            assert!(frame["error"].is_null(), "{frame}");
            return;
        }
    }
}

/// A tab's push channel on replica A drops and reconnects to replica B:
/// the attach shows the session as it was, its events carry on over B's
/// channel (B re-establishes the callback), and A serves the next event.
#[test]
fn a_push_channel_that_reconnects_to_another_replica_carries_on() {
    use support::socket::{connect, send, Shown};
    let test = "a_push_channel_that_reconnects_to_another_replica_carries_on";
    let Some(url) = redis_url(test) else {
        return;
    };
    let url = StoreUrl::Redis(url);
    let a = Replica::start(app(), &url, StoreOptions::default());
    let b = Replica::start(app(), &url, StoreOptions::default());
    client_runtime().block_on(async {
        let mut c = Http::new(a.addr);
        let t = Tab::open(&mut c).await;
        let click = |seq: u64, n: u64, step: i64| {
            json!({"tab": t.tab, "seq": seq, "n": n, "click": t.add,
                   "values": [[t.step, step], [t.note, "kept"]]})
        };
        let mut ws = connect(a.addr, t.cookie.as_deref(), &t.tab, "")
            .await
            .unwrap();
        let mut shown = Shown::default();
        shown.take(&support::socket::next(&mut ws).await.unwrap());
        send(&mut ws, &click(shown.seq, 1, 2)).await;
        answer_to(&mut ws, &mut shown, 1).await;
        // A click adds the step the button was drawn with: 1, then 2, then 3.
        assert_eq!(shown.texts(), ["count = 1", "note = kept"]);
        drop(ws);

        let mut ws = connect(b.addr, t.cookie.as_deref(), &t.tab, "")
            .await
            .unwrap();
        let mut shown = Shown::default();
        shown.take(&support::socket::next(&mut ws).await.unwrap());
        assert_eq!(
            shown.texts(),
            ["count = 1", "note = kept"],
            "B attaches to the session as it is"
        );
        send(&mut ws, &click(shown.seq, 1, 3)).await;
        answer_to(&mut ws, &mut shown, 1).await;
        assert_eq!(shown.texts(), ["count = 3", "note = kept"]);

        let mut on_a = t.client(a.addr);
        let mut event = click(shown.seq, 2, 1);
        event.as_object_mut().unwrap().remove("n");
        let answer = on_a.event(&event).await;
        assert_eq!(
            texts(&answer.body),
            ["count = 6", "note = kept"],
            "{}",
            answer.body
        );
    });
}
