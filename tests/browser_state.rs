//! In a real browser: the URL follows widgets bound to it (R40), a form
//! that clears on submit (R31), changes that wait for the next run (R44),
//! a fragment that reruns alone (R32), on the `state_scopes` example; and
//! a session store outage, shown on the page, that the session survives (A7).
//!
//! As `tests/browser.rs`: `.ci/run` installs Chromium and runs these with
//! CI=true (a missing driver is a failure there); a plain `cargo test`
//! without Chromium skips with a printed reason.

#[path = "../examples/state_scopes.rs"]
mod state_scopes;
mod support {
    pub mod browser;
    pub mod http;
}

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use brooklet::store::{
    Loaded, MemoryStore, SaveOutcome, SessionStore, StoreError, StoreFuture, Version,
};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;
use support::browser::{
    body_text, browser, click_button, driver, fetch_counts, settled, until, until_shows,
    WATCH_FETCH,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_scopes_in_a_real_browser() {
    let Some(d) = driver() else { return };
    let c = browser(&d).await;
    let addr = support::http::start(state_scopes::app()).await;
    url_follows_bound_widgets(&c, &format!("http://{addr}")).await;
    form_clears_on_submit_and_changes_wait(&c, &format!("http://{addr}")).await;
    fragment_reruns_alone(&c, &format!("http://{addr}")).await;
    a_store_outage_is_shown_and_the_session_survives(&c).await;
    let _ = c.close().await;
}

/// A memory store that can be switched off, as a Redis going away is.
struct FlakyStore {
    inner: MemoryStore,
    down: Arc<AtomicBool>,
}

impl FlakyStore {
    fn check(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable {
                store: "flaky".into(),
                cause: "switched off by the test".into(),
            });
        }
        Ok(())
    }
}

impl SessionStore for FlakyStore {
    fn name(&self) -> &str {
        "flaky"
    }
    fn load<'a>(&'a self, tab: &'a str, known: Option<Version>) -> StoreFuture<'a, Loaded> {
        Box::pin(async move {
            self.check()?;
            self.inner.load(tab, known).await
        })
    }
    fn save<'a>(
        &'a self,
        tab: &'a str,
        expected: Option<Version>,
        bytes: Vec<u8>,
    ) -> StoreFuture<'a, SaveOutcome> {
        Box::pin(async move {
            self.check()?;
            self.inner.save(tab, expected, bytes).await
        })
    }
    fn touch<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            self.check()?;
            self.inner.touch(tab).await
        })
    }
    fn delete<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, ()> {
        self.inner.delete(tab)
    }
    fn expire(&self) -> StoreFuture<'_, usize> {
        self.inner.expire()
    }
}

/// A6/A7: when the session store fails, the event fails with an error the
/// user sees on the page, and the session is intact once the store is back.
async fn a_store_outage_is_shown_and_the_session_survives(c: &Client) {
    let down = Arc::new(AtomicBool::new(false));
    let store = FlakyStore {
        inner: MemoryStore::new(Duration::from_secs(600), 100),
        down: down.clone(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(state_scopes::app().serve_on_with_store(listener, Arc::new(store)));
    c.goto(&format!("http://{addr}/fragment")).await.unwrap();
    until_shows(c, "full runs = 1").await;
    click_button(c, "Rerun the page").await;
    until_shows(c, "full runs = 2").await;
    settled(c).await;

    down.store(true, Ordering::SeqCst);
    click_button(c, "Rerun the page").await;
    until(
        c,
        "the store error on the page",
        "(document.getElementById('bk-client-error') || {textContent: ''}).textContent.includes('StoreUnavailable')",
    )
    .await;
    settled(c).await;
    assert!(
        body_text(c).await.contains("full runs = 2"),
        "the page stays as it was"
    );

    down.store(false, Ordering::SeqCst);
    click_button(c, "Rerun the page").await;
    until_shows(c, "full runs = 3").await;
    eprintln!("ok: a store outage is shown on the page and the session survives it");
}

async fn current_query(c: &Client) -> String {
    c.execute("return location.search;", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn choose(c: &Client, option: &str) {
    let select = c
        .find(Locator::Css("[data-kind=selectbox] select"))
        .await
        .unwrap();
    select.select_by_label(option).await.unwrap();
}

async fn url_follows_bound_widgets(c: &Client, base: &str) {
    // The URL seeds the widgets on first load (R40).
    c.goto(&format!("{base}/filters?color=Green&size=7"))
        .await
        .unwrap();
    until_shows(c, "color = Green, size = 7").await;

    // A change goes to the URL; the page stays where it is in history.
    choose(c, "Blue").await;
    until_shows(c, "color = Blue, size = 7").await;
    settled(c).await;
    let q = current_query(c).await;
    assert!(q.contains("color=Blue") && q.contains("size=7"), "{q}");

    // Back at the default, the parameter goes.
    choose(c, "Red").await;
    until_shows(c, "color = Red, size = 7").await;
    settled(c).await;
    let q = current_query(c).await;
    assert!(!q.contains("color") && q.contains("size=7"), "{q}");

    // A value no option has is dropped from the URL.
    c.goto(&format!("{base}/filters?color=Purple"))
        .await
        .unwrap();
    until_shows(c, "color = Red, size = 3").await;
    eprintln!("ok: the URL follows widgets bound to it");
}

async fn form_clears_on_submit_and_changes_wait(c: &Client, base: &str) {
    c.goto(&format!("{base}/form")).await.unwrap();
    until_shows(c, "submitted = \"\"").await;
    let name = c
        .find(Locator::Css("[data-form] input[type=text]"))
        .await
        .unwrap();
    name.send_keys("Ada").await.unwrap();
    click_button(c, "Send").await;
    until_shows(c, "submitted = \"Ada\"").await;
    settled(c).await;
    let shown = c
        .execute(
            "return document.querySelector('[data-form] input[type=text]').value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        json!(""),
        "the form shows its default after the submit (R31)"
    );

    // R44: a change to the note causes no request; the next run carries it.
    c.execute(WATCH_FETCH, vec![]).await.unwrap();
    let note = c
        .find(Locator::XPath(
            "//label[contains(., 'Note')]/following::input[1]",
        ))
        .await
        .unwrap();
    note.send_keys(&format!("later{}", char::from(Key::Enter)))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        fetch_counts(c).await.0,
        0,
        "an ignored change sends nothing"
    );
    click_button(c, "Refresh").await;
    until_shows(c, "note = \"later\"").await;
    settled(c).await;

    // The rerun did not put the submitted name back into the cleared field.
    let text = body_text(c).await;
    assert!(text.contains("submitted = \"Ada\""), "{text}");
    let shown = c
        .execute(
            "return document.querySelector('[data-form] input[type=text]').value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown, json!(""));
    // The next submit sends what the form shows: the default.
    click_button(c, "Send").await;
    until_shows(c, "submitted = \"\"").await;
    eprintln!("ok: a form clears on submit; an ignored change waits for the next run");
}

async fn fragment_reruns_alone(c: &Client, base: &str) {
    c.goto(&format!("{base}/fragment")).await.unwrap();
    until_shows(c, "fragment runs = 1").await;
    click_button(c, "Bump").await;
    until_shows(c, "fragment runs = 2").await;
    settled(c).await;
    let text = body_text(c).await;
    assert!(
        text.contains("full runs = 1"),
        "only the fragment ran: {text}"
    );
    click_button(c, "Rerun the page").await;
    until_shows(c, "full runs = 2").await;
    assert!(body_text(c).await.contains("fragment runs = 3"));
    eprintln!("ok: a fragment reruns alone");
}
