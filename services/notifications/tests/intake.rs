//! The intake, on PostgreSQL and SQLite, from the real logs of identity,
//! reports, dialogue and publications (their own APIs write them): who hears
//! about what (plan §4), in the feed and as pending e-mail deliveries; never
//! the actor; an explicit unfollow wins; only public things announced; the
//! parameters hold nothing personal; a redelivered or replayed log adds
//! nothing; a deleted account leaves nothing.

mod support;

use miroir_auth::Role;
use miroir_eventstore::consumer::{self, Applied};
use miroir_notifications::intake::{FromReports, Source};
use miroir_platform::storage::Backend;
use miroir_proto::dialogue::v1 as dialogue_pb;
use miroir_proto::dialogue::v1::dialogue_server::Dialogue as _;
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use miroir_proto::publications::v1 as publications_pb;
use miroir_proto::publications::v1::publications_server::Publications as _;
use miroir_proto::reports::v1 as reports_pb;
use miroir_proto::reports::v1::reports_server::Reports as _;
use sqlx::Row;
use support::world::{HOTEL_DE_VILLE, PASSWORD, ROADS, World, as_id, by, pb_submission, resident, staff};
use support::{PARIS, account};

const RESOLVED: reports_pb::ReportStatus = reports_pb::ReportStatus::Resolved;

fn follow(subject: &str) -> pb::FollowRequest {
    pb::FollowRequest { subject: subject.into(), request_id: String::new() }
}

fn unfollow(subject: &str) -> pb::UnfollowRequest {
    pb::UnfollowRequest { subject: subject.into(), request_id: String::new() }
}

/// No account id of anyone appears in what the texts get.
fn assert_impersonal(params: &str, ids: &[&str]) {
    for id in ids {
        assert!(!params.contains(id), "{params} names {id}");
    }
}

async fn a_resolved_report_reaches_its_reporter_and_supporters_but_not_the_agent(backend: Backend) {
    let w = World::new(backend).await;
    let (reporter, supporter, agent) = (account(1), account(2), w.sign_up("agent").await);
    w.grant(&agent, "agent", ROADS).await;
    let report = w.report(&reporter, "Nid-de-poule rue de Rivoli", HOTEL_DE_VILLE).await;
    w.support(&supporter, &report.name).await;
    // The agent follows it too: acting on it, it is still not told of its own act.
    w.notifications.api.follow(as_id(&agent, follow(&report.name))).await.expect("follow");
    w.set_status(&agent, &report.name, RESOLVED, "Rebouché ce matin.").await;
    w.sync().await;

    for person in [&reporter, &supporter] {
        assert_eq!(w.heard(person, &report.name).await, ["report_resolved"], "{person}");
        let item = w.feed(person).await.remove(0);
        assert_eq!(item.params.get("title").map(String::as_str), Some("Nid-de-poule rue de Rivoli"));
        assert_eq!(item.params.get("message").map(String::as_str), Some("Rebouché ce matin."));
        assert_eq!(item.params.get("status").map(String::as_str), Some("resolved"));
        assert_eq!(item.params.get("commune").map(String::as_str), Some(PARIS));
        assert!(!item.read);
        let deliveries = w.deliveries(person).await;
        assert_eq!(deliveries.len(), 1, "one e-mail for {person}");
        let email = &deliveries[0];
        assert_eq!(
            (email.channel.as_str(), email.event_type.as_str(), email.state.as_str(), email.subject.as_str()),
            ("email", "report_resolved", "pending", report.name.as_str())
        );
        assert_eq!(email.source_event, item.id);
        assert!(email.source_event.starts_with("reports/"), "{}", email.source_event);
        assert_eq!(email.delivery_id.len(), 32);
        assert_impersonal(&email.params, &[&reporter, &supporter, &agent]);
    }
    // The agent heard of the new report (its department's), not of its resolution.
    assert_eq!(w.heard(&agent, &report.name).await, ["report_submitted"]);
    assert_eq!(
        w.deliveries(&agent).await.iter().map(|d| d.event_type.as_str()).collect::<Vec<_>>(),
        ["report_submitted"]
    );
    // The reporter was not told of its own report, nor the supporter of its support.
    let distinct: std::collections::BTreeSet<String> = w
        .deliveries(&reporter)
        .await
        .into_iter()
        .chain(w.deliveries(&supporter).await)
        .map(|d| d.delivery_id)
        .collect();
    assert_eq!(distinct.len(), 2);
}

