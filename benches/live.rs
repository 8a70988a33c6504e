//! Live runs, measured over loopback in one process, with the floors in the
//! same run:
//!
//! 1. the fast path: one slider move on the slider example and on the
//!    100-widget page, over the push channel (WebSocket) and over the event
//!    POST, p50/p99 and bytes per answer, beside a bare HTTP echo and a
//!    bare WebSocket echo; the two ways (and the two floors) take turns in
//!    blocks, so that a noisy machine weighs on both alike;
//! 2. streaming: from a page's `Ui` call to its element reaching the
//!    client, median of `LIVE_N` runs that draw after a pause;
//! 3. interrupt: from a newer event's send to the stale run's end (its
//!    "superseded" answer), on a run that loops on `checkpoint()`;
//! 4. isolation: a fifth session's slider moves while four sessions run a
//!    2-second page, against the same on an idle server.
//!
//! `cargo bench --bench live` (release). `LIVE_N` sets the sample count.

#[path = "../examples/hundred_widgets.rs"]
#[allow(dead_code)]
mod hundred_widgets;
#[path = "../examples/slider_bounds.rs"]
#[allow(dead_code)]
mod slider_bounds;
mod support {
    #[path = "../../tests/support/http.rs"]
    pub mod http;
    #[path = "../../tests/support/socket.rs"]
    pub mod socket;
}

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use brooklet::{App, Page, Ui};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use support::http::{tab_of, Http};
use support::socket::{connect, Shown, Stream};
use tokio_tungstenite::tungstenite::Message;

/// Serves `router` with Nagle's algorithm off, as brooklet's own server
/// does: a frame is not held back for the previous one's ACK.
async fn start(router: axum::Router) -> SocketAddr {
    use axum::serve::ListenerExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)].as_secs_f64() * 1e6;
    (at(50), at(99))
}

/// Every widget of a page with its value, as the client sends them, and
/// the index of its first slider.
fn values_of(html: &str) -> (Vec<(String, Value)>, usize) {
    let mut values = Vec::new();
    let mut slider = None;
    for chunk in html.split("data-wid=\"").skip(1) {
        let id = chunk.split('"').next().unwrap().to_owned();
        let field = |name: &str| {
            chunk
                .split(&format!("{name}=\""))
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        };
        if field("data-kind") == "slider" && slider.is_none() {
            slider = Some(values.len());
        }
        let raw = field("data-value").replace("&quot;", "\"");
        values.push((id, serde_json::from_str(&raw).unwrap()));
    }
    (values, slider.expect("a slider"))
}

/// A session of `addr` on its push channel, with what its page shows.
struct Live {
    ws: Stream,
    tab: String,
    values: Vec<(String, Value)>,
    slider: usize,
    shown: Shown,
    n: u64,
}

impl Live {
    async fn open(addr: SocketAddr) -> (Live, Http) {
        let mut c = Http::new(addr);
        let page = c.get("/").await;
        let tab = tab_of(&page.body);
        let (values, slider) = values_of(&page.body);
        let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
        let mut shown = Shown::default();
        shown.take(&next(&mut ws).await);
        (
            Live {
                ws,
                tab,
                values,
                slider,
                shown,
                n: 0,
            },
            c,
        )
    }

    /// Sends one event (the slider at `v`, and `extra` values) without
    /// waiting.
    async fn send(&mut self, v: i64, extra: &[(String, Value)]) -> u64 {
        self.n += 1;
        let mut values: Vec<Value> = self
            .values
            .iter()
            .enumerate()
            .map(|(i, (id, val))| {
                if i == self.slider {
                    json!([id, v])
                } else {
                    json!([id, val])
                }
            })
            .collect();
        values.extend(extra.iter().map(|(id, v)| json!([id, v])));
        let frame = json!({"tab": self.tab, "seq": self.shown.seq, "n": self.n, "values": values});
        self.ws
            .send(Message::Text(frame.to_string().into()))
            .await
            .unwrap();
        self.n
    }

    /// Frames up to the answer to event `n`: its bytes.
    async fn answer(&mut self, n: u64) -> usize {
        loop {
            let (frame, bytes) = next_sized(&mut self.ws).await;
            self.shown.take(&frame);
            if frame["n"].as_u64() == Some(n) {
                return bytes;
            }
        }
    }
}

async fn next(ws: &mut Stream) -> Value {
    next_sized(ws).await.0
}

async fn next_sized(ws: &mut Stream) -> (Value, usize) {
    loop {
        match ws.next().await.expect("open").expect("a frame") {
            Message::Text(t) => return (serde_json::from_str(&t).unwrap(), t.len()),
            _ => continue,
        }
    }
}

/// Moves per block: the ways measured side by side take turns in blocks
/// of this many, so that the machine's load falls on each alike.
const BLOCK: usize = 50;

/// A session of `addr` whose slider moves go as event POSTs.
struct Poster {
    c: Http,
    tab: String,
    values: Vec<(String, Value)>,
    slider: usize,
}

