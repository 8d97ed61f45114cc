//! The outbox on PostgreSQL and SQLite: a due delivery is claimed by one
//! sender with a lease, only when its time has come; an expired lease lets
//! another sender take it again (same delivery id, next attempt), and the
//! first one can then no longer record anything; every attempt is recorded
//! with its outcome. On PostgreSQL, claimers in parallel never share a row.
//! And the unsubscribe key, made once however many replicas ask at once.

#[path = "support/deliveries.rs"]
mod deliveries;
mod support;

use std::collections::HashSet;

use deliveries::{NewDelivery, attempts, insert, stored};
use miroir_notifications::outbox::{Outbox, Outcome};
use miroir_notifications::unsubscribe::{Scope, UnsubscribeKey};
use miroir_platform::storage::{Backend, Database, PoolConfig};
use support::{account, start};

const T0: i64 = 1_800_000_000_000_000;
const SECOND: i64 = 1_000_000;
const LEASE: i64 = 120 * SECOND;

async fn a_due_delivery_is_claimed_once_with_a_lease(backend: Backend) {
    let h = start(backend).await;
    let db = &h.db.db;
    let outbox = Outbox::new(db.clone());
    assert_eq!(outbox.claim("email", "a", T0, LEASE).await.expect("claim"), None, "nothing queued");

    let first = insert(db, &NewDelivery::email(1, &account(1), T0)).await;
    let later = insert(db, &NewDelivery::email(2, &account(1), T0 + 10 * SECOND)).await;
    let mut hook = NewDelivery::email(3, &account(1), T0);
    hook.channel = "webhook";
    hook.recipient = "endpoint:e1".into();
    insert(db, &hook).await;

    let claim = outbox.claim("email", "a", T0, LEASE).await.expect("claim").expect("one is due");
    assert_eq!((claim.delivery_id.as_str(), claim.attempt, claim.claimed_by.as_str()), (first.as_str(), 1, "a"));
    assert_eq!(claim.account_id(), Some(account(1).as_str()));
    assert_eq!((claim.event_type.as_str(), claim.channel.as_str()), ("report_resolved", "email"));
    let row = stored(db, &first).await;
    assert_eq!(
        (row.state.as_str(), row.attempts, row.lease_until_us, row.claimed_by.as_str()),
        ("sending", 1, T0 + LEASE, "a")
    );

    // The other one is not due yet, the webhook is not an e-mail, the first is claimed.
    assert_eq!(outbox.claim("email", "b", T0 + SECOND, LEASE).await.expect("claim"), None);
    let next = outbox.claim("email", "b", T0 + 10 * SECOND, LEASE).await.expect("claim").expect("due now");
    assert_eq!(next.delivery_id, later);
    assert_eq!(outbox.claim("email", "b", T0 + 11 * SECOND, LEASE).await.expect("claim"), None);

    assert!(outbox.finish(&claim, &Outcome::Sent, T0 + 2 * SECOND).await.expect("finish"));
    let row = stored(db, &first).await;
    assert_eq!((row.state.as_str(), row.sent_at_us, row.last_error.as_str()), ("sent", Some(T0 + 2 * SECOND), ""));
    assert_eq!(attempts(db, &first).await, [(1, "sent".to_owned(), String::new())]);
    // Sent is final: never claimed again, not even long after.
    assert_eq!(
        outbox.claim("email", "c", T0 + 1_000 * LEASE, LEASE).await.expect("claim").map(|c| c.delivery_id),
        Some(later)
    );
}

async fn an_expired_lease_is_taken_over_and_the_late_sender_records_nothing(backend: Backend) {
    let h = start(backend).await;
    let db = &h.db.db;
    let outbox = Outbox::new(db.clone());
    let id = insert(db, &NewDelivery::email(1, &account(1), T0)).await;

    let first = outbox.claim("email", "a", T0, LEASE).await.expect("claim").expect("due");
    assert_eq!(outbox.claim("email", "b", T0 + LEASE - 1, LEASE).await.expect("claim"), None, "lease still running");
    let second = outbox.claim("email", "b", T0 + LEASE + 1, LEASE).await.expect("claim").expect("lease ran out");
    assert_eq!((second.delivery_id.as_str(), second.attempt, second.claimed_by.as_str()), (id.as_str(), 2, "b"));

    // The first sender comes back too late: its outcome is not recorded.
    assert!(!outbox.finish(&first, &Outcome::Sent, T0 + LEASE + 2).await.expect("finish"));
    let row = stored(db, &id).await;
    assert_eq!((row.state.as_str(), row.claimed_by.as_str(), row.sent_at_us), ("sending", "b", None));
    assert!(attempts(db, &id).await.is_empty());

    assert!(outbox.finish(&second, &Outcome::Sent, T0 + LEASE + 3).await.expect("finish"));
    assert_eq!(attempts(db, &id).await, [(2, "sent".to_owned(), String::new())]);
    // Recording the same claim twice does nothing the second time.
    assert!(!outbox.finish(&second, &Outcome::Failed { error: "x".into() }, T0 + LEASE + 4).await.expect("finish"));
    assert_eq!(stored(db, &id).await.state, "sent");
}

