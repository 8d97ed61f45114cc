//! Uploaded images (report photos, pictures attached to publications): what
//! an upload must be before anyone else sees it.
//!
//! [`clean`] is pure: it recognises JPEG, PNG and WebP by their first bytes
//! (never by a file name or a declared content type, both chosen by the
//! sender), refuses everything else, and rewrites the container without the
//! metadata that can locate or identify someone (Exif with its GPS position,
//! XMP, IPTC, comments, text chunks, timestamps). The pixels are not decoded:
//! segments and chunks are walked and copied, so the image is byte for byte
//! the one that was sent, minus its metadata, and no image library (with its
//! own parsing bugs) is needed.
//!
//! - `jpeg`, `png`, `webp` — one container format each.

mod jpeg;
mod png;
mod webp;

/// The largest image accepted, before cleaning (5 MiB).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// The image formats accepted, the ones every browser shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    Jpeg,
    Png,
    Webp,
}

impl ImageType {
    /// The media type to serve the image with.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::Webp => "image/webp",
        }
    }

    /// The file extension for storage keys, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ImageType::Jpeg => "jpg",
            ImageType::Png => "png",
            ImageType::Webp => "webp",
        }
    }
}

/// An image that passed [`clean`]: its real type and its bytes without metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanImage {
    pub kind: ImageType,
    pub bytes: Vec<u8>,
}

/// Why an image is refused. The messages are shown to the people who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("the image is empty")]
    Empty,
    #[error("the image is too large: at most {} MB", max_bytes.div_ceil(1024 * 1024))]
    TooLarge { max_bytes: usize },
    #[error("the file is not an image in JPEG, PNG or WebP format")]
    UnsupportedType,
    #[error("the image file is damaged or incomplete ({0})")]
    Malformed(&'static str),
}

/// Checks an image and returns it without metadata. See the module documentation.
pub fn clean(data: &[u8]) -> Result<CleanImage, ImageError> {
    if data.is_empty() {
        return Err(ImageError::Empty);
    }
    if data.len() > MAX_IMAGE_BYTES {
        return Err(ImageError::TooLarge { max_bytes: MAX_IMAGE_BYTES });
    }
    let kind = sniff(data).ok_or(ImageError::UnsupportedType)?;
    let bytes = match kind {
        ImageType::Jpeg => jpeg::strip(data)?,
        ImageType::Png => png::strip(data)?,
        ImageType::Webp => webp::strip(data)?,
    };
    Ok(CleanImage { kind, bytes })
}

/// The type announced by the first bytes, if it is one we accept. Only a
/// guess: each format's `strip` (in [`clean`]) then checks the whole structure.
pub fn sniff(data: &[u8]) -> Option<ImageType> {
    if data.starts_with(jpeg::MAGIC) {
        Some(ImageType::Jpeg)
    } else if data.starts_with(png::SIGNATURE) {
        Some(ImageType::Png)
    } else if data.starts_with(b"RIFF") && data.get(8..12) == Some(b"WEBP".as_slice()) {
        Some(ImageType::Webp)
    } else {
        None
    }
}

/// The big-endian `u16` at `pos`, if the data is long enough.
fn be_u16(data: &[u8], pos: usize) -> Option<u16> {
    let bytes = data.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_be_bytes([bytes[0], bytes[1]]))
}

/// The big-endian `u32` at `pos`, if the data is long enough.
fn be_u32(data: &[u8], pos: usize) -> Option<u32> {
    let bytes: [u8; 4] = data.get(pos..pos.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(bytes))
}

