//! The server over plain HTTP: the no-JavaScript form post, the JSON event
//! channel, and every way an event can be rejected (spec A6) without
//! changing the session.

#[path = "../examples/chat.rs"]
mod chat;
#[path = "../examples/mpa_keep.rs"]
mod mpa_keep;
#[path = "../examples/slider_bounds.rs"]
mod slider_bounds;
mod support {
    pub mod http;
}

use serde_json::json;
use support::http::{start, tab_of, texts, wid, Http};

/// The slider example's tab id and its widgets' ids: Min, Max, A.
fn bounds_ids(html: &str) -> (String, String, String, String) {
    (
        tab_of(html),
        wid(html, "Min"),
        wid(html, "Max"),
        wid(html, "A"),
    )
}

#[tokio::test]
async fn no_js_form_post_reruns_and_answers_with_the_whole_page() {
    let mut c = Http::new(start(slider_bounds::app()).await);
    let page = c.get("/").await;
    assert_eq!(page.status, 200);
    let cookie = page.cookie.clone().expect("a session cookie");
    assert!(
        cookie.starts_with("bk_sid=") && cookie.len() == "bk_sid=".len() + 32,
        "{cookie}"
    );
    let (tab, min, max, a) = bounds_ids(&page.body);
    assert_eq!(texts(&page.body), ["a = 5"]);

    let moved = c
        .form(&[("_tab", &tab), (&min, "1"), (&max, "10"), (&a, "9")])
        .await;
    assert_eq!(moved.status, 200);
    assert!(moved.body.starts_with("<!DOCTYPE html>"));
    assert_eq!(texts(&moved.body), ["a = 9"]);

    // Lowering Max clamps the slider (the docs' fix).
    let clamped = c
        .form(&[("_tab", &tab), (&min, "1"), (&max, "7"), (&a, "9")])
        .await;
    assert_eq!(texts(&clamped.body), ["a = 7"]);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let addr = start(slider_bounds::app()).await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<hyper::body::Bytes>>();
    let res = client
        .get(format!("http://{addr}/").parse().unwrap())
        .await
        .unwrap();
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
}

#[tokio::test]
async fn json_events_rerun_and_answer_with_the_app_html() {
    let mut c = Http::new(start(slider_bounds::app()).await);
    let page = c.get("/").await;
    let (tab, min, max, a) = bounds_ids(&page.body);
    let answer = c
        .event(&json!({"tab": tab, "values": [[min, 1], [max, 10], [a, 6]]}))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("x-brooklet-page"), Some("bounds"));
    assert_eq!(answer.header("x-brooklet-url"), Some("/bounds"));
    assert!(
        answer.body.starts_with("<div id=\"bk-app\""),
        "{}",
        answer.body
    );
    assert_eq!(texts(&answer.body), ["a = 6"]);
}

