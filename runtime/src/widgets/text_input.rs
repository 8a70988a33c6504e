//! `text_input` and `text_area`: a string. Keyed identity: type + key + page
//! + `max_chars` (R4).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{label_options, 
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

/// What a one-line text field is for (`st.text_input`'s `type`): it sets
/// the browser's input type (the keyboard on phones, autofill) and, unless
/// the page gives its own, a placeholder and an `autocomplete` token. The
/// value is the text typed either way: an email or URL field is a hint to
/// the browser, not a check (check it in the page if it matters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextInputType {
    /// Plain text.
    #[default]
    Default,
    /// Masked as it is typed; autocomplete `new-password`.
    Password,
    /// An email address: placeholder `you@example.com`, autocomplete `email`.
    Email,
    /// A web address: placeholder `https://example.com`, autocomplete `url`.
    Url,
    /// A phone number: placeholder `+1 234 567 8900`, autocomplete `tel`.
    Phone,
    /// A search: placeholder `Search`, autocomplete `off`.
    Search,
}

impl TextInputType {
    /// Its name in Streamlit, and in the widget's identity.
    fn name(self) -> &'static str {
        match self {
            TextInputType::Default => "default",
            TextInputType::Password => "password",
            TextInputType::Email => "email",
            TextInputType::Url => "url",
            TextInputType::Phone => "phone",
            TextInputType::Search => "search",
        }
    }

    /// The HTML input type, the placeholder and the autocomplete token it
    /// brings.
    #[cfg(feature = "server")]
    fn html(self) -> (&'static str, Option<&'static str>, Option<&'static str>) {
        match self {
            TextInputType::Default => ("text", None, None),
            TextInputType::Password => ("password", None, Some("new-password")),
            TextInputType::Email => ("email", Some("you@example.com"), Some("email")),
            TextInputType::Url => ("url", Some("https://example.com"), Some("url")),
            TextInputType::Phone => ("tel", Some("+1 234 567 8900"), Some("tel")),
            TextInputType::Search => ("search", Some("Search"), Some("off")),
        }
    }

    fn is_default(&self) -> bool {
        *self == TextInputType::Default
    }
}

/// A text field's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct TextParams {
    /// The most characters allowed.
    pub max_chars: Option<usize>,
    /// Shown in the empty field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// What a one-line field is for.
    #[serde(default, skip_serializing_if = "TextInputType::is_default")]
    pub input_type: TextInputType,
    /// The browser's autofill token, when the page gave one (`""`: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
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
            let (html_type, placeholder, autocomplete) = self.input_type.html();
            let placeholder = self.placeholder.clone().or(placeholder.map(str::to_owned));
            let autocomplete = match self.autocomplete.as_deref() {
                Some("") => None,
                Some(token) => Some(token.to_owned()),
                None => autocomplete.map(str::to_owned),
            };
            view! {
                {label_for(w)}
                <input type=html_type id=input_id(w) aria-describedby=described_by(w) name=field_name(w) value=text.to_owned()
                    maxlength=max_chars placeholder=placeholder autocomplete=autocomplete disabled=w.disabled />
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
    input_type: TextInputType,
    autocomplete: Option<String>,
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
            input_type: TextInputType::Default,
            autocomplete: None,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] TextField<'u, 'r>, on_change);
label_options!(impl['u, 'r] TextField<'u, 'r>);

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

    /// What a one-line field is for (`type=` in Streamlit): a password,
    /// an email address, a URL, a phone number or a search. A text area
    /// has none.
    pub fn input_type(mut self, input_type: TextInputType) -> Self {
        self.input_type = input_type;
        self
    }

    /// The browser's autofill token (HTML `autocomplete`), in place of the
    /// one the input type brings; `""` for none.
    pub fn autocomplete(mut self, token: impl Into<String>) -> Self {
        self.autocomplete = Some(token.into());
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
            input_type,
            autocomplete,
            common,
        } = self;
        if kind == Kind::TextArea && !input_type.is_default() {
            return Err(ui.invalid_argument(format!(
                "text_area \"{label}\": a text area has no input type ({}); use text_input",
                input_type.name()
            )));
        }
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
                input_type,
                autocomplete: autocomplete.clone(),
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
            // After the parameters `#[page]` may fold in at compile time, and
            // only for a field that says what it is for, so that plain fields
            // keep the identities they had.
            if !keyed && !input_type.is_default() {
                id.param("type", &input_type.name());
            }
            if let (false, Some(token)) = (keyed, &autocomplete) {
                id.param("autocomplete", token);
            }
        })
    }
}
