//! The writers' form of a publication: its fields for each kind, what a post
//! of it means for the publications service (amounts in euros, dates, repeated
//! milestone and budget-line blocks, French legal time for a scheduled
//! publication), and the service's refusals said beside the fields they are about.

use miroir_proto::publications::v1 as pb;
use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};
use tonic::Code;
use tonic_types::StatusExt;

use super::publication_view::{kind_label, project_status_keys};
use crate::site::Field;
use crate::site::forms::{FormData, FormErrors};
use crate::site::i18n::{Lang, Tr, paris_offset};

/// Most milestones and budget lines a form carries (the service's limit).
const MAX_BLOCKS: usize = 200;
/// Empty blocks offered after the filled ones.
const EMPTY_MILESTONES: usize = 2;
const EMPTY_LINES: usize = 3;

/// One choice of a `<select>` or of a list of checkboxes.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

/// One milestone block: `m{n}_title`, `m{n}_date`, `m{n}_done`.
#[derive(Debug, Clone)]
pub struct MilestoneBlock {
    pub n: usize,
    pub title: String,
    pub date: String,
    pub done: bool,
}

impl MilestoneBlock {
    pub fn name(&self, part: &str) -> String {
        block_name("m", &self.n, part)
    }
}

/// One budget-line block: `l{n}_label`, `l{n}_amount`.
#[derive(Debug, Clone)]
pub struct LineBlock {
    pub n: usize,
    pub label: String,
    pub amount: String,
}

impl LineBlock {
    pub fn name(&self, part: &str) -> String {
        block_name("l", &self.n, part)
    }
}

/// The name of a block's field (`m3_title`).
pub fn block_name(prefix: &str, n: &usize, part: &str) -> String {
    format!("{prefix}{n}_{part}")
}

/// The content form as its template shows it, for one kind.
#[derive(Debug, Clone)]
pub struct ContentForm {
    pub kind: String,
    pub kind_label: String,
    pub title: Field,
    pub body: Field,
    pub status_choices: Vec<Choice>,
    pub project_fields: Vec<Field>,
    pub location_fields: Vec<Field>,
    pub milestones: Vec<MilestoneBlock>,
    pub decision_fields: Vec<Field>,
    pub related_choices: Vec<Choice>,
    pub budget_fields: Vec<Field>,
    pub lines: Vec<LineBlock>,
    pub project_choices: Vec<Choice>,
}

/// A publication another one can point to: (id, title).
pub type Target = (String, String);

fn count(form: &FormData, name: &str) -> usize {
    form.get(name).trim().parse::<usize>().unwrap_or(0).min(MAX_BLOCKS)
}

/// The milestone blocks posted (the filled ones, numbered as posted) and empty ones after them.
fn milestone_blocks(form: &FormData) -> Vec<MilestoneBlock> {
    let mut blocks: Vec<MilestoneBlock> = (0..count(form, "milestones"))
        .map(|n| MilestoneBlock {
            n,
            title: form.get(&block_name("m", &n, "title")).to_owned(),
            date: form.get(&block_name("m", &n, "date")).to_owned(),
            done: form.get(&block_name("m", &n, "done")) == "1",
        })
        .collect();
    while blocks.last().is_some_and(|b| b.title.trim().is_empty() && b.date.trim().is_empty() && !b.done) {
        blocks.pop();
    }
    let next = blocks.last().map_or(0, |b| b.n + 1);
    blocks.extend((next..next + EMPTY_MILESTONES).map(|n| MilestoneBlock {
        n,
        title: String::new(),
        date: String::new(),
        done: false,
    }));
    blocks
}

fn line_blocks(form: &FormData) -> Vec<LineBlock> {
    let mut blocks: Vec<LineBlock> = (0..count(form, "lines"))
        .map(|n| LineBlock {
            n,
            label: form.get(&block_name("l", &n, "label")).to_owned(),
            amount: form.get(&block_name("l", &n, "amount")).to_owned(),
        })
        .collect();
    while blocks.last().is_some_and(|b| b.label.trim().is_empty() && b.amount.trim().is_empty()) {
        blocks.pop();
    }
    let next = blocks.last().map_or(0, |b| b.n + 1);
    blocks.extend((next..next + EMPTY_LINES).map(|n| LineBlock { n, label: String::new(), amount: String::new() }));
    blocks
}

