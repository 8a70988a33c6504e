//! What a session store adds to one interaction, and what an idle session
//! costs in memory.
//!
//! `cargo bench --bench store` (release). For each store (memory, file,
//! Redis on loopback) it prints the median and p99 of:
//! - one interaction over HTTP (keep-alive, the hello demo's slider page):
//!   load, run, render, save;
//! - the store's own part of it: the version check, encoding the session,
//!   and the versioned save.
//!
//! Then the memory per idle session: the heap that N sessions of the hello
//! demo hold (a counting allocator), and their stored size. Redis is
//! `BROOKLET_TEST_REDIS` (`.ci/run` starts one); without it that row is
//! skipped with the reason. `STORE_N` changes the count of interactions.

#[path = "support/heap.rs"]
mod heap;
#[path = "../examples/hello.rs"]
#[allow(dead_code)]
mod hello;
#[path = "../tests/support/http.rs"]
mod http;

use std::sync::Arc;
use std::time::{Duration, Instant};

use brooklet::__private::record;
use brooklet::store::{Loaded, MemoryStore, SaveOutcome, SessionStore, StoreOptions, StoreUrl};
use http::{tab_of, wid, Http};
use serde_json::json;

fn quantiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

async fn start(store: Arc<dyn SessionStore>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(hello::app().serve_on_with_store(listener, store));
    addr
}

/// Median and p99 of `n` slider moves over HTTP.
async fn interactions(store: Arc<dyn SessionStore>, n: usize) -> (Duration, Duration) {
    let addr = start(store).await;
    let mut c = Http::new(addr);
    let page = c.get("/bounds").await;
    let (tab, min, max, a) = (
        tab_of(&page.body),
        wid(&page.body, "Min"),
        wid(&page.body, "Max"),
        wid(&page.body, "A"),
    );
    let mut samples = Vec::with_capacity(n);
    for i in 0..n + n / 10 {
        let body = json!({"tab": tab, "values": [[min, 1], [max, 10], [a, 1 + i % 10]]});
        let t = Instant::now();
        let answer = c.event(&body).await;
        let took = t.elapsed();
        assert_eq!(answer.status, 200, "{}", answer.body);
        if i >= n / 10 {
            samples.push(took); // the first tenth warms up
        }
    }
    quantiles(samples)
}

/// Median and p99 of the store's part of one interaction: the version
/// check (load, unchanged), encoding the session, the versioned save.
async fn store_part(store: &dyn SessionStore, n: usize) -> (Duration, Duration, usize) {
    let mut session = brooklet::testing::Session::new();
    session
        .handle(&hello::app(), brooklet::testing::Event::default())
        .unwrap();
    let owner = record::owner_hash("bench");
    let tab = brooklet::__private::random_hex(8);
    let bytes = record::encode(&owner, &session);
    let size = bytes.len();
    let SaveOutcome::Saved(mut version) = store.save(&tab, None, bytes).await.unwrap() else {
        panic!("a new session saves");
    };
    let mut samples = Vec::with_capacity(n);
    for i in 0..n + n / 10 {
        let t = Instant::now();
        assert_eq!(
            store.load(&tab, Some(version)).await.unwrap(),
            Loaded::Unchanged
        );
        let bytes = record::encode(&owner, &session);
        match store.save(&tab, Some(version), bytes).await.unwrap() {
            SaveOutcome::Saved(v) => version = v,
            SaveOutcome::Conflict => panic!("no one else saves"),
        }
        if i >= n / 10 {
            samples.push(t.elapsed());
        }
    }
    let (p50, p99) = quantiles(samples);
    (p50, p99, size)
}

/// Heap per session, for `n` sessions of the hello demo opened over HTTP
/// and left idle, on the embedded default (the process-local memory store,
/// where a session is its live copy) and on a memory store that keeps
/// stored bytes as the shared stores do.
async fn idle_memory(n: usize, store: Arc<MemoryStore>) -> isize {
    let addr = start(store).await;
    // Warm up: the first sessions allocate per-process caches.
    for _ in 0..20 {
        Http::new(addr).get("/").await;
    }
    let before = heap::heap();
    for _ in 0..n {
        let answer = Http::new(addr).get("/").await;
        assert_eq!(answer.status, 200);
    }
    // Let the clients' connections close and their buffers go.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = heap::heap();
    (after - before) / n as isize
}

fn main() {
    let n: usize = std::env::var("STORE_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let file = std::env::temp_dir().join(format!("brooklet-bench-{}.redb", std::process::id()));
        let mut urls = vec![
            ("memory", StoreUrl::Memory),
            ("memory*", StoreUrl::Memory),
            ("file", StoreUrl::File(file.clone())),
        ];
        match std::env::var("BROOKLET_TEST_REDIS") {
            Ok(url) if !url.is_empty() => urls.push(("redis", StoreUrl::Redis(url))),
            _ => println!(
                "redis: skipped, no Redis (set BROOKLET_TEST_REDIS=redis://127.0.0.1:PORT)"
            ),
        }
        println!("{n} interactions each; median / p99");
        println!(
            "{:<8} {:>24} {:>24} {:>10}",
            "store", "one interaction (HTTP)", "store's part", "session"
        );
        for (name, url) in &urls {
            let store: Arc<dyn SessionStore> = if *name == "memory*" {
                Arc::new(MemoryStore::default())
            } else {
                brooklet::__private::open_store(url, StoreOptions::default())
                    .await
                    .unwrap_or_else(|e| panic!("{name}: {e}"))
            };
            // The process-local default skips the store: nothing to measure.
            let (part, size) = if store.process_local().is_some() {
                ("none (live copy)".to_owned(), 0)
            } else {
                let (p50, p99, size) = store_part(store.as_ref(), n).await;
                (format!("{} / {}", us(p50), us(p99)), size)
            };
            let (p50, p99) = interactions(store, n).await;
            let whole = format!("{} / {}", us(p50), us(p99));
            println!("{name:<8} {whole:>24} {part:>24} {size:>8} B");
        }
        println!(
            "memory: `--store memory`, the embedded default (the live copy is the session); \
             memory*: a memory store that keeps versioned bytes like the shared stores \
             (`MemoryStore::new`)"
        );
        let _ = std::fs::remove_file(&file);
        let sessions = 1000;
        let idle = Duration::from_secs(3600);
        let local = idle_memory(
            sessions,
            Arc::new(MemoryStore::process_local(idle, sessions * 2)),
        )
        .await;
        let stored = idle_memory(sessions, Arc::new(MemoryStore::new(idle, sessions * 2))).await;
        println!(
            "memory per idle session of the hello demo ({sessions} sessions): {local} B of heap \
             with `--store memory` (the live copy with its rendered HTML), {stored} B with a \
             memory store that also keeps the stored bytes"
        );
    });
}
