//! What the intake announces about an event: its type as the templates name
//! it, the subject it is about, and the few parameters the texts need.
//!
//! The parameters are the contract with whatever renders the texts (the
//! e-mails, the site's feed): a flat map of strings, stored as a JSON object
//! in `feed_items.params` and `deliveries.params`. They only ever hold what
//! is public or the recipient's own: a title made public, a status, the
//! commune's public message or reason, dates, the commune's INSEE code. Never
//! another person's name, account id or address, never the body of a
//! question or comment, a flag's reason or an internal note.
//!
//! Keys ([`param`]): every announcement has `commune` and, when the subject is
//! known, `title`; then, by type:
//! - `report_*`: `status`; `category` and `department` on `report_submitted`
//!   and `report_assigned`; `message` (the commune's public message) on
//!   acknowledged, work started, resolved, merged and reopened; `reason` on
//!   rejected; `into` (the kept report's resource name) on merged;
//! - `question_asked`: `answer_due_at_us`; `question_answered`: `message`
//!   (the official answer); `question_redirected`: `message`, `report`;
//! - `comment_posted`: `kind` (what was commented: report, question…);
//! - `proposal_threshold_reached`: `supports`, `answer_due_at_us`;
//!   `proposal_answered`: `message`;
//! - `content_hidden`, `content_restored`, `appeal_dismissed`: `kind`,
//!   `reason` (the moderator's public reason); `hiding_appealed`,
//!   `content_flagged`: `kind`;
//! - `publication_*`: `kind`, `space`; `published_at_us` on published;
//!   `summary_of_change` on amended; `reason` on archived.

use std::collections::BTreeMap;

/// What happened, as the templates name it (`feed_items.event_type`,
/// `deliveries.event_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    ReportSubmitted,
    ReportAcknowledged,
    ReportWorkStarted,
    ReportResolved,
    ReportRejected,
    ReportMerged,
    ReportReopened,
    ReportAssigned,
    QuestionAsked,
    QuestionAnswered,
    QuestionRedirected,
    CommentPosted,
    ProposalSubmitted,
    ProposalThresholdReached,
    ProposalAnswered,
    ContentHidden,
    ContentRestored,
    AppealDismissed,
    HidingAppealed,
    ContentFlagged,
    PublicationPublished,
    PublicationAmended,
    PublicationArchived,
}

impl EventType {
    pub const ALL: [EventType; 23] = [
        EventType::ReportSubmitted,
        EventType::ReportAcknowledged,
        EventType::ReportWorkStarted,
        EventType::ReportResolved,
        EventType::ReportRejected,
        EventType::ReportMerged,
        EventType::ReportReopened,
        EventType::ReportAssigned,
        EventType::QuestionAsked,
        EventType::QuestionAnswered,
        EventType::QuestionRedirected,
        EventType::CommentPosted,
        EventType::ProposalSubmitted,
        EventType::ProposalThresholdReached,
        EventType::ProposalAnswered,
        EventType::ContentHidden,
        EventType::ContentRestored,
        EventType::AppealDismissed,
        EventType::HidingAppealed,
        EventType::ContentFlagged,
        EventType::PublicationPublished,
        EventType::PublicationAmended,
        EventType::PublicationArchived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ReportSubmitted => "report_submitted",
            EventType::ReportAcknowledged => "report_acknowledged",
            EventType::ReportWorkStarted => "report_work_started",
            EventType::ReportResolved => "report_resolved",
            EventType::ReportRejected => "report_rejected",
            EventType::ReportMerged => "report_merged",
            EventType::ReportReopened => "report_reopened",
            EventType::ReportAssigned => "report_assigned",
            EventType::QuestionAsked => "question_asked",
            EventType::QuestionAnswered => "question_answered",
            EventType::QuestionRedirected => "question_redirected",
            EventType::CommentPosted => "comment_posted",
            EventType::ProposalSubmitted => "proposal_submitted",
            EventType::ProposalThresholdReached => "proposal_threshold_reached",
            EventType::ProposalAnswered => "proposal_answered",
            EventType::ContentHidden => "content_hidden",
            EventType::ContentRestored => "content_restored",
            EventType::AppealDismissed => "appeal_dismissed",
            EventType::HidingAppealed => "hiding_appealed",
            EventType::ContentFlagged => "content_flagged",
            EventType::PublicationPublished => "publication_published",
            EventType::PublicationAmended => "publication_amended",
            EventType::PublicationArchived => "publication_archived",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == raw)
    }

    /// Its webhook type (one of [`crate::domain::webhook::EVENT_TYPES`]);
    /// `None` for moderation, which is about people and for their feed only.
    pub fn webhook_type(self) -> Option<&'static str> {
        Some(match self {
            EventType::ReportSubmitted => "report.submitted",
            EventType::ReportAcknowledged => "report.acknowledged",
            EventType::ReportWorkStarted => "report.work_started",
            EventType::ReportResolved => "report.resolved",
            EventType::ReportRejected => "report.rejected",
            EventType::ReportMerged => "report.merged",
            EventType::ReportReopened => "report.reopened",
            EventType::ReportAssigned => "report.assigned",
            EventType::QuestionAsked => "question.asked",
            EventType::QuestionAnswered => "question.answered",
            EventType::QuestionRedirected => "question.redirected",
            EventType::CommentPosted => "comment.posted",
            EventType::ProposalSubmitted => "proposal.submitted",
            EventType::ProposalThresholdReached => "proposal.threshold_reached",
            EventType::ProposalAnswered => "proposal.answered",
            EventType::PublicationPublished => "publication.published",
            EventType::PublicationAmended => "publication.amended",
            EventType::PublicationArchived => "publication.archived",
            EventType::ContentHidden
            | EventType::ContentRestored
            | EventType::AppealDismissed
            | EventType::HidingAppealed
            | EventType::ContentFlagged => return None,
        })
    }
}

