//! A session: one browser tab's state, what its last run drew, and the
//! replay that gives a session loaded from a store its callbacks back.
//! Handling an event is the run, in `run.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::elements::{Element, ElementTree};
use crate::fragment::FragmentEntry;
use crate::identity::{IdMap, WidgetId};
use crate::pages::App;
use crate::register::Callback;
use crate::run::RunOptions;
use crate::session_state::SessionState;
use crate::ui::QueryParams;

/// How many `rerun()`s in a row one event may cause before brooklet calls it
/// a loop and shows an error instead of hanging.
pub(crate) const MAX_RERUNS: u32 = 100;

/// What the browser sends: the values of the widgets it shows (a clicked
/// button as `true`), and the page to show.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Event {
    /// The page to run; `None` keeps the current page (the default page at first).
    pub page: Option<String>,
    /// Widget values, in the order the browser holds them.
    pub widgets: Vec<(WidgetId, Value)>,
    /// The URL's query parameters, when the browser sends them (first load, back/forward).
    pub query_params: Option<QueryParams>,
    /// Run the whole page even if only a fragment's widgets changed. The
    /// browser never asks for this; the conformance replay does, because
    /// Streamlit's AppTest reruns the whole app on every interaction.
    #[serde(default)]
    pub full_run: bool,
    /// Run this fragment alone: the browser's timer of a fragment drawn
    /// with [`Ui::fragment_every`](crate::Ui::fragment_every). A key the
    /// last run did not draw is a plain rerun.
    #[serde(default)]
    pub fragment: Option<String>,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RunEnd {
    /// The page ran to its end; clean-up ran.
    Completed,
    /// `stop()` ended it; no clean-up (R16).
    Stopped,
    /// An error or a panic ended it; shown on the page, no clean-up (R16).
    Failed,
    /// A newer event superseded it at a `Ui` call or `checkpoint()`: no
    /// clean-up (R16); the newer event runs the page again.
    Interrupted,
}

/// What one event produced. What the page shows is the session's
/// [`Session::tree`].
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// The page that ran.
    pub page: String,
    /// How the last run ended.
    pub end: RunEnd,
    /// How many times `rerun()` restarted the run.
    pub reruns: u32,
    /// The fragment that ran alone, if the last run was a fragment run (R32).
    pub fragment: Option<String>,
    /// The query parameters the browser's URL should show: the session's,
    /// with the values of widgets bound to the URL (R40).
    pub url_query: QueryParams,
}

/// One user's session (a browser tab): widget values, session state, the
/// current page. The state is plain serde data; callbacks are code, so they
/// live beside it, are not serialised, and are re-established by the next
/// run that draws them (or by [`Session::restore_callbacks`] in a process
/// that loaded the session from a store).
#[derive(Default, Serialize, Deserialize)]
pub struct Session {
    pub(crate) state: SessionState,
    #[serde(skip)]
    pub(crate) callbacks: IdMap<Callback>,
    pub(crate) page: Option<String>,
    pub(crate) query_params: QueryParams,
    pub(crate) runs: u64,
    /// How many widgets the last run drew: sizes the next run's sets.
    pub(crate) last_drawn: usize,
    /// The fragments drawn in the last full run, with their code (R32).
    /// Code is not serialised: a process that loads the session restores
    /// them as it restores callbacks.
    #[serde(skip)]
    pub(crate) fragments: std::collections::BTreeMap<std::sync::Arc<str>, FragmentEntry>,
    /// What the browser shows: the last run's element tree. A fragment
    /// run redraws its part of it (R32); a full run reuses its allocation.
    #[serde(default)]
    pub(crate) tree: ElementTree,
    /// Events taken: the sequence number the next event must carry, so a
    /// replayed or stale event is refused.
    #[serde(default)]
    pub(crate) events: u64,
    /// Clicks of an event merged into the next one (R47): its run was
    /// superseded before its page started, so the next run sees them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) carried_clicks: Vec<Carried>,
    /// Its background tasks, by key: running, or ended with their outcome.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub(crate) tasks: crate::task_record::Tasks,
    /// Where its tasks run: the process serving it (not serialised).
    #[serde(skip)]
    pub(crate) task_host: Option<std::sync::Arc<dyn crate::task_record::TaskHost>>,
    /// The files its download buttons serve, by widget: those of the last
    /// full run (and fragment runs since).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub(crate) media: std::collections::BTreeMap<WidgetId, crate::elements::MediaFile>,
    /// A task ended while no client was connected to show it: the page
    /// reruns when one connects (or at the next event).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) task_rerun_owed: bool,
}

