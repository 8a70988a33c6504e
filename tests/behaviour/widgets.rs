//! The newer widget kinds through the headless harness: date_input,
//! time_input, color_picker, pills, segmented_control and file_uploader.
//! For each: its value type, which parameters count for a keyed identity
//! (R4: a change resets the widget, R12), values set as a user would, and
//! bad values rejected with `InvalidValue` naming the widget, the session
//! left as it was (A6). A colour written through state must be a colour
//! (R21, A4); file_uploader's key is read-only (R23).
//!
//! Rules: R4, R12, R21, R23, R28, A4, A6.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use brooklet::chrono::{NaiveDate, NaiveTime};
use brooklet::prelude::*;
use brooklet::testing::{AppTest, Target};
use brooklet::PageDefinition;
use serde_json::{json, Value};

use crate::harness::started;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A knob a test turns between runs: which variant of a parameter the page draws.
fn knob() -> (Arc<AtomicI64>, Arc<AtomicI64>) {
    let k = Arc::new(AtomicI64::new(0));
    (k.clone(), k)
}

/// Sends a bad value and checks it is refused with `InvalidValue`, naming
/// the widget, with nothing changed.
fn rejects(t: &mut AppTest, target: Target, bad: Value, says: &str) {
    let before = (t.session_state(), t.widgets(), t.texts());
    let err = t
        .set_value(target.clone(), bad.clone())
        .err()
        .unwrap_or_else(|| {
            panic!("{bad} was taken by {target:?}");
        });
    assert_eq!(err.kind(), ErrorKind::InvalidValue, "{err}");
    assert!(err.message().contains(says), "{err}");
    let after = (t.session_state(), t.widgets(), t.texts());
    assert_eq!(before, after, "A6: a rejected value changes nothing");
}

// ---------------------------------------------------------------- date_input

