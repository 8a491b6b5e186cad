//! Enterprise appeals (M5, 马上办): who handles an appeal, its deadlines, every step it takes
//! and the sweep's handover and escalation rules — as pure functions over an appeal's state,
//! so that the API, the pages and the sweep all apply the same rules and tests can fix time.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::calendar::Calendar;
use crate::model::Role;
use crate::policy::Principal;

/// The default categories and their resolve time in working days.
pub const DEFAULT_CATEGORIES: [(&str, &str, &str, u32); 8] = [
    ("land", "用地", "Land", 5),
    ("approvals", "审批", "Approvals", 5),
    ("finance", "融资", "Finance", 5),
    ("labour", "用工", "Labour", 5),
    ("utilities", "水电气暖", "Utilities", 5),
    ("policy", "政策", "Policy", 5),
    ("other", "其他", "Other", 5),
    ("urgent", "马上办", "Urgent", 1),
];

/// A category's name as a reader of `lang` sees it: on Chinese pages its name; on English
/// pages the English name an admin gave it, else — for a default category still under its
/// default Chinese name — the default English one, else its Chinese name as given.
pub fn category_name(key: &str, stored: &str, stored_en: Option<&str>, lang: crate::Lang) -> String {
    if lang == crate::Lang::Zh {
        return stored.to_string();
    }
    if let Some(en) = stored_en.filter(|en| !en.trim().is_empty()) {
        return en.to_string();
    }
    match DEFAULT_CATEGORIES
        .iter()
        .find(|(k, zh, _, _)| *k == key && *zh == stored)
    {
        Some((_, _, en, _)) => (*en).to_string(),
        None => stored.to_string(),
    }
}

/// The most working days a category may take to resolve (half a year of working days).
pub const MAX_RESOLVE_WORKING_DAYS: u32 = 125;

macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

words!(
    /// Where an appeal stands.
    AppealStatus {
        Submitted = "submitted",
        Acknowledged = "acknowledged",
        Resolved = "resolved",
        Closed = "closed",
        Reopened = "reopened",
    }
);

words!(
    /// Why the handler holds the appeal.
    HandlerRole {
        A = "A",
        B = "B",
        Assigned = "assigned",
        Escalated = "escalated",
    }
);

words!(
    /// The enterprise's verdict on a resolved appeal.
    Rating {
        Satisfied = "satisfied",
        BasicallySatisfied = "basically_satisfied",
        Unsatisfied = "unsatisfied",
    }
);

words!(
    /// A step in an appeal's timeline.
    EventKind {
        Submitted = "submitted",
        Assigned = "assigned",
        HandedOver = "handed_over",
        Acknowledged = "acknowledged",
        Returned = "returned",
        Reassigned = "reassigned",
        Resolved = "resolved",
        Rated = "rated",
        Reopened = "reopened",
        Escalated = "escalated",
        Overdue = "overdue",
        Closed = "closed",
    }
);

words!(
    /// Why the system moved an appeal (the timeline says it).
    Reason {
        AAbsent = "a_absent",
        NoA = "no_a",
        BothAbsent = "a_and_b_absent",
        NoOfficials = "no_officials",
        AckMissed = "acknowledgement_missed",
        ResolveMissed = "resolve_deadline_missed",
        NoB = "no_b",
        BAbsent = "b_absent",
        Unsatisfied = "unsatisfied",
        OnBehalf = "recorded_on_behalf",
    }
);

impl AppealStatus {
    /// Still being worked on (a resolved appeal waits for the enterprise's rating).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AppealStatus::Submitted | AppealStatus::Acknowledged | AppealStatus::Reopened
        )
    }

    /// The open statuses as an SQL list, in their declared order (an SQLite partial index's
    /// condition is matched by its text).
    pub fn open_sql() -> String {
        crate::model::sql_list(Self::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str()))
    }

    /// Waiting for its handler to acknowledge it (签收).
    pub fn awaits_acknowledgement(self) -> bool {
        matches!(self, AppealStatus::Submitted | AppealStatus::Reopened)
    }
}

impl Rating {
    /// Satisfied or basically satisfied: counts toward the satisfaction rate.
    pub fn is_satisfied(self) -> bool {
        !matches!(self, Rating::Unsatisfied)
    }

    /// The ratings that count as satisfied, as an SQL list.
    pub fn satisfied_sql() -> String {
        crate::model::sql_list(Self::ALL.iter().filter(|r| r.is_satisfied()).map(|r| r.as_str()))
    }
}

/// Who answers for an enterprise's (or a project's) appeals on the day of submission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Officials {
    pub a: Option<i64>,
    pub b: Option<i64>,
    pub a_absent: bool,
    pub b_absent: bool,
    /// The leader of the enterprise's task force, if it has one.
    pub task_force_leader: Option<i64>,
}

/// An A/B pair of officials (A 角 answers, B 角 stands in), each with whether they are away
/// on the day that matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pair {
    pub a: Option<i64>,
    pub b: Option<i64>,
    pub a_absent: bool,
    pub b_absent: bool,
}

impl Pair {
    /// Whether anyone is named: a project without its own pair leaves both empty.
    pub fn is_named(&self) -> bool {
        self.a.is_some() || self.b.is_some()
    }
}

