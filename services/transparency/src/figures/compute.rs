//! The figures of a scope, computed from its facts: pure functions, the time
//! comes in [`Period`]. Everything counts over the period (the last `months`
//! months, this one included) except the backlog (open now) and the budgets
//! (the published projects as they stand).

use std::collections::{BTreeMap, HashMap};

use miroir_proto::transparency::v1 as pb;

use super::facts::{Facts, ReportFact, ReportState, Space};
use super::stats::median_and_p90;
use crate::calendar::YearMonth;

/// The commitment assumed for a commune identity has not told us about (as dialogue does).
pub const DEFAULT_COMMITMENT_DAYS: u32 = 15;
/// The largest projects a dashboard lists.
pub const LARGEST_PROJECTS: usize = 50;

const DAY_US: i64 = 86_400 * 1_000_000;

/// What a dashboard covers.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub now_us: i64,
    /// 1..=36.
    pub months: u32,
}

impl Period {
    pub fn months(&self) -> Vec<YearMonth> {
        YearMonth::of_us(self.now_us).last(self.months)
    }

    /// The first month of the period.
    fn first(&self) -> YearMonth {
        self.months().first().copied().unwrap_or_else(|| YearMonth::of_us(self.now_us))
    }

    /// Inside the period: from its first month on, and not in the future.
    fn contains(&self, at_us: i64) -> bool {
        at_us <= self.now_us && YearMonth::of_us(at_us) >= self.first()
    }
}

/// The dashboard of everything in `facts` (one commune, a département, the
/// country). Scope, name and positions are the caller's.
pub fn dashboard(facts: &Facts, period: Period) -> pb::Dashboard {
    let commitments: HashMap<&str, u32> =
        facts.communes.iter().map(|c| (c.commune.as_str(), c.commitment_days)).collect();
    pb::Dashboard {
        communes: facts.communes.len() as u64,
        computed_at_us: period.now_us,
        reports: Some(reports(facts, &commitments, period)),
        questions: Some(questions(facts, period)),
        proposals: Some(proposals(facts, period)),
        publications_by_month: publications_by_month(facts, period),
        budgets: Some(budgets(facts, period)),
        ..Default::default()
    }
}

fn commitment_of(commitments: &HashMap<&str, u32>, commune: &str) -> u32 {
    commitments.get(commune).copied().filter(|d| *d > 0).unwrap_or(DEFAULT_COMMITMENT_DAYS)
}

fn durations(mut values: Vec<i64>) -> pb::Durations {
    let count = values.len() as u64;
    let (median_seconds, p90_seconds) = median_and_p90(&mut values);
    pb::Durations { count, median_seconds, p90_seconds }
}

fn received_in(report: &ReportFact, period: Period) -> Option<i64> {
    report.received_us.filter(|at| period.contains(*at))
}

