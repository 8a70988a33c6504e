//! The element tree a run produces: what the page shows, free of any HTTP
//! concern. The server renders it; the harness reads it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ErrorKind;
use crate::identity::{PageId, WidgetId};
use crate::params::{Kind, Params};

/// An index into [`ElementTree`].
pub type NodeId = usize;

/// The main area's node.
pub(crate) const MAIN: NodeId = 0;
/// The sidebar's node.
pub(crate) const SIDEBAR: NodeId = 1;
/// The bottom of the main area, where a chat input drawn at the top level
/// of the page goes (Streamlit's bottom container).
pub(crate) const BOTTOM: NodeId = 2;

/// Which top-level area an element lives in (part of a keyless widget's
/// identity, R3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Root {
    /// The main area.
    Main,
    /// The sidebar.
    Sidebar,
    /// The bottom of the main area.
    Bottom,
}

/// The kind of a callout box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// `info`
    Info,
    /// `success`
    Success,
    /// `warning`
    Warning,
    /// `error`
    Error,
}

impl AlertKind {
    /// The command name.
    pub fn name(self) -> &'static str {
        match self {
            AlertKind::Info => "info",
            AlertKind::Success => "success",
            AlertKind::Warning => "warning",
            AlertKind::Error => "error",
        }
    }
}

/// A widget as drawn in one run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WidgetElement {
    /// Its identity.
    pub id: WidgetId,
    /// Its kind.
    pub kind: Kind,
    /// Its user key.
    pub key: Option<String>,
    /// Its label.
    pub label: String,
    /// Its tooltip.
    pub help: Option<String>,
    /// Drawn disabled.
    pub disabled: bool,
    /// Its parameters.
    pub params: Params,
    /// The value the widget call returned.
    pub value: Value,
    /// The server decided the value, so the browser must take it (R13).
    pub value_pushed: bool,
    /// The script that drew it (the entrypoint's widgets survive page switches, R35).
    pub script: PageId,
    /// The key of the form it is in, if any.
    pub form: Option<Arc<str>>,
    /// `on_change = "ignore"`: the browser keeps a change for the next
    /// event instead of sending one (R44).
    pub ignore_changes: bool,
    /// In a `clear_on_submit` form: the default the browser resets it to
    /// after a submit (R31).
    pub clear_default: Option<Value>,
    /// This run was its form's submit: the browser shows `clear_default`
    /// while the session keeps the submitted value (R31).
    pub reset: bool,
    /// How its label shows.
    #[serde(default, skip_serializing_if = "LabelVisibility::is_visible")]
    pub label_visibility: LabelVisibility,
}

/// The space between columns (`gap` in Streamlit): from 0.25rem (`XxSmall`)
/// to 8rem (`XxLarge`), 1rem by default, some pixels, or none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gap {
    /// No space.
    None,
    /// 0.25rem.
    XxSmall,
    /// 0.5rem.
    XSmall,
    /// 1rem.
    #[default]
    Small,
    /// 2rem.
    Medium,
    /// 4rem.
    Large,
    /// 6rem.
    XLarge,
    /// 8rem.
    XxLarge,
    /// This many pixels.
    Pixels(u32),
}

impl Gap {
    fn is_small(&self) -> bool {
        *self == Gap::Small
    }

    /// As CSS.
    #[cfg(feature = "server")]
    pub(crate) fn css(self) -> String {
        let rem = match self {
            Gap::Pixels(px) => return format!("{px}px"),
            Gap::None => "0",
            Gap::XxSmall => "0.25rem",
            Gap::XSmall => "0.5rem",
            Gap::Small => "1rem",
            Gap::Medium => "2rem",
            Gap::Large => "4rem",
            Gap::XLarge => "6rem",
            Gap::XxLarge => "8rem",
        };
        rem.to_owned()
    }
}

/// Where a column's elements sit when its row is taller than they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerticalAlignment {
    /// At the top.
    #[default]
    Top,
    /// In the middle.
    Center,
    /// At the bottom.
    Bottom,
}

