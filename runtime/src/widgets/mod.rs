//! The widget catalogue: one file per kind, each with its parameters, the
//! parameters that count for its identity (R1–R4), its value type, and the
//! check of values that come from the browser (A6).
//!
//! This module holds what every kind shares: the kind names, the drawn
//! parameters a session remembers, numbers, and the common options (key,
//! help, disabled, callback).

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::identity::{float_part, int_part, IdentityValue};
use crate::run::Ui;

pub mod button;
pub mod button_group;
pub mod checkbox;
pub mod choice;
pub mod color_picker;
pub mod date_input;
pub mod file_uploader;
pub mod multiselect;
pub mod number_input;
pub mod select_slider;
pub mod slider;
pub mod text_input;
pub mod time_input;

pub use button::Button;
pub use button_group::{ButtonGroup, Pills, SegmentedControl};
pub use checkbox::Checkbox;
pub use choice::{Radio, Selectbox};
pub use color_picker::ColorPicker;
pub use date_input::DateInput;
pub use file_uploader::{FileUploader, UploadedFile};
pub use multiselect::Multiselect;
pub use number_input::NumberInput;
pub use select_slider::{SelectRangeSlider, SelectSlider};
pub use slider::{RangeSlider, Slider};
pub use text_input::{TextArea, TextInput, MAX_TEXT_CHARS};
pub use time_input::TimeInput;

/// A widget kind, named as Streamlit names its commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `button`
    Button,
    /// `form_submit_button`
    FormSubmitButton,
    /// `checkbox`
    Checkbox,
    /// `toggle`
    Toggle,
    /// `radio`
    Radio,
    /// `selectbox`
    Selectbox,
    /// `multiselect`
    Multiselect,
    /// `slider`
    Slider,
    /// `select_slider`
    SelectSlider,
    /// `number_input`
    NumberInput,
    /// `text_input`
    TextInput,
    /// `text_area`
    TextArea,
    /// `date_input`
    DateInput,
    /// `time_input`
    TimeInput,
    /// `color_picker`
    ColorPicker,
    /// `pills`
    Pills,
    /// `segmented_control`
    SegmentedControl,
    /// `file_uploader`
    FileUploader,
}

impl Kind {
    /// The command name, e.g. `"text_input"`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Button => "button",
            Kind::FormSubmitButton => "form_submit_button",
            Kind::Checkbox => "checkbox",
            Kind::Toggle => "toggle",
            Kind::Radio => "radio",
            Kind::Selectbox => "selectbox",
            Kind::Multiselect => "multiselect",
            Kind::Slider => "slider",
            Kind::SelectSlider => "select_slider",
            Kind::NumberInput => "number_input",
            Kind::TextInput => "text_input",
            Kind::TextArea => "text_area",
            Kind::DateInput => "date_input",
            Kind::TimeInput => "time_input",
            Kind::ColorPicker => "color_picker",
            Kind::Pills => "pills",
            Kind::SegmentedControl => "segmented_control",
            Kind::FileUploader => "file_uploader",
        }
    }

    /// Looks a kind up by its command name.
    pub fn from_name(name: &str) -> Option<Kind> {
        ALL_KINDS.iter().copied().find(|k| k.name() == name)
    }

    /// Trigger widgets are true for the one run after a click (R28).
    pub fn is_trigger(self) -> bool {
        matches!(self, Kind::Button | Kind::FormSubmitButton)
    }

    /// Read-only widgets cannot be set through session state (R23).
    pub fn is_read_only(self) -> bool {
        matches!(
            self,
            Kind::Button | Kind::FormSubmitButton | Kind::FileUploader
        )
    }
}

/// Every kind, for look-ups and tests.
pub const ALL_KINDS: [Kind; 18] = [
    Kind::Button,
    Kind::FormSubmitButton,
    Kind::Checkbox,
    Kind::Toggle,
    Kind::Radio,
    Kind::Selectbox,
    Kind::Multiselect,
    Kind::Slider,
    Kind::SelectSlider,
    Kind::NumberInput,
    Kind::TextInput,
    Kind::TextArea,
    Kind::DateInput,
    Kind::TimeInput,
    Kind::ColorPicker,
    Kind::Pills,
    Kind::SegmentedControl,
    Kind::FileUploader,
];

