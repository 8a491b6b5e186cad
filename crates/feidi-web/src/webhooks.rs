//! Outgoing webhooks (api.md, Webhooks): the admin API for endpoints and their delivery log,
//! and the sender that any app server runs. Deliveries are queued by the store with each
//! appeal event; the sender claims due ones (the first claim fixes the body, with the appeal
//! as it stands then), POSTs those exact bytes signed with HMAC-SHA256 under the endpoint's
//! secret, and records every attempt.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use feidi_core::appeals::EventKind;
use feidi_core::{Flaw, Input, Lang, Need};
use feidi_store::{Store, WebhookInput};
use serde_json::{Map, Value};

pub use feidi_app::webhooks::{client, deliver_due, run_sender, signature};

use crate::AppState;
use crate::api::JsonBody;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(list).post(create))
        .route("/webhooks/{id}", get(read).patch(update).delete(remove))
        .route("/webhooks/{id}/deliveries", get(deliveries))
        .route("/settings/webhooks", get(target_setting).put(set_target_setting))
}

/// `{"allow_internal": bool}`: whether webhooks may reach the server's own network.
async fn target_setting(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    admin(&caller)?;
    let allow = state.store.webhooks_allow_internal().await?;
    Ok(Json(serde_json::json!({ "allow_internal": allow })).into_response())
}

async fn set_target_setting(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    admin(&caller)?;
    let Some(allow) = body.get("allow_internal").and_then(Value::as_bool) else {
        return Err(ApiError::Invalid(
            feidi_core::FieldErrors::one(
                "allow_internal",
                Flaw::Rule("须为 true 或 false", "must be true or false"),
            ),
            caller.lang(),
        ));
    };
    let allow = state
        .store
        .set_webhooks_allow_internal(Some(caller.user.id), allow)
        .await?;
    Ok(Json(serde_json::json!({ "allow_internal": allow })).into_response())
}

/// Webhooks are for admins only, in the API and on the pages.
pub(crate) fn admin(caller: &Caller) -> ApiResult<()> {
    if caller.principal().is_admin() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Reads an endpoint's settings; on an update a missing secret keeps the stored one. A URL
/// naming the server's own network is refused unless an admin allows such targets.
pub async fn parse_webhook(
    store: &Store,
    body: &Map<String, Value>,
    creating: bool,
    lang: Lang,
) -> ApiResult<WebhookInput> {
    let allow_internal = store.webhooks_allow_internal().await?;
    let mut input = Input::new(body);
    let url = input.text("url", Need::Required, 2000).unwrap_or_default();
    if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        input.flag(
            "url",
            Flaw::Rule(
                "须以 https:// 或 http:// 开头",
                "must start with https:// or http://",
            ),
        );
    } else if !url.is_empty() {
        match feidi_app::webhooks::host_of(&url) {
            None => input.flag(
                "url",
                Flaw::Rule("不是有效的网址", "is not a valid URL"),
            ),
            Some(host) if !allow_internal && feidi_app::webhooks::names_internal(&host) => input.flag(
                "url",
                Flaw::Rule(
                    "指向本机或内部网络（回环、链路本地、私有地址）；如确需推送到内网，请管理员先开启“允许内网地址”",
                    "points at this server's own or a private network (loopback, link-local, private addresses); an admin must first allow internal targets",
                ),
            ),
            Some(_) => {}
        }
    }
    let need = if creating { Need::Required } else { Need::Optional };
    let secret = input.text("secret", need, 200);
    if secret.as_ref().is_some_and(|s| s.chars().count() < 16) {
        input.flag(
            "secret",
            Flaw::Rule("至少16个字符", "must be at least 16 characters"),
        );
    }
    let mut events = Vec::new();
    match body.get("events") {
        Some(Value::Array(list)) if !list.is_empty() => {
            for item in list {
                match item.as_str().and_then(EventKind::parse) {
                    Some(kind) => events.push(kind.as_str().to_string()),
                    None => {
                        input.flag(
                            "events",
                            Flaw::Rule(
                                "须为办理过程的环节，如 submitted、acknowledged、escalated",
                                "must be timeline kinds such as submitted, acknowledged, escalated",
                            ),
                        );
                        break;
                    }
                }
            }
        }
        _ => input.flag("events", Flaw::Required),
    }
    events.dedup();
    let active = match body.get("active") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            input.flag(
                "active",
                Flaw::Rule("须为 true 或 false", "must be true or false"),
            );
            true
        }
    };
    input.finish().map_err(|e| ApiError::Invalid(e, lang))?;
    Ok(WebhookInput {
        url,
        secret,
        events,
        active,
    })
}

async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    admin(&caller)?;
    Ok(Json(state.store.webhooks().await?).into_response())
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    admin(&caller)?;
    let input = parse_webhook(&state.store, &body, true, caller.lang()).await?;
    let hook = state.store.create_webhook(Some(caller.user.id), input).await?;
    Ok((StatusCode::CREATED, Json(hook)).into_response())
}

async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    admin(&caller)?;
    Ok(Json(state.store.webhook(id).await?).into_response())
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    admin(&caller)?;
    let lang = caller.lang();
    let version = crate::service::version_of(&body, lang)?;
    let input = parse_webhook(&state.store, &body, false, lang).await?;
    let hook = state
        .store
        .update_webhook(Some(caller.user.id), id, version, input)
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    Ok(Json(hook).into_response())
}

async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    admin(&caller)?;
    state.store.delete_webhook(Some(caller.user.id), id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    admin(&caller)?;
    let (page, per_page) = crate::appeals::page_params(&params, caller.lang())?;
    Ok(Json(state.store.deliveries(id, page, per_page).await?).into_response())
}
