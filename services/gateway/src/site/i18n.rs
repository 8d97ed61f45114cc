//! Languages of the site: French first, English. Every text is in a Fluent
//! catalogue (`locales/<lang>.ftl`, embedded in the binary); dates and numbers
//! are formatted the way each language writes them.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().get(..2)? {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, else French.
    pub fn from_accept_language(header: &str) -> Self {
        header
            .split(',')
            .filter_map(|part| Lang::parse(part.split(';').next().unwrap_or_default()))
            .next()
            .unwrap_or(Lang::Fr)
    }

    pub fn other(self) -> Self {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static HashMap<&'static str, Arc<Bundle>> {
    static BUNDLES: OnceLock<HashMap<&'static str, Arc<Bundle>>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        [("fr", include_str!("../../locales/fr.ftl")), ("en", include_str!("../../locales/en.ftl"))]
            .into_iter()
            .map(|(code, source)| {
                let lang: unic_langid::LanguageIdentifier = code.parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![lang]);
                // Unicode isolation marks around arguments would show in plain-text places (titles).
                bundle.set_use_isolating(false);
                // The catalogues are part of the binary and checked by a test: an error here is a build defect.
                let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, _)| resource);
                let _ = bundle.add_resource(resource);
                (code, Arc::new(bundle))
            })
            .collect()
    })
}

/// The translator a page renders with.
#[derive(Clone)]
pub struct Tr {
    pub lang: Lang,
    bundle: Arc<Bundle>,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        let bundle =
            bundles().get(lang.code()).cloned().unwrap_or_else(|| Arc::new(FluentBundle::new_concurrent(vec![])));
        Self { lang, bundle }
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = self.lang.code(), "missing translation");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        self.bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }

    /// The text of `key`, if the catalogue has it.
    pub fn try_t(&self, key: &str) -> Option<String> {
        let pattern = self.bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        Some(self.bundle.format_pattern(pattern, None, &mut errors).into_owned())
    }

    /// The text of `key`.
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The text of `key` with one argument `$value`.
    pub fn t1(&self, key: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set("value", FluentValue::from(value.to_owned()));
        self.format(key, Some(&args))
    }

    /// The text of `key` with named arguments: texts (already formatted) and
    /// numbers (for plural selectors; Fluent writes them without grouping).
    pub fn args(&self, key: &str, texts: &[(&str, &str)], numbers: &[(&str, i64)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in texts {
            args.set(*name, FluentValue::from((*value).to_owned()));
        }
        for (name, value) in numbers {
            args.set(*name, FluentValue::from(*value));
        }
        self.format(key, Some(&args))
    }

    /// The text of `key` with a count `$count` (plural rules apply).
    pub fn count(&self, key: &str, count: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        self.format(key, Some(&args))
    }

    /// A date and time, as this language writes them ("21 novembre 2026 à 14 h 05"),
    /// in French legal time (Europe/Paris).
    pub fn datetime(&self, unix_us: i64) -> String {
        let Ok(utc) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_us) * 1000) else {
            return String::new();
        };
        let at = utc.to_offset(paris_offset(utc));
        let month = self.t(&format!("month-{}", u8::from(at.month())));
        match self.lang {
            Lang::Fr => format!("{} {} {} à {} h {:02}", at.day(), month, at.year(), at.hour(), at.minute()),
            Lang::En => format!("{} {} {}, {:02}:{:02}", at.day(), month, at.year(), at.hour(), at.minute()),
        }
    }

    /// A machine-readable date for `<time datetime>`.
    pub fn iso(&self, unix_us: i64) -> String {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_us) * 1000)
            .ok()
            .and_then(|at| at.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default()
    }

    /// A number with this language's separators ("1 234,5" / "1,234.5").
    pub fn number(&self, value: f64, decimals: usize) -> String {
        let text = format!("{value:.decimals$}");
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
        let (group, point) = match self.lang {
            Lang::Fr => ('\u{202f}', ','),
            Lang::En => (',', '.'),
        };
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}{point}{frac}") }
    }
}

