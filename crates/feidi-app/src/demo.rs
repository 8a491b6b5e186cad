//! The demo programme: the Changyuan–Fengqiu integration (长封一体化) as reported in July 2023.
//!
//! Everything the source publishes is reproduced as published: the named projects and their
//! investments, the supporting projects' 22.25亿 and the roads' 2.4亿 as groups. Where the
//! source is silent (how a group splits, the other projects) the demo fills in sample data,
//! marked `sample` (示例) so that no one mistakes it for fact, and chosen so that the
//! portfolio totals the published 35 projects and 135亿元 exactly.

use crate::App;
use crate::credentials as auth;
use feidi_core::registry::{
    EnterpriseInput, JurisdictionInput, ProjectInput, TaskForceInput, UserInput, ZoneInput,
};
use feidi_core::{CreditCode, Money};
use feidi_store::Store;
use serde_json::{Map, Value, json};

/// This module's failures are nobody's input: they become `AppError::Internal`.
macro_rules! anyhow {
    ($($t:tt)*) => { crate::AppError::Internal(format!($($t)*)) };
}
type Result<T> = crate::AppResult<T>;

pub const ADMIN_LOGIN: &str = "admin";

/// The published portfolio after year one.
pub const PROJECT_COUNT: usize = 35;
pub const TOTAL_INVESTMENT_YUAN: i64 = 13_500_000_000;

/// What the demo wrote.
pub struct DemoSummary {
    pub projects: usize,
    pub total_investment: Money,
}

/// One project of the demo: (name, category, 万元, sample?, phase, description).
struct DemoProject {
    name: &'static str,
    category: &'static str,
    wan: i64,
    sample: bool,
    phase: Option<&'static str>,
    description: &'static str,
    enterprise: Option<usize>,
    output_wan: Option<i64>,
    jobs: Option<i64>,
}

const fn p(
    name: &'static str,
    category: &'static str,
    wan: i64,
    sample: bool,
    description: &'static str,
) -> DemoProject {
    DemoProject {
        name,
        category,
        wan,
        sample,
        phase: None,
        description,
        enterprise: None,
        output_wan: None,
        jobs: None,
    }
}

const SPLIT: &str = "名称为公开报道所列；金额为示例拆分，同组合计与公开数据一致。";
const SAMPLE: &str = "示例项目：公开报道未列出名称，用于补足35个项目、135亿元的公开总数。";

/// The 35 projects. Amounts in 万元.
fn projects() -> Vec<DemoProject> {
    let mut list = vec![
        // 启动区 industrial projects, as published.
        DemoProject {
            phase: Some("标准化厂房一期"),
            enterprise: Some(0),
            output_wan: Some(170_000),
            jobs: Some(2000),
            ..p(
                "卫材园中园",
                "industrial",
                100_000,
                false,
                "启动区工业项目。达产后年产值17亿元，带动就业2000人以上；标准化厂房一期主体封顶较计划提前约半年。",
            )
        },
        DemoProject {
            phase: Some("一期"),
            ..p(
                "先进碳材料产业园（一期）",
                "industrial",
                47_000,
                false,
                "启动区工业项目。",
            )
        },
        DemoProject {
            phase: Some("二期"),
            ..p(
                "先进碳材料产业园（二期）",
                "industrial",
                60_000,
                false,
                "启动区工业项目。",
            )
        },
        p("智能制造产业园", "industrial", 71_000, false, "启动区工业项目。"),
        // Supporting projects: 22.25亿 together, split as a sample.
        p("物流园", "supporting", 60_000, true, SPLIT),
        p("园区服务中心", "supporting", 15_000, true, SPLIT),
        p("职工周转房", "supporting", 22_500, true, SPLIT),
        p("安置房", "supporting", 55_000, true, SPLIT),
        p("产业新城", "supporting", 70_000, true, SPLIT),
        // Five roads, 2.4亿 together, all open to traffic on 2023-06-25.
        p(
            "园区道路一期·1号路（示例名）",
            "infrastructure",
            6_000,
            true,
            "五条道路合计2.4亿元，2023年6月25日全部通车；单条名称与金额为示例。",
        ),
        p(
            "园区道路一期·2号路（示例名）",
            "infrastructure",
            5_000,
            true,
            "五条道路合计2.4亿元，2023年6月25日全部通车；单条名称与金额为示例。",
        ),
        p(
            "园区道路一期·3号路（示例名）",
            "infrastructure",
            5_000,
            true,
            "五条道路合计2.4亿元，2023年6月25日全部通车；单条名称与金额为示例。",
        ),
        p(
            "园区道路一期·4号路（示例名）",
            "infrastructure",
            4_000,
            true,
            "五条道路合计2.4亿元，2023年6月25日全部通车；单条名称与金额为示例。",
        ),
        p(
            "园区道路一期·5号路（示例名）",
            "infrastructure",
            4_000,
            true,
            "五条道路合计2.4亿元，2023年6月25日全部通车；单条名称与金额为示例。",
        ),
    ];
    // The rest of the portfolio, unnamed in the source.
    let samples: [(&str, &str, i64); 21] = [
        ("示例·园区道路二期", "infrastructure", 18_000),
        ("示例·污水处理厂", "infrastructure", 30_000),
        ("示例·供热供汽管网", "infrastructure", 22_000),
        ("示例·汽车零部件项目A", "industrial", 52_000),
        ("示例·汽车零部件项目B", "industrial", 38_000),
        ("示例·汽车零部件项目C", "industrial", 30_000),
        ("示例·医疗器械项目A", "industrial", 45_000),
        ("示例·医疗器械项目B", "industrial", 36_000),
        ("示例·卫材配套项目A", "industrial", 26_000),
        ("示例·卫材配套项目B", "industrial", 31_000),
        ("示例·智能装备项目A", "industrial", 60_000),
        ("示例·智能装备项目B", "industrial", 42_000),
        ("示例·碳材料下游项目", "industrial", 35_000),
        ("示例·新材料项目", "industrial", 55_000),
        ("示例·新能源装备项目", "industrial", 65_000),
        ("示例·电子信息项目", "industrial", 40_000),
        ("示例·长垣研发中心（长垣研发+封丘制造）", "industrial", 44_000),
        ("示例·标准化厂房二期", "industrial", 33_000),
        ("示例·仓储冷链项目", "supporting", 28_000),
        ("示例·职业技能培训中心", "supporting", 19_500),
        ("示例·人才公寓二期", "supporting", 0),
    ];
    for (i, (name, category, wan)) in samples.into_iter().enumerate() {
        let mut project = p(name, category, wan, true, SAMPLE);
        if category == "industrial" {
            project.enterprise = Some(1 + i % 3);
        }
        list.push(project);
    }
    // The last sample takes what is left, so the total is the published one to the yuan.
    let sum: i64 = list.iter().map(|p| p.wan).sum();
    if let Some(last) = list.last_mut() {
        last.wan = TOTAL_INVESTMENT_YUAN / 10_000 - sum;
    }
    list
}

