//! `download_button`: a button that downloads a file (`st.download_button`).
//! A click is a real download over HTTP (`POST /_brooklet/download/ID`, the
//! page's form, so it works without JavaScript too) of the bytes the last
//! run gave; by default the click also reruns the page, as a button's does
//! (R28), unless `ignore_click()` (`on_click="ignore"`). Without JavaScript
//! the click downloads but cannot rerun. The file lives in the session, so
//! any replica serves it. Keyed identity: type + key + page; without a key
//! also the label, file name, MIME type and help.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{click_value, declare_kind, Common, Kind, Params, Tagged, WidgetParams};
use crate::elements::MediaFile;
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// The most bytes one session's download buttons may serve together.
pub const MAX_DOWNLOAD_BYTES: usize = 64 * 1024 * 1024;

/// A download button's drawn parameters (its bytes are in the session).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct DownloadParams {
    pub file_name: String,
    pub mime: String,
    pub size: u64,
    /// `on_click = "ignore"`: the click downloads and does not rerun.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore: bool,
}

impl Tagged for DownloadParams {
    const TAG: &'static str = "download";
}

declare_kind!(DownloadButton = "download_button", Trigger, DownloadParams);

impl WidgetParams for DownloadParams {
    click_value!();

    /// A submit button of the page's form to the download route: the
    /// browser saves the answer and stays on the page.
    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{described_by, help, input_id};
        use leptos::prelude::*;
        let size = super::file_uploader::human_size(self.size);
        let title = format!("{} ({size})", self.file_name);
        view! {
            <button type="submit" id=input_id(w) aria-describedby=described_by(w) class="bk-button bk-download"
                name="_download" value=w.id.to_string() formaction=format!("_brooklet/download/{}", w.id)
                formmethod="post" formnovalidate=true title=title disabled=w.disabled
                data-ignore=self.ignore.then_some("1")>
                {w.label.to_owned()}
            </button>
            {help(w)}
        }
        .to_html()
    }
}

/// A download button.
#[must_use = "a widget is drawn by `.show()`"]
pub struct DownloadButton<'u, 'r> {
    ui: &'u Ui<'r>,
    label: String,
    file: MediaFile,
    ignore: bool,
    common: Common,
}

impl<'r> Ui<'r> {
    /// A button that downloads `data` as `file_name` (`st.download_button`):
    /// text (`String`, `&str`) as `text/plain`, bytes (`Vec<u8>`) as
    /// `application/octet-stream` unless [`DownloadButton::mime`] says
    /// otherwise. It returns whether it was clicked, as a button does.
    pub fn download_button(
        &self,
        label: impl Into<String>,
        data: impl Into<DownloadData>,
        file_name: impl Into<String>,
    ) -> DownloadButton<'_, 'r> {
        let DownloadData { bytes, mime } = data.into();
        DownloadButton {
            ui: self,
            label: label.into(),
            file: MediaFile {
                name: file_name.into(),
                mime: mime.to_owned(),
                data: bytes,
            },
            ignore: false,
            common: Common::default(),
        }
    }
}

/// What a download button serves: text or bytes, and its MIME type.
pub struct DownloadData {
    bytes: Vec<u8>,
    mime: &'static str,
}

impl From<String> for DownloadData {
    fn from(text: String) -> Self {
        DownloadData {
            bytes: text.into_bytes(),
            mime: "text/plain",
        }
    }
}

impl From<&str> for DownloadData {
    fn from(text: &str) -> Self {
        DownloadData::from(text.to_owned())
    }
}

impl From<Vec<u8>> for DownloadData {
    fn from(bytes: Vec<u8>) -> Self {
        DownloadData {
            bytes,
            mime: "application/octet-stream",
        }
    }
}

impl From<&[u8]> for DownloadData {
    fn from(bytes: &[u8]) -> Self {
        DownloadData::from(bytes.to_vec())
    }
}

impl DownloadButton<'_, '_> {
    /// Its key (R2, R9).
    pub fn key(mut self, key: impl std::fmt::Display) -> Self {
        self.common.key = Some(key.to_string());
        self
    }

    /// A tooltip next to it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.common.help = Some(help.into());
        self
    }

    /// Draws it disabled: nothing downloads (R43).
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.common.disabled = disabled;
        self
    }

    /// The file's MIME type, e.g. `text/csv`.
    pub fn mime(mut self, mime: impl Into<String>) -> Self {
        self.file.mime = mime.into();
        self
    }

    /// A click downloads and does not rerun the page (`on_click="ignore"`).
    pub fn ignore_click(mut self) -> Self {
        self.ignore = true;
        self
    }

    /// A callback that runs before the next run's body when it is clicked
    /// (R25–R27).
    pub fn on_click(
        mut self,
        callback: impl Fn(&Ui<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.common.callback = Some(std::sync::Arc::new(callback));
        self
    }

    /// Used by `#[page]`: the call's compile-time site. Not public API.
    #[doc(hidden)]
    pub fn __site(mut self, site: &'static crate::identity::WidgetSite) -> Self {
        self.common.site = Some(site);
        self
    }

    /// Draws the button; returns whether it was clicked in the event that
    /// caused this run (always `false` with `ignore_click`).
    pub fn show(self) -> Result<bool> {
        let DownloadButton {
            ui,
            label,
            file,
            ignore,
            mut common,
        } = self;
        let served: usize = ui.run.borrow().media.values().map(|m| m.data.len()).sum();
        if served + file.data.len() > MAX_DOWNLOAD_BYTES {
            return Err(ui.invalid_argument(format!(
                "download_button \"{label}\": this page's downloads would be {} bytes, more than the {} a \
                 session keeps; serve large files from elsewhere",
                served + file.data.len(),
                MAX_DOWNLOAD_BYTES
            )));
        }
        common.ignore_changes = ignore;
        let params = DownloadParams {
            file_name: file.name.clone(),
            mime: file.mime.clone(),
            size: file.data.len() as u64,
            ignore,
        };
        let help = common.help.clone();
        let (name, mime) = (file.name.clone(), file.mime.clone());
        let call = WidgetCall {
            kind: Kind::DownloadButton,
            label,
            common,
            params: Params::new(params),
            default: Value::Bool(false),
            default_given: false,
        };
        let (clicked, id, _) = ui.register_node::<bool>(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label)
                    .param("file_name", &name)
                    .param("mime", &mime)
                    .param("help", &help);
            }
        })?;
        ui.run.borrow_mut().media.insert(id, file);
        Ok(clicked && !ignore)
    }
}