/// The parameters a widget was drawn with: what the session keeps to check
/// the next value from the browser, and what rendering shows.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "params", rename_all = "snake_case")]
pub enum Params {
    /// A button: a trigger.
    Button,
    /// A checkbox or toggle.
    Checkbox,
    /// One option out of several (radio, selectbox).
    Choice {
        /// The options' values.
        options: Vec<Value>,
        /// The options as shown.
        labels: Vec<String>,
    },
    /// Any number of options.
    Multiselect {
        /// The options' values.
        options: Vec<Value>,
        /// The options as shown.
        labels: Vec<String>,
        /// The most options that may be selected.
        max_selections: Option<usize>,
    },
    /// A numeric slider, single value or range.
    Slider {
        /// Lower bound.
        min: Number,
        /// Upper bound.
        max: Number,
        /// Step.
        step: Number,
        /// Whether the value is a `[low, high]` pair.
        range: bool,
    },
    /// A slider over options, single value or range.
    SelectSlider {
        /// The options' values.
        options: Vec<Value>,
        /// The options as shown.
        labels: Vec<String>,
        /// Whether the value is a `[low, high]` pair.
        range: bool,
    },
    /// A number field.
    NumberInput {
        /// Lower bound, if any.
        min: Option<Number>,
        /// Upper bound, if any.
        max: Option<Number>,
        /// Step of the +/- buttons.
        step: Number,
        /// Floats (true) or integers.
        float: bool,
    },
    /// A one-line or multi-line text field.
    Text {
        /// The most characters allowed.
        max_chars: Option<usize>,
        /// Shown in the empty field.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        placeholder: Option<String>,
    },
    /// A date field.
    Date {
        /// The earliest date allowed.
        min: Option<chrono::NaiveDate>,
        /// The latest date allowed.
        max: Option<chrono::NaiveDate>,
        /// How the date is shown, e.g. `YYYY/MM/DD`.
        format: String,
    },
    /// A time field.
    Time {
        /// The step between times, in seconds.
        step: u32,
    },
    /// A colour picker.
    Color,
    /// Pills or a segmented control: buttons over options.
    ButtonGroup {
        /// The options' values.
        options: Vec<Value>,
        /// The options as shown.
        labels: Vec<String>,
        /// Any number of options (true) or at most one.
        multi: bool,
    },
    /// A file uploader.
    File {
        /// The file extensions allowed (`.csv`), lower case; empty for any.
        types: Vec<String>,
        /// Several files (true) or one.
        multiple: bool,
        /// The largest file taken, in bytes.
        max_upload_size: u64,
    },
}

impl Params {
    /// Checks a value sent by the browser against these parameters (A6) and
    /// returns it in the widget's normal form (a float widget's `3` is `3.0`).
    pub fn validate_incoming(&self, value: Value) -> Result<Value, String> {
        let value = &value;
        match self {
            Params::Button | Params::Checkbox => match value {
                Value::Bool(b) => Ok(Value::Bool(*b)),
                other => Err(format!("expected true or false, got {}", short(other))),
            },
            Params::Choice { options, .. } => choice::validate(options, value),
            Params::Multiselect {
                options,
                max_selections,
                ..
            } => multiselect::validate(options, *max_selections, value),
            Params::Slider {
                min,
                max,
                step,
                range,
            } => slider::validate(*min, *max, *step, *range, value),
            Params::SelectSlider { options, range, .. } => {
                select_slider::validate(options, *range, value)
            }
            Params::NumberInput {
                min, max, float, ..
            } => number_input::validate(*min, *max, *float, value),
            Params::Text { max_chars, .. } => text_input::validate(*max_chars, value),
            Params::Date { min, max, .. } => date_input::validate(*min, *max, value),
            Params::Time { step } => time_input::validate(*step, value),
            Params::Color => color_picker::validate(value),
            Params::ButtonGroup { options, multi, .. } => {
                button_group::validate(options, *multi, value)
            }
            Params::File {
                types,
                multiple,
                max_upload_size,
            } => file_uploader::validate(types, *multiple, *max_upload_size, value),
        }
    }

    /// The options of a widget that has them (empty for the others).
    pub fn options(&self) -> &[Value] {
        match self {
            Params::Choice { options, .. }
            | Params::Multiselect { options, .. }
            | Params::SelectSlider { options, .. }
            | Params::ButtonGroup { options, .. } => options,
            _ => &[],
        }
    }

