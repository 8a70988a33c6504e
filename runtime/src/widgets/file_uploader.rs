//! `file_uploader`: files the user uploads. The value is an [`UploadedFile`]
//! (name, MIME type, bytes): `Option<UploadedFile>`, `None` while empty, or
//! with `.accept_multiple_files()` a `Vec<UploadedFile>`. Keyed identity:
//! type + key + page + `type`, `accept_multiple_files`, `max_upload_size`
//! (R4). Its key is read-only (R23): writing it through session state before
//! the uploader is drawn is `ValueAssignmentNotAllowed`.
//!
//! The browser sends a file once, base64 in the JSON event, as
//! `{"name", "type", "data"}`; a file larger than the widget's
//! `max_upload_size`, of a type it does not take, or not valid base64 is
//! rejected with an error naming the widget (A6). An empty list clears the
//! uploader.

use std::marker::PhantomData;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{label_options, 
    common_options, declare_kind, short, Common, Kind, Multi, Params, SelectionMode, Single,
    Tagged, ValueShape, WidgetParams,
};
use crate::register::WidgetCall;
use crate::ui::Ui;
use crate::Result;

/// Streamlit's default upload limit: 200 MiB.
pub const DEFAULT_MAX_UPLOAD_SIZE: u64 = 200 * 1024 * 1024;

/// An uploader's drawn parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct FileParams {
    /// The file extensions allowed (`.csv`), lower case; empty for any.
    pub types: Vec<String>,
    /// Several files (true) or one.
    pub multiple: bool,
    /// The largest file taken, in bytes.
    pub max_upload_size: u64,
}

impl Tagged for FileParams {
    const TAG: &'static str = "file";
}

declare_kind!(FileUploader = "file_uploader", Upload, FileParams);

impl WidgetParams for FileParams {
    fn validate(&self, value: Value) -> Result<Value, String> {
        validate(&self.types, self.multiple, self.max_upload_size, &value)
    }

    fn accepts(&self, value: &Value) -> bool {
        value.is_null() || value.is_array() || value.is_object()
    }

    fn expected(&self) -> &'static str {
        "uploaded files"
    }

    /// Files do not travel in URLs.
    fn read_query(&self, _raw: &[String]) -> Option<Value> {
        None
    }

    fn shape(&self) -> ValueShape {
        ValueShape::Files
    }

    /// Files are sent once, when chosen, never echoed back.
    fn to_wire(&self, _value: &Value) -> Value {
        Value::Null
    }

    /// A multiple-file uploader may take up to the app's limit.
    fn upload_room(&self, app_cap: u64) -> Option<u64> {
        Some(if self.multiple {
            app_cap
        } else {
            self.max_upload_size.min(app_cap)
        })
    }

    #[cfg(feature = "server")]
    fn render(&self, w: &super::Drawn<'_>) -> String {
        use super::view::{input_id, label_for, described_by};
        use leptos::prelude::*;
        let files: Vec<UploadedFile> = match w.value {
            Value::Null => Vec::new(),
            Value::Array(_) => serde_json::from_value(w.value.clone()).unwrap_or_default(),
            v => serde_json::from_value(v.clone())
                .map(|f| vec![f])
                .unwrap_or_default(),
        };
        let limit = human_size(self.max_upload_size);
        let hint = if self.types.is_empty() {
            format!("Limit {limit} per file")
        } else {
            format!("Limit {limit} per file • {}", self.types.join(", "))
        };
        let listed = (!files.is_empty()).then(|| {
            let items = files
                .iter()
                .map(|f| {
                    let size = human_size(f.size() as u64);
                    view! { <li><span class="bk-file-name">{f.name.clone()}</span>" "<span class="bk-file-size">{size}</span></li> }
                })
                .collect_view();
            view! {
                <ul class="bk-files">{items}</ul>
                <button type="button" class="bk-button bk-file-clear" disabled=w.disabled>"Remove"</button>
            }
        });
        let accept = (!self.types.is_empty()).then(|| self.types.join(","));
        view! {
            {label_for(w)}
            <input type="file" id=input_id(w) aria-describedby=described_by(w) accept=accept multiple=self.multiple disabled=w.disabled
                data-max-size=self.max_upload_size.to_string() />
            <div class="bk-file-hint">{hint}</div>
            {listed}
        }
        .to_html()
    }
}

/// A file the user uploaded.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    /// The file's name as the browser gave it (no directories).
    pub name: String,
    /// Its MIME type as the browser gave it (may be empty).
    #[serde(rename = "type")]
    pub mime: String,
    /// Its contents.
    #[serde(serialize_with = "to_base64", deserialize_with = "from_base64")]
    pub data: Vec<u8>,
}

impl UploadedFile {
    /// A file, e.g. for tests: `UploadedFile::new("a.csv", "text/csv", "x,y\n")`.
    pub fn new(name: impl Into<String>, mime: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        UploadedFile {
            name: name.into(),
            mime: mime.into(),
            data: data.into(),
        }
    }

