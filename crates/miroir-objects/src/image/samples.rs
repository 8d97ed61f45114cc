//! Small images built by hand for the tests, each with metadata that must go
//! (an Exif block holding a GPS position, XMP, text, timestamps) and the same
//! image as it must come out of `clean`. The JPEG, PNG and WebP cores are real
//! decodable 8×8 or 1×1 images, not just shapes that satisfy our parser.

use super::png::crc32;

/// A TIFF structure as found in Exif blocks: IFD0 points to a GPS IFD holding
/// 48°51'29.76" N (Paris). The latitude bytes are [`GPS_LATITUDE`].
pub fn tiff_with_gps() -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0 at 8: one entry, GPSInfo (0x8825), LONG, 1 value: the GPS IFD's offset (26).
    tiff.extend([0x00, 0x01, 0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 26]);
    tiff.extend([0, 0, 0, 0]); // no next IFD
    // GPS IFD at 26: GPSLatitudeRef "N", GPSLatitude: 3 RATIONALs at offset 56.
    tiff.extend([0x00, 0x02]);
    tiff.extend([0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, b'N', 0, 0, 0]);
    tiff.extend([0x00, 0x02, 0x00, 0x05, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 56]);
    tiff.extend([0, 0, 0, 0]);
    tiff.extend(GPS_LATITUDE);
    tiff
}

/// 48/1, 51/1, 2976/100 as TIFF RATIONALs (big-endian).
pub const GPS_LATITUDE: [u8; 24] = [0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0x0b, 0xa0, 0, 0, 0, 100];

pub const XMP: &[u8] = b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" exif:GPSLatitude=\"48,51.496N\" exif:GPSLongitude=\"2,21.132E\"/></rdf:RDF></x:xmpmeta>";

// ---------------------------------------------------------------------------------------------------------------
// JPEG

/// A JPEG marker segment: `FF marker`, length (itself included), payload.
pub fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2).expect("test segment too long");
    let mut out = vec![0xFF, marker];
    out.extend(len.to_be_bytes());
    out.extend(payload);
    out
}

pub fn jfif() -> Vec<u8> {
    segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
}

pub fn exif_app1() -> Vec<u8> {
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend(tiff_with_gps());
    segment(0xE1, &payload)
}

pub fn xmp_app1() -> Vec<u8> {
    let mut payload = b"http://ns.adobe.com/xap/1.0/\x00".to_vec();
    payload.extend(XMP);
    segment(0xE1, &payload)
}

pub fn icc_app2() -> Vec<u8> {
    segment(0xE2, b"ICC_PROFILE\x00\x01\x01not a real profile, kept as it is")
}

/// A baseline 8×8 grey image: quantisation table, frame header, one-code
/// Huffman tables (DC difference 0, end of block) and a one-byte scan.
pub fn jpeg_image_core() -> Vec<u8> {
    let mut out = Vec::new();
    let mut dqt = vec![0x00];
    dqt.extend([1u8; 64]);
    out.extend(segment(0xDB, &dqt));
    out.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
    let mut dc = vec![0x00, 1];
    dc.extend([0u8; 15]);
    dc.push(0x00);
    out.extend(segment(0xC4, &dc));
    let mut ac = vec![0x10, 1];
    ac.extend([0u8; 15]);
    ac.push(0x00);
    out.extend(segment(0xC4, &ac));
    out.extend(segment(0xDA, &[1, 1, 0x00, 0, 63, 0]));
    out.push(0x3F); // bits 0 (DC difference 0) and 0 (end of block), padded with ones
    out
}

/// SOI, JFIF, Exif with GPS, XMP, ICC, Photoshop/IPTC, a comment, the image, EOI.
pub fn jpeg_with_exif() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    out.extend(jfif());
    out.extend(exif_app1());
    out.extend(xmp_app1());
    out.extend(icc_app2());
    out.extend(segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x50\x00\x07Jeanne\x00"));
    out.extend(segment(0xFE, b"Taken by Jeanne Dupont, 12 rue des Lilas"));
    out.extend(jpeg_image_core());
    out.extend([0xFF, 0xD9]);
    out
}

/// [`jpeg_with_exif`] as `clean` must return it.
pub fn jpeg_clean() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    out.extend(jfif());
    out.extend(icc_app2());
    out.extend(jpeg_image_core());
    out.extend([0xFF, 0xD9]);
    out
}

// ---------------------------------------------------------------------------------------------------------------
// PNG