/// The project statuses, in the order of a project's life.
const PROJECT_STATUSES: &[pb::ProjectStatus] =
    &[pb::ProjectStatus::Planned, pb::ProjectStatus::InProgress, pb::ProjectStatus::Done, pb::ProjectStatus::Abandoned];

/// The content form of `kind` with the values of `form`; `related` are the publications a council decision may
/// relate to, `projects` those a follow-up note may follow.
pub fn content_form(tr: &Tr, kind: &str, form: &FormData, related: &[Target], projects: &[Target]) -> ContentForm {
    let v = |name: &str| form.get(name).to_owned();
    let mut content = ContentForm {
        kind: kind.to_owned(),
        kind_label: kind_label(tr, kind),
        title: Field::new(tr, "title", "pub-field-title", "text").hint(tr, "pub-field-title-hint").value(&v("title")),
        body: Field::new(tr, "body", "pub-field-body", "textarea")
            .hint(tr, "pub-field-body-hint")
            .value(&v("body"))
            .optional(),
        status_choices: Vec::new(),
        project_fields: Vec::new(),
        location_fields: Vec::new(),
        milestones: Vec::new(),
        decision_fields: Vec::new(),
        related_choices: Vec::new(),
        budget_fields: Vec::new(),
        lines: Vec::new(),
        project_choices: Vec::new(),
    };
    match kind {
        "project" => {
            let chosen = if form.get("status").is_empty() { "planned".to_owned() } else { v("status") };
            content.status_choices = PROJECT_STATUSES
                .iter()
                .map(|s| {
                    let (code, key) = project_status_keys(*s);
                    Choice { value: code.to_owned(), label: tr.t(key), chosen: code == chosen }
                })
                .collect();
            content.project_fields = vec![
                Field::new(tr, "abandoned_reason", "pub-field-abandoned-reason", "text")
                    .hint(tr, "pub-field-abandoned-reason-hint")
                    .value(&v("abandoned_reason"))
                    .optional(),
                Field::new(tr, "progress", "pub-field-progress", "number")
                    .hint(tr, "pub-field-progress-hint")
                    .value(&if form.get("progress").is_empty() { "0".to_owned() } else { v("progress") }),
                Field::new(tr, "budget_planned", "pub-field-budget-planned", "text")
                    .hint(tr, "pub-field-money-hint")
                    .value(&v("budget_planned"))
                    .optional(),
                Field::new(tr, "budget_spent", "pub-field-budget-spent", "text")
                    .hint(tr, "pub-field-money-hint")
                    .value(&v("budget_spent"))
                    .optional(),
                Field::new(tr, "funding_sources", "pub-field-funding", "textarea")
                    .hint(tr, "pub-field-funding-hint")
                    .value(&v("funding_sources"))
                    .optional(),
                Field::new(tr, "department", "pub-field-department", "text").value(&v("department")).optional(),
            ];
            content.location_fields = vec![
                Field::new(tr, "address", "pub-field-address", "text").value(&v("address")).optional(),
                Field::new(tr, "latitude", "field-latitude", "number").value(&v("latitude")).optional(),
                Field::new(tr, "longitude", "field-longitude", "number").value(&v("longitude")).optional(),
            ];
            content.milestones = milestone_blocks(form);
        }
        "decision" => {
            content.decision_fields = vec![
                Field::new(tr, "session_date", "pub-field-session-date", "date").value(&v("session_date")),
                Field::new(tr, "number", "pub-field-number", "text")
                    .hint(tr, "pub-field-number-hint")
                    .value(&v("number")),
                Field::new(tr, "votes_for", "pub-field-votes-for", "number").value(&v("votes_for")).optional(),
                Field::new(tr, "votes_against", "pub-field-votes-against", "number")
                    .value(&v("votes_against"))
                    .optional(),
                Field::new(tr, "abstentions", "pub-field-abstentions", "number").value(&v("abstentions")).optional(),
            ];
            let chosen = form.all("related");
            let mut choices: Vec<Choice> = related
                .iter()
                .map(|(id, title)| Choice { value: id.clone(), label: title.clone(), chosen: chosen.contains(id) })
                .collect();
            // A related item that is no longer among the latest stays chosen, under its id.
            for id in chosen.iter().filter(|id| !related.iter().any(|(r, _)| r == *id)) {
                choices.push(Choice { value: id.clone(), label: id.clone(), chosen: true });
            }
            content.related_choices = choices;
        }
        "budget" => {
            content.budget_fields = vec![Field::new(tr, "year", "pub-field-year", "number").value(&v("year"))];
            content.lines = line_blocks(form);
        }
        "follow_up" => {
            let chosen = v("project");
            content.project_choices = projects
                .iter()
                .map(|(id, title)| Choice { value: id.clone(), label: title.clone(), chosen: *id == chosen })
                .collect();
        }
        _ => {}
    }
    content
}

