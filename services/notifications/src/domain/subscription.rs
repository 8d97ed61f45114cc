//! Subscribing to what happens in a commune: the new reports of a category,
//! what happens within a radius of a point, or a whole space. One aggregate
//! per subscription, owned by the account that made it.

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::notifications::v1 as pb;

use super::{DomainError, InseeCode, invalid};

/// The aggregate type of one subscription (id: the subscription id, a UUIDv7).
pub const AGGREGATE: &str = "subscription";

/// The largest area: a neighbourhood, not a department (every event in it is
/// checked against every area subscription of its commune).
pub const MAX_RADIUS_M: u32 = 5000;

/// A report category's code, as the reports service defines them: 1..64 of
/// `a-z`, `0-9`, `_` and `-`. Whether the commune has it is not checked: a
/// category defined later is fine to wait for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryCode(String);

impl CategoryCode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let valid = (1..=64).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !valid {
            return Err(invalid("category", "must be a category code: 1 to 64 of a-z, 0-9, _ and -"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Degrees as stored: integer microdegrees (about 11 cm), the same on both backends.
pub fn microdegrees(degrees: f64) -> i64 {
    (degrees * 1e6).round() as i64
}

/// A point (WGS 84 degrees, kept to the microdegree, as stored) and a radius
/// of 1 to [`MAX_RADIUS_M`] metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    latitude: f64,
    longitude: f64,
    radius_m: u32,
}

impl Area {
    pub fn parse(latitude: f64, longitude: f64, radius_m: u32) -> Result<Self, DomainError> {
        if !latitude.is_finite() || !(-90.0..=90.0).contains(&latitude) {
            return Err(invalid("area.latitude", "must be a number between -90 and 90"));
        }
        if !longitude.is_finite() || !(-180.0..=180.0).contains(&longitude) {
            return Err(invalid("area.longitude", "must be a number between -180 and 180"));
        }
        if !(1..=MAX_RADIUS_M).contains(&radius_m) {
            return Err(invalid("area.radius_m", format!("must be 1 to {MAX_RADIUS_M} metres")));
        }
        // Rounded now, so that what is recorded is what the tables give back.
        let stored = |degrees: f64| microdegrees(degrees) as f64 / 1e6;
        Ok(Self { latitude: stored(latitude), longitude: stored(longitude), radius_m })
    }

    pub fn latitude(&self) -> f64 {
        self.latitude
    }

    pub fn longitude(&self) -> f64 {
        self.longitude
    }

    pub fn radius_m(&self) -> u32 {
        self.radius_m
    }
}

/// A commune's two spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Official,
    Citizen,
}

impl Space {
    pub fn from_proto(raw: i32) -> Result<Self, DomainError> {
        match pb::Space::try_from(raw) {
            Ok(pb::Space::Official) => Ok(Space::Official),
            Ok(pb::Space::Citizen) => Ok(Space::Citizen),
            _ => Err(invalid("space", "must be the official or the citizen space")),
        }
    }

    pub fn to_proto(self) -> pb::Space {
        match self {
            Space::Official => pb::Space::Official,
            Space::Citizen => pb::Space::Citizen,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Space::Official => "official",
            Space::Citizen => "citizen",
        }
    }
}

/// What one subscription covers.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Category(CategoryCode),
    Area(Area),
    Space(Space),
}