    /// Its size in bytes.
    pub fn size(&self) -> usize {
        self.data.len()
    }

    /// Its contents as text, if they are UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }
}

impl std::fmt::Debug for UploadedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadedFile")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("size", &self.data.len())
            .finish()
    }
}

fn to_base64<S: Serializer>(data: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(data))
}

fn from_base64<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<u8>, D::Error> {
    let text = String::deserialize(d)?;
    STANDARD.decode(text).map_err(serde::de::Error::custom)
}

/// The size of base64 `data` decoded, checked a piece at a time so that
/// no copy of the file is made.
fn decoded_len(data: &str) -> std::result::Result<u64, base64::DecodeSliceError> {
    // 4096 characters (a multiple of 4) decode to at most 3072 bytes.
    let mut piece = [0u8; 3072];
    data.as_bytes().chunks(4096).try_fold(0u64, |total, chunk| {
        STANDARD
            .decode_slice(chunk, &mut piece)
            .map(|n| total + n as u64)
    })
}

/// One file from the browser, checked: its normal form and its size.
fn check_file(types: &[String], max: u64, value: &Value) -> Result<Value, String> {
    let field = |name: &str| value.get(name).and_then(Value::as_str);
    let (Some(name), Some(data)) = (field("name"), field("data")) else {
        return Err(format!(
            "expected a file as {{\"name\", \"type\", \"data\" (base64)}}, got {}",
            short(value)
        ));
    };
    if name.is_empty() || name.contains(['/', '\\']) {
        return Err(format!("{name:?} is not a file name"));
    }
    // Base64 is 4 characters for every 3 bytes, less up to 2 of padding:
    // a file surely too large is refused before it is decoded.
    let at_least = (data.len() as u64 / 4 * 3).saturating_sub(2);
    let size = if at_least > max {
        at_least
    } else {
        decoded_len(data)
            .map_err(|e| format!("the contents of \"{name}\" are not valid base64: {e}"))?
    };
    if size > max {
        return Err(format!(
            "\"{name}\" is {}, larger than the limit of {} for this uploader",
            human_size(size),
            human_size(max)
        ));
    }
    if !types.is_empty() {
        let lower = name.to_lowercase();
        if !types.iter().any(|t| lower.ends_with(t.as_str())) {
            return Err(format!(
                "\"{name}\" is not of a type this uploader takes ({})",
                types.join(", ")
            ));
        }
    }
    let mut out = Map::new();
    out.insert("name".into(), Value::String(name.to_owned()));
    out.insert(
        "type".into(),
        Value::String(field("type").unwrap_or_default().to_owned()),
    );
    out.insert("data".into(), Value::String(data.to_owned()));
    Ok(Value::Object(out))
}

/// A value from the browser (A6): one file or nothing (`null` or `[]`), or a
/// list of files; each within the size limit and of an allowed type.
pub(crate) fn validate(
    types: &[String],
    multiple: bool,
    max: u64,
    value: &Value,
) -> Result<Value, String> {
    match (multiple, value) {
        (false, Value::Null) => Ok(Value::Null),
        (false, Value::Array(items)) if items.is_empty() => Ok(Value::Null),
        (false, Value::Object(_)) => check_file(types, max, value),
        (false, _) => Err(format!("expected one file, got {}", short(value))),
        (true, Value::Null) => Ok(Value::Array(Vec::new())),
        (true, Value::Array(items)) => items
            .iter()
            .map(|f| check_file(types, max, f))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        (true, _) => Err(format!("expected a list of files, got {}", short(value))),
    }
}

/// A size for people: `512 B`, `1.5 KiB`, `200 MiB`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    let text = format!("{size:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

/// A file uploader (`st.file_uploader`); `M` is [`Single`] or [`Multi`].
#[must_use = "a widget is drawn by `.show()`"]
pub struct FileUploader<'u, 'r, M = Single> {
    ui: &'u Ui<'r>,
    label: String,
    types: Vec<String>,
    max_upload_size: u64,
    common: Common,
    mode: PhantomData<M>,
}

impl<'r> Ui<'r> {
    /// A file uploader (`st.file_uploader`) for one file of any type, up to
    /// 200 MiB. The server takes events up to the app's
    /// [`max_upload_size`](crate::App::max_upload_size).
    pub fn file_uploader(&self, label: impl Into<String>) -> FileUploader<'_, 'r> {
        FileUploader {
            ui: self,
            label: label.into(),
            types: Vec::new(),
            max_upload_size: DEFAULT_MAX_UPLOAD_SIZE,
            common: Common::default(),
            mode: PhantomData,
        }
    }
}

common_options!(impl['u, 'r, M] FileUploader<'u, 'r, M>, on_change);
label_options!(impl['u, 'r, M] FileUploader<'u, 'r, M>);

