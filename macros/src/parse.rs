//! Syntax only: the arguments of `#[page]` and `#[widget]`, the page model,
//! and a visitor that finds every widget call of a page body (a builder
//! chain `recv.slider(..)...show()`), records it with its `#[widget]`
//! arguments, and strips the `#[widget]` marks. Nothing here decides what is
//! allowed (that is `validate.rs`) or generates code (`expand.rs`); errors
//! here are malformed attributes only.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{
    Attribute, Expr, ExprLit, ExprMethodCall, Ident, Item, ItemFn, Lit, LitStr, Local, Meta, Pat,
    Stmt, Token,
};

use crate::ctxt::Ctxt;
use crate::kinds::{self, KindInfo, Source};

/// The arguments of `#[page(...)]`.
#[derive(Default)]
pub struct PageArgs {
    pub title: Option<LitStr>,
    pub path: Option<LitStr>,
    pub icon: Option<LitStr>,
    pub entrypoint: Option<Ident>,
}

/// A `#[page]` function: its arguments, the function with its widget marks
/// stripped, and its widget calls in source order.
pub struct Page {
    pub args: PageArgs,
    pub func: ItemFn,
    pub sites: Vec<Site>,
}

/// One widget call in a page body.
pub struct Site {
    pub chain: Chain,
    /// The `#[widget(...)]` arguments, when the statement was marked.
    pub attr: Option<WidgetArgs>,
    /// The innermost enclosing loop's keyword, if any.
    pub in_loop: Option<Span>,
    /// Whether the widget's container mentions a name bound in an
    /// enclosing loop (`cols[i].button(..)`), so it may differ per iteration.
    pub varies_with_loop: bool,
    /// Whether the widget's container is a form bound by `let f = ui.form(..)`
    /// in this page (R30 can then be checked at compile time).
    pub in_form: bool,
}

/// A widget builder chain: `receiver.method(args).option(..)*.show()`.
pub struct Chain {
    pub kind: &'static KindInfo,
    /// The builder method call itself, `receiver.method(args)`.
    pub call: ExprMethodCall,
    /// The options called between the builder method and `.show()`, in order.
    pub options: Vec<(Ident, Vec<Expr>)>,
}

/// One argument of `#[widget(...)]`, with the name as written.
pub struct Arg<T> {
    pub name: Ident,
    pub value: T,
}

/// The arguments of `#[widget(...)]`.
pub struct WidgetArgs {
    pub key: Option<Arg<Expr>>,
    pub on_change: Option<Arg<Expr>>,
    pub on_click: Option<Arg<Expr>>,
    pub args: Option<Arg<Expr>>,
    /// `disabled` alone means `disabled = true`.
    pub disabled: Option<Arg<Option<Expr>>>,
    pub help: Option<Arg<Expr>>,
    pub persist: Option<Arg<Expr>>,
    pub keep_value: Option<Arg<()>>,
    /// `bind = "query-params"` (R40).
    pub bind: Option<Arg<Expr>>,
}

/// A widget's key as the source gives it.
pub enum Key<'a> {
    None,
    /// A string literal.
    Literal(&'a LitStr),
    /// An expression evaluated at run time.
    Dynamic,
    /// A literal that is not a string, in `#[widget(key = ...)]`.
    NotString(&'a Lit),
}

/// How a counted parameter is given at a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Given {
    /// A literal: the same in every run.
    Literal,
    /// An expression evaluated at run time.
    Runtime,
    /// Not given: the default, which follows from the other parameters.
    Absent,
    /// Fixed by the runtime.
    Const,
}

pub const WIDGET_ARGS: &str =
    "`key`, `on_change`, `on_click`, `on_submit`, `args`, `disabled`, `help`, `persist`, `keep_value` or `bind`";

