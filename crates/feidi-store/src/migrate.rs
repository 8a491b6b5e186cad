//! The schema's migrations, one set per backend, applied in order at start-up.

use sqlx::Row;

use crate::{Backend, Store, StoreError, StoreResult};

/// (version, name, SQLite text, PostgreSQL text). Both sets carry the same versions.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "data_versions",
        include_str!("../migrations/sqlite/0002_data_versions.sql"),
        include_str!("../migrations/postgres/0002_data_versions.sql"),
    ),
    (
        3,
        "triggers",
        include_str!("../migrations/sqlite/0003_triggers.sql"),
        include_str!("../migrations/postgres/0003_triggers.sql"),
    ),
    (
        4,
        "milestones",
        include_str!("../migrations/sqlite/0004_milestones.sql"),
        include_str!("../migrations/postgres/0004_milestones.sql"),
    ),
    (
        5,
        "reports",
        include_str!("../migrations/sqlite/0005_reports.sql"),
        include_str!("../migrations/postgres/0005_reports.sql"),
    ),
    (
        6,
        "report_due",
        include_str!("../migrations/sqlite/0006_report_due.sql"),
        include_str!("../migrations/postgres/0006_report_due.sql"),
    ),
    (
        7,
        "programme",
        include_str!("../migrations/sqlite/0007_programme.sql"),
        include_str!("../migrations/postgres/0007_programme.sql"),
    ),
    (
        8,
        "imports",
        include_str!("../migrations/sqlite/0008_imports.sql"),
        include_str!("../migrations/postgres/0008_imports.sql"),
    ),
    (
        9,
        "import_totals",
        include_str!("../migrations/sqlite/0009_import_totals.sql"),
        include_str!("../migrations/postgres/0009_import_totals.sql"),
    ),
    (
        10,
        "covering_month_index",
        include_str!("../migrations/sqlite/0010_covering_month_index.sql"),
        include_str!("../migrations/postgres/0010_covering_month_index.sql"),
    ),
    (
        11,
        "appeals",
        include_str!("../migrations/sqlite/0011_appeals.sql"),
        include_str!("../migrations/postgres/0011_appeals.sql"),
    ),
    (
        12,
        "webhooks",
        include_str!("../migrations/sqlite/0012_webhooks.sql"),
        include_str!("../migrations/postgres/0012_webhooks.sql"),
    ),
    (
        13,
        "open_appeals_by_resolve_due",
        include_str!("../migrations/sqlite/0013_open_appeals_by_resolve_due.sql"),
        include_str!("../migrations/postgres/0013_open_appeals_by_resolve_due.sql"),
    ),
    (
        14,
        "delivery_bodies_at_first_send",
        include_str!("../migrations/sqlite/0014_delivery_bodies_at_first_send.sql"),
        include_str!("../migrations/postgres/0014_delivery_bodies_at_first_send.sql"),
    ),
    (
        15,
        "appeal_totals",
        include_str!("../migrations/sqlite/0015_appeal_totals.sql"),
        include_str!("../migrations/postgres/0015_appeal_totals.sql"),
    ),
    (
        16,
        "national_calendar",
        include_str!("../migrations/sqlite/0016_national_calendar.sql"),
        include_str!("../migrations/postgres/0016_national_calendar.sql"),
    ),
    (
        17,
        "open_appeals_by_status",
        include_str!("../migrations/sqlite/0017_open_appeals_by_status.sql"),
        include_str!("../migrations/postgres/0017_open_appeals_by_status.sql"),
    ),
    (
        18,
        "category_names_in_english",
        include_str!("../migrations/sqlite/0018_category_names_in_english.sql"),
        include_str!("../migrations/postgres/0018_category_names_in_english.sql"),
    ),
    (
        19,
        "milestone_lateness_index",
        include_str!("../migrations/sqlite/0019_milestone_lateness_index.sql"),
        include_str!("../migrations/postgres/0019_milestone_lateness_index.sql"),
    ),
    (
        20,
        "logins_ignore_case",
        include_str!("../migrations/sqlite/0020_logins_ignore_case.sql"),
        include_str!("../migrations/postgres/0020_logins_ignore_case.sql"),
    ),
    (
        21,
        "token_lifecycle",
        include_str!("../migrations/sqlite/0021_token_lifecycle.sql"),
        include_str!("../migrations/postgres/0021_token_lifecycle.sql"),
    ),
    (
        22,
        "appeal_attachments",
        include_str!("../migrations/sqlite/0022_appeal_attachments.sql"),
        include_str!("../migrations/postgres/0022_appeal_attachments.sql"),
    ),
    (
        23,
        "attachment_thumbnails",
        include_str!("../migrations/sqlite/0023_attachment_thumbnails.sql"),
        include_str!("../migrations/postgres/0023_attachment_thumbnails.sql"),
    ),
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
        for (version, name, sqlite, postgres) in MIGRATIONS {
            if applied.contains(version) {
                continue;
            }
            let text = match self.backend {
                Backend::Sqlite => *sqlite,
                Backend::Postgres => *postgres,
            };
            sqlx::raw_sql(text)
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    fn names(dir: &str) -> BTreeSet<String> {
        let path = format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn both_backends_have_the_same_migrations_and_all_are_applied() {
        let sqlite = names("sqlite");
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, names("postgres"));
        assert_eq!(sqlite.len(), super::MIGRATIONS.len());
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
        for (_, _, sqlite, postgres) in super::MIGRATIONS {
            assert_eq!(columns(sqlite), columns(postgres));
        }
    }
}
