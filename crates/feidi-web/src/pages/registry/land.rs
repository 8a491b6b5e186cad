//! What a parcel's page adds to the generic detail page: its pipeline — the steps recorded, each
//! with its date, document number and who recorded it — and, for those who keep land, the form
//! for its next step (a supply names the project).

use axum::extract::{Path, State};
use axum::response::Response;
use feidi_core::land::ParcelStatus;
use feidi_core::policy::{Action, Entity};
use feidi_store::{NameList, Named};

use super::engine::{detail_again, refused};
use super::kinds::parcel_status;
use crate::AppState;
use crate::auth::{Caller, FormInput};
use crate::error::{ApiError, ForLang};
use crate::pages::{Typed, error_page};
use feidi_app::kinds::Parcels;

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
    /// Where it came from and what it became: (words, [(code, page)]).
    pub lineage: Vec<(String, Vec<(String, String)>)>,
    /// Whether it was split or merged (and so moves no further).
    pub retired: bool,
    /// For those who keep land, while it is not retired: the parcels it may be merged with
    /// (same zone, same step, same project).
    pub may_split: bool,
    pub merge_with: Vec<(i64, String)>,
    /// A refused split or merge: its fields as typed, each error beside its field.
    pub split_typed: Typed,
    pub merge_typed: Typed,
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
    let lineage = feidi_app::land::lineage(&state.app, &who, id)
        .await
        .for_lang(lang)?;
    let link = |code: &str, pid: i64| (code.to_string(), format!("/parcels/{pid}"));
    // Where it came from (it is the child), then what it became (it is the parent).
    let mut lines: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for came_from in [true, false] {
        let links: Vec<_> = lineage
            .iter()
            .filter(|l| {
                if came_from {
                    l.child_id == id
                } else {
                    l.parent_id == id
                }
            })
            .collect();
        let Some(first) = links.first() else { continue };
        let key = match (came_from, first.kind.as_str()) {
            (true, "split") => "parcel.split_from",
            (true, _) => "parcel.merged_from",
            (false, "split") => "parcel.split_into",
            (false, _) => "parcel.merged_into",
        };
        let codes = links
            .iter()
            .map(|l| match came_from {
                true => link(&l.parent_code, l.parent_id),
                false => link(&l.child_code, l.child_id),
            })
            .collect();
        lines.push((format!("{} {}", first.date, lang.t(key)), codes));
    }
    let retired = parcel.retired_on.is_some();
    let keeps = who.may(Action::Write, Entity::Land) && !retired;
    // The parcels it may join: the zone's others at its step (and project), by code.
    let merge_with = if keeps {
        feidi_app::land::merge_candidates(&state.app, &who, &parcel)
            .await
            .for_lang(lang)?
    } else {
        Vec::new()
    };
    Ok(Pipeline {
        rows,
        next: next
            .filter(|_| !retired)
            .map(|s| (s.as_str(), parcel_status(s, lang))),
        supply,
        projects,
        typed: Typed::default(),
        error: None,
        lineage: lines,
        retired,
        may_split: keeps,
        merge_with,
        split_typed: Typed::default(),
        merge_typed: Typed::default(),
    })
}

/// The page again after a refused split or merge, with what was typed and why (422), or
/// saying the parcel has moved on (409).
async fn show_refused(
    state: &AppState,
    caller: &Caller,
    id: i64,
    outcome: ApiError,
    fields: &serde_json::Map<String, serde_json::Value>,
    rename: impl Fn(&str) -> String,
    merge: bool,
) -> Response {
    match refused(outcome, fields, caller.lang().t("parcel.moved"), rename) {
        Ok((status, typed, error)) => {
            detail_again::<Parcels>(state, caller, id, status, |page| {
                if let Some(pipeline) = page.pipeline.as_mut() {
                    if merge {
                        pipeline.merge_typed = typed;
                    } else {
                        pipeline.split_typed = typed;
                    }
                    pipeline.error = error;
                }
            })
            .await
        }
        Err(e) => error_page(caller, e),
    }
}

/// Splits a parcel in two from its page: each part's code and area (`code_1`, `area_1`, …).
pub(super) async fn split_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: FormInput,
) -> Response {
    let FormInput { caller, fields } = form;
    let text = |k: &str| fields.get(k).cloned().unwrap_or(serde_json::Value::Null);
    let parts: Vec<serde_json::Value> = (1..=2)
        .map(|n| serde_json::json!({"code": text(&format!("code_{n}")), "area_mu": text(&format!("area_{n}"))}))
        .collect();
    let mut body = serde_json::Map::new();
    body.insert("parts".into(), serde_json::Value::Array(parts));
    let outcome = feidi_app::land::split(
        &state.app,
        &caller.principal(),
        id,
        &body,
        feidi_core::time::now(),
    )
    .await
    .for_lang(caller.lang());
    match outcome {
        Ok(parts) => {
            let codes: Vec<&str> = parts.iter().map(|p| p.code.as_str()).collect();
            let notice = format!("{}{}", caller.lang().t("parcel.split_notice"), codes.join("、"));
            crate::pages::redirect_with_notice(&format!("/parcels/{id}#pipeline"), &notice)
        }
        Err(e) => {
            // `parts[0].code` is the form's `code_1`; a sum that does not add up sits by the areas.
            let rename = |field: &str| match field.strip_prefix("parts[") {
                Some(rest) => {
                    let (n, name) = rest.split_once("].").unwrap_or(("0", rest));
                    let n = n.parse::<usize>().unwrap_or(0) + 1;
                    let name = if name == "area_mu" { "area" } else { name };
                    format!("{name}_{n}")
                }
                None if field == "parts" => "area_2".to_string(),
                None => field.to_string(),
            };
            show_refused(&state, &caller, id, e, &fields, rename, false).await
        }
    }
}

