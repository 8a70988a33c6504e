//! `number_input`: an integer or float field. Keyed identity: type + key +
//! page (R4): unlike the slider, its bounds do not count.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{label_options, 
    clamp, common_options, declare_kind, fits_number, number_from_query, numeric_bounds, one_query,
    short, Common, Kind, Number, Numeric, Params, Tagged, ValueShape, WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A value from the browser (A6): a number of the field's type within its
/// bounds. Integers sent to a float field become floats.
pub(crate) fn validate(
    min: Option<Number>,
    max: Option<Number>,
    float: bool,
    value: &Value,
) -> Result<Value, String> {
    let n = Number::from_json(value)
        .and_then(|n| n.coerce(float))
        .ok_or_else(|| {
            format!(
                "expected {}, got {}",
                if float { "a number" } else { "an integer" },
                short(value)
            )
        })?;
    if let Some(min) = min {
        if n < min {
            return Err(format!("{n} is below the minimum {min}"));
        }
    }
    if let Some(max) = max {
        if n > max {
            return Err(format!("{n} is above the maximum {max}"));
        }
    }
    Ok(n.to_json())
}

/// A number field's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct NumberInputParams {
    /// Lower bound, if any.
    pub min: Option<Number>,
    /// Upper bound, if any.
    pub max: Option<Number>,
    /// Step of the +/- buttons.
    pub step: Number,
    /// Floats (true) or integers.
    pub float: bool,
}

impl Tagged for NumberInputParams {
    const TAG: &'static str = "number_input";
}

declare_kind!(NumberInput = "number_input", Value, NumberInputParams);

impl WidgetParams for NumberInputParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(self.min, self.max, self.float, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        fits_number(value, self.float)
    }

    fn expected(&self) -> &'static str {
        if self.float {
            "a number"
        } else {
            "an integer"
        }
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        number_from_query(one_query(raw)?)
    }

    fn carry_over(&self, value: &Value) -> Option<Value> {
        clamp(value, self.min, self.max)
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Number
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{field_name, input_id, label_for, num, described_by};
        use leptos::prelude::*;
        view! {
            {label_for(w)}
            <input type="number" id=input_id(w) aria-describedby=described_by(w) name=field_name(w) value=w.value.to_string()
                min=self.min.map(num) max=self.max.map(num) step=num(self.step) disabled=w.disabled />
        }
        .to_html()
    }
}

/// A number field.
#[must_use = "a widget is drawn by `.show()`"]
pub struct NumberInput<'u, 'r, T> {
    ui: &'u Ui<'r>,
    label: String,
    min: Option<T>,
    max: Option<T>,
    step: Option<T>,
    value: Option<T>,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A number field (`st.number_input`). Its value is `min`, or zero, at
    /// first. The type decides integer or float: `number_input::<f64>`, or
    /// integer bounds such as `.min(1).max(5)`; [`Number`] decides as
    /// Python does, from the types of the value and bounds given.
    pub fn number_input<T: Numeric>(&self, label: impl Into<String>) -> NumberInput<'_, 'r, T> {
        NumberInput {
            ui: self,
            label: label.into(),
            min: None,
            max: None,
            step: None,
            value: None,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r, T] NumberInput<'u, 'r, T>, on_change);
label_options!(impl['u, 'r, T] NumberInput<'u, 'r, T>);

impl<T: Numeric> NumberInput<'_, '_, T> {
    /// The smallest value allowed.
    pub fn min(mut self, min: T) -> Self {
        self.min = Some(min);
        self
    }

    /// The largest value allowed.
    pub fn max(mut self, max: T) -> Self {
        self.max = Some(max);
        self
    }

    /// The step of the +/- buttons (1 for integers, 0.01 for floats).
    pub fn step(mut self, step: T) -> Self {
        self.step = Some(step);
        self
    }

    /// The value at first.
    pub fn value(mut self, value: T) -> Self {
        self.value = Some(value);
        self
    }

    /// Draws the field and returns its value.
    pub fn show(self) -> Result<T> {
        let NumberInput {
            ui,
            label,
            min,
            max,
            step,
            value,
            common,
        } = self;
        // As in Streamlit: floats if any number given is a float; with none
        // given, the type decides.
        let given: Vec<T> = [value, min, max].into_iter().flatten().collect();
        let float = if given.is_empty() {
            T::float_by_default(true)
        } else {
            given.iter().any(|g| g.is_float())
        };
        let b = numeric_bounds(
            ui,
            Kind::NumberInput,
            &label,
            float,
            (min, max, step),
            value.as_slice(),
        )?;
        let (min_n, max_n, step_n) = (b.min, b.max, b.step);
        let zero = if float {
            Number::Float(0.0)
        } else {
            Number::Int(0)
        };
        let default = b.values.first().copied().or(min_n).unwrap_or(zero);
        let default_json = default.to_json();
        let help = common.help.clone();
        let call = WidgetCall {
            kind: Kind::NumberInput,
            label,
            common,
            params: Params::new(NumberInputParams {
                min: min_n,
                max: max_n,
                step: step_n,
                float,
            }),
            default: default_json,
            default_given: value.is_some(),
        };
        ui.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label)
                    .param("min_value", &min_n)
                    .param("max_value", &max_n)
                    .param("value", &default)
                    .param("step", &step_n)
                    .param("help", &help);
            }
        })
    }
}
