use feidi_core::time::Stamp;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use feidi_core::calendar::{Calendar, DayKind};
use feidi_core::time::stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use super::corrupt;
use crate::audit::{AuditWrite, write_audit};
use crate::columns::{read_all, row};
use crate::sqlite::writer::TxFuture;
use crate::{Store, StoreError, StoreResult};

/// A date to mark: holiday or workday, with the holiday's name.
pub type MarkedDay = (NaiveDate, DayKind, Option<String>);

row! {
    /// A date the calendar marks.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct CalendarDay {
        pub date: NaiveDate as "day",
        pub kind: String,
        pub name: Option<String>,
        pub version: i64,
        pub updated_at: Stamp,
    }
}

/// The calendar as last read, with the data version it was read at: every deadline needs
/// it, and it changes a few times a year.
#[derive(Default)]
pub(crate) struct CalendarCache(Mutex<Option<(i64, Arc<Calendar>)>>);

pub(super) async fn calendar_in(
    conn: &mut AnyConnection,
    cache: &CalendarCache,
) -> StoreResult<Arc<Calendar>> {
    let version: i64 = sqlx::query_scalar("SELECT version FROM data_versions WHERE name = 'calendar_days'")
        .fetch_one(&mut *conn)
        .await?;
    calendar_at(conn, cache, version).await
}

/// The calendar of the stored `(day, kind)` rows.
pub(crate) fn calendar_of(rows: Vec<(String, String)>) -> StoreResult<Calendar> {
    let mut days = Vec::with_capacity(rows.len());
    for (day, kind) in rows {
        let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| corrupt("calendar day", &day))?;
        let kind = DayKind::parse(&kind).ok_or_else(|| corrupt("calendar kind", &kind))?;
        days.push((date, kind));
    }
    Ok(Calendar::new(days))
}

/// The calendar at data version `version`: the one held if it is that one, else read again.
pub(super) async fn calendar_at(
    conn: &mut AnyConnection,
    cache: &CalendarCache,
    version: i64,
) -> StoreResult<Arc<Calendar>> {
    if let Ok(held) = cache.0.lock()
        && let Some((v, calendar)) = held.as_ref()
        && *v == version
    {
        return Ok(calendar.clone());
    }
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT day, kind FROM calendar_days")
        .fetch_all(&mut *conn)
        .await?;
    let calendar = Arc::new(calendar_of(rows)?);
    if let Ok(mut held) = cache.0.lock() {
        *held = Some((version, calendar.clone()));
    }
    Ok(calendar)
}

impl Store {
    /// The working-day calendar as it stands.
    pub async fn calendar(&self) -> StoreResult<Arc<Calendar>> {
        let mut conn = self.read.acquire().await?;
        calendar_in(&mut conn, &self.calendar).await
    }

    /// The dates the calendar marks, optionally of one year, in order.
    pub async fn calendar_days(&self, year: Option<i32>) -> StoreResult<Vec<CalendarDay>> {
        let (from, to) = match year {
            Some(y) => (format!("{y:04}-01-01"), format!("{y:04}-12-31")),
            None => ("0000-01-01".to_string(), "9999-12-31".to_string()),
        };
        let rows = sqlx::query(
            "SELECT day, kind, name, version, updated_at FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?;
        read_all(&rows)
    }

    /// Marks dates (one, or a year's schedule from a file) as holidays or workdays, in one
    /// transaction with one audit entry; answers how many were written.
    pub async fn put_calendar_days(
        &self,
        actor: Option<i64>,
        days: Vec<MarkedDay>,
        version: Option<i64>,
        note: String,
    ) -> StoreResult<usize> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, usize> {
            Box::pin(async move {
                let now = stamp(feidi_core::time::now());
                for (day, kind, name) in &days {
                    let day = day.format("%Y-%m-%d").to_string();
                    let held: Option<i64> = sqlx::query_scalar("SELECT version FROM calendar_days WHERE day = $1")
                        .bind(day.clone())
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let (Some(v), Some(h)) = (version, held)
                        && v != h
                    {
                        return Err(StoreError::Conflict);
                    }
                    let sql = if held.is_some() {
                        "UPDATE calendar_days SET kind = $1, name = $2, version = version + 1, updated_at = $3 WHERE day = $4"
                    } else {
                        "INSERT INTO calendar_days (kind, name, created_at, updated_at, day) VALUES ($1, $2, $3, $3, $4)"
                    };
                    sqlx::query(sql)
                        .bind(kind.as_str())
                        .bind(name.clone())
                        .bind(now.clone())
                        .bind(day)
                        .execute(&mut *tx)
                        .await?;
                }
                write_audit(&mut *tx, AuditWrite::event(actor, "update", "calendar", None, note)).await?;
                Ok(days.len())
            })
        })
        .await
    }

    /// Unmarks a date: the weekly rule applies to it again.
    pub async fn delete_calendar_day(&self, actor: Option<i64>, day: NaiveDate) -> StoreResult<()> {
        let day = day.format("%Y-%m-%d").to_string();
        self.delete_audited(
            "DELETE FROM calendar_days WHERE day = $1",
            vec![day.clone().into()],
            AuditWrite::event(actor, "delete", "calendar", None, day.clone()),
        )
        .await
    }
}
