//! A page of 100 keyed widgets of mixed kinds, for the benchmarks (a page as
//! a person writes it: literal labels and keys, here made once up front).
//!
//! `cargo run --example hundred_widgets`, then open http://127.0.0.1:8501/.

use std::sync::OnceLock;

use brooklet::prelude::*;

/// `prefix0` to `prefix19`, made once: the loop below then runs on literals,
/// so the benchmarks measure brooklet rather than `format!`.
fn names(prefix: &str) -> &'static [&'static str] {
    let v: Vec<&'static str> = (0..20)
        .map(|i| &*Box::leak(format!("{prefix}{i}").into_boxed_str()))
        .collect();
    Box::leak(v.into_boxed_slice())
}

#[page(path = "app", title = "100 widgets")]
fn hundred_widgets(ui: &Ui<'_>) -> Result<()> {
    static NAMES: OnceLock<[&'static [&'static str]; 10]> = OnceLock::new();
    let [sl, sk, nl, nk, tl, tk, cl, ck, chl, chk] = NAMES.get_or_init(|| {
        [
            "Slider ", "s", "Number ", "n", "Text ", "t", "Check ", "c", "Choice ", "ch",
        ]
        .map(names)
    });
    let cols = ui.columns(2);
    for i in 0..20 {
        let col = &cols[i % 2];
        col.slider(sl[i], 0, 100).key(sk[i]).show()?;
        col.number_input::<f64>(nl[i]).key(nk[i]).show()?;
        col.text_input(tl[i]).key(tk[i]).show()?;
        col.checkbox(cl[i]).key(ck[i]).show()?;
        if i % 2 == 0 {
            col.selectbox(chl[i], ["red", "green", "blue"])
                .key(chk[i])
                .show()?;
        } else {
            col.radio(chl[i], ["a", "b", "c"]).key(chk[i]).show()?;
        }
    }
    ui.text("done");
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new().page(hundred_widgets)
}

#[allow(dead_code)]
fn main() {
    app().serve();
}
