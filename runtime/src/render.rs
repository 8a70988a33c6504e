//! Rendering: a run's element tree to HTML, through Leptos `view!` on the
//! server (no WASM). User text is always escaped; markdown goes through
//! pulldown-cmark with raw HTML turned into text.
//!
//! Every widget carries what the client script needs: `data-wid` (its id),
//! `data-kind`, `data-shape` (how the script reads its value from its
//! controls), `data-value` (its value in wire form: option indexes for
//! choices) and `data-entry` for the entrypoint's widgets (sent on a page
//! switch, R35). Each kind draws its own controls (`widgets/KIND.rs`).
//! Form controls are named by widget id, so the page also works as a plain
//! form post without JavaScript.

use leptos::prelude::*;
use serde_json::Value;

use crate::elements::{
    DeltaColor, Element, ElementTree, Gap, NodeId, StatusState, VerticalAlignment, WidgetElement,
    MAIN, SIDEBAR,
};
use crate::identity::{IdMap, PageId};
use crate::params::Drawn;

/// What a full page needs besides the element tree.
pub struct PageDoc<'a> {
    /// The app's title (the browser tab).
    pub title: &'a str,
    /// The URL prefix the app is mounted under, ending in `/`.
    pub base: &'a str,
    /// The browser tab's session id (not secret on its own; the cookie is).
    pub tab: &'a str,
    /// The page that ran.
    pub page: &'a str,
    /// Every page: path and title, in navigation order.
    pub pages: &'a [(String, String)],
    /// What the run drew.
    pub tree: &'a ElementTree,
    /// An error to show above the page (a rejected event, an expired session).
    pub notice: Option<&'a str>,
    /// The URL the browser should show instead of the one it asked for
    /// (a query parameter a bound widget dropped or changed, R40).
    pub url: Option<&'a str>,
    /// The sequence number the tab's next event must carry.
    pub seq: u64,
    /// Show where a panic happened and its message, as in development;
    /// otherwise they stay in the server's log.
    pub error_details: bool,
    /// The run still goes on (a new tab's first answer): the page shows
    /// it running until its push channel brings the rest.
    pub running: bool,
    /// The tabs a no-JavaScript post chose in rows that do not track their
    /// tab (`_tabview` fields): each row's name and the tab's position.
    pub tab_view: &'a [(String, usize)],
    /// Each page's icon, in the order of `pages` (none where it is missing).
    pub icons: &'a [Option<String>],
}

impl PageDoc<'_> {
    /// The tab the post chose in the row `dom`, if it has one below `len`.
    fn chosen_tab(&self, dom: &str, len: usize) -> Option<usize> {
        let chosen = self.tab_view.iter().rev().find(|(d, _)| d == dom);
        chosen.map(|(_, at)| *at).filter(|at| *at < len)
    }
}

const STYLE: &str = include_str!("../assets/style.css");
const CLIENT: &str = include_str!("../assets/client.js");

/// The Content-Security-Policy sources of the one inline script and style
/// every page carries: `'sha256-…'` of each.
pub(crate) fn inline_hashes() -> (String, String) {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let hash = |s: &str| {
        let digest = Sha256::digest(s.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    };
    (hash(CLIENT), hash(STYLE))
}

/// The whole HTML document.
pub fn render_document(doc: &PageDoc<'_>) -> String {
    render_document_cached(doc, &mut RenderCache::default())
}

/// [`render_document`], reusing the widget bodies of the tab's previous answer.
pub(crate) fn render_document_cached(doc: &PageDoc<'_>, cache: &mut RenderCache) -> String {
    let body = render_app_cached(doc, cache);
    let title = escape(doc.title);
    let base = escape(doc.base);
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><base href=\"{base}\"><style>{STYLE}</style></head>\
         <body><form id=\"bk-form\" method=\"post\" action=\"_brooklet/form\" novalidate>{body}</form>\
         <script>{CLIENT}</script></body></html>"
    )
}

/// The app's root element (`#bk-app`): what an event's answer carries and the
/// client morphs into the page.
pub fn render_app(doc: &PageDoc<'_>) -> String {
    render_app_cached(doc, &mut RenderCache::default())
}

/// [`render_app`], reusing the HTML of every widget that did not change since
/// the tab's previous answer (a rerun usually changes one or two).
///
/// Each element renders through Leptos `view!`; containers are composed from
/// their children's HTML, so a cached widget costs a comparison and a copy.
pub fn render_app_cached(doc: &PageDoc<'_>, cache: &mut RenderCache) -> String {
    let blocks = render_blocks(doc, cache);
    let html = compose_app(doc, &blocks);
    cache.last_len = html.len();
    html
}

/// The app's HTML in blocks: one per element at the top of the main area
/// and of the sidebar (the page navigation first), each with the blocks of
/// its children when it is a container, so that an answer can be a patch
/// of the blocks that changed, however deep.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AppBlocks {
    /// The sidebar's blocks, if it is drawn.
    pub sidebar: Option<Vec<Block>>,
    /// The main area's blocks.
    pub main: Vec<Block>,
}

/// One element's HTML, with its children's blocks when it is a container.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Block {
    /// The element's whole HTML.
    pub html: String,
    /// A container's opening (its HTML up to its children) and children.
    pub inner: Option<(String, Vec<Block>)>,
}

impl AppBlocks {
    /// What they weigh, in bytes.
    pub(crate) fn bytes(&self) -> usize {
        let all = self.main.iter().chain(self.sidebar.iter().flatten());
        all.map(|b| b.html.len() + 24).sum()
    }
}

/// The blocks of `doc`'s app.
pub(crate) fn render_blocks(doc: &PageDoc<'_>, cache: &mut RenderCache) -> AppBlocks {
    let tree = doc.tree;
    cache.start_run();
    let nav = (doc.pages.len() > 1).then(|| Block {
        html: nav_html(doc),
        inner: None,
    });
    let mut main = blocks_of_children(doc, MAIN, cache);
    // The bottom of the main area (a chat input) comes after the rest.
    if let Some(bottom) = tree.bottom() {
        main.extend(blocks_of_children(doc, bottom, cache));
    }
    let sidebar_has_content = !tree.node(SIDEBAR).children.is_empty() || nav.is_some();
    let sidebar = sidebar_has_content.then(|| {
        let mut blocks: Vec<Block> = nav.into_iter().collect();
        blocks.extend(blocks_of_children(doc, SIDEBAR, cache));
        blocks
    });
    cache.finish_run();
    AppBlocks { sidebar, main }
}

fn blocks_of_children(doc: &PageDoc<'_>, id: NodeId, cache: &mut RenderCache) -> Vec<Block> {
    let children = &doc.tree.node(id).children;
    children.iter().map(|&c| block(doc, c, cache)).collect()
}

pub(crate) use crate::params::CHILDREN;

/// One node as a block.
fn block(doc: &PageDoc<'_>, id: NodeId, cache: &mut RenderCache) -> Block {
    let element = &doc.tree.node(id).element;
    let shell = match element {
        Element::Widget(w) => {
            let mut html = String::new();
            cache.widget(w, &mut html);
            if !w.kind.is_container() {
                return Block { html, inner: None };
            }
            Some(html)
        }
        _ => container_html(doc, element, || CHILDREN.to_owned()),
    };
    match shell {
        Some(shell) => {
            let (open, close) = shell
                .split_once(CHILDREN)
                .expect("the shell has its children");
            let children = blocks_of_children(doc, id, cache);
            let mut html = String::with_capacity(
                shell.len() + children.iter().map(|c| c.html.len()).sum::<usize>(),
            );
            html.push_str(open);
            children.iter().for_each(|c| html.push_str(&c.html));
            html.push_str(close);
            Block {
                html,
                inner: Some((open.to_owned(), children)),
            }
        }
        None => Block {
            html: leaf_html(doc, element),
            inner: None,
        },
    }
}

/// The pages as links (to open in a new tab, copy or bookmark; the client
/// script takes a plain click as a page switch of this session). Without
/// JavaScript a link would start a new session, so the page switch is a
/// form button there, and the links are hidden.
fn nav_html(doc: &PageDoc<'_>) -> String {
    let links = nav_items(doc, |path, title, current, icon| {
        view! {
            <a href=format!("{}{path}", doc.base) class="bk-nav-link" data-page=path.to_owned()
                aria-current=current inner_html=nav_face(title, icon)></a>
        }
        .to_html()
    });
    let buttons = nav_items(doc, |path, title, current, icon| {
        view! {
            <button type="submit" name="_nav" value=path.to_owned() class="bk-nav-button"
                aria-current=current inner_html=nav_face(title, icon)></button>
        }
        .to_html()
    });
    // Without JavaScript the stylesheet hides the links (`scripting: none`):
    // an inline style would need its own CSP hash.
    let without_js = format!("<ul>{buttons}</ul>");
    view! {
        <nav class="bk-nav" aria-label="Pages">
            <ul class="bk-nav-links" inner_html=links></ul>
            <noscript inner_html=without_js></noscript>
        </nav>
    }
    .to_html()
}

