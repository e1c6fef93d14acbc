//! The growth section's plot: time per operation against users in the tenant, both axes
//! logarithmic, one line per operation and database, written as a PNG into `docs/`.

use crate::growth::Level;
use anyhow::{Context, Result, anyhow};
use plotters::prelude::*;
use std::path::Path;

/// The face the plot's text is drawn in: DejaVu Sans, as Debian's `fonts-dejavu-core` installs
/// it (`make bench` needs it only for this plot).
const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// The milliseconds of one operation at one level.
type Of = fn(&Level) -> f64;

/// The operations drawn.
const OPERATIONS: [(&str, Of); 4] = [
    ("GetUser", |l| l.get_ms),
    ("keyset page", |l| l.keyset_ms),
    ("search page with total", |l| l.search_ms),
    ("batch of 10 000", |l| l.batch_s * 1000.0),
];

/// Draws `rows` (database name, levels) into `path`.
pub(crate) fn draw(path: &Path, rows: &[(&str, &[Level])]) -> Result<()> {
    let font = std::fs::read(FONT).with_context(|| {
        format!("{FONT}: the plot's text needs DejaVu Sans (Debian's fonts-dejavu-core)")
    })?;
    plotters::style::register_font(
        "sans-serif",
        FontStyle::Normal,
        Box::leak(font.into_boxed_slice()),
    )
    .map_err(|_| anyhow!("{FONT} is not a font"))?;
    let values: Vec<f64> = rows
        .iter()
        .flat_map(|(_, levels)| levels.iter())
        .flat_map(|l| OPERATIONS.iter().map(move |(_, of)| of(l)))
        .filter(|v| *v > 0.0)
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min) / 2.0;
    let high = values.iter().copied().fold(0.0, f64::max) * 2.0;
    let most = rows
        .iter()
        .flat_map(|(_, levels)| levels.iter().map(|l| l.users))
        .max()
        .unwrap_or(1_000_000) as f64;
    let root = BitMapBackend::new(path, (1100, 700)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Time per operation as one tenant grows", ("sans-serif", 26))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d((5_000.0..most * 2.0).log_scale(), (low..high).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("users in the tenant")
        .x_label_formatter(&|x| thousands(*x))
        .y_label_formatter(&|y| format!("{y}"))
        .y_desc("milliseconds per operation")
        .axis_desc_style(("sans-serif", 18))
        .label_style(("sans-serif", 15))
        .draw()?;
    let colours = [BLUE, RED, GREEN, MAGENTA];
    for (d, (name, levels)) in rows.iter().enumerate() {
        for ((op, of), colour) in OPERATIONS.iter().zip(colours) {
            // The first database (SQLite) in full colour, the second in a lighter shade.
            let style = if d == 0 {
                colour.stroke_width(3)
            } else {
                colour.mix(0.45).stroke_width(3)
            };
            let points: Vec<(f64, f64)> = levels.iter().map(|l| (l.users as f64, of(l))).collect();
            chart
                .draw_series(LineSeries::new(points.clone(), style))?
                .label(format!("{name}: {op}"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
            chart.draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 4, style.filled())),
            )?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 15))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// `1000000.0` as `1 000 000`.
fn thousands(x: f64) -> String {
    let digits = format!("{x:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped_by_spaces() {
        assert_eq!(super::thousands(1_000_000.0), "1 000 000");
        assert_eq!(super::thousands(10_000.0), "10 000");
        assert_eq!(super::thousands(500.0), "500");
    }
}
