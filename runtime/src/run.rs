//! The run of one event, in the order of the spec (Part B §0), as named
//! steps: check the values, the page-switch clean-up (R35), compaction and
//! the browser's values, callbacks (R25–R27), the page from the top, and
//! the end-of-run clean-up (R14–R16) or the rerun (R41). Panics in page
//! code become errors here (R16, A2).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::cancel::{CancelReason, CancelToken, Interrupted};
use crate::elements::{Element, ElementTree, RunTree, TreeWatcher, MAIN};
use crate::error::{panic_message, Error, ErrorKind, Result};
use crate::fragment::FragmentEntry;
use crate::identity::{IdSet, PageId, WidgetId};
use crate::pages::{App, Page};
use crate::register::Callback;
use crate::session::{Event, RunEnd, RunOutput, Session, MAX_RERUNS};
use crate::ui::{QueryParams, RunCtx, Ui};

/// A browser value that passed its widget's check, and whether the widget
/// is disabled (R43).
type Checked = (WidgetId, Value, bool);

/// What bound widgets write to the browser's URL (R40).
pub(crate) type UrlWrites = BTreeMap<String, Option<Vec<String>>>;

/// The rerun a run asked for (R41).
pub(crate) enum Rerun {
    /// `rerun()`: the whole page.
    Page,
    /// A fragment's own `rerun_fragment`: that fragment alone.
    Fragment(Arc<str>),
    /// `switch_page()`: another page, with the query parameters it was
    /// given, if any.
    Switch(String, Option<QueryParams>),
}

/// How one run of an event is to go.
#[derive(Clone)]
pub(crate) struct RunOptions {
    /// The event brought the URL's query parameters (R40).
    pub url_seeds: bool,
    /// Run the whole page, whatever changed (R32 does not apply).
    pub full_run: bool,
    /// Run this fragment alone (a fragment asked to run again, R41).
    pub fragment: Option<Arc<str>>,
    /// Ends the run early when a newer event comes or the user stops it.
    pub cancel: CancelToken,
    /// Streams what the run draws while it goes on.
    pub stream: Option<Arc<dyn TreeWatcher>>,
}

impl RunOptions {
    /// The run after a `rerun()` (R41).
    fn rerun(
        rerun: Rerun,
        cancel: CancelToken,
        stream: Option<Arc<dyn TreeWatcher>>,
    ) -> RunOptions {
        RunOptions {
            cancel,
            stream,
            url_seeds: false,
            full_run: true,
            fragment: match rerun {
                Rerun::Page | Rerun::Switch(..) => None,
                Rerun::Fragment(key) => Some(key),
            },
        }
    }
}

/// How one run ended: the end, the rerun it asked for, and the fragment
/// that ran alone, if it was a fragment run.
pub(crate) type RunResult = (RunEnd, Option<Rerun>, Option<Arc<str>>);

/// Where an event's runs settled.
struct Settled {
    /// The page that ran last (another one after `switch_page()`).
    page: Arc<Page>,
    end: RunEnd,
    reruns: u32,
    fragment: Option<Arc<str>>,
    tree: ElementTree,
    url_writes: UrlWrites,
}

impl Session {
    /// Handles one event. An event that cannot be taken (an unknown page, a
    /// value for a widget that was not drawn, a value the widget cannot
    /// hold) is rejected with an error and changes nothing. Errors of the
    /// page itself are shown in the output instead.
    pub fn handle(&mut self, app: &App, event: Event) -> Result<RunOutput> {
        self.handle_cancellable(app, event, &CancelToken::new())
    }

    /// Handles one event as [`Session::handle`] does, with a run that
    /// `cancel` can end early: a newer event supersedes it, or the user
    /// stops it. The run ends at its next `Ui` call or `checkpoint()`; no
    /// clean-up follows, and what it wrote to session state stays (R16).
    pub fn handle_cancellable(
        &mut self,
        app: &App,
        event: Event,
        cancel: &CancelToken,
    ) -> Result<RunOutput> {
        self.handle_streamed(app, event, cancel, None)
    }

