use feidi_core::policy::Scope;
use feidi_core::time::stamp;

use super::{APPEAL_COLUMNS, Appeal, AppealEvent, AppealFilter, Named};
use crate::columns::read_all;
use crate::registry::Page;
use crate::value::{Cols, Val, bind_all};
use crate::{Store, StoreError, StoreResult};

impl Store {
    /// The names of some enterprises or users, by id: for a page of appeals.
    pub async fn names_of(
        &self,
        table: Named,
        ids: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let table = match table {
            Named::Enterprises => "enterprises",
            Named::Users => "users",
            Named::Projects => "projects",
        };
        let sql = format!(
            "SELECT id, name FROM {table} WHERE id IN ({})",
            crate::value::id_set(self.backend, "$1")
        );
        let rows: Vec<(i64, String)> = sqlx::query_as(&sql)
            .bind(crate::value::ids_json(ids))
            .fetch_all(&self.read)
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// One appeal, if the caller may see it.
    pub async fn appeal(&self, id: i64, scope: Scope) -> StoreResult<Appeal> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM appeals WHERE id = $1",
            self.json_row(APPEAL_COLUMNS)
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        let appeal = row
            .as_ref()
            .map(Appeal::from_json_row)
            .transpose()?
            .ok_or(StoreError::NotFound)?;
        match scope {
            Scope::Enterprise(e) if e != appeal.enterprise_id => Err(StoreError::NotFound),
            _ => Ok(appeal),
        }
    }

    /// An appeal's timeline, oldest first.
    pub async fn appeal_events(&self, id: i64, scope: Scope) -> StoreResult<Vec<AppealEvent>> {
        self.appeal(id, scope).await?;
        let rows = sqlx::query(
            "SELECT id, appeal_id, at, kind, actor_id, handler_id, reason, detail FROM appeal_events \
             WHERE appeal_id = $1 ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        read_all(&rows)
    }

    /// A page of appeals, newest first (an inbox: by deadline, see `inbox`).
    /// `overdue` is judged at `now`.
    pub async fn appeals(
        &self,
        filter: &AppealFilter,
        scope: Scope,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> StoreResult<Page<Appeal>> {
        let mut clauses = Vec::new();
        let mut binds = Vec::new();
        let bind = |clause: &str, value: Val, binds: &mut Vec<Val>| {
            binds.push(value);
            clause.replace('?', &format!("${}", binds.len()))
        };
        if let Scope::Enterprise(e) = scope {
            clauses.push(bind("enterprise_id = ?", e.into(), &mut binds));
        }
        if let Some(e) = filter.enterprise_id {
            clauses.push(bind("enterprise_id = ?", e.into(), &mut binds));
        }
        if let Some(s) = filter.status {
            clauses.push(bind("status = ?", s.as_str().into(), &mut binds));
        }
        if let Some(h) = filter.handler_id {
            clauses.push(bind("handler_id = ?", h.into(), &mut binds));
        }
        if filter.overdue {
            let now = stamp(now);
            let overdue = format!(
                "status IN ({}) AND resolve_due_at <= ?",
                feidi_core::appeals::AppealStatus::open_sql()
            );
            clauses.push(bind(&overdue, now.into(), &mut binds));
        }
        if let Some(category) = &filter.category {
            clauses.push(bind("category = ?", category.clone().into(), &mut binds));
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            // LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            let pattern = crate::registry::like_pattern(q);
            clauses.push(bind(
                "LOWER(title) LIKE LOWER(?) ESCAPE '\\'",
                pattern.into(),
                &mut binds,
            ));
        }
        if filter.escalated {
            // The supervision list: escalated and still open.
            clauses.push("escalated_at IS NOT NULL AND due_at IS NOT NULL".to_string());
        }
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let order = if filter.escalated || filter.overdue {
            "due_at, id"
        } else {
            "id DESC"
        };
        self.appeal_page(&filter_sql, order, binds, filter.page, filter.per_page)
            .await
    }

    /// The appeals an official handles, open, by deadline (50 to a page); a leader's inbox
    /// also holds the appeals the leaders hold (escalated with no task force).
    pub async fn inbox(
        &self,
        user_id: i64,
        leader: bool,
        page: i64,
        per_page: i64,
    ) -> StoreResult<Page<Appeal>> {
        let filter = if leader {
            " WHERE due_at IS NOT NULL AND (handler_id = $1 OR handler_id IS NULL)"
        } else {
            " WHERE due_at IS NOT NULL AND handler_id = $1"
        };
        self.appeal_page(filter, "due_at, id", vec![user_id.into()], page, per_page)
            .await
    }

    async fn appeal_page(
        &self,
        filter: &str,
        order: &str,
        binds: Vec<Val>,
        page: i64,
        per_page: i64,
    ) -> StoreResult<Page<Appeal>> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 500);
        // One statement: the count, and the page as one JSON array built by the database
        // (decoding one text value is far cheaper through sqlx's `Any` driver than 34 per row).
        let items = self.json_rows(APPEAL_COLUMNS, order);
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM appeals{filter}) AS total, \
             (SELECT {items} FROM (SELECT {APPEAL_COLUMNS} FROM appeals{filter} ORDER BY {order} \
             LIMIT {per_page} OFFSET {}) AS page) AS items",
            (page - 1) * per_page
        );
        let row = bind_all(sqlx::query(&sql), &binds).fetch_one(&self.read).await?;
        let c = Cols::Row(&row);
        let total = c.int("total")?;
        let items = c.opt_text("items")?.unwrap_or_else(|| "[]".into());
        let items: Vec<Vec<serde_json::Value>> =
            serde_json::from_str(&items).map_err(|e| StoreError::Corrupt(format!("appeals page: {e}")))?;
        let items = items
            .iter()
            .map(|values| Appeal::from_json_values(values))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::of(items, total, page, per_page))
    }
}
