//! The rows of the dialogue service: any account asks, proposes, supports,
//! comments and flags (in any commune: questions are public); A's officials
//! (and A's clients with `dialogue:write`) answer; A's staff redirect; A's
//! administrators set the threshold; the collective's moderators hide
//! residents' content and the commune's moderators officials' comments; only
//! the author appeals.

use miroir_auth::Role;
use miroir_proto::dialogue::v1 as dg;
use tonic::Code;

use super::{A, B, DIALOGUE, Row, Rule, row, with_auth};

const OFFICIALS: &[Role] = &[Role::Agent, Role::ElectedOfficial, Role::CommuneAdmin];
const CITIZEN_MODERATORS: &[Role] = &[Role::CollectiveModerator];
const COMMUNE_MODERATORS: &[Role] = &[Role::Agent, Role::CommuneAdmin];
const ALL_MODERATORS: &[Role] = &[Role::CollectiveModerator, Role::Agent, Role::CommuneAdmin];

pub fn question(commune: &str) -> dg::AskQuestionRequest {
    dg::AskQuestionRequest {
        parent: format!("communes/{commune}"),
        title: "Horaires de la médiathèque".into(),
        body: "Ouvrira-t-elle le dimanche ?".into(),
        request_id: String::new(),
    }
}

pub fn proposal(commune: &str) -> dg::SubmitProposalRequest {
    dg::SubmitProposalRequest {
        parent: format!("communes/{commune}"),
        title: "Des bancs au parc".into(),
        body: "Pour que les aînés puissent se reposer.".into(),
        request_id: String::new(),
    }
}

