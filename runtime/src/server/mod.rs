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
use serde::Deserialize;
use serde_json::{json, Value};

pub use config::{CookieSecure, ServeConfig};
pub use listen::{stop_signal, ConnectionLimits};

use crate::elements::ElementTree;
use crate::error::{Error, ErrorKind};
use crate::identity::{PageId, WidgetId};
use crate::pages::App;
use crate::render::{render_app_cached, render_document_cached, PageDoc};
use crate::run::QueryParams;
use crate::session::Event;
use crate::store::record::{self, owner_hash};
use crate::store::{
    random_hex, Live, LiveTab, LiveTabs, Loaded, MemoryStore, SaveOutcome, SessionStore,
    StoreError, TabState, Version,
};
use crate::widgets::{Kind, Params};

const COOKIE: &str = "bk_sid";
/// The largest event body taken when the page shows no file uploader, in
/// bytes; also the limit of a no-JavaScript form post.
pub const MAX_BODY: usize = 1024 * 1024;
/// The longest query string a page is opened with, in bytes.
pub const MAX_QUERY: usize = 8 * 1024;
/// What an error quotes of the user's text, in characters at most.
const MAX_QUOTE: usize = 120;
/// The header that names an event's tab, read before its body.
const TAB_HEADER: &str = "x-brooklet-tab";

/// The largest event body taken when the app allows uploads of up to
/// `upload` bytes: the file as base64 (4 bytes for every 3) plus the rest
/// of the event, and never less than [`MAX_BODY`].
pub fn event_body_limit(upload: u64) -> usize {
    let encoded = upload.div_ceil(3).saturating_mul(4);
    usize::try_from(encoded.saturating_add(MAX_BODY as u64)).unwrap_or(usize::MAX)
}

/// The most a tab's event may upload: what its page's uploaders take (a
/// multiple-file uploader up to the app's limit), within the app's limit.
fn upload_room(app: &App, tab: &TabState) -> u64 {
    let cap = app.upload_cap();
    let total = tab
        .session
        .tree()
        .widgets()
        .filter_map(|w| match &*w.params {
            Params::File {
                multiple,
                max_upload_size,
                ..
            } => Some(if *multiple {
                cap
            } else {
                (*max_upload_size).min(cap)
            }),
            _ => None,
        })
        .fold(0u64, u64::saturating_add);
    total.min(cap)
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

/// How many times an event runs again after a conflict before it gives up.
const CONFLICT_RETRIES: usize = 3;

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
    app: App,
    store: Arc<dyn SessionStore>,
    live: LiveTabs,
    pages: Vec<(String, String)>,
    title: String,
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
        let pages: Vec<(String, String)> = self
            .pages()
            .map(|p| (p.path().to_owned(), p.page_title().to_owned()))
            .collect();
        let title = pages
            .first()
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| "brooklet".into());
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
        let shared = Arc::new(Shared {
            app: self.clone(),
            store,
            live,
            pages,
            title,
            guard: Guard::new(config, bound),
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

/// At most [`MAX_QUOTE`] characters of `s`, for an error to quote.
fn quote(s: &str) -> String {
    match s.char_indices().nth(MAX_QUOTE) {
        Some((at, _)) => format!("{}… ({} bytes in all)", &s[..at], s.len()),
        None => s.to_owned(),
    }
}

/// The path the app is mounted under, with a trailing slash.
fn base_of(original: &Uri, uri: &Uri) -> String {
    let full = original.path();
    let inner = uri.path();
    let prefix = full.strip_suffix(inner).unwrap_or("");
    format!("{}/", prefix.trim_end_matches('/'))
}

fn owner_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| {
            line.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k == COOKIE && v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then(|| v.to_owned())
            })
        })
}

