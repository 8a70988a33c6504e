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
//!
//! A session is reached by the browser's secret (128 random bits in an
//! HttpOnly, SameSite=Lax cookie) plus the tab's id; each event carries the
//! tab's sequence number, so a replayed or stale one is refused. Requests
//! must name a host the server answers for (DNS rebinding), and events must
//! come from the app's own origin (CSRF). A rejected event (a bad value, an
//! unknown widget or page, an expired session, a malformed or oversized
//! body) gets a clear error answer and changes nothing. The limits, and
//! what each answer says, are in `SECURITY.md`.

mod config;
mod listen;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, OriginalUri, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

pub use config::{CookieSecure, ServeConfig};
pub use listen::{stop_signal, ConnectionLimits};

use crate::error::{Error, ErrorKind};
use crate::pages::App;
use crate::run::QueryParams;
use crate::session::Event;
use crate::store::sessions::{
    quote_long, EventAnswer, Failure, FormAnswer, Frame, OwnerSecret, Sessions, TabId,
    CONFLICT_RETRIES,
};
use crate::store::{LiveTabs, MemoryStore, SessionStore, StoreError};
use crate::wire::{last_field, page_url, parse_event, parse_query, quote, TAB_HEADER};

const COOKIE: &str = "bk_sid";
/// The largest event body taken when the page shows no file uploader, in
/// bytes; also the limit of a no-JavaScript form post.
pub const MAX_BODY: usize = 1024 * 1024;
pub use crate::wire::MAX_QUERY;

/// The largest event body taken when the app allows uploads of up to
/// `upload` bytes: the file as base64 (4 bytes for every 3) plus the rest
/// of the event, and never less than [`MAX_BODY`].
pub fn event_body_limit(upload: u64) -> usize {
    let encoded = upload.div_ceil(3).saturating_mul(4);
    usize::try_from(encoded.saturating_add(MAX_BODY as u64)).unwrap_or(usize::MAX)
}

/// The answer to an event past the body limit: a 413 that says what to do.
fn too_large(room: u64) -> Response {
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

/// How long this process keeps a session live (deserialised, with its
/// callbacks) after its last event; the store keeps it for the idle time.
const LIVE_IDLE: Duration = Duration::from_secs(5 * 60);

/// What the server checks and sends besides the app: hosts, cookies,
/// headers, error details.
#[derive(Clone, Debug)]
struct Guard {
    /// `None`: any host.
    hosts: Option<Vec<String>>,
    cookie_secure: CookieSecure,
    error_details: bool,
    csp: HeaderValue,
}

impl Guard {
    fn new(config: &ServeConfig, bound: Option<SocketAddr>) -> Self {
        let hosts = if !config.allowed_hosts.is_empty() {
            Some(
                config
                    .allowed_hosts
                    .iter()
                    .map(|h| h.to_ascii_lowercase())
                    .collect(),
            )
        } else if bound.is_some_and(|a| a.ip().is_unspecified()) {
            None
        } else {
            let mut hosts: Vec<String> =
                ["localhost", "127.0.0.1", "[::1]"].map(String::from).into();
            if let Some(addr) = bound {
                hosts.push(addr.to_string());
            }
            Some(hosts)
        };
        let (script, style) = crate::render::inline_hashes();
        let csp = format!(
            "default-src 'self'; script-src {script}; style-src 'self' {style}; \
             style-src-attr 'unsafe-inline'; img-src 'self' data: https: http:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {}",
            config.frame_ancestors
        );
        Guard {
            hosts,
            cookie_secure: config.cookie_secure,
            error_details: config.error_details(),
            csp: HeaderValue::from_str(&csp).unwrap_or_else(|_| {
                HeaderValue::from_static("default-src 'self'; frame-ancestors 'self'")
            }),
        }
    }

    /// Whether `host` (a `Host` header: name, optional port) is served.
    fn allows(&self, host: &str) -> bool {
        let Some(hosts) = &self.hosts else {
            return true;
        };
        let host = host.to_ascii_lowercase();
        let name = match host.rfind(':') {
            Some(at) if !host[at..].contains(']') => &host[..at],
            _ => host.as_str(),
        };
        hosts.iter().any(|h| *h == host || *h == name)
    }

    fn secure(&self, headers: &HeaderMap) -> bool {
        match self.cookie_secure {
            CookieSecure::Always => true,
            CookieSecure::Never => false,
            CookieSecure::Auto => {
                let proto = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_ascii_lowercase)
                };
                proto("x-forwarded-proto").is_some_and(|p| p.trim() == "https")
                    || proto("forwarded").is_some_and(|f| f.contains("proto=https"))
            }
        }
    }
}

