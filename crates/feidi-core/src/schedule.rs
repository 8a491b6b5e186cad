//! The schedule's rules (M2, M3): milestone variance and lights, the months that count as of a
//! date, the annual light (序时进度) and a project's light as the worst of its lights.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Money;

/// A traffic light (红黄绿灯), ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Yellow => "yellow",
            Self::Red => "red",
        }
    }

    /// What a person reads for a light, or for none ("绿灯", "未评价").
    pub fn words(light: Option<Light>, lang: crate::Lang) -> &'static str {
        lang.t(match light {
            Some(Self::Green) => "light.green",
            Some(Self::Yellow) => "light.yellow",
            Some(Self::Red) => "light.red",
            None => "light.none",
        })
    }

    /// The worst of some lights; `None` when there are none.
    pub fn worst(lights: impl IntoIterator<Item = Light>) -> Option<Light> {
        lights.into_iter().max()
    }
}

/// The milestones of a project, in the order they happen (M2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    Signed,
    LandSupplied,
    ConstructionStarted,
    ToppedOut,
    Completed,
    ProductionStarted,
    FullOutput,
}

impl MilestoneKind {
    pub const ALL: [Self; 7] = [
        Self::Signed,
        Self::LandSupplied,
        Self::ConstructionStarted,
        Self::ToppedOut,
        Self::Completed,
        Self::ProductionStarted,
        Self::FullOutput,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signed => "signed",
            Self::LandSupplied => "land_supplied",
            Self::ConstructionStarted => "construction_started",
            Self::ToppedOut => "topped_out",
            Self::Completed => "completed",
            Self::ProductionStarted => "production_started",
            Self::FullOutput => "full_output",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == code)
    }

    /// The name officials use.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Signed => "签约",
            Self::LandSupplied => "供地",
            Self::ConstructionStarted => "开工",
            Self::ToppedOut => "主体封顶",
            Self::Completed => "竣工",
            Self::ProductionStarted => "投产",
            Self::FullOutput => "达产达效",
        }
    }
}

/// The light rule's thresholds, which admins may change (default: 30 days; red with two
/// monthly reports missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LightRule {
    /// Up to this many days late (or overdue) is yellow; more is red.
    pub yellow_days: i64,
    /// A project with a monthly report missing past its due day is yellow; with this many
    /// months missing it is red.
    pub report_red_months: i64,
}

impl Default for LightRule {
    fn default() -> Self {
        Self {
            yellow_days: 30,
            report_red_months: 2,
        }
    }
}

impl LightRule {
    /// The reporting light of a project missing `months` monthly reports (none: it owes none
    /// yet): all sent → green, some missing → yellow, `report_red_months` or more → red.
    pub fn for_missing_reports(self, months: Option<u32>) -> Option<Light> {
        let months = i64::from(months?);
        Some(if months == 0 {
            Light::Green
        } else if months < self.report_red_months.max(1) {
            Light::Yellow
        } else {
            Light::Red
        })
    }

    /// The light of a milestone that is `days_late` days late or overdue (≤ 0: on track).
    pub fn for_lateness(self, days_late: i64) -> Light {
        if days_late <= 0 {
            Light::Green
        } else if days_late <= self.yellow_days {
            Light::Yellow
        } else {
            Light::Red
        }
    }
}

/// A milestone judged on day `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MilestoneStatus {
    /// planned − actual in days (positive = ahead of plan); only once done.
    pub variance_days: Option<i64>,
    pub light: Light,
}

/// Judges a milestone on day `as_of`: done on or before plan → green, late by up to the
/// threshold → yellow, more → red; not done and not yet due → green, overdue by up to the
/// threshold → yellow, more → red. A completion dated after `as_of` has not happened yet then.
pub fn milestone_status(
    planned: NaiveDate,
    actual: Option<NaiveDate>,
    as_of: NaiveDate,
    rule: LightRule,
) -> MilestoneStatus {
    match actual.filter(|a| *a <= as_of) {
        Some(actual) => {
            let variance = (planned - actual).num_days();
            MilestoneStatus {
                variance_days: Some(variance),
                light: rule.for_lateness(-variance),
            }
        }
        None => MilestoneStatus {
            variance_days: None,
            light: rule.for_lateness((as_of - planned).num_days()),
        },
    }
}

/// How late a milestone is on day `as_of`, in days (≤ 0: on track): done → actual − planned;
/// not done by then → `as_of` − planned. Its light is `LightRule::for_lateness` of this, which is
/// what lets the database find a project's worst milestone with one `MAX`.
pub fn lateness_days(planned: NaiveDate, actual: Option<NaiveDate>, as_of: NaiveDate) -> i64 {
    match actual.filter(|a| *a <= as_of) {
        Some(actual) => (actual - planned).num_days(),
        None => (as_of - planned).num_days(),
    }
}

