//! The appeal pages (M5): the list with the submission form (the enterprise portal for an
//! enterprise user), one appeal with its timeline and the actions the viewer may take, and the
//! official's inbox by deadline. Every write goes through the same operations as the API.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, FixedOffset};
use feidi_core::Lang;
use feidi_core::appeals::{Act, AppealStatus, may_act};
use feidi_core::policy::{Action, Entity, Principal};
use feidi_core::time::Stamp;
use feidi_store::{Appeal, NameList, Named};

use super::{Chrome, error_page, render, shown};
use crate::AppState;
use crate::auth::{FormInput, PageCaller};
use crate::error::{ApiError, ForLang};
use feidi_app::appeals as ops;
use feidi_app::registry;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/appeals", get(list_page).post(submit))
        .route("/appeals/{id}", get(appeal_page))
        .route("/appeals/{id}/{action}", post(act))
        .route("/inbox", get(inbox_page))
}

/// The time left to a deadline, or how long it is past: "剩余 2天3小时" / "超时 5小时".
pub fn time_left(due: DateTime<FixedOffset>, now: DateTime<FixedOffset>, lang: Lang) -> (String, bool) {
    let late = due <= now;
    let span = if late { now - due } else { due - now };
    let (days, hours, minutes) = (span.num_days(), span.num_hours() % 24, span.num_minutes() % 60);
    let amount = match lang {
        Lang::Zh if days > 0 => format!("{days}天{hours}小时"),
        Lang::Zh if hours > 0 => format!("{hours}小时{minutes}分"),
        Lang::Zh => format!("{minutes}分"),
        Lang::En if days > 0 => format!("{days} d {hours} h"),
        Lang::En if hours > 0 => format!("{hours} h {minutes} min"),
        Lang::En => format!("{minutes} min"),
    };
    let text = match (lang, late) {
        (Lang::Zh, false) => format!("剩余 {amount}"),
        (Lang::Zh, true) => format!("超时 {amount}"),
        (Lang::En, false) => format!("{amount} left"),
        (Lang::En, true) => format!("{amount} overdue"),
    };
    (text, late)
}

/// The label of `prefix.key` in `lang`, or the key itself where there is none.
pub(super) fn word(lang: Lang, prefix: &str, key: &str) -> String {
    let full = format!("{prefix}.{key}");
    match lang.t(&full) {
        "?" => key.to_string(),
        text => text.to_string(),
    }
}

/// A form's bad fields in one line: "标题：必填；类别：…".
fn field_messages(errors: &feidi_core::FieldErrors, lang: Lang) -> String {
    errors
        .0
        .iter()
        .map(|e| {
            format!(
                "{}：{}",
                word(lang, "appeal_field", &e.field),
                e.flaw.message(lang)
            )
        })
        .collect::<Vec<_>>()
        .join("；")
}

pub struct Row {
    id: i64,
    title: String,
    enterprise: String,
    category: String,
    status: String,
    /// The status's code, for its badge's colour.
    status_code: String,
    handler: String,
    role: String,
    deadline: String,
    left: String,
    late: bool,
}

async fn rows(state: &AppState, who: &Principal, items: &[Appeal], lang: Lang) -> Result<Vec<Row>, ApiError> {
    let enterprises: Vec<i64> = items.iter().map(|a| a.enterprise_id).collect();
    let handlers: Vec<i64> = items.iter().filter_map(|a| a.handler_id).collect();
    let enterprise_names = registry::names_of(&state.app, Named::Enterprises, &enterprises)
        .await
        .for_lang(lang)?;
    let handler_names = registry::names_of(&state.app, Named::Users, &handlers)
        .await
        .for_lang(lang)?;
    let categories = category_names(state, who, lang).await?;
    Ok(named_rows(
        items,
        &enterprise_names,
        &handler_names,
        &categories,
        lang,
    ))
}

