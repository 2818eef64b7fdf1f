//! Every bad input a user can give gets a clear message and the documented exit code, never a
//! panic; existing files are never overwritten without --force.

mod common;

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn gongkai() -> Command {
    let mut c = Command::cargo_bin("gongkai").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn no_panic() -> impl Predicate<str> {
    contains("panicked").not()
}

/// A pack extending `cn-gov-baseline` with one rule whose header takes lines 6 to 11, so the
/// first line of `body` is line 12 of the file.
fn one_rule_pack(id: &str, body: &str) -> String {
    format!(
        "[pack]\nid = \"{id}\"\nname = \"测试\"\nextends = [\"cn-gov-baseline\"]\n\n[[rule]]\nid = \"T-1\"\nname = \"测试\"\nbasis = \"测试\"\nseverity = \"minor\"\nremedy = \"测试\"\n{body}"
    )
}

#[test]
fn help_documents_the_exit_codes() {
    gongkai()
        .args(["audit", "--help"])
        .assert()
        .success()
        .stdout(contains("Exit codes").and(contains("3  the site could not be audited")));
    gongkai().assert().code(2);
}

#[test]
fn malformed_url() {
    gongkai()
        .args(["audit", "http://exa mple.gov.cn/", "--as-of", "2026-11-26"])
        .assert()
        .code(2)
        .stderr(contains("is not a valid URL").and(no_panic()));
    gongkai()
        .args(["audit", "ftp://example.gov.cn/", "--as-of", "2026-11-26"])
        .assert()
        .code(2)
        .stderr(contains("only http and https"));
}

#[test]
fn unreachable_host_exits_3() {
    // Bind and drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    gongkai()
        .args([
            "audit",
            &format!("http://127.0.0.1:{port}/xxgk/"),
            "--as-of",
            "2026-11-26",
            "--timeout",
            "2",
        ])
        .assert()
        .code(3)
        .stderr(
            contains("could not be audited")
                .and(contains("connection failed"))
                .and(no_panic()),
        );
}

#[test]
fn missing_directory_and_directory_without_home_page() {
    gongkai()
        .args(["audit", "fixtures/sites/no-such-site"])
        .assert()
        .code(2)
        .stderr(contains("neither an http(s) URL nor an existing directory"));
    let dir = tempfile::tempdir().unwrap();
    gongkai()
        .args(["audit", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("without a home page").and(contains("index.htm")));
}

#[test]
fn unknown_pack_id() {
    gongkai()
        .args([
            "audit",
            "fixtures/sites/qingshui-jyj",
            "--rules",
            "cn-edu-city",
        ])
        .assert()
        .code(2)
        .stderr(contains("unknown rule pack `cn-edu-city`").and(contains("cn-edu-county")));
}

#[test]
fn rule_file_with_a_syntax_error_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("broken.toml");
    fs::write(
        &f,
        "[pack]\nid = \"broken\"\nname = \"坏的规则包\"\n\n[[rule]\nid = \"X\"\n",
    )
    .unwrap();
    gongkai()
        .args([
            "audit",
            "fixtures/sites/qingshui-jyj",
            "--rules",
            f.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(
            contains("broken.toml:5:")
                .and(contains("[[rule]"))
                .and(no_panic()),
        );
}

#[test]
fn rule_file_with_an_unknown_key_lists_the_allowed_keys() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("typo.toml");
    fs::write(
        &f,
        one_rule_pack("typo", "find = [\"测试\"]\nmax_agee = \"14d\"\n"),
    )
    .unwrap();
    gongkai()
        .args(["rules", "check", f.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("typo.toml:13:1: unknown field `max_agee`").and(contains("max_age")));
    // A sibling file is found for `extends` before the built-ins.
    fs::write(
        dir.path().join("child.toml"),
        "[pack]\nid = \"child\"\nname = \"子\"\nextends = [\"typo\"]\n",
    )
    .unwrap();
    gongkai()
        .args([
            "rules",
            "check",
            dir.path().join("child.toml").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(contains("typo.toml:13:1"));
}

#[test]
fn unwritable_output_path_fails_before_crawling() {
    gongkai()
        .args([
            "audit",
            "fixtures/sites/qingshui-jyj",
            "--as-of",
            "2026-11-26",
            "-o",
            "/nonexistent-dir/sub/report.json",
        ])
        .assert()
        .code(2)
        .stderr(contains("cannot write in /nonexistent-dir/sub").and(no_panic()));
}

#[test]
fn output_is_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("report.json");
    fs::write(&f, "keep me").unwrap();
    gongkai()
        .args([
            "audit",
            "fixtures/sites/qingshui-jyj",
            "--as-of",
            "2026-11-26",
            "-o",
            f.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(contains("--force"));
    assert_eq!(fs::read_to_string(&f).unwrap(), "keep me");
    gongkai()
        .args([
            "audit",
            "fixtures/sites/qingshui-jyj",
            "--as-of",
            "2026-11-26",
            "-o",
            f.to_str().unwrap(),
            "--force",
        ])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&f).unwrap()).unwrap();
    assert_eq!(v["schema_version"], gongkai::report::SCHEMA_VERSION);
    // No temporary files are left behind.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn bad_as_of_date() {
    gongkai()
        .args([
            "audit",
            "fixtures/sites/qingshui-jyj",
            "--as-of",
            "2026-02-30",
        ])
        .assert()
        .code(2)
        .stderr(contains("YYYY-MM-DD"));
}

#[test]
fn fail_thresholds_set_exit_code_1() {
    // Against the baseline pack alone the gappy site loses 10 points (no 2025 annual report, a
    // major gap) and still grades 优秀: only the thresholds can fail it.
    let args = [
        "audit",
        "fixtures/sites/shiyan-jyj",
        "--rules",
        "cn-gov-baseline",
        "--as-of",
        "2026-11-26",
    ];
    gongkai().args(args).assert().code(0);
    gongkai()
        .args(args)
        .args(["--fail-on", "veto"])
        .assert()
        .code(0);
    gongkai()
        .args(args)
        .args(["--fail-on", "major"])
        .assert()
        .code(1)
        .stderr(contains("1 gaps at or above --fail-on major"));
    gongkai()
        .args(args)
        .args(["--fail-under", "90"])
        .assert()
        .code(0);
    gongkai()
        .args(args)
        .args(["--fail-under", "95"])
        .assert()
        .code(1)
        .stderr(contains("score 90 < --fail-under 95"));
}

#[test]
fn terminal_report_in_both_languages_without_colour_when_piped() {
    let out = gongkai()
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
        ])
        .env("COLUMNS", "80")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("等级 不合格（单项否决：INSP-HOME-FRESH）"),
        "{text}"
    );
    assert!(text.contains("整改："));
    assert!(
        !text.contains('\u{1b}'),
        "no escape codes when stdout is not a terminal"
    );
    for line in text.lines() {
        let w: usize = line
            .chars()
            .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
            .sum();
        assert!(w <= 80, "line wider than 80 columns: {line}");
    }
    gongkai()
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
            "--lang",
            "en",
        ])
        .assert()
        .code(1)
        .stdout(contains("Grade Fail (veto: INSP-HOME-FRESH)").and(contains("Fix:")));
}

