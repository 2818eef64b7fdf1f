//! The auditor: evaluates every rule of a pack against the site model, one finding per rule.
//! Nothing here fetches; everything is judged relative to the as-of date.

pub mod checks;
pub mod facts;
pub mod finding;
mod index;
pub mod messages;
pub mod plan;
pub mod score;
pub mod unit;

use std::collections::HashSet;

use jiff::civil::Date;
use url::Url;

pub use facts::Fact;
pub use finding::{Evidence, Finding, Reason, Stake, Status, Text, WaiverNote};
pub use score::{Cause, Score, ScoreEnd, Unjudged, score};

use crate::crawl::Outcome;
use crate::extract::{DatedBy, PageFacts, PageKind};
use crate::rules::{Age, ColumnClass, Rule, RulePack, Where};
use crate::site::{Column, ColumnState, Entry, SiteModel, column_key};
use checks::Terms;
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

/// Evaluates every rule of `pack` on `site` as of `as_of`, for the body the site shows.
pub fn audit(site: &SiteModel, pack: &RulePack, as_of: Date) -> Vec<Finding> {
    let unit = unit::profile(site, None, pack.province);
    audit_unit(site, pack, as_of, &unit)
}

/// Evaluates every rule of `pack` on `site` as of `as_of`, for the body `unit` describes.
pub fn audit_unit(
    site: &SiteModel,
    pack: &RulePack,
    as_of: Date,
    unit: &crate::rules::unit::UnitProfile,
) -> Vec<Finding> {
    let ctx = Ctx {
        site,
        pack,
        as_of,
        unit,
        homes: site.pages.iter().map(|p| site.is_home(&p.url)).collect(),
        index: TermIndex::build(site, &pack.rules),
    };
    evaluate_all(&ctx, &pack.rules)
}

/// Every rule's finding, in the pack's order. Rules are independent and the crawl is over by
/// now, so rayon shares them out among the machine's cores (their costs differ too much for
/// fixed shares; rayon steals work).
fn evaluate_all(ctx: &Ctx<'_>, rules: &[Rule]) -> Vec<Finding> {
    use rayon::prelude::*;
    rules.par_iter().map(|r| ctx.evaluate(r)).collect()
}

/// Stale columns with their class and limit, columns that could not be judged, and how many
/// columns of the classes exist.
type StaleScan<'a> = (
    Vec<(&'a Column, &'a ColumnClass, Age)>,
    Vec<&'a Column>,
    usize,
);

