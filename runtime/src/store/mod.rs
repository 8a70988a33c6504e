//! Where sessions live between events (spec A7).
//!
//! A [`SessionStore`] keeps each browser tab's session as bytes under the
//! tab's id, with a version that every save checks and bumps
//! (compare-and-set): two events of one session handled at once, in one
//! process or in two replicas, cannot overwrite each other; the loser sees
//! [`SaveOutcome::Conflict`], reloads and runs its event again on the fresh
//! state. Stores are deliberately dumb; what the bytes mean is
//! `record`'s business, in one place, behind a format number.
//!
//! | store | URL | for |
//! |---|---|---|
//! | [`MemoryStore`] | `memory` | one process; the embedded default, nothing to install |
//! | [`FileStore`] | `file:PATH` | one process whose sessions survive a restart (redb) |
//! | [`RedisStore`] | `redis://HOST:PORT/DB` | several replicas without sticky sessions |
//!
//! Each process also keeps the sessions it works on live, with their
//! callbacks and rendered HTML (`LiveTabs`), and reuses them while the
//! stored version is the one it last saw.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::session::Session;

#[cfg(feature = "file-store")]
mod file;
mod live;
mod memory;
pub(crate) mod pool;
pub(crate) mod record;
#[cfg(feature = "redis-store")]
mod redis;
pub(crate) mod sessions;
pub(crate) mod stream;

#[cfg(feature = "file-store")]
pub use file::FileStore;
pub(crate) use live::{Arrival, Live, LiveTab, LiveTabs, QueueTicket, MAX_WAITING};
pub use memory::MemoryStore;
#[cfg(feature = "redis-store")]
pub use redis::RedisStore;

/// One tab's session (with what its page shows now, [`Session::tree`]).
pub(crate) struct TabState {
    /// The session.
    pub session: Session,
    /// Widget HTML rendered for this tab, reused while unchanged. A
    /// per-process optimisation: never stored.
    pub render_cache: crate::render::RenderCache,
}

impl TabState {
    /// A new tab: nothing has run yet.
    pub(crate) fn new() -> Self {
        TabState {
            session: Session::new(),
            render_cache: Default::default(),
        }
    }
}

/// Counts the bytes written to it.
#[derive(Default)]
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl TabState {
    /// About what the tab holds in memory, in bytes: its session's encoded
    /// size (which counts every value and the tree once) plus its rendered
    /// HTML. Takes a walk over the session, without allocating.
    pub(crate) fn approx_bytes(&self) -> usize {
        let mut count = ByteCount::default();
        let _ = serde_json::to_writer(&mut count, &self.session);
        count.0 + self.render_cache.bytes()
    }
}

impl Default for TabState {
    fn default() -> Self {
        Self::new()
    }
}

/// A stored session's version: bumped by every save.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u64);

/// What [`SessionStore::load`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Loaded {
    /// No such session, or it expired.
    Missing,
    /// The session is still at the version the caller already holds.
    Unchanged,
    /// The session, at `version`.
    Found {
        /// Its version.
        version: Version,
        /// Its serialised form (see `record`).
        bytes: Vec<u8>,
    },
}

/// What [`SessionStore::save`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Saved; the session is now at this version.
    Saved(Version),
    /// The stored version was not the expected one (another event saved
    /// first, or the session expired): nothing was written.
    Conflict,
}

