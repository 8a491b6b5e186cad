//! The registry's inputs (M1): what a create or an update of a jurisdiction, zone, enterprise
//! or project must hold, parsed from a JSON body or a form.

use serde_json::{Map, Value};

use crate::CreditCode;
use crate::fixed::{AreaMu, Money};
use crate::input::{FieldErrors, Input, Need};
use crate::model::{Category, Role};

const NAME_MAX: usize = 200;
const SHORT_MAX: usize = 50;
const TEXT_MAX: usize = 4000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JurisdictionInput {
    pub name: String,
    /// The administrative division code (行政区划代码), when known.
    pub code: Option<String>,
}

impl JurisdictionInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let name = input.required_text("name", NAME_MAX);
        let code = input.text("code", Need::Optional, SHORT_MAX);
        input.finish()?;
        Ok(Self { name, code })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneInput {
    pub name: String,
    pub code: Option<String>,
    pub host_jurisdiction_id: i64,
    pub operator_jurisdiction_id: i64,
    pub area_mu: AreaMu,
    pub description: Option<String>,
}

impl ZoneInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let name = input.required_text("name", NAME_MAX);
        let code = input.text("code", Need::Optional, SHORT_MAX);
        let host = input.id("host_jurisdiction_id", Need::Required);
        let operator = input.id("operator_jurisdiction_id", Need::Required);
        let area_mu = input.area("area_mu", Need::Required);
        let description = input.text("description", Need::Optional, TEXT_MAX);
        input.finish()?;
        Ok(Self {
            name,
            code,
            host_jurisdiction_id: host.unwrap_or_default(),
            operator_jurisdiction_id: operator.unwrap_or_default(),
            area_mu: area_mu.unwrap_or_default(),
            description,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseInput {
    pub name: String,
    pub credit_code: CreditCode,
    pub industry: String,
    pub a_official_id: Option<i64>,
    pub b_official_id: Option<i64>,
    pub task_force_id: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
}

impl EnterpriseInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let name = input.required_text("name", NAME_MAX);
        let credit_code = input.credit_code("credit_code");
        let industry = input.required_text("industry", 100);
        let a_official_id = input.id("a_official_id", Need::Optional);
        let b_official_id = input.id("b_official_id", Need::Optional);
        if a_official_id.is_some() && a_official_id == b_official_id {
            input.flag("b_official_id", same_official());
        }
        let task_force_id = input.id("task_force_id", Need::Optional);
        let contact_name = input.text("contact_name", Need::Optional, SHORT_MAX);
        let contact_phone = input.text("contact_phone", Need::Optional, 30);
        let address = input.text("address", Need::Optional, NAME_MAX);
        input.finish()?;
        let Some(credit_code) = credit_code else {
            return Err(FieldErrors::one("credit_code", crate::Flaw::Required));
        };
        Ok(Self {
            name,
            credit_code,
            industry,
            a_official_id,
            b_official_id,
            task_force_id,
            contact_name,
            contact_phone,
            address,
        })
    }
}

/// A task force (工作专班) and its leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskForceInput {
    pub name: String,
    pub leader_id: i64,
    pub description: Option<String>,
}

impl TaskForceInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let name = input.required_text("name", NAME_MAX);
        let leader_id = input.id("leader_id", Need::Required);
        let description = input.text("description", Need::Optional, 2000);
        input.finish()?;
        Ok(Self {
            name,
            leader_id: leader_id.unwrap_or_default(),
            description,
        })
    }
}

fn same_official() -> crate::Flaw {
    crate::Flaw::Rule(
        "B角不能与A角为同一人",
        "must be a different person from the A official",
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectInput {
    pub name: String,
    pub code: Option<String>,
    pub category: Category,
    pub zone_id: i64,
    pub enterprise_id: Option<i64>,
    pub phase: Option<String>,
    pub total_investment: Money,
    pub expected_annual_output: Option<Money>,
    pub expected_jobs: Option<i64>,
    /// The land it needs (用地需求), in 亩.
    pub land_mu: Option<crate::fixed::AreaMu>,
    pub a_official_id: Option<i64>,
    pub b_official_id: Option<i64>,
    pub description: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// Sample data (示例) filled in where the published source is silent.
    pub sample: bool,
}

impl ProjectInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let name = input.required_text("name", NAME_MAX);
        let code = input.text("code", Need::Optional, SHORT_MAX);
        let category = input.one_of("category", Need::Required, Category::CODES, Category::parse);
        let zone_id = input.id("zone_id", Need::Required);
        let enterprise_id = input.id("enterprise_id", Need::Optional);
        let phase = input.text("phase", Need::Optional, SHORT_MAX);
        let total_investment = input.money("total_investment", Need::Required);
        let expected_annual_output = input.money("expected_annual_output", Need::Optional);
        let expected_jobs = input.int("expected_jobs", Need::Optional, 0, 10_000_000);
        let land_mu = input.area("land_mu", Need::Optional);
        let a_official_id = input.id("a_official_id", Need::Optional);
        let b_official_id = input.id("b_official_id", Need::Optional);
        if a_official_id.is_some() && a_official_id == b_official_id {
            input.flag("b_official_id", same_official());
        }
        let description = input.text("description", Need::Optional, TEXT_MAX);
        let contact_name = input.text("contact_name", Need::Optional, SHORT_MAX);
        let contact_phone = input.text("contact_phone", Need::Optional, 30);
        let sample = crate::input::checked(map, "sample");
        input.finish()?;
        Ok(Self {
            name,
            code,
            category: category.unwrap_or(Category::Industrial),
            zone_id: zone_id.unwrap_or_default(),
            enterprise_id,
            phase,
            total_investment: total_investment.unwrap_or_default(),
            expected_annual_output,
            expected_jobs,
            land_mu,
            a_official_id,
            b_official_id,
            description,
            contact_name,
            contact_phone,
            sample,
        })
    }
}

