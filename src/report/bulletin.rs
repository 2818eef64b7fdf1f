//! A 通报-style plain-text narrative: the wording supervisory offices already publish
//! ("工作动态栏目最新信息发布于2026年9月15日，已超过14天未更新").

use std::io::Write;

use super::{Render, Report, ordered, sanitize};
use crate::audit::Status;
use crate::rules::Severity;

pub struct BulletinReport {
    pub en: bool,
}

/// 一、二、三 … for numbered items.
fn chinese_ordinal(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// The unit profile, as its own paragraph under the heading.
fn unit_line(report: &Report, en: bool, out: &mut dyn Write) -> std::io::Result<()> {
    match report.unit_line(en) {
        Some((label, line)) => {
            let colon = if en { ": " } else { "：" };
            writeln!(out, "{label}{colon}{}\n", sanitize(&line))
        }
        None => Ok(()),
    }
}

impl Render for BulletinReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let en = self.en;
        let s = &report.score;
        let unit = sanitize(&report.unit_name());
        let gaps: Vec<_> = ordered(report)
            .into_iter()
            .filter(|f| f.is_counted_gap())
            .collect();
        let unsure: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.status == Status::Inconclusive)
            .collect();
        let vetoes: Vec<&str> = gaps
            .iter()
            .filter(|f| f.severity == Severity::Veto)
            .map(|f| f.name.get(en))
            .collect();
        let d = report.as_of;
        if en {
            writeln!(out, "Findings of the disclosure audit of {unit}")?;
            writeln!(out, "(as of {d}; rule pack: {})\n", report.pack.name.en)?;
            unit_line(report, en, out)?;
            let points = if s.worst.points == s.points {
                format!("{}", s.points)
            } else {
                format!("between {} and {}", s.worst.points, s.points)
            };
            if s.provisional {
                write!(
                    out,
                    "The audit scored {points} of {} points; the grade is {}",
                    s.base, s.grade.en
                )?;
            } else {
                write!(
                    out,
                    "The audit scored {points} of {} points, grade {}",
                    s.base, s.grade.en
                )?;
            }
            if !vetoes.is_empty() {
                write!(out, " (veto: {})", vetoes.join("; "))?;
            }
            writeln!(
                out,
                ". {} of {} requirements were met.",
                s.passed,
                s.passed + s.gaps
            )?;
            if let Some(t) = s.unjudged_text(true) {
                match s.range_text(true) {
                    Some(r) => writeln!(out, "{t}; {r}.")?,
                    None => writeln!(out, "{t}.")?,
                }
            }
            if !gaps.is_empty() {
                writeln!(out, "\nProblems found:")?;
            }
            for (i, f) in gaps.iter().enumerate() {
                writeln!(
                    out,
                    "{}. {}: {} (basis: {})",
                    i + 1,
                    f.name.en,
                    sanitize(&f.message.en),
                    f.basis.en
                )?;
            }
            if !unsure.is_empty() {
                let names: Vec<String> = unsure
                    .iter()
                    .map(|f| {
                        format!(
                            "{} ({})",
                            f.name.en,
                            f.reason.map(|r| r.label(true)).unwrap_or_default()
                        )
                    })
                    .collect();
                writeln!(
                    out,
                    "\nCould not be verified, for technical reasons: {}.",
                    names.join("; ")
                )?;
            }
            if !gaps.is_empty() {
                writeln!(out, "\nRemedies:")?;
                for (i, f) in gaps.iter().enumerate() {
                    writeln!(out, "{}. {}", i + 1, f.remedy.en)?;
                }
            }
        } else {
            writeln!(out, "关于{unit}政府信息公开情况的检查结果")?;
            writeln!(
                out,
                "（检查基准日期：{}年{}月{}日；依据：{}）\n",
                d.year(),
                d.month(),
                d.day(),
                report.pack.name.zh
            )?;
            unit_line(report, en, out)?;
            let points = if s.worst.points == s.points {
                format!("{}", s.points)
            } else {
                format!("{}至{}", s.worst.points, s.points)
            };
            if s.provisional {
                write!(
                    out,
                    "经检查，{unit}政府信息公开得分{points}分（满分{}分），等级{}",
                    s.base, s.grade.zh
                )?;
            } else {
                write!(
                    out,
                    "经检查，{unit}政府信息公开得分{points}分（满分{}分），等级为{}",
                    s.base, s.grade.zh
                )?;
            }
            if !vetoes.is_empty() {
                write!(out, "（触发单项否决：{}）", vetoes.join("、"))?;
            }
            writeln!(
                out,
                "。检查的{}项要求中，{}项符合要求。",
                s.passed + s.gaps,
                s.passed
            )?;
            if let Some(t) = s.unjudged_text(false) {
                match s.range_text(false) {
                    Some(r) => writeln!(out, "{t}；{r}。")?,
                    None => writeln!(out, "{t}。")?,
                }
            }
            if !gaps.is_empty() {
                writeln!(out, "\n存在的主要问题：")?;
            }
            for (i, f) in gaps.iter().enumerate() {
                let msg = sanitize(&f.message.zh);
                let msg = msg.trim_end_matches('。');
                writeln!(
                    out,
                    "{}、{}：{}。（依据：{}）",
                    chinese_ordinal(i + 1),
                    f.name.zh,
                    msg,
                    f.basis.zh
                )?;
            }
            if !unsure.is_empty() {
                let names: Vec<String> = unsure
                    .iter()
                    .map(|f| {
                        format!(
                            "{}（{}）",
                            f.name.zh,
                            f.reason.map(|r| r.label(false)).unwrap_or_default()
                        )
                    })
                    .collect();
                writeln!(out, "\n因技术原因未能核实的事项：{}。", names.join("；"))?;
            }
            if !gaps.is_empty() {
                writeln!(out, "\n整改建议：")?;
                for (i, f) in gaps.iter().enumerate() {
                    writeln!(out, "{}. {}", i + 1, f.remedy.zh)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::chinese_ordinal;

    #[test]
    fn ordinals() {
        assert_eq!(chinese_ordinal(1), "一");
        assert_eq!(chinese_ordinal(10), "十");
        assert_eq!(chinese_ordinal(12), "十二");
        assert_eq!(chinese_ordinal(20), "二十");
        assert_eq!(chinese_ordinal(31), "三十一");
    }
}
