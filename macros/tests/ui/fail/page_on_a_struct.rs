use brooklet::prelude::*;

#[page]
struct Hello;

fn main() {}
