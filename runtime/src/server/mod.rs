//! The HTTP edge: the only module that knows HTTP and cookies.
//!
//! - `GET /{page}` starts a session for a new browser tab (as a new tab is a
//!   new session in Streamlit), runs the page with the URL's query
//!   parameters, and answers with the whole document.
//! - `POST /_brooklet/event` (JSON, from the client script): the widget
//!   values the browser holds, a click or a page switch; answers with the
//!   app's new HTML, which the script morphs into the page.
//! - `POST /_brooklet/form`: the same as a plain form post, for browsers
//!   without JavaScript; answers with the whole document.
//! - `GET /_brooklet/ws`: the tab's push channel (a WebSocket), which the
//!   client script uses instead of the event POST when it can (`socket`).
//! - `POST /_brooklet/stop`: the page's Stop control, which ends the run
//!   going on without waiting behind it.
//!
//! Pages run on the run pool (`store::pool`), never on the async workers.
//!
//! A session is reached by the browser's secret (128 random bits in an
//! HttpOnly, SameSite=Lax cookie) plus the tab's id; each event carries the
//! tab's sequence number, so a replayed or stale one is refused. Requests
//! must name a host the server answers for (DNS rebinding), and events must
//! come from the app's own origin (CSRF). A rejected event (a bad value, an
//! unknown widget or page, an expired session, a malformed or oversized
//! body) gets a clear error answer and changes nothing. The limits, and
//! what each answer says, are in `SECURITY.md`.

mod answers;
mod config;
mod guard;
pub(crate) mod listen;
mod socket;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, OriginalUri, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub use config::{CookieSecure, ServeConfig};

use answers::{
    body_timeout, engine_error, event_answer, json_error, malformed, not_found, too_large,
    uri_too_long,
};
use guard::{forbidden, method_not_allowed, same_origin, Guard};

use crate::pages::App;
use crate::session::Event;
use crate::store::pool::RunPool;
use crate::store::sessions::{
    Created, Failure, FormAnswer, Frame, OwnerSecret, Sessions, TabId, TaskLimits,
};
use crate::store::{LiveTabs, MemoryStore, SessionStore};
use crate::ui::QueryParams;
use crate::wire::{last_field, page_url, parse_event, parse_query, TAB_HEADER};

const COOKIE: &str = "bk_sid";
pub(crate) use crate::wire::MAX_QUERY;
#[doc(hidden)]
pub use crate::wire::{event_body_limit, MAX_BODY};

/// How long this process keeps a session live (deserialised, with its
/// callbacks) after its last event; the store keeps it for the idle time.
const LIVE_IDLE: Duration = Duration::from_secs(5 * 60);

struct Shared {
    sessions: Arc<Sessions>,
    guard: Guard,
    /// The longest a request's whole body may take to arrive.
    body_timeout: Duration,
    /// The longest a frame may take to reach a tab's push channel.
    send_timeout: Duration,
}

impl App {
    /// The app as an `axum::Router`, to serve on its own or to nest under a
    /// path of your own server (`Router::new().nest("/demo", app.router())`).
    /// Sessions live in this process's memory ([`MemoryStore`]). It answers
    /// requests for `localhost`, `127.0.0.1` and `[::1]`; serve other host
    /// names with [`App::router_with_config`].
    pub fn router(&self) -> Router {
        self.router_with_config(&ServeConfig::default())
    }

    /// The router with the settings of `config`: its store, session limits,
    /// allowed hosts, cookie and error-detail settings.
    pub fn router_with_config(&self, config: &ServeConfig) -> Router {
        let store = Arc::new(MemoryStore::process_local_with(config.store_options()));
        self.router_inner(store, config, None)
    }

    /// The app as an `axum::Router` whose sessions live in `store`: with a
    /// durable or shared store, sessions survive restarts, and several
    /// replicas on one Redis serve any event of any session.
    pub fn router_with_store(&self, store: Arc<dyn SessionStore>) -> Router {
        self.router_inner(store, &ServeConfig::default(), None)
    }

