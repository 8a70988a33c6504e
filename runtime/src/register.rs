//! Registering a widget: the options every widget takes, the checks of a
//! widget call (R6, R9, R23, R24, R30), its identity (R1–R4), and where its
//! value comes from (R11–R13, R40, A5).

use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::elements::{Element, NodeId, Root, WidgetElement};
use crate::error::{Error, ErrorKind, Result};
use crate::identity::{rt_key_part, IdentityBuilder, WidgetId};
use crate::params::{Kind, Params};
use crate::session_state::WidgetMeta;
use crate::ui::{check_key, RunCtx, Ui};

pub(crate) use crate::ui::Callback;

/// Options every widget takes.
#[derive(Default, Clone)]
pub(crate) struct Common {
    pub key: Option<String>,
    pub help: Option<String>,
    pub disabled: bool,
    pub callback: Option<Callback>,
    /// The call's site, when a `#[page]` macro passed it.
    pub site: Option<&'static crate::identity::WidgetSite>,
    /// Declared persistence (R39, A5).
    pub persist: Option<crate::identity::Persist>,
    /// Carry the value over when the bounds change (A5).
    pub keep_value: bool,
    /// Bound to the URL's query parameter named by the key (R40).
    pub bind_query_params: bool,
    /// `on_change = "ignore"`: a change is kept for the next run instead of
    /// causing one (R44).
    pub ignore_changes: bool,
    /// How the label shows.
    pub label_visibility: crate::elements::LabelVisibility,
}

impl Common {
    /// The declared persistence: the builder's, or the `#[widget]` site's.
    pub(crate) fn persist(&self) -> Option<crate::identity::Persist> {
        self.persist.or(self.site.and_then(|s| s.persist))
    }

    /// Whether the value is carried over when the bounds change.
    pub(crate) fn keep_value(&self) -> bool {
        self.keep_value || self.site.is_some_and(|s| s.keep_value)
    }
}

impl RunCtx {
    /// R40: the URL seeds a bound widget when the event brings it (first
    /// load, back/forward), unless the user just changed it. An invalid
    /// value is dropped from the URL; no parameter means the default.
    /// Whether the widget's value was set.
    fn seed_from_url(&mut self, id: WidgetId, key: &str, params: &Params, default: &Value) -> bool {
        if !self.url_seeds || self.state.widget_changed(id) {
            return false;
        }
        let value = match self.query_params.get(key).map(|raw| params.read_query(raw)) {
            Some(Some(v)) => v,
            Some(None) => {
                self.query_params.remove(key);
                self.url_writes.insert(key.to_owned(), None);
                return false;
            }
            None if self.state.has_widget_value(id) => default.clone(),
            None => return false,
        };
        self.state.set_widget_value(id, value);
        true
    }

    /// A5: a `keep_value` widget whose identity changed takes the value of
    /// the identity its key had, fitted into its new parameters. Whether
    /// the widget's value was set.
    fn carry_over(&mut self, id: WidgetId, key: &str, params: &Params) -> bool {
        if self.state.has_widget_value(id) {
            return false;
        }
        let carried = self
            .state
            .widget_of_key(key)
            .filter(|prev| *prev != id)
            .and_then(|prev| self.state.widget_value(prev))
            .and_then(|v| params.carry_over(v));
        match carried {
            Some(v) => {
                self.state.set_widget_value(id, v);
                true
            }
            None => false,
        }
    }

    /// R40: the default removes a bound widget's parameter; a session-state
    /// write goes to the session's parameters; the browser's URL follows
    /// the value either way.
    fn write_url(
        &mut self,
        key: &str,
        params: &Params,
        value: &Value,
        default: &Value,
        written: bool,
    ) {
        if value == default {
            self.query_params.remove(key);
            self.url_writes.insert(key.to_owned(), None);
        } else {
            let raw = params.to_query(value);
            if written {
                self.query_params.insert(key.to_owned(), raw.clone());
            }
            self.url_writes.insert(key.to_owned(), Some(raw));
        }
    }
}

