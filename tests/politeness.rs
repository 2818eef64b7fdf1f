//! A crawler that is polite to fragile servers and survives hostile ones, checked against real
//! misbehaving servers on 127.0.0.1. Each test counts what the server saw.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongkai::crawl::{
    self, CrawlConfig, CrawlLog, Extractor, FetchedPage, Outcome, PageSink, host::Breaker,
};
use gongkai::extract::{self, TextPolicy};
use gongkai::target::Scope;
use url::Url;

type Handler = Arc<dyn Fn(&str, Option<&str>, usize) -> Response + Send + Sync>;

/// Arrival time of every request, per path (query included).
#[derive(Clone)]
struct Server {
    seen: Arc<Mutex<Vec<(String, Instant)>>>,
    handler: Handler,
}

impl Server {
    fn count(&self, path: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .count()
    }
    fn count_prefix(&self, prefix: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .count()
    }
    /// Smallest gap between two consecutive page requests (robots.txt and the probe excluded).
    fn min_gap(&self) -> Duration {
        let seen = self.seen.lock().unwrap();
        let times: Vec<Instant> = seen
            .iter()
            .filter(|(p, _)| {
                p != "/robots.txt" && !p.contains("gongkai-probe") && p != "/sitemap.xml"
            })
            .map(|(_, t)| *t)
            .collect();
        times
            .windows(2)
            .map(|w| w[1] - w[0])
            .min()
            .unwrap_or(Duration::MAX)
    }
}

async fn handle(State(s): State<Server>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let key = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let n = {
        let mut seen = s.seen.lock().unwrap();
        seen.push((key.clone(), Instant::now()));
        seen.iter().filter(|(p, _)| *p == key).count()
    };
    (s.handler)(&path, query.as_deref(), n)
}

