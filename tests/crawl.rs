//! The crawler against a purpose-built misbehaving server on 127.0.0.1: redirects and loops,
//! timeouts, firewalls, dead attachments, servers that refuse HEAD, gzip, GBK without a header
//! charset, 429 with Retry-After, robots.txt. No mocked HTTP client: real sockets, real bytes.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongkai::audit::{Fact, Reason, Status};
use gongkai::crawl::{self, CrawlConfig, Extractor, FetchedPage, LinkKind, Outcome, PageSink};
use gongkai::extract::{self, PageFacts, TextPolicy};
use gongkai::pipeline::{self, AuditOptions};
use gongkai::target::Scope;
use url::Url;

/// One request as the server saw it: method and Range header.
type Seen = (Method, Option<String>);

/// Requests per path.
#[derive(Clone, Default)]
struct Hits(Arc<Mutex<HashMap<String, Vec<Seen>>>>);

impl Hits {
    fn of(&self, path: &str) -> Vec<Seen> {
        self.0
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }
}

const HOME: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>首页_测试县教育局</title></head><body>
<div class="nav"><a href="/zfxxgknb/">政府信息公开年报</a><a href="javascript:void(0)">无效</a><a href="mailto:a@b.cn">邮件</a></div>
<ul class="list">
<li><a href="/redir">重定向的文章</a><span>2026-11-20</span></li>
<li><a href="/loop1">循环重定向</a><span>2026-11-19</span></li>
<li><a href="/forbidden">防火墙拦截</a><span>2026-11-18</span></li>
<li><a href="/gz.html">压缩页面</a><span>2026-11-17</span></li>
<li><a href="/gbk.html">GBK页面</a><span>2026-11-16</span></li>
<li><a href="/busy.html">限流页面</a><span>2026-11-15</span></li>
<li><a href="/private/secret.html">禁止抓取</a><span>2026-11-14</span></li>
<li><a href="/missing.html">不存在的页面</a><span>2026-11-13</span></li>
<li><a href="/big.html">历年文件汇编</a><span>2026-11-12</span></li>
</ul>
<p><a href="/files/gone.pdf">附件一</a> <a href="/files/nohead.pdf">附件二</a> <img src="/img/logo.png">
<a href="http://127.0.0.1:9/elsewhere.html">外部链接</a></p>
</body></html>"#;

