//! One tree, two renderings: every Open311 answer is built once as a
//! [`Node`] and written as JSON or XML, so that both formats always carry the
//! same fields in the same order.
//!
//! The XML writer is a few lines on purpose: the shapes are fixed and small,
//! and the only hard part is escaping. Text is escaped for element content
//! (`&`, `<`, `>`, quotes), and characters that XML 1.0 forbids outright
//! (most C0 controls, U+FFFE, U+FFFF) become U+FFFD, so that a hostile
//! description can never make the document ill-formed.

use std::fmt::Write as _;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The format a client asked for, by the extension of the last path segment
/// (`services.json`, `requests/{id}.xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits `name.json` / `name.xml` into the name and the format. Without
    /// an extension the answer is XML, the format the specification requires
    /// of every server; any other extension is not a format (`None`).
    pub fn split(segment: &str) -> Option<(&str, Format)> {
        match segment.rsplit_once('.') {
            None => Some((segment, Format::Xml)),
            Some((name, ext)) if ext.eq_ignore_ascii_case("json") => Some((name, Format::Json)),
            Some((name, ext)) if ext.eq_ignore_ascii_case("xml") => Some((name, Format::Xml)),
            Some(_) => None,
        }
    }

    /// The format of a request path, from its last segment; XML when the
    /// extension names no format (the error then says so, in XML).
    pub fn of_path(path: &str) -> Format {
        let last = path.rsplit('/').next().unwrap_or_default();
        Format::split(last).map_or(Format::Xml, |(_, format)| format)
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// A value of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// JSON `null`; an empty element in XML.
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// A JSON array; in XML, one `<item>` element per entry.
    List {
        item: &'static str,
        entries: Vec<Node>,
    },
    /// A JSON object; in XML, one element per field, in order.
    Object(Vec<(&'static str, Node)>),
}

impl Node {
    pub fn text(value: impl Into<String>) -> Node {
        Node::Text(value.into())
    }

    /// `Null` for an empty string: Open311 fields the server has no value for.
    pub fn text_or_null(value: impl Into<String>) -> Node {
        let value = value.into();
        if value.is_empty() { Node::Null } else { Node::Text(value) }
    }

    pub fn list(item: &'static str, entries: Vec<Node>) -> Node {
        Node::List { item, entries }
    }

    /// The JSON form.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::from(*i),
            // Non-finite numbers have no JSON form; none is ever produced.
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::Text(s) => Value::String(s.clone()),
            Node::List { entries, .. } => Value::Array(entries.iter().map(Node::to_json).collect()),
            Node::Object(fields) => {
                Value::Object(fields.iter().map(|(name, value)| ((*name).to_owned(), value.to_json())).collect())
            }
        }
    }

    /// The JSON text, fields in the order the tree gives them (a
    /// `serde_json::Value` would sort them).
    pub fn to_json_text(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Node::Object(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::from(*name).to_string());
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
            Node::List { entries, .. } => {
                out.push('[');
                for (i, entry) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    entry.write_json(out);
                }
                out.push(']');
            }
            scalar => out.push_str(&scalar.to_json().to_string()),
        }
    }

    /// The XML document whose root element is `root` and holds this value.
    pub fn to_xml(&self, root: &'static str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        write_element(&mut out, root, self);
        out.push('\n');
        out
    }
}

fn write_element(out: &mut String, name: &str, node: &Node) {
    match node {
        Node::Null => {
            let _ = write!(out, "<{name}/>");
        }
        Node::Bool(b) => {
            let _ = write!(out, "<{name}>{b}</{name}>");
        }
        Node::Int(i) => {
            let _ = write!(out, "<{name}>{i}</{name}>");
        }
        Node::Float(f) => {
            let _ = write!(out, "<{name}>{f}</{name}>");
        }
        Node::Text(s) => {
            let _ = write!(out, "<{name}>");
            escape_into(out, s);
            let _ = write!(out, "</{name}>");
        }
        Node::List { item, entries } => {
            let _ = write!(out, "<{name}>");
            for entry in entries {
                write_element(out, item, entry);
            }
            let _ = write!(out, "</{name}>");
        }
        Node::Object(fields) => {
            let _ = write!(out, "<{name}>");
            for (field, value) in fields {
                write_element(out, field, value);
            }
            let _ = write!(out, "</{name}>");
        }
    }
}

