//! Follow, Unfollow and ListMyFollows: an account's choices about single subjects.

use miroir_platform::clock::now_us;
use miroir_proto::notifications::v1 as pb;

use super::{NotificationsApi, parse};
use crate::domain::follow::{self, Follow, FollowDecider, Subject, follow_id};
use crate::error::ApiError;
use crate::read_model::query;

fn follow_of(state: &Follow) -> pb::Follow {
    pb::Follow {
        subject: state.subject.clone(),
        following: state.following == Some(true),
        origin: pb::FollowOrigin::Explicit.into(),
        since_us: state.since_us,
    }
}

impl NotificationsApi {
    pub(super) async fn follow_subject(
        &self,
        account_id: &str,
        request: pb::FollowRequest,
    ) -> Result<pb::FollowResponse, ApiError> {
        let subject = Subject::parse(&request.subject)?;
        let request_id = parse::request_id(&request.request_id)?;
        self.check_commune(subject.commune(), "subject").await?;
        self.choose(account_id, subject, request_id.as_deref(), true).await
    }

    pub(super) async fn unfollow_subject(
        &self,
        account_id: &str,
        request: pb::UnfollowRequest,
    ) -> Result<pb::FollowResponse, ApiError> {
        let subject = Subject::parse(&request.subject)?;
        let request_id = parse::request_id(&request.request_id)?;
        // No commune check: stopping is always possible.
        self.choose(account_id, subject, request_id.as_deref(), false).await
    }

    pub(super) async fn choose(
        &self,
        account_id: &str,
        subject: Subject,
        request_id: Option<&str>,
        following: bool,
    ) -> Result<pb::FollowResponse, ApiError> {
        let at_us = now_us();
        let aggregate = (follow::AGGREGATE, follow_id(account_id, &subject));
        let executed = self
            .run::<FollowDecider>(account_id, subject.commune().as_str(), aggregate, request_id, || {
                let (account_id, subject) = (account_id.to_owned(), subject.clone());
                if following {
                    follow::Command::Follow { account_id, subject, at_us }
                } else {
                    follow::Command::Unfollow { account_id, subject, at_us }
                }
            })
            .await?;
        Ok(pb::FollowResponse {
            follow: Some(follow_of(&executed.state)),
            log_position: executed.receipt.last_position,
        })
    }

    pub(super) async fn follow_of_subject(
        &self,
        account_id: &str,
        request: pb::GetMyFollowRequest,
    ) -> Result<pb::Follow, ApiError> {
        let subject = Subject::parse(&request.subject)?;
        let found = query::one_follow(self.store.database(), account_id, subject.as_str()).await?;
        Ok(found.unwrap_or(pb::Follow { subject: subject.as_str().to_owned(), ..Default::default() }))
    }

    pub(super) async fn follows_of(
        &self,
        account_id: &str,
        request: pb::ListMyFollowsRequest,
    ) -> Result<pb::ListMyFollowsResponse, ApiError> {
        let limit = parse::page_size(request.page_size)?;
        let after = parse::follows_token(&request.page_token)?;
        let (follows, next) = query::list_follows(self.store.database(), account_id, limit, after).await?;
        Ok(pb::ListMyFollowsResponse { follows, next_page_token: next.unwrap_or_default() })
    }
}
