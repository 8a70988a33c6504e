//! The widget catalogue: one file per kind, each with its parameters, the
//! parameters that count for its identity (R1–R4), its value type, and the
//! check of values that come from the browser (A6).
//!
//! This module holds what every kind shares: the kind names, the drawn
//! parameters a session remembers, numbers, and the common options (key,
//! help, disabled, callback).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::identity::IdentityValue;
pub(crate) use crate::register::Common;
use crate::ui::Ui;

/// The kind files of this folder, a line each: the file, and what it gives
/// page code (its builders and value types). A new kind is its file and
/// its line here.
macro_rules! kind_files {
    ($($file:ident: $($public:ident),+;)*) => {
        $(
            pub(crate) mod $file;
            pub use $file::{$($public),+};
        )*
    };
}

kind_files! {
    button: Button;
    button_group: ButtonGroup, Pills, SegmentedControl;
    chat_input: ChatInput;
    checkbox: Checkbox;
    choice: Choice, OptionItem, Radio, Selectbox;
    color_picker: ColorPicker;
    date_input: DateInput, DateRangeInput;
    datetime_input: DateTimeInput, DEFAULT_DATETIME_STEP;
    download_button: DownloadButton, DownloadData, MAX_DOWNLOAD_BYTES;
    expander: Expander;
    feedback: Feedback, FeedbackOptions;
    file_uploader: FileUploader, UploadedFile;
    multiselect: Multiselect;
    number_input: NumberInput;
    panel: Panel;
    popover: Popover;
    select_slider: SelectRangeSlider, SelectSlider;
    slider: RangeSlider, Slider;
    tabs: TabLabels, Tabs;
    text_input: TextArea, TextField, TextInput, TextInputType, MAX_TEXT_CHARS;
    time_input: TimeInput;
}

#[cfg(feature = "server")]
pub(crate) use crate::params::Drawn;
pub(crate) use crate::params::Number;
pub(crate) use crate::params::{plain, Tagged, ValueShape, WidgetParams};
pub(crate) use crate::params::{Kind, Params};

#[cfg(feature = "server")]
pub(crate) mod view;

/// Declares a kind: its `Kind` constant and its registration, in the
/// kind's file. The one line a new kind needs outside it is its line in
/// `kind_files!` above.
///
/// `declare_kind!(Slider = "slider", Value, SliderParams);`
macro_rules! declare_kind {
    ($konst:ident = $name:literal, $role:ident, $params:ty) => {
        impl $crate::params::Kind {
            #[doc = concat!("`", $name, "`")]
            #[allow(non_upper_case_globals)]
            pub const $konst: $crate::params::Kind =
                $crate::params::Kind(&$crate::params::KindInfo {
                    name: $name,
                    role: $crate::params::Role::$role,
                    params_tag: <$params as $crate::params::Tagged>::TAG,
                    decode: $crate::params::decode::<$params>,
                });
        }
        ::inventory::submit! { $crate::params::Kind::$konst }
    };
}
pub(crate) use declare_kind;

/// Option `wire` (an index) of `options`.
pub(crate) fn option_at(options: &[Value], wire: &Value) -> Result<Value, String> {
    let i = wire
        .as_u64()
        .ok_or_else(|| format!("expected an option index, got {wire}"))? as usize;
    options.get(i).cloned().ok_or_else(|| {
        format!(
            "option index {i} is out of range (there are {})",
            options.len()
        )
    })
}

