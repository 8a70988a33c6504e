//! `pills` and `segmented_control`: a row of buttons over options (Streamlit's
//! button group). With [`Single`] (the default) at most one option is
//! selected and the widget returns `Option<T>`; with
//! `.selection_mode(Multi)` any number and it returns `Vec<T>`. Keyed
//! identity: type + key + page + the selection mode (`click_mode`, R4);
//! without a key also the label, options, default and help. Values from the
//! browser must be options drawn, each at most once, at most one in single
//! mode (A6).

use std::fmt::Display;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::choice::{option_values, OptionItem};
use super::{label_options, 
    common_options, declare_kind, index_of, indexes_of, labelled_query, multiselect, one_query,
    option_at, option_from_query, options_at, options_from_query, same_json_type, short, Common,
    Kind, Multi, Params, SelectionMode, Single, Tagged, ValueShape, WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A value from the browser (A6): one option or nothing (single mode), or a
/// list of distinct options (multi mode).
pub(crate) fn validate(options: &[Value], multi: bool, value: &Value) -> Result<Value, String> {
    if multi {
        return multiselect::validate(options, None, value);
    }
    if value.is_null() || options.contains(value) {
        Ok(value.clone())
    } else {
        Err(format!(
            "{} is not one of the options offered",
            short(value)
        ))
    }
}

/// Pills' or a segmented control's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ButtonGroupParams {
    /// The options' values.
    pub options: Vec<Value>,
    /// The options as shown; empty when they are the options' strings.
    pub labels: Vec<String>,
    /// Any number of options (true) or at most one.
    pub multi: bool,
}

impl Tagged for ButtonGroupParams {
    const TAG: &'static str = "button_group";
}

declare_kind!(Pills = "pills", Value, ButtonGroupParams);
declare_kind!(
    SegmentedControl = "segmented_control",
    Value,
    ButtonGroupParams
);

impl WidgetParams for ButtonGroupParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(&self.options, self.multi, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        if self.multi {
            value.is_array()
        } else {
            value.is_null() || self.options.iter().any(|o| same_json_type(o, value))
        }
    }

    fn expected(&self) -> &'static str {
        if self.multi {
            "a list of options"
        } else {
            "one of its options, or nothing"
        }
    }

    fn options(&self) -> &[Value] {
        &self.options
    }

    fn to_query(&self, value: &Value) -> Vec<String> {
        labelled_query(&self.options, &self.labels, value)
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        if self.multi {
            options_from_query(&self.options, &self.labels, raw)
        } else {
            option_from_query(&self.options, &self.labels, one_query(raw)?)
        }
    }

    /// Checkboxes in both modes, so a single selection travels as `[]` or
    /// `[index]` and "nothing" is a value.
    fn shape(&self) -> ValueShape {
        ValueShape::Indexes
    }

    fn read_wire(&self, wire: Value) -> Result<Value, String> {
        if self.multi {
            return options_at(&self.options, &wire);
        }
        match wire.as_array().map(Vec::as_slice) {
            Some([]) => Ok(Value::Null),
            Some([i]) => option_at(&self.options, i),
            _ => Err(format!("expected at most one option index, got {wire}")),
        }
    }

    fn to_wire(&self, value: &Value) -> Value {
        if self.multi {
            return indexes_of(&self.options, value);
        }
        Value::Array(
            Some(value)
                .filter(|v| !v.is_null())
                .map(|v| index_of(&self.options, v))
                .into_iter()
                .collect(),
        )
    }

    /// In single mode the group is `data-exclusive`: the client script
    /// lets go of the other options when one is chosen.
    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, help, described_by};
        use leptos::prelude::*;
        let chosen: Vec<&Value> = match w.value {
            Value::Array(a) => a.iter().collect(),
            Value::Null => Vec::new(),
            v => vec![v],
        };
        let class = if w.kind == Kind::SegmentedControl {
            "bk-group bk-segmented"
        } else {
            "bk-group bk-pills"
        };
        let items = super::shown_labels(&self.options, &self.labels)
            .into_iter()
            .zip(&self.options)
            .enumerate()
            .map(|(i, (l, o))| {
                view! {
                    <label class="bk-pill">
                        <input type="checkbox" name=field_name(w) value=i.to_string()
                            checked=chosen.contains(&o) disabled=w.disabled />
                        <span>{l}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="bk-fieldset" aria-describedby=described_by(w) data-multi=self.multi.then_some("1")>
                <legend>{w.label.to_owned()}{help(w)}</legend>
                <div class=class role="group" data-exclusive=(!self.multi).then_some("1")>{items}</div>
            </fieldset>
        }
        .to_html()
    }
}

/// Shown labels for options: `format_func` in Streamlit.
type Format<T> = Box<dyn Fn(&T) -> String>;

/// Pills or a segmented control; `M` is [`Single`] or [`Multi`].
#[must_use = "a widget is drawn by `.show()`"]
pub struct ButtonGroup<'u, 'r, T, M = Single> {
    ui: &'u Ui<'r>,
    kind: Kind,
    label: String,
    options: Vec<T>,
    default: Vec<T>,
    format: Option<Format<T>>,
    common: Common,
    mode: PhantomData<M>,
}

/// Pills (`st.pills`).
pub type Pills<'u, 'r, T, M = Single> = ButtonGroup<'u, 'r, T, M>;
/// A segmented control (`st.segmented_control`).
pub type SegmentedControl<'u, 'r, T, M = Single> = ButtonGroup<'u, 'r, T, M>;

