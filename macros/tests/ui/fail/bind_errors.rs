use brooklet::prelude::*;

#[page]
fn filters(ui: &Ui<'_>) -> brooklet::Result<()> {
    // R40: the key names the URL parameter.
    #[widget(bind = "query-params")]
    let color = ui.selectbox("Color", ["Red", "Green"]).show()?;
    // Triggers cannot be bound.
    #[widget(key = "go", bind = "query-params")]
    let go = ui.button("Go").show()?;
    #[widget(key = "size", bind = "url")]
    let size = ui.slider("Size", 0, 10).show()?;
    // R44: the mode is "ignore" or "rerun".
    #[widget(key = "note", on_change = "later")]
    let note = ui.text_input("Note").show()?;
    ui.text(format!("{color} {go} {size} {note}"));
    Ok(())
}

fn main() {}
