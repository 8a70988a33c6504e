//! The engine's behaviour, one module per concept of the behaviour contract
//! (`runtime/docs/behaviour.md`), for what the conformance scenarios
//! (`tests/conformance/`) do not already pin: corner cases of each rule, and
//! bad input sent to the engine directly.
//!
//! Each test is named after the rule it pins and sits in the module of that
//! rule's concept; each module opens with the rules its tests cover. Pages
//! are small closures run through the headless harness
//! ([`brooklet::testing::AppTest`]); the helpers several modules use are in
//! `tests/support/harness.rs`. It is all one test binary, so it links once.
//!
//! | module | concept | the contract's rules |
//! |---|---|---|
//! | `identity` | widget identity | R1–R10 |
//! | `values` | registering a widget and resolving its value, typed and checked values | R11–R13, R43, A4, A6 |
//! | `state` | writing widget values through session state, missing keys | R21–R24, R42 |
//! | `cleanup` | clean-up, and the runs that skip it | R14–R20 |
//! | `callbacks` | callbacks | R25–R27 |
//! | `forms` | forms | R29–R31 |
//! | `fragments` | fragments | R32–R34 |
//! | `pages` | multipage apps | R35–R38 |
//! | `persistence` | `persist` and `keep_value` | R39, A5 |
//! | `query_params` | binding a widget to the URL | R40 |
//! | `rerun` | `rerun()`, `rerun_fragment`, ignored changes | R28, R41, R44 |
//! | `superseded` | a newer event or the Stop control ends a run early | R47 |
//! | `tasks` | background tasks | R48 |
//! | `widgets` | the newer kinds one by one: value types, identity, bad values | R4, A4, A6 |

#[path = "../support/harness.rs"]
mod harness;

mod callbacks;
mod cleanup;
mod forms;
mod fragments;
mod identity;
mod pages;
mod persistence;
mod query_params;
mod rerun;
mod state;
mod superseded;
mod tasks;
mod values;
mod widgets;
