//! The registry's pages — list with filters, detail, create and edit forms — for every kind,
//! from one generic implementation and a description per kind.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use feidi_core::model::Category;
use feidi_core::policy::Action;
use feidi_core::{FieldErrors, Lang};
use feidi_store::{Enterprise, Jurisdiction, NameList, Project, Zone};
use serde_json::{Map, Value};

use super::{Chrome, error_page, render, url_encode};
use crate::AppState;
use crate::auth::{Caller, FormInput, PageCaller};
use crate::error::{ApiError, ForLang};
use feidi_app::kinds::{Enterprises, Jurisdictions, Kind, Projects, Stages, TaskForces, Zones};

/// Sets a milestone from the project page, then shows the page again.
async fn set_milestone(
    State(state): State<AppState>,
    Path((id, kind)): Path<(i64, String)>,
    form: FormInput,
) -> Response {
    let FormInput { caller, mut fields } = form;
    // An empty version field means the milestone is new.
    if fields
        .get("version")
        .and_then(Value::as_str)
        .is_some_and(str::is_empty)
    {
        fields.remove("version");
    }
    match feidi_app::schedule::put_milestone(
        &state.app,
        &caller.principal(),
        id,
        &kind,
        &fields,
        feidi_core::time::today(),
    )
    .await
    .for_lang(caller.lang())
    {
        Ok(_) => Redirect::to(&format!("/projects/{id}#schedule")).into_response(),
        Err(ApiError::Invalid(errors, lang)) => {
            let text: Vec<String> = errors
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field, e.flaw.message(lang)))
                .collect();
            super::message_page(
                &caller,
                StatusCode::UNPROCESSABLE_ENTITY,
                lang.t("error.fix_fields"),
                &text.join("；"),
            )
        }
        Err(e) => error_page(&caller, e),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/milestones/{kind}", post(set_milestone))
        .route("/projects/{id}/reports", post(submit_report_form))
        .route(
            "/projects/{id}/reports/{month}/{action}",
            post(review_report_form),
        )
        .merge(pages::<Projects>())
        .merge(pages::<Enterprises>())
        .merge(pages::<Zones>())
        .merge(pages::<Jurisdictions>())
        .merge(pages::<Stages>())
        .merge(pages::<TaskForces>())
}

fn pages<K: PageKind>() -> Router<AppState> {
    let base = format!("/{}", K::PATH);
    Router::new()
        .route(&base, get(list_page::<K>))
        .route(&format!("{base}/new"), get(new_form::<K>).post(create::<K>))
        .route(&format!("{base}/{{id}}"), get(detail_page::<K>))
        .route(
            &format!("{base}/{{id}}/edit"),
            get(edit_form::<K>).post(update::<K>),
        )
        .route(&format!("{base}/{{id}}/delete"), post(delete::<K>))
}

/// One cell of a table or value of a detail page.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    pub numeric: bool,
    /// A small label after the text (示例 for sample data).
    pub tag: String,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Default::default()
        }
    }
    pub fn link(text: impl Into<String>, href: String) -> Self {
        Self {
            text: text.into(),
            href: Some(href),
            ..Default::default()
        }
    }
    fn num(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            numeric: true,
            ..Default::default()
        }
    }
}

pub struct Header {
    pub label: &'static str,
    pub sort_href: Option<String>,
    pub arrow: &'static str,
    pub numeric: bool,
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One field of a form or of the filter bar.
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `number`, `select`, `textarea`, `checkbox` or `password`.
    pub kind: &'static str,
    pub value: String,
    pub error: Option<String>,
    pub required: bool,
    pub options: Vec<Opt>,
    pub hint: Option<String>,
}

/// The names behind ids, loaded once per page.
#[derive(Default)]
pub struct Lookups {
    lists: HashMap<&'static str, Vec<(i64, String)>>,
}