/// Sample enterprises: the source names none.
const ENTERPRISES: [(&str, &str, u32); 4] = [
    ("示例·卫材医疗用品有限公司", "卫材医疗器械", 410783),
    ("示例·汽车零部件有限公司", "汽车零部件", 410727),
    ("示例·智能装备制造有限公司", "智能制造", 410783),
    ("示例·先进碳材料科技有限公司", "先进碳材料", 410727),
];

fn map(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn invalid(what: &str) -> impl Fn(feidi_core::FieldErrors) -> crate::AppError + '_ {
    move |e| anyhow!("demo {what}: {e}")
}

/// The appeals desk (M5) as on an ordinary day: each enterprise's liaison (who signs in once
/// an admin sets a password), and appeals of the last weeks in each state, taken through the
/// real workflow (the oldest 25 days back, so that it is past its deadlines whatever holidays
/// fall between) — loaded as history by the admin, acted on by whoever holds each one, rated
/// by the enterprise — then swept, so that the inboxes, the escalations and the dashboard's
/// figures show what a park sees.
async fn appeals(store: &Store, admin: i64, enterprises: &[i64]) -> Result<()> {
    use feidi_core::appeals::Rating;
    use feidi_core::model::Role;
    use feidi_core::policy::Principal;
    use feidi_store::{AppealAction, NewAppeal};

    let mut liaisons = Vec::new();
    for (n, login) in ["qiye.weicai", "qiye.qipei", "qiye.zhineng", "qiye.tancai"]
        .iter()
        .enumerate()
    {
        let input = UserInput::parse(&map(json!({
            "login": login, "name": format!("{}联络员", ENTERPRISES[n].0),
            "role": "enterprise", "enterprise_id": enterprises[n]
        })))
        .map_err(invalid("enterprise liaison"))?;
        let hash = auth::hash_password(auth::random_token())
            .await
            .map_err(|e| anyhow!("{e}"))?;
        liaisons.push(store.create_user(Some(admin), &input, hash, None).await?.0.id);
    }
    let enterprise_user = |n: usize| Principal {
        user_id: liaisons[n],
        role: Role::Enterprise,
        enterprise_id: Some(enterprises[n]),
    };

    enum Then {
        Nothing,
        Acknowledge,
        Return(&'static str),
        Resolve(&'static str, Option<(Rating, &'static str)>),
    }
    let now = feidi_core::time::now();
    let hours = chrono::Duration::hours;
    let list: [(usize, &str, &str, &str, chrono::Duration, Then); 7] = [
        (
            0,
            "land",
            "二期厂房用地指标尚未落实",
            "二期厂房已完成设计，用地指标仍未下达，影响开工手续办理，请协调自然资源部门。",
            hours(24 * 25),
            Then::Acknowledge,
        ),
        (
            1,
            "utilities",
            "厂区双回路供电接入",
            "新增生产线需双回路供电，请协调供电公司明确接入方案和时间。",
            hours(24 * 3),
            Then::Acknowledge,
        ),
        (
            2,
            "approvals",
            "施工许可证办理进度咨询",
            "施工许可证材料已提交十个工作日，请告知办理进度。",
            hours(24 * 2),
            Then::Resolve(
                "已协调住建部门，许可证于今日办结，企业可到政务服务中心领取。",
                Some((Rating::Satisfied, "办理及时")),
            ),
        ),
        (
            3,
            "finance",
            "设备贷款贴息申请",
            "购置生产设备的贷款贴息申请，请明确贴息比例和拨付时间。",
            hours(24 * 6),
            Then::Resolve(
                "已答复：按园区政策贴息比例为基准利率的50%，年底前拨付。",
                Some((Rating::Unsatisfied, "贴息比例与招商协议约定不一致，请再核实。")),
            ),
        ),
        (
            0,
            "urgent",
            "园区道路施工阻断厂区出入口",
            "园区道路施工封闭了厂区唯一的货车出入口，原料无法进厂，请马上协调。",
            hours(2),
            Then::Nothing,
        ),
        (
            1,
            "labour",
            "熟练工招聘对接",
            "投产需要熟练缝纫工约两百人，请协助对接劳务资源。",
            hours(24),
            Then::Return("属县人社局职责，已转县人社局就业服务中心对接，请企业直接联系。"),
        ),
        (
            2,
            "policy",
            "高新技术企业认定政策咨询",
            "企业拟申报高新技术企业，请介绍认定条件和园区配套奖励政策。",
            hours(24 * 4),
            Then::Resolve("已上门讲解认定条件，并提供园区奖励政策汇编。", None),
        ),
    ];
    for (n, category, title, description, ago, then) in list {
        let (appeal, _) = store
            .submit_appeal(
                Some(admin),
                NewAppeal {
                    enterprise_id: enterprises[n],
                    project_id: None,
                    category: category.to_string(),
                    title: title.to_string(),
                    description: description.to_string(),
                    submitted_at: Some(now - ago),
                },
                None,
                now,
            )
            .await?;
        match then {
            Then::Nothing => {}
            Then::Acknowledge => {
                act_as_holder(store, appeal.id, AppealAction::Acknowledge).await?;
            }
            Then::Return(reason) => {
                let action = AppealAction::Return {
                    reason: reason.to_string(),
                };
                act_as_holder(store, appeal.id, action).await?;
            }
            Then::Resolve(resolution, rating) => {
                act_as_holder(store, appeal.id, AppealAction::Acknowledge).await?;
                let action = AppealAction::Resolve {
                    resolution: resolution.to_string(),
                };
                let done = act_as_holder(store, appeal.id, action).await?;
                if let Some((rating, comment)) = rating {
                    let action = AppealAction::Rate {
                        rating,
                        comment: Some(comment.to_string()),
                    };
                    store
                        .act_on_appeal(
                            enterprise_user(n),
                            done.id,
                            Some(done.version),
                            action,
                            feidi_core::time::now(),
                        )
                        .await?;
                }
            }
        }
    }
    store.sweep(feidi_core::time::now()).await?;
    Ok(())
}

