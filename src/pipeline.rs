//! One audit, end to end: target → crawl (streaming pages through extraction into the site
//! model) → audit → score → report.

use std::time::Duration;

use jiff::civil::Date;
use url::Url;

use crate::audit::plan::{InspectionPlan, Served};
use crate::audit::{self, Text};
use crate::crawl::{self, CrawlConfig, Extractor, FetchedPage, PageSink, Progress, Rank};
use crate::extract::{self, TextPolicy};
use crate::report::{Report, TargetInfo};
use crate::rules::RulePack;
use crate::site::{Prepared, SiteBuilder};
use crate::target::{Target, TargetError};

/// What to audit and how.
#[derive(Clone, Default)]
pub struct AuditOptions {
    pub target: String,
    pub scope: Option<String>,
    /// For a saved site: the page to start from, a path inside its folder.
    pub start_page: Option<String>,
    pub as_of: Option<Date>,
    pub crawl: CrawlConfig,
    /// Whether the user lowered politeness settings or ignored robots.txt (noted in the report).
    pub notes: Vec<Text>,
    /// Called as the crawl goes, for a progress display.
    pub progress: Option<ProgressFn>,
    /// Pages to start from besides the start page, relative to it (a recheck's pages).
    pub seeds: Vec<String>,
    /// Waivers (豁免) to apply to the findings.
    pub waivers: Vec<crate::rules::waiver::Waiver>,
    /// Write every exchange as WARC to this file (a temporary file the caller moves into place).
    pub archive: Option<std::path::PathBuf>,
    /// Re-run on this WARC file instead of the network; `target` is then ignored.
    pub from_warc: Option<std::path::PathBuf>,
    /// What the user says the audited body is (`--unit`, a list's `unit` column); the rest of
    /// its profile is read from the site.
    pub unit: Option<crate::rules::unit::UnitOverride>,
}

/// A progress observer.
pub type ProgressFn = std::sync::Arc<dyn Fn(Progress) + Send + Sync>;

/// Why an audit could not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Crawl(#[from] crawl::CrawlError),
    #[error(
        "the site could not be audited: {url} — {reason}\n  nothing in scope could be fetched; check the address, the network, or try again later"
    )]
    Unreachable { url: String, reason: String },
    #[error(transparent)]
    Warc(#[from] crate::warc::WarcError),
    #[error("unknown time zone `{0}` in the rule pack")]
    TimeZone(String),
}

impl AuditError {
    /// Whether the site itself could not be audited (as opposed to bad input).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, AuditError::Unreachable { .. })
    }
}

/// Today in the pack's time zone.
pub fn today(tz: &str) -> Result<Date, AuditError> {
    let zone = jiff::tz::TimeZone::get(tz).map_err(|_| AuditError::TimeZone(tz.to_string()))?;
    Ok(jiff::Timestamp::now().to_zoned_datetime(zone).date())
}

struct Sink {
    policy: std::sync::Arc<TextPolicy>,
    site: SiteBuilder,
    progress: Option<ProgressFn>,
    /// The inspection's plan and what it has found so far; `None` for a full crawl.
    plan: Option<(std::sync::Arc<InspectionPlan>, Served)>,
}

impl PageSink for Sink {
    type Facts = Prepared;

    fn extractor(&self) -> Extractor<Prepared> {
        let policy = self.policy.clone();
        let plan = self.plan.as_ref().map(|(p, _)| p.clone());
        std::sync::Arc::new(move |page: FetchedPage| {
            // The DOM is built and dropped inside `extract`; only owned facts come out.
            let (facts, mut links) = extract::extract(&page, &policy);
            if let Some(plan) = &plan {
                plan.rank(&facts, &mut links);
            }
            (Prepared::new(facts), links)
        })
    }

    fn add(&mut self, facts: Prepared) {
        self.add_wanted(facts, &[]);
    }

    fn add_wanted(&mut self, facts: Prepared, wants: &[u16]) {
        if let Some((plan, served)) = &mut self.plan {
            served.observe(plan, facts.facts());
            served.add(plan, facts.facts(), wants);
        }
        self.site.add_prepared(facts);
    }

    fn still_wanted(&self, url: &url::Url, rank: Rank, wants: &[u16]) -> bool {
        self.plan
            .as_ref()
            .is_none_or(|(plan, served)| served.still_wanted(plan, url, rank, wants))
    }

    fn progress(&mut self, p: Progress) {
        if let Some(f) = &self.progress {
            f(p);
        }
    }
}

