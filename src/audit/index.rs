//! Where the rules' `find` terms occur in the site, found in one pass for the whole pack.
//!
//! A document rule looks for its terms in every column name, page title, list entry and link of
//! the site. Asking each rule in turn meant one automaton run per rule per string (a tenth of an
//! audit's CPU on a 10,000-page site); here one automaton holding every rule's terms reads each
//! string once and notes, per rule, the strings worth a look. The rule then confirms its
//! candidates with its own terms, so the index only ever narrows the search.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::rules::Rule;
use crate::site::SiteModel;

/// The places where a rule's terms may occur, as indexes into the site model's vectors, in the
/// order the model holds them.
#[derive(Debug, Default, Clone)]
pub(super) struct Candidates {
    /// `site.columns` whose name holds a term.
    pub columns: Vec<u32>,
    /// `site.pages` whose title, `<title>` or column name holds a term.
    pub pages: Vec<u32>,
    /// `(column, entry)` pairs of `site.columns[c].entries[e]` whose title holds a term.
    pub entries: Vec<(u32, u32)>,
    /// `site.links` with a term in one of their texts or in their URL.
    pub links: Vec<u32>,
}

/// Candidates for every rule of a pack with `find` terms, by rule id.
pub(super) struct TermIndex {
    by_rule: HashMap<String, Candidates>,
}

impl TermIndex {
    pub fn build<'r>(site: &SiteModel, rules: impl IntoIterator<Item = &'r Rule>) -> TermIndex {
        let mut ids: Vec<&str> = Vec::new();
        let mut terms: Vec<&str> = Vec::new();
        // Pattern number -> the rules (positions in `ids`) that use the term.
        let mut term_rules: Vec<Vec<u32>> = Vec::new();
        let mut term_at: HashMap<String, usize> = HashMap::new();
        for r in rules {
            let slot = ids.len() as u32;
            ids.push(r.id.get_ref());
            for t in r.check.find_terms().iter().filter(|t| !t.is_empty()) {
                // Terms are matched ignoring ASCII case, so `About` and `about` are one pattern.
                let at = *term_at.entry(t.to_ascii_lowercase()).or_insert_with(|| {
                    terms.push(t);
                    term_rules.push(Vec::new());
                    terms.len() - 1
                });
                if term_rules[at].last() != Some(&slot) {
                    term_rules[at].push(slot);
                }
            }
        }
        let mut lists: Vec<Candidates> = ids.iter().map(|_| Candidates::default()).collect();
        let ac = (!terms.is_empty()).then(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&terms)
        });
        if let Some(Err(_)) = ac {
            // The index only narrows the search: without it every place is a candidate for
            // every rule that has terms (slower, never a rule that silently finds nothing).
            let everything = Candidates {
                columns: (0..site.columns.len() as u32).collect(),
                pages: (0..site.pages.len() as u32).collect(),
                entries: site
                    .columns
                    .iter()
                    .enumerate()
                    .flat_map(|(ci, c)| (0..c.entries.len() as u32).map(move |ei| (ci as u32, ei)))
                    .collect(),
                links: (0..site.links.len() as u32).collect(),
            };
            for l in &mut lists {
                *l = everything.clone();
            }
        }
        if let Some(Ok(ac)) = ac {
            let mut scan = Scan {
                ac: &ac,
                term_rules: &term_rules,
                found: Vec::new(),
            };
            for (i, c) in site.columns.iter().enumerate() {
                for &slot in scan.rules_in([c.name.as_str()]) {
                    lists[slot].columns.push(i as u32);
                }
            }
            for (i, p) in site.pages.iter().enumerate() {
                let fields = [
                    p.title.as_str(),
                    &p.html_title,
                    p.column_name().unwrap_or(""),
                ];
                for &slot in scan.rules_in(fields) {
                    lists[slot].pages.push(i as u32);
                }
            }
            for (ci, c) in site.columns.iter().enumerate() {
                for (ei, e) in c.entries.iter().enumerate() {
                    for &slot in scan.rules_in([e.title.as_str()]) {
                        lists[slot].entries.push((ci as u32, ei as u32));
                    }
                }
            }
            for (i, l) in site.links.iter().enumerate() {
                let fields = l.texts.iter().map(String::as_str).chain([l.url.as_str()]);
                for &slot in scan.rules_in(fields) {
                    lists[slot].links.push(i as u32);
                }
            }
        }
        TermIndex {
            by_rule: ids.into_iter().map(str::to_string).zip(lists).collect(),
        }
    }

    pub fn get(&self, rule_id: &str) -> Option<&Candidates> {
        self.by_rule.get(rule_id)
    }
}

/// One automaton run per string, reused across the site.
struct Scan<'a> {
    ac: &'a AhoCorasick,
    term_rules: &'a [Vec<u32>],
    found: Vec<usize>,
}

impl Scan<'_> {
    /// The rules (by slot) with a term in any of `fields`, each once, in slot order.
    fn rules_in<'s>(&mut self, fields: impl IntoIterator<Item = &'s str>) -> &[usize] {
        self.found.clear();
        for f in fields {
            for m in self.ac.find_overlapping_iter(f) {
                let rules = &self.term_rules[m.pattern().as_usize()];
                self.found.extend(rules.iter().map(|&s| s as usize));
            }
        }
        self.found.sort_unstable();
        self.found.dedup();
        &self.found
    }
}