impl Poster {
    async fn open(addr: SocketAddr) -> Poster {
        let mut c = Http::new(addr);
        let page = c.get("/").await;
        let tab = tab_of(&page.body);
        let (values, slider) = values_of(&page.body);
        Poster {
            c,
            tab,
            values,
            slider,
        }
    }

    /// One move to `v`: its round trip and the answer's bytes.
    async fn move_to(&mut self, v: i64) -> (Duration, usize) {
        let vals: Vec<Value> = self
            .values
            .iter()
            .enumerate()
            .map(|(j, (id, val))| {
                if j == self.slider {
                    json!([id, v])
                } else {
                    json!([id, val])
                }
            })
            .collect();
        let t = Instant::now();
        let r = self
            .c
            .event(&json!({"tab": self.tab, "values": vals}))
            .await;
        let took = t.elapsed();
        assert_eq!(r.status, 200, "{}", r.body);
        (took, r.body.len())
    }
}

impl Live {
    /// One move to `v` over the channel: its round trip and the answer's
    /// bytes.
    async fn move_to(&mut self, v: i64) -> (Duration, usize) {
        let t = Instant::now();
        let sent = self.send(v, &[]).await;
        let bytes = self.answer(sent).await;
        (t.elapsed(), bytes)
    }
}

/// What one way measured: round trips, and the last answer's bytes.
#[derive(Default)]
struct Sample {
    times: Vec<Duration>,
    bytes: usize,
}

impl Sample {
    fn take(&mut self, (took, bytes): (Duration, usize), warm: bool) {
        if warm {
            self.times.push(took);
        }
        self.bytes = bytes;
    }

    fn row(&self, name: &str) {
        let (p50, p99) = percentiles(self.times.clone());
        println!("{name:<44} {p50:>8.1}µs {p99:>8.1}µs {:>9}", self.bytes);
    }
}

/// Slider moves on `addr` as event POSTs and over the push channel, in
/// turns of [`BLOCK`], `n` of each after a tenth more to warm up.
async fn fast_path(addr: SocketAddr, n: usize) -> (Sample, Sample) {
    let (mut post, mut live) = (Poster::open(addr).await, Live::open(addr).await.0);
    let (mut posted, mut pushed) = (Sample::default(), Sample::default());
    let warm_up = n / 10;
    for block in 0..(n + warm_up).div_ceil(BLOCK) {
        for i in block * BLOCK..(block + 1) * BLOCK {
            posted.take(post.move_to(6 + (i % 2) as i64).await, i >= warm_up);
        }
        for i in block * BLOCK..(block + 1) * BLOCK {
            pushed.take(live.move_to(6 + (i % 2) as i64).await, i >= warm_up);
        }
    }
    (posted, pushed)
}

/// The bare floors, HTTP and WebSocket echo, in turns of [`BLOCK`].
async fn echo_floors(n: usize) -> (Sample, Sample) {
    use axum::extract::ws::{Message as WsMessage, WebSocketUpgrade};
    let router = axum::Router::new()
        .route(
            "/echo",
            axum::routing::post(|b: axum::body::Bytes| async move { b }),
        )
        .route(
            "/ws",
            axum::routing::get(|up: WebSocketUpgrade| async move {
                up.on_upgrade(|mut ws| async move {
                    while let Some(Ok(m)) = ws.recv().await {
                        if let WsMessage::Text(_) = m {
                            if ws.send(m).await.is_err() {
                                return;
                            }
                        }
                    }
                })
            }),
        );
    let addr = start(router).await;
    let mut c = Http::new(addr);
    let (mut ws, _) =
        tokio_tungstenite::connect_async_with_config(format!("ws://{addr}/ws"), None, true)
            .await
            .unwrap();
    let (mut http, mut socket) = (Sample::default(), Sample::default());
    for _ in 0..n.div_ceil(BLOCK) {
        for _ in 0..BLOCK {
            let t = Instant::now();
            let body = b"{\"x\":1}".to_vec();
            c.send("POST", "/echo", "application/json", body, None)
                .await;
            http.take((t.elapsed(), 7), true);
        }
        for _ in 0..BLOCK {
            let t = Instant::now();
            ws.send(Message::Text("{\"x\":1}".into())).await.unwrap();
            ws.next().await.unwrap().unwrap();
            socket.take((t.elapsed(), 7), true);
        }
    }
    (http, socket)
}

/// When the streaming page last made its `Ui` call.
static DRAWN_AT: Mutex<Option<Instant>> = Mutex::new(None);

fn streaming_app() -> App {
    App::new().page(Page::new("stream", |ui: &Ui<'_>| {
        let level = ui.slider("Level", 0, 1000).key("level").show()?;
        if level > 0 {
            std::thread::sleep(Duration::from_millis(40));
            *DRAWN_AT.lock().unwrap() = Some(Instant::now());
            ui.text(format!("mark {level}"));
            std::thread::sleep(Duration::from_millis(40));
        }
        Ok(())
    }))
}

