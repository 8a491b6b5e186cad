//! Time in the programme: instants are stored as RFC 3339 text in +08:00 and days end in
//! Asia/Shanghai.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, SecondsFormat, TimeZone, Timelike, Utc};

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

/// A deadline as people read it. Days end at midnight, so a deadline at 00:00 is the end of
/// the day before: "12月8日（周二）下班前" / "by end of Tue 8 Dec"; any other instant keeps its
/// time: "12月8日（周二）14:30" / "Tue 8 Dec 14:30". The year is written when it is not `now`'s.
pub fn deadline_words(due: DateTime<FixedOffset>, now: DateTime<FixedOffset>, lang: crate::Lang) -> String {
    let due = due.with_timezone(&shanghai());
    let end_of_day = due.hour() == 0 && due.minute() == 0 && due.second() == 0;
    let day = if end_of_day {
        due.date_naive().pred_opt().unwrap_or(due.date_naive())
    } else {
        due.date_naive()
    };
    let weekday = day.weekday().num_days_from_monday() as usize;
    let other_year = day.year() != day_of(now).year();
    match lang {
        crate::Lang::Zh => {
            const DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            let year = if other_year {
                format!("{}年", day.year())
            } else {
                String::new()
            };
            let date = format!("{year}{}月{}日（周{}）", day.month(), day.day(), DAYS[weekday]);
            if end_of_day {
                format!("{date}下班前")
            } else {
                format!("{date}{:02}:{:02}", due.hour(), due.minute())
            }
        }
        crate::Lang::En => {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let year = if other_year {
                format!(" {}", day.year())
            } else {
                String::new()
            };
            let date = format!(
                "{} {} {}{year}",
                DAYS[weekday],
                day.day(),
                MONTHS[day.month0() as usize]
            );
            if end_of_day {
                format!("by end of {date}")
            } else {
                format!("{date} {:02}:{:02}", due.hour(), due.minute())
            }
        }
    }
}

/// The stored form of an instant: RFC 3339 in +08:00 with microseconds. One fixed width and
/// one offset make text order the same as time order in both databases.
pub fn stamp(at: DateTime<FixedOffset>) -> String {
    at.with_timezone(&shanghai())
        .to_rfc3339_opts(SecondsFormat::Micros, false)
}

/// An instant as a record holds it: the stored RFC 3339 text, typed. It keeps the text it was
/// read as, so that a value no rule of ours wrote (a hand edit, a restore from elsewhere) still
/// shows on a page instead of failing it; [`Stamp::instant`] is its time when it is one, and
/// its `Display` is the minute people read ("2023-07-07 10:00", Shanghai). Serialized as the
/// stored text, so the API answers what it always did.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Stamp(String);

impl Stamp {
    /// The stamp of an instant, in the stored form ([`stamp`]).
    pub fn at(at: DateTime<FixedOffset>) -> Self {
        Self(stamp(at))
    }

    /// A stamp as read back, whatever the text. [`Stamp::is_instant`] tells whether it reads.
    pub fn stored(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The stored text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instant, in Shanghai time, when the text is one.
    pub fn instant(&self) -> Option<DateTime<FixedOffset>> {
        parse_instant(&self.0)
    }

    pub fn is_instant(&self) -> bool {
        self.instant().is_some()
    }

    /// To the second in Shanghai, `YYYY-MM-DD HH:MM:SS` (the audit log's time); text that is no
    /// instant as it was stored.
    pub fn second(&self) -> String {
        self.instant()
            .map_or_else(|| self.0.clone(), |at| at.format("%Y-%m-%d %H:%M:%S").to_string())
    }

    /// The day it falls on in Shanghai, when it reads.
    pub fn day(&self) -> Option<NaiveDate> {
        self.instant().map(day_of)
    }
}

/// The minute in Shanghai, `YYYY-MM-DD HH:MM`; text that is no instant shows as it was stored.
impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.instant() {
            Some(at) => write!(f, "{}", at.format("%Y-%m-%d %H:%M")),
            None => f.write_str(&self.0),
        }
    }
}

impl PartialEq<str> for Stamp {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Stamp {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
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
    fn a_stamp_shows_the_shanghai_minute_and_keeps_text_that_is_no_instant() {
        let utc = Stamp::stored("2023-07-07T02:05:09.123456+00:00");
        assert_eq!(utc.to_string(), "2023-07-07 10:05");
        assert_eq!(utc.second(), "2023-07-07 10:05:09");
        assert_eq!(utc.day(), NaiveDate::from_ymd_opt(2023, 7, 7));
        // Late in the UTC day is the next day in Shanghai.
        assert_eq!(
            Stamp::stored("2023-07-07T16:30:00Z").to_string(),
            "2023-07-08 00:30"
        );
        for bad in [
            "",
            "yesterday",
            "2023-02-30T10:00:00+08:00",
            "2023-07-07 10:00",
            "\u{202e}2023",
        ] {
            let s = Stamp::stored(bad);
            assert!(!s.is_instant(), "{bad}");
            assert_eq!(s.to_string(), bad, "shown as stored");
            assert_eq!(s.day(), None);
        }
        let at = parse_instant("2023-07-07T10:00:00+08:00").expect("instant");
        let s = Stamp::at(at);
        assert_eq!(s, "2023-07-07T10:00:00.000000+08:00");
        assert_eq!(
            serde_json::to_value(&s).expect("json"),
            serde_json::json!(s.as_str())
        );
        // Stored stamps sort as their instants do.
        assert!(Stamp::at(at) < Stamp::at(at + chrono::Duration::microseconds(1)));
    }

    #[test]
    fn a_deadline_at_midnight_reads_as_the_end_of_the_day_before() {
        let at = |t: &str| parse_instant(t).expect("instant");
        let now = at("2026-12-07T10:00:00+08:00");
        let zh = |t: &str| deadline_words(at(t), now, crate::Lang::Zh);
        let en = |t: &str| deadline_words(at(t), now, crate::Lang::En);
        assert_eq!(zh("2026-12-09T00:00:00+08:00"), "12月8日（周二）下班前");
        assert_eq!(en("2026-12-09T00:00:00+08:00"), "by end of Tue 8 Dec");
        assert_eq!(zh("2026-12-08T14:30:00+08:00"), "12月8日（周二）14:30");
        assert_eq!(en("2026-12-08T14:30:00+08:00"), "Tue 8 Dec 14:30");
        // Another year is named; an instant in UTC is read in Shanghai.
        assert_eq!(
            zh("2027-01-01T00:00:00+08:00"),
            "2026年12月31日（周四）下班前".replace("2026年", "")
        );
        assert_eq!(zh("2027-01-02T00:00:00+08:00"), "2027年1月1日（周五）下班前");
        assert_eq!(zh("2026-12-08T16:00:00+00:00"), "12月8日（周二）下班前");
    }

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