#[tokio::test]
async fn bad_events_get_clear_errors_and_change_nothing() {
    let mut c = Http::new(start(slider_bounds::app()).await);
    let page = c.get("/").await;
    let (tab, min, max, a) = bounds_ids(&page.body);
    let ok = |a_value: i64| json!({"tab": tab, "values": [[min, 1], [max, 10], [a, a_value]]});
    assert_eq!(c.event(&ok(8)).await.status, 200);

    let cases: Vec<(serde_json::Value, u16, &str)> = vec![
        (ok(11), 422, "InvalidValue"),
        (
            json!({"tab": tab, "values": [[a, "eight"]]}),
            422,
            "InvalidValue",
        ),
        (
            json!({"tab": tab, "values": [[a, 7.5]]}),
            422,
            "InvalidValue",
        ),
        (
            json!({"tab": tab, "values": [["0000000000000000000000000000abcd", 1]]}),
            422,
            "UnknownWidget",
        ),
        (
            json!({"tab": tab, "values": [["not-an-id", 1]]}),
            400,
            "MalformedEvent",
        ),
        (
            json!({"tab": tab, "values": [], "click": a}),
            422,
            "InvalidValue",
        ),
        (
            json!({"tab": tab, "page": "nowhere", "values": []}),
            404,
            "UnknownPage",
        ),
        (
            json!({"tab": "0123456789abcdef", "values": []}),
            410,
            "SessionExpired",
        ),
        (
            json!({"tab": tab, "values": [], "surprise": 1}),
            400,
            "MalformedEvent",
        ),
    ];
    for (body, status, kind) in cases {
        let answer = c.event(&body).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        let j: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(j["error"]["kind"], kind, "{body}");
        assert!(!j["error"]["message"].as_str().unwrap().is_empty());
    }
    // Not JSON at all, too large, from another origin, without the cookie.
    let r = c.event_raw(&tab, b"{nope".to_vec()).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let big = vec![b' '; 1100 * 1024];
    let r = c.event_raw(&tab, big).await;
    assert_eq!(r.status, 413);
    assert!(
        r.body.contains("PayloadTooLarge") && r.body.contains("1 MiB"),
        "{}",
        r.body
    );
    let r = c
        .send(
            "POST",
            "/_brooklet/event",
            "application/json",
            ok(3).to_string().into_bytes(),
            Some("http://evil.example"),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let saved = c.cookie.take();
    let r = c.event(&ok(3)).await;
    assert_eq!(r.status, 410, "{}", r.body);
    c.cookie = saved;

    // The session is as the last good event left it.
    let answer = c
        .event(&json!({"tab": tab, "values": [[min, 1], [max, 10], [a, 8]]}))
        .await;
    assert_eq!(texts(&answer.body), ["a = 8"]);
}

#[tokio::test]
async fn a_tab_id_without_its_cookie_reaches_nothing() {
    let addr = start(slider_bounds::app()).await;
    let mut alice = Http::new(addr);
    let page = alice.get("/").await;
    let tab = tab_of(&page.body);
    let mut mallory = Http::new(addr);
    mallory.get("/").await; // a cookie of her own
    let r = mallory.event(&json!({"tab": tab, "values": []})).await;
    assert_eq!(r.status, 410);
}

#[tokio::test]
async fn pages_have_urls_and_unknown_paths_list_the_pages() {
    let mut c = Http::new(start(mpa_keep::app()).await);
    let page = c.get("/without").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Without the trick"));
    let missing = c.get("/nope").await;
    assert_eq!(missing.status, 404);
    for title in ["With trick", "Without trick", "Elsewhere"] {
        assert!(missing.body.contains(title), "{}", missing.body);
    }
    // Switching page through the event channel.
    let tab = tab_of(&page.body);
    let answer = c
        .event(&json!({"tab": tab, "page": "elsewhere", "values": []}))
        .await;
    assert_eq!(answer.header("x-brooklet-url"), Some("/elsewhere"));
    assert!(answer.body.contains("Another page"));
}

/// Without JavaScript the page links are hidden and the page switch is a
/// form button: it keeps the session (the value kept on "With trick" is
/// there on "Elsewhere").
#[tokio::test]
async fn without_javascript_the_page_switch_keeps_the_session() {
    let mut c = Http::new(start(mpa_keep::app()).await);
    let page = c.get("/with").await;
    assert!(
        page.body.contains(
            r#"<a href="/elsewhere" data-page="elsewhere" class="bk-nav-link">Elsewhere</a>"#
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"name="_nav" value="elsewhere""#),
        "{}",
        page.body
    );
    let tab = tab_of(&page.body);
    let number = wid(&page.body, "Number of filters");
    let set = c.form(&[("_tab", &tab), (&number, "3")]).await;
    assert_eq!(texts(&set.body), ["kept = 3"], "{}", set.body);
    let switched = c
        .form(&[("_tab", &tab), (&number, "3"), ("_nav", "elsewhere")])
        .await;
    assert_eq!(switched.status, 200, "{}", switched.body);
    assert_eq!(texts(&switched.body), ["kept = Some(3.0)", "lost = None"]);
}

fn containers_app() -> brooklet::App {
    brooklet::App::new().page(brooklet::Page::new("tabs", |ui| {
        let [a, b] = ui.tabs(["A", "B"]).key("t").rerun_on_change().show()?;
        a.text("in a");
        b.text("in b");
        let [c, d] = ui.tabs(["C", "D"]).show()?;
        c.text("in c");
        d.text("in d");
        let e = ui.expander("E").key("e").rerun_on_change().show()?;
        let t: String = ui.state().get("t")?;
        ui.text(format!("t = {t}, e = {:?}", e.open()));
        Ok(())
    }))
}

/// Without JavaScript the chat input's send button posts its message,
/// which counts for that one run; the answer shows the field empty.
#[tokio::test]
async fn without_javascript_a_chat_message_is_sent_by_its_button() {
    let mut c = Http::new(start(chat::app()).await);
    let page = c.get("/").await;
    let tab = tab_of(&page.body);
    let field = wid_of_kind(&page.body, "chat_input");
    let sent = c
        .form(&[("_tab", &tab), (&field, "hello <b>"), ("_chat", &field)])
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(
        sent.body.contains("<p>Echo: hello &lt;b&gt;</p>"),
        "{}",
        sent.body
    );
    assert!(
        sent.body.contains("></textarea>"),
        "the field is empty again"
    );
    let again = c.form(&[("_tab", &tab), (&field, "")]).await;
    assert_eq!(
        again.body.matches("Echo: hello").count(),
        1,
        "an empty field sends nothing"
    );
}

fn download_app() -> brooklet::App {
    brooklet::App::new().page(brooklet::Page::new("dl", |ui| {
        let rows = ui.number_input("Rows").min(0i64).key("rows").show()?;
        let csv: String = (0..rows).map(|i| format!("{i},\"é\"\n")).collect();
        let clicked = ui
            .download_button("Get the CSV", csv, "data ü \"1\".csv")
            .mime("text/csv")
            .key("csv")
            .show()?;
        ui.text(format!("clicked {clicked}"));
        Ok(())
    }))
}

/// A download button's file is an attachment of the bytes the last run
/// gave (any process can serve it: it is in the session); a button no page
/// draws is a clear 404, and a stranger gets nothing.
#[tokio::test]
async fn a_download_button_serves_its_file() {
    let addr = start(download_app()).await;
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let tab = tab_of(&page.body);
    let (rows, csv) = (
        wid(&page.body, "Rows"),
        wid_of_kind(&page.body, "download_button"),
    );
    let ran = c.form(&[("_tab", &tab), (&rows, "2")]).await;
    assert_eq!(texts(&ran.body), ["clicked false"]);
    let body = format!("_tab={tab}");
    let origin = c.base.clone();
    let got = c
        .send_with(
            "POST",
            &format!("/_brooklet/download/{csv}"),
            "application/x-www-form-urlencoded",
            body.clone().into_bytes(),
            Some(&origin),
            &[],
        )
        .await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body, "0,\"é\"\n1,\"é\"\n");
    assert_eq!(got.header("content-type"), Some("text/csv"));
    assert_eq!(
        got.header("content-disposition"),
        Some(
            "attachment; filename=\"data _ _1_.csv\"; filename*=UTF-8''data%20%C3%BC%20%221%22.csv"
        )
    );
    let gone = c
        .send_with(
            "POST",
            "/_brooklet/download/abc123",
            "application/x-www-form-urlencoded",
            body.clone().into_bytes(),
            Some(&origin),
            &[],
        )
        .await;
    assert_eq!(gone.status, 404);
    assert!(gone.body.contains("no longer on the page"), "{}", gone.body);
    let mut stranger = Http::new(addr);
    let refused = stranger
        .send_with(
            "POST",
            &format!("/_brooklet/download/{csv}"),
            "application/x-www-form-urlencoded",
            body.into_bytes(),
            Some(&origin),
            &[],
        )
        .await;
    assert_ne!(refused.status, 200, "{}", refused.body);
    assert!(!refused.body.contains("0,"), "a stranger gets no bytes");
}

/// An image's bytes are served to the tab's owner by the media route, by
/// id; the page carries only the URL.
#[tokio::test]
async fn an_image_is_served_from_the_media_route() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\nnot really";
    let app = brooklet::App::new().page(brooklet::Page::new("img", move |ui| {
        ui.image(png)?;
        Ok(())
    }));
    let addr = start(app).await;
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let at = page.body.find("<img src=\"").expect("an image") + "<img src=\"".len();
    let src = &page.body[at..at + page.body[at..].find('"').unwrap()];
    assert!(src.starts_with("_brooklet/media/"), "{src}");
    assert!(
        !page.body.contains("not really"),
        "the bytes are not in the page"
    );
    let got = c.get(&format!("/{src}")).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.header("content-type"), Some("image/png"));
    assert_eq!(got.bytes, png);
    let stranger = Http::new(addr).get(&format!("/{src}")).await;
    assert_eq!(stranger.status, 403, "{}", stranger.body);
    let wrong = c
        .get(&format!("/{}", src.replace("media/", "media/0")))
        .await;
    assert_ne!(wrong.status, 200);
}