#[test]
fn rules_list_shows_the_builtin_packs() {
    gongkai().args(["rules", "list"]).assert().success().stdout(
        contains("cn-edu-county")
            .and(contains("cn-site-inspection"))
            .and(contains("cn-gov-baseline")),
    );
}

/// Runs `gongkai serve` on a fixture and returns the child and its URL.
fn serve_fixture(site: &str) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gongkai"))
        .args(["serve", &format!("fixtures/sites/{site}")])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().to_string())
}

#[test]
fn https_failure_says_when_http_works() {
    let (mut server, url) = serve_fixture("qingshui-jyj");
    let https = url.replacen("http://", "https://", 1);
    let result = gongkai()
        .args(["audit", &https, "--as-of", "2026-11-26", "--timeout", "5"])
        .assert();
    let _ = server.kill();
    result
        .code(3)
        .stderr(contains("TLS error").and(contains(format!(
            "but {url} answers: the site works over http only"
        ))));
}

/// Serving a directory is only a way to crawl it: the same site audited at a live URL gives the
/// same finding for every rule, with the same evidence (its URLs differ only by the port).
#[test]
fn a_live_url_audit_matches_the_directory_audit() {
    let (mut server, url) = serve_fixture("shiyan-jyj");
    let out = gongkai()
        .args([
            "audit",
            &url,
            "--as-of",
            "2026-11-26",
            "--format",
            "json",
            "--delay-ms",
            "0",
            "-q",
        ])
        .output()
        .unwrap();
    let _ = server.kill();
    let live: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let (dir, dir_code) = common::audit_json("fixtures/sites/shiyan-jyj", "cn-edu-county", &["-q"]);
    assert_eq!(out.status.code(), Some(dir_code));
    assert_eq!(live["target"]["local"], false);
    assert_eq!(dir["target"]["local"], true);
    // Per rule: what a reader acts on, and the evidence it cites by path.
    let per_rule =
        |report: &serde_json::Value| -> Vec<(String, String, String, String, Vec<String>)> {
            report["findings"]
                .as_array()
                .expect("findings is an array")
                .iter()
                .map(|f| {
                    (
                        f["rule_id"].as_str().unwrap_or_default().to_string(),
                        common::verdict(f),
                        f["deduction"].to_string(),
                        f["count"].to_string(),
                        common::evidence_paths(f),
                    )
                })
                .collect()
        };
    let (l, d) = (per_rule(&live), per_rule(&dir));
    assert_eq!(l.len(), d.len(), "the same rules");
    for (l, d) in l.iter().zip(&d) {
        assert_eq!(
            l, d,
            "rule {} differs between the live and the directory audit",
            d.0
        );
    }
    for key in ["points", "deductions", "vetoes", "grade", "pass", "gaps"] {
        assert_eq!(live["score"][key], dir["score"][key], "score.{key}");
    }
}

