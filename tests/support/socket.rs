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
    match tokio_tungstenite::connect_async(request).await {
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
