//! Every output format renders the same report. The report is built here by hand, small and
//! covering every kind of finding (a veto, gaps with and without counts, an inconclusive rule, a
//! waived and an expired waiver, a pass with disagreeing dates and a metadata block; the
//! inconclusive rule stakes 5 points, so the score is a range), so the
//! snapshots pin what a reader sees of each and change only when a renderer does; what audits
//! find on real sites is covered by `tests/fixture_sites.rs`.

use std::collections::BTreeMap;

use gongkai::audit::{self, Evidence, Finding, Reason, Stake, Status, Text, WaiverNote};
use gongkai::crawl::Outcome;

use gongkai::extract::{DateSource, DatedBy, DocMeta};
use gongkai::report::{
    ColumnSummary, CrawlSummary, PackInfo, Render, Report, SCHEMA_VERSION, SiteSummary, TargetInfo,
    Tool, bulletin::BulletinReport, csv::CsvReport, html::HtmlReport, json::JsonReport,
    junit::JunitReport, markdown::MarkdownReport, sarif::SarifReport, xlsx::XlsxReport,
};
use gongkai::rules::{Grade, Scoring, Severity};
use gongkai::site::ColumnState;
use gongkai::target::Scope;
use jiff::civil::date;
use url::Url;

const START: &str = "http://jyj.example.gov.cn/";

fn url(path: &str) -> Url {
    Url::parse(START)
        .and_then(|u| u.join(path))
        .expect("a URL on the example site")
}

fn grade(min: f64, zh: &str, en: &str, pass: bool) -> Grade {
    Grade {
        min,
        zh: zh.into(),
        en: en.into(),
        pass,
    }
}

fn scoring() -> Scoring {
    Scoring {
        base: 100.0,
        grades: vec![
            grade(90.0, "优秀", "Excellent", true),
            grade(60.0, "合格", "Compliant", true),
            grade(0.0, "不合格", "Non-compliant", false),
        ],
        veto_grade: grade(0.0, "不合格", "Fail", false),
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    id: &str,
    name: (&str, &str),
    severity: Severity,
    status: Status,
    reason: Option<Reason>,
    deduction: f64,
    message: (&str, &str),
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        rule_id: id.into(),
        name: Text::new(name.0, name.1),
        basis: Text::new(
            "《政府信息公开条例》第二十条",
            "Regulations on Open Government Information, art. 20",
        ),
        severity,
        status,
        reason,
        deduction,
        count: None,
        facts: None,
        message: Text::new(message.0, message.1),
        evidence,
        remedy: Text::new(
            format!("及时公开并更新{}", name.0),
            format!("Publish and keep up to date: {}", name.1),
        ),
        waiver: None,
        // What the audit sets on a rule it could not judge: its deduction (here 5), or a veto.
        at_stake: (status == Status::Inconclusive).then_some(Stake {
            points: if severity == Severity::Veto { 0.0 } else { 5.0 },
            veto: severity == Severity::Veto,
        }),
    }
}

fn page(path: &str, text: &str, d: Option<(i16, i8, i8, DateSource)>) -> Evidence {
    Evidence {
        url: Some(url(path)),
        text: Some(text.into()),
        date: d.map(|(y, m, dd, _)| date(y, m, dd)),
        date_source: d.map(|(.., s)| s),
        http_status: Some(200),
        ..Evidence::default()
    }
}

