//! The working-day calendar page (admins mark holidays and 调休 workdays, one at a time or a
//! year's schedule pasted as CSV) and the absences page (officials record when they are away;
//! the page warns when an enterprise's A and B would both be away), a task force's members and
//! the appeal categories with their resolve times.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use feidi_core::Lang;
use feidi_core::policy::{Action, Entity};
use feidi_store::{NameList, Named};
use serde_json::Value;

use super::{Chrome, error_page, render, shown};
use crate::AppState;
use crate::auth::{Caller, FormInput, PageCaller};
use crate::error::{ApiError, ForLang};
use feidi_app::appeals as ops;
use feidi_app::registry;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(calendar_page).post(mark_day))
        .route("/calendar/import", post(import_days))
        .route("/calendar/{date}/delete", post(unmark_day))
        .route("/absences", get(absences_page).post(add_absence))
        .route("/absences/{user}/{id}/delete", post(delete_absence))
        .route("/task-forces/{id}/members", get(members_page).post(add_member))
        .route("/task-forces/{id}/members/{user}/delete", post(remove_member))
        .route("/appeal-categories", get(categories_page).post(save_category))
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    c: Chrome,
    year: i32,
    years: Vec<i32>,
    days: Vec<(String, String, String)>,
    may_edit: bool,
    notice: Option<String>,
    /// The lines of a refused calendar file.
    errors: Vec<String>,
    /// The mark form, or the file, as typed when refused.
    typed: super::Typed,
}

async fn calendar_view(state: &AppState, caller: &Caller, year: i32) -> Result<CalendarPage, ApiError> {
    let lang = caller.lang();
    let this = feidi_core::time::today().year();
    let mut params = HashMap::new();
    params.insert("year".to_string(), year.to_string());
    let days = ops::calendar_days(&state.app, &caller.principal(), &params)
        .await
        .for_lang(lang)?
        .into_iter()
        .map(|d| {
            let kind = lang.t(if d.kind == "holiday" {
                "calendar.holiday"
            } else {
                "calendar.workday"
            });
            (d.date.to_string(), kind.to_string(), d.name.unwrap_or_default())
        })
        .collect();
    Ok(CalendarPage {
        c: Chrome::for_caller(caller, "calendar"),
        year,
        years: (this - 3..=this + 1).collect(),
        days,
        may_edit: caller.principal().may(Action::Write, Entity::Calendar),
        notice: None,
        errors: Vec::new(),
        typed: super::Typed::default(),
    })
}

async fn calendar_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let year = params
        .get("year")
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (1900..=9999).contains(y))
        .unwrap_or_else(|| feidi_core::time::today().year());
    shown(&caller, calendar_view(&state, &caller, year).await)
}

fn year_of(date: &str) -> i32 {
    date.get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(|| feidi_core::time::today().year())
}

async fn mark_day(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let date = fields
        .get("date")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut body = fields.clone();
    body.remove("_csrf");
    body.remove("date");
    if body
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|n| n.trim().is_empty())
    {
        body.remove("name");
    }
    match ops::put_calendar_day(&state.app, &caller.principal(), &date, &body)
        .await
        .for_lang(caller.lang())
    {
        Ok(_) => super::redirect_with_notice(
            &format!("/calendar?year={}", year_of(&date)),
            &format!("{}{date}", caller.lang().t("calendar.marked")),
        ),
        Err(ApiError::Invalid(errors, lang)) => match calendar_view(&state, &caller, year_of(&date)).await {
            Ok(mut view) => {
                view.typed = super::Typed::of(&fields, &errors, lang);
                render(StatusCode::UNPROCESSABLE_ENTITY, &view)
            }
            Err(e) => error_page(&caller, e),
        },
        Err(e) => error_page(&caller, e),
    }
}

async fn unmark_day(State(state): State<AppState>, Path(date): Path<String>, form: FormInput) -> Response {
    let caller = form.caller;
    match ops::delete_calendar_day(&state.app, &caller.principal(), &date)
        .await
        .for_lang(caller.lang())
    {
        Ok(()) => Redirect::to(&format!("/calendar?year={}", year_of(&date))).into_response(),
        Err(e) => error_page(&caller, e),
    }
}

