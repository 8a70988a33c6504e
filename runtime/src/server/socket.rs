//! The push channel: one WebSocket per browser tab (`GET /_brooklet/ws`),
//! carrying events up and the app down.
//!
//! Each connection has three parts, so that none waits on another:
//! - the reader takes frames as they come. An event takes its place in its
//!   tab's queue at once, superseding the run going on (R47); a stop ends
//!   that run.
//! - the worker runs the queued events in the order they came.
//! - the writer sends frames, each within `--socket-send-timeout-secs`; a
//!   client that does not read is disconnected. Between them the queues
//!   are bounded.
//!
//! Attaching sends the app as the session shows it, so a reconnect (to
//! this replica or another) resynchronises the tab. `replaces` names the
//! tab a reloaded page was just given: the page takes back its earlier
//! session, and the new one is forgotten.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;

use super::answers::malformed;
use super::guard::{forbidden, same_origin};
use super::{base_of, event_body_limit, owner_from, Shared};
use crate::store::sessions::{Attached, EventAnswer, Failure, OwnerSecret, PreparedEvent, TabId};
use crate::store::stream::Channel;
use crate::store::MAX_WAITING;
use crate::wire::{page_url, parse_event, quote_long};

/// Frames waiting for the writer.
const OUTGOING: usize = 16;

#[derive(Deserialize)]
pub(super) struct Attach {
    tab: String,
    /// The tab a reloaded page was given, which it gives up for `tab`.
    replaces: Option<String>,
}

/// A stop frame: `{"stop": true}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stop {
    stop: bool,
}

pub(super) async fn socket(
    State(shared): State<Arc<Shared>>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    Query(attach): Query<Attach>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    let (Some(owner), Some(tab)) = (owner_from(&headers), TabId::parse(&attach.tab)) else {
        return malformed("a connection needs the session cookie and a tab id (16 hex digits)");
    };
    let base = base_of(&original, &uri);
    // With a run of this browser's going on, connect at once and see it
    // stream; otherwise the app as it is comes first.
    let (first, since) = match shared.sessions.running(&owner, &tab) {
        Some(seq) => (None, seq),
        None => match shared.sessions.attach(&owner, &tab, &base).await {
            Ok(attached) => (Some(attach_frame(&attached)), attached.seq),
            Err(failure) => return failure.json(),
        },
    };
    if let Some(given) = attach.replaces.as_deref().and_then(TabId::parse) {
        if given != tab {
            shared.sessions.discard(&owner, &given).await;
        }
    }
    let Some(channel) = shared.sessions.channel(&tab) else {
        return Failure::Expired.json();
    };
    let limit = event_body_limit(shared.sessions.upload_cap());
    upgrade
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |ws| {
            let peer = Peer {
                owner,
                tab,
                since,
                channel,
            };
            serve(shared, ws, peer, base, first)
        })
        .into_response()
}

fn attach_frame(attached: &Attached) -> Message {
    let frame = json!({
        "t": "app", "attach": true, "html": attached.html, "page": attached.page,
        "url": attached.url, "running": false,
    });
    Message::Text(frame.to_string().into())
}

/// Who is at the other end of a connection.
struct Peer {
    owner: OwnerSecret,
    tab: TabId,
    /// The sequence number of the page it attached with.
    since: u64,
    /// Where its runs stream to.
    channel: Arc<Channel>,
}

/// One connection, from its first frame to its close.
async fn serve(
    shared: Arc<Shared>,
    ws: WebSocket,
    peer: Peer,
    base: String,
    first: Option<Message>,
) {
    let (sink, mut stream) = ws.split();
    let (out, outgoing) = mpsc::channel::<Message>(OUTGOING);
    let streamed = out.clone();
    let connection = peer.channel.connect(&base, move |frame| {
        streamed.try_send(Message::Text(frame.into())).is_ok()
    });
    let (work, queued) = mpsc::channel::<PreparedEvent>(MAX_WAITING + 1);
    let mut writer = tokio::spawn(write(sink, outgoing, shared.send_timeout));
    let attach_later = match first {
        Some(frame) => {
            let _ = out.send(frame).await;
            shared.sessions.resend_task_progress(&peer.tab);
            None
        }
        // The run going on streams the whole app at its next flush; the
        // app as it is then follows once the run is over.
        None => {
            peer.channel.forget_shown();
            Some((peer.owner.clone(), peer.tab.clone()))
        }
    };
    let worker = tokio::spawn(run_events(
        shared.clone(),
        queued,
        out.clone(),
        base,
        attach_later,
    ));
    let mut writer_ended = false;
    loop {
        // A writer that gave up (a client that does not read) ends the
        // connection: the reader stops too, and both halves are dropped.
        let frame = tokio::select! {
            frame = stream.next() => frame,
            _ = &mut writer => {
                writer_ended = true;
                break;
            }
        };
        let Some(frame) = frame else { break };
        let text = match frame {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(_)) => break,
            Ok(Message::Binary(_)) => {
                let frame = error_frame("MalformedEvent", "frames are JSON text, not binary", None);
                if !say(&out, frame) {
                    break;
                }
                continue;
            }
            Ok(_) => continue,
            Err(e) => {
                tracing::debug!(tab = peer.tab.as_str(), error = %e, "a connection failed");
                break;
            }
        };
        if let Some(reply) = take_frame(&shared, &peer, text.as_bytes(), &work) {
            if !say(&out, reply) {
                break;
            }
        }
    }
    drop(work);
    let _ = worker.await;
    // The channel holds a sender too: the writer ends once all are gone.
    peer.channel.disconnect(connection);
    drop((out, peer));
    if !writer_ended {
        let _ = writer.await;
    }
}

