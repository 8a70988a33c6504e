//! Apps and their pages (R35–R38): a list of pages, and an optional
//! entrypoint that runs before every page (Streamlit's `st.navigation`
//! script). Without an entrypoint, the app is a `pages/`-style app: each
//! page runs on its own, the first one being the main page (R38).

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::identity::{PageId, SiteKey, WidgetSite};
use crate::params::Kind;
use crate::ui::{ShownPage, Ui};

/// Page code: draws a page on a [`Ui`].
use crate::ui::PageFn;

/// What `#[page]` generates for a page function: its path, title and icon,
/// the widget calls in its source, and the function itself. `App::page`
/// takes it as it takes a [`Page`].
///
/// ```
/// use brooklet::prelude::*;
/// use brooklet::PageDefinition;
///
/// #[page(title = "Hello")]
/// fn hello(ui: &Ui<'_>) -> brooklet::Result<()> {
///     #[widget(key = "name")]
///     let name = ui.text_input("Your name").show()?;
///     ui.text(format!("Hello, {name}"));
///     Ok(())
/// }
///
/// assert_eq!(hello::PATH, "hello");
/// assert_eq!(hello::SITES[0].literal_key(), Some("name"));
/// let app = App::new().page(hello);
/// assert_eq!(app.widget_sites().count(), 1);
/// ```
pub trait PageDefinition: 'static {
    /// The page's path: `path = "..."`, or the function's name.
    const PATH: &'static str;
    /// The page's title: `title = "..."`, or the name in words.
    const TITLE: &'static str;
    /// The page's icon: `icon = "..."`.
    const ICON: Option<&'static str>;
    /// Every widget call in the page's source, in source order.
    const SITES: &'static [WidgetSite];
    /// Draws the page: the function as written.
    fn call(ui: &Ui<'_>) -> Result<()>;
}

/// One page of an app.
pub struct Page {
    path: Arc<str>,
    title: String,
    icon: Option<String>,
    id: PageId,
    func: PageFn,
    /// The widget calls in its source, when `#[page]` made it.
    sites: Option<&'static [WidgetSite]>,
}

impl<P: PageDefinition> From<P> for Page {
    fn from(_: P) -> Page {
        let mut page = Page::new(P::PATH, P::call).title(P::TITLE);
        page.icon = P::ICON.map(str::to_owned);
        page.sites = Some(P::SITES);
        page
    }
}

impl Page {
    /// A page at `path` (its URL path, or the script path of a ported
    /// Streamlit app such as `page_a.py`), drawn by `func`. A `#[page]`
    /// function converts into a `Page` by itself.
    pub fn new(
        path: impl Into<String>,
        func: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        let path: String = path.into();
        let title = default_title(&path);
        Page {
            id: PageId::of_path(&path),
            path: path.into(),
            title,
            icon: None,
            func: Arc::new(func),
            sites: None,
        }
    }

    /// The title shown in navigation.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The icon shown in navigation.
    pub fn icon(mut self, icon: impl Into<String>) -> Self {
        self.icon = Some(icon.into());
        self
    }

    /// The page's icon.
    pub fn page_icon(&self) -> Option<&str> {
        self.icon.as_deref()
    }

    /// The widget calls in the page's source, when `#[page]` made it;
    /// `None` for a page made by [`Page::new`] from a plain function.
    pub fn widget_sites(&self) -> Option<&'static [WidgetSite]> {
        self.sites
    }

    /// The page's path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The page's title.
    pub fn page_title(&self) -> &str {
        &self.title
    }

    /// The page's identity, part of its widgets' identities (R10).
    pub fn id(&self) -> PageId {
        self.id
    }

    pub(crate) fn call(&self, ui: &Ui<'_>) -> Result<()> {
        (self.func)(ui)
    }

    /// The page as a run shows it.
    pub(crate) fn shown(&self) -> ShownPage {
        ShownPage {
            id: self.id,
            path: self.path.clone(),
            body: self.func.clone(),
        }
    }
}

