//! The webhooks page (admins): the endpoints appeal events are sent to, a form to register one,
//! switching one off and on, removing one, and each endpoint's delivery log — what the API's
//! `/webhooks` does, for an admin without a command line.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use feidi_core::Lang;
use feidi_core::appeals::EventKind;
use feidi_store::Webhook;
use serde_json::{Map, Value};

use super::appeals::word;
use super::{Chrome, error_page, render, shown};
use crate::AppState;
use crate::auth::{Caller, FormInput, PageCaller};
use crate::error::{ApiError, ForLang};
use feidi_app::webhooks;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(list_page).post(create))
        .route("/webhooks/{id}", get(deliveries_page))
        .route("/webhooks/{id}/active", post(switch))
        .route("/webhooks/{id}/delete", post(remove))
        .route("/webhooks/targets", post(set_targets))
}

/// Allows or forbids targets in the server's own network (the setting of
/// `PUT /settings/webhooks`), from the checkbox on the list page.
async fn set_targets(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let allow = fields.get("allow_internal").and_then(Value::as_str) == Some("true");
    let mut body = Map::new();
    body.insert("allow_internal".into(), Value::Bool(allow));
    match webhooks::set_allow_internal(&state.app, &caller.principal(), &body).await {
        Ok(_) => Redirect::to("/webhooks").into_response(),
        Err(e) => error_page(&caller, ApiError::from_app(e, caller.lang())),
    }
}

/// An event kind as a checkbox: its code, its label in the page's language, whether it is ticked.
pub struct EventBox {
    kind: &'static str,
    label: &'static str,
    on: bool,
}

fn event_boxes(lang: Lang, on: &[String]) -> Vec<EventBox> {
    EventKind::ALL
        .iter()
        .map(|k| EventBox {
            kind: k.as_str(),
            label: lang.t(&format!("event.{}", k.as_str())),
            on: on.iter().any(|e| e == k.as_str()),
        })
        .collect()
}

fn event_labels(lang: Lang, events: &[String]) -> String {
    events
        .iter()
        .map(|e| word(lang, "event", e))
        .collect::<Vec<_>>()
        .join(lang.t("list.separator"))
}

pub struct HookRow {
    id: i64,
    url: String,
    events: String,
    active: bool,
    version: i64,
    created: String,
}

