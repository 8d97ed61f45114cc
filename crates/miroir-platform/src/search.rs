//! Text search without a search engine, shared by the services' read models:
//! a read model keeps a normalised copy of each item's words (lower case,
//! accents folded) in a `search_text` column, and a query matches when every
//! one of its words starts a word there (`search_text LIKE` each of
//! [`patterns`]). The same folding on both sides makes "Éclairage" find
//! "eclairage", in PostgreSQL and SQLite alike. Lists searched this way page
//! with tokens that carry a [`fingerprint`] of their filters, query included.

/// At most this many words in a query (more are ignored).
pub const MAX_QUERY_WORDS: usize = 8;
/// The longest query text an API accepts (longer is a bad argument).
pub const MAX_QUERY_CHARS: usize = 200;

fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'æ' => "ae",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        _ => return None,
    })
}

/// Lower case, accents folded, anything but letters and digits turned into
/// single spaces; wrapped in spaces so that a word can be matched whole or as
/// a prefix.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars().flat_map(char::to_lowercase) {
        if let Some(folded) = fold(c) {
            out.push_str(folded);
        } else if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// The words of a query, normalised, as LIKE patterns ("% word%": a word
/// start), free of LIKE's wildcards since only letters and digits remain.
pub fn patterns(query: &str) -> Vec<String> {
    normalise(query).split_whitespace().take(MAX_QUERY_WORDS).map(|word| format!("% {word}%")).collect()
}

/// A short, stable digest of a list's filters (given in a canonical text form),
/// carried by page tokens: a token is only valid for the filters it was made for.
pub fn fingerprint(canonical: &str) -> String {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash =
        canonical.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_punctuation_are_folded() {
        assert_eq!(normalise("Éclairage : rue de l'Œuvre, n°12"), " eclairage rue de l oeuvre n 12 ");
        assert_eq!(normalise(""), " ");
    }

    #[test]
    fn query_words_become_wildcard_free_prefix_patterns() {
        assert_eq!(patterns("  Lampadaire  éteint "), vec!["% lampadaire%", "% eteint%"]);
        assert_eq!(patterns("100% _x_"), vec!["% 100%", "% x%"]);
        assert!(patterns("%%%").is_empty());
        assert_eq!(patterns(&"a ".repeat(50)).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn fingerprints_are_stable_and_tell_filters_apart() {
        assert_eq!(fingerprint(""), "cbf29ce484222325");
        assert_eq!(fingerprint("kind=news"), fingerprint("kind=news"));
        assert_ne!(fingerprint("kind=news"), fingerprint("kind=project"));
    }
}
