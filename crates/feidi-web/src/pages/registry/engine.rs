//! The generic list/form engine: every kind's list, detail page and forms, from its
//! [`PageKind`] description.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use feidi_core::policy::Action;
use feidi_core::{FieldErrors, Lang};
use feidi_store::NameList;
use serde_json::{Map, Value};

use super::project::{
    MilestoneRow, ReportForm, ReportRow, blockage_links, progress_rows, report_rows, schedule_rows,
    timeline_svg,
};
use crate::AppState;
use crate::auth::{Caller, FormInput, PageCaller};
use crate::error::{ApiError, ForLang};
use crate::pages::{Chrome, error_page, render, shown, url_encode};
use feidi_app::kinds::Kind;

pub(super) fn pages<K: PageKind>() -> Router<AppState> {
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
    pub(super) fn num(text: impl Into<String>) -> Self {
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
            NameList::Projects => "projects",
            NameList::Parcels => "parcels",
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
    pub(super) fn cell(&self, list: NameList, id: Option<i64>, path: &str) -> Cell {
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
    /// The list's title for an enterprise's own user, who sees only its own records.
    const OWN_TITLE: Option<&'static str> = None;
    /// "New …" and "Edit …" titles.
    fn noun(lang: Lang) -> &'static str;
    /// The name lists its pages show.
    const LOOKUPS: &'static [NameList];
    /// Whether its page shows a schedule of milestones.
    const HAS_MILESTONES: bool = false;
    /// Whether its page shows a parcel's pipeline, with the form for its next step.
    const HAS_PIPELINE: bool = false;
    /// Whether its page draws a zone's parcels (for those who read land).
    const HAS_MAP: bool = false;
    /// Whether its page lists a household's compensation, with its forms.
    const HAS_COMPENSATION: bool = false;
    /// Whether its page offers a dispute's mediation and resolution.
    const HAS_DISPUTE_ACTIONS: bool = false;
    /// Checkboxes, which a form leaves out when unticked.
    const CHECKBOXES: &'static [&'static str] = &[];
    /// Amounts, which the form takes in 万元 (or with a unit: 7.1亿, 71000万, 710000000元); the
    /// services, like the API, take yuan.
    const MONEY: &'static [&'static str] = &[];
    /// (label key, sort column, numeric).
    const COLUMNS: &'static [(&'static str, Option<&'static str>, bool)];

    fn heading(record: &Self::Record) -> String;
    fn cells(record: &Self::Record, lookups: &Lookups, lang: Lang) -> Vec<Cell>;
    fn details(record: &Self::Record, lookups: &Lookups, lang: Lang) -> Vec<(&'static str, Cell)>;
    fn form(form: &mut FormBuilder<'_>, lookups: &Lookups, lang: Lang);
    /// The filter bar beside the name search.
    fn filters(_form: &mut FormBuilder<'_>, _lookups: &Lookups, _lang: Lang) {}
}

#[derive(Template)]
#[template(path = "list.html")]
pub(crate) struct ListPage {
    pub c: Chrome,
    pub title: &'static str,
    pub new_href: Option<String>,
    pub filters: Vec<FieldView>,
    pub headers: Vec<Header>,
    pub rows: Vec<Vec<Cell>>,
    pub total: i64,
    pub pager: crate::pages::Pager,
}

/// The query string of a list with one parameter changed.
pub(crate) fn href_with(path: &str, params: &HashMap<String, String>, key: &str, value: &str) -> String {
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
    let values = feidi_core::input::query_fields(&params);
    let mut filters = FormBuilder::new(&values, None, lang);
    K::filters(&mut filters, &lookups, lang);
    let own = caller.principal().is_enterprise();
    if own {
        // An enterprise sees its own records only: a filter by park, district or enterprise
        // would offer it nothing but its own.
        filters.fields.retain(|f| !f.name.ends_with("_id"));
    }
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
    let template = ListPage {
        c: Chrome::for_caller(caller, K::PATH),
        title: lang.t(K::OWN_TITLE.filter(|_| own).unwrap_or(K::TITLE)),
        new_href: caller
            .principal()
            .may(Action::Write, K::ENTITY)
            .then(|| format!("/{}/new", K::PATH)),
        filters: filters.fields,
        headers,
        rows: page.items.iter().map(|r| K::cells(r, &lookups, lang)).collect(),
        total: page.total,
        pager: crate::pages::Pager::of(K::PATH, &params, &page),
    };
    Ok(render(StatusCode::OK, &template))
}

#[derive(Template)]
#[template(path = "detail.html")]
pub(super) struct DetailPage {
    pub(super) c: Chrome,
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
    /// What blocks the project (堵点): link and words.
    blockages: Vec<(String, String)>,
    /// Monthly reports (projects only), newest first.
    reports: Vec<ReportRow>,
    /// Whether the caller may submit reports, review them, reopen approved ones.
    may_submit: bool,
    may_review: bool,
    may_reopen: bool,
    /// The new report's form: empty, or as typed with its errors after a refused submission.
    pub(super) report_form: ReportForm,
    /// A refused return (no reason): the month, the reason as typed, and why.
    pub(super) return_error: Option<(String, String, String)>,
    /// A refused milestone: its kind, the planned and actual dates as typed, and why.
    pub(super) milestone_error: Option<(String, String, String, String)>,
    /// A parcel's pipeline and the form for its next step (parcels only).
    pub(super) pipeline: Option<super::land::Pipeline>,
    /// A zone's parcels drawn (SVG) and what they add up to.
    map: Option<std::sync::Arc<(axum::body::Bytes, String)>>,
    /// A household's compensation and its forms (households only).
    pub(super) compensation: Option<super::resettlement::CompensationView>,
    /// A dispute's mediation and resolution (disputes only, for those who keep land).
    pub(super) dispute: Option<super::resettlement::DisputeActions>,
}

async fn detail_page<K: PageKind>(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let day = match feidi_app::programme::page_day(&state.app, &params)
        .await
        .for_lang(caller.lang())
    {
        Ok((day, _)) => day,
        Err(e) => return error_page(&caller, e),
    };
    match detail_view::<K>(&state, &caller, id, day).await {
        Ok(page) if page.map.is_some() => with_map(&page),
        view => shown(&caller, view),
    }
}

/// Where a zone's page takes its map: the drawing is sent as it is kept, shared by every
/// request, rather than copied into each page (a zone of 5,000 parcels is 400 KB).
const MAP_MARK: &str = "<!--feidi-map-->";

fn with_map(page: &DetailPage) -> Response {
    use axum::body::{Body, Bytes};
    let Some(map) = page.map.as_ref() else {
        return render(StatusCode::OK, page);
    };
    let html = match page.render() {
        Ok(html) => html,
        Err(e) => return ApiError::internal(e).into_response(),
    };
    // User text is escaped, so the mark can only be the template's own.
    let Some((head, tail)) = html.split_once(MAP_MARK) else {
        return (StatusCode::OK, axum::response::Html(html)).into_response();
    };
    let parts: [Result<Bytes, std::convert::Infallible>; 3] = [
        Ok(Bytes::copy_from_slice(head.as_bytes())),
        Ok(map.0.clone()),
        Ok(Bytes::copy_from_slice(tail.as_bytes())),
    ];
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from_stream(futures_util::stream::iter(parts)),
    )
        .into_response()
}

/// Why an action on a record's page was refused, to show the page again: 422 with the form as
/// typed and each error beside its field (named as the form names it, by `rename`), or 409
/// saying in `moved`'s words that the record changed meanwhile. Any other error as it is.
pub(super) fn refused(
    err: ApiError,
    fields: &Map<String, Value>,
    moved: &str,
    rename: impl Fn(&str) -> String,
) -> Result<(StatusCode, crate::pages::Typed, Option<String>), ApiError> {
    use crate::pages::Typed;
    match err {
        ApiError::Invalid(errors, lang) => {
            let errors = FieldErrors(
                errors
                    .0
                    .into_iter()
                    .map(|mut e| {
                        e.field = rename(&e.field);
                        e
                    })
                    .collect(),
            );
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Typed::of(fields, &errors, lang),
                None,
            ))
        }
        // No error sits beside a field: the words say what happened.
        ApiError::Conflict(_) => Ok((
            StatusCode::CONFLICT,
            Typed::of(fields, &FieldErrors(Vec::new()), Lang::Zh),
            Some(moved.to_string()),
        )),
        e => Err(e),
    }
}

