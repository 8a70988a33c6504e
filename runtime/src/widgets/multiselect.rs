//! `multiselect`: any number of options. Keyed identity: type + key + page
//! + `max_selections` + `accept_new_options` (R4).

use std::fmt::Display;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::choice::{option_values, OptionItem};
use super::{label_options, 
    common_options, declare_kind, indexes_of, labelled_query, options_at, options_from_query,
    short, Common, Kind, Params, Tagged, ValueShape, WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A value from the browser: a list of distinct options, at most `max` (A6).
pub(crate) fn validate(
    options: &[Value],
    max: Option<usize>,
    value: &Value,
) -> Result<Value, String> {
    let items = value
        .as_array()
        .ok_or_else(|| format!("expected a list of options, got {}", short(value)))?;
    for (i, item) in items.iter().enumerate() {
        if !options.contains(item) {
            return Err(format!("{} is not one of the options offered", short(item)));
        }
        if items[..i].contains(item) {
            return Err(format!("{} is selected twice", short(item)));
        }
    }
    if let Some(max) = max {
        if items.len() > max {
            return Err(format!(
                "{} options selected, at most {max} allowed",
                items.len()
            ));
        }
    }
    Ok(value.clone())
}

/// A multi-select box's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct MultiselectParams {
    /// The options' values.
    pub options: Vec<Value>,
    /// The options as shown; empty when they are the options' strings.
    pub labels: Vec<String>,
    /// The most options that may be selected.
    pub max_selections: Option<usize>,
}

impl Tagged for MultiselectParams {
    const TAG: &'static str = "multiselect";
}

declare_kind!(Multiselect = "multiselect", Value, MultiselectParams);

impl WidgetParams for MultiselectParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(&self.options, self.max_selections, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        value.is_array()
    }

    fn expected(&self) -> &'static str {
        "a list of options"
    }

    fn options(&self) -> &[Value] {
        &self.options
    }

    fn to_query(&self, value: &Value) -> Vec<String> {
        labelled_query(&self.options, &self.labels, value)
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        options_from_query(&self.options, &self.labels, raw)
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Indexes
    }

    fn read_wire(&self, wire: Value) -> Result<Value, String> {
        options_at(&self.options, &wire)
    }

    fn to_wire(&self, value: &Value) -> Value {
        indexes_of(&self.options, value)
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, input_id, label_for, described_by};
        use leptos::prelude::*;
        let chosen: Vec<&Value> = w
            .value
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let items = super::shown_labels(&self.options, &self.labels)
            .into_iter()
            .zip(&self.options)
            .enumerate()
            .map(|(i, (l, o))| view! { <option value=i.to_string() selected=chosen.contains(&o)>{l}</option> })
            .collect_view();
        view! {
            {label_for(w)}
            <select id=input_id(w) aria-describedby=described_by(w) name=field_name(w) multiple=true disabled=w.disabled
                data-max=self.max_selections.map(|m| m.to_string())>{items}</select>
        }
        .to_html()
    }
}

/// A multi-select box.
#[must_use = "a widget is drawn by `.show()`"]
pub struct Multiselect<'u, 'r, T> {
    ui: &'u Ui<'r>,
    label: String,
    options: Vec<T>,
    default: Vec<T>,
    max_selections: Option<usize>,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A multi-select box (`st.multiselect`); nothing is selected at first.
    pub fn multiselect<O: OptionItem>(
        &self,
        label: impl Into<String>,
        options: impl IntoIterator<Item = O>,
    ) -> Multiselect<'_, 'r, O::Owned> {
        Multiselect {
            ui: self,
            label: label.into(),
            options: options.into_iter().map(OptionItem::into_owned).collect(),
            default: Vec::new(),
            max_selections: None,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r, T] Multiselect<'u, 'r, T>, on_change);
label_options!(impl['u, 'r, T] Multiselect<'u, 'r, T>);

impl<T: Serialize + DeserializeOwned + Clone + Display> Multiselect<'_, '_, T> {
    /// The options selected at first.
    pub fn default_value(mut self, default: impl IntoIterator<Item = T>) -> Self {
        self.default = default.into_iter().collect();
        self
    }

    /// The most options that may be selected.
    pub fn max_selections(mut self, max: usize) -> Self {
        self.max_selections = Some(max);
        self
    }

    /// Draws the widget and returns the selected options.
    pub fn show(self) -> Result<Vec<T>> {
        let Multiselect {
            ui,
            label,
            options,
            default,
            max_selections,
            common,
        } = self;
        let (values, labels) = option_values(&options, None);
        let default_json: Vec<Value> = default
            .iter()
            .map(|d| serde_json::to_value(d).unwrap_or(Value::Null))
            .collect();
        let default_value = Value::Array(default_json);
        if let Err(problem) = validate(&values, max_selections, &default_value) {
            return Err(ui.invalid_argument(format!(
                "the default of multiselect \"{label}\" is invalid: {problem}"
            )));
        }
        let help = common.help.clone();
        let call = WidgetCall {
            kind: Kind::Multiselect,
            label,
            common,
            params: Params::new(MultiselectParams {
                options: values,
                labels,
                max_selections,
            }),
            default: default_value.clone(),
            default_given: !default.is_empty(),
        };
        ui.register(call, |id, keyed, label, params| {
            if !keyed {
                id.param("label", label)
                    .param("options", params.options())
                    .param("default", &default_value)
                    .param("help", &help);
            }
            id.param("max_selections", &max_selections)
                .param("accept_new_options", &false);
        })
    }
}