impl Session {
    /// A new session: nothing has run yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Its widget values and session state.
    pub fn state(&self) -> &SessionState {
        &self.state
    }

    /// How many events it has taken, not counting those a newer event
    /// superseded: the sequence number its next event carries.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The file the download button `id` serves, if the page drew it.
    pub fn media(&self, id: WidgetId) -> Option<&crate::elements::MediaFile> {
        self.media.get(&id)
    }

    /// The element tree the browser shows.
    pub fn tree(&self) -> &ElementTree {
        &self.tree
    }

    /// The page of the last run.
    pub fn current_page(&self) -> Option<&str> {
        self.page.as_deref()
    }

    /// The query parameters as the session sees them.
    pub fn query_params(&self) -> &QueryParams {
        &self.query_params
    }

    /// How many events have run.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Whether a widget the last run drew has a callback that this process
    /// does not hold: true for a session loaded from a store (after a
    /// restart, or on another replica), whose callbacks were code of the
    /// process that saved it.
    pub fn lacks_callbacks(&self) -> bool {
        (self.fragments.is_empty()
            && self
                .tree
                .iter()
                .any(|e| matches!(e, Element::Fragment { .. })))
            || self
                .state
                .widget_metas()
                .any(|(id, meta)| meta.has_callback && !self.callbacks.contains_key(&id))
    }

    /// Re-establishes the callbacks of a session loaded from a store.
    ///
    /// Callbacks are closures and cannot be serialised. Before this process
    /// handles an event of such a session, it replays the last run on a
    /// scratch copy: the page runs with no new browser values, every state
    /// change and every output of the replay is thrown away, and only the
    /// callbacks it registers are kept. Their arguments are captured again
    /// from the stored state, so page code must be deterministic (the same
    /// state draws the same widgets with the same callbacks), which is what
    /// reruns already assume.
    pub fn restore_callbacks(&mut self, app: &App) {
        if !self.lacks_callbacks() {
            return;
        }
        let Ok(page) = app.find(self.page.as_deref()).cloned() else {
            return;
        };
        let mut scratch = Session {
            state: self.state.clone(),
            callbacks: IdMap::default(),
            page: self.page.clone(),
            query_params: self.query_params.clone(),
            runs: self.runs,
            last_drawn: self.last_drawn,
            fragments: Default::default(),
            tree: ElementTree::new(),
            events: self.events,
            carried_clicks: Vec::new(),
            // The replay reads the tasks, and never starts one (no host).
            tasks: self.tasks.clone(),
            task_host: None,
            task_rerun_owed: false,
            media: Default::default(),
        };
        let mut tree = ElementTree::new();
        // One run, whatever it asks for (`rerun()`, `stop()`, an error): the
        // callbacks registered until it ended are those the last run had.
        let options = RunOptions {
            url_seeds: false,
            full_run: true,
            fragment: None,
            cancel: Default::default(),
            stream: None,
        };
        let _ = scratch.run_once(
            app,
            &page,
            Vec::new(),
            &mut tree,
            options,
            &mut Default::default(),
        );
        // Fragment code comes from the replay; where each fragment is on the
        // page comes from the stored tree, which is what the browser shows.
        for (key, entry) in std::mem::take(&mut scratch.fragments) {
            if let Some(node) = self.tree.fragment_node(&key) {
                self.fragments
                    .entry(key)
                    .or_insert(FragmentEntry { node, ..entry });
            }
        }
        let mut restored = scratch.callbacks;
        restored.retain(|id, _| self.state.meta(*id).is_some_and(|m| m.has_callback));
        for (id, callback) in restored {
            self.callbacks.entry(id).or_insert(callback);
        }
    }
}

/// A trigger used in an event that a newer one merged (R47): its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum Carried {
    /// A trigger and the value it had: a chat message, or `true`.
    Used(WidgetId, Value),
    /// A click, as sessions stored before chat inputs carry it.
    Click(WidgetId),
}

impl Carried {
    pub(crate) fn into_parts(self) -> (WidgetId, Value) {
        match self {
            Carried::Used(id, v) => (id, v),
            Carried::Click(id) => (id, Value::Bool(true)),
        }
    }
}
