//! Values bound into queries, and reading columns back, over the types both backends share.

use serde_json::Value;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

use crate::{StoreError, StoreResult};

/// A value for a column: 64-bit integers, text and booleans are all feidi stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(bool),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Self::Text(Some(v))
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_string()))
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Self::Text(v)
    }
}
impl From<feidi_core::time::Stamp> for Val {
    fn from(v: feidi_core::time::Stamp) -> Self {
        Self::Text(Some(v.as_str().to_string()))
    }
}
impl From<Option<feidi_core::time::Stamp>> for Val {
    fn from(v: Option<feidi_core::time::Stamp>) -> Self {
        Self::Text(v.map(|s| s.as_str().to_string()))
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Binds `values` in order.
pub(crate) fn bind_all<'q>(mut query: AnyQuery<'q>, values: &[Val]) -> AnyQuery<'q> {
    for value in values {
        query = match value {
            Val::Int(v) => query.bind(*v),
            Val::Text(v) => query.bind(v.clone()),
            Val::Bool(v) => query.bind(*v),
        };
    }
    query
}

/// Statements written together, in order. On SQLite they go as one query: one trip to the
/// connection's worker thread, which runs them in turn, each binding its anonymous `?`s from
/// the list after the previous one's; one at a time, each would be a trip there and back, all
/// while the write lock is held (a submitted appeal's timeline, deliveries and audit entry
/// were three). PostgreSQL prepares one statement at a time: there they run one by one.
#[derive(Default)]
pub(crate) struct Batch {
    parts: Vec<(String, Vec<Val>)>,
}

impl Batch {
    /// Adds a statement: on SQLite its parameters must be anonymous (`?`), since a numbered
    /// one (`$1`) counts from the batch's first parameter.
    pub(crate) fn push(&mut self, statement: (String, Vec<Val>)) {
        self.parts.push(statement);
    }

    pub(crate) fn extend(&mut self, statements: impl IntoIterator<Item = (String, Vec<Val>)>) {
        self.parts.extend(statements);
    }

    /// Runs the statements; the first that fails stops the rest and answers its error.
    pub(crate) async fn run(
        self,
        conn: &mut sqlx::AnyConnection,
        backend: crate::Backend,
    ) -> StoreResult<()> {
        if backend == crate::Backend::Sqlite && self.parts.len() > 1 {
            debug_assert!(
                self.parts.iter().all(|(sql, _)| !numbered_parameter(sql)),
                "a numbered parameter in a batch"
            );
            let sql = self
                .parts
                .iter()
                .map(|(sql, _)| sql.as_str())
                .collect::<Vec<_>>()
                .join(";\n");
            let binds: Vec<Val> = self.parts.into_iter().flat_map(|(_, binds)| binds).collect();
            bind_all(sqlx::query(&sql), &binds)
                .execute(&mut *conn)
                .await
                .map_err(|e| StoreError::from_write(e, &[]))?;
        } else {
            for (sql, binds) in &self.parts {
                bind_all(sqlx::query(sql), binds)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| StoreError::from_write(e, &[]))?;
            }
        }
        Ok(())
    }
}

/// Whether `sql` has a parameter like `$1` (outside quotes is not checked: feidi's statements
/// quote no dollar sign).
fn numbered_parameter(sql: &str) -> bool {
    sql.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'$' && w[1].is_ascii_digit())
}

/// How many rows each of the multi-row statements writing `len` rows takes: `max` at a time,
/// then the rest in powers of two. Their text then takes only a few shapes, each prepared once
/// and kept in the connection's statement cache; a statement of every length would be parsed
/// anew each time (a quarter of the sweep's time) and push the cached ones out.
pub(crate) fn statement_sizes(len: usize, max: usize) -> Vec<usize> {
    let mut sizes = vec![max; len / max];
    let mut rest = len % max;
    while rest > 0 {
        let size = 1 << rest.ilog2();
        sizes.push(size);
        rest -= size;
    }
    sizes
}

/// Splits `items` into pieces of the `statement_sizes`.
pub(crate) fn statement_chunks<T>(items: &[T], max: usize) -> Vec<&[T]> {
    let mut rest = items;
    statement_sizes(items.len(), max)
        .into_iter()
        .map(|n| {
            let (head, tail) = rest.split_at(n);
            rest = tail;
            head
        })
        .collect()
}

/// One row of a multi-row `VALUES` list: a parameter for each of `types`, cast to it (so that
/// PostgreSQL knows each column's type and SQLite stores what it would store in the column),
/// numbered after the `bound` parameters already in the statement.
pub(crate) fn values_row(backend: crate::Backend, types: &[&str], bound: usize) -> String {
    let slots: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, ty)| match backend {
            crate::Backend::Sqlite => format!("CAST(? AS {ty})"),
            crate::Backend::Postgres => format!("CAST(${} AS {ty})", bound + i + 1),
        })
        .collect();
    format!("({})", slots.join(", "))
}

/// A set of ids bound as one parameter `slot` (a JSON array, see `ids_json`), for
/// `id IN (...)`: the statement's text stays the same whatever the ids.
pub(crate) fn id_set(backend: crate::Backend, slot: &str) -> String {
    match backend {
        crate::Backend::Sqlite => format!("SELECT value FROM json_each({slot})"),
        crate::Backend::Postgres => {
            format!("SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST({slot} AS JSON))")
        }
    }
}

/// Ids as the JSON array `id_set` reads.
pub(crate) fn ids_json(ids: &[i64]) -> String {
    format!(
        "[{}]",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    )
}

