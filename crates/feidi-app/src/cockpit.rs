//! The leaders' cockpit (M9) and the dashboard it shares its figures with: the programme (or
//! one zone or category of it) as of a day — totals, lights, the red list with its reasons,
//! the monthly trend, and the stages' progress (M4).
//!
//! Built from the totals the database keeps and one pass over the projects for the lights,
//! then kept in memory under the data versions of every table it reads, so repeated views cost
//! one small query, and a write on any app server makes the next view build it afresh.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use feidi_core::model::Category;
use feidi_core::policy::{Action, Entity, Principal, Scope};
use feidi_core::programme::{StageState, TargetProgress};
use feidi_core::schedule::{Light, cutoff_month, elapsed_months, project_light};
use feidi_core::{FieldErrors, Flaw, Lang, Money, Ratio};
use feidi_store::{NameList, Part};
use serde::Serialize;

use crate::{App, AppResult, require};

/// The tables the cockpit is built from: a write to any of them makes it stale.
const SOURCES: &[&str] = &[
    "appeals",
    "parcels",
    "households",
    "compensations",
    "disputes",
    "projects",
    "zones",
    "milestones",
    "monthly_reports",
    "annual_plans",
    "settings",
    "programme_stages",
];

/// Held while a cockpit is built (see [`cockpit`]).
static BUILDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How many of the red projects the cockpit names, worst first.
pub const RED_LIST_MAX: usize = 100;
/// How many months the trend shows, ending with the last month that counts.
pub const TREND_MONTHS: usize = 24;

#[derive(Debug, Clone, Serialize)]
pub struct Cockpit {
    pub as_of: NaiveDate,
    pub zone_id: Option<i64>,
    pub category: Option<Category>,
    /// The last month whose reports count.
    pub cutoff_month: String,
    pub project_count: i64,
    pub total_investment: Money,
    pub completed_investment: Money,
    pub pending_investment: Money,
    pub completion_ratio: Ratio,
    pub year: i32,
    pub year_to_date: Money,
    pub annual_plan: Money,
    pub by_category: Vec<Share>,
    pub by_zone: Vec<Share>,
    pub trend: Vec<TrendMonth>,
    pub lights: LightCounts,
    pub red_count: i64,
    /// The worst red projects (at most [`RED_LIST_MAX`]), each with why it is red.
    pub red_list: Vec<RedProject>,
    /// The yellow ones likewise: what to watch before it turns red.
    pub yellow_list: Vec<RedProject>,
    pub stages: Vec<StageProgress>,
    /// The green projects and those with no light (at most [`RED_LIST_MAX`] each), for the
    /// page's list behind each count; not in the API's answer, whose counts say it.
    #[serde(skip)]
    pub green_list: Vec<RedProject>,
    #[serde(skip)]
    pub unlit_list: Vec<RedProject>,
    /// The land (M6) of the whole programme as of the day: parcels by status, disputes.
    pub land: crate::programme::LandFigures,
}

/// One category's or zone's part of the programme.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    /// The category code or the zone id.
    pub key: String,
    pub name: String,
    pub project_count: i64,
    pub total_investment: Money,
    pub completed_investment: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendMonth {
    pub month: String,
    pub completed_investment: Money,
    /// Approved since the start, up to and including this month.
    pub cumulative: Money,
}

/// How many projects show each light; `none` have neither milestones nor an annual light.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct LightCounts {
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
    pub none: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RedProject {
    pub project_id: i64,
    pub name: String,
    pub category: Category,
    pub zone_id: i64,
    pub reasons: Vec<RedReason>,
    /// Who answers for it: its enterprise and its A official (A角).
    pub enterprise: Option<String>,
    pub a_official: Option<String>,
    /// The problems its latest report names (存在问题), with that report's month.
    pub problems: Option<String>,
    pub problems_month: Option<String>,
}

pub use feidi_core::schedule::RedReason;

