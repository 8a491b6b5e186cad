//! A project's schedule (M2) and annual plans (M3): milestones with their planned and actual
//! dates judged by the light rule as of a day, the rule itself (admins), and the planned
//! investment of each year.

use chrono::NaiveDate;
use feidi_core::policy::{Action, Entity, Principal};
use feidi_core::schedule::{LightRule, MilestoneInput, MilestoneKind};
use feidi_core::{FieldErrors, Flaw, Input, Need};
use feidi_store::{AnnualPlan, Milestone, Store};
use serde_json::{Map, Value};

use crate::reports::project;
use crate::{AppError, AppResult, optional_version, require, version_of};

/// A milestone as the API shows it: its dates, and its variance and light as of a day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MilestoneView {
    pub kind: MilestoneKind,
    pub planned_date: NaiveDate,
    pub actual_date: Option<NaiveDate>,
    pub variance_days: Option<i64>,
    pub light: feidi_core::schedule::Light,
    pub version: i64,
    pub updated_at: String,
}

fn milestone_view(m: Milestone, as_of: NaiveDate, rule: LightRule) -> MilestoneView {
    let status = feidi_core::schedule::milestone_status(m.planned_date, m.actual_date, as_of, rule);
    MilestoneView {
        kind: m.kind,
        planned_date: m.planned_date,
        actual_date: m.actual_date,
        variance_days: status.variance_days,
        light: status.light,
        version: m.version,
        updated_at: m.updated_at,
    }
}

fn milestone_kind(code: &str) -> Result<MilestoneKind, FieldErrors> {
    MilestoneKind::parse(code).ok_or_else(|| {
        FieldErrors::one(
            "kind",
            Flaw::Rule(
                "须为 signed、land_supplied、construction_started、topped_out、completed、production_started、full_output 之一",
                "must be one of signed, land_supplied, construction_started, topped_out, completed, production_started, full_output",
            ),
        )
    })
}

/// A project's milestones as of a day.
pub async fn milestones(
    store: &Store,
    who: &Principal,
    project_id: i64,
    as_of: NaiveDate,
) -> AppResult<Vec<MilestoneView>> {
    project(store, who, project_id).await?;
    milestone_views(store, project_id, as_of).await
}

/// A project's milestones judged as of a day; the caller has checked access.
pub async fn milestone_views(
    store: &Store,
    project_id: i64,
    as_of: NaiveDate,
) -> AppResult<Vec<MilestoneView>> {
    let rule = store.light_rule().await?;
    let list = store.milestones(project_id).await?;
    Ok(list.into_iter().map(|m| milestone_view(m, as_of, rule)).collect())
}

/// Sets a milestone's planned and actual dates (staff and admins), as of `today` (an actual
/// date may not lie after it).
pub async fn put_milestone(
    store: &Store,
    who: &Principal,
    project_id: i64,
    kind: &str,
    body: &Map<String, Value>,
    today: NaiveDate,
) -> AppResult<MilestoneView> {
    project(store, who, project_id).await?;
    require(who, Action::Write, Entity::Project)?;
    let kind = milestone_kind(kind)?;
    let input = MilestoneInput::parse(body, today)?;
    let version = match body.get("version") {
        None | Some(Value::Null) => None,
        Some(_) => Some(version_of(body)?),
    };
    let stored = store
        .put_milestone(Some(who.user_id), project_id, kind, &input, version)
        .await?;
    let rule = store.light_rule().await?;
    Ok(milestone_view(stored, today, rule))
}

/// The light rule in force.
pub async fn light_rule(store: &Store, who: &Principal) -> AppResult<LightRule> {
    require(who, Action::Read, Entity::Project)?;
    Ok(store.light_rule().await?)
}

/// Changes the light rule (admins).
pub async fn set_light_rule(
    store: &Store,
    who: &Principal,
    body: &Map<String, Value>,
) -> AppResult<LightRule> {
    if !who.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut input = Input::new(body);
    let days = input.int("yellow_days", Need::Required, 0, 366);
    input.finish()?;
    let rule = LightRule {
        yellow_days: days.unwrap_or(30),
    };
    Ok(store.set_light_rule(Some(who.user_id), rule).await?)
}

/// Sets a project's planned investment for a year (staff and admins).
pub async fn put_plan(
    store: &Store,
    who: &Principal,
    project_id: i64,
    year: &str,
    body: &Map<String, Value>,
) -> AppResult<AnnualPlan> {
    project(store, who, project_id).await?;
    require(who, Action::Write, Entity::Project)?;
    let years = feidi_core::time::YEARS;
    let year = match year.parse::<i64>() {
        Ok(y) if i32::try_from(y).is_ok_and(|y| years.contains(&y)) => y,
        _ => {
            let range = Flaw::OutOfRange(i64::from(*years.start()), i64::from(*years.end()));
            return Err(FieldErrors::one("year", range).into());
        }
    };
    let mut input = Input::new(body);
    let planned = input.money("planned_investment", Need::Required);
    input.finish()?;
    let version = optional_version(body)?;
    Ok(store
        .put_plan(
            Some(who.user_id),
            project_id,
            year,
            planned.unwrap_or_default(),
            version,
        )
        .await?)
}

/// A project's annual plans.
pub async fn plans(store: &Store, who: &Principal, project_id: i64) -> AppResult<Vec<AnnualPlan>> {
    project(store, who, project_id).await?;
    Ok(store.plans(project_id).await?)
}
