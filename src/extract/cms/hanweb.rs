//! Hanweb 大汉 JCMS, classic `jpage` (research: cn-site-structure §1.2): columns at
//! `/col/col<id>/index.html`, documents at `/art/YYYY/M/D/art_<col>_<id>.html`. A column page
//! ships its first records as CDATA in `<script type="text/xml"><datastore>`, and the jpage
//! script asks `dataproxy.jsp` for the rest, which answers with the same XML datastore.
//!
//! Hanweb's newer jpaas sites keep the same URLs but ship no records: a list's element carries
//! `queryData="{'webId':…,'pageId':…}"` (with `rows` per page), and a script builds the list from
//! `/api-gateway/jpaas-publish-server/front/page/build/unit?…&parseType=bulidstatic&pageNo=N`,
//! which answers JSON `{data: {html}}` (rows read by [`super::json_document_rows`]).

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;
use scraper::{Html, Selector};
use url::Url;

use super::{Cms, Listed, Page, Script};
use crate::extract::{ListEntry, clean, dates, prefix};

pub struct Hanweb;

static ROW_LINKS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("static selector is valid"));
static CDATA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<!\[CDATA\[(.*?)\]\]>").expect("valid regex"));
static NEXTGROUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<nextgroup>\s*<!\[CDATA\[\s*<a[^>]*?href\s*=\s*['"]([^'"]+)['"]"#)
        .expect("valid regex")
});
static TOTAL_RECORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"totalRecord\s*:\s*([0-9]{1,7})").expect("valid regex"));
static PER_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"perPage\s*:\s*([0-9]{1,4})").expect("valid regex"));
static URL_ART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/art/([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})/").expect("valid regex")
});

/// How many record batches of one column the extractor asks `dataproxy.jsp` for.
const MAX_DATAPROXY_PAGES: usize = 100;

