//! `radio` and `selectbox`: one option out of several. Keyed identity:
//! radio type + key + page; selectbox also `accept_new_options` (R4).
//! Options are values of any serde type; the browser sends the chosen
//! option's value, which must be one of the options drawn (A6).

use std::fmt::Display;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{label_options, 
    common_options, declare_kind, index_of, labelled_query, one_query, option_at,
    option_from_query, same_json_type, short, Common, Kind, Params, Tagged, ValueShape,
    WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A value that can be offered as an option: strings, numbers, bools, or
/// any type of yours that is `Serialize + DeserializeOwned + Display`.
pub trait OptionItem {
    /// The type the widget returns.
    type Owned: Serialize + DeserializeOwned + Clone + Display;
    /// Converts to the returned type.
    fn into_owned(self) -> Self::Owned;
}

impl OptionItem for &str {
    type Owned = String;
    fn into_owned(self) -> String {
        self.to_owned()
    }
}
impl OptionItem for &String {
    type Owned = String;
    fn into_owned(self) -> String {
        self.clone()
    }
}
macro_rules! owned_option {
    ($($t:ty),*) => {$(
        impl OptionItem for $t {
            type Owned = $t;
            fn into_owned(self) -> $t {
                self
            }
        }
    )*};
}
owned_option!(String, i64, i32, u32, f64, bool, char);

/// Serialises options and their shown labels. Labels are kept only when
/// they differ from the options: string options shown as themselves (the
/// common case) keep none, which saves work on every rerun.
pub(crate) fn option_values<T: Serialize + Display>(
    options: &[T],
    format: Option<&dyn Fn(&T) -> String>,
) -> (Vec<Value>, Vec<String>) {
    let values: Vec<Value> = options
        .iter()
        .map(|o| serde_json::to_value(o).unwrap_or(Value::Null))
        .collect();
    let labels = match format {
        Some(f) => options.iter().map(f).collect(),
        None if values.iter().all(Value::is_string) => Vec::new(),
        None => options.iter().map(ToString::to_string).collect(),
    };
    (values, labels)
}

/// A value from the browser must be one of the options (A6).
pub(crate) fn validate(options: &[Value], value: &Value) -> Result<Value, String> {
    if options.contains(value) {
        Ok(value.clone())
    } else {
        Err(format!(
            "{} is not one of the options offered",
            short(value)
        ))
    }
}

/// A radio group's or select box's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ChoiceParams {
    /// The options' values.
    pub options: Vec<Value>,
    /// The options as shown; empty when they are the options' strings.
    pub labels: Vec<String>,
}

impl Tagged for ChoiceParams {
    const TAG: &'static str = "choice";
}

declare_kind!(Radio = "radio", Value, ChoiceParams);
declare_kind!(Selectbox = "selectbox", Value, ChoiceParams);

impl WidgetParams for ChoiceParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(&self.options, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        self.options.is_empty() || self.options.iter().any(|o| same_json_type(o, value))
    }

    fn expected(&self) -> &'static str {
        "one of its options"
    }

    fn options(&self) -> &[Value] {
        &self.options
    }

    fn to_query(&self, value: &Value) -> Vec<String> {
        labelled_query(&self.options, &self.labels, value)
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        option_from_query(&self.options, &self.labels, one_query(raw)?)
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Index
    }

    fn read_wire(&self, wire: Value) -> Result<Value, String> {
        option_at(&self.options, &wire)
    }

    fn to_wire(&self, value: &Value) -> Value {
        index_of(&self.options, value)
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        if w.kind == Kind::Radio {
            self.render_radio(w)
        } else {
            self.render_select(w)
        }
    }
}

