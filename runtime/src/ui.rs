//! A run as page code sees it: the [`Ui`] it draws with (elements,
//! containers, `stop`, `rerun`, the page an entrypoint runs), the
//! session-state handle, and the run's context that both work on.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::cancel::{CancelReason, CancelToken, Interrupted};
use crate::elements::{AlertKind, Element, ElementTree, NodeId, RunTree, MAIN, SIDEBAR};
use crate::error::{Error, ErrorKind, Result};
use crate::identity::{rt_key_part, IdMap, IdSet, PageId};
use crate::session_state::SessionState;

/// A callback: runs before the page body when its widget changed (R25–R27).
/// Arguments are whatever the closure captured when the widget was drawn,
/// which is exactly Streamlit's render-time binding of `args` (R26).
pub(crate) type Callback = Arc<dyn Fn(&Ui<'_>) -> crate::Result<()> + Send + Sync>;

/// A page's code.
pub(crate) type PageFn = Arc<dyn Fn(&Ui<'_>) -> Result<()> + Send + Sync>;

/// The page a run shows, as the run needs it: its id, path and code.
#[derive(Clone)]
pub(crate) struct ShownPage {
    pub id: PageId,
    pub path: Arc<str>,
    pub body: PageFn,
}

/// The URL's query parameters: each name with its values, in order.
pub type QueryParams = BTreeMap<String, Vec<String>>;

/// Everything one run works on. It owns the session's state for the run's
/// duration and hands it back when the run ends.
pub(crate) struct RunCtx {
    pub state: SessionState,
    pub callbacks: IdMap<Callback>,
    pub query_params: QueryParams,
    pub tree: RunTree,
    /// Widget ids drawn in this run (R7, R8, R15).
    pub drawn: IdSet,
    /// The keys of the forms drawn in this run (R22).
    pub forms: HashSet<String>,
    /// The forms drawn with `clear_on_submit` (R31).
    pub clearing_forms: HashSet<String>,
    /// Hashes of the user keys used in this run (R6).
    pub keys: HashSet<u128, std::hash::BuildHasherDefault<crate::identity::IdHasher>>,
    /// The script whose code is running: the entrypoint or a page (R10).
    pub script: PageId,
    /// The page this run shows, run by [`Ui::run_page`] from the entrypoint.
    pub page: Option<ShownPage>,
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
    /// The app's pages: path and title.
    pub pages: Arc<[(Arc<str>, String)]>,
    /// The files this run's download buttons serve, by widget.
    pub media: BTreeMap<crate::identity::WidgetId, crate::elements::MediaFile>,
    /// `switch_page()` asked for this page, with these query parameters.
    pub switch_to: Option<(String, Option<QueryParams>)>,
    /// Callbacks are running, not the page (fragment reruns by key, R41).
    pub in_callback: bool,
    /// This run is a fragment run: only `fragment`'s code runs (R32, R41).
    pub fragment_run: bool,
    /// How a newer event or the Stop control ends this run early.
    pub cancel: CancelToken,
    /// The session's background tasks (moved in for the run).
    pub tasks: crate::task_record::Tasks,
    /// Where the session's tasks run.
    pub task_host: Option<std::sync::Arc<dyn crate::task_record::TaskHost>>,
}

impl RunCtx {
    pub(crate) fn new(
        state: SessionState,
        callbacks: IdMap<Callback>,
        query_params: QueryParams,
        tree: ElementTree,
        page: ShownPage,
        expected_widgets: usize,
    ) -> Self {
        RunCtx {
            state,
            callbacks,
            query_params,
            tree: RunTree::new(tree, None),
            // Sized from the last run: growing these sets was a visible share of a rerun.
            drawn: IdSet::with_capacity_and_hasher(expected_widgets, Default::default()),
            forms: HashSet::new(),
            clearing_forms: HashSet::new(),
            keys: HashSet::with_capacity_and_hasher(expected_widgets, Default::default()),
            script: page.id,
            shown: page.id,
            page: Some(page),
            ended: None,
            discarded: IdSet::default(),
            fragment: None,
            url_seeds: false,
            url_writes: BTreeMap::new(),
            fragments: BTreeMap::new(),
            fragment_rerun: None,
            switch_to: None,
            pages: Arc::from([]),
            media: BTreeMap::new(),
            in_callback: false,
            fragment_run: false,
            cancel: CancelToken::new(),
            tasks: Default::default(),
            task_host: None,
        }
    }

    /// The error that ends this run because it was cancelled, if it was.
    /// Callbacks are not cut short: they finish, and the run ends at the
    /// page's first `Ui` call.
    pub(crate) fn cancellation(&self) -> Option<Error> {
        if self.in_callback {
            return None;
        }
        Some(match self.cancel.reason()? {
            CancelReason::Superseded => Error::new(
                ErrorKind::Interrupted,
                "the run was superseded by a newer event",
            ),
            CancelReason::Stopped => {
                Error::new(ErrorKind::Stop, "the run was stopped from the page")
            }
        })
    }

    /// Ends the run with `Err` when it was cancelled (a widget call, a
    /// form, `checkpoint()`).
    pub(crate) fn check_cancelled(&mut self) -> Result<()> {
        match self.cancellation() {
            Some(e) => Err(self.end(e)),
            None => Ok(()),
        }
    }

    pub(crate) fn check_live(&self) -> Result<()> {
        match &self.ended {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Passes an error on. `stop()` and `rerun()` end the run whatever page
    /// code does with them; any other error is the page's to handle, as a
    /// caught exception is in Python.
    pub(crate) fn end_with(&mut self, err: Error) -> Error {
        self.end(err)
    }

    pub(crate) fn end(&mut self, err: Error) -> Error {
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
    pub(crate) run: &'r RefCell<RunCtx>,
    pub(crate) container: NodeId,
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

    pub(crate) fn at(&self, container: NodeId) -> Ui<'r> {
        Ui {
            run: self.run,
            container,
        }
    }

    /// Draws `element` here. A cancelled run ends at this call: it
    /// returns nothing to fail with, so the run unwinds to its boundary.
    pub(crate) fn push(&self, element: Element) -> NodeId {
        let mut run = self.run.borrow_mut();
        if let Err(e) = run.check_cancelled() {
            drop(run);
            std::panic::resume_unwind(Box::new(Interrupted(e)));
        }
        run.tree.push(self.container, element)
    }

    /// Ends the run here if a newer event superseded it or the user pressed
    /// Stop: `ui.checkpoint()?;` in a long computation that makes no other
    /// `Ui` call lets it be interrupted there. Every `Ui` call checks too.
    pub fn checkpoint(&self) -> Result<()> {
        let mut run = self.run.borrow_mut();
        run.check_live()?;
        run.check_cancelled()
    }

    /// The run's cancellation, for threads and async work the page starts:
    /// it is cancelled when a newer event supersedes the run or the user
    /// presses Stop.
    pub fn cancel_token(&self) -> CancelToken {
        self.run.borrow().cancel.clone()
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

    /// A caption: small, muted markdown (`st.caption`).
    pub fn caption(&self, body: impl Into<String>) {
        self.push(Element::Caption { body: body.into() });
    }

    /// A horizontal rule (`st.divider`).
    pub fn divider(&self) {
        self.push(Element::Divider);
    }

    /// HTML (`st.html`). The page shows it sanitised (by `ammonia`):
    /// scripts, event handlers, styles and `javascript:` URLs are dropped,
    /// and formatting, links, lists, tables and images stay.
    pub fn html(&self, body: impl Into<String>) {
        self.push(Element::Html { body: body.into() });
    }

    /// A link styled as a button (`st.link_button`): it opens `url` in a
    /// new tab and does not rerun the page. Errors: a `url` that is not
    /// relative, `http`, `https` or `mailto` (`javascript:` and `data:`
    /// are refused).
    pub fn link_button(&self, label: impl Into<String>, url: impl Into<String>) -> Result<()> {
        let (label, url) = (label.into(), url.into());
        if !crate::elements::safe_url(&url) {
            let mut run = self.run.borrow_mut();
            return Err(run.end(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "link_button \"{label}\": its URL \"{url}\" is not allowed; use a relative URL \
                     or one starting with http:, https: or mailto:"
                ),
            )));
        }
        self.push(Element::LinkButton { label, url });
        Ok(())
    }

    /// A formula in LaTeX (`st.latex`): drawn as MathML on the server, so
    /// that the browser needs no script for it. A formula that does not
    /// parse is shown with the parser's message.
    pub fn latex(&self, body: impl Into<String>) {
        self.push(Element::Latex { body: body.into() });
    }

    /// A link to the app's page at `path` (`st.page_link`), with `label`,
    /// or the page's title when `label` is empty. A click switches this
    /// session's page (R35); a middle click or "copy link" works as for any
    /// link. Errors: a `path` that is none of the app's pages.
    pub fn page_link(&self, path: &str, label: impl Into<String>) -> Result<()> {
        let label = label.into();
        let mut run = self.run.borrow_mut();
        let Some(title) = run
            .pages
            .iter()
            .find(|(p, _)| &**p == path)
            .map(|(_, t)| t.clone())
        else {
            let known: Vec<&str> = run.pages.iter().map(|(p, _)| &**p).collect();
            let message =
                format!("page_link: the app has no page \"{path}\"; its pages are {known:?}");
            return Err(run.end(Error::new(ErrorKind::UnknownPage, message)));
        };
        drop(run);
        let label = if label.is_empty() { title } else { label };
        self.push(Element::PageLink {
            path: path.to_owned(),
            label,
        });
        Ok(())
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
        self.columns_with(spec, ColumnsOptions::default())
    }

    /// A row of columns with its gap, the columns' vertical alignment and
    /// borders (`st.columns(spec, gap=..., vertical_alignment=..., border=...)`).
    pub fn columns_with(
        &self,
        spec: impl Into<ColumnSpec>,
        options: ColumnsOptions,
    ) -> Vec<Ui<'r>> {
        let weights = spec.into().0;
        let row = self.push(Element::Columns {
            gap: options.gap,
            vertical_alignment: options.vertical_alignment,
            border: options.border,
        });
        let mut run = self.run.borrow_mut();
        weights
            .into_iter()
            .map(|weight| {
                let col = run.tree.push(row, Element::Column { weight });
                self.at(col)
            })
            .collect()
    }

    /// A chat message (`st.chat_message`): a container with the avatar of
    /// its author, `name`: `user` (or `human`) and `assistant` (or `ai`)
    /// get a person and a robot, any other name its first letter.
    pub fn chat_message(&self, name: impl Into<String>) -> Ui<'r> {
        let node = self.push(Element::ChatMessage {
            name: name.into(),
            avatar: None,
        });
        self.at(node)
    }

    /// A chat message with an avatar of its own: an emoji or short text.
    pub fn chat_message_with(&self, name: impl Into<String>, avatar: impl Into<String>) -> Ui<'r> {
        let node = self.push(Element::ChatMessage {
            name: name.into(),
            avatar: Some(avatar.into()),
        });
        self.at(node)
    }

    /// A plain container (`st.container`): elements drawn into it later
    /// appear at its place.
    pub fn container(&self) -> Ui<'r> {
        self.container_with(ContainerOptions::default())
    }

    /// A container with a border, or a fixed height in pixels that its
    /// content scrolls in (`st.container(border=..., height=...)`). As in
    /// Streamlit, a fixed height brings a border unless `border` says no.
    pub fn container_with(&self, options: ContainerOptions) -> Ui<'r> {
        let node = self.push(Element::Container {
            border: options.border.unwrap_or(options.height.is_some()),
            height: options.height,
        });
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
        run.check_cancelled()?;
        if let Err(e) = check_key(&key) {
            return Err(run.end(e));
        }
        let outer = run.tree.get().form_of(self.container).cloned();
        if let Some(form) = outer {
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
        self.run
            .borrow_mut()
            .tree
            .get()
            .form_of(self.container)
            .cloned()
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

    /// Ends the run here and switches to the page at `path`
    /// (`st.switch_page`). As for a switch in the navigation, only the
    /// entrypoint's widgets keep their state (R35), the new page's URL has
    /// no query parameters, and it runs from the top. An unknown page is an
    /// `UnknownPage` error on the page. Write `ui.switch_page("other")?;`;
    /// it always returns `Err`.
    pub fn switch_page(&self, path: &str) -> Result<()> {
        self.switch_to(path, None)
    }

    /// [`Ui::switch_page`] with the new page's query parameters
    /// (`st.switch_page(page, query_params=...)`): widgets bound to them
    /// take their values (R40).
    pub fn switch_page_with<K, V>(
        &self,
        path: &str,
        query_params: impl IntoIterator<Item = (K, V)>,
    ) -> Result<()>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut query = QueryParams::new();
        for (k, v) in query_params {
            query.entry(k.into()).or_default().push(v.into());
        }
        self.switch_to(path, Some(query))
    }

    fn switch_to(&self, path: &str, query: Option<QueryParams>) -> Result<()> {
        let mut run = self.run.borrow_mut();
        run.check_live()?;
        run.switch_to = Some((path.to_owned(), query));
        Err(run.end(Error::new(
            ErrorKind::Rerun,
            format!("the run was ended by `switch_page(\"{path}\")`"),
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
            run.script = page.id;
            (page, outer)
        };
        let result = (page.body)(&self.at(MAIN));
        self.run.borrow_mut().script = outer;
        result
    }

    /// The path of the page this run shows.
    pub fn page_path(&self) -> Option<String> {
        self.run.borrow().page.as_ref().map(|p| p.path.to_string())
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

/// R9: keys must be non-empty and must not look like a widget id.
pub(crate) fn check_key(key: &str) -> Result<()> {
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

/// How [`Ui::columns_with`] lays its columns out; the default is
/// Streamlit's: a small gap, at the top, no borders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ColumnsOptions {
    /// The space between the columns.
    pub gap: crate::elements::Gap,
    /// Where each column's elements sit when the row is taller.
    pub vertical_alignment: crate::elements::VerticalAlignment,
    /// A border around each column.
    pub border: bool,
}

/// How [`Ui::container_with`] shows its container; the default is a plain
/// one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContainerOptions {
    /// A border around it; by default, only with a fixed height.
    pub border: Option<bool>,
    /// A fixed height in pixels, its content scrolling inside; by default
    /// as tall as its content.
    pub height: Option<u32>,
}