/// The parameters' keys (see the module's documentation for which type has which).
pub mod param {
    pub const COMMUNE: &str = "commune";
    pub const TITLE: &str = "title";
    pub const STATUS: &str = "status";
    pub const CATEGORY: &str = "category";
    pub const DEPARTMENT: &str = "department";
    pub const MESSAGE: &str = "message";
    pub const REASON: &str = "reason";
    pub const INTO: &str = "into";
    pub const REPORT: &str = "report";
    pub const KIND: &str = "kind";
    pub const SPACE: &str = "space";
    pub const SUPPORTS: &str = "supports";
    pub const ANSWER_DUE_AT_US: &str = "answer_due_at_us";
    pub const PUBLISHED_AT_US: &str = "published_at_us";
    pub const SUMMARY_OF_CHANGE: &str = "summary_of_change";
}

/// The parameters of one announcement: a flat map of strings (empty values are left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(BTreeMap<&'static str, String>);

impl Params {
    pub fn new(commune: &str) -> Self {
        Self::default().with(param::COMMUNE, commune)
    }

    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.is_empty() {
            self.0.insert(key, value);
        }
        self
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The stored form: a JSON object of strings, keys in order (so the same
    /// event always gives the same bytes).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// What the intake writes for each recipient of one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    pub event_type: EventType,
    pub commune: String,
    /// The resource it is about (`communes/{insee}/reports/{id}`…).
    pub subject: String,
    pub params: Params,
    /// When recipients hear of it: the event's time, or a scheduled
    /// publication's later time (its feed item shows from then, and its
    /// e-mail is due then).
    pub occurred_at_us: i64,
    /// Only in the feed, whatever the recipient's cadence: moderators' work
    /// items (a flag, an appeal) are for the site, not for their mailbox.
    pub feed_only: bool,
}

impl Announcement {
    pub fn new(event_type: EventType, subject: &str, params: Params, occurred_at_us: i64) -> Self {
        Self {
            event_type,
            commune: params.get(param::COMMUNE).unwrap_or_default().to_owned(),
            subject: subject.to_owned(),
            params,
            occurred_at_us,
            feed_only: false,
        }
    }

    pub fn feed_only(mut self) -> Self {
        self.feed_only = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_has_one_name() {
        let names: std::collections::BTreeSet<_> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names.len(), EventType::ALL.len());
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
        assert_eq!(EventType::parse("report_deleted"), None);
    }

    #[test]
    fn every_webhook_type_is_one_endpoints_may_filter_on_and_each_is_announced() {
        use crate::domain::webhook::EVENT_TYPES;
        let types: Vec<&str> = EventType::ALL.iter().filter_map(|t| t.webhook_type()).collect();
        assert_eq!(types, EVENT_TYPES, "the same types, in the same order");
        assert_eq!(EventType::ContentFlagged.webhook_type(), None);
    }

    #[test]
    fn params_are_a_flat_object_of_strings_without_empty_values() {
        let params = Params::new("75056").with(param::TITLE, "Nid-de-poule").with(param::MESSAGE, "");
        assert_eq!(params.to_json(), r#"{"commune":"75056","title":"Nid-de-poule"}"#);
    }
}
