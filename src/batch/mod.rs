//! Batch audits for a supervisory office: a list of units (one row per subordinate bureau), run
//! in one go or in shards across machines, summarised as a league table per parent unit and the
//! gaps most units share.
//!
//! [`run()`] audits the units of a list and writes their reports and the summary; a shard on
//! another machine and a merge of shard outputs produce the same [`BatchSummary`].

pub mod list;
pub mod render;
pub mod run;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::audit::{Status, Text};
use crate::report::Report;
use crate::rules::Severity;

pub use list::{ListError, RowError, SiteList, Unit};
pub use run::{
    BatchError, BatchOptions, Observer, Renderer, Silent, UnitCrawl, run, run_with, write_summary,
};

/// Bumped when the summary's JSON changes incompatibly.
pub const SUMMARY_VERSION: u32 = 1;

/// One slice of a list: the `k`-th of `n` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

impl Shard {
    pub const WHOLE: Shard = Shard { k: 1, n: 1 };

    /// Parses `K/N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: write K/N with 1 ≤ K ≤ N, such as 2/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// Whether the unit at this position of the list (0-based, over the valid rows) is in the
    /// shard: round robin, so shards are as even as the list allows and a unit's shard depends
    /// only on the list, never on the machine.
    pub fn contains(self, index: usize) -> bool {
        index % self.n as usize == (self.k - 1) as usize
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// Where the list came from, so that shards of different lists are never merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListInfo {
    pub path: String,
    /// A hash of the list file's bytes.
    pub digest: String,
    /// Valid rows in the whole list (all shards).
    pub units: usize,
}

/// A gap, by rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapRef {
    pub rule_id: String,
    pub name: Text,
    pub severity: Severity,
}

/// What one unit's audit came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitScore {
    /// The best end of the score's range (see the report's `score.points`).
    pub points: f64,
    /// The worst end: every rule not judged counted as a gap. Summaries written before it
    /// existed read it as `points`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst: Option<f64>,
    /// The grade, or 待定 when the range spans more than one grade.
    pub grade: Text,
    pub pass: bool,
    /// The grade is provisional: the unit is ranked apart from the graded ones, after them.
    #[serde(default)]
    pub provisional: bool,
    pub vetoes: Vec<String>,
    /// Gaps by severity.
    pub gaps: BTreeMap<Severity, usize>,
    pub inconclusive: usize,
    /// Rules judged among rules that apply, in percent.
    pub coverage: f64,
    /// What could not be judged, in the report language pair (empty when everything was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unjudged: Option<Box<Text>>,
    pub as_of: String,
    /// The unit's own JSON report, relative to the output directory.
    pub report: String,
    pub gap_rules: Vec<GapRef>,
}

impl UnitScore {
    pub fn from_report(report: &Report, file: String) -> UnitScore {
        let mut gaps = BTreeMap::new();
        let mut gap_rules = Vec::new();
        for f in report.findings.iter().filter(|f| f.status == Status::Gap) {
            *gaps.entry(f.severity).or_default() += 1;
            gap_rules.push(GapRef {
                rule_id: f.rule_id.clone(),
                name: f.name.clone(),
                severity: f.severity,
            });
        }
        let s = &report.score;
        UnitScore {
            points: s.points,
            worst: Some(s.worst.points),
            grade: s.grade.clone(),
            pass: s.pass,
            provisional: s.provisional,
            vetoes: s.vetoes.clone(),
            gaps,
            inconclusive: s.inconclusive,
            coverage: s.coverage,
            unjudged: s
                .unjudged_text(false)
                .zip(s.unjudged_text(true))
                .map(|(zh, en)| Box::new(Text::new(zh, en))),
            as_of: report.as_of.to_string(),
            report: file,
            gap_rules,
        }
    }

    pub fn gap_count(&self) -> usize {
        self.gaps.values().sum()
    }

    /// The worst end of the range (the best for summaries written before it was kept).
    pub fn worst_points(&self) -> f64 {
        self.worst.unwrap_or(self.points)
    }

    /// The points as a reader sees them: `87.5`, or `41.0–100.0` for a range.
    pub fn points_text(&self) -> String {
        let w = self.worst_points();
        if w == self.points {
            format!("{:.1}", self.points)
        } else {
            format!("{w:.1}–{:.1}", self.points)
        }
    }
}

/// A unit's row in the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    /// Line of the list the unit came from.
    pub line: usize,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parent: Option<String>,
    pub target: String,
    pub pack: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Audited, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Outcome {
    Audited(UnitScore),
    /// The site could not be audited (unreachable, nothing in scope fetched ...).
    NotAudited {
        cause: String,
    },
}

