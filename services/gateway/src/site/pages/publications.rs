//! What the two spaces publish, as residents read it: a publication's page
//! (content, kind details, status, the public revision history with its diff,
//! the "archived" banner), the list of each kind, and the citizen space's
//! tracking of the commune's projects — each project with the collective's
//! follow-up notes, and each note linking back to its project.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::publications::v1 as pb;

use super::publication_view::{
    PublicationView, RevisionView, edit_href, kind_label, kind_list_href, kinds_of, publication_href, space_of_kind,
    space_path,
};
use super::{commune, plain_segment};
use crate::site::CommuneView;
use crate::site::forms::{FormData, error_page};
use crate::site::page::{self, Frame, render};
use crate::site::session::Visitor;
use crate::{AppState, GatewayError, upstream};

/// Who writes in each space, as the publications service decides it (the site only hides what would be refused).
pub const OFFICIAL_WRITERS: &[&str] = &["agent", "elected_official", "commune_admin"];
pub const CITIZEN_WRITERS: &[&str] = &["collective_member", "collective_moderator"];

/// Whether the visitor writes in `space` of the commune.
pub fn writes(visitor: &Visitor, insee: &str, space: pb::Space) -> bool {
    let roles = match space {
        pb::Space::Citizen => CITIZEN_WRITERS,
        _ => OFFICIAL_WRITERS,
    };
    visitor.user.as_ref().is_some_and(|u| u.grants.iter().any(|(c, r)| c == insee && roles.contains(&r.as_str())))
}

pub fn publication_name(insee: &str, publication_id: &str) -> String {
    format!("communes/{insee}/publications/{publication_id}")
}

fn not_found(visitor: Visitor) -> Response {
    page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found")
}

// ---------------------------------------------------------------- calls

/// Which publications to list.
#[derive(Debug, Clone, Copy)]
pub struct Listing<'a> {
    pub space: pb::Space,
    /// "" for every kind.
    pub kind: &'a str,
    pub status: pb::PublicationStatus,
    pub page_size: i32,
    pub page_token: &'a str,
}

impl<'a> Listing<'a> {
    /// The published (and archived) items of a space's kind, newest first, 20 a page.
    pub fn of(space: pb::Space, kind: &'a str) -> Self {
        Listing { space, kind, status: pb::PublicationStatus::Unspecified, page_size: 20, page_token: "" }
    }

    pub fn status(mut self, status: pb::PublicationStatus) -> Self {
        self.status = status;
        self
    }

    pub fn size(mut self, page_size: i32) -> Self {
        self.page_size = page_size;
        self
    }

    pub fn page(mut self, page_token: &'a str) -> Self {
        self.page_token = page_token;
        self
    }
}

/// A page of a commune's publications, as the visitor may see them.
pub async fn list(
    state: &AppState,
    visitor: &Visitor,
    insee: &str,
    listing: Listing<'_>,
) -> Result<pb::ListPublicationsResponse, GatewayError> {
    let mut publications = state.publications.clone();
    let message = pb::ListPublicationsRequest {
        parent: format!("communes/{insee}"),
        space: listing.space.into(),
        kind: listing.kind.to_owned(),
        status: listing.status.into(),
        page_size: listing.page_size,
        page_token: listing.page_token.to_owned(),
        query: String::new(),
    };
    upstream::call(publications.list_publications(upstream::request(message, &visitor.forwarded()))).await
}

/// One publication, as the visitor may see it (drafts only for their space's writers).
pub async fn get(
    state: &AppState,
    visitor: &Visitor,
    insee: &str,
    publication_id: &str,
) -> Result<pb::Publication, GatewayError> {
    let mut publications = state.publications.clone();
    let message = pb::GetPublicationRequest { name: publication_name(insee, publication_id) };
    upstream::call(publications.get_publication(upstream::request(message, &visitor.forwarded()))).await
}

/// Public items only: what a list shows residents (writers also receive drafts and scheduled items, which
/// their writing desk lists).
pub fn public(p: &pb::Publication) -> bool {
    matches!(p.status(), pb::PublicationStatus::Published | pb::PublicationStatus::Archived)
}

/// A part of a page that can do without its service: what it shows, or that it is unavailable.
#[derive(Debug, Clone)]
pub struct Section<T> {
    pub items: Vec<T>,
    pub unavailable: bool,
}

impl<T> Section<T> {
    /// The items of a call, or an empty section that says the service is unavailable.
    pub fn of<U>(what: &str, result: Result<U, GatewayError>, items: impl FnOnce(U) -> Vec<T>) -> Self {
        match result {
            Ok(found) => Section { items: items(found), unavailable: false },
            Err(error) => {
                tracing::warn!(%error, what, "site: a section of the page is unavailable");
                Section { items: Vec::new(), unavailable: true }
            }
        }
    }

