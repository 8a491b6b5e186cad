//! What a household's page adds to the generic detail page — its compensation items with what
//! is due and paid, the forms to add one and to record a payment, and an admin's audited look
//! at the whole ID number — and what a dispute's page adds: mediating and resolving it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use feidi_core::policy::{Action, Entity};
use feidi_core::{Lang, Money, MoneyUnit};

use super::engine::{detail_again, refused};
use crate::AppState;
use crate::auth::{Caller, FormInput};
use crate::error::{ApiError, ForLang};
use crate::pages::{Typed, error_page};
use feidi_app::kinds::{Disputes, Households};

/// One compensation item as the page shows it.
pub(crate) struct CompensationRow {
    pub id: i64,
    pub item: String,
    /// In yuan, with separators.
    pub amount: String,
    pub due_date: String,
    /// The day it was paid; none while unpaid.
    pub paid_on: Option<String>,
}

/// A household's compensation as its page shows it.
pub(crate) struct CompensationView {
    pub rows: Vec<CompensationRow>,
    pub due: String,
    pub paid: String,
    pub unpaid: String,
    /// Whether the caller may add items and record payments.
    pub may_keep: bool,
    /// A refused item or payment: its fields as typed, each error beside its field; and the
    /// item a refused payment was for.
    pub typed: Typed,
    pub paying: Option<i64>,
    pub error: Option<String>,
    /// Whether the caller may look at the whole ID number (admins), and the number once looked at.
    pub may_reveal: bool,
    pub revealed: Option<String>,
}

impl CompensationView {
    /// Whether a refused payment was for this item.
    pub fn paying_is(&self, item: &i64) -> bool {
        self.paying == Some(*item)
    }
}

fn yuan(m: Money, lang: Lang) -> String {
    format!("{} {}", m.yuan_grouped(), lang.t("unit.yuan"))
}

/// A household's compensation, read for its page.
pub(super) async fn compensation_view(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<CompensationView, ApiError> {
    let lang = caller.lang();
    let who = caller.principal();
    let view = feidi_app::resettlement::household(&state.app, &who, id)
        .await
        .for_lang(lang)?;
    let rows = view
        .compensations
        .iter()
        .map(|c| CompensationRow {
            id: c.id,
            item: c.item.clone(),
            amount: yuan(c.amount, lang),
            due_date: c.due_date.to_string(),
            paid_on: c.paid_on.map(|d| d.to_string()),
        })
        .collect();
    Ok(CompensationView {
        rows,
        due: yuan(view.compensation_due, lang),
        paid: yuan(view.compensation_paid, lang),
        unpaid: yuan(
            Money::from_hundredths(view.compensation_due.hundredths() - view.compensation_paid.hundredths()),
            lang,
        ),
        may_keep: who.may(Action::Write, Entity::Resettlement),
        typed: Typed::default(),
        paying: None,
        error: None,
        may_reveal: who.is_admin() && view.household.id_number.is_some(),
        revealed: None,
    })
}

/// The household's page again, its compensation's state set by `change`.
async fn show_again(
    state: &AppState,
    caller: &Caller,
    id: i64,
    status: StatusCode,
    change: impl FnOnce(&mut CompensationView),
) -> Response {
    detail_again::<Households>(state, caller, id, status, |page| {
        if let Some(view) = page.compensation.as_mut() {
            change(view);
        }
    })
    .await
}

/// Adds a compensation item from the household's page.
pub(super) async fn add_compensation(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: FormInput,
) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    let mut body = fields.clone();
    let outcome = match crate::pages::amount_field(&mut body, "amount", MoneyUnit::Yuan) {
        Ok(()) => feidi_app::resettlement::add_compensation(
            &state.app,
            &caller.principal(),
            id,
            &body,
            feidi_core::time::now(),
        )
        .await
        .for_lang(lang),
        Err(errors) => Err(ApiError::Invalid(errors, lang)),
    };
    match outcome {
        Ok(_) => crate::pages::redirect_with_notice(
            &format!("/households/{id}#compensation"),
            lang.t("household.item_added"),
        ),
        Err(e) => match refused(e, &fields, lang.t("household.already_paid"), str::to_string) {
            Ok((status, typed, _)) => show_again(&state, &caller, id, status, |v| v.typed = typed).await,
            Err(e) => error_page(&caller, e),
        },
    }
}

