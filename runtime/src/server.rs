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
//! HttpOnly, SameSite=Lax cookie) plus the tab's id. Events must come from
//! the app's own origin. A rejected event (a bad value, an unknown widget or
//! page, an expired session, a malformed or oversized body) gets a clear
//! error answer and changes nothing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, OriginalUri, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::elements::ElementTree;
use crate::error::{Error, ErrorKind};
use crate::identity::{PageId, WidgetId};
use crate::pages::App;
use crate::render::{render_app_cached, render_document_cached, PageDoc};
use crate::run::QueryParams;
use crate::session::Event;
use crate::store::record::{self, owner_hash};
use crate::store::{
    random_hex, Live, LiveTabs, Loaded, MemoryStore, SaveOutcome, SessionStore, StoreError,
    StoreOptions, StoreUrl, TabState, Version,
};
use crate::widgets::{Kind, Params};

const COOKIE: &str = "bk_sid";
/// The largest event body taken, in bytes.
pub const MAX_BODY: usize = 256 * 1024;

/// The largest event body taken when the app allows uploads of up to
/// `upload` bytes: the file as base64 (4 bytes for every 3) plus the rest
/// of the event, and never less than [`MAX_BODY`].
pub fn event_body_limit(upload: u64) -> usize {
    let encoded = upload.div_ceil(3).saturating_mul(4);
    usize::try_from(encoded.saturating_add(MAX_BODY as u64)).unwrap_or(usize::MAX)
}

/// The answer to an event past the body limit: a 413 that says what to do.
fn too_large(app: &App) -> Response {
    let size = crate::widgets::file_uploader::human_size;
    let message = match app.upload_limit() {
        0 => format!(
            "the event is larger than the {} this app takes (it has no file uploader)",
            size(MAX_BODY as u64)
        ),
        limit => format!(
            "the event is larger than this app takes: uploads are limited to {}; choose a smaller \
             file, or raise the limit with `App::max_upload_size`",
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

/// Settings of the server: where to listen, which session store, and how
/// long sessions live.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Address to listen on; `BROOKLET_HOST` or `--host`, default 127.0.0.1.
    pub host: String,
    /// Port; `BROOKLET_PORT` or `--port`, default 8501.
    pub port: u16,
    /// The session store; `BROOKLET_STORE` or `--store`: `memory` (the
    /// default), `file:PATH`, `redis://HOST:PORT/DB`.
    pub store: StoreUrl,
    /// Idle expiry (`BROOKLET_SESSION_IDLE_SECS`, `--session-idle-secs`,
    /// default an hour) and the memory store's cap on sessions
    /// (`BROOKLET_MAX_SESSIONS`, `--max-sessions`, default 100000).
    pub store_options: StoreOptions,
}

const USAGE: &str =
    "usage: [--host HOST] [--port PORT] [--store memory|file:PATH|redis://HOST:PORT] \
                     [--session-idle-secs N] [--max-sessions N]  (or BROOKLET_HOST, BROOKLET_PORT, \
                     BROOKLET_STORE, BROOKLET_SESSION_IDLE_SECS, BROOKLET_MAX_SESSIONS)";

impl ServeConfig {
    /// From the command line over the environment over the defaults.
    pub fn from_env_and_args() -> Result<Self, String> {
        Self::parse(|name| std::env::var(name).ok(), std::env::args().skip(1))
    }

    /// The same from given values: `env` looks up an environment variable;
    /// `args` are the arguments without the program name.
    pub fn parse(
        env: impl Fn(&str) -> Option<String>,
        args: impl IntoIterator<Item = String>,
    ) -> Result<Self, String> {
        let mut config = ServeConfig {
            host: "127.0.0.1".into(),
            port: 8501,
            store: StoreUrl::Memory,
            store_options: StoreOptions::default(),
        };
        // (flag, what the user wrote: the flag or the variable, value)
        let mut settings: Vec<(String, String, String)> = [
            ("BROOKLET_HOST", "--host"),
            ("BROOKLET_PORT", "--port"),
            ("BROOKLET_STORE", "--store"),
            ("BROOKLET_SESSION_IDLE_SECS", "--session-idle-secs"),
            ("BROOKLET_MAX_SESSIONS", "--max-sessions"),
        ]
        .into_iter()
        .filter_map(|(var, flag)| env(var).map(|v| (flag.to_owned(), var.to_owned(), v)))
        .collect();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (arg.clone(), None),
            };
            if name == "--help" || name == "-h" {
                return Err(USAGE.into());
            }
            if !matches!(
                name.as_str(),
                "--host" | "--port" | "--store" | "--session-idle-secs" | "--max-sessions"
            ) {
                return Err(format!("unknown argument {name:?}; {USAGE}"));
            }
            let value = inline
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))?;
            settings.push((name.clone(), name, value));
        }
        // Environment first, flags after: a flag wins.
        for (flag, name, value) in settings {
            let number = |what: &str| -> Result<u64, String> {
                value
                    .trim()
                    .parse()
                    .map_err(|_| format!("{name} is not {what}: {value:?}"))
            };
            match flag.as_str() {
                "--host" => config.host = value.clone(),
                "--port" => {
                    config.port = value
                        .parse()
                        .map_err(|_| format!("{name} is not a port number: {value:?}"))?
                }
                "--store" => config.store = value.parse().map_err(|e| format!("{name}: {e}"))?,
                "--session-idle-secs" => {
                    let secs = number("a number of seconds")?;
                    if secs == 0 {
                        return Err(format!("{name} must be at least 1"));
                    }
                    config.store_options.idle = Duration::from_secs(secs);
                }
                _ => {
                    let max = number("a number of sessions")?;
                    if max == 0 {
                        return Err(format!("{name} must be at least 1"));
                    }
                    config.store_options.max_sessions = max as usize;
                }
            }
        }
        Ok(config)
    }
}