impl Lookups {
    fn key(list: NameList) -> &'static str {
        match list {
            NameList::Jurisdictions => "jurisdictions",
            NameList::Zones => "zones",
            NameList::Enterprises => "enterprises",
            NameList::Officials => "officials",
            NameList::TaskForces => "task_forces",
        }
    }
    pub async fn load(state: &AppState, caller: &Caller, lists: &[NameList]) -> Result<Self, ApiError> {
        let mut out = Self::default();
        let who = caller.principal();
        for list in lists {
            let names = feidi_app::registry::names(&state.app, &who, *list)
                .await
                .for_lang(caller.lang())?;
            out.lists.insert(Self::key(*list), names);
        }
        Ok(out)
    }
    fn all(&self, list: NameList) -> &[(i64, String)] {
        self.lists
            .get(Self::key(list))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
    pub fn name(&self, list: NameList, id: i64) -> String {
        self.all(list)
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }
    fn cell(&self, list: NameList, id: Option<i64>, path: &str) -> Cell {
        match id {
            None => Cell::text("—"),
            Some(id) if list == NameList::Officials => Cell::text(self.name(list, id)),
            Some(id) => Cell::link(self.name(list, id), format!("/{path}/{id}")),
        }
    }
    fn options(&self, list: NameList, selected: &str) -> Vec<Opt> {
        self.all(list)
            .iter()
            .map(|(id, name)| Opt {
                value: id.to_string(),
                label: name.clone(),
                selected: id.to_string() == selected,
            })
            .collect()
    }
}

/// Builds form fields from the values typed (or stored) and the errors found.
pub struct FormBuilder<'a> {
    values: &'a Map<String, Value>,
    errors: Option<&'a FieldErrors>,
    lang: Lang,
    pub fields: Vec<FieldView>,
}

impl<'a> FormBuilder<'a> {
    pub fn new(values: &'a Map<String, Value>, errors: Option<&'a FieldErrors>, lang: Lang) -> Self {
        Self {
            values,
            errors,
            lang,
            fields: Vec::new(),
        }
    }

    fn value(&self, name: &str) -> String {
        match self.values.get(name) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    }

    pub fn field(
        &mut self,
        name: &'static str,
        key: &'static str,
        kind: &'static str,
        required: bool,
    ) -> &mut FieldView {
        let value = self.value(name);
        let error = self.errors.and_then(|e| e.message_for(name, self.lang));
        self.fields.push(FieldView {
            name,
            label: self.lang.t(key),
            kind,
            value,
            error,
            required,
            options: Vec::new(),
            hint: None,
        });
        let last = self.fields.len() - 1;
        &mut self.fields[last]
    }

    pub fn select(
        &mut self,
        name: &'static str,
        key: &'static str,
        required: bool,
        options: Vec<(String, String)>,
    ) {
        let value = self.value(name);
        let f = self.field(name, key, "select", required);
        f.options = options
            .into_iter()
            .map(|(v, l)| Opt {
                selected: v == value,
                value: v,
                label: l,
            })
            .collect();
    }

    pub fn lookup(
        &mut self,
        name: &'static str,
        key: &'static str,
        required: bool,
        lookups: &Lookups,
        list: NameList,
    ) {
        let value = self.value(name);
        let options = lookups.options(list, &value);
        let f = self.field(name, key, "select", required);
        f.options = options;
    }
}