fn reports(facts: &Facts, commitments: &HashMap<&str, u32>, period: Period) -> pb::Reports {
    let months = period.months();
    let mut by_month: BTreeMap<YearMonth, pb::MonthReports> =
        months.iter().map(|m| (*m, pb::MonthReports { month: m.label(), ..Default::default() })).collect();
    let mut by_category: BTreeMap<&str, pb::CategoryReports> = BTreeMap::new();
    let mut out = pb::Reports::default();
    let (mut first_response, mut resolution, mut ages) = (Vec::new(), Vec::new(), Vec::new());
    let mut commitment = pb::Commitment::default();
    let mut backlog = pb::Backlog::default();

    for report in &facts.reports {
        if report.state == ReportState::Pending {
            continue;
        }
        // Resolutions and rejections count in the month they happened.
        if let Some(at) = report.resolved_us.filter(|at| period.contains(*at) && report.state == ReportState::Resolved)
        {
            out.resolved += 1;
            if let Some(month) = by_month.get_mut(&YearMonth::of_us(at)) {
                month.resolved += 1;
            }
        }
        if let Some(at) = report.rejected_us.filter(|at| period.contains(*at) && report.state == ReportState::Rejected)
        {
            out.rejected += 1;
            if let Some(month) = by_month.get_mut(&YearMonth::of_us(at)) {
                month.rejected += 1;
            }
        }
        if report.state == ReportState::Open
            && let Some(received) = report.received_us
        {
            let age = (period.now_us - received).max(0);
            backlog.open += 1;
            match age / DAY_US {
                0..7 => backlog.under_7_days += 1,
                7..30 => backlog.from_7_to_30_days += 1,
                30..90 => backlog.from_30_to_90_days += 1,
                _ => backlog.over_90_days += 1,
            }
            ages.push(age);
        }
        let Some(received) = received_in(report, period) else { continue };
        out.received += 1;
        if report.state == ReportState::Merged {
            out.merged += 1;
        }
        if let Some(month) = by_month.get_mut(&YearMonth::of_us(received)) {
            month.received += 1;
        }
        let category = by_category
            .entry(report.category.as_str())
            .or_insert_with(|| pb::CategoryReports { category: report.category.clone(), ..Default::default() });
        category.received += 1;
        match report.state {
            ReportState::Open => category.open += 1,
            ReportState::Resolved => category.resolved += 1,
            ReportState::Rejected => category.rejected += 1,
            ReportState::Merged | ReportState::Pending => {}
        }
        if let Some(at) = report.first_response_us.filter(|at| *at <= period.now_us) {
            first_response.push((at - received).max(0));
        }
        if report.state == ReportState::Resolved
            && let Some(at) = report.resolved_us.filter(|at| *at <= period.now_us)
        {
            resolution.push((at - received).max(0));
        }
        // Merged duplicates are answered through the report they joined.
        if report.state != ReportState::Merged {
            let due = received + i64::from(commitment_of(commitments, &report.commune)) * DAY_US;
            match report.first_response_us.filter(|at| *at <= period.now_us) {
                Some(at) => {
                    commitment.due += 1;
                    commitment.on_time += u64::from(at <= due);
                }
                None if period.now_us > due => commitment.due += 1,
                None => {}
            }
        }
    }
    commitment.share = if commitment.due == 0 { 0.0 } else { commitment.on_time as f64 / commitment.due as f64 };
    let (median_age, _) = median_and_p90(&mut ages.clone());
    backlog.median_age_seconds = median_age;
    backlog.oldest_age_seconds = ages.iter().max().copied().unwrap_or(0).div_euclid(1_000_000);
    let mut categories: Vec<_> = by_category.into_values().collect();
    categories.sort_by(|a, b| b.received.cmp(&a.received).then_with(|| a.category.cmp(&b.category)));
    pb::Reports {
        by_month: by_month.into_values().collect(),
        by_category: categories,
        first_response: Some(durations(first_response)),
        resolution: Some(durations(resolution)),
        commitment: Some(commitment),
        backlog: Some(backlog),
        ..out
    }
}

fn questions(facts: &Facts, period: Period) -> pb::Questions {
    let mut out = pb::Questions::default();
    let mut delays = Vec::new();
    for question in facts.questions.iter().filter(|q| period.contains(q.asked_us)) {
        out.asked += 1;
        match (question.answered_us.filter(|at| *at <= period.now_us), question.redirected_us) {
            (Some(at), _) => {
                out.answered += 1;
                out.answered_on_time += u64::from(question.on_time);
                delays.push((at - question.asked_us).max(0));
            }
            (None, Some(_)) => out.redirected += 1,
            (None, None) if period.now_us > question.due_us => out.overdue += 1,
            (None, None) => {}
        }
    }
    out.delay = Some(durations(delays));
    out
}

fn proposals(facts: &Facts, period: Period) -> pb::Proposals {
    let mut out = pb::Proposals::default();
    for proposal in &facts.proposals {
        out.submitted += u64::from(period.contains(proposal.submitted_us));
        let Some(_) = proposal.reached_us.filter(|at| period.contains(*at)) else { continue };
        out.reached_threshold += 1;
        match (proposal.answered_us.filter(|at| *at <= period.now_us), proposal.due_us) {
            (Some(_), _) if proposal.on_time => out.answered_on_time += 1,
            (Some(_), _) => out.answered_late += 1,
            (None, Some(due)) if period.now_us > due => out.overdue += 1,
            (None, _) => out.awaiting_within_deadline += 1,
        }
    }
    out
}

