//! One HTTP exchange: redirects followed by hand so that the chain is recorded, bodies read up to
//! a cap, and every failure classified so that our failures are never blamed on the site.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use aho_corasick::AhoCorasick;

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, LOCATION, RANGE, RETRY_AFTER};
use reqwest::{Client, Method, StatusCode};
use serde::{Deserialize, Serialize};
use url::Url;

use super::archive::{self, Recorded};
use super::cache::{self, Cache, Entry};
use super::host::{HostPool, MAX_RETRY_AFTER};

/// What happened to one URL. Every variant but `Ok` and `Dead` is inconclusive: it says nothing
/// about whether the site complies.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    /// 404, 410 and other client errors that mean the resource is not there.
    Dead,
    Timeout,
    ConnectError,
    TlsError,
    /// 401/403/405/412/418/451/521: a firewall or access control turned us away.
    Blocked,
    /// 429 (or 503) even after waiting as asked.
    RateLimited,
    ServerError,
    RedirectError,
    RobotsDisallowed,
    OutOfScope,
    DepthLimit,
    PageBudget,
    /// A 200 that is really an error page: it looks like the answer to a random path, says
    /// 页面不存在, or bounces a deep URL to the home page.
    Soft404,
    /// A crawler trap: URL too long, or endless variations of one path (calendars, `?page=N`).
    Trap,
    /// The crawl's total time ran out before this URL's turn.
    TimeLimit,
    /// The host kept failing and the crawl stopped asking it.
    CircuitOpen,
    /// Replaying an archive: the crawl asked for something the recorded crawl did not.
    NotArchived,
    Error,
    /// Left out by an inspection: no rule needed it and the sample was full. Not a gap in our
    /// reading: nothing the rules look for was expected there.
    Unsampled,
}

impl Outcome {
    /// A failure of ours or of the network, not evidence against the site.
    pub fn is_inconclusive(self) -> bool {
        !matches!(self, Outcome::Ok | Outcome::Dead)
    }

    /// Whether we chose not to request the URL.
    pub fn is_skipped(self) -> bool {
        matches!(
            self,
            Outcome::RobotsDisallowed
                | Outcome::OutOfScope
                | Outcome::DepthLimit
                | Outcome::PageBudget
                | Outcome::Trap
                | Outcome::TimeLimit
                | Outcome::CircuitOpen
                | Outcome::Unsampled
        )
    }

    pub fn label(self, en: bool) -> &'static str {
        use Outcome::*;
        match (self, en) {
            (Ok, false) => "正常",
            (Ok, true) => "ok",
            (Dead, false) => "无法访问（死链）",
            (Dead, true) => "dead link",
            (Timeout, false) => "请求超时",
            (Timeout, true) => "timeout",
            (ConnectError, false) => "无法连接",
            (ConnectError, true) => "connection failed",
            (TlsError, false) => "TLS证书或握手错误",
            (TlsError, true) => "TLS error",
            (Blocked, false) => "被防火墙或访问控制拦截",
            (Blocked, true) => "blocked by a firewall or access control",
            (RateLimited, false) => "被限流",
            (RateLimited, true) => "rate limited",
            (ServerError, false) => "服务器错误",
            (ServerError, true) => "server error",
            (RedirectError, false) => "重定向错误",
            (RedirectError, true) => "redirect error",
            (RobotsDisallowed, false) => "robots.txt禁止抓取",
            (RobotsDisallowed, true) => "disallowed by robots.txt",
            (OutOfScope, false) => "超出审计范围",
            (OutOfScope, true) => "out of scope",
            (DepthLimit, false) => "超出抓取深度",
            (DepthLimit, true) => "beyond depth limit",
            (PageBudget, false) => "超出页面数上限",
            (PageBudget, true) => "beyond page limit",
            (Soft404, false) => "软404（错误页面返回200）",
            (Soft404, true) => "soft 404",
            (Trap, false) => "疑似抓取陷阱（超长或无限变化的URL）",
            (Trap, true) => "crawler trap",
            (TimeLimit, false) => "超出抓取总时长",
            (TimeLimit, true) => "beyond the time limit",
            (CircuitOpen, false) => "服务器持续出错，已停止请求",
            (CircuitOpen, true) => "host kept failing; requests stopped",
            (NotArchived, false) => "存档中没有该请求",
            (NotArchived, true) => "not archived",
            (Error, false) => "抓取错误",
            (Error, true) => "fetch error",
            (Unsampled, false) => "未抽查",
            (Unsampled, true) => "not sampled",
        }
    }
}

