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
    /// A range: a start and an end date (`value=(start, end)` in Streamlit).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub range: bool,
}

impl DateParams {
    /// A range from the browser: two dates within the bounds, the start
    /// not after the end.
    fn validate_range(&self, value: &Value) -> Result<Value, String> {
        let [start, end] = value.as_array().map(Vec::as_slice).unwrap_or_default() else {
            return Err(format!("expected a start and an end date, got {}", short(value)));
        };
        let (start, end) = (validate(self.min, self.max, start)?, validate(self.min, self.max, end)?);
        if start.as_str() > end.as_str() {
            return Err(format!("the start {start} is after the end {end}"));
        }
        Ok(Value::Array(vec![start, end]))
    }
}

impl Tagged for DateParams {
    const TAG: &'static str = "date";
}

declare_kind!(DateInput = "date_input", Value, DateParams);

impl WidgetParams for DateParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        if self.range {
            return self.validate_range(&value);
        }
        validate(self.min, self.max, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        match (self.range, value.as_array().map(Vec::as_slice)) {
            (true, Some([a, b])) => parse(a).is_some() && parse(b).is_some(),
            (true, _) => false,
            (false, _) => parse(value).is_some(),
        }
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        match (self.range, raw) {
            (true, [a, b]) => Some(serde_json::json!([a, b])),
            (false, [one]) => Some(Value::String(one.clone())),
            _ => None,
        }
    }

    fn expected(&self) -> &'static str {
        "a date (\"YYYY-MM-DD\")"
    }

    fn shape(&self) -> ValueShape {
        if self.range {
            ValueShape::TextPair
        } else {
            ValueShape::OptionalText
        }
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, input_id, label_for, described_by};
        use leptos::prelude::*;
        if self.range {
            return self.render_range(w);
        }
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

impl DateParams {
    /// A range: a start and an end field in a group named by the label.
    #[cfg(feature = "server")]
    fn render_range(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{described_by, field_name, help};
        use leptos::prelude::*;
        let ends = w.value.as_array().cloned().unwrap_or_default();
        let field = |at: usize, name: &'static str| {
            view! {
                <input type="date" name=field_name(w) aria-label=name
                    value=ends.get(at).and_then(Value::as_str).unwrap_or_default().to_owned()
                    min=self.min.map(|d| d.to_string()) max=self.max.map(|d| d.to_string())
                    data-format=self.format.clone() disabled=w.disabled />
            }
        };
        view! {
            <fieldset class="bk-fieldset" aria-describedby=described_by(w)>
                <legend>{w.label.to_owned()}{help(w)}</legend>
                <div class="bk-date-range">{field(0, "Start")}<span aria-hidden="true">" \u{2013} "</span>{field(1, "End")}</div>
            </fieldset>
        }
        .to_html()
    }
}

/// A date field's identity parameters: without a key the label, value,
/// bounds and help; always the format (R4).
fn fold_identity(
    id: &mut crate::identity::IdentityBuilder,
    keyless: Option<(&str, &(impl crate::identity::IdentityValue + ?Sized), &Option<String>)>,
    (min, max): (&Option<String>, &Option<String>),
    format: &str,
) {
    if let Some((label, value, help)) = keyless {
        id.param("label", label)
            .param("value", value)
            .param("min_value", min)
            .param("max_value", max)
            .param("help", help);
    }
    id.param("format", format);
}

/// The checks of a date field's options: its format and bounds.
fn check_options(
    ui: &Ui<'_>,
    label: &str,
    format: &str,
    min: Option<NaiveDate>,
    max: Option<NaiveDate>,
) -> Result<()> {
    if !valid_format(format) {
        return Err(ui.invalid_argument(format!(
            "date_input \"{label}\": the format {format:?} is not valid; use YYYY, MM and DD in the \
             order YYYY/MM/DD, DD/MM/YYYY or MM/DD/YYYY, separated by `/`, `.` or `-`"
        )));
    }
    match (min, max) {
        (Some(lo), Some(hi)) if lo > hi => Err(ui.invalid_argument(format!(
            "date_input \"{label}\": min {lo} is after max {hi}; swap them"
        ))),
        _ => Ok(()),
    }
}