/// The little-endian `u32` at `pos`, if the data is long enough.
fn le_u32(data: &[u8], pos: usize) -> Option<u32> {
    let bytes: [u8; 4] = data.get(pos..pos.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

#[cfg(test)]
pub(crate) mod samples;

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;

    #[test]
    fn each_format_is_recognised_by_its_bytes_whatever_it_claims() {
        assert_eq!(clean(&jpeg_with_exif()).map(|i| i.kind), Ok(ImageType::Jpeg));
        assert_eq!(clean(&png_with_metadata()).map(|i| i.kind), Ok(ImageType::Png));
        assert_eq!(clean(&webp_extended_with_metadata()).map(|i| i.kind), Ok(ImageType::Webp));
        assert_eq!(ImageType::Jpeg.content_type(), "image/jpeg");
        assert_eq!(ImageType::Png.content_type(), "image/png");
        assert_eq!(ImageType::Webp.content_type(), "image/webp");
        assert_eq!(ImageType::Jpeg.extension(), "jpg");
        assert_eq!(ImageType::Png.extension(), "png");
        assert_eq!(ImageType::Webp.extension(), "webp");
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(clean(b""), Err(ImageError::Empty));
        let refused: &[&[u8]] = &[
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00",
            b"RIFF\x24\x00\x00\x00WAVEfmt ",
            b"\xff\xd8",
            b"\x89PNG",
            b"RIFF",
            b"\x00",
        ];
        for data in refused {
            assert_eq!(clean(data), Err(ImageError::UnsupportedType), "{:?}", String::from_utf8_lossy(data));
        }
    }

    #[test]
    fn images_over_the_limit_are_refused_before_being_read() {
        let mut data = jpeg_with_exif();
        data.resize(MAX_IMAGE_BYTES + 1, 0);
        assert_eq!(clean(&data), Err(ImageError::TooLarge { max_bytes: MAX_IMAGE_BYTES }));
        assert_eq!(
            ImageError::TooLarge { max_bytes: MAX_IMAGE_BYTES }.to_string(),
            "the image is too large: at most 5 MB"
        );
        // Exactly at the limit is accepted (the padding after the image is dropped).
        data.truncate(MAX_IMAGE_BYTES);
        assert_eq!(clean(&data).map(|i| i.bytes), Ok(jpeg_clean()));
    }

    #[test]
    fn messages_speak_to_residents() {
        assert_eq!(ImageError::Empty.to_string(), "the image is empty");
        assert_eq!(ImageError::UnsupportedType.to_string(), "the file is not an image in JPEG, PNG or WebP format");
        assert_eq!(
            ImageError::Malformed("truncated segment").to_string(),
            "the image file is damaged or incomplete (truncated segment)"
        );
    }

    /// A small xorshift generator: reproducible "random" inputs without a dependency.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Every prefix and many random corruptions of valid images, and random
    /// bytes behind each magic number: `clean` answers, never panics, and what
    /// it accepts it accepts again unchanged (cleaning is idempotent).
    #[test]
    fn no_input_makes_clean_panic() {
        let samples = [
            jpeg_with_exif(),
            jpeg_clean(),
            png_with_metadata(),
            png_clean(),
            webp_extended_with_metadata(),
            webp_extended_clean(),
            webp_simple(),
        ];
        let check = |data: &[u8]| {
            if let Ok(image) = clean(data) {
                assert_eq!(clean(&image.bytes), Ok(image.clone()), "not idempotent on {data:02x?}");
            }
        };
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for sample in &samples {
            for end in 0..sample.len() {
                check(&sample[..end]);
            }
            for _ in 0..2000 {
                let mut data = sample.clone();
                for _ in 0..=rng.below(4) {
                    let at = rng.below(data.len());
                    match rng.below(4) {
                        0 => data[at] = rng.next() as u8,
                        1 => data[at] = [0x00, 0xFF, 0x7F, 0x80][rng.below(4)],
                        2 => data.truncate(at),
                        _ => data.insert(at, rng.next() as u8),
                    }
                    if data.is_empty() {
                        break;
                    }
                }
                check(&data);
            }
        }
        let magics: [&[u8]; 4] = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBP", b""];
        for magic in magics {
            for _ in 0..3000 {
                let mut data = magic.to_vec();
                let len = rng.below(64);
                data.extend((0..len).map(|_| rng.next() as u8));
                check(&data);
            }
        }
    }
}