    /// [`Session::handle_cancellable`], telling `stream` what the run draws
    /// while it goes on.
    pub(crate) fn handle_streamed(
        &mut self,
        app: &App,
        event: Event,
        cancel: &CancelToken,
        stream: Option<Arc<dyn TreeWatcher>>,
    ) -> Result<RunOutput> {
        let page = app
            .find(event.page.as_deref().or(self.page.as_deref()))?
            .clone();
        let browser = self.check_values(event.widgets)?;
        let url_seeds = event.query_params.is_some();
        let switched = self.page.as_deref().is_some_and(|p| p != page.path());
        self.take_query_params(event.query_params, switched);
        if switched {
            self.page_switch_cleanup(&browser);
        }
        // A fragment's timer runs the fragment alone, if the last run drew it.
        let ticked = event.fragment.filter(|_| !switched).and_then(|key| {
            self.fragments
                .get_key_value(key.as_str())
                .map(|(k, _)| k.clone())
        });
        let options = RunOptions {
            url_seeds,
            full_run: (event.full_run || switched) && ticked.is_none(),
            fragment: ticked,
            cancel: cancel.clone(),
            stream,
        };
        let settled = self.run_until_settled(app, page, browser, options);
        Ok(self.finish_event(settled))
    }

    /// Checks every value against the widget's last drawn parameters (A6)
    /// before anything changes.
    fn check_values(&self, widgets: Vec<(WidgetId, Value)>) -> Result<Vec<Checked>> {
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

    /// The URL's parameters, when the event brings them. A page switch
    /// leaves the old page's parameters behind; bound widgets that survive
    /// write theirs again (R36, R40).
    fn take_query_params(&mut self, sent: Option<QueryParams>, switched: bool) {
        match sent {
            Some(q) => self.query_params = q,
            None if switched => self.query_params.clear(),
            None => {}
        }
    }

    /// R35: a page switch removes every widget the browser did not send (it
    /// sends only the entrypoint's), before the new page runs.
    fn page_switch_cleanup(&mut self, browser: &[Checked]) {
        let sent: IdSet = browser.iter().map(|(id, _, _)| *id).collect();
        self.state.after_page_switch(&mut self.callbacks, &sent);
        self.fragments.clear();
    }

    /// The event's run and the reruns it asks for (R41), until one settles
    /// or [`MAX_RERUNS`] say it never will.
    fn run_until_settled(
        &mut self,
        app: &App,
        mut page: Arc<Page>,
        mut browser: Vec<Checked>,
        mut options: RunOptions,
    ) -> Settled {
        // The last run's tree: a fragment run redraws its part, a full run
        // draws anew into its allocation.
        let mut tree = std::mem::take(&mut self.tree);
        let (cancel, stream) = (options.cancel.clone(), options.stream.clone());
        let mut url_writes = UrlWrites::new();
        let mut reruns = 0;
        let mut fragment;
        let end = loop {
            let (end, rerun, ran) = self.run_once(
                app,
                &page,
                std::mem::take(&mut browser),
                &mut tree,
                options,
                &mut url_writes,
            );
            fragment = ran;
            let Some(rerun) = rerun else {
                break end;
            };
            reruns += 1;
            if reruns > MAX_RERUNS {
                tree.push(MAIN, rerun_loop(&page));
                break RunEnd::Failed;
            }
            let seeds = matches!(&rerun, Rerun::Switch(_, Some(_)));
            if let Rerun::Switch(path, query) = &rerun {
                match app.find(Some(path)) {
                    Ok(next) => {
                        page = next.clone();
                        self.switch_in_run(query.clone(), &mut url_writes);
                    }
                    Err(e) => {
                        tree.push(MAIN, exception(&page, &e));
                        break RunEnd::Failed;
                    }
                }
            }
            options = RunOptions::rerun(rerun, cancel.clone(), stream.clone());
            options.url_seeds = seeds;
        };
        Settled {
            page,
            end,
            reruns,
            fragment,
            tree,
            url_writes,
        }
    }

    /// `switch_page()` (R35): as when the browser switches, only the
    /// entrypoint's widgets stay, and the new page's URL has the parameters
    /// it was given, or none.
    fn switch_in_run(&mut self, query: Option<QueryParams>, url_writes: &mut UrlWrites) {
        let kept = self
            .state
            .widgets_of_script(crate::identity::PageId::ENTRYPOINT);
        self.state.after_page_switch(&mut self.callbacks, &kept);
        self.fragments.clear();
        self.query_params = query.unwrap_or_default();
        url_writes.clear();
    }

    /// The session after the event: its page, counters, tree, and the URL
    /// the browser should show (R40).
    fn finish_event(&mut self, settled: Settled) -> RunOutput {
        let page = &settled.page;
        self.page = Some(page.path().to_owned());
        self.runs += 1;
        // A superseded event leaves the page the browser holds current: the
        // newer event was made on it, and carries its number.
        if settled.end != RunEnd::Interrupted {
            self.events += 1;
            // A whole run shows every task's end.
            self.task_rerun_owed &= settled.fragment.is_some();
        }
        let mut url_query = self.query_params.clone();
        for (name, value) in settled.url_writes {
            match value {
                Some(v) => url_query.insert(name, v),
                None => url_query.remove(&name),
            };
        }
        self.tree = settled.tree;
        RunOutput {
            page: page.path().to_owned(),
            end: settled.end,
            reruns: settled.reruns,
            fragment: settled.fragment.map(|f| f.to_string()),
            url_query,
        }
    }

    /// One run: the browser's values, the callbacks of what changed, the
    /// page (or one fragment, R32), and the end of the run.
    pub(crate) fn run_once(
        &mut self,
        app: &App,
        page: &Arc<Page>,
        browser: Vec<Checked>,
        tree: &mut ElementTree,
        options: RunOptions,
        url_writes: &mut UrlWrites,
    ) -> RunResult {
        let (changed, discarded) = self.take_browser_values(browser);
        let fragment = self.fragment_of(&changed, &options);
        // R27: callbacks of changed widgets, in the order the browser sent them.
        let due: Vec<Callback> = changed
            .iter()
            .filter_map(|id| self.callbacks.get(id).cloned())
            .collect();
        // What the browser shows: a fragment run draws into it; a full run
        // (and the callbacks before either) draws a new tree.
        let mut shown = std::mem::take(tree);
        let (ctx, entrypoint) = self.start_run(app, page, shown.len(), discarded, &options);
        let run = RefCell::new(ctx);
        let ui = Ui::new(&run);
        let (mut result, fragment) = self.run_callbacks(&run, &ui, due, fragment);
        let entry = fragment
            .as_ref()
            .and_then(|f| self.fragments.get(f).cloned());
        let fragment = fragment.filter(|_| entry.is_some());
        // R47: an event with a newer one waiting behind it is merged into
        // it: its values and callbacks, then straight to the newer event.
        let merged = result.is_ok() && options.cancel.reason() == Some(CancelReason::Superseded);
        if merged {
            result = Err(run.borrow_mut().cancellation().expect("superseded"));
        } else if result.is_ok() {
            let part = fragment.as_ref().zip(entry.as_ref());
            result = self.run_body(&run, &ui, entrypoint.as_ref(), part, &mut shown);
        }
        let ctx = run.into_inner();
        let rerun = asked_rerun(&ctx);
        // Page code that swallowed a `stop()` or an error still ends there.
        let result = match (result, &ctx.ended) {
            (Ok(()), Some(ended)) => Err(ended.clone()),
            (result, _) => result,
        };
        let drawn = self.take_back(ctx, tree, url_writes, fragment.is_none());
        if merged {
            *tree = shown;
        }
        self.end_run(result, rerun, fragment, &drawn, page, tree)
    }

    /// Compaction, then the browser's values (R43: a disabled widget's
    /// value is discarded). Returns the widgets that changed, in the order
    /// sent, and those whose value was discarded.
    fn take_browser_values(&mut self, browser: Vec<Checked>) -> (Vec<WidgetId>, IdSet) {
        self.state.reset_triggers();
        self.state.compact();
        let mut sent = Vec::with_capacity(browser.len());
        let mut discarded = IdSet::default();
        for (id, value, disabled) in browser {
            if disabled {
                if self.state.widget_value(id) != Some(&value) {
                    discarded.insert(id);
                }
            } else {
                self.state.set_widget_value(id, value);
                sent.push(id);
            }
        }
        sent.retain(|id| self.state.widget_changed(*id));
        // R47: clicks of a merged event count in this run; their callbacks ran.
        for carried in std::mem::take(&mut self.carried_clicks) {
            let (id, value) = carried.into_parts();
            if self.state.meta(id).is_some() {
                self.state.set_widget_value(id, value);
            }
        }
        (sent, discarded)
    }

    /// R32: when every changed widget is in one fragment, only that
    /// fragment reruns (unless a callback decides otherwise).
    fn fragment_of(&self, changed: &[WidgetId], options: &RunOptions) -> Option<Arc<str>> {
        if options.fragment.is_some()
            || options.full_run
            || self.fragments.is_empty()
            || changed.is_empty()
        {
            return options.fragment.clone();
        }
        let mut owners = changed
            .iter()
            .map(|id| self.state.meta(*id).and_then(|m| m.fragment.clone()));
        let first = owners.next().flatten()?;
        owners.all(|f| f.as_ref() == Some(&first)).then_some(first)
    }

    /// Lends the session's state to a new run, with the entrypoint, if the
    /// app has one, as the script that runs first (R37).
    fn start_run(
        &mut self,
        app: &App,
        page: &Page,
        shown_len: usize,
        discarded: IdSet,
        options: &RunOptions,
    ) -> (RunCtx, Option<Arc<Page>>) {
        let mut ctx = RunCtx::new(
            std::mem::take(&mut self.state),
            std::mem::take(&mut self.callbacks),
            std::mem::take(&mut self.query_params),
            ElementTree::with_capacity(shown_len),
            page.shown(),
            self.last_drawn,
        );
        ctx.discarded = discarded;
        ctx.pages = app.titles();
        ctx.tasks = std::mem::take(&mut self.tasks);
        ctx.task_host = self.task_host.clone();
        ctx.url_seeds = options.url_seeds;
        ctx.cancel = options.cancel.clone();
        if options.stream.is_some() {
            let own = std::mem::replace(&mut ctx.tree, RunTree::new(ElementTree::new(), None));
            ctx.tree = RunTree::new(own.into_inner(), options.stream.clone());
        }
        let entrypoint = app.entrypoint_page().cloned();
        if entrypoint.is_some() {
            ctx.script = PageId::ENTRYPOINT;
        }
        (ctx, entrypoint)
    }

    /// R27: the due callbacks, in order. `rerun()` in a callback does not
    /// stop the others; the event reruns the page anyway. `rerun_fragment`
    /// narrows the rerun to one fragment, unless another callback widens it
    /// (R32). Returns the callbacks' result and the fragment to run.
    fn run_callbacks(
        &self,
        run: &RefCell<RunCtx>,
        ui: &Ui<'_>,
        due: Vec<Callback>,
        fragment: Option<Arc<str>>,
    ) -> (Result<()>, Option<Arc<str>>) {
        let mut result = Ok(());
        let mut full_asked = false;
        let mut returned_normally = 0;
        let mut fragment_asked: Option<String> = None;
        run.borrow_mut().in_callback = true;
        for callback in due {
            result = catch_panics(|| callback(ui));
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
        let fragment = match fragment_asked {
            Some(_) if full_asked || returned_normally > 0 => None,
            Some(key) => self
                .fragments
                .get_key_value(key.as_str())
                .map(|(k, _)| k.clone()),
            None if full_asked => None,
            None => fragment,
        };
        (result, fragment)
    }

    /// The page from the top (through the entrypoint, if there is one), or
    /// in a fragment run the last tree with that fragment's part drawn again
    /// by its function alone.
    fn run_body(
        &mut self,
        run: &RefCell<RunCtx>,
        ui: &Ui<'_>,
        entrypoint: Option<&Arc<Page>>,
        fragment: Option<(&Arc<str>, &FragmentEntry)>,
        shown: &mut ElementTree,
    ) -> Result<()> {
        catch_panics(|| match (fragment, entrypoint) {
            (Some((key, entry)), _) => {
                {
                    let mut ctx = run.borrow_mut();
                    shown.clear_children(entry.node);
                    ctx.tree.replace(std::mem::take(shown));
                    ctx.script = entry.script;
                    ctx.fragment = Some(key.clone());
                    ctx.fragment_run = true;
                    ctx.fragments = std::mem::take(&mut self.fragments);
                }
                let result = (entry.body)(&Ui::new_at(run, entry.node));
                run.borrow_mut().fragment = None;
                result
            }
            (None, Some(ep)) => ep.call(ui),
            (None, None) => {
                let page = run.borrow_mut().page.take();
                page.map_or(Ok(()), |p| (p.body)(ui))
            }
        })
    }

    /// Takes the session's state back from the run. Returns the widgets it
    /// drew.
    fn take_back(
        &mut self,
        ctx: RunCtx,
        tree: &mut ElementTree,
        url_writes: &mut UrlWrites,
        full_run: bool,
    ) -> IdSet {
        self.state = ctx.state;
        self.callbacks = ctx.callbacks;
        self.query_params = ctx.query_params;
        self.tasks = ctx.tasks;
        url_writes.extend(ctx.url_writes);
        *tree = ctx.tree.into_inner();
        if full_run {
            self.last_drawn = ctx.drawn.len();
            self.media = ctx.media;
        } else {
            self.media.extend(ctx.media);
        }
        self.fragments = ctx.fragments;
        // R31: after a submit of a `clear_on_submit` form, the browser shows
        // its defaults.
        if !ctx.clearing_forms.is_empty() {
            tree.mark_cleared_forms();
        }
        ctx.drawn
    }

    /// How the run ended: clean-up after a completed run (R14–R16), none
    /// after `stop()` or an error, which is shown on the page.
    fn end_run(
        &mut self,
        result: Result<()>,
        rerun: Rerun,
        fragment: Option<Arc<str>>,
        drawn: &IdSet,
        page: &Page,
        tree: &mut ElementTree,
    ) -> RunResult {
        match result {
            Ok(()) => {
                self.state.after_completed_run(
                    &mut self.callbacks,
                    drawn,
                    fragment.as_deref(),
                    page.id(),
                );
                (RunEnd::Completed, None, fragment)
            }
            Err(e) if e.kind() == ErrorKind::Rerun => {
                // R16/R41: triggers reset, clean-up left to the next completed run.
                self.state.reset_triggers();
                (RunEnd::Completed, Some(rerun), fragment)
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {
                // Like a rerun (R16): triggers reset, clean-up left to the
                // next completed run, which the newer event starts. Its
                // clicks are not lost: the newer event's run sees them.
                self.carried_clicks = self
                    .state
                    .pressed_triggers()
                    .into_iter()
                    .map(|(id, value)| crate::session::Carried::Used(id, value))
                    .collect();
                self.state.reset_triggers();
                (RunEnd::Interrupted, None, fragment)
            }
            Err(e) if e.kind() == ErrorKind::Stop => (RunEnd::Stopped, None, fragment),
            Err(e) => {
                tracing::debug!(kind = %e.kind(), message = e.message(), "run ended with an error");
                tree.push(MAIN, exception(page, &e));
                (RunEnd::Failed, None, fragment)
            }
        }
    }
}

/// A fragment's own code asked to run it again (R41, scope "fragment"), or
/// the page asked for another page.
fn asked_rerun(ctx: &RunCtx) -> Rerun {
    if let Some((path, query)) = &ctx.switch_to {
        return Rerun::Switch(path.clone(), query.clone());
    }
    match ctx.fragment_rerun.as_deref() {
        Some(k) => ctx
            .fragments
            .get_key_value(k)
            .map_or(Rerun::Page, |(k, _)| Rerun::Fragment(k.clone())),
        None => Rerun::Page,
    }
}

/// An error that ended the run, as the page shows it.
fn exception(page: &Page, e: &Error) -> Element {
    let location = match e.location() {
        Some(loc) => format!("{} ({loc})", page.path()),
        None => page.path().to_owned(),
    };
    Element::Exception {
        kind: e.kind(),
        message: e.message().to_owned(),
        location: Some(location),
    }
}

/// The error shown when `rerun()` never stops asking.
fn rerun_loop(page: &Page) -> Element {
    Element::Exception {
        kind: ErrorKind::RerunLoop,
        message: format!(
            "`rerun()` was called in {MAX_RERUNS} runs in a row; call it only when something \
             changed, or the page never settles"
        ),
        location: Some(page.path().to_owned()),
    }
}
thread_local! {
    static IN_RUN: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<(String, Option<String>)>> = const { RefCell::new(None) };
}

/// Runs page code, turning a panic into an `Err` of kind `Panic` with its
/// message and location (R16, A2). The panic is logged through `tracing`
/// instead of printed.
pub(crate) fn catch_panics(f: impl FnOnce() -> Result<()>) -> Result<()> {
    install_panic_hook();
    let was = IN_RUN.with(|c| c.replace(true));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_RUN.with(|c| c.set(was));
    match outcome {
        Ok(result) => result,
        Err(payload) if payload.is::<Interrupted>() => {
            let Ok(interrupted) = payload.downcast::<Interrupted>() else {
                unreachable!("checked above")
            };
            Err(interrupted.0)
        }
        Err(payload) => {
            let (message, location) = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| (panic_message(&*payload), None));
            let mut err = Error::new(ErrorKind::Panic, message);
            if let Some(loc) = location {
                err = err.with_location(loc);
            }
            Err(err)
        }
    }
}

fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_RUN.with(Cell::get) {
                let message = panic_message(info.payload());
                let location = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                tracing::warn!(panic = %message, location = ?location, "page code panicked");
                LAST_PANIC.with(|p| *p.borrow_mut() = Some((message, location)));
            } else {
                previous(info);
            }
        }));
    });
}