    /// Checks that a value written through session state has the widget's
    /// type (A4). Ranges are not checked here: a write before the widget is
    /// the documented way to move a value into a new range (R18, R21).
    pub fn accepts_state_value(&self, value: &Value) -> Result<(), String> {
        let ok = match self {
            Params::Button | Params::Checkbox => value.is_boolean(),
            Params::Choice { options, .. } => {
                options.is_empty() || options.iter().any(|o| same_json_type(o, value))
            }
            Params::Multiselect { .. } => value.is_array(),
            Params::Slider {
                range: false, min, ..
            } => fits_number(value, min.is_float()),
            Params::NumberInput { float, .. } => fits_number(value, *float),
            Params::Slider {
                range: true, min, ..
            } => value
                .as_array()
                .is_some_and(|a| a.len() == 2 && a.iter().all(|v| fits_number(v, min.is_float()))),
            Params::SelectSlider { range, .. } => {
                !*range || value.as_array().is_some_and(|a| a.len() == 2)
            }
            Params::Text { .. } => value.is_string(),
            Params::Date { .. } => date_input::parse(value).is_some(),
            Params::Time { .. } => time_input::parse(value).is_some(),
            Params::Color => color_picker::validate(value).is_ok(),
            Params::ButtonGroup { multi: true, .. } => value.is_array(),
            Params::ButtonGroup { options, .. } => {
                value.is_null() || options.iter().any(|o| same_json_type(o, value))
            }
            Params::File { .. } => value.is_null() || value.is_array() || value.is_object(),
        };
        if ok {
            Ok(())
        } else {
            Err(format!("expected {}", self.expected_type()))
        }
    }

    /// The value as URL query parameter values (R40): options by their
    /// shown label, numbers and strings as written, lists repeated.
    pub fn to_query(&self, value: &Value) -> Vec<String> {
        let labelled = |options: &[Value], labels: &[String], v: &Value| -> String {
            match options.iter().position(|o| o == v) {
                Some(i) => option_label(options, labels, i),
                None => plain(v),
            }
        };
        match (self, value) {
            (
                Params::Choice { options, labels }
                | Params::Multiselect {
                    options, labels, ..
                }
                | Params::SelectSlider {
                    options, labels, ..
                }
                | Params::ButtonGroup {
                    options, labels, ..
                },
                Value::Array(items),
            ) => items.iter().map(|v| labelled(options, labels, v)).collect(),
            (
                Params::Choice { options, labels }
                | Params::SelectSlider {
                    options, labels, ..
                }
                | Params::ButtonGroup {
                    options, labels, ..
                },
                v,
            ) => vec![labelled(options, labels, v)],
            (_, Value::Array(items)) => items.iter().map(plain).collect(),
            (_, v) => vec![plain(v)],
        }
    }

    /// Reads a value from URL query parameter values (R40): `None` when they
    /// do not make a valid value for this widget.
    pub fn from_query(&self, raw: &[String]) -> Option<Value> {
        let option = |options: &[Value], labels: &[String], r: &str| -> Option<Value> {
            (0..options.len())
                .find(|i| option_label(options, labels, *i) == r)
                .map(|i| options[i].clone())
        };
        let number = |r: &str| -> Option<Value> {
            if let Ok(i) = r.parse::<i64>() {
                Some(Value::from(i))
            } else {
                r.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(Value::from)
            }
        };
        let value = match self {
            Params::Button => return None,
            Params::Checkbox => match raw {
                [r] if r == "true" => Value::Bool(true),
                [r] if r == "false" => Value::Bool(false),
                _ => return None,
            },
            Params::Choice { options, labels } => match raw {
                [r] => option(options, labels, r)?,
                _ => return None,
            },
            Params::Multiselect {
                options, labels, ..
            } => Value::Array(
                raw.iter()
                    .map(|r| option(options, labels, r))
                    .collect::<Option<_>>()?,
            ),
            Params::SelectSlider {
                options,
                labels,
                range,
            } => match (raw, range) {
                ([r], false) => option(options, labels, r)?,
                ([a, b], true) => Value::Array(vec![
                    option(options, labels, a)?,
                    option(options, labels, b)?,
                ]),
                _ => return None,
            },
            Params::Slider { range, .. } => match (raw, range) {
                ([r], false) => number(r)?,
                ([a, b], true) => Value::Array(vec![number(a)?, number(b)?]),
                _ => return None,
            },
            Params::NumberInput { .. } => match raw {
                [r] => number(r)?,
                _ => return None,
            },
            Params::Text { .. } | Params::Date { .. } | Params::Time { .. } | Params::Color => {
                match raw {
                    [r] => Value::String(r.clone()),
                    _ => return None,
                }
            }
            Params::ButtonGroup {
                options,
                labels,
                multi: true,
            } => Value::Array(
                raw.iter()
                    .map(|r| option(options, labels, r))
                    .collect::<Option<_>>()?,
            ),
            Params::ButtonGroup {
                options, labels, ..
            } => match raw {
                [r] => option(options, labels, r)?,
                _ => return None,
            },
            // Files do not travel in URLs.
            Params::File { .. } => return None,
        };
        self.validate_incoming(value).ok()
    }