impl PageArgs {
    /// Parses `title = "..", path = "..", icon = "..", entrypoint`.
    pub fn parse(cx: &Ctxt, tokens: TokenStream) -> PageArgs {
        let mut out = PageArgs::default();
        let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
            Ok(metas) => metas,
            Err(err) => {
                cx.syn_error(err);
                return out;
            }
        };
        for meta in metas {
            let Some(ident) = meta.path().get_ident().cloned() else {
                cx.error_spanned_by(meta.path(), unknown_page_arg(meta.path()));
                continue;
            };
            let name = ident.to_string();
            let slot = match name.as_str() {
                "title" => &mut out.title,
                "path" => &mut out.path,
                "icon" => &mut out.icon,
                "entrypoint" => {
                    if !matches!(meta, Meta::Path(_)) {
                        cx.error_spanned_by(
                            &meta,
                            "`entrypoint` takes no value; write `#[page(entrypoint)]`",
                        );
                    } else if out.entrypoint.is_some() {
                        cx.error_spanned_by(&ident, "`entrypoint` is given twice; keep one");
                    } else {
                        out.entrypoint = Some(ident);
                    }
                    continue;
                }
                _ => {
                    cx.error_spanned_by(&ident, unknown_page_arg(meta.path()));
                    continue;
                }
            };
            let value = match &meta {
                Meta::NameValue(nv) => string_lit(&nv.value),
                _ => None,
            };
            match value {
                None => cx.error_spanned_by(
                    &meta,
                    format!("`{name}` takes a string literal: write `{name} = \"...\"`"),
                ),
                Some(_) if slot.is_some() => {
                    cx.error_spanned_by(&ident, format!("`{name}` is given twice; keep one"))
                }
                Some(lit) => *slot = Some(lit.clone()),
            }
        }
        out
    }
}

fn unknown_page_arg(path: &syn::Path) -> String {
    let name = quote::quote!(#path).to_string().replace(' ', "");
    format!("unknown `#[page]` argument `{name}`; expected `title`, `path`, `icon` or `entrypoint`")
}

impl WidgetArgs {
    /// Parses the arguments of one `#[widget(...)]` attribute.
    pub fn parse(cx: &Ctxt, attr: &Attribute) -> WidgetArgs {
        let mut out = WidgetArgs {
            key: None,
            on_change: None,
            on_click: None,
            args: None,
            disabled: None,
            help: None,
            persist: None,
            keep_value: None,
            bind: None,
        };
        let metas = match &attr.meta {
            Meta::Path(_) => return out,
            Meta::NameValue(nv) => {
                cx.error_spanned_by(
                    nv,
                    "`#[widget]` takes its arguments in parentheses: `#[widget(key = \"...\")]`",
                );
                return out;
            }
            Meta::List(list) => {
                match list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) {
                    Ok(metas) => metas,
                    Err(err) => {
                        cx.syn_error(err);
                        return out;
                    }
                }
            }
        };
        for meta in metas {
            let Some(ident) = meta.path().get_ident().cloned() else {
                let path = meta.path();
                let name = quote::quote!(#path).to_string().replace(' ', "");
                cx.error_spanned_by(
                    path,
                    format!("unknown `#[widget]` argument `{name}`; expected {WIDGET_ARGS}"),
                );
                continue;
            };
            let name = ident.to_string();
            match name.as_str() {
                "disabled" => {
                    let value = match meta {
                        Meta::Path(_) => None,
                        Meta::NameValue(nv) => Some(nv.value),
                        Meta::List(list) => {
                            cx.error_spanned_by(
                                list,
                                "write `disabled = <bool>` (or `disabled` for `disabled = true`)",
                            );
                            continue;
                        }
                    };
                    set(cx, &mut out.disabled, ident, value);
                }
                "keep_value" => {
                    if !matches!(meta, Meta::Path(_)) {
                        cx.error_spanned_by(
                            &meta,
                            "`keep_value` takes no value; write `keep_value`",
                        );
                        continue;
                    }
                    set(cx, &mut out.keep_value, ident, ());
                }
                "key" | "on_change" | "on_click" | "on_submit" | "args" | "help" | "persist"
                | "bind" => {
                    let value = match meta {
                        Meta::NameValue(nv) => nv.value,
                        other => {
                            let example = match name.as_str() {
                                "key" => "key = \"name\"",
                                "on_change" => "on_change = callback",
                                "on_click" => "on_click = callback",
                                "on_submit" => "on_submit = callback",
                                "args" => "args = (a, b)",
                                "help" => "help = \"...\"",
                                "bind" => "bind = \"query-params\"",
                                _ => "persist = \"page\"",
                            };
                            cx.error_spanned_by(
                                other,
                                format!("`{name}` needs a value: write `{example}`"),
                            );
                            continue;
                        }
                    };
                    let slot = match name.as_str() {
                        "key" => &mut out.key,
                        "on_change" => &mut out.on_change,
                        // A chat input's callback: its name stays in the `Arg`.
                        "on_click" | "on_submit" => &mut out.on_click,
                        "args" => &mut out.args,
                        "help" => &mut out.help,
                        "bind" => &mut out.bind,
                        _ => &mut out.persist,
                    };
                    set(cx, slot, ident, value);
                }
                _ => cx.error_spanned_by(
                    &ident,
                    format!("unknown `#[widget]` argument `{name}`; expected {WIDGET_ARGS}"),
                ),
            }
        }
        out
    }

    /// The callback argument, `on_change` or `on_click`, whichever is given
    /// first. `on_change = "ignore"` (a mode, R44) is not a callback.
    pub fn callback(&self) -> Option<&Arg<Expr>> {
        self.on_change
            .as_ref()
            .filter(|a| string_lit(&a.value).is_none())
            .or(self.on_click.as_ref())
    }

    /// `on_change = "ignore"` or `"rerun"`: the mode, when given as a string (R44).
    pub fn on_change_mode(&self) -> Option<&LitStr> {
        self.on_change.as_ref().and_then(|a| string_lit(&a.value))
    }
}

fn set<T>(cx: &Ctxt, slot: &mut Option<Arg<T>>, name: Ident, value: T) {
    if slot.is_some() {
        cx.error_spanned_by(
            &name,
            format!("`{name}` is given twice in `#[widget]`; keep one"),
        );
    } else {
        *slot = Some(Arg { name, value });
    }
}

/// The string literal `expr` is, if it is one.
pub fn string_lit(expr: &Expr) -> Option<&LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s),
        Expr::Group(g) => string_lit(&g.expr),
        Expr::Paren(p) => string_lit(&p.expr),
        _ => None,
    }
}

