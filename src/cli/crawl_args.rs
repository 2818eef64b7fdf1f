//! Crawl settings shared by `audit` and `batch`: limits and politeness.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use gongkai::audit::Text;
use gongkai::crawl::cache::{self, Cache};
use gongkai::crawl::{CrawlConfig, CrawlPlan};

#[derive(Debug, Clone, Args)]
pub struct CrawlArgs {
    /// Read every page and link in scope breadth-first (up to --max-pages), instead of as an
    /// inspector does: the hub, every column's first page, the documents the rules name, the
    /// newest entries, further list pages only while a rule needs them, and a sample
    #[arg(long)]
    pub full: bool,

    /// Pages, and as many attachment and image checks, read beyond what the rules need: the
    /// sample in which dead links and forged dates are looked for
    #[arg(long, value_name = "N", default_value_t = gongkai::crawl::DEFAULT_SAMPLE, conflicts_with = "full")]
    pub sample: usize,

    /// Most HTML pages to fetch
    #[arg(long, default_value_t = gongkai::crawl::DEFAULT_MAX_PAGES)]
    pub max_pages: usize,

    /// Most attachments and images checked (HEAD requests)
    #[arg(long, default_value_t = 2500)]
    pub max_checks: usize,

    /// Most link hops from the start page
    #[arg(long, default_value_t = 6)]
    pub max_depth: u32,

    /// Timeout of one request, in seconds
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// Requests in flight to one host at once
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub per_host: u64,

    /// Minimum time between requests to one host, in milliseconds
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub delay_ms: u64,

    /// Requests per second to one host at most (instead of --delay-ms)
    #[arg(long, value_name = "PER_SEC", conflicts_with = "delay_ms", value_parser = parse_rate)]
    pub rate: Option<f64>,

    /// Do not obey robots.txt (recorded in the report)
    #[arg(long)]
    pub ignore_robots: bool,

    /// Stop crawling after this many seconds; what was not fetched is reported as not crawled
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub max_time: Option<u64>,

    /// Do not read /sitemap.xml and robots.txt Sitemap lines
    #[arg(long)]
    pub no_sitemaps: bool,

    /// Accept invalid TLS certificates (printed and recorded in the report)
    #[arg(long)]
    pub insecure: bool,

    /// Trust the root certificates in this PEM file too (sites under a domestic CA)
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,

    /// Keep pages in DIR and, on later runs, ask the site only whether each changed
    /// (If-None-Match / If-Modified-Since): a page answered 304 Not Modified is read from DIR and
    /// judged as if fetched, and the report counts the 304s. For scheduled re-audits: keep DIR
    /// between runs (a CI cache). Shared safely by a batch's units and by parallel runs; deleting
    /// it is always safe
    #[arg(long, value_name = "DIR", env = "GONGKAI_CACHE")]
    pub cache: Option<PathBuf>,

    /// Size limit of --cache DIR in megabytes; the least recently used pages go first
    #[arg(long, value_name = "MB", default_value_t = cache::DEFAULT_MAX_MB, requires = "cache",
          value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub cache_max_mb: u64,
}

impl CrawlArgs {
    /// The crawl configuration; `rate` (requests per second) overrides the interval, as a batch
    /// list's per-unit rate does.
    pub fn config(&self, rate: Option<f64>) -> CrawlConfig {
        let rate = rate.or(self.rate);
        CrawlConfig {
            max_pages: self.max_pages,
            max_checks: self.max_checks,
            max_depth: self.max_depth,
            per_host: self.per_host as usize,
            concurrency: (self.per_host as usize).max(2) * 2,
            interval: match rate {
                Some(r) => Duration::from_secs_f64(1.0 / r),
                None => Duration::from_millis(self.delay_ms),
            },
            timeout: Duration::from_secs(self.timeout),
            respect_robots: !self.ignore_robots,
            max_time: self.max_time.map(Duration::from_secs),
            use_sitemaps: !self.no_sitemaps,
            insecure: self.insecure,
            ca_file: self.ca_file.clone(),
            plan: if self.full {
                CrawlPlan::Full
            } else {
                CrawlPlan::Inspect {
                    sample: self.sample,
                }
            },
            ..CrawlConfig::default()
        }
    }

    /// The cache directory, opened (created if need be) and checked writable: a bad `--cache` is
    /// an error before any request.
    pub fn open_cache(&self) -> Result<Option<Cache>, cache::CacheError> {
        self.cache
            .as_deref()
            .map(|dir| Cache::open(dir, self.cache_max_mb.saturating_mul(1024 * 1024)))
            .transpose()
    }

    /// What the report should say about settings the user relaxed.
    pub fn notes(&self, remote: bool, rate: Option<f64>) -> Vec<Text> {
        let mut notes = Vec::new();
        if self.ignore_robots {
            notes.push(Text::new(
                "按用户要求未遵守robots.txt",
                "robots.txt was ignored at the user's request",
            ));
        }
        let interval_ms = match rate.or(self.rate) {
            Some(r) => (1000.0 / r) as u64,
            None => self.delay_ms,
        };
        if remote && (interval_ms < 500 || self.per_host > 2) {
            notes.push(Text::new(
                format!("抓取频率按用户设置放宽：每个站点并发{}，请求间隔{}毫秒", self.per_host, interval_ms),
                format!("politeness relaxed at the user's request: {} requests at a time per host, {} ms apart", self.per_host, interval_ms),
            ));
        }
        notes
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r > 0.0 && r <= 1000.0 => Ok(r),
        _ => Err(format!(
            "`{s}` is not a rate between 0 and 1000 requests per second, such as 0.5 or 2"
        )),
    }
}

/// Keeps the cache within its size limit after a run. A failure costs disk space, not the run's
/// result: it is a warning.
pub fn prune_cache(cache: Option<&Cache>) {
    let Some(c) = cache else { return };
    match c.prune() {
        Ok(p) => tracing::info!(
            entries = p.entries,
            bytes = p.bytes,
            removed = p.removed,
            "cache pruned"
        ),
        Err(e) => {
            eprintln!("warning: --cache: could not keep the cache within its size limit: {e}")
        }
    }
}
