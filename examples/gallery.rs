//! Every widget and element kind: the classic widgets on the first page,
//! dates, times, colours, pills, uploads, metrics, tables and charts on
//! "More widgets", plus a page that panics and one whose label tries to
//! inject a script (shown as text, never run).
//!
//! `cargo run --example gallery`, then open http://127.0.0.1:8501/.

use brooklet::prelude::*;

/// A small drawing, to show an image.
const RUST_LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 100\">\
    <circle cx=\"50\" cy=\"50\" r=\"45\" fill=\"#ff4b4b\"/>\
    <text x=\"50\" y=\"62\" font-size=\"36\" text-anchor=\"middle\" fill=\"#fff\">bk</text></svg>";

/// Adds one to the click count.
fn count_click(ui: &Ui<'_>) -> Result<()> {
    let clicks: i64 = ui.state().get("clicks")?;
    ui.state().set("clicks", &(clicks + 1))
}

#[page(title = "Widgets")]
fn widgets(ui: &Ui<'_>) -> Result<()> {
    ui.title("Gallery");
    ui.markdown("Every **widget** of brooklet, with the value it returns.");
    let cols = ui.columns(2);
    ui.state().setdefault("clicks", 0)?;
    // Counted in the callback: each click's callback runs, even when a
    // newer click supersedes its run (R47).
    #[widget(key = "button", on_click = count_click)]
    cols[0]
        .button("Click me")
        .help("Counts its clicks")
        .show()?;
    cols[1].text(format!("clicks = {}", ui.state().get::<i64>("clicks")?));
    #[widget(key = "checkbox")]
    let c = ui.checkbox("Checkbox").help("A tooltip").show()?;
    #[widget(key = "toggle")]
    let t = ui.toggle("Toggle").show()?;
    #[widget(key = "radio")]
    let r = ui
        .radio("Radio", ["one", "two", "three"])
        .help("Pick one")
        .show()?;
    #[widget(key = "selectbox")]
    let s = ui
        .selectbox("Selectbox", ["red", "green", "blue"])
        .help("A colour")
        .show()?;
    #[widget(key = "multiselect")]
    let m = ui
        .multiselect("Multiselect", ["cheese", "olives", "basil"])
        .max_selections(2)
        .show()?;
    #[widget(key = "slider")]
    let sl = ui
        .slider("Slider", 0, 100)
        .value(50)
        .help("From 0 to 100")
        .show()?;
    #[widget(key = "float_slider")]
    let fs = ui.slider("Float slider", 0.0, 1.0).step(0.05).show()?;
    #[widget(key = "range")]
    let (lo, hi) = ui.range_slider("Range slider", 0, 10).show()?;
    #[widget(key = "select_slider")]
    let ss = ui
        .select_slider("Select slider", ["S", "M", "L", "XL"])
        .show()?;
    #[widget(key = "int")]
    let n = ui
        .number_input("Integer")
        .min(0)
        .max(10)
        .help("From 0 to 10")
        .show()?;
    #[widget(key = "float")]
    let f = ui.number_input::<f64>("Float").show()?;
    #[widget(key = "text")]
    let ti = ui
        .text_input("Text input")
        .placeholder("type, then Enter")
        .max_chars(40)
        .show()?;
    #[widget(key = "area")]
    let ta = ui.text_area("Text area").show()?;
    ui.subheader("Values");
    ui.text(format!(
        "checkbox={c} toggle={t} radio={r} selectbox={s} multiselect={m:?}\nslider={sl} float_slider={fs} range=({lo}, {hi}) \
         select_slider={ss}\nint={n} float={f} text={ti:?} area={ta:?}"
    ));
    let e = ui.expander("An expander").show()?;
    e.info("Info inside an expander");
    ui.subheader("Containers that keep their state");
    #[widget(key = "gallery_tabs", on_change = count_tab_change)]
    let [first, second] = ui.tabs(["First tab", "Second tab"]).show()?;
    first.text("In the first tab");
    #[widget(key = "in_tab")]
    second.checkbox("A checkbox in the second tab").show()?;
    let plain = ui.tabs(["Plain tab", "Another"]).show()?;
    plain[0].text("These tabs are the browser's: the server does not track them");
    plain[1].text("In another plain tab");
    #[widget(key = "gallery_expander")]
    let tracked = ui.expander("A tracked expander").rerun_on_change().show()?;
    tracked.text(format!("open = {:?}", tracked.open()));
    #[widget(key = "gallery_popover")]
    let pop = ui.popover("A popover").rerun_on_change().show()?;
    #[widget(key = "in_popover")]
    let name = pop.text_input("Name in the popover").show()?;
    ui.text(format!(
        "tab = {:?}, tab changes = {}, popover open = {:?}, name = {name:?}",
        ui.state().get_value("gallery_tabs"),
        ui.state().get_opt::<i64>("tab_changes")?.unwrap_or(0),
        pop.open()
    ));
    ui.page_link("more", "")?;
    ui.success("Success");
    ui.warning("Warning");
    ui.error("Error (an element, not an exception)");
    ui.sidebar().header("Sidebar");
    ui.sidebar().text("Sidebar text");
    Ok(())
}