/// The hand-built report every renderer is snapshotted on.
fn report() -> Report {
    let mut dead = finding(
        "INSP-DEAD-LINKS",
        ("链接可用性", "Working links"),
        Severity::Minor,
        Status::Gap,
        Some(Reason::Broken),
        1.0,
        (
            "发现2个不可用链接",
            "2 dead links | including an attachment",
        ),
        vec![
            Evidence {
                url: Some(url("zcwj/P020260415.pdf")),
                text: Some("附件：2026年部门预算".into()),
                http_status: Some(404),
                found_on: Some(url("zcwj/t20260415_1.html")),
                ..Evidence::default()
            },
            Evidence {
                url: Some(url("zcwj/t20260512_3.html")),
                text: Some("关于<春季>招生的通知".into()),
                http_status: Some(410),
                found_on: Some(url("zcwj/index.html")),
                ..Evidence::default()
            },
        ],
    );
    dead.count = Some(2);
    let mut waived = finding(
        "EDU-ADM-RESULT",
        ("招生结果", "Admission results"),
        Severity::Major,
        Status::Gap,
        Some(Reason::Missing),
        0.0,
        (
            "未找到招生结果（已豁免至2026-12-31：招生延期）",
            "no admission results found (waived until 2026-12-31: admissions postponed)",
        ),
        Vec::new(),
    );
    waived.waiver = Some(WaiverNote {
        reason: "招生延期".into(),
        expires: date(2026, 12, 31),
        expired: false,
    });
    let mut expired = finding(
        "EDU-FEE",
        ("教育收费", "School fees"),
        Severity::Major,
        Status::Gap,
        Some(Reason::Incomplete),
        1.0,
        (
            "教育收费公示缺少：投诉电话（豁免已于2026-06-30到期：整改中）",
            "school fee notice lacks: complaint phone (waiver expired on 2026-06-30: being fixed)",
        ),
        vec![page(
            "sfgs/t20260901_1.html",
            "2026年秋季学期收费公示",
            Some((2026, 9, 1, DateSource::Label)),
        )],
    );
    expired.waiver = Some(WaiverNote {
        reason: "整改中".into(),
        expires: date(2026, 6, 30),
        expired: true,
    });
    let mut policy = page(
        "zcwj/t20261103_9.html",
        "石岩县教育局关于印发《中小学作业管理办法》的通知",
        Some((2026, 11, 3, DateSource::MetaPubDate)),
    );
    policy.other_dates = vec![DatedBy {
        date: date(2026, 10, 28),
        source: DateSource::Url,
    }];
    policy.doc = Some(DocMeta {
        index_no: Some("000014349/2026-00066".into()),
        doc_no: Some("石教发〔2026〕3号".into()),
        written: Some(date(2026, 10, 27)),
        ..DocMeta::default()
    });
    let findings = vec![
        finding(
            "INSP-HOME-FRESH",
            ("首页更新", "Home page freshness"),
            Severity::Veto,
            Status::Gap,
            Some(Reason::Stale),
            0.0,
            (
                "首页最新信息发布于2026年9月15日，已超过2周未更新",
                "the home page's newest item is from 2026-09-15, over 2 weeks ago",
            ),
            vec![page(
                "",
                "石岩县教育局",
                Some((2026, 9, 15, DateSource::ListRow)),
            )],
        ),
        finding(
            "GOV-ANNUAL-REPORT",
            (
                "政府信息公开工作年度报告",
                "Annual report on open government information",
            ),
            Severity::Major,
            Status::Gap,
            Some(Reason::Missing),
            10.0,
            (
                "未找到2025年度政府信息公开工作年度报告（应于2026年1月31日前公开）",
                "no annual report for 2025 found (due by 2026-01-31)",
            ),
            Vec::new(),
        ),
        dead,
        finding(
            "GOV-BUDGET",
            ("部门预算", "Department budget"),
            Severity::Major,
            Status::Inconclusive,
            Some(Reason::Blocked),
            0.0,
            (
                "未找到2026年度部门预算；但有3个页面未能抓取（访问被拦截），不能确定",
                "no 2026 budget found; but 3 pages could not be fetched (blocked), so this is not certain",
            ),
            vec![Evidence {
                url: Some(url("czyjs/index.html")),
                text: Some("财政预决算".into()),
                http_status: Some(403),
                ..Evidence::default()
            }],
        ),
        waived,
        expired,
        finding(
            "GOV-POLICY",
            ("政策文件", "Policy documents"),
            Severity::Minor,
            Status::Pass,
            None,
            0.0,
            ("政策文件已公开", "policy documents are published"),
            vec![policy],
        ),
    ];
    let score = audit::score(&findings, &scoring());
    let mut status_counts = BTreeMap::new();
    status_counts.insert(200, 41);
    status_counts.insert(404, 1);
    status_counts.insert(403, 3);
    let mut outcome_counts = BTreeMap::new();
    outcome_counts.insert(Outcome::Ok, 41);
    outcome_counts.insert(Outcome::Dead, 2);
    outcome_counts.insert(Outcome::Blocked, 3);
    let start = url("");
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "gongkai".into(),
            version: "0.0.0-test".into(),
        },
        target: TargetInfo {
            input: START.into(),
            scope: Scope::from_url(&start),
            start_url: start,
            local: false,
            requested_url: None,
            redirects: Vec::new(),
            scope_from: Default::default(),
        },
        as_of: date(2026, 11, 26),
        generated_at: "2026-11-26T08:00:00Z".into(),
        pack: PackInfo {
            id: "cn-edu-county".into(),
            name: Text::new(
                "县级教育行政部门政府信息公开",
                "County education bureau disclosure",
            ),
            chain: vec![
                "cn-gov-baseline".into(),
                "cn-site-inspection".into(),
                "cn-edu-county".into(),
            ],
        },
        score,
        findings,
        site: SiteSummary {
            site_name: Some("石岩县教育局".into()),
            site_id_code: Some("4201000001".into()),
            pages: 41,
            links: 120,
            dead_links: 2,
            columns: vec![
                ColumnSummary {
                    name: "工作动态".into(),
                    url: url("gzdt/index.html"),
                    class: Some("news".into()),
                    state: ColumnState::HasEntries,
                    entries: 12,
                    pages: 2,
                    newest: Some(DatedBy {
                        date: date(2026, 9, 15),
                        source: DateSource::ListRow,
                    }),
                    shared: None,
                },
                ColumnSummary {
                    name: "政策文件".into(),
                    url: url("zcwj/index.html"),
                    class: Some("policy".into()),
                    state: ColumnState::Empty,
                    entries: 0,
                    pages: 1,
                    newest: None,
                    shared: None,
                },
            ],
        },
        crawl: CrawlSummary {
            pages_fetched: 41,
            requests: 46,
            bytes: 812_345,
            status_counts,
            outcome_counts,
            elapsed_ms: 2_300,
            interval_ms: 500,
            ..CrawlSummary::default()
        },
        notes: vec![Text::new(
            "日期不一致时按 PubDate > 发布时间 > 列表日期 > URL > 站点地图 采用",
            "where dates disagree: PubDate > label > list row > URL > sitemap",
        )],
        history: None,
        unit: None,
    }
}