async fn serve(
    handler: impl Fn(&str, Option<&str>, usize) -> Response + Send + Sync + 'static,
) -> (Url, Server) {
    let server = Server {
        seen: Arc::default(),
        handler: Arc::new(handler),
    };
    let app = Router::new().fallback(handle).with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (Url::parse(&format!("http://{addr}/")).unwrap(), server)
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn links(paths: &[&str]) -> String {
    let items: String = paths
        .iter()
        .map(|p| format!("<li><a href=\"{p}\">{p}</a><span>2026-11-20</span></li>"))
        .collect();
    format!("<html><head><title>首页</title></head><body><ul>{items}</ul></body></html>")
}

fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

struct Collect(usize);

impl PageSink for Collect {
    type Facts = ();

    fn extractor(&self) -> Extractor<()> {
        Arc::new(|page: FetchedPage| ((), extract::extract(&page, &TextPolicy::default()).1))
    }

    fn add(&mut self, (): ()) {
        self.0 += 1;
    }
}

/// No politeness delay; a timeout generous enough for a loaded CI machine running debug builds.
/// Tests about timeouts set their own.
fn fast() -> CrawlConfig {
    CrawlConfig {
        interval: Duration::ZERO,
        timeout: Duration::from_secs(10),
        retries: 1,
        ..CrawlConfig::default()
    }
}

async fn run(cfg: &CrawlConfig, start: &Url) -> CrawlLog {
    let began = Instant::now();
    let log = crawl::crawl(cfg, start, &Scope::from_url(start), &mut Collect(0))
        .await
        .unwrap();
    // Every crawl here must end on its own, well within the test's patience.
    assert!(began.elapsed() < Duration::from_secs(60));
    log
}

fn outcome(log: &CrawlLog, start: &Url, p: &str) -> Option<Outcome> {
    log.outcome(&start.join(p).unwrap()).map(|c| c.outcome)
}

#[tokio::test]
async fn the_per_host_rate_is_never_exceeded() {
    let pages: Vec<String> = (0..6).map(|i| format!("/p{i}.html")).collect();
    let (start, server) = serve(move |path, _, _| {
        if path == "/" {
            let refs: Vec<&str> = pages.iter().map(String::as_str).collect();
            html(links(&refs))
        } else if path.starts_with("/p") {
            html("<html><body>x</body></html>".into())
        } else {
            not_found()
        }
    })
    .await;
    let cfg = CrawlConfig {
        interval: Duration::from_millis(250),
        per_host: 2,
        concurrency: 8,
        ..fast()
    };
    let log = run(&cfg, &start).await;
    assert_eq!(log.summary.pages_fetched, 7);
    // Request starts are spaced by the interval; arrival can jitter by a few milliseconds.
    let gap = server.min_gap();
    assert!(
        gap >= Duration::from_millis(230),
        "requests {gap:?} apart, interval 250 ms"
    );
}

#[tokio::test]
async fn robots_crawl_delay_is_a_lower_bound_and_disallow_is_obeyed() {
    let (start, server) = serve(|path, _, _| match path {
        "/robots.txt" => {
            "User-agent: *\nCrawl-delay: 1\nDisallow: /xxgk/private/\n".into_response()
        }
        "/" => html(links(&["/a.html", "/b.html", "/xxgk/private/c.html"])),
        "/a.html" | "/b.html" => html("<html></html>".into()),
        _ => not_found(),
    })
    .await;
    let log = run(&fast(), &start).await;
    assert_eq!(
        log.summary.robots.as_ref().unwrap().crawl_delay_secs,
        Some(1.0)
    );
    assert_eq!(log.summary.interval_ms, 1000);
    assert!(
        server.min_gap() >= Duration::from_millis(950),
        "{:?}",
        server.min_gap()
    );
    assert_eq!(
        outcome(&log, &start, "/xxgk/private/c.html"),
        Some(Outcome::RobotsDisallowed)
    );
    assert_eq!(server.count("/xxgk/private/c.html"), 0);
}

#[tokio::test]
async fn robots_txt_missing_forbidden_or_failing() {
    for (status, slower) in [(404u16, false), (403, false), (500, true)] {
        let (start, server) = serve(move |path, _, _| match path {
            "/robots.txt" => StatusCode::from_u16(status).unwrap().into_response(),
            "/" => html(links(&["/a.html"])),
            "/a.html" => html("<html></html>".into()),
            _ => not_found(),
        })
        .await;
        let log = run(&fast(), &start).await;
        let robots = log.summary.robots.as_ref().unwrap();
        assert_eq!(robots.status, Some(status));
        // Everything is crawled: a missing or forbidden robots.txt sets no rules.
        assert_eq!(
            outcome(&log, &start, "/a.html"),
            Some(Outcome::Ok),
            "robots {status}"
        );
        assert_eq!(server.count("/a.html"), 1);
        // A failing robots.txt slows the crawl down instead.
        assert_eq!(log.summary.interval_ms >= 1000, slower, "robots {status}");
    }
}

#[tokio::test]
async fn sitemap_index_with_a_gzipped_child_seeds_unlinked_pages() {
    let (start, server) = serve(|path, _, _| match path {
        "/robots.txt" => "User-agent: *\nAllow: /\nSitemap: /sitemap_index.xml\n".into_response(),
        "/sitemap_index.xml" => {
            "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>/s1.xml.gz</loc></sitemap></sitemapindex>".into_response()
        }
        "/s1.xml.gz" => {
            let xml = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>/orphan.html</loc><lastmod>2026-11-02</lastmod></url></urlset>";
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(xml.as_bytes()).unwrap();
            ([(header::CONTENT_TYPE, "application/gzip")], gz.finish().unwrap()).into_response()
        }
        "/" => html(links(&[])),
        "/orphan.html" => html("<html><head><title>只在站点地图中</title></head></html>".into()),
        _ => not_found(),
    })
    .await;
    let log = run(&fast(), &start).await;
    assert_eq!(outcome(&log, &start, "/orphan.html"), Some(Outcome::Ok));
    assert_eq!(server.count("/orphan.html"), 1);
    let lastmod = log
        .sitemap_lastmod
        .get(&crawl::UrlKey::of(&start.join("/orphan.html").unwrap()));
    assert_eq!(lastmod, Some(&jiff::civil::date(2026, 11, 2)));
    assert_eq!(log.summary.sitemaps.len(), 2, "{:?}", log.summary.sitemaps);
}

#[tokio::test]
async fn retries_503_and_gives_up_on_a_trickle() {
    let (start, server) = serve(|path, _, n| match path {
        "/" => html(links(&["/flaky.html", "/trickle.html"])),
        "/flaky.html" if n == 1 => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        "/flaky.html" => html("<html>ok</html>".into()),
        "/trickle.html" => {
            // One byte every 200 ms, forever: only the request timeout ends it.
            let stream = futures::stream::unfold((), |_| async {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Some((
                    Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b" ")),
                    (),
                ))
            });
            (
                [(header::CONTENT_TYPE, "text/html")],
                Body::from_stream(stream),
            )
                .into_response()
        }
        _ => not_found(),
    })
    .await;
    let cfg = CrawlConfig {
        retries: 1,
        timeout: Duration::from_secs(2),
        ..fast()
    };
    let log = run(&cfg, &start).await;
    assert_eq!(outcome(&log, &start, "/flaky.html"), Some(Outcome::Ok));
    assert_eq!(server.count("/flaky.html"), 2);
    assert_eq!(
        outcome(&log, &start, "/trickle.html"),
        Some(Outcome::Timeout)
    );
    assert_eq!(server.count("/trickle.html"), 2, "one retry, then give up");
}