/// A project's light (M3): the worst of its milestone lights (from the greatest lateness among
/// its milestones, if it has any), its annual light and its reporting light. None when it has
/// none of them.
pub fn project_light(
    max_lateness: Option<i64>,
    rule: LightRule,
    ytd_completed: Money,
    annual_plan: Option<Money>,
    elapsed_months: u32,
    missing_reports: Option<u32>,
) -> Option<Light> {
    let milestone = max_lateness.map(|days| rule.for_lateness(days));
    let annual = annual_light(ytd_completed, annual_plan, elapsed_months);
    let reporting = rule.for_missing_reports(missing_reports);
    Light::worst(milestone.into_iter().chain(annual).chain(reporting))
}

/// What a milestone's planned and actual dates are set to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneInput {
    pub planned_date: NaiveDate,
    pub actual_date: Option<NaiveDate>,
}

impl MilestoneInput {
    /// Parses the dates; an actual date cannot lie after `today` (it has not happened yet).
    pub fn parse(
        map: &serde_json::Map<String, serde_json::Value>,
        today: NaiveDate,
    ) -> Result<Self, crate::FieldErrors> {
        let mut input = crate::Input::new(map);
        let planned = input.date("planned_date", crate::Need::Required);
        let actual = input.date("actual_date", crate::Need::Optional);
        if actual.is_some_and(|a| a > today) {
            input.flag(
                "actual_date",
                crate::Flaw::Rule(
                    "实际日期不能晚于今天",
                    "cannot be later than today: it has not happened yet",
                ),
            );
        }
        input.finish()?;
        Ok(Self {
            planned_date: planned.unwrap_or_default(),
            actual_date: actual,
        })
    }
}

/// A month `YYYY-MM` as (year, month).
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (y, m) = text.split_once('-')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4) || !digits(m, 2) {
        return None;
    }
    let (year, month) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    ((1..=12).contains(&month) && crate::time::YEARS.contains(&year)).then_some((year, month))
}

/// The last month whose reports count as of day `as_of` (its end is on or before it), as
/// `YYYY-MM`: as of 2023-07-07 that is 2023-06, as of 2023-01-31 it is 2023-01.
pub fn cutoff_month(as_of: NaiveDate) -> String {
    let (y, m) = (as_of.year(), as_of.month());
    if month_counts(y, m, as_of) {
        format!("{y:04}-{m:02}")
    } else if m == 1 {
        format!("{:04}-12", y - 1)
    } else {
        format!("{y:04}-{:02}", m - 1)
    }
}

/// Why a month's amount looks like a slip of the keyboard or of the unit, for the reporter to
/// confirm before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implausible {
    /// More than what is left of the project's total investment.
    AboveRemaining { remaining: Money },
    /// Less than a thousandth of the year's plan (not zero).
    BelowPlan { annual_plan: Money },
}

impl Implausible {
    /// The warning in words.
    pub fn words(self, lang: crate::Lang) -> String {
        match (self, lang) {
            (Self::AboveRemaining { remaining }, crate::Lang::Zh) => format!(
                "本月金额超过项目剩余未完成投资（{} 万元），请确认单位与金额无误。",
                remaining.wan_grouped()
            ),
            (Self::AboveRemaining { remaining }, crate::Lang::En) => format!(
                "This month's amount is more than what is left of the project's investment ({} 万元): check the unit and the figure.",
                remaining.wan_grouped()
            ),
            (Self::BelowPlan { annual_plan }, crate::Lang::Zh) => format!(
                "本月金额不到年度计划（{} 万元）的千分之一，请确认单位与金额无误。",
                annual_plan.wan_grouped()
            ),
            (Self::BelowPlan { annual_plan }, crate::Lang::En) => format!(
                "This month's amount is below a thousandth of the year's plan ({} 万元): check the unit and the figure.",
                annual_plan.wan_grouped()
            ),
        }
    }
}

/// Whether a month's amount looks wrong: above what remains of the total (`total` less what
/// was done `before`), or above zero and below a thousandth of the year's plan.
pub fn implausible(
    amount: Money,
    total: Money,
    before: Money,
    annual_plan: Option<Money>,
) -> Option<Implausible> {
    let remaining = Money::from_hundredths((total.hundredths() - before.hundredths()).max(0));
    if amount.hundredths() > remaining.hundredths() {
        return Some(Implausible::AboveRemaining { remaining });
    }
    match annual_plan {
        Some(plan)
            if amount.hundredths() > 0
                && i128::from(amount.hundredths()) * 1000 < i128::from(plan.hundredths()) =>
        {
            Some(Implausible::BelowPlan { annual_plan: plan })
        }
        _ => None,
    }
}

/// A monthly investment report as submitted (M3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    pub completed_investment: Money,
    pub progress_note: Option<String>,
    pub problems: Option<String>,
}

impl ReportInput {
    pub fn parse(map: &serde_json::Map<String, serde_json::Value>) -> Result<Self, crate::FieldErrors> {
        let mut input = crate::Input::new(map);
        let completed = input.money("completed_investment", crate::Need::Required);
        let progress_note = input.text("progress_note", crate::Need::Optional, 2000);
        let problems = input.text("problems", crate::Need::Optional, 2000);
        input.finish()?;
        Ok(Self {
            completed_investment: completed.unwrap_or_default(),
            progress_note,
            problems,
        })
    }
}

