//! Replays a conformance scenario's steps through the headless harness and
//! writes the trace in the recordings' format (see the conformance README).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use brooklet::testing::{AppTest, Target};
use brooklet::{App, ErrorKind};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Python's `json.dumps` with its defaults: `", "` and `": "` separators,
/// floats always with a decimal point, non-ASCII escaped as `\uXXXX`.
/// The scenario apps print values this way, and texts compare exactly.
pub fn dumps(value: &(impl Serialize + ?Sized)) -> String {
    let value = serde_json::to_value(value).expect("a JSON value");
    let mut out = String::new();
    write_py(&value, &mut out);
    out
}

fn write_py(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_py_str(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_py(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_py_str(k, out);
                out.push_str(": ");
                write_py(item, out);
            }
            out.push('}');
        }
    }
}

fn write_py_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A Python `set` of strings, stored as the traces write sets:
/// `{"$set": [sorted items]}`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PySet {
    #[serde(rename = "$set")]
    items: std::collections::BTreeSet<String>,
}

impl PySet {
    pub fn contains(&self, item: &str) -> bool {
        self.items.contains(item)
    }

    pub fn insert(&mut self, item: String) {
        self.items.insert(item);
    }
}

/// The URL's query parameters as Python's `st.query_params.to_dict()`
/// gives them: the last value of each name, names sorted.
pub fn query_dict(ui: &brooklet::Ui<'_>) -> std::collections::BTreeMap<String, String> {
    ui.query_params()
        .into_iter()
        .filter_map(|(k, mut v)| v.pop().map(|last| (k, last)))
        .collect()
}

fn data_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/data")
        .join(name)
}

fn target(step: &Value) -> Target {
    let t = &step["target"];
    let kind = t["type"].as_str().expect("target type");
    let target = match (&t["key"], &t["label"]) {
        (Value::String(k), _) => Target::key(kind, k.clone()),
        (_, Value::String(l)) => Target::label(kind, l.clone()),
        _ => panic!("target without key or label: {t}"),
    };
    match t["index"].as_u64() {
        Some(i) => target.index(i as usize),
        None => target,
    }
}

/// Applies one step as the browser would.
fn apply(t: &mut AppTest, step: &Value) -> brooklet::Result<()> {
    let rerun = step["rerun"].as_bool().unwrap_or(true);
    match step["op"].as_str().expect("op") {
        "run" => match step.get("query_params") {
            Some(Value::Object(q)) => {
                let q = q
                    .iter()
                    .map(|(k, v)| {
                        let values = match v {
                            Value::Array(items) => items
                                .iter()
                                .map(|i| i.as_str().unwrap_or_default().to_owned())
                                .collect(),
                            other => vec![other.as_str().unwrap_or_default().to_owned()],
                        };
                        (k.clone(), values)
                    })
                    .collect();
                t.run_with_query_params(q)?;
            }
            _ => {
                t.run()?;
            }
        },
        "set_value" if rerun => {
            t.set_value(target(step), &step["value"])?;
        }
        "set_value" => {
            t.stage_value(target(step), &step["value"])?;
        }
        "click" => {
            t.click(target(step))?;
        }
        // The user opens a tab, or opens or closes an expander or a
        // popover (tests/conformance/record.py).
        "set_container" => {
            t.set_value(target(step), &step["value"])?;
        }
        "switch_page" => {
            t.switch_page(step["page"].as_str().expect("page"))?;
        }
        op => panic!("unknown op {op}"),
    }
    Ok(())
}

/// A date widget's value as the traces write it: `{"$date": ..}` for each
/// date.
fn as_traced_date(value: &Value) -> Value {
    match value {
        Value::String(s) => json!({ "$date": s }),
        Value::Array(items) => Value::Array(items.iter().map(as_traced_date).collect()),
        other => other.clone(),
    }
}

/// Session state as the traces write it: dates as `{"$date": ..}`.
fn traced_state(t: &AppTest) -> std::collections::BTreeMap<String, Value> {
    let dates: Vec<String> = t
        .widgets()
        .into_iter()
        .filter(|w| w.kind.name() == "date_input")
        .filter_map(|w| w.key)
        .collect();
    t.session_state()
        .into_iter()
        .map(|(k, v)| {
            let v = if dates.contains(&k) {
                as_traced_date(&v)
            } else {
                v
            };
            (k, v)
        })
        .collect()
}

