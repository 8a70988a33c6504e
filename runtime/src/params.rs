//! Widget kinds, their drawn parameters and their values: the contract every
//! kind implements, below everything that stores, checks, sends or draws a
//! widget.
//!
//! A kind lives in one file under `widgets/`: its builder, its value type,
//! the parameters that count for its identity (R4), and an implementation
//! of `WidgetParams` for the parameters it is drawn with, which checks
//! values (A4, A6), moves them to and from the browser, and draws the
//! widget's body. It declares itself with `declare_kind!`, which also
//! registers it, so that nothing outside its file lists kinds: the session,
//! the wire decoder and the renderer call the trait.

// The wire half of the contract serves only the server.
#![cfg_attr(not(feature = "server"), allow(dead_code))]

use std::any::Any;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

#[cfg(feature = "server")]
use crate::identity::WidgetId;
use crate::identity::{float_part, int_part, IdentityValue};

/// A widget kind, named as Streamlit names its commands (`Kind::Slider` is
/// `"slider"`). Each kind's file declares its constant.
#[derive(Clone, Copy)]
pub struct Kind(pub(crate) &'static KindInfo);

/// What the rest of the runtime needs to know of a kind without its
/// parameters.
pub(crate) struct KindInfo {
    /// The command name, e.g. `"text_input"`.
    pub name: &'static str,
    /// How its value behaves.
    pub role: Role,
    /// The tag its parameters are stored under.
    pub params_tag: &'static str,
    /// Reads its stored parameters.
    pub decode: fn(Value) -> serde_json::Result<Params>,
}

/// How a kind's value behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// A value the user sets and session state may set.
    Value,
    /// True for the one run after a click (R28); read-only (R23).
    Trigger,
    /// A trigger that submits its form (R29).
    Submit,
    /// Set only by the browser: read-only (R23).
    Upload,
    /// A value the user sets and session state may set, drawn as a
    /// container that holds elements (tabs, an expander, a popover).
    Container,
}

inventory::collect!(Kind);

impl Kind {
    /// The command name, e.g. `"text_input"`.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// Looks a kind up by its command name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::all().iter().copied().find(|k| k.name() == name)
    }

    /// Every kind, by name.
    pub fn all() -> &'static [Kind] {
        static ALL: OnceLock<Vec<Kind>> = OnceLock::new();
        ALL.get_or_init(|| {
            let mut all: Vec<Kind> = inventory::iter::<Kind>.into_iter().copied().collect();
            all.sort_by_key(|k| k.name());
            all
        })
    }

    /// Trigger widgets are true for the one run after a click (R28).
    pub fn is_trigger(self) -> bool {
        matches!(self.0.role, Role::Trigger | Role::Submit)
    }

    /// Read-only widgets cannot be set through session state (R23).
    pub fn is_read_only(self) -> bool {
        !matches!(self.0.role, Role::Value | Role::Container)
    }

    /// A widget that holds elements: stateful tabs, expanders and popovers.
    pub fn is_container(self) -> bool {
        self.0.role == Role::Container
    }

    /// A form's submit button (R29, R30).
    pub fn submits_form(self) -> bool {
        self.0.role == Role::Submit
    }
}

impl PartialEq for Kind {
    fn eq(&self, other: &Kind) -> bool {
        self.0.name == other.0.name
    }
}
impl Eq for Kind {}

impl Hash for Kind {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Kind::from_name(&name)
            .ok_or_else(|| D::Error::custom(format!("unknown widget kind {name:?}")))
    }
}

/// The stored tag of a kind's parameters (`"slider"`, `"choice"`).
pub(crate) trait Tagged {
    /// The tag.
    const TAG: &'static str;
}

/// What every kind's parameters do. One implementation per parameter type,
/// in the kind's file; kinds that differ only in looks (checkbox and
/// toggle) share one and read the kind from `Drawn::kind`.
pub(crate) trait WidgetParams: Stored + fmt::Debug + Send + Sync {
    /// Checks a value from the browser, already decoded from its wire form
    /// (A6), and returns it in the widget's normal form (a float widget's
    /// `3` is `3.0`).
    fn validate(&self, value: Value) -> Result<Value, String>;

    /// Whether a value written through session state has the widget's type
    /// (A4). Ranges are not checked: a write before the widget is the
    /// documented way to move a value into a new range (R18, R21).
    fn accepts(&self, value: &Value) -> bool;

    /// What `WidgetParams::accepts` takes, for its error: `"an integer"`.
    fn expected(&self) -> &'static str;

    /// The options of a widget that has them.
    fn options(&self) -> &[Value] {
        &[]
    }

