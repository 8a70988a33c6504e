//! The scaffolding the behaviour tests share: one-page apps run through the
//! headless harness ([`AppTest`]), with their full runs counted if asked;
//! the page's exceptions and session state after a run; a callback that
//! leaves a trace; and a check that a panic's location names a file and
//! line.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use brooklet::prelude::*;
use brooklet::testing::AppTest;
use brooklet::testing::Element;
use serde_json::Value;

/// A one-page app at `app.py`.
pub fn app(page: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static) -> App {
    App::new().page(Page::new("app.py", page))
}

/// A harness on a one-page app, after its first run.
pub fn started(page: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static) -> AppTest {
    let mut t = AppTest::new(app(page));
    t.run().expect("first run");
    t
}

/// A harness on a one-page app that counts the page's full runs.
pub fn counting_full_runs(
    page: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
) -> (AppTest, Arc<AtomicUsize>) {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let t = AppTest::new(app(move |ui| {
        counter.fetch_add(1, Ordering::SeqCst);
        page(ui)
    }));
    (t, runs)
}

/// The kinds of the exceptions on the page.
pub fn exception_kinds(t: &AppTest) -> Vec<ErrorKind> {
    t.exceptions().into_iter().map(|(k, _)| k).collect()
}

/// The one exception on the page, with its location.
pub fn the_exception(t: &AppTest) -> (ErrorKind, String, Option<String>) {
    let tree = t.tree();
    let found: Vec<_> = tree
        .iter()
        .filter_map(|e| match e {
            Element::Exception {
                kind,
                message,
                location,
            } => Some((*kind, message.clone(), location.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "expected one exception, got {found:?}");
    found.into_iter().next().unwrap()
}

/// A user-visible session-state value after the last run.
pub fn state(t: &AppTest, key: &str) -> Option<Value> {
    t.session_state().get(key).cloned()
}

/// Adds one to the integer under `key` (0 when missing): a callback's trace.
pub fn bump(ui: &Ui<'_>, key: &str) -> Result<()> {
    let n: i64 = ui.state().get_opt(key)?.unwrap_or(0);
    ui.state().set(key, &(n + 1))
}

/// Whether `s` contains `file.rs:<digits>`.
pub fn has_file_line(s: &str, file: &str) -> bool {
    s.match_indices(&format!("{file}:")).any(|(i, m)| {
        s[i + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}