/// Takes one frame from the client: a stop, or an event queued for the
/// worker. Returns what to tell the client at once, if anything.
fn take_frame(
    shared: &Shared,
    peer: &Peer,
    bytes: &[u8],
    work: &mpsc::Sender<PreparedEvent>,
) -> Option<Message> {
    if let Ok(Stop { stop: true }) = serde_json::from_slice(bytes) {
        shared.sessions.stop(&peer.owner, &peer.tab);
        return None;
    }
    let request = match parse_event(bytes, peer.tab.as_str()) {
        Ok(request) => request,
        Err(e) => return Some(error_frame("MalformedEvent", &e, number_in(bytes))),
    };
    let n = request.n;
    // A fragment's timer never stops a run: it waits for its next tick.
    if request.fragment.is_some() && shared.sessions.running(&peer.owner, &peer.tab).is_some() {
        return Some(answer_frame("", EventAnswer::Superseded, n));
    }
    let prepared = shared
        .sessions
        .prepare_event(&peer.owner, &peer.tab, request, Some(peer.since));
    match prepared {
        Ok(prepared) => match work.try_send(prepared) {
            Ok(()) => None,
            Err(_) => Some(failure_frame(&Failure::Busy, n)),
        },
        Err(failure) => Some(failure_frame(&failure, n)),
    }
}

/// Runs the connection's events in the order they came, and sends what
/// each came to.
async fn run_events(
    shared: Arc<Shared>,
    mut queued: mpsc::Receiver<PreparedEvent>,
    out: mpsc::Sender<Message>,
    base: String,
    attach_later: Option<(OwnerSecret, TabId)>,
) {
    if let Some((owner, tab)) = attach_later {
        let frame = match shared.sessions.attach(&owner, &tab, &base).await {
            Ok(attached) => attach_frame(&attached),
            Err(failure) => failure_frame(&failure, None),
        };
        let _ = out.send(frame).await;
        shared.sessions.resend_task_progress(&tab);
    }
    while let Some(prepared) = queued.recv().await {
        let n = prepared.number();
        let frame = match shared.sessions.run_event(prepared, &base).await {
            Ok(answer) => answer_frame(&base, answer, n),
            Err(failure) => failure_frame(&failure, n),
        };
        // Waits while the writer is behind: the queue before the worker
        // then fills, and new events are refused as busy. Once the client
        // is gone, the events it sent still run.
        let _ = out.send(frame).await;
    }
}

/// Sends frames in order; closes the connection when one cannot be sent
/// within `timeout`.
async fn write(
    mut sink: futures_util::stream::SplitSink<WebSocket, Message>,
    mut outgoing: mpsc::Receiver<Message>,
    timeout: Duration,
) {
    while let Some(frame) = outgoing.recv().await {
        match tokio::time::timeout(timeout, sink.send(frame)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "a connection failed while sending");
                return;
            }
            Err(_) => {
                tracing::info!("a client did not read for {timeout:?}; closing its connection");
                let close = CloseFrame {
                    code: axum::extract::ws::close_code::POLICY,
                    reason: Utf8Bytes::from_static("the client did not read"),
                };
                let _ = tokio::time::timeout(
                    Duration::from_secs(1),
                    sink.send(Message::Close(Some(close))),
                )
                .await;
                return;
            }
        }
    }
    let _ = sink.close().await;
}

/// Queues a frame for the writer without waiting; `false` when the client
/// is so far behind that the queue is full (the connection is then
/// closed) or gone.
fn say(out: &mpsc::Sender<Message>, frame: Message) -> bool {
    out.try_send(frame).is_ok()
}

/// What an event (the client's number `n`) came to, as a frame. Every
/// event gets one, so the client knows what is still on its way.
fn answer_frame(base: &str, answer: EventAnswer, n: Option<u64>) -> Message {
    let frame = match answer {
        EventAnswer::Ran {
            html,
            page,
            url_query,
        } => {
            let url = page_url(base, &page, &url_query);
            json!({"t": "app", "n": n, "html": html, "page": page, "url": url})
        }
        EventAnswer::Patched { mut fields } => {
            fields["n"] = json!(n);
            fields
        }
        // The newer event's frame carries the app.
        EventAnswer::Superseded => json!({"t": "superseded", "n": n}),
        EventAnswer::Refused(e) => json!({
            "t": "error", "n": n,
            "error": {"kind": e.kind().trace_name(), "message": quote_long(e.message())},
            "reload": false,
        }),
        EventAnswer::Stale { html, message } => json!({
            "t": "error", "n": n,
            "error": {"kind": "StaleEvent", "message": message},
            "reload": false,
            "html": html,
        }),
    };
    Message::Text(frame.to_string().into())
}

fn failure_frame(failure: &Failure, n: Option<u64>) -> Message {
    let said = failure.said();
    let frame = json!({
        "t": "error", "n": n,
        "error": {"kind": said.kind, "message": said.message},
        "reload": said.reload,
    });
    Message::Text(frame.to_string().into())
}

fn error_frame(kind: &str, message: &str, n: Option<u64>) -> Message {
    let frame =
        json!({"t": "error", "n": n, "error": {"kind": kind, "message": message}, "reload": false});
    Message::Text(frame.to_string().into())
}

/// The client's number of a frame that is not a valid event, if it has one.
fn number_in(bytes: &[u8]) -> Option<u64> {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()?
        .get("n")?
        .as_u64()
}