    /// The previous identity's value for a `keep_value` widget (A5): clamped
    /// into the new bounds where it has them, `None` when it does not fit.
    pub fn carry_over(&self, value: &Value) -> Option<Value> {
        let clamp = |v: &Value, lo: Option<Number>, hi: Option<Number>| -> Option<Value> {
            let mut n = Number::from_json(v)?;
            if let Some(lo) = lo.filter(|lo| n < *lo) {
                n = lo;
            }
            if let Some(hi) = hi.filter(|hi| n > *hi) {
                n = hi;
            }
            Some(n.to_json())
        };
        let clamped = match (self, value) {
            (
                Params::Slider {
                    min,
                    max,
                    range: false,
                    ..
                },
                v,
            ) => clamp(v, Some(*min), Some(*max))?,
            (
                Params::Slider {
                    min,
                    max,
                    range: true,
                    ..
                },
                Value::Array(pair),
            ) => Value::Array(
                pair.iter()
                    .map(|v| clamp(v, Some(*min), Some(*max)))
                    .collect::<Option<_>>()?,
            ),
            (Params::NumberInput { min, max, .. }, v) => clamp(v, *min, *max)?,
            (_, v) => v.clone(),
        };
        self.validate_incoming(clamped).ok()
    }

    fn expected_type(&self) -> &'static str {
        match self {
            Params::Button | Params::Checkbox => "a bool",
            Params::Choice { .. } => "one of its options",
            Params::Multiselect { .. } => "a list of options",
            Params::Slider {
                range: false, min, ..
            } if !min.is_float() => "an integer",
            Params::NumberInput { float: false, .. } => "an integer",
            Params::Slider { range: false, .. } | Params::NumberInput { .. } => "a number",
            Params::Slider { range: true, .. } => "a pair of numbers",
            Params::SelectSlider { range: false, .. } => "one of its options",
            Params::SelectSlider { range: true, .. } => "a pair of options",
            Params::Text { .. } => "a string",
            Params::Date { .. } => "a date (\"YYYY-MM-DD\")",
            Params::Time { .. } => "a time (\"HH:MM\" or \"HH:MM:SS\")",
            Params::Color => "a colour (\"#rrggbb\")",
            Params::ButtonGroup { multi: true, .. } => "a list of options",
            Params::ButtonGroup { .. } => "one of its options, or nothing",
            Params::File { .. } => "uploaded files",
        }
    }
}

/// A float widget takes any number (Python mixes `0` and `0.0` freely);
/// an integer widget only integers.
fn fits_number(value: &Value, float: bool) -> bool {
    if float {
        value.is_number()
    } else {
        value.is_i64() || value.is_u64()
    }
}

fn same_json_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The label option `i` is shown with: its label, or, when the widget kept
/// none (string options without a format function), the string itself.
pub(crate) fn option_label(options: &[Value], labels: &[String], i: usize) -> String {
    labels.get(i).cloned().unwrap_or_else(|| plain(&options[i]))
}

/// Every option's shown label, in order.
#[cfg_attr(not(feature = "server"), allow(dead_code))]
pub(crate) fn shown_labels(options: &[Value], labels: &[String]) -> Vec<String> {
    (0..options.len())
        .map(|i| option_label(options, labels, i))
        .collect()
}

/// A scalar as text: strings as they are, the rest as JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value shortened for an error message.
pub(crate) fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
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

