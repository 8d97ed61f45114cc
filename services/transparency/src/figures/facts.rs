//! What the figures are computed from: one plain row per thing the logs speak
//! of, as the projections keep it. No personal data: no author, no text
//! written by a resident.

/// A registered commune (identity's log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneFact {
    pub commune: String,
    pub name: String,
    pub departement: String,
    /// The commune's public commitment on the time to a first response.
    pub commitment_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportState {
    /// Anonymous and not verified yet: not public, not counted.
    Pending,
    Open,
    Resolved,
    Rejected,
    /// Merged into another report (a duplicate).
    Merged,
}

impl ReportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Pending => "pending",
            ReportState::Open => "open",
            ReportState::Resolved => "resolved",
            ReportState::Rejected => "rejected",
            ReportState::Merged => "merged",
        }
    }

    pub fn parse(raw: &str) -> Self {
        match raw {
            "open" => ReportState::Open,
            "resolved" => ReportState::Resolved,
            "rejected" => ReportState::Rejected,
            "merged" => ReportState::Merged,
            _ => ReportState::Pending,
        }
    }
}

/// A problem report (reports' log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFact {
    pub commune: String,
    pub category: String,
    /// When it became public: its submission, or the verification of an anonymous one.
    pub received_us: Option<i64>,
    /// The commune's first public step on it (acknowledged, work started, resolved, rejected, merged).
    pub first_response_us: Option<i64>,
    /// Its last resolution (cleared when reopened).
    pub resolved_us: Option<i64>,
    pub rejected_us: Option<i64>,
    pub state: ReportState,
}

/// A public question to the commune (dialogue's log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionFact {
    pub commune: String,
    pub asked_us: i64,
    /// The deadline of the commune's commitment when it was asked.
    pub due_us: i64,
    /// The first official answer.
    pub answered_us: Option<i64>,
    pub on_time: bool,
    /// Sent to the reports workflow instead of being answered.
    pub redirected_us: Option<i64>,
}

/// A citizen proposal (dialogue's log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalFact {
    pub commune: String,
    pub submitted_us: i64,
    /// When its supports reached the threshold that obliges an official answer.
    pub reached_us: Option<i64>,
    pub due_us: Option<i64>,
    pub answered_us: Option<i64>,
    pub on_time: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Official,
    Citizen,
}

/// What a project publication says of its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFact {
    pub title: String,
    /// "planned", "in_progress", "done", "abandoned".
    pub status: String,
    pub planned_cents: i64,
    pub spent_cents: i64,
    pub progress_percent: u32,
}

/// A publication of either space (publications' log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationFact {
    pub publication_id: String,
    pub commune: String,
    pub space: Space,
    /// When it is (or will be) visible; `None` for a draft.
    pub published_us: Option<i64>,
    pub archived: bool,
    pub project: Option<ProjectFact>,
}

/// Everything one scope's figures are computed from.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub communes: Vec<CommuneFact>,
    pub reports: Vec<ReportFact>,
    pub questions: Vec<QuestionFact>,
    pub proposals: Vec<ProposalFact>,
    pub publications: Vec<PublicationFact>,
}
