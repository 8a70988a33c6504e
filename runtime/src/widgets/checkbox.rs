//! `checkbox` and `toggle`: a bool. Keyed identity: type + key + page (R4).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{label_options, 
    bool_value, common_options, declare_kind, one_query, Common, Kind, Params, Tagged, ValueShape,
    WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A checkbox's drawn parameters: none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct CheckboxParams {}

impl Tagged for CheckboxParams {
    const TAG: &'static str = "checkbox";
}

declare_kind!(Checkbox = "checkbox", Value, CheckboxParams);
declare_kind!(Toggle = "toggle", Value, CheckboxParams);

impl WidgetParams for CheckboxParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        bool_value(value)
    }

    fn accepts(&self, value: &Value) -> bool {
        value.is_boolean()
    }

    fn expected(&self) -> &'static str {
        "a bool"
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        match one_query(raw)? {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        }
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Bool
    }

    /// A hidden `false` before the box, so that an unchecked box posts too.
    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, help, input_id, described_by};
        use leptos::prelude::*;
        let toggle = w.kind == Kind::Toggle;
        let class = if toggle {
            "bk-check bk-toggle"
        } else {
            "bk-check"
        };
        view! {
            <input type="hidden" name=field_name(w) value="false" />
            <label class=class>
                <input type="checkbox" id=input_id(w) aria-describedby=described_by(w) name=field_name(w) value="true"
                    checked=w.value.as_bool().unwrap_or(false) disabled=w.disabled
                    role=toggle.then_some("switch") />
                <span>{w.label.to_owned()}</span>
            </label>
            {help(w)}
        }
        .to_html()
    }
}

/// A checkbox or a toggle switch.
#[must_use = "a widget is drawn by `.show()`"]
pub struct Checkbox<'u, 'r> {
    ui: &'u Ui<'r>,
    kind: Kind,
    label: String,
    value: Option<bool>,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A checkbox (`st.checkbox`), unchecked by default.
    pub fn checkbox(&self, label: impl Into<String>) -> Checkbox<'_, 'r> {
        Checkbox {
            ui: self,
            kind: Kind::Checkbox,
            label: label.into(),
            value: None,
            common: Common::default(),
        }
    }

    /// A toggle switch (`st.toggle`), off by default.
    pub fn toggle(&self, label: impl Into<String>) -> Checkbox<'_, 'r> {
        Checkbox {
            ui: self,
            kind: Kind::Toggle,
            label: label.into(),
            value: None,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] Checkbox<'u, 'r>, on_change);
label_options!(impl['u, 'r] Checkbox<'u, 'r>);

impl Checkbox<'_, '_> {
    /// The initial value.
    pub fn value(mut self, value: bool) -> Self {
        self.value = Some(value);
        self
    }

    /// Draws the widget and returns its value.
    pub fn show(self) -> Result<bool> {
        let Checkbox {
            ui,
            kind,
            label,
            value,
            common,
        } = self;
        let default = value.unwrap_or(false);
        let help = common.help.clone();
        let call = WidgetCall {
            kind,
            label,
            common,
            params: Params::new(CheckboxParams {}),
            default: Value::Bool(default),
            default_given: default,
        };
        ui.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label)
                    .param("value", &default)
                    .param("help", &help);
            }
        })
    }
}
