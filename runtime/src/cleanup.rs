//! What a finished run drops (R14–R20, R28).
//!
//! After a run that completed, the state of every widget that the run did not
//! draw is removed: its value under its widget id, in both the previous-run
//! store and this run's browser values. Plain user-key entries and this run's
//! writes are never removed (R15, R17), nor are key mappings (only `delete`
//! removes those, R20). The same removal runs at the start of a run on a
//! different page, with "drawn" meaning "sent by the browser" (R35).

use serde_json::Value;

use crate::identity::IdSet;
use crate::session_state::SessionState;

impl SessionState {
    /// Sets every trigger widget's value back to `false` (R28).
    pub(crate) fn reset_triggers(&mut self) {
        let stores = self.stores_mut();
        for (id, meta) in stores.metadata.iter() {
            if meta.kind.is_trigger() {
                if let Some(v) = stores.new_widget.get_mut(id) {
                    *v = Value::Bool(false);
                }
                if let Some(v) = stores.old_by_widget.get_mut(id) {
                    *v = Value::Bool(false);
                }
            }
        }
    }

    /// Removes the state of every widget not in `active` (R15). Metadata of
    /// removed widgets goes too: a widget that comes back registers afresh.
    pub(crate) fn remove_stale_widgets(&mut self, active: &IdSet) {
        let stores = self.stores_mut();
        stores.new_widget.retain(|id, _| active.contains(id));
        stores.old_by_widget.retain(|id, _| active.contains(id));
        stores.metadata.retain(|id, _| active.contains(id));
    }
}
