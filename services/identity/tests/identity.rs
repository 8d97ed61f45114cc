//! The identity use cases on PostgreSQL and SQLite: communes, sign-up (one
//! account per e-mail, also under concurrent sign-ups), sessions, roles,
//! integration clients, signing keys, and the erasure of a deleted account.

use miroir_auth::{Principal, Role, Verifier};
use miroir_identity::sessions::{self, Purpose};
use miroir_identity::{Identity, IdentityConfig, IdentityError, operator_cli};
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::identity::v1 as pb;
use prost::Message;
use sqlx::Row;

const PASSWORD: &str = "le chat dort au soleil";

struct Setup {
    identity: Identity,
    test: TestDatabase,
}

async fn setup(backend: Backend) -> Setup {
    let test = TestDatabase::new(backend).await;
    miroir_identity::migrate_database(&test.db).await.expect("migrate");
    let config = IdentityConfig { log_links: false, public_url: "http://127.0.0.1:8080".into() };
    let identity = miroir_identity::open(test.db.clone(), config).await.expect("open");
    identity
        .register_commune(&operator_cli(), "35238", "Rennes", "35", "Collectif Rennes", 7, "")
        .await
        .expect("Rennes");
    identity.register_commune(&operator_cli(), "69123", "Lyon", "69", "", 10, "").await.expect("Lyon");
    Setup { identity, test }
}

fn as_account(account: &pb::Account) -> Principal {
    Principal::Account { id: account.account_id.clone(), grants: vec![] }
}

fn with_role(account: &pb::Account, commune: &str, role: Role) -> Principal {
    Principal::Account {
        id: account.account_id.clone(),
        grants: vec![miroir_auth::role::Grant { commune: commune.into(), role }],
    }
}

async fn sign_up(setup: &Setup, email: &str) -> pb::Account {
    setup.identity.sign_up(email, PASSWORD, "Anne", "35238", "").await.expect("sign up")
}

async fn communes_are_registered_by_the_operator_and_searchable(backend: Backend) {
    let setup = setup(backend).await;
    let commune = setup.identity.get_commune("communes/35238").await.expect("get");
    assert_eq!(
        (commune.display_name.as_str(), commune.response_commitment_days, commune.suspended),
        ("Rennes", 7, false)
    );
    let resident = sign_up(&setup, "anne@example.fr").await;
    let denied = setup.identity.register_commune(&as_account(&resident), "75056", "Paris", "75", "", 7, "").await;
    assert!(matches!(denied, Err(IdentityError::PermissionDenied(_))));
    let again = setup.identity.register_commune(&operator_cli(), "35238", "Rennes", "35", "", 7, "").await;
    assert!(matches!(again, Err(IdentityError::AlreadyExists(_))));
    let (found, _) = setup.identity.list_communes("REN", 10, "").await.expect("search");
    assert_eq!(found.iter().map(|c| c.insee.as_str()).collect::<Vec<_>>(), vec!["35238"]);
    let (by_code, _) = setup.identity.list_communes("691", 10, "").await.expect("by code");
    assert_eq!(by_code.len(), 1);
    let (page, next) = setup.identity.list_communes("", 1, "").await.expect("page 1");
    let (rest, end) = setup.identity.list_communes("", 1, &next).await.expect("page 2");
    assert_eq!((page[0].insee.as_str(), rest[0].insee.as_str(), end.as_str()), ("35238", "69123", ""));
    let suspended =
        setup.identity.suspend_commune(&operator_cli(), "communes/69123", "fin de convention").await.expect("suspend");
    assert!(suspended.suspended);
    let refused = setup.identity.sign_up("bob@example.fr", PASSWORD, "Bob", "69123", "").await;
    assert!(matches!(refused, Err(IdentityError::WrongState(_))), "{refused:?}");
    assert!(!setup.identity.reactivate_commune(&operator_cli(), "69123").await.expect("reactivate").suspended);
}

