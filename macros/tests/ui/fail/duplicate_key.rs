use brooklet::prelude::*;

#[page]
fn settings(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "name")]
    let first = ui.text_input("First name").show()?;
    #[widget(key = "name")]
    let last = ui.text_input("Last name").show()?;
    ui.text(format!("{first} {last}"));
    Ok(())
}

fn main() {}
