//! The crawler: a self-feeding frontier over one audit scope, best-first by default.
//!
//! An inspection ([`CrawlPlan::Inspect`]) reads a site as an inspector does: the start page and
//! the hubs, every column's first list page, what the rules look for, the newest entries, further
//! list pages only while a rule may still find something there, then a sample. The sink ranks
//! the links it finds ([`Rank`]) and says what it still needs. A full crawl
//! ([`CrawlPlan::Full`]) reads everything breadth-first, up to the budgets.
//!
//! Pages stream out to a [`PageSink`] as they arrive. The sink's extractor parses each page on a
//! blocking worker thread (several at once, so parsing never holds up the crawl loop) and returns
//! the facts, which go back to the sink on the loop, and the links found, which feed the frontier. The crawl ends when nothing is queued and
//! nothing is in flight. Every in-scope link, image and attachment ends with an [`Outcome`], so
//! dead links are known; out-of-scope links are recorded but never requested.

pub mod archive;
pub mod cache;
pub mod fetch;
pub mod host;
pub mod normalize;
pub mod sitemap;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, LazyLock};

use aho_corasick::AhoCorasick;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use reqwest::Client;
use serde::{Deserialize, Serialize};
use url::Url;

pub use fetch::Outcome;
use fetch::{FetchLimits, Mode};
use host::HostPool;
pub use normalize::{LinkKind, UrlKey};

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
    /// Attachments and images checked at most.
    pub max_checks: usize,
    /// Link hops from the start page.
    pub max_depth: u32,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Minimum time between request starts to one host.
    pub interval: Duration,
    /// Whole-request timeout (connect, headers and body).
    pub timeout: Duration,
    /// Total crawl time; URLs not started by then are recorded as `time_limit`.
    pub max_time: Option<Duration>,
    /// Body bytes kept per response, after decompression (so a gzip bomb is cut too).
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    pub retries: u32,
    pub respect_robots: bool,
    /// Seed the frontier from `/sitemap.xml` and robots.txt Sitemap lines.
    pub use_sitemaps: bool,
    /// Longer URLs are traps (session ids, recursive paths).
    pub max_url_len: usize,
    /// Distinct query strings followed per path: endless calendars and `?page=N` stop here.
    pub max_variants_per_path: usize,
    pub breaker: host::Breaker,
    /// Accept invalid TLS certificates (recorded in the report).
    pub insecure: bool,
    /// Extra root certificates (PEM), for sites under a domestic CA.
    pub ca_file: Option<std::path::PathBuf>,
    /// More pages to start from besides the start URL, at depth 0: a recheck fetches only the
    /// pages behind earlier gaps and follows `max_depth` hops from them.
    pub seeds: Vec<Url>,
    /// Follow the start page's links. A recheck fetches the start page for itself (its dates)
    /// but reaches columns through its seeds, not through every menu link.
    pub follow_start_links: bool,
    /// Record every exchange (to a WARC writer).
    pub archive: Option<archive::Recorder>,
    /// Answer from this record of an earlier crawl instead of the network.
    pub replay: Option<Arc<dyn archive::Recorded>>,
    /// What to read: as an inspector does, or everything.
    pub plan: CrawlPlan,
    /// Answers had before the crawl (where the start URL leads was asked first): used instead
    /// of asking the server again.
    pub prefetched: Option<Arc<Prefetched>>,
    /// Pages of earlier runs: asked for with `If-None-Match` / `If-Modified-Since`, reused on 304.
    pub cache: Option<cache::Cache>,
}

/// Answers to requests made before the crawl, by URL; each is used once, by the crawl's first
/// request for it, and counts no request (whoever asked counted it).
#[derive(Debug, Default)]
pub struct Prefetched {
    answers: std::sync::Mutex<HashMap<UrlKey, fetch::Response>>,
}

impl Prefetched {
    /// Keeps the answer `r` got, as the answer to its final URL (its redirects are behind it).
    pub fn keep(&self, mut r: fetch::Response) {
        r.redirects.clear();
        r.requests = 0;
        let key = UrlKey::of(&r.final_url);
        if let Ok(mut a) = self.answers.lock() {
            a.insert(key, r);
        }
    }

    fn take(&self, url: &Url) -> Option<fetch::Response> {
        self.answers.lock().ok()?.remove(&UrlKey::of(url))
    }
}

/// How much of a site a crawl reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrawlPlan {
    /// Every in-scope page and link, breadth-first, up to the budgets.
    Full,
    /// As an inspector reads a site, best-first by [`Rank`]: what the rules need, then `sample`
    /// further pages and `sample` further link checks; the rest is recorded as
    /// [`Outcome::Unsampled`].
    Inspect { sample: usize },
}

impl Default for CrawlPlan {
    fn default() -> Self {
        CrawlPlan::Inspect {
            sample: DEFAULT_SAMPLE,
        }
    }
}

/// Pages (and link checks) read beyond what the rules need: enough to find dead links and
/// forged dates in a spread of columns, few enough that a 100,000-page site costs a county
/// server minutes, not hours.
pub const DEFAULT_SAMPLE: usize = 100;

/// Pages read at most: an inspection of a 100,000-page site (200 columns) needs about 600, so
/// the cap only stops a crawl gone wrong, or a `--full` one.
pub const DEFAULT_MAX_PAGES: usize = 1000;