/// A record's page again, its refused form's state set by `change`.
pub(super) async fn detail_again<K: PageKind>(
    state: &AppState,
    caller: &Caller,
    id: i64,
    status: StatusCode,
    change: impl FnOnce(&mut DetailPage),
) -> Response {
    match detail_view::<K>(state, caller, id, feidi_core::time::today()).await {
        Ok(mut page) => {
            change(&mut page);
            render(status, &page)
        }
        Err(e) => error_page(caller, e),
    }
}

/// A record's page as it stands, for showing or for showing again with a form's errors.
/// A project's schedule and progress are judged as of `day` (the page's `as_of`, carried from
/// the cockpit).
pub(super) async fn detail_view<K: PageKind>(
    state: &AppState,
    caller: &Caller,
    id: i64,
    day: chrono::NaiveDate,
) -> Result<DetailPage, ApiError> {
    let record = feidi_app::registry::get::<K>(&state.app, &caller.principal(), id)
        .await
        .for_lang(caller.lang())?;
    let lang = caller.lang();
    let lookups = Lookups::load(state, caller, K::LOOKUPS).await?;
    let principal = caller.principal();
    let may_write = principal.may(Action::Write, K::ENTITY);
    let overview = if K::HAS_MILESTONES {
        Some(
            feidi_app::schedule::project_overview(&state.app, &caller.principal(), id, day)
                .await
                .for_lang(caller.lang())?,
        )
    } else {
        None
    };
    let template = DetailPage {
        c: Chrome::for_caller(caller, K::PATH),
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
            .map(|o| timeline_svg(&o.milestones, day, lang))
            .unwrap_or_default(),
        reports: overview
            .as_ref()
            .map(|o| report_rows(&o.reports, lang))
            .unwrap_or_default(),
        may_submit: K::HAS_MILESTONES && principal.may(Action::Write, feidi_core::policy::Entity::Report),
        may_review: K::HAS_MILESTONES && principal.may(Action::Review, feidi_core::policy::Entity::Report),
        may_reopen: K::HAS_MILESTONES && principal.is_admin(),
        progress: overview
            .as_ref()
            .map(|o| progress_rows(&o.progress, lang))
            .unwrap_or_default(),
        blockages: overview
            .as_ref()
            .map(|o| blockage_links(&o.progress, lang))
            .unwrap_or_default(),
        report_form: ReportForm::default(),
        return_error: None,
        milestone_error: None,
        pipeline: if K::HAS_PIPELINE {
            Some(super::land::pipeline_view(state, caller, id).await?)
        } else {
            None
        },
        map: if K::HAS_MAP && principal.may(Action::Read, feidi_core::policy::Entity::Land) {
            Some(super::land::zone_map(state, caller, id).await?)
        } else {
            None
        },
        compensation: if K::HAS_COMPENSATION {
            Some(super::resettlement::compensation_view(state, caller, id).await?)
        } else {
            None
        },
        dispute: if K::HAS_DISPUTE_ACTIONS {
            let dispute = feidi_app::registry::get::<feidi_app::kinds::Disputes>(&state.app, &principal, id)
                .await
                .for_lang(lang)?;
            super::resettlement::dispute_actions(caller, dispute.status)
        } else {
            None
        },
    };
    Ok(template)
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
    // The policy's answer: forbidden, or not found where the records are private.
    if let Err(e) = feidi_app::require(&caller.principal(), Action::Write, K::ENTITY).for_lang(caller.lang())
    {
        return error_page(&caller, e);
    }
    form_page::<K>(&state, &caller, StatusCode::OK, None, &Map::new(), None, None)
        .await
        .unwrap_or_else(|e| error_page(&caller, e))
}