struct Shared {
    sessions: Sessions,
    guard: Guard,
    /// The longest a request's whole body may take to arrive.
    body_timeout: Duration,
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
            sessions: Sessions::new(self.clone(), store, live, checks.error_details),
            guard: checks,
            body_timeout: Duration::from_secs(config.body_timeout_secs),
        });
        let body_timeout = shared.body_timeout;
        Router::new()
            .route("/", get(page))
            .route(
                "/_brooklet/event",
                post(event).layer(DefaultBodyLimit::disable()),
            )
            .route(
                "/_brooklet/form",
                post(form).layer(DefaultBodyLimit::disable()),
            )
            .route("/{*path}", get(page))
            .method_not_allowed_fallback(method_not_allowed)
            .layer(axum::middleware::from_fn_with_state(shared.clone(), guard))
            .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
                body_timeout,
            ))
            .with_state(shared)
    }

    /// Serves the app standalone on `127.0.0.1:8501`, or as brooklet's
    /// flags and environment variables say ([`ServeConfig`]; `--help` lists
    /// them); prints the URL. An app with flags of its own parses them with
    /// `ServeConfig` flattened into its parser and calls
    /// [`App::serve_config`].
    pub fn serve(self) {
        let config = match ServeConfig::from_env_and_args() {
            Ok(c) => c,
            Err(e) => e.exit(),
        };
        self.serve_config(config)
    }

    /// Serves the app with `config` until Ctrl-C or SIGTERM, on a runtime
    /// of its own; exits the process with status 1 if it cannot.
    pub fn serve_config(self, config: ServeConfig) {
        init_tracing();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        if let Err(e) = runtime.block_on(self.serve_with(config)) {
            eprintln!("brooklet: {e}");
            std::process::exit(1);
        }
    }

    /// Serves the app with `config` until the process is interrupted (Ctrl-C
    /// or SIGTERM): then it stops accepting, finishes the requests under way
    /// and closes the session store.
    pub async fn serve_with(self, config: ServeConfig) -> std::io::Result<()> {
        self.serve_until(config, stop_signal()).await
    }

    /// [`App::serve_with`], stopping when `stop` resolves.
    pub async fn serve_until(
        self,
        config: ServeConfig,
        stop: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        let listener = tokio::net::TcpListener::bind((config.host.as_str(), config.port)).await?;
        let addr: SocketAddr = listener.local_addr()?;
        println!(
            "brooklet: serving on http://{addr}/ (sessions: {})",
            config.store
        );
        tracing::info!(%addr, store = %config.store, "serving");
        self.serve_on_with_config(listener, config, stop).await?;
        println!("brooklet: stopped");
        Ok(())
    }

    /// Serves the app on a listener of your own with `config`'s settings
    /// (its host and port aside), until `stop` resolves; then as
    /// [`App::serve_with`] stops.
    pub async fn serve_on_with_config(
        self,
        listener: tokio::net::TcpListener,
        config: ServeConfig,
        stop: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        listen::raise_open_file_limit();
        let store = crate::store::open(&config.store, config.store_options())
            .await
            .map_err(std::io::Error::other)?;
        let addr = listener.local_addr()?;
        let router = self.router_inner(store.clone(), &config, Some(addr));
        let limits = ConnectionLimits {
            max_connections: usize::try_from(config.max_connections).unwrap_or(usize::MAX),
            header_timeout: Duration::from_secs(config.header_timeout_secs),
            ..ConnectionLimits::default()
        };
        listen::serve(listener, router, limits, stop).await?;
        store.close().await.map_err(std::io::Error::other)
    }

    /// Serves the app on a listener of your own (a test's free port, say),
    /// with the default limits and timeouts.
    pub async fn serve_on(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let router = self.router();
        listen::serve(
            listener,
            router,
            ConnectionLimits::default(),
            std::future::pending(),
        )
        .await
    }

    /// Serves the app on a listener of your own, with sessions in `store`.
    pub async fn serve_on_with_store(
        self,
        listener: tokio::net::TcpListener,
        store: Arc<dyn SessionStore>,
    ) -> std::io::Result<()> {
        let router = self.router_with_store(store);
        listen::serve(
            listener,
            router,
            ConnectionLimits::default(),
            std::future::pending(),
        )
        .await
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Every request: its `Host` must be one the server answers for; every
/// answer: the security headers.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let mut response = match host {
        Some(h) if shared.guard.allows(h) => next.run(request).await,
        _ => {
            let quoted = quote(host.unwrap_or(""));
            tracing::info!(host = %quoted, "refused a request for another host");
            (
                StatusCode::MISDIRECTED_REQUEST,
                format!(
                    "this server does not answer for the host {quoted:?}; start it with \
                     `--allowed-host` (BROOKLET_ALLOWED_HOSTS) naming the host"
                ),
            )
                .into_response()
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, shared.guard.csp.clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let allowed = match uri.path() {
        p if p.ends_with("/_brooklet/event") || p.ends_with("/_brooklet/form") => "POST",
        _ => "GET, HEAD",
    };
    let mut response = (
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{method} is not allowed on {}; use {allowed}",
            quote(uri.path())
        ),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allowed));
    response
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

