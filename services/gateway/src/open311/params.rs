//! The parameters of an Open311 call: the query string, and for a POST the
//! `application/x-www-form-urlencoded` body, read as plain strings so that
//! each bad value gets an error naming its parameter.
//!
//! Open311 clients are many and old; parsing is lenient where the meaning is
//! clear: an empty value is an absent one, list parameters may be repeated
//! or comma-delimited, and a `+` of a time zone that arrived as a space
//! (sent unencoded in a query string) is read as `+`.
//!
//! The parameters hold personal data (`email`, names, phone) and the client's
//! secret (`api_key`): `Debug` shows only the parameter names.

use miroir_proto::reports::v1 as pb;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::error::Open311Error;

/// The query string and form parameters of one request, in the order sent.
#[derive(Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.pairs.iter().map(|(name, _)| name)).finish()
    }
}

impl Params {
    /// The parameters of a query string (`None`: no query).
    pub fn from_query(query: Option<&str>) -> Self {
        let mut params = Params::default();
        if let Some(query) = query {
            params.extend_form(query.as_bytes());
        }
        params
    }

    /// Adds the parameters of a form-encoded body (or query string).
    pub fn extend_form(&mut self, encoded: &[u8]) {
        self.pairs.extend(form_urlencoded::parse(encoded).map(|(name, value)| (name.into_owned(), value.into_owned())));
    }

    /// A parameter that has one value: `None` when absent or empty; the same
    /// value sent twice (query and body) is tolerated, two values are not.
    pub fn single<'a>(&'a self, name: &str) -> Result<Option<&'a str>, Open311Error> {
        let mut found: Option<&str> = None;
        for value in self.values(name) {
            match found {
                Some(previous) if previous != value => {
                    return Err(Open311Error::bad_request(format!("{name}: give one value, not several")));
                }
                _ => found = Some(value),
            }
        }
        Ok(found)
    }

    /// A comma-delimited list, possibly repeated: every non-empty item, trimmed.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.values(name)
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn values<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.pairs.iter().filter(move |(n, v)| n == name && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }

    /// The answers of `attribute[CODE]=value` and `attribute[CODE][]=value`
    /// (several values for a multi-value list), in the order first given.
    /// Empty values are unanswered questions and are left out.
    pub fn attributes(&self) -> Result<Vec<pb::AttributeAnswer>, Open311Error> {
        let mut answers: Vec<pb::AttributeAnswer> = Vec::new();
        for (name, value) in &self.pairs {
            let Some(code) = attribute_code(name)? else { continue };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match answers.iter_mut().find(|answer| answer.code == code) {
                Some(answer) => answer.values.push(value.to_owned()),
                None => answers.push(pb::AttributeAnswer { code: code.to_owned(), values: vec![value.to_owned()] }),
            }
        }
        Ok(answers)
    }
}

/// The longest attribute code accepted (the service's codes are 1..64).
const MAX_ATTRIBUTE_CODE: usize = 64;

/// `attribute[CODE]` or `attribute[CODE][]` → `CODE`; `None` for other
/// parameters; an error for a malformed `attribute…` key.
pub fn attribute_code(name: &str) -> Result<Option<&str>, Open311Error> {
    let Some(rest) = name.strip_prefix("attribute") else { return Ok(None) };
    let malformed = || {
        Open311Error::bad_request(format!(
            "{}: attributes are sent as attribute[CODE]=value, or attribute[CODE][]=value for each value of a list",
            printable(name)
        ))
    };
    let inner = rest.strip_prefix('[').ok_or_else(malformed)?;
    let (code, tail) = inner.split_once(']').ok_or_else(malformed)?;
    if !(tail.is_empty() || tail == "[]") {
        return Err(malformed());
    }
    let valid = |c: char| !c.is_control() && !matches!(c, '[' | ']');
    if code.is_empty() || code.chars().count() > MAX_ATTRIBUTE_CODE || !code.chars().all(valid) {
        return Err(malformed());
    }
    Ok(Some(code))
}

