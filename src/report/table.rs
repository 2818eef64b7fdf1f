//! The terminal report: a table that stays readable in 80 columns, with Chinese aligned (cell
//! widths are measured with unicode-width), colour only when asked for.

use std::io::Write;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::{Render, Report, sanitize};
use crate::audit::{Finding, Status};
use crate::rules::Severity;

pub struct TableReport {
    pub en: bool,
    /// Colour and bold; the caller decides (a TTY, and NO_COLOR unset).
    pub color: bool,
    /// Total width in terminal columns.
    pub width: u16,
}

impl TableReport {
    fn status_cell(&self, f: &Finding) -> Cell {
        let label = match (f.status, f.severity) {
            _ if f.is_waived() => f.status_label(self.en),
            (Status::Gap, Severity::Veto) => {
                if self.en {
                    "VETO"
                } else {
                    "否决"
                }
            }
            (s, _) => s.label(self.en),
        };
        let mut c = Cell::new(label);
        if self.color {
            c = match (f.status, f.severity) {
                (Status::Gap, Severity::Veto) => c.fg(Color::Red).add_attribute(Attribute::Bold),
                (Status::Gap, _) => c.fg(Color::Red),
                (Status::Inconclusive, _) => c.fg(Color::Yellow),
                (Status::Pass, _) => c.fg(Color::Green),
            };
        }
        c
    }

    fn detail(&self, report: &Report, f: &Finding) -> String {
        let mut s = sanitize(f.message.get(self.en));
        if let Some(r) = f.reason.filter(|_| f.status == Status::Inconclusive) {
            s = format!("[{}] {s}", r.label(self.en));
        }
        // Gaps show where to look; a pass needs only its main evidence.
        let shown = if f.status == Status::Pass { 1 } else { 4 };
        for e in f.evidence.iter().take(shown) {
            let Some(u) = &e.url else { continue };
            s.push('\n');
            s.push_str(&sanitize(&super::display_url(report, u)));
            if let (Some(d), Some(src)) = (e.date, e.date_source) {
                s.push_str(&format!(" ({d}, {})", src.label(self.en)));
            }
            if let Some(o) = e.other_dates_text(self.en) {
                s.push_str(&format!(" [{}]", sanitize(&o)));
            }
            if let Some(on) = &e.found_on {
                s.push_str(" ← ");
                s.push_str(&sanitize(&super::display_url(report, on)));
            }
        }
        if f.status == Status::Gap {
            s.push('\n');
            s.push_str(if self.en { "Fix: " } else { "整改：" });
            s.push_str(f.remedy.get(self.en));
        }
        s
    }
}

impl Render for TableReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let en = self.en;
        let site = sanitize(&report.unit_name());
        writeln!(
            out,
            "{} {}",
            if en {
                "Disclosure audit:"
            } else {
                "政府信息公开审计："
            },
            site
        )?;
        writeln!(
            out,
            "{}{} ({})",
            if en { "Target: " } else { "目标：" },
            report.target.start_url,
            sanitize(&report.target.input)
        )?;
        writeln!(
            out,
            "{}{}  {}{}",
            if en { "Rule pack: " } else { "规则包：" },
            report.pack.id,
            if en { "As of: " } else { "基准日期：" },
            report.as_of
        )?;

        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(self.width);
        if self.color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        t.set_header(if en {
            vec!["Result", "Rule", "Pts", "Details and evidence"]
        } else {
            vec!["结果", "规则", "扣分", "说明与证据"]
        });
        for f in super::ordered(report) {
            let pts = if f.deduction > 0.0 {
                format!("-{}", f.deduction)
            } else {
                String::new()
            };
            t.add_row(vec![
                self.status_cell(f),
                Cell::new(format!("{}\n{}", f.rule_id, f.name.get(en))),
                Cell::new(pts),
                Cell::new(self.detail(report, f)),
            ]);
        }
        writeln!(out, "{t}")?;

        let s = &report.score;
        let grade = s.grade.get(en);
        let vetoes = if s.vetoes.is_empty() {
            String::new()
        } else if en {
            format!(" (veto: {})", s.vetoes.join(", "))
        } else {
            format!("（单项否决：{}）", s.vetoes.join("、"))
        };
        if en {
            writeln!(
                out,
                "Score: {} / {}  Grade: {grade}{vetoes}",
                s.points, s.base
            )?;
            writeln!(
                out,
                "Coverage: {}% ({} pass, {} gaps, {} inconclusive)",
                s.coverage, s.passed, s.gaps, s.inconclusive
            )?;
        } else {
            writeln!(
                out,
                "得分：{} / {}　等级：{grade}{vetoes}",
                s.points, s.base
            )?;
            writeln!(
                out,
                "覆盖率：{}%（符合 {}，不符合 {}，无法判定 {}）",
                s.coverage, s.passed, s.gaps, s.inconclusive
            )?;
        }
        let c = &report.crawl;
        let secs = c.elapsed_ms as f64 / 1000.0;
        if en {
            writeln!(
                out,
                "Crawl: {} pages, {} requests, {} dead links, {secs:.1}s",
                c.pages_fetched, c.requests, report.site.dead_links
            )?;
        } else {
            writeln!(
                out,
                "抓取：页面 {}，请求 {}，死链 {}，用时 {secs:.1} 秒",
                c.pages_fetched, c.requests, report.site.dead_links
            )?;
        }
        // What was not fetched, and why: the reader must see what the audit could not look at.
        let others: Vec<String> = c
            .outcome_counts
            .iter()
            .filter(|(o, _)| **o != crate::crawl::Outcome::Ok)
            .map(|(o, n)| format!("{} {n}", o.label(en)))
            .collect();
        if !others.is_empty() {
            let sep = if en { ", " } else { "，" };
            writeln!(
                out,
                "{}{}",
                if en {
                    "Other URLs: "
                } else {
                    "其他链接："
                },
                others.join(sep)
            )?;
        }
        for n in &report.notes {
            writeln!(out, "{}{}", if en { "Note: " } else { "注意：" }, n.get(en))?;
        }
        Ok(())
    }
}
