use brooklet::prelude::*;

#[page]
fn rows(ui: &Ui<'_>) -> brooklet::Result<()> {
    for _ in 0..3 {
        ui.button("Delete").show()?;
    }
    Ok(())
}

fn main() {}