/// Where a link stands in an inspection: what is read first, and what may be left out. The sink
/// ranks the links it finds; a full crawl ignores ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rank {
    /// What a rule looks for: the link's text names it.
    Needed,
    /// A column, hub or other navigation page: every column's first list page is read.
    Column,
    /// One of the newest entries of a column.
    Newest,
    /// A further page of a dated list, read only while some rule may still find what it looks
    /// for among entries as old as `oldest`, the oldest entry of the page that links it.
    Deeper { oldest: Option<jiff::civil::Date> },
    /// Anything else: read as part of the sample.
    #[default]
    Sample,
}

impl Rank {
    /// Order of reading; the start page and seeds come first (0), sitemap URLs last.
    fn tier(self) -> u8 {
        match self {
            Rank::Needed => 1,
            Rank::Column => 2,
            Rank::Newest => 3,
            Rank::Deeper { .. } => 4,
            Rank::Sample => 5,
        }
    }
}

/// The tier of sitemap URLs: after everything linked.
const SITEMAP_TIER: u8 = 6;
const TIERS: usize = 7;

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            max_pages: DEFAULT_MAX_PAGES,
            max_checks: 2500,
            max_depth: 6,
            concurrency: 4,
            per_host: 2,
            interval: Duration::from_millis(500),
            timeout: Duration::from_secs(20),
            max_time: None,
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 10,
            retries: 2,
            respect_robots: true,
            use_sitemaps: true,
            max_url_len: 2048,
            max_variants_per_path: 30,
            breaker: host::Breaker::default(),
            insecure: false,
            ca_file: None,
            seeds: Vec::new(),
            follow_start_links: true,
            archive: None,
            replay: None,
            plan: CrawlPlan::default(),
            prefetched: None,
            cache: None,
        }
    }
}

/// Errors that stop a crawl before it starts.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error("could not set up the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    #[error("--ca-file {path}: {reason}")]
    CaFile { path: String, reason: String },
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
    /// Its place in an inspection.
    pub rank: Rank,
    /// The sink's own labels for what the link may serve (the rules whose terms it names),
    /// handed back when it is asked whether the link is still wanted and when its page arrives.
    pub wants: Vec<u16>,
    /// A data interface a page's scripts draw its list from (not a link a reader follows):
    /// ranked as the column it fills.
    pub interface: bool,
}

impl Discovered {
    /// A link as found, before the sink ranks it.
    pub fn new(url: Url, kind: LinkKind) -> Discovered {
        Discovered {
            url,
            kind,
            rank: Rank::Sample,
            wants: Vec::new(),
            interface: false,
        }
    }
}

/// How far the crawl has got, for a progress display.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub pages: usize,
    pub queued: usize,
    pub in_flight: usize,
    pub requests: u32,
    /// URLs that ended inconclusive or dead so far.
    pub problems: usize,
}

/// Parses one page into facts and the links found on it. Runs on a blocking worker thread.
pub type Extractor<F> = Arc<dyn Fn(FetchedPage) -> (F, Vec<Discovered>) + Send + Sync>;

/// Receives pages as they arrive.
pub trait PageSink {
    /// What extraction keeps of a page.
    type Facts: Send + 'static;
    /// The extraction step, shared by the threads that run it.
    fn extractor(&self) -> Extractor<Self::Facts>;
    /// Takes one page's facts, on the crawl loop, in the order extraction finishes.
    fn add(&mut self, facts: Self::Facts);
    /// Takes the facts of a page fetched for what its link's `wants` named.
    fn add_wanted(&mut self, facts: Self::Facts, _wants: &[u16]) {
        self.add(facts);
    }
    /// Whether a ranked link is still worth a request in an inspection: a further list page
    /// ([`Rank::Deeper`]) or a link named for rules (`wants`) that may be served already.
    fn still_wanted(&self, _url: &Url, _rank: Rank, _wants: &[u16]) -> bool {
        true
    }
    /// Called after every finished request; the default ignores it.
    fn progress(&mut self, _progress: Progress) {}
}

/// Pages being extracted at once, per core: enough to keep every core busy while the loop
/// waits on the network, few enough that bodies waiting for a worker do not pile up.
const EXTRACTIONS_PER_CORE: usize = 2;

/// Bodies up to this size are extracted on the async runtime's workers (about 5 ms of work at
/// most); larger ones on the blocking pool.
const INLINE_EXTRACTION_BYTES: usize = 512 * 1024;

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
#[derive(Debug, Clone)]
pub struct RobotsInfo {
    pub url: Url,
    /// HTTP status, or `None` when it could not be fetched.
    pub status: Option<u16>,
    pub obeyed: bool,
    pub crawl_delay_secs: Option<f32>,
    pub sitemaps: Vec<String>,
}

/// One sitemap file read.
#[derive(Debug, Clone)]
pub struct SitemapInfo {
    pub url: Url,
    pub status: Option<u16>,
    /// URLs it listed (pages or child sitemaps).
    pub entries: usize,
    pub error: Option<String>,
}

