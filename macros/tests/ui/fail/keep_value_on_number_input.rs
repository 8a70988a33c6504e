use brooklet::prelude::*;

#[page]
fn amount(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "amount", keep_value)]
    let amount = ui.number_input("Amount").min(0).max(10).show()?;
    ui.text(format!("{amount}"));
    Ok(())
}

fn main() {}
