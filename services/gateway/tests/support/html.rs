//! A small HTML tokenizer for the tests: the site's pages as a list of tags
//! with their attributes (entities decoded), the links and forms they hold,
//! and the checks that no hostile text became markup. It follows the HTML
//! tokenizer's rules for what the site's templates and hostile text can
//! produce (quoted, unquoted and bare attributes, comments, raw text of
//! `<script>`, `<style>` and `<textarea>`), which is what a browser would see:
//! a payload that slipped through unescaped shows up here as a tag or an
//! attribute, not as text. (No HTML parser crate is in the lock file; this one
//! is enough to read the site's own output.)

/// One start tag: its name (lower case) and attributes (names lower case, values decoded).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    /// The raw text that follows up to the next tag (for `<script>`, `<textarea>`: their content).
    pub text: String,
    /// Where the tag starts in the page.
    pub at: usize,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Decodes the character references the site and askama write (`&amp;`,
/// `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&#NN;`, `&#xHH;`), leaving others as they are.
pub fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every start tag of `html`, in order; end tags and comments are skipped.
pub fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut tags: Vec<Tag> = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let start = i + offset;
        let after = &html[start + 1..];
        if after.starts_with("!--") {
            i = html[start..].find("-->").map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let first = after.bytes().next().unwrap_or(b' ');
        if !(first.is_ascii_alphabetic() || first == b'/' || first == b'!') {
            // A lone `<` in text (escaped by nobody but harmless): text.
            i = start + 1;
            continue;
        }
        // The tag name.
        let mut j = start + 1;
        let closing = bytes.get(j) == Some(&b'/');
        if closing || bytes.get(j) == Some(&b'!') {
            j += 1;
        }
        let name_start = j;
        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' && bytes[j] != b'/' {
            j += 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        // The attributes, up to the `>` that is outside quotes.
        let mut attributes = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let attr_start = j;
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !matches!(bytes[j], b'>' | b'=' | b'/') {
                j += 1;
            }
            let attr = html[attr_start..j].to_ascii_lowercase();
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = String::new();
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                match bytes.get(j) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        let end = html[j + 1..].find(quote as char).map_or(html.len(), |e| j + 1 + e);
                        value = decode(&html[j + 1..end]);
                        j = (end + 1).min(html.len());
                    }
                    _ => {
                        let value_start = j;
                        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                            j += 1;
                        }
                        value = decode(&html[value_start..j]);
                    }
                }
            }
            if attr.is_empty() {
                j += 1;
            } else {
                attributes.push((attr, value));
            }
        }
        let end = (j + 1).min(html.len());
        if closing || name.starts_with('!') {
            i = end;
            continue;
        }
        // Raw text elements: their content is text up to their end tag, whatever it holds.
        let raw = matches!(name.as_str(), "script" | "style" | "textarea" | "title");
        let text_end = if raw {
            let close = format!("</{name}");
            html[end..].to_ascii_lowercase().find(&close).map_or(html.len(), |e| end + e)
        } else {
            html[end..].find('<').map_or(html.len(), |e| end + e)
        };
        tags.push(Tag { name, attributes, text: html[end..text_end].to_owned(), at: start });
        i = text_end;
    }
    tags
}

/// The text of the page as a reader sees it (tags and comments removed, entities decoded), and the values of
/// the attributes that are read out or shown (`alt`, `title`, `aria-label`, `value`, `placeholder`, `content`).
pub fn text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let opens_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        if !opens_tag {
            out.push('<');
            rest = after;
            continue;
        }
        // Skip the tag up to its `>`, outside quoted attribute values.
        let mut quote = None;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        out.push(' ');
        rest = &after[(end + 1).min(after.len())..];
    }
    out.push_str(rest);
    let mut text = decode(&out);
    for tag in tags(html) {
        for (name, value) in &tag.attributes {
            if matches!(name.as_str(), "alt" | "title" | "aria-label" | "value" | "placeholder" | "content") {
                text.push(' ');
                text.push_str(value);
            }
        }
    }
    text
}

