//! The JSON API under `/api/v1` (see the shared api.md): translation between HTTP and the
//! service operations, nothing more.

use std::collections::HashMap;

use axum::extract::{FromRequest, Path, Query, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::auth::{Api, Caller};
use crate::error::{ApiError, ApiResult, ForLang};
use feidi_app::kinds::{
    Disputes, Enterprises, Households, Jurisdictions, Kind, Parcels, Projects, Stages, TaskForces, Zones,
};
use feidi_app::{programme, registry, reports, schedule, users};

/// A JSON object body; anything else is a 400 that says what was wrong.
pub struct JsonBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::BadRequest(format!("could not read the body: {e}")))?;
        if bytes.is_empty() {
            return Ok(Self(Map::new()));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => match nul_field(&map) {
                Some(field) => Err(ApiError::Invalid(
                    feidi_core::FieldErrors::one(&field, feidi_core::Flaw::Nul),
                    feidi_core::Lang::default(),
                )),
                None => Ok(Self(map)),
            },
            Ok(_) => Err(ApiError::BadRequest("the body must be a JSON object".into())),
            Err(e) => Err(ApiError::BadRequest(format!("the body is not valid JSON: {e}"))),
        }
    }
}

/// The first field of a body whose name or text, at any depth, holds a NUL character: no
/// person types one, and PostgreSQL cannot store it.
fn nul_field(map: &Map<String, Value>) -> Option<String> {
    fn holds_nul(value: &Value) -> bool {
        match value {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().any(holds_nul),
            Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
            _ => false,
        }
    }
    map.iter()
        .find(|(k, v)| k.contains('\0') || holds_nul(v))
        .map(|(k, _)| k.replace('\0', "\\0"))
}

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().chars().take(200).collect::<String>())
        .filter(|v| !v.is_empty())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/dashboard", get(dashboard))
        .route("/cockpit", get(cockpit))
        .route("/exports/dispatch", get(export_dispatch))
        .route("/audit", get(audit))
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", get(read_user).patch(update_user))
        .route("/users/{id}/tokens", get(list_tokens).post(issue_token))
        .route(
            "/users/{id}/tokens/{token_id}",
            axum::routing::delete(revoke_token),
        )
        .route("/projects/{id}/milestones", get(list_milestones))
        .route(
            "/projects/{id}/milestones/{kind}",
            axum::routing::put(put_milestone),
        )
        .route("/settings/light-rule", get(light_rule).put(set_light_rule))
        .route("/projects/{id}/progress", get(progress))
        .route("/reports", get(report_queue))
        .route("/reports/due", get(reports_due))
        .route(
            "/settings/report-due-day",
            get(report_due_day).put(set_report_due_day),
        )
        .route("/projects/{id}/plans", get(list_plans))
        .route("/projects/{id}/plans/{year}", axum::routing::put(put_plan))
        .route("/projects/{id}/reports", get(list_reports))
        .route(
            "/projects/{id}/reports/{month}",
            axum::routing::put(submit_report),
        )
        .route("/projects/{id}/reports/{month}/{action}", post(review_report))
        .merge(crud::<Jurisdictions>())
        .merge(crud::<Zones>())
        .merge(crud::<Enterprises>())
        .merge(crud::<Projects>())
        .merge(crud::<Stages>())
        .merge(crud::<TaskForces>())
        .merge(crud::<Parcels>())
        .route("/parcels.geojson", get(parcels_geojson))
        .route("/parcels/{id}/steps", get(parcel_steps).post(parcel_step))
        .route("/parcels/{id}/split", post(split_parcel))
        .route("/parcels/{id}/lineage", get(parcel_lineage))
        .route("/parcels/merge", post(merge_parcels))
        .merge(crud::<Disputes>())
        .route("/disputes/{id}/{action}", post(dispute_action))
        .merge(crud::<Households>())
        .route(
            "/households/{id}/compensations",
            get(compensations).post(add_compensation),
        )
        .route("/households/{id}/compensations/{cid}/pay", post(pay_compensation))
        .route("/households/{id}/id-number", get(reveal_id_number))
        .route("/resettlement", get(resettlement))
        .merge(crate::appeals::routes())
        .merge(crate::webhooks::routes())
        .fallback(|| async { ApiError::NotFound })
}

/// The five routes of one registry kind.
fn crud<K: Kind>() -> Router<AppState> {
    Router::new()
        .route(&format!("/{}", K::PATH), get(list::<K>).post(create::<K>))
        .route(
            &format!("/{}/{{id}}", K::PATH),
            get(read::<K>).patch(update::<K>).delete(remove::<K>),
        )
}

