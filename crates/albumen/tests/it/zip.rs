//! Album exports, read back by an independent ZIP reader (Python's `zipfile`), and the zip64
//! layout checked on a sparse multi-gigabyte archive without writing gigabytes.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use albumen::zip::{DosDateTime, EntryMeta, EntryReader, EntrySource, ZipPlan};
use axum::body::Body;
use axum::http::{Method, Request, header};
use futures::StreamExt;
use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::common::{Reply, TestApp};
use crate::fixtures::{Exif, jpeg};

/// Lists the archive with Python's `zipfile` after checking every CRC (`testzip`).
const READER: &str = r#"
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip() if sys.argv[2] == "all" else None
    out = []
    for i in z.infolist():
        entry = {"name": i.filename, "size": i.file_size, "compressed": i.compress_size,
                 "method": i.compress_type, "utf8": bool(i.flag_bits & 0x800),
                 "date": list(i.date_time), "crc": i.CRC}
        if sys.argv[2] == "all" or i.file_size < 1 << 20:
            entry["sha256"] = hashlib.sha256(z.read(i)).hexdigest()
        out.append(entry)
    print(json.dumps({"bad": bad, "entries": out}))
"#;

fn python_zip_listing(path: &Path, check: &str) -> Value {
    #[expect(
        clippy::disallowed_methods,
        reason = "Python's zipfile checks our archives"
    )]
    let out = Command::new("python3")
        .arg("-c")
        .arg(READER)
        .arg(path)
        .arg(check)
        .output()
        .expect("python3 runs (it validates archives)");
    assert!(
        out.status.success(),
        "zipfile rejected the archive: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    #[expect(
        clippy::disallowed_methods,
        reason = "Python's zipfile checks our archives"
    )]
    let out = Command::new("python3")
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(bytes)?;
            child.wait_with_output()
        })
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

async fn album_id(t: &TestApp) -> i64 {
    t.repo()
        .list_albums(&albumen_core::access::VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .id
        .get()
}

fn entries(listing: &Value) -> Vec<(String, String)> {
    let mut found: Vec<_> = listing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["sha256"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn an_album_export_holds_exactly_what_the_viewer_may_download() {
    let t = TestApp::new().await;
    let files = [
        (
            "2013_01_19_Snow in Paris/IMG_1.jpg",
            jpeg(120, 80, &Exif::taken("2013:01:19 14:30:58")),
        ),
        (
            "2013_01_19_Snow in Paris/img_1.JPG",
            jpeg(80, 120, &Exif::default()),
        ),
        (
            "2013_01_19_Snow in Paris/Été à Paris.jpg",
            jpeg(64, 64, &Exif::default()),
        ),
        (
            "2013_01_19_Snow in Paris/secret.jpg",
            jpeg(32, 32, &Exif::default()),
        ),
    ];
    for (path, bytes) in &files {
        t.add(path, bytes);
    }
    t.scan().await;
    let admin = t.admin().await;
    let album = album_id(&t).await;
    let url = format!("/albums/{album}/export.zip");

    let full = t.get(&url, Some(&admin)).await;
    assert_eq!(full.status, 200, "{}", full.text());
    assert_eq!(full.header("content-type"), Some("application/zip"));
    assert_eq!(
        full.header("content-length"),
        Some(full.body.len().to_string().as_str()),
        "the length announced up front is exact"
    );
    assert_eq!(
        full.header("content-disposition"),
        Some("attachment; filename=\"Snow in Paris.zip\"; filename*=UTF-8''Snow%20in%20Paris.zip")
    );
    assert_eq!(full.header("cache-control"), Some("private, no-cache"));
    assert_eq!(full.header("vary"), Some("Cookie"));
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("a.zip");
    std::fs::write(&archive, &full.body).unwrap();
    let listing = python_zip_listing(&archive, "all");
    assert_eq!(listing["bad"], Value::Null, "every CRC matches");
    // Two names that differ only by case would collide when unpacked on many disks: the
    // second one gets " (2)". Each entry holds the exact bytes of the file it is named after.
    let got = entries(&listing);
    let mut names: Vec<_> = got.iter().map(|(n, _)| n.to_lowercase()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "img_1 (2).jpg",
            "img_1.jpg",
            "secret.jpg",
            "été à paris.jpg"
        ],
        "{got:?}"
    );
    for (name, sha) in &got {
        let source = name.replace(" (2)", "");
        let (_, bytes) = files
            .iter()
            .find(|(path, _)| path.rsplit('/').next() == Some(source.as_str()))
            .unwrap_or_else(|| panic!("{name} comes from no file"));
        assert_eq!(sha, &sha256_hex(bytes), "{name}");
    }
    for entry in listing["entries"].as_array().unwrap() {
        assert_eq!(entry["method"], 0, "stored");
        assert_eq!(entry["utf8"], true);
        assert_eq!(entry["size"], entry["compressed"]);
    }
    let dated = listing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["size"].as_u64() == Some(files[0].1.len() as u64))
        .unwrap();
    assert_eq!(
        dated["date"],
        json!([2013, 1, 19, 14, 30, 58]),
        "the capture time"
    );

    // A viewer allowed two photos gets those two; one allowed none gets 404, not an empty zip.
    let bob_id = t.api_user(&admin, "bob", json!([])).await;
    let bob = t.login("bob").await;
    assert_eq!(t.get(&url, Some(&bob)).await.status, 404);
    assert_eq!(t.get(&url, None).await.status, 404);
    t.put_ok(
        &admin,
        &format!("/api/v1/albums/{album}/policy"),
        json!({"users": [bob_id]}),
    )
    .await;
    let secret = t.photo_id("secret.jpg").await;
    t.put_ok(
        &admin,
        &format!("/api/v1/photos/{secret}/policy"),
        json!({}),
    )
    .await;
    let bobs = t.get(&url, Some(&bob)).await;
    assert_eq!(bobs.status, 200);
    std::fs::write(&archive, &bobs.body).unwrap();
    let listing = python_zip_listing(&archive, "all");
    let names: Vec<_> = entries(&listing).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 3);
    assert!(!names.iter().any(|n| n.contains("secret")), "{names:?}");
    assert_ne!(
        bobs.header("etag"),
        full.header("etag"),
        "another archive, another ETag"
    );
}

