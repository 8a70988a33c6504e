//! Compile-time checks of `#[page]` and `#[widget]` (spec Part A3, A5): one
//! file per mistake under `tests/ui/fail/` with the compiler's output beside
//! it, and every accepted form under `tests/ui/pass/`. Regenerate the
//! `.stderr` files with `TRYBUILD=overwrite cargo test -p brooklet-macros --test ui` and read
//! the diff before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
