//! A run of a page: the [`Ui`] that page code draws with, the session-state
//! handle, widget registration (R6–R13, R21–R24), and how a run ends
//! (`stop`, `rerun`, errors and panics, R16, R41).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::elements::{
    AlertKind, Element, ElementTree, NodeId, Root, WidgetElement, MAIN, SIDEBAR,
};
use crate::error::{Error, ErrorKind, Result};
use crate::identity::{rt_key_part, IdMap, IdSet, IdentityBuilder, PageId, WidgetId};
use crate::pages::Page;
use crate::params::{Kind, Params};
use crate::session_state::{SessionState, WidgetMeta};
use crate::widgets::{Callback, Common};

/// The URL's query parameters: each name with its values, in order.
pub type QueryParams = BTreeMap<String, Vec<String>>;

/// Everything one run works on. It owns the session's state for the run's
/// duration and hands it back when the run ends.
pub(crate) struct RunCtx {
    pub state: SessionState,
    pub callbacks: IdMap<Callback>,
    pub query_params: QueryParams,
    pub tree: ElementTree,
    /// Widget ids drawn in this run (R7, R8, R15).
    pub drawn: IdSet,
    /// The keys of the forms drawn in this run (R22).
    pub forms: HashSet<String>,
    /// The forms drawn with `clear_on_submit` (R31).
    pub clearing_forms: HashSet<String>,
    /// Hashes of the user keys used in this run (R6).
    keys: HashSet<u128, std::hash::BuildHasherDefault<crate::identity::IdHasher>>,
    /// The script whose code is running: the entrypoint or a page (R10).
    pub script: PageId,
    /// The page this run shows, run by [`Ui::run_page`] from the entrypoint.
    pub page: Option<Arc<Page>>,
    /// Set once `stop()` or `rerun()` ended the run; later calls return it
    /// again so that page code that ignores it still stops.
    pub ended: Option<Error>,
    /// Widgets whose browser value was discarded because they are disabled:
    /// the browser must be told their value (R13, R43).
    pub discarded: IdSet,
    /// The page this run shows (for `Persist::Page`, R39).
    pub shown: PageId,
    /// The fragment whose code is running, if any (R34).
    pub fragment: Option<Arc<str>>,
    /// The event brought the URL's query parameters: bound widgets take
    /// their value from them (R40).
    pub url_seeds: bool,
    /// What bound widgets write to the browser's URL: a value, or `None`
    /// to remove the parameter (R40).
    pub url_writes: BTreeMap<String, Option<Vec<String>>>,
    /// Fragments drawn in this run, with their code (R32).
    pub fragments: BTreeMap<Arc<str>, crate::fragment::FragmentEntry>,
    /// A callback asked for a rerun of this fragment only (R32).
    pub fragment_rerun: Option<String>,
    /// Callbacks are running, not the page (fragment reruns by key, R41).
    pub in_callback: bool,
    /// This run is a fragment run: only `fragment`'s code runs (R32, R41).
    pub fragment_run: bool,
}

impl RunCtx {
    pub(crate) fn new(
        state: SessionState,
        callbacks: IdMap<Callback>,
        query_params: QueryParams,
        tree: ElementTree,
        page: Arc<Page>,
        expected_widgets: usize,
    ) -> Self {
        RunCtx {
            state,
            callbacks,
            query_params,
            tree,
            // Sized from the last run: growing these sets was a visible share of a rerun.
            drawn: IdSet::with_capacity_and_hasher(expected_widgets, Default::default()),
            forms: HashSet::new(),
            clearing_forms: HashSet::new(),
            keys: HashSet::with_capacity_and_hasher(expected_widgets, Default::default()),
            script: page.id(),
            page: Some(page.clone()),
            ended: None,
            discarded: IdSet::default(),
            shown: page.id(),
            fragment: None,
            url_seeds: false,
            url_writes: BTreeMap::new(),
            fragments: BTreeMap::new(),
            fragment_rerun: None,
            in_callback: false,
            fragment_run: false,
        }
    }

