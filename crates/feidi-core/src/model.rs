//! The programme's vocabulary: roles and project categories, with their codes and labels.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Declares a closed set of codes with their Chinese and English labels.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// Every code, in display order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The code used in the API and the database.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// Parses a code.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)+ _ => None }
            }

            /// The label a user reads.
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Self::$variant, Lang::Zh) => $zh, (Self::$variant, Lang::En) => $en,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

code_enum!(
    /// What a user does in the programme (mission §2).
    Role {
        Admin = "admin", "系统管理员", "Administrator";
        Leader = "leader", "领导", "Leader";
        Staff = "staff", "工作人员", "Staff";
        Reporter = "reporter", "统计员", "Reporter";
        Enterprise = "enterprise", "企业用户", "Enterprise";
        Finance = "finance", "财税人员", "Finance";
    }
);

impl Role {
    /// The officials: who may be an enterprise's A or B official, a task force's member, or
    /// be picked from the officials' list.
    pub const OFFICIALS: &'static [Self] = &[Self::Leader, Self::Staff];

    pub fn is_official(self) -> bool {
        Self::OFFICIALS.contains(&self)
    }

    /// The officials' codes as an SQL list (`'leader', 'staff'`), so that queries filter by
    /// this one rule.
    pub fn officials_sql() -> String {
        sql_list(Self::OFFICIALS.iter().map(|r| r.as_str()))
    }
}

/// Codes as an SQL list (`'a', 'b'`), for queries that filter by a rule of core's. The codes
/// are core's own constants, never user text.
pub fn sql_list<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes.map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
}

code_enum!(
    /// A project's category (M1).
    Category {
        Industrial = "industrial", "产业项目", "Industrial";
        Infrastructure = "infrastructure", "基础设施", "Infrastructure";
        Supporting = "supporting", "配套项目", "Supporting";
    }
);
