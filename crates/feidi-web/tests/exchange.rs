//! Import and export (M9) over HTTP, on SQLite and PostgreSQL: the dispatch workbook holds
//! every project; an upload with one bad row writes nothing and names the row.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::{TestApp, hidden};
use feidi_store::{Backend, both_backends};
use reqwest::StatusCode;
use serde_json::json;

/// Two projects, one with June's report approved and one with none.
async fn programme(app: &TestApp) -> (i64, i64) {
    let (zone, _) = app.ground().await;
    let mut ids = Vec::new();
    for (name, category) in [
        ("智能制造产业园", "industrial"),
        ("园区道路一期（纬三路）", "infrastructure"),
    ] {
        let p = app
            .made(
                "/projects",
                json!({"name": name, "category": category, "zone_id": zone, "total_investment": "100000000"}),
            )
            .await;
        ids.push(p["id"].as_i64().unwrap_or_default());
    }
    app.admin(
        "PUT",
        &format!("/projects/{}/plans/2023", ids[0]),
        Some(json!({"planned_investment": "24000000"})),
    )
    .await;
    for month in ["2023-05", "2023-06"] {
        app.admin(
            "PUT",
            &format!("/projects/{}/reports/{month}", ids[0]),
            Some(json!({"completed_investment": "2000000", "progress_note": "主体施工", "problems": "用工紧张"})),
        )
        .await;
        app.admin(
            "POST",
            &format!("/projects/{}/reports/{month}/approve", ids[0]),
            None,
        )
        .await;
    }
    (ids[0], ids[1])
}

async fn the_dispatch_report_is_a_workbook_of_every_project(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (first, _) = programme(&app).await;
    let response = app
        .client
        .get(app.url("/api/v1/exports/dispatch?month=2023-06&format=xlsx"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = response.bytes().await.expect("bytes").to_vec();
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an Excel workbook");
    let sheet = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        _ => String::new(),
    };
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(text).collect()).collect();
    let named = |name: &str| rows.iter().find(|r| r.get(1).is_some_and(|n| n == name)).cloned();
    let made = named("智能制造产业园").expect("the reporting project");
    // 万元: total 10000, plan 2400, June 200, year to date 400, since start 400, 4 %.
    assert_eq!(&made[4..10], ["10000", "2400", "200", "已审核", "400", "400"]);
    assert_eq!(made[10], "0.04");
    assert_eq!(made[13], "用工紧张");
    let silent = named("园区道路一期（纬三路）").expect("a project with no report is listed too");
    assert_eq!(silent[7], "未报");
    let total = rows
        .iter()
        .find(|r| r.get(1).is_some_and(|n| n == "合计"))
        .expect("a total row");
    assert_eq!(total[4], "20000");

    // The same as JSON, and as a printable page.
    let (status, d) = app
        .admin("GET", "/exports/dispatch?month=2023-06&format=json", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(d["total"]["year_to_date"], "4000000.00");
    assert_eq!(d["rows"][0]["project_id"], first);
    let (status, problem) = app.admin("GET", "/exports/dispatch?month=2023-6", None).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("month"))
    );
    let (status, problem) = app.admin("GET", "/exports/dispatch?format=pdf", None).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("format"))
    );
    let (_, session) = app.sign_in("admin", "password123").await;
    let (status, html) = app
        .page(&session.expect("session"), "/dispatch?month=2023-06")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("园区道路一期（纬三路）") && html.contains("id=\"dispatch-total\""));
    assert!(html.contains("format=xlsx"), "the page links the workbook");
    assert!(
        html.contains(">10,000.00<") && !html.contains(">10000.00<"),
        "amounts in 万元 with separators"
    );
}
both_backends!(
    the_dispatch_report_is_a_workbook_of_every_project,
    super::the_dispatch_report_is_a_workbook_of_every_project
);

