//! The leaders' cockpit page (领导驾驶舱): the figures of the programme at a glance, with
//! charts drawn on the server, filters by zone, category and day, a wall-display mode (大屏)
//! and a print style.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use feidi_core::model::Category;
use feidi_core::programme::StageState;
use feidi_core::{Lang, Money};

use super::registry::Opt;
use super::{Chrome, shown, url_encode};
use crate::AppState;
use crate::auth::PageCaller;
use crate::error::{ApiResult, ForLang};
use crate::svg;
use feidi_app::cockpit::Cockpit;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cockpit", get(cockpit_page))
        .route("/dispatch", get(dispatch_page))
}

pub struct DispatchLineView {
    pub id: i64,
    pub name: String,
    pub zone: String,
    pub total: String,
    pub plan: String,
    pub month: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub ytd: String,
    pub since_start: String,
    pub completion: String,
    pub light: &'static str,
    pub light_class: &'static str,
    /// What blocks it (堵点), in words.
    pub blockages: String,
    pub note: String,
    pub problems: String,
}

pub struct SumView {
    pub label: String,
    pub count: i64,
    pub total: String,
    pub plan: String,
    pub month: String,
    pub ytd: String,
    pub since_start: String,
    pub completion: String,
}

pub struct GroupView {
    pub lines: Vec<DispatchLineView>,
    pub sum: SumView,
}

#[derive(Template)]
#[template(path = "dispatch.html")]
struct DispatchPage {
    c: Chrome,
    d: crate::dispatch::Dispatch,
    groups: Vec<GroupView>,
    total: SumView,
}

fn sum_view(label: String, s: &crate::dispatch::Subtotal) -> SumView {
    SumView {
        label,
        count: s.project_count,
        total: s.total_investment.wan_grouped(),
        plan: s.annual_plan.wan_grouped(),
        month: s.month_amount.wan_grouped(),
        ytd: s.year_to_date.wan_grouped(),
        since_start: s.since_start.wan_grouped(),
        completion: s.completion_ratio.percent(),
    }
}

/// The month's dispatch report as a page to read and print (and a link to the workbook).
async fn dispatch_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let result: ApiResult<DispatchPage> = async {
        let lang = caller.lang();
        let t = |k| lang.t(k);
        let params = crate::pages::with_default_month(&state, lang, params).await?;
        let month = crate::dispatch::month_param(&params, lang)?;
        let d = crate::dispatch::dispatch(&state, &caller, &month).await?;
        let groups = d
            .subtotals
            .iter()
            .map(|s| GroupView {
                lines: d
                    .rows
                    .iter()
                    .filter(|l| Some(l.row.category) == s.category)
                    .map(|l| {
                        let r = &l.row;
                        let (status, status_class) = match r.month_status.as_deref() {
                            Some("approved") => (t("report.approved"), "approved"),
                            Some("returned") => (t("report.returned"), "returned"),
                            Some(_) => (t("report.submitted"), "submitted"),
                            None => (t("dispatch.not_reported"), "missing"),
                        };
                        let light = feidi_core::schedule::Light::words(l.light, lang);
                        let light_class = l.light.map_or("", feidi_core::schedule::Light::as_str);
                        DispatchLineView {
                            id: r.project_id,
                            name: r.name.clone(),
                            zone: r.zone.clone(),
                            total: r.total_investment.wan_grouped(),
                            plan: r
                                .annual_plan
                                .map(Money::wan_grouped)
                                .unwrap_or_else(|| "—".into()),
                            month: r
                                .month_amount
                                .map(Money::wan_grouped)
                                .unwrap_or_else(|| "—".into()),
                            status,
                            status_class,
                            ytd: r.year_to_date.wan_grouped(),
                            since_start: r.since_start.wan_grouped(),
                            completion: l.completion_ratio.percent(),
                            light,
                            light_class,
                            blockages: l.blockage_words(lang),
                            note: r.progress_note.clone().unwrap_or_default(),
                            problems: r.problems.clone().unwrap_or_default(),
                        }
                    })
                    .collect(),
                sum: sum_view(
                    format!(
                        "{}{}",
                        s.category.map(|c| c.label(lang)).unwrap_or_default(),
                        t("dispatch.subtotal")
                    ),
                    s,
                ),
            })
            .collect();
        let total = sum_view(t("dispatch.grand_total").into(), &d.total);
        Ok(DispatchPage {
            c: Chrome::for_caller(&caller, "dispatch"),
            d,
            groups,
            total,
        })
    }
    .await;
    shown(&caller, result)
}

