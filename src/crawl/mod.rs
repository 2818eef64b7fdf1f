//! The crawler: a breadth-first, self-feeding frontier over one audit scope.
//!
//! Pages stream out to a [`PageSink`] as they arrive; the sink (extraction, in the pipeline)
//! returns the links it found, which feed the frontier. The crawl ends when nothing is queued and
//! nothing is in flight. Every in-scope link, image and attachment ends with an [`Outcome`], so
//! dead links are known; out-of-scope links are recorded but never requested.

pub mod fetch;
pub mod host;
pub mod normalize;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use reqwest::Client;
use serde::{Deserialize, Serialize};
use url::Url;

pub use fetch::Outcome;
use fetch::{FetchLimits, Mode};
use host::HostPool;
pub use normalize::LinkKind;

use crate::target::Scope;

/// Our user agent: honest about what we are, so that site operators can recognise the audit.
pub const USER_AGENT: &str = concat!(
    "gongkai/",
    env!("CARGO_PKG_VERSION"),
    " (government disclosure audit)"
);
/// The token robots.txt groups are matched against.
pub const ROBOTS_AGENT: &str = "gongkai";

/// Crawl settings. Defaults are gentle, for fragile county servers.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    /// HTML pages fetched at most (link checks of attachments and images do not count).
    pub max_pages: usize,
    /// Link hops from the start page.
    pub max_depth: u32,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Minimum time between request starts to one host.
    pub interval: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    pub retries: u32,
    pub respect_robots: bool,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            max_pages: 500,
            max_depth: 6,
            concurrency: 4,
            per_host: 2,
            interval: Duration::from_millis(500),
            timeout: Duration::from_secs(20),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 10,
            retries: 2,
            respect_robots: true,
        }
    }
}

/// Errors that stop a crawl before it starts.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error("could not set up the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// An in-scope HTML page, handed to the sink. The body is dropped after the sink returns.
#[derive(Debug)]
pub struct FetchedPage {
    pub url: Url,
    pub final_url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub truncated: bool,
    pub depth: u32,
}

/// A link the sink found on a page.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub url: Url,
    pub kind: LinkKind,
}

/// Receives pages as they arrive and returns the links found on each.
pub trait PageSink {
    fn page(&mut self, page: FetchedPage) -> Vec<Discovered>;
}

/// What happened to one URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UrlCheck {
    pub url: Url,
    pub kind: LinkKind,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub redirects: Vec<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What robots.txt said.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RobotsInfo {
    pub url: Url,
    /// HTTP status, or `None` when it could not be fetched.
    pub status: Option<u16>,
    pub obeyed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crawl_delay_secs: Option<f32>,
    pub sitemaps: Vec<String>,
}

/// The crawl's own record, for the report's crawl summary.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CrawlSummary {
    pub pages_fetched: usize,
    pub requests: u32,
    pub bytes: u64,
    /// HTTP status → count, over all requests that got an answer.
    pub status_counts: BTreeMap<u16, usize>,
    /// Outcome → count, over every URL the crawl knows.
    pub outcome_counts: BTreeMap<String, usize>,
    pub elapsed_ms: u64,
    pub interval_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub robots: Option<RobotsInfo>,
}

/// Everything the crawl learnt besides the pages themselves.
#[derive(Debug, Default)]
pub struct CrawlLog {
    /// Outcome of every URL met, keyed by its normalised form.
    pub checks: HashMap<String, UrlCheck>,
    pub summary: CrawlSummary,
}

impl CrawlLog {
    pub fn outcome(&self, url: &Url) -> Option<&UrlCheck> {
        self.checks.get(normalize::normalize(url).as_str())
    }
}

/// Builds the HTTP client: no automatic redirects (the fetcher records them), compression on.
pub fn client(cfg: &CrawlConfig) -> Result<Client, CrawlError> {
    Ok(Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
        .gzip(true)
        .brotli(true)
        .deflate(true)
        .build()?)
}

struct Job {
    url: Url,
    kind: LinkKind,
    depth: u32,
}

