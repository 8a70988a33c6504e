//! The wire protocol between the browser and the server, in one place: the
//! event body the client script sends, a widget value as the browser holds
//! it (option indexes for choices) both ways, the no-JavaScript form post's
//! fields, the shape of ids, and the answer's headers. Values decoded here
//! are validated once, by the session (`Session::handle`).

use serde::Deserialize;
use serde_json::Value;

use crate::elements::{ElementTree, WidgetElement};
use crate::error::{Error, ErrorKind};
use crate::identity::{PageId, WidgetId};
use crate::pages::App;
use crate::session::{Event, Session};
use crate::ui::QueryParams;

/// The header that names an event's tab, read before its body.
pub(crate) const TAB_HEADER: &str = "x-brooklet-tab";

/// The answer's header naming the page that ran.
pub(crate) const PAGE_HEADER: &str = "x-brooklet-page";

/// The answer's header with the URL the browser should show (R40).
pub(crate) const URL_HEADER: &str = "x-brooklet-url";
/// The longest query string a page is opened with, in bytes.
pub(crate) const MAX_QUERY: usize = 8 * 1024;
/// What an error quotes of the user's text, in characters at most.
const MAX_QUOTE: usize = 120;

/// The most characters of an error message shown, which may quote the user.
const MAX_MESSAGE: usize = 2000;

/// The first `max` characters of `s`, if it has more.
fn cut(s: &str, max: usize) -> Option<&str> {
    s.char_indices().nth(max).map(|(at, _)| &s[..at])
}

/// At most [`MAX_QUOTE`] characters of `s`, for an error to quote.
pub(crate) fn quote(s: &str) -> String {
    match cut(s, MAX_QUOTE) {
        Some(start) => format!("{start}… ({} bytes in all)", s.len()),
        None => s.to_owned(),
    }
}

/// An error message, shortened to [`MAX_MESSAGE`] characters when longer.
pub(crate) fn quote_long(message: &str) -> String {
    match cut(message, MAX_MESSAGE) {
        Some(start) => format!("{start}…"),
        None => message.to_owned(),
    }
}

/// The largest event body taken when the page shows no file uploader, in
/// bytes; also the limit of a no-JavaScript form post.
#[doc(hidden)]
pub const MAX_BODY: usize = 1024 * 1024;

/// The largest event body taken when the app allows uploads of up to
/// `upload` bytes: the file as base64 (4 bytes for every 3) plus the rest
/// of the event, and never less than [`MAX_BODY`].
#[doc(hidden)]
pub fn event_body_limit(upload: u64) -> usize {
    let encoded = upload.div_ceil(3).saturating_mul(4);
    usize::try_from(encoded.saturating_add(MAX_BODY as u64)).unwrap_or(usize::MAX)
}

/// What the client script sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventBody {
    tab: String,
    /// The tab's sequence number as its page showed it.
    seq: u64,
    page: Option<String>,
    #[serde(default)]
    values: Vec<(String, Value)>,
    click: Option<String>,
    /// The URL's query string, sent on back/forward: the URL wins (R40).
    #[serde(default)]
    query: Option<String>,
    /// The client's number for the event, which answers on the push
    /// channel echo.
    #[serde(default)]
    n: Option<u64>,
    /// A fragment's timer fired: run it alone.
    #[serde(default)]
    fragment: Option<String>,
}

/// A decoded event body, its ids checked.
#[derive(Debug)]
pub(crate) struct EventRequest {
    /// The tab's sequence number as its page showed it.
    pub(crate) seq: u64,
    /// A page switch.
    pub(crate) page: Option<String>,
    /// The widget values the browser holds, in wire form.
    pub(crate) values: Vec<(WidgetId, Value)>,
    /// A click.
    pub(crate) click: Option<WidgetId>,
    /// The URL's query string, on back/forward.
    pub(crate) query: Option<String>,
    /// The body's size in bytes.
    pub(crate) size: usize,
    /// The client's number for it, echoed by the push channel.
    pub(crate) n: Option<u64>,
    /// The fragment whose timer fired, to run alone.
    pub(crate) fragment: Option<String>,
}

/// Decodes the JSON body of an event for `tab`; the error names what is
/// wrong with it.
pub(crate) fn parse_event(bytes: &[u8], tab: &str) -> Result<EventRequest, String> {
    let body: EventBody = serde_json::from_slice(bytes)
        .map_err(|e| format!("the event body is not a valid event: {e}"))?;
    if body.tab != tab {
        return Err(format!(
            "the event body names another tab than the {TAB_HEADER} header"
        ));
    }
    if body.query.as_ref().is_some_and(|q| q.len() > MAX_QUERY) {
        return Err(format!(
            "the query string is longer than the {MAX_QUERY} bytes this app takes"
        ));
    }
    let values = body
        .values
        .into_iter()
        .map(|(id, v)| parse_id(&id).map(|id| (id, v)))
        .collect::<Result<Vec<_>, _>>()?;
    let click = body.click.as_deref().map(parse_id).transpose()?;
    Ok(EventRequest {
        size: bytes.len(),
        seq: body.seq,
        page: body.page,
        values,
        click,
        query: body.query,
        n: body.n,
        fragment: body.fragment,
    })
}

