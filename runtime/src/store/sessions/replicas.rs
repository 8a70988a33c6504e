//! Background tasks across the processes that share a store (R48): a task
//! runs in the process whose run started it, and its tab may be connected
//! to another. Processes tell each other through the store's
//! [`ReplicaLink`]: the runner publishes progress and "this tab's task
//! ended" (after saving the end in the session); the process the tab is
//! connected to moves the bar and reruns the page; a cancel from a page
//! reaches the runner; a connect asks the runner to send progress again.
//!
//! Each process beats; a task whose runner stopped beating (seen twice, a
//! sweep apart) is ended as failed with a message that says so, by any
//! process that holds its session, so that no bar waits forever. A store
//! without a link serves one process: there, a task whose runner is not
//! this process was started before a restart, and is lost the same way.

use std::collections::HashSet;
use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::{Registration, Sessions, Step, TabId};
use crate::cancel::CancelToken;
use crate::session::Event;
use crate::store::{ReplicaLink, TabState};
use crate::task::{TaskEnd, TaskHost, TaskProgress, TaskStart};

/// How often a process beats, and how long a beat says it lives.
const BEAT_EVERY: Duration = Duration::from_secs(1);
const BEAT_LASTS: Duration = Duration::from_secs(5);
/// Notices waiting to be published; beyond it new ones are dropped (and
/// logged): progress is superseded by the next, and an end is kept in the
/// session for the next connect or event.
const OUTBOX: usize = 4096;
/// Progress of tasks run elsewhere, kept for this process's runs.
const REMOTE_PROGRESS: u64 = 10_000;
const REMOTE_PROGRESS_IDLE: Duration = Duration::from_secs(10 * 60);
/// The longest wait between two tries to listen.
const LISTEN_RETRY_AT_MOST: Duration = Duration::from_secs(5);

/// What one process tells the others.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Notice {
    /// A task of `tab` reported progress.
    Progress {
        tab: String,
        key: String,
        id: u64,
        progress: TaskProgress,
    },
    /// A task of `tab` ended, and the session owes a rerun that shows it.
    Ended { tab: String },
    /// A page asked task `id` of `tab` to stop.
    Cancel { tab: String, key: String, id: u64 },
    /// A client connected to `tab`: its tasks' progress is wanted again.
    Resend { tab: String },
}

/// This process among those that share the store.
pub(super) struct Replicas {
    /// Its name in its tasks' records.
    me: String,
    link: Option<Arc<dyn ReplicaLink>>,
    outbox: mpsc::Sender<String>,
    /// Taken by the publishing loop when it starts.
    unsent: std::sync::Mutex<Option<mpsc::Receiver<String>>>,
    progress: moka::sync::Cache<(String, String, u64), TaskProgress>,
    /// Runners found not beating at the last sweep.
    suspects: std::sync::Mutex<HashSet<String>>,
}

impl Replicas {
    pub(super) fn new(link: Option<Arc<dyn ReplicaLink>>) -> Arc<Self> {
        let (outbox, unsent) = mpsc::channel(OUTBOX);
        Arc::new(Replicas {
            me: crate::store::random_hex(8),
            link,
            outbox,
            unsent: std::sync::Mutex::new(Some(unsent)),
            progress: moka::sync::Cache::builder()
                .max_capacity(REMOTE_PROGRESS)
                .time_to_idle(REMOTE_PROGRESS_IDLE)
                .build(),
            suspects: Default::default(),
        })
    }

    /// Publishes `notice`, if there are other processes to hear it.
    fn tell(&self, notice: &Notice) {
        if self.link.is_none() {
            return;
        }
        let Ok(text) = serde_json::to_string(notice) else {
            return;
        };
        if self.outbox.try_send(text).is_err() {
            tracing::warn!(notice = ?notice, "the notices to other replicas are backed up; one was dropped");
        }
    }

    /// Tells the others of progress that no client here takes.
    pub(super) fn tell_progress(&self, tab: &str, key: &str, id: u64, progress: &TaskProgress) {
        self.tell(&Notice::Progress {
            tab: tab.to_owned(),
            key: key.to_owned(),
            id,
            progress: progress.clone(),
        });
    }

    /// Tells the others that `tab`'s session owes a rerun for a task's end.
    pub(super) fn tell_ended(&self, tab: &str) {
        self.tell(&Notice::Ended {
            tab: tab.to_owned(),
        });
    }

