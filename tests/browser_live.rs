//! In a real browser, the `live` example: output streams while the run
//! goes on (a real progress bar moves), the page shows it is running with a
//! Stop control, the previous run's elements are faded until drawn again,
//! a click on Go during a run starts the next one and the stale run never
//! finishes, and Stop ends a run; and a fragment on a timer reruns alone.
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

/// Clicks Go at step 3 of run `run` and waits for run `run + 1` to start:
/// how long that took, from the click to the text.
async fn restart_at_step_3(c: &Client, run: u32) -> f64 {
    until_shows(c, &format!("run {run} step 3")).await;
    let clicked = js(c, &format!("{GO}.click(); return performance.now();")).await;
    let next = run + 1;
    until_shows(c, &format!("run {next} started")).await;
    let started = js(c, &format!("return window.__started['{next}'];")).await;
    started.as_f64().unwrap() - clicked.as_f64().unwrap()
}

const GO: &str =
    "Array.from(document.querySelectorAll('button')).find((b) => b.textContent.trim() === 'Go')";

async fn seen(c: &Client) -> Vec<String> {
    serde_json::from_value(js(c, "return Array.from(window.__seen);").await).unwrap()
}

async fn scenarios(c: &Client) {
    let addr = support::http::start(live::app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    js(c, WATCH).await;
    // The page load answers at once and its first run streams.
    until_shows(c, "run 1 step 2").await;
    until(
        c,
        "the push channel",
        "window.__brooklet.channel === 'socket'",
    )
    .await;
    assert_eq!(
        js(c, &format!("return !!{GO};")).await,
        true,
        "a <button> named Go"
    );
    assert!(!support::browser::body_text(c).await.contains("run 1 done"));
    eprintln!("ok: the first run streams to the page that loaded it");

    // A click at step 3 stops run 1 and starts run 2.
    let waited = restart_at_step_3(c, 1).await;
    until_shows(c, "run 2 done").await;
    assert!(
        !seen(c).await.contains(&"run 1 done".to_owned()),
        "the stale run finished"
    );
    eprintln!(
        "ok: a click at step 3 showed \"run 2 started\" {waited:.0} ms later; run 1 never finished"
    );

    // Go: run 3 streams, with the progress bar part way, the running
    // status and its Stop control, and run 2's rest faded.
    js(c, &format!("{GO}.click();")).await;
    until_shows(c, "run 3 step 2").await;
    let live = js(
        c,
        "const bar = document.querySelector('[role=progressbar]');
         const status = document.getElementById('bk-status');
         return {
            now: Number(bar.getAttribute('aria-valuenow')),
            running: !!status && !status.hidden && !!status.querySelector('button'),
            stale: document.querySelectorAll('#bk-main .bk-stale').length,
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
        "run 2's rest is faded: {live}"
    );
    eprintln!(
        "ok: run 3 streams: the bar at {}%, running with Stop, stale elements faded",
        live["now"]
    );

    let waited = restart_at_step_3(c, 3).await;
    until_shows(c, "run 4 done").await;
    let seen = seen(c).await;
    assert!(
        !seen.contains(&"run 3 done".to_owned()),
        "the stale run finished: {seen:?}"
    );
    assert!(
        !seen.iter().any(|s| s == "run 3 step 5"),
        "run 3 went on: {seen:?}"
    );
    let after = js(
        c,
        "const s = document.getElementById('bk-status');
         return {stale: document.querySelectorAll('.bk-stale').length, running: !!s && !s.hidden};",
    )
    .await;
    assert_eq!(after["stale"], 0, "nothing faded once the run is done");
    assert_eq!(after["running"], false);
    eprintln!("ok: again: \"run 4 started\" {waited:.0} ms after the click; run 3 never finished");

    // Stop: run 5 ends where it is, as `stop()` ends a run.
    js(c, &format!("{GO}.click();")).await;
    until_shows(c, "run 5 step 2").await;
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
        !text.contains("run 5 done") && !text.contains("run 5 step 5"),
        "{text}"
    );
    eprintln!("ok: Stop ends the run where it is");

    // A fragment on a timer reruns alone while the page is open.
    let addr = support::http::start(clock_app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    until_shows(c, "tick 4").await;
    let text = support::browser::body_text(c).await;
    assert!(text.contains("full runs 1"), "the page ran once: {text}");
    eprintln!("ok: a fragment with run_every reruns alone on its timer");
}

fn clock_app() -> brooklet::App {
    brooklet::App::new().page(brooklet::Page::new("clock", |ui: &brooklet::Ui<'_>| {
        let runs: i64 = ui.state().get_opt("full")?.unwrap_or(0) + 1;
        ui.state().set("full", &runs)?;
        ui.text(format!("full runs {runs}"));
        ui.fragment_every("clock", std::time::Duration::from_millis(200), |ui| {
            let ticks: i64 = ui.state().get_opt("ticks")?.unwrap_or(0) + 1;
            ui.state().set("ticks", &ticks)?;
            ui.text(format!("tick {ticks}"));
            Ok(())
        })
    }))
}
