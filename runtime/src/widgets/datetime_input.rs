//! `datetime_input`: a date and a time (`st.datetime_input`). Keyed
//! identity: type + key + page + `format` and `step` (R4); without a key
//! also the label, value, bounds and help. The value is a
//! [`chrono::NaiveDateTime`] to the minute, held as `"YYYY-MM-DDTHH:MM:SS"`;
//! the browser sends an `<input type=datetime-local>`'s value
//! (`"YYYY-MM-DDTHH:MM"`), and the conformance traces' `{"$datetime": ..}`
//! is taken too. It must lie within the bounds (A6).

use chrono::{NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::date_input::{valid_format, DEFAULT_FORMAT};
use super::{
    common_options, declare_kind, label_options, short, Common, Kind, Params, Tagged, ValueShape,
    WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// The step between the times offered unless `.step(..)` says otherwise,
/// in seconds: 15 minutes, as in Streamlit.
pub const DEFAULT_DATETIME_STEP: u32 = 900;

const STORED: &str = "%Y-%m-%dT%H:%M:%S";

/// Reads a date and time: `"YYYY-MM-DDTHH:MM"`, with seconds or a space
/// instead of the `T`, or `{"$datetime": ...}`.
pub(crate) fn parse(value: &Value) -> Option<NaiveDateTime> {
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Object(map) if map.len() == 1 => map.get("$datetime")?.as_str()?,
        _ => return None,
    };
    let text = text.replacen(' ', "T", 1);
    NaiveDateTime::parse_from_str(&text, STORED)
        .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M"))
        .ok()
}

fn stored(at: NaiveDateTime) -> String {
    at.format(STORED).to_string()
}

/// A date and time field's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct DateTimeParams {
    pub min: Option<NaiveDateTime>,
    pub max: Option<NaiveDateTime>,
    /// Seconds between the times offered.
    pub step: u32,
    /// How the date is shown, e.g. `YYYY/MM/DD`.
    pub format: String,
}

impl Tagged for DateTimeParams {
    const TAG: &'static str = "datetime";
}

declare_kind!(DateTimeInput = "datetime_input", Value, DateTimeParams);

impl DateTimeParams {
    fn check(&self, value: &Value) -> Result<Value, String> {
        let at = parse(value).ok_or_else(|| {
            format!(
                "expected a date and time as \"YYYY-MM-DDTHH:MM\", got {}",
                short(value)
            )
        })?;
        if self.min.is_some_and(|m| at < m) || self.max.is_some_and(|m| at > m) {
            let bound = |b: Option<NaiveDateTime>| b.map_or("any".to_owned(), |d| d.to_string());
            return Err(format!(
                "{at} is outside the range {} to {}",
                bound(self.min),
                bound(self.max)
            ));
        }
        Ok(Value::String(stored(at)))
    }
}

impl WidgetParams for DateTimeParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        self.check(&value)
    }

    fn accepts(&self, value: &Value) -> bool {
        parse(value).is_some()
    }

    fn expected(&self) -> &'static str {
        "a date and time (\"YYYY-MM-DDTHH:MM\")"
    }

    fn shape(&self) -> ValueShape {
        ValueShape::OptionalText
    }

    /// The browser's form: to the minute.
    fn to_wire(&self, value: &Value) -> Value {
        match parse(value) {
            Some(at) => Value::String(at.format("%Y-%m-%dT%H:%M").to_string()),
            None => value.clone(),
        }
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{described_by, field_name, input_id, label_for};
        use leptos::prelude::*;
        let minute = |at: NaiveDateTime| at.format("%Y-%m-%dT%H:%M").to_string();
        let value = self.to_wire(w.value).as_str().unwrap_or_default().to_owned();
        view! {
            {label_for(w)}
            <input type="datetime-local" id=input_id(w) aria-describedby=described_by(w) name=field_name(w)
                value=value step=self.step.to_string() min=self.min.map(minute) max=self.max.map(minute)
                data-format=self.format.clone() disabled=w.disabled />
        }
        .to_html()
    }
}