pub(crate) struct Ctx<'a> {
    site: &'a SiteModel,
    pack: &'a RulePack,
    as_of: Date,
    /// The audited body: its kind, level and province decide deadlines and applicability.
    unit: &'a crate::rules::unit::UnitProfile,
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
        fact: Fact,
        evidence: Vec<Evidence>,
    ) -> Finding {
        // "Nothing here to judge" (no column of the class, no report, no list) proves the rule
        // does not apply only when the crawl saw everything; otherwise what it looks for may sit
        // on a page that could not be fetched, and the rule stakes its points like any other.
        let (reason, fact) = match (reason, self.unverified_cause()) {
            (Some(Reason::NotApplicable), Some((why, n))) => (
                Some(why),
                Fact::Unconfirmed {
                    inner: Box::new(fact),
                    pages: u32::try_from(n).unwrap_or(u32::MAX),
                    why,
                },
            ),
            _ => (reason, fact),
        };
        let name = Text::new(
            r.name.clone(),
            r.name_en.clone().unwrap_or_else(|| r.name.clone()),
        );
        Finding {
            rule_id: r.id.get_ref().clone(),
            message: messages::message(&fact, &name, None),
            facts: Some(fact),
            name,
            basis: Text::new(
                r.basis.clone(),
                r.basis_en.clone().unwrap_or_else(|| r.basis.clone()),
            ),
            severity: r.severity,
            status,
            reason,
            deduction: 0.0,
            count: None,
            evidence: evidence.into_iter().take(MAX_EVIDENCE).collect(),
            remedy: Text::new(
                r.remedy.clone(),
                r.remedy_en.clone().unwrap_or_else(|| r.remedy.clone()),
            ),
            waiver: None,
            at_stake: (status == Status::Inconclusive && reason != Some(Reason::NotApplicable))
                .then(|| stake(r, self.pack.scoring.base)),
        }
    }

    /// A gap with its deduction; `count` is the number of items behind it for per-item points.
    fn gap(
        &self,
        r: &Rule,
        reason: Reason,
        fact: Fact,
        evidence: Vec<Evidence>,
        count: Option<u32>,
    ) -> Finding {
        let mut f = self.finding(r, Status::Gap, Some(reason), fact, evidence);
        f.count = count;
        Self::deduct(r, &mut f, count);
        f
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
        // Points may be written as large as a float goes: per-item points times a count, or
        // the rounding, would overflow to infinity, which JSON cannot carry (it writes null).
        let d = raw.min(cap).min(f64::MAX);
        let rounded = (d * 100.0).round() / 100.0;
        f.deduction = if rounded.is_finite() { rounded } else { d };
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
    fn missing(&self, r: &Rule, fact: Fact, evidence: Vec<Evidence>) -> Finding {
        // A page or column drawn by script that could not be read may hold it: never a gap.
        let drawn = self
            .site
            .columns
            .iter()
            .filter(|c| c.state == ColumnState::JsOnly && c.shared.is_none())
            .count()
            + self.site.pages.iter().filter(|p| p.shell).count();
        let unverified = self
            .unverified_cause()
            .or((drawn > 0).then_some((Reason::JsOnly, drawn)));
        if let Some((why, n)) = unverified {
            let fact = Fact::Unconfirmed {
                inner: Box::new(fact),
                pages: u32::try_from(n).unwrap_or(u32::MAX),
                why,
            };
            return self.finding(r, Status::Inconclusive, Some(why), fact, evidence);
        }
        let mut f = self.finding(r, Status::Gap, Some(Reason::Missing), fact, evidence);
        Self::deduct(r, &mut f, None);
        f
    }

    fn evaluate(&self, r: &Rule) -> Finding {
        // Not the site's gap, nor a pass: the requirement is not this body's.
        if let Some((unit, applies_to)) = r
            .applies
            .as_ref()
            .and_then(|a| a.get_ref().excludes(self.unit))
        {
            return self.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotApplicable),
                Fact::NotForUnit { unit, applies_to },
                Vec::new(),
            );
        }
        r.check.evaluate(r, self)
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
    fn hits(&self, r: &Rule, find: &Terms, wheres: Option<&[Where]>) -> Vec<Hit<'a>> {
        let wheres = wheres.unwrap_or(&[Where::Column, Where::Title, Where::Link]);
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

    /// The stale columns as facts.
    fn stale_facts(stale: &[(&Column, &ColumnClass, Age)]) -> Vec<facts::ColumnAge> {
        stale
            .iter()
            .map(|(c, _, limit)| facts::ColumnAge {
                name: c.name.clone(),
                newest: c.newest.map(|d| d.date),
                limit: *limit,
            })
            .collect()
    }

    /// A count of columns below its threshold is a pass only when the pages the crawl could not
    /// fetch could not have made up the difference (each could be one more column): otherwise
    /// the rule could not be judged, with the fetch cause.
    fn count_unconfirmed(
        &self,
        r: &Rule,
        n: u32,
        threshold: u32,
        pass: Fact,
        ev: Vec<Evidence>,
    ) -> Option<Finding> {
        if n >= threshold {
            return None;
        }
        let (why, unseen) = self.unverified_cause()?;
        if (n as usize).saturating_add(unseen) < threshold as usize {
            return None;
        }
        let fact = Fact::Unconfirmed {
            inner: Box::new(pass),
            pages: u32::try_from(unseen).unwrap_or(u32::MAX),
            why,
        };
        Some(self.finding(r, Status::Inconclusive, Some(why), fact, ev))
    }

    /// An aggregate rule: a gap when the count reaches the rule's threshold, a pass otherwise;
    /// per-item deductions follow the count.
    #[allow(clippy::too_many_arguments)]
    fn counted(
        &self,
        r: &Rule,
        n: u32,
        threshold: u32,
        reason: Reason,
        gap: Fact,
        pass: Fact,
        ev: Vec<Evidence>,
    ) -> Finding {
        if n >= threshold {
            return self.gap(r, reason, gap, ev, Some(n));
        }
        let mut f = self.finding(r, Status::Pass, None, pass, ev);
        f.count = Some(n);
        f
    }
}

