//! What every request meets before a handler and every answer after it: the address checked
//! for NUL characters, and the framework's own plain-text refusals (a body too large, a path
//! id that is not a number, a wrong method) turned into problem+json like every other error.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::ApiError;

/// A NUL character in the path or the query: no page or record is named so, and PostgreSQL
/// cannot compare text holding one, so the request is refused before it reaches a handler.
pub async fn refuse_nul_in_address(request: Request, next: Next) -> Response {
    let uri = request.uri();
    // "%00" has no letters, so no case to fold: every request is checked without copying.
    let holds_nul = |text: &str| text.contains("%00") || text.contains('\0');
    if holds_nul(uri.path()) {
        return ApiError::BadRequest("the address holds a NUL character (%00)".into()).into_response();
    }
    if let Some(query) = uri.query()
        && holds_nul(query)
    {
        let names: Vec<String> = query
            .split('&')
            .filter(|pair| holds_nul(pair))
            .map(|pair| pair.split('=').next().unwrap_or_default().to_string())
            .collect();
        let errors = feidi_core::FieldErrors(
            names
                .into_iter()
                .map(|field| feidi_core::FieldError {
                    field,
                    flaw: feidi_core::Flaw::Nul,
                })
                .collect(),
        );
        let lang = crate::auth::visitor_lang(request.headers());
        return ApiError::Invalid(errors, lang).into_response();
    }
    next.run(request).await
}

/// The largest plain-text refusal rewritten; the framework's are one line.
const PLAIN_MAX: usize = 4096;

/// Rewrites a 4xx answer in plain text (the body-size limit's 413, an extractor's 400 or
/// 422, the router's 405) as problem+json carrying the same status and text.
pub async fn plain_refusals_as_problems(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !status.is_client_error() || !plain {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, PLAIN_MAX).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(_) => String::new(),
    };
    let title = status.canonical_reason().unwrap_or("Error");
    let detail = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is larger than this address accepts".to_string(),
        _ if text.is_empty() => title.to_string(),
        _ => text,
    };
    let kind = title.to_ascii_lowercase().replace(' ', "-");
    let body = json!({
        "type": format!("/problems/{kind}"),
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut response = Response::from_parts(parts, Body::from(body.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}