/// At most 64 characters of a client's text, for an error message.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// `jurisdiction_id`: the INSEE code of the commune, required on every call.
/// Corsican codes (`2A004`) are accepted in either case.
pub fn jurisdiction(params: &Params) -> Result<String, Open311Error> {
    let Some(raw) = params.single("jurisdiction_id")? else {
        return Err(Open311Error::bad_request(
            "jurisdiction_id is required: the INSEE code of the commune, e.g. 75056",
        ));
    };
    if raw.len() == 5 && raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(raw.to_ascii_uppercase())
    } else {
        Err(Open311Error::bad_request("jurisdiction_id: must be the INSEE code of a commune, 5 characters, e.g. 75056"))
    }
}

/// A latitude or longitude (WGS 84 decimal degrees); the service checks the range.
pub fn coordinate(name: &str, raw: &str) -> Result<f64, Open311Error> {
    match raw.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(Open311Error::bad_request(format!(
            "{name}: must be a decimal number of degrees (WGS 84), e.g. 48.8566"
        ))),
    }
}

/// What `status=` may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenClosed {
    Open,
    Closed,
}

/// `status=open`, `closed`, or both (comma-delimited): the report statuses
/// to list (empty: all).
pub fn statuses(params: &Params) -> Result<Vec<pb::ReportStatus>, Open311Error> {
    let mut wanted = Vec::new();
    for item in params.list("status") {
        let status = match item.to_ascii_lowercase().as_str() {
            "open" => OpenClosed::Open,
            "closed" => OpenClosed::Closed,
            _ => return Err(Open311Error::bad_request("status: must be open, closed, or both (open,closed)")),
        };
        if !wanted.contains(&status) {
            wanted.push(status);
        }
    }
    if wanted.len() != 1 {
        return Ok(Vec::new());
    }
    Ok(match wanted[0] {
        OpenClosed::Open => {
            vec![pb::ReportStatus::New, pb::ReportStatus::Acknowledged, pb::ReportStatus::InProgress]
        }
        OpenClosed::Closed => vec![pb::ReportStatus::Resolved, pb::ReportStatus::Rejected, pb::ReportStatus::Merged],
    })
}

/// Open311's two states: a report is closed once resolved, rejected or merged.
pub fn open_or_closed(status: i32) -> OpenClosed {
    match pb::ReportStatus::try_from(status) {
        Ok(pb::ReportStatus::Resolved | pb::ReportStatus::Rejected | pb::ReportStatus::Merged) => OpenClosed::Closed,
        _ => OpenClosed::Open,
    }
}

/// A date-time parameter (`start_date`, `end_date`) as Unix microseconds.
pub fn datetime_param(params: &Params, name: &str) -> Result<Option<i64>, Open311Error> {
    let Some(raw) = params.single(name)? else { return Ok(None) };
    parse_w3c(raw).map(Some).ok_or_else(|| {
        Open311Error::bad_request(format!(
            "{name}: must be a W3C date-time with its time zone, e.g. 2025-03-14T09:30:00Z or \
             2025-03-14T10:30:00+01:00"
        ))
    })
}

/// A W3C date-time (the ISO 8601 profile the specification uses), as Unix
/// microseconds: `YYYY-MM-DDThh:mm[:ss[.fraction]]` with `Z` or `±hh:mm`
/// (also `±hhmm`, `±hh`); a date alone is its midnight UTC, and a time
/// without zone is taken as UTC.
pub fn parse_w3c(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (date, rest) = match raw.find(['T', 't', ' ']) {
        Some(i) => (&raw[..i], Some(&raw[i + 1..])),
        None => (raw, None),
    };
    let date = parse_date(date)?;
    let (time, offset) = match rest {
        None => (Time::MIDNIGHT, UtcOffset::UTC),
        Some(rest) => parse_time_and_offset(rest)?,
    };
    let at = PrimitiveDateTime::new(date, time).assume_offset(offset);
    i64::try_from(at.unix_timestamp_nanos() / 1000).ok()
}

fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    let month = Month::try_from(u8::try_from(digits(month, 2)?).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(digits(year, 4)?).ok()?, month, u8::try_from(digits(day, 2)?).ok()?).ok()
}

fn parse_time_and_offset(text: &str) -> Option<(Time, UtcOffset)> {
    let (time, offset) = if let Some(time) = text.strip_suffix(['Z', 'z']) {
        (time, UtcOffset::UTC)
    } else {
        match text.rfind(['+', '-', ' ']) {
            Some(i) => (&text[..i], parse_offset(&text[i..])?),
            None => (text, UtcOffset::UTC),
        }
    };
    Some((parse_time(time)?, offset))
}

