//! Property tests against hostile input (security issue #10).
//!
//! - **The event decoder over real HTTP**: random bytes, and mutations of
//!   valid events (wrong types, huge numbers, out-of-range option indexes,
//!   unknown or non-canonical ids, nested junk, long strings, duplicated or
//!   missing fields), posted to `/_brooklet/event` and `/_brooklet/form` of a
//!   served app with every kind of widget. Never a 5xx or a dropped
//!   connection; every refusal says what is wrong; a refused event changes
//!   nothing (A6).
//! - **The engine headlessly**: random small apps (widgets with or without
//!   keys, drawn only when another widget has some value, in a form, with
//!   callbacks that write session state) driven by random interactions. No
//!   panic; a refused event changes nothing; the clean-up invariants hold
//!   (R14–R16, R28); the session survives its stored form (A7) and behaves
//!   the same afterwards; the same interactions give the same session.
//!
//! Case counts are set per test and overridden by `PROPTEST_CASES`; a
//! failure prints the minimal failing input.

mod support {
    pub mod http;
}

use std::net::SocketAddr;
use std::sync::Arc;

use brooklet::__private::record;
use brooklet::prelude::*;
use brooklet::testing::Kind;
use brooklet::testing::{AppTest, Target};
use brooklet::testing::{Event, RunEnd, Session};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use serde_json::{json, Value};
use support::http::{start, tab_of, wid, Answer, Http};

/// `cases` unless `PROPTEST_CASES` says otherwise; no regression files.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Runs `test` on values of `strategy`; a failure panics with the minimal
/// failing input.
fn check<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(config(cases));
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{e}");
    }
}

// ====================================================================
// The event decoder over HTTP
// ====================================================================

/// The served app's page: one widget of each kind the browser can send.
#[page(title = "Fuzz")]
fn showcase(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "level")]
    let level = ui.slider("Level", 0, 10).value(3).show()?;
    #[widget(key = "colour")]
    let colour = ui.selectbox("Colour", ["red", "green", "blue"]).show()?;
    #[widget(key = "toppings")]
    let toppings = ui
        .multiselect("Toppings", ["cheese", "olives", "basil"])
        .max_selections(2)
        .show()?;
    #[widget(key = "notes")]
    let notes = ui.text_area("Notes").max_chars(64).show()?;
    #[widget(key = "extra")]
    let extra = ui.checkbox("Extra").show()?;
    #[widget(key = "count")]
    let count = ui.number_input::<i64>("Count").min(0).max(100).show()?;
    let size = ui.radio("Size", ["S", "M", "L"]).show()?;
    #[widget(key = "bump", on_click = bump)]
    ui.button("Bump").show()?;
    let order = ui.form("order", false)?;
    #[widget(key = "name")]
    let name = order.text_input("Name").show()?;
    #[widget(key = "age")]
    let age = order.number_input::<f64>("Age").show()?;
    #[widget(key = "send")]
    order.form_submit_button("Send").show()?;
    #[widget(key = "upload")]
    let upload = ui
        .file_uploader("Upload")
        .types(["txt"])
        .max_upload_size(1024)
        .show()?;
    #[widget(key = "q", bind = "query-params")]
    let bound = ui.text_input("Bound").show()?;
    if extra {
        ui.text_input("Shown with extra").show()?;
    }
    let clicks = ui.state().get_opt::<i64>("clicks")?.unwrap_or(0);
    let file = upload.map(|f| (f.name, f.data.len()));
    ui.text(format!(
        "level={level} colour={colour} toppings={toppings:?} notes={notes:?} extra={extra} \
         count={count} size={size} name={name:?} age={age} file={file:?} bound={bound:?} \
         clicks={clicks}"
    ));
    Ok(())
}

#[page(path = "other", title = "Other")]
fn other(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "other")]
    let on = ui.toggle("Other toggle").show()?;
    ui.text(format!("other={on}"));
    Ok(())
}

fn bump(ui: &Ui<'_>) -> Result<()> {
    let n = ui.state().get_opt::<i64>("clicks")?.unwrap_or(0);
    ui.state().set("clicks", &(n + 1))
}

fn served_app() -> App {
    App::new()
        .page(showcase)
        .page(other)
        .max_upload_size(64 * 1024)
}

/// The labels of the page's widgets, in the order of [`Page::ids`].
const LABELS: [&str; 13] = [
    "Level", "Colour", "Toppings", "Notes", "Extra", "Count", "Size", "Bump", "Name", "Age",
    "Send", "Upload", "Bound",
];

/// A fresh tab on the served app: its id and its widgets' ids.
struct Tab {
    tab: String,
    ids: Vec<String>,
}

/// A server on a single-threaded runtime that lives as long as the test.
struct Server {
    rt: tokio::runtime::Runtime,
    addr: SocketAddr,
}

impl Server {
    fn start() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let addr = rt.block_on(start(served_app()));
        Server { rt, addr }
    }

    /// A new browser on a new tab.
    async fn open(&self) -> (Http, Tab) {
        let mut c = Http::new(self.addr);
        let page = c.get("/").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let tab = Tab {
            tab: tab_of(&page.body),
            ids: LABELS.iter().map(|l| wid(&page.body, l)).collect(),
        };
        (c, tab)
    }
}

/// An event that changes nothing: no values, no click (a plain rerun).
async fn no_op(c: &mut Http, tab: &Tab) -> Answer {
    c.event(&json!({"tab": tab.tab, "values": []})).await
}

