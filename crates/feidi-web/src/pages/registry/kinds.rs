//! What the registry's pages show of each kind: jurisdictions, zones, enterprises, projects,
//! stages and task forces — their columns, fields, filters and labels.

use feidi_core::Lang;
use feidi_core::model::Category;
use feidi_store::{Enterprise, Jurisdiction, NameList, Project, Zone};

use super::engine::{Cell, FormBuilder, Lookups, PageKind};
use feidi_app::kinds::{
    Disputes, Enterprises, Households, Jurisdictions, Parcels, Projects, Stages, TaskForces, Zones,
};

fn opt_text(v: &Option<String>) -> Cell {
    Cell::text(v.clone().unwrap_or_else(|| "—".into()))
}

impl PageKind for Projects {
    const TITLE: &'static str = "nav.projects";
    const OWN_TITLE: Option<&'static str> = Some("list.own_projects");
    const HAS_MILESTONES: bool = true;
    const MONEY: &'static [&'static str] = &["total_investment", "expected_annual_output"];
    const LOOKUPS: &'static [NameList] = &[NameList::Zones, NameList::Enterprises, NameList::Officials];
    const CHECKBOXES: &'static [&'static str] = &["sample"];
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] = &[
        ("field.name", Some("name"), false),
        ("field.category", Some("category"), false),
        ("field.zone", Some("zone_id"), false),
        ("field.enterprise", None, false),
        ("field.phase", None, false),
        ("list.total_wan", Some("total_investment"), true),
    ];
    fn noun(lang: Lang) -> &'static str {
        lang.t("noun.project")
    }
    fn heading(p: &Project) -> String {
        p.name.clone()
    }
    fn cells(p: &Project, l: &Lookups, lang: Lang) -> Vec<Cell> {
        let mut name = Cell::link(p.name.clone(), format!("/projects/{}", p.id));
        if p.sample {
            name.tag = lang.t("project.sample").into();
        }
        vec![
            name,
            Cell::text(p.category.label(lang)),
            l.cell(NameList::Zones, Some(p.zone_id), "zones"),
            l.cell(NameList::Enterprises, p.enterprise_id, "enterprises"),
            opt_text(&p.phase),
            Cell::num(p.total_investment.wan_grouped()),
        ]
    }
    fn details(p: &Project, l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        let t = |k| lang.t(k);
        let mut name = Cell::text(p.name.clone());
        if p.sample {
            name.tag = t("project.sample").into();
        }
        vec![
            (t("field.name"), name),
            (t("field.code"), opt_text(&p.code)),
            (t("field.category"), Cell::text(p.category.label(lang))),
            (t("field.zone"), l.cell(NameList::Zones, Some(p.zone_id), "zones")),
            (
                t("field.enterprise"),
                l.cell(NameList::Enterprises, p.enterprise_id, "enterprises"),
            ),
            (t("field.phase"), opt_text(&p.phase)),
            (
                t("field.total_investment"),
                Cell::text(format!(
                    "{} {} （{} {}）",
                    p.total_investment.wan_grouped(),
                    t("unit.wan"),
                    p.total_investment.yi_grouped(),
                    t("unit.yi")
                )),
            ),
            (
                t("field.expected_annual_output"),
                Cell::text(
                    p.expected_annual_output
                        .map(|m| {
                            format!(
                                "{} {} （{} {}）",
                                m.wan_grouped(),
                                t("unit.wan"),
                                m.yi_grouped(),
                                t("unit.yi")
                            )
                        })
                        .unwrap_or_else(|| "—".into()),
                ),
            ),
            (
                t("field.expected_jobs"),
                Cell::text(
                    p.expected_jobs
                        .map(|j| j.to_string())
                        .unwrap_or_else(|| "—".into()),
                ),
            ),
            (
                t("field.land_mu"),
                Cell::text(
                    p.land_mu
                        .map(|m| format!("{m} {}", t("unit.mu")))
                        .unwrap_or_else(|| "—".into()),
                ),
            ),
            (
                t("field.a_official"),
                l.cell(NameList::Officials, p.a_official_id, "users"),
            ),
            (
                t("field.b_official"),
                l.cell(NameList::Officials, p.b_official_id, "users"),
            ),
            (t("field.contact_name"), opt_text(&p.contact_name)),
            (t("field.contact_phone"), opt_text(&p.contact_phone)),
            (t("field.description"), opt_text(&p.description)),
            (t("field.updated_at"), Cell::text(p.updated_at.to_string())),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, l: &Lookups, lang: Lang) {
        f.field("name", "field.name", "text", true);
        f.field("code", "field.code", "text", false);
        f.select("category", "field.category", true, categories(lang));
        f.lookup("zone_id", "field.zone", true, l, NameList::Zones);
        f.lookup(
            "enterprise_id",
            "field.enterprise",
            false,
            l,
            NameList::Enterprises,
        );
        f.field("phase", "field.phase", "text", false);
        f.field("total_investment", "field.total_investment", "text", true)
            .hint = Some(lang.t("hint.money").into());
        f.field(
            "expected_annual_output",
            "field.expected_annual_output",
            "text",
            false,
        )
        .hint = Some(lang.t("hint.money").into());
        f.field("expected_jobs", "field.expected_jobs", "number", false);
        f.field("land_mu", "field.land_mu", "text", false);
        f.lookup("a_official_id", "field.a_official", false, l, NameList::Officials);
        f.lookup("b_official_id", "field.b_official", false, l, NameList::Officials);
        f.lookup(
            "task_force_id",
            "field.task_force",
            false,
            l,
            NameList::TaskForces,
        );
        f.field("contact_name", "field.contact_name", "text", false);
        f.field("contact_phone", "field.contact_phone", "text", false);
        f.field("description", "field.description", "textarea", false);
        f.field("sample", "field.sample", "checkbox", false);
    }
    fn filters(f: &mut FormBuilder<'_>, l: &Lookups, lang: Lang) {
        f.field("q", "list.search", "text", false);
        f.select("category", "field.category", false, categories(lang));
        f.lookup("zone_id", "field.zone", false, l, NameList::Zones);
        f.lookup(
            "enterprise_id",
            "field.enterprise",
            false,
            l,
            NameList::Enterprises,
        );
    }
}