/// How long this process keeps a session live (deserialised, with its
/// callbacks) after its last event; the store keeps it for the idle time.
const LIVE_IDLE: Duration = Duration::from_secs(5 * 60);

/// How many times an event runs again after a conflict before it gives up.
const CONFLICT_RETRIES: usize = 3;

struct Shared {
    app: App,
    store: Arc<dyn SessionStore>,
    live: LiveTabs,
    pages: Vec<(String, String)>,
    title: String,
}

impl App {
    /// The app as an `axum::Router`, to serve on its own or to nest under a
    /// path of your own server (`Router::new().nest("/demo", app.router())`).
    /// Sessions live in this process's memory ([`MemoryStore`]).
    pub fn router(&self) -> Router {
        let o = StoreOptions::default();
        self.router_with_store(Arc::new(MemoryStore::process_local(o.idle, o.max_sessions)))
    }

    /// The app as an `axum::Router` whose sessions live in `store`: with a
    /// durable or shared store, sessions survive restarts, and several
    /// replicas on one Redis serve any event of any session.
    pub fn router_with_store(&self, store: Arc<dyn SessionStore>) -> Router {
        self.router_inner(store, StoreOptions::default())
    }

    /// The router; `options` also bound the sessions this process keeps live.
    fn router_inner(&self, store: Arc<dyn SessionStore>, options: StoreOptions) -> Router {
        let pages: Vec<(String, String)> = self
            .pages()
            .map(|p| (p.path().to_owned(), p.page_title().to_owned()))
            .collect();
        let title = pages
            .first()
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| "brooklet".into());
        // A process-local store's sessions are the live copies: they last
        // the whole idle time. Otherwise the store keeps them, and the live
        // copies are a cache.
        let live = match store.process_local() {
            Some(local) => LiveTabs::new(local.idle, local.max_sessions),
            None => LiveTabs::new(LIVE_IDLE.min(options.idle), options.max_sessions),
        };
        let shared = Arc::new(Shared {
            app: self.clone(),
            store,
            live,
            pages,
            title,
        });
        Router::new()
            .route("/", get(page))
            .route("/_brooklet/event", post(event))
            .route("/_brooklet/form", post(form))
            .route("/{*path}", get(page))
            .layer(DefaultBodyLimit::max(event_body_limit(self.upload_limit())))
            .with_state(shared)
    }

    /// Serves the app standalone on `127.0.0.1:8501`, or where `--host`,
    /// `--port`, `BROOKLET_HOST` and `BROOKLET_PORT` say; prints the URL.
    pub fn serve(self) {
        init_tracing();
        let config = match ServeConfig::from_env_and_args() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("brooklet: {e}");
                std::process::exit(2);
            }
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        if let Err(e) = runtime.block_on(self.serve_with(config)) {
            eprintln!("brooklet: {e}");
            std::process::exit(1);
        }
    }

    /// Serves the app with `config` until the process is interrupted.
    pub async fn serve_with(self, config: ServeConfig) -> std::io::Result<()> {
        let store = crate::store::open(&config.store, config.store_options)
            .await
            .map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind((config.host.as_str(), config.port)).await?;
        let addr: SocketAddr = listener.local_addr()?;
        println!(
            "brooklet: serving on http://{addr}/ (sessions: {})",
            config.store
        );
        tracing::info!(%addr, store = %config.store, "serving");
        axum::serve(listener, self.router_inner(store, config.store_options))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    }

    /// Serves the app on a listener of your own (a test's free port, say).
    pub async fn serve_on(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }

    /// Serves the app on a listener of your own, with sessions in `store`.
    pub async fn serve_on_with_store(
        self,
        listener: tokio::net::TcpListener,
        store: Arc<dyn SessionStore>,
    ) -> std::io::Result<()> {
        axum::serve(listener, self.router_with_store(store)).await
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
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

fn set_cookie(base: &str, owner: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={owner}; Path={base}; HttpOnly; SameSite=Lax"
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
/// when the browser sends one, must name this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
    let site = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok());
    match (origin, host) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(scheme, rest)| (scheme == "http" || scheme == "https") && rest == host),
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
    json_error(status, e.kind().trace_name(), e.message(), false)
}

