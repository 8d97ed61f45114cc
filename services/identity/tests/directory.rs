//! The internal directory (`miroir.identity.v1.Directory`), on PostgreSQL and
//! SQLite: the addresses of accounts for the notifications service, and
//! nothing for a caller without the deployment's internal secret.

use miroir_auth::internal::InternalSecret;
use miroir_identity::directory::DirectoryApi;
use miroir_identity::sessions::{self, Purpose};
use miroir_identity::{IdentityConfig, IdentityError, operator_cli};
use miroir_platform::health::Readiness;
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::identity::v1 as pb;
use miroir_proto::identity::v1::directory_client::DirectoryClient;
use miroir_proto::identity::v1::directory_server::DirectoryServer;
use tokio_util::sync::CancellationToken;

const PASSWORD: &str = "le chat dort au soleil";
const SECRET: &str = "un-secret-partage-par-les-services-0123";

async fn accounts_are_found_with_their_address_and_its_state(backend: Backend) {
    let test = TestDatabase::new(backend).await;
    miroir_identity::migrate_database(&test.db).await.expect("migrate");
    let config = IdentityConfig { log_links: false, public_url: "http://127.0.0.1:8080".into() };
    let identity = miroir_identity::open(test.db.clone(), config).await.expect("open");
    identity.register_commune(&operator_cli(), "35238", "Rennes", "35", "", 7, "").await.expect("Rennes");
    let anne = identity.sign_up("anne@example.fr", PASSWORD, "Anne", "35238", "").await.expect("Anne");
    let bob = identity.sign_up("bob@example.fr", PASSWORD, "Bob", "35238", "").await.expect("Bob");
    let gone = identity.sign_up("gone@example.fr", PASSWORD, "Gone", "35238", "").await.expect("Gone");
    let now = miroir_eventstore::event::now_us();
    let token = sessions::issue_link_token(&test.db, &anne.account_id, Purpose::VerifyEmail, now).await.expect("link");
    identity.verify_email(&token).await.expect("verified");
    let principal = miroir_auth::Principal::Account { id: gone.account_id.clone(), grants: vec![] };
    identity.delete_account(&principal, PASSWORD).await.expect("deleted");

    let ids = [&anne, &bob, &gone].map(|a| a.account_id.clone()).to_vec();
    let mut asked = ids.clone();
    asked.push("01234567-89ab-7def-8123-456789abcdef".into());
    let mut found = identity.recipients(&asked).await.expect("recipients");
    found.sort_by_key(|r| ids.iter().position(|id| *id == r.account_id));
    let seen: Vec<(&str, bool, bool)> = found.iter().map(|r| (r.email.as_str(), r.email_verified, r.deleted)).collect();
    assert_eq!(
        seen,
        [("anne@example.fr", true, false), ("bob@example.fr", false, false), ("", false, true)],
        "unknown ids left out; a deleted account has no address"
    );
    assert!(identity.recipients(&[]).await.expect("nothing asked").is_empty());
    let too_many: Vec<String> = (0..101).map(|n| format!("id-{n}")).collect();
    assert!(matches!(identity.recipients(&too_many).await, Err(IdentityError::Invalid { .. })));

    // Over gRPC: only with the deployment's secret.
    let cancel = CancellationToken::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let secret = InternalSecret::new(SECRET).expect("secret");
    let routes = tonic::service::Routes::new(DirectoryServer::with_interceptor(
        DirectoryApi::new(identity.clone()),
        secret.interceptor(),
    ));
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    tokio::spawn(miroir_platform::grpc::serve(
        listener,
        routes,
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        cancel.clone(),
    ));
    let mut client = DirectoryClient::connect(url).await.expect("connect");
    let ask = || pb::GetRecipientsRequest { account_ids: vec![anne.account_id.clone()] };
    let refused = client.get_recipients(ask()).await.expect_err("no secret");
    assert_eq!(refused.code(), tonic::Code::PermissionDenied);
    let mut forged = tonic::Request::new(ask());
    InternalSecret::new("un-autre-secret-qui-n-est-pas-le-bon-0000").expect("other").apply(forged.metadata_mut());
    assert_eq!(client.get_recipients(forged).await.expect_err("wrong secret").code(), tonic::Code::PermissionDenied);
    let mut request = tonic::Request::new(ask());
    secret.apply(request.metadata_mut());
    let answer = client.get_recipients(request).await.expect("with the secret").into_inner();
    assert_eq!(answer.recipients.len(), 1);
    assert_eq!(answer.recipients[0].email, "anne@example.fr");
    cancel.cancel();
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn accounts_are_found_with_their_address_and_its_state() {
        super::accounts_are_found_with_their_address_and_its_state(super::Backend::Postgres).await;
    }
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn accounts_are_found_with_their_address_and_its_state() {
        super::accounts_are_found_with_their_address_and_its_state(super::Backend::Sqlite).await;
    }
}
