//! The official scoring method: a veto item fails the site; otherwise 100 minus the (capped)
//! deductions, mapped to a grade band from the pack. Plus a plain coverage percentage.

use serde::{Deserialize, Serialize};

use super::finding::{Finding, Status, Text};
use crate::rules::{Scoring, Severity};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Score {
    /// Points after deductions, one decimal.
    pub points: f64,
    pub base: f64,
    pub deductions: f64,
    /// Ids of veto rules that found a gap.
    pub vetoes: Vec<String>,
    pub grade: Text,
    /// Whether the grade passes.
    pub pass: bool,
    /// Passing rules as a share of all rules that could be judged, in percent.
    pub coverage: f64,
    pub passed: usize,
    /// Gaps that count: waived ones are not among them.
    pub gaps: usize,
    pub inconclusive: usize,
    /// Gaps excused by a waiver in force.
    #[serde(default)]
    pub waived: usize,
}

/// One decimal; a value too large to scale (a pack's base may be any finite number) is
/// already whole and stays as it is rather than overflowing to infinity.
fn round1(x: f64) -> f64 {
    let r = (x * 10.0).round() / 10.0;
    if r.is_finite() { r } else { x }
}

pub fn score(findings: &[Finding], scoring: &Scoring) -> Score {
    let vetoes: Vec<String> = findings
        .iter()
        .filter(|f| f.is_counted_gap() && f.severity == Severity::Veto)
        .map(|f| f.rule_id.clone())
        .collect();
    let deductions = round1(
        findings
            .iter()
            .map(|f| f.deduction)
            .sum::<f64>()
            .min(scoring.base),
    );
    let points = round1((scoring.base - deductions).max(0.0));
    let count = |s: Status| findings.iter().filter(|f| f.status == s).count();
    let waived = findings.iter().filter(|f| f.is_waived()).count();
    let (passed, gaps, inconclusive) = (
        count(Status::Pass),
        count(Status::Gap) - waived,
        count(Status::Inconclusive),
    );
    let judged = passed + gaps;
    let coverage = if judged == 0 {
        0.0
    } else {
        round1(100.0 * passed as f64 / judged as f64)
    };
    let grade = if !vetoes.is_empty() {
        &scoring.veto_grade
    } else {
        scoring
            .grades
            .iter()
            .find(|g| points >= g.min)
            .unwrap_or(&scoring.veto_grade)
    };
    Score {
        points,
        base: scoring.base,
        deductions,
        vetoes,
        grade: Text::new(grade.zh.clone(), grade.en.clone()),
        pass: grade.pass,
        coverage,
        passed,
        gaps,
        inconclusive,
        waived,
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
        }
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
        // Coverage is over judged rules that count: one pass, one counted gap.
        assert_eq!(s.coverage, 50.0);
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
        assert_eq!(s.coverage, 33.3);
        assert_eq!(s.inconclusive, 1);
        let none = score(
            &[f("D", Severity::Minor, Status::Inconclusive, 0.0)],
            &scoring(),
        );
        assert_eq!((none.coverage, none.points), (0.0, 100.0));
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