fn count_tab_change(ui: &Ui<'_>) -> Result<()> {
    let n: i64 = ui.state().get_opt("tab_changes")?.unwrap_or(0);
    ui.state().set("tab_changes", &(n + 1))
}

#[page(path = "form", title = "Form")]
fn form_page(ui: &Ui<'_>) -> Result<()> {
    ui.header("A form");
    let order = ui.form("order", false)?;
    #[widget(key = "dish")]
    let dish = order.text_input("Dish").show()?;
    #[widget(key = "place")]
    let placed = order.form_submit_button("Place order").show()?;
    ui.text(format!("ordered = {dish:?}, submitted = {placed}"));
    #[widget(key = "elsewhere")]
    ui.checkbox("Elsewhere").show()?;
    Ok(())
}

#[page(path = "broken", title = "Panics")]
fn broken(ui: &Ui<'_>) -> Result<()> {
    ui.header("A page that panics when asked");
    #[widget(key = "panic")]
    let panic = ui.checkbox("Panic").show()?;
    if panic {
        let empty: Vec<i32> = Vec::new();
        ui.text(format!("{}", empty[3]));
    }
    ui.text("still here");
    Ok(())
}

#[page(path = "escaping", title = "Escaping")]
fn injection(ui: &Ui<'_>) -> Result<()> {
    ui.header("Escaping");
    #[widget(key = "inj")]
    ui.text_input("<script>window.__pwned = true</script>")
        .show()?;
    ui.markdown("<img src=x onerror=\"window.__pwned = true\"> markdown with **raw HTML**");
    ui.text("<b>not bold</b>");
    Ok(())
}

/// A row of the table, the data frame and the charts: columns follow the
/// fields' order.
#[derive(serde::Serialize)]
struct Day {
    day: &'static str,
    visitors: i64,
    signups: f64,
}

