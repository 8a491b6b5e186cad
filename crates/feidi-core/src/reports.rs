//! The monthly report's lifecycle (M3) as a state machine: submitted → approved, or returned
//! with a reason → corrected and submitted again; an approved report is locked until an admin
//! reopens it. Who may take each step is `policy`'s to say; this says which steps a report's
//! state allows.

use serde::Serialize;

/// Where a monthly report stands.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Submitted,
    Approved,
    Returned,
}

impl ReportStatus {
    pub const ALL: [Self; 3] = [Self::Submitted, Self::Approved, Self::Returned];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Returned => "returned",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A step in a report's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStep {
    /// The first submission, or a correction of a submitted or returned one.
    Submit,
    Approve,
    /// Back to the reporter, with a reason.
    Return,
    /// An approved report unlocked again (admins).
    Reopen,
}

/// A step the report's state does not allow: the state it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotNow(pub ReportStatus);

/// The state `step` leads to from `current` (none: no report yet for that month). A report
/// that does not exist can only be submitted; the caller answers "not found" for the others.
pub fn next(current: Option<ReportStatus>, step: ReportStep) -> Result<ReportStatus, NotNow> {
    use ReportStatus::{Approved, Returned, Submitted};
    match (current, step) {
        (None | Some(Submitted | Returned), ReportStep::Submit) => Ok(Submitted),
        (Some(Submitted), ReportStep::Approve) => Ok(Approved),
        (Some(Submitted), ReportStep::Return) => Ok(Returned),
        (Some(Approved), ReportStep::Reopen) => Ok(Submitted),
        (Some(state), _) => Err(NotNow(state)),
        // Nothing to review: never reached through the store, which answers not found first.
        (None, _) => Err(NotNow(Submitted)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportStatus::{Approved, Returned, Submitted};
    use ReportStep::{Approve, Reopen, Return, Submit};

    #[test]
    fn each_state_allows_only_its_steps() {
        let table = [
            (None, Submit, Ok(Submitted)),
            (Some(Submitted), Submit, Ok(Submitted)),
            (Some(Returned), Submit, Ok(Submitted)),
            (Some(Approved), Submit, Err(NotNow(Approved))),
            (Some(Submitted), Approve, Ok(Approved)),
            (Some(Returned), Approve, Err(NotNow(Returned))),
            (Some(Approved), Approve, Err(NotNow(Approved))),
            (Some(Submitted), Return, Ok(Returned)),
            (Some(Returned), Return, Err(NotNow(Returned))),
            (Some(Approved), Return, Err(NotNow(Approved))),
            (Some(Approved), Reopen, Ok(Submitted)),
            (Some(Submitted), Reopen, Err(NotNow(Submitted))),
            (Some(Returned), Reopen, Err(NotNow(Returned))),
        ];
        for (from, step, to) in table {
            assert_eq!(next(from, step), to, "{from:?} {step:?}");
        }
    }

    #[test]
    fn states_read_back_as_written() {
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ReportStatus::parse("draft"), None);
    }
}
