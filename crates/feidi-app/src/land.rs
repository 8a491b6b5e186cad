//! Land (M6): the steps of a parcel's pipeline and the parcels as GeoJSON. Parcels themselves
//! are kept through the registry's services (`kinds::Parcels`).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use feidi_core::land::{DisputeAction, StepInput};
use feidi_core::policy::{Action, Entity, Principal};
use feidi_core::{Flaw, Input, Need};
use feidi_store::{Parcel, ParcelStep};
use serde_json::{Map, Value};

use crate::kinds::Parcels;
use crate::{App, AppError, AppResult, require};

/// Moves a parcel to the next status of its pipeline at `now` (staff and admins): a skipped,
/// repeated or backward step is refused with the state the parcel is in; a supply names an
/// existing project.
pub async fn step(
    app: &App,
    who: &Principal,
    parcel_id: i64,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<Parcel> {
    crate::registry::get::<Parcels>(app, who, parcel_id).await?;
    require(who, Action::Write, Entity::Land)?;
    let input = StepInput::parse(body)?;
    Ok(app
        .store
        .parcel_step(Some(who.user_id), parcel_id, &input, now)
        .await?)
}

/// Mediates (`mediate`) or resolves (`resolve`, with `resolution`: how) a dispute at `now`
/// (staff and admins).
pub async fn dispute_action(
    app: &App,
    who: &Principal,
    id: i64,
    action: &str,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<feidi_store::Dispute> {
    crate::registry::get::<crate::kinds::Disputes>(app, who, id).await?;
    require(who, Action::Write, Entity::Land)?;
    let action = DisputeAction::parse(action).ok_or(AppError::NotFound)?;
    let mut input = Input::new(body);
    let resolution = input.text("resolution", Need::Optional, 2000);
    if action == DisputeAction::Resolve && resolution.is_none() && !input.has_error("resolution") {
        input.flag("resolution", Flaw::Required);
    }
    input.finish()?;
    Ok(app
        .store
        .dispute_action(Some(who.user_id), id, action, resolution, now)
        .await?)
}

/// A parcel and its steps, for its page: the parcel read once.
pub async fn pipeline(app: &App, who: &Principal, parcel_id: i64) -> AppResult<(Parcel, Vec<ParcelStep>)> {
    let parcel = crate::registry::get::<Parcels>(app, who, parcel_id).await?;
    Ok((parcel, app.store.parcel_steps(parcel_id).await?))
}

/// A parcel's steps, oldest first.
pub async fn steps(app: &App, who: &Principal, parcel_id: i64) -> AppResult<Vec<ParcelStep>> {
    Ok(pipeline(app, who, parcel_id).await?.1)
}

/// A zone's parcels, in code order: what its map draws.
/// What a zone's map draws of its parcels.
pub async fn map_of_zone(app: &App, who: &Principal, zone_id: i64) -> AppResult<Vec<feidi_store::MapRow>> {
    require(who, Action::Read, Entity::Land)?;
    Ok(app.store.map_parcels(zone_id).await?)
}

/// The parcels a parcel may be merged with (same zone, step and project), as (id, code).
pub async fn merge_candidates(app: &App, who: &Principal, parcel: &Parcel) -> AppResult<Vec<(i64, String)>> {
    require(who, Action::Read, Entity::Land)?;
    Ok(app.store.merge_candidates(parcel).await?)
}

/// The parcels of a zone (`zone_id`), or of every zone, as a GeoJSON `FeatureCollection`: each
/// feature its boundary (none where it has none) with `id, code, status, area_mu, project_id`
/// and its village and use as properties. Answered as the bytes to send.
pub async fn geojson(app: &App, who: &Principal, params: &HashMap<String, String>) -> AppResult<Vec<u8>> {
    require(who, Action::Read, Entity::Land)?;
    let zone = crate::registry::id_param(params, "zone_id")?;
    let parcels = app.store.parcels_of(zone).await?;
    feature_collection(&parcels).map_err(|e| AppError::Internal(e.to_string()))
}

/// Parcels as a GeoJSON `FeatureCollection`, what `feidi import parcels` reads back: written
/// straight from the parcels (no tree of values built first, so a zone of 50,000 parcels
/// costs its answer's bytes, not ten times that).
pub fn feature_collection(parcels: &[Parcel]) -> serde_json::Result<Vec<u8>> {
    #[derive(serde::Serialize)]
    struct Collection<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        features: Vec<Feature<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Feature<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        id: i64,
        geometry: Option<&'a Value>,
        properties: Properties<'a>,
    }
    #[derive(serde::Serialize)]
    struct Properties<'a> {
        id: i64,
        code: &'a str,
        zone_id: i64,
        village: &'a str,
        area_mu: String,
        land_use: &'a str,
        status: &'static str,
        project_id: Option<i64>,
        sample: bool,
    }
    let features = parcels
        .iter()
        .map(|p| Feature {
            kind: "Feature",
            id: p.id,
            geometry: p.boundary.as_ref().map(|b| b.geometry()),
            properties: Properties {
                id: p.id,
                code: &p.code,
                zone_id: p.zone_id,
                village: &p.village,
                area_mu: p.area_mu.to_string(),
                land_use: &p.land_use,
                status: p.status.as_str(),
                project_id: p.project_id,
                sample: p.sample,
            },
        })
        .collect();
    serde_json::to_vec(&Collection {
        kind: "FeatureCollection",
        features,
    })
}

/// Splits a parcel into parts whose areas add up to its own (staff and admins); answers the
/// new parcels. The parcel is retired today, its record kept.
pub async fn split(
    app: &App,
    who: &Principal,
    parcel_id: i64,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<Vec<Parcel>> {
    let parcel = crate::registry::get::<Parcels>(app, who, parcel_id).await?;
    require(who, Action::Write, Entity::Land)?;
    let parts = feidi_core::land::split_parts(body, parcel.area_mu)?;
    let today = feidi_core::time::day_of(now);
    Ok(app
        .store
        .split_parcel(Some(who.user_id), parcel_id, parts, today, now)
        .await?)
}

/// Merges parcels of one zone at one status into a new one (staff and admins); answers it.
pub async fn merge(
    app: &App,
    who: &Principal,
    body: &Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> AppResult<Parcel> {
    require(who, Action::Write, Entity::Land)?;
    let (ids, merged) = feidi_core::land::merge_input(body)?;
    let today = feidi_core::time::day_of(now);
    Ok(app
        .store
        .merge_parcels(Some(who.user_id), ids, merged, today, now)
        .await?)
}

/// The parcels a parcel came from and went into.
pub async fn lineage(app: &App, who: &Principal, parcel_id: i64) -> AppResult<Vec<feidi_store::Lineage>> {
    crate::registry::get::<Parcels>(app, who, parcel_id).await?;
    Ok(app.store.parcel_lineage(parcel_id).await?)
}

/// The data version a zone's map is drawn from (its parcels and the projects they went to),
/// for those who read land: a map kept under it is never older than the last write.
pub async fn map_version(app: &App, who: &Principal) -> AppResult<i64> {
    require(who, Action::Read, Entity::Land)?;
    Ok(app.store.data_versions(&["parcels", "projects"]).await?)
}