/// Acts on an appeal as whoever holds it: A, or B or the task force's leader when the rules
/// moved it. Read just before acting, and once more if refused: a deadline may pass between
/// the read and the act, and the rules then move the appeal first.
async fn act_as_holder(
    store: &Store,
    id: i64,
    action: feidi_store::AppealAction,
) -> Result<feidi_store::Appeal> {
    use feidi_core::model::Role;
    use feidi_core::policy::{Principal, Scope};
    let mut tries = 0;
    loop {
        let appeal = store.appeal(id, Scope::All).await?;
        let who = Principal {
            user_id: appeal
                .handler_id
                .ok_or_else(|| anyhow!("demo appeal {id}: nobody holds it"))?,
            role: if appeal.handler_role == "escalated" {
                Role::Leader
            } else {
                Role::Staff
            },
            enterprise_id: None,
        };
        match store
            .act_on_appeal(
                who,
                id,
                Some(appeal.version),
                action.clone(),
                feidi_core::time::now(),
            )
            .await
        {
            Err(feidi_store::StoreError::Forbidden | feidi_store::StoreError::Conflict) if tries == 0 => {
                tries += 1
            }
            done => return Ok(done?),
        }
    }
}

/// Whether the database holds nothing yet (no users, no projects).
pub async fn is_empty(app: &App) -> Result<bool> {
    let store = &app.store;
    let users = store
        .list::<feidi_store::User>(&Default::default(), feidi_core::policy::Scope::All)
        .await?;
    Ok(users.total == 0 && store.portfolio_totals().await?.project_count == 0)
}