#[tokio::test]
async fn album_exports_answer_head_ranges_and_validators() {
    let t = TestApp::new().await;
    t.add("A/one.jpg", &jpeg(200, 100, &Exif::default()));
    t.add("A/two.jpg", &jpeg(100, 200, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let url = format!("/albums/{}/export.zip", album_id(&t).await);
    let full = t.get(&url, Some(&admin)).await;
    assert_eq!(full.status, 200);
    let len = full.body.len();
    let etag = full.header("etag").unwrap().to_owned();
    assert!(full.header("last-modified").is_some());
    assert_eq!(full.header("accept-ranges"), Some("bytes"));

    let send = |method: Method, headers: Vec<(&'static str, String)>| {
        let mut request = Request::builder()
            .method(method)
            .uri(&url)
            .header(header::COOKIE, &admin.cookie);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        t.send(request.body(Body::empty()).unwrap())
    };
    let head: Reply = send(Method::HEAD, vec![]).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(len.to_string().as_str())
    );

    // Resuming a download: any slice equals the same slice of the whole.
    for (range, start, end) in [
        ("bytes=0-99".to_owned(), 0, 99),
        (format!("bytes={}-", len - 300), len - 300, len - 1),
        ("bytes=100-2999".to_owned(), 100, 2999),
        (
            format!("bytes={}-{}", len / 2, len / 2 + 10),
            len / 2,
            len / 2 + 10,
        ),
    ] {
        let part = send(Method::GET, vec![("range", range.clone())]).await;
        assert_eq!(part.status, 206, "{range}");
        assert_eq!(
            part.header("content-range"),
            Some(format!("bytes {start}-{end}/{len}").as_str())
        );
        assert!(part.body == full.body[start..=end], "{range}");
    }
    let beyond = send(Method::GET, vec![("range", format!("bytes={len}-"))]).await;
    assert_eq!(beyond.status, 416);
    assert_eq!(
        beyond.header("content-range"),
        Some(format!("bytes */{len}").as_str())
    );
    let stale = send(
        Method::GET,
        vec![
            ("range", "bytes=0-9".to_owned()),
            ("if-range", "\"zip-old\"".to_owned()),
        ],
    )
    .await;
    assert_eq!((stale.status.as_u16(), stale.body.len()), (200, len));
    let cached = send(Method::GET, vec![("if-none-match", etag.clone())]).await;
    assert_eq!(cached.status, 304);

    // Another file in the album: another archive, so the old validator no longer matches.
    t.add("A/three.jpg", &jpeg(50, 50, &Exif::default()));
    t.scan().await;
    let changed = send(Method::GET, vec![("if-none-match", etag)]).await;
    assert_eq!(changed.status, 200);
    assert!(changed.body.len() > len);
}

/// Entries of zeros (sparse in the file written below) and one small real entry.
struct Synthetic {
    last: Vec<u8>,
    count: usize,
}

impl EntrySource for Synthetic {
    fn open(&mut self, index: usize) -> BoxFuture<'static, std::io::Result<EntryReader>> {
        let reader: EntryReader = if index + 1 == self.count {
            Box::pin(std::io::Cursor::new(self.last.clone()))
        } else {
            Box::pin(tokio::io::repeat(0))
        };
        Box::pin(async move { Ok(reader) })
    }
}

