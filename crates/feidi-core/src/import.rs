//! The rules of an import file's rows (M9): the header row names the columns (api.md), every
//! other row is checked field by field, and every bad row is named with its line and field.

use chrono::{Datelike, NaiveDate};
use serde_json::{Map, Value};

use crate::fixed::Money;
use crate::input::{FieldErrors, Flaw};
use crate::registry::ProjectInput;

/// The columns of a report import: required, then optional.
pub const REPORT_REQUIRED: &[&str] = &["project_id", "month", "completed_investment"];
pub const REPORT_OPTIONAL: &[&str] = &[
    "progress_note",
    "problems",
    "project_code",
    "completed_investment_wan",
    "project_name",
];

/// A required column another may stand in for: a project by its code (as the screens show
/// it) instead of its id, an amount in 万元 instead of yuan.
const STANDS_IN: &[(&str, &str)] = &[
    ("project_id", "project_code"),
    ("completed_investment", "completed_investment_wan"),
];

/// The headers a file may use in Chinese (the template's), and the columns they are.
const CHINESE: &[(&str, &str)] = &[
    ("项目id", "project_id"),
    ("项目编号", "project_code"),
    ("项目名称", "project_name"),
    ("月份", "month"),
    ("本月完成投资（元）", "completed_investment"),
    ("本月完成投资（万元）", "completed_investment_wan"),
    ("形象进度", "progress_note"),
    ("存在问题", "problems"),
    ("名称", "name"),
    ("类别", "category"),
    ("园区id", "zone_id"),
    ("总投资（元）", "total_investment"),
    ("企业id", "enterprise_id"),
    ("期次", "phase"),
];

/// Which project a report row names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectRef {
    Id(i64),
    /// Its code, as the project list shows it.
    Code(String),
}
/// The columns of a project import: required, then optional.
pub const PROJECT_REQUIRED: &[&str] = &["name", "category", "zone_id", "total_investment"];
pub const PROJECT_OPTIONAL: &[&str] = &[
    "enterprise_id",
    "phase",
    "expected_annual_output",
    "expected_jobs",
];

/// A bad field of a row; line 1 is the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub flaw: Flaw,
}

/// Where each known column is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    positions: Vec<(&'static str, usize)>,
    /// How many cells the header has: a row with more (an unquoted `4,600,000` becomes three
    /// cells, and its amount 4) is refused, not read short.
    width: usize,
}

impl Columns {
    /// Reads the header row: every required column present, nothing unknown, nothing twice.
    pub fn parse(
        header: &[&str],
        required: &'static [&'static str],
        optional: &'static [&'static str],
    ) -> Result<Self, Vec<RowError>> {
        let mut positions = Vec::new();
        let mut errors = Vec::new();
        let error = |field: &str, flaw| RowError {
            line: 1,
            field: field.to_string(),
            flaw,
        };
        for (i, cell) in header.iter().enumerate() {
            let name = cell.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            let name = CHINESE
                .iter()
                .find(|(zh, _)| *zh == name)
                .map_or(name.clone(), |(_, code)| (*code).to_string());
            match required.iter().chain(optional).find(|k| **k == name) {
                Some(known) if positions.iter().any(|(k, _)| k == known) => errors.push(error(
                    known,
                    Flaw::Rule("表头中重复出现", "appears twice in the header"),
                )),
                Some(known) => positions.push((*known, i)),
                None => errors.push(error(
                    &name,
                    Flaw::Rule("不是可导入的列", "is not a column this import takes"),
                )),
            }
        }
        for column in required {
            let stand_in = STANDS_IN.iter().find(|(c, _)| c == column).map(|(_, s)| *s);
            let present = |name: &str| positions.iter().any(|(k, _)| *k == name);
            if !present(column) && !stand_in.is_some_and(present) {
                errors.push(error(
                    column,
                    Flaw::Rule("表头缺少此列", "is missing from the header"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Self {
                positions,
                width: header.len(),
            })
        } else {
            Err(errors)
        }
    }

    /// A row with filled cells beyond the header's: named, with the likely cause.
    pub fn overflow(&self, cells: &[&str], line: u64) -> Option<RowError> {
        cells
            .get(self.width..)
            .is_some_and(|extra| extra.iter().any(|c| !c.trim().is_empty()))
            .then(|| RowError {
                line,
                field: "columns".into(),
                flaw: Flaw::Rule(
                    "此行的列数多于表头：含逗号的金额（如 4,600,000）须加引号，或去掉千位分隔符",
                    "has more cells than the header: quote an amount with commas (like 4,600,000) or drop its separators",
                ),
            })
    }

    /// The trimmed value of a column in a row; none when absent or empty.
    pub fn get<'a>(&self, cells: &[&'a str], column: &str) -> Option<&'a str> {
        let (_, i) = self.positions.iter().find(|(k, _)| *k == column)?;
        cells.get(*i).map(|c| c.trim()).filter(|c| !c.is_empty())
    }
}