fn parse_time(text: &str) -> Option<Time> {
    let (clock, fraction) = match text.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let mut parts = clock.split(':');
    let hour = digits(parts.next()?, 2)?;
    let minute = digits(parts.next()?, 2)?;
    let second = match parts.next() {
        Some(second) => digits(second, 2)?,
        None if fraction.is_none() => 0,
        None => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if (1..=9).contains(&f.len()) => digits(f, f.len())? * 10u32.pow(9 - f.len() as u32),
        Some(_) => return None,
    };
    Time::from_hms_nano(u8::try_from(hour).ok()?, u8::try_from(minute).ok()?, u8::try_from(second).ok()?, nanos).ok()
}

/// `+hh:mm`, `+hhmm`, `+hh`, or with `-`; a leading space is a `+` that was
/// not percent-encoded.
fn parse_offset(text: &str) -> Option<UtcOffset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' | b' ' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = match rest.len() {
        2 => (rest, "00"),
        4 => rest.split_at_checked(2)?,
        5 if rest.as_bytes()[2] == b':' => (rest.get(..2)?, rest.get(3..)?),
        _ => return None,
    };
    let (hours, minutes) = (i8::try_from(digits(hours, 2)?).ok()?, i8::try_from(digits(minutes, 2)?).ok()?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()
}

