//! Two reports of one site compared rule by rule: what was fixed, what regressed, what is
//! still open, and how the score moved.

use std::collections::BTreeMap;
use std::io::Write;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::audit::{Finding, Reason, Status, Text};
use crate::report::markdown::cell;
use crate::report::{Report, sanitize};
use crate::rules::Severity;

/// How one rule's status changed between the old and the new report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Pass → gap.
    Regressed,
    /// Absent or inconclusive → gap.
    NewGap,
    /// Gap → gap.
    StillOpen,
    /// Pass, gap or absent → inconclusive.
    NewlyInconclusive,
    /// Inconclusive → inconclusive.
    StillInconclusive,
    /// Gap → pass.
    Fixed,
    /// Inconclusive or absent → pass.
    NowPasses,
    /// Pass → pass.
    Unchanged,
    /// Only in the old report: the rule left the pack.
    Removed,
}

impl Change {
    /// Classifies a rule from its status in the old and the new report (`None`: not there).
    pub fn of(before: Option<Status>, after: Option<Status>) -> Option<Change> {
        use Status::*;
        Some(match (before, after) {
            (Some(Gap), Some(Pass)) => Change::Fixed,
            (Some(Pass), Some(Gap)) => Change::Regressed,
            (Some(Gap), Some(Gap)) => Change::StillOpen,
            (None | Some(Inconclusive), Some(Gap)) => Change::NewGap,
            (Some(Inconclusive), Some(Inconclusive)) => Change::StillInconclusive,
            (_, Some(Inconclusive)) => Change::NewlyInconclusive,
            (None | Some(Inconclusive), Some(Pass)) => Change::NowPasses,
            (Some(Pass), Some(Pass)) => Change::Unchanged,
            (Some(_), None) => Change::Removed,
            (None, None) => return None,
        })
    }

    pub fn label(self, en: bool) -> &'static str {
        match (self, en) {
            (Change::Fixed, false) => "已整改",
            (Change::Fixed, true) => "fixed",
            (Change::Regressed, false) => "回退",
            (Change::Regressed, true) => "regressed",
            (Change::StillOpen, false) => "仍未整改",
            (Change::StillOpen, true) => "still open",
            (Change::NewGap, false) => "新增问题",
            (Change::NewGap, true) => "new gap",
            (Change::NewlyInconclusive, false) => "新增无法判定",
            (Change::NewlyInconclusive, true) => "newly inconclusive",
            (Change::StillInconclusive, false) => "仍无法判定",
            (Change::StillInconclusive, true) => "still inconclusive",
            (Change::NowPasses, false) => "现已符合",
            (Change::NowPasses, true) => "now passes",
            (Change::Unchanged, false) => "未变化",
            (Change::Unchanged, true) => "unchanged",
            (Change::Removed, false) => "已移出规则包",
            (Change::Removed, true) => "removed from the pack",
        }
    }

    /// Every change, in reading order (the derive order).
    pub const ALL: [Change; 9] = [
        Change::Regressed,
        Change::NewGap,
        Change::StillOpen,
        Change::NewlyInconclusive,
        Change::StillInconclusive,
        Change::Fixed,
        Change::NowPasses,
        Change::Unchanged,
        Change::Removed,
    ];
}

/// One side of the comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    /// The start URL, or for a local mirror the directory as given.
    pub site: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub site_name: Option<String>,
    pub pack: String,
    pub as_of: Date,
    pub generated_at: String,
    /// The best end of the score's range (the report's `score.points`).
    pub points: f64,
    /// The worst end, when it differs from `points`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub worst: Option<f64>,
    pub grade: Text,
    pub pass: bool,
    /// The grade was provisional (待定).
    #[serde(default)]
    pub provisional: bool,
    /// What could not be judged, when something could not.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unjudged: Option<Text>,
    pub vetoes: Vec<String>,
    pub passed: usize,
    pub gaps: usize,
    pub inconclusive: usize,
}

impl RunInfo {
    /// `87.5`, or `41–100` for a range.
    pub fn points_text(&self) -> String {
        match self.worst {
            Some(w) => format!("{w}–{}", self.points),
            None => self.points.to_string(),
        }
    }

