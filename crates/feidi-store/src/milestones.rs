//! Milestones of projects (M2) and the admin settings that judge them.

use chrono::NaiveDate;
use feidi_core::schedule::{LightRule, MilestoneInput, MilestoneKind};
use feidi_core::time::Stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::{AuditWrite, write_audit};
use crate::columns::{StoredRow, row};
use crate::sqlite::writer::TxFuture;
use crate::value::Cols;
use crate::{Backend, Store, StoreError, StoreResult};

row! {
    /// One stored milestone.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Milestone {
        pub project_id: i64,
        pub kind: MilestoneKind,
        pub planned_date: NaiveDate,
        pub actual_date: Option<NaiveDate>,
        pub version: i64,
        pub updated_at: Stamp,
    }
}

const COLUMNS: &str = <Milestone as StoredRow>::COLUMNS;

const LIGHT_RULE_KEY: &str = "light_rule.yellow_days";
const REPORT_RED_KEY: &str = "light_rule.report_red_months";
const REPORT_DUE_KEY: &str = "reports.due_day";
const REPORT_DUE_DEFAULT: i64 = 5;
const REFERENCE_DAY_KEY: &str = "programme.reference_day";

impl Store {
    /// A project's milestones, in the order they happen.
    pub async fn milestones(&self, project_id: i64) -> StoreResult<Vec<Milestone>> {
        self.milestones_of(&[project_id]).await
    }

