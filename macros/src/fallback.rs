//! On error: the compile errors **and** the user's function, unchanged but
//! for the `#[widget]` marks, so that the rest of the crate and the IDE keep
//! working and only the real mistakes are reported (tokio-macros `entry.rs`,
//! thiserror `fallback.rs`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

/// The errors and the function as written.
pub fn page(err: syn::Error, func: ItemFn) -> TokenStream {
    let err = err.into_compile_error();
    quote! {
        #err
        #[allow(dead_code)]
        #func
    }
}

/// `#[page]` on something that is not a function.
pub fn not_a_function(item: TokenStream) -> TokenStream {
    let err = syn::Error::new_spanned(
        &item,
        "`#[page]` goes on a function: `fn name(ui: &Ui<'_>) -> brooklet::Result<()>`",
    )
    .into_compile_error();
    quote! {
        #err
        #item
    }
}
