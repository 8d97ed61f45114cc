//! The kind-specific parts of a publication, checked field by field.

use miroir_proto::publications::v1 as pb;

use super::publication::{DomainError, Kind, invalid};

const MAX_LABEL_CHARS: usize = 200;
const MAX_ITEMS: usize = 200;

/// Checks `details` against `kind`: only the part matching the kind may be
/// set, and a project, decision or budget needs its part.
pub fn check(kind: Kind, details: Option<pb::PublicationDetails>) -> Result<pb::PublicationDetails, DomainError> {
    let details = details.unwrap_or_default();
    let wrong = |field: &str| invalid(format!("details.{field}"), format!("is only for a {field} publication"));
    match (&details.project, kind) {
        (Some(project), Kind::Project) => self::project(project)?,
        (None, Kind::Project) => return Err(invalid("details.project", "is required for a project")),
        (Some(_), _) => return Err(wrong("project")),
        (None, _) => {}
    }
    match (&details.decision, kind) {
        (Some(decision), Kind::Decision) => self::decision(decision)?,
        (None, Kind::Decision) => return Err(invalid("details.decision", "is required for a council decision")),
        (Some(_), _) => return Err(wrong("decision")),
        (None, _) => {}
    }
    match (&details.budget, kind) {
        (Some(budget), Kind::Budget) => self::budget(budget)?,
        (None, Kind::Budget) => return Err(invalid("details.budget", "is required for a budget")),
        (Some(_), _) => return Err(wrong("budget")),
        (None, _) => {}
    }
    match (&details.follow_up, kind) {
        (Some(follow_up), Kind::FollowUp) => {
            if uuid::Uuid::parse_str(&follow_up.project_publication_id).is_err() {
                return Err(invalid("details.follow_up.project_publication_id", "must be a publication id"));
            }
        }
        (None, Kind::FollowUp) => {
            return Err(invalid("details.follow_up", "is required: which commune project this note follows"));
        }
        (Some(_), _) => return Err(wrong("follow_up")),
        (None, _) => {}
    }
    Ok(details)
}

fn label(field: String, text: &str, required: bool) -> Result<(), DomainError> {
    let chars = text.trim().chars().count();
    if required && chars == 0 {
        return Err(invalid(field, "is required"));
    }
    if chars > MAX_LABEL_CHARS || text.chars().any(char::is_control) {
        return Err(invalid(field, format!("must be at most {MAX_LABEL_CHARS} characters on one line")));
    }
    Ok(())
}

/// A calendar date written "YYYY-MM-DD".
pub fn valid_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return false };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 || !date.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else { return false };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2200).contains(&y) && (1..=days).contains(&d)
}

fn project(p: &pb::ProjectDetails) -> Result<(), DomainError> {
    let status = pb::ProjectStatus::try_from(p.status).unwrap_or(pb::ProjectStatus::Unspecified);
    if status == pb::ProjectStatus::Unspecified {
        return Err(invalid("details.project.status", "must be planned, in progress, done or abandoned"));
    }
    match status {
        pb::ProjectStatus::Abandoned => label("details.project.abandoned_reason".into(), &p.abandoned_reason, true)?,
        _ if !p.abandoned_reason.is_empty() => {
            return Err(invalid("details.project.abandoned_reason", "is only for an abandoned project"));
        }
        _ => {}
    }
    if p.budget_planned_cents < 0 {
        return Err(invalid("details.project.budget_planned_cents", "must not be negative"));
    }
    if p.budget_spent_cents < 0 {
        return Err(invalid("details.project.budget_spent_cents", "must not be negative"));
    }
    if p.progress_percent > 100 {
        return Err(invalid("details.project.progress_percent", "must be between 0 and 100"));
    }
    if p.funding_sources.len() > MAX_ITEMS {
        return Err(invalid("details.project.funding_sources", format!("must be at most {MAX_ITEMS}")));
    }
    for (i, source) in p.funding_sources.iter().enumerate() {
        label(format!("details.project.funding_sources[{i}]"), source, true)?;
    }
    if let Some(location) = &p.location {
        if !(-90.0..=90.0).contains(&location.latitude) {
            return Err(invalid("details.project.location.latitude", "must be between -90 and 90"));
        }
        if !(-180.0..=180.0).contains(&location.longitude) {
            return Err(invalid("details.project.location.longitude", "must be between -180 and 180"));
        }
        label("details.project.location.address".into(), &location.address, false)?;
    }
    if p.milestones.len() > MAX_ITEMS {
        return Err(invalid("details.project.milestones", format!("must be at most {MAX_ITEMS}")));
    }
    for (i, milestone) in p.milestones.iter().enumerate() {
        label(format!("details.project.milestones[{i}].title"), &milestone.title, true)?;
        if !valid_date(&milestone.date) {
            return Err(invalid(format!("details.project.milestones[{i}].date"), "must be a date YYYY-MM-DD"));
        }
    }
    label("details.project.responsible_department".into(), &p.responsible_department, false)
}

