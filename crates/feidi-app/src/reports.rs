//! Monthly investment reports (M3): submitted by reporters, enterprises and staff, reviewed
//! (approved, or returned with a reason) by staff, reopened by admins — each step as core's
//! lifecycle allows, on a project the caller may see.

use chrono::{DateTime, FixedOffset, NaiveDate};
use feidi_core::policy::{Action, Entity, Principal};
use feidi_core::schedule::ReportInput;
use feidi_core::{Input, Need};
use feidi_store::{Project, Report, Review};
use serde_json::{Map, Value};

use crate::{App, AppError, AppResult, optional_version, require};

/// A project the caller may read (others answer not found).
pub async fn project(app: &App, who: &Principal, id: i64) -> AppResult<Project> {
    require(who, Action::Read, Entity::Project)?;
    Ok(app.store.get::<Project>(id, who.scope()).await?)
}

/// A report month `YYYY-MM` that has begun by `today`.
fn month_of(text: &str, today: NaiveDate) -> AppResult<String> {
    let (y, m) = feidi_core::schedule::report_month(text, today)?;
    Ok(format!("{y:04}-{m:02}"))
}

/// Submits (or corrects) a project's report of `month` at `now` (whether it is late is judged
/// on that instant); an approved one is locked.
pub async fn submit_report(
    app: &App,
    who: &Principal,
    project_id: i64,
    month: &str,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<Report> {
    project(app, who, project_id).await?;
    require(who, Action::Write, Entity::Report)?;
    let month = month_of(month, feidi_core::time::day_of(now))?;
    let input = ReportInput::parse(body)?;
    let version = optional_version(body)?;
    Ok(app
        .store
        .submit_report(Some(who.user_id), project_id, month, &input, version, now)
        .await?)
}

/// Approves, returns (with a reason) or reopens (admins) a report; `action` names which.
pub async fn review_report(
    app: &App,
    who: &Principal,
    project_id: i64,
    month: &str,
    action: &str,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<Report> {
    project(app, who, project_id).await?;
    let month = month_of(month, feidi_core::time::day_of(now))?;
    let decision = match action {
        "approve" => Review::Approve,
        "return" => {
            let mut input = Input::new(body);
            let reason = input.text("reason", Need::Required, 1000);
            input.finish()?;
            Review::Return(reason.unwrap_or_default())
        }
        "reopen" if who.may_reopen_reports() => Review::Reopen,
        "reopen" => return Err(AppError::Forbidden),
        _ => return Err(AppError::NotFound),
    };
    if decision != Review::Reopen {
        require(who, Action::Review, Entity::Report)?;
    }
    Ok(app
        .store
        .review_report(Some(who.user_id), project_id, month, decision, now)
        .await?)
}

/// A project's reports, newest month first.
pub async fn reports(app: &App, who: &Principal, project_id: i64) -> AppResult<Vec<Report>> {
    project(app, who, project_id).await?;
    Ok(app.store.reports(project_id).await?)
}

/// The reports of a status (default: awaiting review, oldest sent first; `approved`,
/// `returned` or `all`: newest month first), with their project: a reviewer's queue (`GET /reports?status=submitted`, filters `month`,
/// `project_id`, `zone_id`). An enterprise's user sees its own projects' reports only.
pub async fn queue(
    app: &App,
    who: &Principal,
    params: &std::collections::HashMap<String, String>,
) -> AppResult<feidi_store::Page<feidi_store::QueuedReport>> {
    require(who, Action::Read, Entity::Report)?;
    let map = feidi_core::input::query_fields(params);
    let mut input = Input::new(&map);
    // `all` is the page's tab for those who follow their reports rather than review them.
    let every = params.get("status").is_some_and(|s| s == "all");
    let status = if every {
        None
    } else {
        input
            .one_of(
                "status",
                Need::Optional,
                &["submitted", "approved", "returned", "all"],
                feidi_store::ReportStatus::parse,
            )
            .or(Some(feidi_store::ReportStatus::Submitted))
    };
    let month = input.text("month", Need::Optional, 7);
    if let Some(m) = &month
        && feidi_core::schedule::parse_month(m).is_none()
    {
        input.flag("month", feidi_core::Flaw::Rule("须为 YYYY-MM", "must be YYYY-MM"));
    }
    let project_id = input.id("project_id", Need::Optional);
    let zone_id = input.id("zone_id", Need::Optional);
    let page = input
        .int("page", Need::Optional, 1, i64::from(i32::MAX))
        .unwrap_or(1);
    let per_page = input.int("per_page", Need::Optional, 1, 500).unwrap_or(50);
    input.finish()?;
    let filter = feidi_store::ReportFilter {
        status,
        month,
        project_id,
        zone_id,
        page,
        per_page,
    };
    Ok(app.store.report_queue(&filter, who.scope()).await?)
}

/// Whether a month's amount looks like a slip of the keyboard or of the unit (core's
/// `schedule::implausible`): against what remains of the project's investment before that
/// month, and the year's plan. For the page to ask the reporter to confirm; the API accepts
/// what it is sent.
pub async fn check_amount(
    app: &App,
    who: &Principal,
    project_id: i64,
    month: &str,
    amount: feidi_core::Money,
    now: DateTime<FixedOffset>,
) -> AppResult<Option<feidi_core::schedule::Implausible>> {
    let project = project(app, who, project_id).await?;
    let month = month_of(month, feidi_core::time::day_of(now))?;
    let Some((year, mon)) = feidi_core::schedule::parse_month(&month) else {
        return Ok(None);
    };
    let before = if mon == 1 {
        format!("{:04}-12", year - 1)
    } else {
        format!("{year:04}-{:02}", mon - 1)
    };
    let sums = app.store.project_sums(project_id, year, &before).await?;
    let plan = app
        .store
        .plans(project_id)
        .await?
        .into_iter()
        .find(|p| p.year == i64::from(year))
        .map(|p| p.planned_investment);
    let done = sums.since_start + sums.pending;
    Ok(feidi_core::schedule::implausible(
        amount,
        project.total_investment,
        done,
        plan,
    ))
}