impl Officials {
    /// Who answers an appeal: the project's own pair where the appeal names a project that has
    /// one, else the enterprise's; the task force's leader above either.
    pub fn of(enterprise: Pair, project: Option<Pair>, task_force_leader: Option<i64>) -> Self {
        let pair = project.filter(Pair::is_named).unwrap_or(enterprise);
        Self {
            a: pair.a,
            b: pair.b,
            a_absent: pair.a.is_some() && pair.a_absent,
            b_absent: pair.b.is_some() && pair.b_absent,
            task_force_leader,
        }
    }
}

/// One step of an appeal's timeline, as the rules produce it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<FixedOffset>,
    pub kind: EventKind,
    /// Who did it; none for the system (the sweep, the rules at submission).
    pub actor: Option<i64>,
    /// Who handles the appeal after this step.
    pub handler: Option<i64>,
    pub reason: Option<Reason>,
    /// Text a person wrote: a return's reason, the resolution, a rating's comment.
    pub detail: Option<String>,
}

/// What the rules need to know of an appeal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealState {
    pub status: AppealStatus,
    pub role: HandlerRole,
    /// None when the leaders (no task force) hold it.
    pub handler: Option<i64>,
    /// The current handler's acknowledgement deadline; none when nobody must acknowledge now.
    pub ack_due_at: Option<DateTime<FixedOffset>>,
    pub resolve_due_at: DateTime<FixedOffset>,
    /// The passing of the resolve deadline is recorded.
    pub overdue: bool,
    /// When it was escalated (督办), if ever: it stays on the leaders' supervision list.
    pub escalated_at: Option<DateTime<FixedOffset>>,
    /// B of the enterprise (or project), for the sweep's handover.
    pub b: Option<i64>,
    pub task_force_leader: Option<i64>,
    pub resolved_by: Option<i64>,
    /// The category's resolve time, for a reopening.
    pub resolve_working_days: u32,
    pub returns: u32,
}

/// Why an action is refused: the state the appeal is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotNow(pub AppealStatus);

fn event(at: DateTime<FixedOffset>, kind: EventKind, actor: Option<i64>, handler: Option<i64>) -> Event {
    Event {
        at,
        kind,
        actor,
        handler,
        reason: None,
        detail: None,
    }
}

impl AppealState {
    /// A new appeal: its handler by the AB rule and its deadlines counted from the day of
    /// submission. Answers the state and the timeline's first steps.
    pub fn submit(
        officials: &Officials,
        calendar: &Calendar,
        submitted_at: DateTime<FixedOffset>,
        submitted_by: Option<i64>,
        resolve_working_days: u32,
    ) -> (Self, Vec<Event>) {
        let mut events = vec![event(submitted_at, EventKind::Submitted, submitted_by, None)];
        let a_here = officials.a.filter(|_| !officials.a_absent);
        let b_here = officials.b.filter(|_| !officials.b_absent);
        let (handler, role, kind, reason) = match (a_here, b_here) {
            (Some(a), _) => (Some(a), HandlerRole::A, EventKind::Assigned, None),
            (None, Some(b)) => {
                let why = if officials.a.is_some() {
                    Reason::AAbsent
                } else {
                    Reason::NoA
                };
                (Some(b), HandlerRole::B, EventKind::HandedOver, Some(why))
            }
            (None, None) => match officials.task_force_leader {
                Some(leader) => {
                    let why = if officials.a.is_none() && officials.b.is_none() {
                        Reason::NoOfficials
                    } else {
                        Reason::BothAbsent
                    };
                    (
                        Some(leader),
                        HandlerRole::Assigned,
                        EventKind::Assigned,
                        Some(why),
                    )
                }
                None => (
                    None,
                    HandlerRole::Escalated,
                    EventKind::Escalated,
                    Some(Reason::NoOfficials),
                ),
            },
        };
        events.push(Event {
            reason,
            ..event(submitted_at, kind, None, handler)
        });
        let escalated = role == HandlerRole::Escalated;
        let state = AppealState {
            status: AppealStatus::Submitted,
            role,
            handler,
            ack_due_at: (!escalated).then(|| calendar.deadline(submitted_at, 1)),
            resolve_due_at: calendar.deadline(submitted_at, resolve_working_days),
            overdue: false,
            escalated_at: escalated.then_some(submitted_at),
            b: officials.b,
            task_force_leader: officials.task_force_leader,
            resolved_by: None,
            resolve_working_days,
            returns: 0,
        };
        (state, events)
    }

    /// 签收. Answers whether it came in time.
    pub fn acknowledge(
        &mut self,
        actor: i64,
        at: DateTime<FixedOffset>,
    ) -> Result<(Vec<Event>, bool), NotNow> {
        if !self.status.awaits_acknowledgement() {
            return Err(NotNow(self.status));
        }
        // With no deadline in force, it was on time unless a missed deadline escalated it.
        let on_time = match self.ack_due_at {
            Some(due) => at <= due,
            None => self.role != HandlerRole::Escalated,
        };
        self.status = AppealStatus::Acknowledged;
        self.ack_due_at = None;
        // Whoever acknowledges an appeal the leaders hold takes it on.
        if self.handler.is_none() {
            self.handler = Some(actor);
        }
        let events = vec![event(at, EventKind::Acknowledged, Some(actor), self.handler)];
        Ok((events, on_time))
    }

