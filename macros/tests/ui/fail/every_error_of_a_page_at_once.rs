// One compile reports every mistake of a page, and the rest of the crate
// still sees the function (`main` calls it without a new error).
use brooklet::prelude::*;

#[page]
fn form(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "email")]
    let email = ui.text_input("Email").show()?;
    #[widget(key = "email")]
    let confirm = ui.text_input("Confirm email").show()?;
    #[widget(key = "agree", keep_value)]
    let agree = ui.checkbox("I agree").show()?;
    for _ in 0..2 {
        ui.button("Send").show()?;
    }
    ui.text(format!("{email} {confirm} {agree}"));
    Ok(())
}

fn main() {
    let _ = form;
}