impl<'u, 'r, M> FileUploader<'u, 'r, M> {
    /// The file extensions taken, e.g. `["csv", ".txt"]` (any type when not set).
    pub fn types<S: AsRef<str>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.types = types
            .into_iter()
            .map(|t| {
                let t = t.as_ref().to_lowercase();
                if t.starts_with('.') {
                    t
                } else {
                    format!(".{t}")
                }
            })
            .collect();
        self
    }

    /// The largest file taken, in bytes (200 MiB by default).
    pub fn max_upload_size(mut self, bytes: u64) -> Self {
        self.max_upload_size = bytes;
        self
    }

    /// Takes any number of files: the widget returns `Vec<UploadedFile>`.
    pub fn accept_multiple_files(self) -> FileUploader<'u, 'r, Multi> {
        FileUploader {
            ui: self.ui,
            label: self.label,
            types: self.types,
            max_upload_size: self.max_upload_size,
            common: self.common,
            mode: PhantomData,
        }
    }
}

impl<M: SelectionMode> FileUploader<'_, '_, M> {
    /// Draws the uploader and returns its file(s): `Option<UploadedFile>`,
    /// or `Vec<UploadedFile>` with `.accept_multiple_files()`.
    pub fn show(self) -> Result<M::Out<UploadedFile>> {
        let FileUploader {
            ui,
            label,
            types,
            max_upload_size,
            common,
            mode: _,
        } = self;
        if max_upload_size == 0 {
            return Err(ui.invalid_argument(format!(
                "file_uploader \"{label}\": max_upload_size must be at least one byte"
            )));
        }
        let help = common.help.clone();
        let multiple = M::MULTI;
        let call = WidgetCall {
            kind: Kind::FileUploader,
            label,
            common,
            params: Params::new(FileParams {
                types: types.clone(),
                multiple,
                max_upload_size,
            }),
            default: if multiple {
                Value::Array(Vec::new())
            } else {
                Value::Null
            },
            default_given: false,
        };
        ui.register(call, |id, keyed, label, _params| {
            if !keyed {
                id.param("label", label);
            }
            id.param("type", &types)
                .param("accept_multiple_files", &multiple);
            if !keyed {
                id.param("help", &help);
            }
            id.param("max_upload_size", &(max_upload_size as i64));
        })
    }
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    #[test]
    fn sizes_are_measured_without_decoding_whole() {
        for n in [0, 1, 2, 3, 3071, 3072, 3073, 10_000] {
            let data = STANDARD.encode(vec![7u8; n]);
            assert_eq!(decoded_len(&data).unwrap(), n as u64, "{n}");
        }
        assert!(decoded_len("not base64!").is_err());
        assert!(decoded_len(&format!("{}=A", "A".repeat(4096))).is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file(name: &str, data: &[u8]) -> Value {
        serde_json::to_value(UploadedFile::new(name, "text/plain", data)).unwrap()
    }

    #[test]
    fn files_round_trip_through_json_as_base64() {
        let f = UploadedFile::new("a.txt", "text/plain", b"hi".to_vec());
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(
            v,
            json!({"name": "a.txt", "type": "text/plain", "data": "aGk="})
        );
        assert_eq!(serde_json::from_value::<UploadedFile>(v).unwrap(), f);
    }

    #[test]
    fn a6_files_are_checked_for_size_type_and_encoding() {
        let txt = [".txt".to_owned()];
        assert_eq!(
            validate(&txt, false, 10, &file("A.TXT", b"0123456789")),
            Ok(file("A.TXT", b"0123456789"))
        );
        let err = validate(&[], false, 9, &file("a.txt", b"0123456789")).unwrap_err();
        assert!(err.contains("10 B, larger than the limit of 9 B"), "{err}");
        assert!(validate(&txt, false, 99, &file("a.csv", b"x"))
            .unwrap_err()
            .contains("not of a type"));
        let bad = json!({"name": "a.txt", "type": "", "data": "!!"});
        assert!(validate(&[], false, 99, &bad)
            .unwrap_err()
            .contains("base64"));
        assert!(validate(&[], false, 99, &file("../a", b"x")).is_err());
        assert!(validate(&[], false, 99, &json!("a.txt")).is_err());
    }

    #[test]
    fn a6_empty_means_no_file() {
        assert_eq!(validate(&[], false, 9, &json!(null)), Ok(json!(null)));
        assert_eq!(validate(&[], false, 9, &json!([])), Ok(json!(null)));
        assert_eq!(validate(&[], true, 9, &json!(null)), Ok(json!([])));
        let two = json!([file("a", b"1"), file("b", b"2")]);
        assert_eq!(validate(&[], true, 9, &two), Ok(two.clone()));
        assert!(validate(&[], false, 9, &two).is_err());
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(DEFAULT_MAX_UPLOAD_SIZE), "200 MiB");
    }
}
