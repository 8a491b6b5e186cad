//! The HTML pages: server-rendered with askama (every value escaped), no inline script or
//! style, a CSRF token in every form.

mod admin;
mod appeals;
mod cockpit;
mod imports;
mod login;
mod organisation;
mod registry;
mod settings;
mod tokens;
mod webhooks;

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use feidi_core::Lang;
use feidi_core::policy::{Action, Entity};

use crate::AppState;
use crate::auth::{Caller, FormInput, PageCaller};
use crate::error::{ApiError, ForLang};

/// The upload routes, which take larger bodies than the rest.
pub fn upload_routes() -> Router<AppState> {
    imports::routes()
}

/// The page routes that take an appeal's files.
pub fn attachment_routes() -> Router<AppState> {
    appeals::attachment_routes()
}

/// The largest upload.
pub const UPLOAD_MAX_BYTES: usize = imports::UPLOAD_MAX_BYTES;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .route("/favicon.ico", get(favicon))
        .route("/lang", post(switch_lang))
        .merge(login::routes())
        .merge(registry::routes())
        .merge(admin::routes())
        .merge(cockpit::routes())
        .merge(appeals::routes())
        .merge(organisation::routes())
        .merge(webhooks::routes())
        .merge(tokens::routes())
        .merge(settings::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(notice_shown_once))
}

/// The signed-in user as the page header shows them.
pub struct Badge {
    pub id: i64,
    pub name: String,
    pub role_label: &'static str,
    pub is_admin: bool,
    pub can_audit: bool,
    pub can_cockpit: bool,
    pub can_import: bool,
    /// Officials who read land (M6).
    pub can_land: bool,
    /// Those who see the resettled households (admins, leaders, staff).
    pub can_households: bool,
    /// Officials have an inbox of appeals; enterprises do not.
    pub can_inbox: bool,
    /// An enterprise's own user: the menu speaks of its own projects and requests.
    pub own: bool,
}

/// What every page's frame needs.
pub struct Chrome {
    pub lang: Lang,
    pub user: Option<Badge>,
    pub csrf: String,
    pub section: &'static str,
    pub notice: Option<String>,
    /// A class on the page's body: `wall` for the cockpit on a wall display.
    pub body_class: &'static str,
}

impl Chrome {
    pub fn for_caller(caller: &Caller, section: &'static str) -> Self {
        let lang = caller.lang();
        let principal = caller.principal();
        Self {
            lang,
            user: Some(Badge {
                id: caller.user.id,
                name: caller.user.name.clone(),
                role_label: caller.user.role.label(lang),
                is_admin: principal.is_admin(),
                own: principal.is_enterprise(),
                can_audit: principal.may(Action::Read, Entity::Audit),
                can_cockpit: principal.may(Action::Read, Entity::Programme),
                can_import: principal.scope() == feidi_core::policy::Scope::All
                    && principal.may(Action::Write, Entity::Report),
                can_inbox: principal.scope() == feidi_core::policy::Scope::All,
                can_land: principal.may(Action::Read, Entity::Land),
                can_households: principal.may(Action::Read, Entity::Resettlement),
            }),
            csrf: caller.csrf().to_string(),
            section,
            notice: caller.notice.clone(),
            body_class: "",
        }
    }

    pub fn anonymous(lang: Lang, csrf: String) -> Self {
        Self {
            lang,
            user: None,
            csrf,
            section: "",
            notice: None,
            body_class: "",
        }
    }
}

/// Goes to `to` with a message for the page found there, shown once ("已提交", "已签收"): it
/// travels in a short-lived cookie that the next page shown clears.
pub fn redirect_with_notice(to: &str, notice: &str) -> Response {
    let mut response = axum::response::Redirect::to(to).into_response();
    let cookie = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60",
        crate::auth::NOTICE_COOKIE,
        url_encode(notice)
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, value);
    }
    response
}

/// Clears a notice once a page has shown it (any page answering HTML while the cookie is set).
pub async fn notice_shown_once(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let had_notice = crate::auth::cookie(request.headers(), crate::auth::NOTICE_COOKIE).is_some();
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if had_notice && is_page {
        let clear = format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
            crate::auth::NOTICE_COOKIE
        );
        if let Ok(value) = axum::http::HeaderValue::from_str(&clear) {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, value);
        }
    }
    response
}

