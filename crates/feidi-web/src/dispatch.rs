//! The monthly dispatch report over HTTP: who may read it, its month from the query string, and
//! the workbook as a download (the report itself is `feidi_app::dispatch`).

use std::collections::HashMap;

use feidi_core::Lang;

pub use feidi_app::dispatch::{Dispatch, DispatchLine, Subtotal, workbook};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiResult, ForLang};

/// Reads a report month from a query string (`month=YYYY-MM`, default: the last month that
/// has ended), for the dispatch report and the reports-due list alike.
pub fn month_param(params: &HashMap<String, String>, lang: Lang) -> ApiResult<String> {
    feidi_app::dispatch::report_month(params.get("month").map(String::as_str)).for_lang(lang)
}

/// The report for those who oversee the programme.
pub async fn dispatch(state: &AppState, caller: &Caller, month: &str) -> ApiResult<Dispatch> {
    feidi_app::dispatch::dispatch(&state.app, &caller.principal(), month)
        .await
        .for_lang(caller.lang())
}

/// A workbook as a download.
pub fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
