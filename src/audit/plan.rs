//! The inspection plan: which links an audit reads first, and when a further list page or one
//! more matching document is no longer worth a request to a fragile county server.
//!
//! An inspector reads the hub, every column's first list page, the documents each requirement
//! names, the newest entries and a sample of the rest. The plan ranks every link a page holds
//! ([`InspectionPlan::rank`]) from the pack's terms and the page's lists; [`Served`] keeps, as
//! the pages arrive, which rules have found what they look for, so that the crawl can stop
//! paging through a column once no rule could find anything older in it.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;
use jiff::civil::Date;
use url::Url;

use crate::crawl::{Discovered, Rank, UrlKey};
use crate::extract::cms::generic::is_list_file;
use crate::extract::{PageFacts, PageKind};
use crate::rules::RulePack;
use crate::site::column_key;

/// Entries of a column's first list page read as its newest (for their own dates and texts).
const NEWEST_PER_LIST: usize = 1;

/// What one rule asks the crawl to find.
#[derive(Debug, Clone)]
struct Sought {
    since: Option<Date>,
    /// The deadline of the period: a document of the period published by then settles the
    /// rule; one published later does not (an earlier one may be further down its list).
    by: Option<Date>,
    /// The year the document due is for, as its title names it.
    year: Option<String>,
    every: bool,
    /// Names of the column classes the document belongs in (招生 for an admission plan): a
    /// list of such a column is where an inspector pages further for it.
    columns: Vec<String>,
}

/// The pack's needs, compiled once per audit; shared by the extraction workers.
#[derive(Debug)]
pub struct InspectionPlan {
    /// Every term of every rule that leads the crawl somewhere, in one automaton.
    matcher: Option<AhoCorasick>,
    /// Pattern index → the rules (slots) that look for it.
    owners: Vec<Vec<u16>>,
    rules: Vec<Sought>,
}

impl InspectionPlan {
    /// The needs of `pack`'s rules as of `as_of`.
    pub fn new(pack: &RulePack, as_of: Date) -> InspectionPlan {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<u16>> = Vec::new();
        let mut rules = Vec::new();
        for r in &pack.rules {
            let Some(need) = r.check.need(as_of) else {
                continue;
            };
            let Ok(slot) = u16::try_from(rules.len()) else {
                break;
            };
            let terms = need.terms.as_slice();
            let columns = pack
                .classes
                .iter()
                .flat_map(|c| &c.names)
                .filter(|n| {
                    terms
                        .iter()
                        .any(|t| t.contains(n.as_str()) || n.contains(t.as_str()))
                })
                .cloned()
                .collect();
            rules.push(Sought {
                since: need.since,
                by: need.by,
                year: need.year.map(|y| y.to_string()),
                every: need.every,
                columns,
            });
            for t in need.terms.as_slice() {
                match patterns.iter().position(|p| p == t) {
                    Some(i) => owners[i].push(slot),
                    None => {
                        patterns.push(t.clone());
                        owners.push(vec![slot]);
                    }
                }
            }
        }
        InspectionPlan {
            // Terms compiled at load already; should this fail, nothing is ranked as needed and
            // the crawl still reads every column, its newest entries and the sample.
            matcher: AhoCorasick::new(&patterns).ok(),
            owners,
            rules,
        }
    }

    /// The rules whose terms `text` names, added to `out`.
    fn wanted_by(&self, text: &str, out: &mut Vec<u16>) {
        let Some(m) = &self.matcher else { return };
        for hit in m.find_overlapping_iter(text) {
            out.extend(&self.owners[hit.pattern().as_usize()]);
        }
    }

    /// Ranks the links `page` holds: what a rule names, the columns, the newest entries, further
    /// pages of its list, and the rest as sample.
    pub fn rank(&self, page: &PageFacts, found: &mut [Discovered]) {
        let mut texts: HashMap<UrlKey, Vec<&str>> = HashMap::new();
        for l in &page.signals().links {
            if !l.text.is_empty() {
                texts.entry(UrlKey::of(&l.url)).or_default().push(&l.text);
            }
        }
        let entries: HashMap<UrlKey, (usize, &str)> = page
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (UrlKey::of(&e.url), (i, e.title.as_str())))
            .collect();
        let first_page = is_first_page(&page.url);
        let list = column_key(&page.url);
        let this = UrlKey::of(&page.url);
        let oldest = page.entries.iter().filter_map(|e| e.date).min();
        let dated = oldest.is_some();
        for d in found.iter_mut() {
            let key = UrlKey::of(&d.url);
            let entry = entries.get(&key);
            let mut wants = Vec::new();
            for t in texts.get(&key).into_iter().flatten() {
                self.wanted_by(t, &mut wants);
            }
            if let Some((_, title)) = entry {
                self.wanted_by(title, &mut wants);
            }
            wants.sort_unstable();
            wants.dedup();
            d.rank = if !wants.is_empty() {
                Rank::Needed
            } else if let Some(&(i, _)) = entry {
                if first_page && i < NEWEST_PER_LIST {
                    Rank::Newest
                } else {
                    Rank::Sample
                }
            } else if !d.kind.is_followed() {
                Rank::Sample
            } else if key != this && column_key(&d.url) == list {
                // Another page of this list: a list of documents is read as deep as a rule
                // needs; a list of columns (a hub, undated) is read through.
                if dated {
                    Rank::Deeper { oldest }
                } else {
                    Rank::Column
                }
            } else if d.interface || page.kind != PageKind::Article || looks_like_column(&d.url) {
                // A column's data interface is its list: as important as its first page.
                Rank::Column
            } else {
                Rank::Sample
            };
            d.wants = wants;
        }
    }
}

