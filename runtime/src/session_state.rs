//! Session state: the four stores of Streamlit's model (spec Part B §0) and
//! the rules for reading and writing them (R11–R13, R17, R19–R22, R42).
//!
//! Several observable rules depend on where exactly a value lives, so the
//! stores are kept apart as Streamlit keeps them:
//!
//! | store | keyed by | holds |
//! |---|---|---|
//! | `old_*` | widget id, or user key | everything from previous runs, compacted |
//! | `new_session` | user key | values written by user code during this run (callbacks included) |
//! | `new_widget` | widget id | values from the browser with this event, and defaults registered this run |
//! | `key_to_id` / `id_to_key` | user key ↔ widget id | the id each key last registered under; only `delete` removes it |
//!
//! The previous-run store is split by key type (`old_by_widget`,
//! `old_by_key`) so that compaction and clean-up touch only what they must.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
use crate::identity::{IdMap, IdSet, PageId, Persist, WidgetId};
use crate::params::{Kind, Params};

/// A map keyed by user key. Keys come from page code, not from the network,
/// so a fast fixed-seed hash is enough (std's SipHash showed in profiles).
pub(crate) type KeyMap<V> = std::collections::HashMap<String, V, foldhash::fast::FixedState>;

/// What the session remembers about a widget from the run that drew it:
/// enough to check a value the browser sends for it (A6) and to know whether
/// its callback may fire (R27, R43).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WidgetMeta {
    /// The widget kind.
    pub kind: Kind,
    /// The script that drew it: a page, or the entrypoint (R10, R37).
    pub script: PageId,
    /// Drawn disabled: browser values are discarded (R43).
    pub disabled: bool,
    /// Whether the widget has a change or click callback.
    pub has_callback: bool,
    /// The parameters it was last drawn with.
    pub params: Params,
    /// Declared persistence (R39).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persist: Option<Persist>,
    /// Bound to a query parameter (R40); such widgets survive page switches (R36).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bound: bool,
    /// The page shown in the run that drew it, for a widget with declared
    /// persistence (`Persist::Page` keeps its value on that page only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<PageId>,
    /// The fragment it was drawn in (R34).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragment: Option<std::sync::Arc<str>>,
}

/// A value kept under its key while its widget is not drawn (R39).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Persisted {
    /// How long it is kept.
    pub scope: Persist,
    /// The page its widget was on.
    pub page: PageId,
}

/// A session's widget values and user values, in Streamlit's four stores.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SessionState {
    old_by_widget: IdMap<Value>,
    old_by_key: KeyMap<Value>,
    new_session: KeyMap<Value>,
    new_widget: IdMap<Value>,
    key_to_id: KeyMap<WidgetId>,
    id_to_key: IdMap<String>,
    metadata: IdMap<WidgetMeta>,
    /// Keys whose widget is not drawn and whose value is kept (R39).
    #[serde(default)]
    persisted: KeyMap<Persisted>,
}

impl SessionState {
    /// The §0 lookup: this run's write to the key, the browser's value, the
    /// previous run's value under the id, then a plain previous-run entry.
    fn lookup(&self, id: Option<WidgetId>, key: Option<&str>) -> Option<&Value> {
        if let Some(v) = key.and_then(|k| self.new_session.get(k)) {
            return Some(v);
        }
        if let Some(id) = id {
            if let Some(v) = self
                .new_widget
                .get(&id)
                .or_else(|| self.old_by_widget.get(&id))
            {
                return Some(v);
            }
        }
        key.and_then(|k| self.old_by_key.get(k))
    }