    /// 退单: the handler gives back an appeal that is not theirs; the task force leader (or
    /// with no task force, the leaders) holds it until reassigned.
    pub fn give_back(
        &mut self,
        actor: i64,
        at: DateTime<FixedOffset>,
        reason: String,
    ) -> Result<Vec<Event>, NotNow> {
        if !self.status.is_open() {
            return Err(NotNow(self.status));
        }
        if self.status == AppealStatus::Acknowledged {
            self.status = AppealStatus::Submitted;
        }
        self.handler = self.task_force_leader;
        self.role = if self.task_force_leader.is_some() {
            HandlerRole::Assigned
        } else {
            // With no task force the leaders hold it: on their supervision list.
            self.escalated_at.get_or_insert(at);
            HandlerRole::Escalated
        };
        self.ack_due_at = None;
        self.returns += 1;
        Ok(vec![Event {
            detail: Some(reason),
            ..event(at, EventKind::Returned, Some(actor), self.handler)
        }])
    }

    /// The task force leader (or a leader) gives the appeal to an official, who must
    /// acknowledge it by the end of the next working day. The resolve deadline stays.
    pub fn reassign(
        &mut self,
        actor: i64,
        to: i64,
        at: DateTime<FixedOffset>,
        calendar: &Calendar,
        note: Option<String>,
    ) -> Result<Vec<Event>, NotNow> {
        if !self.status.is_open() {
            return Err(NotNow(self.status));
        }
        if self.status == AppealStatus::Acknowledged {
            self.status = AppealStatus::Submitted;
        }
        self.handler = Some(to);
        self.role = HandlerRole::Assigned;
        self.ack_due_at = Some(calendar.deadline(at, 1));
        Ok(vec![Event {
            detail: note,
            ..event(at, EventKind::Reassigned, Some(actor), Some(to))
        }])
    }

    /// 办结. Answers whether it came in time.
    pub fn resolve(
        &mut self,
        actor: i64,
        at: DateTime<FixedOffset>,
        resolution: String,
    ) -> Result<(Vec<Event>, bool), NotNow> {
        if self.status != AppealStatus::Acknowledged {
            return Err(NotNow(self.status));
        }
        let on_time = at <= self.resolve_due_at;
        self.status = AppealStatus::Resolved;
        self.resolved_by = Some(actor);
        Ok((
            vec![Event {
                detail: Some(resolution),
                ..event(at, EventKind::Resolved, Some(actor), self.handler)
            }],
            on_time,
        ))
    }

    /// The enterprise's rating: satisfied closes the appeal, unsatisfied reopens it. A rating
    /// an official records for the enterprise (回访) is marked so in the timeline.
    pub fn rate(
        &mut self,
        actor: i64,
        on_behalf: bool,
        rating: Rating,
        comment: Option<String>,
        at: DateTime<FixedOffset>,
        calendar: &Calendar,
    ) -> Result<Vec<Event>, NotNow> {
        if self.status != AppealStatus::Resolved {
            return Err(NotNow(self.status));
        }
        let mut events = vec![Event {
            detail: Some(match &comment {
                Some(c) => format!("{}: {c}", rating.as_str()),
                None => rating.as_str().to_string(),
            }),
            reason: on_behalf.then_some(Reason::OnBehalf),
            ..event(at, EventKind::Rated, Some(actor), self.handler)
        }];
        if rating.is_satisfied() {
            self.status = AppealStatus::Closed;
            self.ack_due_at = None;
            events.push(event(at, EventKind::Closed, None, self.handler));
        } else {
            events.extend(self.reopen_now(None, Some(Reason::Unsatisfied), None, at, calendar));
        }
        Ok(events)
    }

    /// Reopened by a person (a leader, staff) with a reason.
    pub fn reopen(
        &mut self,
        actor: i64,
        reason: String,
        at: DateTime<FixedOffset>,
        calendar: &Calendar,
    ) -> Result<Vec<Event>, NotNow> {
        if !matches!(self.status, AppealStatus::Resolved | AppealStatus::Closed) {
            return Err(NotNow(self.status));
        }
        Ok(self.reopen_now(Some(actor), None, Some(reason), at, calendar))
    }

    /// Back to whoever resolved it, with a new resolve deadline counted from today.
    fn reopen_now(
        &mut self,
        actor: Option<i64>,
        reason: Option<Reason>,
        detail: Option<String>,
        at: DateTime<FixedOffset>,
        calendar: &Calendar,
    ) -> Vec<Event> {
        self.status = AppealStatus::Reopened;
        if let Some(resolver) = self.resolved_by {
            self.handler = Some(resolver);
            // The resolver holds it again with an acknowledgement deadline the sweep enforces.
            if self.role == HandlerRole::Escalated {
                self.role = HandlerRole::Assigned;
            }
        }
        self.ack_due_at = Some(calendar.deadline(at, 1));
        self.resolve_due_at = calendar.deadline(at, self.resolve_working_days);
        self.overdue = false;
        vec![Event {
            reason,
            detail,
            ..event(at, EventKind::Reopened, actor, self.handler)
        }]
    }

