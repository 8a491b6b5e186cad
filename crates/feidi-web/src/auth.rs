//! Who is calling: a session cookie (pages) or a bearer token (API, scripts, wall displays);
//! passwords hashed with argon2id off the async threads; CSRF tokens for cookie-borne writes.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use feidi_core::Lang;
use feidi_core::policy::Principal;
use feidi_store::User;
use serde_json::{Map, Value};

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "feidi_session";
pub const LANG_COOKIE: &str = "feidi_lang";
pub const PRELOGIN_COOKIE: &str = "feidi_prelogin";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A message an action leaves for the next page shown, once.
pub const NOTICE_COOKIE: &str = "feidi_notice";

#[cfg(test)]
use feidi_app::credentials::{hash_password, verify_password};
use feidi_app::sessions;

/// Reads one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| {
            line.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k == name).then(|| v.to_string())
            })
        })
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, and Secure when served over TLS.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The language of an anonymous visitor: the cookie set by the switch, else Chinese.
pub fn visitor_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default()
}

/// How the caller authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    /// A session cookie: writes must carry the session's CSRF token.
    Session {
        token_hash: String,
        csrf: String,
    },
    Token,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub via: Via,
    /// The message the last action left for its next page (pages only; see
    /// `pages::redirect_with_notice`).
    pub notice: Option<String>,
}

impl Caller {
    pub fn principal(&self) -> Principal {
        Principal {
            user_id: self.user.id,
            role: self.user.role,
            enterprise_id: self.user.enterprise_id,
        }
    }

    pub fn lang(&self) -> Lang {
        self.user.lang
    }

    /// The CSRF token forms of this caller carry (none needed for bearer tokens).
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::Token => "",
        }
    }

    /// Whether a write may go ahead: bearer-token callers always, session callers only with
    /// the session's token (a cross-site form cannot know it).
    pub fn csrf_ok(&self, presented: Option<&str>) -> bool {
        match &self.via {
            Via::Token => true,
            Via::Session { csrf, .. } => {
                presented.is_some_and(|p| constant_time_eq(p.as_bytes(), csrf.as_bytes()))
            }
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Caller>, ApiError> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        let user = sessions::by_token(&state.app, token).await?;
        return Ok(user.map(|user| Caller {
            user,
            via: Via::Token,
            notice: None,
        }));
    }
    if let Some(token) = cookie(&parts.headers, SESSION_COOKIE)
        && let Some(session) = sessions::by_session(&state.app, &token).await?
    {
        return Ok(Some(Caller {
            user: session.user,
            via: Via::Session {
                token_hash: session.token_hash,
                csrf: session.csrf,
            },
            notice: cookie(&parts.headers, NOTICE_COOKIE)
                .map(|v| percent_decode(v.as_bytes()))
                .filter(|v| !v.is_empty())
                .map(|v| v.chars().take(300).collect()),
        }));
    }
    Ok(None)
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// API callers: 401 without valid credentials; cookie-borne writes need the CSRF header.
impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let caller = authenticate(parts, state).await?.ok_or(ApiError::Unauthorized)?;
        if is_write(&parts.method) {
            let presented = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !caller.csrf_ok(presented) {
                return Err(ApiError::Forbidden);
            }
        }
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// What an API handler works with: the application, the caller as the rules see them, and
/// the language its errors are told in. One extractor, so that a handler is little more than
/// the service it calls.
pub struct Api {
    pub state: AppState,
    pub caller: Caller,
    pub who: Principal,
}

impl FromRequestParts<AppState> for Api {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        Ok(Self {
            state: state.clone(),
            who: caller.principal(),
            caller,
        })
    }
}

impl Api {
    pub fn app(&self) -> &feidi_app::App {
        &self.state.app
    }

    pub fn lang(&self) -> Lang {
        self.caller.lang()
    }

    /// The service's error in the caller's words.
    pub fn ok<T>(&self, answer: feidi_app::AppResult<T>) -> Result<T, ApiError> {
        crate::error::ForLang::for_lang(answer, self.lang())
    }

    /// 200 with the answer as JSON.
    pub fn json<T: serde::Serialize>(&self, answer: feidi_app::AppResult<T>) -> Result<Response, ApiError> {
        crate::error::json(&self.caller, answer)
    }

