//! The registry's kinds of records, described once for the API, the pages and the OpenAPI
//! document.

use feidi_core::FieldErrors;
use feidi_core::policy::Entity;
use feidi_core::registry::{EnterpriseInput, JurisdictionInput, ProjectInput, ZoneInput};
use feidi_store::{Enterprise, Inputs, Jurisdiction, Project, Record, Zone};
use serde_json::{Map, Value};

/// How a filter's value is read from a query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterType {
    Id,
    Text,
}

/// One kind of registry record.
pub trait Kind: Send + Sync + 'static {
    type Input: Inputs<Record = Self::Record> + Clone + 'static;
    type Record: Record + Clone;
    /// The collection's path segment (`projects`).
    const PATH: &'static str;
    /// The name used in the policy.
    const ENTITY: Entity;
    /// The filters a list accepts, with their types.
    const FILTERS: &'static [(&'static str, FilterType)];
    /// The OpenAPI schema name of a record.
    const SCHEMA: &'static str;
    /// Whether the API answers a taken unique value with 409 naming its field, as the newer
    /// kinds' contracts say, rather than 422 like the registry's first kinds.
    const TAKEN_CONFLICTS: bool = false;

    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors>;
}

pub struct Jurisdictions;
pub struct Zones;
pub struct Enterprises;
pub struct Projects;
/// The programme's stages (M4).
pub struct Stages;
/// Task forces (工作专班, M5).
pub struct TaskForces;
/// Parcels of land (M6); their pipeline's steps are `land`'s.
pub struct Parcels;
/// Land disputes (纠纷, M6); mediating and resolving them are `land`'s.
pub struct Disputes;
/// Resettled households (M6); their compensation and the look at an ID number are
/// `resettlement`'s.
pub struct Households;

impl Kind for Jurisdictions {
    type Input = JurisdictionInput;
    type Record = Jurisdiction;
    const PATH: &'static str = "jurisdictions";
    const ENTITY: Entity = Entity::Jurisdiction;
    const FILTERS: &'static [(&'static str, FilterType)] = &[];
    const SCHEMA: &'static str = "Jurisdiction";
    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors> {
        JurisdictionInput::parse(map)
    }
}

impl Kind for Zones {
    type Input = ZoneInput;
    type Record = Zone;
    const PATH: &'static str = "zones";
    const ENTITY: Entity = Entity::Zone;
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("host_jurisdiction_id", FilterType::Id),
        ("operator_jurisdiction_id", FilterType::Id),
    ];
    const SCHEMA: &'static str = "Zone";
    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors> {
        ZoneInput::parse(map)
    }
}

impl Kind for Enterprises {
    type Input = EnterpriseInput;
    type Record = Enterprise;
    const PATH: &'static str = "enterprises";
    const ENTITY: Entity = Entity::Enterprise;
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("industry", FilterType::Text),
        ("a_official_id", FilterType::Id),
        ("b_official_id", FilterType::Id),
        ("task_force_id", FilterType::Id),
    ];
    const SCHEMA: &'static str = "Enterprise";
    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors> {
        EnterpriseInput::parse(map)
    }
}

impl Kind for Projects {
    type Input = ProjectInput;
    type Record = Project;
    const PATH: &'static str = "projects";
    const ENTITY: Entity = Entity::Project;
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("category", FilterType::Text),
        ("zone_id", FilterType::Id),
        ("enterprise_id", FilterType::Id),
    ];
    const SCHEMA: &'static str = "Project";
    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors> {
        ProjectInput::parse(map)
    }
}

impl Kind for Stages {
    type Input = feidi_core::programme::StageInput;
    type Record = feidi_store::Stage;
    const PATH: &'static str = "stages";
    const ENTITY: Entity = Entity::Programme;
    const FILTERS: &'static [(&'static str, FilterType)] = &[];
    const SCHEMA: &'static str = "Stage";
    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors> {
        feidi_core::programme::StageInput::parse(map)
    }
}

impl Kind for TaskForces {
    type Input = feidi_core::registry::TaskForceInput;
    type Record = feidi_store::TaskForce;
    const PATH: &'static str = "task-forces";
    const ENTITY: Entity = Entity::Organisation;
    const FILTERS: &'static [(&'static str, FilterType)] = &[("leader_id", FilterType::Id)];
    const SCHEMA: &'static str = "TaskForce";
    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors> {
        feidi_core::registry::TaskForceInput::parse(map)
    }
}

impl Kind for Parcels {
    type Input = feidi_core::land::ParcelInput;
    type Record = feidi_store::Parcel;
    const PATH: &'static str = "parcels";
    const ENTITY: Entity = Entity::Land;
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("zone_id", FilterType::Id),
        ("status", FilterType::Text),
        ("village", FilterType::Text),
        ("project_id", FilterType::Id),
    ];
    const SCHEMA: &'static str = "Parcel";
    const TAKEN_CONFLICTS: bool = true;
    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors> {
        feidi_core::land::ParcelInput::parse(map)
    }
}

impl Kind for Disputes {
    type Input = feidi_core::land::DisputeInput;
    type Record = feidi_store::Dispute;
    const PATH: &'static str = "disputes";
    const ENTITY: Entity = Entity::Land;
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("parcel_id", FilterType::Id),
        ("household_id", FilterType::Id),
        ("status", FilterType::Text),
        ("category", FilterType::Text),
    ];
    const SCHEMA: &'static str = "Dispute";
    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors> {
        // Opened today (Asia/Shanghai) unless the body says when it was raised.
        feidi_core::land::DisputeInput::parse(map, feidi_core::time::today())
    }
}

impl Kind for Households {
    type Input = feidi_core::resettlement::HouseholdInput;
    type Record = feidi_store::Household;
    const PATH: &'static str = "households";
    const ENTITY: Entity = Entity::Resettlement;
    const FILTERS: &'static [(&'static str, FilterType)] =
        &[("village", FilterType::Text), ("parcel_id", FilterType::Id)];
    const SCHEMA: &'static str = "Household";
    fn parse(map: &Map<String, Value>) -> Result<Self::Input, FieldErrors> {
        feidi_core::resettlement::HouseholdInput::parse(map, feidi_core::time::today())
    }
}