impl RunCtx {
    /// The checks of a widget call that come before its identity: options
    /// that need a key, a trigger bound to the URL, a callback inside a
    /// form (R30), and its key (R9, R23, R24, R6). Returns the key's part
    /// of the identity.
    fn check_call(&mut self, container: NodeId, call: &WidgetCall) -> Result<u128> {
        let WidgetCall {
            kind,
            label,
            common,
            ..
        } = call;
        let key = common.key.as_deref();
        if key.is_none() {
            check_keyless_options(*kind, label, common)?;
        }
        if common.bind_query_params && kind.is_trigger() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "the {} \"{label}\" cannot be bound to the URL: its value lasts one run",
                    kind.name()
                ),
            ));
        }
        if common.callback.is_some() && !kind.submits_form() {
            if let Some(form) = self.tree.get().form_of(container).cloned() {
                return Err(Error::new(
                    ErrorKind::InvalidFormCallback,
                    format!(
                        "the {} \"{label}\" is inside form \"{form}\", where only a form_submit_button may \
                         have a callback; move the callback to the form's submit button, or the widget out \
                         of the form",
                        kind.name()
                    ),
                ));
            }
        }
        let key_part = rt_key_part(key);
        if let Some(key) = key {
            self.check_widget_key(*kind, key, key_part, call.default_given)?;
        }
        Ok(key_part)
    }

    /// A widget's key: well formed (R9), not written through session state
    /// for a read-only widget (R23; the policies come first, as in
    /// Streamlit), used once this run (R6, before the id check).
    fn check_widget_key(
        &mut self,
        kind: Kind,
        key: &str,
        key_part: u128,
        default_given: bool,
    ) -> Result<()> {
        check_key(key)?;
        if self.state.written_this_run(key) {
            if kind.is_read_only() {
                return Err(Error::new(
                    ErrorKind::ValueAssignmentNotAllowed,
                    format!(
                        "session state key \"{key}\" belongs to a {} widget, whose value is read-only \
                         and cannot be assigned through session state; store your value under a \
                         different key",
                        kind.name()
                    ),
                ));
            }
            if default_given {
                warn_default_and_state_once(key);
            }
        }
        if !self.keys.insert(key_part) {
            return Err(Error::new(
                ErrorKind::DuplicateElementKey,
                format!(
                    "there are multiple elements with the same key \"{key}\"; give each element \
                     a unique key"
                ),
            ));
        }
        Ok(())
    }

    /// The widget's identity (R1–R4, R10), drawn once this run (R7).
    fn identify(
        &mut self,
        container: NodeId,
        call: &WidgetCall,
        key_part: u128,
        identity: impl FnOnce(&mut IdentityBuilder, bool, &str, &Params),
    ) -> Result<WidgetId> {
        let WidgetCall {
            kind,
            label,
            common,
            params,
            ..
        } = call;
        let key = common.key.as_deref();
        // The `#[page]` macro passes the site's compile-time hash; anything
        // it cannot vouch for is computed from scratch, to the same result.
        let mut builder = common
            .site
            .and_then(|site| site.start(self.script, kind.name(), key, key_part, label))
            .unwrap_or_else(|| IdentityBuilder::from_parts(self.script, kind.name(), key_part));
        identity(&mut builder, key.is_some(), label, params);
        if key.is_none() {
            // Keyless widgets hash where they are (R1, R3).
            let tree = self.tree.get();
            let root = match tree.root_of(container) {
                Root::Main => "main",
                Root::Sidebar => "sidebar",
                Root::Bottom => "bottom",
            };
            let form = tree.form_of(container).map_or("", |f| &**f);
            builder.param("root_container", root).param("form_id", form);
        }
        let id = builder.finish();
        if !self.drawn.insert(id) {
            return Err(Error::new(
                ErrorKind::DuplicateElementId,
                format!(
                    "there are multiple `{kind}` elements with the same auto-generated id (label \"{label}\"): \
                     keyless widgets are identified by their type and parameters; pass a unique `key` \
                     to the `{kind}` element",
                    kind = kind.name()
                ),
            ));
        }
        Ok(id)
    }

    /// The widget's value (R11–R13): from this event's browser values or
    /// session state, else the URL (R40) or the previous identity's value
    /// (A5), else its default. Records what the session remembers of it
    /// and its callback, and returns it as drawn.
    fn resolve(&mut self, container: NodeId, id: WidgetId, call: WidgetCall) -> WidgetElement {
        let WidgetCall {
            kind,
            label,
            mut common,
            params,
            default,
            ..
        } = call;
        let key = common.key.take();
        let (persist, keep_value, bound) = (
            common.persist(),
            common.keep_value(),
            common.bind_query_params,
        );
        let written = key
            .as_deref()
            .is_some_and(|k| self.state.written_this_run(k));
        let seeded = match key.as_deref() {
            Some(k) if !written => {
                (bound && self.seed_from_url(id, k, &params, &default))
                    || (keep_value && self.carry_over(id, k, &params))
            }
            _ => false,
        };
        let meta = WidgetMeta {
            kind,
            script: self.script,
            disabled: common.disabled,
            has_callback: common.callback.is_some(),
            params: params.clone(),
            persist,
            bound,
            page: persist.is_some().then_some(self.shown),
            fragment: self.fragment.clone(),
        };
        let default_for_url = bound.then(|| default.clone());
        let form = self.tree.get().form_of(container).cloned();
        let clear_default = form
            .as_ref()
            .filter(|f| !kind.submits_form() && self.clearing_forms.contains(&***f))
            .map(|_| default.clone());
        let (mut value, mut pushed) = self
            .state
            .register_widget(id, key.as_deref(), meta, || default);
        if let Some(shown) = params.get().fallback(&value) {
            self.state.reset_widget(id, key.as_deref(), shown.clone());
            (value, pushed) = (shown, true);
        }
        if let (Some(k), Some(default)) = (key.as_deref(), default_for_url) {
            self.write_url(k, &params, &value, &default, written);
        }
        match common.callback.take() {
            Some(cb) => self.callbacks.insert(id, cb),
            None => self.callbacks.remove(&id),
        };
        WidgetElement {
            id,
            kind,
            key,
            label,
            help: common.help,
            disabled: common.disabled,
            params,
            value,
            value_pushed: pushed || seeded || self.discarded.contains(&id),
            script: self.script,
            form,
            ignore_changes: common.ignore_changes,
            clear_default,
            reset: false,
            label_visibility: common.label_visibility,
        }
    }
}

