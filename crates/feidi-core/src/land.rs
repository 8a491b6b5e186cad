//! Land (M6): parcels and the pipeline a parcel goes through before a project can build on it —
//! 报批 (approved), 征收 (acquired), 清表 (cleared), 交地 (delivered to the park), 供地 (supplied
//! to a project) — and the boundary a parcel is drawn from. Who may keep land is `policy`'s to
//! say; this says which step a parcel's state allows and what a boundary must be.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::fixed::AreaMu;
use crate::input::{FieldError, FieldErrors, Flaw, Input, Need};

/// Where a parcel stands in the pipeline, in its order.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ParcelStatus {
    Planned,
    Approved,
    Acquired,
    Cleared,
    Delivered,
    Supplied,
}

impl ParcelStatus {
    pub const ALL: [Self; 6] = [
        Self::Planned,
        Self::Approved,
        Self::Acquired,
        Self::Cleared,
        Self::Delivered,
        Self::Supplied,
    ];
    pub const CODES: &'static [&'static str] = &[
        "planned",
        "approved",
        "acquired",
        "cleared",
        "delivered",
        "supplied",
    ];

    pub fn as_str(self) -> &'static str {
        Self::CODES[self as usize]
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The step after this one; none after supplied.
    pub fn next(self) -> Option<Self> {
        Self::ALL.get(self as usize + 1).copied()
    }

    /// The SQL list of every status, for the schema's check and for queries.
    pub fn all_sql() -> String {
        Self::CODES
            .iter()
            .map(|c| format!("'{c}'"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A step the parcel's state does not allow: the state it is in, and the one step it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfOrder {
    pub current: ParcelStatus,
    pub next: Option<ParcelStatus>,
}

/// Whether a parcel in `current` may move to `wanted`: only to the next status, in order — no
/// step skipped, none taken twice, none taken back.
pub fn step(current: ParcelStatus, wanted: ParcelStatus) -> Result<ParcelStatus, OutOfOrder> {
    match current.next() {
        Some(next) if next == wanted => Ok(wanted),
        next => Err(OutOfOrder { current, next }),
    }
}

/// The most positions a boundary may hold: a survey's polygon has tens or hundreds; this keeps
/// a pasted file of a whole county out of one parcel.
pub const MAX_POSITIONS: usize = 10_000;

/// A parcel's boundary: a GeoJSON `Polygon` or `MultiPolygon` geometry in longitude and
/// latitude (WGS 84 / CGCS2000, which differ by less than a survey's error), kept as given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Boundary(Value);

impl Eq for Boundary {}

impl Boundary {
    /// Checks a geometry: its type, rings of at least four positions that close on their first,
    /// each position a longitude in [−180, 180] and a latitude in [−90, 90].
    pub fn parse(value: &Value) -> Result<Self, Flaw> {
        let bad = |zh: &'static str, en: &'static str| Flaw::Rule(zh, en);
        let object = value.as_object().ok_or(bad(
            "须为 GeoJSON 几何对象（Polygon 或 MultiPolygon）",
            "must be a GeoJSON geometry (Polygon or MultiPolygon)",
        ))?;
        let coordinates = object.get("coordinates").and_then(Value::as_array);
        let polygons: Vec<&Vec<Value>> = match (object.get("type").and_then(Value::as_str), coordinates) {
            (Some("Polygon"), Some(rings)) => vec![rings],
            (Some("MultiPolygon"), Some(list)) => list
                .iter()
                .map(|p| {
                    p.as_array().ok_or(bad(
                        "MultiPolygon 的每个多边形须为环的数组",
                        "each polygon of a MultiPolygon must be an array of rings",
                    ))
                })
                .collect::<Result<_, _>>()?,
            _ => {
                return Err(bad(
                    "须为 GeoJSON Polygon 或 MultiPolygon，带 coordinates",
                    "must be a GeoJSON Polygon or MultiPolygon with coordinates",
                ));
            }
        };
        if polygons.is_empty() {
            return Err(bad("至少一个多边形", "needs at least one polygon"));
        }
        let mut positions = 0;
        for rings in polygons {
            if rings.is_empty() {
                return Err(bad("每个多边形至少一个环", "each polygon needs a ring"));
            }
            for ring in rings {
                let ring = ring
                    .as_array()
                    .ok_or(bad("环须为坐标数组", "a ring must be an array of positions"))?;
                if ring.len() < 4 {
                    return Err(bad(
                        "每个环至少4个坐标点",
                        "each ring needs at least four positions",
                    ));
                }
                let points = ring
                    .iter()
                    .map(position)
                    .collect::<Option<Vec<(f64, f64)>>>()
                    .ok_or(bad(
                        "坐标须为 [经度, 纬度]，经度 −180～180，纬度 −90～90",
                        "positions must be [longitude, latitude] within [−180, 180] and [−90, 90]",
                    ))?;
                if points.first() != points.last() {
                    return Err(bad("每个环须首尾闭合", "each ring must end where it starts"));
                }
                positions += points.len();
                if positions > MAX_POSITIONS {
                    return Err(Flaw::TooLong(MAX_POSITIONS));
                }
            }
        }
        Ok(Self(value.clone()))
    }

    /// The geometry as GeoJSON.
    pub fn geometry(&self) -> &Value {
        &self.0
    }

    /// The outer rings of its polygons, as (longitude, latitude) positions: what a map draws
    /// (a hole inside a parcel is rare enough to draw as part of it).
    pub fn outer_rings(&self) -> Vec<Vec<(f64, f64)>> {
        let rings = |polygon: &Value| -> Option<Vec<(f64, f64)>> {
            polygon
                .as_array()?
                .first()?
                .as_array()?
                .iter()
                .map(position)
                .collect()
        };
        let coordinates = self.0.get("coordinates");
        match self.0.get("type").and_then(Value::as_str) {
            Some("Polygon") => coordinates.and_then(rings).into_iter().collect(),
            _ => coordinates
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(rings).collect())
                .unwrap_or_default(),
        }
    }
}

/// The outer rings of a boundary kept as text, read straight into positions (no tree of
/// values): what a map draws. Text that is no Polygon or MultiPolygon draws nothing.
pub fn outer_rings_of(text: &str) -> Vec<Vec<(f64, f64)>> {
    #[derive(serde::Deserialize)]
    #[serde(tag = "type")]
    enum Geometry {
        Polygon { coordinates: Vec<Vec<Vec<f64>>> },
        MultiPolygon { coordinates: Vec<Vec<Vec<Vec<f64>>>> },
    }
    let ring = |positions: Vec<Vec<f64>>| -> Option<Vec<(f64, f64)>> {
        positions
            .into_iter()
            .map(|p| match p.as_slice() {
                [lon, lat] | [lon, lat, _] if lon.is_finite() && lat.is_finite() => Some((*lon, *lat)),
                _ => None,
            })
            .collect()
    };
    match serde_json::from_str::<Geometry>(text) {
        Ok(Geometry::Polygon { coordinates }) => coordinates
            .into_iter()
            .next()
            .and_then(ring)
            .into_iter()
            .collect(),
        Ok(Geometry::MultiPolygon { coordinates }) => coordinates
            .into_iter()
            .filter_map(|polygon| polygon.into_iter().next().and_then(ring))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// A position `[longitude, latitude]` (a third number, an altitude, is allowed and ignored).
fn position(value: &Value) -> Option<(f64, f64)> {
    let numbers = value.as_array()?;
    if !(2..=3).contains(&numbers.len()) {
        return None;
    }
    let lon = numbers[0].as_f64()?;
    let lat = numbers[1].as_f64()?;
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then_some((lon, lat))
}

/// A parcel as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParcelInput {
    pub code: String,
    pub zone_id: i64,
    pub village: String,
    pub area_mu: AreaMu,
    pub land_use: String,
    pub boundary: Option<Boundary>,
    /// A parcel made up for illustration (the demo's boundaries), not surveyed.
    pub sample: bool,
}

impl ParcelInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let code = input.required_text("code", 40);
        let zone_id = input.id("zone_id", Need::Required);
        let village = input.required_text("village", 100);
        let area_mu = input.area("area_mu", Need::Required);
        if area_mu.is_some_and(|a| a == AreaMu::default()) {
            input.flag("area_mu", Flaw::Rule("须大于0", "must be more than zero"));
        }
        let land_use = input.required_text("land_use", 40);
        let boundary = boundary(&mut input, map);
        input.finish()?;
        Ok(Self {
            code,
            zone_id: zone_id.unwrap_or_default(),
            village,
            area_mu: area_mu.unwrap_or_default(),
            land_use,
            boundary,
            sample: crate::input::checked(map, "sample"),
        })
    }
}