/// The jpaas list interface, on the site's own host.
const JPAAS_UNIT: &str = "/api-gateway/jpaas-publish-server/front/page/build/unit";
/// Pages of one jpaas list asked for.
const MAX_JPAAS_PAGES: u32 = 100;
static QUERY_DATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<[a-z]+\b[^>]*?\squerydata\s*=\s*"(\{[^"]{1,2000}\})"[^>]*>"#)
        .expect("valid regex")
});
static ROWS_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\srows\s*=\s*["']?([0-9]{1,3})"#).expect("valid regex"));

/// Whether the start of a document says it is a datastore rather than an HTML page.
fn is_datastore(text: &str) -> bool {
    let head = prefix(text, 1024);
    head.contains("<datastore") && !head.to_ascii_lowercase().contains("<html")
}

impl Cms for Hanweb {
    fn name(&self) -> &'static str {
        "hanweb"
    }

    fn detect(&self, page: &Page<'_>) -> bool {
        // Cheapest first: this runs on every page of every site.
        let path = page.url.path();
        path.starts_with("/col/col")
            || path.ends_with("/dataproxy.jsp")
            || path == JPAAS_UNIT
            || (path.contains("/art/") && URL_ART.is_match(path))
            || page.scripts.iter().any(|s| {
                (s.xml && s.holds("<record"))
                    || s.holds(".jpage(")
                    || s.src.is_some_and(|src| src.contains("jpage"))
            })
            || page.meta("i_columnid").is_some()
            || is_datastore(page.text)
    }

    fn script_marks(&self) -> &'static [&'static str] {
        &["<record"]
    }

    fn fill_calls(&self) -> &'static [&'static str] {
        &[".jpage(", "dataproxy"]
    }

    /// The records in `<script type="text/xml">`: an HTML parser never sees those links.
    fn list_rows(
        &self,
        page: &Page<'_>,
        script: &Script<'_>,
        out: &mut Vec<ListEntry>,
    ) -> Option<Listed> {
        if !script.xml || !script.code.contains("<record") {
            return None;
        }
        Some(Listed {
            read: records(page, &script.code, out),
            drawn: false,
        })
    }

    /// A `dataproxy.jsp` answer is the same datastore, as a document of its own.
    fn document_rows(&self, page: &Page<'_>, out: &mut Vec<ListEntry>) {
        if is_datastore(page.text) {
            records(page, page.text, out);
        }
    }

    /// The `dataproxy.jsp` requests that give a column's records beyond those in its page: the
    /// `<nextgroup>` link with `startrecord`/`endrecord`/`perpage`, as the jpage script asks
    /// for them, up to `totalRecord`.
    fn data_interfaces(&self, page: &Page<'_>, rows_read: usize, out: &mut Vec<Url>) {
        jpaas_units(page, out);
        // The last script that says wins, as before the adapters.
        let (mut next, mut total, mut per_page) = (None, None, None);
        for s in page.scripts {
            if let Some(c) = TOTAL_RECORD.captures(&s.code) {
                total = c[1].parse::<usize>().ok();
            }
            if let Some(c) = PER_PAGE.captures(&s.code) {
                per_page = c[1].parse::<usize>().ok();
            }
            if s.xml
                && s.code.contains("<record")
                && let Some(c) = NEXTGROUP.captures(&s.code)
            {
                next = crate::crawl::normalize::resolve_in(page.base, &c[1], page.encoding);
            }
        }
        if let (Some(next), Some(total)) = (&next, total) {
            out.extend(dataproxy_pages(
                next,
                rows_read,
                total,
                per_page.unwrap_or(15),
            ));
        }
    }

    /// `/art/2026/3/15/`: the document's creation date (month and day not zero-padded).
    fn url_date(&self, url: &str) -> Option<Date> {
        let c = URL_ART.captures(url)?;
        dates::civil(&c[1], &c[2], &c[3])
    }

    /// A `dataproxy.jsp?...&columnid=4521` batch belongs to the column `/col/col4521/`; the
    /// pages of one jpaas list are its query without `pageNo`.
    fn column_key(&self, url: &Url) -> Option<String> {
        if url.path() == JPAAS_UNIT {
            let mut pairs: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "pageNo")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            pairs.sort();
            let mut u = url.clone();
            u.query_pairs_mut().clear().extend_pairs(pairs);
            return Some(u.to_string());
        }
        if !url.path().ends_with("/dataproxy.jsp") {
            return None;
        }
        let (_, id) = url
            .query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case("columnid"))?;
        (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            .then(|| format!("{}/col/col{id}/", url.origin().ascii_serialization()))
    }
}

/// jpaas list requests: on a column page, the first page of each list its `queryData` names;
/// on an answer, the next page while the answer is a full page of rows.
fn jpaas_units(page: &Page<'_>, out: &mut Vec<Url>) {
    if page.url.path() == JPAAS_UNIT {
        let n: u32 = page
            .url
            .query_pairs()
            .find(|(k, _)| k == "pageNo")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        let per: usize = page
            .url
            .query_pairs()
            .find(|(k, _)| k == "pageSize")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(15);
        let mut rows = Vec::new();
        super::json_document_rows(page, &mut rows);
        if per > 0 && rows.len() >= per && n < MAX_JPAAS_PAGES {
            let pairs: Vec<(String, String)> = page
                .url
                .query_pairs()
                .filter(|(k, _)| k != "pageNo")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut next = page.url.clone();
            next.query_pairs_mut()
                .clear()
                .extend_pairs(pairs)
                .append_pair("pageNo", &(n + 1).to_string());
            out.push(next);
        }
        return;
    }
    for m in QUERY_DATA.captures_iter(page.text).take(20) {
        // Single-quoted JSON, as the pages write it.
        let Ok(serde_json::Value::Object(q)) =
            serde_json::from_str::<serde_json::Value>(&m[1].replace('\'', "\""))
        else {
            continue;
        };
        let tag = m.get(0).map_or("", |t| t.as_str());
        let per = ROWS_ATTR
            .captures(tag)
            .map_or("15".to_string(), |c| c[1].to_string());
        let mut u = page.url.clone();
        u.set_path(JPAAS_UNIT);
        u.set_fragment(None);
        {
            let mut pairs = u.query_pairs_mut();
            pairs.clear();
            for (k, v) in &q {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                pairs.append_pair(k, &v);
            }
            pairs
                .append_pair("parseType", "bulidstatic")
                .append_pair("pageSize", &per)
                .append_pair("pageNo", "1");
        }
        if !out.contains(&u) {
            out.push(u);
        }
    }
}

