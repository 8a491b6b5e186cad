//! What a project's page adds to the generic detail page: its schedule of milestones and their
//! timeline, its investment progress and its monthly reports, and the forms that set milestones
//! and submit and review reports.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use feidi_core::{FieldErrors, Lang};
use serde_json::{Map, Value};

use crate::AppState;
use crate::auth::{Caller, FormInput};
use crate::error::{ApiError, ForLang};
use crate::pages::error_page;

/// Sets a milestone from the project page, then shows the page again.
pub(super) async fn set_milestone(
    State(state): State<AppState>,
    Path((id, kind)): Path<(i64, String)>,
    form: FormInput,
) -> Response {
    let FormInput { caller, mut fields } = form;
    // An empty version field means the milestone is new.
    if fields
        .get("version")
        .and_then(Value::as_str)
        .is_some_and(str::is_empty)
    {
        fields.remove("version");
    }
    match feidi_app::schedule::put_milestone(
        &state.app,
        &caller.principal(),
        id,
        &kind,
        &fields,
        feidi_core::time::today(),
    )
    .await
    .for_lang(caller.lang())
    {
        Ok(_) => Redirect::to(&format!("/projects/{id}#schedule")).into_response(),
        Err(ApiError::Invalid(errors, lang)) => {
            // The project's page again, the dates as typed and the message beside them.
            let text: Vec<String> = errors
                .0
                .iter()
                .map(|e| {
                    let field = match e.field.as_str() {
                        "planned_date" => lang.t("schedule.planned"),
                        "actual_date" => lang.t("schedule.actual"),
                        other => other,
                    };
                    format!("{field}：{}", e.flaw.message(lang))
                })
                .collect();
            let typed = |name: &str| {
                fields
                    .get(name)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let error = (kind, typed("planned_date"), typed("actual_date"), text.join("；"));
            show_again(&state, &caller, id, |page| page.milestone_error = Some(error)).await
        }
        Err(e) => error_page(&caller, e),
    }
}

/// One monthly report on its project's page.
pub struct ReportRow {
    pub month: String,
    pub amount: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub note: String,
    pub problems: String,
    pub return_reason: String,
    /// The amount in 万元 as the form field takes it, and the version a correction must send.
    pub amount_typed: String,
    pub version: i64,
}

pub(super) fn report_rows(list: &[feidi_store::Report], lang: Lang) -> Vec<ReportRow> {
    list.iter()
        .map(|r| ReportRow {
            month: r.month.clone(),
            amount: r.completed_investment.wan_grouped(),
            status: r.status.as_str(),
            status_label: lang.t(&format!("report.{}", r.status.as_str())),
            note: r.progress_note.clone().unwrap_or_default(),
            problems: r.problems.clone().unwrap_or_default(),
            return_reason: r.return_reason.clone().unwrap_or_default(),
            amount_typed: r.completed_investment.wan_exact(),
            version: r.version,
        })
        .collect()
}

/// The new report's form as typed, with each refused field's message beside it.
#[derive(Debug, Default)]
pub struct ReportForm {
    pub month: String,
    pub amount: String,
    pub note: String,
    pub problems: String,
    pub version: String,
    pub month_error: Option<String>,
    pub amount_error: Option<String>,
    pub note_error: Option<String>,
    pub problems_error: Option<String>,
    /// What is wrong with the report as a whole (already approved, changed meanwhile).
    pub error: Option<String>,
    /// An amount that looks like a slip, to be confirmed before it is sent.
    pub warning: Option<String>,
    /// The form's first refused field, which the page focuses.
    pub first: &'static str,
}

impl ReportForm {
    fn typed(fields: &Map<String, Value>) -> Self {
        let text = |name: &str| {
            fields
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Self {
            month: text("month"),
            amount: text("completed_investment"),
            note: text("progress_note"),
            problems: text("problems"),
            version: text("version"),
            ..Self::default()
        }
    }

    /// Puts each error beside its field, and any other beside the form.
    fn refuse(&mut self, errors: &FieldErrors, lang: Lang) {
        for e in &errors.0 {
            let message = Some(e.flaw.message(lang));
            let (slot, id) = match e.field.as_str() {
                "month" => (&mut self.month_error, "r-month"),
                "completed_investment" => (&mut self.amount_error, "r-amount"),
                "progress_note" => (&mut self.note_error, "r-note"),
                "problems" => (&mut self.problems_error, "r-problems"),
                _ => (&mut self.error, ""),
            };
            *slot = message;
            if self.first.is_empty() {
                self.first = id;
            }
        }
    }
}

/// Submits a monthly report from the project page; a refused one comes back as typed, each
/// error beside its field (422).
pub(super) async fn submit_report_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: FormInput,
) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    let mut form = ReportForm::typed(&fields);
    let mut body = fields.clone();
    let confirmed = fields.get("confirm_amount").and_then(Value::as_str) == Some("1");
    let outcome =
        match crate::pages::amount_field(&mut body, "completed_investment", feidi_core::MoneyUnit::Wan) {
            Err(errors) => Err(ApiError::Invalid(errors, lang)),
            Ok(()) => {
                let month = form.month.clone();
                let amount = body
                    .get("completed_investment")
                    .and_then(Value::as_str)
                    .and_then(|a| feidi_core::Money::parse(a).ok());
                if let (false, Some(amount)) = (confirmed, amount) {
                    let check = feidi_app::reports::check_amount(
                        &state.app,
                        &caller.principal(),
                        id,
                        &month,
                        amount,
                        feidi_core::time::now(),
                    )
                    .await;
                    // A month that is not one (or not begun) is said by the submission itself.
                    if let Ok(Some(doubt)) = check {
                        form.warning = Some(doubt.words(lang));
                        form.first = "r-amount";
                        return show_again(&state, &caller, id, |page| page.report_form = form).await;
                    }
                }
                feidi_app::reports::submit_report(
                    &state.app,
                    &caller.principal(),
                    id,
                    &month,
                    &body,
                    feidi_core::time::now(),
                )
                .await
                .for_lang(lang)
            }
        };
    match outcome {
        Ok(_) => {
            let notice = format!("{} {}", form.month, lang.t("report.submitted_notice"));
            super::super::redirect_with_notice(&format!("/projects/{id}#reports"), &notice)
        }
        Err(ApiError::Invalid(errors, lang)) => {
            form.refuse(&errors, lang);
            show_again(&state, &caller, id, |page| page.report_form = form).await
        }
        Err(ApiError::Conflict(_)) => {
            form.error = Some(lang.t("report.conflict").to_string());
            show_again(&state, &caller, id, |page| page.report_form = form).await
        }
        Err(e) => error_page(&caller, e),
    }
}

