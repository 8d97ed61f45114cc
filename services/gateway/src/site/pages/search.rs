//! `/c/{insee}/recherche`: one search across a commune's public publications
//! (both spaces), its public questions and its proposals. Every word must
//! start a word of the title or text, accents and case aside (the services'
//! read models do the matching, `miroir_platform::search`). Without `dans`,
//! the first results of each kind, each with a link to more; with
//! `dans=publications|questions|propositions`, one kind page by page.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_platform::search::{MAX_QUERY_CHARS, normalise};
use miroir_proto::dialogue::v1 as dg;
use miroir_proto::publications::v1 as pb;

use super::proposals::ProposalView;
use super::publication_view::PublicationView;
use super::publications::{Section, public};
use super::questions::QuestionView;
use super::{commune, plain_segment};
use crate::site::CommuneView;
use crate::site::forms::{FormData, error_page};
use crate::site::page::{self, Frame, render};
use crate::site::session::Visitor;
use crate::{AppState, GatewayError, upstream};

pub fn search_href(insee: &str) -> String {
    format!("/c/{insee}/recherche")
}

/// Which kind of results a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Within {
    All,
    Publications,
    Questions,
    Proposals,
}

impl Within {
    fn parse(raw: &str) -> Self {
        match raw {
            "publications" => Within::Publications,
            "questions" => Within::Questions,
            "propositions" => Within::Proposals,
            _ => Within::All,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Within::All => "",
            Within::Publications => "publications",
            Within::Questions => "questions",
            Within::Proposals => "propositions",
        }
    }

    fn asks(self, kind: Within) -> bool {
        self == Within::All || self == kind
    }
}

/// The results of one kind: what was found, and where the next ones are.
#[derive(Debug, Clone)]
pub struct Results<T> {
    pub section: Section<T>,
    /// Asked for on this page.
    pub asked: bool,
    pub heading: String,
    pub more_href: Option<String>,
    pub more_label: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    frame: Frame,
    commune: CommuneView,
    q: String,
    /// Words were searched for (the results sections are shown).
    searched: bool,
    /// "" when the whole search is shown; else the kind shown alone.
    within: &'static str,
    all_href: String,
    error: String,
    publications: Results<PublicationView>,
    questions: Results<QuestionView>,
    proposals: Results<ProposalView>,
    first_href: Option<String>,
}

fn link(insee: &str, q: &str, within: Within, page: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("q", q);
    if within != Within::All {
        query.append_pair("dans", within.code());
    }
    if !page.is_empty() {
        query.append_pair("page", page);
    }
    format!("{}?{}", search_href(insee), query.finish())
}

/// A section's results from a list call's answer: its items, and the link to more of them.
fn results<U, T>(
    visitor: &Visitor,
    kind: Within,
    shown: Within,
    (insee, q): (&str, &str),
    answer: Option<Result<U, GatewayError>>,
    items: impl FnOnce(U) -> (Vec<T>, String),
) -> Results<T> {
    let tr = &visitor.tr;
    let heading = tr.t(match kind {
        Within::Publications => "search-publications",
        Within::Questions => "search-questions",
        _ => "search-proposals",
    });
    let Some(answer) = answer else {
        return Results {
            section: Section::empty(),
            asked: false,
            heading,
            more_href: None,
            more_label: String::new(),
        };
    };
    let mut next = String::new();
    let section = Section::of("search", answer, |found| {
        let (items, token) = items(found);
        next = token;
        items
    });
    // On the whole search, "more" opens this kind alone from its first page; on a kind alone, its next page.
    let more_href = match (next.is_empty(), shown) {
        (true, _) => None,
        (false, Within::All) => Some(link(insee, q, kind, "")),
        (false, _) => Some(link(insee, q, kind, &next)),
    };
    let more_label = if shown == Within::All { tr.t1("search-more", &heading) } else { tr.t("next-page") };
    Results { section, asked: true, heading, more_href, more_label }
}

