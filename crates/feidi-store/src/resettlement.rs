//! Resettlement (M6): households, kept through the registry's generic list, read, create,
//! change and delete, and their compensation items, added and paid here. A household's whole
//! ID number is written by its input and read back only by [`Store::reveal_id_number`], which
//! audits the look; every other read carries the masked form.

use chrono::{DateTime, FixedOffset, NaiveDate};
use feidi_core::Money;
use feidi_core::resettlement::{CompensationInput, HouseholdInput, IdChange};
use feidi_core::time::Stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::{AuditWrite, write_audit};
use crate::columns::{StoredRow, read_all, row};
use crate::registry::{Inputs, Record, Reference};
use crate::sqlite::writer::TxFuture;
use crate::value::{Cols, Val};
use crate::{Store, StoreError, StoreResult};

row! {
    /// A household (户) resettled for the park's land.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Household {
        pub id: i64,
        pub village: String,
        pub head_name: String,
        pub people: i64,
        pub parcel_id: Option<i64>,
        /// Masked (`4107**********1234`): the whole number is read only by an admin's look.
        pub id_number: Option<String> as "id_number_masked",
        pub housing: Option<String>,
        pub resettled_on: Option<NaiveDate>,
        pub sample: bool,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Record for Household {
    const ENTITY: &'static str = "household";
    const TABLE: &'static str = "households";
    const UNIQUE: &'static [&'static str] = &[];
    const SORTABLE: &'static [&'static str] = &["id", "village", "head_name", "people", "resettled_on"];
    const FILTERS: &'static [&'static str] = &["village", "parcel_id"];
    const SEARCH_COLUMN: &'static str = "head_name";

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for HouseholdInput {
    type Record = Household;
    fn values(&self) -> Vec<(&'static str, Val)> {
        let mut values = vec![
            ("village", Val::from(self.village.as_str())),
            ("head_name", Val::from(self.head_name.as_str())),
            ("people", Val::from(self.people)),
            ("parcel_id", Val::Int(self.parcel_id)),
            ("housing", Val::Text(self.housing.clone())),
            (
                "resettled_on",
                Val::Text(self.resettled_on.map(|d| d.to_string())),
            ),
            ("sample", Val::Bool(self.sample)),
        ];
        // The number is written only when it changes: an edit that leaves it keeps it.
        match &self.id_number {
            IdChange::Keep => {}
            IdChange::Clear => {
                values.push(("id_number", Val::Text(None)));
                values.push(("id_number_masked", Val::Text(None)));
            }
            IdChange::Set(number) => {
                values.push(("id_number", Val::from(number.as_str())));
                values.push(("id_number_masked", Val::from(number.masked().as_str())));
            }
        }
        values
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference::new("parcel_id", "parcels", self.parcel_id)]
    }
}

row! {
    /// One compensation item due to a household, and when it was paid.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Compensation {
        pub id: i64,
        pub household_id: i64,
        pub item: String,
        pub amount: Money,
        pub due_date: NaiveDate,
        pub paid_on: Option<NaiveDate>,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

/// One village's resettlement as of a day.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct VillageTotals {
    pub village: String,
    pub households: i64,
    pub people: i64,
    /// Moved into their new homes by the day.
    pub resettled_households: i64,
    pub resettled_people: i64,
    /// Compensation due by the day, paid or not, and paid by the day.
    pub compensation_due: Money,
    pub compensation_paid: Money,
}

impl VillageTotals {
    /// The villages' figures added up (its `village` empty).
    pub fn total(villages: &[VillageTotals]) -> Self {
        let mut total = Self::default();
        for v in villages {
            total.households += v.households;
            total.people += v.people;
            total.resettled_households += v.resettled_households;
            total.resettled_people += v.resettled_people;
            total.compensation_due += v.compensation_due;
            total.compensation_paid += v.compensation_paid;
        }
        total
    }
}