async fn handler(State(hits): State<Hits>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let method = req.method().clone();
    let count = {
        let mut h = hits.0.lock().unwrap();
        let v = h.entry(path.clone()).or_default();
        v.push((method.clone(), range.clone()));
        v.len()
    };
    let html =
        |s: &'static str| ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], s).into_response();
    match path.as_str() {
        "/" => html(HOME),
        "/robots.txt" => "User-agent: *\nDisallow: /private/\n".into_response(),
        "/redir" => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, "/target.html")],
        )
            .into_response(),
        "/target.html" => html(
            "<html><head><meta name=\"ArticleTitle\" content=\"重定向目标\"></head><body>正文</body></html>",
        ),
        "/loop1" => (StatusCode::FOUND, [(header::LOCATION, "/loop2")]).into_response(),
        "/loop2" => (StatusCode::FOUND, [(header::LOCATION, "/loop1")]).into_response(),
        "/forbidden" => {
            (StatusCode::FORBIDDEN, "<html>Access denied by WAF</html>").into_response()
        }
        "/zfxxgknb/" => {
            // Slower than the client's timeout: the annual report column cannot be verified.
            tokio::time::sleep(Duration::from_secs(8)).await;
            html("<html><body>slow</body></html>")
        }
        "/gz.html" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all("<html><head><title>压缩的页面_测试</title></head><body><h1>压缩的页面</h1></body></html>".as_bytes()).unwrap();
            let body = e.finish().unwrap();
            (
                [
                    (header::CONTENT_TYPE, "text/html"),
                    (header::CONTENT_ENCODING, "gzip"),
                ],
                body,
            )
                .into_response()
        }
        "/gbk.html" => {
            let page = "<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=gb2312\"><title>教育收费公示_测试县</title></head><body><h1>教育收费公示</h1><p>投诉电话：0938－6123400</p></body></html>";
            let bytes = encoding_rs::GBK.encode(page).0.into_owned();
            ([(header::CONTENT_TYPE, "text/html")], bytes).into_response()
        }
        "/busy.html" if count == 1 => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "slow down",
        )
            .into_response(),
        "/busy.html" => html("<html><head><title>限流后成功</title></head><body></body></html>"),
        // A list far larger than a typical page (extracted off the runtime's workers), whose
        // last row is the only way to a page on the site.
        "/big.html" => {
            let mut page = String::from(
                "<html><head><title>历年文件汇编_测试县教育局</title></head><body><ul>",
            );
            for i in 0..BIG_ROWS {
                let href = if i + 1 == BIG_ROWS {
                    "/after-big.html".to_string()
                } else {
                    // Out of scope, so the test does not fetch thousands of pages.
                    format!("http://127.0.0.1:9/wj/{i}.html")
                };
                page.push_str(&format!(
                    "<li><a href=\"{href}\">测试县教育局关于做好第{i}项工作的通知</a><span>2025-03-14</span></li>\n"
                ));
            }
            page.push_str("</ul></body></html>");
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
        }
        "/after-big.html" => html(
            "<html><head><title>汇编之后_测试</title></head><body><h1>汇编之后</h1></body></html>",
        ),
        "/files/gone.pdf" => StatusCode::NOT_FOUND.into_response(),
        // Refuses HEAD, and refuses to send the whole file: only a ranged GET succeeds.
        "/files/nohead.pdf" if method == Method::HEAD => {
            StatusCode::METHOD_NOT_ALLOWED.into_response()
        }
        "/files/nohead.pdf" if range.is_some() => {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, "application/pdf".parse().unwrap());
            h.insert(header::CONTENT_RANGE, "bytes 0-0/90000".parse().unwrap());
            (StatusCode::PARTIAL_CONTENT, h, Body::from("%")).into_response()
        }
        "/files/nohead.pdf" => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        "/img/logo.png" => ([(header::CONTENT_TYPE, "image/png")], vec![0u8; 16]).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Rows of `/big.html`: about 800 KB of list, past the size extracted on the runtime's workers.
const BIG_ROWS: usize = 6000;

async fn serve() -> (Url, Hits) {
    let hits = Hits::default();
    let app = Router::new().fallback(handler).with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (Url::parse(&format!("http://{addr}/")).unwrap(), hits)
}

struct Collect(Vec<PageFacts>);

impl PageSink for Collect {
    type Facts = PageFacts;

    fn extractor(&self) -> Extractor<PageFacts> {
        Arc::new(|page: FetchedPage| extract::extract(&page, &TextPolicy::default()))
    }

    fn add(&mut self, facts: PageFacts) {
        self.0.push(facts);
    }
}

fn config() -> CrawlConfig {
    CrawlConfig {
        // Long enough for every other route on a loaded machine, short of the slow one's 8 s.
        timeout: Duration::from_secs(3),
        interval: Duration::ZERO,
        retries: 1,
        ..CrawlConfig::default()
    }
}