impl VerticalAlignment {
    fn is_top(&self) -> bool {
        *self == VerticalAlignment::Top
    }

    /// Its name, as the page's `data-valign` says it.
    #[cfg(feature = "server")]
    pub(crate) fn name(self) -> &'static str {
        match self {
            VerticalAlignment::Top => "top",
            VerticalAlignment::Center => "center",
            VerticalAlignment::Bottom => "bottom",
        }
    }
}

/// How a widget's label shows (`label_visibility`). Hidden or collapsed,
/// the label still names the widget for assistive technology.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelVisibility {
    /// Shown, with its help.
    #[default]
    Visible,
    /// Not shown, its space kept (widgets stay aligned in a row).
    Hidden,
    /// Not shown, and no space kept.
    Collapsed,
}

impl LabelVisibility {
    fn is_visible(&self) -> bool {
        *self == LabelVisibility::Visible
    }

    /// The wrapper's class that hides the label, if any.
    #[cfg(feature = "server")]
    pub(crate) fn class(self) -> Option<&'static str> {
        match self {
            LabelVisibility::Visible => None,
            LabelVisibility::Hidden => Some("bk-widget bk-label-hidden"),
            LabelVisibility::Collapsed => Some("bk-widget bk-label-collapsed"),
        }
    }
}