/// Answers a failed write by showing the form again with what was typed: field errors beside
/// their fields, a conflict as a banner; any other error as its page. `show` renders the form
/// with a status, the errors and a banner.
pub(crate) async fn refill<F, Fut>(caller: &Caller, err: ApiError, show: F) -> Response
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

/// The form's amounts in yuan, as the services take them; a field that is not an amount is
/// named, and the form comes back with what was typed.
fn money_in_yuan<K: PageKind>(
    fields: &Map<String, Value>,
    lang: Lang,
) -> Result<Map<String, Value>, ApiError> {
    let mut body = fields.clone();
    let mut bad = Vec::new();
    for name in K::MONEY {
        if let Err(e) = crate::pages::amount_field(&mut body, name, feidi_core::MoneyUnit::Wan) {
            bad.extend(e.0);
        }
    }
    if bad.is_empty() {
        Ok(body)
    } else {
        Err(ApiError::Invalid(FieldErrors(bad), lang))
    }
}

/// A record's amounts as its form shows them: in 万元, exact.
fn money_in_wan<K: PageKind>(values: &mut Map<String, Value>) {
    for name in K::MONEY {
        if let Some(Value::String(yuan)) = values.get(*name)
            && let Ok(amount) = feidi_core::Money::parse(yuan)
        {
            values.insert((*name).to_string(), Value::String(amount.wan_exact()));
        }
    }
}

async fn create<K: PageKind>(State(state): State<AppState>, form: FormInput) -> Response {
    let FormInput { caller, fields } = form;
    let saved = match money_in_yuan::<K>(&fields, caller.lang()) {
        Ok(body) => feidi_app::registry::create::<K>(&state.app, &caller.principal(), &body, None)
            .await
            .for_lang(caller.lang()),
        Err(e) => Err(e),
    };
    match saved {
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
        feidi_app::require(&caller.principal(), Action::Write, K::ENTITY).for_lang(caller.lang())?;
        let mut values = match serde_json::to_value(&record) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        money_in_wan::<K>(&mut values);
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
    let saved = match money_in_yuan::<K>(&fields, caller.lang()) {
        Ok(body) => feidi_app::registry::update::<K>(&state.app, &caller.principal(), id, &body)
            .await
            .for_lang(caller.lang()),
        Err(e) => Err(e),
    };
    match saved {
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
