//! "Never praise a site for our failure": a site that gongkai cannot read must not come out
//! graded, and must not exit 0. Two misbehaving servers on 127.0.0.1 (a firewall that lets only
//! the home page through, and a rate limiter), audited with the real binary: the score is a
//! range, the grade provisional (待定), every format says so, and the exit code is 3 unless the
//! user accepts a provisional verdict.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The home page of a county education bureau's disclosure section, as such sites are built: a
/// masthead, the column menu, the newest items, a footer with the site's identity. Every link
/// leads to a page the firewall refuses. (Kept to a few links: more failures in a row trip the
/// crawler's circuit breaker, whose 30-second pauses are right for a real site and too slow for
/// a test.)
const HOME: &str = r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="SiteName" content="青川县教育局"><meta name="SiteDomain" content="127.0.0.1">
<meta name="SiteIDCode" content="5108230021">
<title>青川县教育局政府信息公开</title></head>
<body>
<div class="top"><span class="logo">青川县教育局</span><span>政府信息公开</span></div>
<div class="nav"><a href="/gkzn/">政府信息公开指南</a><a href="/zcwj/">政策文件</a>
<a href="/gzdt/">工作动态</a></div>
<div class="col"><h3>工作动态</h3><ul>
<li><a href="/gzdt/202611/t20261124_8812.html">全县中小学冬季校园安全大检查工作启动</a><span>2026-11-24</span></li>
</ul></div>
<div class="footer">主办单位：青川县教育局　地址：青川县乔庄镇教育路8号　联系电话：0839-7202123<br>
网站标识码：5108230021　蜀ICP备05012345号</div>
</body></html>"#;

/// What a web application firewall answers: a page of its own, with a 403.
const WAF: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>访问被拦截</title></head>
<body><h1>您的访问请求可能对网站造成安全威胁，已被拦截</h1>
<p>事件编号：20261126-5f3a9c　如有疑问请联系网站管理员</p></body></html>"#;

#[derive(Clone, Copy)]
enum Kind {
    /// The home page answers; every other path is a WAF's 403 page.
    Firewall,
    /// The first few requests are served (the home page included); then 429 with Retry-After.
    RateLimit,
}

#[derive(Clone)]
struct Server {
    kind: Kind,
    hits: Arc<AtomicUsize>,
    paths: Arc<Mutex<HashMap<String, usize>>>,
}

async fn handler(State(s): State<Server>, req: Request) -> Response {
    let n = s.hits.fetch_add(1, Ordering::SeqCst) + 1;
    let path = req.uri().path().to_string();
    *s.paths.lock().unwrap().entry(path.clone()).or_default() += 1;
    let home = || {
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            HOME.to_string(),
        )
            .into_response()
    };
    match s.kind {
        Kind::Firewall if path == "/" => home(),
        Kind::Firewall => (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            WAF,
        )
            .into_response(),
        Kind::RateLimit if path == "/" && s.paths.lock().unwrap()["/"] == 1 => home(),
        Kind::RateLimit if n <= 3 => StatusCode::NOT_FOUND.into_response(),
        Kind::RateLimit => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "请求过于频繁，请稍后再试",
        )
            .into_response(),
    }
}

/// Starts the server on its own runtime (the binary under test is another process) and returns
/// its URL and request counter.
fn serve(kind: Kind) -> (String, Arc<AtomicUsize>) {
    let s = Server {
        kind,
        hits: Arc::new(AtomicUsize::new(0)),
        paths: Arc::default(),
    };
    let hits = s.hits.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = Router::new().fallback(handler).with_state(s);
            axum::serve(listener, app).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    (format!("http://{addr}/"), hits)
}

/// `gongkai audit URL --rules cn-edu-county --as-of 2026-11-26 --delay-ms 0 ARGS...`: stdout,
/// stderr, exit code.
fn audit(url: &str, args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            url,
            "--rules",
            "cn-edu-county",
            "--as-of",
            "2026-11-26",
            "--delay-ms",
            "0",
            "-q",
        ])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn json(url: &str, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["-f", "json"];
    all.extend_from_slice(args);
    let (out, err, code) = audit(url, &all);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    (v, code)
}

