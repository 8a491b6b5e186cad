//! Charts drawn on the server as SVG: no chart script in the browser, the same picture on a
//! wall display, on paper and in a test. Colours come from the stylesheet's classes (the
//! strict CSP forbids inline styles), and every text is escaped here, since the pages insert
//! these drawings as they are.

use std::fmt::Write;

use chrono::NaiveDate;

/// Escapes text for SVG (XML) content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

fn open(out: &mut String, width: i64, height: i64, title: &str, class: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart {class}" viewBox="0 0 {width} {height}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
}

/// Cuts a label to fit a column of about `max` wide characters.
fn clip(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// One row of a bar-against-whole chart: the whole (e.g. total investment) as a pale bar and
/// the part (completed) drawn over it, both on the same scale for every row.
pub struct PartRow {
    pub label: String,
    pub whole: i64,
    pub part: i64,
    /// What the row says at its end ("36.60 / 135.00 亿元 · 27.1%").
    pub text: String,
}

pub fn part_bars(title: &str, rows: &[PartRow]) -> String {
    let (label_w, bar_w, text_w, row_h) = (110, 250, 200, 30);
    let width = label_w + bar_w + text_w;
    let height = (rows.len() as i64 * row_h).max(row_h) + 6;
    let max = rows.iter().map(|r| r.whole.max(r.part)).max().unwrap_or(0).max(1);
    let mut out = String::new();
    open(&mut out, width, height, title, "part-bars");
    for (i, row) in rows.iter().enumerate() {
        let y = i as i64 * row_h + 4;
        let w_whole = scale(row.whole, max, bar_w);
        let w_part = scale(row.part, max, bar_w);
        let _ = write!(
            out,
            r#"<text class="label" x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect class="whole" x="{label_w}" y="{y}" width="{w_whole}" height="20" rx="2"/><rect class="part" x="{label_w}" y="{y}" width="{w_part}" height="20" rx="2"/><text class="value" x="{vx}" y="{ty}">{text}</text>"#,
            lx = label_w - 8,
            ty = y + 15,
            label = esc(&clip(&row.label, 7)),
            vx = label_w + bar_w + 8,
            text = esc(&row.text),
        );
    }
    out.push_str("</svg>");
    out
}

fn scale(value: i64, max: i64, width: i64) -> i64 {
    if max <= 0 || value <= 0 {
        0
    } else {
        ((i128::from(value) * i128::from(width) + i128::from(max) / 2) / i128::from(max)) as i64
    }
}

/// A segment of a stacked bar: a CSS class, a count and its legend text.
pub struct Segment {
    pub class: &'static str,
    pub count: i64,
    pub legend: String,
    /// Where the segment and its legend lead: the list behind the count.
    pub href: Option<String>,
}

/// One bar split in proportion to its segments, with a legend under it.
pub fn stacked_bar(title: &str, segments: &[Segment]) -> String {
    let (width, bar_h) = (560, 34);
    let total: i64 = segments.iter().map(|s| s.count).sum();
    let mut out = String::new();
    open(&mut out, width, bar_h + 40, title, "stacked");
    let mut x = 0;
    for (i, s) in segments.iter().enumerate() {
        let w = if i + 1 == segments.len() {
            if total > 0 { width - x } else { 0 }
        } else {
            scale(s.count, total, width)
        };
        if w > 0 {
            link_open(&mut out, s);
            let _ = write!(
                out,
                r#"<rect class="{c}" x="{x}" y="0" width="{w}" height="{bar_h}"/>"#,
                c = s.class
            );
            if w >= 28 {
                let _ = write!(
                    out,
                    r#"<text class="inbar" x="{tx}" y="22" text-anchor="middle">{n}</text>"#,
                    tx = x + w / 2,
                    n = s.count
                );
            }
            link_close(&mut out, s);
        }
        x += w;
    }
    let step = width / segments.len().max(1) as i64;
    for (i, s) in segments.iter().enumerate() {
        let lx = i as i64 * step;
        link_open(&mut out, s);
        let _ = write!(
            out,
            r#"<rect class="{c}" x="{lx}" y="{ly}" width="14" height="14" rx="2"/><text class="legend" x="{tx}" y="{ty}">{t}</text>"#,
            c = s.class,
            ly = bar_h + 14,
            tx = lx + 20,
            ty = bar_h + 26,
            t = esc(&s.legend)
        );
        link_close(&mut out, s);
    }
    out.push_str("</svg>");
    out
}

fn link_open(out: &mut String, s: &Segment) {
    if let Some(href) = &s.href {
        let _ = write!(out, r#"<a href="{}" class="seg-{}">"#, esc(href), s.class);
    }
}

fn link_close(out: &mut String, s: &Segment) {
    if s.href.is_some() {
        out.push_str("</a>");
    }
}

/// One month of the trend: its amount and the running total, with the texts to show.
pub struct TrendPoint {
    pub label: String,
    pub amount: i64,
    pub cumulative: i64,
}

/// Monthly amounts as bars and the running total as a line on its own scale.
pub fn trend(title: &str, points: &[TrendPoint], bar_legend: &str, line_legend: &str, unit: &str) -> String {
    let (width, height, left, right, top, bottom) = (800, 300, 50, 60, 34, 44);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let mut out = String::new();
    open(&mut out, width, height, title, "trend");
    let _ = write!(
        out,
        r#"<line class="axis" x1="{left}" y1="{by}" x2="{rx}" y2="{by}"/>"#,
        by = top + plot_h,
        rx = width - right
    );
    let n = points.len().max(1) as i64;
    let slot = plot_w / n;
    let max_bar = points.iter().map(|p| p.amount).max().unwrap_or(0).max(1);
    let max_line = points.iter().map(|p| p.cumulative).max().unwrap_or(0).max(1);
    // The scales written on the chart, so it reads on a wall, on paper and on a phone (no
    // hovering): the bars' on the left, the running total's on the right.
    for k in 0..=2 {
        let y = top + plot_h - scale(max_bar * k / 2, max_bar, plot_h);
        if k > 0 {
            let _ = write!(
                out,
                r#"<line class="grid" x1="{left}" y1="{y}" x2="{rx}" y2="{y}"/>"#,
                rx = width - right
            );
        }
        let _ = write!(
            out,
            r#"<text class="tick" x="{tx}" y="{ty}" text-anchor="end">{v}</text><text class="tick" x="{rx}" y="{ty}">{c}</text>"#,
            tx = left - 4,
            rx = width - right + 4,
            ty = y + 4,
            v = feidi_core::Money::from_hundredths(max_bar * k / 2).in_yi(),
            c = feidi_core::Money::from_hundredths(max_line * k / 2).in_yi(),
        );
    }
    let mut line = String::new();
    for (i, p) in points.iter().enumerate() {
        let x = left + i as i64 * slot;
        let h = scale(p.amount, max_bar, plot_h);
        let _ = write!(
            out,
            r#"<rect class="bar" x="{bx}" y="{by}" width="{bw}" height="{h}"><title>{t}</title></rect>"#,
            bx = x + slot / 6,
            by = top + plot_h - h,
            bw = (slot * 2 / 3).max(1),
            t = esc(&format!("{} {}", p.label, format_hundredths_yi(p.amount, unit))),
        );
        let cx = x + slot / 2;
        // Each bar's amount over it when the bars are few (a year and the same month of the
        // year before: 13), else the last month's.
        if n <= 13 || i + 1 == points.len() {
            let _ = write!(
                out,
                r#"<text class="bar-value" x="{cx}" y="{vy}" text-anchor="middle">{v}</text>"#,
                vy = top + plot_h - h - 4,
                v = feidi_core::Money::from_hundredths(p.amount).in_yi(),
            );
        }
        let cy = top + plot_h - scale(p.cumulative, max_line, plot_h);
        let _ = write!(line, "{}{cx},{cy}", if i == 0 { "" } else { " " });
        // Label every month when few, else every third, and always the last.
        if n <= 13 || i % 3 == 0 || i + 1 == points.len() {
            let _ = write!(
                out,
                r#"<text class="tick" x="{cx}" y="{ty}" text-anchor="middle">{l}</text>"#,
                ty = top + plot_h + 16,
                l = esc(p.label.get(2..).unwrap_or(&p.label))
            );
        }
    }
    if !points.is_empty() {
        let _ = write!(out, r#"<polyline class="line" points="{line}"/>"#);
        if let Some(last) = points.last() {
            // On the legend's row, where no bar's value can reach it.
            let _ = write!(
                out,
                r#"<text class="line-value" x="{x}" y="19" text-anchor="end">{t}</text>"#,
                x = width - 4,
                t = esc(&format!(
                    "{line_legend} {}",
                    format_hundredths_yi(last.cumulative, unit)
                ))
            );
        }
    }
    let _ = write!(
        out,
        r#"<rect class="bar" x="{left}" y="8" width="12" height="12"/><text class="legend" x="{lx}" y="19">{b}</text><line class="line" x1="{l2}" y1="14" x2="{l3}" y2="14"/><text class="legend" x="{l4}" y="19">{l}</text>"#,
        lx = left + 18,
        b = esc(bar_legend),
        l2 = left + 200,
        l3 = left + 224,
        l4 = left + 230,
        l = esc(line_legend),
    );
    out.push_str("</svg>");
    out
}

/// Hundredths of yuan in 亿 with two decimals and the unit word.
fn format_hundredths_yi(hundredths: i64, unit: &str) -> String {
    format!(
        "{} {unit}",
        feidi_core::Money::from_hundredths(hundredths).in_yi()
    )
}

/// A progress bar for a ratio in ten-thousandths, with a marker for the share of time gone.
pub fn progress(title: &str, ratio: i64, time_ratio: Option<i64>, met: bool) -> String {
    let (width, height) = (300, 22);
    let mut out = String::new();
    open(&mut out, width, height, title, "progress");
    let w = scale(ratio.min(10_000), 10_000, width);
    let _ = write!(
        out,
        r#"<rect class="track" x="0" y="3" width="{width}" height="16" rx="3"/><rect class="{c}" x="0" y="3" width="{w}" height="16" rx="3"/>"#,
        c = if met { "fill met" } else { "fill" }
    );
    if let Some(t) = time_ratio {
        let x = scale(t.min(10_000), 10_000, width).clamp(1, width - 1);
        let _ = write!(
            out,
            r#"<line class="time" x1="{x}" y1="0" x2="{x}" y2="{height}"/>"#
        );
    }
    out.push_str("</svg>");
    out
}

/// One milestone on the timeline.
pub struct TimelineRow {
    pub label: String,
    pub planned: NaiveDate,
    /// Done on this day (by the day judged).
    pub actual: Option<NaiveDate>,
    /// `green`, `yellow` or `red`.
    pub light: &'static str,
    /// The variance words ("提前182天") or the state ("逾期10天").
    pub note: String,
}

/// Planned against actual dates of a project's milestones on one time axis, today marked.
pub fn timeline(title: &str, rows: &[TimelineRow], today: NaiveDate, today_label: &str) -> String {
    let (width, left, right, row_h, top) = (800, 110, 170, 30, 30);
    let height = top + rows.len().max(1) as i64 * row_h + 24;
    let mut out = String::new();
    open(&mut out, width, height, title, "timeline");
    let dates: Vec<NaiveDate> = rows
        .iter()
        .flat_map(|r| [Some(r.planned), r.actual])
        .flatten()
        .chain([today])
        .collect();
    let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else {
        out.push_str("</svg>");
        return out;
    };
    // A margin of a month either side, so markers at the ends are not cut.
    let first = *first - chrono::Days::new(30);
    let last = *last + chrono::Days::new(30);
    let span = (last - first).num_days().max(1);
    let plot_w = width - left - right;
    let x_of = |d: NaiveDate| left + scale((d - first).num_days(), span, plot_w);
    // Year ticks.
    let axis_y = top + rows.len() as i64 * row_h;
    let _ = write!(
        out,
        r#"<line class="axis" x1="{left}" y1="{axis_y}" x2="{r}" y2="{axis_y}"/>"#,
        r = width - right
    );
    use chrono::Datelike;
    for year in first.year() + 1..=last.year() {
        if let Some(jan1) = NaiveDate::from_ymd_opt(year, 1, 1) {
            let x = x_of(jan1);
            let _ = write!(
                out,
                r#"<line class="grid" x1="{x}" y1="{top}" x2="{x}" y2="{axis_y}"/><text class="tick" x="{x}" y="{ty}" text-anchor="middle">{year}</text>"#,
                ty = axis_y + 16
            );
        }
    }
    for (i, r) in rows.iter().enumerate() {
        let cy = top + i as i64 * row_h + row_h / 2;
        let px = x_of(r.planned);
        let _ = write!(
            out,
            r#"<text class="label" x="{lx}" y="{ty}" text-anchor="end">{l}</text>"#,
            lx = left - 8,
            ty = cy + 5,
            l = esc(&r.label)
        );
        // The plan first, so an actual date on the same day is drawn over it, inside its outline.
        let _ = write!(
            out,
            r#"<rect class="planned {c}" x="{x}" y="{y}" width="12" height="12" transform="rotate(45 {px} {cy})"><title>{t}</title></rect><text class="note {c}" x="{nx}" y="{ty}">{n}</text>"#,
            c = r.light,
            x = px - 6,
            y = cy - 6,
            t = esc(&format!("{} {}", r.label, r.planned)),
            nx = width - right + 10,
            ty = cy + 5,
            n = esc(&r.note)
        );
        match r.actual {
            Some(a) => {
                let ax = x_of(a);
                let _ = write!(
                    out,
                    r#"<line class="slip {c}" x1="{px}" y1="{cy}" x2="{ax}" y2="{cy}"/><circle class="actual {c}" cx="{ax}" cy="{cy}" r="6"><title>{t}</title></circle>"#,
                    c = r.light,
                    t = esc(&format!("{} {a}", r.label)),
                );
            }
            None => {
                let tx = x_of(today);
                if today > r.planned {
                    let _ = write!(
                        out,
                        r#"<line class="slip {c} open" x1="{px}" y1="{cy}" x2="{tx}" y2="{cy}"/>"#,
                        c = r.light
                    );
                }
            }
        }
    }
    let tx = x_of(today);
    let _ = write!(
        out,
        r#"<line class="today" x1="{tx}" y1="{y1}" x2="{tx}" y2="{axis_y}"/><text class="today-label" x="{tx}" y="{ty}" text-anchor="middle">{l}</text>"#,
        y1 = top - 6,
        ty = top - 10,
        l = esc(&format!("{today_label} {today}"))
    );
    out.push_str("</svg>");
    out
}

/// The most parcels a map labels with their codes and projects; a larger one is drawn plainly,
/// each parcel's code its tooltip.
pub const LABELLED_MAX: usize = 400;

/// One parcel on a zone's map.
pub struct MapParcel {
    pub id: i64,
    pub code: String,
    /// Its status's code (the colour's class) and words.
    pub status: &'static str,
    pub status_words: String,
    /// The project it was supplied to.
    pub project: Option<String>,
    /// Its outer rings in (longitude, latitude).
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// A zone's parcels drawn from their boundaries: each a link to its page, coloured by its
/// status, labelled with its code (and the project it went to, in its tooltip), with a legend
/// of the statuses. Longitude is scaled by the cosine of the middle latitude, so a parcel keeps
/// its shape; the drawing fits an 800-wide box. Parcels without a boundary are not drawn.
pub fn parcel_map(title: &str, parcels: &[MapParcel], legend: &[(&'static str, String)]) -> String {
    let points = parcels.iter().flat_map(|p| p.rings.iter().flatten());
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (lon, lat) in points {
        min_x = min_x.min(*lon);
        max_x = max_x.max(*lon);
        min_y = min_y.min(*lat);
        max_y = max_y.max(*lat);
    }
    let width = 800.0;
    let legend_h = 28.0;
    let pad = 10.0;
    let drawn = min_x <= max_x;
    let k = if drawn {
        ((min_y + max_y) / 2.0).to_radians().cos().max(0.01)
    } else {
        1.0
    };
    let span_x = ((max_x - min_x) * k).max(1e-9);
    let span_y = (max_y - min_y).max(1e-9);
    // As wide as the box, as tall as the shape needs, within 100–600.
    let scale = ((width - 2.0 * pad) / span_x).min(600.0 / span_y);
    let map_h = if drawn {
        (span_y * scale).clamp(100.0, 600.0)
    } else {
        60.0
    };
    let height = (map_h + 2.0 * pad + legend_h).round() as i64;
    let project = |lon: f64, lat: f64| {
        (
            pad + (lon - min_x) * k * scale,
            pad + map_h - (lat - min_y) * scale,
        )
    };
    // About 90 bytes a parcel drawn plainly, 300 labelled: reserved once, not doubled.
    let mut out =
        String::with_capacity(1024 + parcels.len() * if parcels.len() > LABELLED_MAX { 90 } else { 300 });
    open(&mut out, width as i64, height, title, "parcel-map");
    if parcels.len() > LABELLED_MAX {
        // Too many to label legibly: grouped by status (the group carries the colour), each
        // parcel a link with its code as its tooltip, drawn in whole pixels with relative
        // moves, so a zone of thousands stays a light page.
        let mut statuses: Vec<&str> = Vec::new();
        for p in parcels {
            if !statuses.contains(&p.status) {
                statuses.push(p.status);
            }
        }
        for status in statuses {
            let mut group = parcels
                .iter()
                .filter(|p| p.status == status && !p.rings.is_empty())
                .peekable();
            if group.peek().is_none() {
                continue;
            }
            let _ = write!(out, r#"<g class="parcel {status}">"#);
            for p in group {
                let mut d = String::new();
                for ring in &p.rings {
                    let mut at = (0_i64, 0_i64);
                    for (i, (lon, lat)) in ring.iter().enumerate() {
                        let (x, y) = project(*lon, *lat);
                        let (x, y) = (x.round() as i64, y.round() as i64);
                        let (dx, dy) = (x - at.0, y - at.1);
                        if i == 0 {
                            let _ = write!(d, "M{x} {y}");
                        } else if i + 1 == ring.len() {
                            // The ring closes on its first point.
                        } else if dy == 0 {
                            let _ = write!(d, "h{dx}");
                        } else if dx == 0 {
                            let _ = write!(d, "v{dy}");
                        } else {
                            let _ = write!(d, "l{dx} {dy}");
                        }
                        at = (x, y);
                    }
                    d.push('z');
                }
                let _ = write!(
                    out,
                    r#"<a href="/parcels/{id}"><path d="{d}"><title>{code}</title></path></a>"#,
                    id = p.id,
                    code = esc(&p.code),
                );
            }
            out.push_str("</g>");
        }
    }
    for p in parcels
        .iter()
        .filter(|p| !p.rings.is_empty() && parcels.len() <= LABELLED_MAX)
    {
        let mut d = String::new();
        let (mut cx, mut cy, mut n) = (0.0_f64, 0.0_f64, 0.0_f64);
        for ring in &p.rings {
            for (i, (lon, lat)) in ring.iter().enumerate() {
                let (x, y) = project(*lon, *lat);
                let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
                if i + 1 < ring.len() {
                    cx += x;
                    cy += y;
                    n += 1.0;
                }
            }
            d.push('Z');
        }
        let tip = match &p.project {
            Some(project) => format!("{} · {} · {project}", p.code, p.status_words),
            None => format!("{} · {}", p.code, p.status_words),
        };
        let (x, y) = (cx / n.max(1.0), cy / n.max(1.0));
        let _ = write!(
            out,
            r#"<a href="/parcels/{id}" class="parcel-link" id="map-parcel-{id}"><path class="parcel {status}" d="{d}"><title>{tip}</title></path><text class="parcel-code" x="{x:.1}" y="{ty:.1}" text-anchor="middle">{code}</text>"#,
            id = p.id,
            status = p.status,
            tip = esc(&tip),
            ty = y - 2.0,
            code = esc(&p.code),
        );
        // The project it went to, under its code, cut to what a parcel's width holds.
        if let Some(project) = &p.project {
            let _ = write!(
                out,
                r#"<text class="parcel-project" x="{x:.1}" y="{ty:.1}" text-anchor="middle">{name}</text>"#,
                ty = y + 12.0,
                name = esc(&clip(project, 8)),
            );
        }
        out.push_str("</a>");
    }
    if !drawn {
        let _ = write!(out, r#"<text class="legend" x="{pad}" y="40">—</text>"#);
    }
    let y = height as f64 - legend_h / 2.0;
    let step = (width - 2.0 * pad) / legend.len().max(1) as f64;
    for (i, (class, words)) in legend.iter().enumerate() {
        let x = pad + i as f64 * step;
        let _ = write!(
            out,
            r#"<rect class="parcel {class}" x="{x:.1}" y="{ry:.1}" width="14" height="14"/><text class="legend" x="{tx:.1}" y="{ty:.1}">{w}</text>"#,
            ry = y - 7.0,
            tx = x + 20.0,
            ty = y + 5.0,
            w = esc(words),
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trend_carries_its_scales_and_values_printed() {
        let point = |label: &str, amount: i64, cumulative: i64| TrendPoint {
            label: label.into(),
            amount,
            cumulative,
        };
        // 2 亿 and 4 亿 in June and July, 36.6 亿 in all.
        let svg = trend(
            "趋势",
            &[
                point("2023-06", 20_000_000_000, 346_000_000_000),
                point("2023-07", 40_000_000_000, 366_000_000_000),
            ],
            "当月",
            "累计",
            "亿元",
        );
        assert!(
            svg.contains(r#"class="bar-value""#) && svg.contains(">4.00</text>"),
            "each bar's value"
        );
        assert!(svg.contains(">2.00</text>"), "the left scale's middle: 2 亿");
        assert!(
            svg.contains(">36.60</text>"),
            "the right scale's top: the running total"
        );
        assert!(svg.contains(r#"class="grid""#));
    }

    #[test]
    fn text_is_escaped_in_every_chart() {
        let evil = "<script>alert('x')</script>&";
        let bars = part_bars(
            evil,
            &[PartRow {
                label: evil.into(),
                whole: 10,
                part: 5,
                text: evil.into(),
            }],
        );
        assert!(!bars.contains("<script>"), "{bars}");
        assert!(bars.contains("&lt;script&gt;"));
        let d = NaiveDate::from_ymd_opt(2023, 7, 7).unwrap_or_default();
        let line = timeline(
            evil,
            &[TimelineRow {
                label: evil.into(),
                planned: d,
                actual: None,
                light: "green",
                note: evil.into(),
            }],
            d,
            evil,
        );
        assert!(!line.contains("<script>"));
    }

    #[test]
    fn bars_share_one_scale() {
        let svg = part_bars(
            "t",
            &[
                PartRow {
                    label: "a".into(),
                    whole: 100,
                    part: 50,
                    text: String::new(),
                },
                PartRow {
                    label: "b".into(),
                    whole: 50,
                    part: 0,
                    text: String::new(),
                },
            ],
        );
        assert!(
            svg.contains(r#"class="whole" x="110" y="4" width="250""#),
            "{svg}"
        );
        assert!(svg.contains(r#"class="part" x="110" y="4" width="125""#));
        assert!(svg.contains(r#"class="whole" x="110" y="34" width="125""#));
    }

    #[test]
    fn a_stacked_bar_fills_its_width_by_count() {
        let svg = stacked_bar(
            "lights",
            &[
                Segment {
                    class: "green",
                    count: 3,
                    legend: "绿 3".into(),
                    href: Some("/cockpit?light=green&as_of=2023-07-07#light-list".into()),
                },
                Segment {
                    class: "red",
                    count: 1,
                    legend: "红 1".into(),
                    href: None,
                },
            ],
        );
        assert!(
            svg.contains(r#"<rect class="green" x="0" y="0" width="420""#),
            "{svg}"
        );
        assert!(svg.contains(r#"<rect class="red" x="420" y="0" width="140""#));
        // A segment with a place to go is a link there, its text escaped; one without is not.
        assert!(svg.contains(
            r##"<a href="/cockpit?light=green&amp;as_of=2023-07-07#light-list" class="seg-green">"##
        ));
        assert_eq!(
            svg.matches("<a ").count(),
            2,
            "the green bar and its legend: {svg}"
        );
    }

    #[test]
    fn a_large_map_draws_every_parcel_as_a_plain_link_with_its_code() {
        let parcel = |i: i64| MapParcel {
            id: i,
            code: format!("P<{i}>"),
            status: "planned",
            status_words: "规划中".into(),
            project: Some("项目".into()),
            rings: vec![vec![
                (114.0 + i as f64 * 0.001, 35.0),
                (114.0009 + i as f64 * 0.001, 35.0),
                (114.0009 + i as f64 * 0.001, 35.0006),
                (114.0 + i as f64 * 0.001, 35.0006),
                (114.0 + i as f64 * 0.001, 35.0),
            ]],
        };
        let few: Vec<MapParcel> = (1..=3).map(parcel).collect();
        let drawn = parcel_map("地块图", &few, &[]);
        assert!(
            drawn.contains("class=\"parcel-code\"") && drawn.contains(">P&lt;2&gt;</text>"),
            "labelled"
        );
        let many: Vec<MapParcel> = (1..=(LABELLED_MAX as i64 + 1)).map(parcel).collect();
        let drawn = parcel_map("地块图", &many, &[]);
        assert!(!drawn.contains("parcel-code"), "no labels over one another");
        assert_eq!(drawn.matches("<a href=\"/parcels/").count(), LABELLED_MAX + 1);
        assert!(drawn.contains(r#"<g class="parcel planned"><a href="/parcels/1"><path d="M"#));
        assert!(
            drawn.contains("h1v-1h-1z") || drawn.contains("h2v-1h-2z"),
            "a rectangle in relative moves"
        );
        assert!(
            drawn.contains("<title>P&lt;7&gt;</title>"),
            "its code, escaped, as its tooltip"
        );
        assert!(
            drawn.len() < (LABELLED_MAX + 1) * 90,
            "a light page: {} bytes",
            drawn.len()
        );
    }
}
