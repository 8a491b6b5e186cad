use chrono::{DateTime, FixedOffset, NaiveDate};
use feidi_core::appeals::{Absences, AppealState};
use feidi_core::time::Stamp;
use feidi_core::time::stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use super::corrupt;
use crate::audit::{AuditWrite, write_audit};
use crate::columns::{Column, StoredRow, row};
use crate::sqlite::writer::TxFuture;
use crate::value::Cols;
use crate::{Store, StoreError, StoreResult};

row! {
    /// An official's absence, dates inclusive.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Absence {
        pub id: i64,
        pub user_id: i64,
        pub from: NaiveDate as "from_date",
        pub to: NaiveDate as "to_date",
        pub reason: String,
        pub version: i64,
        pub created_at: Stamp,
    }
}

/// An enterprise whose A and B official would both be away on some day.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AbsenceClash {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    /// The project, when the pair is a project's own (it handles that project's appeals).
    pub project_id: Option<i64>,
    pub project_name: Option<String>,
    /// The other official of the pair, away too.
    pub other_official_id: i64,
    /// The first and last day both are away.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Every official's absence periods: `(user, from, to)` rows.
pub(crate) const ABSENCE_PERIODS: &str = "SELECT user_id, from_date, to_date FROM absences";

/// The absences of the stored `(user, from, to)` rows.
pub(crate) fn absences_of(rows: Vec<(i64, String, String)>) -> StoreResult<Absences> {
    let mut away = Absences::default();
    for (user, from, to) in rows {
        let day = |text: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt("absence day", text))
        };
        away.add(user, day(&from)?, day(&to)?);
    }
    Ok(away)
}

