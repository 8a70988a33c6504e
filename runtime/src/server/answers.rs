//! The server's answers that are not a page of the app: errors as JSON for
//! the client script and as documents for people, the event answer's
//! headers, and the 404 that lists the pages. Each names the problem; none
//! repeats more of the request than [`crate::wire::quote`] allows.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::{Shared, MAX_BODY};
use crate::error::{Error, ErrorKind};
use crate::render::escape;
use crate::store::sessions::{EventAnswer, Failure, CONFLICT_RETRIES};
use crate::store::StoreError;
use crate::wire::{page_url, quote, quote_long, MAX_QUERY, PAGE_HEADER, URL_HEADER};

/// The answer to an event past the body limit: a 413 that says what to do.
pub(super) fn too_large(room: u64) -> Response {
    let size = crate::widgets::file_uploader::human_size;
    let message = match room {
        0 => format!(
            "the event is larger than the {} this page takes (it shows no file uploader)",
            size(MAX_BODY as u64)
        ),
        limit => format!(
            "the event is larger than this page takes: uploads are limited to {}; choose a \
             smaller file, or raise the uploader's `max_upload_size` (within `App::max_upload_size`)",
            size(limit)
        ),
    };
    json_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PayloadTooLarge",
        &message,
        false,
    )
}

pub(super) fn json_error(status: StatusCode, kind: &str, message: &str, reload: bool) -> Response {
    (
        status,
        axum::Json(json!({"error": {"kind": kind, "message": message}, "reload": reload})),
    )
        .into_response()
}

pub(super) fn engine_error(e: &Error) -> Response {
    let status = match e.kind() {
        ErrorKind::UnknownPage => StatusCode::NOT_FOUND,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    json_error(
        status,
        e.kind().trace_name(),
        &quote_long(e.message()),
        false,
    )
}

pub(super) fn uri_too_long() -> Response {
    (
        StatusCode::URI_TOO_LONG,
        Html(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Address too long</title></head>\
             <body><h1>Address too long</h1><p>The query string is longer than the {MAX_QUERY} bytes this app takes.</p></body></html>"
        )),
    )
        .into_response()
}

pub(super) fn malformed(message: &str) -> Response {
    json_error(StatusCode::BAD_REQUEST, "MalformedEvent", message, false)
}

/// An event's answer over HTTP: the app's HTML as it is, not escaped into
/// JSON, with where the app now is in headers; a refusal as JSON.
pub(super) fn event_answer(base: &str, answer: EventAnswer) -> Response {
    match answer {
        EventAnswer::Ran {
            html,
            page,
            url_query,
        } => {
            let url = page_url(base, &page, &url_query);
            let mut response = Html(html).into_response();
            let headers = response.headers_mut();
            for (name, value) in [(PAGE_HEADER, page.as_str()), (URL_HEADER, url.as_str())] {
                if let Ok(v) = HeaderValue::from_str(value) {
                    headers.insert(HeaderName::from_static(name), v);
                }
            }
            response
        }
        // Only an event of a push channel is streamed.
        EventAnswer::Patched { .. } => json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "a streamed answer reached the event POST",
            false,
        ),
        // The newer event's answer carries the page; this one says so.
        EventAnswer::Superseded => axum::Json(json!({"superseded": true})).into_response(),
        EventAnswer::Refused(e) => engine_error(&e),
        // Made on an older page (a replay, or a tab that missed an answer):
        // the client shows the app as it is now and carries on from there.
        EventAnswer::Stale { html, message } => (
            StatusCode::CONFLICT,
            axum::Json(json!({
                "error": {"kind": "StaleEvent", "message": message},
                "reload": false,
                "html": html,
            })),
        )
            .into_response(),
    }
}

pub(super) fn body_timeout(shared: &Shared) -> Response {
    json_error(
        StatusCode::REQUEST_TIMEOUT,
        "RequestTimeout",
        &format!(
            "the request's body did not arrive within {} s; nothing was applied",
            shared.body_timeout.as_secs()
        ),
        false,
    )
}

/// What an event's failure says to the client script: its status, kind,
/// message, and whether the page must reload.
pub(super) struct Said {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
    pub reload: bool,
}

