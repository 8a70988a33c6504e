//! The attributes of [brooklet](https://docs.rs/brooklet): `#[page]` marks a
//! page function, `#[widget(...)]` marks a widget call inside one.
//!
//! `#[page]` finds every widget call of the page (a builder chain such as
//! `ui.slider("A", 1, 10).show()?`), gives each a compile-time site (page,
//! kind, key, the label when it is a literal, its line, which of the
//! parameters that count for its identity are run-time values), applies the
//! `#[widget]` options, and reports the mistakes it can see as compile
//! errors (spec Part A3, A5). The site's identity hash is computed by the
//! runtime's own `const fn`s, so this crate hashes nothing itself.
//!
//! Set `BROOKLET_MACROS_DEBUG=1` (or `=page_name`) to print each page's
//! expansion while it compiles.

use proc_macro::TokenStream;

mod ctxt;
mod expand;
mod fallback;
mod fragment;
mod kinds;
mod parse;
mod validate;

/// Marks a function `fn name(ui: &Ui<'_>) -> brooklet::Result<()>` as a
/// brooklet page: `#[page]`, `#[page(title = "..", path = "..", icon = "..")]`,
/// or `#[page(entrypoint)]` for the code that runs before every page.
/// `App::new().page(name)` adds it to an app.
#[proc_macro_attribute]
pub fn page(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::page(args.into(), item.into()).into()
}

/// Marks a function `fn name(ui: &Ui<'_>, args..) -> brooklet::Result<()>`
/// as a fragment (`@st.fragment`): calling it draws a part of the page that
/// reruns alone when one of its widgets changes (R32). `#[fragment]` keys it
/// by the function's name, `#[fragment(key = "..")]` by the key given; a
/// callback reruns it with `ui.rerun_fragment(key)`. Its other arguments are
/// kept (cloned) for its reruns. Inside, `#[widget]` works as in a page.
#[proc_macro_attribute]
pub fn fragment(args: TokenStream, item: TokenStream) -> TokenStream {
    fragment::fragment(args.into(), item.into()).into()
}

/// Marks a widget call inside a `#[page]` function:
/// `#[widget(key = "..", on_change = f, args = (..), disabled = .., help = "..",
/// persist = "page" | "session", keep_value)]` on a `let` statement or an
/// expression statement holding one widget call. `#[page]` reads and removes
/// it; anywhere else it is an error.
#[proc_macro_attribute]
pub fn widget(_args: TokenStream, item: TokenStream) -> TokenStream {
    let mut out: TokenStream = syn::Error::new(
        proc_macro2::Span::call_site(),
        "`#[widget]` is only valid inside a `#[page]` or `#[fragment]` function; mark the function with `#[page]`",
    )
    .to_compile_error()
    .into();
    out.extend(item);
    out
}