/// What every provisional report says, checked on the JSON.
fn assert_provisional(r: &Value, cause: &str) {
    let s = &r["score"];
    assert_eq!(r["schema_version"], gongkai::report::SCHEMA_VERSION);
    assert_eq!(s["provisional"], true, "{s}");
    assert_eq!(s["pass"], false, "{s}");
    assert_eq!(s["grade"]["zh"], "待定");
    assert_eq!(s["grade"]["en"], "provisional");
    let (best, worst) = (
        s["best"]["points"].as_f64().unwrap(),
        s["worst"]["points"].as_f64().unwrap(),
    );
    assert_eq!(s["points"].as_f64(), Some(best), "points is the best end");
    assert!(worst < best, "{s}");
    assert_ne!(s["best"]["grade"], s["worst"]["grade"], "{s}");
    // The causes add up to the rules not judged, and the largest is the server's doing.
    let unjudged = s["unjudged"].as_array().unwrap();
    let n: usize = unjudged
        .iter()
        .map(|u| u["rules"].as_array().unwrap().len())
        .sum();
    assert_eq!(Some(n as u64), s["inconclusive"].as_u64(), "{s}");
    assert_eq!(unjudged[0]["cause"], cause, "{s}");
    // Each finding not judged carries its stake; the score's is their sum.
    let stakes: f64 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "inconclusive" && f["reason"] != "not_applicable")
        .map(|f| {
            let st = &f["at_stake"];
            assert!(st.is_object(), "{} has no stake", f["rule_id"]);
            st["points"].as_f64().unwrap()
        })
        .sum();
    assert!(
        (stakes - s["at_stake"].as_f64().unwrap()).abs() < 0.05,
        "{stakes} vs {}",
        s["at_stake"]
    );
    // Coverage is the share of rules judged: far from all of them here.
    assert!(s["coverage"].as_f64().unwrap() < 50.0, "{s}");
}

#[test]
fn a_site_behind_a_firewall_is_provisional_and_exits_3() {
    let (url, _) = serve(Kind::Firewall);
    let (r, code) = json(&url, &[]);
    assert_provisional(&r, "blocked");
    assert_eq!(code, 3, "a provisional grade exits 3");
    // The firewall's pages are never the site's gaps.
    let gaps: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "gap")
        .collect();
    assert!(
        gaps.iter().all(|f| f["reason"] != "missing"),
        "a blocked page made a gap: {gaps:?}"
    );

    // "No news column found" behind a firewall is not "the rule does not apply": it stakes its
    // points like any rule that could not be judged.
    let news = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "INSP-NEWS-FRESH")
        .unwrap();
    assert_eq!(
        (&news["status"], &news["reason"]),
        (&"inconclusive".into(), &"blocked".into())
    );
    assert!(news["at_stake"]["points"].as_f64() > Some(0.0), "{news}");
    assert_eq!(r["score"]["not_applicable"], 0);
    // "No blank column among those seen" is not a pass when the blocked pages could hold one.
    let blank = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "INSP-BLANK")
        .unwrap();
    assert_eq!(blank["status"], "inconclusive", "{blank}");

    // Accepting a provisional verdict: judged on what was verified (nothing failed there).
    let (_, err, code) = audit(&url, &["-f", "json", "--allow-provisional"]);
    assert_eq!(code, 0, "{err}");
    // ... but not below the coverage asked for.
    let (_, err, code) = audit(
        &url,
        &["-f", "json", "--allow-provisional", "--min-coverage", "80"],
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("--min-coverage 80"), "{err}");
    let (_, _, code) = audit(&url, &["-f", "json", "--min-coverage", "abc"]);
    assert_eq!(code, 2, "a bad percentage is a usage error");
}

#[test]
fn a_rate_limited_site_is_provisional_and_exits_3() {
    let (url, hits) = serve(Kind::RateLimit);
    let (r, code) = json(&url, &[]);
    assert_provisional(&r, "blocked");
    assert_eq!(code, 3);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["reason"] == "rate_limited"),
        "the 429s are named as such"
    );
    assert!(hits.load(Ordering::SeqCst) > 3);
}

/// Every format, in both languages, shows the range and 待定 / provisional and why.
#[test]
fn every_format_of_a_firewalled_site_says_provisional() {
    let (url, _) = serve(Kind::Firewall);
    let dir = tempfile::tempdir().unwrap();
    for (lang, grade, why) in [
        ("zh", "待定", "无法判定：防火墙拦截或限流"),
        (
            "en",
            "provisional",
            "could not be judged: blocked by a firewall or rate limit",
        ),
    ] {
        let out = dir.path().join(lang);
        let (_, err, code) = audit(
            &url,
            &[
                "--lang",
                lang,
                "-f",
                "json,html,markdown,text,csv,junit,sarif,xlsx",
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 3, "{err}");
        // The line on stderr says it too.
        assert!(err.contains(grade), "{err}");
        let files: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 8, "{files:?}");
        let report: Value = serde_json::from_slice(
            &std::fs::read(files.iter().find(|p| ext(p) == "json").unwrap()).unwrap(),
        )
        .unwrap();
        let s = &report["score"];
        let range = format!("{}–{}", s["worst"]["points"], s["best"]["points"]).replace(".0", "");
        for f in &files {
            let text = match ext(f).as_str() {
                "xlsx" => xlsx_text(f),
                _ => std::fs::read_to_string(f).unwrap(),
            };
            let name = f.display();
            match ext(f).as_str() {
                // One row per finding: the stake of each rule not judged.
                "csv" => assert!(
                    text.contains("at_stake") || text.contains("无法判定时涉及扣分"),
                    "{name}"
                ),
                "json" => {}
                "txt" => {
                    assert!(text.contains(grade), "{name}: {text}");
                    assert!(text.contains(why.split('：').next().unwrap()), "{name}");
                }
                _ => {
                    assert!(text.contains(grade), "{name}: no {grade}");
                    assert!(text.contains(&range), "{name}: no {range}");
                    assert!(text.contains(why), "{name}: no `{why}`");
                }
            }
        }
    }
    // The terminal table.
    let (table, _, code) = audit(&url, &[]);
    assert_eq!(code, 3);
    assert!(table.contains("等级 待定（"), "{table}");
    assert!(table.contains("得分范围："), "{table}");
    assert!(table.contains("覆盖率"), "{table}");
}

