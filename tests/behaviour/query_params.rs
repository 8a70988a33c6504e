//! Binding a widget to the URL: the URL seeds the widget and follows it, the
//! default or an invalid value removes the parameter, a session-state write
//! wins, back and forward give the URL's value, a bound parameter cannot be
//! set directly, triggers and keyless widgets cannot be bound, and values of
//! every shape round-trip (R40).
//!
//! Rules: R40.

use std::collections::BTreeMap;

use brooklet::prelude::*;
use brooklet::testing::{AppTest, Target};

use crate::harness::{app, started};

fn query(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
        .collect()
}

fn bound_color(ui: &Ui<'_>) -> Result<()> {
    let c = ui
        .selectbox("Color", ["Red", "Green", "Blue"])
        .key("color")
        .bind_query_params()
        .show()?;
    ui.text(format!("color={c}"));
    Ok(())
}

/// R40: the URL seeds the widget; a user change goes to the browser's URL;
/// the default removes the parameter.
#[test]
fn r40_the_url_follows_a_bound_widget() {
    let mut t = AppTest::new(app(bound_color));
    t.run_with_query_params(query(&[("color", "Green"), ("other", "1")]))
        .unwrap();
    assert_eq!(t.texts(), ["color=Green"]);
    t.set_value(Target::key("selectbox", "color"), "Blue")
        .unwrap();
    assert_eq!(
        t.url_query_params(),
        query(&[("color", "Blue"), ("other", "1")])
    );
    t.set_value(Target::key("selectbox", "color"), "Red")
        .unwrap();
    assert_eq!(t.url_query_params(), query(&[("other", "1")]));
    assert_eq!(t.query_params(), query(&[("other", "1")]));
}

/// R40: an invalid URL value is dropped from the URL, and the widget shows
/// its default.
#[test]
fn r40_an_invalid_url_value_is_dropped() {
    let mut t = AppTest::new(app(bound_color));
    t.run_with_query_params(query(&[("color", "Purple")]))
        .unwrap();
    assert_eq!(t.texts(), ["color=Red"]);
    assert_eq!(t.url_query_params(), BTreeMap::new());
    assert_eq!(t.query_params(), BTreeMap::new());
}

/// R40: a session-state write wins over the URL and goes to the URL.
#[test]
fn r40_a_session_state_write_wins_and_goes_to_the_url() {
    let mut t = AppTest::new(app(|ui| {
        if ui.state().get_opt::<bool>("force")?.is_none() {
            ui.state().set("force", &true)?;
            ui.state().set("color", "Blue")?;
        }
        bound_color(ui)
    }));
    t.run_with_query_params(query(&[("color", "Green")]))
        .unwrap();
    assert_eq!(t.texts(), ["color=Blue"]);
    assert_eq!(t.query_params(), query(&[("color", "Blue")]));
    assert_eq!(t.url_query_params(), query(&[("color", "Blue")]));
}

/// R40: on back/forward the URL wins over the value the browser holds.
#[test]
fn r40_on_back_and_forward_the_url_wins() {
    let mut t = AppTest::new(app(bound_color));
    t.run().unwrap();
    t.set_value(Target::key("selectbox", "color"), "Blue")
        .unwrap();
    t.run_with_query_params(query(&[("color", "Green")]))
        .unwrap();
    assert_eq!(t.texts(), ["color=Green"]);
    t.run_with_query_params(BTreeMap::new()).unwrap();
    assert_eq!(t.texts(), ["color=Red"], "no parameter means the default");
}

/// R40: a bound parameter cannot be set through the query-parameter API.
#[test]
fn r40_a_bound_parameter_cannot_be_set_directly() {
    let t = started(|ui| {
        bound_color(ui)?;
        ui.set_query_param("color", vec!["Blue".into()])
    });
    let (kind, message) = t.exceptions().remove(0);
    assert_eq!(kind, ErrorKind::InvalidArgument);
    assert!(message.contains("bound to the widget"), "{message}");
}

/// R40: trigger widgets cannot be bound; binding needs a key.
#[test]
fn r40_triggers_and_keyless_widgets_cannot_be_bound() {
    let t = started(|ui| {
        ui.button("Go").key("go").bind_query_params().show()?;
        Ok(())
    });
    assert!(t.exceptions()[0].1.contains("cannot be bound"));
    let t = started(|ui| {
        ui.slider("s", 0, 9).bind_query_params().show()?;
        Ok(())
    });
    assert!(t.exceptions()[0].1.contains("add a key"));
}

/// R40: numbers, multiselects and checkboxes round-trip through the URL.
#[test]
fn r40_values_of_every_shape_round_trip_through_the_url() {
    let mut t = AppTest::new(app(|ui| {
        let n = ui.slider("n", 0, 10).key("n").bind_query_params().show()?;
        let m: Vec<String> = ui
            .multiselect("m", ["a", "b", "c"])
            .key("m")
            .bind_query_params()
            .show()?;
        let c = ui.checkbox("c").key("c").bind_query_params().show()?;
        ui.text(format!("{n} {m:?} {c}"));
        Ok(())
    }));
    let mut q = query(&[("n", "7"), ("c", "true")]);
    q.insert("m".into(), vec!["a".into(), "c".into()]);
    t.run_with_query_params(q.clone()).unwrap();
    assert_eq!(t.texts(), ["7 [\"a\", \"c\"] true"]);
    assert_eq!(t.url_query_params(), q);
}