/// When the start URL fails, whether the same URL over the other scheme answers: county sites
/// often serve only one of http and https.
async fn other_scheme_works(cfg: &CrawlConfig, start: &url::Url) -> Option<url::Url> {
    let mut other = start.clone();
    let scheme = if start.scheme() == "https" {
        "http"
    } else {
        "https"
    };
    other.set_scheme(scheme).ok()?;
    let client = crawl::client(cfg).ok()?;
    let r = client.get(other.clone()).send().await.ok()?;
    (r.status().is_success() || r.status().is_redirection()).then_some(other)
}

/// What the start URL answered before the crawl.
#[derive(Default)]
struct Resolved {
    /// Each hop of its redirects; empty when it answered itself (or could not be asked).
    redirects: Vec<Url>,
    /// The links of the page it ends at.
    links: Vec<Url>,
    /// Requests made, in all and per host.
    requests: u32,
    per_host: Vec<(String, u32)>,
    /// The exchanges, for the archive (which is created once the start is known).
    exchanges: Vec<crawl::archive::Exchange>,
    /// The answers themselves, for the crawl to start from.
    prefetched: crawl::Prefetched,
}

/// Asks the start URL once, through the crawl's transport at its politeness (robots.txt
/// obeyed unless told otherwise), to learn where it leads: the home page is the page at the
/// end of its redirects and the scope follows it. A replay answers from the archive. When the
/// URL cannot be asked, nothing is learnt and the crawl reports why.
async fn resolve_start(
    cfg: &CrawlConfig,
    start: &Url,
    archive: bool,
) -> Result<Resolved, AuditError> {
    use crawl::fetch::{self, FetchLimits, Mode};
    let (recorder, mut rx) = crawl::archive::Recorder::channel(16);
    let mut cfg = cfg.clone();
    cfg.archive = archive.then_some(recorder);
    let keeper = tokio::spawn(async move {
        let mut kept = Vec::new();
        while let Some(e) = rx.recv().await {
            kept.push(e);
        }
        kept
    });
    let net = crawl::net(&cfg)?;
    let hosts =
        crawl::host::HostPool::with_breaker(cfg.per_host, cfg.interval, cfg.breaker.clone());
    let limits = FetchLimits {
        max_body_bytes: cfg.max_body_bytes,
        max_redirects: cfg.max_redirects,
        retries: cfg.retries,
    };
    let mut out = Resolved::default();
    let mut count = |r: &fetch::Response| {
        out.requests += r.requests;
        let host = r.final_url.host_str().unwrap_or_default().to_string();
        match out.per_host.iter_mut().find(|(h, _)| *h == host) {
            Some((_, n)) => *n += r.requests,
            None => out.per_host.push((host, r.requests)),
        }
    };
    let allowed = match start.join("/robots.txt") {
        Ok(robots) if cfg.respect_robots => {
            let r =
                fetch::fetch(&net, &hosts, &limits, &robots, Mode::Get { any_body: true }).await;
            count(&r);
            let silent = matches!(
                r.outcome,
                crawl::Outcome::ConnectError | crawl::Outcome::Timeout | crawl::Outcome::TlsError
            );
            let allowed = match (r.status, &r.body) {
                // A host that does not answer: the crawl says so, without a second wait here.
                _ if silent => false,
                (Some(200..=299), Some(body)) => {
                    texting_robots::Robot::new(crawl::ROBOTS_AGENT, body)
                        .map_or(true, |robot| robot.allowed(start.as_str()))
                }
                _ => true,
            };
            // The crawl reads the same answer rather than asking again.
            out.prefetched.keep(r);
            allowed
        }
        _ => true,
    };
    let mut redirects = Vec::new();
    let mut links = Vec::new();
    if allowed {
        let r = fetch::fetch(&net, &hosts, &limits, start, Mode::Get { any_body: false }).await;
        count(&r);
        // A redirect loop or an endless chain leads nowhere: the crawl reports it.
        if r.outcome != crawl::Outcome::RedirectError {
            redirects = r.redirects.clone();
        }
        let kept = r.body.clone();
        let (outcome, final_url, status, content_type, truncated) = (
            r.outcome,
            r.final_url.clone(),
            r.status,
            r.content_type.clone(),
            r.truncated,
        );
        // The crawl starts from the same answer rather than asking for its home page again.
        out.prefetched.keep(r);
        if let (crawl::Outcome::Ok, Some(body)) = (outcome, kept) {
            let page = FetchedPage {
                url: start.clone(),
                final_url,
                status: status.unwrap_or(200),
                content_type,
                body,
                truncated,
                depth: 0,
            };
            let found = tokio::task::spawn_blocking(move || {
                extract::extract(&page, &TextPolicy::default()).1
            });
            links = crawl::joined(found.await)
                .into_iter()
                .map(|d| d.url)
                .collect();
        }
    }
    out.redirects = redirects;
    out.links = links;
    // The keeper ends when the last recorder is gone.
    drop(net);
    drop(cfg);
    out.exchanges = crawl::joined(keeper.await);
    Ok(out)
}

