//! Hostile input past extraction. `tests/properties.rs` shows the extractor survives anything;
//! here what it makes of hostile pages goes on through the site model, every built-in pack's
//! audit, waivers, scoring, the report and every renderer, and hostile rule packs (any value the
//! loader, and so `rules check`, accepts) are audited on a small site. Nothing may panic, every
//! deduction is a finite number of points, and the score stays between 0 and the pack's base.

use std::collections::HashMap;
use std::sync::LazyLock;

use gongkai::audit::{self, Finding, Score, Status, Text};
use gongkai::crawl::{CrawlLog, CrawlSummary, FetchedPage, LinkKind, Outcome, UrlCheck, UrlKey};
use gongkai::extract::{self, TextPolicy};
use gongkai::report::{Choices, Format, Render, Report, TargetInfo};
use gongkai::rules::RulePack;
use gongkai::rules::waiver::Waiver;
use gongkai::site::{SiteBuilder, SiteModel};
use gongkai::target::Scope;
use jiff::civil::Date;
use proptest::prelude::*;
use url::Url;

const START: &str = "http://jyj.example.gov.cn/";

/// `cases` cases unless PROPTEST_CASES says otherwise; shrinking bounded, as a case is a whole
/// site or pack and each step audits it again.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    }
}

static BUILTIN: LazyLock<Vec<RulePack>> = LazyLock::new(|| {
    gongkai::rules::builtin_ids()
        .into_iter()
        .map(|id| gongkai::rules::load(id).expect("built-in packs load"))
        .collect()
});

// ---------------------------------------------------------------------------------------------
// Hostile pages

/// Values sites put in meta tags and footers, sane and not: empty, blank, multibyte, escape
/// sequences, markup, full-width and absurdly long digit runs, dates that do not exist.
fn odd_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("  \u{3000} ".to_string()),
        Just("4201000001".to_string()),
        Just("４２０１０００００１".to_string()),
        Just("9".repeat(64)),
        Just("00".to_string()),
        Just("\u{1b}[31m石岩县教育局\u{7}".to_string()),
        Just("<script>alert(1)</script>&amp;\"'".to_string()),
        Just("石岩县教育局".repeat(200)),
        Just("2026-02-30".to_string()),
        Just("0000-00-00 25:61:61".to_string()),
        Just("9999-12-31".to_string()),
        Just("2100年2月29日".to_string()),
        Just("=cmd|'/C calc'!A0".to_string()),
        Just("|a|b|\n| --- |".to_string()),
        "\\PC{0,24}",
        "[0-9０-９]{1,20}",
    ]
}

/// Dates as list rows and headers print them, including ones no calendar has.
fn odd_date() -> impl Strategy<Value = String> {
    prop_oneof![
        (1990i16..=2100, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        (0u32..=99999, 0u32..=99, 0u32..=99).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        (0u32..=9999, 0u32..=19, 0u32..=39).prop_map(|(y, m, d)| format!("{y}年{m}月{d}日")),
        Just("２０２６年１１月２０日".to_string()),
        Just("2026/11/20 23:59:59".to_string()),
        Just("20261120".to_string()),
        Just("1990-01-01".to_string()),
        Just("2100-12-31".to_string()),
        Just("2024-02-29".to_string()),
        Just(String::new()),
        "[0-9年月日./-]{0,14}",
    ]
}

/// A title: empty, blank, multibyte, huge, with markup-looking text or words the packs search.
fn odd_title() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" \u{3000}\t".to_string()),
        Just("政府信息公开工作年度报告".to_string()),
        Just("2025年政府信息公开工作年度报告".to_string()),
        Just("关于2026年教育收费标准的公示".to_string()),
        Just("部门预算".to_string()),
        Just("通知公告".repeat(300)),
        Just("&lt;b&gt;&#0;&#xD800;&#1114112;".to_string()),
        "\\PC{0,30}",
        "[关于做好教育工作的通知县局年度报告预算决算收费 ]{0,20}",
    ]
}

/// Link targets: relative, absolute elsewhere, scripts, empty, fragments, odd bytes.
fn odd_href() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..6).prop_map(|n| format!("t2026112{n}_{n}.html")),
        (0u32..4).prop_map(|n| format!("/col{n}/index.html")),
        Just("../col1/index_1.html".to_string()),
        Just("/files/P020260415.pdf".to_string()),
        Just("http://other.example.gov.cn/xxgk/t1.html".to_string()),
        Just("javascript:alert('正在建设中')".to_string()),
        Just(String::new()),
        Just("#".to_string()),
        Just("//[::1]:0/x".to_string()),
        Just("/art/2026/1/2/art_1_2.html".to_string()),
        "[a-z0-9_./%?=&\\PC]{0,16}",
    ]
}

