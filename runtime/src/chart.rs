//! Line and bar charts drawn to SVG on the server with `plotters` (its SVG
//! backend only: no fonts, no bitmaps; the browser lays out the text).
//! Labels and series names are user text: the backend escapes the text it
//! writes, and the title added here is escaped the same way.

use plotters::prelude::*;

use crate::elements::ChartKind;

const WIDTH: u32 = 640;
const HEIGHT: u32 = 320;

/// The palette of the series, in order (Streamlit's first colours).
const PALETTE: [RGBColor; 6] = [
    RGBColor(0x29, 0xb0, 0x9d),
    RGBColor(0x83, 0xc9, 0xff),
    RGBColor(0xff, 0x4b, 0x4b),
    RGBColor(0xff, 0xab, 0xab),
    RGBColor(0x7d, 0xef, 0xa1),
    RGBColor(0x00, 0x68, 0xc9),
];

/// Text as SVG character data.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The chart as an `<svg>` element, with a title for screen readers.
pub(crate) fn svg(kind: ChartKind, x: &[String], series: &[(String, Vec<Option<f64>>)]) -> String {
    let mut out = String::new();
    if let Err(e) = draw(&mut out, kind, x, series) {
        tracing::warn!(error = %e, "a chart could not be drawn");
        return format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"40\" role=\"img\">\
             <text x=\"4\" y=\"24\">the chart could not be drawn: {}</text></svg>",
            escape(&e.to_string())
        );
    }
    let names: Vec<&str> = series.iter().map(|(n, _)| n.as_str()).collect();
    let what = match kind {
        ChartKind::Line => "Line chart",
        ChartKind::Bar => "Bar chart",
    };
    let title = format!("<title>{what}: {}</title>", escape(&names.join(", ")));
    // role and title just after the opening tag.
    match out.find('>') {
        Some(end) if out.starts_with("<svg") => {
            out.insert_str(end + 1, &title);
            out.insert_str(4, " role=\"img\"");
            out
        }
        _ => out,
    }
}

fn draw(
    out: &mut String,
    kind: ChartKind,
    x: &[String],
    series: &[(String, Vec<Option<f64>>)],
) -> Result<(), Box<dyn std::error::Error>> {
    let (lo, hi) = y_range(kind, series);
    let n = x.len().max(1);
    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(48)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), lo..hi)?;
    let label_of = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 {
            x.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(12))
        .x_label_formatter(&label_of)
        .y_labels(6)
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .draw()?;
    let k = series.len().max(1) as f64;
    for (s, (name, values)) in series.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        let drawn = match kind {
            ChartKind::Line => {
                let runs = line_runs(values);
                let mut last = None;
                for run in runs.into_iter().filter(|r| !r.is_empty()) {
                    last = Some(chart.draw_series(LineSeries::new(run, colour.stroke_width(2)))?);
                }
                last
            }
            ChartKind::Bar => {
                let width = 0.8 / k;
                let bars = values.iter().enumerate().filter_map(|(i, v)| {
                    let v = v.filter(|v| v.is_finite())?;
                    let x0 = i as f64 - 0.4 + width * s as f64;
                    Some(Rectangle::new(
                        [(x0, 0.0), (x0 + width * 0.92, v)],
                        colour.filled(),
                    ))
                });
                Some(chart.draw_series(bars)?)
            }
        };
        if let Some(drawn) = drawn {
            drawn.label(name).legend(move |(x, y)| {
                Rectangle::new([(x, y - 4), (x + 12, y + 4)], colour.filled())
            });
        }
    }
    if series.len() > 1 {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
    }
    root.present()?;
    Ok(())
}

/// The y axis: the data's range with some room, from zero for bars, and
/// never empty.
fn y_range(kind: ChartKind, series: &[(String, Vec<Option<f64>>)]) -> (f64, f64) {
    let values = series.iter().flat_map(|(_, v)| v.iter().flatten().copied());
    let (mut lo, mut hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    if kind == ChartKind::Bar {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if (hi - lo).abs() < f64::EPSILON {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    let pad = (hi - lo) * 0.05;
    (
        if kind == ChartKind::Bar && lo >= 0.0 {
            0.0
        } else {
            lo - pad
        },
        hi + pad,
    )
}

/// A line's points, broken where the data has a gap.
fn line_runs(values: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) if v.is_finite() => runs.last_mut().expect("one run").push((i as f64, *v)),
            _ => runs.push(Vec::new()),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_their_labels_escaped() {
        let x = vec!["<b>mon</b>".to_owned(), "tue".to_owned()];
        let series = vec![
            ("sales".to_owned(), vec![Some(1.0), Some(3.0)]),
            ("<i>cost</i>".to_owned(), vec![Some(2.0), None]),
        ];
        for kind in [ChartKind::Line, ChartKind::Bar] {
            let svg = svg(kind, &x, &series);
            assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
            assert!(svg.contains("<title>"), "{svg}");
            assert!(svg.contains("&lt;b&gt;mon"), "{svg}");
            assert!(!svg.contains("<b>") && !svg.contains("<i>"), "{svg}");
        }
        // No rows, or one flat value, still draws.
        assert!(svg(ChartKind::Line, &[], &[]).contains("<svg"));
        assert!(svg(
            ChartKind::Bar,
            &x,
            &[("a".into(), vec![Some(2.0), Some(2.0)])]
        )
        .contains("<rect"));
    }
}