    /// Asks the others to send `tab`'s task progress again.
    pub(super) fn tell_resend(&self, tab: &str) {
        self.tell(&Notice::Resend {
            tab: tab.to_owned(),
        });
    }

    /// `local`, the host of `tab`'s tasks in this process, as a host that
    /// also reaches tasks of `tab` running elsewhere.
    pub(super) fn host(self: &Arc<Self>, tab: &str, local: Arc<dyn TaskHost>) -> Arc<dyn TaskHost> {
        Arc::new(ReplicaHost {
            local,
            tab: tab.to_owned(),
            replicas: self.clone(),
        })
    }

    /// Starts beating, publishing and listening, if the store links
    /// processes.
    pub(super) fn start(&self, sessions: Weak<Sessions>, runtime: &tokio::runtime::Handle) {
        let Some(link) = self.link.clone() else {
            return;
        };
        let unsent = self.unsent.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(unsent) = unsent {
            runtime.spawn(publish(link.clone(), unsent));
        }
        runtime.spawn(beat(link.clone(), self.me.clone(), sessions.clone()));
        runtime.spawn(listen(link, sessions));
    }
}

/// A session's host of tasks that knows of the other processes.
struct ReplicaHost {
    local: Arc<dyn TaskHost>,
    tab: String,
    replicas: Arc<Replicas>,
}

impl TaskHost for ReplicaHost {
    fn start(&self, start: TaskStart) -> crate::Result<()> {
        self.local.start(start)
    }
    fn cancel(&self, key: &str, id: u64) {
        self.local.cancel(key, id);
        self.replicas.tell(&Notice::Cancel {
            tab: self.tab.clone(),
            key: key.to_owned(),
            id,
        });
    }
    fn progress(&self, key: &str, id: u64) -> Option<TaskProgress> {
        self.local.progress(key, id).or_else(|| {
            let known = (self.tab.clone(), key.to_owned(), id);
            self.replicas.progress.get(&known)
        })
    }
    fn runner(&self) -> Option<String> {
        Some(self.replicas.me.clone())
    }
}

async fn publish(link: Arc<dyn ReplicaLink>, mut unsent: mpsc::Receiver<String>) {
    while let Some(notice) = unsent.recv().await {
        if let Err(e) = link.publish(notice).await {
            tracing::warn!(error = %e, "a notice to the other replicas was lost");
        }
    }
}