    /// The value a user key resolves to, if any.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.lookup(self.key_to_id.get(key).copied(), Some(key))
    }

    /// The value a widget id resolves to, if any.
    pub fn widget_value(&self, id: WidgetId) -> Option<&Value> {
        self.lookup(Some(id), self.id_to_key.get(&id).map(String::as_str))
    }

    /// Whether the key resolves to a value.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The widget id a user key last registered under.
    pub fn widget_of_key(&self, key: &str) -> Option<WidgetId> {
        self.key_to_id.get(key).copied()
    }

    /// What the session knows about a widget id.
    pub fn meta(&self, id: WidgetId) -> Option<&WidgetMeta> {
        self.metadata.get(&id)
    }

    /// Every widget the session knows, with what it knows about it.
    pub fn widget_metas(&self) -> impl Iterator<Item = (WidgetId, &WidgetMeta)> + '_ {
        self.metadata.iter().map(|(id, meta)| (*id, meta))
    }

    /// Writes `value` to `key` (R21), unless a widget with that key was
    /// already drawn in this run (R22) or the value does not fit the widget
    /// that owns the key (A4). Nothing changes when it fails.
    pub fn set(&mut self, key: &str, value: Value, drawn_this_run: &IdSet) -> Result<()> {
        if let Some(id) = self.key_to_id.get(key) {
            if drawn_this_run.contains(id) {
                return Err(Error::new(
                    ErrorKind::WidgetAlreadyInstantiated,
                    format!(
                        "session state key \"{key}\" cannot be modified after the widget with that key \
                         is drawn in this run. Assign it before drawing the widget, or update it from an \
                         `on_change` or `on_click` callback, which runs before the widget is drawn"
                    ),
                ));
            }
            if let Some(meta) = self.metadata.get(id) {
                if let Err(problem) = meta.params.accepts_state_value(&value) {
                    return Err(Error::new(
                        ErrorKind::TypeMismatch,
                        format!(
                            "session state key \"{key}\" belongs to a {} widget, which cannot hold {}: {problem}",
                            meta.kind.name(),
                            crate::error::describe_value(&value)
                        ),
                    ));
                }
            }
        }
        self.new_session.insert(key.to_owned(), value);
        Ok(())
    }

    /// Deletes a key from every store and forgets its widget mapping (R20).
    pub fn delete(&mut self, key: &str) -> Result<()> {
        let id = self.key_to_id.get(key).copied();
        let present = self.contains(key) || id.is_some_and(|id| self.widget_value(id).is_some());
        if !present {
            return Err(Error::missing_key(key));
        }
        self.new_session.remove(key);
        self.old_by_key.remove(key);
        if let Some(id) = self.key_to_id.remove(key) {
            if self.id_to_key.get(&id).is_some_and(|k| k == key) {
                self.id_to_key.remove(&id);
            }
        }
        if let Some(id) = id {
            self.new_widget.remove(&id);
            self.old_by_widget.remove(&id);
        }
        Ok(())
    }

    /// The user-visible keys, sorted: plain keys and the keys of keyed
    /// widgets; keyless widget ids are hidden (Streamlit's `filtered_state`).
    pub fn keys(&self) -> Vec<String> {
        self.filtered().into_keys().collect()
    }

    /// Every user-visible key with its value, sorted by key.
    pub fn filtered(&self) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        let mut add_key = |key: &str| {
            if !out.contains_key(key) {
                if let Some(v) = self.get(key) {
                    out.insert(key.to_owned(), v.clone());
                }
            }
        };
        for key in self.new_session.keys().chain(self.old_by_key.keys()) {
            add_key(key);
        }
        for id in self.new_widget.keys().chain(self.old_by_widget.keys()) {
            if let Some(key) = self.id_to_key.get(id) {
                add_key(key);
            }
        }
        out
    }

    /// Compaction at the start of a run (§0 step 3.2): every current value
    /// moves to the previous-run store; a user key that maps to a widget is
    /// stored under the widget id (R17).
    pub(crate) fn compact(&mut self) {
        for (id, v) in self.new_widget.drain() {
            self.old_by_widget.insert(id, v);
        }
        // A plain entry whose key now maps to a widget is copied under the
        // widget id when the id has no value of its own (R19 keeps the plain
        // entry as it was).
        for (key, v) in &self.old_by_key {
            if let Some(id) = self.key_to_id.get(key) {
                self.old_by_widget.entry(*id).or_insert_with(|| v.clone());
            }
        }
        for (key, v) in self.new_session.drain() {
            match self.key_to_id.get(&key) {
                Some(id) => {
                    self.old_by_widget.insert(*id, v);
                }
                None => {
                    self.old_by_key.insert(key, v);
                }
            }
        }
    }

    /// Sets a widget's value for this run: a value the browser sent with
    /// this event, or one set before the widget registers (carried over,
    /// A5; seeded from the URL, R40).
    pub(crate) fn set_widget_value(&mut self, id: WidgetId, value: Value) {
        self.new_widget.insert(id, value);
    }

    /// Puts a widget that cannot show its value back at `value` for this
    /// run, a write to its key included (`reset_state_value` in Streamlit).
    pub(crate) fn reset_widget(&mut self, id: WidgetId, key: Option<&str>, value: Value) {
        if let Some(k) = key {
            self.new_session.remove(k);
        }
        self.new_widget.insert(id, value);
    }

    /// The widgets the script `script` drew (the entrypoint's survive a
    /// page switch, R35).
    pub(crate) fn widgets_of_script(&self, script: PageId) -> IdSet {
        self.metadata
            .iter()
            .filter(|(_, m)| m.script == script)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Whether a widget's value differs from its value at the end of the
    /// previous run (R27).
    pub(crate) fn widget_changed(&self, id: WidgetId) -> bool {
        self.new_widget.get(&id) != self.old_by_widget.get(&id)
    }

    /// Registers a widget drawn in this run (R11): records its metadata and
    /// key mapping, writes its default if nothing resolves yet, and returns
    /// its value and whether the browser must be told the value (R13).
    pub(crate) fn register_widget(
        &mut self,
        id: WidgetId,
        key: Option<&str>,
        meta: WidgetMeta,
        default: impl FnOnce() -> Value,
    ) -> (Value, bool) {
        self.metadata.insert(id, meta);
        if let Some(key) = key {
            // Most runs re-register the same mapping: allocate only on change.
            if self.key_to_id.get(key) != Some(&id) {
                if let Some(previous) = self.key_to_id.insert(key.to_owned(), id) {
                    if self.id_to_key.get(&previous).is_some_and(|k| k == key) {
                        self.id_to_key.remove(&previous);
                    }
                }
            }
            if self.id_to_key.get(&id).is_none_or(|k| k != key) {
                self.id_to_key.insert(id, key.to_owned());
            }
        }
        // R11: a brand-new id adopts a plain entry under its key; R13: the
        // browser must then be told, unless it is the default anyway.
        // Checked id-first: a widget drawn before has a value under its id,
        // which settles it without the string look-ups.
        let restored_from_plain = !self.new_widget.contains_key(&id)
            && !self.old_by_widget.contains_key(&id)
            && key.is_some_and(|k| {
                !self.new_session.contains_key(k) && self.old_by_key.contains_key(k)
            });
        let (value, restored) = match self.lookup(Some(id), key) {
            Some(v) if restored_from_plain => {
                let v = v.clone();
                let differs = v != default();
                (v, differs)
            }
            Some(v) => (v.clone(), false),
            None => {
                let v = default();
                self.new_widget.insert(id, v.clone());
                (v, false)
            }
        };
        let pushed = restored || key.is_some_and(|k| self.new_session.contains_key(k));
        // A kept value is the widget's again (R39): it lives under the id now.
        if let Some(k) = key {
            if !self.persisted.is_empty() && self.persisted.remove(k).is_some() {
                self.old_by_key.remove(k);
            }
        }
        (value, pushed)
    }

    /// Keeps a value under its key while its widget is not drawn (R39).
    pub(crate) fn keep_under_key(&mut self, key: String, value: Value, kept: Persisted) {
        self.old_by_key.insert(key.clone(), value);
        self.persisted.insert(key, kept);
    }

    /// Whether a widget id has a value of its own (from the browser, this
    /// run or the previous one).
    pub(crate) fn has_widget_value(&self, id: WidgetId) -> bool {
        self.new_widget.contains_key(&id) || self.old_by_widget.contains_key(&id)
    }

    /// The user key of a widget id, if it has one.
    pub fn key_of_widget(&self, id: WidgetId) -> Option<&str> {
        self.id_to_key.get(&id).map(String::as_str)
    }

    /// Whether the key was written during this run (R23, R24).
    pub(crate) fn written_this_run(&self, key: &str) -> bool {
        self.new_session.contains_key(key)
    }

    pub(crate) fn stores_mut(&mut self) -> StoresMut<'_> {
        StoresMut {
            old_by_widget: &mut self.old_by_widget,
            new_widget: &mut self.new_widget,
            metadata: &mut self.metadata,
            old_by_key: &mut self.old_by_key,
            key_to_id: &self.key_to_id,
            persisted: &mut self.persisted,
        }
    }

    /// A rough count of the entries held, for tests and reports.
    pub fn entry_count(&self) -> usize {
        self.old_by_widget.len()
            + self.old_by_key.len()
            + self.new_session.len()
            + self.new_widget.len()
    }
}

/// The stores that clean-up works on (see [`crate::cleanup`]).
pub(crate) struct StoresMut<'a> {
    pub old_by_widget: &'a mut IdMap<Value>,
    pub new_widget: &'a mut IdMap<Value>,
    pub metadata: &'a mut IdMap<WidgetMeta>,
    pub old_by_key: &'a mut KeyMap<Value>,
    pub key_to_id: &'a KeyMap<WidgetId>,
    pub persisted: &'a mut KeyMap<Persisted>,
}