/// Reads the records of a datastore (`<record><![CDATA[<li><a ...>]]></record>`), each parsed
/// as a fragment. Returns how many it read.
fn records(page: &Page<'_>, code: &str, out: &mut Vec<ListEntry>) -> usize {
    let mut read = 0;
    for c in CDATA.captures_iter(code) {
        let frag = Html::parse_fragment(&c[1]);
        let Some(a) = frag.select(&ROW_LINKS).next() else {
            continue;
        };
        let Some(url) = a.value().attr("href").and_then(|h| page.resolve(h)) else {
            continue;
        };
        let title = a
            .value()
            .attr("title")
            .map(clean)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| clean(&a.text().collect::<String>()));
        if title.is_empty() {
            continue;
        }
        read += 1;
        let date = dates::last_date(&frag.root_element().text().collect::<String>());
        out.push(ListEntry { title, url, date });
    }
    read
}

fn dataproxy_pages(
    next: &Url,
    loaded: usize,
    total: usize,
    per_page: usize,
) -> impl Iterator<Item = Url> + '_ {
    // jpage fetches three pages' worth per request.
    let step = (per_page.max(1) * 3).min(300);
    let mut start = loaded + 1;
    std::iter::from_fn(move || {
        if start > total {
            return None;
        }
        let end = (start + step - 1).min(total);
        let mut u = next.clone();
        u.query_pairs_mut()
            .append_pair("startrecord", &start.to_string())
            .append_pair("endrecord", &end.to_string())
            .append_pair("perpage", &per_page.to_string());
        start = end + 1;
        Some(u)
    })
    .take(MAX_DATAPROXY_PAGES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::cms::tests::{family, page};
    use crate::extract::{PageKind, TextPolicy, extract};
    use jiff::civil::date;

    #[test]
    fn hanweb_records_inside_script_cdata() {
        let html = r#"<html><head><meta name="ColumnName" content="通知公告"></head><body><div id="4521"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webname=石岩县"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href='/art/2026/11/3/art_4521_901.html' title='关于开展冬季校园安全检查的通知'>关于开展冬季校园安全检查的通知</a><span>2026-11-03</span></li>]]></record>
<record><![CDATA[<li><a href='/art/2026/10/9/art_4521_877.html'>秋季学期教学常规检查通知</a><i>2026-10-09</i></li>]]></record>
</recordset></datastore></script></div>
<script>$('#4521').jpage({totalRecord:2,perPage:15});</script></body></html>"#;
        let (f, links) = extract(
            &page("http://a.cn/col/col4521/index.html", html),
            &TextPolicy::default(),
        );
        assert_eq!(f.kind, PageKind::List);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[0].title, "关于开展冬季校园安全检查的通知");
        assert_eq!(f.entries[1].date, Some(jiff::civil::date(2026, 10, 9)));
        assert!(
            links
                .iter()
                .any(|d| d.url.path() == "/art/2026/11/3/art_4521_901.html")
        );
    }

    #[test]
    fn hanweb_later_records_are_asked_of_dataproxy_and_its_xml_is_a_list() {
        let list = r#"<html><head><meta name="ColumnName" content="通知公告"></head><body><div id="9"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&columnid=4522&webname=县局"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href='/art/2026/11/3/art_4522_1.html'>一</a><span>2026-11-03</span></li>]]></record>
<record><![CDATA[<li><a href='/art/2026/11/2/art_4522_2.html'>二</a><span>2026-11-02</span></li>]]></record></recordset>
</datastore></script></div><script>$('#9').jpage({totalRecord:40, perPage:10});</script></body></html>"#;
        let (_, found) = extract(
            &page("http://a.cn/col/col4522/index.html", list),
            &TextPolicy::default(),
        );
        let proxies: Vec<String> = found
            .iter()
            .filter(|d| d.url.path().ends_with("dataproxy.jsp"))
            .map(|d| d.url.query().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            proxies,
            vec![
                "page=1&columnid=4522&webname=%E5%8E%BF%E5%B1%80&startrecord=3&endrecord=32&perpage=10",
                "page=1&columnid=4522&webname=%E5%8E%BF%E5%B1%80&startrecord=33&endrecord=40&perpage=10",
            ]
        );
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><datastore><recordset>
<record><![CDATA[<li><a href='/art/2026/10/9/art_4522_3.html' title='三'>三</a><span>2026-10-09</span></li>]]></record>
</recordset><totalrecord>40</totalrecord></datastore>"#;
        let (f, _) = extract(
            &page(
                "http://a.cn/module/web/jpage/dataproxy.jsp?page=1&columnid=4522&startrecord=3",
                xml,
            ),
            &TextPolicy::default(),
        );
        assert_eq!(f.kind, PageKind::List);
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].date, Some(jiff::civil::date(2026, 10, 9)));
    }

    #[test]
    fn records_that_cannot_be_read_leave_the_list_to_the_script() {
        // The jpage script fills the list in the browser: with no record readable, the column is
        // drawn by script (inconclusive), not empty.
        let html = r#"<html><head><meta name="ColumnName" content="通知公告"></head><body><div id="9"><ul></ul><script type="text/xml"><datastore><recordset>
<record><![CDATA[<li><span>2026-11-03</span></li>]]></record></recordset></datastore></script></div>
<script>$('#9').jpage({totalRecord:1, perPage:10});</script></body></html>"#;
        let (f, _) = extract(
            &page("http://a.cn/col/col9/index.html", html),
            &TextPolicy::default(),
        );
        assert!(f.entries.is_empty());
        assert!(f.js_templates);
    }

    #[test]
    fn dates_in_hanweb_urls() {
        assert_eq!(
            Hanweb.url_date("/art/2026/9/11/art_33718_11828204.html"),
            Some(date(2026, 9, 11))
        );
        assert_eq!(Hanweb.url_date("/col/col33718/index.html"), None);
    }

    #[test]
    fn dataproxy_batches_join_the_column_they_belong_to() {
        let k = |s: &str| crate::extract::cms::column_key(&Url::parse(s).unwrap());
        assert_eq!(
            k("http://a.cn/module/web/jpage/dataproxy.jsp?page=1&columnid=4521&startrecord=4"),
            k("http://a.cn/col/col4521/index.html")
        );
        assert_eq!(
            Hanweb.column_key(&Url::parse("http://a.cn/dataproxy.jsp?columnid=x1").unwrap()),
            None
        );
    }

    #[test]
    fn hanweb_is_told_by_its_urls_meta_or_scripts() {
        let plain = "<html><body><p>正文</p></body></html>";
        assert_eq!(family("http://a.cn/col/col12/index.html", plain), "hanweb");
        assert_eq!(
            family("http://a.cn/art/2026/1/5/art_12_3.html", plain),
            "hanweb"
        );
        assert_eq!(
            family(
                "http://a.cn/x.html",
                r#"<html><head><meta name="i_columnid" content="12"></head><body></body></html>"#
            ),
            "hanweb"
        );
        assert_eq!(
            family(
                "http://a.cn/list.html",
                r#"<html><head><script src="/module/jslib/jquery/jpage/jquery.jpage.js"></script></head><body></body></html>"#
            ),
            "hanweb"
        );
        assert_eq!(
            family("http://a.cn/collection/index.html", plain),
            "generic"
        );
    }
}
