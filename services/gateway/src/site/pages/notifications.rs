//! What a signed-in person hears about, on the site: `/compte/notifications`
//! (how e-mails come — at once, a daily or weekly digest, never — and in
//! which language; what they follow, each with a button to stop; their
//! subscriptions, each with a button to cancel) and a commune's
//! `/c/{insee}/abonnements` (subscribe to a whole space, a category of
//! reports or an area of the commune). The notifications service keeps
//! every choice and checks it; these pages only ask and show.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::dialogue::v1 as dg;
use miroir_proto::notifications::v1 as nt;
use miroir_proto::publications::v1 as pb;
use miroir_proto::reports::v1 as rp;
use tonic::Code;

use super::{categories, commune, plain_segment};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::i18n::Tr;
use crate::site::page::{self, Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{CommuneView, Field, form_request_id, posted};
use crate::{AppState, GatewayError, upstream};

pub const PAGE: &str = "/compte/notifications";

/// How many follows the page lists (most recent first), each with its title.
const FOLLOWS_SHOWN: i32 = 50;

/// The choices of the e-mail cadence, in the order the form offers them.
const CADENCES: &[(nt::EmailCadence, &str, &str)] = &[
    (nt::EmailCadence::Immediately, "immediately", "notif-cadence-immediately"),
    (nt::EmailCadence::Daily, "daily", "notif-cadence-daily"),
    (nt::EmailCadence::Weekly, "weekly", "notif-cadence-weekly"),
    (nt::EmailCadence::Never, "never", "notif-cadence-never"),
];

/// A followed subject as the page lists it.
#[derive(Debug, Clone)]
pub struct FollowedView {
    pub subject: String,
    pub href: String,
    pub kind_label: String,
    /// Its title, or "" when its service did not say (gone, not public, unavailable).
    pub title: String,
    pub commune: String,
    pub implicit: bool,
}

/// A feed item as the page lists it.
#[derive(Debug, Clone)]
pub struct FeedView {
    pub text: String,
    pub href: String,
    pub at: String,
    pub iso: String,
    pub unread: bool,
}

/// One of the account's e-mails as the page lists it.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub subject_line: String,
    pub href: String,
    pub state: String,
    pub state_class: &'static str,
    pub at: String,
    pub attempts: u32,
    pub last_error: String,
}

/// How many feed items and e-mails the page shows.
const FEED_SHOWN: i32 = 30;
const DELIVERIES_SHOWN: i32 = 20;

/// A subscription as the page lists it.
#[derive(Debug, Clone)]
pub struct SubscriptionView {
    pub name: String,
    pub commune: String,
    pub description: String,
}

/// The site's page of a subject, and what kind of thing it is, from its resource name.
fn subject_page(tr: &Tr, subject: &str) -> Option<(String, String, String)> {
    let mut parts = subject.strip_prefix("communes/")?.split('/');
    let (insee, collection, id) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !plain_segment(insee) || !plain_segment(id) {
        return None;
    }
    let (path, key) = match collection {
        "reports" => (format!("/c/{insee}/citoyen/signalements/{id}"), "notif-kind-report"),
        "questions" => (format!("/c/{insee}/citoyen/questions/{id}"), "notif-kind-question"),
        "proposals" => (format!("/c/{insee}/citoyen/propositions/{id}"), "notif-kind-proposal"),
        "publications" => (format!("/c/{insee}/publications/{id}"), "notif-kind-publication"),
        _ => return None,
    };
    Some((path, tr.t(key), insee.to_owned()))
}

/// The title of a subject as its service shows it to this visitor.
async fn subject_title(state: &AppState, visitor: &Visitor, subject: &str) -> Option<String> {
    let forwarded = visitor.forwarded();
    let name = subject.to_owned();
    let title = if subject.contains("/reports/") {
        let mut client = state.reports.clone();
        upstream::call(client.get_report(upstream::request(rp::GetReportRequest { name }, &forwarded)))
            .await
            .ok()?
            .title
    } else if subject.contains("/questions/") {
        let mut client = state.dialogue.clone();
        let request = upstream::request(dg::GetQuestionRequest { name }, &forwarded);
        upstream::call(client.get_question(request)).await.ok()?.title
    } else if subject.contains("/proposals/") {
        let mut client = state.dialogue.clone();
        let request = upstream::request(dg::GetProposalRequest { name }, &forwarded);
        upstream::call(client.get_proposal(request)).await.ok()?.title
    } else {
        let mut client = state.publications.clone();
        let request = upstream::request(pb::GetPublicationRequest { name }, &forwarded);
        upstream::call(client.get_publication(request)).await.ok()?.title
    };
    Some(title)
}

