//! What tabs, expanders and popovers share: the part of the page each
//! returns ([`Panel`]), and how they decide to track their state.
//!
//! As in Streamlit 1.55+, such a container is a widget only when asked to
//! track its state: with a callback, `rerun_on_change()`, or (tabs and
//! expanders) `bind_query_params()`. Then its state is its value, under its
//! key in session state, cleaned up like any widget's (R14, R15), and its
//! identity counts its parameters even with a key. Otherwise it is a plain
//! container: which tab shows, or whether it is open, is the browser's
//! alone; its key still counts among the run's keys (R6).

use std::ops::Deref;

use crate::error::{Error, ErrorKind, Result};
use crate::identity::rt_key_part;
use crate::register::Common;
use crate::ui::{check_key, Ui};

/// The part of the page inside a tab, an expander or a popover: draw into
/// it as into any [`Ui`].
pub struct Panel<'r> {
    ui: Ui<'r>,
    open: Option<bool>,
}

impl<'r> Panel<'r> {
    pub(crate) fn new(ui: Ui<'r>, open: Option<bool>) -> Self {
        Panel { ui, open }
    }

    /// Whether it is open (this tab is the one shown, the expander or the
    /// popover is open), when its container tracks that (`.open` in
    /// Streamlit); `None` when the browser alone knows. Draw costly content
    /// only `if panel.open() != Some(false)`.
    pub fn open(&self) -> Option<bool> {
        self.open
    }
}

impl<'r> Deref for Panel<'r> {
    type Target = Ui<'r>;

    fn deref(&self) -> &Ui<'r> {
        &self.ui
    }
}

/// How a container reacts to the user opening or closing it: Streamlit's
/// `on_change`, `"ignore"` unless told otherwise.
#[derive(Default)]
pub(crate) struct Tracking {
    /// `on_change = "rerun"`.
    pub rerun: bool,
}

impl Tracking {
    /// Whether the container is a widget: a callback, a rerun or a bound
    /// query parameter.
    pub(crate) fn tracks(&self, common: &Common) -> bool {
        self.rerun || common.callback.is_some() || common.bind_query_params
    }
}

impl Ui<'_> {
    /// A plain container's key: it counts among the run's keys (R6, R9),
    /// though no value lives under it.
    pub(crate) fn claim_key(&self, kind: &str, key: &str) -> Result<()> {
        let mut guard = self.run.borrow_mut();
        let run = &mut *guard;
        run.check_live()?;
        run.check_cancelled()?;
        if let Err(e) = check_key(key) {
            return Err(run.end(e));
        }
        if !run.keys.insert(rt_key_part(Some(key))) {
            return Err(run.end(Error::new(
                ErrorKind::DuplicateElementKey,
                format!(
                    "there are multiple elements with the same key \"{key}\" (one of them {kind}); \
                     give each element a unique key"
                ),
            )));
        }
        Ok(())
    }
}

/// The value of an expander or a popover, in a `WidgetParams` impl:
/// whether it is open, read from its `<details>`.
macro_rules! open_value {
    () => {
        fn validate(&self, value: Value) -> Result<Value, String> {
            $crate::widgets::bool_value(value)
        }

        fn accepts(&self, value: &Value) -> bool {
            value.is_boolean()
        }

        fn expected(&self) -> &'static str {
            "a bool (open or not)"
        }

        fn shape(&self) -> $crate::params::ValueShape {
            $crate::params::ValueShape::Open
        }
    };
}
pub(crate) use open_value;

/// Adds the options of a container that can track its state to a builder
/// with `common` and `tracking` fields.
macro_rules! tracking_options {
    (impl [$($gen:tt)*] $ty:ty) => {
        impl<$($gen)*> $ty {
            /// Its key: with tracking, its state lives in session state
            /// under it; either way no other element may use it (R6, R9).
            pub fn key(mut self, key: impl ::std::fmt::Display) -> Self {
                self.common.key = Some(key.to_string());
                self
            }

            /// A callback that runs before the next run's body when the
            /// user opens or closes it (`on_change=callback`, R25–R27); it
            /// makes the container track its state.
            pub fn on_change(
                mut self,
                callback: impl Fn(&$crate::ui::Ui<'_>) -> $crate::Result<()> + Send + Sync + 'static,
            ) -> Self {
                self.common.callback = Some(::std::sync::Arc::new(callback));
                self
            }

            /// Reruns the page when the user opens or closes it
            /// (`on_change="rerun"`); it makes the container track its state.
            pub fn rerun_on_change(mut self) -> Self {
                self.tracking.rerun = true;
                self
            }

            /// Used by `#[page]`: the call's compile-time site. Not public API.
            #[doc(hidden)]
            pub fn __site(mut self, site: &'static $crate::identity::WidgetSite) -> Self {
                self.common.site = Some(site);
                self
            }
        }
    };
}
pub(crate) use tracking_options;

impl crate::elements::ElementTree {
    /// The rows of tabs in page order: their labels, and the open tab's
    /// label where the row tracks it.
    pub fn tabs(&self) -> Vec<(Vec<&str>, Option<&str>)> {
        use crate::elements::Element;
        let mut rows: Vec<(String, Vec<&str>, Option<&str>)> = Vec::new();
        for element in self.iter() {
            match element {
                Element::Tabs { dom, .. } => rows.push((dom.clone(), Vec::new(), None)),
                Element::Widget(w) if w.kind == crate::params::Kind::Tabs => {
                    rows.push((super::tabs::tracked_dom(w.id), Vec::new(), w.value.as_str()));
                }
                Element::Tab { label, dom, .. } => {
                    if let Some(row) = rows.iter_mut().rev().find(|r| r.0 == *dom) {
                        row.1.push(label);
                    }
                }
                _ => {}
            }
        }
        rows.into_iter().map(|(_, labels, open)| (labels, open)).collect()
    }

    /// The expanders in page order: their label, and whether they are
    /// open where they track it.
    pub fn expanders(&self) -> Vec<(&str, Option<bool>)> {
        self.openable(crate::params::Kind::Expander, |e| match e {
            crate::elements::Element::Expander { label, .. } => Some(label),
            _ => None,
        })
    }

    /// The popovers in page order: their label, and whether they are open
    /// where they track it.
    pub fn popovers(&self) -> Vec<(&str, Option<bool>)> {
        self.openable(crate::params::Kind::Popover, |e| match e {
            crate::elements::Element::Popover { label, .. } => Some(label),
            _ => None,
        })
    }

    fn openable<'t>(
        &'t self,
        kind: crate::params::Kind,
        plain: impl Fn(&'t crate::elements::Element) -> Option<&'t String>,
    ) -> Vec<(&'t str, Option<bool>)> {
        self.iter()
            .filter_map(|e| match e {
                crate::elements::Element::Widget(w) if w.kind == kind => {
                    Some((w.label.as_str(), w.value.as_bool()))
                }
                other => plain(other).map(|label| (label.as_str(), None)),
            })
            .collect()
    }
}