/// Whether `expr` is the same value in every run: a literal, or an array,
/// tuple, reference or `vec![..]` of literals.
pub fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Neg(_)) && is_literal(&u.expr),
        Expr::Group(g) => is_literal(&g.expr),
        Expr::Paren(p) => is_literal(&p.expr),
        Expr::Reference(r) => is_literal(&r.expr),
        Expr::Array(a) => a.elems.iter().all(is_literal),
        Expr::Tuple(t) => t.elems.iter().all(is_literal),
        Expr::Path(p) => p.path.is_ident("None"),
        Expr::Macro(m) if m.mac.path.is_ident("vec") => m
            .mac
            .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            .is_ok_and(|items| items.iter().all(is_literal)),
        _ => false,
    }
}

impl Page {
    /// Builds the model: finds the widget calls and strips the marks.
    pub fn new(cx: &Ctxt, args: PageArgs, mut func: ItemFn) -> Page {
        let mut finder = Finder {
            cx,
            sites: Vec::new(),
            loops: Vec::new(),
            marks: Vec::new(),
            depth: 0,
            forms: HashSet::new(),
        };
        finder.visit_block_mut(&mut func.block);
        Page {
            args,
            func,
            sites: finder.sites,
        }
    }
}

impl Site {
    /// The key: `#[widget(key = ..)]`, else `.key(..)` in the chain.
    pub fn key(&self) -> Key<'_> {
        if let Some(key) = self.attr.as_ref().and_then(|a| a.key.as_ref()) {
            return match &key.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Key::Literal(s),
                Expr::Lit(ExprLit { lit, .. }) => Key::NotString(lit),
                other => match string_lit(other) {
                    Some(s) => Key::Literal(s),
                    None => Key::Dynamic,
                },
            };
        }
        match self.chain_keys().next() {
            Some((_, [value])) => match string_lit(value) {
                Some(s) => Key::Literal(s),
                None => Key::Dynamic,
            },
            Some(_) => Key::Dynamic,
            None => Key::None,
        }
    }

    /// Every `.key(..)` in the chain.
    pub fn chain_keys(&self) -> impl Iterator<Item = (&Ident, &[Expr])> + '_ {
        self.chain
            .options
            .iter()
            .filter(|(name, _)| name == "key")
            .map(|(name, args)| (name, args.as_slice()))
    }

    /// The label, when it is a string literal.
    pub fn label(&self) -> Option<&LitStr> {
        self.chain.call.args.first().and_then(string_lit)
    }

    /// The parameters that count for this call's identity (R1–R4), in the
    /// runtime's order, with how each is given.
    pub fn counted(&self) -> Vec<(&'static str, Given)> {
        self.counted_with_exprs()
            .into_iter()
            .map(|(name, given, _)| (name, given))
            .collect()
    }

    /// [`Site::counted`], with the expression that gives each parameter.
    pub fn counted_with_exprs(&self) -> Vec<(&'static str, Given, Option<&Expr>)> {
        let kind = self.chain.kind;
        let params = match self.key() {
            Key::None => kind.keyless,
            _ => kind.keyed,
        };
        params
            .iter()
            .map(|p| {
                let (given, expr) = match p.source {
                    Source::Arg(n) => match self.chain.call.args.iter().nth(n) {
                        Some(e) if is_literal(e) => (Given::Literal, Some(e)),
                        Some(e) => (Given::Runtime, Some(e)),
                        None => (Given::Absent, None),
                    },
                    Source::Method(m) => {
                        let from_attr = match m {
                            "help" => self.attr.as_ref().and_then(|a| a.help.as_ref()),
                            _ => None,
                        };
                        let from_chain = self
                            .chain
                            .options
                            .iter()
                            .rev()
                            .find(|(name, _)| name == m)
                            .map(|(_, args)| args.as_slice());
                        match (from_attr, from_chain) {
                            (Some(arg), _) if is_literal(&arg.value) => {
                                (Given::Literal, Some(&arg.value))
                            }
                            (Some(arg), _) => (Given::Runtime, Some(&arg.value)),
                            (None, Some(args)) if args.iter().all(is_literal) => {
                                (Given::Literal, args.first())
                            }
                            (None, Some(args)) => (Given::Runtime, args.first()),
                            (None, None) => (Given::Absent, None),
                        }
                    }
                    Source::Const => (Given::Const, None),
                };
                (p.name, given, expr)
            })
            .collect()
    }

    /// The counted parameters given as run-time values.
    pub fn runtime_params(&self) -> Vec<&'static str> {
        self.counted()
            .into_iter()
            .filter(|(_, given)| *given == Given::Runtime)
            .map(|(name, _)| name)
            .collect()
    }
}

