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

use super::registry::{Cell, FormBuilder, FormPage, Header, ListPage, Lookups, refill};
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
        .route("/reports", get(report_queue))
        .route("/reports/due", get(reports_due))
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
        let values = feidi_core::input::query_fields(&params);
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
                pager: crate::pages::Pager::of("users", &params, &page),
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
    /// Where the record's page is, if it has one.
    pub href: Option<String>,
    /// What changed, field by field, in words: "总投资: 1,000,000,000.00 → 1,200,000,000.00".
    pub changes: Vec<String>,
    pub before: String,
    pub after: String,
}

/// A word of the interface for a code, or the code itself where there is none.
fn word_or_code(lang: Lang, prefix: &str, code: &str) -> String {
    match lang.t(&format!("{prefix}.{code}")) {
        "?" => code.to_string(),
        text => text.to_string(),
    }
}

/// A field of an audit entry in words: its form's label where it has one, else the audit's own
/// (the appeal's and report's bookkeeping, the settings), else its code.
fn field_words(lang: Lang, key: &str) -> String {
    ["field", "audit.field"]
        .iter()
        .map(|prefix| lang.t(&format!("{prefix}.{key}")))
        .find(|t| *t != "?")
        .map_or_else(|| key.to_string(), str::to_string)
}

/// A value as the changes list shows it, in words: nothing as "—", yes and no, an instant as
/// its minute in Shanghai, a status, role, rating, category or milestone by its name, an amount
/// in 万元 with separators; any other text as it is.
fn value_words(
    entity: &str,
    key: &str,
    v: Option<&Value>,
    people: &HashMap<i64, String>,
    lang: Lang,
) -> String {
    let text = match v {
        None | Some(Value::Null) => return "—".into(),
        Some(Value::Bool(b)) => return lang.t(if *b { "audit.yes" } else { "audit.no" }).to_string(),
        Some(Value::Number(n)) if is_person(key) => {
            let id = n.as_i64().unwrap_or_default();
            return people.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
        }
        Some(Value::String(s)) => s,
        Some(other) => return other.to_string(),
    };
    if feidi_core::time::parse_instant(text).is_some() {
        return feidi_core::time::Stamp::stored(text.as_str()).to_string();
    }
    let codes: &[&str] = match key {
        // A report's `submitted` awaits review; an appeal's awaits acknowledgement.
        "status" if entity == "monthly_report" => &["report"],
        "status" => &["appeal_status", "report"],
        "handler_role" => &["handler_role"],
        "rating" => &["rating"],
        "kind" => &["milestone", "calendar"],
        _ => &[],
    };
    if let Some(word) = codes
        .iter()
        .map(|prefix| lang.t(&format!("{prefix}.{text}")))
        .find(|t| *t != "?")
    {
        return word.to_string();
    }
    if key == "category"
        && let Some(c) = feidi_core::model::Category::parse(text)
    {
        return c.label(lang).to_string();
    }
    if key == "role"
        && let Some(r) = feidi_core::model::Role::parse(text)
    {
        return r.label(lang).to_string();
    }
    if (key.ends_with("investment") || key.ends_with("output"))
        && let Ok(m) = feidi_core::Money::parse(text)
    {
        return format!("{} {}", m.wan_grouped(), lang.t("unit.wan"));
    }
    text.clone()
}

/// Whether a field holds a person's user id (shown by their name).
fn is_person(key: &str) -> bool {
    key.ends_with("_by")
        || key.ends_with("official_id")
        || matches!(
            key,
            "handler_id" | "leader_id" | "user_id" | "task_force_leader_id"
        )
}

/// The user ids the entries' changes name, to be shown by name.
fn people_in(entries: &[feidi_store::AuditEntry]) -> Vec<i64> {
    let mut ids: Vec<i64> = entries
        .iter()
        .flat_map(|e| [&e.before, &e.after])
        .filter_map(|v| v.as_ref().and_then(Value::as_object))
        .flat_map(|m| m.iter())
        .filter(|(k, _)| is_person(k))
        .filter_map(|(_, v)| v.as_i64())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Notes that only say again what the action's name says.
const PLAIN_NOTES: &[&str] = &["signed in", "signed out", "password changed"];

/// The fields an entry changed, labelled in `lang`: old → new on a change, the values set on a
/// creation, those removed on a deletion. Bookkeeping (ids, versions, stamps) is left out.
fn changes(
    entity: &str,
    before: &Option<Value>,
    after: &Option<Value>,
    people: &HashMap<i64, String>,
    lang: Lang,
) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (b, a) = (
        before.as_ref().and_then(Value::as_object).unwrap_or(&empty),
        after.as_ref().and_then(Value::as_object).unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))).collect();
    keys.retain(|k| !matches!(k.as_str(), "id" | "version" | "created_at" | "updated_at"));
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| {
            let label = field_words(lang, k);
            let (was, is) = (
                value_words(entity, k, b.get(k), people, lang),
                value_words(entity, k, a.get(k), people, lang),
            );
            match (before.is_some(), after.is_some()) {
                (true, true) => format!("{label}: {was} → {is}"),
                (false, _) => format!("{label}: {is}"),
                (true, false) => format!("{label}: {was}"),
            }
        })
        .collect()
}

