//! A webhook endpoint of a commune's integration client (city IT): where the
//! commune's events are POSTed, signed (Standard Webhooks). One aggregate per
//! endpoint, in its commune. Who may act on it is the API's check (the
//! commune's administrators, or the client itself); the decider only makes
//! sure the endpoint is seen from its own commune, and by a client only if it
//! is that client's: anything else is NOT_FOUND, as if it did not exist.
//!
//! The signing secret is not here: it never enters the log (see
//! `read_model::webhooks::WithSecret`).

use std::net::IpAddr;

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::notifications::v1 as pb;

use super::{DomainError, InseeCode, invalid};

/// The aggregate type of an endpoint (id: the endpoint id, a UUIDv7).
pub const AGGREGATE: &str = "webhook_endpoint";

/// The longest URL taken (what common servers and proxies accept).
pub const MAX_URL_CHARS: usize = 2000;

/// The longest reason an administrator gives for disabling an endpoint.
pub const MAX_REASON_CHARS: usize = 500;

/// How long the previous secret still signs after a rotation.
pub const PREVIOUS_SECRET_VALIDITY_US: i64 = 24 * 3_600 * 1_000_000;

/// The widest time range one replay covers.
pub const MAX_REPLAY_RANGE_US: i64 = 31 * 24 * 3_600 * 1_000_000;

/// The webhook event types, as receivers see them in `type` (and filter on).
/// Moderation (content hidden, flagged, appealed) is nobody's webhook: it is
/// about people, for their own feed.
pub const EVENT_TYPES: &[&str] = &[
    "report.submitted",
    "report.acknowledged",
    "report.work_started",
    "report.resolved",
    "report.rejected",
    "report.merged",
    "report.reopened",
    "report.assigned",
    "question.asked",
    "question.answered",
    "question.redirected",
    "comment.posted",
    "proposal.submitted",
    "proposal.threshold_reached",
    "proposal.answered",
    "publication.published",
    "publication.amended",
    "publication.archived",
];

/// Whether an address is one a webhook may reach: a public unicast address,
/// not this machine, a private network, a link-local or shared range.
/// (Checked on URLs that name an address, and again on every address a host
/// name resolves to when sending, so that DNS cannot point inside.)
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                // shared address space (RFC 6598), benchmarking (RFC 2544), reserved (240/4)
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_ip(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // unique local (fc00::/7), link-local (fe80::/10), documentation (2001:db8::/32)
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && v6.segments()[1] == 0x0db8))
        }
    }
}

