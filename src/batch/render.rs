//! The batch summary in the formats of the single-site report where they make sense: JSON,
//! Markdown, HTML with sortable tables, and XLSX; the binary draws the terminal table from
//! [`headline`] and [`row`].

use std::fmt::Write as _;
use std::io::Write;

use rust_xlsxwriter::{Format as CellFormat, Workbook};

use super::{BatchSummary, League, Outcome, UnitResult};
use crate::report::html::esc;
use crate::report::{Render, sanitize};
use crate::rules::Severity;

/// Summary formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryFormat {
    Json,
    Markdown,
    Html,
    Xlsx,
}

impl SummaryFormat {
    pub fn extension(self) -> &'static str {
        match self {
            SummaryFormat::Json => "json",
            SummaryFormat::Markdown => "md",
            SummaryFormat::Html => "html",
            SummaryFormat::Xlsx => "xlsx",
        }
    }
}

/// The summary in one of its file formats (the terminal table is the binary's).
pub struct SummaryRender {
    pub format: SummaryFormat,
    pub en: bool,
}

impl Render<BatchSummary> for SummaryRender {
    fn render(&self, s: &BatchSummary, out: &mut dyn Write) -> std::io::Result<()> {
        let en = self.en;
        match self.format {
            SummaryFormat::Json => {
                serde_json::to_writer_pretty(&mut *out, s)?;
                out.write_all(b"\n")
            }
            SummaryFormat::Markdown => out.write_all(markdown(s, en).as_bytes()),
            SummaryFormat::Html => out.write_all(html(s, en).as_bytes()),
            SummaryFormat::Xlsx => {
                let bytes = xlsx(s, en).map_err(std::io::Error::other)?;
                out.write_all(&bytes)
            }
        }
    }
}

/// `zh` or `en`.
pub fn t(en: bool, zh: &'static str, e: &'static str) -> &'static str {
    if en { e } else { zh }
}

/// A league's heading.
pub fn parent_label(l: &League, en: bool) -> String {
    l.parent
        .clone()
        .unwrap_or_else(|| t(en, "（未填上级单位）", "(no parent unit)").to_string())
}

/// The columns of a league row, as text.
pub struct Row {
    pub rank: String,
    pub name: String,
    pub points: String,
    pub grade: String,
    pub vetoes: String,
    pub gaps: String,
    pub inconclusive: String,
    pub report: String,
}

pub const HEAD_ZH: [&str; 7] = [
    "名次",
    "单位",
    "得分",
    "等级",
    "否决项",
    "问题（否决/重要/一般/建议）",
    "无法判定",
];
pub const HEAD_EN: [&str; 7] = [
    "Rank",
    "Unit",
    "Score",
    "Grade",
    "Vetoes",
    "Gaps (veto/major/minor/advisory)",
    "Inconclusive",
];

pub fn row(u: &UnitResult, rank: Option<usize>, en: bool) -> Row {
    match &u.outcome {
        Outcome::Audited(s) => {
            let n = |sev: Severity| s.gaps.get(&sev).copied().unwrap_or(0);
            Row {
                rank: match rank {
                    Some(r) => r.to_string(),
                    None if s.provisional => t(en, "（待定）", "(prov.)").to_string(),
                    None => String::new(),
                },
                name: sanitize(&u.name),
                points: s.points_text(),
                grade: s.grade.get(en).to_string(),
                vetoes: s.vetoes.join(", "),
                gaps: format!(
                    "{} ({}/{}/{}/{})",
                    s.gap_count(),
                    n(Severity::Veto),
                    n(Severity::Major),
                    n(Severity::Minor),
                    n(Severity::Advisory)
                ),
                inconclusive: s.inconclusive.to_string(),
                report: s.report.clone(),
            }
        }
        Outcome::NotAudited { cause } => Row {
            rank: String::new(),
            name: sanitize(&u.name),
            points: "—".into(),
            grade: t(en, "无法审计", "not audited").to_string(),
            vetoes: String::new(),
            gaps: first_line(cause),
            inconclusive: String::new(),
            report: String::new(),
        },
    }
}

