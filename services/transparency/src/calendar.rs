//! Months as residents count them: the calendar month in Paris time (every
//! commune of metropolitan France; overseas communes are counted in Paris time
//! too, which moves at most a few hours of a month's edge).

use time::{Month, OffsetDateTime, UtcOffset, Weekday};

/// A calendar month, ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

impl YearMonth {
    /// The month, in Paris, of a time in Unix microseconds.
    pub fn of_us(unix_us: i64) -> Self {
        let utc =
            OffsetDateTime::from_unix_timestamp(unix_us.div_euclid(1_000_000)).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let paris = utc.to_offset(paris_offset(utc));
        Self { year: paris.year(), month: u8::from(paris.month()) }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 { Self { year: self.year - 1, month: 12 } } else { Self { month: self.month - 1, ..self } }
    }

    /// The `n` months ending with this one, oldest first.
    pub fn last(self, n: u32) -> Vec<YearMonth> {
        let mut months = Vec::with_capacity(n as usize);
        let mut month = self;
        for _ in 0..n {
            months.push(month);
            month = month.previous();
        }
        months.reverse();
        months
    }

    /// "YYYY-MM".
    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// Paris' offset from UTC at `utc`: +2 from the last Sunday of March to the
/// last Sunday of October (01:00 UTC both), +1 otherwise.
pub fn paris_offset(utc: OffsetDateTime) -> UtcOffset {
    let year = utc.year();
    let summer = last_sunday_1am_utc(year, Month::March)..last_sunday_1am_utc(year, Month::October);
    let hours = if summer.contains(&utc) { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

fn last_sunday_1am_utc(year: i32, month: Month) -> OffsetDateTime {
    // Both months have 31 days.
    let Ok(last_day) = time::Date::from_calendar_date(year, month, 31) else { return OffsetDateTime::UNIX_EPOCH };
    let back = last_day.weekday().number_days_from_sunday();
    let sunday = last_day - time::Duration::days(i64::from(back));
    debug_assert_eq!(sunday.weekday(), Weekday::Sunday);
    sunday.with_hms(1, 0, 0).map(|t| t.assume_utc()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(rfc3339: &str) -> i64 {
        let t = OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).expect("time");
        (t.unix_timestamp_nanos() / 1000) as i64
    }

    #[test]
    fn a_month_starts_at_midnight_in_paris() {
        // Winter: UTC+1.
        assert_eq!(YearMonth::of_us(us("2026-11-30T22:59:59Z")).label(), "2026-11");
        assert_eq!(YearMonth::of_us(us("2026-11-30T23:00:00Z")).label(), "2026-12");
        // Summer: UTC+2.
        assert_eq!(YearMonth::of_us(us("2026-06-30T21:59:59Z")).label(), "2026-06");
        assert_eq!(YearMonth::of_us(us("2026-06-30T22:00:00Z")).label(), "2026-07");
        // New year.
        assert_eq!(YearMonth::of_us(us("2026-12-31T23:30:00Z")).label(), "2027-01");
    }

    #[test]
    fn summer_time_follows_the_european_rule() {
        // 2026: last Sundays are 29 March and 25 October.
        assert_eq!(
            paris_offset(
                OffsetDateTime::parse("2026-03-29T00:59:59Z", &time::format_description::well_known::Rfc3339)
                    .expect("t")
            )
            .whole_hours(),
            1
        );
        assert_eq!(
            paris_offset(
                OffsetDateTime::parse("2026-03-29T01:00:00Z", &time::format_description::well_known::Rfc3339)
                    .expect("t")
            )
            .whole_hours(),
            2
        );
        assert_eq!(
            paris_offset(
                OffsetDateTime::parse("2026-10-25T00:59:59Z", &time::format_description::well_known::Rfc3339)
                    .expect("t")
            )
            .whole_hours(),
            2
        );
        assert_eq!(
            paris_offset(
                OffsetDateTime::parse("2026-10-25T01:00:00Z", &time::format_description::well_known::Rfc3339)
                    .expect("t")
            )
            .whole_hours(),
            1
        );
    }

    #[test]
    fn the_last_months_end_with_this_one() {
        let labels: Vec<_> = YearMonth { year: 2026, month: 2 }.last(3).into_iter().map(YearMonth::label).collect();
        assert_eq!(labels, ["2025-12", "2026-01", "2026-02"]);
    }
}
