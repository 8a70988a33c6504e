//! Server replicas for store tests: each runs on a tokio runtime of its own,
//! with a store of its own, and shares nothing in memory with the others
//! (only what the store shares). Killing one drops its runtime, and with it
//! every task, connection and live session it had.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use brooklet::store::{SessionStore, StoreOptions, StoreUrl};
use brooklet::App;

/// A running server.
pub struct Replica {
    pub addr: SocketAddr,
    runtime: Option<tokio::runtime::Runtime>,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

impl Replica {
    /// Serves `app` with sessions in the store `url` names (opened on the
    /// replica's own runtime).
    pub fn start(app: App, url: &StoreUrl, options: StoreOptions) -> Replica {
        let rt = runtime();
        let store = rt
            .block_on(brooklet::__private::open_store(url, options))
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
        Self::serve(rt, app, store)
    }

    /// Serves `app` with sessions in `store` (shared with other replicas in
    /// this process: they still share no live session).
    pub fn with_store(app: App, store: Arc<dyn SessionStore>) -> Replica {
        Self::serve(runtime(), app, store)
    }

    fn serve(rt: tokio::runtime::Runtime, app: App, store: Arc<dyn SessionStore>) -> Replica {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        rt.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            app.serve_on_with_store(listener, store).await
        });
        Replica {
            addr,
            runtime: Some(rt),
        }
    }

    /// Stops the replica at once, as a crash would: its tasks and live
    /// sessions are dropped, and its store is closed.
    pub fn kill(mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(5));
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// The Redis the tests use: `BROOKLET_TEST_REDIS` (`.ci/run` starts one and
/// sets it). Without it a plain `cargo test` skips, saying why; under
/// `CI=true` that is a failure.
pub fn redis_url(test: &str) -> Option<String> {
    match std::env::var("BROOKLET_TEST_REDIS") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => panic!(
            "{test}: BROOKLET_TEST_REDIS is not set, and CI=true needs the Redis tests; \
             .ci/run starts redis-server and sets it"
        ),
        _ => {
            eprintln!(
                "skipping {test}: no Redis (set BROOKLET_TEST_REDIS=redis://127.0.0.1:PORT, as .ci/run does)"
            );
            None
        }
    }
}

/// A fresh path in the temporary directory.
pub fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "brooklet-{name}-{}-{}",
        std::process::id(),
        brooklet::__private::random_hex(4)
    ))
}

/// A small deterministic generator, seeded from the clock and printed, so a
/// failing sequence can be replayed with `BROOKLET_TEST_SEED`.
pub struct Rng(u64);

impl Rng {
    pub fn new() -> Rng {
        let seed = std::env::var("BROOKLET_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("seed {seed} (BROOKLET_TEST_SEED={seed} replays it)");
        Rng(seed | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % n
    }
}
