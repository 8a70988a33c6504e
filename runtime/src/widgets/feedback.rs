//! `feedback`: thumbs, faces or stars, returning the index picked or
//! nothing (`Option<u8>`), as Streamlit's `st.feedback`. Thumbs are 1 (up,
//! shown first) and 0 (down); faces 0 (very unhappy) to 4 (very happy);
//! stars 0 (one star) to 4 (five). A click on the option picked clears it.
//! Keyed identity: type + key + page + the options (R4); without a key
//! also the default.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    common_options, declare_kind, one_query, short, Common, Kind, Params, Tagged, ValueShape,
    WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// What a feedback widget asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedbackOptions {
    /// Thumbs up (1) or down (0).
    Thumbs,
    /// Five faces, from very unhappy (0) to very happy (4).
    Faces,
    /// One to five stars (0 to 4).
    Stars,
}

impl FeedbackOptions {
    /// Its name in Streamlit, and in the widget's identity.
    fn name(self) -> &'static str {
        match self {
            FeedbackOptions::Thumbs => "thumbs",
            FeedbackOptions::Faces => "faces",
            FeedbackOptions::Stars => "stars",
        }
    }

    fn count(self) -> u8 {
        match self {
            FeedbackOptions::Thumbs => 2,
            FeedbackOptions::Faces | FeedbackOptions::Stars => 5,
        }
    }

    /// The values in the order they are shown: thumbs up comes first.
    fn shown(self) -> Vec<u8> {
        match self {
            FeedbackOptions::Thumbs => vec![1, 0],
            _ => (0..self.count()).collect(),
        }
    }

    /// What names the group for assistive technology (there is no label).
    fn label(self) -> &'static str {
        match self {
            FeedbackOptions::Thumbs => "Thumbs up or down",
            FeedbackOptions::Faces => "How do you feel about it",
            FeedbackOptions::Stars => "Rating",
        }
    }

    /// Value `v`'s mark and its name.
    #[cfg(feature = "server")]
    fn option(self, v: u8) -> (&'static str, String) {
        match self {
            FeedbackOptions::Thumbs if v == 1 => ("\u{1f44d}", "Thumbs up".into()),
            FeedbackOptions::Thumbs => ("\u{1f44e}", "Thumbs down".into()),
            FeedbackOptions::Faces => {
                let faces = ["\u{1f61e}", "\u{1f641}", "\u{1f610}", "\u{1f642}", "\u{1f600}"];
                let names = ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"];
                (faces[usize::from(v)], names[usize::from(v)].into())
            }
            FeedbackOptions::Stars if v == 0 => ("\u{2605}", "1 star".into()),
            FeedbackOptions::Stars => ("\u{2605}", format!("{} stars", v + 1)),
        }
    }
}

/// A feedback widget's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct FeedbackParams {
    pub options: FeedbackOptions,
}

impl Tagged for FeedbackParams {
    const TAG: &'static str = "feedback";
}

declare_kind!(Feedback = "feedback", Value, FeedbackParams);

impl FeedbackParams {
    fn in_range(&self, v: &Value) -> bool {
        v.as_u64().is_some_and(|i| i < u64::from(self.options.count()))
    }
}

impl WidgetParams for FeedbackParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        if value.is_null() || self.in_range(&value) {
            return Ok(value);
        }
        Err(format!(
            "{} is not one of the {} options (0 to {})",
            short(&value),
            self.options.name(),
            self.options.count() - 1
        ))
    }

    fn accepts(&self, value: &Value) -> bool {
        value.is_null() || value.is_u64()
    }

    fn expected(&self) -> &'static str {
        "an option's index, or nothing"
    }

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        let v: u8 = one_query(raw)?.parse().ok()?;
        (v < self.options.count()).then(|| Value::from(v))
    }

    fn to_query(&self, value: &Value) -> Vec<String> {
        value.as_u64().map(|v| v.to_string()).into_iter().collect()
    }

    /// Checkboxes in a `data-exclusive` group, as pills: the position
    /// shown travels, `[]` when nothing is picked.
    fn shape(&self) -> ValueShape {
        ValueShape::Indexes
    }

    fn read_wire(&self, wire: Value) -> Result<Value, String> {
        let shown = self.options.shown();
        match wire.as_array().map(Vec::as_slice) {
            Some([]) => Ok(Value::Null),
            Some([at]) => at
                .as_u64()
                .and_then(|at| shown.get(at as usize))
                .map(|v| Value::from(*v))
                .ok_or_else(|| format!("{at} is not the position of a {} option", self.options.name())),
            _ => Err(format!("expected at most one option position, got {}", short(&wire))),
        }
    }

    fn to_wire(&self, value: &Value) -> Value {
        let at = value
            .as_u64()
            .and_then(|v| self.options.shown().iter().position(|s| u64::from(*s) == v));
        Value::Array(at.map(Value::from).into_iter().collect())
    }

    /// Stars up to the one picked are lit by the stylesheet (`:has`), so
    /// that they follow a click before the answer comes.
    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{described_by, field_name, help};
        use leptos::prelude::*;
        let picked = w.value.as_u64();
        let items = self
            .options
            .shown()
            .into_iter()
            .enumerate()
            .map(|(at, v)| {
                let (mark, name) = self.options.option(v);
                let title = name.clone();
                view! {
                    <label class="bk-pill bk-feedback-option" title=title>
                        <input type="checkbox" name=field_name(w) value=at.to_string() aria-label=name
                            checked=picked == Some(u64::from(v)) disabled=w.disabled />
                        <span aria-hidden="true">{mark}</span>
                    </label>
                }
            })
            .collect_view();
        let class = format!("bk-group bk-feedback bk-{}", self.options.name());
        view! {
            <fieldset class="bk-fieldset" aria-describedby=described_by(w)>
                <legend class="bk-sr-only">{w.label.to_owned()}</legend>
                <div class=class role="group" data-exclusive="1">{items}{help(w)}</div>
            </fieldset>
        }
        .to_html()
    }
}

