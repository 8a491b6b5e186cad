//! A running feidi on a fresh database, for tests that speak HTTP to it.
#![allow(dead_code)]

use feidi_app::credentials as auth;
use feidi_core::registry::UserInput;
use feidi_store::testing::TestDb;
use feidi_store::{Backend, Store};
use feidi_web::{AppState, Application, WebConfig};
use reqwest::{Client, StatusCode};
use serde_json::{Map, Value, json};

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub admin_token: String,
    pub admin_id: i64,
    pub client: Client,
    pub db: TestDb,
    _server: tokio::task::JoinHandle<()>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn map(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

impl TestApp {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, WebConfig::default()).await
    }

    /// Like [`TestApp::start`], with settings of its own.
    pub async fn start_with(backend: Backend, config: WebConfig) -> Self {
        let (db, store) = TestDb::store(backend).await;
        let app = Application::bind("127.0.0.1:0", AppState::new(store.clone(), config))
            .await
            .expect("bind");
        let addr = app.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = app
                .serve(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        let (admin_id, admin_token) = Self::user_in(&store, "admin", "admin", None).await;
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            base: format!("http://{addr}"),
            store,
            admin_token,
            admin_id,
            client,
            db,
            _server: server,
            stop: Some(stop),
        }
    }

    /// A second app server on the same database, with the same admin token: as behind a load
    /// balancer.
    pub async fn second_server(&self) -> Server {
        let store = feidi_store::Store::open(&self.db.url)
            .await
            .expect("second store");
        let app = Application::bind("127.0.0.1:0", AppState::new(store, WebConfig::default()))
            .await
            .expect("bind");
        let addr = app.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.serve(async move {
            let _ = stopped.await;
        }));
        Server {
            base: format!("http://{addr}"),
            token: self.admin_token.clone(),
            client: self.client.clone(),
            _stop: stop,
        }
    }

    /// Adds a user with the password `password123` straight to the store; returns its id and a token.
    pub async fn user_in(store: &Store, login: &str, role: &str, enterprise: Option<i64>) -> (i64, String) {
        let input = UserInput::parse(&map(
            json!({"login": login, "name": login, "role": role, "enterprise_id": enterprise}),
        ))
        .expect("user input");
        let hash = auth::hash_password("password123".into()).await.expect("hash");
        let (user, _) = store
            .create_user(None, &input, hash, None)
            .await
            .expect("create user");
        let token = auth::random_token();
        store
            .create_token(None, user.id, &auth::token_hash(&token), None, None)
            .await
            .expect("token");
        (user.id, token)
    }

    pub async fn user(&self, login: &str, role: &str, enterprise: Option<i64>) -> (i64, String) {
        Self::user_in(&self.store, login, role, enterprise).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A JSON request with a bearer token; answers the status and the body as JSON (or null).
    pub async fn call(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        api_call(&self.client, &self.base, token, method, path, body).await
    }

    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call(&self.admin_token, method, path, body).await
    }

    /// Creates a record as admin and returns it, failing the test otherwise.
    pub async fn made(&self, path: &str, body: Value) -> Value {
        let (status, record) = self.admin("POST", path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {record}");
        record
    }

    /// Two counties, a zone and an enterprise; answers (zone id, enterprise id).
    pub async fn ground(&self) -> (i64, i64) {
        let origin = self.made("/jurisdictions", json!({"name": "长垣市"})).await;
        let host = self.made("/jurisdictions", json!({"name": "封丘县"})).await;
        let zone = self
            .made(
                "/zones",
                json!({"name": "长封产业园", "host_jurisdiction_id": host["id"], "operator_jurisdiction_id": origin["id"], "area_mu": "15600"}),
            )
            .await;
        let enterprise = self
            .made(
                "/enterprises",
                json!({"name": "示例卫材公司", "credit_code": "91110000802100433B", "industry": "卫材"}),
            )
            .await;
        (
            zone["id"].as_i64().unwrap_or_default(),
            enterprise["id"].as_i64().unwrap_or_default(),
        )
    }

    /// Signs in through the login form; answers the session cookie and the page CSRF token.
    pub async fn sign_in(&self, login: &str, password: &str) -> (StatusCode, Option<String>) {
        let page = self
            .client
            .get(self.url("/login"))
            .send()
            .await
            .expect("login page");
        let prelogin = cookie_value(&page, "feidi_prelogin");
        let html = page.text().await.unwrap_or_default();
        let csrf = hidden(&html, "_csrf");
        let response = self
            .client
            .post(self.url("/login"))
            .header(
                "cookie",
                format!("feidi_prelogin={}", prelogin.unwrap_or_default()),
            )
            .form(&[
                ("_csrf", csrf.as_str()),
                ("login", login),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("login");
        let status = response.status();
        (
            status,
            cookie_value(&response, "feidi_session").filter(|v| !v.is_empty()),
        )
    }

    /// GETs a page with a session cookie; answers the status and the HTML.
    pub async fn page(&self, session: &str, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(self.url(path))
            .header("cookie", format!("feidi_session={session}"))
            .send()
            .await
            .expect("page");
        (response.status(), response.text().await.unwrap_or_default())
    }
}

pub fn cookie_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| {
            let first = line.split(';').next()?;
            let (k, v) = first.split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// The value of a hidden input in a page.
/// Switches a signed-in user's language through the form every page carries (`page` is one
/// of them, for its CSRF token); answers the status.
pub async fn switch_language(app: &TestApp, session: &str, page: &str, lang: &str) -> StatusCode {
    let csrf = hidden(page, "_csrf");
    app.client
        .post(app.url("/lang"))
        .header("cookie", format!("feidi_session={session}"))
        .form(&[("_csrf", csrf.as_str()), ("lang", lang)])
        .send()
        .await
        .expect("switch the language")
        .status()
}

pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.find(&marker)
        .map(|i| &html[i + marker.len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// Another app server of a [`TestApp`], stopped when dropped.
pub struct Server {
    pub base: String,
    token: String,
    client: Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Server {
    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        api_call(&self.client, &self.base, &self.token, method, path, body).await
    }
}

/// A JSON request to the API of the server at `base`, with a bearer token: the status and the
/// body as JSON (null when it is none).
async fn api_call(
    client: &Client,
    base: &str,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = client
        .request(method, format!("{base}/api/v1{path}"))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}
