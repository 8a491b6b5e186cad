//! Enterprise appeals (M5) through the API, on both databases: deadlines by the working-day
//! calendar, the AB rule at submission, the sweep's handover and escalation, the enterprise's
//! view, and the steps of an appeal's life.

mod common;

use common::{TestApp, hidden};
use feidi_store::{Backend, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The people around one enterprise: A and B officials, a task force with its leader and a
/// member, and the enterprise's own user.
struct Park {
    enterprise: i64,
    a: (i64, String),
    b: (i64, String),
    leader: (i64, String),
    member: (i64, String),
    firm: (i64, String),
    task_force: i64,
}

async fn park(app: &TestApp) -> Park {
    let (_, enterprise) = app.ground().await;
    let a = app.user("official_a", "staff", None).await;
    let b = app.user("official_b", "staff", None).await;
    let leader = app.user("tf_leader", "staff", None).await;
    let member = app.user("tf_member", "staff", None).await;
    let firm = app.user("firm", "enterprise", Some(enterprise)).await;
    let task_force = app
        .made("/task-forces", json!({"name": "卫材专班", "leader_id": leader.0}))
        .await["id"]
        .as_i64()
        .unwrap_or_default();
    let (status, body) = app
        .admin(
            "PATCH",
            &format!("/enterprises/{enterprise}"),
            Some(json!({"a_official_id": a.0, "b_official_id": b.0, "task_force_id": task_force, "version": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Park {
        enterprise,
        a,
        b,
        leader,
        member,
        firm,
        task_force,
    }
}

/// Lets webhooks reach this machine, where the tests' receivers listen.
async fn allow_internal_targets(app: &TestApp) {
    let (status, body) = app
        .admin("PUT", "/settings/webhooks", Some(json!({"allow_internal": true})))
        .await;
    assert_eq!((status, &body["allow_internal"]), (StatusCode::OK, &json!(true)));
}

/// The 2023 National Day week as published: 9-29 to 10-06 off, then two 调休 workdays.
async fn national_day_2023(app: &TestApp) {
    for day in [
        "2023-09-29",
        "2023-09-30",
        "2023-10-01",
        "2023-10-02",
        "2023-10-03",
        "2023-10-04",
        "2023-10-05",
        "2023-10-06",
    ] {
        let (status, body) = app
            .admin(
                "PUT",
                &format!("/calendar/{day}"),
                Some(json!({"kind": "holiday", "name": "国庆节"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for day in ["2023-10-07", "2023-10-08"] {
        let (status, body) = app
            .admin(
                "PUT",
                &format!("/calendar/{day}"),
                Some(json!({"kind": "workday"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["kind"], "workday");
    }
}

async fn history(app: &TestApp, park: &Park, category: &str, submitted_at: &str) -> Value {
    let (status, appeal) = app
        .admin(
            "POST",
            "/appeals",
            Some(json!({
                "enterprise_id": park.enterprise, "category": category, "title": "用电增容",
                "description": "新厂房需要增容到2000千伏安", "submitted_at": submitted_at
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{appeal}");
    appeal
}

async fn timeline(app: &TestApp, token: &str, id: &Value) -> Vec<(String, String)> {
    let (status, events) = app
        .call(token, "GET", &format!("/appeals/{id}/events"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{events}");
    events
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or_default().to_string(),
                e["at"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn kinds(events: &[(String, String)]) -> Vec<&str> {
    events.iter().map(|(k, _)| k.as_str()).collect()
}

fn at<'e>(events: &'e [(String, String)], kind: &str) -> Option<&'e str> {
    events.iter().find(|(k, _)| k == kind).map(|(_, a)| a.as_str())
}

async fn deadlines_follow_the_working_day_calendar(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    national_day_2023(&app).await;

    // The day before a week of holidays followed by two 调休 workdays: A must acknowledge by
    // the end of the first 调休 day; the resolve deadline is the 5th working day.
    let appeal = history(&app, &park, "land", "2023-09-28T10:00:00+08:00").await;
    assert_eq!(appeal["resolve_due_at"], "2023-10-12T00:00:00+08:00");
    let events = timeline(&app, &app.admin_token, &appeal["id"]).await;
    assert_eq!(
        kinds(&events),
        ["submitted", "assigned", "handed_over", "escalated", "overdue"],
        "loaded from history, every rule that fell due is applied in deadline order"
    );
    assert_eq!(at(&events, "handed_over"), Some("2023-10-08T00:00:00+08:00"));
    assert_eq!(at(&events, "escalated"), Some("2023-10-09T00:00:00+08:00"));
    assert_eq!(at(&events, "overdue"), Some("2023-10-12T00:00:00+08:00"));
    assert_eq!(appeal["handler_id"], park.leader.0);
    assert_eq!(appeal["handler_role"], "escalated");

    // A Friday submission is due for acknowledgement at the end of Monday.
    let friday = history(&app, &park, "approvals", "2024-03-08T16:00:00+08:00").await;
    let events = timeline(&app, &app.admin_token, &friday["id"]).await;
    assert_eq!(at(&events, "handed_over"), Some("2024-03-12T00:00:00+08:00"));
    assert_eq!(friday["resolve_due_at"], "2024-03-16T00:00:00+08:00");

    // 马上办 is due at the end of the next working day: A's miss hands it to B and, the
    // resolve deadline passing at the same instant, escalates it.
    let urgent = history(&app, &park, "urgent", "2024-03-08T16:00:00+08:00").await;
    assert_eq!(urgent["resolve_due_at"], "2024-03-12T00:00:00+08:00");
    let events = timeline(&app, &app.admin_token, &urgent["id"]).await;
    assert_eq!(
        kinds(&events),
        ["submitted", "assigned", "handed_over", "overdue", "escalated"]
    );
    assert!(events[2..].iter().all(|(_, a)| a == "2024-03-12T00:00:00+08:00"));

    // A category's resolve time is the admins' to set.
    let (status, category) = app
        .admin(
            "PUT",
            "/appeal-categories/land",
            Some(json!({"name": "用地", "resolve_working_days": 10})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{category}");
    let longer = history(&app, &park, "land", "2024-03-08T16:00:00+08:00").await;
    assert_eq!(longer["resolve_due_at"], "2024-03-23T00:00:00+08:00");
    let (status, bad) = app
        .admin(
            "PUT",
            "/appeal-categories/land",
            Some(json!({"name": "用地", "resolve_working_days": 0})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "resolve_working_days");
    let (status, _) = app
        .call(
            &park.a.1,
            "PUT",
            "/calendar/2024-05-01",
            Some(json!({"kind": "holiday"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins keep the calendar");

    // All four loaded appeals are open and past their resolve deadline: overdue and escalated.
    let (_, dashboard) = app.admin("GET", "/dashboard", None).await;
    assert_eq!(dashboard["appeals"]["open"], 4, "{dashboard}");
    assert_eq!(dashboard["appeals"]["overdue"], 4);
    assert_eq!(dashboard["appeals"]["escalated"], 4);
    let (_, overdue) = app.admin("GET", "/appeals?overdue=true", None).await;
    assert_eq!(overdue["total"], 4);
}
both_backends!(
    deadlines_follow_the_working_day_calendar,
    super::deadlines_follow_the_working_day_calendar
);

async fn submit_now(app: &TestApp, token: &str, enterprise: Option<i64>) -> (StatusCode, Value) {
    let mut body = json!({"category": "utilities", "title": "停水", "description": "园区东区停水三天"});
    if let Some(e) = enterprise {
        body["enterprise_id"] = json!(e);
    }
    app.call(token, "POST", "/appeals", Some(body)).await
}

async fn a_and_b_decide_who_handles_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let today = feidi_core::time::today().format("%Y-%m-%d").to_string();

    let (status, appeal) = submit_now(&app, &park.firm.1, None).await;
    assert_eq!(status, StatusCode::CREATED, "{appeal}");
    assert_eq!(appeal["enterprise_id"], park.enterprise);
    assert_eq!(
        (appeal["handler_id"].as_i64(), appeal["handler_role"].as_str()),
        (Some(park.a.0), Some("A"))
    );
    assert_eq!(appeal["status"], "submitted");
    assert!(
        appeal["ack_due_at"]
            .as_str()
            .is_some_and(|d| d.ends_with("T00:00:00+08:00"))
    );

    // A away today: B at once, and the timeline says why.
    let (status, absence) = app
        .call(
            &park.a.1,
            "POST",
            &format!("/users/{}/absences", park.a.0),
            Some(json!({"from": today, "to": today, "reason": "出差"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{absence}");
    assert_eq!(absence["warnings"], json!([]), "B is not away");
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    assert_eq!(
        (appeal["handler_id"].as_i64(), appeal["handler_role"].as_str()),
        (Some(park.b.0), Some("B"))
    );
    let (_, events) = app
        .call(
            &park.firm.1,
            "GET",
            &format!("/appeals/{}/events", appeal["id"]),
            None,
        )
        .await;
    assert_eq!(events[1]["kind"], "handed_over");
    assert_eq!(events[1]["reason"], "a_absent");

    // B away too: the warning names the enterprise, and the task force leader takes it.
    let (status, absence) = app
        .admin(
            "POST",
            &format!("/users/{}/absences", park.b.0),
            Some(json!({"from": today, "to": today, "reason": "病假"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(absence["warnings"][0]["enterprise_id"], park.enterprise);
    assert_eq!(absence["warnings"][0]["other_official_id"], park.a.0);
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    assert_eq!(
        (appeal["handler_id"].as_i64(), appeal["handler_role"].as_str()),
        (Some(park.leader.0), Some("assigned"))
    );

    // With no task force either, the leaders hold it (escalated, no handler).
    let (_, e) = app
        .admin("GET", &format!("/enterprises/{}", park.enterprise), None)
        .await;
    let (status, _) = app
        .admin(
            "PATCH",
            &format!("/enterprises/{}", park.enterprise),
            Some(json!({"task_force_id": null, "version": e["version"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    assert_eq!(appeal["handler_id"], Value::Null);
    assert_eq!(appeal["handler_role"], "escalated");
    assert_eq!(appeal["escalated"], true);

    // No A at all (and B back): B, "no A".
    let (_, absences) = app
        .admin("GET", &format!("/users/{}/absences", park.b.0), None)
        .await;
    let (status, _) = app
        .admin(
            "DELETE",
            &format!("/users/{}/absences/{}", park.b.0, absences[0]["id"]),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, e) = app
        .admin("GET", &format!("/enterprises/{}", park.enterprise), None)
        .await;
    app.admin(
        "PATCH",
        &format!("/enterprises/{}", park.enterprise),
        Some(json!({"a_official_id": null, "version": e["version"]})),
    )
    .await;
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    assert_eq!(appeal["handler_id"], park.b.0);
    let (_, events) = app
        .admin("GET", &format!("/appeals/{}/events", appeal["id"]), None)
        .await;
    assert_eq!(events[1]["reason"], "no_a");
    let _ = (park.member, park.task_force);
}
both_backends!(
    a_and_b_decide_who_handles_it,
    super::a_and_b_decide_who_handles_it
);

/// A category's English name is the admins' to give: English pages show it, Chinese pages the
/// Chinese name; a PUT without it leaves it as it was, `null` takes it away.
async fn a_category_reads_in_the_page_s_language(backend: Backend) {
    let app = TestApp::start(backend).await;
    let put = |body: Value| {
        let app = &app;
        async move { app.admin("PUT", "/appeal-categories/startup", Some(body)).await }
    };
    let (status, category) =
        put(json!({"name": "开办", "name_en": "Start-up", "resolve_working_days": 3})).await;
    assert_eq!(status, StatusCode::OK, "{category}");
    assert_eq!(category["name_en"], "Start-up");
    let (_, category) = put(json!({"name": "企业开办", "resolve_working_days": 3, "version": 1})).await;
    assert_eq!(
        (&category["name"], &category["name_en"]),
        (&json!("企业开办"), &json!("Start-up")),
        "not given: kept"
    );
    let (status, bad) =
        put(json!({"name": "企业开办", "name_en": "x".repeat(41), "resolve_working_days": 3})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "name_en");

    let (_, session) = app.sign_in("admin", "password123").await;
    let session = session.expect("admin session");
    let (_, zh) = app.page(&session, "/appeals").await;
    assert!(
        zh.contains(">企业开办（3") && !zh.contains("Start-up"),
        "Chinese page"
    );
    assert_eq!(
        common::switch_language(&app, &session, &zh, "en").await,
        StatusCode::SEE_OTHER
    );
    let (_, en) = app.page(&session, "/appeals").await;
    assert!(en.contains(">Start-up (3 working days)<"), "English page: {en}");
    assert!(en.contains(">Land"), "a default category in English");

    let (_, category) = put(json!({"name": "企业开办", "name_en": null, "resolve_working_days": 3})).await;
    assert_eq!(category["name_en"], Value::Null, "null: taken away");
    let (_, en) = app.page(&session, "/appeals").await;
    assert!(en.contains(">企业开办"), "no English name: the Chinese one");
}
both_backends!(
    a_category_reads_in_the_page_s_language,
    super::a_category_reads_in_the_page_s_language
);

/// A project's own pair handles its appeals, so its two officials away at once are warned of
/// as the enterprise's are, the warning naming the project.
async fn a_projects_own_pair_away_at_once_is_warned_of(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let (_, zones) = app.admin("GET", "/zones", None).await;
    let pa = app.user("project_a", "staff", None).await;
    let pb = app.user("project_b", "staff", None).await;
    let project = app
        .made(
            "/projects",
            json!({"name": "二期厂房", "category": "industrial", "zone_id": zones["items"][0]["id"],
                   "enterprise_id": park.enterprise, "total_investment": "300000000",
                   "a_official_id": pa.0, "b_official_id": pb.0}),
        )
        .await;
    assert_eq!(project["a_official_id"], pa.0, "{project}");
    let today = feidi_core::time::today().format("%Y-%m-%d").to_string();
    let away = |who: i64, reason: &str| {
        let body = json!({"from": today, "to": today, "reason": reason});
        let path = format!("/users/{who}/absences");
        let app = &app;
        async move { app.admin("POST", &path, Some(body)).await }
    };
    let (status, absence) = away(pa.0, "出差").await;
    assert_eq!(status, StatusCode::CREATED, "{absence}");
    assert_eq!(absence["warnings"], json!([]), "the project's B is not away");
    let (status, absence) = away(pb.0, "培训").await;
    assert_eq!(status, StatusCode::CREATED, "{absence}");
    let warnings = absence["warnings"].as_array().cloned().unwrap_or_default();
    assert_eq!(warnings.len(), 1, "{absence}");
    assert_eq!(warnings[0]["enterprise_id"], park.enterprise);
    assert_eq!(warnings[0]["project_id"], project["id"]);
    assert_eq!(warnings[0]["project_name"], "二期厂房");
    assert_eq!(warnings[0]["other_official_id"], pa.0);
    assert_eq!(warnings[0]["from"], today.as_str());
    // B away alone is no clash; then A away too clashes with B for the enterprise and with the
    // project's B for a project A shares: the enterprise's pair first, on both databases.
    let (_, absence) = away(park.b.0, "休假").await;
    assert_eq!(absence["warnings"], json!([]), "{absence}");
    let shared = app
        .made(
            "/projects",
            json!({"name": "三期仓储", "category": "supporting", "zone_id": zones["items"][0]["id"],
                   "enterprise_id": park.enterprise, "total_investment": "50000000",
                   "a_official_id": park.a.0, "b_official_id": pb.0}),
        )
        .await;
    let (_, absence) = away(park.a.0, "休假").await;
    let warnings = absence["warnings"].as_array().cloned().unwrap_or_default();
    let seen: Vec<(Value, Value)> = warnings
        .iter()
        .map(|w| (w["project_id"].clone(), w["other_official_id"].clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (Value::Null, json!(park.b.0)),
            (shared["id"].clone(), json!(pb.0))
        ],
        "{absence}"
    );
}
both_backends!(
    a_projects_own_pair_away_at_once_is_warned_of,
    super::a_projects_own_pair_away_at_once_is_warned_of
);

async fn the_sweep_hands_over_then_escalates_and_twice_changes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    // Its receivers listen on this machine.
    allow_internal_targets(&app).await;
    // An endpoint that wants escalations only (its receiver is never reached here).
    let (status, hook) = app
        .admin(
            "POST",
            "/webhooks",
            Some(json!({"url": "http://127.0.0.1:9/hook", "secret": "a secret of sixteen or more", "events": ["escalated"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let deliveries = format!("/webhooks/{}/deliveries", hook["id"]);
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    let id = appeal["id"].clone();
    let due = |v: &Value| feidi_core::time::parse_instant(v.as_str().unwrap_or_default()).expect("instant");
    let a_due = due(&appeal["ack_due_at"]);

    let before = app
        .store
        .sweep(a_due - chrono::Duration::seconds(1))
        .await
        .expect("sweep");
    assert_eq!(before.appeals, 0, "nothing is due a second before A's deadline");
    let report = app.store.sweep(a_due).await.expect("sweep");
    assert_eq!((report.appeals, report.handed_over), (1, 1));
    let (_, handed) = app.admin("GET", &format!("/appeals/{id}"), None).await;
    assert_eq!(
        (handed["handler_id"].as_i64(), handed["handler_role"].as_str()),
        (Some(park.b.0), Some("B"))
    );
    let events = timeline(&app, &park.firm.1, &id).await;
    assert_eq!(
        feidi_core::time::parse_instant(at(&events, "handed_over").unwrap_or_default()),
        Some(a_due),
        "stamped with A's deadline"
    );

    let (_, log) = app.admin("GET", &deliveries, None).await;
    assert_eq!(
        log["total"], 0,
        "a handover is not what the endpoint wants: {log}"
    );

    // Again at once: nothing more.
    let again = app.store.sweep(a_due).await.expect("sweep");
    assert_eq!(again.appeals, 0);
    let (_, same) = app.admin("GET", &format!("/appeals/{id}"), None).await;
    assert_eq!(same["version"], handed["version"]);
    assert_eq!(timeline(&app, &park.firm.1, &id).await.len(), events.len());

    // B misses too: escalated (督办) to the task force leader, on the supervision list.
    let b_due = due(&handed["ack_due_at"]);
    let report = app
        .store
        .sweep(b_due + chrono::Duration::hours(30))
        .await
        .expect("sweep");
    assert_eq!(report.escalated, 1);
    let (_, escalated) = app.admin("GET", &format!("/appeals/{id}"), None).await;
    assert_eq!(escalated["handler_id"], park.leader.0);
    assert_eq!(escalated["handler_role"], "escalated");
    let events = timeline(&app, &park.firm.1, &id).await;
    assert_eq!(
        feidi_core::time::parse_instant(at(&events, "escalated").unwrap_or_default()),
        Some(b_due)
    );
    let (_, log) = app.admin("GET", &deliveries, None).await;
    assert_eq!(
        log["total"], 1,
        "the escalation is queued for the endpoint: {log}"
    );
    assert_eq!(log["items"][0]["event"], "escalated");
    assert_eq!(log["items"][0]["appeal_id"], id);
    let (_, supervised) = app.admin("GET", "/appeals?escalated=true", None).await;
    assert_eq!(supervised["total"], 1);
    let (_, leader_inbox) = app.call(&park.leader.1, "GET", "/inbox", None).await;
    assert_eq!(leader_inbox["items"][0]["id"], id);
    let (_, a_inbox) = app.call(&park.a.1, "GET", "/inbox", None).await;
    assert_eq!(a_inbox["total"], 0);

    // The dashboard counts it: open and escalated; not yet past its resolve deadline.
    let (_, dashboard) = app.admin("GET", "/dashboard", None).await;
    assert_eq!(dashboard["appeals"]["open"], 1, "{dashboard}");
    assert_eq!(dashboard["appeals"]["escalated"], 1);
    assert_eq!(dashboard["appeals"]["overdue"], 0);
    assert_eq!(
        dashboard["appeals"]["ack_on_time_rate"], "0.0000",
        "none acknowledged yet"
    );
}
both_backends!(
    the_sweep_hands_over_then_escalates_and_twice_changes_nothing,
    super::the_sweep_hands_over_then_escalates_and_twice_changes_nothing
);

async fn an_appeal_s_life_and_who_may_touch_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let other = app
        .made(
            "/enterprises",
            json!({"name": "别家", "credit_code": "91350100M000100Y43", "industry": "x"}),
        )
        .await["id"]
        .as_i64()
        .unwrap_or_default();
    let (_, stranger) = app.user("stranger", "enterprise", Some(other)).await;

    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    let id = appeal["id"].clone();
    let path = |action: &str| format!("/appeals/{id}/{action}");

    // Another enterprise knows nothing of it.
    for (method, p) in [
        ("GET", format!("/appeals/{id}")),
        ("GET", format!("/appeals/{id}/events")),
        ("POST", path("rate")),
    ] {
        let (status, _) = app
            .call(&stranger, method, &p, Some(json!({"rating": "satisfied"})))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {p}");
    }
    let (_, list) = app.call(&stranger, "GET", "/appeals", None).await;
    assert_eq!(list["total"], 0);
    let (status, _) = submit_now(&app, &stranger, Some(park.enterprise)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an enterprise submits for itself only"
    );

    // Only the handler acknowledges; a stale version is refused.
    let (status, _) = app.call(&park.b.1, "POST", &path("acknowledge"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(
            &park.a.1,
            "POST",
            &path("acknowledge"),
            Some(json!({"version": 99})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, acked) = app
        .call(
            &park.a.1,
            "POST",
            &path("acknowledge"),
            Some(json!({"version": appeal["version"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{acked}");
    assert_eq!(acked["status"], "acknowledged");
    assert_eq!(acked["ack_on_time"], true);
    let (status, _) = app.call(&park.a.1, "POST", &path("acknowledge"), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "acknowledged already");

    // Resolving needs the resolution; then the enterprise rates it.
    let (status, bad) = app
        .call(&park.a.1, "POST", &path("resolve"), Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "resolution");
    let (status, resolved) = app
        .call(
            &park.a.1,
            "POST",
            &path("resolve"),
            Some(json!({"resolution": "已协调水务公司恢复供水"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(resolved["status"], "resolved");
    let (status, bad) = app
        .call(
            &park.firm.1,
            "POST",
            &path("rate"),
            Some(json!({"rating": "great"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "rating");

    // Unsatisfied reopens it, back to whoever resolved it, with a new resolve deadline.
    let (status, reopened) = app
        .call(
            &park.firm.1,
            "POST",
            &path("rate"),
            Some(json!({"rating": "unsatisfied", "comment": "仍然停水"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reopened}");
    assert_eq!(reopened["status"], "reopened");
    assert_eq!(reopened["handler_id"], park.a.0);
    assert_eq!(reopened["reopens"], 1);
    let events = timeline(&app, &park.firm.1, &id).await;
    assert_eq!(
        kinds(&events),
        [
            "submitted",
            "assigned",
            "acknowledged",
            "resolved",
            "rated",
            "reopened"
        ]
    );
    let (status, _) = app
        .call(
            &park.firm.1,
            "POST",
            &path("rate"),
            Some(json!({"rating": "satisfied"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a reopened appeal is not rated");

    // A gives it back (退单): the task force leader holds it and reassigns it.
    let (status, _) = app
        .call(&park.a.1, "POST", &path("return"), Some(json!({})))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a return needs its reason"
    );
    let (status, returned) = app
        .call(
            &park.a.1,
            "POST",
            &path("return"),
            Some(json!({"reason": "属供水片区，非本人包联"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (returned["handler_id"].as_i64(), returned["returns"].as_i64()),
        (Some(park.leader.0), Some(1))
    );
    let (status, _) = app
        .call(
            &park.a.1,
            "POST",
            &path("reassign"),
            Some(json!({"handler_id": park.member.0})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the task force leader (or a leader) reassigns"
    );
    let (status, reassigned) = app
        .call(
            &park.leader.1,
            "POST",
            &path("reassign"),
            Some(json!({"handler_id": park.member.0})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reassigned}");
    assert_eq!(
        (
            reassigned["handler_id"].as_i64(),
            reassigned["handler_role"].as_str()
        ),
        (Some(park.member.0), Some("assigned"))
    );
    assert_eq!(
        reassigned["resolve_due_at"], reopened["resolve_due_at"],
        "a handover never moves it"
    );
    let (_, inbox) = app.call(&park.member.1, "GET", "/inbox", None).await;
    assert_eq!(inbox["items"][0]["id"], id);
    assert_eq!(inbox["per_page"], 50);

    // The rates count the acknowledgement and the resolution, in time, and the unsatisfied rating.
    let (_, dashboard) = app.admin("GET", "/dashboard", None).await;
    assert_eq!(dashboard["appeals"]["ack_on_time_rate"], "1.0000", "{dashboard}");
    assert_eq!(dashboard["appeals"]["resolve_on_time_rate"], "1.0000");
    assert_eq!(dashboard["appeals"]["satisfaction_rate"], "0.0000");

    // Statistics by category, official and month.
    let (status, stats) = app.admin("GET", "/appeals/stats", None).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(stats["by_category"][0]["key"], "utilities");
    assert_eq!(stats["by_category"][0]["total"], 1);
    assert_eq!(stats["by_category"][0]["ack_on_time_rate"], "1.0000");
    assert_eq!(
        stats["by_official"][0]["official_id"], park.member.0,
        "the current handler"
    );
    assert_eq!(stats["by_official"][0]["name"], "tf_member");
    assert_eq!(stats["by_official"][0]["returns"], 1);
    let month = feidi_core::time::today().format("%Y-%m").to_string();
    assert_eq!(stats["by_month"][0]["key"], month);
    let (status, stats) = app.admin("GET", "/appeals/stats?to=2020-01-01", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stats["by_category"], json!([]), "nothing submitted by then");
    let (status, _) = app.call(&park.firm.1, "GET", "/appeals/stats", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Every step is audited.
    let (_, audit) = app
        .admin("GET", &format!("/audit?entity=appeal&entity_id={id}"), None)
        .await;
    assert!(audit["total"].as_i64().unwrap_or_default() >= 6, "{audit}");
}
both_backends!(
    an_appeal_s_life_and_who_may_touch_it,
    super::an_appeal_s_life_and_who_may_touch_it
);

async fn bad_appeals_write_nothing_and_keys_replay(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let (status, bad) = app
        .call(
            &park.firm.1,
            "POST",
            "/appeals",
            Some(json!({"category": "snow", "description": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&"title"), "{bad}");
    let (status, bad) = app
        .call(
            &park.firm.1,
            "POST",
            "/appeals",
            Some(json!({"category": "snow", "title": "t", "description": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "category");
    let (status, bad) = app
        .call(
            &park.a.1,
            "POST",
            "/appeals",
            Some(json!({"enterprise_id": park.enterprise, "category": "other", "title": "t", "description": "x", "submitted_at": "2023-01-01T00:00:00+08:00"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only admins load history"
    );
    assert_eq!(bad["errors"][0]["field"], "submitted_at");
    let (_, list) = app.admin("GET", "/appeals", None).await;
    assert_eq!(list["total"], 0, "nothing was written");

    let send = || {
        app.client
            .post(app.url("/api/v1/appeals"))
            .bearer_auth(&park.firm.1)
            .header("Idempotency-Key", "appeal-1")
            .json(&json!({"category": "other", "title": "t", "description": "x"}))
            .send()
    };
    let first = send().await.expect("first");
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("json");
    let second = send().await.expect("second");
    assert_eq!(second.status(), StatusCode::OK);
    let second: Value = second.json().await.expect("json");
    assert_eq!(first["id"], second["id"]);
    let (_, list) = app.admin("GET", "/appeals", None).await;
    assert_eq!(list["total"], 1);
}
both_backends!(
    bad_appeals_write_nothing_and_keys_replay,
    super::bad_appeals_write_nothing_and_keys_replay
);

async fn the_appeal_pages_take_an_appeal_through_its_life(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let page = |token: &str, path: &str| {
        app.client
            .get(app.url(path))
            .bearer_auth(token.to_string())
            .send()
    };
    let post = |token: &str, path: &str, form: Vec<(&str, String)>| {
        app.client
            .post(app.url(path))
            .bearer_auth(token.to_string())
            .form(&form)
            .send()
    };

    // The enterprise portal: the form, and its own appeals only.
    let html = page(&park.firm.1, "/appeals")
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(html.contains("id=\"appeal-form\""), "the submission form");
    assert!(
        !html.contains("name=\"enterprise_id\""),
        "an enterprise submits for itself"
    );
    let sent = post(
        &park.firm.1,
        "/appeals",
        vec![
            ("category", "utilities".into()),
            ("title", "<script>停电</script>".into()),
            ("description", "东区停电".into()),
        ],
    )
    .await
    .expect("submit");
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let at = sent
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(at.starts_with("/appeals/"), "{at}");
    let html = page(&park.firm.1, &at)
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(html.contains("&#60;script&#62;停电"), "user text is escaped");
    assert!(!html.contains("<script>停电"));
    assert!(html.contains("水电气暖"), "the category by its name, not its key");
    assert!(
        !html.contains("id=\"do-acknowledge\""),
        "the enterprise does not acknowledge"
    );

    // A missing title: the form says so, keeps what was typed and chosen (马上办 stays 马上办,
    // not the first category), and nothing is written.
    let bad = post(
        &park.firm.1,
        "/appeals",
        vec![("category", "urgent".into()), ("description", "路面塌陷".into())],
    )
    .await
    .expect("submit");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap_or_default();
    assert!(html.contains("id=\"appeal-error\""));
    assert!(
        html.contains("<option value=\"urgent\" selected>"),
        "the category kept"
    );
    assert!(html.contains(">路面塌陷</textarea>"), "the description kept");

    // The list's page links keep its filters.
    submit_now(&app, &park.firm.1, None).await;
    let html = page(
        &app.admin_token,
        &format!("/appeals?enterprise_id={}&per_page=1", park.enterprise),
    )
    .await
    .expect("page")
    .text()
    .await
    .unwrap_or_default();
    let link = html
        .split_once("rel=\"next\"")
        .and_then(|(before, _)| before.rsplit_once("href=\""))
        .map(|(_, rest)| rest.split('"').next().unwrap_or_default().to_string())
        .unwrap_or_default();
    assert!(
        link.contains(&format!("enterprise_id={}", park.enterprise)) && link.contains("page=2"),
        "the next page of this enterprise's list: {link}"
    );
    assert!(
        html.contains(">水电气暖</td>") && !html.contains(">utilities</td>"),
        "the list names the category"
    );
    // Search and filters, as the form sends them (empty fields mean "any"); the fields keep
    // what was asked.
    let html = page(
        &app.admin_token,
        "/appeals?q=%E5%81%9C%E7%94%B5&status=&category=utilities&enterprise_id=&overdue=",
    )
    .await
    .expect("page")
    .text()
    .await
    .unwrap_or_default();
    assert!(
        html.contains("&#60;script&#62;停电"),
        "the title searched for is found"
    );
    assert!(html.contains("value=\"停电\"") && html.contains("<option value=\"utilities\" selected>"));
    let none = page(&app.admin_token, "/appeals?category=land")
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(!none.contains("停电"), "another category: not listed");
    let (_, list) = app.admin("GET", "/appeals?q=%25&category=utilities", None).await;
    assert_eq!(list["total"], 0, "a % is searched for as itself");

    // A's inbox lists it with its time left; A acknowledges and resolves it on its page.
    let inbox = page(&park.a.1, "/inbox")
        .await
        .expect("inbox")
        .text()
        .await
        .unwrap_or_default();
    assert!(inbox.contains(&format!("href=\"{at}\"")), "{inbox}");
    assert!(inbox.contains("剩余"), "the time left");
    let html = page(&park.a.1, &at)
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(html.contains("id=\"do-acknowledge\""));
    let version = |html: &str| {
        html.split("name=\"version\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    let done = post(
        &park.a.1,
        &format!("{at}/acknowledge"),
        vec![("version", version(&html))],
    )
    .await
    .expect("ack");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let stale = post(
        &park.a.1,
        &format!("{at}/resolve"),
        vec![
            ("version", version(&html)),
            ("resolution", "已联系供电所抢修".into()),
        ],
    )
    .await
    .expect("stale");
    assert_eq!(
        stale.status(),
        StatusCode::CONFLICT,
        "the page's version is old: said, nothing lost"
    );
    let kept = stale.text().await.unwrap_or_default();
    assert!(
        kept.contains(">已联系供电所抢修</textarea>"),
        "what was typed is kept"
    );
    let html = page(&park.a.1, &at)
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    let done = post(
        &park.a.1,
        &format!("{at}/resolve"),
        vec![("version", version(&html)), ("resolution", "已恢复供电".into())],
    )
    .await
    .expect("resolve");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);

    // The enterprise rates it unsatisfied: reopened, and the timeline shows every step.
    let html = page(&park.firm.1, &at)
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(html.contains("id=\"do-rate\""));
    let done = post(
        &park.firm.1,
        &format!("{at}/rate"),
        vec![
            ("version", version(&html)),
            ("rating", "unsatisfied".into()),
            ("comment", "".into()),
        ],
    )
    .await
    .expect("rate");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let html = page(&park.firm.1, &at)
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    for kind in [
        "submitted",
        "assigned",
        "acknowledged",
        "resolved",
        "rated",
        "reopened",
    ] {
        assert!(html.contains(&format!("data-kind=\"{kind}\"")), "{kind}");
    }
    assert!(html.contains("重新办理"));
}
both_backends!(
    the_appeal_pages_take_an_appeal_through_its_life,
    super::the_appeal_pages_take_an_appeal_through_its_life
);

/// A webhook receiver that records what it gets and answers the statuses it is given, in turn
/// (then 204).
async fn receiver(statuses: Vec<u16>) -> (String, std::sync::Arc<std::sync::Mutex<Vec<(Headers, String)>>>) {
    use std::sync::{Arc, Mutex};
    let got: Arc<Mutex<Vec<(Headers, String)>>> = Arc::default();
    let answers = Arc::new(Mutex::new(statuses));
    let (g, a) = (got.clone(), answers.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let (g, a) = (g.clone(), a.clone());
            async move {
                let pairs = ["x-feidi-event", "x-feidi-delivery", "x-feidi-signature"]
                    .iter()
                    .map(|h| {
                        headers
                            .get(*h)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string()
                    })
                    .collect();
                g.lock().expect("lock").push((pairs, body));
                let mut a = a.lock().expect("lock");
                let status = if a.is_empty() { 204 } else { a.remove(0) };
                axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::NO_CONTENT)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), got)
}

type Headers = Vec<String>;

async fn webhooks_are_signed_retried_and_never_hold_an_appeal_up(backend: Backend) {
    use hmac::Mac;
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    // Its receivers listen on this machine.
    allow_internal_targets(&app).await;
    let (url, got) = receiver(vec![500]).await;
    let secret = "a secret of sixteen or more";

    let (status, bad) = app
        .admin(
            "POST",
            "/webhooks",
            Some(json!({"url": "ftp://x", "secret": "short", "events": ["nope"]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["url", "secret", "events"]);
    let (status, _) = app
        .call(
            &park.a.1,
            "POST",
            "/webhooks",
            Some(json!({"url": url, "secret": secret, "events": ["submitted"]})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "admins register endpoints");
    let (status, hook) = app
        .admin(
            "POST",
            "/webhooks",
            Some(json!({"url": url, "secret": secret, "events": ["submitted", "acknowledged"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    assert!(hook.get("secret").is_none(), "the secret is not shown again");

    // A submission queues one delivery (the endpoint does not want "assigned").
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    let deliveries = format!("/webhooks/{}/deliveries", hook["id"]);
    let (_, log) = app.admin("GET", &deliveries, None).await;
    assert_eq!(log["total"], 1, "{log}");
    assert_eq!(log["items"][0]["event"], "submitted");

    // The receiver fails first: recorded, retried after the back-off with the same bytes.
    let client = feidi_app::webhooks::client();
    let now = feidi_core::time::now();
    let tried = feidi_app::webhooks::deliver_due(&feidi_app::App::new(app.store.clone()), &client, now)
        .await
        .expect("deliver");
    assert_eq!(tried, 1);
    let (_, log) = app.admin("GET", &deliveries, None).await;
    assert_eq!(log["items"][0]["state"], "pending");
    assert_eq!(log["items"][0]["attempt_log"][0]["status_code"], 500);
    assert_eq!(
        feidi_app::webhooks::deliver_due(&feidi_app::App::new(app.store.clone()), &client, now)
            .await
            .expect("deliver"),
        0,
        "not due yet"
    );
    // The appeal moves on meanwhile (A gives it back, the leader hands it to A again; the
    // endpoint wants neither): the retry still sends the bytes of the first attempt.
    let step = |name: &str| format!("/appeals/{}/{name}", appeal["id"]);
    let (status, _) = app
        .call(
            &park.a.1,
            "POST",
            &step("return"),
            Some(json!({"reason": "核对包联关系"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, moved) = app
        .call(
            &park.leader.1,
            "POST",
            &step("reassign"),
            Some(json!({"handler_id": park.a.0})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["handler_role"], "assigned");
    let later = now + chrono::Duration::seconds(31);
    assert_eq!(
        feidi_app::webhooks::deliver_due(&feidi_app::App::new(app.store.clone()), &client, later)
            .await
            .expect("deliver"),
        1
    );
    let (_, log) = app.admin("GET", &deliveries, None).await;
    assert_eq!(log["items"][0]["state"], "delivered");
    assert_eq!(log["items"][0]["attempts"], 2);

    let got = got.lock().expect("lock").clone();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].1, got[1].1, "every attempt sends the same body");
    let (headers, body) = &got[1];
    assert_eq!(headers[0], "submitted");
    assert_eq!(headers[1], log["items"][0]["id"].to_string());
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body.as_bytes());
    assert_eq!(
        headers[2],
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    );
    let sent: Value = serde_json::from_str(body).expect("JSON body");
    assert_eq!(sent["id"], log["items"][0]["id"]);
    assert_eq!(sent["event"], "submitted");
    assert_eq!(sent["appeal"]["id"], appeal["id"]);
    assert_eq!(
        (&sent["appeal"]["handler_role"], &sent["appeal"]["version"]),
        (&json!("A"), &appeal["version"]),
        "the appeal as it stood at the first attempt"
    );
    assert!(sent["occurred_at"].as_str().is_some_and(|t| t.contains("+08:00")));

    // A receiver that is gone: the appeal goes on; after 24 hours the delivery gives up.
    let (_, edited) = app
        .admin("PATCH", &format!("/webhooks/{}", hook["id"]), Some(json!({"url": "http://127.0.0.1:9/hook", "events": ["acknowledged"], "version": hook["version"]})))
        .await;
    assert_eq!(edited["url"], "http://127.0.0.1:9/hook");
    let (status, _) = app
        .call(
            &park.a.1,
            "POST",
            &format!("/appeals/{}/acknowledge", appeal["id"]),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let now = feidi_core::time::now();
    assert_eq!(
        feidi_app::webhooks::deliver_due(&feidi_app::App::new(app.store.clone()), &client, now)
            .await
            .expect("deliver"),
        1
    );
    let day_later = now + chrono::Duration::hours(25);
    assert_eq!(
        feidi_app::webhooks::deliver_due(&feidi_app::App::new(app.store.clone()), &client, day_later)
            .await
            .expect("deliver"),
        1
    );
    let (_, log) = app.admin("GET", &deliveries, None).await;
    assert_eq!(log["items"][0]["event"], "acknowledged");
    assert_eq!(log["items"][0]["state"], "failed", "{log}");
    assert!(log["items"][0]["last_error"].as_str().is_some());
}
both_backends!(
    webhooks_are_signed_retried_and_never_hold_an_appeal_up,
    super::webhooks_are_signed_retried_and_never_hold_an_appeal_up
);

async fn the_calendar_absence_and_task_force_pages(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let page = |token: &str, path: &str| {
        app.client
            .get(app.url(path))
            .bearer_auth(token.to_string())
            .send()
    };
    let post = |token: &str, path: &str, form: Vec<(&str, String)>| {
        app.client
            .post(app.url(path))
            .bearer_auth(token.to_string())
            .form(&form)
            .send()
    };

    // The national schedule for 2023–2026 ships with feidi: 2026's National Day holidays and
    // the Saturday worked after them are marked from the start.
    let (_, shipped) = app.admin("GET", "/calendar?year=2026", None).await;
    let marked = |date: &str| {
        shipped
            .as_array()
            .and_then(|days| days.iter().find(|d| d["date"] == date))
            .map(|d| d["kind"].clone())
    };
    assert_eq!(marked("2026-10-01"), Some(json!("holiday")));
    assert_eq!(marked("2026-10-10"), Some(json!("workday")));
    assert_eq!(marked("2026-10-12"), None);

    // An admin pastes a later year's schedule; a bad row is named and nothing is marked.
    let bad = post(
        &app.admin_token,
        "/calendar/import",
        vec![("csv", "date,kind\n2027-10-01,holiday\n2027-10-09,rest\n".into())],
    )
    .await
    .expect("import");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap_or_default();
    assert!(html.contains("id=\"calendar-errors\""));
    assert!(
        html.contains("2027-10-09,rest\n</textarea>"),
        "the pasted file stays in its box to be mended"
    );
    let (_, days) = app.admin("GET", "/calendar?year=2027", None).await;
    assert_eq!(days, json!([]));
    // One date marked by hand with a slip: the form comes back as typed, the error beside
    // the date, which takes the focus; then marked, with a message.
    let slip = post(
        &app.admin_token,
        "/calendar",
        vec![
            ("date", "2027-02-30".into()),
            ("kind", "workday".into()),
            ("name", "春节调休".into()),
        ],
    )
    .await
    .expect("mark");
    assert_eq!(slip.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = slip.text().await.unwrap_or_default();
    assert!(html.contains("id=\"error-date\""), "the error beside the date");
    assert!(
        html.contains("value=\"2027-02-30\" autofocus")
            && html.contains("<option value=\"workday\" selected>")
            && html.contains("value=\"春节调休\""),
        "everything typed kept"
    );
    let marked = post(
        &app.admin_token,
        "/calendar",
        vec![
            ("date", "2027-02-20".into()),
            ("kind", "workday".into()),
            ("name", "春节调休".into()),
        ],
    )
    .await
    .expect("mark");
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
    assert!(
        marked
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or_default().starts_with("feidi_notice=")),
        "a message for the next page"
    );
    let good = post(
        &app.admin_token,
        "/calendar/import",
        vec![(
            "csv",
            "date,kind,name\n2027-10-01,holiday,国庆节\n2027-10-09,workday,国庆节\n".into(),
        )],
    )
    .await
    .expect("import");
    assert_eq!(good.status(), StatusCode::OK);
    let html = good.text().await.unwrap_or_default();
    assert!(html.contains("2027-10-09") && html.contains("调休上班"), "{html}");
    let (_, days) = app.admin("GET", "/calendar?year=2027", None).await;
    assert_eq!(
        days.as_array().map(Vec::len),
        Some(3),
        "the two imported and the one marked"
    );
    let html = page(&park.a.1, "/calendar?year=2027")
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(
        html.contains("国庆节") && !html.contains("id=\"calendar-form\""),
        "staff read it, admins keep it"
    );

    // B records an absence overlapping A's: the page warns about the enterprise.
    let today = feidi_core::time::today();
    let day = |n: i64| (today + chrono::Duration::days(n)).format("%Y-%m-%d").to_string();
    let done = post(
        &park.a.1,
        "/absences",
        vec![("from", day(1)), ("to", day(3)), ("reason", "出差".into())],
    )
    .await
    .expect("absence");
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "no clash: back to the list");
    let warned = post(
        &park.b.1,
        "/absences",
        vec![("from", day(2)), ("to", day(5)), ("reason", "培训".into())],
    )
    .await
    .expect("absence");
    assert_eq!(warned.status(), StatusCode::OK);
    let html = warned.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"absence-warnings\"") && html.contains("示例卫材公司"),
        "{html}"
    );
    assert!(
        html.contains(&day(2)) && html.contains(&day(3)),
        "the days both are away"
    );
    let bad = post(
        &park.b.1,
        "/absences",
        vec![("from", day(5)), ("to", day(2)), ("reason", "x".into())],
    )
    .await
    .expect("absence");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"error-to\"") && html.contains("不能早于开始日期"),
        "the error beside the end date"
    );
    assert!(
        html.contains(&format!("value=\"{}\"", day(5)))
            && html.contains(&format!("value=\"{}\" autofocus", day(2)))
            && html.contains("value=\"x\""),
        "everything typed kept, the bad field focused"
    );
    let (_, mine) = app
        .call(&park.b.1, "GET", &format!("/users/{}/absences", park.b.0), None)
        .await;
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "the bad one was not kept");
    // Staff keeping someone else's absence: the official chosen stays chosen.
    let html = post(
        &park.leader.1,
        "/absences",
        vec![
            ("user_id", park.member.0.to_string()),
            ("from", "2027-13-01".into()),
            ("to", day(2)),
            ("reason", "休假".into()),
        ],
    )
    .await
    .expect("absence")
    .text()
    .await
    .unwrap_or_default();
    assert!(
        html.contains(&format!("<option value=\"{}\" selected>", park.member.0)),
        "the official chosen kept"
    );

    // The task force pages list it with its leader; the enterprise page names its task force.
    let html = page(&park.a.1, "/task-forces")
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(html.contains("卫材专班") && html.contains("tf_leader"), "{html}");
    let html = page(&park.a.1, &format!("/enterprises/{}", park.enterprise))
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(html.contains("卫材专班"));
    let (status, _) = app.call(&park.firm.1, "GET", "/task-forces", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not for enterprises");

    // Members: an admin puts officials on the task force (twice changes nothing), an
    // enterprise user cannot be one nor change them, each change is audited.
    let members = format!("/task-forces/{}/members", park.task_force);
    let (status, list) = app
        .admin("PUT", &format!("{members}/{}", park.member.0), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    assert_eq!(list[0]["name"], "tf_member");
    let (status, list) = app
        .admin("PUT", &format!("{members}/{}", park.member.0), None)
        .await;
    assert_eq!(status, StatusCode::OK, "already on it");
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (status, bad) = app
        .admin("PUT", &format!("{members}/{}", park.firm.0), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "user_id", "{bad}");
    let (status, _) = app
        .admin("PUT", &format!("/task-forces/999999/members/{}", park.a.0), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(&park.firm.1, "PUT", &format!("{members}/{}", park.a.0), None)
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "enterprises do not change task forces"
    );
    // On the page, someone who is no official is refused beside the field, with 422 (an
    // official added through the form is below).
    let refused = post(
        &park.leader.1,
        &members,
        vec![("user_id", park.firm.0.to_string())],
    )
    .await
    .expect("add");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"error-user_id\"") && html.contains("autofocus"),
        "{html}"
    );
    let (status, list) = app.call(&park.a.1, "GET", &members, None).await;
    assert_eq!(
        (status, list[0]["user_id"].as_i64()),
        (StatusCode::OK, Some(park.member.0))
    );

    // A returned appeal: the leader's reassignment list offers the task force's members first.
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    let (status, _) = app
        .call(
            &park.a.1,
            "POST",
            &format!("/appeals/{}/return", appeal["id"]),
            Some(json!({"reason": "非本人包联"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let html = page(&park.leader.1, &format!("/appeals/{}", appeal["id"]))
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    let first = html
        .split("name=\"handler_id\"")
        .nth(1)
        .and_then(|select| select.split("<option").nth(1))
        .unwrap_or_default();
    assert!(first.contains("tf_member（成员）"), "{first}");

    // The page: the task force links to it; an admin adds A through the form and takes the
    // member off; the list follows.
    let html = page(&app.admin_token, &format!("/task-forces/{}", park.task_force))
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(html.contains(&format!("href=\"{members}\"")), "{html}");
    let added = post(
        &app.admin_token,
        &members,
        vec![("user_id", park.a.0.to_string())],
    )
    .await
    .expect("add");
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert!(
        added
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or_default().starts_with("feidi_notice=")),
        "a message for the next page"
    );
    let removed = post(
        &app.admin_token,
        &format!("{members}/{}/delete", park.member.0),
        vec![],
    )
    .await
    .expect("remove");
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    let html = page(&app.admin_token, &members)
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    let table = html
        .split("id=\"member-list\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap_or_default();
    assert!(
        table.contains("official_a") && !table.contains("tf_member"),
        "{table}"
    );
    let (status, _) = app.call(&park.firm.1, "GET", &members, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not for enterprises");
    let refused = page(&park.firm.1, &members).await.expect("page");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (_, audit) = app
        .admin(
            "GET",
            &format!("/audit?entity=task_force&entity_id={}", park.task_force),
            None,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.ends_with("_member"))
        .collect();
    assert_eq!(actions.len(), 3, "two additions and a removal: {audit}");
}
both_backends!(
    the_calendar_absence_and_task_force_pages,
    super::the_calendar_absence_and_task_force_pages
);

/// GETs a page with a bearer token: its status and HTML.
async fn page_as(app: &TestApp, token: &str, path: &str) -> (StatusCode, String) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("page");
    (response.status(), response.text().await.unwrap_or_default())
}

/// POSTs a page's form with a bearer token: its status, where it redirects to, and the HTML.
async fn post_form(
    app: &TestApp,
    token: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .form(form)
        .send()
        .await
        .expect("post");
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        response.status(),
        location,
        response.text().await.unwrap_or_default(),
    )
}

/// A form's fields as owned strings (to move into a request's future) and back.
fn owned(form: &[(&str, &str)]) -> Vec<(String, String)> {
    form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn borrowed(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The categories page: admins change a category's names and resolve time and add one; a
/// stale or bad save keeps what was typed and writes nothing; staff only read it.
async fn the_categories_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let page = |token: &str, path: &str| {
        let (app, token, path) = (&app, token.to_string(), path.to_string());
        async move { page_as(app, &token, &path).await }
    };
    let post = |form: Vec<(&str, &str)>| {
        let form = owned(&form);
        let app = &app;
        async move {
            let (status, _, html) =
                post_form(app, &app.admin_token, "/appeal-categories", &borrowed(&form)).await;
            (status, html)
        }
    };
    let stored = |key: &'static str| {
        let app = &app;
        async move {
            let (_, all) = app.admin("GET", "/appeal-categories", None).await;
            all.as_array()
                .and_then(|a| a.iter().find(|c| c["key"] == key).cloned())
                .unwrap_or(Value::Null)
        }
    };

    let (status, html) = page(&app.admin_token, "/appeal-categories").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"category-urgent\"") && html.contains("马上办"),
        "{html}"
    );
    let version = stored("land").await["version"].to_string();

    // A leader's change: the submit form offers the new name and time at once.
    let (status, _) = post(vec![
        ("key", "land"),
        ("version", &version),
        ("name", "用地保障"),
        ("name_en", "Land supply"),
        ("resolve_working_days", "7"),
    ])
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let land = stored("land").await;
    assert_eq!(
        (&land["name"], &land["name_en"], &land["resolve_working_days"]),
        (&json!("用地保障"), &json!("Land supply"), &json!(7))
    );
    let (_, form) = page(&park.a.1, "/appeals").await;
    assert!(form.contains("用地保障（7个工作日）"), "{form}");

    // A second admin's save from the page as it was before: refused, the other change stays,
    // what they typed is kept and the page says what is stored.
    let (status, html) = post(vec![
        ("key", "land"),
        ("version", &version),
        ("name", "土地"),
        ("name_en", ""),
        ("resolve_working_days", "3"),
    ])
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        html.contains("id=\"category-errors\"")
            && html.contains("用地保障")
            && html.contains("value=\"土地\""),
        "{html}"
    );
    assert_eq!(stored("land").await["name"], json!("用地保障"));
    // Saved again from that page (now with the stored version), it replaces it knowingly; an
    // emptied English name is removed.
    let shown = hidden(
        html.split("id=\"f-category-land\"").nth(1).unwrap_or_default(),
        "version",
    );
    assert_eq!(shown, stored("land").await["version"].to_string());
    let (status, _) = post(vec![
        ("key", "land"),
        ("version", &shown),
        ("name", "土地"),
        ("name_en", ""),
        ("resolve_working_days", "3"),
    ])
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let land = stored("land").await;
    assert_eq!((&land["name"], &land["name_en"]), (&json!("土地"), &Value::Null));

    // Bad input names the field, keeps the row as typed and writes nothing.
    let current = land["version"].to_string();
    let (status, html) = post(vec![
        ("key", "land"),
        ("version", &current),
        ("name", "土地供应"),
        ("resolve_working_days", "0"),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("办结时限（工作日）") && html.contains("value=\"土地供应\""),
        "{html}"
    );
    assert_eq!(stored("land").await, land);

    // A new category; the same key again is refused rather than replacing it.
    let new = |name: &'static str| {
        vec![
            ("key", "site_visit"),
            ("version", "0"),
            ("name", name),
            ("name_en", "Site visit"),
            ("resolve_working_days", "3"),
        ]
    };
    let (status, _) = post(new("现场服务")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = post(new("现场办公")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        html.contains("已存在") && html.contains("value=\"现场办公\""),
        "{html}"
    );
    assert_eq!(stored("site_visit").await["name"], json!("现场服务"));
    let (status, html) = post(vec![
        ("key", "Site Visit"),
        ("version", "0"),
        ("name", "走访"),
        ("resolve_working_days", "2"),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("代码") && html.contains("value=\"走访\""), "{html}");

    // Every change is in the audit log: two updates of land (the refused ones are not), one
    // creation.
    let (_, audit) = app.admin("GET", "/audit?entity=appeal_category", None).await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "update").count(), 2, "{audit}");
    assert_eq!(actions.iter().filter(|a| **a == "create").count(), 1, "{audit}");

    // Staff and enterprises read the table (the times the park promises); only admins get
    // its forms, and a save by anyone else is refused.
    for who in [&park.a.1, &park.firm.1] {
        let (status, html) = page(who, "/appeal-categories").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("现场服务")
                && !html.contains("id=\"category-form\"")
                && !html.contains("f-category-land"),
            "{html}"
        );
    }
    let refused = app
        .client
        .post(app.url("/appeal-categories"))
        .bearer_auth(park.a.1.clone())
        .form(&[("key", "land"), ("name", "土地"), ("resolve_working_days", "1")])
        .send()
        .await
        .expect("save");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(stored("land").await, land);
    let (status, _) = post(vec![]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty form names the key"
    );
}
both_backends!(the_categories_page, super::the_categories_page);

/// The webhooks pages: an admin registers an endpoint (a bad form names its fields, keeps what
/// was typed but the secret, and writes nothing), reads its delivery log, switches it off (not
/// from a stale page) and removes it; nobody else sees them.
async fn the_webhooks_pages(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    // Its receivers listen on this machine.
    allow_internal_targets(&app).await;
    let page = |token: &str, path: &str| {
        let (app, token, path) = (&app, token.to_string(), path.to_string());
        async move { page_as(app, &token, &path).await }
    };
    let post = |token: &str, path: &str, form: Vec<(&str, &str)>| {
        let (app, token, path, form) = (&app, token.to_string(), path.to_string(), owned(&form));
        async move { post_form(app, &token, &path, &borrowed(&form)).await }
    };
    let hooks = || async { app.admin("GET", "/webhooks", None).await.1 };

    let (status, html) = page(&app.admin_token, "/webhooks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"webhook-form\"") && html.contains("推送环节"),
        "{html}"
    );

    let (status, _, html) = post(
        &app.admin_token,
        "/webhooks",
        vec![("url", "ftp://example.org/hook"), ("secret", "short")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"webhook-errors\"")
            && html.contains("URL: ")
            && html.contains("签名密钥")
            && html.contains("推送环节: ")
            && html.contains("value=\"ftp://example.org/hook\"")
            && !html.contains("value=\"short\""),
        "{html}"
    );
    assert_eq!(hooks().await, json!([]), "nothing written");

    let (status, location, _) = post(
        &app.admin_token,
        "/webhooks",
        vec![
            ("url", "http://127.0.0.1:9/hook"),
            ("secret", "a secret of sixteen or more"),
            ("event.submitted", "on"),
            ("event.escalated", "on"),
            ("active", "on"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let listed = hooks().await;
    let hook = &listed[0];
    assert_eq!(
        (&hook["events"], &hook["active"]),
        (&json!(["submitted", "escalated"]), &json!(true))
    );
    assert_eq!(location, format!("/webhooks/{}", hook["id"]));

    // A submission queues a delivery: its log page names the event and links the appeal.
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    let (status, html) = page(&app.admin_token, &location).await;
    assert_eq!(status, StatusCode::OK);
    let log = html.split("id=\"deliveries\"").nth(1).unwrap_or_default();
    assert!(
        log.contains(&format!("href=\"/appeals/{}\"", appeal["id"]))
            && log.contains("提交")
            && log.contains("待发送"),
        "{html}"
    );

    // Switched off from the page as shown; the same page again is stale and refused.
    let version = hook["version"].to_string();
    let switch = format!("{location}/active");
    let (status, _, _) = post(
        &app.admin_token,
        &switch,
        vec![("version", &version), ("active", "false")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(hooks().await[0]["active"], json!(false));
    let (status, _, _) = post(
        &app.admin_token,
        &switch,
        vec![("version", &version), ("active", "true")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(hooks().await[0]["active"], json!(false));
    let (_, html) = page(&app.admin_token, "/webhooks").await;
    assert!(
        html.contains("已停用") && html.contains("value=\"true\""),
        "{html}"
    );

    // Staff and enterprises neither see nor change them.
    for who in [&park.a.1, &park.firm.1] {
        assert_eq!(page(who, "/webhooks").await.0, StatusCode::FORBIDDEN);
        assert_eq!(page(who, &location).await.0, StatusCode::FORBIDDEN);
        let (status, _, _) = post(who, &format!("{location}/delete"), vec![]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    let (status, _, _) = post(&app.admin_token, &format!("{location}/delete"), vec![]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(hooks().await, json!([]));
    assert_eq!(page(&app.admin_token, &location).await.0, StatusCode::NOT_FOUND);
    let (_, audit) = app.admin("GET", "/audit?entity=webhook", None).await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions.len(), 3, "created, switched off, removed: {audit}");
}
both_backends!(the_webhooks_pages, super::the_webhooks_pages);

/// An appeal submitted now, acknowledged and resolved by A; answers its id.
async fn resolved_by_a(app: &TestApp, park: &Park) -> Value {
    let (_, appeal) = submit_now(app, &park.firm.1, None).await;
    let id = appeal["id"].clone();
    for (action, body) in [
        ("acknowledge", json!({})),
        ("resolve", json!({"resolution": "已恢复供水"})),
    ] {
        let (status, body) = app
            .call(&park.a.1, "POST", &format!("/appeals/{id}/{action}"), Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    id
}

/// Issue 18, point 8: nobody rates their own work. The official who resolved an appeal, or
/// holds it, may not rate it; the enterprise may; another official may record the
/// enterprise's rating (回访), and the timeline marks it as recorded for the enterprise.
async fn only_the_enterprise_or_an_uninvolved_official_rates(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let id = resolved_by_a(&app, &park).await;
    let path = format!("/appeals/{id}/rate");
    let rate = async |token: &str, rating: &str| {
        app.call(token, "POST", &path, Some(json!({"rating": rating})))
            .await
    };
    let (status, body) = rate(&park.a.1, "satisfied").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the resolver rated its own work: {body}"
    );
    let (_, appeal) = app.admin("GET", &format!("/appeals/{id}"), None).await;
    assert_eq!(appeal["status"], "resolved", "nothing changed");
    let (_, county_leader) = app.user("county.leader", "leader", None).await;
    let (status, _) = rate(&county_leader, "satisfied").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a leader reads the appeals, rates none"
    );
    // The enterprise's own verdict still counts.
    let (status, body) = rate(&park.firm.1, "unsatisfied").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "reopened");

    // On another appeal a colleague who neither held nor resolved it records the rating.
    let id = resolved_by_a(&app, &park).await;
    let (status, body) = app
        .call(
            &park.member.1,
            "POST",
            &format!("/appeals/{id}/rate"),
            Some(json!({"rating": "satisfied", "comment": "电话回访，企业表示满意"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, events) = app
        .call(&park.firm.1, "GET", &format!("/appeals/{id}/events"), None)
        .await;
    let rated = events
        .as_array()
        .and_then(|e| e.iter().find(|e| e["kind"] == "rated").cloned())
        .unwrap_or_default();
    assert_eq!(rated["reason"], "recorded_on_behalf", "{events}");
    assert_eq!(rated["actor_id"], park.member.0, "{events}");
}
both_backends!(
    only_the_enterprise_or_an_uninvolved_official_rates,
    super::only_the_enterprise_or_an_uninvolved_official_rates
);

/// Issue 18, point 9: when A misses the acknowledgement and B is away the day B would take
/// over, the task force leader takes it, and the timeline says why.
async fn a_handover_skips_an_absent_b(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    let id = appeal["id"].clone();
    let a_due = feidi_core::time::parse_instant(appeal["ack_due_at"].as_str().unwrap_or_default())
        .expect("A's deadline");
    // A's deadline is the midnight that starts the day B would take over.
    let day = a_due.date_naive().format("%Y-%m-%d").to_string();
    let (status, body) = app
        .call(
            &park.b.1,
            "POST",
            &format!("/users/{}/absences", park.b.0),
            Some(json!({"from": day, "to": day, "reason": "培训"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let report = app.store.sweep(a_due).await.expect("sweep");
    assert_eq!((report.appeals, report.handed_over), (1, 0));
    let (_, moved) = app.admin("GET", &format!("/appeals/{id}"), None).await;
    assert_eq!(
        (moved["handler_id"].as_i64(), moved["handler_role"].as_str()),
        (Some(park.leader.0), Some("assigned")),
        "{moved}"
    );
    let (_, events) = app
        .call(&park.firm.1, "GET", &format!("/appeals/{id}/events"), None)
        .await;
    let last = events
        .as_array()
        .and_then(|e| e.last().cloned())
        .unwrap_or_default();
    assert_eq!(
        (last["kind"].as_str(), last["reason"].as_str()),
        (Some("assigned"), Some("b_absent"))
    );
    // The leader now has the day B would have had.
    assert!(moved["ack_due_at"].as_str() > appeal["ack_due_at"].as_str());
}
both_backends!(a_handover_skips_an_absent_b, super::a_handover_skips_an_absent_b);

/// Issue 18, point 10: webhooks may not target the server's own network unless an admin
/// allows it — refused when registered, and refused again when a delivery is due (an endpoint
/// registered while allowed, or a name that resolves inside).
async fn webhooks_may_not_reach_the_server_s_own_network(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let register = |url: &str| {
        app.admin(
            "POST",
            "/webhooks",
            Some(json!({"url": url, "secret": "a secret of sixteen or more", "events": ["submitted"]})),
        )
    };
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:8080/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://[::1]:8080/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ] {
        let (status, problem) = register(url).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
    }
    let (_, hooks) = app.admin("GET", "/webhooks", None).await;
    assert_eq!(hooks.as_array().map(Vec::len), Some(0), "{hooks}");
    let (status, _) = app
        .call(
            &park.a.1,
            "PUT",
            "/settings/webhooks",
            Some(json!({"allow_internal": true})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins change it");

    // Allowed, an internal endpoint is registered; once forbidden again, its delivery is
    // refused and logged, never sent.
    let (url, got) = receiver(vec![200]).await;
    allow_internal_targets(&app).await;
    let (status, hook) = register(&url).await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let (status, _) = app
        .admin(
            "PUT",
            "/settings/webhooks",
            Some(json!({"allow_internal": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    submit_now(&app, &park.firm.1, None).await;
    let client = feidi_app::webhooks::client();
    feidi_app::webhooks::deliver_due(
        &feidi_app::App::new(app.store.clone()),
        &client,
        feidi_core::time::now(),
    )
    .await
    .expect("deliver");
    let (_, log) = app
        .admin("GET", &format!("/webhooks/{}/deliveries", hook["id"]), None)
        .await;
    let error = log["items"][0]["attempt_log"][0]["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(error.starts_with("refused"), "{log}");
    assert_eq!(
        got.lock().map(|g| g.len()).unwrap_or(99),
        0,
        "nothing reached the receiver"
    );
}
both_backends!(
    webhooks_may_not_reach_the_server_s_own_network,
    super::webhooks_may_not_reach_the_server_s_own_network
);

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
];

/// A valid 1×1 PNG.
const ONE_PIXEL_PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31,
    21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 248, 207, 80, 15, 0, 3, 134, 1, 128, 90,
    52, 125, 107, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// A 69-byte PNG whose header declares 60,000 × 60,000 pixels (10.8 GB to decode).
const HUGE_PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 234, 96, 0, 0, 234, 96, 8, 2, 0, 0,
    0, 15, 176, 226, 21, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 96, 160, 12, 0, 0, 0, 64, 0, 1, 183, 52,
    124, 239, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// Sends one file as the API's multipart `file` field with a bearer token.
async fn upload(app: &TestApp, token: &str, appeal: i64, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str("image/png")
            .expect("mime"),
    );
    let response = app
        .client
        .post(app.url(&format!("/api/v1/appeals/{appeal}/attachments")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Point 9 of the usability issue: photos and PDFs by their bytes, up to 10 MB, kept in the
/// database, served with their checked type; another enterprise gets 404 and a refused file
/// writes nothing.
async fn files_attach_to_an_appeal_and_stay_its_enterprise_s(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let (status, appeal) = submit_now(&app, &park.firm.1, None).await;
    assert_eq!(status, StatusCode::CREATED, "{appeal}");
    let id = appeal["id"].as_i64().unwrap_or_default();

    // The enterprise sends a photo (a browser may claim any type; the bytes decide).
    let (status, photo) = upload(
        &app,
        &park.firm.1,
        id,
        "C:\\照片\\现场\u{202e}gnp.png",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    assert_eq!(photo["content_type"], "image/png");
    assert_eq!(photo["name"], "现场gnp.png", "no folder, no direction mark");
    assert_eq!(photo["size"], PNG.len());
    // Its handler (A) adds the proof of the fix, a PDF.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".to_vec();
    let (status, proof) = upload(&app, &park.a.1, id, "整改报告.pdf", pdf.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{proof}");
    assert_eq!(proof["content_type"], "application/pdf");

    // Anything else is refused naming `file`, and nothing is kept.
    let mut too_big = PNG.to_vec();
    too_big.resize(10 * 1024 * 1024 + 1, 0);
    for (name, bytes) in [
        (
            "x.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
        ),
        ("x.png", b"<html><script>alert(1)</script></html>".to_vec()),
        ("x.exe", b"MZ\x90\x00".to_vec()),
        ("empty.png", Vec::new()),
        ("big.png", too_big),
    ] {
        let (status, problem) = upload(&app, &park.firm.1, id, name, bytes).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "file", "{name}: {problem}");
    }
    let (status, list) = app
        .call(&park.firm.1, "GET", &format!("/appeals/{id}/attachments"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = list
        .as_array()
        .map(|l| l.iter().filter_map(|f| f["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["现场gnp.png", "整改报告.pdf"]);

    // The bytes come back as they went, with their checked type: the image shown, the PDF
    // downloaded.
    let get = |token: String, path: String| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move { client.get(url).bearer_auth(token).send().await.expect("get") }
    };
    let image = get(
        park.firm.1.clone(),
        format!("/api/v1/appeals/{id}/attachments/{}", photo["id"]),
    )
    .await;
    assert_eq!(image.status(), StatusCode::OK);
    let header = |r: &reqwest::Response, h: &str| {
        r.headers()
            .get(h)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header(&image, "content-type"), "image/png");
    assert!(header(&image, "content-disposition").starts_with("inline;"));
    assert_eq!(header(&image, "x-content-type-options"), "nosniff");
    assert_eq!(image.bytes().await.expect("bytes").as_ref(), PNG);
    let doc = get(
        park.a.1.clone(),
        format!("/api/v1/appeals/{id}/attachments/{}", proof["id"]),
    )
    .await;
    assert_eq!(header(&doc, "content-type"), "application/pdf");
    let disposition = header(&doc, "content-disposition");
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("UTF-8''%E6%95%B4%E6%94%B9"),
        "{disposition}"
    );
    assert_eq!(doc.bytes().await.expect("bytes").as_ref(), pdf.as_slice());

    // A photo has a small copy for pages on phones; a PDF, and a picture that declares more
    // pixels than any camera makes (a decompression bomb), are answered as they are.
    let (status, real) = upload(&app, &park.firm.1, id, "现场.png", ONE_PIXEL_PNG.to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "{real}");
    let small = get(
        park.firm.1.clone(),
        format!("/api/v1/appeals/{id}/attachments/{}?size=thumb", real["id"]),
    )
    .await;
    assert_eq!(header(&small, "content-type"), "image/jpeg");
    assert!(
        small
            .bytes()
            .await
            .expect("bytes")
            .starts_with(&[0xFF, 0xD8, 0xFF]),
        "a JPEG"
    );
    let doc = get(
        park.a.1.clone(),
        format!("/api/v1/appeals/{id}/attachments/{}?size=thumb", proof["id"]),
    )
    .await;
    assert_eq!(header(&doc, "content-type"), "application/pdf");
    let (status, bomb) = upload(&app, &park.firm.1, id, "bomb.png", HUGE_PNG.to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "kept as sent: {bomb}");
    let same = get(
        park.firm.1.clone(),
        format!("/api/v1/appeals/{id}/attachments/{}?size=thumb", bomb["id"]),
    )
    .await;
    assert_eq!(header(&same, "content-type"), "image/png");
    assert_eq!(
        same.bytes().await.expect("bytes").as_ref(),
        HUGE_PNG,
        "no small copy: the file itself"
    );

    // Another enterprise's user finds neither the list, nor a file, nor a place to add one.
    let (_, other_enterprise) = app
        .admin(
            "POST",
            "/enterprises",
            Some(json!({"name": "别家公司", "credit_code": "91350100M000100Y43", "industry": "纺织"})),
        )
        .await;
    let stranger = app
        .user("stranger", "enterprise", other_enterprise["id"].as_i64())
        .await;
    let (status, _) = app
        .call(&stranger.1, "GET", &format!("/appeals/{id}/attachments"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let file = get(
        stranger.1.clone(),
        format!("/api/v1/appeals/{id}/attachments/{}", photo["id"]),
    )
    .await;
    assert_eq!(file.status(), StatusCode::NOT_FOUND);
    let (status, _) = upload(&app, &stranger.1, id, "x.png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A file id of another appeal is not found under this one.
    let (_, other) = submit_now(&app, &park.firm.1, None).await;
    let wrong = get(
        park.firm.1.clone(),
        format!("/api/v1/appeals/{}/attachments/{}", other["id"], photo["id"]),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    // Finance reads appeals but may not add to them.
    let finance = app.user("finance", "finance", None).await;
    let (status, _) = upload(&app, &finance.1, id, "x.png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Each file is in the audit log.
    let (_, audit) = app
        .admin("GET", &format!("/audit?entity=appeal&entity_id={id}"), None)
        .await;
    let attached = audit["items"]
        .as_array()
        .map(|items| items.iter().filter(|e| e["action"] == "attach").count())
        .unwrap_or_default();
    assert_eq!(attached, 4, "{audit}");
}
both_backends!(
    files_attach_to_an_appeal_and_stay_its_enterprise_s,
    super::files_attach_to_an_appeal_and_stay_its_enterprise_s
);

/// The appeal page shows its files (photos small, documents as links) and takes a new one
/// from its form; a refused file comes back beside the field with 422; once the appeal is
/// closed the form is gone and the API refuses.
async fn the_appeal_page_shows_and_takes_files(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    let id = appeal["id"].as_i64().unwrap_or_default();
    let (status, html) = page_as(&app, &park.firm.1, &format!("/appeals/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"form-attach\"") && html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("accept=\"image/jpeg,image/png,image/webp,application/pdf\""));
    assert!(html.contains("id=\"no-attachments\""));

    let send = |name: &'static str, bytes: Vec<u8>, csrf: String| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf)
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        let request = app
            .client
            .post(app.url(&format!("/appeals/{id}/attachments")))
            .bearer_auth(park.firm.1.clone())
            .multipart(form);
        async move { request.send().await.expect("post") }
    };
    let csrf = hidden(&html, "_csrf");
    let done = send("现场.png", PNG.to_vec(), csrf.clone()).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        done.headers().get("location").and_then(|l| l.to_str().ok()),
        Some(format!("/appeals/{id}#attachments").as_str())
    );
    let refused = send("notes.txt", b"just words".to_vec(), csrf).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"error-file\"") && html.contains("只接受照片（JPEG、PNG、WebP）和 PDF 文件"),
        "the reason beside the field"
    );
    assert!(
        html.contains("autofocus aria-invalid=\"true\""),
        "the field is focused"
    );
    assert!(
        html.contains("class=\"thumb\"") && html.contains("现场.png"),
        "the photo kept before"
    );

    // Resolved and rated satisfied, the appeal closes: no form, and the API says why.
    for (token, action, body) in [
        (&park.a.1, "acknowledge", json!({})),
        (&park.a.1, "resolve", json!({"resolution": "已恢复供水"})),
        (&park.firm.1, "rate", json!({"rating": "satisfied"})),
    ] {
        let (status, body) = app
            .call(token, "POST", &format!("/appeals/{id}/{action}"), Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let (_, html) = page_as(&app, &park.firm.1, &format!("/appeals/{id}")).await;
    assert!(!html.contains("id=\"form-attach\""), "no form on a closed appeal");
    assert!(html.contains("class=\"thumb\""), "its files still shown");
    let (status, problem) = upload(&app, &park.firm.1, id, "late.png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "file");
}
both_backends!(
    the_appeal_page_shows_and_takes_files,
    super::the_appeal_page_shows_and_takes_files
);

/// The audit page reads in words: fields by their names, statuses and yes/no in the reader's
/// language, instants as the Shanghai minute, and no note that only repeats the action.
async fn the_audit_page_reads_in_words(backend: Backend) {
    let app = TestApp::start(backend).await;
    let park = park(&app).await;
    let (_, appeal) = submit_now(&app, &park.firm.1, None).await;
    let id = appeal["id"].as_i64().unwrap_or_default();
    for (action, body) in [
        ("acknowledge", json!({})),
        ("resolve", json!({"resolution": "已恢复供水"})),
    ] {
        let (status, body) = app
            .call(&park.a.1, "POST", &format!("/appeals/{id}/{action}"), Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, session) = app.sign_in("admin", "password123").await;
    let session = session.expect("session");
    let (status, html) = app
        .page(&session, &format!("/audit?entity=appeal&entity_id={id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let changes: Vec<&str> = html
        .split("<li>")
        .skip(1)
        .filter_map(|li| li.split("</li>").next())
        .collect();
    assert!(changes.contains(&"状态: 待签收 → 办理中"), "{changes:?}");
    assert!(changes.contains(&"按时签收: — → 是"), "{changes:?}");
    assert!(changes.contains(&"办结情况: — → 已恢复供水"), "{changes:?}");
    assert!(
        changes.contains(&"办结人: — → official_a"),
        "a person by name: {changes:?}"
    );
    for line in &changes {
        let label = line.split_once(": ").map_or(*line, |(label, _)| label);
        assert!(
            !line.contains("+08:00") && !label.contains('_'),
            "no stored stamp or field code: {line}"
        );
    }
    let (_, html) = app
        .page(
            &session,
            &format!("/audit?entity=user&entity_id={}", app.admin_id),
        )
        .await;
    assert!(
        html.contains("登录") && !html.contains("signed in"),
        "the action says it"
    );
    // A report's status in a report's words: sent, it awaits review (an appeal's `submitted`
    // awaits acknowledgement, 待签收).
    let (_, zones) = app.admin("GET", "/zones", None).await;
    let project = app
        .made("/projects", json!({"name": "审计项目", "category": "industrial", "zone_id": zones["items"][0]["id"], "total_investment": "1"}))
        .await;
    let (status, _) = app
        .admin(
            "PUT",
            &format!("/projects/{}/reports/2023-05", project["id"]),
            Some(json!({"completed_investment": "1"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = app
        .page(
            &session,
            &format!("/audit?entity=monthly_report&entity_id={}", project["id"]),
        )
        .await;
    assert!(
        html.contains("<li>状态: 待审核</li>") && !html.contains("待签收"),
        "a report's status"
    );
}
both_backends!(
    the_audit_page_reads_in_words,
    super::the_audit_page_reads_in_words
);
