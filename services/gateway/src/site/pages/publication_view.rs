//! Publications as pages show them: each kind's details, dates, amounts and
//! the revision history with its diff, in the page's language.

use miroir_proto::publications::v1 as pb;

use crate::site::i18n::{Lang, Tr};

/// The site's path of a publication (both spaces share it; the page says which space published it).
pub fn publication_href(insee: &str, publication_id: &str) -> String {
    format!("/c/{insee}/publications/{publication_id}")
}

/// The writers' page of a publication (rewrite a draft, publish, amend, archive).
pub fn edit_href(insee: &str, publication_id: &str) -> String {
    format!("{}/modifier", publication_href(insee, publication_id))
}

/// The code of a space as the site names it in paths ("officiel", "citoyen") and as the service does.
pub fn space_code(space: pb::Space) -> &'static str {
    match space {
        pb::Space::Citizen => "citizen",
        _ => "official",
    }
}

/// The space's home path segment.
pub fn space_path(space: pb::Space) -> &'static str {
    match space {
        pb::Space::Citizen => "citoyen",
        _ => "officiel",
    }
}

/// The kinds each space publishes, in the order pages offer them.
pub const OFFICIAL_KINDS: &[&str] = &["project", "decision", "minutes", "budget", "news"];
pub const CITIZEN_KINDS: &[&str] = &["post", "activity", "follow_up"];

pub fn kinds_of(space: pb::Space) -> &'static [&'static str] {
    match space {
        pb::Space::Citizen => CITIZEN_KINDS,
        _ => OFFICIAL_KINDS,
    }
}

/// The space a kind belongs to, for a kind the service knows.
pub fn space_of_kind(kind: &str) -> Option<pb::Space> {
    if OFFICIAL_KINDS.contains(&kind) {
        Some(pb::Space::Official)
    } else if CITIZEN_KINDS.contains(&kind) {
        Some(pb::Space::Citizen)
    } else {
        None
    }
}

/// The list page of a kind, where it has one ("project" → `/c/{insee}/officiel/projets/`).
pub fn kind_list_href(insee: &str, kind: &str) -> Option<String> {
    let path = match kind {
        "project" => "officiel/projets",
        "decision" => "officiel/deliberations",
        "minutes" => "officiel/proces-verbaux",
        "budget" => "officiel/budgets",
        "news" => "officiel/actualites",
        "post" => "citoyen/billets",
        "activity" => "citoyen/activites",
        "follow_up" => "citoyen/suivi",
        _ => return None,
    };
    Some(format!("/c/{insee}/{path}/"))
}

/// A calendar date "YYYY-MM-DD" as the language writes it ("2 mars 2026", "2 March 2026"); anything else as it is.
pub fn day(tr: &Tr, date: &str) -> String {
    let mut parts = date.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else { return date.to_owned() };
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<u32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return date.to_owned();
    };
    if !(1..=12).contains(&month) {
        return date.to_owned();
    }
    let month = tr.t(&format!("month-{month}"));
    if day == 1 && tr.lang == Lang::Fr { format!("1er {month} {year}") } else { format!("{day} {month} {year}") }
}

/// An amount in cents as the language writes it ("12 500 €", "1 234,50 €" / "€12,500", "€1,234.50").
pub fn money(tr: &Tr, cents: i64) -> String {
    let euros = cents.unsigned_abs() / 100;
    let rest = cents.unsigned_abs() % 100;
    let sign = if cents < 0 { "-" } else { "" };
    let whole = tr.number(euros as f64, 0);
    let point = if tr.lang == Lang::Fr { ',' } else { '.' };
    let amount = if rest == 0 { whole } else { format!("{whole}{point}{rest:02}") };
    match tr.lang {
        Lang::Fr => format!("{sign}{amount}\u{a0}€"),
        Lang::En => format!("{sign}€{amount}"),
    }
}