    /// The router; `config` also bounds the sessions this process keeps live.
    fn router_inner(
        &self,
        store: Arc<dyn SessionStore>,
        config: &ServeConfig,
        bound: Option<SocketAddr>,
    ) -> Router {
        let options = config.store_options();
        // A process-local store's sessions are the live copies: they last
        // the whole idle time. Otherwise the store keeps them, and the live
        // copies are a cache.
        let live = match store.process_local() {
            Some(local) => LiveTabs::new(local.idle, local.max_sessions, local.max_bytes),
            None => LiveTabs::new(
                LIVE_IDLE.min(options.idle),
                options.max_sessions,
                options.max_bytes,
            ),
        };
        let checks = Guard::new(config, bound);
        let shared = Arc::new(Shared {
            sessions: Sessions::new(
                self.clone(),
                store,
                live,
                (
                    RunPool::new(config.run_threads, config.run_queue),
                    TaskLimits {
                        max: config.max_tasks,
                        grace: Duration::from_secs(config.task_grace_secs),
                    },
                ),
                checks.error_details,
            ),
            guard: checks,
            body_timeout: Duration::from_secs(config.body_timeout_secs),
            send_timeout: Duration::from_secs(config.socket_send_timeout_secs),
        });
        let body_timeout = shared.body_timeout;
        Router::new()
            .route("/", get(page))
            .route(
                "/_brooklet/event",
                post(event).layer(DefaultBodyLimit::disable()),
            )
            .route("/_brooklet/stop", post(stop))
            .route("/_brooklet/media/{tab}/{id}", get(media))
            .route(
                "/_brooklet/download/{id}",
                post(download).layer(DefaultBodyLimit::disable()),
            )
            .route("/_brooklet/ws", get(socket::socket))
            .route(
                "/_brooklet/form",
                post(form).layer(DefaultBodyLimit::disable()),
            )
            .route("/{*path}", get(page))
            .method_not_allowed_fallback(method_not_allowed)
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                guard::guard,
            ))
            .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
                body_timeout,
            ))
            .with_state(shared)
    }
}

/// The path the app is mounted under, with a trailing slash.
fn base_of(original: &Uri, uri: &Uri) -> String {
    let full = original.path();
    let inner = uri.path();
    let prefix = full.strip_suffix(inner).unwrap_or("");
    format!("{}/", prefix.trim_end_matches('/'))
}

fn owner_from(headers: &HeaderMap) -> Option<OwnerSecret> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| {
            line.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k == COOKIE).then(|| OwnerSecret::parse(v)).flatten()
            })
        })
}

fn set_cookie(base: &str, owner: &OwnerSecret, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path={base}; HttpOnly; SameSite=Lax{secure}",
        owner.as_str()
    ))
    .expect("ascii")
}

async fn page(
    State(shared): State<Arc<Shared>>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let base = base_of(&original, &uri);
    if query.as_ref().is_some_and(|q| q.len() > MAX_QUERY) {
        return uri_too_long();
    }
    let path = uri.path().trim_start_matches('/');
    let page = (!path.is_empty()).then(|| path.to_owned());
    new_session(&shared, &base, page, query.as_deref(), &headers, None).await
}