async fn one_account_per_email_also_under_concurrent_sign_ups(backend: Backend) {
    let setup = setup(backend).await;
    let attempts = (0..6).map(|i| {
        let identity = setup.identity.clone();
        // The same address, written differently: one account.
        let email = if i % 2 == 0 { "Claire@Example.FR" } else { " claire@example.fr" };
        tokio::spawn(async move { identity.sign_up(email, PASSWORD, "Claire", "", "").await })
    });
    let results: Vec<_> = futures_join(attempts).await;
    let created = results.iter().filter(|r| r.is_ok()).count();
    let taken = results.iter().filter(|r| matches!(r, Err(IdentityError::AlreadyExists(_)))).count();
    assert_eq!((created, taken), (1, 5), "{results:?}");
    let count: i64 =
        sqlx::query("SELECT COUNT(*) FROM accounts_view").fetch_one(setup.test.db.pool()).await.expect("count").get(0);
    assert_eq!(count, 1);
    let weak = setup.identity.sign_up("dan@example.fr", "azertyuiop", "Dan", "", "").await;
    assert!(matches!(weak, Err(IdentityError::Invalid { ref field, .. }) if field == "password"), "{weak:?}");
    let all_wrong = setup.identity.sign_up("dan@", "court", "D", "", "").await;
    let fields: Vec<String> = match all_wrong {
        Err(IdentityError::InvalidFields(fields)) => fields.into_iter().map(|(f, _)| f).collect(),
        other => panic!("every wrong field at once: {other:?}"),
    };
    assert_eq!(fields, vec!["email", "password", "display_name"]);
    let bad_email = setup.identity.sign_up("dan@", PASSWORD, "Dan", "", "").await;
    assert!(matches!(bad_email, Err(IdentityError::Invalid { ref field, .. }) if field == "email"));
}

async fn futures_join<T: Send + 'static>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.expect("task"));
    }
    out
}

async fn sessions_rotate_and_a_reused_refresh_token_ends_the_family(backend: Backend) {
    let setup = setup(backend).await;
    let account = sign_up(&setup, "anne@example.fr").await;
    let session = setup.identity.login("ANNE@example.fr ", PASSWORD, "192.0.2.1").await.expect("login");
    let verifier = Verifier::from_jwks(&setup.identity.jwks().await.expect("jwks")).expect("verifier");
    let claims = verifier.verify(&session.access_token, session.expires_in).expect("valid access token");
    assert_eq!(claims.sub, account.account_id);
    assert!(claims.principal().has("35238", Role::Resident));

    let wrong = setup.identity.login("anne@example.fr", "le chien dort", "192.0.2.1").await.expect_err("wrong");
    let unknown = setup.identity.login("nobody@example.fr", PASSWORD, "192.0.2.1").await.expect_err("unknown");
    assert_eq!(wrong.to_string(), unknown.to_string(), "no hint whether the e-mail exists");

    let second = setup.identity.refresh(&session.refresh_token).await.expect("rotate");
    assert_ne!(second.refresh_token, session.refresh_token);
    // The first token again: taken as stolen, the whole family ends.
    assert!(matches!(setup.identity.refresh(&session.refresh_token).await, Err(IdentityError::Unauthenticated(_))));
    assert!(matches!(setup.identity.refresh(&second.refresh_token).await, Err(IdentityError::Unauthenticated(_))));

    let other = setup.identity.login("anne@example.fr", PASSWORD, "").await.expect("login again");
    setup.identity.logout(&other.refresh_token).await.expect("logout");
    assert!(setup.identity.refresh(&other.refresh_token).await.is_err());
}