/// The project's page again, with what a refused form needs (status 422).
async fn show_again(
    state: &AppState,
    caller: &Caller,
    id: i64,
    fill: impl FnOnce(&mut super::engine::DetailPage),
) -> Response {
    let day = match feidi_app::programme::default_day(&state.app, feidi_core::time::today()).await {
        Ok((day, _)) => day,
        Err(e) => return error_page(caller, ApiError::from_app(e, caller.lang())),
    };
    match super::engine::detail_view::<feidi_app::kinds::Projects>(state, caller, id, day).await {
        Ok(mut page) => {
            fill(&mut page);
            crate::pages::render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => error_page(caller, e),
    }
}

/// Approves, returns or reopens a report from the project page. A return without a reason
/// comes back with the message beside the reason field.
pub(super) async fn review_report_form(
    State(state): State<AppState>,
    Path((id, month, action)): Path<(i64, String, String)>,
    form: FormInput,
) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    let outcome = feidi_app::reports::review_report(
        &state.app,
        &caller.principal(),
        id,
        &month,
        &action,
        &fields,
        feidi_core::time::now(),
    )
    .await
    .for_lang(lang);
    match outcome {
        Ok(_) => {
            let notice = format!("{month} {}", lang.t(&format!("report.{action}_notice")));
            // From the review queue, back to the queue for the next one.
            let back = match fields.get("back").and_then(Value::as_str) {
                Some("queue") => "/reports".to_string(),
                _ => format!("/projects/{id}#reports"),
            };
            super::super::redirect_with_notice(&back, &notice)
        }
        Err(ApiError::Invalid(errors, lang)) => {
            let message = errors
                .0
                .iter()
                .map(|e| e.flaw.message(lang))
                .collect::<Vec<_>>()
                .join("；");
            let typed = fields
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            show_again(&state, &caller, id, |page| {
                page.return_error = Some((month, typed, message))
            })
            .await
        }
        Err(e) => error_page(&caller, e),
    }
}

