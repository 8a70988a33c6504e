//! Where sessions live between events. This is the in-memory store, the
//! embedded default: nothing to install. Each browser tab is a session,
//! reached by the browser's secret (an HttpOnly cookie) and the tab's id;
//! idle sessions expire, and a cap evicts the least recently used.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::elements::ElementTree;
use crate::session::Session;

/// One tab's session and what its page shows now.
pub struct TabState {
    /// The session.
    pub session: Session,
    /// The element tree the browser shows (the last run's).
    pub tree: ElementTree,
    /// Widget HTML rendered for this tab, reused while unchanged.
    pub render_cache: crate::render::RenderCache,
}

/// A tab's entry: its owner's secret and its state, locked while an event
/// runs so that events of one session run one at a time.
pub struct TabSession {
    owner: String,
    last_used: AtomicU64,
    /// The state; lock it to handle an event.
    pub state: Mutex<TabState>,
}

impl TabSession {
    fn touch(&self, now: u64) {
        self.last_used.store(now, Ordering::Relaxed);
    }
}

/// Sessions kept in this process's memory.
pub struct MemoryStore {
    tabs: Mutex<HashMap<String, Arc<TabSession>>>,
    idle: Duration,
    max_sessions: usize,
    epoch: Instant,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new(Duration::from_secs(60 * 60), 100_000)
    }
}

impl MemoryStore {
    /// A store whose sessions expire after `idle` without events, holding at
    /// most `max_sessions` (the least recently used goes first).
    pub fn new(idle: Duration, max_sessions: usize) -> Self {
        MemoryStore {
            tabs: Mutex::new(HashMap::new()),
            idle,
            max_sessions: max_sessions.max(1),
            epoch: Instant::now(),
        }
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// Starts a session for a new tab of the browser `owner`; returns its tab id.
    pub fn create(&self, owner: &str) -> (String, Arc<TabSession>) {
        let tab = random_hex(8);
        let now = self.now();
        let entry = Arc::new(TabSession {
            owner: owner.to_owned(),
            last_used: AtomicU64::new(now),
            state: Mutex::new(TabState {
                session: Session::new(),
                tree: ElementTree::new(),
                render_cache: Default::default(),
            }),
        });
        let mut tabs = self.tabs.lock().unwrap_or_else(|e| e.into_inner());
        self.evict(&mut tabs, now);
        tabs.insert(tab.clone(), entry.clone());
        (tab, entry)
    }

    /// The session of tab `tab`, if it exists, has not expired, and belongs
    /// to `owner` (a tab id alone is not enough to reach a session).
    pub fn get(&self, owner: &str, tab: &str) -> Option<Arc<TabSession>> {
        let now = self.now();
        let tabs = self.tabs.lock().unwrap_or_else(|e| e.into_inner());
        let entry = tabs.get(tab)?;
        let idle_ms = self.idle.as_millis() as u64;
        if entry.owner != owner
            || now.saturating_sub(entry.last_used.load(Ordering::Relaxed)) > idle_ms
        {
            return None;
        }
        entry.touch(now);
        Some(entry.clone())
    }

    /// How many sessions are held.
    pub fn len(&self) -> usize {
        self.tabs.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn evict(&self, tabs: &mut HashMap<String, Arc<TabSession>>, now: u64) {
        let idle_ms = self.idle.as_millis() as u64;
        tabs.retain(|_, t| now.saturating_sub(t.last_used.load(Ordering::Relaxed)) <= idle_ms);
        while tabs.len() >= self.max_sessions {
            let oldest = tabs
                .iter()
                .min_by_key(|(_, t)| t.last_used.load(Ordering::Relaxed))
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    tabs.remove(&k);
                }
                None => break,
            }
        }
    }
}

/// `bytes` random bytes from the operating system, as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random source");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_is_reached_only_with_its_owner() {
        let store = MemoryStore::default();
        let (tab, _) = store.create("secret-a");
        assert!(store.get("secret-a", &tab).is_some());
        assert!(store.get("secret-b", &tab).is_none());
        assert!(store.get("secret-a", "nope").is_none());
    }

    #[test]
    fn idle_sessions_expire_and_the_cap_evicts_the_oldest() {
        let store = MemoryStore::new(Duration::from_millis(0), 2);
        let (a, _) = store.create("o");
        std::thread::sleep(Duration::from_millis(3));
        assert!(store.get("o", &a).is_none(), "expired");
        let store = MemoryStore::new(Duration::from_secs(60), 2);
        let (a, _) = store.create("o");
        std::thread::sleep(Duration::from_millis(2));
        let (b, _) = store.create("o");
        std::thread::sleep(Duration::from_millis(2));
        let (c, _) = store.create("o");
        assert!(
            store.get("o", &a).is_none(),
            "the least recently used was evicted"
        );
        assert!(store.get("o", &b).is_some() && store.get("o", &c).is_some());
    }

    #[test]
    fn ids_are_long_enough() {
        assert_eq!(random_hex(16).len(), 32);
        assert_ne!(random_hex(16), random_hex(16));
    }
}
