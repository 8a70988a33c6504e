//! Where a value lives and when it reruns: a widget bound to the URL (R40),
//! a form that clears on submit (R31), a field whose changes wait for the
//! next run (R44), a fragment that reruns alone (R32), and a value kept
//! while its widget is hidden (R39).
//!
//! `cargo run --example state_scopes`, then open http://127.0.0.1:8501/.

use brooklet::prelude::*;

#[page(path = "filters", title = "Filters")]
fn filters(ui: &Ui<'_>) -> Result<()> {
    ui.header("Filters in the URL");
    #[widget(key = "color", bind = "query-params")]
    let color = ui.selectbox("Color", ["Red", "Green", "Blue"]).show()?;
    #[widget(key = "size", bind = "query-params")]
    let size = ui.slider("Size", 1, 9).value(3).show()?;
    ui.text(format!("color = {color}, size = {size}"));
    Ok(())
}

#[page(path = "form", title = "Form")]
fn form(ui: &Ui<'_>) -> Result<()> {
    ui.header("A form that clears on submit");
    let f = ui.form("signup", true)?;
    #[widget(key = "name")]
    let name = f.text_input("Name").show()?;
    #[widget(key = "send")]
    let sent = f.form_submit_button("Send").show()?;
    if sent {
        ui.state().set("submitted", &name)?;
    }
    let submitted: String = ui.state().get_opt("submitted")?.unwrap_or_default();
    ui.text(format!("submitted = {submitted:?}"));

    #[widget(key = "note", on_change = "ignore")]
    let note = ui.text_input("Note (sent with the next run)").show()?;
    #[widget(key = "refresh")]
    let _refresh = ui.button("Refresh").show()?;
    ui.text(format!("note = {note:?}"));
    Ok(())
}

/// Reruns alone when "Bump" is clicked (R32).
#[fragment]
fn counter(ui: &Ui<'_>) -> Result<()> {
    let runs: i64 = ui.state().get_opt("fragment_runs")?.unwrap_or(0) + 1;
    ui.state().set("fragment_runs", &runs)?;
    #[widget(key = "bump")]
    let _bump = ui.button("Bump").show()?;
    ui.text(format!("fragment runs = {runs}"));
    Ok(())
}

#[page(path = "fragment", title = "Fragment")]
fn fragment(ui: &Ui<'_>) -> Result<()> {
    ui.header("A fragment reruns alone");
    let full_runs: i64 = ui.state().get_opt("full_runs")?.unwrap_or(0) + 1;
    ui.state().set("full_runs", &full_runs)?;
    ui.text(format!("full runs = {full_runs}"));
    counter(ui)?;
    #[widget(key = "whole")]
    let _whole = ui.button("Rerun the page").show()?;
    Ok(())
}

#[page(path = "persist", title = "Persist")]
fn persist(ui: &Ui<'_>) -> Result<()> {
    ui.header("Kept while hidden");
    #[widget(key = "show")]
    let show = ui.checkbox("Show the field").value(true).show()?;
    if show {
        #[widget(key = "kept", persist = "page")]
        let kept = ui.text_input("Kept while hidden").show()?;
        ui.text(format!("kept = {kept:?}"));
    }
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new()
        .page(filters)
        .page(form)
        .page(fragment)
        .page(persist)
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