/// One part of a parcel being split, or the parcel two are merged into: its new code, its area
/// (a split's parts), its boundary if drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct PartInput {
    pub code: String,
    pub area_mu: AreaMu,
    pub boundary: Option<Boundary>,
}

impl Eq for PartInput {}

/// The most parts one split makes, and the most parcels one merge joins.
pub const PARTS_MAX: usize = 20;

fn part(map: &Map<String, Value>, with_area: bool) -> Result<PartInput, FieldErrors> {
    let mut input = Input::new(map);
    let code = input.required_text("code", 40);
    let area_mu = if with_area {
        let area = input.area("area_mu", Need::Required);
        if area.is_some_and(|a| a == AreaMu::default()) {
            input.flag("area_mu", Flaw::Rule("须大于0", "must be more than zero"));
        }
        area
    } else {
        None
    };
    let boundary = boundary(&mut input, map);
    input.finish()?;
    Ok(PartInput {
        code,
        area_mu: area_mu.unwrap_or_default(),
        boundary,
    })
}

/// A split: `{parts: [{code, area_mu, boundary?}, …]}`, two parts or more, whose areas add up
/// exactly to the parcel's `area` and whose codes differ. Each flaw is named by its part
/// (`parts[1].area_mu`).
pub fn split_parts(map: &Map<String, Value>, area: AreaMu) -> Result<Vec<PartInput>, FieldErrors> {
    let Some(Value::Array(list)) = map.get("parts") else {
        return Err(FieldErrors::one("parts", Flaw::Required));
    };
    if !(2..=PARTS_MAX).contains(&list.len()) {
        return Err(FieldErrors::one("parts", Flaw::OutOfRange(2, PARTS_MAX as i64)));
    }
    let mut parts = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for (i, value) in list.iter().enumerate() {
        let fields = value.as_object().cloned().unwrap_or_default();
        match part(&fields, true) {
            Ok(p) => parts.push(p),
            Err(e) => errors.extend(e.0.into_iter().map(|mut e| {
                e.field = format!("parts[{i}].{}", e.field);
                e
            })),
        }
    }
    if errors.is_empty() {
        let sum = parts.iter().fold(AreaMu::default(), |sum, p| sum + p.area_mu);
        if sum != area {
            errors.push(FieldError {
                field: "parts".into(),
                flaw: Flaw::Rule(
                    "各部分面积之和须等于原地块面积",
                    "the parts' areas must add up to the parcel's area",
                ),
            });
        }
        if let Some(i) = (1..parts.len()).find(|i| parts[..*i].iter().any(|p| p.code == parts[*i].code)) {
            errors.push(FieldError {
                field: format!("parts[{i}].code"),
                flaw: Flaw::Taken,
            });
        }
    }
    if errors.is_empty() {
        Ok(parts)
    } else {
        Err(FieldErrors(errors))
    }
}

