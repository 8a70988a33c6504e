//! What a finished run drops (R14–R20, R28).
//!
//! After a run that completed, the state of every widget that the run did not
//! draw is removed: its value under its widget id, in both the previous-run
//! store and this run's browser values. Plain user-key entries and this run's
//! writes are never removed (R15, R17), nor are key mappings (only `delete`
//! removes those, R20). The same removal runs at the start of a run on a
//! different page, with "drawn" meaning "sent by the browser" (R35).

use serde_json::Value;

use crate::identity::{IdMap, IdSet, PageId, Persist, WidgetId};
use crate::session_state::{Persisted, SessionState};
use crate::ui::Callback;

impl SessionState {
    /// The end of a completed run. A full run drops every widget it did not
    /// draw, their callbacks, and the values other pages' widgets persisted
    /// for their page only (R15, R39). A fragment run can only make its own
    /// widgets stale (R33).
    pub(crate) fn after_completed_run(
        &mut self,
        callbacks: &mut IdMap<Callback>,
        drawn: &IdSet,
        fragment: Option<&str>,
        shown: PageId,
    ) {
        self.reset_triggers();
        match fragment {
            Some(f) => {
                callbacks.retain(|id, _| {
                    drawn.contains(id)
                        || self
                            .meta(*id)
                            .is_none_or(|m| m.fragment.as_deref() != Some(f))
                });
                self.remove_stale_widgets(drawn, Some(f));
            }
            None => {
                self.remove_stale_widgets(drawn, None);
                callbacks.retain(|id, _| drawn.contains(id));
                self.drop_other_pages_persisted(shown);
            }
        }
    }

    /// The start of a run on another page: every widget the browser did not
    /// send goes, with its callback (R35).
    pub(crate) fn after_page_switch(&mut self, callbacks: &mut IdMap<Callback>, sent: &IdSet) {
        self.reset_triggers();
        self.remove_stale_widgets(sent, None);
        callbacks.retain(|id, _| sent.contains(id));
    }

    /// The trigger widgets used in this run, with their value: the clicks
    /// (`true`) and the chat messages sent.
    pub(crate) fn pressed_triggers(&self) -> Vec<(WidgetId, Value)> {
        self.widget_metas()
            .filter(|(_, meta)| meta.kind.is_trigger())
            .filter_map(|(id, meta)| {
                let v = self.widget_value(id)?;
                (*v != meta.params.get().rest()).then(|| (id, v.clone()))
            })
            .collect()
    }

    /// Sets every trigger widget's value back to its rest: `false`, or
    /// nothing for a chat input (R28).
    pub(crate) fn reset_triggers(&mut self) {
        let stores = self.stores_mut();
        for (id, meta) in stores.metadata.iter() {
            if meta.kind.is_trigger() {
                let rest = meta.params.get().rest();
                if let Some(v) = stores.new_widget.get_mut(id) {
                    v.clone_from(&rest);
                }
                if let Some(v) = stores.old_by_widget.get_mut(id) {
                    *v = rest;
                }
            }
        }
    }

    /// Removes the state of every widget not in `active` (R15). Metadata of
    /// removed widgets goes too: a widget that comes back registers afresh.
    ///
    /// In a fragment run only that fragment's widgets can be stale (R33).
    /// A stale widget with declared persistence, or bound to the URL, leaves
    /// its value under its key, where it waits for the widget (R36, R39).
    pub(crate) fn remove_stale_widgets(&mut self, active: &IdSet, fragment: Option<&str>) {
        let stale: Vec<WidgetId> = self
            .widget_metas()
            .filter(|(id, meta)| {
                !active.contains(id) && fragment.is_none_or(|f| meta.fragment.as_deref() == Some(f))
            })
            .map(|(id, _)| id)
            .collect();
        for &id in &stale {
            let meta = &self.meta(id).expect("a stale widget has metadata");
            if meta.persist.is_none() && !meta.bound {
                continue;
            }
            let kept = Persisted {
                scope: meta.persist.unwrap_or(Persist::Session),
                page: meta.page.unwrap_or(PageId(0)),
            };
            let key = self.key_of_widget(id).map(str::to_owned);
            let value = self.widget_value(id).cloned();
            if let (Some(key), Some(value)) = (key, value) {
                if self.widget_of_key(&key) == Some(id) {
                    self.keep_under_key(key, value, kept);
                }
            }
        }
        let stores = self.stores_mut();
        match fragment {
            // A full run: whatever was not drawn goes, with or without metadata.
            None => {
                stores.new_widget.retain(|id, _| active.contains(id));
                stores.old_by_widget.retain(|id, _| active.contains(id));
                stores.metadata.retain(|id, _| active.contains(id));
            }
            Some(_) => {
                for id in stale {
                    stores.new_widget.remove(&id);
                    stores.old_by_widget.remove(&id);
                    stores.metadata.remove(&id);
                }
            }
        }
    }

    /// Drops the values kept for `Persist::Page` widgets of pages other than
    /// `shown`, at the end of a run on `shown` (R39: a page switch drops them).
    pub(crate) fn drop_other_pages_persisted(&mut self, shown: PageId) {
        let stores = self.stores_mut();
        if stores.persisted.is_empty() {
            return;
        }
        let dropped: Vec<String> = stores
            .persisted
            .iter()
            .filter(|(_, p)| p.scope == Persist::Page && p.page != shown)
            .map(|(k, _)| k.clone())
            .collect();
        for key in dropped {
            stores.persisted.remove(&key);
            stores.old_by_key.remove(&key);
            if let Some(id) = stores.key_to_id.get(&key) {
                if !stores.metadata.contains_key(id) {
                    stores.old_by_widget.remove(id);
                    stores.new_widget.remove(id);
                }
            }
        }
    }
}
