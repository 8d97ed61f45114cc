//! The `miroir` binary: parses the command line and runs one command.

mod admin;
mod cli;
mod component;
mod demo;
mod embedded;
mod jwks;
mod rebuild;
mod serve;
mod supervisor;

use std::process::ExitCode;

use clap::Parser;
use miroir_platform::storage::{Database, PoolConfig};
use miroir_platform::telemetry::{LogFormat, TelemetryConfig};

use crate::cli::{Cli, Command, Component};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let (service, default_format) = match &cli.command {
        Command::Up(_) => ("miroir".to_owned(), LogFormat::Text),
        Command::Serve(args) => (format!("miroir-{}", args.component.name()), LogFormat::Json),
        Command::Migrate(_) | Command::Admin(_) | Command::Rebuild(_) => ("miroir".to_owned(), LogFormat::Text),
    };
    let mut telemetry = TelemetryConfig::from_env(service)?;
    if std::env::var_os("MIROIR_LOG_FORMAT").is_none() {
        telemetry.log_format = default_format;
    }
    let _guard = miroir_platform::telemetry::init(&telemetry)?;

    match cli.command {
        Command::Up(args) => embedded::run(args, miroir_platform::shutdown::on_signals()).await,
        Command::Serve(args) => serve::run(*args, miroir_platform::shutdown::on_signals()).await,
        Command::Migrate(args) => {
            let db = Database::connect(&args.database_url, &PoolConfig::default()).await?;
            match args.component {
                Component::Reports => miroir_reports::migrate_database(&db).await?,
                Component::Identity => miroir_identity::migrate_database(&db).await?,
                Component::Publications => miroir_publications::migrate_database(&db).await?,
                Component::Dialogue => miroir_dialogue::migrate_database(&db).await?,
                Component::Notifications => miroir_notifications::migrate_database(&db).await?,
                Component::Transparency => miroir_transparency::migrate_database(&db).await?,
                Component::Gateway => anyhow::bail!("the gateway has no database"),
            }
            println!("{}: migrations applied", args.component.name());
            Ok(())
        }
        Command::Admin(args) => admin::run(args).await,
        Command::Rebuild(args) => rebuild::run(args, miroir_platform::shutdown::on_signals()).await,
    }
}