/// `persist`, `keep_value` and `bind_query_params` keep a value under the
/// widget's key: a keyless widget cannot have them.
fn check_keyless_options(kind: Kind, label: &str, common: &Common) -> Result<()> {
    let option = if common.bind_query_params {
        "bind_query_params"
    } else if common.keep_value() {
        "keep_value"
    } else if common.persist().is_some() {
        "persist"
    } else {
        return Ok(());
    };
    Err(Error::new(
        ErrorKind::InvalidArgument,
        format!(
            "the {} \"{label}\" uses `{option}`, which keeps its value under the widget's key, and it has \
             no key; add a key",
            kind.name()
        ),
    ))
}

/// The widget's value as the page's type (A4).
fn typed<T: DeserializeOwned>(widget: &WidgetElement) -> Result<T> {
    T::deserialize(&widget.value).map_err(|_| {
        Error::new(
            ErrorKind::TypeMismatch,
            format!(
                "the {} widget{} holds {}, which is not a `{}`; write a value of the widget's type \
                 to its key",
                widget.kind.name(),
                widget
                    .key
                    .as_deref()
                    .map(|k| format!(" with key \"{k}\""))
                    .unwrap_or_default(),
                crate::error::describe_value(&widget.value),
                std::any::type_name::<T>()
            ),
        )
    })
}

impl<'r> Ui<'r> {
    /// Registers a widget drawn at this place and returns its value as `T`
    /// (R6–R13, R23, R24). `identity` folds in the parameters that count for
    /// the widget's identity; it is told whether the widget has a key, and
    /// its label.
    pub(crate) fn register<T: DeserializeOwned>(
        &self,
        call: WidgetCall,
        identity: impl FnOnce(&mut IdentityBuilder, bool, &str, &Params),
    ) -> Result<T> {
        self.register_node(call, identity)
            .map(|(value, _, _)| value)
    }

    /// [`Ui::register`] for a widget that holds elements: also its id and
    /// its node, which its elements go into.
    pub(crate) fn register_node<T: DeserializeOwned>(
        &self,
        call: WidgetCall,
        identity: impl FnOnce(&mut IdentityBuilder, bool, &str, &Params),
    ) -> Result<(T, WidgetId, NodeId)> {
        let mut guard = self.run.borrow_mut();
        let run = &mut *guard;
        run.check_live()?;
        run.check_cancelled()?;
        let key_part = run.check_call(self.container, &call)?;
        let id = run.identify(self.container, &call, key_part, identity)?;
        let widget = run.resolve(self.container, id, call);
        let typed = typed(&widget)?;
        let node = run.tree.push(self.container, Element::Widget(widget));
        Ok((typed, id, node))
    }

    /// Ends the run with a parameter error raised at a widget call.
    pub(crate) fn invalid_argument(&self, message: String) -> Error {
        self.run
            .borrow_mut()
            .end(Error::new(ErrorKind::InvalidArgument, message))
    }
}

/// What a widget builder hands to [`Ui::register`].
pub(crate) struct WidgetCall {
    pub kind: Kind,
    pub label: String,
    pub common: Common,
    pub params: Params,
    pub default: Value,
    /// The call gave a default value of its own (for R24's warning).
    pub default_given: bool,
}

/// R24: a default and a session-state write for one widget; the state wins.
/// Logged once per process, as Streamlit does.
fn warn_default_and_state_once(key: &str) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            key,
            "the widget with key \"{key}\" was created with a default value but also had its value set \
             via session state; the session-state value is used"
        );
    }
}