    /// The value as URL query parameter values (R40).
    fn to_query(&self, value: &Value) -> Vec<String> {
        plain_query(value)
    }

    /// A value from URL query parameter values (R40), before it is checked:
    /// by default the one value as a string (text, dates, times, colours).
    fn read_query(&self, raw: &[String]) -> Option<Value> {
        match raw {
            [one] => Some(Value::from(one.as_str())),
            _ => None,
        }
    }

    /// A trigger's value when it was not used in this run: `false` for a
    /// button, nothing for a chat input.
    fn rest(&self) -> Value {
        Value::Bool(false)
    }

    /// The value shown instead of a stored `value` the widget cannot show
    /// (a label that is not one of its tabs): `None` when it can show it.
    fn fallback(&self, _value: &Value) -> Option<Value> {
        None
    }

    /// The previous identity's value for a `keep_value` widget (A5), before
    /// it is checked: clamped into new bounds where the kind has them.
    fn carry_over(&self, value: &Value) -> Option<Value> {
        Some(value.clone())
    }

    /// How the browser reads the value from the widget's controls.
    fn shape(&self) -> ValueShape;

    /// A value as the browser sends it (option indexes for choices) to the
    /// widget's value.
    fn read_wire(&self, wire: Value) -> Result<Value, String> {
        Ok(wire)
    }

    /// The widget's value as the browser holds it.
    fn to_wire(&self, value: &Value) -> Value {
        value.clone()
    }

    /// The value a no-JavaScript form post carries in the widget's fields,
    /// in wire form; `None` when it carries none (the widget keeps its value).
    fn read_form(&self, fields: &[&str]) -> Result<Option<Value>, String> {
        self.shape().read_form(fields)
    }

    /// The largest body an event for this widget may need, for uploaders.
    fn upload_room(&self, _app_cap: u64) -> Option<u64> {
        None
    }