pub(super) fn progress_rows(
    p: &feidi_app::schedule::Progress,
    lang: Lang,
) -> Vec<(&'static str, String, &'static str)> {
    let wan = |m: feidi_core::Money| format!("{} {}", m.wan_grouped(), lang.t("unit.wan"));
    let light = |l: Option<feidi_core::schedule::Light>| match l {
        Some(l) => (
            feidi_core::schedule::Light::words(Some(l), lang).to_string(),
            l.as_str(),
        ),
        None => ("—".to_string(), ""),
    };
    let (annual, annual_class) = light(p.annual_light);
    let (reporting, reporting_class) = light(p.reporting_light);
    // "黄（缺报1个月：2023-06）": how many months are missing, up to which.
    let reporting = match p.missing_reports {
        Some(n) if n > 0 => match lang {
            Lang::Zh => format!("{reporting}（缺报{n}个月，截至{}）", p.last_due_month),
            Lang::En => format!("{reporting} ({n} missing, up to {})", p.last_due_month),
        },
        _ => reporting,
    };
    let (overall, overall_class) = light(p.light);
    let (blockage, blockage_class) = match p.blockage_light {
        Some(_) => light(p.blockage_light),
        None => (lang.t("progress.no_blockage").to_string(), ""),
    };
    vec![
        (
            lang.t("progress.plan"),
            p.annual_plan.map(wan).unwrap_or_else(|| "—".into()),
            "",
        ),
        (lang.t("progress.ytd"), wan(p.year_to_date), ""),
        (lang.t("progress.since_start"), wan(p.since_start), ""),
        (lang.t("progress.pending"), wan(p.pending_investment), ""),
        (
            lang.t("dash.completion"),
            format!("{}%", p.completion_ratio.percent()),
            "",
        ),
        (lang.t("progress.annual_light"), annual, annual_class),
        (lang.t("progress.reporting_light"), reporting, reporting_class),
        (lang.t("progress.blockages"), blockage, blockage_class),
        (lang.t("progress.light"), overall, overall_class),
    ]
}

/// What blocks a project (堵点), each as a link to the appeal or dispute and its words.
pub(super) fn blockage_links(p: &feidi_app::schedule::Progress, lang: Lang) -> Vec<(String, String)> {
    use feidi_core::schedule::RedReason;
    p.blockages
        .iter()
        .map(|b| {
            let href = match b {
                RedReason::Appeal { appeal_id, .. } => format!("/appeals/{appeal_id}"),
                RedReason::Dispute { dispute_id, .. } => format!("/disputes/{dispute_id}"),
                _ => String::new(),
            };
            (href, b.words(lang))
        })
        .collect()
}

/// One line of a project's schedule on its page.
pub struct MilestoneRow {
    pub kind: &'static str,
    pub label: &'static str,
    pub planned: String,
    pub actual: String,
    pub variance: String,
    /// `green`, `yellow`, `red`, or empty when the milestone has no planned date yet.
    pub light: &'static str,
    pub light_label: &'static str,
    pub version: String,
}

pub(super) fn schedule_rows(list: &[feidi_app::schedule::MilestoneView], lang: Lang) -> Vec<MilestoneRow> {
    use feidi_core::schedule::{Light, MilestoneKind, variance_words};
    MilestoneKind::ALL
        .iter()
        .map(|kind| {
            let label = if lang == Lang::Zh {
                kind.label_zh()
            } else {
                lang.t(&format!("milestone.{}", kind.as_str()))
            };
            match list.iter().find(|m| m.kind == *kind) {
                None => MilestoneRow {
                    kind: kind.as_str(),
                    label,
                    planned: String::new(),
                    actual: String::new(),
                    variance: String::new(),
                    light: "",
                    light_label: "",
                    version: String::new(),
                },
                Some(m) => MilestoneRow {
                    kind: kind.as_str(),
                    label,
                    planned: m.planned_date.to_string(),
                    actual: m.actual_date.map(|d| d.to_string()).unwrap_or_default(),
                    variance: m
                        .variance_days
                        .map(|v| variance_words(v, lang))
                        .unwrap_or_default(),
                    light: m.light.as_str(),
                    light_label: Light::words(Some(m.light), lang),
                    version: m.version.to_string(),
                },
            }
        })
        .collect()
}

/// A project's milestones on one time axis: planned (◇) against actual (●), the slip between
/// them coloured by the light, today marked.
pub(super) fn timeline_svg(
    list: &[feidi_app::schedule::MilestoneView],
    today: chrono::NaiveDate,
    lang: Lang,
) -> String {
    use feidi_core::schedule::variance_words;
    let rows: Vec<crate::svg::TimelineRow> = list
        .iter()
        .map(|m| {
            let done = m.actual_date.filter(|a| *a <= today);
            let note = match (done, m.variance_days) {
                (Some(_), Some(v)) => variance_words(v, lang),
                _ if today > m.planned_date => {
                    let days = (today - m.planned_date).num_days();
                    match lang {
                        Lang::Zh => format!("逾期{days}天"),
                        Lang::En => format!("{days} days overdue"),
                    }
                }
                _ => lang.t("schedule.pending").to_string(),
            };
            crate::svg::TimelineRow {
                label: if lang == Lang::Zh {
                    m.kind.label_zh().to_string()
                } else {
                    lang.t(&format!("milestone.{}", m.kind.as_str())).to_string()
                },
                planned: m.planned_date,
                actual: done,
                light: m.light.as_str(),
                note,
            }
        })
        .collect();
    crate::svg::timeline(
        lang.t("schedule.timeline"),
        &rows,
        today,
        lang.t("schedule.today"),
    )
}
