//! Rerun cost: one event (one changed value among all the browser sends),
//! the page from the top, clean-up included.
//!
//! - `rerun/100_keyed_widgets`: a page of 100 keyed widgets of mixed kinds.
//! - `rerun/slider_bounds`: the docs' slider example (two number inputs
//!   give the slider its bounds; the value is clamped through session state).
//!
//! Also prints the serialised size of each session's state.

use std::hint::black_box;

#[path = "../../examples/hundred_widgets.rs"]
#[allow(dead_code)]
mod hundred_widgets;
#[path = "../../examples/slider_bounds.rs"]
#[allow(dead_code)]
mod slider_bounds;

use brooklet::prelude::*;
use brooklet::testing::{Event, Session};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;

/// Two events that the bench alternates between, so every rerun sees one
/// changed value: every widget's current value, with `changed`'s value
/// swapped for `a` or `b`.
fn events(app: &App, session: &mut Session, changed: &str, a: Value, b: Value) -> [Event; 2] {
    session.handle(app, Event::default()).expect("first run");
    let make = |v: &Value| Event {
        page: None,
        widgets: session
            .tree()
            .widgets()
            .map(|w| {
                (
                    w.id,
                    if w.key.as_deref() == Some(changed) {
                        v.clone()
                    } else {
                        w.value.clone()
                    },
                )
            })
            .collect(),
        ..Event::default()
    };
    [make(&a), make(&b)]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("rerun");
    for (name, app, changed, a, b) in [
        (
            "100_keyed_widgets",
            hundred_widgets::app(),
            "s7",
            Value::from(30),
            Value::from(31),
        ),
        (
            "slider_bounds",
            slider_bounds::app(),
            "a",
            Value::from(7),
            Value::from(8),
        ),
    ] {
        let mut session = Session::new();
        let events = events(&app, &mut session, changed, a, b);
        let mut i = 0;
        group.bench_function(name, |bench| {
            bench.iter(|| {
                i += 1;
                session.handle(&app, events[i % 2].clone()).expect("run");
                black_box(session.tree().len())
            })
        });
        session.handle(&app, events[0].clone()).expect("run");
        let tree = session.tree().clone();
        // The whole page rendered afresh, and as the server renders an
        // answer: reusing the HTML of widgets that did not change.
        let doc = brooklet::__private::PageDoc {
            title: "bench",
            base: "/",
            tab: "0123456789abcdef",
            page: "app.py",
            pages: &[],
            tree: &tree,
            notice: None,
            url: None,
            seq: 1,
            error_details: false,
            running: false,
            tab_view: &[],
            icons: &[],
        };
        group.bench_function(format!("{name}/render_fresh"), |bench| {
            bench.iter(|| black_box(brooklet::__private::render_app(&doc).len()))
        });
        let mut cache = brooklet::__private::RenderCache::default();
        session.handle(&app, events[1].clone()).expect("run");
        let other_tree = session.tree().clone();
        let other_doc = brooklet::__private::PageDoc {
            tree: &other_tree,
            ..doc
        };
        let mut j = 0;
        group.bench_function(format!("{name}/render_cached"), |bench| {
            bench.iter(|| {
                j += 1;
                let d = if j % 2 == 0 { &doc } else { &other_doc };
                black_box(brooklet::__private::render_app_cached(d, &mut cache).len())
            })
        });
        let bytes = serde_json::to_vec(session.state())
            .expect("serialisable")
            .len();
        eprintln!(
            "{name}: session state serialised (JSON) = {bytes} bytes, {} entries",
            session.state().entry_count()
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
