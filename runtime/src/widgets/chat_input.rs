//! `chat_input`: a message field with a send button (`st.chat_input`). A
//! message sent is its value for the one run it causes, then nothing again
//! (R28); read-only in session state (R23). Drawn at the top level of the
//! page it sits at the bottom of the main area, as in Streamlit. Enter
//! sends, Shift+Enter starts a new line; without JavaScript the send
//! button posts the form. Keyed identity: type + key + page + `max_chars`;
//! without a key also the placeholder.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{declare_kind, short, Common, Kind, Params, Tagged, ValueShape, WidgetParams};
use crate::elements::BOTTOM;
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A chat input's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ChatInputParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<usize>,
}

impl Tagged for ChatInputParams {
    const TAG: &'static str = "chat_input";
}

declare_kind!(ChatInput = "chat_input", Trigger, ChatInputParams);

impl WidgetParams for ChatInputParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        match &value {
            Value::Null => Ok(value),
            Value::String(s) => match self.max_chars {
                Some(max) if s.chars().count() > max => Err(format!(
                    "the message has {} characters, more than max_chars ({max})",
                    s.chars().count()
                )),
                _ => Ok(value),
            },
            other => Err(format!("expected a message (text), got {}", short(other))),
        }
    }

    fn accepts(&self, value: &Value) -> bool {
        value.is_null() || value.is_string()
    }

    fn expected(&self) -> &'static str {
        "a message (text), or nothing"
    }

    fn read_query(&self, _raw: &[String]) -> Option<Value> {
        None
    }

    fn rest(&self) -> Value {
        Value::Null
    }

    /// The browser never holds a message: the field's drawing stays the
    /// same from run to run, so a patch leaves it (and its focus) alone.
    fn to_wire(&self, _value: &Value) -> Value {
        Value::Null
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Message
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, input_id};
        use leptos::prelude::*;
        let max = self.max_chars.map(|m| m.to_string());
        view! {
            <div class="bk-chat-input">
                <textarea id=input_id(w) name=field_name(w) rows="1" placeholder=w.label.to_owned()
                    aria-label=w.label.to_owned() maxlength=max disabled=w.disabled></textarea>
                <button type="submit" name="_chat" value=w.id.to_string() class="bk-chat-send"
                    aria-label="Send" disabled=w.disabled>"\u{27a4}"</button>
            </div>
        }
        .to_html()
    }
}

/// A chat input.
#[must_use = "a widget is drawn by `.show()`"]
pub struct ChatInput<'u, 'r> {
    ui: &'u Ui<'r>,
    placeholder: String,
    max_chars: Option<usize>,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A message field with a send button (`st.chat_input`), showing
    /// `placeholder` ("Your message" when empty) until something is typed.
    pub fn chat_input(&self, placeholder: impl Into<String>) -> ChatInput<'_, 'r> {
        ChatInput {
            ui: self,
            placeholder: placeholder.into(),
            max_chars: None,
            common: Common::default(),
        }
    }
}

impl ChatInput<'_, '_> {
    /// Its key (R2, R9): the message sent is under it for the run it causes.
    pub fn key(mut self, key: impl std::fmt::Display) -> Self {
        self.common.key = Some(key.to_string());
        self
    }

    /// Draws it disabled: nothing can be sent (R43).
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.common.disabled = disabled;
        self
    }

    /// The longest message, in characters; the browser stops typing there
    /// and a longer one sent anyway is refused (A6).
    pub fn max_chars(mut self, max_chars: usize) -> Self {
        self.max_chars = Some(max_chars);
        self
    }

    /// A callback that runs before the next run's body when a message is
    /// sent (`on_submit`, R25–R27); the message is under the key.
    pub fn on_submit(
        mut self,
        callback: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.common.callback = Some(std::sync::Arc::new(callback));
        self
    }

    /// Used by `#[page]`: the call's compile-time site. Not public API.
    #[doc(hidden)]
    pub fn __site(mut self, site: &'static crate::identity::WidgetSite) -> Self {
        self.common.site = Some(site);
        self
    }

    /// Draws the field and returns the message sent in the event that
    /// caused this run, if any.
    pub fn show(self) -> Result<Option<String>> {
        let ChatInput {
            ui,
            placeholder,
            max_chars,
            common,
        } = self;
        if ui.form_key().is_some() {
            return Err(ui.invalid_argument(
                "chat_input cannot be used in a form: it sends its message at once; draw it outside the form"
                    .to_owned(),
            ));
        }
        let placeholder = if placeholder.is_empty() {
            "Your message".to_owned()
        } else {
            placeholder
        };
        let call = WidgetCall {
            kind: Kind::ChatInput,
            label: placeholder,
            common,
            params: Params::new(ChatInputParams { max_chars }),
            default: Value::Null,
            default_given: false,
        };
        // At the top of the page it goes to the bottom of the main area.
        let place = if ui.container == crate::elements::MAIN && ui.has_bottom() {
            ui.at(BOTTOM)
        } else {
            ui.at(ui.container)
        };
        place.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label);
            }
            id.param("max_chars", &max_chars);
        })
    }
}

impl Ui<'_> {
    fn has_bottom(&self) -> bool {
        self.run.borrow_mut().tree.get().bottom().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a6_a_message_is_text_within_max_chars() {
        let p = ChatInputParams { max_chars: Some(3) };
        assert_eq!(p.validate(json!("abc")), Ok(json!("abc")));
        assert_eq!(p.validate(json!(null)), Ok(json!(null)));
        assert!(p.validate(json!("abcd")).unwrap_err().contains("more than max_chars (3)"));
        assert!(p.validate(json!(1)).is_err());
        assert_eq!(p.rest(), Value::Null);
    }
}
