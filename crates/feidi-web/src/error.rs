//! Errors of the HTTP layer, answered as RFC 9457 problem+json.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use feidi_core::{FieldErrors, Lang};
use feidi_store::StoreError;
use serde_json::json;

/// The detail of a 409 for a stale `version`.
pub const STALE: &str = "the record was changed by someone else: read it again";
/// The detail of a 409 for a record still referred to.
pub const IN_USE: &str = "other records still refer to this record";

/// Everything an API handler can answer other than success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("authentication required")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("stale version")]
    Conflict(&'static str),
    #[error("invalid input")]
    Invalid(FieldErrors, Lang),
    /// A unique value already taken, where the contract answers 409 naming the field.
    #[error("taken")]
    Taken(FieldErrors, Lang),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The database was held by another writer for longer than a write waits.
    #[error("busy")]
    Busy,
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(err))
    }

    /// Maps a storage error, with the language its field messages are written in.
    pub fn from_store(err: StoreError, lang: Lang) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound,
            StoreError::Forbidden => Self::Forbidden,
            StoreError::Conflict => Self::Conflict(STALE),
            StoreError::InUse => Self::Conflict(IN_USE),
            StoreError::WrongState(state) => Self::Conflict(wrong_state(state)),
            StoreError::Invalid(errors) => Self::Invalid(errors, lang),
            StoreError::Busy => Self::Busy,
            other => Self::internal(other),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Authentication required",
            ),
            Self::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
            Self::NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            Self::Conflict(_) | Self::Taken(..) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            Self::Invalid(..) => (StatusCode::UNPROCESSABLE_ENTITY, "validation", "Invalid input"),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request", "Bad request"),
            Self::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "The database is busy with another writer",
            ),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error"),
        }
    }
}

impl ApiError {
    /// Maps a service's error, with the language its field messages are written in.
    pub fn from_app(err: feidi_app::AppError, lang: Lang) -> Self {
        match err {
            feidi_app::AppError::Forbidden => Self::Forbidden,
            feidi_app::AppError::NotFound => Self::NotFound,
            feidi_app::AppError::Invalid(errors) => Self::Invalid(errors, lang),
            feidi_app::AppError::Store(e) => Self::from_store(e, lang),
            feidi_app::AppError::Internal(what) => Self::Internal(what.into()),
        }
    }
}

/// Turns a service's answer into the API's, its field messages in the caller's language.
pub trait ForLang<T> {
    fn for_lang(self, lang: Lang) -> ApiResult<T>;
}

impl<T> ForLang<T> for Result<T, feidi_app::AppError> {
    fn for_lang(self, lang: Lang) -> ApiResult<T> {
        self.map_err(|e| ApiError::from_app(e, lang))
    }
}

/// A service's answer as a JSON response, or its error in the caller's language.
pub fn json<T: serde::Serialize>(
    caller: &crate::auth::Caller,
    answer: feidi_app::AppResult<T>,
) -> ApiResult<Response> {
    Ok(axum::Json(answer.for_lang(caller.lang())?).into_response())
}

impl From<feidi_app::AppError> for ApiError {
    fn from(err: feidi_app::AppError) -> Self {
        Self::from_app(err, Lang::Zh)
    }
}

/// Why an action is refused, by the state its record is in.
fn wrong_state(state: feidi_store::WrongState) -> &'static str {
    use feidi_core::appeals::AppealStatus;
    use feidi_core::land::{DisputeStatus, ParcelStatus};
    use feidi_core::reports::ReportStatus;
    use feidi_store::WrongState::{Appeal, Dispute, Paid, Parcel, Report, Retired};
    match state {
        Report(ReportStatus::Approved) => {
            "not allowed: the report is approved and locked (an admin may reopen it)"
        }
        Report(ReportStatus::Submitted) => "not allowed: the report is awaiting review",
        Report(ReportStatus::Returned) => "not allowed: the report was returned and awaits resubmission",
        Appeal(AppealStatus::Submitted) => "not allowed: the appeal awaits acknowledgement",
        Appeal(AppealStatus::Acknowledged) => "not allowed: the appeal is acknowledged and being handled",
        Appeal(AppealStatus::Resolved) => {
            "not allowed: the appeal is resolved and awaits the enterprise's rating"
        }
        Appeal(AppealStatus::Closed) => "not allowed: the appeal is closed",
        Appeal(AppealStatus::Reopened) => "not allowed: the appeal is reopened and awaits acknowledgement",
        // A parcel moves one step at a time: the `status` sent is not the next one.
        Parcel(ParcelStatus::Planned) => "status: the parcel is planned; its next step is approved (报批)",
        Parcel(ParcelStatus::Approved) => "status: the parcel is approved; its next step is acquired (征收)",
        Parcel(ParcelStatus::Acquired) => "status: the parcel is acquired; its next step is cleared (清表)",
        Parcel(ParcelStatus::Cleared) => "status: the parcel is cleared; its next step is delivered (交地)",
        Parcel(ParcelStatus::Delivered) => {
            "status: the parcel is delivered; its next step is supplied (供地)"
        }
        Parcel(ParcelStatus::Supplied) => {
            "status: the parcel is supplied to its project; it has no further step"
        }
        Dispute(DisputeStatus::Open) => "not allowed: the dispute is open (it may be mediated or resolved)",
        Dispute(DisputeStatus::Mediating) => {
            "not allowed: the dispute is already in mediation (it may be resolved)"
        }
        Dispute(DisputeStatus::Resolved) => "not allowed: the dispute is resolved",
        Paid => "paid_on: the compensation item is already paid",
        Retired => "not allowed: the parcel was split or merged; its new parcels carry it on",
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        Self::from_store(err, Lang::Zh)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, title) = self.parts();
        let mut body = json!({
            "type": format!("/problems/{kind}"),
            "title": title,
            "status": status.as_u16(),
        });
        match &self {
            Self::Invalid(errors, lang) => {
                let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
                body["detail"] = json!(format!("invalid fields: {}", fields.join(", ")));
                body["errors"] = json!(errors.to_json(*lang));
            }
            Self::Conflict(detail) => body["detail"] = json!(detail),
            Self::Taken(errors, lang) => {
                let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
                body["detail"] = json!(format!("already taken: {}", fields.join(", ")));
                body["errors"] = json!(errors.to_json(*lang));
            }
            Self::BadRequest(detail) => body["detail"] = json!(detail),
            Self::Busy => {
                tracing::warn!("a write waited its whole time for another process's write lock");
                body["detail"] = json!(
                    "another process (a sweep, an import or another app server) held the database for longer than a write waits; nothing was written: send the request again in a moment"
                );
            }
            Self::Internal(cause) => {
                // Logged with its cause chain; the caller learns nothing of it.
                let mut chain = cause.to_string();
                let mut source = cause.source();
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                tracing::error!(error = %chain, "internal error");
                body["detail"] = json!("an internal error occurred; it has been logged");
            }
            _ => body["detail"] = json!(title),
        }
        let mut response = (status, body.to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
