//! The programme as a whole: the dashboard's figures, the appeal figures it shares with the
//! cockpit, and who owes a month's report (with the day reports are due).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use feidi_core::model::Category;
use feidi_core::policy::{Action, Entity, Principal, Scope};
use feidi_core::{AreaMu, FieldErrors, Flaw, Input, Money, Need, Ratio};
use feidi_store::{AppealFigures, LateReport, MissingReport, Part};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::cockpit::LightCounts;
use crate::{App, AppError, AppResult, require};

/// The programme at a glance (`GET /dashboard`). Figures of capabilities still to come are
/// present and zero.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub as_of: NaiveDate,
    pub project_count: i64,
    pub total_investment: Money,
    pub completed_investment: Money,
    pub pending_investment: Money,
    pub completion_ratio: Ratio,
    pub by_category: Vec<DashboardCategory>,
    pub lights: LightCounts,
    pub appeals: AppealCounts,
    pub land: LandFigures,
}

#[derive(Debug, Clone, Serialize)]
pub struct DashboardCategory {
    pub category: Category,
    pub project_count: i64,
    pub total_investment: Money,
    pub completed_investment: Money,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AppealCounts {
    pub open: i64,
    pub overdue: i64,
    pub escalated: i64,
    /// Acknowledged by their deadline, of those acknowledged.
    pub ack_on_time_rate: Ratio,
    /// Resolved by their deadline, of those resolved.
    pub resolve_on_time_rate: Ratio,
    /// Satisfied or basically satisfied, of those rated.
    pub satisfaction_rate: Ratio,
}

impl AppealCounts {
    pub fn of(f: &AppealFigures) -> Self {
        Self {
            open: f.open,
            overdue: f.overdue,
            escalated: f.escalated,
            ack_on_time_rate: Ratio::of(f.acknowledged_on_time, f.acknowledged),
            resolve_on_time_rate: Ratio::of(f.resolved_on_time, f.resolved),
            satisfaction_rate: Ratio::of(f.satisfied, f.rated),
        }
    }
}

/// The land (M6) as of the day: how many parcels, and their 亩 by the status each is in then;
/// the disputes standing, and the days since the last was opened (or since the land's record
/// began), the "zero disputes" leaders watch.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LandFigures {
    pub parcels: i64,
    pub area_mu: LandAreas,
    pub open_disputes: i64,
    /// None before any parcel.
    pub days_without_dispute: Option<i64>,
    /// The resettlement: households and people, those moved into their new homes by the day,
    /// and the compensation due by the day against what was paid by then.
    pub households: i64,
    pub people: i64,
    pub resettled_households: i64,
    pub resettled_people: i64,
    pub compensation_due: feidi_core::Money,
    pub compensation_paid: feidi_core::Money,
    /// What the projects signed by the day need (their 用地需求), against which the land
    /// delivered and supplied is held.
    pub land_needed: AreaMu,
}

/// 亩 by pipeline status.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LandAreas {
    pub planned: AreaMu,
    pub approved: AreaMu,
    pub acquired: AreaMu,
    pub cleared: AreaMu,
    pub delivered: AreaMu,
    pub supplied: AreaMu,
}

impl LandAreas {
    /// Every parcel's area, whatever its step.
    pub fn total(&self) -> AreaMu {
        self.planned + self.approved + self.acquired + self.cleared + self.delivered + self.supplied
    }
}

impl LandFigures {
    pub fn of(by_status: &[(feidi_core::land::ParcelStatus, i64, AreaMu)]) -> Self {
        use feidi_core::land::ParcelStatus::*;
        let mut out = Self::default();
        for (status, count, area) in by_status {
            out.parcels += count;
            let slot = match status {
                Planned => &mut out.area_mu.planned,
                Approved => &mut out.area_mu.approved,
                Acquired => &mut out.area_mu.acquired,
                Cleared => &mut out.area_mu.cleared,
                Delivered => &mut out.area_mu.delivered,
                Supplied => &mut out.area_mu.supplied,
            };
            *slot += *area;
        }
        out
    }
}

/// The day a page reads the programme as of when none is asked: the programme's reference
/// day if it has one (its data stop before today), else today; and whether it was that.
pub async fn default_day(app: &App, today: NaiveDate) -> AppResult<(NaiveDate, bool)> {
    Ok(reference_or(app.store.reference_day().await?, today))
}

/// The month a page reads when none is asked (the desk's missing reports, the reports due, the
/// dispatch report): the last one ended as of the default day, so a programme reported up to
/// 2023 does not owe forty months.
pub async fn default_month(app: &App, today: NaiveDate) -> AppResult<String> {
    let (day, _) = default_day(app, today).await?;
    Ok(feidi_core::schedule::cutoff_month(day))
}

