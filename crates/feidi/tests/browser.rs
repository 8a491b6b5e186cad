//! The pages in a real headless Chromium, driven through chromedriver: what a person does.

mod support;

use std::time::Duration;

use fantoccini::Locator;
use feidi_app::credentials as auth;
use feidi_core::registry::UserInput;
use feidi_store::Backend;
use feidi_store::testing::TestDb;
use feidi_web::{AppState, Application, WebConfig};
use serde_json::{Map, Value, json};
use support::browser::{
    browser, choose, click, console_errors, count, driver, fill, phone, printed_pages, screen, sign_in,
    text_of, value_of, widths,
};

fn map(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// A running feidi with an admin (password `password123`), a zone to put projects in.
async fn feidi() -> (TestDb, String, tokio::sync::oneshot::Sender<()>) {
    let (db, store) = TestDb::store(Backend::Sqlite).await;
    let admin =
        UserInput::parse(&map(json!({"login": "admin", "name": "管理员", "role": "admin"}))).expect("admin");
    let hash = auth::hash_password("password123".into()).await.expect("hash");
    store
        .create_user(None, &admin, hash, None)
        .await
        .expect("create admin");
    let j =
        |name: &str| feidi_core::registry::JurisdictionInput::parse(&map(json!({"name": name}))).expect("j");
    let origin = store
        .create(None, &j("长垣市"), vec![], None)
        .await
        .expect("origin")
        .0;
    let host = store
        .create(None, &j("封丘县"), vec![], None)
        .await
        .expect("host")
        .0;
    let zone = feidi_core::registry::ZoneInput::parse(&map(json!({
        "name": "长封一体化飞地产业园", "host_jurisdiction_id": host.id, "operator_jurisdiction_id": origin.id, "area_mu": "15600"
    })))
    .expect("zone");
    store
        .create(None, &zone, vec![], None)
        .await
        .expect("create zone");
    let app = Application::bind("127.0.0.1:0", AppState::new(store, WebConfig::default()))
        .await
        .expect("bind");
    let base = format!("http://{}", app.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve(async move {
        let _ = stopped.await;
    }));
    (db, base, stop)
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver: run the README's test command"]
async fn a_person_signs_in_registers_a_project_and_signs_out() {
    let (_db, base, _stop) = feidi().await;
    let driver = driver().await;
    let browser = browser(&driver).await;
    let steps = async {
        // Anonymous: the login page, in Chinese.
        browser.goto(&format!("{base}/")).await.expect("home");
        assert!(
            browser
                .current_url()
                .await
                .expect("url")
                .path()
                .starts_with("/login")
        );
        let heading = browser
            .find(Locator::Css("section.login h1"))
            .await
            .expect("heading")
            .text()
            .await
            .expect("text");
        assert!(heading.contains("飞地"), "{heading}");

        fill(&browser, "login", "admin").await;
        fill(&browser, "password", "password123").await;
        click(&browser, "login-submit").await;
        let count = text_of(&browser, "project-count").await;
        assert_eq!(count, "0");

        // A new project with one bad field: the error shows beside it, the typed values stay.
        browser
            .find(Locator::LinkText("项目库"))
            .await
            .expect("nav")
            .click()
            .await
            .expect("click");
        browser
            .wait()
            .for_element(Locator::Id("new"))
            .await
            .expect("new")
            .click()
            .await
            .expect("click");
        browser
            .wait()
            .for_element(Locator::Id("f-name"))
            .await
            .expect("form");
        fill(&browser, "f-name", "智能制造产业园").await;
        choose(&browser, "f-category", "产业项目").await;
        choose(&browser, "f-zone_id", "长封一体化飞地产业园").await;
        fill(&browser, "f-phase", "一期").await;
        fill(&browser, "f-total_investment", "七亿一千万").await;
        click(&browser, "save").await;
        let error = browser
            .wait()
            .for_element(Locator::Id("error-total_investment"))
            .await
            .expect("the field's error");
        assert!(!error.text().await.expect("text").is_empty());
        assert_eq!(value_of(&browser, "f-name").await, "智能制造产业园");
        assert_eq!(value_of(&browser, "f-phase").await, "一期");
        assert_eq!(value_of(&browser, "f-total_investment").await, "七亿一千万");
        assert!(
            !value_of(&browser, "f-zone_id").await.is_empty(),
            "the zone chosen stays chosen"
        );

        fill(&browser, "f-total_investment", "7.1亿").await;
        click(&browser, "save").await;
        let title = text_of(&browser, "title").await;
        assert_eq!(title, "智能制造产业园");

        // It is in the list, found by search.
        browser.goto(&format!("{base}/projects")).await.expect("list");
        fill(&browser, "f-q", "智能").await;
        browser
            .find(Locator::Css("form.filters button"))
            .await
            .expect("filter")
            .click()
            .await
            .expect("click");
        // The list page is there before and after the search: wait for the new one.
        while !browser
            .current_url()
            .await
            .expect("url")
            .query()
            .unwrap_or_default()
            .contains("q=")
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let table = text_of(&browser, "list").await;
        assert!(
            table.contains("智能制造产业园") && table.contains("71,000.00"),
            "{table}"
        );

        // Deleting asks first: "no" keeps the project, "yes" removes it.
        browser
            .find(Locator::LinkText("智能制造产业园"))
            .await
            .expect("the project's link")
            .click()
            .await
            .expect("open it");
        click(&browser, "delete").await;
        let question = browser.get_alert_text().await.expect("a question first");
        assert!(question.contains("确定删除"), "{question}");
        browser.dismiss_alert().await.expect("no");
        assert_eq!(text_of(&browser, "title").await, "智能制造产业园", "still there");
        click(&browser, "delete").await;
        browser.accept_alert().await.expect("yes");
        browser
            .wait()
            .for_element(Locator::Id("list"))
            .await
            .expect("back to the list");
        assert!(!text_of(&browser, "list").await.contains("智能制造产业园"));

        // Signing out leads back to the login page, and the session is gone.
        click(&browser, "logout").await;
        browser
            .wait()
            .for_element(Locator::Id("login-submit"))
            .await
            .expect("the login page");
        browser
            .goto(&format!("{base}/projects"))
            .await
            .expect("list again");
        assert!(
            browser
                .current_url()
                .await
                .expect("url")
                .path()
                .starts_with("/login")
        );
    };
    // A step that waits for an element that never comes must fail the test, not hang it.
    finish(&browser, steps, 90).await;
}

/// Runs a test's steps with a time limit, so a step that waits for an element that never comes
/// fails the test with the page it was on, instead of hanging it; then closes the browser.
async fn finish(browser: &fantoccini::Client, steps: impl std::future::Future<Output = ()>, seconds: u64) {
    let outcome = tokio::time::timeout(Duration::from_secs(seconds), steps).await;
    if outcome.is_err() {
        let url = browser
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let source = browser.source().await.unwrap_or_default();
        let _ = browser.clone().close().await;
        panic!("the browser test timed out at {url}:\n{source}");
    }
    let _ = browser.clone().close().await;
}

/// Signs out through the header's button and waits for the login page.
async fn sign_out(browser: &fantoccini::Client) {
    click(browser, "logout").await;
    browser
        .wait()
        .for_element(Locator::Id("login-submit"))
        .await
        .expect("the login page");
}

/// The row of a month's report on a project page, once it says `needle`: after a form is
/// sent the old page may still be showing, so this polls until the new one does (the test's
/// own timeout bounds it).
async fn report_row(browser: &fantoccini::Client, month: &str, needle: &str) -> String {
    loop {
        if let Ok(row) = browser.find(Locator::Id(&format!("report-{month}"))).await
            && let Ok(text) = row.text().await
            && text.contains(needle)
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver: run the README's test command"]
async fn a_monthly_report_is_returned_corrected_approved_and_counted() {
    let (_db, store) = TestDb::store(Backend::Sqlite).await;
    feidi_app::demo::load(&feidi_app::App::new(store.clone()), "demo password")
        .await
        .expect("demo");
    for (login, name, role) in [
        ("tongji", "统计员小李", "reporter"),
        ("ganbu", "干部小王", "staff"),
    ] {
        let input =
            UserInput::parse(&map(json!({"login": login, "name": name, "role": role}))).expect("user");
        let hash = auth::hash_password("password123".into()).await.expect("hash");
        store.create_user(None, &input, hash, None).await.expect("user");
    }
    let app = Application::bind("127.0.0.1:0", AppState::new(store, WebConfig::default()))
        .await
        .expect("bind");
    let base = format!("http://{}", app.local_addr().expect("addr"));
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve(async move {
        let _ = stopped.await;
    }));
    let driver = driver().await;
    let browser = browser(&driver).await;
    let steps = async {
        // The leaders' view of the reference programme as published.
        sign_in(&browser, &base, "admin", "demo password").await;
        browser
            .goto(&format!("{base}/cockpit?as_of=2023-07-07"))
            .await
            .expect("cockpit");
        assert_eq!(text_of(&browser, "project-count").await, "35");
        assert_eq!(text_of(&browser, "total-investment").await, "135.00");
        assert_eq!(text_of(&browser, "completed-investment").await, "36.60");
        assert_eq!(text_of(&browser, "completion-ratio").await, "27.1");
        assert!(count(&browser, "svg.chart").await >= 7, "the charts are drawn");
        // The 启动区's 800 亩, all supplied, and no dispute since its land was first approved.
        assert_eq!(text_of(&browser, "land-supplied").await, "800.00 亩");
        assert_eq!(text_of(&browser, "land-open-disputes").await, "0");
        assert_eq!(text_of(&browser, "land-resettled").await, "309 户 · 1,168 人");
        assert_eq!(text_of(&browser, "land-need").await, "800.00 / 800.00 亩");
        let compensation = text_of(&browser, "land-compensation").await;
        let (paid, due) = compensation.split_once(" / ").unwrap_or_default();
        assert!(
            due.starts_with(paid) && paid.len() > 2,
            "all paid: {compensation}"
        );
        assert_eq!(text_of(&browser, "land-days-without-dispute").await, "479");
        assert!(count(&browser, "#trend rect.bar").await >= 12, "a bar a month");
        let red = text_of(&browser, "red-list").await;
        assert!(red.contains("供地逾期"), "{red}");
        assert!(
            red.contains("A角") && red.contains("有限公司"),
            "who answers for it: {red}"
        );
        let errors = console_errors(&browser).await;
        assert!(errors.is_empty(), "no console errors: {errors:?}");
        sign_out(&browser).await;

        // A statistician reports July for 卫材园中园.
        sign_in(&browser, &base, "tongji", "password123").await;
        browser
            .goto(&format!("{base}/projects/1"))
            .await
            .expect("project");
        browser
            .execute("document.getElementById('r-month').value = '2023-07';", vec![])
            .await
            .expect("month");
        // A slip of the keyboard (the letter O for a zero): the form comes back as typed, the
        // error beside the amount in Chinese, the amount field focused.
        fill(&browser, "r-amount", "12O0").await;
        fill(&browser, "r-note", "厂房内部装修").await;
        click(&browser, "r-submit").await;
        assert!(text_of(&browser, "r-amount-error").await.contains("须为金额"));
        assert_eq!(value_of(&browser, "r-amount").await, "12O0");
        assert_eq!(value_of(&browser, "r-note").await, "厂房内部装修");
        assert_eq!(value_of(&browser, "r-month").await, "2023-07");
        let focused = browser
            .execute(
                "return document.activeElement && document.activeElement.id;",
                vec![],
            )
            .await
            .expect("focus");
        assert_eq!(
            focused,
            serde_json::json!("r-amount"),
            "the first refused field is focused"
        );
        // In 万元, as the ledger has it, with a thousands separator.
        fill(&browser, "r-amount", "1,200").await;
        click(&browser, "r-submit").await;
        let row = report_row(&browser, "2023-07", "待审核").await;
        assert!(row.contains("1,200.00"), "{row}");
        assert!(
            text_of(&browser, "notice").await.contains("已提交"),
            "a message after the action"
        );
        sign_out(&browser).await;

        // A cadre finds the figure wrong and returns it with a reason.
        sign_in(&browser, &base, "ganbu", "password123").await;
        browser
            .goto(&format!("{base}/projects/1"))
            .await
            .expect("project");
        // Returning without a reason keeps the page, the message beside the reason.
        click(&browser, "return-2023-07").await;
        assert!(
            text_of(&browser, "reason-error-2023-07")
                .await
                .contains("退回原因")
        );
        fill(&browser, "reason-2023-07", "金额与台账不符，请核实").await;
        click(&browser, "return-2023-07").await;
        let row = report_row(&browser, "2023-07", "已退回").await;
        assert!(row.contains("金额与台账不符"), "{row}");
        sign_out(&browser).await;

        // The statistician corrects it and sends it again.
        sign_in(&browser, &base, "tongji", "password123").await;
        browser
            .goto(&format!("{base}/projects/1"))
            .await
            .expect("project");
        assert_eq!(
            value_of(&browser, "resubmit-amount-2023-07").await,
            "1200",
            "the amount to correct, in 万元"
        );
        fill(&browser, "resubmit-amount-2023-07", "1000万").await;
        click(&browser, "resubmit-button-2023-07").await;
        let row = report_row(&browser, "2023-07", "待审核").await;
        assert!(row.contains("1,000.00"), "{row}");
        sign_out(&browser).await;

        // The cadre approves it, and the cockpit counts it: 36.6亿 + 0.1亿.
        sign_in(&browser, &base, "ganbu", "password123").await;
        browser
            .goto(&format!("{base}/projects/1"))
            .await
            .expect("project");
        click(&browser, "approve-2023-07").await;
        let row = report_row(&browser, "2023-07", "已审核").await;
        assert!(row.contains("1,000.00"), "{row}");
        // The demo's cockpit opens as of its reference day (its data stop in June 2023), saying
        // so; one click reads it as of today, July counted.
        browser.goto(&format!("{base}/cockpit")).await.expect("cockpit");
        assert!(
            text_of(&browser, "reference-note")
                .await
                .contains("默认按该日查看")
        );
        assert_eq!(text_of(&browser, "completed-investment").await, "36.60");
        click(&browser, "to-today").await;
        wait_for_text(&browser, "completed-investment", "36.70").await;
        assert!(count(&browser, "svg.chart").await >= 7, "the charts are drawn");
        // The dispatch report and the reports due open on the month the cockpit reads (June
        // 2023), not on a month the demo's data never reach.
        for (page, month) in [
            ("/dispatch", "项目调度报告 2023-06"),
            ("/reports/due", "value=\"2023-06\""),
        ] {
            browser.goto(&format!("{base}{page}")).await.expect("page");
            let html = browser.source().await.expect("page");
            assert!(html.contains(month), "{page} opens on June 2023");
        }
        // The dispatch report and the reports due open on the month the cockpit reads (June
        // 2023), not on a month the demo's data never reach.
        browser.goto(&format!("{base}/dispatch")).await.expect("dispatch");
        let html = browser.source().await.expect("page");
        assert!(html.contains("项目调度报告 2023-06"), "the dispatch month");
        browser.goto(&format!("{base}/reports/due")).await.expect("due");
        let html = browser.source().await.expect("page");
        assert!(html.contains("value=\"2023-06\""), "the month owed");
        // The two refused forms above answered 422, which the browser logs; nothing else may.
        let errors: Vec<String> = console_errors(&browser)
            .await
            .into_iter()
            .filter(|e| !e.contains("status of 422"))
            .collect();
        assert!(errors.is_empty(), "no console errors: {errors:?}");
        // The console check does see errors: a page that is not there logs one.
        browser.goto(&format!("{base}/no-such-page")).await.expect("404");
        assert!(!console_errors(&browser).await.is_empty(), "a 404 is logged");
    };
    finish(&browser, steps, 120).await;
}

/// Waits until the element `id` holds `needle` (after a form is sent the old page may still be
/// showing); the test's own timeout bounds it.
async fn wait_for_text(browser: &fantoccini::Client, id: &str, needle: &str) -> String {
    loop {
        if let Ok(element) = browser.find(Locator::Id(id)).await
            && let Ok(text) = element.text().await
            && text.contains(needle)
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver: run the README's test command"]
async fn an_appeal_is_submitted_acknowledged_resolved_and_reopened_by_an_unsatisfied_rating() {
    let (_db, store) = TestDb::store(Backend::Sqlite).await;
    let mut ids = Vec::new();
    for (login, name, role) in [
        ("guanjia", "包联干部老张", "staff"),
        ("bjiao", "B角小赵", "staff"),
    ] {
        let input =
            UserInput::parse(&map(json!({"login": login, "name": name, "role": role}))).expect("user");
        let hash = auth::hash_password("password123".into()).await.expect("hash");
        ids.push(
            store
                .create_user(None, &input, hash, None)
                .await
                .expect("user")
                .0
                .id,
        );
    }
    let enterprise = feidi_core::registry::EnterpriseInput::parse(&map(json!({
        "name": "长垣卫材有限公司", "credit_code": "91110000802100433B", "industry": "卫材",
        "a_official_id": ids[0], "b_official_id": ids[1]
    })))
    .expect("enterprise");
    let enterprise = store
        .create(None, &enterprise, vec![], None)
        .await
        .expect("enterprise")
        .0;
    let input = UserInput::parse(&map(
        json!({"login": "qiye", "name": "企业联络员", "role": "enterprise", "enterprise_id": enterprise.id}),
    ))
    .expect("user");
    let hash = auth::hash_password("password123".into()).await.expect("hash");
    store.create_user(None, &input, hash, None).await.expect("user");
    let app = Application::bind("127.0.0.1:0", AppState::new(store, WebConfig::default()))
        .await
        .expect("bind");
    let base = format!("http://{}", app.local_addr().expect("addr"));
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve(async move {
        let _ = stopped.await;
    }));
    let driver = driver().await;
    let browser = browser(&driver).await;
    let steps = async {
        // The enterprise reports a blockage through its portal.
        sign_in(&browser, &base, "qiye", "password123").await;
        browser.goto(&format!("{base}/appeals")).await.expect("appeals");
        choose(&browser, "f-category", "水电气暖（5个工作日）").await;
        fill(&browser, "f-title", "新厂房用电增容").await;
        fill(&browser, "f-description", "需增容至2000千伏安，供电所尚未答复").await;
        click(&browser, "appeal-submit").await;
        let details = wait_for_text(&browser, "appeal-details", "待签收").await;
        assert!(details.contains("包联干部老张"), "A handles it: {details}");
        let url = browser.current_url().await.expect("url").to_string();
        sign_out(&browser).await;

        // A finds it in the inbox, acknowledges it and resolves it.
        sign_in(&browser, &base, "guanjia", "password123").await;
        browser.goto(&format!("{base}/inbox")).await.expect("inbox");
        assert!(text_of(&browser, "inbox").await.contains("新厂房用电增容"));
        browser.goto(&url).await.expect("appeal");
        click(&browser, "do-acknowledge").await;
        wait_for_text(&browser, "appeal-details", "办理中").await;
        fill(&browser, "f-resolution", "已协调供电公司，下周完成增容").await;
        click(&browser, "do-resolve").await;
        wait_for_text(&browser, "appeal-details", "已办结待评价").await;
        sign_out(&browser).await;

        // The enterprise is not satisfied: the appeal reopens, back to A.
        sign_in(&browser, &base, "qiye", "password123").await;
        browser.goto(&url).await.expect("appeal");
        choose(&browser, "f-rating", "不满意").await;
        fill(&browser, "f-comment", "增容时间太晚").await;
        click(&browser, "do-rate").await;
        let details = wait_for_text(&browser, "appeal-details", "重新办理").await;
        assert!(details.contains("包联干部老张"), "{details}");
        let timeline = text_of(&browser, "appeal-timeline").await;
        for step in ["提交", "签收", "办结", "评价", "重新办理"] {
            assert!(timeline.contains(step), "{step} in {timeline}");
        }
        let errors = console_errors(&browser).await;
        assert!(errors.is_empty(), "no console errors: {errors:?}");
    };
    finish(&browser, steps, 120).await;
}

/// A valid 1×1 PNG, as a phone's camera would send a (much larger) photo.
const ONE_PIXEL_PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31,
    21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 248, 207, 80, 15, 0, 3, 134, 1, 128, 90,
    52, 125, 107, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// A page on the phone fits its screen: nothing sideways but what scrolls in its own box.
async fn fits(browser: &fantoccini::Client, page: &str) {
    let (page_width, screen) = widths(browser).await;
    assert!(screen > 0 && screen <= 430, "a phone's screen: {screen}");
    assert!(
        page_width <= screen,
        "{page} is {page_width} px wide on a {screen} px screen"
    );
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver: run the README's test command"]
async fn on_a_phone_an_enterprise_sends_an_appeal_and_a_leader_reads_the_cockpit() {
    let (_db, store) = TestDb::store(Backend::Sqlite).await;
    feidi_app::demo::load(&feidi_app::App::new(store.clone()), "demo password")
        .await
        .expect("demo");
    let hash = auth::hash_password("password123".into()).await.expect("hash");
    for user in [
        json!({"login": "lingdao", "name": "李领导", "role": "leader"}),
        json!({"login": "qiye", "name": "企业联络员", "role": "enterprise", "enterprise_id": 1}),
        json!({"login": "ganbu", "name": "审核干部", "role": "staff"}),
    ] {
        let input = UserInput::parse(&map(user)).expect("user");
        store
            .create_user(None, &input, hash.clone(), None)
            .await
            .expect("user");
    }
    // A July report waiting for a staff official's approval.
    let july = feidi_core::schedule::ReportInput {
        completed_investment: feidi_core::Money::yuan(8_500_000),
        progress_note: Some("7月形象进度：主体施工".into()),
        problems: None,
    };
    store
        .submit_report(None, 1, "2023-07".into(), &july, None, feidi_core::time::now())
        .await
        .expect("a report");
    let app = Application::bind("127.0.0.1:0", AppState::new(store, WebConfig::default()))
        .await
        .expect("bind");
    let base = format!("http://{}", app.local_addr().expect("addr"));
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve(async move {
        let _ = stopped.await;
    }));
    let driver = driver().await;
    let phone = phone(&driver).await;
    let steps = async {
        // The enterprise's liaison, on a phone: the menu waits behind its button.
        sign_in(&phone, &base, "qiye", "password123").await;
        fits(&phone, "the home page").await;
        let menu_shown = |p: &fantoccini::Client| {
            let p = p.clone();
            async move {
                p.execute(
                    "return getComputedStyle(document.querySelector('nav.main')).display !== 'none';",
                    vec![],
                )
                .await
                .expect("menu")
                    == json!(true)
            }
        };
        assert!(!menu_shown(&phone).await, "the menu is folded away");
        let account_shown = phone
            .execute(
                "return getComputedStyle(document.querySelector('header.top .who')).display !== 'none';",
                vec![],
            )
            .await
            .expect("account links");
        assert_eq!(
            account_shown,
            json!(false),
            "the account's links fold with the menu"
        );
        click(&phone, "menu-button").await;
        assert!(menu_shown(&phone).await, "the button opens it");
        fits(&phone, "the open menu").await;
        phone.goto(&format!("{base}/appeals")).await.expect("appeals");
        fits(&phone, "the appeal list and form").await;
        // A slip: no description. The form comes back with the category still chosen.
        choose(&phone, "f-category", "马上办（1个工作日）").await;
        fill(&phone, "f-title", "门口道路积水").await;
        click(&phone, "appeal-submit").await;
        // (The browser itself refuses an empty required field; nothing was sent.)
        assert_eq!(value_of(&phone, "f-category").await, "urgent");
        fill(&phone, "f-description", "雨后厂区门口积水，货车无法进出").await;
        click(&phone, "appeal-submit").await;
        let details = wait_for_text(&phone, "appeal-details", "待签收").await;
        assert!(details.contains("马上办"), "{details}");
        fits(&phone, "the appeal").await;
        // A photo of the water, from the phone: it is shown small on the appeal.
        let photo = std::env::temp_dir().join(format!("feidi-积水-{}.png", std::process::id()));
        std::fs::write(&photo, ONE_PIXEL_PNG).expect("photo");
        phone
            .find(fantoccini::Locator::Id("f-file"))
            .await
            .expect("file field")
            .send_keys(&photo.to_string_lossy())
            .await
            .expect("choose the photo");
        click(&phone, "do-attach").await;
        wait_for_text(&phone, "attachment-list", "积水").await;
        let shown = phone
            .execute(
                "const i = document.querySelector('#attachment-list img.thumb'); return i && i.complete && i.naturalWidth;",
                vec![],
            )
            .await
            .expect("thumbnail");
        assert_eq!(shown, json!(1), "the photo loads from the server");
        fits(&phone, "the appeal with its photo").await;
        let _ = std::fs::remove_file(&photo);
        click(&phone, "menu-button").await;
        sign_out(&phone).await;

        // A staff official approves it from the queue on the phone: each report a card, its
        // buttons on the screen, not off to the right of a table.
        sign_in(&phone, &base, "ganbu", "password123").await;
        phone.goto(&format!("{base}/reports")).await.expect("queue");
        fits(&phone, "the approval queue").await;
        let right = phone
            .execute(
                "const b = document.getElementById('approve-1-2023-07'); return b.getBoundingClientRect().right <= window.innerWidth;",
                vec![],
            )
            .await
            .expect("the button");
        assert_eq!(right, json!(true), "approve is within the screen");
        click(&phone, "approve-1-2023-07").await;
        wait_for_text(&phone, "notice", "2023-07").await;
        assert_eq!(text_of(&phone, "queue-count").await, "共 0");
        for page in ["/reports/due", "/imports", "/calendar"] {
            phone.goto(&format!("{base}{page}")).await.expect("page");
            fits(&phone, page).await;
        }
        click(&phone, "menu-button").await;
        sign_out(&phone).await;

        // A leader reads the cockpit on the phone.
        sign_in(&phone, &base, "lingdao", "password123").await;
        phone
            .goto(&format!("{base}/cockpit?as_of=2023-07-07"))
            .await
            .expect("cockpit");
        assert_eq!(text_of(&phone, "completion-ratio").await, "27.1");
        fits(&phone, "the cockpit").await;
        for page in ["/projects", "/projects/1", "/dispatch", "/appeals", "/inbox"] {
            phone.goto(&format!("{base}{page}")).await.expect("page");
            fits(&phone, page).await;
        }
        let errors = console_errors(&phone).await;
        assert!(errors.is_empty(), "no console errors: {errors:?}");
    };
    finish(&phone, steps, 120).await;
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver: run the README's test command"]
async fn the_wall_display_fits_one_1920_by_1080_screen() {
    let (_db, store) = TestDb::store(Backend::Sqlite).await;
    feidi_app::demo::load(&feidi_app::App::new(store.clone()), "demo password")
        .await
        .expect("demo");
    let app = Application::bind("127.0.0.1:0", AppState::new(store, WebConfig::default()))
        .await
        .expect("bind");
    let base = format!("http://{}", app.local_addr().expect("addr"));
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve(async move {
        let _ = stopped.await;
    }));
    let driver = driver().await;
    let wall = screen(&driver, 1920, 1080).await;
    let steps = async {
        sign_in(&wall, &base, "admin", "demo password").await;
        wall.goto(&format!("{base}/cockpit?wall=1")).await.expect("wall");
        let sizes = wall
            .execute(
                "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight, window.innerWidth, window.innerHeight];",
                vec![],
            )
            .await
            .expect("sizes");
        let at = |i: usize| sizes[i].as_i64().unwrap_or(i64::MAX);
        assert_eq!((at(2), at(3)), (1920, 1080), "the screen emulated");
        assert!(
            at(0) <= at(2) && at(1) <= at(3),
            "the wall holds one screen: {sizes}"
        );
        // Everything a leader looks for is on it.
        for id in [
            "completion-ratio",
            "lights",
            "appeals",
            "trend",
            "by-category",
            "stages",
            "red-list",
            "land",
        ] {
            assert!(!text_of(&wall, id).await.is_empty(), "{id} shown");
        }
        // And the cockpit prints on one A4 landscape page.
        wall.goto(&format!("{base}/cockpit")).await.expect("cockpit");
        assert_eq!(printed_pages(&wall).await, 1, "one A4 landscape page");
        // The dispatch report: the programme's 35 projects, at least 20 a page.
        wall.goto(&format!("{base}/dispatch?month=2023-06"))
            .await
            .expect("dispatch");
        let pages = printed_pages(&wall).await;
        assert!(pages <= 2, "35 projects on {pages} pages");
    };
    finish(&wall, steps, 90).await;
}

/// The colour a parcel of the zone map is filled with.
async fn parcel_fill(browser: &fantoccini::Client, id: i64) -> String {
    let fill = browser
        .execute(
            &format!("return getComputedStyle(document.querySelector('#map-parcel-{id} path')).fill;"),
            vec![],
        )
        .await
        .expect("fill");
    fill.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver: run the README's test command"]
async fn a_land_officer_supplies_a_parcel_and_the_zone_map_shows_its_new_colour() {
    let (_db, store) = TestDb::store(Backend::Sqlite).await;
    feidi_app::demo::load(&feidi_app::App::new(store.clone()), "demo password")
        .await
        .expect("demo");
    let hash = auth::hash_password("password123".into()).await.expect("hash");
    let input = UserInput::parse(&map(
        json!({"login": "tudi", "name": "土地专员小赵", "role": "staff"}),
    ))
    .expect("user");
    let (officer, _) = store.create_user(None, &input, hash, None).await.expect("user");
    // A parcel east of the demo's eight, delivered to the park and waiting for its project.
    let parcel = feidi_core::land::ParcelInput::parse(&map(json!({
        "code": "QFZ-09", "zone_id": 1, "village": "前方庄村", "area_mu": "60.00", "land_use": "工业用地",
        "boundary": {"type": "Polygon", "coordinates": [[[114.50, 35.080], [114.5015, 35.080], [114.5015, 35.0827], [114.50, 35.0827], [114.50, 35.080]]]},
        "sample": true,
    })))
    .expect("parcel");
    let (parcel, _) = store
        .create(Some(officer.id), &parcel, vec![], None)
        .await
        .expect("parcel");
    for (status, date) in [
        ("approved", "2023-03-15"),
        ("acquired", "2023-04-20"),
        ("cleared", "2023-05-10"),
        ("delivered", "2023-05-20"),
    ] {
        let step =
            feidi_core::land::StepInput::parse(&map(json!({"status": status, "date": date}))).expect("step");
        store
            .parcel_step(Some(officer.id), parcel.id, &step, feidi_core::time::now())
            .await
            .expect("step");
    }
    let app = Application::bind("127.0.0.1:0", AppState::new(store, WebConfig::default()))
        .await
        .expect("bind");
    let base = format!("http://{}", app.local_addr().expect("addr"));
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve(async move {
        let _ = stopped.await;
    }));
    let driver = driver().await;
    let browser = browser(&driver).await;
    let id = parcel.id;
    let steps = async {
        sign_in(&browser, &base, "tudi", "password123").await;
        browser.goto(&format!("{base}/zones/1")).await.expect("zone");
        let delivered = parcel_fill(&browser, id).await;
        let supplied = parcel_fill(&browser, 1).await;
        assert_ne!(
            delivered, supplied,
            "a delivered parcel is drawn unlike a supplied one"
        );
        // Its page, from the map: the next step is the supply, which names the project.
        click(&browser, &format!("map-parcel-{id}")).await;
        assert!(text_of(&browser, "step-form").await.contains("下一环节：已供地"));
        // (A date field takes its value as the page would set it: typed keys follow the locale.)
        browser
            .execute("document.getElementById('s-date').value = '2023-06-01';", vec![])
            .await
            .expect("date");
        click(&browser, "step-submit").await;
        // No project chosen: the step comes back with the date kept and the choice marked.
        assert!(!text_of(&browser, "s-project-error").await.is_empty());
        assert_eq!(value_of(&browser, "s-date").await, "2023-06-01");
        choose(&browser, "s-project", "卫材园中园").await;
        fill(&browser, "s-document", "示例·供地批复〔2023〕9号").await;
        click(&browser, "step-submit").await;
        assert!(text_of(&browser, "notice").await.contains("已供地"));
        assert!(text_of(&browser, "pipeline-steps").await.contains("卫材园中园"));
        browser.goto(&format!("{base}/zones/1")).await.expect("zone");
        assert_eq!(parcel_fill(&browser, id).await, supplied, "drawn as supplied now");
        assert!(
            text_of(&browser, "map-summary")
                .await
                .contains("已供地 860.00 亩")
        );
        // The one refused step answered 422 as it should; nothing else went wrong.
        let errors: Vec<String> = console_errors(&browser)
            .await
            .into_iter()
            .filter(|e| !e.contains("status of 422"))
            .collect();
        assert!(errors.is_empty(), "no console errors: {errors:?}");
    };
    finish(&browser, steps, 90).await;
}