impl<'r> Ui<'r> {
    /// Pills (`st.pills`): nothing selected at first; one option at a time
    /// unless `.selection_mode(Multi)`.
    pub fn pills<O: OptionItem>(
        &self,
        label: impl Into<String>,
        options: impl IntoIterator<Item = O>,
    ) -> Pills<'_, 'r, O::Owned> {
        self.button_group(Kind::Pills, label.into(), options)
    }

    /// A segmented control (`st.segmented_control`): nothing selected at
    /// first; one option at a time unless `.selection_mode(Multi)`.
    pub fn segmented_control<O: OptionItem>(
        &self,
        label: impl Into<String>,
        options: impl IntoIterator<Item = O>,
    ) -> SegmentedControl<'_, 'r, O::Owned> {
        self.button_group(Kind::SegmentedControl, label.into(), options)
    }

    fn button_group<O: OptionItem>(
        &self,
        kind: Kind,
        label: String,
        options: impl IntoIterator<Item = O>,
    ) -> ButtonGroup<'_, 'r, O::Owned> {
        ButtonGroup {
            ui: self,
            kind,
            label,
            options: options.into_iter().map(OptionItem::into_owned).collect(),
            default: Vec::new(),
            format: None,
            common: Common::default(),
            mode: PhantomData,
        }
    }
}

common_options!(impl['u, 'r, T, M] ButtonGroup<'u, 'r, T, M>, on_change);
label_options!(impl['u, 'r, T, M] ButtonGroup<'u, 'r, T, M>);

impl<'u, 'r, T, M> ButtonGroup<'u, 'r, T, M> {
    /// One option at a time ([`Single`], the default, returns `Option<T>`)
    /// or any number ([`Multi`], returns `Vec<T>`).
    pub fn selection_mode<N: SelectionMode>(self, _mode: N) -> ButtonGroup<'u, 'r, T, N> {
        ButtonGroup {
            ui: self.ui,
            kind: self.kind,
            label: self.label,
            options: self.options,
            default: self.default,
            format: self.format,
            common: self.common,
            mode: PhantomData,
        }
    }

    /// How options are shown (Streamlit's `format_func`).
    pub fn format(mut self, format: impl Fn(&T) -> String + 'static) -> Self {
        self.format = Some(Box::new(format));
        self
    }
}

impl<T> ButtonGroup<'_, '_, T, Single> {
    /// The option selected at first.
    pub fn default_value<O: OptionItem<Owned = T>>(mut self, option: O) -> Self {
        self.default = vec![option.into_owned()];
        self
    }
}

impl<T> ButtonGroup<'_, '_, T, Multi> {
    /// The options selected at first.
    pub fn default_value<O: OptionItem<Owned = T>>(
        mut self,
        options: impl IntoIterator<Item = O>,
    ) -> Self {
        self.default = options.into_iter().map(OptionItem::into_owned).collect();
        self
    }
}

impl<T, M> ButtonGroup<'_, '_, T, M>
where
    T: Serialize + DeserializeOwned + Clone + Display,
    M: SelectionMode,
{
    /// Draws the buttons and returns the selection: `Option<T>` in single
    /// mode, `Vec<T>` in multi mode.
    pub fn show(self) -> Result<M::Out<T>> {
        let ButtonGroup {
            ui,
            kind,
            label,
            options,
            default,
            format,
            common,
            mode: _,
        } = self;
        if options.is_empty() {
            return Err(ui.invalid_argument(format!(
                "the {} \"{label}\" needs at least one option",
                kind.name()
            )));
        }
        let (values, labels) = option_values(&options, format.as_deref());
        let default_items: Vec<Value> = default
            .iter()
            .map(|d| serde_json::to_value(d).unwrap_or(Value::Null))
            .collect();
        let default_value = if M::MULTI {
            Value::Array(default_items)
        } else {
            default_items.into_iter().next().unwrap_or(Value::Null)
        };
        if let Err(problem) = validate(&values, M::MULTI, &default_value) {
            return Err(ui.invalid_argument(format!(
                "the default of {} \"{label}\" is invalid: {problem}",
                kind.name()
            )));
        }
        let help = common.help.clone();
        let click_mode = if M::MULTI { "multi" } else { "single" };
        let call = WidgetCall {
            kind,
            label,
            common,
            params: Params::new(ButtonGroupParams {
                options: values,
                labels,
                multi: M::MULTI,
            }),
            default: default_value.clone(),
            default_given: !default.is_empty(),
        };
        ui.register(call, |id, keyed, label, params| {
            if !keyed {
                id.param("label", label)
                    .param("options", params.options())
                    .param("default", &default_value);
            }
            id.param("click_mode", click_mode);
            if !keyed {
                id.param("help", &help);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a6_single_mode_takes_one_option_or_nothing() {
        let options = [json!("a"), json!("b")];
        assert_eq!(validate(&options, false, &json!("b")), Ok(json!("b")));
        assert_eq!(validate(&options, false, &json!(null)), Ok(json!(null)));
        assert!(validate(&options, false, &json!("c")).is_err());
        assert!(validate(&options, false, &json!(["a"])).is_err());
    }

    #[test]
    fn a6_multi_mode_takes_distinct_options() {
        let options = [json!(1), json!(2)];
        assert_eq!(validate(&options, true, &json!([2, 1])), Ok(json!([2, 1])));
        assert!(validate(&options, true, &json!([1, 1])).is_err());
        assert!(validate(&options, true, &json!([3])).is_err());
        assert!(validate(&options, true, &json!(1)).is_err());
    }
}