#[cfg(feature = "server")]
impl ChoiceParams {
    fn render_radio(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, help, input_id, described_by};
        use leptos::prelude::*;
        let selected = self.options.iter().position(|o| o == w.value);
        let items = super::shown_labels(&self.options, &self.labels)
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let rid = format!("{}-{i}", input_id(w));
                let label_for = rid.clone();
                view! {
                    <label class="bk-radio" for=label_for>
                        <input type="radio" id=rid name=field_name(w) value=i.to_string()
                            checked=selected == Some(i) disabled=w.disabled />
                        <span>{l}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="bk-fieldset" aria-describedby=described_by(w)><legend>{w.label.to_owned()}{help(w)}</legend>{items}</fieldset>
        }
        .to_html()
    }

    fn render_select(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, input_id, label_for, described_by};
        use leptos::prelude::*;
        let selected = self.options.iter().position(|o| o == w.value);
        let items = super::shown_labels(&self.options, &self.labels)
            .into_iter()
            .enumerate()
            .map(|(i, l)| view! { <option value=i.to_string() selected=selected == Some(i)>{l}</option> })
            .collect_view();
        view! {
            {label_for(w)}
            <select id=input_id(w) aria-describedby=described_by(w) name=field_name(w) disabled=w.disabled>{items}</select>
        }
        .to_html()
    }
}

/// Shown labels for options: `format_func` in Streamlit.
type Format<T> = Box<dyn Fn(&T) -> String>;

/// A radio group or a select box.
#[must_use = "a widget is drawn by `.show()`"]
pub struct Choice<'u, 'r, T> {
    ui: &'u Ui<'r>,
    kind: Kind,
    label: String,
    options: Vec<T>,
    index: usize,
    format: Option<Format<T>>,
    common: Common,
}

/// A radio group (`st.radio`).
pub type Radio<'u, 'r, T> = Choice<'u, 'r, T>;
/// A select box (`st.selectbox`).
pub type Selectbox<'u, 'r, T> = Choice<'u, 'r, T>;

impl<'r> Ui<'r> {
    /// A radio group (`st.radio`); the first option is selected at first.
    pub fn radio<O: OptionItem>(
        &self,
        label: impl Into<String>,
        options: impl IntoIterator<Item = O>,
    ) -> Radio<'_, 'r, O::Owned> {
        self.choice(Kind::Radio, label.into(), options)
    }

    /// A select box (`st.selectbox`); the first option is selected at first.
    pub fn selectbox<O: OptionItem>(
        &self,
        label: impl Into<String>,
        options: impl IntoIterator<Item = O>,
    ) -> Selectbox<'_, 'r, O::Owned> {
        self.choice(Kind::Selectbox, label.into(), options)
    }

    fn choice<O: OptionItem>(
        &self,
        kind: Kind,
        label: String,
        options: impl IntoIterator<Item = O>,
    ) -> Choice<'_, 'r, O::Owned> {
        Choice {
            ui: self,
            kind,
            label,
            options: options.into_iter().map(OptionItem::into_owned).collect(),
            index: 0,
            format: None,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r, T] Choice<'u, 'r, T>, on_change);
label_options!(impl['u, 'r, T] Choice<'u, 'r, T>);

impl<T: Serialize + DeserializeOwned + Clone + Display> Choice<'_, '_, T> {
    /// The option selected at first.
    pub fn index(mut self, index: usize) -> Self {
        self.index = index;
        self
    }

    /// How options are shown (Streamlit's `format_func`).
    pub fn format(mut self, format: impl Fn(&T) -> String + 'static) -> Self {
        self.format = Some(Box::new(format));
        self
    }

    /// Draws the widget and returns the selected option.
    pub fn show(self) -> Result<T> {
        let Choice {
            ui,
            kind,
            label,
            options,
            index,
            format,
            common,
        } = self;
        if options.is_empty() {
            return Err(ui.invalid_argument(format!(
                "the {} \"{label}\" needs at least one option",
                kind.name()
            )));
        }
        if index >= options.len() {
            return Err(ui.invalid_argument(format!(
                "the {} \"{label}\" has {} options, so `index` must be below {}, not {index}",
                kind.name(),
                options.len(),
                options.len()
            )));
        }
        let (values, labels) = option_values(&options, format.as_deref());
        let default = values[index].clone();
        let help = common.help.clone();
        let call = WidgetCall {
            kind,
            label,
            common,
            params: Params::new(ChoiceParams {
                options: values,
                labels,
            }),
            default,
            default_given: index != 0,
        };
        ui.register(call, |id, keyed, label, params| {
            if !keyed {
                id.param("label", label)
                    .param("options", params.options())
                    .param("index", &index)
                    .param("help", &help);
            }
            if kind == Kind::Selectbox {
                id.param("accept_new_options", &false);
            }
        })
    }
}
