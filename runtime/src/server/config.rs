//! The server's settings: flags over environment variables over defaults,
//! parsed with `clap`, so that an app can flatten them into a `Parser` of
//! its own and keep flags of its own:
//!
//! ```no_run
//! use clap::Parser;
//!
//! #[derive(Parser)]
//! struct Cli {
//!     /// The data file to show.
//!     #[arg(long)]
//!     data: std::path::PathBuf,
//!     #[command(flatten)]
//!     brooklet: brooklet::server::ServeConfig,
//! }
//!
//! let cli = Cli::parse();
//! brooklet::App::new().serve_config(cli.brooklet);
//! ```

use std::time::Duration;

use crate::store::{StoreOptions, StoreUrl};

/// Whether the session cookie is marked `Secure` (sent over HTTPS only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CookieSecure {
    /// When the request came over HTTPS, as `X-Forwarded-Proto` or
    /// `Forwarded` from a TLS-terminating proxy says.
    Auto,
    /// Always (behind a proxy that does not say).
    Always,
    /// Never.
    Never,
}

/// Settings of the server: where to listen, which session store, how long
/// sessions live, which hosts it answers for, and its limits.
#[derive(Clone, Debug, clap::Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "BROOKLET_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on.
    #[arg(long, env = "BROOKLET_PORT", default_value_t = 8501)]
    pub port: u16,
    /// The session store: `memory`, `file:PATH` or `redis://HOST:PORT/DB`.
    #[arg(long, env = "BROOKLET_STORE", default_value = "memory", value_parser = parse_store)]
    pub store: StoreUrl,
    /// Sessions expire after this many seconds without an event.
    #[arg(long, env = "BROOKLET_SESSION_IDLE_SECS", default_value_t = 3600,
          value_parser = at_least_one("seconds"))]
    pub session_idle_secs: u64,
    /// The most sessions this process keeps in memory (least recently used
    /// go first).
    #[arg(long, env = "BROOKLET_MAX_SESSIONS", default_value_t = 100_000,
          value_parser = at_least_one("sessions"))]
    pub max_sessions: u64,
    /// The most memory the sessions of this process may take, in bytes
    /// (`K`, `M`, `G` suffixes: binary units).
    #[arg(long, env = "BROOKLET_MAX_SESSION_MEMORY", default_value = "1G", value_parser = parse_bytes)]
    pub max_session_memory: u64,
    /// A host name (with or without a port) the server answers for; repeat
    /// or separate with commas. Default: the listening address,
    /// `localhost`, `127.0.0.1` and `[::1]`; any host when listening on all
    /// addresses. Other `Host` headers are refused (DNS rebinding).
    #[arg(
        long = "allowed-host",
        env = "BROOKLET_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,
    /// Mark the session cookie `Secure`.
    #[arg(
        long,
        env = "BROOKLET_COOKIE_SECURE",
        value_enum,
        default_value = "auto"
    )]
    pub cookie_secure: CookieSecure,
    /// Who may frame the app: the CSP `frame-ancestors` sources.
    #[arg(long, env = "BROOKLET_FRAME_ANCESTORS", default_value = "'self'")]
    pub frame_ancestors: String,
    /// Show panic messages and where they happened on the page (the log
    /// always has them). Default: on in debug builds, off in release.
    #[arg(long, env = "BROOKLET_SHOW_ERROR_DETAILS")]
    pub show_error_details: Option<bool>,
    /// Seconds a client has to send a request's headers.
    #[arg(long, env = "BROOKLET_HEADER_TIMEOUT_SECS", default_value_t = 10,
          value_parser = at_least_one("seconds"))]
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's body.
    #[arg(long, env = "BROOKLET_BODY_TIMEOUT_SECS", default_value_t = 60,
          value_parser = at_least_one("seconds"))]
    pub body_timeout_secs: u64,
    /// Seconds an idle keep-alive connection stays open.
    #[arg(long, env = "BROOKLET_IDLE_TIMEOUT_SECS", default_value_t = 60,
          value_parser = at_least_one("seconds"))]
    pub idle_timeout_secs: u64,
    /// The most connections served at once; more wait to be accepted.
    #[arg(long, env = "BROOKLET_MAX_CONNECTIONS", default_value_t = 10_000,
          value_parser = at_least_one("connections"))]
    pub max_connections: u64,
    /// The most pages (and callbacks) that run at once, each on a thread of
    /// its own and never on the threads that serve connections. A session
    /// runs one event at a time; pages often wait on I/O, so the default is
    /// more than the cores.
    #[arg(long, env = "BROOKLET_RUN_THREADS", default_value_t = 32,
          value_parser = at_least_one_usize("threads"))]
    pub run_threads: usize,
    /// How many more events may wait for a run thread; beyond that, events
    /// get `503 ServerBusy` at once.
    #[arg(long, env = "BROOKLET_RUN_QUEUE", default_value_t = 1024)]
    pub run_queue: usize,
    /// A tab's push channel is closed when a frame cannot be sent to it
    /// within this many seconds (a client that does not read).
    #[arg(long, env = "BROOKLET_SOCKET_SEND_TIMEOUT_SECS", default_value_t = 30,
          value_parser = at_least_one("seconds"))]
    pub socket_send_timeout_secs: u64,
    /// The most background tasks (`ui.task`) that run at once in this
    /// process, each on a thread of its own; a page that starts one more
    /// gets an error it can show.
    #[arg(long, env = "BROOKLET_MAX_TASKS", default_value_t = 64,
          value_parser = at_least_one_usize("tasks"))]
    pub max_tasks: usize,
    /// Seconds a cancelled background task has to return before it is
    /// reported cancelled anyway (its thread is left to finish; what it
    /// returns is dropped).
    #[arg(long, env = "BROOKLET_TASK_GRACE_SECS", default_value_t = 10,
          value_parser = at_least_one("seconds"))]
    pub task_grace_secs: u64,
}