/// Why a store could not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The store cannot be reached or failed (Redis down, a disk error).
    Unavailable {
        /// The store, as its URL names it.
        store: String,
        /// What went wrong.
        cause: String,
    },
    /// The session was written in a format this build does not read (an
    /// older or newer brooklet). It is not misread: it is refused.
    UnsupportedFormat {
        /// The format the stored session says it has.
        found: u32,
        /// The format this build reads and writes.
        supported: u32,
    },
    /// The stored bytes are not a brooklet session.
    Corrupt {
        /// What is wrong with them.
        cause: String,
    },
    /// A store URL or option that cannot be used.
    Config(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unavailable { store, cause } => {
                write!(f, "the session store {store} is unavailable: {cause}")
            }
            StoreError::UnsupportedFormat { found, supported } => write!(
                f,
                "the stored session has format {found}, but this build of brooklet reads format \
                 {supported} only; the session cannot be continued, reload the page for a new one"
            ),
            StoreError::Corrupt { cause } => {
                write!(f, "the stored session cannot be read: {cause}")
            }
            StoreError::Config(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for StoreError {}

/// The future a store operation returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Where sessions live: bytes under a tab id, with a version.
///
/// Every implementation keeps these promises, and `tests/store.rs` checks
/// them on each store:
/// - `save` with `expected: None` creates a session and fails with
///   `Conflict` if the id is taken; with `Some(v)` it writes only if the
///   stored version is `v`, and answers the new version.
/// - a session idle (neither saved nor touched) for longer than the store's
///   idle time is gone: `load` answers `Missing`.
/// - `load(id, Some(v))` answers `Unchanged` when the session is still at
///   `v`, without sending the bytes.
pub trait SessionStore: Send + Sync + 'static {
    /// The store as its URL names it, for messages and logs.
    fn name(&self) -> &str;

    /// The session of `tab`. With `known: Some(v)`, answers
    /// [`Loaded::Unchanged`] if it is still at version `v`.
    fn load<'a>(&'a self, tab: &'a str, known: Option<Version>) -> StoreFuture<'a, Loaded>;

    /// Writes the session of `tab` if its stored version is `expected`
    /// (`None`: if there is none), and restarts its idle time.
    fn save<'a>(
        &'a self,
        tab: &'a str,
        expected: Option<Version>,
        bytes: Vec<u8>,
    ) -> StoreFuture<'a, SaveOutcome>;

    /// Restarts the idle time of `tab`; false if there is no such session.
    fn touch<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, bool>;

    /// Removes the session of `tab`, if any.
    fn delete<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, ()>;

    /// Removes every expired session now; answers how many. Stores also do
    /// this on their own (Redis through key expiry).
    fn expire(&self) -> StoreFuture<'_, usize>;

    /// Finishes writing what it holds, when the server stops. Every save is
    /// already durable in the stores brooklet ships; this is for stores
    /// that buffer.
    fn close(&self) -> StoreFuture<'_, ()> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// For a store whose sessions live only as the serving process's live
    /// copies ([`MemoryStore::process_local`]): how long they last and how
    /// many there may be. The server then neither loads nor saves them.
    fn process_local(&self) -> Option<StoreOptions> {
        None
    }

    /// For a store that several server processes share: how they reach
    /// one another (background tasks run in one process, their tab may be
    /// connected to another). `None`, the default: one process uses the
    /// store at a time.
    fn replicas(&self) -> Option<Arc<dyn ReplicaLink>> {
        None
    }
}

/// How the server processes that share a store tell each other of their
/// background tasks (progress, ends and cancels, as short JSON notices
/// every process hears), and which of them are alive (a process that
/// stops beating is taken for dead, and its tasks for lost).
pub trait ReplicaLink: Send + Sync + 'static {
    /// Says that process `replica` is alive, for the next `lasts`.
    fn beat<'a>(&'a self, replica: &'a str, lasts: Duration) -> StoreFuture<'a, ()>;

    /// Which of `replicas` beat within the time their last beat said.
    fn alive<'a>(&'a self, replicas: &'a [String]) -> StoreFuture<'a, Vec<bool>>;

    /// Sends `notice` to every process listening, this one included.
    fn publish(&self, notice: String) -> StoreFuture<'_, ()>;

    /// Listens for notices. The receiver ends when the connection behind it
    /// does (the caller listens again); notices sent meanwhile are missed.
    fn listen(&self) -> StoreFuture<'_, tokio::sync::mpsc::Receiver<String>>;
}

/// Which store to use: `memory`, `file:PATH` or `redis://...`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum StoreUrl {
    /// [`MemoryStore`].
    #[default]
    Memory,
    /// [`FileStore`] at this path.
    File(PathBuf),
    /// [`RedisStore`] at this URL (`redis://` or `rediss://`).
    Redis(String),
}

