//! What the binary draws for the terminal: the report, a batch summary, a diff and a history as
//! tables that stay readable in 80 columns, with Chinese aligned (cell widths are measured with
//! unicode-width), colour only when asked for. The library decides what the rows say; drawing
//! them is the front end's (comfy-table lives here only).

use std::fmt::Write as _;
use std::io::Write;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use gongkai::audit::{Finding, Status};
use gongkai::batch::BatchSummary;
use gongkai::batch::render::{HEAD_EN, HEAD_ZH, headline, parent_label, row as summary_row, t};
use gongkai::report::{Render, Report, display_url, ordered, sanitize};
use gongkai::rules::Severity;
use gongkai::track::history::run_ref;
use gongkai::track::{Change, ReportDiff, SiteHistory, SiteLatest, short_time};

/// The terminal rendering of any of gongkai's documents.
pub struct Terminal {
    pub en: bool,
    /// Colour and bold; the caller decides (a TTY, and NO_COLOR unset).
    pub color: bool,
    /// Total width in terminal columns.
    pub width: u16,
    /// List only the rules not passed (`--only gaps`).
    pub hide_passes: bool,
}

impl Terminal {
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
            s.push_str(&sanitize(&display_url(report, u)));
            if let (Some(d), Some(src)) = (e.date, e.date_source) {
                s.push_str(&format!(" ({d}, {})", src.label(self.en)));
            }
            if let Some(o) = e.other_dates_text(self.en) {
                s.push_str(&format!(" [{}]", sanitize(&o)));
            }
            if let Some(on) = &e.found_on {
                s.push_str(" ← ");
                s.push_str(&sanitize(&display_url(report, on)));
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

impl Terminal {
    /// The score, its range when rules were not judged, and the coverage.
    fn verdict(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let (s, en) = (&report.score, self.en);
        let mut lines = vec![s.headline(en)];
        if let Some(r) = s.range_text(en) {
            lines.push(format!("{}{r}", if en { "Range: " } else { "得分范围：" }));
        }
        lines.push(s.coverage_text(en));
        for l in lines {
            for part in wrap(&l, self.width) {
                writeln!(out, "{part}")?;
            }
        }
        Ok(())
    }
}

impl Render<Report> for Terminal {
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
        if let Some((label, line)) = report.unit_line(en) {
            let line = format!("{label}{}{}", if en { ": " } else { "：" }, sanitize(&line));
            for l in wrap(&line, self.width) {
                writeln!(out, "{l}")?;
            }
        }
        // The verdict first, as a leader reads it; the details and the verdict again below.
        self.verdict(report, out)?;

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
        let mut hidden = 0;
        for f in ordered(report) {
            if self.hide_passes && f.status == gongkai::audit::Status::Pass {
                hidden += 1;
                continue;
            }
            let pts = f.points_text(en);
            t.add_row(vec![
                self.status_cell(f),
                Cell::new(format!("{}\n{}", f.rule_id, f.name.get(en))),
                Cell::new(pts),
                Cell::new(self.detail(report, f)),
            ]);
        }
        writeln!(out, "{t}")?;
        if hidden > 0 {
            writeln!(
                out,
                "{}",
                if en {
                    format!("{hidden} rules passed and are not listed (--only gaps)")
                } else {
                    format!("另有{hidden}条规则通过，未列出（--only gaps）")
                }
            )?;
        }
        self.verdict(report, out)?;
        let c = &report.crawl;
        let secs = c.elapsed_ms as f64 / 1000.0;
        if en {
            writeln!(
                out,
                "Crawl: {} pages, {} requests{}, {} dead links, {secs:.1}s",
                c.pages_fetched,
                c.requests,
                c.reused(en).map(|r| format!(" ({r})")).unwrap_or_default(),
                report.site.dead_links
            )?;
        } else {
            writeln!(
                out,
                "抓取：页面 {}，请求 {}{}，死链 {}，用时 {secs:.1} 秒",
                c.pages_fetched,
                c.requests,
                c.reused(en).map(|r| format!("（{r}）")).unwrap_or_default(),
                report.site.dead_links
            )?;
        }
        // What was not fetched, and why: the reader must see what the audit could not look at.
        let others: Vec<String> = c
            .outcome_counts
            .iter()
            .filter(|(o, _)| **o != gongkai::crawl::Outcome::Ok)
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

/// A summary, then one row per rule that changed or is still open.
impl Render<ReportDiff> for Terminal {
    fn render(&self, d: &ReportDiff, out: &mut dyn Write) -> std::io::Result<()> {
        let (en, color, width) = (self.en, self.color, self.width);
        writeln!(out, "{}", d.title(en))?;
        writeln!(out, "{}", d.run_line(en))?;
        for w in &d.warnings {
            writeln!(
                out,
                "{}{}",
                if en { "Warning: " } else { "注意：" },
                sanitize(w.get(en))
            )?;
        }
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width);
        if color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        t.set_header(if en {
            vec!["Change", "Rule", "Before", "After", "Details"]
        } else {
            vec!["变化", "规则", "之前", "之后", "说明"]
        });
        let mut rows = 0;
        for r in d.listed() {
            let mut c = Cell::new(r.change.label(en));
            if color {
                c = match r.change {
                    Change::Regressed | Change::NewGap => c.fg(Color::Red),
                    Change::StillOpen => c.fg(Color::DarkRed),
                    Change::NewlyInconclusive | Change::StillInconclusive => c.fg(Color::Yellow),
                    Change::Fixed | Change::NowPasses => c.fg(Color::Green),
                    Change::Unchanged | Change::Removed => c,
                };
            }
            t.add_row(vec![
                c,
                Cell::new(format!("{}\n{}", r.rule_id, sanitize(r.name.get(en)))),
                Cell::new(ReportDiff::status_text(r.before, r.reason_before, en)),
                Cell::new(ReportDiff::status_text(r.after, r.reason_after, en)),
                Cell::new(sanitize(r.message.get(en))),
            ]);
            rows += 1;
        }
        if rows > 0 {
            writeln!(out, "{t}")?;
        }
        writeln!(out, "{}", d.score_line(en))?;
        if let Some(p) = d.provisional_line(en) {
            writeln!(out, "{p}")?;
        }
        if let Some(v) = d.veto_line(en) {
            writeln!(out, "{v}")?;
        }
        writeln!(out, "{}", d.counts_line(en))?;
        Ok(())
    }
}

/// A plain table (history and site lists have nothing to colour).
fn plain(width: u16, header: Vec<&str>) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .force_no_tty()
        .set_header(header);
    t
}

/// One site's histories (one per rule pack): the score run by run, then each gap's opening and
/// closing run.
impl Render<[SiteHistory]> for Terminal {
    fn render(&self, packs: &[SiteHistory], out: &mut dyn Write) -> std::io::Result<()> {
        for (i, h) in packs.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            self.history(h, out)?;
        }
        Ok(())
    }
}