    fn check_live(&self) -> Result<()> {
        match &self.ended {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Passes an error on. `stop()` and `rerun()` end the run whatever page
    /// code does with them; any other error is the page's to handle, as a
    /// caught exception is in Python.
    /// R40: the URL seeds a bound widget when the event brings it (first
    /// load, back/forward), unless the user just changed it. An invalid
    /// value is dropped from the URL; no parameter means the default.
    /// Whether the widget's value was set.
    fn seed_from_url(&mut self, id: WidgetId, key: &str, params: &Params, default: &Value) -> bool {
        if !self.url_seeds || self.state.widget_changed(id) {
            return false;
        }
        let value = match self.query_params.get(key).map(|raw| params.read_query(raw)) {
            Some(Some(v)) => v,
            Some(None) => {
                self.query_params.remove(key);
                self.url_writes.insert(key.to_owned(), None);
                return false;
            }
            None if self.state.has_widget_value(id) => default.clone(),
            None => return false,
        };
        self.state.set_widget_value(id, value);
        true
    }

    /// A5: a `keep_value` widget whose identity changed takes the value of
    /// the identity its key had, fitted into its new parameters. Whether
    /// the widget's value was set.
    fn carry_over(&mut self, id: WidgetId, key: &str, params: &Params) -> bool {
        if self.state.has_widget_value(id) {
            return false;
        }
        let carried = self
            .state
            .widget_of_key(key)
            .filter(|prev| *prev != id)
            .and_then(|prev| self.state.widget_value(prev))
            .and_then(|v| params.carry_over(v));
        match carried {
            Some(v) => {
                self.state.set_widget_value(id, v);
                true
            }
            None => false,
        }
    }

    /// R40: the default removes a bound widget's parameter; a session-state
    /// write goes to the session's parameters; the browser's URL follows
    /// the value either way.
    fn write_url(
        &mut self,
        key: &str,
        params: &Params,
        value: &Value,
        default: &Value,
        written: bool,
    ) {
        if value == default {
            self.query_params.remove(key);
            self.url_writes.insert(key.to_owned(), None);
        } else {
            let raw = params.to_query(value);
            if written {
                self.query_params.insert(key.to_owned(), raw.clone());
            }
            self.url_writes.insert(key.to_owned(), Some(raw));
        }
    }

    pub(crate) fn end_with(&mut self, err: Error) -> Error {
        self.end(err)
    }

    fn end(&mut self, err: Error) -> Error {
        if err.kind().is_control_flow() && self.ended.is_none() {
            self.ended = Some(err.clone());
        }
        err
    }
}

/// What page code draws with: a place on the page (the main area, the
/// sidebar, a column, ...) in the current run.
///
/// Every method takes `&self`, so several places can be used side by side
/// (`cols[0]` and `cols[1]`), as in Streamlit.
pub struct Ui<'r> {
    run: &'r RefCell<RunCtx>,
    container: NodeId,
}

impl<'r> Ui<'r> {
    pub(crate) fn new(run: &'r RefCell<RunCtx>) -> Self {
        Ui {
            run,
            container: MAIN,
        }
    }

    /// A place at `container`, for a run that starts inside the tree (a
    /// fragment run).
    pub(crate) fn new_at(run: &'r RefCell<RunCtx>, container: NodeId) -> Self {
        Ui { run, container }
    }

    pub(crate) fn run_ctx(&self) -> &'r RefCell<RunCtx> {
        self.run
    }

    pub(crate) fn node(&self) -> NodeId {
        self.container
    }

