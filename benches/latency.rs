//! Round trip and throughput over loopback, against the slider example, a
//! 100-widget page, and a bare axum echo (the floor), all in one run.
//!
//! `cargo bench --bench latency` (release). Prints p50/p99 of N sequential
//! interactions on one keep-alive connection, and interactions per second
//! with 20 concurrent clients (each its own connection and session).
//! `LATENCY_N` and `LATENCY_SECS` change the counts.

#[path = "../examples/hundred_widgets.rs"]
#[allow(dead_code)]
mod hundred_widgets;
#[path = "../examples/slider_bounds.rs"]
#[allow(dead_code)]
mod slider_bounds;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use serde_json::{json, Value};

async fn start(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

async fn connect(addr: SocketAddr) -> SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (send, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    send
}

/// One client of one target: how to start, and what each interaction sends.
enum Target {
    Echo(SocketAddr),
    App {
        addr: SocketAddr,
        cookie: String,
        tab: String,
        /// Two bodies that move the slider back and forth, each split
        /// where the event's sequence number goes.
        body: [(String, String); 2],
        /// The sequence number the session's next event must carry.
        seq: AtomicU64,
    },
}

impl Target {
    async fn new_app(addr: SocketAddr, slider: &str) -> Target {
        let mut send = connect(addr).await;
        let res = send
            .send_request(
                hyper::Request::get("/")
                    .header("host", addr.to_string())
                    .body(Full::default())
                    .unwrap(),
            )
            .await
            .unwrap();
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let html = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec())
            .unwrap();
        let attr = |name: &str| {
            html.split(&format!("{name}=\""))
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        };
        let tab = attr("data-tab");
        let seq: u64 = attr("data-seq").parse().unwrap();
        // Every widget with its current value, as the browser sends them.
        let mut values: Vec<(String, Value, String)> = Vec::new();
        for chunk in html.split("data-wid=\"").skip(1) {
            let id = chunk.split('"').next().unwrap().to_owned();
            let kind = chunk
                .split("data-kind=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned();
            let raw = chunk
                .split("data-value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .replace("&quot;", "\"");
            values.push((id, serde_json::from_str(&raw).unwrap(), kind));
        }
        let target = values
            .iter()
            .position(|(_, _, k)| k == "slider")
            .expect("a slider");
        let _ = slider;
        let body = |v: i64| {
            let vals: Vec<Value> = values
                .iter()
                .enumerate()
                .map(|(i, (id, val, _))| {
                    if i == target {
                        json!([id, v])
                    } else {
                        json!([id, val])
                    }
                })
                .collect();
            let whole = json!({"tab": tab, "seq": 0, "values": vals}).to_string();
            let (before, after) = whole.split_once("\"seq\":0").unwrap();
            (format!("{before}\"seq\":"), after.to_owned())
        };
        let body = [body(6), body(7)];
        Target::App {
            addr,
            cookie,
            tab,
            body,
            seq: AtomicU64::new(seq),
        }
    }

    fn addr(&self) -> SocketAddr {
        match self {
            Target::Echo(a) | Target::App { addr: a, .. } => *a,
        }
    }

    fn request(&self, i: usize) -> hyper::Request<Full<Bytes>> {
        match self {
            Target::Echo(addr) => hyper::Request::post("/echo")
                .header("host", addr.to_string())
                .body(Full::new(Bytes::from_static(b"{\"x\":1}")))
                .unwrap(),
            Target::App {
                addr,
                cookie,
                tab,
                body,
                seq,
            } => {
                let (before, after) = &body[i % 2];
                let seq = seq.fetch_add(1, Ordering::Relaxed);
                hyper::Request::post("/_brooklet/event")
                    .header("host", addr.to_string())
                    .header("origin", format!("http://{addr}"))
                    .header("content-type", "application/json")
                    .header("cookie", cookie)
                    .header("x-brooklet-tab", tab)
                    .body(Full::new(Bytes::from(format!("{before}{seq}{after}"))))
                    .unwrap()
            }
        }
    }
}

async fn one(send: &mut SendRequest<Full<Bytes>>, target: &Target, i: usize) -> usize {
    send.ready().await.unwrap();
    let res = send.send_request(target.request(i)).await.unwrap();
    assert_eq!(res.status(), 200, "interaction failed");
    res.into_body().collect().await.unwrap().to_bytes().len()
}

async fn latency(target: &Target, n: usize) -> (Duration, Duration, usize) {
    let mut send = connect(target.addr()).await;
    for i in 0..n / 10 {
        one(&mut send, target, i).await;
    }
    let mut times = Vec::with_capacity(n);
    let mut bytes = 0;
    for i in 0..n {
        let t = Instant::now();
        bytes = one(&mut send, target, i).await;
        times.push(t.elapsed());
    }
    times.sort();
    (times[n / 2], times[n * 99 / 100], bytes)
}

async fn throughput(
    make: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Target>>>,
    secs: f64,
) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let target = make().await;
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            let mut send = connect(target.addr()).await;
            let mut i = 0;
            while Instant::now() < deadline {
                one(&mut send, &target, i).await;
                i += 1;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let start = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let n: usize = std::env::var("LATENCY_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let secs: f64 = std::env::var("LATENCY_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3.0);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let echo = start(
            axum::Router::new().route("/echo", axum::routing::post(|b: Bytes| async move { b })),
        )
        .await;
        let slider = start(slider_bounds::app().router()).await;
        let hundred = start(hundred_widgets::app().router()).await;

        println!(
            "{:<28} {:>10} {:>10} {:>9} {:>16}",
            "target", "p50", "p99", "bytes", "interactions/s"
        );
        let targets: [(&str, SocketAddr, bool); 3] = [
            ("floor: bare axum echo", echo, false),
            ("brooklet: slider app", slider, true),
            ("brooklet: 100 widgets", hundred, true),
        ];
        for (name, addr, is_app) in targets {
            let make = move || -> std::pin::Pin<Box<dyn std::future::Future<Output = Target>>> {
                Box::pin(async move {
                    if is_app {
                        Target::new_app(addr, "a").await
                    } else {
                        Target::Echo(addr)
                    }
                })
            };
            let target = make().await;
            let (p50, p99, bytes) = latency(&target, n).await;
            let rate = throughput(make, secs).await;
            println!(
                "{name:<28} {:>8.1}µs {:>8.1}µs {bytes:>9} {rate:>16.0}",
                p50.as_secs_f64() * 1e6,
                p99.as_secs_f64() * 1e6
            );
        }
    });
}
