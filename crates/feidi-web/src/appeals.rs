//! Enterprise appeals (M5) over HTTP: appeals and their actions, the inbox, the calendar, the
//! categories and officials' absences. Access is checked here (the per-appeal rules in the
//! store's transaction, with the appeal as it is then); input is parsed by the core's rules.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use feidi_core::appeals::{AppealStatus, MAX_RESOLVE_WORKING_DAYS, Rating};
use feidi_core::calendar::DayKind;
use feidi_core::policy::{Action, Entity};
use feidi_core::{FieldErrors, Flaw, Input, Lang, Need};
use feidi_store::{AppealAction, AppealFilter, NewAppeal};
use serde_json::{Map, Value, json};

pub use feidi_app::calendar::{CalendarRowError, parse_calendar_csv};

use crate::AppState;
use crate::api::JsonBody;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::service::require;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/appeals", get(list).post(submit))
        .route("/appeals/stats", get(stats))
        .route("/appeals/{id}", get(read))
        .route("/appeals/{id}/events", get(events))
        .route("/appeals/{id}/{action}", post(act))
        .route("/inbox", get(inbox))
        .route("/appeal-categories", get(categories))
        .route("/appeal-categories/{key}", put(put_category))
        .route("/calendar", get(calendar))
        .route("/calendar/{date}", put(put_day).delete(delete_day))
        .route("/users/{id}/absences", get(absences).post(add_absence))
        .route(
            "/users/{id}/absences/{absence_id}",
            axum::routing::delete(delete_absence),
        )
        .route("/absences", get(absences_between))
        .route("/task-forces/{id}/members", get(members))
        .route(
            "/task-forces/{id}/members/{user_id}",
            put(add_member).delete(remove_member),
        )
}

fn invalid(lang: Lang) -> impl Fn(FieldErrors) -> ApiError {
    move |e| ApiError::Invalid(e, lang)
}

/// Reads a new appeal. An enterprise user submits for its own enterprise; `submitted_at` in
/// the past is for admins loading history.
pub fn parse_new_appeal(body: &Map<String, Value>, caller: &Caller) -> ApiResult<NewAppeal> {
    let lang = caller.lang();
    let mut input = Input::new(body);
    let own = caller.principal().own_enterprise();
    let enterprise_id = match own {
        Some(own) => {
            if input
                .id("enterprise_id", Need::Optional)
                .is_some_and(|e| e != own)
            {
                input.flag(
                    "enterprise_id",
                    Flaw::Rule("只能为本企业提交诉求", "must be your own enterprise"),
                );
            }
            Some(own)
        }
        None => input.id("enterprise_id", Need::Required),
    };
    let project_id = input.id("project_id", Need::Optional);
    let category = input.text("category", Need::Required, 40);
    let title = input.text("title", Need::Required, 200);
    let description = input.text("description", Need::Required, 5000);
    let submitted_at = match body.get("submitted_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(value) => {
            let at = value.as_str().and_then(feidi_core::time::parse_sane_instant);
            match at {
                None => {
                    input.flag(
                        "submitted_at",
                        Flaw::Rule(
                            "须为带时区的时间，如 2023-09-28T10:00:00+08:00，年份在 1900 到 2200 之间",
                            "must be an RFC 3339 instant with offset, e.g. 2023-09-28T10:00:00+08:00, in a year from 1900 to 2200",
                        ),
                    );
                    None
                }
                Some(_) if !caller.principal().may_backdate_appeals() => {
                    input.flag(
                        "submitted_at",
                        Flaw::Rule(
                            "只有管理员可录入历史诉求的提交时间",
                            "only admins may set it (to load historical appeals)",
                        ),
                    );
                    None
                }
                Some(at) if at > feidi_core::time::now() => {
                    input.flag(
                        "submitted_at",
                        Flaw::Rule("不能晚于当前时间", "must not be in the future"),
                    );
                    None
                }
                at => at,
            }
        }
    };
    input.finish().map_err(invalid(lang))?;
    Ok(NewAppeal {
        enterprise_id: enterprise_id.unwrap_or_default(),
        project_id,
        category: category.unwrap_or_default(),
        title: title.unwrap_or_default(),
        description: description.unwrap_or_default(),
        submitted_at,
    })
}