/// Limits that apply to every exchange.
#[derive(Debug, Clone)]
pub struct FetchLimits {
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    /// How many times a timeout, reset, 429 or 503 is retried.
    pub retries: u32,
}

/// A response as the crawler saw it.
#[derive(Debug)]
pub struct Response {
    pub outcome: Outcome,
    pub status: Option<u16>,
    /// Where the redirects ended.
    pub final_url: Url,
    /// Each hop of the redirect chain, in order.
    pub redirects: Vec<Url>,
    pub content_type: Option<String>,
    /// Read only when the caller wanted the body and it is HTML.
    pub body: Option<Vec<u8>>,
    pub truncated: bool,
    pub detail: Option<String>,
    /// Requests sent, retries included.
    pub requests: u32,
    /// The server answered 304 Not Modified and the body is the one kept from an earlier run
    /// (`--cache`); `status` is that answer's.
    pub revalidated: bool,
}

impl Response {
    /// The status the server sent: 304 for a page reused from the cache.
    pub fn answered_status(&self) -> Option<u16> {
        if self.revalidated {
            Some(304)
        } else {
            self.status
        }
    }
}

/// How to request a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// GET and keep the body if it is HTML (pages) or any body (robots.txt).
    Get { any_body: bool },
    /// HEAD, falling back to a one-byte ranged GET when HEAD is refused (attachments, images).
    Check,
}

fn classify_status(s: StatusCode) -> Outcome {
    match s.as_u16() {
        200..=299 => Outcome::Ok,
        401 | 403 | 405 | 407 | 412 | 418 | 451 | 521 | 522 => Outcome::Blocked,
        408 => Outcome::Timeout,
        429 => Outcome::RateLimited,
        // Answers to something about our request (its length, its headers), not a missing page.
        414 | 431 => Outcome::Error,
        400..=499 => Outcome::Dead,
        _ => Outcome::ServerError,
    }
}

/// Words in rustls and hyper errors that mean the TLS layer failed (bad or unknown certificate,
/// an old protocol, a plain-HTTP server on the TLS port).
const TLS_MARKERS: [&str; 10] = [
    "certificate",
    "tls",
    "handshake",
    "corrupt message",
    "peer is incompatible",
    "unknownissuer",
    "notvalidforname",
    "alert",
    "ssl",
    "invalidcontenttype",
];

fn classify_error(e: &reqwest::Error) -> (Outcome, String) {
    let mut msg = e.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let lower = msg.to_ascii_lowercase();
    let outcome = if e.is_timeout() {
        Outcome::Timeout
    } else if TLS_MARKERS.iter().any(|m| lower.contains(m)) {
        Outcome::TlsError
    } else if e.is_connect() {
        Outcome::ConnectError
    } else {
        Outcome::Error
    };
    (outcome, msg)
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(h: Option<&reqwest::header::HeaderValue>) -> Option<Duration> {
    let v = h?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let now = jiff::Timestamp::now();
    let secs = when.as_second() - now.as_second();
    Some(Duration::from_secs(secs.max(0) as u64))
}

/// Whether a body is a page to extract: HTML, a Hanweb `dataproxy.jsp` datastore (XML that
/// holds a column's list records), or JSON (a list interface's answer, a list file a script
/// fetches: the extractor reads its rows).
fn looks_like_html(content_type: Option<&str>, prefix: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&prefix[..prefix.len().min(512)]).to_ascii_lowercase();
    let datastore = head.contains("<datastore");
    let json = {
        let t = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        t.starts_with('{') || t.starts_with('[')
    };
    if let Some(ct) = content_type {
        let ct = ct.to_ascii_lowercase();
        if ct.contains("html") {
            return true;
        }
        if ct.contains("json") || ct.starts_with("text/javascript") {
            return json;
        }
        if ct.contains("xml") {
            return datastore;
        }
        if !(ct.starts_with("application/octet-stream") || ct.starts_with("text/plain")) {
            return false;
        }
    }
    head.contains("<html")
        || head.contains("<!doctype html")
        || head.contains("<head")
        || datastore
        || json
}

