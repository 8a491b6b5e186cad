//! The operations the API and the pages share: each checks access in one place, parses the
//! input by the core's rules and calls the store. Handlers only translate HTTP to these.

use std::collections::HashMap;

use feidi_core::policy::{Action, Entity};
use feidi_core::{FieldError, FieldErrors, Flaw, Input, Need, input::overlay};
use feidi_store::{ListQuery, Page, SortDir, User, Val};
use serde_json::{Map, Value};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{FilterType, Kind};

pub(crate) fn require(caller: &Caller, action: Action, entity: Entity) -> ApiResult<()> {
    if caller.principal().may(action, entity) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Reads the list parameters of a query string: paging, sorting, search and the kind's filters.
pub fn list_query(
    params: &HashMap<String, String>,
    filters: &[(&str, FilterType)],
    lang: feidi_core::Lang,
) -> ApiResult<ListQuery> {
    let mut bad = Vec::new();
    let mut int = |name: &str, default: i64, max: i64| -> i64 {
        match params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => default,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    bad.push(FieldError {
                        field: name.into(),
                        flaw: Flaw::OutOfRange(1, max),
                    });
                    default
                }
            },
        }
    };
    let page = int("page", 1, i64::from(i32::MAX));
    let per_page = int("per_page", 50, 500);
    let mut query = ListQuery {
        page,
        per_page,
        ..Default::default()
    };
    for (name, kind) in filters {
        let Some(value) = params.get(*name).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
            continue;
        };
        match kind {
            FilterType::Text => query.filters.push(((*name).into(), Val::from(value))),
            FilterType::Id => match value.parse::<i64>() {
                Ok(id) => query.filters.push(((*name).into(), Val::from(id))),
                Err(_) => bad.push(FieldError {
                    field: (*name).into(),
                    flaw: Flaw::NotInteger,
                }),
            },
        }
    }
    match params.get("q").map(|q| q.trim()).filter(|q| !q.is_empty()) {
        Some(q) if q.chars().count() > 200 => bad.push(FieldError {
            field: "q".into(),
            flaw: Flaw::TooLong(200),
        }),
        q => query.q = q.map(str::to_string),
    }
    if let Some(sort) = params.get("sort").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let (desc, column) = match sort.strip_prefix('-') {
            Some(c) => (true, c),
            None => (params.get("order").is_some_and(|o| o == "desc"), sort),
        };
        query.sort = Some(column.to_string());
        query.dir = if desc { SortDir::Desc } else { SortDir::Asc };
    }
    if bad.is_empty() {
        Ok(query)
    } else {
        Err(ApiError::Invalid(FieldErrors(bad), lang))
    }
}

pub async fn list<K: Kind>(
    state: &AppState,
    caller: &Caller,
    query: &ListQuery,
) -> ApiResult<Page<K::Record>> {
    require(caller, Action::Read, K::ENTITY)?;
    state
        .store
        .list::<K::Record>(query, caller.principal().scope())
        .await
        .map_err(|e| ApiError::from_store(e, caller.lang()))
}

/// A list as its JSON answer, memoised while the table's data version stands still.
pub async fn list_json<K: Kind>(
    state: &AppState,
    caller: &Caller,
    query: &ListQuery,
) -> ApiResult<axum::body::Bytes> {
    require(caller, Action::Read, K::ENTITY)?;
    let scope = caller.principal().scope();
    // The version is read before the list, so a write racing the read can only make the memo
    // look older than it is (and be read again), never newer.
    let version = state
        .store
        .data_version(<K::Record as feidi_store::Record>::TABLE)
        .await?;
    let key = format!("{}|{scope:?}|{query:?}", K::PATH);
    if let Some(body) = state.answers.get(&key, version) {
        return Ok(body);
    }
    let page = state
        .store
        .list::<K::Record>(query, scope)
        .await
        .map_err(|e| ApiError::from_store(e, caller.lang()))?;
    let body = axum::body::Bytes::from(serde_json::to_vec(&page).map_err(ApiError::internal)?);
    state.answers.put(key, version, body.clone());
    Ok(body)
}