/// Table cells of an annual report: numbers, signs, huge figures, blanks.
fn odd_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        Just(String::new()),
        Just("-".to_string()),
        Just("１２".to_string()),
        Just("999999999999999999999999999999".to_string()),
        Just("1e308".to_string()),
        Just("-0.0".to_string()),
        Just("NaN".to_string()),
        Just("总计".to_string()),
        Just("（一）".to_string()),
    ]
}

/// The column names that the packs' classes know, and some they do not.
fn column_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("工作动态".to_string()),
        Just("通知公告".to_string()),
        Just("政策文件".to_string()),
        Just("人事信息".to_string()),
        Just("规划计划".to_string()),
        Just("政府信息公开年报".to_string()),
        Just("财政预决算".to_string()),
        Just("教育收费".to_string()),
        Just("News".to_string()),
        Just(String::new()),
        "\\PC{0,12}",
    ]
}

#[derive(Debug, Clone)]
struct Row {
    href: String,
    title: String,
    date: String,
}

fn row() -> impl Strategy<Value = Row> {
    (odd_href(), odd_title(), odd_date()).prop_map(|(href, title, date)| Row { href, title, date })
}

/// One hostile page, before it is written out as HTML.
#[derive(Debug, Clone)]
struct PageSpec {
    site_name: String,
    site_id: String,
    column: String,
    pub_date: String,
    title: String,
    rows: Vec<Row>,
    empty_marker: bool,
    footer: String,
    body: String,
    table: Vec<Vec<String>>,
    /// Cut the HTML at this fraction of its characters (broken transfer), if any.
    cut: Option<u8>,
}

fn page_spec() -> impl Strategy<Value = PageSpec> {
    (
        (odd_value(), odd_value(), column_name(), odd_date(), odd_title()),
        proptest::collection::vec(row(), 0..8),
        any::<bool>(),
        (odd_value(), odd_value()),
        ("\\PC{0,40}", odd_date(), odd_value()),
        proptest::collection::vec(proptest::collection::vec(odd_cell(), 0..6), 0..5),
        proptest::option::weighted(0.2, any::<u8>()),
    )
        .prop_map(
            |(
                (site_name, site_id, column, pub_date, title),
                rows,
                empty_marker,
                (sponsor, icp),
                (words, date, phone),
                table,
                cut,
            )| PageSpec {
                // The footer repeats the SiteIDCode meta, as the identity rule compares them.
                footer: format!(
                    "网站标识码：{site_id} 主办单位：{sponsor} 备案号：{icp} 联系电话：{phone}"
                ),
                site_name,
                site_id,
                column,
                pub_date,
                title,
                rows,
                empty_marker,
                body: format!(
                    "发布时间：{date} 成文日期：{date} {words} 举报电话：{phone} 投诉电话：0938-{phone} \
                     收费项目 收费标准 收费依据 身份证号 620521199001011234"
                ),
                table,
                cut,
            },
        )
}

fn attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;")
}

fn html(p: &PageSpec) -> String {
    let mut h = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <meta name=\"SiteName\" content=\"{}\"><meta name=\"SiteIDCode\" content=\"{}\">\
         <meta name=\"ColumnName\" content=\"{}\"><meta name=\"PubDate\" content=\"{}\">\
         <meta name=\"ArticleTitle\" content=\"{}\"><title>{}</title></head><body>\
         <div class=\"position\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"./\">{}</a></div>\
         <h1>{}</h1><ul class=\"list\">",
        attr(&p.site_name),
        attr(&p.site_id),
        attr(&p.column),
        attr(&p.pub_date),
        attr(&p.title),
        p.title,
        p.column,
        p.title,
    );
    for r in &p.rows {
        h.push_str(&format!(
            "<li><a href=\"{}\" title=\"{}\">{}</a><span>{}</span></li>",
            attr(&r.href),
            attr(&r.title),
            r.title,
            r.date
        ));
    }
    h.push_str("</ul>");
    if p.empty_marker {
        h.push_str("<p>暂无信息</p>");
    }
    h.push_str(&format!("<div class=\"content\"><p>{}</p>", p.body));
    if !p.table.is_empty() {
        h.push_str("<p>一、总体情况</p><p>二、主动公开政府信息情况</p><table>");
        for r in &p.table {
            h.push_str("<tr>");
            for c in r {
                h.push_str(&format!("<td>{c}</td>"));
            }
            h.push_str("</tr>");
        }
        h.push_str("</table>");
    }
    h.push_str(&format!(
        "</div><div class=\"footer\">{}</div></body></html>",
        p.footer
    ));
    match p.cut {
        Some(c) => {
            let n = h.chars().count() * usize::from(c) / 256;
            h.chars().take(n).collect()
        }
        None => h,
    }
}

/// Where each generated page lives: the home page, list pages (with a second page of one list),
/// and articles the rows point at.
const PAGE_URLS: &[&str] = &[
    "http://jyj.example.gov.cn/",
    "http://jyj.example.gov.cn/col0/index.html",
    "http://jyj.example.gov.cn/col1/index.html",
    "http://jyj.example.gov.cn/col1/index_1.html",
    "http://jyj.example.gov.cn/col2/index.html",
    "http://jyj.example.gov.cn/col0/t20261120_0.html",
    "http://jyj.example.gov.cn/col1/t20261121_1.html",
    "http://jyj.example.gov.cn/col2/t20261122_2.html",
];

