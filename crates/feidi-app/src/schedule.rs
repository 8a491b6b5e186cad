//! A project's schedule (M2) and annual plans (M3): milestones with their planned and actual
//! dates judged by the light rule as of a day, the rule itself (admins), and the planned
//! investment of each year.

use chrono::NaiveDate;
use feidi_core::policy::{Action, Entity, Principal};
use feidi_core::schedule::{LightRule, MilestoneInput, MilestoneKind, RedReason};
use feidi_core::{FieldErrors, Flaw, Input, Need};
use feidi_store::{AnnualPlan, Milestone};
use serde_json::{Map, Value};

use crate::reports::project;
use crate::{App, AppError, AppResult, optional_version, require, version_of};

/// A milestone as the API shows it: its dates, and its variance and light as of a day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MilestoneView {
    pub kind: MilestoneKind,
    pub planned_date: NaiveDate,
    pub actual_date: Option<NaiveDate>,
    pub variance_days: Option<i64>,
    pub light: feidi_core::schedule::Light,
    pub version: i64,
    pub updated_at: feidi_core::time::Stamp,
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
    app: &App,
    who: &Principal,
    project_id: i64,
    as_of: NaiveDate,
) -> AppResult<Vec<MilestoneView>> {
    project(app, who, project_id).await?;
    milestone_views(app, project_id, as_of).await
}

/// A project's milestones judged as of a day; the caller has checked access.
pub async fn milestone_views(app: &App, project_id: i64, as_of: NaiveDate) -> AppResult<Vec<MilestoneView>> {
    let rule = app.store.light_rule().await?;
    let list = app.store.milestones(project_id).await?;
    Ok(list.into_iter().map(|m| milestone_view(m, as_of, rule)).collect())
}

/// Sets a milestone's planned and actual dates (staff and admins), as of `today` (an actual
/// date may not lie after it).
pub async fn put_milestone(
    app: &App,
    who: &Principal,
    project_id: i64,
    kind: &str,
    body: &Map<String, Value>,
    today: NaiveDate,
) -> AppResult<MilestoneView> {
    project(app, who, project_id).await?;
    require(who, Action::Write, Entity::Project)?;
    let kind = milestone_kind(kind)?;
    let input = MilestoneInput::parse(body, today)?;
    let version = match body.get("version") {
        None | Some(Value::Null) => None,
        Some(_) => Some(version_of(body)?),
    };
    let stored = app
        .store
        .put_milestone(Some(who.user_id), project_id, kind, &input, version)
        .await?;
    let rule = app.store.light_rule().await?;
    Ok(milestone_view(stored, today, rule))
}

/// The light rule in force.
pub async fn light_rule(app: &App, who: &Principal) -> AppResult<LightRule> {
    require(who, Action::Read, Entity::Project)?;
    Ok(app.store.light_rule().await?)
}

/// Changes the light rule (admins).
pub async fn set_light_rule(app: &App, who: &Principal, body: &Map<String, Value>) -> AppResult<LightRule> {
    if !who.is_admin() {
        return Err(AppError::Forbidden);
    }
    let now = app.store.light_rule().await?;
    let mut input = Input::new(body);
    let days = input.int("yellow_days", Need::Required, 0, 366);
    // Optional, so that a client of the first version, which sends only the days, keeps it.
    let months = input.int("report_red_months", Need::Optional, 1, 24);
    input.finish()?;
    let rule = LightRule {
        yellow_days: days.unwrap_or(now.yellow_days),
        report_red_months: months.unwrap_or(now.report_red_months),
    };
    Ok(app.store.set_light_rule(Some(who.user_id), rule).await?)
}

/// The last month whose report was due by `as_of`, under the due day in force.
pub(crate) async fn last_due_month(app: &App, as_of: NaiveDate) -> AppResult<(i32, u32)> {
    let day = app.store.report_due_day().await?;
    Ok(feidi_core::schedule::last_due_month(
        as_of,
        u32::try_from(day).unwrap_or(5),
    ))
}

/// A month as text, `YYYY-MM`.
pub(crate) fn month_text((year, month): (i32, u32)) -> String {
    format!("{year:04}-{month:02}")
}

