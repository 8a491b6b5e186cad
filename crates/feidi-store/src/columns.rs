//! A stored row declared once. `row!` writes a struct, its column list and its reader from one
//! list of fields; each field is read by its type (`Column`) and written by its type
//! (`IntoVal`), so that adding a field to a record touches its declaration here, its input in
//! core, its migration, its form and its template — not a column list, a reader and a writer
//! besides.

use feidi_core::model::{Category, Role};
use feidi_core::{AreaMu, CreditCode, Lang, Money};

use crate::value::{Cols, Val};
use crate::{StoreError, StoreResult};

/// A stored row: its columns in the select list's order, and how to read it from them.
pub trait StoredRow: Sized {
    /// The columns read back, in the select list's order.
    const COLUMNS: &'static str;
    /// Reads a row from its columns, of a row or of a JSON object built in SQL.
    fn from_cols(c: &Cols<'_>) -> StoreResult<Self>;

    fn from_row(row: &sqlx::any::AnyRow) -> StoreResult<Self> {
        Self::from_cols(&Cols::Row(row))
    }
}

/// Every row fetched, read as `T`.
pub(crate) fn read_all<T: StoredRow>(rows: &[sqlx::any::AnyRow]) -> StoreResult<Vec<T>> {
    rows.iter().map(T::from_row).collect()
}

/// A field's value read from its column, by the field's type.
pub trait Column: Sized {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self>;
}

fn corrupt(col: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{col}: {value}"))
}

impl Column for i64 {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        c.int(col)
    }
}
impl Column for Option<i64> {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        c.opt_int(col)
    }
}
impl Column for String {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        c.text(col)
    }
}
impl Column for Option<String> {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        c.opt_text(col)
    }
}
impl Column for bool {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        c.boolean(col)
    }
}
/// Amounts are kept as whole fen (hundredths of a yuan): exact, and summed by the database.
impl Column for Money {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        Ok(Money::from_hundredths(c.int(col)?))
    }
}
impl Column for Option<Money> {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        Ok(c.opt_int(col)?.map(Money::from_hundredths))
    }
}
impl Column for AreaMu {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        Ok(AreaMu::from_hundredths(c.int(col)?))
    }
}
impl Column for Category {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        let text = c.text(col)?;
        Category::parse(&text).ok_or_else(|| corrupt(col, &text))
    }
}
impl Column for Role {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        let text = c.text(col)?;
        Role::parse(&text).ok_or_else(|| corrupt(col, &text))
    }
}
impl Column for feidi_core::reports::ReportStatus {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        let text = c.text(col)?;
        Self::parse(&text).ok_or_else(|| corrupt(col, &text))
    }
}
impl Column for feidi_core::schedule::MilestoneKind {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        let text = c.text(col)?;
        Self::parse(&text).ok_or_else(|| corrupt(col, &text))
    }
}
/// A list of codes kept as one comma-separated text (a webhook's event kinds).
impl Column for Vec<String> {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        Ok(c.text(col)?
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect())
    }
}
/// JSON kept as text (the audit log's before and after); text that is not JSON reads as none.
impl Column for Option<serde_json::Value> {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        Ok(c.opt_text(col)?.and_then(|t| serde_json::from_str(&t).ok()))
    }
}
/// A language no version knows reads as the default: a user's pages never fail for it.
impl Column for Lang {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        Ok(Lang::parse(&c.text(col)?).unwrap_or_default())
    }
}

/// A day, kept as `YYYY-MM-DD` text (which sorts as the days do).
impl Column for chrono::NaiveDate {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        let text = c.text(col)?;
        chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| corrupt(col, &text))
    }
}
impl Column for Option<chrono::NaiveDate> {
    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        match c.opt_text(col)? {
            None => Ok(None),
            Some(text) => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| corrupt(col, &text)),
        }
    }
}

/// A field's value as its column is written, by the field's type.
pub trait IntoVal {
    fn val(&self) -> Val;
}

