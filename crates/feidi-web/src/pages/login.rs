//! Signing in and out, the language switch for visitors, and changing one's password.

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use feidi_core::Lang;
use serde_json::Value;

use super::{Chrome, render};
use crate::AppState;
use crate::auth::{
    self, FormInput, LANG_COOKIE, PRELOGIN_COOKIE, PageCaller, SESSION_COOKIE, Via, cookie, set_cookie,
    visitor_lang,
};
use crate::error::ApiError;

use feidi_app::sessions::{self, PasswordChange, SignIn};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/password", get(password_form).post(change_password))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    error: Option<String>,
    login: String,
    next: String,
}

/// Only local paths may be a login's destination, so the login page cannot send anyone away.
fn safe_next(next: Option<&str>) -> String {
    // Browsers drop tabs and newlines from URLs and read `\` as `/`, so any of them anywhere
    // could turn a local path into another site's address.
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c.is_control() || c == '\\' || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_destinations() {
        for (next, expected) in [
            ("/projects?zone_id=3", "/projects?zone_id=3"),
            ("/", "/"),
            ("//evil.example", "/"),
            ("/\t/evil.example", "/"),
            ("/\\evil.example", "/"),
            ("/%09/x", "/%09/x"),
            ("https://evil.example", "/"),
            ("/a\nb", "/"),
        ] {
            assert_eq!(super::safe_next(Some(next)), expected, "{next:?}");
        }
    }
}

fn login_page(
    status: StatusCode,
    lang: Lang,
    error: Option<String>,
    login: String,
    next: String,
    headers: &HeaderMap,
    state: &AppState,
) -> Response {
    // A pre-login CSRF token, checked against the form (double submit), so no other site can
    // sign a visitor in to an account of its choosing. A visitor's existing token is kept, so
    // a second tab (or the browser's own requests) never invalidates the form of the first.
    let csrf = cookie(headers, PRELOGIN_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(feidi_app::credentials::random_token);
    let mut response = render(
        status,
        &LoginPage {
            c: Chrome::anonymous(lang, csrf.clone()),
            error,
            login,
            next,
        },
    );
    if let Ok(v) = HeaderValue::from_str(&set_cookie(
        PRELOGIN_COOKIE,
        &csrf,
        3600,
        state.config.secure_cookies,
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let chosen = params.get("lang").and_then(|l| Lang::parse(l));
    let lang = chosen.unwrap_or_else(|| visitor_lang(&headers));
    let next = safe_next(params.get("next").map(String::as_str));
    let mut response = login_page(StatusCode::OK, lang, None, String::new(), next, &headers, &state);
    if let Some(lang) = chosen
        && let Ok(v) = HeaderValue::from_str(&set_cookie(
            LANG_COOKIE,
            lang.as_str(),
            365 * 86400,
            state.config.secure_cookies,
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

fn client_address(headers: &HeaderMap, peer: SocketAddr, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(forwarded) = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok())
        && let Some(first) = forwarded.split(',').next()
    {
        return first.trim().to_string();
    }
    peer.ip().to_string()
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = auth::parse_form(&body);
    let field = |name: &str| {
        form.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let lang = visitor_lang(&headers);
    let login_name = field("login").trim().to_string();
    let next = safe_next(Some(&field("next")));
    let fail = |status: StatusCode, key: &str| {
        login_page(
            status,
            lang,
            Some(lang.t(key).to_string()),
            login_name.clone(),
            next.clone(),
            &headers,
            &state,
        )
    };

    let presented = field(auth::CSRF_FIELD);
    let expected = cookie(&headers, PRELOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || presented != expected {
        return super::forbidden_page(lang);
    }

    let address = client_address(&headers, peer, state.config.trust_proxy);
    let hours = state.config.session_hours;
    let token = match sessions::sign_in(&state.app, &login_name, field("password"), &address, hours).await {
        Ok(SignIn::SignedIn { token }) => token,
        Ok(SignIn::Locked) => return fail(StatusCode::TOO_MANY_REQUESTS, "login.locked"),
        Ok(SignIn::Failed { failures }) => {
            // Each failure in a row answers a little slower, before the lock takes over.
            let delay = 250 * failures.min(sessions::ACCOUNT_LOCK_AFTER) as u64;
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            return fail(StatusCode::UNAUTHORIZED, "login.failed");
        }
        Err(e) => return ApiError::from_app(e, lang).into_response(),
    };
    let mut response = Redirect::to(&next).into_response();
    let secure = state.config.secure_cookies;
    for value in [
        set_cookie(SESSION_COOKIE, &token, state.config.session_hours * 3600, secure),
        set_cookie(PRELOGIN_COOKIE, "", 0, secure),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

async fn logout(State(state): State<AppState>, form: FormInput) -> Response {
    if let Via::Session { token_hash, .. } = &form.caller.via
        && let Err(e) = sessions::sign_out(&state.app, token_hash).await
    {
        return ApiError::from_app(e, form.caller.lang()).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    c: Chrome,
    error: Option<String>,
}

async fn password_form(PageCaller(caller): PageCaller) -> Response {
    render(
        StatusCode::OK,
        &PasswordPage {
            c: Chrome::for_caller(&caller, ""),
            error: None,
        },
    )
}

async fn change_password(State(state): State<AppState>, form: FormInput) -> Response {
    let caller = form.caller;
    let lang = caller.lang();
    let field = |name: &str| {
        form.fields
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let again = |status: StatusCode, error: String| {
        render(
            status,
            &PasswordPage {
                c: Chrome::for_caller(&caller, ""),
                error: Some(error),
            },
        )
    };
    let keep = match &caller.via {
        Via::Session { token_hash, .. } => Some(token_hash.as_str()),
        Via::Token => None,
    };
    let outcome =
        sessions::change_password(&state.app, caller.user.id, field("current"), field("new"), keep).await;
    match outcome {
        Ok(PasswordChange::Changed) => {}
        Ok(PasswordChange::Locked) => {
            return again(StatusCode::TOO_MANY_REQUESTS, lang.t("login.locked").into());
        }
        Ok(PasswordChange::Wrong) => {
            return again(StatusCode::UNPROCESSABLE_ENTITY, lang.t("password.wrong").into());
        }
        Ok(PasswordChange::Weak(flaw)) => {
            return again(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{}: {}", lang.t("password.new"), flaw.message(lang)),
            );
        }
        Err(e) => return ApiError::from_app(e, lang).into_response(),
    }
    let mut c = Chrome::for_caller(&caller, "");
    c.notice = Some(lang.t("password.changed").into());
    render(StatusCode::OK, &PasswordPage { c, error: None })
}
