//! The auditor: evaluates every rule of a pack against the site model, one finding per rule.
//! Nothing here fetches; everything is judged relative to the as-of date.

pub mod annual;
mod cms;
pub mod finding;
mod index;
pub mod score;

use aho_corasick::AhoCorasick;
use std::collections::HashSet;

use jiff::civil::Date;
use url::Url;

pub use finding::{Evidence, Finding, Reason, Status, Text, WaiverNote};
pub use score::{Score, score};

use crate::crawl::Outcome;
use crate::extract::{DatedBy, PageFacts, PageKind};
use crate::rules::{Age, Check, ColumnClass, Covers, LinkScope, Rule, RulePack, Where};
use crate::site::{Column, ColumnState, Entry, SiteModel, column_key};
use index::{Candidates, TermIndex};

/// The candidates of a rule with no `find` terms.
static EMPTY: Candidates = Candidates {
    columns: Vec::new(),
    pages: Vec::new(),
    entries: Vec::new(),
    links: Vec::new(),
};

/// Most evidence items listed per finding.
const MAX_EVIDENCE: usize = 8;

/// Evaluates every rule of `pack` on `site` as of `as_of`.
pub fn audit(site: &SiteModel, pack: &RulePack, as_of: Date) -> Vec<Finding> {
    let ctx = Ctx {
        site,
        pack,
        as_of,
        homes: site.pages.iter().map(|p| site.is_home(&p.url)).collect(),
        index: TermIndex::build(site, &pack.rules),
    };
    evaluate_all(&ctx, &pack.rules)
}

/// Every rule's finding, in the pack's order. Rules are independent and the crawl is over by
/// now, so they are shared out among the machine's cores, each taking the next rule not yet
/// taken (their costs differ too much for fixed shares).
fn evaluate_all(ctx: &Ctx<'_>, rules: &[Rule]) -> Vec<Finding> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(rules.len());
    if threads <= 1 {
        return rules.iter().map(|r| ctx.evaluate(r)).collect();
    }
    let next = AtomicUsize::new(0);
    let take = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(r) = rules.get(i) else {
                return done;
            };
            done.push((i, ctx.evaluate(r)));
        }
    };
    let mut all: Vec<(usize, Finding)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(take)).collect();
        let mut all = take();
        for h in helpers {
            match h.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, f)| f).collect()
}

/// Stale columns with their class and limit, columns that could not be judged, and how many
/// columns of the classes exist.
type StaleScan<'a> = (
    Vec<(&'a Column, &'a ColumnClass, Age)>,
    Vec<&'a Column>,
    usize,
);

struct Ctx<'a> {
    site: &'a SiteModel,
    pack: &'a RulePack,
    as_of: Date,
    /// Whether each page of the site is the home page (asked per rule for every page).
    homes: Vec<bool>,
    /// Where each rule's `find` terms occur.
    index: TermIndex,
}

/// How a candidate for a document rule stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Liveness {
    Live,
    Empty,
    Dead,
    Unverified(Reason),
}

#[derive(Debug, Clone)]
struct Hit<'a> {
    url: Url,
    text: String,
    date: Option<DatedBy>,
    live: Liveness,
    status: Option<u16>,
    found_on: Option<Url>,
    column: Option<&'a Column>,
    page: Option<&'a PageFacts>,
}

impl Hit<'_> {
    fn evidence(&self) -> Evidence {
        Evidence {
            url: Some(self.url.clone()),
            text: Some(self.text.clone()),
            date: self.date.map(|d| d.date),
            date_source: self.date.map(|d| d.source),
            other_dates: self
                .page
                .map(|p| finding::other_dates(&p.date_signals, self.date))
                .unwrap_or_default(),
            doc: self.page.and_then(|p| p.doc_meta.as_deref().cloned()),
            http_status: self.status,
            found_on: self.found_on.clone(),
            ..Evidence::default()
        }
    }
}

/// A rule's `find` terms compiled once: a document rule tests every page, column, entry and link
/// of the site against them.
struct Terms(Option<AhoCorasick>);

impl Terms {
    fn new(terms: &[String]) -> Terms {
        let terms: Vec<&str> = terms
            .iter()
            .map(String::as_str)
            .filter(|t| !t.is_empty())
            .collect();
        // ASCII case is ignored ("About Us" finds "About us"); Chinese has no case.
        let build = |t: Vec<&str>| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(t)
                .ok()
        };
        Terms((!terms.is_empty()).then(|| build(terms)).flatten())
    }

    fn any_in(&self, hay: &str) -> bool {
        self.0.as_ref().is_some_and(|ac| ac.is_match(hay))
    }
}

fn fmt_date(d: Date, en: bool) -> String {
    if en {
        d.to_string()
    } else {
        format!("{}年{}月{}日", d.year(), d.month(), d.day())
    }
}

/// A deadline `MM-DD` in a year; Feb 29 falls back to Feb 28 in common years.
fn deadline(year: i16, by: &str) -> Option<Date> {
    let (m, d) = crate::rules::parse_month_day(by)?;
    Date::new(year, m, d)
        .or_else(|_| Date::new(year, m, d - 1))
        .ok()
}

impl<'a> Ctx<'a> {
    fn finding(
        &self,
        r: &Rule,
        status: Status,
        reason: Option<Reason>,
        message: Text,
        evidence: Vec<Evidence>,
    ) -> Finding {
        Finding {
            rule_id: r.id.get_ref().clone(),
            name: Text::new(
                r.name.clone(),
                r.name_en.clone().unwrap_or_else(|| r.name.clone()),
            ),
            basis: Text::new(
                r.basis.clone(),
                r.basis_en.clone().unwrap_or_else(|| r.basis.clone()),
            ),
            severity: r.severity,
            status,
            reason,
            deduction: 0.0,
            count: None,
            message,
            evidence: evidence.into_iter().take(MAX_EVIDENCE).collect(),
            remedy: Text::new(
                r.remedy.clone(),
                r.remedy_en.clone().unwrap_or_else(|| r.remedy.clone()),
            ),
            waiver: None,
        }
    }

