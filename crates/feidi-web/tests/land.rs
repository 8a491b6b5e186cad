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
