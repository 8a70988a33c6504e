use brooklet::prelude::*;

fn not_a_page(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "a")]
    let a = ui.slider("A", 0, 10).show()?;
    ui.text(format!("{a}"));
    Ok(())
}

fn main() {}