/// Phrases of web application firewalls and bot challenges seen in front of government sites.
const CHALLENGE_MARKERS: [&str; 14] = [
    "安全验证",
    "人机验证",
    "访问验证",
    "滑动验证",
    "请开启JavaScript",
    "请启用JavaScript",
    "enable JavaScript and cookies",
    "challenge-platform",
    "安全狗",
    "云锁",
    "创宇盾",
    "网站防火墙",
    "访问被拦截",
    "您的访问被阻断",
];

/// A small 200 page that is a firewall's or a bot check's, not the site's: challenge phrases, or
/// nothing but a script that sets a cookie and reloads.
pub fn is_challenge(body: &[u8]) -> bool {
    if body.len() > 16 * 1024 {
        return false;
    }
    // Byte searches: this runs on every small page, on the crawl loop.
    static MARKERS: LazyLock<regex::bytes::Regex> =
        LazyLock::new(|| super::phrases(&CHALLENGE_MARKERS));
    static SCRIPT: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .build(["location.reload", "location.href", "location.replace"])
            .expect("valid script markers")
    });
    if MARKERS.is_match(body) && !spa_shell(body) {
        return true;
    }
    // JavaScript names are case-sensitive; HTML tags are not.
    static LINK: LazyLock<AhoCorasick> = LazyLock::new(|| super::markers(&["<a "]));
    memchr::memmem::find(body, b"document.cookie").is_some()
        && SCRIPT.is_match(body)
        && !LINK.is_match(body)
}

/// A single-page application's empty shell: its only challenge-like phrase is the request to
/// turn JavaScript on, inside `<noscript>`, and it loads its application from a script file
/// without setting a cookie first. Such a page is the site drawn by script, not a firewall's.
fn spa_shell(body: &[u8]) -> bool {
    static JS_ONLY: LazyLock<regex::bytes::Regex> =
        LazyLock::new(|| super::phrases(&["请开启JavaScript", "请启用JavaScript"]));
    static OTHER: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        let other: Vec<&str> = CHALLENGE_MARKERS
            .iter()
            .copied()
            .filter(|m| !m.contains("请开启") && !m.contains("请启用"))
            .collect();
        super::phrases(&other)
    });
    static NOSCRIPT: LazyLock<AhoCorasick> = LazyLock::new(|| super::markers(&["<noscript"]));
    static SCRIPT_FILE: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        regex::bytes::Regex::new(r"(?i)<script\b[^>]*\ssrc\s*=").expect("valid regex")
    });
    JS_ONLY.is_match(body)
        && !OTHER.is_match(body)
        && NOSCRIPT.is_match(body)
        && SCRIPT_FILE.is_match(body)
        && memchr::memmem::find(body, b"document.cookie").is_none()
}

/// Where answers come from: the network, or a WARC file of an earlier crawl. Either way the
/// exchanges can be recorded to an archive.
#[derive(Debug, Clone)]
pub enum Transport {
    Live(Client),
    Replay(Arc<dyn Recorded>),
}

#[derive(Debug, Clone)]
pub struct Net {
    pub transport: Transport,
    pub recorder: Option<archive::Recorder>,
    /// Pages of earlier runs, asked for conditionally (never with a replay).
    pub cache: Option<Cache>,
}

/// A response's head, and its body still to be read.
struct Sent {
    version: String,
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Body,
    /// Replay: the recorded body was cut at the size cap. A cached body: cut when stored.
    cut: bool,
    /// The answer was a 304 and the rest of this is the earlier answer it confirmed.
    revisit: Option<archive::Revisit>,
}

enum Body {
    Live(reqwest::Response),
    Stored(Option<Vec<u8>>),
}

impl Body {
    /// Appends the next chunk of the body to `buf`; `false` at its end.
    async fn chunk_into(&mut self, buf: &mut Vec<u8>) -> Result<bool, reqwest::Error> {
        match self {
            Body::Live(r) => Ok(r
                .chunk()
                .await?
                .map(|b| buf.extend_from_slice(&b))
                .is_some()),
            Body::Stored(b) => Ok(b.take().map(|b| buf.extend_from_slice(&b)).is_some()),
        }
    }
}