/// The same report, but the home page was blocked by a firewall: the veto rule could not be
/// judged, so the grade is 合格 if it passed and 不合格 if not: provisional.
fn provisional_report() -> Report {
    let mut r = report();
    let home = r
        .findings
        .iter_mut()
        .find(|f| f.rule_id == "INSP-HOME-FRESH")
        .expect("the home-page rule");
    home.status = Status::Inconclusive;
    home.reason = Some(Reason::Blocked);
    home.at_stake = Some(Stake {
        points: 0.0,
        veto: true,
    });
    home.message = Text::new(
        "首页无法获取（访问被拦截）",
        "the home page could not be fetched (blocked)",
    );
    r.score = audit::score(&r.findings, &scoring());
    r
}

fn render_bytes(r: &dyn Render) -> Vec<u8> {
    render_bytes_of(r, &report())
}

fn render_bytes_of(r: &dyn Render, report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    r.render(report, &mut out).expect("rendering succeeds");
    out
}

fn render(r: &dyn Render) -> String {
    String::from_utf8(render_bytes(r)).expect("text formats are UTF-8")
}

#[test]
fn the_hand_built_report_scores_as_its_findings_say() {
    let r = report();
    // A veto fails the site whatever its points; waived gaps do not count, expired ones do.
    assert_eq!(r.score.vetoes, ["INSP-HOME-FRESH"]);
    assert!(!r.score.pass);
    assert_eq!(r.score.deductions, 12.0);
    assert_eq!(r.score.points, 88.0);
    // The blocked budget rule would deduct 5 more: the range is 83–88, graded either way
    // (the veto), so the grade is stated.
    assert_eq!(r.score.worst.points, 83.0);
    assert!(!r.score.provisional);
    assert_eq!(r.score.grade.zh, "不合格");
    assert_eq!(
        (
            r.score.passed,
            r.score.gaps,
            r.score.waived,
            r.score.inconclusive
        ),
        (1, 4, 1, 1)
    );
}