/// A numeric widget value type: `i64`, `i32`, `f64` or the dynamic [`Number`].
pub trait Numeric:
    Copy + PartialOrd + Serialize + DeserializeOwned + IdentityValue + 'static
{
    /// As a [`Number`].
    fn to_number(self) -> Number;
    /// From a [`Number`] of the widget's form.
    fn from_number(n: Number) -> Option<Self>;
    /// Whether this value makes the widget a float widget.
    fn is_float(self) -> bool;
    /// Whether widgets of this type are float widgets when no value decides it.
    fn float_by_default(number_input: bool) -> bool;
}

macro_rules! numeric_int {
    ($($t:ty),*) => {$(
        impl Numeric for $t {
            fn to_number(self) -> Number {
                Number::Int(self as i64)
            }
            fn from_number(n: Number) -> Option<Self> {
                match n {
                    Number::Int(i) => <$t>::try_from(i).ok(),
                    Number::Float(_) => None,
                }
            }
            fn is_float(self) -> bool {
                false
            }
            fn float_by_default(_: bool) -> bool {
                false
            }
        }
    )*};
}
numeric_int!(i64, i32);

impl Numeric for f64 {
    fn to_number(self) -> Number {
        Number::Float(self)
    }
    fn from_number(n: Number) -> Option<Self> {
        Some(n.as_f64())
    }
    fn is_float(self) -> bool {
        true
    }
    fn float_by_default(_: bool) -> bool {
        true
    }
}

impl Numeric for Number {
    fn to_number(self) -> Number {
        self
    }
    fn from_number(n: Number) -> Option<Self> {
        Some(n)
    }
    fn is_float(self) -> bool {
        Number::is_float(self)
    }
    fn float_by_default(number_input: bool) -> bool {
        // Streamlit: a bare number_input gives floats, a bare slider integers.
        number_input
    }
}

/// The checked numeric parameters of a slider or number field.
pub(crate) struct NumericBounds {
    pub min: Option<Number>,
    pub max: Option<Number>,
    pub step: Number,
    /// The values given (default, range ends), in the widget's form.
    pub values: Vec<Number>,
}

/// Puts the numbers a page passed into the widget's form (integers or
/// floats) and checks them: `min <= max`, a positive step, and every given
/// value within the bounds. Errors name the widget and say what to change.
pub(crate) fn numeric_bounds<T: Numeric>(
    ui: &Ui<'_>,
    kind: Kind,
    label: &str,
    float: bool,
    (min, max, step): (Option<T>, Option<T>, Option<T>),
    values: &[T],
) -> crate::Result<NumericBounds> {
    let form = |v: T| {
        let n = v.to_number();
        n.coerce(float).unwrap_or(Number::Float(n.as_f64()))
    };
    let (min, max) = (min.map(form), max.map(form));
    let step = step.map(form).unwrap_or(if float {
        Number::Float(0.01)
    } else {
        Number::Int(1)
    });
    let kind = kind.name();
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err(ui.invalid_argument(format!(
                "{kind} \"{label}\": min_value {lo} is greater than max_value {hi}; swap them"
            )));
        }
    }
    if step.as_f64().partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(ui.invalid_argument(format!(
            "{kind} \"{label}\": step must be positive, not {step}"
        )));
    }
    let values: Vec<Number> = values.iter().map(|v| form(*v)).collect();
    for v in &values {
        if min.is_some_and(|lo| *v < lo) || max.is_some_and(|hi| *v > hi) {
            let lo = min.map_or("-inf".to_owned(), |n| n.to_string());
            let hi = max.map_or("inf".to_owned(), |n| n.to_string());
            return Err(ui.invalid_argument(format!(
                "{kind} \"{label}\": the value {v} must be between min_value {lo} and max_value {hi}"
            )));
        }
    }
    Ok(NumericBounds {
        min,
        max,
        step,
        values,
    })
}

/// How many options or files a widget takes: [`Single`] or [`Multi`]
/// (Streamlit's `selection_mode="single" | "multi"` and
/// `accept_multiple_files`). It decides the widget's value type.
pub trait SelectionMode: Copy + Default + 'static {
    /// What the widget returns for items of type `T`: `Option<T>` or `Vec<T>`.
    type Out<T: DeserializeOwned>: DeserializeOwned;
    /// Whether several items may be chosen.
    const MULTI: bool;
}

/// At most one option or file: the widget returns `Option<T>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Single;

/// Any number of options or files: the widget returns `Vec<T>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Multi;

impl SelectionMode for Single {
    type Out<T: DeserializeOwned> = Option<T>;
    const MULTI: bool = false;
}