async fn an_explicit_unfollow_wins_over_an_implicit_follow(backend: Backend) {
    let w = World::new(backend).await;
    let (reporter, supporter, agent) = (account(1), account(2), account(3));
    let report = w.report(&reporter, "Trottoir défoncé", HOTEL_DE_VILLE).await;
    w.support(&supporter, &report.name).await;
    // The reporter opts out before the intake ever saw its report (its
    // implicit follow comes later, and must not override the choice).
    w.notifications.api.unfollow(as_id(&reporter, unfollow(&report.name))).await.expect("unfollow");
    w.sync().await;
    // The supporter opts out after its implicit follow was written.
    w.notifications.api.unfollow(as_id(&supporter, unfollow(&report.name))).await.expect("unfollow");
    w.set_status(&agent, &report.name, RESOLVED, "Réparé.").await;
    w.sync().await;
    for person in [&reporter, &supporter] {
        assert!(w.feed(person).await.is_empty(), "{person}");
        assert!(w.deliveries(person).await.is_empty(), "{person}");
    }
    // A change of mind is heard from then on.
    w.notifications.api.follow(as_id(&reporter, follow(&report.name))).await.expect("follow again");
    let request = reports_pb::ReopenReportRequest {
        name: report.name.clone(),
        message: "C'est revenu.".into(),
        request_id: String::new(),
    };
    w.reports.reopen_report(by(resident(&reporter), request)).await.expect("reopen");
    w.set_status(&agent, &report.name, RESOLVED, "Réparé pour de bon.").await;
    w.sync().await;
    assert_eq!(w.heard(&reporter, &report.name).await, ["report_resolved"], "not its own reopening");
}

async fn redelivered_and_replayed_events_add_nothing(backend: Backend) {
    let w = World::new(backend).await;
    let (reporter, supporter, agent) = (account(1), account(2), w.sign_up("agent").await);
    w.grant(&agent, "agent", ROADS).await;
    let report = w.report(&reporter, "Lampadaire tombé", HOTEL_DE_VILLE).await;
    w.support(&supporter, &report.name).await;
    w.set_status(&agent, &report.name, RESOLVED, "Remplacé.").await;
    let request = dialogue_pb::PostCommentRequest {
        parent: format!("communes/{PARIS}"),
        target: report.name.clone(),
        body: "Merci !".into(),
        ..Default::default()
    };
    w.dialogue.post_comment(by(resident(&supporter), request)).await.expect("comment");
    w.sync().await;
    let before = w.counts().await;
    assert!(before.iter().all(|(_, n)| *n > 0), "{before:?}");

    // A redelivered batch: the checkpoint has moved past it.
    let log = w.log(Source::Reports).await;
    let applied = consumer::apply_batch(w.db(), miroir_notifications::FROM_REPORTS, &FromReports, &log).await;
    assert_eq!(applied.expect("redelivery"), Applied::AlreadyDone);
    // Every log replayed from the start.
    w.reset_checkpoints().await;
    w.sync().await;
    assert_eq!(w.counts().await, before);
    assert_eq!(w.deliveries(&reporter).await.iter().filter(|d| d.event_type == "report_resolved").count(), 1);
}

async fn agents_hear_of_their_departments_new_reports(backend: Backend) {
    let w = World::new(backend).await;
    let reporter = account(1);
    let [roads, all, lighting, quiet, admin, former] = ["roads", "all", "lighting", "quiet", "admin", "former"];
    let (roads, all, lighting) = (w.sign_up(roads).await, w.sign_up(all).await, w.sign_up(lighting).await);
    let (quiet, admin, former) = (w.sign_up(quiet).await, w.sign_up(admin).await, w.sign_up(former).await);
    w.grant(&roads, "agent", ROADS).await;
    w.grant(&all, "agent", "").await;
    w.grant(&lighting, "agent", "éclairage").await;
    w.grant(&quiet, "agent", ROADS).await;
    w.grant(&admin, "commune_admin", "").await;
    w.prefer(&quiet, pb::EmailCadence::Immediately, false).await;
    // An agent whose role was revoked hears nothing any more.
    w.grant(&former, "agent", ROADS).await;
    w.identity.revoke_role(&miroir_identity::operator_cli(), &former, PARIS, "agent", "départ").await.expect("revoke");
    w.sync().await;
    let report = w.report(&reporter, "Chaussée affaissée", HOTEL_DE_VILLE).await;
    w.sync().await;
    for agent in [&roads, &all] {
        assert_eq!(w.heard(agent, &report.name).await, ["report_submitted"], "{agent}");
        let item = w.feed(agent).await.remove(0);
        assert_eq!(item.params.get("category").map(String::as_str), Some("voirie"));
        assert_eq!(item.params.get("department").map(String::as_str), Some(ROADS));
        assert_eq!(w.deliveries(agent).await.len(), 1);
    }
    for nobody in [&lighting, &quiet, &admin, &former, &reporter] {
        assert!(w.feed(nobody).await.is_empty(), "{nobody}");
        assert!(w.deliveries(nobody).await.is_empty(), "{nobody}");
    }

    // Assigned to one agent: that agent hears of it, even with department reports off.
    let request = reports_pb::AssignReportRequest {
        name: report.name.clone(),
        department: ROADS.into(),
        agent: quiet.clone(),
        request_id: String::new(),
    };
    w.reports.assign_report(by(staff(&admin, Role::CommuneAdmin), request)).await.expect("assign");
    w.sync().await;
    assert_eq!(w.heard(&quiet, &report.name).await, ["report_assigned"]);
    assert!(w.feed(&admin).await.is_empty(), "the administrator assigned it");
}

