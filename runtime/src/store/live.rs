//! The sessions this process works on, live: deserialised, with their
//! callbacks and rendered HTML. A live session is reused while the store
//! still holds the version this process last saw, so the hot path neither
//! deserialises nor replays; the store stays the truth.
//!
//! Each tab has one async lock, held for a whole event (load, run, save):
//! events of one session in one process run one at a time and do not
//! conflict needlessly; at most [`MAX_WAITING`] wait for it. Live sessions
//! idle for a while, or beyond the caps on their count and their bytes, are
//! dropped, the least recently used first, in O(1) per drop (a `moka`
//! cache, no global lock): the store still has them, or, for the embedded
//! memory store, they are gone.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::policy::EvictionPolicy;

use super::stream::Channel;
use super::{TabState, Version};
use crate::cancel::CancelToken;

/// The most events of one tab that wait while one runs: the browser's
/// client sends one at a time, so more is a misbehaving client.
pub(crate) const MAX_WAITING: usize = 4;

/// A session as this process holds it.
pub(crate) struct Live {
    /// The stored version it matches.
    pub version: Version,
    /// The hash of its owner's secret.
    pub owner: String,
    /// The session, its tree and its rendered HTML.
    pub tab: TabState,
}

/// One tab's slot: empty until loaded, emptied when the store may hold
/// something newer (a conflict, a store failure).
pub(crate) struct LiveTab {
    /// Its size as last measured ([`TabState::approx_bytes`]).
    bytes: AtomicU32,
    /// Events holding or waiting for `state`.
    waiting: AtomicUsize,
    /// Lock it for a whole event.
    pub state: Arc<tokio::sync::Mutex<Option<Live>>>,
    /// The events in flight, to supersede a run (R47).
    in_flight: std::sync::Mutex<InFlight>,
    /// The tab's push channel: where its runs stream to.
    pub channel: Arc<Channel>,
}

/// What this process knows of a tab's events in flight.
#[derive(Default)]
struct InFlight {
    /// Events that arrived, numbering them.
    arrived: u64,
    /// The events in flight (running or waiting), in the order they came:
    /// at most the tab's queue.
    events: Vec<Newest>,
    /// The run going on, if any.
    running: Option<Running>,
}

struct Newest {
    number: u64,
    seq: u64,
    owner: String,
}

struct Running {
    seq: u64,
    owner: String,
    token: CancelToken,
}

/// Whether an event made on page `seq` by `owner` replaces one in flight
/// (`other`: its page and owner): one made on the same page by the same
/// browser does (R47). A click's press carries to the run that replaces
/// its own.
fn replaces(seq: u64, owner: &str, other: (u64, &str)) -> bool {
    seq == other.0 && owner == other.1
}

/// An event's arrival at its tab.
#[derive(Clone)]
pub(crate) struct Arrival {
    number: u64,
    seq: u64,
    /// It came while an event made on the same page or an older one was in
    /// flight (or on a connection that sends without waiting): it may be
    /// applied after events that moved the page on.
    pub concurrent: bool,
}

/// A place in a tab's queue, given back when dropped.
pub(crate) struct QueueTicket(Arc<LiveTab>);

impl Drop for QueueTicket {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

impl LiveTab {
    fn new() -> Arc<Self> {
        Arc::new(LiveTab {
            bytes: AtomicU32::new(0),
            waiting: AtomicUsize::new(0),
            state: Arc::new(tokio::sync::Mutex::new(None)),
            in_flight: Default::default(),
            channel: Channel::new(),
        })
    }

    fn in_flight(&self) -> std::sync::MutexGuard<'_, InFlight> {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An event of `owner` made on page `seq` arrives: it supersedes the
    /// run going on if that run's event was made on the same page (R47).
    pub(crate) fn arrive(&self, owner: &str, seq: u64) -> Arrival {
        let mut f = self.in_flight();
        f.arrived += 1;
        // Events sent one after another, each before the answer to the one
        // before, are made on pages no older than those of the events in
        // flight.
        let concurrent = f.events.iter().any(|e| e.seq <= seq && e.owner == owner);
        if let Some(run) = &f.running {
            if replaces(seq, owner, (run.seq, &run.owner)) {
                run.token.supersede();
            }
        }
        let number = f.arrived;
        f.events.push(Newest {
            number,
            seq,
            owner: owner.to_owned(),
        });
        Arrival {
            number,
            seq,
            concurrent,
        }
    }

