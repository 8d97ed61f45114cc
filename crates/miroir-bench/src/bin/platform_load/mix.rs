//! The mix each client sends, one request after another (a closed loop),
//! each chosen by the client's own seeded RNG: 80 % reads of public pages and
//! APIs, 20 % writes (reports filed and questions asked by residents, reports
//! acknowledged and questions answered by the commune's administrator); and
//! the baseline's client, one static file again and again.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use bytes::Bytes;
use miroir_bench::api::REQUEST_TIMEOUT;
use miroir_bench::load::{Failure, Worker, shorten, transport};
use serde_json::{Value, json};

use crate::COMMUNE;

/// A kind of request of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Request {
    HomePage,
    ReportsPage,
    ReportPage,
    ReportsApi,
    ReportApi,
    QuestionsPage,
    QuestionPage,
    QuestionsApi,
    PublicationsApi,
    PublicationPage,
    ProjectsPage,
    TransparencyPage,
    Open311Requests,
    SubmitReport,
    AskQuestion,
    AcknowledgeReport,
    AnswerQuestion,
}

/// Each kind and its weight, in percent of the requests.
pub const MIX: &[(Request, u32)] = &[
    // Reads: 80 %.
    (Request::HomePage, 10),
    (Request::ReportsPage, 8),
    (Request::ReportPage, 12),
    (Request::ReportsApi, 10),
    (Request::ReportApi, 6),
    (Request::QuestionsPage, 4),
    (Request::QuestionPage, 4),
    (Request::QuestionsApi, 6),
    (Request::PublicationsApi, 5),
    (Request::PublicationPage, 4),
    (Request::ProjectsPage, 3),
    (Request::TransparencyPage, 5),
    (Request::Open311Requests, 3),
    // Writes: 20 %.
    (Request::SubmitReport, 10),
    (Request::AskQuestion, 4),
    (Request::AcknowledgeReport, 4),
    (Request::AnswerQuestion, 2),
];

/// Every read kind, in the order of [`MIX`].
pub fn reads() -> impl Iterator<Item = Request> {
    MIX.iter().map(|(request, _)| *request).filter(|request| !request.is_write())
}

/// What a site page shows, with a 200, when one of the services it asks did
/// not answer ("Cette partie est momentanément indisponible…"): such a page
/// counts as failed.
const DEGRADED_PAGE: &str = "momentanément indisponible";

/// The report every resident files (a category every commune has, a point in Paris).
const REPORT: &str = r#"{"category":"voirie","title":"Nid-de-poule (banc d'essai)","description":"Signalement déposé par le banc d'essai de charge de Miroir.","location":{"latitude":48.8566,"longitude":2.3522,"address":"Place de l'Hôtel de Ville"}}"#;