impl Net {
    async fn send(
        &self,
        method: &Method,
        url: &Url,
        range: Option<&str>,
        conditions: &[(HeaderName, String)],
    ) -> Result<Sent, (Outcome, String)> {
        match &self.transport {
            Transport::Live(client) => {
                let mut req = client.request(method.clone(), url.clone());
                if let Some(r) = range {
                    req = req.header(RANGE, r);
                }
                for (k, v) in conditions {
                    req = req.header(k, v);
                }
                let resp = req.send().await.map_err(|e| classify_error(&e))?;
                Ok(Sent {
                    version: format!("{:?}", resp.version()),
                    status: resp.status(),
                    headers: resp.headers().clone(),
                    body: Body::Live(resp),
                    cut: false,
                    revisit: None,
                })
            }
            Transport::Replay(replay) => {
                let r = replay.answer(method.as_str(), range, url)?;
                Ok(Sent {
                    version: r.version,
                    status: r.status,
                    headers: r.headers,
                    body: Body::Stored(Some(r.body)),
                    cut: r.cut,
                    revisit: r.revisit,
                })
            }
        }
    }

    /// Sends the exchange to the archive, if one is being written.
    #[allow(clippy::too_many_arguments)]
    async fn record(
        &self,
        method: &Method,
        url: &Url,
        range: Option<&str>,
        conditions: &[(HeaderName, String)],
        sent: Result<&Sent, (Outcome, &str)>,
        body: &[u8],
        truncated: Option<&'static str>,
        page: bool,
    ) {
        let Some(rec) = &self.recorder else {
            return;
        };
        let result = match sent {
            Ok(s) => Ok(archive::Answer {
                version: s.version.clone(),
                status: s.status.as_u16(),
                headers: s.headers.clone(),
                body: body.to_vec(),
                truncated,
                page,
                revisit: s.revisit.clone(),
            }),
            Err((o, d)) => Err((o, d.to_string())),
        };
        rec.record(archive::Exchange {
            method: method.to_string(),
            url: url.clone(),
            range: range.map(str::to_string),
            conditions: conditions
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            date: jiff::Timestamp::now(),
            result,
        })
        .await;
    }
}

/// Performs one logical fetch: politeness, retries and redirects included.
pub async fn fetch(
    net: &Net,
    hosts: &HostPool,
    limits: &FetchLimits,
    url: &Url,
    mode: Mode,
) -> Response {
    let mut attempt = 0;
    let mut requests = 0;
    loop {
        let r = fetch_once(net, hosts, limits, url, mode, &mut requests).await;
        let host = r.final_url.host_str().unwrap_or_default().to_string();
        let retryable = matches!(r.outcome, Outcome::Timeout | Outcome::RateLimited)
            || (r.outcome == Outcome::ServerError && r.status == Some(503))
            || (r.outcome == Outcome::Error
                && r.detail.as_deref().is_some_and(|d| d.contains("reset")));
        if !retryable || attempt >= limits.retries {
            return r.into_response(requests);
        }
        attempt += 1;
        tracing::info!(%url, outcome = ?r.outcome, status = ?r.status, attempt, "retrying");
        // Exponential backoff; a server's Retry-After wins when it asks for longer.
        // Jitter keeps parallel audits of one county portal from retrying in lockstep.
        let backoff = Duration::from_millis(1000 * 2u64.pow(attempt - 1) + fastrand::u64(0..250));
        let asked = r.retry_after.unwrap_or_default();
        if asked > MAX_RETRY_AFTER {
            return r.into_response(requests);
        }
        hosts.back_off(&host, backoff.max(asked));
    }
}

/// One request's answer; `retry_after` is for the retry loop only and never reaches callers.
struct Once {
    outcome: Outcome,
    status: Option<u16>,
    final_url: Url,
    redirects: Vec<Url>,
    content_type: Option<String>,
    body: Option<Vec<u8>>,
    truncated: bool,
    detail: Option<String>,
    retry_after: Option<Duration>,
    revalidated: bool,
}

