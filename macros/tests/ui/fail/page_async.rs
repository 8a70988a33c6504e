use brooklet::prelude::*;

#[page]
async fn hello(ui: &Ui<'_>) -> brooklet::Result<()> {
    ui.text("hello");
    Ok(())
}

fn main() {}
