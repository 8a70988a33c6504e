//! Every widget and element kind on one page, plus a page that panics and
//! one whose label tries to inject a script (shown as text, never run).
//!
//! `cargo run --example gallery`, then open http://127.0.0.1:8501/.

use brooklet::prelude::*;

fn widgets(ui: &Ui<'_>) -> Result<()> {
    ui.title("Gallery");
    ui.markdown("Every **widget** of brooklet, with the value it returns.");
    let cols = ui.columns(2);
    let clicks = ui.state().setdefault("clicks", 0)?;
    if cols[0].button("Click me").key("button").show()? {
        ui.state().set("clicks", &(clicks + 1))?;
    }
    cols[1].text(format!("clicks = {}", ui.state().get::<i64>("clicks")?));
    let c = ui.checkbox("Checkbox").key("checkbox").show()?;
    let t = ui.toggle("Toggle").key("toggle").show()?;
    let r = ui
        .radio("Radio", ["one", "two", "three"])
        .key("radio")
        .show()?;
    let s = ui
        .selectbox("Selectbox", ["red", "green", "blue"])
        .key("selectbox")
        .show()?;
    let m = ui
        .multiselect("Multiselect", ["cheese", "olives", "basil"])
        .key("multiselect")
        .max_selections(2)
        .show()?;
    let sl = ui.slider("Slider", 0, 100).value(50).key("slider").show()?;
    let fs = ui
        .slider("Float slider", 0.0, 1.0)
        .step(0.05)
        .key("float_slider")
        .show()?;
    let (lo, hi) = ui.range_slider("Range slider", 0, 10).key("range").show()?;
    let ss = ui
        .select_slider("Select slider", ["S", "M", "L", "XL"])
        .key("select_slider")
        .show()?;
    let n = ui
        .number_input("Integer")
        .min(0)
        .max(10)
        .key("int")
        .show()?;
    let f = ui.number_input::<f64>("Float").key("float").show()?;
    let ti = ui
        .text_input("Text input")
        .placeholder("type, then Enter")
        .max_chars(40)
        .key("text")
        .show()?;
    let ta = ui.text_area("Text area").key("area").show()?;
    ui.subheader("Values");
    ui.text(format!(
        "checkbox={c} toggle={t} radio={r} selectbox={s} multiselect={m:?}\nslider={sl} float_slider={fs} range=({lo}, {hi}) \
         select_slider={ss}\nint={n} float={f} text={ti:?} area={ta:?}"
    ));
    let e = ui.expander("An expander");
    e.info("Info inside an expander");
    ui.success("Success");
    ui.warning("Warning");
    ui.error("Error (an element, not an exception)");
    ui.sidebar().header("Sidebar");
    ui.sidebar().text("Sidebar text");
    Ok(())
}

fn broken(ui: &Ui<'_>) -> Result<()> {
    ui.header("A page that panics when asked");
    if ui.checkbox("Panic").key("panic").show()? {
        let empty: Vec<i32> = Vec::new();
        ui.text(format!("{}", empty[3]));
    }
    ui.text("still here");
    Ok(())
}

fn injection(ui: &Ui<'_>) -> Result<()> {
    ui.header("Escaping");
    ui.text_input("<script>window.__pwned = true</script>")
        .key("inj")
        .show()?;
    ui.markdown("<img src=x onerror=\"window.__pwned = true\"> markdown with **raw HTML**");
    ui.text("<b>not bold</b>");
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new()
        .page(Page::new("widgets", widgets).title("Widgets"))
        .page(Page::new("broken", broken).title("Panics"))
        .page(Page::new("escaping", injection).title("Escaping"))
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