fn categories(lang: Lang) -> Vec<(String, String)> {
    Category::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), c.label(lang).to_string()))
        .collect()
}

impl PageKind for Enterprises {
    const TITLE: &'static str = "nav.enterprises";
    const LOOKUPS: &'static [NameList] = &[NameList::Officials, NameList::TaskForces];
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] = &[
        ("field.name", Some("name"), false),
        ("field.credit_code", None, false),
        ("field.industry", Some("industry"), false),
        ("field.a_official", None, false),
        ("field.b_official", None, false),
    ];
    fn noun(lang: Lang) -> &'static str {
        lang.t("noun.enterprise")
    }
    fn heading(e: &Enterprise) -> String {
        e.name.clone()
    }
    fn cells(e: &Enterprise, l: &Lookups, _lang: Lang) -> Vec<Cell> {
        vec![
            Cell::link(e.name.clone(), format!("/enterprises/{}", e.id)),
            Cell::text(e.credit_code.clone()),
            Cell::text(e.industry.clone()),
            l.cell(NameList::Officials, e.a_official_id, "users"),
            l.cell(NameList::Officials, e.b_official_id, "users"),
        ]
    }
    fn details(e: &Enterprise, l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        let t = |k| lang.t(k);
        vec![
            (t("field.name"), Cell::text(e.name.clone())),
            (t("field.credit_code"), Cell::text(e.credit_code.clone())),
            (t("field.industry"), Cell::text(e.industry.clone())),
            (
                t("field.a_official"),
                l.cell(NameList::Officials, e.a_official_id, "users"),
            ),
            (
                t("field.b_official"),
                l.cell(NameList::Officials, e.b_official_id, "users"),
            ),
            (
                t("field.task_force"),
                l.cell(NameList::TaskForces, e.task_force_id, "task-forces"),
            ),
            (
                t("nav.appeals"),
                Cell::link(t("list.view"), format!("/appeals?enterprise_id={}", e.id)),
            ),
            (t("field.contact_name"), opt_text(&e.contact_name)),
            (t("field.contact_phone"), opt_text(&e.contact_phone)),
            (t("field.address"), opt_text(&e.address)),
            (
                t("nav.projects"),
                Cell::link(t("list.view"), format!("/projects?enterprise_id={}", e.id)),
            ),
            (t("field.updated_at"), Cell::text(e.updated_at.to_string())),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, l: &Lookups, _lang: Lang) {
        f.field("name", "field.name", "text", true);
        f.field("credit_code", "field.credit_code", "text", true);
        f.field("industry", "field.industry", "text", true);
        f.lookup("a_official_id", "field.a_official", false, l, NameList::Officials);
        f.lookup("b_official_id", "field.b_official", false, l, NameList::Officials);
        f.lookup(
            "task_force_id",
            "field.task_force",
            false,
            l,
            NameList::TaskForces,
        );
        f.field("contact_name", "field.contact_name", "text", false);
        f.field("contact_phone", "field.contact_phone", "text", false);
        f.field("address", "field.address", "text", false);
    }
    fn filters(f: &mut FormBuilder<'_>, _l: &Lookups, _lang: Lang) {
        f.field("q", "list.search", "text", false);
        f.field("industry", "field.industry", "text", false);
    }
}