/// What the generic pages need to know of a kind.
pub trait PageKind: Kind {
    /// The nav section and the list's title key.
    const TITLE: &'static str;
    /// "New …" and "Edit …" titles.
    fn noun(lang: Lang) -> &'static str;
    /// The name lists its pages show.
    const LOOKUPS: &'static [NameList];
    /// Whether its page shows a schedule of milestones.
    const HAS_MILESTONES: bool = false;
    /// Checkboxes, which a form leaves out when unticked.
    const CHECKBOXES: &'static [&'static str] = &[];
    /// (label key, sort column, numeric).
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)];

    fn heading(record: &Self::Record) -> String;
    fn cells(record: &Self::Record, lookups: &Lookups, lang: Lang) -> Vec<Cell>;
    fn details(record: &Self::Record, lookups: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)>;
    fn form(form: &mut FormBuilder<'_>, lookups: &Lookups, lang: Lang);
    /// The filter bar beside the name search.
    fn filters(_form: &mut FormBuilder<'_>, _lookups: &Lookups, _lang: Lang) {}
}

pub(super) fn stamp_text(stamp: &str) -> String {
    // "2023-07-07T10:00:00.000000+08:00" → "2023-07-07 10:00"
    stamp
        .get(..16)
        .map(|s| s.replace('T', " "))
        .unwrap_or_else(|| stamp.to_string())
}

fn opt_text(v: &Option<String>) -> Cell {
    Cell::text(v.clone().unwrap_or_else(|| "—".into()))
}

impl PageKind for Projects {
    const TITLE: &'static str = "nav.projects";
    const HAS_MILESTONES: bool = true;
    const LOOKUPS: &'static [NameList] = &[NameList::Zones, NameList::Enterprises, NameList::Officials];
    const CHECKBOXES: &'static [&'static str] = &["sample"];
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)] = &[
        ("field.name", Some("name"), false),
        ("field.category", Some("category"), false),
        ("field.zone", Some("zone_id"), false),
        ("field.enterprise", None, false),
        ("field.phase", None, false),
        ("dash.total_yi", Some("total_investment"), true),
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
            Cell::num(p.total_investment.in_yi()),
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
                    "{} （{} {}）",
                    p.total_investment,
                    p.total_investment.in_yi(),
                    t("unit.yi")
                )),
            ),
            (
                t("field.expected_annual_output"),
                Cell::text(
                    p.expected_annual_output
                        .map(|m| format!("{m} （{} {}）", m.in_yi(), t("unit.yi")))
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
            (t("field.updated_at"), Cell::text(stamp_text(&p.updated_at))),
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
        );
        f.field("expected_jobs", "field.expected_jobs", "number", false);
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
            (t("field.updated_at"), Cell::text(stamp_text(&e.updated_at))),
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
            (t("field.updated_at"), Cell::text(stamp_text(&z.updated_at))),
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
            (lang.t("field.updated_at"), Cell::text(stamp_text(&j.updated_at))),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, _l: &Lookups, _lang: Lang) {
        f.field("name", "field.name", "text", true);
        f.field("code", "field.division_code", "text", false);
    }
}

#[derive(Template)]
#[template(path = "list.html")]
pub(super) struct ListPage {
    pub c: Chrome,
    pub title: &'static str,
    pub new_href: Option<String>,
    pub filters: Vec<FieldView>,
    pub headers: Vec<Header>,
    pub rows: Vec<Vec<Cell>>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

/// The query string of a list with one parameter changed.
pub(super) fn href_with(path: &str, params: &HashMap<String, String>, key: &str, value: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, v)| k.as_str() != key && !v.is_empty())
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.push((key, value));
    pairs.sort();
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect();
    format!("/{path}?{}", query.join("&"))
}

async fn list_page<K: PageKind>(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    match list_inner::<K>(&state, &caller, &params).await {
        Ok(r) => r,
        Err(e) => error_page(&caller, e),
    }
}

async fn list_inner<K: PageKind>(
    state: &AppState,
    caller: &Caller,
    params: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let lang = caller.lang();
    let mut params = params.clone();
    params.entry("per_page".into()).or_insert_with(|| "25".into());
    let query = feidi_app::registry::list_query(&params, K::FILTERS).for_lang(lang)?;
    let page = feidi_app::registry::list::<K>(&state.app, &caller.principal(), &query)
        .await
        .for_lang(caller.lang())?;
    let lookups = Lookups::load(state, caller, K::LOOKUPS).await?;
    let values: Map<String, Value> = params
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let mut filters = FormBuilder::new(&values, None, lang);
    K::filters(&mut filters, &lookups, lang);
    let current_sort = params.get("sort").cloned().unwrap_or_default();
    let headers = K::COLUMNS
        .iter()
        .map(|(key, sort, numeric)| {
            let (sort_href, arrow) = match sort {
                None => (None, ""),
                Some(col) => {
                    let (next, arrow) = if current_sort == *col {
                        (format!("-{col}"), " ↑")
                    } else if current_sort == format!("-{col}") {
                        ((*col).to_string(), " ↓")
                    } else {
                        ((*col).to_string(), "")
                    };
                    (Some(href_with(K::PATH, &params, "sort", &next)), arrow)
                }
            };
            Header {
                label: lang.t(key),
                sort_href,
                arrow,
                numeric: *numeric,
            }
        })
        .collect();
    let pages = page.pages();
    let template = ListPage {
        c: Chrome::for_caller(caller, K::PATH),
        title: lang.t(K::TITLE),
        new_href: caller
            .principal()
            .may(Action::Write, K::ENTITY)
            .then(|| format!("/{}/new", K::PATH)),
        filters: filters.fields,
        headers,
        rows: page.items.iter().map(|r| K::cells(r, &lookups, lang)).collect(),
        total: page.total,
        page: page.page,
        pages,
        prev_href: (page.page > 1).then(|| href_with(K::PATH, &params, "page", &(page.page - 1).to_string())),
        next_href: (page.page < pages)
            .then(|| href_with(K::PATH, &params, "page", &(page.page + 1).to_string())),
    };
    Ok(render(StatusCode::OK, &template))
}