fn describe(tr: &Tr, s: &nt::Subscription) -> SubscriptionView {
    let commune = s.name.strip_prefix("communes/").and_then(|r| r.split('/').next()).unwrap_or_default().to_owned();
    let description = match s.kind() {
        nt::SubscriptionKind::Category => tr.t1("notif-sub-category", &s.category),
        nt::SubscriptionKind::Area => {
            let area = s.area.unwrap_or_default();
            let place = format!("{}, {}", tr.number(area.latitude, 5), tr.number(area.longitude, 5));
            tr.t1("notif-sub-area", &format!("{} m — {place}", area.radius_m))
        }
        nt::SubscriptionKind::Space => match s.space() {
            nt::Space::Citizen => tr.t("notif-sub-citizen"),
            _ => tr.t("notif-sub-official"),
        },
        nt::SubscriptionKind::Unspecified => String::new(),
    };
    SubscriptionView { name: s.name.clone(), commune, description }
}

// ---------------------------------------------------------------- /compte/notifications

#[derive(Template)]
#[template(path = "notifications.html")]
struct AccountPage {
    frame: Frame,
    notice: String,
    errors: FormErrors,
    /// (value, label, chosen)
    cadences: Vec<(&'static str, String, bool)>,
    english: bool,
    /// Staff of a commune choose whether they get their department's new reports.
    staff: bool,
    department_reports: bool,
    follows: Vec<FollowedView>,
    more_follows: bool,
    subscriptions: Vec<SubscriptionView>,
    /// The service did not answer: the page says so instead of showing empty lists.
    unavailable: bool,
    /// Where to subscribe: the visitor's communes (from their roles), or none known.
    communes: Vec<String>,
    feed: Vec<FeedView>,
    more_feed: bool,
    unread: bool,
    deliveries: Vec<DeliveryView>,
}

async fn account_page(
    state: &AppState,
    visitor: Visitor,
    status: StatusCode,
    notice: String,
    errors: FormErrors,
) -> Response {
    let Some(user) = visitor.user.clone() else {
        return redirect(visitor, &format!("/compte/connexion?suite={PAGE}"));
    };
    let forwarded = visitor.forwarded();
    let (mut a, mut b, mut c) = (state.notifications.clone(), state.notifications.clone(), state.notifications.clone());
    let found = tokio::try_join!(
        upstream::call(a.get_my_preferences(upstream::request(nt::GetMyPreferencesRequest {}, &forwarded))),
        upstream::call(b.list_my_follows(upstream::request(
            nt::ListMyFollowsRequest { page_size: FOLLOWS_SHOWN, page_token: String::new() },
            &forwarded
        ))),
        upstream::call(c.list_my_subscriptions(upstream::request(
            nt::ListMySubscriptionsRequest { parent: String::new(), page_size: 100, page_token: String::new() },
            &forwarded
        ))),
    );
    let (mut d, mut e) = (state.notifications.clone(), state.notifications.clone());
    let feed_request = nt::ListMyFeedRequest {
        page_size: FEED_SHOWN,
        page_token: String::new(),
        unread_only: false,
        language: visitor.tr.lang.code().to_owned(),
    };
    let deliveries_request = nt::ListMyDeliveriesRequest { page_size: DELIVERIES_SHOWN, page_token: String::new() };
    let (feed, deliveries) = tokio::join!(
        upstream::call(d.list_my_feed(upstream::request(feed_request, &forwarded))),
        upstream::call(e.list_my_deliveries(upstream::request(deliveries_request, &forwarded))),
    );
    let tr = &visitor.tr;
    let (feed, more_feed) = match feed {
        Ok(listed) => {
            let more = !listed.next_page_token.is_empty();
            let items = listed
                .items
                .into_iter()
                .filter(|i| !i.text.is_empty())
                .map(|i| FeedView {
                    href: if i.href.starts_with('/') { i.href } else { "/".to_owned() },
                    at: tr.datetime(i.occurred_at_us),
                    iso: tr.iso(i.occurred_at_us),
                    unread: !i.read,
                    text: i.text,
                })
                .collect::<Vec<_>>();
            (items, more)
        }
        Err(_) => (Vec::new(), false),
    };
    let deliveries = deliveries
        .map(|listed| {
            listed
                .deliveries
                .into_iter()
                .map(|d| {
                    let (state_class, key) = match d.state() {
                        nt::DeliveryState::Sent => ("sent", "notif-state-sent"),
                        nt::DeliveryState::Sending => ("sending", "notif-state-sending"),
                        nt::DeliveryState::Retry => ("retry", "notif-state-retry"),
                        nt::DeliveryState::Failed => ("failed", "notif-state-failed"),
                        nt::DeliveryState::Cancelled => ("cancelled", "notif-state-cancelled"),
                        _ => ("pending", "notif-state-pending"),
                    };
                    DeliveryView {
                        href: subject_page(tr, &d.subject).map(|(href, _, _)| href).unwrap_or_default(),
                        state: tr.t(key),
                        state_class,
                        at: tr.datetime(if d.sent_at_us > 0 { d.sent_at_us } else { d.created_at_us }),
                        attempts: d.attempts,
                        last_error: d.last_error,
                        subject_line: d.subject_line,
                    }
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let (preferences, follows, subscriptions, unavailable) = match found {
        Ok((p, f, s)) => (p, f, s, false),
        Err(GatewayError::Upstream(status)) if status.code() == Code::Unauthenticated => {
            return redirect(visitor, &format!("/compte/connexion?suite={PAGE}"));
        }
        Err(error) => {
            tracing::warn!(%error, "site: the notifications page is unavailable");
            (nt::Preferences::default(), Default::default(), Default::default(), true)
        }
    };
    let titles = futures::future::join_all(
        follows.follows.iter().map(|f| subject_title(state, &visitor, &f.subject)).collect::<Vec<_>>(),
    )
    .await;
    let follows_view = follows
        .follows
        .iter()
        .zip(titles)
        .filter_map(|(f, title)| {
            let (href, kind_label, commune) = subject_page(tr, &f.subject)?;
            Some(FollowedView {
                subject: f.subject.clone(),
                href,
                kind_label,
                title: title.unwrap_or_default(),
                commune,
                implicit: f.origin() == nt::FollowOrigin::Implicit,
            })
        })
        .collect();
    let cadence = if unavailable { nt::EmailCadence::Immediately } else { preferences.email_cadence() };
    let mut communes: Vec<String> = user.grants.iter().map(|(c, _)| c.clone()).filter(|c| plain_segment(c)).collect();
    communes.dedup();
    let page = AccountPage {
        frame: Frame::new(&visitor, tr.t("notif-title")),
        notice,
        errors,
        cadences: CADENCES.iter().map(|(value, code, key)| (*code, tr.t(key), *value == cadence)).collect(),
        english: preferences.locale == "en",
        staff: user.grants.iter().any(|(_, role)| matches!(role.as_str(), "agent" | "commune_admin")),
        department_reports: unavailable || preferences.department_reports,
        more_follows: !follows.next_page_token.is_empty(),
        follows: follows_view,
        subscriptions: subscriptions.subscriptions.iter().map(|s| describe(tr, s)).collect(),
        unavailable,
        communes,
        unread: feed.iter().any(|f| f.unread),
        feed,
        more_feed,
        deliveries,
    };
    render(visitor, status, &page)
}

/// GET `/compte/notifications`
pub async fn show(State(state): State<AppState>, visitor: Visitor, RawQuery(query): RawQuery) -> Response {
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let notice = match query.get("fait") {
        "preferences" => visitor.tr.t("notif-saved"),
        "abonnement" => visitor.tr.t("notif-subscribed"),
        "resilie" => visitor.tr.t("notif-cancelled"),
        "lu" => visitor.tr.t("notif-feed-marked"),
        _ => String::new(),
    };
    account_page(&state, visitor, StatusCode::OK, notice, FormErrors::default()).await
}

/// POST `/compte/notifications`: the preferences (`cadence`, `locale`, `department_reports`).
pub async fn save(State(state): State<AppState>, visitor: Visitor, address: ClientAddress, body: Bytes) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if visitor.user.is_none() {
        return redirect(visitor, &format!("/compte/connexion?suite={PAGE}"));
    }
    let Some((cadence, _, _)) = CADENCES.iter().find(|(_, code, _)| *code == form.get("cadence")) else {
        let mut errors = FormErrors::default();
        errors.add("cadence", visitor.tr.t("notif-invalid-cadence"));
        return account_page(&state, visitor, StatusCode::BAD_REQUEST, String::new(), errors).await;
    };
    let locale = if form.get("locale") == "en" { "en" } else { "fr" };
    let preferences = nt::Preferences {
        email_cadence: (*cadence).into(),
        locale: locale.to_owned(),
        department_reports: form.get("department_reports") == "1",
        updated_at_us: 0,
    };
    let request_id = form_request_id(&visitor.csrf, &["preferences", &format!("{preferences:?}")]);
    let message = nt::SetMyPreferencesRequest { preferences: Some(preferences), request_id };
    let mut notifications = state.notifications.clone();
    match upstream::call(notifications.set_my_preferences(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{PAGE}?fait=preferences")),
        Err(GatewayError::Upstream(status)) if status.code() == Code::InvalidArgument => {
            let renames = [("preferences.email_cadence", "cadence"), ("preferences.locale", "locale")];
            let errors = FormErrors::from_status(&visitor.tr, &status, &renames);
            account_page(&state, visitor, StatusCode::BAD_REQUEST, String::new(), errors).await
        }
        Err(error) => error_page(visitor, &error),
    }
}

/// POST `/compte/notifications/lu`: marks the whole feed read (up to now).
pub async fn mark_read(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    body: Bytes,
) -> Response {
    let (visitor, _form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if visitor.user.is_none() {
        return redirect(visitor, &format!("/compte/connexion?suite={PAGE}"));
    }
    let message = nt::MarkFeedReadRequest { ids: Vec::new(), up_to_us: miroir_platform::clock::now_us() };
    let mut notifications = state.notifications.clone();
    match upstream::call(notifications.mark_feed_read(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{PAGE}?fait=lu")),
        Err(error) => error_page(visitor, &error),
    }
}

/// POST `/compte/notifications/resilier` (`name`): cancels one of the visitor's subscriptions.
pub async fn cancel(State(state): State<AppState>, visitor: Visitor, address: ClientAddress, body: Bytes) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if visitor.user.is_none() {
        return redirect(visitor, &format!("/compte/connexion?suite={PAGE}"));
    }
    let name = form.get("name").to_owned();
    let request_id = form_request_id(&visitor.csrf, &["cancel", &name]);
    let message = nt::CancelSubscriptionRequest { name, request_id };
    let mut notifications = state.notifications.clone();
    match upstream::call(notifications.cancel_subscription(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{PAGE}?fait=resilie#abonnements")),
        Err(error) => error_page(visitor, &error),
    }
}

// ---------------------------------------------------------------- /c/{insee}/abonnements

#[derive(Template)]
#[template(path = "subscribe.html")]
struct SubscribePage {
    frame: Frame,
    commune: CommuneView,
    errors: FormErrors,
    /// Which form the errors are about ("space", "category", "area").
    error_form: String,
    /// (code, name) of the commune's current report categories.
    categories: Vec<(String, String)>,
    area_fields: Vec<Field>,
    signin_href: String,
    signed_in: bool,
}

async fn subscribe_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    status: StatusCode,
    refused: Option<(String, FormErrors, &FormData)>,
) -> Response {
    if !plain_segment(insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let (commune, found) = tokio::join!(commune(state, insee), categories(state, &visitor, insee, false));
    let commune = match commune {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let categories = found.unwrap_or_default().into_iter().map(|c| (c.code, c.name)).collect();
    let empty = FormData::default();
    let (error_form, errors, typed) = match refused {
        Some((form, errors, typed)) => (form, errors, typed),
        None => (String::new(), FormErrors::default(), &empty),
    };
    let tr = &visitor.tr;
    let area_fields = vec![
        Field::new(tr, "latitude", "notif-field-latitude", "text")
            .hint(tr, "notif-field-latitude-hint")
            .value(typed.get("latitude")),
        Field::new(tr, "longitude", "notif-field-longitude", "text").value(typed.get("longitude")),
        Field::new(tr, "radius_m", "notif-field-radius", "number")
            .hint(tr, "notif-field-radius-hint")
            .value(if typed.get("radius_m").is_empty() { "500" } else { typed.get("radius_m") }),
    ];
    let page = SubscribePage {
        frame: Frame::new(&visitor, format!("{} — {}", tr.t("notif-subscribe-title"), commune.display_name)),
        signin_href: format!("/compte/connexion?suite=/c/{insee}/abonnements"),
        signed_in: visitor.user.is_some(),
        commune,
        errors,
        error_form,
        categories,
        area_fields,
    };
    render(visitor, status, &page)
}

/// GET `/c/{insee}/abonnements`
pub async fn subscribe_form(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    subscribe_page(&state, visitor, &insee, StatusCode::OK, None).await
}

/// A number as a person types it: "48,8566" or "48.8566".
fn decimal(raw: &str) -> Option<f64> {
    raw.trim().replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite())
}

/// POST `/c/{insee}/abonnements` (`kind` = space | category | area, and that kind's fields).
pub async fn subscribe(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    if visitor.user.is_none() {
        return redirect(visitor, &format!("/compte/connexion?suite=/c/{insee}/abonnements"));
    }
    let kind = form.get("kind").to_owned();
    let tr = &visitor.tr;
    let mut errors = FormErrors::default();
    let mut subscription = nt::Subscription::default();
    match kind.as_str() {
        "space" => {
            subscription.set_kind(nt::SubscriptionKind::Space);
            subscription.set_space(if form.get("space") == "citizen" {
                nt::Space::Citizen
            } else {
                nt::Space::Official
            });
        }
        "category" => {
            subscription.set_kind(nt::SubscriptionKind::Category);
            subscription.category = form.get("category").to_owned();
        }
        "area" => {
            subscription.set_kind(nt::SubscriptionKind::Area);
            let latitude = decimal(form.get("latitude"));
            let longitude = decimal(form.get("longitude"));
            let radius = form.get("radius_m").trim().parse::<u32>().ok();
            if latitude.is_none() {
                errors.add("latitude", tr.t("notif-invalid-latitude"));
            }
            if longitude.is_none() {
                errors.add("longitude", tr.t("notif-invalid-longitude"));
            }
            if radius.is_none() {
                errors.add("radius_m", tr.t("notif-invalid-radius"));
            }
            subscription.area = Some(nt::Area {
                latitude: latitude.unwrap_or_default(),
                longitude: longitude.unwrap_or_default(),
                radius_m: radius.unwrap_or_default(),
            });
        }
        _ => return page::message(visitor, StatusCode::BAD_REQUEST, "error-title", "error-bad-form"),
    }
    if !errors.is_empty() {
        return subscribe_page(&state, visitor, &insee, StatusCode::BAD_REQUEST, Some((kind, errors, &form))).await;
    }
    let request_id = form_request_id(&visitor.csrf, &["subscribe", &insee, &format!("{subscription:?}")]);
    let message =
        nt::SubscribeRequest { parent: format!("communes/{insee}"), subscription: Some(subscription), request_id };
    let mut notifications = state.notifications.clone();
    match upstream::call(notifications.subscribe(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{PAGE}?fait=abonnement#abonnements")),
        Err(GatewayError::Upstream(status))
            if matches!(status.code(), Code::InvalidArgument | Code::ResourceExhausted | Code::FailedPrecondition) =>
        {
            let renames = [
                ("subscription.category", "category"),
                ("subscription.area.latitude", "latitude"),
                ("subscription.area.longitude", "longitude"),
                ("subscription.area.radius_m", "radius_m"),
                ("subscription.space", "space"),
                ("parent", "commune"),
            ];
            let errors = if status.code() == Code::ResourceExhausted {
                let mut errors = FormErrors::default();
                errors.summary.push(visitor.tr.t("notif-too-many-subscriptions"));
                errors
            } else {
                FormErrors::from_status(&visitor.tr, &status, &renames)
            };
            subscribe_page(&state, visitor, &insee, StatusCode::BAD_REQUEST, Some((kind, errors, &form))).await
        }
        Err(error) => error_page(visitor, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::i18n::Lang;

    #[test]
    fn a_subject_leads_to_its_page_and_nothing_else() {
        let tr = Tr::new(Lang::Fr);
        let (href, _, commune) =
            subject_page(&tr, "communes/75056/reports/0190c0de-0000-7000-8000-000000000001").expect("a report");
        assert_eq!(
            (href.as_str(), commune.as_str()),
            ("/c/75056/citoyen/signalements/0190c0de-0000-7000-8000-000000000001", "75056")
        );
        for bad in
            ["communes/75056/reports/../x", "communes/75056/comments/1", "https://evil/x", "communes/75056/reports/a/b"]
        {
            assert!(subject_page(&tr, bad).is_none(), "{bad}");
        }
        assert_eq!(decimal("48,8566"), Some(48.8566));
        assert_eq!(decimal("NaN"), None);
    }
}