pub async fn get<K: Kind>(state: &AppState, caller: &Caller, id: i64) -> ApiResult<K::Record> {
    require(caller, Action::Read, K::ENTITY)?;
    state
        .store
        .get::<K::Record>(id, caller.principal().scope())
        .await
        .map_err(|e| ApiError::from_store(e, caller.lang()))
}

pub async fn create<K: Kind>(
    state: &AppState,
    caller: &Caller,
    body: &Map<String, Value>,
    idempotency_key: Option<&str>,
) -> ApiResult<(K::Record, bool)> {
    require(caller, Action::Write, K::ENTITY)?;
    let lang = caller.lang();
    let input = K::parse(body).map_err(|e| ApiError::Invalid(e, lang))?;
    state
        .store
        .create(Some(caller.user.id), &input, vec![], idempotency_key)
        .await
        .map_err(|e| ApiError::from_store(e, lang))
}

/// The `version` a change was based on: required, so that no edit silently overwrites another.
pub fn version_of(body: &Map<String, Value>, lang: feidi_core::Lang) -> ApiResult<i64> {
    let mut input = Input::new(body);
    let version = input.int("version", Need::Required, 1, i64::MAX);
    input.finish().map_err(|e| ApiError::Invalid(e, lang))?;
    version.ok_or(ApiError::BadRequest("version".into()))
}

/// Applies the fields `patch` names to the record, if `version` is still current.
pub async fn update<K: Kind>(
    state: &AppState,
    caller: &Caller,
    id: i64,
    patch: &Map<String, Value>,
) -> ApiResult<K::Record> {
    let lang = caller.lang();
    // A record the caller may not see answers 404 before any other check.
    let current = get::<K>(state, caller, id).await?;
    require(caller, Action::Write, K::ENTITY)?;
    let version = version_of(patch, lang)?;
    let mut merged = match serde_json::to_value(&current) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    overlay(&mut merged, patch);
    let input = K::parse(&merged).map_err(|e| ApiError::Invalid(e, lang))?;
    state
        .store
        .update(Some(caller.user.id), id, version, &input)
        .await
        .map_err(|e| ApiError::from_store(e, lang))
}

pub async fn delete<K: Kind>(
    state: &AppState,
    caller: &Caller,
    id: i64,
    version: Option<i64>,
) -> ApiResult<()> {
    get::<K>(state, caller, id).await?;
    require(caller, Action::Write, K::ENTITY)?;
    state
        .store
        .delete::<K::Record>(Some(caller.user.id), id, version)
        .await
        .map_err(|e| ApiError::from_store(e, caller.lang()))
}

/// Users, filtered by role or enterprise: for those who manage accounts.
pub async fn list_users(
    state: &AppState,
    caller: &Caller,
    params: &HashMap<String, String>,
) -> ApiResult<Page<User>> {
    require(caller, Action::Read, Entity::User)?;
    let filters = [("role", FilterType::Text), ("enterprise_id", FilterType::Id)];
    let query = list_query(params, &filters, caller.lang())?;
    state
        .store
        .list::<User>(&query, feidi_core::policy::Scope::All)
        .await
        .map_err(|e| ApiError::from_store(e, caller.lang()))
}

/// One user: admins see all, everyone sees themselves, and others are not known to exist.
pub async fn get_user(state: &AppState, caller: &Caller, id: i64) -> ApiResult<User> {
    feidi_app::users::get_user(&state.store, &caller.principal(), id)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// Adds a user (admins).
pub async fn create_user(
    state: &AppState,
    caller: &Caller,
    body: &Map<String, Value>,
    idempotency_key: Option<&str>,
) -> ApiResult<(User, bool)> {
    feidi_app::users::create_user(&state.store, &caller.principal(), body, idempotency_key)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// Changes a user (admins); this server forgets the credentials it trusted.
pub async fn update_user(
    state: &AppState,
    caller: &Caller,
    id: i64,
    patch: &Map<String, Value>,
) -> ApiResult<User> {
    let user = feidi_app::users::update_user(&state.store, &caller.principal(), id, patch)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))?;
    // Whatever changed (role, enterprise, active), this server trusts the old user no longer;
    // the others within the credential memo's second.
    state.credentials.clear();
    Ok(user)
}

