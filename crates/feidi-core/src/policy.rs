//! Who may do what: the one place where access is decided.

use crate::model::Role;

/// The caller of a request, as authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub role: Role,
    /// Set for enterprise users: the only enterprise they may see.
    pub enterprise_id: Option<i64>,
}

/// Which records of enterprise-owned kinds the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Only the records of this enterprise (and those not tied to any enterprise are hidden).
    Enterprise(i64),
}

/// The kinds of records that access rules speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Jurisdiction,
    Zone,
    Enterprise,
    Project,
    User,
    Audit,
    /// Monthly investment reports.
    Report,
    /// The programme as a whole: its stages and goals (M4) and the cockpit (M9).
    Programme,
    /// Enterprise appeals (M5); what one may do to a given appeal is `appeals::may_act`'s.
    Appeal,
    /// The working-day calendar and the appeal categories.
    Calendar,
    /// Task forces and officials' absences.
    Organisation,
    /// Parcels and their pipeline (M6).
    Land,
    /// Resettled households and their compensation (M6): people's names and identities.
    Resettlement,
}

impl Entity {
    /// Whether those who may not read it are not told it exists: they get "not found", as
    /// for a record that is not there, rather than "forbidden".
    pub fn is_private(self) -> bool {
        self == Entity::Resettlement
    }
}

/// What an official's appeals inbox holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inbox {
    /// Also the leaders' supervision list.
    pub supervision: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
    /// Approve or return what others submitted.
    Review,
}

impl Principal {
    /// The records the caller may see.
    pub fn scope(&self) -> Scope {
        match (self.role, self.enterprise_id) {
            (Role::Enterprise, Some(id)) => Scope::Enterprise(id),
            // An enterprise user not tied to an enterprise sees no enterprise's records.
            (Role::Enterprise, None) => Scope::Enterprise(0),
            _ => Scope::All,
        }
    }

    /// The enterprise an enterprise user acts for (its appeals are submitted for it alone);
    /// none for everyone else, who may act for any.
    pub fn own_enterprise(&self) -> Option<i64> {
        self.enterprise_id.filter(|_| self.role == Role::Enterprise)
    }

    /// Whether the caller may unlock an approved report: admins.
    pub fn may_reopen_reports(&self) -> bool {
        self.role == Role::Admin
    }

    /// An enterprise's own user (the enterprise portal), not an official.
    pub fn is_enterprise(&self) -> bool {
        self.role == Role::Enterprise
    }

    /// Whether the caller may give an appeal a past submission time: admins loading history.
    pub fn may_backdate_appeals(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the caller may keep `user_id`'s absences: their own, or those who keep the
    /// organisation (staff, admins).
    pub fn may_keep_absences_of(&self, user_id: i64) -> bool {
        self.user_id == user_id || self.may(Action::Write, Entity::Organisation)
    }

    /// The caller's appeals inbox: none for enterprises; officials see what they handle, and
    /// leaders and admins also what is on the supervision list (escalated, held by no one).
    pub fn inbox(&self) -> Option<Inbox> {
        match self.role {
            Role::Enterprise => None,
            Role::Leader | Role::Admin => Some(Inbox { supervision: true }),
            _ => Some(Inbox { supervision: false }),
        }
    }

    /// Whether the caller may do `action` on records of kind `entity` at all; which records,
    /// for reads, is [`Principal::scope`]'s answer.
    pub fn may(&self, action: Action, entity: Entity) -> bool {
        use Action::*;
        use Entity::*;
        matches!(
            (self.role, action, entity),
            (Role::Admin, _, _)
                | (_, Read, Jurisdiction | Zone | Enterprise | Project)
                | (Role::Staff, Write, Jurisdiction | Zone | Enterprise | Project)
                | (Role::Leader | Role::Staff, Read, Audit)
                | (_, Read, Report)
                | (Role::Reporter | Role::Enterprise | Role::Staff, Write, Report)
                | (Role::Staff, Review, Report)
                | (
                    Role::Leader | Role::Staff | Role::Reporter | Role::Finance,
                    Read,
                    Programme
                )
                | (Role::Staff, Write, Programme)
                | (_, Read, Appeal | Calendar)
                | (Role::Enterprise | Role::Staff | Role::Leader, Write, Appeal)
                | (
                    Role::Leader | Role::Staff | Role::Finance | Role::Reporter,
                    Read,
                    Organisation
                )
                | (Role::Staff | Role::Leader, Write, Organisation)
                | (
                    Role::Leader | Role::Staff | Role::Finance | Role::Reporter,
                    Read,
                    Land
                )
                | (Role::Staff, Write, Land)
                | (Role::Leader | Role::Staff, Read, Resettlement)
                | (Role::Staff, Write, Resettlement)
        )
    }

    /// Whether the caller may attach files to an appeal they can see: those who write appeals
    /// (the enterprise, staff on its behalf, the officials handling it), until it is closed.
    pub fn may_attach(&self, closed: bool) -> bool {
        !closed && self.may(Action::Write, Entity::Appeal)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, enterprise_id: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            role,
            enterprise_id,
        }
    }

