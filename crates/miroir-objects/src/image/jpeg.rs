//! JPEG: start of image, marker segments (each `FF code length payload`),
//! entropy-coded data after each start of scan, end of image.
//!
//! Metadata lives in application segments (APP0–APP15) and comments. Only the
//! three application segments that change how the image looks are kept: APP0
//! JFIF (pixel density), APP2 ICC profile (colours) and APP14 Adobe (colour
//! transform). Every other one goes, not just APP1 (Exif, XMP) and APP13
//! (IPTC): cameras and phones also write personal data in APP2 (MPF, FlashPix),
//! APP3–APP12 and APP15, and no decoder needs them. Anything after the end of
//! image (a second picture, a Samsung trailer, an appended archive) goes too.

use super::{ImageError, be_u16};

/// Start of image and the first byte of the next marker.
pub(super) const MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const TEM: u8 = 0x01;

fn malformed(reason: &'static str) -> ImageError {
    ImageError::Malformed(reason)
}

/// The JPEG without its metadata segments and trailing data.
pub(super) fn strip(data: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::with_capacity(data.len());
    out.extend([0xFF, SOI]);
    let mut pos = 2;
    let mut frame = false;
    let mut scan = false;
    loop {
        // A marker is FF and a code, possibly preceded by fill bytes (more FF), which are not copied.
        match data.get(pos) {
            Some(0xFF) => {}
            Some(_) => return Err(malformed("expected a JPEG marker")),
            None => return Err(malformed("no end of image")),
        }
        while data.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let code = *data.get(pos).ok_or(malformed("no end of image"))?;
        pos += 1;
        match code {
            EOI if !scan => return Err(malformed("no image data")),
            EOI => {
                out.extend([0xFF, EOI]);
                return Ok(out);
            }
            // Markers without a payload; harmless, kept.
            TEM | 0xD0..=0xD7 => {
                out.extend([0xFF, code]);
                continue;
            }
            0x00 | SOI => return Err(malformed("unexpected JPEG marker")),
            _ => {}
        }
        let len = usize::from(be_u16(data, pos).ok_or(malformed("truncated segment"))?);
        if len < 2 {
            return Err(malformed("bad segment length"));
        }
        let end = pos.checked_add(len).ok_or(malformed("bad segment length"))?;
        let segment = data.get(pos..end).ok_or(malformed("truncated segment"))?;
        let payload = segment.get(2..).unwrap_or_default();
        if keep(code, payload)? {
            out.extend([0xFF, code]);
            out.extend(segment);
        }
        pos = end;
        if is_frame_header(code) {
            check_frame_header(payload)?;
            frame = true;
        }
        if code == SOS {
            if !frame {
                return Err(malformed("scan before the frame header"));
            }
            check_scan_header(payload)?;
            scan = true;
            let scan_end = entropy_coded_end(data, pos)?;
            out.extend(data.get(pos..scan_end).ok_or(malformed("truncated scan"))?);
            pos = scan_end;
        }
    }
}

/// Start of frame: SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
fn is_frame_header(code: u8) -> bool {
    (0xC0..=0xCF).contains(&code) && !matches!(code, 0xC4 | 0xC8 | 0xCC)
}

/// Whether a segment stays: structure yes, metadata no, unknown markers refused
/// (they are reserved; no encoder writes them, so the file is not a JPEG).
fn keep(code: u8, payload: &[u8]) -> Result<bool, ImageError> {
    Ok(match code {
        0xE0 => payload.starts_with(b"JFIF\0"),
        0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
        0xEE => payload.starts_with(b"Adobe"),
        0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
        // Frame headers, DHT, DAC, DQT, DNL, DRI, SOS, DHP, EXP.
        _ if is_frame_header(code) => true,
        0xC4 | 0xCC | 0xDA..=0xDF => true,
        _ => return Err(malformed("unknown JPEG marker")),
    })
}

/// Precision, height, width, component count, three bytes per component; a
/// zero width is no image (a zero height is allowed: it comes later in DNL).
fn check_frame_header(payload: &[u8]) -> Result<(), ImageError> {
    let width = be_u16(payload, 3).ok_or(malformed("short frame header"))?;
    let components = usize::from(*payload.get(5).ok_or(malformed("short frame header"))?);
    if width == 0 || components == 0 || payload.len() != 6 + 3 * components {
        return Err(malformed("bad frame header"));
    }
    Ok(())
}

/// Component count, two bytes per component, then three bytes.
fn check_scan_header(payload: &[u8]) -> Result<(), ImageError> {
    let components = usize::from(*payload.first().ok_or(malformed("short scan header"))?);
    if components == 0 || payload.len() != 1 + 2 * components + 3 {
        return Err(malformed("bad scan header"));
    }
    Ok(())
}

