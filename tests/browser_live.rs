//! In a real browser, the `live` example: output streams while the run
//! goes on (a real progress bar moves), the page shows it is running with a
//! Stop control, the previous run's elements are faded until drawn again,
//! a click on Go during a run starts the next one and the stale run never
//! finishes, and Stop ends a run; and a fragment on a timer reruns alone.
//! Then, with small apps of its own: a reload of the tab takes back its
//! session where a typed address starts a new one, and a spinner, a status
//! container, streamed text and a toast show in the page as the run goes on,
//! and a background task's bar moves without a rerun until its end reruns
//! the page.
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
use support::browser::{body_text, browser, click_button, driver, settled, until, until_shows};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_example_in_a_real_browser() {
    let Some(d) = driver() else { return };
    let c = browser(&d).await;
    let result = async {
        scenarios(&c).await;
        reload_reattaches(&c).await;
        live_elements(&c).await;
        task_bar(&c).await;
    }
    .await;
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

/// A counter in session state that "Add" increments.
fn counter_app() -> brooklet::App {
    brooklet::App::new().page(brooklet::Page::new("counter", |ui: &brooklet::Ui<'_>| {
        let mut count: i64 = ui.state().get_opt("count")?.unwrap_or(0);
        if ui.button("Add").show()? {
            count += 1;
            ui.state().set("count", &count)?;
        }
        ui.text(format!("count {count}"));
        Ok(())
    }))
}

/// What the page's app element says: its tab, and how this document was
/// navigated to.
const TAB_AND_NAVIGATION: &str = "return {tab: document.getElementById('bk-app').dataset.tab,
             nav: performance.getEntriesByType('navigation')[0].type};";

/// A reload of the tab takes back its session (the client keeps its tab id
/// in sessionStorage while the page is away, and reattaches with
/// `replaces=` the tab the reloaded page was given); an address typed into
/// the same tab starts a new session.
async fn reload_reattaches(c: &Client) {
    let addr = support::http::start(counter_app()).await;
    let url = format!("http://{addr}/");
    c.goto(&url).await.unwrap();
    until_shows(c, "count 0").await;
    click_button(c, "Add").await;
    until_shows(c, "count 1").await;
    click_button(c, "Add").await;
    until_shows(c, "count 2").await;
    settled(c).await;
    let before = js(c, TAB_AND_NAVIGATION).await;

    c.refresh().await.unwrap();
    let tab = serde_json::to_string(&before["tab"]).unwrap();
    until(
        c,
        "the reloaded page to take back its tab",
        &format!("document.getElementById('bk-app').dataset.tab === {tab}"),
    )
    .await;
    until_shows(c, "count 2").await;
    let after = js(c, TAB_AND_NAVIGATION).await;
    assert_eq!(after["nav"], "reload", "{after}");
    until(
        c,
        "the push channel",
        "window.__brooklet.channel === 'socket'",
    )
    .await;
    // The session it took back is the one the page now talks to.
    click_button(c, "Add").await;
    until_shows(c, "count 3").await;
    eprintln!("ok: a reload takes back the tab's session: \"count 2\", then Add makes \"count 3\"");

    c.goto(&url).await.unwrap();
    until(
        c,
        "the push channel",
        "window.__brooklet.channel === 'socket'",
    )
    .await;
    settled(c).await;
    // What a reattach would have shown has had time to come.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let typed = js(c, TAB_AND_NAVIGATION).await;
    assert_eq!(typed["nav"], "navigate", "{typed}");
    assert_ne!(typed["tab"], before["tab"], "a new tab id: {typed}");
    let text = body_text(c).await;
    assert!(
        text.contains("count 0") && !text.contains("count 3"),
        "a new session: {text}"
    );
    click_button(c, "Add").await;
    until_shows(c, "count 1").await;
    eprintln!("ok: the same address typed into the tab starts a new session: \"count 0\"");
}

/// How many chunks the stream of [`elements_app`] has, and chunk `i`.
const CHUNKS: usize = 10;
fn chunk(i: usize) -> String {
    format!("chunk {i} ")
}

/// After a click on Start: a status container with a spinner in it while
/// its work runs, then the status complete, text streamed in chunks, and a
/// toast.
fn elements_app() -> brooklet::App {
    use std::time::Duration;
    brooklet::App::new().page(brooklet::Page::new("elements", |ui: &brooklet::Ui<'_>| {
        if !ui.button("Start").show()? {
            ui.text("idle");
            return Ok(());
        }
        let status = ui.status("Crunching");
        let n = status.spinner("Crunching numbers", || {
            std::thread::sleep(Duration::from_millis(600));
            42
        });
        status.text(format!("got {n}"));
        status.update(Some("Crunched"), brooklet::StatusState::Complete, false);
        let text = ui.write_stream((1..=CHUNKS).map(|i| {
            std::thread::sleep(Duration::from_millis(150));
            chunk(i)
        }));
        ui.toast(format!("streamed {} chars", text.len()));
        Ok(())
    }))
}

/// The spinner's text (or null), the status's state and label, and the
/// streamed text.
const ELEMENTS: &str = "
    const spinner = document.querySelector('#bk-main .bk-spinner');
    const status = document.querySelector('#bk-main details.bk-status');
    const stream = document.querySelector('#bk-main .bk-markdown');
    return {
        spinner: spinner && spinner.offsetParent !== null ? spinner.innerText.trim() : null,
        state: status && status.dataset.state,
        // The summary is the state's icon, then the label.
        label: status && status.querySelector('summary').innerText.trim().split(' ').slice(1).join(' '),
        open: status && status.open,
        stream: stream ? stream.innerText.trim() : '',
    };";