/// The widget chain ending in this `.show()` call, if it is one.
pub fn widget_chain(show: &ExprMethodCall) -> Option<Chain> {
    if show.method != "show" || !show.args.is_empty() {
        return None;
    }
    let mut options = Vec::new();
    let mut cur: &Expr = &show.receiver;
    loop {
        match cur {
            Expr::MethodCall(call) => {
                if let Some(kind) = kinds::by_method(&call.method.to_string()) {
                    if call.args.len() != kind.arity {
                        return None;
                    }
                    options.reverse();
                    return Some(Chain {
                        kind,
                        call: call.clone(),
                        options,
                    });
                }
                options.push((call.method.clone(), call.args.iter().cloned().collect()));
                cur = &call.receiver;
            }
            Expr::Group(g) => cur = &g.expr,
            _ => return None,
        }
    }
}

/// Whether `attr` is `#[widget]` or `#[brooklet::widget]`.
pub fn is_widget_attr(attr: &Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    matches!(
        segments
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["widget"] | ["brooklet", "widget"]
    )
}

/// Removes the `#[widget]` attributes from `attrs` and returns them.
fn take_widget_attrs(attrs: &mut Vec<Attribute>) -> Vec<Attribute> {
    let (marks, rest) = std::mem::take(attrs).into_iter().partition(is_widget_attr);
    *attrs = rest;
    marks
}