#[test]
fn json() {
    let text = render(&JsonReport);
    let back: Report = serde_json::from_str(&text).expect("the JSON reads back");
    assert_eq!(back.findings.len(), report().findings.len());
    insta::assert_snapshot!("json", text);
}

#[test]
fn html() {
    insta::assert_snapshot!("html_zh", render(&HtmlReport { en: false }));
    insta::assert_snapshot!("html_en", render(&HtmlReport { en: true }));
}

#[test]
fn markdown() {
    let md = render(&MarkdownReport { en: false });
    // Text from the site cannot break the table: every row has the same number of cells.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    let pipes = |r: &str| r.replace("\\|", "").matches('|').count();
    assert!(
        rows.len() > report().findings.len() && rows.iter().all(|r| pipes(r) == pipes(rows[0])),
        "{md}"
    );
    insta::assert_snapshot!("markdown_zh", md);
    // The en message with a `|` in it stays in its cell.
    let en = render(&MarkdownReport { en: true });
    assert!(
        en.contains("2 dead links \\| including an attachment"),
        "{en}"
    );
    insta::assert_snapshot!("markdown_en", en);
}

#[test]
fn bulletin_text_in_both_languages() {
    let zh = render(&BulletinReport { en: false });
    assert!(
        zh.contains("首页最新信息发布于2026年9月15日，已超过2周未更新"),
        "{zh}"
    );
    insta::assert_snapshot!("text_zh", zh);
    insta::assert_snapshot!("text_en", render(&BulletinReport { en: true }));
}

// The terminal table is the binary's (`src/cli/table.rs`); `tests/cli.rs` reads it.

#[test]
fn csv_has_stable_columns() {
    let csv = render(&CsvReport { en: true });
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
            "at_stake",
            "message",
            "url",
            "date",
            "date_source",
            "basis",
            "remedy"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), report().findings.len());
    let fee = rows.iter().find(|r| &r[0] == "EDU-FEE").unwrap();
    assert_eq!((&fee[2], &fee[3], &fee[5]), ("gap", "incomplete", "1"));
    insta::assert_snapshot!("csv_en", body);
}

#[test]
fn junit_counts_counted_gaps_as_failures() {
    let xml = render(&JunitReport { en: false });
    // Four gaps count (the expired waiver's among them); the waived gap and the inconclusive
    // rule are skipped.
    assert!(
        xml.contains(
            r#"<testsuites name="gongkai" tests="7" skipped="2" failures="4" errors="0">"#
        ),
        "{xml}"
    );
    insta::assert_snapshot!("junit_zh", xml);
}