    /// Deduction for a gap: the rule's points, or per-item points capped, never for vetoes.
    fn deduct(r: &Rule, f: &mut Finding, items: Option<u32>) {
        if f.status != Status::Gap || r.severity == crate::rules::Severity::Veto {
            return;
        }
        let raw = match (r.per_item, items) {
            (Some(p), Some(n)) => p * f64::from(n),
            _ => r.deduct,
        };
        let cap = r
            .cap
            .unwrap_or(if r.deduct > 0.0 { r.deduct } else { f64::MAX });
        f.deduction = (raw.min(cap) * 100.0).round() / 100.0;
    }

    /// Followed URLs the crawl could not fetch, by the commonest cause: the evidence might be on
    /// any of them. Crawler traps and soft 404s are left out: they hold no content.
    fn unverified_cause(&self) -> Option<(Reason, usize)> {
        let mut counts: std::collections::HashMap<Reason, usize> = std::collections::HashMap::new();
        for c in self.site.unverified() {
            if matches!(c.outcome, Outcome::Trap | Outcome::Soft404) {
                continue;
            }
            if let Some(r) = Reason::from_outcome(c.outcome) {
                *counts.entry(r).or_default() += 1;
            }
        }
        let total = counts.values().sum();
        counts
            .into_iter()
            .max_by_key(|(r, n)| (*n, *r as u8))
            .map(|(r, _)| (r, total))
    }

    /// "Not found" is the site's gap only when the crawl saw everything; otherwise we cannot
    /// tell, and say why.
    fn missing(&self, r: &Rule, msg: Text, evidence: Vec<Evidence>) -> Finding {
        if let Some((why, n)) = self.unverified_cause() {
            return self.finding(
                r,
                Status::Inconclusive,
                Some(why),
                Text::new(
                    format!(
                        "{}；但有{n}个页面未能抓取（{}），不能确定",
                        msg.zh,
                        why.label(false)
                    ),
                    format!(
                        "{}; but {n} pages could not be fetched ({}), so this is not certain",
                        msg.en,
                        why.label(true)
                    ),
                ),
                evidence,
            );
        }
        let mut f = self.finding(r, Status::Gap, Some(Reason::Missing), msg, evidence);
        Self::deduct(r, &mut f, None);
        f
    }

    fn evaluate(&self, r: &Rule) -> Finding {
        match r.check {
            Check::Document => self.document(r),
            Check::Column => self.column(r),
            Check::StaleColumns => self.stale_columns(r),
            Check::BlankColumns => self.blank_columns(r),
            Check::DeadLinks => self.dead_links(r),
            Check::HomeFresh => self.home_fresh(r),
            Check::Phone => self.phone(r),
            Check::AnnualReport => self.annual_report(r),
            Check::ForgedDates => self.forged_dates(r),
            Check::SiteIdentity => self.site_identity(r),
        }
    }

    fn name(r: &Rule, en: bool) -> String {
        if en {
            r.name_en.clone().unwrap_or_else(|| r.name.clone())
        } else {
            r.name.clone()
        }
    }

