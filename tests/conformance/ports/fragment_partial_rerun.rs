//! Port of scenarios/fragment_partial_rerun (app.py): a callback's
//! `rerun_fragment("frag")` reruns only the fragment (R32), and clean-up in
//! that run touches only the fragment's widgets (R33, R34).
use crate::support::dumps;
use brooklet::prelude::*;

fn refresh(ui: &Ui<'_>, hide: bool) -> Result<()> {
    ui.state().set("hide_ft", &hide)?;
    ui.rerun_fragment("frag")
}

#[fragment(key = "frag")]
fn frag(ui: &Ui<'_>) -> Result<()> {
    let state = ui.state();
    let frag_runs: i64 = state.get("frag_runs")?;
    state.set("frag_runs", &(frag_runs + 1))?;
    if !state.get::<bool>("hide_ft")? {
        #[widget(key = "ft")]
        let ft = ui.text_input("inside").show()?;
        ui.text(format!("ret:ft={}", dumps(&ft)));
    }
    ui.text(format!(
        "frag_runs={}",
        dumps(&state.get::<i64>("frag_runs")?)
    ));
    Ok(())
}

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    let state = ui.state();
    state.setdefault("full_runs", 0)?;
    state.setdefault("frag_runs", 0)?;
    state.setdefault("hide_ft", false)?;
    let full_runs: i64 = state.get("full_runs")?;
    state.set("full_runs", &(full_runs + 1))?;

    #[widget(key = "ot")]
    let _ot = ui.text_input("outside").show()?;

    frag(ui)?;

    #[widget(on_click = refresh, args = (true,))]
    let _hide = ui.button("hide inside + rerun fragment").show()?;
    #[widget(on_click = refresh, args = (false,))]
    let _show = ui.button("show inside + rerun fragment").show()?;
    ui.text(format!(
        "full_runs={}",
        dumps(&state.get::<i64>("full_runs")?)
    ));
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}
