//! UnsubscribeByToken: the one-click link of an e-mail (RFC 8058). The token
//! is the proof ([`crate::unsubscribe`]): it names one account and what it
//! stops, signed with this service's key, so no sign-in is asked — a person
//! who clicks in their mailbox, or their mail client posting for them, is
//! heard at once. What it records is the account's own choice, as if made on
//! its notifications page: preferences with e-mail `never` (source one-click),
//! or an explicit unfollow.

use miroir_platform::clock::now_us;
use miroir_proto::notifications::v1 as pb;

use super::NotificationsApi;
use crate::domain::follow::Subject;
use crate::domain::preferences::{self, EmailCadence, PreferencesDecider, Source};
use crate::error::ApiError;
use crate::read_model::query;
use crate::unsubscribe::{Scope, UnsubscribeKey};

/// Longer than any token this service makes.
const MAX_TOKEN_CHARS: usize = 1024;

impl NotificationsApi {
    pub(super) async fn unsubscribe_by_token(
        &self,
        request: pb::UnsubscribeByTokenRequest,
    ) -> Result<pb::UnsubscribeByTokenResponse, ApiError> {
        let token = request.token.trim();
        if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
            return Err(ApiError::invalid("token", "is not an unsubscribe link of this service"));
        }
        let key = UnsubscribeKey::load_or_create(self.store.database()).await?;
        let (account_id, scope) =
            key.verify(token).map_err(|_| ApiError::invalid("token", "is not an unsubscribe link of this service"))?;
        match scope {
            Scope::All => {
                let (mut chosen, _) = query::preferences(self.store.database(), &account_id).await?;
                chosen.email_cadence = EmailCadence::Never;
                let at_us = now_us();
                let aggregate = (preferences::AGGREGATE, account_id.clone());
                let executed = self
                    .run::<PreferencesDecider>(&account_id, "", aggregate, None, || preferences::Command::Set {
                        account_id: account_id.clone(),
                        preferences: chosen,
                        source: Source::OneClick,
                        at_us,
                    })
                    .await?;
                Ok(pb::UnsubscribeByTokenResponse {
                    stopped: "all".to_owned(),
                    log_position: executed.receipt.last_position,
                })
            }
            Scope::Follow(subject) => {
                let subject = Subject::parse(&subject).map_err(|_| ApiError::invalid("token", "names no subject"))?;
                let stopped = subject.as_str().to_owned();
                let answer = self.choose(&account_id, subject, None, false).await?;
                Ok(pb::UnsubscribeByTokenResponse { stopped, log_position: answer.log_position })
            }
        }
    }
}
