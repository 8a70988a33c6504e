use brooklet::prelude::*;

#[page]
fn save(ui: &Ui<'_>) -> brooklet::Result<()> {
    #[widget(key = "save", persist = "session")]
    if ui.button("Save").show()? {
        ui.success("saved");
    }
    Ok(())
}

fn main() {}
