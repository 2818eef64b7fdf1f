//! The official scoring method: a veto item fails the site; otherwise 100 minus the (capped)
//! deductions, mapped to a grade band from the pack.
//!
//! What could not be verified scores nothing either way. Each rule that could not be judged
//! carries its stake (what it would cost were it a gap), so the score is a range: the best end
//! counts every such rule as passing, the worst end as a gap (its deduction, or its veto). The
//! grade is stated only when both ends give the same grade; otherwise it is provisional (待定)
//! and does not pass. Rules that do not apply (`not_applicable`) stake nothing and are left out
//! of coverage.

use serde::{Deserialize, Serialize};

use super::finding::{Finding, Reason, Status, Text};
use super::messages::Lang;
use crate::rules::{Grade, Scoring, Severity};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Score {
    /// Points after the deductions of the gaps found, one decimal: the best end of the range
    /// (every rule that could not be judged counted as passing), the same as `best.points`.
    pub points: f64,
    pub base: f64,
    /// Deductions of the gaps found (capped at the base).
    pub deductions: f64,
    /// Ids of veto rules that found a gap.
    pub vetoes: Vec<String>,
    /// The grade when both ends of the range give the same one; otherwise the provisional
    /// label (待定 / provisional).
    pub grade: Text,
    /// Whether the grade passes; never true while the grade is provisional.
    pub pass: bool,
    /// True when the ends of the range give different grades: the grade is not stated.
    #[serde(default)]
    pub provisional: bool,
    /// Every rule that could not be judged counted as passing (what was verified).
    #[serde(default)]
    pub best: ScoreEnd,
    /// Every rule that could not be judged counted as a gap: its deduction, or its veto.
    #[serde(default)]
    pub worst: ScoreEnd,
    /// Rules judged (passed or gap) among the rules that apply, in percent, one decimal.
    pub coverage: f64,
    /// Passing rules among judged rules whose gaps count (waived gaps left out), in percent.
    #[serde(default)]
    pub pass_rate: f64,
    pub passed: usize,
    /// Gaps that count: waived ones are not among them.
    pub gaps: usize,
    /// Rules that apply but could not be judged (`not_applicable` ones are not among them).
    pub inconclusive: usize,
    /// Gaps excused by a waiver in force.
    #[serde(default)]
    pub waived: usize,
    /// Rules that do not apply to this site (`not_applicable`): they stake nothing.
    #[serde(default)]
    pub not_applicable: usize,
    /// Points the rules that could not be judged would deduct together (before the base cap).
    #[serde(default)]
    pub at_stake: f64,
    /// The rules that could not be judged, grouped by cause, largest stake first.
    #[serde(default)]
    pub unjudged: Vec<Unjudged>,
}

/// One end of the score's range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoreEnd {
    /// Points, one decimal.
    pub points: f64,
    pub grade: Text,
    pub pass: bool,
    /// Veto rules that fail the site at this end.
    pub vetoes: Vec<String>,
}

/// Why rules could not be judged, in causes a reader understands.
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
pub enum Cause {
    /// A firewall, bot challenge or rate limit answered instead of the page (403, 429).
    Blocked,
    /// The content is drawn by JavaScript from a source the audit does not run.
    Javascript,
    /// Pages beyond the crawl's limits (pages, depth, time).
    Budget,
    /// robots.txt disallows the pages.
    Robots,
    /// Timeouts, refused connections, TLS and server errors, a host given up on.
    Network,
    /// Anything else: out of scope, unreadable attachments, soft 404s, not in the archive.
    Other,
}

impl Cause {
    pub const ALL: [Cause; 6] = [
        Cause::Blocked,
        Cause::Javascript,
        Cause::Budget,
        Cause::Robots,
        Cause::Network,
        Cause::Other,
    ];

    pub fn of(reason: Option<Reason>) -> Cause {
        match reason {
            Some(Reason::Blocked | Reason::RateLimited) => Cause::Blocked,
            Some(Reason::JsOnly) => Cause::Javascript,
            Some(Reason::NotCrawled) => Cause::Budget,
            Some(Reason::RobotsDisallowed) => Cause::Robots,
            Some(
                Reason::Timeout
                | Reason::Unreachable
                | Reason::Tls
                | Reason::ServerError
                | Reason::RedirectError
                | Reason::CircuitOpen
                | Reason::FetchError,
            ) => Cause::Network,
            _ => Cause::Other,
        }
    }

