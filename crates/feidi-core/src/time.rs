//! Time in the programme: instants are stored as RFC 3339 text in +08:00 and days end in
//! Asia/Shanghai.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, SecondsFormat, TimeZone, Utc};

/// Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so a fixed offset
/// is exact for every date the programme holds and spares a time-zone database.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Now, in Shanghai time.
pub fn now() -> DateTime<FixedOffset> {
    Utc::now().with_timezone(&shanghai())
}

/// Today's date in Shanghai.
pub fn today() -> NaiveDate {
    day_of(now())
}

/// The date an instant falls on in Shanghai.
pub fn day_of(at: DateTime<FixedOffset>) -> NaiveDate {
    at.with_timezone(&shanghai()).date_naive()
}

/// The stored form of an instant: RFC 3339 in +08:00 with microseconds. One fixed width and
/// one offset make text order the same as time order in both databases.
pub fn stamp(at: DateTime<FixedOffset>) -> String {
    at.with_timezone(&shanghai())
        .to_rfc3339_opts(SecondsFormat::Micros, false)
}

/// Parses a stored or submitted RFC 3339 instant into Shanghai time.
pub fn parse_instant(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&shanghai()))
}

/// The years a date of the programme may fall in. Outside them a date is a typing mistake
/// ("23-01-01", "0000-01-01"), and PostgreSQL cannot even turn some of them into instants.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Parses a day written exactly `YYYY-MM-DD` (four-digit year in [`YEARS`], two-digit month
/// and day): no sign, no short forms such as "2023-1-1", nothing around it.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| YEARS.contains(&chrono::Datelike::year(d)))
}

/// Parses an RFC 3339 instant whose year is in [`YEARS`], into Shanghai time.
pub fn parse_sane_instant(text: &str) -> Option<DateTime<FixedOffset>> {
    parse_instant(text).filter(|t| YEARS.contains(&chrono::Datelike::year(t)))
}

/// The instant a day ends: "by the end of day D" is D+1 00:00 in Shanghai.
pub fn end_of_day(day: NaiveDate) -> DateTime<FixedOffset> {
    let next = day.succ_opt().unwrap_or(day);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    shanghai()
        .from_local_datetime(&midnight)
        .single()
        .unwrap_or_else(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_as_time_sorts() {
        let a = parse_instant("2023-07-07T23:59:59Z");
        let b = parse_instant("2023-07-08T08:00:00.5+08:00");
        let (Some(a), Some(b)) = (a, b) else {
            panic!("parse")
        };
        assert_eq!(stamp(a), "2023-07-08T07:59:59.000000+08:00");
        assert!(stamp(a) < stamp(b));
    }

    #[test]
    fn days_are_exactly_yyyy_mm_dd_in_a_sane_year() {
        assert_eq!(parse_day("2023-06-01"), NaiveDate::from_ymd_opt(2023, 6, 1));
        for bad in [
            "-2023-06-01",
            "0000-01-01",
            "+12345-01-01",
            "+2023-01-01",
            "23-01-01",
            "2023-1-1",
            "2023-02-30",
            " 2023-06-01",
            "2023-06-01T00:00",
            "1899-12-31",
            "2201-01-01",
            "２０２３-06-01",
            "",
        ] {
            assert_eq!(parse_day(bad), None, "{bad:?}");
        }
        assert!(parse_day("1900-01-01").is_some() && parse_day("2200-12-31").is_some());
        assert!(parse_sane_instant("0001-01-01T00:00:00+08:00").is_none());
        assert!(parse_sane_instant("2023-07-07T09:00:00+08:00").is_some());
    }

    #[test]
    fn a_day_ends_at_the_next_midnight_in_shanghai() {
        let day = NaiveDate::from_ymd_opt(2023, 10, 7).unwrap_or_default();
        assert_eq!(end_of_day(day).to_rfc3339(), "2023-10-08T00:00:00+08:00");
    }
}
