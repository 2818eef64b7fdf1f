//! The default audit reads a site as an inspector does, and reaches the same verdicts as a full
//! crawl at a fraction of the requests. The site is generated here (about 3,500 pages, never
//! committed) and served by a server that counts what it answers. The documents the rules need
//! sit where a breadth-first crawl on a budget misses them: the on-time admission policy on the
//! sixth page of its column behind later admission news, a 制度 column untouched since 2021,
//! school news columns behind a paginated hub.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use serde_json::Value;

const SITE: &str = "松溪县教育局";
const FOOTER: &str = "<div class=\"footer\">主办单位：松溪县教育局 地址：松溪县城关镇学府路9号<br>联系电话：0599-2318006 监督举报电话：0599-2318012<br>网站标识码：3507240021 闽ICP备09021347号-1</div>";
const PER_PAGE: usize = 20;

/// The site: path → HTML.
#[derive(Default)]
struct Site {
    pages: HashMap<String, String>,
    next_id: u32,
}

struct Entry {
    title: String,
    date: Date,
    url: String,
}

fn nav() -> String {
    let items = [
        ("/index.html", "首页"),
        ("/zfxxgkzn/index.html", "政府信息公开指南"),
        ("/zfxxgkzd/index.html", "政府信息公开制度"),
        ("/fdzdgknr/index.html", "法定主动公开内容"),
        ("/zfxxgknb/index.html", "政府信息公开年报"),
        ("/xxdt/index.html", "学校动态"),
        ("/ysqgk/index.html", "依申请公开"),
    ];
    let links: String = items
        .iter()
        .map(|(h, t)| format!("<li><a href=\"{h}\">{t}</a></li>"))
        .collect();
    format!("<div class=\"nav\"><ul>{links}</ul></div>")
}

fn page(title: &str, column: &str, extra_meta: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}_{SITE}</title>\
         <meta name=\"SiteName\" content=\"{SITE}\"><meta name=\"SiteIDCode\" content=\"3507240021\">\
         <meta name=\"ColumnName\" content=\"{column}\">{extra_meta}</head><body>\
         <div class=\"header\">{SITE} · 政府信息公开</div>{}<div class=\"main\">{body}</div>{FOOTER}</body></html>",
        nav()
    )
}

impl Site {
    fn article(&mut self, dir: &str, column: &str, title: &str, day: Date, body: &str) -> Entry {
        self.next_id += 1;
        let url = format!(
            "/{dir}/{}/t{}_{}.html",
            day.strftime("%Y%m"),
            day.strftime("%Y%m%d"),
            self.next_id
        );
        let meta = format!(
            "<meta name=\"ArticleTitle\" content=\"{title}\"><meta name=\"PubDate\" content=\"{} 09:30\">",
            day
        );
        let html = page(
            title,
            column,
            &meta,
            &format!(
                "<div class=\"article\"><h1>{title}</h1><div class=\"info\">发布时间：{day} 09:30</div>\
                 <div class=\"TRS_Editor\">{body}</div></div>"
            ),
        );
        self.pages.insert(url.clone(), html);
        Entry {
            title: title.to_string(),
            date: day,
            url,
        }
    }

    /// A column's list, newest first, 20 to a page: index.html, index_1.html ...
    fn column(&mut self, dir: &str, name: &str, mut entries: Vec<Entry>) {
        entries.sort_by_key(|e| std::cmp::Reverse(e.date));
        let chunks: Vec<&[Entry]> = entries.chunks(PER_PAGE).collect();
        let n = chunks.len().max(1);
        for k in 0..n {
            let rows: String = chunks
                .get(k)
                .copied()
                .unwrap_or_default()
                .iter()
                .map(|e| {
                    format!(
                        "<li><a href=\"{}\" title=\"{}\" target=\"_blank\">{}</a><span>{}</span></li>",
                        e.url, e.title, e.title, e.date
                    )
                })
                .collect();
            let file = |i: usize| {
                if i == 0 {
                    "index.html".to_string()
                } else {
                    format!("index_{i}.html")
                }
            };
            let mut pager = format!("<a href=\"{}\">首页</a>", file(0));
            for i in k.saturating_sub(5)..(k + 6).min(n) {
                if i != k {
                    pager.push_str(&format!(" <a href=\"{}\">{}</a>", file(i), i + 1));
                }
            }
            if k + 1 < n {
                pager.push_str(&format!(" <a href=\"{}\">下一页</a>", file(k + 1)));
            }
            pager.push_str(&format!(" <a href=\"{}\">尾页</a>", file(n - 1)));
            let body = format!(
                "<div class=\"position\">当前位置：<a href=\"/index.html\">首页</a> &gt; <a href=\"/{dir}/index.html\">{name}</a></div>\
                 <div class=\"column-title\">{name}</div><ul class=\"list\">{rows}</ul><div class=\"page\">{pager}</div>"
            );
            self.pages
                .insert(format!("/{dir}/{}", file(k)), page(name, name, "", &body));
        }
    }