    /// The sweep: every handover and escalation due by `now`, each applied in the order of
    /// its deadline (a handover before an escalation at the same instant) and stamped with
    /// that deadline, however late the sweep runs. Running it again at once finds nothing.
    pub fn sweep(&mut self, calendar: &Calendar, away: &Absences, now: DateTime<FixedOffset>) -> Vec<Event> {
        let mut events = Vec::new();
        while let Some((at, step)) = self.next_step().filter(|(at, _)| *at <= now) {
            match step {
                Step::AckMissed if self.role == HandlerRole::A => {
                    let b_due = calendar.next_deadline_after(at);
                    match self.b {
                        Some(b) if !away.is_away_between(b, at, b_due) => {
                            self.handler = Some(b);
                            self.role = HandlerRole::B;
                            self.ack_due_at = Some(b_due);
                            events.push(Event {
                                reason: Some(Reason::AckMissed),
                                ..event(at, EventKind::HandedOver, None, Some(b))
                            });
                        }
                        // B away for the day it would have, or no B: the task force leader
                        // takes it as at submission, with B's acknowledgement deadline.
                        b => {
                            let why = if b.is_some() { Reason::BAbsent } else { Reason::NoB };
                            match self.task_force_leader {
                                Some(leader) => {
                                    self.handler = Some(leader);
                                    self.role = HandlerRole::Assigned;
                                    self.ack_due_at = Some(b_due);
                                    events.push(Event {
                                        reason: Some(why),
                                        ..event(at, EventKind::Assigned, None, Some(leader))
                                    });
                                }
                                None => events.push(self.escalate(at, why)),
                            }
                        }
                    }
                }
                Step::AckMissed => events.push(self.escalate(at, Reason::AckMissed)),
                Step::ResolveMissed => {
                    self.overdue = true;
                    events.push(Event {
                        reason: Some(Reason::ResolveMissed),
                        ..event(at, EventKind::Overdue, None, self.handler)
                    });
                    if self.role != HandlerRole::Escalated {
                        events.push(self.escalate(at, Reason::ResolveMissed));
                    }
                }
            }
        }
        events
    }

    fn escalate(&mut self, at: DateTime<FixedOffset>, reason: Reason) -> Event {
        self.role = HandlerRole::Escalated;
        self.handler = self.task_force_leader;
        self.ack_due_at = None;
        self.escalated_at.get_or_insert(at);
        Event {
            reason: Some(reason),
            ..event(at, EventKind::Escalated, None, self.handler)
        }
    }

    /// The next rule that will fall due, and when.
    fn next_step(&self) -> Option<(DateTime<FixedOffset>, Step)> {
        let ack = self
            .ack_due_at
            .filter(|_| self.status.awaits_acknowledgement() && self.role != HandlerRole::Escalated)
            .map(|at| (at, Step::AckMissed));
        let resolve =
            (self.status.is_open() && !self.overdue).then_some((self.resolve_due_at, Step::ResolveMissed));
        // At the same instant the acknowledgement rule goes first (Step's order).
        [ack, resolve].into_iter().flatten().min()
    }

    /// When the sweep next has something to do for this appeal: none once nothing can fall
    /// due. Stored and indexed, so a sweep reads only the appeals that are due.
    pub fn next_due_at(&self) -> Option<DateTime<FixedOffset>> {
        self.next_step().map(|(at, _)| at)
    }

    /// The deadline the handler faces now (acknowledgement, else resolution): the inbox's
    /// order; none once the appeal is no longer open.
    pub fn due_at(&self) -> Option<DateTime<FixedOffset>> {
        self.status
            .is_open()
            .then(|| self.ack_due_at.unwrap_or(self.resolve_due_at))
    }

    /// Past its resolve deadline and still open.
    pub fn is_overdue(&self, now: DateTime<FixedOffset>) -> bool {
        self.status.is_open() && (self.overdue || self.resolve_due_at <= now)
    }
}

/// Officials' absence periods (dates inclusive), as the sweep asks them: is B away for the
/// day B would take an appeal over?
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Absences {
    periods: std::collections::HashMap<i64, Vec<(NaiveDate, NaiveDate)>>,
}

impl Absences {
    pub fn add(&mut self, user: i64, from: NaiveDate, to: NaiveDate) {
        self.periods.entry(user).or_default().push((from, to));
    }

    /// Whether `user` is away on some day from the one starting at `from` up to the day
    /// `until` ends (a deadline, D+1 00:00, ends day D) — for a handover at A's deadline, the
    /// day after it and the working day B would have to acknowledge by.
    pub fn is_away_between(
        &self,
        user: i64,
        from: DateTime<FixedOffset>,
        until: DateTime<FixedOffset>,
    ) -> bool {
        let Some(periods) = self.periods.get(&user) else {
            return false;
        };
        let first = from.with_timezone(&crate::time::shanghai()).date_naive();
        let until = until.with_timezone(&crate::time::shanghai());
        let last = if until.time() == chrono::NaiveTime::MIN {
            until.date_naive().pred_opt().unwrap_or(first)
        } else {
            until.date_naive()
        };
        let last = last.max(first);
        periods.iter().any(|(f, t)| *f <= last && *t >= first)
    }
}

