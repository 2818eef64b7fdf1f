//! URL normalisation for deduplication at enqueue time, and link classification.

use serde::{Deserialize, Serialize};
use url::Url;

/// What a link points at, which decides how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// An HTML page: fetched, parsed and followed when in scope.
    Page,
    /// A frame or iframe: fetched like a page (disclosure catalogues often live in one).
    Frame,
    /// A document attachment (pdf, doc, xls ...): only its status is checked.
    Attachment,
    /// An image: only its status is checked.
    Image,
}

impl LinkKind {
    /// Whether the crawler downloads and parses the target.
    pub fn is_followed(self) -> bool {
        matches!(self, LinkKind::Page | LinkKind::Frame)
    }
}

/// File extensions that government sites use for downloadable documents.
const ATTACHMENT_EXT: [&str; 17] = [
    "pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "dps", "ppt", "pptx", "zip", "rar", "7z",
    "ofd", "txt", "csv", "ceb",
];
const IMAGE_EXT: [&str; 7] = ["jpg", "jpeg", "png", "gif", "bmp", "webp", "svg"];

/// Classifies a link found in an `<a href>` by its path extension.
pub fn kind_of_href(url: &Url) -> LinkKind {
    let ext = url
        .path()
        .rsplit('/')
        .next()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some(e) if ATTACHMENT_EXT.contains(&e) => LinkKind::Attachment,
        Some(e) if IMAGE_EXT.contains(&e) => LinkKind::Image,
        _ => LinkKind::Page,
    }
}

/// An `href` that does not navigate anywhere (`javascript:`, `mailto:`, `tel:`, `#`).
pub fn is_non_link(href: &str) -> bool {
    let h = href.trim();
    if h.is_empty() || h.starts_with('#') {
        return true;
    }
    let lower = h.get(..11).unwrap_or(h).to_ascii_lowercase();
    ["javascript:", "mailto:", "tel:", "data:", "about:", "sms:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Resolves `href` against `base` on a UTF-8 page. Raw non-ASCII characters and spaces are
/// percent-encoded by the URL parser, so `webname=江苏省人民政府` becomes a valid URL.
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    resolve_in(base, href, encoding_rs::UTF_8)
}

/// Resolves `href` like a browser on a page in `encoding`: the query of a relative link is
/// percent-encoded in the page's encoding (GBK on many county sites), the path in UTF-8.
pub fn resolve_in(base: &Url, href: &str, encoding: &'static encoding_rs::Encoding) -> Option<Url> {
    // Pages of one directory repeat the same menu, breadcrumb and footer links, and a list page
    // names each row's link twice: each thread remembers what the links of the last directory
    // it saw resolved to. Parsing a URL costs far more than looking it up.
    const KEPT: usize = 512;
    thread_local! {
        static LAST_DIR: std::cell::RefCell<(String, usize, std::collections::HashMap<String, Option<Url>>)> =
            std::cell::RefCell::default();
    }
    let Some(dir) = directory_of(base).filter(|_| depends_only_on_directory(href.trim())) else {
        return resolve_uncached(base, href, encoding);
    };
    let enc = std::ptr::from_ref(encoding) as usize;
    LAST_DIR.with_borrow_mut(|(last, last_enc, seen)| {
        if last != dir || *last_enc != enc {
            last.clear();
            last.push_str(dir);
            *last_enc = enc;
            seen.clear();
        }
        if let Some(u) = seen.get(href) {
            return u.clone();
        }
        let u = resolve_uncached(base, href, encoding);
        if seen.len() < KEPT {
            seen.insert(href.to_string(), u.clone());
        }
        u
    })
}

/// The base URL up to the last `/` of its path: what a reference that is not empty and starts
/// with neither `?` nor `#` is resolved against (RFC 3986 §5.2). `None` for a URL without a
/// path of segments.
fn directory_of(base: &Url) -> Option<&str> {
    if base.cannot_be_a_base() {
        return None;
    }
    let s = &base[..url::Position::AfterPath];
    s.rfind('/').map(|i| &s[..=i])
}

/// Whether resolving `href` (trimmed) depends on the base's directory alone, not on its file
/// name, query or fragment. The parser ignores leading spaces and control characters, so an
/// href starting with one is not judged here.
fn depends_only_on_directory(href: &str) -> bool {
    href.as_bytes()
        .first()
        .is_some_and(|&b| b > b' ' && b != b'?' && b != b'#')
}

fn resolve_uncached(
    base: &Url,
    href: &str,
    encoding: &'static encoding_rs::Encoding,
) -> Option<Url> {
    if is_non_link(href) {
        return None;
    }
    // Stray whitespace and newlines inside hrefs are common in hand-edited templates.
    let href = href.trim();
    let cleaned: std::borrow::Cow<'_, str> = if href.contains(['\n', '\r', '\t']) {
        href.chars()
            .filter(|c| !matches!(c, '\n' | '\r' | '\t'))
            .collect::<String>()
            .into()
    } else {
        href.into()
    };
    let url = if encoding == encoding_rs::UTF_8 || cleaned.is_ascii() {
        base.join(&cleaned).ok()?
    } else {
        fn encoder(
            encoding: &'static encoding_rs::Encoding,
        ) -> impl for<'a> Fn(&'a str) -> std::borrow::Cow<'a, [u8]> {
            move |s| encoding.encode(s).0
        }
        let encode = encoder(encoding);
        Url::options()
            .base_url(Some(base))
            .encoding_override(Some(&encode))
            .parse(&cleaned)
            .ok()?
    };
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The deduplication key of a URL: fragment dropped, host lower-cased and default port removed
/// (both done by the parser), an empty query dropped.
/// A URL's identity after [`normalize`]: 128 bits of a hash of the normalised form. A fifth of
/// the memory of the string in the crawl's sets and the site model's indexes; a collision (odds
/// about 1 in 10^20 at a million URLs) is far rarer than any other failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UrlKey(u128);