/// A chat author's avatar, as HTML: a person for the user, a robot for
/// the assistant (as Streamlit's names go; drawn, so that no emoji font is
/// needed), else the name's first letter.
fn default_avatar(name: &str) -> String {
    const PERSON: &str =
        "<svg viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" fill=\"currentColor\">\
        <circle cx=\"12\" cy=\"8\" r=\"4\"/><path d=\"M4 20c0-4 4-6 8-6s8 2 8 6z\"/></svg>";
    const ROBOT: &str = "<svg viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" fill=\"currentColor\">\
        <rect x=\"11\" y=\"2\" width=\"2\" height=\"4\"/><rect x=\"4\" y=\"6\" width=\"16\" height=\"13\" rx=\"3\"/>\
        <circle cx=\"9\" cy=\"12\" r=\"1.6\" fill=\"#fff\"/><circle cx=\"15\" cy=\"12\" r=\"1.6\" fill=\"#fff\"/>\
        <rect x=\"9\" y=\"15.5\" width=\"6\" height=\"1.4\" fill=\"#fff\"/></svg>";
    match name.to_lowercase().as_str() {
        "user" | "human" => PERSON.to_owned(),
        "assistant" | "ai" => ROBOT.to_owned(),
        _ => escape(
            &name
                .chars()
                .next()
                .map(|c| c.to_uppercase().collect::<String>())
                .unwrap_or_default(),
        ),
    }
}

/// An image, a sound or a video: its file by URL from the session's media
/// route (or the URL it was given), never its bytes in the page.
fn media_html(
    doc: &PageDoc<'_>,
    kind: crate::elements::MediaKind,
    source: &crate::elements::MediaRef,
    caption: Option<&str>,
    width: Option<u32>,
) -> String {
    use crate::elements::{MediaKind, MediaRef};
    let src = match source {
        MediaRef::Url(url) => url.clone(),
        MediaRef::File(id) => format!("_brooklet/media/{}/{id}", doc.tab),
    };
    let width = width.map(|w| w.to_string());
    let name = caption.map(str::to_owned);
    let body = match kind {
        MediaKind::Image => view! {
            <img src=src alt=name.clone().unwrap_or_default() width=width loading="lazy" />
        }
        .to_html(),
        MediaKind::Audio => {
            view! { <audio src=src controls=true aria-label=name.clone()></audio> }.to_html()
        }
        MediaKind::Video => {
            view! { <video src=src controls=true width=width aria-label=name.clone()></video> }
                .to_html()
        }
    };
    let caption = caption.map(|c| view! { <figcaption>{c.to_owned()}</figcaption> }.to_html());
    let inner = body + &caption.unwrap_or_default();
    let class = format!("bk-media bk-{}", kind.name());
    view! { <figure class=class data-k=kind.name() inner_html=inner></figure> }.to_html()
}

/// A LaTeX formula as MathML (pulldown-latex), put through the sanitiser
/// with the MathML elements allowed, so that no source can bring markup
/// that runs; one that does not parse shows the parser's message in an
/// `<merror>`.
fn latex_html(source: &str) -> String {
    use pulldown_latex::config::DisplayMode;
    let storage = pulldown_latex::Storage::new();
    let parser = pulldown_latex::Parser::new(source, &storage);
    let config = pulldown_latex::RenderConfig {
        display_mode: DisplayMode::Block,
        ..Default::default()
    };
    let mut mathml = String::new();
    let inner = match pulldown_latex::push_mathml(&mut mathml, parser, config) {
        Ok(()) => clean_mathml(&mathml),
        Err(e) => {
            let message = format!("LaTeX error: {e}");
            view! { <span class="bk-latex-error" role="alert">{message}</span> }.to_html()
        }
    };
    view! { <div class="bk-latex" data-k="latex" inner_html=inner></div> }.to_html()
}

/// MathML Core's elements and the attributes that shape them; nothing else.
fn clean_mathml(mathml: &str) -> String {
    use std::sync::OnceLock;
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| {
        let tags = [
            "math",
            "semantics",
            "annotation",
            "mrow",
            "mi",
            "mo",
            "mn",
            "ms",
            "mtext",
            "mspace",
            "msub",
            "msup",
            "msubsup",
            "munder",
            "mover",
            "munderover",
            "mfrac",
            "msqrt",
            "mroot",
            "mstyle",
            "mpadded",
            "mphantom",
            "mtable",
            "mtr",
            "mtd",
            "mmultiscripts",
            "mprescripts",
            "none",
            "menclose",
            "merror",
        ];
        let attrs = [
            "display",
            "mathvariant",
            "stretchy",
            "fence",
            "separator",
            "lspace",
            "rspace",
            "minsize",
            "maxsize",
            "movablelimits",
            "largeop",
            "symmetric",
            "accent",
            "accentunder",
            "linethickness",
            "scriptlevel",
            "displaystyle",
            "columnalign",
            "rowalign",
            "columnspan",
            "rowspan",
            "width",
            "height",
            "depth",
            "voffset",
            "notation",
            "encoding",
            "form",
            "mathsize",
            "mathcolor",
            "mathbackground",
        ];
        let mut b = ammonia::Builder::empty();
        b.add_tags(tags).add_generic_attributes(attrs);
        b
    });
    cleaner.clean(mathml).to_string()
}

/// A page link: a link for the client script (which takes a plain click
/// as a page switch of this session), and without JavaScript a form
/// button that switches it, as in the navigation.
fn page_link_html(doc: &PageDoc<'_>, path: &str, label: &str) -> String {
    let current = (path == doc.page).then_some("page");
    let button = view! {
        <button type="submit" name="_nav" value=path.to_owned() class="bk-page-link-button"
            aria-current=current>{label.to_owned()}</button>
    }
    .to_html();
    // Without JavaScript the stylesheet hides the link (`scripting: none`).
    view! {
        <div class="bk-page-link" data-k="page_link">
            <a href=format!("{}{path}", doc.base) data-page=path.to_owned() aria-current=current>{label.to_owned()}</a>
            <noscript inner_html=button></noscript>
        </div>
    }
    .to_html()
}

/// Each page as an `<li>` of what `item` draws for its path, title and
/// icon, with `aria-current` for the page shown.
fn nav_items(
    doc: &PageDoc<'_>,
    item: impl Fn(&str, &str, Option<&'static str>, Option<&str>) -> String,
) -> String {
    doc.pages
        .iter()
        .enumerate()
        .map(|(i, (path, title))| {
            let current = (path == doc.page).then_some("page");
            let icon = doc.icons.get(i).and_then(Option::as_deref);
            format!("<li>{}</li>", item(path, title, current, icon))
        })
        .collect()
}

/// A page's title, with its icon before it: hidden from assistive
/// technology, so that the page is named by its title alone.
fn nav_face(title: &str, icon: Option<&str>) -> String {
    let icon = icon.map(|i| {
        view! { <span class="bk-nav-icon" aria-hidden="true">{i.to_owned()}</span> }.to_html()
    });
    icon.unwrap_or_default() + &escape(title)
}

/// The app's root element from its blocks.
pub(crate) fn compose_app(doc: &PageDoc<'_>, blocks: &AppBlocks) -> String {
    let mut main = String::with_capacity(blocks.bytes());
    if let Some(n) = doc.notice {
        main.push_str(
            &view! { <div class="bk-notice" role="alert">{n.to_owned()}</div> }.to_html(),
        );
    }
    blocks.main.iter().for_each(|b| main.push_str(&b.html));
    main.push_str(
        &view! { <noscript><button type="submit" class="bk-apply">"Apply changes"</button></noscript> }.to_html(),
    );
    let sidebar = blocks.sidebar.as_ref().map(|blocks| {
        let inner: String = blocks.iter().map(|b| b.html.as_str()).collect();
        view! { <aside id="bk-sidebar" class="bk-sidebar" inner_html=inner></aside> }
    });
    view! {
        <div id="bk-app" data-tab=doc.tab.to_owned() data-page=doc.page.to_owned() data-url=doc.url.map(str::to_owned)
            data-seq=doc.seq.to_string() data-running=doc.running.then_some("true")>
            // The first submit button is what Enter in a text field presses
            // in a plain form post: make it "apply", not a navigation link.
            <button type="submit" name="_apply" value="1" class="bk-default-submit" tabindex="-1" aria-hidden="true">
                "Apply"
            </button>
            <input type="hidden" name="_tab" value=doc.tab.to_owned() />
            <input type="hidden" name="_seq" value=doc.seq.to_string() />
            <input type="hidden" name="_page" value=doc.page.to_owned() />
            {sidebar}
            <main id="bk-main" class="bk-main" inner_html=main></main>
        </div>
    }
    .to_html()
}

/// One change to a list of blocks: in the container at `path` (indexes
/// of containers from the top, among blocks), from `at`, `remove` blocks go
/// and `insert` come in their place. The client morphs a block that takes
/// another's place, so focus and typing survive.
#[derive(Debug, PartialEq, serde::Serialize)]
pub(crate) struct Splice {
    pub path: Vec<usize>,
    pub at: usize,
    pub remove: usize,
    pub insert: Vec<String>,
}

/// The changes that make `old` into `new`, in order: what lies between
/// their common start and common end; where as many blocks stay as were
/// there, only those that changed, and inside a container whose own tag
/// did not change, only what changed in it.
pub(crate) fn diff(old: &[Block], new: &[Block]) -> Vec<Splice> {
    let mut ops = Vec::new();
    diff_into(old, new, &mut Vec::new(), &mut ops);
    ops
}

fn diff_into(old: &[Block], new: &[Block], path: &mut Vec<usize>, ops: &mut Vec<Splice>) {
    let start = old
        .iter()
        .zip(new)
        .take_while(|(a, b)| a.html == b.html)
        .count();
    let room = old.len().min(new.len()) - start;
    let end = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a.html == b.html)
        .count();
    let (old_mid, new_mid) = (&old[start..old.len() - end], &new[start..new.len() - end]);
    if old_mid.len() != new_mid.len() {
        ops.push(Splice {
            path: path.clone(),
            at: start,
            remove: old_mid.len(),
            insert: new_mid.iter().map(|b| b.html.clone()).collect(),
        });
        return;
    }
    for (i, (a, b)) in old_mid.iter().zip(new_mid).enumerate() {
        if a.html == b.html {
            continue;
        }
        let at = start + i;
        match (&a.inner, &b.inner) {
            (Some((a_open, a_children)), Some((b_open, b_children))) if a_open == b_open => {
                path.push(at);
                diff_into(a_children, b_children, path, ops);
                path.pop();
            }
            _ => ops.push(Splice {
                path: path.clone(),
                at,
                remove: 1,
                insert: vec![b.html.clone()],
            }),
        }
    }
}