/// Writes the demo programme and an admin with `admin_password`.
pub async fn load(app: &App, admin_password: &str) -> Result<DemoSummary> {
    let store = &app.store;
    let admin = UserInput::parse(&map(
        json!({"login": ADMIN_LOGIN, "name": "系统管理员", "role": "admin"}),
    ))
    .map_err(invalid("admin"))?;
    let hash = auth::hash_password(admin_password.to_string())
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let (admin, _) = store.create_user(None, &admin, hash, None).await?;
    let actor = Some(admin.id);

    // Officials: the park's cadres who are A and B (AB角). They sign in once an admin sets
    // their passwords; until then their passwords are random and unknown.
    let mut officials = Vec::new();
    for (login, name, role) in [
        ("leader.city", "示例·市领导小组组长", "leader"),
        ("staff.a1", "示例·管委会干部甲", "staff"),
        ("staff.b1", "示例·管委会干部乙", "staff"),
        ("staff.a2", "示例·项目服务专班干部丙", "staff"),
        ("staff.b2", "示例·项目服务专班干部丁", "staff"),
    ] {
        let input = UserInput::parse(&map(json!({"login": login, "name": name, "role": role})))
            .map_err(invalid("official"))?;
        let hash = auth::hash_password(auth::random_token())
            .await
            .map_err(|e| anyhow!("{e}"))?;
        officials.push(store.create_user(actor, &input, hash, None).await?.0.id);
    }

    // The park's service task force (工作专班): led by the leader, the four officials its
    // members; appeals escalate to its leader.
    let task_force = TaskForceInput::parse(&map(json!({
        "name": "示例·长封一体化项目服务专班",
        "leader_id": officials[0],
        "description": "受理园区企业诉求，落实“马上办”，AB角包联到企。"
    })))
    .map_err(invalid("task force"))?;
    let (task_force, _) = store.create(actor, &task_force, vec![], None).await?;
    for official in &officials[1..] {
        store
            .add_task_force_member(actor, task_force.id, *official)
            .await?;
    }

    let mut jurisdictions = Vec::new();
    for (name, code) in [("长垣市", "410783"), ("封丘县", "410727"), ("新乡市", "410700")] {
        let input = JurisdictionInput::parse(&map(json!({"name": name, "code": code})))
            .map_err(invalid("jurisdiction"))?;
        jurisdictions.push(store.create(actor, &input, vec![], None).await?.0.id);
    }
    let (changyuan, fengqiu) = (jurisdictions[0], jurisdictions[1]);
    let zone = ZoneInput::parse(&map(json!({
        "name": "长封一体化飞地产业园",
        "code": "CF-01",
        "host_jurisdiction_id": fengqiu,
        "operator_jurisdiction_id": changyuan,
        "area_mu": "15600.00",
        "description": "规划面积10.4平方公里（约15600亩），位于封丘县，由长垣市负责经济管理、招商引资和运营，封丘县负责要素保障和社会事务，新乡国资集团负责基础设施建设。启动区含卫材园中园、先进碳材料产业园、智能制造产业园。"
    })))
    .map_err(invalid("zone"))?;
    let (zone, _) = store.create(actor, &zone, vec![], None).await?;

    let mut enterprises = Vec::new();
    for (n, (name, industry, division)) in ENTERPRISES.iter().enumerate() {
        let code = CreditCode::synthetic(*division, 7_000_000 + n as u64);
        let input = EnterpriseInput::parse(&map(json!({
            "name": name, "credit_code": code.as_str(), "industry": industry,
            "a_official_id": officials[1 + (n % 2) * 2], "b_official_id": officials[2 + (n % 2) * 2],
            "task_force_id": task_force.id
        })))
        .map_err(invalid("enterprise"))?;
        enterprises.push(store.create(actor, &input, vec![], None).await?.0.id);
    }

    let mut total = Money::ZERO;
    let list = projects();
    let mut ids = Vec::with_capacity(list.len());
    for (n, project) in list.iter().enumerate() {
        let yuan = project.wan * 10_000;
        let input = ProjectInput::parse(&map(json!({
            "name": project.name,
            "code": format!("CF-2022-{:03}", n + 1),
            "category": project.category,
            "zone_id": zone.id,
            "enterprise_id": project.enterprise.map(|i| enterprises[i]),
            "phase": project.phase,
            "total_investment": yuan.to_string(),
            "expected_annual_output": project.output_wan.map(|w| (w * 10_000).to_string()),
            "expected_jobs": project.jobs,
            "land_mu": START_AREA_LAND.get(n).map(|mu| format!("{mu}.00")),
            "a_official_id": officials[1 + (n % 2) * 2],
            "b_official_id": officials[2 + (n % 2) * 2],
            "description": project.description,
            "sample": project.sample,
        })))
        .map_err(invalid(project.name))?;
        let (created, _) = store.create(actor, &input, vec![], None).await?;
        total = total
            .checked_add(created.total_investment)
            .ok_or_else(|| anyhow!("overflow"))?;
        ids.push(created.id);
    }
    history(store, actor, officials[1], &list, &ids).await?;
    let parcels = land(store, officials[1], zone.id, &ids).await?;
    resettlement(store, officials[1], &parcels).await?;
    stages(store, actor).await?;
    appeals(store, admin.id, &enterprises).await?;
    // The reference programme was reported up to the summer of 2023: its pages open as of
    // then (with a note and one click to today), not on a today that makes every project red.
    store.set_reference_day(actor, Some(REFERENCE_DAY)).await?;
    Ok(DemoSummary {
        projects: list.len(),
        total_investment: total,
    })
}

