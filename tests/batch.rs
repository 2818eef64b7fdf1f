//! `gongkai batch` and `gongkai merge` over fixture sites on 127.0.0.1: a league table per parent
//! unit, bad rows skipped with their line, an unreachable and a slow site that do not stop the
//! others, the documented exit codes, and shards that merge into what a single run gives.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

fn gongkai() -> Command {
    let mut c = Command::cargo_bin("gongkai").unwrap();
    c.env_remove("NO_COLOR").env_remove("GONGKAI_HISTORY");
    c
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sites")
        .join(name)
        .display()
        .to_string()
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A site that answers, but only after `delay`: a county server under load.
fn slow_site(delay: Duration) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = axum::Router::new().fallback(move |uri: axum::http::Uri| async move {
                if uri.path() != "/" && uri.path() != "/index.html" {
                    return (axum::http::StatusCode::NOT_FOUND, axum::response::Html(String::new()));
                }
                tokio::time::sleep(delay).await;
                (
                    axum::http::StatusCode::OK,
                    axum::response::Html(
                        "<html><head><title>慢速县教育局</title></head><body><h1>慢速县教育局</h1><p>网站维护中</p></body></html>"
                            .to_string(),
                    ),
                )
            });
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{addr}/")
}

fn write_list(dir: &Path, rows: &[&str]) -> PathBuf {
    let p = dir.join("units.csv");
    let mut text = String::from("单位名称,上级单位,网址\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn summary(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

/// (name, rank, points or state) of a league's rows, in order.
fn league(s: &Value, parent: &str) -> Vec<(String, Option<u64>, String)> {
    let units = s["units"].as_array().unwrap();
    let l = s["leagues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["parent"] == parent)
        .unwrap_or_else(|| panic!("no league for {parent}: {s}"));
    l["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let u = &units[r["unit"].as_u64().unwrap() as usize];
            let what = match u["state"].as_str().unwrap() {
                "audited" => format!("{:.1}", u["points"].as_f64().unwrap()),
                other => other.to_string(),
            };
            (
                u["name"].as_str().unwrap().to_string(),
                r["rank"].as_u64(),
                what,
            )
        })
        .collect()
}

const AS_OF: &str = "2026-11-26";

#[test]
fn batch_league_table_bad_rows_unreachable_and_slow_sites() {
    let tmp = tempfile::tempdir().unwrap();
    let slow = slow_site(Duration::from_secs(4));
    let dead = format!("http://127.0.0.1:{}/", closed_port());
    let list = write_list(
        tmp.path(),
        &[
            &format!("慢速县教育局,另一区,{slow}"),
            &format!("清水县教育局,示例市,{}", fixture("qingshui-jyj")),
            &format!("石岩县教育局,示例市,{}", fixture("shiyan-jyj")),
            &format!("停机县教育局,示例市,{dead}"),
            "漏填网址局,示例市,",
        ],
    );
    let out = tmp.path().join("out");
    let run = gongkai()
        .args(["batch"])
        .arg(&list)
        .args(["-o"])
        .arg(&out)
        .args([
            "--as-of",
            AS_OF,
            "--jobs",
            "4",
            "--timeout",
            "30",
            "-f",
            "html",
        ])
        .assert()
        // A skipped row outranks the rest: the list needs fixing.
        .code(2)
        .stderr(contains("跳过第 6").and(contains("panicked").not()));
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).to_string();

    let s = summary(&out);
    // The league ranks by each unit's own report: the points shown are that report's.
    let points_of = |unit: &str| {
        let report: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("sites/{unit}.json"))).unwrap(),
        )
        .unwrap();
        format!("{:.1}", report["score"]["points"].as_f64().unwrap())
    };
    assert_eq!(
        league(&s, "示例市"),
        vec![
            (
                "清水县教育局".to_string(),
                Some(1),
                points_of("清水县教育局")
            ),
            (
                "石岩县教育局".to_string(),
                Some(2),
                points_of("石岩县教育局")
            ),
            ("停机县教育局".to_string(), None, "not_audited".to_string()),
        ]
    );
    let other = league(&s, "另一区");
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].1, Some(1), "the slow site is audited: {other:?}");
    let units = s["units"].as_array().unwrap();
    let dead_unit = units.iter().find(|u| u["name"] == "停机县教育局").unwrap();
    assert!(
        dead_unit["cause"].as_str().unwrap().contains("connect"),
        "{dead_unit}"
    );
    let shiyan = units.iter().find(|u| u["name"] == "石岩县教育局").unwrap();
    assert_eq!(shiyan["vetoes"], serde_json::json!(["INSP-HOME-FRESH"]));
    assert_eq!(shiyan["pass"], false);
    assert_eq!(
        s["rejected"],
        serde_json::json!([{"line": 6, "message": "no URL (网址) in this row"}])
    );
    // The gap the failing units share is counted over the audited units.
    let home = s["common_gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["rule"]["rule_id"] == "INSP-HOME-FRESH")
        .unwrap();
    assert!(home["units"].as_u64().unwrap() >= 1);

    // The slow site did not hold up the others: it is the last one to finish.
    let finished: Vec<&str> = stderr.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(finished.len(), 4, "{stderr}");
    assert!(finished[3].contains("慢速县教育局"), "{stderr}");

    // One report per audited unit, in JSON and the extra format; the summary in four formats.
    for f in [
        "sites/清水县教育局.json",
        "sites/清水县教育局.html",
        "sites/石岩县教育局.json",
        "summary.html",
        "summary.md",
        "summary.xlsx",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("sites/石岩县教育局.json")).unwrap(),
    )
    .unwrap();
    // The unit's report is a whole audit: its score adds up, and its veto fails it.
    common::assert_score_adds_up(&report);
    assert_eq!(report["score"]["vetoes"], shiyan["vetoes"]);
    let html = std::fs::read_to_string(out.join("summary.html")).unwrap();
    assert!(html.contains("<table class=\"sortable\">") && html.contains("停机县教育局"));
    // The workbook's league sorts by numbers: gaps per severity, the worst end, the coverage.
    {
        use calamine::{Data, Reader};
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook(out.join("summary.xlsx")).unwrap();
        let league = book.worksheet_range_at(0).unwrap().unwrap();
        let header: Vec<String> = league
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|d| d.to_string())
            .collect();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("{name}: {header:?}"))
        };
        let shiyan_row = league
            .rows()
            .find(|r| r.iter().any(|d| *d == Data::String("石岩县教育局".into())))
            .unwrap();
        let vetoes = shiyan["vetoes"].as_array().unwrap().len() as f64;
        assert_eq!(shiyan_row[col("否决项数")], Data::Float(vetoes));
        assert!(matches!(shiyan_row[col("重要问题数")], Data::Float(_)));
        assert!(matches!(shiyan_row[col("覆盖率")], Data::Float(x) if (0.0..=1.0).contains(&x)));
    }

    // A second run into the same directory never overwrites without --force.
    let before = std::fs::read(out.join("summary.json")).unwrap();
    gongkai()
        .args(["batch"])
        .arg(&list)
        .arg("-o")
        .arg(&out)
        .args(["--as-of", AS_OF])
        .assert()
        .code(2)
        .stderr(contains("--force"));
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
}

