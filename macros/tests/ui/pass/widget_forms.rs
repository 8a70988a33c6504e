//! Every accepted form of `#[widget]`, and widget calls without it.
use brooklet::prelude::*;

fn changed(ui: &Ui<'_>) -> brooklet::Result<()> {
    ui.state().set("changed", &true)
}

fn clicked(ui: &Ui<'_>, what: &'static str, times: i64) -> brooklet::Result<()> {
    ui.state().set(what, &times)
}

#[page]
fn everything(ui: &Ui<'_>) -> brooklet::Result<()> {
    let cols = ui.columns(2);
    let sidebar = ui.sidebar();

    // On a `let` statement, directly or through a container.
    #[widget(key = "min")]
    let minimum = cols[0].number_input("Min").min(1).max(5).show()?;
    #[widget(key = "max", help = "the upper bound")]
    let maximum = cols[1].number_input("Max").min(6).max(10).value(10).show()?;
    #[widget(key = "a", keep_value, persist = "page", on_change = changed)]
    let a = ui.slider("A", minimum, maximum).show()?;
    #[widget(key = "range", keep_value)]
    let _range = sidebar.range_slider("Range", 0.0, 1.0).show()?;
    #[widget(key = "name", persist = "session", disabled = a > 8)]
    let _name = ui.sidebar().text_input("Name").show()?;
    let more = ui.expander("More").show()?;
    #[brooklet::widget(key = "notes", disabled)]
    let _notes = more.text_area("Notes").show()?;

    // On an expression statement, including an `if` whose condition is the call.
    #[widget(key = "go", on_click = clicked, args = ("go", 1))]
    if ui.button("Go").show()? {
        ui.text("went");
    }
    #[widget(key = "flag")]
    ui.checkbox("Flag").show()?;
    #[widget]
    ui.toggle("Bare mark").show()?;
    #[widget()]
    ui.radio("Empty arguments", ["x", "y"]).show()?;
    #[widget(on_click = |ui: &Ui<'_>| ui.state().set("inline", &true))]
    ui.button("Inline callback").show()?;

    // Keys computed at run time, and labels that differ per iteration.
    for i in 0..3 {
        #[widget(key = format!("row-{i}"), on_change = changed)]
        ui.selectbox("Pick", ["a", "b"]).show()?;
        ui.button(format!("Delete {i}")).show()?;
        let col = &cols[i % 2];
        col.multiselect(format!("Tags {i}"), ["t"]).show()?;
    }
    let mut n = 0;
    while n < 2 {
        #[widget(key = format!("w-{n}"))]
        ui.select_slider("Size", ["S", "M"]).show()?;
        n += 1;
    }

    // Without `#[widget]`: still widgets, keyless or keyed in the chain.
    ui.select_range_slider("Between", ["a", "b", "c"]).show()?;
    ui.text_input("Plain").key("plain").show()?;
    let show_more = |ui: &Ui<'_>| ui.button("In a closure").show();
    show_more(ui)?;
    {
        #[widget(key = "inner")]
        let _inner = ui.checkbox("In a block").show()?;
    }
    ui.text(format!("a = {a}"));
    Ok(())
}

fn main() {
    let mut t = brooklet::testing::AppTest::new(App::new().page(everything));
    t.run().unwrap();
    assert!(t.exceptions().is_empty(), "{:?}", t.exceptions());
    assert_eq!(t.texts(), ["a = 1"]);
}