/// One thing on the page.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "element", rename_all = "snake_case")]
pub enum Element {
    /// The main area (node 0).
    Main,
    /// The sidebar (node 1).
    Sidebar,
    /// The bottom of the main area (node 2).
    Bottom,
    /// A chat message (`st.chat_message`): a container with its author's
    /// avatar.
    ChatMessage {
        /// Its author: `user` and `assistant` (or `human`, `ai`) get their
        /// own avatars, any other name its first letter.
        name: String,
        /// An avatar of its own: an emoji or short text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        avatar: Option<String>,
    },
    /// A row of columns; its children are [`Element::Column`]s.
    Columns {
        /// The space between the columns.
        #[serde(default, skip_serializing_if = "Gap::is_small")]
        gap: Gap,
        /// Where each column's elements sit when the row is taller.
        #[serde(default, skip_serializing_if = "VerticalAlignment::is_top")]
        vertical_alignment: VerticalAlignment,
        /// A border around each column.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        border: bool,
    },
    /// One column, with its relative width.
    Column {
        /// Relative width.
        weight: f64,
    },
    /// A plain container.
    Container {
        /// A border around it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        border: bool,
        /// A fixed height in pixels, its content scrolling inside.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        height: Option<u32>,
    },
    /// A form: its widgets send their values only when one of its submit
    /// buttons is clicked (R29).
    Form {
        /// The form's key.
        key: String,
        /// The browser resets the form's widgets after a submit (R31).
        clear_on_submit: bool,
    },
    /// A fragment: the part of the page that its function draws, and that
    /// reruns alone when one of its widgets changes (R32).
    Fragment {
        /// The fragment's key.
        key: String,
        /// How often the browser runs it alone, in milliseconds
        /// ([`crate::Ui::fragment_every`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        run_every_ms: Option<u64>,
    },
    /// A collapsible section that does not track whether it is open.
    Expander {
        /// The header.
        label: String,
        /// Open when first shown.
        expanded: bool,
    },
    /// A row of tabs that does not track which one shows: the browser's
    /// choice alone. Its children are its [`Element::Tab`]s.
    Tabs {
        /// The tabs' labels.
        labels: Vec<String>,
        /// The tab shown at first.
        default: usize,
        /// What names its parts in the page.
        dom: String,
    },
    /// One tab of a row of tabs: its panel.
    Tab {
        /// Its label.
        label: String,
        /// Its place in the row.
        index: usize,
        /// How many tabs its row has.
        count: usize,
        /// What names its row's parts in the page.
        dom: String,
        /// Shown: the tracked tab, or until the browser picks another, the
        /// default.
        open: bool,
        /// Its row tracks which tab shows.
        tracked: bool,
    },
    /// A popover that does not track whether it is open.
    Popover {
        /// Its button's label.
        label: String,
        /// Its button's tooltip.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        help: Option<String>,
        /// It cannot be opened.
        #[serde(default)]
        disabled: bool,
    },
    /// Plain text.
    Text {
        /// The text.
        body: String,
    },
    /// Markdown.
    Markdown {
        /// The markdown source.
        body: String,
    },
    /// Small, muted markdown under what it describes (`st.caption`).
    Caption {
        /// The markdown source.
        body: String,
    },
    /// A horizontal rule (`st.divider`).
    Divider,
    /// HTML from the page (`st.html`), as given; the page shows it
    /// sanitised: no scripts, no event handlers, no `javascript:` URLs.
    Html {
        /// The HTML source.
        body: String,
    },
    /// A link styled as a button, opening its URL in a new tab
    /// (`st.link_button`).
    LinkButton {
        /// The button's text.
        label: String,
        /// Where it goes: relative, `http`, `https` or `mailto`.
        url: String,
    },
    /// An image, a sound or a video (`st.image`, `st.audio`, `st.video`).
    Media {
        /// Which of the three.
        kind: MediaKind,
        /// Where the browser gets it: a URL, or the id of the session's
        /// file (`_brooklet/media/TAB/ID`), never the bytes in the page.
        source: MediaRef,
        /// Its caption (an image's; the others' accessible name).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
        /// Its width in pixels; the container's width at most.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        width: Option<u32>,
    },
    /// A formula in LaTeX (`st.latex`), drawn as MathML on the server.
    Latex {
        /// The LaTeX source.
        body: String,
    },
    /// A link to one of the app's pages (`st.page_link`).
    PageLink {
        /// The page's path.
        path: String,
        /// The link's text.
        label: String,
    },
    /// A title (1), header (2) or subheader (3).
    Heading {
        /// 1 to 3.
        level: u8,
        /// The text.
        body: String,
    },
    /// An info, success, warning or error box.
    Alert {
        /// Which box.
        kind: AlertKind,
        /// The text.
        body: String,
    },
    /// An error that ended the run, shown where the run stopped.
    Exception {
        /// Which rule, or `Panic`.
        kind: ErrorKind,
        /// What happened and what to do.
        message: String,
        /// Where, for panics: page and `file:line`.
        location: Option<String>,
    },
    /// A widget.
    Widget(WidgetElement),
    /// A metric: a label, a big value and an optional change (`st.metric`).
    Metric {
        /// What is measured.
        label: String,
        /// Its value, as shown.
        value: String,
        /// The change, as shown (`"+1.2 °C"`, `"-3%"`); a leading `-` means down.
        delta: Option<String>,
        /// How the change is coloured.
        delta_color: DeltaColor,
    },
    /// Source code, shown as it is (`st.code`).
    Code {
        /// The code.
        body: String,
        /// Its language (a `language-*` class for highlighters), if given.
        language: Option<String>,
    },
    /// A value as pretty-printed JSON (`st.json`).
    Json {
        /// The JSON text, indented, fields in the value's own order.
        body: String,
    },
    /// A table of rows (`st.dataframe`, `st.table`).
    Table {
        /// Column names, from the first row's fields, in order.
        columns: Vec<String>,
        /// One value per column and row (`null` where a row lacks a field).
        rows: Vec<Vec<Value>>,
        /// A scrollable data frame (true) or a static table.
        dataframe: bool,
    },
    /// A line or bar chart, drawn to SVG on the server.
    Chart {
        /// Line or bar.
        kind: ChartKind,
        /// The x values as shown, one per row.
        x: Vec<String>,
        /// The series: a name and one value per x (`None` where missing).
        series: Vec<(String, Vec<Option<f64>>)>,
    },
    /// A progress bar (`st.progress`).
    Progress {
        /// How far, from 0 to 100.
        percent: u8,
        /// A text beside it.
        text: Option<String>,
        /// The background task it follows: the push channel moves it as
        /// the task reports progress.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        task: Option<String>,
    },
    /// A slot that holds one element at a time (`st.empty`): what is drawn
    /// into it takes the place of what was there.
    Empty,
    /// A spinner with a text, shown while work goes on (`st.spinner`).
    Spinner {
        /// What is being done.
        text: String,
    },
    /// A container that shows how some work went (`st.status`).
    Status {
        /// Its label.
        label: String,
        /// Running, complete or failed.
        state: StatusState,
        /// Open.
        expanded: bool,
    },
    /// A short message in a corner of the page (`st.toast`).
    Toast {
        /// The message.
        body: String,
    },
}

