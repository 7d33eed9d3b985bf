//! What an action just did, as the page it lands on says it: every action that changes something
//! goes on to a page with `?done=<word>`, and [`crate::components::Page`] shows the word's
//! sentence at the top, announced to screen readers. One list, so every action says it the same
//! way (and a link cannot make a page say anything else).

use super::wire_enum::wire_enum;

wire_enum! {
    /// An action that just succeeded.
    pub enum Done {
        DomainCreated = "domain-created", "The domain is created. Add its users next: one by one with New user, or many at once with Import.";
        DomainSaved = "domain-saved", "The domain's settings are saved.";
        DomainDeleted = "domain-deleted", "The domain is deleted, with everything in it.";
        ResellerCreated = "reseller-created", "The reseller is created: domains can name it now.";
        ResellerSaved = "reseller-saved", "The reseller's changes are saved.";
        ResellerDeleted = "reseller-deleted", "The reseller is deleted.";
        UserCreated = "user-created", "The user is created.";
        UserSaved = "user-saved", "The user's changes are saved.";
        UserDeleted = "user-deleted", "The user is deleted.";
        SiteCreated = "site-created", "The site is created.";
        SiteRenamed = "site-renamed", "The site is renamed; its users went with it.";
        SiteDeleted = "site-deleted", "The site is deleted.";
        SiteSaved = "site-saved", "The site's settings are saved; its users follow them where they have none of their own.";
        NumbersAdded = "numbers-added", "The numbers are added.";
        NumberRouted = "number-routed", "The number now rings where you chose.";
        NumberReleased = "number-released", "The number is released: the domain no longer has it.";
        DeviceAdded = "device-added", "The device is added.";
        DeviceRenamed = "device-renamed", "The device is renamed: its phone must register with the new name.";
        DeviceMoved = "device-moved", "The device is moved: it now rings its new user.";
        DevicePasswordReset = "device-password-reset", "The device has a new SIP password: set its phone up with it.";
        DeviceDeleted = "device-deleted", "The device is deleted.";
        QueueCreated = "callqueue-created", "The call queue is created. Add its agents below.";
        QueueSaved = "callqueue-saved", "The call queue's settings are saved.";
        QueueDeleted = "callqueue-deleted", "The call queue is deleted; its agents' users stay.";
        AgentAdded = "agent-added", "The agent is added, logged in.";
        AgentRemoved = "agent-removed", "The agent is taken out of the queue; its user stays.";
        AgentStatusSet = "agent-status-set", "The agent's status is set.";
        TimeFrameCreated = "timeframe-created", "The time frame is created: answer rules can name it now.";
        TimeFrameSaved = "timeframe-saved", "The time frame is saved.";
        TimeFrameDeleted = "timeframe-deleted", "The time frame is deleted.";
        AnswerRuleSaved = "answerrule-saved", "The answer rule is saved: calls follow it while its time frame holds.";
        AnswerRuleMoved = "answerrule-moved", "The answer rule is changed: calls follow the new order.";
        AnswerRuleDeleted = "answerrule-deleted", "The answer rule is deleted.";
    }
}

impl Done {
    /// `path` (which may hold a query already) with this outcome added for its page to show.
    pub fn at(self, path: &str) -> String {
        let joiner = if path.contains('?') { '&' } else { '?' };
        format!("{path}{joiner}done={}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Parse;

    #[test]
    fn an_outcome_rides_on_the_landing_page_and_reads_back() {
        assert_eq!(
            Done::UserSaved.at("/domains/a.example/users/101"),
            "/domains/a.example/users/101?done=user-saved"
        );
        assert_eq!(
            Done::UserDeleted.at("/x?page=2"),
            "/x?page=2&done=user-deleted"
        );
        for done in Done::ALL {
            assert_eq!(Done::parse(done.as_str()).unwrap(), done);
        }
        assert!(Done::parse("anything you like").is_err());
    }
}
