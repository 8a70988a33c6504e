//! What the server checks of every request and adds to every answer,
//! besides the app: the host it answers for (DNS rebinding), the origin of
//! events (CSRF), the `Secure` cookie behind HTTPS, the security headers,
//! and what a wrong method is told.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{json_error, CookieSecure, ServeConfig, Shared};
use crate::wire::quote;

/// What the server checks and sends besides the app: hosts, cookies,
/// headers, error details.
#[derive(Clone, Debug)]
pub(super) struct Guard {
    /// `None`: any host.
    hosts: Option<Vec<String>>,
    cookie_secure: CookieSecure,
    pub(super) error_details: bool,
    csp: HeaderValue,
}

impl Guard {
    pub(super) fn new(config: &ServeConfig, bound: Option<SocketAddr>) -> Self {
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

    pub(super) fn secure(&self, headers: &HeaderMap) -> bool {
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

/// Every request: its `Host` must be one the server answers for; every
/// answer: the security headers.
pub(super) async fn guard(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
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

pub(super) async fn method_not_allowed(method: Method, uri: Uri) -> Response {
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

/// Events must come from the app's own pages (CSRF): the `Origin` header,
/// when the browser sends one, must name this host (which [`guard`] has
/// checked is one the server answers for).
pub(super) fn same_origin(headers: &HeaderMap) -> bool {
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

pub(super) fn forbidden() -> Response {
    json_error(
        StatusCode::FORBIDDEN,
        "Forbidden",
        "events must come from the app's own pages (Origin does not match Host)",
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