fn publications_by_month(facts: &Facts, period: Period) -> Vec<pb::MonthPublications> {
    let mut by_month: BTreeMap<YearMonth, pb::MonthPublications> = period
        .months()
        .into_iter()
        .map(|m| (m, pb::MonthPublications { month: m.label(), ..Default::default() }))
        .collect();
    for publication in &facts.publications {
        let Some(at) = publication.published_us.filter(|at| period.contains(*at)) else { continue };
        if let Some(month) = by_month.get_mut(&YearMonth::of_us(at)) {
            match publication.space {
                Space::Official => month.official += 1,
                Space::Citizen => month.citizen += 1,
            }
        }
    }
    by_month.into_values().collect()
}

fn budgets(facts: &Facts, period: Period) -> pb::Budgets {
    let mut out = pb::Budgets::default();
    let mut projects = Vec::new();
    for publication in &facts.publications {
        let visible = publication.published_us.is_some_and(|at| at <= period.now_us) && !publication.archived;
        let Some(project) = publication.project.as_ref().filter(|_| visible) else { continue };
        out.projects += 1;
        out.planned_cents += project.planned_cents;
        out.spent_cents += project.spent_cents;
        projects.push(pb::ProjectBudget {
            publication_id: publication.publication_id.clone(),
            commune: publication.commune.clone(),
            title: project.title.clone(),
            status: project.status.clone(),
            planned_cents: project.planned_cents,
            spent_cents: project.spent_cents,
            progress_percent: project.progress_percent,
        });
    }
    projects
        .sort_by(|a, b| b.planned_cents.cmp(&a.planned_cents).then_with(|| a.publication_id.cmp(&b.publication_id)));
    projects.truncate(LARGEST_PROJECTS);
    out.largest = projects;
    out
}

