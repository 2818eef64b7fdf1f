//! Property tests for the parts that read untrusted text: the date reader, URL normalisation,
//! phone reading and the page extractor. No input may panic them, and where a value can be
//! written and read back (a date in any of the forms sites use, a URL's query order), it must
//! come back unchanged.

use gongkai::crawl::FetchedPage;
use gongkai::crawl::normalize::{self, UrlKey};
use gongkai::extract::{self, TextPolicy, dates, phones};
use jiff::civil::Date;
use proptest::prelude::*;
use url::Url;

fn page(url: &str, body: Vec<u8>, content_type: Option<&str>) -> FetchedPage {
    let url = Url::parse(url).expect("test URL is valid");
    FetchedPage {
        url: url.clone(),
        final_url: url,
        status: 200,
        content_type: content_type.map(str::to_string),
        body,
        truncated: false,
        depth: 1,
    }
}

/// Any date the reader accepts (it ignores years outside 1990..=2100 as digit noise).
fn date() -> impl Strategy<Value = Date> {
    (1990i16..=2100, 1i8..=12, 1i8..=31)
        .prop_filter_map("a real calendar day", |(y, m, d)| Date::new(y, m, d).ok())
}

/// Full-width digits, as pasted from Word or typed with a Chinese input method.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            '-' => '－',
            _ => c,
        })
        .collect()
}

/// The ways list pages and article headers write one date (research: cn-site-structure §3.1).
fn written(d: Date, form: u8) -> String {
    let (y, m, dd) = (d.year(), d.month(), d.day());
    match form % 8 {
        0 => format!("{y}-{m:02}-{dd:02}"),
        1 => format!("{y}/{m}/{dd}"),
        2 => format!("{y}.{m:02}.{dd:02}"),
        3 => format!("{y}年{m}月{dd}日"),
        4 => format!("[{y}-{m:02}-{dd:02}]"),
        5 => format!("（{y}年{m:02}月{dd:02}日）"),
        6 => full_width(&format!("{y}-{m:02}-{dd:02}")),
        _ => format!("{y} 年 {m} 月 {dd} 日"),
    }
}

/// Text around a date in a list row or header: CJK words, spaces and punctuation, but no digits
/// (digits glued to a date make it another number, which the reader rightly refuses).
fn words() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[关于做好教育工作的通知县局 ：:·|>\u{3000}]{0,12}")
        .expect("valid strategy regex")
}

