//! Display elements shown next to widgets: metrics, code, JSON, tables and
//! data frames from serde rows, line and bar charts (drawn to SVG on the
//! server), and progress bars. They hold no state; each run draws them anew.
//!
//! Rows are any `Serialize` values: structs, maps, tuples or plain values.
//! Columns are the first row's fields in the order the row serialises them
//! (a struct's declaration order), whatever order serde_json's maps keep.

use std::fmt;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::elements::{ChartKind, DeltaColor, Element};
use crate::error::{Error, ErrorKind, Result};
use crate::ui::Ui;

/// A serialised row: its fields in order.
struct Row(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = Row;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a row")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Row, A::Error> {
                let mut fields = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    fields.push((k, v));
                }
                Ok(Row(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Row, A::Error> {
                let mut fields = Vec::new();
                while let Some(v) = seq.next_element::<Value>()? {
                    fields.push((fields.len().to_string(), v));
                }
                Ok(Row(fields))
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Row, E> {
                Ok(Row::value(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Row, E> {
                Ok(Row::value(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Row, E> {
                Ok(Row::value(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Row, E> {
                Ok(Row::value(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Row, E> {
                Ok(Row::value(v.into()))
            }
            fn visit_unit<E>(self) -> std::result::Result<Row, E> {
                Ok(Row::value(Value::Null))
            }
        }
        d.deserialize_any(RowVisitor)
    }
}

impl Row {
    fn value(v: Value) -> Row {
        Row(vec![("value".to_owned(), v)])
    }
}

/// Serialises rows with their fields in order: columns from the first row,
/// one cell per column and row.
fn to_table<R: Serialize>(
    rows: &[R],
) -> std::result::Result<(Vec<String>, Vec<Vec<Value>>), String> {
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        // Through JSON text: serde_json writes a struct's fields in order,
        // and the visitor above reads them back in that order.
        let text = serde_json::to_string(row).map_err(|e| format!("row {i}: {e}"))?;
        let row: Row = serde_json::from_str(&text).map_err(|e| format!("row {i}: {e}"))?;
        out.push(row);
    }
    Ok(rows_to_cells(out))
}

/// Columns from the first row's fields, in order; a cell per column of
/// each row (empty where a row lacks the field).
fn rows_to_cells(rows: Vec<Row>) -> (Vec<String>, Vec<Vec<Value>>) {
    let columns: Vec<String> = rows
        .first()
        .map(|Row(fields)| fields.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    let cells = rows
        .into_iter()
        .map(|Row(fields)| {
            let mut cells = vec![Value::Null; columns.len()];
            for (k, v) in fields {
                if let Some(c) = columns.iter().position(|c| *c == k) {
                    cells[c] = v;
                }
            }
            cells
        })
        .collect();
    (columns, cells)
}

/// A value as a table cell or axis label shows it.
pub(crate) fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A progress value: an integer percentage (0 to 100) or a float fraction
/// (0.0 to 1.0), as `st.progress` takes.
pub trait ProgressValue {
    /// The percentage, or `None` when out of range.
    fn percent(self) -> Option<u8>;
}

macro_rules! progress_int {
    ($($t:ty),*) => {$(
        impl ProgressValue for $t {
            fn percent(self) -> Option<u8> {
                u8::try_from(self).ok().filter(|p| *p <= 100)
            }
        }
    )*};
}
progress_int!(u8, u16, u32, u64, usize, i32, i64);

impl ProgressValue for f64 {
    fn percent(self) -> Option<u8> {
        (0.0..=1.0)
            .contains(&self)
            .then(|| (self * 100.0).round() as u8)
    }
}

impl ProgressValue for f32 {
    fn percent(self) -> Option<u8> {
        f64::from(self).percent()
    }
}

impl<'r> Ui<'r> {
    fn display_error(&self, message: String) -> Error {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    /// A metric (`st.metric`): a label and a big value.
    pub fn metric(&self, label: impl Into<String>, value: impl fmt::Display) {
        self.metric_delta(label, value, None::<&str>, DeltaColor::Normal);
    }

    /// A metric with its change (`st.metric(label, value, delta)`): an
    /// arrow up, or down when `delta` starts with `-`, coloured by
    /// `delta_color`.
    pub fn metric_delta(
        &self,
        label: impl Into<String>,
        value: impl fmt::Display,
        delta: Option<impl fmt::Display>,
        delta_color: DeltaColor,
    ) {
        self.push(Element::Metric {
            label: label.into(),
            value: value.to_string(),
            delta: delta.map(|d| d.to_string()),
            delta_color,
        });
    }

    /// Code (`st.code`), shown as it is, with a `language-*` class for
    /// highlighters when `language` is given.
    pub fn code(&self, body: impl Into<String>, language: Option<&str>) {
        self.push(Element::Code {
            body: body.into(),
            language: language.map(str::to_owned),
        });
    }

    /// Any `Serialize` value as indented JSON (`st.json`), fields in the
    /// value's own order.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let body = serde_json::to_string_pretty(value)
            .map_err(|e| self.display_error(format!("json: the value cannot be shown: {e}")))?;
        self.push(Element::Json { body });
        Ok(())
    }

    /// Writes `value` as Streamlit's `st.write` does: text as markdown, a
    /// number or a bool as its text, a list of rows (structs, maps or
    /// tuples) as a table with the fields in order, anything else as JSON.
    /// For anything `Display`, see [`Ui::write_display`].
    pub fn write<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let text = serde_json::to_string(value)
            .map_err(|e| self.display_error(format!("write: the value cannot be shown: {e}")))?;
        let shape: Value = serde_json::from_str(&text)
            .map_err(|e| self.display_error(format!("write: the value cannot be shown: {e}")))?;
        match &shape {
            Value::String(s) => self.markdown(s.clone()),
            Value::Number(_) | Value::Bool(_) => self.markdown(shape.to_string()),
            Value::Array(items)
                if !items.is_empty() && items.iter().all(|i| i.is_object() || i.is_array()) =>
            {
                let rows: Vec<Row> = serde_json::from_str(&text).map_err(|e| {
                    self.display_error(format!("write: a row cannot be shown: {e}"))
                })?;
                let (columns, rows) = rows_to_cells(rows);
                self.push(Element::Table {
                    columns,
                    rows,
                    dataframe: false,
                });
            }
            _ => return self.json(value),
        }
        Ok(())
    }

    /// An image (`st.image`): PNG, JPEG, GIF, WebP or SVG bytes (told
    /// apart by their first bytes), or a URL. Bytes are served from the
    /// session's media route, never put into the page.
    pub fn image(&self, source: impl Into<MediaSource>) -> Result<()> {
        self.image_with(source, MediaOptions::default())
    }

    /// An image with a caption and a width in pixels.
    pub fn image_with(&self, source: impl Into<MediaSource>, options: MediaOptions) -> Result<()> {
        self.media(crate::elements::MediaKind::Image, source.into(), options)
    }

    /// A sound with the browser's controls (`st.audio`): WAV, MP3, OGG or
    /// FLAC bytes, bytes of a type given with [`MediaSource::typed`], or a
    /// URL.
    pub fn audio(&self, source: impl Into<MediaSource>) -> Result<()> {
        let options = MediaOptions::default();
        self.media(crate::elements::MediaKind::Audio, source.into(), options)
    }

    /// A video with the browser's controls (`st.video`): MP4 or WebM bytes,
    /// bytes of a type given with [`MediaSource::typed`], or a URL.
    pub fn video(&self, source: impl Into<MediaSource>) -> Result<()> {
        let options = MediaOptions::default();
        self.media(crate::elements::MediaKind::Video, source.into(), options)
    }

    fn media(
        &self,
        kind: crate::elements::MediaKind,
        source: MediaSource,
        options: MediaOptions,
    ) -> Result<()> {
        use crate::elements::{MediaFile, MediaRef};
        let what = kind.name();
        let source = match source {
            MediaSource::Url(url)
                if crate::elements::safe_url(&url) && !url.starts_with("mailto:") =>
            {
                MediaRef::Url(url)
            }
            MediaSource::Url(url) => {
                return Err(self.display_error(format!(
                    "{what}: the URL \"{url}\" is not allowed; use a relative, http or https URL"
                )))
            }
            MediaSource::Bytes { data, mime } => {
                let mime = match mime.or_else(|| sniff(kind, &data)) {
                    Some(m) => m,
                    None => {
                        return Err(self.display_error(format!("{what}: {}", unknown_media(kind))))
                    }
                };
                let id = crate::identity::WidgetId(crate::identity::rt_part(MEDIA_SEED, &data));
                let mut run = self.run.borrow_mut();
                let served: usize = run.media.values().map(|m| m.data.len()).sum();
                if served + data.len() > crate::widgets::MAX_DOWNLOAD_BYTES {
                    return Err(Error::new(
                        ErrorKind::InvalidArgument,
                        format!(
                            "{what}: this page's files would be {} bytes, more than the {} a session keeps; \
                             serve large files from a URL",
                            served + data.len(),
                            crate::widgets::MAX_DOWNLOAD_BYTES
                        ),
                    ));
                }
                let name = format!("{what}.{}", mime.rsplit('/').next().unwrap_or("bin"));
                run.media.insert(id, MediaFile { name, mime, data });
                MediaRef::File(id)
            }
        };
        self.push(Element::Media {
            kind,
            source,
            caption: options.caption,
            width: options.width,
        });
        Ok(())
    }

    /// Writes anything `Display` as markdown text (`st.write` of a string).
    pub fn write_display(&self, value: impl fmt::Display) {
        self.markdown(value.to_string());
    }

    /// A scrollable data frame (`st.dataframe`) of serde rows: one column
    /// per field of the first row, in order.
    pub fn dataframe<R: Serialize>(&self, rows: &[R]) -> Result<()> {
        self.table_element(rows, true, "dataframe")
    }

    /// A static table (`st.table`) of serde rows: one column per field of
    /// the first row, in order.
    pub fn table<R: Serialize>(&self, rows: &[R]) -> Result<()> {
        self.table_element(rows, false, "table")
    }

    fn table_element<R: Serialize>(&self, rows: &[R], dataframe: bool, what: &str) -> Result<()> {
        let (columns, rows) = to_table(rows)
            .map_err(|e| self.display_error(format!("{what}: a row cannot be shown: {e}")))?;
        self.push(Element::Table {
            columns,
            rows,
            dataframe,
        });
        Ok(())
    }

    /// A line chart (`st.line_chart`) of serde rows: the first field is the
    /// x axis, every other numeric field a line. Drawn to SVG on the server.
    pub fn line_chart<R: Serialize>(&self, rows: &[R]) -> Result<()> {
        self.chart(ChartKind::Line, rows)
    }

    /// A bar chart (`st.bar_chart`) of serde rows: the first field gives
    /// the bars' labels, every other numeric field a series of bars.
    pub fn bar_chart<R: Serialize>(&self, rows: &[R]) -> Result<()> {
        self.chart(ChartKind::Bar, rows)
    }

    fn chart<R: Serialize>(&self, kind: ChartKind, rows: &[R]) -> Result<()> {
        let what = match kind {
            ChartKind::Line => "line_chart",
            ChartKind::Bar => "bar_chart",
        };
        let (columns, rows) = to_table(rows)
            .map_err(|e| self.display_error(format!("{what}: a row cannot be shown: {e}")))?;
        let x = rows
            .iter()
            .map(|r| r.first().map(cell_text).unwrap_or_default())
            .collect();
        let series: Vec<(String, Vec<Option<f64>>)> = columns
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(c, _)| rows.iter().any(|r| r[*c].is_number()))
            .map(|(c, name)| (name.clone(), rows.iter().map(|r| r[c].as_f64()).collect()))
            .collect();
        if !rows.is_empty() && series.is_empty() {
            return Err(self.display_error(format!(
                "{what}: no numeric field besides the first (the x axis) in columns {columns:?}; \
                 give each row at least one number to plot"
            )));
        }
        self.push(Element::Chart { kind, x, series });
        Ok(())
    }
}

/// The seed of media files' ids (content hashes), apart from widget ids.
const MEDIA_SEED: u64 = 0x6d65_6469_615f_6964;

/// What an image, sound or video shows: bytes, or a URL.
pub enum MediaSource {
    /// Bytes, with their MIME type when known.
    Bytes {
        /// The file.
        data: Vec<u8>,
        /// Its type; found from its first bytes when `None`.
        mime: Option<String>,
    },
    /// A URL: relative, `http` or `https`.
    Url(String),
}

impl MediaSource {
    /// Bytes of a type given here, e.g. `audio/aac`.
    pub fn typed(data: impl Into<Vec<u8>>, mime: impl Into<String>) -> Self {
        MediaSource::Bytes {
            data: data.into(),
            mime: Some(mime.into()),
        }
    }
}

impl From<Vec<u8>> for MediaSource {
    fn from(data: Vec<u8>) -> Self {
        MediaSource::Bytes { data, mime: None }
    }
}

impl From<&[u8]> for MediaSource {
    fn from(data: &[u8]) -> Self {
        MediaSource::from(data.to_vec())
    }
}

impl From<&str> for MediaSource {
    fn from(url: &str) -> Self {
        MediaSource::Url(url.to_owned())
    }
}

impl From<String> for MediaSource {
    fn from(url: String) -> Self {
        MediaSource::Url(url)
    }
}

/// An image's caption and width.
#[derive(Clone, Debug, Default)]
pub struct MediaOptions {
    /// Shown under it; it also names it for screen readers.
    pub caption: Option<String>,
    /// Its width in pixels, the container's width at most.
    pub width: Option<u32>,
}

/// The MIME type of `data`, told by its first bytes, if it is one `kind`
/// takes.
fn sniff(kind: crate::elements::MediaKind, data: &[u8]) -> Option<String> {
    use crate::elements::MediaKind;
    let starts = |magic: &[u8]| data.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| data.get(offset..offset + magic.len()) == Some(magic);
    let mime = match kind {
        MediaKind::Image if starts(b"\x89PNG\r\n\x1a\n") => "image/png",
        MediaKind::Image if starts(&[0xFF, 0xD8, 0xFF]) => "image/jpeg",
        MediaKind::Image if starts(b"GIF87a") || starts(b"GIF89a") => "image/gif",
        MediaKind::Image if starts(b"RIFF") && at(8, b"WEBP") => "image/webp",
        MediaKind::Image if is_svg(data) => "image/svg+xml",
        MediaKind::Audio if starts(b"RIFF") && at(8, b"WAVE") => "audio/wav",
        MediaKind::Audio if starts(b"ID3") || starts(&[0xFF, 0xFB]) => "audio/mpeg",
        MediaKind::Audio if starts(b"OggS") => "audio/ogg",
        MediaKind::Audio if starts(b"fLaC") => "audio/flac",
        MediaKind::Video if at(4, b"ftyp") => "video/mp4",
        MediaKind::Video if starts(&[0x1A, 0x45, 0xDF, 0xA3]) => "video/webm",
        _ => return None,
    };
    Some(mime.to_owned())
}

fn is_svg(data: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&data[..data.len().min(512)]);
    let head = head.trim_start();
    head.starts_with("<svg") || (head.starts_with("<?xml") && head.contains("<svg"))
}

fn unknown_media(kind: crate::elements::MediaKind) -> &'static str {
    use crate::elements::MediaKind;
    match kind {
        MediaKind::Image => "the bytes are not a PNG, JPEG, GIF, WebP or SVG image",
        MediaKind::Audio => {
            "the bytes are not WAV, MP3, OGG or FLAC; give their type with `MediaSource::typed`"
        }
        MediaKind::Video => {
            "the bytes are not MP4 or WebM; give their type with `MediaSource::typed`"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::AppTest;
    use crate::{App, Page};
    use serde_json::json;

    #[derive(Serialize)]
    struct City {
        zeta: &'static str,
        alpha: i64,
        mid: f64,
    }

    /// `write` picks the element as `st.write` does: markdown for text,
    /// the text of a number, a table (fields in order) for rows, JSON for
    /// the rest; `write_display` writes anything `Display`.
    #[test]
    fn write_shows_each_value_as_streamlit_does() {
        let mut t = AppTest::new(App::new().page(Page::new("w", |ui| {
            ui.write("**bold**")?;
            ui.write(&42)?;
            ui.write(&[
                City {
                    zeta: "a",
                    alpha: 1,
                    mid: 0.5,
                },
                City {
                    zeta: "b",
                    alpha: 2,
                    mid: 1.5,
                },
            ])?;
            ui.write(&json!({"k": [1, 2]}))?;
            ui.write_display(std::net::Ipv4Addr::LOCALHOST);
            Ok(())
        })));
        t.run().unwrap();
        assert_eq!(t.markdown(), ["**bold**", "42", "127.0.0.1"]);
        let tables: Vec<_> = t
            .tree()
            .iter()
            .filter_map(|e| match e {
                Element::Table { columns, rows, .. } => Some((columns.clone(), rows.len())),
                _ => None,
            })
            .collect();
        assert_eq!(
            tables,
            [(vec!["zeta".to_owned(), "alpha".into(), "mid".into()], 2)]
        );
        assert!(t
            .tree()
            .iter()
            .any(|e| matches!(e, Element::Json { body } if body.contains("\"k\""))));
    }

    #[test]
    fn columns_keep_the_rows_field_order() {
        let rows = [
            City {
                zeta: "a",
                alpha: 1,
                mid: 0.5,
            },
            City {
                zeta: "b",
                alpha: 2,
                mid: 1.5,
            },
        ];
        let (columns, cells) = to_table(&rows).unwrap();
        assert_eq!(columns, ["zeta", "alpha", "mid"]);
        assert_eq!(cells[1], [json!("b"), json!(2), json!(1.5)]);
        // Tuples and plain values have columns too; a missing field is empty.
        assert_eq!(to_table(&[(1, "x")]).unwrap().0, ["0", "1"]);
        assert_eq!(to_table(&[3, 4]).unwrap().1, [[json!(3)], [json!(4)]]);
        let maps = [json!({"a": 1, "b": 2}), json!({"b": 3})];
        assert_eq!(to_table(&maps).unwrap().1[1], [Value::Null, json!(3)]);
    }

    #[test]
    fn progress_takes_percentages_and_fractions() {
        assert_eq!(42.percent(), Some(42));
        assert_eq!(0.25.percent(), Some(25));
        assert_eq!(101.percent(), None);
        assert_eq!((-1).percent(), None);
        assert_eq!(1.5.percent(), None);
    }

    #[test]
    fn display_elements_are_in_the_tree() {
        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            ui.metric_delta("Temp", "21 °C", Some("-1.5 °C"), DeltaColor::Inverse);
            ui.code("fn main() {}", Some("rust"));
            ui.json(&json!({"a": [1, 2]}))?;
            ui.table(&[City {
                zeta: "z",
                alpha: 1,
                mid: 2.0,
            }])?;
            ui.line_chart(&[(1, 2.0), (2, 3.0)])?;
            ui.progress(0.5, Some("half"))?;
            Ok(())
        })));
        t.run().unwrap();
        let outline = t.tree().outline();
        for line in [
            "[metric] Temp: 21 °C (-1.5 °C)",
            "[code] fn main() {}",
            "[table 1 x 3] zeta | alpha | mid",
            "[line chart] 2 points: 1",
            "[progress 50%] half",
        ] {
            assert!(outline.contains(line), "{line} in {outline}");
        }
    }

    #[test]
    fn bad_display_arguments_are_errors_on_the_page() {
        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            ui.progress(150, None)?;
            Ok(())
        })));
        t.run().unwrap();
        assert_eq!(t.exceptions()[0].0, ErrorKind::InvalidArgument);
        let mut t = AppTest::new(App::new().page(Page::new("app", |ui| {
            ui.bar_chart(&[("a", "b")])?;
            Ok(())
        })));
        t.run().unwrap();
        assert!(t.exceptions()[0].1.contains("no numeric field"));
    }
}
