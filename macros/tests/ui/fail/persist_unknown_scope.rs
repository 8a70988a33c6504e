use brooklet::prelude::*;

#[page]
fn search(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "query", persist = "forever")]
    let query = ui.text_input("Search").show()?;
    ui.text(query);
    Ok(())
}

fn main() {}
