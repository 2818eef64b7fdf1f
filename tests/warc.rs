//! `--archive` writes the crawl as WARC, checked by an independent reader (Python's warcio);
//! `--from-warc` re-runs rule packs on it offline and finds what the live run found.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const SITE: &str = "fixtures/sites/qingshui-jyj";
const KNOWN_PAGE: &str = "zfxxgkzn/202503/t20250305_1203.html";

/// warcio is installed into a venv by `scripts/test-deps` (the README's test command runs it).
fn python() -> PathBuf {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/test-tools/venv/bin/python"
    ));
    let ok = p.exists()
        && std::process::Command::new(&p)
            .args(["-c", "import warcio"])
            .status()
            .is_ok_and(|s| s.success());
    assert!(
        ok,
        "{} with warcio is missing: run scripts/test-deps (pip warcio)",
        p.display()
    );
    p
}

/// Reads the archive with warcio and checks it against the report's page count and a fixture file.
const CHECK: &str = r#"
import sys
from warcio.archiveiterator import ArchiveIterator

path, pages_fetched, known_suffix, known_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
types, requests, responses, page_meta = [], {}, {}, 0
known_body = None
with open(path, 'rb') as f:
    for rec in ArchiveIterator(f, check_digests='raise'):
        t = rec.rec_type
        types.append(t)
        rid = rec.rec_headers.get_header('WARC-Record-ID')
        assert rid.startswith('<urn:uuid:'), rid
        uri = rec.rec_headers.get_header('WARC-Target-URI')
        if t == 'request':
            requests[rid] = rec.rec_headers.get_header('WARC-Concurrent-To')
        elif t == 'response':
            assert rec.rec_headers.get_header('WARC-Payload-Digest').startswith('sha1:')
            body = rec.content_stream().read()
            assert rec.digest_checker.passed is not False, rec.digest_checker.problems
            assert rec.http_headers.get_header('Content-Encoding') is None
            assert rec.http_headers.get_header('Transfer-Encoding') is None
            assert int(rec.http_headers.get_header('Content-Length')) == len(body)
            responses[rid] = (uri, rec.rec_headers.get_header('WARC-Concurrent-To'),
                              rec.http_headers.get_statuscode(),
                              rec.http_headers.get_header('Content-Type') or '')
            if uri.endswith(known_suffix):
                known_body = body
        elif t == 'metadata' and rec.rec_headers.get_header('WARC-Refers-To'):
            assert b'fetch-time: ' in rec.content_stream().read()
            page_meta += 1
assert types[0] == 'warcinfo', types[0]
assert types.count('warcinfo') == 1
for rid, (uri, req, status, ctype) in responses.items():
    assert requests.get(req) == rid, ('request and response not linked', uri)
html = {uri for (uri, _, status, ctype) in responses.values() if status == '200' and 'html' in ctype}
assert len(html) >= pages_fetched, (len(html), pages_fetched)
assert page_meta == pages_fetched, (page_meta, pages_fetched)
assert known_body == open(known_file, 'rb').read(), 'the known page differs from the fixture'
print('ok', len(types), 'records', len(responses), 'responses', len(html), 'html pages')
"#;

fn audit(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("gongkai")
        .unwrap()
        .args(["audit", "-q", "--as-of", "2026-11-26"])
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> Value {
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What must not change between a live run and its replay.
fn verdicts(report: &Value) -> (Vec<Value>, Value) {
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            serde_json::json!([
                f["rule_id"],
                f["status"],
                f["reason"],
                f["message"],
                f["count"]
            ])
        })
        .collect();
    (findings, report["score"].clone())
}

fn archive_of_fixture(dir: &Path) -> (PathBuf, Value) {
    let warc = dir.join("qingshui.warc.gz");
    let live = json(&audit(&[
        SITE,
        "-f",
        "json",
        "--archive",
        warc.to_str().unwrap(),
    ]));
    (warc, live)
}

