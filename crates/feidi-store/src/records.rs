//! The stored records of the registry and accounts, as the API shows them.

use feidi_core::model::{Category, Role};
use feidi_core::registry::{
    EnterpriseInput, JurisdictionInput, ProjectInput, TaskForceInput, UserInput, ZoneInput,
};
use feidi_core::time::Stamp;
use feidi_core::{AreaMu, Lang, Money};
use serde::Serialize;

use crate::columns::{row, values};
use crate::registry::{Inputs, Record, Reference};
use crate::value::Val;

row! {
    /// A county or city taking part in the programme.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Jurisdiction {
        pub id: i64,
        pub name: String,
        pub code: Option<String>,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Record for Jurisdiction {
    const ENTITY: &'static str = "jurisdiction";
    const TABLE: &'static str = "jurisdictions";
    const UNIQUE: &'static [&'static str] = &["name"];
    const SORTABLE: &'static [&'static str] = &["id", "name"];
    const FILTERS: &'static [&'static str] = &[];

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for JurisdictionInput {
    type Record = Jurisdiction;
    fn values(&self) -> Vec<(&'static str, Val)> {
        values!(self: name, code)
    }
}

row! {
    /// A park or area (园区/片区) on a host's land, run by an operator.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Zone {
        pub id: i64,
        pub name: String,
        pub code: Option<String>,
        pub host_jurisdiction_id: i64,
        pub operator_jurisdiction_id: i64,
        pub area_mu: AreaMu,
        pub description: Option<String>,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Record for Zone {
    const ENTITY: &'static str = "zone";
    const TABLE: &'static str = "zones";
    const UNIQUE: &'static [&'static str] = &["name"];
    const SORTABLE: &'static [&'static str] = &["id", "name", "area_mu"];
    const FILTERS: &'static [&'static str] = &["host_jurisdiction_id", "operator_jurisdiction_id"];

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for ZoneInput {
    type Record = Zone;
    fn values(&self) -> Vec<(&'static str, Val)> {
        values!(self: name, code, host_jurisdiction_id, operator_jurisdiction_id, area_mu, description)
    }
    fn references(&self) -> Vec<Reference> {
        vec![
            Reference::new(
                "host_jurisdiction_id",
                "jurisdictions",
                Some(self.host_jurisdiction_id),
            ),
            Reference::new(
                "operator_jurisdiction_id",
                "jurisdictions",
                Some(self.operator_jurisdiction_id),
            ),
        ]
    }
}

row! {
    /// An enterprise in the park, with its A and B officials (包联).
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Enterprise {
        pub id: i64,
        pub name: String,
        pub credit_code: String,
        pub industry: String,
        pub a_official_id: Option<i64>,
        pub b_official_id: Option<i64>,
        /// The task force (工作专班) that serves it.
        pub task_force_id: Option<i64>,
        pub contact_name: Option<String>,
        pub contact_phone: Option<String>,
        pub address: Option<String>,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Record for Enterprise {
    const ENTITY: &'static str = "enterprise";
    const TABLE: &'static str = "enterprises";
    const UNIQUE: &'static [&'static str] = &["credit_code"];
    const SORTABLE: &'static [&'static str] = &["id", "name", "industry"];
    const FILTERS: &'static [&'static str] = &["industry", "a_official_id", "b_official_id", "task_force_id"];
    const SCOPE_COLUMN: Option<&'static str> = Some("id");

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for EnterpriseInput {
    type Record = Enterprise;
    fn values(&self) -> Vec<(&'static str, Val)> {
        values!(self: name, credit_code, industry, a_official_id, b_official_id, task_force_id, contact_name, contact_phone, address)
    }
    fn references(&self) -> Vec<Reference> {
        vec![
            Reference::official("a_official_id", self.a_official_id),
            Reference::official("b_official_id", self.b_official_id),
            Reference::new("task_force_id", "task_forces", self.task_force_id),
        ]
    }
}

row! {
    /// A project of the portfolio (项目库).
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Project {
        pub id: i64,
        pub code: Option<String>,
        pub name: String,
        pub category: Category,
        pub zone_id: i64,
        pub enterprise_id: Option<i64>,
        pub phase: Option<String>,
        pub total_investment: Money,
        pub expected_annual_output: Option<Money>,
        pub expected_jobs: Option<i64>,
        /// The land it needs, in 亩.
        pub land_mu: Option<feidi_core::AreaMu>,
        pub a_official_id: Option<i64>,
        pub b_official_id: Option<i64>,
        pub description: Option<String>,
        pub contact_name: Option<String>,
        pub contact_phone: Option<String>,
        pub sample: bool,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Record for Project {
    const ENTITY: &'static str = "project";
    const TABLE: &'static str = "projects";
    const UNIQUE: &'static [&'static str] = &["code"];
    const SORTABLE: &'static [&'static str] = &[
        "id",
        "name",
        "total_investment",
        "category",
        "zone_id",
        "updated_at",
    ];
    const FILTERS: &'static [&'static str] = &["category", "zone_id", "enterprise_id"];
    const SCOPE_COLUMN: Option<&'static str> = Some("enterprise_id");

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for ProjectInput {
    type Record = Project;
    fn values(&self) -> Vec<(&'static str, Val)> {
        values!(self: code, name, category, zone_id, enterprise_id, phase, total_investment, expected_annual_output, expected_jobs, land_mu, a_official_id, b_official_id, description, contact_name, contact_phone, sample)
    }
    fn references(&self) -> Vec<Reference> {
        vec![
            Reference::new("zone_id", "zones", Some(self.zone_id)),
            Reference::new("enterprise_id", "enterprises", self.enterprise_id),
            Reference::official("a_official_id", self.a_official_id),
            Reference::official("b_official_id", self.b_official_id),
        ]
    }
}

row! {
    /// A user account (never with its password hash).
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct User {
        pub id: i64,
        pub login: String,
        pub name: String,
        pub role: Role,
        pub enterprise_id: Option<i64>,
        pub phone: Option<String>,
        pub lang: Lang,
        pub active: bool,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Record for User {
    const ENTITY: &'static str = "user";
    const TABLE: &'static str = "users";
    const UNIQUE: &'static [&'static str] = &["login"];
    const SORTABLE: &'static [&'static str] = &["id", "login", "name", "role"];
    const FILTERS: &'static [&'static str] = &["role", "enterprise_id"];

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for UserInput {
    type Record = User;
    fn values(&self) -> Vec<(&'static str, Val)> {
        values!(self: login, name, role, enterprise_id, phone, active, lang)
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference::new("enterprise_id", "enterprises", self.enterprise_id)]
    }
}

row! {
    /// A task force (工作专班): a leader and members who serve some enterprises' appeals.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct TaskForce {
        pub id: i64,
        pub name: String,
        pub leader_id: i64,
        pub description: Option<String>,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Record for TaskForce {
    const ENTITY: &'static str = "task_force";
    const TABLE: &'static str = "task_forces";
    const UNIQUE: &'static [&'static str] = &["name"];
    const SORTABLE: &'static [&'static str] = &["id", "name"];
    const FILTERS: &'static [&'static str] = &["leader_id"];

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for TaskForceInput {
    type Record = TaskForce;
    fn values(&self) -> Vec<(&'static str, Val)> {
        values!(self: name, leader_id, description)
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference::official("leader_id", Some(self.leader_id))]
    }
}