/// A date field in range mode: [`DateInput::range`].
#[must_use = "a widget is drawn by `.show()`"]
pub struct DateRangeInput<'u, 'r> {
    field: DateInput<'u, 'r>,
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRangeInput<'_, '_> {
    /// The widget's key (R2, R9).
    pub fn key(mut self, key: impl std::fmt::Display) -> Self {
        self.field = self.field.key(key);
        self
    }

    /// A callback when the user changes the range (R25–R27).
    pub fn on_change(
        mut self,
        callback: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.field = self.field.on_change(callback);
        self
    }

    /// A tooltip next to the label.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.field = self.field.help(help);
        self
    }

    /// Draws the fields disabled (R43).
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.field = self.field.disabled(disabled);
        self
    }

    /// Used by `#[page]`: the call's compile-time site. Not public API.
    #[doc(hidden)]
    pub fn __site(mut self, site: &'static crate::identity::WidgetSite) -> Self {
        self.field = self.field.__site(site);
        self
    }

    /// Draws the two fields and returns the start and the end.
    pub fn show(self) -> Result<(NaiveDate, NaiveDate)> {
        let DateRangeInput { field, start, end } = self;
        let DateInput {
            ui,
            label,
            min,
            max,
            format,
            common,
            ..
        } = field;
        check_options(ui, &label, &format, min, max)?;
        let params = DateParams {
            min,
            max,
            format: format.clone(),
            range: true,
        };
        let default = serde_json::json!([start.to_string(), end.to_string()]);
        if let Err(problem) = params.validate_range(&default) {
            return Err(ui.invalid_argument(format!(
                "date_input \"{label}\": the range is invalid: {problem}"
            )));
        }
        let help = common.help.clone();
        let (min_s, max_s) = (min.map(|d| d.to_string()), max.map(|d| d.to_string()));
        let call = WidgetCall {
            kind: Kind::DateInput,
            label,
            common,
            params: Params::new(params),
            default: default.clone(),
            default_given: true,
        };
        ui.register(call, |id, keyed, label, _params| {
            let keyless = (!keyed).then_some((label, &default, &help));
            fold_identity(id, keyless, (&min_s, &max_s), &format);
        })
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

impl<'u, 'r> DateInput<'u, 'r> {
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

    /// A range of dates instead of one, from `start` to `end` at first
    /// (`value=(start, end)` in Streamlit): a start and an end field; the
    /// start may not be after the end (A6).
    pub fn range(self, start: NaiveDate, end: NaiveDate) -> DateRangeInput<'u, 'r> {
        DateRangeInput {
            field: self,
            start,
            end,
        }
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
        check_options(ui, &label, &format, min, max)?;
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
                range: false,
            }),
            default: Value::String(default.clone()),
            default_given: value.is_some(),
        };
        ui.register(call, |id, keyed, label, _params| {
            let keyless = (!keyed).then_some((label, &default, &help));
            fold_identity(id, keyless, (&min_s, &max_s), &format);
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
    fn a6_a_range_is_two_dates_in_order_within_the_bounds() {
        let p = DateParams {
            min: Some(d("2024-01-01")),
            max: Some(d("2024-12-31")),
            format: DEFAULT_FORMAT.into(),
            range: true,
        };
        assert_eq!(
            p.validate(json!(["2024-02-01", {"$date": "2024-02-03"}])),
            Ok(json!(["2024-02-01", "2024-02-03"]))
        );
        assert!(p.validate(json!(["2024-02-03", "2024-02-01"])).unwrap_err().contains("is after the end"));
        assert!(p.validate(json!(["2024-02-03"])).unwrap_err().contains("a start and an end"));
        assert!(p.validate(json!(["2023-02-03", "2024-01-02"])).unwrap_err().contains("outside the range"));
        assert_eq!(p.shape().read_form(&["2024-03-01", "2024-03-02"]), Ok(Some(json!(["2024-03-01", "2024-03-02"]))));
        assert_eq!(p.shape().read_form(&["2024-03-01", ""]), Ok(None));
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
