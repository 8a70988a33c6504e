//! Identities: sessions, pages and widgets (spec R1–R10).
//!
//! A widget's identity is a 128-bit hash that must come out the same in every
//! process and every build of the same source, so that replicas can share
//! sessions. It is built from xxh3-128 (a fixed, seeded, documented
//! function; never `std`'s randomly keyed hasher) in small steps:
//!
//! ```text
//! part(seed, bytes)   = xxh3_128_with_seed(bytes, seed)
//! combine(acc, part)  = xxh3_128_with_seed(acc.to_le_bytes() ++ part.to_le_bytes(), SEED_COMBINE)
//! site                = combine(combine(page, part(SEED_KIND, kind)), key_part)
//! id                  = combine(site, combine(part(SEED_PARAM, name), value_part))   // per counted parameter, in order
//! ```
//!
//! Every step is a `const fn`, so the `#[page]` macro can fold the parts known
//! at compile time into a constant with the very code the runtime runs later.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use xxhash_rust::const_xxh3;

const SEED_PAGE: u64 = 0x6272_6f6f_6b01;
const SEED_KIND: u64 = 0x6272_6f6f_6b02;
const SEED_KEY: u64 = 0x6272_6f6f_6b03;
const SEED_PARAM: u64 = 0x6272_6f6f_6b04;
const SEED_COMBINE: u64 = 0x6272_6f6f_6b05;
const SEED_STR: u64 = 0x6272_6f6f_6b10;
const SEED_INT: u64 = 0x6272_6f6f_6b11;
const SEED_FLOAT: u64 = 0x6272_6f6f_6b12;
const SEED_BOOL: u64 = 0x6272_6f6f_6b13;
const SEED_NONE: u64 = 0x6272_6f6f_6b14;
const SEED_LIST: u64 = 0x6272_6f6f_6b15;
const SEED_MAP: u64 = 0x6272_6f6f_6b16;

/// Hashes `bytes` under a domain seed; a `const fn`.
pub(crate) const fn part(seed: u64, bytes: &[u8]) -> u128 {
    const_xxh3::xxh3_128_with_seed(bytes, seed)
}

/// Folds `next` into `acc`; order matters. A `const fn`.
pub(crate) const fn combine(acc: u128, next: u128) -> u128 {
    let a = acc.to_le_bytes();
    let b = next.to_le_bytes();
    let mut buf = [0u8; 32];
    let mut i = 0;
    while i < 16 {
        buf[i] = a[i];
        buf[16 + i] = b[i];
        i += 1;
    }
    part(SEED_COMBINE, &buf)
}

/// Run-time twin of [`part`]: the same function, with SIMD where the CPU has it.
#[inline]
pub(crate) fn rt_part(seed: u64, bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128_with_seed(bytes, seed)
}

/// Run-time twin of [`combine`].
#[inline]
pub(crate) fn rt_combine(acc: u128, next: u128) -> u128 {
    let mut buf = [0u8; 32];
    buf[..16].copy_from_slice(&acc.to_le_bytes());
    buf[16..].copy_from_slice(&next.to_le_bytes());
    rt_part(SEED_COMBINE, &buf)
}

/// Run-time twin of `key_part`.
pub fn rt_key_part(key: Option<&str>) -> u128 {
    match key {
        Some(k) => rt_part(SEED_KEY, k.as_bytes()),
        None => NONE_PART,
    }
}

/// The hash of a string value.
pub const fn str_part(s: &str) -> u128 {
    part(SEED_STR, s.as_bytes())
}

/// The hash of an integer value (every integer type is widened to `i64`).
pub const fn int_part(v: i64) -> u128 {
    part(SEED_INT, &v.to_le_bytes())
}

/// The hash of a float value.
pub const fn float_part(v: f64) -> u128 {
    part(SEED_FLOAT, &v.to_bits().to_le_bytes())
}

/// The hash of a boolean value.
pub const fn bool_part(v: bool) -> u128 {
    part(SEED_BOOL, &[v as u8])
}

/// The hash of an absent value (`None`).
pub const NONE_PART: u128 = part(SEED_NONE, &[]);

/// The hash of a widget kind's name, e.g. `"slider"`.
pub(crate) const fn kind_part(kind: &str) -> u128 {
    part(SEED_KIND, kind.as_bytes())
}

