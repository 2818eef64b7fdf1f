//! XLSX for officials who work in spreadsheets: a summary sheet and a findings sheet, Chinese
//! headers by default, frozen header row, set column widths, an autofilter, A4 landscape printing
//! fitted to the page width with the header row on every page. Numbers are numbers (points,
//! counts, percentages), evidence URLs are links, and every piece of evidence is in the findings
//! sheet. Text cells are written as strings, never formulas, so nothing from the audited site can
//! run in the spreadsheet.

use std::io::Write;

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use super::csv::COLUMNS;
use super::{Render, Report, ordered, sanitize};

pub struct XlsxReport {
    pub en: bool,
}

/// Column widths of the findings sheet, in characters, in the order of `csv::COLUMNS`, then the
/// column of all evidence.
const WIDTHS: [f64; 14] = [
    22.0, 28.0, 10.0, 12.0, 10.0, 7.0, 9.0, 60.0, 50.0, 12.0, 14.0, 50.0, 60.0, 80.0,
];

/// The URL column of `csv::COLUMNS`.
const URL_COLUMN: u16 = 8;

/// A4 in the spreadsheet's paper codes.
const A4: u8 = 9;

/// Excel refuses longer link targets; such a URL stays text.
const MAX_LINK: usize = 2079;

/// A cell holding `url` as a link when it is a web address a spreadsheet can open.
fn write_link(
    sheet: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    c: u16,
    url: &str,
) -> Result<(), XlsxError> {
    let linkable =
        (url.starts_with("http://") || url.starts_with("https://")) && url.len() <= MAX_LINK;
    if linkable && sheet.write_url(r, c, url).is_ok() {
        return Ok(());
    }
    sheet.write_string(r, c, sanitize(url))?;
    Ok(())
}

