//! feidi's HTTP layer: the JSON API under `/api/v1`, the HTML pages, authentication and the
//! security headers. Handlers read the request, call `feidi_app`'s services and write the
//! answer; they never reach the store.

pub mod api;
pub mod appeals;
pub mod auth;
pub mod dispatch;
pub mod edge;
pub mod error;
pub mod openapi;
pub mod pages;
pub mod svg;
pub mod webhooks;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use feidi_store::Store;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when feidi is served over TLS, directly or by a proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// How long a session lasts.
    pub session_hours: i64,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            trust_proxy: false,
            session_hours: 12,
        }
    }
}

/// What every handler shares: the application's services and the web layer's settings.
#[derive(Clone)]
pub struct AppState {
    pub app: feidi_app::App,
    pub config: WebConfig,
    /// Zones' maps as drawn (SVG and summary), by zone and language, kept while the parcels
    /// and projects they show stand still: a zone of thousands of parcels is drawn once.
    pub maps: std::sync::Arc<feidi_app::memo::ValueMemo<(axum::body::Bytes, String)>>,
    /// Held while a map is drawn: requests arriving meanwhile wait and take the drawing,
    /// rather than each reading thousands of parcels at once.
    pub drawing: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        Self::with_app(feidi_app::App::new(store), config)
    }

    pub fn with_app(app: feidi_app::App, config: WebConfig) -> Self {
        Self {
            app,
            config,
            maps: Default::default(),
            drawing: Default::default(),
        }
    }
}

/// The strict policy every answer carries: no inline script or style, nothing from elsewhere,
/// no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

/// The whole application: API, pages, static files and the layers around them. The security
/// headers, the problem+json answers of the framework's own refusals and the NUL check wrap
/// every route, the import uploads among them.
pub fn router(state: AppState) -> Router {
    let static_header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let hsts = state.config.secure_cookies.then(|| {
        // Only where users reach feidi over HTTPS: a browser told so over plain HTTP on a
        // test machine would refuse it for a year.
        static_header(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000")
    });
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .layer(RequestBodyLimitLayer::new(4 * 1024 * 1024))
        // Uploads of import files may be larger than any other request.
        .merge(
            pages::upload_routes()
                .layer(axum::extract::DefaultBodyLimit::max(pages::UPLOAD_MAX_BYTES))
                .layer(RequestBodyLimitLayer::new(pages::UPLOAD_MAX_BYTES)),
        )
        // So may an appeal's files (up to 10 MB each).
        .merge(
            Router::new()
                .nest("/api/v1", appeals::upload_routes())
                .merge(pages::attachment_routes())
                .layer(axum::extract::DefaultBodyLimit::max(appeals::UPLOAD_MAX_BYTES))
                .layer(RequestBodyLimitLayer::new(appeals::UPLOAD_MAX_BYTES)),
        )
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(axum::middleware::from_fn(edge::refuse_nul_in_address))
        .layer(axum::middleware::from_fn(edge::plain_refusals_as_problems))
        .layer(static_header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(static_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(static_header(header::REFERRER_POLICY, "same-origin"))
        .layer(static_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(static_header(header::CACHE_CONTROL, "no-store"))
        .layer(tower::util::option_layer(hsts))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A bound, not yet serving application: binding port 0 lets tests learn the port.
pub struct Application {
    listener: tokio::net::TcpListener,
    state: AppState,
}

impl Application {
    pub async fn bind(addr: &str, state: AppState) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Self { listener, state })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then finishes the requests in flight.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        let app = router(self.state);
        // Answers go out as they are written: a page sent in parts (a zone's kept map between
        // its halves) must not wait on the client's delayed acknowledgements.
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
    }
}
