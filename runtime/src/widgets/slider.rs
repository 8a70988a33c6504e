//! `slider`: a number or a range of numbers between bounds. Keyed identity:
//! type + key + page + `min_value`, `max_value`, `step` (R4): a slider whose
//! bounds change is a new widget (R12) unless its key holds a value (R11).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{label_options, 
    clamp, common_options, declare_kind, fits_number, number_from_query, numeric_bounds, short,
    Common, Kind, Number, Numeric, Params, Tagged, ValueShape, WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// Whether `v` lies in `[min, max]` and on the step grid from `min`.
fn check_point(min: Number, max: Number, step: Number, v: Number) -> Result<(), String> {
    if v < min || v > max {
        return Err(format!("{v} is outside the range {min} to {max}"));
    }
    let steps = (v.as_f64() - min.as_f64()) / step.as_f64();
    if (steps - steps.round()).abs() > 1e-6 {
        return Err(format!("{v} is not on a step of {step} from {min}"));
    }
    Ok(())
}

/// A value from the browser (A6): a number (or a `[low, high]` pair) of the
/// slider's type, inside its bounds, on its step grid.
pub(crate) fn validate(
    min: Number,
    max: Number,
    step: Number,
    range: bool,
    value: &Value,
) -> Result<Value, String> {
    let float = min.is_float();
    let point = |v: &Value| -> Result<Number, String> {
        let n = Number::from_json(v)
            .and_then(|n| n.coerce(float))
            .ok_or_else(|| {
                format!(
                    "expected {}, got {}",
                    if float { "a number" } else { "an integer" },
                    short(v)
                )
            })?;
        check_point(min, max, step, n)?;
        Ok(n)
    };
    if !range {
        return point(value).map(Number::to_json);
    }
    match value.as_array().map(Vec::as_slice) {
        Some([low, high]) => {
            let (low, high) = (point(low)?, point(high)?);
            if low > high {
                return Err(format!("the range [{low}, {high}] is reversed"));
            }
            Ok(Value::Array(vec![low.to_json(), high.to_json()]))
        }
        _ => Err(format!("expected a pair of numbers, got {}", short(value))),
    }
}

/// A slider's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct SliderParams {
    /// Lower bound.
    pub min: Number,
    /// Upper bound.
    pub max: Number,
    /// Step.
    pub step: Number,
    /// Whether the value is a `[low, high]` pair.
    pub range: bool,
}

impl Tagged for SliderParams {
    const TAG: &'static str = "slider";
}

declare_kind!(Slider = "slider", Value, SliderParams);

impl WidgetParams for SliderParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(self.min, self.max, self.step, self.range, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        let float = self.min.is_float();
        if self.range {
            value
                .as_array()
                .is_some_and(|a| a.len() == 2 && a.iter().all(|v| fits_number(v, float)))
        } else {
            fits_number(value, float)
        }
    }

    fn expected(&self) -> &'static str {
        match (self.range, self.min.is_float()) {
            (true, _) => "a pair of numbers",
            (false, false) => "an integer",
            (false, true) => "a number",
        }
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        match (raw, self.range) {
            ([r], false) => number_from_query(r),
            ([a, b], true) => Some(Value::Array(vec![
                number_from_query(a)?,
                number_from_query(b)?,
            ])),
            _ => None,
        }
    }

    fn carry_over(&self, value: &Value) -> Option<Value> {
        let (lo, hi) = (Some(self.min), Some(self.max));
        match (self.range, value) {
            (false, v) => clamp(v, lo, hi),
            (true, Value::Array(pair)) => pair
                .iter()
                .map(|v| clamp(v, lo, hi))
                .collect::<Option<_>>()
                .map(Value::Array),
            (true, v) => Some(v.clone()),
        }
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Numbers
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, help, input_id, num, described_by};
        use leptos::prelude::*;
        let values: Vec<String> = match (self.range, w.value) {
            (true, Value::Array(a)) => a.iter().map(|v| v.to_string()).collect(),
            _ => vec![w.value.to_string()],
        };
        let shown = values.join(" – ");
        // The label's text alone names the inputs, never the value beside it.
        let labelled_by = format!("l-{}", w.id);
        let inputs = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let aria = self.range.then_some(if i == 0 { "low" } else { "high" });
                view! {
                    <input type="range" id=format!("{}-{i}", input_id(w)) aria-describedby=described_by(w) name=field_name(w)
                        min=num(self.min) max=num(self.max) step=num(self.step) value=v
                        disabled=w.disabled aria-labelledby=labelled_by.clone() data-thumb=aria />
                }
            })
            .collect_view();
        view! {
            <div class="bk-label">
                <span id=labelled_by.clone()>{w.label.to_owned()}</span>{help(w)}" "
                <output class="bk-output">{shown}</output>
            </div>
            <div class="bk-slider">{inputs}</div>
        }
        .to_html()
    }
}

/// A slider's checked parameters, in its form (integers or floats).
struct Bounds {
    min: Number,
    max: Number,
    step: Number,
    /// The values given, in the same form.
    values: Vec<Number>,
}

