use brooklet::prelude::*;

#[page]
fn hello(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "greeting")]
    ui.text("hello");
    Ok(())
}

fn main() {}