impl Once {
    fn fail(outcome: Outcome, final_url: Url, redirects: Vec<Url>, detail: String) -> Once {
        Once {
            outcome,
            status: None,
            final_url,
            redirects,
            content_type: None,
            body: None,
            truncated: false,
            detail: Some(detail),
            retry_after: None,
            revalidated: false,
        }
    }

    fn into_response(self, requests: u32) -> Response {
        Response {
            outcome: self.outcome,
            status: self.status,
            final_url: self.final_url,
            redirects: self.redirects,
            content_type: self.content_type,
            body: self.body,
            truncated: self.truncated,
            detail: self.detail,
            requests,
            revalidated: self.revalidated,
        }
    }
}

/// Runs a cache operation on the blocking pool: file I/O stays off the crawl's workers.
async fn on_disk<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    super::joined(tokio::task::spawn_blocking(f).await)
}

/// The cached answer to ask about, if it can stand in for a fetch under these limits.
async fn cached(cache: &Cache, url: &Url, max_body_bytes: usize) -> Option<Entry> {
    if !cache::storable(url) {
        return None;
    }
    let (c, u) = (cache.clone(), url.clone());
    let e = on_disk(move || c.get(&u)).await?;
    // Cut at a smaller cap than today's: a fetch now reads more of the page than was kept.
    (!(e.truncated && e.body.len() < max_body_bytes)).then_some(e)
}

/// What to do with the cache once an answer is read.
enum Keep {
    /// A fresh 200 with validators (or a 304 that rotated them): store it.
    Store,
    /// A 304 confirmed the entry as it is.
    Touch,
    /// The URL now answers something else for good (a non-page 200, no validators, 404, 410).
    Remove,
    /// Nothing to store, nothing learnt (a failure that may pass, a redirect, a check).
    Leave,
}

