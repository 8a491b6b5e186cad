//! Calendar files: the State Council's schedule of holidays and 调休 workdays as a CSV file,
//! read whole or refused with every bad row named (`feidi calendar import`, the `/calendar`
//! page's paste).

use feidi_core::calendar::DayKind;

/// One bad row of a calendar file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CalendarRowError {
    /// The line in the file; the header is line 1.
    pub line: usize,
    pub field: &'static str,
    pub message: String,
}

/// Reads a calendar file: CSV with the header `date,kind[,name]` (the national schedule as
/// published, one date per row; a name with a comma in it quoted, as spreadsheets write it).
/// Any bad row: every one named, nothing to write.
pub fn parse_calendar_csv(bytes: &[u8]) -> Result<Vec<feidi_store::MarkedDay>, Vec<CalendarRowError>> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut days = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_lowercase).collect())
        .unwrap_or_default();
    if header.first().map(String::as_str) != Some("date") || header.get(1).map(String::as_str) != Some("kind")
    {
        errors.push(CalendarRowError {
            line: 1,
            field: "header",
            message: "the header must be date,kind[,name]".into(),
        });
        return Err(errors);
    }
    // A row's line in the file, counted from its first byte: the reader's own count leaves out
    // the blank lines it skips.
    let (mut counted_to, mut newlines) = (0, 0);
    let mut line_at = |position: Option<&csv::Position>| {
        let byte = position.map_or(counted_to, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let mut byte = byte.clamp(counted_to, text.len());
        // The position is where the reader started: before the blank lines it skipped.
        while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        newlines += text.as_bytes()[counted_to..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = byte;
        newlines + 1
    };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                errors.push(CalendarRowError {
                    line: line_at(e.position()),
                    field: "row",
                    message: format!("not a CSV row: {e}"),
                });
                break;
            }
        }
        let line_no = line_at(record.position());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let date = record.get(0).unwrap_or_default();
        let kind = record.get(1).unwrap_or_default();
        let name = record
            .get(2)
            .filter(|n| !n.is_empty())
            .map(|n| n.chars().take(40).collect::<String>());
        if name.as_ref().is_some_and(|n| n.contains('\0')) {
            errors.push(CalendarRowError {
                line: line_no,
                field: "name",
                message: "must not contain a NUL character".into(),
            });
        }
        let day = feidi_core::time::parse_day(date);
        if day.is_none() {
            errors.push(CalendarRowError {
                line: line_no,
                field: "date",
                message: format!(
                    "{date:?} is not a date like 2023-10-07 (a year from {} to {})",
                    feidi_core::time::YEARS.start(),
                    feidi_core::time::YEARS.end()
                ),
            });
        }
        let parsed = DayKind::parse(kind);
        if parsed.is_none() {
            errors.push(CalendarRowError {
                line: line_no,
                field: "kind",
                message: format!("{kind:?} must be holiday or workday"),
            });
        }
        if let (Some(day), Some(kind)) = (day, parsed) {
            if let Some(first) = seen.insert(day, line_no) {
                errors.push(CalendarRowError {
                    line: line_no,
                    field: "date",
                    message: format!("{date} is already on line {first}"),
                });
            }
            days.push((day, kind, name));
        }
    }
    if errors.is_empty() { Ok(days) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calendar_file_is_read_whole_or_its_bad_rows_named() {
        let good = "\u{feff}date,kind,name\n2023-10-06,holiday,国庆节\n\n2023-10-07,workday,国庆节\n";
        let days = parse_calendar_csv(good.as_bytes()).unwrap_or_default();
        assert_eq!(days.len(), 2);
        assert_eq!(days[1].1, DayKind::Workday);
        let bad = "date,kind\n2023-10-06,holiday\n2023-13-01,holiday\n2023-10-08,off\n2023-10-06,workday\n";
        let errors = parse_calendar_csv(bad.as_bytes()).err().unwrap_or_default();
        let named: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field)).collect();
        assert_eq!(named, [(3, "date"), (4, "kind"), (5, "date")]);
        // A name with a comma, quoted as a spreadsheet writes it, is one name; a row's line
        // is the file's line even after a blank one.
        let quoted = "date,kind,name\n2024-02-10,holiday,\"春节, 初一\"\n\n2024-02-30,holiday,x\n";
        let errors = parse_calendar_csv(quoted.as_bytes()).err().unwrap_or_default();
        assert_eq!(
            errors.iter().map(|e| (e.line, e.field)).collect::<Vec<_>>(),
            [(4, "date")]
        );
        let days = parse_calendar_csv(&quoted.as_bytes()[..quoted.find("\n\n").unwrap_or(0) + 1])
            .unwrap_or_default();
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].2.as_deref(), Some("春节, 初一"));
        // A NUL in a name (PostgreSQL cannot store one), or a year outside 1900–2200, is named.
        let odd = "date,kind,name\n2024-02-10,holiday,春\u{0}节\n0000-01-01,holiday,x\n";
        let errors = parse_calendar_csv(odd.as_bytes()).err().unwrap_or_default();
        assert_eq!(
            errors.iter().map(|e| (e.line, e.field)).collect::<Vec<_>>(),
            [(2, "name"), (3, "date")]
        );
    }
}