    /// 201 with the record made, or 200 with the one an idempotency key made before.
    pub fn made<T: serde::Serialize>(
        &self,
        answer: feidi_app::AppResult<(T, bool)>,
    ) -> Result<Response, ApiError> {
        let (record, created) = self.ok(answer)?;
        let status = if created {
            axum::http::StatusCode::CREATED
        } else {
            axum::http::StatusCode::OK
        };
        Ok((status, axum::Json(record)).into_response())
    }

    /// 201 with what was made.
    pub fn created<T: serde::Serialize>(
        &self,
        answer: feidi_app::AppResult<T>,
    ) -> Result<Response, ApiError> {
        Ok((axum::http::StatusCode::CREATED, axum::Json(self.ok(answer)?)).into_response())
    }

    /// 204 once done.
    pub fn done<T>(&self, answer: feidi_app::AppResult<T>) -> Result<Response, ApiError> {
        self.ok(answer)?;
        Ok(axum::http::StatusCode::NO_CONTENT.into_response())
    }
}

/// Page visitors: without valid credentials they are sent to the login page.
pub struct PageCaller(pub Caller);

pub struct ToLogin(String);

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        Redirect::to(&self.0).into_response()
    }
}

impl FromRequestParts<AppState> for PageCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match authenticate(parts, state).await {
            Ok(Some(caller)) => Ok(Self(caller)),
            Ok(None) | Err(ApiError::Unauthorized) => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = if next == "/" || is_write(&parts.method) {
                    "/login".to_string()
                } else {
                    format!("/login?next={}", crate::pages::url_encode(next))
                };
                Err(ToLogin(target).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// A submitted page form, accepted only with the session's CSRF token. Page handlers get form
/// data through this extractor alone, so none can forget the check.
pub struct FormInput {
    pub caller: Caller,
    pub fields: Map<String, Value>,
}

impl FromRequest<AppState> for FormInput {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let PageCaller(caller) = PageCaller::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .map_err(|_| ApiError::BadRequest("form too large".into()).into_response())?;
        let fields = parse_form(&bytes);
        let presented = fields.get(CSRF_FIELD).and_then(Value::as_str);
        if !caller.csrf_ok(presented) {
            return Err(crate::pages::forbidden_page(caller.lang()));
        }
        // No person types a NUL character and PostgreSQL cannot store one: such a form is
        // refused whole, naming the field, before any handler reads it.
        if let Some((field, _)) = fields
            .iter()
            .find(|(k, v)| k.contains('\0') || v.as_str().is_some_and(|v| v.contains('\0')))
        {
            let errors = feidi_core::FieldErrors::one(&field.replace('\0', "\\0"), feidi_core::Flaw::Nul);
            return Err(ApiError::Invalid(errors, caller.lang()).into_response());
        }
        Ok(Self { caller, fields })
    }
}

/// Parses an `application/x-www-form-urlencoded` body into a map of strings. A repeated field
/// keeps its last value.
pub fn parse_form(bytes: &[u8]) -> Map<String, Value> {
    let mut fields = Map::new();
    for (k, v) in form_urlencoded_pairs(bytes) {
        fields.insert(k, Value::String(v));
    }
    fields
}

fn form_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    bytes
        .split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |b| *b == b'=');
            let k = percent_decode(it.next().unwrap_or_default());
            let v = percent_decode(it.next().unwrap_or_default());
            (k, v)
        })
        .collect()
}

fn percent_decode(input: &[u8]) -> String {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < input.len() => {
                let hex = std::str::from_utf8(&input[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_utf8_and_plus() {
        let form = parse_form("name=%E5%8D%AB%E6%9D%90+%E5%9B%AD&x=1%2B1&bad=%zz&end=%4".as_bytes());
        assert_eq!(form["name"], "卫材 园");
        assert_eq!(form["x"], "1+1");
        assert_eq!(form["bad"], "%zz");
        assert_eq!(form["end"], "%4");
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong horse".into(), Some(hash)).await);
        assert!(!verify_password("correct horse".into(), None).await);
    }
}