/// What the crawl says about URLs it did not fetch as pages: dead, blocked, out of scope ...
fn odd_check() -> impl Strategy<Value = (String, Outcome, LinkKind, Option<u16>)> {
    let url = prop_oneof![
        Just("http://jyj.example.gov.cn/files/P020260415.pdf".to_string()),
        Just("http://jyj.example.gov.cn/col3/index.html".to_string()),
        Just("http://jyj.example.gov.cn/col0/t20261123_3.html".to_string()),
        Just("http://other.example.gov.cn/xxgk/t1.html".to_string()),
        Just("http://jyj.example.gov.cn/art/2026/1/2/art_1_2.html".to_string()),
    ];
    let outcome = prop_oneof![
        Just(Outcome::Dead),
        Just(Outcome::Blocked),
        Just(Outcome::Timeout),
        Just(Outcome::RateLimited),
        Just(Outcome::OutOfScope),
        Just(Outcome::Soft404),
        Just(Outcome::Trap),
        Just(Outcome::PageBudget),
        Just(Outcome::Ok),
    ];
    let kind = prop_oneof![
        Just(LinkKind::Page),
        Just(LinkKind::Attachment),
        Just(LinkKind::Image),
        Just(LinkKind::Frame),
    ];
    (url, outcome, kind, proptest::option::of(any::<u16>()))
}

/// Any day `--as-of` accepts (`YYYY-MM-DD`), the plausible ones more often.
fn as_of() -> impl Strategy<Value = Date> {
    prop_oneof![
        4 => (1990i16..=2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| jiff::civil::date(y, m, d)),
        1 => (0i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| jiff::civil::date(y, m, d)),
        1 => Just(jiff::civil::date(9999, 12, 31)),
        1 => Just(jiff::civil::date(2024, 2, 29)),
    ]
}

/// Sitemap `<lastmod>` dates reach the site model unfiltered: any four-digit year.
fn lastmod() -> impl Strategy<Value = Date> {
    (0i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| jiff::civil::date(y, m, d))
}

#[derive(Debug, Clone)]
struct HostileSite {
    pages: Vec<PageSpec>,
    checks: Vec<(String, Outcome, LinkKind, Option<u16>)>,
    lastmods: Vec<(usize, Date)>,
}

fn hostile_site() -> impl Strategy<Value = HostileSite> {
    (
        proptest::collection::vec(page_spec(), 1..=PAGE_URLS.len()),
        proptest::collection::vec(odd_check(), 0..5),
        proptest::collection::vec((0..PAGE_URLS.len(), lastmod()), 0..3),
    )
        .prop_map(|(pages, checks, lastmods)| HostileSite {
            pages,
            checks,
            lastmods,
        })
}

fn build_site(s: &HostileSite) -> SiteModel {
    let mut b = SiteBuilder::new(Url::parse(START).expect("start URL"));
    let policy = TextPolicy::everything();
    for (spec, u) in s.pages.iter().zip(PAGE_URLS) {
        let url = Url::parse(u).expect("page URL");
        let page = FetchedPage {
            url: url.clone(),
            final_url: url,
            status: 200,
            content_type: Some("text/html; charset=utf-8".into()),
            body: html(spec).into_bytes(),
            truncated: spec.cut.is_some(),
            depth: 1,
        };
        b.add(extract::extract(&page, &policy).0);
    }
    let mut log = CrawlLog::default();
    for (u, outcome, kind, status) in &s.checks {
        let url = Url::parse(u).expect("check URL");
        log.checks.insert(
            UrlKey::of(&url),
            UrlCheck {
                url,
                kind: *kind,
                outcome: *outcome,
                status: *status,
                redirects: Vec::new(),
                detail: Some("\u{1b}[2J断开".into()),
            },
        );
    }
    for (i, d) in &s.lastmods {
        let url = Url::parse(PAGE_URLS[*i]).expect("page URL");
        log.sitemap_lastmod.insert(UrlKey::of(&url), *d);
    }
    b.finish(log)
}

/// Every file renderer of the library, in both languages (the terminal table is the binary's,
/// covered by the command-line tests).
fn renderers() -> Vec<(Format, Box<dyn Render + Send>)> {
    let mut out = Vec::new();
    for en in [false, true] {
        for &format in Format::ALL {
            if let Some(r) = gongkai::report::renderer(format, en) {
                out.push((format, r));
            }
        }
    }
    out
}