/// Thumbs, faces or stars (`st.feedback`).
#[must_use = "a widget is drawn by `.show()`"]
pub struct Feedback<'u, 'r> {
    ui: &'u Ui<'r>,
    options: FeedbackOptions,
    default: Option<u8>,
    common: Common,
}

impl<'r> Ui<'r> {
    /// Thumbs, faces or stars to pick one of (`st.feedback`), nothing
    /// picked at first. It returns the index picked: thumbs are 1 (up) and
    /// 0 (down), faces and stars 0 to 4.
    pub fn feedback(&self, options: FeedbackOptions) -> Feedback<'_, 'r> {
        Feedback {
            ui: self,
            options,
            default: None,
            common: Common::default(),
        }
    }
}

common_options!(impl['u, 'r] Feedback<'u, 'r>, on_change);

impl Feedback<'_, '_> {
    /// The index picked at first.
    pub fn default_value(mut self, index: u8) -> Self {
        self.default = Some(index);
        self
    }

    /// Draws the options and returns the index picked, if any.
    pub fn show(self) -> Result<Option<u8>> {
        let Feedback {
            ui,
            options,
            default,
            common,
        } = self;
        if let Some(d) = default.filter(|d| *d >= options.count()) {
            return Err(ui.invalid_argument(format!(
                "feedback ({}): the default {d} is out of range; it is from 0 to {}",
                options.name(),
                options.count() - 1
            )));
        }
        let default_value = default.map_or(Value::Null, Value::from);
        let call = WidgetCall {
            kind: Kind::Feedback,
            label: options.label().to_owned(),
            common,
            params: Params::new(FeedbackParams { options }),
            default: default_value.clone(),
            default_given: default.is_some(),
        };
        ui.register(call, |id, keyed, _label, _params| {
            id.param("options", &options.name());
            if !keyed {
                id.param("default", &default_value);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a6_a_value_is_an_option_index_or_nothing() {
        let thumbs = FeedbackParams {
            options: FeedbackOptions::Thumbs,
        };
        assert_eq!(thumbs.validate(json!(1)), Ok(json!(1)));
        assert_eq!(thumbs.validate(json!(null)), Ok(json!(null)));
        assert!(thumbs.validate(json!(2)).unwrap_err().contains("0 to 1"));
        assert!(thumbs.validate(json!("1")).is_err());
        // Shown first, thumbs up is position 0 and value 1.
        assert_eq!(thumbs.read_wire(json!([0])), Ok(json!(1)));
        assert_eq!(thumbs.read_wire(json!([])), Ok(json!(null)));
        assert!(thumbs.read_wire(json!([2])).is_err());
        assert!(thumbs.read_wire(json!([0, 1])).is_err());
        assert_eq!(thumbs.to_wire(&json!(0)), json!([1]));
        let stars = FeedbackParams {
            options: FeedbackOptions::Stars,
        };
        assert_eq!(stars.read_query(&["4".into()]), Some(json!(4)));
        assert_eq!(stars.read_query(&["5".into()]), None);
    }

    /// Through the harness: its value, a stored index that does not fit,
    /// a clear; a default out of range is a clear error; keyed, the
    /// options count for the identity.
    #[test]
    fn it_round_trips_clears_and_refuses_what_does_not_fit() {
        use crate::testing::{AppTest, Target};
        use crate::{App, Page};
        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            let rating = ui.feedback(FeedbackOptions::Stars).key("rating").show()?;
            ui.text(format!("rating = {rating:?}"));
            Ok(())
        })));
        t.run().unwrap();
        assert_eq!(t.texts(), ["rating = None"]);
        t.set_value(Target::key("feedback", "rating"), 3).unwrap();
        assert_eq!(t.texts(), ["rating = Some(3)"]);
        t.set_value(Target::key("feedback", "rating"), Value::Null).unwrap();
        assert_eq!(t.texts(), ["rating = None"]);
        assert!(t.set_value(Target::key("feedback", "rating"), 5).is_err());

        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            ui.feedback(FeedbackOptions::Thumbs).default_value(2).show()?;
            Ok(())
        })));
        t.run().unwrap();
        let errors = t.tree().exceptions();
        assert!(errors[0].1.contains("feedback (thumbs): the default 2 is out of range"), "{errors:?}");

        let id = |options| {
            let mut t = AppTest::new(App::new().page(Page::new("app", move |ui| {
                ui.feedback(options).key("k").show()?;
                Ok(())
            })));
            t.run().unwrap();
            t.widgets()[0].id
        };
        assert_ne!(id(FeedbackOptions::Faces), id(FeedbackOptions::Stars));
    }
}