#[test]
fn exit_codes_follow_the_worst_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (fixture("qingshui-jyj"), 0),
        (fixture("shiyan-jyj"), 1),
        (format!("http://127.0.0.1:{}/", closed_port()), 3),
    ];
    for (i, (target, code)) in cases.iter().enumerate() {
        let dir = tmp.path().join(format!("case{i}"));
        std::fs::create_dir(&dir).unwrap();
        let list = write_list(&dir, &[&format!("单位,示例市,{target}")]);
        gongkai()
            .arg("batch")
            .arg(&list)
            .arg("-o")
            .arg(dir.join("out"))
            .args(["--as-of", AS_OF, "-q"])
            .assert()
            .code(*code);
    }
}

#[test]
fn bad_list_files_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("units.csv");
    std::fs::write(&p, "name,website\nx,http://a.example.gov.cn/\n").unwrap();
    gongkai()
        .arg("batch")
        .arg(&p)
        .arg("-o")
        .arg(tmp.path().join("out"))
        .assert()
        .code(2)
        .stderr(contains("unknown column `website`").and(contains("panicked").not()));
    gongkai()
        .arg("batch")
        .arg(tmp.path().join("missing.csv"))
        .arg("-o")
        .arg(tmp.path().join("out"))
        .assert()
        .code(2)
        .stderr(contains("missing.csv"));
    gongkai()
        .args(["batch", "x.csv", "-o", "out", "--shard", "3/2"])
        .assert()
        .code(2)
        .stderr(contains("1 ≤ K ≤ N"));
}