/// `pages/other_page.py` → `Other page`.
fn default_title(path: &str) -> String {
    let stem = path.rsplit('/').next().unwrap_or(path);
    let stem = stem
        .strip_suffix(".py")
        .or_else(|| stem.strip_suffix(".rs"))
        .unwrap_or(stem);
    let words = stem.replace(['_', '-'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Home".into(),
    }
}

/// An app: its pages and an optional entrypoint. Cheap to clone.
#[derive(Clone, Default)]
pub struct App {
    entrypoint: Option<Arc<Page>>,
    pages: Vec<Arc<Page>>,
    /// Each page's path and title, for page links.
    titles: Arc<[(Arc<str>, String)]>,
    /// The largest upload the server takes, in bytes (`None`: the default).
    max_upload_size: Option<u64>,
}

impl App {
    /// An app with no pages yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a page: a `#[page]` function, or a [`Page`]. The first page
    /// added is the default page.
    pub fn page(mut self, page: impl Into<Page>) -> Self {
        self.pages.push(Arc::new(page.into()));
        self.titles = self
            .pages
            .iter()
            .map(|p| (p.path.clone(), p.title.clone()))
            .collect();
        self
    }

    /// Each page's path and title, in navigation order.
    pub(crate) fn titles(&self) -> Arc<[(Arc<str>, String)]> {
        self.titles.clone()
    }

    /// Sets the entrypoint: code that runs before every page and runs the
    /// page itself with [`Ui::run_page`]. Its widgets are the same widget on
    /// every page (R37). It is a `#[page(entrypoint)]` function, or any
    /// function of a [`Ui`].
    pub fn entrypoint<M>(mut self, entrypoint: impl IntoEntrypoint<M>) -> Self {
        let mut page = entrypoint.into_entrypoint();
        page.id = PageId::ENTRYPOINT;
        self.entrypoint = Some(Arc::new(page));
        self
    }

    /// The largest file upload the server takes in one event, in bytes
    /// (Streamlit's `server.maxUploadSize`; 200 MiB by default). Each
    /// `file_uploader` has its own `max_upload_size` within it; an event
    /// past this limit is refused with `413 Payload Too Large`.
    pub fn max_upload_size(mut self, bytes: u64) -> Self {
        self.max_upload_size = Some(bytes);
        self
    }

    /// The upload limit the server applies: [`App::max_upload_size`] when
    /// set; else 0 when the widget registry shows that no page draws a
    /// `file_uploader` (every page a `#[page]` function), so events stay
    /// small; else 200 MiB.
    pub fn upload_limit(&self) -> u64 {
        if let Some(limit) = self.max_upload_size {
            return limit;
        }
        let known = self
            .entrypoint
            .iter()
            .chain(&self.pages)
            .all(|p| p.sites.is_some());
        if known && !self.widget_sites().any(|s| s.kind == "file_uploader") {
            0
        } else {
            crate::widgets::file_uploader::DEFAULT_MAX_UPLOAD_SIZE
        }
    }

    /// The most a single event may upload: [`App::max_upload_size`], or
    /// 200 MiB. Within it, an event takes what the uploaders its page shows
    /// take.
    pub fn upload_cap(&self) -> u64 {
        self.max_upload_size
            .unwrap_or(crate::widgets::file_uploader::DEFAULT_MAX_UPLOAD_SIZE)
    }

    /// Every widget call in the source of the app's `#[page]` functions,
    /// the entrypoint's first: what the app may draw.
    pub fn widget_sites(&self) -> impl Iterator<Item = &'static WidgetSite> + '_ {
        self.entrypoint
            .iter()
            .chain(&self.pages)
            .flat_map(|p| p.sites.unwrap_or_default())
    }

    /// Whether a widget id can come from this app, as far as the widget
    /// registry can tell: `Some(true)` for an id some widget call fixes at
    /// compile time, `Some(false)` when every widget call of every page has
    /// its id fixed at compile time and none is this one, `None` otherwise.
    pub fn produces_id(&self, id: crate::identity::WidgetId) -> Option<bool> {
        let all = self.entrypoint.iter().chain(&self.pages);
        if all.clone().any(|p| p.sites.is_none()) {
            return None;
        }
        let mut all_static = true;
        for site in self.widget_sites() {
            match site.static_id() {
                Some(known) if known == id => return Some(true),
                Some(_) => {}
                None => all_static = false,
            }
        }
        all_static.then_some(false)
    }

    /// Whether some page of the app can draw a widget of `kind` with `key`
    /// (`None`: a keyless widget): a widget call of that kind with that
    /// literal key, with a key computed at run time, or without a key. A
    /// page made from a plain function, whose calls are unknown, can draw
    /// anything. The server can reject events for widgets no page draws.
    pub fn can_produce(&self, kind: Kind, key: Option<&str>) -> bool {
        let all = self.entrypoint.iter().chain(&self.pages);
        if all.clone().any(|p| p.sites.is_none()) {
            return true;
        }
        self.widget_sites().any(|site| {
            site.kind == kind.name()
                && match (site.key, key) {
                    (SiteKey::None, None) => true,
                    (SiteKey::Literal(k), Some(key)) => k == key,
                    (SiteKey::Dynamic, Some(_)) => true,
                    _ => false,
                }
        })
    }

    /// The pages, in navigation order.
    pub fn pages(&self) -> impl Iterator<Item = &Page> + '_ {
        self.pages.iter().map(|p| &**p)
    }

    /// Whether the app has an entrypoint.
    pub fn has_entrypoint(&self) -> bool {
        self.entrypoint.is_some()
    }

    pub(crate) fn entrypoint_page(&self) -> Option<&Arc<Page>> {
        self.entrypoint.as_ref()
    }

    /// The page at `path`, or the default page for `None`.
    pub(crate) fn find(&self, path: Option<&str>) -> Result<&Arc<Page>> {
        match path {
            None => self.pages.first().ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownPage,
                    "the app has no pages; add one with `App::page`",
                )
            }),
            Some(path) => self.pages.iter().find(|p| &*p.path == path).ok_or_else(|| {
                let known: Vec<&str> = self.pages.iter().map(|p| &*p.path).collect();
                Error::new(
                    ErrorKind::UnknownPage,
                    format!("the app has no page \"{path}\"; its pages are {known:?}"),
                )
            }),
        }
    }
}

/// What [`App::entrypoint`] takes: a `#[page(entrypoint)]` function (or any
/// `#[page]` function), or a plain function of a [`Ui`]. `M` only tells the
/// two apart.
pub trait IntoEntrypoint<M> {
    /// The entrypoint as a page.
    fn into_entrypoint(self) -> Page;
}

/// Marks [`IntoEntrypoint`] for plain functions.
pub enum FnMarker {}
/// Marks [`IntoEntrypoint`] for `#[page]` functions.
pub enum DefinitionMarker {}

impl<F> IntoEntrypoint<FnMarker> for F
where
    F: Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
{
    fn into_entrypoint(self) -> Page {
        Page::new("$$entrypoint", self)
    }
}

impl<P: PageDefinition> IntoEntrypoint<DefinitionMarker> for P {
    fn into_entrypoint(self) -> Page {
        Page::from(self)
    }
}