/// Checks a report's month: a real month that has begun by `today`.
pub fn report_month(text: &str, today: NaiveDate) -> Result<(i32, u32), crate::FieldErrors> {
    let bad = |zh, en| Err(crate::FieldErrors::one("month", crate::Flaw::Rule(zh, en)));
    match parse_month(text) {
        None => bad("月份格式须为 YYYY-MM", "must be a month YYYY-MM"),
        Some((y, m)) if (y, m) > (today.year(), today.month()) => {
            bad("不能为将来的月份", "cannot be a month that has not begun")
        }
        Some(ym) => Ok(ym),
    }
}

/// The last day of a month.
pub fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt())
}

/// The last month whose report was due by day `as_of`: month M's report is due by the end of
/// day `due_day` of month M + 1, so as of 2023-07-07 with reports due on the 5th that is
/// 2023-06, and as of 2023-07-05 it is still 2023-05.
pub fn last_due_month(as_of: NaiveDate, due_day: u32) -> (i32, u32) {
    let back = if as_of.day() > due_day { 1 } else { 2 };
    months_before((as_of.year(), as_of.month()), back)
}

fn months_before((year, month): (i32, u32), n: u32) -> (i32, u32) {
    let index = year * 12 + month as i32 - 1 - n as i32;
    (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

fn month_index((year, month): (i32, u32)) -> i64 {
    i64::from(year) * 12 + i64::from(month)
}

/// How many monthly reports a project has missing by its last due month: the months after the
/// last it reported — or, if it never reported, from the month its construction started — up
/// to `last_due`. None when it owes none yet (it never reported and has not started).
pub fn months_missing(
    last_reported: Option<(i32, u32)>,
    started: Option<NaiveDate>,
    last_due: (i32, u32),
) -> Option<u32> {
    let first_owed = match (last_reported, started) {
        (Some(last), _) => month_index(last) + 1,
        (None, Some(day)) => month_index((day.year(), day.month())),
        (None, None) => return None,
    };
    let owed = month_index(last_due) - first_owed + 1;
    if last_reported.is_none() && owed <= 0 {
        // Started after the last due month: nothing is owed yet.
        return None;
    }
    Some(u32::try_from(owed.max(0)).unwrap_or(u32::MAX))
}

/// Whether the report of a month counts as of day `as_of`: its month has ended by then.
pub fn month_counts(year: i32, month: u32, as_of: NaiveDate) -> bool {
    month_end(year, month).is_some_and(|end| end <= as_of)
}

/// The months of `as_of`'s year whose reports count by then (as of 2023-07-07: 6).
pub fn elapsed_months(as_of: NaiveDate) -> u32 {
    (1..=12).filter(|m| month_counts(as_of.year(), *m, as_of)).count() as u32
}

/// The annual light (序时进度): r = (year-to-date completed ÷ annual plan) ÷ (elapsed months ÷ 12);
/// r ≥ 1 green, 0.8 ≤ r < 1 yellow, r < 0.8 red. None without a plan or with no month elapsed.
/// Compared in integers, so no rounding decides a light.
pub fn annual_light(ytd_completed: Money, annual_plan: Option<Money>, elapsed_months: u32) -> Option<Light> {
    let plan = annual_plan.filter(|p| p.hundredths() > 0)?;
    if elapsed_months == 0 {
        return None;
    }
    let done = i128::from(ytd_completed.hundredths()) * 12;
    let due = i128::from(plan.hundredths()) * i128::from(elapsed_months);
    Some(if done >= due {
        Light::Green
    } else if done * 10 >= due * 8 {
        Light::Yellow
    } else {
        Light::Red
    })
}

/// The words for a variance, as the project page shows it ("提前182天", "滞后10天", "按期").
pub fn variance_words(variance_days: i64, lang: crate::Lang) -> String {
    match (variance_days.signum(), lang) {
        (1, crate::Lang::Zh) => format!("提前{variance_days}天"),
        (-1, crate::Lang::Zh) => format!("滞后{}天", -variance_days),
        (_, crate::Lang::Zh) => "按期".to_string(),
        (1, crate::Lang::En) => format!("{variance_days} {} early", days(variance_days)),
        (-1, crate::Lang::En) => format!("{} {} late", -variance_days, days(variance_days)),
        (_, crate::Lang::En) => "on time".to_string(),
    }
}

fn days(n: i64) -> &'static str {
    if n.abs() == 1 { "day" } else { "days" }
}

/// Why a project is red: a milestone late or overdue beyond the threshold, or the year's
/// investment short of its time-proportional share of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RedReason {
    /// Done, but this many days after its plan.
    MilestoneLate { milestone: MilestoneKind, days: i64 },
    /// Not done, this many days past its plan.
    MilestoneOverdue { milestone: MilestoneKind, days: i64 },
    /// r = (year to date ÷ plan) ÷ (elapsed months ÷ 12) below 0.8.
    AnnualBehind {
        ratio: crate::Ratio,
        year_to_date: Money,
        annual_plan: Money,
    },
    /// This many monthly reports missing, the first of them `since` (`YYYY-MM`).
    ReportsMissing { months: u32, since: String },
    /// A blockage (堵点): an appeal concerning the project escalated (督办) or past its
    /// resolve deadline, and still open.
    Appeal {
        appeal_id: i64,
        title: String,
        escalated: bool,
        overdue: bool,
    },
    /// A blockage (堵点): a dispute open this many days on a parcel supplied to the project.
    Dispute {
        dispute_id: i64,
        parcel_code: String,
        days: i64,
    },
}

