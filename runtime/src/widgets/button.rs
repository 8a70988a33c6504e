//! `button`: a trigger, true for the one run after a click (R28); read-only
//! in session state (R23). Keyed identity: type + key + page (R4).

use serde_json::Value;

use super::{common_options, Common, Kind, Params};
use crate::run::{Ui, WidgetCall};
use crate::Result;

/// A button. Call [`Button::show`] to draw it; it returns whether it was
/// clicked in the event that caused this run.
#[must_use = "a widget is drawn by `.show()`"]
pub struct Button<'u, 'r> {
    ui: &'u Ui<'r>,
    label: String,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A button (`st.button`).
    pub fn button(&self, label: impl Into<String>) -> Button<'_, 'r> {
        Button {
            ui: self,
            label: label.into(),
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] Button<'u, 'r>, on_click);

impl Button<'_, '_> {
    /// Draws the button; `true` only in the run its click caused.
    pub fn show(self) -> Result<bool> {
        let Button { ui, label, common } = self;
        let help = common.help.clone();
        let call = WidgetCall {
            kind: Kind::Button,
            label,
            common,
            params: Params::Button,
            default: Value::Bool(false),
            default_given: false,
        };
        ui.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label).param("help", &help);
            }
        })
    }
}
