//! `#[page]` and `#[widget]` end to end: the compile-time part of every
//! widget kind's identity plus the run-time parameters gives exactly the id
//! the runtime computes from scratch (so the shortcut can never drift), and
//! the registry of widget sites an app exposes.

use brooklet::__private::{rt_key_part, SiteKey};
use brooklet::prelude::*;
use brooklet::testing::AppTest;
use brooklet::testing::Kind;
use brooklet::PageDefinition;

/// Defines the same page body twice: as a `#[page]` (whose widget calls get
/// compile-time sites) and as a plain function (computed from scratch).
macro_rules! twice {
    ($(#[$attr:meta])* $with:ident, $without:ident, |$ui:ident| $($body:tt)*) => {
        $(#[$attr])*
        fn $with($ui: &Ui<'_>) -> Result<()> { $($body)* }
        #[allow(dead_code)]
        fn $without($ui: &Ui<'_>) -> Result<()> { $($body)* }
    };
}

twice!(
    #[page(path = "kinds")]
    every_kind,
    every_kind_plain,
    |ui| {
        let n = ui.state().get_opt::<i64>("n")?.unwrap_or(3);
        let label = format!("dynamic {n}");
        let day = brooklet::chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let noon = brooklet::chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap();
        let side = ui.sidebar();

        // Keyless, literal label: the label is folded in at compile time.
        ui.button("b").show()?;
        ui.checkbox("c").value(true).help("help").show()?;
        ui.toggle("t").show()?;
        ui.radio("r", ["x", "y"]).index(1).show()?;
        ui.selectbox("s", ["x", "y"]).show()?;
        ui.multiselect("m", ["x", "y"])
            .default_value(["x".to_string()])
            .max_selections(2)
            .show()?;
        ui.slider("sl", 0, 10).value(4).step(2).show()?;
        ui.range_slider("rs", 0.0, 1.0).show()?;
        ui.select_slider("ss", ["a", "b", "c"])
            .value("b".to_string())
            .show()?;
        ui.select_range_slider("srs", ["a", "b", "c"]).show()?;
        ui.number_input::<f64>("ni").min(0.5).show()?;
        ui.text_input("ti").placeholder("p").max_chars(9).show()?;
        ui.text_area("ta").value("v").show()?;
        ui.date_input("di").value(day).show()?;
        ui.time_input("tm").step(60).show()?;
        ui.color_picker("cp").value("#ff0000").help("h").show()?;
        ui.pills("p", ["x", "y"])
            .default_value("y".to_string())
            .show()?;
        ui.segmented_control("sc", [1, 2])
            .selection_mode(Multi)
            .show()?;
        ui.file_uploader("fu").types(["csv"]).show()?;
        ui.feedback(FeedbackOptions::Stars)
            .default_value(2)
            .show()?;
        ui.text_input("typed")
            .input_type(TextInputType::Email)
            .max_chars(40)
            .show()?;
        // Tabs, expanders and popovers are widgets when they track their state.
        ui.tabs(["ta", "tb"]).rerun_on_change().show()?;
        ui.expander("ex").expanded(true).rerun_on_change().show()?;
        ui.popover("po").help("h").rerun_on_change().show()?;
        ui.chat_input("ci").max_chars(9).show()?;
        ui.datetime_input("dt").step(60).show()?;
        ui.download_button("dl", "x", "a.txt").show()?;
        side.button("b").show()?;

        // Keyless, run-time label and parameters.
        ui.button(&label).show()?;
        ui.checkbox(&label).show()?;
        ui.toggle(&label).show()?;
        ui.radio(&label, ["x", "y"]).show()?;
        ui.selectbox(&label, vec![n, n + 1]).show()?;
        ui.multiselect(&label, ["x", "y"]).show()?;
        ui.slider(&label, 0, n + 10).show()?;
        ui.range_slider(&label, 0, n).show()?;
        ui.select_slider(&label, ["a", "b"]).show()?;
        ui.select_range_slider(&label, ["a", "b"]).show()?;
        ui.number_input(&label).value(n).show()?;
        ui.text_input(&label).show()?;
        ui.text_area(&label).max_chars(n as usize + 5).show()?;
        ui.date_input(&label).min(day).format("DD.MM.YYYY").show()?;
        ui.time_input(&label).value(noon).show()?;
        ui.color_picker(&label).show()?;
        ui.pills(&label, vec![n, n + 1])
            .selection_mode(Multi)
            .show()?;
        ui.segmented_control(&label, ["a", "b"]).show()?;
        ui.file_uploader(&label)
            .accept_multiple_files()
            .max_upload_size(1024)
            .show()?;
        ui.expander(&label).rerun_on_change().show()?;
        ui.chat_input(&label).show()?;
        ui.datetime_input(&label).format("DD.MM.YYYY").show()?;
        ui.download_button(&label, "x", "a.txt").show()?;

        // Literal keys (`.key("..")` in the chain is read like `#[widget(key = "..")]`,
        // which the twin below could not carry).
        ui.button("b").key("kb").show()?;
        ui.checkbox("c").key("kc").help("h").show()?;
        ui.toggle(&label).key("kt").show()?;
        ui.radio("r", ["x", "y"]).key("kr").show()?;
        ui.selectbox("s", ["x", "y"]).key("ks").show()?;
        ui.multiselect("m", ["x", "y"])
            .key("km")
            .max_selections(n as usize)
            .show()?;
        ui.slider("sl", 0, n + 10).key("ksl").show()?;
        ui.range_slider("rs", 0.0, 1.0)
            .step(0.5)
            .key("krs")
            .show()?;
        ui.select_slider("ss", ["a", "b"]).key("kss").show()?;
        ui.select_range_slider("srs", ["a", "b"])
            .key("ksrs")
            .show()?;
        ui.number_input::<i64>("ni").key("kni").show()?;
        ui.text_input("ti")
            .key("kti")
            .max_chars(n as usize)
            .show()?;
        side.text_area("ta").key("kta").show()?;
        ui.date_input("di").key("kdi").format("MM-DD-YYYY").show()?;
        ui.time_input("tm").key("ktm").step(n as u32 * 60).show()?;
        ui.color_picker(&label).key("kcp").show()?;
        ui.pills("p", ["x", "y"]).key("kp").show()?;
        side.segmented_control("sc", ["x", "y"])
            .key("ksc")
            .selection_mode(Multi)
            .show()?;
        ui.tabs(["ta", "tb"])
            .key("ktabs")
            .default("tb")
            .rerun_on_change()
            .show()?;
        ui.expander("ex").key("kex").rerun_on_change().show()?;
        ui.chat_input("ci")
            .key("kci")
            .max_chars(n as usize)
            .show()?;
        ui.datetime_input("dt").key("kdt").step(120).show()?;
        ui.download_button("dl", "x", "a.txt").key("kdl").show()?;
        side.popover("po").key("kpo").on_change(|_| Ok(())).show()?;
        ui.file_uploader("fu")
            .key("kfu")
            .types(["png", "jpg"])
            .max_upload_size(n as u64)
            .show()?;

        // A form: keyless widgets in it hash the form's key; its submit
        // button gets Streamlit's automatic key.
        let form = ui.form("f", false)?;
        form.text_input("in form").show()?;
        form.form_submit_button("go").show()?;
        form.form_submit_button("keyed").key("kfs").show()?;

        // Keys computed at run time.
        for i in 0..2 {
            ui.button("b").key(format!("row-{i}")).show()?;
            ui.slider("sl", 0, 10 + i)
                .key(format!("slider-{i}"))
                .show()?;
            ui.text_input("ti").key(i).show()?;
        }
        Ok(())
    }
);

/// `#[widget]` options, and the same calls written as builder options.
#[page(path = "options")]
fn options(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "a", help = "h", disabled, on_change = note, args = ("a",))]
    let a = ui.slider("A", 0, 10).show()?;
    #[widget(key = format!("b-{a}"), persist = "session")]
    ui.text_input("B").show()?;
    #[widget(help = "why")]
    if ui.button("C").show()? {
        ui.text("clicked");
    }
    #[widget(key = "d", keep_value, persist = "page")]
    ui.range_slider("D", 0.0, 1.0).show()?;
    Ok(())
}

fn options_plain(ui: &Ui<'_>) -> Result<()> {
    let a = ui
        .slider("A", 0, 10)
        .key("a")
        .help("h")
        .disabled(true)
        .on_change(|ui| note(ui, "a"))
        .show()?;
    ui.text_input("B").key(format!("b-{a}")).show()?;
    if ui.button("C").help("why").show()? {
        ui.text("clicked");
    }
    ui.range_slider("D", 0.0, 1.0).key("d").show()?;
    Ok(())
}

fn note(ui: &Ui<'_>, what: &str) -> Result<()> {
    ui.state().set("changed", what)
}

#[test]
fn widget_options_are_the_builder_options() {
    let with = ids(App::new().page(options));
    let without = ids(App::new().page(Page::new("options", options_plain)));
    assert_eq!(with, without);
    let sites = options::SITES;
    assert_eq!(sites[0].key, SiteKey::Literal("a"));
    assert_eq!(sites[1].key, SiteKey::Dynamic);
    assert_eq!(
        sites[1].persist,
        Some(brooklet::__private::Persist::Session)
    );
    assert_eq!(sites[2].key, SiteKey::None);
    assert!(sites[3].keep_value);
    assert_eq!(sites[3].persist, Some(brooklet::__private::Persist::Page));

    // The callback gets its `args`; the slider is disabled, so change the
    // checkbox-free way: through the harness, a disabled widget keeps its value.
    let mut t = AppTest::new(App::new().page(options));
    t.run().unwrap();
    let w = t.widgets();
    assert_eq!(w[0].key.as_deref(), Some("a"));
}

fn ids(app: App) -> Vec<(Kind, Option<String>, String, String)> {
    let mut t = AppTest::new(app);
    t.run().unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    t.widgets()
        .into_iter()
        .map(|w| (w.kind, w.key, w.label, w.id.to_string()))
        .collect()
}

#[test]
fn compile_time_sites_give_the_runtime_ids_for_every_kind() {
    let with = ids(App::new().page(every_kind));
    let without = ids(App::new().page(Page::new("kinds", every_kind_plain)));
    assert_eq!(with.len(), 85);
    assert_eq!(with, without);
    let kinds: std::collections::HashSet<Kind> = with.iter().map(|w| w.0).collect();
    assert_eq!(kinds.len(), Kind::all().len(), "every kind is drawn");
}

#[test]
fn every_site_with_a_literal_key_or_label_takes_the_shortcut() {
    let page = brooklet::__private::PageId::of_path("kinds");
    let mut shortcut = 0;
    for site in every_kind::SITES {
        let label = site.label.unwrap_or("dynamic 3");
        let key = match site.key {
            SiteKey::None => None,
            SiteKey::Literal(k) => Some(k),
            SiteKey::Dynamic => Some("row-0"),
        };
        let start = site.start(page, site.kind, key, rt_key_part(key), label);
        assert!(start.is_some(), "{site:?}");
        shortcut += usize::from(site.folded > 0 || site.key != SiteKey::None);
        // Run by another page, the site is not used: the id is computed from scratch.
        let other = brooklet::__private::PageId::of_path("other");
        assert!(site
            .start(other, site.kind, key, rt_key_part(key), label)
            .is_none());
    }
    assert_eq!(
        shortcut,
        // 23 keyless run-time labels, and the feedback and the tabs, which
        // have no label: their options and labels hash at run time.
        every_kind::SITES.len() - 25,
        "only keyless run-time labels (and feedback options, tab labels) hash in full"
    );
}

#[test]
fn a_page_function_mounted_at_another_path_still_gets_its_ids_right() {
    let moved = ids(App::new().page(Page::new("elsewhere", every_kind::call)));
    let plain = ids(App::new().page(Page::new("elsewhere", every_kind_plain)));
    assert_eq!(moved, plain);
}

/// The docs' slider example, as the README shows it.
#[page(title = "Slider bounds")]
fn bounds(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("a", 5)?;

    let cols = ui.columns(2);
    #[widget(key = "min")]
    let minimum = cols[0].number_input("Min").min(1).max(5).show()?;
    #[widget(key = "max")]
    let maximum = cols[1]
        .number_input("Max")
        .min(6)
        .max(10)
        .value(10)
        .show()?;

    let a: i32 = ui.state().get("a")?;
    ui.state().set("a", &a.clamp(minimum, maximum))?;

    #[widget(key = "a")]
    let a = ui.slider("A", minimum, maximum).show()?;
    ui.text(format!("a = {a}"));
    Ok(())
}

#[page(entrypoint)]
fn shell(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "name")]
    ui.sidebar().text_input("Name").show()?;
    ui.run_page()
}