fn subscription(kind: pb::SubscriptionKind) -> pb::Subscription {
    pb::Subscription { kind: kind.into(), ..Default::default() }
}

async fn subscribe(w: &World, account_id: &str, subscription: pb::Subscription) {
    let request = pb::SubscribeRequest {
        parent: format!("communes/{PARIS}"),
        subscription: Some(subscription),
        request_id: String::new(),
    };
    w.notifications.api.subscribe(as_id(account_id, request)).await.expect("subscribe");
}

fn area((latitude, longitude): (f64, f64), radius_m: u32) -> pb::Subscription {
    pb::Subscription {
        area: Some(pb::Area { latitude, longitude, radius_m }),
        ..subscription(pb::SubscriptionKind::Area)
    }
}

async fn subscribers_hear_of_what_their_category_area_or_space_covers(backend: Backend) {
    let w = World::new(backend).await;
    let reporter = account(1);
    let [roads, near, far, citizen, lighting, official] = [10, 11, 12, 13, 14, 15].map(account);
    subscribe(
        &w,
        &roads,
        pb::Subscription { category: "voirie".into(), ..subscription(pb::SubscriptionKind::Category) },
    )
    .await;
    subscribe(
        &w,
        &lighting,
        pb::Subscription { category: "eclairage".into(), ..subscription(pb::SubscriptionKind::Category) },
    )
    .await;
    // 30 m north of the report, within 100 m; the other circle is 1 km away.
    subscribe(&w, &near, area((48.85687, 2.3522), 100)).await;
    subscribe(&w, &far, area((48.8656, 2.3522), 500)).await;
    let space =
        |space: pb::Space| pb::Subscription { space: space.into(), ..subscription(pb::SubscriptionKind::Space) };
    subscribe(&w, &citizen, space(pb::Space::Citizen)).await;
    subscribe(&w, &official, space(pb::Space::Official)).await;
    let report = w.report(&reporter, "Plaque d'égout descellée", HOTEL_DE_VILLE).await;
    w.sync().await;
    for heard in [&roads, &near, &citizen] {
        assert_eq!(w.heard(heard, &report.name).await, ["report_submitted"], "{heard}");
        assert_eq!(w.deliveries(heard).await.len(), 1, "{heard}");
    }
    for nobody in [&far, &lighting, &official] {
        assert!(w.feed(nobody).await.is_empty(), "{nobody}");
    }

    // An official publication reaches the official space's subscribers, and
    // a located project those of an area around it; a draft reaches nobody.
    let writer = account(20);
    let draft = publications_pb::CreateDraftRequest {
        parent: format!("communes/{PARIS}"),
        space: publications_pb::Space::Official.into(),
        kind: "project".into(),
        title: "Rénovation de la place".into(),
        body: "Pavés et bancs.".into(),
        details: Some(publications_pb::PublicationDetails {
            project: Some(publications_pb::ProjectDetails {
                status: publications_pb::ProjectStatus::Planned.into(),
                location: Some(publications_pb::ProjectLocation {
                    latitude: HOTEL_DE_VILLE.0,
                    longitude: HOTEL_DE_VILLE.1,
                    address: "Place de l'Hôtel de Ville".into(),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    let created = w.publications.create_draft(by(staff(&writer, Role::Agent), draft)).await.expect("draft");
    let project = created.into_inner().publication.expect("publication").name;
    w.sync().await;
    assert!(w.feed(&official).await.is_empty(), "a draft is nobody's news");
    let publish = publications_pb::PublishRequest { name: project.clone(), ..Default::default() };
    w.publications.publish(by(staff(&writer, Role::Agent), publish)).await.expect("publish");
    w.sync().await;
    for heard in [&official, &near] {
        assert_eq!(w.heard(heard, &project).await, ["publication_published"], "{heard}");
    }
    for nobody in [&citizen, &roads, &far, &writer] {
        assert!(w.heard(nobody, &project).await.is_empty(), "{nobody}");
    }
}

async fn a_scheduled_publication_is_heard_of_at_its_time(backend: Backend) {
    let w = World::new(backend).await;
    let (writer, reader) = (account(20), account(21));
    let official = pb::Subscription { space: pb::Space::Official.into(), ..subscription(pb::SubscriptionKind::Space) };
    subscribe(&w, &reader, official).await;
    let draft = publications_pb::CreateDraftRequest {
        parent: format!("communes/{PARIS}"),
        space: publications_pb::Space::Official.into(),
        kind: "news".into(),
        title: "Fermeture de la piscine".into(),
        body: "Travaux.".into(),
        ..Default::default()
    };
    let created = w.publications.create_draft(by(staff(&writer, Role::Agent), draft)).await.expect("draft");
    let news = created.into_inner().publication.expect("publication").name;
    let at = miroir_platform::clock::now_us() + 3_600_000_000;
    let publish = publications_pb::PublishRequest { name: news.clone(), publish_at_us: at, ..Default::default() };
    w.publications.publish(by(staff(&writer, Role::Agent), publish)).await.expect("schedule");
    w.sync().await;
    assert!(w.feed(&reader).await.is_empty(), "not before its time");
    let unread = w.notifications.api.count_my_unread(as_id(&reader, pb::CountMyUnreadRequest {})).await.expect("count");
    assert_eq!(unread.into_inner().unread, 0);
    let deliveries = w.deliveries(&reader).await;
    assert_eq!(deliveries.len(), 1);
    assert_eq!((deliveries[0].state.as_str(), deliveries[0].next_attempt_at_us), ("pending", at), "due at its time");
    // Archived before its time: what was announced is withdrawn.
    let archive =
        publications_pb::ArchiveRequest { name: news.clone(), reason: "Annulé".into(), ..Default::default() };
    w.publications.archive(by(staff(&writer, Role::Agent), archive)).await.expect("archive");
    w.sync().await;
    assert_eq!(w.deliveries(&reader).await[0].state, "cancelled");
    let items: i64 = sqlx::query("SELECT COUNT(*) FROM feed_items WHERE account_id = $1")
        .bind(&reader)
        .fetch_one(w.db().pool())
        .await
        .expect("count")
        .get(0);
    assert_eq!(items, 0);
}

async fn a_follow_up_note_reaches_the_followers_of_its_project(backend: Backend) {
    let w = World::new(backend).await;
    let (agent, member, follower, stranger) = (account(30), account(31), account(32), account(33));
    let draft = publications_pb::CreateDraftRequest {
        parent: format!("communes/{PARIS}"),
        space: publications_pb::Space::Official.into(),
        kind: "project".into(),
        title: "Cour d'école végétalisée".into(),
        body: "Arbres et fontaine.".into(),
        details: Some(publications_pb::PublicationDetails {
            project: Some(publications_pb::ProjectDetails {
                status: publications_pb::ProjectStatus::InProgress.into(),
                progress_percent: 10,
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = w.publications.create_draft(by(staff(&agent, Role::Agent), draft)).await.expect("project");
    let project = created.into_inner().publication.expect("publication");
    let publish = publications_pb::PublishRequest { name: project.name.clone(), ..Default::default() };
    w.publications.publish(by(staff(&agent, Role::Agent), publish)).await.expect("published");
    let follow = pb::FollowRequest { subject: project.name.clone(), request_id: String::new() };
    w.notifications.api.follow(as_id(&follower, follow)).await.expect("follows the project");

    let note = publications_pb::CreateDraftRequest {
        parent: format!("communes/{PARIS}"),
        space: publications_pb::Space::Citizen.into(),
        kind: "follow_up".into(),
        title: "Visite du chantier".into(),
        body: "La cour est fermée.".into(),
        details: Some(publications_pb::PublicationDetails {
            follow_up: Some(publications_pb::FollowUpDetails {
                project_publication_id: project.publication_id.clone(),
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = w.publications.create_draft(by(staff(&member, Role::CollectiveMember), note)).await.expect("note");
    let note = created.into_inner().publication.expect("publication").name;
    let publish = publications_pb::PublishRequest { name: note.clone(), ..Default::default() };
    w.publications.publish(by(staff(&member, Role::CollectiveMember), publish)).await.expect("note published");
    w.sync().await;
    assert_eq!(w.heard(&follower, &note).await, ["publication_published"], "the project's follower hears of the note");
    assert!(w.heard(&stranger, &note).await.is_empty(), "nobody else");
    assert!(w.heard(&member, &note).await.is_empty(), "nor its writer");
}

async fn an_anonymous_report_is_announced_once_verified(backend: Backend) {
    let mut w = World::new(backend).await;
    let agent = w.sign_up("agent").await;
    w.grant(&agent, "agent", ROADS).await;
    let mut request = pb_submission("Arbre tombé sur la chaussée", HOTEL_DE_VILLE);
    request.reporter_email = "passant@example.fr".into();
    let submitted = w.reports.submit_report(by(miroir_auth::Principal::Anonymous, request)).await.expect("submit");
    let report = submitted.into_inner().report.expect("report");
    w.sync().await;
    assert!(w.feed(&agent).await.is_empty(), "not before its reporter proved the address");

    let link = w.links.recv().await.expect("verification link");
    let token = link.split("token=").nth(1).expect("token").to_owned();
    w.reports
        .verify_report(by(miroir_auth::Principal::Anonymous, reports_pb::VerifyReportRequest { token }))
        .await
        .expect("verify");
    w.sync().await;
    assert_eq!(w.heard(&agent, &report.name).await, ["report_submitted"]);
    let email = &w.deliveries(&agent).await[0];
    assert!(!email.params.contains("passant@example.fr"), "{}", email.params);
}

async fn a_question_answered_reaches_its_author(backend: Backend) {
    let w = World::new(backend).await;
    let (author, follower) = (account(1), account(8));
    let (agent, admin) = (w.sign_up("agent").await, w.sign_up("admin").await);
    w.grant(&agent, "agent", "état civil").await;
    w.grant(&admin, "commune_admin", "").await;
    let ask = dialogue_pb::AskQuestionRequest {
        parent: format!("communes/{PARIS}"),
        title: "Horaires de la mairie annexe ?".into(),
        body: "Je travaille jusqu'à 18 h, et mon voisin M. Martin aussi.".into(),
        request_id: String::new(),
    };
    let asked = w.dialogue.ask_question(by(resident(&author), ask)).await.expect("ask");
    let question = asked.into_inner().question.expect("question").name;
    w.sync().await;
    for staff_member in [&agent, &admin] {
        assert_eq!(w.heard(staff_member, &question).await, ["question_asked"], "{staff_member}");
    }
    assert!(w.feed(&author).await.is_empty());
    w.notifications.api.follow(as_id(&follower, follow(&question))).await.expect("follow");

    let answer = dialogue_pb::AnswerQuestionRequest {
        name: question.clone(),
        body: "Le jeudi jusqu'à 19 h.".into(),
        request_id: String::new(),
    };
    w.dialogue.answer_question(by(staff(&agent, Role::Agent), answer)).await.expect("answer");
    w.sync().await;
    for heard in [&author, &follower] {
        assert_eq!(w.heard(heard, &question).await, ["question_answered"], "{heard}");
        let item = w.feed(heard).await.remove(0);
        assert_eq!(item.params.get("title").map(String::as_str), Some("Horaires de la mairie annexe ?"));
        assert_eq!(item.params.get("message").map(String::as_str), Some("Le jeudi jusqu'à 19 h."));
        let params = w.deliveries(heard).await.remove(0).params;
        assert!(!params.contains("Martin"), "never the question's body: {params}");
        assert_impersonal(&params, &[&author, &agent]);
    }
    assert_eq!(w.heard(&agent, &question).await, ["question_asked"], "not told of its own answer");
}

async fn a_comment_reaches_the_followers_without_its_body(backend: Backend) {
    let w = World::new(backend).await;
    let (reporter, commenter, other) = (account(1), account(5), account(9));
    let report = w.report(&reporter, "Banc cassé", HOTEL_DE_VILLE).await;
    let comment = |body: &str| dialogue_pb::PostCommentRequest {
        parent: format!("communes/{PARIS}"),
        target: report.name.clone(),
        body: body.into(),
        ..Default::default()
    };
    w.dialogue
        .post_comment(by(resident(&commenter), comment("Anne Dupont l'a cassé, je l'ai vue.")))
        .await
        .expect("post");
    w.sync().await;
    assert_eq!(w.heard(&reporter, &report.name).await, ["comment_posted"]);
    let item = w.feed(&reporter).await.remove(0);
    assert_eq!(item.params.get("title").map(String::as_str), Some("Banc cassé"));
    assert_eq!(item.params.get("kind").map(String::as_str), Some("report"));
    let email = w.deliveries(&reporter).await.remove(0);
    for params in [email.params.as_str(), &format!("{:?}", item.params)] {
        assert!(!params.contains("Dupont") && !params.contains("vue"), "never the body: {params}");
        assert_impersonal(params, &[&commenter, &reporter]);
    }
    assert!(w.feed(&commenter).await.is_empty(), "not told of its own comment");
    assert!(w.feed(&other).await.is_empty(), "not a follower");

    // The commenter now follows the thread: it hears of the next comment, and of the report's resolution.
    w.dialogue.post_comment(by(resident(&reporter), comment("Merci."))).await.expect("reply");
    w.set_status(&account(3), &report.name, RESOLVED, "Banc remplacé.").await;
    w.sync().await;
    assert_eq!(w.heard(&commenter, &report.name).await, ["comment_posted", "report_resolved"]);
}

async fn a_deleted_account_leaves_nothing(backend: Backend) {
    let w = World::new(backend).await;
    let anne = w.sign_up("anne").await;
    let (agent, other) = (account(3), account(4));
    w.grant(&anne, "agent", "propreté").await;
    let report = w.report(&anne, "Dépôt sauvage", HOTEL_DE_VILLE).await;
    let kept = w.report(&other, "Tag sur la mairie", HOTEL_DE_VILLE).await;
    w.notifications.api.follow(as_id(&anne, follow(&kept.name))).await.expect("follow");
    subscribe(
        &w,
        &anne,
        pb::Subscription { category: "voirie".into(), ..subscription(pb::SubscriptionKind::Category) },
    )
    .await;
    w.prefer(&anne, pb::EmailCadence::Immediately, true).await;
    w.set_status(&agent, &report.name, RESOLVED, "Enlevé.").await;
    w.sync().await;
    assert!(!w.feed(&anne).await.is_empty());
    assert!(w.deliveries(&anne).await.iter().any(|d| d.state == "pending"));

    let principal = miroir_auth::Principal::Account { id: anne.clone(), grants: vec![] };
    w.identity.delete_account(&principal, PASSWORD).await.expect("delete");
    w.sync().await;
    for table in ["follows", "subscriptions", "preferences", "feed_items", "staff"] {
        let sql = match table {
            "follows" => "SELECT COUNT(*) FROM follows WHERE account_id = $1",
            "subscriptions" => "SELECT COUNT(*) FROM subscriptions WHERE account_id = $1",
            "preferences" => "SELECT COUNT(*) FROM preferences WHERE account_id = $1",
            "feed_items" => "SELECT COUNT(*) FROM feed_items WHERE account_id = $1",
            _ => "SELECT COUNT(*) FROM staff WHERE account_id = $1",
        };
        let count: i64 = sqlx::query(sql).bind(&anne).fetch_one(w.db().pool()).await.expect("count").get(0);
        assert_eq!(count, 0, "{table}");
    }
    let authored: i64 = sqlx::query("SELECT COUNT(*) FROM subjects WHERE author = $1")
        .bind(&anne)
        .fetch_one(w.db().pool())
        .await
        .expect("count")
        .get(0);
    assert_eq!(authored, 0, "its report is no longer tied to it");
    let deliveries = w.deliveries(&anne).await;
    assert!(!deliveries.is_empty());
    assert!(deliveries.iter().all(|d| d.state == "cancelled"), "{deliveries:?}");
    // The others keep theirs.
    let others: i64 = sqlx::query("SELECT COUNT(*) FROM follows WHERE account_id = $1")
        .bind(&other)
        .fetch_one(w.db().pool())
        .await
        .expect("count")
        .get(0);
    assert_eq!(others, 1, "the other reporter still follows its report");
}

async fn the_cadence_decides_the_email_not_the_feed(backend: Backend) {
    let w = World::new(backend).await;
    let agent = account(3);
    let cases = [
        (account(1), Some(pb::EmailCadence::Never), 0),
        (account(2), Some(pb::EmailCadence::Daily), 0),
        (account(4), Some(pb::EmailCadence::Weekly), 0),
        (account(5), Some(pb::EmailCadence::Immediately), 1),
        (account(6), None, 1),
    ];
    for (person, cadence, _) in &cases {
        if let Some(cadence) = cadence {
            w.prefer(person, *cadence, true).await;
        }
    }
    let report = w.report(&account(1), "Feu tricolore en panne", HOTEL_DE_VILLE).await;
    for (person, _, _) in &cases[1..] {
        w.support(person, &report.name).await;
    }
    w.set_status(&agent, &report.name, RESOLVED, "Réparé.").await;
    w.sync().await;
    for (person, cadence, emails) in &cases {
        assert_eq!(w.heard(person, &report.name).await, ["report_resolved"], "{cadence:?}");
        assert_eq!(w.deliveries(person).await.len(), *emails, "{cadence:?}");
    }
}

async fn moderation_is_told_to_the_author_and_flags_to_the_moderators(backend: Backend) {
    let w = World::new(backend).await;
    let (author, flagger, moderator) = (account(1), account(2), w.sign_up("moderator").await);
    w.grant(&moderator, "collective_moderator", "").await;
    let proposal = dialogue_pb::SubmitProposalRequest {
        parent: format!("communes/{PARIS}"),
        title: "Un composteur par quartier".into(),
        body: "Pour réduire les déchets.".into(),
        request_id: String::new(),
    };
    let submitted = w.dialogue.submit_proposal(by(resident(&author), proposal)).await.expect("propose");
    let proposal = submitted.into_inner().proposal.expect("proposal").name;
    let flag = dialogue_pb::FlagContentRequest {
        subject: proposal.clone(),
        reason: "Mon voisin Paul est visé".into(),
        ..Default::default()
    };
    w.dialogue.flag_content(by(resident(&flagger), flag)).await.expect("flag");
    w.sync().await;
    assert_eq!(w.heard(&moderator, &proposal).await, ["content_flagged"]);
    let item = w.feed(&moderator).await.remove(0);
    assert!(!format!("{:?}", item.params).contains("Paul"), "never the flag's reason");
    assert!(w.deliveries(&moderator).await.is_empty(), "a work item, in the feed only");

    let hide = dialogue_pb::HideContentRequest {
        subject: proposal.clone(),
        public_reason: "Propos injurieux".into(),
        ..Default::default()
    };
    w.dialogue.hide_content(by(staff(&moderator, Role::CollectiveModerator), hide)).await.expect("hide");
    w.sync().await;
    assert_eq!(w.heard(&author, &proposal).await, ["content_hidden"]);
    let item = w.feed(&author).await.remove(0);
    assert_eq!(item.params.get("reason").map(String::as_str), Some("Propos injurieux"));
    assert_eq!(w.deliveries(&author).await.len(), 1);
    assert!(w.heard(&flagger, &proposal).await.is_empty());
}

async fn followers_carry_over_to_what_replaces_a_thing(backend: Backend) {
    let w = World::new(backend).await;
    let (asker, follower, reporter, supporter, opted_out, agent) =
        (account(1), account(2), account(3), account(4), account(5), account(6));
    let ask = dialogue_pb::AskQuestionRequest {
        parent: format!("communes/{PARIS}"),
        title: "Quand sera réparé le lampadaire ?".into(),
        body: "Il clignote depuis une semaine.".into(),
        request_id: String::new(),
    };
    let asked = w.dialogue.ask_question(by(resident(&asker), ask)).await.expect("ask");
    let question = asked.into_inner().question.expect("question").name;
    w.notifications.api.follow(as_id(&follower, follow(&question))).await.expect("follow");
    let kept = w.report(&agent, "Lampadaire qui clignote", HOTEL_DE_VILLE).await;
    let redirect = dialogue_pb::RedirectQuestionRequest {
        name: question.clone(),
        report: kept.name.clone(),
        message: "Transmis au service éclairage.".into(),
        request_id: String::new(),
    };
    w.dialogue.redirect_question(by(staff(&agent, Role::Agent), redirect)).await.expect("redirect");
    w.sync().await;
    for heard in [&asker, &follower] {
        assert_eq!(w.heard(heard, &question).await, ["question_redirected"], "{heard}");
        let item = w.feed(heard).await.remove(0);
        assert_eq!(item.params.get("report"), Some(&kept.name));
    }

    // A duplicate's followers follow the report kept, except who opted out of the duplicate.
    let duplicate = w.report(&reporter, "Lampadaire en panne", HOTEL_DE_VILLE).await;
    w.support(&supporter, &duplicate.name).await;
    w.support(&opted_out, &duplicate.name).await;
    w.sync().await;
    w.notifications.api.unfollow(as_id(&opted_out, unfollow(&duplicate.name))).await.expect("unfollow");
    let merge = reports_pb::MergeReportRequest {
        name: duplicate.name.clone(),
        into: kept.name.clone(),
        message: "Déjà signalé.".into(),
        request_id: String::new(),
    };
    w.reports.merge_report(by(staff(&agent, Role::Agent), merge)).await.expect("merge");
    w.set_status(&account(7), &kept.name, RESOLVED, "Lampe changée.").await;
    w.sync().await;
    for heard in [&reporter, &supporter] {
        assert_eq!(w.heard(heard, &duplicate.name).await, ["report_merged"], "{heard}");
        assert_eq!(w.heard(heard, &kept.name).await, ["report_resolved"], "{heard}");
    }
    for heard in [&asker, &follower] {
        assert_eq!(w.heard(heard, &kept.name).await, ["report_resolved"], "{heard}");
    }
    assert!(w.feed(&opted_out).await.is_empty());
}

async fn a_proposal_at_its_threshold_reaches_who_must_answer(backend: Backend) {
    let w = World::new(backend).await;
    let (author, supporter, last) = (account(1), account(2), account(3));
    let (admin, elected, agent) = (w.sign_up("admin").await, w.sign_up("elue").await, w.sign_up("agent").await);
    w.grant(&admin, "commune_admin", "").await;
    w.grant(&elected, "elected_official", "").await;
    w.grant(&agent, "agent", "").await;
    let settings = dialogue_pb::UpdateDialogueSettingsRequest {
        name: format!("communes/{PARIS}/dialogueSettings"),
        support_threshold: 2,
        request_id: String::new(),
    };
    w.dialogue.update_dialogue_settings(by(staff(&admin, Role::CommuneAdmin), settings)).await.expect("threshold");
    let proposal = dialogue_pb::SubmitProposalRequest {
        parent: format!("communes/{PARIS}"),
        title: "Des bancs au square".into(),
        body: "Pour les anciens.".into(),
        request_id: String::new(),
    };
    let submitted = w.dialogue.submit_proposal(by(resident(&author), proposal)).await.expect("propose");
    let proposal = submitted.into_inner().proposal.expect("proposal").name;
    for person in [&supporter, &last] {
        let request = dialogue_pb::SupportProposalRequest { name: proposal.clone(), request_id: String::new() };
        w.dialogue.support_proposal(by(resident(person), request)).await.expect("support");
    }
    w.sync().await;
    for heard in [&author, &supporter, &admin, &elected] {
        assert_eq!(w.heard(heard, &proposal).await, ["proposal_threshold_reached"], "{heard}");
        let item = w.feed(heard).await.remove(0);
        assert_eq!(item.params.get("supports").map(String::as_str), Some("2"));
        assert!(item.params.contains_key("answer_due_at_us"));
    }
    assert!(w.feed(&last).await.is_empty(), "its support made it happen");
    assert!(w.feed(&agent).await.is_empty());
}

on_both_backends!(
    a_follow_up_note_reaches_the_followers_of_its_project,
    followers_carry_over_to_what_replaces_a_thing,
    a_proposal_at_its_threshold_reaches_who_must_answer,
    a_resolved_report_reaches_its_reporter_and_supporters_but_not_the_agent,
    an_explicit_unfollow_wins_over_an_implicit_follow,
    redelivered_and_replayed_events_add_nothing,
    agents_hear_of_their_departments_new_reports,
    subscribers_hear_of_what_their_category_area_or_space_covers,
    a_scheduled_publication_is_heard_of_at_its_time,
    an_anonymous_report_is_announced_once_verified,
    a_question_answered_reaches_its_author,
    a_comment_reaches_the_followers_without_its_body,
    a_deleted_account_leaves_nothing,
    the_cadence_decides_the_email_not_the_feed,
    moderation_is_told_to_the_author_and_flags_to_the_moderators,
);
