//! The push channel (`GET /_brooklet/ws`): events up and the app down, in
//! order, each answered once with the client's number; a newer event
//! supersedes the run going on (R47); a reconnect resynchronises; a
//! reloaded page takes back its session; bad frames, strangers, expired
//! sessions and clients that never read get a clear, bounded outcome.

mod support {
    pub mod http;
    pub mod socket;
}

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use brooklet::{App, Page, Ui};
use serde_json::{json, Value};
use support::http::{start, start_with, tab_of, texts, wid, Http};
use support::socket::{connect, next, send, seq_in, Shown};

/// A page with a checkbox "Work" that, at level 0, loops on `checkpoint()`.
fn looping_app(looping: Arc<AtomicUsize>) -> App {
    App::new().page(Page::new("loop", move |ui: &Ui<'_>| {
        let work = ui.checkbox("Work").key("work").show()?;
        let level = ui.slider("Level", 0, 10).key("level").show()?;
        ui.text(format!("work={work} level={level}"));
        if work && level == 0 {
            looping.fetch_add(1, Ordering::AcqRel);
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            while std::time::Instant::now() < deadline {
                ui.checkpoint()?;
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        ui.text("done");
        Ok(())
    }))
}

/// A browser's first page load: its client, tab and page.
async fn open(addr: std::net::SocketAddr) -> (Http, String, String) {
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    assert_eq!(page.status, 200);
    let tab = tab_of(&page.body);
    (c, tab, page.body)
}

fn event(tab: &str, seq: u64, n: u64, values: Value) -> Value {
    json!({"tab": tab, "seq": seq, "n": n, "values": values})
}

/// Attaching sends the app as it is; events come back in order, each
/// answered once with the client's number; the session is the one the
/// POST path sees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_over_the_socket_are_answered_in_order() {
    let addr = start(looping_app(Default::default())).await;
    let (mut c, tab, page) = open(addr).await;
    let level = wid(&page, "Level");
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let first = next(&mut ws).await.unwrap();
    assert_eq!(
        (first["t"].as_str(), first["attach"].as_bool()),
        (Some("app"), Some(true))
    );
    let mut shown = Shown::default();
    shown.take(&first);
    assert_eq!(shown.texts(), ["work=false level=0", "done"]);
    let seq = shown.seq;
    for (n, v) in [(1, 3), (2, 4), (3, 5)] {
        send(&mut ws, &event(&tab, seq, n, json!([[level, v]]))).await;
    }
    let mut seen = Vec::new();
    for _ in 0..3 {
        let frame = answer(&mut ws, &mut shown).await;
        seen.push((
            frame["t"].as_str().unwrap().to_owned(),
            frame["n"].as_u64().unwrap(),
        ));
    }
    assert_eq!(shown.texts(), ["work=false level=5", "done"]);
    assert_eq!(seen.iter().map(|(_, n)| *n).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(
        seen.iter().all(|(t, _)| t == "patch" || t == "superseded"),
        "{seen:?}"
    );
    let r = c
        .event(&json!({"tab": tab, "values": [], "seq": shown.seq}))
        .await;
    assert_eq!(texts(&r.body), ["work=false level=5", "done"], "{}", r.body);
}

/// Reads frames, showing them, up to the next answer to an event (a frame
/// with the client's number), which it returns.
async fn answer(ws: &mut support::socket::Stream, shown: &mut Shown) -> Value {
    loop {
        let frame = next(ws).await.expect("an answer");
        shown.take(&frame);
        if frame["n"].as_u64().is_some() {
            return frame;
        }
    }
}

/// R47 over the socket: an event sent while a run loops supersedes it, and
/// a stop frame ends the next one as `stop()` does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_event_supersedes_and_a_stop_frame_stops() {
    let looping = Arc::new(AtomicUsize::new(0));
    let addr = start(looping_app(looping.clone())).await;
    let (c, tab, page) = open(addr).await;
    let (work, level) = (wid(&page, "Work"), wid(&page, "Level"));
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let mut shown = Shown::default();
    shown.take(&next(&mut ws).await.unwrap());
    let seq = shown.seq;
    send(&mut ws, &event(&tab, seq, 1, json!([[work, true]]))).await;
    while looping.load(Ordering::Acquire) < 1 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    send(
        &mut ws,
        &event(&tab, seq, 2, json!([[work, true], [level, 2]])),
    )
    .await;
    let superseded = answer(&mut ws, &mut shown).await;
    assert_eq!(
        (superseded["t"].as_str(), superseded["n"].as_u64()),
        (Some("superseded"), Some(1))
    );
    let ran = answer(&mut ws, &mut shown).await;
    assert_eq!(ran["n"], 2);
    assert_eq!(shown.texts(), ["work=true level=2", "done"]);

    send(
        &mut ws,
        &event(&tab, shown.seq, 3, json!([[work, true], [level, 0]])),
    )
    .await;
    while looping.load(Ordering::Acquire) < 2 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    send(&mut ws, &json!({"stop": true})).await;
    let stopped = answer(&mut ws, &mut shown).await;
    assert_eq!(stopped["n"], 3);
    assert_eq!(shown.texts(), ["work=true level=0"]);
}