/// Every official's absences as they stand, for the sweep's handovers. The table holds the
/// officials' leave, a few rows per person and year: read whole, it is one short query.
pub(super) async fn absences_now(conn: &mut AnyConnection) -> StoreResult<Absences> {
    let rows = sqlx::query(ABSENCE_PERIODS).fetch_all(&mut *conn).await?;
    let rows = rows
        .iter()
        .map(|row| {
            let c = Cols::Row(row);
            Ok((c.int("user_id")?, c.text("from_date")?, c.text("to_date")?))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    absences_of(rows)
}

/// The absences, when a rule of the appeal has fallen due by `now` (none are read otherwise).
pub(super) async fn absences_if_due(
    conn: &mut AnyConnection,
    state: &AppealState,
    now: DateTime<FixedOffset>,
) -> StoreResult<Absences> {
    if state.next_due_at().is_some_and(|due| due <= now) {
        absences_now(conn).await
    } else {
        Ok(Absences::default())
    }
}

pub(super) async fn is_absent(conn: &mut AnyConnection, user: i64, day: &str) -> StoreResult<bool> {
    let hit: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM absences WHERE user_id = $1 AND from_date <= $2 AND to_date >= $2 LIMIT 1",
    )
    .bind(user)
    .bind(day.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(hit.is_some())
}

impl Store {
    /// Records an absence; answers it and the enterprises whose A and B would then both be
    /// away on some day (a warning: the absence stands).
    pub async fn add_absence(
        &self,
        actor: Option<i64>,
        user_id: i64,
        from: NaiveDate,
        to: NaiveDate,
        reason: String,
    ) -> StoreResult<(Absence, Vec<AbsenceClash>)> {
        let absence = self
            .in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Absence> {
                Box::pin(async move {
                    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
                        .bind(user_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if exists.is_none() {
                        return Err(StoreError::NotFound);
                    }
                    let now = stamp(feidi_core::time::now());
                    let row = sqlx::query(
                        "INSERT INTO absences (user_id, from_date, to_date, reason, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id, user_id, from_date, to_date, reason, version, created_at",
                    )
                    .bind(user_id)
                    .bind(from.format("%Y-%m-%d").to_string())
                    .bind(to.format("%Y-%m-%d").to_string())
                    .bind(reason)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    let absence = Absence::from_row(&row)?;
                    write_audit(
                        &mut *tx,
                        AuditWrite::change(actor, "create", "absence", absence.id, None, Some(&absence)),
                    )
                    .await?;
                    Ok(absence)
                })
            })
            .await?;
        let clashes = self.absence_clashes(&absence).await?;
        Ok((absence, clashes))
    }

    /// The enterprises (and projects' pairs) for which `absence`'s official and the other of
    /// the pair are away on the same days.
    pub async fn absence_clashes(&self, absence: &Absence) -> StoreResult<Vec<AbsenceClash>> {
        // The enterprises' pairs, then the projects' own (`pair`: the two databases sort the
        // null project ids of the first at different ends).
        let rows = sqlx::query(
            "SELECT e.id, e.name, CAST(NULL AS BIGINT) AS project_id, CAST(NULL AS TEXT) AS project_name, \
             o.user_id AS other, o.from_date, o.to_date, CAST(0 AS BIGINT) AS pair FROM enterprises e \
             JOIN absences o ON o.user_id = CASE WHEN e.a_official_id = $1 THEN e.b_official_id ELSE e.a_official_id END \
             WHERE (e.a_official_id = $1 OR e.b_official_id = $1) AND o.from_date <= $3 AND o.to_date >= $2 \
             UNION ALL \
             SELECT e.id, e.name, p.id, p.name, o.user_id, o.from_date, o.to_date, CAST(1 AS BIGINT) FROM projects p \
             JOIN enterprises e ON e.id = p.enterprise_id \
             JOIN absences o ON o.user_id = CASE WHEN p.a_official_id = $1 THEN p.b_official_id ELSE p.a_official_id END \
             WHERE (p.a_official_id = $1 OR p.b_official_id = $1) AND o.from_date <= $3 AND o.to_date >= $2 \
             ORDER BY 1, 8, 3, 6",
        )
        .bind(absence.user_id)
        .bind(absence.from.to_string())
        .bind(absence.to.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let c = Cols::Row(row);
                let (from, to) = (NaiveDate::read(&c, "from_date")?, NaiveDate::read(&c, "to_date")?);
                Ok(AbsenceClash {
                    enterprise_id: c.int("id")?,
                    enterprise_name: c.text("name")?,
                    project_id: c.opt_int("project_id")?,
                    project_name: c.opt_text("project_name")?,
                    other_official_id: c.int("other")?,
                    from: from.max(absence.from),
                    to: to.min(absence.to),
                })
            })
            .collect()
    }

    /// An official's absences, latest first.
    pub async fn absences_of(&self, user_id: i64) -> StoreResult<Vec<Absence>> {
        let rows = sqlx::query(
            "SELECT id, user_id, from_date, to_date, reason, version, created_at FROM absences \
             WHERE user_id = $1 ORDER BY from_date DESC, id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(Absence::from_row).collect()
    }

    /// Absences overlapping `from..=to`, of everyone, in order.
    pub async fn absences_between(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Absence>> {
        let rows = sqlx::query(
            "SELECT id, user_id, from_date, to_date, reason, version, created_at FROM absences \
             WHERE from_date <= $2 AND to_date >= $1 ORDER BY from_date, id",
        )
        .bind(from.format("%Y-%m-%d").to_string())
        .bind(to.format("%Y-%m-%d").to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(Absence::from_row).collect()
    }

    pub async fn delete_absence(&self, actor: Option<i64>, user_id: i64, id: i64) -> StoreResult<()> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let row = sqlx::query(
                    "SELECT id, user_id, from_date, to_date, reason, version, created_at FROM absences \
                     WHERE id = $1 AND user_id = $2",
                )
                .bind(id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
                let before = row
                    .as_ref()
                    .map(Absence::from_row)
                    .transpose()?
                    .ok_or(StoreError::NotFound)?;
                sqlx::query("DELETE FROM absences WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                write_audit(
                    &mut *tx,
                    AuditWrite::change(actor, "delete", "absence", id, Some(&before), None),
                )
                .await
            })
        })
        .await
    }
}
