//! From a planned event to what its service would have appended: the
//! aggregate, the protobuf event, the metadata; as a `Commit`, or as a line
//! of `COPY … FROM STDIN`.

use std::collections::HashMap;

use miroir_eventstore::{Commit, Metadata, NewEvent};
use miroir_proto::reports::v1 as reports;
use miroir_proto::{dialogue::v1 as dialogue, identity::v1 as identity, publications::v1 as publications};

use crate::history::{CATEGORIES, KINDS, Planned, SENTENCES, STREETS, What, World, hash, hash_str, mix};

impl World {
    /// A UUID v7 of time `at_us` whose random part comes from `parts`.
    fn id_v7(&self, at_us: i64, parts: &[u64]) -> String {
        let mut bytes = [0_u8; 10];
        let (a, b) = (hash(&[self.seed, hash(parts)]), hash(&[self.seed, hash(parts), 1]));
        bytes[..8].copy_from_slice(&a.to_le_bytes());
        bytes[8..].copy_from_slice(&b.to_le_bytes()[..2]);
        let millis = u64::try_from(at_us / 1000).unwrap_or_default();
        uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid().to_string()
    }

    /// A random-looking UUID (v4) from `parts`: accounts.
    fn id_v4(&self, parts: &[u64]) -> String {
        let mut bytes = [0_u8; 16];
        bytes[..8].copy_from_slice(&hash(&[self.seed, hash(parts)]).to_le_bytes());
        bytes[8..].copy_from_slice(&hash(&[self.seed, hash(parts), 2]).to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
    }

    /// Resident `k` of a commune (a few hundred per commune take part).
    fn resident(&self, commune: u32, k: u64) -> String {
        self.id_v4(&[6, u64::from(commune), k % 300])
    }

    /// An agent, elected official or administrator of a commune.
    fn agent(&self, commune: u32, k: u64) -> String {
        self.id_v4(&[7, u64::from(commune), k % 8])
    }

    fn report_id(&self, n: u32) -> String {
        self.id_v7(self.reports[n as usize], &[1, u64::from(n)])
    }

    fn question_id(&self, n: u32) -> String {
        self.id_v7(self.questions[n as usize], &[2, u64::from(n)])
    }

    fn proposal_id(&self, n: u32) -> String {
        self.id_v7(self.proposals[n as usize], &[3, u64::from(n)])
    }

    fn publication_id(&self, n: u32) -> String {
        self.id_v7(self.publications[n as usize], &[4, u64::from(n)])
    }

    fn street(&self, parts: &[u64]) -> String {
        let h = hash(parts);
        format!("{} {}", 1 + h % 120, STREETS[(h >> 8) as usize % STREETS.len()])
    }

    fn body(&self, parts: &[u64], lines: usize) -> Vec<&'static str> {
        let h = hash(parts);
        (0..lines).map(|i| SENTENCES[(h >> (i * 3)) as usize % SENTENCES.len()]).collect()
    }

    /// The project figures of a publication as of `progress` percent.
    fn project(&self, p: &Planned, progress: u8, abandoned: bool) -> publications::ProjectDetails {
        let h = hash(&[self.seed, 9, u64::from(p.subject)]);
        let planned = (5_000 + (h % 2_000_000) as i64) * 100;
        let status = match (abandoned, progress) {
            (true, _) => publications::ProjectStatus::Abandoned,
            (false, 0) => publications::ProjectStatus::Planned,
            (false, 100) => publications::ProjectStatus::Done,
            _ => publications::ProjectStatus::InProgress,
        };
        let c = &self.communes[p.commune as usize];
        publications::ProjectDetails {
            status: status as i32,
            abandoned_reason: if abandoned { "Le financement n'a pas été obtenu.".into() } else { String::new() },
            budget_planned_cents: planned,
            budget_spent_cents: planned * i64::from(progress) / 100 * (90 + (h >> 20) as i64 % 25) / 100,
            funding_sources: vec!["Commune".into(), "Département".into()],
            progress_percent: u32::from(progress),
            location: Some(publications::ProjectLocation {
                latitude: c.latitude,
                longitude: c.longitude,
                address: self.street(&[self.seed, 10, u64::from(p.subject)]),
            }),
            milestones: vec![
                publications::Milestone { title: "Études".into(), date: "2025-03-01".into(), done: progress > 0 },
                publications::Milestone { title: "Travaux".into(), date: "2025-09-01".into(), done: progress >= 100 },
            ],
            responsible_department: "services-techniques".into(),
        }
    }

