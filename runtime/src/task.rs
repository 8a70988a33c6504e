//! Background tasks (beyond Streamlit): work a page starts that outlives
//! the run, reports its progress to the page, can be cancelled from it,
//! and reruns the page (or the fragment that started it) when it ends.
//!
//! A session holds at most one task per key. What the page reads of a task
//! ([`TaskStatus`]) is in the session, so it survives reruns, page
//! switches and a move to another replica; the work itself runs on a
//! thread of the process that started it, the task's host (the server's,
//! or `AppTest`'s).

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::cancel::CancelToken;
use crate::display::ProgressValue;
use crate::elements::Element;
use crate::error::{Error, ErrorKind, Result};
pub use crate::task_record::{TaskContext, TaskProgress};
pub(crate) use crate::task_record::{
    TaskEnd, TaskHost, TaskRecord, TaskStart, TaskState, TaskWork,
};
use crate::ui::Ui;

/// The most tasks one session holds at once, running or ended: each ended
/// one keeps its result until the page forgets it.
pub const MAX_TASKS_PER_SESSION: usize = 16;

/// Where a task is, as the page reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum TaskStatus<T> {
    /// Still running, with the progress it last reported.
    Running(TaskProgress),
    /// It returned its result.
    Done(T),
    /// It returned an error or panicked, or the process running it
    /// stopped: the message says which.
    Failed(String),
    /// It was cancelled ([`Ui::cancel_task`], or its session expired).
    Cancelled,
}

impl TaskContext {
    /// Reports progress: `value` from 0 to 100, or 0.0 to 1.0, with an
    /// optional text. A bar drawn by [`Ui::task_progress`] moves to it in
    /// the browser without a rerun (over the push channel, within a tenth
    /// of a second); the page reads it in its next run
    /// ([`Ui::task_result`]).
    pub fn progress(
        &self,
        value: impl ProgressValue + Copy + fmt::Debug,
        text: Option<&str>,
    ) -> Result<()> {
        let percent = value.percent().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("task progress: {value:?} is out of range; give an integer from 0 to 100 or a float from 0.0 to 1.0"),
            )
        })?;
        (self.report)(TaskProgress {
            percent: Some(percent),
            text: text.map(str::to_owned),
        });
        Ok(())
    }
}

/// Runs a task's work and says how it ended: a panic or an error is a
/// failure with its message; cancelled work that returned an error is
/// cancelled.
pub(crate) fn run_work<T: Serialize>(
    work: impl FnOnce(&TaskContext) -> Result<T>,
    ctx: &TaskContext,
) -> TaskEnd {
    let mut out = None;
    let ran = crate::run::catch_panics(|| {
        out = Some(work(ctx)?);
        Ok(())
    });
    match (ran, out) {
        (Ok(()), Some(value)) => match serde_json::to_value(value) {
            Ok(v) => TaskEnd::Done(v),
            Err(e) => TaskEnd::Failed(format!("its result cannot be stored: {e}")),
        },
        (Err(_), _) if ctx.is_cancelled() => TaskEnd::Cancelled,
        (Err(e), _) if e.kind() == ErrorKind::Panic => {
            TaskEnd::Failed(format!("it panicked: {}", e.message()))
        }
        (Err(e), _) => TaskEnd::Failed(e.message().to_owned()),
        (Ok(()), None) => unreachable!("the work returned"),
    }
}

/// What the page reads of `record`, with its progress from `host`.
pub(crate) fn status_of<T: DeserializeOwned>(
    key: &str,
    record: &TaskRecord,
    host: Option<&dyn TaskHost>,
) -> Result<TaskStatus<T>> {
    Ok(match &record.state {
        TaskState::Running => TaskStatus::Running(
            host.and_then(|h| h.progress(key, record.id))
                .unwrap_or_default(),
        ),
        TaskState::Done(v) => TaskStatus::Done(T::deserialize(v).map_err(|e| {
            Error::new(
                ErrorKind::TypeMismatch,
                format!(
                    "task \"{key}\": its result is not a {}: {e}",
                    std::any::type_name::<T>()
                ),
            )
        })?),
        TaskState::Failed(m) => TaskStatus::Failed(m.clone()),
        TaskState::Cancelled => TaskStatus::Cancelled,
    })
}

/// A process-wide unique id for a task's start.
fn new_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (time << 16) ^ NEXT.fetch_add(1, Ordering::Relaxed)
}

