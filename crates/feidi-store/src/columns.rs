//! A stored row declared once. `row!` writes a struct, its column list and its reader from one
//! list of fields; each field is read by its type (`Column`) and written by its type
//! (`IntoVal`), so that adding a field to a record touches its declaration here, its input in
//! core, its migration, its form and its template — not a column list, a reader and a writer
//! besides.

use feidi_core::model::{Category, Role};
use feidi_core::time::Stamp;
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

/// A field's value read from its column, by the field's type. A type says how it reads a
/// column that may be null; `Option<T>` is then any such type, and a null where a value must be
/// is corrupt data that names the column.
pub trait Column: Sized {
    /// The value, or none when the column is null.
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>>;

    fn read(c: &Cols<'_>, col: &str) -> StoreResult<Self> {
        Self::read_nullable(c, col)?.ok_or_else(|| corrupt(col, "null"))
    }
}

fn corrupt(col: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{col}: {value}"))
}

impl<T: Column> Column for Option<T> {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        T::read_nullable(c, col).map(Some)
    }
}
impl Column for i64 {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        c.opt_int(col)
    }
}
impl Column for String {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        c.opt_text(col)
    }
}
impl Column for bool {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        c.boolean(col).map(Some)
    }
}
/// Amounts are kept as whole fen (hundredths of a yuan): exact, and summed by the database.
impl Column for Money {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        Ok(c.opt_int(col)?.map(Money::from_hundredths))
    }
}
impl Column for AreaMu {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        Ok(c.opt_int(col)?.map(AreaMu::from_hundredths))
    }
}

/// Codes kept as text: a code this version does not know is corrupt data.
macro_rules! coded {
    ($($ty:ty),* $(,)?) => {$(
        impl Column for $ty {
            fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
                c.opt_text(col)?
                    .map(|text| <$ty>::parse(&text).ok_or_else(|| corrupt(col, &text)))
                    .transpose()
            }
        }
    )*};
}
coded!(
    Category,
    Role,
    feidi_core::reports::ReportStatus,
    feidi_core::schedule::MilestoneKind,
    feidi_core::land::ParcelStatus,
    feidi_core::land::DisputeCategory,
    feidi_core::land::DisputeStatus,
);

/// A list of codes kept as one comma-separated text (a webhook's event kinds).
impl Column for Vec<String> {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        Ok(c.opt_text(col)?.map(|text| {
            text.split(',')
                .filter(|e| !e.is_empty())
                .map(str::to_string)
                .collect()
        }))
    }
}
/// JSON kept as text (the audit log's before and after); text that is not JSON reads as none.
impl Column for serde_json::Value {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        Ok(c.opt_text(col)?.and_then(|t| serde_json::from_str(&t).ok()))
    }
}
/// A language no version knows reads as the default: a user's pages never fail for it.
impl Column for Lang {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        Ok(c.opt_text(col)?.map(|t| Lang::parse(&t).unwrap_or_default()))
    }
}
/// A day, kept as `YYYY-MM-DD` text (which sorts as the days do).
impl Column for chrono::NaiveDate {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        c.opt_text(col)?
            .map(|text| chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| corrupt(col, &text)))
            .transpose()
    }
}
/// An instant, kept as RFC 3339 text. Text that is no instant is kept and shown as it is, and
/// logged: one bad stamp must not take a page down (rules that need the time skip it).
impl Column for Stamp {
    fn read_nullable(c: &Cols<'_>, col: &str) -> StoreResult<Option<Self>> {
        Ok(c.opt_text(col)?.map(|text| {
            let stamp = Stamp::stored(text);
            if !stamp.is_instant() {
                tracing::warn!(
                    column = col,
                    value = stamp.as_str(),
                    "a stored instant does not read"
                );
            }
            stamp
        }))
    }
}

/// A field's value as its column is written, by the field's type. `NULL` is the value of the
/// same column type that an absent `Option` writes (PostgreSQL wants a typed null).
pub trait IntoVal {
    const NULL: Val;
    fn val(&self) -> Val;
}

impl<T: IntoVal> IntoVal for Option<T> {
    const NULL: Val = T::NULL;
    fn val(&self) -> Val {
        self.as_ref().map_or(T::NULL, IntoVal::val)
    }
}
impl IntoVal for i64 {
    const NULL: Val = Val::Int(None);
    fn val(&self) -> Val {
        (*self).into()
    }
}
impl IntoVal for bool {
    const NULL: Val = Val::Int(None);
    fn val(&self) -> Val {
        (*self).into()
    }
}
impl IntoVal for Money {
    const NULL: Val = Val::Int(None);
    fn val(&self) -> Val {
        self.hundredths().into()
    }
}
impl IntoVal for AreaMu {
    const NULL: Val = Val::Int(None);
    fn val(&self) -> Val {
        self.hundredths().into()
    }
}

/// Types written as text: their own words (`as_str`), or their standard form (`to_string`).
macro_rules! text_val {
    ($($ty:ty => $text:expr),* $(,)?) => {$(
        impl IntoVal for $ty {
            const NULL: Val = Val::Text(None);
            fn val(&self) -> Val {
                let text: fn(&$ty) -> String = $text;
                Val::Text(Some(text(self)))
            }
        }
    )*};
}
text_val!(
    String => |s| s.clone(),
    Category => |c| c.as_str().to_string(),
    Role => |r| r.as_str().to_string(),
    Lang => |l| l.as_str().to_string(),
    CreditCode => |c| c.as_str().to_string(),
    Stamp => |s| s.as_str().to_string(),
    chrono::NaiveDate => |d| d.to_string(),
    feidi_core::land::ParcelStatus => |s| s.as_str().to_string(),
    feidi_core::land::DisputeCategory => |c| c.as_str().to_string(),
    feidi_core::land::DisputeStatus => |s| s.as_str().to_string(),
);

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