#[tokio::test]
async fn misbehaving_server_outcomes() {
    let (start, hits) = serve().await;
    let scope = Scope::from_url(&start);
    let mut sink = Collect(Vec::new());
    let log = crawl::crawl(&config(), &start, &scope, &mut sink)
        .await
        .unwrap();
    let outcome = |p: &str| log.outcome(&start.join(p).unwrap()).map(|c| c.outcome);

    // Redirects are followed and recorded; the target is known under its own URL.
    let redir = log.outcome(&start.join("/redir").unwrap()).unwrap();
    assert_eq!(redir.outcome, Outcome::Ok);
    assert_eq!(redir.redirects, vec![start.join("/target.html").unwrap()]);
    assert!(sink.0.iter().any(|p| p.title == "重定向目标"));
    assert_eq!(outcome("/loop1"), Some(Outcome::RedirectError));

    // Failures that are not the site's verdict stay inconclusive.
    assert_eq!(outcome("/forbidden"), Some(Outcome::Blocked));
    assert_eq!(outcome("/zfxxgknb/"), Some(Outcome::Timeout));
    assert!(outcome("/zfxxgknb/").unwrap().is_inconclusive());

    // 429 with Retry-After is retried after waiting, and then succeeds.
    assert_eq!(outcome("/busy.html"), Some(Outcome::Ok));
    assert_eq!(hits.of("/busy.html").len(), 2);

    // Dead pages and attachments are dead; a server that refuses HEAD gets a one-byte range.
    assert_eq!(outcome("/missing.html"), Some(Outcome::Dead));
    assert_eq!(outcome("/files/gone.pdf"), Some(Outcome::Dead));
    assert_eq!(
        log.outcome(&start.join("/files/gone.pdf").unwrap())
            .unwrap()
            .kind,
        LinkKind::Attachment
    );
    assert_eq!(outcome("/files/nohead.pdf"), Some(Outcome::Ok));
    let nohead = hits.of("/files/nohead.pdf");
    assert_eq!(nohead[0].0, Method::HEAD);
    assert!(
        nohead[1..]
            .iter()
            .all(|(m, r)| *m == Method::GET && r.as_deref() == Some("bytes=0-0")),
        "{nohead:?}"
    );
    assert_eq!(outcome("/img/logo.png"), Some(Outcome::Ok));
    assert_eq!(hits.of("/img/logo.png")[0].0, Method::HEAD);

    // robots.txt and scope are obeyed: those URLs are recorded but never requested.
    assert_eq!(
        outcome("/private/secret.html"),
        Some(Outcome::RobotsDisallowed)
    );
    assert!(hits.of("/private/secret.html").is_empty());
    assert_eq!(
        log.outcome(&Url::parse("http://127.0.0.1:9/elsewhere.html").unwrap())
            .map(|c| c.outcome),
        Some(Outcome::OutOfScope)
    );
    assert_eq!(
        log.summary.robots.as_ref().and_then(|r| r.status),
        Some(200)
    );

    // Non-links are not links.
    assert!(
        !log.checks
            .values()
            .any(|c| ["javascript", "mailto"].contains(&c.url.scheme()))
    );

    // Compressed and GBK pages decode.
    assert!(sink.0.iter().any(|p| p.title == "压缩的页面"));
    let gbk = sink.0.iter().find(|p| p.url.path() == "/gbk.html").unwrap();
    assert_eq!(gbk.title, "教育收费公示");
    assert_eq!(gbk.phones[0].number, "0938-6123400");

    // A page of over half a megabyte is read to its last row.
    let big = sink.0.iter().find(|p| p.url.path() == "/big.html").unwrap();
    assert_eq!(big.entries.len(), BIG_ROWS);
    assert!(sink.0.iter().any(|p| p.title == "汇编之后"));

    // Every page is requested once, however many links point at it.
    assert_eq!(hits.of("/").len(), 1);
    assert_eq!(hits.of("/target.html").len(), 1);
}

