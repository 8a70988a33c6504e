//! Background tasks on the server (R48): the threads that run them, the
//! loop that takes each task's end to its session, and what goes to the
//! tab's push channel meanwhile.
//!
//! A task's end reruns its page (or the fragment that started it) when a
//! client is connected to the tab, and streams that run to it; without one
//! (a page without JavaScript, a closed laptop) the end is kept in the
//! session and the page reruns when a client connects, or shows it at its
//! next event. Progress goes to the channel about ten times a second, as
//! `{"t": "task", "key", "percent", "text"}` frames that move the task's
//! bar ([`crate::Ui::task_progress`]) in place. A task whose session
//! expired, or whose tab a reload gave up, is cancelled.

use std::sync::{Arc, Weak};
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;

use super::{Failure, Registration, Sessions, Site, Step, TabId};
use crate::cancel::CancelToken;
use crate::session::{Event, RunEnd};
use crate::store::record;
use crate::store::stream::{Channel, RunStream};
use crate::store::{Loaded, TabState};
use crate::task::{Push, TaskEnd, TaskHost, TaskProgress, TaskThreads};

/// How often task progress is pushed, and overdue cancellations checked.
const PUSH_EVERY: Duration = Duration::from_millis(100);
/// How often the sessions of running tasks are checked for expiry.
const EXPIRY_EVERY: Duration = Duration::from_secs(2);
/// The longest wait between two tries to hand a task's end to its session.
const RETRY_AT_MOST: Duration = Duration::from_secs(2);
/// How long a task's end is tried before it is given up (and logged).
const GIVE_UP_AFTER: Duration = Duration::from_secs(15 * 60);

/// How many background tasks a process runs, and how long a cancelled one
/// has to return before it is reported cancelled anyway.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TaskLimits {
    pub max: usize,
    pub grace: Duration,
}

/// A task's end, on its way to its session.
pub(super) struct Ended {
    pub tab: String,
    pub key: String,
    pub id: u64,
    pub end: TaskEnd,
}

/// The ends of tasks waiting for the loop, which starts at the first use
/// in a Tokio runtime.
pub(super) struct TaskLoop {
    ends: std::sync::Mutex<Option<mpsc::UnboundedReceiver<Ended>>>,
    started: std::sync::atomic::AtomicBool,
    grace: Duration,
}

/// The process's task threads, and the loop that delivers their ends. The
/// queue of ends is unbounded, but holds at most one end per task, and at
/// most `limits.max` tasks run.
pub(super) fn task_threads(limits: TaskLimits) -> (Arc<TaskThreads>, TaskLoop) {
    let (ends, waiting) = mpsc::unbounded_channel();
    let on_end = Arc::new(move |tab: &str, key: &str, id: u64, end: TaskEnd| {
        let ended = Ended {
            tab: tab.to_owned(),
            key: key.to_owned(),
            id,
            end,
        };
        // Only fails once the sessions are gone, and their tasks with them.
        let _ = ends.send(ended);
    });
    let task_loop = TaskLoop {
        ends: std::sync::Mutex::new(Some(waiting)),
        started: Default::default(),
        grace: limits.grace,
    };
    (TaskThreads::new(limits.max, on_end), task_loop)
}

/// The frame that moves the bar of task `key`.
pub(super) fn progress_frame(key: &str, progress: &TaskProgress) -> String {
    json!({"t": "task", "key": key, "percent": progress.percent, "text": progress.text}).to_string()
}

impl Sessions {
    /// The host of `tab`'s tasks, whose progress goes to `channel` (or,
    /// when no client is connected here, to the other processes).
    pub(super) fn task_host(&self, tab: &TabId, channel: &Arc<Channel>) -> Arc<dyn TaskHost> {
        let (channel, replicas) = (Arc::downgrade(channel), self.replicas.clone());
        let push_tab = tab.as_str().to_owned();
        let push: Push = Arc::new(move |key, id, progress| {
            let sent = channel
                .upgrade()
                .is_some_and(|channel| channel.send(progress_frame(key, progress)));
            if !sent {
                replicas.tell_progress(&push_tab, key, id, progress);
            }
        });
        let local = self.tasks.host_pushing(tab.as_str(), Some(push));
        self.replicas.host(tab.as_str(), local)
    }

    /// Starts the loop that delivers task ends, once, in the current Tokio
    /// runtime (the router may be made outside one).
    pub(super) fn start_task_loop(&self) {
        use std::sync::atomic::Ordering;
        if self.task_loop.started.load(Ordering::Acquire) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let taken = self
            .task_loop
            .ends
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(ends) = taken {
            self.task_loop.started.store(true, Ordering::Release);
            runtime.spawn(deliver(self.me.clone(), ends, self.task_loop.grace));
            self.replicas.start(self.me.clone(), &runtime);
        }
    }

    /// A client connected to `tab`: it is sent the progress of its tasks
    /// at the next push.
    pub(crate) fn resend_task_progress(&self, tab: &TabId) {
        self.tasks.resend(tab.as_str());
        self.replicas.tell_resend(tab.as_str());
    }

    /// Asks the tasks of `tab` to stop: its session is gone.
    pub(super) fn cancel_tasks_of(&self, tab: &TabId) {
        self.tasks.cancel_session(tab.as_str());
    }

