//! `popover`: a button that opens a floating part of the page
//! (`st.popover`). A tracking popover (see [`super::panel`]) is a widget
//! whose value is whether it is open, closed at first. Identity: type +
//! key + page + the label, help and disabled, with a key too.
//!
//! It is a `<details>` drawn as a button with its content floating below,
//! so that it opens and closes without JavaScript too.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::panel::{open_value, tracking_options, Panel, Tracking};
use super::{declare_kind, Common, Kind, Params, Tagged, WidgetParams};
use crate::elements::Element;
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// A tracking popover's drawn parameters: none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct PopoverParams {}

impl Tagged for PopoverParams {
    const TAG: &'static str = "popover";
}

declare_kind!(Popover = "popover", Container, PopoverParams);

impl WidgetParams for PopoverParams {
    open_value!();

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        let open = w.value.as_bool().unwrap_or(false);
        let toggle = (!w.disabled).then(|| super::expander::no_script_toggle(w, open));
        popover_html(w.label, w.help, w.disabled, open, toggle.as_deref())
    }
}

/// A popover's `<details>`, its children at [`crate::params::CHILDREN`].
#[cfg(feature = "server")]
pub(crate) fn popover_html(
    label: &str,
    help: Option<&str>,
    disabled: bool,
    open: bool,
    toggle: Option<&str>,
) -> String {
    use leptos::prelude::*;
    let face = view! {
        {label.to_owned()}<span class="bk-popover-mark" aria-hidden="true">" \u{25be}"</span>
    }
    .to_html()
        + toggle.unwrap_or_default();
    let summary = view! {
        <summary class="bk-button bk-popover-button" title=help.map(str::to_owned)
            aria-disabled=disabled.then_some("true") tabindex=disabled.then_some("-1") inner_html=face></summary>
    }
    .to_html();
    let inner = summary + crate::params::CHILDREN;
    view! { <details class="bk-popover" data-k="popover" data-slot="1" open=open inner_html=inner></details> }
        .to_html()
}

/// A popover.
#[must_use = "a popover is drawn by `.show()`"]
pub struct Popover<'u, 'r> {
    ui: &'u Ui<'r>,
    label: String,
    common: Common,
    tracking: Tracking,
}

impl<'r> Ui<'r> {
    /// A button that opens a floating part of the page (`st.popover`),
    /// closed at first.
    pub fn popover(&self, label: impl Into<String>) -> Popover<'_, 'r> {
        Popover {
            ui: self,
            label: label.into(),
            common: Common::default(),
            tracking: Tracking::default(),
        }
    }
}

tracking_options!(impl['u, 'r] Popover<'u, 'r>);

impl<'r> Popover<'_, 'r> {
    /// A tooltip on its button.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.common.help = Some(help.into());
        self
    }

    /// Draws it disabled: it cannot be opened (R43).
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.common.disabled = disabled;
        self
    }

    /// Draws the popover and returns its panel.
    pub fn show(self) -> Result<Panel<'r>> {
        let Popover {
            ui,
            label,
            common,
            tracking,
        } = self;
        if !tracking.tracks(&common) {
            if let Some(key) = &common.key {
                ui.claim_key("popover", key)?;
            }
            let node = ui.push(Element::Popover {
                label,
                help: common.help,
                disabled: common.disabled,
            });
            return Ok(Panel::new(ui.at(node), None));
        }
        let (help, disabled) = (common.help.clone(), common.disabled);
        let call = WidgetCall {
            kind: Kind::Popover,
            label,
            common,
            params: Params::new(PopoverParams {}),
            default: Value::Bool(false),
            default_given: false,
        };
        let (open, _, node) = ui.register_node::<bool>(call, |id, _keyed, label, _params| {
            id.param("label", label)
                .param("help", &help)
                .param("disabled", &disabled);
        })?;
        Ok(Panel::new(ui.at(node), Some(open)))
    }
}