impl Request {
    /// Its label in the tables: the method and the path (ids as `{id}`).
    /// Reads start with `GET`, writes with `POST`.
    pub fn label(self) -> &'static str {
        match self {
            Request::HomePage => "GET /c/75056/",
            Request::ReportsPage => "GET /c/75056/citoyen/signalements/",
            Request::ReportPage => "GET /c/75056/citoyen/signalements/{id}",
            Request::ReportsApi => "GET /api/v1/communes/75056/reports",
            Request::ReportApi => "GET /api/v1/communes/75056/reports/{id}",
            Request::QuestionsPage => "GET /c/75056/citoyen/questions/",
            Request::QuestionPage => "GET /c/75056/citoyen/questions/{id}",
            Request::QuestionsApi => "GET /api/v1/communes/75056/questions",
            Request::PublicationsApi => "GET /api/v1/communes/75056/publications",
            Request::PublicationPage => "GET /c/75056/publications/{id}",
            Request::ProjectsPage => "GET /c/75056/officiel/projets/",
            Request::TransparencyPage => "GET /c/75056/transparence/",
            Request::Open311Requests => "GET /open311/v2/requests.json?jurisdiction_id=75056",
            Request::SubmitReport => "POST /api/v1/communes/75056/reports",
            Request::AskQuestion => "POST /api/v1/communes/75056/questions",
            Request::AcknowledgeReport => "POST …/reports/{id}/acknowledge (admin)",
            Request::AnswerQuestion => "POST …/questions/{id}/answer (admin)",
        }
    }

    /// A short name, for the header.
    pub fn name(self) -> &'static str {
        match self {
            Request::HomePage => "home page",
            Request::ReportsPage => "reports page",
            Request::ReportPage => "report page",
            Request::ReportsApi => "reports API",
            Request::ReportApi => "report API",
            Request::QuestionsPage => "questions page",
            Request::QuestionPage => "question page",
            Request::QuestionsApi => "questions API",
            Request::PublicationsApi => "publications API",
            Request::PublicationPage => "publication page",
            Request::ProjectsPage => "projects page",
            Request::TransparencyPage => "transparency page",
            Request::Open311Requests => "Open311 requests",
            Request::SubmitReport => "report filed",
            Request::AskQuestion => "question asked",
            Request::AcknowledgeReport => "report acknowledged",
            Request::AnswerQuestion => "question answered",
        }
    }

    /// The path of a read (`id`: the item's, for those of one item).
    pub fn read_path(self, id: &str) -> String {
        self.label().trim_start_matches("GET ").replace("{id}", id)
    }

    pub fn is_write(self) -> bool {
        matches!(
            self,
            Request::SubmitReport | Request::AskQuestion | Request::AcknowledgeReport | Request::AnswerQuestion
        )
    }

    /// A site page (HTML), checked for [`DEGRADED_PAGE`].
    fn is_page(self) -> bool {
        matches!(
            self,
            Request::HomePage
                | Request::ReportsPage
                | Request::ReportPage
                | Request::QuestionsPage
                | Request::QuestionPage
                | Request::PublicationPage
                | Request::ProjectsPage
                | Request::TransparencyPage
        )
    }
}

/// Whether a label (of [`Request::label`]) is a write's.
pub fn is_write_label(label: &str) -> bool {
    label.starts_with("POST ")
}

/// SplitMix64: small, fast, and the same sequence for the same seed
/// everywhere (no dependency for a benchmark's dice).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0; the modulo's bias is negligible for small `n`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The dialogue service's posting limit: 10 questions, proposals and comments
/// per account in 10 minutes. Each resident asks at most that many.
pub const QUESTIONS_PER_RESIDENT: usize = 10;

/// What the clients share: the accounts, and the ids of what exists (read
/// targets) and of what waits for the commune (write targets, each taken once).
pub struct Shared {
    /// `http://127.0.0.1:port`.
    pub site: String,
    /// The residents' access tokens.
    pub residents: Vec<String>,
    /// The commune administrator's access token (the official writes).
    pub official: String,
    questions_asked: AtomicUsize,
    reports: RwLock<Vec<String>>,
    unacknowledged: Mutex<VecDeque<String>>,
    questions: RwLock<Vec<String>>,
    unanswered: Mutex<VecDeque<String>>,
    publications: RwLock<Vec<String>>,
    /// (the kind the dice chose, the kind sent instead) → how many times.
    substitutions: Mutex<BTreeMap<(Request, Request), u64>>,
}

impl Shared {
    pub fn new(site: String, residents: Vec<String>, official: String) -> Self {
        Shared {
            site,
            residents,
            official,
            questions_asked: AtomicUsize::new(0),
            reports: RwLock::default(),
            unacknowledged: Mutex::default(),
            questions: RwLock::default(),
            unanswered: Mutex::default(),
            publications: RwLock::default(),
            substitutions: Mutex::default(),
        }
    }

    /// The token of the resident who asks the next question, while one is
    /// under the posting limit.
    pub fn next_asker(&self) -> Option<&str> {
        let n = self.questions_asked.fetch_add(1, Ordering::Relaxed);
        self.residents.get(n / QUESTIONS_PER_RESIDENT).map(String::as_str)
    }

    /// How many more questions the residents may ask.
    pub fn questions_left(&self) -> usize {
        (self.residents.len() * QUESTIONS_PER_RESIDENT).saturating_sub(self.questions_asked.load(Ordering::Relaxed))
    }