/// Exactly `n` ASCII digits.
fn digits(text: &str, n: usize) -> Option<u32> {
    if text.len() != n || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Unix microseconds as a W3C date-time in UTC, to the second
/// (`2025-03-14T09:26:53Z`); `None` for 0 (unset) or an impossible instant.
pub fn w3c(us: i64) -> Option<String> {
    if us == 0 {
        return None;
    }
    let at = OffsetDateTime::from_unix_timestamp(us.div_euclid(1_000_000)).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> Params {
        Params::from_query(Some(query))
    }

    #[test]
    fn attribute_keys() {
        assert_eq!(attribute_code("attribute[trottoir]").ok().flatten(), Some("trottoir"));
        assert_eq!(attribute_code("attribute[kinds][]").ok().flatten(), Some("kinds"));
        assert_eq!(attribute_code("description").ok().flatten(), None);
        for bad in [
            "attribute",
            "attribute[]",
            "attribute[a",
            "attribute[a][b]",
            "attribute[a]x",
            "attribute[a[b]]",
            "attributes[a]",
        ] {
            assert!(attribute_code(bad).is_err(), "{bad}");
        }
        assert!(attribute_code(&format!("attribute[{}]", "x".repeat(65))).is_err());
    }

    #[test]
    fn attributes_gather_list_values() {
        let form = params(
            "attribute%5Bkinds%5D%5B%5D=a&attribute[size]=3&attribute[kinds][]=b&attribute[note]=&service_code=x",
        );
        let answers = form.attributes().unwrap_or_default();
        assert_eq!(
            answers,
            vec![
                pb::AttributeAnswer { code: "kinds".into(), values: vec!["a".into(), "b".into()] },
                pb::AttributeAnswer { code: "size".into(), values: vec!["3".into()] },
            ]
        );
        assert!(params("attribute[x]]=1").attributes().is_err());
    }

    #[test]
    fn single_and_list_parameters() {
        let p = params("jurisdiction_id=75056&jurisdiction_id=75056&service_code=a,b&service_code=c&status=&x=1&x=2");
        assert_eq!(p.single("jurisdiction_id").ok().flatten(), Some("75056"));
        assert_eq!(p.list("service_code"), vec!["a", "b", "c"]);
        assert_eq!(p.single("status").ok().flatten(), None);
        assert!(p.single("x").is_err());
        assert_eq!(p.single("absent").ok().flatten(), None);
        // The secret and personal data never show in Debug.
        let secret = params("api_key=id%3As3cret&email=anne%40example.fr");
        let debug = format!("{secret:?}");
        assert!(!debug.contains("s3cret") && !debug.contains("anne"), "{debug}");
    }

    #[test]
    fn jurisdictions_are_insee_codes() {
        assert_eq!(jurisdiction(&params("jurisdiction_id=75056")).ok().as_deref(), Some("75056"));
        assert_eq!(jurisdiction(&params("jurisdiction_id=2a004")).ok().as_deref(), Some("2A004"));
        for bad in
            ["", "jurisdiction_id=", "jurisdiction_id=7505", "jurisdiction_id=75%2F56", "jurisdiction_id=city.gov"]
        {
            let error = jurisdiction(&params(bad)).err();
            assert_eq!(error.map(|e| e.status.as_u16()), Some(400), "{bad}");
        }
    }

    #[test]
    fn coordinates() {
        assert_eq!(coordinate("lat", " 48.8566 ").ok(), Some(48.8566));
        assert_eq!(coordinate("long", "-1.5").ok(), Some(-1.5));
        for bad in ["", "NaN", "inf", "48,85", "abc"] {
            let error = coordinate("lat", bad).err().map(|e| e.description).unwrap_or_default();
            assert!(error.starts_with("lat: "), "{bad}: {error}");
        }
    }

    #[test]
    fn statuses_map_to_the_workflow() {
        assert_eq!(statuses(&params("")).ok(), Some(vec![]));
        assert_eq!(statuses(&params("status=open,closed")).ok(), Some(vec![]));
        assert_eq!(statuses(&params("status=Open")).ok().map(|s| s.len()), Some(3));
        assert_eq!(
            statuses(&params("status=closed&status=closed")).ok(),
            Some(vec![pb::ReportStatus::Resolved, pb::ReportStatus::Rejected, pb::ReportStatus::Merged])
        );
        assert!(statuses(&params("status=pending")).is_err());
        assert_eq!(open_or_closed(pb::ReportStatus::Merged as i32), OpenClosed::Closed);
        assert_eq!(open_or_closed(pb::ReportStatus::InProgress as i32), OpenClosed::Open);
        assert_eq!(open_or_closed(42), OpenClosed::Open);
    }

    #[test]
    fn w3c_datetimes() {
        let utc = 1_268_550_000_000_000; // 2010-03-14T07:00:00Z
        for text in [
            "2010-03-14T07:00:00Z",
            "2010-03-14T07:00Z",
            "2010-03-14t07:00:00z",
            "2010-03-14T08:00:00+01:00",
            "2010-03-14T08:00:00 01:00",
            "2010-03-14T08:00:00+0100",
            "2010-03-14T08:00:00+01",
            "2010-03-14T02:00:00-05:00",
            "2010-03-14 07:00:00Z",
            "2010-03-14T07:00:00",
            "2010-03-14T07:00:00.000Z",
        ] {
            assert_eq!(parse_w3c(text), Some(utc), "{text}");
        }
        assert_eq!(parse_w3c("2010-03-14T07:00:00.25Z"), Some(utc + 250_000));
        assert_eq!(parse_w3c("2010-03-14"), Some(1_268_524_800_000_000));
        for bad in [
            "",
            "yesterday",
            "2010-3-14",
            "2010-03-14T7:00Z",
            "2010-02-30T00:00:00Z",
            "2010-03-14T24:00:00Z",
            "2010-03-14T07:00:00+25:00",
            "2010-03-14T07:00:00.Z",
            "2010-03-14T07:00:00.1234567890Z",
            "2010-03-14T07:00:00:00Z",
            "1268550000",
            "+2010-03-14",
        ] {
            assert_eq!(parse_w3c(bad), None, "{bad}");
        }
        let p = params("start_date=2010-03-14T08:00:00+01:00&end_date=soon");
        assert_eq!(datetime_param(&p, "start_date").ok().flatten(), Some(utc));
        assert!(datetime_param(&p, "end_date").err().is_some_and(|e| e.description.starts_with("end_date: ")));
        assert_eq!(datetime_param(&p, "other").ok().flatten(), None);
    }

    #[test]
    fn datetimes_are_written_in_utc_to_the_second() {
        assert_eq!(w3c(1_268_550_000_123_456).as_deref(), Some("2010-03-14T07:00:00Z"));
        assert_eq!(w3c(0), None);
        assert_eq!(w3c(i64::MAX), None);
        assert_eq!(w3c(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
    }
}
