//! A user's API tokens (`/users/{id}/tokens`): listed without their secrets, issued with a
//! label and an optional expiry (the secret shown once), revoked at once — what the API's
//! `/users/{id}/tokens` does, for a person. Admins reach anyone's, a user their own.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value};

use super::{Chrome, error_page, render, shown};
use crate::AppState;
use crate::auth::{Caller, FormInput, PageCaller};
use crate::error::{ApiError, ForLang};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users/{id}/tokens", get(page).post(issue))
        .route("/users/{id}/tokens/{token_id}/revoke", post(revoke))
}

pub struct TokenRow {
    id: i64,
    label: String,
    created: String,
    last_used: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    c: Chrome,
    user_id: i64,
    owner: String,
    tokens: Vec<TokenRow>,
    /// A token just issued: its secret, shown this once.
    issued: Option<String>,
    /// The form, filled again after a refused issue.
    label: String,
    expires: String,
    errors: Vec<String>,
}

async fn view(state: &AppState, caller: &Caller, user_id: i64) -> Result<TokensPage, ApiError> {
    let lang = caller.lang();
    let owner = feidi_app::users::get_user(&state.app, &caller.principal(), user_id)
        .await
        .for_lang(caller.lang())?;
    let tokens = feidi_app::users::list_tokens(&state.app, &caller.principal(), user_id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            label: t.label.unwrap_or_else(|| "—".into()),
            created: t.created_at.to_string(),
            last_used: t
                .last_used_at
                .map_or_else(|| lang.t("token.never").to_string(), |at| at.to_string()),
            expires: t
                .expires_at
                .map_or_else(|| lang.t("token.no_expiry").to_string(), |at| at.to_string()),
        })
        .collect();
    Ok(TokensPage {
        c: Chrome::for_caller(caller, "users"),
        user_id,
        owner: format!("{} ({})", owner.name, owner.login),
        tokens,
        issued: None,
        label: String::new(),
        expires: String::new(),
        errors: Vec::new(),
    })
}

async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
) -> Response {
    shown(&caller, view(&state, &caller, id).await)
}

async fn issue(State(state): State<AppState>, Path(id): Path<i64>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let text = |name: &str| {
        fields
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let mut body = Map::new();
    body.insert("label".into(), Value::String(text("label")));
    body.insert("expires_at".into(), Value::String(text("expires_at")));
    let issued = feidi_app::users::issue_token(
        &state.app,
        &caller.principal(),
        id,
        &body,
        feidi_core::time::now(),
    )
    .await
    .for_lang(caller.lang());
    let mut page = match view(&state, &caller, id).await {
        Ok(page) => page,
        Err(e) => return error_page(&caller, e),
    };
    match issued {
        Ok((_, token)) => {
            page.issued = Some(token);
            render(StatusCode::CREATED, &page)
        }
        Err(ApiError::Invalid(errors, lang)) => {
            page.errors = errors
                .0
                .iter()
                .map(|e| {
                    let name = match e.field.as_str() {
                        "label" => lang.t("token.label"),
                        "expires_at" => lang.t("token.expires"),
                        other => other,
                    };
                    format!("{name}: {}", e.flaw.message(lang))
                })
                .collect();
            page.label = text("label");
            page.expires = text("expires_at");
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => error_page(&caller, e),
    }
}

async fn revoke(
    State(state): State<AppState>,
    Path((id, token_id)): Path<(i64, i64)>,
    form: FormInput,
) -> Response {
    let caller = form.caller;
    match feidi_app::users::revoke_token(&state.app, &caller.principal(), id, token_id)
        .await
        .for_lang(caller.lang())
    {
        Ok(()) => Redirect::to(&format!("/users/{id}/tokens")).into_response(),
        Err(e) => error_page(&caller, e),
    }
}