    /// The cause in a report language (from the message catalogue).
    pub fn label(self, en: bool) -> &'static str {
        Lang::of(en).cause(self)
    }
}

/// The rules one cause kept from being judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Unjudged {
    pub cause: Cause,
    /// Their rule ids, in the pack's order.
    pub rules: Vec<String>,
    /// Points they would deduct together were they gaps.
    pub points: f64,
    /// Those of them that would veto the site.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub vetoes: Vec<String>,
}

impl Score {
    /// The points as a reader sees them: `87.5`, or the range `41–100` when the ends differ.
    /// (A veto at the worst end changes the grade, not the points: the grade says it.)
    pub fn points_text(&self) -> String {
        if !self.has_ends() || self.worst.points == self.points {
            format!("{}", self.points)
        } else {
            format!("{}–{}", self.worst.points, self.points)
        }
    }

    /// What could not be judged, in a sentence (`12条规则共38分无法判定：…`); `None` when every
    /// rule that applies was judged.
    pub fn unjudged_text(&self, en: bool) -> Option<String> {
        (self.inconclusive > 0).then(|| Lang::of(en).unjudged(self))
    }

    /// Whether the score carries its two ends: reports written before the range existed read
    /// back without them (an empty grade), and are shown as the single score they had.
    pub fn has_ends(&self) -> bool {
        !self.worst.grade.zh.is_empty() || !self.worst.grade.en.is_empty()
    }

    /// Coverage, pass rate and the counts in a line.
    pub fn coverage_text(&self, en: bool) -> String {
        Lang::of(en).coverage(self)
    }

    /// Both ends of the range with their grades; `None` when the ends are the same.
    pub fn range_text(&self, en: bool) -> Option<String> {
        (self.has_ends() && self.best != self.worst).then(|| Lang::of(en).range(self))
    }

    /// The one-line verdict every format shows: `得分 41–100 / 100 · 等级 待定（…）`.
    pub fn headline(&self, en: bool) -> String {
        Lang::of(en).headline(self)
    }
}

/// One decimal; a value too large to scale (a pack's base may be any finite number) is
/// already whole and stays as it is rather than overflowing to infinity.
fn round1(x: f64) -> f64 {
    let r = (x * 10.0).round() / 10.0;
    if r.is_finite() { r } else { x }
}

/// A sum of points that stays finite: a pack's points may be as large as a float goes, and an
/// infinite stake would not survive JSON (it is written as null).
fn sum_finite(xs: impl Iterator<Item = f64>) -> f64 {
    xs.fold(0.0, |a, b| (a + b).min(f64::MAX))
}

/// Points and grade for deductions `deducted` and veto rules `vetoes`.
fn end(scoring: &Scoring, deducted: f64, vetoes: Vec<String>) -> ScoreEnd {
    let deductions = round1(deducted.min(scoring.base));
    let points = round1((scoring.base - deductions).max(0.0));
    let grade: &Grade = if !vetoes.is_empty() {
        &scoring.veto_grade
    } else {
        scoring
            .grades
            .iter()
            .find(|g| points >= g.min)
            .unwrap_or(&scoring.veto_grade)
    };
    ScoreEnd {
        points,
        grade: Text::new(grade.zh.clone(), grade.en.clone()),
        pass: grade.pass,
        vetoes,
    }
}