/// What is wrong with `html` as the site's page that shows hostile text:
/// script that would run (an inline `<script>`, an event handler attribute,
/// a `javascript:` URL), or a tag that only hostile text would bring.
pub fn script_injections(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in tags(html) {
        if tag.name == "script" && (tag.attr("src").is_none() || !tag.text.trim().is_empty()) {
            found.push(format!("an inline <script> at {}: {:.80}", tag.at, tag.text));
        }
        // (Inline `<svg>` is the site's own: the dashboards' charts.)
        let planted = tag.name == "img" && tag.attr("src") == Some("x");
        if planted || matches!(tag.name.as_str(), "iframe" | "object" | "embed" | "base") {
            found.push(format!("a <{}> at {}", tag.name, tag.at));
        }
        for (name, value) in &tag.attributes {
            if name.starts_with("on") {
                found.push(format!("an event handler {name}=\"{value}\" on <{}> at {}", tag.name, tag.at));
            }
            let url_like = matches!(
                name.as_str(),
                "href" | "src" | "action" | "formaction" | "srcset" | "poster" | "data" | "xlink:href" | "content"
            );
            let squeezed: String =
                value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
            if url_like
                && (squeezed.starts_with("javascript:")
                    || squeezed.starts_with("vbscript:")
                    || squeezed.starts_with("data:text/html"))
            {
                found.push(format!("a script URL {name}=\"{value}\" on <{}> at {}", tag.name, tag.at));
            }
        }
    }
    found
}

/// A form of a page: where it posts and the fields it sends as they are (the
/// first radio button and the checked checkboxes, the first option of a
/// select, the first named submit button).
#[derive(Debug, Clone)]
pub struct Form {
    pub page: String,
    pub action: String,
    pub method: String,
    pub multipart: bool,
    pub fields: Vec<(String, String)>,
    /// `type="file"` inputs.
    pub files: Vec<String>,
    /// The kind of each field a person fills: an input's type, `textarea` or `select`.
    pub kinds: Vec<(String, String)>,
}

impl Form {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The fields as a person would send them: the empty ones a person fills given a plausible value of their kind.
    pub fn filled(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .map(|(name, value)| {
                let kind = self.kinds.iter().find(|(n, _)| n == name).map_or("hidden", |(_, k)| k.as_str());
                let value = match kind {
                    _ if !value.is_empty() => value.clone(),
                    "email" => "quelquun@example.fr".to_owned(),
                    "url" => "https://example.org/".to_owned(),
                    "number" | "range" => "1".to_owned(),
                    "date" => "2026-01-15".to_owned(),
                    "datetime-local" => "2026-01-15T10:00".to_owned(),
                    "time" => "10:00".to_owned(),
                    "password" => "le chat dort au soleil".to_owned(),
                    "text" | "textarea" | "search" | "tel" => "Texte d'essai".to_owned(),
                    _ => value.clone(),
                };
                (name.clone(), value)
            })
            .collect()
    }
}

/// The forms of a page at `page` (actions resolved against it).
pub fn forms(page: &str, html: &str) -> Vec<Form> {
    let all = tags(html);
    let mut out: Vec<Form> = Vec::new();
    let mut ends: Vec<usize> = html.match_indices("</form").map(|(i, _)| i).collect();
    ends.push(html.len());
    for (k, tag) in all.iter().enumerate() {
        if tag.name != "form" {
            continue;
        }
        let end = ends.iter().copied().find(|&e| e > tag.at).unwrap_or(html.len());
        let action = resolve(page, tag.attr("action").unwrap_or(page));
        let method = tag.attr("method").unwrap_or("get").to_ascii_lowercase();
        let multipart = tag.attr("enctype").is_some_and(|e| e.eq_ignore_ascii_case("multipart/form-data"));
        let mut form = Form {
            page: page.to_owned(),
            action,
            method,
            multipart,
            fields: Vec::new(),
            files: Vec::new(),
            kinds: Vec::new(),
        };
        let mut radios = std::collections::HashSet::new();
        let mut submit_named = false;
        let mut select: Option<(String, bool)> = None;
        for inner in all[k + 1..].iter().take_while(|t| t.at < end) {
            let name = inner.attr("name").unwrap_or_default().to_owned();
            let kind = match inner.name.as_str() {
                "input" => inner.attr("type").unwrap_or("text").to_ascii_lowercase(),
                other => other.to_owned(),
            };
            if !name.is_empty() && matches!(inner.name.as_str(), "input" | "textarea" | "select") {
                form.kinds.push((name.clone(), kind));
            }
            match inner.name.as_str() {
                "input" => {
                    let kind = inner.attr("type").unwrap_or("text").to_ascii_lowercase();
                    let value = inner.attr("value").unwrap_or_default().to_owned();
                    match kind.as_str() {
                        _ if name.is_empty() => {}
                        "file" => form.files.push(name),
                        "checkbox" if inner.attr("checked").is_some() => {
                            form.fields.push((name, if value.is_empty() { "on".into() } else { value }))
                        }
                        "checkbox" => {}
                        // The checked one, else the first.
                        "radio" if inner.attr("checked").is_some() => {
                            form.fields.retain(|(n, _)| *n != name);
                            radios.insert(name.clone());
                            form.fields.push((name, value));
                        }
                        "radio" => {
                            if radios.insert(name.clone()) {
                                form.fields.push((name, value));
                            }
                        }
                        "submit" | "image" | "button" | "reset" => {
                            if !submit_named && kind == "submit" {
                                submit_named = true;
                                form.fields.push((name, value));
                            }
                        }
                        _ => form.fields.push((name, value)),
                    }
                }
                "button" if !name.is_empty() => {
                    let kind = inner.attr("type").unwrap_or("submit");
                    if kind.eq_ignore_ascii_case("submit") && !submit_named {
                        submit_named = true;
                        form.fields.push((name, inner.attr("value").unwrap_or_default().to_owned()));
                    }
                }
                "textarea" if !name.is_empty() => form.fields.push((name, decode(&inner.text))),
                "select" if !name.is_empty() => select = Some((name, false)),
                "option" => {
                    if let Some((name, taken)) = select.as_mut()
                        && !*taken
                    {
                        *taken = true;
                        let value = inner.attr("value").map_or_else(|| decode(inner.text.trim()), str::to_owned);
                        form.fields.push((name.clone(), value));
                    }
                }
                _ => {}
            }
        }
        out.push(form);
    }
    out
}