#[test]
fn shards_merge_into_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dead = format!("http://127.0.0.1:{}/", closed_port());
    let list = write_list(
        tmp.path(),
        &[
            &format!("清水县教育局,示例市,{}", fixture("qingshui-jyj")),
            &format!("石岩县教育局,示例市,{}", fixture("shiyan-jyj")),
            &format!("停机县教育局,另一区,{dead}"),
        ],
    );
    let batch = |out: &Path, shard: Option<&str>, code: i32| {
        let mut c = gongkai();
        c.arg("batch")
            .arg(&list)
            .arg("-o")
            .arg(out)
            .args(["--as-of", AS_OF, "-q"]);
        if let Some(s) = shard {
            c.args(["--shard", s]);
        }
        c.assert().code(code);
    };
    let whole = tmp.path().join("whole");
    batch(&whole, None, 3);
    let (s1, s2) = (tmp.path().join("s1"), tmp.path().join("s2"));
    // Round robin: shard 1 has lines 2 and 4 (one unreachable), shard 2 line 3 (fails).
    batch(&s1, Some("1/2"), 3);
    batch(&s2, Some("2/2"), 1);
    // Each shard ran only its part.
    assert_eq!(summary(&s1)["units"].as_array().unwrap().len(), 2);
    assert_eq!(summary(&s2)["units"].as_array().unwrap().len(), 1);

    let merged = tmp.path().join("merged");
    gongkai()
        .arg("merge")
        .arg(&s1)
        .arg(&s2)
        .arg("-o")
        .arg(&merged)
        .assert()
        .code(3);
    let (a, b) = (summary(&whole), summary(&merged));
    let units = |s: &Value| {
        let mut u = s["units"].clone();
        for x in u.as_array_mut().unwrap() {
            x.as_object_mut().unwrap().remove("report");
        }
        u
    };
    assert_eq!(units(&a), units(&b));
    for k in ["leagues", "common_gaps", "rejected", "list"] {
        assert_eq!(a[k], b[k], "{k}");
    }
    // Merged report links still lead to the shard's files.
    let first = b["units"][0]["report"].as_str().unwrap();
    assert!(
        merged.join(first).is_file() || Path::new(first).is_file(),
        "{first}"
    );

    // Merging a shard twice, or shards of another list, is refused.
    gongkai()
        .arg("merge")
        .arg(&s1)
        .arg(&s1)
        .arg("-o")
        .arg(tmp.path().join("m2"))
        .assert()
        .code(2);
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let other_list = write_list(
        &other,
        &[&format!("清水县教育局,示例市,{}", fixture("qingshui-jyj"))],
    );
    let o = tmp.path().join("o1");
    gongkai()
        .arg("batch")
        .arg(&other_list)
        .arg("-o")
        .arg(&o)
        .args(["--as-of", AS_OF, "-q", "--shard", "2/2"])
        .assert()
        .code(0);
    gongkai()
        .arg("merge")
        .arg(&s1)
        .arg(&o)
        .arg("-o")
        .arg(tmp.path().join("m3"))
        .assert()
        .code(2)
        .stderr(contains("another list"));
}

/// Each quarter's batch goes into one history: every unit's runs are there for `gongkai history`,
/// and each unit's report carries its trend.
#[test]
fn batch_runs_are_recorded_in_the_history() {
    let tmp = tempfile::tempdir().unwrap();
    let list = write_list(
        tmp.path(),
        &[
            &format!("清水县教育局,示例市,{}", fixture("qingshui-jyj")),
            &format!("石岩县教育局,示例市,{}", fixture("shiyan-jyj")),
        ],
    );
    let db = tmp.path().join("runs.sqlite");
    for _ in 0..2 {
        gongkai()
            .arg("batch")
            .arg(&list)
            .arg("-o")
            .arg(tmp.path().join("out"))
            .args(["--as-of", AS_OF, "-q", "--force", "--history"])
            .arg(&db)
            .assert()
            .code(1);
    }
    let out = gongkai()
        .args(["history", "-f", "json", "--history"])
        .arg(&db)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let sites: Value = serde_json::from_slice(&out).unwrap();
    let mut runs: Vec<(String, u64)> = sites
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["site_name"].as_str().unwrap().to_string(),
                s["runs"].as_u64().unwrap(),
            )
        })
        .collect();
    runs.sort();
    assert_eq!(
        runs,
        vec![
            ("清水县教育局".to_string(), 2),
            ("石岩县教育局".to_string(), 2)
        ]
    );
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("out/sites/石岩县教育局.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["history"].as_array().unwrap().len(), 2);
}