#[derive(Template)]
#[template(path = "detail.html")]
struct DetailPage {
    c: Chrome,
    title: String,
    rows: Vec<(&'static str, Cell)>,
    edit_href: Option<String>,
    delete_action: Option<String>,
    audit_href: Option<String>,
    version: i64,
    id: i64,
    /// The schedule (projects only): every milestone kind, set or not.
    milestones: Vec<MilestoneRow>,
    /// Whether the caller may set milestone dates.
    edit_milestones: bool,
    /// The milestones as a timeline (SVG), planned against actual, today marked.
    timeline_svg: String,
    /// Investment progress (projects only): label, value, light class (or empty).
    progress: Vec<(&'static str, String, &'static str)>,
    /// Monthly reports (projects only), newest first.
    reports: Vec<ReportRow>,
    /// Whether the caller may submit reports, review them, reopen approved ones.
    may_submit: bool,
    may_review: bool,
    may_reopen: bool,
}

/// One monthly report on its project's page.
pub struct ReportRow {
    pub month: String,
    pub amount: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub note: String,
    pub problems: String,
    pub return_reason: String,
    /// The amount in yuan as a form field holds it, and the version a correction must send.
    pub amount_yuan: String,
    pub version: i64,
}

fn report_rows(list: &[feidi_store::Report], lang: Lang) -> Vec<ReportRow> {
    list.iter()
        .map(|r| ReportRow {
            month: r.month.clone(),
            amount: format!("{} {}", r.completed_investment.in_wan(), lang.t("unit.wan")),
            status: r.status.as_str(),
            status_label: lang.t(&format!("report.{}", r.status.as_str())),
            note: r.progress_note.clone().unwrap_or_default(),
            problems: r.problems.clone().unwrap_or_default(),
            return_reason: r.return_reason.clone().unwrap_or_default(),
            amount_yuan: r.completed_investment.to_string(),
            version: r.version,
        })
        .collect()
}

/// Submits a monthly report from the project page.
async fn submit_report_form(State(state): State<AppState>, Path(id): Path<i64>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let month = fields
        .get("month")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    match feidi_app::reports::submit_report(
        &state.app,
        &caller.principal(),
        id,
        &month,
        &fields,
        feidi_core::time::today(),
    )
    .await
    .for_lang(caller.lang())
    {
        Ok(_) => Redirect::to(&format!("/projects/{id}#reports")).into_response(),
        Err(e) => form_error(&caller, e),
    }
}

/// Approves, returns or reopens a report from the project page.
async fn review_report_form(
    State(state): State<AppState>,
    Path((id, month, action)): Path<(i64, String, String)>,
    form: FormInput,
) -> Response {
    let FormInput { caller, fields } = form;
    match feidi_app::reports::review_report(
        &state.app,
        &caller.principal(),
        id,
        &month,
        &action,
        &fields,
        feidi_core::time::today(),
    )
    .await
    .for_lang(caller.lang())
    {
        Ok(_) => Redirect::to(&format!("/projects/{id}#reports")).into_response(),
        Err(e) => form_error(&caller, e),
    }
}

/// A form on a record's page that failed: its field errors listed, or the error's page.
fn form_error(caller: &Caller, err: ApiError) -> Response {
    match err {
        ApiError::Invalid(errors, lang) => {
            let text: Vec<String> = errors
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field, e.flaw.message(lang)))
                .collect();
            super::message_page(
                caller,
                StatusCode::UNPROCESSABLE_ENTITY,
                lang.t("error.fix_fields"),
                &text.join("；"),
            )
        }
        other => error_page(caller, other),
    }
}