/// A new user account (the password is checked and hashed by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInput {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub enterprise_id: Option<i64>,
    pub phone: Option<String>,
    pub active: bool,
    /// The interface language (Chinese unless chosen).
    pub lang: crate::Lang,
}

/// The shortest password accepted.
pub const PASSWORD_MIN: usize = 10;
/// The longest password accepted.
pub const PASSWORD_MAX: usize = 256;

impl UserInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let login = input.required_text("login", 64);
        if !login.is_empty()
            && !login
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            input.flag(
                "login",
                crate::Flaw::Rule(
                    "只能使用字母、数字和 . _ - @",
                    "may hold only letters, digits and . _ - @",
                ),
            );
        }
        let name = input.required_text("name", SHORT_MAX);
        let role = input.one_of("role", Need::Required, Role::CODES, Role::parse);
        let enterprise_id = input.id("enterprise_id", Need::Optional);
        match (role, enterprise_id) {
            (Some(Role::Enterprise), None) => input.flag("enterprise_id", crate::Flaw::Required),
            (Some(r), Some(_)) if r != Role::Enterprise => input.flag(
                "enterprise_id",
                crate::Flaw::Rule(
                    "只有企业用户才关联企业",
                    "only enterprise users belong to an enterprise",
                ),
            ),
            _ => {}
        }
        let phone = input.text("phone", Need::Optional, 30);
        let lang = input
            .one_of("lang", Need::Optional, &["zh", "en"], crate::Lang::parse)
            .unwrap_or_default();
        let active = !matches!(map.get("active"), Some(Value::Bool(false)))
            && !matches!(map.get("active"), Some(Value::String(s)) if s == "false");
        input.finish()?;
        Ok(Self {
            login,
            name,
            role: role.unwrap_or(Role::Staff),
            enterprise_id,
            phone,
            active,
            lang,
        })
    }
}

/// Checks a new password's strength; `None` when it is acceptable.
pub fn password_flaw(password: &str) -> Option<crate::Flaw> {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        Some(crate::Flaw::Rule(
            "密码至少10位",
            "must be at least 10 characters",
        ))
    } else if length > PASSWORD_MAX {
        // Hashing a password costs memory and time in proportion to its length; 256
        // characters hold any passphrase a person uses.
        Some(crate::Flaw::TooLong(PASSWORD_MAX))
    } else if password.contains('\0') {
        Some(crate::Flaw::Nul)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_project_needs_name_category_zone_and_investment() {
        let Err(errors) = ProjectInput::parse(&map(json!({"category": "farm"}))) else {
            panic!("should fail")
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "category", "zone_id", "total_investment"]);
    }

    #[test]
    fn a_bad_credit_code_is_named() {
        let Err(errors) = EnterpriseInput::parse(&map(
            json!({"name": "x", "industry": "y", "credit_code": "91110000802100433C"}),
        )) else {
            panic!("should fail")
        };
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "credit_code");
    }

    #[test]
    fn enterprise_users_must_name_their_enterprise() {
        let base = json!({"login": "e1", "name": "张三", "role": "enterprise"});
        let Err(errors) = UserInput::parse(&map(base)) else {
            panic!("should fail")
        };
        assert_eq!(errors.0[0].field, "enterprise_id");
        let staff = json!({"login": "s1", "name": "李四", "role": "staff", "enterprise_id": 3});
        assert!(UserInput::parse(&map(staff)).is_err());
        let bad_login = json!({"login": "a b", "name": "x", "role": "staff"});
        assert!(UserInput::parse(&map(bad_login)).is_err());
    }
}