    /// A column's list entry as a hit: live when its page was crawled, else as its link stands;
    /// dated by the list, else by its page.
    fn entry_hit(&self, e: &Entry, list: &Url) -> Hit<'a> {
        let page = self.site.page(&e.url);
        let (live, status) = if page.is_some() {
            (Liveness::Live, Some(200))
        } else {
            self.link_liveness(&e.url)
        };
        Hit {
            url: e.url.clone(),
            text: e.title.clone(),
            date: e.date.or(page.and_then(|p| p.pub_date)),
            live,
            status,
            found_on: Some(list.clone()),
            column: None,
            page,
        }
    }

    fn link_liveness(&self, url: &Url) -> (Liveness, Option<u16>) {
        match self.site.check(url) {
            Some(c) => {
                let l = match c.outcome {
                    Outcome::Ok => Liveness::Live,
                    Outcome::Dead => Liveness::Dead,
                    // An out-of-scope link is evidence the item exists elsewhere (e.g. the county
                    // finance bureau's unified 预决算 column), but its content is not verified.
                    Outcome::OutOfScope => Liveness::Unverified(Reason::OutOfScope),
                    o => {
                        Liveness::Unverified(Reason::from_outcome(o).unwrap_or(Reason::FetchError))
                    }
                };
                (l, c.status)
            }
            None => (Liveness::Unverified(Reason::NotCrawled), None),
        }
    }

    /// Every place the rule's terms appear, deduplicated by URL.
    fn hits(&self, r: &Rule) -> Vec<Hit<'a>> {
        let wheres = r
            .where_
            .clone()
            .unwrap_or_else(|| vec![Where::Column, Where::Title, Where::Link]);
        let find = Terms::new(&r.find);
        // The index narrows the search; `find` below decides, so a rule outside the pack (none
        // today) is simply indexed on its own.
        let own;
        let cand = match self.index.get(r.id.get_ref()) {
            Some(c) => c,
            None => {
                own = TermIndex::build(self.site, [r]);
                own.get(r.id.get_ref()).unwrap_or(&EMPTY)
            }
        };
        let mut seen: HashSet<String> = HashSet::new();
        let mut out = Vec::new();
        let mut push = |h: Hit<'a>, seen: &mut HashSet<String>| {
            if seen.insert(column_key(&h.url)) {
                out.push(h);
            }
        };
        if wheres.contains(&Where::Column) {
            for c in cand.columns.iter().map(|&i| &self.site.columns[i as usize]) {
                if find.any_in(&c.name) {
                    let live = match c.state {
                        ColumnState::HasEntries => Liveness::Live,
                        ColumnState::Empty => Liveness::Empty,
                        ColumnState::JsOnly => Liveness::Unverified(Reason::JsOnly),
                    };
                    push(
                        Hit {
                            url: c.url.clone(),
                            text: c.name.clone(),
                            date: c.newest,
                            live,
                            status: None,
                            found_on: None,
                            column: Some(c),
                            page: None,
                        },
                        &mut seen,
                    );
                }
            }
        }
        for (p, home) in cand
            .pages
            .iter()
            .map(|&i| (&self.site.pages[i as usize], self.homes[i as usize]))
        {
            if home || p.kind == PageKind::List {
                continue;
            }
            let by_column =
                wheres.contains(&Where::Column) && p.column_name().is_some_and(|c| find.any_in(c));
            let by_title = wheres.contains(&Where::Title)
                && (find.any_in(&p.title) || find.any_in(&p.html_title));
            if by_column || by_title {
                push(
                    Hit {
                        url: p.url.clone(),
                        text: p.title.clone(),
                        date: p.pub_date,
                        live: Liveness::Live,
                        status: Some(200),
                        found_on: None,
                        column: None,
                        page: Some(p),
                    },
                    &mut seen,
                );
            }
        }
        if wheres.contains(&Where::Title) {
            for &(ci, ei) in &cand.entries {
                let c = &self.site.columns[ci as usize];
                let e = &c.entries[ei as usize];
                if find.any_in(&e.title) {
                    push(self.entry_hit(e, &c.url), &mut seen);
                }
            }
        }
        let by_link = wheres.contains(&Where::Link);
        let by_url = wheres.contains(&Where::Url);
        if by_link || by_url {
            for l in cand.links.iter().map(|&i| &self.site.links[i as usize]) {
                let text: Option<String> = by_link
                    .then(|| l.texts.iter().find(|t| find.any_in(t)))
                    .flatten()
                    .cloned()
                    .or_else(|| {
                        (by_url && find.any_in(l.url.as_str())).then(|| {
                            l.texts
                                .first()
                                .cloned()
                                .unwrap_or_else(|| l.url.to_string())
                        })
                    });
                if let Some(text) = text {
                    let page = self.site.page(&l.url);
                    let (live, status) = self.link_liveness(&l.url);
                    let key = column_key(&l.url);
                    let column = self.site.columns.iter().find(|c| column_key(&c.url) == key);
                    let live = match (live, column.map(|c| c.state)) {
                        (Liveness::Live, Some(ColumnState::Empty)) => Liveness::Empty,
                        (Liveness::Live, Some(ColumnState::JsOnly)) => {
                            Liveness::Unverified(Reason::JsOnly)
                        }
                        (l, _) => l,
                    };
                    // An attachment is dated by the page that carries it: without that, an
                    // undated PDF link would make a late document look on time.
                    let carrier = || {
                        self.site
                            .found_on(l)
                            .and_then(|u| self.site.page(u))
                            .and_then(|p| p.pub_date)
                    };
                    let date = column
                        .and_then(|c| c.newest)
                        .or(page.and_then(|p| p.pub_date))
                        .or_else(|| page.is_none().then(carrier).flatten());
                    push(
                        Hit {
                            url: l.url.clone(),
                            text,
                            date,
                            live,
                            status,
                            found_on: self.site.found_on(l).cloned(),
                            column,
                            page,
                        },
                        &mut seen,
                    );
                }
            }
        }
        out
    }

    fn document(&self, r: &Rule) -> Finding {
        let hits = self.hits(r);
        let name_zh = Self::name(r, false);
        let name_en = Self::name(r, true);
        let live: Vec<&Hit> = hits.iter().filter(|h| h.live == Liveness::Live).collect();
        let unverified: Vec<&Hit> = hits
            .iter()
            .filter(|h| matches!(h.live, Liveness::Unverified(_)))
            .collect();
        // A rule that only forbids something judges the pages it finds; finding none is not
        // the site's gap (another rule asks for the document itself).
        let forbid_only =
            !r.forbid.is_empty() && r.require.is_empty() && r.due.is_none() && r.max_age.is_none();
        if forbid_only && live.is_empty() {
            return self.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotApplicable),
                Text::new(
                    format!("未找到需要核查的页面（{}）", r.find.join("、")),
                    format!("no pages found to check ({})", r.find.join(", ")),
                ),
                hits.iter().map(|h| h.evidence()).collect(),
            );
        }
        if live.is_empty() {
            let empty: Vec<&Hit> = hits.iter().filter(|h| h.live == Liveness::Empty).collect();
            let dead: Vec<&Hit> = hits.iter().filter(|h| h.live == Liveness::Dead).collect();
            let (status, reason, msg, ev): (Status, Reason, Text, Vec<Evidence>) = if !empty
                .is_empty()
            {
                let names: Vec<&str> = empty.iter().map(|h| h.text.as_str()).collect();
                let marker = empty
                    .iter()
                    .find_map(|h| h.column.and_then(|c| c.empty_marker.clone()));
                (
                    Status::Gap,
                    Reason::Empty,
                    Text::new(
                        format!(
                            "栏目“{}”无内容{}",
                            names.join("、"),
                            marker
                                .as_ref()
                                .map(|m| format!("（显示“{m}”）"))
                                .unwrap_or_default()
                        ),
                        format!(
                            "column \"{}\" has no entries{}",
                            names.join("\", \""),
                            marker
                                .map(|m| format!(" (shows \"{m}\")"))
                                .unwrap_or_default()
                        ),
                    ),
                    empty.iter().map(|h| h.evidence()).collect(),
                )
            } else if !dead.is_empty() {
                (
                    Status::Gap,
                    Reason::Broken,
                    Text::new(
                        format!("指向“{}”的链接无法访问", dead[0].text),
                        format!("the link to \"{}\" is dead", dead[0].text),
                    ),
                    dead.iter().map(|h| h.evidence()).collect(),
                )
            } else if let Some(h) = unverified
                .iter()
                .find(|h| !matches!(h.live, Liveness::Unverified(Reason::OutOfScope)))
                .or(unverified.first())
            {
                let why = match h.live {
                    Liveness::Unverified(why) => why,
                    _ => Reason::FetchError,
                };
                if why == Reason::OutOfScope
                    && r.require.is_empty()
                    && r.due.is_none()
                    && r.max_age.is_none()
                {
                    // Nothing to verify beyond existence: a link to it elsewhere is enough.
                    return self.finding(r, Status::Pass, None,
                        Text::new(format!("在审计范围外找到“{}”链接（未核验内容）", h.text), format!("found a link to \"{}\" outside the audit scope (content not verified)", h.text)),
                        vec![h.evidence()]);
                }
                (
                    Status::Inconclusive,
                    why,
                    Text::new(
                        format!("找到“{}”但无法核验：{}", h.text, why.label(false)),
                        format!(
                            "found \"{}\" but could not verify it: {}",
                            h.text,
                            why.label(true)
                        ),
                    ),
                    unverified.iter().map(|h| h.evidence()).collect(),
                )
            } else {
                return self.missing(
                    r,
                    Text::new(format!("未找到{name_zh}"), format!("no {name_en} found")),
                    Vec::new(),
                );
            };
            let mut f = self.finding(r, status, Some(reason), msg, ev);
            Self::deduct(r, &mut f, None);
            return f;
        }

        // Legal deadline: the document for the due year must exist and be on time.
        let year_hits: Vec<Hit<'a>>;
        let mut pool: Vec<&Hit> = live.clone();
        if let Some(due) = &r.due {
            let y = self.as_of.year();
            // A province's own deadline, when the pack gives one for the site's province.
            let (province, from_site) = match self.pack.province {
                Some(p) => (Some(p), None),
                None => {
                    let code = self.site.site_id_code.as_deref().unwrap_or_default();
                    (crate::rules::province::from_site_id(code), Some(code))
                }
            };
            let special = province.and_then(|p| due.province.get(p.code).map(|b| (p, b)));
            let by = special
                .map(|(_, b)| b.get_ref())
                .unwrap_or(due.by.get_ref());
            let (tail_zh, tail_en) = match special {
                Some((p, _)) => (
                    format!(
                        "（{}规定的时限{}）",
                        p.zh,
                        from_site
                            .map(|c| format!("，省份据网站标识码{c}判断"))
                            .unwrap_or_default()
                    ),
                    format!(
                        " ({}'s own deadline{})",
                        p.en,
                        from_site
                            .map(|c| format!("; province from the site ID code {c}"))
                            .unwrap_or_default()
                    ),
                ),
                None => (String::new(), String::new()),
            };
            let this_year = deadline(y, by).unwrap_or(self.as_of);
            let cycle = if self.as_of > this_year { y } else { y - 1 };
            let doc_year = match due.covers {
                Covers::Previous => cycle - 1,
                Covers::Current => cycle,
            };
            let dl = deadline(cycle, by).unwrap_or(self.as_of);
            let year_terms = [format!("{doc_year}年"), format!("{doc_year}年度")];
            let year_in = |t: &str| year_terms.iter().any(|yt| t.contains(yt.as_str()));
            let mut candidates: Vec<Hit<'a>> = hits
                .iter()
                .filter(|h| {
                    let t = h
                        .page
                        .map(|p| format!("{} {}", h.text, p.html_title))
                        .unwrap_or_else(|| h.text.clone());
                    year_in(&t)
                })
                .cloned()
                .collect();
            // A column's entries count too: "2025年度报告" need not repeat the rule's terms.
            for h in &live {
                for e in h.column.map(|c| c.entries.as_slice()).unwrap_or_default() {
                    if year_in(&e.title) && !candidates.iter().any(|c| c.url == e.url) {
                        candidates.push(self.entry_hit(e, &h.url));
                    }
                }
            }
            // A sitemap's lastmod is often the day the CMS regenerated the page: never a
            // publication date for a deadline.
            for c in &mut candidates {
                if c.date
                    .is_some_and(|d| d.source == crate::extract::DateSource::Sitemap)
                {
                    c.date = None;
                }
            }
            year_hits = candidates;
            let for_year: Vec<&Hit> = year_hits
                .iter()
                .filter(|h| h.live == Liveness::Live)
                .collect();
            if for_year.is_empty() {
                let unsure: Vec<&Hit> = year_hits
                    .iter()
                    .filter(|h| matches!(h.live, Liveness::Unverified(_)))
                    .collect();
                if let Some(Liveness::Unverified(why)) = unsure.first().map(|h| h.live) {
                    return self.finding(
                        r,
                        Status::Inconclusive,
                        Some(why),
                        Text::new(
                            format!("找到{doc_year}年度{name_zh}的链接，但无法访问：{}", why.label(false)),
                            format!("found a link to the {doc_year} {name_en} but could not fetch it: {}", why.label(true)),
                        ),
                        unsure.iter().map(|h| h.evidence()).collect(),
                    );
                }
                if let Some(h) = year_hits.iter().find(|h| h.live == Liveness::Dead) {
                    let mut f = self.finding(
                        r,
                        Status::Gap,
                        Some(Reason::Broken),
                        Text::new(
                            format!("{doc_year}年度{name_zh}的链接无法访问：{}", h.text),
                            format!("the link to the {doc_year} {name_en} is dead: {}", h.text),
                        ),
                        vec![h.evidence()],
                    );
                    Self::deduct(r, &mut f, None);
                    return f;
                }
                return self.missing(
                    r,
                    Text::new(
                        format!(
                            "未找到{doc_year}年度{name_zh}（应于{}前公开）{tail_zh}",
                            fmt_date(dl, false)
                        ),
                        format!(
                            "no {name_en} for {doc_year} found (due by {}){tail_en}",
                            fmt_date(dl, true)
                        ),
                    ),
                    live.iter().map(|h| h.evidence()).collect(),
                );
            }
            let on_time = for_year
                .iter()
                .find(|h| h.date.is_none_or(|d| d.date <= dl));
            if on_time.is_none() {
                let h = for_year
                    .iter()
                    .min_by_key(|h| h.date.map(|d| d.date))
                    .copied()
                    .unwrap_or(for_year[0]);
                let d = h.date.map(|d| d.date).unwrap_or(self.as_of);
                let mut f = self.finding(
                    r,
                    Status::Gap,
                    Some(Reason::Late),
                    Text::new(
                        format!(
                            "{doc_year}年度{name_zh}发布于{}，晚于{}的公开时限{tail_zh}",
                            fmt_date(d, false),
                            fmt_date(dl, false)
                        ),
                        format!(
                            "the {doc_year} {name_en} was published on {}, after the {} deadline{tail_en}",
                            fmt_date(d, true),
                            fmt_date(dl, true)
                        ),
                    ),
                    for_year.iter().map(|h| h.evidence()).collect(),
                );
                Self::deduct(r, &mut f, None);
                return f;
            }
            pool = for_year;
        }

        // What must not be published, on every page found (a leak on any list counts).
        if !r.forbid.is_empty() {
            let mut pages: Vec<&PageFacts> = Vec::new();
            for h in &pool {
                let entries = h.column.map(|c| c.entries.as_slice()).unwrap_or_default();
                let candidates = h
                    .page
                    .into_iter()
                    .chain(entries.iter().filter_map(|e| self.site.page(&e.url)));
                for p in candidates.filter(|p| p.text.is_some()) {
                    if !pages.iter().any(|q| q.url == p.url) {
                        pages.push(p);
                    }
                }
            }
            let patterns: Vec<Option<regex::Regex>> = r
                .forbid
                .iter()
                .map(|f| {
                    f.pattern
                        .as_ref()
                        .and_then(|p| regex::Regex::new(p.get_ref()).ok())
                })
                .collect();
            let mut exposed: Vec<(&PageFacts, usize, String)> = Vec::new();
            for p in &pages {
                let text = p.text.as_deref().unwrap_or_default();
                for (i, f) in r.forbid.iter().enumerate() {
                    if let Some(m) =
                        crate::rules::forbid::first_match(text, f, patterns[i].as_ref())
                    {
                        exposed.push((p, i, m));
                    }
                }
            }
            let label = |i: usize, en: bool| {
                let f = &r.forbid[i];
                if en {
                    f.label_en.clone().unwrap_or_else(|| f.label.clone())
                } else {
                    f.label.clone()
                }
            };
            if let Some((p, i, m)) = exposed.first() {
                let ev = exposed
                    .iter()
                    .map(|(p, i, m)| Evidence {
                        url: Some(p.url.clone()),
                        text: Some(format!("{}: {m}", label(*i, false))),
                        date: p.pub_date.map(|d| d.date),
                        date_source: p.pub_date.map(|d| d.source),
                        http_status: Some(200),
                        ..Evidence::default()
                    })
                    .collect();
                let n = exposed.len();
                let more_zh = if n > 1 {
                    format!("等{n}个页面")
                } else {
                    String::new()
                };
                let more_en = if n > 1 {
                    format!(" and {} more pages", n - 1)
                } else {
                    String::new()
                };
                let mut f = self.finding(
                    r,
                    Status::Gap,
                    Some(Reason::Exposed),
                    Text::new(
                        format!("“{}”{more_zh}公开了{}（如{m}）", p.title, label(*i, false)),
                        format!(
                            "\"{}\"{more_en} shows {} (e.g. {m})",
                            p.title,
                            label(*i, true)
                        ),
                    ),
                    ev,
                );
                f.count = Some(n as u32);
                Self::deduct(r, &mut f, Some(n as u32));
                return f;
            }
            if forbid_only {
                let labels_zh: Vec<String> = (0..r.forbid.len()).map(|i| label(i, false)).collect();
                let labels_en: Vec<String> = (0..r.forbid.len()).map(|i| label(i, true)).collect();
                if pages.is_empty() {
                    return self.finding(
                        r,
                        Status::Inconclusive,
                        Some(Reason::NotCrawled),
                        Text::new(
                            format!("找到{name_zh}，但无法读取其内容以核查"),
                            format!("found {name_en} but could not read it to check"),
                        ),
                        pool.iter().map(|h| h.evidence()).collect(),
                    );
                }
                return self.finding(
                    r,
                    Status::Pass,
                    None,
                    Text::new(
                        format!(
                            "核查了{}个页面，未发现{}",
                            pages.len(),
                            labels_zh.join("、")
                        ),
                        format!(
                            "checked {} pages, no {} found",
                            pages.len(),
                            labels_en.join(", ")
                        ),
                    ),
                    pages
                        .iter()
                        .map(|p| Evidence {
                            url: Some(p.url.clone()),
                            text: Some(p.title.clone()),
                            ..Evidence::default()
                        })
                        .collect(),
                );
            }
        }

        // Required elements, judged on the best document found.
        if !r.require.is_empty() {
            let mut docs: Vec<(&Hit, &PageFacts)> = Vec::new();
            for h in &pool {
                if let Some(p) = h.page.filter(|p| p.text.is_some()) {
                    docs.push((h, p));
                }
                if let Some(c) = h.column {
                    for e in &c.entries {
                        if let Some(p) = self.site.page(&e.url).filter(|p| p.text.is_some()) {
                            docs.push((h, p));
                        }
                    }
                }
            }
            if docs.is_empty() {
                let f = self.finding(
                    r,
                    Status::Inconclusive,
                    Some(Reason::NotCrawled),
                    Text::new(
                        format!("找到{name_zh}，但无法读取其内容以核验要素"),
                        format!("found {name_en} but could not read it to check its contents"),
                    ),
                    pool.iter().map(|h| h.evidence()).collect(),
                );
                return f;
            }
            let missing_in = |p: &PageFacts| -> Vec<usize> {
                r.require
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| {
                        let text = p.text.as_deref().unwrap_or_default();
                        let by_text = q.any.iter().any(|t| text.contains(t.as_str()));
                        let by_phone = q.phone.iter().any(|l| {
                            p.phones.iter().any(|ph| {
                                ph.label.as_deref().unwrap_or_default().contains(l.as_str())
                            })
                        });
                        !(by_text || by_phone)
                    })
                    .map(|(i, _)| i)
                    .collect()
            };
            let best = docs
                .iter()
                .map(|(h, p)| (missing_in(p), *h, *p))
                .min_by_key(|(m, _, p)| (m.len(), std::cmp::Reverse(p.pub_date.map(|d| d.date))))
                .expect("docs is not empty");
            let (missing, _, page) = best;
            let ev = Evidence::of_page(page, page.pub_date);
            if !missing.is_empty() {
                let zh: Vec<&str> = missing
                    .iter()
                    .map(|&i| r.require[i].label.as_str())
                    .collect();
                let en: Vec<String> = missing
                    .iter()
                    .map(|&i| {
                        r.require[i]
                            .label_en
                            .clone()
                            .unwrap_or_else(|| r.require[i].label.clone())
                    })
                    .collect();
                let mut f = self.finding(
                    r,
                    Status::Gap,
                    Some(Reason::Incomplete),
                    Text::new(
                        format!("“{}”缺少：{}", page.title, zh.join("、")),
                        format!("\"{}\" lacks: {}", page.title, en.join(", ")),
                    ),
                    vec![ev],
                );
                f.count = Some(missing.len() as u32);
                Self::deduct(r, &mut f, Some(missing.len() as u32));
                return f;
            }
            if r.max_age.is_none() {
                return self.finding(
                    r,
                    Status::Pass,
                    None,
                    Text::new(
                        format!("已找到“{}”，要素齐全", page.title),
                        format!("found \"{}\" with every required element", page.title),
                    ),
                    vec![ev],
                );
            }
        }

        // Freshness of what was found.
        // On a tie, the page itself rather than its attachment.
        let newest = pool
            .iter()
            .filter_map(|h| h.date.map(|d| (d, *h)))
            .max_by_key(|(d, h)| (d.date, h.page.is_some()));
        if let Some(age) = r.max_age {
            let oldest = age.oldest_fresh(self.as_of);
            let stale = newest.is_none_or(|(d, _)| d.date < oldest);
            if stale {
                let msg = match newest {
                    Some((d, _)) => Text::new(
                        format!(
                            "{name_zh}最新信息发布于{}，已超过{}未更新",
                            fmt_date(d.date, false),
                            age.describe(false)
                        ),
                        format!(
                            "the newest {name_en} is from {}, older than {}",
                            fmt_date(d.date, true),
                            age.describe(true)
                        ),
                    ),
                    None => Text::new(
                        format!("{name_zh}无可见发布日期，视为未更新"),
                        format!("{name_en} shows no publish date, which counts as not updated"),
                    ),
                };
                let mut f = self.finding(
                    r,
                    Status::Gap,
                    Some(Reason::Stale),
                    msg,
                    pool.iter().map(|h| h.evidence()).collect(),
                );
                Self::deduct(r, &mut f, None);
                return f;
            }
        }
        let first = newest.map(|(_, h)| h).unwrap_or(pool[0]);
        let when = first
            .date
            .map(|d| format!("（{}，{}）", fmt_date(d.date, false), d.source.label(false)))
            .unwrap_or_default();
        let when_en = first
            .date
            .map(|d| format!(" ({}, {})", fmt_date(d.date, true), d.source.label(true)))
            .unwrap_or_default();
        let mut ev: Vec<Evidence> = vec![first.evidence()];
        ev.extend(
            pool.iter()
                .filter(|h| h.url != first.url)
                .map(|h| h.evidence()),
        );
        self.finding(
            r,
            Status::Pass,
            None,
            Text::new(
                format!("已找到“{}”{when}", first.text),
                format!("found \"{}\"{when_en}", first.text),
            ),
            ev,
        )
    }

    fn column_age(&self, c: &Column, class: &ColumnClass, rule_age: Option<Age>) -> Option<Age> {
        rule_age
            .or(class.max_age)
            .filter(|_| c.state != ColumnState::JsOnly)
    }

    /// Columns of the given classes that are stale, and those we could not judge. Shared
    /// columns (a parent government's feed) are not the bureau's to update: left out.
    fn stale_of(&self, classes: &[&str], rule_age: Option<Age>) -> StaleScan<'a> {
        let mut stale = Vec::new();
        let mut unjudged = Vec::new();
        let mut total = 0;
        for c in self.site.columns.iter().filter(|c| c.shared.is_none()) {
            let Some(class) = self.pack.classify(&c.name) else {
                continue;
            };
            if !classes.contains(&class.id.as_str()) {
                continue;
            }
            total += 1;
            if c.state == ColumnState::JsOnly {
                unjudged.push(c);
                continue;
            }
            let Some(age) = self.column_age(c, class, rule_age) else {
                continue;
            };
            // No visible date counts as not updated (2015 普查 note, still applied in 2019).
            if c.newest
                .is_none_or(|d| d.date < age.oldest_fresh(self.as_of))
            {
                stale.push((c, class, age));
            }
        }
        (stale, unjudged, total)
    }

    fn column_evidence(c: &Column) -> Evidence {
        Evidence {
            url: Some(c.url.clone()),
            text: Some(c.name.clone()),
            date: c.newest.map(|d| d.date),
            date_source: c.newest.map(|d| d.source),
            ..Evidence::default()
        }
    }

    fn describe_stale(&self, stale: &[(&Column, &ColumnClass, Age)], en: bool) -> String {
        stale
            .iter()
            .map(|(c, _, age)| match (c.newest, en) {
                (Some(d), false) => format!(
                    "“{}”最新信息发布于{}，已超过{}未更新",
                    c.name,
                    fmt_date(d.date, false),
                    age.describe(false)
                ),
                (Some(d), true) => format!(
                    "\"{}\" last updated {}, over {} ago",
                    c.name,
                    fmt_date(d.date, true),
                    age.describe(true)
                ),
                (None, false) => format!("“{}”无内容或无可见发布日期", c.name),
                (None, true) => format!("\"{}\" has no entries or no visible dates", c.name),
            })
            .collect::<Vec<_>>()
            .join(if en { "; " } else { "；" })
    }

    fn column(&self, r: &Rule) -> Finding {
        let class_id = r
            .class
            .as_ref()
            .map(|c| c.get_ref().as_str())
            .unwrap_or_default();
        let class = self.pack.class(class_id);
        let class_name = class.map(|c| c.name.clone()).unwrap_or_default();
        let class_en = class
            .and_then(|c| c.name_en.clone())
            .unwrap_or_else(|| class_name.clone());
        let (stale, unjudged, total) = self.stale_of(&[class_id], r.max_age);
        if !stale.is_empty() {
            let mut f = self.finding(
                r,
                Status::Gap,
                Some(Reason::Stale),
                Text::new(
                    self.describe_stale(&stale, false),
                    self.describe_stale(&stale, true),
                ),
                stale
                    .iter()
                    .map(|(c, _, _)| Self::column_evidence(c))
                    .collect(),
            );
            f.count = Some(stale.len() as u32);
            Self::deduct(r, &mut f, Some(stale.len() as u32));
            return f;
        }
        // Shared columns of the class are shown, never scored.
        let shared: Vec<&Column> = self
            .site
            .columns
            .iter()
            .filter(|c| {
                c.shared.is_some()
                    && self
                        .pack
                        .classify(&c.name)
                        .is_some_and(|k| k.id == class_id)
            })
            .collect();
        let shared_zh: String = shared
            .iter()
            .map(|c| {
                format!(
                    "；“{}”为共享栏目（条目均链接至{}），不计入本单位更新考核",
                    c.name,
                    c.shared.as_deref().unwrap_or_default()
                )
            })
            .collect();
        let shared_en: String = shared
            .iter()
            .map(|c| {
                format!(
                    "; \"{}\" is a shared column (every entry links to {}), not scored",
                    c.name,
                    c.shared.as_deref().unwrap_or_default()
                )
            })
            .collect();
        let shared_ev = || shared.iter().map(|c| Self::column_evidence(c));
        if total == 0 {
            return self.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotApplicable),
                if shared.is_empty() {
                    Text::new(
                        format!("未发现{class_name}栏目"),
                        format!("no {class_en} column found"),
                    )
                } else {
                    Text::new(
                        format!("未发现本单位的{class_name}栏目{shared_zh}"),
                        format!("no {class_en} column of the bureau's own found{shared_en}"),
                    )
                },
                shared_ev().collect(),
            );
        }
        if unjudged.len() == total {
            return self.finding(
                r,
                Status::Inconclusive,
                Some(Reason::JsOnly),
                Text::new(
                    format!("{class_name}栏目列表由脚本生成，无法判断更新情况"),
                    format!("the {class_en} list is drawn by script; freshness unknown"),
                ),
                unjudged.iter().map(|c| Self::column_evidence(c)).collect(),
            );
        }
        let judged: Vec<&Column> = self
            .site
            .columns
            .iter()
            .filter(|c| {
                self.pack
                    .classify(&c.name)
                    .is_some_and(|k| k.id == class_id)
                    && c.state != ColumnState::JsOnly
                    && c.shared.is_none()
            })
            .collect();
        let names: Vec<String> = judged
            .iter()
            .map(|c| match c.newest {
                Some(d) => format!("“{}”最新{}", c.name, fmt_date(d.date, false)),
                None => format!("“{}”", c.name),
            })
            .collect();
        let names_en: Vec<String> = judged
            .iter()
            .map(|c| match c.newest {
                Some(d) => format!("\"{}\" newest {}", c.name, d.date),
                None => format!("\"{}\"", c.name),
            })
            .collect();
        self.finding(
            r,
            Status::Pass,
            None,
            Text::new(
                format!("按时更新：{}{shared_zh}", names.join("；")),
                format!("up to date: {}{shared_en}", names_en.join("; ")),
            ),
            judged
                .iter()
                .map(|c| Self::column_evidence(c))
                .chain(shared_ev())
                .collect(),
        )
    }

    fn stale_columns(&self, r: &Rule) -> Finding {
        let classes: Vec<&str> = r.classes.iter().map(|c| c.get_ref().as_str()).collect();
        let (stale, _, _) = self.stale_of(&classes, r.max_age);
        let n = stale.len() as u32;
        let threshold = r.threshold.unwrap_or(1);
        let ev = stale
            .iter()
            .map(|(c, _, _)| Self::column_evidence(c))
            .collect();
        let gap = Text::new(
            format!(
                "{n}个栏目未按要求更新（达到{threshold}个即否决）：{}",
                self.describe_stale(&stale, false)
            ),
            format!(
                "{n} columns not updated (veto at {threshold}): {}",
                self.describe_stale(&stale, true)
            ),
        );
        let pass = Text::new(
            format!("未按要求更新的栏目{n}个，低于{threshold}个"),
            format!("{n} stale columns, below {threshold}"),
        );
        self.counted(r, n, Reason::Stale, gap, pass, ev)
    }

    fn blank_columns(&self, r: &Rule) -> Finding {
        let mut ev: Vec<Evidence> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for c in self
            .site
            .columns
            .iter()
            .filter(|c| c.state == ColumnState::Empty)
        {
            names.push(c.name.clone());
            ev.push(Evidence {
                url: Some(c.url.clone()),
                text: Some(
                    c.empty_marker
                        .clone()
                        .map(|m| format!("{}（{m}）", c.name))
                        .unwrap_or_else(|| c.name.clone()),
                ),
                ..Evidence::default()
            });
        }
        for s in &self.site.stub_columns {
            if !names.contains(s) {
                names.push(s.clone());
                ev.push(Evidence {
                    text: Some(format!("{s}（正在建设中）")),
                    ..Evidence::default()
                });
            }
        }
        let n = names.len() as u32;
        let threshold = r.threshold.unwrap_or(1);
        let gap = Text::new(
            format!("空白栏目{n}个：{}", names.join("、")),
            format!("{n} blank columns: {}", names.join(", ")),
        );
        let pass = Text::new(
            format!("空白栏目{n}个，低于{threshold}个"),
            format!("{n} blank columns, below {threshold}"),
        );
        self.counted(r, n, Reason::Empty, gap, pass, ev)
    }

    /// An aggregate rule: a gap when the count reaches the rule's threshold, a pass otherwise;
    /// per-item deductions follow the count.
    fn counted(
        &self,
        r: &Rule,
        n: u32,
        reason: Reason,
        gap: Text,
        pass: Text,
        ev: Vec<Evidence>,
    ) -> Finding {
        let mut f = if n >= r.threshold.unwrap_or(1) {
            self.finding(r, Status::Gap, Some(reason), gap, ev)
        } else {
            self.finding(r, Status::Pass, None, pass, ev)
        };
        f.count = Some(n);
        Self::deduct(r, &mut f, Some(n));
        f
    }

    fn dead_links(&self, r: &Rule) -> Finding {
        let dead: Vec<_> = self
            .site
            .dead_links()
            .filter(|(l, _)| match r.links {
                LinkScope::Home => l.from_home,
                LinkScope::Other => !l.from_home,
                LinkScope::All => true,
            })
            .collect();
        let n = dead.len() as u32;
        let ev: Vec<Evidence> = dead
            .iter()
            .map(|(l, c)| Evidence {
                url: Some(l.url.clone()),
                text: l.texts.first().cloned(),
                http_status: c.status,
                found_on: self.site.found_on(l).cloned(),
                ..Evidence::default()
            })
            .collect();
        let checked = self
            .site
            .checks
            .values()
            .filter(|c| !c.outcome.is_skipped())
            .count();
        let statuses: std::collections::BTreeSet<String> = dead
            .iter()
            .filter_map(|(_, c)| c.status.map(|s| s.to_string()))
            .collect();
        let statuses: Vec<String> = statuses.into_iter().collect();
        let gap = Text::new(
            format!("发现{n}个无法访问的链接（HTTP {}）", statuses.join("、")),
            format!("{n} dead links (HTTP {})", statuses.join(", ")),
        );
        let pass = Text::new(
            format!("检查了{checked}个链接，未发现无法访问的链接"),
            format!("checked {checked} links, none dead"),
        );
        self.counted(r, n, Reason::Broken, gap, pass, ev)
    }

    fn home_fresh(&self, r: &Rule) -> Finding {
        let age = r.max_age.unwrap_or(Age {
            amount: 14,
            unit: crate::rules::model::AgeUnit::Days,
        });
        // A home page that is only a navigation hub is judged by its second-level pages.
        let (newest, hub) = match self.site.home_newest() {
            Some(d) => (Some(d), false),
            None => (
                self.site
                    .columns
                    .iter()
                    .filter_map(|c| c.newest.map(|d| d.date))
                    .max(),
                true,
            ),
        };
        let Some(home) = self
            .site
            .pages
            .iter()
            .zip(&self.homes)
            .find_map(|(p, &h)| h.then_some(p))
        else {
            return self.finding(
                r,
                Status::Inconclusive,
                Some(Reason::Unreachable),
                Text::new("首页无法获取", "the home page could not be fetched"),
                Vec::new(),
            );
        };
        let ev = vec![Evidence {
            url: Some(home.url.clone()),
            date: newest,
            ..Evidence::default()
        }];
        let where_zh = if hub {
            "首页为导航页，二级栏目"
        } else {
            "首页"
        };
        let where_en = if hub {
            "the home page is a hub; its columns'"
        } else {
            "the home page's"
        };
        let mut f = match newest {
            Some(d) if d >= age.oldest_fresh(self.as_of) => self.finding(
                r,
                Status::Pass,
                None,
                Text::new(
                    format!("{where_zh}最新信息发布于{}", fmt_date(d, false)),
                    format!("{where_en} newest item is from {}", fmt_date(d, true)),
                ),
                ev,
            ),
            Some(d) => self.finding(
                r,
                Status::Gap,
                Some(Reason::Stale),
                Text::new(
                    format!(
                        "{where_zh}最新信息发布于{}，已超过{}未更新",
                        fmt_date(d, false),
                        age.describe(false)
                    ),
                    format!(
                        "{where_en} newest item is from {}, older than {}",
                        fmt_date(d, true),
                        age.describe(true)
                    ),
                ),
                ev,
            ),
            // Not one dated item anywhere on the site is far likelier to be lists drawn by script
            // than a site without dates: do not turn our blind spot into a veto.
            None => self.finding(
                r,
                Status::Inconclusive,
                Some(Reason::JsOnly),
                Text::new(
                    "首页及各栏目均未识别到带日期的信息（可能由脚本生成），无法判断更新情况",
                    "no dated item was recognised on the home page or in any column (lists may be drawn by script); freshness unknown",
                ),
                ev,
            ),
        };
        Self::deduct(r, &mut f, None);
        f
    }

    fn phone(&self, r: &Rule) -> Finding {
        let content = self
            .site
            .pages
            .iter()
            .flat_map(|p| p.phones.iter().map(move |ph| (ph, &p.url)));
        let furniture = self.site.furniture_phones.iter().map(|(ph, u)| (ph, u));
        let find = Terms::new(&r.find);
        for (ph, url) in content.chain(furniture) {
            {
                if let Some(label) = ph.label.as_deref().filter(|l| find.any_in(l)) {
                    return self.finding(
                        r,
                        Status::Pass,
                        None,
                        Text::new(
                            format!("{label}：{}", ph.number),
                            format!("{label}: {}", ph.number),
                        ),
                        vec![Evidence {
                            url: Some(url.clone()),
                            text: Some(format!("{label} {}", ph.number)),
                            http_status: Some(200),
                            ..Evidence::default()
                        }],
                    );
                }
            }
        }
        self.missing(
            r,
            Text::new(
                format!("在{}个页面中未找到{}", self.site.pages.len(), r.name),
                format!(
                    "no {} on any of {} pages",
                    Self::name(r, true),
                    self.site.pages.len()
                ),
            ),
            Vec::new(),
        )
    }
}