fn progress_rows(p: &feidi_app::schedule::Progress, lang: Lang) -> Vec<(&'static str, String, &'static str)> {
    let wan = |m: feidi_core::Money| format!("{} {}", m.in_wan(), lang.t("unit.wan"));
    let light = |l: Option<feidi_core::schedule::Light>| match l {
        Some(l) => (
            feidi_core::schedule::Light::words(Some(l), lang).to_string(),
            l.as_str(),
        ),
        None => ("—".to_string(), ""),
    };
    let (annual, annual_class) = light(p.annual_light);
    let (overall, overall_class) = light(p.light);
    vec![
        (
            lang.t("progress.plan"),
            p.annual_plan.map(wan).unwrap_or_else(|| "—".into()),
            "",
        ),
        (lang.t("progress.ytd"), wan(p.year_to_date), ""),
        (lang.t("progress.since_start"), wan(p.since_start), ""),
        (lang.t("progress.pending"), wan(p.pending_investment), ""),
        (
            lang.t("dash.completion"),
            format!("{}%", p.completion_ratio.percent()),
            "",
        ),
        (lang.t("progress.annual_light"), annual, annual_class),
        (lang.t("progress.light"), overall, overall_class),
    ]
}

/// One line of a project's schedule on its page.
pub struct MilestoneRow {
    pub kind: &'static str,
    pub label: &'static str,
    pub planned: String,
    pub actual: String,
    pub variance: String,
    /// `green`, `yellow`, `red`, or empty when the milestone has no planned date yet.
    pub light: &'static str,
    pub light_label: &'static str,
    pub version: String,
}

fn schedule_rows(list: &[feidi_app::schedule::MilestoneView], lang: Lang) -> Vec<MilestoneRow> {
    use feidi_core::schedule::{Light, MilestoneKind, variance_words};
    MilestoneKind::ALL
        .iter()
        .map(|kind| {
            let label = if lang == Lang::Zh {
                kind.label_zh()
            } else {
                lang.t(&format!("milestone.{}", kind.as_str()))
            };
            match list.iter().find(|m| m.kind == *kind) {
                None => MilestoneRow {
                    kind: kind.as_str(),
                    label,
                    planned: String::new(),
                    actual: String::new(),
                    variance: String::new(),
                    light: "",
                    light_label: "",
                    version: String::new(),
                },
                Some(m) => MilestoneRow {
                    kind: kind.as_str(),
                    label,
                    planned: m.planned_date.to_string(),
                    actual: m.actual_date.map(|d| d.to_string()).unwrap_or_default(),
                    variance: m
                        .variance_days
                        .map(|v| variance_words(v, lang))
                        .unwrap_or_default(),
                    light: m.light.as_str(),
                    light_label: Light::words(Some(m.light), lang),
                    version: m.version.to_string(),
                },
            }
        })
        .collect()
}

/// A project's milestones on one time axis: planned (◇) against actual (●), the slip between
/// them coloured by the light, today marked.
fn timeline_svg(list: &[feidi_app::schedule::MilestoneView], today: chrono::NaiveDate, lang: Lang) -> String {
    use feidi_core::schedule::variance_words;
    let rows: Vec<crate::svg::TimelineRow> = list
        .iter()
        .map(|m| {
            let done = m.actual_date.filter(|a| *a <= today);
            let note = match (done, m.variance_days) {
                (Some(_), Some(v)) => variance_words(v, lang),
                _ if today > m.planned_date => {
                    let days = (today - m.planned_date).num_days();
                    match lang {
                        Lang::Zh => format!("逾期{days}天"),
                        Lang::En => format!("{days} days overdue"),
                    }
                }
                _ => lang.t("schedule.pending").to_string(),
            };
            crate::svg::TimelineRow {
                label: if lang == Lang::Zh {
                    m.kind.label_zh().to_string()
                } else {
                    lang.t(&format!("milestone.{}", m.kind.as_str())).to_string()
                },
                planned: m.planned_date,
                actual: done,
                light: m.light.as_str(),
                note,
            }
        })
        .collect();
    crate::svg::timeline(
        lang.t("schedule.timeline"),
        &rows,
        today,
        lang.t("schedule.today"),
    )
}

