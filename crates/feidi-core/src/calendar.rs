//! Working days (M5). Monday to Friday are working days unless the calendar marks a date a
//! `holiday`; a `workday` (调休) is a working day even at a weekend. Every deadline in feidi is
//! counted with this one calendar.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Weekday};

use crate::time::{end_of_day, shanghai};

/// What the calendar says of a date that breaks the weekly rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Off, even on a weekday.
    Holiday,
    /// On, even at a weekend (调休).
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// The holiday calendar: the dates that break the weekly rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    special: BTreeMap<NaiveDate, DayKind>,
}

impl Calendar {
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        Self {
            special: days.into_iter().collect(),
        }
    }

    /// The dates the calendar marks, in order.
    pub fn special_days(&self) -> impl Iterator<Item = (NaiveDate, DayKind)> + '_ {
        self.special.iter().map(|(d, k)| (*d, *k))
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.special.get(&day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`th working day after `day` (`day` itself never counts); `day` when `n` is 0.
    pub fn working_day_after(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut at = day;
        let mut left = n;
        while left > 0 {
            // A calendar holds finitely many dates, past them every week has working days, so
            // this ends; the year 262143 bound of chrono is out of any programme's reach.
            let Some(next) = at.succ_opt() else { return at };
            at = next;
            if self.is_working_day(at) {
                left -= 1;
            }
        }
        at
    }

    /// The `n`th working day before `day` (`day` itself never counts); `day` when `n` is 0.
    pub fn working_day_before(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut at = day;
        let mut left = n;
        while left > 0 {
            let Some(previous) = at.pred_opt() else {
                return at;
            };
            at = previous;
            if self.is_working_day(at) {
                left -= 1;
            }
        }
        at
    }

    /// Working days in `(from, to]`: 0 when `to` is not after `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut at = from;
        while at < to {
            let Some(next) = at.succ_opt() else { break };
            at = next;
            if self.is_working_day(at) {
                count += 1;
            }
        }
        count
    }

    /// "By the end of the `n`th working day after the day of `from`": the instant that deadline
    /// falls, in Shanghai (D+1 00:00).
    pub fn deadline(&self, from: DateTime<FixedOffset>, n: u32) -> DateTime<FixedOffset> {
        let day = from.with_timezone(&shanghai()).date_naive();
        end_of_day(self.working_day_after(day, n))
    }

    /// The deadline one working day after the day a deadline ended on: B's acknowledgement
    /// deadline after a handover at A's deadline (the end of day W) is the end of the next
    /// working day after W.
    pub fn next_deadline_after(&self, deadline: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        // A deadline is D+1 00:00; the day it ends is D, the day before that midnight.
        let at = deadline.with_timezone(&shanghai());
        let day = at.date_naive();
        let ended_on = if at.time() == chrono::NaiveTime::MIN {
            day.pred_opt().unwrap_or(day)
        } else {
            day
        };
        end_of_day(self.working_day_after(ended_on, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    /// The 2023 National Day week as published: 9-29 to 10-06 off, 10-07 and 10-08 worked.
    fn national_day_2023() -> Calendar {
        let mut days: Vec<(NaiveDate, DayKind)> = (29..=30)
            .map(|d| (day(&format!("2023-09-{d}")), DayKind::Holiday))
            .chain((1..=6).map(|d| (day(&format!("2023-10-0{d}")), DayKind::Holiday)))
            .collect();
        days.push((day("2023-10-07"), DayKind::Workday));
        days.push((day("2023-10-08"), DayKind::Workday));
        Calendar::new(days)
    }

    #[test]
    fn weekends_are_off_and_holidays_and_workdays_override_them() {
        let calendar = national_day_2023();
        assert!(calendar.is_working_day(day("2023-09-28")), "a Thursday");
        assert!(!calendar.is_working_day(day("2023-09-29")), "a Friday holiday");
        assert!(!calendar.is_working_day(day("2023-10-02")), "a Monday holiday");
        assert!(calendar.is_working_day(day("2023-10-07")), "a Saturday 调休");
        assert!(
            !calendar.is_working_day(day("2023-10-14")),
            "an ordinary Saturday"
        );
    }

    #[test]
    fn the_day_before_a_holiday_week_is_due_at_the_end_of_the_first_adjusted_workday() {
        let calendar = national_day_2023();
        let submitted =
            crate::time::parse_instant("2023-09-28T16:30:00+08:00").unwrap_or_else(crate::time::now);
        assert_eq!(
            calendar.deadline(submitted, 1).to_rfc3339(),
            "2023-10-08T00:00:00+08:00"
        );
        assert_eq!(
            calendar.deadline(submitted, 5).to_rfc3339(),
            "2023-10-12T00:00:00+08:00",
            "10-07, 10-08, 10-09, 10-10, 10-11"
        );
    }

    #[test]
    fn a_friday_is_due_at_the_end_of_monday() {
        let calendar = Calendar::default();
        let friday = crate::time::parse_instant("2024-03-08T23:59:00+08:00").unwrap_or_else(crate::time::now);
        assert_eq!(
            calendar.deadline(friday, 1).to_rfc3339(),
            "2024-03-12T00:00:00+08:00"
        );
        // Late on Friday in UTC is already Saturday in Shanghai: due at the end of Monday too.
        let utc = crate::time::parse_instant("2024-03-08T17:00:00Z").unwrap_or_else(crate::time::now);
        assert_eq!(
            calendar.deadline(utc, 1).to_rfc3339(),
            "2024-03-12T00:00:00+08:00"
        );
    }

    #[test]
    fn the_next_deadline_follows_the_day_a_deadline_ended_on() {
        let calendar = national_day_2023();
        let a_due = end_of_day(day("2023-09-28"));
        assert_eq!(
            calendar.next_deadline_after(a_due).to_rfc3339(),
            "2023-10-08T00:00:00+08:00"
        );
        let friday_due = end_of_day(day("2024-03-08"));
        assert_eq!(
            Calendar::default().next_deadline_after(friday_due).to_rfc3339(),
            "2024-03-12T00:00:00+08:00"
        );
    }

    fn arbitrary_calendar() -> impl Strategy<Value = Calendar> {
        prop::collection::vec((0i64..800, prop::bool::ANY), 0..120).prop_map(|entries| {
            let base = day("2023-01-01");
            Calendar::new(entries.into_iter().map(|(offset, holiday)| {
                let kind = if holiday {
                    DayKind::Holiday
                } else {
                    DayKind::Workday
                };
                (base + chrono::Duration::days(offset), kind)
            }))
        })
    }

    proptest! {
        #[test]
        fn adding_working_days_then_counting_back_returns_to_a_working_day(
            calendar in arbitrary_calendar(), offset in 0i64..700, n in 0u32..30,
        ) {
            let start = day("2023-01-01") + chrono::Duration::days(offset);
            let there = calendar.working_day_after(start, n);
            let back = calendar.working_day_before(there, n);
            if calendar.is_working_day(start) || n == 0 {
                prop_assert_eq!(back, start);
            } else {
                // From a day off, counting back lands on the last working day before it.
                prop_assert_eq!(back, calendar.working_day_before(start, 1));
            }
            prop_assert_eq!(calendar.working_days_between(start, there), n);
        }

        #[test]
        fn a_deadline_never_ends_a_day_off(
            calendar in arbitrary_calendar(), offset in 0i64..700, n in 1u32..30, minute in 0u32..1440,
        ) {
            let start = day("2023-01-01") + chrono::Duration::days(offset);
            let at = start.and_hms_opt(minute / 60, minute % 60, 0).unwrap_or_default();
            let submitted = crate::time::shanghai().from_local_datetime(&at).single().unwrap_or_else(crate::time::now);
            let due = calendar.deadline(submitted, n);
            let last_day = due.date_naive().pred_opt().unwrap_or_default();
            prop_assert!(calendar.is_working_day(last_day));
            prop_assert!(due > submitted);
            prop_assert_eq!(calendar.working_days_between(start, last_day), n);
        }
    }

    use chrono::TimeZone;
}