/// Crawls `scope` from `start`, streaming pages to `sink`.
pub async fn crawl(
    cfg: &CrawlConfig,
    start: &Url,
    scope: &Scope,
    sink: &mut dyn PageSink,
) -> Result<CrawlLog, CrawlError> {
    let began = Instant::now();
    let client = client(cfg)?;
    let hosts = Arc::new(HostPool::new(cfg.per_host, cfg.interval));
    let limits = FetchLimits {
        max_body_bytes: cfg.max_body_bytes,
        max_redirects: cfg.max_redirects,
        retries: cfg.retries,
    };
    let mut log = CrawlLog::default();

    let robots = load_robots(&client, &hosts, &limits, start, cfg.respect_robots).await;
    if let Some((info, _)) = &robots {
        log.summary.requests += 1;
        if let Some(s) = info.status {
            *log.summary.status_counts.entry(s).or_default() += 1;
        }
        if let Some(d) = info.crawl_delay_secs.filter(|_| cfg.respect_robots) {
            // Crawl-delay is a lower bound on the interval, capped so a typo cannot stall an audit.
            hosts.raise_interval(Duration::from_secs_f32(d.clamp(0.0, 30.0)));
        }
    }
    let robot = robots.as_ref().and_then(|(_, r)| r.as_ref());

    let mut seen: HashSet<String> = HashSet::new();
    let mut queue: VecDeque<Job> = VecDeque::new();
    let start_n = normalize::normalize(start);
    seen.insert(start_n.to_string());
    queue.push_back(Job {
        url: start_n,
        kind: LinkKind::Page,
        depth: 0,
    });
    let mut pages_started = 0usize;
    let mut inflight = FuturesUnordered::new();

    loop {
        while inflight.len() < cfg.concurrency.max(1) {
            let Some(job) = queue.pop_front() else { break };
            let skip = if job.kind.is_followed() && job.depth > cfg.max_depth {
                Some(Outcome::DepthLimit)
            } else if job.kind.is_followed() && pages_started >= cfg.max_pages {
                Some(Outcome::PageBudget)
            } else if cfg.respect_robots && robot.is_some_and(|r| !r.allowed(job.url.as_str())) {
                Some(Outcome::RobotsDisallowed)
            } else {
                None
            };
            if let Some(outcome) = skip {
                record(&mut log, &job, outcome, None, Vec::new(), None);
                continue;
            }
            if job.kind.is_followed() {
                pages_started += 1;
            }
            let (client, hosts, limits) = (client.clone(), hosts.clone(), limits.clone());
            inflight.push(async move {
                let mode = if job.kind.is_followed() {
                    Mode::Get { any_body: false }
                } else {
                    Mode::Check
                };
                let r = fetch::fetch(&client, &hosts, &limits, &job.url, mode).await;
                (job, r)
            });
        }
        let Some((job, r)) = inflight.next().await else {
            break;
        };
        log.summary.requests += r.requests;
        if let Some(s) = r.status {
            *log.summary.status_counts.entry(s).or_default() += 1;
        }
        // A redirect that leaves the scope is followed for its status but not parsed.
        let final_in_scope = scope.contains(&r.final_url);
        if let (Outcome::Ok, Some(body)) = (r.outcome, r.body)
            && final_in_scope
        {
            log.summary.pages_fetched += 1;
            log.summary.bytes += body.len() as u64;
            let found = sink.page(FetchedPage {
                url: job.url.clone(),
                final_url: r.final_url.clone(),
                status: r.status.unwrap_or(200),
                content_type: r.content_type.clone(),
                body,
                truncated: r.truncated,
                depth: job.depth,
            });
            for d in found {
                let n = normalize::normalize(&d.url);
                if !seen.insert(n.to_string()) {
                    continue;
                }
                let next = Job {
                    url: n,
                    kind: d.kind,
                    depth: job.depth + 1,
                };
                if !scope.contains(&next.url) {
                    record(&mut log, &next, Outcome::OutOfScope, None, Vec::new(), None);
                    continue;
                }
                queue.push_back(next);
            }
        }
        // The redirect target is known under its own URL too, so links to it are not re-fetched.
        if !r.redirects.is_empty() {
            seen.insert(normalize::normalize(&r.final_url).to_string());
        }
        record(&mut log, &job, r.outcome, r.status, r.redirects, r.detail);
    }

    log.summary.elapsed_ms = began.elapsed().as_millis() as u64;
    log.summary.interval_ms = hosts.interval().as_millis() as u64;
    log.summary.robots = robots.map(|(i, _)| i);
    for c in log.checks.values() {
        let key = serde_json::to_value(c.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *log.summary.outcome_counts.entry(key).or_default() += 1;
    }
    Ok(log)
}

fn record(
    log: &mut CrawlLog,
    job: &Job,
    outcome: Outcome,
    status: Option<u16>,
    redirects: Vec<Url>,
    detail: Option<String>,
) {
    log.checks.insert(
        job.url.to_string(),
        UrlCheck {
            url: job.url.clone(),
            kind: job.kind,
            outcome,
            status,
            redirects,
            detail,
        },
    );
}

async fn load_robots(
    client: &Client,
    hosts: &HostPool,
    limits: &FetchLimits,
    start: &Url,
    obey: bool,
) -> Option<(RobotsInfo, Option<texting_robots::Robot>)> {
    let url = start.join("/robots.txt").ok()?;
    let r = fetch::fetch(client, hosts, limits, &url, Mode::Get { any_body: true }).await;
    let robot = match (r.status, &r.body) {
        (Some(200..=299), Some(body)) => texting_robots::Robot::new(ROBOTS_AGENT, body).ok(),
        _ => None,
    };
    let info = RobotsInfo {
        url,
        status: r.status,
        obeyed: obey,
        crawl_delay_secs: robot.as_ref().and_then(|r| r.delay),
        sitemaps: robot
            .as_ref()
            .map(|r| r.sitemaps.clone())
            .unwrap_or_default(),
    };
    Some((info, robot))
}
