//! The gRPC API (`miroir.transparency.v1.Transparency`). Figures are public:
//! reading needs no token. Rebuilds are the national operator's.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miroir_auth::Principal;
use miroir_auth::grpc::principal;
use miroir_platform::clock::now_us;
use miroir_platform::storage::Database;
use miroir_proto::transparency::v1 as pb;
use miroir_proto::transparency::v1::transparency_server::Transparency;
use sqlx::Row;
use tonic::{Request, Response, Status};

use crate::cache::{Cache, Fingerprint};
use crate::error::ApiError;
use crate::figures::{Period, commune_figures, dashboard};
use crate::projection::LOGS;
use crate::read::{self, Cursor};
use crate::rebuild::Rebuilds;
use crate::scope::{Scope, departement_code};

/// Figures are recomputed at most this often while the logs move…
pub const CACHE_FLOOR: Duration = Duration::from_secs(5);
/// …and at least this often when they stand still (ages move with the clock).
pub const CACHE_MAX_AGE: Duration = Duration::from_secs(600);
const DEFAULT_MONTHS: u32 = 12;
const MAX_MONTHS: u32 = 36;
const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 1000;

pub struct TransparencyApi {
    db: Database,
    rebuilds: Option<Arc<Rebuilds>>,
    dashboards: Cache<(Scope, u32), pb::Dashboard>,
    communes: Cache<String, Arc<Vec<pb::CommuneFigures>>>,
}

impl TransparencyApi {
    /// Figures from `db` (after [`crate::ensure_projections`]); no rebuild through the API.
    pub fn new(db: Database) -> Self {
        Self::with_cache(db, CACHE_FLOOR)
    }

    /// With figures reused for at least `floor` (zero: only while the logs stand still).
    pub fn with_cache(db: Database, floor: Duration) -> Self {
        Self {
            db,
            rebuilds: None,
            dashboards: Cache::new(floor, CACHE_MAX_AGE),
            communes: Cache::new(floor, CACHE_MAX_AGE),
        }
    }

    /// Lets the operator start rebuilds through the API.
    pub fn with_rebuilds(mut self, rebuilds: Arc<Rebuilds>) -> Self {
        self.rebuilds = Some(rebuilds);
        self
    }

    fn period(months: u32) -> Result<Period, ApiError> {
        let months = match months {
            0 => DEFAULT_MONTHS,
            1..=MAX_MONTHS => months,
            _ => return Err(ApiError::invalid("months", format!("between 1 and {MAX_MONTHS}"))),
        };
        Ok(Period { now_us: now_us(), months })
    }

    /// Each projection's active generation and how far it has read its log.
    async fn fingerprint(&self) -> Result<Fingerprint, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT p.name, p.active_generation, COALESCE(c.position, 0) FROM projections p \
             LEFT JOIN checkpoints c ON c.consumer = 'projection:' || p.name || ':g' || p.active_generation \
             WHERE p.name LIKE 'transparency-%' ORDER BY p.name",
        )
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let generation: i64 = r.try_get(1)?;
                let position: i64 = r.try_get(2)?;
                Ok((r.try_get(0)?, u64::try_from(generation).unwrap_or(0), u64::try_from(position).unwrap_or(0)))
            })
            .collect()
    }

    pub async fn dashboard(&self, scope: Scope, months: u32) -> Result<pb::Dashboard, ApiError> {
        let period = Self::period(months)?;
        let key = (scope.clone(), period.months);
        let fingerprint = self.fingerprint().await?;
        if let Some(cached) = self.dashboards.get(&key, &fingerprint) {
            return Ok(cached);
        }
        // The facts and the positions they reflect: read the positions again after the facts, and once more if
        // the logs moved in between, so that a quiet platform answers positions that match its figures exactly.
        let mut fingerprint = fingerprint;
        let mut facts = read::facts(&self.db, &scope).await?;
        for _ in 0..3 {
            let after = self.fingerprint().await?;
            if after == fingerprint {
                break;
            }
            fingerprint = after;
            facts = read::facts(&self.db, &scope).await?;
        }
        let name = match &scope {
            Scope::Commune(code) => {
                let Some(commune) = facts.communes.first() else {
                    return Err(ApiError::NotFound(format!("no commune {code} on this platform")));
                };
                commune.name.clone()
            }
            Scope::Departement(code) if facts.communes.is_empty() => {
                return Err(ApiError::NotFound(format!("no commune of département {code} on this platform")));
            }
            Scope::Departement(code) => format!("Département {code}"),
            Scope::National => "France".into(),
        };
        let mut figures = dashboard(&facts, period);
        figures.scope = scope.to_string();
        figures.name = name;
        if let Scope::Commune(_) = scope {
            figures.commitment_days = facts.communes.first().map_or(0, |c| c.commitment_days);
        }
        figures.positions = LOGS
            .iter()
            .filter_map(|(log, name)| {
                let (_, _, position) = fingerprint.iter().find(|(n, _, _)| n == name)?;
                Some(((*log).to_owned(), *position))
            })
            .collect();
        self.dashboards.put(key, fingerprint, figures.clone());
        Ok(figures)
    }

    async fn all_commune_figures(&self, departement: &str) -> Result<Arc<Vec<pb::CommuneFigures>>, ApiError> {
        let fingerprint = self.fingerprint().await?;
        if let Some(cached) = self.communes.get(&departement.to_owned(), &fingerprint) {
            return Ok(cached);
        }
        let scope = if departement.is_empty() { Scope::National } else { Scope::Departement(departement.to_owned()) };
        let facts = read::facts(&self.db, &scope).await?;
        let figures = Arc::new(commune_figures(&facts, Self::period(0)?));
        self.communes.put(departement.to_owned(), fingerprint, figures.clone());
        Ok(figures)
    }

    fn operator(principal: &Principal) -> Result<(), ApiError> {
        match principal {
            Principal::Anonymous => Err(Status::unauthenticated("this action needs a signed-in account").into()),
            p if p.is_operator() => Ok(()),
            _ => Err(Status::permission_denied("only the national operator rebuilds the figures").into()),
        }
    }

    fn rebuilds(&self) -> Result<&Rebuilds, ApiError> {
        self.rebuilds.as_deref().ok_or_else(|| Status::unimplemented("rebuilds are not enabled on this server").into())
    }
}