/// Which rules have found what they look for, as the pages arrive. Lives on the crawl loop.
#[derive(Debug, Default)]
pub struct Served {
    served: Vec<bool>,
    /// Per rule, the lists (by column key) where entries naming its terms were seen: where an
    /// inspector pages further for it.
    homes: Vec<std::collections::HashSet<String>>,
}

impl Served {
    pub fn new(plan: &InspectionPlan) -> Served {
        Served {
            served: vec![false; plan.rules.len()],
            homes: vec![Default::default(); plan.rules.len()],
        }
    }

    /// Notes which rules a list page is a home of: those its entries name, and those whose
    /// documents belong in a column of its kind.
    pub fn observe(&mut self, plan: &InspectionPlan, page: &PageFacts) {
        if page.entries.is_empty() {
            return;
        }
        let mut wants = Vec::new();
        for e in &page.entries {
            plan.wanted_by(&e.title, &mut wants);
        }
        if let Some(name) = page.column_name() {
            for (i, r) in plan.rules.iter().enumerate() {
                if r.columns.iter().any(|c| name.contains(c.as_str()))
                    && let Ok(i) = u16::try_from(i)
                {
                    wants.push(i);
                }
            }
        }
        if wants.is_empty() {
            return;
        }
        let list = column_key(&page.url);
        for w in wants {
            if let Some(h) = self.homes.get_mut(usize::from(w)) {
                h.insert(list.clone());
            }
        }
    }

    /// `page` was read for the rules in `wants`: a rule whose document must be of a period is
    /// served only by a dated document (not a list) of that period or later.
    pub fn add(&mut self, plan: &InspectionPlan, page: &PageFacts, wants: &[u16]) {
        for &w in wants {
            let Some(rule) = plan.rules.get(usize::from(w)) else {
                continue;
            };
            let ok = match rule.since {
                None => true,
                Some(since) => {
                    page.kind != PageKind::List
                        && rule
                            .year
                            .as_ref()
                            .is_none_or(|y| page.title.contains(y.as_str()))
                        && page.pub_date.is_some_and(|d| {
                            d.date >= since && rule.by.is_none_or(|by| d.date <= by)
                        })
                }
            };
            if ok && let Some(s) = self.served.get_mut(usize::from(w)) {
                if !*s {
                    tracing::debug!(url = %page.url, rule = w, "served");
                }
                *s = true;
            }
        }
    }

    /// Whether a link ranked `rank`, named for the rules in `wants`, is still worth a request.
    pub fn still_wanted(
        &self,
        plan: &InspectionPlan,
        url: &Url,
        rank: Rank,
        wants: &[u16],
    ) -> bool {
        let open = |w: usize| !self.served.get(w).copied().unwrap_or(true);
        match rank {
            // A further list page: while some rule has not found the document of its period in
            // time, this list has shown entries naming it, and it could be among entries older
            // than the page that links it. A document without a period (a guide, a catalogue)
            // is looked for where an inspector looks: the navigation, the hubs and every
            // column's first page; paging every list to its end for it would cost a county
            // server its whole site.
            Rank::Deeper { oldest } => {
                let list = column_key(url);
                plan.rules.iter().enumerate().any(|(i, r)| {
                    open(i)
                        && r.since
                            .is_some_and(|since| oldest.is_none_or(|oldest| oldest >= since))
                        && self.homes.get(i).is_some_and(|h| h.contains(&list))
                })
            }
            _ => wants.iter().any(|&w| {
                let w = usize::from(w);
                open(w) || plan.rules.get(w).is_some_and(|r| r.every)
            }),
        }
    }
}

/// The first page of a list, not `index_3.html` or `?page=3`.
fn is_first_page(url: &Url) -> bool {
    let paged_query = url.query_pairs().any(|(k, v)| {
        let k = k.to_ascii_lowercase();
        (k.contains("page") || k == "pn" || k == "p") && v.parse::<u32>().is_ok_and(|n| n > 1)
    });
    if paged_query {
        return false;
    }
    let file = url.path().rsplit('/').next().unwrap_or_default();
    file.is_empty() || !is_list_file(file, true) || is_list_file(file, false)
}

/// A link from a document to what looks like a column (a directory or its index page).
fn looks_like_column(url: &Url) -> bool {
    let file = url.path().rsplit('/').next().unwrap_or_default();
    file.is_empty() || is_list_file(file, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("test url")
    }

    #[test]
    fn later_pages_of_a_list_are_not_its_first() {
        assert!(is_first_page(&u("http://a.cn/xxgk/tzgg/")));
        assert!(is_first_page(&u("http://a.cn/xxgk/tzgg/index.html")));
        assert!(!is_first_page(&u("http://a.cn/xxgk/tzgg/index_3.html")));
        assert!(!is_first_page(&u("http://a.cn/list.jsp?cat=4&page=2")));
        assert!(is_first_page(&u("http://a.cn/list.jsp?cat=4&page=1")));
    }
}
