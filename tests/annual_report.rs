//! The annual report is read, not only found: the fixture reports of `fixtures/sites/nianbao`
//! are crawled over the embedded static server and the `GOV-ANNUAL-*` findings asserted, with
//! the section, row or column each problem cites.

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::{finding, verdict};

fn audit(site: &str) -> Value {
    common::audit_json(
        &format!("fixtures/sites/nianbao/{site}"),
        "cn-gov-baseline",
        &[],
    )
    .0
}

/// The cited rows: the text of every evidence item.
fn cited(f: &Value) -> Vec<String> {
    f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect()
}

const RULES: [&str; 4] = [
    "GOV-ANNUAL-SECTIONS",
    "GOV-ANNUAL-TABLES",
    "GOV-ANNUAL-ARITHMETIC",
    "GOV-ANNUAL-TEMPLATE",
];

#[test]
fn a_correct_report_passes_every_check() {
    let r = audit("good");
    for id in RULES {
        let f = finding(&r, id);
        assert_eq!(verdict(f), "pass", "{id}: {}", f["message"]["zh"]);
        assert_eq!(
            url::Url::parse(f["evidence"][0]["url"].as_str().unwrap())
                .unwrap()
                .path(),
            "/zfxxgknb/202601/t20260120_5001.html"
        );
    }
    assert_eq!(
        finding(&r, "GOV-ANNUAL-ARITHMETIC")["facts"],
        serde_json::json!({"fact": "report_sums_right",
            "title": "禾川县教育局2025年度政府信息公开工作年度报告", "checked": 42})
    );
}

#[test]
fn wrong_headings_and_sums_are_cited_by_section_row_and_column() {
    let r = audit("errors");
    let s = finding(&r, "GOV-ANNUAL-SECTIONS");
    assert_eq!(verdict(s), "gap/incomplete");
    assert_eq!(
        cited(s),
        vec![
            "第四部分标题为“四、行政复议和行政诉讼情况”，格式要求为“四、政府信息公开行政复议、行政诉讼情况”",
            "第六部分“其他需要报告的事项”排在第五部分“存在的主要问题及改进情况”之前",
        ]
    );
    assert_eq!(s["deduction"], 2.0);

    let a = finding(&r, "GOV-ANNUAL-ARITHMETIC");
    assert_eq!(verdict(a), "gap/inconsistent");
    assert_eq!(a["count"], 5);
    assert_eq!(
        cited(a),
        vec![
            "第三部分表格“三、本年度办理结果 / （二）部分公开（区分处理的，只计这一情形，不计其他情形）”行：总计为4，但自然人与法人或其他组织各列之和为3",
            "第三部分表格“自然人”列：第一项加第二项为14+1=15，第三项“三、本年度办理结果 / （七）总计”加第四项为14+2=16，两者应相等",
            "第三部分表格“总计”列：第一项加第二项为17+1=18，第三项“三、本年度办理结果 / （七）总计”加第四项为17+2=19，两者应相等",
            "第三部分表格“总计”列：办理结果各项之和为18，但“三、本年度办理结果 / （七）总计”为17",
            "第四部分表格“行政复议”：总计为3，但结果维持、结果纠正、其他结果、尚未审结之和为2",
        ]
    );
    // One point per inconsistency, capped at 3.
    assert_eq!(a["deduction"], 3.0);
    assert!(
        a["basis"]["zh"]
            .as_str()
            .unwrap()
            .contains("国办公开办函〔2021〕30号")
    );
    let kinds: Vec<&str> = a["facts"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["problem"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "row_total",
            "carry_over",
            "carry_over",
            "outcome_total",
            "appeal_total"
        ]
    );

    assert_eq!(verdict(finding(&r, "GOV-ANNUAL-TABLES")), "pass");
    assert_eq!(verdict(finding(&r, "GOV-ANNUAL-TEMPLATE")), "pass");
}

#[test]
fn a_2025_report_on_the_2019_template_is_outdated() {
    let r = audit("template2019");
    let t = finding(&r, "GOV-ANNUAL-TEMPLATE");
    assert_eq!(verdict(t), "gap/outdated");
    assert_eq!(t["deduction"], 1.0);
    let cite = &cited(t)[0];
    for col in ["本年新制作数量", "政府集中采购", "第二十条第（九）项"] {
        assert!(cite.contains(col), "{cite}");
    }
    let tables = finding(&r, "GOV-ANNUAL-TABLES");
    assert_eq!(verdict(tables), "gap/incomplete");
    assert_eq!(
        cited(tables),
        vec!["未找到第四部分“政府信息公开行政复议、行政诉讼情况”的统计表"]
    );
    // The 2019 layout of the applications table still adds up.
    assert_eq!(verdict(finding(&r, "GOV-ANNUAL-ARITHMETIC")), "pass");
    assert_eq!(verdict(finding(&r, "GOV-ANNUAL-SECTIONS")), "pass");
}

#[test]
fn reports_published_after_the_as_of_day_are_not_read() {
    // As of 2021-06-01 nothing newer than the as-of day counts: no report is left to read.
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/nianbao/template2019",
            "--rules",
            "cn-gov-baseline",
            "--as-of",
            "2021-06-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        verdict(finding(&r, "GOV-ANNUAL-TEMPLATE")),
        "inconclusive/not_applicable"
    );
}

#[test]
fn a_report_for_2020_may_use_the_2019_template() {
    // The same report, relabelled as the 2020 report published in January 2021.
    let dir = tempfile::tempdir().unwrap();
    let from = std::path::Path::new("fixtures/sites/nianbao/template2019");
    for rel in [
        "index.html",
        "zfxxgknb/index.html",
        "zfxxgknb/202601/t20260119_7001.html",
        "zfxxgknb/202601/W020260119336512.png",
    ] {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let bytes = std::fs::read(from.join(rel)).unwrap();
        match String::from_utf8(bytes.clone()) {
            Ok(t) => std::fs::write(
                &to,
                t.replace("2025年", "2020年")
                    .replace("2026-01-19", "2021-01-19"),
            )
            .unwrap(),
            Err(_) => std::fs::write(&to, bytes).unwrap(),
        }
    }
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args(["audit", dir.path().to_str().unwrap()])
        .args(["--rules", "cn-gov-baseline", "--as-of", "2021-06-01"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = finding(&r, "GOV-ANNUAL-TEMPLATE");
    assert_eq!(verdict(t), "pass");
    assert_eq!(t["facts"]["fact"], "report_older_format_applies");
    assert_eq!(t["facts"]["year"], 2020);
}

#[test]
fn a_report_published_only_as_an_attachment_is_unreadable_not_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        r#"<html><head><meta charset="utf-8"><title>某县教育局</title></head><body><ul>
<li><a href="./t20260120_1.html">某县教育局2025年度政府信息公开工作年度报告</a><span>2026-01-20</span></li>
</ul></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t20260120_1.html"),
        r#"<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="某县教育局2025年度政府信息公开工作年度报告">
<meta name="PubDate" content="2026-01-20 10:00"></head><body><div class="TRS_Editor"><p>详见附件。</p>
<p><a href="./P020260120.pdf">某县教育局2025年度政府信息公开工作年度报告.pdf</a></p></div></body></html>"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("P020260120.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args(["audit", dir.path().to_str().unwrap()])
        .args(["--rules", "cn-gov-baseline", "--as-of", "2026-11-26"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict(finding(&r, "GOV-ANNUAL-REPORT")), "pass");
    for id in RULES {
        let f = finding(&r, id);
        assert_eq!(verdict(f), "inconclusive/unreadable", "{id}");
        assert_eq!(f["deduction"], 0.0);
    }
}