impl Default for ServeConfig {
    /// The flags' defaults, whatever the environment says (so that a bad
    /// `BROOKLET_…` variable cannot break [`crate::App::router`]).
    fn default() -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let command = Flags::command().mut_args(|a| a.env(None::<&str>));
        let matches = command
            .try_get_matches_from(["brooklet"])
            .expect("the defaults parse");
        Flags::from_arg_matches(&matches)
            .expect("the defaults parse")
            .config
    }
}

/// The parser of brooklet's flags alone.
#[derive(clap::Parser)]
#[command(about = "Serves a brooklet app")]
struct Flags {
    #[command(flatten)]
    config: ServeConfig,
}

impl ServeConfig {
    /// From the command line over the environment over the defaults.
    pub fn from_env_and_args() -> Result<Self, clap::Error> {
        Self::parse_from(std::env::args_os())
    }

    /// The same from given arguments, the program name first (the
    /// environment is the process's).
    pub fn parse_from<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::Parser;
        let mut args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        if args.is_empty() {
            args.push("brooklet".into());
        }
        Flags::try_parse_from(args).map(|f| f.config)
    }

    /// How long sessions live and how many this process keeps.
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            idle: Duration::from_secs(self.session_idle_secs),
            max_sessions: usize::try_from(self.max_sessions).unwrap_or(usize::MAX),
            max_bytes: self.max_session_memory,
        }
    }

    /// Whether pages show panic details.
    pub fn error_details(&self) -> bool {
        self.show_error_details.unwrap_or(cfg!(debug_assertions))
    }
}

fn parse_store(s: &str) -> Result<StoreUrl, String> {
    s.parse()
}

fn at_least_one(what: &'static str) -> impl Fn(&str) -> Result<u64, String> + Clone {
    move |s| match s.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("not a number of {what}")),
    }
}

