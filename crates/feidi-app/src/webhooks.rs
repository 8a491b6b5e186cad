//! Sending webhook deliveries: the queue in the database is claimed in batches, each delivery
//! signed (HMAC-SHA256 of the exact body) and sent to its endpoint — never into the server's
//! own network unless an admin allows it — and every attempt recorded.

use feidi_store::{DueDelivery, Outcome, StoreResult};

use feidi_core::appeals::EventKind;
use feidi_core::policy::Principal;
use feidi_core::{FieldErrors, Flaw, Input, Need};
use feidi_store::{Delivery, Page, Webhook, WebhookInput};
use serde_json::{Map, Value};

use crate::{App, AppError, AppResult};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `sha256=<hex>`: the HMAC-SHA256 of the exact body under the endpoint's secret.
pub fn signature(secret: &str, body: &str) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The host a URL names, if it is a URL with one.
pub fn host_of(url: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
}

/// Whether a URL's host is, without a lookup, an address or name of the server's own network.
pub fn names_internal(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => feidi_core::net::is_internal(ip),
        Err(_) => feidi_core::net::is_local_name(host),
    }
}

/// The HTTP client deliveries go out with: a bounded wait, no redirects followed.
pub fn client() -> reqwest::Client {
    client_builder().build().unwrap_or_default()
}

fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("feidi-webhooks/1")
}