/// A report row once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub project: ProjectRef,
    /// `YYYY-MM`.
    pub month: String,
    pub completed_investment: Money,
    pub progress_note: Option<String>,
    pub problems: Option<String>,
}

/// Checks one report row on its own (references and duplicates are the caller's to check).
/// A month may not lie in the future of `today`.
pub fn report_row(
    columns: &Columns,
    cells: &[&str],
    line: u64,
    today: NaiveDate,
) -> Result<ReportRow, Vec<RowError>> {
    let mut errors: Vec<RowError> = columns.overflow(cells, line).into_iter().collect();
    let mut flag = |field: &str, flaw| {
        errors.push(RowError {
            line,
            field: field.to_string(),
            flaw,
        })
    };
    let project = match (
        columns.get(cells, "project_id"),
        columns.get(cells, "project_code"),
    ) {
        (None, Some(code)) => Some(ProjectRef::Code(code.to_string())),
        (None, None) => {
            flag("project_id", Flaw::Required);
            None
        }
        (Some(text), _) => match text.parse::<i64>() {
            Ok(id) if id >= 1 => Some(ProjectRef::Id(id)),
            Ok(_) => {
                flag("project_id", Flaw::OutOfRange(1, i64::MAX));
                None
            }
            Err(_) => {
                flag("project_id", Flaw::NotInteger);
                None
            }
        },
    };
    let month = match columns.get(cells, "month") {
        None => {
            flag("month", Flaw::Required);
            None
        }
        Some(text) => match crate::schedule::parse_month(text) {
            None => {
                flag(
                    "month",
                    Flaw::Rule("月份格式须为 YYYY-MM", "must be a month YYYY-MM"),
                );
                None
            }
            Some((y, m)) if (y, m) > (today.year(), today.month()) => {
                flag(
                    "month",
                    Flaw::Rule("不能为将来的月份", "cannot be a month that has not begun"),
                );
                None
            }
            Some((y, m)) => Some(format!("{y:04}-{m:02}")),
        },
    };
    let amount = match (
        columns.get(cells, "completed_investment"),
        columns.get(cells, "completed_investment_wan"),
    ) {
        (None, None) => {
            flag("completed_investment", Flaw::Required);
            None
        }
        (Some(text), _) => match Money::parse_non_negative(text) {
            Ok(m) => Some(m),
            Err(e) => {
                flag("completed_investment", Flaw::Decimal(e));
                None
            }
        },
        // In 万元, as the template's column is: `4,620`, `4620万`, `0.462亿` all read exactly.
        (None, Some(text)) => match Money::parse_typed(text, crate::fixed::MoneyUnit::Wan) {
            Ok(m) => Some(m),
            Err(e) => {
                flag("completed_investment_wan", Flaw::Decimal(e));
                None
            }
        },
    };
    let mut text = |field: &str| {
        let value = columns.get(cells, field)?;
        if value.contains('\0') {
            flag(field, Flaw::Nul);
            return None;
        }
        if value.chars().count() > 2000 {
            flag(field, Flaw::TooLong(2000));
            return None;
        }
        Some(value.to_string())
    };
    let progress_note = text("progress_note");
    let problems = text("problems");
    match (project, month, amount) {
        (Some(project), Some(month), Some(completed_investment)) if errors.is_empty() => Ok(ReportRow {
            project,
            month,
            completed_investment,
            progress_note,
            problems,
        }),
        _ => Err(errors),
    }
}