    fn details(
        &self,
        p: &Planned,
        kind: u8,
        progress: u8,
        abandoned: bool,
    ) -> Option<publications::PublicationDetails> {
        let h = hash(&[self.seed, 11, u64::from(p.subject)]);
        let details = match KINDS[kind as usize].0 {
            "project" => publications::PublicationDetails {
                project: Some(self.project(p, progress, abandoned)),
                ..Default::default()
            },
            "decision" => publications::PublicationDetails {
                decision: Some(publications::DecisionDetails {
                    session_date: "2025-06-12".into(),
                    number: format!("2025-{:03}", h % 200),
                    votes_for: 15 + (h % 10) as u32,
                    votes_against: (h >> 8) as u32 % 5,
                    abstentions: (h >> 16) as u32 % 3,
                    related_publication_ids: vec![],
                }),
                ..Default::default()
            },
            "budget" => publications::PublicationDetails {
                budget: Some(publications::BudgetDetails {
                    year: 2025,
                    lines: ["Fonctionnement", "Investissement", "Écoles", "Voirie"]
                        .iter()
                        .enumerate()
                        .map(|(i, label)| publications::BudgetLine {
                            label: (*label).into(),
                            amount_cents: ((h >> (i * 8)) % 5_000_000) as i64 * 100,
                        })
                        .collect(),
                }),
                ..Default::default()
            },
            "follow_up" => publications::PublicationDetails {
                follow_up: Some(publications::FollowUpDetails {
                    project_publication_id: self.publication_id(p.subject / 2),
                }),
                ..Default::default()
            },
            _ => return None,
        };
        Some(details)
    }