impl RedReason {
    pub fn words(&self, lang: crate::Lang) -> String {
        use crate::Lang;
        match (self, lang) {
            (Self::MilestoneLate { milestone, days }, Lang::Zh) => {
                format!("{}滞后{days}天完成", milestone.label_zh())
            }
            (Self::MilestoneLate { milestone, days }, Lang::En) => {
                format!("{} done {days} days late", milestone.as_str().replace('_', " "))
            }
            (Self::MilestoneOverdue { milestone, days }, Lang::Zh) => {
                format!("{}逾期{days}天未完成", milestone.label_zh())
            }
            (Self::MilestoneOverdue { milestone, days }, Lang::En) => {
                format!("{} overdue by {days} days", milestone.as_str().replace('_', " "))
            }
            (Self::AnnualBehind { ratio, .. }, Lang::Zh) => {
                format!("年度投资序时进度仅{}%", ratio.percent())
            }
            (Self::AnnualBehind { ratio, .. }, Lang::En) => {
                format!("annual investment at {}% of its time share", ratio.percent())
            }
            (Self::ReportsMissing { months, since }, Lang::Zh) => {
                format!("缺报月报{months}个月（自{since}起）")
            }
            (Self::ReportsMissing { months, since }, Lang::En) => {
                let s = if *months == 1 { "" } else { "s" };
                format!("{months} monthly report{s} missing (since {since})")
            }
            (
                Self::Appeal {
                    title,
                    escalated,
                    overdue,
                    ..
                },
                Lang::Zh,
            ) => {
                let state = match (escalated, overdue) {
                    (true, true) => "已督办且逾期未办结",
                    (true, false) => "已督办",
                    _ => "逾期未办结",
                };
                format!("诉求“{title}”{state}")
            }
            (
                Self::Appeal {
                    title,
                    escalated,
                    overdue,
                    ..
                },
                Lang::En,
            ) => {
                let state = match (escalated, overdue) {
                    (true, true) => "escalated and overdue",
                    (true, false) => "escalated",
                    _ => "overdue",
                };
                format!("appeal \u{201c}{title}\u{201d} {state}")
            }
            (
                Self::Dispute {
                    parcel_code, days, ..
                },
                Lang::Zh,
            ) => {
                format!("地块{parcel_code}纠纷未解决（已{days}天）")
            }
            (
                Self::Dispute {
                    parcel_code, days, ..
                },
                Lang::En,
            ) => {
                format!(
                    "dispute on parcel {parcel_code} open for {days} {}",
                    crate::schedule::days(*days)
                )
            }
        }
    }
}

impl RedReason {
    /// Whether it is a blockage (堵点) rather than the schedule's own reason.
    pub fn is_blockage(&self) -> bool {
        matches!(self, Self::Appeal { .. } | Self::Dispute { .. })
    }
}

/// What the blockage rule reads of an appeal concerning a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealFacts {
    pub appeal_id: i64,
    pub project_id: i64,
    pub title: String,
    pub submitted_at: DateTime<FixedOffset>,
    /// Open now (submitted, acknowledged or reopened).
    pub open: bool,
    /// Its last resolution, if any.
    pub resolved_at: Option<DateTime<FixedOffset>>,
    pub escalated_at: Option<DateTime<FixedOffset>>,
    /// The resolve deadline it faces (or faced when it was resolved).
    pub resolve_due_at: DateTime<FixedOffset>,
}

/// Whether an appeal blocks its project at instant `at` (mission.md, 堵点): submitted by then,
/// still open then (open now, or resolved only after it), and by then escalated or past its
/// resolve deadline. A reopened appeal is taken as open since its first submission, which
/// can only make a past day look more blocked, never less.
pub fn appeal_blockage(a: &AppealFacts, at: DateTime<FixedOffset>) -> Option<RedReason> {
    let open_then = a.open || a.resolved_at.is_some_and(|r| r > at);
    let escalated = a.escalated_at.is_some_and(|e| e <= at);
    let overdue = a.resolve_due_at <= at;
    (a.submitted_at <= at && open_then && (escalated || overdue)).then(|| RedReason::Appeal {
        appeal_id: a.appeal_id,
        title: a.title.clone(),
        escalated,
        overdue,
    })
}

