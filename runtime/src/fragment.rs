//! Fragments (R32–R34): a part of the page, drawn by a function of its own,
//! that reruns alone when one of its widgets changes or when a callback asks
//! for it by key. A full run still runs every fragment.
//!
//! A fragment's function is kept between runs, as a callback is, so that the
//! session can run it again without the rest of the page: it must be
//! `'static`, and what it needs from the page it takes by value (Streamlit
//! keeps a fragment's arguments the same way).

use std::sync::Arc;

use crate::elements::{Element, NodeId};
use crate::error::{Error, ErrorKind, Result};
use crate::identity::PageId;
use crate::ui::Ui;

/// The shortest interval of [`Ui::fragment_every`].
const MIN_RUN_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// A fragment's function.
pub(crate) type FragmentBody = Arc<dyn Fn(&Ui<'_>) -> Result<()> + Send + Sync>;

/// What a session keeps about a fragment drawn in the last full run.
#[derive(Clone)]
pub(crate) struct FragmentEntry {
    /// Its function.
    pub body: FragmentBody,
    /// The script that drew it: its widgets' identities depend on it (R10).
    pub script: PageId,
    /// Its container in the element tree.
    pub node: NodeId,
}

impl<'r> Ui<'r> {
    /// Draws a fragment (`@st.fragment`): `body` draws into a container of
    /// its own here, now, and again alone whenever one of its widgets
    /// changes (R32). Clean-up in such a run touches only the fragment's
    /// widgets (R33). A callback can ask for a rerun of just this fragment
    /// with [`Ui::rerun_fragment`].
    pub fn fragment(
        &self,
        key: impl std::fmt::Display,
        body: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Result<()> {
        self.draw_fragment(key.to_string(), None, Arc::new(body))
    }

    /// A fragment ([`Ui::fragment`]) that also reruns alone every `every`
    /// while its page is open in a browser (`@st.fragment(run_every=...)`):
    /// the browser's timer sends the run over the push channel, so it needs
    /// JavaScript. A timer never stops a run going on; it waits for the
    /// next tick. A fragment run and a full run of one session never
    /// overlap.
    pub fn fragment_every(
        &self,
        key: impl std::fmt::Display,
        every: std::time::Duration,
        body: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Result<()> {
        if every < MIN_RUN_EVERY {
            return Err(self.invalid_argument(format!(
                "fragment \"{key}\" runs every {every:?}, more often than every {MIN_RUN_EVERY:?}; \
                 give a longer interval"
            )));
        }
        let ms = u64::try_from(every.as_millis()).unwrap_or(u64::MAX);
        self.draw_fragment(key.to_string(), Some(ms), Arc::new(body))
    }

    fn draw_fragment(
        &self,
        key: String,
        run_every_ms: Option<u64>,
        body: FragmentBody,
    ) -> Result<()> {
        let key: Arc<str> = Arc::from(key);
        let node = {
            let mut run = self.run_ctx().borrow_mut();
            if let Some(e) = &run.ended {
                return Err(e.clone());
            }
            if key.is_empty() {
                return Err(run.end_with(Error::new(
                    ErrorKind::InvalidKey,
                    "a fragment key must not be empty; pass a non-empty key",
                )));
            }
            if let Some(outer) = run.fragment.clone() {
                return Err(run.end_with(Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "fragment \"{key}\" is drawn inside fragment \"{outer}\"; fragments cannot be nested, \
                         draw it beside the other one"
                    ),
                )));
            }
            if run.fragments.contains_key(&key) {
                return Err(run.end_with(Error::new(
                    ErrorKind::DuplicateElementKey,
                    format!("there are multiple fragments with the key \"{key}\"; give each a unique key"),
                )));
            }
            let node = run.tree.push(
                self.node(),
                Element::Fragment {
                    key: key.to_string(),
                    run_every_ms,
                },
            );
            let script = run.script;
            run.fragments.insert(
                key.clone(),
                FragmentEntry {
                    body: body.clone(),
                    script,
                    node,
                },
            );
            run.fragment = Some(key.clone());
            node
        };
        let result = body(&self.at_node(node));
        self.run_ctx().borrow_mut().fragment = None;
        result
    }

    /// From a callback: reruns only the fragment with this key instead of
    /// the whole page (`st.rerun("<fragment key>")`, R32). If another
    /// callback of the same interaction returns normally or asks for a full
    /// rerun, the whole page reruns. From the fragment's own code during a
    /// fragment run, it runs the fragment again (`st.rerun(scope="fragment")`,
    /// R41). Write `ui.rerun_fragment("key")?;`; it always returns `Err`.
    pub fn rerun_fragment(&self, key: impl std::fmt::Display) -> Result<()> {
        let key = key.to_string();
        let mut run = self.run_ctx().borrow_mut();
        let own_fragment_run = run.fragment_run && run.fragment.as_deref() == Some(key.as_str());
        if !run.in_callback && !own_fragment_run {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "`rerun_fragment(\"{key}\")` is only allowed in a callback, or in that fragment's own code \
                     while it runs alone; in page code, call `rerun()` for a full rerun"
                ),
            ));
        }
        run.fragment_rerun = Some(key.clone());
        Err(run.end_with(Error::new(
            ErrorKind::Rerun,
            format!("the run was ended by `rerun_fragment(\"{key}\")`"),
        )))
    }
}
