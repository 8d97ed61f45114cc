//! WebP: a RIFF container (`RIFF size WEBP`, then chunks `FourCC size data`,
//! padded to an even length).
//!
//! A simple file is one image chunk (VP8 lossy or VP8L lossless): it cannot
//! hold metadata, and any chunk after the image (which decoders ignore) goes.
//! An extended file starts with VP8X, whose flags announce the optional chunks:
//! ICCP, ANIM, ANMF, ALPH and the image chunks stay; EXIF, XMP and unknown
//! chunks go and the EXIF and XMP flags are cleared. The chunks are written
//! again with zero padding and the RIFF size of what remains; anything after
//! the RIFF size goes.

use super::{ImageError, le_u32};

const EXIF_FLAG: u8 = 0x08;
const XMP_FLAG: u8 = 0x04;

/// Chunks of an extended file that make up the picture.
const KEPT: &[&[u8; 4]] = &[b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"];

fn malformed(reason: &'static str) -> ImageError {
    ImageError::Malformed(reason)
}

struct Chunk<'a> {
    fourcc: &'a [u8],
    payload: &'a [u8],
}

/// The WebP without its metadata chunks and trailing data.
pub(super) fn strip(data: &[u8]) -> Result<Vec<u8>, ImageError> {
    if !data.starts_with(b"RIFF") || data.get(8..12) != Some(b"WEBP".as_slice()) {
        return Err(malformed("bad WebP header"));
    }
    let riff_size = le_u32(data, 4).ok_or(malformed("bad WebP header"))?;
    let riff_end = usize::try_from(riff_size)
        .ok()
        .and_then(|size| size.checked_add(8))
        .filter(|&end| end >= 12)
        .ok_or(malformed("bad WebP header"))?;
    let body = data.get(12..riff_end).ok_or(malformed("truncated file"))?;
    let chunks = chunks(body)?;
    let (first, rest) = chunks.split_first().ok_or(malformed("no image data"))?;
    let mut kept = Vec::new();
    match first.fourcc {
        b"VP8 " | b"VP8L" => {
            check_image(first)?;
            kept.push(Chunk { fourcc: first.fourcc, payload: first.payload });
        }
        b"VP8X" => {
            if first.payload.len() != 10 {
                return Err(malformed("bad extended header"));
            }
            let mut header = [0u8; 10];
            header.copy_from_slice(first.payload);
            header[0] &= !(EXIF_FLAG | XMP_FLAG);
            let mut image = false;
            for chunk in rest {
                if chunk.fourcc == b"VP8X" {
                    return Err(malformed("second extended header"));
                }
                if !KEPT.iter().any(|k| k.as_slice() == chunk.fourcc) {
                    continue;
                }
                if matches!(chunk.fourcc, b"VP8 " | b"VP8L") {
                    check_image(chunk)?;
                }
                image |= matches!(chunk.fourcc, b"VP8 " | b"VP8L" | b"ANMF");
                kept.push(Chunk { fourcc: chunk.fourcc, payload: chunk.payload });
            }
            if !image {
                return Err(malformed("no image data"));
            }
            return Ok(write(&header, &kept));
        }
        _ => return Err(malformed("unknown WebP image chunk")),
    }
    Ok(write(&[], &kept))
}

/// Splits the RIFF body into chunks. A missing pad byte after the last chunk
/// is tolerated (some encoders omit it); `write` adds it back.
fn chunks(body: &[u8]) -> Result<Vec<Chunk<'_>>, ImageError> {
    let mut chunks = Vec::new();
    let mut pos = 0;
    while pos < body.len() {
        let fourcc = body.get(pos..pos + 4).ok_or(malformed("truncated chunk"))?;
        let size = le_u32(body, pos + 4).ok_or(malformed("truncated chunk"))?;
        let payload_end = usize::try_from(size)
            .ok()
            .and_then(|size| (pos + 8).checked_add(size))
            .ok_or(malformed("truncated chunk"))?;
        let payload = body.get(pos + 8..payload_end).ok_or(malformed("truncated chunk"))?;
        chunks.push(Chunk { fourcc, payload });
        pos = (payload_end + payload.len() % 2).min(body.len());
    }
    Ok(chunks)
}

/// The start of the image bitstream: the VP8 key frame start code, or the
/// VP8L signature and version 0. Refuses files that only look like WebP.
fn check_image(chunk: &Chunk<'_>) -> Result<(), ImageError> {
    let ok = match chunk.fourcc {
        b"VP8 " => chunk.payload.len() >= 10 && chunk.payload.get(3..6) == Some([0x9D, 0x01, 0x2A].as_slice()),
        _ => chunk.payload.len() >= 5 && chunk.payload[0] == 0x2F && chunk.payload[4] >> 5 == 0,
    };
    if ok { Ok(()) } else { Err(malformed("bad image data")) }
}