/// A unit's own waiver file (a list column, relative to the list) excuses its gap; a row naming a
/// waiver file that does not exist is skipped with its line.
#[test]
fn per_unit_waivers_from_the_list() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("shiyan-waivers.toml"),
        "[[waiver]]\nrule = \"INSP-HOME-FRESH\"\nreason = \"首页改版中\"\nexpires = \"2026-12-31\"\n",
    )
    .unwrap();
    let p = tmp.path().join("units.csv");
    std::fs::write(
        &p,
        format!(
            "单位名称,上级单位,网址,豁免\n石岩县教育局,示例市,{},shiyan-waivers.toml\n清水县教育局,示例市,{},missing.toml\n",
            fixture("shiyan-jyj"),
            fixture("qingshui-jyj")
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    gongkai()
        .arg("batch")
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .args(["--as-of", AS_OF, "-q"])
        .assert()
        .code(2);
    let s = summary(&out);
    let units = s["units"].as_array().unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0]["vetoes"], serde_json::json!([]));
    assert_eq!(units[0]["pass"], true);
    assert_eq!(s["rejected"][0]["line"], 3);
    assert!(
        s["rejected"][0]["message"]
            .as_str()
            .unwrap()
            .contains("missing.toml")
    );
}

/// `--archive` keeps each unit's crawl as WARC next to its report, and the report cites it.
#[test]
fn batch_archives_each_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let list = write_list(
        tmp.path(),
        &[&format!("清水县教育局,示例市,{}", fixture("qingshui-jyj"))],
    );
    let out = tmp.path().join("out");
    gongkai()
        .arg("batch")
        .arg(&list)
        .arg("-o")
        .arg(&out)
        .args(["--as-of", AS_OF, "-q", "--archive"])
        .assert()
        .code(0);
    let warc = std::fs::read(out.join("sites/清水县教育局.warc.gz")).unwrap();
    assert!(warc.starts_with(&[0x1f, 0x8b]), "not gzip");
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("sites/清水县教育局.json")).unwrap(),
    )
    .unwrap();
    let cited = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap().iter())
        .any(|e| {
            e["warc_record_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("<urn:uuid:"))
        });
    assert!(cited);
    // The report can be re-run offline from the unit's archive.
    gongkai()
        .args(["audit", "--from-warc"])
        .arg(out.join("sites/清水县教育局.warc.gz"))
        .args(["--as-of", AS_OF, "-q"])
        .assert()
        .code(0);
}

/// A unit whose audit panics (a bug of ours, met on one site among many) ends as its own row,
/// "could not be audited" with the panic's message; the other units are audited, their reports
/// written, and the summary written in every format. Driven through the library's batch runner
/// with the real audit, plus a panic after it for one unit.
#[test]
fn a_unit_that_panics_becomes_its_row_and_the_batch_goes_on() {
    use std::sync::Arc;

    use gongkai::batch::{self, BatchOptions, Shard, Silent};
    use gongkai::crawl::CrawlConfig;
    use gongkai::pipeline::{self, AuditOptions};

    let tmp = tempfile::tempdir().unwrap();
    let list = write_list(
        tmp.path(),
        &[
            &format!("清水县教育局,示例市,{}", fixture("qingshui-jyj")),
            &format!("石岩县教育局,示例市,{}", fixture("shiyan-jyj")),
            &format!("松岭县教育局,示例市,{}", fixture("songling-jyj")),
        ],
    );
    let out = tmp.path().join("out");
    let opts = BatchOptions {
        list,
        output: out.clone(),
        rules: "cn-edu-county".into(),
        as_of: Some(AS_OF.parse().unwrap()),
        formats: vec![gongkai::report::Format::Html],
        jobs: 3,
        shard: Shard::WHOLE,
        en: false,
        force: false,
        history: None,
        archive: false,
        waivers: None,
        crawl: Arc::new(|_| (CrawlConfig::default(), Vec::new())),
        renderer: gongkai::report::renderer,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let summary = rt
        .block_on(batch::run_with(
            &opts,
            &Silent,
            |o: AuditOptions, pack| async move {
                let shiyan = o.target.ends_with("shiyan-jyj");
                let report = pipeline::run_spawned(o, pack).await;
                if shiyan {
                    panic!("index 7 out of range for slice of length 3");
                }
                report
            },
        ))
        .expect("the batch runs to its end");

    let states: Vec<(&str, &str)> = summary
        .units
        .iter()
        .map(|u| {
            let state = match &u.outcome {
                batch::Outcome::Audited(_) => "audited",
                batch::Outcome::NotAudited { .. } => "not_audited",
            };
            (u.name.as_str(), state)
        })
        .collect();
    assert_eq!(
        states,
        [
            ("清水县教育局", "audited"),
            ("石岩县教育局", "not_audited"),
            ("松岭县教育局", "audited"),
        ]
    );
    let batch::Outcome::NotAudited { cause } = &summary.units[1].outcome else {
        unreachable!()
    };
    assert!(cause.contains("internal error"), "{cause}");
    assert!(
        cause.contains("index 7 out of range for slice of length 3"),
        "{cause}"
    );
    assert_eq!(summary.not_audited(), 1);

    // The summary in every format, and the reports of the units that were audited.
    let s = self::summary(&out);
    assert_eq!(s["units"][1]["state"], "not_audited");
    assert!(s["units"][1]["cause"].as_str().unwrap().contains("index 7"));
    for f in ["json", "html", "md", "xlsx"] {
        assert!(out.join(format!("summary.{f}")).is_file(), "summary.{f}");
    }
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        md.contains("石岩县教育局") && md.contains("index 7"),
        "{md}"
    );
    for stem in ["清水县教育局", "松岭县教育局"] {
        for ext in ["json", "html"] {
            assert!(
                out.join(format!("sites/{stem}.{ext}")).is_file(),
                "{stem}.{ext}"
            );
        }
    }
    assert!(!out.join("sites/石岩县教育局.json").exists());
}