/// Where a delivery may go: the client to send it with, or why it may not be sent. Unless
/// internal targets are allowed, the host's addresses are looked up here and every one must
/// lie outside the server's own network; the request then goes to those very addresses, so a
/// name that answers differently a moment later (DNS rebinding) cannot redirect it.
async fn route(client: &reqwest::Client, url: &str, allow_internal: bool) -> Result<reqwest::Client, String> {
    if allow_internal {
        return Ok(client.clone());
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a valid URL: {e}"))?;
    let host = parsed.host_str().unwrap_or_default().to_string();
    if names_internal(&host) {
        return Err(format!(
            "refused: {host} is in the server's own network (an admin may allow internal targets)"
        ));
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<std::net::IpAddr>().is_ok() {
        return Ok(client.clone());
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| format!("could not look up {host}: {e}"))?
        .collect();
    if let Some(inside) = addrs.iter().find(|a| feidi_core::net::is_internal(a.ip())) {
        return Err(format!(
            "refused: {host} resolves to {} in the server's own network (an admin may allow internal targets)",
            inside.ip()
        ));
    }
    client_builder()
        .resolve_to_addrs(bare, &addrs)
        .build()
        .map_err(|e| e.to_string())
}

async fn send(client: &reqwest::Client, delivery: &DueDelivery, allow_internal: bool) -> Outcome {
    let started = std::time::Instant::now();
    let client = match route(client, &delivery.url, allow_internal).await {
        Ok(client) => client,
        Err(error) => {
            return Outcome {
                status_code: None,
                error: Some(error.chars().take(500).collect()),
                duration_ms: 0,
            };
        }
    };
    let answer = client
        .post(&delivery.url)
        .header("content-type", "application/json")
        .header("x-feidi-event", &delivery.event)
        .header("x-feidi-delivery", delivery.id.to_string())
        .header("x-feidi-signature", signature(&delivery.secret, &delivery.body))
        .body(delivery.body.clone())
        .send()
        .await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    match answer {
        Ok(response) => {
            let status = i64::from(response.status().as_u16());
            let ok = response.status().is_success();
            Outcome {
                status_code: Some(status),
                error: (!ok).then(|| format!("HTTP {status}")),
                duration_ms,
            }
        }
        Err(e) => Outcome {
            status_code: None,
            error: Some(e.to_string().chars().take(500).collect()),
            duration_ms,
        },
    }
}

/// Deliveries claimed at once: their attempts are then recorded in one short transaction.
const SEND_BATCH: usize = 100;
/// Requests in flight at once. A batch's sending then takes at most five rounds of the
/// client's 10-second timeout, inside the claim's 60-second lease.
const IN_FLIGHT: usize = 20;

/// Sends the deliveries due at `now` (a batch of at most 100, twenty at a time); answers how
/// many were tried. A receiver's failure is recorded and retried later; it never fails the
/// caller.
pub async fn deliver_due(
    app: &App,
    client: &reqwest::Client,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> StoreResult<usize> {
    let due = app
        .store
        .claim_deliveries(now, chrono::Duration::seconds(60), SEND_BATCH as i64)
        .await?;
    let allow_internal = app.store.webhooks_allow_internal().await?;
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut sending = tokio::task::JoinSet::new();
    for delivery in due.iter().cloned() {
        let (client, permits) = (client.clone(), permits.clone());
        sending.spawn(async move {
            // The semaphore is never closed, so a permit always comes.
            let _permit = permits.acquire_owned().await;
            let outcome = send(&client, &delivery, allow_internal).await;
            (delivery, outcome)
        });
    }
    let tried = due.len();
    let mut done = Vec::with_capacity(tried);
    while let Some(sent) = sending.join_next().await {
        if let Ok((delivery, outcome)) = sent {
            done.push((delivery, feidi_core::time::now().max(now), outcome));
        }
    }
    // One transaction for the batch: the sender takes the single writer once, not per delivery.
    app.store.record_attempts(done).await?;
    Ok(tried)
}

/// The sender loop `feidi serve` runs: every two seconds, batches until none is due.
pub async fn run_sender(app: App) {
    let client = client();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        loop {
            match deliver_due(&app, &client, feidi_core::time::now()).await {
                Ok(SEND_BATCH) => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::error!(error = %e, "webhook deliveries: tried again shortly");
                    break;
                }
            }
        }
    }
}

/// Webhooks are for admins only, in the API and on the pages.
fn admin(who: &Principal) -> AppResult<()> {
    if who.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether webhooks may reach the server's own network.
pub async fn allow_internal(app: &App, who: &Principal) -> AppResult<bool> {
    admin(who)?;
    Ok(app.store.webhooks_allow_internal().await?)
}

/// Allows or refuses internal targets (`{"allow_internal": bool}`).
pub async fn set_allow_internal(app: &App, who: &Principal, body: &Map<String, Value>) -> AppResult<bool> {
    admin(who)?;
    let Some(allow) = body.get("allow_internal").and_then(Value::as_bool) else {
        return Err(FieldErrors::one(
            "allow_internal",
            Flaw::Rule("须为 true 或 false", "must be true or false"),
        )
        .into());
    };
    Ok(app
        .store
        .set_webhooks_allow_internal(Some(who.user_id), allow)
        .await?)
}

pub async fn list(app: &App, who: &Principal) -> AppResult<Vec<Webhook>> {
    admin(who)?;
    Ok(app.store.webhooks().await?)
}

pub async fn get(app: &App, who: &Principal, id: i64) -> AppResult<Webhook> {
    admin(who)?;
    Ok(app.store.webhook(id).await?)
}

/// Registers an endpoint; its secret is required.
pub async fn create(app: &App, who: &Principal, body: &Map<String, Value>) -> AppResult<Webhook> {
    admin(who)?;
    let input = parse_webhook(app, body, true).await?;
    Ok(app.store.create_webhook(Some(who.user_id), input).await?)
}

/// Changes an endpoint if `version` is still current; a missing secret keeps the stored one.
pub async fn update(app: &App, who: &Principal, id: i64, body: &Map<String, Value>) -> AppResult<Webhook> {
    admin(who)?;
    let version = crate::version_of(body)?;
    let input = parse_webhook(app, body, false).await?;
    Ok(app
        .store
        .update_webhook(Some(who.user_id), id, version, input)
        .await?)
}

pub async fn delete(app: &App, who: &Principal, id: i64) -> AppResult<()> {
    admin(who)?;
    Ok(app.store.delete_webhook(Some(who.user_id), id).await?)
}

/// An endpoint's delivery log, newest first.
pub async fn deliveries(
    app: &App,
    who: &Principal,
    id: i64,
    page: i64,
    per_page: i64,
) -> AppResult<Page<Delivery>> {
    admin(who)?;
    Ok(app.store.deliveries(id, page, per_page).await?)
}

/// Reads an endpoint's settings; on an update a missing secret keeps the stored one. A URL
/// naming the server's own network is refused unless an admin allows such targets.
async fn parse_webhook(app: &App, body: &Map<String, Value>, creating: bool) -> AppResult<WebhookInput> {
    let allow_internal = app.store.webhooks_allow_internal().await?;
    let mut input = Input::new(body);
    let url = input.text("url", Need::Required, 2000).unwrap_or_default();
    if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        input.flag(
            "url",
            Flaw::Rule(
                "须以 https:// 或 http:// 开头",
                "must start with https:// or http://",
            ),
        );
    } else if !url.is_empty() {
        match host_of(&url) {
            None => input.flag(
                "url",
                Flaw::Rule("不是有效的网址", "is not a valid URL"),
            ),
            Some(host) if !allow_internal && names_internal(&host) => input.flag(
                "url",
                Flaw::Rule(
                    "指向本机或内部网络（回环、链路本地、私有地址）；如确需推送到内网，请管理员先开启“允许内网地址”",
                    "points at this server's own or a private network (loopback, link-local, private addresses); an admin must first allow internal targets",
                ),
            ),
            Some(_) => {}
        }
    }
    let need = if creating { Need::Required } else { Need::Optional };
    let secret = input.text("secret", need, 200);
    if secret.as_ref().is_some_and(|s| s.chars().count() < 16) {
        input.flag(
            "secret",
            Flaw::Rule("至少16个字符", "must be at least 16 characters"),
        );
    }
    let mut events = Vec::new();
    match body.get("events") {
        Some(Value::Array(list)) if !list.is_empty() => {
            for item in list {
                match item.as_str().and_then(EventKind::parse) {
                    Some(kind) => events.push(kind.as_str().to_string()),
                    None => {
                        input.flag(
                            "events",
                            Flaw::Rule(
                                "须为办理过程的环节，如 submitted、acknowledged、escalated",
                                "must be timeline kinds such as submitted, acknowledged, escalated",
                            ),
                        );
                        break;
                    }
                }
            }
        }
        _ => input.flag("events", Flaw::Required),
    }
    events.dedup();
    let active = match body.get("active") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            input.flag(
                "active",
                Flaw::Rule("须为 true 或 false", "must be true or false"),
            );
            true
        }
    };
    input.finish()?;
    Ok(WebhookInput {
        url,
        secret,
        events,
        active,
    })
}