/// The attributes of a statement, where syn puts them.
fn stmt_attrs_mut(stmt: &mut Stmt) -> Option<&mut Vec<Attribute>> {
    match stmt {
        Stmt::Local(local) => Some(&mut local.attrs),
        Stmt::Macro(mac) => Some(&mut mac.attrs),
        Stmt::Item(item) => item_attrs_mut(item),
        Stmt::Expr(expr, _) => {
            // As syn's statement parser does: the outer attributes of an
            // expression statement sit on its leftmost operand.
            let mut target = expr;
            loop {
                target = match target {
                    Expr::Assign(e) => &mut e.left,
                    Expr::Binary(e) => &mut e.left,
                    Expr::Cast(e) => &mut e.expr,
                    _ => break,
                };
            }
            expr_attrs_mut(target)
        }
    }
}

fn item_attrs_mut(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

fn expr_attrs_mut(expr: &mut Expr) -> Option<&mut Vec<Attribute>> {
    Some(match expr {
        Expr::Array(e) => &mut e.attrs,
        Expr::Assign(e) => &mut e.attrs,
        Expr::Async(e) => &mut e.attrs,
        Expr::Await(e) => &mut e.attrs,
        Expr::Binary(e) => &mut e.attrs,
        Expr::Block(e) => &mut e.attrs,
        Expr::Break(e) => &mut e.attrs,
        Expr::Call(e) => &mut e.attrs,
        Expr::Cast(e) => &mut e.attrs,
        Expr::Closure(e) => &mut e.attrs,
        Expr::Const(e) => &mut e.attrs,
        Expr::Continue(e) => &mut e.attrs,
        Expr::Field(e) => &mut e.attrs,
        Expr::ForLoop(e) => &mut e.attrs,
        Expr::Group(e) => &mut e.attrs,
        Expr::If(e) => &mut e.attrs,
        Expr::Index(e) => &mut e.attrs,
        Expr::Infer(e) => &mut e.attrs,
        Expr::Let(e) => &mut e.attrs,
        Expr::Lit(e) => &mut e.attrs,
        Expr::Loop(e) => &mut e.attrs,
        Expr::Macro(e) => &mut e.attrs,
        Expr::Match(e) => &mut e.attrs,
        Expr::MethodCall(e) => &mut e.attrs,
        Expr::Paren(e) => &mut e.attrs,
        Expr::Path(e) => &mut e.attrs,
        Expr::Range(e) => &mut e.attrs,
        Expr::RawAddr(e) => &mut e.attrs,
        Expr::Reference(e) => &mut e.attrs,
        Expr::Repeat(e) => &mut e.attrs,
        Expr::Return(e) => &mut e.attrs,
        Expr::Struct(e) => &mut e.attrs,
        Expr::Try(e) => &mut e.attrs,
        Expr::TryBlock(e) => &mut e.attrs,
        Expr::Tuple(e) => &mut e.attrs,
        Expr::Unary(e) => &mut e.attrs,
        Expr::Unsafe(e) => &mut e.attrs,
        Expr::While(e) => &mut e.attrs,
        Expr::Yield(e) => &mut e.attrs,
        _ => return None,
    })
}

/// The names a pattern binds.
/// Whether `expr` is a `.form(..)` call, possibly followed by `?`.
fn calls_form(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(call) => call.method == "form",
        Expr::Try(t) => calls_form(&t.expr),
        Expr::Paren(p) => calls_form(&p.expr),
        _ => false,
    }
}

fn pat_names(pat: &Pat, out: &mut HashSet<String>) {
    match pat {
        Pat::Ident(p) => {
            out.insert(p.ident.to_string());
            if let Some((_, sub)) = &p.subpat {
                pat_names(sub, out);
            }
        }
        Pat::Or(p) => p.cases.iter().for_each(|c| pat_names(c, out)),
        Pat::Paren(p) => pat_names(&p.pat, out),
        Pat::Reference(p) => pat_names(&p.pat, out),
        Pat::Slice(p) => p.elems.iter().for_each(|c| pat_names(c, out)),
        Pat::Struct(p) => p.fields.iter().for_each(|f| pat_names(&f.pat, out)),
        Pat::Tuple(p) => p.elems.iter().for_each(|c| pat_names(c, out)),
        Pat::TupleStruct(p) => p.elems.iter().for_each(|c| pat_names(c, out)),
        Pat::Type(p) => pat_names(&p.pat, out),
        _ => {}
    }
}

