//! Users and their API tokens: accounts kept by admins, each user's own tokens (issued with a
//! label and an optional expiry, listed without secrets, revoked at once).

use chrono::{DateTime, FixedOffset};
use feidi_core::input::overlay;
use feidi_core::policy::{Action, Entity, Principal, Scope};
use feidi_core::registry::{UserInput, password_flaw};
use feidi_core::{FieldError, FieldErrors, Flaw, Input, Need};
use feidi_store::{ApiToken, User};
use serde_json::{Map, Value};

use crate::credentials::{hash_password, random_token, token_hash};
use crate::{App, AppError, AppResult, require, version_of};

/// One user: admins see all, everyone sees themselves, and others are not known to exist.
pub async fn get_user(app: &App, who: &Principal, id: i64) -> AppResult<User> {
    if !(who.may(Action::Read, Entity::User) || who.user_id == id) {
        return Err(AppError::NotFound);
    }
    Ok(app.store.get::<User>(id, Scope::All).await?)
}

/// Adds a user: admins only. The password is checked here and stored only as its hash.
pub async fn create_user(
    app: &App,
    who: &Principal,
    body: &Map<String, Value>,
    idempotency_key: Option<&str>,
) -> AppResult<(User, bool)> {
    require(who, Action::Write, Entity::User)?;
    let parsed = UserInput::parse(body);
    let password = body
        .get("password")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    if let Some(flaw) = password_flaw(&password) {
        errors.0.push(FieldError {
            field: "password".into(),
            flaw,
        });
    }
    let input = match parsed {
        Ok(input) if errors.0.is_empty() => input,
        _ => return Err(errors.into()),
    };
    let hash = hash_password(password).await?;
    Ok(app
        .store
        .create_user(Some(who.user_id), &input, hash, idempotency_key)
        .await?)
}

/// Changes a user (admins), from the `version` read; nobody demotes or deactivates themselves.
pub async fn update_user(app: &App, who: &Principal, id: i64, patch: &Map<String, Value>) -> AppResult<User> {
    let current = get_user(app, who, id).await?;
    require(who, Action::Write, Entity::User)?;
    let version = version_of(patch)?;
    let mut merged = match serde_json::to_value(&current) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    overlay(&mut merged, patch);
    let input = UserInput::parse(&merged)?;
    if id == who.user_id && (input.role != current.role || !input.active) {
        return Err(FieldErrors::one(
            "role",
            Flaw::Rule(
                "不能降低或停用自己的账户",
                "you cannot demote or deactivate yourself",
            ),
        )
        .into());
    }
    let user = app.store.update(Some(who.user_id), id, version, &input).await?;
    // Whatever changed (role, enterprise, active), this server trusts the old user no longer;
    // the others within the credential memo's second.
    app.forget_credentials();
    Ok(user)
}

/// Issues an API token for a user (an admin for anyone, a user for themselves) as of `now`;
/// answers its id and its secret, which is shown once: only its hash is kept.
pub async fn issue_token(
    app: &App,
    who: &Principal,
    user_id: i64,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<(i64, String)> {
    // Admins for anyone, users for themselves; of others, a user is not even told they exist.
    get_user(app, who, user_id).await?;
    let mut input = Input::new(body);
    let label = input.text("label", Need::Optional, 100);
    let expires_at = token_expiry(&mut input, body, now);
    input.finish()?;
    let token = random_token();
    let id = app
        .store
        .create_token(Some(who.user_id), user_id, &token_hash(&token), label, expires_at)
        .await?;
    Ok((id, token))
}

/// A token's `expires_at`: an RFC 3339 instant, or a day `YYYY-MM-DD` meaning its end in
/// Shanghai; after `now`, in a sane year.
fn token_expiry(
    input: &mut Input<'_>,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> Option<DateTime<FixedOffset>> {
    let text = match body.get("expires_at") {
        None | Some(Value::Null) => return None,
        Some(Value::String(s)) if s.trim().is_empty() => return None,
        Some(Value::String(s)) => s.trim().to_string(),
        Some(_) => {
            input.flag("expires_at", Flaw::Rule("格式不正确", "has the wrong type"));
            return None;
        }
    };
    let at = feidi_core::time::parse_day(&text)
        .map(feidi_core::time::end_of_day)
        .or_else(|| feidi_core::time::parse_sane_instant(&text));
    match at {
        None => {
            input.flag(
                "expires_at",
                Flaw::Rule(
                    "须为日期 YYYY-MM-DD 或带时区的时间，如 2027-06-30T18:00:00+08:00",
                    "must be a date YYYY-MM-DD or an RFC 3339 instant like 2027-06-30T18:00:00+08:00",
                ),
            );
            None
        }
        Some(at) if at <= now => {
            input.flag(
                "expires_at",
                Flaw::Rule("须晚于当前时间", "must be in the future"),
            );
            None
        }
        at => at,
    }
}

/// A user's API tokens (an admin's for anyone, a user's own), never their secrets.
pub async fn list_tokens(app: &App, who: &Principal, user_id: i64) -> AppResult<Vec<ApiToken>> {
    get_user(app, who, user_id).await?;
    Ok(app.store.tokens_of(user_id).await?)
}

/// Revokes a token at once (admins for anyone, users their own).
pub async fn revoke_token(app: &App, who: &Principal, user_id: i64, token_id: i64) -> AppResult<()> {
    get_user(app, who, user_id).await?;
    app.store
        .revoke_token(Some(who.user_id), user_id, token_id)
        .await?;
    // This server forgets what it trusted at once; the others ask again within a second.
    app.forget_credentials();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_expires_on_a_day_s_end_or_at_an_instant_after_now() {
        let now = feidi_core::time::parse_instant("2026-12-07T10:00:00+08:00")
            .unwrap_or_else(feidi_core::time::now);
        let expiry = |text: &str| {
            let body = serde_json::json!({ "expires_at": text });
            let body = body.as_object().cloned().unwrap_or_default();
            let mut input = Input::new(&body);
            let at = token_expiry(&mut input, &body, now);
            (at.map(|t| t.to_rfc3339()), input.finish().is_err())
        };
        assert_eq!(
            expiry("2026-12-07"),
            (Some("2026-12-08T00:00:00+08:00".into()), false)
        );
        assert_eq!(expiry("2026-12-07T09:59:59+08:00"), (None, true), "before now");
        assert_eq!(expiry("2026-12-06"), (None, true));
        assert_eq!(expiry("tomorrow"), (None, true));
        assert_eq!(expiry("0001-01-01T00:00:00+08:00"), (None, true));
        assert_eq!(expiry(""), (None, false), "none: no expiry");
    }
}
