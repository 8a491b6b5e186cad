//! When a failed webhook delivery is tried again: back-off doubling from half a minute to an
//! hour, for 24 hours after the event was queued; then it is given up.

use chrono::{DateTime, Duration, FixedOffset};

/// How long deliveries are retried after they were queued.
pub const RETRY_FOR: Duration = Duration::hours(24);

/// The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, … at most an hour.
pub fn back_off(attempts: i64) -> Duration {
    let doublings = attempts.clamp(1, 8) - 1;
    (Duration::seconds(30) * (1 << doublings)).min(Duration::hours(1))
}

/// After the `attempts`-th attempt failed at `at`, for a delivery queued at `queued`: when to
/// try again, or none once that would fall past `RETRY_FOR`.
pub fn retry_at(
    queued: DateTime<FixedOffset>,
    attempts: i64,
    at: DateTime<FixedOffset>,
) -> Option<DateTime<FixedOffset>> {
    let next = at + back_off(attempts);
    (next <= queued + RETRY_FOR).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_half_a_minute_to_an_hour() {
        let secs: Vec<i64> = (1..=10).map(|n| back_off(n).num_seconds()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }

    #[test]
    fn a_delivery_is_given_up_a_day_after_it_was_queued() {
        let queued = crate::time::parse_instant("2026-12-01T10:00:00+08:00").unwrap_or_else(crate::time::now);
        let soon = queued + Duration::minutes(5);
        assert_eq!(retry_at(queued, 1, soon), Some(soon + Duration::seconds(30)));
        let late = queued + Duration::hours(23) + Duration::minutes(30);
        assert_eq!(retry_at(queued, 9, late), None, "an hour on is past the day");
        let edge = queued + Duration::hours(23);
        assert_eq!(retry_at(queued, 9, edge), Some(queued + RETRY_FOR));
    }
}