async fn import_days(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    if !caller.principal().may(Action::Write, Entity::Calendar) {
        return error_page(&caller, ApiError::Forbidden);
    }
    let text = fields.get("csv").and_then(Value::as_str).unwrap_or_default();
    let year = feidi_core::time::today().year();
    match feidi_app::calendar::parse_calendar_csv(text.as_bytes()) {
        Ok(days) => {
            let count = days.len();
            let first = days.first().map_or(year, |d| d.0.year());
            let note = format!("calendar import of {count} dates from the calendar page");
            match ops::import_calendar(&state.app, Some(&caller.principal()), days, note).await {
                Ok(_) => match calendar_view(&state, &caller, first).await {
                    Ok(mut view) => {
                        view.notice = Some(match lang {
                            Lang::Zh => format!("已标记 {count} 个日期。"),
                            Lang::En => format!("{count} dates marked."),
                        });
                        render(StatusCode::OK, &view)
                    }
                    Err(e) => error_page(&caller, e),
                },
                Err(e) => error_page(&caller, ApiError::from_app(e, lang)),
            }
        }
        Err(errors) => match calendar_view(&state, &caller, year).await {
            Ok(mut view) => {
                // The file stays in its box, to be mended rather than typed again.
                view.typed = super::Typed::of(&fields, &feidi_core::FieldErrors::default(), lang);
                view.errors = errors
                    .iter()
                    .map(|e| format!("{} {}: {}: {}", lang.t("import.line"), e.line, e.field, e.message))
                    .collect();
                render(StatusCode::UNPROCESSABLE_ENTITY, &view)
            }
            Err(e) => error_page(&caller, e),
        },
    }
}

pub struct AbsenceRow {
    id: i64,
    user_id: i64,
    official: String,
    from: String,
    to: String,
    reason: String,
    may_delete: bool,
}

#[derive(Template)]
#[template(path = "absences.html")]
struct AbsencesPage {
    c: Chrome,
    rows: Vec<AbsenceRow>,
    me: i64,
    officials: Vec<(i64, String)>,
    warnings: Vec<String>,
    error: Option<String>,
    typed: super::Typed,
}

async fn absences_view(state: &AppState, caller: &Caller) -> Result<AbsencesPage, ApiError> {
    let (lang, who) = (caller.lang(), caller.principal());
    let today = feidi_core::time::today();
    let mut window = HashMap::new();
    window.insert("from".to_string(), today.to_string());
    window.insert(
        "to".to_string(),
        (today + chrono::Duration::days(120)).to_string(),
    );
    let absences = ops::absences_between(&state.app, &who, &window, today)
        .await
        .for_lang(lang)?;
    let ids: Vec<i64> = absences.iter().map(|a| a.user_id).collect();
    let names = registry::names_of(&state.app, Named::Users, &ids)
        .await
        .for_lang(lang)?;
    let keeps_others = who.may(Action::Write, Entity::Organisation);
    let officials = if keeps_others {
        registry::names(&state.app, &who, NameList::Officials)
            .await
            .for_lang(lang)?
    } else {
        Vec::new()
    };
    Ok(AbsencesPage {
        c: Chrome::for_caller(caller, "absences"),
        rows: absences
            .into_iter()
            .map(|a| AbsenceRow {
                may_delete: keeps_others || a.user_id == caller.user.id,
                official: names.get(&a.user_id).cloned().unwrap_or_default(),
                id: a.id,
                user_id: a.user_id,
                from: a.from.to_string(),
                to: a.to.to_string(),
                reason: a.reason,
            })
            .collect(),
        me: caller.user.id,
        officials,
        warnings: Vec::new(),
        error: None,
        typed: super::Typed::default(),
    })
}

async fn absences_page(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    shown(&caller, absences_view(&state, &caller).await)
}

async fn add_absence(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    let user = fields
        .get("user_id")
        .and_then(Value::as_str)
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(caller.user.id);
    let outcome = ops::record_absence(&state.app, &caller.principal(), user, &fields)
        .await
        .for_lang(lang);
    let mut view = match absences_view(&state, &caller).await {
        Ok(view) => view,
        Err(e) => return error_page(&caller, e),
    };
    match outcome {
        Ok(answer) => {
            let clashes = answer["warnings"].as_array().cloned().unwrap_or_default();
            if clashes.is_empty() {
                return super::redirect_with_notice("/absences", lang.t("absence.saved"));
            }
            view.warnings = clashes
                .iter()
                .map(|w| {
                    let name = match w["project_name"].as_str() {
                        Some(project) => {
                            format!("{}·{project}", w["enterprise_name"].as_str().unwrap_or_default())
                        }
                        None => w["enterprise_name"].as_str().unwrap_or_default().to_string(),
                    };
                    let (from, to) = (
                        w["from"].as_str().unwrap_or_default(),
                        w["to"].as_str().unwrap_or_default(),
                    );
                    match lang {
                        Lang::Zh => format!("{name}：{from} 至 {to} A、B角均不在岗"),
                        Lang::En => format!("{name}: A and B both away from {from} to {to}"),
                    }
                })
                .collect();
            render(StatusCode::OK, &view)
        }
        Err(ApiError::Invalid(errors, lang)) => {
            view.typed = super::Typed::of(&fields, &errors, lang);
            view.error = Some(
                view.typed
                    .others(&["from", "to", "reason"])
                    .unwrap_or_else(|| lang.t("error.fix_fields").to_string()),
            );
            render(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(e) => error_page(&caller, e),
    }
}

async fn delete_absence(
    State(state): State<AppState>,
    Path((user, id)): Path<(i64, i64)>,
    form: FormInput,
) -> Response {
    let caller = form.caller;
    match ops::remove_absence(&state.app, &caller.principal(), user, id)
        .await
        .for_lang(caller.lang())
    {
        Ok(()) => Redirect::to("/absences").into_response(),
        Err(e) => error_page(&caller, e),
    }
}

pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub login: String,
    pub role: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "members.html")]
