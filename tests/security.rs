//! Security and robustness over real connections (issue 10): each test is
//! one finding of the probe, with bounded counts, on loopback only.

#[path = "../examples/mpa_keep.rs"]
mod mpa_keep;
#[path = "../examples/slider_bounds.rs"]
mod slider_bounds;
mod support {
    pub mod http;
}

use std::net::SocketAddr;
use std::time::Duration;

use brooklet::server::ServeConfig;
use brooklet::{App, Page};
use serde_json::json;
use support::http::{start, tab_of, texts, wid, Http};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Serves `app` with brooklet's flags `args` on a free port; stops when
/// the returned sender is dropped or sent to.
async fn serve(app: App, args: &[&str]) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let config = ServeConfig::parse_from(std::iter::once("app").chain(args.iter().copied()))
        .expect("flags parse");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve_on_with_config(listener, config, async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// Sends raw bytes, answers what the server sent back before closing (or
/// within two seconds).
async fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_host_the_server_does_not_answer_for_is_refused() {
    let addr = start(slider_bounds::app()).await;
    let evil = raw(
        addr,
        b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(evil.starts_with("HTTP/1.1 421"), "{evil}");
    assert!(evil.contains("--allowed-host"), "{evil}");
    let ours = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    assert!(raw(addr, ours.as_bytes()).await.starts_with("HTTP/1.1 200"));
    // A rebinding page's event: Origin and Host agree, the host is foreign.
    let event =
        "POST /_brooklet/event HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n\
                 Content-Length: 2\r\nConnection: close\r\n\r\n{}";
    assert!(raw(addr, event.as_bytes())
        .await
        .starts_with("HTTP/1.1 421"));
}

#[tokio::test]
async fn answers_carry_security_headers_and_a_secure_cookie_behind_https() {
    let addr = start(slider_bounds::app()).await;
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe"), "{csp}");
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert!(!page.header("set-cookie").unwrap().contains("Secure"));
    let mut behind = Http::new(addr);
    let page = behind
        .send_with(
            "GET",
            "/",
            "",
            Vec::new(),
            None,
            &[("x-forwarded-proto", "https")],
        )
        .await;
    assert!(page.header("set-cookie").unwrap().contains("; Secure"));
    let (addr, _stop) = serve(
        slider_bounds::app(),
        &["--frame-ancestors", "https://a.example"],
    )
    .await;
    let page = Http::new(addr).get("/").await;
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.ends_with("frame-ancestors https://a.example"), "{csp}");
}

#[tokio::test]
async fn a_large_body_without_a_session_is_refused_before_it_is_read() {
    let addr = start(slider_bounds::app()).await;
    // 200 MB announced, none sent: the answer comes at once.
    let head = format!(
        "POST /_brooklet/event HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 200000000\r\nx-brooklet-tab: 0123456789abcdef\r\n\r\n"
    );
    let answer = raw(addr, head.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 410"), "{answer}");
    assert!(answer.contains("SessionExpired"), "{answer}");
    // With a session, on a page without uploaders: 413 at the page's limit.
    let mut c = Http::new(addr);
    let tab = tab_of(&c.get("/").await.body);
    let big = c.event_raw(&tab, vec![b' '; 2 * 1024 * 1024]).await;
    assert_eq!(big.status, 413, "{}", big.body);
    assert!(big.body.contains("shows no file uploader"), "{}", big.body);
}

#[tokio::test]
async fn a_text_value_without_max_chars_is_capped() {
    let app = App::new().page(Page::new("t", |ui| {
        let t = ui.text_area("Notes").key("notes").show()?;
        ui.text(format!("len = {}", t.len()));
        Ok(())
    }));
    let mut c = Http::new(start(app).await);
    let page = c.get("/").await;
    let (tab, notes) = (tab_of(&page.body), wid(&page.body, "Notes"));
    let long = "x".repeat(brooklet::widgets::MAX_TEXT_CHARS + 1);
    let r = c
        .event(&json!({"tab": tab, "values": [[notes, long]]}))
        .await;
    assert_eq!(r.status, 422, "{}", &r.body[..200.min(r.body.len())]);
    assert!(r.body.contains("without `max_chars`"), "{}", r.body);
    let r = c
        .event(&json!({"tab": tab, "values": [[notes, "fine"]]}))
        .await;
    assert_eq!(texts(&r.body), ["len = 4"]);
}

#[tokio::test]
async fn tabs_a_client_makes_up_store_nothing_and_evict_no_one() {
    let (addr, _stop) = serve(slider_bounds::app(), &["--max-sessions", "2"]).await;
    let mut alice = Http::new(addr);
    let page = alice.get("/").await;
    let (tab, min, max, a) = (
        tab_of(&page.body),
        wid(&page.body, "Min"),
        wid(&page.body, "Max"),
        wid(&page.body, "A"),
    );
    let mut mallory = Http::new(addr);
    mallory.get("/").await;
    for i in 0..2000u64 {
        let fake = format!("{i:016x}");
        let r = mallory
            .event_raw(
                &fake,
                format!("{{\"tab\":\"{fake}\",\"seq\":1}}").into_bytes(),
            )
            .await;
        assert_eq!(r.status, 410, "{}", r.body);
    }
    // A tab id of another shape is refused as malformed, whatever its size.
    let huge = "a".repeat(200_000);
    let r = mallory
        .send_with(
            "POST",
            "/_brooklet/event",
            "application/json",
            b"{}".to_vec(),
            Some(&mallory.base.clone()),
            &[("x-brooklet-tab", &huge)],
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    // Alice's session is still there.
    let r = alice
        .event(&json!({"tab": tab, "values": [[min, 1], [max, 10], [a, 3]]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(texts(&r.body), ["a = 3"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_events_on_one_tab_is_bounded() {
    // The flood comes while the first run holds the tab, past its last `Ui`
    // call (where a newer event would end it early, R47).
    static HOLDING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let app = App::new().page(Page::new("slow", |ui| {
        if ui.button("Go").key("go").show()? {
            HOLDING.store(true, std::sync::atomic::Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(1000));
        }
        Ok(())
    }));
    let addr = start(app).await;
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let (tab, go) = (tab_of(&page.body), wid(&page.body, "Go"));
    let cookie = c.cookie.clone();
    let send = |tab: String, go: String, cookie| {
        tokio::spawn(async move {
            let mut c = Http::new(addr);
            c.cookie = cookie;
            let r = c
                .event(&json!({"tab": tab, "values": [], "click": go}))
                .await;
            (r.status, r.body)
        })
    };
    let mut tasks = vec![send(tab.clone(), go.clone(), cookie.clone())];
    while !HOLDING.load(std::sync::atomic::Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tasks.extend((1..30).map(|_| send(tab.clone(), go.clone(), cookie.clone())));
    let mut busy = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            429 => {
                assert!(body.contains("TooManyEvents"), "{body}");
                busy += 1;
            }
            200 | 409 => {}
            _ => panic!("{status}: {body}"),
        }
    }
    assert!(busy >= 20, "only {busy} of 30 refused as busy");
}

#[tokio::test]
async fn a_replayed_event_is_refused_and_the_page_resynchronised() {
    let app = App::new().page(Page::new("counter", |ui| {
        let n = ui.state().setdefault("n", 0)?;
        if ui.button("Add").key("add").show()? {
            ui.state().set("n", &(n + 1))?;
        }
        ui.text(format!("n = {}", ui.state().get::<i64>("n")?));
        Ok(())
    }));
    let mut c = Http::new(start(app).await);
    let page = c.get("/").await;
    let (tab, add) = (tab_of(&page.body), wid(&page.body, "Add"));
    let seq = support::http::seq_of(&tab).unwrap();
    let click = json!({"tab": tab, "seq": seq, "values": [], "click": add}).to_string();
    let first = c.event_raw(&tab, click.clone().into_bytes()).await;
    assert_eq!(texts(&first.body), ["n = 1"]);
    let replay = c.event_raw(&tab, click.into_bytes()).await;
    assert_eq!(replay.status, 409, "{}", replay.body);
    let j: serde_json::Value = serde_json::from_str(&replay.body).unwrap();
    assert_eq!(j["error"]["kind"], "StaleEvent");
    assert_eq!(texts(j["html"].as_str().unwrap()), ["n = 1"]);
    // The no-JavaScript post of an old page is refused the same way.
    let old = c
        .form(&[("_tab", &tab), ("_seq", &seq.to_string()), ("_click", &add)])
        .await;
    assert_eq!(old.status, 409);
    assert!(old.body.contains("out of date") && texts(&old.body) == ["n = 1"]);
}

#[tokio::test]
async fn a_form_post_after_expiry_starts_again_on_its_page() {
    let mut c = Http::new(start(mpa_keep::app()).await);
    let page = c.get("/without").await;
    let tab = tab_of(&page.body);
    let other = format!("{:016x}", 7);
    assert_ne!(tab, other);
    let r = c
        .form(&[("_tab", &other), ("_seq", "1"), ("_page", "without")])
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Without the trick"), "{}", r.body);
    assert!(r.body.contains("session had expired"), "{}", r.body);
    assert!(!r.body.contains("Page not found"));
}

#[tokio::test]
async fn a_disabled_range_slider_does_not_break_form_posts() {
    let app = App::new().page(Page::new("p", |ui| {
        let (lo, hi) = ui
            .range_slider("Fixed", 0, 10)
            .disabled(true)
            .key("fixed")
            .show()?;
        let n = ui.slider("N", 0, 10).key("n").show()?;
        ui.text(format!("{lo}-{hi} n = {n}"));
        Ok(())
    }));
    let mut c = Http::new(start(app).await);
    let page = c.get("/").await;
    let (tab, n) = (tab_of(&page.body), wid(&page.body, "N"));
    // The browser posts no field for the disabled slider.
    let r = c.form(&[("_tab", &tab), (&n, "4")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(texts(&r.body), ["0-10 n = 4"]);
}

#[tokio::test]
async fn what_a_client_sends_is_not_echoed_at_length() {
    let mut c = Http::new(start(mpa_keep::app()).await);
    let long_query = format!("/?q={}", "x".repeat(9000));
    assert_eq!(c.get(&long_query).await.status, 414);
    let missing = c.get(&format!("/{}", "n".repeat(30_000))).await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.len() < 2000, "{} bytes", missing.body.len());
    let tab = tab_of(&c.get("/").await.body);
    let far = c
        .event(&json!({"tab": tab, "page": "p".repeat(100_000), "values": []}))
        .await;
    assert_eq!(far.status, 404);
    assert!(far.body.len() < 3000, "{} bytes", far.body.len());
    let put = c.send("PUT", "/", "", Vec::new(), None).await;
    assert_eq!(put.status, 405);
    assert!(put.body.contains("use GET"), "{}", put.body);
    let get_event = c.get("/_brooklet/event").await;
    assert_eq!(get_event.status, 405);
    assert!(get_event.body.contains("use POST"), "{}", get_event.body);
}

fn panicking() -> App {
    App::new().page(Page::new("p", |ui| {
        if ui.checkbox("Boom").key("boom").value(true).show()? {
            panic!("secret detail");
        }
        Ok(())
    }))
}

#[tokio::test]
async fn panic_details_are_shown_only_in_development_mode() {
    let (addr, _stop) = serve(panicking(), &["--show-error-details", "false"]).await;
    let page = Http::new(addr).get("/").await;
    assert!(
        page.body.contains("details are in the server"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("secret detail") && !page.body.contains(".rs:"));
    let (addr, _stop) = serve(panicking(), &["--show-error-details", "true"]).await;
    let page = Http::new(addr).get("/").await;
    assert!(page.body.contains("secret detail") && page.body.contains("security.rs:"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_neither_deny_service_nor_stay() {
    let (addr, _stop) = serve(slider_bounds::app(), &["--header-timeout-secs", "2"]).await;
    // 2,000 connections that send half a request line and wait.
    let mut slow = Vec::new();
    for _ in 0..2000 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: ").await.unwrap();
        slow.push(s);
    }
    let asked = std::time::Instant::now();
    let page = tokio::time::timeout(Duration::from_secs(10), Http::new(addr).get("/")).await;
    assert_eq!(page.expect("served while 2,000 clients stall").status, 200);
    eprintln!(
        "a page load while 2,000 slow clients hold connections: {:.1} ms",
        asked.elapsed().as_secs_f64() * 1e3
    );
    // Past the header timeout the server has closed them.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut closed = 0;
    for s in &mut slow {
        let mut buf = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(50), s.read(&mut buf)).await {
            Ok(Ok(_)) | Ok(Err(_)) => closed += 1,
            Err(_) => {}
        }
    }
    assert_eq!(closed, 2000, "{closed} of 2000 slow connections closed");
    eprintln!("all 2,000 slow connections closed by the 2 s header timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_finishes_the_requests_under_way() {
    let app = App::new().page(Page::new("slow", |ui| {
        if ui.button("Go").key("go").show()? {
            std::thread::sleep(Duration::from_millis(500));
            ui.text("done");
        }
        Ok(())
    }));
    let (addr, stop) = serve(app, &[]).await;
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let (tab, go) = (tab_of(&page.body), wid(&page.body, "Go"));
    let cookie = c.cookie.clone();
    let running = tokio::spawn(async move {
        let mut c = Http::new(addr);
        c.cookie = cookie;
        c.event(&json!({"tab": tab, "values": [], "click": go}))
            .await
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    stop.send(()).unwrap();
    let answer = running.await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(texts(&answer.body), ["done"]);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "still accepting after the stop"
    );
}

/// SIGTERM, as containers and systemd send it, stops the server as Ctrl-C
/// does (in a child process: the signal goes to that process alone).
#[test]
fn sigterm_stops_the_server_gracefully() {
    if std::env::var("BROOKLET_SIGTERM_CHILD").is_ok() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            println!("addr={}", listener.local_addr().unwrap());
            let config = ServeConfig::parse_from(["app"]).unwrap();
            slider_bounds::app()
                .serve_on_with_config(listener, config, brooklet::__private::stop_signal())
                .await
                .unwrap();
            println!("stopped cleanly");
        });
        return;
    }
    use std::io::BufRead;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sigterm_stops_the_server_gracefully",
            "--nocapture",
        ])
        .env("BROOKLET_SIGTERM_CHILD", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let addr: SocketAddr = loop {
        let line = lines.next().expect("the child prints its address").unwrap();
        if let Some(a) = line.strip_prefix("addr=") {
            break a.parse().unwrap();
        }
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the child never listened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200)); // its signal handler is installed
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}: {rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("stopped cleanly")),
        "{rest:?}"
    );
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_refused() {
    let (addr, _stop) = serve(slider_bounds::app(), &["--body-timeout-secs", "1"]).await;
    let mut c = Http::new(addr);
    let tab = tab_of(&c.get("/").await.body);
    let cookie = c.cookie.clone().unwrap();
    let head = format!(
        "POST /_brooklet/event HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 1000\r\nCookie: {cookie}\r\nx-brooklet-tab: {tab}\r\n\r\n{{\"tab\":"
    );
    let answer = raw(addr, head.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("RequestTimeout"), "{answer}");
}

#[tokio::test]
async fn the_memory_store_is_bounded_by_bytes_as_well_as_count() {
    // Room for a few sessions by bytes, far below the count cap.
    let (addr, _stop) = serve(slider_bounds::app(), &["--max-session-memory", "64K"]).await;
    let mut first = Http::new(addr);
    let page = first.get("/").await;
    let (tab, min, max, a) = (
        tab_of(&page.body),
        wid(&page.body, "Min"),
        wid(&page.body, "Max"),
        wid(&page.body, "A"),
    );
    for _ in 0..100 {
        assert_eq!(Http::new(addr).get("/").await.status, 200);
    }
    let r = first
        .event(&json!({"tab": tab, "values": [[min, 1], [max, 10], [a, 3]]}))
        .await;
    assert_eq!(r.status, 410, "{}", r.body);
    assert!(r.body.contains("\"reload\":true"), "{}", r.body);
    // The newest session is still there.
    let mut last = Http::new(addr);
    let page = last.get("/").await;
    let tab = tab_of(&page.body);
    let r = last
        .event(&json!({"tab": tab, "values": [[min, 1], [max, 10], [a, 4]]}))
        .await;
    assert_eq!(texts(&r.body), ["a = 4"]);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let (addr, _stop) = serve(slider_bounds::app(), &["--header-timeout-secs", "1"]).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let get = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    s.write_all(get.as_bytes()).await.unwrap();
    // The page, then nothing more: the server closes the connection once it
    // has been idle for the header timeout.
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the idle connection stayed open");
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn the_not_found_page_escapes_the_path_it_quotes() {
    let mut c = Http::new(start(mpa_keep::app()).await);
    let path = "/%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E%3Cimg%20src=x%20onerror=alert(2)%3E";
    let missing = c.get(path).await;
    assert_eq!(missing.status, 404);
    assert!(
        !missing.body.contains("<script>alert") && !missing.body.contains("<img"),
        "{}",
        missing.body
    );
    // Sent raw, `<` never reaches the page as markup either.
    let addr = c.base.trim_start_matches("http://").parse().unwrap();
    let get = format!(
        "GET /<script>alert(3)</script> HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let answer = raw(addr, get.as_bytes()).await;
    assert!(!answer.contains("<script>alert(3)"), "{answer}");
}
