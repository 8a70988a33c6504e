//! A run's cancellation: the signal a newer event (stale) or the page's
//! Stop control (stop) sends to a run that is going, and the token page
//! code hands to the threads and async work it starts.
//!
//! The run itself notices at its next `Ui` call or `checkpoint()`; work the
//! page started notices through [`CancelToken::is_cancelled`] or awaits
//! [`CancelToken::cancelled`].

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

/// Why a run was asked to end early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CancelReason {
    /// A newer event of the session arrived: the run is stale, and the new
    /// event reruns the page (like Streamlit's fast reruns).
    Superseded,
    /// The user pressed Stop: the run ends as `stop()` ends it (R16).
    Stopped,
}

const LIVE: u8 = 0;
const SUPERSEDED: u8 = 1;
const STOPPED: u8 = 2;

/// A run's cancellation, shared by the run, the session loop that can end
/// it, and whatever work the page starts. Cloning gives the same token.
#[derive(Clone, Debug, Default)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    reason: AtomicU8,
    token: CancellationToken,
}

impl CancelToken {
    /// A token nothing has cancelled yet.
    pub fn new() -> Self {
        CancelToken::default()
    }

    /// Whether the run this token belongs to was asked to end.
    pub fn is_cancelled(&self) -> bool {
        self.inner.reason.load(Ordering::Acquire) != LIVE
    }

    /// Resolves once the run is asked to end: for async work the page
    /// starts (`tokio::select!` on it).
    pub async fn cancelled(&self) {
        self.inner.token.cancelled().await
    }

    /// Ends the run as a newer event of its session does (R47): at its
    /// next `Ui` call, with no clean-up. The server calls it; tests of
    /// pages call it to stand for a newer event.
    pub fn supersede(&self) {
        self.cancel(CancelReason::Superseded)
    }

    /// Ends the run as the page's Stop control does: like `stop()` (R16).
    pub fn stop(&self) {
        self.cancel(CancelReason::Stopped)
    }

    /// Asks the run to end. The first reason given is the one that counts.
    pub(crate) fn cancel(&self, reason: CancelReason) {
        let code = match reason {
            CancelReason::Superseded => SUPERSEDED,
            CancelReason::Stopped => STOPPED,
        };
        let _ = self
            .inner
            .reason
            .compare_exchange(LIVE, code, Ordering::AcqRel, Ordering::Acquire);
        self.inner.token.cancel();
    }

    /// Why the run was asked to end, if it was.
    pub(crate) fn reason(&self) -> Option<CancelReason> {
        match self.inner.reason.load(Ordering::Acquire) {
            SUPERSEDED => Some(CancelReason::Superseded),
            STOPPED => Some(CancelReason::Stopped),
            _ => None,
        }
    }
}

/// The payload a run unwinds with when it notices it was superseded at a
/// `Ui` call that returns no `Result` (a text, a progress bar): the run's
/// boundary turns it back into an [`crate::ErrorKind::Interrupted`] end.
pub(crate) struct Interrupted(pub(crate) crate::error::Error);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reason_counts_and_clones_share_it() {
        let token = CancelToken::new();
        let work = token.clone();
        assert!(!work.is_cancelled());
        token.cancel(CancelReason::Stopped);
        token.cancel(CancelReason::Superseded);
        assert!(work.is_cancelled());
        assert_eq!(work.reason(), Some(CancelReason::Stopped));
    }
}
