//! Recheck (整改复核): fetch again only the pages behind an earlier report's gaps and judge those
//! rules again, without a full crawl.
//!
//! What a gap depends on: the home page (menus, home freshness, and the columns they link to),
//! each gap's evidence and the pages that linked to it, and for a document found nowhere the
//! columns named after what the rule looks for (all columns when none is). The crawl starts from
//! all of them and follows one hop, so a document published in a column since is found too.

use url::Url;

use crate::audit::{Fact, Reason, Status, Text, messages, score};
use crate::report::Report;
use crate::rules::RulePack;

/// The pages to fetch again, relative to the earlier report's start URL, so that they can be
/// joined onto this run's start (a saved mirror is served on a new port every time). The start
/// page itself is always fetched, and with it the columns its menus link to.
pub fn seeds(old: &Report, pack: &RulePack) -> Vec<String> {
    let start = &old.target.start_url;
    let mut urls: Vec<&Url> = Vec::new();
    for f in old.findings.iter().filter(|f| f.status == Status::Gap) {
        let before = urls.len();
        for e in &f.evidence {
            urls.extend(e.url.iter());
            urls.extend(e.found_on.iter());
        }
        if urls.len() > before {
            continue;
        }
        // Nothing was found for it: look again in the columns where it would be listed, or in
        // every column when none is named after what the rule looks for.
        // A column is named after a term, or shares its first two characters (招生结果 is
        // listed under 招生考试, 录取名单 under 录取信息).
        let mut terms: Vec<String> = pack
            .rules
            .iter()
            .find(|r| *r.id.get_ref() == f.rule_id)
            .map(|r| r.check.find_terms().to_vec())
            .unwrap_or_default();
        terms.push(f.name.zh.clone());
        let heads: Vec<String> = terms
            .iter()
            .map(|t| t.chars().take(2).collect::<String>())
            .filter(|h| h.chars().count() == 2)
            .collect();
        let named: Vec<&Url> = old
            .site
            .columns
            .iter()
            .filter(|c| {
                terms
                    .iter()
                    .chain(&heads)
                    .any(|t| c.name.contains(t.as_str()))
            })
            .map(|c| &c.url)
            .collect();
        if named.is_empty() {
            urls.extend(old.site.columns.iter().map(|c| &c.url));
        } else {
            urls.extend(named);
        }
    }
    let mut out: Vec<String> = Vec::new();
    for u in urls {
        let rel = if u.origin() == start.origin() {
            start.make_relative(u)
        } else {
            None
        };
        let rel = rel.unwrap_or_else(|| u.to_string());
        if !rel.is_empty() && !out.contains(&rel) {
            out.push(rel);
        }
    }
    out
}

/// The earlier report with the rechecked rules' findings replaced by the fresh ones, scored
/// again. Rules that were not gaps are carried over: a partial crawl cannot judge them.
pub fn combine(old: &Report, fresh: &Report, pack: &RulePack) -> Report {
    let mut out = fresh.clone();
    out.findings = old
        .findings
        .iter()
        .map(|f| {
            if f.status != Status::Gap {
                return f.clone();
            }
            match fresh.findings.iter().find(|n| n.rule_id == f.rule_id) {
                // A recheck stops one hop from the pages behind the gap by design: "not found
                // there" means still open, not "could not tell" as it would in a full audit.
                Some(n)
                    if n.status == Status::Inconclusive && n.reason == Some(Reason::NotCrawled) =>
                {
                    let mut kept = f.clone();
                    match &f.facts {
                        Some(fact) => {
                            let fact = Fact::StillOpen {
                                inner: Box::new(fact.clone()),
                            };
                            kept.message = messages::message(&fact, &f.name, f.waiver.as_ref());
                            kept.facts = Some(fact);
                        }
                        None => kept.message = messages::still_open(&f.message),
                    }
                    kept
                }
                Some(n) => n.clone(),
                None => f.clone(),
            }
        })
        .collect();
    // A report written before schema 3 carries no stakes: what its unjudged rules would cost
    // comes from the pack, so a carried-over inconclusive rule still widens the range.
    for f in out
        .findings
        .iter_mut()
        .filter(|f| f.is_unjudged() && f.at_stake.is_none())
    {
        if let Some(r) = pack.rules.iter().find(|r| r.id.get_ref() == &f.rule_id) {
            f.at_stake = Some(crate::audit::stake(r, pack.scoring.base));
        }
    }
    out.score = score(&out.findings, &pack.scoring);
    out.notes.push(Text::new(
        format!(
            "整改复核：仅重新抓取了{}的问题所涉页面（{}个页面），其余规则沿用上次结果",
            old.as_of, fresh.crawl.pages_fetched
        ),
        format!(
            "recheck: only the pages behind the gaps of the {} report were fetched again ({} pages); other rules are carried over from it",
            old.as_of, fresh.crawl.pages_fetched
        ),
    ));
    out
}
