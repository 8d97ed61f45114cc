//! `miroir admin …`: the operator's tasks, run as the operator directly on
//! identity's database — the embedded data folder, or a deployment's
//! PostgreSQL (from a pod or a migration job) — so no operator account has to
//! exist before the first commune.

use anyhow::Context;
use miroir_identity::{Identity, IdentityConfig, operator_cli};
use miroir_platform::storage::{Database, PoolConfig};

use crate::cli::{AdminArgs, AdminTask};

pub async fn open_identity(url: &str, config: IdentityConfig) -> anyhow::Result<Identity> {
    let db = Database::connect(url, &PoolConfig::default()).await.context("cannot open the identity database")?;
    miroir_identity::migrate_database(&db).await?;
    Ok(miroir_identity::open(db, config).await?)
}

pub fn embedded_identity_url(data: &std::path::Path) -> String {
    format!("sqlite://{}", data.join("identity.db").display())
}

/// A password nobody chose: 18 random characters from an unambiguous alphabet.
pub fn generated_password() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0_u8; 18];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect())
}

pub async fn run(args: AdminArgs) -> anyhow::Result<()> {
    let url = args.database_url.clone().unwrap_or_else(|| embedded_identity_url(&args.data));
    let identity = open_identity(&url, IdentityConfig { log_links: false, public_url: String::new() }).await?;
    let op = operator_cli();
    match args.task {
        AdminTask::RegisterCommune { insee, name, department, collective, commitment_days } => {
            let commune =
                identity.register_commune(&op, &insee, &name, &department, &collective, commitment_days, "").await?;
            println!(
                "registered {} ({}), response commitment {} days",
                commune.display_name, commune.insee, commune.response_commitment_days
            );
        }
        AdminTask::CreateAdmin { commune, email, display_name, password } => {
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (generated_password()?, true),
            };
            let account = match identity.sign_up(&email, &password, &display_name, &commune, "").await {
                Ok(account) => account,
                Err(miroir_identity::IdentityError::AlreadyExists(_)) => identity
                    .lookup_account(&op, &commune, &email)
                    .await
                    .context("the account exists but cannot be found")?,
                Err(other) => return Err(other.into()),
            };
            identity
                .grant_role(&op, &account.account_id, &commune, "commune_admin", "", "first administrator", "")
                .await?;
            println!("{email} is an administrator of commune {commune} (account {})", account.account_id);
            if generated {
                println!("password (shown once): {password}");
            }
        }
        AdminTask::CreateClient { commune, name, scopes } => {
            let (client, secret) = identity.create_client(&op, &commune, &name, &scopes, "").await?;
            println!(
                "client_id:     {}\nclient_secret: {secret}   (shown once)\nscopes:        {}",
                client.client_id,
                client.scopes.join(" ")
            );
        }
        AdminTask::ListCommunes => {
            for commune in identity.all_communes(&op).await? {
                let state = if commune.suspended { "suspended" } else { "active" };
                println!("{}\t{}\t{}\t{state}", commune.insee, commune.display_name, commune.department);
            }
        }
        AdminTask::RotateKey { delay_seconds } => {
            let (kid, active_from_us) = identity.rotate_signing_key(&op, delay_seconds).await?;
            println!("new key {kid}, signing from {} (Unix µs)", active_from_us);
        }
    }
    Ok(())
}