/// Bad frames get an error frame naming the problem, and the connection and
/// the session carry on: not JSON, an unknown field, another tab's event,
/// a binary frame.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_are_refused_and_the_connection_carries_on() {
    let addr = start(looping_app(Default::default())).await;
    let (c, tab, page) = open(addr).await;
    let level = wid(&page, "Level");
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let seq = seq_in(&next(&mut ws).await.unwrap());
    let other_tab = "0123456789abcdef";
    let bad = [
        json!("not an event"),
        json!({"tab": tab, "seq": seq, "n": 7, "values": [], "evil": 1}),
        json!({"tab": other_tab, "seq": seq, "n": 8, "values": []}),
        json!({"tab": tab, "seq": seq, "n": 9, "values": [["not-hex", 1]]}),
    ];
    for frame in &bad {
        send(&mut ws, frame).await;
        let answer = next(&mut ws).await.unwrap();
        assert_eq!(answer["t"], "error", "{answer}");
        assert_eq!(answer["error"]["kind"], "MalformedEvent", "{answer}");
        assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
    }
    use futures_util::SinkExt;
    ws.send(tokio_tungstenite::tungstenite::Message::Binary(
        vec![1, 2, 3].into(),
    ))
    .await
    .unwrap();
    let answer = next(&mut ws).await.unwrap();
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("binary"),
        "{answer}"
    );

    send(&mut ws, &event(&tab, seq, 10, json!([[level, 7]]))).await;
    let ran = next(&mut ws).await.unwrap();
    assert_eq!(
        (ran["t"].as_str(), ran["n"].as_u64()),
        (Some("patch"), Some(10))
    );
}

/// A frame larger than the app takes closes the connection; the session
/// is intact and a new connection carries on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_frame_closes_the_connection_only() {
    // Uploads of up to 1 MiB: frames of up to about 2.4 MiB.
    let addr = start(looping_app(Default::default()).max_upload_size(1024 * 1024)).await;
    let (c, tab, page) = open(addr).await;
    let level = wid(&page, "Level");
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let seq = seq_in(&next(&mut ws).await.unwrap());
    let huge = "x".repeat(4 * 1024 * 1024);
    let frame = json!({"tab": tab, "seq": seq, "n": 1, "values": [[level, huge]]});
    use futures_util::SinkExt;
    let _ = ws
        .send(tokio_tungstenite::tungstenite::Message::Text(
            frame.to_string().into(),
        ))
        .await;
    assert!(next(&mut ws).await.is_none(), "the connection is closed");

    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let again = next(&mut ws).await.unwrap();
    assert_eq!(
        texts(again["html"].as_str().unwrap()),
        ["work=false level=0", "done"]
    );
}