#[test]
fn archive_reads_with_warcio_and_replays_offline() {
    let python = python();
    let dir = tempfile::tempdir().unwrap();
    let (warc, live) = archive_of_fixture(dir.path());
    // Only the archive is left behind: the temporary file was moved into place.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["qingshui.warc.gz"]);

    let pages = live["crawl"]["pages_fetched"].as_u64().unwrap();
    assert!(pages > 50, "{pages}");
    let script = dir.path().join("check.py");
    std::fs::write(&script, CHECK).unwrap();
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(&warc)
        .arg(pages.to_string())
        .arg(format!("/{KNOWN_PAGE}"))
        .arg(Path::new(SITE).join(KNOWN_PAGE))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "warcio: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // Evidence cites the archive.
    let cited = live["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .filter(|e| e["url"].is_string())
        .filter(|e| {
            e["warc_record_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("<urn:uuid:"))
                && e["warc_payload_digest"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("sha1:"))
        })
        .count();
    assert!(cited > 10, "{cited}");

    // The replay: no network, and the site's server is gone (its port was a random one).
    let replay = json(&audit(&[
        "--from-warc",
        warc.to_str().unwrap(),
        "-f",
        "json",
    ]));
    assert_eq!(verdicts(&replay), verdicts(&live));
    assert_eq!(
        replay["crawl"]["pages_fetched"],
        live["crawl"]["pages_fetched"]
    );
    assert_eq!(replay["target"]["start_url"], live["target"]["start_url"]);

    // Another rule pack on the same evidence.
    let baseline = json(&audit(&[
        "--from-warc",
        warc.to_str().unwrap(),
        "--rules",
        "cn-gov-baseline",
        "-f",
        "json",
    ]));
    assert_eq!(baseline["pack"]["id"], "cn-gov-baseline");
    assert!(!baseline["findings"].as_array().unwrap().is_empty());
    let live_baseline = json(&audit(&[SITE, "--rules", "cn-gov-baseline", "-f", "json"]));
    assert_eq!(verdicts(&baseline), verdicts(&live_baseline));
}

#[test]
fn archive_is_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("mine.warc.gz");
    std::fs::write(&warc, "precious").unwrap();
    let out = audit(&[SITE, "--archive", warc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mine.warc.gz") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&warc).unwrap(), b"precious");

    let out = audit(&[SITE, "--archive", warc.to_str().unwrap(), "--force"]);
    assert!(matches!(out.status.code(), Some(0 | 1)));
    assert_ne!(std::fs::read(&warc).unwrap(), b"precious");
}

#[test]
fn bad_archives_are_named_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (warc, _) = archive_of_fixture(dir.path());
    let bytes = std::fs::read(&warc).unwrap();
    let truncated = dir.path().join("truncated.warc.gz");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let not_warc = dir.path().join("report.warc.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, b"{\"not\": \"a warc\"}").unwrap();
    std::fs::write(&not_warc, gz.finish().unwrap()).unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "hello").unwrap();
    let missing = dir.path().join("missing.warc.gz");
    for bad in [&truncated, &not_warc, &plain, &missing] {
        let out = audit(&["--from-warc", bad.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", bad.display());
        assert!(
            err.contains(bad.file_name().unwrap().to_str().unwrap()) && !err.contains("panicked"),
            "{err}"
        );
    }
}

/// A hand-written archive: one gzip member per record, as `--archive` writes them.
fn write_warc(path: &Path, start: &str, pages: &[(&str, &str, &str)]) {
    let mut file = Vec::new();
    let mut record = |headers: &[(&str, &str)], block: &[u8]| {
        let mut text = String::from("WARC/1.1\r\n");
        for (k, v) in headers {
            text.push_str(&format!("{k}: {v}\r\n"));
        }
        text.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
        std::io::Write::write_all(&mut gz, block).unwrap();
        std::io::Write::write_all(&mut gz, b"\r\n\r\n").unwrap();
        file.extend(gz.finish().unwrap());
    };
    let info = format!("software: hand-written\r\ngongkai-start-url: {start}\r\n");
    record(
        &[
            ("WARC-Type", "warcinfo"),
            (
                "WARC-Record-ID",
                "<urn:uuid:00000000-0000-4000-8000-000000000000>",
            ),
            ("WARC-Date", "2026-11-20T08:00:00Z"),
            ("Content-Type", "application/warc-fields"),
        ],
        info.as_bytes(),
    );
    for (i, (url, status_line, body)) in pages.iter().enumerate() {
        let req = format!("<urn:uuid:00000000-0000-4000-8000-1{i:011}>");
        let resp = format!("<urn:uuid:00000000-0000-4000-8000-2{i:011}>");
        let path = url.split_once("//").unwrap().1.split_once('/').unwrap().1;
        let request = format!("GET /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        record(
            &[
                ("WARC-Type", "request"),
                ("WARC-Record-ID", &req),
                ("WARC-Date", "2026-11-20T08:00:01Z"),
                ("WARC-Target-URI", url),
                ("WARC-Concurrent-To", &resp),
                ("Content-Type", "application/http;msgtype=request"),
            ],
            request.as_bytes(),
        );
        let response = format!(
            "{status_line}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        record(
            &[
                ("WARC-Type", "response"),
                ("WARC-Record-ID", &resp),
                ("WARC-Date", "2026-11-20T08:00:01Z"),
                ("WARC-Target-URI", url),
                ("WARC-Concurrent-To", &req),
                ("Content-Type", "application/http;msgtype=response"),
            ],
            response.as_bytes(),
        );
    }
    std::fs::write(path, file).unwrap();
}

/// A recorded response whose status line cannot be read (a digit lost: `HTTP/1.1 20 OK`) is a
/// fetch error with its cause, never a 200: the page is not audited as if the site had served
/// it, and when it is the start page the site is "could not be audited", not judged.
#[test]
fn unreadable_status_lines_replay_as_fetch_errors_not_as_200() {
    let dir = tempfile::tempdir().unwrap();
    let home = "http://jyj.example.gov.cn/index.html";
    let page = |title: &str, links: &str| {
        format!(
            "<html><head><title>{title}</title></head><body><h1>{title}</h1>{links}<p>本站由县教育局主办。</p></body></html>"
        )
    };
    let links = r#"<ul><li><a href="/tzgg/index.html">通知公告</a></li><li><a href="/zcwj/index.html">政策文件</a></li></ul>"#;
    let warc = dir.path().join("broken-status.warc.gz");
    write_warc(
        &warc,
        home,
        &[
            (home, "HTTP/1.1 200 OK", &page("示例县教育局", links)),
            (
                "http://jyj.example.gov.cn/tzgg/index.html",
                "HTTP/1.1 20 OK",
                &page("通知公告", ""),
            ),
            (
                "http://jyj.example.gov.cn/zcwj/index.html",
                "HTTP/1.1 200 OK",
                &page("政策文件", ""),
            ),
        ],
    );
    // A page that could not be read leaves rules unjudged, so the grade may be provisional
    // (exit 3); accepted here, where only what the crawl recorded is checked.
    let out = audit(&[
        "--from-warc",
        warc.to_str().unwrap(),
        "-f",
        "json",
        "--allow-provisional",
    ]);
    let report = json(&out);
    let crawl = &report["crawl"];
    assert_eq!(crawl["pages_fetched"], 2, "{crawl}");
    assert_eq!(crawl["outcome_counts"]["error"], 1, "{crawl}");
    assert_eq!(crawl["outcome_counts"]["ok"], 2, "{crawl}");

    // The start page's status unreadable: nothing can be audited, and the cause is given.
    let warc = dir.path().join("broken-start.warc.gz");
    write_warc(
        &warc,
        home,
        &[(home, "HTTP/1.1 2000 OK", &page("示例县教育局", links))],
    );
    let out = audit(&["--from-warc", warc.to_str().unwrap(), "-f", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("unreadable status line `HTTP/1.1 2000 OK`") && !err.contains("panicked"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
