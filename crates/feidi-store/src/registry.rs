//! Create, read, update, delete and list for every registry record, in one generic code path:
//! each write runs in one transaction with its audit entry, its reference checks, its
//! optimistic version check and the portfolio totals it moves.

use std::sync::Arc;

use feidi_core::model::Role;
use feidi_core::policy::Scope;
use feidi_core::{FieldError, FieldErrors, Flaw};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::audit::{AuditWrite, write_audit};
use crate::columns::StoredRow;
use crate::sqlite::writer::TxFuture;
use crate::value::{Cols, Val, bind_all};
use crate::{Backend, Store, StoreError, StoreResult};

/// A kind of stored record.
pub trait Record: crate::columns::StoredRow + Serialize + Send + Sync + Unpin + 'static {
    /// The name in the audit log and in idempotency keys.
    const ENTITY: &'static str;
    const TABLE: &'static str;
    /// Columns with a unique constraint, named in the error when a value is taken.
    const UNIQUE: &'static [&'static str];
    /// Columns a list may be sorted by.
    const SORTABLE: &'static [&'static str];
    /// Columns a list may be filtered on by equality.
    const FILTERS: &'static [&'static str];
    /// The column tying a record to an enterprise, for callers who see one enterprise only;
    /// `None` for records every user may see.
    const SCOPE_COLUMN: Option<&'static str> = None;
    /// The column a list's search (`q`) looks in.
    const SEARCH_COLUMN: &'static str = "name";

    fn id(&self) -> i64;
    fn version(&self) -> i64;
}

/// A parsed input that writes one kind of record.
pub trait Inputs: Send + Sync {
    type Record: Record;
    /// The column values it writes.
    fn values(&self) -> Vec<(&'static str, Val)>;
    /// The other records it refers to, checked before writing so the error names the field.
    fn references(&self) -> Vec<Reference> {
        Vec::new()
    }
}

/// A field that refers to another record.
pub struct Reference {
    field: &'static str,
    table: &'static str,
    id: Option<i64>,
    /// For officials: the user must be an active leader or staff member.
    official: bool,
}

impl Reference {
    pub fn new(field: &'static str, table: &'static str, id: Option<i64>) -> Self {
        Self {
            field,
            table,
            id,
            official: false,
        }
    }
    pub fn official(field: &'static str, id: Option<i64>) -> Self {
        Self {
            field,
            table: "users",
            id,
            official: true,
        }
    }
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

/// What part of a list to read. Unknown filter or sort columns are refused, never spliced.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub filters: Vec<(String, Val)>,
    /// Name contains this text.
    pub q: Option<String>,
    pub sort: Option<String>,
    pub dir: SortDir,
    pub page: i64,
    pub per_page: i64,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            filters: Vec::new(),
            q: None,
            sort: None,
            dir: SortDir::Asc,
            page: 1,
            per_page: 50,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn of(items: Vec<T>, total: i64, page: i64, per_page: i64) -> Self {
        Self {
            items,
            total,
            page,
            per_page,
        }
    }

    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally in `LIKE ... ESCAPE '\'`.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Store {
    /// An expression that turns one row's `columns` into a JSON array (as text).
    pub(crate) fn json_row(&self, columns: &str) -> String {
        json_row_of(self.backend, columns)
    }

    /// An aggregate that turns the rows of `columns` into one JSON array of arrays (as text),
    /// in `order`: positional, so the keys are not repeated in every row.
    pub(crate) fn json_rows(&self, columns: &str, order: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!("json_group_array(json_array({columns}) ORDER BY {order})"),
            Backend::Postgres => format!(
                "CAST(COALESCE(json_agg(json_build_array({columns}) ORDER BY {order}), '[]'::json) AS TEXT)"
            ),
        }
    }

    /// One record by id, if the caller's scope lets it be seen.
    pub async fn get<T: Record>(&self, id: i64, scope: Scope) -> StoreResult<T> {
        // The row comes back as one JSON array: decoding one text column is far cheaper through
        // sqlx's `Any` driver than converting every column of a row.
        let mut sql = format!(
            "SELECT {} FROM {} WHERE id = $1",
            self.json_row(T::COLUMNS),
            T::TABLE
        );
        let mut values = vec![Val::from(id)];
        push_scope::<T>(&mut sql, &mut values, scope);
        let row = bind_all(sqlx::query(&sql), &values)
            .fetch_optional(&self.read)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        let text: String = row.try_get(0)?;
        let values: Vec<serde_json::Value> =
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{} row: {e}", T::TABLE)))?;
        let names: Vec<&str> = T::COLUMNS.split(", ").collect();
        T::from_cols(&Cols::Json {
            names: &names,
            values: &values,
        })
    }