/// Applies waivers to a site's findings. A gap under a waiver in force keeps its status and
/// evidence, says why it is excused, and deducts nothing; under an expired one it counts again and
/// the report says the waiver ran out.
pub fn apply_waivers(
    findings: &mut [Finding],
    waivers: &[crate::rules::waiver::Waiver],
    start: &str,
    as_of: jiff::civil::Date,
) {
    for f in findings.iter_mut().filter(|f| f.status == Status::Gap) {
        let mine = waivers.iter().filter(|w| {
            w.rule == f.rule_id && w.site.as_deref().is_none_or(|s| start.starts_with(s))
        });
        // The one in force, else the latest that expired.
        let Some(w) = mine.max_by_key(|w| (w.applies(start, as_of), w.expires)) else {
            continue;
        };
        let expired = !w.applies(start, as_of);
        if expired {
            f.message
                .zh
                .push_str(&format!("（豁免已于{}到期：{}）", w.expires, w.reason));
            f.message
                .en
                .push_str(&format!(" (waiver expired on {}: {})", w.expires, w.reason));
        } else {
            f.deduction = 0.0;
            f.message
                .zh
                .push_str(&format!("（已豁免至{}：{}）", w.expires, w.reason));
            f.message
                .en
                .push_str(&format!(" (waived until {}: {})", w.expires, w.reason));
        }
        f.waiver = Some(WaiverNote {
            reason: w.reason.clone(),
            expires: w.expires,
            expired,
        });
    }
}
