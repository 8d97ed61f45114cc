//! The photo store against a real S3-compatible server: moto's `moto_server`,
//! started on a free port of 127.0.0.1 for this test alone (see
//! `miroir_objects::testing`: without moto the test is skipped with a message,
//! except in CI, where it fails).

use miroir_objects::testing::{Moto, SECRET};
use miroir_reports::photos;

const BUCKET: &str = "miroir-photos";

/// An 8×8 JPEG with an Exif block, as a phone would send it (minus the pixels).
fn photo_with_exif() -> Vec<u8> {
    let segment = |marker: u8, payload: &[u8]| {
        let mut out = vec![0xFF, marker];
        out.extend(u16::try_from(payload.len() + 2).expect("short").to_be_bytes());
        out.extend(payload);
        out
    };
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"));
    jpeg.extend(segment(0xE1, b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"));
    jpeg.extend(segment(0xDB, &[[0u8].as_slice(), &[1; 64]].concat()));
    jpeg.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
    jpeg.extend(segment(0xC4, &[[0x00, 1].as_slice(), &[0; 15], &[0]].concat()));
    jpeg.extend(segment(0xC4, &[[0x10, 1].as_slice(), &[0; 15], &[0]].concat()));
    jpeg.extend(segment(0xDA, &[1, 1, 0x00, 0, 63, 0]));
    jpeg.extend([0x3F, 0xFF, 0xD9]);
    jpeg
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_round_trip_through_an_s3_compatible_server() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(moto) = Moto::start(tmp.path()) else { return };
    moto.create_bucket(BUCKET);

    let image = photos::clean(&photo_with_exif()).expect("a valid photo");
    assert_eq!(image.kind, photos::ImageType::Jpeg);
    let report = "0196a3c2-7d1e-7b7c-9e55-2f4b8c1d0e9a";
    let photo = "0196a3c2-7d1f-7000-8000-000000000001";
    let key = format!("communes/75056/reports/{report}/{photo}.{}", image.kind.extension());

    let photos: photos::PhotoStore = moto.store(&format!("s3://{BUCKET}/photos"));
    assert_eq!(photos.get(&key).await.expect("get before put"), None, "a missing photo is None");
    photos.put(&key, image.bytes.clone()).await.expect("put");
    assert_eq!(photos.get(&key).await.expect("get").as_ref(), Some(&image.bytes));

    // The prefix is part of the object's name in the bucket.
    let whole_bucket = moto.store(&format!("s3://{BUCKET}"));
    assert_eq!(whole_bucket.get(&format!("photos/{key}")).await.expect("get").as_ref(), Some(&image.bytes));
    assert_eq!(whole_bucket.get(&key).await.expect("get"), None);

    // Deleting removes the object; deleting it again is not an error.
    let other = key.replace(photo, "0196a3c2-7d1f-7000-8000-000000000002");
    photos.put(&other, vec![1, 2, 3]).await.expect("put another");
    photos.delete(&other).await.expect("delete");
    assert_eq!(photos.get(&other).await.expect("get after delete"), None);
    photos.delete(&other).await.expect("delete again");

    // Bad keys never reach the server; errors from the server do not carry the secret.
    assert!(photos.put("../escape.jpg", vec![1]).await.is_err());
    let elsewhere = moto.store("s3://no-such-bucket");
    let error = elsewhere.put(&key, vec![1]).await.expect_err("no such bucket");
    let message = format!("{error} / {error:?}");
    eprintln!("writing to a missing bucket: {error}");
    assert!(!message.contains(SECRET), "{message}");
}
