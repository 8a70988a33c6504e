//! `date_input`: a date. Keyed identity: type + key + page + `format` (R4);
//! without a key also the label, value, bounds and help. The value is a
//! [`chrono::NaiveDate`], held as `"YYYY-MM-DD"`; the browser sends that
//! form (an `<input type=date>`'s value), and the conformance traces'
//! `{"$date": "YYYY-MM-DD"}` is taken too. It must lie within the bounds (A6).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{label_options, 
    common_options, declare_kind, short, Common, Kind, Params, Tagged, ValueShape,
    WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// How a date is shown unless `.format(..)` says otherwise.
pub const DEFAULT_FORMAT: &str = "YYYY/MM/DD";

/// Reads a date in the forms a date widget takes: `"YYYY-MM-DD"` or
/// `{"$date": "YYYY-MM-DD"}`.
pub(crate) fn parse(value: &Value) -> Option<NaiveDate> {
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Object(map) if map.len() == 1 => map.get("$date")?.as_str()?,
        _ => return None,
    };
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A value from the browser (A6): a date within `[min, max]`, returned as
/// `"YYYY-MM-DD"`.
pub(crate) fn validate(
    min: Option<NaiveDate>,
    max: Option<NaiveDate>,
    value: &Value,
) -> Result<Value, String> {
    let date = parse(value)
        .ok_or_else(|| format!("expected a date as \"YYYY-MM-DD\", got {}", short(value)))?;
    if min.is_some_and(|m| date < m) || max.is_some_and(|m| date > m) {
        return Err(format!(
            "{date} is outside the range {} to {}",
            min.map_or("any".to_owned(), |d| d.to_string()),
            max.map_or("any".to_owned(), |d| d.to_string()),
        ));
    }
    Ok(Value::String(date.to_string()))
}

/// A date field's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct DateParams {
    /// The earliest date allowed.
    pub min: Option<NaiveDate>,
    /// The latest date allowed.
    pub max: Option<NaiveDate>,
    /// How the date is shown, e.g. `YYYY/MM/DD`.
    pub format: String,
}

impl Tagged for DateParams {
    const TAG: &'static str = "date";
}

declare_kind!(DateInput = "date_input", Value, DateParams);

impl WidgetParams for DateParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(self.min, self.max, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        parse(value).is_some()
    }

    fn expected(&self) -> &'static str {
        "a date (\"YYYY-MM-DD\")"
    }

    fn shape(&self) -> ValueShape {
        ValueShape::OptionalText
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, input_id, label_for, described_by};
        use leptos::prelude::*;
        view! {
            {label_for(w)}
            <input type="date" id=input_id(w) aria-describedby=described_by(w) name=field_name(w)
                value=w.value.as_str().unwrap_or_default().to_owned()
                min=self.min.map(|d| d.to_string()) max=self.max.map(|d| d.to_string())
                data-format=self.format.clone() disabled=w.disabled />
        }
        .to_html()
    }
}

/// Whether `format` is one Streamlit accepts: `YYYY`, `MM` and `DD` in the
/// order Y-M-D, D-M-Y or M-D-Y, separated by `/`, `.` or `-`.
pub(crate) fn valid_format(format: &str) -> bool {
    let sep = match format.chars().find(|c| matches!(c, '/' | '.' | '-')) {
        Some(c) => c,
        None => return false,
    };
    let parts: Vec<&str> = format.split(sep).collect();
    matches!(
        parts.as_slice(),
        ["YYYY", "MM", "DD"] | ["DD", "MM", "YYYY"] | ["MM", "DD", "YYYY"]
    )
}

