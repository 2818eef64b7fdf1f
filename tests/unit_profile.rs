//! Unit profiles: the kind of body a site belongs to decides its deadlines (《政府信息公开条例》
//! 第四十九条: the government's annual report by 31 March, a department's by 31 January) and which
//! rules apply. The fixture sites of `fixtures/sites/unit` carry the same 2025 annual report,
//! published on 2026-03-12, on a 管委会's portal and on a county education bureau's site; each is
//! crawled over the embedded static server by the real binary.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::{Value, json};

mod common;
use common::{audit_json, finding, verdict};

const GWH: &str = "fixtures/sites/unit/gwh";
const JYJ: &str = "fixtures/sites/unit/jyj";

fn gongkai() -> Command {
    let mut c = Command::cargo_bin("gongkai").unwrap();
    c.env_remove("GONGKAI_HISTORY").env_remove("GONGKAI_CACHE");
    c
}

fn annual(r: &Value) -> &Value {
    finding(r, "GOV-ANNUAL-REPORT")
}

#[test]
fn a_government_portal_is_judged_against_31_march_and_says_why() {
    let (r, _) = audit_json(GWH, "cn-gov-baseline", &[]);
    let f = annual(&r);
    assert_eq!(verdict(f), "pass", "{}", f["message"]["zh"]);
    assert_eq!(
        f["facts"]["deadline"],
        json!({"date": "2026-03-31", "kind": "government"})
    );
    assert!(
        f["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("时限2026年3月31日（人民政府适用的时限）"),
        "{}",
        f["message"]["zh"]
    );
    // The profile, each part with where it came from.
    assert_eq!(
        r["unit"],
        json!({
            "kind": {"value": "government", "from": "site_name", "text": "青屿综合实验区党工委管委会"},
            "province": {"value": "35", "from": "site_id_code", "text": "3590000007"},
            "services": {"value": true, "from": "site_links", "text": "办事服务"}
        })
    );

    // The terminal's header states it too.
    let out = gongkai()
        .args([
            "audit",
            GWH,
            "--rules",
            "cn-gov-baseline",
            "--as-of",
            "2026-11-26",
            "-q",
        ])
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "单位画像：人民政府（据SiteName“青屿综合实验区党工委管委会”）；福建省（据网站标识码“3590000007”）；有办事服务（据网站链接“办事服务”）"
        ),
        "{text}"
    );
}

#[test]
fn the_same_report_on_a_department_site_is_late_against_31_january() {
    let (r, _) = audit_json(JYJ, "cn-gov-baseline", &[]);
    let f = annual(&r);
    assert_eq!(verdict(f), "gap/late", "{}", f["message"]["zh"]);
    assert_eq!(
        f["facts"],
        json!({"fact": "late", "year": 2025, "published": "2026-03-12",
               "deadline": {"date": "2026-01-31"}})
    );
    assert_eq!(
        r["unit"],
        json!({
            "kind": {"value": "department", "from": "site_name", "text": "云溪县教育局"},
            "level": {"value": "county", "from": "site_id_code", "text": "3501990003"},
            "province": {"value": "35", "from": "site_id_code", "text": "3501990003"},
            "services": {"value": false, "from": "not_found"}
        })
    );
}

#[test]
fn the_unit_flag_overrides_the_site_and_bad_values_are_usage_errors() {
    // Told it is a government, the bureau's report is on time.
    let (r, _) = audit_json(
        JYJ,
        "cn-gov-baseline",
        &["--unit", "kind=government,services=yes"],
    );
    assert_eq!(verdict(annual(&r)), "pass");
    assert_eq!(
        r["unit"]["kind"],
        json!({"value": "government", "from": "command_line"})
    );
    assert_eq!(
        r["unit"]["services"],
        json!({"value": true, "from": "command_line"})
    );
    // What was not given is still read from the site.
    assert_eq!(r["unit"]["level"]["from"], "site_id_code");
    // Told the 管委会 is a department, its March report is late.
    let (r, _) = audit_json(GWH, "cn-gov-baseline", &["--unit", "kind=部门"]);
    assert_eq!(verdict(annual(&r)), "gap/late");

    gongkai()
        .args(["audit", JYJ, "--unit", "kind=bureau"])
        .assert()
        .code(2)
        .stderr(
            contains("--unit: unknown unit kind `bureau`")
                .and(contains("department"))
                .and(contains("panicked").not()),
        );
    gongkai()
        .args(["audit", JYJ, "--unit", "tier=county"])
        .assert()
        .code(2)
        .stderr(contains("unknown unit key `tier`").and(contains("kind=government,level=county")));
}

#[test]
fn a_batch_list_has_a_unit_column() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let list = tmp.path().join("units.csv");
    std::fs::write(
        &list,
        format!(
            "单位名称,上级单位,网址,单位类型\n\
             云溪县教育局,云溪县,{},\n\
             云溪县政府,云溪县,{},kind=government;level=county\n\
             青屿管委会,青屿,{},\n\
             错填类型局,云溪县,{},kind=局\n",
            root.join(JYJ).display(),
            root.join(JYJ).join("zfxxgknb").display(),
            root.join(GWH).display(),
            root.join(GWH).join("bsfw").display(),
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    gongkai()
        .arg("batch")
        .arg(&list)
        .arg("-o")
        .arg(&out)
        .args(["--rules", "cn-gov-baseline", "--as-of", "2026-11-26", "-q"])
        .assert()
        // The bad row is skipped with its line and what is allowed; the rest run.
        .code(2)
        .stderr(
            contains("5")
                .and(contains("unknown unit kind `局`"))
                .and(contains("panicked").not()),
        );
    let report = |name: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("sites/{name}.json"))).unwrap(),
        )
        .unwrap()
    };
    let plain = report("云溪县教育局");
    assert_eq!(verdict(annual(&plain)), "gap/late");
    let told = report("云溪县政府");
    assert_eq!(verdict(annual(&told)), "pass");
    assert_eq!(
        told["unit"]["kind"],
        json!({"value": "government", "from": "list"})
    );
    assert_eq!(
        told["unit"]["level"],
        json!({"value": "county", "from": "list"})
    );
    assert_eq!(verdict(annual(&report("青屿管委会"))), "pass");
}

