//! `check = "document"` (the default): a required document or column. Judged in steps, each of
//! which may settle the finding: **find** (is it there and alive), **due** (the document for the
//! due year, on time), **forbid** (nothing it must not show), **require** (its required
//! elements), **freshness** (its newest entry within `max_age`).

use std::ops::ControlFlow;

use serde::Deserialize;

use super::{CheckKind, Invalid, Terms, Validation};
use crate::audit::facts::{Deadline, ReadFor};
use crate::audit::{Ctx, Evidence, Fact, Finding, Hit, Liveness, Reason, Status, Text};
use crate::extract::{DateSource, PageFacts};
use crate::rules::{Age, Covers, Due, Forbid, Require, Rule, Where, province};

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentCheck {
    /// Terms that identify the document or column (any of them).
    pub find: Terms,
    /// Where to look for them; columns, titles and links when omitted.
    #[serde(default, rename = "where")]
    pub where_: Option<Vec<Where>>,
    /// Elements the document must show.
    #[serde(default)]
    pub require: Vec<Require>,
    /// What the pages found must not show; a match is a gap (`exposed`).
    #[serde(default)]
    pub forbid: Vec<Forbid>,
    /// How old its newest entry may be.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub max_age: Option<Age>,
    /// A legal deadline for the document of each period.
    #[serde(default)]
    pub due: Option<Due>,
}

/// A step either settles the finding or hands the hits still in play to the next one.
type Step<'a> = ControlFlow<Finding, Vec<Hit<'a>>>;

