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
