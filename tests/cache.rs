//! `--cache DIR`: a re-audit asks with `If-None-Match` / `If-Modified-Since` for the pages it
//! kept, and a 304 reuses the kept page. Against a real server on 127.0.0.1 that serves a copy of
//! a fixture site and honours the conditions the way real servers do (a weak ETag compared
//! weakly, or nginx's exact `If-Modified-Since`), and counts what it answered.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongkai::audit::Status;
use gongkai::crawl::cache::Cache;
use gongkai::crawl::{CrawlConfig, Outcome};
use gongkai::pipeline::{self, AuditOptions};
use gongkai::report::Report;
use url::Url;

const SITE: &str = "fixtures/sites/qingshui-jyj";
const FEE_PAGE: &str = "/fdzdgknr/jysf/202608/t20260824_2052.html";
const GUIDE_PAGE: &str = "/zfxxgkzn/202503/t20250305_1203.html";

/// Which validators the server sends and honours.
#[derive(Clone, Copy, PartialEq)]
enum Validators {
    /// A weak ETag of the content; `If-None-Match` compared weakly (RFC 9110).
    ETag,
    /// `Last-Modified` only, and `If-Modified-Since` compared exactly (nginx's default).
    LastModified,
}

/// One answered request: path, method, whether it asked conditionally, status sent.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    method: Method,
    conditional: bool,
    status: u16,
}

#[derive(Clone)]
struct Site {
    root: PathBuf,
    validators: Validators,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Site {
    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.hits.lock().unwrap().clear();
    }

    fn count(&self, f: impl Fn(&Hit) -> bool) -> usize {
        self.hits().iter().filter(|h| f(h)).count()
    }
}

fn etag_of(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("W/\"{:x}-{:x}\"", bytes.len(), h.finish())
}

fn http_date(t: std::time::SystemTime) -> String {
    let ts = jiff::Timestamp::try_from(t).unwrap();
    ts.to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Strips `W/`: `If-None-Match` matches weakly.
fn weak(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/")
}

async fn serve_file(State(site): State<Site>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let inm = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let ims = req
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let conditional = inm.is_some() || ims.is_some();
    let (status, resp) = answer(&site, &path, inm.as_deref(), ims.as_deref());
    site.hits.lock().unwrap().push(Hit {
        path,
        method,
        conditional,
        status: status.as_u16(),
    });
    resp
}

fn answer(site: &Site, path: &str, inm: Option<&str>, ims: Option<&str>) -> (StatusCode, Response) {
    // A broken server (or proxy) that says "not modified" to anyone.
    if path == "/always-304.html" {
        return (
            StatusCode::NOT_MODIFIED,
            StatusCode::NOT_MODIFIED.into_response(),
        );
    }
    let mut rel = path.trim_start_matches('/').to_string();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let file = site.root.join(&rel);
    // `<file>.status` holding a status: the page answers that now (a firewall, a failing server).
    if let Ok(forced) = std::fs::read_to_string(site.root.join(format!("{rel}.status"))) {
        let status = StatusCode::from_u16(forced.trim().parse().unwrap()).unwrap();
        return (
            status,
            (status, "<html><body>error</body></html>").into_response(),
        );
    }
    let Ok(bytes) = std::fs::read(&file) else {
        return (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND.into_response());
    };
    let mut h = HeaderMap::new();
    let ctype = match Path::new(&rel).extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    };
    h.insert(header::CONTENT_TYPE, ctype.parse().unwrap());
    let not_modified = match site.validators {
        Validators::ETag => {
            let tag = etag_of(&bytes);
            h.insert(header::ETAG, tag.parse().unwrap());
            inm.is_some_and(|v| v.split(',').any(|t| weak(t) == weak(&tag)))
        }
        Validators::LastModified => {
            let lm = http_date(std::fs::metadata(&file).unwrap().modified().unwrap());
            h.insert(header::LAST_MODIFIED, lm.parse().unwrap());
            ims == Some(lm.as_str())
        }
    };
    if not_modified {
        return (
            StatusCode::NOT_MODIFIED,
            (StatusCode::NOT_MODIFIED, h).into_response(),
        );
    }
    (StatusCode::OK, (h, bytes).into_response())
}

