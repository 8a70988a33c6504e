use brooklet::prelude::*;

#[page]
fn hello<T: Default>(ui: &Ui<'_>) -> brooklet::Result<()> {
    ui.text("hello");
    Ok(())
}

fn main() {}