/// A stage and the programme's progress against it, judged on its end date once it has passed.
#[derive(Debug, Clone, Serialize)]
pub struct StageProgress {
    pub id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub sample: bool,
    pub note: Option<String>,
    pub state: StageState,
    /// How much of the stage's time has gone, as of the day judged.
    pub time_ratio: Ratio,
    pub targets: Vec<TargetProgress>,
}

/// Reads the cockpit's part of the programme from a query string: `zone_id`, `category`.
pub fn part(params: &HashMap<String, String>) -> AppResult<Part> {
    let value = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let zone_id = match value("zone_id") {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| FieldErrors::one("zone_id", Flaw::NotInteger))?,
        ),
    };
    let category = match value("category") {
        None => None,
        Some(v) => Some(
            Category::parse(v).ok_or_else(|| FieldErrors::one("category", Flaw::OneOf(Category::CODES)))?,
        ),
    };
    Ok(Part { zone_id, category })
}

/// The cockpit of a part of the programme as of a day, for those who oversee the programme.
/// Its categories' names are in `lang`.
pub async fn cockpit(
    app: &App,
    who: &Principal,
    lang: Lang,
    as_of: NaiveDate,
    part: Part,
) -> AppResult<Arc<Cockpit>> {
    require_whole_programme(who)?;
    // The version is read before the figures, so a write racing the build can only make the
    // kept cockpit look older than it is (and be built again), never newer.
    let version = app.store.data_versions(SOURCES).await?;
    kept_or_built(app, version, lang, as_of, part).await
}

/// The cockpit is for those who oversee the whole programme.
fn require_whole_programme(who: &Principal) -> AppResult<()> {
    require(who, Action::Read, Entity::Programme)?;
    crate::programme::require_whole_programme(who)
}

async fn kept_or_built(
    app: &App,
    version: i64,
    lang: Lang,
    as_of: NaiveDate,
    part: Part,
) -> AppResult<Arc<Cockpit>> {
    let key = format!("{as_of}|{:?}|{:?}", part.zone_id, part.category);
    if let Some(kept) = app.cockpits.get(&key, version) {
        return Ok(in_language(kept, lang));
    }
    // One build at a time: requests arriving while it runs wait for it and take its result,
    // rather than each reading the whole programme at once.
    let _building = BUILDING.lock().await;
    let version = app.store.data_versions(SOURCES).await?;
    if let Some(kept) = app.cockpits.get(&key, version) {
        return Ok(in_language(kept, lang));
    }
    let built = Arc::new(build(app, as_of, part).await?);
    app.cockpits.put(key, version, built.clone());
    Ok(in_language(built, lang))
}

/// What the cockpit's page needs besides the figures: the programme's reference day and the
/// zones for its filter. Kept with the same data versions as the cockpits (settings and zones
/// among them), so a view of the page reads the database once when nothing has changed.
pub struct Frame {
    pub reference_day: Option<NaiveDate>,
    pub zones: Vec<(i64, String)>,
}

/// The cockpit as its page shows it: of the day asked (`as_of`, `today`), else of the
/// programme's reference day where its data stop before today; with the zones for the filter.
pub struct PageCockpit {
    pub cockpit: Arc<Cockpit>,
    /// Whether the reference day was taken for want of a day asked.
    pub at_reference: bool,
    pub frame: Arc<Frame>,
}

pub async fn for_page(
    app: &App,
    who: &Principal,
    lang: Lang,
    params: &HashMap<String, String>,
) -> AppResult<PageCockpit> {
    require_whole_programme(who)?;
    let part = part(params)?;
    let version = app.store.data_versions(SOURCES).await?;
    let frame = match app.frames.get("frame", version) {
        Some(kept) => kept,
        None => {
            let frame = Arc::new(Frame {
                reference_day: app.store.reference_day().await?,
                zones: app.store.names(NameList::Zones, Scope::All).await?,
            });
            app.frames.put("frame".into(), version, frame.clone());
            frame
        }
    };
    let (as_of, at_reference) = crate::programme::pick_day(params, frame.reference_day)?;
    Ok(PageCockpit {
        cockpit: kept_or_built(app, version, lang, as_of, part).await?,
        at_reference,
        frame,
    })
}