impl IntoVal for i64 {
    fn val(&self) -> Val {
        (*self).into()
    }
}
impl IntoVal for Option<i64> {
    fn val(&self) -> Val {
        (*self).into()
    }
}
impl IntoVal for String {
    fn val(&self) -> Val {
        self.clone().into()
    }
}
impl IntoVal for Option<String> {
    fn val(&self) -> Val {
        self.clone().into()
    }
}
impl IntoVal for bool {
    fn val(&self) -> Val {
        (*self).into()
    }
}
impl IntoVal for Money {
    fn val(&self) -> Val {
        self.hundredths().into()
    }
}
impl IntoVal for Option<Money> {
    fn val(&self) -> Val {
        self.map(Money::hundredths).into()
    }
}
impl IntoVal for AreaMu {
    fn val(&self) -> Val {
        self.hundredths().into()
    }
}
impl IntoVal for Category {
    fn val(&self) -> Val {
        self.as_str().into()
    }
}
impl IntoVal for Role {
    fn val(&self) -> Val {
        self.as_str().into()
    }
}
impl IntoVal for Lang {
    fn val(&self) -> Val {
        self.as_str().into()
    }
}
impl IntoVal for chrono::NaiveDate {
    fn val(&self) -> Val {
        self.to_string().into()
    }
}
impl IntoVal for Option<chrono::NaiveDate> {
    fn val(&self) -> Val {
        self.map(|d| d.to_string()).into()
    }
}
impl IntoVal for CreditCode {
    fn val(&self) -> Val {
        self.as_str().into()
    }
}

/// Declares a stored row once: the struct, its `StoredRow` impl (the column list in field order and
/// the reader). A field read from a column of another name says `as "column"`.
macro_rules! row {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $(#[$fattr0:meta])* $fvis0:vis $field0:ident : $ty0:ty $(as $col0:literal)?
            $(, $(#[$fattr:meta])* $fvis:vis $field:ident : $ty:ty $(as $col:literal)?)* $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $(#[$fattr0])* $fvis0 $field0: $ty0,
            $($(#[$fattr])* $fvis $field: $ty,)*
        }

        impl $crate::columns::StoredRow for $name {
            const COLUMNS: &'static str =
                concat!(row!(@col $field0 $($col0)?) $(, ", ", row!(@col $field $($col)?))*);

            fn from_cols(c: &$crate::value::Cols<'_>) -> $crate::StoreResult<Self> {
                use $crate::columns::Column;
                Ok(Self {
                    $field0: <$ty0>::read(c, row!(@col $field0 $($col0)?))?,
                    $($field: <$ty>::read(c, row!(@col $field $($col)?))?,)*
                })
            }
        }
    };
    (@col $field:ident $col:literal) => {
        $col
    };
    (@col $field:ident) => {
        stringify!($field)
    };
}
pub(crate) use row;

/// The column values an input writes, each field by its type: `values!(self: name, code)`.
macro_rules! values {
    ($input:ident : $($field:ident),* $(,)?) => {
        vec![$((stringify!($field), $crate::columns::IntoVal::val(&$input.$field))),*]
    };
}
pub(crate) use values;

#[cfg(test)]
mod tests {
    use super::*;

    row! {
        struct Probe {
            id: i64,
            from: String as "from_date",
            total: Money,
        }
    }

    #[test]
    fn a_row_names_its_columns_in_order_and_reads_them_by_type() {
        assert_eq!(Probe::COLUMNS, "id, from_date, total");
        let names = ["id", "from_date", "total"];
        let values = [
            serde_json::json!(7),
            serde_json::json!("2026-12-01"),
            serde_json::json!(12345),
        ];
        let probe = Probe::from_cols(&Cols::Json {
            names: &names,
            values: &values,
        })
        .expect("read");
        assert_eq!((probe.id, probe.from.as_str()), (7, "2026-12-01"));
        assert_eq!(probe.total, Money::from_hundredths(12345));
        let bad = [serde_json::json!(null), values[1].clone(), values[2].clone()];
        let err = Probe::from_cols(&Cols::Json {
            names: &names,
            values: &bad,
        });
        assert!(matches!(err, Err(StoreError::Corrupt(ref what)) if what.starts_with("id")));
    }
}