/// Submits an appeal (enterprise users for their own enterprise; staff, leaders and admins
/// on an enterprise's behalf). The same `Idempotency-Key` answers the same appeal.
pub async fn submit_appeal(
    state: &AppState,
    caller: &Caller,
    body: &Map<String, Value>,
    key: Option<&str>,
) -> ApiResult<(feidi_store::Appeal, bool)> {
    let lang = caller.lang();
    require(caller, Action::Write, Entity::Appeal)?;
    let input = parse_new_appeal(body, caller)?;
    state
        .store
        .submit_appeal(Some(caller.user.id), input, key.map(str::to_string))
        .await
        .map_err(|e| ApiError::from_store(e, lang))
}

/// Reads an action's body into what the store applies.
pub fn parse_action(action: &str, body: &Map<String, Value>, lang: Lang) -> ApiResult<AppealAction> {
    let mut input = Input::new(body);
    let parsed = match action {
        "acknowledge" => AppealAction::Acknowledge,
        "return" => AppealAction::Return {
            reason: input.text("reason", Need::Required, 1000).unwrap_or_default(),
        },
        "reassign" => AppealAction::Reassign {
            to: input.id("handler_id", Need::Required).unwrap_or_default(),
            note: input.text("note", Need::Optional, 1000),
        },
        "resolve" => AppealAction::Resolve {
            resolution: input.text("resolution", Need::Required, 5000).unwrap_or_default(),
        },
        "rate" => {
            let rating = input.one_of(
                "rating",
                Need::Required,
                &["satisfied", "basically_satisfied", "unsatisfied"],
                Rating::parse,
            );
            AppealAction::Rate {
                rating: rating.unwrap_or(Rating::Satisfied),
                comment: input.text("comment", Need::Optional, 1000),
            }
        }
        "reopen" => AppealAction::Reopen {
            reason: input.text("reason", Need::Required, 1000).unwrap_or_default(),
        },
        _ => return Err(ApiError::NotFound),
    };
    input.finish().map_err(invalid(lang))?;
    Ok(parsed)
}

pub async fn act_on_appeal(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: &str,
    body: &Map<String, Value>,
) -> ApiResult<feidi_store::Appeal> {
    let lang = caller.lang();
    require(caller, Action::Read, Entity::Appeal)?;
    let action = parse_action(action, body, lang)?;
    let version = crate::service::optional_version(body, lang)?;
    state
        .store
        .act_on_appeal(caller.principal(), id, version, action)
        .await
        .map_err(|e| ApiError::from_store(e, lang))
}

/// A list's filters and page from a query string.
pub fn appeal_filter(params: &HashMap<String, String>, lang: Lang) -> ApiResult<AppealFilter> {
    let map: Map<String, Value> = params
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let mut input = Input::new(&map);
    let status = input.one_of(
        "status",
        Need::Optional,
        &["submitted", "acknowledged", "resolved", "closed", "reopened"],
        AppealStatus::parse,
    );
    let handler_id = input.id("handler_id", Need::Optional);
    let enterprise_id = input.id("enterprise_id", Need::Optional);
    let flag = |input: &mut Input<'_>, name: &str| {
        input.one_of(name, Need::Optional, &["true", "false"], |v| Some(v == "true")) == Some(true)
    };
    let overdue = flag(&mut input, "overdue");
    let escalated = flag(&mut input, "escalated");
    let page = input.int("page", Need::Optional, 1, i64::MAX).unwrap_or(1);
    let per_page = input.int("per_page", Need::Optional, 1, 500).unwrap_or(50);
    input.finish().map_err(invalid(lang))?;
    Ok(AppealFilter {
        status,
        handler_id,
        enterprise_id,
        overdue,
        escalated,
        page,
        per_page,
    })
}

/// The page parameters of an inbox: 50 to a page unless asked otherwise.
pub fn page_params(params: &HashMap<String, String>, lang: Lang) -> ApiResult<(i64, i64)> {
    let map: Map<String, Value> = params
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "page" | "per_page"))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let mut input = Input::new(&map);
    let page = input.int("page", Need::Optional, 1, i64::MAX).unwrap_or(1);
    let per_page = input.int("per_page", Need::Optional, 1, 500).unwrap_or(50);
    input.finish().map_err(invalid(lang))?;
    Ok((page, per_page))
}

/// An official's inbox page with the names it shows.
pub struct Inbox {
    pub page: feidi_store::Page<feidi_store::Appeal>,
    pub enterprises: HashMap<i64, String>,
    pub handlers: HashMap<i64, String>,
}