/// A container with its children's HTML, `inner`; `None` for an element
/// that is not a container.
fn container_html(
    doc: &PageDoc<'_>,
    element: &Element,
    inner: impl FnOnce() -> String,
) -> Option<String> {
    Some(match element {
        Element::Columns {
            gap,
            vertical_alignment,
            border,
        } => {
            // The defaults are the stylesheet's: nothing to say for them.
            let style = (*gap != Gap::Small).then(|| format!("gap:{}", gap.css()));
            let valign = (*vertical_alignment != VerticalAlignment::Top).then(|| vertical_alignment.name());
            let bordered = border.then_some("1");
            view! {
                <div class="bk-columns" data-k="columns" style=style data-valign=valign
                    data-border=bordered inner_html=inner()></div>
            }
            .to_html()
        }
        Element::Column { weight } => {
            let style = format!("flex: {weight} 1 0");
            view! { <div class="bk-column" data-k="column" style=style inner_html=inner()></div> }
                .to_html()
        }
        Element::Form { key, .. } => {
            view! { <div class="bk-form" data-k="form" data-form=key.clone() inner_html=inner()></div> }.to_html()
        }
        Element::Fragment { key, run_every_ms } => {
            let every = run_every_ms.map(|ms| ms.to_string());
            view! { <div class="bk-fragment" data-k="fragment" data-fragment=key.clone() data-run-every=every inner_html=inner()></div> }
                .to_html()
        }
        Element::Container { border, height } => {
            let class = if *border { "bk-container bk-bordered" } else { "bk-container" };
            let style = height.map(|h| format!("height:{h}px;overflow:auto"));
            view! { <div class=class data-k="container" style=style inner_html=inner()></div> }.to_html()
        }
        Element::Empty => {
            view! { <div class="bk-empty" data-k="empty" inner_html=inner()></div> }.to_html()
        }
        Element::ChatMessage { name, avatar } => {
            let mark = match avatar {
                Some(own) => escape(own),
                None => default_avatar(name),
            };
            view! {
                <div class="bk-chat-message" data-k="chat_message" data-name=name.clone()>
                    <div class="bk-avatar" aria-hidden="true" inner_html=mark></div>
                    <div class="bk-chat-body" data-slot="1" inner_html=inner()></div>
                </div>
            }
            .to_html()
        }
        Element::Status {
            label,
            state,
            expanded,
        } => {
            let (icon, name) = match state {
                StatusState::Running => ("\u{23f3}", "running"),
                StatusState::Complete => ("\u{2705}", "complete"),
                StatusState::Error => ("\u{274c}", "error"),
            };
            let summary = view! {
                <summary><span class="bk-status-icon" aria-hidden="true">{icon}</span>" "{label.clone()}</summary>
            }
            .to_html();
            let inner = summary + &inner();
            view! {
                <details class="bk-status" data-k="status" data-state=name open=*expanded inner_html=inner></details>
            }
            .to_html()
        }
        Element::Expander { label, expanded } => {
            let summary = view! { <summary>{label.clone()}</summary> }.to_html();
            let inner = summary + &inner();
            view! { <details class="bk-expander" data-k="expander" open=*expanded inner_html=inner></details> }
                .to_html()
        }
        Element::Tabs {
            labels,
            default,
            dom,
        } => {
            use crate::widgets::tabs::{Field, TabButtons};
            let chosen = doc.chosen_tab(dom, labels.len());
            let buttons = TabButtons {
                dom,
                labels,
                selected: chosen.unwrap_or(*default),
                field: Field::View,
            };
            let inner = buttons.html(chosen) + &inner();
            view! { <div class="bk-tabs" data-k="tabs" inner_html=inner></div> }.to_html()
        }
        Element::Tab {
            index,
            count,
            dom,
            open,
            tracked,
            ..
        } => {
            let chosen = (!*tracked).then(|| doc.chosen_tab(dom, *count)).flatten();
            let shown = chosen.map_or(*open, |c| c == *index);
            view! {
                <div class="bk-tabpanel" data-k="tab" role="tabpanel" id=format!("{dom}-p{index}")
                    aria-labelledby=format!("{dom}-t{index}") tabindex="0" hidden=!shown inner_html=inner()></div>
            }
            .to_html()
        }
        Element::Popover {
            label,
            help,
            disabled,
        } => crate::widgets::popover::popover_html(label, help.as_deref(), *disabled, false, None)
            .replacen(CHILDREN, &inner(), 1),
        _ => return None,
    })
}

/// An element without children.
fn leaf_html(doc: &PageDoc<'_>, element: &Element) -> String {
    match element {
        Element::Text { body } => {
            view! { <pre class="bk-text" data-k="text">{body.clone()}</pre> }.to_html()
        }
        Element::Markdown { body } => {
            view! { <div class="bk-markdown" data-k="markdown" inner_html=markdown(body)></div> }
                .to_html()
        }
        Element::Caption { body } => {
            view! { <div class="bk-caption" data-k="caption" inner_html=markdown(body)></div> }
                .to_html()
        }
        Element::Divider => view! { <hr class="bk-divider" data-k="divider" /> }.to_html(),
        Element::Html { body } => {
            let clean = ammonia::clean(body);
            view! { <div class="bk-html" data-k="html" inner_html=clean></div> }.to_html()
        }
        Element::PageLink { path, label } => page_link_html(doc, path, label),
        Element::Latex { body } => latex_html(body),
        Element::Media {
            kind,
            source,
            caption,
            width,
        } => media_html(doc, *kind, source, caption.as_deref(), *width),
        Element::LinkButton { label, url } => view! {
            <a class="bk-button bk-link-button" data-k="link_button" href=url.clone()
                target="_blank" rel="noopener noreferrer">{label.clone()}</a>
        }
        .to_html(),
        Element::Heading { level, body } => match level {
            1 => view! { <h1 data-k="h1">{body.clone()}</h1> }.to_html(),
            2 => view! { <h2 data-k="h2">{body.clone()}</h2> }.to_html(),
            _ => view! { <h3 data-k="h3">{body.clone()}</h3> }.to_html(),
        },
        Element::Alert { kind, body } => alert_html(*kind, body),
        Element::Exception {
            kind,
            message,
            location,
        } => exception_html(*kind, message, location.as_deref(), doc.error_details),
        Element::Metric {
            label,
            value,
            delta,
            delta_color,
        } => metric_html(label, value, delta.as_deref(), *delta_color),
        Element::Code { body, language } => {
            let class = language
                .as_deref()
                .map(|l| format!("language-{}", l.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '+', "")));
            view! { <pre class="bk-code" data-k="code"><code class=class>{body.clone()}</code></pre> }.to_html()
        }
        Element::Json { body } => {
            view! { <pre class="bk-code bk-json" data-k="json"><code class="language-json">{body.clone()}</code></pre> }
                .to_html()
        }
        Element::Table {
            columns,
            rows,
            dataframe,
        } => table_html(columns, rows, *dataframe),
        Element::Chart { kind, x, series } => {
            let svg = crate::chart::svg(*kind, x, series);
            view! { <figure class="bk-chart" data-k="chart" inner_html=svg></figure> }.to_html()
        }
        Element::Progress {
            percent,
            text,
            task,
        } => {
            let name = text.clone().unwrap_or_else(|| "Progress".into());
            // A task's bar always has its text line, for the task's reports.
            let text = (text.is_some() || task.is_some()).then(|| {
                view! { <div class="bk-progress-text">{text.clone().unwrap_or_default()}</div> }
            });
            view! {
                <div class="bk-progress" data-k="progress" data-task=task.clone()>
                    {text}
                    <progress max="100" value=percent.to_string() role="progressbar"
                        aria-valuenow=percent.to_string() aria-valuemin="0" aria-valuemax="100"
                        aria-label=name>{format!("{percent}%")}</progress>
                </div>
            }
            .to_html()
        }
        Element::Spinner { text } => view! {
            <div class="bk-spinner" data-k="spinner" role="status">
                <span class="bk-spinner-wheel" aria-hidden="true"></span>{text.clone()}
            </div>
        }
        .to_html(),
        Element::Toast { body } => view! {
            <div class="bk-toast" data-k="toast" role="status">{body.clone()}</div>
        }
        .to_html(),
        // Drawn by `node` and `container_html`.
        Element::Main
        | Element::Sidebar
        | Element::Bottom
        | Element::ChatMessage { .. }
        | Element::Widget(_)
        | Element::Columns { .. }
        | Element::Column { .. }
        | Element::Form { .. }
        | Element::Fragment { .. }
        | Element::Container { .. }
        | Element::Empty
        | Element::Status { .. }
        | Element::Expander { .. }
        | Element::Tabs { .. }
        | Element::Tab { .. }
        | Element::Popover { .. } => String::new(),
    }
}

