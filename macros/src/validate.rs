//! The rules, checked on the page model; every error is collected (nothing
//! stops at the first) and nothing is generated here. Spec Part A3 and A5:
//! a signature the runtime can call, keys that are strings and unique per
//! page, keyless widgets that a loop would duplicate, and options only where
//! the widget kind supports them.

use std::collections::HashMap;

use quote::ToTokens;
use syn::{Expr, FnArg, ItemFn, ReturnType, Type};

use crate::ctxt::Ctxt;
use crate::kinds;
use crate::parse::{string_lit, Given, Key, Page, PageArgs, Site};

/// Checks a whole page.
pub fn page(cx: &Ctxt, page: &Page) {
    page_args(cx, &page.args);
    signature(cx, &page.func);
    for site in &page.sites {
        widget(cx, site);
    }
    unique_keys(cx, &page.sites);
}

fn page_args(cx: &Ctxt, args: &PageArgs) {
    if let (Some(entry), Some(path)) = (&args.entrypoint, &args.path) {
        cx.error_spanned_by(
            path,
            "an `entrypoint` runs before every page and has no path of its own; remove `path`",
        );
        let _ = entry;
    }
    if let Some(path) = &args.path {
        let value = path.value();
        if value.is_empty() {
            cx.error_spanned_by(
                path,
                "a page path must not be empty; write `path = \"name\"`",
            );
        } else if value.starts_with("$$") {
            cx.error_spanned_by(
                path,
                "page paths beginning with `$$` are reserved; choose another path",
            );
        }
    }
    if let Some(title) = &args.title {
        if title.value().trim().is_empty() {
            cx.error_spanned_by(
                title,
                "a page title must not be empty; write `title = \"...\"`",
            );
        }
    }
}

const SIGNATURE: &str = "fn name(ui: &Ui<'_>) -> brooklet::Result<()>";

