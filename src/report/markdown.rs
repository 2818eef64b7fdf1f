//! Markdown, for CI step summaries and issue trackers. Cells are escaped so that text from the
//! audited site cannot break the table or inject markup.

use std::io::Write;

use super::{Render, Report, display_url, ordered, sanitize};
use crate::audit::Status;
use crate::rules::Severity;

pub struct MarkdownReport {
    pub en: bool,
}

/// Escapes a table cell: pipes, markup characters and line breaks.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in sanitize(s).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("<br>"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The unit profile as a paragraph under the target line, then the blank line that ends the
/// header.
fn unit_line(report: &Report, en: bool, out: &mut dyn Write) -> std::io::Result<()> {
    match report.unit_line(en) {
        Some((label, line)) => writeln!(out, "\n{label}: {}\n", cell(&line)),
        None => writeln!(out),
    }
}

impl Render for MarkdownReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let en = self.en;
        let s = &report.score;
        let site = cell(&report.unit_name());
        writeln!(
            out,
            "## {} {site}\n",
            if en {
                "Disclosure audit:"
            } else {
                "政府信息公开审计："
            }
        )?;
        writeln!(out, "**{}**  ", cell(&s.headline(en)))?;
        if let Some(r) = s.range_text(en) {
            let label = if en { "Range: " } else { "得分范围：" };
            writeln!(out, "{label}{}  ", cell(&r))?;
        }
        writeln!(out, "{}  ", cell(&s.coverage_text(en)))?;
        if en {
            writeln!(
                out,
                "Target `{}` · rule pack `{}` · as of {}",
                report.target.start_url, report.pack.id, report.as_of
            )?;
            unit_line(report, en, out)?;
            writeln!(
                out,
                "| Result | Rule | Pts | Details | Evidence |\n|---|---|---|---|---|"
            )?;
        } else {
            writeln!(
                out,
                "目标 `{}` · 规则包 `{}` · 基准日期 {}",
                report.target.start_url, report.pack.id, report.as_of
            )?;
            unit_line(report, en, out)?;
            writeln!(
                out,
                "| 结果 | 规则 | 扣分 | 说明 | 证据 |\n|---|---|---|---|---|"
            )?;
        }
        for f in ordered(report) {
            let status = match (f.status, f.severity) {
                _ if f.is_waived() => format!("☑️ {}", f.status_label(en)),
                (Status::Gap, Severity::Veto) => if en { "❌ VETO" } else { "❌ 否决" }.to_string(),
                (Status::Gap, _) => format!("❌ {}", f.status.label(en)),
                (Status::Inconclusive, _) => format!("⚠️ {}", f.status.label(en)),
                (Status::Pass, _) => format!("✅ {}", f.status.label(en)),
            };
            let pts = f.points_text(en);
            let mut detail = cell(f.message.get(en));
            if f.status == Status::Gap {
                detail.push_str("<br>");
                detail.push_str(if en { "Fix: " } else { "整改：" });
                detail.push_str(&cell(f.remedy.get(en)));
            }
            let evidence: Vec<String> = f
                .evidence
                .iter()
                .filter_map(|e| e.url.as_ref())
                .take(3)
                .map(|u| format!("`{}`", display_url(report, u).replace('`', "%60")))
                .collect();
            writeln!(
                out,
                "| {status} | `{}` {} | {pts} | {detail} | {} |",
                f.rule_id,
                cell(f.name.get(en)),
                evidence.join("<br>")
            )?;
        }
        let c = &report.crawl;
        writeln!(out)?;
        if en {
            writeln!(
                out,
                "Crawl: {} pages, {} requests{}, {} dead links, {:.1} s.",
                c.pages_fetched,
                c.requests,
                c.reused(en).map(|r| format!(" ({r})")).unwrap_or_default(),
                report.site.dead_links,
                c.elapsed_ms as f64 / 1000.0
            )?;
        } else {
            writeln!(
                out,
                "抓取：页面 {}，请求 {}{}，死链 {}，用时 {:.1} 秒。",
                c.pages_fetched,
                c.requests,
                c.reused(en).map(|r| format!("（{r}）")).unwrap_or_default(),
                report.site.dead_links,
                c.elapsed_ms as f64 / 1000.0
            )?;
        }
        for n in &report.notes {
            writeln!(out, "\n> {}", cell(n.get(en)))?;
        }
        Ok(())
    }
}
