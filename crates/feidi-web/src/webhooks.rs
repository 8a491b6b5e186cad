//! Outgoing webhooks over HTTP (api.md, Webhooks): the admin API for endpoints and their
//! delivery log. The services and the sender are `feidi_app::webhooks`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use feidi_app::webhooks;

use crate::AppState;
use crate::api::JsonBody;
use crate::auth::Caller;
use crate::error::{ApiResult, ForLang, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(list).post(create))
        .route("/webhooks/{id}", get(read).patch(update).delete(remove))
        .route("/webhooks/{id}/deliveries", get(deliveries))
        .route("/settings/webhooks", get(target_setting).put(set_target_setting))
}

/// `{"allow_internal": bool}`: whether webhooks may reach the server's own network.
async fn target_setting(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let allow = webhooks::allow_internal(&state.app, &caller.principal())
        .await
        .for_lang(caller.lang())?;
    Ok(Json(serde_json::json!({ "allow_internal": allow })).into_response())
}

async fn set_target_setting(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let allow = webhooks::set_allow_internal(&state.app, &caller.principal(), &body)
        .await
        .for_lang(caller.lang())?;
    Ok(Json(serde_json::json!({ "allow_internal": allow })).into_response())
}

async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    json(&caller, webhooks::list(&state.app, &caller.principal()).await)
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let hook = webhooks::create(&state.app, &caller.principal(), &body)
        .await
        .for_lang(caller.lang())?;
    Ok((StatusCode::CREATED, Json(hook)).into_response())
}

async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    json(&caller, webhooks::get(&state.app, &caller.principal(), id).await)
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    json(
        &caller,
        webhooks::update(&state.app, &caller.principal(), id, &body).await,
    )
}

async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    webhooks::delete(&state.app, &caller.principal(), id)
        .await
        .for_lang(caller.lang())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let lang = caller.lang();
    let (page, per_page) = feidi_app::appeals::page_params(&params).for_lang(lang)?;
    let log = webhooks::deliveries(&state.app, &caller.principal(), id, page, per_page)
        .await
        .for_lang(lang)?;
    Ok(Json(log).into_response())
}
