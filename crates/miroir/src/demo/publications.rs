//! The demo commune's publications: two projects, a council decision, the
//! budget and a news item in the official space; a post of the collective and
//! its follow-up note on a project in the citizen space — so that both spaces
//! of the demo answer each other from the first start.

use miroir_eventstore::decider::{Target, execute};
use miroir_eventstore::event::now_us;
use miroir_eventstore::{EventStore, Metadata};
use miroir_proto::publications::v1 as pb;
use miroir_publications::domain::publication::Content;
use miroir_publications::domain::{Command, Kind, PublicationDecider, Space};
use miroir_publications::read_model::PublicationsView;

use super::{COMMUNE, DemoAccounts};

const EURO: i64 = 100;

/// One publication: id, space, kind, title, body, details, author.
type Item<'a> = (String, Space, Kind, &'a str, &'a str, Option<pb::PublicationDetails>, &'a str);

/// Seeds the publications once: only into an empty log.
pub async fn seed(store: &EventStore, accounts: &DemoAccounts) -> anyhow::Result<()> {
    if store.head().await? > 0 {
        return Ok(());
    }
    let courtyard = uuid::Uuid::now_v7().to_string();
    let cycle_lane = uuid::Uuid::now_v7().to_string();
    let project = |status: pb::ProjectStatus, planned: i64, spent: i64, progress: u32, department: &str| {
        Some(pb::PublicationDetails {
            project: Some(pb::ProjectDetails {
                status: status as i32,
                budget_planned_cents: planned * EURO,
                budget_spent_cents: spent * EURO,
                funding_sources: vec!["Commune".into(), "Département".into()],
                progress_percent: progress,
                responsible_department: department.into(),
                ..Default::default()
            }),
            ..Default::default()
        })
    };
    let mut courtyard_details = project(pb::ProjectStatus::InProgress, 180_000, 72_000, 40, "Éducation");
    if let Some(p) = courtyard_details.as_mut().and_then(|d| d.project.as_mut()) {
        p.location =
            Some(pb::ProjectLocation { latitude: 48.8590, longitude: 2.3510, address: "Rue Saint-Merri".into() });
        p.milestones = vec![
            pb::Milestone { title: "Concertation avec les parents".into(), date: "2026-03-15".into(), done: true },
            pb::Milestone { title: "Début des travaux".into(), date: "2026-07-06".into(), done: true },
            pb::Milestone { title: "Livraison de la cour".into(), date: "2027-01-08".into(), done: false },
        ];
    }
    let items: Vec<Item<'_>> = vec![
        (
            courtyard.clone(),
            Space::Official,
            Kind::Project,
            "Une cour d'école végétalisée rue Saint-Merri",
            "La cour de l'école est désimperméabilisée : arbres, potager et fontaine, ouverte aux habitants le samedi.",
            courtyard_details,
            &accounts.agent,
        ),
        (
            cycle_lane.clone(),
            Space::Official,
            Kind::Project,
            "Piste cyclable du quai de la Corse",
            "Une piste cyclable séparée de la chaussée entre le pont d'Arcole et le pont Notre-Dame.",
            project(pb::ProjectStatus::Planned, 450_000, 0, 0, "Voirie"),
            &accounts.agent,
        ),
        (
            uuid::Uuid::now_v7().to_string(),
            Space::Official,
            Kind::Decision,
            "Végétalisation des cours d'école",
            "Le conseil municipal approuve le programme de végétalisation des cours d'école et son financement.",
            Some(pb::PublicationDetails {
                decision: Some(pb::DecisionDetails {
                    session_date: "2026-10-14".into(),
                    number: "2026-041".into(),
                    votes_for: 32,
                    votes_against: 5,
                    abstentions: 4,
                    related_publication_ids: vec![courtyard.clone()],
                }),
                ..Default::default()
            }),
            &accounts.admin,
        ),
        (
            uuid::Uuid::now_v7().to_string(),
            Space::Official,
            Kind::Budget,
            "Budget primitif 2026",
            "Le budget adopté par le conseil municipal, par grands postes.",
            Some(pb::PublicationDetails {
                budget: Some(pb::BudgetDetails {
                    year: 2026,
                    lines: vec![
                        pb::BudgetLine { label: "Écoles et petite enfance".into(), amount_cents: 1_200_000 * EURO },
                        pb::BudgetLine { label: "Voirie et mobilités".into(), amount_cents: 850_000 * EURO },
                        pb::BudgetLine { label: "Espaces verts".into(), amount_cents: 320_000 * EURO },
                    ],
                }),
                ..Default::default()
            }),
            &accounts.admin,
        ),
        (
            uuid::Uuid::now_v7().to_string(),
            Space::Official,
            Kind::News,
            "Collecte des encombrants : nouveaux horaires",
            "À partir du 1er décembre, la collecte des encombrants a lieu le mardi matin.",
            None,
            &accounts.agent,
        ),
        (
            uuid::Uuid::now_v7().to_string(),
            Space::Citizen,
            Kind::Post,
            "Assemblée du collectif le 5 décembre",
            "Venez préparer avec nous les questions à poser au conseil municipal. Salle des fêtes, 19 h.",
            None,
            &accounts.moderator,
        ),
        (
            uuid::Uuid::now_v7().to_string(),
            Space::Citizen,
            Kind::FollowUp,
            "Cour Saint-Merri : les travaux avancent",
            "Nous sommes passés sur le chantier : les arbres sont plantés, la fontaine n'est pas encore installée.",
            Some(pb::PublicationDetails {
                follow_up: Some(pb::FollowUpDetails { project_publication_id: courtyard.clone() }),
                ..Default::default()
            }),
            &accounts.moderator,
        ),
    ];
    for (publication_id, space, kind, title, body, details, author) in items {
        let content = Content { title: title.into(), body: body.into(), details };
        let at_us = now_us();
        run(store, &publication_id, author, || Command::CreateDraft {
            commune: COMMUNE.into(),
            publication_id: publication_id.clone(),
            space,
            kind,
            content: content.clone(),
            author: author.to_owned(),
            at_us,
        })
        .await?;
        run(store, &publication_id, author, || Command::Publish {
            commune: COMMUNE.into(),
            publication_id: publication_id.clone(),
            publish_at_us: None,
            now_us: at_us,
        })
        .await?;
    }
    tracing::info!(commune = COMMUNE, "demo publications created");
    Ok(())
}

async fn run(
    store: &EventStore,
    publication_id: &str,
    actor: &str,
    command: impl Fn() -> Command,
) -> anyhow::Result<()> {
    let target = Target {
        commune: COMMUNE.into(),
        aggregate_type: "publication",
        aggregate_id: publication_id.to_owned(),
        request_id: None,
    };
    let metadata = Metadata { occurred_at_us: now_us(), actor: actor.to_owned(), ..Default::default() };
    execute::<PublicationDecider, _>(store, &target, metadata, &PublicationsView, command)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the demo publications: {e}"))?;
    Ok(())
}