impl UnitResult {
    pub fn score(&self) -> Option<&UnitScore> {
        match &self.outcome {
            Outcome::Audited(s) => Some(s),
            Outcome::NotAudited { .. } => None,
        }
    }
}

/// One row of a league table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// 1 for the best score; units with equal scores share a rank; `None` when not audited or
    /// when the grade is provisional (those come after every graded unit, by their worst end).
    pub rank: Option<usize>,
    /// Index into [`BatchSummary::units`].
    pub unit: usize,
}

/// The units under one parent, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct League {
    /// `None` for units whose row names no parent.
    pub parent: Option<String>,
    pub rows: Vec<Ranked>,
    pub audited: usize,
    pub passed: usize,
    /// Audited units whose grade is provisional (待定).
    #[serde(default)]
    pub provisional: usize,
    /// Mean score over graded units (provisional ones left out), one decimal.
    pub mean_points: Option<f64>,
}

/// A rule that many units fail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommonGap {
    pub rule: GapRef,
    /// Units with this gap.
    pub units: usize,
    /// Share of audited units, in percent, one decimal.
    pub share: f64,
}

/// The whole batch: what a single run or a merge of shards writes as `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchSummary {
    pub schema_version: u32,
    pub tool_version: String,
    pub generated_at: String,
    pub list: ListInfo,
    /// The shards this summary covers; `[1/1]` for a whole run.
    pub shards: Vec<Shard>,
    /// In list order.
    pub units: Vec<UnitResult>,
    /// Rows of the list that were skipped, with why.
    pub rejected: Vec<RowError>,
    pub leagues: Vec<League>,
    pub common_gaps: Vec<CommonGap>,
}

/// Why shard summaries cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("nothing to merge")]
    Empty,
    #[error(
        "{0} is a shard of another list ({1}, digest {2}) than the first ({3}, digest {4}); merge only shards of one list"
    )]
    OtherList(String, String, String, String, String),
    #[error("{0}: shard {1} appears twice (in {2} too)")]
    Duplicate(String, Shard, String),
    #[error("{0}: shard {1} is not one of {2} shards like the others")]
    ShardCount(String, Shard, u32),
    #[error(
        "{0}: summary format version {1} is newer than this gongkai understands ({2}); upgrade gongkai"
    )]
    Version(String, u32, u32),
}

impl BatchSummary {
    /// Assembles a summary and computes the league tables and common gaps.
    pub fn new(
        list: ListInfo,
        shards: Vec<Shard>,
        mut units: Vec<UnitResult>,
        mut rejected: Vec<RowError>,
    ) -> BatchSummary {
        units.sort_by_key(|u| u.line);
        rejected.sort_by_key(|r| r.line);
        let mut s = BatchSummary {
            schema_version: SUMMARY_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            generated_at: jiff::Timestamp::now().to_string(),
            list,
            shards,
            units,
            rejected,
            leagues: Vec::new(),
            common_gaps: Vec::new(),
        };
        s.leagues = leagues(&s.units);
        s.common_gaps = common_gaps(&s.units);
        s
    }

    /// Combines shard summaries (named for messages) into the summary a single run would give.
    pub fn merge(parts: Vec<(String, BatchSummary)>) -> Result<BatchSummary, MergeError> {
        let Some((first_name, first)) = parts.first() else {
            return Err(MergeError::Empty);
        };
        let list = first.list.clone();
        let n = first.shards.first().map_or(1, |s| s.n);
        let mut seen: HashMap<Shard, String> = HashMap::new();
        let mut units = Vec::new();
        let mut rejected: Vec<RowError> = Vec::new();
        for (name, part) in &parts {
            if part.schema_version > SUMMARY_VERSION {
                return Err(MergeError::Version(
                    name.clone(),
                    part.schema_version,
                    SUMMARY_VERSION,
                ));
            }
            if part.list.digest != list.digest {
                return Err(MergeError::OtherList(
                    name.clone(),
                    part.list.path.clone(),
                    part.list.digest.clone(),
                    list.path.clone(),
                    list.digest.clone(),
                ));
            }
            for &s in &part.shards {
                if s.n != n {
                    return Err(MergeError::ShardCount(name.clone(), s, n));
                }
                if let Some(other) = seen.insert(s, name.clone()) {
                    return Err(MergeError::Duplicate(name.clone(), s, other));
                }
            }
            units.extend(part.units.iter().cloned());
            // Every shard reports the list's bad rows; keep each once.
            for r in &part.rejected {
                if !rejected.contains(r) {
                    rejected.push(r.clone());
                }
            }
        }
        let _ = first_name;
        let mut shards: Vec<Shard> = seen.into_keys().collect();
        shards.sort();
        Ok(BatchSummary::new(list, shards, units, rejected))
    }

