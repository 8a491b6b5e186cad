//! Signing in and out: who a bearer token or a session cookie belongs to (trusted for a second
//! in memory), the login with its throttle, the logout, changing one's password and language.
//! The HTTP edge reads the cookies and headers and writes the answers; the rules are here.

use chrono::{DateTime, FixedOffset};
use feidi_core::Lang;
use feidi_core::registry::{PASSWORD_MAX, password_flaw};
use feidi_store::User;

use crate::credentials::{hash_password, random_token, token_hash, verify_password};
use crate::{App, AppResult};

/// Failed attempts before an account is locked, and for how long.
pub const ACCOUNT_LOCK_AFTER: i64 = 5;
/// An address may try more often: several people may share one (a government network's NAT).
pub const ADDRESS_LOCK_AFTER: i64 = 30;
pub const LOCK_MINUTES: i64 = 15;

/// The user a bearer token belongs to, if it is live and its user active.
pub async fn by_token(app: &App, token: &str) -> AppResult<Option<User>> {
    let hash = token_hash(token);
    let key = format!("t:{hash}");
    if let Some((user, _)) = app.credentials.get(&key) {
        return Ok(Some(user));
    }
    let Some(holder) = app.store.token_user(&hash).await? else {
        return Ok(None);
    };
    // When a token was last used is kept to the minute, written off the request's path:
    // a write per request would queue every API call behind the single writer.
    let now = feidi_core::time::now();
    if holder
        .last_used_at
        .is_none_or(|at| now - at >= chrono::Duration::minutes(1))
    {
        let (store, id) = (app.store.clone(), holder.token_id);
        tokio::spawn(async move {
            if let Err(e) = store.token_used(id, now).await {
                tracing::warn!(error = %e, token = id, "could not record a token's use");
            }
        });
    }
    app.credentials.put(key, holder.user.clone(), None);
    Ok(Some(holder.user))
}

/// A live session: its user, the hash it is known by and its CSRF token.
pub struct Session {
    pub user: User,
    pub token_hash: String,
    pub csrf: String,
}

/// The session a cookie's token opens, if it is live and its user active.
pub async fn by_session(app: &App, token: &str) -> AppResult<Option<Session>> {
    let hash = token_hash(token);
    let key = format!("s:{hash}");
    if let Some((user, Some(csrf))) = app.credentials.get(&key) {
        return Ok(Some(Session {
            user,
            token_hash: hash,
            csrf,
        }));
    }
    let Some(session) = app.store.session(&hash).await? else {
        return Ok(None);
    };
    app.credentials
        .put(key, session.user.clone(), Some(session.csrf.clone()));
    Ok(Some(Session {
        user: session.user,
        token_hash: hash,
        csrf: session.csrf,
    }))
}

/// How a login ended.
pub enum SignIn {
    /// Too many failures for this account or this address: try again later.
    Locked,
    /// Wrong login or password; the failures in a row so far (each answers a little slower).
    Failed { failures: i64 },
    /// A session is open: its token goes in the cookie.
    SignedIn { token: String },
}

/// Checks a login and password from `address` and opens a session of `hours` if they match.
pub async fn sign_in(
    app: &App,
    login: &str,
    password: String,
    address: &str,
    hours: i64,
) -> AppResult<SignIn> {
    let login = login.trim();
    // A login holding a NUL character names nobody (and PostgreSQL cannot compare it); a
    // password past the bound is nobody's either: both fail like a wrong password, counted.
    let lookup = (!login.contains('\0')).then_some(login);
    let account_key = format!("login:{}", login.to_lowercase().replace('\0', ""));
    let address_key = format!("addr:{address}");
    let keys = [
        (account_key.as_str(), ACCOUNT_LOCK_AFTER),
        (address_key.as_str(), ADDRESS_LOCK_AFTER),
    ];
    let window = chrono::Duration::minutes(LOCK_MINUTES);
    // The attempt is counted before the password is checked: logins sent all at once each
    // take one of the limited attempts, and none is checked past the limit.
    if !app.store.throttle_reserve(&keys, window, window).await? {
        return Ok(SignIn::Locked);
    }
    let credentials = match lookup {
        Some(login) => app.store.login_credentials(login).await?,
        None => None,
    };
    let (user, hash) = match credentials {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let verified = password.chars().count() <= PASSWORD_MAX && verify_password(password, hash).await;
    let user = user.filter(|_| verified);
    let failures = app.store.throttle_settle(&keys, user.is_some(), window).await?;
    let Some(user) = user else {
        return Ok(SignIn::Failed { failures });
    };
    let token = random_token();
    let expires: DateTime<FixedOffset> = feidi_core::time::now() + chrono::Duration::hours(hours);
    app.store
        .create_session(user.id, &token_hash(&token), &random_token(), expires)
        .await?;
    Ok(SignIn::SignedIn { token })
}

/// Ends the session known by `token_hash`; this server forgets it at once, the others within
/// a second.
pub async fn sign_out(app: &App, token_hash: &str) -> AppResult<()> {
    app.store.delete_session(token_hash).await?;
    app.forget_credentials();
    Ok(())
}

/// How a password change ended.
pub enum PasswordChange {
    /// Too many wrong current passwords: try again later.
    Locked,
    /// The current password was wrong.
    Wrong,
    /// The new password breaks a rule.
    Weak(feidi_core::Flaw),
    Changed,
}

/// Changes a user's own password, checking the current one (throttled as the login is: a
/// stolen session must not become a way to find the password). Every other session of the
/// user ends; `keep_session` (the one in use) stays.
pub async fn change_password(
    app: &App,
    user_id: i64,
    current: String,
    new: String,
    keep_session: Option<&str>,
) -> AppResult<PasswordChange> {
    let key = format!("password:{user_id}");
    let keys = [(key.as_str(), ACCOUNT_LOCK_AFTER)];
    let window = chrono::Duration::minutes(LOCK_MINUTES);
    if !app.store.throttle_reserve(&keys, window, window).await? {
        return Ok(PasswordChange::Locked);
    }
    let hash = app.store.password_hash(user_id).await?;
    let verified = current.chars().count() <= PASSWORD_MAX && verify_password(current, Some(hash)).await;
    app.store.throttle_settle(&keys, verified, window).await?;
    if !verified {
        return Ok(PasswordChange::Wrong);
    }
    if let Some(flaw) = password_flaw(&new) {
        return Ok(PasswordChange::Weak(flaw));
    }
    let hash = hash_password(new).await?;
    app.store
        .set_password(Some(user_id), user_id, hash, keep_session)
        .await?;
    app.forget_credentials();
    Ok(PasswordChange::Changed)
}

/// Sets the language a user's pages are shown in.
pub async fn set_lang(app: &App, user_id: i64, lang: Lang) -> AppResult<()> {
    app.store.set_lang(user_id, lang).await?;
    app.forget_credentials();
    Ok(())
}