/// The runtime calls a page as `fn(&Ui<'_>) -> brooklet::Result<()>`.
fn signature(cx: &Ctxt, func: &ItemFn) {
    let sig = &func.sig;
    if let Some(token) = &sig.asyncness {
        cx.error_spanned_by(
            token,
            "a `#[page]` function cannot be `async`: a page runs from top to bottom on every interaction; remove `async`",
        );
    }
    if let Some(token) = &sig.constness {
        cx.error_spanned_by(
            token,
            "a `#[page]` function cannot be `const`; remove `const`",
        );
    }
    if let Some(token) = &sig.unsafety {
        cx.error_spanned_by(
            token,
            "a `#[page]` function cannot be `unsafe`; remove `unsafe`",
        );
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(
            abi,
            "a `#[page]` function cannot have an ABI; remove the `extern`",
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        let mut tokens = sig.generics.to_token_stream();
        sig.generics.where_clause.to_tokens(&mut tokens);
        cx.error_spanned_by(
            tokens,
            format!("a `#[page]` function cannot be generic: the runtime calls it as `{SIGNATURE}`; remove the generic parameters"),
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(variadic, format!("a `#[page]` function is `{SIGNATURE}`"));
    }
    if let Some(receiver) = sig.inputs.iter().find(|a| matches!(a, FnArg::Receiver(_))) {
        cx.error_spanned_by(
            receiver,
            format!("`#[page]` goes on a free function, not a method; write `{SIGNATURE}` outside the `impl`"),
        );
    } else if sig.inputs.len() != 1 {
        let msg = format!(
            "a `#[page]` function takes one argument, the `Ui` to draw on; write `{SIGNATURE}`"
        );
        if sig.inputs.is_empty() {
            cx.error_at(sig.paren_token.span.join(), msg);
        } else {
            cx.error_spanned_by(&sig.inputs, msg);
        }
    } else if let Some(FnArg::Typed(arg)) = sig.inputs.first() {
        match &*arg.ty {
            Type::Reference(r) if is_ui(&r.elem) => {
                if let Some(token) = &r.mutability {
                    cx.error_spanned_by(
                        token,
                        "a page draws through a shared `Ui`: write `&Ui<'_>` instead of `&mut Ui`",
                    );
                }
            }
            Type::Path(_) if is_ui(&arg.ty) => cx.error_spanned_by(
                &arg.ty,
                "a page borrows its `Ui`: write `ui: &Ui<'_>`",
            ),
            other => cx.error_spanned_by(
                other,
                format!("the argument of a `#[page]` function is the `Ui` to draw on; write `{SIGNATURE}`"),
            ),
        }
    }
    match &sig.output {
        ReturnType::Default => cx.error_spanned_by(
            &sig.ident,
            "a `#[page]` function returns `brooklet::Result<()>`: add `-> brooklet::Result<()>` and end it with `Ok(())`",
        ),
        ReturnType::Type(_, ty) => {
            let is_result = matches!(&**ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Result"));
            if !is_result {
                cx.error_spanned_by(
                    ty,
                    "a `#[page]` function returns `brooklet::Result<()>`: write `-> brooklet::Result<()>`",
                );
            }
        }
    }
}

/// `Ui`, `Ui<'_>`, `brooklet::Ui<'a>`, ...
pub(crate) fn is_ui(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => {
            p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Ui")
        }
        Type::Group(g) => is_ui(&g.elem),
        Type::Paren(p) => is_ui(&p.elem),
        _ => false,
    }
}

/// The rules of one widget call.
pub(crate) fn widget(cx: &Ctxt, site: &Site) {
    let kind = site.chain.kind;
    let method = kind.method;

    // Keys (A3, R9).
    let attr_key = site.attr.as_ref().and_then(|a| a.key.as_ref());
    let mut chain_keys = site.chain_keys();
    if let Some((first, _)) = chain_keys.next() {
        if let Some(key) = attr_key {
            cx.error_spanned_by(
                &key.name,
                "the key is given twice, by `#[widget(key = ...)]` and by `.key(...)`; keep one",
            );
        }
        for (again, _) in chain_keys {
            cx.error_spanned_by(again, "`.key(...)` is called twice; keep one");
        }
        let _ = first;
    }
    match site.key() {
        Key::NotString(lit) => {
            let text = lit.to_token_stream().to_string();
            cx.error_spanned_by(
                lit,
                format!(
                    "a widget key is a string: write `key = \"{}\"`",
                    text.trim_matches('\'')
                ),
            );
        }
        Key::Literal(k) if k.value().is_empty() => {
            cx.error_spanned_by(k, "a widget key must not be empty; write a non-empty `key`")
        }
        Key::Literal(k) if k.value().starts_with("$$ID") => cx.error_spanned_by(
            k,
            "keys beginning with `$$ID` are reserved for widget ids; choose another key",
        ),
        _ => {}
    }

    let Some(args) = &site.attr else {
        loop_rule(cx, site);
        return;
    };

    // Callbacks (R25–R27).
    for (given, other) in [(&args.on_change, "on_click"), (&args.on_click, "on_change")] {
        if let Some(cb) = given {
            let name = cb.name.to_string();
            if name != kind.callback {
                cx.error_spanned_by(
                    &cb.name,
                    format!(
                        "`{name}` is not an option of `{method}`; write `{}`",
                        kind.callback
                    ),
                );
            } else if args.callback().is_some_and(|c| c.name != cb.name) {
                cx.error_spanned_by(
                    &cb.name,
                    format!(
                        "`{name}` and `{other}` are both given; keep `{}`",
                        kind.callback
                    ),
                );
            } else if site
                .chain
                .options
                .iter()
                .any(|(m, _)| m == "on_change" || m == "on_click")
            {
                cx.error_spanned_by(
                    &cb.name,
                    format!("the callback is given twice, by `#[widget({name} = ...)]` and by `.{name}(...)`; keep one"),
                );
            }
        }
    }
    if let Some(a) = &args.args {
        if args.callback().is_none() {
            cx.error_spanned_by(
                &a.name,
                format!(
                    "`args` are passed to the callback; add `{} = callback`",
                    kind.callback
                ),
            );
        }
        if !matches!(a.value, Expr::Tuple(_) | Expr::Paren(_)) {
            cx.error_spanned_by(
                &a.value,
                "`args` takes a tuple: write `args = (a, b)`, or `args = (a,)` for one",
            );
        }
    }

    // Declared persistence (A5, R39).
    if let Some(p) = &args.persist {
        if !kind.persist {
            cx.error_spanned_by(
                &p.name,
                format!(
                    "`persist` does not apply to `{method}`: its value lasts one run; remove `persist`"
                ),
            );
        }
        match string_lit(&p.value).map(|s| s.value()) {
            Some(v) if v == "page" || v == "session" => {}
            _ => cx.error_spanned_by(
                &p.value,
                "`persist` is `\"page\"` or `\"session\"`: write `persist = \"page\"` or `persist = \"session\"`",
            ),
        }
        if matches!(site.key(), Key::None) {
            cx.error_spanned_by(
                &p.name,
                "`persist` keeps a value under the widget's key, and this widget has none; add `key = \"...\"`",
            );
        }
    }
    // R44: `on_change = "ignore"` is a mode, not a callback.
    if let Some(mode) = args.on_change_mode() {
        if mode.value() != "ignore" && mode.value() != "rerun" {
            cx.error_spanned_by(
                mode,
                "`on_change` takes a callback, or the mode `\"ignore\"` or `\"rerun\"`",
            );
        }
    }
    // R30 at compile time: inside a form only the submit button has a callback.
    if site.in_form && kind.callback == "on_change" {
        if let Some(cb) = args.callback() {
            cx.error_spanned_by(
                &cb.name,
                format!(
                    "InvalidFormCallback: `{method}` is drawn inside a form, where only `form_submit_button` \
                     may have a callback (R30); move the callback to the form's submit button, or the widget \
                     out of the form"
                ),
            );
        }
    }
    // R40: `bind = "query-params"`.
    if let Some(b) = &args.bind {
        if !kind.persist {
            cx.error_spanned_by(
                &b.name,
                format!(
                    "`bind` does not apply to `{method}`: its value lasts one run; remove `bind`"
                ),
            );
        }
        if string_lit(&b.value).map(|s| s.value()).as_deref() != Some("query-params") {
            cx.error_spanned_by(
                &b.value,
                "`bind` takes `\"query-params\"`: write `bind = \"query-params\"`",
            );
        }
        if matches!(site.key(), Key::None) {
            cx.error_spanned_by(
                &b.name,
                "`bind` names the URL parameter after the widget's key, and this widget has none; add `key = \"...\"`",
            );
        }
    }
    if let Some(k) = &args.keep_value {
        if !kind.keep_value {
            cx.error_spanned_by(
                &k.name,
                format!(
                    "`keep_value` applies to widgets whose bounds count in their identity ({}), not to `{method}`; remove `keep_value`",
                    kinds::methods_where(|k| k.keep_value)
                ),
            );
        }
    }
    loop_rule(cx, site);
}

/// R7 at compile time (A3): a keyless widget in a loop whose identity
/// cannot differ between iterations is a duplicate from the second one on.
fn loop_rule(cx: &Ctxt, site: &Site) {
    if !matches!(site.key(), Key::None) || site.in_loop.is_none() || site.varies_with_loop {
        return;
    }
    if site.counted().iter().any(|(_, g)| *g == Given::Runtime) {
        return;
    }
    cx.error_spanned_by(
        &site.chain.call,
        format!(
            "this `{}` has no key and every parameter that counts for its identity is a literal, so each \
             iteration of the loop draws the same widget again (a duplicate id); give it a key that differs \
             per iteration, e.g. `#[widget(key = format!(\"item-{{i}}\"))]`",
            site.chain.kind.method
        ),
    );
}

/// R6 at compile time (A3): one literal key per page.
pub(crate) fn unique_keys(cx: &Ctxt, sites: &[Site]) {
    let mut seen: HashMap<String, &syn::LitStr> = HashMap::new();
    for site in sites {
        if let Key::Literal(lit) = site.key() {
            let key = lit.value();
            match seen.get(&key) {
                Some(first) => {
                    cx.error_spanned_by(
                        lit,
                        format!(
                            "duplicate key \"{key}\" on this page: each widget of a page needs its own key; rename one of them"
                        ),
                    );
                    cx.error_spanned_by(first, format!("the key \"{key}\" is first used here"));
                }
                None => {
                    seen.insert(key, lit);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::PageArgs;
    use syn::{parse_quote, ItemFn};

    fn errors(args: proc_macro2::TokenStream, func: ItemFn) -> Vec<String> {
        let cx = Ctxt::new();
        let args = PageArgs::parse(&cx, args);
        let page = Page::new(&cx, args, func);
        page_check(&cx, &page);
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn page_check(cx: &Ctxt, p: &Page) {
        page(cx, p)
    }

    fn one(func: ItemFn) -> Vec<String> {
        errors(quote::quote!(), func)
    }

    #[test]
    fn accepts_the_docs_example() {
        let errs = one(parse_quote! {
            fn bounds(ui: &Ui<'_>) -> brooklet::Result<()> {
                let cols = ui.columns(2);
                #[widget(key = "min")]
                let minimum = cols[0].number_input("Min").min(1).max(5).show()?;
                #[widget(key = "max")]
                let maximum = cols[1].number_input("Max").min(6).max(10).value(10).show()?;
                #[widget(key = "a", keep_value, persist = "page", help = "h", disabled = false)]
                let a = ui.slider("A", minimum, maximum).show()?;
                for i in 0..3 {
                    #[widget(key = format!("row-{i}"), on_click = f, args = (i,))]
                    ui.button("x").show()?;
                    ui.button(format!("y{i}")).show()?;
                }
                Ok(())
            }
        });
        assert!(errs.is_empty(), "{errs:?}");
    }

    #[test]
    fn every_mistake_is_reported_in_one_pass() {
        let errs = one(parse_quote! {
            fn p(ui: &Ui<'_>) -> Result<()> {
                #[widget(key = "a")]
                let a = ui.text_input("A").show()?;
                #[widget(key = "a")]
                let b = ui.text_input("B").show()?;
                #[widget(key = 1)]
                let c = ui.text_input("C").show()?;
                #[widget(key = "")]
                let d = ui.text_input("D").show()?;
                #[widget(persist = "page", keep_value)]
                ui.button("E").show()?;
                #[widget(on_change = f)]
                ui.button("F").show()?;
                #[widget(args = x)]
                ui.text_input("G").show()?;
                #[widget(key = "h", persist = "forever")]
                ui.text_input("H").show()?;
                #[widget(key = "i")]
                ui.text_input("I").key("i2").show()?;
                loop { ui.button("J").show()?; }
                Ok(())
            }
        });
        let expect = [
            "duplicate key \"a\"",
            "first used here",
            "a widget key is a string: write `key = \"1\"`",
            "must not be empty",
            "`persist` does not apply to `button`",
            "`persist` keeps a value under the widget's key",
            "`keep_value` applies to widgets whose bounds count",
            "`on_change` is not an option of `button`; write `on_click`",
            "`args` are passed to the callback",
            "`args` takes a tuple",
            "`persist` is `\"page\"` or `\"session\"`",
            "the key is given twice",
            "each iteration of the loop draws the same widget",
        ];
        for e in expect {
            assert!(
                errs.iter().any(|m| m.contains(e)),
                "missing {e:?} in {errs:#?}"
            );
        }
        assert_eq!(errs.len(), expect.len(), "{errs:#?}");
    }

    #[test]
    fn signatures() {
        let bad: Vec<ItemFn> = vec![
            parse_quote! { async fn p(ui: &Ui<'_>) -> Result<()> { Ok(()) } },
            parse_quote! { fn p<T>(ui: &Ui<'_>) -> Result<()> { Ok(()) } },
            parse_quote! { fn p(ui: &Ui<'_>) -> Result<()> where u8: Copy { Ok(()) } },
            parse_quote! { fn p(&self, ui: &Ui<'_>) -> Result<()> { Ok(()) } },
            parse_quote! { fn p() -> Result<()> { Ok(()) } },
            parse_quote! { fn p(ui: &Ui<'_>, x: u8) -> Result<()> { Ok(()) } },
            parse_quote! { fn p(ui: &mut Ui<'_>) -> Result<()> { Ok(()) } },
            parse_quote! { fn p(ui: Ui<'_>) -> Result<()> { Ok(()) } },
            parse_quote! { fn p(ui: &str) -> Result<()> { Ok(()) } },
            parse_quote! { fn p(ui: &Ui<'_>) { } },
            parse_quote! { fn p(ui: &Ui<'_>) -> u8 { 0 } },
            parse_quote! { const fn p(ui: &Ui<'_>) -> Result<()> { Ok(()) } },
            parse_quote! { unsafe fn p(ui: &Ui<'_>) -> Result<()> { Ok(()) } },
            parse_quote! { extern "C" fn p(ui: &Ui<'_>) -> Result<()> { Ok(()) } },
        ];
        for func in bad {
            let text = func.to_token_stream().to_string();
            assert_eq!(one(func).len(), 1, "want exactly one error for {text}");
        }
        let good: Vec<ItemFn> = vec![
            parse_quote! { fn p(ui: &Ui<'_>) -> Result<()> { Ok(()) } },
            parse_quote! { pub fn p(_ui: &brooklet::Ui) -> brooklet::Result<()> { Ok(()) } },
            parse_quote! { fn p(ui: &Ui<'_>) -> std::result::Result<(), brooklet::Error> { Ok(()) } },
        ];
        for func in good {
            let text = func.to_token_stream().to_string();
            assert!(one(func).is_empty(), "unexpected error for {text}");
        }
    }

    #[test]
    fn page_argument_rules() {
        let func: ItemFn = parse_quote! { fn p(ui: &Ui<'_>) -> Result<()> { Ok(()) } };
        assert_eq!(
            errors(quote::quote!(entrypoint, path = "x"), func.clone()).len(),
            1
        );
        assert_eq!(errors(quote::quote!(path = ""), func.clone()).len(), 1);
        assert_eq!(errors(quote::quote!(path = "$$x"), func.clone()).len(), 1);
        assert_eq!(errors(quote::quote!(title = " "), func.clone()).len(), 1);
        assert!(errors(quote::quote!(title = "T", icon = "🎈"), func).is_empty());
    }

    #[test]
    fn keyless_widgets_in_loops() {
        let errs = one(parse_quote! {
            fn p(ui: &Ui<'_>) -> Result<()> {
                for i in 0..3 {
                    ui.button(format!("b{i}")).show()?;   // label varies
                    cols[i].button("c").show()?;          // container varies
                    ui.button("k").key(i).show()?;        // key given
                    let f = || ui.button("z").show();     // closure: not per iteration
                    ui.slider("s", 0, 10).show()?;        // the same every time
                }
                Ok(())
            }
        });
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(errs[0].contains("this `slider` has no key"));
    }
}