/// Whether the text `text` is in a hidden tab panel.
fn in_hidden_panel(html: &str, text: &str) -> bool {
    let at = html.find(&format!(">{text}<")).expect("the text");
    let open = html[..at].rfind("role=\"tabpanel\"").expect("a panel");
    html[open..at].contains("hidden")
}

/// The id of the first widget of `kind`.
fn wid_of_kind(html: &str, kind: &str) -> String {
    let at = html
        .find(&format!("data-kind=\"{kind}\""))
        .expect("the widget");
    let start = html[..at].rfind("data-wid=\"").expect("its id") + "data-wid=\"".len();
    html[start..start + 32].to_owned()
}

/// The value of the attribute `attr` right after `after` in `html`.
fn attr_after(html: &str, after: &str, attr: &str) -> String {
    let from = html.find(after).expect("the anchor");
    let start = html[from..]
        .find(&format!("{attr}=\""))
        .expect("the attribute")
        + from
        + attr.len()
        + 2;
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

/// Without JavaScript a tab is a submit button: a tracked row's tab is its
/// widget's value, a plain row's choice (`_tabview`) is shown and kept in
/// the page for the next post; an expander's no-JS button posts it open.
#[tokio::test]
async fn without_javascript_tabs_and_expanders_post_their_state() {
    let mut c = Http::new(start(containers_app()).await);
    let page = c.get("/").await;
    assert_eq!(texts(&page.body).last().unwrap(), "t = A, e = Some(false)");
    assert!(!in_hidden_panel(&page.body, "in a") && in_hidden_panel(&page.body, "in b"));
    let tab = tab_of(&page.body);
    let (tabs, expander) = (
        wid_of_kind(&page.body, "tabs"),
        wid_of_kind(&page.body, "expander"),
    );
    let second = c.form(&[("_tab", &tab), (&tabs, "1")]).await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(
        texts(&second.body).last().unwrap(),
        "t = B, e = Some(false)"
    );
    assert!(in_hidden_panel(&second.body, "in a") && !in_hidden_panel(&second.body, "in b"));
    // The plain row: its second tab's button posts `_tabview`.
    let view = attr_after(&second.body, ">C</button>", "value");
    assert!(view.ends_with(":1"), "{view}");
    let chosen = c.form(&[("_tab", &tab), ("_tabview", &view)]).await;
    assert!(in_hidden_panel(&chosen.body, "in c") && !in_hidden_panel(&chosen.body, "in d"));
    let kept = format!("<input type=\"hidden\" name=\"_tabview\" value=\"{view}\">");
    assert!(chosen.body.contains(&kept), "{}", chosen.body);
    assert_eq!(
        texts(&chosen.body).last().unwrap(),
        "t = B, e = Some(false)"
    );
    let opened = c
        .form(&[("_tab", &tab), ("_tabview", &view), (&expander, "true")])
        .await;
    assert_eq!(texts(&opened.body).last().unwrap(), "t = B, e = Some(true)");
    assert!(!in_hidden_panel(&opened.body, "in d"), "the choice is kept");
    // A made-up tab position is refused with a clear error; nothing changes.
    let refused = c.form(&[("_tab", &tab), (&tabs, "7")]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("7 is not the position of one of the tabs"),
        "{}",
        refused.body
    );
    assert_eq!(
        texts(&refused.body).last().unwrap(),
        "t = B, e = Some(true)"
    );
}

#[tokio::test]
async fn the_router_nests_under_a_prefix() {
    let router = axum::Router::new().nest("/apps/demo", slider_bounds::app().router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let mut c = Http::new(addr);
    let page = c.get("/apps/demo/bounds").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<base href=\"/apps/demo/\">"));
    assert!(page.cookie.is_some());
    let (tab, min, max, a) = bounds_ids(&page.body);
    let origin = c.base.clone();
    let seq = support::http::seq_of(&tab).unwrap();
    let body = json!({"tab": tab, "seq": seq, "values": [[min, 1], [max, 10], [a, 4]]})
        .to_string()
        .into_bytes();
    let r = c
        .send_with(
            "POST",
            "/apps/demo/_brooklet/event",
            "application/json",
            body,
            Some(&origin),
            &[("x-brooklet-tab", &tab)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-brooklet-url"), Some("/apps/demo/bounds"));
}

static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static OVERLAPS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A page that notes whether another run of it is going at the same time.
fn exclusive(ui: &brooklet::Ui<'_>) -> brooklet::Result<()> {
    use std::sync::atomic::Ordering;
    if RUNNING.fetch_add(1, Ordering::AcqRel) != 0 {
        OVERLAPS.fetch_add(1, Ordering::AcqRel);
    }
    std::thread::sleep(std::time::Duration::from_millis(1));
    RUNNING.fetch_sub(1, Ordering::AcqRel);
    let n = ui.state().setdefault("n", 0)?;
    if ui.button("Add").key("add").show()? {
        ui.state().set("n", &(n + 1))?;
    }
    ui.text(format!("n = {}", ui.state().get::<i64>("n")?));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_of_one_session_run_one_at_a_time() {
    use std::sync::atomic::Ordering;
    let app = brooklet::App::new().page(brooklet::Page::new("counter", exclusive));
    let addr = start(app).await;
    let mut c = Http::new(addr);
    let page = c.get("/").await;
    let (tab, add) = (tab_of(&page.body), wid(&page.body, "Add"));
    let cookie = c.cookie.clone();
    // 40 clicks at once, on 8 connections, on the run pool's many threads:
    // the session's runs still never overlap.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (tab, add, cookie) = (tab.clone(), add.clone(), cookie.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = Http::new(addr);
            c.cookie = cookie;
            let mut ran = 0;
            for _ in 0..5 {
                let r = c
                    .event(&json!({"tab": tab, "values": [], "click": add}))
                    .await;
                match r.status {
                    // Ran, or superseded by a newer click of the same page (R47).
                    200 => ran += 1,
                    // Made on an older page than the session's.
                    409 => assert!(r.body.contains("StaleEvent"), "{}", r.body),
                    // More than a few waiting.
                    429 => assert!(r.body.contains("TooManyEvents"), "{}", r.body),
                    _ => panic!("{}: {}", r.status, r.body),
                }
            }
            ran
        }));
    }
    let mut ran = 0;
    for t in tasks {
        ran += t.await.unwrap();
    }
    assert!(ran > 0);
    assert_eq!(
        OVERLAPS.load(Ordering::Acquire),
        0,
        "two runs of one session overlapped"
    );
    let r = c.event(&json!({"tab": tab, "values": []})).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn a_new_tab_is_a_new_session() {
    let mut c = Http::new(start(slider_bounds::app()).await);
    let first = c.get("/").await;
    let (tab1, min, max, a) = bounds_ids(&first.body);
    let r = c
        .event(&json!({"tab": tab1, "values": [[min, 1], [max, 10], [a, 9]]}))
        .await;
    assert_eq!(texts(&r.body), ["a = 9"]);
    // The same browser (same cookie) opens a second tab: fresh state there,
    // and the first tab keeps its own.
    let second = c.get("/").await;
    assert_ne!(tab_of(&second.body), tab1);
    assert_eq!(texts(&second.body), ["a = 5"]);
    let r = c
        .event(&json!({"tab": tab1, "values": [[min, 1], [max, 10], [a, 9]]}))
        .await;
    assert_eq!(texts(&r.body), ["a = 9"]);
}

