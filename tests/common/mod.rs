//! Helpers shared by the tests that audit a bundled fixture site with the real binary and read
//! its JSON report. Each test file uses some of them.
#![allow(dead_code)]

use std::collections::BTreeMap;

use assert_cmd::Command;
use serde_json::Value;

/// `gongkai audit DIR --rules PACK --as-of 2026-11-26 --format json [EXTRA...]`: the report and
/// the exit code. Panics with the tool's stderr when there is no JSON report.
pub fn audit_json(dir: &str, pack: &str, extra: &[&str]) -> (Value, i32) {
    let out = Command::cargo_bin("gongkai")
        .expect("the gongkai binary is built")
        .args([
            "audit",
            dir,
            "--rules",
            pack,
            "--as-of",
            "2026-11-26",
            "--format",
            "json",
        ])
        .args(extra)
        .output()
        .expect("gongkai runs");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap_or(-1))
}

/// The finding of rule `id`.
pub fn finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .find(|f| f["rule_id"] == id)
        .unwrap_or_else(|| panic!("no finding for {id}"))
}

/// "status" or "status/reason" of one finding.
pub fn verdict(f: &Value) -> String {
    let s = f["status"].as_str().expect("status is a string");
    match f["reason"].as_str() {
        Some(r) => format!("{s}/{r}"),
        None => s.to_string(),
    }
}

/// rule id → [`verdict`], for every finding.
pub fn verdicts(report: &Value) -> BTreeMap<String, String> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            let id = f["rule_id"].as_str().expect("rule_id is a string");
            (id.to_string(), verdict(f))
        })
        .collect()
}

/// The URL paths a finding cites as evidence.
pub fn evidence_paths(f: &Value) -> Vec<String> {
    f["evidence"]
        .as_array()
        .expect("evidence is an array")
        .iter()
        .filter_map(|e| e["url"].as_str())
        .map(|u| url::Url::parse(u).expect("evidence URL").path().to_string())
        .collect()
}

/// Copies a directory tree (a fixture site) to `to`, so a test can change its copy.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The score is what its findings add up to: the deductions of the findings (capped at the base,
/// one decimal), and the points the base less them. Returns the deductions.
pub fn assert_score_adds_up(report: &Value) -> f64 {
    let score = &report["score"];
    let base = score["base"].as_f64().expect("score.base is a number");
    let sum: f64 = report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| f["deduction"].as_f64().expect("deduction is a number"))
        .sum();
    let deductions = (sum.min(base) * 10.0).round() / 10.0;
    assert_eq!(score["deductions"].as_f64(), Some(deductions), "{score}");
    let points = ((base - deductions).max(0.0) * 10.0).round() / 10.0;
    assert_eq!(score["points"].as_f64(), Some(points), "{score}");
    deductions
}
