// The docs' slider example: two number inputs give the bounds of a slider.
#[page(title = "Slider bounds")]
fn bounds(ui: &Ui<'_>) -> brooklet::Result<()> {
    ui.state().setdefault("a", 5)?;
    let cols = ui.columns(2);
    #[widget(key = "min")]
    let minimum = cols[0].number_input("Min").min(1).max(5).show()?;
    #[widget(key = "max")]
    let maximum = cols[1].number_input("Max").min(6).max(10).value(10).show()?;
    #[widget(key = "a", keep_value)]
    let a = ui.slider("A", minimum, maximum).show()?;
    ui.text(format!("a = {a}"));
    Ok(())
}