    /// The event of `arrival` starts its run: its cancellation, already
    /// superseded when a newer event that replaces it waits behind it.
    pub(crate) fn begin_run(&self, arrival: &Arrival, owner: &str) -> CancelToken {
        let mut f = self.in_flight();
        let token = CancelToken::new();
        let replaced = f
            .events
            .iter()
            .any(|n| n.number > arrival.number && replaces(n.seq, &n.owner, (arrival.seq, owner)));
        if replaced {
            token.supersede();
        }
        f.running = Some(Running {
            seq: arrival.seq,
            owner: owner.to_owned(),
            token: token.clone(),
        });
        token
    }

    /// The first run of a new tab of `owner` starts: its cancellation, so
    /// that an event from the page it is streaming to can supersede it.
    pub(crate) fn begin_first_run(&self, owner: &str) -> CancelToken {
        let token = CancelToken::new();
        self.in_flight().running = Some(Running {
            seq: 0,
            owner: owner.to_owned(),
            token: token.clone(),
        });
        token
    }

    /// A run the server starts for `owner`'s page `seq` (a task ended):
    /// its cancellation, superseded by any event made on that page, the
    /// ones already waiting and those to come (R47).
    pub(crate) fn begin_server_run(&self, owner: &str, seq: u64) -> CancelToken {
        let mut f = self.in_flight();
        let token = CancelToken::new();
        if f.events
            .iter()
            .any(|n| replaces(n.seq, &n.owner, (seq, owner)))
        {
            token.supersede();
        }
        f.running = Some(Running {
            seq,
            owner: owner.to_owned(),
            token: token.clone(),
        });
        token
    }

    /// The page's sequence number of the run of `owner`'s going on, if any.
    pub(crate) fn running_for(&self, owner: &str) -> Option<u64> {
        let f = self.in_flight();
        f.running
            .as_ref()
            .filter(|r| r.owner == owner)
            .map(|r| r.seq)
    }

    /// The run begun last ended.
    pub(crate) fn end_run(&self) {
        self.in_flight().running = None;
    }

    /// The event of `arrival` is done.
    pub(crate) fn leave(&self, arrival: &Arrival) {
        self.in_flight()
            .events
            .retain(|e| e.number != arrival.number);
    }

    /// The Stop control of `owner`'s page: ends the run going on as
    /// `stop()` does. Whether there was one.
    pub(crate) fn stop_run(&self, owner: &str) -> bool {
        let f = self.in_flight();
        match f.running.as_ref().filter(|r| r.owner == owner) {
            Some(run) => {
                run.token.stop();
                true
            }
            None => false,
        }
    }

    /// A place in this tab's queue, or `None` when [`MAX_WAITING`] events
    /// already wait besides the one running.
    pub(crate) fn enqueue(self: &Arc<Self>) -> Option<QueueTicket> {
        let before = self.waiting.fetch_add(1, Ordering::AcqRel);
        let ticket = QueueTicket(self.clone());
        (before <= MAX_WAITING).then_some(ticket)
    }
}

/// The live sessions of this process.
#[derive(Clone)]
pub(crate) struct LiveTabs {
    tabs: moka::sync::Cache<String, Arc<LiveTab>>,
    /// What a session weighs at least: the byte cap over the count cap, so
    /// that the one weighted cache keeps both.
    floor: u32,
}

impl LiveTabs {
    /// Keeps a live session for `idle` after its last event, at most `max`
    /// of them, and at most `max_bytes` of them in all (as measured by
    /// [`TabState::approx_bytes`]).
    pub(crate) fn new(idle: Duration, max: usize, max_bytes: u64) -> Self {
        let max = max.max(1) as u64;
        let max_bytes = max_bytes.max(max);
        let floor = u32::try_from(max_bytes / max).unwrap_or(u32::MAX);
        let tabs = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .time_to_idle(idle)
            // Least recently used out first; a frequency-based admission
            // policy could refuse a new session outright.
            .eviction_policy(EvictionPolicy::lru())
            .weigher(move |_: &String, t: &Arc<LiveTab>| t.bytes.load(Ordering::Relaxed).max(floor))
            .build();
        LiveTabs { tabs, floor }
    }

