//! The bundled fixture sites, audited by the real binary over the embedded static server. Each
//! site's README lists the gaps it was built to contain as of 2026-11-26; these tests assert
//! exactly those findings, rule by rule.

use std::collections::BTreeMap;

use assert_cmd::Command;
use serde_json::{Value, json};

mod common;
use common::{assert_score_adds_up, copy_dir, evidence_paths, finding, verdicts};

fn audit(site: &str) -> (Value, i32) {
    common::audit_json(&format!("fixtures/sites/{site}"), "cn-edu-county", &[])
}

const ALL_RULES: [&str; 45] = [
    "GOV-GUIDE",
    "GOV-SYSTEM",
    "GOV-ANNUAL-REPORT",
    "GOV-ANNUAL-SECTIONS",
    "GOV-ANNUAL-TABLES",
    "GOV-ANNUAL-ARITHMETIC",
    "GOV-ANNUAL-TEMPLATE",
    "GOV-APPLY",
    "GOV-ORG",
    "GOV-LEADERS",
    "GOV-POLICY",
    "GOV-PLAN",
    "GOV-BUDGET",
    "GOV-FINAL-ACCOUNTS",
    "GOV-SANGONG",
    "GOV-PERSONNEL",
    "INSP-HOME-FRESH",
    "INSP-NEWS-FRESH",
    "INSP-NOTICE-FRESH",
    "INSP-POLICY-FRESH",
    "INSP-PLAN-FRESH",
    "INSP-PERSONNEL-FRESH",
    "INSP-STALE-VETO",
    "INSP-SHOULD-UPDATE-VETO",
    "INSP-BLANK-VETO",
    "INSP-BLANK",
    "INSP-DEAD-LINKS-HOME",
    "INSP-DEAD-LINKS",
    "INSP-FORGED-DATES",
    "INSP-SITE-IDENTITY",
    "EDU-FEE",
    "EDU-ADM-POLICY",
    "EDU-ADM-PLAN",
    "EDU-ADM-AREA",
    "EDU-ADM-RESULT",
    "EDU-AID",
    "EDU-HOTLINE",
    "EDU-AID-PRIVACY",
    "EDU-STD-CATALOGUE",
    "EDU-STD-OVERVIEW",
    "EDU-STD-PRIVATE",
    "EDU-STD-TEACHER",
    "EDU-STD-POLICY-IMPL",
    "EDU-STD-INSPECTION",
    "EDU-STD-SAFETY",
];

#[test]
fn compliant_site_passes_every_rule() {
    let (r, code) = audit("qingshui-jyj");
    let v = verdicts(&r);
    let expected: BTreeMap<String, String> = ALL_RULES
        .iter()
        .map(|id| (id.to_string(), "pass".to_string()))
        .collect();
    assert_eq!(v, expected);
    assert_eq!(code, 0);
    assert_eq!(r["schema_version"], gongkai::report::SCHEMA_VERSION);
    assert_eq!(r["score"]["points"], 100.0);
    assert_eq!(r["score"]["grade"]["zh"], "优秀");
    assert_eq!(r["score"]["coverage"], 100.0);
    assert_eq!(r["site"]["dead_links"], 0);
    assert_eq!(r["site"]["site_id_code"], "6205210003");
    // Freshness is judged on the dates the site shows, with their provenance.
    let news = finding(&r, "INSP-NEWS-FRESH");
    assert_eq!(news["evidence"][0]["date"], "2026-11-20");
    assert_eq!(news["evidence"][0]["date_source"], "list_row");
    let ar = finding(&r, "GOV-ANNUAL-REPORT");
    // The finding names the period it judged: as of 2026-11-26, the 2025 report was due.
    assert_eq!(ar["facts"]["fact"], "for_period");
    assert_eq!(ar["facts"]["year"], 2025);
    assert_eq!(ar["facts"]["deadline"]["date"], "2026-01-31");
    assert_eq!(ar["facts"]["inner"]["fact"], "found");
    assert!(
        ar["facts"]["inner"]["title"]
            .as_str()
            .unwrap()
            .contains("2025年政府信息公开工作年度报告")
    );
    assert_eq!(ar["evidence"][0]["date"], "2026-01-22");
    assert_eq!(ar["evidence"][0]["date_source"], "meta_pub_date");
}

