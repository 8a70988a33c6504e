//! What large events cost the server in memory: the peak heap while it
//! handles them (a counting allocator that keeps its high-water mark).
//!
//! `cargo bench --bench upload` (release, loopback):
//! - three events that announce 260 MB bodies without a session cookie,
//!   streamed from a small buffer: refused before the body is read;
//! - the same with a cookie and tab on a page whose uploader takes 64 KiB;
//! - one real upload of `UPLOAD_MB` (default 50) MB to an uploader that takes
//!   it: the peak heap over the file's size.

#[path = "support/heap.rs"]
mod heap;
#[path = "../tests/support/http.rs"]
mod http;

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use brooklet::{App, Page};
use http::{start, tab_of, texts, wid, Http};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn mb(bytes: isize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn app(max_upload: u64) -> App {
    App::new()
        .max_upload_size(512 * 1024 * 1024)
        .page(Page::new("up", move |ui| {
            let f = ui
                .file_uploader("File")
                .key("f")
                .max_upload_size(max_upload)
                .show()?;
            ui.text(format!("size = {}", f.map_or(0, |f| f.size())));
            Ok(())
        }))
}

/// Announces a `size`-byte event body and streams it from a 64 KiB buffer
/// until the server answers or closes; answers the status line.
async fn announce(addr: SocketAddr, size: u64, headers: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /_brooklet/event HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Content-Type: application/json\r\nContent-Length: {size}\r\n{headers}\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let (mut from, mut to) = s.split();
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0u64;
    let mut answer = vec![0u8; 4096];
    while sent < size {
        tokio::select! {
            n = from.read(&mut answer) => {
                let n = n.unwrap_or(0);
                return String::from_utf8_lossy(&answer[..n]).lines().next().unwrap_or("closed").to_owned();
            }
            w = to.write_all(&chunk) => {
                if w.is_err() { break; }
                sent += chunk.len() as u64;
            }
        }
    }
    let n = tokio::time::timeout(Duration::from_secs(5), from.read(&mut answer))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or(0);
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or("closed")
        .to_owned()
}

async fn refused_unread() {
    let addr = start(app(64 * 1024)).await;
    let mut c = Http::new(addr);
    let tab = tab_of(&c.get("/").await.body);
    let cookie = c.cookie.clone().unwrap();
    let before = heap::reset_peak();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(announce(addr, 260_000_000, "").await);
    }
    let no_cookie = heap::peak() - before;
    let before = heap::reset_peak();
    let with_session = format!("Cookie: {cookie}\r\nx-brooklet-tab: {tab}\r\n");
    for _ in 0..3 {
        statuses.push(announce(addr, 260_000_000, &with_session).await);
    }
    let small_page = heap::peak() - before;
    println!(
        "three 260 MB events without a cookie: peak heap +{}",
        mb(no_cookie)
    );
    println!(
        "three 260 MB events to a page whose uploader takes 64 KiB: peak heap +{}",
        mb(small_page)
    );
    println!("  answers: {statuses:?}");
}

async fn one_upload() {
    let size_mb: usize = std::env::var("UPLOAD_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let size = size_mb * 1_000_000;
    let addr = start(app(size as u64)).await;
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let (tab, f) = (tab_of(&page.body), wid(&page.body, "File"));
    let data = base64::engine::general_purpose::STANDARD.encode(vec![b'x'; size]);
    let seq = http::seq_of(&tab).unwrap();
    let body = json!({"tab": tab, "seq": seq, "values": [[f, {"name": "big.bin", "type": "", "data": data}]]})
        .to_string()
        .into_bytes();
    drop(data);
    let before = heap::reset_peak();
    let answer = c.event_raw(&tab, body).await;
    let peak = heap::peak() - before;
    let kept = heap::heap() - before;
    assert_eq!(
        answer.status,
        200,
        "{}",
        &answer.body[..200.min(answer.body.len())]
    );
    assert_eq!(texts(&answer.body), [format!("size = {size}")]);
    println!(
        "one {size_mb} MB upload (the request body, {} as base64, built beforehand): peak heap +{} \
         ({:.1}x the file), held after it +{}",
        mb((size.div_ceil(3) * 4) as isize),
        mb(peak),
        peak as f64 / size as f64,
        mb(kept)
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        refused_unread().await;
        one_upload().await;
    });
}