/// Appends `text` as XML character data.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if allowed_in_xml(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// XML 1.0's `Char` production (a Rust `char` is never a surrogate).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// An answer: a status, a tree, and the name of its XML root element.
pub struct Answer {
    pub status: StatusCode,
    pub root: &'static str,
    pub body: Node,
    pub format: Format,
}

impl Answer {
    pub fn ok(format: Format, root: &'static str, body: Node) -> Self {
        Answer { status: StatusCode::OK, root, body, format }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let body = match self.format {
            Format::Json => self.body.to_json_text(),
            Format::Xml => self.body.to_xml(self.root),
        };
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(self.format.content_type()));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(Format::split("services.json"), Some(("services", Format::Json)));
        assert_eq!(Format::split("services.XML"), Some(("services", Format::Xml)));
        assert_eq!(Format::split("services"), Some(("services", Format::Xml)));
        assert_eq!(Format::split("services.html"), None);
        assert_eq!(
            Format::split("0190c0de-0000-7000-8000-000000000000.json"),
            Some(("0190c0de-0000-7000-8000-000000000000", Format::Json))
        );
        assert_eq!(Format::of_path("/open311/v2/requests/abc.json"), Format::Json);
        assert_eq!(Format::of_path("/open311/v2/requests.rss"), Format::Xml);
    }

    fn sample() -> Node {
        Node::list(
            "service",
            vec![Node::Object(vec![
                ("service_code", Node::text("voirie")),
                ("metadata", Node::Bool(true)),
                ("order", Node::Int(1)),
                ("lat", Node::Float(48.8566)),
                ("group", Node::Null),
            ])],
        )
    }

    #[test]
    fn json_and_xml_carry_the_same_tree() {
        assert_eq!(
            sample().to_json(),
            serde_json::json!([{"service_code": "voirie", "metadata": true, "order": 1, "lat": 48.8566, "group": null}])
        );
        assert_eq!(
            sample().to_xml("services"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>voirie</service_code>\
             <metadata>true</metadata><order>1</order><lat>48.8566</lat><group/></service></services>\n"
        );
    }

    #[test]
    fn json_keeps_the_fields_in_order() {
        let text = sample().to_json_text();
        assert_eq!(text, r#"[{"service_code":"voirie","metadata":true,"order":1,"lat":48.8566,"group":null}]"#);
        let hostile = Node::Object(vec![("description", Node::text("\"},{\"x\": 1 \u{0} </script>"))]);
        let parsed: serde_json::Value = serde_json::from_str(&hostile.to_json_text()).unwrap_or_default();
        assert_eq!(parsed, hostile.to_json());
    }

    #[test]
    fn hostile_text_cannot_break_the_xml() {
        let hostile = "</description><injected a=\"1\">&amp; 'x' ]]> \u{0}\u{1b}\u{FFFE} é 🚧\t\n";
        let xml = Node::Object(vec![("description", Node::text(hostile))]).to_xml("request");
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<request><description>&lt;/description&gt;&lt;injected \
             a=&quot;1&quot;&gt;&amp;amp; &apos;x&apos; ]]&gt; \u{FFFD}\u{FFFD}\u{FFFD} é 🚧\t\n</description></request>\n"
        );
        // Only the markup this writer emitted is left.
        let body = xml.trim_start_matches("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        assert_eq!(body.matches('<').count(), 4);
        // JSON escaping is serde_json's; the text survives unchanged.
        assert_eq!(Node::text(hostile).to_json(), serde_json::Value::String(hostile.to_owned()));
    }

    #[test]
    fn answers_have_the_formats_content_type() {
        let response = Answer::ok(Format::Json, "services", sample()).into_response();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json; charset=utf-8");
        let response = Answer::ok(Format::Xml, "services", sample()).into_response();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/xml; charset=utf-8");
    }
}