/// Page tokens: the cursor of the last event served, opaque to clients.
fn encode_cursor(c: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}:{}", c.at_us, c.log, c.position))
}

fn decode_cursor(token: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::invalid("page_token", "not a token this API gave");
    let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = raw.split(':');
    let (Some(at), Some(log), Some(position), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    Ok(Cursor {
        at_us: at.parse().map_err(|_| bad())?,
        log: log.parse::<usize>().ok().filter(|l| *l < LOGS.len()).ok_or_else(bad)?,
        position: position.parse().map_err(|_| bad())?,
    })
}

fn page_size(size: u32) -> Result<u32, ApiError> {
    match size {
        0 => Ok(DEFAULT_PAGE),
        1..=MAX_PAGE => Ok(size),
        _ => Err(ApiError::invalid("page_size", format!("at most {MAX_PAGE}"))),
    }
}

#[tonic::async_trait]
impl Transparency for TransparencyApi {
    async fn get_dashboard(
        &self,
        request: Request<pb::GetDashboardRequest>,
    ) -> Result<Response<pb::Dashboard>, Status> {
        let request = request.into_inner();
        let scope = Scope::parse(request.scope.trim()).map_err(|reason| ApiError::invalid("scope", reason))?;
        Ok(Response::new(self.dashboard(scope, request.months).await?))
    }

    async fn list_commune_figures(
        &self,
        request: Request<pb::ListCommuneFiguresRequest>,
    ) -> Result<Response<pb::ListCommuneFiguresResponse>, Status> {
        let request = request.into_inner();
        let departement = request.departement.trim();
        if !departement.is_empty() {
            departement_code(departement).map_err(|reason| ApiError::invalid("departement", reason))?;
        }
        let size = page_size(request.page_size)? as usize;
        // The token is the last commune served (the list is ordered by code).
        let after = match request.page_token.as_str() {
            "" => String::new(),
            token => URL_SAFE_NO_PAD
                .decode(token)
                .ok()
                .and_then(|raw| String::from_utf8(raw).ok())
                .ok_or_else(|| ApiError::invalid("page_token", "not a token this API gave"))?,
        };
        let all = self.all_commune_figures(departement).await?;
        let start = all.partition_point(|c| c.commune.as_str() <= after.as_str());
        let communes: Vec<_> = all.iter().skip(start).take(size).cloned().collect();
        let next_page_token = match communes.last() {
            Some(last) if start + communes.len() < all.len() => URL_SAFE_NO_PAD.encode(&last.commune),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListCommuneFiguresResponse { communes, next_page_token, total: all.len() as u64 }))
    }

    async fn list_public_events(
        &self,
        request: Request<pb::ListPublicEventsRequest>,
    ) -> Result<Response<pb::ListPublicEventsResponse>, Status> {
        let request = request.into_inner();
        let commune = match Scope::parse(&format!("communes/{}", request.commune.trim())) {
            Ok(Scope::Commune(code)) => code,
            _ => return Err(ApiError::invalid("commune", "an INSEE code, e.g. 75056").into()),
        };
        let size = page_size(request.page_size)?;
        let after = match request.page_token.as_str() {
            "" => Cursor { at_us: i64::MIN, log: 0, position: 0 },
            token => decode_cursor(token)?,
        };
        let rows = read::public_events(&self.db, &commune, after, size, now_us()).await.map_err(ApiError::from)?;
        let next_page_token = match rows.last() {
            Some(last) if rows.len() == size as usize => {
                encode_cursor(&Cursor { at_us: last.at_us, log: last.log, position: last.position })
            }
            _ => String::new(),
        };
        let events = rows
            .into_iter()
            .map(|row| {
                let fields =
                    serde_json::from_str::<std::collections::HashMap<String, String>>(&row.fields).unwrap_or_default();
                pb::PublicEvent {
                    log: LOGS[row.log].0.into(),
                    position: row.position,
                    occurred_at_us: row.at_us,
                    r#type: row.kind,
                    subject: row.subject,
                    fields,
                }
            })
            .collect();
        Ok(Response::new(pb::ListPublicEventsResponse { events, next_page_token }))
    }

    async fn start_rebuild(
        &self,
        request: Request<pb::StartRebuildRequest>,
    ) -> Result<Response<pb::RebuildStatus>, Status> {
        let principal = principal(&request);
        Self::operator(&principal)?;
        let actor = match &principal {
            Principal::Account { id, .. } => id.as_str(),
            _ => "",
        };
        Ok(Response::new(self.rebuilds()?.start(actor)))
    }

    async fn get_rebuild_status(
        &self,
        request: Request<pb::GetRebuildStatusRequest>,
    ) -> Result<Response<pb::RebuildStatus>, Status> {
        Self::operator(&principal(&request))?;
        Ok(Response::new(self.rebuilds()?.status()))
    }
}
