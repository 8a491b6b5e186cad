//! The registry (M1) and the other kinds of records kept the same way (stages, task forces):
//! list, read, create, change and delete any `Kind`, each behind one access check, the input
//! parsed by core's rules. Also the user list and the audit log, which are read the same way.

use std::collections::HashMap;

use feidi_core::input::overlay;
use feidi_core::policy::{Action, Entity, Principal, Scope};
use feidi_core::{FieldError, FieldErrors, Flaw};
use feidi_store::{AuditEntry, AuditQuery, ListQuery, Page, Record, SortDir, User, Val};
use serde_json::{Map, Value};

use crate::kinds::{FilterType, Kind};
use crate::{App, AppError, AppResult, require, version_of};

/// Reads the list parameters of a query string: paging, sorting, search and the kind's filters.
pub fn list_query(params: &HashMap<String, String>, filters: &[(&str, FilterType)]) -> AppResult<ListQuery> {
    let mut bad = Vec::new();
    let mut int = |name: &str, default: i64, max: i64| -> i64 {
        match params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => default,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    bad.push(FieldError {
                        field: name.into(),
                        flaw: Flaw::OutOfRange(1, max),
                    });
                    default
                }
            },
        }
    };
    let page = int("page", 1, i64::from(i32::MAX));
    let per_page = int("per_page", 50, 500);
    let mut query = ListQuery {
        page,
        per_page,
        ..Default::default()
    };
    for (name, kind) in filters {
        let Some(value) = params.get(*name).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
            continue;
        };
        match kind {
            FilterType::Text => query.filters.push(((*name).into(), Val::from(value))),
            FilterType::Id => match value.parse::<i64>() {
                Ok(id) => query.filters.push(((*name).into(), Val::from(id))),
                Err(_) => bad.push(FieldError {
                    field: (*name).into(),
                    flaw: Flaw::NotInteger,
                }),
            },
        }
    }
    match params.get("q").map(|q| q.trim()).filter(|q| !q.is_empty()) {
        Some(q) if q.chars().count() > 200 => bad.push(FieldError {
            field: "q".into(),
            flaw: Flaw::TooLong(200),
        }),
        q => query.q = q.map(str::to_string),
    }
    if let Some(sort) = params.get("sort").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let (desc, column) = match sort.strip_prefix('-') {
            Some(c) => (true, c),
            None => (params.get("order").is_some_and(|o| o == "desc"), sort),
        };
        query.sort = Some(column.to_string());
        query.dir = if desc { SortDir::Desc } else { SortDir::Asc };
    }
    if bad.is_empty() {
        Ok(query)
    } else {
        Err(FieldErrors(bad).into())
    }
}

/// Reads an optional id parameter of a query string.
pub fn id_param(params: &HashMap<String, String>, name: &str) -> AppResult<Option<i64>> {
    match params.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => Ok(Some(
            v.parse::<i64>()
                .map_err(|_| FieldErrors::one(name, Flaw::NotInteger))?,
        )),
    }
}

pub async fn list<K: Kind>(app: &App, who: &Principal, query: &ListQuery) -> AppResult<Page<K::Record>> {
    require(who, Action::Read, K::ENTITY)?;
    Ok(app.store.list::<K::Record>(query, who.scope()).await?)
}

/// A list as its JSON answer, memoised while the table's data version stands still.
pub async fn list_json<K: Kind>(app: &App, who: &Principal, query: &ListQuery) -> AppResult<bytes::Bytes> {
    require(who, Action::Read, K::ENTITY)?;
    let scope = who.scope();
    // The version is read before the list, so a write racing the read can only make the memo
    // look older than it is (and be read again), never newer.
    let version = app.store.data_version(<K::Record as Record>::TABLE).await?;
    let key = format!("{}|{scope:?}|{query:?}", K::PATH);
    if let Some(body) = app.answers.get(&key, version) {
        return Ok(body);
    }
    let page = app.store.list::<K::Record>(query, scope).await?;
    let body = bytes::Bytes::from(serde_json::to_vec(&page).map_err(|e| AppError::Internal(e.to_string()))?);
    app.answers.put(key, version, body.clone());
    Ok(body)
}

pub async fn get<K: Kind>(app: &App, who: &Principal, id: i64) -> AppResult<K::Record> {
    require(who, Action::Read, K::ENTITY)?;
    Ok(app.store.get::<K::Record>(id, who.scope()).await?)
}

/// Adds a record; answers it and whether it is new (an `idempotency_key` seen before answers
/// the record made then).
pub async fn create<K: Kind>(
    app: &App,
    who: &Principal,
    body: &Map<String, Value>,
    idempotency_key: Option<&str>,
) -> AppResult<(K::Record, bool)> {
    require(who, Action::Write, K::ENTITY)?;
    let input = K::parse(body)?;
    Ok(app
        .store
        .create(Some(who.user_id), &input, vec![], idempotency_key)
        .await?)
}

/// Applies the fields `patch` names to the record, if `version` is still current.
pub async fn update<K: Kind>(
    app: &App,
    who: &Principal,
    id: i64,
    patch: &Map<String, Value>,
) -> AppResult<K::Record> {
    // A record the caller may not see answers 404 before any other check.
    let current = get::<K>(app, who, id).await?;
    require(who, Action::Write, K::ENTITY)?;
    let version = version_of(patch)?;
    let mut merged = match serde_json::to_value(&current) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    overlay(&mut merged, patch);
    let input = K::parse(&merged)?;
    Ok(app.store.update(Some(who.user_id), id, version, &input).await?)
}

pub async fn delete<K: Kind>(app: &App, who: &Principal, id: i64, version: Option<i64>) -> AppResult<()> {
    get::<K>(app, who, id).await?;
    require(who, Action::Write, K::ENTITY)?;
    Ok(app
        .store
        .delete::<K::Record>(Some(who.user_id), id, version)
        .await?)
}

/// Users, filtered by role or enterprise: for those who manage accounts.
pub async fn list_users(
    app: &App,
    who: &Principal,
    params: &HashMap<String, String>,
) -> AppResult<Page<User>> {
    require(who, Action::Read, Entity::User)?;
    let filters = [("role", FilterType::Text), ("enterprise_id", FilterType::Id)];
    let query = list_query(params, &filters)?;
    Ok(app.store.list::<User>(&query, Scope::All).await?)
}

/// The audit log, for admins, leaders and staff, filtered by entity, record and actor.
pub async fn audit(
    app: &App,
    who: &Principal,
    params: &HashMap<String, String>,
) -> AppResult<Page<AuditEntry>> {
    require(who, Action::Read, Entity::Audit)?;
    let query = list_query(params, &[])?;
    let entity_id = id_param(params, "entity_id")?;
    let actor_id = id_param(params, "actor_id")?;
    let entity = params
        .get("entity")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    Ok(app
        .store
        .audit(&AuditQuery {
            entity,
            entity_id,
            actor_id,
            page: query.page,
            per_page: query.per_page,
        })
        .await?)
}

/// The names of a list (zones, enterprises, officials…) the caller may see, for the choices
/// of a form or a filter.
pub async fn names(app: &App, who: &Principal, list: feidi_store::NameList) -> AppResult<Vec<(i64, String)>> {
    // Parcels are named only to those who read land.
    if list == feidi_store::NameList::Parcels && !who.may(Action::Read, Entity::Land) {
        return Ok(Vec::new());
    }
    Ok(app.store.names(list, who.scope()).await?)
}

/// The names of the given records, for showing who or what an id is.
pub async fn names_of(app: &App, named: feidi_store::Named, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    Ok(app.store.names_of(named, ids).await?)
}
