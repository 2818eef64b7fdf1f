//! A start URL that redirects: the home page is where it leads, the scope follows, and the report
//! says so. The fixture site is served by a real loopback server that redirects as real county
//! servers do (a directory without its slash 307s, an old address 301s to the site's root, an
//! old host name sends everything to the new one).

mod common;

use std::path::Path;

use assert_cmd::Command;
use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;

/// A server on 127.0.0.1 for `fixtures/sites/shiyan-jyj` (ServeDir answers a directory without
/// its trailing slash with 307), plus a few addresses of our own.
struct Server {
    _rt: tokio::runtime::Runtime,
    base: String,
    port: u16,
}

fn serve() -> Server {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/shiyan-jyj");
    let files = tower_http::services::ServeDir::new(root).append_index_html_on_directories(true);
    let app = Router::new()
        // The address the bureau used before the site was rebuilt.
        .route(
            "/old/index.html",
            axum::routing::get(|| async { Redirect::permanent("/") }),
        )
        // The same server under its host name: another host as far as a URL goes.
        .route(
            "/moved/",
            axum::routing::get(move || async move {
                Redirect::permanent(&format!("http://localhost:{port}/"))
            }),
        )
        // A section served without a trailing slash and without a redirect, as a CMS route
        // does, linking below itself.
        .route("/bm/jyj", axum::routing::get(section))
        .route("/bm/jyj/gzdt.html", axum::routing::get(section_page))
        .route("/zwgk", axum::routing::get(flat_section))
        .fallback_service(files);
    rt.spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Server {
        _rt: rt,
        base: format!("http://127.0.0.1:{port}"),
        port,
    }
}

