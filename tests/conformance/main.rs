//! Conformance: each scenario of the Streamlit recordings, ported to a
//! brooklet app under `ports/`, replayed through the headless harness. The
//! trace goes to `target/conformance/NAME.json` for `compare.py`, and each
//! test fails on the first difference from the recording.

mod ports;
mod support;

/// One test per scenario: replays its port against its recording.
macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                support::replay(stringify!($name), ports::$name::app());
            }
        )*
    };
}

scenarios!(
    button_trigger_one_run,
    callbacks_order_args,
    chat_input_one_run,
    cleanup_conditional_widget,
    cleanup_interrupt_reassign,
    container_cleanup,
    containers_bind,
    date_range,
    delete_widget_key,
    duplicate_auto_id,
    duplicate_key,
    expander_state,
    form_batching,
    form_callback_docs_attendance,
    fragment_partial_rerun,
    identity_key_exceptions,
    identity_key_label_change,
    identity_nokey_label_change,
    mpa_entrypoint_and_same_key,
    mpa_interrupt_every_page,
    mpa_navigation_cleanup,
    mpa_pages_directory,
    mpa_underscore_copy,
    persist_state_param,
    popover_state,
    query_params_bind,
    readonly_widget_keys,
    set_via_session_state,
    slider_minmax_no_fix,
    slider_minmax_update_value_fix,
    slider_params_docs_current,
    stop_and_exception_skip_cleanup,
    tabs_identity,
    tabs_state,
    tabs_stateless,
);