/// The 启动区's land: about 800 亩 of 前方庄村 in eight parcels, each approved, acquired, cleared,
/// delivered and supplied to one of the four 启动区 projects before they started in June 2022.
/// The published figure is the 800 亩; the parcels' split, boundaries and document numbers are
/// samples, and say so.
/// What the 启动区's four projects need, 亩: the 800 亩 of 前方庄村 they were supplied.
const START_AREA_LAND: [i64; 4] = [325, 85, 205, 185];

async fn land(store: &Store, staff: i64, zone: i64, projects: &[i64]) -> Result<Vec<i64>> {
    use feidi_core::land::{ParcelInput, StepInput};
    // (亩, the project it went to, by index among the demo's projects).
    let parcels: [(i64, usize); 8] = [
        (120, 0),
        (95, 0),
        (110, 0),
        (85, 1),
        (105, 2),
        (100, 2),
        (90, 3),
        (95, 3),
    ];
    // Laid out west to east in two rows near 封丘县王村乡, each rectangle 300 m deep and as wide
    // as its area needs (1 亩 = 666.67 m²; a degree of longitude here is about 91.2 km).
    let (west, south, depth_deg) = (114.4600, 35.0800, 0.0027);
    let mut made = Vec::with_capacity(parcels.len());
    let mut x = [west, west];
    for (n, (mu, project)) in parcels.iter().enumerate() {
        let row = n / 4;
        let width_deg = (*mu as f64 * 666.67 / 300.0) / 91_200.0;
        let (x0, y0) = (x[row], south + row as f64 * (depth_deg + 0.0004));
        x[row] += width_deg + 0.0004;
        let round = |v: f64| (v * 1e6).round() / 1e6;
        let ring = [
            [round(x0), round(y0)],
            [round(x0 + width_deg), round(y0)],
            [round(x0 + width_deg), round(y0 + depth_deg)],
            [round(x0), round(y0 + depth_deg)],
            [round(x0), round(y0)],
        ];
        let input = ParcelInput::parse(&map(json!({
            "code": format!("QFZ-{:02}", n + 1),
            "zone_id": zone,
            "village": "前方庄村",
            "area_mu": format!("{mu}.00"),
            "land_use": "工业用地",
            "boundary": {"type": "Polygon", "coordinates": [ring]},
            "sample": true,
        })))
        .map_err(invalid("parcel"))?;
        let (parcel, _) = store.create(Some(staff), &input, vec![], None).await?;
        made.push(parcel.id);
        let steps = [
            (
                "approved",
                "2022-03-15",
                Some(format!("示例文号·封政土〔2022〕{}号", 10 + n)),
            ),
            ("acquired", "2022-04-20", None),
            ("cleared", "2022-05-10", None),
            ("delivered", "2022-05-20", None),
            ("supplied", "2022-06-01", None),
        ];
        for (status, date, document) in steps {
            let step = StepInput::parse(&map(json!({
                "status": status,
                "date": date,
                "document_no": document,
                "project_id": (status == "supplied").then(|| projects[*project]),
            })))
            .map_err(invalid("parcel step"))?;
            store
                .parcel_step(Some(staff), parcel.id, &step, feidi_core::time::now())
                .await?;
        }
    }
    Ok(made)
}