#[test]
fn gappy_gb2312_site_has_exactly_its_documented_gaps() {
    let (r, code) = audit("shiyan-jyj");
    let mut expected: BTreeMap<String, String> = ALL_RULES
        .iter()
        .map(|id| (id.to_string(), "pass".to_string()))
        .collect();
    for (id, v) in [
        // README gap 1 (工作动态 stale since 2026-09-15) also leaves the home page stale: a veto.
        ("INSP-NEWS-FRESH", "gap/stale"),
        ("INSP-HOME-FRESH", "gap/stale"),
        // Gap 2: 通知公告 empty with 暂无信息; gap 3: 学生资助 an empty list.
        ("INSP-NOTICE-FRESH", "gap/stale"),
        ("INSP-BLANK", "gap/empty"),
        ("EDU-AID", "gap/empty"),
        // With no aid list there is nothing to check for ID numbers.
        ("EDU-AID-PRIVACY", "inconclusive/not_applicable"),
        // Gap 4: the fee notice has no complaint phone (the footer's does not count).
        ("EDU-FEE", "gap/incomplete"),
        // Gap 5: no 2025 annual report.
        ("GOV-ANNUAL-REPORT", "gap/missing"),
        // Gap 6: a dead article link and a dead attachment.
        ("INSP-DEAD-LINKS", "gap/broken"),
        // Gap 7: 规划计划 older than 12 months.
        ("INSP-PLAN-FRESH", "gap/stale"),
        // Gap 8: nothing of the MOE 义务教育 catalogue beyond what the other rules cover (its
        // teacher recruitment notices count for 教师管理).
        ("EDU-STD-CATALOGUE", "gap/missing"),
        ("EDU-STD-OVERVIEW", "gap/missing"),
        ("EDU-STD-PRIVATE", "gap/missing"),
        ("EDU-STD-POLICY-IMPL", "gap/missing"),
        ("EDU-STD-INSPECTION", "gap/missing"),
        ("EDU-STD-SAFETY", "gap/missing"),
    ] {
        expected.insert(id.to_string(), v.to_string());
    }
    assert_eq!(verdicts(&r), expected);

    // GB2312 declared only in a meta tag, served as bare text/html, decoded.
    assert_eq!(r["site"]["site_name"], "石岩县教育局");

    let fee = finding(&r, "EDU-FEE");
    assert_eq!(
        fee["facts"],
        json!({"fact": "incomplete", "title": "石岩县2026年秋季学期中小学收费公示",
               "missing": [{"zh": "投诉电话", "en": "complaint phone"}]})
    );
    assert_eq!(
        evidence_paths(fee),
        vec!["/fdzdgknr/jysf/202608/t20260826_3339.html"]
    );

    let dead = finding(&r, "INSP-DEAD-LINKS");
    assert_eq!(dead["count"], 2);
    let mut paths = evidence_paths(dead);
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "/fdzdgknr/zcwj/202604/P020260415381204.pdf",
            "/fdzdgknr/zcwj/202605/t20260512_3307.html"
        ]
    );
    assert!(
        dead["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["http_status"] == 404)
    );

    let blank = finding(&r, "INSP-BLANK");
    assert_eq!(blank["count"], 2);
    assert_eq!(
        blank["facts"],
        json!({"fact": "blank_columns", "names": ["通知公告", "学生资助"]})
    );

    let ar = finding(&r, "GOV-ANNUAL-REPORT");
    assert_eq!(
        ar["facts"],
        json!({"fact": "none_for_year", "year": 2025, "deadline": {"date": "2026-01-31"}})
    );

    let news = finding(&r, "INSP-NEWS-FRESH");
    assert_eq!(
        news["facts"],
        json!({"fact": "stale_columns",
               "columns": [{"name": "工作动态", "newest": "2026-09-15", "limit": "14d"}]})
    );

    // Veto → 不合格 whatever the points; the points still reflect the deductions.
    assert_eq!(r["score"]["vetoes"], serde_json::json!(["INSP-HOME-FRESH"]));
    assert_eq!(r["score"]["grade"]["zh"], "不合格");
    let deductions = assert_score_adds_up(&r);
    assert!(deductions > 0.0 && r["score"]["points"].as_f64() > Some(0.0));
    assert_eq!(code, 1);
}

#[test]
fn as_of_moves_every_judgement() {
    // On 2026-01-20 the 2025 report is not yet due: the 2024 one must exist, and does.
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-01-20",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(finding(&r, "GOV-ANNUAL-REPORT")["status"], "pass");
}