impl CheckKind for DocumentCheck {
    fn validate(&self, _: &Validation<'_>) -> Result<(), Invalid> {
        super::check_places(self.where_.as_deref())?;
        for q in &self.require {
            if q.any.is_empty() && q.phone.is_empty() {
                return Err(Invalid::rule(format!(
                    "requirement `{}` needs `any` terms or `phone` labels",
                    q.label
                )));
            }
            if q.any.iter().any(|t| t.trim().is_empty()) {
                return Err(Invalid::rule(format!(
                    "requirement `{}`: an empty search term would match everything",
                    q.label
                )));
            }
        }
        for f in &self.forbid {
            if f.pattern.is_some() == f.detect.is_some() {
                return Err(Invalid::rule(format!(
                    "forbid `{}` needs exactly one of `pattern` or `detect`",
                    f.label
                )));
            }
        }
        if let Some(due) = &self.due {
            for by in std::iter::once(&due.by)
                .chain(due.province.values())
                .chain(due.kind.values())
            {
                if crate::rules::parse_month_day(by.get_ref()).is_none() {
                    return Err(Invalid::at(
                        by.span(),
                        format!(
                            "invalid due date `{}`: expected MM-DD such as \"01-31\"",
                            by.get_ref()
                        ),
                    ));
                }
            }
            for (code, by) in &due.province {
                if code.len() != 2 || province::find(code).is_none() {
                    return Err(Invalid::at(
                        by.span(),
                        format!(
                            "`{code}` is not a province code; use the two-digit code: {}",
                            province::codes()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn find_terms(&self) -> &[String] {
        self.find.as_slice()
    }

    fn reads_text(&self) -> bool {
        !self.require.is_empty() || !self.forbid.is_empty()
    }

    fn need(&self, as_of: jiff::civil::Date) -> Option<super::Need<'_>> {
        // Only links, titles and columns lead a crawl anywhere; a URL is matched on links seen.
        let places = self
            .where_
            .as_deref()
            .unwrap_or(&[Where::Column, Where::Title, Where::Link]);
        if !places
            .iter()
            .any(|w| matches!(w, Where::Column | Where::Title | Where::Link))
        {
            return None;
        }
        // The document due may be published up to a year before the period it covers begins
        // (a budget in December): anything older cannot be it.
        // The body's kind is known only once its pages are read: the earliest of the kinds'
        // deadlines keeps the crawl paging until a document on time for any of them is found.
        let period = self.due.as_ref().map(|d| {
            let earliest = std::iter::once(&d.by)
                .chain(d.kind.values())
                .map(|b| b.get_ref())
                .min_by_key(|b| crate::rules::parse_month_day(b))
                .unwrap_or(d.by.get_ref());
            due_period(as_of, earliest, d.covers)
        });
        let since = period
            .as_ref()
            .and_then(|p| jiff::civil::Date::new(p.doc_year - 1, 1, 1).ok());
        Some(super::Need {
            terms: &self.find,
            since,
            by: period.as_ref().map(|p| p.deadline),
            year: period.map(|p| p.doc_year),
            every: self.reads_text(),
        })
    }

    fn describe(&self) -> Vec<(&'static str, String)> {
        let mut lines = vec![("find", self.find.as_slice().join("、"))];
        if let Some(w) = &self.where_ {
            lines.push(("where", super::places_text(w)));
        }
        for q in &self.require {
            let mut ways = Vec::new();
            if !q.any.is_empty() {
                ways.push(format!("any of {}", q.any.join("、")));
            }
            if !q.phone.is_empty() {
                ways.push(format!("a phone labelled {}", q.phone.join("/")));
            }
            let label = match &q.label_en {
                Some(e) => format!("{} ({e})", q.label),
                None => q.label.clone(),
            };
            lines.push(("require", format!("{label}: {}", ways.join(", or "))));
        }
        for f in &self.forbid {
            let how = match (&f.pattern, f.detect) {
                (Some(p), _) => format!("pattern {}", p.0.as_str()),
                (None, Some(d)) => format!("detect {}", super::written(&d)),
                (None, None) => String::new(),
            };
            lines.push(("forbid", format!("{}: {how}", f.label)));
        }
        if let Some(a) = &self.max_age {
            lines.push(("max_age", a.to_string()));
        }
        if let Some(d) = &self.due {
            let provinces: Vec<String> = d
                .province
                .iter()
                .map(|(code, by)| {
                    let name = province::find(code).map(|p| p.zh).unwrap_or_default();
                    format!("{code} {name} by {}", by.get_ref())
                })
                .chain(
                    d.kind
                        .iter()
                        .map(|(k, by)| format!("{} by {}", k.name(), by.get_ref())),
                )
                .collect();
            lines.push((
                "due",
                format!(
                    "by {} each year, for the {} period{}",
                    d.by.get_ref(),
                    super::written(&d.covers),
                    if provinces.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", provinces.join(", "))
                    }
                ),
            ));
        }
        lines
    }

    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        let f = self.judge(r, ctx);
        // A rule with a deadline says which period it judged, whatever it found.
        match &self.due {
            Some(due) => self.period(ctx, due).state(f),
            None => f,
        }
    }
}

/// The period a deadline rule judges on the as-of date, and the deadline that applies.
struct Period {
    due: DuePeriod,
    deadline: Deadline,
}

impl Period {
    /// `f` with the period stated, unless its fact names the year already; a pass on a later
    /// period's document says so.
    fn state(&self, mut f: Finding) -> Finding {
        let Some(inner) = f.facts.take() else {
            return f;
        };
        if inner.states_year() {
            f.facts = Some(inner);
            return f;
        }
        let found_year = (f.status == Status::Pass)
            .then(|| {
                f.evidence
                    .iter()
                    .filter_map(|e| e.text.as_deref())
                    .filter_map(|t| later_year(t, self.due.doc_year, i16::MAX))
                    .max()
            })
            .flatten()
            .filter(|_| {
                !f.evidence
                    .iter()
                    .filter_map(|e| e.text.as_deref())
                    .any(|t| names_year(t, self.due.doc_year))
            });
        let fact = Fact::ForPeriod {
            year: self.due.doc_year,
            deadline: self.deadline.clone(),
            found_year,
            inner: Box::new(inner),
        };
        f.message = crate::audit::messages::message(&fact, &f.name, f.waiver.as_ref());
        f.facts = Some(fact);
        f
    }
}

/// Whether a title names a year's document: `2025年` or `2025年度`.
fn names_year(t: &str, year: i16) -> bool {
    t.contains(&format!("{year}年"))
}

/// The latest year after `after` and up to `until` that a title names.
fn later_year(t: &str, after: i16, until: i16) -> Option<i16> {
    // Years a title can name: four digits followed by 年.
    let mut best = None;
    for (i, _) in t.match_indices('年') {
        let digits = t[..i].chars().rev().take(4).collect::<String>();
        if digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()) {
            let y: i16 = digits
                .chars()
                .rev()
                .collect::<String>()
                .parse()
                .unwrap_or(0);
            if y > after && y <= until && best.is_none_or(|b| y > b) {
                best = Some(y);
            }
        }
    }
    best
}

impl DocumentCheck {
    /// The finding, step by step.
    fn judge(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        let hits = ctx.hits(r, &self.find, self.where_.as_deref());
        // Each step settles the finding or hands on the hits still in play.
        macro_rules! step {
            ($e:expr) => {
                match $e {
                    ControlFlow::Break(f) => return f,
                    ControlFlow::Continue(pool) => pool,
                }
            };
        }
        let mut pool = step!(self.found(r, ctx, &hits));
        if let Some(due) = &self.due {
            pool = step!(self.due(r, ctx, &self.period(ctx, due), &hits, pool));
        }
        if !self.forbid.is_empty() {
            pool = step!(self.forbid(r, ctx, pool));
        }
        if !self.require.is_empty() {
            pool = step!(self.require(r, ctx, pool));
        }
        self.freshness(r, ctx, &pool)
    }

    /// The period due on the as-of date, with the province's own deadline when the pack gives
    /// one for the site's province.
    fn period(&self, ctx: &Ctx<'_>, due: &Due) -> Period {
        let known = ctx.unit.province.as_ref();
        let from_site = known
            .filter(|p| p.from == crate::rules::unit::ProfileSource::SiteIdCode)
            .and_then(|p| p.text.as_deref());
        let special = ctx
            .unit
            .province()
            .and_then(|p| due.province.get(p.code).map(|b| (p, b)));
        // A province's own deadline wins; else the kind of body's (第四十九条); else the pack's.
        let by_kind = match special {
            Some(_) => None,
            None => ctx
                .unit
                .kind()
                .and_then(|k| due.kind.get(&k).map(|b| (k, b))),
        };
        let by = special
            .map(|(_, b)| b.get_ref())
            .or(by_kind.map(|(_, b)| b.get_ref()))
            .unwrap_or(due.by.get_ref());
        let period = due_period(ctx.as_of, by, due.covers);
        Period {
            due: period,
            deadline: Deadline {
                date: period.deadline,
                province: special.map(|(p, _)| p.code.to_string()),
                province_from_site_code: special.and(from_site).map(str::to_string),
                kind: by_kind.map(|(k, _)| k),
            },
        }
    }

    /// Nothing beyond the page's existence is asked but what it must not show: finding none is
    /// not the site's gap (another rule asks for the document itself).
    fn forbid_only(&self) -> bool {
        !self.forbid.is_empty()
            && self.require.is_empty()
            && self.due.is_none()
            && self.max_age.is_none()
    }

    /// Step **find**: the live hits, or the finding when there are none (empty, dead, could not
    /// be verified, or missing).
    fn found<'a>(&self, r: &Rule, ctx: &Ctx<'a>, hits: &[Hit<'a>]) -> Step<'a> {
        let live: Vec<Hit<'a>> = hits
            .iter()
            .filter(|h| h.live == Liveness::Live)
            .cloned()
            .collect();
        if !live.is_empty() {
            return ControlFlow::Continue(live);
        }
        let terms = self.find.as_slice();
        if self.forbid_only() {
            return ControlFlow::Break(ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotApplicable),
                Fact::NothingToCheck {
                    terms: terms.to_vec(),
                },
                hits.iter().map(Hit::evidence).collect(),
            ));
        }
        let unverified: Vec<&Hit> = hits
            .iter()
            .filter(|h| matches!(h.live, Liveness::Unverified(_)))
            .collect();
        let empty: Vec<&Hit> = hits.iter().filter(|h| h.live == Liveness::Empty).collect();
        let dead: Vec<&Hit> = hits.iter().filter(|h| h.live == Liveness::Dead).collect();
        let (status, reason, fact, ev): (Status, Reason, Fact, Vec<Evidence>) = if !empty.is_empty()
        {
            (
                Status::Gap,
                Reason::Empty,
                Fact::EmptyColumns {
                    names: empty.iter().map(|h| h.text.clone()).collect(),
                    marker: empty
                        .iter()
                        .find_map(|h| h.column.and_then(|c| c.empty_marker.clone())),
                },
                empty.iter().map(|h| h.evidence()).collect(),
            )
        } else if !dead.is_empty() {
            (
                Status::Gap,
                Reason::Broken,
                Fact::DeadLink {
                    title: dead[0].text.clone(),
                },
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
                && self.require.is_empty()
                && self.due.is_none()
                && self.max_age.is_none()
            {
                // Nothing to verify beyond existence: a link to it elsewhere is enough.
                return ControlFlow::Break(ctx.finding(
                    r,
                    Status::Pass,
                    None,
                    Fact::FoundOutOfScope {
                        title: h.text.clone(),
                    },
                    vec![h.evidence()],
                ));
            }
            (
                Status::Inconclusive,
                why,
                Fact::Unverified {
                    title: h.text.clone(),
                    why,
                },
                unverified.iter().map(|h| h.evidence()).collect(),
            )
        } else {
            return ControlFlow::Break(ctx.missing(r, Fact::NotFound, Vec::new()));
        };
        let mut f = ctx.finding(r, status, Some(reason), fact, ev);
        Ctx::deduct(r, &mut f, None);
        ControlFlow::Break(f)
    }

    /// Step **due**: the document for the year the deadline is about must be there, alive and
    /// published by the deadline; the hits for that year go on.
    fn due<'a>(
        &self,
        r: &Rule,
        ctx: &Ctx<'a>,
        period: &Period,
        hits: &[Hit<'a>],
        live: Vec<Hit<'a>>,
    ) -> Step<'a> {
        let (doc_year, dl) = (period.due.doc_year, period.due.deadline);
        let deadline = period.deadline.clone();
        let year_in = |t: &str| names_year(t, doc_year);
        // A document for a later period, published by the as-of date (nothing later is left in
        // the site model), satisfies the rule too: the 2026 admission policy is in force.
        let later_in = |t: &str| later_year(t, doc_year, ctx.as_of.year()).is_some();
        let title = |h: &Hit<'a>| {
            h.page
                .map(|p| format!("{} {}", h.text, p.html_title))
                .unwrap_or_else(|| h.text.clone())
        };
        let mut candidates: Vec<Hit<'a>> = hits
            .iter()
            .filter(|h| year_in(&title(h)))
            .cloned()
            .collect();
        let mut later: Vec<Hit<'a>> = hits
            .iter()
            .filter(|h| h.live == Liveness::Live && !year_in(&title(h)) && later_in(&title(h)))
            .cloned()
            .collect();
        // A column's entries count too: "2025年度报告" need not repeat the rule's terms.
        for h in &live {
            for e in h.column.map(|c| c.entries.as_slice()).unwrap_or_default() {
                if year_in(&e.title) && !candidates.iter().any(|c| c.url == e.url) {
                    candidates.push(ctx.entry_hit(e, &h.url));
                } else if !year_in(&e.title)
                    && later_in(&e.title)
                    && !later.iter().any(|c| c.url == e.url)
                {
                    let hit = ctx.entry_hit(e, &h.url);
                    if hit.live == Liveness::Live {
                        later.push(hit);
                    }
                }
            }
        }
        // A sitemap's lastmod is often the day the CMS regenerated the page: never a
        // publication date for a deadline.
        for c in &mut candidates {
            if c.date.is_some_and(|d| d.source == DateSource::Sitemap) {
                c.date = None;
            }
        }
        let for_year: Vec<Hit<'a>> = candidates
            .iter()
            .filter(|h| h.live == Liveness::Live)
            .cloned()
            .collect();
        if !later.is_empty() && for_year.iter().all(|h| h.date.is_some_and(|d| d.date > dl)) {
            // Missing or late for its own period, but superseded by a later one.
            return ControlFlow::Continue(later);
        }
        if for_year.is_empty() {
            let unsure: Vec<&Hit> = candidates
                .iter()
                .filter(|h| matches!(h.live, Liveness::Unverified(_)))
                .collect();
            if let Some(Liveness::Unverified(why)) = unsure.first().map(|h| h.live) {
                return ControlFlow::Break(ctx.finding(
                    r,
                    Status::Inconclusive,
                    Some(why),
                    Fact::YearUnverified {
                        year: doc_year,
                        why,
                    },
                    unsure.iter().map(|h| h.evidence()).collect(),
                ));
            }
            if let Some(h) = candidates.iter().find(|h| h.live == Liveness::Dead) {
                return ControlFlow::Break(ctx.gap(
                    r,
                    Reason::Broken,
                    Fact::YearDeadLink {
                        year: doc_year,
                        title: h.text.clone(),
                    },
                    vec![h.evidence()],
                    None,
                ));
            }
            return ControlFlow::Break(ctx.missing(
                r,
                Fact::NoneForYear {
                    year: doc_year,
                    deadline,
                },
                live.iter().map(Hit::evidence).collect(),
            ));
        }
        if for_year.iter().any(|h| h.date.is_none_or(|d| d.date <= dl)) {
            return ControlFlow::Continue(for_year);
        }
        let h = for_year
            .iter()
            .min_by_key(|h| h.date.map(|d| d.date))
            .unwrap_or(&for_year[0]);
        let d = h.date.map(|d| d.date).unwrap_or(ctx.as_of);
        ControlFlow::Break(ctx.gap(
            r,
            Reason::Late,
            Fact::Late {
                year: doc_year,
                published: d,
                deadline,
            },
            for_year.iter().map(Hit::evidence).collect(),
            None,
        ))
    }

    /// Step **forbid**: what must not be published, on every page found (a leak on any list
    /// counts). A rule that only forbids is settled here.
    fn forbid<'a>(&self, r: &Rule, ctx: &Ctx<'a>, pool: Vec<Hit<'a>>) -> Step<'a> {
        let mut pages: Vec<&PageFacts> = Vec::new();
        for h in &pool {
            let entries = h.column.map(|c| c.entries.as_slice()).unwrap_or_default();
            let candidates = h
                .page
                .into_iter()
                .chain(entries.iter().filter_map(|e| ctx.site.page(&e.url)));
            for p in candidates.filter(|p| p.text.is_some()) {
                if !pages.iter().any(|q| q.url == p.url) {
                    pages.push(p);
                }
            }
        }
        let mut exposed: Vec<(&PageFacts, usize, String)> = Vec::new();
        for p in &pages {
            let text = p.text.as_deref().unwrap_or_default();
            for (i, f) in self.forbid.iter().enumerate() {
                if let Some(m) = crate::rules::forbid::first_match(text, f) {
                    exposed.push((p, i, m));
                }
            }
        }
        let label = |i: usize| {
            let f = &self.forbid[i];
            Text::new(
                f.label.clone(),
                f.label_en.clone().unwrap_or_else(|| f.label.clone()),
            )
        };
        if let Some((p, i, m)) = exposed.first() {
            let ev = exposed
                .iter()
                .map(|(p, i, m)| Evidence {
                    url: Some(p.url.clone()),
                    text: Some(format!("{}: {m}", label(*i).zh)),
                    date: p.pub_date.map(|d| d.date),
                    date_source: p.pub_date.map(|d| d.source),
                    http_status: Some(200),
                    ..Evidence::default()
                })
                .collect();
            let n = exposed.len();

            return ControlFlow::Break(ctx.gap(
                r,
                Reason::Exposed,
                Fact::Exposed {
                    title: p.title.clone(),
                    label: label(*i),
                    sample: m.clone(),
                    pages: u32::try_from(n).unwrap_or(u32::MAX),
                },
                ev,
                Some(u32::try_from(n).unwrap_or(u32::MAX)),
            ));
        }
        if !self.forbid_only() {
            return ControlFlow::Continue(pool);
        }

        if pages.is_empty() {
            return ControlFlow::Break(ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotCrawled),
                Fact::Unread {
                    purpose: ReadFor::Forbid,
                },
                pool.iter().map(Hit::evidence).collect(),
            ));
        }
        ControlFlow::Break(
            ctx.finding(
                r,
                Status::Pass,
                None,
                Fact::NoneExposed {
                    pages: u32::try_from(pages.len()).unwrap_or(u32::MAX),
                    labels: (0..self.forbid.len()).map(label).collect(),
                },
                pages
                    .iter()
                    .map(|p| Evidence {
                        url: Some(p.url.clone()),
                        text: Some(p.title.clone()),
                        ..Evidence::default()
                    })
                    .collect(),
            ),
        )
    }

    /// Step **require**: the required elements, judged on the best document found. Without a
    /// `max_age` a complete document settles the finding.
    fn require<'a>(&self, r: &Rule, ctx: &Ctx<'a>, pool: Vec<Hit<'a>>) -> Step<'a> {
        let mut docs: Vec<&PageFacts> = Vec::new();
        for h in &pool {
            if let Some(p) = h.page.filter(|p| p.text.is_some()) {
                docs.push(p);
            }
            if let Some(c) = h.column {
                for e in &c.entries {
                    if let Some(p) = ctx.site.page(&e.url).filter(|p| p.text.is_some()) {
                        docs.push(p);
                    }
                }
            }
        }
        let missing_in = |p: &PageFacts| -> Vec<&Require> {
            let text = p.text.as_deref().unwrap_or_default();
            self.require
                .iter()
                .filter(|q| {
                    let by_text = q.any.iter().any(|t| text.contains(t.as_str()));
                    let by_phone = q.phone.iter().any(|l| {
                        p.phones
                            .iter()
                            .any(|ph| ph.label.as_deref().unwrap_or_default().contains(l.as_str()))
                    });
                    !(by_text || by_phone)
                })
                .collect()
        };
        let Some((missing, page)) = docs
            .iter()
            .map(|p| (missing_in(p), *p))
            .min_by_key(|(m, p)| (m.len(), std::cmp::Reverse(p.pub_date.map(|d| d.date))))
        else {
            return ControlFlow::Break(ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotCrawled),
                Fact::Unread {
                    purpose: ReadFor::Require,
                },
                pool.iter().map(Hit::evidence).collect(),
            ));
        };
        let ev = Evidence::of_page(page, page.pub_date);
        if !missing.is_empty() {
            return ControlFlow::Break(
                ctx.gap(
                    r,
                    Reason::Incomplete,
                    Fact::Incomplete {
                        title: page.title.clone(),
                        missing: missing
                            .iter()
                            .map(|q| {
                                Text::new(
                                    q.label.clone(),
                                    q.label_en.clone().unwrap_or_else(|| q.label.clone()),
                                )
                            })
                            .collect(),
                    },
                    vec![ev],
                    Some(u32::try_from(missing.len()).unwrap_or(u32::MAX)),
                ),
            );
        }
        if self.max_age.is_none() {
            return ControlFlow::Break(ctx.finding(
                r,
                Status::Pass,
                None,
                Fact::Complete {
                    title: page.title.clone(),
                },
                vec![ev],
            ));
        }
        ControlFlow::Continue(pool)
    }

    /// Step **freshness**: the newest of what was found, within `max_age` when there is one.
    fn freshness(&self, r: &Rule, ctx: &Ctx<'_>, pool: &[Hit<'_>]) -> Finding {
        // On a tie, the page itself rather than its attachment.
        let newest = pool
            .iter()
            .filter_map(|h| h.date.map(|d| (d, h)))
            .max_by_key(|(d, h)| (d.date, h.page.is_some()));
        if let Some(age) = self.max_age {
            let oldest = age.oldest_fresh(ctx.as_of);
            if newest.is_none_or(|(d, _)| d.date < oldest) {
                let fact = Fact::Stale {
                    newest: newest.map(|(d, _)| d.date),
                    limit: age,
                };
                return ctx.gap(
                    r,
                    Reason::Stale,
                    fact,
                    pool.iter().map(Hit::evidence).collect(),
                    None,
                );
            }
        }
        let first = newest.map(|(_, h)| h).unwrap_or(&pool[0]);
        let mut ev: Vec<Evidence> = vec![first.evidence()];
        ev.extend(
            pool.iter()
                .filter(|h| h.url != first.url)
                .map(Hit::evidence),
        );
        ctx.finding(
            r,
            Status::Pass,
            None,
            Fact::Found {
                title: first.text.clone(),
                date: first.date,
            },
            ev,
        )
    }
}