#[test]
fn sarif_results_point_at_pages() {
    let text = render(&SarifReport { en: true });
    insta::assert_snapshot!("sarif_en", text.as_str());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gongkai");
    let results = run["results"].as_array().unwrap();
    // Every finding but the pass; the waived gap as a note.
    assert_eq!(results.len(), 6);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], r["ruleId"]);
    }
    let level = |id: &str| {
        results.iter().find(|r| r["ruleId"] == id).unwrap()["level"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(level("EDU-ADM-RESULT"), "note");
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
    assert_eq!(
        uris,
        [
            "http://jyj.example.gov.cn/zcwj/P020260415.pdf",
            "http://jyj.example.gov.cn/zcwj/t20260512_3.html"
        ]
    );
}

#[test]
fn xlsx_reads_back_with_a_spreadsheet_reader() {
    use calamine::{Data, Reader, Xlsx};
    let bytes = render_bytes(&XlsxReport { en: false });
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx file");
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
    assert_eq!(get(5, 1), "83–88 / 100");
    assert_eq!(get(6, 1), "不合格");
    assert_eq!(get(7, 1), "INSP-HOME-FRESH");
    let findings = book.worksheet_range("问题清单").unwrap();
    assert_eq!(
        findings.get_value((0, 0)),
        Some(&Data::String("规则编号".into()))
    );
    let rows = report().findings.len() as u32 + 1;
    assert_eq!(
        findings.height() as u32,
        rows,
        "a header and one row per rule"
    );
    let row = |id: &str| {
        (1..rows)
            .find(|&r| findings.get_value((r, 0)) == Some(&Data::String(id.into())))
            .unwrap()
    };
    let ar = row("GOV-ANNUAL-REPORT");
    assert_eq!(
        findings.get_value((ar, 2)),
        Some(&Data::String("不符合".into()))
    );
    assert_eq!(findings.get_value((ar, 5)), Some(&Data::Float(10.0)));
    assert_eq!(
        findings.get_value((row("EDU-ADM-RESULT"), 2)),
        Some(&Data::String("已豁免".into()))
    );
    // Shares and counts are numbers a spreadsheet can compute with.
    let summary_row = |label: &str| {
        (0..summary.height() as u32)
            .find(|&r| summary.get_value((r, 0)) == Some(&Data::String(label.into())))
            .unwrap_or_else(|| panic!("no {label} row"))
    };
    assert!(matches!(
        summary.get_value((summary_row("覆盖率"), 1)),
        Some(Data::Float(x)) if (0.0..=1.0).contains(x)
    ));
    assert!(matches!(
        summary.get_value((summary_row("抓取页面"), 1)),
        Some(Data::Float(_))
    ));
    // Every piece of evidence is in the findings sheet, in the last column.
    let all = findings.get_value((ar, 13)).unwrap().to_string();
    let report = report();
    let f = report
        .findings
        .iter()
        .find(|f| f.rule_id == "GOV-ANNUAL-REPORT")
        .unwrap();
    for e in &f.evidence {
        if let Some(u) = &e.url {
            assert!(all.contains(u.as_str()), "{u} missing from {all}");
        }
    }
}

/// The workbook's own XML: evidence URLs are links, the findings have an autofilter, and they
/// print on A4 landscape, fitted to the width, with the header row on every page.
#[test]
fn xlsx_links_filters_and_prints() {
    use std::io::Read;
    let bytes = render_bytes(&XlsxReport { en: false });
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut part = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let findings = part("xl/worksheets/sheet2.xml");
    assert!(findings.contains("<hyperlink "), "{findings}");
    assert!(findings.contains("<autoFilter "), "{findings}");
    assert!(findings.contains("orientation=\"landscape\""), "{findings}");
    assert!(findings.contains("paperSize=\"9\""), "{findings}");
    assert!(findings.contains("fitToPage=\"1\""), "{findings}");
    let rels = part("xl/worksheets/_rels/sheet2.xml.rels");
    assert!(rels.contains("TargetMode=\"External\""), "{rels}");
    let workbook = part("xl/workbook.xml");
    assert!(workbook.contains("_xlnm.Print_Titles"), "{workbook}");
}

fn write(name: &str, r: &dyn Render, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, render_bytes(r)).unwrap();
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
    let xml = write("report.junit.xml", &JunitReport { en: false }, dir.path());
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
    let sarif = write("report.sarif", &SarifReport { en: false }, dir.path());
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

/// Every format says the same of a provisional grade: the range, 待定 / provisional, and what
/// could not be judged, in both languages.
#[test]
fn every_format_shows_a_provisional_grade_and_its_range() {
    let r = provisional_report();
    assert!(r.score.provisional && !r.score.pass);
    assert!(r.score.vetoes.is_empty());
    assert_eq!(r.score.worst.vetoes, ["INSP-HOME-FRESH"]);
    assert_eq!((r.score.worst.points, r.score.points), (83.0, 88.0));
    assert_eq!(r.score.points_text(), "83–88");
    let text = |f: &dyn Render| String::from_utf8(render_bytes_of(f, &r)).unwrap();
    for en in [false, true] {
        let (grade, why) = if en {
            ("provisional", "2 rules worth 5 points could not be judged")
        } else {
            ("待定", "2条规则共5分无法判定")
        };
        let formats: [(&str, Box<dyn Render>); 6] = [
            ("html", Box::new(HtmlReport { en })),
            ("markdown", Box::new(MarkdownReport { en })),
            ("text", Box::new(BulletinReport { en })),
            ("junit", Box::new(JunitReport { en })),
            ("sarif", Box::new(SarifReport { en })),
            ("json", Box::new(JsonReport)),
        ];
        for (name, f) in &formats {
            let out = text(f.as_ref());
            let json_zh = *name == "json";
            let range = if *name == "text" {
                if en { "between 83 and 88" } else { "83至88" }
            } else {
                "83–88"
            };
            assert!(
                out.contains(if json_zh { "待定" } else { grade }),
                "{name} en={en}: no {grade}\n{out}"
            );
            if *name != "json" {
                assert!(out.contains(range), "{name} en={en}: no range\n{out}");
                assert!(out.contains(why), "{name} en={en}: no cause\n{out}");
            }
        }
        // CSV: per finding, what a rule not judged would cost.
        let csv = text(&CsvReport { en });
        let veto = if en { "veto" } else { "否决" };
        assert!(
            csv.lines()
                .any(|l| l.starts_with("INSP-HOME-FRESH,") && l.contains(&format!(",0,{veto},"))),
            "{csv}"
        );
        // XLSX: the summary sheet.
        use calamine::Reader;
        let bytes = render_bytes_of(&XlsxReport { en }, &r);
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let cells: Vec<String> = sheet.rows().flatten().map(|d| d.to_string()).collect();
        assert!(cells.contains(&"83–88 / 100".to_string()), "{cells:?}");
        assert!(cells.contains(&grade.to_string()), "{cells:?}");
        assert!(cells.iter().any(|c| c.starts_with(why)), "{cells:?}");
    }
    // JSON carries the range as data.
    let v: serde_json::Value = serde_json::from_str(&text(&JsonReport)).unwrap();
    let s = &v["score"];
    assert_eq!(s["provisional"], true);
    assert_eq!(s["pass"], false);
    assert_eq!(s["best"]["points"], 88.0);
    assert_eq!(s["worst"]["points"], 83.0);
    assert_eq!(s["worst"]["vetoes"][0], "INSP-HOME-FRESH");
    assert_eq!(s["unjudged"][0]["cause"], "blocked");
    assert_eq!(s["unjudged"][0]["rules"].as_array().map(Vec::len), Some(2));
    // JUnit: one more case, in error, so a CI reading JUnit alone does not go green.
    let xml = text(&JunitReport { en: false });
    assert!(
        xml.contains(r#"tests="8" skipped="3" failures="3" errors="1""#),
        "{xml}"
    );
    insta::assert_snapshot!(
        "markdown_provisional_zh",
        text(&MarkdownReport { en: false })
    );
    insta::assert_snapshot!("text_provisional_en", text(&BulletinReport { en: true }));
}