/// Widget HTML of one browser tab, kept from answer to answer: a widget
/// whose element is unchanged is not rendered again.
#[derive(Default)]
pub struct RenderCache {
    widgets: IdMap<(WidgetElement, String)>,
    seen: crate::identity::IdSet,
    last_len: usize,
}

impl RenderCache {
    /// About what it holds, in bytes: each widget's HTML and element (whose
    /// value is counted through its size in the page).
    pub fn bytes(&self) -> usize {
        self.widgets
            .values()
            .map(|(w, html)| {
                html.len()
                    + w.label.len()
                    + value_bytes(&w.value)
                    + std::mem::size_of::<WidgetElement>()
            })
            .sum::<usize>()
            + self.last_len
    }

    fn start_run(&mut self) {
        self.seen.clear();
    }

    fn finish_run(&mut self) {
        let seen = &self.seen;
        self.widgets.retain(|id, _| seen.contains(id));
    }

    fn widget(&mut self, w: &WidgetElement, out: &mut String) {
        self.seen.insert(w.id);
        match self.widgets.get(&w.id) {
            Some((last, html)) if same_look(last, w) => out.push_str(html),
            _ => {
                let html = widget_html(w);
                out.push_str(&html);
                self.widgets.insert(w.id, (w.clone(), html));
            }
        }
    }
}

/// About what a value holds on the heap.
fn value_bytes(v: &Value) -> usize {
    match v {
        Value::String(s) => s.len(),
        Value::Array(a) => a.iter().map(|v| 16 + value_bytes(v)).sum(),
        Value::Object(o) => o.iter().map(|(k, v)| 32 + k.len() + value_bytes(v)).sum(),
        _ => 0,
    }
}

/// Whether two drawings of a widget produce the same HTML.
fn same_look(a: &WidgetElement, b: &WidgetElement) -> bool {
    a.kind == b.kind
        && a.label == b.label
        && a.help == b.help
        && a.disabled == b.disabled
        && a.value == b.value
        && a.script == b.script
        && a.reset == b.reset
        && a.ignore_changes == b.ignore_changes
        && a.params == b.params
}

/// A callout box: errors and warnings are alerts, the rest statuses.
fn alert_html(kind: crate::elements::AlertKind, body: &str) -> String {
    let class = format!("bk-alert bk-alert-{}", kind.name());
    let role = if matches!(
        kind,
        crate::elements::AlertKind::Error | crate::elements::AlertKind::Warning
    ) {
        "alert"
    } else {
        "status"
    };
    view! { <div class=class data-k="alert" role=role>{body.to_owned()}</div> }.to_html()
}

/// An error that ended the run. The message of a panic or of an error the
/// app's code returned, and where it happened, are shown only with
/// `error_details` (development); otherwise they stay in the server's log.
fn exception_html(
    kind: crate::ErrorKind,
    message: &str,
    location: Option<&str>,
    details: bool,
) -> String {
    let message = if details || !kind.is_failure_of_app_code() {
        message.to_owned()
    } else {
        "the page's code panicked; the details are in the server's log".to_owned()
    };
    let location = location
        .filter(|_| details)
        .map(|l| view! { <div class="bk-exception-where">{l.to_owned()}</div> });
    view! {
        <div class="bk-exception" data-k="exception" role="alert">
            <div class="bk-exception-kind">{kind.name()}</div>
            <div class="bk-exception-message">{message}</div>
            {location}
        </div>
    }
    .to_html()
}

/// A metric with its delta, green or red as `delta_color` says.
fn metric_html(label: &str, value: &str, delta: Option<&str>, delta_color: DeltaColor) -> String {
    let delta = delta.map(|d| {
        let down = d.trim_start().starts_with('-');
        let tone = match (delta_color, down) {
            (DeltaColor::Off, _) => "off",
            (DeltaColor::Normal, false) | (DeltaColor::Inverse, true) => "good",
            _ => "bad",
        };
        let class = format!("bk-metric-delta bk-delta-{tone}");
        let arrow = if down { "▼ " } else { "▲ " };
        view! { <div class=class>{format!("{arrow}{d}")}</div> }
    });
    view! {
        <div class="bk-metric" data-k="metric">
            <div class="bk-metric-label">{label.to_owned()}</div>
            <div class="bk-metric-value">{value.to_owned()}</div>
            {delta}
        </div>
    }
    .to_html()
}