/// Sets a project's planned investment for a year (staff and admins).
pub async fn put_plan(
    app: &App,
    who: &Principal,
    project_id: i64,
    year: &str,
    body: &Map<String, Value>,
) -> AppResult<AnnualPlan> {
    project(app, who, project_id).await?;
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
    Ok(app
        .store
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
pub async fn plans(app: &App, who: &Principal, project_id: i64) -> AppResult<Vec<AnnualPlan>> {
    project(app, who, project_id).await?;
    Ok(app.store.plans(project_id).await?)
}

/// Where a project stands as of a day: its investment against plan and its lights (M3).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Progress {
    pub as_of: NaiveDate,
    pub year: i32,
    pub total_investment: feidi_core::Money,
    pub annual_plan: Option<feidi_core::Money>,
    pub year_to_date: feidi_core::Money,
    pub since_start: feidi_core::Money,
    pub pending_investment: feidi_core::Money,
    pub completion_ratio: feidi_core::Ratio,
    pub elapsed_months: u32,
    pub annual_light: Option<feidi_core::schedule::Light>,
    pub milestone_light: Option<feidi_core::schedule::Light>,
    /// Monthly reports missing by the last month due (none: it owes none yet), and their light.
    pub missing_reports: Option<u32>,
    pub last_due_month: String,
    pub reporting_light: Option<feidi_core::schedule::Light>,
    /// What blocks it (堵点): appeals escalated or overdue, disputes on its land; red while any.
    pub blockages: Vec<RedReason>,
    pub blockage_light: Option<feidi_core::schedule::Light>,
    /// The worst of the annual, milestone, reporting and blockage lights.
    pub light: Option<feidi_core::schedule::Light>,
}

pub async fn progress(app: &App, who: &Principal, project_id: i64, as_of: NaiveDate) -> AppResult<Progress> {
    let project = project(app, who, project_id).await?;
    let milestones = milestone_views(app, project_id, as_of).await?;
    let reports = app.store.reports(project_id).await?;
    progress_of(app, &project, &milestones, &reports, as_of).await
}

/// A project's progress from its record, its milestones and its reports as of the same day.
async fn progress_of(
    app: &App,
    project: &feidi_store::Project,
    milestones: &[MilestoneView],
    reports: &[feidi_store::Report],
    as_of: NaiveDate,
) -> AppResult<Progress> {
    use chrono::Datelike;
    use feidi_core::schedule::{Light, annual_light, cutoff_month, elapsed_months};
    let year = as_of.year();
    let sums = app
        .store
        .project_sums(project.id, year, &cutoff_month(as_of))
        .await?;
    let plan = app
        .store
        .plans(project.id)
        .await?
        .into_iter()
        .find(|p| p.year == i64::from(year))
        .map(|p| p.planned_investment);
    let elapsed = elapsed_months(as_of);
    let annual = annual_light(sums.year_to_date, plan, elapsed);
    let milestone = Light::worst(milestones.iter().map(|m| m.light));
    let last_due = last_due_month(app, as_of).await?;
    let last_reported = reports
        .iter()
        .filter_map(|r| feidi_core::schedule::parse_month(&r.month))
        .filter(|m| *m <= last_due)
        .max();
    let started = milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::ConstructionStarted)
        .and_then(|m| m.actual_date)
        .filter(|d| *d <= as_of);
    let missing = feidi_core::schedule::months_missing(last_reported, started, last_due);
    let rule = app.store.light_rule().await?;
    let reporting = rule.for_missing_reports(missing);
    let blockages = blockages(app, as_of, Some(project.id))
        .await?
        .remove(&project.id)
        .unwrap_or_default();
    let blockage_light = feidi_core::schedule::blockage_light(&blockages);
    Ok(Progress {
        as_of,
        year,
        total_investment: project.total_investment,
        annual_plan: plan,
        year_to_date: sums.year_to_date,
        since_start: sums.since_start,
        pending_investment: sums.pending,
        completion_ratio: feidi_core::Ratio::of(
            sums.since_start.hundredths(),
            project.total_investment.hundredths(),
        ),
        elapsed_months: elapsed,
        annual_light: annual,
        milestone_light: milestone,
        missing_reports: missing,
        last_due_month: month_text(last_due),
        reporting_light: reporting,
        light: feidi_core::schedule::with_blockages(
            Light::worst(annual.into_iter().chain(milestone).chain(reporting)),
            &blockages,
        ),
        blockages,
        blockage_light,
    })
}

/// Everything a project's page shows of its schedule, read once: milestones, progress and
/// reports, behind one access check.
pub struct ProjectOverview {
    pub milestones: Vec<MilestoneView>,
    pub progress: Progress,
    pub reports: Vec<feidi_store::Report>,
}

pub async fn project_overview(
    app: &App,
    who: &Principal,
    project_id: i64,
    as_of: NaiveDate,
) -> AppResult<ProjectOverview> {
    let project = project(app, who, project_id).await?;
    let milestones = milestone_views(app, project_id, as_of).await?;
    let reports = app.store.reports(project_id).await?;
    let progress = progress_of(app, &project, &milestones, &reports, as_of).await?;
    Ok(ProjectOverview {
        milestones,
        progress,
        reports,
    })
}

/// What blocks each project (堵点) as of a day, the project's blockage reasons by its id: the
/// appeals concerning it escalated or overdue and the disputes open on parcels supplied to it
/// (mission.md, "Blockages reach the schedule"). Judged at the end of the day, or now if that
/// is earlier: an appeal whose deadline falls later today does not block it yet.
/// Of one project, or of all.
pub(crate) async fn blockages(
    app: &App,
    as_of: NaiveDate,
    project_id: Option<i64>,
) -> AppResult<std::collections::HashMap<i64, Vec<RedReason>>> {
    let at = feidi_core::time::end_of_day(as_of).min(feidi_core::time::now());
    let (appeals, disputes) = app.store.blockage_facts(as_of, at, project_id).await?;
    let mut by_project: std::collections::HashMap<i64, Vec<RedReason>> = std::collections::HashMap::new();
    for a in &appeals {
        if let Some(reason) = feidi_core::schedule::appeal_blockage(a, at) {
            by_project.entry(a.project_id).or_default().push(reason);
        }
    }
    for d in &disputes {
        if let Some(reason) = feidi_core::schedule::dispute_blockage(d, as_of) {
            by_project.entry(d.project_id).or_default().push(reason);
        }
    }
    Ok(by_project)
}