#[test]
fn bad_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ca.pem");
    fs::write(&f, "not a certificate").unwrap();
    gongkai()
        .args([
            "audit",
            "https://127.0.0.1:9/",
            "--ca-file",
            f.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(
            contains("--ca-file")
                .and(contains("certificate"))
                .and(no_panic()),
        );
}

#[test]
fn several_formats_go_into_a_directory_named_after_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let args = [
        "audit",
        "fixtures/sites/shiyan-jyj",
        "--as-of",
        "2026-11-26",
        "-f",
        "json,html,junit",
        "-o",
        out.to_str().unwrap(),
    ];
    gongkai().args(args).assert().code(1);
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "石岩县教育局_2026-11-26.html",
            "石岩县教育局_2026-11-26.json",
            "石岩县教育局_2026-11-26.junit.xml"
        ]
    );
    // A second run keeps the first run's files.
    let before = fs::read(out.join("石岩县教育局_2026-11-26.json")).unwrap();
    gongkai().args(args).assert().code(1);
    assert_eq!(
        fs::read(out.join("石岩县教育局_2026-11-26.json")).unwrap(),
        before
    );
    assert!(out.join("石岩县教育局_2026-11-26-2.json").exists());
    gongkai()
        .args(["audit", "fixtures/sites/shiyan-jyj", "-f", "json,html"])
        .assert()
        .code(2)
        .stderr(contains("several formats need -o DIR"));
}