    /// Hands a task's end to its session, trying again while its tab is
    /// busy or the store fails, until the session is gone.
    pub(super) async fn hand_over(&self, ended: Ended) {
        let Some(tab) = TabId::parse(&ended.tab) else {
            return;
        };
        let started = tokio::time::Instant::now();
        let mut wait = Duration::from_millis(50);
        loop {
            match self.take_end(&tab, &ended).await {
                Ok(()) => return,
                Err(Failure::Expired) => {
                    tracing::debug!(
                        tab = tab.as_str(),
                        task = ended.key.as_str(),
                        "a task ended after its session"
                    );
                    return;
                }
                Err(failure) if started.elapsed() >= GIVE_UP_AFTER => {
                    tracing::error!(tab = tab.as_str(), task = ended.key.as_str(), failure = ?failure, "a task's end could not reach its session; given up");
                    return;
                }
                Err(failure) => {
                    tracing::debug!(tab = tab.as_str(), task = ended.key.as_str(), failure = ?failure, "a task's end waits to reach its session");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(RETRY_AT_MOST);
                }
            }
        }
    }

    /// One try at [`Sessions::hand_over`]. When no client here shows the
    /// rerun, the session owes it, and the other processes are told.
    async fn take_end(&self, tab: &TabId, ended: &Ended) -> Result<(), Failure> {
        let owner = self.owner_of(tab).await?;
        let slot = self.slot_of(tab)?;
        let (site, job_tab, channel) = (self.site.clone(), tab.clone(), slot.0.channel.clone());
        let (key, id, end) = (ended.key.clone(), ended.id, ended.end.clone());
        let step = move |state: &mut TabState, cancel: &CancelToken| {
            let Some(event) = state.session.task_ended(&key, id, end.clone()) else {
                return Step::Unchanged(false);
            };
            match channel.base() {
                Some(base) => {
                    site.task_step(&base, &job_tab, &channel, event, state, cancel);
                    Step::Changed(false)
                }
                None => {
                    state.session.task_rerun_owed = true;
                    Step::Changed(true)
                }
            }
        };
        let owed = self
            .with_owner(&owner, tab, slot, 0, Registration::Server, step)
            .await?;
        if owed {
            self.replicas.tell_ended(tab.as_str());
        }
        Ok(())
    }

    /// The hash of the secret of `tab`'s owner, from the live copy or the
    /// store.
    pub(super) async fn owner_of(&self, tab: &TabId) -> Result<String, Failure> {
        if let Some(slot) = self.live.find(tab.as_str()) {
            if let Some(live) = slot.state.lock().await.as_ref() {
                return Ok(live.owner.clone());
            }
        }
        if self.local() {
            return Err(Failure::Expired);
        }
        match self.store.load(tab.as_str(), None).await {
            Ok(Loaded::Found { bytes, .. }) => record::decode(&bytes)
                .map(|r| r.owner)
                .map_err(Failure::Store),
            Ok(Loaded::Missing | Loaded::Unchanged) => Err(Failure::Expired),
            Err(e) => Err(Failure::Store(e)),
        }
    }

    /// Cancels the tasks whose session expired.
    async fn cancel_orphans(&self) {
        for tab in self.tasks.sessions() {
            let gone = if self.local() {
                !self.live.holds(&tab)
            } else {
                matches!(self.store.load(&tab, None).await, Ok(Loaded::Missing))
            };
            if gone {
                tracing::info!(
                    tab = tab.as_str(),
                    "a session expired with tasks running; they are cancelled"
                );
                self.tasks.cancel_session(&tab);
            }
        }
    }
}

/// The loop: each task's end to its session (each on its own, so that a
/// busy tab holds up no other), progress to the push channels, overdue
/// cancellations reported, orphans cancelled. It ends with the sessions.
async fn deliver(me: Weak<Sessions>, mut ends: mpsc::UnboundedReceiver<Ended>, grace: Duration) {
    let mut push = tokio::time::interval(PUSH_EVERY);
    push.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last_expiry = tokio::time::Instant::now();
    loop {
        tokio::select! {
            ended = ends.recv() => {
                let (Some(ended), Some(sessions)) = (ended, me.upgrade()) else { return };
                tokio::spawn(async move { sessions.hand_over(ended).await });
            }
            _ = push.tick() => {
                let Some(sessions) = me.upgrade() else { return };
                sessions.tasks.push_progress();
                sessions.tasks.abandon_overdue(grace);
                if last_expiry.elapsed() >= EXPIRY_EVERY {
                    last_expiry = tokio::time::Instant::now();
                    tokio::spawn(async move {
                        sessions.cancel_orphans().await;
                        sessions.fail_lost_tasks().await;
                    });
                }
            }
        }
    }
}

impl Site {
    /// A task's end on its session, with a client connected: the page (or
    /// the task's fragment) reruns, streamed to the client, and its last
    /// frame brings the client up to date. A run stopped by a newer event
    /// sends nothing more: the newer event's answer carries the app.
    pub(super) fn task_step(
        &self,
        base: &str,
        tab: &TabId,
        channel: &Arc<Channel>,
        event: Event,
        state: &mut TabState,
        cancel: &CancelToken,
    ) -> Step<()> {
        let page = state.session.current_page().map(str::to_owned);
        let frame = self.stream_frame(base, tab, page, state.session.events());
        let stream = RunStream::start(channel.clone(), frame);
        let watcher: Arc<dyn crate::elements::TreeWatcher> = stream.clone();
        let ran = state
            .session
            .handle_streamed(&self.app, event, cancel, Some(watcher));
        stream.finish();
        match ran {
            Ok(out) if out.end == RunEnd::Interrupted => {}
            Ok(out) => {
                let fields = self.final_patch(channel, base, tab, &out, state);
                if !channel.send(fields.to_string()) {
                    // The client missed it: its next frame is the whole app.
                    channel.forget_shown();
                }
            }
            Err(e) => {
                tracing::warn!(tab = tab.as_str(), kind = %e.kind(), "the rerun for a task's end failed");
            }
        }
        Step::Changed(())
    }
}
