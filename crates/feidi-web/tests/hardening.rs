//! Issue 18: what an attacker and a careless user found, each on both databases — impossible
//! dates, NUL characters, values that must be refused, headers on every answer, errors that
//! are problem+json, logins sent all at once, and logins while another process holds SQLite's
//! write lock.

mod common;

use common::{TestApp, cookie_value, hidden};
use feidi_store::{Backend, both_backends};
use feidi_web::WebConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["field"].as_str().map(str::to_string))
        .collect()
}

async fn a_project(app: &TestApp) -> i64 {
    let (zone, enterprise) = app.ground().await;
    app.made(
        "/projects",
        json!({"name": "卫材园中园", "category": "industrial", "zone_id": zone, "enterprise_id": enterprise, "total_investment": "1000000000"}),
    )
    .await["id"]
        .as_i64()
        .unwrap_or_default()
}

/// Point 1 and the dates of point 7: a date is `YYYY-MM-DD` in a sane year, else 422 naming
/// the field, and the leaders' pages stay up.
async fn impossible_dates_are_refused_and_the_leaders_pages_stay_up(backend: Backend) {
    let app = TestApp::start(backend).await;
    let id = a_project(&app).await;
    let (_, staff) = app.user("staff.one", "staff", None).await;
    let path = format!("/projects/{id}/milestones/construction_started");
    for bad in [
        "-2023-06-01",
        "0000-01-01",
        "+12345-01-01",
        "+2023-01-01",
        "23-01-01",
        "2023-1-1",
        "2023-02-30",
        "1899-12-31",
    ] {
        let (status, problem) = app
            .call(&staff, "PUT", &path, Some(json!({"planned_date": bad})))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {problem}");
        assert_eq!(fields(&problem), ["planned_date"], "{bad}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("YYYY-MM-DD")),
            "{problem}"
        );
    }
    let (status, _) = app
        .call(&staff, "GET", &path.replace("/construction_started", ""), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    for read in ["/dashboard", "/cockpit"] {
        let (status, body) = app.admin("GET", read, None).await;
        assert_eq!(status, StatusCode::OK, "{read}: {body}");
    }
    // An as-of day is held to the same rule.
    let (status, problem) = app.admin("GET", "/dashboard?as_of=0000-01-01", None).await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["as_of".to_string()])
    );
    // And a good date is still taken.
    let (status, m) = app
        .call(&staff, "PUT", &path, Some(json!({"planned_date": "2023-06-01"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    // A bad date an earlier version stored no longer takes the leaders' pages down.
    feidi_store::testing::execute(&app.store, "UPDATE milestones SET planned_date = '-2023-06-01'").await;
    for read in ["/dashboard", "/cockpit"] {
        let (status, body) = app.admin("GET", read, None).await;
        assert_eq!(status, StatusCode::OK, "{read} with a stored bad date: {body}");
    }
}
both_backends!(
    impossible_dates_are_refused_and_the_leaders_pages_stay_up,
    super::impossible_dates_are_refused_and_the_leaders_pages_stay_up
);

/// An instant an earlier version, a hand edit or a restore stored badly shows as it was stored;
/// the record's pages and its API answer stay up on both databases, and a good one is shown as
/// the Shanghai minute.
async fn a_stored_bad_instant_shows_as_stored_and_pages_stay_up(backend: Backend) {
    let app = TestApp::start(backend).await;
    let id = a_project(&app).await;
    let (_, session) = app.sign_in("admin", "password123").await;
    let session = session.expect("session");
    let (status, html) = app.page(&session, &format!("/projects/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, project) = app.admin("GET", &format!("/projects/{id}"), None).await;
    let minute =
        feidi_core::time::Stamp::stored(project["updated_at"].as_str().unwrap_or_default()).to_string();
    assert!(
        minute.len() == 16 && html.contains(&minute),
        "the project page shows {minute}"
    );
    feidi_store::testing::execute(&app.store, "UPDATE projects SET updated_at = '昨天 \u{202e}noon'").await;
    let (status, _) = app.page(&session, "/projects").await;
    assert_eq!(status, StatusCode::OK, "the list");
    let (status, html) = app.page(&session, &format!("/projects/{id}")).await;
    assert_eq!(status, StatusCode::OK, "the project page");
    assert!(
        html.contains("昨天 \u{202e}noon"),
        "the project page shows the stored text"
    );
    let (status, project) = app.admin("GET", &format!("/projects/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{project}");
    assert_eq!(project["updated_at"], "昨天 \u{202e}noon");
    for read in ["/dashboard", "/cockpit", "/projects"] {
        let (status, body) = app.admin("GET", read, None).await;
        assert_eq!(status, StatusCode::OK, "{read}: {body}");
    }
}
both_backends!(
    a_stored_bad_instant_shows_as_stored_and_pages_stay_up,
    super::a_stored_bad_instant_shows_as_stored_and_pages_stay_up
);

/// Point 5: a NUL character is refused with 422 naming the field, in bodies, forms and
/// searches, for every role, and nothing is written.
async fn nul_characters_are_refused_naming_the_field(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, enterprise) = app.ground().await;
    let (_, firm) = app.user("qiye", "enterprise", Some(enterprise)).await;
    let (status, problem) = app
        .admin(
            "POST",
            "/projects",
            Some(json!({"name": "卫材\u{0}园", "category": "industrial", "zone_id": zone, "total_investment": "1"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["name"]);
    let (_, list) = app.admin("GET", "/projects", None).await;
    assert_eq!(list["total"], 0, "nothing written: {list}");
    // Nested in a list, too.
    let (status, problem) = app
        .admin(
            "POST",
            "/webhooks",
            Some(json!({"url": "https://example.org/hook", "secret": "a secret of sixteen or more", "events": ["escalated\u{0}"]})),
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["events".to_string()])
    );
    // A search: 422 naming the parameter, for an enterprise user as for anyone.
    for token in [&app.admin_token, &firm] {
        let (status, problem) = app.call(token, "GET", "/projects?q=a%00b", None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(fields(&problem), ["q"]);
    }
    // A page form: the same, before any handler.
    app.user("staff.nul", "staff", None).await;
    let (_, session) = app.sign_in("staff.nul", "password123").await;
    let session = session.expect("signed in");
    let (_, page) = app.page(&session, "/projects/new").await;
    let response = app
        .client
        .post(app.url("/projects/new"))
        .header("cookie", format!("feidi_session={session}"))
        .form(&[
            ("_csrf", hidden(&page, "_csrf").as_str()),
            ("name", "a\u{0}b"),
            ("category", "industrial"),
            ("zone_id", &zone.to_string()),
            ("total_investment", "1"),
        ])
        .send()
        .await
        .expect("form");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = app.admin("GET", "/projects", None).await;
    assert_eq!(list["total"], 0, "nothing written: {list}");
    // A login holding one is a wrong login, not an error.
    let (status, _) = app.sign_in("staff\u{0}nul", "password123").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
both_backends!(
    nul_characters_are_refused_naming_the_field,
    super::nul_characters_are_refused_naming_the_field
);

fn assert_guarded(response: &reqwest::Response, what: &str) {
    let h = response.headers();
    for (name, value) in [
        ("content-security-policy", None),
        ("x-frame-options", Some("DENY")),
        ("x-content-type-options", Some("nosniff")),
        ("cache-control", Some("no-store")),
    ] {
        let got = h.get(name).and_then(|v| v.to_str().ok());
        assert!(got.is_some(), "{what}: no {name}");
        if let Some(value) = value {
            assert_eq!(got, Some(value), "{what}: {name}");
        }
    }
    assert!(
        h.get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("frame-ancestors 'none'")),
        "{what}"
    );
}

/// Point 6: the import routes carry the security headers like every other answer; HSTS is
/// sent when cookies are marked secure, and only then.
async fn every_answer_carries_the_security_headers(backend: Backend) {
    let config = WebConfig {
        secure_cookies: true,
        ..WebConfig::default()
    };
    let app = TestApp::start_with(backend, config).await;
    let page = app
        .client
        .get(app.url("/imports"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("imports page");
    assert_guarded(&page, "GET /imports");
    let upload = app
        .client
        .post(app.url("/api/v1/imports/reports"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "text/csv")
        .body("project_id,month,completed_investment\n1,2023-07,x\n")
        .send()
        .await
        .expect("import");
    assert_eq!(upload.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_guarded(&upload, "POST /api/v1/imports/reports");
    for response in [&page, &upload] {
        assert_eq!(
            response
                .headers()
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000")
        );
    }
    let plain = TestApp::start(backend).await;
    let login = plain.client.get(plain.url("/login")).send().await.expect("login");
    assert_guarded(&login, "GET /login");
    assert!(login.headers().get("strict-transport-security").is_none());
}
both_backends!(
    every_answer_carries_the_security_headers,
    super::every_answer_carries_the_security_headers
);

/// Point 7: values that must be refused, and errors that must be problem+json.
async fn bad_values_are_refused_and_every_error_is_a_problem(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, enterprise) = app.ground().await;
    let (status, problem) = app
        .admin(
            "POST",
            "/projects",
            Some(json!({"name": "物流园", "category": "supporting", "zone_id": zone, "total_investment": "+5"})),
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["total_investment".to_string()]
        )
    );

    // Passwords are bounded; logins are one name whatever their case.
    let long = "x".repeat(100_000);
    let (status, problem) = app
        .admin(
            "POST",
            "/users",
            Some(json!({"login": "long.one", "name": "长", "role": "staff", "password": long})),
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["password".to_string()])
    );
    let (status, problem) = app
        .admin(
            "POST",
            "/users",
            Some(json!({"login": "ADMIN", "name": "冒充", "role": "admin", "password": "a long enough password"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["login"]);
    let (_, users) = app.admin("GET", "/users", None).await;
    assert_eq!(users["total"], 1, "{users}");
    // Any case of the login signs in.
    let (status, session) = app.sign_in("Admin", "password123").await;
    assert_eq!((status, session.is_some()), (StatusCode::SEE_OTHER, true));

    // A plan's year is a year of the programme, however the number is written.
    let project = app
        .made(
            "/projects",
            json!({"name": "计划项目", "category": "industrial", "zone_id": zone, "total_investment": "100"}),
        )
        .await;
    for year in ["4294969196", "2201", "1899", "-2023", "２０２３"] {
        let (status, problem) = app
            .admin(
                "PUT",
                &format!("/projects/{}/plans/{year}", project["id"]),
                Some(json!({"planned_investment": "10"})),
            )
            .await;
        assert_eq!(
            (status, fields(&problem)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["year".to_string()]),
            "{year}"
        );
    }

    // An appeal's submitted_at in year 1.
    let (status, problem) = app
        .admin(
            "POST",
            "/appeals",
            Some(
                json!({"enterprise_id": enterprise, "category": "other", "title": "t", "description": "d",
                        "submitted_at": "0001-01-01T00:00:00+08:00"}),
            ),
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["submitted_at".to_string()])
    );

    // The framework's own refusals speak problem+json.
    let big = app
        .client
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "application/json")
        .body(vec![b' '; 5 * 1024 * 1024])
        .send()
        .await
        .expect("big body");
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big.headers()["content-type"], "application/problem+json");
    let problem: Value = big.json().await.expect("problem");
    assert_eq!(problem["status"], 413);
    let path = app
        .client
        .get(app.url("/api/v1/projects/abc"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("bad id");
    assert_eq!(path.status(), StatusCode::BAD_REQUEST);
    assert_eq!(path.headers()["content-type"], "application/problem+json");
    let problem: Value = path.json().await.expect("problem");
    assert!(
        problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{problem}"
    );
}
both_backends!(
    bad_values_are_refused_and_every_error_is_a_problem,
    super::bad_values_are_refused_and_every_error_is_a_problem
);

/// Sends one login through the form; answers its status.
async fn login_once(app: &TestApp, login: &str, password: &str) -> StatusCode {
    app.sign_in(login, password).await.0
}

/// Point 4: twenty logins for one account at once, the right password among them, get no
/// more password checks between them than the limit of five; the password page's check of
/// the current password is throttled too.
async fn logins_sent_at_once_get_no_more_tries_than_the_limit(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.user("target", "staff", None).await;
    let attempts = (0..20).map(|i| {
        let password = if i == 15 { "password123" } else { "wrong password" };
        login_once(&app, "target", password)
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED || **s == StatusCode::SEE_OTHER)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 5, "{checked} passwords checked: {statuses:?}");
    assert_eq!(checked + refused, 20, "{statuses:?}");
    // Locked now, even with the right password.
    assert_eq!(
        login_once(&app, "target", "password123").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // The password page: five wrong current passwords, then locked.
    app.user("changer", "staff", None).await;
    let (_, session) = app.sign_in("changer", "password123").await;
    let session = session.expect("session");
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let (_, page) = app.page(&session, "/password").await;
        let response = app
            .client
            .post(app.url("/password"))
            .header("cookie", format!("feidi_session={session}"))
            .form(&[
                ("_csrf", hidden(&page, "_csrf").as_str()),
                ("current", "not my password"),
                ("new", "a brand new password"),
            ])
            .send()
            .await
            .expect("password");
        statuses.push(response.status());
    }
    assert_eq!(statuses[..5], [StatusCode::UNPROCESSABLE_ENTITY; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
}
both_backends!(
    logins_sent_at_once_get_no_more_tries_than_the_limit,
    super::logins_sent_at_once_get_no_more_tries_than_the_limit
);

/// Holds SQLite's write lock from another connection, as another process would, for `hold`.
fn hold_write_lock(url: &str, hold: std::time::Duration) -> std::thread::JoinHandle<()> {
    let file = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let (taken, wait) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&file).expect("open");
        conn.execute_batch("BEGIN IMMEDIATE").expect("lock");
        let _ = taken.send(());
        std::thread::sleep(hold);
        conn.execute_batch("COMMIT").expect("release");
    });
    wait.recv().expect("lock taken");
    handle
}

/// Point 3 (SQLite): while another process holds the write lock for three seconds, a login
/// and a logout wait for it and succeed, and the cookie logged out no longer works; a write
/// that waits longer than a writer waits answers 503 with Retry-After, and writes nothing.
async fn logins_wait_for_another_process_s_write_lock() {
    let app = TestApp::start(Backend::Sqlite).await;
    app.user("waiter", "staff", None).await;
    let (_, old) = app.sign_in("waiter", "password123").await;
    let old = old.expect("session");

    let lock = hold_write_lock(&app.db.url, std::time::Duration::from_secs(3));
    let (status, session) = app.sign_in("waiter", "password123").await;
    assert_eq!((status, session.is_some()), (StatusCode::SEE_OTHER, true));
    lock.join().expect("lock thread");

    let lock = hold_write_lock(&app.db.url, std::time::Duration::from_secs(3));
    let (_, page) = app.page(&old, "/").await;
    let response = app
        .client
        .post(app.url("/logout"))
        .header("cookie", format!("feidi_session={old}"))
        .form(&[("_csrf", hidden(&page, "_csrf").as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(cookie_value(&response, "feidi_session").as_deref(), Some(""));
    lock.join().expect("lock thread");
    // Past the memo's second, on any server: the old cookie is dead.
    tokio::time::sleep(feidi_app::memo::CREDENTIAL_TTL).await;
    let (status, _) = app.page(&old, "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the logged-out cookie still works");

    // Longer than a writer waits: 503, Retry-After, nothing written.
    let (zone, _) = app.ground().await;
    let lock = hold_write_lock(&app.db.url, std::time::Duration::from_secs(12));
    let response = app
        .client
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&app.admin_token)
        .json(&json!({"name": "等锁", "category": "industrial", "zone_id": zone, "total_investment": "1"}))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().get("retry-after").is_some());
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    lock.join().expect("lock thread");
    let (_, list) = app.admin("GET", "/projects", None).await;
    assert_eq!(list["total"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_logins_wait_for_another_process_s_write_lock() {
    logins_wait_for_another_process_s_write_lock().await;
}

/// Point 12: API tokens have a label, an optional expiry and `last_used_at`; they are listed
/// without their secret, revoked at once on every server, dead after their expiry, and
/// revoked for good when their user is deactivated.
async fn api_tokens_have_a_lifecycle(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (staff, _) = app.user("staff.tok", "staff", None).await;
    let (_, other) = app.user("staff.other", "staff", None).await;
    let tokens = format!("/users/{staff}/tokens");
    let tomorrow = (feidi_core::time::today() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let (status, issued) = app
        .admin(
            "POST",
            &tokens,
            Some(json!({"label": "大屏", "expires_at": tomorrow})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let secret = issued["token"].as_str().unwrap_or_default().to_string();
    let (status, me) = app.call(&secret, "GET", "/me", None).await;
    assert_eq!((status, &me["id"]), (StatusCode::OK, &json!(staff)));

    for (bad, why) in [
        ("2000-01-01", "past"),
        ("soon", "not a time"),
        ("0001-01-01T00:00:00+08:00", "year 1"),
    ] {
        let (status, problem) = app.admin("POST", &tokens, Some(json!({"expires_at": bad}))).await;
        assert_eq!(
            (status, fields(&problem)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["expires_at".to_string()]),
            "{why}"
        );
    }

    // Listed without a secret; its use recorded (off the request's path, so within moments).
    // (The test's own token for the user, made with it, is listed after it: newest first.)
    let mut listed = Value::Null;
    for _ in 0..100 {
        listed = app.admin("GET", &tokens, None).await.1;
        if !listed[0]["last_used_at"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    assert_eq!(
        (&listed[0]["id"], &listed[0]["label"]),
        (&issued["id"], &json!("大屏"))
    );
    assert!(
        listed[0]["expires_at"]
            .as_str()
            .is_some_and(|t| t.ends_with("T00:00:00.000000+08:00")),
        "{listed}"
    );
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(listed[1]["last_used_at"].is_null(), "never used: {listed}");
    assert!(!listed.to_string().contains(&secret) && listed[0].get("token_hash").is_none());
    // Someone else's tokens are not even there for another user.
    let (status, _) = app.call(&other, "GET", &tokens, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Revoked: 401 at once here, and on another server past the second it trusts a token.
    let second = app.second_server().await;
    let (status, _) = second.admin("GET", "/me", None).await;
    assert_eq!(status, StatusCode::OK);
    let id = issued["id"].as_i64().unwrap_or_default();
    let (status, _) = app.admin("DELETE", &format!("{tokens}/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.call(&secret, "GET", "/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    tokio::time::sleep(feidi_app::memo::CREDENTIAL_TTL).await;
    let on_second = app
        .client
        .get(format!("{}/api/v1/me", second.base))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("second server");
    assert_eq!(on_second.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = app.admin("DELETE", &format!("{tokens}/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "revoked once");

    // Expired: refused.
    let (_, short) = app.admin("POST", &tokens, Some(json!({"label": "短期"}))).await;
    feidi_store::testing::execute(
        &app.store,
        &format!(
            "UPDATE api_tokens SET expires_at = '2001-01-01T00:00:00.000000+08:00' WHERE id = {}",
            short["id"]
        ),
    )
    .await;
    let (status, _) = app
        .call(short["token"].as_str().unwrap_or_default(), "GET", "/me", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Deactivated: every token of the user is gone, and stays gone when reactivated.
    let (_, kept) = app.admin("POST", &tokens, Some(json!({"label": "脚本"}))).await;
    let (_, user) = app.admin("GET", &format!("/users/{staff}"), None).await;
    let (status, user) = app
        .admin(
            "PATCH",
            &format!("/users/{staff}"),
            Some(json!({"active": false, "version": user["version"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    let (status, _) = app
        .admin(
            "PATCH",
            &format!("/users/{staff}"),
            Some(json!({"active": true, "version": user["version"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(kept["token"].as_str().unwrap_or_default(), "GET", "/me", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, listed) = app.admin("GET", &tokens, None).await;
    assert_eq!(listed, json!([]));
}
both_backends!(api_tokens_have_a_lifecycle, super::api_tokens_have_a_lifecycle);

/// Point 12's page: a user issues a token for themselves (a refused expiry keeps the label
/// typed), sees its secret once, and revokes it; nobody else's tokens are reachable.
async fn the_tokens_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (me, _) = app.user("staff.page", "staff", None).await;
    app.user("staff.nosy", "staff", None).await;
    let (_, session) = app.sign_in("staff.page", "password123").await;
    let session = session.expect("session");
    let path = format!("/users/{me}/tokens");
    let (status, page) = app.page(&session, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("href=\"{path}\"")),
        "the header links to it"
    );
    let post = |fields: Vec<(&'static str, String)>, page: String| {
        let mut form = vec![("_csrf", hidden(&page, "_csrf"))];
        form.extend(fields);
        app.client
            .post(app.url(&path))
            .header("cookie", format!("feidi_session={session}"))
            .form(&form)
            .send()
    };
    let refused = post(
        vec![("label", "数据大屏".into()), ("expires_at", "2001-01-01".into())],
        page.clone(),
    )
    .await
    .expect("post");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap_or_default();
    assert!(html.contains("value=\"数据大屏\""), "the label typed is kept");
    assert!(html.contains("须晚于当前时间"), "the error is named");
    let issued = post(
        vec![("label", "数据大屏".into()), ("expires_at", String::new())],
        page,
    )
    .await
    .expect("post");
    assert_eq!(issued.status(), StatusCode::CREATED);
    let html = issued.text().await.unwrap_or_default();
    let secret = html
        .split("<code id=\"token-secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_default()
        .to_string();
    assert_eq!(secret.len(), 64, "the secret is shown once");
    let (status, _) = app.call(&secret, "GET", "/me", None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = app.page(&session, &path).await;
    assert!(!page.contains(&secret), "never shown again");
    let (_, listed) = app.call(&secret, "GET", &path, None).await;
    let id = listed
        .as_array()
        .and_then(|l| l.iter().find(|t| t["label"] == "数据大屏"))
        .map(|t| t["id"].clone())
        .unwrap_or_default();
    let revoked = app
        .client
        .post(app.url(&format!("{path}/{id}/revoke")))
        .header("cookie", format!("feidi_session={session}"))
        .form(&[("_csrf", hidden(&page, "_csrf"))])
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.call(&secret, "GET", "/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (_, nosy) = app.sign_in("staff.nosy", "password123").await;
    let (status, _) = app.page(&nosy.expect("session"), &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
both_backends!(the_tokens_page, super::the_tokens_page);