impl SelectionMode for Multi {
    type Out<T: DeserializeOwned> = Vec<T>;
    const MULTI: bool = true;
}

/// A callback: runs before the page body when its widget changed (R25–R27).
/// Arguments are whatever the closure captured when the widget was drawn,
/// which is exactly Streamlit's render-time binding of `args` (R26).
pub type Callback = Arc<dyn Fn(&Ui<'_>) -> crate::Result<()> + Send + Sync>;

/// Options every widget takes.
#[derive(Default, Clone)]
pub(crate) struct Common {
    pub key: Option<String>,
    pub help: Option<String>,
    pub disabled: bool,
    pub callback: Option<Callback>,
    /// The call's site, when a `#[page]` macro passed it.
    pub site: Option<&'static crate::identity::WidgetSite>,
    /// Declared persistence (R39, A5).
    pub persist: Option<crate::identity::Persist>,
    /// Carry the value over when the bounds change (A5).
    pub keep_value: bool,
    /// Bound to the URL's query parameter named by the key (R40).
    pub bind_query_params: bool,
    /// `on_change = "ignore"`: a change is kept for the next run instead of
    /// causing one (R44).
    pub ignore_changes: bool,
}

impl Common {
    /// The declared persistence: the builder's, or the `#[widget]` site's.
    pub fn persist(&self) -> Option<crate::identity::Persist> {
        self.persist.or(self.site.and_then(|s| s.persist))
    }

    /// Whether the value is carried over when the bounds change.
    pub fn keep_value(&self) -> bool {
        self.keep_value || self.site.is_some_and(|s| s.keep_value)
    }
}

/// Adds the options every widget takes to a builder with a `common` field:
/// `common_options!(impl['u, 'r, T: Numeric] Slider<'u, 'r, T>, on_change);`
macro_rules! common_options {
    (impl [$($gen:tt)*] $ty:ty, $callback:ident) => {
        impl<$($gen)*> $ty {
            /// The widget's key: its identity in the session and its name in
            /// session state (R2, R9). `key(1)` and `key("1")` are one key.
            pub fn key(mut self, key: impl ::std::fmt::Display) -> Self {
                self.common.key = Some(key.to_string());
                self
            }

            /// A tooltip shown next to the label.
            pub fn help(mut self, help: impl Into<String>) -> Self {
                self.common.help = Some(help.into());
                self
            }

            /// Draws the widget disabled: the browser cannot change it (R43).
            pub fn disabled(mut self, disabled: bool) -> Self {
                self.common.disabled = disabled;
                self
            }

            /// A callback that runs before the next run's body when the user
            /// changes this widget (R25–R27). Values the closure captures are
            /// bound now, when the widget is drawn (R26); read the widget's
            /// new value from session state inside it.
            pub fn $callback(
                mut self,
                callback: impl Fn(&$crate::run::Ui<'_>) -> $crate::Result<()> + Send + Sync + 'static,
            ) -> Self {
                self.common.callback = Some(::std::sync::Arc::new(callback));
                self
            }

            /// Keeps the value under the key while the widget is not drawn:
            /// on the same page (`Persist::Page`) or across pages too
            /// (`Persist::Session`). Needs a key (R39, A5).
            pub fn persist(mut self, persist: $crate::identity::Persist) -> Self {
                self.common.persist = Some(persist);
                self
            }

            /// Carries the value over when a parameter that counts for the
            /// identity changes (a slider's bounds), clamped into the new
            /// range: the docs' `update_value()` fix without writing it (A5).
            /// Needs a key.
            pub fn keep_value(mut self) -> Self {
                self.common.keep_value = true;
                self
            }

            /// Binds the widget to the URL's query parameter named by its key:
            /// the URL seeds it, its changes go to the URL, and its default
            /// removes the parameter (R40). Needs a key.
            pub fn bind_query_params(mut self) -> Self {
                self.common.bind_query_params = true;
                self
            }

            /// `on_change = "ignore"`: a change does not cause a run; the new
            /// value arrives with the next event (R44).
            pub fn ignore_changes(mut self) -> Self {
                self.common.ignore_changes = true;
                self
            }

            /// Used by `#[page]`: the call's compile-time site. Not public API.
            #[doc(hidden)]
            pub fn __site(mut self, site: &'static $crate::identity::WidgetSite) -> Self {
                self.common.site = Some(site);
                self
            }
        }
    };
}
pub(crate) use common_options;