/// A spinner, a status container, streamed text and a toast, in the page
/// while the run goes on.
async fn live_elements(c: &Client) {
    let addr = support::http::start(elements_app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    until_shows(c, "idle").await;
    until(
        c,
        "the push channel",
        "window.__brooklet.channel === 'socket'",
    )
    .await;
    click_button(c, "Start").await;

    until(
        c,
        "the spinner",
        "!!document.querySelector('#bk-main .bk-spinner')",
    )
    .await;
    let during = js(c, ELEMENTS).await;
    assert_eq!(during["spinner"], "Crunching numbers", "{during}");
    assert_eq!(during["state"], "running", "{during}");
    assert_eq!(during["label"], "Crunching", "{during}");
    assert_eq!(during["open"], true, "{during}");
    eprintln!(
        "ok: while its work runs, the spinner shows \"Crunching numbers\" in a running status"
    );

    until(
        c,
        "the spinner to go",
        "!document.querySelector('#bk-main .bk-spinner')",
    )
    .await;
    until(
        c,
        "the status to be complete",
        "(document.querySelector('#bk-main details.bk-status') || {dataset: {}}).dataset.state === 'complete'",
    )
    .await;
    let after = js(c, ELEMENTS).await;
    assert_eq!(after["spinner"], Value::Null, "{after}");
    assert_eq!(after["label"], "Crunched", "{after}");
    assert_eq!(after["open"], false, "{after}");
    eprintln!("ok: once the work is done the spinner is gone and the status is complete");

    let whole: String = (1..=CHUNKS).map(chunk).collect();
    let whole = whole.trim();
    until(
        c,
        "the stream to begin",
        "(document.querySelector('#bk-main .bk-markdown') || {}).innerText",
    )
    .await;
    let first = js(c, ELEMENTS).await["stream"].as_str().unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    let second = js(c, ELEMENTS).await["stream"].as_str().unwrap().to_owned();
    assert!(
        second.len() > first.len() && second.starts_with(&first),
        "the text grows: {first:?}, then {second:?}"
    );
    assert_ne!(second, whole, "sampled while the stream goes on");
    until_shows(c, whole).await;
    let toast = format!("streamed {} chars", whole.len() + 1);
    let shown = until(
        c,
        "the toast",
        "(document.querySelector('.bk-toast') || {}).innerText",
    )
    .await;
    assert_eq!(shown, toast.as_str());
    until(
        c,
        "the run to end",
        "(() => { const s = document.getElementById('bk-status'); return !s || s.hidden; })()",
    )
    .await;
    assert_eq!(js(c, ELEMENTS).await["stream"], whole);
    eprintln!(
        "ok: the streamed text grows ({} chars, then {}) to all {} chunks; the toast says {toast:?}",
        first.len(),
        second.len(),
        CHUNKS
    );
}

/// A page that counts its runs and starts a task reporting 5% more every
/// 80 ms; it shows the task's bar while it runs, then its result.
fn task_app() -> brooklet::App {
    use std::time::Duration;
    brooklet::App::new().page(brooklet::Page::new("task", |ui: &brooklet::Ui<'_>| {
        ui.state().setdefault("runs", 0u32)?;
        let runs = ui.state().get::<u32>("runs")? + 1;
        ui.state().set("runs", &runs)?;
        ui.text(format!("page run {runs}"));
        let status = ui.task("export", |task| {
            for step in 1..=20u8 {
                std::thread::sleep(Duration::from_millis(80));
                task.checkpoint()?;
                task.progress(step * 5, Some(&format!("part {step} of 20")))?;
            }
            Ok(20u32)
        })?;
        match status {
            brooklet::TaskStatus::Done(parts) => ui.text(format!("exported {parts} parts")),
            _ => ui.task_progress("export")?,
        }
        Ok(())
    }))
}

/// Notes each value the task's bar shows, and the page's run then.
const WATCH_BAR: &str = "
    window.__bar = [];
    const note = () => {
        const p = document.querySelector('#bk-main .bk-progress[data-task] progress');
        const run = (document.body.innerText.match(/page run (\\d+)/) || [])[1];
        const v = p && p.getAttribute('aria-valuenow');
        const last = window.__bar[window.__bar.length - 1];
        if (v !== null && v !== undefined && (!last || last.v !== v)) window.__bar.push({v, run});
    };
    new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
    note();";

/// A task's bar moves in the page as the task reports progress, with no
/// rerun of the page, and the task's end reruns the page to show it.
async fn task_bar(c: &Client) {
    let addr = support::http::start(task_app()).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    until_shows(c, "page run 1").await;
    until(
        c,
        "the push channel",
        "window.__brooklet.channel === 'socket'",
    )
    .await;
    js(c, WATCH_BAR).await;
    until_shows(c, "exported 20 parts").await;
    until_shows(c, "page run 2").await;
    let bar = js(c, "return window.__bar;").await;
    let seen: Vec<(u64, String)> = bar
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["v"].as_str().unwrap().parse().unwrap(),
                b["run"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(seen.len() >= 4, "the bar moved only through {seen:?}");
    assert!(
        seen.iter().all(|(_, run)| run == "1"),
        "the bar moved by reruns: {seen:?}"
    );
    assert!(
        seen.windows(2).all(|w| w[0].0 < w[1].0),
        "the bar went back: {seen:?}"
    );
    let gone = js(
        c,
        "return !document.querySelector('#bk-main .bk-progress[data-task]');",
    )
    .await;
    assert_eq!(gone, true, "the bar is gone once the task is done");
    eprintln!(
        "ok: the task's bar moved through {} values in run 1 ({:?}), then its end reran the page: \"exported 20 parts\"",
        seen.len(),
        seen.iter().map(|(v, _)| *v).collect::<Vec<_>>()
    );
}