/// What must hold of any audit, however odd its input.
fn check_score(findings: &[Finding], score: &Score, pack: &RulePack) -> Result<(), TestCaseError> {
    prop_assert_eq!(findings.len(), pack.rules.len());
    for f in findings {
        prop_assert!(
            f.deduction.is_finite() && f.deduction >= 0.0,
            "{}: deduction {}",
            f.rule_id,
            f.deduction
        );
        if f.status != Status::Gap {
            prop_assert_eq!(f.deduction, 0.0, "{} deducts without a gap", f.rule_id);
        }
    }
    let base = pack.scoring.base;
    prop_assert!(
        score.points.is_finite() && (0.0..=base).contains(&score.points),
        "points {} outside [0, {base}]",
        score.points
    );
    prop_assert!(
        score.deductions.is_finite() && (0.0..=base).contains(&score.deductions),
        "deductions {} outside [0, {base}]",
        score.deductions
    );
    prop_assert!((0.0..=100.0).contains(&score.coverage));
    prop_assert!((0.0..=100.0).contains(&score.pass_rate));
    prop_assert_eq!(
        score.passed + score.gaps + score.waived + score.inconclusive + score.not_applicable,
        findings.len()
    );
    // The range: the worst end never above the best, both within the base, every stake finite;
    // a provisional grade never passes.
    prop_assert!(
        score.worst.points.is_finite() && (0.0..=score.points).contains(&score.worst.points),
        "worst {} outside [0, {}]",
        score.worst.points,
        score.points
    );
    prop_assert!(score.at_stake.is_finite() && score.at_stake >= 0.0);
    prop_assert!(!(score.provisional && score.pass));
    for f in findings {
        if let Some(st) = f.at_stake {
            prop_assert!(st.points.is_finite() && (0.0..=base).contains(&st.points));
            prop_assert_eq!(f.status, Status::Inconclusive);
        }
    }
    Ok(())
}

/// The report of an audit, rendered by every renderer; the JSON must read back.
fn check_renders(report: &Report) -> Result<(), TestCaseError> {
    for (name, r) in renderers() {
        let mut out = Vec::new();
        let rendered = r.render(report, &mut out);
        prop_assert!(rendered.is_ok(), "{name:?}: {rendered:?}");
        if name == Format::Json {
            let back = serde_json::from_slice::<Report>(&out);
            prop_assert!(back.is_ok(), "the JSON report does not read back: {back:?}");
        }
    }
    Ok(())
}