pub fn rows() -> Vec<Row> {
    let officials = Rule::InA { roles: OFFICIALS, write_scope: true };
    vec![
        // --- Questions ---
        row(DIALOGUE, "AskQuestion", "communes/35238", Rule::AnyAccount, |w, auth| {
            Box::pin(async move { w.dialogue_client().ask_question(with_auth(question(A), &auth)).await.map(drop) })
        }),
        row(DIALOGUE, "GetQuestion", "the sentinel question of 35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = dg::GetQuestionRequest { name: w.sentinel_question.clone() };
                w.dialogue_client().get_question(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(DIALOGUE, "ListQuestions", "communes/35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = dg::ListQuestionsRequest { parent: format!("communes/{A}"), ..Default::default() };
                w.dialogue_client().list_questions(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(DIALOGUE, "AnswerQuestion", "a fresh question of 35238", officials, |w, auth| {
            Box::pin(async move {
                let request = dg::AnswerQuestionRequest {
                    name: w.fresh_question().await,
                    body: "Oui, de 14 h à 18 h.".into(),
                    request_id: String::new(),
                };
                w.dialogue_client().answer_question(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(
            DIALOGUE,
            "AnswerQuestion",
            "the sentinel question of 35238 named communes/69123/questions/{id}",
            Rule::ThroughB { roles: OFFICIALS, write_scope: true },
            |w, auth| {
                Box::pin(async move {
                    let id = w.sentinel_question.rsplit('/').next().unwrap_or_default();
                    let request = dg::AnswerQuestionRequest {
                        name: format!("communes/{B}/questions/{id}"),
                        body: "Réponse d'une autre commune.".into(),
                        request_id: String::new(),
                    };
                    w.dialogue_client().answer_question(with_auth(request, &auth)).await.map(drop)
                })
            },
        )
        .granting(Code::NotFound),
        row(
            DIALOGUE,
            "RedirectQuestion",
            "a fresh question of 35238 to the sentinel report",
            Rule::StaffOfA,
            |w, auth| {
                Box::pin(async move {
                    let request = dg::RedirectQuestionRequest {
                        name: w.fresh_question().await,
                        report: w.sentinel.clone(),
                        message: "Suivi dans ce signalement.".into(),
                        request_id: String::new(),
                    };
                    w.dialogue_client().redirect_question(with_auth(request, &auth)).await.map(drop)
                })
            },
        ),
        // --- Proposals ---
        row(DIALOGUE, "SubmitProposal", "communes/35238", Rule::AnyAccount, |w, auth| {
            Box::pin(async move { w.dialogue_client().submit_proposal(with_auth(proposal(A), &auth)).await.map(drop) })
        }),
        row(DIALOGUE, "GetProposal", "the sentinel proposal of 35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = dg::GetProposalRequest { name: w.sentinel_proposal.clone() };
                w.dialogue_client().get_proposal(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(DIALOGUE, "ListProposals", "communes/35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = dg::ListProposalsRequest { parent: format!("communes/{A}"), ..Default::default() };
                w.dialogue_client().list_proposals(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(DIALOGUE, "SupportProposal", "a fresh proposal of 35238", Rule::AnyAccount, |w, auth| {
            Box::pin(async move {
                let request = dg::SupportProposalRequest { name: w.fresh_proposal().await, request_id: String::new() };
                w.dialogue_client().support_proposal(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(DIALOGUE, "AnswerProposal", "a fresh proposal of 35238", officials, |w, auth| {
            Box::pin(async move {
                let request = dg::AnswerProposalRequest {
                    name: w.fresh_proposal().await,
                    body: "Trois bancs seront posés au printemps.".into(),
                    request_id: String::new(),
                };
                w.dialogue_client().answer_proposal(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // --- Settings ---
        row(DIALOGUE, "UpdateDialogueSettings", "the threshold of 35238", Rule::AdminOfA, |w, auth| {
            Box::pin(async move {
                let request = dg::UpdateDialogueSettingsRequest {
                    name: format!("communes/{A}/dialogueSettings"),
                    support_threshold: 50,
                    request_id: String::new(),
                };
                w.dialogue_client().update_dialogue_settings(with_auth(request, &auth)).await.map(drop)
            })
        })
        .one_at_a_time(),
        row(DIALOGUE, "GetDialogueSettings", "the settings of 35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = dg::GetDialogueSettingsRequest { name: format!("communes/{A}/dialogueSettings") };
                w.dialogue_client().get_dialogue_settings(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // --- Comments ---
        row(DIALOGUE, "PostComment", "on the sentinel proposal of 35238", Rule::AnyAccount, |w, auth| {
            Box::pin(async move {
                let request = dg::PostCommentRequest {
                    parent: format!("communes/{A}"),
                    target: w.sentinel_proposal.clone(),
                    body: "Bonne idée !".into(),
                    ..Default::default()
                };
                w.dialogue_client().post_comment(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(DIALOGUE, "ListComments", "on the sentinel proposal of 35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = dg::ListCommentsRequest {
                    parent: format!("communes/{A}"),
                    target: w.sentinel_proposal.clone(),
                    ..Default::default()
                };
                w.dialogue_client().list_comments(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // --- Moderation ---
        row(DIALOGUE, "FlagContent", "a fresh question of 35238", Rule::AnyAccount, |w, auth| {
            Box::pin(async move {
                let request = dg::FlagContentRequest {
                    subject: w.fresh_question().await,
                    reason: "Propos injurieux.".into(),
                    request_id: String::new(),
                };
                w.dialogue_client().flag_content(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(
            DIALOGUE,
            "HideContent",
            "a resident's fresh question of 35238",
            Rule::InA { roles: CITIZEN_MODERATORS, write_scope: false },
            |w, auth| {
                Box::pin(async move {
                    let request = dg::HideContentRequest {
                        subject: w.fresh_question().await,
                        public_reason: "Propos injurieux.".into(),
                        request_id: String::new(),
                    };
                    w.dialogue_client().hide_content(with_auth(request, &auth)).await.map(drop)
                })
            },
        ),
        row(
            DIALOGUE,
            "HideContent",
            "an official's fresh comment in 35238",
            Rule::InA { roles: COMMUNE_MODERATORS, write_scope: false },
            |w, auth| {
                Box::pin(async move {
                    let request = dg::HideContentRequest {
                        subject: w.official_comment().await,
                        public_reason: "Données personnelles.".into(),
                        request_id: String::new(),
                    };
                    w.dialogue_client().hide_content(with_auth(request, &auth)).await.map(drop)
                })
            },
        ),
        row(DIALOGUE, "AppealHiding", "a hidden question of another account", Rule::AuthorOnly, |w, auth| {
            Box::pin(async move {
                let request = dg::AppealHidingRequest {
                    subject: w.hidden_question().await,
                    reason: "Rien d'injurieux.".into(),
                    request_id: String::new(),
                };
                w.dialogue_client().appeal_hiding(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(
            DIALOGUE,
            "ResolveAppeal",
            "an appealed question of 35238",
            Rule::InA { roles: CITIZEN_MODERATORS, write_scope: false },
            |w, auth| {
                Box::pin(async move {
                    let subject = w.hidden_question().await;
                    w.appeal_as_author(&subject).await;
                    let request = dg::ResolveAppealRequest {
                        subject,
                        restore: true,
                        public_reason: "Après relecture.".into(),
                        request_id: String::new(),
                    };
                    w.dialogue_client().resolve_appeal(with_auth(request, &auth)).await.map(drop)
                })
            },
        ),
        row(DIALOGUE, "ListModerationLog", "communes/35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = dg::ListModerationLogRequest { parent: format!("communes/{A}"), ..Default::default() };
                w.dialogue_client().list_moderation_log(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(
            DIALOGUE,
            "ListFlaggedContent",
            "communes/35238",
            Rule::InA { roles: ALL_MODERATORS, write_scope: false },
            |w, auth| {
                Box::pin(async move {
                    let request =
                        dg::ListFlaggedContentRequest { parent: format!("communes/{A}"), ..Default::default() };
                    w.dialogue_client().list_flagged_content(with_auth(request, &auth)).await.map(drop)
                })
            },
        ),
    ]
}