    pub(crate) fn at_node(&self, container: NodeId) -> Ui<'r> {
        self.at(container)
    }

    fn at(&self, container: NodeId) -> Ui<'r> {
        Ui {
            run: self.run,
            container,
        }
    }

    pub(crate) fn push(&self, element: Element) -> NodeId {
        self.run.borrow_mut().tree.push(self.container, element)
    }

    /// The session's state (Streamlit's `st.session_state`).
    pub fn state(&self) -> State<'r> {
        State { run: self.run }
    }

    /// The URL's query parameters as the session sees them.
    pub fn query_params(&self) -> QueryParams {
        self.run.borrow().query_params.clone()
    }

    /// Sets one query parameter (an empty list removes it). A parameter
    /// bound to a widget belongs to that widget (R40): setting it is an error.
    pub fn set_query_param(&self, name: impl Into<String>, values: Vec<String>) -> Result<()> {
        let mut run = self.run.borrow_mut();
        let name = name.into();
        let bound = run
            .state
            .widget_of_key(&name)
            .and_then(|id| run.state.meta(id))
            .is_some_and(|m| m.bound);
        if bound {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "query parameter \"{name}\" is bound to the widget with key \"{name}\"; set the widget's \
                     value through session state instead"
                ),
            ));
        }
        if values.is_empty() {
            run.query_params.remove(&name);
        } else {
            run.query_params.insert(name, values);
        }
        Ok(())
    }

    // ---- display elements ----

    /// Plain text (`st.text`).
    pub fn text(&self, body: impl Into<String>) {
        self.push(Element::Text { body: body.into() });
    }

    /// Markdown (`st.markdown`).
    pub fn markdown(&self, body: impl Into<String>) {
        self.push(Element::Markdown { body: body.into() });
    }

    /// A title (`st.title`).
    pub fn title(&self, body: impl Into<String>) {
        self.push(Element::Heading {
            level: 1,
            body: body.into(),
        });
    }

    /// A header (`st.header`).
    pub fn header(&self, body: impl Into<String>) {
        self.push(Element::Heading {
            level: 2,
            body: body.into(),
        });
    }

    /// A subheader (`st.subheader`).
    pub fn subheader(&self, body: impl Into<String>) {
        self.push(Element::Heading {
            level: 3,
            body: body.into(),
        });
    }

    fn alert(&self, kind: AlertKind, body: String) {
        self.push(Element::Alert { kind, body });
    }

    /// An info box (`st.info`).
    pub fn info(&self, body: impl Into<String>) {
        self.alert(AlertKind::Info, body.into());
    }

    /// A success box (`st.success`).
    pub fn success(&self, body: impl Into<String>) {
        self.alert(AlertKind::Success, body.into());
    }

    /// A warning box (`st.warning`).
    pub fn warning(&self, body: impl Into<String>) {
        self.alert(AlertKind::Warning, body.into());
    }

    /// An error box (`st.error`); does not end the run.
    pub fn error(&self, body: impl Into<String>) {
        self.alert(AlertKind::Error, body.into());
    }

    // ---- containers ----

    /// The sidebar (`st.sidebar`).
    pub fn sidebar(&self) -> Ui<'r> {
        self.at(SIDEBAR)
    }

    /// A row of columns (`st.columns`): `columns(3)` for equal widths,
    /// `columns([2.0, 1.0, 2.0])` for relative widths.
    pub fn columns(&self, spec: impl Into<ColumnSpec>) -> Vec<Ui<'r>> {
        let weights = spec.into().0;
        let row = self.push(Element::Columns);
        let mut run = self.run.borrow_mut();
        weights
            .into_iter()
            .map(|weight| {
                let col = run.tree.push(row, Element::Column { weight });
                self.at(col)
            })
            .collect()
    }

    /// A plain container (`st.container`): elements drawn into it later
    /// appear at its place.
    pub fn container(&self) -> Ui<'r> {
        let node = self.push(Element::Container);
        self.at(node)
    }

    /// A form (`st.form`): the widgets drawn into it send their values only
    /// when one of its `form_submit_button`s is clicked (R29). With
    /// `clear_on_submit`, the browser resets them to their defaults after a
    /// submit (R31). The key counts among the run's keys (R6) and cannot be
    /// written through session state (R22, R23).
    pub fn form(&self, key: impl std::fmt::Display, clear_on_submit: bool) -> Result<Ui<'r>> {
        let key = key.to_string();
        let mut guard = self.run.borrow_mut();
        let run = &mut *guard;
        run.check_live()?;
        if let Err(e) = check_key(&key) {
            return Err(run.end(e));
        }
        if let Some(form) = run.tree.form_of(self.container) {
            return Err(run.end(Error::new(
                ErrorKind::InvalidArgument,
                format!("form \"{key}\" is inside form \"{form}\"; forms cannot be nested"),
            )));
        }
        if run.state.written_this_run(&key) {
            return Err(run.end(Error::new(
                ErrorKind::ValueAssignmentNotAllowed,
                format!(
                    "session state key \"{key}\" is the key of a form, which is read-only; store your \
                     value under a different key"
                ),
            )));
        }
        if !run.keys.insert(rt_key_part(Some(&key))) {
            return Err(run.end(Error::new(
                ErrorKind::DuplicateElementKey,
                format!("there are multiple elements with the same key \"{key}\"; give each element a unique key"),
            )));
        }
        run.forms.insert(key.clone());
        if clear_on_submit {
            run.clearing_forms.insert(key.clone());
        }
        let node = run.tree.push(
            self.container,
            Element::Form {
                key,
                clear_on_submit,
            },
        );
        Ok(self.at(node))
    }

    /// The key of the form this place is in, if any.
    pub(crate) fn form_key(&self) -> Option<Arc<str>> {
        self.run.borrow().tree.form_of(self.container).cloned()
    }

    /// A collapsible section (`st.expander`), closed at first.
    pub fn expander(&self, label: impl Into<String>) -> Ui<'r> {
        self.expander_open(label, false)
    }

    /// A collapsible section, open or closed at first.
    pub fn expander_open(&self, label: impl Into<String>, expanded: bool) -> Ui<'r> {
        let node = self.push(Element::Expander {
            label: label.into(),
            expanded,
        });
        self.at(node)
    }

    // ---- control flow ----

    /// Ends the run here (`st.stop()`): nothing below runs, and no clean-up
    /// happens (R16). Write `ui.stop()?;`. It always returns `Err`.
    pub fn stop(&self) -> Result<()> {
        let mut run = self.run.borrow_mut();
        Err(run.end(Error::new(
            ErrorKind::Stop,
            "the run was stopped by `stop()`",
        )))
    }

    /// Ends the run here and runs the page again from the top
    /// (`st.rerun()`, R41). Write `ui.rerun()?;`. It always returns `Err`.
    pub fn rerun(&self) -> Result<()> {
        let mut run = self.run.borrow_mut();
        Err(run.end(Error::new(
            ErrorKind::Rerun,
            "the run was ended by `rerun()`",
        )))
    }

    /// From the entrypoint: runs the current page here (`pg.run()`, R37).
    /// The page's widgets are the page's own; the entrypoint's widgets are
    /// the same widget on every page.
    pub fn run_page(&self) -> Result<()> {
        let (page, outer) = {
            let mut run = self.run.borrow_mut();
            run.check_live()?;
            let page = run.page.take().ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidArgument,
                    "`run_page()` was called twice in one run; call it once, from the entrypoint",
                )
            })?;
            let outer = run.script;
            run.script = page.id();
            (page, outer)
        };
        let result = page.call(&self.at(MAIN));
        self.run.borrow_mut().script = outer;
        result
    }

    /// The path of the page this run shows.
    pub fn page_path(&self) -> Option<String> {
        self.run.borrow().page.as_ref().map(|p| p.path().to_owned())
    }

    // ---- widgets ----

    /// Registers a widget drawn at this place and returns its value as `T`
    /// (R6–R13, R23, R24). `identity` folds in the parameters that count for
    /// the widget's identity; it is told whether the widget has a key, and
    /// its label.
    pub(crate) fn register<T: DeserializeOwned>(
        &self,
        call: WidgetCall,
        identity: impl FnOnce(&mut IdentityBuilder, bool, &str, &Params),
    ) -> Result<T> {
        let mut guard = self.run.borrow_mut();
        let run = &mut *guard;
        run.check_live()?;
        let WidgetCall {
            kind,
            label,
            common,
            params,
            default,
            default_given,
        } = call;
        let persist = common.persist();
        let keep_value = common.keep_value();
        let bound = common.bind_query_params;
        let key = common.key;
        let key_part = rt_key_part(key.as_deref());
        if key.is_none() && (persist.is_some() || keep_value || bound) {
            let option = if bound {
                "bind_query_params"
            } else if keep_value {
                "keep_value"
            } else {
                "persist"
            };
            return Err(run.end(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "the {} \"{label}\" uses `{option}`, which keeps its value under the widget's key, and it has \
                     no key; add a key",
                    kind.name()
                ),
            )));
        }
        if bound && kind.is_trigger() {
            return Err(run.end(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "the {} \"{label}\" cannot be bound to the URL: its value lasts one run",
                    kind.name()
                ),
            )));
        }
        // R30: inside a form, only the submit button may have a callback.
        if common.callback.is_some() && !kind.submits_form() {
            if let Some(form) = run.tree.form_of(self.container) {
                return Err(run.end(Error::new(
                    ErrorKind::InvalidFormCallback,
                    format!(
                        "the {} \"{label}\" is inside form \"{form}\", where only a form_submit_button may \
                         have a callback; move the callback to the form's submit button, or the widget out \
                         of the form",
                        kind.name()
                    ),
                )));
            }
        }
        if let Some(key) = &key {
            if let Err(e) = check_key(key) {
                return Err(run.end(e));
            }
            // Policies come first, as in Streamlit (R23, R24).
            if run.state.written_this_run(key) {
                if kind.is_read_only() {
                    return Err(run.end(Error::new(
                        ErrorKind::ValueAssignmentNotAllowed,
                        format!(
                            "session state key \"{key}\" belongs to a {} widget, whose value is read-only \
                             and cannot be assigned through session state; store your value under a \
                             different key",
                            kind.name()
                        ),
                    )));
                }
                if default_given {
                    warn_default_and_state_once(key);
                }
            }
            // R6: the key check runs before the id check.
            if !run.keys.insert(key_part) {
                return Err(run.end(Error::new(
                    ErrorKind::DuplicateElementKey,
                    format!(
                        "there are multiple elements with the same key \"{key}\"; give each element \
                         a unique key"
                    ),
                )));
            }
        }
        // The `#[page]` macro passes the site's compile-time hash; anything
        // it cannot vouch for is computed from scratch, to the same result.
        let mut builder = common
            .site
            .and_then(|site| site.start(run.script, kind.name(), key.as_deref(), key_part, &label))
            .unwrap_or_else(|| IdentityBuilder::from_parts(run.script, kind.name(), key_part));
        identity(&mut builder, key.is_some(), &label, &params);
        if key.is_none() {
            // Keyless widgets hash where they are (R1, R3).
            let root = match run.tree.root_of(self.container) {
                Root::Main => "main",
                Root::Sidebar => "sidebar",
            };
            let form = run.tree.form_of(self.container).map_or("", |f| &**f);
            builder.param("root_container", root).param("form_id", form);
        }
        let id = builder.finish();
        if !run.drawn.insert(id) {
            return Err(run.end(Error::new(
                ErrorKind::DuplicateElementId,
                format!(
                    "there are multiple `{kind}` elements with the same auto-generated id (label \"{label}\"): \
                     keyless widgets are identified by their type and parameters; pass a unique `key` \
                     to the `{kind}` element",
                    kind = kind.name()
                ),
            )));
        }
        let params = Arc::new(params);
        // A value from elsewhere than the browser or session state: the URL
        // (R40) or the previous identity's value (A5).
        let written = key
            .as_deref()
            .is_some_and(|k| run.state.written_this_run(k));
        let seeded = match key.as_deref() {
            Some(k) if !written => {
                (bound && run.seed_from_url(id, k, &params, &default))
                    || (keep_value && run.carry_over(id, k, &params))
            }
            _ => false,
        };
        let meta = WidgetMeta {
            kind,
            script: run.script,
            disabled: common.disabled,
            has_callback: common.callback.is_some(),
            params: params.clone(),
            persist,
            bound,
            page: persist.is_some().then_some(run.shown),
            fragment: run.fragment.clone(),
        };
        let default_for_url = bound.then(|| default.clone());
        let form = run.tree.form_of(self.container).cloned();
        let clear_default = form
            .as_ref()
            .filter(|f| !kind.submits_form() && run.clearing_forms.contains(&***f))
            .map(|_| default.clone());
        let (value, mut value_pushed) = run
            .state
            .register_widget(id, key.as_deref(), meta, || default);
        value_pushed |= seeded || run.discarded.contains(&id);
        if let (Some(k), Some(default)) = (key.as_deref(), default_for_url) {
            run.write_url(k, &params, &value, &default, written);
        }
        match common.callback {
            Some(cb) => {
                run.callbacks.insert(id, cb);
            }
            None => {
                run.callbacks.remove(&id);
            }
        }
        let typed = T::deserialize(&value).map_err(|_| {
            Error::new(
                ErrorKind::TypeMismatch,
                format!(
                    "the {} widget{} holds {}, which is not a `{}`; write a value of the widget's type \
                     to its key",
                    kind.name(),
                    key.as_deref().map(|k| format!(" with key \"{k}\"")).unwrap_or_default(),
                    crate::error::describe_value(&value),
                    std::any::type_name::<T>()
                ),
            )
        });
        let typed = match typed {
            Ok(t) => t,
            Err(e) => return Err(run.end(e)),
        };
        run.tree.push(
            self.container,
            Element::Widget(WidgetElement {
                id,
                kind,
                key,
                label,
                help: common.help,
                disabled: common.disabled,
                params,
                value,
                value_pushed,
                script: run.script,
                form,
                ignore_changes: common.ignore_changes,
                clear_default,
                reset: false,
            }),
        );
        Ok(typed)
    }

    /// Ends the run with a parameter error raised at a widget call.
    pub(crate) fn invalid_argument(&self, message: String) -> Error {
        self.run
            .borrow_mut()
            .end(Error::new(ErrorKind::InvalidArgument, message))
    }
}

