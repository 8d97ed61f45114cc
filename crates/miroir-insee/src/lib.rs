//! INSEE commune codes (code officiel géographique): five characters, two for
//! the department (`01`–`95`, `2A`/`2B` for Corsica, `97x` overseas) then digits.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InseeCode(String);

impl InseeCode {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let bytes = raw.as_bytes();
        if bytes.len() != 5 {
            return Err("an INSEE code has 5 characters");
        }
        let department_ok = match (bytes[0], bytes[1]) {
            (b'2', b'A' | b'B') => true,
            (a, b) => a.is_ascii_digit() && b.is_ascii_digit() && !(a == b'0' && b == b'0'),
        };
        if !department_ok || !bytes[2..].iter().all(u8::is_ascii_digit) {
            return Err("an INSEE code is a department (01–95, 2A, 2B, 97x) and digits, e.g. 75056");
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InseeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::InseeCode;

    #[test]
    fn accepts_real_codes() {
        for code in ["75056", "01001", "2A004", "2B033", "97411", "97608"] {
            assert_eq!(InseeCode::parse(code).map(|c| c.to_string()), Ok(code.to_owned()));
        }
    }

    #[test]
    fn refuses_malformed_codes() {
        for code in ["", "7505", "750566", "2C004", "00123", "75a56", "../75", "７５０５６"] {
            assert!(InseeCode::parse(code).is_err(), "{code}");
        }
    }
}