async fn retries_wait_for_their_time_and_every_attempt_is_recorded(backend: Backend) {
    let h = start(backend).await;
    let db = &h.db.db;
    let outbox = Outbox::new(db.clone());
    let id = insert(db, &NewDelivery::email(1, &account(1), T0)).await;

    let claim = outbox.claim("email", "a", T0, LEASE).await.expect("claim").expect("due");
    let retry = Outcome::Retry { error: "SMTP 451".into(), at_us: T0 + 60 * SECOND };
    assert!(outbox.finish(&claim, &retry, T0 + SECOND).await.expect("finish"));
    let row = stored(db, &id).await;
    assert_eq!(
        (row.state.as_str(), row.last_error.as_str(), row.next_attempt_at_us),
        ("retry", "SMTP 451", T0 + 60 * SECOND)
    );
    assert_eq!(outbox.claim("email", "a", T0 + 59 * SECOND, LEASE).await.expect("claim"), None, "not before its time");

    let claim = outbox.claim("email", "a", T0 + 60 * SECOND, LEASE).await.expect("claim").expect("its time");
    assert_eq!(claim.attempt, 2);
    assert!(
        outbox.finish(&claim, &Outcome::Failed { error: "SMTP 550".into() }, T0 + 61 * SECOND).await.expect("finish")
    );
    assert_eq!(stored(db, &id).await.state, "failed");
    assert_eq!(outbox.claim("email", "a", T0 + 1_000 * LEASE, LEASE).await.expect("claim"), None, "failed is final");

    let other = insert(db, &NewDelivery::email(2, &account(2), T0)).await;
    let claim = outbox.claim("email", "a", T0, LEASE).await.expect("claim").expect("due");
    let cancelled = Outcome::Cancelled { reason: "e-mail address not verified".into() };
    assert!(outbox.finish(&claim, &cancelled, T0 + SECOND).await.expect("finish"));
    assert_eq!(stored(db, &other).await.state, "cancelled");
    assert_eq!(attempts(db, &other).await, [(1, "cancelled".to_owned(), "e-mail address not verified".to_owned())]);
    assert_eq!(
        attempts(db, &id).await,
        [(1, "retry".to_owned(), "SMTP 451".to_owned()), (2, "failed".to_owned(), "SMTP 550".to_owned())]
    );
}

async fn the_unsubscribe_key_is_made_once(backend: Backend) {
    let h = start(backend).await;
    let db = &h.db.db;
    // Replicas starting together: each tries to make the key, all end up with the same one.
    let keys = futures_join(db).await;
    let token = keys[0].token(&account(1), &Scope::All).expect("token");
    for key in &keys {
        assert_eq!(key.verify(&token), Ok((account(1), Scope::All)));
    }
    let again = UnsubscribeKey::load_or_create(db).await.expect("key");
    assert_eq!(again.verify(&token), Ok((account(1), Scope::All)), "the same key after a restart");
}

async fn futures_join(db: &Database) -> Vec<UnsubscribeKey> {
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { UnsubscribeKey::load_or_create(&db).await.expect("key") })
        })
        .collect();
    let mut keys = Vec::new();
    for task in tasks {
        keys.push(task.await.expect("task"));
    }
    keys
}

on_both_backends!(
    a_due_delivery_is_claimed_once_with_a_lease,
    an_expired_lease_is_taken_over_and_the_late_sender_records_nothing,
    retries_wait_for_their_time_and_every_attempt_is_recorded,
    the_unsubscribe_key_is_made_once,
);

/// Eight claimers on four pools take 60 deliveries at once: each is claimed exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_claimers_on_postgres_never_share_a_delivery() {
    let h = start(Backend::Postgres).await;
    let db = &h.db.db;
    let mut ids = HashSet::new();
    for n in 0..60 {
        ids.insert(insert(db, &NewDelivery::email(n, &account(n % 3), T0)).await);
    }
    let mut claimers = Vec::new();
    for pool in 0..4 {
        let db = Database::connect(&h.db.url, &PoolConfig { max_connections: 2, ..Default::default() })
            .await
            .expect("another pool");
        for worker in 0..2 {
            let outbox = Outbox::new(db.clone());
            let name = format!("replica-{pool}/{worker}");
            claimers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(claim) = outbox.claim("email", &name, T0, LEASE).await.expect("claim") {
                    mine.push(claim.delivery_id.clone());
                    assert!(outbox.finish(&claim, &Outcome::Sent, T0 + 1).await.expect("finish"));
                }
                mine
            }));
        }
    }
    let mut claimed = Vec::new();
    for claimer in claimers {
        claimed.extend(claimer.await.expect("claimer"));
    }
    assert_eq!(claimed.len(), 60, "no delivery claimed twice");
    assert_eq!(claimed.into_iter().collect::<HashSet<_>>(), ids);
    assert_eq!(deliveries::states(db).await, [("sent".to_owned(), 60)]);
}
