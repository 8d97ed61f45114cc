//! How an account wants to hear: e-mail cadence, language, and (for staff)
//! whether to hear about their department's new reports. One aggregate per
//! account; an account that never set its own has [`Preferences::default`].

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::notifications::v1 as pb;

use super::{DomainError, invalid};

/// The aggregate type of an account's preferences (id: the account id).
pub const AGGREGATE: &str = "preferences";

/// When e-mail goes out; the in-app feed is filled whatever the cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmailCadence {
    #[default]
    Immediately,
    Daily,
    Weekly,
    Never,
}

impl EmailCadence {
    pub const ALL: [EmailCadence; 4] =
        [EmailCadence::Immediately, EmailCadence::Daily, EmailCadence::Weekly, EmailCadence::Never];

    pub fn from_proto(raw: i32) -> Result<Self, DomainError> {
        match pb::EmailCadence::try_from(raw) {
            Ok(pb::EmailCadence::Immediately) => Ok(EmailCadence::Immediately),
            Ok(pb::EmailCadence::Daily) => Ok(EmailCadence::Daily),
            Ok(pb::EmailCadence::Weekly) => Ok(EmailCadence::Weekly),
            Ok(pb::EmailCadence::Never) => Ok(EmailCadence::Never),
            _ => Err(invalid("email_cadence", "must be immediately, daily, weekly or never")),
        }
    }

    pub fn to_proto(self) -> pb::EmailCadence {
        match self {
            EmailCadence::Immediately => pb::EmailCadence::Immediately,
            EmailCadence::Daily => pb::EmailCadence::Daily,
            EmailCadence::Weekly => pb::EmailCadence::Weekly,
            EmailCadence::Never => pb::EmailCadence::Never,
        }
    }

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailCadence::Immediately => "immediately",
            EmailCadence::Daily => "daily",
            EmailCadence::Weekly => "weekly",
            EmailCadence::Never => "never",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == stored)
    }
}

/// The language of an account's messages: French first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Fr,
    En,
}

impl Locale {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "fr" => Ok(Locale::Fr),
            "en" => Ok(Locale::En),
            _ => Err(invalid("locale", "must be fr or en")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferences {
    pub email_cadence: EmailCadence,
    pub locale: Locale,
    pub department_reports: bool,
}

impl Default for Preferences {
    /// E-mail at once, in French, and staff hear of their department's new reports.
    fn default() -> Self {
        Self { email_cadence: EmailCadence::Immediately, locale: Locale::Fr, department_reports: true }
    }
}

/// Who changed them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Account,
    OneClick,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    pub preferences: Preferences,
    /// 0 while the defaults apply.
    pub updated_at_us: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Set { account_id: String, preferences: Preferences, source: Source, at_us: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Set(pb::PreferencesSet),
}

pub struct PreferencesDecider;

impl Decider for PreferencesDecider {
    type State = State;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &State, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Set { preferences, .. } if preferences == state.preferences => Ok(Vec::new()),
            Command::Set { account_id, preferences, source, at_us } => Ok(vec![Event::Set(pb::PreferencesSet {
                account_id,
                email_cadence: preferences.email_cadence.to_proto().into(),
                locale: preferences.locale.as_str().to_owned(),
                department_reports: preferences.department_reports,
                source: match source {
                    Source::Account => pb::PreferencesSource::Account,
                    Source::OneClick => pb::PreferencesSource::OneClick,
                }
                .into(),
                set_at_us: at_us,
            })]),
        }
    }

    fn evolve(_: State, event: &Event) -> State {
        match event {
            Event::Set(e) => State { preferences: recorded(e), updated_at_us: e.set_at_us },
        }
    }
}

/// The preferences an event recorded (it was validated when decided).
pub fn recorded(event: &pb::PreferencesSet) -> Preferences {
    let defaults = Preferences::default();
    Preferences {
        email_cadence: EmailCadence::from_proto(event.email_cadence).unwrap_or(defaults.email_cadence),
        locale: Locale::parse(&event.locale).unwrap_or(defaults.locale),
        department_reports: event.department_reports,
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Set(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::PreferencesSet>() {
            return e.map(|e| Some(Event::Set(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(preferences: Preferences, at_us: i64) -> Command {
        Command::Set { account_id: "a".into(), preferences, source: Source::Account, at_us }
    }

    #[test]
    fn cadences_and_locales_are_the_known_ones() {
        for cadence in EmailCadence::ALL {
            assert_eq!(EmailCadence::from_proto(cadence.to_proto().into()), Ok(cadence));
            assert_eq!(EmailCadence::parse(cadence.as_str()), Some(cadence));
        }
        for raw in [pb::EmailCadence::Unspecified as i32, 9] {
            assert!(matches!(EmailCadence::from_proto(raw), Err(DomainError::Invalid { field: "email_cadence", .. })));
        }
        assert_eq!((Locale::parse("fr"), Locale::parse("en")), (Ok(Locale::Fr), Ok(Locale::En)));
        for raw in ["", "FR", "de", "fr-FR"] {
            assert!(matches!(Locale::parse(raw), Err(DomainError::Invalid { field: "locale", .. })), "{raw}");
        }
    }

    #[test]
    fn setting_the_defaults_or_the_same_again_records_nothing() {
        assert_eq!(PreferencesDecider::decide(&State::default(), set(Preferences::default(), 10)), Ok(Vec::new()));
        let weekly = Preferences { email_cadence: EmailCadence::Weekly, locale: Locale::En, department_reports: false };
        let events = PreferencesDecider::decide(&State::default(), set(weekly, 10)).expect("set");
        let [Event::Set(e)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(
            (e.email_cadence(), e.locale.as_str(), e.department_reports),
            (pb::EmailCadence::Weekly, "en", false)
        );
        assert_eq!(e.source(), pb::PreferencesSource::Account);
        let state = PreferencesDecider::fold(&events);
        assert_eq!(state, State { preferences: weekly, updated_at_us: 10 });
        assert_eq!(PreferencesDecider::decide(&state, set(weekly, 20)), Ok(Vec::new()));
        let back = PreferencesDecider::decide(&state, set(Preferences::default(), 30)).expect("back to defaults");
        assert_eq!(back.len(), 1, "the defaults, once changed, are a choice to record");
    }
}