/// What the blockage rule reads of a dispute on a parcel supplied to a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeFacts {
    pub dispute_id: i64,
    pub project_id: i64,
    pub parcel_code: String,
    /// The day the parcel was supplied to the project.
    pub supplied_on: NaiveDate,
    pub opened_on: NaiveDate,
    pub resolved_on: Option<NaiveDate>,
}

/// Whether a dispute blocks the project its parcel was supplied to, as of day `as_of`: the
/// parcel supplied by then, the dispute opened by then and not resolved by then.
pub fn dispute_blockage(d: &DisputeFacts, as_of: NaiveDate) -> Option<RedReason> {
    let open = d.opened_on <= as_of && d.resolved_on.is_none_or(|r| r > as_of);
    (open && d.supplied_on <= as_of).then(|| RedReason::Dispute {
        dispute_id: d.dispute_id,
        parcel_code: d.parcel_code.clone(),
        days: crate::land::days_open(d.opened_on, None, as_of),
    })
}

/// A project's light with its blockages: the worst of its schedule's light and the blockage light.
pub fn with_blockages(light: Option<Light>, blockages: &[RedReason]) -> Option<Light> {
    Light::worst(light.into_iter().chain(blockage_light(blockages)))
}

/// The blockage light: red while anything blocks the project, else none.
pub fn blockage_light(blockages: &[RedReason]) -> Option<Light> {
    blockages.iter().any(RedReason::is_blockage).then_some(Light::Red)
}

