//! Land (M6): parcels, kept through the registry's generic list, read, create, change and
//! delete, and the steps of their pipeline, written here one at a time in order.

use chrono::{DateTime, FixedOffset, NaiveDate};
use feidi_core::AreaMu;
use feidi_core::land::{
    Boundary, DisputeAction, DisputeCategory, DisputeInput, DisputeStatus, ParcelInput, ParcelStatus,
    PartInput, StepInput, dispute_next, may_merge, step,
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
        /// The day it was split or merged into new parcels; its record stays.
        pub retired_on: Option<NaiveDate>,
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
    /// A land dispute (纠纷) on a parcel or raised from a household.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Dispute {
        pub id: i64,
        pub parcel_id: Option<i64>,
        pub household_id: Option<i64>,
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
    const FILTERS: &'static [&'static str] = &["parcel_id", "household_id", "status", "category"];
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
        values!(self: parcel_id, household_id, category, description, opened_on)
    }
    fn references(&self) -> Vec<Reference> {
        vec![
            Reference::new("parcel_id", "parcels", self.parcel_id),
            Reference::new("household_id", "households", self.household_id),
        ]
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
                if before.retired_on.is_some() {
                    return Err(StoreError::WrongState(WrongState::Retired));
                }
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

    /// What a zone's map draws of its parcels not retired, in code order, each row read into
    /// its rings as it arrives: a zone of thousands of parcels never holds them as rows and
    /// trees of values at once.
    pub async fn map_parcels(&self, zone_id: i64) -> StoreResult<Vec<MapRow>> {
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query(
            "SELECT id, code, status, project_id, area_mu, sample, boundary FROM parcels \
             WHERE zone_id = $1 AND retired_on IS NULL ORDER BY code",
        )
        .bind(zone_id)
        .fetch(&self.read);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let c = Cols::Row(&row);
            out.push(MapRow {
                id: c.int("id")?,
                code: c.text("code")?,
                status: ParcelStatus::read(&c, "status")?,
                project_id: c.opt_int("project_id")?,
                area_mu: feidi_core::AreaMu::from_hundredths(c.int("area_mu")?),
                sample: c.boolean("sample")?,
                rings: c
                    .opt_text("boundary")?
                    .map(|text| feidi_core::land::outer_rings_of(&text))
                    .unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// The parcels one may be merged with: of its zone, at its step, with its project, not
    /// retired (at most 500, by code), as (id, code).
    pub async fn merge_candidates(&self, parcel: &Parcel) -> StoreResult<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "SELECT id, code FROM parcels WHERE zone_id = $1 AND status = $2 AND retired_on IS NULL AND id <> $3 \
             AND (project_id = $4 OR (project_id IS NULL AND CAST($4 AS BIGINT) IS NULL)) ORDER BY code LIMIT 500",
        )
        .bind(parcel.zone_id)
        .bind(parcel.status.as_str())
        .bind(parcel.id)
        .bind(parcel.project_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let c = Cols::Row(row);
                Ok((c.int("id")?, c.text("code")?))
            })
            .collect()
    }

    /// Every parcel of a zone (or of all zones) not retired, in code order.
    pub async fn parcels_of(&self, zone_id: Option<i64>) -> StoreResult<Vec<Parcel>> {
        let columns = Parcel::COLUMNS;
        let rows =
            match zone_id {
                Some(zone) => sqlx::query(&format!(
                    "SELECT {columns} FROM parcels WHERE zone_id = $1 AND retired_on IS NULL ORDER BY code"
                ))
                .bind(zone)
                .fetch_all(&self.read)
                .await?,
                None => {
                    sqlx::query(&format!(
                        "SELECT {columns} FROM parcels WHERE retired_on IS NULL ORDER BY code"
                    ))
                    .fetch_all(&self.read)
                    .await?
                }
            };
        read_all(&rows)
    }

    /// How many parcels, and how many 亩, stand at each status as of `day`: a parcel's status
    /// then is its last step dated by that day (steps are written in order, so the last is the
    /// greatest id), or planned before its first. A parcel split or merged counts until the day
    /// it was, its new parcels from then on.
    pub async fn land_by_status(&self, day: NaiveDate) -> StoreResult<Vec<(ParcelStatus, i64, AreaMu)>> {
        let sql = "SELECT COALESCE(s.status, 'planned') AS status, CAST(COUNT(*) AS BIGINT) AS n, \
                   CAST(SUM(p.area_mu) AS BIGINT) AS area \
                   FROM parcels p \
                   LEFT JOIN (SELECT parcel_id, MAX(id) AS last FROM parcel_steps WHERE date <= $1 GROUP BY parcel_id) l \
                   ON l.parcel_id = p.id \
                   LEFT JOIN parcel_steps s ON s.id = l.last \
                   WHERE (p.retired_on IS NULL OR p.retired_on > $1) \
                   AND NOT EXISTS (SELECT 1 FROM parcel_lineage n WHERE n.child_id = p.id AND n.date > $1) \
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

row! {
    /// One link of a parcel's lineage: a parent split or merged into a child.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Lineage {
        pub parent_id: i64,
        pub parent_code: String,
        pub child_id: i64,
        pub child_code: String,
        pub kind: String,
        pub date: NaiveDate,
    }
}

impl Store {
    /// Splits a parcel into parts (checked by core: their areas add up to its own), each a new
    /// parcel with its status, project and steps; the parcel is retired on `today`, its record
    /// and disputes kept. One transaction, audited.
    pub async fn split_parcel(
        &self,
        actor: Option<i64>,
        id: i64,
        parts: Vec<PartInput>,
        today: NaiveDate,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Vec<Parcel>> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Vec<Parcel>> {
            Box::pin(async move {
                let parent = locked_parcel(tx, backend, id).await?.ok_or(StoreError::NotFound)?;
                if parent.retired_on.is_some() {
                    return Err(StoreError::WrongState(WrongState::Retired));
                }
                let codes: Vec<String> = parts.iter().map(|p| p.code.clone()).collect();
                taken_codes(tx, &codes, |i| format!("parts[{i}].code")).await?;
                let stamp = feidi_core::time::stamp(now);
                let mut children = Vec::with_capacity(parts.len());
                for part in &parts {
                    let child = insert_parcel(
                        tx,
                        &parent,
                        part,
                        (&parent.village, &parent.land_use, parent.sample),
                        &stamp,
                    )
                    .await?;
                    sqlx::query(
                        "INSERT INTO parcel_steps (parcel_id, status, date, document_no, project_id, recorded_by, recorded_at) \
                         SELECT $1, status, date, document_no, project_id, recorded_by, recorded_at FROM parcel_steps \
                         WHERE parcel_id = $2 ORDER BY id",
                    )
                    .bind(child.id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    link(tx, id, child.id, "split", today, actor, &stamp).await?;
                    write_audit(&mut *tx, AuditWrite::change(actor, "create", "parcel", child.id, None, Some(&child)))
                        .await?;
                    children.push(child);
                }
                let after = retire(tx, id, today, &stamp).await?;
                write_audit(&mut *tx, AuditWrite::change(actor, "split", "parcel", id, Some(&parent), Some(&after)))
                    .await?;
                Ok(children)
            })
        })
        .await
    }

    /// Merges parcels into one new parcel with their summed area: they must lie in one zone at
    /// one status (and, supplied, with one project: core's `may_merge`). The new parcel's steps
    /// are theirs, each dated when the last of them reached it, with their document numbers;
    /// they are retired on `today`. One transaction, audited.
    pub async fn merge_parcels(
        &self,
        actor: Option<i64>,
        ids: Vec<i64>,
        merged: PartInput,
        today: NaiveDate,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Parcel> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Parcel> {
            Box::pin(async move {
                let mut parents = Vec::with_capacity(ids.len());
                for id in &ids {
                    let Some(parcel) = locked_parcel(tx, backend, *id).await? else {
                        return Err(StoreError::Invalid(feidi_core::FieldErrors::one(
                            "parcel_ids",
                            feidi_core::Flaw::NoSuchRecord,
                        )));
                    };
                    if parcel.retired_on.is_some() {
                        return Err(StoreError::WrongState(WrongState::Retired));
                    }
                    parents.push(parcel);
                }
                let facts: Vec<_> = parents.iter().map(|p| (p.zone_id, p.status, p.project_id)).collect();
                may_merge(&facts).map_err(|flaw| StoreError::Invalid(feidi_core::FieldErrors::one("parcel_ids", flaw)))?;
                taken_codes(tx, std::slice::from_ref(&merged.code), |_| "code".to_string()).await?;
                let joined = |field: fn(&Parcel) -> &String| {
                    let mut seen: Vec<&String> = Vec::new();
                    for p in &parents {
                        if !seen.contains(&field(p)) {
                            seen.push(field(p));
                        }
                    }
                    seen.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("、")
                };
                let village = joined(|p| &p.village);
                let land_use = joined(|p| &p.land_use);
                let area = parents.iter().fold(feidi_core::AreaMu::default(), |sum, p| sum + p.area_mu);
                let part = PartInput {
                    area_mu: area,
                    ..merged.clone()
                };
                let sample = parents.iter().any(|p| p.sample);
                let stamp = feidi_core::time::stamp(now);
                let child = insert_parcel(tx, &parents[0], &part, (&village, &land_use, sample), &stamp).await?;
                // Each step the parents took, dated when the last of them took it.
                let mut steps: Vec<ParcelStep> = Vec::new();
                for p in &parents {
                    let sql = format!("SELECT {} FROM parcel_steps WHERE parcel_id = $1 ORDER BY id", ParcelStep::COLUMNS);
                    let rows = sqlx::query(&sql).bind(p.id).fetch_all(&mut *tx).await?;
                    steps.extend(read_all::<ParcelStep>(&rows)?);
                }
                for status in ParcelStatus::ALL {
                    let of: Vec<&ParcelStep> = steps.iter().filter(|s| s.status == status).collect();
                    let Some(last) = of.iter().max_by_key(|s| s.date) else { continue };
                    let mut documents: Vec<&str> = Vec::new();
                    for d in of.iter().filter_map(|s| s.document_no.as_deref()) {
                        if !documents.contains(&d) {
                            documents.push(d);
                        }
                    }
                    sqlx::query(
                        "INSERT INTO parcel_steps (parcel_id, status, date, document_no, project_id, recorded_by, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(child.id)
                    .bind(status.as_str())
                    .bind(last.date.to_string())
                    .bind((!documents.is_empty()).then(|| documents.join("；")))
                    .bind(last.project_id)
                    .bind(last.recorded_by)
                    .bind(last.recorded_at.as_str().to_string())
                    .execute(&mut *tx)
                    .await?;
                }
                write_audit(&mut *tx, AuditWrite::change(actor, "create", "parcel", child.id, None, Some(&child))).await?;
                for p in &parents {
                    link(tx, p.id, child.id, "merge", today, actor, &stamp).await?;
                    let after = retire(tx, p.id, today, &stamp).await?;
                    write_audit(&mut *tx, AuditWrite::change(actor, "merge", "parcel", p.id, Some(p), Some(&after)))
                        .await?;
                }
                Ok(child)
            })
        })
        .await
    }

    /// The land the projects signed by `day` need (their signing milestone done by then), in 亩.
    pub async fn land_needed(&self, day: NaiveDate) -> StoreResult<feidi_core::AreaMu> {
        let needed: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(p.land_mu) AS BIGINT) FROM projects p \
             JOIN milestones m ON m.project_id = p.id AND m.kind = 'signed' \
             WHERE m.actual_date IS NOT NULL AND m.actual_date <= $1",
        )
        .bind(day.to_string())
        .fetch_one(&self.read)
        .await?;
        Ok(feidi_core::AreaMu::from_hundredths(needed.unwrap_or(0)))
    }

    /// The parcels a parcel came from and went into, oldest link first.
    pub async fn parcel_lineage(&self, id: i64) -> StoreResult<Vec<Lineage>> {
        let rows = sqlx::query(
            "SELECT l.parent_id, a.code AS parent_code, l.child_id, b.code AS child_code, l.kind, l.date \
             FROM parcel_lineage l JOIN parcels a ON a.id = l.parent_id JOIN parcels b ON b.id = l.child_id \
             WHERE l.parent_id = $1 OR l.child_id = $1 ORDER BY l.id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        read_all(&rows)
    }
}