    fn of(r: &Report) -> RunInfo {
        let s = &r.score;
        RunInfo {
            site: site_label(r),
            site_name: r.site.site_name.clone(),
            pack: r.pack.id.clone(),
            as_of: r.as_of,
            generated_at: r.generated_at.clone(),
            points: s.points,
            // Reports written before the range have no worst end: none is shown.
            worst: (s.has_ends() && s.worst.points != s.points).then_some(s.worst.points),
            grade: s.grade.clone(),
            pass: s.pass,
            provisional: s.provisional,
            unjudged: s
                .unjudged_text(false)
                .zip(s.unjudged_text(true))
                .map(|(zh, en)| Text::new(zh, en)),
            vetoes: s.vetoes.clone(),
            passed: s.passed,
            gaps: s.gaps,
            inconclusive: s.inconclusive,
        }
    }
}

/// A local mirror's loopback port changes every run: compare its directory instead.
fn site_label(r: &Report) -> String {
    if r.target.local {
        r.target.input.clone()
    } else {
        r.target.requested().to_string()
    }
}

/// One rule, before and after.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleChange {
    pub rule_id: String,
    pub name: Text,
    pub severity: Severity,
    pub change: Change,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub before: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub after: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason_before: Option<Reason>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason_after: Option<Reason>,
    pub deduction_before: f64,
    pub deduction_after: f64,
    /// The newest message about the rule (the old one for a removed rule).
    pub message: Text,
}

/// Two reports compared. Serialisable, so batch summaries can embed it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportDiff {
    pub old: RunInfo,
    pub new: RunInfo,
    /// New points minus old points, one decimal.
    pub points_change: f64,
    /// Reasons to read the comparison with care (different sites or packs, swapped order).
    pub warnings: Vec<Text>,
    /// How many rules fell into each change.
    pub counts: BTreeMap<Change, usize>,
    /// Every rule of either report, most urgent change first.
    pub rules: Vec<RuleChange>,
}