/// A connection needs the app's origin, the session's cookie and a tab of
/// that browser's: a stranger, another origin or a made-up tab is refused
/// at the handshake.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_and_made_up_tabs_are_refused() {
    let addr = start(looping_app(Default::default())).await;
    let (c, tab, _) = open(addr).await;
    let (stranger, _, _) = open(addr).await;
    assert_eq!(
        connect(addr, stranger.cookie.as_deref(), &tab, "")
            .await
            .err(),
        Some(410)
    );
    assert_eq!(connect(addr, None, &tab, "").await.err(), Some(400));
    assert_eq!(
        connect(addr, c.cookie.as_deref(), "0123456789abcdef", "")
            .await
            .err(),
        Some(410)
    );
    assert_eq!(
        connect(addr, c.cookie.as_deref(), "NOT-A-TAB", "")
            .await
            .err(),
        Some(400)
    );
    // Another origin: a page elsewhere cannot open the channel (CSRF).
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{addr}/_brooklet/ws?tab={tab}")
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", "http://evil.example".parse().unwrap());
    headers.insert("cookie", c.cookie.as_deref().unwrap().parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 403),
        other => panic!("another origin was let in: {:?}", other.map(|_| ())),
    }
}

/// A reloaded page (given a new tab) takes back its earlier session with
/// `replaces`: the channel shows the earlier session's state, and the tab
/// the reload was given is forgotten. A reconnect resynchronises.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_takes_back_its_session_and_a_reconnect_resyncs() {
    let addr = start(looping_app(Default::default())).await;
    let (mut c, tab, page) = open(addr).await;
    let level = wid(&page, "Level");
    let r = c.event(&json!({"tab": tab, "values": [[level, 8]]})).await;
    assert_eq!(texts(&r.body), ["work=false level=8", "done"]);

    // The reload: a new page load in the same browser, a new tab id.
    let reload = c.get("/").await;
    let given = tab_of(&reload.body);
    assert_ne!(given, tab);
    let mut ws = connect(
        addr,
        c.cookie.as_deref(),
        &tab,
        &format!("&replaces={given}"),
    )
    .await
    .unwrap();
    let first = next(&mut ws).await.unwrap();
    assert_eq!(
        texts(first["html"].as_str().unwrap()),
        ["work=false level=8", "done"]
    );
    let gone = c
        .event(&json!({"tab": given, "values": [], "seq": 0}))
        .await;
    assert_eq!(
        gone.status, 410,
        "the tab the reload was given is forgotten"
    );

    // A dropped connection: the next one starts with the app as it is.
    drop(ws);
    let r = c.event(&json!({"tab": tab, "values": [[level, 9]]})).await;
    assert_eq!(r.status, 200);
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let first = next(&mut ws).await.unwrap();
    assert_eq!(
        texts(first["html"].as_str().unwrap()),
        ["work=false level=9", "done"]
    );
}

/// A frame after the session expired is answered "reload".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_after_expiry_says_reload() {
    let config = brooklet::server::ServeConfig {
        session_idle_secs: 1,
        ..Default::default()
    };
    let addr = start_with(looping_app(Default::default()), &config).await;
    let (c, tab, page) = open(addr).await;
    let level = wid(&page, "Level");
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let seq = seq_in(&next(&mut ws).await.unwrap());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    send(&mut ws, &event(&tab, seq, 1, json!([[level, 1]]))).await;
    let answer = next(&mut ws).await.unwrap();
    assert_eq!(answer["error"]["kind"], "SessionExpired", "{answer}");
    assert_eq!(answer["reload"], true);
}

/// A client's text frame: masked (with a zero key, which leaves the
/// payload as it is), its length in the shortest form.
fn masked(text: &str) -> Vec<u8> {
    let len = text.len();
    let mut frame = vec![0x81];
    match len {
        0..=125 => frame.push(0x80 | len as u8),
        126..=0xffff => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&[0, 0, 0, 0]);
    frame.extend_from_slice(text.as_bytes());
    frame
}