/// The reference day where it is before `today`, else `today`; and whether it was taken.
fn reference_or(reference: Option<NaiveDate>, today: NaiveDate) -> (NaiveDate, bool) {
    match reference {
        Some(day) if day < today => (day, true),
        _ => (today, false),
    }
}

/// A page's `as_of`: the one asked, else the default day; and whether the reference day was
/// taken.
pub async fn page_day(app: &App, params: &HashMap<String, String>) -> AppResult<(NaiveDate, bool)> {
    let asked = params.get("as_of").map(|s| s.trim()).filter(|s| !s.is_empty());
    let reference = match asked {
        None => app.store.reference_day().await?,
        Some(_) => None,
    };
    pick_day(params, reference)
}

/// The day asked (`as_of`, or `today`), else the reference day where it is before today, else
/// today; and whether the reference day was taken.
pub(crate) fn pick_day(
    params: &HashMap<String, String>,
    reference: Option<NaiveDate>,
) -> AppResult<(NaiveDate, bool)> {
    let today = feidi_core::time::today();
    Ok(
        match params.get("as_of").map(|s| s.trim()).filter(|s| !s.is_empty()) {
            Some("today") => (today, false),
            Some(_) => (as_of(params)?, false),
            None => reference_or(reference, today),
        },
    )
}

/// Reads `as_of` (default today in Shanghai).
pub fn as_of(params: &HashMap<String, String>) -> AppResult<NaiveDate> {
    match params.get("as_of").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(feidi_core::time::today()),
        Some(text) => {
            Ok(feidi_core::time::parse_day(text).ok_or_else(|| FieldErrors::one("as_of", Flaw::BadDate))?)
        }
    }
}

