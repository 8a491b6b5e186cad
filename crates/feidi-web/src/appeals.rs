//! Enterprise appeals (M5) over HTTP: appeals and their actions, the inbox, the calendar, the
//! categories, officials' absences and task force members. The services are
//! `feidi_app::appeals`; here a request becomes a call and its answer a response.

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use feidi_app::appeals;

use crate::AppState;
use crate::api::JsonBody;
use crate::auth::Api;
use crate::error::{ApiResult, ForLang};

/// The routes that take files, given a larger body limit than the others (see `router`).
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/appeals/{id}/attachments", get(attachments).post(attach))
}

/// The body limit of an upload: the largest file and room for the form around it.
pub const UPLOAD_MAX_BYTES: usize = feidi_core::attachments::MAX_BYTES + 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/appeals/{id}/attachments/{attachment_id}", get(attachment))
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

async fn list(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let lang = api.lang();
    let filter = appeals::appeal_filter(&params).for_lang(lang)?;
    let page = appeals::list(api.app(), &api.who, &filter, feidi_core::time::now())
        .await
        .for_lang(lang)?;
    Ok(Json(page).into_response())
}

async fn submit(api: Api, headers: HeaderMap, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let key = crate::api::idempotency_key(&headers);
    let now = feidi_core::time::now();
    api.made(appeals::submit(api.app(), &api.who, &body, key.as_deref(), now).await)
}

async fn read(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(appeals::get(api.app(), &api.who, id).await)
}

async fn events(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(appeals::events(api.app(), &api.who, id).await)
}

async fn act(
    api: Api,
    Path((id, action)): Path<(i64, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let now = feidi_core::time::now();
    api.json(appeals::act(api.app(), &api.who, id, &action, &body, now).await)
}

async fn inbox(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let lang = api.lang();
    let (page, per_page) = appeals::page_params(&params).for_lang(lang)?;
    let inbox = appeals::inbox(api.app(), &api.who, page, per_page)
        .await
        .for_lang(lang)?;
    Ok(Json(&inbox.page).into_response())
}

async fn categories(api: Api) -> ApiResult<Response> {
    api.json(appeals::categories(api.app(), &api.who).await)
}

async fn put_category(api: Api, Path(key): Path<String>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    api.json(appeals::put_category(api.app(), &api.who, &key, &body).await)
}

async fn calendar(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    api.json(appeals::calendar_days(api.app(), &api.who, &params).await)
}

async fn put_day(api: Api, Path(date): Path<String>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    api.json(appeals::put_calendar_day(api.app(), &api.who, &date, &body).await)
}

async fn delete_day(api: Api, Path(date): Path<String>) -> ApiResult<Response> {
    api.done(appeals::delete_calendar_day(api.app(), &api.who, &date).await)
}

async fn absences(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(appeals::absences_of(api.app(), &api.who, id).await)
}

async fn add_absence(api: Api, Path(id): Path<i64>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let absence = appeals::record_absence(api.app(), &api.who, id, &body)
        .await
        .for_lang(api.lang())?;
    Ok((StatusCode::CREATED, Json(absence)).into_response())
}

async fn delete_absence(api: Api, Path((user_id, id)): Path<(i64, i64)>) -> ApiResult<Response> {
    api.done(appeals::remove_absence(api.app(), &api.who, user_id, id).await)
}

async fn absences_between(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let today = feidi_core::time::today();
    api.json(appeals::absences_between(api.app(), &api.who, &params, today).await)
}

async fn stats(api: Api, Query(params): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let lang = api.lang();
    let stats = appeals::statistics(api.app(), &api.who, &params, lang)
        .await
        .for_lang(lang)?;
    Ok(Json(stats).into_response())
}

async fn members(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(appeals::members(api.app(), &api.who, id).await)
}

/// 201 when added, 200 when already on it; either way the members as they are now.
async fn add_member(api: Api, Path((id, user_id)): Path<(i64, i64)>) -> ApiResult<Response> {
    let (lang, who) = (api.lang(), api.who.clone());
    let added = appeals::add_member(api.app(), &who, id, user_id)
        .await
        .for_lang(lang)?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let list = appeals::members(api.app(), &who, id).await.for_lang(lang)?;
    Ok((status, Json(list)).into_response())
}

async fn remove_member(api: Api, Path((id, user_id)): Path<(i64, i64)>) -> ApiResult<Response> {
    api.done(appeals::remove_member(api.app(), &api.who, id, user_id).await)
}

/// The one file of a multipart form's `file` field, with the name it was sent under.
pub(crate) async fn file_field(
    mut form: axum::extract::Multipart,
) -> Result<(String, Vec<u8>, HashMap<String, String>), String> {
    let (mut name, mut bytes, mut text) = (String::new(), Vec::new(), HashMap::new());
    while let Some(field) = form.next_field().await.map_err(|e| e.to_string())? {
        match field.name().map(str::to_string) {
            Some(f) if f == "file" => {
                name = field.file_name().unwrap_or_default().to_string();
                bytes = field.bytes().await.map_err(|e| e.to_string())?.to_vec();
            }
            Some(f) => {
                text.insert(f, field.text().await.map_err(|e| e.to_string())?);
            }
            None => {}
        }
    }
    Ok((name, bytes, text))
}

async fn attach(api: Api, Path(id): Path<i64>, form: axum::extract::Multipart) -> ApiResult<Response> {
    let (name, bytes, _) = file_field(form)
        .await
        .map_err(crate::error::ApiError::BadRequest)?;
    api.created(appeals::attach(api.app(), &api.who, id, &name, bytes, feidi_core::time::now()).await)
}

async fn attachments(api: Api, Path(id): Path<i64>) -> ApiResult<Response> {
    api.json(appeals::attachments(api.app(), &api.who, id).await)
}

/// A file's bytes; `?size=thumb` asks for a photo's small copy (a JPEG at most 320 px a side),
/// and answers the file itself where there is none.
async fn attachment(
    api: Api,
    Path((id, attachment_id)): Path<(i64, i64)>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let thumb = params.get("size").is_some_and(|s| s == "thumb");
    let (file, bytes, is_thumb) =
        api.ok(appeals::attachment(api.app(), &api.who, id, attachment_id, thumb).await)?;
    Ok(file_response(&file, bytes, is_thumb))
}

/// A kept file as its checked type: images shown in the page, anything else downloaded, and
/// a type that is not one of those taken (a row written by hand) only as bytes to save.
pub(crate) fn file_response(file: &feidi_store::Attachment, bytes: Vec<u8>, thumb: bool) -> Response {
    use axum::http::header;
    use feidi_core::attachments::FileKind;
    let kind = if thumb {
        Some(FileKind::Jpeg)
    } else {
        FileKind::from_content_type(&file.content_type)
    };
    let (content_type, disposition) = match kind {
        Some(k) if k.is_image() => (k.content_type(), "inline"),
        Some(k) => (k.content_type(), "attachment"),
        None => ("application/octet-stream", "attachment"),
    };
    let ascii: String = file
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::pages::url_encode(&file.name)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-cache".to_string()),
        ],
        bytes,
    )
        .into_response()
}