/// A project's status: its code for CSS and forms, and its catalogue key.
pub fn project_status_keys(status: pb::ProjectStatus) -> (&'static str, &'static str) {
    match status {
        pb::ProjectStatus::Planned => ("planned", "pub-project-planned"),
        pb::ProjectStatus::InProgress => ("in_progress", "pub-project-in-progress"),
        pb::ProjectStatus::Done => ("done", "pub-project-done"),
        pb::ProjectStatus::Abandoned => ("abandoned", "pub-project-abandoned"),
        pb::ProjectStatus::Unspecified => ("", "pub-project-unknown"),
    }
}

/// One milestone of a project.
#[derive(Debug, Clone)]
pub struct MilestoneView {
    pub title: String,
    pub date: String,
    pub iso: String,
    pub done: bool,
}

/// What a project adds, as pages show it.
#[derive(Debug, Clone)]
pub struct ProjectView {
    pub status: &'static str,
    pub status_label: String,
    pub abandoned_reason: String,
    pub progress: u32,
    /// "Avancement : 40 %", the progress bar's name and visible text.
    pub progress_label: String,
    pub budget_planned: String,
    pub budget_spent: String,
    pub has_budget: bool,
    pub funding_sources: Vec<String>,
    pub department: String,
    pub address: String,
    pub coordinates: String,
    pub milestones: Vec<MilestoneView>,
}

impl ProjectView {
    pub fn new(tr: &Tr, p: &pb::ProjectDetails) -> Self {
        let (status, key) = project_status_keys(p.status());
        let location = p.location.clone().unwrap_or_default();
        let located = location.latitude != 0.0 || location.longitude != 0.0;
        ProjectView {
            status,
            status_label: tr.t(key),
            abandoned_reason: p.abandoned_reason.clone(),
            progress: p.progress_percent.min(100),
            progress_label: tr.t1("pub-progress", &p.progress_percent.min(100).to_string()),
            budget_planned: money(tr, p.budget_planned_cents),
            budget_spent: money(tr, p.budget_spent_cents),
            has_budget: p.budget_planned_cents > 0 || p.budget_spent_cents > 0,
            funding_sources: p.funding_sources.clone(),
            department: p.responsible_department.clone(),
            address: location.address,
            coordinates: if located {
                format!("{}, {}", tr.number(location.latitude, 5), tr.number(location.longitude, 5))
            } else {
                String::new()
            },
            milestones: p
                .milestones
                .iter()
                .map(|m| MilestoneView {
                    title: m.title.clone(),
                    date: day(tr, &m.date),
                    iso: m.date.clone(),
                    done: m.done,
                })
                .collect(),
        }
    }
}

/// What a council decision adds.
#[derive(Debug, Clone)]
pub struct DecisionView {
    pub session_date: String,
    pub session_iso: String,
    pub number: String,
    pub votes_for: u32,
    pub votes_against: u32,
    pub abstentions: u32,
    /// "Adoptée" / "Rejetée" from the votes, when votes were recorded.
    pub outcome: String,
    pub has_votes: bool,
    /// Ids of the related publications (their titles are the page's to find).
    pub related: Vec<String>,
}

impl DecisionView {
    pub fn new(tr: &Tr, d: &pb::DecisionDetails) -> Self {
        let has_votes = d.votes_for + d.votes_against + d.abstentions > 0;
        let outcome = if !has_votes {
            String::new()
        } else if d.votes_for > d.votes_against {
            tr.t("pub-decision-adopted")
        } else {
            tr.t("pub-decision-not-adopted")
        };
        DecisionView {
            session_date: day(tr, &d.session_date),
            session_iso: d.session_date.clone(),
            number: d.number.clone(),
            votes_for: d.votes_for,
            votes_against: d.votes_against,
            abstentions: d.abstentions,
            outcome,
            has_votes,
            related: d.related_publication_ids.clone(),
        }
    }
}

/// One line of a budget.
#[derive(Debug, Clone)]
pub struct BudgetLineView {
    pub label: String,
    pub amount: String,
    pub cents: i64,
}

/// What a budget adds.
#[derive(Debug, Clone)]
pub struct BudgetView {
    pub year: u32,
    pub lines: Vec<BudgetLineView>,
    pub total: String,
}

