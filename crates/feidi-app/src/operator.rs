//! What the server's operator does from the command line, with no signed-in caller: open the
//! database, add a user, set a password, issue a token, sweep the appeals, back up and
//! restore. Whoever can run `feidi` on the server already holds the database; these are
//! recorded in the audit log with no actor.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use feidi_core::registry::{UserInput, password_flaw};
use feidi_core::{FieldErrors, Flaw};
use feidi_store::{BackupSummary, Store, SweepReport, User};
use serde_json::{Map, Value};

use crate::credentials::{hash_password, random_token, token_hash};
use crate::{App, AppError, AppResult};

impl App {
    /// Opens the database at `url` (migrating it to this version's schema).
    pub async fn open(url: &str) -> AppResult<Self> {
        Ok(Self::new(Store::open(url).await?))
    }

    /// Opens the database for a command that writes much at once in this process (a larger
    /// page cache on SQLite where it helps).
    pub async fn open_for_bulk_work(url: &str, large_cache: bool) -> AppResult<Self> {
        let store = Store::open(url).await?;
        store.for_bulk_work(large_cache).await?;
        Ok(Self::new(store))
    }
}

/// A password the operator chose must meet the same rule as one set on the pages.
fn check_password(password: &str) -> AppResult<()> {
    match password_flaw(password) {
        Some(flaw) => Err(FieldErrors::one("password", flaw).into()),
        None => Ok(()),
    }
}

/// Adds a user from the fields a form would send (`login`, `name`, `role`, `enterprise_id`).
pub async fn add_user(app: &App, fields: &Map<String, Value>, password: String) -> AppResult<User> {
    check_password(&password)?;
    let input = UserInput::parse(fields)?;
    let hash = hash_password(password).await?;
    Ok(app.store.create_user(None, &input, hash, None).await?.0)
}

/// The user with this login, or a field error naming it.
async fn user(app: &App, login: &str) -> AppResult<User> {
    app.store
        .user_by_login(login)
        .await
        .map_err(|_| FieldErrors::one("login", Flaw::NoSuchRecord).into())
}

/// Sets a user's password; every session of theirs ends.
pub async fn set_password(app: &App, login: &str, password: String) -> AppResult<()> {
    let user = user(app, login).await?;
    check_password(&password)?;
    let hash = hash_password(password).await?;
    app.store.set_password(None, user.id, hash, None).await?;
    Ok(())
}

/// Issues an API token (labelled `cli`) for a user; answers its secret, shown once.
pub async fn issue_token(app: &App, login: &str) -> AppResult<String> {
    let user = user(app, login).await?;
    let token = random_token();
    app.store
        .create_token(None, user.id, &token_hash(&token), Some("cli".into()), None)
        .await?;
    Ok(token)
}

/// Applies the appeals' time rules as of `now` (hand-overs, escalations, overdue marks).
pub async fn sweep(app: &App, now: DateTime<FixedOffset>) -> AppResult<SweepReport> {
    Ok(app.store.sweep(now).await?)
}

/// Writes a consistent copy of the database to `file`.
pub async fn backup(app: &App, file: &Path) -> AppResult<BackupSummary> {
    Ok(app.store.backup_to(file).await?)
}

/// Restores a backup into the database at `url`, which must be new or empty.
pub async fn restore(url: &str, file: &Path) -> AppResult<BackupSummary> {
    feidi_store::restore(url, file).await.map_err(AppError::from)
}