    /// The aggregate, event and metadata of a planned event, as its service would append it.
    pub fn materialize(&self, p: &Planned) -> (&'static str, String, NewEvent, Metadata) {
        let c = &self.communes[p.commune as usize];
        let n = u64::from(p.subject);
        let (v, at) = (u64::from(p.version), p.at_us);
        let reporter = self.resident(p.commune, hash(&[1, n]));
        let agent = self.agent(p.commune, hash(&[n, v]));
        let (aggregate_type, aggregate_id, event, actor) = match p.what {
            What::CommuneRegistered => {
                let event = NewEvent::from_message(&identity::CommuneRegistered {
                    commune: c.code.clone(),
                    name: c.name.clone(),
                    department: c.departement.clone(),
                    collective_name: format!("Collectif citoyen de {}", c.name),
                    response_commitment_days: c.commitment_days,
                });
                ("commune", c.code.clone(), event, self.id_v4(&[0, 0]))
            }
            What::ReportSubmitted { category, anonymous, photos } => {
                let (code, department, _, title, description) = CATEGORIES[category as usize];
                let id = self.report_id(p.subject);
                let attributes = match code {
                    "eclairage" => vec![reports::AttributeAnswer {
                        code: "numero-candelabre".into(),
                        values: vec![format!("C-{}", hash(&[n]) % 900 + 100)],
                    }],
                    "proprete" => {
                        vec![reports::AttributeAnswer { code: "type-depot".into(), values: vec!["encombrants".into()] }]
                    }
                    _ => vec![],
                };
                let photos = (0..u64::from(photos))
                    .map(|k| {
                        let photo_id = self.id_v7(at, &[12, n, k]);
                        reports::Photo {
                            object_key: format!("communes/{}/reports/{id}/{photo_id}", c.code),
                            photo_id,
                            content_type: "image/jpeg".into(),
                            size_bytes: 180_000 + hash(&[n, k]) % 900_000,
                        }
                    })
                    .collect();
                let h = hash(&[self.seed, 13, n]);
                let event = NewEvent::from_message(&reports::ReportSubmitted {
                    report_id: id.clone(),
                    commune: c.code.clone(),
                    category: code.into(),
                    title: title.into(),
                    description: description.into(),
                    location: Some(reports::Location {
                        latitude: c.latitude + (h % 1000) as f64 / 50_000.0,
                        longitude: c.longitude + ((h >> 10) % 1000) as f64 / 50_000.0,
                        address: self.street(&[self.seed, 14, n]),
                    }),
                    reporter: if anonymous { String::new() } else { reporter.clone() },
                    department: department.into(),
                    attributes,
                    photos,
                    reporter_email: if anonymous {
                        format!("habitant{}@example.fr", h % 10_000)
                    } else {
                        String::new()
                    },
                    verification_token_sha256: if anonymous {
                        format!("{h:016x}{:016x}", mix(h)).repeat(2)
                    } else {
                        String::new()
                    },
                    client: String::new(),
                });
                ("report", id, event, if anonymous { String::new() } else { reporter })
            }
            What::ReportVerified => {
                let event = NewEvent::from_message(&reports::ReportVerified { report_id: self.report_id(p.subject) });
                ("report", self.report_id(p.subject), event, String::new())
            }
            What::ReportAssigned { category } => {
                let event = NewEvent::from_message(&reports::ReportAssigned {
                    report_id: self.report_id(p.subject),
                    department: CATEGORIES[category as usize].1.into(),
                    agent: if hash(&[n, 15]).is_multiple_of(2) { agent.clone() } else { String::new() },
                    by: agent.clone(),
                });
                ("report", self.report_id(p.subject), event, agent)
            }
            What::ReportAcknowledged => {
                let event = NewEvent::from_message(&reports::ReportAcknowledged {
                    report_id: self.report_id(p.subject),
                    agent: agent.clone(),
                    message: "Merci pour votre signalement, nos équipes vont intervenir.".into(),
                });
                ("report", self.report_id(p.subject), event, agent)
            }
            What::ReportWorkStarted => {
                let event = NewEvent::from_message(&reports::ReportWorkStarted {
                    report_id: self.report_id(p.subject),
                    agent: agent.clone(),
                    message: "Une équipe est sur place.".into(),
                });
                ("report", self.report_id(p.subject), event, agent)
            }
            What::ReportResolved => {
                let event = NewEvent::from_message(&reports::ReportResolved {
                    report_id: self.report_id(p.subject),
                    agent: agent.clone(),
                    message: "L'intervention est terminée.".into(),
                    resolved_at_us: at,
                });
                ("report", self.report_id(p.subject), event, agent)
            }
            What::ReportRejected => {
                let event = NewEvent::from_message(&reports::ReportRejected {
                    report_id: self.report_id(p.subject),
                    agent: agent.clone(),
                    reason: "Cet endroit relève de la compétence du département, à qui nous avons transmis.".into(),
                });
                ("report", self.report_id(p.subject), event, agent)
            }
            What::ReportMerged { into } => {
                let event = NewEvent::from_message(&reports::ReportMerged {
                    report_id: self.report_id(p.subject),
                    into_report_id: self.report_id(into),
                    agent: agent.clone(),
                    message: "Ce problème a déjà été signalé.".into(),
                });
                ("report", self.report_id(p.subject), event, agent)
            }
            What::ReportReopened => {
                let event = NewEvent::from_message(&reports::ReportReopened {
                    report_id: self.report_id(p.subject),
                    reporter: reporter.clone(),
                    message: "Le problème est revenu.".into(),
                });
                ("report", self.report_id(p.subject), event, reporter)
            }
            What::ReportSupported => {
                let supporter = self.resident(p.commune, hash(&[n, v, 16]));
                let event = NewEvent::from_message(&reports::ReportSupported {
                    report_id: self.report_id(p.subject),
                    supporter: supporter.clone(),
                });
                ("report", self.report_id(p.subject), event, supporter)
            }
            What::InternalNoteAdded => {
                let event = NewEvent::from_message(&reports::InternalNoteAdded {
                    report_id: self.report_id(p.subject),
                    note_id: self.id_v7(at, &[17, n, v]),
                    author: agent.clone(),
                    text: "Prévoir la nacelle pour l'intervention.".into(),
                });
                ("report", self.report_id(p.subject), event, agent)
            }
            What::QuestionAsked { due_us } => {
                let author = self.resident(p.commune, hash(&[2, n]));
                let event = NewEvent::from_message(&dialogue::QuestionAsked {
                    question_id: self.question_id(p.subject),
                    author: author.clone(),
                    title: "Quand la piscine municipale rouvrira-t-elle ?".into(),
                    body: self.body(&[18, n], 3).join(" "),
                    commune: c.code.clone(),
                    asked_at_us: at,
                    commitment_days: c.commitment_days,
                    answer_due_at_us: due_us,
                });
                ("question", self.question_id(p.subject), event, author)
            }
            What::AnswerPublished { official, on_time } => {
                let answerer = if official { agent } else { self.resident(p.commune, hash(&[n, v, 19])) };
                let event = NewEvent::from_message(&dialogue::AnswerPublished {
                    question_id: self.question_id(p.subject),
                    answerer: answerer.clone(),
                    body: self.body(&[20, n, v], 2).join(" "),
                    official,
                    answered_at_us: at,
                    on_time,
                });
                ("question", self.question_id(p.subject), event, answerer)
            }
            What::QuestionRedirected { report } => {
                let report =
                    if (report as usize) < self.reports.len() { self.report_id(report) } else { String::new() };
                let event = NewEvent::from_message(&dialogue::QuestionRedirected {
                    question_id: self.question_id(p.subject),
                    agent: agent.clone(),
                    report: format!("communes/{}/reports/{report}", c.code),
                    message: "Votre question a été transformée en signalement.".into(),
                    redirected_at_us: at,
                });
                ("question", self.question_id(p.subject), event, agent)
            }
            What::CommentPosted { on_proposal, parent } => {
                let id = self.id_v7(at, &[5, n]);
                let author = self.resident(p.commune, hash(&[n, 21]));
                let subject = if on_proposal {
                    format!("communes/{}/proposals/{}", c.code, self.proposal_id(parent))
                } else {
                    format!("communes/{}/questions/{}", c.code, self.question_id(parent))
                };
                let event = NewEvent::from_message(&dialogue::CommentPosted {
                    comment_id: id.clone(),
                    subject,
                    parent_comment_id: String::new(),
                    author: author.clone(),
                    body: self.body(&[22, n], 2).join(" "),
                    commune: c.code.clone(),
                    official: false,
                    posted_at_us: at,
                });
                ("comment", id, event, author)
            }
            What::ProposalSubmitted { threshold } => {
                let author = self.resident(p.commune, hash(&[3, n]));
                let event = NewEvent::from_message(&dialogue::ProposalSubmitted {
                    proposal_id: self.proposal_id(p.subject),
                    author: author.clone(),
                    title: "Installer des arceaux à vélos devant l'école".into(),
                    body: self.body(&[23, n], 4).join(" "),
                    support_threshold: u32::from(threshold),
                    commune: c.code.clone(),
                    submitted_at_us: at,
                });
                ("proposal", self.proposal_id(p.subject), event, author)
            }
            What::ProposalSupported { supports } => {
                let supporter = self.resident(p.commune, hash(&[n, u64::from(supports), 24]));
                let event = NewEvent::from_message(&dialogue::ProposalSupported {
                    proposal_id: self.proposal_id(p.subject),
                    supporter: supporter.clone(),
                    supported_at_us: at,
                    supports: u32::from(supports),
                });
                ("proposal", self.proposal_id(p.subject), event, supporter)
            }
            What::ProposalThresholdReached { supports, due_us } => {
                // In the commit of the support that reached it: the same actor.
                let supporter = self.resident(p.commune, hash(&[n, u64::from(supports), 24]));
                let event = NewEvent::from_message(&dialogue::ProposalThresholdReached {
                    proposal_id: self.proposal_id(p.subject),
                    supports: u32::from(supports),
                    reached_at_us: at,
                    answer_due_at_us: due_us,
                });
                ("proposal", self.proposal_id(p.subject), event, supporter)
            }
            What::ProposalAnswered { obliged, on_time } => {
                let event = NewEvent::from_message(&dialogue::ProposalAnswered {
                    proposal_id: self.proposal_id(p.subject),
                    answerer: agent.clone(),
                    body: self.body(&[25, n], 3).join(" "),
                    answered_at_us: at,
                    was_obliged: obliged,
                    on_time,
                });
                ("proposal", self.proposal_id(p.subject), event, agent)
            }
            What::PublicationDrafted { kind } => {
                let (kind_name, space, _, titles) = KINDS[kind as usize];
                let writer = self.writer(p, space);
                let event = NewEvent::from_message(&publications::PublicationDrafted {
                    publication_id: self.publication_id(p.subject),
                    space: space as i32,
                    kind: kind_name.into(),
                    title: titles[(hash(&[n, 26]) % titles.len() as u64) as usize].into(),
                    body: self.body(&[27, n], 6).join("\n"),
                    commune: c.code.clone(),
                    author: writer.clone(),
                    drafted_at_us: at,
                    details: self.details(p, kind, 0, false),
                });
                ("publication", self.publication_id(p.subject), event, writer)
            }
            What::PublicationDraftUpdated { kind } => {
                let (_, space, _, titles) = KINDS[kind as usize];
                let writer = self.writer(p, space);
                let event = NewEvent::from_message(&publications::PublicationDraftUpdated {
                    publication_id: self.publication_id(p.subject),
                    title: titles[(hash(&[n, 26]) % titles.len() as u64) as usize].into(),
                    body: self.body(&[28, n], 6).join("\n"),
                    details: self.details(p, kind, 0, false),
                    updated_at_us: at,
                });
                ("publication", self.publication_id(p.subject), event, writer)
            }
            What::PublicationPublished { published_us, scheduled } => {
                let event = NewEvent::from_message(&publications::PublicationPublished {
                    publication_id: self.publication_id(p.subject),
                    published_at_us: published_us,
                    scheduled,
                    decided_at_us: at,
                });
                ("publication", self.publication_id(p.subject), event, agent)
            }
            What::PublicationAmended { kind, revision, progress, abandoned } => {
                let (_, space, _, titles) = KINDS[kind as usize];
                let writer = self.writer(p, space);
                let title: String = titles[(hash(&[n, 26]) % titles.len() as u64) as usize].into();
                let previous = self.body(&[27, n, u64::from(revision)], 6);
                let body = self.body(&[27, n, u64::from(revision) + 1], 6);
                let diff =
                    |op: publications::DiffOp, text: &str| publications::DiffLine { op: op as i32, text: text.into() };
                let mut body_diff: Vec<_> = previous[..5].iter().map(|l| diff(publications::DiffOp::Kept, l)).collect();
                body_diff.push(diff(publications::DiffOp::Removed, previous[5]));
                body_diff.push(diff(publications::DiffOp::Added, body[5]));
                let previous_progress = u8::try_from(u32::from(progress).saturating_sub(25)).unwrap_or(0);
                let event = NewEvent::from_message(&publications::PublicationAmended {
                    publication_id: self.publication_id(p.subject),
                    revision: u32::from(revision) + 1,
                    title: title.clone(),
                    body: body.join("\n"),
                    summary_of_change: format!("Point d'étape : avancement {progress} %"),
                    previous_title: title,
                    previous_body: previous.join("\n"),
                    body_diff,
                    details: self.details(p, kind, progress, abandoned),
                    amended_at_us: at,
                    previous_details: self.details(p, kind, previous_progress, false),
                    removed_attachment_ids: vec![],
                });
                ("publication", self.publication_id(p.subject), event, writer)
            }
            What::PublicationArchived => {
                let event = NewEvent::from_message(&publications::PublicationArchived {
                    publication_id: self.publication_id(p.subject),
                    reason: "Information périmée.".into(),
                    archived_at_us: at,
                });
                ("publication", self.publication_id(p.subject), event, agent)
            }
        };
        let metadata = Metadata {
            occurred_at_us: at,
            actor,
            // The request that made the commit: the same for a support and the threshold it reached.
            correlation_id: self.id_v4(&[8, u64::from(p.commune), n, at as u64]),
            causation_id: String::new(),
            trace_context: HashMap::new(),
        };
        (aggregate_type, aggregate_id, event, metadata)
    }