/// One line of headline figures per commune of `facts`, ordered by INSEE code.
pub fn commune_figures(facts: &Facts, period: Period) -> Vec<pb::CommuneFigures> {
    let mut per_commune: BTreeMap<&str, Facts> = facts
        .communes
        .iter()
        .map(|c| (c.commune.as_str(), Facts { communes: vec![c.clone()], ..Default::default() }))
        .collect();
    macro_rules! split {
        ($field:ident) => {
            for item in &facts.$field {
                if let Some(f) = per_commune.get_mut(item.commune.as_str()) {
                    f.$field.push(item.clone());
                }
            }
        };
    }
    split!(reports);
    split!(questions);
    split!(proposals);
    split!(publications);
    per_commune
        .into_values()
        .filter_map(|f| {
            let commune = f.communes.first()?.clone();
            let d = dashboard(&f, period);
            let reports = d.reports.unwrap_or_default();
            let questions = d.questions.unwrap_or_default();
            let commitment = reports.commitment.unwrap_or_default();
            Some(pb::CommuneFigures {
                commune: commune.commune,
                name: commune.name,
                departement: commune.departement,
                commitment_days: commune.commitment_days,
                reports_received: reports.received,
                reports_resolved: reports.resolved,
                median_first_response_seconds: reports.first_response.unwrap_or_default().median_seconds,
                responses_due: commitment.due,
                commitment_share: commitment.share,
                backlog: reports.backlog.unwrap_or_default().open,
                questions_asked: questions.asked,
                questions_answered: questions.answered,
                proposals_reached_threshold: d.proposals.unwrap_or_default().reached_threshold,
                publications: d.publications_by_month.iter().map(|m| m.official + m.citizen).sum(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::facts::*;

    const HOUR: i64 = 3600 * 1_000_000;
    /// 2026-12-07 12:00 UTC.
    const NOW: i64 = 1_796_644_800_000_000;

    fn period() -> Period {
        Period { now_us: NOW, months: 12 }
    }

    fn commune(code: &str, days: u32) -> CommuneFact {
        CommuneFact {
            commune: code.into(),
            name: format!("Commune {code}"),
            departement: code[..2].into(),
            commitment_days: days,
        }
    }

    fn report(commune: &str, category: &str, received_ago_h: i64, state: ReportState) -> ReportFact {
        ReportFact {
            commune: commune.into(),
            category: category.into(),
            received_us: Some(NOW - received_ago_h * HOUR),
            first_response_us: None,
            resolved_us: None,
            rejected_us: None,
            state,
        }
    }

    fn responded(mut r: ReportFact, after_h: i64) -> ReportFact {
        r.first_response_us = r.received_us.map(|t| t + after_h * HOUR);
        r
    }

    fn resolved(mut r: ReportFact, after_h: i64) -> ReportFact {
        r.resolved_us = r.received_us.map(|t| t + after_h * HOUR);
        r.state = ReportState::Resolved;
        r
    }

    #[test]
    fn reports_count_response_times_and_the_commitment() {
        let facts = Facts {
            communes: vec![commune("75056", 7)],
            reports: vec![
                // Answered in 10 h, resolved in 48 h.
                resolved(responded(report("75056", "voirie", 100, ReportState::Open), 10), 48),
                // Answered after 9 days: late for a 7-day commitment.
                responded(report("75056", "voirie", 24 * 20, ReportState::Open), 24 * 9),
                // Not answered, 8 days old: due and late.
                report("75056", "proprete", 24 * 8, ReportState::Open),
                // Not answered, 2 days old: not due yet.
                report("75056", "proprete", 48, ReportState::Open),
                // Rejected after 1 h.
                {
                    let mut r = responded(report("75056", "voirie", 30, ReportState::Rejected), 1);
                    r.rejected_us = r.first_response_us;
                    r
                },
                // Anonymous, not verified: invisible.
                ReportFact { received_us: None, ..report("75056", "voirie", 5, ReportState::Pending) },
                // Received two years ago: outside the period, but still open (backlog).
                report("75056", "voirie", 24 * 800, ReportState::Open),
            ],
            ..Default::default()
        };
        let d = dashboard(&facts, period());
        let r = d.reports.expect("reports");
        assert_eq!((r.received, r.resolved, r.rejected, r.merged), (5, 1, 1, 0));
        let first = r.first_response.expect("first response");
        // 1 h, 10 h, 216 h → median 10 h, p90 216 h.
        assert_eq!((first.count, first.median_seconds, first.p90_seconds), (3, 10 * 3600, 216 * 3600));
        let resolution = r.resolution.expect("resolution");
        assert_eq!((resolution.count, resolution.median_seconds), (1, 48 * 3600));
        let c = r.commitment.expect("commitment");
        // Due: the three answered and the 8-day-old one; on time: 10 h and 1 h.
        assert_eq!((c.due, c.on_time), (4, 2));
        assert!((c.share - 0.5).abs() < 1e-9);
        let b = r.backlog.expect("backlog");
        // Open now: the late-answered one (20 d), 8 d, 2 d, 800 d (the resolved and rejected are not).
        assert_eq!(
            (b.open, b.under_7_days, b.from_7_to_30_days, b.from_30_to_90_days, b.over_90_days),
            (4, 1, 2, 0, 1)
        );
        assert_eq!(b.oldest_age_seconds, 800 * 24 * 3600);
        let voirie = r.by_category.iter().find(|c| c.category == "voirie").expect("voirie");
        assert_eq!((voirie.received, voirie.resolved, voirie.rejected, voirie.open), (3, 1, 1, 1));
        assert_eq!(r.by_category[0].category, "voirie", "the largest category first");
        assert_eq!(r.by_month.len(), 12);
        assert_eq!(r.by_month.last().map(|m| m.month.as_str()), Some("2026-12"));
        assert_eq!(r.by_month.iter().map(|m| m.received).sum::<u64>(), 5);
    }

    #[test]
    fn a_commune_without_a_commitment_gets_the_default() {
        let facts = Facts {
            communes: vec![],
            reports: vec![report("01001", "voirie", 24 * 10, ReportState::Open)],
            ..Default::default()
        };
        // 10 days old, unanswered: not due under the 15-day default.
        assert_eq!(dashboard(&facts, period()).reports.and_then(|r| r.commitment).map(|c| c.due), Some(0));
    }

    #[test]
    fn questions_and_proposals_say_what_was_answered_on_time() {
        let q = |asked_h: i64, due_h: i64, answered_h: Option<i64>, on_time: bool| QuestionFact {
            commune: "75056".into(),
            asked_us: NOW - asked_h * HOUR,
            due_us: NOW - asked_h * HOUR + due_h * HOUR,
            answered_us: answered_h.map(|a| NOW - asked_h * HOUR + a * HOUR),
            on_time,
            redirected_us: None,
        };
        let p = |reached: Option<i64>, due: Option<i64>, answered: Option<i64>, on_time: bool| ProposalFact {
            commune: "75056".into(),
            submitted_us: NOW - 1000 * HOUR,
            reached_us: reached.map(|h| NOW - h * HOUR),
            due_us: due.map(|h| NOW + h * HOUR),
            answered_us: answered.map(|h| NOW - h * HOUR),
            on_time,
        };
        let facts = Facts {
            questions: vec![
                q(100, 72, Some(24), true),
                q(100, 72, Some(96), false),
                q(100, 72, None, false),
                q(10, 72, None, false),
                QuestionFact { redirected_us: Some(NOW - HOUR), ..q(50, 72, None, false) },
            ],
            proposals: vec![
                p(Some(500), Some(-100), Some(200), true),
                p(Some(500), Some(-100), Some(50), false),
                p(Some(500), Some(-100), None, false),
                p(Some(10), Some(500), None, false),
                p(None, None, None, false),
            ],
            ..Default::default()
        };
        let d = dashboard(&facts, period());
        let q = d.questions.expect("questions");
        assert_eq!((q.asked, q.answered, q.answered_on_time, q.overdue, q.redirected), (5, 2, 1, 1, 1));
        let delay = q.delay.expect("delay");
        assert_eq!((delay.count, delay.median_seconds, delay.p90_seconds), (2, 24 * 3600, 96 * 3600));
        let p = d.proposals.expect("proposals");
        assert_eq!(
            (
                p.submitted,
                p.reached_threshold,
                p.answered_on_time,
                p.answered_late,
                p.overdue,
                p.awaiting_within_deadline
            ),
            (5, 4, 1, 1, 1, 1)
        );
    }

    #[test]
    fn publications_count_when_visible_and_projects_give_the_budgets() {
        let publication =
            |id: &str, space: Space, published_ago_h: Option<i64>, archived: bool, budget: Option<(i64, i64)>| {
                PublicationFact {
                    publication_id: id.into(),
                    commune: "75056".into(),
                    space,
                    published_us: published_ago_h.map(|h| NOW - h * HOUR),
                    archived,
                    project: budget.map(|(planned, spent)| ProjectFact {
                        title: format!("Projet {id}"),
                        status: "in_progress".into(),
                        planned_cents: planned,
                        spent_cents: spent,
                        progress_percent: 40,
                    }),
                }
            };
        let facts = Facts {
            publications: vec![
                publication("a", Space::Official, Some(5), false, Some((10_000_000, 4_000_000))),
                publication("b", Space::Official, Some(5), false, Some((25_000_000, 0))),
                // Archived: still published that month, but not a current budget.
                publication("c", Space::Official, Some(5), true, Some((99_900, 99_900))),
                // Scheduled for tomorrow: not yet.
                publication("d", Space::Official, Some(-24), false, Some((1, 1))),
                // A draft.
                publication("e", Space::Official, None, false, None),
                publication("f", Space::Citizen, Some(5), false, None),
            ],
            ..Default::default()
        };
        let d = dashboard(&facts, period());
        let this_month = d.publications_by_month.last().expect("this month");
        assert_eq!((this_month.official, this_month.citizen), (3, 1));
        let b = d.budgets.expect("budgets");
        assert_eq!((b.projects, b.planned_cents, b.spent_cents), (2, 35_000_000, 4_000_000));
        assert_eq!(b.largest.iter().map(|p| p.publication_id.as_str()).collect::<Vec<_>>(), ["b", "a"]);
    }

    #[test]
    fn each_commune_gets_its_own_line() {
        let facts = Facts {
            communes: vec![commune("69123", 7), commune("75056", 3)],
            reports: vec![
                responded(report("75056", "voirie", 100, ReportState::Open), 10),
                report("69123", "voirie", 10, ReportState::Open),
                report("69123", "voirie", 10, ReportState::Open),
                // A commune identity does not know: not listed.
                report("01001", "voirie", 10, ReportState::Open),
            ],
            ..Default::default()
        };
        let lines = commune_figures(&facts, period());
        assert_eq!(lines.iter().map(|l| l.commune.as_str()).collect::<Vec<_>>(), ["69123", "75056"]);
        assert_eq!((lines[0].reports_received, lines[0].backlog), (2, 2));
        assert_eq!(
            (lines[1].reports_received, lines[1].median_first_response_seconds, lines[1].commitment_days),
            (1, 36000, 3)
        );
        assert_eq!((lines[1].responses_due, lines[1].commitment_share), (1, 1.0));
    }
}