pub struct Figure {
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
    pub unit: String,
}

pub struct TargetView {
    pub label: &'static str,
    pub reached: String,
    pub target: String,
    pub percent: String,
    pub met: bool,
    pub bar: String,
}

pub struct StageView {
    pub name: String,
    pub sample: bool,
    pub dates: String,
    pub state_label: &'static str,
    pub state_class: &'static str,
    pub time_percent: String,
    pub note: Option<String>,
    pub targets: Vec<TargetView>,
}

/// The projects behind one light's count.
pub struct LightList {
    pub id: &'static str,
    pub title: &'static str,
    pub count: i64,
    pub rows: Vec<RedView>,
    /// Printed with the cockpit's one page (the red list); the others are for the screen.
    pub print: bool,
}

pub struct RedView {
    pub project_id: i64,
    pub name: String,
    pub category: &'static str,
    pub zone: String,
    pub reasons: Vec<String>,
    pub problems: Option<String>,
    /// Who answers for it: "示例·卫材医疗用品有限公司 · A角 张三".
    pub who: String,
}

#[derive(Template)]
#[template(path = "cockpit.html")]
struct CockpitPage {
    c: Chrome,
    wall: bool,
    as_of: String,
    cutoff_month: String,
    zones: Vec<Opt>,
    categories: Vec<Opt>,
    /// The current filters as a query string, for the wall and print links.
    query: String,
    scope_label: String,
    figures: Vec<Figure>,
    lights_svg: String,
    category_svg: String,
    zone_svg: String,
    trend_svg: String,
    stages: Vec<StageView>,
    /// The red list, and on the screen the yellow one and any list asked for by its count.
    lists: Vec<LightList>,
    /// The appeals (M5) now: (label, value, element id).
    appeals: Vec<(&'static str, String, &'static str)>,
    /// The land (M6) as of the day: (label, value, element id).
    land: Vec<(&'static str, String, &'static str)>,
    /// Read as of the programme's reference day (its data stop there), not today.
    at_reference: bool,
}

async fn cockpit_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let result: ApiResult<CockpitPage> = async {
        let lang = caller.lang();
        let page_cockpit = feidi_app::cockpit::for_page(&state.app, &caller.principal(), lang, &params)
            .await
            .for_lang(lang)?;
        let (data, at_reference) = (page_cockpit.cockpit, page_cockpit.at_reference);
        let zone_names = &page_cockpit.frame.zones;
        let wall = params.get("wall").is_some_and(|v| v == "1");
        let mut c = Chrome::for_caller(&caller, "cockpit");
        c.body_class = if wall { "wall" } else { "" };
        let mut page = view(
            c,
            &data,
            zone_names,
            wall,
            params.get("light").map(String::as_str),
            lang,
        );
        page.at_reference = at_reference;
        let a = feidi_app::programme::AppealCounts::of(
            &*feidi_app::programme::appeal_figures(&state.app)
                .await
                .for_lang(lang)?,
        );
        page.appeals = vec![
            (lang.t("cockpit.appeals_open"), a.open.to_string(), "appeals-open"),
            (
                lang.t("cockpit.appeals_overdue"),
                a.overdue.to_string(),
                "appeals-overdue",
            ),
            (
                lang.t("cockpit.appeals_escalated"),
                a.escalated.to_string(),
                "appeals-escalated",
            ),
            (
                lang.t("cockpit.ack_on_time"),
                format!("{} %", a.ack_on_time_rate.percent()),
                "appeals-ack-rate",
            ),
            (
                lang.t("cockpit.resolve_on_time"),
                format!("{} %", a.resolve_on_time_rate.percent()),
                "appeals-resolve-rate",
            ),
            (
                lang.t("cockpit.satisfaction"),
                format!("{} %", a.satisfaction_rate.percent()),
                "appeals-satisfaction",
            ),
        ];
        Ok(page)
    }
    .await;
    shown(&caller, result)
}