/// A merge: `{parcel_ids: [a, b, …], code, boundary?}`, two parcels or more, each named once.
pub fn merge_input(map: &Map<String, Value>) -> Result<(Vec<i64>, PartInput), FieldErrors> {
    let ids: Option<Vec<i64>> = match map.get("parcel_ids") {
        Some(Value::Array(list)) => list.iter().map(Value::as_i64).collect(),
        _ => None,
    };
    let mut errors = Vec::new();
    match &ids {
        None => errors.push(FieldError {
            field: "parcel_ids".into(),
            flaw: Flaw::Required,
        }),
        Some(ids) => {
            let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
            if !(2..=PARTS_MAX).contains(&ids.len()) || distinct.len() != ids.len() {
                errors.push(FieldError {
                    field: "parcel_ids".into(),
                    flaw: Flaw::Rule("须为2至20块不同的地块", "must name 2 to 20 different parcels"),
                });
            }
        }
    }
    let merged = part(map, false);
    if let Err(e) = &merged {
        errors.extend(e.0.iter().cloned());
    }
    match (ids, merged) {
        (Some(ids), Ok(merged)) if errors.is_empty() => Ok((ids, merged)),
        _ => Err(FieldErrors(errors)),
    }
}

/// Whether parcels may be merged: one zone, one status, and, once supplied, one project —
/// else the status (or project) they differ in, which the caller names.
pub fn may_merge(parcels: &[(i64, ParcelStatus, Option<i64>)]) -> Result<(), Flaw> {
    let Some((zone, status, project)) = parcels.first().copied() else {
        return Ok(());
    };
    if parcels.iter().any(|(z, _, _)| *z != zone) {
        return Err(Flaw::Rule("须属于同一园区", "must lie in the same zone"));
    }
    if parcels.iter().any(|(_, s, _)| *s != status) {
        return Err(Flaw::Rule(
            "须处于同一环节",
            "must stand at the same step of the pipeline",
        ));
    }
    if parcels.iter().any(|(_, _, p)| *p != project) {
        return Err(Flaw::Rule(
            "须供给同一项目",
            "must be supplied to the same project",
        ));
    }
    Ok(())
}