/// From the `Ui` call to the element reaching the client: median, p99.
async fn streaming(n: usize) -> (f64, f64) {
    let addr = start(streaming_app().router()).await;
    let (mut live, _) = Live::open(addr).await;
    let mut times = Vec::new();
    for i in 1..=n as i64 {
        let sent = live.send(i, &[]).await;
        let mark = format!("mark {i}");
        loop {
            let frame = next(&mut live.ws).await;
            live.shown.take(&frame);
            if live.shown.texts().contains(&mark) && times.len() < i as usize {
                let drawn = DRAWN_AT.lock().unwrap().expect("drawn");
                times.push(drawn.elapsed());
            }
            if frame["n"].as_u64() == Some(sent) {
                break;
            }
        }
    }
    percentiles(times)
}

fn looping_app() -> App {
    App::new().page(Page::new("loop", |ui: &Ui<'_>| {
        let level = ui.slider("Level", 0, 1000).key("level").show()?;
        if level % 2 == 1 {
            loop {
                ui.checkpoint()?;
                std::hint::spin_loop();
            }
        }
        Ok(())
    }))
}

/// From a newer event's send to the superseded answer of the looping run.
async fn interrupt(n: usize) -> (f64, f64) {
    let addr = start(looping_app().router()).await;
    let (mut live, _) = Live::open(addr).await;
    let mut times = Vec::new();
    for i in 0..n as i64 {
        let looping = live.send(2 * i + 1, &[]).await;
        tokio::time::sleep(Duration::from_millis(2)).await;
        let t = Instant::now();
        let newer = live.send(2 * i + 2, &[]).await;
        loop {
            let frame = next(&mut live.ws).await;
            live.shown.take(&frame);
            if frame["n"].as_u64() == Some(looping) {
                assert_eq!(frame["t"], "superseded");
                times.push(t.elapsed());
            }
            if frame["n"].as_u64() == Some(newer) {
                break;
            }
        }
    }
    percentiles(times)
}

fn slow_app() -> App {
    App::new().page(Page::new("slow", |ui: &Ui<'_>| {
        let level = ui.slider("Level", 0, 1000).key("level").show()?;
        let slow = ui.checkbox("Slow").key("slow").show()?;
        if slow {
            std::thread::sleep(Duration::from_secs(2));
        }
        ui.text(format!("level {level}"));
        Ok(())
    }))
}

/// A fifth session's slider moves (p50, p99) with `busy` sessions running
/// a 2-second page the whole time.
async fn isolation(busy: usize, n: usize) -> (f64, f64) {
    let addr = start(slow_app().router()).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut slow_sessions = Vec::new();
    for _ in 0..busy {
        let stop = stop.clone();
        let (mut live, _) = Live::open(addr).await;
        let slow = live.values[1].0.clone();
        slow_sessions.push(tokio::spawn(async move {
            let mut v = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                v += 1;
                let sent = live.send(v, &[(slow.clone(), json!(true))]).await;
                live.answer(sent).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (mut live, _) = Live::open(addr).await;
    let mut times = Vec::new();
    for i in 0..n {
        let t = Instant::now();
        let sent = live.send(6 + (i % 2) as i64, &[]).await;
        live.answer(sent).await;
        times.push(t.elapsed());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for s in slow_sessions {
        let _ = tokio::time::timeout(Duration::from_secs(5), s).await;
    }
    percentiles(times)
}

fn main() {
    let n: usize = std::env::var("LIVE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!("1. the fast path: one slider move, round trip over loopback; each pair measured");
        println!("   in turns of {BLOCK}, so that both see the same load");
        println!("{:<44} {:>10} {:>10} {:>9}", "", "p50", "p99", "bytes");
        let (http, socket) = echo_floors(n).await;
        http.row("floor: bare axum HTTP echo");
        socket.row("floor: bare axum WebSocket echo");
        let apps = [("slider app", slider_bounds::app()), ("100 widgets", hundred_widgets::app())];
        for (name, app) in apps {
            let addr = start(app.router()).await;
            let (posted, pushed) = fast_path(addr, n).await;
            posted.row(&format!("brooklet {name}: event POST"));
            pushed.row(&format!("brooklet {name}: push channel"));
        }
        let samples = (n / 20).clamp(20, 200);
        let (p50, p99) = streaming(samples).await;
        println!("2. streaming: Ui call to the client, {samples} runs: median {:.2} ms, p99 {:.2} ms", p50 / 1e3, p99 / 1e3);
        let (p50, p99) = interrupt(samples).await;
        println!("3. interrupt: newer event sent to the stale run's end, {samples} runs: median {:.2} ms, p99 {:.2} ms", p50 / 1e3, p99 / 1e3);
        let moves = (n / 4).clamp(100, 500);
        let (ip50, ip99) = isolation(0, moves).await;
        let (bp50, bp99) = isolation(4, moves).await;
        println!("4. isolation: a fifth session's {moves} slider moves over the push channel");
        println!("   idle server:                        p50 {ip50:>8.1}µs p99 {ip99:>8.1}µs");
        println!("   4 sessions running a 2 s page:      p50 {bp50:>8.1}µs p99 {bp99:>8.1}µs ({:.2}x the idle p99)", bp99 / ip99);
    });
}