/// The answer is no 5xx, and a refusal says what is wrong.
fn answer_is_sound(what: &str, a: &Answer, json_errors: bool) -> Result<(), TestCaseError> {
    prop_assert!(
        a.status < 500,
        "{what}: answered {} with {}",
        a.status,
        a.body
    );
    if a.status >= 300 {
        prop_assert!(
            !a.body.trim().is_empty(),
            "{what}: {} with an empty body",
            a.status
        );
        if json_errors {
            let j: Value = serde_json::from_str(&a.body).map_err(|e| {
                TestCaseError::fail(format!(
                    "{what}: {} body is not JSON ({e}): {}",
                    a.status, a.body
                ))
            })?;
            let kind = j["error"]["kind"].as_str().unwrap_or_default();
            let message = j["error"]["message"].as_str().unwrap_or_default();
            prop_assert!(
                !kind.is_empty() && !message.is_empty(),
                "{what}: {} without an error kind and message: {}",
                a.status,
                a.body
            );
        }
    }
    Ok(())
}

/// Sends `send`'s request, then checks the answer and, after a refusal,
/// that the session is as the last good answer left it.
async fn probe(
    c: &mut Http,
    tab: &Tab,
    baseline: &mut String,
    what: &str,
    answer: Answer,
    json_errors: bool,
) -> Result<(), TestCaseError> {
    answer_is_sound(what, &answer, json_errors)?;
    let after = no_op(c, tab).await;
    prop_assert_eq!(
        after.status,
        200,
        "{}: the session is gone: {}",
        what,
        after.body
    );
    if (400..500).contains(&answer.status) {
        // Each no-op event moves the tab's sequence number on, nothing else.
        prop_assert!(
            without_seq(&after.body) == without_seq(baseline),
            "{what}: refused with {} but the session changed:\nbefore: {}\nafter:  {}",
            answer.status,
            baseline,
            after.body
        );
    }
    *baseline = after.body;
    Ok(())
}

/// A page without its sequence numbers (`data-seq`, `_seq`).
fn without_seq(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest
        .find("data-seq=\"")
        .map(|i| i + "data-seq=\"".len())
        .into_iter()
        .chain(
            rest.find("name=\"_seq\" value=\"")
                .map(|i| i + "name=\"_seq\" value=\"".len()),
        )
        .min()
    {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('"').map_or(rest.len(), |e| at + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

// ---- what goes into an event ----

/// A widget id as an event may name it.
#[derive(Clone, Debug)]
enum IdPick {
    /// The `i`th widget's id, as the page carries it.
    Real(usize),
    /// In upper case.
    Upper(usize),
    /// With a leading `+`.
    Plus(usize),
    /// With whitespace around it.
    Padded(usize, &'static str),
    /// Its first `n` digits.
    Cut(usize, usize),
    /// An id of 32 hex digits no page draws.
    Unknown(u128),
    /// Any string.
    Junk(String),
    /// Not a string at all.
    Number(i64),
}

impl IdPick {
    fn value(&self, tab: &Tab) -> Value {
        let id = |i: &usize| tab.ids[i % tab.ids.len()].clone();
        Value::String(match self {
            IdPick::Real(i) => id(i),
            IdPick::Upper(i) => id(i).to_uppercase(),
            IdPick::Plus(i) => format!("+{}", id(i)),
            IdPick::Padded(i, pad) => format!("{pad}{}{pad}", id(i)),
            IdPick::Cut(i, n) => id(i).chars().take(*n).collect(),
            IdPick::Unknown(u) => format!("{u:032x}"),
            IdPick::Junk(s) => s.clone(),
            IdPick::Number(n) => return json!(n),
        })
    }
}

fn id_pick() -> impl Strategy<Value = IdPick> {
    let i = 0..LABELS.len();
    prop_oneof![
        24 => i.clone().prop_map(IdPick::Real),
        2 => i.clone().prop_map(IdPick::Upper),
        2 => i.clone().prop_map(IdPick::Plus),
        1 => (i.clone(), prop::sample::select(vec![" ", "\t", "\n", "%20", "+"]))
            .prop_map(|(i, p)| IdPick::Padded(i, p)),
        1 => (i, 0..40usize).prop_map(|(i, n)| IdPick::Cut(i, n)),
        1 => any::<u128>().prop_map(IdPick::Unknown),
        1 => "\\PC{0,40}".prop_map(IdPick::Junk),
        1 => any::<i64>().prop_map(IdPick::Number),
    ]
}

/// A widget value as JSON: near-valid ones (option indexes, numbers in and
/// out of range, files) and junk.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-5i64..12).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(vec![
            json!(u64::MAX),
            json!(i64::MIN),
            json!(f64::MAX),
            json!(-f64::MAX),
            json!(1e300),
            json!(f64::MIN_POSITIVE),
            json!(-0.0),
            json!(2.5),
            json!(9.0e15),
        ]),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,80}".prop_map(Value::from),
        // Long strings, within the body limit.
        (1usize..100_000, any::<char>()).prop_map(|(n, c)| Value::from(c.to_string().repeat(n))),
        prop::collection::vec(-3i64..6, 0..6).prop_map(|v| json!(v)),
        file(),
        prop::collection::vec(file(), 0..3).prop_map(Value::Array),
        prop::sample::select(vec![
            json!("12:30"),
            json!("2024-02-30"),
            json!("#ff00ff"),
            json!("#GGGGGG"),
        ]),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A file as the client script sends it, valid or not.
fn file() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec![
            "a.txt",
            "b.TXT",
            "c.csv",
            "",
            "../../etc/passwd",
            "x.txt\0",
        ]),
        prop::sample::select(vec!["text/plain", "", "application/octet-stream"]),
        prop_oneof![
            (0usize..1500).prop_map(|n| base64_of(&vec![b'x'; n])),
            "\\PC{0,20}",
            Just("====".to_owned()),
        ],
        any::<bool>(),
    )
        .prop_map(|(name, mime, data, extra)| {
            let mut f = json!({"name": name, "type": mime, "data": data});
            if extra {
                f["size"] = json!(-1);
            }
            f
        })
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One entry of an event's `values`.
#[derive(Clone, Debug)]
enum Pair {
    /// `[id, value]`, as the script sends it.
    Sent(IdPick, Value),
    /// `[id]`.
    Short(IdPick),
    /// `[id, value, value]`.
    Long(IdPick, Value, Value),
    /// `{"id": value}`.
    Object(IdPick, Value),
    /// Anything else.
    Other(Value),
}

