//! Land (M6): parcels, kept through the registry's generic list, read, create, change and
//! delete, and the steps of their pipeline, written here one at a time in order.

use chrono::{DateTime, FixedOffset, NaiveDate};
use feidi_core::AreaMu;
use feidi_core::land::{
    Boundary, DisputeAction, DisputeCategory, DisputeInput, DisputeStatus, ParcelInput, ParcelStatus,
    StepInput, dispute_next, step,
};
use feidi_core::time::Stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::{AuditWrite, write_audit};
use crate::columns::{Column, IntoVal, StoredRow, read_all, row, values};
use crate::error::WrongState;
use crate::registry::{Inputs, Record, Reference};
use crate::sqlite::writer::TxFuture;
use crate::value::{Cols, Val};
use crate::{Store, StoreError, StoreResult};

/// A boundary is kept as its GeoJSON text; text that is no longer a geometry reads as none
/// rather than failing the map.
impl Column for Boundary {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        Ok(c.opt_text(col)?
            .and_then(|text| serde_json::from_str(&text).ok())
            .and_then(|value| Boundary::parse(&value).ok()))
    }
}

impl IntoVal for Boundary {
    const NULL: Val = Val::Text(None);
    fn val(&self) -> Val {
        Val::Text(Some(self.geometry().to_string()))
    }
}

row! {
    /// A parcel of land: where it is, how large, what for, and how far along the pipeline.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Parcel {
        pub id: i64,
        pub code: String,
        pub zone_id: i64,
        pub village: String,
        pub area_mu: AreaMu,
        pub land_use: String,
        pub boundary: Option<Boundary>,
        pub status: ParcelStatus,
        /// The project it was supplied to.
        pub project_id: Option<i64>,
        /// Made up for illustration (the demo's boundaries), not surveyed.
        pub sample: bool,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Record for Parcel {
    const ENTITY: &'static str = "parcel";
    const TABLE: &'static str = "parcels";
    const UNIQUE: &'static [&'static str] = &["code"];
    const SORTABLE: &'static [&'static str] = &["id", "code", "village", "area_mu", "status"];
    const FILTERS: &'static [&'static str] = &["zone_id", "status", "village", "project_id"];
    const SEARCH_COLUMN: &'static str = "code";

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for ParcelInput {
    type Record = Parcel;
    fn values(&self) -> Vec<(&'static str, Val)> {
        values!(self: code, zone_id, village, area_mu, land_use, boundary, sample)
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference::new("zone_id", "zones", Some(self.zone_id))]
    }
}

row! {
    /// A land dispute (纠纷) on a parcel.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Dispute {
        pub id: i64,
        pub parcel_id: i64,
        pub category: DisputeCategory,
        pub description: String,
        pub status: DisputeStatus,
        pub opened_on: NaiveDate,
        pub resolution: Option<String>,
        pub resolved_on: Option<NaiveDate>,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Record for Dispute {
    const ENTITY: &'static str = "dispute";
    const TABLE: &'static str = "disputes";
    const UNIQUE: &'static [&'static str] = &[];
    const SORTABLE: &'static [&'static str] = &["id", "opened_on", "status"];
    const FILTERS: &'static [&'static str] = &["parcel_id", "status", "category"];
    const SEARCH_COLUMN: &'static str = "description";

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for DisputeInput {
    type Record = Dispute;
    fn values(&self) -> Vec<(&'static str, Val)> {
        values!(self: parcel_id, category, description, opened_on)
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference::new("parcel_id", "parcels", Some(self.parcel_id))]
    }
}

row! {
    /// One step of a parcel's pipeline as recorded.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct ParcelStep {
        pub id: i64,
        pub parcel_id: i64,
        pub status: ParcelStatus,
        pub date: NaiveDate,
        pub document_no: Option<String>,
        pub project_id: Option<i64>,
        pub recorded_by: Option<i64>,
        pub recorded_at: Stamp,
    }
}

