//! Declared persistence: `persist` keeps a widget's value while it is not
//! drawn, and needs a key (R39); `keep_value` carries a slider's value into
//! new bounds, clamped, where it would otherwise reset (A5, R4).
//!
//! Rules: R4, R39, A5. Binding to the URL (R40) is in `query_params`.

use brooklet::prelude::*;
use brooklet::testing::Target;
use serde_json::json;

use crate::harness::{started, state};

// ---------------------------------------------------------------- R39

/// R39: `Persist::Page` keeps the value while the widget is hidden on its
/// page, through the builder API as well as `#[widget(persist = ..)]`.
#[test]
fn r39_persist_page_through_the_builder() {
    let mut t = started(|ui| {
        let show = ui.checkbox("show").key("show").value(true).show()?;
        if show {
            ui.text_input("kept")
                .key("kept")
                .persist(Persist::Page)
                .show()?;
            ui.text_input("lost").key("lost").show()?;
        }
        Ok(())
    });
    t.set_value(Target::key("text_input", "kept"), "k").unwrap();
    t.set_value(Target::key("text_input", "lost"), "l").unwrap();
    t.set_value(Target::key("checkbox", "show"), false).unwrap();
    assert_eq!(state(&t, "kept"), Some(json!("k")));
    assert_eq!(state(&t, "lost"), None);
    t.set_value(Target::key("checkbox", "show"), true).unwrap();
    assert_eq!(
        t.widget(Target::key("text_input", "kept"))
            .unwrap()
            .returned,
        json!("k")
    );
    assert_eq!(
        t.widget(Target::key("text_input", "lost"))
            .unwrap()
            .returned,
        json!("")
    );
}

/// R39: persistence needs a key; without one the run says so.
#[test]
fn r39_persist_without_a_key_is_an_error() {
    let t = started(|ui| {
        ui.text_input("x").persist(Persist::Session).show()?;
        Ok(())
    });
    let (kind, message) = t.exceptions().remove(0);
    assert_eq!(kind, ErrorKind::InvalidArgument);
    assert!(message.contains("add a key"), "{message}");
}

// ---------------------------------------------------------------- A5

/// A5: `keep_value` carries a slider's value over when its bounds change,
/// clamped into the new range; without it the slider resets (R4).
#[test]
fn a5_keep_value_carries_the_value_into_new_bounds() {
    let page = |keep: bool| {
        move |ui: &Ui<'_>| {
            let max = ui
                .number_input("max")
                .key("max")
                .min(1)
                .max(100)
                .value(10)
                .show()?;
            let slider = ui.slider("s", 0, max).key("s");
            let s = if keep { slider.keep_value() } else { slider }.show()?;
            ui.text(format!("s={s}"));
            Ok(())
        }
    };
    for (keep, after_grow, after_shrink) in [(true, "s=8", "s=5"), (false, "s=0", "s=0")] {
        let mut t = started(page(keep));
        t.set_value(Target::key("slider", "s"), 8).unwrap();
        t.set_value(Target::key("number_input", "max"), 20).unwrap();
        assert_eq!(t.texts(), [after_grow], "keep_value={keep}");
        t.set_value(Target::key("number_input", "max"), 5).unwrap();
        assert_eq!(t.texts(), [after_shrink], "keep_value={keep}");
    }
}