#[test]
fn a_rule_for_some_kinds_is_not_applicable_to_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("gov-only.toml");
    std::fs::write(
        &pack,
        r#"[pack]
id = "gov-only"
name = "人民政府专项"
extends = ["cn-gov-baseline"]

[[rule]]
id = "GOVONLY-NB"
name = "本级政府年度报告专栏"
basis = "《政府信息公开条例》第四十九条"
severity = "minor"
deduct = 1.0
remedy = "设置政府信息公开年报栏目。"
find = ["政府信息公开年报"]
where = ["column"]
applies = { kind = ["government"] }

[[rule]]
id = "TOWNSHIP-ONLY"
name = "乡镇标准目录"
basis = "基层政务公开标准化规范化"
severity = "minor"
deduct = 1.0
remedy = "公开乡镇标准目录。"
find = ["标准目录"]
applies = { level = ["township"] }
"#,
    )
    .unwrap();
    let pack = pack.to_str().unwrap();
    let (bureau, _) = audit_json(JYJ, pack, &[]);
    let f = finding(&bureau, "GOVONLY-NB");
    assert_eq!(verdict(f), "inconclusive/not_applicable");
    assert_eq!(f["deduction"], 0.0);
    assert_eq!(
        f["facts"],
        json!({"fact": "not_for_unit", "unit": {"kind": "department"},
               "applies_to": [{"kind": "government"}]})
    );
    assert_eq!(
        f["message"]["zh"],
        "不适用：本项仅适用于人民政府，本单位为政府工作部门"
    );
    // A county bureau is no township: not applicable by level.
    assert_eq!(
        verdict(finding(&bureau, "TOWNSHIP-ONLY")),
        "inconclusive/not_applicable"
    );
    let (gov, _) = audit_json(GWH, pack, &[]);
    assert_eq!(verdict(finding(&gov, "GOVONLY-NB")), "pass");
    // The portal's level cannot be told from its code (35 90…): the level rule is judged.
    assert_eq!(verdict(finding(&gov, "TOWNSHIP-ONLY")), "gap/missing");
}

#[test]
fn every_format_with_a_header_states_the_profile() {
    let line_zh = "人民政府（据SiteName“青屿综合实验区党工委管委会”）";
    for (format, lang, want) in [
        ("markdown", "zh", format!("单位画像: {line_zh}")),
        ("html", "zh", format!("单位画像：{line_zh}")),
        ("text", "zh", format!("单位画像：{line_zh}")),
        (
            "text",
            "en",
            "Unit profile: people's government (from SiteName \"青屿综合实验区党工委管委会\")"
                .to_string(),
        ),
    ] {
        let out = gongkai()
            .args([
                "audit",
                GWH,
                "--rules",
                "cn-gov-baseline",
                "--as-of",
                "2026-11-26",
                "-q",
            ])
            .args(["--format", format, "--lang", lang])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&want), "{format}/{lang}: {text}");
    }
}

#[test]
fn the_spreadsheet_summary_states_the_profile() {
    use calamine::Reader;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("r.xlsx");
    gongkai()
        .args([
            "audit",
            JYJ,
            "--rules",
            "cn-gov-baseline",
            "--as-of",
            "2026-11-26",
            "-q",
        ])
        .arg("-o")
        .arg(&file)
        .assert()
        .code(1);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let summary = book.worksheet_range("汇总").unwrap();
    let row = summary
        .rows()
        .find(|r| r[0] == "单位画像")
        .expect("a 单位画像 row");
    assert_eq!(
        row[1].to_string(),
        "政府工作部门（据SiteName“云溪县教育局”）；县级、福建省（据网站标识码“3501990003”）；无办事服务（已读页面未见办事服务栏目或链接）"
    );
}

#[test]
fn a_recheck_keeps_what_the_user_said_the_unit_is() {
    let tmp = tempfile::tempdir().unwrap();
    let before = tmp.path().join("before.json");
    let after = tmp.path().join("after.json");
    gongkai()
        .args([
            "audit",
            JYJ,
            "--rules",
            "cn-gov-baseline",
            "--as-of",
            "2026-11-26",
            "-q",
        ])
        .args(["--unit", "kind=government"])
        // Its report has no tables to add up, so one rule is not judged and the grade is
        // provisional; this test is about the profile a recheck keeps.
        .arg("--allow-provisional")
        .arg("-o")
        .arg(&before)
        .assert()
        .success();
    gongkai()
        .args([
            "recheck",
            before.to_str().unwrap(),
            "--as-of",
            "2026-11-26",
            "-q",
        ])
        .args(["-f", "json", "--save", after.to_str().unwrap()])
        .assert()
        // Nothing was fixed: the other gaps are still open.
        .code(1);
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&after).unwrap()).unwrap();
    assert_eq!(
        r["unit"]["kind"],
        json!({"value": "government", "from": "command_line"})
    );
    assert_eq!(verdict(annual(&r)), "pass");
}
