//! The programme's goals (M4): stages with an end date and targets, and how far the programme
//! has come against each.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::fixed::{Money, Ratio};
use crate::input::{FieldErrors, Input, Need};

/// A stage of the programme (一年起步, 三年起势, 五年成型) as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageInput {
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub target_project_count: Option<i64>,
    pub target_total_investment: Option<Money>,
    pub target_completed_investment: Option<Money>,
    pub target_annual_output: Option<Money>,
    pub target_jobs: Option<i64>,
    /// Targets that are illustrations, not the programme's published ones.
    pub sample: bool,
    pub note: Option<String>,
}

impl StageInput {
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut input = Input::new(map);
        let name = input.required_text("name", 100);
        let start = input.date("start_date", Need::Required);
        let end = input.date("end_date", Need::Required);
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            input.flag(
                "end_date",
                crate::Flaw::Rule("不能早于开始日期", "cannot be before the start date"),
            );
        }
        let projects = input.int("target_project_count", Need::Optional, 0, 1_000_000);
        let total = input.money("target_total_investment", Need::Optional);
        let completed = input.money("target_completed_investment", Need::Optional);
        let output = input.money("target_annual_output", Need::Optional);
        let jobs = input.int("target_jobs", Need::Optional, 0, 100_000_000);
        let sample = crate::input::checked(map, "sample");
        let note = input.text("note", Need::Optional, 2000);
        input.finish()?;
        Ok(Self {
            name,
            start_date: start.unwrap_or_default(),
            end_date: end.unwrap_or_default(),
            target_project_count: projects,
            target_total_investment: total,
            target_completed_investment: completed,
            target_annual_output: output,
            target_jobs: jobs,
            sample,
            note,
        })
    }
}

/// What the programme has reached, measured on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Reached {
    pub project_count: i64,
    pub total_investment: Money,
    pub completed_investment: Money,
    /// The expected annual output of the projects in production by then.
    pub annual_output: Money,
    /// The expected jobs of the projects in production by then.
    pub jobs: i64,
}

/// Where a stage stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageState {
    /// Not begun by the day judged.
    Upcoming,
    /// Under way.
    Current,
    /// Ended with every target reached (目标达成).
    Met,
    /// Ended with some target missed.
    Missed,
}

/// One target and how far it is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetProgress {
    /// `project_count`, `total_investment`, `completed_investment`, `annual_output` or `jobs`.
    pub measure: &'static str,
    /// The target and the figure reached: money as decimal strings, counts as integers.
    pub target: Value,
    pub reached: Value,
    /// reached ÷ target, four decimals (1 or more: met).
    pub ratio: Ratio,
    pub met: bool,
}

/// A stage's targets against what the programme has reached, on `on` (the stage's end date if
/// it has passed, else the day judged); `time_ratio` is how much of the stage's time has gone.
pub fn stage_progress(
    stage: &StageInput,
    reached: &Reached,
    today: NaiveDate,
) -> (StageState, Ratio, Vec<TargetProgress>) {
    let mut targets = Vec::new();
    let mut count = |measure, target: Option<i64>, reached: i64| {
        if let Some(t) = target {
            targets.push(TargetProgress {
                measure,
                target: Value::from(t),
                reached: Value::from(reached),
                ratio: Ratio::of(reached, t),
                met: reached >= t,
            });
        }
    };
    count("project_count", stage.target_project_count, reached.project_count);
    count("jobs", stage.target_jobs, reached.jobs);
    let mut money = |measure, target: Option<Money>, reached: Money| {
        if let Some(t) = target {
            targets.push(TargetProgress {
                measure,
                target: Value::from(t.to_string()),
                reached: Value::from(reached.to_string()),
                ratio: Ratio::of(reached.hundredths(), t.hundredths()),
                met: reached >= t,
            });
        }
    };
    money(
        "total_investment",
        stage.target_total_investment,
        reached.total_investment,
    );
    money(
        "completed_investment",
        stage.target_completed_investment,
        reached.completed_investment,
    );
    money("annual_output", stage.target_annual_output, reached.annual_output);
    let order = [
        "project_count",
        "total_investment",
        "completed_investment",
        "annual_output",
        "jobs",
    ];
    targets.sort_by_key(|t| order.iter().position(|m| *m == t.measure));
    let state = if today < stage.start_date {
        StageState::Upcoming
    } else if today <= stage.end_date {
        StageState::Current
    } else if targets.iter().all(|t| t.met) {
        StageState::Met
    } else {
        StageState::Missed
    };
    let span = (stage.end_date - stage.start_date).num_days() + 1;
    let gone = ((today - stage.start_date).num_days() + 1).clamp(0, span);
    (state, Ratio::of(gone, span), targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(map: Value) -> Result<StageInput, FieldErrors> {
        StageInput::parse(map.as_object().unwrap_or(&Map::new()))
    }

    #[test]
    fn a_stage_names_its_bad_fields() {
        let err = stage(serde_json::json!({
            "name": "",
            "start_date": "2023-07-01",
            "end_date": "2022-06-30",
            "target_total_investment": 12.5,
        }))
        .err()
        .unwrap_or_default();
        let fields: Vec<_> = err
            .to_json(crate::Lang::En)
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["name", "end_date", "target_total_investment"]);
    }

    #[test]
    fn the_first_stage_is_met_by_the_reference_figures() {
        let first = stage(serde_json::json!({
            "name": "一年起步",
            "start_date": "2022-07-01",
            "end_date": "2023-06-30",
            "target_project_count": "35",
            "target_total_investment": "13500000000",
            "target_completed_investment": "3600000000",
        }))
        .unwrap_or_else(|e| panic!("{e:?}"));
        let reached = Reached {
            project_count: 35,
            total_investment: Money::from_hundredths(1_350_000_000_000),
            completed_investment: Money::from_hundredths(366_000_000_000),
            ..Reached::default()
        };
        let day = NaiveDate::from_ymd_opt(2023, 7, 7).unwrap_or_default();
        let (state, time, targets) = stage_progress(&first, &reached, day);
        assert_eq!(state, StageState::Met);
        assert_eq!(time.to_string(), "1.0000");
        assert_eq!(targets.len(), 3);
        assert_eq!(targets[2].ratio.to_string(), "1.0167");
        // The same stage judged while it runs, short of its completed investment.
        let half = Reached {
            completed_investment: Money::from_hundredths(180_000_000_000),
            ..reached
        };
        let day = NaiveDate::from_ymd_opt(2022, 12, 31).unwrap_or_default();
        let (state, _, targets) = stage_progress(&first, &half, day);
        assert_eq!(state, StageState::Current);
        assert!(!targets[2].met);
    }
}