impl Pair {
    fn value(&self, tab: &Tab) -> Value {
        match self {
            Pair::Sent(id, v) => json!([id.value(tab), v]),
            Pair::Short(id) => json!([id.value(tab)]),
            Pair::Long(id, a, b) => json!([id.value(tab), a, b]),
            Pair::Object(id, v) => {
                let mut m = serde_json::Map::new();
                m.insert(id.value(tab).to_string(), v.clone());
                Value::Object(m)
            }
            Pair::Other(v) => v.clone(),
        }
    }
}

fn pair() -> impl Strategy<Value = Pair> {
    prop_oneof![
        24 => (id_pick(), value()).prop_map(|(i, v)| Pair::Sent(i, v)),
        1 => id_pick().prop_map(Pair::Short),
        1 => (id_pick(), value(), value()).prop_map(|(i, a, b)| Pair::Long(i, a, b)),
        1 => (id_pick(), value()).prop_map(|(i, v)| Pair::Object(i, v)),
        1 => value().prop_map(Pair::Other),
    ]
}

/// A field that is there as the script sends it, missing, or something else.
#[derive(Clone, Debug)]
enum Field<T> {
    Good(T),
    Missing,
    Wrong(Value),
}

fn field<T: std::fmt::Debug + Clone>(
    good: impl Strategy<Value = T>,
) -> impl Strategy<Value = Field<T>> {
    prop_oneof![
        20 => good.prop_map(Field::Good),
        1 => Just(Field::Missing),
        1 => value().prop_map(Field::Wrong),
    ]
}

/// A JSON event, valid or mutated.
#[derive(Clone, Debug)]
struct JsonEvent {
    /// `Good(true)`: this tab; `Good(false)`: another tab id.
    tab: Field<bool>,
    values: Field<Vec<Pair>>,
    click: Option<Field<IdPick>>,
    page: Option<Field<&'static str>>,
    query: Option<Field<String>>,
    /// A field the event does not have.
    extra: Option<(String, Value)>,
}

fn json_event() -> impl Strategy<Value = JsonEvent> {
    let page = prop::sample::select(vec![
        "other", "showcase", "", "nowhere", "../other", "OTHER",
    ]);
    (
        field(prop_oneof![9 => Just(true), 1 => Just(false)]),
        field(prop::collection::vec(pair(), 0..5)),
        proptest::option::weighted(0.3, field(id_pick())),
        proptest::option::weighted(0.1, field(page)),
        proptest::option::weighted(0.1, field("[?a-z=&%+0-9]{0,30}")),
        proptest::option::weighted(0.03, ("[a-z_]{1,8}", value())),
    )
        .prop_map(|(tab, values, click, page, query, extra)| JsonEvent {
            tab,
            values,
            click,
            page,
            query,
            extra,
        })
}