impl ReportDiff {
    pub fn new(old: &Report, new: &Report) -> ReportDiff {
        let before: BTreeMap<&str, &Finding> = old
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f))
            .collect();
        let after: BTreeMap<&str, &Finding> = new
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f))
            .collect();
        // The new report's order for its rules, then rules only the old one had.
        let mut ids: Vec<&str> = new.findings.iter().map(|f| f.rule_id.as_str()).collect();
        ids.extend(
            old.findings
                .iter()
                .map(|f| f.rule_id.as_str())
                .filter(|id| !after.contains_key(id)),
        );
        let mut rules: Vec<RuleChange> = Vec::new();
        for id in ids {
            let (b, a) = (before.get(id).copied(), after.get(id).copied());
            let Some(change) = Change::of(b.map(|f| f.status), a.map(|f| f.status)) else {
                continue;
            };
            // A rule id repeated in one report is compared once.
            if rules.iter().any(|r| r.rule_id == id) {
                continue;
            }
            let Some(latest) = a.or(b) else { continue };
            rules.push(RuleChange {
                rule_id: id.to_string(),
                name: latest.name.clone(),
                severity: latest.severity,
                change,
                before: b.map(|f| f.status),
                after: a.map(|f| f.status),
                reason_before: b.and_then(|f| f.reason),
                reason_after: a.and_then(|f| f.reason),
                deduction_before: b.map_or(0.0, |f| f.deduction),
                deduction_after: a.map_or(0.0, |f| f.deduction),
                message: latest.message.clone(),
            });
        }
        rules.sort_by_key(|r| (r.change, std::cmp::Reverse(r.severity)));
        let mut counts = BTreeMap::new();
        for r in &rules {
            *counts.entry(r.change).or_insert(0) += 1;
        }

        let (o, n) = (RunInfo::of(old), RunInfo::of(new));
        let mut warnings = Vec::new();
        if old.target.local != new.target.local || o.site != n.site {
            warnings.push(Text::new(
                format!(
                    "两份报告的审计对象不同（{} 与 {}），对比结果仅供参考",
                    o.site, n.site
                ),
                format!(
                    "the reports are for different sites ({} and {}); compare with care",
                    o.site, n.site
                ),
            ));
        }
        if o.pack != n.pack {
            warnings.push(Text::new(
                format!(
                    "两份报告使用的规则包不同（{} 与 {}），对比结果仅供参考",
                    o.pack, n.pack
                ),
                format!(
                    "the reports use different rule packs ({} and {}); compare with care",
                    o.pack, n.pack
                ),
            ));
        }
        if (n.as_of, n.generated_at.as_str()) < (o.as_of, o.generated_at.as_str()) {
            warnings.push(Text::new(
                "新报告早于旧报告：参数顺序是否颠倒？（应为 gongkai diff 旧报告 新报告）",
                "the new report is older than the old one: are the arguments swapped? (gongkai diff OLD NEW)",
            ));
        }
        ReportDiff {
            points_change: ((n.points - o.points) * 10.0).round() / 10.0,
            old: o,
            new: n,
            warnings,
            counts,
            rules,
        }
    }

    /// How many rules changed this way.
    pub fn count(&self, change: Change) -> usize {
        self.counts.get(&change).copied().unwrap_or(0)
    }

    /// Ids of the rules that changed this way.
    pub fn ids(&self, change: Change) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|r| r.change == change)
            .map(|r| r.rule_id.as_str())
            .collect()
    }

    /// The rules worth listing: everything but pass → pass.
    pub fn listed(&self) -> impl Iterator<Item = &RuleChange> {
        self.rules.iter().filter(|r| r.change != Change::Unchanged)
    }

    pub fn title(&self, en: bool) -> String {
        let name = self
            .new
            .site_name
            .as_deref()
            .or(self.old.site_name.as_deref())
            .map(sanitize)
            .unwrap_or_else(|| sanitize(&self.new.site));
        if en {
            format!("Audit comparison: {name}")
        } else {
            format!("审计对比：{name}")
        }
    }

    pub fn score_line(&self, en: bool) -> String {
        let (o, n) = (&self.old, &self.new);
        let sign = if self.points_change > 0.0 { "+" } else { "" };
        if en {
            format!(
                "Score: {} → {} ({sign}{})  Grade: {} → {}",
                o.points_text(),
                n.points_text(),
                self.points_change,
                o.grade.en,
                n.grade.en
            )
        } else {
            format!(
                "得分：{} → {}（{sign}{}）　等级：{} → {}",
                o.points_text(),
                n.points_text(),
                self.points_change,
                o.grade.zh,
                n.grade.zh
            )
        }
    }

    /// A grade that became, or stopped being, provisional (待定), said as such: a grade that
    /// cannot be stated is not a grade that went up or down.
    pub fn provisional_line(&self, en: bool) -> Option<String> {
        let (o, n) = (&self.old, &self.new);
        let why = |r: &RunInfo| r.unjudged.as_ref().map(|t| t.get(en).to_string());
        match (o.provisional, n.provisional) {
            (false, true) => Some(if en {
                format!(
                    "The grade is now provisional (was {}): {}",
                    o.grade.en,
                    why(n).unwrap_or_default()
                )
            } else {
                format!(
                    "等级由{}转为待定：{}",
                    o.grade.zh,
                    why(n).unwrap_or_default()
                )
            }),
            (true, false) => Some(if en {
                format!(
                    "The grade is stated again ({}; was provisional)",
                    n.grade.en
                )
            } else {
                format!("等级已可确定：{}（此前待定）", n.grade.zh)
            }),
            (true, true) => Some(if en {
                format!(
                    "The grade is still provisional: {}",
                    why(n).unwrap_or_default()
                )
            } else {
                format!("等级仍待定：{}", why(n).unwrap_or_default())
            }),
            (false, false) => None,
        }
    }

    pub fn veto_line(&self, en: bool) -> Option<String> {
        let (o, n) = (&self.old.vetoes, &self.new.vetoes);
        if o.is_empty() && n.is_empty() {
            return None;
        }
        let none = if en { "none" } else { "无" };
        let sep = if en { ", " } else { "、" };
        let show = |v: &Vec<String>| {
            if v.is_empty() {
                none.to_string()
            } else {
                v.join(sep)
            }
        };
        Some(if en {
            format!("Vetoes: {} → {}", show(o), show(n))
        } else {
            format!("单项否决：{} → {}", show(o), show(n))
        })
    }

    /// `fixed 1, regressed 1, ...`: every change that happened, in reading order.
    pub fn counts_line(&self, en: bool) -> String {
        let parts: Vec<String> = Change::ALL
            .iter()
            .filter(|c| self.count(**c) > 0)
            .map(|c| format!("{} {}", c.label(en), self.count(*c)))
            .collect();
        parts.join(if en { ", " } else { "，" })
    }

    pub fn run_line(&self, en: bool) -> String {
        let (o, n) = (&self.old, &self.new);
        let when = |r: &RunInfo| format!("{} ({})", r.as_of, super::short_time(&r.generated_at));
        if en {
            format!("Old: {}  New: {}  Rule pack: {}", when(o), when(n), n.pack)
        } else {
            format!(
                "旧报告：{}　新报告：{}　规则包：{}",
                when(o),
                when(n),
                n.pack
            )
        }
    }

    pub fn status_text(s: Option<Status>, reason: Option<Reason>, en: bool) -> String {
        match (s, reason) {
            (None, _) => "—".to_string(),
            (Some(s), Some(r)) if s != Status::Pass => {
                format!("{} ({})", s.label(en), r.label(en))
            }
            (Some(s), _) => s.label(en).to_string(),
        }
    }

    pub(crate) fn render_markdown(&self, out: &mut dyn Write, en: bool) -> std::io::Result<()> {
        writeln!(out, "## {}\n", cell(&self.title(en)))?;
        writeln!(out, "**{}**  ", cell(&self.score_line(en)))?;
        if let Some(p) = self.provisional_line(en) {
            writeln!(out, "{}  ", cell(&p))?;
        }
        if let Some(v) = self.veto_line(en) {
            writeln!(out, "{}  ", cell(&v))?;
        }
        writeln!(out, "{}  ", cell(&self.run_line(en)))?;
        writeln!(out, "{}\n", cell(&self.counts_line(en)))?;
        for w in &self.warnings {
            writeln!(out, "> ⚠️ {}\n", cell(w.get(en)))?;
        }
        let rows: Vec<&RuleChange> = self.listed().collect();
        if rows.is_empty() {
            return Ok(());
        }
        writeln!(
            out,
            "{}",
            if en {
                "| Change | Rule | Before | After | Details |\n|---|---|---|---|---|"
            } else {
                "| 变化 | 规则 | 之前 | 之后 | 说明 |\n|---|---|---|---|---|"
            }
        )?;
        for r in rows {
            let icon = match r.change {
                Change::Regressed | Change::NewGap => "❌ ",
                Change::StillOpen => "⛔ ",
                Change::NewlyInconclusive | Change::StillInconclusive => "⚠️ ",
                Change::Fixed | Change::NowPasses => "✅ ",
                Change::Unchanged | Change::Removed => "",
            };
            writeln!(
                out,
                "| {icon}{} | `{}` {} | {} | {} | {} |",
                r.change.label(en),
                r.rule_id.replace('`', ""),
                cell(r.name.get(en)),
                Self::status_text(r.before, r.reason_before, en),
                Self::status_text(r.after, r.reason_after, en),
                cell(r.message.get(en)),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn every_pair_of_statuses_has_one_change() {
        let cases = [
            (Some(Gap), Some(Pass), Change::Fixed),
            (Some(Pass), Some(Gap), Change::Regressed),
            (Some(Gap), Some(Gap), Change::StillOpen),
            (None, Some(Gap), Change::NewGap),
            (Some(Inconclusive), Some(Gap), Change::NewGap),
            (Some(Pass), Some(Inconclusive), Change::NewlyInconclusive),
            (Some(Gap), Some(Inconclusive), Change::NewlyInconclusive),
            (None, Some(Inconclusive), Change::NewlyInconclusive),
            (
                Some(Inconclusive),
                Some(Inconclusive),
                Change::StillInconclusive,
            ),
            (Some(Inconclusive), Some(Pass), Change::NowPasses),
            (None, Some(Pass), Change::NowPasses),
            (Some(Pass), Some(Pass), Change::Unchanged),
            (Some(Pass), None, Change::Removed),
            (Some(Gap), None, Change::Removed),
        ];
        for (b, a, want) in cases {
            assert_eq!(Change::of(b, a), Some(want), "{b:?} → {a:?}");
        }
        assert_eq!(Change::of(None, None), None);
    }
}