/// The caller's inbox: the open appeals they handle, by deadline. Kept in memory while the
/// data versions of appeals, enterprises and users stand still (one small query tells, so
/// another app server's write is seen at once); the time left is worked out when shown.
pub async fn caller_inbox(
    state: &AppState,
    caller: &Caller,
    page: i64,
    per_page: i64,
) -> ApiResult<std::sync::Arc<Inbox>> {
    let Some(scope) = caller.principal().inbox() else {
        return Err(ApiError::Forbidden);
    };
    let leader = scope.supervision;
    // Read before the inbox, so a racing write can only make the memo look older than it is.
    let version = state
        .store
        .data_versions(&["appeals", "enterprises", "users"])
        .await?;
    let key = format!("{}|{leader}|{page}|{per_page}", caller.user.id);
    if let Some(kept) = state.inboxes.get(&key, version) {
        return Ok(kept);
    }
    let found = state.store.inbox(caller.user.id, leader, page, per_page).await?;
    let enterprise_ids: Vec<i64> = found.items.iter().map(|a| a.enterprise_id).collect();
    let handler_ids: Vec<i64> = found.items.iter().filter_map(|a| a.handler_id).collect();
    let inbox = std::sync::Arc::new(Inbox {
        enterprises: state
            .store
            .names_of(feidi_store::Named::Enterprises, &enterprise_ids)
            .await?,
        handlers: state
            .store
            .names_of(feidi_store::Named::Users, &handler_ids)
            .await?,
        page: found,
    });
    state.inboxes.put(key, version, inbox.clone());
    Ok(inbox)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    require(&caller, Action::Read, Entity::Appeal)?;
    let filter = appeal_filter(&params, caller.lang())?;
    let page = state.store.appeals(&filter, caller.principal().scope()).await?;
    Ok(Json(page).into_response())
}

async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let key = crate::api::idempotency_key(&headers);
    let (appeal, created) = submit_appeal(&state, &caller, &body, key.as_deref()).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(appeal)).into_response())
}

async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    require(&caller, Action::Read, Entity::Appeal)?;
    let appeal = state.store.appeal(id, caller.principal().scope()).await?;
    Ok(Json(appeal).into_response())
}

async fn events(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    require(&caller, Action::Read, Entity::Appeal)?;
    let events = state.store.appeal_events(id, caller.principal().scope()).await?;
    Ok(Json(events).into_response())
}

async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(i64, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    Ok(Json(act_on_appeal(&state, &caller, id, &action, &body).await?).into_response())
}

async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (page, per_page) = page_params(&params, caller.lang())?;
    let inbox = caller_inbox(&state, &caller, page, per_page).await?;
    Ok(Json(&inbox.page).into_response())
}

async fn categories(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    require(&caller, Action::Read, Entity::Calendar)?;
    Ok(Json(state.store.appeal_categories().await?).into_response())
}

/// A category key: lower-case letters, digits and `_`, as the API's other codes.
fn category_key(key: &str, lang: Lang) -> ApiResult<String> {
    let ok = !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(key.to_string())
    } else {
        Err(ApiError::Invalid(
            FieldErrors::one(
                "key",
                Flaw::Rule(
                    "须为小写字母、数字或下划线，最长40个字符",
                    "must be lower-case letters, digits or _, at most 40 characters",
                ),
            ),
            lang,
        ))
    }
}

pub async fn put_appeal_category(
    state: &AppState,
    caller: &Caller,
    key: &str,
    body: &Map<String, Value>,
) -> ApiResult<feidi_store::AppealCategory> {
    let lang = caller.lang();
    require(caller, Action::Write, Entity::Calendar)?;
    let key = category_key(key, lang)?;
    let mut input = Input::new(body);
    let name = input.text("name", Need::Required, 40);
    // Absent: left as it is; null or empty: none (English pages then fall back).
    let name_en = if body.contains_key("name_en") {
        Some(input.text("name_en", Need::Optional, 40))
    } else {
        None
    };
    let days = input.int(
        "resolve_working_days",
        Need::Required,
        1,
        i64::from(MAX_RESOLVE_WORKING_DAYS),
    );
    input.finish().map_err(invalid(lang))?;
    let version = crate::service::optional_version(body, lang)?;
    state
        .store
        .put_appeal_category(
            Some(caller.user.id),
            key,
            name.unwrap_or_default(),
            name_en,
            u32::try_from(days.unwrap_or(1)).unwrap_or(1),
            version,
        )
        .await
        .map_err(|e| ApiError::from_store(e, lang))
}