    /// A page of records, filtered, searched and sorted in SQL.
    pub async fn list<T: Record>(&self, query: &ListQuery, scope: Scope) -> StoreResult<Page<T>> {
        let mut bad = Vec::new();
        let mut clause = String::from(" WHERE 1 = 1");
        let mut values = Vec::new();
        for (column, value) in &query.filters {
            match T::FILTERS.iter().find(|c| **c == column) {
                Some(column) => {
                    values.push(value.clone());
                    clause.push_str(&format!(" AND {column} = ${}", values.len()));
                }
                None => bad.push(FieldError {
                    field: column.clone(),
                    flaw: Flaw::OneOf(T::FILTERS),
                }),
            }
        }
        if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
            values.push(Val::from(like_pattern(q.trim())));
            // LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            clause.push_str(&format!(
                " AND LOWER({}) LIKE LOWER(${}) ESCAPE '\\'",
                T::SEARCH_COLUMN,
                values.len()
            ));
        }
        push_scope::<T>(&mut clause, &mut values, scope);
        let sort = match query.sort.as_deref() {
            None => "id",
            Some(s) => match T::SORTABLE.iter().find(|c| **c == s) {
                Some(c) => c,
                None => {
                    bad.push(FieldError {
                        field: "sort".into(),
                        flaw: Flaw::OneOf(T::SORTABLE),
                    });
                    "id"
                }
            },
        };
        if !bad.is_empty() {
            return Err(FieldErrors(bad).into());
        }
        let dir = match query.dir {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        };
        let per_page = query.per_page.clamp(1, 500);
        let page = query.page.max(1);
        let offset = (page - 1).saturating_mul(per_page);
        // One statement, one row: the count, and the page as a JSON array built by the
        // database. The id breaks ties so that pages never overlap or skip.
        let order = format!("{sort} {dir}, id {dir}");
        let items = self.json_rows(T::COLUMNS, &order);
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM {table}{clause}) AS total, \
             (SELECT {items} FROM (SELECT {columns} FROM {table}{clause} ORDER BY {order} \
             LIMIT {per_page} OFFSET {offset}) AS page) AS items",
            table = T::TABLE,
            columns = T::COLUMNS,
        );
        let row = bind_all(sqlx::query(&sql), &values).fetch_one(&self.read).await?;
        let c = Cols::Row(&row);
        let total = c.int("total")?;
        let items = c.opt_text("items")?.unwrap_or_else(|| "[]".into());
        let items: Vec<Vec<serde_json::Value>> = serde_json::from_str(&items)
            .map_err(|e| StoreError::Corrupt(format!("{} page: {e}", T::TABLE)))?;
        let names: Vec<&str> = T::COLUMNS.split(", ").collect();
        let items = items
            .iter()
            .map(|values| {
                T::from_cols(&Cols::Json {
                    names: &names,
                    values,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::of(items, total, page, per_page))
    }

    /// Creates a record. With an idempotency key already used by this actor, answers the
    /// record created then and writes nothing; the flag tells which happened.
    pub async fn create<I: Inputs + Clone + 'static>(
        &self,
        actor: Option<i64>,
        input: &I,
        extra: Vec<(&'static str, Val)>,
        idempotency_key: Option<&str>,
    ) -> StoreResult<(I::Record, bool)> {
        if let (Some(user), Some(key)) = (actor, idempotency_key)
            && let Some(existing) = self.replay::<I::Record>(user, key).await?
        {
            return Ok((existing, false));
        }
        // Checked on a reader, off the single writer's path; a reference deleted in between is
        // still stopped by the foreign key.
        check_references(&mut *self.read.acquire().await?, &input.references()).await?;
        let input = input.clone();
        let key = idempotency_key.map(str::to_string);
        let claim = key.clone();
        let written = self
            .in_write_tx(move |conn: &mut AnyConnection| -> TxFuture<'_, I::Record> {
                Box::pin(async move {
                    let now = feidi_core::time::stamp(feidi_core::time::now());
                    let mut values = input.values();
                    values.extend(extra);
                    let columns: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
                    let mut binds: Vec<Val> = values.into_iter().map(|(_, v)| v).collect();
                    binds.push(Val::from(now.clone()));
                    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
                    let n = binds.len();
                    let sql = format!(
                        "INSERT INTO {} ({}, version, created_at, updated_at) VALUES ({}, 1, ${n}, ${n}) RETURNING {}",
                        I::Record::TABLE,
                        columns.join(", "),
                        placeholders.join(", "),
                        I::Record::COLUMNS,
                    );
                    let row = bind_all(sqlx::query(&sql), &binds)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(|e| StoreError::from_write(e, I::Record::UNIQUE))?;
                    let record = I::Record::from_row(&row)?;
                    let audit = AuditWrite::change(actor, "create", I::Record::ENTITY, record.id(), None, Some(&record));
                    write_audit(&mut *conn, audit).await?;
                    if let (Some(user), Some(key)) = (actor, claim) {
                        claim_key(&mut *conn, user, key, I::Record::ENTITY, record.id(), now).await?;
                    }
                    Ok(record)
                })
            })
            .await;
        match (written, actor, key) {
            (Ok(record), _, _) => Ok((record, true)),
            (Err(StoreError::Conflict), Some(user), Some(key)) => {
                match self.replay::<I::Record>(user, &key).await? {
                    Some(existing) => Ok((existing, false)),
                    None => Err(StoreError::Conflict),
                }
            }
            (Err(e), _, _) => Err(e),
        }
    }

    async fn replay<T: Record>(&self, user: i64, key: &str) -> StoreResult<Option<T>> {
        let Some(id) = self.replayed_id(user, key, T::ENTITY).await? else {
            return Ok(None);
        };
        match self.get::<T>(id, Scope::All).await {
            Ok(record) => Ok(Some(record)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The id of the record a user's earlier request with this key created, if any; a key
    /// used for another kind of record is a 422 naming it.
    pub(crate) async fn replayed_id(&self, user: i64, key: &str, entity: &str) -> StoreResult<Option<i64>> {
        let row =
            sqlx::query("SELECT entity, entity_id FROM idempotency_keys WHERE user_id = $1 AND key = $2")
                .bind(user)
                .bind(key.to_string())
                .fetch_optional(&self.read)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let used_for: String = row.try_get(0)?;
        if used_for != entity {
            return Err(FieldErrors::one(
                "Idempotency-Key",
                Flaw::Rule(
                    "该幂等键已用于其他类型的请求",
                    "was already used for another kind of request",
                ),
            )
            .into());
        }
        Ok(Some(row.try_get(1)?))
    }

    /// Replaces a record's fields if `version` is still the stored one; otherwise
    /// [`StoreError::Conflict`] and nothing changes.
    pub async fn update<I: Inputs + Clone + 'static>(
        &self,
        actor: Option<i64>,
        id: i64,
        version: i64,
        input: &I,
    ) -> StoreResult<I::Record> {
        let input = input.clone();
        let backend = self.backend;
        self.in_write_tx(move |conn: &mut AnyConnection| -> TxFuture<'_, I::Record> {
            Box::pin(async move {
                let before: I::Record = locked(backend, &mut *conn, id).await?;
                if before.version() != version {
                    return Err(StoreError::Conflict);
                }
                check_references(&mut *conn, &input.references()).await?;
                let values = input.values();
                let sets: Vec<String> =
                    values.iter().enumerate().map(|(i, (c, _))| format!("{c} = ${}", i + 1)).collect();
                let mut binds: Vec<Val> = values.into_iter().map(|(_, v)| v).collect();
                binds.push(Val::from(feidi_core::time::stamp(feidi_core::time::now())));
                binds.push(Val::from(id));
                binds.push(Val::from(version));
                let n = binds.len();
                let sql = format!(
                    "UPDATE {} SET {}, version = version + 1, updated_at = ${} WHERE id = ${} AND version = ${n} RETURNING {}",
                    I::Record::TABLE,
                    sets.join(", "),
                    n - 2,
                    n - 1,
                    I::Record::COLUMNS,
                );
                let row = bind_all(sqlx::query(&sql), &binds)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(|e| StoreError::from_write(e, I::Record::UNIQUE))?
                    .ok_or(StoreError::Conflict)?;
                let after = I::Record::from_row(&row)?;
                let audit = AuditWrite::change(actor, "update", I::Record::ENTITY, id, Some(&before), Some(&after));
                write_audit(&mut *conn, audit).await?;
                Ok(after)
            })
        })
        .await
    }

    /// Deletes a record nothing refers to; with `version`, only if it is still the stored one.
    pub async fn delete<T: Record>(
        &self,
        actor: Option<i64>,
        id: i64,
        version: Option<i64>,
    ) -> StoreResult<()> {
        let backend = self.backend;
        self.in_write_tx(move |conn: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let before: T = locked(backend, &mut *conn, id).await?;
                if version.is_some_and(|v| v != before.version()) {
                    return Err(StoreError::Conflict);
                }
                sqlx::query(&format!("DELETE FROM {} WHERE id = $1", T::TABLE))
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| StoreError::from_write(e, &[]))?;
                write_audit(
                    &mut *conn,
                    AuditWrite::change(actor, "delete", T::ENTITY, id, Some(&before), None),
                )
                .await?;
                Ok(())
            })
        })
        .await
    }
}

