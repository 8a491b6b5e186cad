//! Screenshots of the main pages of the demo programme, for the README:
//!
//!     cargo run --example screenshots -- docs
//!
//! Needs chromium and chromium-driver (scripts/test installs them).

#[path = "../tests/support/browser.rs"]
mod browser;

use fantoccini::Locator;
use feidi_store::Store;
use feidi_web::{AppState, Application, WebConfig};

#[tokio::main]
async fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "docs".into());
    std::fs::create_dir_all(&out).expect("output folder");
    let path = std::env::temp_dir().join(format!("feidi-screenshots-{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).await.expect("database");
    feidi_app::demo::load(&feidi_app::App::new(store.clone()), "screenshot password")
        .await
        .expect("demo");
    let store_for_users = store.clone();
    let app = Application::bind("127.0.0.1:0", AppState::new(store, WebConfig::default()))
        .await
        .expect("bind");
    let base = format!("http://{}", app.local_addr().expect("addr"));
    tokio::spawn(app.serve(std::future::pending()));

    let driver = browser::driver().await;
    let client = browser::browser(&driver).await;
    client.goto(&format!("{base}/login")).await.expect("login");
    save(&client, &out, "login").await;
    browser::sign_in(&client, &base, "admin", "screenshot password").await;
    for (page, name) in [
        ("/", "home"),
        ("/projects", "projects"),
        ("/projects/1", "project"),
    ] {
        client.goto(&format!("{base}{page}")).await.expect("page");
        save(&client, &out, name).await;
    }
    // The cockpit is a tall page: taken whole, as of the day the reference figures were published.
    client.set_window_size(1280, 2300).await.expect("resize");
    for (page, name) in [
        ("/cockpit?as_of=2023-07-07", "cockpit"),
        ("/cockpit?as_of=2023-07-07&wall=1", "cockpit-wall"),
    ] {
        client.goto(&format!("{base}{page}")).await.expect("page");
        save(&client, &out, name).await;
    }
    client.set_window_size(1280, 900).await.expect("resize");
    client
        .goto(&format!("{base}/projects/1#schedule"))
        .await
        .expect("page");
    save(&client, &out, "project-schedule").await;
    client.goto(&format!("{base}/projects/new")).await.expect("form");
    browser::fill(&client, "f-name", "示例新项目").await;
    browser::fill(&client, "f-total_investment", "七亿一千万").await;
    browser::click(&client, "save").await;
    client
        .wait()
        .for_element(Locator::Id("form-error"))
        .await
        .expect("errors shown");
    save(&client, &out, "project-form-errors").await;
    // The appeals desk (M5): the list, an appeal's page with its timeline, the calendar, the
    // categories with their resolve times, the webhooks.
    for (page, name) in [
        ("/appeals", "appeals"),
        ("/appeals/1", "appeal"),
        ("/calendar?year=2026", "calendar"),
        ("/appeal-categories", "categories"),
        ("/webhooks", "webhooks"),
    ] {
        client.goto(&format!("{base}{page}")).await.expect("page");
        save(&client, &out, name).await;
    }
    // The admin's API tokens, one just issued: its secret shown this once.
    client
        .goto(&format!("{base}/users/1/tokens"))
        .await
        .expect("tokens");
    browser::fill(&client, "f-label", "数据大屏").await;
    browser::click(&client, "token-submit").await;
    client
        .wait()
        .for_element(Locator::Id("token-issued"))
        .await
        .expect("token shown");
    save(&client, &out, "tokens").await;
    // And on a phone.
    client.set_window_size(390, 844).await.expect("resize");
    for (page, name) in [
        ("/users/1/tokens", "tokens-phone"),
        ("/webhooks", "webhooks-phone"),
    ] {
        client.goto(&format!("{base}{page}")).await.expect("page");
        save(&client, &out, name).await;
    }
    // Issue 20: what people see at their desks, on a wide screen and on a phone.
    let shots = format!("{out}/issue20");
    std::fs::create_dir_all(&shots).expect("output folder");
    // A photo on the first appeal, sent from its page's form as a phone would (the login
    // screenshot stands in for a photo of the site).
    client.set_window_size(1440, 900).await.expect("resize");
    client.goto(&format!("{base}/appeals/1")).await.expect("appeal");
    let photo = std::fs::canonicalize(format!("{out}/login.png")).expect("a picture");
    client
        .find(Locator::Id("f-file"))
        .await
        .expect("file field")
        .send_keys(&photo.to_string_lossy())
        .await
        .expect("choose the photo");
    browser::click(&client, "do-attach").await;
    client
        .wait()
        .for_element(Locator::Css("#attachment-list img.thumb"))
        .await
        .expect("the photo shown");
    // Three July reports sent by the statistician through the project page, so that the staff
    // official's desk and approval queue show what waits for them.
    let app_for_users = feidi_app::App::new(store_for_users.clone());
    for login in ["reporter.demo", "staff.a1"] {
        feidi_app::operator::set_password(&app_for_users, login, "screenshot password".into())
            .await
            .expect("a password");
    }
    let reporter = browser::browser(&driver).await;
    browser::sign_in(&reporter, &base, "reporter.demo", "screenshot password").await;
    for (project, amount) in [(2, "850"), (5, "1,200"), (9, "460.5")] {
        reporter
            .goto(&format!("{base}/projects/{project}"))
            .await
            .expect("project");
        reporter
            .execute("document.getElementById('r-month').value = '2023-07';", vec![])
            .await
            .expect("month");
        browser::fill(&reporter, "r-amount", amount).await;
        browser::fill(&reporter, "r-note", "7月形象进度：主体施工").await;
        browser::click(&reporter, "r-submit").await;
        reporter
            .wait()
            .for_element(Locator::Id("notice"))
            .await
            .expect("the report sent");
    }
    let _ = reporter.close().await;
    let staff = browser::browser(&driver).await;
    browser::sign_in(&staff, &base, "staff.a1", "screenshot password").await;
    for lang in ["", "-en"] {
        if !lang.is_empty() {
            // The same desk in English: the language button in the header.
            staff
                .execute(
                    "document.querySelector('button[name=lang][value=en]').click();",
                    vec![],
                )
                .await
                .expect("English");
            staff
                .wait()
                .for_element(Locator::Css("button[name=lang][value=zh]"))
                .await
                .expect("in English");
        }
        for (width, height, size) in [(1440, 900, "1440"), (390, 844, "390")] {
            staff.set_window_size(width, height).await.expect("resize");
            for (page, name) in [("/", "home-desk"), ("/reports", "approval-queue")] {
                staff.goto(&format!("{base}{page}")).await.expect("page");
                save(&staff, &shots, &format!("{name}{lang}-{size}")).await;
            }
        }
    }
    let _ = staff.close().await;
    for (width, height, size) in [(1440, 900, "1440"), (390, 844, "390")] {
        client.set_window_size(width, height).await.expect("resize");
        for (page, name) in [
            ("/cockpit", "cockpit"),
            ("/appeals/1#attachments", "appeal"),
            ("/audit", "audit"),
            ("/settings", "settings"),
        ] {
            client.goto(&format!("{base}{page}")).await.expect("page");
            save(&client, &shots, &format!("{name}-{size}")).await;
        }
        // A report with a slip of the keyboard: the form comes back as typed, the error beside
        // the amount.
        client.goto(&format!("{base}/projects/1")).await.expect("project");
        client
            .execute("document.getElementById('r-month').value = '2023-07';", vec![])
            .await
            .expect("month");
        browser::fill(&client, "r-amount", "12O0").await;
        browser::fill(&client, "r-note", "厂房内部装修").await;
        browser::click(&client, "r-submit").await;
        client
            .wait()
            .for_element(Locator::Id("r-amount-error"))
            .await
            .expect("the error shown");
        client
            .execute("document.getElementById('report-form').scrollIntoView();", vec![])
            .await
            .expect("scroll");
        save(&client, &shots, &format!("report-form-error-{size}")).await;
    }
    // Issue 21: the 启动区's land — the zone's map of its parcels, the parcels, one parcel's
    // pipeline, the resettled households and one household's compensation — on a wide screen
    // and on a phone.
    let land = format!("{out}/issue21");
    std::fs::create_dir_all(&land).expect("output folder");
    for (width, height, size) in [(1440, 900, "1440"), (390, 844, "390")] {
        client.set_window_size(width, height).await.expect("resize");
        for (page, name) in [
            ("/zones/1#map", "zone-map"),
            ("/parcels", "parcels"),
            ("/parcels/1#pipeline", "parcel"),
            ("/households", "households"),
            ("/households/1#compensation", "household"),
        ] {
            client.goto(&format!("{base}{page}")).await.expect("page");
            save(&client, &land, &format!("{name}-{size}")).await;
        }
    }
    // The cockpit and the dispatch report as they print: A4 landscape PDFs.
    client.set_window_size(1440, 900).await.expect("resize");
    for (page, name) in [
        ("/cockpit?as_of=2023-07-07", "cockpit-print"),
        ("/dispatch?month=2023-06", "dispatch-print"),
    ] {
        client.goto(&format!("{base}{page}")).await.expect("page");
        let file = format!("{shots}/{name}.pdf");
        std::fs::write(&file, browser::printed(&client).await).expect("write");
        println!("{file}");
    }
    // An enterprise's liaison on a phone: its desk, its appeals, its projects and reports.
    feidi_app::operator::set_password(&app_for_users, "qiye.weicai", "screenshot password".into())
        .await
        .expect("the liaison's password");
    let liaison = browser::phone(&driver).await;
    browser::sign_in(&liaison, &base, "qiye.weicai", "screenshot password").await;
    for (page, name) in [
        ("/", "enterprise-home"),
        ("/appeals", "enterprise-appeals"),
        ("/projects", "enterprise-projects"),
        ("/reports", "enterprise-reports"),
    ] {
        liaison.goto(&format!("{base}{page}")).await.expect("page");
        save(&liaison, &shots, &format!("{name}-390")).await;
    }
    let _ = liaison.close().await;
    // The wall display: a screen of 1920 × 1080 exactly.
    let wall = browser::screen(&driver, 1920, 1080).await;
    browser::sign_in(&wall, &base, "admin", "screenshot password").await;
    wall.goto(&format!("{base}/cockpit?wall=1")).await.expect("wall");
    save(&wall, &shots, "cockpit-wall-1920").await;
    let _ = wall.close().await;
    let _ = client.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

async fn save(client: &fantoccini::Client, out: &str, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    let file = format!("{out}/{name}.png");
    std::fs::write(&file, png).expect("write");
    println!("{file}");
}
