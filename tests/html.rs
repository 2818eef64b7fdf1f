//! The HTML report in a real headless Chromium (Debian's `chromium`, installed by `.ci/run`):
//! text from the audited site that looks like markup stays text, no script runs, and a
//! screenshot is left in `target/test-output/` for people to look at.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as Cmd;

const HOSTILE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="恶意县教育局&lt;script&gt;document.title='PWNED'&lt;/script&gt;&lt;img src=x onerror=&quot;document.title='PWNED2'&quot;&gt;">
<title>首页</title></head><body>
<ul class="list"><li><a href="./gzdt/index.html">工作动态&lt;script&gt;document.title='PWNED3'&lt;/script&gt;</a><span>2026-11-20</span></li></ul>
</body></html>"#;

const COLUMN: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ColumnName" content="工作动态">
<title>工作动态</title></head><body><ul class="list">
<li><a href="./t1.html" title="&lt;/title&gt;&lt;script&gt;document.title='PWNED4'&lt;/script&gt;通知">通知</a><span>2026-11-20</span></li>
</ul></body></html>"#;

fn chromium() -> PathBuf {
    let path = std::env::var_os("GONGKAI_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "this test needs Debian's chromium (apt-get install chromium), or GONGKAI_CHROMIUM set"
    );
    path
}

fn headless(args: &[&str], profile: &Path) -> std::process::Output {
    // The flags a sandboxed, offline machine needs: no background networking, a fresh profile.
    let mut c = Command::new(chromium());
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c.args(args);
    c.output().expect("chromium runs")
}

#[test]
fn html_report_renders_site_text_as_text_and_runs_no_script() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    fs::create_dir_all(site.join("gzdt")).unwrap();
    fs::write(site.join("index.html"), HOSTILE).unwrap();
    fs::write(site.join("gzdt/index.html"), COLUMN).unwrap();
    fs::write(
        site.join("gzdt/t1.html"),
        "<html><head><meta name=\"ArticleTitle\" content=\"通知\"></head><body>正文</body></html>",
    )
    .unwrap();
    let report = dir.path().join("report.html");
    let out = Cmd::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            site.to_str().unwrap(),
            "--as-of",
            "2026-11-26",
            "-o",
            report.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(report.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = fs::read_to_string(&report).unwrap();
    assert!(html.contains("Content-Security-Policy"));
    assert!(
        html.contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"),
        "site text is escaped"
    );
    assert!(
        !html.contains("<script"),
        "the report carries no script at all"
    );

    let url = format!("file://{}", report.display());
    let dom = headless(&["--dump-dom", &url], &dir.path().join("profile"));
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<title>政府信息公开审计报告"), "{dom}");
    assert!(
        !dom.contains("PWNED</title>") && !dom.contains("<title>PWNED"),
        "no injected script ran"
    );
    assert!(
        !dom.contains("<script") && !dom.contains("<img"),
        "no injected element in the DOM"
    );
    assert!(
        dom.contains("恶意县教育局&lt;script&gt;"),
        "the hostile name shows as text"
    );

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("..")
        .join("test-output");
    fs::create_dir_all(&shots).unwrap();
    let png = shots.join("html-report.png");
    let _ = fs::remove_file(&png);
    let shot = headless(
        &[
            "--window-size=1100,1600",
            &format!("--screenshot={}", png.display()),
            &url,
        ],
        &dir.path().join("profile2"),
    );
    assert!(
        png.exists(),
        "screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
}

/// `-o report.pdf` prints the HTML report in the real Chromium: A4 pages of a PDF, the unit's
/// name and page numbers in the print footer. Without a browser the audit refuses before it
/// crawls, saying how to get one.
#[test]
fn a_pdf_report_is_printed_by_chromium_and_refused_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("report.pdf");
    let out = Cmd::cargo_bin("gongkai")
        .unwrap()
        .env("GONGKAI_CHROMIUM", chromium())
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
            "-q",
        ])
        .arg("-o")
        .arg(&pdf)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    let pages = bytes
        .windows(11)
        .filter(|w| w.starts_with(b"/Type /Page") && w[10] != b's')
        .count();
    assert!(pages >= 2, "a report of several pages: {pages}");

    // The footer the print uses: the unit's name and the page counters, in a page-margin box.
    let html = dir.path().join("report.html");
    Cmd::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
            "-q",
        ])
        .arg("-o")
        .arg(&html)
        .output()
        .unwrap();
    let page = fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("@bottom-center{content:\"石岩县教育局\"") && page.contains("counter(page)"),
        "print footer"
    );

    let missing = dir.path().join("none.pdf");
    Cmd::cargo_bin("gongkai")
        .unwrap()
        .env("GONGKAI_CHROMIUM", dir.path().join("no-such-browser"))
        .args([
            "audit",
            "fixtures/sites/shiyan-jyj",
            "--as-of",
            "2026-11-26",
            "-q",
        ])
        .arg("-o")
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("apt-get install chromium"));
    assert!(!missing.exists());
}