impl HookRow {
    fn of(h: Webhook, lang: Lang) -> Self {
        Self {
            events: event_labels(lang, &h.events),
            created: h.created_at.to_string(),
            id: h.id,
            url: h.url,
            active: h.active,
            version: h.version,
        }
    }
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct ListPage {
    c: Chrome,
    hooks: Vec<HookRow>,
    /// The form, filled again after a refused save (never the secret).
    url: String,
    events: Vec<EventBox>,
    active: bool,
    errors: Vec<String>,
    /// Whether targets in the server's own network are allowed.
    allow_internal: bool,
}

async fn list_view(state: &AppState, caller: &Caller) -> Result<ListPage, ApiError> {
    let lang = caller.lang();
    let who = caller.principal();
    let hooks = webhooks::list(&state.app, &who)
        .await
        .for_lang(lang)?
        .into_iter()
        .map(|h| HookRow::of(h, lang))
        .collect();
    Ok(ListPage {
        c: Chrome::for_caller(caller, "webhooks"),
        hooks,
        url: String::new(),
        events: event_boxes(lang, &["submitted".to_string()]),
        active: true,
        errors: Vec::new(),
        allow_internal: webhooks::allow_internal(&state.app, &who).await.for_lang(lang)?,
    })
}

async fn list_page(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    shown(&caller, list_view(&state, &caller).await)
}

/// The form's fields as the API takes them: the ticked kinds (`event.<kind>` checkboxes, each
/// its own name, since a repeated field keeps only its last value) as the `events` list.
fn form_body(fields: &Map<String, Value>) -> Map<String, Value> {
    let text = |name: &str| fields.get(name).and_then(Value::as_str).unwrap_or_default();
    let events: Vec<Value> = EventKind::ALL
        .iter()
        .filter(|k| fields.contains_key(&format!("event.{}", k.as_str())))
        .map(|k| Value::String(k.as_str().to_string()))
        .collect();
    let mut body = Map::new();
    body.insert("url".into(), Value::String(text("url").trim().to_string()));
    body.insert("secret".into(), Value::String(text("secret").to_string()));
    body.insert("events".into(), Value::Array(events));
    body.insert("active".into(), Value::Bool(fields.contains_key("active")));
    body
}

async fn create(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    let body = form_body(&fields);
    match webhooks::create(&state.app, &caller.principal(), &body)
        .await
        .for_lang(lang)
    {
        Ok(hook) => Redirect::to(&format!("/webhooks/{}", hook.id)).into_response(),
        Err(ApiError::Invalid(errors, lang)) => match list_view(&state, &caller).await {
            Ok(mut view) => {
                view.errors = errors
                    .0
                    .iter()
                    .map(|e| format!("{}: {}", field_label(&e.field, lang), e.flaw.message(lang)))
                    .collect();
                view.url = body["url"].as_str().unwrap_or_default().to_string();
                let ticked: Vec<String> = body["events"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.as_str().map(str::to_string))
                    .collect();
                view.events = event_boxes(lang, &ticked);
                view.active = body["active"] == Value::Bool(true);
                render(StatusCode::UNPROCESSABLE_ENTITY, &view)
            }
            Err(e) => error_page(&caller, e),
        },
        Err(e) => error_page(&caller, e),
    }
}

fn field_label(field: &str, lang: Lang) -> String {
    match field {
        "url" => "URL".to_string(),
        "secret" => lang.t("webhook.secret").to_string(),
        "events" => lang.t("webhook.events").to_string(),
        other => other.to_string(),
    }
}

/// Switches an endpoint off or on, from the version the page showed (a change made meanwhile
/// is refused, not overwritten); its address, events and secret stay.
async fn switch(State(state): State<AppState>, Path(id): Path<i64>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    let who = caller.principal();
    let outcome = async {
        let hook = webhooks::get(&state.app, &who, id).await?;
        let mut body = Map::new();
        body.insert("url".into(), Value::String(hook.url));
        body.insert(
            "events".into(),
            Value::Array(hook.events.into_iter().map(Value::String).collect()),
        );
        body.insert(
            "active".into(),
            Value::Bool(fields.get("active").and_then(Value::as_str) == Some("true")),
        );
        if let Some(version) = fields.get("version") {
            body.insert("version".into(), version.clone());
        }
        webhooks::update(&state.app, &who, id, &body).await
    }
    .await
    .for_lang(lang);
    match outcome {
        Ok(_) => Redirect::to("/webhooks").into_response(),
        Err(e) => error_page(&caller, e),
    }
}

async fn remove(State(state): State<AppState>, Path(id): Path<i64>, form: FormInput) -> Response {
    let caller = form.caller;
    match webhooks::delete(&state.app, &caller.principal(), id).await {
        Ok(()) => Redirect::to("/webhooks").into_response(),
        Err(e) => error_page(&caller, ApiError::from_app(e, caller.lang())),
    }
}

pub struct DeliveryRow {
    id: i64,
    event: String,
    appeal_id: i64,
    occurred: String,
    state: String,
    delivered: bool,
    attempts: i64,
    last: String,
    next: String,
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct DeliveriesPage {
    c: Chrome,
    hook: HookRow,
    rows: Vec<DeliveryRow>,
    total: i64,
    pager: super::Pager,
}

async fn deliveries_view(
    state: &AppState,
    caller: &Caller,
    id: i64,
    params: &HashMap<String, String>,
) -> Result<DeliveriesPage, ApiError> {
    let lang = caller.lang();
    let who = caller.principal();
    let (page, _) = feidi_app::appeals::page_params(params).for_lang(lang)?;
    let per_page = 50;
    let hook = webhooks::get(&state.app, &who, id).await.for_lang(lang)?;
    let deliveries = webhooks::deliveries(&state.app, &who, id, page, per_page)
        .await
        .for_lang(lang)?;
    let pager = super::Pager::new(
        &format!("webhooks/{id}"),
        params,
        page,
        per_page,
        deliveries.total,
    );
    let rows = deliveries
        .items
        .into_iter()
        .map(|d| DeliveryRow {
            event: event_labels(lang, std::slice::from_ref(&d.event)),
            occurred: d.occurred_at.to_string(),
            state: word(lang, "delivery", &d.state),
            delivered: d.delivered_at.is_some(),
            last: match (d.last_status, d.last_error) {
                (Some(code), _) => format!("HTTP {code}"),
                (None, Some(error)) => error,
                (None, None) => "—".into(),
            },
            next: d
                .delivered_at
                .as_ref()
                .or(d.next_attempt_at.as_ref())
                .map_or("—".into(), ToString::to_string),
            id: d.id,
            appeal_id: d.appeal_id,
            attempts: d.attempts,
        })
        .collect();
    Ok(DeliveriesPage {
        c: Chrome::for_caller(caller, "webhooks"),
        hook: HookRow::of(hook, lang),
        rows,
        total: deliveries.total,
        pager,
    })
}

async fn deliveries_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    shown(&caller, deliveries_view(&state, &caller, id, &params).await)
}
