//! Values bound into queries, and reading columns back, over the types both backends share.

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

/// Typed column reads that name the column when stored data is not what was expected.
pub(crate) struct Cols<'r>(pub &'r AnyRow);

impl Cols<'_> {
    fn get<T>(&self, col: &str) -> StoreResult<T>
    where
        T: for<'a> sqlx::Decode<'a, Any> + sqlx::Type<Any>,
    {
        self.0
            .try_get::<T, _>(col)
            .map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
    }
    pub fn int(&self, col: &str) -> StoreResult<i64> {
        self.get(col)
    }
    pub fn opt_int(&self, col: &str) -> StoreResult<Option<i64>> {
        self.get(col)
    }
    pub fn text(&self, col: &str) -> StoreResult<String> {
        self.get(col)
    }
    pub fn opt_text(&self, col: &str) -> StoreResult<Option<String>> {
        self.get(col)
    }
    pub fn boolean(&self, col: &str) -> StoreResult<bool> {
        // SQLite keeps booleans as integers; PostgreSQL as booleans.
        match self.0.try_get::<bool, _>(col) {
            Ok(v) => Ok(v),
            Err(_) => self.int(col).map(|v| v != 0),
        }
    }
}