// ---------------------------------------------------------------- a publication as form values

/// The form values of a publication (to rewrite a draft or amend a published item).
pub fn prefill(tr: &Tr, p: &pb::Publication) -> FormData {
    let mut form = FormData::default();
    let mut set = |name: String, value: String| form.push(name, value);
    set("title".into(), p.title.clone());
    set("body".into(), p.body.clone());
    let details = p.details.clone().unwrap_or_default();
    let euros = |cents: i64| if cents == 0 { String::new() } else { euros_text(tr, cents) };
    if let Some(project) = details.project {
        set("status".into(), project_status_keys(project.status()).0.to_owned());
        set("abandoned_reason".into(), project.abandoned_reason.clone());
        set("progress".into(), project.progress_percent.to_string());
        set("budget_planned".into(), euros(project.budget_planned_cents));
        set("budget_spent".into(), euros(project.budget_spent_cents));
        set("funding_sources".into(), project.funding_sources.join("\n"));
        set("department".into(), project.responsible_department.clone());
        if let Some(location) = project.location {
            set("address".into(), location.address);
            if location.latitude != 0.0 || location.longitude != 0.0 {
                set("latitude".into(), location.latitude.to_string());
                set("longitude".into(), location.longitude.to_string());
            }
        }
        set("milestones".into(), project.milestones.len().to_string());
        for (n, m) in project.milestones.iter().enumerate() {
            set(block_name("m", &n, "title"), m.title.clone());
            set(block_name("m", &n, "date"), m.date.clone());
            if m.done {
                set(block_name("m", &n, "done"), "1".into());
            }
        }
    }
    if let Some(decision) = details.decision {
        set("session_date".into(), decision.session_date);
        set("number".into(), decision.number);
        set("votes_for".into(), decision.votes_for.to_string());
        set("votes_against".into(), decision.votes_against.to_string());
        set("abstentions".into(), decision.abstentions.to_string());
        for id in decision.related_publication_ids {
            set("related".into(), id);
        }
    }
    if let Some(budget) = details.budget {
        set("year".into(), budget.year.to_string());
        set("lines".into(), budget.lines.len().to_string());
        for (n, line) in budget.lines.iter().enumerate() {
            set(block_name("l", &n, "label"), line.label.clone());
            set(block_name("l", &n, "amount"), euros_text(tr, line.amount_cents));
        }
    }
    if let Some(follow_up) = details.follow_up {
        set("project".into(), follow_up.project_publication_id);
    }
    form
}

/// Cents as a writer types euros ("1234,5" is typed back as "1234,50"), without grouping.
fn euros_text(tr: &Tr, cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let (euros, rest) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    let point = if tr.lang == Lang::Fr { ',' } else { '.' };
    if rest == 0 { format!("{sign}{euros}") } else { format!("{sign}{euros}{point}{rest:02}") }
}

// ---------------------------------------------------------------- a post of the form

/// What a post of the content form sends to the service, and where each block went.
#[derive(Debug, Default)]
pub struct Content {
    pub title: String,
    pub body: String,
    pub details: Option<pb::PublicationDetails>,
    /// The block number of each milestone and budget line sent, in order (the service names them by index).
    pub milestone_blocks: Vec<usize>,
    pub line_blocks: Vec<usize>,
}

/// An amount typed in euros ("12 500", "1 234,50 €"; in English "12,500.50"), in cents. `None` if it is not one.
pub fn parse_cents(lang: Lang, raw: &str) -> Option<i64> {
    let mut text: String = raw.trim().trim_end_matches('€').trim_start_matches('€').trim().to_owned();
    text.retain(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''));
    let text = match lang {
        Lang::Fr => text.replace(',', "."),
        Lang::En => text.replace(',', ""),
    };
    let (negative, digits) = text.strip_prefix('-').map_or((false, text.as_str()), |d| (true, d));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 13 || fraction.len() > 2 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let cents = whole.parse::<i64>().ok()? * 100 + format!("{fraction:0<2}").parse::<i64>().ok()?;
    Some(if negative { -cents } else { cents })
}