/// A client that sends but never reads: its frames pile up to the bound,
/// then its connection is closed; other sessions are not slowed, and its
/// own session is intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_disconnected() {
    let big = App::new().page(Page::new("big", |ui: &Ui<'_>| {
        let level = ui.slider("Level", 0, 1000).key("level").show()?;
        ui.text(format!("level={level} {}", "x".repeat(512 * 1024)));
        Ok(())
    }));
    let config = brooklet::server::ServeConfig {
        socket_send_timeout_secs: 1,
        ..Default::default()
    };
    let addr = start_with(big, &config).await;

    let (c, tab, page) = open(addr).await;
    let level = wid(&page, "Level");
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let seq = seq_in(&next(&mut ws).await.unwrap());
    // Send, never read: frames go straight to the TCP stream, so that
    // nothing reads what comes back (a WebSocket client reads while it
    // writes). Each answer is half a megabyte.
    use tokio::io::AsyncWriteExt;
    let tokio_tungstenite::MaybeTlsStream::Plain(raw) = ws.get_mut() else {
        unreachable!("loopback is plain TCP")
    };
    let mut closed = false;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut n = 0u64;
    while std::time::Instant::now() < deadline {
        n += 1;
        let frame = event(&tab, seq, n, json!([[level, n % 1000]])).to_string();
        let sent =
            tokio::time::timeout(Duration::from_secs(5), raw.write_all(&masked(&frame))).await;
        if !matches!(sent, Ok(Ok(()))) {
            closed = true;
            break;
        }
        // Meanwhile another session is served as usual.
        if n.is_multiple_of(50) {
            let (mut other, other_tab, _) = open(addr).await;
            let r = tokio::time::timeout(
                Duration::from_secs(10),
                other.event(&json!({"tab": other_tab, "values": []})),
            )
            .await
            .expect("another session was slowed");
            assert_eq!(r.status, 200);
        }
        // Each event runs to its end (a newer one would supersede it,
        // R47, and its answer would be small).
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        closed,
        "the server never closed the connection of a client that does not read"
    );
    // Its session is intact: the answer (the page as it is, since this
    // client does not know the events the channel ran) shows it.
    let mut c = c;
    let r = c.event(&json!({"tab": tab, "values": []})).await;
    assert!(matches!(r.status, 200 | 409), "{}", r.status);
    assert!(r.body.contains("level="), "the session is intact");
}

/// Point 3 and 5: a slow run reaches the client while it goes on, as
/// patches marked running, with the previous run's rest shown stale until
/// drawn again; the answer ends the run. A fast run sends only its answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_run_streams_with_the_rest_stale() {
    let app = App::new().page(Page::new("steps", |ui: &Ui<'_>| {
        let slow = ui.checkbox("Slow").key("slow").show()?;
        let run: i64 = ui.state().get_opt("run")?.unwrap_or(0) + 1;
        ui.state().set("run", &run)?;
        for step in ["a", "b", "c"] {
            ui.text(format!("run {run} step {step}"));
            if slow {
                std::thread::sleep(Duration::from_millis(150));
            }
        }
        Ok(())
    }));
    let addr = start(app).await;
    let (c, tab, page) = open(addr).await;
    let slow = wid(&page, "Slow");
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let mut shown = Shown::default();
    shown.take(&next(&mut ws).await.unwrap());
    assert_eq!(
        shown.all_texts(),
        ["run 1 step a", "run 1 step b", "run 1 step c"]
    );

    send(&mut ws, &event(&tab, shown.seq, 1, json!([[slow, true]]))).await;
    let mut partial = Vec::new();
    let answer = loop {
        let frame = next(&mut ws).await.unwrap();
        shown.take(&frame);
        if frame["n"].as_u64().is_some() {
            break frame;
        }
        assert_eq!(frame["running"], true, "{frame}");
        partial.push((shown.texts(), shown.all_texts()));
    };
    assert_eq!(answer["running"], false);
    assert_eq!(
        shown.texts(),
        ["run 2 step a", "run 2 step b", "run 2 step c"]
    );
    assert!(
        !partial.is_empty(),
        "nothing reached the client while the run went on"
    );
    // Some flush showed the new run's first step beside the old run's rest.
    let beside_stale = partial.iter().any(|(fresh, all)| {
        fresh == &["run 2 step a"] && all.iter().any(|t| t.starts_with("run 1"))
    });
    assert!(beside_stale, "{partial:?}");

    // A fast run: its answer alone.
    send(&mut ws, &event(&tab, shown.seq, 2, json!([[slow, false]]))).await;
    let frame = next(&mut ws).await.unwrap();
    assert_eq!(frame["n"], 2, "a fast run sends its answer only: {frame}");
    shown.take(&frame);
    assert_eq!(
        shown.texts(),
        ["run 3 step a", "run 3 step b", "run 3 step c"]
    );
}