/// The hash of a user key, or of no key.
pub(crate) const fn key_part(key: Option<&str>) -> u128 {
    match key {
        Some(k) => part(SEED_KEY, k.as_bytes()),
        None => NONE_PART,
    }
}

/// One counted parameter: its name and its value's hash.
pub(crate) const fn param_part(name: &str, value: u128) -> u128 {
    combine(part(SEED_PARAM, name.as_bytes()), value)
}

/// The hash of `Some(value)`, given the value's hash (as `Option`'s
/// `IdentityValue` folds it).
pub const fn some_part(value: u128) -> u128 {
    combine(NONE_PART, value)
}

/// The hash of a list, given its items' hashes (as a slice's
/// `IdentityValue` folds it).
pub const fn list_part(items: &[u128]) -> u128 {
    let mut acc = part(SEED_LIST, &(items.len() as u64).to_le_bytes());
    let mut i = 0;
    while i < items.len() {
        acc = combine(acc, items[i]);
        i += 1;
    }
    acc
}

/// The identity of a widget site before its counted parameters: page, kind, key.
pub const fn site_hash(page: PageId, kind: &str, key: Option<&str>) -> u128 {
    combine(combine(page.0, kind_part(kind)), key_part(key))
}

/// A value that can take part in a widget's identity.
pub trait IdentityValue {
    /// The stable hash of this value.
    fn identity_part(&self) -> u128;
}

impl IdentityValue for str {
    fn identity_part(&self) -> u128 {
        rt_part(SEED_STR, self.as_bytes())
    }
}
impl IdentityValue for String {
    fn identity_part(&self) -> u128 {
        rt_part(SEED_STR, self.as_bytes())
    }
}
impl IdentityValue for bool {
    fn identity_part(&self) -> u128 {
        rt_part(SEED_BOOL, &[*self as u8])
    }
}
impl IdentityValue for f64 {
    fn identity_part(&self) -> u128 {
        rt_part(SEED_FLOAT, &self.to_bits().to_le_bytes())
    }
}
impl IdentityValue for f32 {
    fn identity_part(&self) -> u128 {
        f64::from(*self).identity_part()
    }
}
macro_rules! int_identity {
    ($($t:ty),*) => {$(
        impl IdentityValue for $t {
            fn identity_part(&self) -> u128 {
                rt_part(SEED_INT, &(*self as i64).to_le_bytes())
            }
        }
    )*};
}
int_identity!(i8, i16, i32, i64, u8, u16, u32, usize);
impl<T: IdentityValue + ?Sized> IdentityValue for &T {
    fn identity_part(&self) -> u128 {
        (**self).identity_part()
    }
}
impl<T: IdentityValue> IdentityValue for Option<T> {
    fn identity_part(&self) -> u128 {
        match self {
            Some(v) => rt_combine(NONE_PART, v.identity_part()),
            None => NONE_PART,
        }
    }
}
impl<T: IdentityValue> IdentityValue for [T] {
    fn identity_part(&self) -> u128 {
        let start = rt_part(SEED_LIST, &(self.len() as u64).to_le_bytes());
        self.iter()
            .fold(start, |acc, v| rt_combine(acc, v.identity_part()))
    }
}
impl<T: IdentityValue> IdentityValue for Vec<T> {
    fn identity_part(&self) -> u128 {
        self.as_slice().identity_part()
    }
}
impl<A: IdentityValue, B: IdentityValue> IdentityValue for (A, B) {
    fn identity_part(&self) -> u128 {
        let start = rt_part(SEED_LIST, &2u64.to_le_bytes());
        rt_combine(
            rt_combine(start, self.0.identity_part()),
            self.1.identity_part(),
        )
    }
}
impl IdentityValue for serde_json::Value {
    fn identity_part(&self) -> u128 {
        use serde_json::Value;
        match self {
            Value::Null => NONE_PART,
            Value::Bool(b) => b.identity_part(),
            Value::Number(n) => match n.as_i64() {
                Some(i) => i.identity_part(),
                None => n.as_f64().unwrap_or(f64::NAN).identity_part(),
            },
            Value::String(s) => s.identity_part(),
            Value::Array(items) => items.as_slice().identity_part(),
            Value::Object(map) => {
                let start = rt_part(SEED_MAP, &(map.len() as u64).to_le_bytes());
                map.iter().fold(start, |acc, (k, v)| {
                    rt_combine(rt_combine(acc, k.identity_part()), v.identity_part())
                })
            }
        }
    }
}

