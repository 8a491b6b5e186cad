//! Administration pages: users (admins) and the audit log (admins, leaders, staff).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use feidi_core::model::Role;
use feidi_core::{FieldErrors, Lang};
use feidi_store::NameList;
use serde_json::{Map, Value};

use super::registry::{Cell, FormBuilder, FormPage, Header, ListPage, Lookups, href_with, refill};
use super::{Chrome, error_page, render};
use crate::AppState;
use crate::auth::{Caller, FormInput, PageCaller};
use crate::error::{ApiError, ForLang};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(users))
        .route("/users/new", get(new_user).post(create_user))
        .route("/users/{id}", get(edit_user))
        .route("/users/{id}/edit", get(edit_user).post(update_user))
        .route("/audit", get(audit))
        .route("/reports", get(reports_due))
}

fn roles(lang: Lang) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), r.label(lang).to_string()))
        .collect()
}

async fn users(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let result = async {
        let lang = caller.lang();
        let page = feidi_app::registry::list_users(&state.app, &caller.principal(), &params)
            .await
            .for_lang(caller.lang())?;
        let lookups = Lookups::load(&state, &caller, &[NameList::Enterprises]).await?;
        let values: Map<String, Value> = params
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let mut filters = FormBuilder::new(&values, None, lang);
        filters.field("q", "list.search", "text", false);
        filters.select("role", "field.role", false, roles(lang));
        let headers = [
            "field.login",
            "field.user_name",
            "field.role",
            "field.enterprise",
            "field.active",
        ]
        .iter()
        .map(|k| Header {
            label: lang.t(k),
            sort_href: None,
            arrow: "",
            numeric: false,
        })
        .collect();
        let rows = page
            .items
            .iter()
            .map(|u| {
                vec![
                    Cell::link(u.login.clone(), format!("/users/{}/edit", u.id)),
                    Cell::text(u.name.clone()),
                    Cell::text(u.role.label(lang)),
                    Cell::text(
                        u.enterprise_id
                            .map(|id| lookups.name(NameList::Enterprises, id))
                            .unwrap_or_default(),
                    ),
                    Cell::text(if u.active {
                        lang.t("word.yes")
                    } else {
                        lang.t("word.no")
                    }),
                ]
            })
            .collect();
        let pages = page.pages();
        Ok(render(
            StatusCode::OK,
            &ListPage {
                c: Chrome::for_caller(&caller, "users"),
                title: lang.t("nav.users"),
                new_href: Some("/users/new".into()),
                filters: filters.fields,
                headers,
                rows,
                total: page.total,
                page: page.page,
                pages,
                prev_href: (page.page > 1)
                    .then(|| href_with("users", &params, "page", &(page.page - 1).to_string())),
                next_href: (page.page < pages)
                    .then(|| href_with("users", &params, "page", &(page.page + 1).to_string())),
            },
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&caller, e))
}

async fn user_form(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    id: Option<i64>,
    values: &Map<String, Value>,
    errors: Option<&FieldErrors>,
    banner: Option<String>,
) -> Result<Response, ApiError> {
    let lang = caller.lang();
    let lookups = Lookups::load(state, caller, &[NameList::Enterprises]).await?;
    let mut form = FormBuilder::new(values, errors, lang);
    form.field("login", "field.login", "text", true);
    form.field("name", "field.user_name", "text", true);
    form.select("role", "field.role", true, roles(lang));
    form.lookup(
        "enterprise_id",
        "field.enterprise",
        false,
        &lookups,
        NameList::Enterprises,
    );
    form.field("phone", "field.contact_phone", "text", false);
    if id.is_none() {
        form.field("password", "field.password", "password", true).hint = Some(lang.t("password.new").into());
    } else {
        form.field("active", "field.active", "checkbox", false);
    }
    let (title, action, cancel) = match id {
        None => (
            format!("{}{}", lang.t("action.create"), lang.t("noun.user")),
            "/users/new".to_string(),
            "/users".to_string(),
        ),
        Some(id) => (
            format!("{}{}", lang.t("action.edit"), lang.t("noun.user")),
            format!("/users/{id}/edit"),
            "/users".to_string(),
        ),
    };
    let version = values
        .get("version")
        .and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
    let banner = banner.or_else(|| errors.map(|_| lang.t("error.fix_fields").to_string()));
    let mut fields = form.fields;
    // A password typed is never sent back into the page.
    for f in fields.iter_mut().filter(|f| f.kind == "password") {
        f.value.clear();
    }
    Ok(render(
        status,
        &FormPage {
            c: Chrome::for_caller(caller, "users"),
            title,
            action,
            version,
            banner,
            fields,
            cancel,
        },
    ))
}

async fn new_user(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    if !caller.principal().is_admin() {
        return error_page(&caller, ApiError::Forbidden);
    }
    user_form(&state, &caller, StatusCode::OK, None, &Map::new(), None, None)
        .await
        .unwrap_or_else(|e| error_page(&caller, e))
}

async fn refill_user(
    state: &AppState,
    caller: &Caller,
    id: Option<i64>,
    fields: &Map<String, Value>,
    err: ApiError,
) -> Response {
    refill(caller, err, |status, errors, banner| async move {
        user_form(state, caller, status, id, fields, errors.as_ref(), banner).await
    })
    .await
}

async fn create_user(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    match feidi_app::users::create_user(&state.app, &caller.principal(), &fields, None)
        .await
        .for_lang(caller.lang())
    {
        Ok(_) => Redirect::to("/users").into_response(),
        Err(e) => refill_user(&state, &caller, None, &fields, e).await,
    }
}

async fn edit_user(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        if !caller.principal().is_admin() {
            return Err(ApiError::Forbidden);
        }
        let user = feidi_app::users::get_user(&state.app, &caller.principal(), id)
            .await
            .for_lang(caller.lang())?;
        let values = match serde_json::to_value(&user) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        user_form(&state, &caller, StatusCode::OK, Some(id), &values, None, None).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&caller, e))
}