#[page(path = "rows", icon = "📋")]
fn rows(ui: &Ui<'_>) -> Result<()> {
    for i in 0..3 {
        #[widget(key = format!("row-{i}"))]
        ui.checkbox(format!("row {i}")).show()?;
    }
    ui.button("Save").show()?;
    Ok(())
}

#[test]
fn page_definitions() {
    assert_eq!(bounds::PATH, "bounds");
    assert_eq!(bounds::TITLE, "Slider bounds");
    assert_eq!(rows::TITLE, "Rows");
    assert_eq!(rows::ICON, Some("📋"));
    assert_eq!(shell::PATH, "$$entrypoint");
    let page = Page::from(rows);
    assert_eq!(
        (page.path(), page.page_title(), page.page_icon()),
        ("rows", "Rows", Some("📋"))
    );
}

#[test]
fn the_registry_lists_every_widget_site() {
    let app = App::new().entrypoint(shell).page(bounds).page(rows);
    let sites: Vec<_> = app
        .widget_sites()
        .map(|s| (s.kind, s.key, s.runtime_params))
        .collect();
    assert_eq!(
        sites,
        [
            ("text_input", SiteKey::Literal("name"), &[][..]),
            ("number_input", SiteKey::Literal("min"), &[]),
            ("number_input", SiteKey::Literal("max"), &[]),
            ("slider", SiteKey::Literal("a"), &["min_value", "max_value"]),
            ("checkbox", SiteKey::Dynamic, &[]),
            ("button", SiteKey::None, &[]),
        ]
    );
    // Lines are the source lines of the calls.
    let slider = bounds::SITES[2];
    let source = include_str!("macros.rs");
    let line = source.lines().nth(slider.line as usize - 1).unwrap();
    assert!(line.contains("ui.slider(\"A\""), "{line}");
}

