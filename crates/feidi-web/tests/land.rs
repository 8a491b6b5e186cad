//! Land (M6) through the API, on SQLite and on PostgreSQL: parcels, their pipeline in order,
//! and the parcels as GeoJSON.

mod common;

use common::TestApp;
use feidi_store::{Backend, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn square(lon: f64, lat: f64) -> Value {
    let d = 0.002;
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]})
}

async fn a_parcel_goes_through_its_pipeline_in_order(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, _) = app.ground().await;
    let project = app
        .made("/projects", json!({"name": "卫材园中园", "category": "industrial", "zone_id": zone, "total_investment": "1000000000"}))
        .await;
    let parcel = app
        .made(
            "/parcels",
            json!({"code": "QFZ-01", "zone_id": zone, "village": "前方庄村", "area_mu": "120.50", "land_use": "工业用地", "boundary": square(114.52, 35.04)}),
        )
        .await;
    assert_eq!(parcel["status"], "planned");
    assert_eq!(parcel["area_mu"], "120.50");
    assert_eq!(parcel["project_id"], Value::Null);
    assert_eq!(parcel["boundary"]["type"], "Polygon", "the geometry as sent");
    let id = parcel["id"].as_i64().unwrap_or_default();
    let steps = format!("/parcels/{id}/steps");

    // A code is one parcel's; a boundary must be a polygon; bad fields are each named.
    let (status, problem) = app
        .admin("POST", "/parcels", Some(json!({"code": "QFZ-01", "zone_id": zone, "village": "前方庄村", "area_mu": "3", "land_use": "工业用地"})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(problem.to_string().contains("code"), "{problem}");
    let (status, problem) = app
        .admin("POST", "/parcels", Some(json!({"code": "QFZ-02", "zone_id": 999_999, "village": "", "area_mu": 1.5, "land_use": "工业用地", "boundary": {"type": "Point", "coordinates": [114.5, 35.0]}})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["village", "area_mu", "boundary"], "{problem}");
    let (_, list) = app.admin("GET", "/parcels", None).await;
    assert_eq!(list["total"], 1, "nothing written");

    // A skipped step is refused with the state the parcel is in, and nothing moves.
    let (status, problem) = app
        .admin(
            "POST",
            &steps,
            Some(json!({"status": "cleared", "date": "2023-02-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .starts_with("status:"),
        "names the field: {problem}"
    );
    for (next, date, document) in [
        ("approved", "2023-01-10", Some("豫政土〔2023〕12号")),
        ("acquired", "2023-02-15", None),
        ("cleared", "2023-03-01", None),
        ("delivered", "2023-03-20", None),
    ] {
        let (status, moved) = app
            .admin(
                "POST",
                &steps,
                Some(json!({"status": next, "date": date, "document_no": document})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{next}: {moved}");
        assert_eq!(moved["status"], next);
    }
    // A step taken twice, or back, is refused too.
    let (status, _) = app
        .admin(
            "POST",
            &steps,
            Some(json!({"status": "delivered", "date": "2023-03-21"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Supplying needs a project, and one that exists.
    let (status, problem) = app
        .admin(
            "POST",
            &steps,
            Some(json!({"status": "supplied", "date": "2023-04-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "project_id");
    let (status, problem) = app
        .admin(
            "POST",
            &steps,
            Some(json!({"status": "supplied", "date": "2023-04-01", "project_id": 999_999})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "project_id");
    let (status, supplied) = app
        .admin(
            "POST",
            &steps,
            Some(json!({"status": "supplied", "date": "2023-04-01", "project_id": project["id"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{supplied}");
    assert_eq!(supplied["status"], "supplied");
    assert_eq!(supplied["project_id"], project["id"]);
    let (status, _) = app
        .admin(
            "POST",
            &steps,
            Some(json!({"status": "supplied", "date": "2023-04-02", "project_id": project["id"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "supplied is the end");

    // The steps, oldest first, each with its date, document and who recorded it.
    let (_, history) = app.admin("GET", &steps, None).await;
    let recorded: Vec<(&str, &str)> = history
        .as_array()
        .map(|h| {
            h.iter()
                .map(|s| {
                    (
                        s["status"].as_str().unwrap_or_default(),
                        s["date"].as_str().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        recorded,
        [
            ("approved", "2023-01-10"),
            ("acquired", "2023-02-15"),
            ("cleared", "2023-03-01"),
            ("delivered", "2023-03-20"),
            ("supplied", "2023-04-01"),
        ]
    );
    assert_eq!(history[0]["document_no"], "豫政土〔2023〕12号");
    assert_eq!(history[0]["recorded_by"], app.admin_id);
    let (_, audit) = app
        .admin("GET", &format!("/audit?entity=parcel&entity_id={id}"), None)
        .await;
    assert_eq!(audit["total"], 6, "its creation and five steps: {audit}");

    // The lists filter by status and project; the GeoJSON carries the properties.
    let (_, supplied_list) = app
        .admin(
            "GET",
            &format!("/parcels?status=supplied&project_id={}", project["id"]),
            None,
        )
        .await;
    assert_eq!(supplied_list["total"], 1);
    let response = app
        .client
        .get(app.url(&format!("/api/v1/parcels.geojson?zone_id={zone}")))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("geojson");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap_or_default(),
        "application/geo+json"
    );
    let collection: Value = response.json().await.expect("json");
    assert_eq!(collection["type"], "FeatureCollection");
    let feature = &collection["features"][0];
    assert_eq!(
        feature["geometry"],
        square(114.52, 35.04),
        "the boundary round-trips"
    );
    assert_eq!(feature["properties"]["code"], "QFZ-01");
    assert_eq!(feature["properties"]["status"], "supplied");
    assert_eq!(feature["properties"]["area_mu"], "120.50");
    assert_eq!(feature["properties"]["project_id"], project["id"]);

    // The dashboard counts the land by the step each parcel had reached by the day asked.
    let (_, early) = app.admin("GET", "/dashboard?as_of=2023-03-05", None).await;
    assert_eq!(early["land"]["parcels"], 1);
    assert_eq!(early["land"]["area_mu"]["cleared"], "120.50", "{}", early["land"]);
    assert_eq!(early["land"]["area_mu"]["supplied"], "0.00");
    let (_, before) = app.admin("GET", "/dashboard?as_of=2022-12-31", None).await;
    assert_eq!(
        before["land"]["area_mu"]["planned"], "120.50",
        "before its first step"
    );
    let (_, now) = app.admin("GET", "/dashboard", None).await;
    assert_eq!(now["land"]["area_mu"]["supplied"], "120.50");
    assert_eq!(now["land"]["area_mu"]["delivered"], "0.00");
}
both_backends!(
    a_parcel_goes_through_its_pipeline_in_order,
    super::a_parcel_goes_through_its_pipeline_in_order
);

/// Officials read land; staff keep it; an enterprise's user sees none of it.
async fn land_is_kept_by_staff_and_read_by_officials(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, enterprise) = app.ground().await;
    let (_, staff) = app.user("tudi", "staff", None).await;
    let (_, reporter) = app.user("tongji", "reporter", None).await;
    let (_, firm) = app.user("qiye", "enterprise", Some(enterprise)).await;
    let body = json!({"code": "QFZ-07", "zone_id": zone, "village": "前方庄村", "area_mu": "8", "land_use": "工业用地"});
    let (status, parcel) = app.call(&staff, "POST", "/parcels", Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{parcel}");
    let id = parcel["id"].as_i64().unwrap_or_default();
    let (status, _) = app.call(&reporter, "GET", &format!("/parcels/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "a reporter reads land");
    let (status, _) = app
        .call(
            &reporter,
            "POST",
            &format!("/parcels/{id}/steps"),
            Some(json!({"status": "approved", "date": "2023-01-10"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "but does not keep it");
    for path in [
        "/parcels".to_string(),
        format!("/parcels/{id}"),
        "/parcels.geojson".into(),
    ] {
        let (status, _) = app.call(&firm, "GET", &path, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "an enterprise: {path}");
    }
    let (status, moved) = app
        .call(
            &staff,
            "POST",
            &format!("/parcels/{id}/steps"),
            Some(json!({"status": "approved", "date": "2023-01-10"})),
        )
        .await;
    assert_eq!(
        (status, moved["status"].as_str()),
        (StatusCode::OK, Some("approved"))
    );
    // Two officials recording the same step at once: one moves the parcel, the other is told
    // it already has.
    let step = json!({"status": "acquired", "date": "2023-02-15"});
    let path = format!("/parcels/{id}/steps");
    let (first, second) = tokio::join!(
        app.call(&staff, "POST", &path, Some(step.clone())),
        app.admin("POST", &path, Some(step.clone()))
    );
    let mut codes = [first.0, second.0];
    codes.sort();
    assert_eq!(codes, [StatusCode::OK, StatusCode::CONFLICT]);
    let (_, history) = app.admin("GET", &path, None).await;
    assert_eq!(history.as_array().map(Vec::len), Some(2), "one acquisition kept");
}
both_backends!(
    land_is_kept_by_staff_and_read_by_officials,
    super::land_is_kept_by_staff_and_read_by_officials
);

/// A land officer keeps a parcel on its pages: the list, a new parcel through the form, its
/// steps through the parcel's page; a refused step comes back as typed.
async fn the_parcel_pages_record_its_steps(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, enterprise) = app.ground().await;
    let project = app
        .made("/projects", json!({"name": "卫材园中园", "category": "industrial", "zone_id": zone, "total_investment": "1000000000"}))
        .await;
    app.user("tudi", "staff", None).await;
    app.user("tongji", "reporter", None).await;
    app.user("qiye", "enterprise", Some(enterprise)).await;
    let staff = app.sign_in("tudi", "password123").await.1.expect("staff");
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let (app, staff) = (&app, staff.clone());
        async move {
            let (_, page) = app.page(&staff, "/parcels/new").await;
            let mut fields = fields;
            fields.push(("_csrf", common::hidden(&page, "_csrf")));
            app.client
                .post(app.url(&path))
                .header("cookie", format!("feidi_session={staff}"))
                .form(&fields)
                .send()
                .await
                .expect("post")
        }
    };
    let made = post(
        "/parcels/new".into(),
        vec![
            ("code", "QFZ-<01>".into()),
            ("zone_id", zone.to_string()),
            ("village", "前方庄村".into()),
            ("area_mu", "120.5".into()),
            ("land_use", "工业用地".into()),
            ("boundary", square(114.52, 35.04).to_string()),
        ],
    )
    .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER, "{:?}", made.text().await);
    let (_, list) = app.admin("GET", "/parcels", None).await;
    let id = list["items"][0]["id"].as_i64().unwrap_or_default();
    let (status, html) = app.page(&staff, "/parcels?status=planned").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("QFZ-&#60;01&#62;") && html.contains("规划中"),
        "listed, escaped"
    );
    let (_, html) = app.page(&staff, &format!("/parcels/{id}")).await;
    assert!(html.contains("下一环节：已报批") && html.contains("id=\"step-form\""));

    // No date: the page comes back with the document number as typed and the error beside the
    // date, and nothing moves.
    let refused = post(
        format!("/parcels/{id}/steps"),
        vec![
            ("status", "approved".into()),
            ("document_no", "豫政土〔2023〕12号".into()),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap_or_default();
    assert!(html.contains("id=\"s-date-error\"") && html.contains("value=\"豫政土〔2023〕12号\""));
    for (status, date) in [
        ("approved", "2023-01-10"),
        ("acquired", "2023-02-15"),
        ("cleared", "2023-03-01"),
        ("delivered", "2023-03-20"),
    ] {
        let moved = post(
            format!("/parcels/{id}/steps"),
            vec![
                ("status", status.into()),
                ("date", date.into()),
                ("document_no", String::new()),
            ],
        )
        .await;
        assert_eq!(moved.status(), StatusCode::SEE_OTHER, "{status}");
    }
    // The supply names its project: without one, the choice comes back marked.
    let (_, html) = app.page(&staff, &format!("/parcels/{id}")).await;
    assert!(
        html.contains("id=\"s-project\"") && html.contains("卫材园中园"),
        "the projects offered"
    );
    let refused = post(
        format!("/parcels/{id}/steps"),
        vec![
            ("status", "supplied".into()),
            ("date", "2023-04-01".into()),
            ("project_id", String::new()),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap_or_default();
    assert!(html.contains("id=\"s-project-error\"") && html.contains("value=\"2023-04-01\""));
    // A step sent twice (a double click, a second tab) is told the parcel has moved.
    let stale = post(
        format!("/parcels/{id}/steps"),
        vec![("status", "delivered".into()), ("date", "2023-03-20".into())],
    )
    .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert!(
        stale
            .text()
            .await
            .unwrap_or_default()
            .contains("id=\"step-error\"")
    );
    let supplied = post(
        format!("/parcels/{id}/steps"),
        vec![
            ("status", "supplied".into()),
            ("date", "2023-04-01".into()),
            ("project_id", project["id"].to_string()),
        ],
    )
    .await;
    assert_eq!(supplied.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&staff, &format!("/parcels/{id}")).await;
    assert!(!html.contains("id=\"step-form\""), "supplied: no further step");
    assert!(html.contains("已供地") && html.contains(&format!("href=\"/projects/{}\"", project["id"])));
    assert!(html.contains("2023-01-10"), "the steps listed");
    // The zone's page draws it, green for supplied, labelled with its code, a link to its page.
    let (_, html) = app.page(&staff, &format!("/zones/{zone}")).await;
    assert!(
        html.contains(&format!("<a href=\"/parcels/{id}\" class=\"parcel-link\" id=\"map-parcel-{id}\"><path class=\"parcel supplied\"")),
        "the parcel drawn as a link, coloured by its status"
    );
    assert!(html.contains(">QFZ-&lt;01&gt;</text>"), "its code, escaped");
    assert!(html.contains("卫材园中园</title>"), "the project it went to");
    assert!(
        html.contains("1 块地 · 120.50 亩 · 已供地 120.50 亩"),
        "what the zone's parcels add up to"
    );

    // A reporter reads the page without the form; an enterprise is not let in.
    let reporter = app.sign_in("tongji", "password123").await.1.expect("reporter");
    let (status, html) = app.page(&reporter, &format!("/parcels/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("id=\"step-form\"") && html.contains("id=\"pipeline-steps\""));
    let firm = app.sign_in("qiye", "password123").await.1.expect("enterprise");
    let (status, _) = app.page(&firm, "/parcels").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html) = app.page(&firm, &format!("/zones/{zone}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("id=\"zone-map\""), "no land for an enterprise");
}
both_backends!(
    the_parcel_pages_record_its_steps,
    super::the_parcel_pages_record_its_steps
);

/// A dispute on a parcel: opened, mediated, resolved with how, each move only from where it
/// stands; the dashboard counts those standing and the days since the last was opened.
async fn a_dispute_is_opened_mediated_and_resolved(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, enterprise) = app.ground().await;
    let parcel = app
        .made("/parcels", json!({"code": "QFZ-03", "zone_id": zone, "village": "前方庄村", "area_mu": "80", "land_use": "工业用地"}))
        .await;
    app.admin(
        "POST",
        &format!("/parcels/{}/steps", parcel["id"]),
        Some(json!({"status": "approved", "date": "2023-01-10"})),
    )
    .await;
    let (_, quiet) = app.admin("GET", "/dashboard?as_of=2023-03-01", None).await;
    assert_eq!(quiet["land"]["open_disputes"], 0);
    assert_eq!(
        quiet["land"]["days_without_dispute"], 50,
        "since the land's first step"
    );

    // Every bad field named, nothing written.
    let (status, problem) = app
        .admin(
            "POST",
            "/disputes",
            Some(json!({"category": "noise", "description": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["parcel_id", "category", "description"]);
    let (status, problem) = app
        .admin(
            "POST",
            "/disputes",
            Some(json!({"parcel_id": 999_999, "category": "boundary", "description": "界桩"})),
        )
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("parcel_id"))
    );

    let dispute = app
        .made(
            "/disputes",
            json!({"parcel_id": parcel["id"], "category": "compensation", "description": "青苗补偿标准有异议", "opened_on": "2023-04-01"}),
        )
        .await;
    assert_eq!(
        (dispute["status"].as_str(), dispute["opened_on"].as_str()),
        (Some("open"), Some("2023-04-01"))
    );
    let id = dispute["id"].as_i64().unwrap_or_default();
    let (_, standing) = app.admin("GET", "/dashboard?as_of=2023-04-10", None).await;
    assert_eq!(standing["land"]["open_disputes"], 1);
    assert_eq!(standing["land"]["days_without_dispute"], 9);

    // Mediation, then a resolution that says how; nothing follows a resolution.
    let action = |what: &'static str, body: Value| {
        let app = &app;
        async move {
            app.admin("POST", &format!("/disputes/{id}/{what}"), Some(body))
                .await
        }
    };
    let (status, mediating) = action("mediate", json!({})).await;
    assert_eq!(
        (status, mediating["status"].as_str()),
        (StatusCode::OK, Some("mediating"))
    );
    let (status, _) = action("mediate", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "already in mediation");
    let (status, problem) = action("resolve", json!({"resolution": " "})).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("resolution"))
    );
    let (status, resolved) = action(
        "resolve",
        json!({"resolution": "按县定标准补足差额，双方签字确认"}),
    )
    .await;
    assert_eq!(
        (status, resolved["status"].as_str()),
        (StatusCode::OK, Some("resolved"))
    );
    assert_eq!(resolved["resolved_on"], feidi_core::time::today().to_string());
    let (status, _) = action("resolve", json!({"resolution": "again"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = action("settle", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no such action");
    let (_, now) = app.admin("GET", "/dashboard", None).await;
    assert_eq!(now["land"]["open_disputes"], 0, "resolved");
    let (_, list) = app
        .admin(
            "GET",
            &format!("/disputes?parcel_id={}&status=resolved", parcel["id"]),
            None,
        )
        .await;
    assert_eq!(list["total"], 1);

    // Officials read disputes; staff keep them; an enterprise sees none.
    let (_, reporter) = app.user("tongji", "reporter", None).await;
    let (_, firm) = app.user("qiye", "enterprise", Some(enterprise)).await;
    let (status, _) = app.call(&reporter, "GET", &format!("/disputes/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(
            &reporter,
            "POST",
            "/disputes",
            Some(json!({"parcel_id": parcel["id"], "category": "other", "description": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call(&firm, "GET", "/disputes", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
both_backends!(
    a_dispute_is_opened_mediated_and_resolved,
    super::a_dispute_is_opened_mediated_and_resolved
);

async fn progress(app: &TestApp, project: i64) -> Value {
    app.admin("GET", &format!("/projects/{project}/progress"), None)
        .await
        .1
}

/// Blockages reach the schedule (堵点): a dispute open on a parcel supplied to a project, and
/// an appeal concerning it that is escalated, turn it red on its progress, the cockpit's red
/// list with the reason, the dashboard's counts and the dispatch report; their ends turn it back.
async fn a_blockage_turns_its_project_red_and_its_end_turns_it_back(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, enterprise) = app.ground().await;
    let project = app
        .made("/projects", json!({"name": "卫材园中园", "category": "industrial", "zone_id": zone, "enterprise_id": enterprise, "total_investment": "1000000000", "land_mu": "50"}))
        .await;
    let pid = project["id"].as_i64().unwrap_or_default();
    assert_eq!(project["land_mu"], "50.00");
    // Signed at the start of 2023: from then on its 50 亩 are land a signed project needs.
    let (status, _) = app
        .admin(
            "PUT",
            &format!("/projects/{pid}/milestones/signed"),
            Some(json!({"planned_date": "2023-01-01", "actual_date": "2023-01-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, d) = app.admin("GET", "/dashboard?as_of=2022-12-31", None).await;
    assert_eq!(d["land"]["land_needed"], "0.00");
    let (_, d) = app.admin("GET", "/dashboard?as_of=2023-01-01", None).await;
    assert_eq!(d["land"]["land_needed"], "50.00");
    // On time: its one milestone lies ahead, so it is green.
    let (status, _) = app
        .admin(
            "PUT",
            &format!("/projects/{pid}/milestones/completed"),
            Some(json!({"planned_date": "2030-12-31"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let p = progress(&app, pid).await;
    assert_eq!(
        (p["light"].as_str(), p["blockage_light"].as_str()),
        (Some("green"), None),
        "{p}"
    );

    let parcel = app
        .made("/parcels", json!({"code": "QFZ-09", "zone_id": zone, "village": "前方庄村", "area_mu": "50", "land_use": "工业用地"}))
        .await;
    let steps = format!("/parcels/{}/steps", parcel["id"]);
    for (next, date) in [
        ("approved", "2023-01-10"),
        ("acquired", "2023-02-15"),
        ("cleared", "2023-03-01"),
        ("delivered", "2023-03-20"),
    ] {
        app.admin("POST", &steps, Some(json!({"status": next, "date": date})))
            .await;
    }
    let (status, _) = app
        .admin(
            "POST",
            &steps,
            Some(json!({"status": "supplied", "date": "2023-04-01", "project_id": pid})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let dispute = app
        .made(
            "/disputes",
            json!({"parcel_id": parcel["id"], "category": "boundary", "description": "界桩位置有争议", "opened_on": "2023-06-01"}),
        )
        .await;
    let did = dispute["id"].as_i64().unwrap_or_default();

    // Red, and the reason names the parcel, on every view of the schedule.
    let p = progress(&app, pid).await;
    assert_eq!(
        (p["light"].as_str(), p["blockage_light"].as_str()),
        (Some("red"), Some("red")),
        "{p}"
    );
    assert_eq!(p["blockages"][0]["kind"], "dispute");
    assert_eq!(p["blockages"][0]["parcel_code"], "QFZ-09");
    let (_, cockpit) = app.admin("GET", "/cockpit?as_of=2023-07-07", None).await;
    let red = &cockpit["red_list"][0];
    assert_eq!(red["project_id"], pid, "{cockpit}");
    assert_eq!(red["reasons"][0]["kind"], "dispute");
    assert_eq!(red["reasons"][0]["days"], 36, "open since 2023-06-01");
    let (_, before) = app.admin("GET", "/cockpit?as_of=2023-05-31", None).await;
    assert_eq!(
        before["lights"]["red"], 0,
        "not before the dispute was opened: {before}"
    );
    let (_, dashboard) = app.admin("GET", "/dashboard?as_of=2023-07-07", None).await;
    assert_eq!(dashboard["lights"]["red"], 1, "{dashboard}");
    let (_, dispatch) = app
        .admin("GET", "/exports/dispatch?month=2023-06&format=json", None)
        .await;
    assert_eq!(dispatch["rows"][0]["light"], "red", "{dispatch}");
    assert_eq!(dispatch["rows"][0]["blockages"][0]["dispute_id"], did);
    app.user("lingdao", "leader", None).await;
    let session = app.sign_in("lingdao", "password123").await.1.expect("leader");
    let (_, page) = app.page(&session, &format!("/projects/{pid}")).await;
    assert!(page.contains("地块QFZ-09纠纷未解决"), "the project page names it");
    assert!(page.contains(&format!("href=\"/disputes/{did}\"")));

    // Resolved today: green again today; the past stays as it was.
    let (status, _) = app
        .admin(
            "POST",
            &format!("/disputes/{did}/resolve"),
            Some(json!({"resolution": "重新测绘确认界址"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let p = progress(&app, pid).await;
    assert_eq!(p["light"], "green", "{p}");
    let (_, then) = app.admin("GET", "/cockpit?as_of=2023-07-07", None).await;
    assert_eq!(then["lights"]["red"], 1, "it was open then");

    // An appeal concerning it, escalated at once (nobody holds the enterprise's appeals), is
    // a blockage too, until it is resolved.
    let (_, firm) = app.user("qiye", "enterprise", Some(enterprise)).await;
    let (status, appeal) = app
        .call(
            &firm,
            "POST",
            "/appeals",
            Some(json!({"category": "utilities", "title": "双回路供电", "description": "园区变电站未投运", "project_id": pid})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{appeal}");
    assert_eq!(appeal["escalated"], true);
    let p = progress(&app, pid).await;
    assert_eq!(p["light"], "red", "{p}");
    assert_eq!(
        (
            p["blockages"][0]["kind"].as_str(),
            p["blockages"][0]["escalated"].as_bool()
        ),
        (Some("appeal"), Some(true))
    );
    let (_, cockpit) = app.admin("GET", "/cockpit", None).await;
    assert_eq!(
        cockpit["red_list"][0]["reasons"][0]["title"], "双回路供电",
        "{cockpit}"
    );
    let (status, _) = app
        .admin(
            "POST",
            &format!("/appeals/{}/acknowledge", appeal["id"]),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let p = progress(&app, pid).await;
    assert_eq!(p["light"], "red", "acknowledged, still escalated and open: {p}");
    let (status, resolved) = app
        .admin(
            "POST",
            &format!("/appeals/{}/resolve", appeal["id"]),
            Some(json!({"resolution": "临时线路已接通"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    let p = progress(&app, pid).await;
    assert_eq!(p["light"], "green", "{p}");
    let (_, cockpit) = app.admin("GET", "/cockpit", None).await;
    assert_eq!(cockpit["lights"]["red"], 0, "{cockpit}");
}
both_backends!(
    a_blockage_turns_its_project_red_and_its_end_turns_it_back,
    super::a_blockage_turns_its_project_red_and_its_end_turns_it_back
);

/// Resettlement: households with their people and compensation, totals by village, and their
/// privacy — names for admins, leaders and staff only (others are told there are none), an ID
/// number masked everywhere but in an admin's audited look.
async fn households_are_resettled_compensated_and_kept_private(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, enterprise) = app.ground().await;
    let parcel = app
        .made("/parcels", json!({"code": "QFZ-10", "zone_id": zone, "village": "前方庄村", "area_mu": "30", "land_use": "工业用地"}))
        .await;

    // Every bad field named, nothing written.
    let (status, problem) = app
        .admin(
            "POST",
            "/households",
            Some(json!({"village": "", "head_name": "王某某", "people": 0, "id_number": "410727199001011235", "parcel_id": 999_999})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["village", "people", "id_number"], "{problem}");
    let (_, none) = app.admin("GET", "/households", None).await;
    assert_eq!(none["total"], 0);

    // 11010519491231002X is GB 11643's own example of a valid number.
    let wang = app
        .made(
            "/households",
            json!({"village": "前方庄村", "head_name": "王某某", "people": 4, "parcel_id": parcel["id"], "id_number": "11010519491231002x", "housing": "安置小区3号楼2单元501", "resettled_on": "2022-08-01"}),
        )
        .await;
    assert_eq!(wang["id_number"], "1101**********002X", "masked in the answer");
    assert!(!wang.to_string().contains("11010519491231002X"));
    let hid = wang["id"].as_i64().unwrap_or_default();
    let li = app
        .made(
            "/households",
            json!({"village": "后方庄村", "head_name": "李某", "people": 3}),
        )
        .await;
    assert_eq!(li["id_number"], Value::Null);

    // Compensation: due and paid, each item once.
    let items = format!("/households/{hid}/compensations");
    let (status, problem) = app
        .admin(
            "POST",
            &items,
            Some(json!({"item": "", "amount": 1.5, "due_date": "2022-13-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"].as_array().map(Vec::len), Some(3), "{problem}");
    let house = app
        .made(
            &items,
            json!({"item": "房屋补偿", "amount": "186000.50", "due_date": "2022-06-30"}),
        )
        .await;
    app.made(
        &items,
        json!({"item": "搬迁奖励", "amount": "20000", "due_date": "2022-09-30"}),
    )
    .await;
    app.made(
        &format!("/households/{}/compensations", li["id"]),
        json!({"item": "青苗补偿", "amount": "3500", "due_date": "2022-06-30"}),
    )
    .await;
    let pay = format!("{items}/{}/pay", house["id"]);
    let (status, problem) = app
        .admin("POST", &pay, Some(json!({"paid_on": "2099-01-01"})))
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("paid_on"))
    );
    let (status, paid) = app
        .admin("POST", &pay, Some(json!({"paid_on": "2022-06-20"})))
        .await;
    assert_eq!(
        (status, paid["paid_on"].as_str()),
        (StatusCode::OK, Some("2022-06-20"))
    );
    let (status, _) = app
        .admin("POST", &pay, Some(json!({"paid_on": "2022-06-21"})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "paid once");

    // Totals by village and on the dashboard, as of a day.
    let (_, r) = app.admin("GET", "/resettlement?as_of=2022-07-01", None).await;
    assert_eq!(r["villages"][0]["village"], "前方庄村", "{r}");
    assert_eq!(
        r["villages"][0]["compensation_due"], "186000.50",
        "the item due by then"
    );
    assert_eq!(r["villages"][0]["compensation_paid"], "186000.50");
    assert_eq!(r["villages"][0]["resettled_households"], 0, "moved in August");
    assert_eq!(r["total"]["households"], 2);
    assert_eq!(r["total"]["people"], 7);
    assert_eq!(r["total"]["compensation_due"], "189500.50");
    let (_, d) = app.admin("GET", "/dashboard?as_of=2022-10-01", None).await;
    let land = &d["land"];
    assert_eq!(
        (
            land["households"].as_i64(),
            land["people"].as_i64(),
            land["resettled_households"].as_i64()
        ),
        (Some(2), Some(7), Some(1)),
        "{land}"
    );
    assert_eq!(land["compensation_due"], "209500.50");
    assert_eq!(land["compensation_paid"], "186000.50");

    // An edit that leaves the masked number keeps the number.
    let (status, edited) = app
        .admin(
            "PATCH",
            &format!("/households/{hid}"),
            Some(json!({"people": 5, "id_number": "1101**********002X", "version": wang["version"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        (edited["people"].as_i64(), edited["id_number"].as_str()),
        (Some(5), Some("1101**********002X"))
    );

    // Privacy: the whole number for an admin's look, audited; refused to staff; reporters,
    // finance and enterprises are told there are no households at all.
    let (status, look) = app
        .admin("GET", &format!("/households/{hid}/id-number"), None)
        .await;
    assert_eq!(
        (status, look["id_number"].as_str()),
        (StatusCode::OK, Some("11010519491231002X"))
    );
    let (_, audit) = app
        .admin("GET", &format!("/audit?entity=household&entity_id={hid}"), None)
        .await;
    assert!(audit.to_string().contains("reveal_id_number"), "{audit}");
    assert!(
        !audit.to_string().contains("11010519491231002X"),
        "the log keeps no number: {audit}"
    );
    let (_, staff) = app.user("anzhi", "staff", None).await;
    let (status, seen) = app.call(&staff, "GET", &format!("/households/{hid}"), None).await;
    assert_eq!(
        (status, seen["head_name"].as_str()),
        (StatusCode::OK, Some("王某某"))
    );
    assert_eq!(seen["id_number"], "1101**********002X");
    let (status, _) = app
        .call(&staff, "GET", &format!("/households/{hid}/id-number"), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, leader) = app.user("lingdao", "leader", None).await;
    let (status, _) = app.call(&leader, "GET", "/households", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(
            &leader,
            "POST",
            &items,
            Some(json!({"item": "x", "amount": "1", "due_date": "2022-06-30"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "leaders read, staff keep");
    let (_, reporter) = app.user("tongji", "reporter", None).await;
    let (_, finance) = app.user("caizheng", "finance", None).await;
    let (_, firm) = app.user("qiye", "enterprise", Some(enterprise)).await;
    for who in [&reporter, &finance, &firm] {
        for path in [
            "/households".to_string(),
            format!("/households/{hid}"),
            items.clone(),
            format!("/households/{hid}/id-number"),
            "/resettlement".to_string(),
        ] {
            let (status, body) = app.call(who, "GET", &path, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
            assert!(!body.to_string().contains("王某某"));
        }
    }

    // A dispute raised from a household stands on its parcel.
    let dispute = app
        .made(
            "/disputes",
            json!({"household_id": hid, "category": "resettlement", "description": "安置房楼层分配有异议"}),
        )
        .await;
    assert_eq!(
        (dispute["household_id"].as_i64(), dispute["parcel_id"].as_i64()),
        (Some(hid), None)
    );
}
both_backends!(
    households_are_resettled_compensated_and_kept_private,
    super::households_are_resettled_compensated_and_kept_private
);

/// Posts a page form as a signed-in user, with the CSRF token of a page they can open.
async fn post_form(
    app: &TestApp,
    session: &str,
    path: &str,
    mut fields: Vec<(&'static str, String)>,
) -> reqwest::Response {
    let (_, page) = app.page(session, "/").await;
    fields.push(("_csrf", common::hidden(&page, "_csrf")));
    app.client
        .post(app.url(path))
        .header("cookie", format!("feidi_session={session}"))
        .form(&fields)
        .send()
        .await
        .expect("post")
}

/// A land officer keeps households and their compensation through the pages, and handles a
/// dispute; every refused form comes back as typed; an admin looks at a whole ID number; a
/// reporter is told there are no households.
async fn the_resettlement_and_dispute_pages(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, _) = app.ground().await;
    let parcel = app
        .made("/parcels", json!({"code": "QFZ-11", "zone_id": zone, "village": "前方庄村", "area_mu": "30", "land_use": "工业用地"}))
        .await;
    app.user("anzhi", "staff", None).await;
    app.user("tongji", "reporter", None).await;
    app.user("guanli", "admin", None).await;
    let staff = app.sign_in("anzhi", "password123").await.1.expect("staff");

    // A slip in the ID number: the form comes back with everything typed and the error beside it.
    let refused = post_form(
        &app,
        &staff,
        "/households/new",
        vec![
            ("head_name", "王<某>".into()),
            ("village", "前方庄村".into()),
            ("people", "4".into()),
            ("id_number", "110105194912310021".into()),
            ("parcel_id", parcel["id"].to_string()),
            ("housing", "安置小区3号楼".into()),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap_or_default();
    assert!(
        html.contains("校验位不符")
            && html.contains("value=\"安置小区3号楼\"")
            && html.contains("value=\"110105194912310021\"")
    );
    let made = post_form(
        &app,
        &staff,
        "/households/new",
        vec![
            ("head_name", "王<某>".into()),
            ("village", "前方庄村".into()),
            ("people", "4".into()),
            ("id_number", "11010519491231002X".into()),
            ("parcel_id", parcel["id"].to_string()),
            ("housing", "安置小区3号楼".into()),
            ("resettled_on", "2022-08-01".into()),
        ],
    )
    .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let (_, list) = app.admin("GET", "/households", None).await;
    let hid = list["items"][0]["id"].as_i64().unwrap_or_default();
    let (status, html) = app.page(&staff, "/households").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("王&#60;某&#62;") && html.contains("1101**********002X"),
        "escaped, masked"
    );
    assert!(!html.contains("11010519491231002X"));

    // Compensation: a bad amount comes back as typed; then an item, and its payment.
    let page = format!("/households/{hid}");
    let refused = post_form(
        &app,
        &staff,
        &format!("{page}/compensations"),
        vec![
            ("item", "房屋补偿".into()),
            ("amount", "十八万".into()),
            ("due_date", "2022-06-30".into()),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"k-amount-error\"")
            && html.contains("value=\"房屋补偿\"")
            && html.contains("value=\"十八万\"")
    );
    let added = post_form(
        &app,
        &staff,
        &format!("{page}/compensations"),
        vec![
            ("item", "房屋补偿".into()),
            ("amount", "186,000.50".into()),
            ("due_date", "2022-06-30".into()),
        ],
    )
    .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let (_, items) = app
        .admin("GET", &format!("/households/{hid}/compensations"), None)
        .await;
    assert_eq!(items[0]["amount"], "186000.50", "yuan, exactly");
    let cid = items[0]["id"].as_i64().unwrap_or_default();
    let (_, html) = app.page(&staff, &page).await;
    assert!(
        html.contains("应付 186,000.50 元 · 已付 0.00 元 · 未付 186,000.50 元"),
        "the sums"
    );
    let refused = post_form(
        &app,
        &staff,
        &format!("{page}/compensations/{cid}/pay"),
        vec![("paid_on", "2099-01-01".into())],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap_or_default()
            .contains("id=\"pay-error\"")
    );
    let paid = post_form(
        &app,
        &staff,
        &format!("{page}/compensations/{cid}/pay"),
        vec![("paid_on", "2022-06-20".into())],
    )
    .await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    let again = post_form(
        &app,
        &staff,
        &format!("{page}/compensations/{cid}/pay"),
        vec![("paid_on", "2022-06-21".into())],
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "paid once");
    let (_, html) = app.page(&staff, &page).await;
    assert!(html.contains("已付 186,000.50 元 · 未付 0.00 元") && html.contains("2022-06-20"));
    assert!(
        !html.contains("id=\"reveal\""),
        "only admins look at a whole number"
    );

    // The admin's look: the whole number on the page, in the audit log as a look.
    let admin = app.sign_in("guanli", "password123").await.1.expect("admin");
    let (_, html) = app.page(&admin, &page).await;
    assert!(html.contains("id=\"reveal\"") && !html.contains("11010519491231002X"));
    let look = post_form(&app, &admin, &format!("{page}/id-number"), vec![]).await;
    assert_eq!(look.status(), StatusCode::OK);
    assert!(
        look.text()
            .await
            .unwrap_or_default()
            .contains("<strong id=\"id-number-whole\">11010519491231002X</strong>")
    );
    let (_, audit) = app
        .admin("GET", &format!("/audit?entity=household&entity_id={hid}"), None)
        .await;
    assert!(audit.to_string().contains("reveal_id_number"));

    // A reporter and the menu: no households at all.
    let reporter = app.sign_in("tongji", "password123").await.1.expect("reporter");
    for path in [
        "/households".to_string(),
        page.clone(),
        "/households/new".to_string(),
    ] {
        let (status, html) = app.page(&reporter, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!html.contains("王&#60;某&#62;"));
    }
    let (_, html) = app.page(&reporter, "/parcels").await;
    assert!(!html.contains("href=\"/households\"") && html.contains("href=\"/disputes\""));

    // A dispute from its form, mediated, then resolved: the resolution is required and kept.
    let opened = post_form(
        &app,
        &staff,
        "/disputes/new",
        vec![
            ("parcel_id", parcel["id"].to_string()),
            ("household_id", String::new()),
            ("category", "compensation".into()),
            ("description", "青苗补偿标准有异议".into()),
            ("opened_on", String::new()),
        ],
    )
    .await;
    assert_eq!(
        opened.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        opened.text().await
    );
    let (_, list) = app.admin("GET", "/disputes", None).await;
    let did = list["items"][0]["id"].as_i64().unwrap_or_default();
    let (_, html) = app.page(&staff, &format!("/disputes/{did}")).await;
    assert!(html.contains("未化解") && html.contains("id=\"mediate\"") && html.contains("QFZ-11"));
    let mediated = post_form(&app, &staff, &format!("/disputes/{did}/mediate"), vec![]).await;
    assert_eq!(mediated.status(), StatusCode::SEE_OTHER);
    let refused = post_form(
        &app,
        &staff,
        &format!("/disputes/{did}/resolve"),
        vec![("resolution", " ".into())],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap_or_default()
            .contains("id=\"d-resolution-error\"")
    );
    let resolved = post_form(
        &app,
        &staff,
        &format!("/disputes/{did}/resolve"),
        vec![("resolution", "按县定标准补足差额".into())],
    )
    .await;
    assert_eq!(resolved.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&staff, &format!("/disputes/{did}")).await;
    assert!(
        html.contains("已化解")
            && html.contains("按县定标准补足差额")
            && !html.contains("id=\"resolve-form\"")
    );
    let (_, html) = app.page(&reporter, &format!("/disputes/{did}")).await;
    assert!(
        html.contains("已化解") && !html.contains("id=\"mediate\""),
        "read, not handled"
    );
}
both_backends!(
    the_resettlement_and_dispute_pages,
    super::the_resettlement_and_dispute_pages
);

/// A parcel split in two keeps its history in both parts; two parcels merged keep theirs in
/// the one they make; the retired parcels stay on record, off the map and out of the figures.
async fn parcels_split_and_merge_keeping_their_history(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, _) = app.ground().await;
    let parcel = app
        .made("/parcels", json!({"code": "QFZ-20", "zone_id": zone, "village": "前方庄村", "area_mu": "100.50", "land_use": "工业用地"}))
        .await;
    let id = parcel["id"].as_i64().unwrap_or_default();
    for (status, date, doc) in [
        ("approved", "2023-01-10", Some("豫政土〔2023〕12号")),
        ("acquired", "2023-02-15", None),
    ] {
        app.admin(
            "POST",
            &format!("/parcels/{id}/steps"),
            Some(json!({"status": status, "date": date, "document_no": doc})),
        )
        .await;
    }
    let split = format!("/parcels/{id}/split");
    // Areas that do not add up, a part without a code: named, nothing written.
    let (status, problem) = app
        .admin(
            "POST",
            &split,
            Some(json!({"parts": [{"code": "QFZ-20A", "area_mu": "60"}, {"code": "QFZ-20B", "area_mu": "40"}]})),
        )
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("parts"))
    );
    let (status, problem) = app
        .admin(
            "POST",
            &split,
            Some(json!({"parts": [{"code": "", "area_mu": "60.50"}, {"code": "QFZ-20", "area_mu": "40"}]})),
        )
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("parts[0].code"))
    );
    let (status, problem) = app
        .admin(
            "POST",
            &split,
            Some(json!({"parts": [{"code": "QFZ-20A", "area_mu": "60.50"}, {"code": "QFZ-20", "area_mu": "40"}]})),
        )
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("parts[1].code")),
        "a code taken: {problem}"
    );
    let (_, list) = app.admin("GET", "/parcels", None).await;
    assert_eq!(list["total"], 1, "nothing written");

    let (status, made) = app
        .admin(
            "POST",
            &split,
            Some(json!({"parts": [{"code": "QFZ-20A", "area_mu": "60.50", "boundary": square(114.52, 35.04)}, {"code": "QFZ-20B", "area_mu": "40"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let a = made["parts"][0]["id"].as_i64().unwrap_or_default();
    let b = made["parts"][1]["id"].as_i64().unwrap_or_default();
    assert_eq!(made["parts"][0]["status"], "acquired", "at the parent's step");
    for part in [a, b] {
        let (_, steps) = app.admin("GET", &format!("/parcels/{part}/steps"), None).await;
        assert_eq!(
            steps[0]["document_no"], "豫政土〔2023〕12号",
            "its history: {steps}"
        );
        assert_eq!(steps[1]["date"], "2023-02-15");
    }
    let (_, old) = app.admin("GET", &format!("/parcels/{id}"), None).await;
    assert_eq!(old["retired_on"], feidi_core::time::today().to_string());
    let (status, _) = app
        .admin(
            "POST",
            &format!("/parcels/{id}/steps"),
            Some(json!({"status": "cleared", "date": "2023-03-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a retired parcel moves no further");
    let (status, _) = app
        .admin(
            "POST",
            &split,
            Some(json!({"parts": [{"code": "X1", "area_mu": "100"}, {"code": "X2", "area_mu": "0.50"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "nor is it split twice");
    // The figures count the parts from today, the parcel before.
    let (_, d) = app.admin("GET", "/dashboard", None).await;
    assert_eq!(
        (
            d["land"]["parcels"].as_i64(),
            d["land"]["area_mu"]["acquired"].as_str()
        ),
        (Some(2), Some("100.50")),
        "{}",
        d["land"]
    );
    let (_, d) = app.admin("GET", "/dashboard?as_of=2023-06-01", None).await;
    assert_eq!(
        (
            d["land"]["parcels"].as_i64(),
            d["land"]["area_mu"]["acquired"].as_str()
        ),
        (Some(1), Some("100.50"))
    );
    let (_, geo) = app.admin("GET", "/parcels.geojson", None).await;
    let codes: Vec<&str> = geo["features"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|x| x["properties"]["code"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(codes, ["QFZ-20A", "QFZ-20B"], "the parts, not the retired parcel");

    // Merged back: one zone, one step; a parcel at another step is refused, naming parcel_ids.
    let other = app
        .made("/parcels", json!({"code": "QFZ-21", "zone_id": zone, "village": "后方庄村", "area_mu": "10", "land_use": "工业用地"}))
        .await;
    let (status, problem) = app
        .admin(
            "POST",
            "/parcels/merge",
            Some(json!({"parcel_ids": [a, other["id"]], "code": "QFZ-22"})),
        )
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("parcel_ids"))
    );
    let (status, merged) = app
        .admin(
            "POST",
            "/parcels/merge",
            Some(json!({"parcel_ids": [a, b], "code": "QFZ-22"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{merged}");
    assert_eq!(
        (merged["area_mu"].as_str(), merged["status"].as_str()),
        (Some("100.50"), Some("acquired"))
    );
    let m = merged["id"].as_i64().unwrap_or_default();
    let (_, steps) = app.admin("GET", &format!("/parcels/{m}/steps"), None).await;
    assert_eq!(steps.as_array().map(Vec::len), Some(2), "{steps}");
    assert_eq!(steps[0]["document_no"], "豫政土〔2023〕12号");
    let (_, lineage) = app.admin("GET", &format!("/parcels/{a}/lineage"), None).await;
    let kinds: Vec<(&str, &str)> = lineage
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|x| Some((x["parent_code"].as_str()?, x["child_code"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(kinds, [("QFZ-20", "QFZ-20A"), ("QFZ-20A", "QFZ-22")]);
    let (_, d) = app.admin("GET", "/dashboard", None).await;
    assert_eq!(d["land"]["parcels"], 2, "QFZ-21 and QFZ-22");
    assert_eq!(d["land"]["area_mu"]["acquired"], "100.50");

    // Through the pages: a split whose areas do not add up comes back as typed; then it splits.
    app.user("tudi", "staff", None).await;
    let staff = app.sign_in("tudi", "password123").await.1.expect("staff");
    let (_, html) = app.page(&staff, &format!("/parcels/{a}")).await;
    assert!(
        html.contains("id=\"retired\"") && !html.contains("id=\"split-form\""),
        "a retired parcel is not split again"
    );
    assert!(html.contains("由以下地块分割而来") && html.contains("已合并入") && html.contains(">QFZ-22</a>"));
    let refused = post_form(
        &app,
        &staff,
        &format!("/parcels/{m}/split"),
        vec![
            ("code_1", "QFZ-22A".into()),
            ("area_1", "50".into()),
            ("code_2", "QFZ-22B".into()),
            ("area_2", "50".into()),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"sp-area-2-error\"") && html.contains("value=\"QFZ-22A\""),
        "kept, the sum named"
    );
    let split = post_form(
        &app,
        &staff,
        &format!("/parcels/{m}/split"),
        vec![
            ("code_1", "QFZ-22A".into()),
            ("area_1", "50.50".into()),
            ("code_2", "QFZ-22B".into()),
            ("area_2", "50".into()),
        ],
    )
    .await;
    assert_eq!(split.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&staff, "/parcels?village=前方庄村").await;
    assert!(
        html.contains("QFZ-22A") && html.contains("已分割/合并"),
        "the retired tagged in the list"
    );
}
both_backends!(
    parcels_split_and_merge_keeping_their_history,
    super::parcels_split_and_merge_keeping_their_history
);