async fn logins_are_rate_limited_per_account_and_address(backend: Backend) {
    let setup = setup(backend).await;
    sign_up(&setup, "anne@example.fr").await;
    for _ in 0..5 {
        let _ = setup.identity.login("anne@example.fr", "wrong password!", "198.51.100.7").await;
    }
    let blocked = setup.identity.login("anne@example.fr", PASSWORD, "203.0.113.9").await;
    assert!(matches!(blocked, Err(IdentityError::RateLimited(_))), "even the right password waits: {blocked:?}");
    // An unknown e-mail is limited the same way (no hint it does not exist).
    for _ in 0..5 {
        let _ = setup.identity.login("ghost@example.fr", "wrong password!", "").await;
    }
    assert!(matches!(setup.identity.login("ghost@example.fr", "x", "").await, Err(IdentityError::RateLimited(_))));
}

async fn single_use_links_verify_emails_and_reset_passwords(backend: Backend) {
    let setup = setup(backend).await;
    let account = sign_up(&setup, "anne@example.fr").await;
    assert!(!account.email_verified);
    let db = &setup.test.db;
    let now = miroir_eventstore::event::now_us();
    let token = sessions::issue_link_token(db, &account.account_id, Purpose::VerifyEmail, now).await.expect("link");
    assert!(setup.identity.verify_email(&token).await.expect("verify").email_verified);
    assert!(setup.identity.verify_email(&token).await.is_err(), "single use");
    let second = sessions::issue_link_token(db, &account.account_id, Purpose::VerifyEmail, now).await.expect("link");
    assert!(setup.identity.verify_email(&second).await.expect("an already verified account: fine").email_verified);

    let session = setup.identity.login("anne@example.fr", PASSWORD, "").await.expect("login");
    let reset =
        sessions::issue_link_token(db, &account.account_id, Purpose::ResetPassword, now).await.expect("reset link");
    assert!(matches!(setup.identity.reset_password(&reset, "court").await, Err(IdentityError::Invalid { .. })));
    setup.identity.reset_password(&reset, "un nouveau mot de passe").await.expect("reset");
    assert!(setup.identity.reset_password(&reset, "encore un autre mot").await.is_err(), "single use");
    assert!(setup.identity.login("anne@example.fr", PASSWORD, "").await.is_err());
    setup.identity.login("anne@example.fr", "un nouveau mot de passe", "").await.expect("new password");
    assert!(setup.identity.refresh(&session.refresh_token).await.is_err(), "a reset ends every session");
    setup.identity.request_password_reset("nobody@example.fr").await.expect("no hint");
}

async fn administrators_grant_roles_in_their_commune_with_a_public_reason(backend: Backend) {
    let setup = setup(backend).await;
    let admin = sign_up(&setup, "maire@example.fr").await;
    let agent = sign_up(&setup, "agent@example.fr").await;
    setup
        .identity
        .grant_role(&operator_cli(), &admin.account_id, "35238", "commune_admin", "", "élu", "")
        .await
        .expect("admin");
    let admin_principal = with_role(&admin, "35238", Role::CommuneAdmin);
    let grant = setup
        .identity
        .grant_role(&admin_principal, &agent.account_id, "35238", "agent", "voirie", "recrutée au service voirie", "")
        .await
        .expect("grant");
    assert_eq!((grant.role.as_str(), grant.department.as_str()), ("agent", "voirie"));
    let lyon = setup.identity.grant_role(&admin_principal, &agent.account_id, "69123", "agent", "", "", "").await;
    assert!(matches!(lyon, Err(IdentityError::PermissionDenied(_))), "an administrator of Rennes is nobody in Lyon");
    let operator =
        setup.identity.grant_role(&admin_principal, &agent.account_id, "35238", "operator", "", "", "").await;
    assert!(matches!(operator, Err(IdentityError::PermissionDenied(_))));
    let resident =
        setup.identity.grant_role(&as_account(&agent), &agent.account_id, "35238", "commune_admin", "", "", "").await;
    assert!(matches!(resident, Err(IdentityError::PermissionDenied(_))));

    let session = setup.identity.login("agent@example.fr", PASSWORD, "").await.expect("login");
    let verifier = Verifier::from_jwks(&setup.identity.jwks().await.expect("jwks")).expect("verifier");
    assert!(verifier.verify(&session.access_token, 0).expect("token").principal().has("35238", Role::Agent));

    setup.identity.revoke_role(&admin_principal, &agent.account_id, "35238", "agent", "départ").await.expect("revoke");
    let (changes, _) = setup.identity.role_changes(&admin_principal, "35238", 20, "").await.expect("changes");
    let summary: Vec<_> = changes.iter().map(|c| (c.change.as_str(), c.role.as_str(), c.reason.as_str())).collect();
    assert!(
        summary.starts_with(&[("revoked", "agent", "départ"), ("granted", "agent", "recrutée au service voirie")]),
        "{summary:?}"
    );
    assert_eq!(changes[0].by, admin.account_id);
    assert!(setup.identity.role_changes(&as_account(&agent), "35238", 20, "").await.is_err());
    let found = setup.identity.lookup_account(&admin_principal, "35238", "AGENT@example.fr").await.expect("lookup");
    assert_eq!(found.account_id, agent.account_id);
}

