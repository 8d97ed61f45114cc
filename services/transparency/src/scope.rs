//! What a dashboard covers: one commune, one département, or the country.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Commune(String),
    Departement(String),
    National,
}

impl Scope {
    /// `communes/{insee}`, `departements/{code}` or `national`.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        if raw == "national" {
            return Ok(Scope::National);
        }
        if let Some(code) = raw.strip_prefix("communes/") {
            return miroir_insee_code(code).map(|c| Scope::Commune(c.to_owned()));
        }
        if let Some(code) = raw.strip_prefix("departements/") {
            return departement_code(code).map(|c| Scope::Departement(c.to_owned()));
        }
        Err("a scope is communes/{insee}, departements/{code} or national")
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Commune(c) => write!(f, "communes/{c}"),
            Scope::Departement(d) => write!(f, "departements/{d}"),
            Scope::National => f.write_str("national"),
        }
    }
}

fn miroir_insee_code(code: &str) -> Result<&str, &'static str> {
    let bytes = code.as_bytes();
    let departement_ok = bytes.len() == 5
        && match (bytes[0], bytes[1]) {
            (b'2', b'A' | b'B') => true,
            (a, b) => a.is_ascii_digit() && b.is_ascii_digit() && !(a == b'0' && b == b'0'),
        };
    if departement_ok && bytes[2..].iter().all(u8::is_ascii_digit) {
        Ok(code)
    } else {
        Err("an INSEE code is a département (01–95, 2A, 2B, 97x) and digits, e.g. 75056")
    }
}

/// `01`–`95`, `2A`, `2B`, `971`–`976`.
pub fn departement_code(code: &str) -> Result<&str, &'static str> {
    let ok = match code.as_bytes() {
        [b'2', b'A' | b'B'] => true,
        [a, b] => a.is_ascii_digit() && b.is_ascii_digit() && !(a == &b'0' && b == &b'0') && code != "20",
        [b'9', b'7', c] => (b'1'..=b'6').contains(c),
        _ => false,
    };
    if ok { Ok(code) } else { Err("a département code is 01–95, 2A, 2B or 971–976") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_print_back() {
        for raw in
            ["national", "communes/75056", "communes/2A004", "departements/75", "departements/2B", "departements/974"]
        {
            assert_eq!(Scope::parse(raw).map(|s| s.to_string()).as_deref(), Ok(raw));
        }
        for raw in
            ["", "communes/7505", "communes/../x", "departements/00", "departements/977", "departements/1", "france"]
        {
            assert!(Scope::parse(raw).is_err(), "{raw}");
        }
    }
}
