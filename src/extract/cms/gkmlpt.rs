//! Guangdong's 政府信息公开目录管理平台 (gkmlpt) and pages drawn like it (research:
//! cn-site-structure §1.3, §4.2): the page holds its data as JSON in a script and draws it with
//! `innerHTML`. A list is a JSON array literal (`var itemObj = [{"title": ..., "url": ...}]`); a
//! document's body is an escaped HTML string (`window._CONFIG = {DETAIL: {"content":
//! "\u003Cp\u003E..."}}`), so a static extractor sees an empty page. The same habit is found on
//! other vendors' sites, which is why these hooks follow the marks in a script and not the
//! detected family (see the module doc of [`super`]).
//!
//! A catalogue page (`/gkmlpt/index`) holds no rows at all: `window._CONFIG` names the site
//! (`SID`) and its categories (`TREE`), and a script fills an empty or "正在加载…" container from
//! the platform's list interface `/gkmlpt/api/all/<cat>?page=N&sid=SID`. That interface is asked
//! here ([`Cms::data_interfaces`]), one request per category and further pages by
//! `classify.post_count`; its answer is JSON (`articles[]`, dates possibly epoch numbers), read by
//! [`super::json_rows`] and named by `classify.name`.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;
use scraper::Html;
use url::Url;

use super::{Cms, Listed, Page, Script};
use crate::extract::{ListEntry, clean, push_text};

pub struct Gkmlpt;

static JSON_ARRAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"=\s*\[\s*\{").expect("valid regex"));
static SID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']?SID["']?\s*:\s*["']([A-Za-z0-9_.-]{1,64})["']"#).expect("valid regex")
});
static TREE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"["']?TREE["']?\s*:\s*\["#).expect("valid regex"));

/// Categories of one catalogue asked for, and pages of one category.
const MAX_CATEGORIES: usize = 200;
const MAX_API_PAGES: u64 = 100;

static JSON_BODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(?:content|contents|body|htmlContent|detail)"\s*:\s*""#).expect("valid regex")
});

/// Script calls that put HTML built from the array into the page.
const ARRAY_DRAWS: [&str; 4] = ["innerHTML", "document.write", ".html(", ".append("];

impl Cms for Gkmlpt {
    fn name(&self) -> &'static str {
        "gkmlpt"
    }

    fn detect(&self, page: &Page<'_>) -> bool {
        page.url.path().contains("/gkmlpt/")
            || page.scripts.iter().any(|s| {
                s.code.contains("_CONFIG")
                    && ["SID", "DETAIL", "TREE"].iter().any(|k| s.code.contains(k))
            })
    }

    fn script_marks(&self) -> &'static [&'static str] {
        // A list needs one of ARRAY_DRAWS; a body needs one of JSON_BODY's keys.
        &[
            "innerHTML",
            "document.write",
            ".html(",
            ".append(",
            "\"content",
            "\"body\"",
            "\"htmlContent\"",
            "\"detail\"",
            "_CONFIG",
        ]
    }

    /// The rows of a list that a script draws from a JSON array literal it holds: claimed when
    /// the script holds such an array and puts HTML into the page, with the rows that parse as
    /// JSON and have a title and a link (possibly none: the list is still drawn by script).
    fn list_rows(
        &self,
        page: &Page<'_>,
        script: &Script<'_>,
        out: &mut Vec<ListEntry>,
    ) -> Option<Listed> {
        let Some(rows) = json_rows(&script.code) else {
            // A catalogue's config (SID and TREE) is the data a script draws the lists from.
            return catalogue(&script.code).map(|_| Listed {
                read: 0,
                drawn: true,
            });
        };
        let before = out.len();
        for (title, href, date) in rows {
            if let Some(url) = page.resolve(&href) {
                out.push(ListEntry { title, url, date });
            }
        }
        Some(Listed {
            read: out.len() - before,
            drawn: true,
        })
    }

    /// An article body held as an escaped HTML string: a browser shows it once a script draws
    /// it, so the audit reads it too rather than reporting the body's items missing.
    fn drawn_text(&self, _page: &Page<'_>, script: &Script<'_>) -> Option<String> {
        json_body(&script.code)
    }

    /// A catalogue's list interface, one request per category of its TREE; on an answer of
    /// that interface, its next page while `classify.post_count` says there is one.
    fn data_interfaces(&self, page: &Page<'_>, _rows_read: usize, out: &mut Vec<Url>) {
        if let Some(answer) = api_answer(page) {
            let count = answer
                .pointer("/classify/post_count")
                .and_then(serde_json::Value::as_u64);
            let shown = answer
                .get("articles")
                .and_then(serde_json::Value::as_array)
                .map_or(0, Vec::len) as u64;
            let n: u64 = page
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
            if let Some(count) = count
                && shown > 0
                && n * shown < count
                && n < MAX_API_PAGES
            {
                let mut next = page.url.clone();
                let pairs: Vec<(String, String)> = page
                    .url
                    .query_pairs()
                    .filter(|(k, _)| k != "page")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                next.query_pairs_mut()
                    .clear()
                    .append_pair("page", &(n + 1).to_string())
                    .extend_pairs(pairs);
                out.push(next);
            }
            return;
        }
        let Some((sid, cats)) = page.scripts.iter().find_map(|s| catalogue(&s.code)) else {
            return;
        };
        // The interface lives beside the platform's pages: `/gkmlpt/` of the page's own path
        // (a county portal may put the platform under a prefix), else the host's.
        let path = page.url.path();
        let root = path
            .find("/gkmlpt/")
            .map_or("/gkmlpt/", |i| &path[..i + "/gkmlpt/".len()]);
        for cat in cats.into_iter().take(MAX_CATEGORIES) {
            let mut u = page.url.clone();
            u.set_path(&format!("{root}api/all/{cat}"));
            u.set_fragment(None);
            u.query_pairs_mut()
                .clear()
                .append_pair("page", "1")
                .append_pair("sid", &sid);
            out.push(u);
        }
    }

    /// An answer of the list interface names its category.
    fn document_column(&self, page: &Page<'_>) -> Option<String> {
        let name = api_answer(page)?
            .pointer("/classify/name")?
            .as_str()
            .map(clean)?;
        (!name.is_empty()).then_some(name)
    }
}