/// A date and time field (`st.datetime_input`).
#[must_use = "a widget is drawn by `.show()`"]
pub struct DateTimeInput<'u, 'r> {
    ui: &'u Ui<'r>,
    label: String,
    value: Option<NaiveDateTime>,
    min: Option<NaiveDateTime>,
    max: Option<NaiveDateTime>,
    step: u32,
    format: String,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A date and time field (`st.datetime_input`), at the current minute
    /// (UTC) at first.
    pub fn datetime_input(&self, label: impl Into<String>) -> DateTimeInput<'_, 'r> {
        DateTimeInput {
            ui: self,
            label: label.into(),
            value: None,
            min: None,
            max: None,
            step: DEFAULT_DATETIME_STEP,
            format: DEFAULT_FORMAT.to_owned(),
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] DateTimeInput<'u, 'r>, on_change);
label_options!(impl['u, 'r] DateTimeInput<'u, 'r>);

impl DateTimeInput<'_, '_> {
    /// The date and time at first.
    pub fn value(mut self, at: NaiveDateTime) -> Self {
        self.value = Some(at);
        self
    }

    /// The earliest date and time allowed.
    pub fn min(mut self, at: NaiveDateTime) -> Self {
        self.min = Some(at);
        self
    }

    /// The latest date and time allowed.
    pub fn max(mut self, at: NaiveDateTime) -> Self {
        self.max = Some(at);
        self
    }

    /// Seconds between the times the picker offers: from 60 (a minute) to
    /// 82,800 (23 hours); 900 by default.
    pub fn step(mut self, seconds: u32) -> Self {
        self.step = seconds;
        self
    }

    /// How the date is shown: `"YYYY/MM/DD"` (the default), `"DD.MM.YYYY"`,
    /// `"MM-DD-YYYY"`, ...
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = format.into();
        self
    }

    /// Draws the field and returns its date and time.
    pub fn show(self) -> Result<NaiveDateTime> {
        let DateTimeInput {
            ui,
            label,
            value,
            min,
            max,
            step,
            format,
            common,
        } = self;
        let problem = if !valid_format(&format) {
            Some(format!(
                "the format {format:?} is not valid; use YYYY, MM and DD in the order YYYY/MM/DD, \
                 DD/MM/YYYY or MM/DD/YYYY, separated by `/`, `.` or `-`"
            ))
        } else if !(60..=82_800).contains(&step) {
            Some(format!("the step is {step} seconds; it must be from 60 seconds to 23 hours"))
        } else if min.zip(max).is_some_and(|(lo, hi)| lo > hi) {
            Some("min is after max; swap them".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ui.invalid_argument(format!("datetime_input \"{label}\": {problem}")));
        }
        let now = chrono::Utc::now().naive_utc();
        let now = now.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(now);
        let at = value.unwrap_or_else(|| now.clamp(min.unwrap_or(now), max.unwrap_or(now)));
        let params = DateTimeParams {
            min,
            max,
            step,
            format: format.clone(),
        };
        if let Err(problem) = params.check(&Value::String(stored(at))) {
            return Err(ui.invalid_argument(format!(
                "datetime_input \"{label}\": the value is invalid: {problem}"
            )));
        }
        let help = common.help.clone();
        let given = value.map(stored);
        let (min_s, max_s) = (min.map(stored), max.map(stored));
        let call = WidgetCall {
            kind: Kind::DateTimeInput,
            label,
            common,
            params: Params::new(params),
            default: Value::String(stored(at)),
            default_given: value.is_some(),
        };
        let held: String = ui.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label)
                    .param("value", &given)
                    .param("min_value", &min_s)
                    .param("max_value", &max_s)
                    .param("help", &help);
            }
            id.param("format", &format).param("step", &i64::from(step));
        })?;
        parse(&Value::String(held.clone())).ok_or_else(|| {
            crate::Error::new(
                crate::ErrorKind::TypeMismatch,
                format!("the datetime_input holds {held:?}, which is not a date and time"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a6_a_date_and_time_is_checked_against_the_bounds() {
        let at = |s: &str| parse(&json!(s)).unwrap();
        let p = DateTimeParams {
            min: Some(at("2024-01-01T08:00")),
            max: Some(at("2024-12-31T18:00")),
            step: 900,
            format: DEFAULT_FORMAT.into(),
        };
        assert_eq!(p.validate(json!("2024-06-01T09:30")), Ok(json!("2024-06-01T09:30:00")));
        assert_eq!(
            p.validate(json!({"$datetime": "2024-02-29T12:00:00"})),
            Ok(json!("2024-02-29T12:00:00"))
        );
        assert!(p.validate(json!("2025-01-01T00:00")).unwrap_err().contains("outside the range"));
        for bad in [json!("2024-02-30T10:00"), json!("2024-01-02"), json!(7), json!(null)] {
            assert!(p.validate(bad).unwrap_err().contains("expected a date and time"));
        }
        assert_eq!(p.to_wire(&json!("2024-06-01T09:30:00")), json!("2024-06-01T09:30"));
    }
}