impl Failure {
    /// What the client script is told.
    pub(super) fn said(&self) -> Said {
        let said = |status, kind, message: String, reload| Said {
            status,
            kind,
            message,
            reload,
        };
        match self {
            Failure::Expired => said(
                StatusCode::GONE,
                "SessionExpired",
                "this session has expired or never existed; reload the page".into(),
                true,
            ),
            // The session is intact in the store: try again when it is back.
            Failure::Store(e @ StoreError::Unavailable { .. }) => said(
                StatusCode::SERVICE_UNAVAILABLE,
                "StoreUnavailable",
                format!("{e}; the event was not applied, try again in a moment"),
                false,
            ),
            Failure::Store(e) => said(StatusCode::GONE, "SessionUnreadable", e.to_string(), true),
            Failure::Conflict => said(
                StatusCode::CONFLICT,
                "SessionConflict",
                format!(
                    "other events of this session were saved first {} times in a row; the event \
                     was not applied, try again",
                    CONFLICT_RETRIES + 1
                ),
                false,
            ),
            Failure::Busy => said(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyEvents",
                format!(
                    "this tab already has {} events waiting; the event was not applied, send \
                     one at a time",
                    crate::store::MAX_WAITING
                ),
                false,
            ),
            Failure::RunnersBusy => said(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServerBusy",
                "the server is running as many pages as it can and its queue is full; the \
                 event was not applied, try again in a moment"
                    .into(),
                false,
            ),
            Failure::Crashed(message) => said(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                format!(
                    "the event failed inside brooklet ({}); the session was reloaded, try again",
                    quote_long(message)
                ),
                false,
            ),
        }
    }

    /// The answer to a JSON event.
    pub(super) fn json(&self) -> Response {
        let said = self.said();
        let response = json_error(said.status, said.kind, &said.message, said.reload);
        match self {
            Failure::RunnersBusy => runners_busy(response),
            _ => response,
        }
    }

    /// The answer to a page load or a form post, for people.
    pub(super) fn page(self) -> Response {
        let (status, message) = match &self {
            Failure::Store(e @ StoreError::Unavailable { .. }) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("{e}. Try again in a moment."),
            ),
            Failure::Store(e) => (StatusCode::GONE, e.to_string()),
            Failure::Expired => (
                StatusCode::GONE,
                "This session has expired; reload the page.".into(),
            ),
            Failure::Conflict => (
                StatusCode::CONFLICT,
                "Another event of this session was saved at the same time; try again.".into(),
            ),
            Failure::Busy => (
                StatusCode::TOO_MANY_REQUESTS,
                "This tab has too many events waiting; try again in a moment.".into(),
            ),
            Failure::RunnersBusy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The server is running as many pages as it can; try again in a moment.".into(),
            ),
            Failure::Crashed(message) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "The page failed inside brooklet ({}); try again.",
                    quote_long(message)
                ),
            ),
        };
        let body = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>brooklet</title></head>\
             <body><h1>The session could not be reached</h1><p>{}</p></body></html>",
            escape(&message)
        );
        (status, Html(body)).into_response()
    }
}

pub(super) fn not_found(shared: &Shared, base: &str, path: &str) -> Response {
    let links: String = shared
        .sessions
        .pages()
        .iter()
        .map(|(p, t)| {
            format!(
                "<li><a href=\"{}{}\">{}</a></li>",
                escape(base),
                escape(p),
                escape(t)
            )
        })
        .collect();
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page not found</title></head>\
         <body><h1>Page not found</h1><p>This app has no page <code>{}</code>. Its pages are:</p><ul>{links}</ul></body></html>",
        escape(&quote(path))
    );
    (StatusCode::NOT_FOUND, Html(body)).into_response()
}

/// A busy answer says when to try again.
fn runners_busy(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// A download button's file, for the browser to save.
pub(super) fn attachment(file: crate::elements::MediaFile) -> Response {
    let mime = HeaderValue::from_str(&file.mime)
        .ok()
        .filter(|_| file.mime.contains('/'))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    // A plain-ASCII name for every browser, and the exact one (RFC 6266).
    let plain: String = file
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let exact: String = file
        .name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition = format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{exact}");
    let disposition =
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        file.data,
    )
        .into_response()
}

/// No such download: the page no longer draws that button.
pub(super) fn no_download() -> Response {
    (
        StatusCode::NOT_FOUND,
        "this download is no longer on the page; reload it and click again",
    )
        .into_response()
}

/// A page's image, sound or video: by a hash of its bytes, so the browser
/// may keep it.
pub(super) fn inline(file: crate::elements::MediaFile) -> Response {
    let mime = HeaderValue::from_str(&file.mime)
        .ok()
        .filter(|_| file.mime.contains('/'))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            ),
        ],
        file.data,
    )
        .into_response()
}