/// The boundary field: a geometry object (the API, an import) or its text (a form's textarea);
/// absent, null or blank for none.
fn boundary(input: &mut Input<'_>, map: &Map<String, Value>) -> Option<Boundary> {
    let parsed = match map.get("boundary") {
        None | Some(Value::Null) => return None,
        Some(Value::String(text)) if text.trim().is_empty() => return None,
        Some(Value::String(text)) => serde_json::from_str::<Value>(text)
            .map_err(|_| Flaw::Rule("不是有效的 GeoJSON", "is not valid GeoJSON"))
            .and_then(|v| Boundary::parse(&v)),
        Some(value) => Boundary::parse(value),
    };
    parsed.map_err(|flaw| input.flag("boundary", flaw)).ok()
}

/// A step of the pipeline as recorded: the status reached, its date, the approval's document
/// number (批复文号) and, for a supply, the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepInput {
    pub status: ParcelStatus,
    pub date: chrono::NaiveDate,
    pub document_no: Option<String>,
    pub project_id: Option<i64>,
}

impl StepInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let status = input.one_of("status", Need::Required, ParcelStatus::CODES, ParcelStatus::parse);
        let date = input.date("date", Need::Required);
        let document_no = input.text("document_no", Need::Optional, 60);
        let project_id = input.id("project_id", Need::Optional);
        match (status, project_id) {
            (Some(ParcelStatus::Supplied), None) if !input.has_error("project_id") => input.flag(
                "project_id",
                Flaw::Rule("供地须指明项目", "a supply needs the project it goes to"),
            ),
            (Some(s), Some(_)) if s != ParcelStatus::Supplied => input.flag(
                "project_id",
                Flaw::Rule("仅供地时指明项目", "only a supply names a project"),
            ),
            _ => {}
        }
        input.finish()?;
        Ok(Self {
            status: status.unwrap_or(ParcelStatus::Planned),
            date: date.unwrap_or_default(),
            document_no,
            project_id,
        })
    }
}

