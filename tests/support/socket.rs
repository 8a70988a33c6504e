//! A push-channel client for tests: connects to a tab's WebSocket as the
//! client script does (cookie, Origin), sends events, reads frames.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

pub type Stream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a test waits for a frame before it calls it missing.
pub const WAIT: Duration = Duration::from_secs(20);

/// Connects to `tab`'s channel with `cookie` (`bk_sid=...`); `query` is
/// added to the address (`&replaces=...`). The handshake's status on
/// refusal.
pub async fn connect(
    addr: SocketAddr,
    cookie: Option<&str>,
    tab: &str,
    query: &str,
) -> Result<Stream, u16> {
    let url = format!("ws://{addr}/_brooklet/ws?tab={tab}{query}");
    let mut request = url.into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert(
        "origin",
        HeaderValue::from_str(&format!("http://{addr}")).unwrap(),
    );
    if let Some(cookie) = cookie {
        headers.insert("cookie", HeaderValue::from_str(cookie).unwrap());
    }
    // Nagle's algorithm off, as in browsers: an event is not held back
    // for the ACK of the one before.
    match tokio_tungstenite::connect_async_with_config(request, None, true).await {
        Ok((stream, _)) => Ok(stream),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(e) => panic!("the handshake failed: {e}"),
    }
}

/// The next text frame, as JSON; `None` when the connection closed.
pub async fn next(ws: &mut Stream) -> Option<Value> {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("a frame in time");
        match frame {
            Some(Ok(Message::Text(t))) => return Some(serde_json::from_str(&t).unwrap()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

/// Sends a JSON frame.
pub async fn send(ws: &mut Stream, frame: &Value) {
    ws.send(Message::Text(frame.to_string().into()))
        .await
        .unwrap();
}

/// The `data-seq` an app frame's HTML carries.
pub fn seq_in(frame: &Value) -> u64 {
    let html = frame["html"].as_str().unwrap();
    let at = html.find("data-seq=\"").unwrap() + "data-seq=\"".len();
    html[at..].split('"').next().unwrap().parse().unwrap()
}

/// What the client shows, as the client script keeps it: the blocks of
/// the main area, from whole-app frames and patches.
#[derive(Default, Debug)]
pub struct Shown {
    pub main: Vec<String>,
    /// The sequence number of the page shown.
    pub seq: u64,
    /// The last frame said the run is still going.
    pub running: bool,
    /// How many blocks the last frame drew in this run (the rest is stale).
    pub fresh: Option<usize>,
}

impl Shown {
    /// Takes an `app` or `patch` frame; other frames leave it.
    pub fn take(&mut self, frame: &Value) {
        match frame["t"].as_str() {
            Some("app") => {
                let html = frame["html"].as_str().unwrap();
                let doc = scraper::Html::parse_fragment(html);
                let blocks = scraper::Selector::parse("#bk-main > *").unwrap();
                self.main = doc
                    .select(&blocks)
                    .filter(|e| {
                        e.value().name() != "noscript"
                            && !e.value().classes().any(|c| c == "bk-notice")
                    })
                    .map(|e| e.html())
                    .collect();
                self.seq = seq_in(frame);
            }
            Some("patch") => {
                // Changes inside containers are not followed: only the
                // top-level blocks are.
                let ops = frame["main"].as_array().into_iter().flatten();
                for op in ops.filter(|op| op["path"].as_array().is_some_and(|p| p.is_empty())) {
                    let at = op["at"].as_u64().unwrap() as usize;
                    let remove = op["remove"].as_u64().unwrap() as usize;
                    let insert: Vec<String> = op["insert"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|b| b.as_str().unwrap().to_owned())
                        .collect();
                    self.main.splice(at..at + remove, insert);
                }
                if let Some(seq) = frame["seq"].as_u64() {
                    self.seq = seq;
                }
            }
            _ => return,
        }
        self.running = frame["running"].as_bool().unwrap_or(false);
        self.fresh = frame["fresh"]["main"].as_u64().map(|n| n as usize);
    }

    /// The text elements shown, fresh ones only while a run goes on.
    pub fn texts(&self) -> Vec<String> {
        let fresh = if self.running {
            self.fresh.unwrap_or(0)
        } else {
            self.main.len()
        };
        texts_in(&self.main[..fresh.min(self.main.len())].concat())
    }

    /// Every text element shown, stale ones too.
    pub fn all_texts(&self) -> Vec<String> {
        texts_in(&self.main.concat())
    }
}

/// The bodies of the text elements in `html`.
pub fn texts_in(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_fragment(html);
    let text = scraper::Selector::parse("pre.bk-text").unwrap();
    doc.select(&text).map(|e| e.text().collect()).collect()
}
