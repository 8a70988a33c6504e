use brooklet::prelude::*;

#[page]
fn hello(ui: &Ui<'_>) {
    ui.text("hello");
}

fn main() {}
