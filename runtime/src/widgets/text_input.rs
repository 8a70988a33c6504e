//! `text_input` and `text_area`: a string. Keyed identity: type + key + page
//! + `max_chars` (R4).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    common_options, declare_kind, short, Common, Kind, Params, Tagged, ValueShape,
    WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// The most characters a text field takes from the browser when it sets no
/// `max_chars` of its own: 256 Ki characters, so that one field cannot grow a
/// session without bound.
pub const MAX_TEXT_CHARS: usize = 256 * 1024;

/// A value from the browser (A6): a string of at most `max_chars`
/// characters, or [`MAX_TEXT_CHARS`] without it.
pub(crate) fn validate(max_chars: Option<usize>, value: &Value) -> Result<Value, String> {
    let s = value
        .as_str()
        .ok_or_else(|| format!("expected a string, got {}", short(value)))?;
    let max = max_chars.unwrap_or(MAX_TEXT_CHARS);
    // Bytes bound characters from above: most values need no count.
    if s.len() > max {
        let n = s.chars().count();
        if n > max {
            return Err(match max_chars {
                Some(_) => format!("{n} characters, at most {max} allowed"),
                None => format!(
                    "{n} characters, more than the {max} a text field without `max_chars` takes"
                ),
            });
        }
    }
    Ok(value.clone())
}

/// A text field's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct TextParams {
    /// The most characters allowed.
    pub max_chars: Option<usize>,
    /// Shown in the empty field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

impl Tagged for TextParams {
    const TAG: &'static str = "text";
}

declare_kind!(TextInput = "text_input", Value, TextParams);
declare_kind!(TextArea = "text_area", Value, TextParams);

impl WidgetParams for TextParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(self.max_chars, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        value.is_string()
    }

    fn expected(&self) -> &'static str {
        "a string"
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Text
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{escape, field_name, input_id, label_for, described_by};
        use leptos::prelude::*;
        let text = w.value.as_str().unwrap_or_default();
        let max_chars = self.max_chars.map(|m| m.to_string());
        if w.kind == Kind::TextArea {
            // Leptos writes a <textarea>'s children unescaped (it treats the
            // element like <script>): escape the text ourselves.
            view! {
                {label_for(w)}
                <textarea id=input_id(w) aria-describedby=described_by(w) name=field_name(w) maxlength=max_chars
                    placeholder=self.placeholder.clone() disabled=w.disabled inner_html=escape(text)>
                </textarea>
            }
            .to_html()
        } else {
            view! {
                {label_for(w)}
                <input type="text" id=input_id(w) aria-describedby=described_by(w) name=field_name(w) value=text.to_owned()
                    maxlength=max_chars placeholder=self.placeholder.clone() disabled=w.disabled />
            }
            .to_html()
        }
    }
}

/// A one-line or multi-line text field.
#[must_use = "a widget is drawn by `.show()`"]
pub struct TextField<'u, 'r> {
    ui: &'u Ui<'r>,
    kind: Kind,
    label: String,
    value: String,
    max_chars: Option<usize>,
    placeholder: Option<String>,
    common: Common,
}

/// A one-line text field (`st.text_input`).
pub type TextInput<'u, 'r> = TextField<'u, 'r>;
/// A multi-line text field (`st.text_area`).
pub type TextArea<'u, 'r> = TextField<'u, 'r>;

impl<'r> Ui<'r> {
    /// A one-line text field (`st.text_input`), empty at first.
    pub fn text_input(&self, label: impl Into<String>) -> TextInput<'_, 'r> {
        self.text_field(Kind::TextInput, label.into())
    }

    /// A multi-line text field (`st.text_area`), empty at first.
    pub fn text_area(&self, label: impl Into<String>) -> TextArea<'_, 'r> {
        self.text_field(Kind::TextArea, label.into())
    }

    fn text_field(&self, kind: Kind, label: String) -> TextField<'_, 'r> {
        TextField {
            ui: self,
            kind,
            label,
            value: String::new(),
            max_chars: None,
            placeholder: None,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] TextField<'u, 'r>, on_change);

impl TextField<'_, '_> {
    /// The text at first.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    /// The most characters allowed.
    pub fn max_chars(mut self, max: usize) -> Self {
        self.max_chars = Some(max);
        self
    }

    /// Grey text shown while the field is empty.
    pub fn placeholder(mut self, placeholder: impl Into<String>) -> Self {
        self.placeholder = Some(placeholder.into());
        self
    }

    /// Draws the field and returns its text.
    pub fn show(self) -> Result<String> {
        let TextField {
            ui,
            kind,
            label,
            value,
            max_chars,
            placeholder,
            common,
        } = self;
        if let Some(max) = max_chars {
            if value.chars().count() > max {
                return Err(ui.invalid_argument(format!(
                    "{} \"{label}\": the value is longer than max_chars ({max})",
                    kind.name()
                )));
            }
        }
        let help = common.help.clone();
        let given = !value.is_empty();
        let call = WidgetCall {
            kind,
            label,
            common,
            params: Params::new(TextParams {
                max_chars,
                placeholder: placeholder.clone(),
            }),
            default: Value::String(value.clone()),
            default_given: given,
        };
        ui.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label)
                    .param("value", &value)
                    .param("placeholder", &placeholder)
                    .param("help", &help);
            }
            id.param("max_chars", &max_chars);
        })
    }
}