/// The names `let` patterns in `cond` bind (`while let Some(x) = ..`).
fn let_names(cond: &Expr, out: &mut HashSet<String>) {
    match cond {
        Expr::Let(l) => pat_names(&l.pat, out),
        Expr::Binary(b) => {
            let_names(&b.left, out);
            let_names(&b.right, out);
        }
        Expr::Paren(p) => let_names(&p.expr, out),
        _ => {}
    }
}

/// Whether the tokens of `expr` mention one of `names`.
fn mentions(tokens: TokenStream, names: &dyn Fn(&str) -> bool) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => names(&i.to_string()),
        TokenTree::Group(g) => mentions(g.stream(), names),
        _ => false,
    })
}

struct LoopScope {
    span: Span,
    names: HashSet<String>,
}

/// A statement marked with `#[widget]`, while it is visited.
struct Mark {
    depth: usize,
    args: Option<WidgetArgs>,
    attr: Attribute,
    claimed: usize,
}

/// Finds widget calls in pre-order (the order `expand.rs` visits them in),
/// strips `#[widget]` marks and gives each marked statement's arguments to
/// the one widget call it holds.
struct Finder<'a> {
    cx: &'a Ctxt,
    sites: Vec<Site>,
    loops: Vec<LoopScope>,
    marks: Vec<Mark>,
    /// Block and closure nesting: a mark belongs to calls at its own depth.
    depth: usize,
    /// Names bound to a form: `let f = ui.form(..)?;`.
    forms: HashSet<String>,
}

