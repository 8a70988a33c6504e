//! The headless harness: run an app's pages without a server or a browser,
//! the way Streamlit's `AppTest` does, on the very engine the server uses.
//!
//! ```
//! use brooklet::prelude::*;
//! use brooklet::testing::{AppTest, Target};
//!
//! fn counter(ui: &Ui<'_>) -> brooklet::Result<()> {
//!     let n = ui.state().setdefault("n", 0)?;
//!     if ui.button("Add").show()? {
//!         ui.state().set("n", &(n + 1))?;
//!     }
//!     ui.text(format!("n = {}", ui.state().get::<i64>("n")?));
//!     Ok(())
//! }
//!
//! let mut t = AppTest::new(App::new().page(Page::new("app", counter)));
//! t.run().unwrap();
//! t.click(Target::label("button", "Add")).unwrap();
//! assert_eq!(t.texts(), ["n = 1"]);
//! ```
//!
//! Like a browser, the harness sends back, on every run, the value of every
//! widget on screen; on a page switch it sends only the entrypoint's widgets
//! (R35). A widget's value is read back from session state after each run, as
//! AppTest does; a widget whose key user code deleted keeps sending the last
//! value that could be read.

use std::collections::BTreeMap;

use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::task::{TaskEnd, TaskStatus, TaskThreads};

use crate::error::{Error, ErrorKind, Result};
use crate::identity::{IdMap, IdSet, PageId, WidgetId};
use crate::pages::App;

/// What a run produces, for tests that look at it closely: the element
/// tree, the session, the event the harness sends, and their parts.
pub use crate::elements::{
    AlertKind, ChartKind, Element, ElementTree, NodeId, StatusState, WidgetElement,
};
pub use crate::params::Kind;
pub use crate::session::{Event, RunEnd, RunOutput, Session};
pub use crate::session_state::SessionState;
pub use crate::ui::QueryParams;

/// Picks one widget on screen: by kind and key or label, and the index
/// among the widgets that match (0 by default).
#[derive(Clone, Debug)]
pub struct Target {
    kind: String,
    by: By,
    index: usize,
}

#[derive(Clone, Debug)]
enum By {
    Key(String),
    Label(String),
}

impl Target {
    /// The widget of `kind` (a command name such as `"text_input"`) with `key`.
    pub fn key(kind: &str, key: impl Into<String>) -> Self {
        Target {
            kind: kind.into(),
            by: By::Key(key.into()),
            index: 0,
        }
    }

    /// The widget of `kind` with `label`.
    pub fn label(kind: &str, label: impl Into<String>) -> Self {
        Target {
            kind: kind.into(),
            by: By::Label(label.into()),
            index: 0,
        }
    }

    /// The `index`th of the widgets that match (0-based).
    pub fn index(mut self, index: usize) -> Self {
        self.index = index;
        self
    }

    fn matches(&self, w: &WidgetElement) -> bool {
        w.kind.name() == self.kind
            && match &self.by {
                By::Key(k) => w.key.as_deref() == Some(k.as_str()),
                By::Label(l) => w.label == *l,
            }
    }
}

/// A widget as a test sees it after a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WidgetView {
    /// Its identity.
    pub id: WidgetId,
    /// Its kind.
    pub kind: Kind,
    /// Its user key.
    pub key: Option<String>,
    /// Its label.
    pub label: String,
    /// Its value: a change staged and not sent yet, or else its value in
    /// session state after the run; `None` when user code deleted its key.
    pub value: Option<Value>,
    /// What the widget call returned during the run.
    pub returned: Value,
}

/// A session on an app, driven as a user would drive it.
pub struct AppTest {
    app: App,
    session: Session,
    last: Option<RunOutput>,
    /// The last value of each widget on screen that could be read.
    held: IdMap<Value>,
    staged: Vec<(WidgetId, Value)>,
    /// Every interaction reruns the whole page, as Streamlit's AppTest does.
    full_runs: bool,
    /// Fields of a `clear_on_submit` form after its submit: the browser shows
    /// (and the next submit sends) their defaults (R31).
    cleared: IdMap<Value>,
    /// The query parameters this harness put in the URL, as AppTest keeps them.
    sent_query: QueryParams,
    /// The threads its session's background tasks run on.
    tasks: Arc<TaskThreads>,
    /// Tasks that ended: key, id and outcome, for [`AppTest::wait_for_tasks`].
    ended: mpsc::Receiver<(String, u64, TaskEnd)>,
    /// How long a cancelled task may take to stop before it is reported
    /// cancelled anyway.
    task_grace: Duration,
}

/// The most background tasks an `AppTest` runs at once.
const HARNESS_TASKS: usize = 64;