#[tokio::test]
async fn redirect_chains_loops_and_bounces_to_the_home_page() {
    let (start, _server) = serve(|path, _, _| {
        if let Some(n) = path
            .strip_prefix("/hop")
            .and_then(|s| s.parse::<u32>().ok())
        {
            // /hop1 → /hop2 → ... → /hop10 → /end.html: ten redirects. /hop0 adds an eleventh.
            let next = if n >= 10 {
                "/end.html".to_string()
            } else {
                format!("/hop{}", n + 1)
            };
            return (StatusCode::FOUND, [(header::LOCATION, next)]).into_response();
        }
        match path {
            "/" => html(links(&["/hop1", "/hop0", "/deleted.html"])),
            "/end.html" => html("<html><title>终点</title></html>".into()),
            "/deleted.html" => (StatusCode::FOUND, [(header::LOCATION, "/")]).into_response(),
            _ => not_found(),
        }
    })
    .await;
    let log = run(&fast(), &start).await;
    let ten = log.outcome(&start.join("/hop1").unwrap()).unwrap();
    assert_eq!(ten.outcome, Outcome::Ok);
    assert_eq!(ten.redirects.len(), 10);
    assert_eq!(outcome(&log, &start, "/hop0"), Some(Outcome::RedirectError));
    // A deep URL that lands on the home page is a deleted page, not the page it claims to be.
    assert_eq!(
        outcome(&log, &start, "/deleted.html"),
        Some(Outcome::Soft404)
    );
}

#[tokio::test]
async fn endless_calendars_and_page_numbers_are_cut() {
    let (start, server) = serve(|path, query, _| match path {
        "/" => html(links(&["/cal?date=2026-11-27", "/list?page=1"])),
        "/cal" => {
            let day: u32 = query
                .and_then(|q| q.rsplit('-').next())
                .and_then(|d| d.parse().ok())
                .unwrap_or(1);
            html(format!(
                "<html><a href=\"/cal?date=2026-11-{}\">下一天</a></html>",
                day + 1
            ))
        }
        "/list" => {
            let n: u32 = query
                .and_then(|q| q.strip_prefix("page="))
                .and_then(|d| d.parse().ok())
                .unwrap_or(1);
            html(format!(
                "<html><a href=\"/list?page={}\">下一页</a></html>",
                n + 1
            ))
        }
        _ => not_found(),
    })
    .await;
    let cfg = CrawlConfig {
        max_variants_per_path: 5,
        max_depth: 1000,
        ..fast()
    };
    let log = run(&cfg, &start).await;
    assert_eq!(server.count_prefix("/cal?"), 5);
    assert_eq!(server.count_prefix("/list?"), 5);
    assert!(
        log.checks
            .values()
            .any(|c| c.outcome == Outcome::Trap && c.url.path() == "/cal")
    );
    assert!(
        log.checks
            .values()
            .any(|c| c.outcome == Outcome::Trap && c.url.path() == "/list")
    );
}

#[tokio::test]
async fn huge_bodies_and_gzip_bombs_are_cut_at_the_cap() {
    let (start, _server) = serve(|path, _, _| match path {
        "/" => html(links(&["/big.html", "/bomb.html"])),
        "/big.html" => html(format!(
            "<html><body>{}</body></html>",
            "政".repeat(1_000_000)
        )),
        "/bomb.html" => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(b"<html><body>").unwrap();
            let spaces = vec![b' '; 1 << 20];
            for _ in 0..32 {
                gz.write_all(&spaces).unwrap();
            }
            let body = gz.finish().unwrap();
            (
                [
                    (header::CONTENT_TYPE, "text/html"),
                    (header::CONTENT_ENCODING, "gzip"),
                ],
                body,
            )
                .into_response()
        }
        _ => not_found(),
    })
    .await;
    let cfg = CrawlConfig {
        max_body_bytes: 1 << 20,
        ..fast()
    };
    let log = run(&cfg, &start).await;
    assert_eq!(outcome(&log, &start, "/big.html"), Some(Outcome::Ok));
    assert_eq!(outcome(&log, &start, "/bomb.html"), Some(Outcome::Ok));
    assert_eq!(log.summary.truncated_pages, 2);
    // Bytes kept never exceed the cap per page, whatever the compressed size promised.
    assert!(log.summary.bytes <= 3 * (1 << 20));
}

