//! The stored records of the registry and accounts, as the API shows them.

use feidi_core::model::{Category, Role};
use feidi_core::registry::{
    EnterpriseInput, JurisdictionInput, ProjectInput, TaskForceInput, UserInput, ZoneInput,
};
use feidi_core::{AreaMu, Lang, Money};
use serde::Serialize;

use crate::registry::{Inputs, Record, Reference};
use crate::value::{Cols, Val};
use crate::{StoreError, StoreResult};

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value}"))
}

/// A county or city taking part in the programme.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Jurisdiction {
    pub id: i64,
    pub name: String,
    pub code: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl Record for Jurisdiction {
    const ENTITY: &'static str = "jurisdiction";
    const TABLE: &'static str = "jurisdictions";
    const COLUMNS: &'static str = "id, name, code, version, created_at, updated_at";
    const UNIQUE: &'static [&'static str] = &["name"];
    const SORTABLE: &'static [&'static str] = &["id", "name"];
    const FILTERS: &'static [&'static str] = &[];

    fn from_cols(c: &Cols<'_>) -> StoreResult<Self> {
        Ok(Self {
            id: c.int("id")?,
            name: c.text("name")?,
            code: c.opt_text("code")?,
            version: c.int("version")?,
            created_at: c.text("created_at")?,
            updated_at: c.text("updated_at")?,
        })
    }
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
        vec![
            ("name", self.name.clone().into()),
            ("code", self.code.clone().into()),
        ]
    }
}

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
    pub created_at: String,
    pub updated_at: String,
}

impl Record for Zone {
    const ENTITY: &'static str = "zone";
    const TABLE: &'static str = "zones";
    const COLUMNS: &'static str = "id, name, code, host_jurisdiction_id, operator_jurisdiction_id, area_mu, description, version, created_at, updated_at";
    const UNIQUE: &'static [&'static str] = &["name"];
    const SORTABLE: &'static [&'static str] = &["id", "name", "area_mu"];
    const FILTERS: &'static [&'static str] = &["host_jurisdiction_id", "operator_jurisdiction_id"];

    fn from_cols(c: &Cols<'_>) -> StoreResult<Self> {
        Ok(Self {
            id: c.int("id")?,
            name: c.text("name")?,
            code: c.opt_text("code")?,
            host_jurisdiction_id: c.int("host_jurisdiction_id")?,
            operator_jurisdiction_id: c.int("operator_jurisdiction_id")?,
            area_mu: AreaMu::from_hundredths(c.int("area_mu")?),
            description: c.opt_text("description")?,
            version: c.int("version")?,
            created_at: c.text("created_at")?,
            updated_at: c.text("updated_at")?,
        })
    }
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
        vec![
            ("name", self.name.clone().into()),
            ("code", self.code.clone().into()),
            ("host_jurisdiction_id", self.host_jurisdiction_id.into()),
            ("operator_jurisdiction_id", self.operator_jurisdiction_id.into()),
            ("area_mu", self.area_mu.hundredths().into()),
            ("description", self.description.clone().into()),
        ]
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
    pub created_at: String,
    pub updated_at: String,
}