impl crate::session::Session {
    /// Task `id` under `key` ended: the session takes its outcome. Returns
    /// the event that shows it (a rerun of the page, or of the fragment that
    /// started it), or `None` if the session no longer waits for it (it was
    /// forgotten, or another start took its key).
    pub(crate) fn task_ended(
        &mut self,
        key: &str,
        id: u64,
        end: TaskEnd,
    ) -> Option<crate::session::Event> {
        let record = self.tasks.get_mut(key).filter(|r| r.id == id)?;
        if record.state != TaskState::Running {
            return None;
        }
        record.state = end.state();
        Some(crate::session::Event {
            fragment: record.fragment.clone(),
            ..Default::default()
        })
    }

    /// The tasks the session waits for, with the process running each.
    pub(crate) fn running_tasks(&self) -> impl Iterator<Item = (&str, &TaskRecord)> {
        self.tasks
            .iter()
            .filter(|(_, r)| r.state == TaskState::Running)
            .map(|(k, r)| (k.as_str(), r))
    }
}

impl<'r> Ui<'r> {
    /// Starts `work` in the background under `key`, unless the session
    /// already has a task there (running or ended), and says where that
    /// task is. The work runs on a thread of its own and outlives this run;
    /// while it goes on, the page reruns as usual and reads its status
    /// here or with [`Ui::task_result`]. When it ends, the page reruns (or
    /// the fragment that started it, alone).
    ///
    /// One task per key: to run it again, [`Ui::forget_task`] first (or
    /// put what the work depends on in the key). The result is kept in the
    /// session, so it must be `Serialize` and `Deserialize`.
    ///
    /// Errors: more than [`MAX_TASKS_PER_SESSION`] tasks in the session,
    /// or as many tasks running as the process may run (the server's
    /// `--max-tasks`).
    pub fn task<T, F>(&self, key: &str, work: F) -> Result<TaskStatus<T>>
    where
        T: Serialize + DeserializeOwned + 'static,
        F: FnOnce(&TaskContext) -> Result<T> + Send + 'static,
    {
        if let Some(status) = self.task_result(key)? {
            return Ok(status);
        }
        let (host, fragment) = {
            let run = self.run.borrow();
            if run.tasks.len() >= MAX_TASKS_PER_SESSION {
                return Err(Error::new(
                    ErrorKind::TaskLimit,
                    format!("task \"{key}\": this session already holds {MAX_TASKS_PER_SESSION} tasks; forget one with ui.forget_task"),
                ));
            }
            let host = run.task_host.clone().ok_or_else(|| {
                Error::new(
                    ErrorKind::TaskLimit,
                    format!("task \"{key}\": nothing here runs background tasks: they start in the runs of the server and of AppTest, not in the replay that restores a session's callbacks"),
                )
            })?;
            (host, run.fragment.as_deref().map(str::to_owned))
        };
        let id = new_id();
        let work: TaskWork = Box::new(move |ctx| run_work(work, ctx));
        host.start(TaskStart {
            key: key.to_owned(),
            id,
            work,
        })?;
        let record = TaskRecord {
            id,
            state: TaskState::Running,
            fragment,
            runner: host.runner(),
        };
        self.run.borrow_mut().tasks.insert(key.to_owned(), record);
        Ok(TaskStatus::Running(TaskProgress::default()))
    }

    /// The task under `key`, if the session has one: its progress while it
    /// runs, then how it ended. `Err` when its result is not a `T`.
    pub fn task_result<T: DeserializeOwned>(&self, key: &str) -> Result<Option<TaskStatus<T>>> {
        self.checkpoint()?;
        let run = self.run.borrow();
        let Some(record) = run.tasks.get(key) else {
            return Ok(None);
        };
        status_of(key, record, run.task_host.as_deref()).map(Some)
    }

    /// Asks the task under `key` to stop: its `checkpoint()` fails from now
    /// on, and once its work returns the page reruns and reads it as
    /// cancelled. Whether a task was running there.
    pub fn cancel_task(&self, key: &str) -> bool {
        let run = self.run.borrow();
        match (run.tasks.get(key), &run.task_host) {
            (Some(r), Some(host)) if r.state == TaskState::Running => {
                host.cancel(key, r.id);
                true
            }
            _ => false,
        }
    }

    /// Forgets the task under `key` (cancelling it if it runs), so that
    /// [`Ui::task`] starts it anew.
    pub fn forget_task(&self, key: &str) {
        self.cancel_task(key);
        self.run.borrow_mut().tasks.remove(key);
    }

