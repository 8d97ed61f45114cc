//! Demo data for the embedded mode's first start, so a newcomer sees a
//! working commune at once. Created through the same commands as real data.

use miroir_eventstore::EventStore;
use miroir_eventstore::Metadata;
use miroir_eventstore::decider::{Target, execute};
use miroir_eventstore::event::now_us;
use miroir_reports::domain::{Command, Location, ReportDecider};
use miroir_reports::read_model::ReportsView;

/// The demo commune: Paris.
pub const COMMUNE: &str = "75056";

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

/// Seeds the demo reports once: only into an empty log.
pub async fn seed(store: &EventStore) -> anyhow::Result<()> {
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
        };
        let metadata = Metadata { occurred_at_us: now_us(), actor: "demo".into(), ..Default::default() };
        execute::<ReportDecider, _>(store, &target, metadata, &ReportsView, command)
            .await
            .map_err(|e| anyhow::anyhow!("seeding the demo: {e}"))?;
    }
    tracing::info!(commune = COMMUNE, reports = REPORTS.len(), "demo reports created");
    Ok(())
}