/// The households of 前方庄村 the 启动区 displaced: 309 households, 1,168 people (the published
/// figures), all moved into resettlement housing before the land was cleared, every item of
/// their compensation paid. Names, housing and amounts are samples, and say so.
pub const DEMO_HOUSEHOLDS: usize = 309;
pub const DEMO_PEOPLE: i64 = 1_168;

async fn resettlement(store: &Store, staff: i64, parcels: &[i64]) -> Result<()> {
    use feidi_core::resettlement::{CompensationInput, HouseholdInput};
    const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "周"];
    let n = DEMO_HOUSEHOLDS as i64;
    // Three or four people a household, spread evenly so that they add up to 1,168; every
    // tenth household one larger and its neighbour one smaller, so the sizes vary.
    let extra = DEMO_PEOPLE - 3 * n;
    let mut people: Vec<i64> = (0..n)
        .map(|i| 3 + ((i + 1) * extra / n - i * extra / n))
        .collect();
    for i in (0..people.len() - 1).step_by(10) {
        if people[i + 1] > 2 {
            people[i] += 1;
            people[i + 1] -= 1;
        }
    }
    let today = feidi_core::time::today();
    let mut inputs = Vec::with_capacity(DEMO_HOUSEHOLDS);
    for (i, size) in people.iter().enumerate() {
        let input = HouseholdInput::parse(
            &map(json!({
                "village": "前方庄村",
                "head_name": format!("示例·{}某{:03}", SURNAMES[i % SURNAMES.len()], i + 1),
                "people": size,
                "parcel_id": parcels[i % parcels.len()],
                "housing": format!("示例·前方庄安置社区{}号楼{}单元{}", 1 + i / 24, 1 + (i / 8) % 3, 101 + (i % 8) / 2 * 100 + i % 2),
                "resettled_on": format!("2022-04-{:02}", 25 + i % 14 / 3),
                "sample": true,
            })),
            today,
        )
        .map_err(invalid("household"))?;
        inputs.push(input);
    }
    store
        .bulk_create(
            Some(staff),
            inputs,
            "示例安置户：前方庄村309户1168人".into(),
            std::sync::Arc::new(|_| {}),
        )
        .await?;
    let ids = store.household_ids("前方庄村").await?;
    let paid = feidi_core::time::parse_day("2022-04-28");
    let mut items = Vec::with_capacity(ids.len() * 3);
    for (i, (id, size)) in ids.iter().zip(&people).enumerate() {
        let wan = |yuan: i64| Money::yuan(yuan).to_string();
        for (item, amount) in [
            ("房屋补偿", wan(size * 45_000 + (i as i64 % 7) * 1_000)),
            ("搬迁奖励", wan(20_000)),
            ("过渡安置费", wan(size * 600 * 6)),
        ] {
            let input = CompensationInput::parse(&map(
                json!({"item": item, "amount": amount, "due_date": "2022-04-30"}),
            ))
            .map_err(invalid("compensation"))?;
            items.push((*id, input, paid));
        }
    }
    store
        .bulk_compensations(
            Some(staff),
            items,
            "示例补偿：前方庄村安置户补偿款（已全部兑付）".into(),
        )
        .await?;
    Ok(())
}

/// The programme's three stages (一年起步, 三年起势, 五年成型). Only the first one's result is
/// published; the targets of the other two are samples, and say so.
async fn stages(store: &Store, actor: Option<i64>) -> Result<()> {
    let stages = [
        json!({
            "name": "一年起步",
            "start_date": "2022-06-01",
            "end_date": "2023-06-30",
            "target_project_count": "35",
            "target_total_investment": "13500000000",
            "target_completed_investment": "3660000000",
            "note": "长封一体化首批35个项目，总投资135亿元；截至2023年7月已完成投资36.6亿元，目标达成。",
        }),
        json!({
            "name": "三年起势",
            "start_date": "2023-07-01",
            "end_date": "2025-06-30",
            "target_project_count": "50",
            "target_total_investment": "20000000000",
            "target_completed_investment": "10000000000",
            "target_annual_output": "15000000000",
            "target_jobs": "8000",
            "sample": true,
            "note": "示例目标，仅供演示，非公开发布数据。",
        }),
        json!({
            "name": "五年成型",
            "start_date": "2025-07-01",
            "end_date": "2027-06-30",
            "target_project_count": "70",
            "target_total_investment": "30000000000",
            "target_completed_investment": "22000000000",
            "target_annual_output": "40000000000",
            "target_jobs": "20000",
            "sample": true,
            "note": "示例目标，仅供演示，非公开发布数据。",
        }),
    ];
    for stage in stages {
        let input =
            feidi_core::programme::StageInput::parse(stage.as_object().unwrap_or(&serde_json::Map::new()))
                .map_err(|e| anyhow!("demo stage: {e}"))?;
        store.create(actor, &input, vec![], None).await?;
    }
    Ok(())
}