/// Rejects an incoming value for a widget that no page of the app can draw,
/// as a server does before it touches the session.
fn accept(app: &App, kind: Kind, key: Option<&str>) -> std::result::Result<(), String> {
    if app.can_produce(kind, key) {
        Ok(())
    } else {
        Err(format!("no page draws a {} with key {key:?}", kind.name()))
    }
}

#[test]
fn the_engine_can_reject_events_for_widgets_no_page_draws() {
    let app = App::new().entrypoint(shell).page(bounds).page(rows);
    assert_eq!(accept(&app, Kind::Slider, Some("a")), Ok(()));
    assert_eq!(accept(&app, Kind::TextInput, Some("name")), Ok(()));
    assert_eq!(
        accept(&app, Kind::Checkbox, Some("row-7")),
        Ok(()),
        "a run-time key"
    );
    assert_eq!(
        accept(&app, Kind::Button, None),
        Ok(()),
        "the keyless button"
    );
    assert!(accept(&app, Kind::Slider, Some("b")).is_err());
    assert!(
        accept(&app, Kind::NumberInput, Some("a")).is_err(),
        "wrong kind"
    );
    assert!(
        accept(&app, Kind::Slider, None).is_err(),
        "no keyless slider"
    );
    assert!(accept(&app, Kind::Button, Some("save")).is_err());

    // A page from a plain function: its calls are unknown, anything goes.
    let open = app
        .clone()
        .page(Page::new("plain", |ui: &Ui<'_>| ui.stop()));
    assert_eq!(accept(&open, Kind::Slider, Some("b")), Ok(()));
}

#[test]
fn pages_run_through_the_harness() {
    let app = App::new().entrypoint(shell).page(bounds).page(rows);
    let mut t = AppTest::new(app);
    t.run().unwrap();
    assert_eq!(t.texts(), ["a = 5"]);
    t.set_value(brooklet::testing::Target::key("number_input", "max"), 7)
        .unwrap();
    t.set_value(brooklet::testing::Target::key("slider", "a"), 7)
        .unwrap();
    t.set_value(brooklet::testing::Target::key("number_input", "max"), 6)
        .unwrap();
    assert_eq!(t.texts(), ["a = 6"]);
    t.switch_page("rows").unwrap();
    assert_eq!(t.widgets().len(), 5);
}

#[test]
fn literal_counted_parameters_are_folded_at_compile_time() {
    // Every counted parameter in a leading run of literals (and defaults that
    // follow from them) is in the constant; the equality test above shows
    // the ids still match the runtime's.
    let folded: usize = every_kind::SITES
        .iter()
        .map(|s| usize::from(s.folded))
        .sum();
    let by_site: Vec<(&str, u8)> = every_kind::SITES
        .iter()
        .map(|s| (s.kind, s.folded))
        .collect();
    assert!(
        folded > every_kind::SITES.len(),
        "only {folded} parameters folded: {by_site:?}"
    );
    // A keyed slider with literal bounds folds min, max and its default step.
    let slider = every_kind::SITES.iter().find(|s| {
        s.kind == "slider" && matches!(s.key, SiteKey::Literal(_)) && s.runtime_params.is_empty()
    });
    let s = slider.expect("the page has a keyed slider with literal bounds");
    assert_eq!(s.folded, 3, "{s:?}");
    assert!(
        s.static_id().is_some(),
        "its whole id is known at compile time"
    );
}
