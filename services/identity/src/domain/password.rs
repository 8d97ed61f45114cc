//! The password strength floor. Plain rules a person can follow, explained in
//! the error: at least 10 characters, not a well-known password, not the
//! e-mail address, not one repeated character.

const MIN_CHARS: usize = 10;
const MAX_CHARS: usize = 200;

/// The most used passwords of 10+ characters (and French favourites); refused outright.
const COMMON: &[&str] = &[
    "1234567890",
    "0123456789",
    "1234567891",
    "qwertyuiop",
    "azertyuiop",
    "1q2w3e4r5t",
    "motdepasse",
    "motdepasse1",
    "motdepasse123",
    "password12",
    "password123",
    "password1234",
    "iloveyou12",
    "qwerty1234",
    "azerty1234",
    "azerty12345",
    "1111111111",
    "0000000000",
    "abcdefghij",
    "abc1234567",
    "soleil1234",
    "bonjour123",
    "marseille13",
    "jetaime123",
    "doudou1234",
    "chouchou12",
    "loulou1234",
    "football12",
    "liverpool1",
    "baseball12",
    "princess12",
    "starwars12",
    "trustno123",
    "changeme12",
    "welcome123",
];

pub fn check(password: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(format!("must be at least {MIN_CHARS} characters (a short sentence is easy to remember)"));
    }
    if chars > MAX_CHARS {
        return Err(format!("must be at most {MAX_CHARS} characters"));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Err("is one of the most common passwords; choose another".into());
    }
    if !email.is_empty() && (lower == email || lower == email.split('@').next().unwrap_or_default()) {
        return Err("must not be your e-mail address".into());
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Err("must use at least 4 different characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn reasonable_passwords_pass() {
        assert!(check("le chat dort au soleil", "anne@x.fr").is_ok());
        assert!(check("Tr0ub4dor&3x", "anne@x.fr").is_ok());
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(check("court", "").is_err());
        assert!(check("azertyuiop", "").is_err());
        assert!(check("AZERTYUIOP", "").is_err());
        assert!(check("anne@x.fr1", "anne@x.fr1").is_err());
        assert!(check("aaaaaaaaaaaa", "").is_err());
        assert!(check(&"x".repeat(201), "").is_err());
    }
}
