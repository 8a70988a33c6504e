//! What the kinds' drawings share: field ids, the label with its tooltip,
//! numbers as attributes.

use leptos::prelude::*;

use super::{Drawn, Number};

/// The id of a widget's (first) control, which its label points at.
pub(crate) fn input_id(w: &Drawn<'_>) -> String {
    format!("i-{}", w.id)
}

/// The name of a widget's form fields: its id.
pub(crate) fn field_name(w: &Drawn<'_>) -> String {
    w.id.to_string()
}

/// The tooltip next to a label.
///
/// The mark is hidden from assistive technology, so that it never adds to
/// the widget's name; the text is the control's description instead
/// ([`described_by`]).
pub(crate) fn help(w: &Drawn<'_>) -> Option<impl IntoView> {
    w.help.map(|h| {
        let h = h.to_owned();
        view! {
            <span class="bk-help" title=h.clone() aria-hidden="true">"?"</span>
            <span id=format!("d-{}", w.id) hidden=true>{h}</span>
        }
    })
}

/// The id of the widget's help text, for `aria-describedby`, if it has one.
pub(crate) fn described_by(w: &Drawn<'_>) -> Option<String> {
    w.help.map(|_| format!("d-{}", w.id))
}

/// A `<label>` for the widget's control, with its tooltip.
pub(crate) fn label_for(w: &Drawn<'_>) -> impl IntoView {
    view! { <label for=input_id(w)>{w.label.to_owned()}{help(w)}</label> }
}

/// `s` as HTML text or a quoted attribute value.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A number as an attribute value.
pub(crate) fn num(n: Number) -> String {
    n.to_string()
}