async fn section(_: Request) -> Response {
    let html = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>某县教育局</title></head><body>
<div class="nav"><a href="/bm/jyj/gzdt.html">工作动态</a><a href="/bm/czj">县财政局</a><a href="/">县政府门户</a></div>
<ul><li><a href="/bm/jyj/gzdt.html">全县中小学开学工作会议召开</a><span>2026-11-20</span></li></ul>
</body></html>"#;
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

async fn flat_section(_: Request) -> Response {
    let html = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>政务公开</title></head><body>
<div class="nav"><a href="./gkzn.html">政府信息公开指南</a><a href="./gknb.html">政府信息公开年报</a><a href="./index.html">首页</a></div>
</body></html>"#;
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

async fn section_page(_: Request) -> Response {
    let html = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>全县中小学开学工作会议召开</title></head>
<body><h1>全县中小学开学工作会议召开</h1><p>发布时间：2026-11-20</p><p>会议部署了秋季学期工作。</p></body></html>"#;
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

/// `gongkai audit URL --as-of 2026-11-26 -f json` at full speed: the report and the exit code.
fn audit(url: &str, extra: &[&str]) -> (Value, i32) {
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args(["audit", url, "--as-of", "2026-11-26", "--delay-ms", "0"])
        .args(["--format", "json", "-q"])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap_or(-1))
}

fn notes_zh(report: &Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["zh"].as_str().unwrap().to_string())
        .collect()
}

/// Two reports' findings agree rule by rule: status, reason, deduction, message and evidence.
fn assert_same_findings(a: &Value, b: &Value) {
    let (fa, fb) = (
        a["findings"].as_array().unwrap(),
        b["findings"].as_array().unwrap(),
    );
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(fb) {
        assert_eq!(x, y, "finding {} differs", x["rule_id"]);
    }
    assert_eq!(a["score"], b["score"]);
}

#[test]
fn a_directory_without_its_slash_is_audited_where_it_redirects() {
    let s = serve();
    let (direct, code_direct) = audit(&format!("{}/fdzdgknr/", s.base), &[]);
    let (redirected, code) = audit(&format!("{}/fdzdgknr", s.base), &[]);
    // The home page is found through the redirect: its freshness is judged (a veto), not
    // "home page unreachable".
    assert_eq!(
        common::verdict(common::finding(&direct, "INSP-HOME-FRESH")),
        "gap/stale"
    );
    assert_same_findings(&direct, &redirected);
    assert_eq!((code, code_direct), (1, 1));
    let t = &redirected["target"];
    assert_eq!(t["requested_url"], format!("{}/fdzdgknr", s.base));
    assert_eq!(t["start_url"], format!("{}/fdzdgknr/", s.base));
    assert_eq!(
        t["redirects"],
        serde_json::json!([format!("{}/fdzdgknr/", s.base)])
    );
    // The scope is the section, not the whole host the slashless URL's parent would give.
    assert_eq!(t["scope"]["path_prefix"], "/fdzdgknr/");
    let notes = notes_zh(&redirected);
    assert!(
        notes.iter().any(|n| n.contains("重定向")
            && n.contains(&format!("{}/fdzdgknr → {}/fdzdgknr/", s.base, s.base)))
            && notes
                .iter()
                .any(|n| n.contains(&format!("审计范围：{}/fdzdgknr/", s.base))),
        "{notes:?}"
    );
    // Without a redirect there is nothing to say about one.
    assert!(direct["target"].get("requested_url").is_none());
    assert!(!notes_zh(&direct).iter().any(|n| n.contains("重定向")));
}

#[test]
fn an_old_address_that_moved_to_the_root_is_audited_at_the_root() {
    let s = serve();
    let (root, code_root) = audit(&format!("{}/", s.base), &[]);
    let (old, code) = audit(&format!("{}/old/index.html", s.base), &[]);
    assert_same_findings(&root, &old);
    assert_eq!(code, code_root);
    assert_eq!(code, 1, "shiyan-jyj fails on its home page veto");
    assert_eq!(old["target"]["start_url"], format!("{}/", s.base));
    assert_eq!(old["target"]["scope"]["path_prefix"], "/");
    assert_eq!(old["site"]["pages"], root["site"]["pages"]);
}

#[test]
fn a_given_scope_must_contain_where_the_start_url_leads() {
    let s = serve();
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args(["audit", &format!("{}/old/index.html", s.base)])
        .args(["--scope", "/old/", "--delay-ms", "0", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--scope `/old/` does not contain the start page")
            && err.contains(&format!("redirects to {}/", s.base)),
        "{err}"
    );
    // A scope that contains it is kept as given.
    let (r, _) = audit(&format!("{}/old/index.html", s.base), &["--scope", "/"]);
    assert_eq!(r["target"]["scope_from"], "given");
    assert_eq!(r["target"]["start_url"], format!("{}/", s.base));
}

#[test]
fn a_redirect_to_another_host_is_followed_and_said_loudly() {
    let s = serve();
    let (r, _) = audit(&format!("{}/moved/", s.base), &[]);
    let home = format!("http://localhost:{}/", s.port);
    assert_eq!(r["target"]["start_url"], home);
    assert_eq!(
        r["target"]["scope"]["origin"],
        format!("http://localhost:{}", s.port)
    );
    let notes = notes_zh(&r);
    assert!(
        notes.iter().any(|n| n.contains("另一主机localhost")),
        "{notes:?}"
    );
    // Judged on the site it leads to: the same findings as auditing that address.
    let (direct, _) = audit(&home, &[]);
    assert_same_findings(&direct, &r);
}

#[test]
fn a_slashless_section_that_does_not_redirect_is_its_directory_and_the_report_says_so() {
    let s = serve();
    let (r, _) = audit(&format!("{}/bm/jyj", s.base), &[]);
    let t = &r["target"];
    assert_eq!(t["scope"]["path_prefix"], "/bm/jyj/");
    assert_eq!(t["scope_from"], "named_directory");
    assert!(t.get("requested_url").is_none());
    assert!(
        notes_zh(&r)
            .iter()
            .any(|n| n.contains("不以“/”结尾，按目录审计") && n.contains("/bm/jyj/")),
        "{:?}",
        notes_zh(&r)
    );
    // The county's other bureaus and the portal stay out.
    assert_eq!(r["site"]["pages"], 2);
}

#[test]
fn a_slashless_page_linking_beside_itself_keeps_the_parent_directory_loudly() {
    let s = serve();
    // `/zwgk` links `./gkzn.html`: a browser resolves that to `/gkzn.html`, beside `/zwgk`, so
    // the section's pages live in the parent directory.
    let (r, _) = audit(&format!("{}/zwgk", s.base), &[]);
    let t = &r["target"];
    assert_eq!(t["scope"]["path_prefix"], "/");
    assert_eq!(t["scope_from"], "parent_directory");
    assert!(
        notes_zh(&r)
            .iter()
            .any(|n| n.contains("指向上级目录") && n.contains("范围取"))
            && notes_zh(&r)
                .iter()
                .any(|n| n.contains(&format!("--scope {}/zwgk/", s.base))),
        "{:?}",
        notes_zh(&r)
    );
}

#[test]
fn the_redirect_is_archived_and_replayed() {
    let s = serve();
    let dir = tempfile_dir();
    let warc = dir.join("site.warc.gz");
    let (live, code) = audit(
        &format!("{}/fdzdgknr", s.base),
        &["--archive", warc.to_str().unwrap()],
    );
    drop(s);
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .args(["audit", "--from-warc", warc.to_str().unwrap()])
        .args(["--as-of", "2026-11-26", "--format", "json", "-q"])
        .output()
        .unwrap();
    let replay: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(code));
    assert_eq!(replay["target"]["start_url"], live["target"]["start_url"]);
    assert_eq!(replay["target"]["redirects"], live["target"]["redirects"]);
    assert_eq!(replay["target"]["scope"], live["target"]["scope"]);
    let strip = |r: &Value| {
        let mut r = r.clone();
        for f in r["findings"].as_array_mut().unwrap() {
            for e in f["evidence"].as_array_mut().unwrap() {
                let e = e.as_object_mut().unwrap();
                e.remove("warc_record_id");
                e.remove("warc_payload_digest");
            }
        }
        r
    };
    assert_same_findings(&strip(&live), &strip(&replay));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn batch_and_recheck_follow_the_redirect_too() {
    let s = serve();
    let dir = tempfile_dir();
    let list = dir.join("units.csv");
    std::fs::write(
        &list,
        format!(
            "name,parent,url\n石岩县教育局旧址,示例市,{0}/fdzdgknr\n石岩县教育局,示例市,{0}/fdzdgknr/\n",
            s.base
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let run = Command::cargo_bin("gongkai")
        .unwrap()
        .arg("batch")
        .arg(&list)
        .arg("-o")
        .arg(&out)
        .args(["--as-of", "2026-11-26", "--delay-ms", "0", "-q"])
        .output()
        .unwrap();
    // Both units fail on the home page veto: the redirect no longer hides it.
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let read = |name: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("sites/{name}.json"))).unwrap(),
        )
        .unwrap()
    };
    let (old, new) = (read("石岩县教育局旧址"), read("石岩县教育局"));
    assert_same_findings(&new, &old);
    assert_eq!(old["target"]["start_url"], format!("{}/fdzdgknr/", s.base));

    // 整改复核 of the report made through the redirect: the same start, the gaps still open.
    let before = out.join("sites/石岩县教育局旧址.json");
    let saved = dir.join("after.json");
    let re = Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "recheck",
            before.to_str().unwrap(),
            "--save",
            saved.to_str().unwrap(),
        ])
        .args([
            "--as-of",
            "2026-11-26",
            "--delay-ms",
            "0",
            "-q",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        re.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&re.stderr)
    );
    let after: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(after["target"]["start_url"], old["target"]["start_url"]);
    assert_eq!(after["target"]["scope"], old["target"]["scope"]);
    assert_eq!(common::verdicts(&after), common::verdicts(&old));
    std::fs::remove_dir_all(dir).unwrap();
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "gongkai-start-url-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}