/// The day the reference programme's figures were published.
pub const REFERENCE_DAY: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2023, 7, 7) {
    Some(day) => day,
    None => chrono::NaiveDate::MIN,
};

/// The completed investment as of 2023-07-07, in 万元: published 36.6亿.
pub const COMPLETED_WAN: i64 = 366_000;

/// What each project had completed by the end of June 2023, in 万元. The published figure is
/// the programme's total; the split is a sample: roads done, the 启动区 well advanced, the rest
/// in proportion to their size (largest remainders keep the total exact).
fn completed_by_project(list: &[DemoProject]) -> Vec<i64> {
    let fixed = |name: &str| match name {
        "卫材园中园" => Some(60_000),
        "先进碳材料产业园（一期）" => Some(30_000),
        "先进碳材料产业园（二期）" => Some(5_000),
        "智能制造产业园" => Some(25_000),
        "物流园" => Some(15_000),
        "园区服务中心" => Some(9_000),
        "职工周转房" => Some(12_000),
        "安置房" => Some(30_000),
        "产业新城" => Some(20_000),
        n if n.starts_with("园区道路一期") => None,
        _ => None,
    };
    let mut out: Vec<Option<i64>> = list
        .iter()
        .map(|p| {
            if p.name.starts_with("园区道路一期") {
                Some(p.wan)
            } else {
                fixed(p.name)
            }
        })
        .collect();
    let fixed_sum: i64 = out.iter().flatten().sum();
    let rest_total: i64 = list
        .iter()
        .zip(&out)
        .filter(|(_, c)| c.is_none())
        .map(|(p, _)| p.wan)
        .sum();
    let left = COMPLETED_WAN - fixed_sum;
    // Largest remainder over the unnamed projects, by size.
    let mut shares: Vec<(usize, i64, i64)> = list
        .iter()
        .enumerate()
        .filter(|(i, _)| out[*i].is_none())
        .map(|(i, p)| (i, p.wan * left / rest_total, p.wan * left % rest_total))
        .collect();
    let mut short = left - shares.iter().map(|(_, q, _)| q).sum::<i64>();
    shares.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    for (i, q, _) in &shares {
        let extra = if short > 0 { 1 } else { 0 };
        short -= extra;
        out[*i] = Some(q + extra);
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

/// The month a project started reporting: the 启动区 and the roads from June 2022 (the
/// programme's launch), the others over the following months.
fn start_month(n: usize, project: &DemoProject) -> (i32, u32) {
    if !project.sample || project.name.starts_with("园区道路一期") || n < 14 {
        (2022, 6 + (n % 4) as u32)
    } else {
        let k = (n % 10) as u32;
        if k < 6 { (2022, 7 + k) } else { (2023, k - 5) }
    }
}

/// The months from `start` to June 2023.
fn months_to_june_2023(start: (i32, u32)) -> Vec<(i32, u32)> {
    let mut months = Vec::new();
    let (mut y, mut m) = start;
    while (y, m) <= (2023, 6) {
        months.push((y, m));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    months
}

/// The programme's history up to mid-2023, written through the real workflow: monthly reports
/// submitted by a statistician and approved by a cadre (36.6亿 in all), plans for 2023 and
/// milestones, with a few projects behind schedule, each for a stated reason.
async fn history(
    store: &Store,
    admin: Option<i64>,
    staff: i64,
    list: &[DemoProject],
    ids: &[i64],
) -> Result<()> {
    use feidi_core::schedule::{MilestoneInput, MilestoneKind, ReportInput};
    let reporter = UserInput::parse(&map(
        json!({"login": "reporter.demo", "name": "示例·项目统计员", "role": "reporter"}),
    ))
    .map_err(invalid("reporter"))?;
    let hash = auth::hash_password(auth::random_token())
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let reporter = store.create_user(admin, &reporter, hash, None).await?.0.id;
    let day =
        |y: i32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow!("date"));
    let completed = completed_by_project(list);
    for (n, (project, id)) in list.iter().zip(ids).enumerate() {
        let months = months_to_june_2023(start_month(n, project));
        let share = completed[n] / months.len() as i64;
        let mut in_2023 = 0;
        for (k, (y, m)) in months.iter().enumerate() {
            let wan = if k + 1 == months.len() {
                completed[n] - share * (months.len() as i64 - 1)
            } else {
                share
            };
            if *y == 2023 {
                in_2023 += wan;
            }
            // The projects behind schedule say why in their latest reports (存在问题).
            let problems = match n {
                26 => Some("土地征收补偿未完成，供地滞后，已提请县自然资源局协调"),
                20 => Some("企业融资未到位，设备采购推迟，年度投资进度滞后"),
                17 | 23 => Some("雨季影响土方施工，进度略有滞后"),
                29 => Some("钢结构材料供应延迟，封顶推迟约两周"),
                _ => None,
            }
            .filter(|_| k + 2 >= months.len());
            let input = ReportInput {
                completed_investment: Money::yuan(wan * 10_000),
                progress_note: Some(format!("{}月形象进度：按计划推进", m)),
                problems: problems.map(str::to_string),
            };
            let month = format!("{y:04}-{m:02}");
            store
                .submit_report(
                    Some(reporter),
                    *id,
                    month.clone(),
                    &input,
                    None,
                    feidi_core::time::now(),
                )
                .await?;
            store
                .review_report(
                    Some(staff),
                    *id,
                    month,
                    feidi_store::Review::Approve,
                    feidi_core::time::now(),
                )
                .await?;
        }
        // Plans for 2023: on schedule for most (half the plan done by mid-year); two about 90 %
        // of schedule (yellow), one about 70 % (red: investment behind).
        let percent = match n {
            17 | 23 => 110,
            20 => 142,
            _ => 100,
        };
        let plan_wan = in_2023 * 2 * percent / 100;
        if plan_wan > 0 {
            store
                .put_plan(admin, *id, 2023, Money::yuan(plan_wan * 10_000), None)
                .await?;
        }
        // Milestones: signed and started as planned.
        let (y, m) = start_month(n, project);
        let started = day(y, m, 1)?;
        let signed = started - chrono::Duration::days(45);
        let extra: Option<(MilestoneKind, chrono::NaiveDate, Option<chrono::NaiveDate>)> = match project.name
        {
            // Topped out about half a year ahead of plan.
            "卫材园中园" => Some((
                MilestoneKind::ToppedOut,
                day(2023, 12, 20)?,
                Some(day(2023, 6, 20)?),
            )),
            // All five roads open to traffic on 2023-06-25.
            name if name.starts_with("园区道路一期") => Some((
                MilestoneKind::Completed,
                day(2023, 6, 30)?,
                Some(day(2023, 6, 25)?),
            )),
            _ => match n {
                // Land supply three months overdue: red, "供地滞后".
                26 => Some((MilestoneKind::LandSupplied, day(2023, 3, 31)?, None)),
                // Topping out two weeks overdue: yellow.
                29 => Some((MilestoneKind::ToppedOut, day(2023, 6, 23)?, None)),
                _ => Some((MilestoneKind::ToppedOut, day(2024, 6, 30)?, None)),
            },
        };
        let every = [
            (MilestoneKind::Signed, signed, Some(signed)),
            (MilestoneKind::ConstructionStarted, started, Some(started)),
        ];
        for (kind, planned, actual) in every.into_iter().chain(extra) {
            let dates = MilestoneInput {
                planned_date: planned,
                actual_date: actual,
            };
            store.put_milestone(admin, *id, kind, &dates, None).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_adds_up_to_the_published_completed_investment() {
        let list = projects();
        let completed = completed_by_project(&list);
        assert_eq!(completed.iter().sum::<i64>(), COMPLETED_WAN);
        for (p, c) in list.iter().zip(&completed) {
            assert!(*c >= 0 && *c <= p.wan, "{}: {c} of {}", p.name, p.wan);
        }
        for (n, p) in list.iter().enumerate() {
            let months = months_to_june_2023(start_month(n, p));
            assert!(!months.is_empty() && months[0] >= (2022, 6), "{}", p.name);
        }
    }

    #[test]
    fn the_portfolio_matches_the_published_figures() {
        let list = projects();
        assert_eq!(list.len(), PROJECT_COUNT);
        assert_eq!(
            list.iter().map(|p| p.wan).sum::<i64>() * 10_000,
            TOTAL_INVESTMENT_YUAN
        );
        assert!(list.iter().all(|p| p.wan > 0), "every project has an investment");
        let group = |names: &[&str]| {
            list.iter()
                .filter(|p| names.contains(&p.name))
                .map(|p| p.wan)
                .sum::<i64>()
        };
        assert_eq!(
            group(&["物流园", "园区服务中心", "职工周转房", "安置房", "产业新城"]),
            222_500
        );
        let roads: i64 = list
            .iter()
            .filter(|p| p.name.starts_with("园区道路一期"))
            .map(|p| p.wan)
            .sum();
        assert_eq!(roads, 24_000);
        assert_eq!(group(&["卫材园中园"]), 100_000);
        // Every project the source does not name, or whose amount it does not give, is marked.
        let published = [
            "卫材园中园",
            "先进碳材料产业园（一期）",
            "先进碳材料产业园（二期）",
            "智能制造产业园",
        ];
        for p in &list {
            assert_eq!(p.sample, !published.contains(&p.name), "{}", p.name);
        }
    }
}
