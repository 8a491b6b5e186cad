//! The import page (M9): upload a CSV or XLSX file of projects or monthly reports; a file
//! with any bad row writes nothing, and the page lists every bad row with its line and field.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{Chrome, error_page, forbidden_page, render};
use crate::AppState;
use crate::auth::{Caller, PageCaller};
use crate::error::ApiError;
use feidi_app::imports::{ImportFailure, ImportKind, Importer, Source};

/// The largest file the page takes.
pub const UPLOAD_MAX_BYTES: usize = 64 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/imports", get(import_page).post(upload))
        .route("/imports/template/reports.csv", get(report_template))
        .route("/api/v1/imports/{kind}", axum::routing::post(api_import))
}

/// The report import's template, to fill in and send back.
async fn report_template(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    match feidi_app::imports::report_template(&state.app, &caller.principal(), feidi_core::time::today()).await {
        Ok(bytes) => (
            [
                (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    "attachment; filename=\"report-template.csv\"; filename*=UTF-8''%E6%9C%88%E6%8A%A5%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_page(&caller, ApiError::from_app(e, caller.lang())),
    }
}

/// `POST /api/v1/imports/{projects|reports}` with the file as the body (CSV or XLSX, told
/// apart by content), its name in `X-File-Name`: 201 `{kind, rows, checksum}`, or 422 with every
/// bad row in `errors` as `{line, field, message}` and nothing written.
async fn api_import(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Path(kind): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let lang = caller.lang();
    let Some(kind) = ImportKind::parse(&kind) else {
        return ApiError::NotFound.into_response();
    };
    if !may(&caller, kind) {
        return ApiError::Forbidden.into_response();
    }
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(200).collect::<String>())
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "upload".into());
    let outcome = feidi_app::imports::import(
        &state.app,
        kind,
        &name,
        Source::Bytes(body.to_vec()),
        Importer {
            actor: Some(caller.user.id),
            by: caller.user.login.clone(),
        },
        Arc::new(|_, _| {}),
    )
    .await;
    let problem = |detail: String, errors: serde_json::Value| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
            axum::Json(serde_json::json!({
                "type": "/problems/invalid",
                "title": "Invalid input",
                "status": 422,
                "detail": detail,
                "errors": errors,
            })),
        )
            .into_response()
    };
    match outcome {
        Ok(done) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({"kind": kind.as_str(), "rows": done.rows, "checksum": done.checksum})),
        )
            .into_response(),
        Err(ImportFailure::Rows { errors, bad_rows }) => problem(
            format!("{bad_rows} bad rows: nothing was imported"),
            errors
                .iter()
                .map(|e| serde_json::json!({"line": e.line, "field": e.field, "message": e.flaw.message(lang)}))
                .collect(),
        ),
        Err(ImportFailure::File(why)) => problem(
            format!("the file cannot be read: {why}"),
            serde_json::json!([{"field": "file", "message": why}]),
        ),
        Err(ImportFailure::Store(e)) => ApiError::from_store(e, lang).into_response(),
    }
}

pub struct ErrorLine {
    pub line: u64,
    pub field: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ImportPage {
    c: Chrome,
    may_projects: bool,
    may_reports: bool,
    kind: String,
    file_name: String,
    done: Option<String>,
    failure: Option<String>,
    errors: Vec<ErrorLine>,
    bad_rows: usize,
}

fn may(caller: &Caller, kind: ImportKind) -> bool {
    feidi_app::imports::may_import(&caller.principal(), kind)
}

fn page(caller: &Caller) -> ImportPage {
    ImportPage {
        c: Chrome::for_caller(caller, "imports"),
        may_projects: may(caller, ImportKind::Projects),
        may_reports: may(caller, ImportKind::Reports),
        kind: "reports".into(),
        file_name: String::new(),
        done: None,
        failure: None,
        errors: Vec::new(),
        bad_rows: 0,
    }
}

async fn import_page(PageCaller(caller): PageCaller) -> Response {
    let page = page(&caller);
    if !page.may_projects && !page.may_reports {
        return error_page(&caller, ApiError::Forbidden);
    }
    render(StatusCode::OK, &page)
}

/// Takes the form's fields: the CSRF token, the kind and the file.
async fn fields(mut form: Multipart) -> Result<(Option<String>, Option<String>, String, Vec<u8>), String> {
    let (mut csrf, mut kind, mut name, mut bytes) = (None, None, String::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(|e| e.to_string())? {
        match field.name() {
            Some("_csrf") => csrf = Some(field.text().await.map_err(|e| e.to_string())?),
            Some("kind") => kind = Some(field.text().await.map_err(|e| e.to_string())?),
            Some("file") => {
                name = field.file_name().unwrap_or_default().to_string();
                bytes = field.bytes().await.map_err(|e| e.to_string())?.to_vec();
            }
            _ => {}
        }
    }
    Ok((csrf, kind, name, bytes))
}

async fn upload(State(state): State<AppState>, PageCaller(caller): PageCaller, form: Multipart) -> Response {
    let lang = caller.lang();
    let (csrf, kind, name, bytes) = match fields(form).await {
        Ok(f) => f,
        Err(e) => return ApiError::BadRequest(e).into_response(),
    };
    if !caller.csrf_ok(csrf.as_deref()) {
        return forbidden_page(lang);
    }
    let mut view = page(&caller);
    let Some(kind) = kind.as_deref().and_then(ImportKind::parse) else {
        view.failure = Some(lang.t("import.choose_kind").into());
        return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
    };
    if !may(&caller, kind) {
        return error_page(&caller, ApiError::Forbidden);
    }
    view.kind = kind.as_str().into();
    view.file_name = name.clone();
    if bytes.is_empty() {
        view.failure = Some(lang.t("import.no_file").into());
        return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let outcome = feidi_app::imports::import(
        &state.app,
        kind,
        &name,
        Source::Bytes(bytes),
        Importer {
            actor: Some(caller.user.id),
            by: caller.user.login.clone(),
        },
        Arc::new(|_, _| {}),
    )
    .await;
    match outcome {
        Ok(done) => {
            view.done = Some(match lang {
                feidi_core::Lang::Zh => format!("已导入 {} 行（SHA-256 {}）。", done.rows, done.checksum),
                feidi_core::Lang::En => format!("Imported {} rows (SHA-256 {}).", done.rows, done.checksum),
            });
            render(StatusCode::OK, &view)
        }
        Err(ImportFailure::Rows { errors, bad_rows }) => {
            view.bad_rows = bad_rows;
            view.errors = errors
                .iter()
                .map(|e| ErrorLine {
                    line: e.line,
                    field: e.field.clone(),
                    message: e.flaw.message(lang),
                })
                .collect();
            view.failure = Some(describe_count(bad_rows, lang));
            render(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(ImportFailure::File(why)) => {
            view.failure = Some(format!("{}：{why}", lang.t("import.unreadable")));
            render(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(ImportFailure::Store(e)) => {
            tracing::error!(error = %e, "import failed");
            error_page(&caller, ApiError::from_store(e, lang))
        }
    }
}

fn describe_count(bad_rows: usize, lang: feidi_core::Lang) -> String {
    match lang {
        feidi_core::Lang::Zh => {
            format!("文件中有 {bad_rows} 行有误，未导入任何数据。请更正下列各行后重新上传。")
        }
        feidi_core::Lang::En => format!(
            "{bad_rows} rows are wrong: nothing was imported. Correct the rows below and upload again."
        ),
    }
}
