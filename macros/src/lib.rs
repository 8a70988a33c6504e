//! The attributes of [brooklet](https://docs.rs/brooklet): `#[page]` marks a
//! page function, `#[widget(...)]` marks a widget call inside one.
//!
//! This first version accepts `#[page]` on a function and leaves it as it is;
//! compile-time registration of widget identities comes with the page model
//! (parse, validate, expand). `#[widget]` is only meaningful inside a
//! `#[page]` function, so on its own it is always an error.

use proc_macro::TokenStream;

/// Marks a function as a brooklet page.
#[proc_macro_attribute]
pub fn page(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Marks a widget call inside a `#[page]` function.
#[proc_macro_attribute]
pub fn widget(_args: TokenStream, item: TokenStream) -> TokenStream {
    let mut out: TokenStream = syn::Error::new(
        proc_macro2::Span::call_site(),
        "`#[widget]` is only valid inside a `#[page]` function",
    )
    .to_compile_error()
    .into();
    out.extend(item);
    out
}