#[test]
fn metadata_blocks_date_signals_forged_dates_identity_and_shared_columns() {
    let (r, _) = audit("songling-jyj");
    let v = verdicts(&r);
    for (id, want) in [
        ("INSP-FORGED-DATES", "gap/suspect_date"),
        ("INSP-SITE-IDENTITY", "gap/inconsistent"),
        ("INSP-NEWS-FRESH", "pass"),
        ("INSP-NOTICE-FRESH", "pass"),
        ("INSP-POLICY-FRESH", "pass"),
        ("INSP-DEAD-LINKS", "pass"),
        ("INSP-DEAD-LINKS-HOME", "pass"),
    ] {
        assert_eq!(v[id], want, "{id}");
    }

    // Forged dates: one document published 3 years after it was written, and a batch of five
    // old documents all re-dated to 2026-11-18. MakeTime (2026-11-25) is never a publish date.
    let forged = finding(&r, "INSP-FORGED-DATES");
    assert_eq!(forged["count"], 6);
    assert_eq!(forged["severity"], "advisory");
    assert_eq!(
        forged["facts"]["suspects"],
        json!([
            {"suspect": "late_release", "title": "松岭县教育局关于印发教师管理办法的通知",
             "written": "2023-05-10", "published": {"date": "2026-10-09", "source": "meta_pub_date"},
             "days": 1248},
            {"suspect": "batch", "day": "2026-11-18", "count": 5, "older_than": "6m",
             "oldest": "2025-12-01"}
        ])
    );
    let mut paths = evidence_paths(forged);
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "/zcwj/202512/t20251202_3101.html",
            "/zcwj/202601/t20260109_3102.html",
            "/zcwj/202602/t20260211_3103.html",
            "/zcwj/202603/t20260306_3104.html",
            "/zcwj/202604/t20260421_3105.html",
            "/zcwj/202610/t20261009_3106.html",
        ]
    );
    let ev = |path: &str| {
        forged["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"].as_str().unwrap().ends_with(path))
            .unwrap()
            .clone()
    };
    // The metadata block, whatever its markup; the 索引号 that looks like a date is kept as one
    // string and never read as a date.
    let table = ev("t20261009_3106.html");
    assert_eq!(
        table["doc"],
        serde_json::json!({"index_no": "2026-02-00018", "publisher": "松岭县教育局",
            "topic": "教育", "doc_no": "松教发〔2023〕12号", "written": "2023-05-10",
            "published": "2026-10-09"})
    );
    assert_eq!(table["date"], "2026-10-09");
    assert_eq!(table["date_source"], "meta_pub_date");
    assert_eq!(
        table["other_dates"],
        serde_json::json!([{"date": "2023-05-10", "source": "written"}])
    );
    let dl = ev("t20260306_3104.html");
    assert_eq!(
        dl["doc"],
        serde_json::json!({"index_no": "2026-03-00009", "publisher": "松岭县教育局",
            "doc_no": "松教发〔2026〕6号", "written": "2026-03-05", "published": "2026-11-18"})
    );
    // Every disagreeing signal is shown next to the one used.
    assert_eq!(
        dl["other_dates"],
        serde_json::json!([{"date": "2026-03-06", "source": "url"},
            {"date": "2026-03-05", "source": "written"}])
    );
    let word = ev("t20260421_3105.html");
    assert_eq!(
        word["doc"],
        serde_json::json!({"index_no": "2026-04-00014", "publisher": "松岭县教育局",
            "doc_no": "松教发〔2026〕9号", "written": "2026-04-20"})
    );

    // Site identity: the footer came from another city's template.
    let id = finding(&r, "INSP-SITE-IDENTITY");
    assert_eq!(id["count"], 2);
    assert_eq!(
        id["facts"]["conflicts"],
        json!([
            {"conflict": "site_code_footer", "meta": "6205230007", "footer": "2302000011"},
            {"conflict": "site_name_sponsor", "name": "松岭县教育局", "sponsor": "齐齐哈尔市教育局"}
        ])
    );
    assert!(
        id["basis"]["zh"]
            .as_str()
            .unwrap()
            .contains("国办发〔2017〕47号")
    );

    // Shared column: shown, not scored; the bureau's own news column is fresh.
    let news = finding(&r, "INSP-NEWS-FRESH");
    assert_eq!(
        news["facts"],
        json!({"fact": "columns_fresh",
               "columns": [{"name": "工作动态", "newest": "2026-11-20"}],
               "shared": [{"name": "全省教育要闻", "feed": "jyt.province.example"}]})
    );
    let columns: BTreeMap<String, Value> = r["site"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_string(), c.clone()))
        .collect();
    assert_eq!(columns["全省教育要闻"]["shared"], "jyt.province.example");
    assert!(columns["工作动态"].get("shared").is_none());
    // MM-DD list dates take the year of the heading; split day/month is read as one date.
    assert_eq!(
        columns["工作动态"]["newest"],
        serde_json::json!({"date": "2026-11-20", "source": "list_row"})
    );
    assert_eq!(columns["工作动态"]["entries"], 3);
    assert_eq!(columns["通知公告"]["newest"]["date"], "2026-11-14");
}