/// Reads the content form of `kind`; what cannot be read is said in `errors` (the service checks the rest).
pub fn read(tr: &Tr, kind: &str, form: &FormData, errors: &mut FormErrors) -> Content {
    let mut content =
        Content { title: form.get("title").to_owned(), body: form.get("body").to_owned(), ..Default::default() };
    let lang = tr.lang;
    let cents = |name: &str, errors: &mut FormErrors| -> i64 {
        let raw = form.get(name).trim();
        if raw.is_empty() {
            return 0;
        }
        parse_cents(lang, raw).unwrap_or_else(|| {
            errors.add(name, tr.t("pub-invalid-money"));
            0
        })
    };
    let whole = |name: &str, errors: &mut FormErrors| -> u32 {
        let raw = form.get(name).trim();
        if raw.is_empty() {
            return 0;
        }
        raw.parse::<u32>().unwrap_or_else(|_| {
            errors.add(name, tr.t(&format!("pub-invalid-{}", name.replace('_', "-"))));
            0
        })
    };
    let mut details = pb::PublicationDetails::default();
    match kind {
        "project" => {
            let status = PROJECT_STATUSES.iter().copied().find(|s| project_status_keys(*s).0 == form.get("status"));
            if status.is_none() {
                errors.add("status", tr.t("pub-invalid-status"));
            }
            let status = status.unwrap_or(pb::ProjectStatus::Unspecified);
            let progress = whole("progress", errors);
            let budget_planned_cents = cents("budget_planned", errors);
            let budget_spent_cents = cents("budget_spent", errors);
            let location = location(tr, form, errors);
            let mut milestones = Vec::new();
            for block in milestone_blocks(form) {
                if block.title.trim().is_empty() && block.date.trim().is_empty() && !block.done {
                    continue;
                }
                content.milestone_blocks.push(block.n);
                milestones.push(pb::Milestone {
                    title: block.title.trim().to_owned(),
                    date: block.date.trim().to_owned(),
                    done: block.done,
                });
            }
            details.project = Some(pb::ProjectDetails {
                status: status.into(),
                // The reason is only for an abandoned project; typed for another status, it is not kept.
                abandoned_reason: if status == pb::ProjectStatus::Abandoned {
                    form.get("abandoned_reason").trim().to_owned()
                } else {
                    String::new()
                },
                budget_planned_cents,
                budget_spent_cents,
                funding_sources: form
                    .get("funding_sources")
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                progress_percent: progress,
                location,
                milestones,
                responsible_department: form.get("department").trim().to_owned(),
            });
        }
        "decision" => {
            details.decision = Some(pb::DecisionDetails {
                session_date: form.get("session_date").trim().to_owned(),
                number: form.get("number").trim().to_owned(),
                votes_for: whole("votes_for", errors),
                votes_against: whole("votes_against", errors),
                abstentions: whole("abstentions", errors),
                related_publication_ids: form.all("related").into_iter().filter(|id| !id.is_empty()).collect(),
            });
        }
        "budget" => {
            let mut lines = Vec::new();
            for block in line_blocks(form) {
                if block.label.trim().is_empty() && block.amount.trim().is_empty() {
                    continue;
                }
                let name = block_name("l", &block.n, "amount");
                let amount_cents = match parse_cents(lang, &block.amount) {
                    Some(cents) => cents,
                    None => {
                        errors.add(&name, tr.t1("pub-invalid-line-amount", &(block.n + 1).to_string()));
                        0
                    }
                };
                content.line_blocks.push(block.n);
                lines.push(pb::BudgetLine { label: block.label.trim().to_owned(), amount_cents });
            }
            details.budget = Some(pb::BudgetDetails { year: whole("year", errors), lines });
        }
        "follow_up" => {
            details.follow_up =
                Some(pb::FollowUpDetails { project_publication_id: form.get("project").trim().to_owned() });
        }
        _ => {}
    }
    content.details = Some(details);
    content
}

