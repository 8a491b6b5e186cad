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
use feidi_core::registry::password_flaw;
use serde_json::Value;

use super::{Chrome, render};
use crate::AppState;
use crate::auth::{
    self, FormInput, LANG_COOKIE, PRELOGIN_COOKIE, PageCaller, SESSION_COOKIE, Via, cookie, random_token,
    set_cookie, token_hash, visitor_lang,
};
use crate::error::ApiError;

/// Failed attempts before an account is locked, and for how long.
const ACCOUNT_LOCK_AFTER: i64 = 5;
/// An address may try more often: several people may share one (a government network's NAT).
const ADDRESS_LOCK_AFTER: i64 = 30;
const LOCK_MINUTES: i64 = 15;

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
        .unwrap_or_else(random_token);
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

    // A login holding a NUL character names nobody (and PostgreSQL cannot compare it); a
    // password past the bound is nobody's either: both fail like a wrong password, counted.
    let lookup = (!login_name.contains('\0')).then_some(login_name.as_str());
    let account_key = format!("login:{}", login_name.to_lowercase().replace('\0', ""));
    let address_key = format!(
        "addr:{}",
        client_address(&headers, peer, state.config.trust_proxy)
    );
    let now = feidi_core::time::now();
    let keys = [
        (account_key.as_str(), ACCOUNT_LOCK_AFTER),
        (address_key.as_str(), ADDRESS_LOCK_AFTER),
    ];
    let window = chrono::Duration::minutes(LOCK_MINUTES);
    // The attempt is counted before the password is checked: logins sent all at once each
    // take one of the limited attempts, and none is checked past the limit.
    match state.store.throttle_reserve(&keys, window, window).await {
        Ok(true) => {}
        Ok(false) => return fail(StatusCode::TOO_MANY_REQUESTS, "login.locked"),
        Err(e) => return ApiError::from(e).into_response(),
    }

    let credentials = match lookup {
        Some(login) => match state.store.login_credentials(login).await {
            Ok(c) => c,
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => None,
    };
    let (user, hash) = match credentials {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let password = field("password");
    let verified = password.chars().count() <= feidi_core::registry::PASSWORD_MAX
        && auth::verify_password(password, hash).await;
    let user = user.filter(|_| verified);
    let failures = match state.store.throttle_settle(&keys, user.is_some(), window).await {
        Ok(failures) => failures,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some(user) = user else {
        // Each failure in a row answers a little slower, before the lock takes over.
        let delay = 250 * failures.min(ACCOUNT_LOCK_AFTER) as u64;
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
        return fail(StatusCode::UNAUTHORIZED, "login.failed");
    };

    let token = random_token();
    let expires = now + chrono::Duration::hours(state.config.session_hours);
    if let Err(e) = state
        .store
        .create_session(user.id, &token_hash(&token), &random_token(), expires)
        .await
    {
        return ApiError::from(e).into_response();
    }
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
        && let Err(e) = state.store.delete_session(token_hash).await
    {
        return ApiError::from(e).into_response();
    }
    state.credentials.clear();
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
    // The current password is guessed no more freely here than at the login form: a stolen
    // session must not become a way to find the password.
    let key = format!("password:{}", caller.user.id);
    let keys = [(key.as_str(), ACCOUNT_LOCK_AFTER)];
    let window = chrono::Duration::minutes(LOCK_MINUTES);
    match state.store.throttle_reserve(&keys, window, window).await {
        Ok(true) => {}
        Ok(false) => return again(StatusCode::TOO_MANY_REQUESTS, lang.t("login.locked").into()),
        Err(e) => return ApiError::from(e).into_response(),
    }
    let hash = match state.store.password_hash(caller.user.id).await {
        Ok(h) => h,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let current = field("current");
    let verified = current.chars().count() <= feidi_core::registry::PASSWORD_MAX
        && auth::verify_password(current, Some(hash)).await;
    if let Err(e) = state.store.throttle_settle(&keys, verified, window).await {
        return ApiError::from(e).into_response();
    }
    if !verified {
        return again(StatusCode::UNPROCESSABLE_ENTITY, lang.t("password.wrong").into());
    }
    let new = field("new");
    if let Some(flaw) = password_flaw(&new) {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{}: {}", lang.t("password.new"), flaw.message(lang)),
        );
    }
    let hash = match auth::hash_password(new).await {
        Ok(h) => h,
        Err(e) => return ApiError::from_app(e, lang).into_response(),
    };
    let keep = match &caller.via {
        Via::Session { token_hash, .. } => Some(token_hash.as_str()),
        Via::Token => None,
    };
    if let Err(e) = state
        .store
        .set_password(Some(caller.user.id), caller.user.id, hash, keep)
        .await
    {
        return ApiError::from(e).into_response();
    }
    state.credentials.clear();
    let mut c = Chrome::for_caller(&caller, "");
    c.notice = Some(lang.t("password.changed").into());
    render(StatusCode::OK, &PasswordPage { c, error: None })
}