impl Terminal {
    fn history(&self, h: &SiteHistory, out: &mut dyn Write) -> std::io::Result<()> {
        let (en, width) = (self.en, self.width);
        writeln!(out, "{}", h.title(en))?;
        writeln!(
            out,
            "{}{}",
            if en { "Rule pack: " } else { "规则包：" },
            h.pack
        )?;
        let mut t = plain(
            width,
            if en {
                vec![
                    "Run",
                    "As of",
                    "Score",
                    "Grade",
                    "Gaps",
                    "Inconclusive",
                    "Audited",
                ]
            } else {
                vec![
                    "次序",
                    "基准日期",
                    "得分",
                    "等级",
                    "不符合",
                    "无法判定",
                    "审计时间",
                ]
            },
        );
        for r in &h.runs {
            t.add_row(vec![
                Cell::new(format!("#{}", r.run)),
                Cell::new(r.as_of),
                Cell::new(r.points_text()),
                Cell::new(r.grade.get(en)),
                Cell::new(r.gaps),
                Cell::new(r.inconclusive),
                Cell::new(short_time(&r.generated_at)),
            ]);
        }
        writeln!(out, "{t}")?;
        if h.gaps.is_empty() {
            writeln!(
                out,
                "{}",
                if en {
                    "No rule was ever a gap."
                } else {
                    "各次审计均未发现问题。"
                }
            )?;
            return Ok(());
        }
        writeln!(out, "{}", if en { "Gaps:" } else { "问题整改情况：" })?;
        let mut t = plain(
            width,
            if en {
                vec!["Rule", "Opened", "Closed", "Details"]
            } else {
                vec!["规则", "出现", "整改", "说明"]
            },
        );
        for g in &h.gaps {
            t.add_row(vec![
                Cell::new(format!("{}\n{}", g.rule_id, sanitize(g.name.get(en)))),
                Cell::new(run_ref(Some(g.opened), en)),
                Cell::new(run_ref(g.closed, en)),
                Cell::new(sanitize(g.message.get(en))),
            ]);
        }
        writeln!(out, "{t}")?;
        let open = h.gaps.iter().filter(|g| g.closed.is_none()).count();
        let closed = h.gaps.len() - open;
        if en {
            writeln!(out, "{closed} gaps closed, {open} still open")
        } else {
            writeln!(out, "已整改 {closed}，仍未整改 {open}")
        }
    }
}

