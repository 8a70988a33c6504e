//! `slider`: a number or a range of numbers between bounds. Keyed identity:
//! type + key + page + `min_value`, `max_value`, `step` (R4): a slider whose
//! bounds change is a new widget (R12) unless its key holds a value (R11).

use serde_json::Value;

use super::{common_options, numeric_bounds, short, Common, Kind, Number, Numeric, Params};
use crate::run::{Ui, WidgetCall};
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
        params: Params::Slider {
            min: b.min,
            max: b.max,
            step: b.step,
            range,
        },
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
common_options!(impl['u, 'r, T] RangeSlider<'u, 'r, T>, on_change);

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