/// A new tab's first run streams too: the page load answers while the run
/// goes on (marked running), the channel connects at once and sees the run,
/// and an event from that page supersedes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_run_streams_and_an_event_supersedes_it() {
    let app = App::new().page(Page::new("first", |ui: &Ui<'_>| {
        let runs: i64 = ui.state().get_opt("runs")?.unwrap_or(0) + 1;
        ui.state().set("runs", &runs)?;
        let level = ui.slider("Level", 0, 10).key("level").show()?;
        ui.text(format!("run {runs} level {level}"));
        // The first run waits until something supersedes it.
        if runs == 1 {
            loop {
                ui.checkpoint()?;
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        ui.text("done");
        Ok(())
    }));
    let addr = start(app).await;
    let (c, tab, page) = open(addr).await;
    assert!(
        page.contains("data-running=\"true\""),
        "answered while the run goes on"
    );
    assert_eq!(texts(&page), ["run 1 level 0"]);
    let level = wid(&page, "Level");
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let mut shown = Shown::default();
    // The run streams the whole app once connected.
    let streamed = next(&mut ws).await.unwrap();
    assert_eq!(
        (streamed["t"].as_str(), streamed["running"].as_bool()),
        (Some("app"), Some(true))
    );
    shown.take(&streamed);
    send(&mut ws, &event(&tab, 0, 1, json!([[level, 4]]))).await;
    let ran = answer(&mut ws, &mut shown).await;
    assert_eq!(ran["n"], 1, "{ran}");
    assert_eq!(shown.texts(), ["run 2 level 4", "done"]);
}

/// A fragment's timer over the push channel runs the fragment alone, and
/// never stops a run going on: its tick is skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fragment_timer_runs_it_alone_and_never_stops_a_run() {
    let looping = Arc::new(AtomicUsize::new(0));
    let seen = looping.clone();
    let app = App::new().page(Page::new("timer", move |ui: &Ui<'_>| {
        let work = ui.checkbox("Work").key("work").show()?;
        ui.fragment_every("clock", Duration::from_millis(200), |ui| {
            let ticks: i64 = ui.state().get_opt("ticks")?.unwrap_or(0) + 1;
            ui.state().set("ticks", &ticks)?;
            ui.text(format!("tick {ticks}"));
            Ok(())
        })?;
        if work {
            seen.fetch_add(1, Ordering::AcqRel);
            std::thread::sleep(Duration::from_millis(300));
        }
        ui.text(format!("work={work}"));
        Ok(())
    }));
    let addr = start(app).await;
    let (c, tab, page) = open(addr).await;
    assert!(
        page.contains("data-run-every=\"200\""),
        "the timer is on the page"
    );
    let work = wid(&page, "Work");
    let mut ws = connect(addr, c.cookie.as_deref(), &tab, "").await.unwrap();
    let mut shown = Shown::default();
    shown.take(&next(&mut ws).await.unwrap());
    let tick = |n: u64, seq: u64| json!({"tab": tab, "seq": seq, "n": n, "values": [], "fragment": "clock"});
    send(&mut ws, &tick(1, shown.seq)).await;
    let ran = answer(&mut ws, &mut shown).await;
    assert_eq!(ran["t"], "patch");
    let inserted = ran["main"].to_string();
    assert!(
        inserted.contains("tick 2") && !inserted.contains("work="),
        "{ran}"
    );

    send(&mut ws, &event(&tab, shown.seq, 2, json!([[work, true]]))).await;
    while looping.load(Ordering::Acquire) < 1 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    send(&mut ws, &tick(3, shown.seq)).await;
    let skipped = answer(&mut ws, &mut shown).await;
    assert_eq!(
        (skipped["t"].as_str(), skipped["n"].as_u64()),
        (Some("superseded"), Some(3))
    );
    let ran = answer(&mut ws, &mut shown).await;
    assert_eq!(ran["n"], 2, "the run went on to its end");
    assert!(
        shown.all_texts().contains(&"work=true".to_owned()),
        "{:?}",
        shown.all_texts()
    );
}