/// How a widget site gives its key in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SiteKey {
    /// No key: the widget is identified by its parameters (R1).
    None,
    /// A string literal key, known at compile time.
    Literal(&'static str),
    /// A key computed at run time (`key = format!("row-{i}")`).
    Dynamic,
}

/// `persist = "page" | "session"` on `#[widget]`: spec A5, Streamlit's
/// `persist_state` (R39).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Persist {
    /// Kept while the widget is not drawn on the same page.
    Page,
    /// Kept across page switches too.
    Session,
}

/// One widget call in the source of a `#[page]` function, as the macro saw
/// it: the page, the kind, the key, where it is, which of the parameters
/// that count for its identity are run-time values, and the declared
/// options (A5). The `#[page]` macro builds one constant per call with the
/// `const fn`s below, so the compile-time part of the identity is computed
/// by the runtime's own code.
///
/// `persist` and `keep_value` are checked at compile time and carried to
/// the run, which acts on them (R39, A5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WidgetSite {
    /// The page the call is in.
    pub page: PageId,
    /// The widget kind's command name, e.g. `"slider"`.
    pub kind: &'static str,
    /// The key as the source gives it.
    pub key: SiteKey,
    /// The label, when it is a string literal.
    pub label: Option<&'static str>,
    /// Page and kind folded: where a run-time key is folded in.
    pub prefix: u128,
    /// The identity before the run-time parameters: page, kind, literal key
    /// (or no key) and the leading counted parameters that are literals.
    pub hash: u128,
    /// How many leading counted parameters `hash` already includes.
    pub folded: u8,
    /// The source line of the call (1-based).
    pub line: u32,
    /// The source column of the call (0-based).
    pub column: u32,
    /// The parameters that count for the identity and are run-time values.
    pub runtime_params: &'static [&'static str],
    /// `persist = "page" | "session"`.
    pub persist: Option<Persist>,
    /// `keep_value`.
    pub keep_value: bool,
    /// Every counted parameter is folded and the key is a literal: `hash`
    /// is the widget's whole identity, known at compile time.
    pub complete: bool,
}

impl WidgetSite {
    /// The site of a `kind` widget on `page` with `key`; a keyless site
    /// with a literal `label` folds the label in (every kind counts the
    /// label first when it has no key).
    pub const fn new(
        page: PageId,
        kind: &'static str,
        key: SiteKey,
        label: Option<&'static str>,
    ) -> Self {
        let prefix = combine(page.0, kind_part(kind));
        let (hash, folded) = match key {
            SiteKey::None => {
                let site = combine(prefix, key_part(None));
                match label {
                    Some(label) => (combine(site, param_part("label", str_part(label))), 1),
                    None => (site, 0),
                }
            }
            SiteKey::Literal(k) => (combine(prefix, key_part(Some(k))), 0),
            SiteKey::Dynamic => (prefix, 0),
        };
        WidgetSite {
            page,
            kind,
            key,
            label,
            prefix,
            hash,
            folded,
            line: 0,
            column: 0,
            runtime_params: &[],
            persist: None,
            keep_value: false,
            complete: false,
        }
    }

    /// Folds in the next counted parameter, known at compile time. Only a
    /// leading run of parameters can be folded, and only where the key is
    /// known too (a run-time key is hashed first, at run time).
    pub const fn fold(mut self, name: &str, value: u128) -> Self {
        if let SiteKey::Dynamic = self.key {
            return self;
        }
        self.hash = combine(self.hash, param_part(name, value));
        self.folded += 1;
        self
    }