impl BudgetView {
    pub fn new(tr: &Tr, b: &pb::BudgetDetails) -> Self {
        let total: i64 = b.lines.iter().map(|l| l.amount_cents).fold(0_i64, i64::saturating_add);
        BudgetView {
            year: b.year,
            lines: b
                .lines
                .iter()
                .map(|l| BudgetLineView {
                    label: l.label.clone(),
                    amount: money(tr, l.amount_cents),
                    cents: l.amount_cents,
                })
                .collect(),
            total: money(tr, total),
        }
    }

    /// The largest lines first, at most `n` (the "main lines" of a summary).
    pub fn main_lines(&self, n: usize) -> Vec<BudgetLineView> {
        let mut lines = self.lines.clone();
        lines.sort_by_key(|l| std::cmp::Reverse(l.cents));
        lines.truncate(n);
        lines
    }
}

/// A publication as pages show it.
#[derive(Debug, Clone)]
pub struct PublicationView {
    pub id: String,
    pub href: String,
    pub space: &'static str,
    pub space_path: &'static str,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub body: String,
    /// "draft", "scheduled", "published" or "archived".
    pub status: &'static str,
    pub status_label: String,
    pub published_at: String,
    pub published_iso: String,
    pub published_at_us: i64,
    pub updated_at: String,
    pub updated_iso: String,
    pub revision: u32,
    pub archived_reason: String,
    pub archived_at: String,
    pub archived_iso: String,
    pub author: String,
    pub project: Option<ProjectView>,
    pub decision: Option<DecisionView>,
    pub budget: Option<BudgetView>,
    /// The id of the commune project a follow-up note follows ("" otherwise).
    pub follows: String,
    /// Its current files, in the order they were added.
    pub attachments: Vec<AttachmentView>,
}

/// The site's path of a publication's file (served with the type the service read from its bytes).
pub fn attachment_href(insee: &str, publication_id: &str, attachment_id: &str) -> String {
    format!("{}/fichiers/{attachment_id}", publication_href(insee, publication_id))
}

/// A file of a publication as pages show it: a document to download, or an image shown with its text alternative.
#[derive(Debug, Clone)]
pub struct AttachmentView {
    pub id: String,
    pub href: String,
    pub name: String,
    pub is_image: bool,
    /// "PDF", "JPEG", "PNG" or "WebP".
    pub format: &'static str,
    /// "1,2 Mo" / "1.2 MB".
    pub size: String,
    /// What an image shows; a PDF's optional description.
    pub alt_text: String,
    pub sha256: String,
    pub added_at: String,
}

impl AttachmentView {
    pub fn new(tr: &Tr, insee: &str, publication_id: &str, a: &pb::Attachment) -> Self {
        let format = match a.media_type.as_str() {
            "application/pdf" => "PDF",
            "image/jpeg" => "JPEG",
            "image/png" => "PNG",
            "image/webp" => "WebP",
            _ => "",
        };
        AttachmentView {
            href: attachment_href(insee, publication_id, &a.attachment_id),
            id: a.attachment_id.clone(),
            name: a.display_name.clone(),
            is_image: a.media_type.starts_with("image/"),
            format,
            size: file_size(tr, a.size_bytes),
            alt_text: a.alt_text.clone(),
            sha256: a.sha256.clone(),
            added_at: tr.datetime(a.added_at_us),
        }
    }
}

/// A file's size in the page's language and units ("850 ko", "1,2 Mo" / "850 kB", "1.2 MB").
pub fn file_size(tr: &Tr, bytes: u64) -> String {
    const KB: f64 = 1000.0;
    let value = bytes as f64;
    if value < KB {
        tr.t1("pub-size-bytes", &bytes.to_string())
    } else if value < KB * KB {
        tr.t1("pub-size-kb", &tr.number((value / KB).ceil(), 0))
    } else {
        tr.t1("pub-size-mb", &tr.number(value / (KB * KB), 1))
    }
}