/// The programme's totals are for those who run or oversee it, not for one enterprise.
pub(crate) fn require_whole_programme(who: &Principal) -> AppResult<()> {
    if who.scope() == Scope::All {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn dashboard(app: &App, who: &Principal, as_of: NaiveDate) -> AppResult<Dashboard> {
    require_whole_programme(who)?;
    let c = crate::cockpit::cockpit(app, who, feidi_core::Lang::Zh, as_of, Part::default()).await?;
    Ok(Dashboard {
        as_of,
        project_count: c.project_count,
        total_investment: c.total_investment,
        completed_investment: c.completed_investment,
        pending_investment: c.pending_investment,
        completion_ratio: c.completion_ratio,
        by_category: Category::ALL
            .iter()
            .map(|category| {
                let share = c.by_category.iter().find(|s| s.key == category.as_str());
                DashboardCategory {
                    category: *category,
                    project_count: share.map_or(0, |s| s.project_count),
                    total_investment: share.map_or(Money::ZERO, |s| s.total_investment),
                    completed_investment: share.map_or(Money::ZERO, |s| s.completed_investment),
                }
            })
            .collect(),
        lights: c.lights,
        appeals: AppealCounts::of(&*appeal_figures(app).await?),
        // Built with the cockpit it comes from, and kept with it (parcels and disputes are
        // among its sources): a dashboard request reads no land table.
        land: c.land.clone(),
    })
}

/// The land's figures as of a day.
pub async fn land_figures(app: &App, as_of: NaiveDate) -> AppResult<LandFigures> {
    let mut land = LandFigures::of(&app.store.land_by_status(as_of).await?);
    let (open, last) = app.store.disputes_on(as_of).await?;
    land.open_disputes = open;
    let since = match last {
        Some(day) => Some(day),
        None => app.store.first_land_day().await?,
    };
    land.days_without_dispute = since.map(|d| (as_of - d).num_days().max(0));
    let resettled = feidi_store::VillageTotals::total(&app.store.resettlement_by_village(as_of).await?);
    land.households = resettled.households;
    land.people = resettled.people;
    land.resettled_households = resettled.resettled_households;
    land.resettled_people = resettled.resettled_people;
    land.compensation_due = resettled.compensation_due;
    land.compensation_paid = resettled.compensation_paid;
    land.land_needed = app.store.land_needed(as_of).await?;
    Ok(land)
}

/// The appeal figures now: the counts and rates kept per data version of the appeals (any
/// server's write is seen at once); the overdue count, which moves with the clock, read from
/// its index and kept for the minute.
pub async fn appeal_figures(app: &App) -> AppResult<Arc<AppealFigures>> {
    let now = feidi_core::time::now();
    let version = app.store.data_version("appeals").await?;
    let minute = format!("at {}", now.format("%Y-%m-%dT%H:%M"));
    if let Some(kept) = app.appeal_figures.get(&minute, version) {
        return Ok(kept);
    }
    let _one_at_a_time = app.appeal_figures_busy.lock().await;
    if let Some(kept) = app.appeal_figures.get(&minute, version) {
        return Ok(kept);
    }
    let base = match app.appeal_figures.get("all", version) {
        Some(kept) => kept,
        None => {
            let figures = Arc::new(app.store.appeal_figures().await?);
            app.appeal_figures.put("all".into(), version, figures.clone());
            figures
        }
    };
    let overdue = app.store.overdue_count(now).await?;
    let figures = Arc::new(AppealFigures {
        overdue,
        ..(*base).clone()
    });
    app.appeal_figures.put(minute, version, figures.clone());
    Ok(figures)
}

/// Who owes a month's report and who sent it late (`GET /reports/due`).
#[derive(Debug, Clone, Serialize)]
pub struct ReportsDue {
    pub month: String,
    /// The last day to submit: the configured day of the next month.
    pub due_date: NaiveDate,
    /// Whether that day has ended (Asia/Shanghai).
    pub overdue: bool,
    pub missing: Vec<MissingReport>,
    pub late: Vec<LateReport>,
}

/// The reports due for `month` (`month=YYYY-MM`, default the last month that has ended).
pub async fn reports_due(
    app: &App,
    who: &Principal,
    params: &HashMap<String, String>,
) -> AppResult<ReportsDue> {
    require(who, Action::Read, Entity::Report)?;
    require_whole_programme(who)?;
    let today = feidi_core::time::today();
    let month = crate::dispatch::report_month(params.get("month").map(String::as_str))?;
    let (year, mon) = feidi_core::schedule::parse_month(&month).unwrap_or((today.year(), today.month()));
    let month_end = feidi_core::schedule::month_end(year, mon).unwrap_or(today);
    let due_day = app.store.report_due_day().await?;
    let (ny, nm) = if mon == 12 { (year + 1, 1) } else { (year, mon + 1) };
    let next_end = feidi_core::schedule::month_end(ny, nm).unwrap_or(today);
    let due_date = NaiveDate::from_ymd_opt(ny, nm, (due_day as u32).min(next_end.day())).unwrap_or(next_end);
    let due = feidi_core::time::end_of_day(due_date);
    Ok(ReportsDue {
        overdue: feidi_core::time::now() >= due,
        missing: app.store.missing_reports(&month, &month_end.to_string()).await?,
        late: app
            .store
            .late_reports(&month, &feidi_core::time::stamp(due))
            .await?,
        month,
        due_date,
    })
}

/// The programme's rules that admins set: how late a milestone stays yellow, how many missing
/// monthly reports make a project red, and the day of the month reports are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rules {
    pub yellow_days: i64,
    pub report_red_months: i64,
    pub report_due_day: i64,
}

/// The rules in force; anyone who sees projects may read them.
pub async fn rules(app: &App, who: &Principal) -> AppResult<Rules> {
    require(who, Action::Read, Entity::Project)?;
    let light = app.store.light_rule().await?;
    Ok(Rules {
        yellow_days: light.yellow_days,
        report_red_months: light.report_red_months,
        report_due_day: app.store.report_due_day().await?,
    })
}

/// Changes the rules (admins): every field checked first, then all saved together.
pub async fn set_rules(app: &App, who: &Principal, body: &Map<String, Value>) -> AppResult<Rules> {
    if !who.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut input = Input::new(body);
    let yellow_days = input.int("yellow_days", Need::Required, 0, 366);
    let report_red_months = input.int("report_red_months", Need::Required, 1, 24);
    let report_due_day = input.int("report_due_day", Need::Required, 1, 28);
    input.finish()?;
    let now = rules(app, who).await?;
    let rule = feidi_core::schedule::LightRule {
        yellow_days: yellow_days.unwrap_or(now.yellow_days),
        report_red_months: report_red_months.unwrap_or(now.report_red_months),
    };
    app.store
        .set_programme_rules(
            Some(who.user_id),
            rule,
            report_due_day.unwrap_or(now.report_due_day),
        )
        .await?;
    rules(app, who).await
}

/// The day of the next month by which a month's report is due.
/// Anyone signed in may know it.
pub async fn report_due_day(app: &App) -> AppResult<i64> {
    Ok(app.store.report_due_day().await?)
}

/// Sets the day reports are due (admins).
pub async fn set_report_due_day(app: &App, who: &Principal, body: &Map<String, Value>) -> AppResult<i64> {
    if !who.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut input = Input::new(body);
    let day = input.int("day", Need::Required, 1, 28);
    input.finish()?;
    Ok(app
        .store
        .set_report_due_day(Some(who.user_id), day.unwrap_or(5))
        .await?)
}