/// The reasons a project shows `light` as of `as_of`, those whose own light is `light`: each
/// milestone (kind, planned, actual) late or overdue beyond `rule`'s threshold, then the
/// year's investment if it is behind its time-proportional share of the plan after `elapsed`
/// months, then its missing monthly reports (how many, up to which last due month). A yellow
/// project's reasons are what to watch before it turns red.
#[allow(clippy::too_many_arguments)]
pub fn light_reasons(
    light: Light,
    milestones: impl IntoIterator<Item = (MilestoneKind, NaiveDate, Option<NaiveDate>)>,
    year_to_date: Money,
    annual_plan: Option<Money>,
    as_of: NaiveDate,
    rule: LightRule,
    elapsed: u32,
    missing: Option<(u32, (i32, u32))>,
) -> Vec<RedReason> {
    let mut reasons: Vec<RedReason> = milestones
        .into_iter()
        .filter_map(|(milestone, planned, actual)| {
            let days = lateness_days(planned, actual, as_of);
            if rule.for_lateness(days) != light {
                return None;
            }
            Some(if actual.is_some_and(|a| a <= as_of) {
                RedReason::MilestoneLate { milestone, days }
            } else {
                RedReason::MilestoneOverdue { milestone, days }
            })
        })
        .filter(|_| light != Light::Green)
        .collect();
    if let Some(plan) = annual_plan
        && light != Light::Green
        && annual_light(year_to_date, Some(plan), elapsed) == Some(light)
    {
        reasons.push(RedReason::AnnualBehind {
            ratio: crate::Ratio::of(
                year_to_date.hundredths() * 12,
                plan.hundredths() * i64::from(elapsed),
            ),
            year_to_date,
            annual_plan: plan,
        });
    }
    if let Some((months, last_due)) = missing
        && months > 0
        && rule.for_missing_reports(Some(months)) == Some(light)
    {
        let (y, m) = months_before(last_due, months - 1);
        reasons.push(RedReason::ReportsMissing {
            months,
            since: format!("{y:04}-{m:02}"),
        });
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_beyond_what_remains_or_far_below_the_plan_is_questioned() {
        let wan = |n: i64| Money::yuan(n * 10_000);
        // 46200000 typed meaning yuan, read as 万元: far beyond the project.
        assert_eq!(
            implausible(wan(46_200_000), wan(100_000), wan(30_000), None),
            Some(Implausible::AboveRemaining {
                remaining: wan(70_000)
            })
        );
        assert_eq!(
            implausible(wan(4_620), wan(100_000), wan(30_000), Some(wan(24_000))),
            None
        );
        // 0.11 万元 against a plan of 24,000 万元: a unit slipped the other way.
        assert_eq!(
            implausible(Money::yuan(1_100), wan(100_000), wan(30_000), Some(wan(24_000))),
            Some(Implausible::BelowPlan {
                annual_plan: wan(24_000)
            })
        );
        assert_eq!(
            implausible(Money::ZERO, wan(100_000), wan(0), Some(wan(24_000))),
            None,
            "nothing done this month"
        );
        assert_eq!(
            implausible(wan(1), wan(100_000), wan(100_000), None),
            Some(Implausible::AboveRemaining {
                remaining: Money::ZERO
            })
        );
    }

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn lateness_gives_the_same_light_as_the_milestone_rule() {
        let rule = LightRule::default();
        let as_of = d("2023-07-07");
        let cases = [
            ("2023-06-01", Some("2023-05-01")),
            ("2023-06-01", Some("2023-06-01")),
            ("2023-06-01", Some("2023-06-20")),
            ("2023-05-01", Some("2023-06-20")),
            ("2023-06-01", Some("2023-08-01")),
            ("2023-08-01", None),
            ("2023-06-20", None),
            ("2023-01-01", None),
        ];
        for (planned, actual) in cases {
            let (planned, actual) = (d(planned), actual.map(d));
            let status = milestone_status(planned, actual, as_of, rule);
            assert_eq!(
                rule.for_lateness(lateness_days(planned, actual, as_of)),
                status.light,
                "{planned} {actual:?}"
            );
        }
    }

    #[test]
    fn a_project_light_is_the_worst_of_its_lights() {
        let rule = LightRule::default();
        let plan = Some(Money::from_hundredths(1200));
        // On schedule and on plan: green.
        assert_eq!(
            project_light(Some(-3), rule, Money::from_hundredths(600), plan, 6, Some(0)),
            Some(Light::Green)
        );
        // A milestone 40 days overdue makes it red however the money goes.
        assert_eq!(
            project_light(Some(40), rule, Money::from_hundredths(600), plan, 6, Some(0)),
            Some(Light::Red)
        );
        // Behind on the money (r = 0.9): yellow.
        assert_eq!(
            project_light(Some(0), rule, Money::from_hundredths(540), plan, 6, None),
            Some(Light::Yellow)
        );
        // On schedule and on plan, but last month's report missing: yellow; two missing: red.
        for (missing, light) in [(1, Light::Yellow), (2, Light::Red), (7, Light::Red)] {
            assert_eq!(
                project_light(
                    Some(-3),
                    rule,
                    Money::from_hundredths(600),
                    plan,
                    6,
                    Some(missing)
                ),
                Some(light),
                "{missing} missing"
            );
        }
        // Reporting alone gives a light.
        assert_eq!(
            project_light(None, rule, Money::ZERO, None, 6, Some(0)),
            Some(Light::Green)
        );
        // No milestones, no plan and no reports owed: no light at all.
        assert_eq!(
            project_light(None, rule, Money::from_hundredths(540), None, 6, None),
            None
        );
    }

    #[test]
    fn milestones_get_their_variance_and_light() {
        let rule = LightRule::default();
        let planned = d("2023-06-30");
        for (actual, as_of, variance, light) in [
            // Done: early, on time, slightly late, very late.
            (Some("2023-01-01"), "2023-07-07", Some(180), Light::Green),
            (Some("2023-06-30"), "2023-07-07", Some(0), Light::Green),
            (Some("2023-07-30"), "2023-08-07", Some(-30), Light::Yellow),
            (Some("2023-07-31"), "2023-08-07", Some(-31), Light::Red),
            // Not done: not yet due, due today, overdue slightly, overdue long.
            (None, "2023-06-01", None, Light::Green),
            (None, "2023-06-30", None, Light::Green),
            (None, "2023-07-30", None, Light::Yellow),
            (None, "2023-07-31", None, Light::Red),
            // Done after as_of: not done yet on that day.
            (Some("2023-08-15"), "2023-07-10", None, Light::Yellow),
        ] {
            let status = milestone_status(planned, actual.map(d), d(as_of), rule);
            assert_eq!(
                (status.variance_days, status.light),
                (variance, light),
                "{actual:?} as of {as_of}"
            );
        }
    }

    #[test]
    fn the_threshold_is_configurable() {
        let strict = LightRule {
            yellow_days: 7,
            ..LightRule::default()
        };
        let status = milestone_status(d("2023-06-30"), Some(d("2023-07-08")), d("2023-08-01"), strict);
        assert_eq!(status.light, Light::Red);
    }

    #[test]
    fn months_count_once_ended() {
        assert_eq!(elapsed_months(d("2023-07-07")), 6);
        assert_eq!(elapsed_months(d("2023-01-31")), 1);
        assert_eq!(elapsed_months(d("2023-01-30")), 0);
        assert_eq!(elapsed_months(d("2023-12-31")), 12);
        assert!(month_counts(2023, 2, d("2023-02-28")));
        assert!(!month_counts(2024, 2, d("2024-02-28")), "2024 is a leap year");
        assert!(month_counts(2022, 12, d("2023-01-01")));
    }

    #[test]
    fn the_annual_light_follows_the_elapsed_share_of_the_plan() {
        let plan = Some(Money::yuan(1200));
        // Six months elapsed: 600 is exactly on schedule.
        for (ytd, light) in [
            (600, Light::Green),
            (700, Light::Green),
            (480, Light::Yellow),
            (479, Light::Red),
        ] {
            assert_eq!(annual_light(Money::yuan(ytd), plan, 6), Some(light), "{ytd}");
        }
        assert_eq!(annual_light(Money::yuan(100), None, 6), None);
        assert_eq!(annual_light(Money::yuan(100), Some(Money::ZERO), 6), None);
        assert_eq!(annual_light(Money::yuan(100), plan, 0), None);
    }

    #[test]
    fn a_project_shows_its_worst_light() {
        assert_eq!(
            Light::worst([Light::Green, Light::Red, Light::Yellow]),
            Some(Light::Red)
        );
        assert_eq!(Light::worst([]), None);
    }

    #[test]
    fn variances_read_as_officials_write_them() {
        assert_eq!(variance_words(182, crate::Lang::Zh), "提前182天");
        assert_eq!(variance_words(-10, crate::Lang::Zh), "滞后10天");
        assert_eq!(variance_words(0, crate::Lang::Zh), "按期");
        assert_eq!(variance_words(-1, crate::Lang::En), "1 day late");
        assert_eq!(variance_words(12, crate::Lang::En), "12 days early");
    }

    #[test]
    fn the_cutoff_is_the_last_month_ended() {
        assert_eq!(cutoff_month(d("2023-07-07")), "2023-06");
        assert_eq!(cutoff_month(d("2023-01-31")), "2023-01");
        assert_eq!(cutoff_month(d("2023-01-15")), "2022-12");
        assert_eq!(parse_month("2023-06"), Some((2023, 6)));
        for bad in ["2023-13", "2023-6", "23-06", "2023/06", "x"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
        assert!(report_month("2023-08", d("2023-07-07")).is_err());
        assert_eq!(report_month("2023-07", d("2023-07-07")), Ok((2023, 7)));
    }

    #[test]
    fn milestone_dates_are_checked() {
        let today = d("2023-07-07");
        let map = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
        let ok = MilestoneInput::parse(
            &map(serde_json::json!({"planned_date": "2023-12-31", "actual_date": "2023-06-25"})),
            today,
        );
        assert_eq!(ok.map(|m| m.actual_date), Ok(Some(d("2023-06-25"))));
        let Err(errors) = MilestoneInput::parse(
            &map(serde_json::json!({"planned_date": "31/12/2023", "actual_date": "2023-07-08"})),
            today,
        ) else {
            panic!("should fail")
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["planned_date", "actual_date"]);
    }

    #[test]
    fn milestone_codes_round_trip() {
        for kind in MilestoneKind::ALL {
            assert_eq!(MilestoneKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MilestoneKind::parse("opened"), None);
    }

    #[test]
    fn a_red_project_says_why() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or_default();
        let as_of = day("2023-07-07");
        let rule = LightRule {
            yellow_days: 30,
            report_red_months: 3,
        };
        let reasons = light_reasons(
            Light::Red,
            [
                (MilestoneKind::Signed, day("2023-01-01"), Some(day("2023-01-05"))),
                (
                    MilestoneKind::ConstructionStarted,
                    day("2023-03-01"),
                    Some(day("2023-05-01")),
                ),
                (MilestoneKind::ToppedOut, day("2023-05-01"), None),
            ],
            Money::from_hundredths(10_000),
            Some(Money::from_hundredths(1_000_000)),
            as_of,
            rule,
            6,
            Some((3, (2023, 5))),
        );
        assert_eq!(
            reasons,
            [
                RedReason::MilestoneLate {
                    milestone: MilestoneKind::ConstructionStarted,
                    days: 61
                },
                RedReason::MilestoneOverdue {
                    milestone: MilestoneKind::ToppedOut,
                    days: 67
                },
                RedReason::AnnualBehind {
                    ratio: crate::Ratio::of(10_000 * 12, 1_000_000 * 6),
                    year_to_date: Money::from_hundredths(10_000),
                    annual_plan: Money::from_hundredths(1_000_000),
                },
                RedReason::ReportsMissing {
                    months: 3,
                    since: "2023-03".into(),
                },
            ]
        );
        assert_eq!(reasons[1].words(crate::Lang::En), "topped out overdue by 67 days");
        assert_eq!(reasons[3].words(crate::Lang::Zh), "缺报月报3个月（自2023-03起）");
        // Two missing is yellow under this rule: no reason to be red, one to be yellow.
        let missing = Some((2, (2023, 5)));
        let red = light_reasons(Light::Red, [], Money::ZERO, None, as_of, rule, 6, missing);
        assert!(red.is_empty(), "{red:?}");
        // A milestone 19 days late is yellow under 30 days; so is r = 0.9.
        let yellow = light_reasons(
            Light::Yellow,
            [(
                MilestoneKind::Completed,
                day("2023-05-01"),
                Some(day("2023-05-20")),
            )],
            Money::from_hundredths(540),
            Some(Money::from_hundredths(1200)),
            as_of,
            rule,
            6,
            missing,
        );
        assert_eq!(
            yellow
                .iter()
                .map(|r| r.words(crate::Lang::Zh))
                .collect::<Vec<_>>(),
            [
                "竣工滞后19天完成",
                "年度投资序时进度仅90.0%",
                "缺报月报2个月（自2023-04起）"
            ]
        );
    }

    #[test]
    fn reports_are_missing_from_the_month_after_the_last_one_to_the_last_due() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or_default();
        // Reports due on the 5th: on the 5th itself the month before last is the last due.
        assert_eq!(last_due_month(day("2023-07-05"), 5), (2023, 5));
        assert_eq!(last_due_month(day("2023-07-06"), 5), (2023, 6));
        assert_eq!(last_due_month(day("2023-01-03"), 5), (2022, 11));
        assert_eq!(last_due_month(day("2023-01-31"), 28), (2022, 12));
        let due = (2023, 6);
        assert_eq!(months_missing(Some((2023, 6)), None, due), Some(0));
        assert_eq!(
            months_missing(Some((2023, 7)), None, due),
            Some(0),
            "ahead of time"
        );
        assert_eq!(months_missing(Some((2023, 5)), None, due), Some(1));
        assert_eq!(
            months_missing(Some((2022, 11)), None, due),
            Some(7),
            "across a year"
        );
        // Never reported: owed from the month construction started.
        assert_eq!(months_missing(None, Some(day("2023-06-20")), due), Some(1));
        assert_eq!(months_missing(None, Some(day("2023-04-01")), due), Some(3));
        assert_eq!(
            months_missing(None, Some(day("2023-07-01")), due),
            None,
            "started after"
        );
        assert_eq!(months_missing(None, None, due), None, "owes nothing yet");
        let rule = LightRule::default();
        assert_eq!(rule.for_missing_reports(None), None);
        assert_eq!(rule.for_missing_reports(Some(0)), Some(Light::Green));
        assert_eq!(rule.for_missing_reports(Some(1)), Some(Light::Yellow));
        assert_eq!(rule.for_missing_reports(Some(2)), Some(Light::Red));
    }

    #[test]
    fn an_appeal_blocks_while_open_and_escalated_or_overdue_and_a_dispute_while_open_on_a_supplied_parcel() {
        let at = |d: &str| crate::time::parse_instant(d).expect("an instant");
        let appeal = AppealFacts {
            appeal_id: 7,
            project_id: 1,
            title: "用电".into(),
            submitted_at: at("2023-06-01T09:00:00+08:00"),
            open: true,
            resolved_at: None,
            escalated_at: None,
            resolve_due_at: at("2023-06-15T17:00:00+08:00"),
        };
        // On time and not escalated: no blockage; past the deadline: overdue.
        assert_eq!(appeal_blockage(&appeal, at("2023-06-15T16:59:59+08:00")), None);
        let overdue = appeal_blockage(&appeal, at("2023-06-15T17:00:00+08:00")).expect("overdue");
        assert_eq!(overdue.words(crate::Lang::Zh), "诉求“用电”逾期未办结");
        // Before it was submitted it blocked nothing.
        assert_eq!(appeal_blockage(&appeal, at("2023-05-31T00:00:00+08:00")), None);
        // Escalated before its deadline: blocked from the escalation on.
        let escalated = AppealFacts {
            escalated_at: Some(at("2023-06-02T09:00:00+08:00")),
            ..appeal.clone()
        };
        assert_eq!(appeal_blockage(&escalated, at("2023-06-02T08:00:00+08:00")), None);
        assert_eq!(
            appeal_blockage(&escalated, at("2023-06-03T00:00:00+08:00")).map(|r| r.words(crate::Lang::En)),
            Some("appeal \u{201c}用电\u{201d} escalated".to_string())
        );
        // Resolved: it blocked until its resolution, not after.
        let resolved = AppealFacts {
            open: false,
            resolved_at: Some(at("2023-06-20T10:00:00+08:00")),
            ..escalated
        };
        assert!(appeal_blockage(&resolved, at("2023-06-19T00:00:00+08:00")).is_some());
        assert_eq!(appeal_blockage(&resolved, at("2023-06-21T00:00:00+08:00")), None);

        let day = |d: &str| crate::time::parse_day(d).expect("a day");
        let dispute = DisputeFacts {
            dispute_id: 3,
            project_id: 1,
            parcel_code: "QFZ-01".into(),
            supplied_on: day("2022-06-01"),
            opened_on: day("2023-07-01"),
            resolved_on: Some(day("2023-07-10")),
        };
        assert_eq!(dispute_blockage(&dispute, day("2023-06-30")), None);
        let open = dispute_blockage(&dispute, day("2023-07-07")).expect("open");
        assert_eq!(open.words(crate::Lang::Zh), "地块QFZ-01纠纷未解决（已6天）");
        assert_eq!(
            open.words(crate::Lang::En),
            "dispute on parcel QFZ-01 open for 6 days"
        );
        assert_eq!(dispute_blockage(&dispute, day("2023-07-10")), None);
        // A parcel supplied after the day asked was not yet the project's.
        let later = DisputeFacts {
            supplied_on: day("2023-07-08"),
            ..dispute
        };
        assert_eq!(dispute_blockage(&later, day("2023-07-07")), None);
        assert_eq!(blockage_light(std::slice::from_ref(&open)), Some(Light::Red));
        assert_eq!(blockage_light(&[]), None);
        assert!(
            open.is_blockage()
                && !RedReason::ReportsMissing {
                    months: 1,
                    since: "2023-06".into()
                }
                .is_blockage()
        );
    }
}