/// Renders a template into a page with a status.
/// A page's query with `month` set to the programme's default month where none is asked (the
/// reports due, the dispatch report): the month the desk counts and the cockpit reads.
pub async fn with_default_month(
    state: &AppState,
    lang: Lang,
    mut params: HashMap<String, String>,
) -> Result<HashMap<String, String>, ApiError> {
    if params.get("month").is_none_or(|m| m.trim().is_empty()) {
        let month = feidi_app::programme::default_month(&state.app, feidi_core::time::today())
            .await
            .for_lang(lang)?;
        params.insert("month".into(), month);
    }
    Ok(params)
}

pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    c: Chrome,
    title: String,
    text: String,
}

fn message(c: Chrome, status: StatusCode, title: &str, text: &str) -> Response {
    render(
        status,
        &MessagePage {
            c,
            title: title.into(),
            text: text.into(),
        },
    )
}

/// A page that tells the caller something, with a status.
pub fn message_page(caller: &Caller, status: StatusCode, title: &str, text: &str) -> Response {
    message(Chrome::for_caller(caller, ""), status, title, text)
}

/// The page for a form posted without a valid CSRF token.
pub fn forbidden_page(lang: Lang) -> Response {
    let (title, text) = match lang {
        Lang::Zh => ("请求无效", "表单已过期或来源不明，请返回重新提交。"),
        Lang::En => (
            "Invalid request",
            "The form has expired or did not come from this site. Go back and submit it again.",
        ),
    };
    message(
        Chrome::anonymous(lang, String::new()),
        StatusCode::FORBIDDEN,
        title,
        text,
    )
}

/// Answers an error of a page handler as a page, in the caller's language.
/// A page as viewed, or the page that says why it cannot be.
pub fn shown(caller: &Caller, view: Result<impl Template, ApiError>) -> Response {
    match view {
        Ok(view) => render(StatusCode::OK, &view),
        Err(e) => error_page(caller, e),
    }
}

pub fn error_page(caller: &Caller, err: ApiError) -> Response {
    let lang = caller.lang();
    let (status, title, text) = match (&err, lang) {
        (ApiError::NotFound, Lang::Zh) => (StatusCode::NOT_FOUND, "未找到", "该记录不存在或您无权查看。"),
        (ApiError::NotFound, Lang::En) => (
            StatusCode::NOT_FOUND,
            "Not found",
            "There is no such record, or you may not see it.",
        ),
        (ApiError::Forbidden, Lang::Zh) => (StatusCode::FORBIDDEN, "无权操作", "您的角色不能执行此操作。"),
        (ApiError::Forbidden, Lang::En) => {
            (StatusCode::FORBIDDEN, "Not allowed", "Your role may not do this.")
        }
        (ApiError::Conflict(detail), _) => (
            StatusCode::CONFLICT,
            lang.t("error.title_conflict"),
            lang.t(if *detail == crate::error::IN_USE {
                "error.in_use"
            } else {
                "error.stale"
            }),
        ),
        _ => return err.into_response(),
    };
    message(Chrome::for_caller(caller, ""), status, title, text)
}

/// An amount a form's field holds, as the services take it (yuan): typed in `unit` unless a
/// unit is typed with it (`4,620`, `4620万`, `0.462亿`, `46200000元`); an empty field is left
/// for the services to call missing. A field that is no amount is named.
pub(crate) fn amount_field(
    fields: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    unit: feidi_core::MoneyUnit,
) -> Result<(), feidi_core::FieldErrors> {
    let typed = fields
        .get(name)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string();
    if typed.is_empty() {
        return Ok(());
    }
    match feidi_core::Money::parse_typed(&typed, unit) {
        Ok(amount) => {
            fields.insert(name.into(), serde_json::Value::String(amount.to_string()));
            Ok(())
        }
        Err(_) => Err(feidi_core::FieldErrors::one(
            name,
            match unit {
                feidi_core::MoneyUnit::Yuan => feidi_core::Flaw::Rule(
                    "须为金额（单位元），如 186,000.50 或 18.6万",
                    "must be an amount in yuan, e.g. 186,000.50 or 18.6万",
                ),
                _ => feidi_core::Flaw::Rule(
                    "须为金额（默认单位万元），如 4,620 或 4620万、0.462亿、46200000元",
                    "must be an amount (in 万元 unless a unit is given), e.g. 4,620 or 4620万, 0.462亿, 46200000元",
                ),
            },
        )),
    }
}