/// How the work of a [`Element::Status`] went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusState {
    /// Still going on.
    Running,
    /// Done.
    Complete,
    /// Failed.
    Error,
}

/// How a metric's change is coloured (`delta_color` in Streamlit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeltaColor {
    /// Up is green, down is red.
    #[default]
    Normal,
    /// Up is red, down is green (for costs, errors, ...).
    Inverse,
    /// Grey either way.
    Off,
}

/// The kind of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// `st.line_chart`
    Line,
    /// `st.bar_chart`
    Bar,
}

/// A node: an element and, for containers, its children in page order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Node {
    /// The element.
    pub element: Element,
    /// Children, for containers.
    pub children: Vec<NodeId>,
    /// The top-level area it lives in.
    pub root: Root,
    /// The key of the form it lives in, if any (R1, R29).
    pub form: Option<Arc<str>>,
}

/// The elements of one run, as a tree rooted in the main area and the sidebar.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ElementTree {
    nodes: Vec<Node>,
}

impl Default for ElementTree {
    fn default() -> Self {
        Self::new()
    }
}

impl ElementTree {
    /// An empty page: a main area and a sidebar.
    pub fn new() -> Self {
        Self::with_capacity(3)
    }

    /// An empty tree with room for `nodes` nodes (a rerun draws about as
    /// many as the run before).
    pub fn with_capacity(nodes: usize) -> Self {
        let root = |element, root| Node {
            element,
            children: Vec::new(),
            root,
            form: None,
        };
        let mut tree = Vec::with_capacity(nodes.max(3));
        tree.push(root(Element::Main, Root::Main));
        tree.push(root(Element::Sidebar, Root::Sidebar));
        tree.push(root(Element::Bottom, Root::Bottom));
        ElementTree { nodes: tree }
    }

    /// The bottom of the main area, unless the tree was stored before it
    /// had one.
    pub(crate) fn bottom(&self) -> Option<NodeId> {
        self.nodes
            .get(BOTTOM)
            .filter(|n| matches!(n.element, Element::Bottom))
            .map(|_| BOTTOM)
    }

    /// The roots in the order a stack visits them: main, sidebar, bottom.
    fn roots(&self) -> Vec<NodeId> {
        let mut roots: Vec<NodeId> = self.bottom().into_iter().collect();
        roots.extend([SIDEBAR, MAIN]);
        roots
    }

    /// Empties the tree for reuse, keeping its allocation.
    pub fn clear(&mut self) {
        let roots = if self.bottom().is_some() { 3 } else { 2 };
        self.nodes.truncate(roots);
        for n in &mut self.nodes {
            n.children.clear();
        }
    }

    /// Appends `element` to the container `parent` and returns its node.
    pub(crate) fn push(&mut self, parent: NodeId, element: Element) -> NodeId {
        // A slot holds one element: the new one takes the old one's place.
        if matches!(self.nodes[parent].element, Element::Empty) {
            self.nodes[parent].children.clear();
        }
        let id = self.nodes.len();
        let root = self.nodes[parent].root;
        let form = match &element {
            Element::Form { key, .. } => Some(Arc::from(key.as_str())),
            _ => self.nodes[parent].form.clone(),
        };
        self.nodes.push(Node {
            element,
            children: Vec::new(),
            root,
            form,
        });
        self.nodes[parent].children.push(id);
        id
    }

