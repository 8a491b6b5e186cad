//! What a parcel's page adds to the generic detail page: its pipeline — the steps recorded, each
//! with its date, document number and who recorded it — and, for those who keep land, the form
//! for its next step (a supply names the project).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use feidi_core::land::ParcelStatus;
use feidi_core::policy::{Action, Entity};
use feidi_store::{NameList, Named};

use super::kinds::parcel_status;
use crate::AppState;
use crate::auth::{Caller, FormInput};
use crate::error::{ApiError, ForLang};
use crate::pages::{Typed, error_page};

/// One recorded step.
pub(crate) struct PipelineRow {
    pub label: &'static str,
    pub date: String,
    pub document_no: String,
    /// The project a supply went to: its name and page.
    pub project: Option<(String, String)>,
    pub by: String,
}

/// The pipeline as the parcel's page shows it.
pub(crate) struct Pipeline {
    pub rows: Vec<PipelineRow>,
    /// The next step (its code and words), for those who keep land; none once supplied.
    pub next: Option<(&'static str, &'static str)>,
    /// Whether the next step is the supply, which names a project.
    pub supply: bool,
    /// The projects a supply may go to.
    pub projects: Vec<(i64, String)>,
    /// A refused step: its fields as typed, each error beside its field.
    pub typed: Typed,
    /// Why a step was refused as a whole (the parcel moved meanwhile).
    pub error: Option<String>,
}

/// A parcel's pipeline, read for its page.
pub(super) async fn pipeline_view(state: &AppState, caller: &Caller, id: i64) -> Result<Pipeline, ApiError> {
    let lang = caller.lang();
    let who = caller.principal();
    let (parcel, steps) = feidi_app::land::pipeline(&state.app, &who, id)
        .await
        .for_lang(lang)?;
    let people: Vec<i64> = steps.iter().filter_map(|s| s.recorded_by).collect();
    let names = feidi_app::registry::names_of(&state.app, Named::Users, &people)
        .await
        .for_lang(lang)?;
    let supplied: Vec<i64> = steps.iter().filter_map(|s| s.project_id).collect();
    let supplied_to = feidi_app::registry::names_of(&state.app, Named::Projects, &supplied)
        .await
        .for_lang(lang)?;
    let project_name = |pid: i64| {
        supplied_to
            .get(&pid)
            .cloned()
            .unwrap_or_else(|| format!("#{pid}"))
    };
    let rows = steps
        .iter()
        .map(|s| PipelineRow {
            label: parcel_status(s.status, lang),
            date: s.date.to_string(),
            document_no: s.document_no.clone().unwrap_or_else(|| "—".into()),
            project: s.project_id.map(|p| (project_name(p), format!("/projects/{p}"))),
            by: s
                .recorded_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_else(|| "—".into()),
        })
        .collect();
    let next = parcel
        .status
        .next()
        .filter(|_| who.may(Action::Write, Entity::Land));
    let supply = next == Some(ParcelStatus::Supplied);
    // The projects a supply may go to: read only when a supply is the next step.
    let projects = if supply {
        feidi_app::registry::names(&state.app, &who, NameList::Projects)
            .await
            .for_lang(lang)?
    } else {
        Vec::new()
    };
    Ok(Pipeline {
        rows,
        next: next.map(|s| (s.as_str(), parcel_status(s, lang))),
        supply,
        projects,
        typed: Typed::default(),
        error: None,
    })
}

/// Records a parcel's next step from its page: back to the page with a message, or the page
/// again with the step as typed and the errors beside their fields (422), or saying the parcel
/// has moved meanwhile (409).
pub(super) async fn record_step(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: FormInput,
) -> Response {
    let FormInput { caller, mut fields } = form;
    let lang = caller.lang();
    // An empty choice is no project, and a blank document number none.
    fields.retain(|_, v| v.as_str() != Some(""));
    let outcome = feidi_app::land::step(
        &state.app,
        &caller.principal(),
        id,
        &fields,
        feidi_core::time::now(),
    )
    .await
    .for_lang(lang);
    let (status, typed, error) = match outcome {
        Ok(parcel) => {
            let notice = format!(
                "{}{}",
                lang.t("parcel.step_notice"),
                parcel_status(parcel.status, lang)
            );
            return crate::pages::redirect_with_notice(&format!("/parcels/{id}#pipeline"), &notice);
        }
        Err(ApiError::Invalid(errors, lang)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Typed::of(&fields, &errors, lang),
            None,
        ),
        Err(ApiError::Conflict(_)) => (
            StatusCode::CONFLICT,
            Typed::of(&fields, &feidi_core::FieldErrors(Vec::new()), lang),
            Some(lang.t("parcel.moved").to_string()),
        ),
        Err(e) => return error_page(&caller, e),
    };
    let day = feidi_core::time::today();
    match super::engine::detail_view::<feidi_app::kinds::Parcels>(&state, &caller, id, day).await {
        Ok(mut page) => {
            if let Some(pipeline) = page.pipeline.as_mut() {
                pipeline.typed = typed;
                pipeline.error = error;
            }
            crate::pages::render(status, &page)
        }
        Err(e) => error_page(&caller, e),
    }
}

/// A zone's parcels drawn from their boundaries, and a line of what they add up to: how many,
/// their area, and the area supplied to projects.
pub(super) async fn zone_map(
    state: &AppState,
    caller: &Caller,
    zone_id: i64,
) -> Result<(String, String), ApiError> {
    let lang = caller.lang();
    let who = caller.principal();
    let parcels = feidi_app::land::of_zone(&state.app, &who, zone_id)
        .await
        .for_lang(lang)?;
    // Only the projects the zone's parcels went to are named (a programme has thousands).
    let supplied: Vec<i64> = parcels.iter().filter_map(|p| p.project_id).collect();
    let projects = feidi_app::registry::names_of(&state.app, Named::Projects, &supplied)
        .await
        .for_lang(lang)?;
    let drawn: Vec<crate::svg::MapParcel> = parcels
        .iter()
        .map(|p| crate::svg::MapParcel {
            id: p.id,
            code: p.code.clone(),
            status: p.status.as_str(),
            status_words: parcel_status(p.status, lang).to_string(),
            project: p.project_id.and_then(|id| projects.get(&id).cloned()),
            rings: p.boundary.as_ref().map(|b| b.outer_rings()).unwrap_or_default(),
        })
        .collect();
    let legend: Vec<(&'static str, String)> = ParcelStatus::ALL
        .iter()
        .map(|s| (s.as_str(), parcel_status(*s, lang).to_string()))
        .collect();
    let svg = crate::svg::parcel_map(lang.t("parcel.map"), &drawn, &legend);
    let sample = parcels.iter().any(|p| p.sample && p.boundary.is_some());
    let area = |keep: &dyn Fn(&feidi_store::Parcel) -> bool| {
        parcels
            .iter()
            .filter(|p| keep(p))
            .fold(feidi_core::AreaMu::default(), |sum, p| sum + p.area_mu)
    };
    let summary = format!(
        "{} {} · {} {} · {} {} {}{}",
        parcels.len(),
        lang.t("parcel.count_unit"),
        area(&|_| true),
        lang.t("unit.mu"),
        lang.t("parcel.supplied"),
        area(&|p| p.status == ParcelStatus::Supplied),
        lang.t("unit.mu"),
        if sample { lang.t("parcel.sample_note") } else { "" },
    );
    Ok((svg, summary))
}