#[page(path = "more", title = "More widgets")]
fn more(ui: &Ui<'_>) -> Result<()> {
    use brooklet::chrono::{NaiveDate, NaiveTime};
    ui.header("More widgets");
    #[widget(key = "password")]
    let secret = ui
        .text_input("Password")
        .input_type(TextInputType::Password)
        .show()?;
    ui.text(format!(
        "password has {} characters",
        secret.chars().count()
    ));
    #[widget(key = "rating")]
    let rating = ui.feedback(FeedbackOptions::Stars).show()?;
    ui.text(format!("rating = {rating:?}"));
    // Labels out of sight still name their widgets for screen readers.
    #[widget(key = "quiet")]
    ui.text_input("Collapsed label")
        .label_visibility(LabelVisibility::Collapsed)
        .placeholder("no label shown")
        .show()?;
    #[widget(key = "spaced")]
    ui.selectbox("Hidden label", ["kept", "in line"])
        .label_visibility(LabelVisibility::Hidden)
        .help("not shown")
        .show()?;
    let on = |m, d| NaiveDate::from_ymd_opt(2024, m, d).expect("a date");
    #[widget(key = "date")]
    let date = ui
        .date_input("Date")
        .value(on(1, 15))
        .min(on(1, 1))
        .max(on(12, 31))
        .show()?;
    #[widget(key = "time")]
    let time = ui
        .time_input("Time")
        .value(NaiveTime::from_hms_opt(9, 30, 0).expect("a time"))
        .step(60)
        .show()?;
    #[widget(key = "trip")]
    let (leave, back) = ui
        .date_input("Date range")
        .min(on(1, 1))
        .range(on(6, 1), on(6, 14))
        .show()?;
    #[widget(key = "datetime")]
    let meeting = ui
        .datetime_input("Date and time")
        .value(on(3, 1).and_hms_opt(14, 30, 0).expect("a time"))
        .show()?;
    #[widget(key = "colour")]
    let colour = ui.color_picker("Colour").value("#ff4b4b").show()?;
    #[widget(key = "pills")]
    let pill = ui.pills("Pills", ["rust", "python", "go"]).show()?;
    #[widget(key = "segmented")]
    let spans = ui
        .segmented_control("Segmented control", ["day", "week", "month"])
        .selection_mode(Multi)
        .default_value(["week"])
        .show()?;
    #[widget(key = "upload")]
    let upload = ui
        .file_uploader("Upload a text file")
        .types(["txt", "csv"])
        .max_upload_size(64 * 1024)
        .show()?;
    ui.text(format!(
        "date={date} range={leave}..{back} time={time} datetime={meeting} colour={colour} pills={pill:?} segmented={spans:?}"
    ));
    ui.image_with(
        RUST_LOGO.as_bytes(),
        MediaOptions {
            caption: Some("An SVG image, served from the session's media route".into()),
            width: Some(96),
        },
    )?;
    #[widget(key = "download")]
    let downloaded = ui
        .download_button(
            "Download these values",
            format!("date={date}\ntime={time}\ncolour={colour}\n"),
            "values.txt",
        )
        .show()?;
    ui.text(format!("downloaded = {downloaded}"));
    match &upload {
        Some(f) => ui.text(format!(
            "file={} ({} bytes): {}",
            f.name,
            f.size(),
            f.text()
                .and_then(|t| t.lines().next())
                .unwrap_or("(not text)")
        )),
        None => ui.text("file=none"),
    }

    ui.subheader("Elements");
    ui.caption("A caption: small, muted *markdown*.");
    ui.html("<p>Sanitised <b>HTML</b>: <a href=\"https://www.rust-lang.org\">a link</a> stays, a script does not.</p><script>window.__pwned = true</script>");
    ui.link_button("Rust docs", "https://doc.rust-lang.org")?;
    ui.divider();
    let laid_out = ColumnsOptions {
        gap: Gap::Large,
        vertical_alignment: VerticalAlignment::Center,
        border: true,
    };
    let row = ui.columns_with(2, laid_out);
    row[0].text("a bordered column\nwith\nthree lines");
    row[1].text("centred beside it");
    let scrolling = ui.container_with(ContainerOptions {
        height: Some(90),
        ..Default::default()
    });
    for line in 1..=8 {
        scrolling.text(format!("scrolled line {line}"));
    }
    let cols = ui.columns(3);
    cols[0].metric_delta("Temperature", "21 °C", Some("+1.5 °C"), DeltaColor::Normal);
    cols[1].metric_delta("Errors", 12, Some(-3), DeltaColor::Inverse);
    cols[2].metric("Uptime", "99.9 %");
    ui.code("fn main() {\n    println!(\"hello\");\n}", Some("rust"));
    ui.json(&serde_json::json!({"name": "brooklet", "widgets": 19, "tags": ["rust", "data"]}))?;
    let days = [
        Day {
            day: "Mon",
            visitors: 120,
            signups: 4.0,
        },
        Day {
            day: "Tue",
            visitors: 180,
            signups: 9.5,
        },
        Day {
            day: "Wed",
            visitors: 150,
            signups: 7.0,
        },
        Day {
            day: "Thu",
            visitors: 210,
            signups: 12.0,
        },
    ];
    ui.table(&days)?;
    ui.dataframe(&days)?;
    ui.line_chart(&days)?;
    ui.bar_chart(&days)?;
    let done = spans.len() as u32 * 100 / 3;
    ui.progress(done, Some(&format!("{done}% of the spans chosen")))?;
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new()
        .page(widgets)
        .page(form_page)
        .page(broken)
        .page(injection)
        .page(more)
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