/// What a land dispute (纠纷) is about.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DisputeCategory {
    Compensation,
    Boundary,
    Resettlement,
    Other,
}

impl DisputeCategory {
    pub const ALL: [Self; 4] = [
        Self::Compensation,
        Self::Boundary,
        Self::Resettlement,
        Self::Other,
    ];
    pub const CODES: &'static [&'static str] = &["compensation", "boundary", "resettlement", "other"];

    pub fn as_str(self) -> &'static str {
        Self::CODES[self as usize]
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// Where a dispute stands: open until resolved (mediation is still open).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    Open,
    Mediating,
    Resolved,
}

impl DisputeStatus {
    pub const ALL: [Self; 3] = [Self::Open, Self::Mediating, Self::Resolved];
    pub const CODES: &'static [&'static str] = &["open", "mediating", "resolved"];

    pub fn as_str(self) -> &'static str {
        Self::CODES[self as usize]
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// Whether the dispute still stands (and so still blocks its project).
    pub fn is_open(self) -> bool {
        self != Self::Resolved
    }

    /// The SQL list of the statuses that are open, for queries that count what still stands.
    pub fn open_sql() -> String {
        Self::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What may be done to a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeAction {
    /// Mediation begins (调解).
    Mediate,
    /// Settled, with how.
    Resolve,
}

impl DisputeAction {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "mediate" => Some(Self::Mediate),
            "resolve" => Some(Self::Resolve),
            _ => None,
        }
    }
}

/// The state `action` leads to from `current`, or the state that refuses it.
pub fn dispute_next(current: DisputeStatus, action: DisputeAction) -> Result<DisputeStatus, DisputeStatus> {
    use DisputeStatus::*;
    match (current, action) {
        (Open, DisputeAction::Mediate) => Ok(Mediating),
        (Open | Mediating, DisputeAction::Resolve) => Ok(Resolved),
        (state, _) => Err(state),
    }
}

/// The days a dispute has stood open: from the day it was opened to its resolution, or to
/// `today` while it stands.
pub fn days_open(
    opened_on: chrono::NaiveDate,
    resolved_on: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> i64 {
    (resolved_on.unwrap_or(today) - opened_on).num_days().max(0)
}

/// A dispute as opened: on a parcel or from a household (or both), what it is about and what
/// happened, the day it was raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeInput {
    pub parcel_id: Option<i64>,
    pub household_id: Option<i64>,
    pub category: DisputeCategory,
    pub description: String,
    pub opened_on: chrono::NaiveDate,
}

