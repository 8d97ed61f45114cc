//! PDF documents (council decisions, minutes, budgets attached to
//! publications): recognised by their bytes, never by a name or a declared
//! type.
//!
//! The check is deliberately shallow: a PDF starts with `%PDF-` and a version
//! (`%PDF-1.7`), and its last bytes hold the `%%EOF` marker (readers look for
//! it in the last 1024 bytes; a file cut short in transfer lacks it). The
//! document is not parsed nor rewritten, so its own metadata (author, software,
//! dates in the Info dictionary and XMP) is kept as the commune sent it — these
//! are official documents, published on purpose. Files with bytes before the
//! header, which readers tolerate, are refused: that slack is what lets one
//! file be both an HTML page and a PDF.

/// The largest PDF accepted (20 MiB).
pub const MAX_PDF_BYTES: usize = 20 * 1024 * 1024;

/// Where the end-of-file marker must be: within this many last bytes.
const EOF_WINDOW: usize = 1024;

/// The media type PDFs are served with.
pub const MEDIA_TYPE: &str = "application/pdf";

/// Why a PDF is refused. The messages are shown to the people who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("the document is empty")]
    Empty,
    #[error("the PDF is too large: at most {} MB", max_bytes.div_ceil(1024 * 1024))]
    TooLarge { max_bytes: usize },
    #[error("the file is not a PDF document")]
    NotPdf,
    #[error("the PDF file is incomplete (it does not end with %%EOF)")]
    Truncated,
}

/// Whether the first bytes announce a PDF (what [`check`] then verifies).
pub fn looks_like_pdf(data: &[u8]) -> bool {
    data.starts_with(b"%PDF-")
}

/// Checks that `data` is a whole PDF within the size limit.
pub fn check(data: &[u8]) -> Result<(), PdfError> {
    if data.is_empty() {
        return Err(PdfError::Empty);
    }
    if data.len() > MAX_PDF_BYTES {
        return Err(PdfError::TooLarge { max_bytes: MAX_PDF_BYTES });
    }
    // "%PDF-" then a version: one digit, a dot, one digit (1.0 to 2.0 exist).
    let version = match data.get(..8) {
        Some([b'%', b'P', b'D', b'F', b'-', major, b'.', minor]) => (*major, *minor),
        _ => return Err(PdfError::NotPdf),
    };
    if !version.0.is_ascii_digit() || !version.1.is_ascii_digit() {
        return Err(PdfError::NotPdf);
    }
    let tail = &data[data.len().saturating_sub(EOF_WINDOW)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(PdfError::Truncated);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page PDF as a word processor would write it (short, but whole).
    fn minimal() -> Vec<u8> {
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
          2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\
          trailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n"
            .to_vec()
    }

    #[test]
    fn a_whole_pdf_is_accepted() {
        assert!(looks_like_pdf(&minimal()));
        assert_eq!(check(&minimal()), Ok(()));
        let mut pdf2 = minimal();
        pdf2[5..8].copy_from_slice(b"2.0");
        assert_eq!(check(&pdf2), Ok(()));
        // Incremental updates and trailing whitespace or padding after %%EOF are common.
        let mut padded = minimal();
        padded.extend([b'\r', b'\n', 0, 0, b' ']);
        assert_eq!(check(&padded), Ok(()));
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(check(b""), Err(PdfError::Empty));
        let not_pdf: &[&[u8]] = &[
            b"<!DOCTYPE html><html><body>%PDF-1.4 %%EOF</body></html>",
            b"\xff\xd8\xff\xe0 not a pdf %%EOF",
            b" %PDF-1.4\n%%EOF",
            b"%PDF-\n%%EOF",
            b"%PDF-x.y\n%%EOF",
            b"%PDF",
            b"%pdf-1.4\n%%EOF",
        ];
        for data in not_pdf {
            assert_eq!(check(data), Err(PdfError::NotPdf), "{:?}", String::from_utf8_lossy(data));
        }
    }

    #[test]
    fn a_pdf_cut_short_is_refused() {
        let whole = minimal();
        let cut = &whole[..whole.len() - 4];
        assert_eq!(check(cut), Err(PdfError::Truncated));
        // The marker must be near the end, not anywhere.
        let mut buried = minimal();
        buried.extend(vec![b'A'; EOF_WINDOW]);
        assert_eq!(check(&buried), Err(PdfError::Truncated));
        buried.truncate(whole.len() + EOF_WINDOW - 6);
        assert_eq!(check(&buried), Ok(()), "%%EOF within the last 1024 bytes");
    }

    #[test]
    fn size_is_limited() {
        let mut big = minimal();
        big.splice(9..9, vec![b'%'; MAX_PDF_BYTES - big.len()]);
        assert_eq!(big.len(), MAX_PDF_BYTES);
        assert_eq!(check(&big), Ok(()), "exactly at the limit");
        big.insert(9, b'%');
        assert_eq!(check(&big), Err(PdfError::TooLarge { max_bytes: MAX_PDF_BYTES }));
        assert_eq!(check(&big).map_err(|e| e.to_string()), Err("the PDF is too large: at most 20 MB".to_owned()));
    }
}