/// The page of a record an audit entry names.
fn record_href(entity: &str, id: i64) -> Option<String> {
    let path = match entity {
        "project" => format!("/projects/{id}"),
        "monthly_report" | "milestone" | "annual_plan" => format!("/projects/{id}#reports"),
        "enterprise" => format!("/enterprises/{id}"),
        "zone" => format!("/zones/{id}"),
        "jurisdiction" => format!("/jurisdictions/{id}"),
        "stage" => format!("/stages/{id}"),
        "task_force" => format!("/task-forces/{id}"),
        "appeal" => format!("/appeals/{id}"),
        "user" => format!("/users/{id}/edit"),
        _ => return None,
    };
    Some(path)
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    subject: Option<String>,
    entries: Vec<AuditRow>,
    total: i64,
    pager: crate::pages::Pager,
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
        let lang = caller.lang();
        let page = feidi_app::registry::audit(&state.app, &caller.principal(), &params)
            .await
            .for_lang(lang)?;
        let people =
            feidi_app::registry::names_of(&state.app, feidi_store::Named::Users, &people_in(&page.items))
                .await
                .for_lang(lang)?;
        let entries = page
            .items
            .iter()
            .map(|e| {
                let entity = word_or_code(lang, "entity", &e.entity);
                AuditRow {
                    at: e.at.second(),
                    actor: e
                        .actor_login
                        .clone()
                        .unwrap_or_else(|| lang.t("appeal.system").to_string()),
                    action: match &e.note {
                        // A note says more than the code (an import's file, a sweep's step); a
                        // setting's note is its key, in words.
                        Some(n) if e.entity == "setting" => {
                            format!(
                                "{}（{}）",
                                word_or_code(lang, "act", &e.action),
                                field_words(lang, n)
                            )
                        }
                        Some(n) if !n.is_empty() && !PLAIN_NOTES.contains(&n.as_str()) => {
                            format!("{}（{n}）", word_or_code(lang, "act", &e.action))
                        }
                        _ => word_or_code(lang, "act", &e.action),
                    },
                    entity: e.entity_id.map(|id| format!("{entity} #{id}")).unwrap_or(entity),
                    href: e.entity_id.and_then(|id| record_href(&e.entity, id)),
                    changes: changes(&e.entity, &e.before, &e.after, &people, lang),
                    before: pretty(&e.before),
                    after: pretty(&e.after),
                }
            })
            .collect();
        let subject = match (params.get("entity"), params.get("entity_id")) {
            (Some(e), Some(id)) if !e.is_empty() => Some(format!("{e} #{id}")),
            _ => None,
        };
        Ok::<_, ApiError>(render(
            StatusCode::OK,
            &AuditPage {
                c: Chrome::for_caller(&caller, "audit"),
                subject,
                entries,
                total: page.total,
                pager: crate::pages::Pager::of("audit", &params, &page),
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

/// One report in the queue as the page shows it.
pub struct QueueRow {
    project_id: i64,
    project: String,
    month: String,
    amount: String,
    sent: String,
    note: String,
    problems: String,
    return_reason: String,
    /// The status's code (its badge's colour) and words, shown on the tab of all statuses.
    status: &'static str,
    status_label: String,
}

#[derive(Template)]
#[template(path = "reports_queue.html")]
struct ReportQueuePage {
    c: Chrome,
    /// The status listed: submitted, returned, approved or all.
    status: String,
    /// The page's title: a reviewer's queue, an enterprise's own reports, or the reports.
    title: &'static str,
    rows: Vec<QueueRow>,
    total: i64,
    may_review: bool,
    /// Who owes reports is for those who oversee the programme.
    show_due: bool,
    pager: crate::pages::Pager,
}

/// The monthly reports of a status (what waits for review first come, first served): a
/// reviewer approves or returns each in place; everyone else sees where their reports stand.
async fn report_queue(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = caller.lang();
    let who = caller.principal();
    let reviewer = who.may(
        feidi_core::policy::Action::Review,
        feidi_core::policy::Entity::Report,
    );
    // A reviewer lands on what waits for review; anyone else on all their reports.
    let mut params = params;
    let status = match params.get("status").map(String::as_str) {
        Some(s @ ("submitted" | "returned" | "approved" | "all")) => s.to_string(),
        _ if reviewer => "submitted".into(),
        _ => "all".into(),
    };
    params.insert("status".into(), status.clone());
    let page = match feidi_app::reports::queue(&state.app, &who, &params)
        .await
        .for_lang(lang)
    {
        Ok(page) => page,
        Err(e) => return error_page(&caller, e),
    };
    let pager = crate::pages::Pager::of("reports", &params, &page);
    let rows = page
        .items
        .into_iter()
        .map(|q| QueueRow {
            project_id: q.report.project_id,
            project: q.project_name,
            amount: q.report.completed_investment.wan_grouped(),
            sent: q.report.submitted_at.to_string(),
            note: q.report.progress_note.unwrap_or_default(),
            problems: q.report.problems.unwrap_or_default(),
            return_reason: q.report.return_reason.unwrap_or_default(),
            status: q.report.status.as_str(),
            status_label: lang
                .t(&format!("report.{}", q.report.status.as_str()))
                .to_string(),
            month: q.report.month,
        })
        .collect();
    render(
        StatusCode::OK,
        &ReportQueuePage {
            c: Chrome::for_caller(&caller, "reports"),
            may_review: status == "submitted" && reviewer,
            title: if reviewer {
                "queue.title"
            } else if who.is_enterprise() {
                "queue.own"
            } else {
                "queue.reports"
            },
            show_due: who.scope() == feidi_core::policy::Scope::All,
            status,
            rows,
            total: page.total,
            pager,
        },
    )
}

/// Who owes a month's report and who sent it late: for staff and leaders.
async fn reports_due(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let params = match crate::pages::with_default_month(&state, caller.lang(), params).await {
        Ok(params) => params,
        Err(e) => return error_page(&caller, e),
    };
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