#[test]
fn date_input_returns_a_date_and_takes_the_browsers_form() {
    let mut t = started(|ui| {
        let d = ui
            .date_input("Day")
            .key("d")
            .value(date("2024-03-01"))
            .min(date("2024-01-01"))
            .max(date("2024-12-31"))
            .show()?;
        ui.text(format!("day = {d}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["day = 2024-03-01"]);
    t.set_value(Target::key("date_input", "d"), "2024-07-14")
        .unwrap();
    assert_eq!(t.texts(), ["day = 2024-07-14"]);
    t.set_value(Target::key("date_input", "d"), date("2024-02-29"))
        .unwrap();
    assert_eq!(t.session_state()["d"], json!("2024-02-29"));
    // The conformance traces' form.
    t.set_value(
        Target::key("date_input", "d"),
        json!({"$date": "2024-05-05"}),
    )
    .unwrap();
    assert_eq!(t.texts(), ["day = 2024-05-05"]);
    let d = Target::key("date_input", "d");
    rejects(&mut t, d.clone(), json!("2025-01-01"), "outside the range");
    rejects(&mut t, d.clone(), json!("2024-13-01"), "expected a date");
    rejects(&mut t, d, json!(20240101), "date_input with key \"d\"");
}

#[test]
fn r4_date_input_keeps_its_identity_unless_its_format_changes() {
    let (k, page_k) = knob();
    let mut t = started(move |ui| {
        let v = page_k.load(Ordering::Relaxed);
        let (label, format) = match v {
            0 => ("Day", "YYYY/MM/DD"),
            1 => ("Another label", "YYYY/MM/DD"),
            _ => ("Another label", "DD.MM.YYYY"),
        };
        let min = date("2020-01-01") + chrono_days(v);
        ui.date_input(label)
            .key("d")
            .value(date("2024-01-01"))
            .min(min)
            .format(format)
            .show()?;
        Ok(())
    });
    let id0 = t.widgets()[0].id;
    t.set_value(Target::key("date_input", "d"), "2024-06-01")
        .unwrap();
    k.store(1, Ordering::Relaxed);
    t.run().unwrap();
    assert_eq!(
        t.widgets()[0].id,
        id0,
        "label and min_value do not count with a key"
    );
    assert_eq!(t.session_state()["d"], json!("2024-06-01"));
    k.store(2, Ordering::Relaxed);
    t.run().unwrap();
    assert_ne!(t.widgets()[0].id, id0, "format counts (R4)");
    assert_eq!(
        t.session_state()["d"],
        json!("2024-01-01"),
        "R12: back to its default"
    );
}

fn chrono_days(n: i64) -> brooklet::chrono::Days {
    brooklet::chrono::Days::new(n as u64)
}

#[test]
fn date_input_parameters_are_checked() {
    let t = started(|ui| {
        ui.date_input("Day").format("YYYYMMDD").show()?;
        Ok(())
    });
    assert_eq!(t.exceptions()[0].0, ErrorKind::InvalidArgument);
    let t = started(|ui| {
        ui.date_input("Day")
            .value(date("2030-01-01"))
            .max(date("2029-01-01"))
            .show()?;
        Ok(())
    });
    assert!(t.exceptions()[0].1.contains("date_input \"Day\""));
}

// ---------------------------------------------------------------- time_input

#[test]
fn time_input_returns_a_time_on_its_step() {
    let mut t = started(|ui| {
        let at = ui.time_input("At").key("t").step(60).show()?;
        ui.text(format!("at = {at}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["at = 00:00:00"]);
    t.set_value(Target::key("time_input", "t"), "10:31")
        .unwrap();
    assert_eq!(t.texts(), ["at = 10:31:00"]);
    assert_eq!(t.session_state()["t"], json!("10:31:00"));
    t.set_value(
        Target::key("time_input", "t"),
        NaiveTime::from_hms_opt(7, 5, 0).unwrap(),
    )
    .unwrap();
    assert_eq!(t.texts(), ["at = 07:05:00"]);
    let tt = Target::key("time_input", "t");
    rejects(&mut t, tt.clone(), json!("10:31:30"), "not on a step of 60");
    rejects(&mut t, tt, json!("24:00"), "expected a time");
}

#[test]
fn r4_time_input_step_counts_with_a_key() {
    let (k, page_k) = knob();
    let mut t = started(move |ui| {
        let step = if page_k.load(Ordering::Relaxed) < 2 {
            60
        } else {
            300
        };
        let label = if page_k.load(Ordering::Relaxed) == 0 {
            "At"
        } else {
            "When"
        };
        ui.time_input(label).key("t").step(step).show()?;
        Ok(())
    });
    t.set_value(Target::key("time_input", "t"), "10:30")
        .unwrap();
    k.store(1, Ordering::Relaxed);
    t.run().unwrap();
    assert_eq!(
        t.session_state()["t"],
        json!("10:30:00"),
        "a label change keeps it"
    );
    k.store(2, Ordering::Relaxed);
    t.run().unwrap();
    assert_eq!(
        t.session_state()["t"],
        json!("00:00:00"),
        "a step change resets it"
    );
}

#[test]
fn time_input_step_must_be_streamlits() {
    let t = started(|ui| {
        ui.time_input("At").step(30).show()?;
        Ok(())
    });
    assert!(t.exceptions()[0]
        .1
        .contains("between 60 seconds and 23 hours"));
}

// ---------------------------------------------------------------- color_picker

#[test]
fn color_picker_holds_lower_case_hex_and_keeps_its_identity_with_a_key() {
    let (k, page_k) = knob();
    let mut t = started(move |ui| {
        let changed = page_k.load(Ordering::Relaxed) == 1;
        let (label, value) = if changed {
            ("Paint", "#00f")
        } else {
            ("Colour", "#FF0000")
        };
        let c = ui
            .color_picker(label)
            .key("c")
            .value(value)
            .help(label)
            .show()?;
        ui.text(c);
        Ok(())
    });
    assert_eq!(t.texts(), ["#ff0000"]);
    t.set_value(Target::key("color_picker", "c"), "#00AA11")
        .unwrap();
    assert_eq!(t.texts(), ["#00aa11"]);
    k.store(1, Ordering::Relaxed);
    t.run().unwrap();
    assert_eq!(t.texts(), ["#00aa11"], "R4: nothing but the key counts");
    let c = Target::key("color_picker", "c");
    rejects(&mut t, c.clone(), json!("red"), "expected a colour");
    rejects(&mut t, c, json!("#12345"), "color_picker with key \"c\"");
}

#[test]
fn r21_a4_a_colour_written_through_state_must_be_a_colour() {
    let t = started(|ui| {
        ui.state().set("c", "#123456")?;
        let c = ui.color_picker("C").key("c").show()?;
        ui.text(c);
        Ok(())
    });
    assert_eq!(t.texts(), ["#123456"]);
    let mut t = started(|ui| {
        let n = ui.state().setdefault("n", 0)?;
        ui.state().set("n", &(n + 1))?;
        if n > 0 {
            ui.state().set("c", "blue")?;
        }
        ui.color_picker("C").key("c").show()?;
        Ok(())
    });
    t.run().unwrap();
    assert_eq!(t.exceptions()[0].0, ErrorKind::TypeMismatch);
}

// ---------------------------------------------------------------- pills, segmented_control

#[test]
fn pills_single_mode_returns_an_option() {
    let mut t = started(|ui| {
        let p = ui.pills("Size", ["S", "M", "L"]).key("p").show()?;
        ui.text(format!("{p:?}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["None"]);
    t.set_value(Target::key("pills", "p"), "M").unwrap();
    assert_eq!(t.texts(), ["Some(\"M\")"]);
    t.set_value(Target::key("pills", "p"), Value::Null).unwrap();
    assert_eq!(t.texts(), ["None"]);
    let p = Target::key("pills", "p");
    rejects(&mut t, p.clone(), json!("XL"), "not one of the options");
    rejects(&mut t, p, json!(["S"]), "pills with key \"p\"");
}

#[test]
fn segmented_control_multi_mode_returns_a_list() {
    let mut t = started(|ui| {
        let s = ui
            .segmented_control("Days", [1, 2, 3])
            .key("s")
            .selection_mode(Multi)
            .default_value([2])
            .show()?;
        ui.text(format!("{s:?}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["[2]"]);
    t.set_value(Target::key("segmented_control", "s"), [3, 1])
        .unwrap();
    assert_eq!(t.texts(), ["[3, 1]"]);
    let s = Target::key("segmented_control", "s");
    rejects(&mut t, s.clone(), json!([1, 1]), "selected twice");
    rejects(&mut t, s, json!(2), "expected a list");
}

#[test]
fn r4_the_selection_mode_counts_with_a_key_and_the_options_do_not() {
    let (k, page_k) = knob();
    let mut t = started(move |ui| {
        let v = page_k.load(Ordering::Relaxed);
        let options: &[&str] = if v == 0 {
            &["a", "b"]
        } else {
            &["a", "b", "c"]
        };
        if v < 2 {
            let p = ui.pills("P", options.iter().copied()).key("p").show()?;
            ui.text(format!("{p:?}"));
        } else {
            let p = ui
                .pills("P", options.iter().copied())
                .key("p")
                .selection_mode(Multi)
                .show()?;
            ui.text(format!("{p:?}"));
        }
        Ok(())
    });
    t.set_value(Target::key("pills", "p"), "b").unwrap();
    k.store(1, Ordering::Relaxed);
    t.run().unwrap();
    assert_eq!(
        t.texts(),
        ["Some(\"b\")"],
        "options do not count with a key"
    );
    k.store(2, Ordering::Relaxed);
    t.run().unwrap();
    assert_eq!(
        t.texts(),
        ["[]"],
        "click_mode counts: a new widget (R4, R12)"
    );
}

#[test]
fn button_group_defaults_are_checked() {
    let t = started(|ui| {
        ui.pills("P", ["a"]).default_value("z".to_string()).show()?;
        Ok(())
    });
    assert!(t.exceptions()[0]
        .1
        .contains("the default of pills \"P\" is invalid"));
}

// ---------------------------------------------------------------- file_uploader

fn csv(name: &str, body: &str) -> UploadedFile {
    UploadedFile::new(name, "text/csv", body.as_bytes())
}

#[test]
fn file_uploader_returns_the_file_and_none_when_empty() {
    let mut t = started(|ui| {
        let f = ui
            .file_uploader("Data")
            .key("up")
            .types(["csv"])
            .max_upload_size(16)
            .show()?;
        match f {
            Some(f) => ui.text(format!("{} {} {:?}", f.name, f.mime, f.text())),
            None => ui.text("no file"),
        }
        Ok(())
    });
    assert_eq!(t.texts(), ["no file"]);
    t.set_value(
        Target::key("file_uploader", "up"),
        csv("a.csv", "x,y\n1,2\n"),
    )
    .unwrap();
    assert_eq!(t.texts(), ["a.csv text/csv Some(\"x,y\\n1,2\\n\")"]);
    // The harness re-sends it on every run, as a browser keeps it.
    t.run().unwrap();
    assert_eq!(t.texts()[0], "a.csv text/csv Some(\"x,y\\n1,2\\n\")");
    let up = Target::key("file_uploader", "up");
    rejects(
        &mut t,
        up.clone(),
        serde_json::to_value(csv("big.csv", "0123456789abcdefXYZ")).unwrap(),
        "\"big.csv\" is 19 B, larger than the limit of 16 B",
    );
    rejects(
        &mut t,
        up.clone(),
        serde_json::to_value(csv("a.txt", "x")).unwrap(),
        "not of a type this uploader takes (.csv)",
    );
    rejects(
        &mut t,
        up.clone(),
        json!("a.csv"),
        "file_uploader with key \"up\"",
    );
    // An empty list clears it.
    t.set_value(up, json!([])).unwrap();
    assert_eq!(t.texts(), ["no file"]);
}

#[test]
fn file_uploader_with_multiple_files_returns_a_list() {
    let mut t = started(|ui| {
        let files = ui
            .file_uploader("Data")
            .key("up")
            .accept_multiple_files()
            .show()?;
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        ui.text(format!("{names:?}"));
        Ok(())
    });
    assert_eq!(t.texts(), ["[]"]);
    t.set_value(
        Target::key("file_uploader", "up"),
        [csv("a.csv", "1"), csv("b.csv", "2")],
    )
    .unwrap();
    assert_eq!(t.texts(), ["[\"a.csv\", \"b.csv\"]"]);
}

#[test]
fn r23_a_file_uploaders_key_is_read_only() {
    let t = started(|ui| {
        ui.state().set("up", &None::<UploadedFile>)?;
        ui.file_uploader("Upload").key("up").show()?;
        ui.text("reached end");
        Ok(())
    });
    assert_eq!(t.exceptions()[0].0, ErrorKind::ValueAssignmentNotAllowed);
    assert!(t.exceptions()[0].1.contains("file_uploader"));
    assert!(t.texts().is_empty());
    // The value written stays as a plain value.
    assert_eq!(t.session_state()["up"], Value::Null);
}

#[test]
fn r4_file_uploader_type_multiple_and_size_count_with_a_key() {
    let (k, page_k) = knob();
    let mut t = started(move |ui| {
        let v = page_k.load(Ordering::Relaxed);
        let label = if v == 0 { "Data" } else { "Your data" };
        let size = if v < 2 { 1024 } else { 2048 };
        let f = ui
            .file_uploader(label)
            .key("up")
            .help(label)
            .max_upload_size(size)
            .show()?;
        ui.text(format!("{}", f.is_some()));
        Ok(())
    });
    t.set_value(Target::key("file_uploader", "up"), csv("a.csv", "1"))
        .unwrap();
    k.store(1, Ordering::Relaxed);
    t.run().unwrap();
    assert_eq!(
        t.texts(),
        ["true"],
        "label and help do not count with a key"
    );
    k.store(2, Ordering::Relaxed);
    t.run().unwrap();
    assert_eq!(t.texts(), ["false"], "max_upload_size counts (R4)");
}

// ---------------------------------------------------------------- the macros

#[page(path = "macro_kinds")]
fn macro_kinds(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "d", on_change = note, args = ("d",))]
    let d = ui.date_input("D").value(date("2024-01-01")).show()?;
    #[widget(key = "c", help = "pick")]
    let c = ui.color_picker("C").show()?;
    #[widget(key = "p", on_change = note, args = ("p",))]
    let p = ui.pills("P", ["a", "b"]).selection_mode(Multi).show()?;
    #[widget(key = "f")]
    let f = ui.file_uploader("F").show()?;
    ui.text(format!("{d} {c} {p:?} {}", f.is_some()));
    Ok(())
}

fn note(ui: &Ui<'_>, what: &str) -> Result<()> {
    ui.state().set("changed", what)
}

#[test]
fn new_kinds_work_with_widget_attributes() {
    let mut t = AppTest::new(App::new().page(macro_kinds));
    t.run().unwrap();
    assert_eq!(t.texts(), ["2024-01-01 #000000 [] false"]);
    t.set_value(Target::key("pills", "p"), ["b"]).unwrap();
    assert_eq!(t.session_state()["changed"], json!("p"));
    t.set_value(Target::key("date_input", "d"), "2024-01-02")
        .unwrap();
    assert_eq!(t.session_state()["changed"], json!("d"));
    assert_eq!(t.texts(), ["2024-01-02 #000000 [\"b\"] false"]);
    // Every keyed site with only literal parameters is known at compile time.
    assert!(macro_kinds::SITES
        .iter()
        .filter(|s| s.kind != "date_input")
        .all(|s| s.complete || !s.runtime_params.is_empty()));
}

/// R28, R23: a chat input's message is its value for the one run it causes,
/// then nothing; it cannot be written through session state; a message
/// past `max_chars` is refused (A6); drawn at the top of the page it goes
/// to the bottom of the main area, after every other widget; it has no
/// place in a form.
#[test]
fn r28_a_chat_message_counts_for_one_run() {
    let mut t = AppTest::new(App::new().page(Page::new("chat", |ui| {
        let said = ui.chat_input("Say").key("say").max_chars(5).show()?;
        ui.chat_message("user").text(format!("said {said:?}"));
        ui.button("Other").key("other").show()?;
        Ok(())
    })));
    t.run().unwrap();
    assert_eq!(t.texts(), ["said None"]);
    t.set_value(Target::key("chat_input", "say"), "hi").unwrap();
    assert_eq!(t.texts(), ["said Some(\"hi\")"]);
    t.click(Target::key("button", "other")).unwrap();
    assert_eq!(t.texts(), ["said None"]);
    let kinds: Vec<&str> = t.widgets().iter().map(|w| w.kind.name()).collect();
    assert_eq!(
        kinds,
        ["button", "chat_input"],
        "the chat input is at the bottom"
    );
    assert_eq!(t.tree().chat_messages(), [("user", None)]);
    let long = match t.set_value(Target::key("chat_input", "say"), "too long") {
        Err(e) => e.message().to_owned(),
        Ok(_) => panic!("a message past max_chars was taken"),
    };
    assert!(long.contains("more than max_chars (5)"), "{long}");

    let mut t = AppTest::new(App::new().page(Page::new("chat", |ui| {
        if ui.button("Write").key("write").show()? {
            ui.state().set("say", "sneaky")?;
        }
        ui.chat_input("Say").key("say").show()?;
        let form = ui.form("f", false)?;
        form.chat_input("In a form").show()?;
        Ok(())
    })));
    t.run().unwrap();
    let errors = t.exceptions();
    assert!(
        errors[0].1.contains("chat_input cannot be used in a form"),
        "{errors:?}"
    );
    t.click(Target::key("button", "write")).unwrap();
    let errors = t.exceptions();
    assert_eq!(
        errors[0].0,
        brooklet::ErrorKind::ValueAssignmentNotAllowed,
        "{errors:?}"
    );
}

/// R28: a download button is a trigger, true for the run its click causes,
/// unless `ignore_click` (`on_click="ignore"`); its file is in the session.
#[test]
fn r28_a_download_click_reruns_unless_ignored() {
    let mut t = AppTest::new(App::new().page(Page::new("dl", |ui| {
        let got = ui
            .download_button("Get", "hello", "hi.txt")
            .key("get")
            .show()?;
        let quiet = ui
            .download_button("Quiet", vec![1u8, 2, 3], "b.bin")
            .ignore_click()
            .key("quiet")
            .show()?;
        ui.text(format!("got {got} quiet {quiet}"));
        Ok(())
    })));
    t.run().unwrap();
    assert_eq!(t.texts(), ["got false quiet false"]);
    t.click(Target::key("download_button", "get")).unwrap();
    assert_eq!(t.texts(), ["got true quiet false"]);
    t.click(Target::key("download_button", "quiet")).unwrap();
    assert_eq!(t.texts(), ["got false quiet false"]);
    let quiet = t
        .widget(Target::key("download_button", "quiet"))
        .unwrap()
        .id;
    let file = t.session().media(quiet).expect("the file");
    assert_eq!(
        (file.name.as_str(), file.mime.as_str(), file.data.as_slice()),
        ("b.bin", "application/octet-stream", &[1u8, 2, 3][..])
    );
}

/// Images, sounds and videos: bytes are kept in the session and shown by
/// their id (never in the page), told apart by their first bytes; bytes of
/// no known type and unsafe URLs are clear errors.
#[test]
fn media_elements_keep_their_bytes_in_the_session() {
    use brooklet::{MediaKind, MediaRef, MediaSource};
    let mut t = AppTest::new(App::new().page(Page::new("m", |ui| {
        ui.image(b"\x89PNG\r\n\x1a\nrest".as_slice())?;
        ui.image("https://example.com/cat.png")?;
        ui.audio(MediaSource::typed(b"...".as_slice(), "audio/aac"))?;
        ui.video(b"\x1a\x45\xdf\xa3webm".as_slice())?;
        Ok(())
    })));
    t.run().unwrap();
    let media = t.tree().media();
    let kinds: Vec<MediaKind> = media.iter().map(|m| m.0).collect();
    assert_eq!(
        kinds,
        [
            MediaKind::Image,
            MediaKind::Image,
            MediaKind::Audio,
            MediaKind::Video
        ]
    );
    let MediaRef::File(png) = media[0].1 else {
        panic!("bytes are a file")
    };
    assert_eq!(
        t.session().media(*png).map(|f| f.mime.as_str()),
        Some("image/png")
    );
    assert!(matches!(media[1].1, MediaRef::Url(u) if u == "https://example.com/cat.png"));
    let MediaRef::File(webm) = media[3].1 else {
        panic!("bytes are a file")
    };
    assert_eq!(
        t.session().media(*webm).map(|f| f.mime.as_str()),
        Some("video/webm")
    );

    for (bad, message) in [
        (
            MediaSource::from(b"not an image".as_slice()),
            "not a PNG, JPEG, GIF, WebP or SVG image",
        ),
        (MediaSource::from("javascript:alert(1)"), "is not allowed"),
    ] {
        let bad = std::sync::Mutex::new(Some(bad));
        let mut t = AppTest::new(App::new().page(Page::new("m", move |ui| {
            ui.image(bad.lock().unwrap().take().unwrap_or(MediaSource::from("x")))
        })));
        t.run().unwrap();
        let errors = t.exceptions();
        assert!(
            errors.iter().any(|(_, m)| m.contains(message)),
            "{errors:?}"
        );
    }
}