async fn fetch_once(
    net: &Net,
    hosts: &HostPool,
    limits: &FetchLimits,
    url: &Url,
    mode: Mode,
    requests: &mut u32,
) -> Once {
    let mut current = url.clone();
    let mut chain: Vec<Url> = Vec::new();
    let mut method = match mode {
        Mode::Get { .. } => Method::GET,
        Mode::Check => Method::HEAD,
    };
    let mut ranged = false;
    loop {
        let host = current.host_str().unwrap_or_default().to_string();
        // Only a GET has a body to reuse: link checks (HEAD, one-byte ranges) ask nothing.
        let cache = net
            .cache
            .as_ref()
            .filter(|_| method == Method::GET && !ranged);
        let mut entry = match cache {
            Some(c) => cached(c, &current, limits.max_body_bytes).await,
            None => None,
        };
        let conditions = entry.as_ref().map(Entry::conditions).unwrap_or_default();
        // A conditional request is a request like any other: through the host's limiter.
        let permit = hosts.acquire(&host).await;
        *requests += 1;
        let range = ranged.then_some("bytes=0-0");
        let mut resp = match net.send(&method, &current, range, &conditions).await {
            Ok(r) => r,
            Err((outcome, detail)) => {
                drop(permit);
                net.record(
                    &method,
                    &current,
                    range,
                    &conditions,
                    Err((outcome, &detail)),
                    &[],
                    None,
                    false,
                )
                .await;
                return Once::fail(outcome, current, chain, detail);
            }
        };
        let mut keep_entry = Keep::Leave;
        if resp.status == StatusCode::NOT_MODIFIED && resp.revisit.is_none() {
            let Some(mut e) = entry.take() else {
                // Not asked conditionally, so there is nothing it could confirm: a broken
                // server or proxy, and no page to judge. Never the site's gap.
                drop(permit);
                net.record(
                    &method,
                    &current,
                    range,
                    &conditions,
                    Ok(&resp),
                    &[],
                    None,
                    false,
                )
                .await;
                let mut once = Once::fail(
                    Outcome::Error,
                    current,
                    chain,
                    "304 Not Modified to a request that was not conditional".into(),
                );
                once.status = Some(304);
                return once;
            };
            // The kept answer stands in for the page, read below exactly as a fresh one.
            keep_entry = if e.refresh(&resp.headers) {
                Keep::Store
            } else {
                Keep::Touch
            };
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::OK);
            resp = Sent {
                version: e.version.clone(),
                status,
                headers: std::mem::take(&mut e.headers),
                body: Body::Stored(Some(std::mem::take(&mut e.body))),
                cut: e.truncated,
                revisit: Some(archive::Revisit {
                    version: resp.version,
                    headers: resp.headers,
                    stored: e.stored,
                }),
            };
            entry = Some(Entry {
                headers: resp.headers.clone(),
                ..e
            });
        }
        let status = resp.status;
        if status.is_redirection() {
            net.record(
                &method,
                &current,
                range,
                &conditions,
                Ok(&resp),
                &[],
                Some("unspecified"),
                false,
            )
            .await;
            let next = resp
                .headers
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| current.join(l).ok());
            drop(permit);
            let Some(next) = next else {
                return Once::fail(
                    Outcome::RedirectError,
                    current,
                    chain,
                    format!("{} without a usable Location header", status.as_u16()),
                );
            };
            if next == current || chain.contains(&next) || next == *url {
                return Once::fail(
                    Outcome::RedirectError,
                    current,
                    chain,
                    format!("redirect loop at {next}"),
                );
            }
            if chain.len() >= limits.max_redirects {
                return Once::fail(
                    Outcome::RedirectError,
                    current,
                    chain,
                    format!("more than {} redirects", limits.max_redirects),
                );
            }
            chain.push(next.clone());
            current = next;
            continue;
        }
        // Servers that refuse HEAD get a one-byte GET instead, so attachments are never downloaded.
        if mode == Mode::Check
            && method == Method::HEAD
            && matches!(status.as_u16(), 400 | 403 | 404 | 405 | 501)
        {
            drop(permit);
            net.record(
                &method,
                &current,
                range,
                &conditions,
                Ok(&resp),
                &[],
                None,
                false,
            )
            .await;
            method = Method::GET;
            ranged = true;
            continue;
        }
        let content_type = resp
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let retry_after = retry_after(resp.headers.get(RETRY_AFTER));
        let mut outcome = classify_status(status);
        // "Range not satisfiable" to our one-byte probe: the file exists (it is empty).
        if ranged && status.as_u16() == 416 {
            outcome = Outcome::Ok;
        }
        if status.as_u16() == 503 && retry_after.is_some() {
            outcome = Outcome::RateLimited;
        }
        if let Some(pause) = retry_after {
            hosts.back_off(&host, pause);
        }
        let mut body = None;
        let mut truncated = false;
        let mut detail = None;
        // What was read of the body, for the archive; whether it was read to its end.
        let mut buf: Vec<u8> = Vec::new();
        let mut complete = method == Method::HEAD;
        let mut keep = false;
        if let Mode::Get { any_body } = mode
            && outcome == Outcome::Ok
        {
            let mut decided = any_body;
            keep = true;
            // Room for the whole body at once when the server says how long it is (compressed
            // bodies grow past it; the cap bounds the guess).
            let announced = resp
                .headers
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
            buf.reserve(announced.unwrap_or(0).min(limits.max_body_bytes + 1));
            loop {
                match resp.body.chunk_into(&mut buf).await {
                    Ok(true) => {
                        if !decided && buf.len() >= 512 {
                            decided = true;
                            keep = looks_like_html(content_type.as_deref(), &buf);
                            if !keep {
                                break;
                            }
                        }
                        if buf.len() > limits.max_body_bytes {
                            buf.truncate(limits.max_body_bytes);
                            truncated = true;
                            break;
                        }
                    }
                    Ok(false) => {
                        complete = true;
                        break;
                    }
                    Err(e) => {
                        let (o, d) = classify_error(&e);
                        // A body cut off halfway is our inconclusive evidence, not the site's gap.
                        outcome = if o == Outcome::Error {
                            Outcome::Error
                        } else {
                            o
                        };
                        detail = Some(d);
                        keep = false;
                        break;
                    }
                }
            }
            if !decided {
                keep = looks_like_html(content_type.as_deref(), &buf);
            }
            if keep && !any_body && is_challenge(&buf) {
                outcome = Outcome::Blocked;
                detail = Some("a bot-challenge or firewall page answered with 200".into());
                keep = false;
            }
            truncated |= resp.cut;
        }
        drop(permit);
        let cut = if truncated {
            Some("length")
        } else if !complete {
            Some("unspecified")
        } else {
            None
        };
        net.record(
            &method,
            &current,
            range,
            &conditions,
            Ok(&resp),
            &buf,
            cut,
            keep,
        )
        .await;
        let revalidated = resp.revisit.is_some();
        if let Some(c) = cache {
            if !revalidated {
                keep_entry = match outcome {
                    // A whole body, or one cut at the cap: both are what a fetch reads.
                    Outcome::Ok if keep => Keep::Store,
                    Outcome::Ok | Outcome::Dead => Keep::Remove,
                    _ => Keep::Leave,
                };
            }
            buf = keep_cached(c, keep_entry, entry, &current, &resp, buf, truncated).await;
        }
        if keep {
            body = Some(buf);
        }
        return Once {
            outcome,
            status: Some(status.as_u16()),
            final_url: current,
            redirects: chain,
            content_type,
            body,
            truncated,
            detail,
            retry_after,
            revalidated,
        };
    }
}

