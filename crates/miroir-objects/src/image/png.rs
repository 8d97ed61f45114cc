//! PNG: the signature, then chunks (`length type data CRC`) from IHDR to IEND.
//!
//! The chunks that make up the picture are kept: the critical ones (IHDR,
//! PLTE, IDAT, IEND), transparency and colour (tRNS, cHRM, gAMA, iCCP, sBIT,
//! sRGB, cICP, mDCV, cLLI, bKGD), pixel size (pHYs) and animation (acTL,
//! fcTL, fdAT). Every other ancillary chunk goes: eXIf, tEXt, zTXt, iTXt and
//! tIME, but also private ones (C2PA's caBX names the author, editors write
//! their own), since decoders skip unknown ancillary chunks anyway. A file with
//! an unknown critical chunk is refused: no decoder would show it. Anything
//! after IEND goes.

use super::{ImageError, be_u32};

pub(super) const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Ancillary chunks that change how the image is shown.
const KEPT_ANCILLARY: &[&[u8; 4]] = &[
    b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"mDCv", b"cLLI", b"cLLi", b"bKGD",
    b"pHYs", b"acTL", b"fcTL", b"fdAT",
];

const CRITICAL: &[&[u8; 4]] = &[b"IHDR", b"PLTE", b"IDAT", b"IEND"];

fn malformed(reason: &'static str) -> ImageError {
    ImageError::Malformed(reason)
}

/// The PNG without its metadata chunks and trailing data.
pub(super) fn strip(data: &[u8]) -> Result<Vec<u8>, ImageError> {
    if !data.starts_with(SIGNATURE) {
        return Err(malformed("bad PNG signature"));
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend(SIGNATURE);
    let mut pos = SIGNATURE.len();
    let mut header = false;
    let mut image_data = false;
    loop {
        let len = be_u32(data, pos).ok_or(malformed("truncated chunk"))?;
        // The format caps lengths at 2^31 - 1; a larger one is corruption.
        if len > 0x7FFF_FFFF {
            return Err(malformed("bad chunk length"));
        }
        let data_end = usize::try_from(len)
            .ok()
            .and_then(|len| pos.checked_add(8)?.checked_add(len))
            .ok_or(malformed("bad chunk length"))?;
        let chunk_end = data_end.checked_add(4).ok_or(malformed("bad chunk length"))?;
        let chunk = data.get(pos..chunk_end).ok_or(malformed("truncated chunk"))?;
        let (kind, body) = (chunk.get(4..8), chunk.get(4..chunk.len() - 4));
        let (Some(kind), Some(body)) = (kind, body) else { return Err(malformed("truncated chunk")) };
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(malformed("bad chunk type"));
        }
        if be_u32(chunk, chunk.len() - 4) != Some(crc32(body)) {
            return Err(malformed("bad chunk checksum"));
        }
        let is_critical = kind[0].is_ascii_uppercase();
        match kind {
            b"IHDR" if header => return Err(malformed("second PNG header")),
            b"IHDR" => {
                check_header(body.get(4..).unwrap_or_default())?;
                header = true;
            }
            _ if !header => return Err(malformed("no PNG header")),
            b"IDAT" => image_data = true,
            b"IEND" if !image_data => return Err(malformed("no image data")),
            b"IEND" => {
                out.extend(chunk);
                return Ok(out);
            }
            _ if is_critical && !CRITICAL.iter().any(|c| c.as_slice() == kind) => {
                return Err(malformed("unknown critical PNG chunk"));
            }
            _ => {}
        }
        if is_critical || KEPT_ANCILLARY.iter().any(|k| k.as_slice() == kind) {
            out.extend(chunk);
        }
        pos = chunk_end;
    }
}

/// Width, height (both non-zero), then five one-byte fields.
fn check_header(header: &[u8]) -> Result<(), ImageError> {
    let (width, height) = (be_u32(header, 0), be_u32(header, 4));
    if header.len() != 13 || width == Some(0) || height == Some(0) {
        return Err(malformed("bad PNG header"));
    }
    Ok(())
}

