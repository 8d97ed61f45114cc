//! Files attached to a publication (a council decision's PDF, a project's
//! photos, a budget document): which types, how many, how big, and the
//! texts that come with them. Pure: the bytes were checked by the API (with
//! `miroir-objects`) before a command reaches the decider.

use super::publication::{DomainError, invalid};

/// How many attachments one publication carries at most (those removed by an
/// amendment, kept in the history, do not count).
pub const MAX_ATTACHMENTS: usize = 10;
/// The longest display name kept, extension included.
pub const MAX_DISPLAY_NAME_CHARS: usize = 120;
/// The longest text alternative of an image (or description of a PDF).
pub const MAX_ALT_TEXT_CHARS: usize = 300;
/// The largest PDF (20 MiB) and image (5 MiB).
pub const MAX_PDF_BYTES: u64 = 20 * 1024 * 1024;
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;

/// What an attachment is, as read from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    Webp,
}

impl MediaType {
    pub const ALL: [MediaType; 4] = [MediaType::Pdf, MediaType::Jpeg, MediaType::Png, MediaType::Webp];

    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Webp => "image/webp",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        MediaType::ALL.into_iter().find(|m| m.as_str() == raw)
    }

    pub fn is_image(self) -> bool {
        self != MediaType::Pdf
    }

    /// The extension of storage keys and display names, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Webp => "webp",
        }
    }

    /// Extensions a display name may already end with for this type (lower case).
    fn known_extensions(self) -> &'static [&'static str] {
        match self {
            MediaType::Pdf => &["pdf"],
            MediaType::Jpeg => &["jpg", "jpeg"],
            MediaType::Png => &["png"],
            MediaType::Webp => &["webp"],
        }
    }

    pub fn max_bytes(self) -> u64 {
        if self.is_image() { MAX_IMAGE_BYTES } else { MAX_PDF_BYTES }
    }

    /// The name used when the sender gave none (or nothing of it was kept).
    fn default_stem(self) -> &'static str {
        if self.is_image() { "image" } else { "document" }
    }
}

/// Characters that change how a name reads without being seen: bidirectional
/// overrides (`facture` U+202E `fdp.exe` shows as `factureexe.pdf`), zero-width
/// characters, the soft hyphen, the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The name shown for an attachment, from the sender's file name: only its
/// last path component (browsers of old sent `C:\Users\…\plan.pdf`), without
/// control or invisible characters, spaces collapsed, no leading dot, at most
/// [`MAX_DISPLAY_NAME_CHARS`], and ending with the extension of the real type
/// (`plan.html` sent as a PDF becomes `plan.html.pdf`: a download is never
/// saved under a type it is not). Never fails: a useless name becomes
/// `document.pdf` or `image.jpg`.
pub fn display_name(raw: &str, media: MediaType) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let visible: String =
        last.chars().map(|c| if c.is_control() { ' ' } else { c }).filter(|c| !invisible(*c)).collect();
    let spaced = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = spaced.trim_start_matches(['.', ' ']);
    let (stem, has_extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if media.known_extensions().contains(&ext.to_lowercase().as_str()) => (stem, true),
        _ => (name, false),
    };
    let stem = stem.trim_end_matches(['.', ' ']);
    let stem = if stem.is_empty() { media.default_stem() } else { stem };
    let extension = match (has_extension, name.rsplit_once('.')) {
        (true, Some((_, ext))) => ext.to_owned(),
        _ => media.extension().to_owned(),
    };
    let room = MAX_DISPLAY_NAME_CHARS - extension.chars().count() - 1;
    let stem: String = stem.chars().take(room).collect();
    format!("{}.{extension}", stem.trim_end())
}

/// The text alternative: required for an image (the publication is read by
/// people who cannot see it), optional for a PDF; one line, at most
/// [`MAX_ALT_TEXT_CHARS`].
pub fn alt_text(raw: &str, media: MediaType) -> Result<String, DomainError> {
    let text = raw.trim();
    if media.is_image() && text.is_empty() {
        return Err(invalid("alt_text", "is required for an image: say what it shows, for who cannot see it"));
    }
    if text.chars().count() > MAX_ALT_TEXT_CHARS || text.chars().any(|c| c.is_control() || invisible(c)) {
        return Err(invalid("alt_text", format!("must be at most {MAX_ALT_TEXT_CHARS} characters on one line")));
    }
    Ok(text.to_owned())
}

