//! The desk: what waits for the signed-in person, by what they may do — reports to review,
//! reports sent back to them, appeals in their inbox with the nearest deadline, projects owing
//! a report, overdue appeals. Each count comes from the same service its list does, so the
//! desk and the list it links to never disagree.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use feidi_core::appeals::AppealStatus;
use feidi_core::policy::{Action, Entity, Principal, Scope};
use feidi_store::AppealFilter;
use serde::Serialize;

use crate::{App, AppResult};

/// What waits; `None` where the person has no such work.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Desk {
    /// Reports awaiting review, for those who review them.
    pub to_review: Option<i64>,
    /// Reports sent back to be corrected (within what the person sees).
    pub returned: i64,
    /// Appeals in the person's inbox, and the nearest deadline among them.
    pub inbox: Option<i64>,
    pub nearest_due: Option<feidi_core::time::Stamp>,
    /// Projects owing last month's report, for those who oversee the programme.
    pub missing_reports: Option<i64>,
    /// Appeals past their resolve deadline, for those who oversee the programme.
    pub overdue_appeals: Option<i64>,
    /// An enterprise's appeals still open.
    pub open_appeals: Option<i64>,
}

fn one(status: &str) -> HashMap<String, String> {
    HashMap::from([
        ("status".to_string(), status.to_string()),
        ("per_page".to_string(), "1".to_string()),
    ])
}

pub async fn desk(app: &App, who: &Principal, now: DateTime<FixedOffset>) -> AppResult<Desk> {
    let mut desk = Desk::default();
    if who.may(Action::Review, Entity::Report) {
        desk.to_review = Some(crate::reports::queue(app, who, &one("submitted")).await?.total);
    }
    if who.may(Action::Write, Entity::Report) {
        desk.returned = crate::reports::queue(app, who, &one("returned")).await?.total;
    }
    if who.inbox().is_some() {
        let inbox = crate::appeals::inbox(app, who, 1, 1).await?;
        desk.inbox = Some(inbox.page.total);
        desk.nearest_due = inbox.page.items.first().and_then(|a| a.due_at.clone());
    }
    if who.scope() == Scope::All && who.may(Action::Read, Entity::Programme) {
        let month = crate::programme::default_month(app, feidi_core::time::day_of(now)).await?;
        // Counted again only when projects, reports or milestones change: every official's
        // home page asks, and the count reads every project.
        let version = app
            .store
            .data_versions(&["projects", "monthly_reports", "milestones"])
            .await?;
        let missing = match app.missing_counts.get(&month, version) {
            Some(kept) => *kept,
            None => {
                let asked = HashMap::from([("month".to_string(), month.clone())]);
                let count = crate::programme::reports_due(app, who, &asked)
                    .await?
                    .missing
                    .len() as i64;
                app.missing_counts.put(month, version, std::sync::Arc::new(count));
                count
            }
        };
        desk.missing_reports = Some(missing);
        desk.overdue_appeals = Some(crate::programme::appeal_figures(app).await?.overdue);
    }
    if let Scope::Enterprise(own) = who.scope() {
        let mut open = 0;
        for status in [
            AppealStatus::Submitted,
            AppealStatus::Acknowledged,
            AppealStatus::Reopened,
        ] {
            let filter = AppealFilter {
                status: Some(status),
                enterprise_id: Some(own),
                page: 1,
                per_page: 1,
                ..Default::default()
            };
            open += crate::appeals::list(app, who, &filter, now).await?.total;
        }
        desk.open_appeals = Some(open);
    }
    Ok(desk)
}
