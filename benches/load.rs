//! A bounded load test: many sessions, many clients, and nothing lost.
//!
//! `cargo bench --bench load` (release, loopback only). It serves the hello
//! demo on the default embedded store (`--store memory`) and:
//! - opens `LOAD_SESSIONS` sessions (10000), a GET of the slider page each,
//!   keeping each session's cookie and tab;
//! - drives them with `LOAD_CLIENTS` concurrent clients (50), each its own
//!   keep-alive connection and the owner of every 50th session: every
//!   session is touched `LOAD_TOUCHES` times (4), each touch moving the
//!   slider and typing a name unique to the session and touch;
//! - checks that every answer was a 200 showing what was just set, and at
//!   the end that each session shows what its client last set;
//! - runs the same clients, the same request code and the same count of
//!   requests against a bare axum handler answering a small fixed body:
//!   the loopback floor, in the same run.
//!
//! It prints the heap per session (a counting allocator) and the RSS growth,
//! the p50/p99/max of one interaction under the load, and interactions per
//! second, beside the floor's. `LOAD_SECS` (120) caps the whole run: each
//! phase stops at its share of it, and a watchdog ends the process shortly
//! after the cap if something hangs. Any failed check fails the run.

#[path = "support/heap.rs"]
mod heap;
#[path = "../examples/hello.rs"]
#[allow(dead_code)]
mod hello;
#[path = "../tests/support/http.rs"]
mod http;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use http::{start, tab_of, texts, wid, Answer, Http};
use serde_json::{json, Value};

/// One request may take this long before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How many failed answers are kept, with their bodies, for the report.
const KEPT_FAILURES: usize = 5;

/// The run's counts and deadlines, from the environment.
struct Config {
    sessions: usize,
    clients: usize,
    touches: usize,
    cap: Duration,
}

impl Config {
    fn from_env() -> Config {
        let var = |name: &str, default: usize| -> usize {
            match std::env::var(name) {
                Ok(v) => v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| panic!("{name}={v:?}: expected a positive count")),
                Err(_) => default,
            }
        };
        Config {
            sessions: var("LOAD_SESSIONS", 10_000),
            clients: var("LOAD_CLIENTS", 50),
            touches: var("LOAD_TOUCHES", 4),
            cap: Duration::from_secs(var("LOAD_SECS", 120) as u64),
        }
    }
}

/// The slider page's widget ids: the same in every session (identity is a
/// hash of page, kind, key and parameters).
#[derive(Clone)]
struct Widgets {
    name: String,
    min: String,
    max: String,
    a: String,
}

impl Widgets {
    fn of(html: &str) -> Widgets {
        Widgets {
            name: wid(html, "Your name"),
            min: wid(html, "Min"),
            max: wid(html, "Max"),
            a: wid(html, "A"),
        }
    }
}

/// One session as its client holds it.
struct Tab {
    index: usize,
    cookie: String,
    tab: String,
    /// The last touch sent, if any.
    last: Option<usize>,
}

/// What touch `touch` of session `index` sets: a slider value that differs
/// from the previous touch's, and a name no other touch uses.
fn touch_values(index: usize, touch: usize) -> (i64, String) {
    (
        1 + ((index + 3 * touch) % 10) as i64,
        format!("s{index}t{touch}"),
    )
}

/// The one place an event is built and sent: the values the browser holds,
/// with the session's cookie and tab. The floor goes through it too.
async fn send_event(c: &mut Http, tab: &Tab, values: Value) -> Result<Answer, String> {
    c.cookie = Some(tab.cookie.clone());
    let body = json!({"tab": tab.tab, "values": values});
    tokio::time::timeout(REQUEST_TIMEOUT, c.event(&body))
        .await
        .map_err(|_| format!("no answer within {REQUEST_TIMEOUT:?}"))
}