/// The appeal categories' names by key (a person reads "用地", not "land").
async fn category_names(
    state: &AppState,
    who: &Principal,
    lang: Lang,
) -> Result<HashMap<String, String>, ApiError> {
    Ok(ops::categories(&state.app, who)
        .await
        .for_lang(lang)?
        .into_iter()
        .map(|c| {
            let name = feidi_core::appeals::category_name(&c.key, &c.name, c.name_en.as_deref(), lang);
            (c.key, name)
        })
        .collect())
}

fn named_rows(
    items: &[Appeal],
    enterprise_names: &HashMap<i64, String>,
    handler_names: &HashMap<i64, String>,
    categories: &HashMap<String, String>,
    lang: Lang,
) -> Vec<Row> {
    let now = feidi_core::time::now();
    items
        .iter()
        .map(|a| {
            let due = a.due_at.as_ref().and_then(Stamp::instant);
            // Time left only while someone is working on it.
            let open = AppealStatus::parse(&a.status).is_some_and(AppealStatus::is_open);
            let (left, late) = match due {
                Some(d) if open => time_left(d, now, lang),
                _ => (String::from("—"), false),
            };
            Row {
                id: a.id,
                title: a.title.clone(),
                enterprise: enterprise_names
                    .get(&a.enterprise_id)
                    .cloned()
                    .unwrap_or_default(),
                category: categories
                    .get(&a.category)
                    .cloned()
                    .unwrap_or_else(|| a.category.clone()),
                status: word(lang, "appeal_status", &a.status),
                status_code: a.status.clone(),
                handler: a
                    .handler_id
                    .and_then(|h| handler_names.get(&h).cloned())
                    .unwrap_or_else(|| lang.t("appeal.leaders").to_string()),
                role: word(lang, "handler_role", &a.handler_role),
                deadline: due.map_or("—".into(), |d| feidi_core::time::deadline_words(d, now, lang)),
                left,
                late,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "appeals.html")]
struct ListPage {
    c: Chrome,
    filter: &'static str,
    enterprise_user: bool,
    rows: Vec<Row>,
    total: i64,
    pager: super::Pager,
    may_submit: bool,
    enterprises: Vec<(i64, String)>,
    /// Key and label: the name and resolve time as the page's language writes them.
    categories: Vec<(String, String)>,
    title: String,
    description: String,
    /// The category and enterprise chosen, kept after a refused submission.
    category: String,
    enterprise_id: String,
    error: Option<String>,
    /// The list's search and filters as asked, kept in their fields.
    asked: HashMap<String, String>,
    /// Enterprises to filter by (officials), and the statuses by name.
    filter_enterprises: Vec<(i64, String)>,
    statuses: Vec<(&'static str, String)>,
}

impl ListPage {
    /// A search or filter field as it was asked.
    fn asked(&self, name: &str) -> &str {
        self.asked.get(name).map_or("", String::as_str)
    }
}

async fn list_view(
    state: &AppState,
    caller: &crate::auth::Caller,
    params: &HashMap<String, String>,
) -> Result<ListPage, ApiError> {
    let lang = caller.lang();
    let who = caller.principal();
    let filter = ops::appeal_filter(params).for_lang(lang)?;
    let page = ops::list(&state.app, &who, &filter, feidi_core::time::now())
        .await
        .for_lang(lang)?;
    let which = if filter.overdue {
        "overdue"
    } else if filter.escalated {
        "escalated"
    } else {
        ""
    };
    // The page links keep every filter of this list.
    let pager = super::Pager::of("appeals", params, &page);
    let may_submit = caller.principal().may(Action::Write, Entity::Appeal);
    let enterprise_user = caller.principal().is_enterprise();
    let enterprises = if !enterprise_user {
        registry::names(&state.app, &who, NameList::Enterprises)
            .await
            .for_lang(lang)?
    } else {
        Vec::new()
    };
    let statuses = ["submitted", "acknowledged", "resolved", "closed", "reopened"]
        .into_iter()
        .map(|s| (s, word(lang, "appeal_status", s)))
        .collect();
    let categories = ops::categories(&state.app, &who)
        .await
        .for_lang(lang)?
        .into_iter()
        .map(|c| {
            let name = feidi_core::appeals::category_name(&c.key, &c.name, c.name_en.as_deref(), lang);
            let label = match lang {
                Lang::Zh => format!("{name}（{}个工作日）", c.resolve_working_days),
                Lang::En => format!("{name} ({} working days)", c.resolve_working_days),
            };
            (c.key, label)
        })
        .collect();
    Ok(ListPage {
        c: Chrome::for_caller(caller, "appeals"),
        filter: which,
        enterprise_user,
        rows: rows(state, &who, &page.items, lang).await?,
        total: page.total,
        pager,
        may_submit,
        filter_enterprises: enterprises.clone(),
        enterprises: if may_submit { enterprises } else { Vec::new() },
        asked: params.clone(),
        statuses,
        categories,
        title: String::new(),
        description: String::new(),
        category: String::new(),
        enterprise_id: String::new(),
        error: None,
    })
}

async fn list_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    shown(&caller, list_view(&state, &caller, &params).await)
}

async fn submit(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let mut body = fields.clone();
    body.remove("_csrf");
    match ops::submit(
        &state.app,
        &caller.principal(),
        &body,
        None,
        feidi_core::time::now(),
    )
    .await
    .for_lang(caller.lang())
    {
        Ok((appeal, _)) => super::redirect_with_notice(
            &format!("/appeals/{}", appeal.id),
            caller.lang().t("appeal.done_submit"),
        ),
        Err(ApiError::Invalid(errors, lang)) => match list_view(&state, &caller, &HashMap::new()).await {
            Ok(mut view) => {
                view.error = Some(field_messages(&errors, lang));
                view.title = body
                    .get("title")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                view.description = body
                    .get("description")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                let chosen = |name: &str| {
                    body.get(name)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                view.category = chosen("category");
                view.enterprise_id = chosen("enterprise_id");
                render(StatusCode::UNPROCESSABLE_ENTITY, &view)
            }
            Err(e) => error_page(&caller, e),
        },
        Err(e) => error_page(&caller, e),
    }
}

pub struct EventRow {
    at: String,
    kind: String,
    step: String,
    by: String,
    handler: String,
    note: String,
}

pub struct ActionForm {
    name: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "appeal.html")]
struct AppealPage {
    c: Chrome,
    id: i64,
    version: i64,
    title: String,
    details: Vec<(&'static str, String)>,
    events: Vec<EventRow>,
    actions: Vec<ActionForm>,
    officials: Vec<(i64, String)>,
    error: Option<String>,
    /// The refused action and what was typed into its form, kept for another try.
    failed_action: String,
    typed: HashMap<String, String>,
    attachments: Vec<AttachmentRow>,
    may_attach: bool,
    /// Why the last file was refused, beside the file field.
    attach_error: Option<String>,
}

/// A file of the appeal: images shown small, any other file as a link.
struct AttachmentRow {
    name: String,
    url: String,
    /// A photo's small copy, for the page (the original may be a 10 MB camera photo).
    thumb: String,
    image: bool,
    size: String,
    by: String,
    at: String,
}

/// A size as people read it: "850 KB", "3.4 MB".
fn size_words(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

impl AppealPage {
    /// A field of the refused action's form as it was typed (empty for any other form).
    fn kept(&self, action: &str, field: &str) -> &str {
        if self.failed_action == action {
            self.typed.get(field).map_or("", String::as_str)
        } else {
            ""
        }
    }
}

async fn appeal_view(
    state: &AppState,
    caller: &crate::auth::Caller,
    id: i64,
) -> Result<AppealPage, ApiError> {
    let lang = caller.lang();
    let who = caller.principal();
    let appeal = ops::get(&state.app, &who, id).await.for_lang(lang)?;
    let events = ops::events(&state.app, &who, id).await.for_lang(lang)?;
    let files = ops::attachments(&state.app, &who, id).await.for_lang(lang)?;
    let mut people: Vec<i64> = events
        .iter()
        .flat_map(|e| [e.actor_id, e.handler_id])
        .flatten()
        .collect();
    people.extend(appeal.handler_id);
    people.extend(files.iter().filter_map(|f| f.uploaded_by));
    let names = registry::names_of(&state.app, Named::Users, &people)
        .await
        .for_lang(lang)?;
    let enterprise = registry::names_of(&state.app, Named::Enterprises, &[appeal.enterprise_id])
        .await
        .for_lang(lang)?;
    let name = |id: Option<i64>| match id {
        Some(id) => names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
        None => lang.t("appeal.leaders").to_string(),
    };
    let now = feidi_core::time::now();
    let open = AppealStatus::parse(&appeal.status).is_some_and(AppealStatus::is_open);
    let left = |due: Option<&Stamp>| {
        due.and_then(Stamp::instant).map_or("—".to_string(), |d| {
            let words = feidi_core::time::deadline_words(d, now, lang);
            // A deadline of a closed appeal is history: no time left to count.
            if open {
                format!("{words}（{}）", time_left(d, now, lang).0)
            } else {
                words
            }
        })
    };
    let t = |k| lang.t(k);
    let mut details = vec![
        (
            t("field.enterprise"),
            enterprise.get(&appeal.enterprise_id).cloned().unwrap_or_default(),
        ),
        (
            t("appeal.category"),
            category_names(state, &who, lang)
                .await?
                .remove(&appeal.category)
                .unwrap_or_else(|| appeal.category.clone()),
        ),
        (t("appeal.status"), word(lang, "appeal_status", &appeal.status)),
        (t("appeal.handler"), name(appeal.handler_id)),
        (t("appeal.role"), word(lang, "handler_role", &appeal.handler_role)),
        (t("appeal.submitted_at"), appeal.submitted_at.to_string()),
        (t("appeal.ack_due"), left(appeal.ack_due_at.as_ref())),
        (t("appeal.resolve_due"), left(Some(&appeal.resolve_due_at))),
        (t("appeal.description"), appeal.description.clone()),
    ];
    if let Some(r) = &appeal.resolution {
        details.push((t("appeal.resolution"), r.clone()));
    }
    if let Some(r) = &appeal.rating {
        details.push((t("appeal.rating"), word(lang, "rating", r)));
    }
    if appeal.escalated {
        details.push((
            t("appeal.supervised"),
            appeal
                .escalated_at
                .as_ref()
                .map_or(String::new(), ToString::to_string),
        ));
    }
    // The actions offered are those the rules allow now (the sweep may not have run yet).
    let mut state_now = appeal.state()?;
    let calendar = ops::calendar(&state.app).await.for_lang(lang)?;
    state_now.sweep(&calendar, &Default::default(), feidi_core::time::now());
    let status = state_now.status;
    let open = status.is_open();
    let candidates: [(Act, &'static str, &'static str, bool); 6] = [
        (
            Act::Acknowledge,
            "acknowledge",
            "appeal.do_acknowledge",
            status.awaits_acknowledgement(),
        ),
        (
            Act::Resolve,
            "resolve",
            "appeal.do_resolve",
            status == AppealStatus::Acknowledged,
        ),
        (
            Act::Return,
            "return",
            "appeal.do_return",
            open && appeal.handler_id.is_some(),
        ),
        (Act::Reassign, "reassign", "appeal.do_reassign", open),
        (
            Act::Rate,
            "rate",
            "appeal.do_rate",
            status == AppealStatus::Resolved,
        ),
        (
            Act::Reopen,
            "reopen",
            "appeal.do_reopen",
            matches!(status, AppealStatus::Resolved | AppealStatus::Closed),
        ),
    ];
    let actions: Vec<ActionForm> = candidates
        .into_iter()
        .filter(|(act, _, _, now_possible)| {
            *now_possible && may_act(&who, appeal.enterprise_id, &state_now, *act)
        })
        .map(|(_, name, label, _)| ActionForm {
            name,
            label: lang.t(label),
        })
        .collect();
    let officials = if actions.iter().any(|a| a.name == "reassign") {
        // The enterprise's task force members first: the leader mostly hands work to them.
        let enterprise =
            registry::get::<feidi_app::kinds::Enterprises>(&state.app, &who, appeal.enterprise_id)
                .await
                .for_lang(lang)?;
        let members: Vec<i64> = match enterprise.task_force_id {
            Some(tf) => ops::members(&state.app, &who, tf)
                .await
                .for_lang(lang)?
                .iter()
                .map(|m| m.user_id)
                .collect(),
            None => Vec::new(),
        };
        let mut all = registry::names(&state.app, &who, NameList::Officials)
            .await
            .for_lang(lang)?;
        all.sort_by_key(|(id, _)| !members.contains(id));
        all.into_iter()
            .map(|(id, name)| {
                if members.contains(&id) {
                    let tag = lang.t("member.title");
                    let shown = match lang {
                        feidi_core::Lang::Zh => format!("{name}（{tag}）"),
                        feidi_core::Lang::En => format!("{name} ({tag})"),
                    };
                    (id, shown)
                } else {
                    (id, name)
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(AppealPage {
        c: Chrome::for_caller(caller, "appeals"),
        id: appeal.id,
        version: appeal.version,
        title: format!("#{} {}", appeal.id, appeal.title),
        details,
        events: events
            .iter()
            .map(|e| EventRow {
                at: e.at.to_string(),
                kind: e.kind.clone(),
                step: word(lang, "event", &e.kind),
                by: e
                    .actor_id
                    .map_or_else(|| lang.t("appeal.system").to_string(), |a| name(Some(a))),
                // At submission nobody holds it yet: the next step assigns it.
                handler: if e.kind == "submitted" && e.handler_id.is_none() {
                    "—".to_string()
                } else {
                    name(e.handler_id)
                },
                note: match (
                    &e.reason,
                    e.detail.as_deref().map(|d| event_detail(&e.kind, d, lang)),
                ) {
                    (Some(r), Some(d)) => format!("{}：{d}", word(lang, "reason", r)),
                    (Some(r), None) => word(lang, "reason", r),
                    (None, Some(d)) => d,
                    (None, None) => String::new(),
                },
            })
            .collect(),
        actions,
        officials,
        error: None,
        failed_action: String::new(),
        typed: HashMap::new(),
        may_attach: who.may_attach(status == AppealStatus::Closed),
        attachments: files
            .into_iter()
            .map(|f| AttachmentRow {
                url: format!("/api/v1/appeals/{id}/attachments/{}", f.id),
                thumb: format!("/api/v1/appeals/{id}/attachments/{}?size=thumb", f.id),
                image: feidi_core::attachments::FileKind::from_content_type(&f.content_type)
                    .is_some_and(feidi_core::attachments::FileKind::is_image),
                size: size_words(f.size),
                by: f.uploaded_by.map_or_else(String::new, |u| name(Some(u))),
                at: f.created_at.to_string(),
                name: f.name,
            })
            .collect(),
        attach_error: None,
    })
}

/// An event's detail in words: a rating is stored by its code (`basically_satisfied: 太慢`)
/// and shown by its name in the page's language (基本满意：太慢).
fn event_detail(kind: &str, detail: &str, lang: Lang) -> String {
    if kind != "rated" {
        return detail.to_string();
    }
    match detail.split_once(": ") {
        Some((code, comment)) => {
            let colon = if lang == Lang::Zh { "：" } else { ": " };
            format!("{}{colon}{comment}", word(lang, "rating", code))
        }
        None => word(lang, "rating", detail),
    }
}

async fn appeal_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
) -> Response {
    shown(&caller, appeal_view(&state, &caller, id).await)
}

async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(i64, String)>,
    form: FormInput,
) -> Response {
    let FormInput { caller, fields } = form;
    let typed: HashMap<String, String> = fields
        .iter()
        .filter(|(k, _)| k.as_str() != "_csrf")
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    let mut body = fields;
    body.remove("_csrf");
    for optional in ["comment", "note"] {
        if body
            .get(optional)
            .and_then(|v| v.as_str())
            .is_some_and(|v| v.trim().is_empty())
        {
            body.remove(optional);
        }
    }
    match ops::act(
        &state.app,
        &caller.principal(),
        id,
        &action,
        &body,
        feidi_core::time::now(),
    )
    .await
    .for_lang(caller.lang())
    {
        Ok(_) => {
            let notice = caller.lang().t(&format!("appeal.done_{action}"));
            super::redirect_with_notice(&format!("/appeals/{id}"), notice)
        }
        Err(err @ (ApiError::Invalid(..) | ApiError::Conflict(_))) => {
            let lang = caller.lang();
            let message = match &err {
                ApiError::Invalid(errors, _) => field_messages(errors, lang),
                _ => lang.t("appeal.changed").to_string(),
            };
            match appeal_view(&state, &caller, id).await {
                Ok(mut view) => {
                    view.error = Some(message);
                    view.failed_action = action.clone();
                    view.typed = typed;
                    let status = if matches!(err, ApiError::Invalid(..)) {
                        StatusCode::UNPROCESSABLE_ENTITY
                    } else {
                        StatusCode::CONFLICT
                    };
                    render(status, &view)
                }
                Err(e) => error_page(&caller, e),
            }
        }
        Err(e) => error_page(&caller, e),
    }
}

/// The routes that take files, under a larger body limit (see `router`).
pub(super) fn attachment_routes() -> Router<AppState> {
    Router::new().route("/appeals/{id}/attachments", post(attach))
}

/// A file from the appeal page's form: back to the page with a message, or the page again with
/// the reason beside the file field.
async fn attach(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> Response {
    let lang = caller.lang();
    let (name, bytes, fields) = match crate::appeals::file_field(form).await {
        Ok(f) => f,
        Err(e) => return axum::response::IntoResponse::into_response(ApiError::BadRequest(e)),
    };
    if !caller.csrf_ok(fields.get("_csrf").map(String::as_str)) {
        return error_page(&caller, ApiError::Forbidden);
    }
    let outcome = ops::attach(
        &state.app,
        &caller.principal(),
        id,
        &name,
        bytes,
        feidi_core::time::now(),
    )
    .await
    .for_lang(lang);
    match outcome {
        Ok(file) => {
            let notice = format!("{}{}", lang.t("appeal.done_attach"), file.name);
            super::redirect_with_notice(&format!("/appeals/{id}#attachments"), &notice)
        }
        Err(ApiError::Invalid(errors, _)) => match appeal_view(&state, &caller, id).await {
            Ok(mut view) => {
                view.attach_error = errors
                    .message_for("file", lang)
                    .or_else(|| Some(field_messages(&errors, lang)));
                render(StatusCode::UNPROCESSABLE_ENTITY, &view)
            }
            Err(e) => error_page(&caller, e),
        },
        Err(e) => error_page(&caller, e),
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    c: Chrome,
    rows: Vec<Row>,
    total: i64,
    pager: super::Pager,
}

async fn inbox_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = caller.lang();
    let view = async {
        let (page, per_page) = ops::page_params(&params).for_lang(lang)?;
        let inbox = ops::inbox(&state.app, &caller.principal(), page, per_page)
            .await
            .for_lang(lang)?;
        let found = &inbox.page;
        let pager = super::Pager::of("inbox", &params, found);
        Ok::<_, ApiError>(InboxPage {
            c: Chrome::for_caller(&caller, "inbox"),
            // (The inbox shows no category column.)
            rows: named_rows(
                &found.items,
                &inbox.enterprises,
                &inbox.handlers,
                &HashMap::new(),
                lang,
            ),
            total: found.total,
            pager,
        })
    };
    shown(&caller, view.await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rating_in_the_timeline_reads_as_words() {
        assert_eq!(event_detail("rated", "basically_satisfied", Lang::Zh), "基本满意");
        assert_eq!(
            event_detail("rated", "unsatisfied: 太慢", Lang::Zh),
            "不满意：太慢"
        );
        assert_eq!(event_detail("rated", "satisfied: ok", Lang::En), "Satisfied: ok");
        assert_eq!(
            event_detail("resolved", "satisfied: 已协调", Lang::Zh),
            "satisfied: 已协调"
        );
    }
}
