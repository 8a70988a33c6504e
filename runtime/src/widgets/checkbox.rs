//! `checkbox` and `toggle`: a bool. Keyed identity: type + key + page (R4).

use serde_json::Value;

use super::{common_options, Common, Kind, Params};
use crate::run::{Ui, WidgetCall};
use crate::Result;

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
            params: Params::Checkbox,
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