/// The crawl's own record; the report states it in its own terms (`report::CrawlSummary`).
#[derive(Debug, Clone, Default)]
pub struct CrawlSummary {
    pub pages_fetched: usize,
    pub requests: u32,
    pub bytes: u64,
    /// HTTP status → count, over all requests that got an answer.
    pub status_counts: BTreeMap<u16, usize>,
    /// Outcome → count, over every URL the crawl knows; ok and dead first, then why not.
    pub outcome_counts: BTreeMap<Outcome, usize>,
    pub requests_per_host: BTreeMap<String, u32>,
    pub elapsed_ms: u64,
    pub interval_ms: u64,
    pub robots: Option<RobotsInfo>,
    pub sitemaps: Vec<SitemapInfo>,
    /// What a request for a page that does not exist returns, when it is not a 404.
    pub soft_404: Option<String>,
    /// Hosts the circuit breaker gave up on.
    pub hosts_given_up: Vec<String>,
    /// Pages whose body was cut at the size cap.
    pub truncated_pages: usize,
    /// Requests answered 304 Not Modified, whose body came from the cache (`--cache`).
    pub not_modified: usize,
}

/// Everything the crawl learnt besides the pages themselves.
#[derive(Debug, Default)]
pub struct CrawlLog {
    /// Outcome of every URL met, keyed by its normalised form.
    pub checks: HashMap<UrlKey, UrlCheck>,
    /// `<lastmod>` of sitemap URLs, keyed by normalised URL.
    pub sitemap_lastmod: HashMap<UrlKey, jiff::civil::Date>,
    pub summary: CrawlSummary,
}

impl CrawlLog {
    pub fn outcome(&self, url: &Url) -> Option<&UrlCheck> {
        self.checks.get(&UrlKey::of(url))
    }
}

/// Builds the HTTP client: no automatic redirects (the fetcher records them), compression on.
pub fn client(cfg: &CrawlConfig) -> Result<Client, CrawlError> {
    let mut b = Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
        .gzip(true)
        .brotli(true)
        .deflate(true)
        .tls_danger_accept_invalid_certs(cfg.insecure);
    if let Some(path) = &cfg.ca_file {
        let bad = |reason: String| CrawlError::CaFile {
            path: path.display().to_string(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| bad(format!("not a PEM certificate bundle: {e}")))?;
        if certs.is_empty() {
            return Err(bad("no certificate in the file".into()));
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    Ok(b.build()?)
}

/// The transport for a crawl: the archive being replayed, or the network; and the recorder.
pub fn net(cfg: &CrawlConfig) -> Result<fetch::Net, CrawlError> {
    let transport = match &cfg.replay {
        Some(r) => fetch::Transport::Replay(r.clone()),
        None => fetch::Transport::Live(client(cfg)?),
    };
    Ok(fetch::Net {
        transport,
        recorder: cfg.archive.clone(),
        // A replay asks no server.
        cache: cfg.cache.clone().filter(|_| cfg.replay.is_none()),
    })
}

/// The result of a spawned task. Nothing cancels an audit's tasks, so an error is a panic,
/// passed on as one.
pub(crate) fn joined<T>(r: Result<T, tokio::task::JoinError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // Only a runtime shutting down cancels a task, and whoever awaits it runs on that
            // runtime.
            Err(e) => unreachable!("audit task cancelled: {e}"),
        },
    }
}

/// What the crawl loop waits for.
enum Event<J, F> {
    Fetched(J),
    Extracted(F),
}

struct Job {
    url: Url,
    kind: LinkKind,
    depth: u32,
    rank: Rank,
    wants: Vec<u16>,
    tier: u8,
}

impl Job {
    fn new(url: Url, kind: LinkKind, depth: u32, tier: u8) -> Job {
        Job {
            url,
            kind,
            depth,
            rank: Rank::Sample,
            wants: Vec::new(),
            tier,
        }
    }
}

/// The frontier: jobs by (tier, spread, depth, arrival). A full crawl queues every link in tier
/// 0 with no spread, which is breadth-first; sitemap URLs wait in their own tier either way.
#[derive(Default)]
struct Frontier {
    jobs: BTreeMap<(u8, u32, u32, u64), Job>,
    seq: u64,
}

impl Frontier {
    fn push(&mut self, job: Job, spread: u32) {
        self.seq += 1;
        self.jobs
            .insert((job.tier, spread, job.depth, self.seq), job);
    }

    /// The next job, unless its tier must wait for pages of a higher one still being read
    /// (they may reveal better work, or serve what the job would be read for).
    fn pop(&mut self, busy: &[usize; TIERS], wait_from: u8) -> Option<Job> {
        let (&(tier, ..), _) = self.jobs.first_key_value()?;
        if tier >= wait_from && busy[..usize::from(tier)].iter().any(|&n| n > 0) {
            return None;
        }
        self.jobs.pop_first().map(|(_, j)| j)
    }

    fn len(&self) -> usize {
        self.jobs.len()
    }
}

/// The answer to a request for a page that cannot exist, to recognise soft 404s.
struct Soft404Print {
    title: String,
    len: usize,
}

/// A searcher for fixed HTML markers, ignoring ASCII case as HTML does.
fn markers(patterns: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(patterns)
        .expect("literal markers always build")
}

/// A search for any of some fixed phrases. A regex of the escaped phrases rather than an
/// Aho-Corasick automaton: on Chinese text the regex engine's literal search was over ten times
/// as fast (0.4–0.7 µs against 8 µs on a 3 KB page), and these run on every small page.
fn phrases(list: &[&str]) -> regex::bytes::Regex {
    let alternation: Vec<String> = list.iter().map(|p| regex::escape(p)).collect();
    regex::bytes::Regex::new(&alternation.join("|")).expect("escaped phrases always compile")
}

fn html_title(body: &[u8]) -> String {
    static TITLE: LazyLock<AhoCorasick> = LazyLock::new(|| markers(&["<title", "</title>"]));
    let head = &body[..body.len().min(4096)];
    let mut open = None;
    for m in TITLE.find_iter(head) {
        match (m.pattern().as_usize(), open) {
            (0, None) => open = Some(m.end()),
            (1, Some(a)) => {
                let start = head[a..m.start()]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(m.start(), |i| a + i + 1);
                return String::from_utf8_lossy(&head[start..m.start()])
                    .trim()
                    .to_string();
            }
            _ => {}
        }
    }
    String::new()
}

/// Error-page phrases of a 200 answer that is really a 404 (or a deleted document).
const NOT_FOUND_MARKERS: [&str; 8] = [
    "页面不存在",
    "页面未找到",
    "找不到页面",
    "您访问的页面不存在",
    "内容已删除",
    "信息已删除",
    "404 Not Found",
    "页面已删除",
];

fn is_soft_404(
    body: &[u8],
    print: Option<&Soft404Print>,
    home: Option<&Soft404Print>,
    requested: &Url,
    final_url: &Url,
    start: &Url,
) -> Option<&'static str> {
    let title = html_title(body);
    if let Some(p) = print {
        let close = body.len().abs_diff(p.len) <= p.len / 10 + 64;
        if title == p.title && close {
            return Some("same as the answer to a random path");
        }
    }
    if let Some(h) = home
        && !title.is_empty()
        && title == h.title
        // Templates often title every page after the site: demand (nearly) the same bytes too.
        && body.len().abs_diff(h.len) <= 16
    {
        return Some("serves the home page instead");
    }
    if body.len() < 8 * 1024 {
        static MARKERS: LazyLock<regex::bytes::Regex> =
            LazyLock::new(|| phrases(&NOT_FOUND_MARKERS));
        if MARKERS.is_match(body) {
            return Some("the page says it does not exist");
        }
        // A deleted document that refreshes to its parent column (seen on TRS sites). A refresh
        // elsewhere is an ordinary redirect, which the extractor follows as a link.
        static REFRESH: LazyLock<AhoCorasick> = LazyLock::new(|| markers(&["refresh"]));
        let text = || String::from_utf8_lossy(body);
        if REFRESH.is_match(body)
            && text().trim().len() < 1024
            && let Some(target) = refresh_target(&text(), requested)
            && requested.path().starts_with(target.path())
            && target.path().ends_with('/')
        {
            return Some("an empty page that refreshes to its parent");
        }
    }
    if requested != start
        && normalize::normalize(final_url) == normalize::normalize(start)
        && requested.path() != start.path()
    {
        return Some("redirected to the home page");
    }
    None
}