/// Whether `host` is this machine by name or address.
pub fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Where to POST: an absolute https URL of at most [`MAX_URL_CHARS`], without
/// user or password (they would travel in every request and show in
/// listings) nor fragment, to a public host. `allow_loopback` (tests, a
/// laptop) also takes http and https to 127.0.0.1, [::1] and localhost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(raw: &str, allow_loopback: bool) -> Result<Self, DomainError> {
        const FIELD: &str = "url";
        if raw.is_empty() {
            return Err(invalid(FIELD, "is required"));
        }
        if raw.chars().count() > MAX_URL_CHARS {
            return Err(invalid(FIELD, format!("must be at most {MAX_URL_CHARS} characters")));
        }
        if raw.trim() != raw {
            return Err(invalid(FIELD, "must not start or end with spaces"));
        }
        let url = url::Url::parse(raw).map_err(|e| invalid(FIELD, format!("must be an absolute URL ({e})")))?;
        let host = url.host().ok_or_else(|| invalid(FIELD, "must name a host"))?;
        let loopback = is_loopback_host(&host);
        match url.scheme() {
            "https" => {}
            "http" if allow_loopback && loopback => {}
            _ => return Err(invalid(FIELD, "must be an https URL")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(FIELD, "must not hold a user name or password (the signature authenticates)"));
        }
        if url.fragment().is_some() {
            return Err(invalid(FIELD, "must not have a fragment (#…)"));
        }
        let public = match host {
            url::Host::Domain(_) => !loopback,
            url::Host::Ipv4(ip) => is_public_ip(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => is_public_ip(IpAddr::V6(ip)),
        };
        if !(public || (allow_loopback && loopback)) {
            return Err(invalid(FIELD, "must not point to this machine or a private network"));
        }
        if url.as_str().chars().count() > MAX_URL_CHARS {
            return Err(invalid(FIELD, format!("must be at most {MAX_URL_CHARS} characters")));
        }
        Ok(Self(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which event types an endpoint receives: known webhook types, each once,
/// in order; empty means all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventTypes(Vec<String>);

impl EventTypes {
    pub fn parse(raw: &[String]) -> Result<Self, DomainError> {
        let mut types = Vec::with_capacity(raw.len());
        for t in raw {
            let t = t.trim();
            if !EVENT_TYPES.contains(&t) {
                return Err(invalid(
                    "event_types",
                    format!("unknown event type `{}`; known: {}", t.chars().take(60).collect::<String>(), {
                        EVENT_TYPES.join(", ")
                    }),
                ));
            }
            types.push(t.to_owned());
        }
        types.sort();
        types.dedup();
        Ok(Self(types))
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Whether an endpoint with `filter` (as recorded) receives `event_type`.
    pub fn matches(filter: &[String], event_type: &str) -> bool {
        filter.is_empty() || filter.iter().any(|t| t == event_type)
    }
}

/// An administrator's reason for disabling: 1 to [`MAX_REASON_CHARS`] characters.
pub fn reason(raw: &str) -> Result<String, DomainError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(invalid("reason", "is required"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(invalid("reason", format!("must be at most {MAX_REASON_CHARS} characters")));
    }
    Ok(reason.to_owned())
}

/// A replay's range, `[from_us, to_us)`: not empty, at most [`MAX_REPLAY_RANGE_US`].
pub fn replay_range(from_us: i64, to_us: i64) -> Result<(i64, i64), DomainError> {
    if from_us < 0 {
        return Err(invalid("from_us", "must be a time (Unix microseconds)"));
    }
    if to_us <= from_us {
        return Err(invalid("to_us", "must be after from_us"));
    }
    if to_us - from_us > MAX_REPLAY_RANGE_US {
        return Err(invalid("to_us", "a replay covers at most 31 days"));
    }
    Ok((from_us, to_us))
}

/// Who looks at an endpoint: from which commune, and, for an integration
/// client, which one (a client sees its own endpoints only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub commune: InseeCode,
    pub client_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Endpoint {
    /// As registered, with the URL and event types as they are now.
    pub registered: Option<pb::WebhookEndpointRegistered>,
    pub enabled: bool,
    pub disabled_reason: String,
    pub removed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Register {
        endpoint_id: String,
        commune: InseeCode,
        client_id: String,
        url: WebhookUrl,
        event_types: EventTypes,
        by: String,
        at_us: i64,
    },
    /// Replaces what is given (`None`: unchanged).
    Change {
        scope: Scope,
        url: Option<WebhookUrl>,
        event_types: Option<EventTypes>,
        by: String,
        at_us: i64,
    },
    RotateSecret {
        scope: Scope,
        by: String,
        at_us: i64,
    },
    /// `by` "" is the service itself (persistent failure).
    Disable {
        scope: Scope,
        reason: String,
        by: String,
        at_us: i64,
    },
    Enable {
        scope: Scope,
        by: String,
        at_us: i64,
    },
    Remove {
        scope: Scope,
        by: String,
        at_us: i64,
    },
    /// A range from [`replay_range`].
    Replay {
        scope: Scope,
        from_us: i64,
        to_us: i64,
        by: String,
        at_us: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Registered(pb::WebhookEndpointRegistered),
    Changed(pb::WebhookEndpointChanged),
    SecretRotated(pb::WebhookSecretRotated),
    Disabled(pb::WebhookEndpointDisabled),
    Enabled(pb::WebhookEndpointEnabled),
    Removed(pb::WebhookEndpointRemoved),
    ReplayRequested(pb::WebhookReplayRequested),
}

const NOT_FOUND: DomainError = DomainError::NotFound("webhook endpoint");

/// The endpoint as `scope` may see it: registered, not removed, in its
/// commune, and the client's own if a client asks.
fn visible<'a>(state: &'a Endpoint, scope: &Scope) -> Result<&'a pb::WebhookEndpointRegistered, DomainError> {
    match &state.registered {
        Some(r)
            if !state.removed
                && r.commune == scope.commune.as_str()
                && scope.client_id.as_ref().is_none_or(|id| *id == r.client_id) =>
        {
            Ok(r)
        }
        _ => Err(NOT_FOUND),
    }
}

pub struct WebhookEndpointDecider;

impl Decider for WebhookEndpointDecider {
    type State = Endpoint;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Endpoint, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Register { endpoint_id, commune, client_id, url, event_types, by, at_us } => {
                if state.registered.is_some() {
                    return Err(DomainError::AlreadyExists("webhook endpoint"));
                }
                if client_id.is_empty() {
                    return Err(invalid("client_id", "is required"));
                }
                Ok(vec![Event::Registered(pb::WebhookEndpointRegistered {
                    endpoint_id,
                    commune: commune.to_string(),
                    client_id,
                    url: url.0,
                    event_types: event_types.0,
                    by,
                    registered_at_us: at_us,
                })])
            }
            Command::Change { scope, url, event_types, by, at_us } => {
                let r = visible(state, &scope)?;
                let url = url.map(|u| u.0).unwrap_or_else(|| r.url.clone());
                let event_types = event_types.map(|t| t.0).unwrap_or_else(|| r.event_types.clone());
                if url == r.url && event_types == r.event_types {
                    return Ok(Vec::new());
                }
                Ok(vec![Event::Changed(pb::WebhookEndpointChanged {
                    endpoint_id: r.endpoint_id.clone(),
                    url,
                    event_types,
                    by,
                    changed_at_us: at_us,
                })])
            }
            Command::RotateSecret { scope, by, at_us } => {
                let r = visible(state, &scope)?;
                Ok(vec![Event::SecretRotated(pb::WebhookSecretRotated {
                    endpoint_id: r.endpoint_id.clone(),
                    by,
                    previous_valid_until_us: at_us.saturating_add(PREVIOUS_SECRET_VALIDITY_US),
                    rotated_at_us: at_us,
                })])
            }
            Command::Disable { scope, reason, by, at_us } => {
                let r = visible(state, &scope)?;
                if !state.enabled {
                    // Already disabled: the first reason stands.
                    return Ok(Vec::new());
                }
                Ok(vec![Event::Disabled(pb::WebhookEndpointDisabled {
                    endpoint_id: r.endpoint_id.clone(),
                    reason,
                    by,
                    disabled_at_us: at_us,
                })])
            }
            Command::Enable { scope, by, at_us } => {
                let r = visible(state, &scope)?;
                if state.enabled {
                    return Ok(Vec::new());
                }
                Ok(vec![Event::Enabled(pb::WebhookEndpointEnabled {
                    endpoint_id: r.endpoint_id.clone(),
                    by,
                    enabled_at_us: at_us,
                })])
            }
            Command::Remove { scope, by, at_us } => {
                let r = visible(state, &scope)?;
                Ok(vec![Event::Removed(pb::WebhookEndpointRemoved {
                    endpoint_id: r.endpoint_id.clone(),
                    by,
                    removed_at_us: at_us,
                })])
            }
            Command::Replay { scope, from_us, to_us, by, at_us } => {
                let r = visible(state, &scope)?;
                if !state.enabled {
                    return Err(DomainError::Precondition("enable the webhook endpoint before replaying to it"));
                }
                let (from_us, to_us) = replay_range(from_us, to_us)?;
                Ok(vec![Event::ReplayRequested(pb::WebhookReplayRequested {
                    endpoint_id: r.endpoint_id.clone(),
                    from_us,
                    to_us,
                    by,
                    requested_at_us: at_us,
                })])
            }
        }
    }

    fn evolve(mut state: Endpoint, event: &Event) -> Endpoint {
        match event {
            Event::Registered(e) => {
                state.registered = Some(e.clone());
                state.enabled = true;
            }
            Event::Changed(e) => {
                if let Some(r) = state.registered.as_mut() {
                    r.url = e.url.clone();
                    r.event_types = e.event_types.clone();
                }
            }
            Event::Disabled(e) => {
                state.enabled = false;
                state.disabled_reason = e.reason.clone();
            }
            Event::Enabled(_) => {
                state.enabled = true;
                state.disabled_reason.clear();
            }
            Event::Removed(_) => state.removed = true,
            Event::SecretRotated(_) | Event::ReplayRequested(_) => {}
        }
        state
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Registered(e) => NewEvent::from_message(e),
            Event::Changed(e) => NewEvent::from_message(e),
            Event::SecretRotated(e) => NewEvent::from_message(e),
            Event::Disabled(e) => NewEvent::from_message(e),
            Event::Enabled(e) => NewEvent::from_message(e),
            Event::Removed(e) => NewEvent::from_message(e),
            Event::ReplayRequested(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::WebhookEndpointRegistered>() {
            return e.map(|e| Some(Event::Registered(e)));
        }
        if let Some(e) = event.decode::<pb::WebhookEndpointChanged>() {
            return e.map(|e| Some(Event::Changed(e)));
        }
        if let Some(e) = event.decode::<pb::WebhookSecretRotated>() {
            return e.map(|e| Some(Event::SecretRotated(e)));
        }
        if let Some(e) = event.decode::<pb::WebhookEndpointDisabled>() {
            return e.map(|e| Some(Event::Disabled(e)));
        }
        if let Some(e) = event.decode::<pb::WebhookEndpointEnabled>() {
            return e.map(|e| Some(Event::Enabled(e)));
        }
        if let Some(e) = event.decode::<pb::WebhookEndpointRemoved>() {
            return e.map(|e| Some(Event::Removed(e)));
        }
        if let Some(e) = event.decode::<pb::WebhookReplayRequested>() {
            return e.map(|e| Some(Event::ReplayRequested(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR_US: i64 = 3_600 * 1_000_000;

    fn paris() -> InseeCode {
        InseeCode::parse("75056").expect("valid")
    }

    fn field(result: Result<impl std::fmt::Debug, DomainError>) -> &'static str {
        match result {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    fn admin() -> Scope {
        Scope { commune: paris(), client_id: None }
    }

    fn client(id: &str) -> Scope {
        Scope { commune: paris(), client_id: Some(id.into()) }
    }

    fn url(raw: &str) -> WebhookUrl {
        WebhookUrl::parse(raw, false).expect("a valid URL")
    }

    fn registered() -> Endpoint {
        let register = Command::Register {
            endpoint_id: "e1".into(),
            commune: paris(),
            client_id: "c1".into(),
            url: url("https://it.paris.fr/hooks/miroir"),
            event_types: EventTypes::parse(&["report.resolved".into()]).expect("valid"),
            by: "admin".into(),
            at_us: 10,
        };
        let events = WebhookEndpointDecider::decide(&Endpoint::default(), register).expect("registered");
        WebhookEndpointDecider::fold(&events)
    }

    fn decide(state: &Endpoint, command: Command) -> Result<Vec<Event>, DomainError> {
        WebhookEndpointDecider::decide(state, command)
    }

    #[test]
    fn urls_are_https_to_a_public_host_without_credentials() {
        for ok in [
            "https://it.paris.fr/hooks/miroir",
            "https://hooks.example.com:8443/a?b=c",
            "https://203.0.113.7.nip.io/x",
            "https://[2606:4700::1111]/x",
            "https://8.8.8.8/x",
        ] {
            assert!(WebhookUrl::parse(ok, false).is_ok(), "{ok}");
        }
        for bad in [
            "",
            " https://it.paris.fr/",
            "it.paris.fr/hooks",
            "http://it.paris.fr/hooks",
            "ftp://it.paris.fr/hooks",
            "https://user:secret@it.paris.fr/hooks",
            "https://user@it.paris.fr/hooks",
            "https://it.paris.fr/hooks#part",
            "https://localhost/hooks",
            "https://127.0.0.1/hooks",
            "https://10.1.2.3/hooks",
            "https://192.168.1.1/hooks",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/x",
            "https://[::1]/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://0.0.0.0/x",
            &format!("https://it.paris.fr/{}", "a".repeat(MAX_URL_CHARS)),
        ] {
            assert_eq!(field(WebhookUrl::parse(bad, false)), "url", "{bad}");
        }
    }

    #[test]
    fn loopback_is_taken_only_when_allowed() {
        for local in ["http://127.0.0.1:8080/hook", "http://localhost:9/x", "http://[::1]:80/x", "https://127.0.0.1/x"]
        {
            assert_eq!(field(WebhookUrl::parse(local, false)), "url", "{local}");
            assert!(WebhookUrl::parse(local, true).is_ok(), "{local}");
        }
        for still_bad in ["http://10.0.0.1/x", "http://it.paris.fr/x", "http://user:pw@127.0.0.1/x"] {
            assert_eq!(field(WebhookUrl::parse(still_bad, true)), "url", "{still_bad}");
        }
    }

    #[test]
    fn event_types_are_known_ones_each_once_in_order() {
        let types = EventTypes::parse(&["report.resolved".into(), "question.asked".into(), "report.resolved".into()]);
        assert_eq!(types.expect("valid").as_slice(), ["question.asked", "report.resolved"]);
        assert_eq!(EventTypes::parse(&[]).expect("all").as_slice(), [] as [String; 0]);
        assert_eq!(field(EventTypes::parse(&["report.deleted".into()])), "event_types");
        assert_eq!(field(EventTypes::parse(&["content.hidden".into()])), "event_types");
        assert!(EventTypes::matches(&[], "report.submitted"));
        assert!(EventTypes::matches(&["report.submitted".into()], "report.submitted"));
        assert!(!EventTypes::matches(&["report.resolved".into()], "report.submitted"));
    }

    #[test]
    fn reasons_and_replay_ranges_are_bounded() {
        assert_eq!(reason("  maintenance  "), Ok("maintenance".to_owned()));
        assert_eq!(field(reason("   ")), "reason");
        assert_eq!(field(reason(&"x".repeat(MAX_REASON_CHARS + 1))), "reason");
        assert_eq!(replay_range(10, 20), Ok((10, 20)));
        assert_eq!(field(replay_range(20, 20)), "to_us");
        assert_eq!(field(replay_range(-1, 20)), "from_us");
        assert_eq!(field(replay_range(0, MAX_REPLAY_RANGE_US + 1)), "to_us");
    }

    #[test]
    fn public_addresses_are_told_from_inner_ones() {
        for public in ["8.8.8.8", "203.0.114.1", "2606:4700::1111"] {
            assert!(is_public_ip(public.parse().expect("ip")), "{public}");
        }
        for inner in ["127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.1.1", "::1", "fd12::1", "fe80::1"]
        {
            assert!(!is_public_ip(inner.parse().expect("ip")), "{inner}");
        }
    }

    #[test]
    fn an_endpoint_is_registered_once_enabled_for_its_client() {
        let state = registered();
        let r = state.registered.as_ref().expect("registered");
        assert!(state.enabled);
        assert_eq!((r.commune.as_str(), r.client_id.as_str()), ("75056", "c1"));
        assert_eq!(r.event_types, ["report.resolved"]);
        let again = Command::Register {
            endpoint_id: "e1".into(),
            commune: paris(),
            client_id: "c1".into(),
            url: url("https://it.paris.fr/other"),
            event_types: EventTypes::default(),
            by: "admin".into(),
            at_us: 11,
        };
        assert_eq!(decide(&state, again), Err(DomainError::AlreadyExists("webhook endpoint")));
    }

    #[test]
    fn another_commune_or_another_client_does_not_see_it() {
        let state = registered();
        let lyon = Scope { commune: InseeCode::parse("69123").expect("valid"), client_id: None };
        for scope in [lyon, client("c2")] {
            let commands = [
                Command::RotateSecret { scope: scope.clone(), by: "x".into(), at_us: 20 },
                Command::Disable { scope: scope.clone(), reason: "r".into(), by: "x".into(), at_us: 20 },
                Command::Remove { scope: scope.clone(), by: "x".into(), at_us: 20 },
                Command::Change { scope: scope.clone(), url: None, event_types: None, by: "x".into(), at_us: 20 },
                Command::Replay { scope: scope.clone(), from_us: 0, to_us: 5, by: "x".into(), at_us: 20 },
            ];
            for command in commands {
                assert_eq!(decide(&state, command), Err(NOT_FOUND));
            }
        }
        assert!(
            decide(&state, Command::RotateSecret { scope: client("c1"), by: "client:c1".into(), at_us: 20 }).is_ok()
        );
        assert!(decide(&state, Command::RotateSecret { scope: admin(), by: "admin".into(), at_us: 20 }).is_ok());
    }

    #[test]
    fn a_change_records_the_whole_new_state_or_nothing() {
        let state = registered();
        let same = Command::Change {
            scope: admin(),
            url: Some(url("https://it.paris.fr/hooks/miroir")),
            event_types: None,
            by: "admin".into(),
            at_us: 20,
        };
        assert_eq!(decide(&state, same), Ok(Vec::new()));
        let new_url = Command::Change {
            scope: admin(),
            url: Some(url("https://it.paris.fr/v2")),
            event_types: None,
            by: "a".into(),
            at_us: 20,
        };
        let events = decide(&state, new_url).expect("changed");
        let [Event::Changed(e)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(
            (e.url.as_str(), e.event_types.as_slice()),
            ("https://it.paris.fr/v2", &["report.resolved".to_owned()][..])
        );
        let state = events.iter().fold(state, WebhookEndpointDecider::evolve);
        assert_eq!(state.registered.as_ref().map(|r| r.url.as_str()), Some("https://it.paris.fr/v2"));
    }

    #[test]
    fn a_rotation_keeps_the_previous_secret_for_a_day() {
        let events = decide(&registered(), Command::RotateSecret { scope: admin(), by: "a".into(), at_us: 100 });
        let events = events.expect("rotated");
        let [Event::SecretRotated(e)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!((e.rotated_at_us, e.previous_valid_until_us), (100, 100 + 24 * HOUR_US));
    }

    #[test]
    fn disabling_keeps_the_first_reason_and_enabling_clears_it() {
        let disable = |reason: &str, by: &str| Command::Disable {
            scope: admin(),
            reason: reason.into(),
            by: by.into(),
            at_us: 30,
        };
        let events = decide(&registered(), disable("no 2xx since 2026-01-01; last: HTTP 500", "")).expect("disabled");
        let [Event::Disabled(e)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(e.by, "", "the service disabled it");
        let state = events.iter().fold(registered(), WebhookEndpointDecider::evolve);
        assert!(!state.enabled);
        assert_eq!(decide(&state, disable("maintenance", "admin")), Ok(Vec::new()));
        let replay = Command::Replay { scope: admin(), from_us: 0, to_us: 10, by: "a".into(), at_us: 40 };
        assert!(matches!(decide(&state, replay.clone()), Err(DomainError::Precondition(_))));

        let events = decide(&state, Command::Enable { scope: client("c1"), by: "client:c1".into(), at_us: 50 });
        let state = events.expect("enabled").iter().fold(state, WebhookEndpointDecider::evolve);
        assert!(state.enabled && state.disabled_reason.is_empty());
        assert_eq!(decide(&state, Command::Enable { scope: admin(), by: "a".into(), at_us: 60 }), Ok(Vec::new()));
        let events = decide(&state, replay).expect("replay");
        assert!(matches!(events.as_slice(), [Event::ReplayRequested(e)] if (e.from_us, e.to_us) == (0, 10)));
    }

    #[test]
    fn a_removed_endpoint_is_gone_for_everyone() {
        let events = decide(&registered(), Command::Remove { scope: admin(), by: "a".into(), at_us: 70 });
        let state = events.expect("removed").iter().fold(registered(), WebhookEndpointDecider::evolve);
        assert_eq!(decide(&state, Command::Remove { scope: admin(), by: "a".into(), at_us: 80 }), Err(NOT_FOUND));
        assert_eq!(decide(&state, Command::Enable { scope: admin(), by: "a".into(), at_us: 80 }), Err(NOT_FOUND));
    }
}
