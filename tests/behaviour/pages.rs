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

/// An app whose entrypoint draws a sidebar field and runs the page; page
/// `a.py` switches to `b.py` on a click, `c.py` to a page that is none.
fn switching_app() -> App {
    App::new()
        .entrypoint(|ui: &Ui<'_>| {
            ui.sidebar().text_input("Name").key("name").show()?;
            ui.run_page()
        })
        .page(Page::new("a.py", |ui| {
            ui.text_input("On a").key("on_a").show()?;
            if ui.button("Go").key("go").show()? {
                ui.switch_page("b.py")?;
            }
            if ui.button("Go with").key("with").show()? {
                ui.switch_page_with("b.py", [("color", "Blue")])?;
            }
            if ui.button("Nowhere").key("nowhere").show()? {
                ui.switch_page("none.py")?;
            }
            ui.text("a ran to its end");
            Ok(())
        }))
        .page(Page::new("b.py", |ui| {
            let color = ui
                .selectbox("Color", ["Red", "Blue"])
                .key("color")
                .bind_query_params()
                .show()?;
            ui.text(format!("b: keys={:?} color={color}", ui.state().keys()));
            Ok(())
        }))
}

/// `switch_page()` ends the run and runs the other page from the top, with
/// the page-switch clean-up of a switch in the navigation (R35): the old
/// page's widgets are gone, the entrypoint's keep their state. (Streamlit's
/// own `st.switch_page` sends no widget states, so it also resets the
/// entrypoint's widgets; brooklet keeps them, as its navigation does.)
#[test]
fn r35_switch_page_runs_the_other_page_with_the_page_switch_clean_up() {
    let mut t = AppTest::new(switching_app());
    t.run().unwrap();
    t.set_value(Target::key("text_input", "name"), "Ada")
        .unwrap();
    t.set_value(Target::key("text_input", "on_a"), "x").unwrap();
    t.click(Target::key("button", "go")).unwrap();
    assert_eq!(t.page(), Some("b.py"));
    assert_eq!(t.texts(), ["b: keys=[\"color\", \"name\"] color=Red"]);
    assert_eq!(t.session_state()["name"], "Ada");
    assert!(t.sent_query_params().is_empty());
}

/// `switch_page_with` gives the new page its query parameters: a widget
/// bound to one takes its value (R40); an unknown page is an error on the
/// page, and the run that asked stays where it was.
#[test]
fn r40_switch_page_with_query_params_seeds_bound_widgets() {
    let mut t = AppTest::new(switching_app());
    t.run().unwrap();
    t.click(Target::key("button", "with")).unwrap();
    assert_eq!(t.page(), Some("b.py"));
    assert_eq!(t.texts(), ["b: keys=[\"color\", \"name\"] color=Blue"]);
    assert_eq!(
        t.url_query_params().get("color"),
        Some(&vec!["Blue".to_owned()])
    );

    let mut t = AppTest::new(switching_app());
    t.run().unwrap();
    t.click(Target::key("button", "nowhere")).unwrap();
    assert_eq!(t.page(), Some("a.py"));
    let errors = t.exceptions();
    assert_eq!(errors[0].0, brooklet::ErrorKind::UnknownPage, "{errors:?}");
    assert!(errors[0].1.contains("no page \"none.py\""), "{errors:?}");
}

/// `page_link` draws a link to one of the app's pages, named by its title
/// unless given a label; a page that is none of the app's is an error.
#[test]
fn r35_page_links_name_the_apps_pages() {
    let app = App::new()
        .page(Page::new("home", |ui| {
            ui.page_link("reports", "")?;
            ui.page_link("home", "Back home")?;
            ui.page_link("nowhere", "")?;
            ui.text("not reached");
            Ok(())
        }))
        .page(Page::new("reports", |_| Ok(())).title("Monthly reports"));
    let mut t = AppTest::new(app);
    t.run().unwrap();
    assert_eq!(
        t.tree().page_links(),
        [("Monthly reports", "reports"), ("Back home", "home")]
    );
    let errors = t.exceptions();
    assert_eq!(errors[0].0, brooklet::ErrorKind::UnknownPage, "{errors:?}");
    assert!(
        errors[0]
            .1
            .contains("page_link: the app has no page \"nowhere\""),
        "{errors:?}"
    );
    assert!(t.texts().is_empty());
}
