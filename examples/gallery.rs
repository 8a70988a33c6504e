//! Every widget and element kind on one page, plus a page that panics and
//! one whose label tries to inject a script (shown as text, never run).
//!
//! `cargo run --example gallery`, then open http://127.0.0.1:8501/.

use brooklet::prelude::*;

#[page(title = "Widgets")]
fn widgets(ui: &Ui<'_>) -> Result<()> {
    ui.title("Gallery");
    ui.markdown("Every **widget** of brooklet, with the value it returns.");
    let cols = ui.columns(2);
    let clicks = ui.state().setdefault("clicks", 0)?;
    #[widget(key = "button")]
    if cols[0].button("Click me").show()? {
        ui.state().set("clicks", &(clicks + 1))?;
    }
    cols[1].text(format!("clicks = {}", ui.state().get::<i64>("clicks")?));
    #[widget(key = "checkbox")]
    let c = ui.checkbox("Checkbox").show()?;
    #[widget(key = "toggle")]
    let t = ui.toggle("Toggle").show()?;
    #[widget(key = "radio")]
    let r = ui.radio("Radio", ["one", "two", "three"]).show()?;
    #[widget(key = "selectbox")]
    let s = ui.selectbox("Selectbox", ["red", "green", "blue"]).show()?;
    #[widget(key = "multiselect")]
    let m = ui
        .multiselect("Multiselect", ["cheese", "olives", "basil"])
        .max_selections(2)
        .show()?;
    #[widget(key = "slider")]
    let sl = ui.slider("Slider", 0, 100).value(50).show()?;
    #[widget(key = "float_slider")]
    let fs = ui.slider("Float slider", 0.0, 1.0).step(0.05).show()?;
    #[widget(key = "range")]
    let (lo, hi) = ui.range_slider("Range slider", 0, 10).show()?;
    #[widget(key = "select_slider")]
    let ss = ui
        .select_slider("Select slider", ["S", "M", "L", "XL"])
        .show()?;
    #[widget(key = "int")]
    let n = ui.number_input("Integer").min(0).max(10).show()?;
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
    let e = ui.expander("An expander");
    e.info("Info inside an expander");
    ui.success("Success");
    ui.warning("Warning");
    ui.error("Error (an element, not an exception)");
    ui.sidebar().header("Sidebar");
    ui.sidebar().text("Sidebar text");
    Ok(())
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

/// The app.
pub fn app() -> App {
    App::new()
        .page(widgets)
        .page(form_page)
        .page(broken)
        .page(injection)
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
