//! E-mail addresses: trimmed, lower-cased (so that `Anne@X.fr` and
//! `anne@x.fr` are one account), checked for a plausible shape.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.len() > 254 {
            return Err("must be at most 254 characters");
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err("must look like name@example.fr");
        };
        let plausible = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && email.chars().all(|c| !c.is_whitespace() && !c.is_control())
            && !local.contains('@');
        if !plausible {
            return Err("must look like name@example.fr");
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn addresses_are_normalized() {
        assert_eq!(
            Email::parse("  Anne.Martin@Mairie.FR ").map(|e| e.as_str().to_owned()),
            Ok("anne.martin@mairie.fr".into())
        );
    }

    #[test]
    fn implausible_addresses_are_refused() {
        for bad in [
            "",
            "anne",
            "anne@",
            "@x.fr",
            "anne@x",
            "an ne@x.fr",
            "anne@x..fr",
            "a@b@x.fr",
            &format!("{}@x.fr", "a".repeat(65)),
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
