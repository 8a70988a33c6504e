//! `expander`: a part of the page that opens and closes (`st.expander`).
//! A tracking expander (see [`super::panel`]) is a widget whose value is
//! whether it is open, `expanded` at first. Identity: type + key + page +
//! the label and `expanded`, with a key too.
//!
//! It is a `<details>`, which opens and closes without JavaScript; a
//! tracking one also has a button for the no-JavaScript post.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::panel::{open_value, tracking_options, Panel, Tracking};
use super::{declare_kind, one_query, Common, Kind, Params, Tagged, WidgetParams};
use crate::elements::Element;
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A tracking expander's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ExpanderParams {
    pub expanded: bool,
}

impl Tagged for ExpanderParams {
    const TAG: &'static str = "expander";
}

declare_kind!(Expander = "expander", Container, ExpanderParams);

impl WidgetParams for ExpanderParams {
    open_value!();

    fn read_query(&self, raw: &[String]) -> Option<Value> {
        one_query(raw)?.parse::<bool>().ok().map(Value::Bool)
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use leptos::prelude::*;
        let open = w.value.as_bool().unwrap_or(false);
        let face = super::view::escape(w.label) + &no_script_toggle(w, open);
        let summary = view! { <summary inner_html=face></summary> }.to_html();
        let inner = summary + crate::params::CHILDREN;
        view! { <details class="bk-expander" data-slot="1" open=open inner_html=inner></details> }.to_html()
    }
}

/// Without JavaScript, opening or closing a `<details>` stays in the page:
/// this button posts it.
#[cfg(feature = "server")]
pub(crate) fn no_script_toggle(w: &super::Drawn<'_>, open: bool) -> String {
    use leptos::prelude::*;
    let (value, text) = if open { ("false", "Close") } else { ("true", "Open") };
    let button = view! {
        <button type="submit" class="bk-open-toggle" name=w.id.to_string() value=value>{text}</button>
    }
    .to_html();
    format!("<noscript>{button}</noscript>")
}

/// An expander.
#[must_use = "an expander is drawn by `.show()`"]
pub struct Expander<'u, 'r> {
    ui: &'u Ui<'r>,
    label: String,
    expanded: bool,
    common: Common,
    tracking: Tracking,
}

impl<'r> Ui<'r> {
    /// A part of the page that opens and closes (`st.expander`), closed
    /// at first.
    pub fn expander(&self, label: impl Into<String>) -> Expander<'_, 'r> {
        Expander {
            ui: self,
            label: label.into(),
            expanded: false,
            common: Common::default(),
            tracking: Tracking::default(),
        }
    }
}

tracking_options!(impl['u, 'r] Expander<'u, 'r>);

impl<'r> Expander<'_, 'r> {
    /// Open at first.
    pub fn expanded(mut self, expanded: bool) -> Self {
        self.expanded = expanded;
        self
    }

    /// Binds whether it is open to the URL's query parameter named by the
    /// key (`bind="query-params"`, R40); it makes the expander track it.
    /// Needs a key.
    pub fn bind_query_params(mut self) -> Self {
        self.common.bind_query_params = true;
        self
    }

    /// Draws the expander and returns its panel.
    pub fn show(self) -> Result<Panel<'r>> {
        let Expander {
            ui,
            label,
            expanded,
            common,
            tracking,
        } = self;
        if !tracking.tracks(&common) {
            if let Some(key) = &common.key {
                ui.claim_key("expander", key)?;
            }
            let node = ui.push(Element::Expander { label, expanded });
            return Ok(Panel::new(ui.at(node), None));
        }
        let call = WidgetCall {
            kind: Kind::Expander,
            label,
            common,
            params: Params::new(ExpanderParams { expanded }),
            default: Value::Bool(expanded),
            default_given: expanded,
        };
        let (open, _, node) = ui.register_node::<bool>(call, |id, _keyed, label, _params| {
            id.param("label", label).param("expanded", &expanded);
        })?;
        Ok(Panel::new(ui.at(node), Some(open)))
    }
}
