//! Driving headless Chromium through chromedriver (fantoccini) for the
//! real-browser tests.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Driver {
    child: Child,
    port: u16,
    _profile: std::path::PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver, or says why not.
pub fn driver() -> Option<Driver> {
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        let reason = format!("{CHROMEDRIVER} or {CHROMIUM} is missing (`.ci/run` installs them)");
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("browser tests cannot run: {reason}");
        }
        eprintln!("skipping browser tests: {reason}");
        return None;
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let profile = std::env::temp_dir().join(format!("brooklet-chromium-{port}"));
    Some(Driver {
        child,
        port,
        _profile: profile,
    })
}

pub async fn browser(d: &Driver) -> Client {
    let profile =
        std::env::temp_dir().join(format!("brooklet-chromium-{}-{}", d.port, free_port()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--window-size=1200,900", format!("--user-data-dir={}", profile.display())]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await
        .expect("a browser session")
}

/// Waits until `script` (a JS expression) is truthy; fails with what it last was.
pub async fn until(c: &Client, what: &str, script: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v = c
            .execute(&format!("return {script};"), vec![])
            .await
            .expect("script runs");
        let truthy =
            !matches!(v, Value::Null | Value::Bool(false)) && v != json!("") && v != json!(0);
        if truthy {
            return v;
        }
        if Instant::now() > deadline {
            let body = c
                .execute("return document.body.innerText;", vec![])
                .await
                .unwrap_or_default();
            panic!(
                "timed out waiting for {what} ({script}); last value {v}; page:\n{}",
                body.as_str().unwrap_or("")
            );
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

/// Waits until the page's text shows `text`.
pub async fn until_shows(c: &Client, text: &str) {
    let js_text = serde_json::to_string(text).expect("a string");
    until(
        c,
        &format!("the page to show {text:?}"),
        &format!("document.body.innerText.includes({js_text})"),
    )
    .await;
}

/// Waits until no request is queued or in flight.
pub async fn settled(c: &Client) {
    until(
        c,
        "no request in flight",
        "window.__brooklet && window.__brooklet.pending === 0",
    )
    .await;
}

/// Clicks the button whose text is `text`.
pub async fn click_button(c: &Client, text: &str) {
    click_element(c, "button", text).await;
}

/// Clicks the link whose text is `text` (a page in the navigation).
pub async fn click_link(c: &Client, text: &str) {
    click_element(c, "a", text).await;
}

/// Clicks the element `css` finds.
pub async fn click_css(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn click_element(c: &Client, tag: &str, text: &str) {
    let xpath = format!("//{tag}[normalize-space(.)='{text}']");
    c.find(Locator::XPath(&xpath))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The accessible name Chromium computes for the element `css` finds
/// (WebDriver's Get Computed Label, which fantoccini does not wrap).
pub async fn computed_label(d: &Driver, c: &Client, css: &str) -> String {
    let element = c.find(Locator::Css(css)).await.unwrap();
    let session = c.session_id().await.unwrap().expect("a session");
    let path = format!(
        "/session/{session}/element/{}/computedlabel",
        element.element_id()
    );
    let mut http = crate::support::http::Http::new(([127, 0, 0, 1], d.port).into());
    let answer = http
        .send("GET", &path, "application/json", Vec::new(), None)
        .await;
    let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    v["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no label: {v}"))
        .to_owned()
}

/// Replaces the page's number field's value and commits it with Enter.
pub async fn enter_number(c: &Client, value: &str) {
    let field = c.find(Locator::Css("input[type=number]")).await.unwrap();
    field.clear().await.unwrap();
    field
        .send_keys(&format!("{value}{}", char::from(Key::Enter)))
        .await
        .unwrap();
}

pub async fn body_text(c: &Client) -> String {
    c.execute("return document.body.innerText;", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Counts the event requests the page makes, and the most in flight at once.
pub const WATCH_FETCH: &str = "
    window.__sent = 0; window.__inFlight = 0; window.__most = 0; window.__bodies = [];
    if (!window.__origFetch) window.__origFetch = window.fetch;
    window.fetch = (...args) => {
        window.__bodies.push(String((args[1] || {}).body || '').length);
        window.__sent++; window.__inFlight++; window.__most = Math.max(window.__most, window.__inFlight);
        return window.__origFetch(...args).finally(() => { window.__inFlight--; });
    };
    // Events on the push channel: counted as sent, and what is unanswered.
    if (!window.__origSend) window.__origSend = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        window.__bodies.push(String(data).length);
        window.__sent++;
        window.__most = Math.max(window.__most, window.__brooklet.inFlight);
        return window.__origSend.call(this, data);
    };";

pub async fn fetch_counts(c: &Client) -> (u64, u64) {
    let v = c
        .execute("return [window.__sent, window.__most];", vec![])
        .await
        .unwrap();
    (v[0].as_u64().unwrap(), v[1].as_u64().unwrap())
}

pub const SLIDER_A: &str = "document.querySelector('[data-kind=slider] input[type=range]')";
