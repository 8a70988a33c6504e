use brooklet::prelude::*;

#[page]
fn hello(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "name", args = ("name",))]
    let name = ui.text_input("Name").show()?;
    ui.text(name);
    Ok(())
}

fn main() {}