/// An id this tab does not show. The widget registry tells a widget of this
/// app that the page no longer shows (reload) from an id no page draws.
fn unknown_widget(app: &App, id: WidgetId) -> Error {
    let message = match app.produces_id(id) {
        Some(false) => format!(
            "no page of this app draws a widget with id {id}; the event does not come from this app's pages"
        ),
        _ => format!("no widget with id {id} is on this page; reload the page"),
    };
    Error::new(ErrorKind::UnknownWidget, message)
}

/// A widget id as pages show it: 1 to 32 hex digits, nothing else (no
/// sign, no spaces).
pub(crate) fn parse_id(s: &str) -> Result<WidgetId, String> {
    let hex = !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| s.parse().ok())
        .flatten()
        .ok_or_else(|| format!("{:?} is not a widget id", quote(s)))
}

pub(crate) fn to_event(
    app: &App,
    session: &Session,
    page: Option<String>,
    values: Vec<(WidgetId, Value)>,
    click: Option<WidgetId>,
) -> Result<Event, Error> {
    let mut widgets = Vec::with_capacity(values.len() + 1);
    for (id, wire) in values {
        let meta = session
            .state()
            .meta(id)
            .ok_or_else(|| unknown_widget(app, id))?;
        let value = meta.params.get().read_wire(wire).map_err(|p| {
            Error::new(
                ErrorKind::InvalidValue,
                format!("rejected value for {} {id}: {p}", meta.kind.name()),
            )
        })?;
        widgets.push((id, value));
    }
    if let Some(id) = click {
        match session.state().meta(id) {
            Some(meta) if meta.kind.is_trigger() => widgets.push((id, Value::Bool(true))),
            Some(meta) => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("widget {id} is a {}, not a button", meta.kind.name()),
                ))
            }
            None => {
                return Err(Error::new(
                    ErrorKind::UnknownWidget,
                    format!("no button with id {id} is on this page"),
                ))
            }
        }
    }
    Ok(Event {
        page,
        widgets,
        query_params: None,
        full_run: false,
        fragment: None,
    })
}

/// Reads each on-screen widget's value from the form fields, in wire form.
pub(crate) fn form_values(
    tree: &ElementTree,
    fields: &[(String, String)],
    page_switch: bool,
    submitting: Option<&str>,
) -> Result<Vec<(WidgetId, Value)>, String> {
    let mut out = Vec::new();
    for w in tree.widgets() {
        // Clicks come as `_click`, files only from the client script (base64
        // in its JSON event).
        if !w.params.get().shape().posted() || (page_switch && w.script != PageId::ENTRYPOINT) {
            continue;
        }
        // Browsers do not post disabled controls: such a widget keeps its value.
        if w.disabled {
            out.push((w.id, wire_value(w)));
            continue;
        }
        // R29: a form's fields count only when its submit button was clicked;
        // otherwise the form keeps its last submitted values.
        if w.form.is_some() && w.form.as_deref() != submitting {
            out.push((w.id, wire_value(w)));
            continue;
        }
        let name = w.id.to_string();
        let all: Vec<&str> = fields
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let Some(wire) = w
            .params
            .get()
            .read_form(&all)
            .map_err(|problem| format!("{problem} (widget \"{}\")", w.label))?
        else {
            continue;
        };
        out.push((w.id, wire));
    }
    Ok(out)
}

/// The last value a form posted under `name`.
pub(crate) fn last_field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A widget's value as the browser holds it: option indexes for choices,
/// plain JSON otherwise.
pub(crate) fn wire_value(w: &WidgetElement) -> Value {
    w.params.get().to_wire(&w.value)
}

/// A page's URL with the query parameters the browser should show (R40).
pub(crate) fn page_url(base: &str, page: &str, query: &QueryParams) -> String {
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .flat_map(|(k, vs)| vs.iter().map(move |v| (k.as_str(), v.as_str())))
        .collect();
    match serde_urlencoded::to_string(&pairs) {
        Ok(q) if !q.is_empty() => format!("{base}{page}?{q}"),
        _ => format!("{base}{page}"),
    }
}

pub(crate) fn parse_query(raw: Option<&str>) -> QueryParams {
    let mut q = QueryParams::new();
    if let Some(raw) = raw {
        if let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(raw) {
            for (k, v) in pairs {
                q.entry(k).or_default().push(v);
            }
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widget_ids_have_one_shape() {
        assert!(parse_id("1f").is_ok());
        for bad in ["+1f", " 1f", "", "-1", "0x1f", &"f".repeat(33)] {
            assert!(parse_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn quotes_are_short() {
        let long = "x".repeat(30_000_000);
        assert!(quote(&long).len() < 200);
        assert_eq!(quote("short"), "short");
    }

    #[test]
    fn an_event_names_its_own_tab() {
        let ok = br#"{"tab":"0123456789abcdef","seq":1,"values":[["1f",2]]}"#;
        let e = parse_event(ok, "0123456789abcdef").unwrap();
        assert_eq!((e.seq, e.values.len()), (1, 1));
        assert!(parse_event(ok, "fedcba9876543210")
            .unwrap_err()
            .contains("another tab"));
        let no_seq = br#"{"tab":"0123456789abcdef","values":[]}"#;
        assert!(parse_event(no_seq, "0123456789abcdef")
            .unwrap_err()
            .contains("seq"));
    }
}
