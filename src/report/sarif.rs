//! SARIF 2.1.0: gaps and inconclusive rules as results located at the page URL, for
//! code-scanning dashboards. Written with serde (the format is small; generated bindings are not).

use std::io::Write;

use serde_json::{Value, json};

use super::{Render, Report};
use crate::audit::Status;
use crate::rules::Severity;

pub struct SarifReport {
    pub en: bool,
}

fn level(status: Status, severity: Severity) -> &'static str {
    match (status, severity) {
        (Status::Inconclusive, _) => "note",
        (_, Severity::Veto | Severity::Major) => "error",
        (_, Severity::Minor) => "warning",
        (_, Severity::Advisory) => "note",
    }
}

impl Render for SarifReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let en = self.en;
        let rules: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                json!({
                    "id": f.rule_id,
                    "shortDescription": { "text": f.name.get(en) },
                    "fullDescription": { "text": f.basis.get(en) },
                    "help": { "text": f.remedy.get(en) },
                    "defaultConfiguration": { "level": level(Status::Gap, f.severity) },
                    "properties": { "severity": f.severity.label(true) }
                })
            })
            .collect();
        let results: Vec<Value> = report
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.status != Status::Pass)
            .map(|(i, f)| {
                let locations: Vec<Value> = f
                    .evidence
                    .iter()
                    .filter_map(|e| e.url.as_ref())
                    .take(5)
                    .map(|u| json!({ "physicalLocation": { "artifactLocation": { "uri": u.as_str() } } }))
                    .collect();
                let mut r = json!({
                    "ruleId": f.rule_id,
                    "ruleIndex": i,
                    // A waived gap is shown, not raised.
                    "level": if f.is_waived() { "note" } else { level(f.status, f.severity) },
                    "kind": if f.status == Status::Gap { "fail" } else { "review" },
                    "message": { "text": super::sanitize(f.message.get(en)) },
                    "properties": { "status": f.status, "reason": f.reason, "deduction": f.deduction }
                });
                if !locations.is_empty() {
                    r["locations"] = Value::Array(locations);
                }
                // What a rule not judged would cost were it a gap.
                if let Some(st) = f.at_stake {
                    r["properties"]["atStake"] = json!(st);
                }
                r
            })
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "gongkai",
                    "version": report.tool.version,
                    "rules": rules
                } },
                "results": results,
                "properties": {
                    "score": report.score.points,
                    "scoreWorst": report.score.worst.points,
                    "grade": report.score.grade.get(en),
                    "provisional": report.score.provisional,
                    "coverage": report.score.coverage,
                    "passRate": report.score.pass_rate,
                    "unjudged": report.score.unjudged_text(en),
                    "verdict": report.score.headline(en),
                    "asOf": report.as_of.to_string()
                }
            }]
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