async fn detail_page<K: PageKind>(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        let record = feidi_app::registry::get::<K>(&state.app, &caller.principal(), id)
            .await
            .for_lang(caller.lang())?;
        let lang = caller.lang();
        let lookups = Lookups::load(&state, &caller, K::LOOKUPS).await?;
        let principal = caller.principal();
        let may_write = principal.may(Action::Write, K::ENTITY);
        let overview = if K::HAS_MILESTONES {
            Some(
                feidi_app::schedule::project_overview(
                    &state.app,
                    &caller.principal(),
                    id,
                    feidi_core::time::today(),
                )
                .await
                .for_lang(caller.lang())?,
            )
        } else {
            None
        };
        let template = DetailPage {
            c: Chrome::for_caller(&caller, K::PATH),
            title: K::heading(&record),
            rows: K::details(&record, &lookups, lang),
            edit_href: may_write.then(|| format!("/{}/{id}/edit", K::PATH)),
            delete_action: may_write.then(|| format!("/{}/{id}/delete", K::PATH)),
            audit_href: principal
                .may(Action::Read, feidi_core::policy::Entity::Audit)
                .then(|| {
                    format!(
                        "/audit?entity={}&entity_id={id}",
                        <K::Record as feidi_store::Record>::ENTITY
                    )
                }),
            version: feidi_store::Record::version(&record),
            id,
            milestones: overview
                .as_ref()
                .map(|o| schedule_rows(&o.milestones, lang))
                .unwrap_or_default(),
            edit_milestones: K::HAS_MILESTONES && principal.may(Action::Write, K::ENTITY),
            timeline_svg: overview
                .as_ref()
                .filter(|o| !o.milestones.is_empty())
                .map(|o| timeline_svg(&o.milestones, feidi_core::time::today(), lang))
                .unwrap_or_default(),
            reports: overview
                .as_ref()
                .map(|o| report_rows(&o.reports, lang))
                .unwrap_or_default(),
            may_submit: K::HAS_MILESTONES && principal.may(Action::Write, feidi_core::policy::Entity::Report),
            may_review: K::HAS_MILESTONES
                && principal.may(Action::Review, feidi_core::policy::Entity::Report),
            may_reopen: K::HAS_MILESTONES && principal.is_admin(),
            progress: overview
                .as_ref()
                .map(|o| progress_rows(&o.progress, lang))
                .unwrap_or_default(),
        };
        Ok::<_, ApiError>(render(StatusCode::OK, &template))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&caller, e))
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub c: Chrome,
    pub title: String,
    pub action: String,
    pub version: Option<i64>,
    pub banner: Option<String>,
    pub fields: Vec<FieldView>,
    pub cancel: String,
}

async fn form_page<K: PageKind>(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    id: Option<i64>,
    values: &Map<String, Value>,
    errors: Option<&FieldErrors>,
    banner: Option<String>,
) -> Result<Response, ApiError> {
    let lang = caller.lang();
    let lookups = Lookups::load(state, caller, K::LOOKUPS).await?;
    let mut form = FormBuilder::new(values, errors, lang);
    K::form(&mut form, &lookups, lang);
    let (title, action, cancel) = match id {
        None => (
            format!("{}{}", lang.t("action.create"), K::noun(lang)),
            format!("/{}/new", K::PATH),
            format!("/{}", K::PATH),
        ),
        Some(id) => (
            format!("{}{}", lang.t("action.edit"), K::noun(lang)),
            format!("/{}/{id}/edit", K::PATH),
            format!("/{}/{id}", K::PATH),
        ),
    };
    let version = values
        .get("version")
        .and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
    let banner = banner.or_else(|| errors.map(|_| lang.t("error.fix_fields").to_string()));
    let template = FormPage {
        c: Chrome::for_caller(caller, K::PATH),
        title,
        action,
        version,
        banner,
        fields: form.fields,
        cancel,
    };
    Ok(render(status, &template))
}

async fn new_form<K: PageKind>(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    if !caller.principal().may(Action::Write, K::ENTITY) {
        return error_page(&caller, ApiError::Forbidden);
    }
    form_page::<K>(&state, &caller, StatusCode::OK, None, &Map::new(), None, None)
        .await
        .unwrap_or_else(|e| error_page(&caller, e))
}

/// Answers a failed write by showing the form again with what was typed: field errors beside
/// their fields, a conflict as a banner; any other error as its page. `show` renders the form
/// with a status, the errors and a banner.
pub(super) async fn refill<F, Fut>(caller: &Caller, err: ApiError, show: F) -> Response
where
    F: FnOnce(StatusCode, Option<FieldErrors>, Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    let shown = match err {
        ApiError::Invalid(errors, _) => show(StatusCode::UNPROCESSABLE_ENTITY, Some(errors), None).await,
        ApiError::Conflict(_) => {
            show(
                StatusCode::CONFLICT,
                None,
                Some(caller.lang().t("error.conflict").into()),
            )
            .await
        }
        other => Err(other),
    };
    shown.unwrap_or_else(|e| error_page(caller, e))
}