pub struct MembersPage {
    c: Chrome,
    id: i64,
    name: String,
    title: String,
    members: Vec<MemberRow>,
    may_edit: bool,
    /// Officials not yet on it.
    candidates: Vec<(i64, String)>,
    error: Option<String>,
    typed: super::Typed,
}

async fn members_view(state: &AppState, caller: &Caller, id: i64) -> Result<MembersPage, ApiError> {
    let (lang, who) = (caller.lang(), caller.principal());
    let task_force = registry::get::<feidi_app::kinds::TaskForces>(&state.app, &who, id)
        .await
        .for_lang(lang)?;
    let members = ops::members(&state.app, &who, id).await.for_lang(lang)?;
    let may_edit = who.may(Action::Write, Entity::Organisation);
    let candidates = if may_edit {
        registry::names(&state.app, &who, NameList::Officials)
            .await
            .for_lang(lang)?
            .into_iter()
            .filter(|(uid, _)| members.iter().all(|m| m.user_id != *uid))
            .collect()
    } else {
        Vec::new()
    };
    Ok(MembersPage {
        c: Chrome::for_caller(caller, "task-forces"),
        id,
        title: format!("{} · {}", task_force.name, lang.t("member.title")),
        name: task_force.name,
        members: members
            .into_iter()
            .map(|m| MemberRow {
                role: feidi_core::model::Role::parse(&m.role)
                    .map(|r| r.label(lang).to_string())
                    .unwrap_or(m.role),
                user_id: m.user_id,
                name: m.name,
                login: m.login,
                active: m.active,
            })
            .collect(),
        may_edit,
        candidates,
        error: None,
        typed: super::Typed::default(),
    })
}

async fn members_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
) -> Response {
    shown(&caller, members_view(&state, &caller, id).await)
}

async fn add_member(State(state): State<AppState>, Path(id): Path<i64>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let user = fields
        .get("user_id")
        .and_then(Value::as_str)
        .and_then(|v| v.parse::<i64>().ok());
    let outcome = match user {
        Some(user) => ops::add_member(&state.app, &caller.principal(), id, user)
            .await
            .map(|_| ())
            .for_lang(caller.lang()),
        None => Err(ApiError::Invalid(
            feidi_core::FieldErrors::one("user_id", feidi_core::Flaw::Required),
            caller.lang(),
        )),
    };
    match outcome {
        Ok(()) => super::redirect_with_notice(
            &format!("/task-forces/{id}/members"),
            caller.lang().t("member.added"),
        ),
        Err(ApiError::Invalid(errors, lang)) => match members_view(&state, &caller, id).await {
            Ok(mut view) => {
                view.typed = super::Typed::of(&fields, &errors, lang);
                render(StatusCode::UNPROCESSABLE_ENTITY, &view)
            }
            Err(e) => error_page(&caller, e),
        },
        Err(e) => error_page(&caller, e),
    }
}

async fn remove_member(
    State(state): State<AppState>,
    Path((id, user)): Path<(i64, i64)>,
    form: FormInput,
) -> Response {
    let caller = form.caller;
    match ops::remove_member(&state.app, &caller.principal(), id, user)
        .await
        .for_lang(caller.lang())
    {
        Ok(()) => Redirect::to(&format!("/task-forces/{id}/members")).into_response(),
        Err(e) => error_page(&caller, e),
    }
}

/// A category as the categories page shows it: what is stored, or — on the row an admin just
/// saved with a mistake — what they typed, so that nothing they entered is lost.
pub struct CategoryRow {
    key: String,
    name: String,
    name_en: String,
    /// What English pages show while the English name is empty (a default's own English
    /// name, else the Chinese one).
    shown_en: String,
    days: String,
    version: i64,
    /// The row holds what was typed and was refused.
    refused: bool,
}