/// Records a payment from the household's page.
pub(super) async fn pay_compensation(
    State(state): State<AppState>,
    Path((id, cid)): Path<(i64, i64)>,
    form: FormInput,
) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    let outcome = feidi_app::resettlement::pay(
        &state.app,
        &caller.principal(),
        id,
        cid,
        &fields,
        feidi_core::time::now(),
    )
    .await
    .for_lang(lang);
    match outcome {
        Ok(_) => crate::pages::redirect_with_notice(
            &format!("/households/{id}#compensation"),
            lang.t("household.paid_notice"),
        ),
        Err(e) => match refused(e, &fields, lang.t("household.already_paid"), str::to_string) {
            Ok((status, typed, error)) => {
                show_again(&state, &caller, id, status, |v| {
                    v.typed = typed;
                    v.paying = Some(cid);
                    v.error = error;
                })
                .await
            }
            Err(e) => error_page(&caller, e),
        },
    }
}

/// An admin's look at the whole ID number: shown on the page it was asked from (never in an
/// address), and written to the audit log.
pub(super) async fn reveal_id_number(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: FormInput,
) -> Response {
    let caller = form.caller;
    let number = feidi_app::resettlement::reveal_id_number(&state.app, &caller.principal(), id)
        .await
        .for_lang(caller.lang());
    match number {
        Ok(number) => {
            let shown = number.unwrap_or_else(|| "—".into());
            show_again(&state, &caller, id, StatusCode::OK, |v| v.revealed = Some(shown)).await
        }
        Err(e) => error_page(&caller, e),
    }
}

/// What a dispute's page offers: mediation while it is open, a resolution (how) while it stands.
pub(crate) struct DisputeActions {
    pub mediate: bool,
    pub resolve: bool,
    pub typed: Typed,
    pub error: Option<String>,
}

pub(super) fn dispute_actions(
    caller: &Caller,
    status: feidi_core::land::DisputeStatus,
) -> Option<DisputeActions> {
    use feidi_core::land::{DisputeAction, dispute_next};
    if !caller.principal().may(Action::Write, Entity::Land) {
        return None;
    }
    let mediate = dispute_next(status, DisputeAction::Mediate).is_ok();
    let resolve = dispute_next(status, DisputeAction::Resolve).is_ok();
    (mediate || resolve).then(|| DisputeActions {
        mediate,
        resolve,
        typed: Typed::default(),
        error: None,
    })
}

/// Mediates or resolves a dispute from its page.
pub(super) async fn dispute_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(i64, String)>,
    form: FormInput,
) -> Response {
    let FormInput { caller, fields } = form;
    let lang = caller.lang();
    let outcome = feidi_app::land::dispute_action(
        &state.app,
        &caller.principal(),
        id,
        &action,
        &fields,
        feidi_core::time::now(),
    )
    .await
    .for_lang(lang);
    let refusal = match outcome {
        Ok(d) => {
            let notice = format!(
                "{}{}",
                lang.t("dispute.moved_notice"),
                super::kinds::dispute_status(d.status, lang)
            );
            return crate::pages::redirect_with_notice(&format!("/disputes/{id}"), &notice);
        }
        Err(e) => refused(e, &fields, lang.t("dispute.moved"), str::to_string),
    };
    match refusal {
        Ok((status, typed, error)) => {
            detail_again::<Disputes>(&state, &caller, id, status, |page| {
                if let Some(actions) = page.dispute.as_mut() {
                    actions.typed = typed;
                    actions.error = error;
                }
            })
            .await
        }
        Err(e) => error_page(&caller, e),
    }
}