/// Two pages whose widgets all have literal keys and literal parameters:
/// every id they can draw is known at compile time.
#[brooklet::page(path = "flags")]
fn flags(ui: &brooklet::Ui<'_>) -> brooklet::Result<()> {
    #[brooklet::widget(key = "flag")]
    let on = ui.checkbox("Flag").show()?;
    ui.text(format!("flag = {on}"));
    Ok(())
}

#[brooklet::page(path = "names")]
fn names(ui: &brooklet::Ui<'_>) -> brooklet::Result<()> {
    #[brooklet::widget(key = "name")]
    let name = ui.text_input("Name").show()?;
    ui.text(format!("name = {name}"));
    Ok(())
}

#[tokio::test]
async fn the_widget_registry_tells_stale_widgets_from_ids_no_page_draws() {
    use brooklet::PageDefinition;
    let app = brooklet::App::new().page(flags).page(names);
    let name_id = <names as PageDefinition>::SITES[0]
        .static_id()
        .expect("known at compile time");
    let forged: brooklet::__private::WidgetId = "0000000000000000000000000000abcd".parse().unwrap();
    assert_eq!(app.produces_id(name_id), Some(true));
    assert_eq!(app.produces_id(forged), Some(false));

    let mut c = Http::new(start(app).await);
    let page = c.get("/flags").await;
    let tab = tab_of(&page.body);
    // A widget of another page: this app's, but not on this tab's page.
    let r = c
        .event(&json!({"tab": tab, "values": [[name_id.to_string(), "x"]]}))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("reload"), "{}", r.body);
    // An id no page of the app can draw.
    let r = c
        .event(&json!({"tab": tab, "values": [[forged.to_string(), true]]}))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("no page of this app draws"), "{}", r.body);
    // The session is unchanged and works.
    let flag = wid(&page.body, "Flag");
    let r = c
        .event(&json!({"tab": tab, "values": [[flag, true]]}))
        .await;
    assert_eq!(texts(&r.body), ["flag = true"]);
}

