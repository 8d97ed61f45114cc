//! The gRPC API of the identity service: a thin adapter from requests to the
//! use cases of [`crate::core`].

use miroir_auth::grpc::principal;
use miroir_proto::identity::v1 as pb;
use miroir_proto::identity::v1::identity_server::Identity as IdentityRpc;
use tonic::{Request, Response, Status};

use crate::core::Identity;

pub struct IdentityApi {
    identity: Identity,
}

impl IdentityApi {
    pub fn new(identity: Identity) -> Self {
        Self { identity }
    }
}

type Reply<T> = Result<Response<T>, Status>;

fn ok<T>(result: Result<T, crate::IdentityError>) -> Reply<T> {
    result.map(Response::new).map_err(Status::from)
}

#[tonic::async_trait]
impl IdentityRpc for IdentityApi {
    async fn register_commune(&self, request: Request<pb::RegisterCommuneRequest>) -> Reply<pb::Commune> {
        let by = principal(&request);
        let r = request.into_inner();
        ok(self
            .identity
            .register_commune(
                &by,
                &r.insee,
                &r.display_name,
                &r.department,
                &r.collective_name,
                r.response_commitment_days,
                &r.request_id,
            )
            .await)
    }

    async fn suspend_commune(&self, request: Request<pb::SuspendCommuneRequest>) -> Reply<pb::Commune> {
        let by = principal(&request);
        let r = request.into_inner();
        ok(self.identity.suspend_commune(&by, &r.name, &r.reason).await)
    }

    async fn reactivate_commune(&self, request: Request<pb::ReactivateCommuneRequest>) -> Reply<pb::Commune> {
        let by = principal(&request);
        ok(self.identity.reactivate_commune(&by, &request.into_inner().name).await)
    }

    async fn get_commune(&self, request: Request<pb::GetCommuneRequest>) -> Reply<pb::Commune> {
        ok(self.identity.get_commune(&request.into_inner().name).await)
    }

    async fn list_communes(&self, request: Request<pb::ListCommunesRequest>) -> Reply<pb::ListCommunesResponse> {
        let r = request.into_inner();
        ok(self
            .identity
            .list_communes(&r.query, r.page_size, &r.page_token)
            .await
            .map(|(communes, next_page_token)| pb::ListCommunesResponse { communes, next_page_token }))
    }

    async fn sign_up(&self, request: Request<pb::SignUpRequest>) -> Reply<pb::SignUpResponse> {
        let r = request.into_inner();
        ok(self
            .identity
            .sign_up(&r.email, &r.password, &r.display_name, &r.commune, &r.request_id)
            .await
            .map(|account| pb::SignUpResponse { account: Some(account) }))
    }

    async fn verify_email(&self, request: Request<pb::VerifyEmailRequest>) -> Reply<pb::Account> {
        ok(self.identity.verify_email(&request.into_inner().token).await)
    }

    async fn login(&self, request: Request<pb::LoginRequest>) -> Reply<pb::Session> {
        let r = request.into_inner();
        ok(self.identity.login(&r.email, &r.password, &r.client_address).await)
    }

    async fn refresh(&self, request: Request<pb::RefreshRequest>) -> Reply<pb::Session> {
        ok(self.identity.refresh(&request.into_inner().refresh_token).await)
    }

    async fn logout(&self, request: Request<pb::LogoutRequest>) -> Reply<pb::LogoutResponse> {
        ok(self.identity.logout(&request.into_inner().refresh_token).await.map(|()| pb::LogoutResponse {}))
    }

    async fn request_password_reset(
        &self,
        request: Request<pb::RequestPasswordResetRequest>,
    ) -> Reply<pb::RequestPasswordResetResponse> {
        let r = request.into_inner();
        ok(self.identity.request_password_reset(&r.email).await.map(|()| pb::RequestPasswordResetResponse {}))
    }

    async fn reset_password(&self, request: Request<pb::ResetPasswordRequest>) -> Reply<pb::ResetPasswordResponse> {
        let r = request.into_inner();
        ok(self.identity.reset_password(&r.token, &r.new_password).await.map(|()| pb::ResetPasswordResponse {}))
    }

    async fn get_my_account(&self, request: Request<pb::GetMyAccountRequest>) -> Reply<pb::Account> {
        ok(self.identity.my_account(&principal(&request)).await)
    }