fn report_of(site: &SiteModel, pack: &RulePack, as_of: Date, findings: Vec<Finding>) -> Report {
    let score = audit::score(&findings, &pack.scoring);
    let start = Url::parse(START).expect("start URL");
    Report::new(
        TargetInfo {
            input: START.into(),
            scope: Scope::from_url(&start),
            start_url: start,
            local: false,
            requested_url: None,
            redirects: Vec::new(),
            scope_from: Default::default(),
        },
        as_of,
        pack,
        site,
        findings,
        score,
        CrawlSummary::default(),
        vec![Text::new("注意\u{1b}[0m", "note | `x`")],
    )
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn hostile_pages_go_through_every_pack_score_and_renderer(
        site in hostile_site(),
        as_of in as_of(),
        waive in proptest::collection::vec((any::<prop::sample::Index>(), as_of(), odd_value()), 0..3),
    ) {
        let mut model = build_site(&site);
        model.ignore_future(as_of);
        for pack in BUILTIN.iter() {
            let mut findings = audit::audit(&model, pack, as_of);
            let waivers: Vec<Waiver> = waive
                .iter()
                .map(|(i, expires, reason)| Waiver {
                    rule: pack.rules[i.index(pack.rules.len())].id.get_ref().clone(),
                    reason: reason.clone(),
                    expires: *expires,
                    site: None,
                })
                .collect();
            audit::apply_waivers(&mut findings, &waivers, START, as_of);
            let report = report_of(&model, pack, as_of, findings);
            check_score(&report.findings, &report.score, pack)?;
            check_renders(&report)?;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile rule packs

/// A small site with something for every check kind: columns of each class (fresh, stale,
/// empty), a fee page with its phone, an annual report with tables, a budget, a re-dated batch,
/// footer identifiers, a dead attachment and a blocked page.
fn small_site() -> SiteModel {
    let pages: &[(&str, &str)] = &[
        (
            "http://jyj.example.gov.cn/",
            r#"<html><head><meta name="SiteName" content="石岩县教育局"><meta name="SiteIDCode" content="4201000001"><title>石岩县教育局</title></head><body>
<ul><li><a href="gzdt/index.html">工作动态</a></li><li><a href="tzgg/index.html">通知公告</a></li><li><a href="zcwj/index.html">政策文件</a></li>
<li><a href="nb/index.html">政府信息公开年报</a></li><li><a href="files/P020260415.pdf">部门预算附件</a></li><li><a href="blocked/x.html">人事信息</a></li></ul>
<ul><li><a href="gzdt/t20261120_1.html">全县教师培训会召开</a><span>2026-11-20</span></li></ul>
<div class="footer">主办单位：石岩县教育局 网站标识码：4201000002 鄂ICP备12345678号 联系电话：0938-6123456</div></body></html>"#,
        ),
        (
            "http://jyj.example.gov.cn/gzdt/index.html",
            r#"<html><head><meta name="ColumnName" content="工作动态"></head><body><ul>
<li><a href="t20261120_1.html">全县教师培训会召开</a><span>2026-11-20</span></li>
<li><a href="t20260301_2.html">春季开学检查</a><span>2026-03-01</span></li></ul></body></html>"#,
        ),
        (
            "http://jyj.example.gov.cn/tzgg/index.html",
            r#"<html><head><meta name="ColumnName" content="通知公告"></head><body><ul>
<li><a href="t20240105_1.html">关于寒假安全的通知</a><span>2024-01-05</span></li></ul></body></html>"#,
        ),
        (
            "http://jyj.example.gov.cn/zcwj/index.html",
            r#"<html><head><meta name="ColumnName" content="政策文件"></head><body><ul></ul><p>暂无信息</p></body></html>"#,
        ),
        (
            "http://jyj.example.gov.cn/nb/index.html",
            r#"<html><head><meta name="ColumnName" content="政府信息公开年报"></head><body><ul>
<li><a href="t20260120_1.html">石岩县教育局2025年政府信息公开工作年度报告</a><span>2026-01-20</span></li></ul></body></html>"#,
        ),
        (
            "http://jyj.example.gov.cn/gzdt/t20261120_1.html",
            r#"<html><head><meta name="PubDate" content="2026-11-20 09:00"><meta name="ColumnName" content="工作动态"></head><body><h1>全县教师培训会召开</h1><p>成文日期：2020年1月2日</p><p>正文。</p></body></html>"#,
        ),
        (
            "http://jyj.example.gov.cn/gzdt/t20260301_2.html",
            r#"<html><head><meta name="PubDate" content="2026-11-20"><meta name="ColumnName" content="工作动态"></head><body><h1>春季开学检查</h1><p>成文日期：2019年3月1日</p></body></html>"#,
        ),
        (
            "http://jyj.example.gov.cn/sfgs/t20260901_1.html",
            r#"<html><head><meta name="ColumnName" content="教育收费"></head><body><h1>2026年秋季学期教育收费公示</h1><p>发布时间：2026-09-01</p>
<p>收费项目：住宿费。收费标准：每生每学期300元。收费依据：省发改委文件。投诉电话：0938-6123400 举报电话：12345</p>
<p>受助学生：张三 620521200801011234</p></body></html>"#,
        ),
        (
            "http://jyj.example.gov.cn/nb/t20260120_1.html",
            r#"<html><head><meta name="PubDate" content="2026-01-20"><meta name="ColumnName" content="政府信息公开年报"></head><body>
<h1>石岩县教育局2025年政府信息公开工作年度报告</h1>
<p>一、总体情况</p><p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>
<table><tr><td>本年新收政府信息公开申请数量</td><td>3</td><td>1</td><td>4</td></tr>
<tr><td>总计</td><td>3</td><td>1</td><td>5</td></tr></table>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p></body></html>"#,
        ),
        (
            "http://jyj.example.gov.cn/yjs/t20260415_1.html",
            r#"<html><head><meta name="PubDate" content="2026-04-15"><meta name="ColumnName" content="财政预决算"></head><body><h1>石岩县教育局2026年部门预算</h1><a href="../files/P020260415.pdf">附件</a></body></html>"#,
        ),
    ];
    let mut b = SiteBuilder::new(Url::parse(START).expect("start URL"));
    for (u, body) in pages {
        let url = Url::parse(u).expect("page URL");
        let page = FetchedPage {
            url: url.clone(),
            final_url: url,
            status: 200,
            content_type: Some("text/html".into()),
            body: body.as_bytes().to_vec(),
            truncated: false,
            depth: 1,
        };
        b.add(extract::extract(&page, &TextPolicy::everything()).0);
    }
    let mut log = CrawlLog::default();
    for (u, kind, outcome, status) in [
        (
            "http://jyj.example.gov.cn/files/P020260415.pdf",
            LinkKind::Attachment,
            Outcome::Dead,
            Some(404),
        ),
        (
            "http://jyj.example.gov.cn/blocked/x.html",
            LinkKind::Page,
            Outcome::Blocked,
            Some(403),
        ),
    ] {
        let url = Url::parse(u).expect("check URL");
        log.checks.insert(
            UrlKey::of(&url),
            UrlCheck {
                url,
                kind,
                outcome,
                status,
                redirects: Vec::new(),
                detail: None,
            },
        );
    }
    let mut site = b.finish(log);
    site.ignore_future(jiff::civil::date(2026, 11, 26));
    site
}

static SMALL_SITE: LazyLock<SiteModel> = LazyLock::new(small_site);

/// Points: zero, tiny, ordinary, huge, the largest finite number.
fn points() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(5e-324),
        Just(0.05),
        Just(0.15),
        Just(2.5),
        Just(100.0),
        Just(1e15),
        Just(1e300),
        Just(f64::MAX),
        0.0..1e6f64,
    ]
}

/// An age within the loader's limits, the limits included.
fn age() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("36525d".to_string()),
        Just("5218w".to_string()),
        Just("1200m".to_string()),
        Just("100y".to_string()),
        Just("1d".to_string()),
        Just(" 14d ".to_string()),
        (1u32..=36525).prop_map(|n| format!("{n}d")),
        (1u32..=1200).prop_map(|n| format!("{n}m")),
        (1u32..=100).prop_map(|n| format!("{n}y")),
    ]
}