/// Reads a record inside a write transaction, locking its row on PostgreSQL (SQLite's
/// `BEGIN IMMEDIATE` already holds the database's write lock).
async fn locked<T: Record>(backend: Backend, conn: &mut AnyConnection, id: i64) -> StoreResult<T> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let sql = format!("SELECT {} FROM {} WHERE id = $1{lock}", T::COLUMNS, T::TABLE);
    let row = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref()
        .map(T::from_row)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

fn push_scope<T: Record>(sql: &mut String, values: &mut Vec<Val>, scope: Scope) {
    if let (Some(column), Scope::Enterprise(enterprise)) = (T::SCOPE_COLUMN, scope) {
        values.push(Val::from(enterprise));
        sql.push_str(&format!(" AND {column} = ${}", values.len()));
    }
}

async fn check_references(conn: &mut AnyConnection, references: &[Reference]) -> StoreResult<()> {
    let mut bad = Vec::new();
    for reference in references {
        let Some(id) = reference.id else { continue };
        let sql = if reference.official {
            format!(
                "SELECT 1 FROM users WHERE id = $1 AND role IN ({}) AND active = TRUE",
                Role::officials_sql()
            )
        } else {
            format!("SELECT 1 FROM {} WHERE id = $1", reference.table)
        };
        if sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .is_none()
        {
            bad.push(FieldError {
                field: reference.field.into(),
                flaw: Flaw::NoSuchRecord,
            });
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(FieldErrors(bad).into())
    }
}

impl Store {
    /// The data version of a table: it moves on with every committed write to the table, on
    /// whichever app server, so a memo tagged with it is current exactly while it is unchanged.
    pub async fn data_version(&self, table: &str) -> StoreResult<i64> {
        let row = sqlx::query("SELECT version FROM data_versions WHERE name = $1")
            .bind(table.to_string())
            .fetch_optional(&self.read)
            .await?;
        match row {
            Some(row) => Ok(row.try_get(0)?),
            None => Err(StoreError::Corrupt(format!("no data version for {table}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_match_user_text_literally() {
        assert_eq!(super::like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}

/// The short lists the pages offer in selects and use to show names for ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameList {
    Jurisdictions,
    Zones,
    Enterprises,
    /// Active leaders and staff: those who can be a record's A or B official.
    Officials,
    /// Task forces (工作专班).
    TaskForces,
    /// Projects (an enterprise's scope: its own).
    Projects,
    /// Parcels of land, by code.
    Parcels,
}

impl Store {
    /// (id, name) pairs of a list, by name; an enterprise's scope sees only its own enterprise.
    pub async fn names(&self, list: NameList, scope: Scope) -> StoreResult<Vec<(i64, String)>> {
        let officials;
        let sql = match (list, scope) {
            (NameList::Jurisdictions, _) => "SELECT id, name FROM jurisdictions ORDER BY name, id",
            (NameList::Zones, _) => "SELECT id, name FROM zones ORDER BY name, id",
            (NameList::Enterprises, Scope::All) => "SELECT id, name FROM enterprises ORDER BY name, id",
            (NameList::Enterprises, Scope::Enterprise(_)) => "SELECT id, name FROM enterprises WHERE id = $1",
            (NameList::TaskForces, _) => "SELECT id, name FROM task_forces ORDER BY name, id",
            (NameList::Parcels, _) => "SELECT id, code FROM parcels ORDER BY code, id",
            (NameList::Projects, Scope::All) => "SELECT id, name FROM projects ORDER BY name, id",
            (NameList::Projects, Scope::Enterprise(_)) => {
                "SELECT id, name FROM projects WHERE enterprise_id = $1 ORDER BY name, id"
            }
            (NameList::Officials, _) => {
                officials = format!(
                    "SELECT id, name FROM users WHERE role IN ({}) AND active = TRUE ORDER BY name, id",
                    Role::officials_sql()
                );
                officials.as_str()
            }
        };
        let mut query = sqlx::query(sql);
        if let (NameList::Enterprises | NameList::Projects, Scope::Enterprise(id)) = (list, scope) {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect()
    }
}

/// Rows per multi-row INSERT: well inside both backends' limits on bound parameters.
const BULK_ROWS: usize = 400;

impl Store {
    /// Writes many records in one transaction with one audit entry (`note` says what it was):
    /// for generated programmes and imports, where a transaction and an audit entry per row
    /// would be thousands of times slower. References are enforced by the foreign keys only,
    /// so callers check them first to name a bad row; any failure writes nothing. `progress`
    /// is told how many rows are written so far.
    pub async fn bulk_create<I: Inputs + 'static>(
        &self,
        actor: Option<i64>,
        inputs: Vec<I>,
        note: String,
        progress: Arc<dyn Fn(usize) + Send + Sync>,
    ) -> StoreResult<usize> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, usize> {
            Box::pin(async move {
                let Some(first) = inputs.first() else { return Ok(0) };
                let columns: Vec<&str> = first.values().iter().map(|(c, _)| *c).collect();
                let now = feidi_core::time::stamp(feidi_core::time::now());
                // Parameters are anonymous `?` on SQLite: it takes `$N` (and `?N`) as named, and
                // sqlx asks each parameter's name, a linear search, quadratic in a long statement.
                let slot = |i: usize| match backend {
                    Backend::Sqlite => "?".to_string(),
                    Backend::Postgres => format!("${i}"),
                };
                let mut written = 0;
                for chunk in inputs.chunks(BULK_ROWS) {
                    let mut binds: Vec<Val> = Vec::with_capacity(chunk.len() * (columns.len() + 2));
                    let mut rows = Vec::with_capacity(chunk.len());
                    for input in chunk {
                        let start = binds.len();
                        binds.extend(input.values().into_iter().map(|(_, v)| v));
                        binds.push(Val::from(now.clone()));
                        binds.push(Val::from(now.clone()));
                        let slots: Vec<String> = (start + 1..=binds.len()).map(slot).collect();
                        let (values, stamps) = slots.split_at(slots.len() - 2);
                        rows.push(format!("({}, 1, {})", values.join(", "), stamps.join(", ")));
                    }
                    let sql = format!(
                        "INSERT INTO {} ({}, version, created_at, updated_at) VALUES {}",
                        I::Record::TABLE,
                        columns.join(", "),
                        rows.join(", "),
                    );
                    let done = bind_all(sqlx::query(&sql), &binds)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| StoreError::from_write(e, I::Record::UNIQUE))?;
                    written += done.rows_affected() as usize;
                    progress(written);
                }
                let audit = AuditWrite::event(actor, "bulk_create", I::Record::ENTITY, None, note);
                write_audit(&mut *tx, audit).await?;
                Ok(written)
            })
        })
        .await
    }
}

/// Records that a user's request with an idempotency key created record `id`, in the same
/// transaction; a concurrent request with the same key that got there first makes this one
/// [`StoreError::Conflict`], and it is undone.
pub(crate) async fn claim_key(
    conn: &mut AnyConnection,
    user: i64,
    key: String,
    entity: &'static str,
    id: i64,
    now: String,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, entity, entity_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user)
    .bind(key)
    .bind(entity)
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => StoreError::Db(e),
    })?;
    Ok(())
}

/// An expression that turns one row's `columns` into a JSON array (as text).
pub(crate) fn json_row_of(backend: Backend, columns: &str) -> String {
    match backend {
        Backend::Sqlite => format!("json_array({columns})"),
        Backend::Postgres => format!("CAST(json_build_array({columns}) AS TEXT)"),
    }
}
