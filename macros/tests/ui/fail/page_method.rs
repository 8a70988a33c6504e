use brooklet::prelude::*;

struct Dashboard;

impl Dashboard {
    #[page]
    fn show(&self, ui: &Ui<'_>) -> brooklet::Result<()> {
        ui.text("hello");
        Ok(())
    }
}

fn main() {}