/// HTML-shaped input: tags real pages use, broken and unclosed, with text, dates and scripts.
fn html_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<ul class=\"list\">".to_string()),
        Just("</ul>".to_string()),
        Just("<li>".to_string()),
        Just("</li>".to_string()),
        Just("<LI><A HREF=\"./t20261120_1.html\">".to_string()),
        Just("<a href=\"javascript:alert('正在建设中')\">".to_string()),
        Just("<a href=\"../index_2.html\" title=\"标题\">".to_string()),
        Just("</a>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("</td></tr></table>".to_string()),
        Just("<dl><dd>".to_string()),
        Just("<div class=\"footer\">".to_string()),
        Just("<div class=\"position\">当前位置：".to_string()),
        Just("</div>".to_string()),
        Just("<script>createPageHTML(5, 0, \"index\", \"html\");</script>".to_string()),
        Just("<script type=\"text/xml\"><record><![CDATA[<li><a href='/art/2026/1/2/art_1_2.html'>x</a></li>]]></record></script>".to_string()),
        Just("<meta name=\"PubDate\" content=\"2026-02-30\">".to_string()),
        Just("<meta name=\"ColumnName\" content=\"通知公告\">".to_string()),
        Just("<base href=\"http://[::1]:0/\">".to_string()),
        Just("<iframe src=\"//other.example:8080/x\">".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<!DOCTYPE html>".to_string()),
        Just("<o:p></o:p>".to_string()),
        Just("发布时间：".to_string()),
        Just("联系电话：0938-6123456".to_string()),
        Just("暂无信息".to_string()),
        Just("&nbsp;&#x3000;&gt;".to_string()),
        date().prop_map(|d| d.to_string()),
        "[\\PC]{0,16}",
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_date_reader_never_panics_and_only_returns_plausible_years(s in "\\PC{0,80}") {
        let norm = dates::normalize_text(&s);
        for (at, d) in dates::dates_in(&norm) {
            prop_assert!(norm.is_char_boundary(at) && at < norm.len());
            prop_assert!((1990..=2100).contains(&d.year()));
        }
        let _ = dates::first_date(&s);
        let _ = dates::last_date(&s);
        let _ = dates::labelled_publish_date(&norm);
        let _ = dates::url_date(&s);
        let _ = dates::parse_iso(&s);
    }

    #[test]
    fn a_written_date_reads_back(d in date(), form in 0u8..8, before in words(), after in words()) {
        let text = format!("{before}{}{after}", written(d, form));
        prop_assert_eq!(dates::first_date(&text), Some(d), "in {:?}", text);
        prop_assert_eq!(dates::last_date(&text), Some(d), "in {:?}", text);
    }

    #[test]
    fn a_labelled_publish_date_reads_back(d in date(), form in 0u8..8, pad in 0usize..3) {
        // Templates pad labels to align them: 发布时间, 发 布 时 间, 发　布　时　间.
        let sep = [" ", "", "\u{3000}"][pad];
        let label = ["发", "布", "时", "间"].join(sep);
        let text = format!("来源：县教育局 {label}：{} 浏览次数：3", written(d, form));
        let norm = dates::normalize_text(&text);
        prop_assert_eq!(dates::labelled_publish_date(&norm), Some(d), "in {:?}", text);
    }

    #[test]
    fn dates_in_urls_read_back(d in date(), id in 1u32..99999) {
        let (y, m, dd) = (d.year(), d.month(), d.day());
        let trs = format!("http://a.cn/gzdt/{y}{m:02}/t{y}{m:02}{dd:02}_{id}.html");
        prop_assert_eq!(dates::url_date(&trs), Some(d));
        let hanweb = format!("http://a.cn/art/{y}/{m}/{dd}/art_{id}_1.html");
        prop_assert_eq!(dates::url_date(&hanweb), Some(d));
    }

    #[test]
    fn normalising_text_is_idempotent_and_keeps_every_character(s in "\\PC{0,80}") {
        let once = dates::normalize_text(&s).into_owned();
        prop_assert_eq!(once.chars().count(), s.chars().count());
        let twice = dates::normalize_text(&once).into_owned();
        prop_assert_eq!(twice, once.clone());
        if s.is_ascii() {
            prop_assert_eq!(&once, &s);
        }
    }

    #[test]
    fn url_normalisation_is_idempotent_and_keys_ignore_query_order_and_fragments(
        path in "(/[a-z0-9_]{1,8}){0,4}/?",
        pairs in proptest::collection::vec(("[a-z]{1,4}", "[a-z0-9%]{0,4}"), 0..5),
        fragment in proptest::option::of("[a-z0-9]{0,6}"),
    ) {
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut s = format!("http://Jyj.Example.GOV.cn:80{path}");
        if !query.is_empty() {
            s.push('?');
            s.push_str(&query.join("&"));
        }
        if let Some(f) = &fragment {
            s.push('#');
            s.push_str(f);
        }
        let u = Url::parse(&s).expect("generated URL is valid");
        let n = normalize::normalize(&u);
        let again = normalize::normalize(&n);
        prop_assert_eq!(again.as_str(), n.as_str());
        prop_assert_eq!(UrlKey::of(&u), UrlKey::of(&n));
        prop_assert!(n.fragment().is_none());
        // Pairs in another order are the same page, as long as each key keeps its values' order.
        let mut reordered = pairs.clone();
        reordered.sort_by(|a, b| b.0.cmp(&a.0));
        let mut r = format!("http://jyj.example.gov.cn{path}");
        if !reordered.is_empty() {
            r.push('?');
            r.push_str(&reordered.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"));
        }
        let ru = Url::parse(&r).expect("generated URL is valid");
        prop_assert_eq!(UrlKey::of(&ru), UrlKey::of(&u), "{} vs {}", r, s);
    }

    #[test]
    fn resolving_any_href_never_panics_and_yields_only_web_urls(href in "\\PC{0,40}", gbk in any::<bool>()) {
        let base = Url::parse("http://jyj.example.gov.cn/xxgk/tzgg/index.html").expect("valid");
        let enc = if gbk { encoding_rs::GBK } else { encoding_rs::UTF_8 };
        if let Some(u) = normalize::resolve_in(&base, &href, enc) {
            prop_assert!(matches!(u.scheme(), "http" | "https"));
        }
    }

    #[test]
    fn phone_reading_never_panics_and_yields_phone_shapes(s in "[\\PC0-9０-９（）()：:、\\-－ ]{0,60}") {
        let norm = dates::normalize_text(&s);
        for p in phones::phones_in(&norm) {
            let digits: String = p.number.chars().filter(char::is_ascii_digit).collect();
            prop_assert!((5..=12).contains(&digits.len()), "{:?} from {:?}", p, s);
            prop_assert!(p.number.chars().all(|c| c.is_ascii_digit() || c == '-'));
        }
    }

    #[test]
    fn extraction_never_panics_on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048), gbk in any::<bool>()) {
        let ct = if gbk { "text/html; charset=gbk" } else { "text/html" };
        let p = page("http://jyj.example.gov.cn/xxgk/index.html", body, Some(ct));
        let (facts, found) = extract::extract(&p, &TextPolicy::everything());
        for d in &found {
            prop_assert!(matches!(d.url.scheme(), "http" | "https"));
        }
        prop_assert!(facts.entries.iter().all(|e| !e.title.is_empty()));
    }

    #[test]
    fn extraction_never_panics_on_broken_html(html in html_soup()) {
        let p = page("http://jyj.example.gov.cn/xxgk/tzgg/index.html", html.clone().into_bytes(), None);
        let (facts, found) = extract::extract(&p, &TextPolicy::everything());
        for d in &found {
            prop_assert!(matches!(d.url.scheme(), "http" | "https"), "{} from {:?}", d.url, html);
        }
        for e in &facts.entries {
            prop_assert!(!e.title.is_empty());
            prop_assert!(e.date.is_none_or(|d| (1990..=2100).contains(&d.year())));
        }
        // Text is whitespace-collapsed: no runs of spaces survive.
        let text = facts.text.unwrap_or_default();
        prop_assert!(!text.contains("  "), "{:?}", text);
    }
}