/// Events must come from the app's own pages (CSRF): the `Origin` header,
/// when the browser sends one, must name this host (which [`guard`] has
/// checked is one the server answers for).
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
    let site = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok());
    match (origin, host) {
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(scheme, rest)| {
            (scheme == "http" || scheme == "https") && rest.eq_ignore_ascii_case(host)
        }),
        (Some(_), None) => false,
        (None, _) => !matches!(site, Some("cross-site") | Some("same-site")),
    }
}

fn forbidden() -> Response {
    json_error(
        StatusCode::FORBIDDEN,
        "Forbidden",
        "events must come from the app's own pages (Origin does not match Host)",
        false,
    )
}

fn json_error(status: StatusCode, kind: &str, message: &str, reload: bool) -> Response {
    (
        status,
        axum::Json(json!({"error": {"kind": kind, "message": message}, "reload": reload})),
    )
        .into_response()
}

fn engine_error(e: &Error) -> Response {
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

fn uri_too_long() -> Response {
    (
        StatusCode::URI_TOO_LONG,
        Html(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Address too long</title></head>\
             <body><h1>Address too long</h1><p>The query string is longer than the {MAX_QUERY} bytes this app takes.</p></body></html>"
        )),
    )
        .into_response()
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
    };
    let frame = Frame {
        base,
        notice,
        url: None,
    };
    // R40: widgets bound to the URL may have dropped or changed a parameter.
    let url =
        |page: &str, query: &QueryParams| (*query != asked).then(|| page_url(base, page, query));
    let html = match shared.sessions.create(&owner, event, &frame, url).await {
        Ok(Ok(html)) => html,
        Ok(Err(e)) => return engine_error(&e),
        Err(failure) => return failure.page(),
    };
    let mut response = Html(html).into_response();
    if new_owner {
        let cookie = set_cookie(base, &owner, shared.guard.secure(headers));
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

fn malformed(message: &str) -> Response {
    json_error(StatusCode::BAD_REQUEST, "MalformedEvent", message, false)
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
    let room = match shared.sessions.upload_room(&owner, &tab).await {
        Ok(room) => room,
        Err(failure) => return failure.json(),
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
        Err(e) => return malformed(&e),
    };
    let base = base_of(&original, &uri);
    match shared.sessions.event(&owner, &tab, request, &base).await {
        Ok(answer) => event_answer(&base, answer),
        Err(failure) => failure.json(),
    }
}

/// An event's answer over HTTP: the app's HTML as it is, not escaped into
/// JSON, with where the app now is in headers; a refusal as JSON.
fn event_answer(base: &str, answer: EventAnswer) -> Response {
    match answer {
        EventAnswer::Ran {
            html,
            page,
            url_query,
        } => {
            let url = page_url(base, &page, &url_query);
            let mut response = Html(html).into_response();
            let headers = response.headers_mut();
            for (name, value) in [
                ("x-brooklet-page", page.as_str()),
                ("x-brooklet-url", url.as_str()),
            ] {
                if let Ok(v) = HeaderValue::from_str(value) {
                    headers.insert(HeaderName::from_static(name), v);
                }
            }
            response
        }
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

fn body_timeout(shared: &Shared) -> Response {
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
        (Some(owner), Some(tab)) => shared.sessions.form(&owner, &tab, &fields, &base).await,
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

impl Failure {
    /// The answer to a JSON event.
    fn json(&self) -> Response {
        match self {
            Failure::Expired => json_error(
                StatusCode::GONE,
                "SessionExpired",
                "this session has expired or never existed; reload the page",
                true,
            ),
            // The session is intact in the store: try again when it is back.
            Failure::Store(e @ StoreError::Unavailable { .. }) => json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "StoreUnavailable",
                &format!("{e}; the event was not applied, try again in a moment"),
                false,
            ),
            Failure::Store(e) => {
                json_error(StatusCode::GONE, "SessionUnreadable", &e.to_string(), true)
            }
            Failure::Conflict => json_error(
                StatusCode::CONFLICT,
                "SessionConflict",
                &format!(
                    "other events of this session were saved first {} times in a row; the event \
                     was not applied, try again",
                    CONFLICT_RETRIES + 1
                ),
                false,
            ),
            Failure::Busy => json_error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyEvents",
                &format!(
                    "this tab already has {} events waiting; the event was not applied, send \
                     one at a time",
                    crate::store::MAX_WAITING
                ),
                false,
            ),
        }
    }

    /// The answer to a page load or a form post, for people.
    fn page(self) -> Response {
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
        };
        let body = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>brooklet</title></head>\
             <body><h1>The session could not be reached</h1><p>{}</p></body></html>",
            escape(&message)
        );
        (status, Html(body)).into_response()
    }
}

fn not_found(shared: &Shared, base: &str, path: &str) -> Response {
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

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

    #[test]
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8501".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "http://127.0.0.1:8501".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
    }

    #[test]
    fn only_allowed_hosts_are_served() {
        let config = ServeConfig::default();
        let bound: SocketAddr = "10.1.2.3:8501".parse().unwrap();
        let g = Guard::new(&config, Some(bound));
        for ok in [
            "localhost:8501",
            "127.0.0.1:9",
            "[::1]:8501",
            "LOCALHOST",
            "10.1.2.3:8501",
        ] {
            assert!(g.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:8501",
            "10.1.2.3:80",
            "localhost.evil.example",
        ] {
            assert!(!g.allows(refused), "{refused}");
        }
        let any = Guard::new(&config, Some("0.0.0.0:8501".parse().unwrap()));
        assert!(any.allows("anything.example"));
        let named = ServeConfig::parse_from(["app", "--allowed-host", "app.example"]).unwrap();
        let g = Guard::new(&named, Some("0.0.0.0:8501".parse().unwrap()));
        assert!(g.allows("app.example:443") && !g.allows("localhost"));
    }
}