    /// A node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The top-level area of a node.
    pub fn root_of(&self, id: NodeId) -> Root {
        self.nodes[id].root
    }

    /// The key of the form a node lives in, if any.
    pub fn form_of(&self, id: NodeId) -> Option<&Arc<str>> {
        self.nodes[id].form.as_ref()
    }

    /// Every element in page order: the main area depth-first, then the sidebar.
    pub fn iter(&self) -> impl Iterator<Item = &Element> + '_ {
        self.iter_from(self.roots())
    }

    /// The elements inside `node`, in page order (not `node` itself).
    pub fn iter_under(&self, node: NodeId) -> impl Iterator<Item = &Element> + '_ {
        self.iter_from(self.nodes[node].children.iter().rev().copied().collect())
    }

    /// R31: after a submit of a `clear_on_submit` form, marks its widgets
    /// for the browser to show their defaults.
    pub(crate) fn mark_cleared_forms(&mut self) {
        let submitted: Vec<Arc<str>> = self
            .widgets()
            .filter(|w| w.kind.submits_form() && w.value == Value::Bool(true))
            .filter_map(|w| w.form.clone())
            .collect();
        if submitted.is_empty() {
            return;
        }
        for node in &mut self.nodes {
            if let Element::Widget(w) = &mut node.element {
                if w.clear_default.is_some()
                    && w.form.as_ref().is_some_and(|f| submitted.contains(f))
                {
                    w.reset = true;
                }
            }
        }
    }

    /// Empties a container so that a fragment run can draw it again (R32).
    /// The old children stay in the arena, unreachable, until the next full run.
    pub(crate) fn clear_children(&mut self, node: NodeId) {
        self.nodes[node].children.clear();
    }

    /// Changes the element at `node` in place (a progress bar's value, a
    /// status's state).
    pub(crate) fn element_mut(&mut self, node: NodeId) -> &mut Element {
        &mut self.nodes[node].element
    }

    /// The progress bars: how far, and their text.
    pub fn progress_bars(&self) -> Vec<(u8, Option<&str>)> {
        self.iter()
            .filter_map(|e| match e {
                Element::Progress { percent, text, .. } => Some((*percent, text.as_deref())),
                _ => None,
            })
            .collect()
    }

    /// The spinners' texts.
    pub fn spinners(&self) -> Vec<&str> {
        self.iter()
            .filter_map(|e| match e {
                Element::Spinner { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The status containers: their label and state.
    pub fn statuses(&self) -> Vec<(&str, StatusState)> {
        self.iter()
            .filter_map(|e| match e {
                Element::Status { label, state, .. } => Some((label.as_str(), *state)),
                _ => None,
            })
            .collect()
    }

    /// The toasts' messages.
    pub fn toasts(&self) -> Vec<&str> {
        self.iter()
            .filter_map(|e| match e {
                Element::Toast { body } => Some(body.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The node of the fragment with this key, if the tree has one.
    pub fn fragment_node(&self, key: &str) -> Option<NodeId> {
        let mut stack = self.roots();
        while let Some(id) = stack.pop() {
            let node = &self.nodes[id];
            if matches!(&node.element, Element::Fragment { key: k, .. } if k == key) {
                return Some(id);
            }
            stack.extend(node.children.iter().rev());
        }
        None
    }

    fn iter_from(&self, start: Vec<NodeId>) -> impl Iterator<Item = &Element> + '_ {
        let mut stack = start;
        std::iter::from_fn(move || {
            let id = stack.pop()?;
            let node = &self.nodes[id];
            stack.extend(node.children.iter().rev());
            Some(&node.element)
        })
    }

    /// The widgets in page order.
    pub fn widgets(&self) -> impl Iterator<Item = &WidgetElement> + '_ {
        self.iter().filter_map(|e| match e {
            Element::Widget(w) => Some(w),
            _ => None,
        })
    }

    /// The bodies of text elements in page order.
    pub fn texts(&self) -> Vec<&str> {
        self.iter()
            .filter_map(|e| match e {
                Element::Text { body } => Some(body.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The bodies of markdown elements in page order.
    pub fn markdown(&self) -> Vec<&str> {
        self.iter()
            .filter_map(|e| match e {
                Element::Markdown { body } => Some(body.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The captions' markdown, in page order.
    pub fn captions(&self) -> Vec<&str> {
        self.iter()
            .filter_map(|e| match e {
                Element::Caption { body } => Some(body.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The HTML elements' sources, as the page gave them, in page order.
    pub fn html(&self) -> Vec<&str> {
        self.iter()
            .filter_map(|e| match e {
                Element::Html { body } => Some(body.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The chat messages: their author and own avatar, in page order.
    pub fn chat_messages(&self) -> Vec<(&str, Option<&str>)> {
        self.iter()
            .filter_map(|e| match e {
                Element::ChatMessage { name, avatar } => Some((name.as_str(), avatar.as_deref())),
                _ => None,
            })
            .collect()
    }

    /// The images, sounds and videos: what each is, where it comes from and
    /// its caption, in page order.
    pub fn media(&self) -> Vec<(MediaKind, &MediaRef, Option<&str>)> {
        self.iter()
            .filter_map(|e| match e {
                Element::Media {
                    kind,
                    source,
                    caption,
                    ..
                } => Some((*kind, source, caption.as_deref())),
                _ => None,
            })
            .collect()
    }

    /// The LaTeX formulas' sources, in page order.
    pub fn latex(&self) -> Vec<&str> {
        self.iter()
            .filter_map(|e| match e {
                Element::Latex { body } => Some(body.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The page links: label and page path, in page order.
    pub fn page_links(&self) -> Vec<(&str, &str)> {
        self.iter()
            .filter_map(|e| match e {
                Element::PageLink { label, path } => Some((label.as_str(), path.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The link buttons: label and URL, in page order.
    pub fn link_buttons(&self) -> Vec<(&str, &str)> {
        self.iter()
            .filter_map(|e| match e {
                Element::LinkButton { label, url } => Some((label.as_str(), url.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The alerts in page order.
    pub fn alerts(&self) -> Vec<(AlertKind, &str)> {
        self.iter()
            .filter_map(|e| match e {
                Element::Alert { kind, body } => Some((*kind, body.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The exceptions shown, in page order.
    pub fn exceptions(&self) -> Vec<(ErrorKind, &str)> {
        self.iter()
            .filter_map(|e| match e {
                Element::Exception { kind, message, .. } => Some((*kind, message.as_str())),
                _ => None,
            })
            .collect()
    }

    /// Number of nodes, roots included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the page shows nothing.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == self.roots().len()
    }

    /// A plain-text outline of the page, one element a line, indented by
    /// container: for logs, tests and terminals.
    pub fn outline(&self) -> String {
        let mut out = String::new();
        self.outline_node(MAIN, 0, &mut out);
        if !self.nodes[SIDEBAR].children.is_empty() {
            self.outline_node(SIDEBAR, 0, &mut out);
        }
        if let Some(bottom) = self
            .bottom()
            .filter(|b| !self.nodes[*b].children.is_empty())
        {
            self.outline_node(bottom, 0, &mut out);
        }
        out
    }

    fn outline_node(&self, id: NodeId, depth: usize, out: &mut String) {
        use std::fmt::Write as _;
        let pad = "  ".repeat(depth);
        let line = match &self.nodes[id].element {
            Element::Main => "[main]".to_owned(),
            Element::Bottom => "[bottom]".to_owned(),
            Element::ChatMessage { name, .. } => format!("[chat message {name}]"),
            Element::Sidebar => "[sidebar]".to_owned(),
            Element::Columns { .. } => "[columns]".to_owned(),
            Element::Column { weight } => format!("[column {weight}]"),
            Element::Container { .. } => "[container]".to_owned(),
            Element::Expander { label, .. } => format!("[expander] {label}"),
            Element::Tabs { labels, .. } => format!("[tabs] {}", labels.join(" | ")),
            Element::Tab { label, .. } => format!("[tab] {label}"),
            Element::Popover { label, .. } => format!("[popover] {label}"),
            Element::Form { key, .. } => format!("[form {key}]"),
            Element::Fragment { key, .. } => format!("[fragment {key}]"),
            Element::Text { body } => body.clone(),
            Element::Markdown { body } => body.clone(),
            Element::Caption { body } => format!("[caption] {body}"),
            Element::Divider => "---".to_owned(),
            Element::Html { body } => format!("[html] {body}"),
            Element::LinkButton { label, url } => format!("[link {label}] {url}"),
            Element::PageLink { path, label } => format!("[page link {label}] {path}"),
            Element::Latex { body } => format!("[latex] {body}"),
            Element::Media { kind, caption, .. } => {
                format!("[{}] {}", kind.name(), caption.as_deref().unwrap_or(""))
            }
            Element::Heading { level, body } => {
                format!("{} {body}", "#".repeat(usize::from(*level)))
            }
            Element::Alert { kind, body } => format!("({}) {body}", kind.name()),
            Element::Exception {
                kind,
                message,
                location,
            } => match location {
                Some(loc) => format!("!! {kind} at {loc}: {message}"),
                None => format!("!! {kind}: {message}"),
            },
            Element::Widget(w) => format!("<{} \"{}\"> = {}", w.kind.name(), w.label, w.value),
            Element::Metric {
                label,
                value,
                delta,
                ..
            } => match delta {
                Some(d) => format!("[metric] {label}: {value} ({d})"),
                None => format!("[metric] {label}: {value}"),
            },
            Element::Code { body, .. } => format!("[code] {body}"),
            Element::Json { body } => format!("[json] {body}"),
            Element::Table { columns, rows, .. } => {
                format!(
                    "[table {} x {}] {}",
                    rows.len(),
                    columns.len(),
                    columns.join(" | ")
                )
            }
            Element::Chart { kind, x, series } => format!(
                "[{} chart] {} points: {}",
                match kind {
                    ChartKind::Line => "line",
                    ChartKind::Bar => "bar",
                },
                x.len(),
                series
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Element::Progress { percent, text, .. } => {
                format!(
                    "[progress {percent}%] {}",
                    text.as_deref().unwrap_or_default()
                )
            }
            Element::Empty => "[empty]".to_owned(),
            Element::Spinner { text } => format!("[spinner] {text}"),
            Element::Status { label, state, .. } => format!("[status {state:?}] {label}"),
            Element::Toast { body } => format!("[toast] {body}"),
        };
        let _ = writeln!(out, "{pad}{line}");
        for &child in &self.nodes[id].children {
            self.outline_node(child, depth + 1, out);
        }
    }
}

/// Told when a run draws, so that what it drew can reach the browser
/// while it runs.
pub(crate) trait TreeWatcher: Send + Sync {
    /// A run starts drawing into `tree`.
    fn watch(&self, tree: &Arc<std::sync::Mutex<ElementTree>>);
    /// The run drew or changed something.
    fn drawn(&self);
}

/// A run's element tree: its own, or shared with a [`TreeWatcher`] that
/// reads it while the run goes on (a streamed run).
pub(crate) struct RunTree {
    tree: TreeCell,
    watcher: Option<Arc<dyn TreeWatcher>>,
}

enum TreeCell {
    Owned(ElementTree),
    Shared(Arc<std::sync::Mutex<ElementTree>>),
}

/// The tree, borrowed from a [`RunTree`].
pub(crate) enum TreeGuard<'a> {
    Owned(&'a mut ElementTree),
    Shared(std::sync::MutexGuard<'a, ElementTree>),
}

impl std::ops::Deref for TreeGuard<'_> {
    type Target = ElementTree;
    fn deref(&self) -> &ElementTree {
        match self {
            TreeGuard::Owned(t) => t,
            TreeGuard::Shared(t) => t,
        }
    }
}

impl std::ops::DerefMut for TreeGuard<'_> {
    fn deref_mut(&mut self) -> &mut ElementTree {
        match self {
            TreeGuard::Owned(t) => t,
            TreeGuard::Shared(t) => t,
        }
    }
}

fn locked(tree: &std::sync::Mutex<ElementTree>) -> std::sync::MutexGuard<'_, ElementTree> {
    tree.lock().unwrap_or_else(|e| e.into_inner())
}

impl RunTree {
    /// A tree of the run's own; with `watcher`, shared with it.
    pub(crate) fn new(tree: ElementTree, watcher: Option<Arc<dyn TreeWatcher>>) -> Self {
        let tree = match &watcher {
            Some(w) => {
                let shared = Arc::new(std::sync::Mutex::new(tree));
                w.watch(&shared);
                TreeCell::Shared(shared)
            }
            None => TreeCell::Owned(tree),
        };
        RunTree { tree, watcher }
    }

    /// The tree, to read or change in place (call [`RunTree::drawn`] after
    /// a change the browser should see).
    pub(crate) fn get(&mut self) -> TreeGuard<'_> {
        match &mut self.tree {
            TreeCell::Owned(t) => TreeGuard::Owned(t),
            TreeCell::Shared(t) => TreeGuard::Shared(locked(t)),
        }
    }

    /// Adds `element` under `parent`.
    pub(crate) fn push(&mut self, parent: NodeId, element: Element) -> NodeId {
        let id = self.get().push(parent, element);
        self.drawn();
        id
    }

    /// Tells the watcher that something changed.
    pub(crate) fn drawn(&self) {
        if let Some(w) = &self.watcher {
            w.drawn();
        }
    }

    /// Puts `tree` in the place of the run's tree (a fragment run draws
    /// into the tree the browser shows).
    pub(crate) fn replace(&mut self, tree: ElementTree) {
        *self.get() = tree;
    }

    /// The tree, once the run is over.
    pub(crate) fn into_inner(self) -> ElementTree {
        match self.tree {
            TreeCell::Owned(t) => t,
            TreeCell::Shared(t) => std::mem::take(&mut *locked(&t)),
        }
    }
}

/// Whether a link may point at `url` (after entity decoding): a relative URL,
/// or one whose scheme is `http`, `https` or `mailto`. It is read as a
/// browser reads it: tabs and newlines anywhere and spaces or control
/// characters around it do not count.
pub(crate) fn safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c <= ' ');
    match cleaned.find([':', '/', '?', '#']) {
        Some(at) if cleaned[at..].starts_with(':') => matches!(
            cleaned[..at].to_ascii_lowercase().as_str(),
            "http" | "https" | "mailto"
        ),
        _ => true,
    }
}

/// What a media element shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// `st.image`.
    Image,
    /// `st.audio`.
    Audio,
    /// `st.video`.
    Video,
}

impl MediaKind {
    /// Its command name without `st.`.
    pub fn name(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }
}

/// Where a media element's content is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaRef {
    /// A URL: relative, `http` or `https`.
    Url(String),
    /// A file of the session, by id.
    File(WidgetId),
}

/// A file a download button serves: what the browser saves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediaFile {
    /// The file name the browser suggests.
    pub name: String,
    /// Its MIME type.
    pub mime: String,
    /// Its bytes (base64 in the stored session).
    #[serde(with = "base64_bytes")]
    pub data: Vec<u8>,
}

/// Bytes as a base64 string in serde formats.
mod base64_bytes {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(serde::de::Error::custom)
    }
}
