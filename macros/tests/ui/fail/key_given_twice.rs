use brooklet::prelude::*;

#[page]
fn hello(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "name")]
    let name = ui.text_input("Name").key("name").show()?;
    ui.text(name);
    Ok(())
}

fn main() {}