/// One trace entry: the app after the step's runs, clean-up included.
fn entry(t: &AppTest, index: usize, step: &Value) -> Value {
    // After a fragment run AppTest's element tree holds only the fragment's
    // elements (limitation 3); a browser keeps showing the rest.
    let tree = t.tree();
    let fragment = t.fragment_ran().and_then(|f| tree.fragment_node(f));
    let shown: Option<Vec<&brooklet::testing::Element>> =
        fragment.map(|node| tree.iter_under(node).collect());
    let in_fragment = |id| {
        shown.as_ref().is_none_or(|els| {
            els.iter()
                .any(|e| matches!(e, brooklet::testing::Element::Widget(w) if w.id == id))
        })
    };
    let texts: Vec<String> = match &shown {
        Some(els) => els
            .iter()
            .filter_map(|e| match e {
                brooklet::testing::Element::Text { body } => Some(body.clone()),
                _ => None,
            })
            .collect(),
        None => t.texts(),
    };
    // Streamlit's element tree lists tracking containers as blocks.
    let widgets: Vec<Value> = t
        .widgets()
        .into_iter()
        .filter(|w| in_fragment(w.id) && !w.kind.is_container())
        .map(|w| {
            let value = if w.kind.is_trigger() {
                w.returned.clone()
            } else {
                w.value
                    .clone()
                    .unwrap_or_else(|| json!({"$unreadable": "KeyError"}))
            };
            let value = if w.kind.name() == "date_input" {
                as_traced_date(&value)
            } else {
                value
            };
            // A chat input has no label in Streamlit: its placeholder is ours.
            let label = (w.kind.name() != "chat_input").then_some(&w.label);
            json!({"type": w.kind.name(), "key": w.key, "label": label, "value": value})
        })
        .collect();
    let alerts: Vec<Value> = t
        .alerts()
        .into_iter()
        .map(|(k, b)| json!({"kind": k.name(), "body": b}))
        .collect();
    let exceptions: Vec<Value> = t
        .exceptions()
        .into_iter()
        .map(|(k, m)| json!({"type": k.trace_name(), "message": m, "is_warning": false}))
        .collect();
    // What AppTest records: the URL it was given, never the app's changes
    // to it (limitation 5). `url_query_params()` is what a browser shows.
    let query: Map<String, Value> = t
        .sent_query_params()
        .into_iter()
        .map(|(k, mut v)| {
            (
                k,
                if v.len() == 1 {
                    Value::String(v.remove(0))
                } else {
                    json!(v)
                },
            )
        })
        .collect();
    json!({
        "index": index,
        "step": step,
        "page": t.page(),
        "widgets": widgets,
        "session_state": traced_state(t),
        "texts": texts,
        "markdown": t.markdown(),
        "alerts": alerts,
        "exceptions": exceptions,
        "log_warnings": [],
        "query_params": query,
    })
}

/// The fields compare.py compares, with exception types reduced to kinds.
fn comparable(e: &Value, with_query: bool) -> Value {
    let kinds: Vec<Value> = e["exceptions"]
        .as_array()
        .map(|xs| {
            xs.iter()
                .map(|x| {
                    let name = x["type"].as_str().unwrap_or_default();
                    let short = name.rsplit('.').next().unwrap_or(name);
                    let short = match short {
                        "AttributeError" => "KeyError",
                        "ValueError" => "Panic",
                        s => s.strip_prefix("Streamlit").unwrap_or(s),
                    };
                    Value::String(short.to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    let mut view = json!({
        "page": e["page"],
        "widgets": e["widgets"].as_array().map(|ws| ws.iter().map(|w| json!({
            "type": w["type"], "key": w["key"], "label": w["label"], "value": w["value"]
        })).collect::<Vec<_>>()),
        "session_state": e["session_state"],
        "texts": e["texts"],
        "alerts": e["alerts"],
        "exceptions": kinds,
    });
    if with_query {
        view["query_params"] = e["query_params"].clone();
    }
    view
}

/// Exact JSON equality that keeps `3` and `3.0` apart, as compare.py does.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x.is_f64() == y.is_f64() && x.as_f64() == y.as_f64()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Replays scenario `name` on `app`, writes `target/conformance/NAME.json`,
/// and fails on the first difference from the recording.
pub fn replay(name: &str, app: App) {
    let dir = data_dir(name);
    let steps: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("steps.json")).unwrap()).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut t = AppTest::new(app);
    // AppTest reruns the whole app on every interaction, even with a
    // fragment's widget (the recordings' README, limitation 3).
    t.rerun_whole_page_on_interaction(true);
    let mut trace = Vec::new();
    for (index, step) in steps["steps"].as_array().expect("steps").iter().enumerate() {
        let mut e = match apply(&mut t, step) {
            Ok(()) => entry(&t, index, step),
            Err(err) => {
                assert!(err.kind() != ErrorKind::Panic, "harness panic");
                json!({"index": index, "step": step, "harness_error": format!("{err}")})
            }
        };
        if e.get("harness_error").is_some() {
            e["page"] = Value::Null;
        }
        trace.push(e);
    }
    let out = json!({
        "format_version": 1,
        "scenario": name,
        "streamlit_version": expected["streamlit_version"],
        "brooklet_version": env!("CARGO_PKG_VERSION"),
        "description": expected["description"],
        "rules": expected["rules"],
        "trace": trace,
    });
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/conformance");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(
        out_dir.join(format!("{name}.json")),
        serde_json::to_string_pretty(&out).unwrap() + "\n",
    )
    .unwrap();

    let exp_trace = expected["trace"].as_array().unwrap();
    assert_eq!(trace.len(), exp_trace.len(), "{name}: trace length");
    let with_query = exp_trace
        .iter()
        .any(|e| e["query_params"].as_object().is_some_and(|q| !q.is_empty()));
    for (i, (e, a)) in exp_trace.iter().zip(&trace).enumerate() {
        assert!(
            a.get("harness_error").is_none(),
            "{name} step {i}: {}",
            a["harness_error"]
        );
        let (ev, av) = (comparable(e, with_query), comparable(a, with_query));
        for field in ev.as_object().unwrap().keys() {
            assert!(
                same(&ev[field], &av[field]),
                "{name} step {i} ({}): {field}:\n  expected {}\n  got      {}",
                e["step"],
                ev[field],
                av[field]
            );
        }
    }
}

#[test]
fn dumps_matches_python() {
    assert_eq!(
        dumps(&json!(["b", ["c"], "hey", "", 0])),
        r#"["b", ["c"], "hey", "", 0]"#
    );
    assert_eq!(dumps(&3.0), "3.0");
    assert_eq!(
        dumps(&json!({"a": 1, "b": [true, null]})),
        r#"{"a": 1, "b": [true, null]}"#
    );
    assert_eq!(dumps("é😀\n"), r#""\u00e9\ud83d\ude00\n""#);
}
