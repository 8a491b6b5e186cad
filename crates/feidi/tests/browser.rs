//! The pages in a real headless Chromium, driven through chromedriver: what a person does.

mod support;

use std::time::Duration;

use fantoccini::Locator;
use feidi_core::registry::UserInput;
use feidi_store::Backend;
use feidi_store::testing::TestDb;
use feidi_web::{AppState, Application, WebConfig, auth};
use serde_json::{Map, Value, json};
use support::browser::{browser, choose, click, driver, fill, text_of, value_of};

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
        fill(&browser, "f-total_investment", "7.1亿").await;
        click(&browser, "save").await;
        let error = browser
            .wait()
            .for_element(Locator::Id("error-total_investment"))
            .await
            .expect("the field's error");
        assert!(!error.text().await.expect("text").is_empty());
        assert_eq!(value_of(&browser, "f-name").await, "智能制造产业园");
        assert_eq!(value_of(&browser, "f-phase").await, "一期");
        assert_eq!(value_of(&browser, "f-total_investment").await, "7.1亿");
        assert!(
            !value_of(&browser, "f-zone_id").await.is_empty(),
            "the zone chosen stays chosen"
        );

        fill(&browser, "f-total_investment", "710000000").await;
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
            table.contains("智能制造产业园") && table.contains("7.10"),
            "{table}"
        );

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
    let outcome = tokio::time::timeout(Duration::from_secs(90), steps).await;
    if outcome.is_err() {
        let url = browser
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let source = browser.source().await.unwrap_or_default();
        let _ = browser.close().await;
        panic!("the browser test timed out at {url}:\n{source}");
    }
    let _ = browser.close().await;
}