impl JsonEvent {
    fn value(&self, tab: &Tab) -> Value {
        let mut m = serde_json::Map::new();
        let mut put = |name: &str, f: Field<Value>| match f {
            Field::Good(v) | Field::Wrong(v) => {
                m.insert(name.to_owned(), v);
            }
            Field::Missing => {}
        };
        put(
            "tab",
            map_field(&self.tab, |own| {
                if *own {
                    json!(tab.tab)
                } else {
                    json!("0123456789abcdef")
                }
            }),
        );
        put(
            "values",
            map_field(&self.values, |pairs| {
                Value::Array(pairs.iter().map(|p| p.value(tab)).collect())
            }),
        );
        if let Some(click) = &self.click {
            put("click", map_field(click, |id| id.value(tab)));
        }
        if let Some(page) = &self.page {
            put("page", map_field(page, |p| json!(p)));
        }
        if let Some(query) = &self.query {
            put("query", map_field(query, |q| json!(q)));
        }
        if let Some((k, v)) = &self.extra {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }
}

fn map_field<T>(f: &Field<T>, good: impl Fn(&T) -> Value) -> Field<Value> {
    match f {
        Field::Good(t) => Field::Good(good(t)),
        Field::Missing => Field::Missing,
        Field::Wrong(v) => Field::Wrong(v.clone()),
    }
}

/// A body that `serde_json::Value` cannot hold: sent as text.
#[derive(Clone, Debug)]
enum RawEvent {
    /// A field given twice.
    Duplicate(&'static str, JsonEvent),
    /// A number literal no `f64` or `i64` holds, as a widget's value.
    Huge(usize, &'static str),
    /// A value nested `depth` deep.
    Deep(usize, usize),
    /// A valid event cut after `n` bytes.
    Cut(JsonEvent, usize),
    /// Whitespace padding past the body limit.
    Padded(usize),
}

fn raw_event() -> impl Strategy<Value = RawEvent> {
    let huge = prop::sample::select(vec![
        "1e400",
        "-1e400",
        "123456789012345678901234567890",
        "-123456789012345678901234567890",
        "1.0e-400",
        "NaN",
        "Infinity",
        "-0",
        "0x10",
        "01",
        "1.",
        "3e2",
    ]);
    prop_oneof![
        3 => (prop::sample::select(vec!["tab", "values", "click", "page"]), json_event())
            .prop_map(|(k, e)| RawEvent::Duplicate(k, e)),
        3 => (0..LABELS.len(), huge).prop_map(|(i, n)| RawEvent::Huge(i, n)),
        3 => (0..LABELS.len(), 1usize..3000).prop_map(|(i, d)| RawEvent::Deep(i, d)),
        3 => (json_event(), 0usize..200).prop_map(|(e, n)| RawEvent::Cut(e, n)),
        1 => (300usize..400).prop_map(RawEvent::Padded),
    ]
}

impl RawEvent {
    fn bytes(&self, tab: &Tab) -> Vec<u8> {
        let id = |i: &usize| &tab.ids[i % tab.ids.len()];
        let text = match self {
            RawEvent::Duplicate(key, e) => {
                let body = e.value(tab).to_string();
                format!("{{\"{key}\":\"0\",{}", &body[1..])
            }
            RawEvent::Huge(i, n) => {
                format!(r#"{{"tab":"{}","values":[["{}",{n}]]}}"#, tab.tab, id(i))
            }
            RawEvent::Deep(i, d) => format!(
                r#"{{"tab":"{}","values":[["{}",{}{}]]}}"#,
                tab.tab,
                id(i),
                "[".repeat(*d),
                "]".repeat(*d)
            ),
            RawEvent::Cut(e, n) => {
                let body = e.value(tab).to_string();
                body.chars().take(*n).collect()
            }
            RawEvent::Padded(kib) => format!(
                r#"{{"tab":"{}","values":[]{}}}"#,
                tab.tab,
                " ".repeat(kib * 1024)
            ),
        };
        text.into_bytes()
    }
}

/// What one case posts.
#[derive(Clone, Debug)]
enum Post {
    Json(JsonEvent),
    Raw(RawEvent),
    /// Random bytes, as JSON or as a form.
    Bytes(Vec<u8>, bool),
    Form(Vec<(FormName, FormValue)>),
}

/// A form field's name.
#[derive(Clone, Debug)]
enum FormName {
    Tab,
    Click,
    Nav,
    Widget(IdPick),
    Junk(String),
}

/// A form field's value.
#[derive(Clone, Debug)]
enum FormValue {
    /// This tab's id.
    Tab,
    /// A widget's id.
    Widget(IdPick),
    Text(String),
}

fn form_post() -> impl Strategy<Value = Vec<(FormName, FormValue)>> {
    let name = prop_oneof![
        1 => Just(FormName::Tab),
        1 => Just(FormName::Click),
        1 => Just(FormName::Nav),
        6 => id_pick().prop_map(FormName::Widget),
        1 => "\\PC{0,12}".prop_map(FormName::Junk),
    ];
    let text = prop_oneof![
        prop::sample::select(vec![
            "",
            "0",
            "1",
            "-1",
            "3",
            "11",
            "2.5",
            "1e400",
            "NaN",
            "inf",
            "-inf",
            "true",
            "false",
            "9e15",
            "9223372036854775808",
            "  7  ",
            "0x1f",
            "other",
            "nowhere",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,80}",
        (1usize..20_000).prop_map(|n| "é".repeat(n)),
    ];
    let value = prop_oneof![
        1 => Just(FormValue::Tab),
        2 => id_pick().prop_map(FormValue::Widget),
        6 => text.prop_map(FormValue::Text),
    ];
    // The tab first, as the page's form sends it, then anything.
    (prop::collection::vec((name, value), 0..8), any::<bool>()).prop_map(
        |(mut fields, with_tab)| {
            if with_tab {
                fields.insert(0, (FormName::Tab, FormValue::Tab));
            }
            fields
        },
    )
}

fn form_fields(fields: &[(FormName, FormValue)], tab: &Tab) -> Vec<(String, String)> {
    let text = |v: Value| {
        v.as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string())
    };
    fields
        .iter()
        .map(|(n, v)| {
            let name = match n {
                FormName::Tab => "_tab".to_owned(),
                FormName::Click => "_click".to_owned(),
                FormName::Nav => "_nav".to_owned(),
                FormName::Widget(id) => text(id.value(tab)),
                FormName::Junk(s) => s.clone(),
            };
            let value = match v {
                FormValue::Tab => tab.tab.clone(),
                FormValue::Widget(id) => text(id.value(tab)),
                FormValue::Text(s) => s.clone(),
            };
            (name, value)
        })
        .collect()
}

/// Posts each of `posts` to a new tab, checking every answer and the
/// session after every refusal.
async fn post_all(server: &Server, posts: &[Post]) -> Result<(), TestCaseError> {
    let (mut c, tab) = server.open().await;
    let first = no_op(&mut c, &tab).await;
    prop_assert_eq!(first.status, 200, "{}", first.body);
    let mut baseline = first.body;
    let origin = c.base.clone();
    for (n, post) in posts.iter().enumerate() {
        let (what, answer, json_errors) = match post {
            Post::Json(e) => {
                let body = e.value(&tab);
                (format!("post {n}: {body}"), c.event(&body).await, true)
            }
            Post::Raw(r) => {
                let bytes = r.bytes(&tab);
                let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
                let a = c
                    .send(
                        "POST",
                        "/_brooklet/event",
                        "application/json",
                        bytes,
                        Some(&origin),
                    )
                    .await;
                (format!("post {n}: {shown}"), a, true)
            }
            Post::Bytes(bytes, as_form) => {
                let (path, ct) = if *as_form {
                    ("/_brooklet/form", "application/x-www-form-urlencoded")
                } else {
                    ("/_brooklet/event", "application/json")
                };
                let a = c.send("POST", path, ct, bytes.clone(), Some(&origin)).await;
                (format!("post {n}: {path} {bytes:?}"), a, !*as_form)
            }
            Post::Form(fields) => {
                let fields = form_fields(fields, &tab);
                let refs: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                (
                    format!("post {n}: form {fields:?}"),
                    c.form(&refs).await,
                    false,
                )
            }
        };
        probe(&mut c, &tab, &mut baseline, &what, answer, json_errors).await?;
    }
    Ok(())
}

#[test]
fn json_events_are_answered_and_refusals_change_nothing() {
    let server = Server::start();
    let post = prop_oneof![
        4 => json_event().prop_map(Post::Json),
        1 => raw_event().prop_map(Post::Raw),
    ];
    check(48, prop::collection::vec(post, 1..4), |posts| {
        server.rt.block_on(post_all(&server, &posts))
    });
}

#[test]
fn form_posts_are_answered_and_refusals_change_nothing() {
    let server = Server::start();
    check(
        48,
        prop::collection::vec(form_post().prop_map(Post::Form), 1..4),
        |posts| server.rt.block_on(post_all(&server, &posts)),
    );
}

#[test]
fn random_bytes_are_answered_and_change_nothing() {
    let server = Server::start();
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        // Mostly JSON punctuation, to get past the first byte more often.
        prop::collection::vec(
            prop::sample::select(b"{}[]\",:0123456789.eE-+truefalsnl \\u".to_vec()),
            0..256
        ),
    ];
    check(
        48,
        prop::collection::vec(
            (bytes, any::<bool>()).prop_map(|(b, f)| Post::Bytes(b, f)),
            1..4,
        ),
        |posts| server.rt.block_on(post_all(&server, &posts)),
    );
}

// ====================================================================
// The engine, headlessly
// ====================================================================

/// A widget kind of the generated apps.
#[derive(Clone, Copy, Debug)]
enum WKind {
    Slider,
    Selectbox,
    Multiselect,
    TextArea,
    TextInput,
    Checkbox,
    NumberInput,
    Radio,
    Button,
}

/// Session state keys: widgets take theirs from the first eight, writes
/// from all, so that writes hit widgets' keys now and then.
const KEYS: [&str; 9] = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "clicks"];

/// A value page code writes to session state.
fn state_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-2i64..12).prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        prop::sample::select(vec!["a", "b", "zz", ""]).prop_map(Value::from),
        Just(json!(["x", "y"])),
        Just(json!(2.5)),
    ]
}

