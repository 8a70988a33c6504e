//! In a real browser, the `live` example: output streams while the run
//! goes on (a real progress bar moves), the page shows it is running with a
//! Stop control, the previous run's elements are faded until drawn again,
//! a click on Go during a run starts the next one and the stale run never
//! finishes, and Stop ends a run.
//!
//! As `tests/browser.rs`: `.ci/run` runs it with CI=true (a missing driver
//! is a failure there); a plain `cargo test` without Chromium skips with a
//! printed reason.

#[path = "../examples/live.rs"]
mod live;
mod support {
    pub mod browser;
    pub mod http;
}

use fantoccini::Client;
use serde_json::Value;
use support::browser::{browser, driver, until, until_shows};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_example_in_a_real_browser() {
    let Some(d) = driver() else { return };
    let c = browser(&d).await;
    let result = scenarios(&c).await;
    let _ = c.close().await;
    result
}

/// Notes, with the time since it was installed, each text the page comes to
/// show, and the first time it shows "run N started" for each N.
const WATCH: &str = "
    window.__seen = new Set(); window.__started = {}; window.__t0 = performance.now();
    const note = () => {
        const text = document.body.innerText;
        for (const m of text.matchAll(/run (\\d+) (started|done|step \\d+)/g)) window.__seen.add(m[0]);
        for (const m of text.matchAll(/run (\\d+) started/g))
            if (!(m[1] in window.__started)) window.__started[m[1]] = performance.now();
    };
    new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true});
    note();";

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

async fn scenarios(c: &Client) {
    let addr = support::http::start(live::app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    // The first page arrives once the first run is done (a plain page load).
    until_shows(c, "run 1 done").await;
    until(
        c,
        "the push channel",
        "window.__brooklet.channel === 'socket'",
    )
    .await;
    js(c, WATCH).await;
    let go = "Array.from(document.querySelectorAll('button')).find((b) => b.textContent.trim() === 'Go')";
    assert_eq!(
        js(c, &format!("return !!{go};")).await,
        true,
        "a <button> named Go"
    );

    // Go: run 2 streams. Its first step shows while it goes on, with the
    // progress bar part way, the running status and its Stop control, and
    // the first run's rest faded.
    js(c, &format!("{go}.click();")).await;
    until_shows(c, "run 2 step 2").await;
    let live = js(
        c,
        "const bar = document.querySelector('[role=progressbar]');
         const status = document.getElementById('bk-status');
         return {
            now: Number(bar.getAttribute('aria-valuenow')),
            running: !!status && !status.hidden && !!status.querySelector('button'),
            stale: document.querySelectorAll('#bk-main .bk-stale').length,
            done: document.body.innerText.includes('run 2 done'),
         };",
    )
    .await;
    assert!(
        live["now"].as_u64().is_some_and(|n| n > 0 && n < 100),
        "{live}"
    );
    assert_eq!(live["running"], true, "{live}");
    assert!(
        live["stale"].as_u64().unwrap() > 0,
        "the first run's rest is faded: {live}"
    );
    assert_eq!(live["done"], false);
    eprintln!(
        "ok: run 2 streams: the bar at {}%, running with Stop, stale elements faded",
        live["now"]
    );

    // A click at step 3 stops run 2 and starts run 3.
    until_shows(c, "run 2 step 3").await;
    let clicked = js(c, &format!("{go}.click(); return performance.now();")).await;
    until_shows(c, "run 3 started").await;
    until_shows(c, "run 3 done").await;
    let started = js(c, "return window.__started['3'];").await;
    let waited = started.as_f64().unwrap() - clicked.as_f64().unwrap();
    let seen = js(c, "return Array.from(window.__seen);").await;
    let seen: Vec<String> = serde_json::from_value(seen).unwrap();
    assert!(
        !seen.contains(&"run 2 done".to_owned()),
        "the stale run finished: {seen:?}"
    );
    assert!(
        !seen.iter().any(|s| s == "run 2 step 5"),
        "run 2 went on: {seen:?}"
    );
    let after = js(
        c,
        "const s = document.getElementById('bk-status');
         return {stale: document.querySelectorAll('.bk-stale').length, running: !!s && !s.hidden};",
    )
    .await;
    assert_eq!(after["stale"], 0, "nothing faded once the run is done");
    assert_eq!(after["running"], false);
    eprintln!(
        "ok: a click at step 3 showed \"run 3 started\" {waited:.0} ms later; run 2 never finished"
    );

    // Stop: run 4 ends where it is, as `stop()` ends a run.
    js(c, &format!("{go}.click();")).await;
    until_shows(c, "run 4 step 2").await;
    js(c, "document.querySelector('#bk-status button').click();").await;
    until(
        c,
        "the run to stop",
        "(() => { const s = document.getElementById('bk-status'); return !s || s.hidden; })()",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let text = support::browser::body_text(c).await;
    assert!(
        !text.contains("run 4 done") && !text.contains("run 4 step 5"),
        "{text}"
    );
    eprintln!("ok: Stop ends the run where it is");
}