/// [`run`] as a task of the runtime rather than on the thread that awaits it: the crawl loop then
/// shares the runtime's workers with the requests and extractions it waits on, and their results
/// reach it without waking another thread (an eighth less CPU at 10,000 pages).
pub async fn run_spawned(
    opts: AuditOptions,
    pack: std::sync::Arc<RulePack>,
) -> Result<Report, AuditError> {
    crawl::joined(tokio::spawn(async move { run(&opts, &pack).await }).await)
}

/// Runs one audit. Must be called inside a tokio runtime. Once the crawl is over, the site
/// model, the rules and the report are built on the blocking pool, so that the runtime's workers
/// stay with the crawls of other audits (a batch's other units).
pub async fn run(
    opts: &AuditOptions,
    pack: &std::sync::Arc<RulePack>,
) -> Result<Report, AuditError> {
    let as_of = match opts.as_of {
        Some(d) => d,
        None => today(&pack.timezone)?,
    };
    let replay = match &opts.from_warc {
        Some(path) => {
            let path = path.clone();
            let r = tokio::task::spawn_blocking(move || crate::warc::Replay::open(&path))
                .await
                .map_err(|e| crate::warc::WarcError::Read {
                    path: opts.from_warc.clone().unwrap_or_default(),
                    reason: e.to_string(),
                })??;
            Some(std::sync::Arc::new(r))
        }
        None => None,
    };
    let target = match &replay {
        Some(r) => match opts.scope.as_deref() {
            Some(scope) => Target::resolve(r.start_url.as_str(), Some(scope)).await?,
            None => Target::resolve(r.start_url.as_str(), r.scope.as_deref())
                .await?
                .from_archive(),
        },
        None => {
            Target::resolve_from(
                &opts.target,
                opts.scope.as_deref(),
                opts.start_page.as_deref(),
            )
            .await?
        }
    };
    let mut cfg = opts.crawl.clone();
    if let Some(r) = &replay {
        // No network: no politeness to keep, and the recorded answer after retries is final.
        cfg.replay = Some(r.clone() as std::sync::Arc<dyn crawl::archive::Recorded>);
        cfg.interval = Duration::ZERO;
        cfg.per_host = cfg.per_host.max(8);
        cfg.concurrency = cfg.concurrency.max(8);
        cfg.retries = 0;
        if r.inspected {
            // Read back everything the inspection read, whatever order its pages arrive in
            // now: what it left unread answers as not sampled.
            cfg.plan = crawl::CrawlPlan::Full;
            cfg.max_pages = usize::MAX;
            cfg.max_checks = usize::MAX;
        }
    }
    // Where the start URL leads decides the home page and the scope, before the crawl.
    let resolved = if target.is_local() {
        Resolved::default()
    } else {
        resolve_start(&cfg, &target.start, opts.archive.is_some()).await?
    };
    let target = target.redirected(resolved.redirects.clone(), &resolved.links)?;
    cfg.seeds
        .extend(opts.seeds.iter().filter_map(|s| target.start.join(s).ok()));
    let writer = match &opts.archive {
        Some(path) => {
            let info = crate::warc::Info {
                target: opts.target.clone(),
                // The URL asked for: a replay follows its redirects again, from the archive.
                start_url: target.requested.clone().unwrap_or(target.start.clone()),
                scope: target.scope.display(),
                settings: vec![
                    ("rules".into(), pack.id.clone()),
                    ("max-pages".into(), cfg.max_pages.to_string()),
                    ("max-checks".into(), cfg.max_checks.to_string()),
                    ("max-depth".into(), cfg.max_depth.to_string()),
                    ("max-body-bytes".into(), cfg.max_body_bytes.to_string()),
                    ("respect-robots".into(), cfg.respect_robots.to_string()),
                    ("use-sitemaps".into(), cfg.use_sitemaps.to_string()),
                    (
                        "plan".into(),
                        match cfg.plan {
                            crawl::CrawlPlan::Full => "full".to_string(),
                            crawl::CrawlPlan::Inspect { sample } => {
                                format!("inspect sample={sample}")
                            }
                        },
                    ),
                ],
            };
            let (writer, recorder) = crate::warc::Writer::create(path, &info)?;
            // The start URL's exchanges follow the warcinfo record, as if the crawl made them.
            for e in resolved.exchanges {
                recorder.record(e).await;
            }
            cfg.archive = Some(recorder);
            Some(writer)
        }
        None => None,
    };
    if target.is_local() {
        // Our own loopback server needs no politeness; robots.txt of a mirror is not the site's.
        // Nor a cache: the mirror is on disk already, under a new port every run.
        cfg.cache = None;
        cfg.interval = Duration::ZERO;
        cfg.per_host = cfg.per_host.max(8);
        cfg.concurrency = cfg.concurrency.max(8);
    }
    let plan = match cfg.plan {
        crawl::CrawlPlan::Inspect { .. } => {
            let plan = std::sync::Arc::new(InspectionPlan::new(pack, as_of));
            let served = Served::new(&plan);
            Some((plan, served))
        }
        crawl::CrawlPlan::Full => None,
    };
    let mut sink = Sink {
        policy: std::sync::Arc::new(pack.text_policy()),
        site: SiteBuilder::new(target.start.clone()),
        progress: opts.progress.clone(),
        plan,
    };
    if resolved.requests > 0 && replay.is_none() {
        // The crawl's hosts start afresh: keep the interval after the start URL's requests.
        tokio::time::sleep(cfg.interval).await;
    }
    cfg.prefetched = Some(std::sync::Arc::new(resolved.prefetched));
    let mut log = crawl::crawl(&cfg, &target.start, &target.scope, &mut sink).await;
    if let Ok(log) = &mut log {
        log.summary.requests += resolved.requests;
        for (host, n) in resolved.per_host {
            *log.summary.requests_per_host.entry(host).or_default() += n;
        }
    }
    // The last recorder goes, so the writer can finish.
    cfg.archive = None;
    let index = match writer {
        Some(w) => Some(
            tokio::task::spawn_blocking(move || w.finish())
                .await
                .map_err(|e| crate::warc::WarcError::Write {
                    path: opts.archive.clone().unwrap_or_default(),
                    source: std::io::Error::other(e.to_string()),
                })??,
        ),
        None => replay.as_ref().map(|r| r.index.clone()),
    };
    let log = log?;
    let summary = log.summary.clone();
    if summary.pages_fetched == 0 {
        let reason = log
            .outcome(&target.start)
            .map(|c| {
                let mut r = c.outcome.label(true).to_string();
                if let Some(s) = c.status {
                    r.push_str(&format!(" (HTTP {s})"));
                }
                if let Some(d) = &c.detail {
                    r.push_str(&format!(": {d}"));
                }
                r
            })
            .unwrap_or_else(|| "the start page is not an HTML page".to_string());
        let other = match replay {
            Some(_) => None,
            None => other_scheme_works(&cfg, &target.start).await,
        };
        let reason = match other {
            Some(other) => format!(
                "{reason}\n  but {other} answers: the site works over {} only",
                other.scheme()
            ),
            None => reason,
        };
        return Err(AuditError::Unreachable {
            url: target.start.to_string(),
            reason,
        });
    }
    // Waivers name a site by the address the user gave (a URL, or a saved mirror's
    // directory), or by where that URL leads.
    let site_ids = if target.is_local() {
        vec![target.input.clone()]
    } else {
        target
            .requested
            .iter()
            .chain([&target.start])
            .map(Url::to_string)
            .collect()
    };
    let info = TargetInfo {
        input: target.input.clone(),
        start_url: target.start.clone(),
        scope: target.scope.clone(),
        local: target.is_local(),
        requested_url: target.requested.clone(),
        redirects: target.redirects.clone(),
        scope_from: target.scope_from,
    };
    let judged = Judged {
        site: sink.site,
        log,
        pack: pack.clone(),
        as_of,
        site_ids,
        info,
        waivers: opts.waivers.clone(),
        unit: opts.unit,
        index,
        notes: opts.notes.clone(),
        cfg,
    };
    crawl::joined(tokio::task::spawn_blocking(move || judged.report()).await)
}