/// CRC-32 (ISO-HDLC, as in PNG and zlib), one table lookup per byte.
pub(super) fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, &b| CRC_TABLE[usize::from((crc as u8) ^ b)] ^ (crc >> 8))
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::super::samples::*;
    use super::super::{ImageError, clean};
    use super::{crc32, strip};

    fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
        [PNG_SIGNATURE.to_vec(), chunks.concat()].concat()
    }

    fn iend() -> Vec<u8> {
        chunk(b"IEND", &[])
    }

    #[test]
    fn checksums_are_the_ones_of_png() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn exif_text_and_time_chunks_are_removed_and_the_rest_is_identical() {
        let original = png_with_metadata();
        let cleaned = strip(&original).expect("valid PNG");
        assert_eq!(cleaned, png_clean());
        for gone in [&GPS_LATITUDE[..], b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME", b"Jeanne", b"GPSLatitude"] {
            assert!(contains(&original, gone) && !contains(&cleaned, gone), "{}", String::from_utf8_lossy(gone));
        }
        assert_eq!(clean(&cleaned).map(|i| i.bytes), Ok(cleaned), "a clean image is left as it is");
    }

    #[test]
    fn colour_and_animation_chunks_stay_private_ones_go() {
        let palette = chunk(b"PLTE", &[0, 0, 0]);
        let colour = [chunk(b"sRGB", &[0]), chunk(b"gAMA", &[0, 0, 0xb1, 0x8f]), chunk(b"iCCP", b"icc\0\0\x78\x01")];
        let animation = [chunk(b"acTL", &[0, 0, 0, 1, 0, 0, 0, 0])];
        let original = png(&[
            ihdr(),
            chunk(b"caBX", b"c2pa manifest: author Jeanne"),
            colour.concat(),
            chunk(b"prVt", b"editor data"),
            animation.concat(),
            palette.clone(),
            chunk(b"sPLT", b"Jeanne's palette\x00\x08"),
            idat(),
            iend(),
        ]);
        assert_eq!(strip(&original), Ok(png(&[ihdr(), colour.concat(), animation.concat(), palette, idat(), iend()])));
    }

    #[test]
    fn anything_after_the_end_is_dropped() {
        let mut polyglot = png_clean();
        polyglot.extend(b"<script>alert(1)</script>");
        assert_eq!(strip(&polyglot), Ok(png_clean()));
    }

    #[test]
    fn broken_structure_is_refused_with_a_reason() {
        let mut bad_crc = idat();
        let last = bad_crc.len() - 1;
        bad_crc[last] ^= 1;
        let mut huge = ihdr();
        huge[0] = 0x80;
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (png(&[ihdr(), idat()]), "truncated chunk"),
            (png(&[ihdr(), idat()[..10].to_vec()]), "truncated chunk"),
            (png(&[ihdr(), bad_crc, iend()]), "bad chunk checksum"),
            (png(&[idat(), iend()]), "no PNG header"),
            (png(&[ihdr(), ihdr(), idat(), iend()]), "second PNG header"),
            (png(&[chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0]), idat(), iend()]), "bad PNG header"),
            (png(&[chunk(b"IHDR", &[0, 0, 0, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0]), idat(), iend()]), "bad PNG header"),
            (png(&[ihdr(), iend()]), "no image data"),
            (png(&[ihdr(), chunk(b"HUGE", b""), idat(), iend()]), "unknown critical PNG chunk"),
            (png(&[ihdr(), chunk(b"ID4T", b""), idat(), iend()]), "bad chunk type"),
            (png(&[huge, idat(), iend()]), "bad chunk length"),
            (b"\x89PNG\r\n\x1a".to_vec(), "bad PNG signature"),
        ];
        for (data, reason) in cases {
            assert_eq!(strip(&data), Err(ImageError::Malformed(reason)), "{data:02x?}");
        }
    }
}
