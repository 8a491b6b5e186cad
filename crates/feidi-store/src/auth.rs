//! Accounts, sessions, API tokens and login throttling. All of it lives in the database so
//! that any number of app servers share it.

use chrono::{DateTime, FixedOffset};
use feidi_core::Lang;
use feidi_core::registry::UserInput;
use feidi_core::time::{now, stamp};
use sqlx::Row;

use crate::audit::{AuditWrite, write_audit};
use crate::records::User;
use crate::registry::Record;
use crate::value::{Cols, Val};
use crate::writer::TxFuture;
use crate::{Store, StoreError, StoreResult};
use sqlx::AnyConnection;

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    /// The session's CSRF token, which every form of the session must carry.
    pub csrf: String,
}

/// How a login key (an account or an address) stands after failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThrottleState {
    pub failures: i64,
    pub locked_until: Option<DateTime<FixedOffset>>,
}

fn user_columns_prefixed() -> String {
    User::COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Adds a user with an already hashed password.
    pub async fn create_user(
        &self,
        actor: Option<i64>,
        input: &UserInput,
        password_hash: String,
        idempotency_key: Option<&str>,
    ) -> StoreResult<(User, bool)> {
        self.create(
            actor,
            input,
            vec![("password_hash", Val::from(password_hash))],
            idempotency_key,
        )
        .await
    }

    /// An active user and the stored password hash, by login.
    pub async fn login_credentials(&self, login: &str) -> StoreResult<Option<(User, String)>> {
        let sql = format!(
            "SELECT {}, password_hash FROM users WHERE login = $1 AND active = TRUE",
            User::COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(login.to_string())
            .fetch_optional(&self.read)
            .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some((
                User::from_row(&row)?,
                Cols::Row(&row).text("password_hash")?,
            ))),
        }
    }

    pub async fn user_by_login(&self, login: &str) -> StoreResult<User> {
        let sql = format!("SELECT {} FROM users WHERE login = $1", User::COLUMNS);
        let row = sqlx::query(&sql)
            .bind(login.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref()
            .map(User::from_row)
            .transpose()?
            .ok_or(StoreError::NotFound)
    }

    /// The stored password hash of a user.
    pub async fn password_hash(&self, user_id: i64) -> StoreResult<String> {
        let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.try_get(0)?)
    }

    /// Sets a new password hash and ends the user's other sessions (all of them when
    /// `keep_session` is `None`), so a stolen session dies with the old password.
    pub async fn set_password(
        &self,
        actor: Option<i64>,
        user_id: i64,
        password_hash: String,
        keep_session: Option<&str>,
    ) -> StoreResult<()> {
        let keep_session = keep_session.unwrap_or_default().to_string();
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let updated = sqlx::query(
                    "UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2 WHERE id = $3",
                )
                .bind(password_hash)
                .bind(stamp(now()))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                    .bind(user_id)
                    .bind(keep_session)
                    .execute(&mut *tx)
                    .await?;
                write_audit(
                    &mut *tx,
                    AuditWrite::event(
                        actor,
                        "password",
                        "user",
                        Some(user_id),
                        "password changed".into(),
                    ),
                )
                .await?;

                Ok(())
            })
        })
        .await
    }

    /// Sets the user's interface language.
    pub async fn set_lang(&self, user_id: i64, lang: Lang) -> StoreResult<()> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
                    .bind(lang.as_str())
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                let note = format!("interface language {}", lang.as_str());
                write_audit(
                    &mut *tx,
                    AuditWrite::event(Some(user_id), "lang", "user", Some(user_id), note),
                )
                .await?;

                Ok(())
            })
        })
        .await
    }

    /// Starts a session: only the hash of its token is stored.
    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf: &str,
        expires_at: DateTime<FixedOffset>,
    ) -> StoreResult<()> {
        let (token_hash, csrf) = (token_hash.to_string(), csrf.to_string());
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let at = now();
                // Expired sessions are cleared as new ones start, so the table never grows unbounded.
                sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                    .bind(stamp(at))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(csrf)
                    .bind(stamp(at))
                    .bind(stamp(expires_at))
                    .execute(&mut *tx)
                    .await?;
                write_audit(
                    &mut *tx,
                    AuditWrite::event(Some(user_id), "login", "user", Some(user_id), "signed in".into()),
                )
                .await?;

                Ok(())
            })
        })
        .await
    }

    /// The live session with this token hash and its (active) user.
    pub async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionInfo>> {
        let sql = format!(
            "SELECT {}, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = TRUE",
            user_columns_prefixed()
        );
        let row = sqlx::query(&sql)
            .bind(token_hash.to_string())
            .bind(stamp(now()))
            .fetch_optional(&self.read)
            .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some(SessionInfo {
                user: User::from_row(&row)?,
                csrf: Cols::Row(&row).text("csrf")?,
            })),
        }
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Stores a new API token's hash for a user.
    pub async fn create_token(
        &self,
        actor: Option<i64>,
        user_id: i64,
        token_hash: &str,
        label: Option<String>,
    ) -> StoreResult<i64> {
        let token_hash = token_hash.to_string();
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, i64> {
            Box::pin(async move {
                let exists = sqlx::query("SELECT 1 FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound);
                }
                let row = sqlx::query("INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                    .bind(user_id)
                    .bind(token_hash)
                    .bind(label.clone())
                    .bind(stamp(now()))
                    .fetch_one(&mut *tx)
                    .await?;
                let id: i64 = row.try_get(0)?;
                let note = format!(
                    "API token {id} issued{}",
                    label.map(|l| format!(" ({l})")).unwrap_or_default()
                );
                write_audit(
                    &mut *tx,
                    AuditWrite::event(actor, "token", "user", Some(user_id), note),
                )
                .await?;

                Ok(id)
            })
        })
        .await
    }

    /// The active user holding an API token with this hash.
    pub async fn token_user(&self, token_hash: &str) -> StoreResult<Option<User>> {
        let sql = format!(
            "SELECT {} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND u.active = TRUE",
            user_columns_prefixed()
        );
        let row = sqlx::query(&sql)
            .bind(token_hash.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(User::from_row).transpose()
    }

    /// How a throttle key stands now.
    pub async fn throttle_state(&self, key: &str) -> StoreResult<ThrottleState> {
        let row = sqlx::query("SELECT failures, locked_until FROM login_throttle WHERE key = $1")
            .bind(key.to_string())
            .fetch_optional(&self.read)
            .await?;
        let Some(row) = row else {
            return Ok(ThrottleState::default());
        };
        let c = Cols::Row(&row);
        Ok(ThrottleState {
            failures: c.int("failures")?,
            locked_until: c
                .opt_text("locked_until")?
                .as_deref()
                .and_then(feidi_core::time::parse_instant),
        })
    }

    /// Counts a failed login for a key. Failures older than `window` are forgotten; at
    /// `lock_after` failures the key is locked until `lock_for` from now.
    pub async fn throttle_fail(
        &self,
        key: &str,
        window: chrono::Duration,
        lock_after: i64,
        lock_for: chrono::Duration,
    ) -> StoreResult<ThrottleState> {
        let key = key.to_string();
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ThrottleState> {
            Box::pin(async move {
                let at = now();
                // One atomic upsert counts the failure, so two failures at once both count.
                let row = sqlx::query(
                    "INSERT INTO login_throttle (key, failures, last_failure_at) VALUES ($1, 1, $2) \
                     ON CONFLICT (key) DO UPDATE SET last_failure_at = $2, failures = CASE \
                     WHEN login_throttle.last_failure_at > $3 THEN login_throttle.failures + 1 ELSE 1 END \
                     RETURNING failures",
                )
                .bind(key.clone())
                .bind(stamp(at))
                .bind(stamp(at - window))
                .fetch_one(&mut *tx)
                .await?;
                let failures = Cols::Row(&row).int("failures")?;
                let locked_until = (failures >= lock_after).then(|| at + lock_for);
                if let Some(until) = locked_until {
                    sqlx::query("UPDATE login_throttle SET locked_until = $1 WHERE key = $2")
                        .bind(stamp(until))
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                }
                Ok(ThrottleState {
                    failures,
                    locked_until,
                })
            })
        })
        .await
    }

    /// Forgets a key's failures after a successful login.
    pub async fn throttle_clear(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key.to_string())
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