/// What a widget builder hands to [`Ui::register`].
pub(crate) struct WidgetCall {
    pub kind: Kind,
    pub label: String,
    pub common: Common,
    pub params: Params,
    pub default: Value,
    /// The call gave a default value of its own (for R24's warning).
    pub default_given: bool,
}

/// R9: keys must be non-empty and must not look like a widget id.
fn check_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidKey,
            "a widget key must not be empty; pass a non-empty `key`",
        ));
    }
    if key.starts_with("$$ID") {
        return Err(Error::new(
            ErrorKind::InvalidKey,
            format!("key \"{key}\": keys beginning with $$ID are reserved; choose another key"),
        ));
    }
    Ok(())
}

/// R24: a default and a session-state write for one widget; the state wins.
/// Logged once per process, as Streamlit does.
fn warn_default_and_state_once(key: &str) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            key,
            "the widget with key \"{key}\" was created with a default value but also had its value set \
             via session state; the session-state value is used"
        );
    }
}

/// Column widths for [`Ui::columns`].
pub struct ColumnSpec(Vec<f64>);

impl From<usize> for ColumnSpec {
    fn from(n: usize) -> Self {
        ColumnSpec(vec![1.0; n.max(1)])
    }
}
impl From<i32> for ColumnSpec {
    fn from(n: i32) -> Self {
        ColumnSpec::from(n.max(1) as usize)
    }
}
impl<const N: usize> From<[f64; N]> for ColumnSpec {
    fn from(w: [f64; N]) -> Self {
        ColumnSpec(w.to_vec())
    }
}
impl<const N: usize> From<[i32; N]> for ColumnSpec {
    fn from(w: [i32; N]) -> Self {
        ColumnSpec(w.iter().map(|&x| f64::from(x)).collect())
    }
}
impl From<Vec<f64>> for ColumnSpec {
    fn from(w: Vec<f64>) -> Self {
        ColumnSpec(w)
    }
}