/// The land's figures as the cockpit shows them: what was supplied of how much, the disputes
/// standing and the days since the last one.
use feidi_core::fixed::group_thousands;

fn land_rows(
    land: &feidi_app::programme::LandFigures,
    lang: Lang,
) -> Vec<(&'static str, String, &'static str)> {
    // A programme that keeps no land shows no land panel.
    if land.parcels == 0 {
        return Vec::new();
    }
    let mu = lang.t("unit.mu");
    let all = land.area_mu.total();
    let mut rows = vec![
        (
            lang.t("cockpit.land_parcels"),
            format!("{} · {all} {mu}", land.parcels),
            "land-parcels",
        ),
        (
            lang.t("cockpit.land_delivered"),
            format!("{} {mu}", land.area_mu.delivered + land.area_mu.supplied),
            "land-delivered",
        ),
        (
            lang.t("cockpit.land_need"),
            format!(
                "{} / {} {mu}",
                land.area_mu.delivered + land.area_mu.supplied,
                land.land_needed
            ),
            "land-need",
        ),
        (
            lang.t("parcel.supplied"),
            format!("{} {mu}", land.area_mu.supplied),
            "land-supplied",
        ),
        (
            lang.t("cockpit.resettled"),
            {
                let (households, people) = (
                    group_thousands(&land.resettled_households.to_string()),
                    group_thousands(&land.resettled_people.to_string()),
                );
                match lang {
                    Lang::Zh => format!("{households} 户 · {people} 人"),
                    Lang::En => format!("{households} households · {people} people"),
                }
            },
            "land-resettled",
        ),
        (
            lang.t("cockpit.compensation"),
            format!(
                "{} / {} {}",
                land.compensation_paid.wan_grouped(),
                land.compensation_due.wan_grouped(),
                lang.t("unit.wan")
            ),
            "land-compensation",
        ),
        (
            lang.t("cockpit.open_disputes"),
            land.open_disputes.to_string(),
            "land-open-disputes",
        ),
        (
            lang.t("cockpit.days_without_dispute"),
            land.days_without_dispute
                .map_or_else(|| "—".to_string(), |d| d.to_string()),
            "land-days-without-dispute",
        ),
    ];
    // Nor resettlement rows where it keeps no households.
    if land.households == 0 {
        rows.retain(|(_, _, id)| !matches!(*id, "land-resettled" | "land-compensation"));
    }
    // Nor a need where no signed project states one.
    if land.land_needed == feidi_core::AreaMu::default() {
        rows.retain(|(_, _, id)| *id != "land-need");
    }
    rows
}

fn yi(m: Money) -> String {
    m.in_yi()
}