async fn beat(link: Arc<dyn ReplicaLink>, me: String, sessions: Weak<Sessions>) {
    let mut every = tokio::time::interval(BEAT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while sessions.strong_count() > 0 {
        every.tick().await;
        if let Err(e) = link.beat(&me, BEAT_LASTS).await {
            tracing::warn!(error = %e, "this replica could not say it is alive");
        }
    }
}

/// Listens for notices, listening again after a lost connection; each
/// time it starts, it reruns the connected tabs whose tasks ended while
/// it was not listening.
async fn listen(link: Arc<dyn ReplicaLink>, sessions: Weak<Sessions>) {
    let mut wait = Duration::from_millis(100);
    while sessions.strong_count() > 0 {
        match link.listen().await {
            Ok(mut notices) => {
                wait = Duration::from_millis(100);
                if let Some(sessions) = sessions.upgrade() {
                    sessions.catch_up();
                }
                while let Some(notice) = notices.recv().await {
                    let Some(sessions) = sessions.upgrade() else {
                        return;
                    };
                    sessions.heard(&notice);
                }
                tracing::warn!("lost the other replicas' notices; listening again");
            }
            Err(e) => tracing::warn!(error = %e, "cannot hear the other replicas yet"),
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(LISTEN_RETRY_AT_MOST);
    }
}

impl Sessions {
    /// What another process (or this one) told.
    fn heard(self: &Arc<Self>, text: &str) {
        let notice = match serde_json::from_str::<Notice>(text) {
            Ok(notice) => notice,
            Err(e) => {
                tracing::warn!(error = %e, "a replica notice that is not brooklet's was ignored");
                return;
            }
        };
        match notice {
            Notice::Progress {
                tab,
                key,
                id,
                progress,
            } => {
                if let Some(slot) = self.live.find(&tab) {
                    slot.channel
                        .send(super::tasks::progress_frame(&key, &progress));
                }
                self.replicas.progress.insert((tab, key, id), progress);
            }
            Notice::Ended { tab } => self.owe_rerun_here(&tab),
            Notice::Cancel { tab, key, id } => self.tasks.cancel(&tab, &key, id),
            Notice::Resend { tab } => self.tasks.resend(&tab),
        }
    }

    /// Reruns `tab` for its tasks' ends, if a client here is connected to
    /// it (else the next connect or event does).
    fn owe_rerun_here(self: &Arc<Self>, tab: &str) {
        let connected = self
            .live
            .find(tab)
            .is_some_and(|s| s.channel.is_connected());
        let Some(tab) = TabId::parse(tab).filter(|_| connected) else {
            return;
        };
        let sessions = self.clone();
        tokio::spawn(async move {
            if let Err(failure) = sessions.take_owed(&tab).await {
                tracing::debug!(tab = tab.as_str(), failure = ?failure, "a rerun owed for a task's end waits for the next event");
            }
        });
    }

    /// Every connected tab, for the ends missed while not listening.
    fn catch_up(self: &Arc<Self>) {
        let connected: Vec<Arc<String>> = self
            .live
            .each()
            .filter(|(_, slot)| slot.channel.is_connected())
            .map(|(tab, _)| tab)
            .collect();
        for tab in connected {
            self.owe_rerun_here(&tab);
        }
    }

    /// Runs the rerun `tab`'s session owes for its tasks' ends, streamed
    /// to its client.
    async fn take_owed(&self, tab: &TabId) -> Result<(), super::Failure> {
        let owner = self.owner_of(tab).await?;
        let slot = self.slot_of(tab)?;
        let (site, job_tab, channel) = (self.site.clone(), tab.clone(), slot.0.channel.clone());
        let step = move |state: &mut TabState, cancel: &CancelToken| match channel
            .base()
            .filter(|_| state.session.task_rerun_owed)
        {
            Some(base) => {
                site.task_step(&base, &job_tab, &channel, Event::default(), state, cancel)
            }
            None => Step::Unchanged(()),
        };
        self.with_owner(&owner, tab, slot, 0, Registration::Server, step)
            .await
    }

    /// Ends as failed the tasks of sessions held here whose runner stopped.
    pub(super) async fn fail_lost_tasks(self: &Arc<Self>) {
        let elsewhere = self.tasks_run_elsewhere();
        let mut runners: Vec<String> = elsewhere.iter().filter_map(|t| t.3.clone()).collect();
        runners.sort();
        runners.dedup();
        let alive = match &self.replicas.link {
            Some(link) => match link.alive(&runners).await {
                Ok(alive) => alive,
                // Whether they live cannot be told now: next time.
                Err(_) => return,
            },
            None => vec![false; runners.len()],
        };
        let not_beating: HashSet<String> = runners
            .into_iter()
            .zip(alive)
            .filter_map(|(runner, alive)| (!alive).then_some(runner))
            .collect();
        let lost = {
            let mut suspects = self
                .replicas
                .suspects
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let lost: HashSet<String> = suspects.intersection(&not_beating).cloned().collect();
            *suspects = not_beating;
            lost
        };
        for (tab, key, id, runner) in elsewhere {
            let gone = runner.as_ref().is_none_or(|r| lost.contains(r));
            if gone {
                self.fail_lost(tab, key, id, runner);
            }
        }
    }

    /// The running tasks of the sessions held here that another process
    /// runs: tab, key, id and runner.
    fn tasks_run_elsewhere(&self) -> Vec<(String, String, u64, Option<String>)> {
        let mut elsewhere = Vec::new();
        for (tab, slot) in self.live.each() {
            let Ok(live) = slot.state.try_lock() else {
                continue;
            };
            let Some(live) = live.as_ref() else { continue };
            for (key, record) in live.tab.session.running_tasks() {
                if record.runner.as_deref() != Some(self.replicas.me.as_str()) {
                    let runner = record.runner.clone();
                    elsewhere.push((tab.to_string(), key.to_owned(), record.id, runner));
                }
            }
        }
        elsewhere
    }

    fn fail_lost(self: &Arc<Self>, tab: String, key: String, id: u64, runner: Option<String>) {
        let runner = runner.unwrap_or_else(|| "unnamed".into());
        tracing::warn!(
            tab = tab.as_str(),
            task = key.as_str(),
            runner = runner.as_str(),
            "a task's server process stopped; the task is shown failed"
        );
        let end = TaskEnd::Failed(format!(
            "it was lost: the server process that ran it (replica {runner}) stopped before it ended"
        ));
        let ended = super::tasks::Ended { tab, key, id, end };
        let sessions = self.clone();
        tokio::spawn(async move { sessions.hand_over(ended).await });
    }
}
