//! `feidi gen`: a deterministic synthetic programme for benchmarks and load tests — 2
//! jurisdictions, 20 zones, one enterprise per ten projects (with valid credit codes), and
//! projects 60 % industrial, 25 % infrastructure, 15 % supporting, spread evenly over the zones.

use std::sync::Arc;

use feidi_core::model::Category;
use feidi_core::registry::{EnterpriseInput, JurisdictionInput, ProjectInput, ZoneInput};
use feidi_core::{AreaMu, CreditCode, Money};
use feidi_store::Store;

use crate::App;

/// This module's failures are nobody's input: they become `AppError::Internal`.
macro_rules! anyhow {
    ($($t:tt)*) => { crate::AppError::Internal(format!($($t)*)) };
}
type Result<T> = crate::AppResult<T>;

/// Where long work reports how far it has come (the command line shows a bar).
pub trait Meter: Send + Sync {
    /// A new stage of `total` steps begins.
    fn begin(&self, total: u64, what: &'static str);
    fn at(&self, done: u64);
    fn end(&self);
}

/// A meter that shows nothing (tests, scripts).
pub struct Quiet;

impl Meter for Quiet {
    fn begin(&self, _: u64, _: &'static str) {}
    fn at(&self, _: u64) {}
    fn end(&self) {}
}

/// What was generated, for the command line to say.
#[derive(Debug, Clone)]
pub struct Generated {
    pub projects: i64,
    pub total_investment: Money,
    pub enterprises: u64,
    pub reports: usize,
    /// Appeals and their timeline events.
    pub appeals: Option<(usize, usize)>,
    /// Parcels, households and open disputes.
    pub land: Option<(usize, usize, usize)>,
}

/// How much to generate.
#[derive(Debug, Clone)]
pub struct GenArgs {
    /// How many projects.
    pub projects: u64,
    /// The seed: the same seed gives the same programme.
    pub seed: u64,
    /// Months of monthly reports per project, ending with the last month that has ended
    /// (48: four years); with milestones and annual plans to match. 0: none.
    pub months: u32,
    /// Enterprise appeals (M5), with 100 officials, 10 task forces and some absences: a tenth
    /// open and never swept (submitted over the last 20 days), the rest a closed history over
    /// three years. 0: none.
    pub appeals: u64,
    /// Land (M6): see [`land`].
    pub land: bool,
}

/// SplitMix64: tiny, fast and stable forever, so a seed always gives the same programme
/// (a library generator may change its stream between versions).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

const PRODUCTS: &[(&str, &str)] = &[
    ("医用敷料", "万片"),
    ("一次性医用口罩", "亿只"),
    ("医用防护服", "万套"),
    ("医用无纺布", "吨"),
    ("汽车座椅骨架", "万套"),
    ("汽车线束", "万套"),
    ("新能源汽车电机壳体", "万件"),
    ("碳纤维复合材料", "吨"),
    ("石墨烯导热膜", "万平方米"),
    ("锂电池负极材料", "吨"),
    ("工业机器人减速器", "台"),
    ("数控机床", "台"),
    ("智能起重设备", "台"),
    ("光伏支架", "吨"),
    ("精密铸件", "吨"),
    ("电子元器件", "万件"),
];
const INFRASTRUCTURE: &[&str] = &[
    "道路工程",
    "污水处理厂扩建工程",
    "110千伏变电站",
    "供水管网工程",
    "天然气管网工程",
    "雨污分流改造工程",
    "桥梁工程",
    "热力管网工程",
];
const SUPPORTING: &[&str] = &[
    "人才公寓",
    "职工服务中心",
    "安置社区",
    "物流仓储中心",
    "九年一贯制学校",
    "社区卫生服务中心",
    "标准化厂房",
    "商业综合体",
];
const FIRMS: &[&str] = &[
    "华润", "恒达", "宏远", "瑞康", "金诺", "天成", "博瑞", "中原", "豫北", "卫康", "凯盛", "新源",
];
const INDUSTRIES: &[&str] = &[
    "卫材医疗器械",
    "汽车零部件",
    "智能制造",
    "先进碳材料",
    "新能源",
    "电子信息",
];
const PHASES: &[&str] = &["一期", "二期", "三期"];

/// The category of project `i`: exactly 12, 5 and 3 of every 20.
fn category(i: u64) -> Category {
    match i % 20 {
        0..=11 => Category::Industrial,
        12..=16 => Category::Infrastructure,
        _ => Category::Supporting,
    }
}

/// Project `i`'s zone: every zone gets every category equally often.
fn zone_index(i: u64) -> usize {
    ((i + i / 20) % 20) as usize
}

fn wan(n: i64) -> Money {
    Money::yuan(n * 10_000)
}

pub async fn run(app: &App, args: &GenArgs, meter: Arc<dyn Meter>) -> Result<Generated> {
    let store = &app.store;
    if !crate::demo::is_empty(app).await? {
        return Err(anyhow!(
            "the database already holds data: generate into a new one (--database)"
        ));
    }
    let mut rng = Rng::new(args.seed);
    let mut jurisdictions = Vec::new();
    for (name, code) in [
        ("生成·甲市（飞出地）", "419001"),
        ("生成·乙县（飞入地）", "419002"),
    ] {
        let input = JurisdictionInput {
            name: name.into(),
            code: Some(code.into()),
        };
        jurisdictions.push(store.create(None, &input, vec![], None).await?.0.id);
    }
    let mut zones = Vec::new();
    for z in 0..20 {
        let input = ZoneInput {
            name: format!("生成·飞地产业园{:02}号片区", z + 1),
            code: Some(format!("G-{:02}", z + 1)),
            host_jurisdiction_id: jurisdictions[1],
            operator_jurisdiction_id: jurisdictions[0],
            area_mu: AreaMu::from_hundredths(rng.range(800, 6000) * 100),
            description: None,
        };
        zones.push(store.create(None, &input, vec![], None).await?.0.id);
    }

    let enterprise_count = (args.projects / 10).max(1);
    let enterprises: Vec<EnterpriseInput> = (0..enterprise_count)
        .map(|e| {
            let industry = *rng.pick(INDUSTRIES);
            EnterpriseInput {
                name: format!("{}{}{}有限公司", rng.pick(FIRMS), industry, e + 1),
                credit_code: CreditCode::synthetic(
                    419002,
                    args.seed.wrapping_mul(1_000_000_007).wrapping_add(e) % 26_439_622_160_671,
                ),
                industry: industry.into(),
                a_official_id: None,
                b_official_id: None,
                task_force_id: None,
                contact_name: None,
                contact_phone: None,
                address: None,
            }
        })
        .collect();
    meter.begin(enterprise_count, "enterprises");
    store
        .bulk_create(
            None,
            enterprises,
            format!("feidi gen: {enterprise_count} enterprises"),
            Arc::new({
                let meter = meter.clone();
                move |n| meter.at(n as u64)
            }),
        )
        .await?;
    let first_enterprise = store
        .list::<feidi_store::Enterprise>(
            &feidi_store::ListQuery {
                per_page: 1,
                ..Default::default()
            },
            feidi_core::policy::Scope::All,
        )
        .await?
        .items
        .first()
        .map(|e| e.id)
        .unwrap_or(1);

    let projects: Vec<ProjectInput> = (0..args.projects)
        .map(|i| {
            let category = category(i);
            let (name, amount, enterprise, output, jobs) = match category {
                Category::Industrial => {
                    let (product, unit) = rng.pick(PRODUCTS);
                    let amount = wan(rng.range(5_000, 200_000));
                    let output = Money::from_hundredths(amount.hundredths() / 10 * rng.range(8, 25));
                    (
                        format!("年产{}{unit}{product}项目", rng.range(1, 500)),
                        amount,
                        Some(first_enterprise + (rng.next_u64() % enterprise_count) as i64),
                        Some(output),
                        Some(rng.range(50, 2500)),
                    )
                }
                Category::Infrastructure => (
                    format!("{}{}", rng.pick(INFRASTRUCTURE), i + 1),
                    wan(rng.range(1_000, 50_000)),
                    None,
                    None,
                    None,
                ),
                Category::Supporting => (
                    format!("{}{}", rng.pick(SUPPORTING), i + 1),
                    wan(rng.range(2_000, 80_000)),
                    None,
                    None,
                    None,
                ),
            };
            ProjectInput {
                name,
                code: Some(format!("G{:07}", i + 1)),
                category,
                zone_id: zones[zone_index(i)],
                enterprise_id: enterprise,
                phase: Some((*rng.pick(PHASES)).to_string()),
                total_investment: amount,
                expected_annual_output: output,
                expected_jobs: jobs,
                land_mu: None,
                a_official_id: None,
                b_official_id: None,
                description: None,
                contact_name: None,
                contact_phone: None,
                sample: true,
            }
        })
        .collect();
    meter.begin(args.projects, "projects");
    store
        .bulk_create(
            None,
            projects,
            format!("feidi gen: {} projects, seed {}", args.projects, args.seed),
            Arc::new({
                let meter = meter.clone();
                move |n| meter.at(n as u64)
            }),
        )
        .await?;
    meter.end();
    let reports = history(store, args, &mut rng, &meter).await?;
    let appeals = if args.appeals > 0 {
        Some(
            appeals(
                store,
                args,
                &mut rng,
                first_enterprise,
                enterprise_count as i64,
                &meter,
            )
            .await?,
        )
    } else {
        None
    };
    let land = if args.land {
        Some(land(store, args, &mut rng, &zones, &meter).await?)
    } else {
        None
    };
    let totals = store.portfolio_totals().await?;
    Ok(Generated {
        land,
        projects: totals.project_count,
        total_investment: totals.total_investment,
        enterprises: enterprise_count,
        reports,
        appeals,
    })
}

/// The parcels drawn on one zone's map, in a grid this many wide.
const MAP_COLUMNS: u64 = 100;

/// Land for the generated programme: for each project a parcel supplied to it (its five steps
/// dated in 2022) and a planned one (no step yet: what `POST /parcels/{id}/steps` walks in
/// the benchmark), each a rectangle of a grid on its zone's map (5,000 a zone with 50,000
/// projects); a resettled household per two supplied parcels, with two compensation items,
/// paid; and a dispute open on one supplied parcel in 250 (its project red). Supplied parcels
/// come first: parcel k (1-based, among the supplied) is project k's.
async fn land(
    store: &Store,
    args: &GenArgs,
    rng: &mut Rng,
    zones: &[i64],
    meter: &Arc<dyn Meter>,
) -> Result<(usize, usize, usize)> {
    use feidi_core::land::{Boundary, DisputeInput, ParcelInput, ParcelStatus};
    use feidi_core::resettlement::{CompensationInput, HouseholdInput, IdChange};
    let mut ids: Vec<i64> = store.project_ids().await?.into_iter().collect();
    ids.sort_unstable();
    let day = |s: &str| feidi_core::time::parse_day(s).unwrap_or_default();
    let steps: Vec<(ParcelStatus, chrono::NaiveDate)> = [
        (ParcelStatus::Approved, "2022-03-15"),
        (ParcelStatus::Acquired, "2022-04-20"),
        (ParcelStatus::Cleared, "2022-05-10"),
        (ParcelStatus::Delivered, "2022-05-20"),
        (ParcelStatus::Supplied, "2022-06-01"),
    ]
    .into_iter()
    .map(|(s, d)| (s, day(d)))
    .collect();
    // Each zone's parcels fill its grid in the order they come: its supplied ones, then its planned.
    let mut placed = vec![0u64; zones.len()];
    let mut parcel = |i: u64, zone: usize, supplied: bool, rng: &mut Rng| {
        let cell = placed[zone];
        placed[zone] += 1;
        let (col, row) = (cell % MAP_COLUMNS, cell / MAP_COLUMNS);
        let (w, h) = (0.0009, 0.0006);
        let (x, y) = (
            114.40 + col as f64 * (w + 0.0001),
            35.00 + row as f64 * (h + 0.0001),
        );
        let r = |v: f64| (v * 1e6).round() / 1e6;
        let ring = serde_json::json!([[
            [r(x), r(y)],
            [r(x + w), r(y)],
            [r(x + w), r(y + h)],
            [r(x), r(y + h)],
            [r(x), r(y)]
        ]]);
        let boundary = Boundary::parse(&serde_json::json!({"type": "Polygon", "coordinates": ring})).ok();
        ParcelInput {
            code: format!("{}{:06}", if supplied { "S" } else { "P" }, i + 1),
            zone_id: zones[zone],
            village: format!("示例村{:02}", zone + 1),
            area_mu: AreaMu::from_hundredths(rng.range(2_000, 30_000)),
            land_use: "工业用地".into(),
            boundary,
            sample: true,
        }
    };
    let mut parcels = Vec::with_capacity(ids.len() * 2);
    for (i, project) in ids.iter().enumerate() {
        let zone = zone_index(i as u64);
        parcels.push(feidi_store::GeneratedParcel {
            input: parcel(i as u64, zone, true, rng),
            status: ParcelStatus::Supplied,
            project_id: Some(*project),
            steps: steps.clone(),
        });
    }
    for i in 0..ids.len() {
        let zone = zone_index(i as u64);
        parcels.push(feidi_store::GeneratedParcel {
            input: parcel(i as u64, zone, false, rng),
            status: ParcelStatus::Planned,
            project_id: None,
            steps: Vec::new(),
        });
    }
    let parcel_count = parcels.len();
    meter.begin(parcel_count as u64, "parcels");
    let first_parcel = store
        .bulk_parcels(
            parcels,
            format!("feidi gen: {parcel_count} parcels, seed {}", args.seed),
        )
        .await?;
    meter.end();
    let households: Vec<HouseholdInput> = (0..ids.len() / 2)
        .map(|h| HouseholdInput {
            village: format!("示例村{:02}", zone_index(2 * h as u64) + 1),
            head_name: format!("示例户主{:06}", h + 1),
            people: rng.range(1, 7),
            parcel_id: Some(first_parcel + 2 * h as i64),
            id_number: IdChange::Keep,
            housing: Some(format!("示例安置小区{}号楼", h % 40 + 1)),
            resettled_on: Some(day("2022-04-28")),
            sample: true,
        })
        .collect();
    let household_count = households.len();
    let first_household = store.last_id("households").await? + 1;
    store
        .bulk_create(
            None,
            households,
            format!("feidi gen: {household_count} households"),
            Arc::new(|_| {}),
        )
        .await?;
    let mut items = Vec::with_capacity(household_count * 2);
    for h in 0..household_count as i64 {
        for (item, yuan) in [("房屋补偿", rng.range(80_000, 300_000)), ("搬迁奖励", 20_000)] {
            let input = CompensationInput {
                item: item.into(),
                amount: Money::yuan(yuan),
                due_date: day("2022-04-30"),
            };
            items.push((first_household + h, input, Some(day("2022-04-28"))));
        }
    }
    store
        .bulk_compensations(
            None,
            items,
            format!("feidi gen: compensation of {household_count} households"),
        )
        .await?;
    let disputes: Vec<DisputeInput> = (0..ids.len().div_ceil(250))
        .map(|d| DisputeInput {
            parcel_id: Some(first_parcel + 250 * d as i64),
            household_id: None,
            category: feidi_core::land::DisputeCategory::Compensation,
            description: "示例纠纷：补偿标准有异议".into(),
            opened_on: day("2023-01-10"),
        })
        .collect();
    let dispute_count = disputes.len();
    store
        .bulk_create(
            None,
            disputes,
            format!("feidi gen: {dispute_count} disputes"),
            Arc::new(|_| {}),
        )
        .await?;
    Ok((parcel_count, household_count, dispute_count))
}

/// How many generated reports are written per import.
const REPORTS_PER_BATCH: usize = 500_000;

/// The projects' history: `months` monthly reports each, ending with the last month that has
/// ended (most approved, about 1 % returned and 2 % awaiting review, the last month all awaiting
/// review); milestones (signed and started as planned for most, some late or overdue); and
/// annual plans that most projects meet and some miss. Answers how many reports it wrote.
async fn history(store: &Store, args: &GenArgs, rng: &mut Rng, meter: &Arc<dyn Meter>) -> Result<usize> {
    use feidi_core::schedule::MilestoneKind;
    use feidi_store::{ImportedReport, NewMilestone, ReportStatus};
    if args.months == 0 {
        return Ok(0);
    }
    let today = feidi_core::time::today();
    let (mut y, mut m) =
        feidi_core::schedule::parse_month(&feidi_core::schedule::cutoff_month(today)).unwrap_or((2026, 1));
    let mut months = Vec::with_capacity(args.months as usize);
    for _ in 0..args.months {
        months.push((y, m));
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    months.reverse();
    let (first_year, first_month) = months[0];
    let start = chrono::NaiveDate::from_ymd_opt(first_year, first_month, 1).unwrap_or(today);
    let mut ids: Vec<i64> = store.project_ids().await?.into_iter().collect();
    ids.sort_unstable();
    let totals: std::collections::HashMap<i64, Money> = store
        .standings(
            feidi_store::Part::default(),
            &today.to_string(),
            first_year,
            "0000-00",
            "0000-00",
        )
        .await?
        .into_iter()
        .map(|s| (s.project_id, s.total_investment))
        .collect();
    meter.begin((ids.len() * months.len()) as u64, "reports");
    let mut milestones = Vec::new();
    let mut plans = Vec::new();
    let mut batch: Vec<ImportedReport> = Vec::with_capacity(REPORTS_PER_BATCH);
    let mut written = 0;
    for id in &ids {
        // Invested over about five years: a share of the total each month.
        let total = totals.get(id).copied().unwrap_or(Money::ZERO).hundredths();
        let per_month = total / 60;
        let mut by_year: std::collections::BTreeMap<i32, i64> = Default::default();
        for (k, (y, m)) in months.iter().enumerate() {
            let amount = per_month / 100 * rng.range(60, 140);
            *by_year.entry(*y).or_insert(0) += amount;
            let roll = rng.range(0, 99);
            let (status, reason) = if k + 1 == months.len() || roll < 2 {
                (ReportStatus::Submitted, None)
            } else if roll < 3 {
                (
                    ReportStatus::Returned,
                    Some("金额与台账不符，请核实后重报".to_string()),
                )
            } else {
                (ReportStatus::Approved, None)
            };
            batch.push(ImportedReport {
                status,
                return_reason: reason,
                project_id: *id,
                month: (*y, *m),
                completed_investment: Money::from_hundredths(amount),
                progress_note: Some(format!("{m}月形象进度：按计划推进")),
                problems: (roll >= 97).then(|| "用工紧张，进度略有滞后".to_string()),
            });
            if batch.len() == REPORTS_PER_BATCH {
                written += flush(store, &mut batch, args, meter, written).await?;
            }
        }
        // Plans: most a little under what the year brings (met), some well over (behind).
        for (year, amount) in by_year {
            let factor = if rng.range(0, 99) < 85 {
                rng.range(80, 100)
            } else {
                rng.range(115, 160)
            };
            plans.push((*id, year, Money::from_hundredths(amount / 100 * factor)));
        }
        let began = start + chrono::Days::new(rng.range(0, 180) as u64);
        let day = |d: i64| began + chrono::Duration::days(d);
        let late = rng.range(0, 99);
        for (kind, planned, actual) in [
            (MilestoneKind::Signed, day(-60), Some(day(-60))),
            (
                MilestoneKind::ConstructionStarted,
                day(0),
                Some(day(if late < 5 { 20 } else { 0 })),
            ),
            (
                MilestoneKind::ToppedOut,
                day(540),
                (late >= 3).then(|| day(540 - rng.range(-20, 90))),
            ),
            (
                MilestoneKind::Completed,
                day(1100),
                (late >= 50).then(|| day(1100 - rng.range(-10, 60))),
            ),
        ] {
            milestones.push(NewMilestone {
                project_id: *id,
                kind,
                planned_date: planned,
                actual_date: actual.filter(|a| *a <= today),
            });
        }
    }
    written += flush(store, &mut batch, args, meter, written).await?;
    meter.end();
    store
        .bulk_schedule(
            milestones,
            plans,
            format!("feidi gen: milestones and annual plans of {} projects", ids.len()),
        )
        .await?;
    Ok(written)
}

async fn flush(
    store: &Store,
    batch: &mut Vec<feidi_store::ImportedReport>,
    args: &GenArgs,
    meter: &Arc<dyn Meter>,
    before: usize,
) -> Result<usize> {
    if batch.is_empty() {
        return Ok(0);
    }
    let rows = std::mem::take(batch);
    let n = rows.len();
    let shown = meter.clone();
    store
        .import_reports(
            None,
            feidi_store::ImportMeta {
                file_name: format!("feidi gen --seed {}", args.seed),
                checksum: "-".into(),
                by: "feidi gen".into(),
            },
            rows,
            std::sync::Arc::new(move |k| shown.at((before + k) as u64)),
        )
        .await?;
    Ok(n)
}

const APPEAL_TOPICS: &[(&str, &str, &str)] = &[
    ("land", "用地指标尚未落实", "二期厂房用地指标未下达，影响开工"),
    (
        "approvals",
        "施工许可办理缓慢",
        "施工许可材料已齐，审批超过二十天未办结",
    ),
    ("finance", "流动资金贷款困难", "订单增加，需流动资金贷款两千万元"),
    ("labour", "招工难", "技术工人缺口八十人，请协助对接职业院校"),
    ("utilities", "用电增容", "新生产线投产，需增容至两千千伏安"),
    ("policy", "奖补资金未兑现", "去年技改奖补资金尚未拨付"),
    ("other", "厂区道路破损", "厂区门前道路破损，影响货车通行"),
    ("urgent", "突发停水", "园区东区停水，生产线停产"),
];

/// Officials, task forces, absences and `args.appeals` appeals built by the real rules: a
/// tenth open (submitted over the last 20 days and not yet swept, so `feidi sweep` has the
/// handovers and escalations to do), the rest closed over three years — most acknowledged and
/// resolved in time and rated satisfied, some late (handed over or escalated first), a few
/// rated unsatisfied, reopened and resolved again. Answers (appeals, events).
async fn appeals(
    store: &Store,
    args: &GenArgs,
    rng: &mut Rng,
    first_enterprise: i64,
    enterprise_count: i64,
    meter: &Arc<dyn Meter>,
) -> Result<(usize, usize)> {
    use feidi_core::appeals::{AppealState, Officials, Rating};
    use feidi_core::calendar::Calendar;
    use feidi_core::registry::{TaskForceInput, UserInput};
    use feidi_store::GeneratedAppeal;

    // Every official shares one password hash (hashing is the slow part); tokens are issued
    // with `feidi token issue official001`.
    let hash = crate::credentials::hash_password("official password 1".into())
        .await
        .map_err(|e| anyhow!("hashing the officials' password: {e}"))?;
    let mut officials = Vec::new();
    for n in 1..=100 {
        let input = UserInput {
            login: format!("official{n:03}"),
            name: format!("生成·包联干部{n:03}"),
            role: feidi_core::model::Role::Staff,
            enterprise_id: None,
            phone: None,
            active: true,
            lang: feidi_core::Lang::Zh,
        };
        officials.push(store.create_user(None, &input, hash.clone(), None).await?.0.id);
    }
    let mut task_forces = Vec::new();
    for t in 0..10 {
        let input = TaskForceInput {
            name: format!("生成·服务专班{:02}", t + 1),
            leader_id: officials[90 + t],
            description: None,
        };
        task_forces.push((
            store.create(None, &input, vec![], None).await?.0.id,
            officials[90 + t],
        ));
    }
    // Each of the 90 A/B officials serves on one task force (the one of the enterprises it
    // is A for, k % 10).
    for (k, official) in officials.iter().enumerate().take(90) {
        store
            .add_task_force_member(None, task_forces[k % 10].0, *official)
            .await?;
    }
    let pairs: Vec<(i64, i64, i64, i64)> = (0..enterprise_count)
        .map(|k| {
            let a = officials[(k % 90) as usize];
            let b = officials[((k + 1) % 90) as usize];
            (first_enterprise + k, a, b, task_forces[(k % 10) as usize].0)
        })
        .collect();
    store.bulk_assign_officials(pairs).await?;
    let today = feidi_core::time::today();
    // The history's handovers meet the same absences the server's sweep would.
    let mut away = feidi_core::appeals::Absences::default();
    for (n, official) in officials.iter().enumerate().take(30) {
        let from = today + chrono::Duration::days(rng.range(-200, 60));
        let to = from + chrono::Duration::days(rng.range(0, 6));
        away.add(*official, from, to);
        let reason = ["出差", "培训", "休假", "病假"][n % 4];
        store
            .add_absence(None, *official, from, to, reason.into())
            .await?;
    }

    let calendar = Calendar::default();
    let now = feidi_core::time::now();
    let open = args.appeals / 10;
    meter.begin(args.appeals, "appeals");
    let (mut written, mut events_written) = (0usize, 0usize);
    let mut batch = Vec::with_capacity(50_000);
    // Submission times first, in order: the server numbers appeals as they arrive, so the
    // oldest has the lowest id (a history numbered at random against time would put every
    // sweep's neighbours on far-apart pages of the time-ordered indexes). The closed history
    // comes first, the open tenth — the last 20 days — last.
    let minutes = |rng: &mut Rng, lo: i64, hi: i64| chrono::Duration::minutes(rng.range(lo, hi));
    let history = usize::try_from(args.appeals - open).map_err(|e| anyhow!("{e}"))?;
    let mut times: Vec<chrono::DateTime<chrono::FixedOffset>> = (0..usize::try_from(args.appeals)
        .map_err(|e| anyhow!("{e}"))?)
        .map(|i| {
            if i < history {
                now - chrono::Duration::days(30) - minutes(rng, 0, 3 * 365 * 24 * 60)
            } else {
                now - minutes(rng, 10, 20 * 24 * 60)
            }
        })
        .collect();
    times.sort_unstable();
    let times_len = times.len();
    for (i, submitted_at) in times.into_iter().enumerate() {
        let k = rng.range(0, enterprise_count - 1);
        let (category, title, description) = *rng.pick(APPEAL_TOPICS);
        let days = if category == "urgent" { 1 } else { 5 };
        let officials_of = Officials {
            a: Some(officials[(k % 90) as usize]),
            b: Some(officials[((k + 1) % 90) as usize]),
            a_absent: false,
            b_absent: false,
            task_force_leader: Some(task_forces[(k % 10) as usize].1),
        };
        let (state, events) = AppealState::submit(&officials_of, &calendar, submitted_at, None, days);
        let mut g = GeneratedAppeal {
            enterprise_id: first_enterprise + k,
            category: category.into(),
            title: title.into(),
            description: description.into(),
            submitted_at,
            state,
            acknowledged_at: None,
            ack_on_time: None,
            resolved_at: None,
            resolution: None,
            resolved_on_time: None,
            rating: None,
            reopens: 0,
            events,
        };
        if i < history {
            let (state, events) = (&mut g.state, &mut g.events);
            // Acknowledged within hours (85 %), or a day or two late, after the sweep moved it.
            let ack_at = submitted_at
                + if rng.range(0, 99) < 85 {
                    minutes(rng, 20, 600)
                } else {
                    minutes(rng, 2000, 4000)
                };
            events.extend(state.sweep(&calendar, &away, ack_at));
            let who = state.handler.unwrap_or(officials_of.a.unwrap_or_default());
            let (e, ack_on_time) = state.acknowledge(who, ack_at).unwrap_or_default();
            events.extend(e);
            let resolve_at = ack_at
                + if rng.range(0, 99) < 80 {
                    minutes(rng, 60, 3000)
                } else {
                    minutes(rng, 8000, 14000)
                };
            events.extend(state.sweep(&calendar, &away, resolve_at));
            let resolver = state.handler.unwrap_or(who);
            let (e, resolved_on_time) = state
                .resolve(resolver, resolve_at, "已协调解决".into())
                .unwrap_or_default();
            events.extend(e);
            let roll = rng.range(0, 99);
            let rating = if roll < 80 {
                Rating::Satisfied
            } else if roll < 95 {
                Rating::BasicallySatisfied
            } else {
                Rating::Unsatisfied
            };
            let rated_at = resolve_at + minutes(rng, 60, 2000);
            events.extend(
                state
                    .rate(0, false, rating, None, rated_at, &calendar)
                    .unwrap_or_default(),
            );
            let mut reopens = 0;
            let mut final_rating = rating;
            if rating == Rating::Unsatisfied {
                reopens = 1;
                let again = rated_at + minutes(rng, 30, 600);
                let (e, _) = state.acknowledge(resolver, again).unwrap_or_default();
                events.extend(e);
                let done = again + minutes(rng, 600, 3000);
                events.extend(state.sweep(&calendar, &away, done));
                let (e, _) = state
                    .resolve(resolver, done, "已再次协调解决".into())
                    .unwrap_or_default();
                events.extend(e);
                final_rating = Rating::BasicallySatisfied;
                events.extend(
                    state
                        .rate(
                            0,
                            false,
                            final_rating,
                            None,
                            done + minutes(rng, 60, 600),
                            &calendar,
                        )
                        .unwrap_or_default(),
                );
            }
            // The enterprise's rating has no user in generated data.
            for e in events.iter_mut() {
                if e.actor == Some(0) {
                    e.actor = None;
                }
            }
            g.acknowledged_at = Some(ack_at);
            g.ack_on_time = Some(ack_on_time);
            g.resolved_at = Some(resolve_at);
            g.resolution = Some("已协调解决".into());
            g.resolved_on_time = Some(resolved_on_time);
            g.rating = Some(final_rating);
            g.reopens = reopens;
        }
        g.events.sort_by_key(|e| e.at);
        batch.push(g);
        if batch.len() == 50_000 || i + 1 == times_len {
            let n = batch.len();
            events_written += store
                .bulk_appeals(
                    std::mem::take(&mut batch),
                    format!("feidi gen: {n} appeals, seed {}", args.seed),
                )
                .await?;
            written += n;
            meter.at(written as u64);
        }
    }
    meter.end();
    Ok((written, events_written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_zones_are_spread_as_promised() {
        let mut by_category = [0u32; 3];
        let mut by_zone_and_category = std::collections::HashMap::new();
        for i in 0..2000 {
            let c = category(i);
            by_category[Category::ALL.iter().position(|k| *k == c).unwrap_or_default()] += 1;
            *by_zone_and_category.entry((zone_index(i), c)).or_insert(0) += 1;
        }
        assert_eq!(by_category, [1200, 500, 300]);
        // Each of the 20 zones holds 1/20 of each category.
        assert_eq!(by_zone_and_category.len(), 60);
        for ((_, c), n) in by_zone_and_category {
            let expected = match c {
                Category::Industrial => 60,
                Category::Infrastructure => 25,
                Category::Supporting => 15,
            };
            assert_eq!(n, expected);
        }
    }

    #[test]
    fn a_seed_always_gives_the_same_stream() {
        let a: Vec<u64> = std::iter::repeat_with({
            let mut r = Rng::new(7);
            move || r.next_u64()
        })
        .take(5)
        .collect();
        let mut r = Rng::new(7);
        assert_eq!(a, (0..5).map(|_| r.next_u64()).collect::<Vec<_>>());
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }
}