async fn page(
    State(shared): State<Arc<Shared>>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let base = base_of(&original, &uri);
    let path = uri.path().trim_start_matches('/');
    let page = if path.is_empty() {
        None
    } else {
        Some(path.to_owned())
    };
    if let Some(p) = &page {
        if !shared.pages.iter().any(|(path, _)| path == p) {
            return not_found(&shared, &base, p);
        }
    }
    let (owner, new_owner) = match owner_from(&headers) {
        Some(o) => (o, false),
        None => (random_hex(16), true),
    };
    let tab = random_hex(8);
    let owner_hash = owner_hash(&owner);
    let mut state = TabState::new();
    let asked = parse_query(query.as_deref());
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
    let slot = shared.live.get(&tab);
    let mut live = slot.state.lock().await;
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
    let url = (out.url_query != asked).then(|| page_url(&base, &out.page, &out.url_query));
    let html = document(
        &shared,
        &base,
        &tab,
        &out.page,
        &mut state,
        None,
        url.as_deref(),
    );
    *live = Some(Live {
        version,
        owner: owner_hash,
        tab: state,
    });
    let mut response = Html(html).into_response();
    if new_owner {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, set_cookie(&base, &owner));
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

/// Runs `step` on the session of `tab`, owned by the browser whose secret is
/// `owner`, and saves the result with a version check.
///
/// The tab's live slot is locked for the whole of it. The session is the
/// live one if the store still holds the version this process last saw,
/// else it is loaded, and its callbacks re-established
/// ([`crate::Session::restore_callbacks`]). When another process (or a
/// failure) saved first, the save is refused; the step then runs again on
/// the fresh state, a few times at most. Any failure empties the slot, so
/// the next event reloads the truth from the store.
async fn with_session<T>(
    shared: &Shared,
    owner: &str,
    tab: &str,
    mut step: impl FnMut(&mut TabState) -> Step<T>,
) -> Result<T, Failure> {
    let owner = owner_hash(owner);
    let slot = shared.live.get(tab);
    let mut live = slot.state.lock().await;
    if shared.store.process_local().is_some() {
        // The live copy is the session: nothing to load or save.
        let Some(current) = live.as_mut().filter(|l| l.owner == owner) else {
            return Err(Failure::Expired);
        };
        return Ok(match step(&mut current.tab) {
            Step::Changed(answer) | Step::Unchanged(answer) => answer,
        });
    }
    for _ in 0..=CONFLICT_RETRIES {
        let known = live.as_ref().map(|l| l.version);
        let loaded = shared.store.load(tab, known).await;
        match loaded {
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
        let Some(current) = live.as_mut().filter(|l| l.owner == owner) else {
            return Err(Failure::Expired);
        };
        let answer = match step(&mut current.tab) {
            Step::Unchanged(answer) => return Ok(answer),
            Step::Changed(answer) => answer,
        };
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
    };
    render_document_cached(&doc, &mut state.render_cache)
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
        escape(path)
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

fn parse_id(s: &str) -> Result<WidgetId, String> {
    s.parse().map_err(|_| format!("{s:?} is not a widget id"))
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

async fn event(
    State(shared): State<Arc<Shared>>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    let body = match body {
        Ok(body) => body,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(&shared.app),
        Err(e) => return e.into_response(),
    };
    let body: EventBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "MalformedEvent",
                &format!("the event body is not a valid event: {e}"),
                false,
            )
        }
    };
    let mut values = Vec::with_capacity(body.values.len());
    for (id, v) in body.values {
        match parse_id(&id) {
            Ok(id) => values.push((id, v)),
            Err(e) => return json_error(StatusCode::BAD_REQUEST, "MalformedEvent", &e, false),
        }
    }
    let click = match body.click.as_deref().map(parse_id).transpose() {
        Ok(c) => c,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, "MalformedEvent", &e, false),
    };
    let Some(owner) = owner_from(&headers) else {
        return json_error(
            StatusCode::GONE,
            "SessionExpired",
            "this browser has no session cookie; reload the page",
            true,
        );
    };
    let base = base_of(&original, &uri);
    let result = with_session(&shared, &owner, &body.tab, |state| {
        let mut event = match to_event(&shared.app, state, body.page.clone(), values.clone(), click)
        {
            Ok(e) => e,
            Err(e) => return Step::Unchanged(engine_error(&e)),
        };
        if let Some(q) = body.query.as_deref() {
            event.query_params = Some(parse_query(Some(q.trim_start_matches('?'))));
        }
        match state.session.handle(&shared.app, event) {
            Ok(out) => {
                let doc = PageDoc {
                    title: &shared.title,
                    base: &base,
                    tab: &body.tab,
                    page: &out.page,
                    pages: &shared.pages,
                    tree: state.session.tree(),
                    notice: None,
                    url: None,
                };
                let html = render_app_cached(&doc, &mut state.render_cache);
                // The answer is the app's HTML as it is, not escaped into JSON;
                // where the app now is travels in headers.
                let url = page_url(&base, &out.page, &out.url_query);
                let mut response = Html(html).into_response();
                let headers = response.headers_mut();
                for (name, value) in [
                    ("x-brooklet-page", out.page.as_str()),
                    ("x-brooklet-url", url.as_str()),
                ] {
                    if let Ok(v) = HeaderValue::from_str(value) {
                        headers.insert(name, v);
                    }
                }
                Step::Changed(response)
            }
            Err(e) => {
                tracing::info!(kind = %e.kind(), message = e.message(), "event rejected");
                Step::Unchanged(engine_error(&e))
            }
        }
    })
    .await;
    result.unwrap_or_else(|failure| failure.json())
}