/// A project's place: none when latitude and longitude are both empty.
fn location(tr: &Tr, form: &FormData, errors: &mut FormErrors) -> Option<pb::ProjectLocation> {
    let (lat, lng, address) = (form.get("latitude").trim(), form.get("longitude").trim(), form.get("address").trim());
    if lat.is_empty() && lng.is_empty() {
        return (!address.is_empty())
            .then(|| pb::ProjectLocation { address: address.to_owned(), ..Default::default() });
    }
    let number = |raw: &str| raw.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite());
    let (latitude, longitude) = (number(lat), number(lng));
    if latitude.is_none() {
        errors.add("latitude", tr.t("pub-invalid-latitude"));
    }
    if longitude.is_none() {
        errors.add("longitude", tr.t("pub-invalid-longitude"));
    }
    Some(pb::ProjectLocation {
        latitude: latitude.unwrap_or_default(),
        longitude: longitude.unwrap_or_default(),
        address: address.to_owned(),
    })
}

// ---------------------------------------------------------------- publishing at a time

/// A time typed in French legal time (`datetime-local`: "2026-07-14T09:30", or "2026-07-14 09:30"), in Unix
/// microseconds. `None` if it is not one, or if it does not exist (the hour skipped when clocks go forward);
/// an hour that happens twice (clocks go back) is taken the first time.
pub fn paris_datetime_us(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (date, clock) = raw.split_once(['T', ' '])?;
    let mut parts = date.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let mut clock_parts = clock.split(':');
    let hour: u8 = clock_parts.next()?.parse().ok()?;
    let minute: u8 = clock_parts.next()?.parse().ok()?;
    let second: u8 = clock_parts.next().map_or(Some(0), |s| s.split('.').next()?.parse().ok())?;
    let local = PrimitiveDateTime::new(date, Time::from_hms(hour, minute, second).ok()?);
    [2, 1].into_iter().find_map(|hours| {
        let offset = UtcOffset::from_hms(hours, 0, 0).ok()?;
        let at = local.assume_offset(offset);
        (paris_offset(at.to_offset(UtcOffset::UTC)) == offset)
            .then(|| i64::try_from(at.unix_timestamp_nanos() / 1000).ok())
            .flatten()
    })
}

/// A time as a `datetime-local` value in French legal time ("2026-07-14T09:30").
pub fn paris_datetime_value(unix_us: i64) -> String {
    let Ok(utc) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_us) * 1000) else {
        return String::new();
    };
    let at = utc.to_offset(paris_offset(utc));
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", at.year(), u8::from(at.month()), at.day(), at.hour(), at.minute())
}

// ---------------------------------------------------------------- the service's refusals

/// The form field a service field is about, and the message to say there.
fn form_field(tr: &Tr, content: &Content, field: &str, description: &str) -> (String, String) {
    let said = |name: &str| tr.try_t(&format!("pub-invalid-{}", name.replace('_', "-")));
    let index = |rest: &str| -> Option<usize> { rest.trim_start_matches('[').split(']').next()?.parse().ok() };
    let simple = |name: &str| (name.to_owned(), said(name).unwrap_or_else(|| description.to_owned()));
    if let Some(rest) = field.strip_prefix("details.project.milestones") {
        if let Some(n) = index(rest).and_then(|i| content.milestone_blocks.get(i).copied()) {
            let part = if rest.ends_with(".date") { "date" } else { "title" };
            let key = if part == "date" { "pub-invalid-milestone-date" } else { "pub-invalid-milestone-title" };
            return (block_name("m", &n, part), tr.t1(key, &(n + 1).to_string()));
        }
        return ("milestones".to_owned(), description.to_owned());
    }
    if let Some(rest) = field.strip_prefix("details.budget.lines") {
        if let Some(n) = index(rest).and_then(|i| content.line_blocks.get(i).copied()) {
            return (block_name("l", &n, "label"), tr.t1("pub-invalid-line-label", &(n + 1).to_string()));
        }
        return ("lines".to_owned(), description.to_owned());
    }
    let name = match field {
        "summary_of_change" => "summary",
        "publish_at_us" => "publish_at",
        "details.project" | "details.project.status" => "status",
        "details.project.progress_percent" => "progress",
        "details.project.budget_planned_cents" => "budget_planned",
        "details.project.budget_spent_cents" => "budget_spent",
        "details.project.responsible_department" => "department",
        "details.project.location.latitude" => "latitude",
        "details.project.location.longitude" => "longitude",
        "details.project.location.address" => "address",
        "details.project.abandoned_reason" => "abandoned_reason",
        "details.decision" | "details.decision.session_date" => "session_date",
        "details.decision.number" => "number",
        "details.budget" | "details.budget.year" => "year",
        f if f.starts_with("details.project.funding_sources") => "funding_sources",
        f if f.starts_with("details.decision.related_publication_ids") => "related",
        f if f.starts_with("details.follow_up") => "project",
        other => other,
    };
    simple(name)
}