impl Record for Enterprise {
    const ENTITY: &'static str = "enterprise";
    const TABLE: &'static str = "enterprises";
    const COLUMNS: &'static str = "id, name, credit_code, industry, a_official_id, b_official_id, task_force_id, contact_name, contact_phone, address, version, created_at, updated_at";
    const UNIQUE: &'static [&'static str] = &["credit_code"];
    const SORTABLE: &'static [&'static str] = &["id", "name", "industry"];
    const FILTERS: &'static [&'static str] = &["industry", "a_official_id", "b_official_id", "task_force_id"];
    const SCOPE_COLUMN: Option<&'static str> = Some("id");

    fn from_cols(c: &Cols<'_>) -> StoreResult<Self> {
        Ok(Self {
            id: c.int("id")?,
            name: c.text("name")?,
            credit_code: c.text("credit_code")?,
            industry: c.text("industry")?,
            a_official_id: c.opt_int("a_official_id")?,
            b_official_id: c.opt_int("b_official_id")?,
            task_force_id: c.opt_int("task_force_id")?,
            contact_name: c.opt_text("contact_name")?,
            contact_phone: c.opt_text("contact_phone")?,
            address: c.opt_text("address")?,
            version: c.int("version")?,
            created_at: c.text("created_at")?,
            updated_at: c.text("updated_at")?,
        })
    }
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
        vec![
            ("name", self.name.clone().into()),
            ("credit_code", self.credit_code.as_str().into()),
            ("industry", self.industry.clone().into()),
            ("a_official_id", self.a_official_id.into()),
            ("b_official_id", self.b_official_id.into()),
            ("task_force_id", self.task_force_id.into()),
            ("contact_name", self.contact_name.clone().into()),
            ("contact_phone", self.contact_phone.clone().into()),
            ("address", self.address.clone().into()),
        ]
    }
    fn references(&self) -> Vec<Reference> {
        vec![
            Reference::official("a_official_id", self.a_official_id),
            Reference::official("b_official_id", self.b_official_id),
            Reference::new("task_force_id", "task_forces", self.task_force_id),
        ]
    }
}

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
    pub a_official_id: Option<i64>,
    pub b_official_id: Option<i64>,
    pub description: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub sample: bool,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl Record for Project {
    const ENTITY: &'static str = "project";
    const TABLE: &'static str = "projects";
    const COLUMNS: &'static str = "id, code, name, category, zone_id, enterprise_id, phase, total_investment, expected_annual_output, expected_jobs, a_official_id, b_official_id, description, contact_name, contact_phone, sample, version, created_at, updated_at";
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

    fn from_cols(c: &Cols<'_>) -> StoreResult<Self> {
        let category = c.text("category")?;
        Ok(Self {
            id: c.int("id")?,
            code: c.opt_text("code")?,
            name: c.text("name")?,
            category: Category::parse(&category).ok_or_else(|| corrupt("category", &category))?,
            zone_id: c.int("zone_id")?,
            enterprise_id: c.opt_int("enterprise_id")?,
            phase: c.opt_text("phase")?,
            total_investment: Money::from_hundredths(c.int("total_investment")?),
            expected_annual_output: c.opt_int("expected_annual_output")?.map(Money::from_hundredths),
            expected_jobs: c.opt_int("expected_jobs")?,
            a_official_id: c.opt_int("a_official_id")?,
            b_official_id: c.opt_int("b_official_id")?,
            description: c.opt_text("description")?,
            contact_name: c.opt_text("contact_name")?,
            contact_phone: c.opt_text("contact_phone")?,
            sample: c.boolean("sample")?,
            version: c.int("version")?,
            created_at: c.text("created_at")?,
            updated_at: c.text("updated_at")?,
        })
    }
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
        vec![
            ("code", self.code.clone().into()),
            ("name", self.name.clone().into()),
            ("category", self.category.as_str().into()),
            ("zone_id", self.zone_id.into()),
            ("enterprise_id", self.enterprise_id.into()),
            ("phase", self.phase.clone().into()),
            ("total_investment", self.total_investment.hundredths().into()),
            (
                "expected_annual_output",
                self.expected_annual_output.map(Money::hundredths).into(),
            ),
            ("expected_jobs", self.expected_jobs.into()),
            ("a_official_id", self.a_official_id.into()),
            ("b_official_id", self.b_official_id.into()),
            ("description", self.description.clone().into()),
            ("contact_name", self.contact_name.clone().into()),
            ("contact_phone", self.contact_phone.clone().into()),
            ("sample", self.sample.into()),
        ]
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
    pub created_at: String,
    pub updated_at: String,
}

impl Record for User {
    const ENTITY: &'static str = "user";
    const TABLE: &'static str = "users";
    const COLUMNS: &'static str =
        "id, login, name, role, enterprise_id, phone, lang, active, version, created_at, updated_at";
    const UNIQUE: &'static [&'static str] = &["login"];
    const SORTABLE: &'static [&'static str] = &["id", "login", "name", "role"];
    const FILTERS: &'static [&'static str] = &["role", "enterprise_id"];

    fn from_cols(c: &Cols<'_>) -> StoreResult<Self> {
        let role = c.text("role")?;
        Ok(Self {
            id: c.int("id")?,
            login: c.text("login")?,
            name: c.text("name")?,
            role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
            enterprise_id: c.opt_int("enterprise_id")?,
            phone: c.opt_text("phone")?,
            lang: Lang::parse(&c.text("lang")?).unwrap_or_default(),
            active: c.boolean("active")?,
            version: c.int("version")?,
            created_at: c.text("created_at")?,
            updated_at: c.text("updated_at")?,
        })
    }
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
        vec![
            ("login", self.login.clone().into()),
            ("name", self.name.clone().into()),
            ("role", self.role.as_str().into()),
            ("enterprise_id", self.enterprise_id.into()),
            ("phone", self.phone.clone().into()),
            ("active", self.active.into()),
            ("lang", self.lang.as_str().into()),
        ]
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference::new("enterprise_id", "enterprises", self.enterprise_id)]
    }
}

/// A task force (工作专班): a leader and members who serve some enterprises' appeals.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TaskForce {
    pub id: i64,
    pub name: String,
    pub leader_id: i64,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl Record for TaskForce {
    const ENTITY: &'static str = "task_force";
    const TABLE: &'static str = "task_forces";
    const COLUMNS: &'static str = "id, name, leader_id, description, version, created_at, updated_at";
    const UNIQUE: &'static [&'static str] = &["name"];
    const SORTABLE: &'static [&'static str] = &["id", "name"];
    const FILTERS: &'static [&'static str] = &["leader_id"];

    fn from_cols(c: &Cols<'_>) -> StoreResult<Self> {
        Ok(Self {
            id: c.int("id")?,
            name: c.text("name")?,
            leader_id: c.int("leader_id")?,
            description: c.opt_text("description")?,
            version: c.int("version")?,
            created_at: c.text("created_at")?,
            updated_at: c.text("updated_at")?,
        })
    }
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
        vec![
            ("name", self.name.clone().into()),
            ("leader_id", self.leader_id.into()),
            ("description", self.description.clone().into()),
        ]
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference::official("leader_id", Some(self.leader_id))]
    }
}