/// A publication's status: its code and catalogue key.
pub fn status_keys(status: pb::PublicationStatus) -> (&'static str, &'static str) {
    match status {
        pb::PublicationStatus::Draft => ("draft", "pub-status-draft"),
        pb::PublicationStatus::Scheduled => ("scheduled", "pub-status-scheduled"),
        pb::PublicationStatus::Archived => ("archived", "pub-status-archived"),
        _ => ("published", "pub-status-published"),
    }
}

impl PublicationView {
    pub fn new(tr: &Tr, insee: &str, p: pb::Publication) -> Self {
        let (status, status_key) = status_keys(p.status());
        let details = p.details.clone().unwrap_or_default();
        let published = matches!(status, "published" | "archived" | "scheduled");
        PublicationView {
            href: publication_href(insee, &p.publication_id),
            space: space_code(p.space()),
            space_path: space_path(p.space()),
            kind_label: kind_label(tr, &p.kind),
            status,
            status_label: tr.t(status_key),
            published_at: if published { tr.datetime(p.published_at_us) } else { String::new() },
            published_iso: if published { tr.iso(p.published_at_us) } else { String::new() },
            published_at_us: p.published_at_us,
            updated_at: tr.datetime(p.updated_at_us),
            updated_iso: tr.iso(p.updated_at_us),
            revision: p.revision,
            archived_at: if p.archived_at_us > 0 { tr.datetime(p.archived_at_us) } else { String::new() },
            archived_iso: if p.archived_at_us > 0 { tr.iso(p.archived_at_us) } else { String::new() },
            archived_reason: p.archived_reason,
            author: p.author,
            project: details.project.as_ref().map(|d| ProjectView::new(tr, d)),
            decision: details.decision.as_ref().map(|d| DecisionView::new(tr, d)),
            budget: details.budget.as_ref().map(|d| BudgetView::new(tr, d)),
            follows: details.follow_up.map(|f| f.project_publication_id).unwrap_or_default(),
            attachments: p.attachments.iter().map(|a| AttachmentView::new(tr, insee, &p.publication_id, a)).collect(),
            id: p.publication_id,
            kind: p.kind,
            title: p.title,
            body: p.body,
        }
    }

    /// The body's paragraphs (blank lines separate them; line breaks inside are kept by the stylesheet).
    pub fn paragraphs(&self) -> Vec<String> {
        paragraphs(&self.body)
    }

    /// The first paragraph, cut to about 240 characters, for lists.
    pub fn summary(&self) -> String {
        let first = self.paragraphs().into_iter().next().unwrap_or_default();
        if first.chars().count() <= 240 {
            return first;
        }
        let cut: String = first.chars().take(240).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head).to_owned();
        format!("{cut}…")
    }

    pub fn is_project(&self) -> bool {
        self.project.is_some()
    }
}

pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n").split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// The name of a kind in the page's language.
pub fn kind_label(tr: &Tr, kind: &str) -> String {
    tr.try_t(&format!("pub-kind-{}", kind.replace('_', "-"))).unwrap_or_else(|| kind.to_owned())
}

// ---------------------------------------------------------------- revisions

/// One line of a body's diff. The change is said in words for screen readers
/// and marked by a sign and by `<ins>`/`<del>`, not by colour alone.
#[derive(Debug, Clone)]
pub struct DiffLineView {
    /// "added", "removed", "kept" or "skipped" (unchanged lines left out).
    pub op: &'static str,
    pub text: String,
    /// "+", "−" or "" (shown, hidden from screen readers).
    pub mark: &'static str,
    /// "Ligne ajoutée :" … (read by screen readers only).
    pub said: String,
    /// An empty line: `text` says so.
    pub blank: bool,
}

/// Unchanged lines kept around each change; longer unchanged runs are folded.
const CONTEXT_LINES: usize = 2;

