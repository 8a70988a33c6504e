#[allow(non_camel_case_types)]
#[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
struct bounds;
impl bounds {
    /// Draws the page: the function as written under `#[page]`.
    fn call(ui: &Ui<'_>) -> brooklet::Result<()> {
        ui.state().setdefault("a", 5)?;
        let cols = ui.columns(2);
        let minimum = cols[0]
            .number_input("Min")
            .min(1)
            .max(5)
            .key("min")
            .__site(&<bounds as ::brooklet::__private::PageDefinition>::SITES[0])
            .show()?;
        let maximum = cols[1]
            .number_input("Max")
            .min(6)
            .max(10)
            .value(10)
            .key("max")
            .__site(&<bounds as ::brooklet::__private::PageDefinition>::SITES[1])
            .show()?;
        let a = ui
            .slider("A", minimum, maximum)
            .key("a")
            .__site(&<bounds as ::brooklet::__private::PageDefinition>::SITES[2])
            .show()?;
        ui.text(format!("a = {a}"));
        Ok(())
    }
}
#[automatically_derived]
impl ::brooklet::__private::PageDefinition for bounds {
    const PATH: &'static str = "bounds";
    const TITLE: &'static str = "Slider bounds";
    const ICON: ::core::option::Option<&'static str> = ::core::option::Option::None;
    const SITES: &'static [::brooklet::__private::WidgetSite] = &[
        ::brooklet::__private::WidgetSite::new(
                ::brooklet::__private::PageId::of_path("bounds"),
                "number_input",
                ::brooklet::__private::SiteKey::Literal("min"),
                ::core::option::Option::Some("Min"),
            )
            .complete()
            .at(7, 26)
            .runtime_params(&[]),
        ::brooklet::__private::WidgetSite::new(
                ::brooklet::__private::PageId::of_path("bounds"),
                "number_input",
                ::brooklet::__private::SiteKey::Literal("max"),
                ::core::option::Option::Some("Max"),
            )
            .complete()
            .at(9, 26)
            .runtime_params(&[]),
        ::brooklet::__private::WidgetSite::new(
                ::brooklet::__private::PageId::of_path("bounds"),
                "slider",
                ::brooklet::__private::SiteKey::Literal("a"),
                ::core::option::Option::Some("A"),
            )
            .at(11, 15)
            .runtime_params(&["min_value", "max_value"])
            .keep_value(),
    ];
    fn call(ui: &::brooklet::__private::Ui<'_>) -> ::brooklet::__private::Result<()> {
        bounds::call(ui)
    }
}