/// A table (or a dataframe, which looks like one here); numbers align
/// right.
fn table_html(columns: &[String], rows: &[Vec<Value>], dataframe: bool) -> String {
    let head = columns
        .iter()
        .map(|c| view! { <th scope="col">{c.clone()}</th> })
        .collect_view();
    let body = rows
        .iter()
        .map(|r| {
            let cells = r
                .iter()
                .map(|v| {
                    let numeric = v.is_number().then_some("bk-num");
                    view! { <td class=numeric>{crate::display::cell_text(v)}</td> }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    let (class, k) = if dataframe {
        ("bk-table bk-dataframe", "dataframe")
    } else {
        ("bk-table", "table")
    };
    view! {
        <div class=class data-k=k>
            <table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
        </div>
    }
    .to_html()
}

/// Markdown to HTML with raw HTML shown as text, never passed through, and
/// links and images only to `http`, `https`, `mailto` or relative URLs: any
/// other (a `javascript:` link, however spelled) shows as its plain text.
pub(crate) fn markdown(source: &str) -> String {
    use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};
    let mut dropped: Vec<bool> = Vec::new();
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .filter_map(move |e| match e {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
            let unsafe_url = !safe_url(dest_url);
            dropped.push(unsafe_url);
            (!unsafe_url).then_some(e)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            let was_dropped = dropped.pop().unwrap_or(false);
            (!was_dropped).then_some(e)
        }
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

use crate::elements::safe_url;

pub(crate) use crate::widgets::view::escape;

/// A widget: its wrapper, which carries what the client script needs, and
/// its label and controls.
pub fn widget_html(w: &WidgetElement) -> String {
    let id = w.id.to_string();
    let kind = w.kind.name();
    let data_value = crate::wire::wire_value(w).to_string();
    let shape = w.params.get().shape().attr();
    let entry = (w.script == PageId::ENTRYPOINT).then_some("1");
    let defer = w.ignore_changes.then_some("1");
    let reset = w.reset.then_some("1");
    // R31: after its form's submit the browser shows the default, while
    // `data-value` keeps the submitted value the session holds.
    let body = match (&w.clear_default, w.reset) {
        (Some(default), true) => {
            let mut shown = w.clone();
            shown.value = default.clone();
            widget_body(&shown)
        }
        _ => widget_body(w),
    };
    let class = w.label_visibility.class().unwrap_or("bk-widget");
    let holds = w.kind.is_container().then_some("1");
    view! {
        <div class=class data-wid=id data-kind=kind data-shape=shape data-value=data_value data-entry=entry data-defer=defer data-reset=reset data-holds=holds inner_html=body></div>
    }
    .to_html()
}

/// A widget's label and controls, as HTML: its kind draws them.
fn widget_body(w: &WidgetElement) -> String {
    w.params.get().render(&Drawn {
        id: w.id,
        kind: w.kind,
        label: &w.label,
        help: w.help.as_deref(),
        disabled: w.disabled,
        value: &w.value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::AppTest;
    use crate::{App, Page};

    /// A page document around `tree`, as the tests render it.
    fn doc(tree: &ElementTree) -> PageDoc<'_> {
        PageDoc {
            title: "t",
            base: "/",
            tab: "tab",
            page: "app",
            pages: &[],
            tree,
            notice: None,
            url: None,
            seq: 0,
            error_details: true,
            running: false,
            tab_view: &[],
            icons: &[],
        }
    }

    fn html_of(
        page: impl Fn(&crate::Ui<'_>) -> crate::Result<()> + Send + Sync + 'static,
    ) -> String {
        let mut t = AppTest::new(App::new().page(Page::new("app", page)));
        t.run().unwrap();
        render_document(&doc(t.tree()))
    }

    /// One value changed inside columns: the patch is that widget alone,
    /// at its path; a block more at the end is one insertion.
    #[test]
    fn a_patch_reaches_into_containers() {
        let page = |level: i64, extra: bool| {
            let mut t = AppTest::new(App::new().page(Page::new("app", move |ui| {
                let cols = ui.columns(2);
                cols[0].text("left");
                cols[1].text(format!("level {level}"));
                cols[1].text("right");
                if extra {
                    ui.text("more");
                }
                Ok(())
            })));
            t.run().unwrap();
            render_blocks(&doc(t.tree()), &mut RenderCache::default())
        };
        let ops = diff(&page(1, false).main, &page(2, false).main);
        assert_eq!(ops.len(), 1, "{ops:?}");
        assert_eq!(
            (ops[0].path.clone(), ops[0].at, ops[0].remove),
            (vec![0, 1], 0, 1)
        );
        assert!(ops[0].insert[0].contains("level 2") && !ops[0].insert[0].contains("right"));
        let ops = diff(&page(2, false).main, &page(2, true).main);
        assert_eq!(ops.len(), 1, "{ops:?}");
        assert_eq!((ops[0].path.len(), ops[0].at, ops[0].remove), (0, 1, 0));
        assert!(diff(&page(2, true).main, &page(2, true).main).is_empty());
    }

    /// Tabs, expanders and popovers: the ARIA tabs pattern, each tab a
    /// submit button for the no-JS post (the widget's field when the row
    /// tracks its tab, `_tabview` when the choice is the browser's, which
    /// the answer shows and keeps for the next post); a tracking
    /// `<details>` holds its children in its slot and has a no-JS toggle.
    #[test]
    fn tabs_expanders_and_popovers_render_as_their_patterns() {
        use crate::testing::Target;
        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            let [a, b] = ui.tabs(["A", "B"]).key("t").rerun_on_change().show()?;
            a.text("in a");
            b.text("in b");
            let [c, d] = ui.tabs(["C", "D"]).show()?;
            c.text("in c");
            d.text("in d");
            ui.expander("E")
                .key("e")
                .rerun_on_change()
                .show()?
                .text("in e");
            ui.popover("P").show()?.text("in p");
            Ok(())
        })));
        t.run().unwrap();
        t.set_value(Target::key("tabs", "t"), "B").unwrap();
        let tabs = t.widgets()[0].clone();
        let html = render_app(&doc(t.tree()));
        let wid = tabs.id.to_string();
        for needle in [
            "data-kind=\"tabs\" data-shape=\"tab\" data-value=\"1\"".to_owned(),
            format!("role=\"tab\" id=\"w{wid}-t1\" aria-controls=\"w{wid}-p1\" aria-selected=\"true\" tabindex=\"0\" name=\"{wid}\" value=\"1\" class=\"bk-tab\">B</button>"),
            format!("role=\"tabpanel\" id=\"w{wid}-p0\" aria-labelledby=\"w{wid}-t0\" tabindex=\"0\" hidden"),
            "name=\"_tabview\" value=\"n".to_owned(),
            "<details data-slot=\"1\" class=\"bk-expander\"><summary>E<noscript><button type=\"submit\" name=\"".to_owned(),
            "<details data-k=\"popover\" data-slot=\"1\" class=\"bk-popover\">".to_owned(),
        ] {
            assert!(html.contains(&needle), "missing {needle} in {html}");
        }
        let panel = |html: &str, text: &str| {
            let at = html.find(text).unwrap();
            let open = html[..at].rfind("role=\"tabpanel\"").unwrap();
            html[open..at].contains("hidden")
        };
        assert!(panel(&html, "in a") && !panel(&html, "in b"));
        assert!(!panel(&html, "in c") && panel(&html, "in d"));
        // The browser chose D without JavaScript: the answer shows it and
        // posts the choice again.
        let dom = t.tree().iter().find_map(|e| match e {
            Element::Tabs { dom, .. } => Some(dom.clone()),
            _ => None,
        });
        let view = [(dom.unwrap(), 1)];
        let chosen = render_app(&PageDoc {
            tab_view: &view,
            ..doc(t.tree())
        });
        assert!(panel(&chosen, "in c") && !panel(&chosen, "in d"));
        assert!(chosen.contains(&format!(
            "<input type=\"hidden\" name=\"_tabview\" value=\"{}:1\"",
            view[0].0
        )));
        assert_eq!(
            t.tree().tabs(),
            [(vec!["A", "B"], Some("B")), (vec!["C", "D"], None)]
        );
        assert_eq!(t.tree().expanders(), [("E", Some(false))]);
        assert_eq!(t.tree().popovers(), [("P", None)]);
    }

    /// A change inside a tab's panel or an open expander is a patch at its
    /// path, through the container widget.
    #[test]
    fn a_patch_reaches_into_tabs_and_expanders() {
        let page = |n: i64| {
            let mut t = AppTest::new(App::new().page(Page::new("app", move |ui| {
                let [_, b] = ui.tabs(["A", "B"]).key("t").rerun_on_change().show()?;
                b.text(format!("b {n}"));
                ui.expander("E")
                    .key("e")
                    .rerun_on_change()
                    .show()?
                    .text(format!("e {n}"));
                Ok(())
            })));
            t.run().unwrap();
            render_blocks(&doc(t.tree()), &mut RenderCache::default())
        };
        let ops = diff(&page(1).main, &page(2).main);
        let at: Vec<(Vec<usize>, usize)> = ops.iter().map(|o| (o.path.clone(), o.at)).collect();
        assert_eq!(at, [(vec![0, 1], 0), (vec![1], 0)], "{ops:?}");
    }

    /// LaTeX is drawn as MathML on the server; what does not parse shows
    /// the parser's message in the formula (`<merror>`).
    #[test]
    fn latex_is_mathml() {
        let html = html_of(|ui| {
            ui.latex(r"e^{i\pi} + 1 = 0 \quad \frac{a}{\sqrt{b}}");
            ui.latex(r"\frac{1}{");
            Ok(())
        });
        for needle in [
            "<math",
            "<msup>",
            "<mfrac>",
            "<msqrt>",
            "<merror>",
            "unbalanced group",
        ] {
            assert!(html.contains(needle), "missing {needle} in {html}");
        }
    }

    /// A patch addresses blocks by position, so each must be one element:
    /// every element and widget kind, in the main area, the sidebar and
    /// columns, and the page navigation.
    #[test]
    fn every_block_is_one_element() {
        let mut t = AppTest::new(
            App::new()
                .page(Page::new("app", |ui| {
                    ui.sidebar().text("side");
                    ui.sidebar().columns(2)[1].text("in a column");
                    payload_page(ui)
                }))
                .page(Page::new("other", |_| Ok(()))),
        );
        t.run().unwrap();
        let pages = [
            ("app".to_owned(), "App".to_owned()),
            ("other".into(), "Other".into()),
        ];
        let doc = PageDoc {
            pages: &pages,
            ..doc(t.tree())
        };
        let blocks = render_blocks(&doc, &mut RenderCache::default());
        let sidebar = blocks.sidebar.clone().expect("a sidebar");
        assert!(
            blocks.main.len() > 20 && sidebar.len() == 3,
            "{} {}",
            blocks.main.len(),
            sidebar.len()
        );
        fn all(blocks: &[Block]) -> Vec<&Block> {
            let mut out = Vec::new();
            for b in blocks {
                out.push(b);
                if let Some((_, children)) = &b.inner {
                    out.extend(all(children));
                }
            }
            out
        }
        let everything = all(&blocks.main).into_iter().chain(all(&sidebar));
        for block in everything {
            let block = &block.html;
            let fragment = scraper::Html::parse_fragment(block);
            let root = fragment.root_element();
            let elements = root.children().filter(|n| n.value().is_element()).count();
            let texts = root.children().filter(|n| n.value().is_text()).count();
            assert_eq!((elements, texts), (1, 0), "not one element: {block}");
        }
        assert_eq!(
            compose_app(&doc, &blocks),
            render_app(&doc),
            "the blocks make the same app"
        );
    }

    #[test]
    fn the_render_cache_gives_the_same_html_as_a_fresh_render() {
        use crate::testing::Target;
        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            let n = ui.slider("N", 0, 10).key("n").show()?;
            ui.selectbox("S", ["a", "b"]).key("s").show()?;
            ui.text(format!("n = {n}"));
            Ok(())
        })));
        t.run().unwrap();
        let mut cache = RenderCache::default();
        let render = |tree: &ElementTree, cache: Option<&mut RenderCache>| {
            let doc = doc(tree);
            match cache {
                Some(c) => render_app_cached(&doc, c),
                None => render_app(&doc),
            }
        };
        let first = t.tree();
        assert_eq!(render(first, Some(&mut cache)), render(first, None));
        t.set_value(Target::key("slider", "n"), 4).unwrap();
        t.set_value(Target::key("selectbox", "s"), "b").unwrap();
        let second = t.tree();
        let cached = render(second, Some(&mut cache));
        assert_eq!(cached, render(second, None));
        assert!(cached.contains("n = 4") && cached.contains("value=\"4\""));
    }

    #[test]
    fn user_text_is_escaped_everywhere() {
        let html = html_of(|ui| {
            ui.text("<script>alert(1)</script>");
            ui.markdown("hi <script>alert(2)</script> **bold**");
            ui.text_input("<b>label</b>").value("\"><script>").show()?;
            ui.radio("r", ["<i>x</i>"]).show()?;
            ui.pills("<u>p</u>", ["<i>pill</i>"]).show()?;
            ui.date_input("<b>d</b>").help("<b>h</b>").show()?;
            ui.file_uploader("<b>f</b>").types(["<x>"]).show()?;
            ui.metric_delta(
                "<b>m</b>",
                "<i>v</i>",
                Some("<s>d</s>"),
                crate::DeltaColor::Normal,
            );
            ui.code("<script>alert(3)</script>", Some("\"><script>"));
            ui.json(&serde_json::json!({"<k>": "<script>alert(4)</script>"}))?;
            ui.table(&[("<td>", "<script>alert(5)</script>")])?;
            ui.dataframe(&[serde_json::json!({"<th>": 1})])?;
            ui.line_chart(&[("<script>alert(6)</script>", 1.0)])?;
            ui.progress(10, Some("<script>alert(7)</script>"))?;
            Ok(())
        });
        assert!(!html.contains("<script>alert"), "{html}");
        for tag in ["<u>", "<i>", "<s>", "<k>", "<td>&", "<th>&", "<x>"] {
            assert!(!html.contains(tag), "{tag} in {html}");
        }
        assert!(html.contains("&lt;script&gt;alert(3)"));
        assert!(html.contains("&lt;script&gt;alert(5)"));
        assert!(html.contains("&lt;script&gt;alert(1)"));
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("&lt;b&gt;label&lt;/b&gt;"));
    }

    /// Text that breaks out of every HTML context if written unescaped.
    pub(crate) const PAYLOAD: &str = "</textarea></title></noscript></style></script>\
        <img src=x onerror=window.__xss=1>\"><svg onload=window.__xss=2>' onfocus='window.__xss=3";

    /// Every way `html` could run script it was not written with: elements a
    /// payload brings, event-handler attributes, `javascript:` URLs, and more
    /// than the one script brooklet ships.
    fn injected(html: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(html);
        let mut found = Vec::new();
        let mut scripts = 0;
        for node in doc.tree.nodes() {
            let Some(el) = node.value().as_element() else {
                continue;
            };
            match el.name() {
                "script" => scripts += 1,
                "img" | "iframe" | "object" | "embed" => found.push(format!("<{}>", el.name())),
                "svg" if el.attr("onload").is_some() => found.push("<svg onload>".into()),
                _ => {}
            }
            for (name, value) in el.attrs() {
                let lower = value.trim().to_ascii_lowercase();
                if name.starts_with("on") || lower.starts_with("javascript:") {
                    found.push(format!("<{} {name}={value:?}>", el.name()));
                }
            }
        }
        if scripts > 1 {
            found.push(format!("{scripts} scripts"));
        }
        found
    }

    /// A page that puts [`PAYLOAD`] in every text position of every widget
    /// kind and element: labels, help, placeholders, values, options,
    /// captions, table cells, chart labels, file names, errors.
    fn payload_page(ui: &crate::Ui<'_>) -> crate::Result<()> {
        let p = PAYLOAD;
        let opts = [p, "b"];
        ui.title(p);
        ui.header(p);
        ui.subheader(p);
        ui.text(p);
        ui.markdown(format!("{p} [{p}]({p}) ![{p}]({p})"));
        ui.caption(format!("{p} [{p}]({p})"));
        ui.divider();
        // HTML is meant as HTML: what must not get through is what runs.
        ui.html(
            "<a href=\"javascript:window.__xss=4\" onclick=\"window.__xss=5\">a</a>\
             <script>window.__xss=6</script><b onmouseover=\"window.__xss=7\">b</b>\
             <svg onload=\"window.__xss=2\"></svg><iframe src=\"javascript:1\"></iframe>",
        );
        ui.link_button(
            p,
            "https://example.com/?q=\"'><script>window.__xss=8</script>",
        )?;
        ui.info(p);
        ui.success(p);
        ui.warning(p);
        ui.error(p);
        ui.button(p).help(p).key("button").show()?;
        ui.checkbox(p).help(p).key("checkbox").show()?;
        ui.toggle(p).help(p).key("toggle").show()?;
        ui.radio(p, opts).help(p).key("radio").show()?;
        ui.selectbox(p, opts).help(p).key("selectbox").show()?;
        ui.multiselect(p, opts).help(p).key("multiselect").show()?;
        ui.slider(p, 0, 10).help(p).key("slider").show()?;
        ui.range_slider(p, 0, 10).help(p).key("range").show()?;
        ui.select_slider(p, opts)
            .help(p)
            .key("select_slider")
            .show()?;
        ui.select_range_slider(p, [p, "b", "c"])
            .help(p)
            .key("select_range")
            .show()?;
        ui.number_input::<f64>(p).help(p).key("number").show()?;
        ui.text_input(p)
            .value(p)
            .placeholder(p)
            .help(p)
            .key("text")
            .show()?;
        ui.text_area(p)
            .value(p)
            .placeholder(p)
            .help(p)
            .key("area")
            .show()?;
        ui.date_input(p).help(p).key("date").show()?;
        ui.time_input(p).help(p).key("time").show()?;
        ui.color_picker(p).help(p).key("colour").show()?;
        ui.pills(p, opts).help(p).key("pills").show()?;
        ui.feedback(crate::widgets::FeedbackOptions::Stars)
            .help(p)
            .key("feedback")
            .show()?;
        ui.segmented_control(p, opts)
            .help(p)
            .key("segmented")
            .show()?;
        ui.file_uploader(p).types([p]).help(p).key("typed").show()?;
        ui.file_uploader(p).key("upload").show()?;
        let form = ui.form("f", false)?;
        form.text_area(p).key("form_area").show()?;
        form.form_submit_button(p).key("submit").show()?;
        ui.metric_delta(p, p, Some(p), crate::DeltaColor::Normal);
        ui.code(p, Some(p));
        ui.json(&serde_json::json!({ p: p }))?;
        ui.table(&[(p, p)])?;
        ui.dataframe(&[serde_json::json!({ p: p })])?;
        ui.line_chart(&[serde_json::json!({ "x": p, p: 1.0 })])?;
        ui.bar_chart(&[(p, 2.0)])?;
        ui.progress(10, Some(p))?.set(20, Some(p))?;
        ui.empty().text(p);
        let status = ui.status(p);
        status.text(p);
        status.update(Some(p), crate::StatusState::Error, true);
        ui.write_stream([p, p]);
        ui.toast(p);
        ui.spinner(p, || ui.text(p));
        ui.task::<(), _>(p, |_| Ok(()))?;
        ui.task_progress(p)?;
        ui.fragment_every(p, std::time::Duration::from_secs(1), |ui| {
            ui.text(PAYLOAD);
            Ok(())
        })?;
        ui.page_link("app", p)?;
        ui.write(p)?;
        ui.write(&[(p, p)])?;
        ui.write_display(p);
        let caption = Some(p.to_owned());
        ui.image_with(
            b"\x89PNG\r\n\x1a\n0".as_slice(),
            crate::MediaOptions {
                caption: caption.clone(),
                width: Some(9),
            },
        )?;
        ui.image_with(
            format!("https://example.com/{p}"),
            crate::MediaOptions {
                caption,
                width: None,
            },
        )?;
        ui.download_button(p, p, format!("{p}.txt"))
            .help(p)
            .key("download")
            .show()?;
        ui.latex(format!(
            "\\text{{{p}}} \\frac{{1}}{{2}} \\href{{javascript:window.__xss=9}}{{x}}"
        ));
        ui.chat_input(p).key("chat").show()?;
        ui.datetime_input(p).help(p).key("datetime").show()?;
        ui.chat_message(p).text(p);
        ui.chat_message_with("user", p).text(p);
        ui.expander(p).show()?.text(p);
        ui.expander(p)
            .key("expander")
            .rerun_on_change()
            .show()?
            .text(p);
        let tabs = ui
            .tabs([p, "b"])
            .key("tabs")
            .rerun_on_change()
            .default(p)
            .show()?;
        tabs[0].text(p);
        ui.tabs(vec![p, "c"]).show()?[1].text(p);
        ui.popover(p).help(p).show()?.text(p);
        ui.popover(p)
            .help(p)
            .key("popover")
            .rerun_on_change()
            .show()?
            .text(p);
        let cols = ui.columns(2);
        cols[0].text(p);
        ui.sidebar().text(p);
        Err(crate::Error::new(crate::ErrorKind::Panic, p).with_location(p))
    }

    #[test]
    fn no_payload_runs_in_any_widget_or_element() {
        use crate::testing::Target;
        let mut t = AppTest::new(App::new().page(Page::new("app", payload_page)));
        t.run().unwrap();
        let pages = [
            ("app".to_owned(), PAYLOAD.to_owned()),
            ("b".into(), "B".into()),
        ];
        fn page_doc<'a>(
            tree: &'a ElementTree,
            pages: &'a [(String, String)],
            notice: Option<&'a str>,
        ) -> PageDoc<'a> {
            PageDoc {
                title: PAYLOAD,
                base: "/",
                tab: "tab",
                page: "app",
                pages,
                tree,
                notice,
                url: None,
                seq: 0,
                error_details: false,
                running: false,
                tab_view: &[],
                icons: &[],
            }
        }
        // The first page, and the no-JS answer with an error notice.
        for html in [
            render_document(&page_doc(t.tree(), &pages, None)),
            render_document(&page_doc(t.tree(), &pages, Some(PAYLOAD))),
        ] {
            assert_eq!(injected(&html), Vec::<String>::new(), "{html}");
            assert!(html.contains("&lt;/textarea&gt;"), "{html}");
        }
        // An event answer, after the browser sent the payload as values.
        t.set_value(Target::key("text_area", "area"), PAYLOAD)
            .unwrap();
        t.set_value(Target::key("text_input", "text"), PAYLOAD)
            .unwrap();
        t.set_value(
            Target::key("file_uploader", "upload"),
            crate::UploadedFile::new(PAYLOAD.replace('/', ""), "text/html", vec![b'x'; 3]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let html = render_app(&page_doc(t.tree(), &pages, None));
        assert_eq!(
            injected(&format!("<body>{html}</body>")),
            Vec::<String>::new(),
            "{html}"
        );
        // Every position really held the payload (escaped).
        let escaped = html.matches("&lt;img src=x onerror").count();
        assert!(escaped >= 40, "the payload shows {escaped} times: {html}");
    }

    #[test]
    fn markdown_links_only_to_safe_schemes() {
        for hostile in [
            "[a](javascript:alert(1))",
            "[a](JaVaScRiPt:alert(1))",
            "[a](&#106;avascript:alert(1))",
            "[a](&#x6A;avascript:alert(1))",
            "[a](\tjavascript:alert(1))",
            "[a](java\tscript:alert(1))",
            "[a](<java\nscript:alert(1)>)",
            "[a](vbscript:msgbox(1))",
            "[a](data:text/html,<script>alert(1)</script>)",
            "<javascript:alert(1)>",
            "[a][r]\n\n[r]: javascript:alert(1)",
            "![a](javascript:alert(1))",
            "[![a](x.png)](javascript:alert(1))",
        ] {
            let html = markdown(hostile);
            assert!(!html.contains("href"), "{hostile:?} -> {html}");
            assert!(
                !html.to_ascii_lowercase().contains("src=\"javascript"),
                "{hostile:?} -> {html}"
            );
        }
        for (fine, href) in [
            (
                "[a](https://example.org/x?y#z)",
                "href=\"https://example.org/x?y#z\"",
            ),
            ("[a](http://example.org)", "href=\"http://example.org\""),
            (
                "[a](mailto:me@example.org)",
                "href=\"mailto:me@example.org\"",
            ),
            ("[a](other-page)", "href=\"other-page\""),
            ("[a](/abs/path:with-colon)", "href=\"/abs/path:with-colon\""),
            ("[a](#section)", "href=\"#section\""),
        ] {
            let html = markdown(fine);
            assert!(html.contains(href), "{fine:?} -> {html}");
        }
        // The link's text stays, as text.
        assert!(markdown("[click me](javascript:x)").contains("click me"));
    }

    #[test]
    fn new_kinds_show_their_values_and_wire_forms() {
        use crate::testing::Target;
        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            ui.pills("p", ["x", "y"]).key("p").show()?;
            ui.pills("m", ["x", "y"])
                .key("m")
                .selection_mode(crate::Multi)
                .show()?;
            ui.file_uploader("f").key("f").show()?;
            ui.date_input("d").key("d").show()?;
            Ok(())
        })));
        t.run().unwrap();
        t.set_value(Target::key("pills", "p"), "y").unwrap();
        t.set_value(Target::key("pills", "m"), ["y", "x"]).unwrap();
        t.set_value(
            Target::key("file_uploader", "f"),
            crate::UploadedFile::new("notes.txt", "text/plain", vec![b'x'; 2048]),
        )
        .unwrap();
        t.set_value(Target::key("date_input", "d"), "2024-02-29")
            .unwrap();
        let tree = t.tree();
        let wires: Vec<Value> = tree.widgets().map(crate::wire::wire_value).collect();
        // Single selection as `[index]`, files never echoed back.
        assert_eq!(
            wires[..3],
            [
                serde_json::json!([1]),
                serde_json::json!([1, 0]),
                Value::Null
            ]
        );
        let html = html_of_tree(tree);
        assert!(
            html.contains("notes.txt") && html.contains("2 KiB"),
            "{html}"
        );
        assert!(html.contains("bk-file-clear"));
        assert!(html.contains("value=\"2024-02-29\""));
        assert!(!html.contains("eHh4"), "file contents stay out of the page");
    }

    fn html_of_tree(tree: &ElementTree) -> String {
        render_app(&doc(tree))
    }

    /// The pages are links to their addresses, the current one marked; a
    /// page without JavaScript gets form buttons that keep its session.
    #[test]
    fn pages_are_links_with_a_form_fallback() {
        let pages = [
            ("app".to_owned(), "App".to_owned()),
            ("other".to_owned(), format!("Other {PAYLOAD}")),
        ];
        let tree = ElementTree::new();
        let doc = PageDoc {
            pages: &pages,
            base: "/mount/",
            ..doc(&tree)
        };
        let html = nav_html(&doc);
        assert!(
            html.contains(r#"<a href="/mount/app" data-page="app" aria-current="page" class="bk-nav-link">App</a>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<a href="/mount/other" data-page="other" class="bk-nav-link">"#),
            "{html}"
        );
        let fallback = html.split("<noscript>").nth(1).expect("a fallback");
        assert!(
            fallback.contains(
                r#"<button type="submit" name="_nav" value="other" class="bk-nav-button">"#
            ),
            "{fallback}"
        );
        assert!(injected(&html).is_empty(), "{html}");
        assert!(!html.contains(PAYLOAD), "a page title is escaped: {html}");
    }

    /// A page's icon is drawn before its title in the links and the no-JS
    /// buttons, hidden from assistive technology; an icon is text, escaped.
    #[test]
    fn page_icons_are_drawn_before_the_titles() {
        let pages = [
            ("app".to_owned(), "App".to_owned()),
            ("charts".to_owned(), "Charts".to_owned()),
        ];
        let icons = [Some("\u{1f4c8}".to_owned()), Some(PAYLOAD.to_owned())];
        let tree = ElementTree::new();
        let doc = PageDoc {
            pages: &pages,
            icons: &icons,
            ..doc(&tree)
        };
        let html = nav_html(&doc);
        let icon = r#"<span aria-hidden="true" class="bk-nav-icon">📈</span>App</a>"#;
        assert!(html.contains(icon), "{html}");
        assert_eq!(
            html.matches("bk-nav-icon").count(),
            4,
            "links and buttons: {html}"
        );
        assert!(
            injected(&html).is_empty() && !html.contains(PAYLOAD),
            "{html}"
        );
    }

    /// A slider is named by its label alone: `aria-labelledby` names the
    /// label's text, not the value shown beside it.
    #[test]
    fn a_slider_is_named_by_its_label_alone() {
        let html = html_of(|ui| {
            ui.slider("Level", 1, 10).show()?;
            ui.select_slider("Size", ["S", "M", "L"]).show()?;
            ui.range_slider("Span", 1, 10).show()?;
            Ok(())
        });
        let fragment = scraper::Html::parse_fragment(&html);
        let ranges = scraper::Selector::parse("input[type=range]").unwrap();
        let names: Vec<String> = fragment
            .select(&ranges)
            .map(|input| {
                let by = input.value().attr("aria-labelledby").expect("labelled");
                assert!(input.value().attr("aria-label").is_none());
                let named = scraper::Selector::parse(&format!("[id='{by}']")).unwrap();
                let label = fragment.select(&named).next().expect("the label");
                label.text().collect()
            })
            .collect();
        assert_eq!(names, ["Level", "Size", "Span", "Span"]);
    }

    /// `html` is shown sanitised, keeping its formatting; a link button's
    /// URL must be a safe one, and an unsafe one is a clear error.
    #[test]
    fn html_is_sanitised_and_link_buttons_take_safe_urls_only() {
        let html = html_of(|ui| {
            ui.html("<p><b>bold</b> <a href=\"https://x.org\">x</a></p><script>alert(1)</script>");
            ui.link_button("Docs", "https://docs.rs/brooklet")?;
            Ok(())
        });
        assert!(
            html.contains(
                "<p><b>bold</b> <a href=\"https://x.org\" rel=\"noopener noreferrer\">x</a></p>"
            ),
            "{html}"
        );
        assert!(!html.contains("alert(1)"), "{html}");
        assert!(
            html.contains(r#"href="https://docs.rs/brooklet" target="_blank" rel="noopener noreferrer" class="bk-button bk-link-button">Docs</a>"#),
            "{html}"
        );
        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            ui.link_button("Go", " JavaScript:alert(1)")?;
            ui.text("not reached");
            Ok(())
        })));
        t.run().unwrap();
        let errors = t.tree().exceptions();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, crate::ErrorKind::InvalidArgument);
        assert!(
            errors[0].1.contains("link_button \"Go\": its URL"),
            "{}",
            errors[0].1
        );
        assert!(t.tree().texts().is_empty());
    }

    /// A widget's help is its control's description, never part of its
    /// name: the mark beside the label is hidden from assistive technology.
    #[test]
    fn help_describes_the_control_and_stays_out_of_its_name() {
        let html = html_of(|ui| {
            ui.text_input("Name").help("Your full name").show()?;
            ui.radio("Size", ["S", "M"]).help("Pick a size").show()?;
            ui.slider("Level", 1, 5).help("How loud").show()?;
            Ok(())
        });
        let fragment = scraper::Html::parse_fragment(&html);
        let described = scraper::Selector::parse("[aria-describedby]").unwrap();
        let helps: Vec<String> = fragment
            .select(&described)
            .map(|control| {
                let by = control.value().attr("aria-describedby").unwrap();
                let target = scraper::Selector::parse(&format!("[id='{by}']")).unwrap();
                let text = fragment.select(&target).next().expect("the description");
                assert!(text.value().attr("hidden").is_some());
                text.text().collect()
            })
            .collect();
        assert_eq!(helps, ["Your full name", "Pick a size", "How loud"]);
        let marks = scraper::Selector::parse(".bk-help").unwrap();
        assert!(fragment
            .select(&marks)
            .all(|m| m.value().attr("aria-hidden") == Some("true")));
    }

    /// A text input's type sets the HTML input type and brings its
    /// placeholder and autofill token, unless the page gives its own; it
    /// counts for an unkeyed field's identity; a text area has none.
    #[test]
    fn text_input_types_set_the_input_and_its_defaults() {
        use crate::widgets::TextInputType as T;
        let html = html_of(|ui| {
            ui.text_input("Plain").show()?;
            ui.text_input("Secret").input_type(T::Password).show()?;
            ui.text_input("Mail").input_type(T::Email).show()?;
            ui.text_input("Site")
                .input_type(T::Url)
                .placeholder("mine")
                .show()?;
            ui.text_input("Phone")
                .input_type(T::Phone)
                .autocomplete("")
                .show()?;
            ui.text_input("Find").input_type(T::Search).show()?;
            Ok(())
        });
        let fragment = scraper::Html::parse_fragment(&html);
        let inputs = scraper::Selector::parse("[data-kind=text_input] input").unwrap();
        let seen: Vec<(String, Option<String>, Option<String>)> = fragment
            .select(&inputs)
            .map(|i| {
                let attr = |n: &str| i.value().attr(n).map(str::to_owned);
                (
                    attr("type").unwrap(),
                    attr("placeholder"),
                    attr("autocomplete"),
                )
            })
            .collect();
        let own = |t: &str, p: Option<&str>, a: Option<&str>| {
            (t.to_owned(), p.map(str::to_owned), a.map(str::to_owned))
        };
        assert_eq!(
            seen,
            [
                own("text", None, None),
                own("password", None, Some("new-password")),
                own("email", Some("you@example.com"), Some("email")),
                own("url", Some("mine"), Some("url")),
                own("tel", Some("+1 234 567 8900"), None),
                own("search", Some("Search"), Some("off")),
            ]
        );
        assert!(html
            .contains(r#"<form id="bk-form" method="post" action="_brooklet/form" novalidate>"#));

        let ids = |password: bool| {
            let mut t = AppTest::new(App::new().page(Page::new("app", move |ui| {
                let field = ui.text_input("Code");
                let field = if password {
                    field.input_type(T::Password)
                } else {
                    field
                };
                field.show()?;
                Ok(())
            })));
            t.run().unwrap();
            t.widgets()[0].id
        };
        assert_ne!(
            ids(false),
            ids(true),
            "an unkeyed field's type counts for its identity"
        );

        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            ui.text_area("Notes").input_type(T::Email).show()?;
            Ok(())
        })));
        t.run().unwrap();
        let errors = t.tree().exceptions();
        assert!(
            errors[0]
                .1
                .contains("text_area \"Notes\": a text area has no input type (email)"),
            "{errors:?}"
        );
    }

    /// A hidden or collapsed label is a class on the wrapper (the label
    /// stays in the page, naming the control); a visible one is not
    /// stored with the session at all.
    #[test]
    fn label_visibility_is_the_wrappers_class() {
        use crate::elements::LabelVisibility as V;
        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            ui.text_input("Shown").show()?;
            ui.text_input("Unseen").label_visibility(V::Hidden).show()?;
            ui.checkbox("Gone").label_visibility(V::Collapsed).show()?;
            Ok(())
        })));
        t.run().unwrap();
        let html = render_app(&doc(t.tree()));
        let classes: Vec<&str> = html
            .split("data-kind=")
            .skip(1)
            .map(|w| {
                w.split(" class=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            classes,
            [
                "bk-widget",
                "bk-widget bk-label-hidden",
                "bk-widget bk-label-collapsed"
            ]
        );
        assert!(
            html.contains("Unseen") && html.contains("<span>Gone</span>"),
            "{html}"
        );
        let stored = serde_json::to_string(t.tree()).unwrap();
        assert_eq!(stored.matches("label_visibility").count(), 2, "{stored}");
    }

    /// Columns take a gap, a vertical alignment and borders; a container a
    /// border and a fixed, scrolling height (which brings a border unless
    /// told not to). Plain ones are drawn as before, and sessions stored
    /// before these options read back.
    #[test]
    fn columns_and_containers_take_their_layout() {
        use crate::elements::{Gap, VerticalAlignment};
        use crate::ui::{ColumnsOptions, ContainerOptions};
        let html = html_of(|ui| {
            ui.columns(2)[0].text("plain");
            let options = ColumnsOptions {
                gap: Gap::Large,
                vertical_alignment: VerticalAlignment::Center,
                border: true,
            };
            ui.columns_with([1.0, 2.0], options)[1].text("laid out");
            ui.columns_with(
                2,
                ColumnsOptions {
                    gap: Gap::Pixels(20),
                    ..Default::default()
                },
            );
            ui.container().text("in");
            ui.container_with(ContainerOptions {
                height: Some(300),
                ..Default::default()
            })
            .text("scrolls");
            ui.container_with(ContainerOptions {
                border: Some(true),
                ..Default::default()
            });
            let unbordered = ContainerOptions {
                border: Some(false),
                height: Some(80),
            };
            ui.container_with(unbordered);
            Ok(())
        });
        for expected in [
            r#"<div data-k="columns" class="bk-columns"><div data-k="column""#,
            r#"<div data-k="columns" data-valign="center" data-border="1" class="bk-columns" style="gap:4rem;">"#,
            r#"<div data-k="columns" class="bk-columns" style="gap:20px;">"#,
            r#"<div data-k="container" class="bk-container"><pre"#,
            r#"<div data-k="container" class="bk-container bk-bordered" style="height:300px;overflow:auto;">"#,
            r#"<div data-k="container" class="bk-container bk-bordered"></div>"#,
            r#"<div data-k="container" class="bk-container" style="height:80px;overflow:auto;">"#,
        ] {
            assert!(html.contains(expected), "{expected} in {html}");
        }
        let old: Element = serde_json::from_str(r#"{"element":"columns"}"#).unwrap();
        assert!(matches!(
            old,
            Element::Columns {
                gap: Gap::Small,
                border: false,
                ..
            }
        ));
        let old: Element = serde_json::from_str(r#"{"element":"container"}"#).unwrap();
        assert!(matches!(
            old,
            Element::Container {
                border: false,
                height: None
            }
        ));
    }

    #[test]
    fn labels_are_tied_to_inputs() {
        let html = html_of(|ui| {
            ui.text_input("Name").key("name").show()?;
            ui.slider("A", 1, 10).show()?;
            Ok(())
        });
        let id = html
            .split("id=\"i-")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(html.contains(&format!("for=\"i-{id}\"")), "{html}");
        assert!(html.contains("aria-labelledby"));
    }

    #[test]
    fn a_spinner_text_is_escaped() {
        let html = leaf_html(
            &doc(&ElementTree::new()),
            &Element::Spinner {
                text: PAYLOAD.into(),
            },
        );
        assert!(injected(&html).is_empty(), "{html}");
        assert!(html.contains("&lt;/textarea&gt;"), "{html}");
    }

    #[test]
    fn every_kind_renders() {
        let html = html_of(|ui| {
            ui.button("b").show()?;
            ui.checkbox("c").show()?;
            ui.toggle("t").show()?;
            ui.radio("r", ["x", "y"]).show()?;
            ui.selectbox("s", ["x", "y"]).index(1).show()?;
            ui.multiselect("m", ["x", "y"])
                .default_value(["y".to_string()])
                .show()?;
            ui.slider("sl", 0, 10).show()?;
            ui.range_slider("rs", 0.0, 1.0).show()?;
            ui.select_slider("ss", ["a", "b"]).show()?;
            ui.select_range_slider("srs", ["a", "b", "c"]).show()?;
            ui.number_input::<f64>("n").show()?;
            ui.text_input("ti").show()?;
            ui.text_area("ta").show()?;
            ui.date_input("di").show()?;
            ui.time_input("tm").show()?;
            ui.color_picker("cp").value("#ff8800").show()?;
            ui.pills("p", ["x", "y"])
                .default_value("y".to_string())
                .show()?;
            ui.segmented_control("sc", ["x", "y"])
                .selection_mode(crate::Multi)
                .show()?;
            ui.file_uploader("fu")
                .types(["csv"])
                .max_upload_size(1024)
                .show()?;
            ui.metric_delta("m", 3, Some(-1), crate::DeltaColor::Normal);
            ui.code("x", Some("rust"));
            ui.json(&[1, 2])?;
            ui.table(&[(1, 2)])?;
            ui.dataframe(&[(1, 2)])?;
            ui.line_chart(&[(1, 2)])?;
            ui.bar_chart(&[("a", 2)])?;
            ui.progress(0.3, None)?;
            let cols = ui.columns(2);
            cols[0].info("i");
            ui.expander("e").show()?.success("s");
            ui.expander("te").key("te").rerun_on_change().show()?;
            ui.tabs(["x", "y"]).key("tb").rerun_on_change().show()?;
            ui.popover("po").key("po").rerun_on_change().show()?;
            ui.chat_input("ci").max_chars(9).show()?;
            ui.datetime_input("dt").step(60).show()?;
            ui.download_button("dl", "text", "a.txt").show()?;
            ui.image(b"GIF89a...".as_slice())?;
            ui.audio(b"OggS....".as_slice())?;
            ui.video(crate::MediaSource::typed(b"....".as_slice(), "video/ogg"))?;
            ui.chat_message("assistant").text("hi");
            ui.sidebar().warning("w");
            Ok(())
        });
        for needle in [
            "bk-button",
            "type=\"checkbox\"",
            "role=\"switch\"",
            "type=\"radio\"",
            "<select",
            "multiple",
            "type=\"range\"",
            "type=\"number\"",
            "type=\"text\"",
            "<textarea",
            "type=\"date\"",
            "type=\"time\"",
            "type=\"color\" ",
            "value=\"#ff8800\"",
            "bk-pills",
            "bk-segmented",
            "type=\"file\"",
            "accept=\".csv\"",
            "data-max-size=\"1024\"",
            "Limit 1 KiB per file",
            "bk-delta-bad",
            "▼ -1",
            "class=\"language-rust\"",
            "bk-json",
            "<table>",
            "bk-dataframe",
            "<svg role=\"img\"",
            "<progress max=\"100\" value=\"30\"",
            "bk-columns",
            "<details",
            "data-kind=\"expander\"",
            "role=\"tablist\"",
            "data-kind=\"tabs\"",
            "data-kind=\"popover\"",
            "data-kind=\"chat_input\" data-shape=\"message\"",
            "maxlength=\"9\"",
            "type=\"datetime-local\"",
            "formaction=\"_brooklet/download/",
            "<img src=\"_brooklet/media/tab/",
            "<audio src=\"_brooklet/media/tab/",
            "<video src=\"_brooklet/media/tab/",
            "step=\"60\"",
            "name=\"_chat\"",
            "bk-chat-message",
            "bk-sidebar",
        ] {
            assert!(html.contains(needle), "missing {needle} in {html}");
        }
    }
}
