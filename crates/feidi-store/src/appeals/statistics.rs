use chrono::{DateTime, FixedOffset, NaiveDate};
use feidi_core::time::stamp;
use serde::Serialize;

use crate::columns::{StoredRow, read_all, row};
use crate::{Backend, Store, StoreResult};

row! {
    /// The programme's appeal figures: counts now, and the rates over every appeal so far.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
    pub struct AppealFigures {
        pub total: i64,
        pub open: i64,
        pub overdue: i64,
        pub escalated: i64,
        pub acknowledged: i64,
        pub acknowledged_on_time: i64,
        pub resolved: i64,
        pub resolved_on_time: i64,
        pub rated: i64,
        pub satisfied: i64,
        pub returns: i64,
    }
}

impl Store {
    /// Open appeals past their resolve deadline at `now`, read from an index.
    pub async fn overdue_count(&self, now: DateTime<FixedOffset>) -> StoreResult<i64> {
        // SQLite, without statistics, would rather look the open statuses up in
        // `appeals_by_status` and read every open appeal's row; the partial index answers
        // from its entries alone.
        let from = match self.backend {
            Backend::Sqlite => "appeals INDEXED BY appeals_open_by_resolve_due",
            Backend::Postgres => "appeals",
        };
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM {from} \
             WHERE status IN ({open}) AND resolve_due_at <= $1",
            open = feidi_core::appeals::AppealStatus::open_sql()
        );
        Ok(sqlx::query_scalar(&sql)
            .bind(stamp(now))
            .fetch_one(&self.read)
            .await?)
    }

    /// Counts and on-time figures over all appeals. `overdue` is left at 0: it moves with
    /// the clock, not with the data, and `overdue_count` reads it.
    pub async fn appeal_figures(&self) -> StoreResult<AppealFigures> {
        // Kept with every write by triggers (migration 15), in sixteen shards.
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(total_count), 0) AS BIGINT) AS total, \
             CAST(COALESCE(SUM(open_count), 0) AS BIGINT) AS open, 0 AS overdue, \
             CAST(COALESCE(SUM(escalated_count), 0) AS BIGINT) AS escalated, \
             CAST(COALESCE(SUM(acknowledged), 0) AS BIGINT) AS acknowledged, \
             CAST(COALESCE(SUM(acknowledged_on_time), 0) AS BIGINT) AS acknowledged_on_time, \
             CAST(COALESCE(SUM(resolved), 0) AS BIGINT) AS resolved, \
             CAST(COALESCE(SUM(resolved_on_time), 0) AS BIGINT) AS resolved_on_time, \
             CAST(COALESCE(SUM(rated), 0) AS BIGINT) AS rated, \
             CAST(COALESCE(SUM(satisfied), 0) AS BIGINT) AS satisfied, \
             CAST(COALESCE(SUM(return_count), 0) AS BIGINT) AS returns FROM appeal_totals",
        )
        .fetch_one(&self.read)
        .await?;
        AppealFigures::from_row(&row)
    }
}

row! {
    /// One group's appeal figures (a category, an official, a month).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
    pub struct AppealGroup {
        pub key: String as "k",
        pub total: i64,
        pub open: i64,
        pub acknowledged: i64,
        pub acknowledged_on_time: i64,
        pub resolved: i64,
        pub resolved_on_time: i64,
        pub rated: i64,
        pub satisfied: i64,
        pub returns: i64,
    }
}

/// Appeal statistics by category, by official (the current handler; "" for the leaders) and
/// by month of submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppealStats {
    pub by_category: Vec<AppealGroup>,
    pub by_official: Vec<AppealGroup>,
    pub by_month: Vec<AppealGroup>,
}

impl Store {
    /// Appeal statistics over the appeals submitted in `from..=to` (dates; either open-ended).
    pub async fn appeal_stats(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<AppealStats> {
        let from = from.map_or("0000".to_string(), |d| d.format("%Y-%m-%d").to_string());
        // Stamps of day `to` all sort before the next day's date.
        let to = to
            .and_then(|d| d.succ_opt())
            .map_or("9999".to_string(), |d| d.format("%Y-%m-%d").to_string());
        let group = |key: &str| {
            format!(
                "SELECT {key} AS k, CAST(COUNT(*) AS BIGINT) AS total, \
                 CAST(SUM(CASE WHEN due_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS open, \
                 CAST(SUM(CASE WHEN ack_on_time IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS acknowledged, \
                 CAST(SUM(CASE WHEN ack_on_time = 1 THEN 1 ELSE 0 END) AS BIGINT) AS acknowledged_on_time, \
                 CAST(SUM(CASE WHEN resolved_on_time IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS resolved, \
                 CAST(SUM(CASE WHEN resolved_on_time = 1 THEN 1 ELSE 0 END) AS BIGINT) AS resolved_on_time, \
                 CAST(SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS rated, \
                 CAST(SUM(CASE WHEN rating IN ({satisfied}) THEN 1 ELSE 0 END) AS BIGINT) AS satisfied, \
                 CAST(SUM(returns) AS BIGINT) AS returns \
                 FROM appeals WHERE submitted_at >= $1 AND submitted_at < $2 GROUP BY {key} ORDER BY {key}",
                satisfied = feidi_core::appeals::Rating::satisfied_sql()
            )
        };
        let mut stats = AppealStats::default();
        for (key, into) in [
            ("category", &mut stats.by_category),
            ("COALESCE(CAST(handler_id AS TEXT), '')", &mut stats.by_official),
            ("SUBSTR(submitted_at, 1, 7)", &mut stats.by_month),
        ] {
            let rows = sqlx::query(&group(key))
                .bind(from.clone())
                .bind(to.clone())
                .fetch_all(&self.read)
                .await?;
            into.extend(read_all::<AppealGroup>(&rows)?);
        }
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use feidi_core::appeals::{AppealStatus, Rating};

    /// The migrations' triggers and partial index were written once with core's lists in
    /// them; a change to core's rule must come with a migration, or this fails.
    #[test]
    fn the_migrations_count_and_index_by_core_s_rules() {
        let satisfied = format!("rating IN ({})", Rating::satisfied_sql());
        let open = format!("status IN ({})", AppealStatus::open_sql());
        let totals = include_str!("../../migrations/0015_appeal_totals.sql");
        let lists = totals.matches("rating IN (").count();
        assert!(lists > 0, "0015 names no rating list");
        assert_eq!(totals.matches(&satisfied).count(), lists, "0015: {satisfied}");
        let index = include_str!("../../migrations/0017_open_appeals_by_status.sql");
        assert!(index.contains(&open), "0017: {open}");
    }
}