    /// Draws a progress bar that follows the task under `key` while it
    /// runs: it moves in the browser as the task reports progress, without
    /// a rerun (over the push channel; without JavaScript it shows the
    /// progress as of this run). Draws nothing once the task has ended, or
    /// if there is none.
    pub fn task_progress(&self, key: &str) -> Result<()> {
        if let Some(TaskStatus::Running(progress)) = self.task_result::<Value>(key)? {
            self.push(Element::Progress {
                percent: progress.percent.unwrap_or(0),
                text: progress.text,
                task: Some(key.to_owned()),
            });
        }
        Ok(())
    }
}

/// A task running on a thread of this process.
struct RunningTask {
    id: u64,
    cancel: CancelToken,
    progress: TaskProgress,
    /// It reported progress that `push` has not been given yet.
    unsent: bool,
    /// Where its progress goes as it is reported, if anywhere.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    push: Option<Push>,
    /// When it was asked to stop.
    cancelled_at: Option<std::time::Instant>,
    /// It ignored its cancellation for too long: it was reported
    /// cancelled, and what it returns is dropped.
    abandoned: bool,
}

/// What is told when a task ends: its session, key, id and outcome.
pub(crate) type OnEnd = Arc<dyn Fn(&str, &str, u64, TaskEnd) + Send + Sync>;

/// Where a session's task progress goes as it is reported: the task's
/// key, id and progress.
pub(crate) type Push = Arc<dyn Fn(&str, u64, &TaskProgress) + Send + Sync>;

/// The threads of one process that run background tasks, at most `limit`
/// at once (a task that ignores its cancellation holds its place until
/// its work returns).
pub(crate) struct TaskThreads {
    limit: usize,
    running: std::sync::Mutex<std::collections::HashMap<(String, String), RunningTask>>,
    on_end: OnEnd,
}

impl TaskThreads {
    pub(crate) fn new(limit: usize, on_end: OnEnd) -> Arc<Self> {
        Arc::new(TaskThreads {
            limit: limit.max(1),
            running: Default::default(),
            on_end,
        })
    }

