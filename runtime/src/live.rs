//! Live elements: elements a run changes while it goes on, which a
//! streamed run sends to the browser as they change. A slot that holds one
//! element (`empty`), a progress bar that moves (`progress`), a spinner
//! while work goes on, a status container, text that arrives in chunks
//! (`write_stream`) and a toast.

use std::fmt;
use std::ops::Deref;

use crate::cancel::Interrupted;
use crate::display::ProgressValue;
use crate::elements::{Element, NodeId, StatusState};
use crate::error::Result;
use crate::ui::Ui;

/// A slot that holds one element at a time (Streamlit's `st.empty()`):
/// each element drawn into it takes the place of the one before. Draw with
/// it as with any [`Ui`].
pub struct Slot<'r> {
    ui: Ui<'r>,
}

impl<'r> Deref for Slot<'r> {
    type Target = Ui<'r>;
    fn deref(&self) -> &Ui<'r> {
        &self.ui
    }
}

impl Slot<'_> {
    /// Removes what the slot shows.
    pub fn clear(&self) {
        self.ui
            .change(self.ui.node(), |tree, node| tree.clear_children(node));
    }
}

/// A progress bar drawn by [`Ui::progress`], which the run moves with
/// [`Progress::set`].
pub struct Progress<'r> {
    slot: Slot<'r>,
}

impl Progress<'_> {
    /// Moves the bar to `value` (0 to 100, or 0.0 to 1.0) with `text`.
    pub fn set(
        &self,
        value: impl ProgressValue + Copy + fmt::Debug,
        text: Option<&str>,
    ) -> Result<()> {
        let element = progress_element(&self.slot, value, text)?;
        self.slot.push(element);
        Ok(())
    }
}

/// A status container drawn by [`Ui::status`]: draw into it as with any
/// [`Ui`], and say how the work went with [`Status::update`].
pub struct Status<'r> {
    ui: Ui<'r>,
}

impl<'r> Deref for Status<'r> {
    type Target = Ui<'r>;
    fn deref(&self) -> &Ui<'r> {
        &self.ui
    }
}

impl Status<'_> {
    /// Changes its label (if given), its state, and whether it is open.
    pub fn update(&self, label: Option<&str>, state: StatusState, expanded: bool) {
        self.ui.change(self.ui.node(), |tree, node| {
            if let Element::Status {
                label: l,
                state: s,
                expanded: e,
            } = tree.element_mut(node)
            {
                if let Some(label) = label {
                    *l = label.to_owned();
                }
                *s = state;
                *e = expanded;
            }
        });
    }
}

fn progress_element(
    ui: &Ui<'_>,
    value: impl ProgressValue + Copy + fmt::Debug,
    text: Option<&str>,
) -> Result<Element> {
    let percent = value.percent().ok_or_else(|| {
        ui.invalid_argument(format!(
            "progress: {value:?} is out of range; give an integer from 0 to 100 or a float from 0.0 to 1.0"
        ))
    })?;
    Ok(Element::Progress {
        percent,
        text: text.map(str::to_owned),
        task: None,
    })
}

impl<'r> Ui<'r> {
    /// Changes the tree at `node` in place, and lets a streamed run send it.
    /// A cancelled run ends here, as at any `Ui` call.
    pub(crate) fn change(
        &self,
        node: NodeId,
        f: impl FnOnce(&mut crate::elements::ElementTree, NodeId),
    ) {
        let mut run = self.run.borrow_mut();
        if let Err(e) = run.check_cancelled() {
            drop(run);
            std::panic::resume_unwind(Box::new(Interrupted(e)));
        }
        f(&mut run.tree.get(), node);
        run.tree.drawn();
    }

