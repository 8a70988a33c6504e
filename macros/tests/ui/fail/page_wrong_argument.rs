use brooklet::prelude::*;

#[page]
fn hello(ui: &mut Ui<'_>) -> brooklet::Result<()> {
    ui.text("hello");
    Ok(())
}

fn main() {}