    /// Where the call is in the source.
    pub const fn at(mut self, line: u32, column: u32) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// The counted parameters that are run-time values.
    pub const fn runtime_params(mut self, params: &'static [&'static str]) -> Self {
        self.runtime_params = params;
        self
    }

    /// `persist = ...`.
    pub const fn persist(mut self, persist: Persist) -> Self {
        self.persist = Some(persist);
        self
    }

    /// Marks `hash` as the whole identity (see [`WidgetSite::complete`]).
    pub const fn complete(mut self) -> Self {
        if let SiteKey::Literal(_) = self.key {
            self.complete = true;
        }
        self
    }

    /// The widget's identity, when it is known at compile time.
    pub const fn static_id(&self) -> Option<WidgetId> {
        if self.complete {
            Some(WidgetId(self.hash))
        } else {
            None
        }
    }

    /// `keep_value`.
    pub const fn keep_value(mut self) -> Self {
        self.keep_value = true;
        self
    }

    /// The literal key, if any.
    pub fn literal_key(&self) -> Option<&'static str> {
        match self.key {
            SiteKey::Literal(k) => Some(k),
            _ => None,
        }
    }

    /// Starts the identity of a widget drawn from this site by the script
    /// `script`, or `None` when the call does not match the site (another
    /// page runs the function, another kind, key or label), so that the
    /// caller computes the identity from scratch. `key_part` is
    /// [`rt_key_part`] of `key`.
    pub fn start(
        &self,
        script: PageId,
        kind: &str,
        key: Option<&str>,
        key_part: u128,
        label: &str,
    ) -> Option<IdentityBuilder> {
        if self.page != script || self.kind != kind {
            return None;
        }
        match (self.key, key) {
            (SiteKey::None, None) if self.folded == 0 || self.label == Some(label) => {
                Some(IdentityBuilder::from_site_skipping(self.hash, self.folded))
            }
            (SiteKey::Literal(k), Some(key)) if k == key => {
                Some(IdentityBuilder::from_site_skipping(self.hash, self.folded))
            }
            (SiteKey::Dynamic, Some(_)) => Some(IdentityBuilder::from_site(rt_combine(
                self.prefix,
                key_part,
            ))),
            _ => None,
        }
    }
}

/// Builds a widget identity step by step, as the module docs describe.
#[derive(Clone, Copy, Debug)]
pub struct IdentityBuilder {
    acc: u128,
    /// Leading parameters already folded into `acc` (at compile time).
    skip: u8,
}

impl IdentityBuilder {
    /// Starts from the site: page, widget kind and user key.
    pub fn new(page: PageId, kind: &str, key: Option<&str>) -> Self {
        Self::from_parts(page, kind, rt_key_part(key))
    }

    /// Starts from the site, with the key already hashed by [`rt_key_part`].
    pub fn from_parts(page: PageId, kind: &str, key_part: u128) -> Self {
        let kind = rt_part(SEED_KIND, kind.as_bytes());
        Self::from_site(rt_combine(rt_combine(page.0, kind), key_part))
    }

    /// Starts from a site hash computed earlier (at compile time, say).
    pub const fn from_site(site: u128) -> Self {
        Self { acc: site, skip: 0 }
    }

    /// Starts from a hash that already includes the first `folded` counted
    /// parameters: the next `folded` parameters given are skipped.
    pub const fn from_site_skipping(site: u128, folded: u8) -> Self {
        Self {
            acc: site,
            skip: folded,
        }
    }

    /// Folds in one counted parameter.
    pub fn param(&mut self, name: &str, value: &(impl IdentityValue + ?Sized)) -> &mut Self {
        if self.skip > 0 {
            self.skip -= 1;
            return self;
        }
        self.param_hashed(name, value.identity_part())
    }

    /// Folds in a parameter whose hash is already known.
    pub fn param_hashed(&mut self, name: &str, value: u128) -> &mut Self {
        if self.skip > 0 {
            self.skip -= 1;
            return self;
        }
        let name = rt_part(SEED_PARAM, name.as_bytes());
        self.acc = rt_combine(self.acc, rt_combine(name, value));
        self
    }

    /// The finished identity.
    pub fn finish(&self) -> WidgetId {
        WidgetId(self.acc)
    }
}

/// The identity of a widget (or keyed element) within a session.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WidgetId(pub u128);

impl WidgetId {
    /// Streamlit's textual form, `$$ID-<hash>-<key or None>`.
    pub fn display_with_key(self, key: Option<&str>) -> String {
        format!("$$ID-{:032x}-{}", self.0, key.unwrap_or("None"))
    }
}

impl fmt::Debug for WidgetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WidgetId({:032x})", self.0)
    }
}

impl fmt::Display for WidgetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl std::str::FromStr for WidgetId {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u128::from_str_radix(s, 16).map(WidgetId)
    }
}

impl Serialize for WidgetId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WidgetId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The identity of a page script: its path, hashed. The entrypoint, which runs
/// before every page, has an identity of its own (R10, R37).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PageId(pub u128);