/// Adds the archive's record id and payload digest to every piece of evidence with a URL, so a
/// finding names the very response it was judged on.
fn cite(findings: &mut [audit::Finding], index: &crate::warc::ArchiveIndex) {
    for f in findings {
        for ev in &mut f.evidence {
            if let Some(r) = ev
                .url
                .as_ref()
                .and_then(|u| index.get(&crawl::UrlKey::of(u)))
            {
                ev.warc_record_id = Some(r.record_id.clone());
                ev.warc_payload_digest = Some(r.payload_digest.clone());
            }
        }
    }
}

/// What the report says about where the audit started and what it covered, when that is not
/// simply the directory of the URL given: a start URL that redirected (the chain, the home page
/// it led to, another host), and a start URL without a trailing slash.
fn target_notes(info: &TargetInfo) -> Vec<Text> {
    use crate::target::ScopeFrom;
    let mut notes = Vec::new();
    let scope = info.scope.display();
    let start = &info.start_url;
    if let Some(requested) = &info.requested_url {
        let chain = std::iter::once(requested)
            .chain(&info.redirects)
            .map(Url::as_str)
            .collect::<Vec<_>>()
            .join(" → ");
        notes.push(Text::new(
            format!("起始地址重定向：{chain}"),
            format!("the start URL redirects: {chain}"),
        ));
        notes.push(Text::new(
            format!("以最终地址为首页：{start}，审计范围：{scope}"),
            format!("home page: the final URL, {start}; audit scope: {scope}"),
        ));
        if requested.host_str() != start.host_str() {
            let host = start.host_str().unwrap_or_default();
            notes.push(Text::new(
                format!("起始地址转到另一主机{host}，审计的是该主机上的网站"),
                format!("the start URL leads to another host, {host}: that site is audited"),
            ));
        }
    }
    match info.scope_from {
        ScopeFrom::NamedDirectory => notes.push(Text::new(
            format!("起始地址不以“/”结尾，按目录审计：{scope}"),
            format!("the start URL has no trailing slash: audited as the directory {scope}"),
        )),
        ScopeFrom::ParentDirectory => {
            notes.push(Text::new(
                format!("起始地址不以“/”结尾，其链接指向上级目录：范围取{scope}"),
                format!(
                    "the start URL has no trailing slash and links into its parent: scope {scope}"
                ),
            ));
            notes.push(Text::new(
                format!("如只审计其下内容，请用 --scope {start}/"),
                format!("to audit only what is below it, give --scope {start}/"),
            ));
        }
        ScopeFrom::Directory | ScopeFrom::Given | ScopeFrom::Archive => {}
    }
    notes
}

