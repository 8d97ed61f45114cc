//! Digest periods: the UTC day ("2026-12-07") or ISO week ("2026-W49") an
//! event belongs to, and when a period's digest is due (06:00 UTC the next
//! day; 06:00 UTC on the Monday after the week). Pure functions: the time
//! comes in, nothing here reads a clock.
//!
//! Both forms sort as text in time order (a four-digit year first, then
//! zero-padded numbers; an ISO week's year is the year of its Thursday), so
//! "every period due at `now`" is `period <= last_due(now)` in SQL.
//! Times are clamped to years 1970–9999 to keep four digits.

use time::{Date, Month, OffsetDateTime, Weekday};

use crate::domain::preferences::EmailCadence;

const HOUR_US: i64 = 3_600_000_000;
const DAY_US: i64 = 24 * HOUR_US;
/// 9999-12-31T23:59:59.999999Z.
const LAST_US: i64 = 253_402_300_799_999_999;

/// A digest is due this long after its period's end: people read their
/// morning mail, and late events of the period have had the night to come in.
pub const DUE_AFTER_END_US: i64 = 6 * HOUR_US;

/// The cadences that make digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cadence {
    Daily,
    Weekly,
}

impl Cadence {
    pub const ALL: [Cadence; 2] = [Cadence::Daily, Cadence::Weekly];

    /// The digest cadence of an account's e-mail cadence (none for
    /// `immediately` and `never`).
    pub fn of(cadence: EmailCadence) -> Option<Self> {
        match cadence {
            EmailCadence::Daily => Some(Cadence::Daily),
            EmailCadence::Weekly => Some(Cadence::Weekly),
            EmailCadence::Immediately | EmailCadence::Never => None,
        }
    }

    /// The stored form (`digest_entries.cadence`), the same words as [`EmailCadence`]'s.
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Daily => "daily",
            Cadence::Weekly => "weekly",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == stored)
    }

    /// The event type of its digests (`deliveries.event_type`).
    pub fn event_type(self) -> &'static str {
        match self {
            Cadence::Daily => "digest_daily",
            Cadence::Weekly => "digest_weekly",
        }
    }

    /// The cadence of a digest's event type.
    pub fn from_event_type(event_type: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.event_type() == event_type)
    }

    /// How long one period lasts.
    fn length_us(self) -> i64 {
        match self {
            Cadence::Daily => DAY_US,
            Cadence::Weekly => 7 * DAY_US,
        }
    }
}

fn date_of(at_us: i64) -> Date {
    let at_ns = i128::from(at_us.clamp(0, LAST_US)) * 1_000;
    OffsetDateTime::from_unix_timestamp_nanos(at_ns).unwrap_or(OffsetDateTime::UNIX_EPOCH).date()
}

/// A date as "YYYY-MM-DD".
pub fn iso_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// The period of an event that happened at `at_us` (Unix microseconds).
pub fn period_of(cadence: Cadence, at_us: i64) -> String {
    let date = date_of(at_us);
    match cadence {
        Cadence::Daily => iso_date(date),
        Cadence::Weekly => {
            let (year, week, _) = date.to_iso_week_date();
            format!("{year:04}-W{week:02}")
        }
    }
}

/// The latest period whose digest is due at `now_us`: every period up to it
/// (as text, `<=`) is over and past its due time. A period is due once
/// `now >= start + length + 6 h`, that is once `now - length - 6 h` falls in
/// it or after it.
pub fn last_due(cadence: Cadence, now_us: i64) -> String {
    period_of(cadence, now_us.saturating_sub(cadence.length_us() + DUE_AFTER_END_US))
}

/// The first and last day of a period; `None` if it is not one.
pub fn days(cadence: Cadence, period: &str) -> Option<(Date, Date)> {
    let first = match cadence {
        Cadence::Daily => {
            let mut parts = period.splitn(3, '-');
            let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
            if year.len() != 4 || month.len() != 2 || day.len() != 2 {
                return None;
            }
            let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
            Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()?
        }
        Cadence::Weekly => {
            let (year, week) = period.split_once("-W")?;
            if year.len() != 4 || week.len() != 2 {
                return None;
            }
            Date::from_iso_week_date(year.parse().ok()?, week.parse().ok()?, Weekday::Monday).ok()?
        }
    };
    let last = match cadence {
        Cadence::Daily => first,
        Cadence::Weekly => first.checked_add(time::Duration::days(6))?,
    };
    Some((first, last))
}