/// Starts a session for a new tab on `page` and answers with its document;
/// `notice` is shown above it.
async fn new_session(
    shared: &Shared,
    base: &str,
    page: Option<String>,
    query: Option<&str>,
    headers: &HeaderMap,
    notice: Option<&str>,
) -> Response {
    if let Some(p) = &page {
        if !shared.sessions.pages().iter().any(|(path, _)| path == p) {
            return not_found(shared, base, p);
        }
    }
    let (owner, new_owner) = match owner_from(headers) {
        Some(o) => (o, false),
        None => (OwnerSecret::random(), true),
    };
    let asked = parse_query(query);
    let event = Event {
        page,
        widgets: Vec::new(),
        query_params: Some(asked.clone()),
        full_run: false,
        fragment: None,
    };
    let frame = Frame {
        notice: notice.map(str::to_owned),
        ..Frame::plain(base)
    };
    // R40: widgets bound to the URL may have dropped or changed a parameter.
    let url_base = base.to_owned();
    let url = move |page: &str, query: &QueryParams| {
        (*query != asked).then(|| page_url(&url_base, page, query))
    };
    let html = match shared.sessions.create(&owner, event, frame, url).await {
        Ok(Created::Done(Ok(html)) | Created::Streaming(html)) => html,
        Ok(Created::Done(Err(e))) => return engine_error(&e),
        Err(failure) => return failure.page(),
    };
    let mut response = Html(html).into_response();
    if new_owner {
        let cookie = set_cookie(base, &owner, shared.guard.secure(headers));
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

async fn event(
    State(shared): State<Arc<Shared>>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    // The session is checked before the body is read: its page says how
    // large the body may be.
    let Some(owner) = owner_from(&headers) else {
        return json_error(
            StatusCode::GONE,
            "SessionExpired",
            "this browser has no session cookie; reload the page",
            true,
        );
    };
    let tab = headers
        .get(TAB_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(TabId::parse);
    let Some(tab) = tab else {
        return malformed(&format!(
            "the {TAB_HEADER} header is missing or not a tab id (16 hex digits)"
        ));
    };
    // A body announced within the base limit needs no look at the page
    // (which would load the session twice); a larger or unannounced one
    // is let in only as far as the page's uploaders take.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let room = match declared {
        Some(len) if len <= MAX_BODY => 0,
        _ => match shared.sessions.upload_room(&owner, &tab).await {
            Ok(room) => room,
            Err(failure) => return failure.json(),
        },
    };
    let bytes = match read_body(&shared, body, event_body_limit(room)).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => return too_large(room),
        Err(BodyError::Timeout) => return body_timeout(&shared),
        Err(BodyError::Broken(e)) => {
            return malformed(&format!("the event body could not be read: {e}"))
        }
    };
    let parsed = parse_event(&bytes, tab.as_str());
    // The raw body can be large (a file): let it go before the event runs.
    drop(bytes);
    let request = match parsed {
        Ok(request) => request,
        // An expired session says so first: the client reloads.
        Err(e) => {
            return match shared.sessions.upload_room(&owner, &tab).await {
                Ok(_) => malformed(&e),
                Err(failure) => failure.json(),
            }
        }
    };
    let base = base_of(&original, &uri);
    match shared.sessions.event(&owner, &tab, request, &base).await {
        Ok(answer) => event_answer(&base, answer),
        Err(failure) => failure.json(),
    }
}

/// The page's Stop control: ends the tab's run going on as `stop()` does
/// (R16). It does not wait behind the run, as an event would.
async fn stop(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    let tab = headers
        .get(TAB_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(TabId::parse);
    let (Some(owner), Some(tab)) = (owner_from(&headers), tab) else {
        return malformed(&format!(
            "a stop needs the session cookie and the {TAB_HEADER} header (16 hex digits)"
        ));
    };
    let stopped = shared.sessions.stop(&owner, &tab);
    axum::Json(serde_json::json!({ "stopped": stopped })).into_response()
}

/// Why a request's body was not read.
enum BodyError {
    /// It is longer than the limit.
    TooLarge,
    /// It did not arrive within the body timeout.
    Timeout,
    /// The connection failed.
    Broken(String),
}

/// Reads a body of at most `limit` bytes, all of it within the body
/// timeout.
async fn read_body(shared: &Shared, body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let read = axum::body::to_bytes(body, limit);
    match tokio::time::timeout(shared.body_timeout, read).await {
        Err(_) => Err(BodyError::Timeout),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if s.is::<http_body_util::LengthLimitError>() {
                    return Err(BodyError::TooLarge);
                }
                if s.is::<tower_http::timeout::TimeoutError>() {
                    return Err(BodyError::Timeout);
                }
                source = s.source();
            }
            Err(BodyError::Broken(e.to_string()))
        }
    }
}

