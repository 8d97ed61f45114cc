//! Demo data for the embedded mode's first start, so a newcomer sees a
//! working commune at once: the commune, one account per role, an
//! integration client, two reports, publications in both spaces ([`publications`]),
//! questions and a proposal ([`dialogue`]). Created through the same use cases
//! as real data; the credentials are printed and written to `<data>/demo.env`.

pub mod dialogue;
pub mod publications;

use std::io::Write;
use std::path::Path;

use miroir_identity::{Identity, IdentityError, operator_cli};

use miroir_eventstore::EventStore;
use miroir_eventstore::Metadata;
use miroir_eventstore::decider::{Target, execute};
use miroir_eventstore::event::now_us;
use miroir_reports::domain::{Command, Location, ReportDecider};
use miroir_reports::read_model::ReportsView;

/// The demo commune: Paris.
pub const COMMUNE: &str = "75056";
/// Its public commitment on the time to a first response, in days.
pub const COMMITMENT_DAYS: u32 = 7;

const REPORTS: &[(&str, &str, &str, f64, f64, &str)] = &[
    (
        "voirie",
        "Nid-de-poule devant l'école",
        "Un trou profond sur la chaussée, dangereux pour les vélos.",
        48.8566,
        2.3522,
        "Place de l'Hôtel de Ville",
    ),
    (
        "eclairage",
        "Lampadaire éteint",
        "Le lampadaire ne s'allume plus depuis une semaine.",
        48.8530,
        2.3499,
        "Quai de la Corse",
    ),
];

/// The demo accounts: (variable prefix, e-mail, display name, role).
const ACCOUNTS: &[(&str, &str, &str, &str)] = &[
    ("ADMIN", "admin@demo.miroir.fr", "Camille (mairie)", "commune_admin"),
    ("AGENT", "agent@demo.miroir.fr", "Sami (voirie)", "agent"),
    ("MODERATOR", "moderation@demo.miroir.fr", "Jeanne (collectif)", "collective_moderator"),
    ("RESIDENT", "habitant@demo.miroir.fr", "Léo", "resident"),
];

/// The demo accounts' ids, for the content they author.
#[derive(Debug, Clone)]
pub struct DemoAccounts {
    pub admin: String,
    pub agent: String,
    pub moderator: String,
    pub resident: String,
}

/// What [`seed_identity`] created.
#[derive(Debug, Clone)]
pub struct DemoIdentity {
    /// The `demo.env` text, also written to the data folder.
    pub env: String,
    pub accounts: DemoAccounts,
}

/// Seeds the demo commune, its accounts and client once (when the commune is
/// not there yet), and returns what it created.
pub async fn seed_identity(identity: &Identity, data: &Path) -> anyhow::Result<Option<DemoIdentity>> {
    let op = operator_cli();
    match identity.get_commune(COMMUNE).await {
        Ok(_) => return Ok(None),
        Err(IdentityError::NotFound(_)) => {}
        Err(other) => return Err(other.into()),
    }
    identity.register_commune(&op, COMMUNE, "Paris", "75", "Collectif Paris Centre", COMMITMENT_DAYS, "").await?;
    let mut env =
        format!("# Miroir demo (embedded mode). Sign in with these accounts.\nMIROIR_DEMO_COMMUNE={COMMUNE}\n");
    let mut ids = std::collections::HashMap::new();
    for (prefix, email, name, role) in ACCOUNTS {
        let password = crate::admin::generated_password()?;
        let account = identity.sign_up(email, &password, name, COMMUNE, "").await?;
        ids.insert(*prefix, account.account_id.clone());
        if *role != "resident" {
            identity.grant_role(&op, &account.account_id, COMMUNE, role, "", "demo", "").await?;
        }
        env.push_str(&format!("MIROIR_DEMO_{prefix}_EMAIL={email}\nMIROIR_DEMO_{prefix}_PASSWORD={password}\n"));
    }
    let scopes: Vec<String> = miroir_identity::domain::client::SCOPES.iter().map(|s| (*s).to_owned()).collect();
    let (client, secret) = identity.create_client(&op, COMMUNE, "Démo SIG de la ville", &scopes, "").await?;
    env.push_str(&format!("MIROIR_DEMO_CLIENT_ID={}\nMIROIR_DEMO_API_KEY={secret}\n", client.client_id));
    write_private(&data.join("demo.env"), &env)?;
    tracing::info!(commune = COMMUNE, "demo commune, accounts and integration client created");
    let mut id = |prefix: &str| ids.remove(prefix).unwrap_or_default();
    let accounts =
        DemoAccounts { admin: id("ADMIN"), agent: id("AGENT"), moderator: id("MODERATOR"), resident: id("RESIDENT") };
    Ok(Some(DemoIdentity { env, accounts }))
}

/// Writes a file only its owner can read (it holds passwords).
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// Seeds the demo reports once: only into an empty log.
pub async fn seed_reports(store: &EventStore) -> anyhow::Result<()> {
    if store.head().await? > 0 {
        return Ok(());
    }
    for (i, (category, title, description, latitude, longitude, address)) in REPORTS.iter().enumerate() {
        let report_id = uuid::Uuid::now_v7().to_string();
        let target = Target {
            commune: COMMUNE.into(),
            aggregate_type: "report",
            aggregate_id: report_id.clone(),
            request_id: Some(format!("demo-{i}")),
        };
        let location = Location::parse(*latitude, *longitude, address).map_err(|(f, r)| anyhow::anyhow!("{f}: {r}"))?;
        let command = || Command::Submit {
            report_id: report_id.clone(),
            commune: COMMUNE.into(),
            category: (*category).into(),
            title: (*title).into(),
            description: (*description).into(),
            location: location.clone(),
            reporter: None,
            department: standard_department(category),
            attributes: Vec::new(),
            photos: Vec::new(),
            anonymous: None,
            // Filed as if by the city's own system: no reporter to verify.
            client: "demo".into(),
        };
        let metadata = Metadata { occurred_at_us: now_us(), actor: "demo".into(), ..Default::default() };
        execute::<ReportDecider, _>(store, &target, metadata, &ReportsView, command)
            .await
            .map_err(|e| anyhow::anyhow!("seeding the demo: {e}"))?;
    }
    tracing::info!(commune = COMMUNE, reports = REPORTS.len(), "demo reports created");
    Ok(())
}

/// Where the standard categories route a report.
fn standard_department(category: &str) -> String {
    miroir_reports::domain::category::standard()
        .into_iter()
        .find(|c| c.code == category)
        .map(|c| c.department)
        .unwrap_or_default()
}