async fn list<K: Kind>(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let query = registry::list_query(&params, K::FILTERS).for_lang(api.lang())?;
    let body = registry::list_json::<K>(api.app(), &api.who, &query)
        .await
        .for_lang(api.lang())?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn read<K: Kind>(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(registry::get::<K>(api.app(), &api.who, id).await)
}

async fn create<K: Kind>(api: Api, headers: HeaderMap, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let key = idempotency_key(&headers);
    api.made(registry::create::<K>(api.app(), &api.who, &body, key.as_deref()).await)
        .map_err(taken_conflicts::<K>)
}

async fn update<K: Kind>(api: Api, Path(id): Path<i64>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    api.json(registry::update::<K>(api.app(), &api.who, id, &body).await)
        .map_err(taken_conflicts::<K>)
}

/// A refusal whose every field is a unique value already taken, as 409 where the kind's
/// contract says so.
fn taken_conflicts<K: Kind>(err: ApiError) -> ApiError {
    match err {
        ApiError::Invalid(errors, lang)
            if K::TAKEN_CONFLICTS && errors.0.iter().all(|e| e.flaw == feidi_core::Flaw::Taken) =>
        {
            ApiError::Taken(errors, lang)
        }
        other => other,
    }
}

async fn remove<K: Kind>(
    api: Api,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let version = match params.get("version") {
        None => None,
        Some(v) => Some(v.parse::<i64>().map_err(|_| {
            ApiError::Invalid(
                feidi_core::FieldErrors::one("version", feidi_core::Flaw::NotInteger),
                api.lang(),
            )
        })?),
    };
    api.done(registry::delete::<K>(api.app(), &api.who, id, version).await)
}

async fn me(caller: Caller) -> Json<feidi_store::User> {
    Json(caller.user)
}

async fn list_users(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    api.json(registry::list_users(api.app(), &api.who, &params).await)
}

async fn create_user(api: Api, headers: HeaderMap, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let key = idempotency_key(&headers);
    api.made(users::create_user(api.app(), &api.who, &body, key.as_deref()).await)
}

async fn read_user(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(users::get_user(api.app(), &api.who, id).await)
}

async fn update_user(api: Api, Path(id): Path<i64>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    api.json(users::update_user(api.app(), &api.who, id, &body).await)
}

async fn issue_token(api: Api, Path(id): Path<i64>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let (token_id, token) = users::issue_token(api.app(), &api.who, id, &body, feidi_core::time::now())
        .await
        .for_lang(api.lang())?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": token_id, "token": token })),
    )
        .into_response())
}

async fn list_tokens(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(users::list_tokens(api.app(), &api.who, id).await)
}

async fn revoke_token(api: Api, Path((id, token_id)): Path<(i64, i64)>) -> ApiResult<Response> {
    api.done(users::revoke_token(api.app(), &api.who, id, token_id).await)
}

async fn dashboard(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let as_of = programme::as_of(&params).for_lang(api.lang())?;
    api.json(programme::dashboard(api.app(), &api.who, as_of).await)
}

async fn cockpit(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let as_of = programme::as_of(&params).for_lang(api.lang())?;
    let lang = api.lang();
    let part = feidi_app::cockpit::part(&params).for_lang(lang)?;
    let cockpit = feidi_app::cockpit::cockpit(api.app(), &api.who, lang, as_of, part)
        .await
        .for_lang(lang)?;
    Ok(Json(&*cockpit).into_response())
}

/// The monthly dispatch report: an Excel workbook (`format=xlsx`, the default) or JSON.
async fn export_dispatch(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let lang = api.lang();
    let month = crate::dispatch::month_param(&params, lang)?;
    let format = params.get("format").map(String::as_str).unwrap_or("xlsx");
    if !matches!(format, "xlsx" | "json") {
        return Err(ApiError::Invalid(
            feidi_core::FieldErrors::one("format", feidi_core::Flaw::OneOf(&["xlsx", "json"])),
            lang,
        ));
    }
    let report = crate::dispatch::dispatch(&api.state, &api.caller, &month).await?;
    if format == "json" {
        return Ok(Json(report).into_response());
    }
    let bytes = crate::dispatch::workbook(&report, lang).map_err(ApiError::internal)?;
    Ok(crate::dispatch::xlsx_response(
        bytes,
        &format!("dispatch-{month}.xlsx"),
    ))
}

async fn audit(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    api.json(registry::audit(api.app(), &api.who, &params).await)
}

async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

async fn list_milestones(
    api: Api,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let as_of = programme::as_of(&params).for_lang(api.lang())?;
    api.json(schedule::milestones(api.app(), &api.who, id, as_of).await)
}