/// The first line of a cause, cut to a table cell's worth.
fn first_line(cause: &str) -> String {
    let line = sanitize(cause.lines().next().unwrap_or_default());
    if line.chars().count() > 90 {
        line.chars().take(89).chain(['…']).collect()
    } else {
        line
    }
}

/// The summary's first line: how many units, audited, failing, not audited, skipped.
pub fn headline(s: &BatchSummary, en: bool) -> String {
    let audited = s.units.len() - s.not_audited();
    let mut h = if en {
        format!(
            "{} units: {} audited, {} fail, {} provisional (not ranked), {} could not be audited, {} rows of the list skipped",
            s.units.len(),
            audited,
            s.failing(),
            s.provisional(),
            s.not_audited(),
            s.rejected.len()
        )
    } else {
        format!(
            "共{}个单位：已审计{}个，不合格{}个，等级待定{}个（不参与排名），无法审计{}个；名单中跳过{}行",
            s.units.len(),
            audited,
            s.failing(),
            s.provisional(),
            s.not_audited(),
            s.rejected.len()
        )
    };
    let missing = s.missing_shards();
    if !missing.is_empty() {
        let m: Vec<String> = missing.iter().map(ToString::to_string).collect();
        h.push_str(&if en {
            format!(" — shards {} are missing from this summary", m.join(", "))
        } else {
            format!("——本汇总缺少分片 {}", m.join("、"))
        });
    }
    h
}

fn md_cell(s: &str) -> String {
    sanitize(s).replace('|', "\\|").replace('\n', " ")
}

fn markdown(s: &BatchSummary, en: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}\n\n{}\n",
        t(en, "政务公开审计汇总", "Disclosure audit summary"),
        headline(s, en)
    );
    let head = if en { HEAD_EN } else { HEAD_ZH };
    for l in &s.leagues {
        let _ = writeln!(out, "## {}\n", md_cell(&parent_label(l, en)));
        let _ = writeln!(out, "| {} |", head.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
        for r in &l.rows {
            let x = row(&s.units[r.unit], r.rank, en);
            let name = if x.report.is_empty() {
                md_cell(&x.name)
            } else {
                format!("[{}]({})", md_cell(&x.name), x.report.replace(' ', "%20"))
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                x.rank,
                name,
                x.points,
                md_cell(&x.grade),
                md_cell(&x.vetoes),
                md_cell(&x.gaps),
                x.inconclusive
            );
        }
        out.push('\n');
    }
    if !s.common_gaps.is_empty() {
        let _ = writeln!(out, "## {}\n", t(en, "共性问题", "Most common gaps"));
        let _ = writeln!(
            out,
            "{}\n|---|---|---|---|---|",
            t(
                en,
                "| 规则 | 名称 | 严重程度 | 单位数 | 占比 |",
                "| Rule | Name | Severity | Units | Share |"
            )
        );
        for g in &s.common_gaps {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.1}% |",
                md_cell(&g.rule.rule_id),
                md_cell(g.rule.name.get(en)),
                g.rule.severity.label(en),
                g.units,
                g.share
            );
        }
        out.push('\n');
    }
    if !s.rejected.is_empty() {
        let _ = writeln!(
            out,
            "## {}\n",
            t(en, "名单中跳过的行", "Skipped rows of the list")
        );
        for r in &s.rejected {
            let _ = writeln!(
                out,
                "- {} {}: {}",
                t(en, "第", "line"),
                r.line,
                md_cell(&r.message)
            );
        }
    }
    out
}

/// Sorting by a column header click: numbers numerically, the rest by the reader's locale.
const SORT_JS: &str = r#"document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){var tb=th.closest('table').tBodies[0];var rows=Array.from(tb.rows);var asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';rows.sort(function(a,b){var x=a.cells[i].dataset.v||a.cells[i].textContent,y=b.cells[i].dataset.v||b.cells[i].textContent;var nx=parseFloat(x),ny=parseFloat(y);var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y,'zh');return asc?c:-c;});rows.forEach(function(r){tb.appendChild(r);});});});"#;