    /// Shards of the list that this summary lacks.
    pub fn missing_shards(&self) -> Vec<Shard> {
        let n = self.shards.first().map_or(1, |s| s.n);
        (1..=n)
            .map(|k| Shard { k, n })
            .filter(|s| !self.shards.contains(s))
            .collect()
    }

    pub fn audited(&self) -> impl Iterator<Item = (&UnitResult, &UnitScore)> {
        self.units.iter().filter_map(|u| Some((u, u.score()?)))
    }

    pub fn not_audited(&self) -> usize {
        self.units.iter().filter(|u| u.score().is_none()).count()
    }

    /// Units whose grade fails (a provisional grade is not a failure: it is not known).
    pub fn failing(&self) -> usize {
        self.audited()
            .filter(|(_, s)| !s.pass && !s.provisional)
            .count()
    }

    /// Units whose grade is provisional (待定).
    pub fn provisional(&self) -> usize {
        self.audited().filter(|(_, s)| s.provisional).count()
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// League tables: one per parent (in order of first appearance in the list), best score first;
/// a veto sorts below any score without one; units with a provisional grade come after every
/// graded unit, unranked, by their worst end (what they are sure to score); units not audited
/// come last.
fn leagues(units: &[UnitResult]) -> Vec<League> {
    let mut order: Vec<Option<String>> = Vec::new();
    for u in units {
        if !order.contains(&u.parent) {
            order.push(u.parent.clone());
        }
    }
    order
        .into_iter()
        .map(|parent| {
            let mut idx: Vec<usize> = (0..units.len())
                .filter(|&i| units[i].parent == parent)
                .collect();
            let key = |i: usize| {
                units[i].score().map(|s| {
                    let points = if s.provisional {
                        s.worst_points()
                    } else {
                        s.points
                    };
                    (
                        s.provisional,
                        !s.vetoes.is_empty(),
                        std::cmp::Reverse((points * 10.0).round() as i64),
                    )
                })
            };
            idx.sort_by(|&a, &b| match (key(a), key(b)) {
                (Some(x), Some(y)) => x.cmp(&y).then(units[a].line.cmp(&units[b].line)),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => units[a].line.cmp(&units[b].line),
            });
            let mut rows = Vec::new();
            let mut rank = 0;
            let mut prev = None;
            for (pos, &i) in idx.iter().enumerate() {
                let k = key(i).filter(|k| !k.0);
                let r = k.map(|k| {
                    if prev != Some(k) {
                        rank = pos + 1;
                        prev = Some(k);
                    }
                    rank
                });
                rows.push(Ranked { rank: r, unit: i });
            }
            let scores: Vec<&UnitScore> = idx.iter().filter_map(|&i| units[i].score()).collect();
            let graded: Vec<&&UnitScore> = scores.iter().filter(|s| !s.provisional).collect();
            League {
                parent,
                audited: scores.len(),
                passed: scores.iter().filter(|s| s.pass).count(),
                provisional: scores.len() - graded.len(),
                mean_points: (!graded.is_empty()).then(|| {
                    round1(graded.iter().map(|s| s.points).sum::<f64>() / graded.len() as f64)
                }),
                rows,
            }
        })
        .collect()
}

/// Gaps across units, most common first.
fn common_gaps(units: &[UnitResult]) -> Vec<CommonGap> {
    let audited = units.iter().filter(|u| u.score().is_some()).count();
    let mut by_rule: BTreeMap<&str, (GapRef, usize)> = BTreeMap::new();
    for s in units.iter().filter_map(UnitResult::score) {
        for g in &s.gap_rules {
            by_rule
                .entry(g.rule_id.as_str())
                .or_insert_with(|| (g.clone(), 0))
                .1 += 1;
        }
    }
    let mut out: Vec<CommonGap> = by_rule
        .into_values()
        .map(|(rule, n)| CommonGap {
            share: round1(100.0 * n as f64 / audited.max(1) as f64),
            rule,
            units: n,
        })
        .collect();
    out.sort_by(|a, b| {
        b.units
            .cmp(&a.units)
            .then(b.rule.severity.cmp(&a.rule.severity))
            .then(a.rule.rule_id.cmp(&b.rule.rule_id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(line: usize, parent: &str, points: Option<f64>, veto: bool) -> UnitResult {
        UnitResult {
            line,
            name: format!("u{line}"),
            parent: Some(parent.to_string()),
            target: format!("http://u{line}.example.gov.cn/"),
            pack: "cn-edu-county".into(),
            outcome: match points {
                Some(p) => Outcome::Audited(UnitScore {
                    points: p,
                    worst: Some(p),
                    grade: Text::new("良好", "Good"),
                    pass: !veto && p >= 60.0,
                    provisional: false,
                    vetoes: if veto { vec!["V".into()] } else { vec![] },
                    gaps: BTreeMap::new(),
                    inconclusive: 0,
                    coverage: 100.0,
                    unjudged: None,
                    as_of: "2026-11-26".into(),
                    report: String::new(),
                    gap_rules: vec![GapRef {
                        rule_id: "R1".into(),
                        name: Text::new("规则", "rule"),
                        severity: Severity::Major,
                    }],
                }),
                None => Outcome::NotAudited {
                    cause: "timeout".into(),
                },
            },
        }
    }

    #[test]
    fn league_ranks_ties_vetoes_and_failures() {
        let units = vec![
            unit(2, "A", Some(80.0), false),
            unit(3, "A", Some(95.0), true),
            unit(4, "A", None, false),
            unit(5, "A", Some(80.0), false),
            unit(6, "A", Some(90.0), false),
        ];
        let l = &leagues(&units)[0];
        let order: Vec<(usize, Option<usize>)> = l
            .rows
            .iter()
            .map(|r| (units[r.unit].line, r.rank))
            .collect();
        // 90 first; the two 80s share rank 2; the veto is below any score without one; the
        // unit not audited is last and unranked.
        assert_eq!(
            order,
            vec![
                (6, Some(1)),
                (2, Some(2)),
                (5, Some(2)),
                (3, Some(4)),
                (4, None)
            ]
        );
        assert_eq!(l.audited, 4);
        assert_eq!(l.mean_points, Some(86.3));
        let g = common_gaps(&units);
        assert_eq!((g[0].units, g[0].share), (4, 100.0));
    }

    /// A unit whose grade is provisional: `best` if every rule not judged passed, `worst` if not.
    fn provisional(line: usize, parent: &str, best: f64, worst: f64) -> UnitResult {
        let mut u = unit(line, parent, Some(best), false);
        if let Outcome::Audited(s) = &mut u.outcome {
            s.worst = Some(worst);
            s.provisional = true;
            s.pass = false;
            s.grade = Text::new("待定", "provisional");
        }
        u
    }

    #[test]
    fn a_provisional_unit_never_ranks_above_a_graded_one() {
        let units = vec![
            // Blocked by a firewall: 100 if everything unseen passed, 38 if not.
            provisional(2, "A", 100.0, 38.0),
            unit(3, "A", Some(61.0), false),
            provisional(4, "A", 95.0, 70.0),
            unit(5, "A", Some(20.0), true),
            unit(6, "A", None, false),
        ];
        let l = &leagues(&units)[0];
        let order: Vec<(usize, Option<usize>)> = l
            .rows
            .iter()
            .map(|r| (units[r.unit].line, r.rank))
            .collect();
        // Graded units first, ranked (the veto below the 61); then the provisional ones,
        // unranked, by what they are sure to score; the unit not audited last.
        assert_eq!(
            order,
            vec![(3, Some(1)), (5, Some(2)), (4, None), (2, None), (6, None)]
        );
        assert_eq!((l.audited, l.provisional), (4, 2));
        // The mean is over graded units only.
        assert_eq!(l.mean_points, Some(40.5));
        let summary = BatchSummary::new(
            ListInfo {
                path: "units.csv".into(),
                digest: String::new(),
                units: 5,
            },
            vec![Shard::WHOLE],
            units,
            Vec::new(),
        );
        // A provisional grade is not a failure, and it is counted apart.
        assert_eq!((summary.failing(), summary.provisional()), (1, 2));
    }

    #[test]
    fn shards_partition_the_list() {
        let n = 3;
        for i in 0..10 {
            let owners: Vec<u32> = (1..=n).filter(|&k| Shard { k, n }.contains(i)).collect();
            assert_eq!(owners.len(), 1, "unit {i} in {owners:?}");
        }
        assert!(Shard::parse("0/3").is_err());
        assert!(Shard::parse("4/3").is_err());
        assert!(Shard::parse("x").is_err());
        assert_eq!(Shard::parse(" 2/8").unwrap(), Shard { k: 2, n: 8 });
    }
}
