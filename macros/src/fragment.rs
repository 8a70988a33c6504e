//! `#[fragment]`: a function that draws a part of a page which reruns alone
//! when one of its widgets changes (spec R32–R34). Calling the function
//! draws the fragment; its body is kept by the session and run again on its
//! own. Like `#[page]`: parse (the widget calls, with `parse.rs`), validate
//! (the widget rules and the signature), expand (here).
//!
//! ```text
//! #[fragment]                       fn chart(ui: &Ui<'_>, data: Vec<f64>) -> Result<()> {
//! fn chart(ui: &Ui<'_>,      ==>        const SITES: &[WidgetSite] = ..;
//!          data: Vec<f64>)              fn body(ui: &Ui<'_>, data: Vec<f64>) -> Result<()> { .. }
//!     -> Result<()> { .. }               let args = (data,);
//!                                        ui.fragment("chart", move |ui| { let (data,) = args.clone(); body(ui, data) })
//!                                    }
//! ```
//!
//! The widgets of a fragment function are identified at run time by the
//! page that calls it: their sites name no page, so the runtime computes
//! their identity from scratch (the compile-time checks still apply).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{FnArg, ItemFn, LitStr, Meta, Pat, Token, Type};

use crate::ctxt::Ctxt;
use crate::expand::{private, site_tokens, Injector};
use crate::fallback;
use crate::parse::{string_lit, Page, PageArgs};
use crate::validate;

const SIGNATURE: &str = "fn name(ui: &Ui<'_>, args..) -> brooklet::Result<()>";

/// `#[fragment(args)] item`.
pub fn fragment(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            let err = syn::Error::new_spanned(
                &item,
                format!("`#[fragment]` goes on a function: `{SIGNATURE}`"),
            )
            .into_compile_error();
            return quote!(#err #item);
        }
    };
    let cx = Ctxt::new();
    let (key, run_every) = fragment_args(&cx, args, &func);
    let page = Page::new(&cx, PageArgs::default(), func);
    for site in &page.sites {
        validate::widget(&cx, site);
    }
    validate::unique_keys(&cx, &page.sites);
    signature(&cx, &page.func);
    match cx.check() {
        Ok(()) => generate(&page, &key, run_every),
        Err(err) => fallback::page(err, page.func),
    }
}

/// `key = ".."` (the function's name by default) and `run_every = "2s"`
/// (in milliseconds).
fn fragment_args(cx: &Ctxt, args: TokenStream, func: &ItemFn) -> (LitStr, Option<u64>) {
    let name = &func.sig.ident;
    let default = LitStr::new(&name.to_string(), name.span());
    if args.is_empty() {
        return (default, None);
    }
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(m) => m,
        Err(e) => {
            cx.syn_error(e);
            return (default, None);
        }
    };
    let (mut key, mut run_every) = (None, None);
    for meta in metas {
        match &meta {
            Meta::NameValue(nv) if nv.path.is_ident("key") => match string_lit(&nv.value) {
                Some(lit) if !lit.value().is_empty() => key = Some(lit.clone()),
                _ => cx.error_spanned_by(&nv.value, "a fragment key is a non-empty string: write `key = \"name\"`"),
            },
            Meta::NameValue(nv) if nv.path.is_ident("run_every") => {
                match string_lit(&nv.value).map(|lit| interval_ms(&lit.value())) {
                    Some(Ok(ms)) => run_every = Some(ms),
                    Some(Err(problem)) => cx.error_spanned_by(&nv.value, problem),
                    None => cx.error_spanned_by(&nv.value, "`run_every` is a string such as \"2s\", \"500ms\" or \"1m\""),
                }
            }
            other => cx.error_spanned_by(
                other,
                "unknown `#[fragment]` argument; the arguments are `key = \"..\"` (the default is the function's name) and `run_every = \"2s\"`",
            ),
        }
    }
    (key.unwrap_or(default), run_every)
}