/// What an audit as of a day left out, and what it could not place in time when that day is
/// before the crawl.
fn as_of_notes(left: &crate::site::LeftOut, as_of: Date, crawled: Date) -> Vec<Text> {
    let mut notes = Vec::new();
    // Short enough for one terminal line each.
    if left.pages + left.entries > 0 {
        notes.push(Text::new(
            format!(
                "按{as_of}时的网站评判：其后发布的{}个页面、{}条列表条目未计入",
                left.pages, left.entries
            ),
            format!(
                "as of {as_of}: {} later pages and {} later list rows left out",
                left.pages, left.entries
            ),
        ));
        // Only when the site has changed since the day does the question arise.
        if as_of < crawled && left.undated_pages > 0 {
            notes.push(Text::new(
                format!(
                    "{}个无发布日期的页面无法确定{as_of}时是否已有，按已有计",
                    left.undated_pages
                ),
                format!(
                    "{} undated pages kept: whether they existed on {as_of} is unknown",
                    left.undated_pages
                ),
            ));
        }
    }
    notes
}

/// What the crawl left for the audit proper, which runs without awaiting anything.
struct Judged {
    site: SiteBuilder,
    log: crawl::CrawlLog,
    pack: std::sync::Arc<RulePack>,
    as_of: Date,
    site_ids: Vec<String>,
    info: TargetInfo,
    waivers: Vec<crate::rules::waiver::Waiver>,
    index: Option<crate::warc::ArchiveIndex>,
    notes: Vec<Text>,
    cfg: CrawlConfig,
    unit: Option<crate::rules::unit::UnitOverride>,
}