#[tokio::test]
async fn a_timeout_makes_a_rule_inconclusive_not_missing() {
    let (start, _) = serve().await;
    let pack = Arc::new(gongkai::rules::load("cn-edu-county").unwrap());
    let opts = AuditOptions {
        target: start.to_string(),
        scope: None,
        as_of: gongkai::extract::dates::parse_iso("2026-11-26"),
        crawl: config(),
        notes: Vec::new(),
        ..AuditOptions::default()
    };
    let report = pipeline::run(&opts, &pack).await.unwrap();
    let f = report
        .findings
        .iter()
        .find(|f| f.rule_id == "GOV-ANNUAL-REPORT")
        .unwrap();
    assert_eq!(f.status, Status::Inconclusive, "{:?}", f.message);
    assert_eq!(f.reason, Some(Reason::Timeout));
    // Nothing links to a guide, but pages the crawl could not fetch might hold it: not the
    // site's gap until we have seen everything.
    let f = report
        .findings
        .iter()
        .find(|f| f.rule_id == "GOV-GUIDE")
        .unwrap();
    assert_eq!(f.status, Status::Inconclusive, "{:?}", f.message);
    assert!(
        matches!(&f.facts, Some(Fact::Unconfirmed { inner, pages, .. }) if **inner == Fact::NotFound && *pages > 0),
        "{:?}",
        f.facts
    );
    // Blank-column and dead-link counts rest on what was seen, and stay judged.
    let f = report
        .findings
        .iter()
        .find(|f| f.rule_id == "INSP-DEAD-LINKS-HOME")
        .unwrap();
    assert_eq!(f.status, Status::Gap);
}

/// Redirects, a loop, a firewall, a timeout, gzip, GBK, a 429 then 200, HEAD refused: replayed
/// from the archive with the server gone, every URL ends the same way and the findings agree.
#[tokio::test]
async fn an_archived_crawl_replays_to_the_same_outcomes() {
    let (start, _) = serve().await;
    let pack = Arc::new(gongkai::rules::load("cn-edu-county").unwrap());
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("crawl.warc.gz");
    let live = AuditOptions {
        target: start.to_string(),
        as_of: gongkai::extract::dates::parse_iso("2026-11-26"),
        crawl: config(),
        archive: Some(warc.clone()),
        ..AuditOptions::default()
    };
    let live = pipeline::run(&live, &pack).await.unwrap();
    let replay = AuditOptions {
        from_warc: Some(warc),
        ..AuditOptions::default()
    };
    let replay = pipeline::run(
        &AuditOptions {
            as_of: gongkai::extract::dates::parse_iso("2026-11-26"),
            crawl: config(),
            ..replay
        },
        &pack,
    )
    .await
    .unwrap();
    // The server misbehaved in many ways, or this test would prove little.
    assert!(live.crawl.outcome_counts.len() >= 5, "{:?}", live.crawl);
    assert_eq!(
        replay.crawl.outcome_counts, live.crawl.outcome_counts,
        "{:?}",
        live.crawl
    );
    assert_eq!(replay.crawl.pages_fetched, live.crawl.pages_fetched);
    let verdicts = |r: &gongkai::report::Report| -> Vec<String> {
        r.findings
            .iter()
            .map(|f| {
                format!(
                    "{} {:?} {:?} {}",
                    f.rule_id, f.status, f.reason, f.message.en
                )
            })
            .collect()
    };
    assert_eq!(verdicts(&replay), verdicts(&live));
    assert_eq!(replay.score.points, live.score.points);
}