async fn integration_clients_get_scoped_tokens_until_revoked(backend: Backend) {
    let setup = setup(backend).await;
    let admin = sign_up(&setup, "maire@example.fr").await;
    let admin = with_role(&admin, "35238", Role::CommuneAdmin);
    let scopes = vec!["reports:write".to_owned(), "reports:read".to_owned()];
    let (client, secret) =
        setup.identity.create_client(&admin, "35238", "SIG de Rennes", &scopes, "").await.expect("create");
    assert!(secret.starts_with("mcs_"));
    let stored: String =
        sqlx::query("SELECT secret_hash FROM clients_view").fetch_one(setup.test.db.pool()).await.expect("row").get(0);
    assert!(!stored.contains(&secret), "only a hash of the secret is kept");
    let token = setup.identity.issue_client_token(&client.client_id, &secret).await.expect("token");
    let verifier = Verifier::from_jwks(&setup.identity.jwks().await.expect("jwks")).expect("verifier");
    let principal = verifier.verify(&token.access_token, 0).expect("valid").principal();
    assert!(principal.has_scope("35238", "reports:write"));
    assert!(!principal.has_scope("69123", "reports:write"));
    assert!(matches!(
        setup.identity.issue_client_token(&client.client_id, "mcs_wrong").await,
        Err(IdentityError::Unauthenticated(_))
    ));
    let lyon = setup.identity.create_client(&admin, "69123", "SIG", &scopes, "").await;
    assert!(matches!(lyon, Err(IdentityError::PermissionDenied(_))));
    let listed = setup.identity.list_clients(&admin, "35238").await.expect("list");
    assert_eq!(listed.len(), 1);
    let revoked = setup.identity.revoke_client(&admin, &client.name, "fin du marché").await.expect("revoke");
    assert!(revoked.revoked);
    assert!(setup.identity.issue_client_token(&client.client_id, &secret).await.is_err());
}

async fn a_rotated_key_is_published_before_it_signs(backend: Backend) {
    let setup = setup(backend).await;
    sign_up(&setup, "anne@example.fr").await;
    let before = setup.identity.login("anne@example.fr", PASSWORD, "").await.expect("login");
    let (kid, _) = setup.identity.rotate_signing_key(&operator_cli(), 3600).await.expect("rotate later");
    let jwks = setup.identity.jwks().await.expect("jwks");
    assert!(jwks.contains(&kid), "published at once");
    let still_old = setup.identity.login("anne@example.fr", PASSWORD, "").await.expect("login");
    assert!(!header_kid(&still_old.access_token).contains(&kid), "not signing before its activation");
    let (now_kid, _) = setup.identity.rotate_signing_key(&operator_cli(), 0).await.expect("rotate now");
    let after = setup.identity.login("anne@example.fr", PASSWORD, "").await.expect("login");
    assert!(header_kid(&after.access_token).contains(&now_kid));
    let verifier = Verifier::from_jwks(&setup.identity.jwks().await.expect("jwks")).expect("verifier");
    verifier.verify(&before.access_token, 0).expect("tokens signed before the rotation still verify");
    verifier.verify(&after.access_token, 0).expect("new tokens verify");
    assert!(matches!(setup.identity.rotate_signing_key(&operator_cli(), -1).await, Err(IdentityError::Invalid { .. })));
}

