//! Every output format renders the same report. Snapshots pin what a reader sees; loopback ports
//! and timings are filtered out so the snapshots are stable.

use assert_cmd::Command;

fn render(format: &str, lang: &str) -> String {
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
            "--format",
            format,
            "--lang",
            lang,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

macro_rules! snapshot {
    ($name:expr, $text:expr) => {
        insta::with_settings!({ filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r"用时 \d+\.\d 秒", "用时 N 秒"),
            (r"\d+\.\d s\.", "N s."),
        ]}, {
            insta::assert_snapshot!($name, $text);
        });
    };
}

#[test]
fn markdown() {
    let md = render("markdown", "zh");
    // Text from the site cannot break the table: every row has the same number of cells.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    let pipes = |r: &str| r.replace("\\|", "").matches('|').count();
    assert!(
        rows.len() > 30 && rows.iter().all(|r| pipes(r) == 6),
        "{md}"
    );
    snapshot!("markdown_zh", md);
}

#[test]
fn bulletin_text_in_both_languages() {
    let zh = render("text", "zh");
    assert!(zh.contains("一、首页更新：首页最新信息发布于2026年9月15日，已超过2周未更新。"));
    snapshot!("text_zh", zh);
    snapshot!("text_en", render("text", "en"));
}

#[test]
fn csv_has_stable_columns() {
    let csv = render("csv", "en");
    let body = csv
        .strip_prefix('\u{feff}')
        .expect("UTF-8 BOM for spreadsheets");
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        headers,
        [
            "rule_id",
            "rule",
            "status",
            "reason",
            "severity",
            "deduction",
            "message",
            "url",
            "date",
            "date_source",
            "basis",
            "remedy"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 31);
    let fee = rows.iter().find(|r| &r[0] == "EDU-FEE").unwrap();
    assert_eq!(&fee[2], "gap");
    assert_eq!(&fee[3], "incomplete");
    assert_eq!(&fee[5], "1");
}

#[test]
fn junit_counts_gaps_as_failures() {
    let xml = render("junit", "zh");
    assert!(
        xml.contains(
            r#"<testsuites name="gongkai" tests="31" skipped="0" failures="9" errors="0">"#
        ),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 9);
    snapshot!("junit_zh", xml);
}

#[test]
fn sarif_results_point_at_pages() {
    let v: serde_json::Value = serde_json::from_str(&render("sarif", "en")).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gongkai");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 9);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], r["ruleId"]);
    }
    let dead = results
        .iter()
        .find(|r| r["ruleId"] == "INSP-DEAD-LINKS")
        .unwrap();
    let uris: Vec<&str> = dead["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris.len(), 2);
    assert!(
        uris[0].ends_with("/fdzdgknr/zcwj/202604/P020260415381204.pdf"),
        "{uris:?}"
    );
    assert!(
        uris[1].ends_with("/fdzdgknr/zcwj/202605/t20260512_3307.html"),
        "{uris:?}"
    );
}