fn uploads(ui: &brooklet::Ui<'_>) -> brooklet::Result<()> {
    let f = ui
        .file_uploader("File")
        .key("f")
        .max_upload_size(1000)
        .show()?;
    ui.text(match f {
        Some(f) => format!("{} {}", f.name, f.size()),
        None => "none".to_owned(),
    });
    Ok(())
}

#[tokio::test]
async fn uploads_are_limited_by_the_widget_and_by_the_app_with_clear_errors() {
    use base64::Engine as _;
    let app = brooklet::App::new()
        .max_upload_size(2048)
        .page(brooklet::Page::new("up", uploads));
    let mut c = Http::new(start(app).await);
    let page = c.get("/").await;
    let (tab, f) = (tab_of(&page.body), wid(&page.body, "File"));
    let file = |n: usize| {
        let data = base64::engine::general_purpose::STANDARD.encode(vec![b'x'; n]);
        json!({"tab": tab, "values": [[f, {"name": "a.bin", "type": "", "data": data}]]})
    };
    let ok = c.event(&file(1000)).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(texts(&ok.body), ["a.bin 1000"]);
    // Past the widget's limit: refused by the widget (A6), naming it.
    let over = c.event(&file(1001)).await;
    assert_eq!(over.status, 422, "{}", over.body);
    assert!(
        over.body.contains("file_uploader with key \\\"f\\\""),
        "{}",
        over.body
    );
    assert!(
        over.body.contains("larger than the limit of 1000 B"),
        "{}",
        over.body
    );
    // Past the server's body limit: 413, saying what the limit is.
    let huge = c.event(&file(2 * 1024 * 1024)).await;
    assert_eq!(huge.status, 413, "{}", huge.body);
    assert!(huge.body.contains("PayloadTooLarge"), "{}", huge.body);
    // The page's uploader takes 1000 B: that, not the app's 2 KiB, bounds
    // the event, before its body is read.
    assert!(
        huge.body.contains("uploads are limited to 1000 B"),
        "{}",
        huge.body
    );
    // Nothing changed: the file is still there.
    let again = c.event(&json!({"tab": tab, "values": []})).await;
    assert_eq!(texts(&again.body), ["a.bin 1000"]);
}

