//! TRS WCM (拓尔思), the "t-date" dialect (research: cn-site-structure §1.1): documents at
//! `<column>/YYYYMM/tYYYYMMDD_<docid>.html`, list pages `index.html`, `index_1.html` ... named
//! by a `createPageHTML(...)` script, `DocId`/`ChnlId` meta tags.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;
use url::Url;

use super::{Cms, Page, Script};
use crate::extract::dates;

pub struct Trs;

static CREATE_PAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"createPageHTML\(\s*(?:['"][^'"]*['"]\s*,\s*([0-9]+)\s*,\s*([0-9]+)\s*,\s*['"]([\w-]+)['"]\s*,\s*['"](\w+)['"]\s*,\s*[0-9]+|([0-9]+)\s*,\s*([0-9]+)\s*,\s*['"]([\w-]+)['"]\s*,\s*['"](\w+)['"])\s*\)"#,
    )
    .expect("valid regex")
});
static URL_T: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/t([0-9]{4})([0-9]{2})([0-9]{2})_[0-9]+").expect("valid regex"));

impl Cms for Trs {
    fn name(&self) -> &'static str {
        "trs"
    }

    fn detect(&self, page: &Page<'_>) -> bool {
        page.marked(self)
            || (page.url.path().contains("/t") && URL_T.is_match(page.url.path()))
            || (page.meta("DocId").is_some() && page.meta("ChnlId").is_some())
    }

    fn script_marks(&self) -> &'static [&'static str] {
        &["createPageHTML"]
    }

    /// Pages named by a `createPageHTML(...)` call, in both signatures: the classic
    /// `(count, current0, "index", "html")` where page k is `index_{k-1}`, and the newer
    /// `('div', count, current1, 'prefix', 'ext', total)` where page n is `prefix_n`.
    fn pagination(&self, page: &Page<'_>, script: &Script<'_>, out: &mut Vec<Url>) {
        for c in CREATE_PAGE.captures_iter(&script.code) {
            let names: Vec<String> =
                if let (Some(n), Some(p), Some(e)) = (c.get(1), c.get(3), c.get(4)) {
                    let n: usize = n.as_str().parse().unwrap_or(0).min(1000);
                    (2..=n)
                        .map(|i| format!("{}_{}.{}", p.as_str(), i, e.as_str()))
                        .collect()
                } else if let (Some(n), Some(p), Some(e)) = (c.get(5), c.get(7), c.get(8)) {
                    let n: usize = n.as_str().parse().unwrap_or(0).min(1000);
                    (1..n)
                        .map(|i| format!("{}_{}.{}", p.as_str(), i, e.as_str()))
                        .collect()
                } else {
                    continue;
                };
            out.extend(names.iter().filter_map(|n| page.base.join(n).ok()));
        }
    }

    /// `t20260315_123.html`: the document's creation date, not its publish date.
    fn url_date(&self, url: &str) -> Option<Date> {
        let c = URL_T.captures(url)?;
        dates::civil(&c[1], &c[2], &c[3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::cms::tests::{family, page};
    use crate::extract::{TextPolicy, extract};
    use jiff::civil::date;

    #[test]
    fn newer_create_page_signature() {
        let html = r#"<script>createPageHTML('page_div',3, 1,'dezlist','shtml',149);</script>"#;
        let (_, links) = extract(
            &page("http://a.cn/x/dezlist.shtml", html),
            &TextPolicy::default(),
        );
        let urls: Vec<String> = links.iter().map(|d| d.url.to_string()).collect();
        assert_eq!(
            urls,
            vec![
                "http://a.cn/x/dezlist_2.shtml",
                "http://a.cn/x/dezlist_3.shtml"
            ]
        );
    }

    #[test]
    fn classic_create_page_signature_counts_from_index_1() {
        let html = r#"<ul><li><a href="./202611/t20261120_1.html">一</a><span>2026-11-20</span></li></ul>
<script>createPageHTML(3, 0, "index", "html");</script>"#;
        let (_, links) = extract(
            &page("http://a.cn/gzdt/index.html", html),
            &TextPolicy::default(),
        );
        let urls: Vec<String> = links.iter().map(|d| d.url.to_string()).collect();
        assert!(urls.contains(&"http://a.cn/gzdt/index_1.html".to_string()));
        assert!(urls.contains(&"http://a.cn/gzdt/index_2.html".to_string()));
        assert!(!urls.iter().any(|u| u.contains("index_3")));
        // The same call in text that is no script names no pages.
        let text = r#"<p>createPageHTML(3, 0, "index", "html");</p>"#;
        let (_, links) = extract(
            &page("http://a.cn/gzdt/index.html", text),
            &TextPolicy::default(),
        );
        assert!(links.is_empty());
    }

    #[test]
    fn dates_in_trs_urls() {
        assert_eq!(
            Trs.url_date("https://x.gov.cn/zwgk/202303/t20230329_45634.htm"),
            Some(date(2023, 3, 29))
        );
        assert_eq!(Trs.url_date("/zwgk/index_1.html"), None);
        // Not a date: month 13.
        assert_eq!(Trs.url_date("/zwgk/202313/t20231301_1.htm"), None);
    }

    #[test]
    fn trs_is_told_by_its_meta_tags_url_or_pagination_script() {
        let html = |head: &str| format!("<html><head>{head}</head><body><p>正文</p></body></html>");
        assert_eq!(
            family(
                "http://a.cn/x.html",
                &html(r#"<meta name="DocId" content="1"><meta name="ChnlId" content="2">"#)
            ),
            "trs"
        );
        assert_eq!(
            family("http://a.cn/gzdt/202611/t20261120_9.html", &html("")),
            "trs"
        );
        assert_eq!(
            family(
                "http://a.cn/gzdt/",
                &html(r#"<script>createPageHTML(2, 0, "index", "html");</script>"#)
            ),
            "trs"
        );
        assert_eq!(family("http://a.cn/gzdt/", &html("")), "generic");
    }
}
