//! `#[page]` in three steps: build the model (`parse.rs`), validate it
//! (`validate.rs`), generate code (here). A page function becomes a unit
//! type of the same name that implements `PageDefinition`: its path, title,
//! icon, the table of its widget sites, and the function itself (callable
//! as `name::call(ui)`). Each widget call gets its `#[widget]` options as
//! builder calls and its site through the hidden `.__site(..)`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Expr, ExprMethodCall, Ident, Item, ItemFn, LitStr, ReturnType};

use crate::ctxt::Ctxt;
use crate::fallback;
use crate::parse::{self, Given, Key, Page, PageArgs, Site};
use crate::validate;

/// The one place runtime items are spelled.
pub(crate) fn private() -> TokenStream {
    quote!(::brooklet::__private)
}

/// `#[page(args)] item`.
pub fn page(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => return fallback::not_a_function(item),
    };
    let cx = Ctxt::new();
    let args = PageArgs::parse(&cx, args);
    let page = Page::new(&cx, args, func);
    validate::page(&cx, &page);
    match cx.check() {
        Ok(()) => {
            let out = generate(&page);
            debug_print(&page.func.sig.ident, &out);
            out
        }
        Err(err) => fallback::page(err, page.func),
    }
}

/// `BROOKLET_MACROS_DEBUG=1` (or `=name` for one page) prints the
/// expansion at build time. Cargo does not rebuild when only the variable
/// changes: touch the file or `cargo clean -p` the crate.
fn debug_print(name: &Ident, out: &TokenStream) {
    let Ok(wanted) = std::env::var("BROOKLET_MACROS_DEBUG") else {
        return;
    };
    if wanted.is_empty() || wanted == "0" || (wanted != "1" && *name != wanted) {
        return;
    }
    eprintln!("// #[page] {name}: expansion\n{}", pretty(out));
}

/// Formats tokens as Rust source.
pub fn pretty(tokens: &TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

/// A page's path: `path = ".."`, the entrypoint's, or the function's name.
fn page_path(args: &PageArgs, name: &Ident) -> LitStr {
    match (&args.entrypoint, &args.path) {
        (Some(e), _) => LitStr::new("$$entrypoint", e.span()),
        (None, Some(path)) => path.clone(),
        (None, None) => LitStr::new(&name.to_string(), name.span()),
    }
}

/// A page's title: `title = ".."`, or its name in words: `page_a` → `Page a`.
fn page_title(args: &PageArgs, name: &Ident) -> LitStr {
    if let Some(title) = &args.title {
        return title.clone();
    }
    let words = name.to_string().trim_start_matches("r#").replace('_', " ");
    let words = words.trim();
    let mut chars = words.chars();
    let title = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::from("Page"),
    };
    LitStr::new(&title, name.span())
}