/// `"500ms"`, `"2s"`, `"1.5s"`, `"1m"` in milliseconds, at least 100.
fn interval_ms(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (number, unit) = t.split_at(
        t.find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len()),
    );
    let scale = match unit.trim() {
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        _ => {
            return Err(format!(
                "`run_every = \"{text}\"` needs a unit: \"500ms\", \"2s\" or \"1m\""
            ))
        }
    };
    let ms = number
        .parse::<f64>()
        .map_err(|_| format!("`run_every = \"{text}\"` does not start with a number"))?
        * scale;
    if ms < 100.0 {
        return Err(format!(
            "`run_every = \"{text}\"` is shorter than the shortest interval, 100ms"
        ));
    }
    Ok(ms as u64)
}

fn signature(cx: &Ctxt, func: &ItemFn) {
    let sig = &func.sig;
    if sig.asyncness.is_some()
        || sig.constness.is_some()
        || sig.unsafety.is_some()
        || sig.abi.is_some()
    {
        cx.error_spanned_by(
            sig.fn_token,
            format!("a `#[fragment]` function is a plain `{SIGNATURE}`"),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &sig.generics,
            "a `#[fragment]` function cannot be generic: the session keeps its body to run it again; remove the generic parameters",
        );
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Typed(arg)) if matches!(&*arg.ty, Type::Reference(r) if validate::is_ui(&r.elem)) =>
            {}
        Some(other) => cx.error_spanned_by(
            other,
            format!("a fragment's first argument is the `Ui` to draw on: `{SIGNATURE}`"),
        ),
        None => cx.error_at(
            sig.paren_token.span.join(),
            format!("a fragment takes the `Ui` to draw on: `{SIGNATURE}`"),
        ),
    }
    for arg in inputs {
        match arg {
            FnArg::Typed(t) if matches!(&*t.pat, Pat::Ident(_)) => {}
            other => cx.error_spanned_by(
                other,
                "a fragment's other arguments are plain names (`data: Vec<f64>`): they are kept and cloned for each rerun",
            ),
        }
    }
}

fn generate(page: &Page, key: &LitStr, run_every: Option<u64>) -> TokenStream {
    let private = private();
    let func = &page.func;
    let sig = &func.sig;
    let (vis, attrs) = (&func.vis, &func.attrs);
    let path = LitStr::new("$$fragment", key.span());
    let sites = page.sites.iter().map(|site| site_tokens(&path, site));
    let sites_ident = format_ident!("__BROOKLET_FRAGMENT_SITES");
    let mut block = func.block.clone();
    Injector {
        sites_path: quote!(#sites_ident),
        sites: &page.sites,
        next: 0,
    }
    .visit_block_mut(&mut block);

    let mut inner = sig.clone();
    inner.ident = format_ident!("__brooklet_fragment_body");
    let mut inputs = sig.inputs.iter();
    let ui = match inputs.next() {
        Some(FnArg::Typed(t)) => match &*t.pat {
            Pat::Ident(p) => p.ident.clone(),
            _ => format_ident!("ui"),
        },
        _ => format_ident!("ui"),
    };
    let mut outer = sig.clone();
    // The outer function hands its arguments on: `ui` must be a plain name.
    if let Some(FnArg::Typed(t)) = outer.inputs.first_mut() {
        *t.pat = syn::parse_quote!(#ui);
    }
    let names: Vec<_> = inputs
        .filter_map(|a| match a {
            FnArg::Typed(t) => match &*t.pat {
                Pat::Ident(p) => Some(p.ident.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let args_ident = format_ident!("__brooklet_args");
    let closure = quote! {
        move |#ui: &#private::Ui<'_>| {
            #[allow(unused_variables)]
            let (#(#names,)*) = ::core::clone::Clone::clone(&#args_ident);
            __brooklet_fragment_body(#ui, #(#names),*)
        }
    };
    let draw = match run_every {
        Some(ms) => {
            quote!(#ui.fragment_every(#key, ::core::time::Duration::from_millis(#ms), #closure))
        }
        None => quote!(#ui.fragment(#key, #closure)),
    };
    quote! {
        #(#attrs)*
        #vis #outer {
            const #sites_ident: &[#private::WidgetSite] = &[#(#sites),*];
            #[allow(clippy::too_many_arguments)]
            #inner #block
            let #args_ident = (#(#names,)*);
            #draw
        }
    }
}