#[test]
fn the_event_body_limit_leaves_room_for_base64() {
    use brooklet::__private::{event_body_limit, MAX_BODY};
    assert_eq!(event_body_limit(0), MAX_BODY);
    assert_eq!(
        event_body_limit(3 * 1024 * 1024),
        4 * 1024 * 1024 + MAX_BODY
    );
}

#[brooklet::page(path = "moments")]
fn moments(ui: &brooklet::Ui<'_>) -> brooklet::Result<()> {
    let day = ui.date_input("Day").show()?;
    let at = ui.time_input("At").show()?;
    let colour = ui.color_picker("Colour").show()?;
    let when = ui.datetime_input("When").show()?;
    let first = brooklet::chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let (from, to) = ui.date_input("Trip").range(first, first).show()?;
    ui.text(format!("{day} {at} {colour}"));
    ui.text(format!("when {when}"));
    ui.text(format!("trip {from}..{to}"));
    Ok(())
}

/// Every kind whose control posts a value round-trips it without
/// JavaScript, read the same way the client script reads it (`data-shape`);
/// an empty date or time field keeps the value.
#[tokio::test]
async fn a_no_js_post_carries_dates_times_and_colours() {
    let mut c = Http::new(start(brooklet::App::new().page(moments)).await);
    let page = c.get("/").await;
    let (tab, day, at, colour, when) = (
        tab_of(&page.body),
        wid(&page.body, "Day"),
        wid(&page.body, "At"),
        wid(&page.body, "Colour"),
        wid(&page.body, "When"),
    );
    let posted = c
        .form(&[
            ("_tab", &tab),
            (&day, "2024-03-05"),
            (&at, "09:15"),
            (&colour, "#00ff7f"),
            (&when, "2024-03-05T09:45"),
        ])
        .await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    assert_eq!(
        texts(&posted.body)[..2],
        ["2024-03-05 09:15:00 #00ff7f", "when 2024-03-05 09:45:00"]
    );
    assert!(
        posted.body.contains("value=\"2024-03-05T09:45\""),
        "the field shows it to the minute"
    );

    let kept = c
        .form(&[
            ("_tab", &tab),
            (&day, ""),
            (&at, ""),
            (&colour, "#00ff7f"),
            (&when, ""),
        ])
        .await;
    assert_eq!(
        texts(&kept.body)[..2],
        ["2024-03-05 09:15:00 #00ff7f", "when 2024-03-05 09:45:00"]
    );
    let trip = wid(&page.body, "Trip");
    let ranged = c
        .form(&[("_tab", &tab), (&trip, "2024-05-01"), (&trip, "2024-05-09")])
        .await;
    assert!(
        texts(&ranged.body).contains(&"trip 2024-05-01..2024-05-09".to_owned()),
        "{}",
        ranged.body
    );
    let backwards = c
        .form(&[("_tab", &tab), (&trip, "2024-05-09"), (&trip, "2024-05-01")])
        .await;
    assert_eq!(backwards.status, 422, "{}", backwards.body);
    assert!(
        backwards.body.contains("is after the end"),
        "{}",
        backwards.body
    );
    let refused = c.form(&[("_tab", &tab), (&when, "2024-02-30T10:00")]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("expected a date and time"),
        "{}",
        refused.body
    );
}