async fn locked_parcel(
    tx: &mut AnyConnection,
    backend: crate::Backend,
    id: i64,
) -> StoreResult<Option<Parcel>> {
    let sql = format!(
        "SELECT {} FROM parcels WHERE id = $1{}",
        Parcel::COLUMNS,
        crate::reports::lock(backend)
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(&mut *tx).await?;
    row.as_ref().map(Parcel::from_row).transpose()
}

/// Refuses codes already taken, naming the field each was typed in.
async fn taken_codes(
    tx: &mut AnyConnection,
    codes: &[String],
    field: impl Fn(usize) -> String,
) -> StoreResult<()> {
    for (i, code) in codes.iter().enumerate() {
        let found = sqlx::query("SELECT id FROM parcels WHERE code = $1")
            .bind(code.clone())
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_some() {
            return Err(StoreError::Invalid(feidi_core::FieldErrors::one(
                &field(i),
                feidi_core::Flaw::Taken,
            )));
        }
    }
    Ok(())
}

/// A new parcel in `like`'s zone at its status and project.
async fn insert_parcel(
    tx: &mut AnyConnection,
    like: &Parcel,
    part: &PartInput,
    (village, land_use, sample): (&str, &str, bool),
    stamp: &str,
) -> StoreResult<Parcel> {
    let sql = format!(
        "INSERT INTO parcels (code, zone_id, village, area_mu, land_use, boundary, status, project_id, sample, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING {}",
        Parcel::COLUMNS
    );
    let row = sqlx::query(&sql)
        .bind(part.code.clone())
        .bind(like.zone_id)
        .bind(village.to_string())
        .bind(part.area_mu.hundredths())
        .bind(land_use.to_string())
        .bind(part.boundary.as_ref().map(|b| b.geometry().to_string()))
        .bind(like.status.as_str())
        .bind(like.project_id)
        .bind(sample)
        .bind(stamp.to_string())
        .fetch_one(&mut *tx)
        .await?;
    Parcel::from_row(&row)
}

async fn link(
    tx: &mut AnyConnection,
    parent: i64,
    child: i64,
    kind: &str,
    today: NaiveDate,
    actor: Option<i64>,
    stamp: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO parcel_lineage (parent_id, child_id, kind, date, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(parent)
    .bind(child)
    .bind(kind.to_string())
    .bind(today.to_string())
    .bind(actor)
    .bind(stamp.to_string())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn retire(tx: &mut AnyConnection, id: i64, today: NaiveDate, stamp: &str) -> StoreResult<Parcel> {
    let sql = format!(
        "UPDATE parcels SET retired_on = $1, version = version + 1, updated_at = $2 WHERE id = $3 RETURNING {}",
        Parcel::COLUMNS
    );
    let row = sqlx::query(&sql)
        .bind(today.to_string())
        .bind(stamp.to_string())
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    Parcel::from_row(&row)
}

/// A parcel as a map draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct MapRow {
    pub id: i64,
    pub code: String,
    pub status: ParcelStatus,
    pub project_id: Option<i64>,
    pub area_mu: feidi_core::AreaMu,
    pub sample: bool,
    /// Its outer rings in (longitude, latitude); none without a boundary.
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// A generated parcel (`feidi gen`): where it stands, the project it was supplied to, and the
/// days of its steps in order.
pub struct GeneratedParcel {
    pub input: ParcelInput,
    pub status: ParcelStatus,
    pub project_id: Option<i64>,
    pub steps: Vec<(ParcelStatus, NaiveDate)>,
}

/// Parcels written per transaction by [`Store::bulk_parcels`].
const PARCELS_PER_TX: usize = 5_000;

impl Store {
    /// Writes generated parcels and their steps, a few thousand per transaction, with one
    /// audit entry for the lot. Answers the first one's id (the rest follow in order).
    pub async fn bulk_parcels(&self, parcels: Vec<GeneratedParcel>, note: String) -> StoreResult<i64> {
        let backend = self.backend;
        let first_id = self.last_id("parcels").await? + 1;
        let parcels = std::sync::Arc::new(parcels);
        for start in (0..parcels.len()).step_by(PARCELS_PER_TX) {
            let end = (start + PARCELS_PER_TX).min(parcels.len());
            let parcels = parcels.clone();
            self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
                Box::pin(async move {
                    let first: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM parcels")
                        .fetch_one(&mut *tx)
                        .await?;
                    let now = feidi_core::time::stamp(feidi_core::time::now());
                    let mut rows = Vec::with_capacity(end - start);
                    let mut steps = Vec::new();
                    for (offset, g) in parcels[start..end].iter().enumerate() {
                        let id = first + 1 + offset as i64;
                        let p = &g.input;
                        rows.push(vec![
                            Val::from(id),
                            Val::from(p.code.as_str()),
                            Val::from(p.zone_id),
                            Val::from(p.village.as_str()),
                            Val::from(p.area_mu.hundredths()),
                            Val::from(p.land_use.as_str()),
                            p.boundary.as_ref().map_or(Val::Text(None), IntoVal::val),
                            Val::from(g.status.as_str()),
                            Val::Int(g.project_id),
                            Val::Bool(p.sample),
                        ]);
                        for (status, date) in &g.steps {
                            let project = (*status == ParcelStatus::Supplied).then_some(g.project_id).flatten();
                            steps.push(vec![
                                Val::from(id),
                                Val::from(status.as_str()),
                                Val::from(date.to_string()),
                                Val::Int(project),
                            ]);
                        }
                    }
                    for chunk in rows.chunks(400) {
                        crate::imports::insert_rows(
                            &mut *tx,
                            backend,
                            "parcels (id, code, zone_id, village, area_mu, land_use, boundary, status, project_id, sample, created_at, updated_at)",
                            chunk.to_vec(),
                            &format!("'{now}', '{now}'"),
                        )
                        .await?;
                    }
                    for chunk in steps.chunks(1000) {
                        crate::imports::insert_rows(
                            &mut *tx,
                            backend,
                            "parcel_steps (parcel_id, status, date, project_id, recorded_at)",
                            chunk.to_vec(),
                            &format!("'{now}'"),
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .await?;
        }
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                if backend == crate::Backend::Postgres {
                    // Ids were given explicitly: the identity must continue after them.
                    sqlx::query("SELECT setval(pg_get_serial_sequence('parcels', 'id'), COALESCE((SELECT MAX(id) FROM parcels), 1))")
                        .execute(&mut *tx)
                        .await?;
                }
                write_audit(&mut *tx, AuditWrite::event(None, "bulk_create", "parcel", None, note)).await
            })
        })
        .await?;
        Ok(first_id)
    }

    /// The greatest id a table of the land holds (0 when empty): where generated rows begin.
    pub async fn last_id(&self, table: &'static str) -> StoreResult<i64> {
        let table = match table {
            "parcels" => "parcels",
            "households" => "households",
            _ => return Err(StoreError::Corrupt(format!("no last id of {table}"))),
        };
        Ok(sqlx::query_scalar(&format!(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"
        ))
        .fetch_one(&self.read)
        .await?)
    }
}
