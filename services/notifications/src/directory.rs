//! Where e-mail addresses come from: identity keeps them (notifications never
//! stores one), and is asked at send time, so a changed, unverified or erased
//! address is seen as it is when the message leaves. [`Directory`] is that
//! question; the gRPC client of identity implements it in the binary, and
//! [`StaticDirectory`] (feature `testing`) in tests.

use std::future::Future;
use std::pin::Pin;

/// An account as the sender needs it. Its `Debug` never shows the address.
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient {
    pub account_id: String,
    /// Empty when the account has none (or was erased).
    pub email: String,
    pub email_verified: bool,
    pub deleted: bool,
    /// The account's language at identity, if it has one ("fr", "en"); the
    /// notification preferences come first.
    pub locale: Option<String>,
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recipient")
            .field("account_id", &self.account_id)
            .field("email", &if self.email.is_empty() { "" } else { "…" })
            .field("email_verified", &self.email_verified)
            .field("deleted", &self.deleted)
            .field("locale", &self.locale)
            .finish()
    }
}

impl Recipient {
    /// Whether a notification may go to this account's address: it has one,
    /// proved it receives there, and still exists.
    pub fn reachable(&self) -> bool {
        !self.deleted && self.email_verified && !self.email.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    /// The address book did not answer (worth retrying later).
    #[error("the address book is unavailable: {0}")]
    Unavailable(String),
}

/// A boxed future, so that the trait can be used as `dyn Directory`.
pub type DirectoryFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<Recipient>, DirectoryError>> + Send + 'a>>;

/// The accounts' addresses. Accounts it does not know are simply absent from the answer.
pub trait Directory: Send + Sync {
    fn recipients<'a>(&'a self, account_ids: &'a [String]) -> DirectoryFuture<'a>;
}

#[cfg(feature = "testing")]
pub use testing::StaticDirectory;

#[cfg(feature = "testing")]
mod testing {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use super::{Directory, DirectoryError, DirectoryFuture, Recipient};

    /// An address book in memory, changed by the test while senders read it.
    #[derive(Clone, Default)]
    pub struct StaticDirectory {
        accounts: Arc<Mutex<HashMap<String, Recipient>>>,
        unavailable: Arc<Mutex<bool>>,
    }

    impl StaticDirectory {
        pub fn new() -> Self {
            Self::default()
        }

        /// Adds or replaces an account.
        pub fn insert(&self, recipient: Recipient) {
            if let Ok(mut accounts) = self.accounts.lock() {
                accounts.insert(recipient.account_id.clone(), recipient);
            }
        }

        /// A verified, living account.
        pub fn verified(&self, account_id: &str, email: &str) {
            self.insert(Recipient {
                account_id: account_id.to_owned(),
                email: email.to_owned(),
                email_verified: true,
                deleted: false,
                locale: None,
            });
        }

        /// From now on, every question fails (or answers again).
        pub fn set_unavailable(&self, unavailable: bool) {
            if let Ok(mut flag) = self.unavailable.lock() {
                *flag = unavailable;
            }
        }
    }

    impl Directory for StaticDirectory {
        fn recipients<'a>(&'a self, account_ids: &'a [String]) -> DirectoryFuture<'a> {
            let answer = if self.unavailable.lock().map(|flag| *flag).unwrap_or(true) {
                Err(DirectoryError::Unavailable("the test made it so".into()))
            } else {
                let accounts = self.accounts.lock().map(|a| a.clone()).unwrap_or_default();
                Ok(account_ids.iter().filter_map(|id| accounts.get(id).cloned()).collect())
            };
            Box::pin(async move { answer })
        }
    }
}
