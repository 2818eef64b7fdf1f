//! An audit as of a day judges the site as it stood that day: what was published later is left
//! out of every rule (list rows, documents, freshness, evidence), and a rule with a deadline
//! judges the period that day makes due. The fixture site is audited as it is and as a copy with
//! later documents added; both must give the same findings as of the same day.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// `gongkai audit DIR --as-of DAY -f json`: the report, with the mirror's loopback address
/// replaced by `BASE/` so two mirrors compare, and the exit code.
fn audit(dir: &Path, as_of: &str) -> (Value, i32) {
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .arg("audit")
        .arg(dir)
        .args(["--rules", "cn-edu-county", "--as-of", as_of])
        .args(["--format", "json", "-q"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let base = v["target"]["start_url"].as_str().unwrap().to_string();
    let text = serde_json::to_string(&v).unwrap().replace(&base, "BASE/");
    (
        serde_json::from_str(&text).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

const QINGSHUI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sites/qingshui-jyj");

/// An article page in the fixture's template, with its own text.
fn article(title: &str, column: &str, pub_date: &str, up: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}_清水县教育局</title>
<meta name="SiteName" content="清水县教育局">
<meta name="SiteIDCode" content="6205210003">
<meta name="ColumnName" content="{column}">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{pub_date} 09:30">
</head>
<body>
<div class="nav"><ul><li><a href="{up}../index.html">首页</a></li><li><a href="{up}index.html">法定主动公开内容</a></li></ul></div>
<div class="position">当前位置：<a href="{up}../index.html">首页</a> &gt; <a href="../index.html">{column}</a></div>
<div class="article">
<h1 class="title">{title}</h1>
<div class="info"><span>发布时间：{pub_date} 09:30</span><span>来源：清水县教育局</span></div>
<div class="TRS_Editor">{body}</div>
</div>
<div class="footer">主办单位：清水县教育局 联系电话：0938-6721406 监督举报电话：0938-6721419 网站标识码：6205210003</div>
</body>
</html>
"#
    )
}

fn insert_after(path: &Path, marker: &str, row: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {}", path.display()))
        + marker.len();
    let text = format!("{}\n{row}{}", &text[..at], &text[at..]);
    std::fs::write(path, text).unwrap();
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A copy of 清水县教育局's site a few days later: a news item (also on the home page), a notice
/// with an attachment, and next year's admission policy draft, all published after 2026-11-26.
fn later_copy(to: &Path) {
    common::copy_dir(Path::new(QINGSHUI), to);
    let f = to.join("fdzdgknr");
    write(
        &f.join("gzdt/202612/t20261203_2210.html"),
        &article(
            "县教育局召开2026年度教育系统党风廉政建设工作总结会",
            "工作动态",
            "2026-12-03",
            "../../",
            "<p>12月3日，县教育局召开教育系统党风廉政建设工作总结会，通报全年工作情况。</p>",
        ),
    );
    let news = r#"<li><a href="./202612/t20261203_2210.html" title="县教育局召开2026年度教育系统党风廉政建设工作总结会" target="_blank">县教育局召开2026年度教育系统党风廉政建设工作总结会</a><span>2026-12-03</span></li>"#;
    insert_after(&f.join("gzdt/index.html"), r#"<ul class="list">"#, news);
    // The home page's latest-news block is the first list on it.
    let home_row = news.replace("./202612/", "./fdzdgknr/gzdt/202612/");
    let home = to.join("index.html");
    let text = std::fs::read_to_string(&home).unwrap();
    let at = text
        .find(r#"<li><a href="./fdzdgknr/gzdt/202611/t20261120_2101.html""#)
        .unwrap();
    std::fs::write(&home, format!("{}{home_row}\n{}", &text[..at], &text[at..])).unwrap();

    write(
        &f.join("tzgg/202612/t20261202_2208.html"),
        &article(
            "关于报送2027年度中小学教师培训需求的通知",
            "通知公告",
            "2026-12-02",
            "../../",
            r#"<p>各中小学：请于12月20日前报送2027年度教师培训需求。</p><p>附件：<a href="./P020261202537716.pdf">培训需求汇总表.pdf</a></p>"#,
        ),
    );
    write(
        &f.join("tzgg/202612/P020261202537716.pdf"),
        "%PDF-1.4\n% 培训需求汇总表\n%%EOF\n",
    );
    insert_after(
        &f.join("tzgg/index.html"),
        r#"<ul class="list">"#,
        r#"<li><a href="./202612/t20261202_2208.html" title="关于报送2027年度中小学教师培训需求的通知" target="_blank">关于报送2027年度中小学教师培训需求的通知</a><span>2026/12/02</span></li>"#,
    );

    write(
        &f.join("zsks/202612/t20261201_2205.html"),
        &article(
            "清水县2027年义务教育阶段招生入学工作实施方案（征求意见稿）",
            "招生考试",
            "2026-12-01",
            "../../",
            "<p>为做好2027年义务教育阶段招生入学工作，现就招生对象、招生范围、报名时间和入学办法征求意见。咨询电话：0938-6721452。</p>",
        ),
    );
    insert_after(
        &f.join("zsks/index.html"),
        "<tr><th>标题</th><th>发布日期</th></tr>",
        r#"<tr><td><a href="./202612/t20261201_2205.html" title="清水县2027年义务教育阶段招生入学工作实施方案（征求意见稿）" target="_blank">清水县2027年义务教育阶段招生入学工作实施方案（征求意见稿）</a></td><td>2026-12-01</td></tr>"#,
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "gongkai-as-of-{name}-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn notes_zh(report: &Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["zh"].as_str().unwrap().to_string())
        .collect()
}

/// The URLs a finding cites as evidence (relative to `BASE/`).
fn paths(f: &Value) -> Vec<String> {
    f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["url"].as_str().map(str::to_string))
        .collect()
}

/// Every evidence date of every finding, with its rule.
fn evidence_dates(report: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        for e in f["evidence"].as_array().unwrap() {
            if let Some(d) = e["date"].as_str() {
                out.push((f["rule_id"].as_str().unwrap().to_string(), d.to_string()));
            }
        }
    }
    out
}

#[test]
fn later_documents_do_not_change_an_audit_as_of_an_earlier_day() {
    let dir = temp_dir("later");
    let later = dir.join("qingshui-later");
    later_copy(&later);
    for as_of in ["2026-11-26", "2026-06-05"] {
        let (then, code_then) = audit(Path::new(QINGSHUI), as_of);
        let (now, code_now) = audit(&later, as_of);
        let (a, b) = (
            then["findings"].as_array().unwrap(),
            now["findings"].as_array().unwrap(),
        );
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            // Status, reason, deduction, facts, message and evidence alike.
            assert_eq!(x, y, "as of {as_of}, {} differs", x["rule_id"]);
        }
        assert_eq!(then["score"], now["score"], "as of {as_of}");
        assert_eq!(code_then, code_now, "as of {as_of}");
        // The site as the report describes it is the same too: its pages, links and columns.
        assert_eq!(then["site"], now["site"], "as of {as_of}");
        // Nothing published after the day is cited.
        for (rule, d) in evidence_dates(&now) {
            assert!(d.as_str() <= as_of, "{rule} cites {d} as of {as_of}");
        }
        // The report says what it left out: the three later documents (and the site's own
        // later ones when the day is earlier).
        let left = notes_zh(&now)
            .into_iter()
            .find(|n| n.contains("条列表条目未计入"))
            .unwrap_or_else(|| panic!("no left-out note as of {as_of}: {:?}", notes_zh(&now)));
        assert!(left.contains(&format!("按{as_of}时的网站评判")), "{left}");
    }
    // As of the fixture's own day the original has nothing later: nothing to say.
    let (then, _) = audit(Path::new(QINGSHUI), "2026-11-26");
    assert!(!notes_zh(&then).iter().any(|n| n.contains("未计入")));
    let (now, _) = audit(&later, "2026-11-26");
    assert!(
        notes_zh(&now)
            .iter()
            .any(|n| n.contains("其后发布的3个页面、3条列表条目未计入")),
        "{:?}",
        notes_zh(&now)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_seasonal_rule_judges_the_period_the_day_makes_due() {
    // Before 30 June 2026 the 2025 admission policy is the one due; the 2026 policy, published
    // on 28 May, is in force and satisfies it. The plan of 10 June is not there yet.
    let (r, _) = audit(Path::new(QINGSHUI), "2026-06-05");
    let policy = common::finding(&r, "EDU-ADM-POLICY");
    assert_eq!(common::verdict(policy), "pass");
    assert_eq!(policy["facts"]["fact"], "for_period");
    assert_eq!(policy["facts"]["year"], 2025);
    assert_eq!(policy["facts"]["deadline"]["date"], "2025-06-30");
    assert_eq!(policy["facts"]["found_year"], 2026);
    assert!(
        policy["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("应公开2025年度"),
        "{}",
        policy["message"]["zh"]
    );
    assert_eq!(paths(policy).len(), 1);
    assert_eq!(policy["evidence"][0]["date"], "2026-05-28");
    let plan = common::finding(&r, "EDU-ADM-PLAN");
    assert_eq!(common::verdict(plan), "gap/missing");
    assert_eq!(plan["facts"]["year"], 2025);
    for (rule, d) in evidence_dates(&r) {
        assert!(d.as_str() <= "2026-06-05", "{rule} cites {d}");
    }

    // After 30 June the 2026 policy itself is due, and it is there.
    let (r, _) = audit(Path::new(QINGSHUI), "2026-11-26");
    let policy = common::finding(&r, "EDU-ADM-POLICY");
    assert_eq!(common::verdict(policy), "pass");
    assert_eq!(policy["facts"]["year"], 2026);
    assert!(policy["facts"].get("found_year").is_none());

    // The annual report: before 31 January 2026 the 2024 report is the one due, and the 2025
    // report of 22 January is not out yet as of the 15th.
    let (r, _) = audit(Path::new(QINGSHUI), "2026-01-15");
    let ar = common::finding(&r, "GOV-ANNUAL-REPORT");
    assert_eq!(common::verdict(ar), "pass");
    assert_eq!(ar["facts"]["year"], 2024);
    assert!(
        paths(ar).iter().all(|p| !p.contains("t20260121_2001")),
        "{:?}",
        paths(ar)
    );
    // Undated pages cannot be placed in time: kept, and said so when the day is in the past.
    assert!(
        notes_zh(&r).iter().any(|n| n.contains("无发布日期的页面")),
        "{:?}",
        notes_zh(&r)
    );
}