/// The JSON answer of `/gkmlpt/api/all/<cat>`, when the page is one.
fn api_answer(page: &Page<'_>) -> Option<serde_json::Value> {
    if !page.url.path().contains("/api/all/") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(page.text.trim()).ok()?;
    (v.get("articles").is_some() || v.get("classify").is_some()).then_some(v)
}

/// The SID and category ids of a catalogue config (`window._CONFIG = {SID:'…', TREE:[…]}`).
/// Categories nest (`children`); every id is asked, the platform lists a parent's own posts.
fn catalogue(code: &str) -> Option<(String, Vec<u64>)> {
    if !code.contains("_CONFIG") {
        return None;
    }
    let sid = SID.captures(code)?[1].to_string();
    let open = TREE.find(code)?.end() - 1;
    let tree = serde_json::Deserializer::from_str(&code[open..])
        .into_iter::<serde_json::Value>()
        .next()
        .and_then(Result::ok)
        .unwrap_or(serde_json::Value::Null);
    let mut cats = Vec::new();
    let mut stack = vec![&tree];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Array(a) => stack.extend(a.iter().rev()),
            serde_json::Value::Object(o) => {
                if let Some(id) = o.get("id").and_then(|i| {
                    i.as_u64()
                        .or_else(|| i.as_str().and_then(|s| s.parse().ok()))
                }) && !cats.contains(&id)
                {
                    cats.push(id);
                }
                if let Some(c) = o.get("children") {
                    stack.push(c);
                }
            }
            _ => {}
        }
    }
    Some((sid, cats))
}

/// `Some` when `code` holds a JSON array literal and puts HTML into the page, with the rows that
/// parse and have a title and a link.
fn json_rows(code: &str) -> Option<Vec<(String, String, Option<Date>)>> {
    let start = JSON_ARRAY.find(code)?.end();
    if !ARRAY_DRAWS.iter().any(|k| code.contains(k)) {
        return None;
    }
    let open = code[..start].rfind('[')?;
    let Some(Ok(serde_json::Value::Array(items))) =
        serde_json::Deserializer::from_str(&code[open..])
            .into_iter::<serde_json::Value>()
            .next()
    else {
        return Some(Vec::new());
    };
    Some(items.iter().filter_map(super::json_row).collect())
}