/// A write of a session state key.
#[derive(Clone, Debug)]
struct Write {
    key: usize,
    value: Value,
}

fn write() -> impl Strategy<Value = Write> {
    (0..KEYS.len(), state_value()).prop_map(|(key, value)| Write { key, value })
}

/// What a widget's callback does.
#[derive(Clone, Debug)]
enum Callback {
    /// Adds one to `clicks`.
    Count,
    Write(Write),
    /// Asks for a rerun of the page.
    Rerun,
}

/// One widget of a generated page.
#[derive(Clone, Debug)]
struct WidgetSpec {
    kind: WKind,
    key: Option<usize>,
    label: usize,
    /// Its label shows the value of an earlier item: a keyless widget then
    /// changes identity with it (R1).
    label_from: Option<usize>,
    in_form: bool,
    disabled: bool,
    callback: Option<Callback>,
    persist: Option<Persist>,
}

/// One step of a generated page.
#[derive(Clone, Debug)]
enum Item {
    Widget(WidgetSpec),
    Write(Write),
    Delete(usize),
    Stop,
}

/// An item, drawn only when an earlier item's value is "truthy".
#[derive(Clone, Debug)]
struct Step {
    when: Option<usize>,
    item: Item,
}

fn widget_spec() -> impl Strategy<Value = WidgetSpec> {
    let kind = prop::sample::select(vec![
        WKind::Slider,
        WKind::Selectbox,
        WKind::Multiselect,
        WKind::TextArea,
        WKind::TextInput,
        WKind::Checkbox,
        WKind::NumberInput,
        WKind::Radio,
        WKind::Button,
    ]);
    let callback = prop_oneof![
        2 => Just(Callback::Count),
        2 => write().prop_map(Callback::Write),
        1 => Just(Callback::Rerun),
    ];
    (
        kind,
        proptest::option::weighted(0.6, 0..8usize),
        0..4usize,
        proptest::option::weighted(0.15, 0..8usize),
        proptest::option::weighted(0.25, Just(())),
        proptest::option::weighted(0.1, Just(())),
        proptest::option::weighted(0.3, callback),
        proptest::option::weighted(
            0.15,
            prop::sample::select(vec![Persist::Page, Persist::Session]),
        ),
    )
        .prop_map(
            |(kind, key, label, label_from, form, disabled, callback, persist)| WidgetSpec {
                kind,
                key,
                label,
                label_from,
                in_form: form.is_some(),
                disabled: disabled.is_some(),
                // Mostly what the rules allow: a callback in a form only on
                // its submit button (R30), now and then one that is not.
                callback: callback.filter(|_| form.is_none() || label == 0),
                persist: persist.filter(|_| key.is_some()),
            },
        )
}

fn page_spec() -> impl Strategy<Value = Vec<Step>> {
    let item = prop_oneof![
        16 => widget_spec().prop_map(Item::Widget),
        2 => write().prop_map(Item::Write),
        2 => (0..KEYS.len()).prop_map(Item::Delete),
        1 => Just(Item::Stop),
    ];
    prop::collection::vec((proptest::option::weighted(0.3, 0..8usize), item), 1..6).prop_map(
        |steps| {
            steps
                .into_iter()
                .enumerate()
                // A condition names an earlier item, or none.
                .map(|(i, (when, item))| Step {
                    when: when.filter(|w| *w < i),
                    item,
                })
                .collect()
        },
    )
}

/// A generated app: two pages, and maybe an entrypoint with widgets of its
/// own that both pages share (R37).
#[derive(Clone, Debug)]
struct AppSpec {
    entry: Option<Vec<Step>>,
    pages: [Vec<Step>; 2],
}

fn app_spec() -> impl Strategy<Value = AppSpec> {
    (
        proptest::option::weighted(0.3, page_spec()),
        page_spec(),
        page_spec(),
    )
        .prop_map(|(entry, a, b)| AppSpec {
            entry,
            pages: [a, b],
        })
}

const PAGES: [&str; 2] = ["a", "b"];

