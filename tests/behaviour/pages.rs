//! Multipage apps: the same key on two pages is two widgets (R10, R35), and
//! without an entrypoint leaving a page cleans up its widgets while plain
//! keys survive (R36, R38).
//!
//! Rules: R10, R35, R36, R38.

use brooklet::prelude::*;
use brooklet::testing::{AppTest, Target};

/// R10/R35: the same key on two pages is two widgets: the value does not
/// carry over, and the old page's key is gone at the top of the new page.
#[test]
fn r35_same_key_on_two_pages_is_two_widgets() {
    let app = App::new()
        .page(Page::new("a.py", |ui| {
            let k = ui.text_input("K").key("k").show()?;
            ui.text(format!("a:k={k}"));
            Ok(())
        }))
        .page(Page::new("b.py", |ui| {
            let had = ui.state().contains("k");
            let k = ui.text_input("K").key("k").show()?;
            ui.text(format!("b:had_k={had} k={k}"));
            Ok(())
        }));
    let mut t = AppTest::new(app);
    t.run().unwrap();
    let id_a = t.widget(Target::key("text_input", "k")).unwrap().id;
    t.set_value(Target::key("text_input", "k"), "on a").unwrap();
    assert_eq!(t.texts(), ["a:k=on a"]);

    t.switch_page("b.py").unwrap();
    let id_b = t.widget(Target::key("text_input", "k")).unwrap().id;
    assert_ne!(id_a, id_b);
    assert_eq!(t.texts(), ["b:had_k=false k="]);
    t.set_value(Target::key("text_input", "k"), "on b").unwrap();

    t.switch_page("a.py").unwrap();
    assert_eq!(t.texts(), ["a:k="]);
}

/// R36/R38: without an entrypoint, leaving a page cleans up its widgets;
/// plain keys survive; coming back gives the defaults.
#[test]
fn r38_app_without_entrypoint_cleans_up_page_widgets_on_switch() {
    let app = App::new()
        .page(Page::new("home.py", |ui| {
            ui.state().setdefault("plain", 1)?;
            let n = ui.number_input("N").min(0i64).key("n").show()?;
            let c = ui.checkbox("C").show()?;
            ui.text(format!("n={n} c={c}"));
            Ok(())
        }))
        .page(Page::new("other.py", |ui| {
            ui.text(format!("keys={:?}", ui.state().keys()));
            Ok(())
        }));
    let mut t = AppTest::new(app);
    t.run().unwrap();
    t.stage_value(Target::key("number_input", "n"), 5).unwrap();
    t.set_value(Target::label("checkbox", "C"), true).unwrap();
    assert_eq!(t.texts(), ["n=5 c=true"]);

    t.switch_page("other.py").unwrap();
    assert_eq!(t.texts(), ["keys=[\"plain\"]"]);
    assert_eq!(t.session_state().keys().collect::<Vec<_>>(), ["plain"]);

    t.switch_page("home.py").unwrap();
    assert_eq!(t.texts(), ["n=0 c=false"]);
}