/// The text of the HTML strings held under a body key (`"content": "\u003Cp\u003E..."`).
fn json_body(code: &str) -> Option<String> {
    let mut text = String::new();
    for m in JSON_BODY.find_iter(code) {
        // The match ends just after the opening quote of the string value.
        let value = &code[m.end() - 1..];
        let Some(Ok(html)) = serde_json::Deserializer::from_str(value)
            .into_iter::<String>()
            .next()
        else {
            continue;
        };
        if !html.contains('<') {
            continue;
        }
        let frag = Html::parse_fragment(&html);
        for t in frag.root_element().text() {
            push_text(&mut text, t);
        }
    }
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::cms::tests::{family, page};
    use crate::extract::{PageKind, TextPolicy, extract};

    #[test]
    fn a_list_drawn_from_a_json_array_in_the_page_is_read() {
        let html = r#"<html><head><meta charset="utf-8"><meta name="ColumnName" content="通知公告"></head><body>
<ul class="list" id="tzgg-list"></ul>
<script>var itemObj = [{"title": "关于做好冬季校园安全工作的通知", "url": "/gkmlpt/content/2/2802/post_2802311.html", "date": "2026-11-21"},
{"aT": "教师资格认定公告", "aU": "./post_2803120.html", "aPd": "2026-10-30 17:00"}, {"title": "no link"}];
var html = '';
for (var i = 0; i < itemObj.length; i++) { html += '<li>' + itemObj[i].title + '</li>'; }
document.getElementById('tzgg-list').innerHTML = html;</script></body></html>"#;
        let (f, links) = extract(
            &page("http://127.0.0.1/gkmlpt/tzgg.html", html),
            &TextPolicy::default(),
        );
        assert_eq!(f.kind, PageKind::List);
        let rows: Vec<(&str, &str, Option<Date>)> = f
            .entries
            .iter()
            .map(|e| (e.title.as_str(), e.url.path(), e.date))
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    "关于做好冬季校园安全工作的通知",
                    "/gkmlpt/content/2/2802/post_2802311.html",
                    Some(jiff::civil::date(2026, 11, 21))
                ),
                (
                    "教师资格认定公告",
                    "/gkmlpt/post_2803120.html",
                    Some(jiff::civil::date(2026, 10, 30))
                ),
            ]
        );
        assert!(
            links
                .iter()
                .any(|d| d.url.path() == "/gkmlpt/post_2803120.html")
        );
        // An array the extractor cannot read still means the list is drawn by script, not empty.
        let broken = html.replace("[{\"title\"", "[{title");
        let (f, _) = extract(
            &page("http://127.0.0.1/gkmlpt/tzgg.html", &broken),
            &TextPolicy::default(),
        );
        assert!(f.entries.is_empty());
        assert!(f.js_templates);
        // A page that holds data but draws nothing with it is not a list.
        let (f, _) = extract(
            &page(
                "http://127.0.0.1/a.html",
                r#"<html><body><p>正文</p><script>var cfg = [{"title": "x", "url": "/y.html"}];</script></body></html>"#,
            ),
            &TextPolicy::default(),
        );
        assert!(f.entries.is_empty());
    }

    #[test]
    fn an_article_body_held_as_an_escaped_html_string_is_read_when_a_script_draws_it() {
        let data = r#"<script>window._CONFIG = {DETAIL:{"title": "x", "content": "\u003Cp\u003E\u6536\u8d39\u9879\u76ee\uff1a\u4f4f\u5bbf\u8d39\u003C\/p\u003E\u003Cp\u003E\u6295\u8bc9\u7535\u8bdd\uff1a0753-7862119\u003C\/p\u003E"}};</script>"#;
        let drawn = format!(
            "<html><head>{data}</head><body><div id=\"content\"></div><script>document.getElementById('content').innerHTML = window._CONFIG.DETAIL.content;</script></body></html>"
        );
        let policy = TextPolicy::everything();
        let (f, _) = extract(
            &page("http://a.cn/gkmlpt/content/1/post_1.html", &drawn),
            &policy,
        );
        assert!(
            f.text
                .as_deref()
                .is_some_and(|t| t.contains("收费项目:住宿费")),
            "{:?}",
            f.text
        );
        assert_eq!(f.phones.len(), 1);
        assert_eq!(f.phones[0].label.as_deref(), Some("投诉电话"));
        // Data that no script draws is not page text.
        let undrawn = format!("<html><head>{data}</head><body><p>正文</p></body></html>");
        let (f, _) = extract(&page("http://a.cn/x.html", &undrawn), &policy);
        assert_eq!(f.text.as_deref(), Some("正文"));
    }

    #[test]
    fn the_same_json_list_is_read_on_a_site_of_another_family() {
        // A Hanweb column page that draws a JSON array: read whatever the family.
        let html = r#"<html><head><meta name="ColumnName" content="通知公告"></head><body><ul id="l"></ul>
<script>var itemObj = [{"aT": "疾控工作通知", "aU": "/art/2026/9/21/art_5_1.html", "aPd": "2026-09-21 17:00"}];
$('#l').html(itemObj.map(function (o) { return '<li>' + o.aT + '</li>'; }).join(''));</script></body></html>"#;
        let (f, _) = extract(
            &page("http://a.cn/col/col5/index.html", html),
            &TextPolicy::default(),
        );
        assert_eq!(family("http://a.cn/col/col5/index.html", html), "hanweb");
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].date, Some(jiff::civil::date(2026, 9, 21)));
    }

    #[test]
    fn gkmlpt_is_told_by_its_path_or_its_config_script() {
        assert_eq!(
            family(
                "http://a.cn/zwgk/index.html",
                "<html><head><script>window._CONFIG = {SID:'a', TREE:[]};</script></head><body></body></html>"
            ),
            "gkmlpt"
        );
        assert_eq!(
            family("http://a.cn/gkmlpt/index", "<html><body></body></html>"),
            "gkmlpt"
        );
        assert_eq!(
            family(
                "http://a.cn/zwgk/index.html",
                "<html><head><script>var CONFIG_SID = 1;</script></head><body></body></html>"
            ),
            "generic"
        );
    }
}