/// What a refused form held, to show it again: each field as typed, each error beside its
/// field in the reader's language, and the first bad field to focus.
#[derive(Debug, Clone, Default)]
pub(crate) struct Typed {
    values: std::collections::HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl Typed {
    pub(crate) fn of(
        fields: &serde_json::Map<String, serde_json::Value>,
        errors: &feidi_core::FieldErrors,
        lang: Lang,
    ) -> Self {
        Self {
            values: fields
                .iter()
                .filter(|(k, _)| k.as_str() != crate::auth::CSRF_FIELD)
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect(),
            errors: errors
                .0
                .iter()
                .map(|e| (e.field.clone(), e.flaw.message(lang)))
                .collect(),
        }
    }

    /// The field as typed (empty on a fresh form).
    pub(crate) fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// Whether a choice was the one made.
    pub(crate) fn chose(&self, name: &str, option: &str) -> bool {
        self.value(name) == option
    }

    /// The field's error, in words.
    pub(crate) fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
    }

    /// Whether this is the first field with an error, which takes the focus.
    pub(crate) fn focus(&self, name: &str) -> bool {
        self.errors.first().is_some_and(|(f, _)| f == name)
    }

    /// Errors of fields the form does not show (named by the caller), joined.
    pub(crate) fn others(&self, shown: &[&str]) -> Option<String> {
        let rest: Vec<&str> = self
            .errors
            .iter()
            .filter(|(f, _)| !shown.contains(&f.as_str()))
            .map(|(_, m)| m.as_str())
            .collect();
        (!rest.is_empty()).then(|| rest.join("；"))
    }
}

/// A list's place among its pages and the links to the pages beside it, which keep the list's
/// other parameters (filters, sort). Shown by `pager.html`.
pub(crate) struct Pager {
    pub page: i64,
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `path` is the list's path without its leading slash or query ("appeals").
    pub(crate) fn new(
        path: &str,
        params: &std::collections::HashMap<String, String>,
        page: i64,
        per_page: i64,
        total: i64,
    ) -> Self {
        let pages = ((total + per_page - 1) / per_page.max(1)).max(1);
        let link = |n: i64| registry::href_with(path, params, "page", &n.to_string());
        Self {
            page,
            pages,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    pub(crate) fn of<T>(
        path: &str,
        params: &std::collections::HashMap<String, String>,
        found: &feidi_store::Page<T>,
    ) -> Self {
        Self::new(path, params, found.page, found.per_page, found.total)
    }
}

/// Percent-encodes a query-string value.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    desk: feidi_app::desk::Desk,
    /// The nearest deadline in the inbox, as people read it.
    nearest: String,
    /// The programme's figures, for those who oversee it (an enterprise has none).
    d: Option<feidi_app::programme::Dashboard>,
}

/// The home page: what waits for this person first, then the programme at a glance.
async fn home(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    let (who, lang) = (caller.principal(), caller.lang());
    let now = feidi_core::time::now();
    let page = async {
        let desk = feidi_app::desk::desk(&state.app, &who, now)
            .await
            .for_lang(lang)?;
        let d = if who.scope() == feidi_core::policy::Scope::All {
            let (day, _) = feidi_app::programme::default_day(&state.app, feidi_core::time::day_of(now))
                .await
                .for_lang(lang)?;
            Some(
                feidi_app::programme::dashboard(&state.app, &who, day)
                    .await
                    .for_lang(lang)?,
            )
        } else {
            None
        };
        let nearest = desk
            .nearest_due
            .as_ref()
            .and_then(feidi_core::time::Stamp::instant)
            .map(|due| appeals::time_left(due, now, lang).0)
            .unwrap_or_default();
        Ok::<_, ApiError>(HomePage {
            c: Chrome::for_caller(&caller, "home"),
            desk,
            nearest,
            d,
        })
    }
    .await;
    shown(&caller, page)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
        .into_response()
}

/// The browser asks for an icon on every site; answering it spares a redirect to the login.
async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/favicon.svg"),
    )
        .into_response()
}

async fn switch_lang(State(state): State<AppState>, form: FormInput) -> Response {
    let lang = form
        .fields
        .get("lang")
        .and_then(|v| v.as_str())
        .and_then(Lang::parse)
        .unwrap_or_default();
    if let Err(e) = feidi_app::sessions::set_lang(&state.app, form.caller.user.id, lang).await {
        return ApiError::from_app(e, lang).into_response();
    }
    Redirect::to("/").into_response()
}

async fn not_found(PageCaller(caller): PageCaller) -> Response {
    error_page(&caller, ApiError::NotFound)
}