/// Midnight in French legal time at the start of `date` (`YYYY-MM-DD`, as a
/// date input sends it), shifted by `days`, in Unix microseconds. `None` for
/// anything that is not such a date.
pub fn paris_midnight_us(date: &str, days: i64) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let date = time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    let date = date.checked_add(time::Duration::days(days))?;
    let offset = paris_offset(date.midnight().assume_utc());
    let at = date.midnight().assume_offset(offset);
    i64::try_from(at.unix_timestamp_nanos() / 1000).ok()
}

/// The offset of French legal time at `utc`: UTC+2 from the last Sunday of
/// March to the last Sunday of October (01:00 UTC, the EU rule), else UTC+1.
/// Overseas communes keep their own time; pages show metropolitan time until
/// communes carry their time zone.
pub fn paris_offset(utc: OffsetDateTime) -> time::UtcOffset {
    let last_sunday = |month: time::Month| -> Option<OffsetDateTime> {
        let first_next = time::Date::from_calendar_date(utc.year(), month.next(), 1).ok()?;
        let last = first_next.previous_day()?;
        let back = last.weekday().number_days_from_sunday();
        let day = last.checked_sub(time::Duration::days(i64::from(back)))?;
        Some(day.with_hms(1, 0, 0).ok()?.assume_utc())
    };
    let summer = match (last_sunday(time::Month::March), last_sunday(time::Month::October)) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    };
    time::UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).unwrap_or(time::UtcOffset::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_parse_and_have_the_same_keys() {
        let keys = |source: &str| -> Vec<String> {
            if let Err((_, errors)) = FluentResource::try_new(source.to_owned()) {
                panic!("catalogue does not parse: {errors:?}");
            }
            let mut keys: Vec<String> = source
                .lines()
                .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
                .collect();
            keys.sort();
            keys
        };
        let fr = keys(include_str!("../../locales/fr.ftl"));
        let en = keys(include_str!("../../locales/en.ftl"));
        let missing_en: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
        let missing_fr: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
        assert!(missing_en.is_empty() && missing_fr.is_empty(), "missing in en: {missing_en:?}; in fr: {missing_fr:?}");
    }

    #[test]
    fn dates_and_numbers_follow_the_language() {
        let winter = 1_795_300_000_000_000; // 2026-11-21T22:26:40Z, 23:26 in Paris
        assert_eq!(Tr::new(Lang::Fr).datetime(winter), "21 novembre 2026 à 23 h 26");
        assert_eq!(Tr::new(Lang::En).datetime(winter), "21 November 2026, 23:26");
        let summer = 1_784_000_000_000_000; // 2026-07-14T03:33:20Z, 05:33 in Paris
        assert_eq!(Tr::new(Lang::Fr).datetime(summer), "14 juillet 2026 à 5 h 33");
        assert_eq!(Tr::new(Lang::Fr).number(1234.5, 1), "1\u{202f}234,5");
        assert_eq!(Tr::new(Lang::En).number(-1234567.0, 0), "-1,234,567");
        assert_eq!(Tr::new(Lang::Fr).count("reports-count", 1), "1 signalement");
        assert_eq!(Tr::new(Lang::En).count("reports-count", 3), "3 reports");
    }

    #[test]
    fn dates_of_date_inputs_start_at_paris_midnight() {
        // 2026-11-21 00:00 in Paris is 2026-11-20 23:00 UTC.
        assert_eq!(paris_midnight_us("2026-11-21", 0), Some(1_795_215_600_000_000));
        // 2026-07-14 00:00 in Paris (summer time) is 2026-07-13 22:00 UTC.
        assert_eq!(paris_midnight_us("2026-07-14", 0), Some(1_783_980_000_000_000));
        assert_eq!(
            paris_midnight_us("2026-11-21", 1).zip(paris_midnight_us("2026-11-21", 0)).map(|(b, a)| b - a),
            Some(86_400_000_000)
        );
        for bad in ["", "21/11/2026", "2026-13-01", "2026-02-30", "demain"] {
            assert_eq!(paris_midnight_us(bad, 0), None, "{bad}");
        }
    }

    #[test]
    fn languages_are_negotiated() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("de-DE,de"), Lang::Fr);
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
    }
}
