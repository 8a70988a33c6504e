//! The Streamlit scenarios, each ported to a brooklet app; `main.rs`
//! replays each one.

pub mod button_trigger_one_run;
pub mod callbacks_order_args;
pub mod chat_input_one_run;
pub mod cleanup_conditional_widget;
pub mod cleanup_interrupt_reassign;
pub mod container_cleanup;
pub mod containers_bind;
pub mod date_range;
pub mod delete_widget_key;
pub mod duplicate_auto_id;
pub mod duplicate_key;
pub mod expander_state;
pub mod form_batching;
pub mod form_callback_docs_attendance;
pub mod fragment_partial_rerun;
pub mod identity_key_exceptions;
pub mod identity_key_label_change;
pub mod identity_nokey_label_change;
pub mod mpa_entrypoint_and_same_key;
pub mod mpa_interrupt_every_page;
pub mod mpa_navigation_cleanup;
pub mod mpa_pages_directory;
pub mod mpa_underscore_copy;
pub mod persist_state_param;
pub mod popover_state;
pub mod query_params_bind;
pub mod readonly_widget_keys;
pub mod set_via_session_state;
pub mod slider_minmax_no_fix;
pub mod slider_minmax_update_value_fix;
pub mod slider_params_docs_current;
pub mod stop_and_exception_skip_cleanup;
pub mod tabs_identity;
pub mod tabs_state;
pub mod tabs_stateless;
