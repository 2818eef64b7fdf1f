//! The crawl's evidence as a WARC/1.1 file (`.warc.gz`, one gzip member per record), and the
//! replay of such a file, so that an audit can be re-run offline on exactly what was fetched.
//!
//! Records are written as the crawl goes by one writer thread fed through a bounded channel, so
//! memory does not grow with the crawl. Payload digests are `sha1:` in base32, the convention
//! of the WARC world (wget, Heritrix, warcio), so other tools verify them without options.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use sha1::{Digest, Sha1};
use url::Url;

use crate::crawl::archive::{Answer, Exchange, Recorded, Recorder, Replayed, Revisit};
use crate::crawl::{Outcome, UrlKey};

/// Exchanges waiting for the writer: enough to ride out a slow disk, few enough that bodies
/// (up to the size cap each) do not pile up in memory.
const QUEUE: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    #[error("--archive {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--from-warc {path}: {reason}")]
    Read { path: PathBuf, reason: String },
}

/// Where a URL's response is in the archive, for a finding's evidence.
#[derive(Debug, Clone)]
pub struct ArchivedRef {
    pub record_id: String,
    pub payload_digest: String,
}

/// The last response record of each URL.
pub type ArchiveIndex = HashMap<UrlKey, ArchivedRef>;

/// The writer thread.
pub struct Writer {
    path: PathBuf,
    thread: std::thread::JoinHandle<Result<ArchiveIndex, std::io::Error>>,
}

/// `warcinfo` fields: what wrote the file and how it crawled.
pub struct Info {
    pub target: String,
    pub start_url: Url,
    pub scope: String,
    pub settings: Vec<(String, String)>,
}

fn record_id() -> String {
    format!("<urn:uuid:{}>", uuid::Uuid::new_v4())
}