fn html(s: &BatchSummary, en: bool) -> String {
    let mut out = String::new();
    let title = t(en, "政务公开审计汇总", "Disclosure audit summary");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\
<title>{title}</title><style>\
body{{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",\"WenQuanYi Micro Hei\",sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1f2328}}\
table{{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}}th,td{{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}}\
th{{background:#f6f8fa;cursor:pointer;user-select:none}}th:hover{{background:#eaeef2}}td.num{{text-align:right}}\
tr.fail td{{background:#fff5f5}}tr.prov td{{background:#fff8c5}}tr.na td{{color:#57606a;background:#f6f8fa}}.veto{{color:#a40e26;font-weight:700}}\
@media print{{th{{cursor:auto}}}}</style></head><body>\n<h1>{title}</h1>\n<p>{}</p>\n",
        if en { "en" } else { "zh-CN" },
        esc(&headline(s, en))
    );
    let head = if en { HEAD_EN } else { HEAD_ZH };
    for l in &s.leagues {
        let _ = writeln!(out, "<h2>{}</h2>", esc(&parent_label(l, en)));
        if let Some(m) = l.mean_points {
            let _ = writeln!(
                out,
                "<p>{} {m:.1} · {} {}/{} · {} {}</p>",
                t(en, "平均得分（不含待定）", "mean score (graded units)"),
                t(en, "合格", "passing"),
                l.passed,
                l.audited,
                t(en, "等级待定", "provisional"),
                l.provisional
            );
        }
        out.push_str("<table class=\"sortable\"><thead><tr>");
        for h in head {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out.push_str("</tr></thead><tbody>\n");
        for r in &l.rows {
            let u = &s.units[r.unit];
            let x = row(u, r.rank, en);
            let class = match &u.outcome {
                Outcome::Audited(sc) if sc.provisional => " class=\"prov\"",
                Outcome::Audited(sc) if !sc.pass => " class=\"fail\"",
                Outcome::Audited(_) => "",
                Outcome::NotAudited { .. } => " class=\"na\"",
            };
            let name = if x.report.is_empty() {
                esc(&x.name)
            } else {
                format!("<a href=\"{}\">{}</a>", esc(&x.report), esc(&x.name))
            };
            // Units not audited sort after every score; provisional ones by their worst end.
            let sort_points = u.score().map_or(-1.0, |s| {
                if s.provisional {
                    s.worst_points()
                } else {
                    s.points
                }
            });
            let _ = writeln!(
                out,
                "<tr{class}><td class=\"num\" data-v=\"{}\">{}</td><td>{name}</td><td class=\"num\" data-v=\"{sort_points}\">{}</td><td>{}</td><td class=\"veto\">{}</td><td data-v=\"{}\">{}</td><td class=\"num\">{}</td></tr>",
                r.rank.unwrap_or(usize::MAX >> 12),
                x.rank,
                x.points,
                esc(&x.grade),
                esc(&x.vetoes),
                u.score().map_or(usize::MAX >> 12, |s| s.gap_count()),
                esc(&x.gaps),
                x.inconclusive
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !s.common_gaps.is_empty() {
        let _ = write!(
            out,
            "<h2>{}</h2>\n<table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
            t(en, "共性问题", "Most common gaps"),
            t(en, "规则", "Rule"),
            t(en, "名称", "Name"),
            t(en, "严重程度", "Severity"),
            t(en, "单位数", "Units"),
            t(en, "占比", "Share")
        );
        for g in &s.common_gaps {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\" data-v=\"{}\">{:.1}%</td></tr>",
                esc(&g.rule.rule_id),
                esc(g.rule.name.get(en)),
                g.rule.severity.label(en),
                g.units,
                g.share,
                g.share
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !s.rejected.is_empty() {
        let _ = write!(
            out,
            "<h2>{}</h2>\n<ul>\n",
            t(en, "名单中跳过的行", "Skipped rows of the list")
        );
        for r in &s.rejected {
            let _ = writeln!(
                out,
                "<li>{} {}: {}</li>",
                t(en, "第", "line"),
                r.line,
                esc(&r.message)
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(out, "<script>{SORT_JS}</script>\n</body></html>\n");
    out
}

fn xlsx(s: &BatchSummary, en: bool) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet.set_name(t(en, "排名", "League"))?;
    let mut head: Vec<&str> = vec![t(en, "上级单位", "Parent unit")];
    head.extend(if en { HEAD_EN } else { HEAD_ZH });
    head.push(t(en, "报告", "Report"));
    // Numbers to sort and filter by: gaps per severity, the worst end, the coverage.
    head.extend(if en {
        [
            "Veto gaps",
            "Major gaps",
            "Minor gaps",
            "Advisory gaps",
            "Worst end",
            "Coverage",
        ]
    } else {
        [
            "否决项数",
            "重要问题数",
            "一般问题数",
            "建议项数",
            "最低得分",
            "覆盖率",
        ]
    });
    for (c, h) in head.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let widths = [
        18.0, 6.0, 28.0, 8.0, 10.0, 20.0, 26.0, 10.0, 40.0, 8.0, 9.0, 9.0, 8.0, 9.0, 8.0,
    ];
    let percent = CellFormat::new().set_num_format("0.0%");
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut r = 1u32;
    for l in &s.leagues {
        for ranked in &l.rows {
            let u = &s.units[ranked.unit];
            let x = row(u, ranked.rank, en);
            sheet.write_string(r, 0, parent_label(l, en))?;
            if let Some(k) = ranked.rank {
                sheet.write_number(r, 1, k as f64)?;
            }
            sheet.write_string(r, 2, &x.name)?;
            match u.score() {
                Some(sc) => sheet.write_number(r, 3, sc.points)?,
                None => sheet.write_string(r, 3, &x.points)?,
            };
            sheet.write_string(r, 4, &x.grade)?;
            sheet.write_string(r, 5, &x.vetoes)?;
            sheet.write_string(r, 6, &x.gaps)?;
            if let Some(sc) = u.score() {
                sheet.write_number(r, 7, sc.inconclusive as f64)?;
            }
            sheet.write_string(r, 8, &x.report)?;
            if let Some(sc) = u.score() {
                let n = |sev: Severity| sc.gaps.get(&sev).copied().unwrap_or(0) as f64;
                for (c, sev) in [
                    Severity::Veto,
                    Severity::Major,
                    Severity::Minor,
                    Severity::Advisory,
                ]
                .into_iter()
                .enumerate()
                {
                    sheet.write_number(r, 9 + c as u16, n(sev))?;
                }
                sheet.write_number(r, 13, sc.worst.unwrap_or(sc.points))?;
                sheet.write_number_with_format(r, 14, sc.coverage / 100.0, &percent)?;
            }
            r += 1;
        }
    }
    let last_col = (head.len() - 1) as u16;
    crate::report::xlsx::table_for_print(sheet, r.saturating_sub(1), last_col)?;
    let gaps = wb.add_worksheet();
    gaps.set_name(t(en, "共性问题", "Common gaps"))?;
    let gh = if en {
        ["Rule", "Name", "Severity", "Units", "Share %"]
    } else {
        ["规则", "名称", "严重程度", "单位数", "占比%"]
    };
    for (c, h) in gh.iter().enumerate() {
        gaps.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    gaps.set_column_width(0, 22)?;
    gaps.set_column_width(1, 36)?;
    for (i, g) in s.common_gaps.iter().enumerate() {
        let r = i as u32 + 1;
        gaps.write_string(r, 0, &g.rule.rule_id)?;
        gaps.write_string(r, 1, g.rule.name.get(en))?;
        gaps.write_string(r, 2, g.rule.severity.label(en))?;
        gaps.write_number(r, 3, g.units as f64)?;
        gaps.write_number(r, 4, g.share)?;
    }
    if !s.rejected.is_empty() {
        let rej = wb.add_worksheet();
        rej.set_name(t(en, "跳过的行", "Skipped rows"))?;
        rej.write_string_with_format(0, 0, t(en, "行号", "Line"), &bold)?;
        rej.write_string_with_format(0, 1, t(en, "原因", "Why"), &bold)?;
        rej.set_column_width(1, 80)?;
        for (i, e) in s.rejected.iter().enumerate() {
            rej.write_number(i as u32 + 1, 0, e.line as f64)?;
            rej.write_string(i as u32 + 1, 1, &e.message)?;
        }
    }
    wb.save_to_buffer()
}