/// A file the API checked and is about to store, as the decider receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttachment {
    pub attachment_id: String,
    pub media_type: MediaType,
    pub size_bytes: u64,
    pub sha256: String,
    /// Where the bytes go, chosen by the API from the ids (see [`object_key`]).
    pub object_key: String,
    /// As the sender gave them; cleaned by the decider.
    pub display_name: String,
    pub alt_text: String,
}

/// The storage key of an attachment: ids and the type's extension only,
/// under the publications' own prefix of the commune.
pub fn object_key(commune: &str, publication_id: &str, attachment_id: &str, media: MediaType) -> String {
    format!("communes/{commune}/publications/{publication_id}/{attachment_id}.{}", media.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_round_trip() {
        for media in MediaType::ALL {
            assert_eq!(MediaType::parse(media.as_str()), Some(media));
        }
        assert_eq!(MediaType::parse("text/html"), None);
        assert_eq!(MediaType::Pdf.max_bytes(), 20 * 1024 * 1024);
        assert_eq!(MediaType::Webp.max_bytes(), 5 * 1024 * 1024);
        assert!(!MediaType::Pdf.is_image() && MediaType::Png.is_image());
    }

    #[test]
    fn display_names_lose_folders_control_and_invisible_characters() {
        let pdf = MediaType::Pdf;
        assert_eq!(display_name("Délibération 2026-041.pdf", pdf), "Délibération 2026-041.pdf");
        assert_eq!(display_name("C:\\Users\\mairie\\Documents\\budget.PDF", pdf), "budget.PDF");
        assert_eq!(display_name("../../etc/passwd", pdf), "passwd.pdf");
        assert_eq!(display_name("a/b/", pdf), "document.pdf");
        assert_eq!(display_name("compte\r\nrendu\t.pdf", pdf), "compte rendu.pdf");
        assert_eq!(display_name("facture\u{202E}fdp.exe", pdf), "facturefdp.exe.pdf");
        assert_eq!(display_name("zero\u{200B}width.pdf", pdf), "zerowidth.pdf");
        assert_eq!(display_name(".htaccess", pdf), "htaccess.pdf");
        assert_eq!(display_name("..", pdf), "document.pdf");
        assert_eq!(display_name("", MediaType::Png), "image.png");
        assert_eq!(display_name("   ", pdf), "document.pdf");
        assert_eq!(display_name(".pdf", pdf), "pdf.pdf");
    }

    #[test]
    fn display_names_end_with_the_real_type() {
        assert_eq!(display_name("plan.html", MediaType::Pdf), "plan.html.pdf");
        assert_eq!(display_name("photo.jpeg", MediaType::Jpeg), "photo.jpeg");
        assert_eq!(display_name("photo.JPG", MediaType::Jpeg), "photo.JPG");
        assert_eq!(display_name("photo.png", MediaType::Jpeg), "photo.png.jpg");
        assert_eq!(display_name("chantier", MediaType::Webp), "chantier.webp");
    }

    #[test]
    fn display_names_are_capped_and_keep_their_extension() {
        let long = format!("{}.pdf", "é".repeat(500));
        let name = display_name(&long, MediaType::Pdf);
        assert_eq!(name.chars().count(), MAX_DISPLAY_NAME_CHARS);
        assert!(name.ends_with("éé.pdf"));
        // A cut that lands on a space leaves no space before the extension.
        let spaces = format!("{}  b.png", "a".repeat(MAX_DISPLAY_NAME_CHARS - 5));
        assert_eq!(display_name(&spaces, MediaType::Png), format!("{}.png", "a".repeat(MAX_DISPLAY_NAME_CHARS - 5)));
    }

    #[test]
    fn images_need_a_text_alternative() {
        let field = |r: Result<String, DomainError>| match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => format!("{other:?}"),
        };
        assert_eq!(
            alt_text("  Chaussée refaite rue des Lilas ", MediaType::Jpeg),
            Ok("Chaussée refaite rue des Lilas".into())
        );
        assert_eq!(field(alt_text(" ", MediaType::Jpeg)), "alt_text");
        assert_eq!(alt_text("", MediaType::Pdf), Ok(String::new()));
        assert_eq!(field(alt_text("deux\nlignes", MediaType::Pdf)), "alt_text");
        assert_eq!(field(alt_text(&"a".repeat(MAX_ALT_TEXT_CHARS + 1), MediaType::Png)), "alt_text");
    }

    #[test]
    fn keys_hold_ids_and_the_type_only() {
        assert_eq!(object_key("75056", "p", "a", MediaType::Pdf), "communes/75056/publications/p/a.pdf");
    }
}
