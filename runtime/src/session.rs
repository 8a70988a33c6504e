//! A session and the handling of one event, in the order of the spec
//! (Part B §0): check the event, page-switch clean-up (R35), compaction,
//! browser values, callbacks (R25–R27), the page from the top, and the
//! end-of-run clean-up (R14–R16) or the rerun (R41).

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::elements::{Element, ElementTree, MAIN};
use crate::error::{Error, ErrorKind, Result};
use crate::fragment::FragmentEntry;
use crate::identity::{IdMap, IdSet, PageId, WidgetId};
use crate::pages::App;
use crate::run::{catch_panics, QueryParams, RunCtx, Ui};
use crate::session_state::SessionState;
use crate::widgets::Callback;

/// How many `rerun()`s in a row one event may cause before brooklet calls it
/// a loop and shows an error instead of hanging.
pub const MAX_RERUNS: u32 = 100;

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
    state: SessionState,
    #[serde(skip)]
    callbacks: IdMap<Callback>,
    page: Option<String>,
    query_params: QueryParams,
    runs: u64,
    /// How many widgets the last run drew: sizes the next run's sets.
    last_drawn: usize,
    /// The fragments drawn in the last full run, with their code (R32).
    /// Code is not serialised: a process that loads the session restores
    /// them as it restores callbacks.
    #[serde(skip)]
    fragments: std::collections::BTreeMap<std::sync::Arc<str>, FragmentEntry>,
    /// What the browser shows: the last run's element tree. A fragment
    /// run redraws its part of it (R32); a full run reuses its allocation.
    #[serde(default)]
    tree: ElementTree,
    /// Events taken: the sequence number the next event must carry, so a
    /// replayed or stale event is refused.
    #[serde(default)]
    events: u64,
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

    /// How many events it has taken: the sequence number its next event
    /// carries.
    pub fn events(&self) -> u64 {
        self.events
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
        };
        let mut tree = ElementTree::new();
        // One run, whatever it asks for (`rerun()`, `stop()`, an error): the
        // callbacks registered until it ended are those the last run had.
        let options = RunOptions {
            url_seeds: false,
            full_run: true,
            fragment: None,
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

    /// Handles one event. An event that cannot be taken (an unknown page, a
    /// value for a widget that was not drawn, a value the widget cannot
    /// hold) is rejected with an error and changes nothing. Errors of the
    /// page itself are shown in the output instead.
    pub fn handle(&mut self, app: &App, event: Event) -> Result<RunOutput> {
        let page = app
            .find(event.page.as_deref().or(self.page.as_deref()))?
            .clone();
        let browser = self.check_values(event.widgets)?;
        let url_seeds = event.query_params.is_some();
        let switched = self.page.as_deref().is_some_and(|p| p != page.path());
        match event.query_params {
            Some(q) => self.query_params = q,
            // A page switch leaves the old page's parameters behind; bound
            // widgets that survive write theirs again (R36, R40).
            None if switched => self.query_params.clear(),
            None => {}
        }

        // R35: a page switch removes every widget the browser did not send
        // (it sends only the entrypoint's), before the new page runs.
        if switched {
            let sent: IdSet = browser.iter().map(|(id, _, _)| *id).collect();
            self.state.reset_triggers();
            self.state.remove_stale_widgets(&sent, None);
            self.callbacks.retain(|id, _| sent.contains(id));
            self.fragments.clear();
        }

        let mut browser = browser;
        let mut reruns = 0;
        // The last run's tree: a fragment run redraws its part, a full run
        // draws anew into its allocation.
        let mut tree = std::mem::take(&mut self.tree);
        let mut options = RunOptions {
            url_seeds,
            full_run: event.full_run || switched,
            fragment: None,
        };
        let mut url_writes = std::collections::BTreeMap::new();
        let mut fragment;
        let end = loop {
            let (end, rerun, ran_fragment) = self.run_once(
                app,
                &page,
                std::mem::take(&mut browser),
                &mut tree,
                options,
                &mut url_writes,
            );
            fragment = ran_fragment;
            let Some(rerun) = rerun else {
                break end;
            };
            options = RunOptions {
                url_seeds: false,
                full_run: true,
                fragment: match rerun {
                    Rerun::Page => None,
                    Rerun::Fragment(key) => Some(key),
                },
            };
            reruns += 1;
            if reruns > MAX_RERUNS {
                tree.push(
                    MAIN,
                    Element::Exception {
                        kind: ErrorKind::RerunLoop,
                        message: format!(
                            "`rerun()` was called in {MAX_RERUNS} runs in a row; call it only when something \
                             changed, or the page never settles"
                        ),
                        location: Some(page.path().to_owned()),
                    },
                );
                break RunEnd::Failed;
            }
        };
        self.page = Some(page.path().to_owned());
        self.runs += 1;
        self.events += 1;
        let mut url_query = self.query_params.clone();
        for (name, value) in url_writes {
            match value {
                Some(v) => url_query.insert(name, v),
                None => url_query.remove(&name),
            };
        }
        self.tree = tree;
        Ok(RunOutput {
            page: page.path().to_owned(),
            end,
            reruns,
            fragment: fragment.map(|f| f.to_string()),
            url_query,
        })
    }

    /// Checks every value against the widget's last drawn parameters (A6)
    /// before anything changes.
    fn check_values(
        &self,
        widgets: Vec<(WidgetId, Value)>,
    ) -> Result<Vec<(WidgetId, Value, bool)>> {
        widgets
            .into_iter()
            .map(|(id, value)| {
                let meta = self.state.meta(id).ok_or_else(|| {
                    Error::new(
                        ErrorKind::UnknownWidget,
                        format!(
                            "no widget with id {id} was drawn in this session; reload the page"
                        ),
                    )
                })?;
                let value = meta.params.validate_incoming(value).map_err(|problem| {
                    let name = match self.state.key_of_widget(id) {
                        Some(k) => format!("{} with key \"{k}\"", meta.kind.name()),
                        None => format!("{} {id}", meta.kind.name()),
                    };
                    Error::new(
                        ErrorKind::InvalidValue,
                        format!("rejected value for {name}: {problem}"),
                    )
                })?;
                Ok((id, value, meta.disabled))
            })
            .collect()
    }

    /// One run: returns how it ended, the rerun it asked for, and the
    /// fragment that ran alone, if it was a fragment run.
    fn run_once(
        &mut self,
        app: &App,
        page: &std::sync::Arc<crate::pages::Page>,
        browser: Vec<(WidgetId, Value, bool)>,
        tree: &mut ElementTree,
        options: RunOptions,
        url_writes: &mut std::collections::BTreeMap<String, Option<Vec<String>>>,
    ) -> (RunEnd, Option<Rerun>, Option<std::sync::Arc<str>>) {
        self.state.reset_triggers();
        self.state.compact();
        let mut sent = Vec::with_capacity(browser.len());
        let mut discarded = IdSet::default();
        for (id, value, disabled) in browser {
            // R43: the browser cannot change a disabled widget.
            if disabled {
                if self.state.widget_value(id) != Some(&value) {
                    discarded.insert(id);
                }
            } else {
                self.state.set_widget_value(id, value);
                sent.push(id);
            }
        }
        let changed: Vec<WidgetId> = sent
            .iter()
            .copied()
            .filter(|id| self.state.widget_changed(*id))
            .collect();
        // R32: when every changed widget is in one fragment, only that
        // fragment reruns (unless a callback decides otherwise).
        let mut fragment: Option<std::sync::Arc<str>> = options.fragment.clone();
        if fragment.is_none()
            && !options.full_run
            && !self.fragments.is_empty()
            && !changed.is_empty()
        {
            let mut owners = changed
                .iter()
                .map(|id| self.state.meta(*id).and_then(|m| m.fragment.clone()));
            if let Some(Some(first)) = owners.next() {
                if owners.all(|f| f.as_ref() == Some(&first)) {
                    fragment = Some(first);
                }
            }
        }
        // R27: callbacks of changed widgets, in the order the browser sent them.
        let due: Vec<Callback> = changed
            .iter()
            .filter_map(|id| self.callbacks.get(id).cloned())
            .collect();

        // What the browser shows: a fragment run draws into it; a full run
        // (and the callbacks before either) draws a new tree.
        let mut shown = std::mem::take(tree);
        let mut ctx = RunCtx::new(
            std::mem::take(&mut self.state),
            std::mem::take(&mut self.callbacks),
            std::mem::take(&mut self.query_params),
            ElementTree::with_capacity(shown.len()),
            page.clone(),
            self.last_drawn,
        );
        ctx.discarded = discarded;
        ctx.url_seeds = options.url_seeds;
        let entrypoint = app.entrypoint_page().cloned();
        if entrypoint.is_some() {
            ctx.script = PageId::ENTRYPOINT;
        }
        let run = RefCell::new(ctx);
        let ui = Ui::new(&run);
        let mut result = Ok(());
        let mut full_asked = false;
        let mut returned_normally = 0;
        let mut fragment_asked: Option<String> = None;
        run.borrow_mut().in_callback = true;
        for callback in due {
            result = catch_panics(|| callback(&ui));
            // `rerun()` in a callback does not stop the other callbacks; the
            // event reruns the page anyway (R27). `rerun_fragment` narrows
            // the rerun to one fragment, unless another callback widens it (R32).
            match &result {
                Ok(()) => returned_normally += 1,
                Err(e) if e.kind() == ErrorKind::Rerun => {
                    let mut ctx = run.borrow_mut();
                    match ctx.fragment_rerun.take() {
                        Some(key) => fragment_asked = Some(key),
                        None => full_asked = true,
                    }
                    ctx.ended = None;
                    result = Ok(());
                }
                Err(_) => break,
            }
        }
        run.borrow_mut().in_callback = false;
        if let Some(key) = fragment_asked {
            fragment = if full_asked || returned_normally > 0 {
                None
            } else {
                self.fragments
                    .get_key_value(key.as_str())
                    .map(|(k, _)| k.clone())
            };
        } else if full_asked {
            fragment = None;
        }
        let fragment_entry = fragment
            .as_ref()
            .and_then(|f| self.fragments.get(f).cloned());
        if fragment_entry.is_none() {
            fragment = None;
        }
        if result.is_ok() {
            result = catch_panics(|| match (&fragment, &fragment_entry) {
                (Some(key), Some(entry)) => {
                    // A fragment run: the last tree, with this fragment's part
                    // drawn again by its function alone.
                    let node = {
                        let mut ctx = run.borrow_mut();
                        shown.clear_children(entry.node);
                        ctx.tree = std::mem::take(&mut shown);
                        ctx.script = entry.script;
                        ctx.fragment = Some(key.clone());
                        ctx.fragment_run = true;
                        ctx.fragments = std::mem::take(&mut self.fragments);
                        entry.node
                    };
                    let result = (entry.body)(&Ui::new_at(&run, node));
                    run.borrow_mut().fragment = None;
                    result
                }
                _ => match &entrypoint {
                    Some(ep) => ep.call(&ui),
                    None => {
                        let page = run.borrow_mut().page.take();
                        page.map_or(Ok(()), |p| p.call(&ui))
                    }
                },
            });
        }
        let ctx = run.into_inner();
        // A fragment's own code asked to run it again (R41, scope "fragment").
        let rerun = match ctx.fragment_rerun.as_deref() {
            Some(k) => ctx
                .fragments
                .get_key_value(k)
                .map_or(Rerun::Page, |(k, _)| Rerun::Fragment(k.clone())),
            None => Rerun::Page,
        };
        // Page code that swallowed a `stop()` or an error still ends there.
        let result = match (result, ctx.ended) {
            (Ok(()), Some(ended)) => Err(ended),
            (result, _) => result,
        };
        self.state = ctx.state;
        self.callbacks = ctx.callbacks;
        self.query_params = ctx.query_params;
        url_writes.extend(ctx.url_writes);
        *tree = ctx.tree;
        let drawn = ctx.drawn;
        if fragment.is_none() {
            self.last_drawn = drawn.len();
        }
        self.fragments = ctx.fragments;
        // R31: after a submit of a `clear_on_submit` form, the browser shows
        // its defaults.
        if !ctx.clearing_forms.is_empty() {
            tree.mark_cleared_forms();
        }

        match result {
            Ok(()) => {
                self.state.reset_triggers();
                match fragment.as_deref() {
                    // R33: only the running fragment's widgets can be stale.
                    Some(f) => {
                        let state = &self.state;
                        self.callbacks.retain(|id, _| {
                            drawn.contains(id)
                                || state
                                    .meta(*id)
                                    .is_none_or(|m| m.fragment.as_deref() != Some(f))
                        });
                        self.state.remove_stale_widgets(&drawn, Some(f));
                    }
                    None => {
                        self.state.remove_stale_widgets(&drawn, None);
                        self.callbacks.retain(|id, _| drawn.contains(id));
                        self.state.drop_other_pages_persisted(page.id());
                    }
                }
                (RunEnd::Completed, None, fragment)
            }
            Err(e) if e.kind() == ErrorKind::Rerun => {
                // R16/R41: triggers reset, clean-up left to the next completed run.
                self.state.reset_triggers();
                (RunEnd::Completed, Some(rerun), fragment)
            }
            Err(e) if e.kind() == ErrorKind::Stop => (RunEnd::Stopped, None, fragment),
            Err(e) => {
                let location = match e.location() {
                    Some(loc) => Some(format!("{} ({loc})", page.path())),
                    None => Some(page.path().to_owned()),
                };
                tracing::debug!(kind = %e.kind(), message = e.message(), "run ended with an error");
                tree.push(
                    MAIN,
                    Element::Exception {
                        kind: e.kind(),
                        message: e.message().to_owned(),
                        location,
                    },
                );
                (RunEnd::Failed, None, fragment)
            }
        }
    }
}

/// The rerun a run asked for (R41).
enum Rerun {
    /// `rerun()`: the whole page.
    Page,
    /// A fragment's own `rerun_fragment`: that fragment alone.
    Fragment(std::sync::Arc<str>),
}

/// How one run of an event is to go.
#[derive(Clone)]
struct RunOptions {
    /// The event brought the URL's query parameters (R40).
    url_seeds: bool,
    /// Run the whole page, whatever changed (R32 does not apply).
    full_run: bool,
    /// Run this fragment alone (a fragment asked to run again, R41).
    fragment: Option<std::sync::Arc<str>>,
}
