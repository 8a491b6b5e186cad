//! Enterprise appeals (M5) over HTTP: appeals and their actions, the inbox, the calendar, the
//! categories, officials' absences and task force members. The services are
//! `feidi_app::appeals`; here a request becomes a call and its answer a response.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use feidi_app::appeals;

use crate::AppState;
use crate::api::JsonBody;
use crate::auth::Caller;
use crate::error::{ApiResult, ForLang, json};

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

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let lang = caller.lang();
    let filter = appeals::appeal_filter(&params).for_lang(lang)?;
    let page = appeals::list(&state.app, &caller.principal(), &filter, feidi_core::time::now())
        .await
        .for_lang(lang)?;
    Ok(Json(page).into_response())
}

async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let key = crate::api::idempotency_key(&headers);
    let now = feidi_core::time::now();
    let (appeal, created) = appeals::submit(&state.app, &caller.principal(), &body, key.as_deref(), now)
        .await
        .for_lang(caller.lang())?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(appeal)).into_response())
}

async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    json(&caller, appeals::get(&state.app, &caller.principal(), id).await)
}

async fn events(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    json(
        &caller,
        appeals::events(&state.app, &caller.principal(), id).await,
    )
}

async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(i64, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let now = feidi_core::time::now();
    json(
        &caller,
        appeals::act(&state.app, &caller.principal(), id, &action, &body, now).await,
    )
}

async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let lang = caller.lang();
    let (page, per_page) = appeals::page_params(&params).for_lang(lang)?;
    let inbox = appeals::inbox(&state.app, &caller.principal(), page, per_page)
        .await
        .for_lang(lang)?;
    Ok(Json(&inbox.page).into_response())
}

async fn categories(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    json(
        &caller,
        appeals::categories(&state.app, &caller.principal()).await,
    )
}

async fn put_category(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    json(
        &caller,
        appeals::put_category(&state.app, &caller.principal(), &key, &body).await,
    )
}

async fn calendar(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    json(
        &caller,
        appeals::calendar_days(&state.app, &caller.principal(), &params).await,
    )
}

async fn put_day(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    json(
        &caller,
        appeals::put_calendar_day(&state.app, &caller.principal(), &date, &body).await,
    )
}

async fn delete_day(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
) -> ApiResult<Response> {
    appeals::delete_calendar_day(&state.app, &caller.principal(), &date)
        .await
        .for_lang(caller.lang())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn absences(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    json(
        &caller,
        appeals::absences_of(&state.app, &caller.principal(), id).await,
    )
}

async fn add_absence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let absence = appeals::record_absence(&state.app, &caller.principal(), id, &body)
        .await
        .for_lang(caller.lang())?;
    Ok((StatusCode::CREATED, Json(absence)).into_response())
}

async fn delete_absence(
    State(state): State<AppState>,
    caller: Caller,
    Path((user_id, id)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    appeals::remove_absence(&state.app, &caller.principal(), user_id, id)
        .await
        .for_lang(caller.lang())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn absences_between(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let today = feidi_core::time::today();
    json(
        &caller,
        appeals::absences_between(&state.app, &caller.principal(), &params, today).await,
    )
}

async fn stats(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let lang = caller.lang();
    let stats = appeals::statistics(&state.app, &caller.principal(), &params, lang)
        .await
        .for_lang(lang)?;
    Ok(Json(stats).into_response())
}

async fn members(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    json(
        &caller,
        appeals::members(&state.app, &caller.principal(), id).await,
    )
}

/// 201 when added, 200 when already on it; either way the members as they are now.
async fn add_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, user_id)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    let (lang, who) = (caller.lang(), caller.principal());
    let added = appeals::add_member(&state.app, &who, id, user_id)
        .await
        .for_lang(lang)?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let list = appeals::members(&state.app, &who, id).await.for_lang(lang)?;
    Ok((status, Json(list)).into_response())
}

async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, user_id)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    appeals::remove_member(&state.app, &caller.principal(), id, user_id)
        .await
        .for_lang(caller.lang())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