/// The diff lines of a revision, with long runs of unchanged lines folded into one "N unchanged lines".
pub fn diff_view(tr: &Tr, lines: &[pb::DiffLine]) -> Vec<DiffLineView> {
    let changed: Vec<bool> = lines.iter().map(|l| l.op() != pb::DiffOp::Kept).collect();
    let near_change = |i: usize| {
        let from = i.saturating_sub(CONTEXT_LINES);
        let to = (i + CONTEXT_LINES + 1).min(lines.len());
        changed[from..to].iter().any(|c| *c)
    };
    let mut out: Vec<DiffLineView> = Vec::new();
    let mut skipped = 0_usize;
    let flush = |skipped: &mut usize, out: &mut Vec<DiffLineView>| {
        if *skipped > 0 {
            out.push(DiffLineView {
                op: "skipped",
                text: tr.count("pub-diff-skipped", *skipped as i64),
                mark: "",
                said: String::new(),
                blank: false,
            });
            *skipped = 0;
        }
    };
    for (i, line) in lines.iter().enumerate() {
        let (op, mark, key) = match line.op() {
            pb::DiffOp::Added => ("added", "+", "pub-diff-added"),
            pb::DiffOp::Removed => ("removed", "−", "pub-diff-removed"),
            _ => ("kept", "", "pub-diff-kept"),
        };
        if op == "kept" && !near_change(i) {
            skipped += 1;
            continue;
        }
        flush(&mut skipped, &mut out);
        let blank = line.text.trim().is_empty();
        let text = if blank { tr.t("pub-diff-blank-line") } else { line.text.clone() };
        out.push(DiffLineView { op, text, mark, said: tr.t(key), blank });
    }
    flush(&mut skipped, &mut out);
    out
}

/// One public revision as pages show it.
#[derive(Debug, Clone)]
pub struct RevisionView {
    pub revision: u32,
    pub summary: String,
    pub at: String,
    pub iso: String,
    /// (before, after) when the title changed.
    pub title_change: Option<(String, String)>,
    pub diff: Vec<DiffLineView>,
    /// (what, before, after) of the kind's details that changed.
    pub changes: Vec<(String, String, String)>,
    /// Files this revision attached.
    pub files_added: Vec<AttachmentView>,
    /// Files this revision took off (still readable here: nothing published disappears).
    pub files_removed: Vec<AttachmentView>,
}

impl RevisionView {
    pub fn new(tr: &Tr, insee: &str, publication_id: &str, r: &pb::Revision) -> Self {
        let body_changed = r.body_diff.iter().any(|l| l.op() != pb::DiffOp::Kept);
        let missing_from = |these: &[pb::Attachment], those: &[pb::Attachment]| -> Vec<AttachmentView> {
            these
                .iter()
                .filter(|a| !those.iter().any(|b| b.attachment_id == a.attachment_id))
                .map(|a| AttachmentView::new(tr, insee, publication_id, a))
                .collect()
        };
        RevisionView {
            files_added: missing_from(&r.attachments, &r.previous_attachments),
            files_removed: missing_from(&r.previous_attachments, &r.attachments),
            revision: r.revision,
            summary: r.summary_of_change.clone(),
            at: tr.datetime(r.amended_at_us),
            iso: tr.iso(r.amended_at_us),
            title_change: (r.previous_title != r.title).then(|| (r.previous_title.clone(), r.title.clone())),
            diff: if body_changed { diff_view(tr, &r.body_diff) } else { Vec::new() },
            changes: detail_changes(
                tr,
                &r.previous_details.clone().unwrap_or_default(),
                &r.details.clone().unwrap_or_default(),
            ),
        }
    }
}