impl Finder<'_> {
    fn record(&mut self, chain: Chain) {
        let attr = match self.marks.last_mut() {
            Some(mark) if mark.depth == self.depth => {
                mark.claimed += 1;
                if mark.claimed > 1 {
                    self.cx.error_spanned_by(
                        &chain.call,
                        "`#[widget]` marks one widget call, and this is another one in the same statement; \
                         put each widget call in a statement of its own",
                    );
                }
                mark.args.take()
            }
            _ => None,
        };
        let receiver = &chain.call.receiver;
        let varies_with_loop = {
            let tokens = quote::quote!(#receiver);
            let loops = &self.loops;
            mentions(tokens, &|name| loops.iter().any(|l| l.names.contains(name)))
        };
        let in_form = {
            let tokens = quote::quote!(#receiver);
            let forms = &self.forms;
            mentions(tokens, &|name| forms.contains(name))
        };
        self.sites.push(Site {
            chain,
            attr,
            in_loop: self.loops.last().map(|l| l.span),
            varies_with_loop,
            in_form,
        });
    }

    fn in_loop(&mut self, span: Span, names: HashSet<String>, f: impl FnOnce(&mut Self)) {
        self.loops.push(LoopScope { span, names });
        f(self);
        self.loops.pop();
    }
}

impl VisitMut for Finder<'_> {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        self.depth += 1;
        for stmt in &mut block.stmts {
            let marks = stmt_attrs_mut(stmt)
                .map(take_widget_attrs)
                .unwrap_or_default();
            let mut marks = marks.into_iter();
            let Some(first) = marks.next() else {
                self.visit_stmt_mut(stmt);
                continue;
            };
            for extra in marks {
                self.cx.error_spanned_by(
                    &extra,
                    "`#[widget]` is given twice on this statement; merge the arguments into one `#[widget(...)]`",
                );
            }
            if matches!(stmt, Stmt::Item(_) | Stmt::Macro(_)) {
                self.cx.error_spanned_by(&first, NOT_A_WIDGET_CALL);
                continue;
            }
            let args = WidgetArgs::parse(self.cx, &first);
            self.marks.push(Mark {
                depth: self.depth,
                args: Some(args),
                attr: first,
                claimed: 0,
            });
            self.visit_stmt_mut(stmt);
            if let Some(mark) = self.marks.pop() {
                if mark.claimed == 0 {
                    self.cx.error_spanned_by(&mark.attr, NOT_A_WIDGET_CALL);
                }
            }
        }
        self.depth -= 1;
    }

    fn visit_item_mut(&mut self, _: &mut Item) {
        // A nested item is not part of the page: its own attributes apply.
    }

    fn visit_local_mut(&mut self, local: &mut Local) {
        if let Some(scope) = self.loops.last_mut() {
            pat_names(&local.pat, &mut scope.names);
        }
        if let Some(init) = &local.init {
            if calls_form(&init.expr) {
                pat_names(&local.pat, &mut self.forms);
            }
        }
        visit_mut::visit_local_mut(self, local);
    }

    fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
        if is_widget_attr(attr) {
            self.cx.error_spanned_by(&*attr, MISPLACED);
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Some(attrs) = expr_attrs_mut(expr) {
            for mark in take_widget_attrs(attrs) {
                self.cx.error_spanned_by(&mark, MISPLACED);
            }
        }
        if let Expr::MethodCall(call) = &*expr {
            if let Some(chain) = widget_chain(call) {
                self.record(chain);
            }
        }
        match expr {
            Expr::ForLoop(e) => {
                self.visit_expr_mut(&mut e.expr);
                let mut names = HashSet::new();
                pat_names(&e.pat, &mut names);
                self.in_loop(e.for_token.span, names, |v| v.visit_block_mut(&mut e.body));
            }
            Expr::While(e) => {
                let mut names = HashSet::new();
                let_names(&e.cond, &mut names);
                self.in_loop(e.while_token.span, names, |v| {
                    v.visit_expr_mut(&mut e.cond);
                    v.visit_block_mut(&mut e.body);
                });
            }
            Expr::Loop(e) => {
                self.in_loop(e.loop_token.span, HashSet::new(), |v| {
                    v.visit_block_mut(&mut e.body)
                });
            }
            Expr::Closure(e) => {
                // A closure runs when it is called, not once per iteration.
                let loops = std::mem::take(&mut self.loops);
                self.depth += 1;
                visit_mut::visit_expr_closure_mut(self, e);
                self.depth -= 1;
                self.loops = loops;
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }
}

pub const NOT_A_WIDGET_CALL: &str =
    "`#[widget]` must mark a widget call such as `ui.slider(\"A\", 0, 10).show()?`, and this statement has none";

pub const MISPLACED: &str = "`#[widget]` goes on a `let` statement or an expression statement; \
                             bind the widget's value with `let` first";

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn page(func: ItemFn) -> (Page, syn::Result<()>) {
        let cx = Ctxt::new();
        let page = Page::new(&cx, PageArgs::default(), func);
        (page, cx.check())
    }

    #[test]
    fn finds_marked_and_unmarked_calls_in_order() {
        let (page, res) = page(parse_quote! {
            fn p(ui: &Ui<'_>) -> Result<()> {
                let cols = ui.columns(2);
                #[widget(key = "min")]
                let minimum = cols[0].number_input("Min").min(1).max(5).show()?;
                ui.button("Go").show()?;
                if ui.checkbox("c").key("c").show()? {
                    ui.sidebar().text_input(label).show()?;
                }
                Ok(())
            }
        });
        res.unwrap();
        let kinds: Vec<&str> = page.sites.iter().map(|s| s.chain.kind.method).collect();
        assert_eq!(kinds, ["number_input", "button", "checkbox", "text_input"]);
        assert!(page.sites[0].attr.is_some());
        assert!(matches!(page.sites[0].key(), Key::Literal(k) if k.value() == "min"));
        assert!(matches!(page.sites[1].key(), Key::None));
        assert!(matches!(page.sites[2].key(), Key::Literal(k) if k.value() == "c"));
        assert_eq!(page.sites[3].runtime_params(), ["label"]);
        // the marks are gone
        let func = &page.func;
        let text = quote::quote!(#func).to_string();
        assert!(!text.contains("widget"), "{text}");
    }

    #[test]
    fn counted_parameters_follow_the_key() {
        let (page, res) = page(parse_quote! {
            fn p(ui: &Ui<'_>) -> Result<()> {
                ui.slider("A", lo, 10).value(5).show()?;
                ui.slider("A", lo, 10).key("a").show()?;
                Ok(())
            }
        });
        res.unwrap();
        use Given::*;
        assert_eq!(
            page.sites[0].counted(),
            [
                ("label", Literal),
                ("value", Literal),
                ("help", Absent),
                ("min_value", Runtime),
                ("max_value", Literal),
                ("step", Absent)
            ]
        );
        assert_eq!(
            page.sites[1].counted(),
            [
                ("min_value", Runtime),
                ("max_value", Literal),
                ("step", Absent)
            ]
        );
    }

    #[test]
    fn loops_and_closures() {
        let (page, res) = page(parse_quote! {
            fn p(ui: &Ui<'_>) -> Result<()> {
                for (i, c) in cols.iter().enumerate() {
                    c.button("x").show()?;
                    ui.button("y").show()?;
                    let f = || ui.button("z").show();
                }
                while let Some(x) = it.next() { ui.button("w").show()?; }
                Ok(())
            }
        });
        res.unwrap();
        let s = &page.sites;
        assert!(s[0].in_loop.is_some() && s[0].varies_with_loop);
        assert!(s[1].in_loop.is_some() && !s[1].varies_with_loop);
        assert!(s[2].in_loop.is_none());
        assert!(s[3].in_loop.is_some());
    }

    #[test]
    fn malformed_marks_are_errors_not_panics() {
        let bodies: Vec<ItemFn> = vec![
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget(key)] let a = ui.button("a").show()?; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget(key = )] let a = ui.button("a").show()?; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget = "k"] let a = ui.button("a").show()?; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget(nope = 1)] let a = ui.button("a").show()?; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget(a::b = 1)] let a = ui.button("a").show()?; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget(key = "a", key = "b")] let a = ui.button("a").show()?; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget(keep_value = true)] let a = ui.slider("a", 0, 1).show()?; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget(disabled(x))] let a = ui.button("a").show()?; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget] #[widget] let a = ui.button("a").show()?; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget] let a = 1; } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget] fn inner() {} } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget] println!("x"); } },
            parse_quote! { fn p(ui: &Ui<'_>) { #[widget] let (a, b) = (ui.button("a").show()?, ui.button("b").show()?); } },
            parse_quote! { fn p(ui: &Ui<'_>) { let a = f(#[widget] ui.button("a").show()?); } },
            parse_quote! { fn p(ui: &Ui<'_>) { match x { #[widget] _ => {} } } },
        ];
        for body in bodies {
            let text = quote::quote!(#body).to_string();
            let (_, res) = page(body);
            assert!(res.is_err(), "no error for {text}");
        }
    }

    #[test]
    fn page_arguments() {
        let cx = Ctxt::new();
        let args = PageArgs::parse(
            &cx,
            quote::quote!(title = "T", path = "p", icon = "i", entrypoint),
        );
        cx.check().unwrap();
        assert_eq!(args.title.unwrap().value(), "T");
        assert!(args.entrypoint.is_some());
        for bad in [
            quote::quote!(title),
            quote::quote!(title = 1),
            quote::quote!(title = "a", title = "b"),
            quote::quote!(nope = "x"),
            quote::quote!(entrypoint = true),
            quote::quote!(a::b),
            quote::quote!(= "x"),
            quote::quote!(title = "a" path = "b"),
        ] {
            let cx = Ctxt::new();
            PageArgs::parse(&cx, bad.clone());
            assert!(cx.check().is_err(), "no error for {bad}");
        }
    }

    #[test]
    fn literals() {
        let lit: Vec<Expr> = vec![
            parse_quote!("a"),
            parse_quote!(-1),
            parse_quote!(["a", "b"]),
            parse_quote!(vec!["a", "b"]),
            parse_quote!(&[1, 2]),
            parse_quote!(None),
        ];
        assert!(lit.iter().all(is_literal));
        let dynamic: Vec<Expr> = vec![
            parse_quote!(x),
            parse_quote!(format!("a")),
            parse_quote!(vec![x]),
            parse_quote!(!true),
        ];
        assert!(!dynamic.iter().any(is_literal));
    }
}