fn write(vp8x: &[u8], chunks: &[Chunk<'_>]) -> Vec<u8> {
    let mut body = b"WEBP".to_vec();
    let header = (!vp8x.is_empty()).then_some(Chunk { fourcc: b"VP8X", payload: vp8x });
    for chunk in header.iter().chain(chunks) {
        body.extend(chunk.fourcc);
        // Sizes come from chunks of a body shorter than MAX_PHOTO_BYTES, so they fit in u32.
        body.extend(u32::try_from(chunk.payload.len()).unwrap_or(u32::MAX).to_le_bytes());
        body.extend(chunk.payload);
        if chunk.payload.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend(u32::try_from(body.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend(body);
    out
}

#[cfg(test)]
mod tests {
    use super::super::samples::*;
    use super::super::{ImageError, clean};
    use super::strip;

    #[test]
    fn exif_and_xmp_chunks_and_their_flags_are_removed_and_the_rest_is_identical() {
        let original = webp_extended_with_metadata();
        let cleaned = strip(&original).expect("valid WebP");
        assert_eq!(cleaned, webp_extended_clean());
        for gone in [&GPS_LATITUDE[..], b"EXIF", b"XMP ", b"GPSLatitude"] {
            assert!(contains(&original, gone) && !contains(&cleaned, gone), "{}", String::from_utf8_lossy(gone));
        }
        assert_eq!(cleaned[20], 0, "the EXIF and XMP flags of VP8X are cleared");
        assert_eq!(u32::from_le_bytes([cleaned[4], cleaned[5], cleaned[6], cleaned[7]]) as usize, cleaned.len() - 8);
        assert_eq!(clean(&cleaned).map(|i| i.bytes), Ok(cleaned), "a clean image is left as it is");
    }

    #[test]
    fn simple_files_keep_only_their_image() {
        assert_eq!(strip(&webp_simple()), Ok(webp_simple()));
        let with_extra = riff(&[vp8l(), riff_chunk(b"EXIF", &tiff_with_gps())]);
        assert_eq!(strip(&with_extra), Ok(webp_simple()));
        let mut trailing = webp_simple();
        trailing.extend(b"<svg onload=alert(1)>");
        assert_eq!(strip(&trailing), Ok(webp_simple()));
    }

    #[test]
    fn colour_profile_and_its_flag_stay_unknown_chunks_go() {
        let icc = riff_chunk(b"ICCP", b"profile");
        let original =
            riff(&[vp8x(0x20 | 0x08), icc.clone(), vp8l(), riff_chunk(b"EXIF", b"II*\0"), riff_chunk(b"JUNK", b"x")]);
        assert_eq!(strip(&original), Ok(riff(&[vp8x(0x20), icc, vp8l()])));
    }

    #[test]
    fn lossy_images_are_accepted_and_a_missing_last_pad_byte_is_restored() {
        let vp8 = [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x01, 0x00, 0x01, 0x00, 0x00];
        let padded = riff(&[riff_chunk(b"VP8 ", &vp8)]);
        let unpadded = riff(&[riff_chunk(b"VP8 ", &vp8)[..8 + vp8.len()].to_vec()]);
        assert_eq!(strip(&unpadded), Ok(padded.clone()));
        assert_eq!(strip(&padded), Ok(padded));
    }

    #[test]
    fn broken_structure_is_refused_with_a_reason() {
        let mut too_long = webp_simple();
        too_long[4] += 2;
        let mut bad_chunk = vp8l();
        bad_chunk[4] = 0x40;
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (too_long, "truncated file"),
            (b"RIFF\x02\x00\x00\x00WEBP".to_vec(), "bad WebP header"),
            (b"RIFF\x04\x00\x00\x00WEBP".to_vec(), "no image data"),
            (riff(&[bad_chunk]), "truncated chunk"),
            (riff(&[b"VP8L\x08\x00".to_vec()]), "truncated chunk"),
            (riff(&[riff_chunk(b"VP8L", &[0x2E, 0, 0, 0, 0, 0x88])]), "bad image data"),
            (riff(&[riff_chunk(b"VP8 ", &[0; 10])]), "bad image data"),
            (riff(&[riff_chunk(b"ALPH", b"x"), vp8l()]), "unknown WebP image chunk"),
            (riff(&[vp8x(0), riff_chunk(b"EXIF", b"II*\0")]), "no image data"),
            (riff(&[riff_chunk(b"VP8X", &[0; 9]), vp8l()]), "bad extended header"),
            (riff(&[vp8x(0), vp8x(0), vp8l()]), "second extended header"),
        ];
        for (data, reason) in cases {
            assert_eq!(strip(&data), Err(ImageError::Malformed(reason)), "{data:02x?}");
        }
    }
}
