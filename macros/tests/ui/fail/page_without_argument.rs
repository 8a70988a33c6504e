use brooklet::prelude::*;

#[page]
fn hello() -> brooklet::Result<()> {
    Ok(())
}

fn main() {}