impl AppSpec {
    fn app(&self) -> App {
        let mut app = App::new();
        for (path, steps) in PAGES.iter().zip(&self.pages) {
            let steps = Arc::new(steps.clone());
            app = app.page(Page::new(*path, move |ui: &Ui<'_>| draw(ui, &steps)));
        }
        if let Some(entry) = &self.entry {
            let steps = Arc::new(entry.clone());
            app = app.entrypoint(move |ui: &Ui<'_>| {
                draw(ui, &steps)?;
                ui.run_page()
            });
        }
        app
    }
}

/// Whether a widget's value makes a condition true.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f >= 5.0),
        Value::String(s) => !s.is_empty() && s != "a",
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn set_state(ui: &Ui<'_>, w: &Write) -> Result<()> {
    if KEYS[w.key] == "clicks" && !w.value.is_i64() {
        // `clicks` stays a number, so that counting it cannot fail.
        return Ok(());
    }
    ui.state().set_value(KEYS[w.key], w.value.clone())
}

fn callback(cb: &Callback) -> impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static {
    let cb = cb.clone();
    move |ui: &Ui<'_>| match &cb {
        Callback::Count => {
            let n = ui.state().get_opt::<i64>("clicks")?.unwrap_or(0);
            ui.state().set("clicks", &(n + 1))
        }
        Callback::Write(w) => set_state(ui, w),
        Callback::Rerun => ui.rerun(),
    }
}

/// Draws one generated page (or the entrypoint's part).
fn draw(ui: &Ui<'_>, steps: &[Step]) -> Result<()> {
    let mut got = vec![Value::Null; steps.len()];
    let mut form: Option<Ui<'_>> = None;
    for (i, step) in steps.iter().enumerate() {
        if step.when.is_some_and(|w| !truthy(&got[w])) {
            continue;
        }
        match &step.item {
            Item::Widget(w) => {
                let place = if w.in_form {
                    if form.is_none() {
                        form = Some(ui.form("f", false)?);
                    }
                    form.as_ref().expect("just made")
                } else {
                    ui
                };
                got[i] = widget(place, w, &got)?;
            }
            Item::Write(w) => set_state(ui, w)?,
            Item::Delete(k) => {
                if ui.state().contains(KEYS[*k]) {
                    ui.state().delete(KEYS[*k])?;
                }
            }
            Item::Stop => ui.stop()?,
        }
    }
    if let Some(form) = &form {
        form.form_submit_button("Submit").show()?;
    }
    ui.text(format!("state = {:?}", ui.state().to_map()));
    Ok(())
}

/// Draws one generated widget; returns its value as JSON.
fn widget(ui: &Ui<'_>, w: &WidgetSpec, got: &[Value]) -> Result<Value> {
    let mut label = format!("L{}", w.label);
    if let Some(from) = w.label_from.filter(|f| *f < got.len()) {
        label = format!("{label} {}", got[from]);
    }
    macro_rules! common {
        ($b:expr) => {{
            let mut b = $b.disabled(w.disabled);
            if let Some(k) = w.key {
                b = b.key(KEYS[k]);
            }
            if let Some(p) = w.persist {
                b = b.persist(p);
            }
            b
        }};
    }
    macro_rules! with_change {
        ($b:expr) => {{
            let mut b = common!($b);
            if let Some(cb) = &w.callback {
                b = b.on_change(callback(cb));
            }
            serde_json::to_value(b.show()?).expect("a widget value is JSON")
        }};
    }
    Ok(match w.kind {
        WKind::Slider => with_change!(ui.slider(label, 0i64, 10).value(2)),
        WKind::Selectbox => with_change!(ui.selectbox(label, ["a", "b", "c"])),
        WKind::Multiselect => {
            with_change!(ui.multiselect(label, ["x", "y", "z"]).max_selections(2))
        }
        WKind::TextArea => with_change!(ui.text_area(label).max_chars(8)),
        WKind::TextInput => with_change!(ui.text_input(label)),
        WKind::Checkbox => with_change!(ui.checkbox(label)),
        WKind::NumberInput => with_change!(ui.number_input::<i64>(label).min(0).max(10)),
        WKind::Radio => with_change!(ui.radio(label, ["a", "b"])),
        WKind::Button => {
            let mut b = common!(ui.button(label));
            if let Some(cb) = &w.callback {
                b = b.on_click(callback(cb));
            }
            Value::Bool(b.show()?)
        }
    })
}

/// A user's interaction.
#[derive(Clone, Debug)]
enum Act {
    Rerun,
    /// Sets the `n`th widget on screen to a value.
    Set(usize, Value),
    /// Clicks the `n`th button on screen.
    Click(usize),
    /// Opens a page: `a`, `b`, or one that does not exist.
    Switch(&'static str),
}

/// A value the user might set: plausible for most kinds, or junk.
fn user_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => (-1i64..12).prop_map(Value::from),
        2 => prop::sample::select(vec!["a", "b", "c", "x", "", "abcdefghij"]).prop_map(Value::from),
        2 => any::<bool>().prop_map(Value::from),
        2 => prop::sample::subsequence(vec!["x", "y", "z", "w"], 0..4).prop_map(|v| json!(v)),
        1 => Just(json!(["x", "x"])),
        1 => value(),
    ]
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        1 => Just(Act::Rerun),
        6 => (any::<usize>(), user_value()).prop_map(|(n, v)| Act::Set(n, v)),
        2 => any::<usize>().prop_map(Act::Click),
        1 => prop::sample::select(vec!["a", "b", "nowhere"]).prop_map(Act::Switch),
    ]
}

/// A case: an app, what the user does, and the step after which the
/// session goes through its stored form.
#[derive(Clone, Debug)]
struct Case {
    app: AppSpec,
    acts: Vec<Act>,
    fork: usize,
}

fn case() -> impl Strategy<Value = Case> {
    (
        app_spec(),
        prop::collection::vec(act(), 1..10),
        any::<usize>(),
    )
        .prop_map(|(app, acts, fork)| {
            let fork = fork % (acts.len() + 1);
            Case { app, acts, fork }
        })
}

/// The event the harness sends for an interaction, computed as a browser
/// would from what the screen shows, so that a session restored from its
/// stored form can be sent the same events. `None` when the interaction
/// targets nothing on screen (the harness sends nothing then either).
struct Browser {
    /// The last value of each widget on screen that could be read.
    held: Vec<(brooklet::__private::WidgetId, Value)>,
}

