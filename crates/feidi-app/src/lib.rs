//! feidi's application services: what the API, the pages and the command line do, over core's
//! rules and the store. They answer domain types and typed errors (`AppError`); the HTTP edge
//! and the command line choose the words and the status.
//!
//! Data flows one way: web (parse) → app (policy, rules) → store. Nothing here knows HTTP.

pub mod appeals;
pub mod calendar;
pub mod cockpit;
pub mod credentials;
pub mod demo;
pub mod desk;
pub mod dispatch;
pub mod generate;
pub mod imports;
pub mod kinds;
pub mod land;
pub mod memo;
pub mod operator;
pub mod programme;
pub mod registry;
pub mod reports;
pub mod resettlement;
pub mod schedule;
pub mod sessions;
pub mod users;
pub mod webhooks;

use std::sync::Arc;

use feidi_core::policy::{Action, Entity, Principal};
use feidi_core::{FieldErrors, Input, Need};
use feidi_store::{Store, StoreError};
use serde_json::{Map, Value};

/// The application: the store and what is kept in memory over it. Every service takes it;
/// the store inside is this crate's alone, so no handler, page or command reaches past the
/// services to the database.
#[derive(Clone)]
pub struct App {
    store: Store,
    /// Credentials verified in the last second (see `memo::CredentialMemo`).
    credentials: Arc<memo::CredentialMemo>,
    /// List answers, per data version of their table.
    answers: Arc<memo::AnswerMemo>,
    cockpits: Arc<memo::ValueMemo<cockpit::Cockpit>>,
    /// The cockpit page's reference day and zones, with the cockpits' data versions.
    frames: Arc<memo::ValueMemo<cockpit::Frame>>,
    /// The appeal figures, per minute (overdue moves with the clock) and data version.
    appeal_figures: Arc<memo::ValueMemo<feidi_store::AppealFigures>>,
    /// Held while the appeal figures are worked out again, so that requests arriving meanwhile
    /// wait for that one answer instead of each counting a million appeals at once.
    appeal_figures_busy: Arc<tokio::sync::Mutex<()>>,
    /// How many projects owe a month's report (the desks), per data version of what decides it.
    missing_counts: Arc<memo::ValueMemo<i64>>,
    /// Officials' inboxes, per data version of appeals, enterprises and users.
    inboxes: Arc<memo::ValueMemo<appeals::Inbox>>,
}

impl App {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            credentials: Default::default(),
            answers: Default::default(),
            cockpits: Default::default(),
            frames: Default::default(),
            appeal_figures: Default::default(),
            appeal_figures_busy: Default::default(),
            missing_counts: Default::default(),
            inboxes: Default::default(),
        }
    }

    /// Which database this is (for the log).
    pub fn backend(&self) -> feidi_store::Backend {
        self.store.backend()
    }

    /// Closes the database's connections (at shutdown).
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Whether the database answers (for the health check).
    pub async fn ping(&self) -> AppResult<()> {
        Ok(self.store.ping().await?)
    }

    /// Forgets every credential this server trusted: after a logout, a password change or any
    /// change to a user. Other servers ask the database again within a second.
    pub fn forget_credentials(&self) {
        self.credentials.clear();
    }
}

/// What a service can answer other than success.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The caller may not do this.
    #[error("not allowed")]
    Forbidden,
    /// No such record, or none the caller may see.
    #[error("not found")]
    NotFound,
    /// Input that breaks a rule, every bad field named.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something that is nobody's input: a thread that died, a library's failure.
    #[error("{0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

/// Refuses what the caller's role may not do at all.
pub fn require(who: &Principal, action: Action, entity: Entity) -> AppResult<()> {
    if who.may(action, entity) {
        Ok(())
    } else if entity.is_private() && !who.may(Action::Read, entity) {
        Err(AppError::NotFound)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The `version` a change was based on: required, so that no edit silently overwrites another.
pub fn version_of(body: &Map<String, Value>) -> AppResult<i64> {
    let mut input = Input::new(body);
    let version = input.int("version", Need::Required, 1, i64::MAX);
    input.finish()?;
    version.ok_or_else(|| FieldErrors::one("version", feidi_core::Flaw::Required).into())
}

/// The version a submission may send: the one read (1 or more), or 0 for "there is none
/// yet", so that a first report never replaces one someone else sent meanwhile.
pub fn optional_version(body: &Map<String, Value>) -> Result<Option<i64>, FieldErrors> {
    match body.get("version") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(_) => {
            let mut input = Input::new(body);
            let version = input.int("version", Need::Required, 0, i64::MAX);
            input.finish()?;
            Ok(version)
        }
    }
}