impl Store {
    /// Moves a parcel to the next status of its pipeline: any other status is refused with the
    /// state it is in; a supply needs a project that exists. The step is kept with its date,
    /// document number and who recorded it, in the same transaction as the parcel and the
    /// audit entry.
    pub async fn parcel_step(
        &self,
        actor: Option<i64>,
        parcel_id: i64,
        input: &StepInput,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Parcel> {
        let backend = self.backend;
        let input = input.clone();
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Parcel> {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {} FROM parcels WHERE id = $1{}",
                    Parcel::COLUMNS,
                    crate::reports::lock(backend)
                );
                let row = sqlx::query(&sql)
                    .bind(parcel_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let before = Parcel::from_row(&row)?;
                step(before.status, input.status).map_err(|e| StoreError::WrongState(WrongState::Parcel(e.current)))?;
                if let Some(project) = input.project_id {
                    let found = sqlx::query("SELECT id FROM projects WHERE id = $1")
                        .bind(project)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if found.is_none() {
                        return Err(StoreError::Invalid(feidi_core::FieldErrors::one(
                            "project_id",
                            feidi_core::Flaw::NoSuchRecord,
                        )));
                    }
                }
                let now = feidi_core::time::stamp(now);
                sqlx::query(
                    "INSERT INTO parcel_steps (parcel_id, status, date, document_no, project_id, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(parcel_id)
                .bind(input.status.as_str())
                .bind(input.date.to_string())
                .bind(input.document_no.clone())
                .bind(input.project_id)
                .bind(actor)
                .bind(now.clone())
                .execute(&mut *tx)
                .await?;
                let sql = format!(
                    "UPDATE parcels SET status = $1, project_id = $2, version = version + 1, updated_at = $3 \
                     WHERE id = $4 RETURNING {}",
                    Parcel::COLUMNS
                );
                let row = sqlx::query(&sql)
                    .bind(input.status.as_str())
                    .bind(input.project_id)
                    .bind(now)
                    .bind(parcel_id)
                    .fetch_one(&mut *tx)
                    .await?;
                let after = Parcel::from_row(&row)?;
                write_audit(
                    &mut *tx,
                    AuditWrite::change(actor, "step", "parcel", parcel_id, Some(&before), Some(&after)),
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }

    /// Mediates or resolves a dispute (with how, and the day) as its state allows; any other
    /// move is refused with the state it is in.
    pub async fn dispute_action(
        &self,
        actor: Option<i64>,
        id: i64,
        action: DisputeAction,
        resolution: Option<String>,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Dispute> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Dispute> {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {} FROM disputes WHERE id = $1{}",
                    Dispute::COLUMNS,
                    crate::reports::lock(backend)
                );
                let row = sqlx::query(&sql)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let before = Dispute::from_row(&row)?;
                let to = dispute_next(before.status, action)
                    .map_err(|state| StoreError::WrongState(WrongState::Dispute(state)))?;
                let stamp = feidi_core::time::stamp(now);
                let day = (to == DisputeStatus::Resolved).then(|| feidi_core::time::day_of(now).to_string());
                let sql = format!(
                    "UPDATE disputes SET status = $1, resolution = COALESCE($2, resolution), resolved_on = COALESCE($3, resolved_on), \
                     version = version + 1, updated_at = $4 WHERE id = $5 RETURNING {}",
                    Dispute::COLUMNS
                );
                let row = sqlx::query(&sql)
                    .bind(to.as_str())
                    .bind(resolution)
                    .bind(day)
                    .bind(stamp)
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                let after = Dispute::from_row(&row)?;
                let name = match action {
                    DisputeAction::Mediate => "mediate",
                    DisputeAction::Resolve => "resolve",
                };
                write_audit(&mut *tx, AuditWrite::change(actor, name, "dispute", id, Some(&before), Some(&after)))
                    .await?;
                Ok(after)
            })
        })
        .await
    }