/// The options at the indexes of `wire`, a list.
pub(crate) fn options_at(options: &[Value], wire: &Value) -> Result<Value, String> {
    let items = wire
        .as_array()
        .ok_or_else(|| format!("expected a list of option indexes, got {wire}"))?;
    items
        .iter()
        .map(|i| option_at(options, i))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// The index of option `v` as the browser holds it; null when it is none.
pub(crate) fn index_of(options: &[Value], v: &Value) -> Value {
    options
        .iter()
        .position(|o| o == v)
        .map_or(Value::Null, Value::from)
}

/// The indexes of the options in the list `value`.
pub(crate) fn indexes_of(options: &[Value], value: &Value) -> Value {
    Value::Array(
        value
            .as_array()
            .map(|items| items.iter().map(|v| index_of(options, v)).collect())
            .unwrap_or_default(),
    )
}

/// An option, or a list of options, as query parameter values (R40): each
/// by its shown label.
pub(crate) fn labelled_query(options: &[Value], labels: &[String], value: &Value) -> Vec<String> {
    let labelled = |v: &Value| match options.iter().position(|o| o == v) {
        Some(i) => option_label(options, labels, i),
        None => plain(v),
    };
    match value {
        Value::Array(items) => items.iter().map(labelled).collect(),
        v => vec![labelled(v)],
    }
}

/// The option shown as `raw` in a URL (R40).
pub(crate) fn option_from_query(options: &[Value], labels: &[String], raw: &str) -> Option<Value> {
    (0..options.len())
        .find(|i| option_label(options, labels, *i) == raw)
        .map(|i| options[i].clone())
}

/// The options shown as `raw` in a URL (R40).
pub(crate) fn options_from_query(
    options: &[Value],
    labels: &[String],
    raw: &[String],
) -> Option<Value> {
    raw.iter()
        .map(|r| option_from_query(options, labels, r))
        .collect::<Option<_>>()
        .map(Value::Array)
}

/// A number written in a URL (R40).
pub(crate) fn number_from_query(raw: &str) -> Option<Value> {
    if let Ok(i) = raw.parse::<i64>() {
        Some(Value::from(i))
    } else {
        raw.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::from)
    }
}

/// `v` clamped into `[lo, hi]` where those are given; `None` when it is
/// not a number.
pub(crate) fn clamp(v: &Value, lo: Option<Number>, hi: Option<Number>) -> Option<Value> {
    let mut n = Number::from_json(v)?;
    if let Some(lo) = lo.filter(|lo| n < *lo) {
        n = lo;
    }
    if let Some(hi) = hi.filter(|hi| n > *hi) {
        n = hi;
    }
    Some(n.to_json())
}

/// A bool from the browser (A6).
pub(crate) fn bool_value(value: Value) -> Result<Value, String> {
    match value {
        Value::Bool(b) => Ok(Value::Bool(b)),
        other => Err(format!("expected true or false, got {}", short(&other))),
    }
}

/// The one value of a query parameter that takes one.
pub(crate) fn one_query(raw: &[String]) -> Option<&str> {
    match raw {
        [r] => Some(r),
        _ => None,
    }
}
/// A float widget takes any number (Python mixes `0` and `0.0` freely);
/// an integer widget only integers.
pub(crate) fn fits_number(value: &Value, float: bool) -> bool {
    if float {
        value.is_number()
    } else {
        value.is_i64() || value.is_u64()
    }
}

pub(crate) fn same_json_type(a: &Value, b: &Value) -> bool {
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

/// The value of a button-like trigger, in a `WidgetParams` impl: a bool,
/// true for the run its click causes (R28), never in the URL.
macro_rules! click_value {
    () => {
        fn validate(&self, value: Value) -> Result<Value, String> {
            $crate::widgets::bool_value(value)
        }

        fn accepts(&self, value: &Value) -> bool {
            value.is_boolean()
        }

        fn expected(&self) -> &'static str {
            "a bool"
        }

        fn read_query(&self, _raw: &[String]) -> Option<Value> {
            None
        }

        fn shape(&self) -> $crate::params::ValueShape {
            $crate::params::ValueShape::Trigger
        }
    };
}
pub(crate) use click_value;

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
                callback: impl Fn(&$crate::ui::Ui<'_>) -> $crate::Result<()> + Send + Sync + 'static,
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

/// Adds `label_visibility` to a builder with a labelled control (buttons
/// show their label as their face, and take none).
macro_rules! label_options {
    (impl [$($gen:tt)*] $ty:ty) => {
        impl<$($gen)*> $ty {
            /// How the label shows (`label_visibility`): hidden keeps its
            /// space, collapsed does not; either way it still names the
            /// widget for screen readers, and the help is not shown.
            pub fn label_visibility(mut self, visibility: $crate::elements::LabelVisibility) -> Self {
                self.common.label_visibility = visibility;
                self
            }
        }
    };
}
pub(crate) use label_options;