fn generate(page: &Page) -> TokenStream {
    let private = private();
    let func = &page.func;
    let name = &func.sig.ident;
    let vis = &func.vis;
    let path = page_path(&page.args, name);
    let title = page_title(&page.args, name);
    let icon = match &page.args.icon {
        Some(icon) => quote!(::core::option::Option::Some(#icon)),
        None => quote!(::core::option::Option::None),
    };

    // Doc comments describe the page: they go on the type. `cfg`s apply to
    // everything; other attributes stay on the function.
    let (docs, rest): (Vec<&Attribute>, Vec<&Attribute>) =
        func.attrs.iter().partition(|a| a.path().is_ident("doc"));
    let (cfgs, others): (Vec<&Attribute>, Vec<&Attribute>) = rest
        .into_iter()
        .partition(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"));

    let sites = page.sites.iter().map(|site| site_tokens(&path, site));

    let mut block = func.block.clone();
    Injector {
        sites_path: quote!(<#name as #private::PageDefinition>::SITES),
        sites: &page.sites,
        next: 0,
    }
    .visit_block_mut(&mut block);
    let mut sig = func.sig.clone();
    sig.ident = Ident::new("call", name.span());
    let output_span = match &sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => name.span(),
    };
    let delegate = quote_spanned!(output_span=> #name::call(ui));

    quote! {
        #(#cfgs)*
        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
        #vis struct #name;

        #(#cfgs)*
        impl #name {
            /// Draws the page: the function as written under `#[page]`.
            #(#others)*
            #vis #sig #block
        }

        #(#cfgs)*
        #[automatically_derived]
        impl #private::PageDefinition for #name {
            const PATH: &'static str = #path;
            const TITLE: &'static str = #title;
            const ICON: ::core::option::Option<&'static str> = #icon;
            const SITES: &'static [#private::WidgetSite] = &[#(#sites),*];
            fn call(ui: &#private::Ui<'_>) -> #private::Result<()> {
                #delegate
            }
        }
    }
}

/// The `WidgetSite` constant of one call: computed by the runtime's own
/// `const fn`s when the crate compiles.
pub(crate) fn site_tokens(path: &LitStr, site: &Site) -> TokenStream {
    let private = private();
    let kind = site.chain.kind.kind;
    let key = match site.key() {
        Key::None => quote!(#private::SiteKey::None),
        Key::Literal(k) => quote!(#private::SiteKey::Literal(#k)),
        Key::Dynamic | Key::NotString(_) => quote!(#private::SiteKey::Dynamic),
    };
    let label = match site.label() {
        Some(l) => quote!(::core::option::Option::Some(#l)),
        None => quote!(::core::option::Option::None),
    };
    let start = site.chain.call.method.span().start();
    let line = proc_macro2::Literal::u32_unsuffixed(start.line as u32);
    let column = proc_macro2::Literal::u32_unsuffixed(start.column as u32);
    let runtime = site.runtime_params();
    let folds = folded_params(site);
    let mut tokens = quote! {
        #private::WidgetSite::new(#private::PageId::of_path(#path), #kind, #key, #label)
            #(#folds)*
            .at(#line, #column)
            .runtime_params(&[#(#runtime),*])
    };
    if let Some(args) = &site.attr {
        if let Some(persist) = args
            .persist
            .as_ref()
            .and_then(|p| parse::string_lit(&p.value))
        {
            let variant = match persist.value().as_str() {
                "session" => quote!(Session),
                _ => quote!(Page),
            };
            tokens.extend(quote!(.persist(#private::Persist::#variant)));
        }
        if args.keep_value.is_some() {
            tokens.extend(quote!(.keep_value()));
        }
    }
    tokens
}

/// `.fold(name, hash)` for the leading counted parameters whose values are
/// known at compile time (literals, or defaults that follow from literals),
/// each hashed as the runtime hashes the value it holds. Folding stops at
/// the first parameter known only at run time, and there is none with a key
/// computed at run time (which the runtime hashes first). The keyless label
/// is folded by `WidgetSite::new` itself.
fn folded_params(site: &Site) -> Vec<TokenStream> {
    let private = private();
    let keyless = match site.key() {
        Key::None => true,
        Key::Literal(_) => false,
        Key::Dynamic | Key::NotString(_) => return Vec::new(),
    };
    let kind = site.chain.kind.kind;
    let counted = site.counted_with_exprs();
    let mut params = counted.iter();
    if keyless {
        // The label comes first; `new` folded it if it is a literal. A
        // kind without a label (tabs, feedback) is hashed at run time.
        match params.next() {
            Some(("label", Given::Literal, _)) => {}
            _ => return Vec::new(),
        }
    }
    // The slider's default step depends on whether its bounds are floats.
    let float_bounds = counted
        .iter()
        .find(|(name, _, _)| *name == "min_value")
        .and_then(|(_, _, e)| e.and_then(|e| number_literal(e)))
        .map(|(float, _)| float);
    let mut out = Vec::new();
    for (name, given, expr) in params {
        let value = match (*name, given, expr) {
            ("accept_new_options", Given::Const, _) => Some(quote!(#private::bool_part(false))),
            ("help" | "placeholder" | "max_selections" | "max_chars", Given::Absent, _) => {
                Some(quote!(#private::NONE_PART))
            }
            ("help" | "placeholder" | "max_selections" | "max_chars", Given::Literal, Some(e)) => {
                literal_part(e).map(|v| quote!(#private::some_part(#v)))
            }
            ("min_value" | "max_value", Given::Absent, _) if kind == "number_input" => {
                Some(quote!(#private::NONE_PART))
            }
            ("min_value" | "max_value", Given::Literal, Some(e)) if kind == "number_input" => {
                literal_part(e).map(|v| quote!(#private::some_part(#v)))
            }
            ("min_value" | "max_value" | "step" | "index" | "options", Given::Literal, Some(e)) => {
                literal_part(e)
            }
            ("index", Given::Absent, _) => Some(quote!(#private::int_part(0))),
            ("step", Given::Absent, _) if kind == "slider" => match float_bounds {
                Some(true) => Some(quote!(#private::float_part(0.01))),
                Some(false) => Some(quote!(#private::int_part(1))),
                None => None,
            },
            ("default", Given::Absent, _) if kind == "multiselect" => {
                Some(quote!(#private::list_part(&[])))
            }
            ("value", Given::Absent, _) if kind == "checkbox" || kind == "toggle" => {
                Some(quote!(#private::bool_part(false)))
            }
            ("value", Given::Literal, Some(e)) if kind == "checkbox" || kind == "toggle" => {
                literal_part(e)
            }
            ("value", Given::Absent, _) if kind == "text_input" || kind == "text_area" => {
                Some(quote!(#private::str_part("")))
            }
            ("value", Given::Literal, Some(e)) if kind == "text_input" || kind == "text_area" => {
                literal_part(e)
            }
            // date_input, time_input, color_picker, pills/segmented_control
            // and file_uploader: their defaults, spelled once in the runtime.
            ("format", Given::Absent, _) => {
                Some(quote!(#private::str_part(#private::DEFAULT_DATE_FORMAT)))
            }
            ("format", Given::Literal, Some(e)) => literal_part(e),
            ("step", Given::Absent, _) if kind == "time_input" => {
                Some(quote!(#private::int_part(#private::DEFAULT_TIME_STEP as i64)))
            }
            ("value", Given::Absent, _) if kind == "color_picker" => {
                Some(quote!(#private::str_part("#000000")))
            }
            ("value", Given::Literal, Some(e)) if kind == "color_picker" => literal_part(e),
            ("click_mode", Given::Absent, _) => Some(quote!(#private::str_part("single"))),
            // Tabs, expanders and popovers count their label and labels
            // with a key too.
            ("label" | "tabs", Given::Literal, Some(e)) => literal_part(e),
            ("default", Given::Absent, _) if kind == "tabs" => Some(quote!(#private::NONE_PART)),
            ("default", Given::Literal, Some(e)) if kind == "tabs" => {
                literal_part(e).map(|v| quote!(#private::some_part(#v)))
            }
            ("expanded", Given::Absent, _) => Some(quote!(#private::bool_part(false))),
            ("expanded", Given::Literal, Some(e)) => literal_part(e),
            ("type", Given::Absent, _) => Some(quote!(#private::list_part(&[]))),
            ("accept_multiple_files", Given::Absent, _) => Some(quote!(#private::bool_part(false))),
            // `.accept_multiple_files()` takes no argument.
            ("accept_multiple_files", Given::Literal, None) => {
                Some(quote!(#private::bool_part(true)))
            }
            ("max_upload_size", Given::Absent, _) => {
                Some(quote!(#private::int_part(#private::DEFAULT_MAX_UPLOAD_SIZE as i64)))
            }
            ("max_upload_size", Given::Literal, Some(e)) => literal_part(e),
            // Anything else (run-time values, defaults that depend on other
            // parameters) is hashed at run time.
            _ => None,
        };
        match value {
            Some(v) => out.push(quote!(.fold(#name, #v))),
            None => return out,
        }
    }
    // Every counted parameter folded: with a literal key, the constant is
    // the widget's whole identity.
    if !keyless {
        out.push(quote!(.complete()));
    }
    out
}

/// A numeric literal: whether it is a float, and the expression.
fn number_literal(expr: &Expr) -> Option<(bool, &Expr)> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(_),
            ..
        }) => Some((false, expr)),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(_),
            ..
        }) => Some((true, expr)),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
            number_literal(&u.expr).map(|(f, _)| (f, expr))
        }
        Expr::Group(g) => number_literal(&g.expr),
        Expr::Paren(p) => number_literal(&p.expr),
        _ => None,
    }
}

/// The compile-time hash of a literal, as the runtime hashes the value it
/// becomes: strings, integers (widened to `i64`), floats, bools, and lists of
/// them (options become JSON values, which hash the same way).
fn literal_part(expr: &Expr) -> Option<TokenStream> {
    let private = private();
    if let Some((float, e)) = number_literal(expr) {
        return Some(if float {
            quote!(#private::float_part((#e) as f64))
        } else {
            quote!(#private::int_part((#e) as i64))
        });
    }
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(quote!(#private::str_part(#s))),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(b),
            ..
        }) => Some(quote!(#private::bool_part(#b))),
        Expr::Group(g) => literal_part(&g.expr),
        Expr::Paren(p) => literal_part(&p.expr),
        Expr::Reference(r) => literal_part(&r.expr),
        Expr::Array(a) => {
            let items = a
                .elems
                .iter()
                .map(literal_part)
                .collect::<Option<Vec<_>>>()?;
            Some(quote!(#private::list_part(&[#(#items),*])))
        }
        Expr::Macro(m) if m.mac.path.is_ident("vec") => {
            let items = m
                .mac
                .parse_body_with(
                    syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
                )
                .ok()?;
            let items = items.iter().map(literal_part).collect::<Option<Vec<_>>>()?;
            Some(quote!(#private::list_part(&[#(#items),*])))
        }
        _ => None,
    }
}

/// Visits the body in the order `parse.rs` found the calls in, and rewrites
/// each `.show()` call.
pub(crate) struct Injector<'a> {
    /// Where the table of sites is: `<page as PageDefinition>::SITES`.
    pub sites_path: TokenStream,
    pub sites: &'a [Site],
    pub next: usize,
}

impl VisitMut for Injector<'_> {
    fn visit_item_mut(&mut self, _: &mut Item) {}

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let index = match &*expr {
            Expr::MethodCall(call) if parse::widget_chain(call).is_some() => {
                self.next += 1;
                Some(self.next - 1)
            }
            _ => None,
        };
        visit_mut::visit_expr_mut(self, expr);
        if let (Some(index), Expr::MethodCall(show)) = (index, expr) {
            if let Some(site) = self.sites.get(index) {
                inject(show, site, index, &self.sites_path);
            }
        }
    }
}

/// `recv.slider(..).opts().show()` → `recv.slider(..).opts().key(..)...__site(..).show()`.
fn inject(show: &mut ExprMethodCall, site: &Site, index: usize, sites_path: &TokenStream) {
    let private = private();
    let receiver = std::mem::replace(&mut *show.receiver, Expr::Verbatim(TokenStream::new()));
    let mut chain = receiver.into_token_stream();
    if let Some(args) = &site.attr {
        if let Some(key) = &args.key {
            let (name, value) = (&key.name, &key.value);
            chain = quote_spanned!(name.span()=> #chain.#name(#value));
        }
        if let Some(help) = &args.help {
            let (name, value) = (&help.name, &help.value);
            chain = quote_spanned!(name.span()=> #chain.#name(#value));
        }
        if let Some(disabled) = &args.disabled {
            let name = &disabled.name;
            let value = match &disabled.value {
                Some(v) => v.to_token_stream(),
                None => quote_spanned!(name.span()=> true),
            };
            chain = quote_spanned!(name.span()=> #chain.#name(#value));
        }
        if let Some(cb) = args.callback() {
            let (name, f) = (&cb.name, &cb.value);
            let callback = match &args.args {
                None => f.to_token_stream(),
                Some(a) => {
                    let n = match &a.value {
                        Expr::Tuple(t) => t.elems.len(),
                        _ => 1,
                    };
                    let tuple = match &a.value {
                        Expr::Paren(p) => {
                            let inner = &p.expr;
                            quote!((#inner,))
                        }
                        other => other.to_token_stream(),
                    };
                    let fields = (0..n).map(syn::Index::from);
                    let args_ident = format_ident!("__brooklet_args", span = Span::mixed_site());
                    let cb_ident = format_ident!("__brooklet_callback", span = Span::mixed_site());
                    quote_spanned! {name.span()=> {
                        let #args_ident = #tuple;
                        let #cb_ident = #f;
                        move |ui: &#private::Ui<'_>| #cb_ident(ui, #(::core::clone::Clone::clone(&#args_ident.#fields)),*)
                    }}
                }
            };
            chain = quote_spanned!(name.span()=> #chain.#name(#callback));
        }
        if let Some(b) = &args.bind {
            chain = quote_spanned!(b.name.span()=> #chain.bind_query_params());
        }
        if let Some(mode) = args.on_change_mode() {
            if mode.value() == "ignore" {
                chain = quote_spanned!(mode.span()=> #chain.ignore_changes());
            }
        }
    }
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    chain = quote! {
        #chain.__site(&#sites_path[#index])
    };
    *show.receiver = syn::parse2(chain.clone()).unwrap_or(Expr::Verbatim(chain));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expansion snapshots: `snapshots/NAME.in.rs` expands to
    /// `snapshots/NAME.out.rs`. `BROOKLET_SNAPSHOTS=overwrite` rewrites them;
    /// read the diff before committing it.
    fn snapshot(name: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
        let input = std::fs::read_to_string(dir.join(format!("{name}.in.rs"))).unwrap();
        let file: syn::File = syn::parse_str(&input).unwrap();
        let mut out = String::new();
        for item in file.items {
            let syn::Item::Fn(mut func) = item else {
                continue;
            };
            let attr = func.attrs.remove(0);
            let args = match attr.meta {
                syn::Meta::List(list) => list.tokens,
                _ => TokenStream::new(),
            };
            out.push_str(&pretty(&page(args, func.into_token_stream())));
        }
        let path = dir.join(format!("{name}.out.rs"));
        if std::env::var("BROOKLET_SNAPSHOTS").as_deref() == Ok("overwrite") {
            std::fs::write(&path, &out).unwrap();
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            expected == out,
            "the expansion of snapshots/{name}.in.rs changed; rerun with BROOKLET_SNAPSHOTS=overwrite \
             and review the diff. New expansion:\n{out}"
        );
    }

    #[test]
    fn snapshot_slider_bounds() {
        snapshot("slider_bounds");
    }

    #[test]
    fn snapshot_callbacks_and_loops() {
        snapshot("callbacks_and_loops");
    }

    #[test]
    fn default_titles() {
        let args = PageArgs::default();
        let t = |n: &str| page_title(&args, &Ident::new(n, Span::call_site())).value();
        assert_eq!(t("page_a"), "Page a");
        assert_eq!(t("bounds"), "Bounds");
        assert_eq!(t("_"), "Page");
    }

    #[test]
    fn errors_keep_the_function() {
        let out = page(
            TokenStream::new(),
            quote! {
                async fn p(ui: &Ui<'_>) -> Result<()> {
                    #[widget(key = "a")]
                    let a = ui.button("A").show()?;
                    Ok(())
                }
            },
        )
        .to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("async fn p"), "{out}");
        assert!(!out.contains("widget"), "{out}");
    }
}
