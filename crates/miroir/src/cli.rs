//! Command line and environment: every setting is a flag with an environment
//! variable and a documented default (12-factor). `miroir --help` lists them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "miroir",
    version,
    about = "Miroir — a civic platform where each commune's official space and citizen space answer each other.",
    long_about = "Miroir — a civic platform where each commune's official space and citizen space answer each other.\n\n\
        Start with `miroir up`: the whole platform in one process, data in a local folder, no server to install.\n\
        In production, `miroir serve <component>` runs one component on NATS JetStream and PostgreSQL."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs every component in one process with embedded storage (SQLite in the data folder, in-process bus).
    Up(UpArgs),
    /// Runs one component on NATS JetStream and PostgreSQL, configured by the environment.
    Serve(ServeArgs),
    /// Applies a component's database migrations, then exits.
    Migrate(MigrateArgs),
    /// Mints an access token from the signing keys (until the identity service issues them).
    Token(TokenArgs),
}

#[derive(Debug, clap::Args)]
pub struct UpArgs {
    /// Folder for the databases and signing keys (created if missing).
    #[arg(long, env = "MIROIR_DATA", default_value = "miroir-data")]
    pub data: PathBuf,
    /// Address of the site and the API.
    #[arg(long, env = "MIROIR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Do not create the demo reports on first start.
    #[arg(long, env = "MIROIR_NO_DEMO")]
    pub no_demo: bool,
}

/// The components `miroir serve` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Component {
    /// HTTP front door: REST API and OpenAPI document (later the site and Open311).
    Gateway,
    /// Problem reports: gRPC API, event log and read models, relay to JetStream.
    Reports,
}

impl Component {
    pub fn name(self) -> &'static str {
        match self {
            Component::Gateway => "gateway",
            Component::Reports => "reports",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    pub component: Component,
    #[command(flatten)]
    pub common: ServiceArgs,
}

#[derive(Debug, clap::Args)]
pub struct ServiceArgs {
    /// The component's own database (postgres://… or sqlite://…). Required by services with state.
    #[arg(long, env = "MIROIR_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// NATS server carrying the event streams.
    #[arg(long, env = "MIROIR_NATS_URL", default_value = "nats://127.0.0.1:4222")]
    pub nats_url: String,
    /// Prefix of every JetStream subject and stream name (one per deployment).
    #[arg(long, env = "MIROIR_NATS_PREFIX", default_value = "miroir")]
    pub nats_prefix: String,
    /// gRPC address of a service component.
    #[arg(long, env = "MIROIR_GRPC_LISTEN", default_value = "127.0.0.1:50051")]
    pub grpc_listen: SocketAddr,
    /// HTTP address of the gateway.
    #[arg(long, env = "MIROIR_HTTP_LISTEN", default_value = "127.0.0.1:8080")]
    pub http_listen: SocketAddr,
    /// Health (/healthz, /readyz) and Prometheus (/metrics) address.
    #[arg(long, env = "MIROIR_ADMIN_LISTEN", default_value = "127.0.0.1:9090")]
    pub admin_listen: SocketAddr,
    /// Where the gateway reaches the reports service.
    #[arg(long, env = "MIROIR_REPORTS_URL", default_value = "http://127.0.0.1:50051")]
    pub reports_url: String,
    /// File of the token signing keys (one base64 Ed25519 key per line, newest first).
    #[arg(long, env = "MIROIR_AUTH_KEYS_FILE")]
    pub auth_keys_file: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// Whose migrations to apply.
    pub component: Component,
    /// The component's database.
    #[arg(long, env = "MIROIR_DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// INSEE code of the commune the role is held in.
    #[arg(long)]
    pub commune: String,
    /// resident, collective_member, collective_moderator, agent, elected_official, commune_admin or operator.
    #[arg(long)]
    pub role: String,
    /// Account id the token stands for.
    #[arg(long, default_value = "demo-account")]
    pub subject: String,
    /// Lifetime in minutes.
    #[arg(long, default_value_t = 60)]
    pub minutes: i64,
    /// Signing keys file (for `up`, `<data>/signing-keys`).
    #[arg(long, env = "MIROIR_AUTH_KEYS_FILE", default_value = "miroir-data/signing-keys")]
    pub keys: PathBuf,
}