#[derive(Template)]
#[template(path = "categories.html")]
struct CategoriesPage {
    c: Chrome,
    rows: Vec<CategoryRow>,
    /// The new-category form's fields (filled again after a refused save).
    draft: CategoryRow,
    may_edit: bool,
    errors: Vec<String>,
}

async fn categories_view(state: &AppState, caller: &Caller) -> Result<CategoriesPage, ApiError> {
    let rows = ops::categories(&state.app, &caller.principal())
        .await
        .for_lang(caller.lang())?
        .into_iter()
        .map(|c| CategoryRow {
            shown_en: feidi_core::appeals::category_name(&c.key, &c.name, None, Lang::En),
            key: c.key,
            name: c.name,
            name_en: c.name_en.unwrap_or_default(),
            days: c.resolve_working_days.to_string(),
            version: c.version,
            refused: false,
        })
        .collect();
    Ok(CategoriesPage {
        c: Chrome::for_caller(caller, "categories"),
        rows,
        draft: CategoryRow {
            key: String::new(),
            name: String::new(),
            name_en: String::new(),
            shown_en: String::new(),
            days: "5".into(),
            version: 0,
            refused: false,
        },
        may_edit: caller.principal().may(Action::Write, Entity::Calendar),
        errors: Vec::new(),
    })
}

async fn categories_page(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    shown(&caller, categories_view(&state, &caller).await)
}

/// Saves a category from the page: a row's form carries the version it showed (a change by
/// someone else meanwhile is refused, not overwritten); the new-category form carries version
/// 0, which no stored category has, so an existing key is refused rather than replaced.
async fn save_category(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    let text = |name: &str| {
        fields
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let key = text("key");
    let creating = text("version") == "0";
    let mut body = fields.clone();
    body.remove("_csrf");
    body.remove("key");
    // An empty English name removes it (English pages then show the default or the Chinese).
    if text("name_en").is_empty() {
        body.insert("name_en".into(), Value::Null);
    }
    let mut problem = match ops::put_category(&state.app, &caller.principal(), &key, &body)
        .await
        .for_lang(caller.lang())
    {
        Ok(_) => return Redirect::to("/appeal-categories").into_response(),
        Err(ApiError::Invalid(errors, lang)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors
                .0
                .iter()
                .map(|e| format!("{}: {}", category_field(&e.field, lang), e.flaw.message(lang)))
                .collect::<Vec<_>>(),
        ),
        Err(ApiError::Conflict(_)) => (
            StatusCode::CONFLICT,
            vec![if creating {
                match lang {
                    Lang::Zh => format!("类别代码“{key}”已存在，请在上表中修改。"),
                    Lang::En => format!("There is already a category “{key}”: change it in the table above."),
                }
            } else {
                lang.t("error.stale").to_string()
            }],
        ),
        Err(e) => return error_page(&caller, e),
    };
    match categories_view(&state, &caller).await {
        Ok(mut view) => {
            let typed = CategoryRow {
                key: key.clone(),
                name: text("name"),
                name_en: text("name_en"),
                shown_en: String::new(),
                days: text("resolve_working_days"),
                version: 0,
                refused: true,
            };
            match view.rows.iter_mut().find(|r| r.key == key).filter(|_| !creating) {
                // After a conflict the row shows what was typed with the version now stored,
                // and the message what is stored: saving again replaces it knowingly.
                Some(row) => {
                    let version = if problem.0 == StatusCode::CONFLICT {
                        problem.1.push(match lang {
                            Lang::Zh => format!(
                                "现存：{}（{}）{} 个工作日。您填写的内容保留在下表，再次保存将替换它。",
                                row.name, row.name_en, row.days
                            ),
                            Lang::En => format!(
                                "Now stored: {} ({}), {} working days. What you typed is kept below; saving it again replaces that.",
                                row.name, row.name_en, row.days
                            ),
                        });
                        row.version
                    } else {
                        text("version").parse().unwrap_or(row.version)
                    };
                    let shown_en = std::mem::take(&mut row.shown_en);
                    *row = CategoryRow {
                        version,
                        shown_en,
                        ..typed
                    };
                }
                None => view.draft = typed,
            }
            view.errors = problem.1;
            render(problem.0, &view)
        }
        Err(e) => error_page(&caller, e),
    }
}

/// A category field's label, for the page's error lines.
fn category_field(field: &str, lang: Lang) -> String {
    let label = match field {
        "key" => "category.key",
        "name" => "field.name",
        "name_en" => "category.name_en",
        "resolve_working_days" => "category.days",
        other => return other.to_string(),
    };
    lang.t(label).to_string()
}