/// Where the entropy-coded data starting at `start` ends: at the first FF that
/// is neither a stuffed zero (FF 00) nor a restart marker (FF D0–D7).
fn entropy_coded_end(data: &[u8], start: usize) -> Result<usize, ImageError> {
    let mut i = start;
    loop {
        let rest = data.get(i..).ok_or(malformed("truncated scan"))?;
        let offset = rest.iter().position(|&b| b == 0xFF).ok_or(malformed("truncated scan"))?;
        i += offset;
        match data.get(i + 1) {
            None => return Err(malformed("truncated scan")),
            Some(0x00 | 0xD0..=0xD7) => i += 2,
            Some(_) => return Ok(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::samples::*;
    use super::super::{ImageError, clean};
    use super::strip;

    fn jpeg(parts: &[Vec<u8>]) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        out.extend(parts.concat());
        out
    }

    const EOI: [u8; 2] = [0xFF, 0xD9];

    #[test]
    fn exif_gps_xmp_iptc_and_comments_are_removed_and_the_rest_is_identical() {
        let original = jpeg_with_exif();
        let cleaned = strip(&original).expect("valid JPEG");
        assert_eq!(cleaned, jpeg_clean());
        for gone in [&GPS_LATITUDE[..], b"Exif", b"GPSLatitude", b"Photoshop", b"8BIM", b"Jeanne", b"Lilas"] {
            assert!(contains(&original, gone) && !contains(&cleaned, gone), "{}", String::from_utf8_lossy(gone));
        }
        assert_eq!(clean(&cleaned).map(|i| i.bytes), Ok(cleaned), "a clean image is left as it is");
    }

    #[test]
    fn only_the_application_segments_that_change_the_picture_are_kept() {
        let adobe = segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x00");
        let original = jpeg(&[
            jfif(),
            segment(0xE0, b"JFXX\x00\x10thumbnail"),
            segment(0xE2, b"MPF\x00II*\x00second image"),
            segment(0xE3, b"Meta\x00camera owner"),
            segment(0xEC, b"Ducky\x00\x01"),
            adobe.clone(),
            segment(0xEF, b"private"),
            jpeg_image_core(),
            EOI.to_vec(),
        ]);
        assert_eq!(strip(&original), Ok(jpeg(&[jfif(), adobe, jpeg_image_core(), EOI.to_vec()])));
    }

    #[test]
    fn scan_data_is_copied_up_to_the_next_real_marker() {
        // Stuffed FF 00 and restart markers belong to the scan; a comment after it goes; fill bytes go.
        let mut core = jpeg_image_core();
        core.pop();
        core.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD7, 0x78]);
        let original = jpeg(&[core.clone(), segment(0xFE, b"after the scan"), vec![0xFF, 0xFF], EOI.to_vec()]);
        assert_eq!(strip(&original), Ok(jpeg(&[core, EOI.to_vec()])));
    }

    #[test]
    fn progressive_images_keep_every_scan() {
        let core = jpeg_image_core();
        let second_scan = [segment(0xDA, &[1, 1, 0x00, 1, 63, 0]), vec![0x00, 0xFF, 0x00]].concat();
        let original =
            jpeg(&[core.clone(), segment(0xE1, b"Exif\0\0between scans"), second_scan.clone(), EOI.to_vec()]);
        assert_eq!(strip(&original), Ok(jpeg(&[core, second_scan, EOI.to_vec()])));
    }

    #[test]
    fn anything_after_the_end_of_image_is_dropped() {
        let mut polyglot = jpeg_clean();
        polyglot.extend(b"PK\x03\x04\x14\x00\x00\x00\x08\x00secret.txt");
        assert_eq!(strip(&polyglot), Ok(jpeg_clean()));
        let mut two_images = jpeg_clean();
        two_images.extend(jpeg_with_exif());
        assert_eq!(strip(&two_images), Ok(jpeg_clean()));
    }

    #[test]
    fn broken_structure_is_refused_with_a_reason() {
        let core = jpeg_image_core();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (jpeg(&[jfif(), core.clone()]), "truncated scan"),
            (jpeg(&[jfif(), core.clone(), vec![0xFF]]), "truncated scan"),
            (jpeg(&[jfif()]), "no end of image"),
            (jpeg(&[jfif(), EOI.to_vec()]), "no image data"),
            (jpeg(&[vec![0xFF, 0xE0, 0x00]]), "truncated segment"),
            (jpeg(&[vec![0xFF, 0xE0, 0x00, 0x40, b'J', b'F']]), "truncated segment"),
            (jpeg(&[vec![0xFF, 0xE0, 0x00, 0x01], core.clone(), EOI.to_vec()]), "bad segment length"),
            (jpeg(&[b"<html>".to_vec()]), "expected a JPEG marker"),
            (jpeg(&[vec![0xFF, 0xD8], core.clone(), EOI.to_vec()]), "unexpected JPEG marker"),
            (jpeg(&[segment(0x4A, b"?"), core.clone(), EOI.to_vec()]), "unknown JPEG marker"),
            (jpeg(&[segment(0xDA, &[1, 1, 0, 0, 63, 0]), vec![0x3F], EOI.to_vec()]), "scan before the frame header"),
            (jpeg(&[segment(0xC0, &[8, 0, 8, 0, 0, 1, 1, 0x11, 0]), EOI.to_vec()]), "bad frame header"),
            (jpeg(&[segment(0xC0, &[8, 0, 8]), EOI.to_vec()]), "short frame header"),
        ];
        for (data, reason) in cases {
            assert_eq!(strip(&data), Err(ImageError::Malformed(reason)), "{data:02x?}");
        }
    }
}
