//! One small fixture site per CMS family (TRS WCM, Hanweb JCMS, a gkmlpt-like platform, a GB2312
//! long-tail county CMS), crawled over 127.0.0.1. Each site's README says what it contains and
//! what the tool is expected to read from it; these tests assert what a user relies on: the
//! columns with their entries and newest dates, pagination, where each date came from, phones,
//! script-only lists, stub menu links and dead links.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use gongkai::crawl::{self, CrawlConfig, CrawlLog, Extractor, FetchedPage, Outcome, PageSink};
use gongkai::extract::{self, DateSource, PageFacts, PageKind, TextPolicy};
use gongkai::target::{Scope, StaticServer};
use serde_json::Value;
use url::Url;

mod common;
use common::finding;

/// `gongkai audit fixtures/sites/<site> -f json` as of 2026-11-26.
fn audit(site: &str) -> Value {
    common::audit_json(&format!("fixtures/sites/{site}"), "cn-edu-county", &[]).0
}

fn column<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["site"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no column {name}: {}", r["site"]["columns"]))
}

/// A column's state, entry count, newest date and that date's source.
fn summary(c: &Value) -> (String, u64, String, String) {
    (
        c["state"].as_str().unwrap().to_string(),
        c["entries"].as_u64().unwrap(),
        c["newest"]["date"].as_str().unwrap_or("").to_string(),
        c["newest"]["source"].as_str().unwrap_or("").to_string(),
    )
}

fn s(state: &str, n: u64, date: &str, source: &str) -> (String, u64, String, String) {
    (state.into(), n, date.into(), source.into())
}

struct Collect(Vec<PageFacts>);

impl PageSink for Collect {
    type Facts = PageFacts;

    fn extractor(&self) -> Extractor<PageFacts> {
        let policy = TextPolicy::everything();
        Arc::new(move |page: FetchedPage| extract::extract(&page, &policy))
    }

    fn add(&mut self, facts: PageFacts) {
        self.0.push(facts);
    }
}

fn config() -> CrawlConfig {
    CrawlConfig {
        timeout: Duration::from_secs(5),
        interval: Duration::ZERO,
        retries: 1,
        ..CrawlConfig::default()
    }
}

/// Crawls `start` and returns every page's facts with the crawl log.
async fn crawl_from(start: &Url) -> (Vec<PageFacts>, CrawlLog) {
    let scope = Scope::from_url(start);
    let mut sink = Collect(Vec::new());
    let log = crawl::crawl(&config(), start, &scope, &mut sink)
        .await
        .unwrap();
    (sink.0, log)
}

/// Serves a fixture site with the embedded static server and crawls it.
async fn crawl_site(site: &str) -> (Url, Vec<PageFacts>, CrawlLog) {
    let server = StaticServer::start(&Path::new("fixtures/sites").join(site))
        .await
        .unwrap();
    let start = server.url();
    let (pages, log) = crawl_from(&start).await;
    drop(server);
    (start, pages, log)
}

fn page<'a>(pages: &'a [PageFacts], path: &str) -> &'a PageFacts {
    pages
        .iter()
        .find(|p| p.url.path() == path)
        .unwrap_or_else(|| panic!("{path} not crawled"))
}

