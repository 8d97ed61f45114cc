//! The publications service over a real gRPC server, on PostgreSQL and
//! SQLite: the lifecycle, scheduled publication, revisions with a diff,
//! archives that stay readable, who writes in which space, idempotent
//! retries and field-level errors.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_platform::health::Readiness;
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::publications::v1 as pb;
use miroir_proto::publications::v1::publications_client::PublicationsClient;
use miroir_proto::publications::v1::publications_server::PublicationsServer;
use miroir_publications::api::PublicationsApi;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Code, Request};
use tonic_types::StatusExt;

const PARIS: &str = "75056";
const LYON: &str = "69123";
const AGENT: &str = "0190c0de-0000-7000-8000-00000000a9e7";
const MEMBER: &str = "0190c0de-0000-7000-8000-0000000c011e";
const RESIDENT: &str = "0190c0de-0000-7000-8000-000000000001";
const HOUR_US: i64 = 3600 * 1_000_000;

struct Running {
    client: PublicationsClient<Channel>,
    keys: Keys,
    clock: Arc<AtomicI64>,
    token: CancellationToken,
    db: TestDatabase,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

async fn start(backend: Backend) -> Running {
    let db = TestDatabase::new(backend).await;
    miroir_publications::migrate_database(&db.db).await.expect("migrate");
    let store = miroir_publications::open(db.db.clone()).await.expect("open");
    let keys = Keys::generate().expect("keys");
    let clock = Arc::new(AtomicI64::new(1_800_000_000_000_000));
    let read = clock.clone();
    let api = PublicationsApi::new(store).with_clock(Arc::new(move || read.load(Ordering::SeqCst)));
    let service = PublicationsServer::with_interceptor(api, miroir_auth::grpc::authenticate(keys.verifier()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    let token = CancellationToken::new();
    tokio::spawn(miroir_platform::grpc::serve(
        listener,
        tonic::service::Routes::new(service),
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        token.clone(),
    ));
    let client = PublicationsClient::connect(format!("http://{address}")).await.expect("connect");
    Running { client, keys, clock, token, db }
}

impl Running {
    fn as_user<T>(&self, sub: &str, commune: &str, role: Role, message: T) -> Request<T> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64;
        let claims = Claims {
            sub: sub.into(),
            iat: now,
            exp: now + 600,
            grants: vec![Grant { commune: commune.into(), role }],
            client: None,
        };
        let mut request = Request::new(message);
        let value = format!("Bearer {}", self.keys.sign(&claims)).parse().expect("ascii header");
        request.metadata_mut().insert("authorization", value);
        request
    }

    fn agent<T>(&self, message: T) -> Request<T> {
        self.as_user(AGENT, PARIS, Role::Agent, message)
    }

    fn member<T>(&self, message: T) -> Request<T> {
        self.as_user(MEMBER, PARIS, Role::CollectiveMember, message)
    }

    fn resident<T>(&self, message: T) -> Request<T> {
        self.as_user(RESIDENT, PARIS, Role::Resident, message)
    }

    fn advance(&self, by_us: i64) {
        self.clock.fetch_add(by_us, Ordering::SeqCst);
    }

    fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    async fn draft_as(&mut self, request: Request<pb::CreateDraftRequest>) -> pb::Publication {
        self.client.create_draft(request).await.expect("create draft").into_inner().publication.expect("publication")
    }

    async fn news(&mut self, title: &str) -> pb::Publication {
        let request = self.agent(news(title, "Première ligne.\nDeuxième ligne."));
        self.draft_as(request).await
    }

    async fn publish(&mut self, name: &str, publish_at_us: i64) -> pb::Publication {
        let request = self.agent(pb::PublishRequest { name: name.into(), publish_at_us, ..Default::default() });
        self.client.publish(request).await.expect("publish").into_inner().publication.expect("publication")
    }

    async fn public_list(&mut self) -> Vec<pb::Publication> {
        let request = pb::ListPublicationsRequest { parent: format!("communes/{PARIS}"), ..Default::default() };
        self.client.list_publications(request).await.expect("list").into_inner().publications
    }

    async fn public_get(&mut self, name: &str) -> Result<pb::Publication, tonic::Status> {
        self.client.get_publication(pb::GetPublicationRequest { name: name.into() }).await.map(|r| r.into_inner())
    }
}

fn news(title: &str, body: &str) -> pb::CreateDraftRequest {
    pb::CreateDraftRequest {
        parent: format!("communes/{PARIS}"),
        space: pb::Space::Official as i32,
        kind: "news".into(),
        title: title.into(),
        body: body.into(),
        ..Default::default()
    }
}

fn project() -> pb::CreateDraftRequest {
    pb::CreateDraftRequest {
        parent: format!("communes/{PARIS}"),
        space: pb::Space::Official as i32,
        kind: "project".into(),
        title: "Rénovation de l'école".into(),
        body: "Isolation et toiture.".into(),
        details: Some(pb::PublicationDetails {
            project: Some(pb::ProjectDetails {
                status: pb::ProjectStatus::InProgress as i32,
                budget_planned_cents: 25_000_000,
                budget_spent_cents: 8_000_000,
                funding_sources: vec!["Commune".into(), "DETR".into()],
                progress_percent: 30,
                location: Some(pb::ProjectLocation {
                    latitude: 48.85,
                    longitude: 2.35,
                    address: "1 rue de l'École".into(),
                }),
                milestones: vec![pb::Milestone { title: "Toiture".into(), date: "2026-06-30".into(), done: false }],
                responsible_department: "Services techniques".into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn field(status: &tonic::Status) -> Option<String> {
    status.get_details_bad_request().and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

fn status_of(p: &pb::Publication) -> pb::PublicationStatus {
    pb::PublicationStatus::try_from(p.status).unwrap_or(pb::PublicationStatus::Unspecified)
}

async fn a_project_goes_from_draft_to_published_to_archived_and_stays_readable(backend: Backend) {
    let mut running = start(backend).await;
    let request = running.agent(project());
    let draft = running.draft_as(request).await;
    assert_eq!(status_of(&draft), pb::PublicationStatus::Draft);
    assert_eq!(draft.author, AGENT);
    assert_eq!(draft.details.as_ref().and_then(|d| d.project.as_ref()).map(|p| p.progress_percent), Some(30));
    assert_eq!(draft.name, format!("communes/{PARIS}/publications/{}", draft.publication_id));

    // A draft is seen only by its space's writers.
    assert_eq!(running.public_get(&draft.name).await.map_err(|s| s.code()), Err(Code::NotFound));
    let request = running.member(pb::GetPublicationRequest { name: draft.name.clone() });
    assert_eq!(running.client.get_publication(request).await.map_err(|s| s.code()).err(), Some(Code::NotFound));
    assert!(running.public_list().await.is_empty());

    let request = running.agent(pb::UpdateDraftRequest {
        name: draft.name.clone(),
        title: "Rénovation de l'école Jules-Ferry".into(),
        body: "Isolation, toiture et cour.".into(),
        details: project().details,
        ..Default::default()
    });
    let updated = running.client.update_draft(request).await.expect("update").into_inner().publication.expect("p");
    assert_eq!(updated.title, "Rénovation de l'école Jules-Ferry");
    assert_eq!(updated.revision, 0, "drafts keep no revisions");

    let published = running.publish(&draft.name, 0).await;
    assert_eq!(status_of(&published), pb::PublicationStatus::Published);
    assert_eq!(published.published_at_us, running.now());
    let listed = running.public_list().await;
    assert_eq!(listed.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(), vec!["Rénovation de l'école Jules-Ferry"]);

    let request = running.agent(pb::UpdateDraftRequest { name: draft.name.clone(), ..Default::default() });
    let refused = running.client.update_draft(request).await.expect_err("published: amend instead");
    assert_eq!(refused.code(), Code::FailedPrecondition);

    running.advance(HOUR_US);
    let request = running.agent(pb::ArchiveRequest {
        name: draft.name.clone(),
        reason: "Projet terminé".into(),
        ..Default::default()
    });
    let archived = running.client.archive(request).await.expect("archive").into_inner().publication.expect("p");
    assert_eq!(status_of(&archived), pb::PublicationStatus::Archived);
    let read = running.public_get(&draft.name).await.expect("an archived publication stays readable");
    assert_eq!((status_of(&read), read.archived_reason.as_str()), (pb::PublicationStatus::Archived, "Projet terminé"));
    assert_eq!(read.archived_at_us, running.now());
    let request = pb::ListPublicationsRequest {
        parent: format!("communes/{PARIS}"),
        status: pb::PublicationStatus::Archived as i32,
        ..Default::default()
    };
    let archived = running.client.list_publications(request).await.expect("list").into_inner().publications;
    assert_eq!(archived.len(), 1);
}

async fn a_scheduled_publication_is_invisible_until_its_time(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.news("Conseil municipal du 3 mars").await;
    let at = running.now() + 2 * HOUR_US;
    let scheduled = running.publish(&draft.name, at).await;
    assert_eq!(status_of(&scheduled), pb::PublicationStatus::Scheduled);
    assert_eq!(scheduled.published_at_us, at);

    assert!(running.public_list().await.is_empty());
    assert_eq!(running.public_get(&draft.name).await.map_err(|s| s.code()).err(), Some(Code::NotFound));
    let request = running.agent(pb::ListPublicationsRequest {
        parent: format!("communes/{PARIS}"),
        status: pb::PublicationStatus::Scheduled as i32,
        ..Default::default()
    });
    let seen = running.client.list_publications(request).await.expect("list").into_inner().publications;
    assert_eq!(seen.len(), 1, "its writers see what is scheduled");

    let request = running.agent(pb::PublishRequest {
        name: draft.name.clone(),
        publish_at_us: running.now() - 1,
        ..Default::default()
    });
    let past = running.client.publish(request).await.expect_err("already scheduled");
    assert_eq!(past.code(), Code::FailedPrecondition);
    let other = running.news("Fête de la musique").await;
    let request = running.agent(pb::PublishRequest {
        name: other.name.clone(),
        publish_at_us: running.now() - 1,
        ..Default::default()
    });
    let past = running.client.publish(request).await.expect_err("in the past");
    assert_eq!(field(&past).as_deref(), Some("publish_at_us"));

    running.advance(2 * HOUR_US);
    let read = running.public_get(&draft.name).await.expect("visible once its time has come");
    assert_eq!(status_of(&read), pb::PublicationStatus::Published);
    assert_eq!(running.public_list().await.len(), 1);
}

async fn amendments_keep_a_public_revision_history_with_a_diff(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.news("Travaux rue Haute").await;
    running.publish(&draft.name, 0).await;
    let amend = |body: &str, summary: &str| pb::AmendRequest {
        name: draft.name.clone(),
        title: "Travaux rue Haute".into(),
        body: body.into(),
        summary_of_change: summary.into(),
        ..Default::default()
    };
    let request = running.agent(amend("Première ligne.\nLigne corrigée.", "Correction de la date"));
    let amended = running.client.amend(request).await.expect("amend").into_inner().publication.expect("p");
    assert_eq!((amended.revision, amended.body.as_str()), (1, "Première ligne.\nLigne corrigée."));
    let request = running.agent(amend("Première ligne.\nLigne corrigée.\nAjout.", "Précision"));
    running.client.amend(request).await.expect("second amendment");

    let request = pb::ListRevisionsRequest { name: draft.name.clone() };
    let revisions = running.client.list_revisions(request).await.expect("revisions").into_inner().revisions;
    assert_eq!(revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), vec![1, 2]);
    let first = &revisions[0];
    assert_eq!(first.summary_of_change, "Correction de la date");
    assert_eq!(first.previous_body, "Première ligne.\nDeuxième ligne.");
    assert_eq!(first.amended_by, AGENT);
    let diff: Vec<(i32, &str)> = first.body_diff.iter().map(|l| (l.op, l.text.as_str())).collect();
    assert_eq!(
        diff,
        vec![
            (pb::DiffOp::Kept as i32, "Première ligne."),
            (pb::DiffOp::Removed as i32, "Deuxième ligne."),
            (pb::DiffOp::Added as i32, "Ligne corrigée."),
        ]
    );

    // A project's progress is public history too: each update is a revision with the details before and after.
    let request = running.agent(project());
    let school = running.draft_as(request).await;
    running.publish(&school.name, 0).await;
    let mut progressed = project().details;
    if let Some(p) = progressed.as_mut().and_then(|d| d.project.as_mut()) {
        p.progress_percent = 60;
    }
    let request = running.agent(pb::AmendRequest {
        name: school.name.clone(),
        title: school.title.clone(),
        body: school.body.clone(),
        details: progressed,
        summary_of_change: "Avancement : 60 %".into(),
        ..Default::default()
    });
    running.client.amend(request).await.expect("progress update");
    let request = pb::ListRevisionsRequest { name: school.name.clone() };
    let revisions = running.client.list_revisions(request).await.expect("revisions").into_inner().revisions;
    let progress = |d: Option<&pb::PublicationDetails>| d.and_then(|d| d.project.as_ref()).map(|p| p.progress_percent);
    assert_eq!(
        revisions
            .iter()
            .map(|r| (progress(r.previous_details.as_ref()), progress(r.details.as_ref())))
            .collect::<Vec<_>>(),
        vec![(Some(30), Some(60))]
    );

    let request = running.agent(amend("Première ligne.\nLigne corrigée.\nAjout.", ""));
    let refused = running.client.amend(request).await.expect_err("a summary is required");
    assert_eq!(field(&refused).as_deref(), Some("summary_of_change"));
    // A draft's revisions are as hidden as the draft.
    let hidden = running.news("Brouillon").await;
    let request = pb::ListRevisionsRequest { name: hidden.name.clone() };
    assert_eq!(running.client.list_revisions(request).await.map_err(|s| s.code()).err(), Some(Code::NotFound));
}

async fn each_space_is_written_by_its_own_people(backend: Backend) {
    let mut running = start(backend).await;
    let request = running.resident(news("Mon annonce", ""));
    assert_eq!(running.client.create_draft(request).await.map_err(|s| s.code()).err(), Some(Code::PermissionDenied));
    let request = running.member(news("Annonce officielle", ""));
    assert_eq!(running.client.create_draft(request).await.map_err(|s| s.code()).err(), Some(Code::PermissionDenied));
    let anonymous = Request::new(news("Sans compte", ""));
    assert_eq!(running.client.create_draft(anonymous).await.map_err(|s| s.code()).err(), Some(Code::Unauthenticated));

    let post = pb::CreateDraftRequest {
        parent: format!("communes/{PARIS}"),
        space: pb::Space::Citizen as i32,
        kind: "activity".into(),
        title: "Atelier vélo".into(),
        body: "Réparons nos vélos ensemble.".into(),
        ..Default::default()
    };
    let request = running.agent(post.clone());
    assert_eq!(running.client.create_draft(request).await.map_err(|s| s.code()).err(), Some(Code::PermissionDenied));
    let request = running.member(post);
    let activity = running.draft_as(request).await;
    let request = running.member(pb::PublishRequest { name: activity.name.clone(), ..Default::default() });
    running.client.publish(request).await.expect("a member publishes in the citizen space");

    let official = running.news("Collecte des déchets").await;
    for request in [
        running.resident(pb::PublishRequest { name: official.name.clone(), ..Default::default() }),
        running.member(pb::PublishRequest { name: official.name.clone(), ..Default::default() }),
        running.as_user(
            AGENT,
            LYON,
            Role::Agent,
            pb::PublishRequest { name: official.name.clone(), ..Default::default() },
        ),
    ] {
        assert_eq!(running.client.publish(request).await.map_err(|s| s.code()).err(), Some(Code::PermissionDenied));
    }
    let lyon_name = official.name.replace(PARIS, LYON);
    let request =
        running.as_user(AGENT, LYON, Role::Agent, pb::PublishRequest { name: lyon_name, ..Default::default() });
    assert_eq!(running.client.publish(request).await.map_err(|s| s.code()).err(), Some(Code::NotFound));
    let request = running.as_user(
        AGENT,
        PARIS,
        Role::ElectedOfficial,
        pb::PublishRequest { name: official.name.clone(), ..Default::default() },
    );
    running.client.publish(request).await.expect("an elected official publishes in the official space");

    let request = running.member(pb::ListPublicationsRequest {
        parent: format!("communes/{PARIS}"),
        space: pb::Space::Citizen as i32,
        ..Default::default()
    });
    let citizen = running.client.list_publications(request).await.expect("list").into_inner().publications;
    assert_eq!(citizen.iter().map(|p| p.kind.as_str()).collect::<Vec<_>>(), vec!["activity"]);
}

async fn a_retried_request_creates_one_draft(backend: Backend) {
    let mut running = start(backend).await;
    let mut request = news("Marché de Noël", "Sur la place");
    request.request_id = "create-1".into();
    let first = running.agent(request.clone());
    let first = running.draft_as(first).await;
    let again = running.agent(request);
    let again = running.draft_as(again).await;
    assert_eq!(first.publication_id, again.publication_id);
    let request = running.agent(pb::ListPublicationsRequest {
        parent: format!("communes/{PARIS}"),
        status: pb::PublicationStatus::Draft as i32,
        ..Default::default()
    });
    let drafts = running.client.list_publications(request).await.expect("list").into_inner().publications;
    assert_eq!(drafts.len(), 1);

    let publish = pb::PublishRequest { name: first.name.clone(), request_id: "publish-1".into(), ..Default::default() };
    let request = running.agent(publish.clone());
    let once = running.client.publish(request).await.expect("publish").into_inner();
    running.advance(HOUR_US);
    let request = running.agent(publish);
    let twice = running.client.publish(request).await.expect("a retried publish answers the first result").into_inner();
    assert_eq!(once.log_position, twice.log_position);
}

async fn bad_input_names_the_field(backend: Backend) {
    let mut running = start(backend).await;
    let cases: Vec<(pb::CreateDraftRequest, &str)> = vec![
        (news("a", ""), "title"),
        (pb::CreateDraftRequest { kind: "tract".into(), ..news("Titre correct", "") }, "kind"),
        (pb::CreateDraftRequest { space: 0, ..news("Titre correct", "") }, "space"),
        (pb::CreateDraftRequest { parent: "villes/75056".into(), ..news("Titre correct", "") }, "parent"),
        (pb::CreateDraftRequest { kind: "post".into(), ..news("Titre correct", "") }, "kind"),
        (pb::CreateDraftRequest { kind: "project".into(), ..news("Titre correct", "") }, "details.project"),
        (
            {
                let mut p = project();
                if let Some(details) = p.details.as_mut().and_then(|d| d.project.as_mut()) {
                    details.progress_percent = 120;
                }
                p
            },
            "details.project.progress_percent",
        ),
        (
            pb::CreateDraftRequest {
                kind: "decision".into(),
                details: Some(pb::PublicationDetails {
                    decision: Some(pb::DecisionDetails {
                        session_date: "2026-02-30".into(),
                        number: "2026-01".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..news("Délibération", "")
            },
            "details.decision.session_date",
        ),
        (
            pb::CreateDraftRequest {
                kind: "budget".into(),
                details: Some(pb::PublicationDetails {
                    budget: Some(pb::BudgetDetails {
                        year: 2026,
                        lines: vec![pb::BudgetLine { label: String::new(), amount_cents: 100 }],
                    }),
                    ..Default::default()
                }),
                ..news("Budget primitif 2026", "")
            },
            "details.budget.lines[0].label",
        ),
        (pb::CreateDraftRequest { request_id: "x".repeat(101), ..news("Titre correct", "") }, "request_id"),
    ];
    for (request, expected) in cases {
        let request = running.agent(request);
        let status = running.client.create_draft(request).await.expect_err(expected);
        assert_eq!((status.code(), field(&status).as_deref()), (Code::InvalidArgument, Some(expected)));
    }
    let status = running.public_get("communes/75056/publications/not-a-uuid").await.expect_err("bad name");
    assert_eq!(field(&status).as_deref(), Some("name"));
    let request = pb::ListPublicationsRequest {
        parent: format!("communes/{PARIS}"),
        page_token: "garbage".into(),
        ..Default::default()
    };
    let status = running.client.list_publications(request).await.expect_err("bad token");
    assert_eq!(field(&status).as_deref(), Some("page_token"));
}

async fn lists_are_newest_first_and_paged(backend: Backend) {
    let mut running = start(backend).await;
    for title in ["Un", "Deux", "Trois"] {
        let draft = running.news(&format!("Nouvelle {title}")).await;
        running.publish(&draft.name, 0).await;
        running.advance(1_000);
    }
    let mut titles = Vec::new();
    let mut page_token = String::new();
    loop {
        let request = pb::ListPublicationsRequest {
            parent: format!("communes/{PARIS}"),
            kind: "news".into(),
            page_size: 2,
            page_token: page_token.clone(),
            ..Default::default()
        };
        let page = running.client.list_publications(request).await.expect("list").into_inner();
        assert!(page.publications.len() <= 2);
        titles.extend(page.publications.into_iter().map(|p| p.title));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(titles, vec!["Nouvelle Trois", "Nouvelle Deux", "Nouvelle Un"]);
    let first = pb::ListPublicationsRequest {
        parent: format!("communes/{PARIS}"),
        kind: "news".into(),
        page_size: 1,
        ..Default::default()
    };
    let token = running.client.list_publications(first).await.expect("list").into_inner().next_page_token;
    let other = pb::ListPublicationsRequest {
        parent: format!("communes/{PARIS}"),
        kind: "budget".into(),
        page_token: token,
        ..Default::default()
    };
    let status = running.client.list_publications(other).await.expect_err("a token continues its own list");
    assert_eq!(field(&status).as_deref(), Some("page_token"));
    let request = pb::ListPublicationsRequest {
        parent: format!("communes/{PARIS}"),
        kind: "project".into(),
        ..Default::default()
    };
    assert!(running.client.list_publications(request).await.expect("list").into_inner().publications.is_empty());
}

impl Running {
    /// The titles a list with `query` shows (to the public, or to an agent
    /// with `as_agent`), newest first, and its next page token.
    async fn search(
        &mut self,
        as_agent: bool,
        query: &str,
        page_size: i32,
        page_token: &str,
    ) -> Result<(Vec<String>, String), tonic::Status> {
        let list = pb::ListPublicationsRequest {
            parent: format!("communes/{PARIS}"),
            query: query.into(),
            page_size,
            page_token: page_token.into(),
            ..Default::default()
        };
        let request = if as_agent { self.agent(list) } else { Request::new(list) };
        let page = self.client.list_publications(request).await?.into_inner();
        Ok((page.publications.into_iter().map(|p| p.title).collect(), page.next_page_token))
    }

    async fn public_search(&mut self, query: &str) -> Vec<String> {
        self.search(false, query, 0, "").await.expect("search").0
    }
}

async fn lists_search_all_words_in_titles_and_bodies(backend: Backend) {
    let mut running = start(backend).await;
    for (title, body) in [
        ("Travaux rue de l'Église", "Fermeture de la voirie du 3 au 5 mai."),
        ("Fête de la musique", "Concerts place de l'ÉGLISE et au kiosque."),
        ("Budget 2026", "Les écoles, la voirie et 100 % des gymnases."),
    ] {
        let request = running.agent(news(title, body));
        let draft = running.draft_as(request).await;
        running.publish(&draft.name, 0).await;
        running.advance(1_000);
    }
    let request = running.agent(news("Projet d'église neuve", "Pas encore public."));
    running.draft_as(request).await;

    // Case and accents folded, in the title or the body; newest first.
    assert_eq!(running.public_search("eglise").await, ["Fête de la musique", "Travaux rue de l'Église"]);
    // Every word must match, each anywhere in the title or body.
    assert_eq!(running.public_search("VOIRIE travaux").await, ["Travaux rue de l'Église"]);
    assert_eq!(running.public_search("voirie").await, ["Budget 2026", "Travaux rue de l'Église"]);
    assert!(running.public_search("voirie musique").await.is_empty());
    // Words match from their start: a prefix finds, the middle of a word does not.
    assert_eq!(running.public_search("écol").await, ["Budget 2026"]);
    assert!(running.public_search("oirie").await.is_empty());
    // LIKE's wildcards are only punctuation here: they split words, never match anything.
    assert!(running.public_search("vo_rie").await.is_empty());
    assert_eq!(running.public_search("100%").await, ["Budget 2026"]);
    assert_eq!(running.public_search("  %  ").await.len(), 3, "no word: no text filter");
    // Drafts are found by their writers only (after what is published: a draft has no publication time).
    let (titles, _) = running.search(true, "eglise", 0, "").await.expect("search");
    assert_eq!(titles, ["Fête de la musique", "Travaux rue de l'Église", "Projet d'église neuve"]);

    // A page token continues its own search, whatever the case and accents of its words.
    let (first, token) = running.search(false, "eglise", 1, "").await.expect("page 1");
    assert_eq!(first, ["Fête de la musique"]);
    let (second, last) = running.search(false, "ÉGLISE", 1, &token).await.expect("page 2");
    assert_eq!((second, last.as_str()), (vec!["Travaux rue de l'Église".to_owned()], ""));
    let other = running.search(false, "voirie", 1, &token).await.expect_err("another search");
    assert_eq!(field(&other).as_deref(), Some("page_token"));
    let unfiltered = running.search(false, "", 1, &token).await.expect_err("no search");
    assert_eq!(field(&unfiltered).as_deref(), Some("page_token"));

    let long = "mot ".repeat(51);
    let refused = running.search(false, &long, 0, "").await.expect_err("too long");
    assert_eq!(field(&refused).as_deref(), Some("query"));
}

/// Rows projected before the search text existed get theirs when the service migrates.
async fn older_rows_get_their_search_text_at_migration(backend: Backend) {
    let mut running = start(backend).await;
    let draft = running.news("Vœux du maire").await;
    running.publish(&draft.name, 0).await;
    sqlx::query("UPDATE publications_view SET search_text = ''").execute(running.db.db.pool()).await.expect("blank");
    assert!(running.public_search("voeux").await.is_empty());
    miroir_publications::migrate_database(&running.db.db).await.expect("migrate again");
    assert_eq!(running.public_search("voeux maire").await, ["Vœux du maire"]);
    let filled = miroir_publications::read_model::projection::fill_search_text(&running.db.db).await.expect("fill");
    assert_eq!(filled, 0, "nothing left to fill");
}

async fn follow_ups_and_decisions_point_to_published_items(backend: Backend) {
    let mut running = start(backend).await;
    let request = running.agent(project());
    let school = running.draft_as(request).await;
    let note = |project_publication_id: &str| pb::CreateDraftRequest {
        parent: format!("communes/{PARIS}"),
        space: pb::Space::Citizen as i32,
        kind: "follow_up".into(),
        title: "Où en est l'école ?".into(),
        body: "Le chantier semble arrêté depuis un mois.".into(),
        details: Some(pb::PublicationDetails {
            follow_up: Some(pb::FollowUpDetails { project_publication_id: project_publication_id.into() }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let request = running.member(note(&school.publication_id));
    let status = running.client.create_draft(request).await.expect_err("the project is still a draft");
    assert_eq!(field(&status).as_deref(), Some("details.follow_up.project_publication_id"));
    let not_a_project = running.news("Pas un projet").await;
    running.publish(&not_a_project.name, 0).await;
    let request = running.member(note(&not_a_project.publication_id));
    let status = running.client.create_draft(request).await.expect_err("news is not a project");
    assert_eq!(field(&status).as_deref(), Some("details.follow_up.project_publication_id"));

    running.publish(&school.name, 0).await;
    let request = running.member(note(&school.publication_id));
    let follow_up = running.draft_as(request).await;

    let decision = |related: &str| pb::CreateDraftRequest {
        kind: "decision".into(),
        details: Some(pb::PublicationDetails {
            decision: Some(pb::DecisionDetails {
                session_date: "2026-03-03".into(),
                number: "2026-012".into(),
                votes_for: 15,
                votes_against: 2,
                abstentions: 1,
                related_publication_ids: vec![school.publication_id.clone(), related.into()],
            }),
            ..Default::default()
        }),
        ..news("Approbation du marché de travaux de l'école", "Le conseil approuve le marché.")
    };
    let request = running.agent(decision("0190c0de-0000-7000-8000-00000000dead"));
    let status = running.client.create_draft(request).await.expect_err("an unknown related publication");
    assert_eq!(field(&status).as_deref(), Some("details.decision.related_publication_ids[1]"));
    let request = running.agent(decision(&not_a_project.publication_id));
    let decided = running.draft_as(request).await;
    assert_eq!(
        decided.details.and_then(|d| d.decision).map(|d| (d.votes_for, d.votes_against, d.abstentions)),
        Some((15, 2, 1))
    );
    assert_eq!(
        follow_up.details.and_then(|d| d.follow_up).map(|f| f.project_publication_id),
        Some(school.publication_id.clone())
    );
}

/// A row of the read model: publication id, its columns as text, its encoded resource.
type Row = (String, Vec<String>, Vec<u8>);

/// Every row of the read model, in a fixed order.
async fn read_model_rows(db: &miroir_platform::storage::Database) -> Vec<Row> {
    use sqlx::Row as _;
    let views = sqlx::query(
        "SELECT publication_id, commune, space, kind, status, published_at_us, version, resource, search_text \
         FROM publications_view ORDER BY publication_id",
    )
    .fetch_all(db.pool())
    .await
    .expect("views");
    let revisions = sqlx::query(
        "SELECT publication_id, revision, resource FROM publication_revisions ORDER BY publication_id, revision",
    )
    .fetch_all(db.pool())
    .await
    .expect("revisions");
    let mut rows: Vec<Row> = views
        .iter()
        .map(|r| {
            let columns = vec![
                r.get::<String, _>(1),
                r.get::<String, _>(2),
                r.get::<String, _>(3),
                r.get::<String, _>(4),
                r.get::<i64, _>(5).to_string(),
                r.get::<i64, _>(6).to_string(),
                r.get::<String, _>(8),
            ];
            (r.get(0), columns, r.get(7))
        })
        .collect();
    rows.extend(revisions.iter().map(|r| (r.get(0), vec![format!("revision {}", r.get::<i64, _>(1))], r.get(2))));
    rows
}

async fn the_read_model_rebuilt_from_the_log_is_identical(backend: Backend) {
    use miroir_eventstore::InlineProjection;
    let mut running = start(backend).await;
    let request = running.agent(project());
    let school = running.draft_as(request).await;
    running.publish(&school.name, 0).await;
    let request = running.agent(pb::AmendRequest {
        name: school.name.clone(),
        title: "Rénovation de l'école Jules-Ferry".into(),
        body: "Isolation, toiture et cour.".into(),
        details: project().details,
        summary_of_change: "Le nom de l'école".into(),
        ..Default::default()
    });
    running.client.amend(request).await.expect("amend");
    let request = running.agent(pb::ArchiveRequest {
        name: school.name.clone(),
        reason: "Projet terminé".into(),
        ..Default::default()
    });
    running.client.archive(request).await.expect("archive");
    let later = running.news("Vœux du maire").await;
    running.publish(&later.name, running.now() + HOUR_US).await;
    running.news("Brouillon").await;

    let live = running.db.db.clone();
    let store = miroir_publications::open(live.clone()).await.expect("open");
    let events = store.read_log(0, 1000).await.expect("log");
    assert!(events.len() >= 7, "{}", events.len());
    let fresh = TestDatabase::new(backend).await;
    miroir_publications::migrate_database(&fresh.db).await.expect("migrate");
    let mut conn = fresh.db.pool().acquire().await.expect("connection");
    for event in &events {
        miroir_publications::read_model::PublicationsView.apply(&mut conn, event).await.expect("apply");
    }
    drop(conn);
    let rebuilt = read_model_rows(&fresh.db).await;
    assert_eq!(rebuilt.len(), 4, "three publications and one revision");
    assert_eq!(read_model_rows(&live).await, rebuilt);
}

macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Postgres).await; })+
        }
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Sqlite).await; })+
        }
    };
}

on_both_backends!(
    a_project_goes_from_draft_to_published_to_archived_and_stays_readable,
    a_scheduled_publication_is_invisible_until_its_time,
    amendments_keep_a_public_revision_history_with_a_diff,
    each_space_is_written_by_its_own_people,
    a_retried_request_creates_one_draft,
    bad_input_names_the_field,
    lists_are_newest_first_and_paged,
    lists_search_all_words_in_titles_and_bodies,
    older_rows_get_their_search_text_at_migration,
    follow_ups_and_decisions_point_to_published_items,
    the_read_model_rebuilt_from_the_log_is_identical,
);