/// A date field (`st.date_input`).
#[must_use = "a widget is drawn by `.show()`"]
pub struct DateInput<'u, 'r> {
    ui: &'u Ui<'r>,
    label: String,
    value: Option<NaiveDate>,
    min: Option<NaiveDate>,
    max: Option<NaiveDate>,
    format: String,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A date field (`st.date_input`), on today's date (UTC) at first.
    pub fn date_input(&self, label: impl Into<String>) -> DateInput<'_, 'r> {
        DateInput {
            ui: self,
            label: label.into(),
            value: None,
            min: None,
            max: None,
            format: DEFAULT_FORMAT.to_owned(),
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] DateInput<'u, 'r>, on_change);
label_options!(impl['u, 'r] DateInput<'u, 'r>);

impl DateInput<'_, '_> {
    /// The date at first.
    pub fn value(mut self, date: NaiveDate) -> Self {
        self.value = Some(date);
        self
    }

    /// The earliest date allowed.
    pub fn min(mut self, date: NaiveDate) -> Self {
        self.min = Some(date);
        self
    }

    /// The latest date allowed.
    pub fn max(mut self, date: NaiveDate) -> Self {
        self.max = Some(date);
        self
    }

    /// How the date is shown: `"YYYY/MM/DD"` (the default), `"DD.MM.YYYY"`,
    /// `"MM-DD-YYYY"`, ...
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = format.into();
        self
    }

    /// Draws the field and returns its date.
    pub fn show(self) -> Result<NaiveDate> {
        let DateInput {
            ui,
            label,
            value,
            min,
            max,
            format,
            common,
        } = self;
        if !valid_format(&format) {
            return Err(ui.invalid_argument(format!(
                "date_input \"{label}\": the format {format:?} is not valid; use YYYY, MM and DD in the \
                 order YYYY/MM/DD, DD/MM/YYYY or MM/DD/YYYY, separated by `/`, `.` or `-`"
            )));
        }
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                return Err(ui.invalid_argument(format!(
                    "date_input \"{label}\": min {lo} is after max {hi}; swap them"
                )));
            }
        }
        let today = chrono::Utc::now().date_naive();
        let date = value.unwrap_or_else(|| today.clamp(min.unwrap_or(today), max.unwrap_or(today)));
        if let Err(problem) = validate(min, max, &Value::String(date.to_string())) {
            return Err(ui.invalid_argument(format!(
                "date_input \"{label}\": the value is invalid: {problem}"
            )));
        }
        let default = date.to_string();
        let help = common.help.clone();
        let (min_s, max_s) = (min.map(|d| d.to_string()), max.map(|d| d.to_string()));
        let call = WidgetCall {
            kind: Kind::DateInput,
            label,
            common,
            params: Params::new(DateParams {
                min,
                max,
                format: format.clone(),
            }),
            default: Value::String(default.clone()),
            default_given: value.is_some(),
        };
        ui.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label)
                    .param("value", &default)
                    .param("min_value", &min_s)
                    .param("max_value", &max_s)
                    .param("help", &help);
            }
            id.param("format", &format);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a6_dates_are_checked_against_the_bounds() {
        let (lo, hi) = (Some(d("2024-01-01")), Some(d("2024-12-31")));
        assert_eq!(
            validate(lo, hi, &json!("2024-06-01")),
            Ok(json!("2024-06-01"))
        );
        assert_eq!(
            validate(lo, hi, &json!({"$date": "2024-02-29"})),
            Ok(json!("2024-02-29"))
        );
        assert!(validate(lo, hi, &json!("2025-01-01"))
            .unwrap_err()
            .contains("outside the range"));
        for bad in [
            json!("2024-02-30"),
            json!("01/02/2024"),
            json!(20240101),
            json!(null),
        ] {
            assert!(validate(None, None, &bad)
                .unwrap_err()
                .contains("expected a date"));
        }
    }

    #[test]
    fn formats_are_streamlits() {
        for ok in ["YYYY/MM/DD", "DD.MM.YYYY", "MM-DD-YYYY"] {
            assert!(valid_format(ok), "{ok}");
        }
        for bad in ["YYYY/DD/MM", "YYYYMMDD", "DD/MM/YY", ""] {
            assert!(!valid_format(bad), "{bad}");
        }
    }
}