/// Checks one project row by the same rules as the project form (references are the caller's
/// to check).
pub fn project_row(columns: &Columns, cells: &[&str], line: u64) -> Result<ProjectInput, Vec<RowError>> {
    if let Some(overflow) = columns.overflow(cells, line) {
        return Err(vec![overflow]);
    }
    let mut map = Map::new();
    for column in PROJECT_REQUIRED.iter().chain(PROJECT_OPTIONAL) {
        if let Some(value) = columns.get(cells, column) {
            map.insert((*column).to_string(), Value::String(value.to_string()));
        }
    }
    ProjectInput::parse(&map).map_err(|FieldErrors(errors)| {
        errors
            .into_iter()
            .map(|e| RowError {
                line,
                field: e.field,
                flaw: e.flaw,
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 7, 7).unwrap_or_default()
    }

    #[test]
    fn an_unquoted_amount_with_commas_is_refused_not_read_short() {
        let columns = Columns::parse(
            &["project_id", "month", "completed_investment"],
            REPORT_REQUIRED,
            REPORT_OPTIONAL,
        )
        .expect("header");
        let cells = ["7", "2023-06", "4", "600", "000"];
        let errors = report_row(&columns, &cells, 2, today()).expect_err("refused");
        assert_eq!(errors[0].field, "columns");
        assert_eq!(errors[0].line, 2);
        // Empty cells past the header (a spreadsheet's trailing commas) are no harm.
        let ok = report_row(&columns, &["7", "2023-06", "4600000", "", " "], 3, today()).expect("read");
        assert_eq!(ok.completed_investment, Money::yuan(4_600_000));
        let columns = Columns::parse(
            &["name", "category", "zone_id", "total_investment"],
            PROJECT_REQUIRED,
            PROJECT_OPTIONAL,
        )
        .expect("header");
        let errors =
            project_row(&columns, &["园区", "industrial", "1", "7", "100", "000"], 4).expect_err("refused");
        assert_eq!(errors[0].field, "columns");
    }

    #[test]
    fn a_header_must_name_the_columns_of_the_import() {
        let ok = Columns::parse(
            &["\u{feff}project_id", "Month", "completed_investment", "problems"],
            REPORT_REQUIRED,
            REPORT_OPTIONAL,
        );
        assert!(ok.is_ok());
        let bad = Columns::parse(
            &["project_id", "amount", "project_id"],
            REPORT_REQUIRED,
            REPORT_OPTIONAL,
        )
        .err()
        .unwrap_or_default();
        let fields: Vec<_> = bad.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            fields,
            [
                (1, "amount"),
                (1, "project_id"),
                (1, "month"),
                (1, "completed_investment")
            ]
        );
    }

    #[test]
    fn every_bad_field_of_a_row_is_named() {
        let columns = Columns::parse(
            &["project_id", "month", "completed_investment"],
            REPORT_REQUIRED,
            REPORT_OPTIONAL,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let row = report_row(&columns, &["7", "2023-06", "1200.50"], 2, today());
        assert_eq!(
            row.map(|r| r.completed_investment.to_string()),
            Ok("1200.50".to_string())
        );
        let errors = report_row(&columns, &["x", "2023-13", "-1"], 3, today())
            .err()
            .unwrap_or_default();
        let fields: Vec<_> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            fields,
            [(3, "project_id"), (3, "month"), (3, "completed_investment")]
        );
        let future = report_row(&columns, &["7", "2023-08", "1"], 4, today())
            .err()
            .unwrap_or_default();
        assert_eq!(future[0].field, "month");
    }

    #[test]
    fn project_rows_follow_the_project_form() {
        let columns = Columns::parse(
            &["name", "category", "zone_id", "total_investment"],
            PROJECT_REQUIRED,
            PROJECT_OPTIONAL,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(project_row(&columns, &["物流园", "supporting", "1", "25000"], 2).is_ok());
        let errors = project_row(&columns, &["", "farm", "1", "12.345"], 3)
            .err()
            .unwrap_or_default();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "category", "total_investment"]);
    }
}