impl DisputeInput {
    /// `today` is the day a dispute is opened on unless `opened_on` says when it was raised.
    pub fn parse(map: &Map<String, Value>, today: chrono::NaiveDate) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let parcel_id = input.id("parcel_id", Need::Optional);
        let household_id = input.id("household_id", Need::Optional);
        if parcel_id.is_none()
            && household_id.is_none()
            && !input.has_error("parcel_id")
            && !input.has_error("household_id")
        {
            input.flag(
                "parcel_id",
                Flaw::Rule("须给出地块或安置户", "is required unless a household_id is given"),
            );
        }
        let category = input.one_of(
            "category",
            Need::Required,
            DisputeCategory::CODES,
            DisputeCategory::parse,
        );
        let description = input.required_text("description", 2000);
        let opened_on = input.date("opened_on", Need::Optional);
        if opened_on.is_some_and(|d| d > today) {
            input.flag("opened_on", Flaw::Rule("不能晚于今天", "cannot be after today"));
        }
        input.finish()?;
        Ok(Self {
            parcel_id,
            household_id,
            category: category.unwrap_or(DisputeCategory::Other),
            description,
            opened_on: opened_on.unwrap_or(today),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParcelStatus::*;
    use serde_json::json;

    #[test]
    fn a_parcel_moves_one_step_at_a_time_in_order() {
        for (i, from) in ParcelStatus::ALL.into_iter().enumerate() {
            for (j, to) in ParcelStatus::ALL.into_iter().enumerate() {
                let allowed = j == i + 1;
                assert_eq!(step(from, to).is_ok(), allowed, "{from:?} → {to:?}");
            }
        }
        assert_eq!(
            step(Approved, Cleared),
            Err(OutOfOrder {
                current: Approved,
                next: Some(Acquired)
            }),
            "a skipped step names the one due"
        );
        assert_eq!(Supplied.next(), None);
        for s in ParcelStatus::ALL {
            assert_eq!(ParcelStatus::parse(s.as_str()), Some(s));
        }
    }

    fn square() -> Value {
        json!({"type": "Polygon", "coordinates": [[[114.5, 35.0], [114.51, 35.0], [114.51, 35.01], [114.5, 35.01], [114.5, 35.0]]]})
    }

    #[test]
    fn a_boundary_is_a_closed_polygon_in_longitude_and_latitude() {
        assert!(Boundary::parse(&square()).is_ok());
        let multi = json!({"type": "MultiPolygon", "coordinates": [square()["coordinates"].clone(), square()["coordinates"].clone()]});
        assert_eq!(Boundary::parse(&multi).map(|b| b.outer_rings().len()), Ok(2));
        let refused = [
            json!({"type": "Point", "coordinates": [114.5, 35.0]}),
            json!({"type": "Polygon"}),
            json!({"type": "Polygon", "coordinates": []}),
            json!({"type": "Polygon", "coordinates": [[[114.5, 35.0], [114.51, 35.0], [114.5, 35.0]]]}),
            // Not closed.
            json!({"type": "Polygon", "coordinates": [[[114.5, 35.0], [114.51, 35.0], [114.51, 35.01], [114.5, 35.01]]]}),
            // Latitude and longitude swapped past the pole.
            json!({"type": "Polygon", "coordinates": [[[35.0, 114.5], [35.0, 114.51], [35.01, 114.51], [35.0, 114.5]]]}),
            json!({"type": "Polygon", "coordinates": [[["114.5", 35.0], [114.51, 35.0], [114.51, 35.01], ["114.5", 35.0]]]}),
            json!("POLYGON((114.5 35, 114.51 35))"),
        ];
        for value in refused {
            assert!(Boundary::parse(&value).is_err(), "{value}");
        }
        let huge: Vec<Value> = (0..=MAX_POSITIONS)
            .map(|i| json!([114.0 + i as f64 * 1e-6, 35.0]))
            .chain([json!([114.0, 35.0])])
            .collect();
        let huge = json!({"type": "Polygon", "coordinates": [huge]});
        assert_eq!(Boundary::parse(&huge), Err(Flaw::TooLong(MAX_POSITIONS)));
    }

    #[test]
    fn a_parcel_names_each_bad_field() {
        let ok = json!({"code": "QFZ-01", "zone_id": 1, "village": "前方庄村", "area_mu": "120.50", "land_use": "工业用地", "boundary": square().to_string()});
        let parcel = ParcelInput::parse(ok.as_object().expect("map")).expect("parses");
        assert_eq!(parcel.area_mu.to_string(), "120.50");
        assert!(parcel.boundary.is_some(), "a form's text is read as GeoJSON");
        let bad = json!({"code": "", "zone_id": "x", "village": "前方庄村\u{0}", "area_mu": "0", "land_use": "a".repeat(41), "boundary": "{not json"});
        let errors = ParcelInput::parse(bad.as_object().expect("map")).expect_err("refused");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["code", "zone_id", "village", "area_mu", "land_use", "boundary"]
        );
    }

    #[test]
    fn a_supply_names_its_project_and_only_a_supply_does() {
        let parse = |v: Value| StepInput::parse(v.as_object().expect("map"));
        assert!(
            parse(json!({"status": "approved", "date": "2023-03-01", "document_no": "豫政土〔2023〕12号"}))
                .is_ok()
        );
        let field = |r: Result<StepInput, FieldErrors>| r.expect_err("refused").0[0].field.clone();
        assert_eq!(
            field(parse(json!({"status": "supplied", "date": "2023-03-01"}))),
            "project_id"
        );
        assert_eq!(
            field(parse(
                json!({"status": "cleared", "date": "2023-03-01", "project_id": 3})
            )),
            "project_id"
        );
        assert_eq!(
            field(parse(json!({"status": "sold", "date": "2023-03-01"}))),
            "status"
        );
        assert_eq!(
            field(parse(json!({"status": "approved", "date": "2023-02-30"}))),
            "date"
        );
    }

    #[test]
    fn a_dispute_is_open_until_resolved() {
        use DisputeAction::{Mediate, Resolve};
        use DisputeStatus::{Mediating, Open, Resolved};
        assert_eq!(dispute_next(Open, Mediate), Ok(Mediating));
        assert_eq!(dispute_next(Open, Resolve), Ok(Resolved));
        assert_eq!(dispute_next(Mediating, Resolve), Ok(Resolved));
        assert_eq!(dispute_next(Mediating, Mediate), Err(Mediating));
        assert_eq!(dispute_next(Resolved, Resolve), Err(Resolved));
        assert!(Open.is_open() && Mediating.is_open() && !Resolved.is_open());
        assert_eq!(DisputeStatus::open_sql(), "'open', 'mediating'");
        let today = chrono::NaiveDate::from_ymd_opt(2023, 7, 7).expect("day");
        let parse = |v: Value| DisputeInput::parse(v.as_object().expect("map"), today);
        let opened = parse(json!({"parcel_id": 1, "category": "boundary", "description": "界桩位置有争议"}))
            .expect("opens");
        assert_eq!(opened.opened_on, today, "today unless said");
        let field = |r: Result<DisputeInput, FieldErrors>| r.expect_err("refused").0[0].field.clone();
        assert_eq!(
            field(parse(json!({"category": "boundary", "description": "x"}))),
            "parcel_id"
        );
        assert_eq!(
            field(parse(
                json!({"parcel_id": 1, "category": "noise", "description": "x"})
            )),
            "category"
        );
        assert_eq!(
            field(parse(
                json!({"parcel_id": 1, "category": "other", "description": "x", "opened_on": "2023-07-08"})
            )),
            "opened_on"
        );
    }

    #[test]
    fn a_map_reads_the_outer_rings_of_a_boundary_kept_as_text() {
        let square = r#"{"type":"Polygon","coordinates":[[[114.5,35.0],[114.6,35.0],[114.6,35.1],[114.5,35.0]],[[114.52,35.02],[114.53,35.02],[114.53,35.03],[114.52,35.02]]]}"#;
        let rings = outer_rings_of(square);
        assert_eq!(rings.len(), 1, "the hole is not drawn");
        assert_eq!(rings[0][1], (114.6, 35.0));
        let two = r#"{"type":"MultiPolygon","coordinates":[[[[1,2,9],[3,2],[3,4],[1,2]]],[[[5,6],[7,6],[7,8],[5,6]]]]}"#;
        assert_eq!(outer_rings_of(two).len(), 2);
        assert_eq!(outer_rings_of(two)[0][0], (1.0, 2.0), "an altitude is ignored");
        assert!(outer_rings_of("not json").is_empty());
        assert!(outer_rings_of(r#"{"type":"Point","coordinates":[1,2]}"#).is_empty());
        // The same rings as the checked boundary gives.
        let value: Value = serde_json::from_str(square).unwrap_or_default();
        assert_eq!(Boundary::parse(&value).map(|b| b.outer_rings()).ok(), Some(rings));
    }
}