/// A `due` date: every day of a leap year, `02-29` among them, zero-padded or not.
fn month_day() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("02-29".to_string()),
        Just("12-31".to_string()),
        Just("01-01".to_string()),
        Just("2-9".to_string()),
        (1i8..=12, 1i8..=31)
            .prop_filter("a day of 2024", |(m, d)| jiff::civil::Date::new(
                2024, *m, *d
            )
            .is_ok())
            .prop_map(|(m, d)| format!("{m:02}-{d:02}")),
    ]
}

/// A search term: words the site has, multibyte, regex and TOML specials, long ones.
fn term() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("年度报告".to_string()),
        Just("工作动态".to_string()),
        Just("收费".to_string()),
        Just("预算".to_string()),
        Just("投诉".to_string()),
        Just(".*".to_string()),
        Just("(?i)[a-z]+$\\".to_string()),
        Just("\"'\\\n\t".to_string()),
        Just("😀👩‍👩‍👧".to_string()),
        Just("年".repeat(300)),
        "\\PC{1,12}".prop_filter("not blank", |s| !s.trim().is_empty()),
    ]
}

fn terms() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        12 => proptest::collection::vec(term(), 1..6),
        1 => proptest::collection::vec(term(), 40..80),
    ]
}

/// A `forbid` pattern that compiles: the built-in kinds of regex, large repetitions, anchors,
/// Unicode classes, and patterns that match everything or nothing.
fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r"\d{17}[\dXx]".to_string()),
        Just(r"(?s).*".to_string()),
        Just(r"^$".to_string()),
        Just(r"\p{Han}{2,}".to_string()),
        Just(r"[\x{0}-\x{10FFFF}]".to_string()),
        Just(r"(a|b|)*".to_string()),
        Just(r"\b\B".to_string()),
        Just(r"(?i)收费标准\s*[:：]".to_string()),
        Just(r"x{0,50}".to_string()),
        term().prop_map(|t| regex::escape(&t)),
    ]
}

fn places() -> impl Strategy<Value = Option<Vec<&'static str>>> {
    proptest::option::of(proptest::sample::subsequence(
        vec!["column", "title", "link", "url"],
        1..=4,
    ))
}

fn toml_str(s: &str) -> String {
    // A TOML basic string is a JSON string for everything the generators make.
    serde_json::to_string(s).expect("a string serialises")
}

fn toml_list<S: AsRef<str>>(v: &[S]) -> String {
    let items: Vec<String> = v.iter().map(|s| toml_str(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// Float as TOML writes it (`{:?}` gives `1e300`, which TOML reads, and always a dot or an `e`).
fn toml_f64(x: f64) -> String {
    format!("{x:?}")
}

/// The keys of a rule's header with hostile points.
fn header() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("veto"),
            Just("major"),
            Just("minor"),
            Just("advisory")
        ],
        points(),
        proptest::option::of(points()),
        proptest::option::of(points()),
        "\\PC{1,20}",
    )
        .prop_map(|(severity, deduct, per_item, cap, words)| {
            let mut h = format!(
                "name = {n}\nname_en = {n}\nbasis = {n}\nseverity = \"{severity}\"\ndeduct = {}\nremedy = {n}\n",
                toml_f64(deduct),
                n = toml_str(&words)
            );
            if let Some(p) = per_item {
                h.push_str(&format!("per_item = {}\n", toml_f64(p)));
            }
            if let Some(c) = cap {
                h.push_str(&format!("cap = {}\n", toml_f64(c)));
            }
            h
        })
}

const CLASSES: &[&str] = &["news", "notice", "policy"];