impl std::str::FromStr for StoreUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "memory" {
            Ok(StoreUrl::Memory)
        } else if let Some(path) = s.strip_prefix("file:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err("`file:` needs a path, as in `file:sessions.redb`".into());
            }
            Ok(StoreUrl::File(PathBuf::from(path)))
        } else if s.starts_with("redis://") || s.starts_with("rediss://") {
            let rest = s.split_once("://").map_or("", |(_, r)| r);
            let host = rest.rsplit('@').next().unwrap_or("");
            let host = host.split('/').next().unwrap_or("");
            let name = match host.rsplit_once(':') {
                Some((name, port)) if !host.ends_with(']') => {
                    if port.parse::<u16>().is_err() {
                        return Err(format!("{s:?} has a bad port {port:?}"));
                    }
                    name
                }
                _ => host,
            };
            if name.is_empty() {
                return Err(format!("{s:?} names no host; write redis://HOST:PORT"));
            }
            Ok(StoreUrl::Redis(s.to_owned()))
        } else {
            Err(format!(
                "unknown session store {s:?}; expected `memory`, `file:PATH` or `redis://HOST:PORT`"
            ))
        }
    }
}

impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreUrl::Memory => f.write_str("memory"),
            StoreUrl::File(path) => write!(f, "file:{}", path.display()),
            StoreUrl::Redis(url) => f.write_str(&redact(url)),
        }
    }
}

/// A Redis URL without its password, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(_)) => {
            let (_, host) = rest.rsplit_once('@').unwrap_or(("", rest));
            format!("{scheme}://***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// How long sessions live and how many a store holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreOptions {
    /// A session with no event for this long expires.
    pub idle: Duration,
    /// The most sessions a memory store holds; the least recently used goes
    /// first. (The file store is bounded by idle expiry; Redis by its own
    /// `maxmemory` policy.)
    pub max_sessions: usize,
    /// The most bytes the sessions a process keeps in memory may take, as
    /// `TabState::approx_bytes` measures them; the least recently used go
    /// first.
    pub max_bytes: u64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            idle: Duration::from_secs(60 * 60),
            max_sessions: 100_000,
            max_bytes: 1 << 30,
        }
    }
}

/// Opens the store `url` names.
#[doc(hidden)]
pub async fn open(
    url: &StoreUrl,
    options: StoreOptions,
) -> Result<Arc<dyn SessionStore>, StoreError> {
    match url {
        StoreUrl::Memory => Ok(Arc::new(MemoryStore::process_local_with(options))),
        #[cfg(feature = "file-store")]
        StoreUrl::File(path) => Ok(Arc::new(FileStore::open(path, options).await?)),
        #[cfg(feature = "redis-store")]
        StoreUrl::Redis(u) => Ok(Arc::new(RedisStore::connect(u, options).await?)),
        #[allow(unreachable_patterns)]
        other => Err(StoreError::Config(format!(
            "this build of brooklet has no support for the store {other}; enable brooklet's \
             `file-store` or `redis-store` feature"
        ))),
    }
}

/// Milliseconds since the Unix epoch: expiry times that survive a restart.
pub(crate) fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `bytes` random bytes from the operating system, as hex.
#[doc(hidden)]
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random source");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_long_enough() {
        assert_eq!(random_hex(16).len(), 32);
        assert_ne!(random_hex(16), random_hex(16));
    }

    #[test]
    fn store_urls_parse_with_clear_errors() {
        assert_eq!("memory".parse(), Ok(StoreUrl::Memory));
        assert_eq!(
            "file:/tmp/s.redb".parse(),
            Ok(StoreUrl::File("/tmp/s.redb".into()))
        );
        assert_eq!(
            "file:sessions.redb".parse(),
            Ok(StoreUrl::File("sessions.redb".into()))
        );
        assert_eq!(
            "redis://127.0.0.1:6390/0".parse(),
            Ok(StoreUrl::Redis("redis://127.0.0.1:6390/0".into()))
        );
        let e = |s: &str| s.parse::<StoreUrl>().unwrap_err();
        assert!(e("file:").contains("needs a path"));
        assert!(e("redis://").contains("names no host"));
        assert!(e("redis://h:port").contains("bad port"));
        assert!(e("postgres://x").contains("unknown session store"));
        assert_eq!(
            StoreUrl::Redis("redis://user:pw@h:1/0".into()).to_string(),
            "redis://***@h:1/0"
        );
    }
}