/// The `href`s of a page's links, resolved against `page`, without their fragment.
pub fn links(page: &str, html: &str) -> Vec<String> {
    tags(html)
        .iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.attr("href"))
        .map(|href| resolve(page, href.split('#').next().unwrap_or_default()))
        .filter(|href| !href.is_empty())
        .collect()
}

/// A link of the site resolved against `page`: a path with its query (other origins: "").
pub fn resolve(page: &str, href: &str) -> String {
    if href.starts_with("//") || href.contains("://") || href.starts_with("mailto:") {
        return String::new();
    }
    if href.starts_with('/') {
        return href.to_owned();
    }
    if href.is_empty() {
        return page.to_owned();
    }
    let base = page.split('?').next().unwrap_or(page);
    if let Some(query) = href.strip_prefix('?') {
        return format!("{base}?{query}");
    }
    let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
    format!("{dir}{href}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_that_become_markup_are_found_and_escaped_ones_are_not() {
        let escaped = "<p>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>\
                       <a href=\"/c/1\">javascript:alert(1)</a><textarea name=\"t\"></textarea></p>";
        assert_eq!(script_injections(escaped), Vec::<String>::new());
        assert!(text(escaped).contains("<script>alert(1)</script>"));
        for raw in [
            "<p><script>alert(1)</script></p>",
            "<input value=\"\"><img src=x onerror=alert(1)>\">",
            "<a href=\" javascript:alert(1)\">x</a>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<textarea></textarea><script>alert(1)</script></textarea>",
        ] {
            assert!(!script_injections(raw).is_empty(), "{raw}");
        }
        // The site's own scripts are files.
        assert!(script_injections("<script src=\"/static/map.js\" defer></script>").is_empty());
    }

    #[test]
    fn forms_are_read_with_their_fields() {
        let html = "<form method=\"post\" action=\"/c/1/x\"><input type=\"hidden\" name=\"csrf\" value=\"a&amp;b\">\
            <input type=\"radio\" name=\"r\" value=\"1\"><input type=\"radio\" name=\"r\" value=\"2\">\
            <input type=\"checkbox\" name=\"c\" value=\"y\" checked><select name=\"s\"><option value=\"o\">O</option>\
            <option value=\"p\">P</option></select><textarea name=\"t\">x &lt; y</textarea>\
            <button name=\"do\" value=\"go\">Go</button></form><a href=\"y?page=2\">2</a>";
        let form = &forms("/c/1/z", html)[0];
        assert_eq!(form.action, "/c/1/x");
        assert_eq!(form.method, "post");
        let fields: Vec<(&str, &str)> = form.fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(fields, [("csrf", "a&b"), ("r", "1"), ("c", "y"), ("s", "o"), ("t", "x < y"), ("do", "go")]);
        assert_eq!(links("/c/1/z", html), ["/c/1/y?page=2"]);
    }
}