#[test]
fn us_example_pack_reads_the_required_links_and_reports_in_english() {
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/us-agency-example",
            "--rules",
            "us-federal-example",
            "--as-of",
            "2026-11-26",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut expected: BTreeMap<String, String> = [
        "US-ABOUT",
        "US-ACCESSIBILITY",
        "US-FOIA",
        "US-PRIVACY",
        "US-USAGOV",
    ]
    .iter()
    .map(|id| (id.to_string(), "pass".to_string()))
    .collect();
    expected.insert("US-NO-FEAR".into(), "gap/broken".into());
    expected.insert("US-BUDGET-PERFORMANCE".into(), "gap/missing".into());
    expected.insert("US-INSPECTOR-GENERAL".into(), "gap/missing".into());
    assert_eq!(verdicts(&r), expected);
    // Three gaps, each deducting what its rule says.
    assert!(assert_score_adds_up(&r) > 0.0);
    assert_eq!(r["score"]["grade"]["en"], "Non-compliant");
    assert_eq!(out.status.code(), Some(1));
    // Link texts match whatever their case: "Privacy policy" for "Privacy Policy".
    assert_eq!(
        evidence_paths(finding(&r, "US-PRIVACY")),
        vec!["/privacy/index.html"]
    );
    let usa = finding(&r, "US-USAGOV");
    assert_eq!(usa["evidence"][0]["url"], "https://www.usa.gov/");
    assert_eq!(
        finding(&r, "US-NO-FEAR")["facts"],
        json!({"fact": "dead_link", "title": "No FEAR Act data"})
    );

    // The English report has no Chinese in it.
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/us-agency-example",
            "--rules",
            "us-federal-example",
            "--as-of",
            "2026-11-26",
            "--lang",
            "en",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("Office of Inspector General"), "{md}");
    // Without a SiteName meta the report is titled after what was audited, not left blank.
    assert!(
        md.contains("## Disclosure audit: fixtures/sites/us-agency-example"),
        "{md}"
    );
    assert!(md.contains("Non-compliant"), "{md}");
    let cjk: Vec<char> = md
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect();
    assert!(
        cjk.is_empty(),
        "Chinese in the English report: {cjk:?}\n{md}"
    );
}

/// Replaces `from` with `to` in every HTML file under `dir`.
fn replace_all(dir: &std::path::Path, from: &str, to: &str) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            replace_all(&p, from, to);
        } else if p.extension().is_some_and(|x| x == "html") {
            let text = std::fs::read_to_string(&p).unwrap();
            if text.contains(from) {
                std::fs::write(&p, text.replace(from, to)).unwrap();
            }
        }
    }
}

#[test]
fn a_province_deadline_applies_by_option_or_by_site_id_code() {
    // The 2026 budget published on 10 April: on time by the national default (30 April), late
    // in 湖北 (42), whose own deadline is 31 March.
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(std::path::Path::new("fixtures/sites/qingshui-jyj"), &site);
    replace_all(&site.join("fdzdgknr/czzj/bmys"), "2026-03-15", "2026-04-10");
    let run = |extra: &[&str]| -> Value {
        let out = Command::cargo_bin("gongkai")
            .unwrap()
            .arg("audit")
            .arg(&site)
            .args(["--as-of", "2026-11-26", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
    };
    // 网站标识码 6205210003 is 甘肃 (62): no provincial date, the default applies.
    assert_eq!(finding(&run(&[]), "GOV-BUDGET")["status"], "pass");
    let r = run(&["--province", "42"]);
    let f = finding(&r, "GOV-BUDGET");
    assert_eq!(f["reason"], "late");
    assert_eq!(
        f["facts"],
        json!({"fact": "late", "year": 2026, "published": "2026-04-10",
               "deadline": {"date": "2026-03-31", "province": "42"}})
    );
    assert_eq!(
        finding(&run(&["--province", "湖北"]), "GOV-BUDGET")["reason"],
        "late"
    );
    // Without the option, a 湖北 site ID code selects the same deadline, and the report says why.
    replace_all(&site, "6205210003", "4210230015");
    let r = run(&[]);
    let f = finding(&r, "GOV-BUDGET");
    assert_eq!(f["reason"], "late");
    assert_eq!(
        f["facts"]["deadline"],
        json!({"date": "2026-03-31", "province": "42", "province_from_site_code": "4210230015"}),
        "{f}"
    );
    // The option wins over the code.
    assert_eq!(
        finding(&run(&["--province", "62"]), "GOV-BUDGET")["status"],
        "pass"
    );
    // An unknown province is a usage error.
    Command::cargo_bin("gongkai")
        .unwrap()
        .arg("audit")
        .arg(&site)
        .args(["--province", "99"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown province `99`"));
}