    /// A static page (a hub, 机构职能, 依申请公开).
    fn simple(&mut self, path: &str, name: &str, body: &str) {
        self.pages.insert(
            path.to_string(),
            page(name, name, "", &format!("<h2>{name}</h2>{body}")),
        );
    }
}

const NEWS: [&str; 8] = [
    "召开校园安全工作部署会",
    "开展教师信息技术应用能力培训",
    "举办中小学生经典诵读比赛",
    "开展学校食堂食品安全专项检查",
    "推进课后服务工作",
    "组织防溺水安全教育",
    "召开教学质量分析会",
    "开展劳动教育实践活动",
];

/// `count` news items in a column, one every `every` days back from `newest`.
fn news(
    site: &mut Site,
    dir: &str,
    column: &str,
    count: usize,
    newest: Date,
    every: i64,
) -> Vec<Entry> {
    (0..count)
        .map(|i| {
            let day = newest - (i as i64 * every / 10).days();
            let title = format!("{column}{}（第{}期）", NEWS[i % NEWS.len()], i + 1);
            site.article(
                dir,
                column,
                &title,
                day,
                "<p>会上通报了近期工作情况，部署了下一阶段任务。</p>",
            )
        })
        .collect()
}

fn generate() -> Site {
    let mut s = Site::default();
    let today = date(2026, 11, 24);

    // Guide, 制度 (an old column: its newest entry is from 2021) and annual reports.
    let guide = s.article(
        "zfxxgkzn",
        "政府信息公开指南",
        "松溪县教育局政府信息公开指南",
        date(2025, 3, 2),
        "<p>一、主动公开：公开方式为本局网站政府信息公开专栏。</p><p>二、依申请公开：申请人可通过信函、当面提交等方式提出申请。</p>\
         <p>受理机构：松溪县教育局办公室，办公地址：松溪县城关镇学府路9号，办公时间：工作日上午8:00-12:00，联系电话：0599-2318006。</p>",
    );
    s.column("zfxxgkzn", "政府信息公开指南", vec![guide]);
    let rules = s.article(
        "zfxxgkzd",
        "政府信息公开制度",
        "松溪县教育局政府信息公开保密审查制度",
        date(2021, 5, 18),
        "<p>为规范政府信息公开保密审查工作，制定本制度。</p>",
    );
    s.column("zfxxgkzd", "政府信息公开制度", vec![rules]);
    let reports = vec![
        s.article(
            "zfxxgknb",
            "政府信息公开年报",
            "松溪县教育局2025年政府信息公开工作年度报告",
            date(2026, 1, 22),
            "<p>一、总体情况</p><p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>\
             <p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>",
        ),
        s.article(
            "zfxxgknb",
            "政府信息公开年报",
            "松溪县教育局2024年政府信息公开工作年度报告",
            date(2025, 1, 20),
            "<p>一、总体情况</p>",
        ),
    ];
    s.column("zfxxgknb", "政府信息公开年报", reports);

    // Busy columns.
    let gzdt = news(&mut s, "fdzdgknr/gzdt", "工作动态", 1000, today, 6);
    s.column("fdzdgknr/gzdt", "工作动态", gzdt);
    let tzgg = news(
        &mut s,
        "fdzdgknr/tzgg",
        "通知公告",
        400,
        today - 2.days(),
        15,
    );
    s.column("fdzdgknr/tzgg", "通知公告", tzgg);
    let zcwj = news(
        &mut s,
        "fdzdgknr/zcwj",
        "政策文件",
        60,
        today - 20.days(),
        40,
    );
    s.column("fdzdgknr/zcwj", "政策文件", zcwj);

    // Admissions: the on-time policy of 2026 (April) sits on the sixth page, behind a hundred
    // later items of admission news that name no rule's terms.
    let mut zsks: Vec<Entry> = (0..110)
        .map(|i| {
            let day = today - (i as i64 * 2).days();
            s.article(
                "fdzdgknr/zsks",
                "招生考试",
                &format!("2026年秋季学期新生入学报到须知（第{}号）", i + 1),
                day,
                "<p>请新生按时报到。</p>",
            )
        })
        .collect();
    for (title, day) in [
        (
            "松溪县2026年义务教育招生入学工作实施方案",
            date(2026, 4, 20),
        ),
        ("松溪县2026年中小学招生计划", date(2026, 5, 10)),
        ("松溪县2026年义务教育学校划片范围", date(2026, 5, 12)),
        ("松溪县2026年初中招生录取结果公示", date(2026, 8, 20)),
        (
            "松溪县2025年义务教育招生入学工作实施方案",
            date(2025, 4, 18),
        ),
    ] {
        zsks.push(s.article(
            "fdzdgknr/zsks",
            "招生考试",
            title,
            day,
            "<p>具体安排见附件。</p>",
        ));
    }
    s.column("fdzdgknr/zsks", "招生考试", zsks);

    // Budgets and final accounts: the bureau's own document among its schools'.
    let mut bmys: Vec<Entry> = (0..30)
        .map(|i| {
            s.article(
                "fdzdgknr/czzj/bmys",
                "部门预算",
                &format!("松溪县第{}小学2026年单位预算公开", i + 1),
                date(2026, 4, 25) - (i as i64).days(),
                "<p>单位预算公开如下。</p>",
            )
        })
        .collect();
    bmys.push(s.article(
        "fdzdgknr/czzj/bmys",
        "部门预算",
        "松溪县教育局2026年部门预算公开",
        date(2026, 3, 14),
        "<p>一、部门基本情况</p><p>二、收支预算总体情况</p><p>三、“三公”经费财政拨款预算情况说明：2026年“三公”经费财政拨款预算11.20万元。</p>",
    ));
    s.column("fdzdgknr/czzj/bmys", "部门预算", bmys);
    let bmjs = vec![s.article(
        "fdzdgknr/czzj/bmjs",
        "部门决算",
        "松溪县教育局2025年部门决算公开",
        date(2026, 9, 10),
        "<p>一、部门基本情况</p><p>三、“三公”经费财政拨款决算情况说明。</p>",
    )];
    s.column("fdzdgknr/czzj/bmjs", "部门决算", bmjs);

    // School news: 40 columns of 40 items behind a two-page hub of columns.
    let mut schools = Vec::new();
    for k in 0..40 {
        let dir = format!("xxdt/x{k:03}");
        let name = format!("城关第{}中心小学", k + 1);
        let items = news(&mut s, &dir, &name, 40, today - (k as i64 % 9).days(), 30);
        s.column(&dir, &name, items);
        schools.push((dir, name));
    }
    for (h, chunk) in schools.chunks(PER_PAGE).enumerate() {
        let rows: String = chunk
            .iter()
            .map(|(d, n)| format!("<li><a href=\"/{d}/index.html\">{n}</a></li>"))
            .collect();
        let file = if h == 0 {
            "index.html".to_string()
        } else {
            format!("index_{h}.html")
        };
        s.simple(
            &format!("/xxdt/{file}"),
            "学校动态",
            &format!("<ul class=\"cols\">{rows}</ul><div class=\"page\"><a href=\"index.html\">首页</a> <a href=\"index_1.html\">2</a></div>"),
        );
    }

    // Hubs and static pages.
    let cols = [
        ("fdzdgknr/jgzn/index.html", "机构职能"),
        ("fdzdgknr/gzdt/index.html", "工作动态"),
        ("fdzdgknr/tzgg/index.html", "通知公告"),
        ("fdzdgknr/zcwj/index.html", "政策文件"),
        ("fdzdgknr/zsks/index.html", "招生考试"),
        ("fdzdgknr/czzj/bmys/index.html", "部门预算"),
        ("fdzdgknr/czzj/bmjs/index.html", "部门决算"),
    ];
    let hub: String = cols
        .iter()
        .map(|(h, t)| format!("<li><a href=\"/{h}\">{t}</a></li>"))
        .collect();
    s.simple(
        "/fdzdgknr/index.html",
        "法定主动公开内容",
        &format!("<ul>{hub}</ul>"),
    );
    s.simple(
        "/fdzdgknr/jgzn/index.html",
        "机构职能",
        "<p>机构名称：松溪县教育局。主要职责：贯彻执行教育法律法规。内设机构：办公室、基础教育股。办公地址：松溪县城关镇学府路9号。办公时间：工作日。联系电话：0599-2318006。负责人：林某。</p>",
    );
    s.simple(
        "/ysqgk/index.html",
        "依申请公开",
        "<p>申请公开政府信息可通过信函或当面提交申请表。</p>",
    );
    s.simple(
        "/index.html",
        SITE,
        &format!(
            "<ul class=\"list\"><li><a href=\"/fdzdgknr/gzdt/index.html\">工作动态</a></li></ul><p>更新于{today}</p>"
        ),
    );
    s
}