/// Typed column reads that name the column when stored data is not what was expected: from a
/// row, or from a JSON array that SQL built from a row (lists come back as one JSON array,
/// because sqlx's `Any` driver spends far more converting rows than the database reading them).
pub enum Cols<'r> {
    Row(&'r AnyRow),
    /// One row as a JSON array, with the names of its columns in order.
    Json {
        names: &'r [&'r str],
        values: &'r [Value],
    },
}

fn corrupt(col: &str, what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{col}: {what}"))
}

impl Cols<'_> {
    fn get<T>(row: &AnyRow, col: &str) -> StoreResult<T>
    where
        T: for<'a> sqlx::Decode<'a, Any> + sqlx::Type<Any>,
    {
        row.try_get::<T, _>(col).map_err(|e| corrupt(col, e))
    }

    fn json<'v>(names: &[&str], values: &'v [Value], col: &str) -> &'v Value {
        names
            .iter()
            .position(|n| *n == col)
            .and_then(|i| values.get(i))
            .unwrap_or(&Value::Null)
    }

    pub fn opt_int(&self, col: &str) -> StoreResult<Option<i64>> {
        match self {
            Self::Row(row) => Self::get(row, col),
            Self::Json { names, values } => match Self::json(names, values, col) {
                Value::Null => Ok(None),
                Value::Number(n) => n.as_i64().map(Some).ok_or_else(|| corrupt(col, n)),
                other => Err(corrupt(col, other)),
            },
        }
    }
    pub fn int(&self, col: &str) -> StoreResult<i64> {
        self.opt_int(col)?.ok_or_else(|| corrupt(col, "null"))
    }
    pub fn opt_text(&self, col: &str) -> StoreResult<Option<String>> {
        match self {
            Self::Row(row) => Self::get(row, col),
            Self::Json { names, values } => match Self::json(names, values, col) {
                Value::Null => Ok(None),
                Value::String(s) => Ok(Some(s.clone())),
                other => Err(corrupt(col, other)),
            },
        }
    }
    pub fn text(&self, col: &str) -> StoreResult<String> {
        self.opt_text(col)?.ok_or_else(|| corrupt(col, "null"))
    }
    pub fn boolean(&self, col: &str) -> StoreResult<bool> {
        // SQLite keeps booleans as integers; PostgreSQL as booleans.
        match self {
            Self::Row(row) => match row.try_get::<bool, _>(col) {
                Ok(v) => Ok(v),
                Err(_) => self.int(col).map(|v| v != 0),
            },
            Self::Json { names, values } => match Self::json(names, values, col) {
                Value::Bool(b) => Ok(*b),
                Value::Number(n) => Ok(n.as_i64().unwrap_or_default() != 0),
                other => Err(corrupt(col, other)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_take_few_sizes() {
        assert_eq!(statement_sizes(0, 50), Vec::<usize>::new());
        assert_eq!(statement_sizes(50, 50), vec![50]);
        assert_eq!(statement_sizes(123, 50), vec![50, 50, 16, 4, 2, 1]);
        let items: Vec<i32> = (0..23).collect();
        let chunks = statement_chunks(&items, 8);
        assert_eq!(
            chunks.iter().map(|c| c.len()).collect::<Vec<_>>(),
            vec![8, 8, 4, 2, 1]
        );
        assert_eq!(chunks.concat(), items);
        assert_eq!(ids_json(&[3, 1, 2]), "[3,1,2]");
    }

    /// The statements of a batch each take their own parameters, in order (on SQLite they go
    /// in one query, whose anonymous parameters the driver hands out statement by statement),
    /// and the first that fails stops the rest and answers its error.
    async fn a_batch_binds_each_statement_its_own_parameters(backend: crate::Backend) {
        let (_db, store) = crate::testing::TestDb::store(backend).await;
        let mut conn = store.write.connection_for_test().await;
        let into = "audit_log (at, action, entity, entity_id, note)";
        let row = |id: i64, action: Option<&str>, note: &str| {
            vec![
                Val::from("2026-12-01T10:00:00.000000+08:00"),
                Val::from(action.map(str::to_string)),
                Val::from("batch test"),
                Val::from(id),
                Val::from(note),
            ]
        };
        let mut batch = Batch::default();
        batch.push(crate::imports::insert_statement(
            backend,
            into,
            vec![row(1, Some("a"), "one"), row(2, Some("b"), "two")],
            "",
        ));
        batch.push(crate::imports::insert_statement(
            backend,
            into,
            vec![row(3, Some("c"), "three")],
            "",
        ));
        batch.run(&mut conn, backend).await.expect("the batch runs");
        let mut failing = Batch::default();
        failing.push(crate::imports::insert_statement(
            backend,
            into,
            vec![row(4, Some("d"), "four")],
            "",
        ));
        // `action` is NOT NULL.
        failing.push(crate::imports::insert_statement(
            backend,
            into,
            vec![row(5, None, "five")],
            "",
        ));
        failing.push(crate::imports::insert_statement(
            backend,
            into,
            vec![row(6, Some("f"), "six")],
            "",
        ));
        assert!(failing.run(&mut conn, backend).await.is_err());
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT entity_id, action, note FROM audit_log WHERE entity = 'batch test' ORDER BY entity_id",
        )
        .fetch_all(&mut *conn)
        .await
        .expect("read back");
        let expected = [
            (1, "a", "one"),
            (2, "b", "two"),
            (3, "c", "three"),
            (4, "d", "four"),
        ];
        assert_eq!(
            rows,
            expected
                .iter()
                .map(|(id, action, note)| (*id, action.to_string(), note.to_string()))
                .collect::<Vec<_>>()
        );
    }
    crate::both_backends!(
        batch_parameters,
        super::a_batch_binds_each_statement_its_own_parameters
    );
}
