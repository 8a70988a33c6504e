//! A small HTTP client for tests against a brooklet server on loopback, and
//! helpers that read what a page carries (tab id, widget ids).

#![allow(dead_code)]

use std::net::SocketAddr;

use brooklet::App;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;

/// Starts `app` on a free loopback port; returns its address.
pub async fn start(app: App) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(app.serve_on(listener));
    addr
}

/// Starts `app` with the settings of `config` on a free loopback port.
pub async fn start_with(app: App, config: &brooklet::server::ServeConfig) -> SocketAddr {
    let router = app.router_with_config(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// An answer: status, `Set-Cookie` (if any), body.
pub struct Answer {
    pub status: u16,
    pub cookie: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Answer {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A browser-like client: keeps the session cookie.
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    pub base: String,
    host: String,
    pub cookie: Option<String>,
}

/// The sequence number each tab's page last showed (`data-seq`), shared by
/// every client of the process as a browser tab's script holds it.
static SEQS: std::sync::Mutex<Option<std::collections::HashMap<String, u64>>> =
    std::sync::Mutex::new(None);

/// The sequence number `tab`'s last page showed.
pub fn seq_of(tab: &str) -> Option<u64> {
    SEQS.lock().unwrap().as_ref()?.get(tab).copied()
}

impl Http {
    pub fn new(addr: SocketAddr) -> Self {
        Http {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: format!("http://{addr}"),
            host: addr.to_string(),
            cookie: None,
        }
    }

    /// Sends a request; `origin: None` sends no Origin header.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        origin: Option<&str>,
    ) -> Answer {
        self.send_with(method, path, content_type, body, origin, &[])
            .await
    }

    /// [`Http::send`] with more headers.
    pub async fn send_with(
        &mut self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        origin: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("host", &self.host);
        // A value no HTTP client can send (a made-up tab with a newline) is
        // left out, as it would be on the wire.
        for (name, value) in extra {
            if hyper::header::HeaderValue::from_str(value).is_ok() {
                req = req.header(*name, *value);
            }
        }
        if !content_type.is_empty() {
            req = req.header("content-type", content_type);
        }
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let res = self
            .client
            .request(req.body(Full::new(Bytes::from(body))).unwrap())
            .await
            .expect("an answer");
        let status = res.status().as_u16();
        let cookie = res
            .headers()
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        if cookie.is_some() {
            self.cookie = cookie.clone();
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        // Text answers as text; a file's bytes are in `bytes`.
        let body = String::from_utf8_lossy(&bytes).into_owned();
        self.note_seq(&body);
        Answer {
            status,
            cookie,
            headers,
            body,
            bytes,
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send("GET", path, "", Vec::new(), None).await
    }

    /// Remembers the sequence number of the tab a page (or a stale event's
    /// answer) shows.
    fn note_seq(&self, body: &str) {
        let html = match serde_json::from_str::<serde_json::Value>(body) {
            Ok(j) => j["html"].as_str().unwrap_or_default().to_owned(),
            Err(_) => body.to_owned(),
        };
        if let (Some(tab), Some(seq)) = (
            attr_after(&html, 0, "data-tab=\""),
            attr_after(&html, 0, "data-seq=\"").and_then(|s| s.parse().ok()),
        ) {
            let mut seqs = SEQS.lock().unwrap();
            let seqs = seqs.get_or_insert_with(Default::default);
            let known = seqs.entry(tab).or_insert(seq);
            *known = (*known).max(seq);
        }
    }

    /// A JSON event from the app's own origin, as the client script sends
    /// it: the tab in a header too, and (unless `json` has one) the tab's
    /// sequence number from its last page.
    pub async fn event(&mut self, json: &serde_json::Value) -> Answer {
        let mut json = json.clone();
        let tab = json["tab"].as_str().unwrap_or_default().to_owned();
        if let (Some(body), Some(seq)) = (json.as_object_mut(), seq_of(&tab)) {
            body.entry("seq").or_insert(seq.into());
        }
        self.event_raw(&tab, json.to_string().into_bytes()).await
    }

    /// An event body as it is, for `tab`.
    pub async fn event_raw(&mut self, tab: &str, body: Vec<u8>) -> Answer {
        let origin = self.base.clone();
        self.send_with(
            "POST",
            "/_brooklet/event",
            "application/json",
            body,
            Some(&origin),
            &[("x-brooklet-tab", tab)],
        )
        .await
    }

    /// The Stop control of `tab`'s page.
    pub async fn stop(&mut self, tab: &str) -> Answer {
        let origin = self.base.clone();
        self.send_with(
            "POST",
            "/_brooklet/stop",
            "application/json",
            Vec::new(),
            Some(&origin),
            &[("x-brooklet-tab", tab)],
        )
        .await
    }

    /// A plain form post, as a browser without JavaScript sends it.
    /// The tab's sequence number (`_seq`) is added from its last page
    /// unless `fields` has one.
    pub async fn form(&mut self, fields: &[(&str, &str)]) -> Answer {
        let mut fields = fields.to_vec();
        let tab = fields
            .iter()
            .find(|(k, _)| *k == "_tab")
            .map(|(_, v)| v.to_string());
        let seq = tab.and_then(|t| seq_of(&t)).map(|s| s.to_string());
        if let (Some(seq), false) = (&seq, fields.iter().any(|(k, _)| *k == "_seq")) {
            fields.push(("_seq", seq));
        }
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let origin = self.base.clone();
        self.send(
            "POST",
            "/_brooklet/form",
            "application/x-www-form-urlencoded",
            body.into_bytes(),
            Some(&origin),
        )
        .await
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The tab id a page carries.
pub fn tab_of(html: &str) -> String {
    attr_after(html, 0, "data-tab=\"").expect("a tab id")
}

fn attr_after(html: &str, from: usize, prefix: &str) -> Option<String> {
    let start = html[from..].find(prefix)? + from + prefix.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// The id of the widget whose label is `label`.
pub fn wid(html: &str, label: &str) -> String {
    let at = html
        .find(&format!(">{label}<"))
        .unwrap_or_else(|| panic!("no widget labelled {label:?}"));
    let start = html[..at].rfind("data-wid=\"").expect("a widget") + "data-wid=\"".len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

/// The bodies of the page's text elements.
pub fn texts(html: &str) -> Vec<String> {
    html.split("<pre data-k=\"text\" class=\"bk-text\">")
        .skip(1)
        .map(|s| s.split("</pre>").next().unwrap().to_owned())
        .collect()
}
