//! `time_input`: a time of day. Keyed identity: type + key + page + `step`
//! (R4); without a key also the label, value and help. The value is a
//! [`chrono::NaiveTime`], held as `"HH:MM:SS"`; the browser sends `"HH:MM"`
//! or `"HH:MM:SS"` (an `<input type=time>`'s value), and the traces'
//! `{"$time": ..}` is taken too. It must lie on the step grid from midnight
//! (A6).

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{label_options, 
    common_options, declare_kind, short, Common, Kind, Params, Tagged, ValueShape,
    WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// Streamlit's default step: 15 minutes, in seconds.
pub const DEFAULT_STEP: u32 = 900;

/// Reads a time in the forms a time widget takes: `"HH:MM"`, `"HH:MM:SS"`,
/// or either inside `{"$time": ..}`.
pub(crate) fn parse(value: &Value) -> Option<NaiveTime> {
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Object(map) if map.len() == 1 => map.get("$time")?.as_str()?,
        _ => return None,
    };
    NaiveTime::parse_from_str(text, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
        .ok()
}

/// A value from the browser (A6): a time on the step grid, returned as
/// `"HH:MM:SS"`.
pub(crate) fn validate(step: u32, value: &Value) -> Result<Value, String> {
    let time = parse(value).ok_or_else(|| {
        format!(
            "expected a time as \"HH:MM\" or \"HH:MM:SS\", got {}",
            short(value)
        )
    })?;
    if time.nanosecond() != 0 || time.num_seconds_from_midnight() % step != 0 {
        return Err(format!(
            "{time} is not on a step of {step} seconds from midnight"
        ));
    }
    Ok(Value::String(time.format("%H:%M:%S").to_string()))
}

/// A time field's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct TimeParams {
    /// The step between times, in seconds.
    pub step: u32,
}

impl Tagged for TimeParams {
    const TAG: &'static str = "time";
}

declare_kind!(TimeInput = "time_input", Value, TimeParams);

impl WidgetParams for TimeParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(self.step, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        parse(value).is_some()
    }

    fn expected(&self) -> &'static str {
        "a time (\"HH:MM\" or \"HH:MM:SS\")"
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
            <input type="time" id=input_id(w) aria-describedby=described_by(w) name=field_name(w)
                value=w.value.as_str().unwrap_or_default().to_owned() step=self.step.to_string()
                disabled=w.disabled />
        }
        .to_html()
    }
}

/// A time field (`st.time_input`).
#[must_use = "a widget is drawn by `.show()`"]
pub struct TimeInput<'u, 'r> {
    ui: &'u Ui<'r>,
    label: String,
    value: Option<NaiveTime>,
    step: u32,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A time field (`st.time_input`), at midnight at first, in steps of
    /// 15 minutes.
    pub fn time_input(&self, label: impl Into<String>) -> TimeInput<'_, 'r> {
        TimeInput {
            ui: self,
            label: label.into(),
            value: None,
            step: DEFAULT_STEP,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] TimeInput<'u, 'r>, on_change);
label_options!(impl['u, 'r] TimeInput<'u, 'r>);

impl TimeInput<'_, '_> {
    /// The time at first.
    pub fn value(mut self, time: NaiveTime) -> Self {
        self.value = Some(time);
        self
    }

    /// The step between times, in seconds: from 60 (a minute) to 82 800
    /// (23 hours), as in Streamlit.
    pub fn step(mut self, seconds: u32) -> Self {
        self.step = seconds;
        self
    }

    /// Draws the field and returns its time.
    pub fn show(self) -> Result<NaiveTime> {
        let TimeInput {
            ui,
            label,
            value,
            step,
            common,
        } = self;
        if !(60..=82_800).contains(&step) {
            return Err(ui.invalid_argument(format!(
                "time_input \"{label}\": step must be between 60 seconds and 23 hours, not {step} seconds"
            )));
        }
        let time = value.unwrap_or(NaiveTime::MIN);
        let default = match validate(step, &Value::String(time.format("%H:%M:%S").to_string())) {
            Ok(Value::String(s)) => s,
            Ok(_) => unreachable!("validate returns a string"),
            Err(problem) => {
                return Err(ui.invalid_argument(format!(
                    "time_input \"{label}\": the value is invalid: {problem}"
                )))
            }
        };
        let help = common.help.clone();
        let call = WidgetCall {
            kind: Kind::TimeInput,
            label,
            common,
            params: Params::new(TimeParams { step }),
            default: Value::String(default.clone()),
            default_given: value.is_some(),
        };
        ui.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label)
                    .param("value", &default)
                    .param("help", &help);
            }
            id.param("step", &step);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a6_times_are_checked_against_the_step() {
        assert_eq!(validate(60, &json!("10:30")), Ok(json!("10:30:00")));
        assert_eq!(validate(900, &json!("10:45:00")), Ok(json!("10:45:00")));
        assert_eq!(
            validate(60, &json!({"$time": "23:59"})),
            Ok(json!("23:59:00"))
        );
        assert!(validate(900, &json!("10:40"))
            .unwrap_err()
            .contains("not on a step of 900"));
        for bad in [json!("25:00"), json!("noon"), json!(1030), json!(null)] {
            assert!(validate(60, &bad).unwrap_err().contains("expected a time"));
        }
    }
}