/// Both units' reports are rendered at once: a unit's rendering and file writes (blocking work)
/// run off the thread that drives the other units, so a slow rendering of one unit never holds up
/// another. Each unit's JSON renderer here waits, up to a minute, until the other unit is
/// rendering too; had rendering run on the thread that drives the units, the first would wait
/// alone and its unit would end "not audited".
#[test]
fn units_render_while_other_units_go_on() {
    use std::sync::{Arc, Condvar, LazyLock, Mutex};

    use gongkai::batch::{self, BatchOptions, Shard, Silent};
    use gongkai::crawl::CrawlConfig;
    use gongkai::report::json::JsonReport;
    use gongkai::report::{Format, Render, Report};

    static RENDERING: LazyLock<(Mutex<Vec<String>>, Condvar)> =
        LazyLock::new(|| (Mutex::new(Vec::new()), Condvar::new()));

    struct Gated;

    impl Render for Gated {
        fn render(&self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
            let (lock, cv) = &*RENDERING;
            let mut units = lock.lock().unwrap();
            units.push(report.target.input.clone());
            cv.notify_all();
            let (_units, wait) = cv
                .wait_timeout_while(units, Duration::from_secs(60), |u| u.len() < 2)
                .unwrap();
            if wait.timed_out() {
                return Err(std::io::Error::other(
                    "the other unit never rendered while this one did",
                ));
            }
            JsonReport.render(report, out)
        }
    }

    fn gated(format: Format, en: bool) -> Option<Box<dyn Render + Send>> {
        match format {
            Format::Json => Some(Box::new(Gated)),
            other => gongkai::report::renderer(other, en),
        }
    }

    let tmp = tempfile::tempdir().unwrap();
    let list = write_list(
        tmp.path(),
        &[
            &format!("清水县教育局,示例市,{}", fixture("qingshui-jyj")),
            &format!("石岩县教育局,示例市,{}", fixture("shiyan-jyj")),
        ],
    );
    let out = tmp.path().join("out");
    let opts = BatchOptions {
        list,
        output: out.clone(),
        rules: "cn-edu-county".into(),
        as_of: Some(AS_OF.parse().unwrap()),
        formats: Vec::new(),
        jobs: 2,
        shard: Shard::WHOLE,
        en: false,
        force: false,
        history: None,
        archive: false,
        waivers: None,
        crawl: Arc::new(|_| (CrawlConfig::default(), Vec::new())),
        renderer: gated,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let summary = rt.block_on(batch::run(&opts, &Silent)).unwrap();
    for u in &summary.units {
        assert!(
            matches!(u.outcome, batch::Outcome::Audited(_)),
            "{}: {:?}",
            u.name,
            u.outcome
        );
        assert!(out.join(format!("sites/{}.json", u.name)).is_file());
    }
    assert_eq!(summary.units.len(), 2);
}
