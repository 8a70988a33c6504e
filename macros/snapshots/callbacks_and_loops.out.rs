#[allow(non_camel_case_types)]
#[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
pub struct todo;
impl todo {
    /// Draws the page: the function as written under `#[page]`.
    pub fn call(ui: &Ui<'_>) -> Result<()> {
        let items: Vec<String> = ui.state().setdefault("items", Vec::new())?;
        let new = ui
            .text_input("New item")
            .max_chars(40)
            .key("new")
            .help("what to do")
            .on_change({
                let __brooklet_args = ("new", 1);
                let __brooklet_callback = add_item;
                move |ui: &::brooklet::__private::Ui<'_>| __brooklet_callback(
                    ui,
                    ::core::clone::Clone::clone(&__brooklet_args.0),
                    ::core::clone::Clone::clone(&__brooklet_args.1),
                )
            })
            .__site(&<todo as ::brooklet::__private::PageDefinition>::SITES[0])
            .show()?;
        for (i, item) in items.iter().enumerate() {
            ui.checkbox(item)
                .key(format!("done-{i}"))
                .__site(&<todo as ::brooklet::__private::PageDefinition>::SITES[1])
                .show()?;
        }
        if ui
            .sidebar()
            .button("Clear")
            .__site(&<todo as ::brooklet::__private::PageDefinition>::SITES[2])
            .show()?
        {
            ui.state().set("items", &Vec::<String>::new())?;
        }
        ui.select_slider("Size", ["S", "M", "L"])
            .key("size")
            .__site(&<todo as ::brooklet::__private::PageDefinition>::SITES[3])
            .show()?;
        Ok(())
    }
}
#[automatically_derived]
impl ::brooklet::__private::PageDefinition for todo {
    const PATH: &'static str = "todo.py";
    const TITLE: &'static str = "Todo";
    const ICON: ::core::option::Option<&'static str> = ::core::option::Option::Some(
        "✅",
    );
    const SITES: &'static [::brooklet::__private::WidgetSite] = &[
        ::brooklet::__private::WidgetSite::new(
                ::brooklet::__private::PageId::of_path("todo.py"),
                "text_input",
                ::brooklet::__private::SiteKey::Literal("new"),
                ::core::option::Option::Some("New item"),
            )
            .fold(
                "max_chars",
                ::brooklet::__private::some_part(
                    ::brooklet::__private::int_part((40) as i64),
                ),
            )
            .complete()
            .at(7, 17)
            .runtime_params(&[]),
        ::brooklet::__private::WidgetSite::new(
                ::brooklet::__private::PageId::of_path("todo.py"),
                "checkbox",
                ::brooklet::__private::SiteKey::Dynamic,
                ::core::option::Option::None,
            )
            .at(10, 11)
            .runtime_params(&[])
            .persist(::brooklet::__private::Persist::Session),
        ::brooklet::__private::WidgetSite::new(
                ::brooklet::__private::PageId::of_path("todo.py"),
                "button",
                ::brooklet::__private::SiteKey::None,
                ::core::option::Option::Some("Clear"),
            )
            .fold("help", ::brooklet::__private::NONE_PART)
            .at(12, 20)
            .runtime_params(&[]),
        ::brooklet::__private::WidgetSite::new(
                ::brooklet::__private::PageId::of_path("todo.py"),
                "select_slider",
                ::brooklet::__private::SiteKey::Literal("size"),
                ::core::option::Option::Some("Size"),
            )
            .complete()
            .at(15, 7)
            .runtime_params(&[]),
    ];
    fn call(ui: &::brooklet::__private::Ui<'_>) -> ::brooklet::__private::Result<()> {
        todo::call(ui)
    }
}