/// Uploads a file through the import page; answers the status and the page.
async fn upload(
    app: &TestApp,
    session: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, String) {
    let (_, page) = app.page(session, "/imports").await;
    let csrf = hidden(&page, "_csrf");
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .text("kind", kind.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    let response = app
        .client
        .post(app.url("/imports"))
        .header("cookie", format!("feidi_session={session}"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    (response.status(), response.text().await.unwrap_or_default())
}

async fn an_import_with_a_bad_row_writes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (first, second) = programme(&app).await;
    let (_, session) = app.sign_in("admin", "password123").await;
    let session = session.expect("session");
    let audit_before = app.admin("GET", "/audit?entity=monthly_report", None).await.1["total"].clone();

    // One bad amount, one month that already has a report, one duplicate: nothing is written,
    // and each bad row is named with its line and field.
    let csv = format!(
        "project_id,month,completed_investment,progress_note\n{second},2023-06,150,铺设管网\n{second},2023-05,12.345,\n{first},2023-06,1,\n{second},2023-06,3,\n"
    );
    let (status, html) = upload(&app, &session, "reports", "六月.csv", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"import-errors\""), "the rows are listed");
    for (line, field) in [("3", "completed_investment"), ("4", "month"), ("5", "month")] {
        assert!(
            html.contains(&format!(
                "<td class=\"num\">{line}</td><td><code>{field}</code></td>"
            )),
            "line {line} {field} named"
        );
    }
    assert!(
        !html.contains("<td class=\"num\">2</td>"),
        "the good row is not named"
    );
    let (_, reports) = app
        .admin("GET", &format!("/projects/{second}/reports"), None)
        .await;
    assert_eq!(reports.as_array().map(Vec::len), Some(0), "nothing was written");
    let (_, audit) = app.admin("GET", "/audit?entity=monthly_report", None).await;
    assert_eq!(
        audit["total"], audit_before,
        "no audit entry for an import that wrote nothing"
    );

    // Corrected, as a workbook this time: written, submitted, one audit entry.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, head) in ["project_id", "month", "completed_investment", "progress_note"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *head).expect("head");
    }
    sheet.write_number(1, 0, second as f64).expect("id");
    sheet.write_string(1, 1, "2023-06").expect("month");
    sheet.write_number(1, 2, 150.5).expect("amount");
    sheet.write_string(1, 3, "铺设管网").expect("note");
    sheet.write_number(2, 0, second as f64).expect("id");
    sheet.write_string(2, 1, "2023-05").expect("month");
    sheet.write_number(2, 2, 12.34).expect("amount");
    let bytes = book.save_to_buffer().expect("xlsx");
    let (status, html) = upload(&app, &session, "reports", "六月.xlsx", bytes).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"import-done\""));
    let (_, reports) = app
        .admin("GET", &format!("/projects/{second}/reports"), None)
        .await;
    let amounts: Vec<_> = reports
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["month"].as_str().unwrap_or_default().to_string(),
                r["completed_investment"].clone(),
                r["status"].clone(),
            )
        })
        .collect();
    assert!(
        amounts.contains(&("2023-06".into(), json!("150.50"), json!("submitted"))),
        "{amounts:?}"
    );
    assert!(amounts.contains(&("2023-05".into(), json!("12.34"), json!("submitted"))));
    let (_, audit) = app.admin("GET", "/audit?entity=monthly_report", None).await;
    let entry = audit["items"][0].clone();
    assert_eq!(entry["action"], "import", "{entry}");
    let note = entry["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("2 monthly reports") && note.contains("六月.xlsx") && note.contains("sha256 "),
        "{note}"
    );
    // Imported reports await review: pending, not completed.
    let (_, d) = app.admin("GET", "/dashboard?as_of=2023-07-07", None).await;
    assert_eq!(d["pending_investment"], "162.84");

    // Projects: a zone that does not exist is named; a good file creates them in one go.
    let (_, zones) = app.admin("GET", "/zones", None).await;
    let zone = zones["items"][0]["id"].as_i64().unwrap_or_default();
    let csv = format!(
        "name,category,zone_id,total_investment\n物流园,supporting,{zone},250000000\n安置房,supporting,9999,300000000\n"
    );
    let (status, html) = upload(&app, &session, "projects", "projects.csv", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("<td class=\"num\">3</td><td><code>zone_id</code></td>"));
    let (_, list) = app.admin("GET", "/projects?q=物流园", None).await;
    assert_eq!(list["total"], 0);
    let csv = format!(
        "name,category,zone_id,total_investment,expected_jobs\n物流园,supporting,{zone},250000000,300\n安置房,supporting,{zone},300000000,\n"
    );
    let (status, _) = upload(&app, &session, "projects", "projects.csv", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    let (_, d) = app.admin("GET", "/dashboard", None).await;
    assert_eq!(d["project_count"], 4);

    // The same through the API: the file is the body.
    let post = |body: String| {
        app.client
            .post(app.url("/api/v1/imports/reports"))
            .bearer_auth(&app.admin_token)
            .header("x-file-name", "七月.csv")
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let response = post(format!(
        "project_id,month,completed_investment\n{first},2023-07,5\n{second},2023-07,x\n"
    ))
    .await
    .expect("post");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = response.json().await.expect("problem");
    assert_eq!(
        problem["errors"],
        json!([{"line": 3, "field": "completed_investment", "message": "须为数字，最多两位小数，如 12.50"}])
    );
    let (_, reports) = app
        .admin("GET", &format!("/projects/{first}/reports"), None)
        .await;
    assert!(
        reports
            .as_array()
            .into_iter()
            .flatten()
            .all(|r| r["month"] != "2023-07"),
        "nothing written"
    );
    let response = post(format!(
        "project_id,month,completed_investment\n{first},2023-07,5\n{second},2023-07,6\n"
    ))
    .await
    .expect("post");
    assert_eq!(response.status(), StatusCode::CREATED);
    let done: serde_json::Value = response.json().await.expect("answer");
    assert_eq!(
        (done["kind"].as_str(), done["rows"].as_i64()),
        (Some("reports"), Some(2))
    );

    // A leader reads the programme but imports nothing; the form needs its CSRF token.
    app.user("lingdao", "leader", None).await;
    let (_, leader) = app.sign_in("lingdao", "password123").await;
    let (status, _) = app.page(&leader.expect("session"), "/imports").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let form = reqwest::multipart::Form::new().text("kind", "reports").part(
        "file",
        reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.csv"),
    );
    let response = app
        .client
        .post(app.url("/imports"))
        .header("cookie", format!("feidi_session={session}"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
both_backends!(
    an_import_with_a_bad_row_writes_nothing,
    super::an_import_with_a_bad_row_writes_nothing
);

/// The template an official downloads, filled in and sent back: Chinese headers, projects by
/// their codes, amounts in 万元 with separators.
async fn the_report_template_comes_back_filled_in(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (zone, _) = app.ground().await;
    let project = app
        .made(
            "/projects",
            json!({"name": "智能制造产业园", "code": "CF-2023-001", "category": "industrial", "zone_id": zone, "total_investment": "100000000"}),
        )
        .await;
    let id = project["id"].as_i64().unwrap_or_default();
    let (_, session) = app.sign_in("admin", "password123").await;
    let session = session.expect("session");
    let template = app
        .client
        .get(app.url("/imports/template/reports.csv"))
        .header("cookie", format!("feidi_session={session}"))
        .send()
        .await
        .expect("template");
    assert_eq!(template.status(), StatusCode::OK);
    assert!(
        template.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment")
    );
    let text = template.text().await.unwrap_or_default();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("\u{feff}项目ID,项目编号,项目名称,月份,本月完成投资（万元）,形象进度,存在问题")
    );
    let row = lines.next().unwrap_or_default().to_string();
    assert!(
        row.starts_with(&format!("{id},CF-2023-001,智能制造产业园,")),
        "{row}"
    );

    // Filled in by code (the id column left out), the amount in 万元 with a separator.
    let csv = "项目编号,月份,本月完成投资（万元）,形象进度\nCF-2023-001,2023-06,\"1,250.5\",设备安装\nCF-9999,2023-06,1,\n";
    let (status, html) = upload(&app, &session, "reports", "六月.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code that names nobody"
    );
    assert!(html.contains("<td class=\"num\">3</td><td><code>project_code</code></td>"));
    let csv = "项目编号,月份,本月完成投资（万元）,形象进度\nCF-2023-001,2023-06,\"1,250.5\",设备安装\n";
    let (status, _) = upload(&app, &session, "reports", "六月.csv", csv.as_bytes().to_vec()).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let (_, reports) = app.admin("GET", &format!("/projects/{id}/reports"), None).await;
    assert_eq!(
        reports[0]["completed_investment"], "12505000.00",
        "1,250.5 万元, exactly"
    );
    assert_eq!(reports[0]["progress_note"], "设备安装");
}
both_backends!(
    the_report_template_comes_back_filled_in,
    super::the_report_template_comes_back_filled_in
);