impl Browser {
    /// After a run: what the harness remembers of each widget on screen.
    fn after_run(&mut self, session: &Session) {
        let state = session.state();
        self.held = session
            .tree()
            .widgets()
            .map(|w| {
                let v = state
                    .widget_value(w.id)
                    .cloned()
                    .or_else(|| self.held(w.id))
                    .unwrap_or_else(|| w.value.clone());
                (w.id, v)
            })
            .collect();
    }

    fn held(&self, id: brooklet::__private::WidgetId) -> Option<Value> {
        self.held
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, v)| v.clone())
    }

    fn event(&self, session: &Session, act: &Act) -> Option<Event> {
        let tree = session.tree();
        let shown: Vec<_> = tree.widgets().collect();
        let (clicked, staged, page) = match act {
            Act::Rerun => (None, None, None),
            Act::Set(n, v) if !shown.is_empty() => {
                (None, Some((shown[n % shown.len()].id, v.clone())), None)
            }
            Act::Set(..) => return None,
            Act::Click(n) => {
                let buttons: Vec<_> = shown.iter().filter(|w| w.kind.is_trigger()).collect();
                if buttons.is_empty() {
                    return None;
                }
                (Some(buttons[n % buttons.len()].id), None, None)
            }
            Act::Switch(p) => (None, None, Some(p.to_string())),
        };
        let submitting = shown
            .iter()
            .find(|w| Some(w.id) == clicked && w.kind == Kind::FormSubmitButton)
            .and_then(|w| w.form.clone());
        let widgets = shown
            .iter()
            .filter(|w| page.is_none() || w.script == brooklet::__private::PageId::ENTRYPOINT)
            .filter_map(|w| {
                let staged = staged
                    .as_ref()
                    .filter(|(id, _)| *id == w.id)
                    .filter(|_| w.form.is_none() || w.form == submitting);
                let value = if w.kind.is_trigger() {
                    Value::Bool(clicked == Some(w.id))
                } else if let Some((_, v)) = staged {
                    v.clone()
                } else {
                    self.held(w.id)?
                };
                Some((w.id, value))
            })
            .collect();
        Some(Event {
            page,
            widgets,
            ..Event::default()
        })
    }
}

/// The harness's target for the widget an event would name.
fn target(t: &AppTest, act: &Act) -> Option<Target> {
    let shown = t.widgets();
    let pick = |w: &brooklet::testing::WidgetView, all: &[brooklet::testing::WidgetView]| {
        let before = all
            .iter()
            .take_while(|o| o.id != w.id)
            .filter(|o| o.kind == w.kind && o.label == w.label)
            .count();
        Target::label(w.kind.name(), w.label.clone()).index(before)
    };
    match act {
        Act::Set(n, _) if !shown.is_empty() => Some(pick(&shown[n % shown.len()], &shown)),
        Act::Click(n) => {
            let buttons: Vec<_> = shown.iter().filter(|w| w.kind.is_trigger()).collect();
            (!buttons.is_empty()).then(|| pick(buttons[n % buttons.len()], &shown))
        }
        _ => None,
    }
}

/// Performs one interaction on the harness; `None` when it targets nothing.
fn perform(t: &mut AppTest, act: &Act) -> Option<Result<()>> {
    let done = match act {
        Act::Rerun => t.run().map(drop),
        Act::Set(_, v) => t.set_value(target(t, act)?, v.clone()).map(drop),
        Act::Click(_) => t.click(target(t, act)?).map(drop),
        Act::Switch(p) => t.switch_page(p).map(drop),
    };
    Some(done)
}

/// A session as JSON: everything it stores.
fn snapshot(s: &Session) -> Value {
    serde_json::to_value(s).expect("a session serialises")
}

/// The stored form of a session, read back.
fn round_trip(s: &Session) -> Session {
    let bytes = record::encode(&record::owner_hash("fuzz"), s);
    record::decode(&bytes)
        .expect("a session reads back from its stored form")
        .session
}