/// A PNG chunk: length, type, data, CRC of type and data.
pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let len = u32::try_from(data.len()).expect("test chunk too long");
    let mut out = len.to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend(data);
    out.extend(crc32(&crc_input).to_be_bytes());
    out
}

pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// 1×1, 8-bit greyscale.
pub fn ihdr() -> Vec<u8> {
    chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])
}

/// zlib stream (stored block) of one scanline: filter 0, one black pixel.
pub fn idat() -> Vec<u8> {
    chunk(b"IDAT", &[0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])
}

pub fn phys() -> Vec<u8> {
    chunk(b"pHYs", &[0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1])
}

pub fn png_with_metadata() -> Vec<u8> {
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(ihdr());
    out.extend(chunk(b"eXIf", &tiff_with_gps()));
    out.extend(chunk(b"tEXt", b"Author\x00Jeanne Dupont"));
    out.extend(chunk(b"zTXt", b"Comment\x00\x00\x78\x01\x01\x03\x00\xfc\xff12e\x01\x5f\x00\xc9"));
    let mut itxt = b"XML:com.adobe.xmp\x00\x00\x00\x00\x00".to_vec();
    itxt.extend(XMP);
    out.extend(chunk(b"iTXt", &itxt));
    out.extend(chunk(b"tIME", &[0x07, 0xea, 5, 17, 9, 41, 0]));
    out.extend(phys());
    out.extend(idat());
    out.extend(chunk(b"IEND", &[]));
    out
}

pub fn png_clean() -> Vec<u8> {
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(ihdr());
    out.extend(phys());
    out.extend(idat());
    out.extend(chunk(b"IEND", &[]));
    out
}

// ---------------------------------------------------------------------------------------------------------------
// WebP

/// A RIFF chunk: FourCC, little-endian size, data, a pad byte if the size is odd.
pub fn riff_chunk(fourcc: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let len = u32::try_from(data.len()).expect("test chunk too long");
    let mut out = fourcc.to_vec();
    out.extend(len.to_le_bytes());
    out.extend(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// `RIFF`, size of what follows, `WEBP`, the chunks.
pub fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let len = u32::try_from(body.len() + 4).expect("test file too long");
    let mut out = b"RIFF".to_vec();
    out.extend(len.to_le_bytes());
    out.extend(b"WEBP");
    out.extend(body);
    out
}

/// A lossless 1×1 image: signature, size 1×1, no transform, five one-symbol prefix codes.
pub fn vp8l() -> Vec<u8> {
    riff_chunk(b"VP8L", &[0x2F, 0x00, 0x00, 0x00, 0x00, 0x88, 0x88, 0x08])
}

/// VP8X with these flags, canvas 1×1.
pub fn vp8x(flags: u8) -> Vec<u8> {
    riff_chunk(b"VP8X", &[flags, 0, 0, 0, 0, 0, 0, 0, 0, 0])
}

pub fn webp_simple() -> Vec<u8> {
    riff(&[vp8l()])
}

pub fn webp_extended_with_metadata() -> Vec<u8> {
    let mut exif = tiff_with_gps();
    exif.push(0xAA); // odd size: the chunk has a pad byte
    riff(&[vp8x(0x08 | 0x04), vp8l(), riff_chunk(b"EXIF", &exif), riff_chunk(b"XMP ", XMP)])
}

pub fn webp_extended_clean() -> Vec<u8> {
    riff(&[vp8x(0), vp8l()])
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Writes the samples to `$MIROIR_PHOTO_SAMPLES` (a folder), to check them
/// with an image decoder by hand: `MIROIR_PHOTO_SAMPLES=/tmp/s cargo test -p
/// miroir-reports --lib write_samples -- --ignored`.
#[test]
#[ignore = "a tool, not a check: writes the samples for a look with an image decoder"]
fn write_samples() {
    let dir = std::env::var_os("MIROIR_PHOTO_SAMPLES").expect("MIROIR_PHOTO_SAMPLES names the folder to write to");
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("sample folder");
    for (name, bytes) in [
        ("with-exif.jpg", jpeg_with_exif()),
        ("clean.jpg", jpeg_clean()),
        ("with-metadata.png", png_with_metadata()),
        ("clean.png", png_clean()),
        ("with-metadata.webp", webp_extended_with_metadata()),
        ("clean.webp", webp_extended_clean()),
        ("simple.webp", webp_simple()),
    ] {
        std::fs::write(dir.join(name), bytes).expect("sample file");
    }
}
