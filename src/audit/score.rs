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
