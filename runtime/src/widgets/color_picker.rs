//! `color_picker`: a colour as `"#rrggbb"`. Keyed identity: type + key +
//! page, nothing else (R4); without a key also the label, value and help.
//! The browser sends an `<input type=color>`'s value; anything but a hex
//! colour is rejected (A6). Values are held in lower case.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{label_options, 
    common_options, declare_kind, short, Common, Kind, Params, Tagged, ValueShape,
    WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A colour picker's drawn parameters: none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ColorParams {}

impl Tagged for ColorParams {
    const TAG: &'static str = "color";
}

declare_kind!(ColorPicker = "color_picker", Value, ColorParams);

impl WidgetParams for ColorParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(&value)
    }

    fn accepts(&self, value: &Value) -> bool {
        validate(value).is_ok()
    }

    fn expected(&self) -> &'static str {
        "a colour (\"#rrggbb\")"
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Text
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, input_id, label_for, described_by};
        use leptos::prelude::*;
        let colour = w.value.as_str().unwrap_or("#000000").to_owned();
        view! {
            {label_for(w)}
            <span class="bk-color">
                <input type="color" id=input_id(w) aria-describedby=described_by(w) name=field_name(w) value=colour.clone()
                    disabled=w.disabled />
                <code class="bk-color-value">{colour}</code>
            </span>
        }
        .to_html()
    }
}

/// `"#rgb"` or `"#rrggbb"` in either case, as `"#rrggbb"` in lower case.
fn normalise(s: &str) -> Option<String> {
    let hex = s.strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(
            hex.chars()
                .flat_map(|c| [c, c])
                .fold(String::from("#"), |mut out, c| {
                    out.push(c.to_ascii_lowercase());
                    out
                }),
        ),
        _ => None,
    }
}

/// A value from the browser (A6): a hex colour, returned as `"#rrggbb"`.
pub(crate) fn validate(value: &Value) -> Result<Value, String> {
    value
        .as_str()
        .and_then(normalise)
        .map(Value::String)
        .ok_or_else(|| format!("expected a colour as \"#rrggbb\", got {}", short(value)))
}

/// A colour picker (`st.color_picker`).
#[must_use = "a widget is drawn by `.show()`"]
pub struct ColorPicker<'u, 'r> {
    ui: &'u Ui<'r>,
    label: String,
    value: String,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A colour picker (`st.color_picker`), black at first.
    pub fn color_picker(&self, label: impl Into<String>) -> ColorPicker<'_, 'r> {
        ColorPicker {
            ui: self,
            label: label.into(),
            value: "#000000".to_owned(),
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] ColorPicker<'u, 'r>, on_change);
label_options!(impl['u, 'r] ColorPicker<'u, 'r>);

impl ColorPicker<'_, '_> {
    /// The colour at first: `"#rrggbb"` or `"#rgb"`.
    pub fn value(mut self, colour: impl Into<String>) -> Self {
        self.value = colour.into();
        self
    }

    /// Draws the picker and returns its colour as `"#rrggbb"`.
    pub fn show(self) -> Result<String> {
        let ColorPicker {
            ui,
            label,
            value,
            common,
        } = self;
        let Some(default) = normalise(&value) else {
            return Err(ui.invalid_argument(format!(
                "color_picker \"{label}\": {value:?} is not a hex colour; write it as \"#rrggbb\" or \"#rgb\""
            )));
        };
        let help = common.help.clone();
        let given = default != "#000000";
        let call = WidgetCall {
            kind: Kind::ColorPicker,
            label,
            common,
            params: Params::new(ColorParams {}),
            default: Value::String(default),
            default_given: given,
        };
        ui.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label)
                    .param("value", &value)
                    .param("help", &help);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a6_colours_are_hex() {
        assert_eq!(validate(&json!("#FFaa00")), Ok(json!("#ffaa00")));
        assert_eq!(validate(&json!("#0aF")), Ok(json!("#00aaff")));
        for bad in [
            json!("red"),
            json!("#12345"),
            json!("#gggggg"),
            json!("123456"),
            json!(0xff0000),
        ] {
            assert!(validate(&bad).unwrap_err().contains("expected a colour"));
        }
    }
}