impl PageKind for Zones {
    const TITLE: &'static str = "nav.zones";
    const HAS_MAP: bool = true;
    const LOOKUPS: &'static [NameList] = &[NameList::Jurisdictions];
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] = &[
        ("field.name", Some("name"), false),
        ("field.host", None, false),
        ("field.operator", None, false),
        ("field.area_mu", Some("area_mu"), true),
    ];
    fn noun(lang: Lang) -> &'static str {
        lang.t("noun.zone")
    }
    fn heading(z: &Zone) -> String {
        z.name.clone()
    }
    fn cells(z: &Zone, l: &Lookups, _lang: Lang) -> Vec<Cell> {
        vec![
            Cell::link(z.name.clone(), format!("/zones/{}", z.id)),
            l.cell(
                NameList::Jurisdictions,
                Some(z.host_jurisdiction_id),
                "jurisdictions",
            ),
            l.cell(
                NameList::Jurisdictions,
                Some(z.operator_jurisdiction_id),
                "jurisdictions",
            ),
            Cell::num(z.area_mu.to_string()),
        ]
    }
    fn details(z: &Zone, l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        let t = |k| lang.t(k);
        vec![
            (t("field.name"), Cell::text(z.name.clone())),
            (t("field.code"), opt_text(&z.code)),
            (
                t("field.host"),
                l.cell(
                    NameList::Jurisdictions,
                    Some(z.host_jurisdiction_id),
                    "jurisdictions",
                ),
            ),
            (
                t("field.operator"),
                l.cell(
                    NameList::Jurisdictions,
                    Some(z.operator_jurisdiction_id),
                    "jurisdictions",
                ),
            ),
            (t("field.area_mu"), Cell::text(z.area_mu.to_string())),
            (t("field.description"), opt_text(&z.description)),
            (
                t("nav.projects"),
                Cell::link(t("list.view"), format!("/projects?zone_id={}", z.id)),
            ),
            (t("field.updated_at"), Cell::text(z.updated_at.to_string())),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, l: &Lookups, _lang: Lang) {
        f.field("name", "field.name", "text", true);
        f.field("code", "field.code", "text", false);
        f.lookup(
            "host_jurisdiction_id",
            "field.host",
            true,
            l,
            NameList::Jurisdictions,
        );
        f.lookup(
            "operator_jurisdiction_id",
            "field.operator",
            true,
            l,
            NameList::Jurisdictions,
        );
        f.field("area_mu", "field.area_mu", "text", true);
        f.field("description", "field.description", "textarea", false);
    }
    fn filters(f: &mut FormBuilder<'_>, l: &Lookups, _lang: Lang) {
        f.field("q", "list.search", "text", false);
        f.lookup(
            "host_jurisdiction_id",
            "field.host",
            false,
            l,
            NameList::Jurisdictions,
        );
    }
}

