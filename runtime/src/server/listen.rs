//! Accepting connections: a cap on how many are served at once, a timer for
//! reading request headers (which also closes idle keep-alive
//! connections), and a graceful stop on Ctrl-C or SIGTERM that finishes the
//! requests under way.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;

use super::ServeConfig;
use crate::pages::App;
use crate::store::SessionStore;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// How connections are accepted and kept.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConnectionLimits {
    /// The most connections served at once; more wait in the kernel's
    /// backlog until one closes.
    pub max_connections: usize,
    /// The time a client has to send a request's headers, and the longest
    /// an idle keep-alive connection stays open.
    pub header_timeout: Duration,
    /// The longest a stop waits for requests under way.
    pub drain: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 10_000,
            header_timeout: Duration::from_secs(10),
            drain: Duration::from_secs(30),
        }
    }
}

/// A future that resolves when the process is asked to stop: Ctrl-C
/// (SIGINT) or, on Unix, SIGTERM, which containers and systemd send.
pub async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("interrupted: stopping"),
        () = terminate => tracing::info!("SIGTERM: stopping"),
    }
}

/// Lets this process hold as many open files as the system allows it, so
/// that many slow clients cannot exhaust a low soft limit.
pub(super) fn raise_open_file_limit() {
    #[cfg(unix)]
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::debug!(open_files = n, "open file limit"),
        Err(e) => tracing::warn!(error = %e, "cannot raise the open file limit"),
    }
}

/// Serves `router` on `listener` until `stop` resolves, then stops
/// accepting and waits (at most `limits.drain`) for connections to finish
/// the requests they have under way.
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stopping, stop_rx) = watch::channel(false);
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let builder = Arc::new(builder);
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore stays open"),
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, say: wait, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let builder = builder.clone();
        let mut stop_rx = stop_rx.clone();
        tokio::spawn(async move {
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = async { let _ = stop_rx.wait_for(|s| *s).await; } => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Every connection gives its permit back when it is done.
    let all = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.drain, permits.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            "stopping with connections still open after {:?}",
            limits.drain
        );
    }
    Ok(())
}

impl App {
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
        raise_open_file_limit();
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
        serve(listener, router, limits, stop).await?;
        store.close().await.map_err(std::io::Error::other)
    }

    /// Serves the app on a listener of your own (a test's free port, say),
    /// with the default limits and timeouts.
    pub async fn serve_on(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        serve_forever(listener, self.router()).await
    }

    /// Serves the app on a listener of your own, with sessions in `store`.
    pub async fn serve_on_with_store(
        self,
        listener: tokio::net::TcpListener,
        store: Arc<dyn SessionStore>,
    ) -> std::io::Result<()> {
        serve_forever(listener, self.router_with_store(store)).await
    }
}

/// Serves `router` with the default limits until the process ends.
async fn serve_forever(listener: TcpListener, router: Router) -> io::Result<()> {
    serve(
        listener,
        router,
        ConnectionLimits::default(),
        std::future::pending(),
    )
    .await
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