/// Updates the cache after an answer, and hands the body back. `old` is the entry the request
/// asked about, if any.
async fn keep_cached(
    cache: &Cache,
    what: Keep,
    old: Option<Entry>,
    url: &Url,
    resp: &Sent,
    body: Vec<u8>,
    truncated: bool,
) -> Vec<u8> {
    let c = cache.clone();
    match what {
        Keep::Leave => body,
        Keep::Touch => {
            let u = url.clone();
            on_disk(move || c.touch(&u)).await;
            body
        }
        Keep::Remove => {
            let u = url.clone();
            on_disk(move || c.remove(&u)).await;
            body
        }
        Keep::Store => {
            let (entry, write) = match old {
                // A 304 that rotated the validators: the same body, fetched when it was.
                Some(old) if resp.revisit.is_some() => (
                    Entry {
                        body,
                        truncated: old.truncated || truncated,
                        ..old
                    },
                    true,
                ),
                old => {
                    let new = Entry::new(
                        url,
                        &resp.version,
                        resp.status.as_u16(),
                        &resp.headers,
                        body,
                        truncated,
                    );
                    // The server ignored the question and sent the same again: keep the file.
                    let write = !old.is_some_and(|o| o.same_as(&new));
                    (new, write)
                }
            };
            on_disk(move || {
                if !entry.revalidatable() {
                    // Nothing to ask with next time.
                    c.remove(&entry.url);
                } else if !write {
                    c.touch(&entry.url);
                } else if let Err(err) = c.put(&entry) {
                    tracing::warn!(url = %entry.url, error = %err, "could not store the page in the cache");
                }
                entry.body
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_page_app_shell_is_not_a_challenge_but_a_cookie_reload_page_is() {
        let shell = "<!DOCTYPE html><html><head><title>某县教育局</title></head><body>\
            <noscript>请启用JavaScript后浏览本站。</noscript><div id=\"app\"></div>\
            <script type=\"text/javascript\" src=\"/static/js/app.js\"></script></body></html>";
        assert!(!is_challenge(shell.as_bytes()));
        // The same request for JavaScript in front of a cookie check is a challenge.
        let check = "<html><body><noscript>请启用JavaScript</noscript><script>\
            document.cookie='wzws=1';location.reload();</script><script src=\"/c.js\"></script></body></html>";
        assert!(is_challenge(check.as_bytes()));
        // So is a firewall's own phrase, noscript or not.
        let waf = "<html><body><noscript>请启用JavaScript</noscript><p>安全验证</p>\
            <script src=\"/v.js\"></script></body></html>";
        assert!(is_challenge(waf.as_bytes()));
        // Without a script file nothing would draw the page: still a challenge.
        let bare = "<html><body><noscript>请启用JavaScript</noscript></body></html>";
        assert!(is_challenge(bare.as_bytes()));
    }

    #[test]
    fn json_answers_are_kept_for_extraction() {
        assert!(looks_like_html(
            Some("application/json"),
            b"{\"articles\": []}"
        ));
        assert!(looks_like_html(
            Some("application/octet-stream"),
            b" [{\"title\": 1}]"
        ));
        assert!(looks_like_html(None, b"{\"data\": {\"html\": \"\"}}"));
        assert!(!looks_like_html(Some("application/json"), b"not json"));
        assert!(!looks_like_html(Some("image/png"), b"{"));
    }
}
