//! The pages: login, CSRF, security headers, escaping and forms, on SQLite and PostgreSQL.

mod common;

use common::{TestApp, hidden};
use feidi_store::{Backend, both_backends};
use reqwest::StatusCode;
use serde_json::json;

async fn anonymous_visitors_get_the_login_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    for path in ["/", "/projects", "/projects/1", "/audit"] {
        let response = app.client.get(app.url(path)).send().await.expect("page");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap_or_default()
                .starts_with("/login"),
            "{path}"
        );
    }
    let login = app.client.get(app.url("/login")).send().await.expect("login");
    let headers = login.headers().clone();
    let html = login.text().await.unwrap_or_default();
    assert!(
        html.contains("lang=\"zh-CN\"") && html.contains("登录"),
        "the login page is in Chinese"
    );
    let csp = headers["content-security-policy"].to_str().unwrap_or_default();
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("referrer-policy"));
    let english = app
        .client
        .get(app.url("/login?lang=en"))
        .send()
        .await
        .expect("login en");
    assert!(english.text().await.unwrap_or_default().contains("Sign in"));
}
both_backends!(
    anonymous_visitors_get_the_login_page,
    super::anonymous_visitors_get_the_login_page
);

async fn login_logout_and_csrf(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (status, session) = app.sign_in("admin", "wrong password").await;
    assert_eq!((status, session.is_none()), (StatusCode::UNAUTHORIZED, true));
    let (status, session) = app.sign_in("admin", "password123").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let session = session.expect("a session cookie");
    let (status, html) = app.page(&session, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"project-count\">0<"));

    // A login form from elsewhere (no pre-login token) is refused.
    let forged = app
        .client
        .post(app.url("/login"))
        .form(&[("login", "admin"), ("password", "password123")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // A form without the session's CSRF token is refused and writes nothing.
    let cookie = format!("feidi_session={session}");
    let response = app
        .client
        .post(app.url("/jurisdictions/new"))
        .header("cookie", &cookie)
        .form(&[("name", "伪造")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // So is an API write carried by the cookie alone.
    let response = app
        .client
        .post(app.url("/api/v1/jurisdictions"))
        .header("cookie", &cookie)
        .json(&json!({"name": "伪造"}))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (_, list) = app.admin("GET", "/jurisdictions", None).await;
    assert_eq!(list["total"], 0);

    // With the token it goes through.
    let (_, form) = app.page(&session, "/jurisdictions/new").await;
    let csrf = hidden(&form, "_csrf");
    let response = app
        .client
        .post(app.url("/jurisdictions/new"))
        .header("cookie", &cookie)
        .form(&[("_csrf", csrf.as_str()), ("name", "长垣市")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Signing out ends the session.
    let response = app
        .client
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.page(&session, "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Bearer tokens open pages too (scripts, wall displays).
    let response = app
        .client
        .get(app.url("/projects"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), StatusCode::OK);
}
both_backends!(login_logout_and_csrf, super::login_logout_and_csrf);

async fn repeated_failures_lock_the_account(backend: Backend) {
    let app = TestApp::start(backend).await;
    for _ in 0..5 {
        let (status, _) = app.sign_in("admin", "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, session) = app.sign_in("admin", "password123").await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked even with the right password"
    );
    assert!(session.is_none());
}
both_backends!(
    repeated_failures_lock_the_account,
    super::repeated_failures_lock_the_account
);

async fn user_text_is_escaped(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, _) = app.ground().await;
    let evil = "<script>alert(1)</script>";
    let project = app.made("/projects", json!({"name": evil, "category": "industrial", "zone_id": zone, "total_investment": "1", "description": "<a href=\"http://spam.example\">博彩</a>"})).await;
    let (_, session) = app.sign_in("admin", "password123").await;
    let session = session.expect("session");
    for path in [
        "/projects".to_string(),
        format!("/projects/{}", project["id"]),
        format!("/projects/{}/edit", project["id"]),
    ] {
        let (status, html) = app.page(&session, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains(evil), "{path} must not carry the raw script");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path} shows the name as text"
        );
        assert!(
            !html.contains("<a href=\"http://spam.example\""),
            "{path} injects no link"
        );
    }
}
both_backends!(user_text_is_escaped, super::user_text_is_escaped);

async fn forms_keep_what_was_typed(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, _) = app.ground().await;
    let (_, session) = app.sign_in("admin", "password123").await;
    let session = session.expect("session");
    let cookie = format!("feidi_session={session}");
    let (_, form) = app.page(&session, "/projects/new").await;
    let csrf = hidden(&form, "_csrf");
    let zone = zone.to_string();
    let post = |fields: Vec<(&'static str, String)>| {
        let mut fields = fields;
        fields.push(("_csrf", csrf.clone()));
        app.client
            .post(app.url("/projects/new"))
            .header("cookie", &cookie)
            .form(&fields)
            .send()
    };
    let response = post(vec![
        ("name", "智能制造产业园".into()),
        ("category", "industrial".into()),
        ("zone_id", zone.clone()),
        ("total_investment", "七亿一千万".into()),
        ("phase", "一期".into()),
    ])
    .await
    .expect("post");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"error-total_investment\""),
        "the error stands beside its field"
    );
    assert!(
        html.contains("value=\"智能制造产业园\"")
            && html.contains("value=\"七亿一千万\"")
            && html.contains("value=\"一期\"")
    );
    let (_, list) = app.admin("GET", "/projects", None).await;
    assert_eq!(list["total"], 0, "nothing written");

    let response = post(vec![
        ("name", "智能制造产业园".into()),
        ("category", "industrial".into()),
        ("zone_id", zone),
        // In 万元 by default, with a separator, as officials write it.
        ("total_investment", "71,000".into()),
    ])
    .await
    .expect("post");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    let (status, html) = app.page(&session, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("智能制造产业园") && html.contains("71,000.00 万元 （7.10 亿元）"));
    let (_, list) = app.admin("GET", "/projects?q=%E6%99%BA%E8%83%BD", None).await;
    assert_eq!(
        list["items"][0]["total_investment"], "710000000.00",
        "the API keeps yuan"
    );
    // Its edit form shows the amount in 万元 again, to be typed over.
    let (_, form) = app.page(&session, &format!("{location}/edit")).await;
    assert!(form.contains("value=\"71000\""), "in 万元");
    let (_, html) = app.page(&session, "/projects?q=%E6%99%BA%E8%83%BD").await;
    assert!(html.contains("智能制造产业园"));
}
both_backends!(forms_keep_what_was_typed, super::forms_keep_what_was_typed);

async fn edits_of_a_stale_form_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let j = app.made("/jurisdictions", json!({"name": "封丘县"})).await;
    let id = j["id"].as_i64().unwrap_or_default();
    let (_, session) = app.sign_in("admin", "password123").await;
    let session = session.expect("session");
    let (_, form) = app.page(&session, &format!("/jurisdictions/{id}/edit")).await;
    let csrf = hidden(&form, "_csrf");
    assert_eq!(hidden(&form, "version"), "1");
    // Someone else saves first.
    let (status, _) = app
        .admin(
            "PATCH",
            &format!("/jurisdictions/{id}"),
            Some(json!({"code": "410727", "version": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let response = app
        .client
        .post(app.url(&format!("/jurisdictions/{id}/edit")))
        .header("cookie", format!("feidi_session={session}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", "1"),
            ("name", "封丘县（改）"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap_or_default();
    assert!(html.contains("value=\"封丘县（改）\""), "what was typed is kept");
    let (_, read) = app.admin("GET", &format!("/jurisdictions/{id}"), None).await;
    assert_eq!(
        (read["name"].as_str(), read["code"].as_str()),
        (Some("封丘县"), Some("410727"))
    );
}
both_backends!(
    edits_of_a_stale_form_are_refused,
    super::edits_of_a_stale_form_are_refused
);

/// Every word the pages ask for is in the table, in both languages.
#[test]
fn every_interface_key_is_translated() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut missing = Vec::new();
    let mut files = Vec::new();
    for dir in ["src", "src/pages", "templates"] {
        if let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) {
            files.extend(
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.is_file()),
            );
        }
    }
    assert!(files.len() > 5);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for piece in text.split("t(\"").skip(1) {
            let key: String = piece.chars().take_while(|c| *c != '"').collect();
            if key.contains('.')
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                && feidi_core::Lang::Zh.t(&key) == "?"
            {
                missing.push(format!("{}: {key}", file.display()));
            }
        }
    }
    assert!(missing.is_empty(), "untranslated keys: {missing:?}");
}

async fn each_user_switches_the_language(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.user("leader1", "leader", None).await;
    let (_, admin) = app.sign_in("admin", "password123").await;
    let (_, leader) = app.sign_in("leader1", "password123").await;
    let (admin, leader) = (admin.expect("admin session"), leader.expect("leader session"));
    let (_, home) = app.page(&admin, "/").await;
    assert!(home.contains("lang=\"zh-CN\"") && home.contains("项目库"));
    assert_eq!(
        common::switch_language(&app, &admin, &home, "en").await,
        StatusCode::SEE_OTHER
    );
    let (_, home) = app.page(&admin, "/").await;
    assert!(
        home.contains("lang=\"en\"") && home.contains("Projects"),
        "the admin now reads English"
    );
    let (_, other) = app.page(&leader, "/").await;
    assert!(other.contains("lang=\"zh-CN\""), "another user keeps Chinese");
    let (_, log) = app
        .admin(
            "GET",
            &format!("/audit?entity=user&entity_id={}", app.admin_id),
            None,
        )
        .await;
    assert!(
        log["items"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["action"] == "lang"),
        "{log}"
    );
}
both_backends!(
    each_user_switches_the_language,
    super::each_user_switches_the_language
);

async fn the_project_page_shows_and_sets_the_schedule(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, mine) = app.ground().await;
    let project = app
        .made("/projects", json!({"name": "卫材园中园", "category": "industrial", "zone_id": zone, "enterprise_id": mine, "total_investment": "1000000000"}))
        .await;
    let id = project["id"].as_i64().unwrap_or_default();
    let (_, session) = app.sign_in("admin", "password123").await;
    let session = session.expect("session");
    let (status, html) = app.page(&session, &format!("/projects/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("节点计划") && html.contains("主体封顶") && html.contains("达产达效"));
    assert!(html.contains("投资进度") && html.contains("本年累计完成") && html.contains("0.00 万元"));
    let csrf = hidden(&html, "_csrf");
    let response = app
        .client
        .post(app.url(&format!("/projects/{id}/milestones/topped_out")))
        .header("cookie", format!("feidi_session={session}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", ""),
            ("planned_date", "2023-12-31"),
            ("actual_date", "2023-07-01"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&session, &format!("/projects/{id}")).await;
    assert!(
        html.contains("提前183天"),
        "the variance reads as officials write it"
    );
    assert!(html.contains("class=\"light green\""));
    // The timeline: the plan and the actual day on one axis, today marked.
    assert!(
        html.contains("<svg class=\"chart timeline\""),
        "the timeline is drawn"
    );
    assert!(html.contains("<circle class=\"actual green\""));
    assert!(html.contains("class=\"today\""));

    // A bad date is refused and named; nothing changes.
    let response = app
        .client
        .post(app.url(&format!("/projects/{id}/milestones/completed")))
        .header("cookie", format!("feidi_session={session}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", ""),
            ("planned_date", "明年"),
        ])
        .send()
        .await
        .expect("post");
    // The project's page again (not a dead end), the message beside that milestone's dates in
    // words, the value typed kept.
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"milestone-error-completed\">计划日期："),
        "{html}"
    );
    assert!(html.contains("value=\"明年\""));
    assert!(
        html.contains("节点计划") && html.contains("投资进度"),
        "the whole page"
    );
    let (_, list) = app
        .admin("GET", &format!("/projects/{id}/milestones"), None)
        .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    // The enterprise reads its schedule but has no forms to change it.
    let (_, _) = app.user("ent1", "enterprise", Some(mine)).await;
    let (_, ent_session) = app.sign_in("ent1", "password123").await;
    let (status, html) = app
        .page(&ent_session.expect("session"), &format!("/projects/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("提前183天") && !html.contains("milestones/topped_out"));
}
both_backends!(
    the_project_page_shows_and_sets_the_schedule,
    super::the_project_page_shows_and_sets_the_schedule
);

async fn reports_are_submitted_and_reviewed_on_the_project_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, _) = app.ground().await;
    let project = app.made("/projects", json!({"name": "物流园", "category": "supporting", "zone_id": zone, "total_investment": "600000000"})).await;
    let id = project["id"].as_i64().unwrap_or_default();
    app.user("tongji", "reporter", None).await;
    app.user("ganbu", "staff", None).await;
    let post = |session: String, path: String, fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let (_, page) = app.page(&session, &format!("/projects/{id}")).await;
            let mut fields = fields;
            fields.push(("_csrf", hidden(&page, "_csrf")));
            app.client
                .post(app.url(&path))
                .header("cookie", format!("feidi_session={session}"))
                .form(&fields)
                .send()
                .await
                .expect("post")
        }
    };
    let reporter = app.sign_in("tongji", "password123").await.1.expect("reporter");
    let staff = app.sign_in("ganbu", "password123").await.1.expect("staff");

    let submitted = post(
        reporter.clone(),
        format!("/projects/{id}/reports"),
        vec![
            ("month", "2023-06".into()),
            // Typed in 万元, as the ledger has it.
            ("completed_investment", "5,000".into()),
            ("progress_note", "主体结构施工".into()),
        ],
    )
    .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    // The reporter's next page says it went through, once.
    let notice = common::cookie_value(&submitted, "feidi_notice").expect("a message for the next page");
    let next = app
        .client
        .get(app.url(&format!("/projects/{id}")))
        .header(
            "cookie",
            format!("feidi_session={reporter}; feidi_notice={notice}"),
        )
        .send()
        .await
        .expect("next page");
    let cleared = next
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap_or_default().starts_with("feidi_notice=;"));
    assert!(cleared, "shown once: the page clears it");
    assert!(next.text().await.unwrap_or_default().contains("月报已提交"));
    let (_, html) = app.page(&staff, &format!("/projects/{id}")).await;
    assert!(
        html.contains("5,000.00") && html.contains("待审核") && html.contains("/reports/2023-06/approve")
    );
    let (_, list) = app.admin("GET", &format!("/projects/{id}/reports"), None).await;
    assert_eq!(
        list[0]["completed_investment"], "50000000.00",
        "the API keeps yuan"
    );

    let returned = post(
        staff.clone(),
        format!("/projects/{id}/reports/2023-06/return"),
        vec![("reason", "请附形象进度照片".into())],
    )
    .await;
    assert_eq!(returned.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&reporter, &format!("/projects/{id}")).await;
    assert!(html.contains("已退回") && html.contains("请附形象进度照片"));
    assert!(
        !html.contains("/reports/2023-06/approve"),
        "a reporter gets no approve button"
    );

    let again = post(
        reporter.clone(),
        format!("/projects/{id}/reports"),
        vec![
            ("month", "2023-06".into()),
            ("completed_investment", "52000000元".into()),
        ],
    )
    .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let approved = post(
        staff.clone(),
        format!("/projects/{id}/reports/2023-06/approve"),
        vec![],
    )
    .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&staff, &format!("/projects/{id}")).await;
    assert!(html.contains("已审核") && html.contains("5,200.00"));
    let (_, d) = app.admin("GET", "/dashboard?as_of=2023-07-07", None).await;
    assert_eq!(d["completed_investment"], "52000000.00");

    // A bad amount: the project page again (422) with everything typed kept and the message
    // beside the amount, in words, its field focused; nothing is written.
    let bad = post(
        reporter.clone(),
        format!("/projects/{id}/reports"),
        vec![
            ("month", "2023-05".into()),
            ("completed_investment", "五千万".into()),
            ("progress_note", "设备进场".into()),
            ("problems", "资金到位慢".into()),
        ],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap_or_default();
    for kept in [
        "value=\"2023-05\"",
        "value=\"五千万\"",
        "value=\"设备进场\"",
        "value=\"资金到位慢\"",
    ] {
        assert!(html.contains(kept), "{kept} kept");
    }
    assert!(
        html.contains("id=\"r-amount-error\">须为金额"),
        "the message beside the field"
    );
    assert!(html.contains("id=\"r-amount\" inputmode=\"decimal\" value=\"五千万\" autofocus"));
    assert!(!html.contains("completed_investment:"), "no raw field name");
    // A month not yet begun: the message beside the month, the amount kept.
    let early = post(
        reporter.clone(),
        format!("/projects/{id}/reports"),
        vec![("month", "2099-01".into()), ("completed_investment", "10".into())],
    )
    .await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = early.text().await.unwrap_or_default();
    assert!(html.contains("id=\"r-month-error\"") && html.contains("value=\"10\""));
    // Returning without a reason: the page again, the message beside that report's reason.
    let _ = post(
        reporter.clone(),
        format!("/projects/{id}/reports"),
        vec![("month", "2023-04".into()), ("completed_investment", "1".into())],
    )
    .await;
    let refused = post(
        staff,
        format!("/projects/{id}/reports/2023-04/return"),
        vec![("reason", " ".into())],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap_or_default()
            .contains("id=\"reason-error-2023-04\"")
    );
    // 46200000 typed meaning yuan is read as 万元: far beyond what remains of the project. The
    // page asks first and writes nothing; confirmed, it is sent as typed.
    let doubt = post(
        reporter.clone(),
        format!("/projects/{id}/reports"),
        vec![
            ("month", "2023-03".into()),
            ("completed_investment", "46200000".into()),
        ],
    )
    .await;
    assert_eq!(doubt.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = doubt.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"r-warning\"") && html.contains("超过项目剩余未完成投资"),
        "asked first"
    );
    assert!(html.contains("value=\"46200000\""), "as typed");
    let (_, list) = app.admin("GET", &format!("/projects/{id}/reports"), None).await;
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(2),
        "June, and April awaiting review: nothing written"
    );
    let sure = post(
        reporter,
        format!("/projects/{id}/reports"),
        vec![
            ("month", "2023-03".into()),
            ("completed_investment", "46200000".into()),
            ("confirm_amount", "1".into()),
        ],
    )
    .await;
    assert_eq!(sure.status(), StatusCode::SEE_OTHER, "confirmed, it is sent");
}
both_backends!(
    reports_are_submitted_and_reviewed_on_the_project_page,
    super::reports_are_submitted_and_reviewed_on_the_project_page
);

