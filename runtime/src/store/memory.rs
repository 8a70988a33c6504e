//! The in-memory store, the embedded default: nothing to install. Sessions
//! live in this process's memory, as their stored bytes; idle sessions
//! expire, and a cap evicts the least recently used.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Loaded, SaveOutcome, SessionStore, StoreFuture, Version};

struct Entry {
    version: u64,
    bytes: Vec<u8>,
    last_used: u64,
}

/// Sessions kept in this process's memory.
///
/// [`MemoryStore::process_local`] is what `--store memory` serves with: the
/// server's live copy of each session is the session, and nothing is
/// encoded or saved per event. [`MemoryStore::new`] keeps every session as
/// stored bytes with versions, like the other stores, so that several
/// servers in one process can share it.
pub struct MemoryStore {
    tabs: Mutex<HashMap<String, Entry>>,
    idle_ms: u64,
    max_sessions: usize,
    epoch: Instant,
    local: bool,
    max_bytes: u64,
}

impl Default for MemoryStore {
    fn default() -> Self {
        let o = super::StoreOptions::default();
        MemoryStore::new(o.idle, o.max_sessions)
    }
}

impl MemoryStore {
    /// A store whose sessions expire after `idle` without events, holding at
    /// most `max_sessions` (the least recently used goes first).
    pub fn new(idle: Duration, max_sessions: usize) -> Self {
        MemoryStore {
            tabs: Mutex::new(HashMap::new()),
            idle_ms: idle.as_millis() as u64,
            max_sessions: max_sessions.max(1),
            epoch: Instant::now(),
            local: false,
            max_bytes: super::StoreOptions::default().max_bytes,
        }
    }

    /// The embedded default: sessions are only the server's live copies in
    /// this process (expired after `idle`, at most `max_sessions`, the least
    /// recently used going first), so an event costs no encoding and no
    /// save. Serve one app with it; to share a store between servers, use
    /// [`MemoryStore::new`].
    pub fn process_local(idle: Duration, max_sessions: usize) -> Self {
        MemoryStore {
            local: true,
            ..MemoryStore::new(idle, max_sessions)
        }
    }

    /// [`MemoryStore::process_local`] with every limit of `options`,
    /// the bytes its sessions take among them.
    pub fn process_local_with(options: super::StoreOptions) -> Self {
        MemoryStore {
            max_bytes: options.max_bytes,
            ..MemoryStore::process_local(options.idle, options.max_sessions)
        }
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    fn tabs(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.tabs.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn expired(&self, entry: &Entry, now: u64) -> bool {
        now.saturating_sub(entry.last_used) > self.idle_ms
    }

    /// How many sessions are held, expired ones included until swept.
    pub fn len(&self) -> usize {
        self.tabs().len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes held for sessions, in total.
    pub fn stored_bytes(&self) -> usize {
        self.tabs().values().map(|e| e.bytes.len()).sum()
    }

    /// Makes room for one more session: drops the expired, then the least
    /// recently used while at the cap.
    fn evict(&self, tabs: &mut HashMap<String, Entry>, now: u64) {
        tabs.retain(|_, e| !self.expired(e, now));
        while tabs.len() >= self.max_sessions {
            let oldest = tabs
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => tabs.remove(&k),
                None => break,
            };
        }
    }
}

impl SessionStore for MemoryStore {
    fn name(&self) -> &str {
        "memory"
    }

    fn process_local(&self) -> Option<super::StoreOptions> {
        self.local.then(|| super::StoreOptions {
            idle: Duration::from_millis(self.idle_ms),
            max_sessions: self.max_sessions,
            max_bytes: self.max_bytes,
        })
    }

    fn load<'a>(&'a self, tab: &'a str, known: Option<Version>) -> StoreFuture<'a, Loaded> {
        let now = self.now();
        let mut tabs = self.tabs();
        let loaded = match tabs.get_mut(tab) {
            Some(e) if !self.expired(e, now) => {
                e.last_used = now;
                if known == Some(Version(e.version)) {
                    Loaded::Unchanged
                } else {
                    Loaded::Found {
                        version: Version(e.version),
                        bytes: e.bytes.clone(),
                    }
                }
            }
            _ => Loaded::Missing,
        };
        Box::pin(std::future::ready(Ok(loaded)))
    }

    fn save<'a>(
        &'a self,
        tab: &'a str,
        expected: Option<Version>,
        bytes: Vec<u8>,
    ) -> StoreFuture<'a, SaveOutcome> {
        let now = self.now();
        let mut tabs = self.tabs();
        let current = tabs
            .get(tab)
            .filter(|e| !self.expired(e, now))
            .map(|e| Version(e.version));
        let outcome = if current != expected {
            SaveOutcome::Conflict
        } else {
            if expected.is_none() {
                self.evict(&mut tabs, now);
            }
            let version = current.map_or(1, |v| v.0 + 1);
            tabs.insert(
                tab.to_owned(),
                Entry {
                    version,
                    bytes,
                    last_used: now,
                },
            );
            SaveOutcome::Saved(Version(version))
        };
        Box::pin(std::future::ready(Ok(outcome)))
    }

    fn touch<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, bool> {
        let now = self.now();
        let mut tabs = self.tabs();
        let found = match tabs.get_mut(tab) {
            Some(e) if !self.expired(e, now) => {
                e.last_used = now;
                true
            }
            _ => false,
        };
        Box::pin(std::future::ready(Ok(found)))
    }

    fn delete<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, ()> {
        self.tabs().remove(tab);
        Box::pin(std::future::ready(Ok(())))
    }

    fn expire(&self) -> StoreFuture<'_, usize> {
        let now = self.now();
        let mut tabs = self.tabs();
        let before = tabs.len();
        tabs.retain(|_, e| !self.expired(e, now));
        Box::pin(std::future::ready(Ok(before - tabs.len())))
    }
}
