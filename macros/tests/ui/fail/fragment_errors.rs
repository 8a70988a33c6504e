use brooklet::prelude::*;

// A fragment's body is kept between runs: no generics, and the `Ui` first.
#[fragment]
fn generic<T: Clone>(ui: &Ui<'_>, x: T) -> brooklet::Result<()> {
    let _ = (ui, x);
    Ok(())
}

#[fragment(key = "")]
fn no_ui(x: u8) -> brooklet::Result<()> {
    let _ = x;
    Ok(())
}

#[fragment]
fn twice(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "a")]
    let a = ui.checkbox("A").show()?;
    #[widget(key = "a")]
    let b = ui.checkbox("B").show()?;
    let _ = (a, b);
    Ok(())
}

// A timer needs a unit and at least 100 ms.
#[fragment(run_every = "2")]
fn unitless(ui: &Ui<'_>) -> brooklet::Result<()> {
    let _ = ui;
    Ok(())
}

#[fragment(run_every = "10ms")]
fn too_often(ui: &Ui<'_>) -> brooklet::Result<()> {
    let _ = ui;
    Ok(())
}

fn main() {}