    /// The milestones of several projects at once (the cockpit's red list), by project.
    pub async fn milestones_of(&self, project_ids: &[i64]) -> StoreResult<Vec<Milestone>> {
        if project_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = crate::value::id_set(self.backend, "$1");
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM milestones WHERE project_id IN ({ids}) ORDER BY project_id"
        ))
        .bind(crate::value::ids_json(project_ids))
        .fetch_all(&self.read)
        .await?;
        let mut list = rows
            .iter()
            .map(Milestone::from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        list.sort_by_key(|m| (m.project_id, m.kind));
        Ok(list)
    }

    /// Sets a milestone's dates, creating it if the project has none of this kind yet. With
    /// `version`, only if it is still the stored one.
    pub async fn put_milestone(
        &self,
        actor: Option<i64>,
        project_id: i64,
        kind: MilestoneKind,
        input: &MilestoneInput,
        version: Option<i64>,
    ) -> StoreResult<Milestone> {
        let input = input.clone();
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Milestone> {
            Box::pin(async move {
                let lock = if backend == Backend::Postgres { " FOR UPDATE" } else { "" };
                let row = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM milestones WHERE project_id = $1 AND kind = $2{lock}"
                ))
                .bind(project_id)
                .bind(kind.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let before = row.as_ref().map(Milestone::from_row).transpose()?;
                if let (Some(v), Some(b)) = (version, &before)
                    && v != b.version
                {
                    return Err(StoreError::Conflict);
                }
                let now = feidi_core::time::stamp(feidi_core::time::now());
                let planned = input.planned_date.format("%Y-%m-%d").to_string();
                let actual = input.actual_date.map(|d| d.format("%Y-%m-%d").to_string());
                let sql = if before.is_some() {
                    format!(
                        "UPDATE milestones SET planned_date = $1, actual_date = $2, version = version + 1, \
                         updated_at = $3 WHERE project_id = $4 AND kind = $5 RETURNING {COLUMNS}"
                    )
                } else {
                    format!(
                        "INSERT INTO milestones (planned_date, actual_date, created_at, updated_at, project_id, kind) \
                         VALUES ($1, $2, $3, $3, $4, $5) RETURNING {COLUMNS}"
                    )
                };
                let row = sqlx::query(&sql)
                    .bind(planned)
                    .bind(actual)
                    .bind(now)
                    .bind(project_id)
                    .bind(kind.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_write(e, &[]))?;
                let after = Milestone::from_row(&row)?;
                let action = if before.is_some() { "update" } else { "create" };
                let audit = AuditWrite::change(actor, action, "milestone", project_id, before.as_ref(), Some(&after));
                write_audit(&mut *tx, audit).await?;
                Ok(after)
            })
        })
        .await
    }

    /// A whole-number setting, or its default until an admin sets it.
    pub(crate) async fn setting_int(&self, key: &'static str, default: i64) -> StoreResult<i64> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.read)
            .await?;
        match row {
            None => Ok(default),
            Some(row) => {
                let text = Cols::Row(&row).text("value")?;
                text.parse()
                    .map_err(|_| StoreError::Corrupt(format!("{key}: {text}")))
            }
        }
    }

    /// Sets a whole-number setting, with an audit entry holding the value before and after.
    pub(crate) async fn set_setting_int(
        &self,
        actor: Option<i64>,
        key: &'static str,
        default: i64,
        value: i64,
    ) -> StoreResult<i64> {
        self.set_settings_int(actor, vec![(key, default, value)]).await?;
        Ok(value)
    }

    /// Sets whole-number settings (key, default, value) in one transaction, so that a form of
    /// several is saved whole or not at all; each change with its audit entry.
    pub(crate) async fn set_settings_int(
        &self,
        actor: Option<i64>,
        settings: Vec<(&'static str, i64, i64)>,
    ) -> StoreResult<()> {
        let mut changes = Vec::with_capacity(settings.len());
        for (key, default, value) in settings {
            changes.push((key, self.setting_int(key, default).await?, value));
        }
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let now = feidi_core::time::stamp(feidi_core::time::now());
                for (key, before, value) in changes {
                    sqlx::query(
                        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3, version = settings.version + 1",
                    )
                    .bind(key)
                    .bind(value.to_string())
                    .bind(now.clone())
                    .execute(&mut *tx)
                    .await?;
                    let audit = AuditWrite {
                        actor,
                        action: "update",
                        entity: "setting",
                        entity_id: None,
                        before: Some(serde_json::json!({ key: before })),
                        after: Some(serde_json::json!({ key: value })),
                        note: Some(key.into()),
                    };
                    write_audit(&mut *tx, audit).await?;
                }
                Ok(())
            })
        })
        .await
    }

    /// The day the programme's figures are read as of by default, when its data stop before
    /// today (the demo's reference programme: 2023-07-07); none means today.
    pub async fn reference_day(&self) -> StoreResult<Option<NaiveDate>> {
        // Kept as the number YYYYMMDD (20230707), which the audit log shows as it is.
        let n = self.setting_int(REFERENCE_DAY_KEY, 0).await?;
        let (y, m, d) = (n / 10_000, (n / 100) % 100, n % 100);
        let day = || {
            NaiveDate::from_ymd_opt(
                i32::try_from(y).ok()?,
                u32::try_from(m).ok()?,
                u32::try_from(d).ok()?,
            )
        };
        Ok(if n > 0 { day() } else { None })
    }

    /// Sets (or, with none, clears) the reference day.
    pub async fn set_reference_day(
        &self,
        actor: Option<i64>,
        day: Option<NaiveDate>,
    ) -> StoreResult<Option<NaiveDate>> {
        use chrono::Datelike;
        let n = day.map_or(0, |d| {
            i64::from(d.year()) * 10_000 + i64::from(d.month() * 100 + d.day())
        });
        self.set_setting_int(actor, REFERENCE_DAY_KEY, 0, n).await?;
        Ok(day)
    }

    /// The light rule in force (the documented default until an admin changes it).
    pub async fn light_rule(&self) -> StoreResult<LightRule> {
        let default = LightRule::default();
        Ok(LightRule {
            yellow_days: self.setting_int(LIGHT_RULE_KEY, default.yellow_days).await?,
            report_red_months: self
                .setting_int(REPORT_RED_KEY, default.report_red_months)
                .await?,
        })
    }

    /// Sets the light rule (admins): each threshold that changed, with its audit entry.
    pub async fn set_light_rule(&self, actor: Option<i64>, rule: LightRule) -> StoreResult<LightRule> {
        let due_day = self.report_due_day().await?;
        self.set_programme_rules(actor, rule, due_day).await?;
        self.light_rule().await
    }

    /// Sets the light rule and the reports' due day at once (the settings page): all of them
    /// or none; only what changed is written and audited.
    pub async fn set_programme_rules(
        &self,
        actor: Option<i64>,
        rule: LightRule,
        due_day: i64,
    ) -> StoreResult<()> {
        let (default, before) = (LightRule::default(), self.light_rule().await?);
        let before_day = self.report_due_day().await?;
        let mut changes = Vec::new();
        if rule.yellow_days != before.yellow_days {
            changes.push((LIGHT_RULE_KEY, default.yellow_days, rule.yellow_days));
        }
        if rule.report_red_months != before.report_red_months {
            changes.push((REPORT_RED_KEY, default.report_red_months, rule.report_red_months));
        }
        if due_day != before_day {
            changes.push((REPORT_DUE_KEY, REPORT_DUE_DEFAULT, due_day));
        }
        if changes.is_empty() {
            return Ok(());
        }
        self.set_settings_int(actor, changes).await
    }

    /// The day of the next month by which a month's report is due (default the 5th).
    pub async fn report_due_day(&self) -> StoreResult<i64> {
        self.setting_int(REPORT_DUE_KEY, REPORT_DUE_DEFAULT).await
    }

    pub async fn set_report_due_day(&self, actor: Option<i64>, day: i64) -> StoreResult<i64> {
        self.set_setting_int(actor, REPORT_DUE_KEY, REPORT_DUE_DEFAULT, day)
            .await
    }
}