    pub fn add_report(&self, id: String, acknowledged: bool) {
        if !acknowledged && let Ok(mut queue) = self.unacknowledged.lock() {
            queue.push_back(id.clone());
        }
        if let Ok(mut all) = self.reports.write() {
            all.push(id);
        }
    }

    pub fn add_question(&self, id: String, answered: bool) {
        if !answered && let Ok(mut queue) = self.unanswered.lock() {
            queue.push_back(id.clone());
        }
        if let Ok(mut all) = self.questions.write() {
            all.push(id);
        }
    }

    pub fn add_publication(&self, id: String) {
        if let Ok(mut all) = self.publications.write() {
            all.push(id);
        }
    }

    /// The oldest report no one acknowledged yet (taken: acknowledged once).
    pub fn take_unacknowledged(&self) -> Option<String> {
        self.unacknowledged.lock().ok()?.pop_front()
    }

    /// The oldest question no one answered yet (taken: answered once).
    pub fn take_unanswered(&self) -> Option<String> {
        self.unanswered.lock().ok()?.pop_front()
    }

    /// The ids a read of one item chooses its item from; `None` for the others.
    fn ids(&self, request: Request) -> Option<&RwLock<Vec<String>>> {
        match request {
            Request::ReportPage | Request::ReportApi => Some(&self.reports),
            Request::QuestionPage => Some(&self.questions),
            Request::PublicationPage => Some(&self.publications),
            _ => None,
        }
    }

    /// The first id a read of one item may use (`""` for the others).
    pub fn first_id(&self, request: Request) -> String {
        let first = |list: &RwLock<Vec<String>>| list.read().ok().and_then(|l| l.first().cloned());
        self.ids(request).and_then(first).unwrap_or_default()
    }

    fn pick(list: &RwLock<Vec<String>>, rng: &mut Rng) -> Option<String> {
        let list = list.read().ok()?;
        (!list.is_empty()).then(|| list[rng.below(list.len())].clone())
    }

    /// How many reports, questions and publications exist.
    pub fn counts(&self) -> (usize, usize, usize) {
        let len = |list: &RwLock<Vec<String>>| list.read().map(|l| l.len()).unwrap_or_default();
        (len(&self.reports), len(&self.questions), len(&self.publications))
    }

    fn substituted(&self, wanted: Request, sent: Request) {
        if let Ok(mut counts) = self.substitutions.lock() {
            *counts.entry((wanted, sent)).or_default() += 1;
        }
    }

    /// `(chosen, sent instead, times)`, when a write had no target (see [`MixClient`]).
    pub fn substitutions(&self) -> Vec<(Request, Request, u64)> {
        self.substitutions
            .lock()
            .map(|counts| counts.iter().map(|(&(wanted, sent), &n)| (wanted, sent, n)).collect())
            .unwrap_or_default()
    }
}

/// An HTTP client that shows redirects as they are (a 3xx is not followed),
/// with its own connection (kept alive), as one visitor's browser.
pub fn client() -> anyhow::Result<reqwest::Client> {
    use anyhow::Context;
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("cannot build an HTTP client")
}

/// One client of the mix: a resident browsing and writing, who also stands
/// for the commune's staff in the official writes.
pub struct MixClient {
    pub http: reqwest::Client,
    pub rng: Rng,
    pub shared: Arc<Shared>,
    /// The token this client files reports with (one resident per client, shared beyond).
    pub resident: String,
}

/// One request ready to send.
struct Prepared {
    request: Request,
    method: reqwest::Method,
    path: String,
    token: Option<String>,
    body: Option<Bytes>,
}

impl Worker for MixClient {
    async fn call(&mut self) -> (&'static str, Result<(), Failure>) {
        let prepared = self.prepare();
        let request = prepared.request;
        (request.label(), self.send(prepared).await)
    }
}

impl MixClient {
    fn choose(&mut self) -> Request {
        let total: u32 = MIX.iter().map(|(_, weight)| weight).sum();
        let mut roll = self.rng.below(total as usize) as u32;
        for (request, weight) in MIX {
            if roll < *weight {
                return *request;
            }
            roll -= weight;
        }
        Request::HomePage
    }