#[tokio::test]
async fn firewalls_and_soft_404s_are_inconclusive() {
    let (start, server) = serve(|path, _, _| match path {
        "/" => html(links(&["/waf.html", "/precondition.html", "/gone.html", "/real.html"])),
        "/waf.html" => html("<html><head><title>安全验证</title></head><body>请完成安全验证后继续访问</body></html>".into()),
        "/precondition.html" => StatusCode::PRECONDITION_FAILED.into_response(),
        "/real.html" => html(format!("<html><head><title>正文</title></head><body>{}</body></html>", "教育".repeat(400))),
        // Everything else, the random probe included, is a friendly 200 error page.
        _ => html("<html><head><title>提示信息</title></head><body>对不起，您访问的页面不存在！</body></html>".into()),
    })
    .await;
    let log = run(&fast(), &start).await;
    assert_eq!(outcome(&log, &start, "/waf.html"), Some(Outcome::Blocked));
    assert_eq!(
        outcome(&log, &start, "/precondition.html"),
        Some(Outcome::Blocked)
    );
    assert_eq!(outcome(&log, &start, "/gone.html"), Some(Outcome::Soft404));
    assert_eq!(outcome(&log, &start, "/real.html"), Some(Outcome::Ok));
    assert!(log.summary.soft_404.is_some());
    assert!(server.count_prefix("/gongkai-probe-") == 1);
    for o in [Outcome::Blocked, Outcome::Soft404] {
        assert!(o.is_inconclusive());
    }
}

#[tokio::test]
async fn a_failing_host_trips_the_breaker() {
    let pages: Vec<String> = (0..30).map(|i| format!("/p{i}.html")).collect();
    let (start, server) = serve(move |path, _, _| {
        if path == "/" {
            let refs: Vec<&str> = pages.iter().map(String::as_str).collect();
            html(links(&refs))
        } else if path.starts_with("/p") {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        } else {
            not_found()
        }
    })
    .await;
    let breaker = Breaker {
        window: 6,
        min_samples: 6,
        failure_ratio: 0.5,
        pause: Duration::from_millis(200),
        max_trips: 2,
    };
    let cfg = CrawlConfig {
        breaker,
        concurrency: 1,
        per_host: 1,
        ..fast()
    };
    let log = run(&cfg, &start).await;
    assert_eq!(log.summary.hosts_given_up, vec!["127.0.0.1".to_string()]);
    assert!(
        log.checks
            .values()
            .any(|c| c.outcome == Outcome::CircuitOpen)
    );
    assert!(
        server.count_prefix("/p") < 30,
        "stopped asking a failing server"
    );
}

#[tokio::test]
async fn the_total_time_limit_ends_the_crawl() {
    let pages: Vec<String> = (0..40).map(|i| format!("/slow{i}.html")).collect();
    let (start, server) = serve(move |path, _, _| {
        if path == "/" {
            let refs: Vec<&str> = pages.iter().map(String::as_str).collect();
            html(links(&refs))
        } else {
            std::thread::sleep(Duration::from_millis(100));
            html("<html></html>".into())
        }
    })
    .await;
    let cfg = CrawlConfig {
        max_time: Some(Duration::from_millis(800)),
        concurrency: 1,
        per_host: 1,
        ..fast()
    };
    let log = run(&cfg, &start).await;
    assert!(log.checks.values().any(|c| c.outcome == Outcome::TimeLimit));
    assert!(server.count_prefix("/slow") < 40);
}

#[tokio::test]
async fn a_page_that_silently_serves_the_home_page_is_a_soft_404() {
    const HOME: &str = "<html><head><title>某县教育局</title></head><body><ul><li><a href=\"/old.html\">旧文章</a><span>2026-11-20</span></li><li><a href=\"/news.html?b=2&a=1\">动态</a><span>2026-11-19</span></li><li><a href=\"/news.html?a=1&b=2\">动态</a><span>2026-11-19</span></li></ul></body></html>";
    let (start, server) = serve(|path, _, _| match path {
        "/" | "/old.html" => html(HOME.to_string()),
        // Same site title, different page: not the home page.
        "/news.html" => html(
            "<html><head><title>某县教育局</title></head><body>县教育局召开工作会议</body></html>"
                .into(),
        ),
        _ => not_found(),
    })
    .await;
    let log = run(&fast(), &start).await;
    assert_eq!(outcome(&log, &start, "/old.html"), Some(Outcome::Soft404));
    assert_eq!(
        outcome(&log, &start, "/news.html?a=1&b=2"),
        Some(Outcome::Ok)
    );
    // Query parameters in another order are the same page, fetched once.
    assert_eq!(server.count_prefix("/news.html"), 1);
}