/// The session's state as page code sees it (`st.session_state`): typed
/// reads and writes over serde values.
pub struct State<'r> {
    run: &'r RefCell<RunCtx>,
}

impl State<'_> {
    /// The value of `key` as `T`: `KeyError` when missing (R42),
    /// `TypeMismatch` when it is not a `T` (A4).
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<T> {
        self.get_opt(key)?.ok_or_else(|| Error::missing_key(key))
    }

    /// The value of `key` as `T`, or `None` when missing (`.get(k)` in Python).
    pub fn get_opt<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let run = self.run.borrow();
        match run.state.get(key) {
            None => Ok(None),
            Some(v) => T::deserialize(v)
                .map(Some)
                .map_err(|_| Error::type_mismatch(key, v, std::any::type_name::<T>())),
        }
    }

    /// The raw stored value of `key`.
    pub fn get_value(&self, key: &str) -> Option<Value> {
        self.run.borrow().state.get(key).cloned()
    }

    /// Writes `value` to `key` (R21). Fails with `WidgetAlreadyInstantiated`
    /// when the widget with that key was already drawn in this run (R22),
    /// and with `TypeMismatch` when the value does not fit that widget (A4).
    pub fn set<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<()> {
        let value = serde_json::to_value(value).map_err(|e| {
            Error::new(
                ErrorKind::TypeMismatch,
                format!("the value for key \"{key}\" cannot be stored: {e}"),
            )
        })?;
        self.set_value(key, value)
    }

    /// Writes a raw value to `key`; the rules of [`State::set`] apply.
    pub fn set_value(&self, key: &str, value: Value) -> Result<()> {
        let mut guard = self.run.borrow_mut();
        let run = &mut *guard;
        run.check_live()?;
        if run.forms.contains(key) {
            return Err(run.end(Error::new(
                ErrorKind::WidgetAlreadyInstantiated,
                format!(
                    "session state key \"{key}\" is the key of a form drawn in this run; a form's key \
                     cannot be written, use a different key for your value"
                ),
            )));
        }
        match run.state.set(key, value, &run.drawn) {
            Ok(()) => Ok(()),
            Err(e) => Err(run.end(e)),
        }
    }

    /// Whether `key` holds a value (`key in st.session_state`).
    pub fn contains(&self, key: &str) -> bool {
        self.run.borrow().state.contains(key)
    }

    /// Deletes `key` and its widget mapping (R20); `KeyError` when missing.
    pub fn delete(&self, key: &str) -> Result<()> {
        let mut run = self.run.borrow_mut();
        run.check_live()?;
        match run.state.delete(key) {
            Ok(()) => Ok(()),
            Err(e) => Err(run.end(e)),
        }
    }

    /// Writes `default` to `key` unless it holds a value, then returns the
    /// value of `key` (Python's `setdefault`).
    pub fn setdefault<T: Serialize + DeserializeOwned>(&self, key: &str, default: T) -> Result<T> {
        if !self.contains(key) {
            self.set(key, &default)?;
        }
        self.get(key)
    }

    /// The user-visible keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.run.borrow().state.keys()
    }

    /// Every user-visible key with its value, sorted by key.
    pub fn to_map(&self) -> BTreeMap<String, Value> {
        self.run.borrow().state.filtered()
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
        Err(payload) => {
            let (message, location) =
                LAST_PANIC
                    .with(|p| p.borrow_mut().take())
                    .unwrap_or_else(|| {
                        let msg = payload
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| payload.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "panic with a non-string payload".into());
                        (msg, None)
                    });
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
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic with a non-string payload".into());
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