    /// The chosen request with its target. A write with nothing to act on (no
    /// report left to acknowledge, no question to answer, every resident at
    /// the posting limit) is replaced by another write, and counted: such a
    /// run prints how often.
    fn prepare(&mut self) -> Prepared {
        let chosen = self.choose();
        let shared = self.shared.clone();
        let c = COMMUNE;
        match chosen {
            Request::SubmitReport => self.submit_report(),
            Request::AskQuestion => match shared.next_asker() {
                Some(asker) => Prepared {
                    request: chosen,
                    method: reqwest::Method::POST,
                    path: format!("/api/v1/communes/{c}/questions"),
                    token: Some(asker.to_owned()),
                    body: Some(question_body(self.rng.next_u64())),
                },
                None => {
                    shared.substituted(chosen, Request::SubmitReport);
                    self.submit_report()
                }
            },
            Request::AnswerQuestion => match shared.take_unanswered() {
                Some(id) => Prepared {
                    request: chosen,
                    method: reqwest::Method::POST,
                    path: format!("/api/v1/communes/{c}/questions/{id}/answer"),
                    token: Some(shared.official.clone()),
                    body: Some(Bytes::from_static(
                        r#"{"body":"Merci pour votre question : la mairie vous répond (banc d'essai)."}"#.as_bytes(),
                    )),
                },
                None => match self.acknowledge() {
                    Some(prepared) => {
                        shared.substituted(chosen, Request::AcknowledgeReport);
                        prepared
                    }
                    None => {
                        shared.substituted(chosen, Request::SubmitReport);
                        self.submit_report()
                    }
                },
            },
            Request::AcknowledgeReport => match self.acknowledge() {
                Some(prepared) => prepared,
                None => {
                    shared.substituted(chosen, Request::SubmitReport);
                    self.submit_report()
                }
            },
            read => {
                let id = shared.ids(read).and_then(|ids| Shared::pick(ids, &mut self.rng)).unwrap_or_default();
                Prepared {
                    request: read,
                    method: reqwest::Method::GET,
                    path: read.read_path(&id),
                    token: None,
                    body: None,
                }
            }
        }
    }

    fn submit_report(&self) -> Prepared {
        Prepared {
            request: Request::SubmitReport,
            method: reqwest::Method::POST,
            path: format!("/api/v1/communes/{COMMUNE}/reports"),
            token: Some(self.resident.clone()),
            body: Some(Bytes::from_static(REPORT.as_bytes())),
        }
    }

    fn acknowledge(&self) -> Option<Prepared> {
        let id = self.shared.take_unacknowledged()?;
        Some(Prepared {
            request: Request::AcknowledgeReport,
            method: reqwest::Method::POST,
            path: format!("/api/v1/communes/{COMMUNE}/reports/{id}/acknowledge"),
            token: Some(self.shared.official.clone()),
            body: Some(Bytes::from_static(
                r#"{"message":"Vu, merci : les services passent (banc d'essai)."}"#.as_bytes(),
            )),
        })
    }

    async fn send(&mut self, prepared: Prepared) -> Result<(), Failure> {
        let mut builder = self.http.request(prepared.method, format!("{}{}", self.shared.site, prepared.path));
        if let Some(token) = &prepared.token {
            builder = builder.bearer_auth(token);
        }
        if let Some(body) = prepared.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .body(body);
        }
        let response = builder.send().await.map_err(transport)?;
        let status = response.status();
        // Read the whole answer: the call is done when the client has it.
        let body = response.bytes().await.map_err(transport)?;
        if !status.is_success() {
            return Err(Failure {
                kind: format!("HTTP {}", status.as_u16()),
                detail: shorten(&String::from_utf8_lossy(&body)),
            });
        }
        let request = prepared.request;
        if request.is_page() {
            let html = String::from_utf8_lossy(&body);
            if html.contains(DEGRADED_PAGE) {
                return Err(Failure {
                    kind: format!("HTTP {} with a part unavailable", status.as_u16()),
                    detail: format!("the page says \"{DEGRADED_PAGE}\" (see the gateway's warnings)"),
                });
            }
        }
        match request {
            Request::SubmitReport => self.shared.add_report(id_in(&body, "report_id")?, false),
            Request::AskQuestion => self.shared.add_question(id_in(&body, "question_id")?, false),
            _ => {}
        }
        Ok(())
    }
}