fn view(
    c: Chrome,
    d: &Cockpit,
    zone_names: &[(i64, String)],
    wall: bool,
    asked_light: Option<&str>,
    lang: Lang,
) -> CockpitPage {
    let t = |k| lang.t(k);
    let yi_unit = t("unit.yi");
    let zone_name = |id: i64| {
        zone_names
            .iter()
            .find(|(z, _)| *z == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let mut query = vec![format!("as_of={}", d.as_of)];
    if let Some(z) = d.zone_id {
        query.push(format!("zone_id={z}"));
    }
    if let Some(cat) = d.category {
        query.push(format!("category={}", cat.as_str()));
    }
    let scope_label = match (d.zone_id, d.category) {
        (None, None) => t("cockpit.whole"),
        _ => "",
    }
    .to_string();
    let scope_label = [
        Some(scope_label).filter(|s| !s.is_empty()),
        d.zone_id.map(zone_name),
        d.category.map(|c| c.label(lang).to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let figures = vec![
        Figure {
            id: "project-count",
            label: t("dash.projects"),
            value: d.project_count.to_string(),
            unit: t("unit.count").into(),
        },
        Figure {
            id: "total-investment",
            label: t("dash.total"),
            value: yi(d.total_investment),
            unit: yi_unit.into(),
        },
        Figure {
            id: "completed-investment",
            label: t("dash.completed"),
            value: yi(d.completed_investment),
            unit: yi_unit.into(),
        },
        Figure {
            id: "completion-ratio",
            label: t("dash.completion"),
            value: d.completion_ratio.percent(),
            unit: "%".into(),
        },
        Figure {
            id: "pending-investment",
            label: t("progress.pending"),
            value: yi(d.pending_investment),
            unit: yi_unit.into(),
        },
        Figure {
            id: "year-to-date",
            label: t("cockpit.ytd"),
            value: yi(d.year_to_date),
            unit: format!("{yi_unit} / {} {}", t("cockpit.plan"), yi(d.annual_plan)),
        },
    ];
    // Each count leads to the list behind it: red and yellow are on the page; green and
    // those with no light are listed on asking.
    let here = query.join("&");
    let segment = |class: &'static str, count: i64, key: &'static str, href: String| svg::Segment {
        class,
        count,
        legend: format!("{} {count}", t(key)),
        href: (!wall).then_some(href),
    };
    let lights_svg = svg::stacked_bar(
        t("cockpit.lights"),
        &[
            segment(
                "green",
                d.lights.green,
                "light.green",
                format!("/cockpit?{here}&light=green#light-list"),
            ),
            segment("yellow", d.lights.yellow, "light.yellow", "#yellow-list".into()),
            segment("red", d.lights.red, "light.red", "#red-list".into()),
            segment(
                "none",
                d.lights.none,
                "light.none",
                format!("/cockpit?{here}&light=none#light-list"),
            ),
        ],
    );
    let share_rows = |shares: &[feidi_app::cockpit::Share]| {
        shares
            .iter()
            .map(|s| svg::PartRow {
                label: s.name.clone(),
                whole: s.total_investment.hundredths(),
                part: s.completed_investment.hundredths(),
                text: format!(
                    "{} / {} {yi_unit} · {}%",
                    yi(s.completed_investment),
                    yi(s.total_investment),
                    feidi_core::Ratio::of(
                        s.completed_investment.hundredths(),
                        s.total_investment.hundredths()
                    )
                    .percent()
                ),
            })
            .collect::<Vec<_>>()
    };
    let category_svg = svg::part_bars(t("cockpit.by_category"), &share_rows(&d.by_category));
    // The ten largest zones; the rest are one click away in the zone filter.
    let zone_svg = svg::part_bars(
        t("cockpit.by_zone"),
        &share_rows(&d.by_zone[..d.by_zone.len().min(10)]),
    );
    let trend_svg = svg::trend(
        t("cockpit.trend"),
        &d.trend
            .iter()
            .map(|m| svg::TrendPoint {
                label: m.month.clone(),
                amount: m.completed_investment.hundredths(),
                cumulative: m.cumulative.hundredths(),
            })
            .collect::<Vec<_>>(),
        t("cockpit.month_completed"),
        t("cockpit.cumulative"),
        yi_unit,
    );
    let stages = d
        .stages
        .iter()
        .map(|s| StageView {
            name: s.name.clone(),
            sample: s.sample,
            dates: format!("{} — {}", s.start_date, s.end_date),
            state_label: t(match s.state {
                StageState::Upcoming => "stage.upcoming",
                StageState::Current => "stage.current",
                StageState::Met => "stage.met",
                StageState::Missed => "stage.missed",
            }),
            state_class: match s.state {
                StageState::Upcoming => "upcoming",
                StageState::Current => "current",
                StageState::Met => "met",
                StageState::Missed => "missed",
            },
            time_percent: s.time_ratio.percent(),
            note: s.note.clone(),
            targets: s
                .targets
                .iter()
                .map(|target| {
                    let money = |v: &serde_json::Value| {
                        v.as_str()
                            .and_then(|m| Money::parse(m).ok())
                            .map(|m| format!("{} {yi_unit}", m.in_yi()))
                            .unwrap_or_else(|| v.to_string())
                    };
                    let label = match target.measure {
                        "project_count" => "field.target_project_count",
                        "total_investment" => "field.target_total_investment",
                        "completed_investment" => "field.target_completed_investment",
                        "annual_output" => "field.target_annual_output",
                        _ => "field.target_jobs",
                    };
                    TargetView {
                        label: t(label),
                        reached: money(&target.reached),
                        target: money(&target.target),
                        percent: target.ratio.percent(),
                        met: target.met,
                        bar: svg::progress(
                            t(label),
                            target.ratio.ten_thousandths(),
                            (s.state == StageState::Current).then_some(s.time_ratio.ten_thousandths()),
                            target.met,
                        ),
                    }
                })
                .collect(),
        })
        .collect();
    let views = |list: &[feidi_app::cockpit::RedProject]| -> Vec<RedView> {
        list.iter()
            .map(|r| RedView {
                project_id: r.project_id,
                name: r.name.clone(),
                category: r.category.label(lang),
                zone: zone_name(r.zone_id),
                reasons: r.reasons.iter().map(|x| x.words(lang)).collect(),
                who: [
                    r.enterprise.clone(),
                    r.a_official
                        .as_ref()
                        .map(|a| format!("{} {a}", lang.t("cockpit.a_short"))),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
                problems: r
                    .problems
                    .as_ref()
                    .map(|p| format!("{}（{}）", p, r.problems_month.clone().unwrap_or_default())),
            })
            .collect()
    };
    let list = |id: &'static str,
                key: &'static str,
                count: i64,
                projects: &[feidi_app::cockpit::RedProject]| LightList {
        id,
        title: t(key),
        count,
        rows: views(projects),
        print: id == "red-list",
    };
    let mut lists = vec![list("red-list", "cockpit.red_list", d.red_count, &d.red_list)];
    if !wall {
        lists.push(list(
            "yellow-list",
            "cockpit.yellow_list",
            d.lights.yellow,
            &d.yellow_list,
        ));
        match asked_light {
            Some("green") => lists.push(list(
                "light-list",
                "cockpit.green_list",
                d.lights.green,
                &d.green_list,
            )),
            Some("none") => lists.push(list(
                "light-list",
                "cockpit.unlit_list",
                d.lights.none,
                &d.unlit_list,
            )),
            _ => {}
        }
    }
    CockpitPage {
        appeals: Vec::new(),
        land: land_rows(&d.land, lang),
        c,
        wall,
        as_of: d.as_of.to_string(),
        at_reference: false,
        cutoff_month: d.cutoff_month.clone(),
        zones: zone_names
            .iter()
            .map(|(id, name)| Opt {
                value: id.to_string(),
                label: name.clone(),
                selected: d.zone_id == Some(*id),
            })
            .collect(),
        categories: Category::ALL
            .iter()
            .map(|cat| Opt {
                value: cat.as_str().into(),
                label: cat.label(lang).into(),
                selected: d.category == Some(*cat),
            })
            .collect(),
        query: query
            .iter()
            .map(|q| url_encode(q).replace("%3D", "="))
            .collect::<Vec<_>>()
            .join("&"),
        scope_label,
        figures,
        lights_svg,
        category_svg,
        zone_svg,
        trend_svg,
        stages,
        lists,
    }
}