/// What a person does to an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Acknowledge,
    Return,
    Reassign,
    Resolve,
    Rate,
    Reopen,
}

/// Whether `who` may do `act` to an appeal of `enterprise_id` in `state` (reading it is
/// `Principal::scope`'s answer). The handler acts on it (the leaders when no one else holds
/// it); the task force leader and the leaders reassign; the enterprise rates, and an official
/// may record its rating for it (回访) only on an appeal that official neither handles nor
/// resolved — nobody marks their own work; leaders and staff reopen; admins may do the rest.
pub fn may_act(who: &Principal, enterprise_id: i64, state: &AppealState, act: Act) -> bool {
    let admin = who.role == Role::Admin;
    let own_enterprise = who.role == Role::Enterprise && who.enterprise_id == Some(enterprise_id);
    let holds = state.handler == Some(who.user_id) || (state.handler.is_none() && who.role == Role::Leader);
    match act {
        Act::Acknowledge | Act::Resolve | Act::Return => admin || holds,
        Act::Reassign => admin || who.role == Role::Leader || state.task_force_leader == Some(who.user_id),
        Act::Rate => own_enterprise || rates_on_behalf(who, state),
        // The enterprise reopens by rating the result unsatisfied.
        Act::Reopen => admin || matches!(who.role, Role::Leader | Role::Staff),
    }
}

/// Whether a user of `role` may be handed an appeal (reassigned to): an official.
pub fn may_handle(role: Role) -> bool {
    matches!(role, Role::Staff | Role::Leader | Role::Admin)
}