/// The sites in a history, with their latest scores.
impl Render<[SiteLatest]> for Terminal {
    fn render(&self, sites: &[SiteLatest], out: &mut dyn Write) -> std::io::Result<()> {
        let (en, width) = (self.en, self.width);
        if sites.is_empty() {
            return writeln!(
                out,
                "{}",
                if en {
                    "No run recorded yet."
                } else {
                    "尚无审计记录。"
                }
            );
        }
        let mut t = plain(
            width,
            if en {
                vec![
                    "Site",
                    "Rule pack",
                    "Runs",
                    "Latest",
                    "Score",
                    "Grade",
                    "Gaps",
                ]
            } else {
                vec![
                    "站点",
                    "规则包",
                    "次数",
                    "最近基准日期",
                    "得分",
                    "等级",
                    "不符合",
                ]
            },
        );
        for s in sites {
            let site = match &s.site_name {
                Some(n) => format!("{}\n{}", sanitize(n), sanitize(&s.site)),
                None => sanitize(&s.site),
            };
            t.add_row(vec![
                Cell::new(site),
                Cell::new(&s.pack),
                Cell::new(s.runs),
                Cell::new(s.latest.as_of),
                Cell::new(s.latest.points_text()),
                Cell::new(s.latest.grade.get(en)),
                Cell::new(s.latest.gaps),
            ]);
        }
        writeln!(out, "{t}")
    }
}

/// The league tables, the most common gaps and the skipped rows.
impl Render<BatchSummary> for Terminal {
    fn render(&self, s: &BatchSummary, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(summary(s, self.en, self.width).as_bytes())
    }
}

fn summary(s: &BatchSummary, en: bool, width: u16) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", headline(s, en));
    let head = if en { HEAD_EN } else { HEAD_ZH };
    for l in &s.leagues {
        let _ = writeln!(out, "{}", parent_label(l, en));
        let mut tb = Table::new();
        tb.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_header(head.to_vec());
        for r in &l.rows {
            let x = summary_row(&s.units[r.unit], r.rank, en);
            tb.add_row(vec![
                x.rank,
                x.name,
                x.points,
                x.grade,
                x.vetoes,
                x.gaps,
                x.inconclusive,
            ]);
        }
        let _ = writeln!(out, "{tb}\n");
    }
    if !s.common_gaps.is_empty() {
        let _ = writeln!(out, "{}", t(en, "共性问题", "Most common gaps"));
        let mut tb = Table::new();
        tb.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_header(if en {
                vec!["Rule", "Name", "Severity", "Units", "Share"]
            } else {
                vec!["规则", "名称", "严重程度", "单位数", "占比"]
            });
        for g in s.common_gaps.iter().take(15) {
            tb.add_row(vec![
                g.rule.rule_id.clone(),
                g.rule.name.get(en).to_string(),
                g.rule.severity.label(en).to_string(),
                g.units.to_string(),
                format!("{:.1}%", g.share),
            ]);
        }
        let _ = writeln!(out, "{tb}\n");
    }
    for r in &s.rejected {
        let _ = writeln!(
            out,
            "{} {}: {}",
            t(en, "跳过名单第", "skipped list line"),
            r.line,
            sanitize(&r.message)
        );
    }
    out
}

/// Text cut into lines of at most `width` terminal columns: at the last space when there is one
/// (English), anywhere otherwise (Chinese has no spaces to break at).
fn wrap(text: &str, width: u16) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let width = usize::from(width.max(20));
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width {
            match line.rfind(' ').filter(|&i| i > 0) {
                Some(i) => {
                    let rest = line.split_off(i + 1);
                    lines.push(line.trim_end().to_string());
                    line = rest;
                }
                None => lines.push(std::mem::take(&mut line)),
            }
            w = line.chars().map(|c| c.width().unwrap_or(0)).sum();
        }
        line.push(c);
        w += cw;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_lines_wrap_at_the_terminal_width() {
        let zh = "得分 41–100 / 100 · 等级 待定（12条规则共38分无法判定：防火墙拦截或限流9条（27分）、由JavaScript绘制2条（6分））";
        for l in wrap(zh, 40) {
            assert!(
                unicode_width::UnicodeWidthStr::width(l.as_str()) <= 40,
                "{l}"
            );
        }
        // Nothing is lost but the spaces lines were broken at.
        assert_eq!(wrap(zh, 40).concat().replace(' ', ""), zh.replace(' ', ""));
        let en = wrap(
            "Score 41–100 / 100 · Grade provisional (12 rules worth 38 points)",
            30,
        );
        assert_eq!(en[0], "Score 41–100 / 100 · Grade");
        assert!(
            en.iter()
                .all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 30)
        );
    }
}
