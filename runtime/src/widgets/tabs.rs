//! `tabs`: a row of tabs, each a part of the page (`st.tabs`). Tracking
//! tabs (see [`super::panel`]) are a widget whose value is the label of
//! the tab shown; a stored label that is none of the tabs shows the
//! default tab and is reset to its label, as in Streamlit. Identity: type +
//! key + page + the labels and the default, with a key too.
//!
//! The tabs follow the ARIA tabs pattern: a `tablist` of `tab` buttons,
//! each controlling its `tabpanel`. Each tab is a submit button, so that
//! without JavaScript a click posts the form and the answer shows that
//! tab; the client script switches tabs in place instead.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::panel::{tracking_options, Panel, Tracking};
use super::{declare_kind, one_query, short, Common, Kind, Params, Tagged, ValueShape, WidgetParams};
use crate::elements::Element;
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// Tracking tabs' drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct TabsParams {
    pub labels: Vec<String>,
    pub default: usize,
}

impl Tagged for TabsParams {
    const TAG: &'static str = "tabs";
}

declare_kind!(Tabs = "tabs", Container, TabsParams);

impl TabsParams {
    fn position(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    fn default_label(&self) -> Value {
        Value::String(self.labels[self.default].clone())
    }
}

impl WidgetParams for TabsParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        match value.as_str() {
            Some(label) if self.position(label).is_some() => Ok(value),
            _ => Err(format!(
                "{} is not one of the tabs ({})",
                short(&value),
                self.labels.join(", ")
            )),
        }
    }

    fn accepts(&self, value: &Value) -> bool {
        value.is_string()
    }

    fn expected(&self) -> &'static str {
        "a tab's label"
    }

    fn fallback(&self, value: &Value) -> Option<Value> {
        let shown = value.as_str().and_then(|l| self.position(l));
        shown.is_none().then(|| self.default_label())
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        let label = one_query(raw)?;
        self.position(label).map(|_| Value::String(label.to_owned()))
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Tab
    }

    fn read_wire(&self, wire: Value) -> Result<Value, String> {
        wire.as_u64()
            .and_then(|at| self.labels.get(at as usize))
            .map(|l| Value::String(l.clone()))
            .ok_or_else(|| format!("{} is not the position of one of the tabs", short(&wire)))
    }

    fn to_wire(&self, value: &Value) -> Value {
        let at = value.as_str().and_then(|l| self.position(l));
        Value::from(at.unwrap_or(self.default))
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        let at = self.to_wire(w.value).as_u64().unwrap_or(0) as usize;
        let dom = tracked_dom(w.id);
        let buttons = TabButtons {
            dom: &dom,
            labels: &self.labels,
            selected: at,
            field: Field::Widget(&w.id.to_string()),
        };
        buttons.html(None) + crate::params::CHILDREN
    }
}

/// The name of tracking tabs' parts in the page.
pub(crate) fn tracked_dom(id: crate::identity::WidgetId) -> String {
    format!("w{id}")
}

/// What a tab button posts without JavaScript.
#[cfg(feature = "server")]
pub(crate) enum Field<'a> {
    /// The widget's field: the tab's position.
    Widget(&'a str),
    /// `_tabview`: the row's name and the tab's position, which the answer
    /// shows (the browser's choice, kept in the page).
    View,
}

/// A row's tab buttons.
#[cfg(feature = "server")]
pub(crate) struct TabButtons<'a> {
    pub dom: &'a str,
    pub labels: &'a [String],
    pub selected: usize,
    pub field: Field<'a>,
}

