use brooklet::prelude::*;

fn saved(ui: &Ui<'_>) -> brooklet::Result<()> {
    ui.state().set("saved", &true)
}

#[page]
fn save(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "save", on_change = saved)]
    ui.button("Save").show()?;
    Ok(())
}

fn main() {}
