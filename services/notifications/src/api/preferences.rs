//! GetMyPreferences and SetMyPreferences: how an account wants to hear.

use miroir_platform::clock::now_us;
use miroir_proto::notifications::v1 as pb;

use super::{NotificationsApi, parse};
use crate::domain::preferences::{self, Preferences, PreferencesDecider, Source};
use crate::error::ApiError;
use crate::read_model::query;

fn preferences_of(preferences: &Preferences, updated_at_us: i64) -> pb::Preferences {
    pb::Preferences {
        email_cadence: preferences.email_cadence.to_proto().into(),
        locale: preferences.locale.as_str().to_owned(),
        department_reports: preferences.department_reports,
        updated_at_us,
    }
}

impl NotificationsApi {
    pub(super) async fn preferences_of(&self, account_id: &str) -> Result<pb::Preferences, ApiError> {
        let (preferences, updated_at_us) = query::preferences(self.store.database(), account_id).await?;
        Ok(preferences_of(&preferences, updated_at_us))
    }

    pub(super) async fn set_preferences(
        &self,
        account_id: &str,
        request: pb::SetMyPreferencesRequest,
    ) -> Result<pb::PreferencesResponse, ApiError> {
        let preferences = parse::preferences(request.preferences.as_ref())?;
        let request_id = parse::request_id(&request.request_id)?;
        let at_us = now_us();
        // An account's, not a commune's: committed under no commune.
        let aggregate = (preferences::AGGREGATE, account_id.to_owned());
        let executed = self
            .run::<PreferencesDecider>(account_id, "", aggregate, request_id.as_deref(), || preferences::Command::Set {
                account_id: account_id.to_owned(),
                preferences,
                source: Source::Account,
                at_us,
            })
            .await?;
        let state = &executed.state;
        Ok(pb::PreferencesResponse {
            preferences: Some(preferences_of(&state.preferences, state.updated_at_us)),
            log_position: executed.receipt.last_position,
        })
    }
}