/// Checks the parameters a page passed and puts them in the slider's form:
/// floats if any bound or value is a float.
fn bounds<T: Numeric>(
    ui: &Ui<'_>,
    label: &str,
    (min, max, step): (T, T, Option<T>),
    values: &[T],
) -> Result<Bounds> {
    let float = [min, max].iter().chain(values).any(|v| v.is_float());
    let b = numeric_bounds(
        ui,
        Kind::Slider,
        label,
        float,
        (Some(min), Some(max), step),
        values,
    )?;
    // Both bounds were given, so both are there.
    let (Some(min), Some(max)) = (b.min, b.max) else {
        unreachable!("numeric_bounds keeps the bounds it is given")
    };
    Ok(Bounds {
        min,
        max,
        step: b.step,
        values: b.values,
    })
}

fn register<R: serde::de::DeserializeOwned>(
    ui: &Ui<'_>,
    label: String,
    b: Bounds,
    default: Value,
    default_given: bool,
    range: bool,
    common: Common,
) -> Result<R> {
    let help = common.help.clone();
    let call = WidgetCall {
        kind: Kind::Slider,
        label,
        common,
        params: Params::new(SliderParams {
            min: b.min,
            max: b.max,
            step: b.step,
            range,
        }),
        default: default.clone(),
        default_given,
    };
    ui.register(call, |id, keyed, label, _params| {
        if !keyed {
            id.param("label", label)
                .param("value", &default)
                .param("help", &help);
        }
        id.param("min_value", &b.min)
            .param("max_value", &b.max)
            .param("step", &b.step);
    })
}

/// A slider over numbers.
#[must_use = "a widget is drawn by `.show()`"]
pub struct Slider<'u, 'r, T> {
    ui: &'u Ui<'r>,
    label: String,
    min: T,
    max: T,
    step: Option<T>,
    value: Option<T>,
    common: Common,
}

/// A slider that selects a range of numbers.
#[must_use = "a widget is drawn by `.show()`"]
pub struct RangeSlider<'u, 'r, T> {
    ui: &'u Ui<'r>,
    label: String,
    min: T,
    max: T,
    step: Option<T>,
    value: Option<(T, T)>,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A slider from `min` to `max` (`st.slider`); at `min` at first.
    /// Integer bounds give an integer slider, float bounds a float one.
    pub fn slider<T: Numeric>(
        &self,
        label: impl Into<String>,
        min: T,
        max: T,
    ) -> Slider<'_, 'r, T> {
        Slider {
            ui: self,
            label: label.into(),
            min,
            max,
            step: None,
            value: None,
            common: Common::default(),
        }
    }

    /// A range slider from `min` to `max` (`st.slider` with a tuple value);
    /// the whole range at first.
    pub fn range_slider<T: Numeric>(
        &self,
        label: impl Into<String>,
        min: T,
        max: T,
    ) -> RangeSlider<'_, 'r, T> {
        RangeSlider {
            ui: self,
            label: label.into(),
            min,
            max,
            step: None,
            value: None,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r, T] Slider<'u, 'r, T>, on_change);
label_options!(impl['u, 'r, T] Slider<'u, 'r, T>);
common_options!(impl['u, 'r, T] RangeSlider<'u, 'r, T>, on_change);
label_options!(impl['u, 'r, T] RangeSlider<'u, 'r, T>);

impl<T: Numeric> Slider<'_, '_, T> {
    /// The value at first.
    pub fn value(mut self, value: T) -> Self {
        self.value = Some(value);
        self
    }

    /// The step between values (1 for integers, 0.01 for floats).
    pub fn step(mut self, step: T) -> Self {
        self.step = Some(step);
        self
    }

    /// Draws the slider and returns its value.
    pub fn show(self) -> Result<T> {
        let Slider {
            ui,
            label,
            min,
            max,
            step,
            value,
            common,
        } = self;
        let b = bounds(ui, &label, (min, max, step), value.as_slice())?;
        let default = b.values.first().copied().unwrap_or(b.min).to_json();
        register(ui, label, b, default, value.is_some(), false, common)
    }
}

impl<T: Numeric> RangeSlider<'_, '_, T> {
    /// The range at first.
    pub fn value(mut self, low: T, high: T) -> Self {
        self.value = Some((low, high));
        self
    }

    /// The step between values (1 for integers, 0.01 for floats).
    pub fn step(mut self, step: T) -> Self {
        self.step = Some(step);
        self
    }

    /// Draws the slider and returns its range.
    pub fn show(self) -> Result<(T, T)> {
        let RangeSlider {
            ui,
            label,
            min,
            max,
            step,
            value,
            common,
        } = self;
        let given: Vec<T> = value.map(|(low, high)| vec![low, high]).unwrap_or_default();
        let b = bounds(ui, &label, (min, max, step), &given)?;
        let (low, high) = match b.values.as_slice() {
            [low, high] => (*low, *high),
            _ => (b.min, b.max),
        };
        if low > high {
            return Err(ui.invalid_argument(format!(
                "range slider \"{label}\": the value's low end {low} is above its high end {high}"
            )));
        }
        let default = Value::Array(vec![low.to_json(), high.to_json()]);
        register(ui, label, b, default, value.is_some(), true, common)
    }
}