fn decision(d: &pb::DecisionDetails) -> Result<(), DomainError> {
    if !valid_date(&d.session_date) {
        return Err(invalid("details.decision.session_date", "must be a date YYYY-MM-DD"));
    }
    label("details.decision.number".into(), &d.number, true)?;
    if d.related_publication_ids.len() > MAX_ITEMS {
        return Err(invalid("details.decision.related_publication_ids", format!("must be at most {MAX_ITEMS}")));
    }
    for (i, id) in d.related_publication_ids.iter().enumerate() {
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(invalid(format!("details.decision.related_publication_ids[{i}]"), "must be a publication id"));
        }
    }
    Ok(())
}

fn budget(b: &pb::BudgetDetails) -> Result<(), DomainError> {
    if !(1900..=2200).contains(&b.year) {
        return Err(invalid("details.budget.year", "must be a year between 1900 and 2200"));
    }
    if b.lines.len() > MAX_ITEMS {
        return Err(invalid("details.budget.lines", format!("must be at most {MAX_ITEMS}")));
    }
    for (i, line) in b.lines.iter().enumerate() {
        label(format!("details.budget.lines[{i}].label"), &line.label, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<pb::PublicationDetails, DomainError>) -> String {
        match result {
            Err(DomainError::Invalid { field, .. }) => field,
            other => format!("{other:?}"),
        }
    }

    fn project(edit: impl FnOnce(&mut pb::ProjectDetails)) -> Option<pb::PublicationDetails> {
        let mut p = pb::ProjectDetails {
            status: pb::ProjectStatus::InProgress as i32,
            budget_planned_cents: 1_000_000,
            progress_percent: 40,
            milestones: vec![pb::Milestone {
                title: "Début des travaux".into(),
                date: "2026-03-02".into(),
                done: true,
            }],
            ..Default::default()
        };
        edit(&mut p);
        Some(pb::PublicationDetails { project: Some(p), ..Default::default() })
    }

    #[test]
    fn dates_are_real_calendar_days() {
        for good in ["2026-01-31", "2024-02-29", "2000-02-29"] {
            assert!(valid_date(good), "{good}");
        }
        for bad in ["", "2026-1-31", "2026-02-29", "1900-02-29", "2026-13-01", "2026-04-31", "20260131", "+026-01-01"] {
            assert!(!valid_date(bad), "{bad}");
        }
    }

    #[test]
    fn a_project_is_checked_field_by_field() {
        assert!(check(Kind::Project, project(|_| {})).is_ok());
        assert_eq!(field(check(Kind::Project, None)), "details.project");
        assert_eq!(
            field(check(Kind::Project, project(|p| p.progress_percent = 101))),
            "details.project.progress_percent"
        );
        assert_eq!(field(check(Kind::Project, project(|p| p.status = 0))), "details.project.status");
        assert_eq!(
            field(check(Kind::Project, project(|p| p.status = pb::ProjectStatus::Abandoned as i32))),
            "details.project.abandoned_reason"
        );
        assert_eq!(
            field(check(Kind::Project, project(|p| p.budget_spent_cents = -1))),
            "details.project.budget_spent_cents"
        );
        assert_eq!(
            field(check(Kind::Project, project(|p| p.milestones[0].date = "demain".into()))),
            "details.project.milestones[0].date"
        );
    }

    #[test]
    fn details_must_match_the_kind() {
        assert_eq!(field(check(Kind::News, project(|_| {}))), "details.project");
        assert!(check(Kind::News, None).is_ok());
        assert_eq!(field(check(Kind::Decision, None)), "details.decision");
        assert_eq!(field(check(Kind::FollowUp, None)), "details.follow_up");
        let follows = |id: &str| {
            Some(pb::PublicationDetails {
                follow_up: Some(pb::FollowUpDetails { project_publication_id: id.into() }),
                ..Default::default()
            })
        };
        assert!(check(Kind::FollowUp, follows("0190c0de-0000-7000-8000-000000000000")).is_ok());
        assert_eq!(field(check(Kind::FollowUp, follows("p1"))), "details.follow_up.project_publication_id");
        assert_eq!(field(check(Kind::Post, follows("0190c0de-0000-7000-8000-000000000000"))), "details.follow_up");
        let budget = |year, label: &str| {
            Some(pb::PublicationDetails {
                budget: Some(pb::BudgetDetails {
                    year,
                    lines: vec![pb::BudgetLine { label: label.into(), amount_cents: 5 }],
                }),
                ..Default::default()
            })
        };
        assert!(check(Kind::Budget, budget(2026, "Voirie")).is_ok());
        assert_eq!(field(check(Kind::Budget, budget(26, "Voirie"))), "details.budget.year");
        assert_eq!(field(check(Kind::Budget, budget(2026, " "))), "details.budget.lines[0].label");
    }
}
