//! Saved sites as they come off real servers: a TRS site saves its home page as `index.htm` and
//! links columns as directories (`zwgk/`); an IIS site uses `default.htm`. Such a mirror is
//! audited as the site was served, a single saved page is explained, and `--start` names the page
//! to start from.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

const FOOTER: &str = "<div class=\"footer\">主办单位：梅岭县教育局 网站标识码：3607250008</div>";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"SiteName\" content=\"梅岭县教育局\"></head><body>{body}{FOOTER}</body></html>"
    )
}

/// A small TRS-style mirror: home `index` + `home_ext`, a 通知公告 column saved as
/// `zwgk/tzgg/index.htm` and linked as a directory, and two notices.
fn mirror(dir: &Path, home: &str) {
    fs::create_dir_all(dir.join("zwgk/tzgg/202611")).unwrap();
    fs::write(
        dir.join(home),
        page(
            "梅岭县教育局",
            "<div class=\"nav\"><a href=\"./zwgk/tzgg/\">通知公告</a></div>\
             <ul><li><a href=\"./zwgk/tzgg/202611/t20261120_301.htm\">关于做好冬季校园安全工作的通知</a><span>2026-11-20</span></li></ul>",
        ),
    )
    .unwrap();
    fs::write(
        dir.join("zwgk/tzgg/index.htm"),
        page(
            "通知公告",
            "<div class=\"position\">当前位置：<a href=\"../../\">首页</a> &gt; 通知公告</div>\
             <ul class=\"list\">\
             <li><a href=\"./202611/t20261120_301.htm\">关于做好冬季校园安全工作的通知</a><span>2026-11-20</span></li>\
             <li><a href=\"./202611/t20261105_298.htm\">关于开展教师资格认定工作的公告</a><span>2026-11-05</span></li>\
             </ul>",
        ),
    )
    .unwrap();
    for (file, title, day) in [
        (
            "t20261120_301.htm",
            "关于做好冬季校园安全工作的通知",
            "2026-11-20",
        ),
        (
            "t20261105_298.htm",
            "关于开展教师资格认定工作的公告",
            "2026-11-05",
        ),
    ] {
        fs::write(
            dir.join("zwgk/tzgg/202611").join(file),
            page(
                title,
                &format!("<h1>{title}</h1><p>发布时间：{day}</p><p>请各校认真落实。</p>"),
            ),
        )
        .unwrap();
    }
}

fn audit(dir: &Path, extra: &[&str]) -> (Value, i32) {
    common::audit_json(dir.to_str().unwrap(), "cn-site-inspection", extra)
}

/// The URLs of the columns the audit found.
fn column_urls(report: &Value) -> Vec<String> {
    report["site"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["url"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_mirror_whose_home_page_is_index_htm_or_default_htm_is_audited_with_its_directory_links() {
    for home in ["index.htm", "default.htm", "index.shtml"] {
        let dir = tempfile::tempdir().unwrap();
        mirror(dir.path(), home);
        let (report, code) = audit(dir.path(), &[]);
        assert!(code == 0 || code == 1, "{home}: exit {code}");
        // The column linked as a directory was served from its index.htm and read as a list.
        let cols = column_urls(&report);
        assert!(
            cols.iter().any(|u| u.ends_with("/zwgk/tzgg/")),
            "{home}: columns {cols:?}"
        );
        assert_eq!(report["site"]["pages"].as_u64(), Some(4), "{home}");
        // The home page was found, so its freshness was judged.
        assert_eq!(
            common::verdict(common::finding(&report, "INSP-HOME-FRESH")),
            "pass",
            "{home}"
        );
    }
}

#[test]
fn a_directory_without_a_home_page_or_a_single_page_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    mirror(dir.path(), "shouye.htm");
    Command::cargo_bin("gongkai")
        .unwrap()
        .arg("audit")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            contains("index.htm")
                .and(contains("--start"))
                .and(contains("panicked").not()),
        );
    Command::cargo_bin("gongkai")
        .unwrap()
        .arg("audit")
        .arg(dir.path().join("shouye.htm"))
        .assert()
        .code(2)
        .stderr(
            contains("single saved page")
                .and(contains("--start shouye.htm"))
                .and(contains("panicked").not()),
        );
    // Named with --start, the same mirror is audited from that page.
    let (report, code) = audit(dir.path(), &["--start", "shouye.htm"]);
    assert!(code == 0 || code == 1, "exit {code}");
    assert!(
        report["target"]["start_url"]
            .as_str()
            .unwrap()
            .ends_with("/shouye.htm")
    );
    assert_eq!(report["site"]["pages"].as_u64(), Some(4));
    Command::cargo_bin("gongkai")
        .unwrap()
        .arg("audit")
        .arg(dir.path())
        .args(["--start", "../etc/passwd"])
        .assert()
        .code(2)
        .stderr(contains("no such file"));
    Command::cargo_bin("gongkai")
        .unwrap()
        .args(["audit", "http://127.0.0.1:9/", "--start", "index.htm"])
        .assert()
        .code(2)
        .stderr(contains("for a URL"));
}
