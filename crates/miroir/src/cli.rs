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
    // Boxed: the service settings dwarf the other commands' (parsed once, at start).
    Serve(Box<ServeArgs>),
    /// Applies a component's database migrations, then exits.
    Migrate(MigrateArgs),
    /// Operator tasks on the identity database: communes, first administrators, integration clients.
    Admin(AdminArgs),
    /// Rebuilds a component's projections from the start of the logs into fresh tables while the current ones keep
    /// serving, then swaps them in; prints progress (events done, rate, ETA).
    Rebuild(RebuildArgs),
}

#[derive(Debug, clap::Args)]
pub struct RebuildArgs {
    /// Whose projections to rebuild (only `transparency` has projections of other services' logs).
    pub component: Component,
    /// The embedded mode's data folder (the logs and transparency's database in it).
    #[arg(long, env = "MIROIR_DATA", default_value = "miroir-data", conflicts_with = "database_url")]
    pub data: PathBuf,
    /// A deployment's transparency database instead (postgres://…); the logs are then read from JetStream.
    #[arg(long, env = "MIROIR_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// NATS server carrying the event streams (with `--database-url`).
    #[arg(long, env = "MIROIR_NATS_URL", default_value = "nats://127.0.0.1:4222")]
    pub nats_url: String,
    /// Prefix of the JetStream streams (with `--database-url`).
    #[arg(long, env = "MIROIR_NATS_PREFIX", default_value = "miroir")]
    pub nats_prefix: String,
}

#[derive(Debug, clap::Args)]
pub struct UpArgs {
    /// Folder for the databases and signing keys (created if missing).
    #[arg(long, env = "MIROIR_DATA", default_value = "miroir-data")]
    pub data: PathBuf,
    /// Address of the site and the API.
    #[arg(long, env = "MIROIR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The SMTP relay for notifications' e-mails (as for `serve`); unset, they are logged instead of sent.
    #[arg(long, env = "MIROIR_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of notifications' e-mails.
    #[arg(long, env = "MIROIR_MAIL_FROM", default_value = "Miroir <ne-pas-repondre@localhost>")]
    pub mail_from: String,
    /// Do not create the demo reports on first start.
    #[arg(long, env = "MIROIR_NO_DEMO")]
    pub no_demo: bool,
}

/// The components `miroir serve` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Component {
    /// HTTP front door: the site, the REST API and its OpenAPI document, Open311.
    Gateway,
    /// Communes, accounts, sessions, roles, integration clients, token signing keys.
    Identity,
    /// Problem reports: gRPC API, event log and read models, relay to JetStream.
    Reports,
    /// What the two spaces publish: projects, decisions, minutes, budgets, news, the collective's posts.
    Publications,
    /// Public questions and answers, proposals, comment threads and their moderation.
    Dialogue,
    /// Follows, subscriptions and notification preferences; delivery of what concerns each person.
    Notifications,
    /// Public figures (response times, reports, questions, proposals, budgets) projected from the other logs.
    Transparency,
}

