//! XLSX for officials who work in spreadsheets: a summary sheet and a findings sheet, Chinese
//! headers by default, frozen header row, set column widths. Cells are written as strings, never
//! formulas, so nothing from the audited site can run in the spreadsheet.

use std::io::Write;

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use super::csv::COLUMNS;
use super::{Render, Report, ordered, sanitize};

pub struct XlsxReport {
    pub en: bool,
}

/// Column widths of the findings sheet, in characters, in the order of `csv::COLUMNS`.
const WIDTHS: [f64; 12] = [
    22.0, 28.0, 10.0, 12.0, 10.0, 7.0, 60.0, 50.0, 12.0, 14.0, 50.0, 60.0,
];

fn build(report: &Report, en: bool) -> Result<Vec<u8>, XlsxError> {
    let t = |zh: &'static str, e: &'static str| if en { e } else { zh };
    let mut wb = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let wrap = CellFormat::new().set_text_wrap();
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
        (t("得分", "Score"), format!("{} / {}", s.points, s.base)),
        (t("等级", "Grade"), s.grade.get(en).to_string()),
        (t("单项否决", "Vetoes"), s.vetoes.join(", ")),
        (t("覆盖率", "Coverage"), format!("{}%", s.coverage)),
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
    for (i, (k, v)) in rows.iter().enumerate() {
        summary.write_string_with_format(i as u32, 0, *k, &bold)?;
        summary.write_string(i as u32, 1, sanitize(v))?;
    }
    for (j, n) in report.notes.iter().enumerate() {
        let r = (rows.len() + 1 + j) as u32;
        summary.write_string_with_format(r, 0, t("注意", "Note"), &bold)?;
        summary.write_string(r, 1, sanitize(n.get(en)))?;
    }

    let sheet = wb.add_worksheet();
    sheet.set_name(t("问题清单", "Findings"))?;
    for (c, ((key, zh), w)) in COLUMNS.iter().zip(WIDTHS).enumerate() {
        sheet.write_string_with_format(0, c as u16, if en { *key } else { *zh }, &bold)?;
        sheet.set_column_width(c as u16, w)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, f) in ordered(report).into_iter().enumerate() {
        let r = (i + 1) as u32;
        for (c, v) in super::csv::row(f, en).iter().enumerate() {
            match c {
                // The deduction is a number a spreadsheet can sum.
                5 => sheet.write_number(r, 5, f.deduction)?,
                0..=4 => sheet.write_string(r, c as u16, sanitize(v))?,
                _ => sheet.write_string_with_format(r, c as u16, sanitize(v), &wrap)?,
            };
        }
    }
    wb.save_to_buffer()
}

impl Render for XlsxReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let bytes = build(report, self.en).map_err(std::io::Error::other)?;
        out.write_all(&bytes)
    }
}