async fn staff_see_who_owes_a_report(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, mine) = app.ground().await;
    let late = app.made("/projects", json!({"name": "迟报项目<b>", "category": "industrial", "zone_id": zone, "total_investment": "1"})).await;
    app.admin(
        "PUT",
        &format!("/projects/{}/reports/2023-05", late["id"]),
        Some(json!({"completed_investment": "1"})),
    )
    .await;
    app.user("ganbu", "staff", None).await;
    let staff = app.sign_in("ganbu", "password123").await.1.expect("staff");
    let (status, html) = app.page(&staff, "/reports/due?month=2023-06").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("未报送 (1)") && html.contains("迟报项目&#60;b&#62;") && html.contains("2023-07-05")
    );
    // The approval queue: the May report awaits review, with its project, approve in place.
    let (status, html) = app.page(&staff, "/reports").await;
    assert_eq!(status, StatusCode::OK);
    let id = late["id"].as_i64().unwrap_or_default();
    assert!(html.contains("迟报项目&#60;b&#62;") && html.contains(&format!("id=\"approve-{id}-2023-05\"")));
    let (_, queue) = app.admin("GET", "/reports?status=submitted", None).await;
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["project_name"], "迟报项目<b>");
    assert_eq!(queue["items"][0]["month"], "2023-05");
    let (status, _) = app.admin("GET", "/reports?status=lost", None).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a status names its field"
    );
    // The staff's desk counts it and links to the queue; it counts last month's missing report,
    // and counts again once it is sent.
    let (_, home) = app.page(&staff, "/").await;
    assert!(home.contains("id=\"desk-review\"") && home.contains("/reports?status=submitted"));
    let missing = |home: &str| {
        home.split("id=\"desk-missing\"")
            .nth(1)
            .and_then(|rest| rest.split("class=\"value\">").nth(1))
            .and_then(|rest| rest.split('<').next())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(missing(&home), "1", "the project owes last month's report");
    let last_month = feidi_core::schedule::cutoff_month(feidi_core::time::today());
    let (status, _) = app
        .admin(
            "PUT",
            &format!("/projects/{}/reports/{last_month}", late["id"]),
            Some(json!({"completed_investment": "1"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, home) = app.page(&staff, "/").await;
    assert_eq!(missing(&home), "0", "sent: the desk counts again");
    // The enterprise's project has an approved report: the tab of every status lists both.
    let own = app
        .made("/projects", json!({"name": "本企业的项目", "category": "industrial", "zone_id": zone, "enterprise_id": mine, "total_investment": "1"}))
        .await;
    let own_reports = format!("/projects/{}/reports/2023-04", own["id"]);
    app.admin("PUT", &own_reports, Some(json!({"completed_investment": "1"})))
        .await;
    app.admin("POST", &format!("{own_reports}/approve"), None).await;
    let (_, all) = app.admin("GET", "/reports?status=all&month=2023-04", None).await;
    assert_eq!(all["total"], 1);
    assert_eq!(all["items"][0]["status"], "approved");
    let (_, html) = app.page(&staff, "/reports?status=all").await;
    assert!(html.contains("本企业的项目") && html.contains("迟报项目") && html.contains("status approved"));
    app.user("ent1", "enterprise", Some(mine)).await;
    let ent = app.sign_in("ent1", "password123").await.1.expect("enterprise");
    let (status, _) = app.page(&ent, "/reports/due?month=2023-06").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An enterprise's queue holds its own projects' reports only; it reviews none.
    let (status, html) = app.page(&ent, "/reports").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("迟报项目") && !html.contains("/approve"));
    // It lands on all its reports, under its own title, each with its status.
    assert!(html.contains("<h1>本企业月报</h1>") && html.contains("id=\"tab-all\" class=\"on\""));
    assert!(
        html.contains("本企业的项目") && html.contains("已审核"),
        "its approved report"
    );
    let (status, home) = app.page(&ent, "/").await;
    assert_eq!(status, StatusCode::OK, "an enterprise has a desk too");
    assert!(home.contains("id=\"desk-appeals\"") && !home.contains("id=\"desk-review\""));
    assert!(
        home.contains("id=\"desk-own-reports\""),
        "its reports one tap away"
    );
    // In its own words: its projects and its requests, without the officials' filters, tabs
    // and columns that would offer it nothing but itself.
    assert!(
        home.contains(">本企业项目</a>") && home.contains(">我的诉求</a>"),
        "the menu"
    );
    let (_, html) = app.page(&ent, "/projects").await;
    assert!(html.contains("<h1>本企业项目</h1>"));
    assert!(!html.contains("name=\"zone_id\"") && !html.contains("name=\"enterprise_id\""));
    let (_, html) = app.page(&ent, "/appeals").await;
    assert!(html.contains("<h1>我的诉求</h1>") && !html.contains("escalated=true"));
    let header = html
        .split("<thead>")
        .nth(1)
        .and_then(|t| t.split("</thead>").next())
        .unwrap_or_default();
    assert!(!header.contains("企业"), "no enterprise column: {header}");
    // Staff read the same pages as the officials' lists.
    let (_, html) = app.page(&staff, "/projects").await;
    assert!(html.contains("<h1>项目库</h1>") && html.contains("name=\"zone_id\""));
}
both_backends!(staff_see_who_owes_a_report, super::staff_see_who_owes_a_report);

async fn the_cockpit_page_reads_at_a_glance(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, mine) = app.ground().await;
    let (_, jurisdictions) = app.admin("GET", "/jurisdictions", None).await;
    let host = jurisdictions["items"][0]["id"].as_i64().unwrap_or_default();
    let evil = "<script>alert(1)</script>";
    let evil_zone = app
        .made("/zones", json!({"name": evil, "host_jurisdiction_id": host, "operator_jurisdiction_id": host, "area_mu": "1"}))
        .await["id"]
        .as_i64()
        .unwrap_or_default();
    for (name, z) in [("智能制造产业园", zone), ("物流园", evil_zone)] {
        let p = app
            .made("/projects", json!({"name": name, "category": "industrial", "zone_id": z, "total_investment": "100000000"}))
            .await;
        let id = p["id"].as_i64().unwrap_or_default();
        app.admin(
            "PUT",
            &format!("/projects/{id}/reports/2023-06"),
            Some(json!({"completed_investment": "25000000"})),
        )
        .await;
        app.admin("POST", &format!("/projects/{id}/reports/2023-06/approve"), None)
            .await;
    }
    app.made(
        "/stages",
        json!({"name": "一年起步", "start_date": "2022-07-01", "end_date": "2023-06-30", "target_completed_investment": "50000000"}),
    )
    .await;
    let (_, leader) = app.user("lingdao", "leader", None).await;
    let _ = leader;
    let (_, session) = app.sign_in("lingdao", "password123").await;
    let session = session.expect("session");
    let (status, html) = app.page(&session, "/cockpit?as_of=2023-07-07").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("领导驾驶舱"));
    assert!(
        html.contains("id=\"completed-investment\">0.50<"),
        "0.5亿 completed"
    );
    assert!(html.contains("id=\"completion-ratio\">25.0<"));
    for chart in ["stacked", "trend", "part-bars", "progress"] {
        assert!(
            html.contains(&format!("<svg class=\"chart {chart}\"")),
            "{chart} chart drawn"
        );
    }
    assert!(html.contains("目标达成"), "the stage met its target");
    assert!(
        !html.contains(evil),
        "a zone's name is text, in the filter and in the charts"
    );
    assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"));
    // Filtered to one zone, as of a day before any report counted.
    let (_, html) = app
        .page(&session, &format!("/cockpit?as_of=2023-06-15&zone_id={zone}"))
        .await;
    assert!(html.contains("id=\"project-count\">1<"));
    assert!(html.contains("id=\"completed-investment\">0.00<"));
    // The wall display: no header, refreshes itself.
    let (_, html) = app.page(&session, "/cockpit?wall=1").await;
    assert!(html.contains("<body class=\"wall\">") && html.contains("http-equiv=\"refresh\""));
    // An enterprise user has no cockpit.
    app.user("ent1", "enterprise", Some(mine)).await;
    let (_, ent) = app.sign_in("ent1", "password123").await;
    let (status, _) = app.page(&ent.expect("session"), "/cockpit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
both_backends!(
    the_cockpit_page_reads_at_a_glance,
    super::the_cockpit_page_reads_at_a_glance
);