/// What a phase of one client saw.
#[derive(Default)]
struct Tally {
    samples: Vec<Duration>,
    bytes: usize,
    /// Answers that were not a 200.
    bad_status: usize,
    /// 200s that did not show what the session should hold.
    wrong: usize,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, what: String) {
        if self.failures.len() < KEPT_FAILURES {
            self.failures.push(what);
        }
    }

    /// Checks an answer: a 200 showing `expect` (slider value, name), if given.
    fn check(&mut self, who: &str, answer: Result<Answer, String>, expect: Option<(i64, &str)>) {
        let answer = match answer {
            Ok(a) => a,
            Err(e) => {
                self.bad_status += 1;
                return self.fail(format!("{who}: {e}"));
            }
        };
        self.bytes = answer.body.len();
        if answer.status != 200 {
            self.bad_status += 1;
            return self.fail(format!("{who}: status {}: {}", answer.status, answer.body));
        }
        if let Some((a, name)) = expect {
            if !shows(&answer.body, a, name) {
                self.wrong += 1;
                let seen = texts(&answer.body).join(" | ");
                self.fail(format!(
                    "{who}: expected `a = {a}` and the name {name:?}, the page shows {seen:?}"
                ));
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.samples.extend(other.samples);
        self.bytes = self.bytes.max(other.bytes);
        self.bad_status += other.bad_status;
        self.wrong += other.wrong;
        for f in other.failures {
            self.fail(f);
        }
    }
}

/// Whether the slider page shows slider value `a` and the greeting for `name`.
fn shows(html: &str, a: i64, name: &str) -> bool {
    let text = format!("a = {a}");
    texts(html).contains(&text) && html.contains(&format!("Hello, {name}!"))
}

/// Runs `phase` for each client with its share of `tabs` (every
/// `clients`-th, so sessions spread over clients), all at once; returns the
/// tabs, the merged tally and the wall time.
async fn each_client<F, Fut>(
    clients: &mut Vec<Http>,
    tabs: Vec<Tab>,
    phase: F,
) -> (Vec<Tab>, Tally, Duration)
where
    F: Fn(Http, Vec<Tab>) -> Fut,
    Fut: std::future::Future<Output = (Http, Vec<Tab>, Tally)> + Send + 'static,
{
    let n = clients.len();
    let mut shares: Vec<Vec<Tab>> = (0..n).map(|_| Vec::new()).collect();
    for tab in tabs {
        shares[tab.index % n].push(tab);
    }
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .drain(..)
        .zip(shares)
        .map(|(c, share)| tokio::spawn(phase(c, share)))
        .collect();
    let mut tabs = Vec::new();
    let mut tally = Tally::default();
    for task in tasks {
        let (c, share, t) = task.await.expect("a client task");
        clients.push(c);
        tabs.extend(share);
        tally.merge(t);
    }
    let took = started.elapsed();
    tabs.sort_by_key(|t| t.index);
    (tabs, tally, took)
}

/// The heap the bench itself holds for `tabs`, its allocated capacity
/// included (hence the `Vec`).
#[allow(clippy::ptr_arg)]
fn tabs_bytes(tabs: &Vec<Tab>) -> isize {
    let strings: usize = tabs
        .iter()
        .map(|t| t.cookie.capacity() + t.tab.capacity())
        .sum();
    (strings + tabs.capacity() * std::mem::size_of::<Tab>()) as isize
}

/// The process's resident set, in bytes, from `/proc/self/status`.
fn rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn quantiles(samples: &mut [Duration]) -> (Duration, Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99), samples[samples.len() - 1])
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// A row of the latency table.
fn row(name: &str, tally: &mut Tally, took: Duration) -> String {
    if tally.samples.is_empty() {
        return format!("{name:<26} (nothing measured)");
    }
    let (p50, p99, max) = quantiles(&mut tally.samples);
    let rate = tally.samples.len() as f64 / took.as_secs_f64();
    format!(
        "{name:<26} {:>9} {:>9} {:>10} {rate:>16.0} {:>8} B",
        us(p50),
        us(p99),
        us(max),
        tally.bytes
    )
}

