//! brooklet: Streamlit-style data apps in Rust.
//!
//! A page is a plain function that draws widgets and elements on a [`Ui`].
//! brooklet reruns it from the top on every interaction, keeps each
//! session's widget values on the server, and cleans up the values of
//! widgets that a run no longer draws, exactly as Streamlit does (the
//! contract is [`guide::behaviour`]; its rule numbers, A1–A8 and R1–R48,
//! are cited throughout).
//!
//! ```
//! use brooklet::prelude::*;
//!
//! #[page(title = "Slider bounds")]
//! fn bounds(ui: &Ui<'_>) -> brooklet::Result<()> {
//!     ui.state().setdefault("a", 5)?;
//!     let cols = ui.columns(2);
//!     #[widget(key = "min")]
//!     let minimum = cols[0].number_input("Min").min(1).max(5).show()?;
//!     #[widget(key = "max")]
//!     let maximum = cols[1].number_input("Max").min(6).max(10).value(10).show()?;
//!     // clamp before the slider is drawn: R21 allows the write, R18 keeps it
//!     let a: i32 = ui.state().get("a")?;
//!     ui.state().set("a", &a.clamp(minimum, maximum))?;
//!     #[widget(key = "a")]
//!     let a = ui.slider("A", minimum, maximum).show()?;
//!     ui.text(format!("a = {a}"));
//!     Ok(())
//! }
//!
//! let app = App::new().page(bounds);
//! let mut t = brooklet::testing::AppTest::new(app);
//! t.run().unwrap();
//! assert_eq!(t.texts(), ["a = 5"]);
//! ```
//!
//! Start with the [`guide`].

#![warn(unreachable_pub)]

#[allow(unused_extern_crates)]
extern crate self as brooklet;

/// The guide: brooklet's concepts, one chapter each, with examples that run
/// as tests.
pub mod guide {
    #![doc = include_str!("../docs/guide/index.md")]
    #[doc = include_str!("../docs/guide/rerun.md")]
    pub mod rerun {}
    #[doc = include_str!("../docs/guide/identity.md")]
    pub mod identity {}
    #[doc = include_str!("../docs/guide/state.md")]
    pub mod state {}
    #[doc = include_str!("../docs/guide/callbacks.md")]
    pub mod callbacks {}
    #[doc = include_str!("../docs/guide/forms.md")]
    pub mod forms {}
    #[doc = include_str!("../docs/guide/fragments.md")]
    pub mod fragments {}
    #[doc = include_str!("../docs/guide/multipage.md")]
    pub mod multipage {}
    #[doc = include_str!("../docs/guide/live.md")]
    pub mod live {}
    #[doc = include_str!("../docs/guide/serving.md")]
    #[cfg(feature = "server")]
    pub mod serving {}
    #[doc = include_str!("../docs/guide/testing.md")]
    pub mod testing {}
    #[doc = include_str!("../docs/guide/macros.md")]
    pub mod macros {}
    #[doc = include_str!("../docs/behaviour.md")]
    pub mod behaviour {}
}

mod cancel;
#[cfg(feature = "server")]
mod chart;
mod cleanup;
mod display;
mod elements;
mod error;
mod fragment;
mod identity;
mod live;
mod pages;
mod params;
mod register;
#[cfg(feature = "server")]
mod render;
mod run;
#[cfg(feature = "server")]
pub mod server;
mod session;
mod session_state;
#[cfg(feature = "server")]
pub mod store;
mod task;
mod task_record;
pub mod testing;
mod ui;
pub mod widgets;
#[cfg(feature = "server")]
mod wire;

pub use brooklet_macros::{fragment, page, widget};
pub use cancel::CancelToken;
pub use display::{MediaOptions, MediaSource, ProgressValue};
pub use elements::{
    DeltaColor, Gap, LabelVisibility, MediaFile, MediaKind, MediaRef, StatusState,
    VerticalAlignment,
};
pub use error::{Error, ErrorKind, Result};
pub use identity::Persist;
pub use live::{Progress, Slot, Status};
pub use pages::{App, Page, PageDefinition};
pub use params::Number;
pub use task::{TaskContext, TaskProgress, TaskStatus, MAX_TASKS_PER_SESSION};
pub use ui::{ColumnSpec, ColumnsOptions, ContainerOptions, State, Ui};
pub use widgets::{Multi, Single, UploadedFile};

/// Dates and times of `date_input` and `time_input`.
pub use chrono;

/// What a page needs: `use brooklet::prelude::*;`.
pub mod prelude {
    pub use crate::cancel::CancelToken;
    pub use crate::display::{MediaOptions, MediaSource};
    pub use crate::elements::{DeltaColor, Gap, LabelVisibility, StatusState, VerticalAlignment};
    pub use crate::error::{Error, ErrorKind, Result};
    pub use crate::identity::Persist;
    pub use crate::pages::{App, Page};
    pub use crate::params::Number;
    pub use crate::task::{TaskContext, TaskProgress, TaskStatus};
    pub use crate::ui::{ColumnsOptions, ContainerOptions, State, Ui};
    pub use crate::widgets::{FeedbackOptions, Multi, Single, TextInputType, UploadedFile};
    pub use brooklet_macros::{fragment, page, widget};
}

/// Items the macros' expansions, the benchmarks and the tests use. Not
/// public API: they change without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::error::Result;
    pub use crate::identity::{
        bool_part, float_part, int_part, list_part, rt_key_part, site_hash, some_part, str_part,
        IdentityBuilder, PageId, Persist, SiteKey, WidgetId, WidgetSite, NONE_PART,
    };
    pub use crate::pages::{Page, PageDefinition};
    #[cfg(feature = "server")]
    pub use crate::render::{
        render_app, render_app_cached, render_document, widget_html, PageDoc, RenderCache,
    };
    #[cfg(feature = "server")]
    pub use crate::server::listen::stop_signal;
    #[cfg(feature = "server")]
    pub use crate::server::{event_body_limit, MAX_BODY};
    #[cfg(feature = "server")]
    pub use crate::store::{open as open_store, random_hex, StoreOptions, StoreUrl};
    pub use crate::ui::Ui;
    pub use crate::widgets::date_input::DEFAULT_FORMAT as DEFAULT_DATE_FORMAT;
    pub use crate::widgets::file_uploader::DEFAULT_MAX_UPLOAD_SIZE;
    pub use crate::widgets::time_input::DEFAULT_STEP as DEFAULT_TIME_STEP;

    /// A session's stored form.
    #[cfg(feature = "server")]
    pub mod record {
        pub use crate::store::record::*;
    }
}

/// The README's Rust example runs as a doctest.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
