//! The rows of the publications service: official writers in the official
//! space (A's agents, elected officials, administrators, the operator and A's
//! clients with `publications:write`), the collective in the citizen space,
//! everyone reading what is published.

use miroir_auth::Role;
use miroir_proto::publications::v1 as pb;
use tonic::Code;

use super::{A, B, PUBLICATIONS, Row, Rule, row, with_auth};

/// Who writes in A's official space.
pub const OFFICIAL_WRITERS: &[Role] = &[Role::Agent, Role::ElectedOfficial, Role::CommuneAdmin];
/// Who writes in A's citizen space.
pub const CITIZEN_WRITERS: &[Role] = &[Role::CollectiveMember, Role::CollectiveModerator];

pub fn draft(space: pb::Space, kind: &str) -> pb::CreateDraftRequest {
    pb::CreateDraftRequest {
        parent: format!("communes/{A}"),
        space: space.into(),
        kind: kind.into(),
        title: "Fête de quartier".into(),
        body: "Rendez-vous place de la Mairie samedi.".into(),
        ..Default::default()
    }
}

/// A council decision's PDF, attached by the rows.
pub const PDF: &[u8] = include_bytes!("../../../services/publications/tests/fixtures/deliberation.pdf");

pub fn attachment(name: String) -> pb::AddAttachmentRequest {
    pb::AddAttachmentRequest {
        name,
        display_name: "deliberation.pdf".into(),
        content: PDF.to_vec(),
        ..Default::default()
    }
}

pub fn rows() -> Vec<Row> {
    let official = Rule::InA { roles: OFFICIAL_WRITERS, write_scope: true };
    let citizen = Rule::InA { roles: CITIZEN_WRITERS, write_scope: false };
    vec![
        row(PUBLICATIONS, "CreateDraft", "news in the official space of 35238", official, |w, auth| {
            Box::pin(async move {
                let request = draft(pb::Space::Official, "news");
                w.publications_client().create_draft(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "CreateDraft", "a post in the citizen space of 35238", citizen, |w, auth| {
            Box::pin(async move {
                let request = draft(pb::Space::Citizen, "post");
                w.publications_client().create_draft(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "UpdateDraft", "a fresh official draft of 35238", official, |w, auth| {
            Box::pin(async move {
                let name = w.fresh_draft().await;
                let request = pb::UpdateDraftRequest {
                    name,
                    title: "Fête de quartier (nouvelle date)".into(),
                    body: "Rendez-vous dimanche.".into(),
                    ..Default::default()
                };
                w.publications_client().update_draft(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "Publish", "a fresh official draft of 35238", official, |w, auth| {
            Box::pin(async move {
                let request = pb::PublishRequest { name: w.fresh_draft().await, ..Default::default() };
                w.publications_client().publish(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "Amend", "a fresh official publication of 35238", official, |w, auth| {
            Box::pin(async move {
                let request = pb::AmendRequest {
                    name: w.fresh_publication().await,
                    title: "Fête de quartier".into(),
                    body: "Rendez-vous place de la Mairie samedi à 15 h.".into(),
                    summary_of_change: "Heure précisée.".into(),
                    ..Default::default()
                };
                w.publications_client().amend(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // Who may amend depends on the publication's space, so the service reads it first: named through
        // B's path, A's publication does not exist, for everyone alike (nothing learned, nothing changed).
        row(
            PUBLICATIONS,
            "Amend",
            "the sentinel publication of 35238 named communes/69123/publications/{id}",
            Rule::Public,
            |w, auth| {
                Box::pin(async move {
                    let id = w.sentinel_publication.rsplit('/').next().unwrap_or_default();
                    let request = pb::AmendRequest {
                        name: format!("communes/{B}/publications/{id}"),
                        title: "Détourné".into(),
                        body: "Réécrit depuis une autre commune.".into(),
                        summary_of_change: "Essai.".into(),
                        ..Default::default()
                    };
                    w.publications_client().amend(with_auth(request, &auth)).await.map(drop)
                })
            },
        )
        .granting(Code::NotFound),
        row(PUBLICATIONS, "Archive", "a fresh official publication of 35238", official, |w, auth| {
            Box::pin(async move {
                let request = pb::ArchiveRequest {
                    name: w.fresh_publication().await,
                    reason: "Événement passé.".into(),
                    ..Default::default()
                };
                w.publications_client().archive(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "AddAttachment", "a PDF to a fresh official draft of 35238", official, |w, auth| {
            Box::pin(async move {
                let request = attachment(w.fresh_draft().await);
                w.publications_client().add_attachment(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "RemoveAttachment", "the PDF of a fresh official draft of 35238", official, |w, auth| {
            Box::pin(async move {
                let (name, attachment_id) = w.fresh_draft_with_attachment().await;
                let request = pb::RemoveAttachmentRequest { name, attachment_id, ..Default::default() };
                w.publications_client().remove_attachment(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "GetAttachment", "the PDF of the sentinel publication of 35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = pb::GetAttachmentRequest {
                    name: w.sentinel_publication.clone(),
                    attachment_id: w.sentinel_attachment.clone(),
                };
                w.publications_client().get_attachment(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "GetPublication", "the sentinel publication of 35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = pb::GetPublicationRequest { name: w.sentinel_publication.clone() };
                w.publications_client().get_publication(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "ListPublications", "communes/35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = pb::ListPublicationsRequest { parent: format!("communes/{A}"), ..Default::default() };
                w.publications_client().list_publications(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(PUBLICATIONS, "ListRevisions", "the sentinel publication of 35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = pb::ListRevisionsRequest { name: w.sentinel_publication.clone() };
                w.publications_client().list_revisions(with_auth(request, &auth)).await.map(drop)
            })
        }),
    ]
}
