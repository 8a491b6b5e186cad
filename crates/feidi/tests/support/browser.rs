//! Chromium through chromedriver, for the browser tests and the README's screenshots.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Map, json};

/// chromedriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub async fn driver() -> Driver {
    let binary = std::env::var("FEIDI_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port();
    let child = Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{binary} is needed for the browser tests (Debian package chromium-driver): {e}")
        });
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    // Wait until it answers, by polling: never a fixed sleep.
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client.get(format!("{}/status", driver.url)).send().await.is_ok() {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start");
}

pub async fn browser(driver: &Driver) -> Client {
    session(driver, Some("--window-size=1280,900"), None).await
}

/// A phone: Chromium emulating a 390 × 844 screen (an iPhone 12–14's CSS pixels) with touch.
pub async fn phone(driver: &Driver) -> Client {
    let mobile = json!({
        "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3.0, "touch": true},
        "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
    });
    session(driver, None, Some(mobile)).await
}

/// A screen of `width` × `height` CSS pixels exactly (a wall display: 1920 × 1080).
pub async fn screen(driver: &Driver, width: u32, height: u32) -> Client {
    let metrics = json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}});
    session(driver, None, Some(metrics)).await
}

/// A headless Chromium session with its own profile, keeping the pages' console errors (so a
/// test can show there are none).
async fn session(driver: &Driver, window: Option<&str>, mobile: Option<serde_json::Value>) -> Client {
    let chromium = std::env::var("FEIDI_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let profile = std::env::temp_dir().join(format!("feidi-chromium-{}", free_port()));
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-dev-shm-usage".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    args.extend(window.map(str::to_string));
    let mut options = json!({ "binary": chromium, "args": args });
    if let Some(mobile) = mobile {
        options["mobileEmulation"] = mobile;
    }
    let mut caps = Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "SEVERE"}));
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// The page's width against the screen's: a page that fits is no wider than the viewport
/// (a table may scroll inside its own box).
pub async fn widths(browser: &Client) -> (i64, i64) {
    let v = browser
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("widths");
    (v[0].as_i64().unwrap_or(i64::MAX), v[1].as_i64().unwrap_or(0))
}

pub async fn fill(browser: &Client, id: &str, text: &str) {
    let field = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

pub async fn choose(browser: &Client, id: &str, visible: &str) {
    let select = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    select
        .select_by_label(visible)
        .await
        .unwrap_or_else(|e| panic!("#{id} → {visible}: {e}"));
}

pub async fn value_of(browser: &Client, id: &str) -> String {
    let field = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    field.prop("value").await.ok().flatten().unwrap_or_default()
}

/// Clicks the element with this id.
pub async fn click(browser: &Client, id: &str) {
    let element = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("click #{id}: {e}"));
}

/// Waits for the element with this id and answers its text.
pub async fn text_of(browser: &Client, id: &str) -> String {
    let element = browser
        .wait()
        .for_element(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    element
        .text()
        .await
        .unwrap_or_else(|e| panic!("text of #{id}: {e}"))
}

/// Signs in through the login form and waits for the home page.
pub async fn sign_in(browser: &Client, base: &str, login: &str, password: &str) {
    browser.goto(&format!("{base}/login")).await.expect("login page");
    fill(browser, "login", login).await;
    fill(browser, "password", password).await;
    browser
        .find(Locator::Id("login-submit"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    browser
        .wait()
        .for_element(Locator::Css("header nav.main"))
        .await
        .expect("signed in");
}

/// chromedriver's browser log: what the pages wrote to the console since it was last read.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

/// WebDriver's Print Page: the page as a PDF on A4 landscape paper, backgrounds printed.
#[derive(Debug)]
struct PrintA4Landscape;

impl fantoccini::wd::WebDriverCompatibleCommand for PrintA4Landscape {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/print", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(
                r#"{"orientation":"landscape","page":{"width":29.7,"height":21.0},"background":true}"#.into(),
            ),
        )
    }
}

/// The current page printed on A4 landscape, as a PDF.
pub async fn printed(browser: &Client) -> Vec<u8> {
    use base64::Engine;
    let answer = browser.issue_cmd(PrintA4Landscape).await.expect("printed");
    base64::engine::general_purpose::STANDARD
        .decode(answer.as_str().unwrap_or_default())
        .expect("a PDF")
}

/// How many A4 landscape pages the current page prints on.
pub async fn printed_pages(browser: &Client) -> usize {
    let pdf = printed(browser).await;
    let text = String::from_utf8_lossy(&pdf);
    // Each page is one object of type /Page (the tree above them is /Pages).
    text.match_indices("/Type /Page")
        .filter(|(i, _)| !text[i + 11..].starts_with('s'))
        .count()
}

/// The console errors (SEVERE entries) the pages logged since the last call.
pub async fn console_errors(browser: &Client) -> Vec<String> {
    let log = browser.issue_cmd(BrowserLog).await.expect("the browser log");
    log.as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// How many elements match a CSS selector.
pub async fn count(browser: &Client, css: &str) -> usize {
    browser
        .find_all(Locator::Css(css))
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}