/// What rule `r` would cost were it a gap it could not be judged for: a veto for a veto rule;
/// otherwise its flat points, or for a per-item rule (whose count is unknown) its cap, else its
/// `deduct`, else the whole base; never more than the base. The same caps as [`Ctx::deduct`].
pub fn stake(r: &Rule, base: f64) -> Stake {
    if r.severity == crate::rules::Severity::Veto {
        return Stake {
            points: 0.0,
            veto: true,
        };
    }
    let points = if r.per_item.is_some() {
        r.cap
            .unwrap_or(if r.deduct > 0.0 { r.deduct } else { base })
    } else {
        r.deduct.min(r.cap.unwrap_or(r.deduct))
    };
    Stake {
        points: points.min(base).max(0.0),
        veto: false,
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
    for f in findings
        .iter_mut()
        .filter(|f| f.status == Status::Gap || f.at_stake.is_some())
    {
        let mine = waivers.iter().filter(|w| {
            w.rule == f.rule_id && w.site.as_deref().is_none_or(|s| start.starts_with(s))
        });
        // The one in force, else the latest that expired.
        let Some(w) = mine.max_by_key(|w| (w.applies(start, as_of), w.expires)) else {
            continue;
        };
        let expired = !w.applies(start, as_of);
        if !expired {
            f.deduction = 0.0;
            // Were the rule a gap, the waiver would excuse it: judged or not, it costs nothing.
            if let Some(st) = &mut f.at_stake {
                *st = Stake {
                    points: 0.0,
                    veto: false,
                };
            }
        }
        f.waiver = Some(WaiverNote {
            reason: w.reason.clone(),
            expires: w.expires,
            expired,
        });
        if let Some(fact) = &f.facts {
            f.message = messages::message(fact, &f.name, f.waiver.as_ref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rules of a `blank_columns` kind with the given header points, by id.
    fn rules(points: &[(&str, &str)]) -> Vec<Rule> {
        let mut text = String::from(
            "[pack]\nid = \"t\"\nname = \"t\"\n[scoring]\nbase = 100.0\n\
             veto_grade = { zh = \"否决\", en = \"fail\", pass = false }\n\
             [[scoring.grade]]\nmin = 0.0\nzh = \"合格\"\nen = \"pass\"\npass = true\n",
        );
        for (id, keys) in points {
            text.push_str(&format!(
                "[[rule]]\nid = \"{id}\"\ncheck = \"blank_columns\"\nthreshold = 1\nname = \"n\"\n\
                 basis = \"b\"\nremedy = \"r\"\n{keys}\n"
            ));
        }
        crate::rules::load_str("t.toml", &text)
            .expect("the test pack loads")
            .rules
    }

    fn gap(r: &Rule) -> Finding {
        Finding {
            rule_id: r.id.get_ref().clone(),
            name: Text::new("", ""),
            basis: Text::new("", ""),
            severity: r.severity,
            status: Status::Gap,
            reason: Some(Reason::Empty),
            deduction: 0.0,
            count: None,
            facts: None,
            message: Text::new("", ""),
            evidence: Vec::new(),
            remedy: Text::new("", ""),
            waiver: None,
            at_stake: None,
        }
    }

    /// The deduction of each rule for a gap of `items` counted things.
    fn deductions(points: &[(&str, &str)], items: Option<u32>) -> Vec<f64> {
        rules(points)
            .iter()
            .map(|r| {
                let mut f = gap(r);
                Ctx::deduct(r, &mut f, items);
                f.deduction
            })
            .collect()
    }

    #[test]
    fn a_gap_deducts_the_rules_points_or_per_item_points_up_to_the_cap() {
        let points = [
            ("FLAT", "severity = \"major\"\ndeduct = 5.0"),
            // Per item, capped by `deduct` when there is no `cap`.
            ("PER", "severity = \"minor\"\ndeduct = 2.0\nper_item = 0.5"),
            ("CAP", "severity = \"minor\"\nper_item = 0.5\ncap = 1.2"),
            // No deduct and no cap: per-item points are not capped.
            ("OPEN", "severity = \"minor\"\nper_item = 0.25"),
            ("ADVICE", "severity = \"advisory\""),
        ];
        assert_eq!(deductions(&points, Some(3)), [5.0, 1.5, 1.2, 0.75, 0.0]);
        assert_eq!(deductions(&points, Some(100)), [5.0, 2.0, 1.2, 25.0, 0.0]);
        // A rule that counts nothing deducts its flat points.
        assert_eq!(deductions(&points, None), [5.0, 2.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn a_rule_that_could_not_be_judged_stakes_what_its_gap_would_cost_at_most() {
        let points = [
            ("FLAT", "severity = \"major\"\ndeduct = 5.0"),
            ("PER", "severity = \"minor\"\ndeduct = 2.0\nper_item = 0.5"),
            ("CAP", "severity = \"minor\"\nper_item = 0.5\ncap = 1.2"),
            // Per item with neither cap nor deduct: the count is unknown, so the whole base.
            ("OPEN", "severity = \"minor\"\nper_item = 0.25"),
            ("ADVICE", "severity = \"advisory\""),
            ("VETO", "severity = \"veto\"\ndeduct = 10.0"),
        ];
        let stakes: Vec<(f64, bool)> = rules(&points)
            .iter()
            .map(|r| {
                let s = stake(r, 100.0);
                (s.points, s.veto)
            })
            .collect();
        assert_eq!(
            stakes,
            [
                (5.0, false),
                (2.0, false),
                (1.2, false),
                (100.0, false),
                (0.0, false),
                (0.0, true)
            ]
        );
        // The stake is the most its gap could deduct, for any count.
        for r in rules(&points)
            .iter()
            .filter(|r| r.severity != crate::rules::Severity::Veto)
        {
            let most = [None, Some(1), Some(1000)]
                .into_iter()
                .map(|n| {
                    let mut f = gap(r);
                    Ctx::deduct(r, &mut f, n);
                    f.deduction.min(100.0)
                })
                .fold(0.0, f64::max);
            assert!(stake(r, 100.0).points >= most, "{}", r.id.get_ref());
        }
    }

    #[test]
    fn deductions_are_rounded_to_cents_and_stay_finite() {
        let points = [
            ("THIRD", "severity = \"minor\"\nper_item = 0.333"),
            (
                "HUGE",
                "severity = \"minor\"\nper_item = 1.7976931348623157e308",
            ),
        ];
        let d = deductions(&points, Some(2));
        assert_eq!(d[0], 0.67);
        assert_eq!(d[1], f64::MAX);
    }

    #[test]
    fn a_veto_and_anything_but_a_gap_deduct_nothing() {
        let r = &rules(&[("VETO", "severity = \"veto\"\ndeduct = 10.0")])[0];
        let mut f = gap(r);
        Ctx::deduct(r, &mut f, Some(4));
        assert_eq!(f.deduction, 0.0);
        let r = &rules(&[("MAJOR", "severity = \"major\"\ndeduct = 10.0")])[0];
        for status in [Status::Pass, Status::Inconclusive] {
            let mut f = gap(r);
            f.status = status;
            Ctx::deduct(r, &mut f, Some(4));
            assert_eq!(f.deduction, 0.0, "{status:?}");
        }
    }

    #[test]
    fn a_leap_day_deadline_is_the_last_of_february_in_common_years() {
        assert_eq!(
            deadline(2024, "02-29"),
            Some(jiff::civil::date(2024, 2, 29))
        );
        assert_eq!(
            deadline(2026, "02-29"),
            Some(jiff::civil::date(2026, 2, 28))
        );
        assert_eq!(
            deadline(2026, "01-31"),
            Some(jiff::civil::date(2026, 1, 31))
        );
        assert_eq!(deadline(2026, "13-01"), None);
    }
}