impl AppTest {
    /// A new session on `app`. Nothing runs until [`AppTest::run`].
    pub fn new(app: App) -> Self {
        let (tell, ended) = mpsc::channel();
        let tell = std::sync::Mutex::new(tell);
        let on_end: crate::task::OnEnd = Arc::new(move |_: &str, key: &str, id, end| {
            let _ = tell
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .send((key.to_owned(), id, end));
        });
        let tasks = TaskThreads::new(HARNESS_TASKS, on_end);
        let mut session = Session::new();
        session.task_host = Some(tasks.host("apptest"));
        AppTest {
            app,
            session,
            last: None,
            held: IdMap::default(),
            staged: Vec::new(),
            full_runs: false,
            cleared: IdMap::default(),
            sent_query: QueryParams::new(),
            tasks,
            ended,
            task_grace: Duration::from_secs(10),
        }
    }

    /// How long a cancelled task may take to stop before
    /// [`AppTest::wait_for_tasks`] reports it cancelled anyway (10 s by
    /// default, as the server's `--task-grace-secs`).
    pub fn task_grace(&mut self, grace: Duration) -> &mut Self {
        self.task_grace = grace;
        self
    }

    /// Waits until every background task of the session has ended, and
    /// runs what each end causes (a rerun of the page, or of the fragment
    /// that started it), in the order they ended, as the server does.
    /// `Err` if some still run after `timeout`.
    pub fn wait_for_tasks(&mut self, timeout: Duration) -> Result<&mut Self> {
        let deadline = Instant::now() + timeout;
        while self.session.running_tasks().next().is_some() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let keys: Vec<&str> = self.session.running_tasks().map(|(k, _)| k).collect();
                return Err(Error::new(
                    ErrorKind::TaskLimit,
                    format!("tasks {keys:?} still run after {timeout:?}"),
                ));
            }
            self.tasks.abandon_overdue(self.task_grace);
            let Ok((key, id, end)) = self.ended.recv_timeout(left.min(Duration::from_millis(20)))
            else {
                continue;
            };
            if let Some(mut event) = self.session.task_ended(&key, id, end) {
                event.widgets = self.browser_values(None, false);
                self.send(event)?;
            }
        }
        Ok(self)
    }

    /// The background task under `key`, as the page reads it with
    /// [`crate::Ui::task_result`].
    pub fn task_status<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<TaskStatus<T>>> {
        let Some(record) = self.session.tasks.get(key) else {
            return Ok(None);
        };
        crate::task::status_of(key, record, self.session.task_host.as_deref()).map(Some)
    }

    /// How many task threads run now, those that ignore their cancellation
    /// included.
    pub fn task_threads(&self) -> usize {
        self.tasks.count()
    }

    /// Makes every interaction rerun the whole page, even one with a
    /// fragment's widget, as Streamlit's AppTest does (its README,
    /// limitation 3). A browser gets a fragment run there (R32).
    pub fn rerun_whole_page_on_interaction(&mut self, yes: bool) -> &mut Self {
        self.full_runs = yes;
        self
    }

    /// Runs the current page (the default page at first), sending the
    /// values of the widgets on screen and any staged changes.
    pub fn run(&mut self) -> Result<&mut Self> {
        let widgets = self.browser_values(None, false);
        self.send(Event {
            page: None,
            widgets,
            query_params: None,
            full_run: self.full_runs,
            fragment: None,
        })
    }

    /// Runs the first time with these query parameters in the URL.
    pub fn run_with_query_params(&mut self, query: QueryParams) -> Result<&mut Self> {
        let widgets = self.browser_values(None, false);
        self.sent_query = query.clone();
        self.send(Event {
            page: None,
            widgets,
            query_params: Some(query),
            full_run: false,
            fragment: None,
        })
    }

    /// Sets a widget's value as the user would, then reruns. A widget drawn
    /// with `ignore_changes` does not cause a run: its value waits for the
    /// next one, as in the browser (R44).
    pub fn set_value(&mut self, target: Target, value: impl Serialize) -> Result<&mut Self> {
        let ignores = self.find(&target)?.ignore_changes;
        self.stage_value(target, value)?;
        if ignores {
            return Ok(self);
        }
        self.run()
    }

    /// Sets a widget's value without rerunning (a change that waits, like
    /// typing into a form field); the next run sends it.
    pub fn stage_value(&mut self, target: Target, value: impl Serialize) -> Result<&mut Self> {
        let id = self.find(&target)?.id;
        let value = serde_json::to_value(value).map_err(|e| {
            Error::new(
                ErrorKind::InvalidValue,
                format!("the value cannot be sent: {e}"),
            )
        })?;
        self.staged.retain(|(staged, _)| *staged != id);
        self.staged.push((id, value));
        Ok(self)
    }

    /// Clicks a button, then reruns; the button is `true` for that run.
    pub fn click(&mut self, target: Target) -> Result<&mut Self> {
        let id = self.find(&target)?.id;
        let widgets = self.browser_values(Some(id), false);
        self.send(Event {
            page: None,
            widgets,
            query_params: None,
            full_run: self.full_runs,
            fragment: None,
        })
    }

    /// The timer of a fragment drawn with `fragment_every` fires: the
    /// fragment with `key` runs alone, as the browser's timer runs it.
    pub fn tick_fragment(&mut self, key: &str) -> Result<&mut Self> {
        let widgets = self.browser_values(None, false);
        self.send(Event {
            page: None,
            widgets,
            query_params: None,
            full_run: false,
            fragment: Some(key.to_owned()),
        })
    }

    /// Opens another page, as the navigation would: only the entrypoint's
    /// widgets are sent (R35).
    pub fn switch_page(&mut self, path: &str) -> Result<&mut Self> {
        let widgets = self.browser_values(None, true);
        self.send(Event {
            page: Some(path.to_owned()),
            widgets,
            query_params: None,
            full_run: self.full_runs,
            fragment: None,
        })
    }

    fn find(&self, target: &Target) -> Result<&WidgetElement> {
        let tree = self.tree_or_err()?;
        tree.widgets()
            .filter(|w| target.matches(w))
            .nth(target.index)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownWidget,
                    format!("no widget on screen matches {target:?}"),
                )
            })
    }

    fn tree_or_err(&self) -> Result<&ElementTree> {
        self.last
            .as_ref()
            .map(|_| self.session.tree())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownWidget,
                    "nothing has run yet; call `run()` first",
                )
            })
    }

    /// What the browser would send: every widget on screen with its value
    /// (triggers false unless clicked), staged changes applied.
    fn browser_values(
        &mut self,
        clicked: Option<WidgetId>,
        page_switch: bool,
    ) -> Vec<(WidgetId, Value)> {
        let staged = std::mem::take(&mut self.staged);
        if self.last.is_none() {
            return Vec::new();
        }
        let tree = self.session.tree();
        // R29: a form's changes are sent only by a click on its submit button;
        // any other event sends the form's last submitted values (and, as
        // AppTest does, forgets the unsent changes).
        let submitting = tree
            .widgets()
            .find(|w| Some(w.id) == clicked && w.kind.submits_form())
            .and_then(|w| w.form.clone());
        tree.widgets()
            .filter(|w| !page_switch || w.script == PageId::ENTRYPOINT)
            .filter_map(|w| {
                let staged_value = staged
                    .iter()
                    .find(|(id, _)| *id == w.id)
                    .filter(|_| w.form.is_none() || w.form == submitting);
                let submitted = w.form.is_some() && w.form == submitting;
                let value = if w.kind.is_trigger() {
                    let message = w.params.get().shape() == crate::params::ValueShape::Message;
                    match staged_value {
                        // A chat message sent.
                        Some((_, v)) if message => v.clone(),
                        _ if clicked == Some(w.id) => Value::Bool(true),
                        _ => w.params.get().rest(),
                    }
                } else if let Some((_, v)) = staged_value {
                    v.clone()
                } else if let Some(v) = self.cleared.get(&w.id).filter(|_| submitted) {
                    v.clone()
                } else {
                    self.held.get(&w.id)?.clone()
                };
                Some((w.id, value))
            })
            .collect()
    }

    fn send(&mut self, event: Event) -> Result<&mut Self> {
        let output = self.session.handle(&self.app, event)?;
        let tree = self.session.tree();
        let on_screen: IdSet = tree.widgets().map(|w| w.id).collect();
        self.cleared.retain(|id, _| on_screen.contains(id));
        for w in tree.widgets() {
            if let (true, Some(default)) = (w.reset, &w.clear_default) {
                self.cleared.insert(w.id, default.clone());
            }
        }
        let state = self.session.state();
        let mut held = IdMap::default();
        for w in tree.widgets() {
            let value = state
                .widget_value(w.id)
                .cloned()
                .or_else(|| self.held.get(&w.id).cloned())
                .unwrap_or_else(|| w.value.clone());
            held.insert(w.id, value);
        }
        self.held = held;
        self.last = Some(output);
        Ok(self)
    }

    // ---- reading back ----

    /// The last run's output.
    pub fn output(&self) -> Option<&RunOutput> {
        self.last.as_ref()
    }

    /// The last run's element tree (empty before the first run).
    pub fn tree(&self) -> &ElementTree {
        self.session.tree()
    }

    /// The page that ran last.
    pub fn page(&self) -> Option<&str> {
        self.last.as_ref().map(|o| o.page.as_str())
    }

    /// How the last run ended.
    pub fn run_end(&self) -> Option<RunEnd> {
        self.last.as_ref().map(|o| o.end)
    }

    /// The widgets on screen, in page order (main area, then sidebar).
    pub fn widgets(&self) -> Vec<WidgetView> {
        if self.last.is_none() {
            return Vec::new();
        }
        let state = self.session.state();
        self.session
            .tree()
            .widgets()
            .map(|w| WidgetView {
                id: w.id,
                kind: w.kind,
                key: w.key.clone(),
                label: w.label.clone(),
                // A change not sent yet shows in the widget, not in the state.
                value: self
                    .staged
                    .iter()
                    .find(|(id, _)| *id == w.id)
                    .map(|(_, v)| v.clone())
                    .or_else(|| state.widget_value(w.id).cloned()),
                returned: w.value.clone(),
            })
            .collect()
    }

    /// One widget on screen.
    pub fn widget(&self, target: Target) -> Result<WidgetView> {
        let id = self.find(&target)?.id;
        Ok(self
            .widgets()
            .into_iter()
            .find(|w| w.id == id)
            .expect("found above"))
    }

    /// The user-visible session state, sorted by key.
    pub fn session_state(&self) -> BTreeMap<String, Value> {
        self.session.state().filtered()
    }

    /// The text elements' bodies, in page order.
    pub fn texts(&self) -> Vec<String> {
        self.collect(|t| t.texts().into_iter().map(str::to_owned).collect())
    }

    /// The markdown elements' bodies, in page order.
    pub fn markdown(&self) -> Vec<String> {
        self.collect(|t| t.markdown().into_iter().map(str::to_owned).collect())
    }

    /// The captions' markdown, in page order.
    pub fn captions(&self) -> Vec<String> {
        self.collect(|t| t.captions().into_iter().map(str::to_owned).collect())
    }

    /// The HTML elements' sources as the page gave them (the page shows
    /// them sanitised), in page order.
    pub fn html(&self) -> Vec<String> {
        self.collect(|t| t.html().into_iter().map(str::to_owned).collect())
    }

    /// The link buttons: label and URL, in page order.
    pub fn link_buttons(&self) -> Vec<(String, String)> {
        self.collect(|t| {
            t.link_buttons()
                .into_iter()
                .map(|(l, u)| (l.to_owned(), u.to_owned()))
                .collect()
        })
    }

    /// The alerts (info, success, warning, error), in page order.
    pub fn alerts(&self) -> Vec<(AlertKind, String)> {
        self.collect(|t| {
            t.alerts()
                .into_iter()
                .map(|(k, b)| (k, b.to_owned()))
                .collect()
        })
    }

    /// The progress bars shown: how far (0 to 100), and their text.
    pub fn progress_bars(&self) -> Vec<(u8, Option<String>)> {
        self.collect(|t| {
            t.progress_bars()
                .into_iter()
                .map(|(p, text)| (p, text.map(str::to_owned)))
                .collect()
        })
    }

    /// The spinners shown (a run that ended shows none: `spinner` removes
    /// its own when its work is done).
    pub fn spinners(&self) -> Vec<String> {
        self.collect(|t| t.spinners().into_iter().map(str::to_owned).collect())
    }

    /// The status containers shown: label and state.
    pub fn statuses(&self) -> Vec<(String, StatusState)> {
        self.collect(|t| {
            t.statuses()
                .into_iter()
                .map(|(l, s)| (l.to_owned(), s))
                .collect()
        })
    }

    /// The toasts shown.
    pub fn toasts(&self) -> Vec<String> {
        self.collect(|t| t.toasts().into_iter().map(str::to_owned).collect())
    }

    /// The errors shown on the page.
    pub fn exceptions(&self) -> Vec<(ErrorKind, String)> {
        self.collect(|t| {
            t.exceptions()
                .into_iter()
                .map(|(k, m)| (k, m.to_owned()))
                .collect()
        })
    }

    /// The query parameters as the session sees them (what page code reads).
    pub fn query_params(&self) -> QueryParams {
        self.session.query_params().clone()
    }

    /// The query parameters the browser's URL shows after the last run:
    /// the session's, with the values of bound widgets (R40).
    pub fn url_query_params(&self) -> QueryParams {
        self.last
            .as_ref()
            .map(|o| o.url_query.clone())
            .unwrap_or_default()
    }

    /// The query parameters this harness put into the URL itself
    /// ([`AppTest::run_with_query_params`]): what Streamlit's AppTest
    /// records, since it never takes the URL changes the app makes.
    pub fn sent_query_params(&self) -> QueryParams {
        self.sent_query.clone()
    }

    /// The fragment that ran alone in the last run, if it was a fragment run.
    pub fn fragment_ran(&self) -> Option<&str> {
        self.last.as_ref().and_then(|o| o.fragment.as_deref())
    }

    /// The session itself.
    pub fn session(&self) -> &Session {
        &self.session
    }

    fn collect<T>(&self, f: impl Fn(&ElementTree) -> Vec<T>) -> Vec<T> {
        f(self.session.tree())
    }
}