fn phones(p: &[extract::Phone]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = p
        .iter()
        .map(|p| (p.number.clone(), p.label.clone().unwrap_or_default()))
        .collect();
    v.sort();
    v
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = v
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------------
// TRS WCM

#[test]
fn trs_columns_are_the_union_of_their_pages_in_both_pagination_signatures() {
    let r = audit("chongyuan-trs");
    assert_eq!(r["site"]["site_name"], "崇远县教育局");
    assert_eq!(r["site"]["site_id_code"], "6205230007");
    // 工作动态: 3 rows on index.html + 2 on index_1.html (classic `createPageHTML(3, 0, ...)`);
    // index_2.html is a 350-byte stub and adds nothing.
    assert_eq!(
        summary(column(&r, "工作动态")),
        s("has_entries", 5, "2026-11-23", "list_row")
    );
    // 通知公告: 2 rows on index.html + 1 on index_2.html (6-argument form: page 2 is index_2).
    assert_eq!(
        summary(column(&r, "通知公告")),
        s("has_entries", 3, "2026-11-16", "list_row")
    );
    // No guessed page is dead: the 6-argument form never sends the crawler to index_1.html.
    assert_eq!(r["site"]["dead_links"], 0);
    assert_eq!(finding(&r, "INSP-NEWS-FRESH")["status"], "pass");
    assert_eq!(finding(&r, "INSP-NOTICE-FRESH")["status"], "pass");
    assert_eq!(finding(&r, "INSP-HOME-FRESH")["status"], "pass");
    // The 学生资助 menu link is `javascript:alert('该栏目正在建设中...')`: a blank column.
    let blank = finding(&r, "INSP-BLANK");
    assert_eq!(blank["status"], "gap");
    assert_eq!(blank["reason"], "empty");
    assert_eq!(blank["count"], 1);
    assert!(
        blank["facts"]["names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("学生资助")),
        "{blank}"
    );
}

#[tokio::test]
async fn trs_article_dates_meta_and_furniture() {
    let (start, pages, log) = crawl_site("chongyuan-trs").await;
    let art = page(&pages, "/gzdt/202611/t20261120_123.html");
    assert_eq!(art.kind, PageKind::Article);
    assert_eq!(art.title, "崇远县召开2026年秋季学期中小学安全工作推进会");
    // PubDate (2026-11-23) wins over the URL's creation date (t20261120) and the 成文日期.
    let d = art.pub_date.unwrap();
    assert_eq!(
        (d.date.to_string(), d.source),
        ("2026-11-23".into(), DateSource::MetaPubDate)
    );
    // `KeyWords` is the spec's Keywords tag, whatever its case.
    assert_eq!(
        art.signals().meta.get("keywords").map(String::as_str),
        Some("")
    );
    assert_eq!(
        art.signals().meta.get("url").map(String::as_str),
        Some("http://jyj.chongyuan.gov.cn/gzdt/202611/t20261120_123.html")
    );
    // The Word-pasted body is read as text, without its markup.
    let body = art.text.as_deref().unwrap();
    assert!(body.contains("共排查隐患17处"), "{body}");
    assert!(
        !body.contains("mso-") && !body.contains("supportLists"),
        "{body}"
    );
    // No phone in the body: the 索引号, dates and counters are not phones.
    assert_eq!(phones(&art.phones), vec![]);
    assert_eq!(
        phones(&art.signals().furniture_phones),
        pairs(&[
            ("0938-5821102", "联系电话"),
            ("0938-5821119", "监督举报电话")
        ])
    );
    // The stub page is fetched but is no list page; index_1.html of the 6-argument column is
    // never requested.
    let stub = page(&pages, "/gzdt/index_2.html");
    assert_ne!(stub.kind, PageKind::List);
    assert!(stub.entries.is_empty());
    assert!(
        log.outcome(&start.join("/tzgg/index_1.html").unwrap())
            .is_none()
    );
    assert_eq!(
        log.outcome(&start.join("/tzgg/index_2.html").unwrap())
            .map(|c| c.outcome),
        Some(Outcome::Ok)
    );
}

// ---------------------------------------------------------------------------------------------
// Hanweb JCMS

#[test]
fn hanweb_columns_read_their_rows_from_datastore_cdata() {
    let r = audit("hanweb-jyj");
    assert_eq!(r["site"]["site_name"], "澄川县教育体育局");
    // The first rows exist only inside <script type="text/xml"><datastore> CDATA; the page says
    // 5 records in all, and the other 2 come from dataproxy.jsp as the same XML datastore,
    // asked for with startrecord/endrecord as jpage does. They join the column of the list.
    let news = column(&r, "工作动态");
    assert!(
        news["url"]
            .as_str()
            .unwrap()
            .ends_with("/col/col4521/index.html")
    );
    assert_eq!(summary(news), s("has_entries", 5, "2026-11-18", "list_row"));
    assert_eq!(
        summary(column(&r, "通知公告")),
        s("has_entries", 2, "2026-11-12", "list_row")
    );
    assert_eq!(r["site"]["dead_links"], 0);
    assert_eq!(finding(&r, "INSP-NEWS-FRESH")["status"], "pass");
}

#[tokio::test]
async fn hanweb_maketime_is_never_a_publish_date() {
    let (_, pages, _) = crawl_site("hanweb-jyj").await;
    let date = |path: &str| {
        let d = page(&pages, path).pub_date.unwrap();
        (d.date.to_string(), d.source)
    };
    // Every article carries Maketime 2026-11-25 21:14:06 (the page rebuild time).
    // With PubDate: PubDate.
    assert_eq!(
        date("/art/2026/11/3/art_4521_901.html"),
        ("2026-11-03".into(), DateSource::MetaPubDate)
    );
    // Without PubDate but with a visible 发布日期: the label.
    assert_eq!(
        date("/art/2026/10/27/art_4521_887.html"),
        ("2026-10-27".into(), DateSource::Label)
    );
    // With neither: the unpadded /art/YYYY/M/D/ URL date, still not Maketime.
    assert_eq!(
        date("/art/2026/10/9/art_4522_880.html"),
        ("2026-10-09".into(), DateSource::Url)
    );
    let art = page(&pages, "/art/2026/11/3/art_4521_901.html");
    assert_eq!(art.title, "澄川县举办2026年中小学班主任基本功大赛");
    assert_eq!(art.kind, PageKind::Article);
    // The column's later records were asked of dataproxy.jsp as jpage asks: the nextgroup link
    // (its raw Chinese webname encoded) plus the record range after the 3 in the page.
    let proxy = page(&pages, "/module/web/jpage/dataproxy.jsp");
    let query = proxy.url.query().unwrap_or_default();
    assert!(
        query.starts_with(
            "page=1&appid=1&webid=26&path=/&columnid=4521&unitid=27301&webname=%E6%BE%84"
        ),
        "{query}"
    );
    assert!(
        query.ends_with("&startrecord=4&endrecord=5&perpage=15"),
        "{query}"
    );
    assert_eq!(proxy.kind, PageKind::List);
}

// ---------------------------------------------------------------------------------------------
// gkmlpt-like platform

#[test]
fn gkmlpt_script_lists_are_read_or_inconclusive_never_empty() {
    let r = audit("gkmlpt-jyj");
    // The catalogue is filled by `$.ajax` from /gkmlpt/api/...: not statically visible.
    assert_eq!(
        summary(column(&r, "政府信息公开目录")),
        s("js_only", 0, "", "")
    );
    // 通知公告 is drawn from a JSON array in the page: its rows are read from it.
    assert_eq!(
        summary(column(&r, "通知公告")),
        s("has_entries", 3, "2026-11-21", "list_row")
    );
    for c in r["site"]["columns"].as_array().unwrap() {
        assert_ne!(c["state"], "empty", "{c}");
    }
    assert_eq!(finding(&r, "INSP-BLANK")["status"], "pass");
    assert_eq!(finding(&r, "INSP-NOTICE-FRESH")["status"], "pass");
    // The rows' links (to the detail pages) are followed, and exist.
    assert_eq!(r["site"]["dead_links"], 0);
    // The fee notice's body exists only as an escaped HTML string that a script draws into the
    // page: it is read, so its items and complaint phone are found, not reported missing.
    let fee = finding(&r, "EDU-FEE");
    assert_eq!(fee["status"], "pass", "{fee}");
    assert!(
        fee["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["url"].as_str().unwrap().ends_with("post_2801456.html")),
        "{fee}"
    );
}

/// A gkmlpt catalogue whose page holds no row at all: `window._CONFIG` names the SID and the
/// category TREE, a container shows 正在加载… and an external script fills it from
/// `/gkmlpt/api/all/<cat>?page=N&sid=SID`. The interface is asked and its rows (dates as epoch
/// seconds, milliseconds and strings) become columns named by the answer's `classify.name`.
#[test]
fn gkmlpt_catalogue_is_read_through_its_list_interface() {
    let (r, code) = common::audit_json("fixtures/sites/gkmlpt-hengxi", "cn-edu-county", &[]);
    let columns: Vec<(String, String, u64, String)> = r["site"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["state"].as_str().unwrap().to_string(),
                c["entries"].as_u64().unwrap(),
                c["newest"]["date"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let col = |n: &str, k: u64, d: &str| ("".to_string() + n, "has_entries".into(), k, d.into());
    assert_eq!(
        columns,
        vec![
            // milliseconds
            col("政府信息公开指南", 1, "2026-03-02"),
            // seconds
            col("政府信息公开年报", 1, "2026-01-22"),
            // a string and seconds
            col("部门预决算", 2, "2026-08-28"),
            col("依申请公开", 1, "2025-06-05"),
            col("教育收费", 1, "2026-11-18"),
        ],
        "the catalogue itself is a hub read through its interfaces, no column of its own"
    );
    let v = common::verdicts(&r);
    // What the interface serves gets verdicts, each from its document.
    for (rule, want) in [
        ("GOV-ANNUAL-REPORT", "pass"),
        ("GOV-APPLY", "pass"),
        ("GOV-BUDGET", "pass"),
        ("GOV-FINAL-ACCOUNTS", "pass"),
        ("EDU-FEE", "pass"),
        // The guide is found and read: its body lacks items, a gap of the site's own.
        ("GOV-GUIDE", "gap/incomplete"),
        // What no category holds is missing: the catalogue was read whole.
        ("EDU-ADM-PLAN", "gap/missing"),
        ("GOV-SYSTEM", "gap/missing"),
        ("INSP-BLANK", "pass"),
        ("INSP-DEAD-LINKS", "pass"),
    ] {
        assert_eq!(v[rule], want, "{rule}: {}", finding(&r, rule)["message"]);
    }
    let guide = finding(&r, "GOV-GUIDE");
    assert!(
        common::evidence_paths(guide)
            .iter()
            .any(|p| p.ends_with("post_3101001.html")),
        "{guide}"
    );
    assert_eq!(code, 1, "the site fails on its own gaps");
    // One request per category (six), no more: the interface is asked, not the site crawled
    // blindly. robots, home, catalogue, 6 answers, 6 documents, and the checks of the rest.
    assert!(
        r["crawl"]["requests"].as_u64().unwrap() <= 20,
        "{}",
        r["crawl"]
    );
}

/// Where a category's interface cannot be read (here it answers 404), its catalogue is drawn by
/// script beyond our sight: what is not found is inconclusive, never missing, while what the
/// other categories serve still gets its verdict.
#[test]
fn gkmlpt_catalogue_with_an_unreadable_interface_is_inconclusive_not_missing() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(Path::new("fixtures/sites/gkmlpt-hengxi"), dir.path());
    std::fs::remove_file(dir.path().join("gkmlpt/api/all/3101")).unwrap();
    let (r, _) = common::audit_json(dir.path().to_str().unwrap(), "cn-edu-county", &[]);
    assert_eq!(
        summary(column(&r, "政府信息公开目录")),
        s("js_only", 0, "", "")
    );
    let v = common::verdicts(&r);
    for (rule, want) in [
        ("GOV-GUIDE", "inconclusive/js_only"),
        ("GOV-SYSTEM", "inconclusive/js_only"),
        ("EDU-ADM-PLAN", "inconclusive/js_only"),
        ("GOV-ANNUAL-REPORT", "pass"),
        ("GOV-BUDGET", "pass"),
        ("GOV-APPLY", "pass"),
    ] {
        assert_eq!(v[rule], want, "{rule}: {}", finding(&r, rule)["message"]);
    }
    let msg = &finding(&r, "GOV-GUIDE")["message"];
    assert!(msg["zh"].as_str().unwrap().contains("浏览器"), "{msg}");
    assert!(msg["en"].as_str().unwrap().contains("browser"), "{msg}");
}

/// A single-page application: the home page is an empty shell, a `noscript` asking for
/// JavaScript and one script file. It is the site drawn by script, not a firewall's challenge:
/// audited (its grade provisional), and every rule that looks for something is inconclusive for js_only,
/// with a message that a browser is needed.
#[test]
fn a_single_page_application_shell_is_drawn_by_script_not_blocked() {
    let (r, code) = common::audit_json("fixtures/sites/spa-shell", "cn-edu-county", &[]);
    // Audited (a report, not "unreachable"), and provisional: nothing could be read without a
    // browser, so the grade is 待定 and the exit code says the site could not be judged.
    assert_eq!(code, 3);
    assert_eq!(r["score"]["provisional"], true, "{}", r["score"]);
    assert_eq!(r["crawl"]["pages_fetched"], 1);
    let v = common::verdicts(&r);
    for rule in [
        "GOV-GUIDE",
        "GOV-ANNUAL-REPORT",
        "GOV-BUDGET",
        "GOV-APPLY",
        "EDU-FEE",
        "EDU-ADM-PLAN",
        "INSP-HOME-FRESH",
    ] {
        assert_eq!(v[rule], "inconclusive/js_only", "{rule}");
    }
    assert!(
        v.values().all(|s| !s.starts_with("gap")),
        "a page drawn by script is never evidence of a gap: {v:?}"
    );
    let msg = &finding(&r, "GOV-GUIDE")["message"];
    assert!(msg["en"].as_str().unwrap().contains("browser"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// Hanweb jpaas and a list from a JSON file

/// Serves `fixtures/sites/jpaas-jyj`: its files, and the jpaas list interface answering from
/// `api-unit/<pageId>/<pageNo>.json` by the query a jpaas page's script sends. A request without
/// `webId` or `parseType=bulidstatic` is refused (400): only a request built from the page's own
/// `queryData` is answered. `unit` counts the interface's requests.
async fn jpaas_site(
    unit: Arc<std::sync::atomic::AtomicUsize>,
) -> (Url, tokio::task::JoinHandle<()>) {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let root = Path::new("fixtures/sites/jpaas-jyj");
    let answer = move |req: axum::extract::Request| {
        let unit = unit.clone();
        async move {
            unit.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let q: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
                    .into_owned()
                    .collect();
            if q.get("webId").map(String::as_str) != Some("3307")
                || q.get("parseType").map(String::as_str) != Some("bulidstatic")
            {
                return StatusCode::BAD_REQUEST.into_response();
            }
            let (Some(id), Some(n)) = (q.get("pageId"), q.get("pageNo")) else {
                return StatusCode::BAD_REQUEST.into_response();
            };
            let file = Path::new("fixtures/sites/jpaas-jyj/api-unit")
                .join(id)
                .join(format!("{n}.json"));
            match std::fs::read(file) {
                Ok(body) => {
                    ([("content-type", "application/json;charset=UTF-8")], body).into_response()
                }
                // Past the last page the server answers an empty list, as jpaas does.
                Err(_) => (
                    [("content-type", "application/json;charset=UTF-8")],
                    r#"{"success":true,"data":{"html":""}}"#,
                )
                    .into_response(),
            }
        }
    };
    let app = axum::Router::new()
        .route(
            "/api-gateway/jpaas-publish-server/front/page/build/unit",
            axum::routing::get(answer),
        )
        .fallback_service(tower_http::services::ServeDir::new(root));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (
        Url::parse(&format!("http://{addr}/index.html")).unwrap(),
        handle,
    )
}

/// A jpaas column ships no rows: the list element's `queryData` names the interface the page's
/// script builds it from, which is asked (page 1, then page 2 while page 1 was full) and its
/// `{data: {html}}` rows become the column's. A second column is drawn from a JSON file its
/// script fetches by `$.getJSON`: the file is read. Both get verdicts, no browser involved.
#[tokio::test(flavor = "multi_thread")]
async fn jpaas_lists_and_json_file_lists_are_read_through_their_interfaces() {
    let unit = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (start, server) = jpaas_site(unit.clone()).await;
    let pack = Arc::new(gongkai::rules::load("cn-edu-county").unwrap());
    let report = gongkai::pipeline::run(
        &gongkai::pipeline::AuditOptions {
            target: start.to_string(),
            as_of: extract::dates::parse_iso("2026-11-26"),
            crawl: config(),
            ..Default::default()
        },
        &pack,
    )
    .await
    .unwrap();
    server.abort();
    let r = serde_json::to_value(&report).unwrap();
    // 17 notices over two pages of the interface (15 rows per page, then 2).
    assert_eq!(
        summary(column(&r, "通知公告")),
        s("has_entries", 17, "2026-11-20", "list_row")
    );
    assert_eq!(
        summary(column(&r, "招生入学")),
        s("has_entries", 2, "2026-05-28", "list_row")
    );
    assert_eq!(
        unit.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "page 1, then page 2 because page 1 was full; no page 3"
    );
    let v = common::verdicts(&r);
    for (rule, want) in [
        ("INSP-NOTICE-FRESH", "pass"),
        ("EDU-ADM-POLICY", "pass"),
        ("EDU-ADM-PLAN", "pass"),
        ("INSP-BLANK", "pass"),
        ("INSP-DEAD-LINKS", "pass"),
    ] {
        assert_eq!(v[rule], want, "{rule}: {}", finding(&r, rule)["message"]);
    }
}

/// The same jpaas site served as plain files: the interface answers 404. The list it would have
/// built is drawn by script beyond our sight (js_only), never an empty column; the JSON file's
/// list is still read.
#[test]
fn a_jpaas_list_whose_interface_fails_is_inconclusive_not_empty() {
    let r = audit("jpaas-jyj");
    assert_eq!(summary(column(&r, "通知公告")), s("js_only", 0, "", ""));
    assert_eq!(
        summary(column(&r, "招生入学")),
        s("has_entries", 2, "2026-05-28", "list_row")
    );
    let v = common::verdicts(&r);
    assert_eq!(v["INSP-BLANK"], "pass");
    assert_eq!(v["EDU-ADM-POLICY"], "pass");
    // The home page's newest notice is still an entry of no readable column: the class is
    // judged by what could be read, never as stale or empty.
    assert!(!v["INSP-NOTICE-FRESH"].starts_with("gap"), "{v:?}");
}

// ---------------------------------------------------------------------------------------------
// GB2312 long-tail county CMS

#[test]
fn gb2312_long_tail_site_columns_and_dead_links() {
    let r = audit("longtail-gb");
    // GB2312 declared only in http-equiv meta, served as bare text/html.
    assert_eq!(r["site"]["site_name"], "河阳县教育局");
    assert_eq!(r["site"]["site_id_code"], "6205240001");
    // A table list with `[YYYY-MM-DD]` cells, named from its breadcrumb.
    assert_eq!(
        summary(column(&r, "通知公告")),
        s("has_entries", 3, "2026-11-16", "list_row")
    );
    // One dead link, planted as `../../list_99.htm`. javascript:void(0), hhref, the
    // protocol-relative outbound link and the iframe to another port are not dead links.
    assert_eq!(r["site"]["dead_links"], 1);
    let dead = finding(&r, "INSP-DEAD-LINKS");
    assert_eq!(dead["status"], "gap");
    assert_eq!(dead["count"], 1);
    let ev = &dead["evidence"][0];
    assert_eq!(
        Url::parse(ev["url"].as_str().unwrap()).unwrap().path(),
        "/xxgk/list_99.htm"
    );
    assert_eq!(ev["http_status"], 404);
}

#[tokio::test]
async fn gb2312_phones_are_read_with_labels_and_registration_numbers_are_not_phones() {
    let (start, pages, log) = crawl_site("longtail-gb").await;
    let home = page(&pages, "/");
    assert_eq!(home.signals().charset, "GBK");
    let footer = pairs(&[
        ("0938-8123456", "联系电话"),
        ("0938-8123457", "传真"),
        ("8123460", "监督举报电话"),
        ("8123461", "监督举报电话"),
    ]);
    assert_eq!(phones(&home.signals().furniture_phones), footer);
    let art = page(&pages, "/xxgk/2026/11/show_345.htm");
    assert_eq!(
        phones(&art.phones),
        pairs(&[("0938-8123458", "咨询电话"), ("13909381234", "监督电话")])
    );
    // ICP, 公安备案, 网站标识码 and 邮编 digits are never phones, anywhere.
    for p in &pages {
        for ph in p.phones.iter().chain(&p.signals().furniture_phones) {
            for n in ["10002345", "62052402000111", "6205240001", "741500"] {
                assert!(!ph.number.contains(n), "{} on {}", ph.number, p.url);
            }
        }
    }
    // 发布时间：2026年11月16日 in the article header.
    let d = art.pub_date.unwrap();
    assert_eq!(
        (d.date.to_string(), d.source),
        ("2026-11-16".into(), DateSource::Label)
    );
    // `../../../index.html` from three levels down resolves to the home page.
    assert!(
        art.signals()
            .links
            .iter()
            .any(|l| l.url.path() == "/index.html" && l.text == "首页")
    );
    // Non-links are never requested; the iframe on another port is not reported dead.
    assert!(!log.checks.values().any(|c| c.url.scheme() == "javascript"));
    let frame = Url::parse("http://127.0.0.1:18180/zwgk/open/index.html").unwrap();
    assert!(home.signals().links.iter().any(|l| l.url == frame));
    assert_ne!(log.outcome(&frame).map(|c| c.outcome), Some(Outcome::Dead));
    let _ = start;
}

/// The server labels one GB2312 page `charset=utf-8`; its meta says gb2312. The header's
/// decoding fails, the meta's does not: the page is read as GBK.
#[tokio::test]
async fn gb2312_page_under_a_conflicting_utf8_header_is_still_read() {
    use axum::http::header;
    use axum::response::IntoResponse;
    let root = Path::new("fixtures/sites/longtail-gb");
    let guide = std::fs::read(root.join("xxgk/show_301.htm")).unwrap();
    let app = axum::Router::new()
        .route(
            "/xxgk/show_301.htm",
            axum::routing::get(move || {
                let body = guide.clone();
                async move {
                    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
                }
            }),
        )
        .fallback_service(tower_http::services::ServeDir::new(root));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    let start = Url::parse(&format!("http://{addr}/")).unwrap();
    let (pages, _) = crawl_from(&start).await;
    let guide = page(&pages, "/xxgk/show_301.htm");
    assert_eq!(guide.signals().charset, "GBK");
    assert_eq!(guide.title, "河阳县教育局政府信息公开指南");
    assert_eq!(
        phones(&guide.phones),
        pairs(&[("0938-8123466", "联系电话")])
    );
}