impl Target {
    pub fn kind(&self) -> pb::SubscriptionKind {
        match self {
            Target::Category(_) => pb::SubscriptionKind::Category,
            Target::Area(_) => pb::SubscriptionKind::Area,
            Target::Space(_) => pb::SubscriptionKind::Space,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subscription {
    pub subscribed: Option<pb::Subscribed>,
    pub cancelled: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Subscribe {
        subscription_id: String,
        account_id: String,
        commune: InseeCode,
        target: Target,
        at_us: i64,
    },
    /// By `account_id`, naming the subscription under `commune`.
    Cancel {
        account_id: String,
        commune: InseeCode,
        at_us: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Subscribed(pb::Subscribed),
    Cancelled(pb::SubscriptionCancelled),
}

pub struct SubscriptionDecider;

impl Decider for SubscriptionDecider {
    type State = Subscription;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Subscription, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Subscribe { subscription_id, account_id, commune, target, at_us } => {
                if state.subscribed.is_some() {
                    return Err(DomainError::AlreadyExists("subscription"));
                }
                let mut event = pb::Subscribed {
                    subscription_id,
                    account_id,
                    commune: commune.to_string(),
                    kind: target.kind().into(),
                    subscribed_at_us: at_us,
                    ..Default::default()
                };
                match target {
                    Target::Category(code) => event.category = code.0,
                    Target::Area(area) => {
                        (event.latitude, event.longitude, event.radius_m) =
                            (area.latitude, area.longitude, area.radius_m);
                    }
                    Target::Space(space) => event.space = space.to_proto().into(),
                }
                Ok(vec![Event::Subscribed(event)])
            }
            Command::Cancel { account_id, commune, at_us } => match &state.subscribed {
                Some(s) if s.account_id == account_id && s.commune == commune.as_str() => {
                    if state.cancelled {
                        return Ok(Vec::new());
                    }
                    Ok(vec![Event::Cancelled(pb::SubscriptionCancelled {
                        subscription_id: s.subscription_id.clone(),
                        account_id,
                        commune: commune.to_string(),
                        cancelled_at_us: at_us,
                    })])
                }
                _ => Err(DomainError::NotFound("subscription")),
            },
        }
    }

    fn evolve(state: Subscription, event: &Event) -> Subscription {
        match event {
            Event::Subscribed(e) => Subscription { subscribed: Some(e.clone()), cancelled: false },
            Event::Cancelled(_) => Subscription { cancelled: true, ..state },
        }
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Subscribed(e) => NewEvent::from_message(e),
            Event::Cancelled(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::Subscribed>() {
            return e.map(|e| Some(Event::Subscribed(e)));
        }
        if let Some(e) = event.decode::<pb::SubscriptionCancelled>() {
            return e.map(|e| Some(Event::Cancelled(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> InseeCode {
        InseeCode::parse("75056").expect("valid")
    }

    fn field(result: Result<impl std::fmt::Debug, DomainError>) -> &'static str {
        match result {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn category_codes_are_short_lowercase_codes() {
        for code in ["voirie", "eclairage-public", "dechets_2", &"a".repeat(64)] {
            assert_eq!(CategoryCode::parse(code).map(|c| c.as_str().to_owned()), Ok(code.to_owned()));
        }
        for code in ["", "Voirie", "voirie publique", "é", &"a".repeat(65)] {
            assert_eq!(field(CategoryCode::parse(code)), "category", "{code}");
        }
    }

    #[test]
    fn areas_are_on_earth_and_at_most_five_kilometres_wide() {
        let area = Area::parse(48.8566, 2.3522, 300).expect("Paris");
        assert_eq!((area.latitude(), area.longitude(), area.radius_m()), (48.8566, 2.3522, 300));
        assert!(Area::parse(-90.0, 180.0, MAX_RADIUS_M).is_ok());
        assert_eq!(
            Area::parse(48.85661234, 2.35219876, 300).map(|a| (a.latitude(), a.longitude())),
            Ok((48.856612, 2.352199))
        );
        assert!(Area::parse(90.0, -180.0, 1).is_ok());
        assert_eq!(field(Area::parse(90.5, 2.0, 300)), "area.latitude");
        assert_eq!(field(Area::parse(f64::NAN, 2.0, 300)), "area.latitude");
        assert_eq!(field(Area::parse(48.0, -180.1, 300)), "area.longitude");
        assert_eq!(field(Area::parse(48.0, f64::INFINITY, 300)), "area.longitude");
        assert_eq!(field(Area::parse(48.0, 2.0, 0)), "area.radius_m");
        assert_eq!(field(Area::parse(48.0, 2.0, MAX_RADIUS_M + 1)), "area.radius_m");
    }

    #[test]
    fn a_space_is_official_or_citizen() {
        assert_eq!(Space::from_proto(pb::Space::Official.into()), Ok(Space::Official));
        assert_eq!(Space::from_proto(pb::Space::Citizen.into()), Ok(Space::Citizen));
        assert_eq!(field(Space::from_proto(pb::Space::Unspecified.into())), "space");
        assert_eq!(field(Space::from_proto(42)), "space");
    }

    fn subscribe(target: Target) -> Command {
        Command::Subscribe { subscription_id: "s1".into(), account_id: "a".into(), commune: paris(), target, at_us: 10 }
    }

    #[test]
    fn a_subscription_records_only_its_kind_s_field() {
        let area = Area::parse(48.85, 2.35, 500).expect("valid");
        let events = SubscriptionDecider::decide(&Subscription::default(), subscribe(Target::Area(area))).expect("ok");
        let [Event::Subscribed(e)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!((e.kind(), e.latitude, e.longitude, e.radius_m), (pb::SubscriptionKind::Area, 48.85, 2.35, 500));
        assert_eq!((e.category.as_str(), e.space()), ("", pb::Space::Unspecified));
        let state = SubscriptionDecider::fold(&events);
        let again = SubscriptionDecider::decide(&state, subscribe(Target::Space(Space::Citizen)));
        assert_eq!(again, Err(DomainError::AlreadyExists("subscription")));

        let category = CategoryCode::parse("voirie").expect("valid");
        let events = SubscriptionDecider::decide(&Subscription::default(), subscribe(Target::Category(category)));
        let events = events.expect("ok");
        let [Event::Subscribed(e)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!((e.kind(), e.category.as_str(), e.radius_m), (pb::SubscriptionKind::Category, "voirie", 0));
    }

    #[test]
    fn only_its_owner_cancels_it_under_its_commune_once() {
        let events = SubscriptionDecider::decide(&Subscription::default(), subscribe(Target::Space(Space::Official)));
        let state = SubscriptionDecider::fold(&events.expect("ok"));
        let cancel = |account_id: &str, commune: &str| Command::Cancel {
            account_id: account_id.into(),
            commune: InseeCode::parse(commune).expect("valid"),
            at_us: 20,
        };
        let not_found = Err(DomainError::NotFound("subscription"));
        assert_eq!(SubscriptionDecider::decide(&state, cancel("b", "75056")), not_found);
        assert_eq!(SubscriptionDecider::decide(&state, cancel("a", "69123")), not_found);
        assert_eq!(SubscriptionDecider::decide(&Subscription::default(), cancel("a", "75056")), not_found);
        let events = SubscriptionDecider::decide(&state, cancel("a", "75056")).expect("cancel");
        assert!(matches!(events.as_slice(), [Event::Cancelled(e)] if e.subscription_id == "s1"));
        let state = events.iter().fold(state, SubscriptionDecider::evolve);
        assert!(state.cancelled);
        assert_eq!(SubscriptionDecider::decide(&state, cancel("a", "75056")), Ok(Vec::new()));
        assert_eq!(SubscriptionDecider::decide(&state, cancel("b", "75056")), not_found);
    }
}