/// Every piece of evidence of a finding, a line each: its date, text and URL.
fn all_evidence(f: &crate::audit::Finding) -> String {
    f.evidence
        .iter()
        .map(|e| {
            let mut parts: Vec<String> = Vec::new();
            if let Some(d) = e.date {
                parts.push(d.to_string());
            }
            if let Some(t) = &e.text {
                parts.push(t.clone());
            }
            if let Some(u) = &e.url {
                parts.push(u.to_string());
            }
            parts.join("  ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn build(report: &Report, en: bool) -> Result<Vec<u8>, XlsxError> {
    let t = |zh: &'static str, e: &'static str| if en { e } else { zh };
    let mut wb = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let wrap = CellFormat::new().set_text_wrap();
    let percent = CellFormat::new()
        .set_num_format("0.0%")
        .set_align(rust_xlsxwriter::FormatAlign::Left);
    let number = CellFormat::new().set_align(rust_xlsxwriter::FormatAlign::Left);
    let s = &report.score;

    let summary = wb.add_worksheet();
    summary.set_name(t("汇总", "Summary"))?;
    summary.set_column_width(0, 18)?;
    summary.set_column_width(1, 70)?;
    let mut rows: Vec<(&str, String)> = vec![
        (t("单位", "Site"), report.unit_name()),
        (
            t("网站标识码", "Site ID code"),
            report.site.site_id_code.clone().unwrap_or_default(),
        ),
        (t("审计目标", "Target"), report.target.start_url.to_string()),
        (
            t("规则包", "Rule pack"),
            report.pack.name.get(en).to_string(),
        ),
        (t("基准日期", "As of"), report.as_of.to_string()),
        (
            t("得分", "Score"),
            format!("{} / {}", s.points_text(), s.base),
        ),
        (t("等级", "Grade"), s.grade.get(en).to_string()),
        (t("单项否决", "Vetoes"), s.vetoes.join(", ")),
        (t("得分范围", "Range"), s.range_text(en).unwrap_or_default()),
        (
            t("无法判定说明", "Not judged"),
            s.unjudged_text(en).unwrap_or_default(),
        ),
        (t("覆盖率", "Coverage"), format!("{}%", s.coverage)),
        (t("符合率", "Pass rate"), format!("{}%", s.pass_rate)),
        (t("符合", "Pass"), s.passed.to_string()),
        (t("不符合", "Gaps"), s.gaps.to_string()),
        (t("无法判定", "Inconclusive"), s.inconclusive.to_string()),
        (
            t("抓取页面", "Pages fetched"),
            report.crawl.pages_fetched.to_string(),
        ),
        (t("死链", "Dead links"), report.site.dead_links.to_string()),
        (t("生成时间", "Generated"), report.generated_at.clone()),
    ];
    if let Some((label, line)) = report.unit_line(en) {
        // Under the as-of date, with the other facts about the audit.
        rows.insert(5, (label, line));
    }
    if report.crawl.not_modified > 0 {
        // Beside the page count, where the reader looks for it.
        let at = rows.len() - 2;
        rows.insert(
            at,
            (
                t(
                    "未修改（304，沿用缓存）",
                    "Not modified (304, from the cache)",
                ),
                report.crawl.not_modified.to_string(),
            ),
        );
    }
    // Counts and shares a spreadsheet can compute with; the rest is text.
    let numeric: [(&str, f64, bool); 7] = [
        (t("覆盖率", "Coverage"), s.coverage / 100.0, true),
        (t("符合率", "Pass rate"), s.pass_rate / 100.0, true),
        (t("符合", "Pass"), s.passed as f64, false),
        (t("不符合", "Gaps"), s.gaps as f64, false),
        (t("无法判定", "Inconclusive"), s.inconclusive as f64, false),
        (
            t("抓取页面", "Pages fetched"),
            report.crawl.pages_fetched as f64,
            false,
        ),
        (
            t("死链", "Dead links"),
            report.site.dead_links as f64,
            false,
        ),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        let r = i as u32;
        summary.write_string_with_format(r, 0, *k, &bold)?;
        match numeric.iter().find(|(name, ..)| name == k) {
            Some((_, x, true)) => summary.write_number_with_format(r, 1, *x, &percent)?,
            Some((_, x, false)) => summary.write_number_with_format(r, 1, *x, &number)?,
            None => summary.write_string(r, 1, sanitize(v))?,
        };
    }
    summary.set_paper_size(A4).set_print_fit_to_pages(1, 0);
    for (j, n) in report.notes.iter().enumerate() {
        let r = (rows.len() + 1 + j) as u32;
        summary.write_string_with_format(r, 0, t("注意", "Note"), &bold)?;
        summary.write_string(r, 1, sanitize(n.get(en)))?;
    }

    let sheet = wb.add_worksheet();
    sheet.set_name(t("问题清单", "Findings"))?;
    let headers = COLUMNS
        .iter()
        .map(|(key, zh)| if en { *key } else { *zh })
        .chain([t("全部证据", "all_evidence")]);
    for (c, (h, w)) in headers.zip(WIDTHS).enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
        sheet.set_column_width(c as u16, w)?;
    }
    let last_col = (WIDTHS.len() - 1) as u16;
    sheet.set_freeze_panes(1, 0)?;
    let findings = ordered(report);
    for (i, f) in findings.iter().enumerate() {
        let r = (i + 1) as u32;
        for (c, v) in super::csv::row(f, en).iter().enumerate() {
            let c = c as u16;
            match c {
                // The deduction is a number a spreadsheet can sum.
                5 => {
                    sheet.write_number(r, 5, f.deduction)?;
                }
                6 => match f.at_stake {
                    Some(st) if !st.veto => {
                        sheet.write_number(r, 6, st.points)?;
                    }
                    _ => {
                        sheet.write_string(r, 6, sanitize(v))?;
                    }
                },
                URL_COLUMN if !v.is_empty() => write_link(sheet, r, c, v)?,
                0..=4 => {
                    sheet.write_string(r, c, sanitize(v))?;
                }
                _ => {
                    sheet.write_string_with_format(r, c, sanitize(v), &wrap)?;
                }
            }
        }
        sheet.write_string_with_format(r, last_col, sanitize(&all_evidence(f)), &wrap)?;
    }
    table_for_print(sheet, findings.len() as u32, last_col)?;
    wb.save_to_buffer()
}

/// A sheet that is a table under a header row (findings, a league): an autofilter over its
/// `rows` rows and columns up to `last_col`, and printed on A4 landscape, fitted to the page
/// width, with the header row on every page.
pub(crate) fn table_for_print(
    sheet: &mut rust_xlsxwriter::Worksheet,
    rows: u32,
    last_col: u16,
) -> Result<(), XlsxError> {
    sheet.autofilter(0, 0, rows.max(1), last_col)?;
    sheet
        .set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_repeat_rows(0, 0)?;
    Ok(())
}

impl Render for XlsxReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let bytes = build(report, self.en).map_err(std::io::Error::other)?;
        out.write_all(&bytes)
    }
}