impl PageKind for Jurisdictions {
    const TITLE: &'static str = "nav.jurisdictions";
    const LOOKUPS: &'static [NameList] = &[];
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] = &[
        ("field.name", Some("name"), false),
        ("field.division_code", None, false),
    ];
    fn noun(lang: Lang) -> &'static str {
        lang.t("noun.jurisdiction")
    }
    fn heading(j: &Jurisdiction) -> String {
        j.name.clone()
    }
    fn cells(j: &Jurisdiction, _l: &Lookups, _lang: Lang) -> Vec<Cell> {
        vec![
            Cell::link(j.name.clone(), format!("/jurisdictions/{}", j.id)),
            opt_text(&j.code),
        ]
    }
    fn details(j: &Jurisdiction, _l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        vec![
            (lang.t("field.name"), Cell::text(j.name.clone())),
            (lang.t("field.division_code"), opt_text(&j.code)),
            (lang.t("field.updated_at"), Cell::text(j.updated_at.to_string())),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, _l: &Lookups, _lang: Lang) {
        f.field("name", "field.name", "text", true);
        f.field("code", "field.division_code", "text", false);
    }
}

fn money_cell(m: Option<feidi_core::Money>, lang: Lang) -> Cell {
    match m {
        Some(m) => Cell::num(format!("{} {}", m.yi_grouped(), lang.t("unit.yi"))),
        None => Cell::num("—"),
    }
}

impl PageKind for Stages {
    const TITLE: &'static str = "nav.stages";
    const LOOKUPS: &'static [NameList] = &[];
    const CHECKBOXES: &'static [&'static str] = &["sample"];
    const MONEY: &'static [&'static str] = &[
        "target_total_investment",
        "target_completed_investment",
        "target_annual_output",
    ];
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] = &[
        ("field.name", Some("name"), false),
        ("field.start_date", Some("start_date"), false),
        ("field.end_date", Some("end_date"), false),
        ("field.target_project_count", None, true),
        ("field.target_total_investment", None, true),
        ("field.target_completed_investment", None, true),
    ];
    fn noun(lang: Lang) -> &'static str {
        lang.t("noun.stage")
    }
    fn heading(s: &feidi_store::Stage) -> String {
        s.name.clone()
    }
    fn cells(s: &feidi_store::Stage, _l: &Lookups, lang: Lang) -> Vec<Cell> {
        let mut name = Cell::link(s.name.clone(), format!("/stages/{}", s.id));
        if s.sample {
            name.text = format!("{} （{}）", s.name, lang.t("stage.sample"));
        }
        vec![
            name,
            Cell::text(s.start_date.to_string()),
            Cell::text(s.end_date.to_string()),
            Cell::num(s.target_project_count.map_or("—".into(), |n| n.to_string())),
            money_cell(s.target_total_investment, lang),
            money_cell(s.target_completed_investment, lang),
        ]
    }
    fn details(s: &feidi_store::Stage, _l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        let t = |k| lang.t(k);
        vec![
            (t("field.name"), Cell::text(s.name.clone())),
            (t("field.start_date"), Cell::text(s.start_date.to_string())),
            (t("field.end_date"), Cell::text(s.end_date.to_string())),
            (
                t("field.target_project_count"),
                Cell::text(s.target_project_count.map_or("—".into(), |n| n.to_string())),
            ),
            (
                t("field.target_total_investment"),
                money_cell(s.target_total_investment, lang),
            ),
            (
                t("field.target_completed_investment"),
                money_cell(s.target_completed_investment, lang),
            ),
            (
                t("field.target_annual_output"),
                money_cell(s.target_annual_output, lang),
            ),
            (
                t("field.target_jobs"),
                Cell::text(s.target_jobs.map_or("—".into(), |n| n.to_string())),
            ),
            (
                t("stage.sample"),
                Cell::text(if s.sample { t("word.yes") } else { t("word.no") }),
            ),
            (t("field.note"), opt_text(&s.note)),
            (t("nav.cockpit"), Cell::link(t("list.view"), "/cockpit".into())),
            (t("field.updated_at"), Cell::text(s.updated_at.to_string())),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, _l: &Lookups, lang: Lang) {
        f.field("name", "field.name", "text", true);
        f.field("start_date", "field.start_date", "date", true);
        f.field("end_date", "field.end_date", "date", true);
        f.field(
            "target_project_count",
            "field.target_project_count",
            "number",
            false,
        );
        for name in [
            "target_total_investment",
            "target_completed_investment",
            "target_annual_output",
        ] {
            let key = match name {
                "target_total_investment" => "field.target_total_investment",
                "target_completed_investment" => "field.target_completed_investment",
                _ => "field.target_annual_output",
            };
            f.field(name, key, "text", false).hint = Some(lang.t("hint.money").into());
        }
        f.field("target_jobs", "field.target_jobs", "number", false);
        f.field("sample", "stage.sample", "checkbox", false);
        f.field("note", "field.note", "textarea", false);
    }
}