    /// The widget's label and controls, as HTML.
    #[cfg(feature = "server")]
    fn render(&self, w: &Drawn<'_>) -> String;
}

/// What storing and comparing parameters needs; implemented for every
/// serialisable, comparable parameter type.
pub(crate) trait Stored: Any {
    /// The tag it is stored under.
    fn tag(&self) -> &'static str;
    /// Its stored fields.
    fn to_stored(&self) -> serde_json::Result<Value>;
    /// Whether `other` is equal parameters of the same type.
    fn same_as(&self, other: &dyn Any) -> bool;
    /// As `Any`, for `Stored::same_as`.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Tagged + Serialize + PartialEq + Any> Stored for T {
    fn tag(&self) -> &'static str {
        T::TAG
    }
    fn to_stored(&self) -> serde_json::Result<Value> {
        serde_json::to_value(self)
    }
    fn same_as(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<T>() == Some(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Reads stored parameters of type `T`; a kind's `KindInfo::decode`.
pub(crate) fn decode<T: WidgetParams + DeserializeOwned>(
    stored: Value,
) -> serde_json::Result<Params> {
    serde_json::from_value::<T>(stored).map(Params::new)
}

/// The parameters a widget was drawn with: what the session keeps to check
/// the next value from the browser, and what rendering shows.
#[derive(Clone)]
pub struct Params(Arc<dyn WidgetParams>);

impl Params {
    /// Wraps one kind's parameters.
    pub(crate) fn new(params: impl WidgetParams) -> Params {
        Params(Arc::new(params))
    }

    /// The kind's implementation.
    pub(crate) fn get(&self) -> &dyn WidgetParams {
        &*self.0
    }

    /// Checks a value sent by the browser (A6); see `WidgetParams::validate`.
    pub fn validate_incoming(&self, value: Value) -> Result<Value, String> {
        self.0.validate(value)
    }

    /// The options of a widget that has them (empty for the others).
    pub fn options(&self) -> &[Value] {
        self.0.options()
    }

    /// Checks that a value written through session state has the widget's
    /// type (A4).
    pub fn accepts_state_value(&self, value: &Value) -> Result<(), String> {
        if self.0.accepts(value) {
            Ok(())
        } else {
            Err(format!("expected {}", self.0.expected()))
        }
    }

    /// The value as URL query parameter values (R40): options by their
    /// shown label, numbers and strings as written, lists repeated.
    pub fn to_query(&self, value: &Value) -> Vec<String> {
        self.0.to_query(value)
    }

    /// Reads a value from URL query parameter values (R40): `None` when they
    /// do not make a valid value for this widget.
    pub fn read_query(&self, raw: &[String]) -> Option<Value> {
        let value = self.0.read_query(raw)?;
        self.0.validate(value).ok()
    }

    /// The previous identity's value for a `keep_value` widget (A5): clamped
    /// into the new bounds where it has them, `None` when it does not fit.
    pub fn carry_over(&self, value: &Value) -> Option<Value> {
        let carried = self.0.carry_over(value)?;
        self.0.validate(carried).ok()
    }
}

impl PartialEq for Params {
    fn eq(&self, other: &Params) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.same_as(other.0.as_any())
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Stored as today's tagged form: `{"params": "slider", "min": 0, ...}`.
impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut stored = self.0.to_stored().map_err(serde::ser::Error::custom)?;
        match &mut stored {
            Value::Object(fields) => {
                fields.insert("params".to_owned(), Value::from(self.0.tag()));
            }
            _ => return Err(serde::ser::Error::custom("parameters must be a struct")),
        }
        stored.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Params {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Params, D::Error> {
        let stored = Value::deserialize(d)?;
        let tag = stored
            .get("params")
            .and_then(Value::as_str)
            .ok_or_else(|| D::Error::custom("widget parameters without a \"params\" tag"))?;
        let kind = Kind::all()
            .iter()
            .find(|k| k.0.params_tag == tag)
            .ok_or_else(|| D::Error::custom(format!("unknown widget parameters {tag:?}")))?;
        (kind.0.decode)(stored).map_err(D::Error::custom)
    }
}

/// Where a container's children go in its shell (and in the drawing of a
/// widget that holds elements).
pub(crate) const CHILDREN: &str = "<!--bk:children-->";

/// How the browser reads a widget's value from its controls, rendered as
/// `data-shape` so that the client script needs no branch per kind; the
/// no-JavaScript form post is read the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueShape {
    /// A button: no value, a click.
    Trigger,
    /// The first checkbox's state.
    Bool,
    /// The chosen option's index: a `<select>`'s or a checked input's.
    Index,
    /// The chosen options' indexes.
    Indexes,
    /// Range inputs: one number, or a pair.
    Numbers,
    /// A number field; empty keeps the value.
    Number,
    /// A text field's text.
    Text,
    /// A text field whose empty text keeps the value (dates, times).
    OptionalText,
    /// Files, which only the client script sends.
    Files,
    /// The selected tab's position in its tab list; a post carries it
    /// only from a click on a tab.
    Tab,
    /// Whether the `<details>` it holds is open; a post carries it only
    /// from its no-JavaScript button.
    Open,
    /// Two text fields, both needed (a date range); one left empty keeps
    /// the value.
    TextPair,
    /// A message sent once (a chat input): the client script sends it with
    /// the event it causes; a post carries it when it is not empty.
    Message,
}

impl ValueShape {
    /// The `data-shape` attribute's value.
    pub(crate) fn attr(self) -> &'static str {
        match self {
            ValueShape::Trigger => "trigger",
            ValueShape::Bool => "bool",
            ValueShape::Index => "index",
            ValueShape::Indexes => "indexes",
            ValueShape::Numbers => "numbers",
            ValueShape::Number => "number",
            ValueShape::Text => "text",
            ValueShape::OptionalText => "optional-text",
            ValueShape::Files => "files",
            ValueShape::Tab => "tab",
            ValueShape::Open => "open",
            ValueShape::Message => "message",
            ValueShape::TextPair => "text-pair",
        }
    }

    /// Whether a form post carries the value in the widget's own fields.
    pub(crate) fn posted(self) -> bool {
        !matches!(self, ValueShape::Trigger | ValueShape::Files)
    }

    /// The wire value the posted `fields` of one widget make, or `None`
    /// when they make none.
    pub(crate) fn read_form(self, fields: &[&str]) -> Result<Option<Value>, String> {
        let last = fields.last().copied();
        let numbers =
            || -> Result<Vec<Value>, String> { fields.iter().map(|v| form_number(v)).collect() };
        Ok(Some(match self {
            ValueShape::Trigger | ValueShape::Files => return Ok(None),
            ValueShape::Bool => Value::Bool(last == Some("true")),
            ValueShape::TextPair => match fields {
                [a, b] if !a.is_empty() && !b.is_empty() => serde_json::json!([a, b]),
                _ => return Ok(None),
            },
            ValueShape::Message => match last {
                Some(v) if !v.trim().is_empty() => Value::String(v.replace("\r\n", "\n")),
                _ => return Ok(None),
            },
            ValueShape::Open => match last {
                Some(v) => Value::Bool(v == "true"),
                None => return Ok(None),
            },
            ValueShape::Index | ValueShape::Tab => match last {
                Some(v) => form_number(v)?,
                None => return Ok(None),
            },
            ValueShape::Indexes => Value::Array(numbers()?),
            ValueShape::Numbers if fields.len() > 1 => Value::Array(numbers()?),
            ValueShape::Numbers | ValueShape::Number => match last {
                Some(v) if !v.trim().is_empty() => form_number(v)?,
                _ => return Ok(None),
            },
            ValueShape::Text => match last {
                Some(v) => Value::String(v.replace("\r\n", "\n")),
                None => return Ok(None),
            },
            ValueShape::OptionalText => match last {
                Some(v) if !v.is_empty() => Value::String(v.to_owned()),
                _ => return Ok(None),
            },
        }))
    }
}

/// A posted number: an integer when written as one.
fn form_number(s: &str) -> Result<Value, String> {
    let n: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    Ok(if n.fract() == 0.0 && !s.contains('.') && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    })
}

/// A scalar value, or a list, as query parameter values.
pub(crate) fn plain_query(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(plain).collect(),
        v => vec![plain(v)],
    }
}