impl Judged {
    /// The site model, the findings, the score and the report.
    fn report(self) -> Result<Report, AuditError> {
        let Judged {
            site,
            log,
            pack,
            as_of,
            site_ids,
            info,
            waivers,
            unit,
            index,
            mut notes,
            cfg,
        } = self;
        let pack = &*pack;
        let summary = log.summary.clone();
        // How the start and scope were settled comes first: every finding depends on it.
        notes.splice(0..0, target_notes(&info));
        let mut site = site.finish(log);
        let left_out = site.ignore_future(as_of);
        // A replay's crawl day is the archive's, not today: no note on undated pages then.
        let crawled = match cfg.replay {
            Some(_) => as_of,
            None => today(&pack.timezone).unwrap_or(as_of),
        };
        notes.extend(as_of_notes(&left_out, as_of, crawled));
        let unit = audit::unit::profile(&site, unit.as_ref(), pack.province);
        let mut findings = audit::audit_unit(&site, pack, as_of, &unit);
        // A waiver for any of the site's addresses applies.
        let waivers: Vec<_> = waivers
            .into_iter()
            .filter(|w| {
                w.site
                    .as_deref()
                    .is_none_or(|s| site_ids.iter().any(|id| id.starts_with(s)))
            })
            .map(|mut w| {
                w.site = None;
                w
            })
            .collect();
        audit::apply_waivers(&mut findings, &waivers, &site_ids[0], as_of);
        if let Some(index) = &index {
            cite(&mut findings, index);
        }
        let score = audit::score(&findings, &pack.scoring);
        if summary
            .outcome_counts
            .get(&crawl::Outcome::PageBudget)
            .is_some_and(|n| *n > 0)
        {
            notes.push(Text::new(
                format!(
                    "已达到抓取上限（页面{}个，附件和图片检查{}个），部分链接未检查；相关规则可能无法判定",
                    cfg.max_pages, cfg.max_checks
                ),
                format!(
                    "a crawl budget was reached ({} pages, {} attachment and image checks); some links were not checked and rules depending on them may be inconclusive",
                    cfg.max_pages, cfg.max_checks
                ),
            ));
        }
        if let Some(n) = summary
            .outcome_counts
            .get(&crawl::Outcome::Unsampled)
            .filter(|n| **n > 0)
        {
            // An inspection, not a census: say what was left and what that means for counts.
            notes.push(Text::new(
                format!(
                    "按检查方式抓取：首页、各栏目首页、规则所需文件及最新条目已读取，另抽查部分页面；{n}个与规则无关的链接未抽查，死链数量来自已抓取页面（抽样）。全站抓取请用 --full"
                ),
                format!(
                    "read as an inspector does: the home page, every column's first page, the documents the rules need and the newest entries, plus a sample; {n} links no rule needed were not read, so dead links are counted on the pages read (a sample). Use --full for the whole site"
                ),
            ));
        }
        if cfg.insecure {
            notes.push(Text::new(
                "按用户要求未校验TLS证书（--insecure）",
                "TLS certificates were not verified, at the user's request (--insecure)",
            ));
        }
        if summary.truncated_pages > 0 {
            notes.push(Text::new(
                format!(
                    "{}个页面超过大小上限，仅读取了前{}字节",
                    summary.truncated_pages, cfg.max_body_bytes
                ),
                format!(
                    "{} pages exceeded the size cap; only their first {} bytes were read",
                    summary.truncated_pages, cfg.max_body_bytes
                ),
            ));
        }
        for h in &summary.hosts_given_up {
            notes.push(Text::new(
                format!("服务器{h}持续出错，已停止对其请求；相关规则为“无法判定”"),
                format!("{h} kept failing and the crawl stopped asking it; rules depending on it are inconclusive"),
            ));
        }
        if let Some(s) = &summary.soft_404 {
            notes.push(Text::new(
                format!("网站对不存在的页面不返回404（{s}），已据此识别软404"),
                format!("the site does not answer 404 for missing pages ({s}); soft 404s were recognised from that"),
            ));
        }
        if summary
            .outcome_counts
            .get(&crawl::Outcome::TimeLimit)
            .is_some_and(|n| *n > 0)
        {
            notes.push(Text::new(
                "已达到抓取总时长上限，部分页面未抓取",
                "the crawl's time limit was reached; some pages were not fetched",
            ));
        }
        if findings
            .iter()
            .any(|f| f.evidence.iter().any(|e| !e.other_dates.is_empty()))
        {
            // Short enough for one terminal line: the evidence and README say the rest.
            notes.push(Text::new(
                "日期不一致时按 PubDate > 发布时间 > 列表日期 > URL > 站点地图 采用",
                "where dates disagree: PubDate > label > list row > URL > sitemap",
            ));
        }
        let mut report = Report::new(info, as_of, pack, &site, findings, score, summary, notes);
        report.unit = Some(unit);
        Ok(report)
    }
}