    /// A section with nothing to show (and nothing asked).
    pub fn empty() -> Self {
        Section { items: Vec::new(), unavailable: false }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The views of a list's public items.
pub fn views(visitor: &Visitor, insee: &str, listed: pb::ListPublicationsResponse) -> Vec<PublicationView> {
    listed.publications.into_iter().filter(public).map(|p| PublicationView::new(&visitor.tr, insee, p)).collect()
}

/// How many pages of 100 follow-up notes are read to find those of one project (the service lists by kind,
/// not by project).
const NOTE_PAGES: usize = 3;

/// The citizen space's public follow-up notes, newest first (the latest few hundred).
pub async fn follow_up_notes(
    state: &AppState,
    visitor: &Visitor,
    insee: &str,
) -> Result<Vec<PublicationView>, GatewayError> {
    let mut notes = Vec::new();
    let mut token = String::new();
    for _ in 0..NOTE_PAGES {
        let listing = Listing::of(pb::Space::Citizen, "follow_up").size(100).page(&token);
        let page = list(state, visitor, insee, listing).await?;
        token = page.next_page_token.clone();
        notes.extend(views(visitor, insee, page));
        if token.is_empty() {
            break;
        }
    }
    Ok(notes)
}

// ---------------------------------------------------------------- a publication's page

/// A link to another publication: where, and its title.
#[derive(Debug, Clone)]
pub struct LinkView {
    pub href: String,
    pub title: String,
    pub kind_label: String,
}

#[derive(Template)]
#[template(path = "publication_page.html")]
struct Show {
    frame: Frame,
    commune: CommuneView,
    p: PublicationView,
    space_name: String,
    space_href: String,
    list_href: Option<String>,
    /// The visitor writes in this space: the writers' page is linked.
    writer: bool,
    edit_href: String,
    revisions: Section<RevisionView>,
    /// A project: the collective's follow-up notes on it, and the council decisions about it.
    notes: Section<PublicationView>,
    decisions: Section<PublicationView>,
    /// A project, for the collective's writers: where to write a note on it.
    note_href: Option<String>,
    /// A follow-up note: the project it follows.
    followed: Option<LinkView>,
    /// A council decision: the publications it relates to.
    related: Vec<LinkView>,
    /// The public thread of a published (or archived) item; drafts have none.
    comments: Option<super::comments::CommentsView>,
    /// Published items can be followed (amendments, archiving, comments).
    follow: Option<super::follow::FollowButton>,
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((insee, publication_id)): Path<(String, String)>,
) -> Response {
    if !plain_segment(&insee) || !plain_segment(&publication_id) {
        return not_found(visitor);
    }
    let (commune, publication) =
        match tokio::try_join!(commune(&state, &insee), get(&state, &visitor, &insee, &publication_id)) {
            Ok(found) => found,
            Err(error) => return error_page(visitor, &error),
        };
    let mut client = state.publications.clone();
    let message = pb::ListRevisionsRequest { name: publication_name(&insee, &publication_id) };
    let revisions = upstream::call(client.list_revisions(upstream::request(message, &visitor.forwarded()))).await;
    let tr = &visitor.tr;
    // Newest amendment first: what changed last is what a reader looks for.
    let revisions = Section::of("revisions", revisions, |r| {
        r.revisions.iter().rev().map(|r| RevisionView::new(tr, &insee, &publication_id, r)).collect()
    });
    let p = PublicationView::new(tr, &insee, publication);
    let space = if p.space == "citizen" { pb::Space::Citizen } else { pb::Space::Official };
    let (mut notes, mut decisions) = (Section::empty(), Section::empty());
    let (mut followed, mut related, mut note_href) = (None, Vec::new(), None);
    if p.is_project() {
        // The notes that follow this project and the decisions about it (the service lists by kind, not by link).
        let (found_notes, found_decisions) = tokio::join!(
            follow_up_notes(&state, &visitor, &insee),
            list(&state, &visitor, &insee, Listing::of(pb::Space::Official, "decision").size(100)),
        );
        let found_decisions = found_decisions.map(|d| views(&visitor, &insee, d));
        notes =
            Section::of("follow-up notes", found_notes, |all| all.into_iter().filter(|n| n.follows == p.id).collect());
        decisions = Section::of("decisions", found_decisions, |all| {
            all.into_iter().filter(|d| d.decision.as_ref().is_some_and(|d| d.related.contains(&p.id))).collect()
        });
        if p.status == "published" && writes(&visitor, &insee, pb::Space::Citizen) {
            note_href = Some(format!("/c/{insee}/citoyen/redaction/nouveau?kind=follow_up&project={}", p.id));
        }
    }
    if !p.follows.is_empty() && plain_segment(&p.follows) {
        followed = link(&state, &visitor, &insee, &p.follows).await;
    }
    if let Some(decision) = &p.decision {
        for id in decision.related.iter().filter(|id| plain_segment(id)).take(20) {
            if let Some(found) = link(&state, &visitor, &insee, id).await {
                related.push(found);
            }
        }
    }
    let writer = writes(&visitor, &insee, space);
    let (comments, follow) = if matches!(p.status, "published" | "archived") {
        let (target, href) = (publication_name(&insee, &p.id), publication_href(&insee, &p.id));
        let (comments, follow) = tokio::join!(
            super::comments::thread(&state, &visitor, &insee, &target, &href),
            super::follow::button(&state, &visitor, &target, &href),
        );
        (Some(comments), follow)
    } else {
        (None, None)
    };
    let space_name = visitor.tr.t(if space == pb::Space::Citizen { "citizen-space" } else { "official-space" });
    let page = Show {
        frame: Frame::new(&visitor, p.title.clone()),
        space_href: format!("/c/{insee}/{}/", p.space_path),
        list_href: kind_list_href(&insee, &p.kind),
        edit_href: edit_href(&insee, &p.id),
        commune,
        space_name,
        writer,
        revisions,
        notes,
        decisions,
        note_href,
        followed,
        related,
        comments,
        follow,
        p,
    };
    render(visitor, StatusCode::OK, &page)
}

/// A link to a publication the visitor may see, or nothing (gone, not public, service down).
async fn link(state: &AppState, visitor: &Visitor, insee: &str, publication_id: &str) -> Option<LinkView> {
    let found = get(state, visitor, insee, publication_id).await.ok()?;
    Some(LinkView {
        href: publication_href(insee, &found.publication_id),
        kind_label: kind_label(&visitor.tr, &found.kind),
        title: found.title,
    })
}

// ---------------------------------------------------------------- the list of a kind

#[derive(Template)]
#[template(path = "publication_list.html")]
struct KindList {
    frame: Frame,
    commune: CommuneView,
    kind: &'static str,
    title: String,
    intro: String,
    space_name: String,
    space_href: String,
    items: Vec<PublicationView>,
    next_href: Option<String>,
    first_href: Option<String>,
    /// For the space's writers: the form of a new item of this kind, and its label.
    new_link: Option<(String, String)>,
}

async fn kind_list(
    state: AppState,
    visitor: Visitor,
    insee: String,
    query: Option<String>,
    kind: &'static str,
) -> Response {
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let token = query.get("page").to_owned();
    let space = space_of_kind(kind).unwrap_or(pb::Space::Official);
    let listing = Listing::of(space, kind).page(&token);
    let (commune, listed) = match tokio::try_join!(commune(&state, &insee), list(&state, &visitor, &insee, listing)) {
        Ok(found) => found,
        // A page token that is not the service's own is a bad link: the first page instead.
        Err(GatewayError::Upstream(status)) if status.code() == tonic::Code::InvalidArgument && !token.is_empty() => {
            return page::redirect(visitor, &kind_list_href(&insee, kind).unwrap_or_default());
        }
        Err(error) => return error_page(visitor, &error),
    };
    let base = kind_list_href(&commune.insee, kind).unwrap_or_default();
    let next_href = (!listed.next_page_token.is_empty()).then(|| {
        let page: String = form_urlencoded::byte_serialize(listed.next_page_token.as_bytes()).collect();
        format!("{base}?page={page}")
    });
    let first_href = (!token.is_empty()).then(|| base.clone());
    let items = views(&visitor, &commune.insee, listed);
    let tr = &visitor.tr;
    let key = kind.replace('_', "-");
    let title = tr.t(&format!("pub-list-{key}"));
    let new_link = writes(&visitor, &commune.insee, space).then(|| {
        let href = format!("/c/{}/{}/redaction/nouveau?kind={kind}", commune.insee, space_path(space));
        (href, tr.t(&format!("pub-new-{key}")))
    });
    let space_key = if space == pb::Space::Citizen { "citizen-space" } else { "official-space" };
    let page = KindList {
        frame: Frame::new(&visitor, format!("{title} — {}", commune.display_name)),
        intro: tr.t(&format!("pub-list-{key}-intro")),
        space_name: tr.t(space_key),
        space_href: format!("/c/{}/{}/", commune.insee, space_path(space)),
        commune,
        kind,
        title,
        items,
        next_href,
        first_href,
        new_link,
    };
    render(visitor, StatusCode::OK, &page)
}

/// `/c/{insee}/officiel/projets/`
pub async fn projects(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    kind_list(state, visitor, insee, q, "project").await
}

/// `/c/{insee}/officiel/deliberations/`
pub async fn decisions(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    kind_list(state, visitor, insee, q, "decision").await
}

/// `/c/{insee}/officiel/proces-verbaux/`
pub async fn minutes(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    kind_list(state, visitor, insee, q, "minutes").await
}

/// `/c/{insee}/officiel/budgets/`
pub async fn budgets(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    kind_list(state, visitor, insee, q, "budget").await
}

/// `/c/{insee}/officiel/actualites/`
pub async fn news(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    kind_list(state, visitor, insee, q, "news").await
}

/// `/c/{insee}/citoyen/billets/`
pub async fn posts(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    kind_list(state, visitor, insee, q, "post").await
}

/// `/c/{insee}/citoyen/activites/`
pub async fn activities(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    kind_list(state, visitor, insee, q, "activity").await
}

// ---------------------------------------------------------------- the tracking of the commune's projects

/// A commune project with the collective's notes on it.
#[derive(Debug, Clone)]
pub struct TrackedProject {
    pub project: PublicationView,
    pub notes: Vec<PublicationView>,
    pub notes_count: usize,
    /// For the collective's writers: where to write a note on this project.
    pub note_href: Option<String>,
}

/// Each project of `projects` with the notes of `notes` that follow it.
pub fn tracked(
    visitor: &Visitor,
    insee: &str,
    projects: Vec<PublicationView>,
    notes: &[PublicationView],
) -> Vec<TrackedProject> {
    let writer = writes(visitor, insee, pb::Space::Citizen);
    projects
        .into_iter()
        .map(|project| {
            let notes: Vec<PublicationView> = notes.iter().filter(|n| n.follows == project.id).cloned().collect();
            TrackedProject {
                notes_count: notes.len(),
                notes,
                note_href: (writer && project.status == "published")
                    .then(|| format!("/c/{insee}/citoyen/redaction/nouveau?kind=follow_up&project={}", project.id)),
                project,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "publication_tracking.html")]
struct Tracking {
    frame: Frame,
    commune: CommuneView,
    projects: Vec<TrackedProject>,
    notes_unavailable: bool,
    next_href: Option<String>,
    first_href: Option<String>,
}

/// `/c/{insee}/citoyen/suivi/`: the commune's projects, each with the collective's follow-up notes.
pub async fn tracking(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let token = query.get("page").to_owned();
    let listing = Listing::of(pb::Space::Official, "project").page(&token);
    let (commune, listed) = match tokio::try_join!(commune(&state, &insee), list(&state, &visitor, &insee, listing)) {
        Ok(found) => found,
        Err(GatewayError::Upstream(status)) if status.code() == tonic::Code::InvalidArgument && !token.is_empty() => {
            return page::redirect(visitor, &format!("/c/{insee}/citoyen/suivi/"));
        }
        Err(error) => return error_page(visitor, &error),
    };
    let notes = Section::of("follow-up notes", follow_up_notes(&state, &visitor, &insee).await, |n| n);
    let base = format!("/c/{}/citoyen/suivi/", commune.insee);
    let next_href = (!listed.next_page_token.is_empty()).then(|| {
        let page: String = form_urlencoded::byte_serialize(listed.next_page_token.as_bytes()).collect();
        format!("{base}?page={page}")
    });
    let first_href = (!token.is_empty()).then(|| base.clone());
    let projects = tracked(&visitor, &commune.insee, views(&visitor, &commune.insee, listed), &notes.items);
    let frame = Frame::new(&visitor, format!("{} — {}", visitor.tr.t("pub-tracking-title"), commune.display_name));
    let page = Tracking { frame, commune, projects, notes_unavailable: notes.unavailable, next_href, first_href };
    render(visitor, StatusCode::OK, &page)
}

/// The latest items of one kind, as a space's page shows them.
#[derive(Debug, Clone)]
pub struct KindSection {
    pub kind: &'static str,
    pub heading: String,
    pub href: String,
    pub see_all: String,
    pub section: Section<PublicationView>,
}

impl KindSection {
    pub fn new(tr: &crate::site::i18n::Tr, insee: &str, kind: &'static str, section: Section<PublicationView>) -> Self {
        let key = kind.replace('_', "-");
        KindSection {
            kind,
            heading: tr.t(&format!("pub-list-{key}")),
            href: kind_list_href(insee, kind).unwrap_or_default(),
            see_all: tr.t(&format!("pub-see-all-{key}")),
            section,
        }
    }
}

/// The kinds of a space with their list pages and names, for the space pages' menus.
pub fn kind_links(tr: &crate::site::i18n::Tr, insee: &str, space: pb::Space) -> Vec<(String, String)> {
    kinds_of(space)
        .iter()
        .filter_map(|kind| {
            kind_list_href(insee, kind).map(|href| (href, tr.t(&format!("pub-list-{}", kind.replace('_', "-")))))
        })
        .collect()
}
