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
            (r#""generated_at": "[^"]+""#, r#""generated_at": "TIMESTAMP""#),
            (r#""elapsed_ms": \d+"#, r#""elapsed_ms": 0"#),
            (r"<td>\d+\.\d</td></tr>", "<td>N</td></tr>"),
            (r"gongkai [0-9.]+ · [0-9T:.Z-]+</p>", "gongkai VERSION · TIMESTAMP</p>"),
        ]}, {
            insta::assert_snapshot!($name, $text);
        });
    };
}

#[test]
fn json_and_html() {
    snapshot!("json", render("json", "zh"));
    snapshot!("html_zh", render("html", "zh"));
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
    snapshot!("csv_en", body);
    assert_eq!(rows.len(), rule_count());
    let fee = rows.iter().find(|r| &r[0] == "EDU-FEE").unwrap();
    assert_eq!(&fee[2], "gap");
    assert_eq!(&fee[3], "incomplete");
    assert_eq!(&fee[5], "1");
}

#[test]
fn junit_counts_gaps_as_failures() {
    let xml = render("junit", "zh");
    assert!(
        xml.contains(&format!(
            r#"<testsuites name="gongkai" tests="{}" skipped="1" failures="15" errors="0">"#,
            rule_count()
        )),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 15);
    snapshot!("junit_zh", xml);
}

#[test]
fn sarif_results_point_at_pages() {
    let text = render("sarif", "en");
    snapshot!("sarif_en", text.as_str());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gongkai");
    let results = run["results"].as_array().unwrap();
    // Fifteen gaps and one inconclusive rule (no aid list to check for ID numbers).
    assert_eq!(results.len(), 16);
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

#[test]
fn xlsx_reads_back_with_a_spreadsheet_reader() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
            "-o",
            path.to_str().unwrap(),
        ])
        .assert()
        .code(1);
    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["汇总", "问题清单"]);
    let summary = book.worksheet_range("汇总").unwrap();
    let get = |r: u32, c: u32| {
        summary
            .get_value((r, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    assert_eq!(get(0, 0), "单位");
    assert_eq!(get(0, 1), "石岩县教育局");
    assert_eq!(get(5, 1), "60.8 / 100");
    assert_eq!(get(6, 1), "不合格");
    let findings = book.worksheet_range("问题清单").unwrap();
    assert_eq!(
        findings.get_value((0, 0)),
        Some(&Data::String("规则编号".into()))
    );
    let rows = rule_count() as u32 + 1;
    assert_eq!(
        findings.height() as u32,
        rows,
        "a header and one row per rule"
    );
    let row = (1..rows)
        .find(|&r| findings.get_value((r, 0)) == Some(&Data::String("GOV-ANNUAL-REPORT".into())))
        .unwrap();
    assert_eq!(
        findings.get_value((row, 2)),
        Some(&Data::String("不符合".into()))
    );
    assert_eq!(findings.get_value((row, 5)), Some(&Data::Float(10.0)));
}

fn write(format: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join(format!("report.{format}"));
    std::fs::write(&path, render(format, "zh")).unwrap();
    path
}

/// Validators are installed by `scripts/test-deps` (the README's test command runs it first).
fn tool(path: &str, hint: &str) -> std::path::PathBuf {
    let p = std::path::PathBuf::from(path);
    assert!(
        p.exists(),
        "{path} is missing: run scripts/test-deps ({hint})"
    );
    p
}

#[test]
fn junit_validates_against_the_junit_schema() {
    let dir = tempfile::tempdir().unwrap();
    let xml = write("junit", dir.path());
    let out = std::process::Command::new(tool("/usr/bin/xmllint", "libxml2-utils"))
        .args(["--noout", "--schema", "tests/schemas/junit.xsd"])
        .arg(&xml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sarif_validates_with_the_sarif_multitool() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = write("sarif", dir.path());
    let verdict = dir.path().join("validation.sarif");
    let multitool = tool(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/test-tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
        ),
        "npm @microsoft/sarif-multitool",
    );
    let out = std::process::Command::new(multitool)
        .arg("validate")
        .arg(&sarif)
        .arg("-o")
        .arg(&verdict)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&verdict).unwrap()).unwrap();
    let errors: Vec<&serde_json::Value> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error")
        .collect();
    assert!(errors.is_empty(), "schema or rule errors: {errors:#?}");
}

/// One finding per rule of the pack the reports are rendered with.
fn rule_count() -> usize {
    gongkai::rules::load("cn-edu-county").unwrap().rules.len()
}