/// A copy of the fixture site, served; the test may change the copy between runs.
async fn serve(validators: Validators) -> (Url, Site, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(Path::new(SITE), dir.path());
    let site = Site {
        root: dir.path().to_path_buf(),
        validators,
        hits: Arc::default(),
    };
    let app = Router::new().fallback(serve_file).with_state(site.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (Url::parse(&format!("http://{addr}/")).unwrap(), site, dir)
}

fn config(cache: &Path) -> CrawlConfig {
    CrawlConfig {
        interval: std::time::Duration::ZERO,
        per_host: 4,
        concurrency: 8,
        cache: Some(Cache::open(cache, 64 << 20).unwrap()),
        ..CrawlConfig::default()
    }
}

async fn audit(start: &Url, cache: &Path, archive: Option<PathBuf>) -> Report {
    let pack = Arc::new(gongkai::rules::load("cn-edu-county").unwrap());
    let opts = AuditOptions {
        target: start.to_string(),
        as_of: gongkai::extract::dates::parse_iso("2026-11-26"),
        crawl: config(cache),
        archive,
        ..AuditOptions::default()
    };
    pipeline::run(&opts, &pack).await.unwrap()
}

/// Every finding in full (status, reason, message, facts, evidence with its dates and status).
fn findings(r: &Report) -> Vec<serde_json::Value> {
    r.findings
        .iter()
        .map(|f| serde_json::to_value(f).unwrap())
        .collect()
}

fn status_of(r: &Report, id: &str) -> Status {
    r.findings.iter().find(|f| f.rule_id == id).unwrap().status
}

/// The second run: pages come back as 304s, the report counts them, and every finding is the
/// same as the first run's, evidence included.
async fn second_run_reuses_pages(validators: Validators) {
    let (start, site, _dir) = serve(validators).await;
    let cache = tempfile::tempdir().unwrap();
    let first = audit(&start, cache.path(), None).await;
    assert!(first.crawl.pages_fetched > 50, "{:?}", first.crawl);
    assert_eq!(site.count(|h| h.conditional), 0);
    assert_eq!(first.crawl.not_modified, 0);
    let pages = site.count(|h| h.method == Method::GET && h.status == 200);

    site.clear();
    let second = audit(&start, cache.path(), None).await;
    let not_modified = site.count(|h| h.status == 304);
    // Every page the server served is kept and asked about again.
    assert_eq!(not_modified, pages, "{:?}", site.hits());
    assert_eq!(
        site.count(|h| h.method == Method::GET && h.status == 200),
        0
    );
    assert!(site.hits().iter().all(|h| h.status != 304 || h.conditional));
    // Link checks (HEAD) ask nothing: there is no body to reuse.
    assert!(
        site.hits()
            .iter()
            .filter(|h| h.method == Method::HEAD)
            .all(|h| !h.conditional)
    );
    assert!(site.count(|h| h.method == Method::HEAD) > 0);
    // The report counts them, as the server does.
    assert_eq!(second.crawl.not_modified, not_modified);
    assert_eq!(second.crawl.status_counts.get(&304), Some(&not_modified));
    assert_eq!(second.crawl.pages_fetched, first.crawl.pages_fetched);
    assert_eq!(second.crawl.requests, first.crawl.requests);
    assert_eq!(findings(&second), findings(&first));
    assert_eq!(second.score.points, first.score.points);
    assert_eq!(second.site.dead_links, first.site.dead_links);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_honours_if_none_match_answers_304_and_the_findings_stay() {
    second_run_reuses_pages(Validators::ETag).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_honours_only_if_modified_since_answers_304_and_the_findings_stay() {
    second_run_reuses_pages(Validators::LastModified).await;
}

/// A page that changed (a new ETag) is read again and its new content judged; a page that is gone
/// is a dead link and one that a firewall or a failing server now refuses is inconclusive, never
/// its kept copy; a damaged cache entry is ignored and the page fetched in full.
#[tokio::test(flavor = "multi_thread")]
async fn changed_gone_and_damaged_pages_are_never_served_from_the_cache() {
    let (start, site, dir) = serve(Validators::ETag).await;
    let cache = tempfile::tempdir().unwrap();
    let first = audit(&start, cache.path(), None).await;
    assert_eq!(status_of(&first, "EDU-FEE"), Status::Pass);
    assert_eq!(status_of(&first, "GOV-GUIDE"), Status::Pass);

    // The fee notice loses its table; the guide is deleted.
    std::fs::write(
        dir.path().join(&FEE_PAGE[1..]),
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>2026年秋季学期中小学收费公示_清水县教育局</title></head>
<body><h1>2026年秋季学期中小学收费公示</h1><p>详见各学校公告栏。</p></body></html>"#,
    )
    .unwrap();
    std::fs::remove_file(dir.path().join(&GUIDE_PAGE[1..])).unwrap();
    // The annual report column is behind a firewall now, the budget column's server fails.
    std::fs::write(dir.path().join("zfxxgknb/index.html.status"), "403").unwrap();
    std::fs::write(
        dir.path().join("fdzdgknr/czzj/bmys/index.html.status"),
        "500",
    )
    .unwrap();
    // The home page's entry is damaged (cut short, as a failing disk would leave it).
    let home = entry_file(cache.path(), &start);
    let bytes = std::fs::read(&home).unwrap();
    std::fs::write(&home, &bytes[..bytes.len() / 2]).unwrap();

    site.clear();
    let second = audit(&start, cache.path(), None).await;
    let hits = site.hits();
    let of = |p: &str| -> Vec<&Hit> { hits.iter().filter(|h| h.path == p).collect() };
    // Asked conditionally, answered in full, judged on what it says now.
    let fee = of(FEE_PAGE);
    assert!(
        fee.len() == 1 && fee[0].conditional && fee[0].status == 200,
        "{fee:?}"
    );
    assert_ne!(status_of(&second, "EDU-FEE"), Status::Pass);
    // Gone: dead, and the guide is no longer found.
    let guide = of(GUIDE_PAGE);
    assert!(
        guide.len() == 1 && guide[0].conditional && guide[0].status == 404,
        "{guide:?}"
    );
    assert_ne!(status_of(&second, "GOV-GUIDE"), Status::Pass);
    assert_eq!(second.site.dead_links, first.site.dead_links + 1);
    // Refused: inconclusive, not judged on the kept copy (which passed).
    for (path, status, outcome) in [
        ("/zfxxgknb/index.html", 403, Outcome::Blocked),
        ("/fdzdgknr/czzj/bmys/index.html", 500, Outcome::ServerError),
    ] {
        let h = of(path);
        assert!(
            !h.is_empty() && h[0].conditional && h.iter().all(|h| h.status == status),
            "{path} {h:?}"
        );
        assert_eq!(
            second.crawl.outcome_counts.get(&outcome),
            Some(&1),
            "{path}"
        );
    }
    assert_eq!(status_of(&first, "GOV-ANNUAL-REPORT"), Status::Pass);
    assert_eq!(
        status_of(&second, "GOV-ANNUAL-REPORT"),
        Status::Inconclusive
    );
    assert_eq!(status_of(&first, "GOV-BUDGET"), Status::Pass);
    assert_eq!(status_of(&second, "GOV-BUDGET"), Status::Inconclusive);
    // The damaged entry is ignored: the home page is fetched in full and judged as before.
    let home_hits = of("/");
    assert!(
        home_hits.len() == 1 && !home_hits[0].conditional && home_hits[0].status == 200,
        "{home_hits:?}"
    );
    assert_eq!(
        status_of(&second, "INSP-HOME-FRESH"),
        status_of(&first, "INSP-HOME-FRESH")
    );
    // Everything else came back 304.
    assert_eq!(second.crawl.not_modified, site.count(|h| h.status == 304));
    assert!(second.crawl.not_modified > 50);

    // The gone page's entry went, the changed page's and the home page's were rewritten.
    site.clear();
    let third = audit(&start, cache.path(), None).await;
    let hits = site.hits();
    let of = |p: &str| -> Vec<&Hit> { hits.iter().filter(|h| h.path == p).collect() };
    assert_eq!(of("/")[0].status, 304);
    assert_eq!(of(FEE_PAGE)[0].status, 304);
    assert!(!of(GUIDE_PAGE)[0].conditional);
    assert_eq!(findings(&third), findings(&second));
}

/// The cache file of `url`, found by what it says it holds.
fn entry_file(cache: &Path, url: &Url) -> PathBuf {
    let mut found = Vec::new();
    for sub in std::fs::read_dir(cache.join("gongkai-v1")).unwrap() {
        for f in std::fs::read_dir(sub.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            let needle = format!("\"url\":\"{url}\"");
            if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(p);
            }
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

/// A 304 to a request that asked nothing confirms nothing: no page to judge, and not a dead link
/// either (a broken server or proxy is not the site's gap).
#[tokio::test(flavor = "multi_thread")]
async fn a_304_nobody_asked_for_is_inconclusive() {
    let (start, _site, dir) = serve(Validators::ETag).await;
    let index = dir.path().join("index.html");
    let home = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        home.replacen(
            "</body>",
            r#"<a href="/always-304.html">坏代理</a></body>"#,
            1,
        ),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    struct Nothing;
    impl gongkai::crawl::PageSink for Nothing {
        type Facts = ();
        fn extractor(&self) -> gongkai::crawl::Extractor<()> {
            Arc::new(|page| {
                let (_, links) =
                    gongkai::extract::extract(&page, &gongkai::extract::TextPolicy::default());
                ((), links)
            })
        }
        fn add(&mut self, _: ()) {}
    }
    let log = gongkai::crawl::crawl(
        &config(cache.path()),
        &start,
        &gongkai::target::Scope::from_url(&start),
        &mut Nothing,
    )
    .await
    .unwrap();
    let c = log
        .outcome(&start.join("/always-304.html").unwrap())
        .unwrap();
    assert_eq!(c.outcome, Outcome::Error, "{c:?}");
    assert!(c.outcome.is_inconclusive());
    assert!(
        c.detail
            .as_deref()
            .is_some_and(|d| d.contains("not conditional")),
        "{c:?}"
    );
    assert_eq!(log.summary.not_modified, 0);
}

/// A run whose pages came from 304s, archived, replays offline to the same findings: the archive
/// holds the reused page (a response record of its first fetch) and the 304 (a revisit record
/// that refers to it).
#[tokio::test(flavor = "multi_thread")]
async fn an_archive_of_a_run_with_304s_replays_to_the_same_findings() {
    let (start, site, _dir) = serve(Validators::ETag).await;
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    audit(&start, cache.path(), None).await;
    site.clear();
    let warc = out.path().join("second.warc.gz");
    let live = audit(&start, cache.path(), Some(warc.clone())).await;
    assert!(live.crawl.not_modified > 50);
    let pack = Arc::new(gongkai::rules::load("cn-edu-county").unwrap());
    let replay = pipeline::run(
        &AuditOptions {
            from_warc: Some(warc.clone()),
            as_of: gongkai::extract::dates::parse_iso("2026-11-26"),
            crawl: CrawlConfig::default(),
            ..AuditOptions::default()
        },
        &pack,
    )
    .await
    .unwrap();
    // The same findings, evidence included: the archive's records are cited alike.
    assert!(
        live.findings
            .iter()
            .flat_map(|f| &f.evidence)
            .any(|e| e.warc_record_id.is_some())
    );
    assert_eq!(findings(&replay), findings(&live));
    assert_eq!(replay.score.points, live.score.points);
    assert_eq!(replay.crawl.pages_fetched, live.crawl.pages_fetched);
    assert_eq!(replay.crawl.not_modified, live.crawl.not_modified);
    assert_eq!(replay.crawl.outcome_counts, live.crawl.outcome_counts);
    check_with_warcio(&warc, live.crawl.not_modified);
}

/// warcio (another implementation) reads the archive: each revisit has the server-not-modified
/// profile, its request asked conditionally, and it refers to a response record in the file
/// whose payload digest it repeats.
fn check_with_warcio(warc: &Path, revisits: usize) {
    let python = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/test-tools/venv/bin/python"
    ));
    let has_warcio = python.exists()
        && std::process::Command::new(&python)
            .args(["-c", "import warcio"])
            .status()
            .is_ok_and(|s| s.success());
    assert!(
        has_warcio,
        "{} with warcio is missing: run scripts/test-deps (pip warcio)",
        python.display()
    );
    const CHECK: &str = r#"
import sys
from warcio.archiveiterator import ArchiveIterator
path, expected = sys.argv[1], int(sys.argv[2])
responses, requests, revisits = {}, {}, []
with open(path, 'rb') as f:
    for rec in ArchiveIterator(f, check_digests='raise'):
        h = rec.rec_headers
        rid = h.get_header('WARC-Record-ID')
        if rec.rec_type == 'response':
            body = rec.content_stream().read()
            responses[rid] = (h.get_header('WARC-Target-URI'), h.get_header('WARC-Payload-Digest'), h.get_header('WARC-Date'))
        elif rec.rec_type == 'request':
            requests[rid] = rec.http_headers
        elif rec.rec_type == 'revisit':
            assert rec.http_headers.get_statuscode() == '304', rec.http_headers
            revisits.append((h.get_header('WARC-Target-URI'), h.get_header('WARC-Profile'),
                             h.get_header('WARC-Refers-To'), h.get_header('WARC-Refers-To-Target-URI'),
                             h.get_header('WARC-Refers-To-Date'), h.get_header('WARC-Payload-Digest'),
                             h.get_header('WARC-Concurrent-To')))
assert len(revisits) == expected, (len(revisits), expected)
for uri, profile, refers, refers_uri, refers_date, digest, req in revisits:
    assert profile == 'http://netpreserve.org/warc/1.1/revisit/server-not-modified', profile
    assert refers in responses, ('refers to a missing record', uri)
    assert responses[refers] == (uri, digest, refers_date), (responses[refers], uri, digest, refers_date)
    asked = requests[req]
    assert asked.get_header('If-None-Match'), ('the request did not ask conditionally', uri)
print('ok', len(revisits), 'revisits')
"#;
    let out = std::process::Command::new(&python)
        .args(["-c", CHECK, warc.to_str().unwrap(), &revisits.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Parallel audits of one cache (a batch's units): each writes every entry while the others
/// write and read the same files, every run reads whole entries only, and the findings agree.
#[tokio::test(flavor = "multi_thread")]
async fn parallel_audits_share_one_cache() {
    let (start, site, _dir) = serve(Validators::ETag).await;
    let cache = tempfile::tempdir().unwrap();
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let (start, cache) = (start.clone(), cache.path().to_path_buf());
            tokio::spawn(async move { audit(&start, &cache, None).await })
        })
        .collect();
    let mut reports = Vec::new();
    for r in runs {
        reports.push(r.await.unwrap());
    }
    for r in &reports[1..] {
        assert_eq!(findings(r), findings(&reports[0]));
    }
    // No temporary file is left behind, and the next run finds every page it needs.
    let names: Vec<String> = std::fs::read_dir(cache.path().join("gongkai-v1"))
        .unwrap()
        .flat_map(|sub| std::fs::read_dir(sub.unwrap().path()).unwrap())
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() > 50, "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with(".tmp")), "{names:?}");
    site.clear();
    let after = audit(&start, cache.path(), None).await;
    assert_eq!(findings(&after), findings(&reports[0]));
    assert_eq!(
        site.count(|h| h.method == Method::GET && h.status == 200),
        0
    );
    assert_eq!(after.crawl.not_modified, site.count(|h| h.status == 304));
}

fn gongkai(args: Vec<String>) -> std::process::Output {
    assert_cmd::Command::cargo_bin("gongkai")
        .unwrap()
        .env_remove("GONGKAI_CACHE")
        .args(args)
        .output()
        .unwrap()
}

/// The command line: `--cache` on a scheduled re-audit, the crawl line of the report saying what
/// was reused, and a cache path that cannot be one refused before any request.
#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_reports_the_304s() {
    let (start, site, _dir) = serve(Validators::ETag).await;
    let cache = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args: Vec<String> = [
            "audit",
            start.as_str(),
            "-q",
            "--as-of",
            "2026-11-26",
            "--delay-ms",
            "0",
            "--cache",
            cache.path().to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        tokio::task::spawn_blocking(move || gongkai(args))
    };
    let first = run(&["-f", "json"]).await.unwrap();
    let first: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert!(
        first["crawl"].get("not_modified").is_none(),
        "{}",
        first["crawl"]
    );
    assert!(cache.path().join("CACHEDIR.TAG").is_file());

    site.clear();
    let second = run(&["-f", "json"]).await.unwrap();
    let second: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    let n = site.count(|h| h.status == 304);
    assert!(n > 50);
    assert_eq!(second["crawl"]["not_modified"], n);
    assert_eq!(second["crawl"]["status_counts"]["304"], n);
    assert_eq!(second["findings"], first["findings"]);

    let table = run(&["--lang", "en"]).await.unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains(&format!(
            "({n} answered 304 Not Modified (reused from the cache))"
        )),
        "{table}"
    );
    let md = run(&["-f", "markdown"]).await.unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains(&format!("（其中 {n} 个返回304未修改（沿用缓存））")),
        "{md}"
    );

    let html = run(&["-f", "html", "--lang", "en"]).await.unwrap();
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(
        html.contains(&format!(
            "<th>Not modified (304, reused from the cache)</th><td>{n}</td>"
        )),
        "{html}"
    );
    let xlsx = cache.path().with_extension("xlsx");
    run(&["-o", xlsx.to_str().unwrap()]).await.unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::Reader;
    let summary = book.worksheet_range("汇总").unwrap();
    let row = summary
        .rows()
        .find(|r| r[0] == calamine::Data::String("未修改（304，沿用缓存）".into()))
        .expect("a row for the 304s");
    assert_eq!(row[1].to_string(), n.to_string());
    let _ = std::fs::remove_file(&xlsx);

    // A file where the directory should be: exit 2, naming it, and the site is not asked.
    site.clear();
    let file = cache.path().join("CACHEDIR.TAG");
    let out = tokio::task::spawn_blocking({
        let args = vec![
            "audit".to_string(),
            start.to_string(),
            "--cache".into(),
            file.to_str().unwrap().into(),
        ];
        move || gongkai(args)
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--cache") && err.contains("CACHEDIR.TAG") && err.contains("not a directory"),
        "{err}"
    );
    assert!(site.hits().is_empty());
}

#[test]
fn help_documents_the_cache() {
    for cmd in ["audit", "batch", "recheck"] {
        let out = gongkai(vec![cmd.into(), "--help".into()]);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains("--cache <DIR>") && help.contains("If-None-Match"),
            "{cmd}: {help}"
        );
        assert!(help.contains("--cache-max-mb <MB>"), "{cmd}: {help}");
    }
}

/// `batch --cache`: the units, audited in parallel, share one cache, and each unit's report counts
/// the 304s its own server sent.
#[tokio::test(flavor = "multi_thread")]
async fn batch_units_share_one_cache() {
    let (a, site_a, _da) = serve(Validators::ETag).await;
    let (b, site_b, _db) = serve(Validators::LastModified).await;
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("units.csv");
    std::fs::write(
        &list,
        format!("单位名称,上级单位,网址\n甲县教育局,示例市,{a}\n乙县教育局,示例市,{b}\n"),
    )
    .unwrap();
    let cache = tmp.path().join("cache");
    let out = tmp.path().join("out");
    let batch = || {
        let args: Vec<String> = [
            "batch",
            list.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--as-of",
            "2026-11-26",
            "-q",
            "--force",
            "--jobs",
            "2",
            "--delay-ms",
            "0",
            "--cache",
            cache.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        tokio::task::spawn_blocking(move || gongkai(args))
    };
    // Each unit's report, by its start URL.
    let reports = || -> std::collections::HashMap<String, serde_json::Value> {
        std::fs::read_dir(out.join("sites"))
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .map(|p| {
                let r: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
                (r["target"]["start_url"].as_str().unwrap().to_string(), r)
            })
            .collect()
    };
    let first = batch().await.unwrap();
    assert!(matches!(first.status.code(), Some(0 | 1)), "{first:?}");
    let before = reports();
    site_a.clear();
    site_b.clear();
    batch().await.unwrap();
    let after = reports();
    assert_eq!(after.len(), 2);
    for (url, site) in [(&a, &site_a), (&b, &site_b)] {
        let n = site.count(|h| h.status == 304);
        assert!(n > 50, "{n}");
        let key = url.to_string();
        assert_eq!(after[&key]["crawl"]["not_modified"], n, "{key}");
        assert_eq!(after[&key]["findings"], before[&key]["findings"]);
    }
}
