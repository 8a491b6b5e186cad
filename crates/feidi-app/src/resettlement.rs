//! Resettlement (M6): a household's compensation items, added and paid; the look at a whole
//! ID number (admins, audited); and the totals by village. Households themselves are kept
//! through the registry's services (`kinds::Households`). Those who may not read households
//! (reporters, enterprises, finance) are answered "not found", as if there were none.

use chrono::{DateTime, FixedOffset, NaiveDate};
use feidi_core::policy::{Action, Entity, Principal};
use feidi_core::resettlement::{CompensationInput, paid_on};
use feidi_store::{Compensation, Household, VillageTotals};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::kinds::Households;
use crate::{App, AppError, AppResult, require};

/// A household with its compensation items and their sums, for its page and the API.
#[derive(Debug, Clone, Serialize)]
pub struct HouseholdView {
    #[serde(flatten)]
    pub household: Household,
    pub compensations: Vec<Compensation>,
    pub compensation_due: feidi_core::Money,
    pub compensation_paid: feidi_core::Money,
}

/// A household and its compensation, behind one access check.
pub async fn household(app: &App, who: &Principal, id: i64) -> AppResult<HouseholdView> {
    let household = crate::registry::get::<Households>(app, who, id).await?;
    let compensations = app.store.compensations(id).await?;
    let compensation_due = compensations.iter().map(|c| c.amount).sum();
    let compensation_paid = compensations
        .iter()
        .filter(|c| c.paid_on.is_some())
        .map(|c| c.amount)
        .sum();
    Ok(HouseholdView {
        household,
        compensations,
        compensation_due,
        compensation_paid,
    })
}

/// A household's compensation items.
pub async fn compensations(app: &App, who: &Principal, id: i64) -> AppResult<Vec<Compensation>> {
    crate::registry::get::<Households>(app, who, id).await?;
    Ok(app.store.compensations(id).await?)
}

/// Adds a compensation item to a household (staff and admins).
pub async fn add_compensation(
    app: &App,
    who: &Principal,
    id: i64,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<Compensation> {
    crate::registry::get::<Households>(app, who, id).await?;
    require(who, Action::Write, Entity::Resettlement)?;
    let input = CompensationInput::parse(body)?;
    Ok(app
        .store
        .add_compensation(Some(who.user_id), id, &input, now)
        .await?)
}

/// Records that a compensation item was paid on `paid_on` (staff and admins); one already
/// paid is refused.
pub async fn pay(
    app: &App,
    who: &Principal,
    id: i64,
    compensation_id: i64,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<Compensation> {
    crate::registry::get::<Households>(app, who, id).await?;
    require(who, Action::Write, Entity::Resettlement)?;
    let day = paid_on(body, feidi_core::time::day_of(now))?;
    Ok(app
        .store
        .pay_compensation(Some(who.user_id), id, compensation_id, day, now)
        .await?)
}

/// A household's whole ID number, for an admin who asks; the look is audited. Leaders and
/// staff, who see the household, are refused; others are told there is no such household.
pub async fn reveal_id_number(app: &App, who: &Principal, id: i64) -> AppResult<Option<String>> {
    crate::registry::get::<Households>(app, who, id).await?;
    if !who.is_admin() {
        return Err(AppError::Forbidden);
    }
    Ok(app.store.reveal_id_number(Some(who.user_id), id).await?)
}

/// Resettlement by village as of a day, and the whole of it.
#[derive(Debug, Clone, Serialize)]
pub struct Resettlement {
    pub as_of: NaiveDate,
    pub villages: Vec<VillageTotals>,
    pub total: VillageTotals,
}

pub async fn by_village(app: &App, who: &Principal, as_of: NaiveDate) -> AppResult<Resettlement> {
    require(who, Action::Read, Entity::Resettlement)?;
    let villages = app.store.resettlement_by_village(as_of).await?;
    Ok(Resettlement {
        as_of,
        total: VillageTotals::total(&villages),
        villages,
    })
}