/// When a period's digest is due (Unix microseconds); `None` if it is not a period.
pub fn due_at_us(cadence: Cadence, period: &str) -> Option<i64> {
    let (first, _) = days(cadence, period)?;
    let start_us = i64::try_from(first.midnight().assume_utc().unix_timestamp_nanos() / 1_000).ok()?;
    Some(start_us + cadence.length_us() + DUE_AFTER_END_US)
}

/// `at_us` as an RFC 3339 UTC time to the second ("2026-12-07T10:30:00Z"):
/// what a digest's items say of when they happened.
pub fn rfc3339(at_us: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp(at_us.clamp(0, LAST_US).div_euclid(1_000_000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!("{}T{:02}:{:02}:{:02}Z", iso_date(at.date()), at.hour(), at.minute(), at.second())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unix microseconds of a UTC time, computed without the code under test.
    fn at(date: &str, hour: i64, minute: i64) -> i64 {
        let mut parts = date.split('-').map(|p| p.parse::<i64>().expect("number"));
        let (y, m, d) = (parts.next().expect("y"), parts.next().expect("m"), parts.next().expect("d"));
        // Days from civil (H. Hinnant's algorithm).
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * DAY_US + hour * HOUR_US + minute * 60_000_000
    }

    #[test]
    fn an_event_belongs_to_its_utc_day() {
        assert_eq!(period_of(Cadence::Daily, at("2026-12-07", 0, 0)), "2026-12-07");
        assert_eq!(period_of(Cadence::Daily, at("2026-12-07", 23, 59) + 59_999_999), "2026-12-07");
        assert_eq!(period_of(Cadence::Daily, at("2026-12-08", 0, 0)), "2026-12-08");
        assert_eq!(period_of(Cadence::Daily, at("2028-02-29", 12, 0)), "2028-02-29");
        assert_eq!(period_of(Cadence::Daily, 0), "1970-01-01");
        assert_eq!(period_of(Cadence::Daily, -5), "1970-01-01", "clamped");
        assert_eq!(period_of(Cadence::Daily, i64::MAX), "9999-12-31", "clamped");
    }

    #[test]
    fn an_event_belongs_to_its_iso_week() {
        // Monday 30 November 2026 to Sunday 6 December 2026 is week 49.
        assert_eq!(period_of(Cadence::Weekly, at("2026-11-30", 0, 0)), "2026-W49");
        assert_eq!(period_of(Cadence::Weekly, at("2026-12-06", 23, 59)), "2026-W49");
        assert_eq!(period_of(Cadence::Weekly, at("2026-12-07", 0, 0)), "2026-W50");
        // The week's year is its Thursday's: the first days of a January can
        // be in last year's week 53, the last days of a December in next year's week 1.
        assert_eq!(period_of(Cadence::Weekly, at("2026-01-01", 9, 0)), "2026-W01");
        assert_eq!(period_of(Cadence::Weekly, at("2027-01-01", 9, 0)), "2026-W53");
        assert_eq!(period_of(Cadence::Weekly, at("2021-01-03", 9, 0)), "2020-W53");
        assert_eq!(period_of(Cadence::Weekly, at("2024-12-30", 9, 0)), "2025-W01");
        assert_eq!(period_of(Cadence::Weekly, at("2026-03-02", 9, 0)), "2026-W10");
    }

    #[test]
    fn a_day_is_due_at_six_the_next_morning() {
        let due = at("2026-12-08", 6, 0);
        assert_eq!(due_at_us(Cadence::Daily, "2026-12-07"), Some(due));
        assert_eq!(last_due(Cadence::Daily, due - 1), "2026-12-06");
        assert_eq!(last_due(Cadence::Daily, due), "2026-12-07");
        assert_eq!(last_due(Cadence::Daily, at("2026-12-09", 5, 59)), "2026-12-07");
        assert_eq!(last_due(Cadence::Daily, at("2026-12-09", 6, 0)), "2026-12-08");
        // Across a year.
        assert_eq!(due_at_us(Cadence::Daily, "2026-12-31"), Some(at("2027-01-01", 6, 0)));
    }

    #[test]
    fn a_week_is_due_at_six_on_the_monday_after() {
        let due = at("2026-12-07", 6, 0);
        assert_eq!(due_at_us(Cadence::Weekly, "2026-W49"), Some(due));
        assert_eq!(last_due(Cadence::Weekly, due - 1), "2026-W48");
        assert_eq!(last_due(Cadence::Weekly, due), "2026-W49");
        assert_eq!(last_due(Cadence::Weekly, at("2026-12-13", 23, 0)), "2026-W49", "all week long");
        assert_eq!(last_due(Cadence::Weekly, at("2026-12-14", 6, 0)), "2026-W50");
        assert_eq!(due_at_us(Cadence::Weekly, "2026-W53"), Some(at("2027-01-04", 6, 0)));
        assert_eq!(last_due(Cadence::Weekly, at("2027-01-04", 6, 0)), "2026-W53");
    }

    #[test]
    fn periods_sort_as_text_in_time_order() {
        let mut daily = Vec::new();
        let mut weekly = Vec::new();
        let start = at("2026-12-20", 12, 0);
        for day in 0..30 {
            daily.push(period_of(Cadence::Daily, start + day * DAY_US));
            weekly.push(period_of(Cadence::Weekly, start + day * DAY_US));
        }
        for periods in [daily, weekly] {
            let mut sorted = periods.clone();
            sorted.sort();
            assert_eq!(sorted, periods);
        }
    }

    #[test]
    fn a_period_spans_its_days() {
        let day = |s: &str| days(Cadence::Daily, s).map(|(first, last)| (iso_date(first), iso_date(last)));
        let week = |s: &str| days(Cadence::Weekly, s).map(|(first, last)| (iso_date(first), iso_date(last)));
        assert_eq!(day("2026-12-07"), Some(("2026-12-07".into(), "2026-12-07".into())));
        assert_eq!(week("2026-W49"), Some(("2026-11-30".into(), "2026-12-06".into())));
        assert_eq!(week("2026-W53"), Some(("2026-12-28".into(), "2027-01-03".into())));
        for wrong in ["", "2026-13-01", "2026-02-30", "2026-2-01", "26-12-07", "2026-W49", "x"] {
            assert_eq!(day(wrong), None, "{wrong}");
        }
        for wrong in ["", "2026-W54", "2025-W53", "2026-W1", "2026-12-07", "2026W49"] {
            assert_eq!(week(wrong), None, "{wrong}");
        }
        assert_eq!(due_at_us(Cadence::Weekly, "nope"), None);
    }

    #[test]
    fn cadences_are_stored_and_named() {
        for cadence in Cadence::ALL {
            assert_eq!(Cadence::parse(cadence.as_str()), Some(cadence));
        }
        assert_eq!(Cadence::of(EmailCadence::Daily), Some(Cadence::Daily));
        assert_eq!(Cadence::of(EmailCadence::Weekly), Some(Cadence::Weekly));
        assert_eq!(Cadence::of(EmailCadence::Immediately), None);
        assert_eq!(Cadence::of(EmailCadence::Never), None);
        assert_eq!(Cadence::Daily.event_type(), "digest_daily");
        assert_eq!(Cadence::Weekly.event_type(), "digest_weekly");
        assert_eq!(Cadence::from_event_type("digest_weekly"), Some(Cadence::Weekly));
        assert_eq!(Cadence::from_event_type("report_resolved"), None);
        assert_eq!(Cadence::parse("monthly"), None);
    }

    #[test]
    fn times_are_written_to_the_second_in_utc() {
        assert_eq!(rfc3339(at("2026-12-07", 10, 30) + 123_456), "2026-12-07T10:30:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