#[cfg(feature = "server")]
impl TabButtons<'_> {
    /// The `tablist`, with the choice a no-JavaScript post made (`kept`)
    /// carried on to the next post.
    pub(crate) fn html(&self, kept: Option<usize>) -> String {
        use leptos::prelude::*;
        let field = |i: usize| match self.field {
            Field::Widget(name) => (name.to_owned(), i.to_string()),
            Field::View => ("_tabview".to_owned(), format!("{}:{i}", self.dom)),
        };
        let buttons = self
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let on = i == self.selected;
                let (name, value) = field(i);
                view! {
                    <button type="submit" role="tab" class="bk-tab" id=format!("{}-t{i}", self.dom)
                        aria-controls=format!("{}-p{i}", self.dom) aria-selected=on.to_string()
                        tabindex=if on { "0" } else { "-1" } name=name value=value>{label.clone()}</button>
                }
            })
            .collect_view();
        let kept = kept.map(|i| {
            view! { <input type="hidden" name="_tabview" value=format!("{}:{i}", self.dom) /> }
        });
        view! {
            <div class="bk-tablist" role="tablist" data-tabs=self.dom.to_owned()>{kept}{buttons}</div>
        }
        .to_html()
    }
}

/// Labels of a row of tabs: an array gives an array of panels to
/// destructure (`let [a, b] = ui.tabs(["A", "B"]).show()?;`), a `Vec` or
/// a slice a `Vec`.
pub trait TabLabels {
    /// The panels, one per label.
    type Panels<'r>;

    /// The labels.
    fn into_labels(self) -> Vec<String>;

    /// The panels as this kind of labels gives them.
    #[doc(hidden)]
    fn panels(panels: Vec<Panel<'_>>) -> Self::Panels<'_>;
}

impl<S: Into<String>, const N: usize> TabLabels for [S; N] {
    type Panels<'r> = [Panel<'r>; N];

    fn into_labels(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }

    fn panels(panels: Vec<Panel<'_>>) -> [Panel<'_>; N] {
        match panels.try_into() {
            Ok(panels) => panels,
            Err(_) => unreachable!("a panel per label"),
        }
    }
}

impl<S: Into<String>> TabLabels for Vec<S> {
    type Panels<'r> = Vec<Panel<'r>>;

    fn into_labels(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }

    fn panels(panels: Vec<Panel<'_>>) -> Vec<Panel<'_>> {
        panels
    }
}

impl<S: AsRef<str>> TabLabels for &[S] {
    type Panels<'r> = Vec<Panel<'r>>;

    fn into_labels(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }

    fn panels(panels: Vec<Panel<'_>>) -> Vec<Panel<'_>> {
        panels
    }
}

/// A row of tabs.
#[must_use = "tabs are drawn by `.show()`"]
pub struct Tabs<'u, 'r, L> {
    ui: &'u Ui<'r>,
    labels: L,
    default: Option<String>,
    common: Common,
    tracking: Tracking,
}

impl<'r> Ui<'r> {
    /// A row of tabs (`st.tabs`), the first shown at first. Each label
    /// gives a [`Panel`] to draw that tab's content into; every tab's
    /// content is drawn, unless the page asks [`Panel::open`] first.
    pub fn tabs<L: TabLabels>(&self, labels: L) -> Tabs<'_, 'r, L> {
        Tabs {
            ui: self,
            labels,
            default: None,
            common: Common::default(),
            tracking: Tracking::default(),
        }
    }
}

tracking_options!(impl['u, 'r, L] Tabs<'u, 'r, L>);

impl<'r, L: TabLabels> Tabs<'_, 'r, L> {
    /// The tab shown at first, by its label.
    pub fn default(mut self, label: impl Into<String>) -> Self {
        self.default = Some(label.into());
        self
    }

    /// Binds the open tab to the URL's query parameter named by the key,
    /// by its label (`bind="query-params"`, R40); it makes the tabs track
    /// which one is open. Needs a key.
    pub fn bind_query_params(mut self) -> Self {
        self.common.bind_query_params = true;
        self
    }

