//! The sessions this process works on, live: deserialised, with their
//! callbacks and rendered HTML. A live session is reused while the store
//! still holds the version this process last saw, so the hot path neither
//! deserialises nor replays; the store stays the truth.
//!
//! Each tab has one async lock, held for a whole event (load, run, save):
//! events of one session in one process run one at a time and do not
//! conflict needlessly. Live sessions idle for a while, or beyond the cap,
//! are dropped: the store still has them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{TabState, Version};

/// A session as this process holds it.
pub struct Live {
    /// The stored version it matches.
    pub version: Version,
    /// The hash of its owner's secret.
    pub owner: String,
    /// The session, its tree and its rendered HTML.
    pub tab: TabState,
}

/// One tab's slot: empty until loaded, emptied when the store may hold
/// something newer (a conflict, a store failure).
pub struct LiveTab {
    last_used: AtomicU64,
    /// Lock it for a whole event.
    pub state: tokio::sync::Mutex<Option<Live>>,
}

/// The live sessions of this process.
pub struct LiveTabs {
    tabs: Mutex<HashMap<String, Arc<LiveTab>>>,
    idle_ms: u64,
    max: usize,
    epoch: Instant,
    last_sweep: AtomicU64,
}

impl LiveTabs {
    /// Keeps a live session for `idle` after its last event, and at most
    /// `max` of them.
    pub fn new(idle: Duration, max: usize) -> Self {
        LiveTabs {
            tabs: Mutex::new(HashMap::new()),
            idle_ms: idle.as_millis() as u64,
            max: max.max(1),
            epoch: Instant::now(),
            last_sweep: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// The slot of `tab`, made empty if this process has none.
    pub fn get(&self, tab: &str) -> Arc<LiveTab> {
        let now = self.now();
        let mut tabs = self.tabs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = tabs.get(tab) {
            // A slot idle past the idle time is gone, even before a sweep.
            if now.saturating_sub(t.last_used.load(Ordering::Relaxed)) <= self.idle_ms {
                t.last_used.store(now, Ordering::Relaxed);
                return t.clone();
            }
            tabs.remove(tab);
        }
        self.evict(&mut tabs, now);
        let t = Arc::new(LiveTab {
            last_used: AtomicU64::new(now),
            state: tokio::sync::Mutex::new(None),
        });
        tabs.insert(tab.to_owned(), t.clone());
        t
    }

    /// How many sessions are live.
    pub fn len(&self) -> usize {
        self.tabs.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops idle slots (at most once a second), then the least recently
    /// used while at the cap.
    fn evict(&self, tabs: &mut HashMap<String, Arc<LiveTab>>, now: u64) {
        let last = self.last_sweep.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= 1000 || tabs.len() >= self.max {
            self.last_sweep.store(now, Ordering::Relaxed);
            tabs.retain(|_, t| {
                now.saturating_sub(t.last_used.load(Ordering::Relaxed)) <= self.idle_ms
            });
        }
        while tabs.len() >= self.max {
            let oldest = tabs
                .iter()
                .min_by_key(|(_, t)| t.last_used.load(Ordering::Relaxed))
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => tabs.remove(&k),
                None => break,
            };
        }
    }
}