/// A disclosure catalogue embedded in a frame served from another port of the site's host is
/// crawled like the site itself (its pages and their links), while an ordinary link to that
/// port, a frame on the audited origin outside the scope's path, and a frame on another host
/// stay out of scope.
#[tokio::test]
async fn a_frame_on_another_port_of_the_host_is_followed() {
    let site = tempfile::tempdir().unwrap();
    let catalogue = tempfile::tempdir().unwrap();
    let cat = gongkai::target::StaticServer::start(catalogue.path())
        .await
        .unwrap();
    let cat_url = cat.url();
    std::fs::create_dir_all(catalogue.path().join("xxgk")).unwrap();
    std::fs::write(
        catalogue.path().join("xxgk/index.html"),
        r#"<html><head><meta charset="utf-8"><meta name="ColumnName" content="信息公开目录"></head><body>
<ul><li><a href="./202611/t20261120_1.html">县教育局2026年部门预算公开</a><span>2026-11-20</span></li></ul></body></html>"#,
    )
    .unwrap();
    std::fs::create_dir_all(catalogue.path().join("xxgk/202611")).unwrap();
    std::fs::write(
        catalogue.path().join("xxgk/202611/t20261120_1.html"),
        r#"<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="县教育局2026年部门预算公开"></head><body><p>正文</p></body></html>"#,
    )
    .unwrap();
    let frame = cat_url.join("xxgk/index.html").unwrap();
    std::fs::create_dir_all(site.path().join("zwgk")).unwrap();
    std::fs::write(
        site.path().join("zwgk/index.html"),
        format!(
            r#"<html><head><meta charset="utf-8"></head><body>
<iframe src="{frame}"></iframe>
<a href="{other}">同主机另一端口的普通链接</a>
<iframe src="/ads/banner.html"></iframe>
<iframe src="http://localhost.invalid/xxgk/index.html"></iframe></body></html>"#,
            other = cat_url.join("other.html").unwrap(),
        ),
    )
    .unwrap();
    let srv = gongkai::target::StaticServer::start(site.path())
        .await
        .unwrap();
    let start = srv.url().join("zwgk/index.html").unwrap();
    let scope = Scope::from_url(&start);
    let mut sink = Collect(Vec::new());
    let log = crawl::crawl(&config(), &start, &scope, &mut sink)
        .await
        .unwrap();
    let fetched: Vec<String> = sink.0.iter().map(|p| p.url.to_string()).collect();
    assert!(fetched.contains(&frame.to_string()), "{fetched:?}");
    // A frame on the audited origin but outside the scope's path stays outside it.
    assert_eq!(
        log.checks
            .get(&gongkai::crawl::UrlKey::of(
                &srv.url().join("ads/banner.html").unwrap()
            ))
            .map(|c| c.outcome),
        Some(Outcome::OutOfScope)
    );
    let article = cat_url.join("xxgk/202611/t20261120_1.html").unwrap();
    assert!(fetched.contains(&article.to_string()), "{fetched:?}");
    let outcome = |u: &Url| {
        log.checks
            .get(&gongkai::crawl::UrlKey::of(u))
            .map(|c| c.outcome)
    };
    assert_eq!(
        outcome(&cat_url.join("other.html").unwrap()),
        Some(Outcome::OutOfScope)
    );
    assert_eq!(
        outcome(&Url::parse("http://localhost.invalid/xxgk/index.html").unwrap()),
        Some(Outcome::OutOfScope)
    );
}

/// Extraction that fails on one page (a stand-in for a bug in our extractor): the page is
/// recorded as a fetch error with its cause, so the audit counts it among the pages it could not
/// read instead of judging the site as if the page did not exist.
#[tokio::test]
async fn a_page_whose_extraction_fails_is_recorded_as_unread() {
    struct Failing(Vec<PageFacts>);
    impl PageSink for Failing {
        type Facts = PageFacts;
        fn extractor(&self) -> Extractor<PageFacts> {
            Arc::new(|page: FetchedPage| {
                if page.final_url.path() == "/target.html" {
                    panic!("extractor bug on {}", page.final_url);
                }
                extract::extract(&page, &TextPolicy::default())
            })
        }
        fn add(&mut self, facts: PageFacts) {
            self.0.push(facts);
        }
    }
    let (start, _) = serve().await;
    let scope = Scope::from_url(&start);
    let mut sink = Failing(Vec::new());
    let log = crawl::crawl(&config(), &start, &scope, &mut sink)
        .await
        .unwrap();
    // Reached through `/redir`, under which the crawl recorded it.
    let target = log.outcome(&start.join("/redir").unwrap()).unwrap();
    assert_eq!(target.outcome, Outcome::Error);
    assert!(
        target
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("extraction failed") && d.contains("extractor bug")),
        "{target:?}"
    );
    assert!(!sink.0.iter().any(|p| p.title == "重定向目标"));
    // The rest of the crawl went on.
    assert!(sink.0.len() > 1);
}