/// The kind's details that an amendment changed, in words: (what, before, after).
pub fn detail_changes(
    tr: &Tr,
    before: &pb::PublicationDetails,
    after: &pb::PublicationDetails,
) -> Vec<(String, String, String)> {
    let mut changes = Vec::new();
    let mut said = |key: &str, a: String, b: String| {
        if a != b {
            changes.push((tr.t(key), a, b));
        }
    };
    if let (Some(a), Some(b)) = (&before.project, &after.project) {
        let (a_view, b_view) = (ProjectView::new(tr, a), ProjectView::new(tr, b));
        let milestones = |v: &ProjectView| {
            v.milestones
                .iter()
                .map(|m| format!("{} ({}{})", m.title, m.date, if m.done { ", ✔" } else { "" }))
                .collect::<Vec<_>>()
                .join(" ; ")
        };
        let (a_milestones, b_milestones) = (milestones(&a_view), milestones(&b_view));
        said("pub-field-status", a_view.status_label, b_view.status_label);
        said("pub-field-progress", format!("{} %", a.progress_percent), format!("{} %", b.progress_percent));
        said("pub-field-budget-planned", a_view.budget_planned, b_view.budget_planned);
        said("pub-field-budget-spent", a_view.budget_spent, b_view.budget_spent);
        said("pub-field-department", a.responsible_department.clone(), b.responsible_department.clone());
        said("pub-field-funding", a.funding_sources.join(", "), b.funding_sources.join(", "));
        said("pub-field-address", a_view.address, b_view.address);
        said("pub-field-milestones", a_milestones, b_milestones);
        said("pub-field-abandoned-reason", a.abandoned_reason.clone(), b.abandoned_reason.clone());
    }
    if let (Some(a), Some(b)) = (&before.decision, &after.decision) {
        said("pub-field-session-date", day(tr, &a.session_date), day(tr, &b.session_date));
        said("pub-field-number", a.number.clone(), b.number.clone());
        let votes = |d: &pb::DecisionDetails| {
            tr.t1("pub-votes-short", &format!("{} / {} / {}", d.votes_for, d.votes_against, d.abstentions))
        };
        said("pub-field-votes", votes(a), votes(b));
    }
    if let (Some(a), Some(b)) = (&before.budget, &after.budget) {
        said("pub-field-year", a.year.to_string(), b.year.to_string());
        let lines = |d: &pb::BudgetDetails| {
            d.lines
                .iter()
                .map(|l| format!("{} — {}", l.label, money(tr, l.amount_cents)))
                .collect::<Vec<_>>()
                .join(" ; ")
        };
        said("pub-field-budget-lines", lines(a), lines(b));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_days_follow_the_language() {
        let (fr, en) = (Tr::new(Lang::Fr), Tr::new(Lang::En));
        assert_eq!(money(&fr, 125_000_000), "1\u{202f}250\u{202f}000\u{a0}€");
        assert_eq!(money(&fr, 123_450), "1\u{202f}234,50\u{a0}€");
        assert_eq!(money(&en, 123_405), "€1,234.05");
        assert_eq!(money(&en, -500), "-€5");
        assert_eq!(day(&fr, "2026-03-01"), "1er mars 2026");
        assert_eq!(day(&en, "2026-03-02"), "2 March 2026");
        assert_eq!(day(&fr, "demain"), "demain");
    }

    #[test]
    fn long_unchanged_runs_are_folded_and_changes_are_said_in_words() {
        let tr = Tr::new(Lang::Fr);
        let line = |op: pb::DiffOp, text: &str| pb::DiffLine { op: op as i32, text: text.into() };
        let mut lines: Vec<pb::DiffLine> = (0..10).map(|i| line(pb::DiffOp::Kept, &format!("l{i}"))).collect();
        lines.push(line(pb::DiffOp::Removed, "avant"));
        lines.push(line(pb::DiffOp::Added, "après"));
        lines.push(line(pb::DiffOp::Kept, "fin"));
        let view = diff_view(&tr, &lines);
        let ops: Vec<&str> = view.iter().map(|l| l.op).collect();
        assert_eq!(ops, ["skipped", "kept", "kept", "removed", "added", "kept"]);
        assert_eq!(view[0].text, "8 lignes inchangées");
        assert_eq!(view[3].mark, "−");
        assert!(view[4].said.contains("ajoutée"), "{}", view[4].said);
    }

    #[test]
    fn each_kind_has_its_space_and_its_list() {
        assert_eq!(space_of_kind("project"), Some(pb::Space::Official));
        assert_eq!(space_of_kind("follow_up"), Some(pb::Space::Citizen));
        assert_eq!(space_of_kind("nope"), None);
        for kind in OFFICIAL_KINDS.iter().chain(CITIZEN_KINDS) {
            assert!(kind_list_href("75056", kind).is_some(), "{kind}");
        }
    }
}