/// The service's refusal of a post as form errors: invalid fields beside their fields, a changed state said plainly.
pub fn refusal(tr: &Tr, status: &tonic::Status, content: &Content) -> FormErrors {
    let mut errors = FormErrors::default();
    match status.code() {
        Code::FailedPrecondition => errors.summary.push(tr.t("pub-error-state")),
        Code::PermissionDenied => errors.summary.push(tr.t("error-forbidden")),
        Code::AlreadyExists => errors.summary.push(tr.t("pub-error-state")),
        _ => {
            if let Some(bad) = status.get_details_bad_request() {
                for violation in bad.field_violations {
                    let (field, message) = form_field(tr, content, &violation.field, &violation.description);
                    errors.add(&field, message);
                }
            }
        }
    }
    if errors.is_empty() {
        errors.summary.push(status.message().to_owned());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_read_as_each_language_writes_them() {
        assert_eq!(parse_cents(Lang::Fr, "12 500"), Some(1_250_000));
        assert_eq!(parse_cents(Lang::Fr, "1\u{202f}234,5 €"), Some(123_450));
        assert_eq!(parse_cents(Lang::Fr, "-3,07"), Some(-307));
        assert_eq!(parse_cents(Lang::En, "€12,500.50"), Some(1_250_050));
        for bad in ["", "douze", "1,234,5", "1.2.3", "12,345", "1e5"] {
            assert_eq!(parse_cents(Lang::Fr, bad), None, "{bad}");
        }
        let tr = Tr::new(Lang::Fr);
        assert_eq!(parse_cents(Lang::Fr, &euros_text(&tr, 123_405)), Some(123_405));
    }

    #[test]
    fn a_scheduled_time_is_read_in_french_legal_time() {
        // 14 July 2026 09:30 in Paris (summer) is 07:30 UTC.
        assert_eq!(paris_datetime_us("2026-07-14T09:30"), Some(1_784_014_200_000_000));
        // 21 November 2026 23:26 in Paris (winter) is 22:26 UTC.
        assert_eq!(paris_datetime_us("2026-11-21 23:26:40"), Some(1_795_300_000_000_000));
        // 29 March 2026 02:30 does not exist in Paris (clocks go from 02:00 to 03:00).
        assert_eq!(paris_datetime_us("2026-03-29T02:30"), None);
        // 25 October 2026 02:30 happens twice: the first time, in summer time (00:30 UTC).
        assert_eq!(paris_datetime_us("2026-10-25T02:30"), Some(1_792_888_200_000_000));
        for bad in ["", "2026-07-14", "14/07/2026 09:30", "2026-07-14T25:00", "2026-02-30T10:00"] {
            assert_eq!(paris_datetime_us(bad), None, "{bad}");
        }
        assert_eq!(paris_datetime_value(1_784_014_200_000_000), "2026-07-14T09:30");
    }

    #[test]
    fn blocks_keep_their_numbers_and_refusals_land_beside_them() {
        let form = FormData::parse(
            b"status=in_progress&progress=40&milestones=3&m0_title=&m0_date=&m1_title=Travaux&m1_date=2026-13-01\
              &m2_title=&m2_date=",
        );
        let tr = Tr::new(Lang::Fr);
        let mut errors = FormErrors::default();
        let content = read(&tr, "project", &form, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(content.milestone_blocks, [1]);
        let (field, message) = form_field(&tr, &content, "details.project.milestones[0].date", "must be a date");
        assert_eq!(field, "m1_date");
        assert!(message.contains('2'), "{message}");
        let blocks = milestone_blocks(&form);
        assert_eq!(blocks.iter().map(|b| b.n).collect::<Vec<_>>(), [0, 1, 2, 3], "filled ones, then two empty");
        assert_eq!(form_field(&tr, &content, "details.project.progress_percent", "x").0, "progress");
    }
}