/// Merges a parcel with another of its zone from its page (`other_id`, the new `code`).
pub(super) async fn merge_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: FormInput,
) -> Response {
    let FormInput { caller, fields } = form;
    let other = fields
        .get("other_id")
        .and_then(|v| v.as_str())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let mut body = serde_json::Map::new();
    let ids: Vec<serde_json::Value> = std::iter::once(id)
        .chain(other)
        .map(serde_json::Value::from)
        .collect();
    body.insert("parcel_ids".into(), serde_json::Value::Array(ids));
    body.insert("code".into(), fields.get("code").cloned().unwrap_or_default());
    let outcome = feidi_app::land::merge(&state.app, &caller.principal(), &body, feidi_core::time::now())
        .await
        .for_lang(caller.lang());
    match outcome {
        Ok(parcel) => {
            let notice = format!("{}{}", caller.lang().t("parcel.merge_notice"), parcel.code);
            crate::pages::redirect_with_notice(&format!("/parcels/{}#pipeline", parcel.id), &notice)
        }
        Err(e) => {
            let rename = |field: &str| {
                if field == "parcel_ids" {
                    "other_id".to_string()
                } else {
                    field.to_string()
                }
            };
            show_refused(&state, &caller, id, e, &fields, rename, true).await
        }
    }
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
    let refusal = match outcome {
        Ok(parcel) => {
            let notice = format!(
                "{}{}",
                lang.t("parcel.step_notice"),
                parcel_status(parcel.status, lang)
            );
            return crate::pages::redirect_with_notice(&format!("/parcels/{id}#pipeline"), &notice);
        }
        Err(e) => refused(e, &fields, lang.t("parcel.moved"), str::to_string),
    };
    match refusal {
        Ok((status, typed, error)) => {
            detail_again::<Parcels>(&state, &caller, id, status, |page| {
                if let Some(pipeline) = page.pipeline.as_mut() {
                    pipeline.typed = typed;
                    pipeline.error = error;
                }
            })
            .await
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
) -> Result<std::sync::Arc<(axum::body::Bytes, String)>, ApiError> {
    let lang = caller.lang();
    let who = caller.principal();
    // Drawn once per change of the parcels or projects, then served as kept.
    let version = feidi_app::land::map_version(&state.app, &who)
        .await
        .for_lang(lang)?;
    let key = format!("{zone_id}|{}", lang.as_str());
    if let Some(kept) = state.maps.get(&key, version) {
        return Ok(kept);
    }
    let _drawing = state.drawing.lock().await;
    if let Some(kept) = state.maps.get(&key, version) {
        return Ok(kept);
    }
    let drawn = std::sync::Arc::new(draw_zone_map(state, caller, zone_id).await?);
    state.maps.put(key, version, drawn.clone());
    Ok(drawn)
}

async fn draw_zone_map(
    state: &AppState,
    caller: &Caller,
    zone_id: i64,
) -> Result<(axum::body::Bytes, String), ApiError> {
    let lang = caller.lang();
    let who = caller.principal();
    let mut parcels = feidi_app::land::map_of_zone(&state.app, &who, zone_id)
        .await
        .for_lang(lang)?;
    // Only the projects the zone's parcels went to are named (a programme has thousands).
    let supplied: Vec<i64> = parcels.iter().filter_map(|p| p.project_id).collect();
    let projects = feidi_app::registry::names_of(&state.app, Named::Projects, &supplied)
        .await
        .for_lang(lang)?;
    let sample = parcels.iter().any(|p| p.sample && !p.rings.is_empty());
    let count = parcels.len();
    let area = |keep: &dyn Fn(&feidi_store::MapRow) -> bool| {
        parcels
            .iter()
            .filter(|p| keep(p))
            .fold(feidi_core::AreaMu::default(), |sum, p| sum + p.area_mu)
    };
    let (all, supplied_area) = (area(&|_| true), area(&|p| p.status == ParcelStatus::Supplied));
    let drawn: Vec<crate::svg::MapParcel> = parcels
        .iter_mut()
        .map(|p| crate::svg::MapParcel {
            id: p.id,
            code: std::mem::take(&mut p.code),
            status: p.status.as_str(),
            status_words: parcel_status(p.status, lang).to_string(),
            project: p.project_id.and_then(|id| projects.get(&id).cloned()),
            rings: std::mem::take(&mut p.rings),
        })
        .collect();
    drop(parcels);
    let legend: Vec<(&'static str, String)> = ParcelStatus::ALL
        .iter()
        .map(|s| (s.as_str(), parcel_status(*s, lang).to_string()))
        .collect();
    let svg = crate::svg::parcel_map(lang.t("parcel.map"), &drawn, &legend);
    let summary = format!(
        "{} {} · {} {} · {} {} {}{}",
        count,
        lang.t("parcel.count_unit"),
        all,
        lang.t("unit.mu"),
        lang.t("parcel.supplied"),
        supplied_area,
        lang.t("unit.mu"),
        if sample { lang.t("parcel.sample_note") } else { "" },
    );
    Ok((axum::body::Bytes::from(svg), summary))
}
