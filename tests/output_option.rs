//! `-o` names a file of a format gongkai writes, the one `-f` asks for, or a directory for
//! several: a mistake is refused before the crawl, with the formats to choose from, and nothing is
//! created.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn audit(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
            "-q",
        ])
        .args(args)
        .assert()
}

#[test]
fn an_extension_gongkai_does_not_write_is_refused_with_the_formats() {
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("report.docx");
    audit(&["-o", docx.to_str().unwrap()]).code(2).stderr(
        contains("`.docx` is not a format gongkai writes")
            .and(contains("json, markdown"))
            .and(contains("panicked").not()),
    );
    assert!(!docx.exists());
}

#[test]
fn a_format_that_contradicts_the_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    audit(&["-f", "json", "-o", html.to_str().unwrap()])
        .code(2)
        .stderr(contains("the extension says html but -f says json").and(contains(".json")));
    assert!(!html.exists());
    // The terminal table may be kept in a .txt file.
    let txt = dir.path().join("table.txt");
    audit(&["-f", "table", "-o", txt.to_str().unwrap()]).code(1);
    assert!(
        std::fs::read_to_string(&txt)
            .unwrap()
            .contains("INSP-HOME-FRESH")
    );
}

#[test]
fn several_formats_with_a_file_name_ask_for_a_directory_instead_of_making_one() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("x.json");
    audit(&["-f", "json,html", "-o", json.to_str().unwrap()])
        .code(2)
        .stderr(contains("written into a directory").and(contains("json, html")));
    assert!(!json.exists(), "no directory named x.json");
    // A directory is fine, and gets one file per format.
    let out = dir.path().join("out");
    audit(&["-f", "json,html", "-o", &format!("{}/", out.display())]).code(1);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);
}

#[test]
fn the_terminal_table_leads_with_the_verdict_and_can_list_only_what_is_not_passed() {
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
            "-q",
        ])
        .args(["--only", "gaps"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let verdict = text.find("等级 不合格").expect("the grade is stated");
    let table = text.find("┌").expect("a table");
    assert!(
        verdict < table,
        "the verdict comes before the table:\n{text}"
    );
    assert!(
        text.rfind("等级 不合格").unwrap() > table,
        "and again after it"
    );
    // Gaps are listed, passes only counted.
    assert!(text.contains("INSP-HOME-FRESH"));
    assert!(!text.contains("GOV-SYSTEM"), "{text}");
    assert!(text.contains("条规则通过，未列出（--only gaps）"), "{text}");
}