struct Served {
    site: HashMap<String, String>,
    hits: AtomicUsize,
}

async fn answer(State(st): State<Arc<Served>>, req: Request) -> Response {
    st.hits.fetch_add(1, Ordering::SeqCst);
    let mut path = req.uri().path().to_string();
    if path.ends_with('/') {
        path.push_str("index.html");
    }
    match st.site.get(&path) {
        Some(html) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Serves the site on a thread of its own; returns its address and its request counter.
fn serve(site: HashMap<String, String>) -> (String, Arc<Served>) {
    let st = Arc::new(Served {
        site,
        hits: AtomicUsize::new(0),
    });
    let (tx, rx) = std::sync::mpsc::channel();
    let state = st.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let app = Router::new().fallback(answer).with_state(state);
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let addr = rx.recv().expect("server address");
    (format!("http://{addr}/"), st)
}

fn audit(url: &str, extra: &[&str]) -> (Value, i32) {
    let mut cmd = Command::cargo_bin("gongkai").expect("binary");
    cmd.arg("audit");
    if !url.is_empty() {
        cmd.arg(url);
    }
    let out = cmd
        .args(["--rules", "cn-edu-county", "--as-of", "2026-11-26"])
        .args(["--delay-ms", "0", "--per-host", "8", "--format", "json"])
        .args(extra)
        .output()
        .expect("run gongkai");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code().unwrap_or(-1))
}

#[test]
fn the_default_audit_judges_every_rule_as_the_full_crawl_does_at_a_fraction_of_the_requests() {
    let site = generate();
    let pages = site.pages.len();
    assert!(pages > 3000, "a site of a few thousand pages: {pages}");
    let (url, server) = serve(site.pages);

    let (full, full_exit) = audit(
        &url,
        &["--full", "--max-pages", "10000", "--max-depth", "100"],
    );
    let full_requests = server.hits.swap(0, Ordering::SeqCst);
    let dir = tempfile::tempdir().expect("tempdir");
    let warc = dir.path().join("inspection.warc.gz");
    let warc = warc.to_str().expect("utf-8 path");
    let (inspected, inspected_exit) = audit(&url, &["--archive", warc]);
    let inspected_requests = server.hits.load(Ordering::SeqCst);
    eprintln!(
        "{pages} pages: full crawl {full_requests} requests, inspection {inspected_requests}"
    );

    // The full crawl read everything; the inspection a small share of it.
    assert!(
        full_requests > pages,
        "{full_requests} requests for {pages} pages"
    );
    assert!(
        inspected_requests * 5 < full_requests,
        "the inspection made {inspected_requests} requests, the full crawl {full_requests}"
    );
    // The report counts what the server answered.
    assert_eq!(
        inspected["crawl"]["requests"].as_u64(),
        Some(inspected_requests as u64)
    );

    // Rule by rule the same verdict, dead links aside (they are counted on a sample).
    let a: BTreeMap<String, String> = common::verdicts(&full);
    let b: BTreeMap<String, String> = common::verdicts(&inspected);
    let differ: Vec<String> = a
        .iter()
        .filter(|(id, _)| !id.starts_with("INSP-DEAD-LINKS"))
        .filter(|(id, v)| b.get(*id) != Some(*v))
        .map(|(id, v)| format!("{id}: full {v}, inspection {:?}", b.get(id)))
        .collect();
    assert!(differ.is_empty(), "{differ:#?}");
    assert_eq!(full_exit, inspected_exit);
    // What sat deep and old was found, not given up on.
    for id in [
        "EDU-ADM-POLICY",
        "EDU-ADM-PLAN",
        "EDU-ADM-RESULT",
        "GOV-BUDGET",
        "GOV-SYSTEM",
        "GOV-ANNUAL-REPORT",
    ] {
        assert_eq!(b[id], "pass", "{id} in the inspection");
    }
    // Every column's first page was read, the school columns behind the hub's second page too.
    let columns = inspected["site"]["columns"].as_array().expect("columns");
    assert!(
        columns.iter().any(|c| c["name"] == "城关第40中心小学"),
        "the last school column was reached"
    );
    // What was left unread makes no rule inconclusive for want of crawling.
    assert!(
        b.values().all(|v| v != "inconclusive/not_crawled"),
        "{b:#?}"
    );
    let unsampled = inspected["crawl"]["outcome_counts"]["unsampled"]
        .as_u64()
        .unwrap_or(0);
    assert!(unsampled > 500, "{unsampled} links left unread");
    let notes = inspected["notes"].to_string();
    assert!(
        notes.contains("抽样") && notes.contains("--full"),
        "{notes}"
    );

    // Replayed offline, the inspection's archive gives the same findings, evidence included:
    // what the inspection did not read is not sampled in the replay too, never "not archived".
    let (replayed, replayed_exit) = audit("", &["--from-warc", warc]);
    assert_eq!(replayed_exit, inspected_exit);
    assert_eq!(
        server.hits.load(Ordering::SeqCst),
        inspected_requests,
        "a replay asks the server nothing"
    );
    assert_eq!(replayed["findings"], inspected["findings"]);
    assert_eq!(
        replayed["crawl"]["outcome_counts"]["unsampled"],
        inspected["crawl"]["outcome_counts"]["unsampled"]
    );
}