/// The URL of a `<meta http-equiv="refresh" content="0;url=...">`.
pub fn refresh_target(html: &str, base: &Url) -> Option<Url> {
    // Searched without lower-casing a copy of the page: this runs on every page.
    static QUOTED: LazyLock<AhoCorasick> = LazyLock::new(|| markers(&["http-equiv=\"refresh\""]));
    static BARE: LazyLock<AhoCorasick> = LazyLock::new(|| markers(&["http-equiv=refresh"]));
    let at = QUOTED
        .find(html)
        .or_else(|| BARE.find(html))
        .map(|m| m.start())?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let content = tag.to_ascii_lowercase().find("url=")?;
    let raw = tag[content + 4..].trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
    let raw = raw.split(['"', '\'']).next()?.trim();
    base.join(raw).ok()
}

/// `dir/index.html` next to a start URL `dir/`: the same home page under another name.
fn is_home_alias(url: &Url, start: &Url) -> bool {
    let file = url.path().rsplit('/').next().unwrap_or_default();
    let dir = &url.path()[..url.path().len() - file.len()];
    dir == start.path()
        && (file.starts_with("index.") || file.starts_with("default."))
        && url.query().is_none()
}

fn path_key(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// How many frame origins on the site's host beyond the scope a crawl follows.
const MAX_FRAME_SCOPES: usize = 4;

/// Crawls `scope` from `start`, streaming pages to `sink`, and the directories of frames that
/// the site's pages embed from another port or scheme of its host.
pub async fn crawl<S: PageSink>(
    cfg: &CrawlConfig,
    start: &Url,
    scope: &Scope,
    sink: &mut S,
) -> Result<CrawlLog, CrawlError> {
    let began = Instant::now();
    let deadline = cfg.max_time.and_then(|t| began.checked_add(t));
    let net = net(cfg)?;
    let hosts = Arc::new(HostPool::with_breaker(
        cfg.per_host,
        cfg.interval,
        cfg.breaker.clone(),
    ));
    let limits = FetchLimits {
        max_body_bytes: cfg.max_body_bytes,
        max_redirects: cfg.max_redirects,
        retries: cfg.retries,
    };
    let mut log = CrawlLog::default();
    // Disclosure catalogues often sit in a frame served from another port (or scheme) of the
    // same host: such a frame's directory joins the scope, a few at most.
    let mut frame_scopes: Vec<Scope> = Vec::new();
    let within =
        |frames: &[Scope], url: &Url| scope.contains(url) || frames.iter().any(|s| s.contains(url));
    let count = |log: &mut CrawlLog, r: &fetch::Response| {
        log.summary.requests += r.requests;
        *log.summary
            .requests_per_host
            .entry(r.final_url.host_str().unwrap_or_default().to_string())
            .or_default() += r.requests;
        if let Some(s) = r.answered_status() {
            *log.summary.status_counts.entry(s).or_default() += 1;
        }
        log.summary.not_modified += usize::from(r.revalidated);
    };

    let robots = load_robots(
        &net,
        &hosts,
        &limits,
        start,
        cfg.respect_robots,
        cfg.prefetched.as_deref(),
    )
    .await;
    if let Some((info, _, r)) = &robots {
        count(&mut log, r);
        if let Some(d) = info.crawl_delay_secs.filter(|_| cfg.respect_robots) {
            // Crawl-delay is a lower bound on the interval, capped so a typo cannot stall an audit.
            hosts.raise_interval(Duration::from_secs_f32(d.clamp(0.0, 30.0)));
        }
        if cfg.respect_robots && info.status.is_some_and(|s| s >= 500) {
            // A failing robots.txt: crawl, but at half speed.
            hosts.raise_interval((cfg.interval * 2).max(Duration::from_secs(1)));
        }
    }
    let robot = robots.as_ref().and_then(|(_, r, _)| r.as_ref());
    if let Some((info, _, _)) = &robots {
        tracing::info!(status = ?info.status, crawl_delay = ?info.crawl_delay_secs, sitemaps = info.sitemaps.len(), "robots.txt");
    }

    // What the site answers for a page that cannot exist: soft 404s look like it.
    // A replay asks the recorded crawl's question, or it would find no answer.
    let probe_url = match &cfg.replay {
        Some(r) => r.probe_url(),
        None => start
            .join(&format!(
                "{}gongkai-probe-{:016x}.html",
                scope.path_prefix,
                fastrand::u64(..)
            ))
            .ok(),
    };
    let mut soft_print = None;
    let mut home_print: Option<Soft404Print> = None;
    if let Some(probe) = probe_url.filter(|p| robot.is_none_or(|r| r.allowed(p.as_str()))) {
        let r = fetch::fetch(&net, &hosts, &limits, &probe, Mode::Get { any_body: false }).await;
        count(&mut log, &r);
        if r.outcome == Outcome::Ok
            && let Some(body) = &r.body
        {
            log.summary.soft_404 = Some(if r.redirects.is_empty() {
                "a missing page answers 200".to_string()
            } else {
                format!("a missing page is redirected to {}", r.final_url)
            });
            soft_print = Some(Soft404Print {
                title: html_title(body),
                len: body.len(),
            });
        }
    }

    let mut seen: HashSet<UrlKey> = HashSet::new();
    // Sitemap URLs wait in the last tier, so a long sitemap cannot use up the page budget before
    // the columns linked from the home page are reached.
    let mut frontier = Frontier::default();
    let inspect = match cfg.plan {
        CrawlPlan::Inspect { sample } => Some(sample),
        CrawlPlan::Full => None,
    };
    // Further list pages and the sample wait for the pages above them, which may serve what
    // they would be read for; a full crawl never waits.
    let wait_from = if inspect.is_some() {
        Rank::Deeper { oldest: None }.tier()
    } else {
        u8::MAX
    };
    let mut busy = [0usize; TIERS];
    let (mut sampled_pages, mut sampled_checks) = (0usize, 0usize);
    let mut checks_started = 0usize;
    let mut variants: HashMap<String, usize> = HashMap::new();
    let start_n = normalize::normalize(start);
    let start_key_url = start_n.clone();
    seen.insert(UrlKey::of(&start_n));
    let start_depth = if cfg.follow_start_links {
        0
    } else {
        cfg.max_depth
    };
    frontier.push(Job::new(start_n, LinkKind::Page, start_depth, 0), 0);
    for seed in &cfg.seeds {
        let n = normalize::normalize(seed);
        if seen.insert(UrlKey::of(&n)) {
            let job = Job::new(n.clone(), normalize::kind_of_href(&n), 0, 0);
            if scope.contains(&job.url) {
                frontier.push(job, 0);
            } else {
                record(&mut log, &job, Outcome::OutOfScope, None, Vec::new(), None);
            }
        }
    }

    if cfg.use_sitemaps {
        let mut listed = robots
            .as_ref()
            .map(|(i, _, _)| i.sitemaps.clone())
            .unwrap_or_default();
        if let Ok(default) = start.join("/sitemap.xml")
            && !listed.iter().any(|l| l == default.as_str())
        {
            listed.push(default.to_string());
        }
        for (url, lastmod) in read_sitemaps(
            start,
            &net,
            &hosts,
            &limits,
            listed,
            &mut log,
            cfg.respect_robots.then_some(robot).flatten(),
        )
        .await
        {
            let n = normalize::normalize(&url);
            let key = UrlKey::of(&n);
            if let Some(d) = lastmod {
                log.sitemap_lastmod.insert(key, d);
            }
            if scope.contains(&n) && seen.insert(key) {
                frontier.push(
                    Job::new(n, normalize::kind_of_href(&url), 1, SITEMAP_TIER),
                    0,
                );
            }
        }
    }

    let mut pages_started = 0usize;
    let mut problems = 0usize;
    let mut inflight = FuturesUnordered::new();
    let mut extracting = FuturesUnordered::new();
    let max_extracting =
        std::thread::available_parallelism().map_or(2, |n| n.get()) * EXTRACTIONS_PER_CORE;
    let extractor = sink.extractor();

    loop {
        while inflight.len() < cfg.concurrency.max(1) && extracting.len() < max_extracting {
            let Some(mut job) = frontier.pop(&busy, wait_from) else {
                break;
            };
            if inspect.is_some()
                && (matches!(job.rank, Rank::Deeper { .. }) || !job.wants.is_empty())
                && job.tier < Rank::Sample.tier()
                && !sink.still_wanted(&job.url, job.rank, &job.wants)
            {
                // No rule needs it any more: it joins the sample, after the links that were
                // sample from the start, so a small site is still read whole.
                job.tier = Rank::Sample.tier();
                frontier.push(job, u32::MAX);
                continue;
            }
            let host = job.url.host_str().unwrap_or_default().to_string();
            let followed = job.kind.is_followed();
            let sampled = inspect.is_some() && job.tier >= Rank::Sample.tier();
            let skip = if job.url.as_str().len() > cfg.max_url_len {
                Some(Outcome::Trap)
            } else if let Some(sample) = inspect
                && sampled
                && (if followed {
                    sampled_pages
                } else {
                    sampled_checks
                }) >= sample
            {
                Some(Outcome::Unsampled)
            } else if job.kind.is_followed() && job.depth > cfg.max_depth {
                Some(Outcome::DepthLimit)
            } else if (job.kind.is_followed() && pages_started >= cfg.max_pages)
                || (!job.kind.is_followed() && checks_started >= cfg.max_checks)
            {
                Some(Outcome::PageBudget)
            } else if deadline.is_some_and(|d| Instant::now() >= d) {
                Some(Outcome::TimeLimit)
            } else if hosts.is_open(&host) {
                Some(Outcome::CircuitOpen)
            } else if cfg.respect_robots && robot.is_some_and(|r| !r.allowed(job.url.as_str())) {
                Some(Outcome::RobotsDisallowed)
            } else if job.url.query().is_some() && {
                let n = variants.entry(path_key(&job.url)).or_default();
                *n += 1;
                *n > cfg.max_variants_per_path
            } {
                Some(Outcome::Trap)
            } else {
                None
            };
            if let Some(outcome) = skip {
                tracing::debug!(url = %job.url, ?outcome, rank = ?job.rank, tier = job.tier, "not fetched");
                record(&mut log, &job, outcome, None, Vec::new(), None);
                continue;
            }
            if followed {
                pages_started += 1;
            } else {
                checks_started += 1;
            }
            if sampled {
                if followed {
                    sampled_pages += 1;
                } else {
                    sampled_checks += 1;
                }
            }
            busy[usize::from(job.tier)] += 1;
            if let Some(r) = cfg.prefetched.as_ref().and_then(|p| p.take(&job.url)) {
                inflight.push(tokio::spawn(async move { (job, Some(r)) }));
                continue;
            }
            let (net, hosts, limits) = (net.clone(), hosts.clone(), limits.clone());
            // Spawned, so that a request runs on a runtime worker beside its connection's task
            // instead of bouncing to this loop's thread on every wake-up.
            inflight.push(tokio::spawn(async move {
                let mode = if job.kind.is_followed() {
                    Mode::Get { any_body: false }
                } else {
                    Mode::Check
                };
                let fetch = fetch::fetch(&net, &hosts, &limits, &job.url, mode);
                // At the deadline a request still running is abandoned: `None`.
                let r = match deadline {
                    Some(d) => tokio::time::timeout_at(d.into(), fetch).await.ok(),
                    None => Some(fetch.await),
                };
                (job, r)
            }));
        }
        if inflight.is_empty() && extracting.is_empty() {
            break;
        }
        // Finished extractions first: they free memory and feed the frontier.
        let event = tokio::select! {
            biased;
            Some(done) = extracting.next(), if !extracting.is_empty() => Event::Extracted(done),
            Some(fetched) = inflight.next(), if !inflight.is_empty() => Event::Fetched(joined(fetched)),
        };
        let (job, mut r) = match event {
            Event::Extracted((url, depth, tier, wants, done)) => {
                let (tier, wants): (u8, Vec<u16>) = (tier, wants);
                busy[usize::from(tier)] -= 1;
                let (facts, found): (S::Facts, Vec<(Discovered, UrlKey)>) = match done {
                    Ok(x) => x,
                    Err(e) => {
                        // Our failure, not the site's: the page was fetched but nothing of it
                        // reached the site model, so it counts among the pages that could not
                        // be read and no rule treats what it held as missing.
                        tracing::error!(%url, error = %e, "extraction failed");
                        if let Some(c) = log.checks.get_mut(&UrlKey::of(&url)) {
                            c.outcome = Outcome::Error;
                            c.detail = Some(format!("extraction failed: {e}"));
                        }
                        continue;
                    }
                };
                if wants.is_empty() {
                    sink.add(facts);
                } else {
                    sink.add_wanted(facts, &wants);
                }
                // The n-th sample link of a page waits behind the first of every other page, so
                // that a sample spreads over the columns.
                let mut samples = 0u32;
                for (d, key) in found {
                    if !seen.insert(key) {
                        continue;
                    }
                    // Fetch the URL as the site wrote it (parameter order can matter to a
                    // server); the normalised form is only the key.
                    let mut as_written = d.url;
                    as_written.set_fragment(None);
                    let tier = if inspect.is_some() { d.rank.tier() } else { 0 };
                    let spread = if tier == Rank::Sample.tier() {
                        samples += 1;
                        samples
                    } else {
                        0
                    };
                    let next = Job {
                        url: as_written,
                        kind: d.kind,
                        depth: depth + 1,
                        rank: d.rank,
                        wants: d.wants,
                        tier,
                    };
                    if !within(&frame_scopes, &next.url) {
                        // Only another port or scheme: a frame on the audited origin but
                        // outside `--scope` stays outside, as the user asked.
                        let frame_here = next.kind == LinkKind::Frame
                            && next.url.host_str() == start.host_str()
                            && next.url.origin() != start.origin()
                            && frame_scopes.len() < MAX_FRAME_SCOPES;
                        if !frame_here {
                            record(&mut log, &next, Outcome::OutOfScope, None, Vec::new(), None);
                            continue;
                        }
                        tracing::info!(url = %next.url, "following a frame on another port of the site's host");
                        frame_scopes.push(Scope::from_url(&next.url));
                    }
                    frontier.push(next, spread);
                }
                continue;
            }
            Event::Fetched((job, None)) => {
                busy[usize::from(job.tier)] -= 1;
                record(&mut log, &job, Outcome::TimeLimit, None, Vec::new(), None);
                continue;
            }
            Event::Fetched((job, Some(r))) => (job, r),
        };
        count(&mut log, &r);
        tracing::debug!(url = %job.url, outcome = ?r.outcome, status = ?r.status, requests = r.requests, "fetched");
        let host = r.final_url.host_str().unwrap_or_default().to_string();
        // A firewall that starts refusing us is a reason to stop too.
        let failed = matches!(
            r.outcome,
            Outcome::Timeout
                | Outcome::ConnectError
                | Outcome::ServerError
                | Outcome::RateLimited
                | Outcome::Blocked
        );
        match hosts.record(&host, failed) {
            host::BreakerEvent::Opened => {
                tracing::warn!(%host, "host keeps failing; giving up on its remaining URLs");
                log.summary.hosts_given_up.push(host);
            }
            host::BreakerEvent::Paused => {
                tracing::warn!(%host, pause = ?cfg.breaker.pause, "host failing; pausing requests to it");
            }
            host::BreakerEvent::None => {}
        }
        // The start page, whatever depth it was queued at (seeds share depth 0 with it).
        let is_start = job.url == start_key_url;
        if is_start && let Some(body) = &r.body {
            home_print = Some(Soft404Print {
                title: html_title(body),
                len: body.len(),
            });
        }
        if r.outcome == Outcome::Ok
            && let Some(body) = &r.body
            && !is_start
            && !is_home_alias(&job.url, start)
            && let Some(why) = is_soft_404(
                body,
                soft_print.as_ref(),
                home_print.as_ref(),
                &job.url,
                &r.final_url,
                start,
            )
        {
            r.outcome = Outcome::Soft404;
            r.detail = Some(why.to_string());
            r.body = None;
        }
        // A redirect that leaves the scope is followed for its status but not parsed.
        let final_in_scope = within(&frame_scopes, &r.final_url);
        let mut extracted = false;
        if let (Outcome::Ok, Some(body)) = (r.outcome, r.body.take())
            && final_in_scope
        {
            extracted = true;
            log.summary.pages_fetched += 1;
            log.summary.bytes += body.len() as u64;
            log.summary.truncated_pages += usize::from(r.truncated);
            let page = FetchedPage {
                url: job.url.clone(),
                final_url: r.final_url.clone(),
                status: r.status.unwrap_or(200),
                content_type: r.content_type.clone(),
                body,
                truncated: r.truncated,
                depth: job.depth,
            };
            let extractor = extractor.clone();
            let inline = page.body.len() <= INLINE_EXTRACTION_BYTES;
            let work = move || {
                let (facts, found) = extractor(page);
                // Keys are made here too, so the loop only does set lookups.
                let found: Vec<(Discovered, UrlKey)> = found
                    .into_iter()
                    .map(|d| {
                        let key = UrlKey::of(&d.url);
                        (d, key)
                    })
                    .collect();
                (facts, found)
            };
            // A typical page takes a fraction of a millisecond: it is extracted on a runtime
            // worker, which saves handing every page to another thread and back. A large one
            // would hold that worker's network tasks up, so it goes to the blocking pool.
            let handle = if inline {
                tokio::spawn(async move { work() })
            } else {
                tokio::task::spawn_blocking(work)
            };
            let (url, depth, tier, wants) =
                (job.url.clone(), job.depth, job.tier, job.wants.clone());
            extracting.push(async move { (url, depth, tier, wants, handle.await) });
        }
        if !extracted {
            busy[usize::from(job.tier)] -= 1;
        }
        // The redirect target is known under its own URL too, so links to it are not re-fetched.
        if !r.redirects.is_empty() {
            seen.insert(UrlKey::of(&r.final_url));
        }
        if r.outcome != Outcome::Ok {
            problems += 1;
        }
        record(&mut log, &job, r.outcome, r.status, r.redirects, r.detail);
        sink.progress(Progress {
            pages: log.summary.pages_fetched,
            queued: frontier.len(),
            in_flight: inflight.len(),
            requests: log.summary.requests,
            problems,
        });
    }

    log.summary.elapsed_ms = began.elapsed().as_millis() as u64;
    log.summary.interval_ms = hosts.interval().as_millis() as u64;
    log.summary.robots = robots.map(|(i, _, _)| i);
    for c in log.checks.values() {
        *log.summary.outcome_counts.entry(c.outcome).or_default() += 1;
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
        UrlKey::of(&job.url),
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
    net: &fetch::Net,
    hosts: &HostPool,
    limits: &FetchLimits,
    start: &Url,
    obey: bool,
    prefetched: Option<&Prefetched>,
) -> Option<(RobotsInfo, Option<texting_robots::Robot>, fetch::Response)> {
    let url = start.join("/robots.txt").ok()?;
    let r = match prefetched.and_then(|p| p.take(&url)) {
        Some(r) => r,
        None => fetch::fetch(net, hosts, limits, &url, Mode::Get { any_body: true }).await,
    };
    // 2xx: the rules apply. 4xx (401/403 included) and failures: no rules, crawl politely.
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
    Some((info, robot, r))
}

/// Most sitemap files read per crawl (indexes included), so a sitemap index cannot eat the crawl.
const MAX_SITEMAPS: usize = 20;

/// Reads sitemaps breadth-first, following indexes, and returns the page URLs they list.
async fn read_sitemaps(
    base: &Url,
    net: &fetch::Net,
    hosts: &HostPool,
    limits: &FetchLimits,
    roots: Vec<String>,
    log: &mut CrawlLog,
    robot: Option<&texting_robots::Robot>,
) -> Vec<(Url, Option<jiff::civil::Date>)> {
    // Sitemap locations should be absolute; relative ones are common enough to resolve.
    let mut queue: VecDeque<Url> = roots.iter().filter_map(|r| base.join(r).ok()).collect();
    let mut done: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let sitemap_limits = FetchLimits {
        max_body_bytes: sitemap::MAX_DECOMPRESSED,
        ..limits.clone()
    };
    while let Some(url) = queue.pop_front() {
        if done.len() >= MAX_SITEMAPS || !done.insert(url.to_string()) {
            continue;
        }
        if robot.is_some_and(|r| !r.allowed(url.as_str())) {
            continue;
        }
        let r = fetch::fetch(
            net,
            hosts,
            &sitemap_limits,
            &url,
            Mode::Get { any_body: true },
        )
        .await;
        log.summary.requests += r.requests;
        if let Some(st) = r.answered_status() {
            *log.summary.status_counts.entry(st).or_default() += 1;
        }
        log.summary.not_modified += usize::from(r.revalidated);
        let mut info = SitemapInfo {
            url: url.clone(),
            status: r.status,
            entries: 0,
            error: None,
        };
        match (r.outcome, r.body) {
            (Outcome::Ok, Some(body)) => match sitemap::parse(&body) {
                Ok(sitemap::Sitemap::Index(children)) => {
                    info.entries = children.len();
                    queue.extend(children.iter().filter_map(|c| url.join(c).ok()));
                }
                Ok(sitemap::Sitemap::Urls(urls)) => {
                    info.entries = urls.len();
                    out.extend(
                        urls.into_iter()
                            .filter_map(|(u, d)| Some((url.join(&u).ok()?, d))),
                    );
                }
                Err(e) => info.error = Some(e.to_string()),
            },
            (o, _) => info.error = Some(o.label(true).to_string()),
        }
        // A missing /sitemap.xml is normal and not worth listing.
        if !(info.status == Some(404) && url.path() == "/sitemap.xml") {
            log.summary.sitemaps.push(info);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_refresh_targets() {
        let base = Url::parse("http://jyj.example.gov.cn/xxgk/tzgg/202603/t20260315_1.html")
            .expect("valid url");
        let target = |html: &str| refresh_target(html, &base).map(|u| u.to_string());
        assert_eq!(
            target(r#"<head><meta http-equiv="refresh" content="0;url=../index.html"></head>"#),
            Some("http://jyj.example.gov.cn/xxgk/tzgg/index.html".into())
        );
        // Old templates shout, leave the value unquoted and quote the URL inside it.
        assert_eq!(
            target(r#"<META HTTP-EQUIV=Refresh CONTENT="3; URL='/xxgk/'">"#),
            Some("http://jyj.example.gov.cn/xxgk/".into())
        );
        assert_eq!(
            target(r#"<meta http-equiv="Content-Type" content="text/html">"#),
            None
        );
        assert_eq!(target("<p>页面将自动 refresh</p>"), None);
    }
}