/// Waivers (豁免): a waived gap is still reported, with its reason, but does not veto or fail;
/// an expired waiver counts the gap again and says so; a waiver for an unknown rule is an error
/// at its line and column.
#[test]
fn waivers_excuse_gaps_until_they_expire() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, expires: &str, rule: &str| {
        let p = dir.path().join(name);
        fs::write(
            &p,
            format!(
                "[[waiver]]\nrule = \"{rule}\"\nreason = \"首页改版中，经县政府办同意\"\nexpires = \"{expires}\"\n"
            ),
        )
        .unwrap();
        p
    };
    let audit = |waivers: &std::path::Path| {
        let out = gongkai()
            .args([
                "audit",
                "fixtures/sites/shiyan-jyj",
                "--as-of",
                "2026-11-26",
                "-f",
                "json",
            ])
            .arg("--waivers")
            .arg(waivers)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), report)
    };
    let home = |r: &serde_json::Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "INSP-HOME-FRESH")
            .unwrap()
            .clone()
    };

    let (code, r) = audit(&write("in-force.toml", "2026-12-31", "INSP-HOME-FRESH"));
    // The veto is waived: the site is graded by its points again, and the gap is still listed.
    assert_eq!(r["score"]["vetoes"], serde_json::json!([]));
    assert_eq!(r["score"]["waived"], 1);
    assert_eq!(r["score"]["pass"], true);
    assert_eq!(code, Some(0));
    let f = home(&r);
    assert_eq!(f["status"], "gap");
    assert_eq!(f["waiver"]["expired"], false);
    assert!(
        f["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("已豁免至2026-12-31")
    );

    let (code, r) = audit(&write("expired.toml", "2026-11-01", "INSP-HOME-FRESH"));
    assert_eq!(code, Some(1));
    assert_eq!(r["score"]["vetoes"], serde_json::json!(["INSP-HOME-FRESH"]));
    assert!(
        home(&r)["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("豁免已于2026-11-01到期")
    );

    let typo = write("typo.toml", "2026-12-31", "INSP-HOME-FRSH");
    gongkai()
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
            "--waivers",
        ])
        .arg(&typo)
        .assert()
        .code(2)
        .stderr(
            contains("typo.toml:2:8")
                .and(contains("no rule `INSP-HOME-FRSH`"))
                .and(no_panic()),
        );
}

/// An age too long for date arithmetic is refused where it is written, instead of passing
/// `rules check` and aborting the audit.
#[test]
fn an_absurd_max_age_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ages.toml");
    fs::write(
        &f,
        one_rule_pack("ages", "find = [\"通知公告\"]\nmax_age = \"99999999d\"\n"),
    )
    .unwrap();
    gongkai()
        .args(["rules", "check", f.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(
            contains("ages.toml:13:")
                .and(contains("at most 100 years"))
                .and(no_panic()),
        );
    gongkai()
        .args([
            "audit",
            "fixtures/sites/qingshui-jyj",
            "--rules",
            f.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(contains("at most 100 years").and(no_panic()));
}

/// A SiteIDCode with a Chinese character where the `bm` of a department's code would be is a
/// malformed identifier to report, not a reason to abort (it sliced inside the character).
#[test]
fn a_site_code_with_a_chinese_character_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("index.html"),
        "<html><head><meta charset=\"utf-8\"><meta name=\"SiteIDCode\" content=\"标1234567\"><title>某县教育局</title></head><body><a href=\"tzgg/\">通知公告</a></body></html>",
    )
    .unwrap();
    let out = gongkai()
        .args([
            "audit",
            dir.path().to_str().unwrap(),
            "--rules",
            "cn-site-inspection",
            "--as-of",
            "2026-11-26",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let identity = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "INSP-SITE-IDENTITY")
        .expect("the site identity finding");
    assert_eq!(identity["status"], "gap", "{identity}");
    assert_eq!(identity["reason"], "inconsistent", "{identity}");
    assert!(
        identity["evidence"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("标1234567")),
        "{identity}"
    );
}