/// A bare axum handler answering a small fixed body on the event path, so
/// the floor goes through the same client code as the app.
async fn start_floor() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = axum::Router::new().route(
        "/_brooklet/event",
        axum::routing::post(|| async { "{\"ok\":true}" }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

fn main() {
    let config = Config::from_env();
    let began = Instant::now();
    let cap = config.cap;
    // The last resort if a phase hangs past its deadline.
    std::thread::spawn(move || {
        std::thread::sleep(cap + Duration::from_secs(10));
        eprintln!("load: still running 10 s past the {cap:?} cap (LOAD_SECS); stopping");
        std::process::exit(2);
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ok = rt.block_on(run(&config, began));
    rt.block_on(at_the_cap(config.clients));
    println!(
        "ran in {:.1} s (cap {} s)",
        began.elapsed().as_secs_f64(),
        cap.as_secs()
    );
    if !ok {
        eprintln!("load: FAILED (see above)");
        std::process::exit(1);
    }
}

/// The whole run; false if any check failed.
async fn run(config: &Config, began: Instant) -> bool {
    let deadline = |share: f64| began + config.cap.mul_f64(share);
    let (open_by, drive_by, floor_by, verify_by) =
        (deadline(0.25), deadline(0.6), deadline(0.75), deadline(1.0));
    let addr = start(hello::app()).await;
    let floor = start_floor().await;

    // Warm up: each client's connection, and the per-process caches that
    // the first sessions allocate. These sessions are not counted.
    let mut clients: Vec<Http> = (0..config.clients).map(|_| Http::new(addr)).collect();
    let mut widgets = None;
    for c in &mut clients {
        c.cookie = None;
        let page = c.get("/bounds").await;
        assert_eq!(page.status, 200, "the slider page: {}", page.body);
        widgets.get_or_insert_with(|| Widgets::of(&page.body));
    }
    let widgets = widgets.expect("at least one client");
    tokio::time::sleep(Duration::from_millis(100)).await;

    // Open the sessions.
    let (heap0, rss0) = (heap::heap(), rss());
    let placeholders = (0..config.sessions)
        .map(|index| Tab {
            index,
            cookie: String::new(),
            tab: String::new(),
            last: None,
        })
        .collect();
    let a_id = widgets.a.clone();
    let (tabs, open, open_took) =
        each_client(&mut clients, placeholders, move |mut c, mut share| {
            let a_id = a_id.clone();
            async move {
                let mut tally = Tally::default();
                for tab in &mut share {
                    if Instant::now() >= open_by {
                        break;
                    }
                    c.cookie = None;
                    let page = tokio::time::timeout(REQUEST_TIMEOUT, c.get("/bounds")).await;
                    let page = page.map_err(|_| format!("no answer within {REQUEST_TIMEOUT:?}"));
                    if let Ok(p) = &page {
                        if p.status == 200 && p.body.contains(&a_id) {
                            tab.cookie = c.cookie.clone().expect("a new session's cookie");
                            tab.tab = tab_of(&p.body);
                        }
                    }
                    tally.check(&format!("open session {}", tab.index), page, None);
                }
                (c, share, tally)
            }
        })
        .await;
    let tabs: Vec<Tab> = tabs.into_iter().filter(|t| !t.tab.is_empty()).collect();
    let opened = tabs.len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (heap1, rss1) = (heap::heap(), rss());
    let idle_heap = heap1 - heap0 - tabs_bytes(&tabs);

    // Drive them: round after round over every session of each client.
    let touches = config.touches;
    let w = widgets.clone();
    let (tabs, mut drive, drive_took) = each_client(&mut clients, tabs, move |mut c, mut share| {
        let w = w.clone();
        async move {
            let mut tally = Tally::default();
            tally.samples.reserve(share.len() * touches);
            'rounds: for touch in 0..touches {
                for tab in &mut share {
                    if Instant::now() >= drive_by {
                        break 'rounds;
                    }
                    let (a, name) = touch_values(tab.index, touch);
                    let values = json!([[w.name, name], [w.min, 1], [w.max, 10], [w.a, a]]);
                    tab.last = Some(touch);
                    let t = Instant::now();
                    let answer = send_event(&mut c, tab, values).await;
                    tally.samples.push(t.elapsed());
                    let who = format!("session {} touch {touch}", tab.index);
                    tally.check(&who, answer, Some((a, &name)));
                }
            }
            (c, share, tally)
        }
    })
    .await;
    let driven = drive.samples.len();
    let (heap2, rss2) = (heap::heap(), rss());
    let busy_heap = heap2
        - heap0
        - tabs_bytes(&tabs)
        - (drive.samples.capacity() * std::mem::size_of::<Duration>()) as isize;

    // The floor: the same clients and request code, as many requests.
    let per_client = driven.div_ceil(config.clients);
    let mut floor_clients: Vec<Http> = (0..config.clients).map(|_| Http::new(floor)).collect();
    let dummy = |index| Tab {
        index,
        cookie: "brooklet_sid=floor".to_owned(),
        tab: "floor".to_owned(),
        last: None,
    };
    for (i, c) in floor_clients.iter_mut().enumerate() {
        let answer = send_event(c, &dummy(i), json!([])).await;
        assert_eq!(answer.map(|a| a.status), Ok(200), "the floor answers");
    }
    let w = widgets.clone();
    let (_, mut bare, floor_took) = each_client(
        &mut floor_clients,
        (0..config.clients).map(dummy).collect(),
        move |mut c, share| {
            let w = w.clone();
            async move {
                let mut tally = Tally::default();
                tally.samples.reserve(per_client);
                for i in 0..per_client {
                    if Instant::now() >= floor_by {
                        break;
                    }
                    let (a, name) = touch_values(i, 0);
                    let values = json!([[w.name, name], [w.min, 1], [w.max, 10], [w.a, a]]);
                    let t = Instant::now();
                    let answer = send_event(&mut c, &share[0], values).await;
                    tally.samples.push(t.elapsed());
                    tally.check("floor", answer, None);
                }
                (c, share, tally)
            }
        },
    )
    .await;

    // Nothing lost: each session shows what its client last set.
    let (tabs, verify, _) = each_client(&mut clients, tabs, move |mut c, share| async move {
        let mut tally = Tally::default();
        for tab in &share {
            if Instant::now() >= verify_by {
                let left = share.len() - tally.samples.len();
                tally.wrong += left;
                tally.fail(format!("{left} sessions left unchecked at the time cap"));
                break;
            }
            let who = format!("session {} at the end", tab.index);
            let answer = send_event(&mut c, tab, json!([])).await;
            // Counts the sessions checked; not a latency under load.
            tally.samples.push(Duration::ZERO);
            match tab.last {
                Some(touch) => {
                    let (a, name) = touch_values(tab.index, touch);
                    tally.check(&who, answer, Some((a, &name)));
                }
                None => tally.check(&who, answer, None),
            }
        }
        (c, share, tally)
    })
    .await;
    let untouched = tabs.iter().filter(|t| t.last.is_none()).count();

    // The report.
    let planned = config.sessions * config.touches;
    println!(
        "load: the hello demo's slider page on the embedded memory store, loopback; \
         {opened} of {} sessions opened in {:.1} s, {} clients, {driven} of {planned} \
         interactions ({} per session)",
        config.sessions,
        open_took.as_secs_f64(),
        config.clients,
        config.touches
    );
    if driven < planned {
        println!("  the interactions stopped at their share of the time cap (LOAD_SECS)");
    }
    println!(
        "{:<26} {:>9} {:>9} {:>10} {:>16} {:>10}",
        "one interaction", "p50", "p99", "max", "interactions/s", "answer"
    );
    println!("{}", row("brooklet: hello slider", &mut drive, drive_took));
    println!("{}", row("floor: bare axum handler", &mut bare, floor_took));
    let per = |bytes: isize| bytes / opened.max(1) as isize;
    let mb = |bytes: isize| bytes as f64 / (1 << 20) as f64;
    println!(
        "memory per session: heap {} B idle after opening, {} B after the interactions",
        per(idle_heap),
        per(busy_heap)
    );
    match (rss0, rss1, rss2) {
        (Some(r0), Some(r1), Some(r2)) => {
            let (r0, r1, r2) = (r0 as isize, r1 as isize, r2 as isize);
            println!(
                "                    RSS {:.1} MB before, {:.1} MB after opening \
                 ({} B per session), {:.1} MB after the interactions ({} B per session)",
                mb(r0),
                mb(r1),
                per(r1 - r0),
                mb(r2),
                per(r2 - r0)
            );
        }
        _ => println!("                    RSS: no /proc/self/status here"),
    }

    let verified = verify.samples.len();
    let mut all = Tally::default();
    for t in [open, drive, bare, verify] {
        all.merge(t);
    }
    let failed = all.bad_status + all.wrong;
    if opened < config.sessions {
        println!(
            "FAILED: only {opened} of {} sessions opened",
            config.sessions
        );
    }
    println!(
        "checks: {} answers not a 200, {} answers or final pages not showing what was set, \
         {verified} of {opened} sessions verified at the end ({untouched} never touched)",
        all.bad_status, all.wrong,
    );
    for f in &all.failures {
        println!("  {f}");
    }
    failed == 0 && opened == config.sessions
}

/// New sessions when the memory store is full: each evicts the least
/// recently used. Opens three times `LOAD_CAP` sessions (default 5,000) on a
/// server capped at `LOAD_CAP`, with `clients` at once, and compares the
/// page loads below the cap with those past it, where each one evicts.
async fn at_the_cap(clients: usize) {
    use std::sync::atomic::AtomicUsize;
    use std::sync::{Arc, Mutex};
    let cap: usize = std::env::var("LOAD_CAP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = brooklet::server::ServeConfig::parse_from([
        "load".to_owned(),
        "--max-sessions".to_owned(),
        cap.to_string(),
    ])
    .unwrap();
    tokio::spawn(hello::app().serve_on_with_config(listener, config, std::future::pending()));
    let next = Arc::new(AtomicUsize::new(0));
    let samples = Arc::new(Mutex::new(vec![Duration::ZERO; 3 * cap]));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (next, samples) = (next.clone(), samples.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = Http::new(addr);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= 3 * cap {
                    break;
                }
                c.cookie = None;
                let t = Instant::now();
                let page = tokio::time::timeout(REQUEST_TIMEOUT, c.get("/bounds")).await;
                assert!(page.is_ok_and(|p| p.status == 200), "a page past the cap");
                samples.lock().unwrap()[i] = t.elapsed();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut samples = samples.lock().unwrap();
    let (below, past) = samples.split_at_mut(cap);
    let (b50, b99, _) = quantiles(below);
    let (p50, p99, _) = quantiles(&mut past[cap..]);
    println!(
        "\nnew sessions at the memory store's cap ({cap}, {clients} clients): \
         below the cap p50 {} p99 {}; past it, each evicting, p50 {} p99 {}",
        us(b50),
        us(b99),
        us(p50),
        us(p99)
    );
}
