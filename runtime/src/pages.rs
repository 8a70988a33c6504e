//! Apps and their pages (R35–R38): a list of pages, and an optional
//! entrypoint that runs before every page (Streamlit's `st.navigation`
//! script). Without an entrypoint, the app is a `pages/`-style app: each
//! page runs on its own, the first one being the main page (R38).

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::identity::PageId;
use crate::run::Ui;

/// Page code: draws a page on a [`Ui`].
pub type PageFn = Arc<dyn Fn(&Ui<'_>) -> Result<()> + Send + Sync>;

/// One page of an app.
pub struct Page {
    path: String,
    title: String,
    id: PageId,
    func: PageFn,
}

impl Page {
    /// A page at `path` (its URL path, or the script path of a ported
    /// Streamlit app such as `page_a.py`), drawn by `func`.
    pub fn new(
        path: impl Into<String>,
        func: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        let path = path.into();
        let title = default_title(&path);
        Page {
            id: PageId::of_path(&path),
            path,
            title,
            func: Arc::new(func),
        }
    }

    /// The title shown in navigation.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
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
}

impl App {
    /// An app with no pages yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a page; the first page added is the default page.
    pub fn page(mut self, page: Page) -> Self {
        self.pages.push(Arc::new(page));
        self
    }

    /// Sets the entrypoint: code that runs before every page and runs the
    /// page itself with [`Ui::run_page`]. Its widgets are the same widget on
    /// every page (R37).
    pub fn entrypoint(
        mut self,
        func: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        let mut page = Page::new("$$entrypoint", func);
        page.id = PageId::ENTRYPOINT;
        self.entrypoint = Some(Arc::new(page));
        self
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
            Some(path) => self.pages.iter().find(|p| p.path == path).ok_or_else(|| {
                let known: Vec<&str> = self.pages.iter().map(|p| p.path.as_str()).collect();
                Error::new(
                    ErrorKind::UnknownPage,
                    format!("the app has no page \"{path}\"; its pages are {known:?}"),
                )
            }),
        }
    }
}