fn warc_date(t: jiff::Timestamp) -> String {
    // WARC 1.1 allows fractions of a second; microseconds keep records of one second apart.
    format!("{}", t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"))
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    while !out.len().is_multiple_of(8) {
        out.push('=');
    }
    out
}

/// `sha1:` + base32, the form of `WARC-Payload-Digest`.
pub fn digest(bytes: &[u8]) -> String {
    format!("sha1:{}", base32(&Sha1::digest(bytes)))
}

fn write_record(
    out: &mut impl Write,
    headers: &[(&str, String)],
    block: &[u8],
) -> std::io::Result<()> {
    let mut head = String::from("WARC/1.1\r\n");
    for (k, v) in headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    // Each record is its own gzip member, so readers can seek to any record.
    let mut gz = GzEncoder::new(out, Compression::default());
    gz.write_all(head.as_bytes())?;
    gz.write_all(block)?;
    gz.write_all(b"\r\n\r\n")?;
    gz.finish()?;
    Ok(())
}

fn request_block(e: &Exchange) -> Vec<u8> {
    let mut target = e.url.path().to_string();
    if let Some(q) = e.url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match (e.url.host_str(), e.url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    };
    // The headers reqwest sends for us, as configured in `crawl::client`.
    let mut s = format!(
        "{} {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nAccept: */*\r\nAccept-Encoding: gzip, br, deflate\r\n",
        e.method,
        crate::crawl::USER_AGENT
    );
    if let Some(r) = &e.range {
        s.push_str(&format!("Range: {r}\r\n"));
    }
    for (k, v) in &e.conditions {
        s.push_str(&format!("{k}: {}\r\n", v.replace(['\r', '\n'], " ")));
    }
    s.push_str("\r\n");
    s.into_bytes()
}

fn response_block(a: &Answer) -> Vec<u8> {
    let mut out = http_head(&a.version, a.status, &a.headers);
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", a.body.len()).as_bytes());
    out.extend_from_slice(&a.body);
    out
}

/// The 304 of a revisit: its head only, as it came (it has no body).
fn not_modified_block(r: &Revisit) -> Vec<u8> {
    let mut out = http_head(&r.version, 304, &r.headers);
    out.extend_from_slice(b"\r\n");
    out
}

/// Status line and headers, without the length and the blank line that end a head.
fn http_head(version: &str, status: u16, headers: &HeaderMap) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut out = format!("{version} {status} {reason}\r\n").into_bytes();
    for (k, v) in headers {
        // The body is stored decoded and whole (as far as it was read): its length is ours.
        if k == reqwest::header::CONTENT_ENCODING {
            out.extend_from_slice(b"X-Gongkai-Original-Content-Encoding: ");
        } else if k == reqwest::header::TRANSFER_ENCODING || k == reqwest::header::CONTENT_LENGTH {
            continue;
        } else {
            out.extend_from_slice(k.as_str().as_bytes());
            out.extend_from_slice(b": ");
        }
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The WARC 1.1 profile of a revisit record for a 304 answer.
pub const SERVER_NOT_MODIFIED: &str = "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

fn write_exchange(
    out: &mut impl Write,
    e: &Exchange,
    index: &mut ArchiveIndex,
) -> std::io::Result<()> {
    let date = warc_date(e.date);
    let uri = e.url.to_string();
    let req_id = record_id();
    let resp_id = record_id();
    // A 304 that let the crawl reuse a cached answer: that answer goes first, as a response
    // record dated when it was fetched, so that this file alone replays the page; then the
    // exchange itself, the 304, as a revisit record that refers to it.
    let copy = match &e.result {
        Ok(a) => match &a.revisit {
            Some(r) => Some(write_copy(out, &uri, a, r)?),
            None => None,
        },
        Err(_) => None,
    };
    let block = request_block(e);
    write_record(
        out,
        &[
            ("WARC-Type", "request".into()),
            ("WARC-Record-ID", req_id.clone()),
            ("WARC-Date", date.clone()),
            ("WARC-Target-URI", uri.clone()),
            ("WARC-Concurrent-To", resp_id.clone()),
            ("Content-Type", "application/http;msgtype=request".into()),
        ],
        &block,
    )?;
    match &e.result {
        Ok(a) if let (Some(r), Some(copy)) = (&a.revisit, copy) => {
            let block = not_modified_block(r);
            write_record(
                out,
                &[
                    ("WARC-Type", "revisit".into()),
                    ("WARC-Record-ID", resp_id.clone()),
                    ("WARC-Date", date.clone()),
                    ("WARC-Target-URI", uri.clone()),
                    ("WARC-Concurrent-To", req_id),
                    ("WARC-Profile", SERVER_NOT_MODIFIED.into()),
                    ("WARC-Refers-To", copy.record_id.clone()),
                    ("WARC-Refers-To-Target-URI", uri.clone()),
                    ("WARC-Refers-To-Date", warc_date(r.stored)),
                    ("WARC-Block-Digest", digest(&block)),
                    ("WARC-Payload-Digest", copy.payload_digest.clone()),
                    ("Content-Type", "application/http;msgtype=response".into()),
                ],
                &block,
            )?;
            if a.page {
                page_metadata(out, &date, &uri, &resp_id, 304)?;
            }
            // Evidence cites the record that holds the page.
            index.insert(UrlKey::of(&e.url), copy);
        }
        Ok(a) => {
            let payload = digest(&a.body);
            let block = response_block(a);
            let mut h = vec![
                ("WARC-Type", "response".to_string()),
                ("WARC-Record-ID", resp_id.clone()),
                ("WARC-Date", date.clone()),
                ("WARC-Target-URI", uri.clone()),
                ("WARC-Concurrent-To", req_id),
                ("WARC-Block-Digest", digest(&block)),
                ("WARC-Payload-Digest", payload.clone()),
            ];
            if let Some(t) = a.truncated {
                h.push(("WARC-Truncated", t.to_string()));
            }
            h.push(("Content-Type", "application/http;msgtype=response".into()));
            write_record(out, &h, &block)?;
            if a.page {
                page_metadata(out, &date, &uri, &resp_id, a.status)?;
            }
            index.insert(
                UrlKey::of(&e.url),
                ArchivedRef {
                    record_id: resp_id,
                    payload_digest: payload,
                },
            );
        }
        Err((outcome, detail)) => {
            // No answer: a metadata record says why, so a replay fails the same way.
            let name = serde_json::to_value(outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let detail = detail.replace(['\r', '\n'], " ");
            let fields = format!("fetch-error: {name}\r\nfetch-error-detail: {detail}\r\n");
            write_record(
                out,
                &[
                    ("WARC-Type", "metadata".into()),
                    ("WARC-Record-ID", resp_id),
                    ("WARC-Date", date),
                    ("WARC-Target-URI", uri),
                    ("WARC-Concurrent-To", req_id),
                    ("Content-Type", "application/warc-fields".into()),
                ],
                fields.as_bytes(),
            )?;
        }
    }
    Ok(())
}

/// The metadata record of a page the crawler kept: when it was fetched and what it answered.
fn page_metadata(
    out: &mut impl Write,
    date: &str,
    uri: &str,
    refers_to: &str,
    status: u16,
) -> std::io::Result<()> {
    let fields = format!("fetch-time: {date}\r\nhttp-status: {status}\r\n");
    write_record(
        out,
        &[
            ("WARC-Type", "metadata".into()),
            ("WARC-Record-ID", record_id()),
            ("WARC-Date", date.to_string()),
            ("WARC-Target-URI", uri.to_string()),
            ("WARC-Refers-To", refers_to.to_string()),
            ("Content-Type", "application/warc-fields".into()),
        ],
        fields.as_bytes(),
    )
}

/// The cached answer a 304 confirmed, as a response record of its own fetch time. It has no
/// request record: its request was made by an earlier run.
fn write_copy(
    out: &mut impl Write,
    uri: &str,
    a: &Answer,
    r: &Revisit,
) -> std::io::Result<ArchivedRef> {
    let id = record_id();
    let payload = digest(&a.body);
    let block = response_block(a);
    let mut h = vec![
        ("WARC-Type", "response".to_string()),
        ("WARC-Record-ID", id.clone()),
        ("WARC-Date", warc_date(r.stored)),
        ("WARC-Target-URI", uri.to_string()),
        ("WARC-Block-Digest", digest(&block)),
        ("WARC-Payload-Digest", payload.clone()),
    ];
    if let Some(t) = a.truncated {
        h.push(("WARC-Truncated", t.to_string()));
    }
    h.push(("Content-Type", "application/http;msgtype=response".into()));
    write_record(out, &h, &block)?;
    Ok(ArchivedRef {
        record_id: id,
        payload_digest: payload,
    })
}

impl Writer {
    /// Starts writing to `path` (a temporary file the caller moves into place): the warcinfo
    /// record now, exchanges as they come.
    pub fn create(path: &Path, info: &Info) -> Result<(Writer, Recorder), WarcError> {
        let err = |source| WarcError::Write {
            path: path.to_path_buf(),
            source,
        };
        let mut out = std::io::BufWriter::new(File::create(path).map_err(err)?);
        let mut fields = format!(
            "software: gongkai/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\nhttp-header-user-agent: {}\r\npayload-digest: sha1 base32 of the decoded body\r\ngongkai-target: {}\r\ngongkai-start-url: {}\r\ngongkai-scope: {}\r\n",
            env!("CARGO_PKG_VERSION"),
            crate::crawl::USER_AGENT,
            info.target.replace(['\r', '\n'], " "),
            info.start_url,
            info.scope,
        );
        for (k, v) in &info.settings {
            fields.push_str(&format!("gongkai-{k}: {v}\r\n"));
        }
        write_record(
            &mut out,
            &[
                ("WARC-Type", "warcinfo".into()),
                ("WARC-Record-ID", record_id()),
                ("WARC-Date", warc_date(jiff::Timestamp::now())),
                ("Content-Type", "application/warc-fields".into()),
            ],
            fields.as_bytes(),
        )
        .map_err(err)?;
        let (recorder, mut rx) = Recorder::channel(QUEUE);
        let thread = std::thread::spawn(move || {
            let mut index = ArchiveIndex::new();
            let mut failed = None;
            while let Some(e) = rx.blocking_recv() {
                // After a failure the queue is still drained, so the crawl never waits on us.
                if failed.is_none()
                    && let Err(e) = write_exchange(&mut out, &e, &mut index)
                {
                    failed = Some(e);
                }
            }
            if let Some(e) = failed {
                return Err(e);
            }
            out.into_inner()
                .map_err(|e| e.into_error())
                .and_then(|f| f.sync_all())?;
            Ok(index)
        });
        Ok((
            Writer {
                path: path.to_path_buf(),
                thread,
            },
            recorder,
        ))
    }

    /// Waits for every record to be written (all recorders must be dropped first).
    pub fn finish(self) -> Result<ArchiveIndex, WarcError> {
        let path = self.path;
        match self.thread.join() {
            Ok(r) => r.map_err(|source| WarcError::Write { path, source }),
            Err(_) => Err(WarcError::Write {
                path,
                source: std::io::Error::other("the archive writer stopped"),
            }),
        }
    }
}

/// Counts what is consumed, so each gzip member's offset is known.
struct Counting<R> {
    inner: R,
    pos: u64,
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.pos += amt as u64;
    }
}

/// One parsed record: WARC header fields (names lower-cased) and the block.
struct Record {
    fields: Vec<(String, String)>,
    block: Vec<u8>,
}

impl Record {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn split_head(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = memchr::memmem::find(bytes, b"\r\n\r\n")?;
    Some((&bytes[..at], &bytes[at + 4..]))
}

fn parse_record(bytes: &[u8]) -> Result<Record, String> {
    let (head, rest) = split_head(bytes).ok_or("a record without a header block")?;
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split("\r\n");
    if !lines.next().is_some_and(|l| l.starts_with("WARC/")) {
        return Err("not a WARC record".into());
    }
    let fields: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = fields
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .ok_or("a record without a Content-Length")?;
    let block = rest
        .get(..len)
        .ok_or("a record shorter than its Content-Length")?
        .to_vec();
    Ok(Record { fields, block })
}

fn parse_fields(block: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(block)
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// A stored answer to one request.
#[derive(Debug, Clone)]
enum Stored {
    Response {
        offset: u64,
        cut: bool,
    },
    /// A 304 (the revisit record at `offset`) and the answer it confirmed (at `copy`).
    Revisit {
        offset: u64,
        copy: u64,
        cut: bool,
        stored: jiff::Timestamp,
    },
    Failure {
        outcome: Outcome,
        detail: String,
    },
}

/// `HTTP/1.1 200 OK` → version and status: an HTTP version, then three digits from 100 to 999
/// (what HTTP allows), then the reason phrase if any.
fn parse_status_line(line: &str) -> Option<(&str, reqwest::StatusCode)> {
    let mut parts = line.splitn(3, ' ');
    let version = parts.next().filter(|v| v.starts_with("HTTP/"))?;
    let status = reqwest::StatusCode::from_bytes(parts.next()?.as_bytes()).ok()?;
    Some((version, status))
}

/// An archive opened for replay: where each request's answer is, found in one pass.
#[derive(Debug)]
pub struct Replay {
    path: PathBuf,
    answers: HashMap<String, Stored>,
    pub start_url: Url,
    pub scope: Option<String>,
    pub index: ArchiveIndex,
    probe: Option<Url>,
    /// The recorded crawl was an inspection: what it did not read, it chose not to read.
    pub inspected: bool,
}

fn answer_key(method: &str, range: Option<&str>, url: &str) -> String {
    format!("{method} {} {url}", range.unwrap_or("-"))
}

impl Replay {
    pub fn open(path: &Path) -> Result<Replay, WarcError> {
        let bad = |reason: String| WarcError::Read {
            path: path.to_path_buf(),
            reason,
        };
        let file = File::open(path).map_err(|e| bad(e.to_string()))?;
        let mut r = Counting {
            inner: BufReader::new(file),
            pos: 0,
        };
        // Request record id → method and Range, for the response that answers it.
        let mut requests: HashMap<String, (String, Option<String>)> = HashMap::new();
        // Response record id → where it is, whether it was cut, its payload digest.
        let mut bodies: HashMap<String, (u64, bool, String)> = HashMap::new();
        let mut answers = HashMap::new();
        let mut index = ArchiveIndex::new();
        let mut start_url = None;
        let mut scope = None;
        let mut first_page = None;
        let mut probe = None;
        let mut inspected = false;
        let mut n = 0usize;
        loop {
            let offset = r.pos;
            match r.fill_buf() {
                Ok([]) => break,
                // Say what is wrong with a plain file, not that its "gzip stream" ended early.
                Ok(b) if offset == 0 && !b.starts_with(&[0x1f, 0x8b]) => {
                    return Err(bad(
                        "not a .warc.gz file (it does not start with a gzip header)".into(),
                    ));
                }
                Ok(_) => {}
                Err(e) => return Err(bad(e.to_string())),
            }
            let mut bytes = Vec::new();
            flate2::bufread::GzDecoder::new(&mut r)
                .read_to_end(&mut bytes)
                .map_err(|e| {
                    bad(format!(
                        "not a readable .warc.gz (record at byte {offset}): {e}"
                    ))
                })?;
            let rec =
                parse_record(&bytes).map_err(|e| bad(format!("{e} (record at byte {offset})")))?;
            n += 1;
            let uri = rec.get("warc-target-uri").unwrap_or_default().to_string();
            match rec.get("warc-type").unwrap_or_default() {
                "warcinfo" if n == 1 => {
                    for (k, v) in parse_fields(&rec.block) {
                        match k.as_str() {
                            "gongkai-start-url" => start_url = Url::parse(&v).ok(),
                            "gongkai-scope" => scope = Some(v),
                            "gongkai-plan" => inspected = v.starts_with("inspect"),
                            _ => {}
                        }
                    }
                }
                "request" => {
                    let line_end = memchr::memchr(b'\n', &rec.block).unwrap_or(rec.block.len());
                    let line = String::from_utf8_lossy(&rec.block[..line_end]);
                    let method = line.split(' ').next().unwrap_or("GET").to_string();
                    let range = split_head(&rec.block).and_then(|(h, _)| {
                        String::from_utf8_lossy(h)
                            .split("\r\n")
                            .filter_map(|l| l.split_once(':'))
                            .find(|(k, _)| k.eq_ignore_ascii_case("range"))
                            .map(|(_, v)| v.trim().to_string())
                    });
                    if let Some(id) = rec.get("warc-record-id") {
                        requests.insert(id.to_string(), (method, range));
                    }
                }
                kind @ ("response" | "metadata" | "revisit") => {
                    let cut = rec.get("warc-truncated") == Some("length");
                    if kind == "response"
                        && let Some(id) = rec.get("warc-record-id")
                    {
                        // A revisit further on may refer to it.
                        bodies.insert(
                            id.to_string(),
                            (
                                offset,
                                cut,
                                rec.get("warc-payload-digest")
                                    .unwrap_or_default()
                                    .to_string(),
                            ),
                        );
                    }
                    let Some((method, range)) = rec
                        .get("warc-concurrent-to")
                        .and_then(|id| requests.get(id))
                        .cloned()
                    else {
                        continue;
                    };
                    let key = answer_key(&method, range.as_deref(), &uri);
                    if kind == "metadata" {
                        let fields = parse_fields(&rec.block);
                        let get = |name: &str| {
                            fields
                                .iter()
                                .find(|(k, _)| k == name)
                                .map(|(_, v)| v.clone())
                        };
                        if let Some(outcome) = get("fetch-error").and_then(|o| {
                            serde_json::from_value::<Outcome>(serde_json::Value::String(o)).ok()
                        }) {
                            let detail = get("fetch-error-detail").unwrap_or_default();
                            answers.insert(key, Stored::Failure { outcome, detail });
                        }
                        continue;
                    }
                    let url = Url::parse(&uri).map_err(|e| {
                        bad(format!(
                            "a response for `{uri}` (record at byte {offset}): {e}"
                        ))
                    })?;
                    if uri.contains("/gongkai-probe-") {
                        probe = Some(url.clone());
                    } else if first_page.is_none()
                        && method == "GET"
                        && !uri.ends_with("/robots.txt")
                        && !uri.ends_with(".xml")
                    {
                        first_page = Some(url.clone());
                    }
                    if kind == "revisit" {
                        // Only a 304 whose confirmed answer is in this file can be replayed.
                        let refers = rec.get("warc-refers-to").unwrap_or_default();
                        let stored = match bodies.get(refers) {
                            Some((copy, cut, d))
                                if rec.get("warc-profile") == Some(SERVER_NOT_MODIFIED) =>
                            {
                                index.insert(
                                    UrlKey::of(&url),
                                    ArchivedRef {
                                        record_id: refers.to_string(),
                                        payload_digest: d.clone(),
                                    },
                                );
                                Stored::Revisit {
                                    offset,
                                    copy: *copy,
                                    cut: *cut,
                                    stored: rec
                                        .get("warc-refers-to-date")
                                        .and_then(|d| d.parse().ok())
                                        .unwrap_or_default(),
                                }
                            }
                            _ => Stored::Failure {
                                outcome: Outcome::NotArchived,
                                detail: format!(
                                    "the archive's revisit record for {uri} refers to an answer it does not hold"
                                ),
                            },
                        };
                        answers.insert(key, stored);
                        continue;
                    }
                    answers.insert(key, Stored::Response { offset, cut });
                    if let (Some(id), Some(d)) =
                        (rec.get("warc-record-id"), rec.get("warc-payload-digest"))
                    {
                        index.insert(
                            UrlKey::of(&url),
                            ArchivedRef {
                                record_id: id.to_string(),
                                payload_digest: d.to_string(),
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        if n == 0 {
            return Err(bad("the file is empty".into()));
        }
        let start_url = start_url.or(first_page).ok_or_else(|| {
            bad("no start URL: neither a gongkai warcinfo record nor a page response".into())
        })?;
        Ok(Replay {
            path: path.to_path_buf(),
            answers,
            start_url,
            scope,
            index,
            probe,
            inspected,
        })
    }
}

impl Recorded for Replay {
    fn probe_url(&self) -> Option<Url> {
        self.probe.clone()
    }

    fn answer(
        &self,
        method: &str,
        range: Option<&str>,
        url: &Url,
    ) -> Result<Replayed, (Outcome, String)> {
        let stored = self.answers.get(&answer_key(method, range, url.as_str()));
        let (offset, cut, revisit) = match stored {
            // An inspection leaves most of a site unread on purpose; a full crawl's archive
            // lacking a URL means the replay asked for something the crawl never did.
            None if self.inspected => {
                return Err((
                    Outcome::Unsampled,
                    format!("{method} {url} was not read by the recorded inspection"),
                ));
            }
            None => {
                return Err((
                    Outcome::NotArchived,
                    format!("{method} {url} is not in the archive"),
                ));
            }
            Some(Stored::Failure { outcome, detail }) => return Err((*outcome, detail.clone())),
            Some(Stored::Response { offset, cut }) => (*offset, *cut, None),
            Some(Stored::Revisit {
                offset,
                copy,
                cut,
                stored,
            }) => (*copy, *cut, Some((*offset, *stored))),
        };
        let answer = self.read_http(offset, url)?;
        let revisit = match revisit {
            Some((at, stored)) => {
                let head = self.read_http(at, url)?;
                Some(Revisit {
                    version: head.version,
                    headers: head.headers,
                    stored,
                })
            }
            None => None,
        };
        Ok(Replayed {
            cut,
            revisit,
            ..answer
        })
    }
}

impl Replay {
    /// The HTTP message in the record at `offset`.
    fn read_http(&self, offset: u64, url: &Url) -> Result<Replayed, (Outcome, String)> {
        let fail = |e: String| (Outcome::Error, format!("reading the archive: {e}"));
        let mut file = File::open(&self.path).map_err(|e| fail(e.to_string()))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| fail(e.to_string()))?;
        let mut bytes = Vec::new();
        flate2::bufread::GzDecoder::new(BufReader::new(file))
            .read_to_end(&mut bytes)
            .map_err(|e| fail(e.to_string()))?;
        let rec = parse_record(&bytes).map_err(fail)?;
        let (head, body) = split_head(&rec.block).ok_or_else(|| fail("no HTTP header".into()))?;
        // Header values are bytes (a GBK file name in Content-Disposition): kept as they are.
        let mut lines = head
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
        let status_line = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
        // An unreadable status is a failure to read the archive, never a 200: replaying it as
        // one would judge the site on an answer it may never have given.
        let (version, status) = parse_status_line(&status_line).ok_or_else(|| {
            fail(format!(
                "the recorded response to {url} has an unreadable status line `{status_line}`"
            ))
        })?;
        let mut headers = HeaderMap::new();
        for line in lines {
            let Some(colon) = memchr::memchr(b':', line) else {
                continue;
            };
            if let (Ok(k), Ok(v)) = (
                HeaderName::from_bytes(line[..colon].trim_ascii()),
                HeaderValue::from_bytes(line[colon + 1..].trim_ascii()),
            ) {
                headers.append(k, v);
            }
        }
        Ok(Replayed {
            version: version.to_string(),
            status,
            headers,
            body: body.to_vec(),
            cut: false,
            revisit: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_that_cannot_be_read_give_no_status() {
        let ok = |l: &str| parse_status_line(l).map(|(v, s)| (v.to_string(), s.as_u16()));
        assert_eq!(ok("HTTP/1.1 200 OK"), Some(("HTTP/1.1".into(), 200)));
        assert_eq!(ok("HTTP/2.0 404"), Some(("HTTP/2.0".into(), 404)));
        assert_eq!(
            ok("HTTP/1.1 503 Service Unavailable"),
            Some(("HTTP/1.1".into(), 503))
        );
        for bad in [
            "",
            "HTTP/1.1",
            "HTTP/1.1 20 OK",
            "HTTP/1.1 0",
            "HTTP/1.1 2000 OK",
            "HTTP/1.1 OK",
            "HTTP/1.1 +20",
            "ICY 200 OK",
            "200 OK",
        ] {
            assert_eq!(ok(bad), None, "{bad}");
        }
    }

    #[test]
    fn base32_matches_rfc_4648() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY======");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
        // The SHA-1 of nothing, as every WARC tool writes it.
        assert_eq!(digest(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }
}