/// The ids a map of the stored session state holds.
fn ids_in(state: &Value, store: &str) -> Vec<String> {
    state[store]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// After a completed full run: only widgets drawn in it have state under
/// their id (R15; kept values live under their key, R39), and every
/// trigger is false again (R28).
fn clean_up_holds(s: &Session, what: &str) -> Result<(), TestCaseError> {
    let drawn: Vec<String> = s.tree().widgets().map(|w| w.id.to_string()).collect();
    let state = serde_json::to_value(s.state()).expect("state serialises");
    for store in ["old_by_widget", "new_widget", "metadata"] {
        for id in ids_in(&state, store) {
            prop_assert!(
                drawn.contains(&id),
                "{what}: widget {id} was not drawn but {store} still has it\n{}",
                s.tree().outline()
            );
        }
    }
    // A button whose key holds a plain entry written before it first drew
    // reads that entry (R19): see `a_button_is_not_clicked_by_a_plain_entry_under_its_key`.
    let plain = |k: &Option<String>| {
        k.as_ref()
            .is_some_and(|k| state["old_by_key"].get(k.as_str()).is_some())
    };
    for w in s
        .tree()
        .widgets()
        .filter(|w| w.kind.is_trigger() && !plain(&w.key))
    {
        let v = s.state().widget_value(w.id);
        prop_assert!(
            v.is_none() || v == Some(&Value::Bool(false)),
            "{what}: button {:?} is {v:?} after the run",
            w.label
        );
    }
    Ok(())
}

/// What one interaction left: its outcome and the whole session.
fn transcript_entry(t: &AppTest, done: &Option<Result<()>>) -> Value {
    json!({
        "done": done.as_ref().map(|r| r.as_ref().map_err(|e| e.to_string()).err()),
        "session": snapshot(t.session()),
        "widgets": t.widgets(),
    })
}

/// Runs a case; returns its transcript.
fn run_case(c: &Case, checks: bool) -> Result<Vec<Value>, TestCaseError> {
    let app = c.app.app();
    let mut t = AppTest::new(app.clone());
    let mut browser = Browser { held: Vec::new() };
    let first = t.run().map(drop);
    prop_assert!(first.is_ok(), "the first run was refused: {first:?}");
    browser.after_run(t.session());
    let mut transcript = vec![transcript_entry(&t, &Some(first))];
    // The session restored from its stored form, sent the same events.
    let mut restored: Option<Session> = None;
    for (n, act) in c.acts.iter().enumerate() {
        let what = format!("interaction {n} ({act:?})");
        if checks && n == c.fork {
            let mut s = round_trip(t.session());
            s.restore_callbacks(&app);
            // A replay that ends before a callback's widget cannot restore
            // it: see `a_restored_session_keeps_callbacks_its_replay_does_not_reach`.
            restored = (!s.lacks_callbacks()).then_some(s);
        }
        let before = snapshot(t.session());
        let event = browser.event(t.session(), act);
        let done = perform(&mut t, act);
        prop_assert_eq!(
            event.is_some(),
            done.is_some(),
            "{}: the harness and the browser model disagree on the target",
            what
        );
        match &done {
            Some(Ok(())) => browser.after_run(t.session()),
            Some(Err(e)) => {
                prop_assert_eq!(
                    &before,
                    &snapshot(t.session()),
                    "{}: refused ({}) but the session changed",
                    what,
                    e
                );
            }
            None => {}
        }
        if checks {
            let s = t.session();
            // The stored form holds the whole session.
            let back = round_trip(s);
            prop_assert_eq!(snapshot(&back), snapshot(s), "{}: round trip", what);
            prop_assert!(back.state() == s.state(), "{what}: state round trip");
            if matches!(done, Some(Ok(())))
                && t.run_end() == Some(RunEnd::Completed)
                && t.fragment_ran().is_none()
            {
                clean_up_holds(s, &what)?;
            }
            if let (Some(r), Some(event)) = (restored.as_mut(), event) {
                let got = r.handle(&app, event);
                prop_assert_eq!(
                    got.as_ref().err().map(|e| e.to_string()),
                    done.as_ref()
                        .and_then(|d| d.as_ref().err())
                        .map(|e| e.to_string()),
                    "{}: the restored session answers otherwise",
                    what
                );
                prop_assert_eq!(
                    snapshot(r),
                    snapshot(t.session()),
                    "{}: the restored session differs after it",
                    what
                );
            }
        }
        transcript.push(transcript_entry(&t, &done));
    }
    Ok(transcript)
}

#[test]
fn random_apps_keep_their_invariants_and_survive_their_stored_form() {
    check(96, case(), |c| run_case(&c, true).map(drop));
}

#[test]
fn random_interactions_replay_deterministically() {
    check(64, case(), |c| {
        let first = run_case(&c, false)?;
        let again = run_case(&c, false)?;
        prop_assert_eq!(first, again);
        Ok(())
    });
}

/// Found by `random_apps_keep_their_invariants_and_survive_their_stored_form`:
/// a value written under a key before any widget with that key drew is a
/// plain entry (R17, R19); a button that then draws with that key adopts it
/// (R11) and returns `true` in a run with no click, and its key still reads
/// `true` after the run, although R28 resets triggers at its end. R23 only
/// refuses a write of a button's key in the same run.
#[test]
#[ignore = "fails on today's code: a plain entry under a button's key clicks it (R11/R19 vs R23/R28)"]
fn a_button_is_not_clicked_by_a_plain_entry_under_its_key() {
    let app = App::new()
        .page(Page::new("a", |ui: &Ui<'_>| ui.state().set("k", &true)))
        .page(Page::new("b", |ui: &Ui<'_>| {
            if ui.button("B").key("k").show()? {
                ui.text("clicked");
            }
            Ok(())
        }));
    let mut t = AppTest::new(app);
    t.run().unwrap();
    t.switch_page("b").unwrap();
    assert_eq!(
        t.texts(),
        Vec::<String>::new(),
        "no click, yet the button is true"
    );
    assert_eq!(t.session_state().get("k"), Some(&json!(false)));
}

/// Found by the same property: callbacks are restored by replaying the last
/// run on the state that run *left*, not the state it started from. A page
/// that writes a key before the widget with that key first draws succeeds
/// the first time (a plain entry, R17) and fails on the replay (the key now
/// belongs to the widget: `TypeMismatch`, A4), so the replay stops before
/// the widgets below it and their callbacks are lost: after a restart or
/// on another replica, changing them no longer calls back (A7).
#[test]
#[ignore = "fails on today's code: the callback replay runs on the post-run state and stops early"]
fn a_restored_session_keeps_callbacks_its_replay_does_not_reach() {
    let app = App::new().page(Page::new("p", |ui: &Ui<'_>| {
        ui.state().set_value("k", json!(0))?;
        ui.selectbox("S", ["a", "b"])
            .on_change(|ui: &Ui<'_>| ui.state().set("called", &true))
            .show()?;
        ui.selectbox("K", ["a", "b"]).key("k").show()?;
        Ok(())
    }));
    let mut live = Session::new();
    live.handle(&app, Event::default()).unwrap();
    let mut restored = round_trip(&live);
    restored.restore_callbacks(&app);
    let s = live.tree().widgets().find(|w| w.label == "S").unwrap().id;
    let change = Event {
        widgets: vec![(s, json!("b"))],
        ..Event::default()
    };
    live.handle(&app, change.clone()).unwrap();
    restored.handle(&app, change).unwrap();
    assert_eq!(live.state().get("called"), Some(&json!(true)));
    assert_eq!(
        restored.state().get("called"),
        Some(&json!(true)),
        "the restored session did not call back"
    );
}