/// One rule body of each check kind, with hostile values.
fn body() -> impl Strategy<Value = String> {
    let opt_age = || proptest::option::of(age());
    let document = (
        terms(),
        places(),
        proptest::collection::vec(
            (
                term(),
                proptest::collection::vec(term(), 0..3),
                any::<bool>(),
            ),
            0..3,
        ),
        proptest::collection::vec(prop_oneof![pattern().prop_map(Some), Just(None)], 0..3),
        opt_age(),
        proptest::option::of((
            month_day(),
            any::<bool>(),
            proptest::option::of(month_day()),
        )),
    )
        .prop_map(|(find, wh, require, forbid, max_age, due)| {
            let mut b = format!("check = \"document\"\nfind = {}\n", toml_list(&find));
            if let Some(w) = wh {
                b.push_str(&format!("where = {}\n", toml_list(&w)));
            }
            if let Some(a) = max_age {
                b.push_str(&format!("max_age = {}\n", toml_str(&a)));
            }
            if let Some((by, previous, province)) = due {
                b.push_str(&format!(
                    "due = {{ by = {}, covers = \"{}\"{} }}\n",
                    toml_str(&by),
                    if previous { "previous" } else { "current" },
                    province
                        .map(|p| format!(", province = {{ \"42\" = {} }}", toml_str(&p)))
                        .unwrap_or_default()
                ));
            }
            for (label, any, phone) in require {
                // A requirement needs `any` terms or `phone` labels.
                let any = if any.is_empty() && !phone {
                    vec![label.clone()]
                } else {
                    any
                };
                b.push_str(&format!(
                    "[[rule.require]]\nlabel = {}\nany = {}\n{}",
                    toml_str(&label),
                    toml_list(&any),
                    if phone {
                        "phone = [\"\", \"投诉\"]\n"
                    } else {
                        ""
                    }
                ));
            }
            for f in forbid {
                b.push_str("[[rule.forbid]]\nlabel = \"身份证\"\n");
                match f {
                    Some(p) => b.push_str(&format!("pattern = {}\n", toml_str(&p))),
                    None => b.push_str("detect = \"cn_resident_id\"\n"),
                }
            }
            b
        });
    let column = (proptest::sample::select(CLASSES), opt_age()).prop_map(|(c, a)| {
        format!(
            "check = \"column\"\nclass = \"{c}\"\n{}",
            a.map(|a| format!("max_age = {}\n", toml_str(&a)))
                .unwrap_or_default()
        )
    });
    let stale = (
        proptest::sample::subsequence(CLASSES.to_vec(), 1..=3),
        prop_oneof![Just(1u32), Just(u32::MAX), 1u32..10],
        opt_age(),
    )
        .prop_map(|(cs, t, a)| {
            format!(
                "check = \"stale_columns\"\nclasses = {}\nthreshold = {t}\n{}",
                toml_list(&cs),
                a.map(|a| format!("max_age = {}\n", toml_str(&a)))
                    .unwrap_or_default()
            )
        });
    let blank = prop_oneof![Just(1u32), Just(u32::MAX), 1u32..10]
        .prop_map(|t| format!("check = \"blank_columns\"\nthreshold = {t}\n"));
    let dead = (
        proptest::sample::select(vec!["home", "other", "all"]),
        proptest::option::of(prop_oneof![Just(1u32), Just(u32::MAX), 1u32..10]),
    )
        .prop_map(|(l, t)| {
            format!(
                "check = \"dead_links\"\nlinks = \"{l}\"\n{}",
                t.map(|t| format!("threshold = {t}\n")).unwrap_or_default()
            )
        });
    let home = age().prop_map(|a| format!("check = \"home_fresh\"\nmax_age = {}\n", toml_str(&a)));
    let phone = terms().prop_map(|t| format!("check = \"phone\"\nfind = {}\n", toml_list(&t)));
    let annual = (
        terms(),
        places(),
        proptest::sample::select(vec!["sections", "tables", "arithmetic", "template"]),
    )
        .prop_map(|(t, w, a)| {
            format!(
                "check = \"annual_report\"\nfind = {}\naspect = \"{a}\"\n{}",
                toml_list(&t),
                w.map(|w| format!("where = {}\n", toml_list(&w)))
                    .unwrap_or_default()
            )
        });
    let forged = (
        age(),
        proptest::option::of((age(), prop_oneof![Just(1u32), Just(u32::MAX), 1u32..5])),
    )
        .prop_map(|(lag, batch)| {
            let mut b = format!("check = \"forged_dates\"\nmax_lag = {}\n", toml_str(&lag));
            // `batch_lag` and `threshold` go together.
            if let Some((a, t)) = batch {
                b.push_str(&format!("batch_lag = {}\nthreshold = {t}\n", toml_str(&a)));
            }
            b
        });
    let identity = Just("check = \"site_identity\"\n".to_string());
    prop_oneof![
        document, column, stale, blank, dead, home, phone, annual, forged, identity
    ]
}

