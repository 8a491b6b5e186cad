//! Accounts, sessions, API tokens and login throttling. All of it lives in the database so
//! that any number of app servers share it.

use chrono::{DateTime, FixedOffset};
use feidi_core::Lang;
use feidi_core::registry::UserInput;
use feidi_core::time::Stamp;
use feidi_core::time::{now, stamp};
use sqlx::Row;

use crate::audit::{AuditWrite, write_audit};
use crate::columns::{StoredRow, read_all, row};
use crate::records::User;
use crate::sqlite::writer::TxFuture;
use crate::value::{Cols, Val};
use crate::{Store, StoreError, StoreResult};
use sqlx::AnyConnection;

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    /// The session's CSRF token, which every form of the session must carry.
    pub csrf: String,
}

row! {
    /// An API token as its owner and admins see it: never its secret.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
    pub struct ApiToken {
        pub id: i64,
        pub label: Option<String>,
        pub created_at: Stamp,
        pub last_used_at: Option<Stamp>,
        pub expires_at: Option<Stamp>,
    }
}

/// Who holds a presented API token.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    pub user: User,
    pub token_id: i64,
    pub last_used_at: Option<DateTime<FixedOffset>>,
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
            "SELECT {}, password_hash FROM users WHERE lower(login) = lower($1) AND active = TRUE",
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
        let sql = format!(
            "SELECT {} FROM users WHERE lower(login) = lower($1)",
            User::COLUMNS
        );
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

    /// Ends a session. Through the writer like every write, so that it waits for another
    /// process's write lock instead of failing, and the session is surely gone when it answers.
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let token_hash = token_hash.to_string();
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let row = sqlx::query("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
                    .bind(token_hash)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(row) = row {
                    let user_id = Cols::Row(&row).int("user_id")?;
                    write_audit(
                        &mut *tx,
                        AuditWrite::event(
                            Some(user_id),
                            "logout",
                            "user",
                            Some(user_id),
                            "signed out".into(),
                        ),
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    /// Stores a new API token's hash for a user, with a label and an optional expiry.
    pub async fn create_token(
        &self,
        actor: Option<i64>,
        user_id: i64,
        token_hash: &str,
        label: Option<String>,
        expires_at: Option<DateTime<FixedOffset>>,
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
                let row = sqlx::query(
                    "INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(user_id)
                .bind(token_hash)
                .bind(label.clone())
                .bind(stamp(now()))
                .bind(expires_at.map(stamp))
                .fetch_one(&mut *tx)
                .await?;
                let id: i64 = row.try_get(0)?;
                // Notes hold the particulars in no language (the action names what was done), so
                // that the audit page reads in its reader's: "#3 「数据大屏」 · 2027-06-30 00:00".
                let note = format!(
                    "#{id}{}{}",
                    label.map(|l| format!(" 「{l}」")).unwrap_or_default(),
                    expires_at
                        .map(|t| format!(" · {}", feidi_core::time::Stamp::at(t)))
                        .unwrap_or_default()
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

    /// A user's API tokens, newest first (never their secrets, which are not kept).
    pub async fn tokens_of(&self, user_id: i64) -> StoreResult<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, label, created_at, last_used_at, expires_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?;
        read_all(&rows)
    }

    /// Revokes one of a user's tokens: it is gone at once (every server asks the database
    /// within a second). Not found unless it is that user's.
    pub async fn revoke_token(&self, actor: Option<i64>, user_id: i64, token_id: i64) -> StoreResult<()> {
        self.delete_audited(
            "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
            vec![token_id.into(), user_id.into()],
            AuditWrite::event(
                actor,
                "token_revoked",
                "user",
                Some(user_id),
                format!("#{token_id}"),
            ),
        )
        .await
    }

    /// Records that a token was used at `at` (kept to the minute by the caller: a write per
    /// request would hold the single writer for nothing).
    pub async fn token_used(&self, token_id: i64, at: DateTime<FixedOffset>) -> StoreResult<()> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(stamp(at))
                    .bind(token_id)
                    .execute(&mut *tx)
                    .await?;
                Ok(())
            })
        })
        .await
    }

    /// The active user holding an unexpired API token with this hash, the token's id and when
    /// it was last used.
    pub async fn token_user(&self, token_hash: &str) -> StoreResult<Option<TokenHolder>> {
        let sql = format!(
            "SELECT {}, t.id AS token_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND u.active = TRUE AND (t.expires_at IS NULL OR t.expires_at > $2)",
            user_columns_prefixed()
        );
        let row = sqlx::query(&sql)
            .bind(token_hash.to_string())
            .bind(stamp(now()))
            .fetch_optional(&self.read)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let c = Cols::Row(&row);
        Ok(Some(TokenHolder {
            user: User::from_row(&row)?,
            token_id: c.int("token_id")?,
            last_used_at: c
                .opt_text("last_used_at")?
                .as_deref()
                .and_then(feidi_core::time::parse_instant),
        }))
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

    /// Reserves one attempt on every key before a password is checked, in one transaction:
    /// each attempt counts as a failure until [`Store::throttle_settle`] says otherwise. Attempts
    /// older than `window` are forgotten. A key locked, or past its `limit` of attempts, refuses
    /// (and locks for `lock_for`), so that logins sent all at once cannot get more password
    /// checks between them than the limit allows.
    pub async fn throttle_reserve(
        &self,
        keys: &[(&str, i64)],
        window: chrono::Duration,
        lock_for: chrono::Duration,
    ) -> StoreResult<bool> {
        let keys: Vec<(String, i64)> = keys.iter().map(|(k, l)| ((*k).to_string(), *l)).collect();
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, bool> {
            Box::pin(async move {
                let at = now();
                let mut allowed = true;
                for (key, limit) in keys {
                    // One atomic upsert counts the attempt, so two attempts at once both count.
                    let row = sqlx::query(
                        "INSERT INTO login_throttle (key, failures, last_failure_at) VALUES ($1, 1, $2) \
                         ON CONFLICT (key) DO UPDATE SET last_failure_at = $2, failures = CASE \
                         WHEN login_throttle.last_failure_at > $3 THEN login_throttle.failures + 1 ELSE 1 END \
                         RETURNING failures, locked_until",
                    )
                    .bind(key.clone())
                    .bind(stamp(at))
                    .bind(stamp(at - window))
                    .fetch_one(&mut *tx)
                    .await?;
                    let c = Cols::Row(&row);
                    let failures = c.int("failures")?;
                    let locked = c
                        .opt_text("locked_until")?
                        .as_deref()
                        .and_then(feidi_core::time::parse_instant)
                        .is_some_and(|until| until > at);
                    if locked {
                        allowed = false;
                    } else if failures > limit {
                        allowed = false;
                        lock(&mut *tx, &key, at + lock_for).await?;
                    }
                }
                Ok(allowed)
            })
        })
        .await
    }

    /// Settles the attempt reserved on every key: after a right password the first key (the
    /// account's) forgets its failures (a lock already set stays) and the others give the
    /// attempt back; after a wrong one
    /// a key at its limit is locked for `lock_for`. Answers the most failures a key now has.
    pub async fn throttle_settle(
        &self,
        keys: &[(&str, i64)],
        succeeded: bool,
        lock_for: chrono::Duration,
    ) -> StoreResult<i64> {
        let keys: Vec<(String, i64)> = keys.iter().map(|(k, l)| ((*k).to_string(), *l)).collect();
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, i64> {
            Box::pin(async move {
                let at = now();
                let mut most = 0;
                for (i, (key, limit)) in keys.into_iter().enumerate() {
                    if succeeded {
                        // The account forgets its failures but not a lock that attempts sent
                        // alongside this one set meanwhile: a right password among twenty sent
                        // at once must not open the account to the next twenty.
                        let sql = if i == 0 {
                            "UPDATE login_throttle SET failures = 0 WHERE key = $1"
                        } else {
                            "UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0"
                        };
                        sqlx::query(sql).bind(key).execute(&mut *tx).await?;
                        continue;
                    }
                    let row = sqlx::query("SELECT failures FROM login_throttle WHERE key = $1")
                        .bind(key.clone())
                        .fetch_optional(&mut *tx)
                        .await?;
                    let failures = match row {
                        Some(row) => Cols::Row(&row).int("failures")?,
                        None => 0,
                    };
                    if failures >= limit {
                        lock(&mut *tx, &key, at + lock_for).await?;
                    }
                    most = most.max(failures);
                }
                Ok(most)
            })
        })
        .await
    }
}

async fn lock(tx: &mut AnyConnection, key: &str, until: DateTime<FixedOffset>) -> StoreResult<()> {
    sqlx::query("UPDATE login_throttle SET locked_until = $1 WHERE key = $2")
        .bind(stamp(until))
        .bind(key.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
}
