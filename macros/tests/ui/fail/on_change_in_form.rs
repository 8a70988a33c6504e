use brooklet::prelude::*;

fn changed(_ui: &Ui<'_>) -> brooklet::Result<()> {
    Ok(())
}

#[page]
fn signup(ui: &Ui<'_>) -> brooklet::Result<()> {
    let f = ui.form("signup", false)?;
    // R30: only the submit button of a form may have a callback.
    #[widget(key = "name", on_change = changed)]
    let name = f.text_input("Name").show()?;
    #[widget(on_click = changed)]
    let sent = f.form_submit_button("Send").show()?;
    ui.text(format!("{name} {sent}"));
    Ok(())
}

fn main() {}
