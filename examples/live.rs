//! Live runs: the page streams while it runs, and a click on Go during a
//! run stops it at its next `Ui` call and starts the next one. It ports
//! this Streamlit page line for line:
//!
//! ```python
//! import time, streamlit as st
//! st.session_state.setdefault("runs", 0)
//! st.session_state.runs += 1
//! run = st.session_state.runs
//! st.button("Go")
//! st.text(f"run {run} started")
//! bar = st.progress(0, text="working")
//! out = st.empty()
//! for i in range(10):
//!     time.sleep(0.3)
//!     bar.progress((i + 1) / 10, text=f"step {i + 1}/10")
//!     out.text(f"run {run} step {i + 1}")
//! st.text(f"run {run} done")
//! ```
//!
//! `cargo run --example live` serves it on http://127.0.0.1:8501/.

use std::time::Duration;

use brooklet::prelude::*;

#[page]
fn live(ui: &Ui<'_>) -> Result<()> {
    ui.state().setdefault("runs", 0)?;
    ui.state()
        .set("runs", &(ui.state().get::<i64>("runs")? + 1))?;
    let run: i64 = ui.state().get("runs")?;
    ui.button("Go").show()?;
    ui.text(format!("run {run} started"));
    let bar = ui.progress(0, Some("working"))?;
    let out = ui.empty();
    for i in 0..10 {
        std::thread::sleep(Duration::from_millis(300));
        bar.set((i + 1) as f64 / 10.0, Some(&format!("step {}/10", i + 1)))?;
        out.text(format!("run {run} step {}", i + 1));
    }
    ui.text(format!("run {run} done"));
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new().page(live)
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