async fn put_category(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    Ok(Json(put_appeal_category(&state, &caller, &key, &body).await?).into_response())
}

fn date_of(text: &str, field: &str, lang: Lang) -> ApiResult<NaiveDate> {
    feidi_core::time::parse_day(text)
        .ok_or_else(|| ApiError::Invalid(FieldErrors::one(field, Flaw::BadDate), lang))
}

async fn calendar(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    require(&caller, Action::Read, Entity::Calendar)?;
    let year = match params.get("year") {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1900..=9999).contains(y))
                .ok_or_else(|| {
                    ApiError::Invalid(
                        FieldErrors::one("year", Flaw::OutOfRange(1900, 9999)),
                        caller.lang(),
                    )
                })?,
        ),
    };
    Ok(Json(state.store.calendar_days(year).await?).into_response())
}

/// Marks one date a holiday or a workday (admins).
pub async fn put_calendar_day(
    state: &AppState,
    caller: &Caller,
    date: &str,
    body: &Map<String, Value>,
) -> ApiResult<feidi_store::CalendarDay> {
    let lang = caller.lang();
    require(caller, Action::Write, Entity::Calendar)?;
    let day = date_of(date, "date", lang)?;
    let mut input = Input::new(body);
    let kind = input.one_of("kind", Need::Required, &["holiday", "workday"], DayKind::parse);
    let name = input.text("name", Need::Optional, 40);
    input.finish().map_err(invalid(lang))?;
    let version = crate::service::optional_version(body, lang)?;
    let kind = kind.unwrap_or(DayKind::Holiday);
    state
        .store
        .put_calendar_days(
            Some(caller.user.id),
            vec![(day, kind, name)],
            version,
            format!("{date} marked {}", kind.as_str()),
        )
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    let year = day.format("%Y").to_string().parse().ok();
    let days = state.store.calendar_days(year).await?;
    days.into_iter()
        .find(|d| d.date == date)
        .ok_or(ApiError::NotFound)
}

async fn put_day(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    Ok(Json(put_calendar_day(&state, &caller, &date, &body).await?).into_response())
}

pub async fn delete_calendar_day(state: &AppState, caller: &Caller, date: &str) -> ApiResult<()> {
    let lang = caller.lang();
    require(caller, Action::Write, Entity::Calendar)?;
    let day = date_of(date, "date", lang)?;
    Ok(state.store.delete_calendar_day(Some(caller.user.id), day).await?)
}

async fn delete_day(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
) -> ApiResult<Response> {
    delete_calendar_day(&state, &caller, &date).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn absences(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    if caller.user.id != id {
        require(&caller, Action::Read, Entity::Organisation)?;
    }
    Ok(Json(state.store.absences_of(id).await?).into_response())
}

/// Records an absence; the answer warns of enterprises whose A and B would both be away.
pub async fn record_absence(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
    body: &Map<String, Value>,
) -> ApiResult<Value> {
    let lang = caller.lang();
    if !caller.principal().may_keep_absences_of(user_id) {
        return Err(ApiError::Forbidden);
    }
    let mut input = Input::new(body);
    let from = input.date("from", Need::Required);
    let to = input.date("to", Need::Required);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        input.flag("to", Flaw::Rule("不能早于开始日期", "must not be before from"));
    }
    let reason = input.text("reason", Need::Required, 200);
    input.finish().map_err(invalid(lang))?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::BadRequest("from, to".into()));
    };
    let (absence, clashes) = state
        .store
        .add_absence(
            Some(caller.user.id),
            user_id,
            from,
            to,
            reason.unwrap_or_default(),
        )
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    let mut value = serde_json::to_value(&absence).map_err(ApiError::internal)?;
    if let Value::Object(map) = &mut value {
        map.insert("warnings".into(), json!(clashes));
    }
    Ok(value)
}

async fn add_absence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    Ok((
        StatusCode::CREATED,
        Json(record_absence(&state, &caller, id, &body).await?),
    )
        .into_response())
}