    /// The slot of `tab` if this process has it live.
    pub(crate) fn find(&self, tab: &str) -> Option<Arc<LiveTab>> {
        self.tabs.get(tab)
    }

    /// Whether this process holds `tab`, without counting it as a use (so
    /// that its idle time runs on).
    pub(crate) fn holds(&self, tab: &str) -> bool {
        self.tabs.contains_key(tab)
    }

    /// Every tab this process holds, with its slot, without counting a use.
    pub(crate) fn each(&self) -> impl Iterator<Item = (Arc<String>, Arc<LiveTab>)> + '_ {
        self.tabs.iter()
    }

    /// The slot of `tab`, made empty if this process has none.
    pub(crate) fn get_or_insert(&self, tab: &str) -> Arc<LiveTab> {
        self.tabs.get_with_by_ref(tab, LiveTab::new)
    }

    /// A new slot for a tab this process just made.
    pub(crate) fn insert(&self, tab: &str) -> Arc<LiveTab> {
        let slot = LiveTab::new();
        self.tabs.insert(tab.to_owned(), slot.clone());
        // Apply the caps now, not at the cache's next housekeeping.
        self.tabs.run_pending_tasks();
        slot
    }

    /// Records a slot's new size, so the byte cap sees it.
    pub(crate) fn resize(&self, tab: &str, slot: &Arc<LiveTab>, bytes: usize) {
        let bytes = u32::try_from(bytes).unwrap_or(u32::MAX);
        let old = slot.bytes.swap(bytes, Ordering::Relaxed);
        // Weights are taken on insert: insert again when it matters.
        let floor = self.floor;
        if old.max(floor) != bytes.max(floor) && self.tabs.contains_key(tab) {
            self.tabs.insert(tab.to_owned(), slot.clone());
        }
    }

    /// Forgets `tab`'s slot if it is still `slot` and holds no session (a
    /// tab the store does not know, or another browser's).
    pub(crate) fn forget_if_empty(&self, tab: &str, slot: &Arc<LiveTab>) {
        let empty = slot.state.try_lock().is_ok_and(|s| s.is_none());
        let current = empty.then(|| self.tabs.get(tab)).flatten();
        if current.is_some_and(|c| Arc::ptr_eq(&c, slot)) {
            self.tabs.invalidate(tab);
        }
    }

    /// How many sessions are live (after pending evictions are applied).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.tabs.run_pending_tasks();
        self.tabs.entry_count() as usize
    }

    /// The bytes the live sessions weigh in all, as the byte cap counts them.
    #[cfg(test)]
    fn weighed_bytes(&self) -> u64 {
        self.tabs.run_pending_tasks();
        self.tabs.weighted_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caps_on_count_and_bytes_both_hold() {
        let live = LiveTabs::new(Duration::from_secs(60), 10, 10_000);
        for i in 0..50 {
            live.insert(&format!("{i:016x}"));
        }
        assert!(live.len() <= 10, "{} live", live.len());
        let big = live.insert("big");
        live.resize("big", &big, 9_000);
        assert!(live.weighed_bytes() <= 10_000, "{}", live.weighed_bytes());
        assert!(live.len() <= 2, "{} live", live.len());
    }

    #[test]
    fn the_queue_of_a_tab_is_bounded() {
        let live = LiveTabs::new(Duration::from_secs(60), 10, 10_000);
        let slot = live.insert("t");
        let tickets: Vec<_> = (0..=MAX_WAITING).map(|_| slot.enqueue().unwrap()).collect();
        assert!(slot.enqueue().is_none());
        drop(tickets);
        assert!(slot.enqueue().is_some());
    }
}
