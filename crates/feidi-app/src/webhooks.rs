//! Sending webhook deliveries: the queue in the database is claimed in batches, each delivery
//! signed (HMAC-SHA256 of the exact body) and sent to its endpoint — never into the server's
//! own network unless an admin allows it — and every attempt recorded.

use feidi_store::{DueDelivery, Outcome, Store, StoreResult};
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
    store: &Store,
    client: &reqwest::Client,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> StoreResult<usize> {
    let due = store
        .claim_deliveries(now, chrono::Duration::seconds(60), SEND_BATCH as i64)
        .await?;
    let allow_internal = store.webhooks_allow_internal().await?;
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
    store.record_attempts(done).await?;
    Ok(tried)
}

/// The sender loop `feidi serve` runs: every two seconds, batches until none is due.
pub async fn run_sender(store: Store) {
    let client = client();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        loop {
            match deliver_due(&store, &client, feidi_core::time::now()).await {
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
