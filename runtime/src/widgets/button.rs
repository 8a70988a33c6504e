//! `button` and `form_submit_button`: triggers, true for the one run after a
//! click (R28); read-only in session state (R23). Keyed identity: type, key
//! and page (R4). A submit button belongs to a form: clicking it sends the
//! form's values (R29), and it is the only widget of a form that may have a
//! callback (R30). Without a key its key is `FormSubmitter:<form>-<label>`,
//! visible in session state, as Streamlit writes it (R9).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{click_value, common_options, declare_kind, Common, Kind, Params, Tagged, WidgetParams};
use crate::error::{Error, ErrorKind};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A button's drawn parameters: none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ButtonParams {}

impl Tagged for ButtonParams {
    const TAG: &'static str = "button";
}

declare_kind!(Button = "button", Trigger, ButtonParams);
declare_kind!(
    FormSubmitButton = "form_submit_button",
    Submit,
    ButtonParams
);

impl WidgetParams for ButtonParams {
    click_value!();

    /// A form's submit button says so, for the client script to send the
    /// form's changes with the click (R29).
    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{help, input_id, described_by};
        use leptos::prelude::*;
        view! {
            <button type="submit" id=input_id(w) aria-describedby=described_by(w) name="_click" value=w.id.to_string() class="bk-button"
                disabled=w.disabled data-submits=w.kind.submits_form().then_some("1")>
                {w.label.to_owned()}
            </button>
            {help(w)}
        }
        .to_html()
    }
}

/// A button. Call [`Button::show`] to draw it; it returns whether it was
/// clicked in the event that caused this run.
#[must_use = "a widget is drawn by `.show()`"]
pub struct Button<'u, 'r> {
    ui: &'u Ui<'r>,
    kind: Kind,
    label: String,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A button (`st.button`).
    pub fn button(&self, label: impl Into<String>) -> Button<'_, 'r> {
        Button {
            ui: self,
            kind: Kind::Button,
            label: label.into(),
            common: Common::default(),
        }
    }

    /// A form's submit button (`st.form_submit_button`); draw it inside a
    /// [`Ui::form`].
    pub fn form_submit_button(&self, label: impl Into<String>) -> Button<'_, 'r> {
        Button {
            ui: self,
            kind: Kind::FormSubmitButton,
            label: label.into(),
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] Button<'u, 'r>, on_click);

impl Button<'_, '_> {
    /// Draws the button; `true` only in the run its click caused.
    pub fn show(self) -> Result<bool> {
        let Button {
            ui,
            kind,
            label,
            mut common,
        } = self;
        if kind.submits_form() {
            let Some(form) = ui.form_key() else {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("form_submit_button \"{label}\" is not inside a form; draw it into the `ui.form(..)` it submits"),
                ));
            };
            if common.key.is_none() {
                common.key = Some(format!("FormSubmitter:{form}-{label}"));
            }
        }
        let help = common.help.clone();
        let call = WidgetCall {
            kind,
            label,
            common,
            params: Params::new(ButtonParams {}),
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
