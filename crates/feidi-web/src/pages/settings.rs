//! The programme's rules an admin sets in a form: how late a milestone stays yellow, how many
//! missing monthly reports make a project red, and the day reports are due. The service is
//! `feidi_app::programme::{rules, set_rules}`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::registry::{FormBuilder, FormPage, refill};
use super::{Chrome, error_page, redirect_with_notice, render};
use crate::AppState;
use crate::auth::{Caller, FormInput, PageCaller};
use crate::error::{ApiError, ForLang};

pub fn routes() -> Router<AppState> {
    Router::new().route("/settings", get(page).post(save))
}

fn form(
    caller: &Caller,
    status: StatusCode,
    values: &Map<String, Value>,
    errors: Option<&feidi_core::FieldErrors>,
    banner: Option<String>,
) -> Response {
    let lang = caller.lang();
    let mut form = FormBuilder::new(values, errors, lang);
    form.field("yellow_days", "settings.yellow_days", "number", true)
        .hint = Some(lang.t("settings.yellow_days_hint").into());
    form.field("report_red_months", "settings.report_red_months", "number", true)
        .hint = Some(lang.t("settings.report_red_months_hint").into());
    form.field("report_due_day", "settings.report_due_day", "number", true)
        .hint = Some(lang.t("settings.report_due_day_hint").into());
    let banner = banner.or_else(|| errors.map(|_| lang.t("error.fix_fields").to_string()));
    render(
        status,
        &FormPage {
            c: Chrome::for_caller(caller, "settings"),
            title: lang.t("settings.title").to_string(),
            action: "/settings".into(),
            version: None,
            banner,
            fields: form.fields,
            cancel: "/".into(),
        },
    )
}

async fn page(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    if !caller.principal().is_admin() {
        return error_page(&caller, ApiError::Forbidden);
    }
    match feidi_app::programme::rules(&state.app, &caller.principal())
        .await
        .for_lang(caller.lang())
    {
        Ok(rules) => {
            let values = json!(rules).as_object().cloned().unwrap_or_default();
            form(&caller, StatusCode::OK, &values, None, None)
        }
        Err(e) => error_page(&caller, e),
    }
}

async fn save(State(state): State<AppState>, form_input: FormInput) -> Response {
    let FormInput { caller, fields } = form_input;
    match feidi_app::programme::set_rules(&state.app, &caller.principal(), &fields)
        .await
        .for_lang(caller.lang())
    {
        Ok(_) => redirect_with_notice("/settings", caller.lang().t("settings.saved")),
        Err(err) => {
            refill(&caller, err, |status, errors, banner| {
                let caller = &caller;
                let fields = &fields;
                async move { Ok(form(caller, status, fields, errors.as_ref(), banner)) }
            })
            .await
        }
    }
}