    fn writer(&self, p: &Planned, space: publications::Space) -> String {
        match space {
            publications::Space::Citizen => self.resident(p.commune, hash(&[u64::from(p.subject), 30])),
            _ => self.agent(p.commune, hash(&[u64::from(p.subject), 30])),
        }
    }

    /// The commit of consecutive events `events` (one aggregate), as its service would make it.
    pub fn commit(&self, events: &[Planned]) -> Commit {
        let rows: Vec<_> = events.iter().map(|p| self.materialize(p)).collect();
        let first = &events[0];
        let (aggregate_type, aggregate_id, _, metadata) = &rows[0];
        Commit {
            commune: self.communes[first.commune as usize].code.clone(),
            aggregate_type: (*aggregate_type).to_owned(),
            aggregate_id: aggregate_id.clone(),
            expected_version: u64::from(first.version) - 1,
            request_id: None,
            metadata: metadata.clone(),
            events: rows.into_iter().map(|(_, _, event, _)| event).collect(),
        }
    }

    /// One `COPY … FROM STDIN` (text format) line: the row `EventStore::append` would write at `position`.
    pub fn copy_line(&self, out: &mut Vec<u8>, position: u64, p: &Planned) {
        use std::io::Write as _;
        let (aggregate_type, aggregate_id, event, metadata) = self.materialize(p);
        // The store stamps its own clock and a fresh UUID v7: a few milliseconds after the command.
        let recorded_at_us = metadata.occurred_at_us + 1_000 + (hash(&[position, 31]) % 40_000) as i64;
        // Unique across the logs too (positions are not): the aggregate and its version.
        let event_id =
            self.id_v7(recorded_at_us, &[32, hash_str(aggregate_type), hash_str(&aggregate_id), u64::from(p.version)]);
        let trace_context = serde_json::to_string(&metadata.trace_context).unwrap_or_else(|_| "{}".into());
        let _ = write!(out, "{position}\t{event_id}\t");
        copy_text(out, &self.communes[p.commune as usize].code);
        out.push(b'\t');
        copy_text(out, aggregate_type);
        out.push(b'\t');
        copy_text(out, &aggregate_id);
        let _ = write!(out, "\t{}\t", p.version);
        copy_text(out, &event.event_type);
        let _ = write!(out, "\t{}\t{}\t{recorded_at_us}\t", event.schema_version, metadata.occurred_at_us);
        copy_text(out, &metadata.actor);
        out.push(b'\t');
        copy_text(out, &metadata.correlation_id);
        out.push(b'\t');
        copy_text(out, &metadata.causation_id);
        out.push(b'\t');
        copy_text(out, &trace_context);
        // bytea in hex, its backslash escaped for the text format.
        out.extend_from_slice(b"\t\\\\x");
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for byte in &event.payload {
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 15)]);
        }
        out.push(b'\n');
    }
}

/// A text value in `COPY`'s text format.
fn copy_text(out: &mut Vec<u8>, value: &str) {
    for &byte in value.as_bytes() {
        match byte {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(byte),
        }
    }
}
