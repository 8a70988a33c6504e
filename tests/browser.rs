//! End-to-end in a real browser: the example apps served on a free loopback
//! port, driven in headless Chromium through chromedriver (fantoccini).
//!
//! `.ci/run` installs Debian's `chromium` and `chromium-driver`; there these
//! tests must run (CI=true makes a missing driver a failure). A plain
//! `cargo test` without them skips with a printed reason.

#[path = "../examples/chat.rs"]
mod chat;
#[path = "../examples/gallery.rs"]
mod gallery;
#[path = "../examples/mpa_keep.rs"]
mod mpa_keep;
#[path = "../examples/slider_bounds.rs"]
mod slider_bounds;
mod support {
    pub mod browser;
    pub mod http;
}

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;
use support::browser::{
    body_text, browser, click_button, click_css, click_link, computed_label, driver, enter_number,
    fetch_counts, settled, until, until_shows, Driver, SLIDER_A, WATCH_FETCH,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_real_browser() {
    let Some(d) = driver() else { return };
    let c = browser(&d).await;
    let result = async {
        scenarios(&d, &c).await;
        containers(&d, &c).await;
        chatting(&d, &c).await;
        keyboard(&c).await;
        accessible_names(&d, &c).await;
    }
    .await;
    let _ = c.close().await;
    result
}

async fn scenarios(d: &Driver, c: &Client) {
    // ---- the docs' slider example
    let addr = support::http::start(slider_bounds::app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    until_shows(c, "a = 5").await;
    let name = computed_label(d, c, "[data-kind=slider] input[type=range]").await;
    assert_eq!(
        name, "A",
        "a slider is named by its label alone, not its value"
    );
    eprintln!("ok: the slider's accessible name is its label, \"A\"");

    // Move the slider with the keyboard: the dependent text follows.
    c.execute(&format!("{SLIDER_A}.focus()"), vec![])
        .await
        .unwrap();
    let slider = c
        .find(Locator::Css("[data-kind=slider] input[type=range]"))
        .await
        .unwrap();
    slider
        .send_keys(&String::from(char::from(Key::Right)))
        .await
        .unwrap();
    until_shows(c, "a = 6").await;
    for _ in 0..3 {
        slider
            .send_keys(&String::from(char::from(Key::Right)))
            .await
            .unwrap();
    }
    until_shows(c, "a = 9").await;
    settled(c).await;
    eprintln!("ok: slider moves the dependent text");

    // Lower Max to 7: the slider is clamped to 7 (docs example).
    let max = c
        .find(Locator::XPath(
            "//label[contains(., 'Max')]/following-sibling::input",
        ))
        .await
        .unwrap();
    max.clear().await.unwrap();
    max.send_keys(&format!("7{}", char::from(Key::Enter)))
        .await
        .unwrap();
    until_shows(c, "a = 7").await;
    let slider_max = until(
        c,
        "the slider's max is 7",
        &format!("{SLIDER_A}.max === '7' && {SLIDER_A}.max"),
    )
    .await;
    assert_eq!(slider_max, json!("7"));
    eprintln!("ok: lowering Max clamps the slider");

    // Dragging sends while moving but never more than one request at a time:
    // 30 moves in one burst collapse into a handful of requests, and the last
    // position wins.
    c.execute(WATCH_FETCH, vec![]).await.unwrap();
    c.execute(
        &format!(
            "const s = {SLIDER_A}; for (let v = 1; v <= 30; v++) {{
                 s.value = String(1 + (v % 7)); s.dispatchEvent(new Event('input', {{bubbles: true}})); }}
             s.value = '3'; s.dispatchEvent(new Event('input', {{bubbles: true}}));"
        ),
        vec![],
    )
    .await
    .unwrap();
    until_shows(c, "a = 3").await;
    settled(c).await;
    let (sent, most) = fetch_counts(c).await;
    assert!(
        most <= 2,
        "at most two events unanswered on the push channel, saw {most}"
    );
    assert!(sent <= 4, "31 moves collapsed into {sent} events");
    eprintln!(
        "ok: a burst of slider moves collapses into {sent} events, at most {most} unanswered"
    );

    // ---- the gallery: clicks, typing during a rerun, panics, escaping
    let addr = support::http::start(gallery::app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    until_shows(c, "clicks = 0").await;
    let button = c
        .find(Locator::XPath("//button[normalize-space(.)='Click me']"))
        .await
        .unwrap();
    button.click().await.unwrap();
    button.click().await.unwrap();
    until_shows(c, "clicks = 2").await;
    settled(c).await;
    eprintln!("ok: two clicks, count 2");

    // Clicks are queued, never dropped, even in a burst.
    c.execute(WATCH_FETCH, vec![]).await.unwrap();
    c.execute(
        "const b = Array.from(document.querySelectorAll('button')).find((x) => x.textContent.trim() === 'Click me');
         for (let i = 0; i < 5; i++) b.click();",
        vec![],
    )
    .await
    .unwrap();
    until_shows(c, "clicks = 7").await;
    settled(c).await;
    let (sent, most) = fetch_counts(c).await;
    assert_eq!(sent, 5, "five clicks, five events");
    assert!(most <= 2, "at most two unanswered, saw {most}");
    eprintln!("ok: a burst of five clicks is queued and counted five times");

    // Type into the text input (not committed yet), then a rerun caused by
    // the slider lands: the text and the cursor survive.
    let text = c
        .find(Locator::XPath(
            "//label[normalize-space(.)='Text input']/following-sibling::input",
        ))
        .await
        .unwrap();
    text.click().await.unwrap();
    text.send_keys("hello").await.unwrap();
    c.execute(
        "const s = document.querySelector('[data-kind=slider] input[type=range]');
         s.value = '77'; s.dispatchEvent(new Event('input', {bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    until_shows(c, "slider=77").await;
    settled(c).await;
    let state = c
        .execute(
            "const a = document.activeElement; return [a.value, a.selectionStart, a.closest('[data-kind]').dataset.kind];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        state,
        json!(["hello", 5, "text_input"]),
        "typing and cursor survive a rerun"
    );
    text.send_keys(&format!(" world{}", char::from(Key::Enter)))
        .await
        .unwrap();
    until_shows(c, "text=\"hello world\"").await;
    eprintln!("ok: text and cursor survive a rerun caused by the slider");

    // A form sends nothing until its submit button (R29): a change, then a
    // rerun caused elsewhere, leaves the value unsent and still shown.
    click_link(c, "Form").await;
    until_shows(c, "A form").await;
    settled(c).await;
    let dish = c
        .find(Locator::XPath(
            "//label[normalize-space(.)='Dish']/following-sibling::input",
        ))
        .await
        .unwrap();
    c.execute(WATCH_FETCH, vec![]).await.unwrap();
    dish.send_keys(&format!("soup{}", char::from(Key::Tab)))
        .await
        .unwrap();
    let (sent, _) = fetch_counts(c).await;
    assert_eq!(sent, 0, "a change in a form sends nothing");
    c.find(Locator::XPath("//label[contains(., 'Elsewhere')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        c,
        "the rerun",
        "document.querySelector('[data-kind=checkbox] input[type=checkbox]').checked",
    )
    .await;
    settled(c).await;
    assert!(body_text(c)
        .await
        .contains("ordered = \"\", submitted = false"));
    assert_eq!(
        dish.prop("value").await.unwrap().as_deref(),
        Some("soup"),
        "the unsent change stays shown"
    );
    click_button(c, "Place order").await;
    until_shows(c, "ordered = \"soup\", submitted = true").await;
    settled(c).await;
    eprintln!("ok: a form's change waits for its submit button");

    // A panic shows on the page, the rest of the page stays, and the next
    // interaction works.
    click_link(c, "Panics").await;
    until_shows(c, "A page that panics").await;
    c.find(Locator::XPath("//label[contains(., 'Panic')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = until(c, "the panic", "document.querySelector('.bk-exception') && document.querySelector('.bk-exception').innerText").await;
    let shown = shown.as_str().unwrap();
    assert!(
        shown.contains("Panic")
            && shown.contains("index out of bounds")
            && shown.contains("gallery.rs:"),
        "{shown}"
    );
    assert!(
        body_text(c).await.contains("A page that panics"),
        "the page up to the panic stays"
    );
    c.find(Locator::XPath("//label[contains(., 'Panic')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(c, "recovered", "!document.querySelector('.bk-exception') && document.body.innerText.includes('still here')").await;
    eprintln!("ok: a panic is shown with its location and the session keeps working");

    // A label with a script tag is text, and nothing runs.
    click_link(c, "Escaping").await;
    until_shows(c, "<script>window.__pwned = true</script>").await;
    settled(c).await;
    let pwned = c
        .execute("return window.__pwned === true;", vec![])
        .await
        .unwrap();
    assert_eq!(pwned, json!(false), "no injected script ran");
    assert!(body_text(c).await.contains("<b>not bold</b>"));
    eprintln!("ok: a <script> label is shown as text and never runs");

    // Back and forward move between pages, and the URL follows.
    let url = c.current_url().await.unwrap();
    assert!(url.path().ends_with("/escaping"), "{url}");
    c.back().await.unwrap();
    until_shows(c, "A page that panics").await;
    settled(c).await;
    c.forward().await.unwrap();
    until_shows(c, "Escaping").await;
    eprintln!("ok: back and forward");

    more_widgets(c).await;

    // ---- multipage: a value is lost on a page switch without the trick,
    // kept with it.
    let addr = support::http::start(mpa_keep::app()).await;
    c.goto(&format!("http://{addr}/with")).await.unwrap();
    until_shows(c, "kept = 0").await;
    c.execute("window.__sameDocument = true;", vec![])
        .await
        .unwrap();
    enter_number(c, "3").await;
    until_shows(c, "kept = 3").await;
    click_link(c, "Without trick").await;
    until_shows(c, "lost = 0").await;
    enter_number(c, "4").await;
    until_shows(c, "lost = 4").await;
    click_link(c, "Elsewhere").await;
    until_shows(c, "Another page").await;
    let text = body_text(c).await;
    assert!(
        text.contains("kept = Some(3.0)") && text.contains("lost = None"),
        "{text}"
    );
    click_link(c, "With trick").await;
    until_shows(c, "kept = 3").await;
    click_link(c, "Without trick").await;
    until_shows(c, "lost = 0").await;
    eprintln!("ok: a page switch loses the value without the trick and keeps it with it");

    // The pages are links: a real address to open elsewhere, the current
    // one marked, and a plain click switched this session's page (the
    // values above were kept across the clicks, and no page load happened).
    let links = c
        .execute(
            "return [...document.querySelectorAll('a.bk-nav-link')].map(a => \
             [a.textContent.trim(), a.href, a.getAttribute('aria-current')]);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        links,
        json!([
            ["With trick", format!("http://{addr}/with"), null],
            ["Without trick", format!("http://{addr}/without"), "page"],
            ["Elsewhere", format!("http://{addr}/elsewhere"), null]
        ])
    );
    let same = c
        .execute("return window.__sameDocument === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        same,
        json!(true),
        "a click on a page link loads no document"
    );
    eprintln!("ok: the pages are links with their addresses, and a click keeps the session");
}

/// Sets a field's value as a picker would and fires its `change` event.
async fn pick(c: &Client, css: &str, value: &str) {
    c.execute(
        "const i = document.querySelector(arguments[0]); i.value = arguments[1];
         i.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap();
}

/// The gallery's "More widgets" page: dates, colours, pills and files go to
/// the server through the client and come back.
async fn more_widgets(c: &Client) {
    click_link(c, "More widgets").await;
    until_shows(c, "date=2024-01-15").await;
    settled(c).await;

    // A password field masks what is typed, and its value round-trips.
    let field = c.find(Locator::Css("input[type=password]")).await.unwrap();
    field
        .send_keys(&format!("hunter2{}", char::from(Key::Enter)))
        .await
        .unwrap();
    until_shows(c, "password has 7 characters").await;
    settled(c).await;
    eprintln!("ok: a password field's value goes to the server and back");

    // Stars: the fourth is index 3, lit with the three before it; a click
    // on it again clears the rating.
    let star = |n: usize| format!(".bk-stars label:nth-of-type({n})");
    click_css(c, &star(4)).await;
    until_shows(c, "rating = Some(3)").await;
    settled(c).await;
    let lit = c
        .execute(
            "return [...document.querySelectorAll('.bk-stars label span')]
                .map(s => getComputedStyle(s).color === 'rgb(245, 166, 35)');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(lit, json!([true, true, true, true, false]));
    click_css(c, &star(4)).await;
    until_shows(c, "rating = None").await;
    settled(c).await;
    eprintln!("ok: a star rating round-trips, lights the stars up to it, and clears");

    // A date: the field's "YYYY-MM-DD" goes to the server and back.
    pick(c, "[data-kind=date_input] input[type=date]", "2024-03-05").await;
    until_shows(c, "date=2024-03-05").await;
    settled(c).await;
    let shown = c
        .execute(
            "return document.querySelector('[data-kind=date_input] input').value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown, json!("2024-03-05"));
    // Past its max, the server refuses it, names the widget, keeps the date.
    pick(c, "[data-kind=date_input] input[type=date]", "2025-03-05").await;
    until(
        c,
        "the refusal",
        "(document.getElementById('bk-client-error') || {}).textContent",
    )
    .await;
    let error = body_text(c).await;
    assert!(
        error.contains("InvalidValue")
            && error.contains("date_input with key \"date\"")
            && error.contains("outside the range"),
        "{error}"
    );
    assert!(
        error.contains("date=2024-03-05"),
        "the session is unchanged: {error}"
    );
    eprintln!("ok: a date round-trips through the browser, a date out of range is refused");

    // A colour.
    pick(c, "[data-kind=color_picker] input[type=color]", "#00ff7f").await;
    until_shows(c, "colour=#00ff7f").await;
    settled(c).await;
    eprintln!("ok: a colour round-trips");

    // Pills: one at a time; choosing again lets go.
    c.find(Locator::XPath(
        "//label[contains(@class,'bk-pill')][normalize-space(.)='python']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    until_shows(c, "pills=Some(\"python\")").await;
    settled(c).await;
    c.find(Locator::XPath(
        "//label[contains(@class,'bk-pill')][normalize-space(.)='go']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    until_shows(c, "pills=Some(\"go\")").await;
    settled(c).await;
    let checked = c
        .execute(
            "return document.querySelectorAll('[data-kind=pills] input:checked').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(checked, json!(1));
    eprintln!("ok: pills select one option at a time");

    // A file: sent to the server as base64 in the event, read back there.
    let dir = std::env::temp_dir().join(format!("brooklet-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let small = dir.join("notes.txt");
    std::fs::write(&small, "first line\nsecond line\n").unwrap();
    let input = c
        .find(Locator::Css("[data-kind=file_uploader] input[type=file]"))
        .await
        .unwrap();
    input.send_keys(small.to_str().unwrap()).await.unwrap();
    until_shows(c, "file=notes.txt (23 bytes): first line").await;
    settled(c).await;
    assert!(
        body_text(c).await.contains("notes.txt 23 B"),
        "the uploader lists it"
    );
    // Another event does not send the file again, and the server keeps it.
    c.execute(WATCH_FETCH, vec![]).await.unwrap();
    pick(c, "[data-kind=color_picker] input[type=color]", "#123456").await;
    until_shows(c, "colour=#123456").await;
    settled(c).await;
    assert!(body_text(c).await.contains("file=notes.txt"));
    let sizes = c.execute("return window.__bodies;", vec![]).await.unwrap();
    assert!(
        sizes
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n.as_u64().unwrap() < 2000),
        "events after the upload are small: {sizes}"
    );
    // Too large: refused before it is sent, with the limit named.
    let big = dir.join("big.txt");
    std::fs::write(&big, vec![b'x'; 70 * 1024]).unwrap();
    let input = c
        .find(Locator::Css("[data-kind=file_uploader] input[type=file]"))
        .await
        .unwrap();
    input.send_keys(big.to_str().unwrap()).await.unwrap();
    until(c, "the size error", "(document.getElementById('bk-client-error') || {}).textContent.includes('larger than the limit of 64 KiB')").await;
    assert!(
        body_text(c).await.contains("file=notes.txt"),
        "the old file stays"
    );
    // Remove clears it.
    click_button(c, "Remove").await;
    until_shows(c, "file=none").await;
    settled(c).await;
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("ok: a file uploads through the browser, a large one is refused, Remove clears it");

    // The elements are there: a chart drawn on the server, a table, a metric.
    let counts = c
        .execute(
            "return [document.querySelectorAll('.bk-chart svg').length, document.querySelectorAll('.bk-table table').length,
                     document.querySelectorAll('.bk-metric').length, document.querySelectorAll('progress').length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(counts, json!([2, 2, 3, 1]));
    eprintln!("ok: charts, tables, metrics and a progress bar are on the page");

    payloads(c).await;
}

/// Text that breaks out of HTML contexts if written unescaped.
const PAYLOADS: [&str; 5] = [
    "</textarea><img src=x onerror=window.__xss=1>",
    "\"><svg onload=window.__xss=2>",
    "' autofocus onfocus='window.__xss=3",
    "</title></noscript><script>window.__xss=4</script>",
    "<iframe srcdoc=\"<script>parent.__xss=5</script>\"></iframe>",
];

/// A page that draws the payloads as a bound text area's value, as labels,
/// options, markdown, text, a caption, HTML and a link button.
fn payload_app() -> brooklet::App {
    brooklet::App::new().page(brooklet::Page::new("p", |ui| {
        let all = PAYLOADS.join(" ");
        let area = ui.text_area(&all).key("area").bind_query_params().show()?;
        let typed = ui.text_input("Type").key("typed").show()?;
        ui.selectbox(format!("S {typed}"), [area.as_str(), "other"])
            .key("s")
            .show()?;
        ui.markdown(format!("{area} [x](javascript:window.__xss=6)"));
        ui.text(format!("typed = {typed}"));
        ui.table(&[(area.as_str(), typed.as_str())])?;
        ui.caption(format!("{area} {typed}"));
        ui.html(format!(
            "{area}<b onmouseover=\"window.__xss=7\">{typed}</b>"
        ));
        ui.link_button(format!("{area}{typed}"), format!("https://x.org/?{typed}"))?;
        Ok(())
    }))
}

/// What of the payloads made it into the page as markup, and whether any
/// ran.
async fn injected(c: &Client) -> serde_json::Value {
    c.execute(
        // `html` may show images (without their handlers); nothing else may.
        "return [document.querySelectorAll('img[src=x]:not(.bk-html img), svg[onload], iframe, [onfocus], [onerror], [onmouseover]').length,
                 document.scripts.length, window.__xss === undefined ? null : window.__xss];",
        vec![],
    )
    .await
    .unwrap()
}

/// None of the payloads runs: from a crafted link to a bound text area, in
/// an event's answer morphed into the page, and in a no-JS form answer.
async fn payloads(c: &Client) {
    let addr = support::http::start(payload_app()).await;
    let link: String = PAYLOADS
        .join(" ")
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect();
    c.goto(&format!("http://{addr}/?area={link}"))
        .await
        .unwrap();
    until_shows(c, "typed =").await;
    assert_eq!(injected(c).await, json!([0, 1, null]), "on the first page");
    let area = c
        .execute("return document.querySelector('textarea').value;", vec![])
        .await
        .unwrap();
    assert_eq!(area, json!(PAYLOADS.join(" ")));
    let field = c.find(Locator::Css("input[type=text]")).await.unwrap();
    field
        .send_keys(&format!("{}{}", PAYLOADS.join(" "), char::from(Key::Enter)))
        .await
        .unwrap();
    until_shows(c, "typed = </textarea>").await;
    settled(c).await;
    assert_eq!(injected(c).await, json!([0, 1, null]), "after an event");
    // The plain form post, as a browser without JavaScript sends it.
    c.execute("document.getElementById('bk-form').submit();", vec![])
        .await
        .unwrap();
    until(
        c,
        "the form answer",
        "document.readyState === 'complete' && document.querySelector('textarea')",
    )
    .await;
    until_shows(c, "typed = </textarea>").await;
    assert_eq!(injected(c).await, json!([0, 1, null]), "after a form post");
    eprintln!("ok: no payload runs on the first page, after an event or after a form post");
}

/// Tabs, an expander and a popover of the gallery, with the mouse and the
/// keyboard: a tracked row's tab is its value (its callback counts the
/// changes), a plain row's choice is the browser's and survives reruns,
/// the expander's and popover's open state reach the server, a popover
/// closes on Escape; each control is named by its label.
async fn containers(d: &Driver, c: &Client) {
    let addr = support::http::start(gallery::app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    until_shows(c, "tab changes = 0").await;
    settled(c).await;
    let tab = |label: &str| format!("//button[@role='tab' and normalize-space(.)='{label}']");
    for (css, name) in [
        ("[data-kind=tabs] [role=tab]", "First tab"),
        ("[data-kind=expander] summary", "A tracked expander"),
        ("[data-kind=popover] summary", "A popover"),
    ] {
        assert_eq!(computed_label(d, c, css).await, name, "{css}");
    }
    c.find(Locator::XPath(&tab("Second tab")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until_shows(c, "tab = Some(String(\"Second tab\")), tab changes = 1").await;
    let shown = "return [...document.querySelectorAll('[role=tabpanel]')].map((p) => !p.hidden);";
    assert_eq!(
        c.execute(shown, vec![]).await.unwrap(),
        json!([false, true, true, false])
    );
    // The keyboard: Left from the selected tab selects the first again.
    let second = c.find(Locator::XPath(&tab("Second tab"))).await.unwrap();
    second
        .send_keys(&String::from(char::from(Key::Left)))
        .await
        .unwrap();
    until_shows(c, "tab = Some(String(\"First tab\")), tab changes = 2").await;
    let focused = "return document.activeElement.textContent;";
    assert_eq!(
        c.execute(focused, vec![]).await.unwrap(),
        json!("First tab")
    );
    // The plain row: no event, and its choice survives the next rerun.
    c.find(Locator::XPath(&tab("Another")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        c.execute(shown, vec![]).await.unwrap(),
        json!([true, false, false, true])
    );
    c.find(Locator::XPath(&tab("Second tab")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until_shows(c, "tab changes = 3").await;
    settled(c).await;
    assert_eq!(
        c.execute(shown, vec![]).await.unwrap(),
        json!([false, true, false, true])
    );
    eprintln!("ok: tabs by mouse and keyboard; a tracked row's tab reaches the server, a plain row's stays the browser's");
    click_css(c, "[data-kind=expander] summary").await;
    until_shows(c, "open = Some(true)").await;
    click_css(c, "[data-kind=popover] summary").await;
    until_shows(c, "popover open = Some(true)").await;
    let field = c
        .find(Locator::XPath(
            "//label[normalize-space(.)='Name in the popover']/following-sibling::input",
        ))
        .await
        .unwrap();
    field
        .send_keys(&format!("Ada{}", char::from(Key::Enter)))
        .await
        .unwrap();
    until_shows(c, "name = \"Ada\"").await;
    settled(c).await;
    let open = "return document.querySelector('[data-kind=popover] details').open;";
    assert_eq!(
        c.execute(open, vec![]).await.unwrap(),
        json!(true),
        "typing keeps it open"
    );
    field
        .send_keys(&String::from(char::from(Key::Escape)))
        .await
        .unwrap();
    until_shows(c, "popover open = Some(false)").await;
    eprintln!(
        "ok: the expander and the popover tell the server they are open; Escape closes the popover"
    );
    // A page link: a real address, and a plain click switches this
    // session's page without loading a document.
    c.execute("window.__samePage = true;", vec![])
        .await
        .unwrap();
    let href = c
        .execute(
            "return document.querySelector('.bk-page-link > a').href;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(href, json!(format!("http://{addr}/more")));
    click_css(c, ".bk-page-link > a").await;
    until_shows(c, "scrolled line 1").await;
    let after = c
        .execute(
            "return [location.pathname, window.__samePage === true];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(after, json!(["/more", true]));
    eprintln!("ok: a page link switches the page in the same session");
    // The download button on that page: the browser posts the form to the
    // download route, stays on the page, and the click reruns it.
    let download = c
        .execute(
            "const b = document.querySelector('[data-kind=download_button] button');
             return fetch(b.formAction, {method: 'POST', body: new URLSearchParams(new FormData(b.form))})
               .then((r) => r.text().then((t) => [r.status, r.headers.get('content-disposition'), t.split('\\n')[0]]));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(download[0], json!(200), "{download}");
    assert!(
        download[1]
            .as_str()
            .unwrap()
            .starts_with("attachment; filename=\"values.txt\""),
        "{download}"
    );
    assert!(
        download[2].as_str().unwrap().starts_with("date="),
        "{download}"
    );
    click_css(c, "[data-kind=download_button] button").await;
    until_shows(c, "downloaded = true").await;
    let stayed = c
        .execute(
            "return [location.pathname, window.__samePage === true];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        stayed,
        json!(["/more", true]),
        "the download leaves the page as it is"
    );
    eprintln!("ok: a download button serves its file and its click reruns the page");
}

/// The chat example: Enter sends a message (Shift+Enter is a new line),
/// the field empties, the answer follows in a chat message with the
/// assistant's avatar, and the field stays at the bottom of the window.
async fn chatting(d: &Driver, c: &Client) {
    let addr = support::http::start(chat::app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    until_shows(c, "Echo bot").await;
    settled(c).await;
    assert_eq!(
        computed_label(d, c, "[data-kind=chat_input] textarea").await,
        "What is up?"
    );
    let field = c
        .find(Locator::Css("[data-kind=chat_input] textarea"))
        .await
        .unwrap();
    let shift_enter = format!(
        "{}{}{}",
        char::from(Key::Shift),
        char::from(Key::Enter),
        char::from(Key::Shift)
    );
    field
        .send_keys(&format!("first line{shift_enter}second"))
        .await
        .unwrap();
    settled(c).await;
    let typed = "return document.querySelector('[data-kind=chat_input] textarea').value;";
    assert_eq!(
        c.execute(typed, vec![]).await.unwrap(),
        json!("first line\nsecond"),
        "Shift+Enter sent nothing"
    );
    field
        .send_keys(&String::from(char::from(Key::Enter)))
        .await
        .unwrap();
    until_shows(c, "Echo: first line").await;
    assert_eq!(
        c.execute(typed, vec![]).await.unwrap(),
        json!(""),
        "the field empties"
    );
    for i in 0..12 {
        field
            .send_keys(&format!("message {i}{}", char::from(Key::Enter)))
            .await
            .unwrap();
        until_shows(c, &format!("Echo: message {i}")).await;
    }
    settled(c).await;
    let layout = c
        .execute(
            "const box = document.querySelector('[data-kind=chat_input]').getBoundingClientRect();
             const avatars = [...document.querySelectorAll('.bk-chat-message')].map((m) => m.dataset.name);
             const drawn = document.querySelectorAll('.bk-chat-message .bk-avatar svg').length;
             return [Math.abs(window.innerHeight - box.bottom) < 20, avatars.length, avatars[1], drawn];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        layout,
        json!([true, 26, "assistant", 26]),
        "pinned at the bottom; 13 exchanges"
    );
    eprintln!(
        "ok: chat: Enter sends, Shift+Enter does not, the field empties and stays at the bottom"
    );
}

/// The widgets on screen of the gallery's first page: id, shape and the
/// key that operates each (a closed container's widgets are out of reach).
/// The control of a widget that the keyboard operates (JS).
const CONTROL_OF: &str = "
    function controlOf(w) {
      const shape = w.dataset.shape;
      return shape === 'tab' ? w.querySelector('[role=tab][aria-selected=true]')
        : shape === 'open' ? w.querySelector(':scope > details > summary')
        : w.querySelector('input:not([type=hidden]), select, textarea, button');
    }";

const OPERABLE: &str = "
    return [...document.querySelectorAll('#bk-main [data-wid]')]
      .filter((w) => !w.closest('[role=tabpanel][hidden], details:not([open])'))
      .map((w) => {
        const shape = w.dataset.shape;
        const control = controlOf(w);
        const key = { bool: 'space', numbers: 'right', number: 'up', tab: 'right', open: 'enter', trigger: 'enter',
                      index: 'down', indexes: control.nodeName === 'SELECT' ? 'down' : 'space',
                      text: control.nodeName === 'TEXTAREA' ? 'type-ctrl-enter' : 'type-enter' }[shape];
        return [w.dataset.wid, shape, key || 'none'];
      });";

/// Every widget of the gallery's first page is reached with Tab and
/// operated with the keyboard alone: afterwards the value the server holds
/// (`data-value`, or the click count for the button) has changed.
async fn keyboard(c: &Client) {
    let addr = support::http::start(gallery::app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    until_shows(c, "clicks = 0").await;
    settled(c).await;
    let widgets = c
        .execute(&format!("{CONTROL_OF} {OPERABLE}"), vec![])
        .await
        .unwrap();
    let widgets: Vec<(String, String, String)> = serde_json::from_value(widgets).unwrap();
    // Reachable: Tab from the top lands in every one of them.
    c.execute(
        "document.querySelector('a, button, input, select, textarea').focus();",
        vec![],
    )
    .await
    .unwrap();
    let mut reached = std::collections::HashSet::new();
    for _ in 0..160 {
        let here = c
            .execute("const w = document.activeElement.closest('[data-wid]'); return w ? w.dataset.wid : null;", vec![])
            .await
            .unwrap();
        if let Some(w) = here.as_str() {
            reached.insert(w.to_owned());
        }
        c.active_element()
            .await
            .unwrap()
            .send_keys(&String::from(char::from(Key::Tab)))
            .await
            .unwrap();
    }
    let missed: Vec<&(String, String, String)> = widgets
        .iter()
        .filter(|(w, _, _)| !reached.contains(w))
        .collect();
    assert!(missed.is_empty(), "not reached with Tab: {missed:?}");
    // Operable: the key that operates each changes its value.
    for (wid, shape, key) in &widgets {
        let value = format!("document.querySelector('[data-wid=\"{wid}\"]').dataset.value");
        let before = if shape == "trigger" {
            c.execute(
                "return document.body.innerText.match(/clicks = \\d+/)[0];",
                vec![],
            )
            .await
            .unwrap()
        } else {
            c.execute(&format!("return {value};"), vec![])
                .await
                .unwrap()
        };
        let focus = format!(
            "{CONTROL_OF} controlOf(document.querySelector('[data-wid=\"{wid}\"]')).focus();"
        );
        c.execute(&focus, vec![]).await.unwrap();
        let keys = match key.as_str() {
            "space" => " ".to_owned(),
            "right" => String::from(char::from(Key::Right)),
            "up" => String::from(char::from(Key::Up)),
            "down" => String::from(char::from(Key::Down)),
            "enter" => String::from(char::from(Key::Enter)),
            "type-enter" => format!("k{}", char::from(Key::Enter)),
            "type-ctrl-enter" => format!(
                "k{}{}{}",
                char::from(Key::Control),
                char::from(Key::Enter),
                char::from(Key::Control)
            ),
            other => panic!("no key operates the {shape} widget ({other})"),
        };
        c.active_element()
            .await
            .unwrap()
            .send_keys(&keys)
            .await
            .unwrap();
        settled(c).await;
        let changed = if shape == "trigger" {
            format!("document.body.innerText.match(/clicks = \\d+/)[0] !== {before}")
        } else {
            format!("JSON.stringify({value}) !== JSON.stringify({before})")
        };
        until(
            c,
            &format!("the {shape} widget {wid} to change by keyboard"),
            &changed,
        )
        .await;
        // A popover opened by Enter: Escape closes it again.
        if shape == "open" {
            c.active_element()
                .await
                .unwrap()
                .send_keys(&String::from(char::from(Key::Escape)))
                .await
                .unwrap();
            settled(c).await;
        }
    }
    eprintln!(
        "ok: the {} widgets of the gallery's first page are reached with Tab and operated with keys",
        widgets.len()
    );
}

/// Every widget of the gallery, found by its accessible name as Chromium
/// computes it: the name is exactly the widget's label (the harness says
/// which), never its value or its help. A group of choices is named on
/// its fieldset.
async fn accessible_names(d: &Driver, c: &Client) {
    let addr = support::http::start(gallery::app()).await;
    c.goto(&format!("http://{addr}/more")).await.unwrap();
    until_shows(c, "scrolled line 1").await;
    let layout = c
        .execute(
            "const row = document.querySelector('.bk-columns[data-border]');
             const [a, b] = row.querySelectorAll(':scope > .bk-column');
             const box = document.querySelector('.bk-container.bk-bordered');
             const text = b.querySelector('pre').getBoundingClientRect();
             const col = b.getBoundingClientRect();
             return [Math.round(b.getBoundingClientRect().left - a.getBoundingClientRect().right),
                     getComputedStyle(a).borderTopStyle,
                     Math.abs((text.top - col.top) - (col.bottom - text.bottom)) < 4,
                     box.clientHeight <= 90 && box.scrollHeight > box.clientHeight];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        layout,
        json!([64, "solid", true, true]),
        "gap between the columns, their border, centred, a scrolling container"
    );
    eprintln!("ok: columns with a large gap, borders and centred content; a fixed-height container scrolls");
    let mut checked = 0;
    for page in ["widgets", "form", "more"] {
        let mut t = brooklet::testing::AppTest::new(gallery::app());
        t.switch_page(page).unwrap();
        let labels: std::collections::HashMap<String, String> = t
            .widgets()
            .into_iter()
            .map(|w| (format!("{:032x}", w.id.0), w.label))
            .collect();
        let path = if page == "widgets" { "" } else { page };
        c.goto(&format!("http://{addr}/{path}")).await.unwrap();
        until(
            c,
            "the widgets",
            "document.querySelectorAll('[data-wid]').length",
        )
        .await;
        // Containers are named on their controls (the `containers` check);
        // a closed one's widgets are out of the accessibility tree.
        let probes = c
            .execute(
                "return [...document.querySelectorAll('#bk-main [data-wid]:not([data-holds])')]
                  .filter((w) => !w.closest('[role=tabpanel][hidden], details:not([open])'))
                  .map((w, i) => {
                    const control = w.querySelector('fieldset') ||
                        w.querySelector('input:not([type=hidden]), select, textarea, button');
                    control.dataset.probe = i;
                    return [i, w.dataset.wid, w.dataset.kind];
                });",
                vec![],
            )
            .await
            .unwrap();
        for probe in probes.as_array().unwrap() {
            let (i, wid, kind) = (&probe[0], probe[1].as_str().unwrap(), &probe[2]);
            let name = computed_label(d, c, &format!("[data-probe='{i}']")).await;
            let label = labels
                .get(wid)
                .unwrap_or_else(|| panic!("{wid} is no widget of {page}"));
            assert_eq!(&name, label, "the {kind} on {page}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} widgets");
    // On "more" (the last page): a collapsed label takes no room, a
    // hidden one keeps its room unseen, and neither shows its help.
    let labels = c
        .execute(
            "const collapsed = document.querySelector('.bk-label-collapsed label');
             const hidden = document.querySelector('.bk-label-hidden label');
             const help = document.querySelector('.bk-label-hidden .bk-help');
             return [collapsed.getBoundingClientRect().height, getComputedStyle(hidden).opacity,
                     hidden.getBoundingClientRect().height > 5, help.offsetParent === null];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        labels,
        json!([1, "0", true, true]),
        "collapsed height, hidden opacity, hidden keeps its room, help not shown"
    );
    eprintln!("ok: a collapsed label takes no room, a hidden one keeps it, and both still name their widget");
    eprintln!("ok: each of the gallery's {checked} widgets is named by its label alone");
}
