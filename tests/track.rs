//! Tracking across runs, with the real binary on a copy of a fixture site: run 1 lacks the fee
//! page's complaint phone, run 2 has it back but lost the admission results. `diff` must call the
//! first fixed and the second regressed, `history` must show when each gap opened and closed, and
//! a file that is not a history must be refused untouched.

mod common;
use common::copy_dir;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

const FEE_PAGE: &str = "fdzdgknr/jysf/202608/t20260824_2052.html";
const RESULTS_PAGE: &str = "fdzdgknr/zsks/202608/t20260812_2047.html";
const ADMISSIONS_LIST: &str = "fdzdgknr/zsks/index.html";

fn gongkai() -> Command {
    let mut c = Command::cargo_bin("gongkai").unwrap();
    c.env_remove("GONGKAI_HISTORY").env_remove("NO_COLOR");
    c
}

/// Rewrites a file without the lines that contain `needle`; panics if none did.
fn drop_lines(path: &Path, needle: &str) {
    let text = fs::read_to_string(path).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains(needle)).collect();
    assert!(
        kept.len() < text.lines().count(),
        "{needle} not in {path:?}"
    );
    fs::write(path, kept.join("\n")).unwrap();
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

fn audit(site: &Path, out: &Path, history: &Path) -> assert_cmd::assert::Assert {
    gongkai()
        .args(["audit", site.to_str().unwrap()])
        .args(["--rules", "cn-edu-county", "--as-of", "2026-11-26", "-q"])
        .args(["-f", "json", "-o", out.to_str().unwrap()])
        .args(["--history", history.to_str().unwrap()])
        .assert()
}

fn ids(diff: &Value, change: &str) -> Vec<String> {
    diff["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["change"] == change)
        .map(|r| r["rule_id"].as_str().unwrap().to_string())
        .collect()
}

/// Two audits of one site into one history; returns (tempdir, site, run1.json, run2.json, db).
fn two_runs() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(Path::new("fixtures/sites/qingshui-jyj"), &site);
    let (run1, run2, db) = (
        dir.path().join("run1.json"),
        dir.path().join("run2.json"),
        dir.path().join("h.sqlite"),
    );

    let fee = fs::read(site.join(FEE_PAGE)).unwrap();
    drop_lines(&site.join(FEE_PAGE), "投诉电话：0938-6721419");
    audit(&site, &run1, &db).code(0);

    fs::write(site.join(FEE_PAGE), fee).unwrap();
    fs::remove_file(site.join(RESULTS_PAGE)).unwrap();
    drop_lines(&site.join(ADMISSIONS_LIST), "t20260812_2047");
    audit(&site, &run2, &db).code(0);
    (dir, site, run1, run2, db)
}