/// A whole pack: scoring with a hostile base and grade bands, three classes, and rules of every
/// kind (each kind at least once, then more at random).
fn pack_text() -> impl Strategy<Value = String> {
    let base = prop_oneof![
        Just(100.0),
        Just(5e-324),
        Just(0.1),
        Just(1e300),
        Just(f64::MAX)
    ];
    let kinds = proptest::collection::vec((header(), body()), 10..16);
    // Every class has its age, so a `column` rule may leave its own out.
    let class_ages = proptest::collection::vec(age(), 3);
    (
        base,
        proptest::collection::vec(points(), 0..4),
        class_ages,
        kinds,
    )
        .prop_map(|(base, mut mins, ages, rules)| {
            mins.sort_by(|a, b| b.total_cmp(a));
            let mut t = String::from(
                "[pack]\nid = \"hostile\"\nname = \"恶意规则包\"\ntimezone = \"Asia/Shanghai\"\n\n",
            );
            t.push_str(&format!("[scoring]\nbase = {}\n", toml_f64(base)));
            t.push_str("veto_grade = { zh = \"不合格\", en = \"fail\", pass = false }\n");
            for m in &mins {
                t.push_str(&format!(
                    "[[scoring.grade]]\nmin = {}\nzh = \"档\"\nen = \"band\"\npass = true\n",
                    toml_f64(*m)
                ));
            }
            // The last band catches everything.
            t.push_str("[[scoring.grade]]\nmin = 0.0\nzh = \"差\"\nen = \"poor\"\npass = false\n");
            let names = [
                ("news", "[\"工作动态\", \"要闻\", \".*\"]"),
                ("notice", "[\"通知公告\", \"😀\"]"),
                ("policy", "[\"政策文件\", \"年\"]"),
            ];
            for ((id, n), a) in names.iter().zip(&ages) {
                t.push_str(&format!(
                    "\n[[class]]\nid = \"{id}\"\nname = \"{id}\"\nnames = {n}\nmax_age = {}\n",
                    toml_str(a)
                ));
            }
            for (i, (head, body)) in rules.iter().enumerate() {
                // The header's scalar keys must come before the body's sub-tables.
                let (scalars, tables) = match body.find("[[rule.") {
                    Some(at) => body.split_at(at),
                    None => (body.as_str(), ""),
                };
                t.push_str(&format!(
                    "\n[[rule]]\nid = \"H-{i}\"\n{head}{scalars}{tables}"
                ));
            }
            t
        })
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn any_pack_the_loader_accepts_audits_and_scores_within_bounds(
        text in pack_text(),
        as_of in as_of(),
    ) {
        let pack = gongkai::rules::load_str("hostile.toml", &text);
        prop_assert!(pack.is_ok(), "the generator wrote a pack the loader refuses: {:?}\n{}", pack.err(), text);
        let pack = pack.expect("checked above");
        let findings = audit::audit(&SMALL_SITE, &pack, as_of);
        let report = report_of(&SMALL_SITE, &pack, as_of, findings);
        check_score(&report.findings, &report.score, &pack)?;
        check_renders(&report)?;
    }
}

proptest! {
    #![proptest_config(config(12))]

    /// Both at once: a hostile pack's patterns, terms and ages on hostile pages.
    #[test]
    fn hostile_packs_on_hostile_pages(text in pack_text(), site in hostile_site(), as_of in as_of()) {
        let pack = gongkai::rules::load_str("hostile.toml", &text);
        prop_assert!(pack.is_ok(), "the generator wrote a pack the loader refuses: {:?}", pack.err());
        let pack = pack.expect("checked above");
        let mut model = build_site(&site);
        model.ignore_future(as_of);
        let findings = audit::audit(&model, &pack, as_of);
        let report = report_of(&model, &pack, as_of, findings);
        check_score(&report.findings, &report.score, &pack)?;
        check_renders(&report)?;
    }
}

/// The properties above must be able to fail: a pack that deducts the largest finite number of
/// points per item on a site with two dead links.
#[test]
fn the_largest_deductions_stay_finite() {
    let text = format!(
        r#"[pack]
id = "huge"
name = "极端扣分"
[scoring]
base = {max}
veto_grade = {{ zh = "不合格", en = "fail", pass = false }}
[[scoring.grade]]
min = 0.0
zh = "合格"
en = "pass"
pass = true

[[rule]]
id = "H-DEAD"
check = "dead_links"
name = "死链"
basis = "测试"
severity = "major"
per_item = {max}
remedy = "修复"

[[rule]]
id = "H-DEDUCT"
check = "blank_columns"
threshold = 1
name = "空白栏目"
basis = "测试"
severity = "minor"
deduct = {max}
remedy = "补充"
"#,
        max = toml_f64(f64::MAX)
    );
    let pack = gongkai::rules::load_str("huge.toml", &text).expect("the loader accepts it");
    let as_of = jiff::civil::date(2026, 11, 26);
    let findings = audit::audit(&SMALL_SITE, &pack, as_of);
    let by_id: HashMap<&str, &Finding> = findings.iter().map(|f| (f.rule_id.as_str(), f)).collect();
    for id in ["H-DEAD", "H-DEDUCT"] {
        let f = by_id[id];
        assert_eq!(f.status, Status::Gap, "{id}: {:?}", f.message);
        assert!(
            f.deduction.is_finite() && f.deduction > 0.0,
            "{id}: {}",
            f.deduction
        );
    }
    let score = audit::score(&findings, &pack.scoring);
    assert!(score.points.is_finite() && score.points >= 0.0, "{score:?}");
    assert!(
        score.deductions.is_finite() && score.deductions <= pack.scoring.base,
        "{score:?}"
    );
}