/// The id `field` of a JSON answer.
fn id_in(body: &[u8], field: &str) -> Result<String, Failure> {
    serde_json::from_slice::<Value>(body).ok().and_then(|json| json[field].as_str().map(str::to_owned)).ok_or_else(
        || Failure { kind: format!("answer without {field}"), detail: shorten(&String::from_utf8_lossy(body)) },
    )
}

/// A question with a number, so that their titles differ.
pub fn question_body(n: u64) -> Bytes {
    let body = json!({
        "title": format!("Quand la piscine rouvrira-t-elle ? (banc d'essai {})", n % 100_000),
        "body": "Elle est fermée depuis janvier ; le banc d'essai de charge de Miroir pose la question.",
    });
    Bytes::from(body.to_string())
}

/// The report body every resident files.
pub fn report_body() -> Bytes {
    Bytes::from_static(REPORT.as_bytes())
}

/// The baseline's client: one static file of the gateway, again and again.
pub struct StaticClient {
    pub http: reqwest::Client,
    pub url: String,
}

/// The baseline's label in the tables.
pub const STATIC_LABEL: &str = "GET /static/app.<hash>.css";

impl Worker for StaticClient {
    async fn call(&mut self) -> (&'static str, Result<(), Failure>) {
        (STATIC_LABEL, self.fetch().await)
    }
}

impl StaticClient {
    async fn fetch(&mut self) -> Result<(), Failure> {
        let response = self.http.get(&self.url).send().await.map_err(transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport)?;
        if status.is_success() {
            Ok(())
        } else {
            Err(Failure { kind: format!("HTTP {}", status.as_u16()), detail: shorten(&String::from_utf8_lossy(&body)) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_is_80_percent_reads() {
        let total: u32 = MIX.iter().map(|(_, weight)| weight).sum();
        let writes: u32 = MIX.iter().filter(|(request, _)| request.is_write()).map(|(_, weight)| weight).sum();
        assert_eq!((total, writes), (100, 20));
        for (request, _) in MIX {
            assert_eq!(is_write_label(request.label()), request.is_write(), "{request:?}");
        }
    }

    #[test]
    fn the_dice_are_the_same_for_the_same_seed() {
        let rolls = |seed| {
            let mut rng = Rng::new(seed);
            (0..5).map(|_| rng.below(100)).collect::<Vec<_>>()
        };
        assert_eq!(rolls(1), rolls(1));
        assert_ne!(rolls(1), rolls(2));
        let mut rng = Rng::new(7);
        let mut seen = [0u32; 4];
        for _ in 0..4000 {
            seen[rng.below(4)] += 1;
        }
        assert!(seen.iter().all(|&n| (900..1100).contains(&n)), "about uniform: {seen:?}");
    }

    #[test]
    fn questions_stay_under_the_posting_limit() {
        let shared = Shared::new(String::new(), vec!["a".into(), "b".into()], String::new());
        let askers: Vec<_> = std::iter::from_fn(|| shared.next_asker().map(str::to_owned)).collect();
        assert_eq!(askers.len(), 2 * QUESTIONS_PER_RESIDENT);
        assert_eq!(askers.iter().filter(|a| *a == "a").count(), QUESTIONS_PER_RESIDENT);
        assert_eq!(shared.questions_left(), 0);
    }

    #[test]
    fn each_waiting_write_target_is_taken_once() {
        let shared = Shared::new(String::new(), Vec::new(), String::new());
        shared.add_report("r1".into(), false);
        shared.add_report("r2".into(), true);
        assert_eq!(shared.take_unacknowledged().as_deref(), Some("r1"));
        assert_eq!(shared.take_unacknowledged(), None);
        assert_eq!(shared.counts(), (2, 0, 0));
    }
}