impl Store {
    /// Adds a compensation item to a household, audited with it.
    pub async fn add_compensation(
        &self,
        actor: Option<i64>,
        household_id: i64,
        input: &CompensationInput,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Compensation> {
        let input = input.clone();
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Compensation> {
            Box::pin(async move {
                let found = sqlx::query("SELECT id FROM households WHERE id = $1")
                    .bind(household_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if found.is_none() {
                    return Err(StoreError::NotFound);
                }
                let stamp = feidi_core::time::stamp(now);
                let sql = format!(
                    "INSERT INTO compensations (household_id, item, amount, due_date, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING {}",
                    Compensation::COLUMNS
                );
                let row = sqlx::query(&sql)
                    .bind(household_id)
                    .bind(input.item.clone())
                    .bind(input.amount.hundredths())
                    .bind(input.due_date.to_string())
                    .bind(stamp)
                    .fetch_one(&mut *tx)
                    .await?;
                let made = Compensation::from_row(&row)?;
                write_audit(
                    &mut *tx,
                    AuditWrite::change(actor, "create", "compensation", made.id, None, Some(&made)),
                )
                .await?;
                Ok(made)
            })
        })
        .await
    }

    /// Records that a household's compensation item was paid on a day. One already paid is
    /// refused (409), so a payment entered twice shows rather than moving its day.
    pub async fn pay_compensation(
        &self,
        actor: Option<i64>,
        household_id: i64,
        id: i64,
        paid_on: NaiveDate,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Compensation> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Compensation> {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {} FROM compensations WHERE id = $1 AND household_id = $2{}",
                    Compensation::COLUMNS,
                    crate::reports::lock(backend)
                );
                let row = sqlx::query(&sql)
                    .bind(id)
                    .bind(household_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let before = Compensation::from_row(&row)?;
                if before.paid_on.is_some() {
                    return Err(StoreError::WrongState(crate::error::WrongState::Paid));
                }
                let sql = format!(
                    "UPDATE compensations SET paid_on = $1, version = version + 1, updated_at = $2 \
                     WHERE id = $3 RETURNING {}",
                    Compensation::COLUMNS
                );
                let row = sqlx::query(&sql)
                    .bind(paid_on.to_string())
                    .bind(feidi_core::time::stamp(now))
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                let after = Compensation::from_row(&row)?;
                write_audit(
                    &mut *tx,
                    AuditWrite::change(actor, "pay", "compensation", id, Some(&before), Some(&after)),
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }

    /// The ids of a village's households, in the order they were entered.
    pub async fn household_ids(&self, village: &str) -> StoreResult<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM households WHERE village = $1 ORDER BY id")
                .bind(village.to_string())
                .fetch_all(&self.read)
                .await?,
        )
    }

    /// Writes many compensation items, each with the day it was paid if it was, in one
    /// transaction with one audit entry (`note` says what it was): for the demo and imports,
    /// where an entry per item would be thousands of writes. Any failure writes nothing.
    pub async fn bulk_compensations(
        &self,
        actor: Option<i64>,
        items: Vec<(i64, CompensationInput, Option<NaiveDate>)>,
        note: String,
    ) -> StoreResult<usize> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, usize> {
            Box::pin(async move {
                let now = feidi_core::time::stamp(feidi_core::time::now());
                for (household, input, paid) in &items {
                    sqlx::query(
                        "INSERT INTO compensations (household_id, item, amount, due_date, paid_on, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $6)",
                    )
                    .bind(*household)
                    .bind(input.item.clone())
                    .bind(input.amount.hundredths())
                    .bind(input.due_date.to_string())
                    .bind(paid.map(|d| d.to_string()))
                    .bind(now.clone())
                    .execute(&mut *tx)
                    .await?;
                }
                write_audit(&mut *tx, AuditWrite::event(actor, "bulk_create", "compensation", None, note)).await?;
                Ok(items.len())
            })
        })
        .await
    }

    /// A household's compensation items, in the order they were entered.
    pub async fn compensations(&self, household_id: i64) -> StoreResult<Vec<Compensation>> {
        let sql = format!(
            "SELECT {} FROM compensations WHERE household_id = $1 ORDER BY id",
            Compensation::COLUMNS
        );
        let rows = sqlx::query(&sql).bind(household_id).fetch_all(&self.read).await?;
        read_all(&rows)
    }

    /// A household's whole ID number (none when none was entered), for an admin who asks;
    /// the look is written to the audit log in the same transaction as the read.
    pub async fn reveal_id_number(
        &self,
        actor: Option<i64>,
        household_id: i64,
    ) -> StoreResult<Option<String>> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Option<String>> {
            Box::pin(async move {
                let row = sqlx::query("SELECT id_number FROM households WHERE id = $1")
                    .bind(household_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let number = Cols::Row(&row).opt_text("id_number")?;
                write_audit(
                    &mut *tx,
                    AuditWrite::event(
                        actor,
                        "reveal_id_number",
                        "household",
                        Some(household_id),
                        "查看完整身份证号 / looked at the whole ID number".into(),
                    ),
                )
                .await?;
                Ok(number)
            })
        })
        .await
    }

    /// Resettlement by village as of `day`: households and people, those moved by then, and
    /// the compensation due by then against what was paid by then. Villages in name order.
    pub async fn resettlement_by_village(&self, day: NaiveDate) -> StoreResult<Vec<VillageTotals>> {
        let day = day.to_string();
        let rows = sqlx::query(
            "SELECT village, CAST(COUNT(*) AS BIGINT) AS households, CAST(SUM(people) AS BIGINT) AS people, \
             CAST(SUM(CASE WHEN resettled_on <= $1 THEN 1 ELSE 0 END) AS BIGINT) AS resettled_households, \
             CAST(SUM(CASE WHEN resettled_on <= $1 THEN people ELSE 0 END) AS BIGINT) AS resettled_people \
             FROM households GROUP BY village ORDER BY village",
        )
        .bind(day.clone())
        .fetch_all(&self.read)
        .await?;
        let mut out: Vec<VillageTotals> = rows
            .iter()
            .map(|row| {
                let c = Cols::Row(row);
                Ok(VillageTotals {
                    village: c.text("village")?,
                    households: c.int("households")?,
                    people: c.int("people")?,
                    resettled_households: c.int("resettled_households")?,
                    resettled_people: c.int("resettled_people")?,
                    ..Default::default()
                })
            })
            .collect::<StoreResult<_>>()?;
        let rows = sqlx::query(
            "SELECT h.village, CAST(COALESCE(SUM(CASE WHEN c.due_date <= $1 THEN c.amount ELSE 0 END), 0) AS BIGINT) AS due, \
             CAST(COALESCE(SUM(CASE WHEN c.paid_on <= $1 THEN c.amount ELSE 0 END), 0) AS BIGINT) AS paid \
             FROM compensations c JOIN households h ON h.id = c.household_id \
             WHERE c.due_date <= $1 OR c.paid_on <= $1 GROUP BY h.village",
        )
        .bind(day)
        .fetch_all(&self.read)
        .await?;
        for row in &rows {
            let c = Cols::Row(row);
            let village = c.text("village")?;
            if let Some(v) = out.iter_mut().find(|v| v.village == village) {
                v.compensation_due = Money::from_hundredths(c.int("due")?);
                v.compensation_paid = Money::from_hundredths(c.int("paid")?);
            }
        }
        Ok(out)
    }
}
