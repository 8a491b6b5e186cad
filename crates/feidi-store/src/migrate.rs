//! The schema's migrations, applied in order at start-up. Each is written once, for both
//! backends (so a new table is one text, not two kept in step by hand):
//! - what the two spell differently is a word in braces, filled in by [`render`]: `{{id}}` (a
//!   row id that numbers itself), `{{int}}`, `{{bool}}` with `{{true}}` and `{{false}}` (SQLite
//!   keeps integers, which sqlx's Any driver reads back as such), `{{blob}}` and `{{now}}` (the
//!   instant as RFC 3339 text in +08:00, as the rules write it);
//! - what only one backend has (triggers: row triggers on SQLite, statement triggers with
//!   transition tables on PostgreSQL) stands after a line `-- on sqlite:` or `-- on postgres:`,
//!   until a line `-- on both:`.

use sqlx::Row;

use crate::{Backend, Store, StoreError, StoreResult};

/// A migration by its version, name and file, so that the three are written side by side once.
macro_rules! migration {
    ($version:literal, $name:literal, $file:literal) => {
        (
            $version,
            $name,
            include_str!(concat!("../migrations/", $file, ".sql")),
        )
    };
}

/// (version, name, text): one text for both backends, see [`render`].
const MIGRATIONS: &[(i64, &str, &str)] = &[
    migration!(1, "foundation", "0001_foundation"),
    migration!(2, "data_versions", "0002_data_versions"),
    migration!(3, "triggers", "0003_triggers"),
    migration!(4, "milestones", "0004_milestones"),
    migration!(5, "reports", "0005_reports"),
    migration!(6, "report_due", "0006_report_due"),
    migration!(7, "programme", "0007_programme"),
    migration!(8, "imports", "0008_imports"),
    migration!(9, "import_totals", "0009_import_totals"),
    migration!(10, "covering_month_index", "0010_covering_month_index"),
    migration!(11, "appeals", "0011_appeals"),
    migration!(12, "webhooks", "0012_webhooks"),
    migration!(
        13,
        "open_appeals_by_resolve_due",
        "0013_open_appeals_by_resolve_due"
    ),
    migration!(
        14,
        "delivery_bodies_at_first_send",
        "0014_delivery_bodies_at_first_send"
    ),
    migration!(15, "appeal_totals", "0015_appeal_totals"),
    migration!(16, "national_calendar", "0016_national_calendar"),
    migration!(17, "open_appeals_by_status", "0017_open_appeals_by_status"),
    migration!(18, "category_names_in_english", "0018_category_names_in_english"),
    migration!(19, "milestone_lateness_index", "0019_milestone_lateness_index"),
    migration!(20, "logins_ignore_case", "0020_logins_ignore_case"),
    migration!(21, "token_lifecycle", "0021_token_lifecycle"),
    migration!(22, "appeal_attachments", "0022_appeal_attachments"),
    migration!(23, "attachment_thumbnails", "0023_attachment_thumbnails"),
    migration!(24, "parcels", "0024_parcels"),
    migration!(25, "disputes", "0025_disputes"),
    migration!(26, "households", "0026_households"),
    migration!(27, "parcel_lineage", "0027_parcel_lineage"),
    migration!(28, "project_land", "0028_project_land"),
    migration!(29, "appeals_by_project", "0029_appeals_by_project"),
];