fn header_kid(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap_or_default();
    String::from_utf8(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap_or_default())
        .unwrap_or_default()
}

async fn a_deleted_account_is_erased_everywhere(backend: Backend) {
    let setup = setup(backend).await;
    let account = sign_up(&setup, "anne@example.fr").await;
    let me = as_account(&account);
    setup.identity.update_display_name(&me, "Anne la Rennaise").await.expect("rename");
    let export: serde_json::Value =
        serde_json::from_str(&setup.identity.export(&me).await.expect("export")).expect("json");
    assert_eq!(export["account"]["email"], "anne@example.fr");
    assert_eq!(export["account"]["display_name"], "Anne la Rennaise");
    assert_eq!(export["roles"][0]["role"], "resident");

    assert!(matches!(setup.identity.delete_account(&me, "wrong password").await, Err(IdentityError::Invalid { .. })));
    setup.identity.delete_account(&me, PASSWORD).await.expect("delete");
    assert!(setup.identity.login("anne@example.fr", PASSWORD, "").await.is_err());
    assert!(setup.identity.my_account(&me).await.is_err());
    let db = setup.test.db.pool();
    let row = sqlx::query("SELECT email, display_name, password_hash FROM accounts_view WHERE account_id = $1")
        .bind(&account.account_id)
        .fetch_one(db)
        .await
        .expect("row");
    assert_eq!(row.get::<Option<String>, _>(0), None);
    assert_eq!((row.get::<String, _>(1), row.get::<String, _>(2)), (String::new(), String::new()));
    let keys: i64 = sqlx::query("SELECT COUNT(*) FROM account_keys").fetch_one(db).await.expect("keys").get(0);
    assert_eq!(keys, 0);
    // The log still holds the sealed events, but nothing in it reads as the e-mail or the name any more.
    let payloads: Vec<Vec<u8>> = sqlx::query("SELECT payload FROM events")
        .fetch_all(db)
        .await
        .expect("events")
        .iter()
        .map(|r| r.get(0))
        .collect();
    for payload in &payloads {
        let text = String::from_utf8_lossy(payload);
        assert!(!text.contains("anne@example.fr") && !text.contains("Rennaise"), "personal data in clear in the log");
    }
    let registered =
        sqlx::query("SELECT payload FROM events WHERE event_type = 'miroir.identity.v1.AccountRegistered'")
            .fetch_one(db)
            .await
            .expect("registered")
            .get::<Vec<u8>, _>(0);
    let sealed = pb::AccountRegistered::decode(registered.as_slice()).expect("event").personal.expect("sealed");
    assert!(!sealed.ciphertext.is_empty(), "history is kept, unreadable");
    // The address is free again.
    sign_up(&setup, "anne@example.fr").await;
}

macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)] async fn $name() { super::$name(super::Backend::Postgres).await; })+
        }
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)] async fn $name() { super::$name(super::Backend::Sqlite).await; })+
        }
    };
}

on_both_databases!(
    communes_are_registered_by_the_operator_and_searchable,
    one_account_per_email_also_under_concurrent_sign_ups,
    sessions_rotate_and_a_reused_refresh_token_ends_the_family,
    logins_are_rate_limited_per_account_and_address,
    single_use_links_verify_emails_and_reset_passwords,
    administrators_grant_roles_in_their_commune_with_a_public_reason,
    integration_clients_get_scoped_tokens_until_revoked,
    a_rotated_key_is_published_before_it_signs,
    a_deleted_account_is_erased_everywhere,
);