async fn refill_kind<K: PageKind>(
    state: &AppState,
    caller: &Caller,
    id: Option<i64>,
    fields: &Map<String, Value>,
    err: ApiError,
) -> Response {
    refill(caller, err, |status, errors, banner| async move {
        form_page::<K>(state, caller, status, id, fields, errors.as_ref(), banner).await
    })
    .await
}

async fn create<K: PageKind>(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    match feidi_app::registry::create::<K>(&state.app, &caller.principal(), &fields, None)
        .await
        .for_lang(caller.lang())
    {
        Ok((record, _)) => {
            Redirect::to(&format!("/{}/{}", K::PATH, feidi_store::Record::id(&record))).into_response()
        }
        Err(e) => refill_kind::<K>(&state, &caller, None, &fields, e).await,
    }
}

async fn edit_form<K: PageKind>(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        let record = feidi_app::registry::get::<K>(&state.app, &caller.principal(), id)
            .await
            .for_lang(caller.lang())?;
        if !caller.principal().may(Action::Write, K::ENTITY) {
            return Err(ApiError::Forbidden);
        }
        let values = match serde_json::to_value(&record) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        form_page::<K>(&state, &caller, StatusCode::OK, Some(id), &values, None, None).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&caller, e))
}

async fn update<K: PageKind>(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: FormInput,
) -> Response {
    let FormInput { caller, mut fields } = form;
    for name in K::CHECKBOXES {
        fields.entry(name.to_string()).or_insert(Value::Bool(false));
    }
    match feidi_app::registry::update::<K>(&state.app, &caller.principal(), id, &fields)
        .await
        .for_lang(caller.lang())
    {
        Ok(_) => Redirect::to(&format!("/{}/{id}", K::PATH)).into_response(),
        Err(e) => refill_kind::<K>(&state, &caller, Some(id), &fields, e).await,
    }
}

async fn delete<K: PageKind>(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: FormInput,
) -> Response {
    let caller = form.caller;
    let version = match form.fields.get("version").and_then(Value::as_str) {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(v) => Some(v),
            // A tampered form: never delete without the version check it asked for.
            Err(_) => return error_page(&caller, ApiError::BadRequest("version".into())),
        },
    };
    match feidi_app::registry::delete::<K>(&state.app, &caller.principal(), id, version)
        .await
        .for_lang(caller.lang())
    {
        Ok(()) => Redirect::to(&format!("/{}", K::PATH)).into_response(),
        Err(e) => error_page(&caller, e),
    }
}

fn money_cell(m: Option<feidi_core::Money>, lang: Lang) -> Cell {
    match m {
        Some(m) => Cell::num(format!("{} {}", m.in_yi(), lang.t("unit.yi"))),
        None => Cell::num("—"),
    }
}

impl PageKind for Stages {
    const TITLE: &'static str = "nav.stages";
    const LOOKUPS: &'static [NameList] = &[];
    const CHECKBOXES: &'static [&'static str] = &["sample"];
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
            Cell::text(s.start_date.clone()),
            Cell::text(s.end_date.clone()),
            Cell::num(s.target_project_count.map_or("—".into(), |n| n.to_string())),
            money_cell(s.target_total_investment, lang),
            money_cell(s.target_completed_investment, lang),
        ]
    }
    fn details(s: &feidi_store::Stage, _l: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)> {
        let t = |k| lang.t(k);
        vec![
            (t("field.name"), Cell::text(s.name.clone())),
            (t("field.start_date"), Cell::text(s.start_date.clone())),
            (t("field.end_date"), Cell::text(s.end_date.clone())),
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
            (t("field.updated_at"), Cell::text(stamp_text(&s.updated_at))),
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
            (w("field.updated_at"), Cell::text(stamp_text(&t.updated_at))),
        ]
    }
    fn form(f: &mut FormBuilder<'_>, l: &Lookups, _lang: Lang) {
        f.field("name", "field.name", "text", true);
        f.lookup("leader_id", "field.leader", true, l, NameList::Officials);
        f.field("description", "field.description", "textarea", false);
    }
}
