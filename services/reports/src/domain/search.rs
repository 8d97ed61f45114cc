//! Text search without a search engine: the read model keeps a normalised copy
//! of each report's words (lower case, accents folded), and a query matches
//! when every one of its words appears in it. The same folding on both sides
//! makes "Éclairage" find "eclairage", in PostgreSQL and SQLite alike.

/// At most this many words in a query (more are ignored).
pub const MAX_QUERY_WORDS: usize = 8;

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
}
