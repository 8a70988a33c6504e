// Callbacks with arguments, run-time keys in a loop, options, and
// unmarked widgets (keyless, and keyed through `.key(..)`).
#[page(path = "todo.py", icon = "✅")]
pub fn todo(ui: &Ui<'_>) -> Result<()> {
    let items: Vec<String> = ui.state().setdefault("items", Vec::new())?;
    #[widget(key = "new", help = "what to do", on_change = add_item, args = ("new", 1))]
    let new = ui.text_input("New item").max_chars(40).show()?;
    for (i, item) in items.iter().enumerate() {
        #[widget(key = format!("done-{i}"), persist = "session")]
        ui.checkbox(item).show()?;
    }
    if ui.sidebar().button("Clear").show()? {
        ui.state().set("items", &Vec::<String>::new())?;
    }
    ui.select_slider("Size", ["S", "M", "L"]).key("size").show()?;
    Ok(())
}