/// Issues an API token; answers its id and its secret, shown once.
pub async fn issue_token(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
    body: &Map<String, Value>,
) -> ApiResult<(i64, String)> {
    let now = feidi_core::time::now();
    feidi_app::users::issue_token(&state.store, &caller.principal(), user_id, body, now)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// A user's API tokens.
pub async fn list_tokens(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
) -> ApiResult<Vec<feidi_store::ApiToken>> {
    feidi_app::users::list_tokens(&state.store, &caller.principal(), user_id)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// Revokes a token: this server forgets what it trusted at once, the others ask the database
/// again within a second.
pub async fn revoke_token(state: &AppState, caller: &Caller, user_id: i64, token_id: i64) -> ApiResult<()> {
    feidi_app::users::revoke_token(&state.store, &caller.principal(), user_id, token_id)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))?;
    state.credentials.clear();
    Ok(())
}

/// The programme at a glance (`GET /dashboard`). Figures of capabilities still to come are
/// present and zero.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dashboard {
    pub as_of: chrono::NaiveDate,
    pub project_count: i64,
    pub total_investment: feidi_core::Money,
    pub completed_investment: feidi_core::Money,
    pub pending_investment: feidi_core::Money,
    pub completion_ratio: feidi_core::Ratio,
    pub by_category: Vec<DashboardCategory>,
    pub lights: crate::cockpit::LightCounts,
    pub appeals: AppealCounts,
    pub land: LandFigures,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DashboardCategory {
    pub category: feidi_core::model::Category,
    pub project_count: i64,
    pub total_investment: feidi_core::Money,
    pub completed_investment: feidi_core::Money,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AppealCounts {
    pub open: i64,
    pub overdue: i64,
    pub escalated: i64,
    /// Acknowledged by their deadline, of those acknowledged.
    pub ack_on_time_rate: feidi_core::Ratio,
    /// Resolved by their deadline, of those resolved.
    pub resolve_on_time_rate: feidi_core::Ratio,
    /// Satisfied or basically satisfied, of those rated.
    pub satisfaction_rate: feidi_core::Ratio,
}

impl AppealCounts {
    pub fn of(f: &feidi_store::AppealFigures) -> Self {
        Self {
            open: f.open,
            overdue: f.overdue,
            escalated: f.escalated,
            ack_on_time_rate: feidi_core::Ratio::of(f.acknowledged_on_time, f.acknowledged),
            resolve_on_time_rate: feidi_core::Ratio::of(f.resolved_on_time, f.resolved),
            satisfaction_rate: feidi_core::Ratio::of(f.satisfied, f.rated),
        }
    }
}

/// The appeal figures now: the counts and rates kept per data version of the appeals (any
/// server's write is seen at once); the overdue count, which moves with the clock, read from
/// its index and kept for the minute.
pub async fn appeal_figures(state: &AppState) -> ApiResult<std::sync::Arc<feidi_store::AppealFigures>> {
    let now = feidi_core::time::now();
    let version = state.store.data_version("appeals").await?;
    let minute = format!("at {}", now.format("%Y-%m-%dT%H:%M"));
    if let Some(kept) = state.appeal_figures.get(&minute, version) {
        return Ok(kept);
    }
    let _one_at_a_time = state.appeal_figures_busy.lock().await;
    if let Some(kept) = state.appeal_figures.get(&minute, version) {
        return Ok(kept);
    }
    let base = match state.appeal_figures.get("all", version) {
        Some(kept) => kept,
        None => {
            let figures = std::sync::Arc::new(state.store.appeal_figures().await?);
            state.appeal_figures.put("all".into(), version, figures.clone());
            figures
        }
    };
    let overdue = state.store.overdue_count(now).await?;
    let figures = std::sync::Arc::new(feidi_store::AppealFigures {
        overdue,
        ..(*base).clone()
    });
    state.appeal_figures.put(minute, version, figures.clone());
    Ok(figures)
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LandFigures {
    pub parcel_count: i64,
    pub area_mu: feidi_core::AreaMu,
    pub delivered_area_mu: feidi_core::AreaMu,
    pub disputes_open: i64,
}

/// Reads `as_of` (default today in Shanghai).
pub fn as_of(params: &HashMap<String, String>, lang: feidi_core::Lang) -> ApiResult<chrono::NaiveDate> {
    match params.get("as_of").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(feidi_core::time::today()),
        Some(text) => feidi_core::time::parse_day(text)
            .ok_or_else(|| ApiError::Invalid(FieldErrors::one("as_of", Flaw::BadDate), lang)),
    }
}

pub async fn dashboard(state: &AppState, caller: &Caller, as_of: chrono::NaiveDate) -> ApiResult<Dashboard> {
    // The programme's totals are for those who run or oversee it, not for one enterprise.
    if caller.principal().scope() != feidi_core::policy::Scope::All {
        return Err(ApiError::Forbidden);
    }
    let c = crate::cockpit::cockpit(state, caller, as_of, feidi_store::Part::default()).await?;
    Ok(Dashboard {
        as_of,
        project_count: c.project_count,
        total_investment: c.total_investment,
        completed_investment: c.completed_investment,
        pending_investment: c.pending_investment,
        completion_ratio: c.completion_ratio,
        by_category: feidi_core::model::Category::ALL
            .iter()
            .map(|category| {
                let share = c.by_category.iter().find(|s| s.key == category.as_str());
                DashboardCategory {
                    category: *category,
                    project_count: share.map_or(0, |s| s.project_count),
                    total_investment: share.map_or(feidi_core::Money::ZERO, |s| s.total_investment),
                    completed_investment: share.map_or(feidi_core::Money::ZERO, |s| s.completed_investment),
                }
            })
            .collect(),
        lights: c.lights,
        appeals: AppealCounts::of(&*appeal_figures(state).await?),
        land: LandFigures::default(),
    })
}

/// The audit log, for admins, leaders and staff.
pub async fn audit(
    state: &AppState,
    caller: &Caller,
    params: &HashMap<String, String>,
) -> ApiResult<Page<feidi_store::AuditEntry>> {
    require(caller, Action::Read, Entity::Audit)?;
    let lang = caller.lang();
    let query = list_query(params, &[], lang)?;
    let entity_id = match params
        .get("entity_id")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| ApiError::Invalid(FieldErrors::one("entity_id", Flaw::NotInteger), lang))?,
        ),
    };
    let actor_id = match params.get("actor_id").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| ApiError::Invalid(FieldErrors::one("actor_id", Flaw::NotInteger), lang))?,
        ),
    };
    let entity = params
        .get("entity")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    Ok(state
        .store
        .audit(&feidi_store::AuditQuery {
            entity,
            entity_id,
            actor_id,
            page: query.page,
            per_page: query.per_page,
        })
        .await?)
}

