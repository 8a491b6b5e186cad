//! Outgoing webhooks over HTTP (api.md, Webhooks): the admin API for endpoints and their
//! delivery log. The services and the sender are `feidi_app::webhooks`.

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use feidi_app::webhooks;

use crate::AppState;
use crate::api::JsonBody;
use crate::auth::Api;
use crate::error::{ApiResult, ForLang};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(list).post(create))
        .route("/webhooks/{id}", get(read).patch(update).delete(remove))
        .route("/webhooks/{id}/deliveries", get(deliveries))
        .route("/settings/webhooks", get(target_setting).put(set_target_setting))
}

/// `{"allow_internal": bool}`: whether webhooks may reach the server's own network.
async fn target_setting(api: Api) -> ApiResult<Response> {
    let allow = webhooks::allow_internal(api.app(), &api.who)
        .await
        .for_lang(api.lang())?;
    Ok(Json(serde_json::json!({ "allow_internal": allow })).into_response())
}

async fn set_target_setting(api: Api, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let allow = webhooks::set_allow_internal(api.app(), &api.who, &body)
        .await
        .for_lang(api.lang())?;
    Ok(Json(serde_json::json!({ "allow_internal": allow })).into_response())
}

async fn list(api: Api) -> ApiResult<Response> {
    api.json(webhooks::list(api.app(), &api.who).await)
}

async fn create(api: Api, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let hook = webhooks::create(api.app(), &api.who, &body)
        .await
        .for_lang(api.lang())?;
    Ok((StatusCode::CREATED, Json(hook)).into_response())
}

async fn read(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(webhooks::get(api.app(), &api.who, id).await)
}

async fn update(api: Api, Path(id): Path<i64>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    api.json(webhooks::update(api.app(), &api.who, id, &body).await)
}

async fn remove(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.done(webhooks::delete(api.app(), &api.who, id).await)
}

async fn deliveries(
    api: Api,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let lang = api.lang();
    let (page, per_page) = feidi_app::appeals::page_params(&params).for_lang(lang)?;
    let log = webhooks::deliveries(api.app(), &api.who, id, page, per_page)
        .await
        .for_lang(lang)?;
    Ok(Json(log).into_response())
}