async fn put_milestone(
    api: Api,
    Path((id, kind)): Path<(i64, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    api.json(schedule::put_milestone(api.app(), &api.who, id, &kind, &body, feidi_core::time::today()).await)
}

async fn light_rule(api: Api) -> ApiResult<Response> {
    api.json(schedule::light_rule(api.app(), &api.who).await)
}

async fn set_light_rule(api: Api, JsonBody(body): JsonBody) -> ApiResult<Response> {
    api.json(schedule::set_light_rule(api.app(), &api.who, &body).await)
}

async fn list_plans(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(schedule::plans(api.app(), &api.who, id).await)
}

async fn put_plan(
    api: Api,
    Path((id, year)): Path<(i64, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    api.json(schedule::put_plan(api.app(), &api.who, id, &year, &body).await)
}

async fn list_reports(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(reports::reports(api.app(), &api.who, id).await)
}

async fn submit_report(
    api: Api,
    Path((id, month)): Path<(i64, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    api.json(reports::submit_report(api.app(), &api.who, id, &month, &body, feidi_core::time::now()).await)
}

async fn parcel_step(api: Api, Path(id): Path<i64>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    api.json(feidi_app::land::step(api.app(), &api.who, id, &body, feidi_core::time::now()).await)
}

async fn dispute_action(
    api: Api,
    Path((id, action)): Path<(i64, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    api.json(
        feidi_app::land::dispute_action(api.app(), &api.who, id, &action, &body, feidi_core::time::now())
            .await,
    )
}

async fn compensations(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(feidi_app::resettlement::compensations(api.app(), &api.who, id).await)
}

async fn add_compensation(api: Api, Path(id): Path<i64>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let now = feidi_core::time::now();
    let made = feidi_app::resettlement::add_compensation(api.app(), &api.who, id, &body, now).await;
    api.made(made.map(|c| (c, true)))
}

async fn pay_compensation(
    api: Api,
    Path((id, cid)): Path<(i64, i64)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let now = feidi_core::time::now();
    api.json(feidi_app::resettlement::pay(api.app(), &api.who, id, cid, &body, now).await)
}

/// An admin's look at a household's whole ID number: audited, and never kept by a cache.
async fn reveal_id_number(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    let number = feidi_app::resettlement::reveal_id_number(api.app(), &api.who, id)
        .await
        .for_lang(api.lang())?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(json!({ "id": id, "id_number": number })),
    )
        .into_response())
}

async fn resettlement(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let as_of = programme::as_of(&params).for_lang(api.lang())?;
    api.json(feidi_app::resettlement::by_village(api.app(), &api.who, as_of).await)
}

async fn split_parcel(api: Api, Path(id): Path<i64>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let parts = feidi_app::land::split(api.app(), &api.who, id, &body, feidi_core::time::now()).await;
    api.made(parts.map(|parts| (json!({ "parts": parts }), true)))
}

async fn merge_parcels(api: Api, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let merged = feidi_app::land::merge(api.app(), &api.who, &body, feidi_core::time::now()).await;
    api.made(merged.map(|parcel| (parcel, true)))
}

async fn parcel_lineage(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(feidi_app::land::lineage(api.app(), &api.who, id).await)
}

async fn parcel_steps(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(feidi_app::land::steps(api.app(), &api.who, id).await)
}

/// The parcels as GeoJSON, typed as such so that a GIS opens the download directly.
async fn parcels_geojson(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let collection = feidi_app::land::geojson(api.app(), &api.who, &params)
        .await
        .for_lang(api.lang())?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        collection,
    )
        .into_response())
}

async fn review_report(
    api: Api,
    Path((id, month, action)): Path<(i64, String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    api.json(
        reports::review_report(
            api.app(),
            &api.who,
            id,
            &month,
            &action,
            &body,
            feidi_core::time::now(),
        )
        .await,
    )
}

async fn progress(
    api: Api,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let as_of = programme::as_of(&params).for_lang(api.lang())?;
    api.json(schedule::progress(api.app(), &api.who, id, as_of).await)
}

async fn report_queue(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    api.json(reports::queue(api.app(), &api.who, &params).await)
}

async fn reports_due(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    api.json(programme::reports_due(api.app(), &api.who, &params).await)
}

async fn report_due_day(api: Api) -> ApiResult<Response> {
    let day = programme::report_due_day(api.app()).await.for_lang(api.lang())?;
    Ok(Json(json!({ "day": day })).into_response())
}

async fn set_report_due_day(api: Api, JsonBody(body): JsonBody) -> ApiResult<Response> {
    api.json(programme::set_report_due_day(api.app(), &api.who, &body).await)
}