/// Whether `who` would record a rating for the enterprise (回访): staff and admins who are
/// neither the appeal's handler nor its resolver.
pub fn rates_on_behalf(who: &Principal, state: &AppealState) -> bool {
    matches!(who.role, Role::Staff | Role::Admin)
        && state.handler != Some(who.user_id)
        && state.resolved_by != Some(who.user_id)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    AckMissed,
    ResolveMissed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_s_own_pair_answers_before_the_enterprise_s() {
        let enterprise = Pair {
            a: Some(1),
            b: Some(2),
            a_absent: true,
            b_absent: false,
        };
        let project = Pair {
            a: Some(7),
            b: None,
            a_absent: false,
            b_absent: true,
        };
        let chosen = Officials::of(enterprise, Some(project), Some(9));
        assert_eq!(
            (chosen.a, chosen.b, chosen.a_absent, chosen.b_absent),
            (Some(7), None, false, false)
        );
        assert_eq!(chosen.task_force_leader, Some(9));
        // A project with no pair of its own, or no project: the enterprise's, absences kept.
        for project in [None, Some(Pair::default())] {
            let chosen = Officials::of(enterprise, project, None);
            assert_eq!(
                (chosen.a, chosen.b, chosen.a_absent, chosen.b_absent),
                (Some(1), Some(2), true, false)
            );
        }
        // Nobody named is never away.
        let nobody = Pair {
            a_absent: true,
            ..Pair::default()
        };
        assert!(!Officials::of(nobody, None, None).a_absent);
    }
    use crate::calendar::DayKind;
    use crate::time::parse_instant;
    use chrono::NaiveDate;

    #[test]
    fn default_categories_read_in_the_page_s_language() {
        use crate::Lang::{En, Zh};
        assert_eq!(category_name("utilities", "水电气暖", None, Zh), "水电气暖");
        assert_eq!(category_name("utilities", "水电气暖", None, En), "Utilities");
        assert_eq!(
            category_name("utilities", "水电", None, En),
            "水电",
            "renamed in Chinese only: as given"
        );
        assert_eq!(category_name("startup", "开办", None, En), "开办");
        // An English name given by an admin reads on English pages, never on Chinese ones.
        assert_eq!(category_name("startup", "开办", Some("Start-up"), En), "Start-up");
        assert_eq!(category_name("startup", "开办", Some("Start-up"), Zh), "开办");
        assert_eq!(
            category_name("utilities", "水电气暖", Some("Water and power"), En),
            "Water and power"
        );
        assert_eq!(category_name("utilities", "水电气暖", Some(" "), En), "Utilities");
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        parse_instant(text).unwrap_or_else(crate::time::now)
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn officials() -> Officials {
        Officials {
            a: Some(11),
            b: Some(12),
            a_absent: false,
            b_absent: false,
            task_force_leader: Some(20),
        }
    }

    fn kinds(events: &[Event]) -> Vec<&'static str> {
        events.iter().map(|e| e.kind.as_str()).collect()
    }

    #[test]
    fn a_handles_when_present_b_when_a_is_away_or_missing_the_leader_when_both_are_away() {
        let calendar = Calendar::default();
        let now = at("2024-03-06T10:00:00+08:00");
        let (state, events) = AppealState::submit(&officials(), &calendar, now, Some(5), 5);
        assert_eq!((state.handler, state.role), (Some(11), HandlerRole::A));
        assert_eq!(kinds(&events), ["submitted", "assigned"]);

        let away = Officials {
            a_absent: true,
            ..officials()
        };
        let (state, events) = AppealState::submit(&away, &calendar, now, Some(5), 5);
        assert_eq!((state.handler, state.role), (Some(12), HandlerRole::B));
        assert_eq!(kinds(&events), ["submitted", "handed_over"]);
        assert_eq!(events[1].reason, Some(Reason::AAbsent));

        let missing = Officials {
            a: None,
            ..officials()
        };
        let (state, events) = AppealState::submit(&missing, &calendar, now, Some(5), 5);
        assert_eq!(state.handler, Some(12));
        assert_eq!(events[1].reason, Some(Reason::NoA));

        let both = Officials {
            a_absent: true,
            b_absent: true,
            ..officials()
        };
        let (state, events) = AppealState::submit(&both, &calendar, now, Some(5), 5);
        assert_eq!((state.handler, state.role), (Some(20), HandlerRole::Assigned));
        assert_eq!(events[1].reason, Some(Reason::BothAbsent));

        let nobody = Officials {
            task_force_leader: None,
            ..both
        };
        let (state, _) = AppealState::submit(&nobody, &calendar, now, Some(5), 5);
        assert_eq!((state.handler, state.role), (None, HandlerRole::Escalated));
        assert!(state.escalated_at.is_some());
    }

    #[test]
    fn deadlines_count_working_days_from_the_day_of_submission() {
        let calendar = Calendar::default();
        let friday = at("2024-03-08T17:30:00+08:00");
        let (state, _) = AppealState::submit(&officials(), &calendar, friday, None, 5);
        assert_eq!(
            state.ack_due_at.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-12T00:00:00+08:00")
        );
        assert_eq!(state.resolve_due_at.to_rfc3339(), "2024-03-16T00:00:00+08:00");
        let (urgent, _) = AppealState::submit(&officials(), &calendar, friday, None, 1);
        assert_eq!(urgent.resolve_due_at.to_rfc3339(), "2024-03-12T00:00:00+08:00");
    }

    #[test]
    fn the_sweep_hands_over_at_a_s_deadline_then_escalates_at_b_s() {
        let calendar = Calendar::default();
        let (mut state, _) =
            AppealState::submit(&officials(), &calendar, at("2024-03-06T10:00:00+08:00"), None, 5);
        assert!(
            state
                .sweep(&calendar, &Absences::default(), at("2024-03-07T23:59:59+08:00"))
                .is_empty()
        );
        // Noticed days late, the handover is still stamped with A's deadline.
        let events = state.sweep(&calendar, &Absences::default(), at("2024-03-08T09:00:00+08:00"));
        assert_eq!(kinds(&events), ["handed_over"]);
        assert_eq!(events[0].at.to_rfc3339(), "2024-03-08T00:00:00+08:00");
        assert_eq!((state.handler, state.role), (Some(12), HandlerRole::B));
        assert_eq!(
            state.ack_due_at.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-09T00:00:00+08:00")
        );
        assert!(
            state
                .sweep(&calendar, &Absences::default(), at("2024-03-08T09:00:00+08:00"))
                .is_empty()
        );
        let events = state.sweep(&calendar, &Absences::default(), at("2024-03-11T08:00:00+08:00"));
        assert_eq!(kinds(&events), ["escalated"]);
        assert_eq!(events[0].at.to_rfc3339(), "2024-03-09T00:00:00+08:00");
        assert_eq!((state.handler, state.role), (Some(20), HandlerRole::Escalated));
        // Then only the resolve deadline is left: the 5th working day after 03-06 is 03-13.
        let events = state.sweep(&calendar, &Absences::default(), at("2024-03-20T08:00:00+08:00"));
        assert_eq!(kinds(&events), ["overdue"]);
        assert_eq!(events[0].at.to_rfc3339(), "2024-03-14T00:00:00+08:00");
        assert_eq!(state.next_due_at(), None);
    }

    #[test]
    fn a_handover_skips_a_b_who_is_away_for_the_task_force_leader() {
        let calendar = Calendar::default();
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or_default();
        let submitted = at("2024-03-06T10:00:00+08:00");
        // A's deadline ends 03-07; B (12) is away on 03-08, the day B would have taken over.
        let mut away = Absences::default();
        away.add(12, day("2024-03-08"), day("2024-03-08"));
        let (mut state, _) = AppealState::submit(&officials(), &calendar, submitted, None, 5);
        let events = state.sweep(&calendar, &away, at("2024-03-08T09:00:00+08:00"));
        assert_eq!(kinds(&events), ["assigned"]);
        assert_eq!(events[0].reason, Some(Reason::BAbsent));
        assert_eq!((state.handler, state.role), (Some(20), HandlerRole::Assigned));
        assert_eq!(
            state.ack_due_at.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-09T00:00:00+08:00")
        );
        // The leader who misses it too lets it be escalated.
        let events = state.sweep(&calendar, &away, at("2024-03-11T08:00:00+08:00"));
        assert_eq!(kinds(&events), ["escalated"]);
        // Away before or after those days, B takes it as usual.
        let mut elsewhere = Absences::default();
        elsewhere.add(12, day("2024-03-01"), day("2024-03-07"));
        elsewhere.add(12, day("2024-03-11"), day("2024-03-20"));
        let (mut state, _) = AppealState::submit(&officials(), &calendar, submitted, None, 5);
        let events = state.sweep(&calendar, &elsewhere, at("2024-03-08T09:00:00+08:00"));
        assert_eq!(kinds(&events), ["handed_over"]);
        assert_eq!(state.handler, Some(12));
        // No B: the leader, saying why.
        let no_b = Officials {
            b: None,
            ..officials()
        };
        let (mut state, _) = AppealState::submit(&no_b, &calendar, submitted, None, 5);
        let events = state.sweep(&calendar, &Absences::default(), at("2024-03-08T09:00:00+08:00"));
        assert_eq!(
            (kinds(&events), events[0].reason),
            (vec!["assigned"], Some(Reason::NoB))
        );
        assert_eq!(state.handler, Some(20));
    }

    #[test]
    fn an_old_appeal_gets_every_due_step_in_deadline_order_at_once() {
        let calendar = Calendar::default();
        let (mut state, _) =
            AppealState::submit(&officials(), &calendar, at("2024-03-06T10:00:00+08:00"), None, 5);
        let events = state.sweep(&calendar, &Absences::default(), at("2024-06-01T00:00:00+08:00"));
        assert_eq!(kinds(&events), ["handed_over", "escalated", "overdue"]);
        let times: Vec<String> = events.iter().map(|e| e.at.to_rfc3339()).collect();
        assert_eq!(
            times,
            [
                "2024-03-08T00:00:00+08:00",
                "2024-03-09T00:00:00+08:00",
                "2024-03-14T00:00:00+08:00"
            ]
        );
        assert!(
            state
                .sweep(&calendar, &Absences::default(), at("2024-06-01T00:00:00+08:00"))
                .is_empty()
        );
    }

    #[test]
    fn an_urgent_appeal_a_does_not_acknowledge_goes_to_b_and_is_escalated_at_once() {
        let calendar = Calendar::default();
        let (mut state, _) =
            AppealState::submit(&officials(), &calendar, at("2024-03-06T10:00:00+08:00"), None, 1);
        let events = state.sweep(&calendar, &Absences::default(), at("2024-03-08T00:00:00+08:00"));
        assert_eq!(kinds(&events), ["handed_over", "overdue", "escalated"]);
        assert!(events.iter().all(|e| e.at == events[0].at));
        assert_eq!(state.handler, Some(20));
    }

    #[test]
    fn an_acknowledged_appeal_only_waits_for_its_resolve_deadline() {
        let calendar = Calendar::default();
        let (mut state, _) =
            AppealState::submit(&officials(), &calendar, at("2024-03-06T10:00:00+08:00"), None, 5);
        let (_, on_time) = state
            .acknowledge(11, at("2024-03-07T09:00:00+08:00"))
            .unwrap_or_default();
        assert!(on_time);
        assert!(
            state
                .sweep(&calendar, &Absences::default(), at("2024-03-13T23:00:00+08:00"))
                .is_empty()
        );
        let events = state.sweep(&calendar, &Absences::default(), at("2024-03-14T00:00:00+08:00"));
        assert_eq!(kinds(&events), ["overdue", "escalated"]);
        assert_eq!(state.status, AppealStatus::Acknowledged);
    }

    #[test]
    fn unsatisfied_reopens_to_the_resolver_with_a_new_deadline_satisfied_closes() {
        let calendar = Calendar::new([(day("2024-03-11"), DayKind::Holiday)]);
        let (mut state, _) =
            AppealState::submit(&officials(), &calendar, at("2024-03-06T10:00:00+08:00"), None, 5);
        assert!(state.acknowledge(11, at("2024-03-06T11:00:00+08:00")).is_ok());
        assert!(
            state
                .resolve(11, at("2024-03-06T12:00:00+08:00"), "done".into())
                .is_ok()
        );
        assert_eq!(
            state.acknowledge(11, at("2024-03-06T13:00:00+08:00")).err(),
            Some(NotNow(AppealStatus::Resolved))
        );
        let mut closing = state.clone();
        let events = state
            .rate(
                5,
                false,
                Rating::Unsatisfied,
                None,
                at("2024-03-08T09:00:00+08:00"),
                &calendar,
            )
            .unwrap_or_default();
        assert_eq!(kinds(&events), ["rated", "reopened"]);
        assert_eq!((state.status, state.handler), (AppealStatus::Reopened, Some(11)));
        // Friday 03-08; Monday 03-11 is a holiday: 12, 13, 14, 15, 18.
        assert_eq!(state.resolve_due_at.to_rfc3339(), "2024-03-19T00:00:00+08:00");
        assert_eq!(
            state.ack_due_at.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-13T00:00:00+08:00")
        );
        let events = closing
            .rate(
                5,
                false,
                Rating::BasicallySatisfied,
                None,
                at("2024-03-08T09:00:00+08:00"),
                &calendar,
            )
            .unwrap_or_default();
        assert_eq!(kinds(&events), ["rated", "closed"]);
        assert_eq!(closing.next_due_at(), None);
    }

    #[test]
    fn acknowledging_after_an_escalation_is_late_and_only_leaders_and_staff_reopen() {
        let calendar = Calendar::default();
        let (mut state, _) =
            AppealState::submit(&officials(), &calendar, at("2024-03-06T10:00:00+08:00"), None, 5);
        state.sweep(&calendar, &Absences::default(), at("2024-03-11T10:00:00+08:00"));
        assert_eq!(state.role, HandlerRole::Escalated);
        let (_, on_time) = state
            .acknowledge(20, at("2024-03-11T10:05:00+08:00"))
            .unwrap_or_default();
        assert!(!on_time, "an escalated appeal was acknowledged late");
        let who = |role, enterprise_id| Principal {
            user_id: 5,
            role,
            enterprise_id,
        };
        assert!(!may_act(&who(Role::Enterprise, Some(3)), 3, &state, Act::Reopen));
        assert!(may_act(&who(Role::Enterprise, Some(3)), 3, &state, Act::Rate));
        assert!(!may_act(&who(Role::Enterprise, Some(4)), 3, &state, Act::Rate));
        assert!(may_act(&who(Role::Staff, None), 3, &state, Act::Reopen));
        // Nobody rates their own work: the handler and the resolver may not record the
        // enterprise's rating; another official may (回访); a leader may not.
        let mut resolved = state.clone();
        resolved.handler = Some(11);
        resolved.resolved_by = Some(12);
        let official = |id| Principal {
            user_id: id,
            role: Role::Staff,
            enterprise_id: None,
        };
        assert!(!may_act(&official(11), 3, &resolved, Act::Rate));
        assert!(!may_act(&official(12), 3, &resolved, Act::Rate));
        assert!(may_act(&official(13), 3, &resolved, Act::Rate));
        assert!(!may_act(&who(Role::Leader, None), 3, &resolved, Act::Rate));
        // Only officials are handed appeals.
        assert!(may_handle(Role::Staff) && may_handle(Role::Leader) && may_handle(Role::Admin));
        assert!(!may_handle(Role::Enterprise) && !may_handle(Role::Reporter) && !may_handle(Role::Finance));
    }

    #[test]
    fn with_no_task_force_a_return_goes_to_the_leaders_supervision_list() {
        let calendar = Calendar::default();
        let alone = Officials {
            task_force_leader: None,
            ..officials()
        };
        let (mut state, _) = AppealState::submit(&alone, &calendar, at("2024-03-06T10:00:00+08:00"), None, 5);
        assert!(
            state
                .give_back(11, at("2024-03-06T11:00:00+08:00"), "not ours".into())
                .is_ok()
        );
        assert_eq!((state.handler, state.role), (None, HandlerRole::Escalated));
        assert!(state.escalated_at.is_some());
    }

    #[test]
    fn a_reopened_appeal_s_acknowledgement_is_enforced_again() {
        let calendar = Calendar::default();
        let (mut state, _) =
            AppealState::submit(&officials(), &calendar, at("2024-03-06T10:00:00+08:00"), None, 5);
        state.sweep(&calendar, &Absences::default(), at("2024-03-11T10:00:00+08:00"));
        assert!(state.acknowledge(20, at("2024-03-11T11:00:00+08:00")).is_ok());
        assert!(
            state
                .resolve(20, at("2024-03-11T12:00:00+08:00"), "done".into())
                .is_ok()
        );
        assert!(
            state
                .rate(
                    5,
                    false,
                    Rating::Unsatisfied,
                    None,
                    at("2024-03-12T09:00:00+08:00"),
                    &calendar
                )
                .is_ok()
        );
        assert_eq!((state.handler, state.role), (Some(20), HandlerRole::Assigned));
        let events = state.sweep(&calendar, &Absences::default(), at("2024-03-14T00:00:00+08:00"));
        assert_eq!(
            kinds(&events),
            ["escalated"],
            "its acknowledgement deadline passed"
        );
    }

    #[test]
    fn a_return_goes_to_the_task_force_leader_who_reassigns_without_moving_the_resolve_deadline() {
        let calendar = Calendar::default();
        let (mut state, _) =
            AppealState::submit(&officials(), &calendar, at("2024-03-06T10:00:00+08:00"), None, 5);
        let resolve_due = state.resolve_due_at;
        assert!(
            state
                .give_back(11, at("2024-03-06T11:00:00+08:00"), "not ours".into())
                .is_ok()
        );
        assert_eq!(
            (state.handler, state.role, state.returns),
            (Some(20), HandlerRole::Assigned, 1)
        );
        assert_eq!(state.ack_due_at, None, "the leader holds it until reassigned");
        assert!(
            state
                .reassign(20, 30, at("2024-03-07T09:00:00+08:00"), &calendar, None)
                .is_ok()
        );
        assert_eq!(state.handler, Some(30));
        assert_eq!(state.resolve_due_at, resolve_due);
        assert_eq!(
            state.ack_due_at.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-09T00:00:00+08:00")
        );
    }
}