/// Whether `tab` has the shape of the tab ids this server makes.
fn valid_tab(tab: &str) -> bool {
    tab.len() == 16 && tab.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn set_cookie(base: &str, owner: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={owner}; Path={base}; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("ascii")
}

/// A page's URL with the query parameters the browser should show (R40).
fn page_url(base: &str, page: &str, query: &QueryParams) -> String {
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .flat_map(|(k, vs)| vs.iter().map(move |v| (k.as_str(), v.as_str())))
        .collect();
    match serde_urlencoded::to_string(&pairs) {
        Ok(q) if !q.is_empty() => format!("{base}{page}?{q}"),
        _ => format!("{base}{page}"),
    }
}

fn parse_query(raw: Option<&str>) -> QueryParams {
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

/// An error message, shortened when it runs long (it may quote the user).
fn quote_long(message: &str) -> String {
    const MAX_MESSAGE: usize = 2000;
    match message.char_indices().nth(MAX_MESSAGE) {
        Some((at, _)) => format!("{}…", &message[..at]),
        None => message.to_owned(),
    }
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
        if !shared.pages.iter().any(|(path, _)| path == p) {
            return not_found(shared, base, p);
        }
    }
    let (owner, new_owner) = match owner_from(headers) {
        Some(o) => (o, false),
        None => (random_hex(16), true),
    };
    let tab = random_hex(8);
    let owner_hash = owner_hash(&owner);
    let mut state = TabState::new();
    let asked = parse_query(query);
    let event = Event {
        page,
        widgets: Vec::new(),
        query_params: Some(asked.clone()),
        full_run: false,
    };
    let out = match state.session.handle(&shared.app, event) {
        Ok(out) => out,
        Err(e) => return engine_error(&e),
    };
    let version = if shared.store.process_local().is_some() {
        Version(0)
    } else {
        let bytes = record::encode(&owner_hash, &state.session);
        match shared.store.save(&tab, None, bytes).await {
            Ok(SaveOutcome::Saved(v)) => v,
            Ok(SaveOutcome::Conflict) => return Failure::Conflict.page(),
            Err(e) => return Failure::Store(e).page(),
        }
    };
    // R40: widgets bound to the URL may have dropped or changed a parameter.
    let url = (out.url_query != asked).then(|| page_url(base, &out.page, &out.url_query));
    let html = document(
        shared,
        base,
        &tab,
        &out.page,
        &mut state,
        notice,
        url.as_deref(),
    );
    let bytes = state.approx_bytes();
    let slot = shared.live.insert(&tab);
    *slot.state.lock().await = Some(Live {
        version,
        owner: owner_hash,
        tab: state,
    });
    shared.live.resize(&tab, &slot, bytes);
    let mut response = Html(html).into_response();
    if new_owner {
        let cookie = set_cookie(base, &owner, shared.guard.secure(headers));
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// Why an event of a session could not run.
#[derive(Debug)]
enum Failure {
    /// No such session for this browser: expired, never existed, or another
    /// browser's.
    Expired,
    /// The store failed, or holds a session this build cannot read.
    Store(StoreError),
    /// Other events of the session kept saving first.
    Conflict,
    /// Too many events of the tab wait already.
    Busy,
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

/// What a step run on a session did.
enum Step<T> {
    /// It changed the session: save it, and answer `T` once saved.
    Changed(T),
    /// It changed nothing (a rejected event): answer `T`.
    Unchanged(T),
}

/// The live slot of an existing `tab`, with a place in its queue.
///
/// Nothing is stored for a tab this process has not made or loaded: with
/// the embedded memory store a tab it does not hold does not exist; with
/// another store the slot made for loading is forgotten again unless the
/// store has the tab and it is `owner`'s ([`with_session`]).
fn slot_of(
    shared: &Shared,
    tab: &str,
) -> Result<(Arc<LiveTab>, crate::store::QueueTicket), Failure> {
    let slot = if shared.store.process_local().is_some() {
        shared.live.find(tab).ok_or(Failure::Expired)?
    } else {
        shared.live.get_or_insert(tab)
    };
    let ticket = slot.enqueue().ok_or(Failure::Busy)?;
    Ok((slot, ticket))
}

/// Brings the locked slot `live` of `tab` up to date with the store (the
/// live copy if the store still holds the version this process last saw,
/// else the stored one, its callbacks re-established,
/// [`crate::Session::restore_callbacks`]), and checks it is `owner`'s.
async fn refresh(
    shared: &Shared,
    owner: &str,
    tab: &str,
    live: &mut Option<Live>,
) -> Result<(), Failure> {
    if shared.store.process_local().is_none() {
        let known = live.as_ref().map(|l| l.version);
        match shared.store.load(tab, known).await {
            Ok(Loaded::Unchanged) => {}
            Ok(Loaded::Found { version, bytes }) => {
                *live = None;
                let record = record::decode(&bytes).map_err(|e| {
                    tracing::warn!(tab, error = %e, "a stored session cannot be read");
                    Failure::Store(e)
                })?;
                let mut session = record.session;
                session.restore_callbacks(&shared.app);
                *live = Some(Live {
                    version,
                    owner: record.owner,
                    tab: TabState {
                        session,
                        render_cache: Default::default(),
                    },
                });
            }
            Ok(Loaded::Missing) => {
                *live = None;
                return Err(Failure::Expired);
            }
            Err(e) => {
                *live = None;
                tracing::warn!(tab, error = %e, "the session store failed");
                return Err(Failure::Store(e));
            }
        }
    }
    match live {
        Some(l) if l.owner == owner => Ok(()),
        _ => Err(Failure::Expired),
    }
}

/// How many bytes of upload an event of `tab` may carry, from what its
/// page shows: checked before its body is read.
async fn upload_room_of(shared: &Shared, owner: &str, tab: &str) -> Result<u64, Failure> {
    let (slot, _ticket) = slot_of(shared, tab)?;
    let room = {
        let mut live = slot.state.lock().await;
        refresh(shared, owner, tab, &mut live).await.map(|()| {
            live.as_ref()
                .map_or(0, |l| upload_room(&shared.app, &l.tab))
        })
    };
    if room.is_err() {
        shared.live.forget_if_empty(tab, &slot);
    }
    room
}

/// Runs `step` on the session of `tab`, owned by the browser whose secret is
/// `owner`, and saves the result with a version check.
///
/// The tab's live slot is locked for the whole of it, and at most
/// [`crate::store::MAX_WAITING`] events wait for it. When another process
/// (or a failure) saved first, the save is refused; the step then runs
/// again on the fresh state, a few times at most. Any failure empties the
/// slot, so the next event reloads the truth from the store.
async fn with_session<T>(
    shared: &Shared,
    owner: &str,
    tab: &str,
    mut step: impl FnMut(&mut TabState) -> Step<T>,
) -> Result<T, Failure> {
    let owner = owner_hash(owner);
    let (slot, _ticket) = slot_of(shared, tab)?;
    let result = async {
        let mut live = slot.state.lock().await;
        for _ in 0..=CONFLICT_RETRIES {
            refresh(shared, &owner, tab, &mut live).await?;
            let current = live.as_mut().expect("refreshed");
            let answer = match step(&mut current.tab) {
                Step::Unchanged(answer) => return Ok(answer),
                Step::Changed(answer) => answer,
            };
            shared.live.resize(tab, &slot, current.tab.approx_bytes());
            if shared.store.process_local().is_some() {
                return Ok(answer);
            }
            let bytes = record::encode(&owner, &current.tab.session);
            match shared.store.save(tab, Some(current.version), bytes).await {
                Ok(SaveOutcome::Saved(version)) => {
                    current.version = version;
                    return Ok(answer);
                }
                Ok(SaveOutcome::Conflict) => {
                    tracing::debug!(tab, "another event saved first; running again on its state");
                    *live = None;
                }
                Err(e) => {
                    *live = None;
                    tracing::warn!(tab, error = %e, "the session store failed");
                    return Err(Failure::Store(e));
                }
            }
        }
        Err(Failure::Conflict)
    }
    .await;
    if result.is_err() {
        shared.live.forget_if_empty(tab, &slot);
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn document(
    shared: &Shared,
    base: &str,
    tab: &str,
    page: &str,
    state: &mut TabState,
    notice: Option<&str>,
    url: Option<&str>,
) -> String {
    let doc = PageDoc {
        title: &shared.title,
        base,
        tab,
        page,
        pages: &shared.pages,
        tree: state.session.tree(),
        notice,
        url,
        seq: state.session.events(),
        error_details: shared.guard.error_details,
    };
    render_document_cached(&doc, &mut state.render_cache)
}

/// The app's HTML for an event's answer.
fn app_html(shared: &Shared, base: &str, tab: &str, page: &str, state: &mut TabState) -> String {
    let doc = PageDoc {
        title: &shared.title,
        base,
        tab,
        page,
        pages: &shared.pages,
        tree: state.session.tree(),
        notice: None,
        url: None,
        seq: state.session.events(),
        error_details: shared.guard.error_details,
    };
    render_app_cached(&doc, &mut state.render_cache)
}

fn not_found(shared: &Shared, base: &str, path: &str) -> Response {
    let links: String = shared
        .pages
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
fn parse_id(s: &str) -> Result<WidgetId, String> {
    let hex = !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| s.parse().ok())
        .flatten()
        .ok_or_else(|| format!("{:?} is not a widget id", quote(s)))
}

/// A value as the browser holds it (option indexes for choices) to the
/// widget's value.
fn from_wire(params: &Params, wire: Value) -> Result<Value, String> {
    let option = |options: &[Value], v: &Value| -> Result<Value, String> {
        let i = v
            .as_u64()
            .ok_or_else(|| format!("expected an option index, got {v}"))? as usize;
        options.get(i).cloned().ok_or_else(|| {
            format!(
                "option index {i} is out of range (there are {})",
                options.len()
            )
        })
    };
    let options_of = |options: &[Value], v: &Value| -> Result<Value, String> {
        let items = v
            .as_array()
            .ok_or_else(|| format!("expected a list of option indexes, got {v}"))?;
        items
            .iter()
            .map(|i| option(options, i))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
    };
    match params {
        Params::Choice { options, .. }
        | Params::SelectSlider {
            options,
            range: false,
            ..
        } => option(options, &wire),
        Params::Multiselect { options, .. }
        | Params::SelectSlider {
            options,
            range: true,
            ..
        }
        | Params::ButtonGroup {
            options,
            multi: true,
            ..
        } => options_of(options, &wire),
        // A single-selection button group: `[]` or `[index]`.
        Params::ButtonGroup { options, .. } => match wire.as_array().map(Vec::as_slice) {
            Some([]) => Ok(Value::Null),
            Some([i]) => option(options, i),
            _ => Err(format!("expected at most one option index, got {wire}")),
        },
        _ => Ok(wire),
    }
}

fn to_event(
    app: &App,
    state: &TabState,
    page: Option<String>,
    values: Vec<(WidgetId, Value)>,
    click: Option<WidgetId>,
) -> Result<Event, Error> {
    let mut widgets = Vec::with_capacity(values.len() + 1);
    for (id, wire) in values {
        let meta = state
            .session
            .state()
            .meta(id)
            .ok_or_else(|| unknown_widget(app, id))?;
        let value = from_wire(&meta.params, wire).map_err(|p| {
            Error::new(
                ErrorKind::InvalidValue,
                format!("rejected value for {} {id}: {p}", meta.kind.name()),
            )
        })?;
        widgets.push((id, value));
    }
    if let Some(id) = click {
        match state.session.state().meta(id) {
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
    })
}

fn malformed(message: &str) -> Response {
    json_error(StatusCode::BAD_REQUEST, "MalformedEvent", message, false)
}

/// The answer to an event built on an older page than the session's (a
/// replay, or a tab that missed an answer): refused, with the app as it is
/// now, so the client shows it and carries on from there.
fn stale(shared: &Shared, base: &str, tab: &str, state: &mut TabState, seq: u64) -> Response {
    let page = state.session.current_page().unwrap_or_default().to_owned();
    let html = app_html(shared, base, tab, &page, state);
    let message = format!(
        "the event was made on an older page (number {seq}; the session is at {}) and was not \
         applied; the page now shows the session as it is",
        state.session.events()
    );
    (
        StatusCode::CONFLICT,
        axum::Json(json!({
            "error": {"kind": "StaleEvent", "message": message},
            "reload": false,
            "html": html,
        })),
    )
        .into_response()
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
    let tab = match headers.get(TAB_HEADER).map(HeaderValue::to_str) {
        Some(Ok(tab)) if valid_tab(tab) => tab.to_owned(),
        _ => {
            return malformed(&format!(
                "the {TAB_HEADER} header is missing or not a tab id (16 hex digits)"
            ))
        }
    };
    let room = match upload_room_of(&shared, &owner_hash(&owner), &tab).await {
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
    let parsed = parse_event(&bytes, &tab);
    // The raw body can be large (a file): let it go before the event runs.
    drop(bytes);
    let mut body = match parsed {
        Ok(b) => b,
        Err(e) => return malformed(&e),
    };
    let base = base_of(&original, &uri);
    // Only a store that can refuse a save runs an event twice; otherwise
    // the values (a file, say) are moved into it, not copied.
    let retries = shared.store.process_local().is_none();
    let result = with_session(&shared, &owner, &tab, |state| {
        let values = if retries {
            body.values.clone()
        } else {
            std::mem::take(&mut body.values)
        };
        event_step(&shared, &base, &tab, &body, values, state)
    })
    .await;
    result.unwrap_or_else(|failure| failure.json())
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

/// A decoded event body, its ids checked.
struct ParsedEvent {
    seq: u64,
    page: Option<String>,
    values: Vec<(WidgetId, Value)>,
    click: Option<WidgetId>,
    query: Option<String>,
}

fn parse_event(body: &Bytes, tab: &str) -> Result<ParsedEvent, String> {
    let body: EventBody = serde_json::from_slice(body)
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
    Ok(ParsedEvent {
        seq: body.seq,
        page: body.page,
        values,
        click,
        query: body.query,
    })
}

/// One event on its session: refused when stale, else run and answered
/// with the app's new HTML.
fn event_step(
    shared: &Shared,
    base: &str,
    tab: &str,
    body: &ParsedEvent,
    values: Vec<(WidgetId, Value)>,
    state: &mut TabState,
) -> Step<Response> {
    if body.seq != state.session.events() {
        return Step::Unchanged(stale(shared, base, tab, state, body.seq));
    }
    let mut event = match to_event(&shared.app, state, body.page.clone(), values, body.click) {
        Ok(e) => e,
        Err(e) => return Step::Unchanged(engine_error(&e)),
    };
    if let Some(q) = body.query.as_deref() {
        event.query_params = Some(parse_query(Some(q.trim_start_matches('?'))));
    }
    match state.session.handle(&shared.app, event) {
        Ok(out) => {
            let html = app_html(shared, base, tab, &out.page, state);
            // The answer is the app's HTML as it is, not escaped into JSON;
            // where the app now is travels in headers.
            let url = page_url(base, &out.page, &out.url_query);
            let mut response = Html(html).into_response();
            let headers = response.headers_mut();
            for (name, value) in [
                ("x-brooklet-page", out.page.as_str()),
                ("x-brooklet-url", url.as_str()),
            ] {
                if let Ok(v) = HeaderValue::from_str(value) {
                    headers.insert(HeaderName::from_static(name), v);
                }
            }
            Step::Changed(response)
        }
        Err(e) => {
            tracing::info!(kind = %e.kind(), message = %quote(e.message()), "event rejected");
            Step::Unchanged(engine_error(&e))
        }
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
    let field = |name: &str| last_field(&fields, name);
    // A vanished session: start afresh on the page the form was on, and say so.
    let restart = |notice: &'static str| {
        let page = field("_page")
            .filter(|p| shared.pages.iter().any(|(path, _)| path == p))
            .map(str::to_owned);
        let shared = shared.clone();
        let (base, headers) = (base.clone(), headers.clone());
        async move { new_session(&shared, &base, page, None, &headers, Some(notice)).await }
    };
    const EXPIRED: &str = "Your session had expired: this is a new one, and your last change \
                           was not applied.";
    let tab = field("_tab").filter(|t| valid_tab(t)).map(str::to_owned);
    let (Some(owner), Some(tab)) = (owner_from(&headers), tab) else {
        return restart(EXPIRED).await;
    };
    let seq = field("_seq").and_then(|s| s.parse::<u64>().ok());
    let nav = field("_nav").map(str::to_owned);
    let result = with_session(&shared, &owner, &tab, |state| {
        if seq != Some(state.session.events()) {
            let page = state.session.current_page().unwrap_or_default().to_owned();
            let notice = "This page was out of date (sent again, or from the browser's history): \
                          your change was not applied. This is the page as it is now.";
            let html = document(&shared, &base, &tab, &page, state, Some(notice), None);
            return Step::Unchanged((StatusCode::CONFLICT, Html(html)).into_response());
        }
        form_step(&shared, &base, &tab, &fields, nav.clone(), state)
    })
    .await;
    match result {
        Ok(response) => response,
        Err(Failure::Expired) => restart(EXPIRED).await,
        Err(failure) => failure.page(),
    }
}

/// The last value a form posted under `name`.
fn last_field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// One form post on its session.
fn form_step(
    shared: &Shared,
    base: &str,
    tab: &str,
    fields: &[(String, String)],
    nav: Option<String>,
    state: &mut TabState,
) -> Step<Response> {
    let click = last_field(fields, "_click").map(parse_id).transpose();
    let submitting = match &click {
        Ok(Some(id)) => state
            .session
            .tree()
            .widgets()
            .find(|w| w.id == *id && w.kind == Kind::FormSubmitButton)
            .and_then(|w| w.form.clone()),
        _ => None,
    };
    let values = form_values(
        state.session.tree(),
        fields,
        nav.is_some(),
        submitting.as_deref(),
    );
    let result = match (values, click) {
        (Ok(values), Ok(click)) => to_event(&shared.app, state, nav, values, click),
        (Err(e), _) | (_, Err(e)) => Err(Error::new(ErrorKind::InvalidValue, e)),
    };
    match result.and_then(|event| state.session.handle(&shared.app, event)) {
        Ok(out) => {
            let html = document(shared, base, tab, &out.page, state, None, None);
            Step::Changed(Html(html).into_response())
        }
        Err(e) => {
            let page = state.session.current_page().unwrap_or_default().to_owned();
            let notice = format!("{}: {}", e.kind().trace_name(), quote_long(e.message()));
            let html = document(shared, base, tab, &page, state, Some(&notice), None);
            Step::Unchanged((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

/// Reads each on-screen widget's value from the form fields, in wire form.
fn form_values(
    tree: &ElementTree,
    fields: &[(String, String)],
    page_switch: bool,
    submitting: Option<&str>,
) -> Result<Vec<(WidgetId, Value)>, String> {
    let mut out = Vec::new();
    for w in tree.widgets() {
        // Files come only from the client script (base64 in its JSON event).
        if w.kind.is_trigger()
            || w.kind == Kind::FileUploader
            || (page_switch && w.script != PageId::ENTRYPOINT)
        {
            continue;
        }
        // Browsers do not post disabled controls: such a widget keeps its value.
        if w.disabled {
            out.push((w.id, crate::render::wire_value(w)));
            continue;
        }
        // R29: a form's fields count only when its submit button was clicked;
        // otherwise the form keeps its last submitted values.
        if w.form.is_some() && w.form.as_deref() != submitting {
            out.push((w.id, crate::render::wire_value(w)));
            continue;
        }
        let name = w.id.to_string();
        let all: Vec<&str> = fields
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let number = |s: &str| -> Result<Value, String> {
            let n: f64 = s
                .trim()
                .parse()
                .map_err(|_| format!("{:?} is not a number (widget \"{}\")", s, w.label))?;
            Ok(if n.fract() == 0.0 && !s.contains('.') && n.abs() < 9e15 {
                Value::from(n as i64)
            } else {
                Value::from(n)
            })
        };
        let wire = match (&*w.params, w.kind) {
            (_, Kind::Checkbox | Kind::Toggle) => Value::Bool(all.last() == Some(&"true")),
            (Params::Choice { .. }, _) | (Params::SelectSlider { range: false, .. }, _) => {
                match all.last() {
                    Some(v) => number(v)?,
                    None => continue,
                }
            }
            (Params::Multiselect { .. } | Params::ButtonGroup { .. }, _) => {
                Value::Array(all.iter().map(|v| number(v)).collect::<Result<_, _>>()?)
            }
            (Params::Slider { range: true, .. } | Params::SelectSlider { range: true, .. }, _) => {
                Value::Array(all.iter().map(|v| number(v)).collect::<Result<_, _>>()?)
            }
            (Params::Slider { .. } | Params::NumberInput { .. }, _) => match all.last() {
                Some(v) if !v.trim().is_empty() => number(v)?,
                _ => continue,
            },
            (Params::Text { .. }, _) => match all.last() {
                Some(v) => Value::String(v.replace("\r\n", "\n")),
                None => continue,
            },
            _ => continue,
        };
        out.push((w.id, wire));
    }
    Ok(out)
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

    #[test]
    fn widget_ids_and_tabs_have_one_shape() {
        assert!(parse_id("1f").is_ok());
        for bad in ["+1f", " 1f", "", "-1", "0x1f", &"f".repeat(33)] {
            assert!(parse_id(bad).is_err(), "{bad:?}");
        }
        assert!(valid_tab("0123456789abcdef"));
        for bad in ["0123456789ABCDEF", "0123456789abcde", &"a".repeat(200_000)] {
            assert!(!valid_tab(bad));
        }
    }

    #[test]
    fn quotes_are_short() {
        let long = "x".repeat(30_000_000);
        assert!(quote(&long).len() < 200);
        assert_eq!(quote("short"), "short");
    }
}
