//! The report's account of the crawl. The report defines these types (and so its schema); the
//! crawler's own record converts into them, so a change in the crawler cannot change the
//! report's JSON unnoticed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::crawl::{self, Outcome};

/// What robots.txt said.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RobotsInfo {
    pub url: Url,
    /// HTTP status, or `None` when it could not be fetched.
    pub status: Option<u16>,
    pub obeyed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crawl_delay_secs: Option<f32>,
    pub sitemaps: Vec<String>,
}

/// One sitemap file read.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SitemapInfo {
    pub url: Url,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// URLs it listed (pages or child sitemaps).
    pub entries: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the crawl did, as the report states it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub robots: Option<RobotsInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub sitemaps: Vec<SitemapInfo>,
    /// What a request for a page that does not exist returns, when it is not a 404.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soft_404: Option<String>,
    /// Hosts the circuit breaker gave up on.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub hosts_given_up: Vec<String>,
    /// Pages whose body was cut at the size cap.
    pub truncated_pages: usize,
    /// Requests answered 304 Not Modified to a conditional request (`--cache`): the page kept
    /// from an earlier run was reused and judged like a fresh one. Also counted under 304 in
    /// `status_counts`; absent when none.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub not_modified: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl CrawlSummary {
    /// What the crawl reused from the cache, as a clause for a format's crawl line; `None` when
    /// nothing was.
    pub fn reused(&self, en: bool) -> Option<String> {
        (self.not_modified > 0).then(|| {
            if en {
                format!(
                    "{} answered 304 Not Modified (reused from the cache)",
                    self.not_modified
                )
            } else {
                format!("其中 {} 个返回304未修改（沿用缓存）", self.not_modified)
            }
        })
    }
}

impl From<crawl::RobotsInfo> for RobotsInfo {
    fn from(r: crawl::RobotsInfo) -> RobotsInfo {
        RobotsInfo {
            url: r.url,
            status: r.status,
            obeyed: r.obeyed,
            crawl_delay_secs: r.crawl_delay_secs,
            sitemaps: r.sitemaps,
        }
    }
}

impl From<crawl::SitemapInfo> for SitemapInfo {
    fn from(s: crawl::SitemapInfo) -> SitemapInfo {
        SitemapInfo {
            url: s.url,
            status: s.status,
            entries: s.entries,
            error: s.error,
        }
    }
}

impl From<crawl::CrawlSummary> for CrawlSummary {
    fn from(c: crawl::CrawlSummary) -> CrawlSummary {
        CrawlSummary {
            pages_fetched: c.pages_fetched,
            requests: c.requests,
            bytes: c.bytes,
            status_counts: c.status_counts,
            outcome_counts: c.outcome_counts,
            requests_per_host: c.requests_per_host,
            elapsed_ms: c.elapsed_ms,
            interval_ms: c.interval_ms,
            robots: c.robots.map(RobotsInfo::from),
            sitemaps: c.sitemaps.into_iter().map(SitemapInfo::from).collect(),
            soft_404: c.soft_404,
            hosts_given_up: c.hosts_given_up,
            truncated_pages: c.truncated_pages,
            not_modified: c.not_modified,
        }
    }
}
