//! `select_slider`: a slider over options, one value or a range. Keyed
//! identity: type + key + page (R4).

use std::fmt::Display;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::choice::{option_values, OptionItem};
use super::{label_options, 
    common_options, declare_kind, index_of, indexes_of, labelled_query, option_at,
    option_from_query, options_at, short, Common, Kind, Params, Tagged, ValueShape, WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
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

/// A select slider's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct SelectSliderParams {
    /// The options' values.
    pub options: Vec<Value>,
    /// The options as shown; empty when they are the options' strings.
    pub labels: Vec<String>,
    /// Whether the value is a `[low, high]` pair.
    pub range: bool,
}

impl Tagged for SelectSliderParams {
    const TAG: &'static str = "select_slider";
}

declare_kind!(SelectSlider = "select_slider", Value, SelectSliderParams);

impl WidgetParams for SelectSliderParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(&self.options, self.range, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        !self.range || value.as_array().is_some_and(|a| a.len() == 2)
    }

    fn expected(&self) -> &'static str {
        if self.range {
            "a pair of options"
        } else {
            "one of its options"
        }
    }

    fn options(&self) -> &[Value] {
        &self.options
    }

    fn to_query(&self, value: &Value) -> Vec<String> {
        labelled_query(&self.options, &self.labels, value)
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        let option = |r: &str| option_from_query(&self.options, &self.labels, r);
        match (raw, self.range) {
            ([r], false) => option(r),
            ([a, b], true) => Some(Value::Array(vec![option(a)?, option(b)?])),
            _ => None,
        }
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Numbers
    }

    fn read_wire(&self, wire: Value) -> Result<Value, String> {
        if self.range {
            options_at(&self.options, &wire)
        } else {
            option_at(&self.options, &wire)
        }
    }

    fn to_wire(&self, value: &Value) -> Value {
        if self.range {
            indexes_of(&self.options, value)
        } else {
            index_of(&self.options, value)
        }
    }

    /// Range inputs over option positions; the labels go along for the
    /// client script to show the chosen one.
    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, help, input_id, described_by};
        use leptos::prelude::*;
        let labels = super::shown_labels(&self.options, &self.labels);
        let position = |v: &Value| self.options.iter().position(|o| o == v).unwrap_or(0);
        let positions: Vec<usize> = match (self.range, w.value) {
            (true, Value::Array(a)) => a.iter().map(position).collect(),
            _ => vec![position(w.value)],
        };
        let shown = positions
            .iter()
            .map(|&p| labels.get(p).cloned().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" – ");
        let last = labels.len().saturating_sub(1).to_string();
        let labels_json = serde_json::to_string(&labels).unwrap_or_default();
        let labelled_by = format!("l-{}", w.id);
        let inputs = positions
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                view! {
                    <input type="range" id=format!("{}-{i}", input_id(w)) aria-describedby=described_by(w) name=field_name(w) min="0"
                        max=last.clone() step="1" value=p.to_string() disabled=w.disabled
                        aria-labelledby=labelled_by.clone() />
                }
            })
            .collect_view();
        view! {
            <div class="bk-label">
                <span id=labelled_by.clone()>{w.label.to_owned()}</span>{help(w)}" "
                <output class="bk-output">{shown}</output>
            </div>
            <div class="bk-slider" data-labels=labels_json>{inputs}</div>
        }
        .to_html()
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
        params: Params::new(SelectSliderParams {
            options: values,
            labels,
            range,
        }),
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
label_options!(impl['u, 'r, T] SelectSlider<'u, 'r, T>);
common_options!(impl['u, 'r, T] SelectRangeSlider<'u, 'r, T>, on_change);
label_options!(impl['u, 'r, T] SelectRangeSlider<'u, 'r, T>);

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