    async fn update_my_profile(&self, request: Request<pb::UpdateMyProfileRequest>) -> Reply<pb::Account> {
        let by = principal(&request);
        ok(self.identity.update_display_name(&by, &request.into_inner().display_name).await)
    }

    async fn export_my_data(&self, request: Request<pb::ExportMyDataRequest>) -> Reply<pb::ExportMyDataResponse> {
        ok(self.identity.export(&principal(&request)).await.map(|json| pb::ExportMyDataResponse { json }))
    }

    async fn delete_my_account(
        &self,
        request: Request<pb::DeleteMyAccountRequest>,
    ) -> Reply<pb::DeleteMyAccountResponse> {
        let by = principal(&request);
        ok(self
            .identity
            .delete_account(&by, &request.into_inner().password)
            .await
            .map(|()| pb::DeleteMyAccountResponse {}))
    }

    async fn grant_role(&self, request: Request<pb::GrantRoleRequest>) -> Reply<pb::Grant> {
        let by = principal(&request);
        let r = request.into_inner();
        ok(self
            .identity
            .grant_role(&by, &r.account_id, &r.commune, &r.role, &r.department, &r.reason, &r.request_id)
            .await)
    }

    async fn revoke_role(&self, request: Request<pb::RevokeRoleRequest>) -> Reply<pb::RevokeRoleResponse> {
        let by = principal(&request);
        let r = request.into_inner();
        ok(self
            .identity
            .revoke_role(&by, &r.account_id, &r.commune, &r.role, &r.reason)
            .await
            .map(|()| pb::RevokeRoleResponse {}))
    }

    async fn list_role_changes(
        &self,
        request: Request<pb::ListRoleChangesRequest>,
    ) -> Reply<pb::ListRoleChangesResponse> {
        let by = principal(&request);
        let r = request.into_inner();
        ok(self
            .identity
            .role_changes(&by, &r.commune, r.page_size, &r.page_token)
            .await
            .map(|(changes, next_page_token)| pb::ListRoleChangesResponse { changes, next_page_token }))
    }

    async fn lookup_account(&self, request: Request<pb::LookupAccountRequest>) -> Reply<pb::Account> {
        let by = principal(&request);
        let r = request.into_inner();
        ok(self.identity.lookup_account(&by, &r.commune, &r.email).await)
    }

    async fn create_integration_client(
        &self,
        request: Request<pb::CreateIntegrationClientRequest>,
    ) -> Reply<pb::CreateIntegrationClientResponse> {
        let by = principal(&request);
        let r = request.into_inner();
        ok(self
            .identity
            .create_client(&by, &r.commune, &r.display_name, &r.scopes, &r.request_id)
            .await
            .map(|(client, client_secret)| pb::CreateIntegrationClientResponse { client: Some(client), client_secret }))
    }

    async fn revoke_integration_client(
        &self,
        request: Request<pb::RevokeIntegrationClientRequest>,
    ) -> Reply<pb::IntegrationClient> {
        let by = principal(&request);
        let r = request.into_inner();
        ok(self.identity.revoke_client(&by, &r.name, &r.reason).await)
    }

    async fn list_integration_clients(
        &self,
        request: Request<pb::ListIntegrationClientsRequest>,
    ) -> Reply<pb::ListIntegrationClientsResponse> {
        let by = principal(&request);
        ok(self
            .identity
            .list_clients(&by, &request.into_inner().commune)
            .await
            .map(|clients| pb::ListIntegrationClientsResponse { clients }))
    }

    async fn issue_client_token(&self, request: Request<pb::IssueClientTokenRequest>) -> Reply<pb::Session> {
        let r = request.into_inner();
        ok(self.identity.issue_client_token(&r.client_id, &r.client_secret).await)
    }

    async fn get_jwks(&self, _: Request<pb::GetJwksRequest>) -> Reply<pb::GetJwksResponse> {
        ok(self.identity.jwks().await.map(|jwks_json| pb::GetJwksResponse { jwks_json }))
    }

    async fn rotate_signing_key(
        &self,
        request: Request<pb::RotateSigningKeyRequest>,
    ) -> Reply<pb::RotateSigningKeyResponse> {
        let by = principal(&request);
        ok(self
            .identity
            .rotate_signing_key(&by, request.into_inner().activation_delay_seconds)
            .await
            .map(|(kid, active_from_us)| pb::RotateSigningKeyResponse { kid, active_from_us }))
    }
}