pub use feidi_app::schedule::MilestoneView;

/// A project's milestones as of a day (default today).
pub async fn milestones(
    state: &AppState,
    caller: &Caller,
    project_id: i64,
    as_of: chrono::NaiveDate,
) -> ApiResult<Vec<MilestoneView>> {
    feidi_app::schedule::milestones(&state.store, &caller.principal(), project_id, as_of)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// A project's milestones judged as of a day; the caller has checked access.
async fn milestone_views(
    state: &AppState,
    project_id: i64,
    as_of: chrono::NaiveDate,
) -> ApiResult<Vec<MilestoneView>> {
    Ok(feidi_app::schedule::milestone_views(&state.store, project_id, as_of).await?)
}

/// Sets a milestone's planned and actual dates (staff and admins).
pub async fn put_milestone(
    state: &AppState,
    caller: &Caller,
    project_id: i64,
    kind: &str,
    body: &Map<String, Value>,
) -> ApiResult<MilestoneView> {
    let today = feidi_core::time::today();
    feidi_app::schedule::put_milestone(&state.store, &caller.principal(), project_id, kind, body, today)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// The light rule in force; admins change it.
pub async fn light_rule(state: &AppState, caller: &Caller) -> ApiResult<feidi_core::schedule::LightRule> {
    feidi_app::schedule::light_rule(&state.store, &caller.principal())
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

pub async fn set_light_rule(
    state: &AppState,
    caller: &Caller,
    body: &Map<String, Value>,
) -> ApiResult<feidi_core::schedule::LightRule> {
    feidi_app::schedule::set_light_rule(&state.store, &caller.principal(), body)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// The version a `PUT` may send: the one read (1 or more), or 0 for "there is none yet", so a
/// first report never replaces one that someone else sent meanwhile.
pub(crate) fn optional_version(body: &Map<String, Value>, lang: feidi_core::Lang) -> ApiResult<Option<i64>> {
    feidi_app::optional_version(body).map_err(|e| ApiError::Invalid(e, lang))
}

/// Sets a project's planned investment for a year (staff and admins).
pub async fn put_plan(
    state: &AppState,
    caller: &Caller,
    project_id: i64,
    year: &str,
    body: &Map<String, Value>,
) -> ApiResult<feidi_store::AnnualPlan> {
    feidi_app::schedule::put_plan(&state.store, &caller.principal(), project_id, year, body)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// A project's annual plans.
pub async fn plans(
    state: &AppState,
    caller: &Caller,
    project_id: i64,
) -> ApiResult<Vec<feidi_store::AnnualPlan>> {
    feidi_app::schedule::plans(&state.store, &caller.principal(), project_id)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// Submits (or corrects) a project's report of a month.
pub async fn submit_report(
    state: &AppState,
    caller: &Caller,
    project_id: i64,
    month: &str,
    body: &Map<String, Value>,
) -> ApiResult<feidi_store::Report> {
    let today = feidi_core::time::today();
    feidi_app::reports::submit_report(&state.store, &caller.principal(), project_id, month, body, today)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// Approves, returns (with a reason) or reopens (admins) a report.
pub async fn review_report(
    state: &AppState,
    caller: &Caller,
    project_id: i64,
    month: &str,
    action: &str,
    body: &Map<String, Value>,
) -> ApiResult<feidi_store::Report> {
    let today = feidi_core::time::today();
    feidi_app::reports::review_report(
        &state.store,
        &caller.principal(),
        project_id,
        month,
        action,
        body,
        today,
    )
    .await
    .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// A project's reports, newest month first.
pub async fn reports(
    state: &AppState,
    caller: &Caller,
    project_id: i64,
) -> ApiResult<Vec<feidi_store::Report>> {
    feidi_app::reports::reports(&state.store, &caller.principal(), project_id)
        .await
        .map_err(|e| ApiError::from_app(e, caller.lang()))
}

/// Where a project stands as of a day: its investment against plan and its lights (M3).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Progress {
    pub as_of: chrono::NaiveDate,
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
    /// The worst of the annual and milestone lights.
    pub light: Option<feidi_core::schedule::Light>,
}

pub async fn progress(
    state: &AppState,
    caller: &Caller,
    project_id: i64,
    as_of: chrono::NaiveDate,
) -> ApiResult<Progress> {
    let project = get::<crate::kinds::Projects>(state, caller, project_id).await?;
    let milestones = milestone_views(state, project_id, as_of).await?;
    progress_of(state, &project, &milestones, as_of).await
}

/// A project's progress from its record and its milestones as of the same day.
async fn progress_of(
    state: &AppState,
    project: &feidi_store::Project,
    milestones: &[MilestoneView],
    as_of: chrono::NaiveDate,
) -> ApiResult<Progress> {
    use chrono::Datelike;
    use feidi_core::schedule::{Light, annual_light, cutoff_month, elapsed_months};
    let year = as_of.year();
    let sums = state
        .store
        .project_sums(project.id, year, &cutoff_month(as_of))
        .await?;
    let plan = state
        .store
        .plans(project.id)
        .await?
        .into_iter()
        .find(|p| p.year == i64::from(year))
        .map(|p| p.planned_investment);
    let elapsed = elapsed_months(as_of);
    let annual = annual_light(sums.year_to_date, plan, elapsed);
    let milestone = Light::worst(milestones.iter().map(|m| m.light));
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
        light: Light::worst(annual.into_iter().chain(milestone)),
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
    state: &AppState,
    caller: &Caller,
    project_id: i64,
    as_of: chrono::NaiveDate,
) -> ApiResult<ProjectOverview> {
    let project = get::<crate::kinds::Projects>(state, caller, project_id).await?;
    let milestones = milestone_views(state, project_id, as_of).await?;
    let progress = progress_of(state, &project, &milestones, as_of).await?;
    let reports = state.store.reports(project_id).await?;
    Ok(ProjectOverview {
        milestones,
        progress,
        reports,
    })
}

/// Who owes a month's report and who sent it late (`GET /reports/due`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportsDue {
    pub month: String,
    /// The last day to submit: the configured day of the next month.
    pub due_date: chrono::NaiveDate,
    /// Whether that day has ended (Asia/Shanghai).
    pub overdue: bool,
    pub missing: Vec<feidi_store::MissingReport>,
    pub late: Vec<feidi_store::LateReport>,
}

pub async fn reports_due(
    state: &AppState,
    caller: &Caller,
    params: &HashMap<String, String>,
) -> ApiResult<ReportsDue> {
    use chrono::Datelike;
    let lang = caller.lang();
    require(caller, Action::Read, Entity::Report)?;
    if caller.principal().scope() != feidi_core::policy::Scope::All {
        return Err(ApiError::Forbidden);
    }
    let today = feidi_core::time::today();
    let month = crate::dispatch::month_param(params, lang)?;
    let (year, mon) = feidi_core::schedule::parse_month(&month).unwrap_or((today.year(), today.month()));
    let month_end = feidi_core::schedule::month_end(year, mon).unwrap_or(today);
    let due_day = state.store.report_due_day().await?;
    let (ny, nm) = if mon == 12 { (year + 1, 1) } else { (year, mon + 1) };
    let next_end = feidi_core::schedule::month_end(ny, nm).unwrap_or(today);
    let due_date =
        chrono::NaiveDate::from_ymd_opt(ny, nm, (due_day as u32).min(next_end.day())).unwrap_or(next_end);
    let due = feidi_core::time::end_of_day(due_date);
    Ok(ReportsDue {
        overdue: feidi_core::time::now() >= due,
        missing: state
            .store
            .missing_reports(&month, &month_end.to_string())
            .await?,
        late: state
            .store
            .late_reports(&month, &feidi_core::time::stamp(due))
            .await?,
        month,
        due_date,
    })
}

pub async fn set_report_due_day(
    state: &AppState,
    caller: &Caller,
    body: &Map<String, Value>,
) -> ApiResult<serde_json::Value> {
    if !caller.principal().is_admin() {
        return Err(ApiError::Forbidden);
    }
    let lang = caller.lang();
    let mut input = Input::new(body);
    let day = input.int("day", Need::Required, 1, 28);
    input.finish().map_err(|e| ApiError::Invalid(e, lang))?;
    let day = state
        .store
        .set_report_due_day(Some(caller.user.id), day.unwrap_or(5))
        .await?;
    Ok(serde_json::json!({ "day": day }))
}