    /// The disputes standing on `day` (opened by then, not resolved by then), and the day the
    /// last one by then was opened.
    pub async fn disputes_on(&self, day: NaiveDate) -> StoreResult<(i64, Option<NaiveDate>)> {
        let day = day.to_string();
        let open: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM disputes WHERE opened_on <= $1 AND (resolved_on IS NULL OR resolved_on > $1)",
        )
        .bind(day.clone())
        .fetch_one(&self.read)
        .await?;
        let last: Option<String> =
            sqlx::query_scalar("SELECT MAX(opened_on) FROM disputes WHERE opened_on <= $1")
                .bind(day)
                .fetch_one(&self.read)
                .await?;
        Ok((open, last.as_deref().and_then(feidi_core::time::parse_day)))
    }

    /// The day the land's record begins: its earliest step, or the day its first parcel was
    /// entered if that is earlier (none without parcels).
    pub async fn first_land_day(&self) -> StoreResult<Option<NaiveDate>> {
        let step: Option<String> = sqlx::query_scalar("SELECT MIN(date) FROM parcel_steps")
            .fetch_one(&self.read)
            .await?;
        // Instants are kept in +08:00, so their first ten characters are the day in Shanghai.
        let entered: Option<String> =
            sqlx::query_scalar("SELECT MIN(SUBSTR(created_at, 1, 10)) FROM parcels")
                .fetch_one(&self.read)
                .await?;
        let days = [step, entered];
        Ok(days
            .iter()
            .flatten()
            .filter_map(|d| feidi_core::time::parse_day(d))
            .min())
    }

    /// Every parcel's code: an import refuses a code already taken, naming its feature.
    pub async fn parcel_codes(&self) -> StoreResult<std::collections::HashSet<String>> {
        let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM parcels")
            .fetch_all(&self.read)
            .await?;
        Ok(codes.into_iter().collect())
    }

    /// A parcel's steps, oldest first.
    pub async fn parcel_steps(&self, parcel_id: i64) -> StoreResult<Vec<ParcelStep>> {
        let sql = format!(
            "SELECT {} FROM parcel_steps WHERE parcel_id = $1 ORDER BY id",
            ParcelStep::COLUMNS
        );
        let rows = sqlx::query(&sql).bind(parcel_id).fetch_all(&self.read).await?;
        read_all(&rows)
    }

    /// Every parcel of a zone (or of all zones), in code order: what a map draws.
    pub async fn parcels_of(&self, zone_id: Option<i64>) -> StoreResult<Vec<Parcel>> {
        let columns = Parcel::COLUMNS;
        let rows = match zone_id {
            Some(zone) => {
                sqlx::query(&format!(
                    "SELECT {columns} FROM parcels WHERE zone_id = $1 ORDER BY code"
                ))
                .bind(zone)
                .fetch_all(&self.read)
                .await?
            }
            None => {
                sqlx::query(&format!("SELECT {columns} FROM parcels ORDER BY code"))
                    .fetch_all(&self.read)
                    .await?
            }
        };
        read_all(&rows)
    }

    /// How many parcels, and how many 亩, stand at each status as of `day`: a parcel's status
    /// then is its last step dated by that day (steps are written in order, so the last is the
    /// greatest id), or planned before its first.
    pub async fn land_by_status(&self, day: NaiveDate) -> StoreResult<Vec<(ParcelStatus, i64, AreaMu)>> {
        let sql = "SELECT COALESCE(s.status, 'planned') AS status, CAST(COUNT(*) AS BIGINT) AS n, \
                   CAST(SUM(p.area_mu) AS BIGINT) AS area \
                   FROM parcels p \
                   LEFT JOIN (SELECT parcel_id, MAX(id) AS last FROM parcel_steps WHERE date <= $1 GROUP BY parcel_id) l \
                   ON l.parcel_id = p.id \
                   LEFT JOIN parcel_steps s ON s.id = l.last \
                   GROUP BY COALESCE(s.status, 'planned')";
        let rows = sqlx::query(sql)
            .bind(day.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|row| {
                let c = Cols::Row(row);
                Ok((
                    ParcelStatus::read(&c, "status")?,
                    c.int("n")?,
                    AreaMu::from_hundredths(c.int("area")?),
                ))
            })
            .collect()
    }
}