impl Component {
    pub fn name(self) -> &'static str {
        match self {
            Component::Gateway => "gateway",
            Component::Identity => "identity",
            Component::Reports => "reports",
            Component::Publications => "publications",
            Component::Dialogue => "dialogue",
            Component::Notifications => "notifications",
            Component::Transparency => "transparency",
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
    /// Where the gateway reaches the publications service.
    #[arg(long, env = "MIROIR_PUBLICATIONS_URL", default_value = "http://127.0.0.1:50053")]
    pub publications_url: String,
    /// Where the gateway reaches the dialogue service.
    #[arg(long, env = "MIROIR_DIALOGUE_URL", default_value = "http://127.0.0.1:50054")]
    pub dialogue_url: String,
    /// Where the gateway reaches the notifications service.
    #[arg(long, env = "MIROIR_NOTIFICATIONS_URL", default_value = "http://127.0.0.1:50055")]
    pub notifications_url: String,
    /// Where the gateway reaches the transparency service.
    #[arg(long, env = "MIROIR_TRANSPARENCY_URL", default_value = "http://127.0.0.1:50056")]
    pub transparency_url: String,
    /// The gateway's reverse proxies (an ingress controller's pods: CIDRs or addresses, comma-separated), whose
    /// `X-Forwarded-For` names the caller for the per-address rate limits. Empty: the socket peer is the caller.
    #[arg(long, env = "MIROIR_TRUSTED_PROXIES", default_value = "", value_parser = trusted_proxies)]
    pub trusted_proxies: miroir_gateway::client_address::TrustedProxies,
    /// The secret Miroir's own services share for internal calls (identity's directory of addresses, asked by
    /// notifications): at least 32 printable characters, the same in identity and notifications. Unset: the
    /// directory is closed.
    #[arg(long, env = "MIROIR_INTERNAL_SECRET", hide_env_values = true)]
    pub internal_secret: Option<String>,
    /// The SMTP relay notifications sends e-mails through: `smtp://host:port` (plain; add `?tls=required` for
    /// STARTTLS) or `smtps://user:password@host:465`. Unset: e-mails are logged (delivery id and type, never the
    /// address) instead of sent.
    #[arg(long, env = "MIROIR_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of notifications' e-mails; the Message-IDs are under its domain.
    #[arg(long, env = "MIROIR_MAIL_FROM", default_value = "Miroir <ne-pas-repondre@localhost>")]
    pub mail_from: String,
    /// How long, in seconds, an e-mail being sent stays claimed by its sender: after a crash, what was in flight
    /// goes out (again, with the same Message-ID) once this has passed. Longer than a send may last (60 s).
    #[arg(long, env = "MIROIR_EMAIL_LEASE_SECONDS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub email_lease_seconds: u64,
    /// Where services reach the identity service (token keys) and the gateway its API.
    #[arg(long, env = "MIROIR_IDENTITY_URL", default_value = "http://127.0.0.1:50052")]
    pub identity_url: String,
    /// Public address of the site, used in the links identity sends.
    #[arg(long, env = "MIROIR_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
    /// Where the reports service keeps photos and the publications service attachments: `s3://bucket/prefix` (credentials, region and endpoint from
    /// the standard AWS_* variables, e.g. AWS_ENDPOINT_URL for any S3-compatible store) or a folder.
    #[arg(long, env = "MIROIR_OBJECT_STORE", default_value = "miroir-objects")]
    pub object_store: String,
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
pub struct AdminArgs {
    /// The embedded mode's data folder (its identity database).
    #[arg(long, env = "MIROIR_DATA", default_value = "miroir-data", conflicts_with = "database_url")]
    pub data: PathBuf,
    /// A deployment's identity database instead (postgres://…).
    #[arg(long, env = "MIROIR_IDENTITY_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub task: AdminTask,
}

#[derive(Debug, Subcommand)]
pub enum AdminTask {
    /// Registers a commune and its two spaces.
    RegisterCommune {
        /// INSEE code (5 characters, e.g. 35238).
        #[arg(long)]
        insee: String,
        #[arg(long)]
        name: String,
        /// Department code (e.g. 35, 2A, 974).
        #[arg(long)]
        department: String,
        /// The residents' collective recognised for the citizen space.
        #[arg(long, default_value = "")]
        collective: String,
        /// Public commitment on the time to a first response, in days.
        #[arg(long, default_value_t = 7)]
        commitment_days: u32,
    },
    /// Creates an account (or takes an existing one) and makes it an administrator of a commune.
    CreateAdmin {
        #[arg(long)]
        commune: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrateur")]
        display_name: String,
        /// Its password; generated and printed once if not given.
        #[arg(long, env = "MIROIR_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Creates an integration client for city IT and prints its secret once.
    CreateClient {
        #[arg(long)]
        commune: String,
        #[arg(long)]
        name: String,
        /// Scopes, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "reports:read,reports:write,publications:write,dialogue:write"
        )]
        scopes: Vec<String>,
    },
    /// Lists the communes on this platform.
    ListCommunes,
    /// Adds a new token signing key, used for signing after the delay.
    RotateKey {
        #[arg(long, default_value_t = 120)]
        delay_seconds: i64,
    },
}

fn trusted_proxies(list: &str) -> Result<miroir_gateway::client_address::TrustedProxies, String> {
    miroir_gateway::client_address::TrustedProxies::parse(list)
}
