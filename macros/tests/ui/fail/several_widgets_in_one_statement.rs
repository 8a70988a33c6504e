use brooklet::prelude::*;

#[page]
fn names(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "first")]
    let (first, last) = (ui.text_input("First").show()?, ui.text_input("Last").show()?);
    ui.text(format!("{first} {last}"));
    Ok(())
}

fn main() {}
