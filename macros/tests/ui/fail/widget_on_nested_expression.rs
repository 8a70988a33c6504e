use brooklet::prelude::*;

#[page]
fn hello(ui: &Ui<'_>) -> brooklet::Result<()> {
    let shout = std::convert::identity(#[widget(key = "shout")] ui.checkbox("Shout").show()?);
    ui.text(if shout { "HELLO" } else { "hello" });
    Ok(())
}

fn main() {}