async fn update_user(State(state): State<AppState>, Path(id): Path<i64>, form: FormInput) -> Response {
    let FormInput { caller, mut fields } = form;
    fields.entry("active".to_string()).or_insert(Value::Bool(false));
    match feidi_app::users::update_user(&state.app, &caller.principal(), id, &fields)
        .await
        .for_lang(caller.lang())
    {
        Ok(_) => Redirect::to("/users").into_response(),
        Err(e) => refill_user(&state, &caller, Some(id), &fields, e).await,
    }
}

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    subject: Option<String>,
    entries: Vec<AuditRow>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

fn pretty(v: &Option<Value>) -> String {
    v.as_ref()
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_default()
}

async fn audit(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let result = async {
        let page = feidi_app::registry::audit(&state.app, &caller.principal(), &params)
            .await
            .for_lang(caller.lang())?;
        let entries = page
            .items
            .iter()
            .map(|e| AuditRow {
                at: e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
                actor: e.actor_login.clone().unwrap_or_else(|| "system".into()),
                action: e
                    .note
                    .clone()
                    .map(|n| format!("{} ({n})", e.action))
                    .unwrap_or_else(|| e.action.clone()),
                entity: e
                    .entity_id
                    .map(|id| format!("{} #{id}", e.entity))
                    .unwrap_or_else(|| e.entity.clone()),
                before: pretty(&e.before),
                after: pretty(&e.after),
            })
            .collect();
        let subject = match (params.get("entity"), params.get("entity_id")) {
            (Some(e), Some(id)) if !e.is_empty() => Some(format!("{e} #{id}")),
            _ => None,
        };
        let pages = page.pages();
        Ok::<_, ApiError>(render(
            StatusCode::OK,
            &AuditPage {
                c: Chrome::for_caller(&caller, "audit"),
                subject,
                entries,
                total: page.total,
                page: page.page,
                pages,
                prev_href: (page.page > 1)
                    .then(|| href_with("audit", &params, "page", &(page.page - 1).to_string())),
                next_href: (page.page < pages)
                    .then(|| href_with("audit", &params, "page", &(page.page + 1).to_string())),
            },
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&caller, e))
}

#[derive(Template)]
#[template(path = "reports_due.html")]
struct ReportsDuePage {
    c: Chrome,
    d: feidi_app::programme::ReportsDue,
}

/// Who owes a month's report and who sent it late: for staff and leaders.
async fn reports_due(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    match feidi_app::programme::reports_due(&state.app, &caller.principal(), &params)
        .await
        .for_lang(caller.lang())
    {
        Ok(d) => render(
            StatusCode::OK,
            &ReportsDuePage {
                c: Chrome::for_caller(&caller, "reports"),
                d,
            },
        ),
        Err(e) => error_page(&caller, e),
    }
}