pub async fn remove_absence(state: &AppState, caller: &Caller, user_id: i64, id: i64) -> ApiResult<()> {
    if !caller.principal().may_keep_absences_of(user_id) {
        return Err(ApiError::Forbidden);
    }
    Ok(state
        .store
        .delete_absence(Some(caller.user.id), user_id, id)
        .await?)
}

async fn delete_absence(
    State(state): State<AppState>,
    caller: Caller,
    Path((user_id, id)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    remove_absence(&state, &caller, user_id, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn absences_between(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    require(&caller, Action::Read, Entity::Organisation)?;
    let lang = caller.lang();
    let today = feidi_core::time::today();
    let from = match params.get("from") {
        Some(f) => date_of(f, "from", lang)?,
        None => today,
    };
    let to = match params.get("to") {
        Some(t) => date_of(t, "to", lang)?,
        None => from + chrono::Duration::days(31),
    };
    Ok(Json(state.store.absences_between(from, to).await?).into_response())
}

/// One group of the statistics with its rates, as the API and the cockpit show it.
fn group_json(g: &feidi_store::AppealGroup, name: Option<&str>) -> Value {
    let mut value = json!({
        "key": g.key,
        "total": g.total,
        "open": g.open,
        "returns": g.returns,
        "ack_on_time_rate": feidi_core::Ratio::of(g.acknowledged_on_time, g.acknowledged),
        "resolve_on_time_rate": feidi_core::Ratio::of(g.resolved_on_time, g.resolved),
        "satisfaction_rate": feidi_core::Ratio::of(g.satisfied, g.rated),
    });
    if let (Some(name), Value::Object(map)) = (name, &mut value) {
        map.insert("name".into(), Value::String(name.to_string()));
    }
    value
}

/// Appeal statistics by category, official and month of submission, for appeals submitted in
/// `from..=to` (leaders, staff, admins).
pub async fn appeal_statistics(
    state: &AppState,
    caller: &Caller,
    params: &HashMap<String, String>,
) -> ApiResult<Value> {
    let lang = caller.lang();
    require(caller, Action::Read, Entity::Organisation)?;
    let from = params.get("from").map(|f| date_of(f, "from", lang)).transpose()?;
    let to = params.get("to").map(|t| date_of(t, "to", lang)).transpose()?;
    let stats = state.store.appeal_stats(from, to).await?;
    let ids: Vec<i64> = stats
        .by_official
        .iter()
        .filter_map(|g| g.key.parse().ok())
        .collect();
    let names = state.store.names_of(feidi_store::Named::Users, &ids).await?;
    Ok(json!({
        "from": from,
        "to": to,
        "by_category": stats.by_category.iter().map(|g| group_json(g, None)).collect::<Vec<_>>(),
        "by_official": stats.by_official.iter().map(|g| {
            let name = g.key.parse::<i64>().ok().and_then(|id| names.get(&id).cloned());
            let mut v = group_json(g, Some(name.as_deref().unwrap_or(lang.t("appeal.leaders"))));
            if let Value::Object(map) = &mut v {
                map.insert("official_id".into(), g.key.parse::<i64>().ok().map_or(Value::Null, Value::from));
            }
            v
        }).collect::<Vec<_>>(),
        "by_month": stats.by_month.iter().map(|g| group_json(g, None)).collect::<Vec<_>>(),
    }))
}

async fn stats(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    Ok(Json(appeal_statistics(&state, &caller, &params).await?).into_response())
}

async fn members(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    require(&caller, Action::Read, Entity::Organisation)?;
    Ok(Json(state.store.task_force_members(id).await?).into_response())
}

/// Puts an official on a task force: 201 when added, 200 when already on it.
pub async fn put_member(state: &AppState, caller: &Caller, id: i64, user_id: i64) -> ApiResult<bool> {
    require(caller, Action::Write, Entity::Organisation)?;
    Ok(state
        .store
        .add_task_force_member(Some(caller.user.id), id, user_id)
        .await?)
}

async fn add_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, user_id)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    let added = put_member(&state, &caller, id, user_id).await?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(state.store.task_force_members(id).await?)).into_response())
}

pub async fn take_member_off(state: &AppState, caller: &Caller, id: i64, user_id: i64) -> ApiResult<()> {
    require(caller, Action::Write, Entity::Organisation)?;
    Ok(state
        .store
        .remove_task_force_member(Some(caller.user.id), id, user_id)
        .await?)
}

async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, user_id)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    take_member_off(&state, &caller, id, user_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