/// GET `/c/{insee}/recherche?q=…[&dans=…][&page=…]`
pub async fn search(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let q = query.get("q").trim().to_owned();
    let within = Within::parse(query.get("dans"));
    // A page token only makes sense for one kind shown alone.
    let token = if within == Within::All { String::new() } else { query.get("page").to_owned() };
    let tr = &visitor.tr;
    let mut error = String::new();
    if q.chars().count() > MAX_QUERY_CHARS {
        error = tr.t("search-too-long");
    } else if !q.is_empty() && normalise(&q).split_whitespace().next().is_none() {
        error = tr.t("search-empty");
    }
    let searched = !q.is_empty() && error.is_empty();
    let size = if within == Within::All { 10 } else { 20 };
    let parent = format!("communes/{insee}");
    let forwarded = visitor.forwarded();
    let (mut publications, mut questions, mut proposals) =
        (state.publications.clone(), state.dialogue.clone(), state.dialogue.clone());
    let publications_call = async {
        if !(searched && within.asks(Within::Publications)) {
            return None;
        }
        let message = pb::ListPublicationsRequest {
            parent: parent.clone(),
            page_size: size,
            page_token: token.clone(),
            query: q.clone(),
            ..Default::default()
        };
        Some(upstream::call(publications.list_publications(upstream::request(message, &forwarded))).await)
    };
    let questions_call = async {
        if !(searched && within.asks(Within::Questions)) {
            return None;
        }
        let message = dg::ListQuestionsRequest {
            parent: parent.clone(),
            page_size: size,
            page_token: token.clone(),
            overdue_only: false,
            query: q.clone(),
        };
        Some(upstream::call(questions.list_questions(upstream::request(message, &forwarded))).await)
    };
    let proposals_call = async {
        if !(searched && within.asks(Within::Proposals)) {
            return None;
        }
        let message = dg::ListProposalsRequest {
            parent: parent.clone(),
            page_size: size,
            page_token: token.clone(),
            awaiting_answer_only: false,
            query: q.clone(),
        };
        Some(upstream::call(proposals.list_proposals(upstream::request(message, &forwarded))).await)
    };
    let (commune, found_publications, found_questions, found_proposals) =
        tokio::join!(commune(&state, &insee), publications_call, questions_call, proposals_call);
    let commune = match commune {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    // A page token that is not the service's own (an edited link): that kind's first page instead.
    if !token.is_empty()
        && (refused_token(&found_publications) || refused_token(&found_questions) || refused_token(&found_proposals))
    {
        return page::redirect(visitor, &link(&insee, &q, within, ""));
    }
    let at = (insee.as_str(), q.as_str());
    let publications = results(&visitor, Within::Publications, within, at, found_publications, |l| {
        let items = l.publications.into_iter().filter(public).map(|p| PublicationView::new(tr, &insee, p)).collect();
        (items, l.next_page_token)
    });
    let questions = results(&visitor, Within::Questions, within, at, found_questions, |l| {
        (l.questions.into_iter().map(|q| QuestionView::new(&visitor, &insee, q)).collect(), l.next_page_token)
    });
    let proposals = results(&visitor, Within::Proposals, within, at, found_proposals, |l| {
        (l.proposals.into_iter().map(|p| ProposalView::new(&visitor, &insee, p)).collect(), l.next_page_token)
    });
    let title = if searched {
        format!("{} — {}", tr.t1("search-results-for", &q), commune.display_name)
    } else {
        format!("{} — {}", tr.t("search-title"), commune.display_name)
    };
    let page = SearchPage {
        frame: Frame::new(&visitor, title),
        all_href: link(&insee, &q, Within::All, ""),
        first_href: (!token.is_empty()).then(|| link(&insee, &q, within, "")),
        commune,
        searched,
        within: within.code(),
        error,
        publications,
        questions,
        proposals,
        q,
    };
    let status = if page.error.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    render(visitor, status, &page)
}

/// Whether a service refused the call as a bad argument (with a page token, the token).
fn refused_token<T>(answer: &Option<Result<T, GatewayError>>) -> bool {
    matches!(answer, Some(Err(GatewayError::Upstream(s))) if s.code() == tonic::Code::InvalidArgument)
}