impl PageKind for TaskForces {
    const TITLE: &'static str = "nav.task_forces";
    const LOOKUPS: &'static [NameList] = &[NameList::Officials];
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] =
        &[("field.name", Some("name"), false), ("field.leader", None, false)];
    fn noun(lang: Lang) -> &'static str {
        lang.t("noun.task_force")
    }
    fn heading(t: &feidi_store::TaskForce) -> String {
        t.name.clone()
    }
    fn cells(t: &feidi_store::TaskForce, l: &Lookups, _lang: Lang) -> Vec<Cell> {
        vec![
            Cell::link(t.name.clone(), format!("/task-forces/{}", t.id)),
            l.cell(NameList::Officials, Some(t.leader_id), "users"),
        ]
    }
    fn details(t: &feidi_store::TaskForce, l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        let w = |k| lang.t(k);
        vec![
            (w("field.name"), Cell::text(t.name.clone())),
            (
                w("field.leader"),
                l.cell(NameList::Officials, Some(t.leader_id), "users"),
            ),
            (w("field.description"), opt_text(&t.description)),
            (
                w("member.title"),
                Cell::link(w("list.view"), format!("/task-forces/{}/members", t.id)),
            ),
            (
                w("nav.enterprises"),
                Cell::link(w("list.view"), format!("/enterprises?task_force_id={}", t.id)),
            ),
            (w("field.updated_at"), Cell::text(t.updated_at.to_string())),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, l: &Lookups, _lang: Lang) {
        f.field("name", "field.name", "text", true);
        f.lookup("leader_id", "field.leader", true, l, NameList::Officials);
        f.field("description", "field.description", "textarea", false);
    }
}

/// A parcel's status in words.
pub(super) fn parcel_status(status: feidi_core::land::ParcelStatus, lang: Lang) -> &'static str {
    lang.t(&format!("parcel.{}", status.as_str()))
}

impl PageKind for Parcels {
    const TITLE: &'static str = "nav.parcels";
    const LOOKUPS: &'static [NameList] = &[NameList::Zones, NameList::Projects];
    const HAS_PIPELINE: bool = true;
    const CHECKBOXES: &'static [&'static str] = &["sample"];
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] = &[
        ("field.code", Some("code"), false),
        ("field.zone", None, false),
        ("field.village", Some("village"), false),
        ("field.land_use", None, false),
        ("field.area_mu", Some("area_mu"), true),
        ("field.parcel_status", Some("status"), false),
        ("field.project", None, false),
    ];
    fn noun(lang: Lang) -> &'static str {
        lang.t("noun.parcel")
    }
    fn heading(p: &feidi_store::Parcel) -> String {
        format!("{} · {}", p.code, p.village)
    }
    fn cells(p: &feidi_store::Parcel, l: &Lookups, lang: Lang) -> Vec<Cell> {
        let mut code = Cell::link(p.code.clone(), format!("/parcels/{}", p.id));
        if p.retired_on.is_some() {
            code.tag = lang.t("parcel.retired_tag").into();
        } else if p.sample {
            code.tag = lang.t("parcel.sample").into();
        }
        vec![
            code,
            l.cell(NameList::Zones, Some(p.zone_id), "zones"),
            Cell::text(p.village.clone()),
            Cell::text(p.land_use.clone()),
            Cell::num(p.area_mu.to_string()),
            Cell::text(parcel_status(p.status, lang)),
            l.cell(NameList::Projects, p.project_id, "projects"),
        ]
    }
    fn details(p: &feidi_store::Parcel, l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        let t = |k| lang.t(k);
        vec![
            (t("field.code"), Cell::text(p.code.clone())),
            (t("field.zone"), l.cell(NameList::Zones, Some(p.zone_id), "zones")),
            (t("field.village"), Cell::text(p.village.clone())),
            (t("field.area_mu"), Cell::text(p.area_mu.to_string())),
            (t("field.land_use"), Cell::text(p.land_use.clone())),
            (
                t("field.parcel_status"),
                Cell::text(parcel_status(p.status, lang)),
            ),
            (
                t("field.project"),
                l.cell(NameList::Projects, p.project_id, "projects"),
            ),
            (
                t("field.boundary"),
                Cell::text(match (&p.boundary, p.sample) {
                    (None, _) => "—",
                    (Some(_), true) => t("parcel.sample_boundary"),
                    (Some(_), false) => t("parcel.has_boundary"),
                }),
            ),
            (t("field.updated_at"), Cell::text(p.updated_at.to_string())),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, l: &Lookups, lang: Lang) {
        f.field("code", "field.code", "text", true);
        f.lookup("zone_id", "field.zone", true, l, NameList::Zones);
        f.field("village", "field.village", "text", true);
        f.field("area_mu", "field.area_mu", "text", true);
        f.field("land_use", "field.land_use", "text", true);
        f.field("boundary", "field.boundary", "textarea", false).hint = Some(lang.t("hint.boundary").into());
        f.field("sample", "parcel.sample_field", "checkbox", false);
    }
    fn filters(f: &mut FormBuilder<'_>, l: &Lookups, lang: Lang) {
        f.field("q", "list.search", "text", false);
        f.lookup("zone_id", "field.zone", false, l, NameList::Zones);
        let statuses = feidi_core::land::ParcelStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), parcel_status(*s, lang).to_string()))
            .collect();
        f.select("status", "field.parcel_status", false, statuses);
        f.field("village", "field.village", "text", false);
    }
}