/// A download button's file: the page's form posted to its route (the
/// client script lets that post go), answered as an attachment.
async fn download(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    let Ok(id) = crate::wire::parse_id(&id) else {
        return answers::no_download();
    };
    let fields: Vec<(String, String)> = match read_body(&shared, body, MAX_BODY).await {
        Ok(body) => serde_urlencoded::from_bytes(&body).unwrap_or_default(),
        Err(_) => return (StatusCode::BAD_REQUEST, "the form could not be read").into_response(),
    };
    let tab = last_field(&fields, "_tab").and_then(TabId::parse);
    let file = match (owner_from(&headers), tab) {
        (Some(owner), Some(tab)) => shared.sessions.download(&owner, &tab, id).await,
        _ => Err(Failure::Expired),
    };
    match file {
        Ok(Some(file)) => answers::attachment(file),
        Ok(None) => answers::no_download(),
        Err(failure) => failure.page(),
    }
}

/// An image, sound or video of a tab's page, for its owner, shown inline.
async fn media(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path((tab, id)): axum::extract::Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (Some(tab), Ok(id)) = (TabId::parse(&tab), crate::wire::parse_id(&id)) else {
        return answers::no_download();
    };
    let Some(owner) = owner_from(&headers) else {
        return forbidden();
    };
    match shared.sessions.download(&owner, &tab, id).await {
        Ok(Some(file)) => answers::inline(file),
        Ok(None) => answers::no_download(),
        Err(failure) => failure.page(),
    }
}

/// The no-JavaScript path: the page is one form; every control is named by
/// its widget id.
async fn form(
    State(shared): State<Arc<Shared>>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    let base = base_of(&original, &uri);
    let body = match read_body(&shared, body, MAX_BODY).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the form is larger than the {} this app takes",
                    crate::widgets::file_uploader::human_size(MAX_BODY as u64)
                ),
            )
                .into_response()
        }
        Err(BodyError::Timeout) => return body_timeout(&shared),
        Err(BodyError::Broken(e)) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("the form could not be read: {e}"),
            )
                .into_response()
        }
    };
    let fields: Vec<(String, String)> = match serde_urlencoded::from_bytes(&body) {
        Ok(f) => f,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("the form body is malformed: {e}"),
            )
                .into_response()
        }
    };
    const EXPIRED: &str = "Your session had expired: this is a new one, and your last change \
                           was not applied.";
    let tab = last_field(&fields, "_tab").and_then(TabId::parse);
    let answer = match (owner_from(&headers), tab) {
        (Some(owner), Some(tab)) => {
            shared
                .sessions
                .form(&owner, &tab, fields.clone(), &base)
                .await
        }
        _ => Err(Failure::Expired),
    };
    match answer {
        Ok(FormAnswer::Ran(html)) => Html(html).into_response(),
        Ok(FormAnswer::Refused(html)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response()
        }
        Ok(FormAnswer::Stale(html)) => (StatusCode::CONFLICT, Html(html)).into_response(),
        // A vanished session: start afresh on the page the form was on, and say so.
        Err(Failure::Expired) => {
            let page = last_field(&fields, "_page")
                .filter(|p| shared.sessions.pages().iter().any(|(path, _)| path == p))
                .map(str::to_owned);
            new_session(&shared, &base, page, None, &headers, Some(EXPIRED)).await
        }
        Err(failure) => failure.page(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_is_the_mount_prefix() {
        let o: Uri = "/apps/demo/survey".parse().unwrap();
        let i: Uri = "/survey".parse().unwrap();
        assert_eq!(base_of(&o, &i), "/apps/demo/");
        let o: Uri = "/survey".parse().unwrap();
        assert_eq!(base_of(&o, &o), "/");
    }
}