fn ext(p: &Path) -> String {
    let name = p.file_name().unwrap().to_string_lossy();
    name.rsplit('.').next().unwrap_or_default().to_string()
}

fn xlsx_text(p: &Path) -> String {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(p).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet
        .rows()
        .flatten()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A batch of a graded unit and a firewalled one: the firewalled unit is listed after the graded
/// one, unranked and marked, and counted as provisional, not as passing or failing.
#[test]
fn a_provisional_unit_is_ranked_after_a_graded_one() {
    let (url, _) = serve(Kind::Firewall);
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("units.csv");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sites/shiyan-jyj");
    std::fs::write(
        &list,
        format!("name,parent,url\n青川县教育局,县政府,{url}\n石岩县教育局,县政府,{fixture}\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        Command::cargo_bin("gongkai")
            .unwrap()
            .args(["batch", list.to_str().unwrap(), "-o", out.to_str().unwrap()])
            .args(["--as-of", "2026-11-26", "--delay-ms", "0", "-q", "--force"])
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&[]);
    // 石岩 fails (a veto) whatever else: a failure is exit 1 before a provisional unit's 3.
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let league = &summary["leagues"][0];
    let rows = league["rows"].as_array().unwrap();
    let name = |r: &Value| {
        summary["units"][r["unit"].as_u64().unwrap() as usize]["name"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(name(&rows[0]), "石岩县教育局");
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(name(&rows[1]), "青川县教育局");
    assert!(
        rows[1]["rank"].is_null(),
        "a provisional unit is not ranked"
    );
    assert_eq!(league["provisional"], 1);
    let unit = summary["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "青川县教育局")
        .unwrap();
    assert_eq!(unit["provisional"], true);
    assert!(unit["worst"].as_f64() < unit["points"].as_f64());
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap_or_default();
    if !md.is_empty() {
        assert!(md.contains("（待定）"), "{md}");
    }

    // The firewalled unit alone: exit 3, or 0 when provisional verdicts are accepted.
    std::fs::write(
        &list,
        format!("name,parent,url\n青川县教育局,县政府,{url}\n"),
    )
    .unwrap();
    assert_eq!(run(&[]).status.code(), Some(3));
    assert_eq!(run(&["--allow-provisional"]).status.code(), Some(0));
    assert_eq!(
        run(&["--allow-provisional", "--min-coverage", "90"])
            .status
            .code(),
        Some(3)
    );
}

/// A history written before ranges existed (version 1) is migrated in place, its runs kept; a
/// provisional run is stored as such, and `history` and `diff` say 待定 rather than a grade.
#[test]
fn history_and_diff_keep_a_provisional_grade_apart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.sqlite");
    {
        // The version-1 schema, as gongkai wrote it, with one run recorded.
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TABLE runs (id INTEGER PRIMARY KEY, site TEXT NOT NULL, start_url TEXT NOT NULL,
                site_name TEXT, pack_id TEXT NOT NULL, as_of TEXT NOT NULL, generated_at TEXT NOT NULL,
                points REAL NOT NULL, grade_zh TEXT NOT NULL, grade_en TEXT NOT NULL,
                pass INTEGER NOT NULL, vetoes TEXT NOT NULL, passed INTEGER NOT NULL,
                gaps INTEGER NOT NULL, inconclusive INTEGER NOT NULL, tool_version TEXT NOT NULL);
             CREATE INDEX runs_by_site ON runs (site, pack_id, id);
             CREATE TABLE findings (run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                rule_id TEXT NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
                status TEXT NOT NULL, reason TEXT, severity TEXT NOT NULL, deduction REAL NOT NULL,
                message_zh TEXT NOT NULL, message_en TEXT NOT NULL);
             CREATE INDEX findings_by_run ON findings (run_id);
             INSERT INTO runs VALUES (1, 'http://old.example.gov.cn/', 'http://old.example.gov.cn/',
                '旧县教育局', 'cn-edu-county', '2026-06-01', '2026-06-01T08:00:00Z', 72.5, '合格',
                'Pass', 1, '[]', 30, 8, 2, '0.1.0');
             INSERT INTO findings VALUES (1, 'GOV-GUIDE', '公开指南', 'guide', 'gap', 'missing',
                'major', 3.0, '未找到公开指南', 'no guide found');
             PRAGMA application_id = 1735090537; -- gkai
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let (url, _) = serve(Kind::Firewall);
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sites/qingshui-jyj");
    let (graded, provisional) = (dir.path().join("graded.json"), dir.path().join("prov.json"));
    let run = |target: &str, out: &Path| {
        Command::cargo_bin("gongkai")
            .unwrap()
            .args([
                "audit",
                target,
                "--as-of",
                "2026-11-26",
                "--delay-ms",
                "0",
                "-q",
            ])
            .args([
                "-o",
                out.to_str().unwrap(),
                "--history",
                db.to_str().unwrap(),
            ])
            .env_remove("GONGKAI_HISTORY")
            .output()
            .unwrap()
    };
    let o = run(fixture, &graded);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(run(&url, &provisional).status.code(), Some(3));

    let c = rusqlite::Connection::open(&db).unwrap();
    let version: i32 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
    // The old run is still there, read as graded (it was), with no worst end.
    let old: (f64, String, bool, Option<f64>) = c
        .query_row(
            "SELECT points, grade_zh, provisional, worst FROM runs WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(old, (72.5, "合格".to_string(), false, None));
    let new: (String, bool, f64, f64) = c
        .query_row(
            "SELECT grade_zh, provisional, worst, points FROM runs WHERE site = ?1",
            [&url],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((new.0.as_str(), new.1), ("待定", true));
    assert!(new.2 < new.3, "{new:?}");
    let stakes: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM findings f JOIN runs r ON r.id = f.run_id
             WHERE r.site = ?1 AND f.at_stake IS NOT NULL",
            [&url],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stakes > 0);
    drop(c);

    let history = Command::cargo_bin("gongkai")
        .unwrap()
        .args(["history", &url, "--history", db.to_str().unwrap()])
        .env_remove("GONGKAI_HISTORY")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&history.stdout);
    assert_eq!(history.status.code(), Some(0), "{text}");
    assert!(text.contains("待定"), "{text}");
    assert!(
        text.contains(&format!("{}–{}", new.2, new.3).replace(".0", "")),
        "{text}"
    );

    // diff: graded → provisional is said as such, not as a grade that went down or up.
    let diff = |a: &Path, b: &Path| {
        let o = Command::cargo_bin("gongkai")
            .unwrap()
            .args([
                "diff",
                a.to_str().unwrap(),
                b.to_str().unwrap(),
                "-f",
                "markdown",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let md = diff(&graded, &provisional);
    assert!(
        md.contains("等级由合格转为待定") || md.contains("转为待定"),
        "{md}"
    );
    assert!(md.contains("无法判定"), "{md}");
    let back = diff(&provisional, &graded);
    assert!(back.contains("等级已可确定"), "{back}");
}

/// 整改复核 against a site that now blocks us: a gap that cannot be judged again is neither fixed
/// nor still open, so the recheck cannot say the site was fixed, and exits 3.
#[test]
fn a_recheck_that_cannot_see_the_gap_exits_3() {
    let (url, _) = serve(Kind::Firewall);
    // An earlier report of the site, from before the firewall, with one gap: the guide.
    let (mut before, _) = json(&url, &[]);
    let guide = before["findings"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["rule_id"] == "GOV-GUIDE")
        .unwrap();
    guide["status"] = "gap".into();
    guide["reason"] = "missing".into();
    guide["deduction"] = 2.0.into();
    guide.as_object_mut().unwrap().remove("at_stake");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("before.json");
    std::fs::write(&path, serde_json::to_vec(&before).unwrap()).unwrap();
    let o = Command::cargo_bin("gongkai")
        .unwrap()
        .args(["recheck", path.to_str().unwrap()])
        .args([
            "--as-of",
            "2026-11-26",
            "-q",
            "-f",
            "json",
            "--delay-ms",
            "0",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    let diff: Value = serde_json::from_slice(&o.stdout).unwrap();
    let guide = diff["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_id"] == "GOV-GUIDE")
        .unwrap();
    assert_eq!(guide["change"], "newly_inconclusive", "{guide}");
    assert_eq!(guide["reason_after"], "blocked", "{guide}");
}
