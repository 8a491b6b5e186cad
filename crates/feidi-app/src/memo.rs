//! Two small in-process memos that spare the database work on hot paths without ever serving
//! what another app server has already changed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use feidi_store::User;

/// How long a verified credential is trusted before the database is asked again.
pub const CREDENTIAL_TTL: Duration = Duration::from_secs(1);
const CREDENTIALS_MAX: usize = 10_000;

/// Credentials (token or session hashes) recently verified against the database, with the
/// user they belong to. The database stays the authority: an entry lives one second, so a
/// session ended or a user deactivated on any app server stops working everywhere within a
/// second — and at once on the server that did it, which forgets its entries.
#[derive(Default)]
pub struct CredentialMemo {
    entries: Mutex<HashMap<String, Credential>>,
}

/// A verified credential: its user, the session's CSRF token (none for API tokens), and when.
type Credential = (User, Option<String>, Instant);

impl CredentialMemo {
    /// The user (and session CSRF token) of a credential verified less than a TTL ago.
    pub fn get(&self, key: &str) -> Option<(User, Option<String>)> {
        let entries = self.entries.lock().ok()?;
        let (user, csrf, at) = entries.get(key)?;
        (at.elapsed() < CREDENTIAL_TTL).then(|| (user.clone(), csrf.clone()))
    }

    pub fn put(&self, key: String, user: User, csrf: Option<String>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CREDENTIALS_MAX {
                entries.retain(|_, (_, _, at)| at.elapsed() < CREDENTIAL_TTL);
                if entries.len() >= CREDENTIALS_MAX {
                    entries.clear();
                }
            }
            entries.insert(key, (user, csrf, Instant::now()));
        }
    }

    /// Forgets everything: after a logout, a password change or any change to a user.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

const ANSWERS_MAX_BYTES: usize = 8 * 1024 * 1024;
const ANSWERS_MAX_ENTRIES: usize = 10_000;

/// Serialised answers of list queries, each tagged with the data version of its table when it
/// was read. An answer is served only while the table's version in the database is still that
/// one, so it is never older than the last committed write on any server.
#[derive(Default)]
pub struct AnswerMemo {
    inner: Mutex<Answers>,
}

#[derive(Default)]
struct Answers {
    entries: HashMap<String, (i64, Bytes)>,
    bytes: usize,
}

impl AnswerMemo {
    pub fn get(&self, key: &str, version: i64) -> Option<Bytes> {
        let inner = self.inner.lock().ok()?;
        match inner.entries.get(key) {
            Some((v, body)) if *v == version => Some(body.clone()),
            _ => None,
        }
    }

    pub fn put(&self, key: String, version: i64, body: Bytes) {
        // Keys count against the budget too: many small answers to long queries add up.
        let size = key.len() + body.len();
        if size > ANSWERS_MAX_BYTES / 16 {
            return;
        }
        if let Ok(mut inner) = self.inner.lock() {
            // Bounded memory: when full, start again (older versions are dead weight anyway).
            if inner.bytes + size > ANSWERS_MAX_BYTES || inner.entries.len() >= ANSWERS_MAX_ENTRIES {
                inner.entries.clear();
                inner.bytes = 0;
            }
            let old = inner
                .entries
                .insert(key.clone(), (version, body))
                .map(|(_, old)| key.len() + old.len());
            inner.bytes = inner.bytes + size - old.unwrap_or(0);
        }
    }
}

const VALUES_MAX_ENTRIES: usize = 256;

/// Computed values (the cockpit's figures) tagged with the data version they were built
/// from, served only while the database's version is still that one, like [`AnswerMemo`].
pub struct ValueMemo<T> {
    entries: Mutex<HashMap<String, (i64, std::sync::Arc<T>)>>,
}

impl<T> Default for ValueMemo<T> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> ValueMemo<T> {
    pub fn get(&self, key: &str, version: i64) -> Option<std::sync::Arc<T>> {
        let entries = self.entries.lock().ok()?;
        match entries.get(key) {
            Some((v, value)) if *v == version => Some(value.clone()),
            _ => None,
        }
    }

    pub fn put(&self, key: String, version: i64, value: std::sync::Arc<T>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= VALUES_MAX_ENTRIES {
                entries.retain(|_, (v, _)| *v == version);
                if entries.len() >= VALUES_MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(key, (version, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_served_only_for_their_version() {
        let memo = AnswerMemo::default();
        memo.put("q".into(), 7, Bytes::from_static(b"[1]"));
        assert_eq!(memo.get("q", 7).as_deref(), Some(&b"[1]"[..]));
        assert!(memo.get("q", 8).is_none(), "a newer version is a miss");
        assert!(memo.get("other", 7).is_none());
    }

    #[test]
    fn values_are_served_only_for_their_version() {
        let memo = ValueMemo::<u32>::default();
        memo.put("as_of=2023-07-07".into(), 3, std::sync::Arc::new(42));
        assert_eq!(memo.get("as_of=2023-07-07", 3).as_deref(), Some(&42));
        assert!(memo.get("as_of=2023-07-07", 4).is_none());
    }

    #[test]
    fn answers_stay_within_their_memory_budget() {
        let memo = AnswerMemo::default();
        let body = Bytes::from(vec![b'x'; ANSWERS_MAX_BYTES / 20]);
        for i in 0..100 {
            memo.put(format!("k{i}"), 1, body.clone());
        }
        let inner = memo.inner.lock().map(|i| i.bytes).unwrap_or(usize::MAX);
        assert!(inner <= ANSWERS_MAX_BYTES);
    }
}