/// The no-JavaScript path: the page is one form; every control is named by
/// its widget id.
async fn form(
    State(shared): State<Arc<Shared>>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    let base = base_of(&original, &uri);
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
    let field = |name: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let restart = |shared: Arc<Shared>, headers: HeaderMap| async move {
        // A vanished session: start afresh on the same page, and say so.
        let mut response = page(
            State(shared),
            OriginalUri(original),
            uri,
            RawQuery(None),
            headers,
        )
        .await;
        *response.status_mut() = StatusCode::OK;
        response
    };
    let (Some(owner), Some(tab)) = (owner_from(&headers), field("_tab")) else {
        return restart(shared, headers).await;
    };
    let tab = tab.to_owned();
    let nav = field("_nav").map(str::to_owned);
    let result = with_session(&shared, &owner, &tab, |state| {
        let click = field("_click").map(parse_id).transpose();
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
            &fields,
            nav.is_some(),
            submitting.as_deref(),
        );
        let result = match (values, click) {
            (Ok(values), Ok(click)) => to_event(&shared.app, state, nav.clone(), values, click),
            (Err(e), _) | (_, Err(e)) => Err(Error::new(ErrorKind::InvalidValue, e)),
        };
        match result.and_then(|event| state.session.handle(&shared.app, event)) {
            Ok(out) => {
                let html = document(&shared, &base, &tab, &out.page, state, None, None);
                Step::Changed(Html(html).into_response())
            }
            Err(e) => {
                let page = state.session.current_page().unwrap_or_default().to_owned();
                let notice = format!("{}: {}", e.kind().trace_name(), e.message());
                let html = document(&shared, &base, &tab, &page, state, Some(&notice), None);
                Step::Unchanged((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
            }
        }
    })
    .await;
    match result {
        Ok(response) => response,
        Err(Failure::Expired) => restart(shared.clone(), headers).await,
        Err(failure) => failure.page(),
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

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn host_and_port_come_from_flags_over_environment_over_defaults() {
        let c = ServeConfig::parse(env(&[]), args(&[])).unwrap();
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 8501));
        let vars = [("BROOKLET_HOST", "0.0.0.0"), ("BROOKLET_PORT", "9000")];
        let c = ServeConfig::parse(env(&vars), args(&[])).unwrap();
        assert_eq!((c.host.as_str(), c.port), ("0.0.0.0", 9000));
        let c = ServeConfig::parse(env(&vars), args(&["--port", "9100", "--host=::1"])).unwrap();
        assert_eq!((c.host.as_str(), c.port), ("::1", 9100));
        assert!(
            ServeConfig::parse(env(&[("BROOKLET_PORT", "http")]), args(&[]))
                .unwrap_err()
                .contains("BROOKLET_PORT")
        );
        assert!(ServeConfig::parse(env(&[]), args(&["--port"]))
            .unwrap_err()
            .contains("needs a value"));
        assert!(ServeConfig::parse(env(&[]), args(&["--verbose"]))
            .unwrap_err()
            .contains("unknown argument"));
    }

    #[test]
    fn the_store_and_its_limits_come_from_flags_over_environment() {
        let c = ServeConfig::parse(env(&[]), args(&[])).unwrap();
        assert_eq!(c.store, StoreUrl::Memory);
        assert_eq!(c.store_options, StoreOptions::default());
        let vars = [
            ("BROOKLET_STORE", "redis://127.0.0.1:6390/0"),
            ("BROOKLET_SESSION_IDLE_SECS", "600"),
            ("BROOKLET_MAX_SESSIONS", "50"),
        ];
        let c = ServeConfig::parse(env(&vars), args(&[])).unwrap();
        assert_eq!(c.store, StoreUrl::Redis("redis://127.0.0.1:6390/0".into()));
        assert_eq!(c.store_options.idle, Duration::from_secs(600));
        assert_eq!(c.store_options.max_sessions, 50);
        let c = ServeConfig::parse(
            env(&vars),
            args(&["--store", "file:/tmp/s.redb", "--session-idle-secs=30"]),
        )
        .unwrap();
        assert_eq!(c.store, StoreUrl::File("/tmp/s.redb".into()));
        assert_eq!(c.store_options.idle, Duration::from_secs(30));
        let err = |a: &[&str]| ServeConfig::parse(env(&[]), args(a)).unwrap_err();
        assert!(err(&["--store", "mysql://x"]).contains("unknown session store"));
        assert!(err(&["--store", "redis://:80"]).contains("names no host"));
        assert!(err(&["--session-idle-secs", "soon"]).contains("not a number of seconds"));
        assert!(err(&["--session-idle-secs", "0"]).contains("at least 1"));
        assert!(err(&["--max-sessions", "-1"]).contains("not a number of sessions"));
        let e = ServeConfig::parse(env(&[("BROOKLET_STORE", "file:")]), args(&[])).unwrap_err();
        assert!(e.contains("needs a path"), "{e}");
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
}
