use brooklet::prelude::*;

#[page(name = "Hello")]
fn hello(ui: &Ui<'_>) -> brooklet::Result<()> {
    ui.text("hello");
    Ok(())
}

fn main() {}