    #[test]
    fn appeals_desk_rules_by_role() {
        let firm = who(Role::Enterprise, Some(7));
        assert_eq!(firm.own_enterprise(), Some(7));
        assert_eq!(who(Role::Staff, None).own_enterprise(), None);
        assert_eq!(firm.inbox(), None, "an enterprise has no inbox");
        assert_eq!(who(Role::Staff, None).inbox(), Some(Inbox { supervision: false }));
        assert_eq!(who(Role::Leader, None).inbox(), Some(Inbox { supervision: true }));
        assert_eq!(who(Role::Admin, None).inbox(), Some(Inbox { supervision: true }));
        assert!(who(Role::Admin, None).may_backdate_appeals());
        assert!(!who(Role::Staff, None).may_backdate_appeals());
        // Absences: one's own, or the organisation's keepers'.
        assert!(who(Role::Reporter, None).may_keep_absences_of(1));
        assert!(!who(Role::Reporter, None).may_keep_absences_of(2));
        assert!(who(Role::Staff, None).may_keep_absences_of(2));
        assert!(!firm.may_keep_absences_of(2));
    }

    #[test]
    fn households_are_for_admins_leaders_and_staff_and_hidden_from_the_rest() {
        for role in Role::ALL {
            let who = who(*role, None);
            assert_eq!(
                who.may(Action::Read, Entity::Resettlement),
                matches!(role, Role::Admin | Role::Leader | Role::Staff),
                "{role}"
            );
            assert_eq!(
                who.may(Action::Write, Entity::Resettlement),
                matches!(role, Role::Admin | Role::Staff),
                "{role}"
            );
        }
        assert!(Entity::Resettlement.is_private() && !Entity::Land.is_private());
    }

    #[test]
    fn enterprise_users_are_scoped_to_their_enterprise() {
        assert_eq!(who(Role::Enterprise, Some(7)).scope(), Scope::Enterprise(7));
        assert_eq!(who(Role::Enterprise, None).scope(), Scope::Enterprise(0));
        assert_eq!(who(Role::Leader, None).scope(), Scope::All);
    }

    #[test]
    fn only_admins_and_staff_change_the_registry() {
        for role in Role::ALL {
            let may = who(*role, None).may(Action::Write, Entity::Project);
            assert_eq!(may, matches!(role, Role::Admin | Role::Staff), "{role}");
        }
        assert!(!who(Role::Staff, None).may(Action::Write, Entity::User));
        assert!(!who(Role::Enterprise, Some(1)).may(Action::Read, Entity::Audit));
        assert!(who(Role::Reporter, None).may(Action::Write, Entity::Report));
        assert!(!who(Role::Reporter, None).may(Action::Review, Entity::Report));
        assert!(who(Role::Staff, None).may(Action::Review, Entity::Report));
        assert!(!who(Role::Leader, None).may(Action::Write, Entity::Report));
        // The programme's figures are not for one enterprise's eyes.
        assert!(who(Role::Leader, None).may(Action::Read, Entity::Programme));
        assert!(!who(Role::Enterprise, Some(1)).may(Action::Read, Entity::Programme));
        assert!(!who(Role::Leader, None).may(Action::Write, Entity::Programme));
        // Enterprises submit appeals; only admins keep the calendar.
        assert!(who(Role::Enterprise, Some(1)).may(Action::Write, Entity::Appeal));
        assert!(!who(Role::Staff, None).may(Action::Write, Entity::Calendar));
        assert!(!who(Role::Enterprise, Some(1)).may(Action::Read, Entity::Organisation));
    }
}