    /// Draws the tabs and returns their panels.
    pub fn show(self) -> Result<L::Panels<'r>> {
        let Tabs {
            ui,
            labels,
            default,
            common,
            tracking,
        } = self;
        let labels = labels.into_labels();
        let at = check_labels(ui, &labels, default.as_deref(), common.bind_query_params)?;
        let panels = if tracking.tracks(&common) {
            tracked(ui, labels, at, default.as_deref(), common)?
        } else {
            plain(ui, labels, at, common.key.as_deref())?
        };
        Ok(L::panels(panels))
    }
}

/// Streamlit's checks of a row's labels; the default tab's position.
fn check_labels(ui: &Ui<'_>, labels: &[String], default: Option<&str>, bound: bool) -> Result<usize> {
    if labels.is_empty() {
        return Err(ui.invalid_argument("tabs need at least one tab label".to_owned()));
    }
    if bound {
        let unique: std::collections::HashSet<&String> = labels.iter().collect();
        if labels.iter().any(String::is_empty) || unique.len() != labels.len() {
            return Err(ui.invalid_argument(
                "tabs bound to the URL need non-empty, unique labels: a label names the tab in the URL"
                    .to_owned(),
            ));
        }
    }
    match default {
        None => Ok(0),
        Some(d) => labels.iter().position(|l| l == d).ok_or_else(|| {
            ui.invalid_argument(format!(
                "the default tab \"{d}\" is not one of the tabs ({})",
                labels.join(", ")
            ))
        }),
    }
}

/// Tabs that track the open tab: a widget whose node holds the panels.
fn tracked<'r>(
    ui: &Ui<'r>,
    labels: Vec<String>,
    default: usize,
    default_given: Option<&str>,
    common: Common,
) -> Result<Vec<Panel<'r>>> {
    let params = TabsParams {
        labels: labels.clone(),
        default,
    };
    let call = WidgetCall {
        kind: Kind::Tabs,
        label: String::new(),
        common,
        default: params.default_label(),
        params: Params::new(params),
        default_given: default_given.is_some(),
    };
    let (open, id, node) = ui.register_node::<String>(call, |id, _keyed, _label, _params| {
        id.param("tabs", &labels).param("default", &default_given);
    })?;
    let shown = labels.iter().position(|l| *l == open).unwrap_or(default);
    let row = ui.at(node);
    let panels = push_panels(&row, &labels, &tracked_dom(id), shown, true);
    Ok(panels
        .into_iter()
        .zip(&labels)
        .map(|(ui, label)| Panel::new(ui, Some(*label == open)))
        .collect())
}

/// Tabs whose open tab is the browser's alone.
fn plain<'r>(
    ui: &Ui<'r>,
    labels: Vec<String>,
    default: usize,
    key: Option<&str>,
) -> Result<Vec<Panel<'r>>> {
    if let Some(key) = key {
        ui.claim_key("tabs", key)?;
    }
    let node = ui.push(Element::Tabs {
        labels: labels.clone(),
        default,
        dom: String::new(),
    });
    // Named by its key, else by its place in this run's tree, so that the
    // browser's choice and the post's find it again.
    let dom = match key {
        Some(k) => format!("k{:x}", crate::identity::rt_key_part(Some(k)) as u64),
        None => format!("n{node}"),
    };
    if let Element::Tabs { dom: name, .. } = ui.run.borrow_mut().tree.get().element_mut(node) {
        name.clone_from(&dom);
    }
    let row = ui.at(node);
    let panels = push_panels(&row, &labels, &dom, default, false);
    Ok(panels.into_iter().map(|ui| Panel::new(ui, None)).collect())
}

/// A panel per label in the row, `shown` the one shown.
fn push_panels<'r>(row: &Ui<'r>, labels: &[String], dom: &str, shown: usize, tracked: bool) -> Vec<Ui<'r>> {
    labels
        .iter()
        .enumerate()
        .map(|(index, label)| {
            let node = row.push(Element::Tab {
                label: label.clone(),
                index,
                count: labels.len(),
                dom: dom.to_owned(),
                open: index == shown,
                tracked,
            });
            row.at(node)
        })
        .collect()
}
