//! Where page code runs: a bounded set of blocking threads, never the
//! async workers that serve I/O. A slow page then stalls only its own
//! session; other sessions run beside it up to the pool's size, and wait
//! in a bounded queue beyond it. When the queue is full, an event is
//! answered "busy" at once rather than left hanging.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

/// Why a job did not run.
#[derive(Debug)]
pub(crate) enum PoolError {
    /// Every thread is busy and the queue is full.
    Busy,
    /// The job panicked outside page code (page code's panics are caught
    /// and shown on the page).
    Crashed(String),
}

/// The threads page code runs on, and the queue before them.
pub(crate) struct RunPool {
    threads: Arc<Semaphore>,
    /// Jobs running or waiting for a thread.
    admitted: Arc<AtomicUsize>,
    /// The most jobs running or waiting at once.
    capacity: usize,
}

/// A job's place, running or waiting; given back when dropped.
struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl RunPool {
    /// A pool that runs at most `threads` jobs at once, with at most
    /// `queue` more waiting.
    pub(crate) fn new(threads: usize, queue: usize) -> Self {
        let threads = threads.max(1);
        RunPool {
            threads: Arc::new(Semaphore::new(threads)),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: threads.saturating_add(queue),
        }
    }

    /// Runs `job` on one of the pool's threads and gives its result.
    ///
    /// Once started, a job runs to its end even if the caller stops
    /// waiting (its client went away): what it holds, such as a session's
    /// lock, is given back only then, with the session intact.
    pub(crate) async fn run<R: Send + 'static>(
        &self,
        job: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, PoolError> {
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admission = Admission(self.admitted.clone());
        if before >= self.capacity {
            return Err(PoolError::Busy);
        }
        let permit = self
            .threads
            .clone()
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        let job = move || {
            let _held = (permit, admission);
            job()
        };
        if on_many_workers() {
            // The job runs on this thread, whose caches are warm with the
            // event, while tokio hands this worker's other tasks to another
            // thread: the async workers keep serving I/O, and the event
            // does not wait for a blocking thread to wake. Measured
            // interleaved on the 100-widget page, this takes back about
            // two fifths of what the hop to spawn_blocking cost.
            return std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                tokio::task::block_in_place(job)
            }))
            .map_err(|payload| crashed(&*payload));
        }
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| match e.try_into_panic() {
                Ok(payload) => crashed(&*payload),
                Err(e) => PoolError::Crashed(e.to_string()),
            })
    }
}

/// Whether the runtime can lend this worker's tasks to another thread
/// while a job blocks it (a current-thread runtime, as in most tests,
/// cannot).
fn on_many_workers() -> bool {
    tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

fn crashed(payload: &(dyn std::any::Any + Send)) -> PoolError {
    let message = crate::error::panic_message(payload);
    tracing::error!(%message, "a job of the run pool panicked");
    PoolError::Crashed(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn jobs_beyond_the_threads_and_the_queue_are_refused_at_once() {
        let pool = Arc::new(RunPool::new(2, 1));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = Arc::new(std::sync::Mutex::new(wait));
        let mut running = Vec::new();
        for _ in 0..3 {
            let (pool, wait) = (pool.clone(), wait.clone());
            running.push(tokio::spawn(async move {
                pool.run(move || wait.lock().unwrap().recv().unwrap())
                    .await
                    .is_ok()
            }));
        }
        while pool.admitted.load(Ordering::Acquire) < 3 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(matches!(pool.run(|| ()).await, Err(PoolError::Busy)));
        for _ in 0..3 {
            release.send(()).unwrap();
        }
        for job in running {
            assert!(job.await.unwrap());
        }
        assert!(pool.run(|| ()).await.is_ok(), "room again once they ended");
    }

    #[tokio::test]
    async fn a_panic_outside_page_code_is_an_error_not_a_crash() {
        let pool = RunPool::new(1, 0);
        let outcome = pool.run(|| panic!("boom")).await;
        assert!(matches!(outcome, Err(PoolError::Crashed(m)) if m == "boom"));
        assert!(pool.run(|| 1).await.is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_many_workers_a_job_runs_in_place_and_its_panic_is_an_error() {
        let pool = RunPool::new(1, 0);
        let outcome = pool.run(|| panic!("boom")).await;
        assert!(matches!(outcome, Err(PoolError::Crashed(m)) if m == "boom"));
        assert_eq!(pool.run(|| 1).await.unwrap(), 1, "its place was given back");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_blocked_job_in_place_leaves_the_workers_serving() {
        let pool = Arc::new(RunPool::new(4, 0));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let blocked = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.run(move || wait.recv().unwrap()).await.is_ok() })
        };
        while pool.admitted.load(Ordering::Acquire) < 1 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        // Timers and other tasks still run on the async workers.
        for _ in 0..20 {
            let t = tokio::spawn(async { tokio::time::sleep(Duration::from_millis(1)).await });
            t.await.unwrap();
        }
        release.send(()).unwrap();
        assert!(blocked.await.unwrap());
    }
}