#[test]
fn diff_history_and_trend_over_two_runs() {
    let (_dir, site, run1, run2, db) = two_runs();
    let (r1, r2) = (read_json(&run1), read_json(&run2));
    // Each run has exactly one gap: the fee page's phone, then the admission results.
    let points = |r: &Value, gap: &str| {
        let deduction = common::finding(r, gap)["deduction"].as_f64().unwrap();
        assert!(deduction > 0.0, "{gap} deducts");
        assert_eq!(r["score"]["gaps"], 1);
        assert_eq!(r["score"]["points"].as_f64(), Some(100.0 - deduction));
        100.0 - deduction
    };
    let (p1, p2) = (points(&r1, "EDU-FEE"), points(&r2, "EDU-ADM-RESULT"));

    // diff: exactly the fee rule fixed, exactly the results rule regressed, exit 1.
    let out = gongkai()
        .args(["diff", run1.to_str().unwrap(), run2.to_str().unwrap()])
        .args(["-f", "json"])
        .assert()
        .code(1)
        .stderr(contains("EDU-ADM-RESULT"))
        .get_output()
        .stdout
        .clone();
    let diff: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(ids(&diff, "fixed"), ["EDU-FEE"]);
    assert_eq!(ids(&diff, "regressed"), ["EDU-ADM-RESULT"]);
    let rules = diff["rules"].as_array().unwrap();
    assert_eq!(
        rules.iter().filter(|r| r["change"] == "unchanged").count(),
        rules.len() - 2
    );
    assert_eq!(diff["old"]["points"].as_f64(), Some(p1));
    assert_eq!(diff["new"]["points"].as_f64(), Some(p2));
    assert_eq!(diff["points_change"].as_f64(), Some(p2 - p1));
    assert_eq!(diff["warnings"].as_array().unwrap().len(), 0);

    // The terminal table, in both languages.
    gongkai()
        .args(["diff", run1.to_str().unwrap(), run2.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(
            contains("已整改")
                .and(contains("回退"))
                .and(contains(format!("得分：{p1} → {p2}（{}）", p2 - p1))),
        );
    gongkai()
        .args(["diff", run1.to_str().unwrap(), run2.to_str().unwrap()])
        .args(["--lang", "en", "-f", "markdown"])
        .assert()
        .code(1)
        .stdout(
            contains("| ✅ fixed | `EDU-FEE`").and(contains("| ❌ regressed | `EDU-ADM-RESULT`")),
        );

    // A report compared with itself: nothing regressed.
    gongkai()
        .args(["diff", run1.to_str().unwrap(), run1.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(contains("仍未整改"));

    // history: the site listed with its latest score; its runs in order; gaps opened and closed.
    let out = gongkai()
        .args(["history", "--history", db.to_str().unwrap(), "-f", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let sites: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(sites.as_array().unwrap().len(), 1);
    assert_eq!(sites[0]["runs"], 2);
    assert_eq!(sites[0]["latest"]["points"].as_f64(), Some(p2));
    assert_eq!(sites[0]["site_name"], "清水县教育局");

    let out = gongkai()
        .args(["history", site.to_str().unwrap(), "-f", "json"])
        .env("GONGKAI_HISTORY", &db)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let packs: Value = serde_json::from_slice(&out).unwrap();
    let h = &packs[0];
    assert_eq!(packs.as_array().unwrap().len(), 1);
    assert_eq!(h["pack"], "cn-edu-county");
    let points: Vec<f64> = h["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["points"].as_f64().unwrap())
        .collect();
    assert_eq!(points, [p1, p2]);
    let gaps = h["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 2, "{gaps:?}");
    assert_eq!(gaps[0]["rule_id"], "EDU-FEE");
    assert_eq!(gaps[0]["opened"]["run"], 1);
    assert_eq!(gaps[0]["closed"]["run"], 2);
    assert_eq!(gaps[1]["rule_id"], "EDU-ADM-RESULT");
    assert_eq!(gaps[1]["opened"]["run"], 2);
    assert_eq!(gaps[1]["closed"], Value::Null);

    // The same as a table, found by part of the site's name.
    gongkai()
        .args(["history", "清水县", "--history", db.to_str().unwrap()])
        .args(["--lang", "en"])
        .assert()
        .code(0)
        .stdout(
            contains("#1")
                .and(contains("#2"))
                .and(contains("still open"))
                .and(contains("1 gaps closed, 1 still open")),
        );
    gongkai()
        .args(["history", "no-such-site", "--history", db.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(
            contains("no site in the history matches `no-such-site`").and(contains("清水县教育局")),
        );

    // The report made with a history carries the trend, ending with its own run, and is still
    // valid against the committed schema.
    assert!(r1["history"].as_array().unwrap().len() == 1);
    let trend: Vec<f64> = r2["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["points"].as_f64().unwrap())
        .collect();
    assert_eq!(trend, [99.0, 98.0]);
    let schema: Value =
        serde_json::from_str(&fs::read_to_string("report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&r2).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = r2.clone();
    broken["history"][0]["points"] = "ninety-nine".into();
    assert!(!validator.is_valid(&broken), "the schema checks the trend");
}

#[test]
fn html_report_shows_the_trend_only_with_a_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite");
    let html = |extra: &[&str]| {
        let out = gongkai()
            .args([
                "audit",
                "fixtures/sites/qingshui-jyj",
                "--as-of",
                "2026-11-26",
            ])
            .args(["-f", "html", "-q"])
            .args(extra)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    assert!(!html(&[]).contains("历次审计"));
    html(&["--history", db.to_str().unwrap()]);
    let page = html(&["--history", db.to_str().unwrap()]);
    assert!(page.contains("<h2>历次审计</h2>"), "{page}");
    assert!(page.contains("<polyline"));
    assert!(page.contains("<td>#2</td>"));
}

#[test]
fn new_gaps_fail_only_with_fail_on_new() {
    let (dir, _site, run1, run2, _db) = two_runs();
    // The old report as an older pack would have written it: without the results rule, which
    // makes that rule's gap new rather than a regression.
    let mut old = read_json(&run1);
    old["findings"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["rule_id"] != "EDU-ADM-RESULT");
    let older = dir.path().join("older-pack.json");
    fs::write(&older, serde_json::to_vec(&old).unwrap()).unwrap();
    let args = ["diff", older.to_str().unwrap(), run2.to_str().unwrap()];
    gongkai()
        .args(args)
        .assert()
        .code(0)
        .stdout(contains("新增问题"));
    gongkai()
        .args(args)
        .arg("--fail-on-new")
        .assert()
        .code(1)
        .stderr(contains("新增问题 1 条：EDU-ADM-RESULT"));

    // -o writes a file and never replaces one without --force.
    let out = dir.path().join("diff.md");
    gongkai()
        .args(args)
        .args(["-o", out.to_str().unwrap()])
        .assert()
        .code(0);
    assert!(fs::read_to_string(&out).unwrap().starts_with("## 审计对比"));
    gongkai()
        .args(args)
        .args(["-o", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("--force"));
}

#[test]
fn bad_report_files_exit_2_and_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    gongkai()
        .args([
            "audit",
            "fixtures/sites/qingshui-jyj",
            "--as-of",
            "2026-11-26",
        ])
        .args(["-q", "-o", good.to_str().unwrap()])
        .assert()
        .code(0);
    let cases = [
        ("missing.json", None, "cannot read it"),
        ("notes.json", Some("这不是JSON"), "not JSON"),
        (
            "other.json",
            Some(r#"{"schema_version": 1, "tool": {"name": "eslint"}}"#),
            "not a gongkai report",
        ),
        (
            "partial.json",
            Some(r#"{"schema_version": 1, "tool": {"name": "gongkai", "version": "0.1.0"}}"#),
            "not a gongkai report: missing field",
        ),
        (
            "future.json",
            Some(r#"{"schema_version": 99, "tool": {"name": "gongkai", "version": "9.0.0"}}"#),
            "report schema version 99 is newer",
        ),
    ];
    for (name, content, says) in cases {
        let path = dir.path().join(name);
        if let Some(c) = content {
            fs::write(&path, c).unwrap();
        }
        for pair in [[&path, &good], [&good, &path]] {
            gongkai().arg("diff").args(pair).assert().code(2).stderr(
                contains(name)
                    .and(contains(says))
                    .and(contains("panicked").not()),
            );
        }
    }
}

#[test]
fn a_file_that_is_not_a_history_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.sqlite");
    fs::write(&text, "my notes, not a database\n").unwrap();
    let other = dir.path().join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    for (path, says) in [
        (&text, "not an SQLite file"),
        (&other, "an SQLite database of another program"),
    ] {
        let before = fs::read(path).unwrap();
        gongkai()
            .args([
                "audit",
                "fixtures/sites/qingshui-jyj",
                "--as-of",
                "2026-11-26",
            ])
            .args(["-q", "--history", path.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(
                contains(path.file_name().unwrap().to_str().unwrap())
                    .and(contains("not a gongkai history"))
                    .and(contains(says)),
            );
        gongkai()
            .args(["history", "--history", path.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(contains(says));
        assert_eq!(fs::read(path).unwrap(), before, "{path:?} was modified");
    }
    gongkai()
        .args(["history", "--history"])
        .arg(dir.path().join("none.sqlite"))
        .assert()
        .code(2)
        .stderr(contains("none.sqlite: no such file"));
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn recheck(report: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    gongkai()
        .args(["recheck", report.to_str().unwrap()])
        .args(["--as-of", "2026-11-26", "-q", "-f", "json"])
        .args(extra)
        .assert()
}

/// 整改复核: a recheck fetches only the pages behind the gaps, finds a fixed page and a document
/// published again in its column, and agrees with a full audit, on far fewer pages.
#[test]
fn recheck_finds_fixes_without_a_full_crawl() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(Path::new("fixtures/sites/qingshui-jyj"), &site);
    let fee = fs::read(site.join(FEE_PAGE)).unwrap();
    let results = fs::read(site.join(RESULTS_PAGE)).unwrap();
    let list = fs::read(site.join(ADMISSIONS_LIST)).unwrap();
    drop_lines(&site.join(FEE_PAGE), "投诉电话：0938-6721419");
    fs::remove_file(site.join(RESULTS_PAGE)).unwrap();
    drop_lines(&site.join(ADMISSIONS_LIST), "t20260812_2047");
    let before = dir.path().join("before.json");
    let db = dir.path().join("h.sqlite");
    audit(&site, &before, &db).code(0);
    let mut gaps: Vec<String> = read_json(&before)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "gap")
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    gaps.sort();
    assert_eq!(gaps, vec!["EDU-ADM-RESULT", "EDU-FEE"]);

    // Nothing fixed yet: both still open, exit 1.
    let out = recheck(&before, &[]).code(1);
    let diff: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        sorted(ids(&diff, "still_open")),
        vec!["EDU-ADM-RESULT", "EDU-FEE"]
    );

    // The bureau fixes the fee page and publishes the results again.
    fs::write(site.join(FEE_PAGE), fee).unwrap();
    fs::write(site.join(RESULTS_PAGE), results).unwrap();
    fs::write(site.join(ADMISSIONS_LIST), list).unwrap();
    let saved = dir.path().join("after.json");
    let out = recheck(&before, &["--save", saved.to_str().unwrap()]).code(0);
    let diff: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        sorted(ids(&diff, "fixed")),
        vec!["EDU-ADM-RESULT", "EDU-FEE"]
    );
    assert!(ids(&diff, "still_open").is_empty());

    // The rechecked report agrees with a full audit of the fixed site ...
    let full = dir.path().join("full.json");
    audit(&site, &full, &db).code(0);
    let statuses = |v: &Value| -> Vec<(String, String)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (after, full) = (read_json(&saved), read_json(&full));
    assert_eq!(statuses(&after), statuses(&full));
    assert_eq!(after["score"]["points"], full["score"]["points"]);
    // ... on a fraction of the pages.
    let pages = |v: &Value| v["crawl"]["pages_fetched"].as_u64().unwrap();
    assert!(
        pages(&after) < pages(&full) / 2,
        "{} vs {}",
        pages(&after),
        pages(&full)
    );

    // --save never replaces a file without --force.
    recheck(&before, &["--save", saved.to_str().unwrap()])
        .code(2)
        .stderr(contains("--force"));
}