impl Store {
    /// Applies the migrations not yet applied. Several app servers starting at once are safe:
    /// on PostgreSQL an advisory lock lets one migrate while the others wait, on SQLite the
    /// write lock does.
    pub async fn migrate(&self) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(7236514)")
                .execute(&mut *tx)
                .await?;
        }
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS feidi_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let rows = sqlx::query("SELECT version FROM feidi_migrations")
            .fetch_all(&mut *tx)
            .await?;
        let applied: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        for (version, name, text) in MIGRATIONS {
            if applied.contains(version) {
                continue;
            }
            let text = render(text, self.backend);
            sqlx::raw_sql(&text)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::Migration(format!("{version:04}_{name}"), e))?;
            sqlx::query("INSERT INTO feidi_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(*version)
                .bind(*name)
                .bind(feidi_core::time::stamp(feidi_core::time::now()))
                .execute(&mut *tx)
                .await?;
            tracing::info!(version, name, "applied migration");
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The words the two backends spell differently, as (word, SQLite, PostgreSQL).
const WORDS: &[(&str, &str, &str)] = &[
    (
        "{{id}}",
        "INTEGER PRIMARY KEY",
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    ),
    ("{{int}}", "INTEGER", "BIGINT"),
    ("{{bool}}", "INTEGER", "BOOLEAN"),
    ("{{true}}", "1", "TRUE"),
    ("{{false}}", "0", "FALSE"),
    ("{{blob}}", "BLOB", "BYTEA"),
    (
        "{{now}}",
        "strftime('%Y-%m-%dT%H:%M:%f', 'now', '+8 hours') || '000+08:00'",
        "to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+08:00\"')",
    ),
];

/// Which lines of a migration a section line lets through: `Some(None)` both backends',
/// `Some(Some(b))` one backend's, `None` for a line that opens no section.
fn section(line: &str) -> Option<Option<Backend>> {
    match line.trim() {
        "-- on both:" => Some(None),
        "-- on sqlite:" => Some(Some(Backend::Sqlite)),
        "-- on postgres:" => Some(Some(Backend::Postgres)),
        _ => None,
    }
}

/// A migration's text for one backend: the lines of its sections and of the shared ones, with
/// the backend's words filled in.
fn render(text: &str, backend: Backend) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut only = None;
    for line in text.lines() {
        if let Some(opened) = section(line) {
            only = opened;
            continue;
        }
        if only.is_some_and(|b| b != backend) {
            continue;
        }
        let mut line = line.to_string();
        for (word, sqlite, postgres) in WORDS {
            let spelled = match backend {
                Backend::Sqlite => sqlite,
                Backend::Postgres => postgres,
            };
            line = line.replace(word, spelled);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{MIGRATIONS, render};
    use crate::Backend;

    const BOTH: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

    #[test]
    fn every_migration_file_is_applied_once_in_order() {
        let dir = format!("{}/migrations", env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("the migrations folder")
            .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|(version, name, _)| format!("{version:04}_{name}.sql"))
            .collect();
        assert_eq!(files, listed);
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.0).collect();
        assert_eq!(versions, (1..=MIGRATIONS.len() as i64).collect::<Vec<_>>());
    }

    /// A misspelt word or section line would reach the database as text and fail there, or
    /// worse, be read as a comment and leave a table out on one backend.
    #[test]
    fn every_word_and_section_is_known() {
        for (version, _, text) in MIGRATIONS {
            for line in text.lines() {
                if line.trim_start().starts_with("-- on ") {
                    assert!(super::section(line).is_some(), "{version}: {line}");
                }
            }
            for backend in BOTH {
                let sql = render(text, backend);
                assert!(!sql.contains("{{"), "{version} on {backend:?}");
                assert!(!sql.contains("-- on "), "{version} on {backend:?}");
            }
        }
    }

    #[test]
    fn a_section_holds_until_the_next_and_words_are_spelled_per_backend() {
        let text = "CREATE TABLE t (id {{id}}, n {{int}}, b {{bool}} DEFAULT {{true}});\n\
                    -- on sqlite:\nS;\n-- on postgres:\nP;\n-- on both:\nB;";
        assert_eq!(
            render(text, Backend::Sqlite),
            "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, b INTEGER DEFAULT 1);\nS;\nB;\n"
        );
        assert_eq!(
            render(text, Backend::Postgres),
            "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT, \
             b BOOLEAN DEFAULT TRUE);\nP;\nB;\n"
        );
    }

    /// The same tables and columns on both sides: DDL spelling may differ, names may not.
    #[test]
    fn both_backends_declare_the_same_columns() {
        // The first word of each line inside CREATE TABLE: the column names, in order.
        fn columns(text: &str) -> Vec<String> {
            let mut out = Vec::new();
            let mut in_table = false;
            for line in text.lines().map(str::trim) {
                if line.starts_with("CREATE TABLE") {
                    in_table = true;
                    out.push(line.to_string());
                } else if line.starts_with(");") {
                    in_table = false;
                } else if in_table
                    && let Some(word) = line.split_whitespace().next()
                    && word.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                {
                    out.push(word.to_string());
                }
            }
            out
        }
        for (_, _, text) in MIGRATIONS {
            assert_eq!(
                columns(&render(text, Backend::Sqlite)),
                columns(&render(text, Backend::Postgres))
            );
        }
    }
}
