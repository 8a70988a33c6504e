//! `select_slider`: a slider over options, one value or a range. Keyed
//! identity: type + key + page (R4).

use std::fmt::Display;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::choice::{option_values, OptionItem};
use super::{common_options, short, Common, Kind, Params};
use crate::run::{Ui, WidgetCall};
use crate::Result;

/// A value from the browser: one option, or a `[low, high]` pair of options
/// in order (A6).
pub(crate) fn validate(options: &[Value], range: bool, value: &Value) -> Result<Value, String> {
    let position = |v: &Value| {
        options
            .iter()
            .position(|o| o == v)
            .ok_or_else(|| format!("{} is not one of the options offered", short(v)))
    };
    if !range {
        position(value)?;
        return Ok(value.clone());
    }
    match value.as_array().map(Vec::as_slice) {
        Some([low, high]) => {
            if position(low)? > position(high)? {
                return Err(format!("the range {} is reversed", short(value)));
            }
            Ok(value.clone())
        }
        _ => Err(format!("expected a pair of options, got {}", short(value))),
    }
}

fn build<T: Serialize + Display, R: DeserializeOwned>(
    ui: &Ui<'_>,
    label: String,
    options: &[T],
    default: Value,
    default_given: bool,
    range: bool,
    common: Common,
) -> Result<R> {
    let (values, labels) = option_values(options, None);
    if let Err(problem) = validate(&values, range, &default) {
        return Err(ui.invalid_argument(format!(
            "the value of select_slider \"{label}\" is invalid: {problem}"
        )));
    }
    let help = common.help.clone();
    let call = WidgetCall {
        kind: Kind::SelectSlider,
        label,
        common,
        params: Params::SelectSlider {
            options: values,
            labels,
            range,
        },
        default: default.clone(),
        default_given,
    };
    ui.register(call, |id, keyed, label, params| {
        if !keyed {
            id.param("label", label)
                .param("options", params.options())
                .param("value", &default)
                .param("help", &help);
        }
    })
}

/// A slider over options.
#[must_use = "a widget is drawn by `.show()`"]
pub struct SelectSlider<'u, 'r, T> {
    ui: &'u Ui<'r>,
    label: String,
    options: Vec<T>,
    value: Option<T>,
    common: Common,
}

/// A slider over options that selects a range.
#[must_use = "a widget is drawn by `.show()`"]
pub struct SelectRangeSlider<'u, 'r, T> {
    ui: &'u Ui<'r>,
    label: String,
    options: Vec<T>,
    value: Option<(T, T)>,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A slider over options (`st.select_slider`); the first option at first.
    pub fn select_slider<O: OptionItem>(
        &self,
        label: impl Into<String>,
        options: impl IntoIterator<Item = O>,
    ) -> SelectSlider<'_, 'r, O::Owned> {
        SelectSlider {
            ui: self,
            label: label.into(),
            options: options.into_iter().map(OptionItem::into_owned).collect(),
            value: None,
            common: Common::default(),
        }
    }

    /// A range slider over options (`st.select_slider` with a tuple value);
    /// the first and last options at first.
    pub fn select_range_slider<O: OptionItem>(
        &self,
        label: impl Into<String>,
        options: impl IntoIterator<Item = O>,
    ) -> SelectRangeSlider<'_, 'r, O::Owned> {
        SelectRangeSlider {
            ui: self,
            label: label.into(),
            options: options.into_iter().map(OptionItem::into_owned).collect(),
            value: None,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r, T] SelectSlider<'u, 'r, T>, on_change);
common_options!(impl['u, 'r, T] SelectRangeSlider<'u, 'r, T>, on_change);

impl<T: Serialize + DeserializeOwned + Clone + Display> SelectSlider<'_, '_, T> {
    /// The option selected at first.
    pub fn value(mut self, value: T) -> Self {
        self.value = Some(value);
        self
    }

    /// Draws the widget and returns the selected option.
    pub fn show(self) -> Result<T> {
        let SelectSlider {
            ui,
            label,
            options,
            value,
            common,
        } = self;
        let Some(first) = options.first() else {
            return Err(ui.invalid_argument(format!(
                "the select_slider \"{label}\" needs at least one option"
            )));
        };
        let given = value.is_some();
        let default = serde_json::to_value(value.as_ref().unwrap_or(first)).unwrap_or(Value::Null);
        build(ui, label, &options, default, given, false, common)
    }
}

impl<T: Serialize + DeserializeOwned + Clone + Display> SelectRangeSlider<'_, '_, T> {
    /// The range selected at first.
    pub fn value(mut self, low: T, high: T) -> Self {
        self.value = Some((low, high));
        self
    }

    /// Draws the widget and returns the selected range.
    pub fn show(self) -> Result<(T, T)> {
        let SelectRangeSlider {
            ui,
            label,
            options,
            value,
            common,
        } = self;
        let (Some(first), Some(last)) = (options.first(), options.last()) else {
            return Err(ui.invalid_argument(format!(
                "the select_slider \"{label}\" needs at least one option"
            )));
        };
        let given = value.is_some();
        let default = match &value {
            Some(pair) => serde_json::to_value(pair),
            None => serde_json::to_value((first, last)),
        }
        .unwrap_or(Value::Null);
        build(ui, label, &options, default, given, true, common)
    }
}