    /// A slot that holds one element at a time (`st.empty`): draw into it
    /// again to replace what it shows, for output that changes while the
    /// run goes on.
    pub fn empty(&self) -> Slot<'r> {
        let node = self.push(Element::Empty);
        Slot {
            ui: self.at_node(node),
        }
    }

    /// A progress bar (`st.progress`) at `value` (0 to 100, or 0.0 to 1.0),
    /// with an optional text; move it with [`Progress::set`].
    pub fn progress(
        &self,
        value: impl ProgressValue + Copy + fmt::Debug,
        text: Option<&str>,
    ) -> Result<Progress<'r>> {
        let element = progress_element(self, value, text)?;
        let slot = self.empty();
        slot.push(element);
        Ok(Progress { slot })
    }

    /// Shows a spinner with `text` while `work` runs, then removes it
    /// (`st.spinner`). Returns what `work` returns.
    pub fn spinner<T>(&self, text: impl Into<String>, work: impl FnOnce() -> T) -> T {
        let slot = self.empty();
        slot.push(Element::Spinner { text: text.into() });
        let out = work();
        slot.clear();
        out
    }

    /// A status container (`st.status`), open and running; say how the
    /// work went with [`Status::update`].
    pub fn status(&self, label: impl Into<String>) -> Status<'r> {
        let node = self.push(Element::Status {
            label: label.into(),
            state: StatusState::Running,
            expanded: true,
        });
        Status {
            ui: self.at_node(node),
        }
    }

    /// Shows text as it arrives, chunk by chunk, as markdown
    /// (`st.write_stream`); returns the whole text. A newer event ends the
    /// run, and the stream, at the next chunk (R47).
    pub fn write_stream<S: AsRef<str>>(&self, chunks: impl IntoIterator<Item = S>) -> String {
        let slot = self.empty();
        let mut text = String::new();
        for chunk in chunks {
            text.push_str(chunk.as_ref());
            slot.markdown(text.clone());
        }
        text
    }

    /// A short message in a corner of the page (`st.toast`), which fades
    /// after a few seconds.
    pub fn toast(&self, text: impl Into<String>) {
        self.push(Element::Toast { body: text.into() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::AppTest;
    use crate::{App, Page};

    fn shown(page: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static) -> AppTest {
        let mut t = AppTest::new(App::new().page(Page::new("live", page)));
        t.run().unwrap();
        t
    }

    #[test]
    fn a_slot_shows_the_last_element_drawn_into_it() {
        let t = shown(|ui| {
            let out = ui.empty();
            for i in 1..=3 {
                out.text(format!("step {i}"));
            }
            ui.text("below");
            let gone = ui.empty();
            gone.text("cleared");
            gone.clear();
            Ok(())
        });
        assert_eq!(t.texts(), ["step 3", "below"]);
    }

    #[test]
    fn a_progress_bar_moves_in_place() {
        let t = shown(|ui| {
            let bar = ui.progress(0, Some("working"))?;
            ui.text("after the bar");
            for i in 1..=10 {
                bar.set(i as f64 / 10.0, Some(&format!("step {i}/10")))?;
            }
            Ok(())
        });
        assert_eq!(t.progress_bars(), [(100, Some("step 10/10".to_owned()))]);
        assert_eq!(t.texts(), ["after the bar"]);
        let outline = t.tree().outline();
        assert!(outline.find("[progress").unwrap() < outline.find("after the bar").unwrap());
    }

    #[test]
    fn a_bad_progress_value_is_an_error() {
        let t = shown(|ui| {
            let bar = ui.progress(10, None)?;
            bar.set(1.5, None)?;
            Ok(())
        });
        assert_eq!(t.exceptions()[0].0, crate::ErrorKind::InvalidArgument);
    }

    #[test]
    fn a_stream_that_panics_ends_the_run_with_the_panic_and_keeps_what_it_showed() {
        let mut t = AppTest::new(App::new().page(Page::new("live", |ui| {
            let chunks = (0..5).map(|i| {
                assert!(i < 2, "the source broke");
                format!("chunk {i} ")
            });
            ui.write_stream(chunks);
            Ok(())
        })));
        t.run().unwrap();
        assert_eq!(t.markdown(), ["chunk 0 chunk 1 "]);
        let (kind, message) = t.exceptions()[0].clone();
        assert_eq!(kind, crate::ErrorKind::Panic);
        assert!(message.contains("the source broke"), "{message}");
        t.run().unwrap();
        assert_eq!(t.markdown(), ["chunk 0 chunk 1 "], "the session carries on");
    }

    #[test]
    fn spinner_status_stream_and_toast() {
        let t = shown(|ui| {
            let n = ui.spinner("Loading…", || 41 + 1);
            let status = ui.status("Downloading");
            status.text(format!("got {n}"));
            status.update(Some("Downloaded"), StatusState::Complete, false);
            let text = ui.write_stream(["Hello", ", ", "world"]);
            ui.toast(format!("streamed {}", text.len()));
            Ok(())
        });
        assert!(t.spinners().is_empty(), "removed once its work is done");
        assert_eq!(
            t.statuses(),
            [("Downloaded".to_owned(), StatusState::Complete)]
        );
        assert_eq!(t.texts(), ["got 42"]);
        assert_eq!(t.markdown(), ["Hello, world"]);
        assert_eq!(t.toasts(), ["streamed 12"]);
    }
}