pub fn score(findings: &[Finding], scoring: &Scoring) -> Score {
    let vetoes: Vec<String> = findings
        .iter()
        .filter(|f| f.is_counted_gap() && f.severity == Severity::Veto)
        .map(|f| f.rule_id.clone())
        .collect();
    let found: f64 = findings.iter().map(|f| f.deduction).sum();
    let unjudged: Vec<&Finding> = findings.iter().filter(|f| f.is_unjudged()).collect();
    let stake = |f: &Finding| f.at_stake.map_or(0.0, |s| s.points);
    let at_stake = sum_finite(unjudged.iter().map(|f| stake(f)));
    let worst_vetoes: Vec<String> = vetoes
        .iter()
        .cloned()
        .chain(
            unjudged
                .iter()
                .filter(|f| f.at_stake.is_some_and(|s| s.veto))
                .map(|f| f.rule_id.clone()),
        )
        .collect();
    let best = end(scoring, found, vetoes.clone());
    let worst = end(scoring, (found + at_stake).min(f64::MAX), worst_vetoes);
    // The grade as a reader sees it: a veto graded 不合格 and 30 points graded 不合格 are one
    // grade, and the site fails either way.
    let provisional = (&best.grade, best.pass) != (&worst.grade, worst.pass);

    let mut causes: Vec<Unjudged> = Cause::ALL
        .iter()
        .filter_map(|&cause| {
            let mine: Vec<&&Finding> = unjudged
                .iter()
                .filter(|f| Cause::of(f.reason) == cause)
                .collect();
            (!mine.is_empty()).then(|| Unjudged {
                cause,
                rules: mine.iter().map(|f| f.rule_id.clone()).collect(),
                points: round1(sum_finite(mine.iter().map(|f| stake(f)))),
                vetoes: mine
                    .iter()
                    .filter(|f| f.at_stake.is_some_and(|s| s.veto))
                    .map(|f| f.rule_id.clone())
                    .collect(),
            })
        })
        .collect();
    // Largest stake first (a veto outweighs any points); ties keep the causes' order.
    causes.sort_by(|a, b| {
        (b.vetoes.len().min(1), b.points)
            .partial_cmp(&(a.vetoes.len().min(1), a.points))
            .unwrap_or(std::cmp::Ordering::Equal)
    });

    let count = |s: Status| findings.iter().filter(|f| f.status == s).count();
    let waived = findings.iter().filter(|f| f.is_waived()).count();
    let not_applicable = findings
        .iter()
        .filter(|f| f.status == Status::Inconclusive && !f.is_unjudged())
        .count();
    let (passed, gaps, inconclusive) = (
        count(Status::Pass),
        count(Status::Gap) - waived,
        unjudged.len(),
    );
    let judged = passed + gaps + waived;
    let percent = |n: usize, of: usize| {
        if of == 0 {
            0.0
        } else {
            round1(100.0 * n as f64 / of as f64)
        }
    };
    let (grade, pass) = if provisional {
        let l = |en| Lang::of(en).provisional();
        (Text::new(l(false), l(true)), false)
    } else {
        (best.grade.clone(), best.pass)
    };
    Score {
        points: best.points,
        base: scoring.base,
        deductions: round1(found.min(scoring.base)),
        vetoes,
        grade,
        pass,
        provisional,
        best,
        worst,
        coverage: percent(judged, judged + inconclusive),
        pass_rate: percent(passed, passed + gaps),
        passed,
        gaps,
        inconclusive,
        waived,
        not_applicable,
        at_stake: round1(at_stake),
        unjudged: causes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Reason, WaiverNote};
    use crate::rules::Grade;

    fn grade(min: f64, zh: &str, pass: bool) -> Grade {
        Grade {
            min,
            zh: zh.into(),
            en: zh.into(),
            pass,
        }
    }

    /// 100 points; 优秀 from 90, 合格 from 60, 不合格 below; a veto gives 否决.
    fn scoring() -> Scoring {
        Scoring {
            base: 100.0,
            grades: vec![
                grade(90.0, "优秀", true),
                grade(60.0, "合格", true),
                grade(0.0, "不合格", false),
            ],
            veto_grade: grade(0.0, "否决", false),
        }
    }

    fn f(id: &str, severity: Severity, status: Status, deduction: f64) -> Finding {
        Finding {
            rule_id: id.into(),
            name: Text::new(id, id),
            basis: Text::new("", ""),
            severity,
            status,
            reason: (status == Status::Gap).then_some(Reason::Missing),
            deduction,
            count: None,
            facts: None,
            message: Text::new("", ""),
            evidence: Vec::new(),
            remedy: Text::new("", ""),
            waiver: None,
            at_stake: None,
        }
    }

    /// A rule that could not be judged (blocked), staking `points` or a veto.
    fn inc(id: &str, severity: Severity, points: f64) -> Finding {
        let mut x = f(id, severity, Status::Inconclusive, 0.0);
        x.reason = Some(Reason::Blocked);
        x.at_stake = Some(crate::audit::Stake {
            points,
            veto: severity == Severity::Veto,
        });
        x
    }

    fn waived(mut x: Finding, expired: bool) -> Finding {
        x.waiver = Some(WaiverNote {
            reason: "整改中".into(),
            expires: jiff::civil::date(2026, 12, 31),
            expired,
        });
        x
    }

    #[test]
    fn points_are_the_base_less_the_deductions() {
        let s = score(
            &[
                f("A", Severity::Major, Status::Gap, 10.0),
                f("B", Severity::Minor, Status::Gap, 2.5),
                f("C", Severity::Minor, Status::Pass, 0.0),
            ],
            &scoring(),
        );
        assert_eq!((s.deductions, s.points, s.base), (12.5, 87.5, 100.0));
        assert_eq!(s.grade.zh, "合格");
        assert!(s.pass && s.vetoes.is_empty());
    }

    #[test]
    fn deductions_are_capped_at_the_base_and_points_never_go_below_zero() {
        let s = score(
            &[
                f("A", Severity::Major, Status::Gap, 80.0),
                f("B", Severity::Major, Status::Gap, 70.0),
            ],
            &scoring(),
        );
        assert_eq!((s.deductions, s.points), (100.0, 0.0));
        assert_eq!(s.grade.zh, "不合格");
    }

    #[test]
    fn points_and_deductions_are_rounded_to_one_decimal() {
        // 0.1 + 0.2 is not 0.3 in floating point; the report says 0.3.
        let s = score(
            &[
                f("A", Severity::Minor, Status::Gap, 0.1),
                f("B", Severity::Minor, Status::Gap, 0.2),
                f("C", Severity::Minor, Status::Gap, 0.04),
            ],
            &scoring(),
        );
        assert_eq!((s.deductions, s.points), (0.3, 99.7));
        assert_eq!(round1(0.05), 0.1);
        // A value too large to scale stays as it is instead of becoming infinite.
        assert_eq!(round1(f64::MAX), f64::MAX);
    }

    #[test]
    fn a_veto_gap_fails_whatever_the_points() {
        let s = score(
            &[
                f("HOME", Severity::Veto, Status::Gap, 0.0),
                f("B", Severity::Minor, Status::Pass, 0.0),
            ],
            &scoring(),
        );
        assert_eq!(s.points, 100.0);
        assert_eq!(s.vetoes, ["HOME"]);
        assert_eq!(s.grade.zh, "否决");
        assert!(!s.pass);
        // A veto rule that passes or cannot be judged vetoes nothing.
        for status in [Status::Pass, Status::Inconclusive] {
            let s = score(&[f("HOME", Severity::Veto, status, 0.0)], &scoring());
            assert!(s.vetoes.is_empty() && s.pass, "{status:?}");
        }
    }

    #[test]
    fn a_waived_gap_neither_counts_nor_vetoes_and_an_expired_waiver_does_not_excuse() {
        let findings = [
            waived(f("HOME", Severity::Veto, Status::Gap, 0.0), false),
            // apply_waivers zeroes a waived gap's deduction; the score trusts it.
            waived(f("A", Severity::Major, Status::Gap, 0.0), false),
            waived(f("B", Severity::Major, Status::Gap, 5.0), true),
            f("C", Severity::Minor, Status::Pass, 0.0),
        ];
        let s = score(&findings, &scoring());
        assert!(s.vetoes.is_empty());
        assert_eq!((s.gaps, s.waived, s.passed), (1, 2, 1));
        assert_eq!(s.points, 95.0);
        // Every rule was judged; the pass rate is over judged rules that count: one pass, one
        // counted gap.
        assert_eq!((s.coverage, s.pass_rate), (100.0, 50.0));
        let expired_veto = [waived(f("HOME", Severity::Veto, Status::Gap, 0.0), true)];
        assert_eq!(score(&expired_veto, &scoring()).vetoes, ["HOME"]);
    }

    #[test]
    fn coverage_leaves_out_what_could_not_be_judged() {
        let s = score(
            &[
                f("A", Severity::Minor, Status::Pass, 0.0),
                f("B", Severity::Minor, Status::Gap, 1.0),
                f("C", Severity::Minor, Status::Gap, 1.0),
                f("D", Severity::Minor, Status::Inconclusive, 0.0),
            ],
            &scoring(),
        );
        // Three of four rules judged; one of the three passed.
        assert_eq!((s.coverage, s.pass_rate), (75.0, 33.3));
        assert_eq!(s.inconclusive, 1);
        let none = score(
            &[f("D", Severity::Minor, Status::Inconclusive, 0.0)],
            &scoring(),
        );
        assert_eq!((none.coverage, none.points), (0.0, 100.0));
    }

    #[test]
    fn what_could_not_be_judged_makes_a_range_and_a_provisional_grade() {
        let s = score(
            &[
                f("A", Severity::Minor, Status::Pass, 0.0),
                f("B", Severity::Major, Status::Gap, 4.0),
                inc("C", Severity::Major, 5.0),
                inc("D", Severity::Minor, 3.0),
            ],
            &scoring(),
        );
        // Best: only B deducts; worst: C and D too.
        assert_eq!(
            (s.points, s.best.points, s.worst.points),
            (96.0, 96.0, 88.0)
        );
        assert_eq!(
            (s.best.grade.zh.as_str(), s.worst.grade.zh.as_str()),
            ("优秀", "合格")
        );
        assert!(s.provisional && !s.pass);
        assert_eq!(
            (s.grade.zh.as_str(), s.grade.en.as_str()),
            ("待定", "provisional")
        );
        assert_eq!(s.points_text(), "88–96");
        assert_eq!((s.at_stake, s.inconclusive), (8.0, 2));
        assert_eq!(s.unjudged.len(), 1);
        assert_eq!(s.unjudged[0].cause, Cause::Blocked);
        assert_eq!(s.unjudged[0].rules, ["C", "D"]);
        assert_eq!(s.unjudged[0].points, 8.0);
        assert_eq!(
            s.headline(false),
            "得分 88–96 / 100 · 等级 待定（2条规则共8分无法判定：防火墙拦截或限流2条（8分））"
        );
        assert_eq!(
            s.headline(true),
            "Score 88–96 / 100 · Grade provisional (2 rules worth 8 points could not be judged: blocked by a firewall or rate limit 2 (8 pts))"
        );
    }

    #[test]
    fn both_ends_in_one_band_state_the_grade() {
        let s = score(
            &[
                f("A", Severity::Minor, Status::Pass, 0.0),
                inc("C", Severity::Minor, 2.0),
                inc("D", Severity::Advisory, 0.0),
            ],
            &scoring(),
        );
        assert_eq!((s.points, s.worst.points), (100.0, 98.0));
        assert!(!s.provisional && s.pass);
        assert_eq!(s.grade.zh, "优秀");
        // Still said: two rules were not judged, one of them costing nothing.
        assert_eq!(s.inconclusive, 2);
        assert!(
            s.unjudged_text(false)
                .is_some_and(|t| t.starts_with("2条规则共2分无法判定"))
        );
        // Both ends fail: the grade is stated and fails, whatever was not judged.
        let s = score(
            &[
                f("B", Severity::Major, Status::Gap, 45.0),
                inc("C", Severity::Major, 10.0),
            ],
            &scoring(),
        );
        assert_eq!((s.points, s.worst.points), (55.0, 45.0));
        assert!(!s.provisional && !s.pass);
        assert_eq!(s.grade.zh, "不合格");
    }

    #[test]
    fn a_veto_rule_that_could_not_be_judged_vetoes_at_the_worst_end() {
        let s = score(
            &[
                f("A", Severity::Minor, Status::Pass, 0.0),
                inc("HOME", Severity::Veto, 0.0),
            ],
            &scoring(),
        );
        assert!(s.vetoes.is_empty());
        assert_eq!(s.worst.vetoes, ["HOME"]);
        assert_eq!(
            (s.best.grade.zh.as_str(), s.worst.grade.zh.as_str()),
            ("优秀", "否决")
        );
        // The points do not move, the grade does.
        assert_eq!(s.points_text(), "100");
        assert!(s.provisional && !s.pass);
        assert_eq!(s.unjudged[0].vetoes, ["HOME"]);
        assert!(
            s.headline(false).contains("含单项否决项1条"),
            "{}",
            s.headline(false)
        );
        // Points below every band and a veto give the same grade when the pack names them
        // alike: stated, failing.
        let mut same = scoring();
        same.veto_grade = grade(0.0, "不合格", false);
        let s = score(
            &[
                f("B", Severity::Major, Status::Gap, 50.0),
                inc("HOME", Severity::Veto, 0.0),
            ],
            &same,
        );
        assert!(!s.provisional && !s.pass);
        assert_eq!(s.grade.zh, "不合格");
        // Already vetoed by a gap found: both ends are the veto grade, stated.
        let s = score(
            &[
                f("V", Severity::Veto, Status::Gap, 0.0),
                inc("HOME", Severity::Veto, 0.0),
            ],
            &scoring(),
        );
        assert!(!s.provisional);
        assert_eq!(s.grade.zh, "否决");
    }

    #[test]
    fn the_worst_end_is_capped_at_the_base_and_causes_are_grouped() {
        let mut js = inc("J", Severity::Major, 30.0);
        js.reason = Some(Reason::JsOnly);
        let mut budget = inc("N", Severity::Major, 50.0);
        budget.reason = Some(Reason::NotCrawled);
        let mut timeout = inc("T", Severity::Minor, 40.0);
        timeout.reason = Some(Reason::Timeout);
        let s = score(
            &[
                f("B", Severity::Major, Status::Gap, 10.0),
                js,
                budget,
                timeout,
            ],
            &scoring(),
        );
        assert_eq!((s.points, s.worst.points), (90.0, 0.0));
        assert_eq!(s.at_stake, 120.0);
        let causes: Vec<(Cause, f64)> = s.unjudged.iter().map(|u| (u.cause, u.points)).collect();
        assert_eq!(
            causes,
            [
                (Cause::Budget, 50.0),
                (Cause::Network, 40.0),
                (Cause::Javascript, 30.0)
            ]
        );
    }

    #[test]
    fn rules_that_do_not_apply_stake_nothing_and_leave_coverage_alone() {
        let mut na = f("NA", Severity::Major, Status::Inconclusive, 0.0);
        na.reason = Some(Reason::NotApplicable);
        let s = score(
            &[f("A", Severity::Minor, Status::Pass, 0.0), na],
            &scoring(),
        );
        assert!(!s.provisional && s.pass);
        assert_eq!(
            (s.inconclusive, s.not_applicable, s.coverage),
            (0, 1, 100.0)
        );
        assert!(s.unjudged.is_empty() && s.unjudged_text(false).is_none());
    }

    #[test]
    fn a_score_written_before_ranges_reads_back_as_the_single_score_it_was() {
        let old: Score = serde_json::from_str(
            r#"{"points": 86.0, "base": 100.0, "deductions": 14.0, "vetoes": [],
                "grade": {"zh": "良好", "en": "Good"}, "pass": true, "coverage": 80.0,
                "passed": 12, "gaps": 3, "inconclusive": 4}"#,
        )
        .expect("a schema-2 score reads");
        assert!(!old.has_ends() && !old.provisional);
        assert_eq!(old.points_text(), "86");
        assert_eq!(old.range_text(false), None);
    }

    #[test]
    fn a_waived_rule_that_could_not_be_judged_stakes_nothing() {
        // apply_waivers zeroes the stake of a rule under a waiver in force.
        let findings = [
            f("A", Severity::Minor, Status::Pass, 0.0),
            waived(inc("C", Severity::Major, 0.0), false),
            waived(f("B", Severity::Major, Status::Gap, 0.0), false),
        ];
        let s = score(&findings, &scoring());
        assert_eq!((s.points, s.worst.points), (100.0, 100.0));
        assert!(!s.provisional && s.pass);
        assert_eq!((s.inconclusive, s.waived), (1, 1));
    }

    #[test]
    fn the_first_band_reached_is_the_grade() {
        let at = |deduct: f64| {
            score(&[f("A", Severity::Major, Status::Gap, deduct)], &scoring())
                .grade
                .zh
        };
        assert_eq!(at(10.0), "优秀", "exactly 90 reaches the top band");
        assert_eq!(at(10.1), "合格");
        assert_eq!(at(40.0), "合格");
        assert_eq!(at(40.1), "不合格");
        // Points below every band get the veto grade rather than none.
        let mut high = scoring();
        high.grades.truncate(2);
        let s = score(&[f("A", Severity::Major, Status::Gap, 50.0)], &high);
        assert_eq!((s.grade.zh.as_str(), s.pass), ("否决", false));
    }
}
