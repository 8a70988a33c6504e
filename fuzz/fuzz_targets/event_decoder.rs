//! Feeds each input as a body to `POST /_brooklet/event` (or, when it
//! starts with `form:`, to `POST /_brooklet/form`) of the gallery app's
//! router, in-process, on a tab opened for that input alone.
//!
//! Before it is sent, `$TAB` in the input becomes the tab's id and `$W0` to
//! `$W9` the ids of the page's first ten widgets, so that seeds and the
//! dictionary can reach past the session look-up into the value checks.
//!
//! A crash is a panic (in the decoder, the engine or the page), a 5xx, or a
//! refusal with an empty body.

#![no_main]

#[path = "../../examples/gallery.rs"]
#[allow(dead_code)]
mod gallery;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, Response};
use axum::Router;
use brooklet::store::MemoryStore;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt as _;

/// The router and the runtime that drives it, made once.
struct Harness {
    rt: tokio::runtime::Runtime,
    router: Router,
}

const COOKIE: &str = "bk_sid=00112233445566778899aabbccddeeff";

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| Harness {
        rt: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime"),
        // Each input opens a tab; keep only the last few, so that memory
        // stays flat over millions of inputs.
        router: gallery::app().router_with_store(Arc::new(MemoryStore::process_local(
            Duration::from_secs(3600),
            64,
        ))),
    })
}

async fn call(router: &Router, req: Request<Body>) -> (Response<Body>, Vec<u8>) {
    let res = router.clone().oneshot(req).await.expect("infallible");
    let (parts, body) = res.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.expect("a body").to_vec();
    (Response::from_parts(parts, Body::empty()), bytes)
}

/// Opens a tab: its id, its sequence number and its widgets' ids, in page
/// order.
async fn open(router: &Router) -> (String, String, Vec<String>) {
    let req = Request::get("/")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, COOKIE)
        .body(Body::empty())
        .expect("a request");
    let (res, body) = call(router, req).await;
    assert_eq!(res.status(), 200, "the page does not load");
    let html = String::from_utf8(body).expect("UTF-8 HTML");
    let attr = |name: &str| -> Vec<String> {
        html.split(name)
            .skip(1)
            .filter_map(|s| s.split('"').next().map(str::to_owned))
            .collect()
    };
    let tab = attr("data-tab=\"").into_iter().next().expect("a tab id");
    let seq = attr("data-seq=\"").into_iter().next().expect("a sequence number");
    (tab, seq, attr("data-wid=\""))
}

/// The input with `$TAB`, `$SEQ` and `$W0`..`$W9` filled in.
fn fill(input: &[u8], tab: &str, seq: &str, ids: &[String]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + 64);
    let mut i = 0;
    while i < input.len() {
        let rest = &input[i..];
        if rest.starts_with(b"$TAB") {
            out.extend_from_slice(tab.as_bytes());
            i += 4;
        } else if rest.starts_with(b"$SEQ") {
            out.extend_from_slice(seq.as_bytes());
            i += 4;
        } else if let [b'$', b'W', d @ b'0'..=b'9', ..] = rest {
            let n = usize::from(d - b'0');
            out.extend_from_slice(ids.get(n).map_or("", String::as_str).as_bytes());
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|input: &[u8]| {
    let h = harness();
    h.rt.block_on(async {
        let (tab, seq, ids) = open(&h.router).await;
        let (path, content_type, body) = match input.strip_prefix(b"form:") {
            Some(rest) => (
                "/_brooklet/form",
                "application/x-www-form-urlencoded",
                fill(rest, &tab, &seq, &ids),
            ),
            None => (
                "/_brooklet/event",
                "application/json",
                fill(input, &tab, &seq, &ids),
            ),
        };
        let req = Request::post(path)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::COOKIE, COOKIE)
            .header(header::CONTENT_TYPE, content_type)
            .header("x-brooklet-tab", tab.as_str())
            .body(Body::from(body))
            .expect("a request");
        let (res, body) = call(&h.router, req).await;
        let status = res.status().as_u16();
        assert!(
            status < 500,
            "answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
        assert!(
            status < 300 || !body.is_empty(),
            "answered {status} with an empty body"
        );
    });
});