impl PageKind for Households {
    const TITLE: &'static str = "nav.households";
    const LOOKUPS: &'static [NameList] = &[NameList::Parcels];
    const HAS_COMPENSATION: bool = true;
    const CHECKBOXES: &'static [&'static str] = &["sample"];
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] = &[
        ("field.head_name", Some("head_name"), false),
        ("field.village", Some("village"), false),
        ("field.people", Some("people"), true),
        ("field.id_number", None, false),
        ("field.housing", None, false),
        ("field.resettled_on", Some("resettled_on"), false),
    ];
    fn noun(lang: Lang) -> &'static str {
        lang.t("noun.household")
    }
    fn heading(h: &feidi_store::Household) -> String {
        format!("{} · {}", h.head_name, h.village)
    }
    fn cells(h: &feidi_store::Household, _: &Lookups, lang: Lang) -> Vec<Cell> {
        let mut name = Cell::link(h.head_name.clone(), format!("/households/{}", h.id));
        if h.sample {
            name.tag = lang.t("parcel.sample").into();
        }
        vec![
            name,
            Cell::text(h.village.clone()),
            Cell::num(h.people.to_string()),
            opt_text(&h.id_number),
            opt_text(&h.housing),
            Cell::text(
                h.resettled_on
                    .map_or_else(|| lang.t("household.not_moved").to_string(), |d| d.to_string()),
            ),
        ]
    }
    fn details(h: &feidi_store::Household, l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        let t = |k| lang.t(k);
        vec![
            (t("field.head_name"), Cell::text(h.head_name.clone())),
            (t("field.village"), Cell::text(h.village.clone())),
            (t("field.people"), Cell::text(h.people.to_string())),
            (t("field.id_number"), opt_text(&h.id_number)),
            (
                t("field.parcel"),
                l.cell(NameList::Parcels, h.parcel_id, "parcels"),
            ),
            (t("field.housing"), opt_text(&h.housing)),
            (
                t("field.resettled_on"),
                Cell::text(
                    h.resettled_on
                        .map_or_else(|| t("household.not_moved").to_string(), |d| d.to_string()),
                ),
            ),
            (t("field.updated_at"), Cell::text(h.updated_at.to_string())),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, l: &Lookups, lang: Lang) {
        f.field("head_name", "field.head_name", "text", true);
        f.field("village", "field.village", "text", true);
        f.field("people", "field.people", "number", true);
        f.field("id_number", "field.id_number", "text", false).hint = Some(lang.t("hint.id_number").into());
        f.lookup("parcel_id", "field.parcel", false, l, NameList::Parcels);
        f.field("housing", "field.housing", "text", false);
        f.field("resettled_on", "field.resettled_on", "date", false);
        f.field("sample", "household.sample_field", "checkbox", false);
    }
    fn filters(f: &mut FormBuilder<'_>, l: &Lookups, _lang: Lang) {
        f.field("q", "list.search_head", "text", false);
        f.field("village", "field.village", "text", false);
        f.lookup("parcel_id", "field.parcel", false, l, NameList::Parcels);
    }
}