    fn running(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<(String, String), RunningTask>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The host of `session`'s tasks.
    pub(crate) fn host(self: &Arc<Self>, session: &str) -> Arc<dyn TaskHost> {
        self.host_pushing(session, None)
    }

    /// The host of `session`'s tasks, whose progress goes to `push` at
    /// each [`TaskThreads::push_progress`].
    pub(crate) fn host_pushing(
        self: &Arc<Self>,
        session: &str,
        push: Option<Push>,
    ) -> Arc<dyn TaskHost> {
        Arc::new(SessionTasks {
            threads: self.clone(),
            session: session.to_owned(),
            push,
        })
    }

    fn start(self: &Arc<Self>, session: &str, start: TaskStart, push: Option<Push>) -> Result<()> {
        let TaskStart { key, id, work } = start;
        let cancel = CancelToken::new();
        {
            let mut running = self.running();
            if running.len() >= self.limit {
                return Err(Error::new(
                    ErrorKind::TaskLimit,
                    format!("task \"{key}\": {} background tasks run, as many as this process may run; try again later", self.limit),
                ));
            }
            let place = (session.to_owned(), key.clone());
            if running.contains_key(&place) {
                return Err(Error::new(
                    ErrorKind::TaskLimit,
                    format!("task \"{key}\": its previous start is still stopping; try again in a moment"),
                ));
            }
            let task = RunningTask {
                id,
                cancel: cancel.clone(),
                progress: TaskProgress::default(),
                unsent: false,
                push,
                cancelled_at: None,
                abandoned: false,
            };
            running.insert(place, task);
        }
        let threads = self.clone();
        let place = (session.to_owned(), key.clone());
        let spawned = std::thread::Builder::new()
            // Not named after the key: a name with a NUL byte cannot be given.
            .name("brooklet-task".into())
            .spawn(move || {
                let reporter = threads.clone();
                let at = place.clone();
                let report = Arc::new(move |p: TaskProgress| reporter.report(&at, id, p));
                let end = work(&TaskContext::new(cancel, report));
                threads.finished(place, id, end);
            });
        spawned.map(|_| ()).map_err(|e| {
            self.running().remove(&(session.to_owned(), key.clone()));
            Error::new(
                ErrorKind::TaskLimit,
                format!("task \"{key}\": no thread could be started for it: {e}"),
            )
        })
    }

    fn report(&self, at: &(String, String), id: u64, progress: TaskProgress) {
        if let Some(task) = self.running().get_mut(at).filter(|t| t.id == id) {
            task.progress = progress;
            task.unsent = true;
        }
    }

    fn finished(&self, at: (String, String), id: u64, end: TaskEnd) {
        let task = {
            let mut running = self.running();
            match running.get(&at) {
                Some(t) if t.id == id => running.remove(&at),
                _ => None,
            }
        };
        match task {
            Some(t) if t.abandoned => tracing::warn!(
                session = at.0.as_str(),
                task = at.1.as_str(),
                "a task that ignored its cancellation returned at last; its result is dropped"
            ),
            Some(_) => (self.on_end)(&at.0, &at.1, id, end),
            None => {}
        }
    }

    /// Asks task `id` of `session` under `key` to stop.
    pub(crate) fn cancel(&self, session: &str, key: &str, id: u64) {
        let mut running = self.running();
        if let Some(task) = running
            .get_mut(&(session.to_owned(), key.to_owned()))
            .filter(|t| t.id == id)
        {
            task.cancel.stop();
            task.cancelled_at
                .get_or_insert_with(std::time::Instant::now);
        }
    }

    fn progress(&self, session: &str, key: &str, id: u64) -> Option<TaskProgress> {
        self.running()
            .get(&(session.to_owned(), key.to_owned()))
            .filter(|t| t.id == id)
            .map(|t| t.progress.clone())
    }

    /// Tasks asked to stop more than `grace` ago that still run: each is
    /// reported cancelled now (logged), and what it returns later is
    /// dropped. Its thread cannot be killed; it keeps its place until it
    /// returns.
    pub(crate) fn abandon_overdue(&self, grace: std::time::Duration) {
        let mut overdue = Vec::new();
        for ((session, key), task) in self.running().iter_mut() {
            let late = task.cancelled_at.is_some_and(|t| t.elapsed() >= grace);
            if late && !task.abandoned {
                task.abandoned = true;
                overdue.push((session.clone(), key.clone(), task.id));
            }
        }
        for (session, key, id) in overdue {
            tracing::warn!(
                session = session.as_str(),
                task = key.as_str(),
                grace_ms = grace.as_millis() as u64,
                "a task ignored its cancellation; it is reported cancelled and its thread is left to return"
            );
            (self.on_end)(&session, &key, id, TaskEnd::Cancelled);
        }
    }

    #[cfg(feature = "server")]
    /// Gives each task's progress reported since the last call to its
    /// push: a task that reports faster is sent its latest only.
    pub(crate) fn push_progress(&self) {
        let due: Vec<(Push, String, u64, TaskProgress)> = self
            .running()
            .iter_mut()
            .filter(|(_, t)| t.unsent && !t.abandoned)
            .filter_map(|((_, key), t)| {
                t.unsent = false;
                let push = t.push.clone()?;
                Some((push, key.clone(), t.id, t.progress.clone()))
            })
            .collect();
        for (push, key, id, progress) in due {
            push(&key, id, &progress);
        }
    }

    #[cfg(feature = "server")]
    /// Has the next [`TaskThreads::push_progress`] send the progress of
    /// `session`'s tasks again (a client connected).
    pub(crate) fn resend(&self, session: &str) {
        for ((s, _), task) in self.running().iter_mut() {
            task.unsent |= s == session;
        }
    }

    #[cfg(feature = "server")]
    /// The sessions with tasks running (abandoned ones aside).
    pub(crate) fn sessions(&self) -> Vec<String> {
        let mut sessions: Vec<String> = self
            .running()
            .iter()
            .filter(|(_, t)| !t.abandoned)
            .map(|((session, _), _)| session.clone())
            .collect();
        sessions.sort();
        sessions.dedup();
        sessions
    }

    #[cfg(feature = "server")]
    /// Asks every task of `session` to stop (its session is gone).
    pub(crate) fn cancel_session(&self, session: &str) {
        let now = std::time::Instant::now();
        for ((s, _), task) in self.running().iter_mut() {
            if s == session {
                task.cancel.stop();
                task.cancelled_at.get_or_insert(now);
            }
        }
    }

    /// How many tasks run (abandoned ones included).
    pub(crate) fn count(&self) -> usize {
        self.running().len()
    }
}

/// One session's view of [`TaskThreads`].
struct SessionTasks {
    threads: Arc<TaskThreads>,
    session: String,
    push: Option<Push>,
}

impl TaskHost for SessionTasks {
    fn start(&self, start: TaskStart) -> Result<()> {
        self.threads.start(&self.session, start, self.push.clone())
    }
    fn cancel(&self, key: &str, id: u64) {
        self.threads.cancel(&self.session, key, id);
    }
    fn progress(&self, key: &str, id: u64) -> Option<TaskProgress> {
        self.threads.progress(&self.session, key, id)
    }
}
