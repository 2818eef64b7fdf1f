//! CSV: one row per finding with stable column names, for spreadsheets. Cells that a spreadsheet
//! would run as a formula are neutralised.

use std::io::Write;

use super::{Render, Report, ordered};

pub struct CsvReport {
    pub en: bool,
}

/// Stable column names (English, machine-readable) and their Chinese headers.
pub const COLUMNS: [(&str, &str); 13] = [
    ("rule_id", "规则编号"),
    ("rule", "规则"),
    ("status", "结果"),
    ("reason", "原因"),
    ("severity", "严重程度"),
    ("deduction", "扣分"),
    ("at_stake", "无法判定时涉及扣分"),
    ("message", "说明"),
    ("url", "证据链接"),
    ("date", "日期"),
    ("date_source", "日期来源"),
    ("basis", "依据"),
    ("remedy", "整改建议"),
];

/// One finding as the cells of `COLUMNS`, for every tabular format.
pub fn row(f: &crate::audit::Finding, en: bool) -> [String; 13] {
    let e = f.evidence.first();
    [
        f.rule_id.clone(),
        f.name.get(en).to_string(),
        f.status_label(en).to_string(),
        f.reason
            .map(|r| r.label(en).to_string())
            .unwrap_or_default(),
        f.severity.label(en).to_string(),
        f.deduction.to_string(),
        // What a rule not judged would cost: points, or `veto`.
        match f.at_stake {
            Some(s) if s.veto => if en { "veto" } else { "否决" }.to_string(),
            Some(s) => s.points.to_string(),
            None => String::new(),
        },
        f.message.get(en).to_string(),
        e.and_then(|e| e.url.as_ref())
            .map(|u| u.to_string())
            .unwrap_or_default(),
        e.and_then(|e| e.date)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        e.and_then(|e| e.date_source)
            .map(|d| d.label(en).to_string())
            .unwrap_or_default(),
        f.basis.get(en).to_string(),
        f.remedy.get(en).to_string(),
    ]
}

/// A cell starting with `=`, `+`, `-`, `@` (or a tab/CR) runs as a formula in spreadsheet
/// programs; a leading apostrophe makes it text.
pub fn neutralise(s: &str) -> String {
    let s = super::sanitize(s);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

impl Render for CsvReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let en = self.en;
        // A BOM lets spreadsheet programs on Chinese Windows read UTF-8 rather than GBK.
        out.write_all(b"\xEF\xBB\xBF")?;
        let mut w = ::csv::Writer::from_writer(out);
        let header: Vec<&str> = COLUMNS
            .iter()
            .map(|(k, zh)| if en { *k } else { *zh })
            .collect();
        w.write_record(&header)?;
        for f in ordered(report) {
            let row = row(f, en);
            w.write_record(row.iter().map(|c| neutralise(c)))?;
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(neutralise("-1+1"), "'-1+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("已找到“指南”"), "已找到“指南”");
    }
}
