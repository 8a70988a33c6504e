use brooklet::prelude::*;

#[page]
fn hello(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = 1)]
    let name = ui.text_input("Name").show()?;
    ui.text(name);
    Ok(())
}

fn main() {}