/// The cockpit with the categories' names in `lang`: one is kept for every reader, its names
/// in Chinese (a reader of English once got those of whoever came first).
fn in_language(cockpit: Arc<Cockpit>, lang: Lang) -> Arc<Cockpit> {
    if lang == Lang::Zh {
        return cockpit;
    }
    let mut cockpit = (*cockpit).clone();
    for share in &mut cockpit.by_category {
        if let Some(category) = Category::parse(&share.key) {
            share.name = category.label(lang).into();
        }
    }
    Arc::new(cockpit)
}

async fn build(app: &App, as_of: NaiveDate, part: Part) -> AppResult<Cockpit> {
    let store = &app.store;
    let cutoff = cutoff_month(as_of);
    let year = as_of.year();
    let elapsed = elapsed_months(as_of);
    let rule = store.light_rule().await?;
    let last_due = crate::schedule::last_due_month(app, as_of).await?;
    let standings = store
        .standings(
            part,
            &as_of.to_string(),
            year,
            &cutoff,
            &crate::schedule::month_text(last_due),
        )
        .await?;
    let cells = store.report_cells(part, &cutoff).await?;
    let mut blockages = crate::schedule::blockages(app, as_of, None).await?;
    let zone_names: HashMap<i64, String> = store
        .names(NameList::Zones, Scope::All)
        .await?
        .into_iter()
        .collect();

    // The portfolio (today's) and the lights, in one pass over the projects.
    let mut lights = LightCounts::default();
    let (mut reds, mut yellows) = (Vec::new(), Vec::new());
    let (mut greens, mut unlits) = (Vec::new(), Vec::new());
    let mut by_category: BTreeMap<usize, Share> = BTreeMap::new();
    let mut by_zone: BTreeMap<i64, Share> = BTreeMap::new();
    let (mut annual_plan, mut year_to_date) = (Money::ZERO, Money::ZERO);
    for s in &standings {
        let missing = s.missing_reports(last_due);
        let light = project_light(
            s.max_lateness,
            rule,
            s.year_to_date,
            s.annual_plan,
            elapsed,
            missing,
        );
        let blocked = blockages
            .get(&s.project_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let light = feidi_core::schedule::with_blockages(light, blocked);
        match light {
            Some(Light::Green) => {
                lights.green += 1;
                greens.push(s);
            }
            Some(Light::Yellow) => {
                lights.yellow += 1;
                yellows.push(s);
            }
            Some(Light::Red) => {
                lights.red += 1;
                reds.push(s);
            }
            None => {
                lights.none += 1;
                unlits.push(s);
            }
        }
        annual_plan += s.annual_plan.unwrap_or(Money::ZERO);
        year_to_date += s.year_to_date;
        let position = Category::ALL.iter().position(|c| *c == s.category).unwrap_or(0);
        let share = by_category.entry(position).or_insert_with(|| Share {
            key: s.category.as_str().into(),
            name: s.category.label(Lang::Zh).into(),
            project_count: 0,
            total_investment: Money::ZERO,
            completed_investment: Money::ZERO,
        });
        share.project_count += 1;
        share.total_investment += s.total_investment;
        let share = by_zone.entry(s.zone_id).or_insert_with(|| Share {
            key: s.zone_id.to_string(),
            name: zone_names.get(&s.zone_id).cloned().unwrap_or_default(),
            project_count: 0,
            total_investment: Money::ZERO,
            completed_investment: Money::ZERO,
        });
        share.project_count += 1;
        share.total_investment += s.total_investment;
    }

    // The sums of reports, from the kept totals.
    let (mut completed, mut pending) = (Money::ZERO, Money::ZERO);
    let mut months: BTreeMap<&str, Money> = BTreeMap::new();
    for cell in &cells {
        match cell.status.as_str() {
            "approved" => {
                completed += cell.amount;
                *months.entry(cell.month.as_str()).or_insert(Money::ZERO) += cell.amount;
                let position = Category::ALL
                    .iter()
                    .position(|c| *c == cell.category)
                    .unwrap_or(0);
                if let Some(share) = by_category.get_mut(&position) {
                    share.completed_investment += cell.amount;
                }
                if let Some(share) = by_zone.get_mut(&cell.zone_id) {
                    share.completed_investment += cell.amount;
                }
            }
            "submitted" => pending += cell.amount,
            _ => {}
        }
    }
    let trend = trend(&months, &cutoff);
    let project_count = standings.len() as i64;
    let total_investment: Money = standings.iter().map(|s| s.total_investment).sum();
    let red_count = reds.len() as i64;
    let judged = Judged {
        as_of,
        rule,
        elapsed,
        cutoff: &cutoff,
        last_due,
        blockages: std::mem::take(&mut blockages),
    };
    let red_list = listed(app, reds, Some(Light::Red), &judged).await?;
    let yellow_list = listed(app, yellows, Some(Light::Yellow), &judged).await?;
    let green_list = listed(app, greens, Some(Light::Green), &judged).await?;
    let unlit_list = listed(app, unlits, None, &judged).await?;
    let mut by_zone: Vec<Share> = by_zone.into_values().collect();
    by_zone.sort_by(|a, b| {
        b.total_investment
            .cmp(&a.total_investment)
            .then(a.name.cmp(&b.name))
    });
    Ok(Cockpit {
        as_of,
        zone_id: part.zone_id,
        category: part.category,
        cutoff_month: cutoff,
        project_count,
        total_investment,
        completed_investment: completed,
        pending_investment: pending,
        completion_ratio: Ratio::of(completed.hundredths(), total_investment.hundredths()),
        year,
        year_to_date,
        annual_plan,
        by_category: by_category.into_values().collect(),
        by_zone,
        trend,
        lights,
        red_count,
        red_list,
        yellow_list,
        stages: stages(app, as_of).await?,
        green_list,
        unlit_list,
        land: crate::programme::land_figures(app, as_of).await?,
    })
}

/// The last [`TREND_MONTHS`] months up to the cutoff, with the running total since the start.
fn trend(months: &BTreeMap<&str, Money>, cutoff: &str) -> Vec<TrendMonth> {
    let Some((mut y, mut m)) = feidi_core::schedule::parse_month(cutoff) else {
        return Vec::new();
    };
    let mut labels = Vec::with_capacity(TREND_MONTHS);
    for _ in 0..TREND_MONTHS {
        labels.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    labels.reverse();
    let first = labels.first().cloned().unwrap_or_default();
    let mut cumulative: Money = months
        .iter()
        .filter(|(month, _)| **month < first.as_str())
        .map(|(_, amount)| *amount)
        .sum();
    // Months before the programme's first report are left out, so a young programme's chart
    // is not mostly empty.
    let start = months.keys().next().map(|m| m.to_string()).unwrap_or_default();
    labels
        .into_iter()
        .filter(|label| *label >= start)
        .map(|label| {
            let amount = months.get(label.as_str()).copied().unwrap_or(Money::ZERO);
            cumulative += amount;
            TrendMonth {
                month: label,
                completed_investment: amount,
                cumulative,
            }
        })
        .collect()
}

/// The day and the rule the projects' lights were judged by.
struct Judged<'a> {
    as_of: NaiveDate,
    rule: feidi_core::schedule::LightRule,
    elapsed: u32,
    cutoff: &'a str,
    last_due: (i32, u32),
    /// What blocks each project (堵点), by its id.
    blockages: HashMap<i64, Vec<RedReason>>,
}

/// The projects of one light (none: those with no light), worst first (at most
/// [`RED_LIST_MAX`]), each with the reasons for that light, its enterprise and A official, and
/// the problems its latest report names.
async fn listed(
    app: &App,
    mut projects: Vec<&feidi_store::Standing>,
    light: Option<Light>,
    judged: &Judged<'_>,
) -> AppResult<Vec<RedProject>> {
    let Judged {
        as_of,
        rule,
        elapsed,
        cutoff,
        last_due,
        ref blockages,
    } = *judged;
    // Blocked projects first: a blockage is what a leader can act on today.
    let blocked = |s: &feidi_store::Standing| blockages.contains_key(&s.project_id);
    projects.sort_by(|a, b| {
        blocked(b)
            .cmp(&blocked(a))
            .then(
                b.max_lateness
                    .unwrap_or(i64::MIN)
                    .cmp(&a.max_lateness.unwrap_or(i64::MIN)),
            )
            .then(a.project_id.cmp(&b.project_id))
    });
    projects.truncate(RED_LIST_MAX);
    let ids: Vec<i64> = projects.iter().map(|s| s.project_id).collect();
    let milestones = app.store.milestones_of(&ids).await?;
    let heads: HashMap<i64, feidi_store::ProjectHead> = app
        .store
        .project_heads(&ids)
        .await?
        .into_iter()
        .map(|h| (h.project_id, h))
        .collect();
    let problems: HashMap<i64, (String, String)> = app
        .store
        .latest_problems(&ids, cutoff)
        .await?
        .into_iter()
        .map(|(id, month, text)| (id, (month, text)))
        .collect();
    Ok(projects
        .into_iter()
        .map(|s| {
            let mut reasons = match light {
                Some(light) => feidi_core::schedule::light_reasons(
                    light,
                    milestones
                        .iter()
                        .filter(|m| m.project_id == s.project_id)
                        .map(|m| (m.kind, m.planned_date, m.actual_date)),
                    s.year_to_date,
                    s.annual_plan,
                    as_of,
                    rule,
                    elapsed,
                    s.missing_reports(last_due).map(|months| (months, last_due)),
                ),
                None => Vec::new(),
            };
            // A blockage is red: it is a red project's reason, whatever else it has.
            if light == Some(Light::Red) {
                reasons.extend(blockages.get(&s.project_id).into_iter().flatten().cloned());
            }
            let (problems_month, problems) = match problems.get(&s.project_id) {
                Some((month, text)) => (Some(month.clone()), Some(text.clone())),
                None => (None, None),
            };
            let head = heads.get(&s.project_id);
            RedProject {
                project_id: s.project_id,
                name: head.map(|h| h.name.clone()).unwrap_or_default(),
                enterprise: head.and_then(|h| h.enterprise.clone()),
                a_official: head.and_then(|h| h.a_official.clone()),
                category: s.category,
                zone_id: s.zone_id,
                reasons,
                problems,
                problems_month,
            }
        })
        .collect())
}

/// Every stage with the whole programme's progress against it (stage targets are the whole
/// programme's, so a zone or category filter does not apply to them).
async fn stages(app: &App, as_of: NaiveDate) -> AppResult<Vec<StageProgress>> {
    let list = app
        .store
        .list::<feidi_store::Stage>(
            &feidi_store::ListQuery {
                page: 1,
                per_page: 500,
                sort: Some("start_date".into()),
                dir: feidi_store::SortDir::Asc,
                ..Default::default()
            },
            Scope::All,
        )
        .await?;
    let mut out = Vec::new();
    for stage in list.items {
        let input = stage.input();
        let on = as_of.min(input.end_date);
        let reached = app
            .store
            .reached(Part::default(), &on.to_string(), &cutoff_month(on))
            .await?;
        let (state_now, time_ratio, targets) = feidi_core::programme::stage_progress(&input, &reached, as_of);
        out.push(StageProgress {
            id: stage.id,
            name: stage.name,
            start_date: stage.start_date,
            end_date: stage.end_date,
            sample: stage.sample,
            note: stage.note,
            state: state_now,
            time_ratio,
            targets,
        });
    }
    Ok(out)
}