/// As 32 hex digits, as [`WidgetId`]: a JSON number cannot carry 128 bits
/// through serde's buffered (tagged) enums, and stored sessions hold both.
impl Serialize for PageId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:032x}", self.0))
    }
}

impl<'de> Deserialize<'de> for PageId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        u128::from_str_radix(&s, 16)
            .map(PageId)
            .map_err(serde::de::Error::custom)
    }
}

impl PageId {
    /// The identity of the page at `path`.
    pub const fn of_path(path: &str) -> Self {
        PageId(part(SEED_PAGE, path.as_bytes()))
    }

    /// The identity of the entrypoint (Streamlit's main script).
    pub const ENTRYPOINT: PageId = PageId::of_path("$$entrypoint");
}

/// A pass-through hasher for maps keyed by [`WidgetId`], which is already a hash.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only reached for keys other than WidgetId; fold the bytes in.
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0 ^ u64::from_le_bytes(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u128(&mut self, v: u128) {
        self.0 = (v as u64) ^ ((v >> 64) as u64);
    }
}

/// A map keyed by widget identity.
pub(crate) type IdMap<V> =
    std::collections::HashMap<WidgetId, V, std::hash::BuildHasherDefault<IdHasher>>;
/// A set of widget identities.
pub(crate) type IdSet =
    std::collections::HashSet<WidgetId, std::hash::BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn const_and_runtime_xxh3_agree() {
        for input in [&b""[..], b"a", b"slider", &[7u8; 32], &[1u8; 300]] {
            assert_eq!(
                const_xxh3::xxh3_128_with_seed(input, 42),
                xxhash_rust::xxh3::xxh3_128_with_seed(input, 42)
            );
        }
    }

    /// R1/R10: pinned literal ids. If these change, every stored session of
    /// every deployment loses its widget values: change them only on purpose.
    #[test]
    fn r1_identity_is_pinned_across_builds() {
        let page = PageId::of_path("app.py");
        let keyed = IdentityBuilder::new(page, "text_input", Some("t")).finish();
        let mut b = IdentityBuilder::new(page, "slider", None);
        b.param("label", "A")
            .param("min_value", &1i64)
            .param("max_value", &10i64);
        let keyless = b.finish();
        assert_eq!(format!("{keyed}"), format!("{:032x}", keyed.0));
        assert_eq!(keyed.0, PINNED_KEYED, "keyed id drifted: {keyed}");
        assert_eq!(keyless.0, PINNED_KEYLESS, "keyless id drifted: {keyless}");
    }
    const PINNED_KEYED: u128 = 0x92ca5017690c0ef4b95293a29c062f52;
    const PINNED_KEYLESS: u128 = 0x7e56364346c303a3759bf4a235e1628a;

    #[test]
    fn r10_page_is_part_of_identity() {
        let a = IdentityBuilder::new(PageId::of_path("a.py"), "text_input", Some("k")).finish();
        let b = IdentityBuilder::new(PageId::of_path("b.py"), "text_input", Some("k")).finish();
        assert_ne!(a, b);
    }

    #[test]
    fn site_hash_is_const_evaluable() {
        const SITE: u128 = site_hash(PageId::of_path("app.py"), "slider", Some("a"));
        assert_eq!(
            IdentityBuilder::from_site(SITE).finish(),
            IdentityBuilder::new(PageId::of_path("app.py"), "slider", Some("a")).finish()
        );
    }

    #[test]
    fn runtime_parts_equal_const_parts() {
        assert_eq!("abc".identity_part(), str_part("abc"));
        assert_eq!(7i64.identity_part(), int_part(7));
        assert_eq!(2.5f64.identity_part(), float_part(2.5));
        assert_eq!(true.identity_part(), bool_part(true));
        assert_eq!(rt_combine(1, 2), combine(1, 2));
        assert_eq!(rt_key_part(Some("k")), key_part(Some("k")));
        let mut b =
            IdentityBuilder::from_site(site_hash(PageId::of_path("p"), "slider", Some("k")));
        b.param_hashed("min_value", int_part(1));
        let mut r = IdentityBuilder::new(PageId::of_path("p"), "slider", Some("k"));
        r.param("min_value", &1i64);
        assert_eq!(b.finish(), r.finish());
    }

    #[test]
    fn ints_of_every_width_hash_alike() {
        assert_eq!(3i32.identity_part(), 3i64.identity_part());
        assert_ne!(3i64.identity_part(), 3.0f64.identity_part());
    }
}