impl UrlKey {
    pub fn of(url: &Url) -> UrlKey {
        // Most URLs are already normal: hash them without the copy `normalize` makes.
        let normal = url.fragment().is_none()
            && url
                .query()
                .is_none_or(|q| !q.is_empty() && !q.contains('&'));
        let hash = |u: &Url| UrlKey(xxhash_rust::xxh3::xxh3_128(u.as_str().as_bytes()));
        if normal {
            hash(url)
        } else {
            hash(&normalize(url))
        }
    }
}

pub fn normalize(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    match u.query() {
        Some("") => u.set_query(None),
        // `?a=1&b=2` and `?b=2&a=1` are one page: sort the pairs (stable, so repeated keys keep
        // their order), leaving each pair's encoding as the site wrote it.
        Some(q) if q.contains('&') => {
            let mut pairs: Vec<&str> = q.split('&').filter(|p| !p.is_empty()).collect();
            pairs.sort_by_key(|p| p.split('=').next().unwrap_or_default());
            let sorted = pairs.join("&");
            u.set_query(Some(&sorted));
        }
        _ => {}
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://jyj.example.gov.cn:80/xxgk/fdzdgknr/gzdt/index.html").unwrap()
    }

    #[test]
    fn resolves_relative_forms_and_normalises() {
        let b = base();
        let u = normalize(&resolve(&b, "./202611/t20261120_2101.html#top").unwrap());
        assert_eq!(
            u.as_str(),
            "http://jyj.example.gov.cn/xxgk/fdzdgknr/gzdt/202611/t20261120_2101.html"
        );
        let u = resolve(&b, "../../index.html").unwrap();
        assert_eq!(u.as_str(), "http://jyj.example.gov.cn/xxgk/index.html");
        let u = resolve(&b, "//www.example.gov.cn/a?").unwrap();
        assert_eq!(normalize(&u).as_str(), "http://www.example.gov.cn/a");
        let u = resolve(&b, "HTTP://JYJ.Example.GOV.cn:80/x").unwrap();
        assert_eq!(u.as_str(), "http://jyj.example.gov.cn/x");
    }

    #[test]
    fn query_parameter_order_does_not_matter() {
        let a = normalize(&Url::parse("http://a.cn/list.jsp?page=2&col=7&&").unwrap());
        let b = normalize(&Url::parse("http://a.cn/list.jsp?col=7&page=2").unwrap());
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "http://a.cn/list.jsp?col=7&page=2");
        let c = normalize(&Url::parse("http://a.cn/s?id=1&id=2").unwrap());
        assert_eq!(c.query(), Some("id=1&id=2"));
    }

    #[test]
    fn raw_chinese_in_hrefs_is_percent_encoded() {
        let u = resolve(&base(), "/module/dataproxy.jsp?webname=石岩县&page=2").unwrap();
        assert_eq!(
            u.as_str(),
            "http://jyj.example.gov.cn/module/dataproxy.jsp?webname=%E7%9F%B3%E5%B2%A9%E5%8E%BF&page=2"
        );
        let u = resolve(&base(), "附件/收费 标准.pdf").unwrap();
        assert!(
            u.path()
                .ends_with("/%E9%99%84%E4%BB%B6/%E6%94%B6%E8%B4%B9%20%E6%A0%87%E5%87%86.pdf")
        );
    }

    #[test]
    fn queries_on_gbk_pages_are_encoded_in_gbk() {
        let u = resolve_in(&base(), "dataproxy.jsp?webname=石岩县", encoding_rs::GBK).unwrap();
        assert_eq!(u.query(), Some("webname=%CA%AF%D1%D2%CF%D8"));
        let u = resolve_in(&base(), "收费/a.html?x=石", encoding_rs::GBK).unwrap();
        assert!(
            u.path().ends_with("/%E6%94%B6%E8%B4%B9/a.html"),
            "paths stay UTF-8: {u}"
        );
    }

    #[test]
    fn non_links_are_not_links() {
        for h in [
            "javascript:void(0);",
            "JavaScript:;",
            "mailto:a@b.cn",
            "tel:12345",
            "#",
            "",
            "  #top",
        ] {
            assert!(resolve(&base(), h).is_none(), "{h}");
        }
        assert!(resolve(&base(), "ftp://x.cn/a").is_none());
    }

    #[test]
    fn classifies_attachments_and_images() {
        let k = |s: &str| kind_of_href(&Url::parse(s).unwrap());
        assert_eq!(k("http://a.cn/x/P020260310.PDF"), LinkKind::Attachment);
        assert_eq!(k("http://a.cn/x/form.docx"), LinkKind::Attachment);
        assert_eq!(k("http://a.cn/x/W0201.jpg"), LinkKind::Image);
        assert_eq!(k("http://a.cn/x/index.shtml"), LinkKind::Page);
        assert_eq!(k("http://a.cn/x/"), LinkKind::Page);
    }

    proptest::proptest! {
        /// The per-thread memo answers as parsing would, whatever order pages and links come in:
        /// bases share directories, differ in file, query and fragment, and hrefs start with
        /// anything a template writes.
        #[test]
        fn remembered_links_resolve_as_parsed(
            pages in proptest::collection::vec((
                proptest::sample::select(vec![
                    "http://a.cn/xxgk/", "http://a.cn/xxgk/gzdt/", "https://a.cn/xxgk/",
                    "http://b.cn:8080/xxgk/",
                ]),
                proptest::sample::select(vec!["", "index.html", "t1.html", "list.jsp?page=2", "x.html#f"]),
                proptest::sample::select(vec![encoding_rs::UTF_8, encoding_rs::GBK]),
            ), 1..8),
            hrefs in proptest::collection::vec("[ \t\n\u{3000}?#./a中=&:\\\\]{0,6}", 1..6),
        ) {
            for (dir, file, encoding) in pages {
                let base = Url::parse(&format!("{dir}{file}")).unwrap();
                // Plus the forms that must never be remembered by directory.
                let tricky = ["?page=3", "#top", "", "\u{3000}?page=3", "\u{3000}#top", " ?x"];
                for href in hrefs.iter().map(String::as_str).chain(tricky) {
                    proptest::prop_assert_eq!(
                        resolve_in(&base, href, encoding),
                        resolve_uncached(&base, href, encoding),
                        "{} + {:?}", base, href
                    );
                }
            }
        }
    }
}