/// A scalar as text: strings as they are, the rest as JSON.
pub(crate) fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A widget as its kind draws it: what rendering passes to
/// `WidgetParams::render`.
#[cfg(feature = "server")]
pub(crate) struct Drawn<'a> {
    /// Its identity, which names its fields.
    pub id: WidgetId,
    /// Its kind.
    pub kind: Kind,
    /// Its label.
    pub label: &'a str,
    /// Its tooltip.
    pub help: Option<&'a str>,
    /// Drawn disabled.
    pub disabled: bool,
    /// The value it shows.
    pub value: &'a Value,
}

/// A number as Python sees it: an integer or a float, kept apart
/// (`3` and `3.0` are different values, as in the conformance traces).
///
/// Use it as a widget's value type where an app mixes integers and floats
/// the way Python code does; use `i64` or `f64` where it does not.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

impl Number {
    /// The number as a float.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// Whether it is a float.
    pub fn is_float(self) -> bool {
        matches!(self, Number::Float(_))
    }

    /// Reads a JSON number.
    pub fn from_json(v: &Value) -> Option<Number> {
        let n = v.as_number()?;
        if n.is_f64() {
            n.as_f64().map(Number::Float)
        } else {
            n.as_i64().map(Number::Int)
        }
    }

    /// As JSON.
    pub fn to_json(self) -> Value {
        match self {
            Number::Int(i) => Value::from(i),
            Number::Float(f) => Value::from(f),
        }
    }

    /// This number in integer or float form.
    pub(crate) fn coerce(self, float: bool) -> Option<Number> {
        match (self, float) {
            (Number::Int(i), true) => Some(Number::Float(i as f64)),
            (Number::Float(f), false) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Some(Number::Int(f as i64))
            }
            (Number::Float(_), false) => None,
            (n, _) => Some(n),
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a.partial_cmp(b),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_json().fmt(f)
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number::Int(v)
    }
}
impl From<i32> for Number {
    fn from(v: i32) -> Self {
        Number::Int(v.into())
    }
}
impl From<f64> for Number {
    fn from(v: f64) -> Self {
        Number::Float(v)
    }
}

impl IdentityValue for Number {
    fn identity_part(&self) -> u128 {
        match *self {
            Number::Int(i) => int_part(i),
            Number::Float(f) => float_part(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stored sessions keep their format (`store::record::FORMAT`): each
    /// kind's parameters are a tagged object, as before kinds had files.
    #[test]
    fn parameters_are_stored_tagged_and_read_back() {
        let slider = Params::new(crate::widgets::slider::SliderParams {
            min: Number::Int(0),
            max: Number::Int(10),
            step: Number::Int(1),
            range: false,
        });
        let stored = serde_json::to_value(&slider).unwrap();
        assert_eq!(
            stored,
            serde_json::json!({"params": "slider", "min": 0, "max": 10, "step": 1, "range": false})
        );
        let read: Params = serde_json::from_value(stored).unwrap();
        assert_eq!(read, slider);
        let button: Params =
            serde_json::from_value(serde_json::json!({"params": "button"})).unwrap();
        assert_eq!(
            serde_json::to_value(&button).unwrap(),
            serde_json::json!({"params": "button"})
        );
        let unknown = serde_json::from_value::<Params>(serde_json::json!({"params": "dial"}));
        assert!(unknown
            .unwrap_err()
            .to_string()
            .contains("unknown widget parameters \"dial\""));
    }

    #[test]
    fn every_kind_is_registered_once_by_name() {
        let names: Vec<&str> = Kind::all().iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), 25, "{names:?}");
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(unique, names);
        assert_eq!(Kind::from_name("slider"), Some(Kind::Slider));
        assert!(Kind::Button.is_trigger() && Kind::FileUploader.is_read_only());
        assert!(Kind::FormSubmitButton.submits_form() && !Kind::Button.submits_form());
    }
}