pub(super) fn dispute_status(status: feidi_core::land::DisputeStatus, lang: Lang) -> &'static str {
    lang.t(&format!("dispute.{}", status.as_str()))
}

fn dispute_category(category: feidi_core::land::DisputeCategory, lang: Lang) -> &'static str {
    lang.t(&format!("dispute.category.{}", category.as_str()))
}

impl PageKind for Disputes {
    const TITLE: &'static str = "nav.disputes";
    const LOOKUPS: &'static [NameList] = &[NameList::Parcels];
    const HAS_DISPUTE_ACTIONS: bool = true;
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] = &[
        ("field.opened_on", Some("opened_on"), false),
        ("field.parcel", None, false),
        ("field.dispute_category", None, false),
        ("field.description", None, false),
        ("field.dispute_status", Some("status"), false),
        ("dispute.days_open", None, true),
    ];
    fn noun(lang: Lang) -> &'static str {
        lang.t("noun.dispute")
    }
    fn heading(d: &feidi_store::Dispute) -> String {
        format!("#{} · {}", d.id, d.opened_on)
    }
    fn cells(d: &feidi_store::Dispute, l: &Lookups, lang: Lang) -> Vec<Cell> {
        vec![
            Cell::link(d.opened_on.to_string(), format!("/disputes/{}", d.id)),
            l.cell(NameList::Parcels, d.parcel_id, "parcels"),
            Cell::text(dispute_category(d.category, lang)),
            Cell::text(d.description.chars().take(60).collect::<String>()),
            Cell::text(dispute_status(d.status, lang)),
            Cell::num(days_open(d).to_string()),
        ]
    }
    fn details(d: &feidi_store::Dispute, l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        let t = |k| lang.t(k);
        let household = match d.household_id {
            Some(h) => Cell::link(format!("#{h}"), format!("/households/{h}")),
            None => Cell::text("—"),
        };
        vec![
            (
                t("field.dispute_status"),
                Cell::text(dispute_status(d.status, lang)),
            ),
            (
                t("field.parcel"),
                l.cell(NameList::Parcels, d.parcel_id, "parcels"),
            ),
            (t("field.household"), household),
            (
                t("field.dispute_category"),
                Cell::text(dispute_category(d.category, lang)),
            ),
            (t("field.description"), Cell::text(d.description.clone())),
            (t("field.opened_on"), Cell::text(d.opened_on.to_string())),
            (t("dispute.days_open"), Cell::text(days_open(d).to_string())),
            (t("field.dispute_resolution"), opt_text(&d.resolution)),
            (
                t("field.resolved_on"),
                Cell::text(d.resolved_on.map_or_else(|| "—".to_string(), |r| r.to_string())),
            ),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, l: &Lookups, lang: Lang) {
        f.lookup("parcel_id", "field.parcel", false, l, NameList::Parcels);
        f.field("household_id", "field.household_id", "number", false)
            .hint = Some(lang.t("hint.dispute_on").into());
        let categories = feidi_core::land::DisputeCategory::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), dispute_category(*c, lang).to_string()))
            .collect();
        f.select("category", "field.dispute_category", true, categories);
        f.field("description", "field.description", "textarea", true);
        f.field("opened_on", "field.opened_on", "date", false).hint = Some(lang.t("hint.opened_on").into());
    }
    fn filters(f: &mut FormBuilder<'_>, l: &Lookups, lang: Lang) {
        let statuses = feidi_core::land::DisputeStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), dispute_status(*s, lang).to_string()))
            .collect();
        f.select("status", "field.dispute_status", false, statuses);
        f.lookup("parcel_id", "field.parcel", false, l, NameList::Parcels);
    }
}

fn days_open(d: &feidi_store::Dispute) -> i64 {
    feidi_core::land::days_open(d.opened_on, d.resolved_on, feidi_core::time::today())
}
