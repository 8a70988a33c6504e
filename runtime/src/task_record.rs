//! What a background task is to the session and to the run (rule R48):
//! its record, how its work ended, what its work is given, and the host
//! that runs it. The work and the page's calls are in `task`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind, Result};

/// How far a task says it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskProgress {
    /// From 0 to 100, once it has said.
    pub percent: Option<u8>,
    /// What it is doing.
    pub text: Option<String>,
}

/// What a task's work is given: where to report progress and how to know
/// it was cancelled.
pub struct TaskContext {
    cancel: CancelToken,
    pub(crate) report: Arc<dyn Fn(TaskProgress) + Send + Sync>,
}

impl TaskContext {
    pub(crate) fn new(
        cancel: CancelToken,
        report: Arc<dyn Fn(TaskProgress) + Send + Sync>,
    ) -> Self {
        TaskContext { cancel, report }
    }

    /// Whether the task was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// `Err` once the task was asked to stop: `task.checkpoint()?` in its
    /// loop ends it there, as cancelled.
    pub fn checkpoint(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            return Err(Error::new(ErrorKind::Interrupted, "the task was cancelled"));
        }
        Ok(())
    }

    /// The task's cancellation, for threads or async work it starts.
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }
}

/// A task as its session keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct TaskRecord {
    /// This start of the task: a result of an earlier one under the same
    /// key, forgotten since, is not taken for this one's.
    pub id: u64,
    pub state: TaskState,
    /// The fragment that started it, rerun alone when it ends.
    pub fragment: Option<String>,
    /// The server process that runs it: if that process stops, the task
    /// is lost, and the processes that share its store say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum TaskState {
    Running,
    Done(Value),
    Failed(String),
    Cancelled,
}

/// A session's tasks, by key.
pub(crate) type Tasks = BTreeMap<String, TaskRecord>;

/// How a task's work ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum TaskEnd {
    Done(Value),
    Failed(String),
    Cancelled,
}

impl TaskEnd {
    pub(crate) fn state(self) -> TaskState {
        match self {
            TaskEnd::Done(v) => TaskState::Done(v),
            TaskEnd::Failed(m) => TaskState::Failed(m),
            TaskEnd::Cancelled => TaskState::Cancelled,
        }
    }
}

/// A task's work, its result already made storable.
pub(crate) type TaskWork = Box<dyn FnOnce(&TaskContext) -> TaskEnd + Send>;

/// What a page asks its host to start.
pub(crate) struct TaskStart {
    pub key: String,
    pub id: u64,
    pub work: TaskWork,
}

/// Where a session's tasks run: the process's threads, with what it knows
/// of their progress. One per session, bound to it.
pub(crate) trait TaskHost: Send + Sync {
    /// Starts the work on a thread of its own; `Err` when the process runs
    /// as many tasks as it may.
    fn start(&self, start: TaskStart) -> Result<()>;
    /// Asks task `id` to stop.
    fn cancel(&self, key: &str, id: u64);
    /// The progress task `id` last reported, if known here.
    fn progress(&self, key: &str, id: u64) -> Option<TaskProgress>;
    /// The process the tasks it starts run in, if others may ask.
    fn runner(&self) -> Option<String> {
        None
    }
}