/// Writes the streamed archive, leaving runs of zeros as holes so a 4.5 GiB archive costs no
/// disk.
static ZEROS: [u8; 1 << 20] = [0; 1 << 20];

async fn write_sparse(plan: Arc<ZipPlan>, source: Synthetic, path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    let mut stream = std::pin::pin!(albumen::zip::stream(
        plan.clone(),
        source,
        0,
        plan.len() - 1
    ));
    let mut pos = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        // Compared with a zero buffer: memcmp, fast even in a debug build.
        if chunk.len() <= ZEROS.len() && chunk[..] == ZEROS[..chunk.len()] {
            file.seek(SeekFrom::Current(chunk.len() as i64)).unwrap();
        } else {
            file.write_all(&chunk).unwrap();
        }
        pos += chunk.len() as u64;
    }
    file.set_len(pos).unwrap();
    assert_eq!(pos, plan.len(), "the stream is exactly as long as planned");
}

#[tokio::test]
async fn zip64_archives_are_valid_for_an_independent_reader() {
    let dir = tempfile::tempdir().unwrap();
    let time = DosDateTime::new(2020, 2, 29, 23, 59, 58);
    let last = b"after four gigabytes".to_vec();
    // An entry over 4 GiB, so the next entry's offset needs 64 bits too.
    let big = (4u64 << 30) + 12_345;
    let plan = Arc::new(ZipPlan::new(vec![
        EntryMeta {
            name: "big.mov".to_owned(),
            size: big,
            modified: time,
        },
        EntryMeta {
            name: "après.txt".to_owned(),
            size: last.len() as u64,
            modified: time,
        },
    ]));
    let path = dir.path().join("big.zip");
    write_sparse(
        plan.clone(),
        Synthetic {
            last: last.clone(),
            count: 2,
        },
        &path,
    )
    .await;
    let listing = python_zip_listing(&path, "small");
    let got = listing["entries"].as_array().unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0]["name"].as_str(), got[0]["size"].as_u64()),
        (Some("big.mov"), Some(big))
    );
    assert_eq!(got[1]["name"], "après.txt");
    assert_eq!(
        got[1]["sha256"],
        sha256_hex(&last),
        "read back past the 4 GiB mark"
    );
    assert_eq!(got[1]["date"], json!([2020, 2, 29, 23, 59, 58]));
    // CRC-32 of 4 GiB + 12345 zeros, as zlib computes it.
    #[expect(clippy::disallowed_methods, reason = "zlib computes the expected CRC")]
    let zeros_crc = Command::new("python3")
        .args([
            "-c",
            "import zlib\nc=0\nb=bytes(1<<24)\nfor _ in range(256): c=zlib.crc32(b,c)\nprint(zlib.crc32(bytes(12345),c))",
        ])
        .output()
        .unwrap();
    assert_eq!(
        got[0]["crc"].as_u64().unwrap().to_string(),
        String::from_utf8_lossy(&zeros_crc.stdout).trim()
    );

    // More entries than the classic end record can count.
    let count = 70_000;
    let plan = Arc::new(ZipPlan::new(
        (0..count)
            .map(|i| EntryMeta {
                name: format!("{i:05}.jpg"),
                size: if i + 1 == count { 3 } else { 0 },
                modified: time,
            })
            .collect(),
    ));
    let path = dir.path().join("many.zip");
    write_sparse(
        plan,
        Synthetic {
            last: b"end".to_vec(),
            count,
        },
        &path,
    )
    .await;
    let listing = python_zip_listing(&path, "all");
    assert_eq!(listing["bad"], Value::Null);
    let got = listing["entries"].as_array().unwrap();
    assert_eq!(got.len(), count);
    assert_eq!(got[count - 1]["name"], "69999.jpg");
    assert_eq!(got[count - 1]["sha256"], sha256_hex(b"end"));
}