/// The period a deadline judges on an as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuePeriod {
    /// The year the document is about.
    pub doc_year: i16,
    /// The deadline that applies to it.
    pub deadline: jiff::civil::Date,
}

/// Which document a deadline `by` (`MM-DD`) asks for on `as_of`: until this year's deadline has
/// passed, last cycle's document is the one due.
pub fn due_period(as_of: jiff::civil::Date, by: &str, covers: Covers) -> DuePeriod {
    let y = as_of.year();
    let this_year = crate::audit::deadline(y, by).unwrap_or(as_of);
    let cycle = if as_of > this_year { y } else { y - 1 };
    let doc_year = match covers {
        Covers::Previous => cycle - 1,
        Covers::Current => cycle,
    };
    DuePeriod {
        doc_year,
        deadline: crate::audit::deadline(cycle, by).unwrap_or(as_of),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_due_year_follows_the_deadline() {
        // Before 31 January the previous cycle's report (for Y-2) is still the one judged.
        let p = due_period(date(2026, 1, 15), "01-31", Covers::Previous);
        assert_eq!((p.doc_year, p.deadline), (2024, date(2025, 1, 31)));
        // On the deadline itself it is not yet late.
        let p = due_period(date(2026, 1, 31), "01-31", Covers::Previous);
        assert_eq!((p.doc_year, p.deadline), (2024, date(2025, 1, 31)));
        let p = due_period(date(2026, 2, 1), "01-31", Covers::Previous);
        assert_eq!((p.doc_year, p.deadline), (2025, date(2026, 1, 31)));
        // A budget covers the year it is published in.
        let p = due_period(date(2026, 6, 5), "03-31", Covers::Current);
        assert_eq!((p.doc_year, p.deadline), (2026, date(2026, 3, 31)));
    }

    #[test]
    fn a_later_period_is_read_from_a_title() {
        assert_eq!(
            later_year("清水县2026年义务教育阶段招生入学工作实施方案", 2025, 2026),
            Some(2026)
        );
        // Not the year due itself, nor a year after the as-of year, nor digits that are no year.
        assert_eq!(later_year("2025年度招生政策", 2025, 2026), None);
        assert_eq!(later_year("2027年招生工作意见", 2025, 2026), None);
        assert_eq!(later_year("清教发〔2026〕31号", 2025, 2026), None);
        assert_eq!(later_year("2025年至2026年学年校历", 2025, 2026), Some(2026));
        assert!(names_year("2025年度部门预算", 2025));
        assert!(!names_year("2026年度部门预算", 2025));
    }

    #[test]
    fn a_leap_day_deadline_falls_back_in_common_years() {
        let p = due_period(date(2026, 3, 1), "02-29", Covers::Current);
        assert_eq!(p.deadline, date(2026, 2, 28));
        let p = due_period(date(2028, 3, 1), "02-29", Covers::Current);
        assert_eq!(p.deadline, date(2028, 2, 29));
    }
}