fn at_least_one_usize(what: &'static str) -> impl Fn(&str) -> Result<usize, String> + Clone {
    let parse = at_least_one(what);
    move |s| parse(s).and_then(|n| usize::try_from(n).map_err(|_| "too large".into()))
}

/// `1048576`, `512K`, `64M`, `2G` (binary units).
fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => t.split_at(at),
        None => (t, ""),
    };
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(format!("not a size in bytes (like 512M or 2G): {s:?}")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("not a size in bytes (like 512M or 2G): {s:?}"))?;
    match n.checked_shl(shift).filter(|v| v >> shift == n) {
        Some(v) if v > 0 => Ok(v),
        Some(_) => Err("must be at least 1 byte".into()),
        None => Err(format!("{s:?} is too large")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ServeConfig, String> {
        ServeConfig::parse_from(std::iter::once("app").chain(args.iter().copied()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn flags_parse_with_clear_errors() {
        let c = parse(&[]).unwrap();
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 8501));
        assert_eq!(c.store, StoreUrl::Memory);
        assert_eq!(c.store_options().max_bytes, 1 << 30);
        let c = parse(&[
            "--port",
            "9100",
            "--host=::1",
            "--max-session-memory",
            "64M",
        ])
        .unwrap();
        assert_eq!((c.host.as_str(), c.port), ("::1", 9100));
        assert_eq!(c.max_session_memory, 64 << 20);
        let c = parse(&["--store", "file:/tmp/s.redb", "--session-idle-secs=30"]).unwrap();
        assert_eq!(c.store, StoreUrl::File("/tmp/s.redb".into()));
        assert_eq!(c.store_options().idle, Duration::from_secs(30));
        let c = parse(&["--allowed-host", "a.example,b.example:8080"]).unwrap();
        assert_eq!(c.allowed_hosts, ["a.example", "b.example:8080"]);
        let err = |a: &[&str]| parse(a).unwrap_err();
        assert!(err(&["--port"]).contains("--port"));
        assert!(err(&["--port", "http"]).contains("--port"));
        assert!(err(&["--verbose"]).contains("unexpected argument '--verbose'"));
        assert!(err(&["--store", "mysql://x"]).contains("unknown session store"));
        assert!(err(&["--store", "redis://:80"]).contains("names no host"));
        assert!(err(&["--session-idle-secs", "soon"]).contains("not a number of seconds"));
        assert!(err(&["--session-idle-secs", "0"]).contains("at least 1"));
        assert!(err(&["--max-sessions=-1"]).contains("not a number of sessions"));
        assert!(err(&["--max-session-memory", "lots"]).contains("not a size in bytes"));
        assert!(err(&["--cookie-secure", "maybe"]).contains("--cookie-secure"));
    }

    #[test]
    fn an_app_flattens_the_flags_into_its_own() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[arg(long)]
            data: String,
            #[command(flatten)]
            brooklet: ServeConfig,
        }
        let cli = Cli::try_parse_from(["myapp", "--data", "x.csv", "--port", "9000"]).unwrap();
        assert_eq!(cli.data, "x.csv");
        assert_eq!(cli.brooklet.port, 9000);
    }

    #[test]
    fn the_defaults_do_not_read_the_environment() {
        // A variable no other test reads.
        std::env::set_var("BROOKLET_FRAME_ANCESTORS", "https://elsewhere.example");
        assert_eq!(ServeConfig::default().frame_ancestors, "'self'");
        let flags = ServeConfig::parse_from(["app"]).unwrap();
        assert_eq!(flags.frame_ancestors, "https://elsewhere.example");
        std::env::remove_var("BROOKLET_FRAME_ANCESTORS");
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_bytes("1024"), Ok(1024));
        assert_eq!(parse_bytes("512K"), Ok(512 << 10));
        assert_eq!(parse_bytes("2 GiB"), Ok(2 << 30));
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("99999999999999999999G").is_err());
    }
}
