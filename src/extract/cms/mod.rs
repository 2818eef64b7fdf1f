//! What differs from one CMS family to another, one adapter per family behind one trait.
//!
//! The extractor's core walks the DOM the same way for every site. Whatever a CMS does
//! differently sits here: how to recognise it ([`Cms::detect`]), list rows it ships outside plain
//! `<a>` lists (Hanweb datastore records, JSON arrays drawn by script), the other pages of a list
//! (TRS `createPageHTML`), text a script draws into the page (gkmlpt JSON bodies), the follow-up
//! requests its scripts would make (Hanweb `dataproxy.jsp`), the creation date in its URLs and
//! the key that joins the pages of one column.
//!
//! Two rules decide what runs on a page:
//! - **Reading what is in the page is gated by marks.** Each adapter names literal strings
//!   ([`Cms::script_marks`]) without which its script hooks find nothing; one shared prescan (one
//!   Aho-Corasick pass per script, [`Script::new`]) finds them all, and an adapter is shown only
//!   the scripts that hold one of its marks. A family's habits turn up on sites of other vendors
//!   (a JSON array drawn with `innerHTML`), so the marks, not the detected family, decide what is
//!   read.
//! - **Asking the site for more is gated by detection.** [`Cms::data_interfaces`] and
//!   [`Cms::document_rows`] run only for adapters whose [`Cms::detect`] accepts the page: a
//!   request built from one vendor's conventions is not sent to another vendor's site.
//!
//! URL dates and column keys need no page: the registry asks each adapter in turn
//! ([`url_date`], [`column_key`]); the first answer wins, the generic adapter last.
//!
//! # Adding a CMS family
//!
//! 1. Write `src/extract/cms/<family>.rs`: a unit struct implementing [`Cms`]. Implement
//!    `detect` from its fingerprints (meta tags, generator marks, URL shapes, script names) and
//!    only the hooks where it differs; the defaults do nothing. Put its unit tests there.
//! 2. Add `pub mod <family>;` and one entry in [`ADAPTERS`], before [`generic::Generic`] (earlier
//!    entries answer URL dates and column keys first, and claim a script's list first).
//! 3. Add a fixture site `fixtures/sites/<family>-<name>/` with a README saying what it holds,
//!    its assertions in `tests/cms_sites.rs`, and a page of it to the detection test below.
//!
//! A family whose data interfaces answer in something other than HTML, a Hanweb XML datastore or
//! JSON also needs `crawl::fetch` to keep such bodies for extraction: the crawler is left of the
//! extractor and does not ask the registry. JSON answers are read by [`json_document_rows`]
//! (rows under the usual keys, epoch dates, HTML fragments of rows) whatever the family.
//!
//! Interfaces are handed to the crawler as links marked [`crate::crawl::Discovered::interface`]:
//! they go through the same host limiter, robots check and budgets as every page, and rank as
//! the column they fill (a column's first list page). A page whose every interface answered was
//! read through them; one whose interfaces did not all answer stays drawn by script
//! (`js_only`), which makes "not found" inconclusive rather than missing.
//!
//! Measured before the adapters (commit fc12a24): a family's knowledge was spread over four
//! source files. `extract/mod.rs` held 15 CMS-specific items (regexes, `pagination`,
//! `hanweb_records`, `dataproxy_pages`, `json_rows`, `json_body`, the script-call list) and nine
//! places inside `extract()` itself (the pagination call and, in its script loop and after it,
//! the Hanweb counters, drawn bodies, datastore records, JSON rows, script-filled lists,
//! dataproxy requests, datastore documents, drawn text); `extract/dates.rs` the URL date forms;
//! `site/mod.rs` the dataproxy branch of `column_key`; `crawl/fetch.rs` the datastore check.
//! Adding a family meant editing three or four of them, the extractor's core among them, plus
//! a fixture and its test. Now: one new file, two lines in this one (`pub mod` and the
//! registry entry), a fixture and its test; `crawl/fetch.rs` only for an answer that is neither
//! HTML nor a datastore, and no line of `extract()`.

pub mod generic;
pub mod gkmlpt;
pub mod hanweb;
pub mod trs;

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use encoding_rs::Encoding;
use jiff::civil::Date;
use url::Url;

use super::{ListEntry, dates};
use crate::crawl::normalize;

/// The adapters, most specific first; [`generic::Generic`] is last and accepts every page.
pub static ADAPTERS: [&'static dyn Cms; 4] = [
    &trs::Trs,
    &hanweb::Hanweb,
    &gkmlpt::Gkmlpt,
    &generic::Generic,
];

/// What differs by CMS. Every hook but [`name`](Cms::name) and [`detect`](Cms::detect) has a
/// default that does nothing, so an adapter implements only where its family differs.
pub trait Cms: Sync {
    /// A short name (`trs`, `hanweb`, ...).
    fn name(&self) -> &'static str;

    /// Whether the page is of this family, from its fingerprints. Cheap: it runs on every page.
    fn detect(&self, page: &Page<'_>) -> bool;

    /// Literal strings one of which a script must hold for this adapter's script hooks
    /// ([`pagination`](Cms::pagination), [`list_rows`](Cms::list_rows),
    /// [`drawn_text`](Cms::drawn_text)) to be called with it.
    fn script_marks(&self) -> &'static [&'static str] {
        &[]
    }

    /// Script calls that fill a list in the browser. A script holding one, whose list no
    /// adapter read, makes an empty list on its page "drawn by script" (inconclusive), not an
    /// empty column.
    fn fill_calls(&self) -> &'static [&'static str] {
        &[]
    }

    /// Adds the other pages of a list that a script names.
    fn pagination(&self, _page: &Page<'_>, _script: &Script<'_>, _out: &mut Vec<Url>) {}

    /// Reads the list rows a script holds outside the DOM. `Some` claims the script as this
    /// family's list (later adapters are not asked about its list), with the rows it read.
    fn list_rows(
        &self,
        _page: &Page<'_>,
        _script: &Script<'_>,
        _out: &mut Vec<ListEntry>,
    ) -> Option<Listed> {
        None
    }

    /// Page text a script holds and may draw into the page; the core keeps it only when some
    /// script of the page draws HTML ([`generic::DRAWS`]).
    fn drawn_text(&self, _page: &Page<'_>, _script: &Script<'_>) -> Option<String> {
        None
    }

    /// Rows of a document that is not an HTML page (a Hanweb datastore answer). Detected
    /// families only.
    fn document_rows(&self, _page: &Page<'_>, _out: &mut Vec<ListEntry>) {}

    /// The column a document that is not an HTML page belongs to, when it names one (a gkmlpt
    /// answer's `classify.name`). Detected families only.
    fn document_column(&self, _page: &Page<'_>) -> Option<String> {
        None
    }

    /// The requests the page's scripts would make for the rest of its list: `rows_read` is how
    /// many rows [`list_rows`](Cms::list_rows) of this adapter read from the page. Detected
    /// families only. This is where JSON interfaces (gkmlpt `/gkmlpt/api/all/<cat>`, Hanweb
    /// jpaas) belong, as methods of their adapter.
    fn data_interfaces(&self, _page: &Page<'_>, _rows_read: usize, _out: &mut Vec<Url>) {}

    /// The creation date the CMS writes into a document's URL.
    fn url_date(&self, _url: &str) -> Option<Date> {
        None
    }

    /// The key joining the pages of one column, when this family's URLs say it.
    fn column_key(&self, _url: &Url) -> Option<String> {
        None
    }
}

/// What a script hook claimed: the script is its family's list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listed {
    /// Rows read from the script (before dropping those already listed).
    pub read: usize,
    /// The browser draws the list from the script's data: when no row could be read, the list
    /// is still not empty.
    pub drawn: bool,
}

/// One page as the adapters see it.
pub struct Page<'a> {
    /// The URL the page was fetched from (after redirects).
    pub url: &'a Url,
    /// What relative links resolve against (`<base href>`, else `url`).
    pub base: &'a Url,
    /// The decoded document.
    pub text: &'a str,
    pub encoding: &'static Encoding,
    /// Every `<meta name>` of the page as written: (name, content).
    pub meta: &'a [(&'a str, &'a str)],
    pub scripts: &'a [Script<'a>],
}

impl Page<'_> {
    /// `href` resolved against the page's base and normalised, as list rows are.
    pub fn resolve(&self, href: &str) -> Option<Url> {
        normalize::resolve_in(self.base, href, self.encoding).map(|u| normalize::normalize(&u))
    }

    /// The content of the first meta tag named `name` (ASCII case-insensitive).
    pub fn meta(&self, name: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, c)| *c)
    }

    /// Whether some script holds one of `adapter`'s marks.
    pub fn marked(&self, adapter: &dyn Cms) -> bool {
        let mask = PRESCAN.adapter_mask(adapter);
        self.scripts.iter().any(|s| s.hits & mask != 0)
    }
}

/// One `<script>` of the page.
pub struct Script<'a> {
    /// Its inline code.
    pub code: String,
    /// `type="text/xml"` (Hanweb ships list records so).
    pub xml: bool,
    pub src: Option<&'a str>,
    /// Which marks of [`PRESCAN`] it holds, one bit each.
    hits: u64,
}

impl<'a> Script<'a> {
    /// A script with its marks found.
    pub fn new(code: String, kind: Option<&str>, src: Option<&'a str>) -> Script<'a> {
        let hits = PRESCAN.hits(&code);
        Script {
            xml: kind.is_some_and(|t| t.eq_ignore_ascii_case("text/xml")),
            code,
            src,
            hits,
        }
    }

    /// Whether it holds one of `adapter`'s marks.
    pub fn marked(&self, adapter: &dyn Cms) -> bool {
        self.hits & PRESCAN.adapter_mask(adapter) != 0
    }

    /// Whether it holds `mark`: a bit test when `mark` is one of the prescan's patterns (any
    /// adapter's marks and fill calls), a search otherwise.
    pub fn holds(&self, mark: &str) -> bool {
        match PRESCAN.patterns.iter().position(|p| *p == mark) {
            Some(i) => self.hits & (1 << i) != 0,
            None => self.code.contains(mark),
        }
    }

    /// Whether it holds a call that fills a list in the browser (any adapter's).
    pub fn fills(&self) -> bool {
        self.hits & PRESCAN.fills != 0
    }

    /// Whether it draws HTML into the page ([`generic::DRAWS`]).
    pub fn draws(&self) -> bool {
        self.hits & PRESCAN.draws != 0
    }
}

/// Every adapter's marks and fill calls and the draw marks in one automaton, so that a script
/// is read once however many adapters there are.
struct Prescan {
    automaton: Option<AhoCorasick>,
    /// The distinct patterns; bit `i` of a script's hits is pattern `i`.
    patterns: Vec<&'static str>,
    /// Per adapter (in [`ADAPTERS`] order), the bits of its script marks.
    marks: Vec<u64>,
    fills: u64,
    draws: u64,
}

static PRESCAN: LazyLock<Prescan> = LazyLock::new(Prescan::build);

impl Prescan {
    fn build() -> Prescan {
        let mut patterns: Vec<&'static str> = Vec::new();
        let mut bits = |list: &[&'static str]| {
            let mut mask = 0u64;
            for p in list {
                let i = patterns.iter().position(|q| q == p).unwrap_or_else(|| {
                    patterns.push(p);
                    patterns.len() - 1
                });
                mask |= 1 << i;
            }
            mask
        };
        let marks: Vec<u64> = ADAPTERS.iter().map(|a| bits(a.script_marks())).collect();
        let mut fills = 0;
        for a in ADAPTERS {
            fills |= bits(a.fill_calls());
        }
        let draws = bits(&generic::DRAWS);
        assert!(patterns.len() <= 64, "more prescan marks than bits");
        Prescan {
            automaton: AhoCorasick::new(&patterns).ok(),
            patterns,
            marks,
            fills,
            draws,
        }
    }

    fn hits(&self, code: &str) -> u64 {
        let mut hits = 0u64;
        match &self.automaton {
            Some(ac) => {
                for m in ac.find_overlapping_iter(code) {
                    hits |= 1 << m.pattern().as_usize();
                }
            }
            // Not expected (the patterns are a few short literals); searched one by one then.
            None => {
                for (i, p) in self.patterns.iter().enumerate() {
                    if code.contains(p) {
                        hits |= 1 << i;
                    }
                }
            }
        }
        hits
    }

    fn adapter_mask(&self, adapter: &dyn Cms) -> u64 {
        ADAPTERS
            .iter()
            .position(|a| a.name() == adapter.name())
            .map_or(0, |i| self.marks[i])
    }
}

/// The family of a page: the first adapter that detects it, [`generic::Generic`] when none does.
pub fn detect(page: &Page<'_>) -> &'static dyn Cms {
    ADAPTERS
        .iter()
        .copied()
        .find(|a| a.detect(page))
        .unwrap_or(&generic::Generic)
}

/// The creation date a CMS writes into a document's URL (`t20260315_123.html`,
/// `/art/2026/3/15/`).
pub fn url_date(url: &str) -> Option<Date> {
    ADAPTERS.iter().find_map(|a| a.url_date(url))
}

/// The key that joins the pages of one list: `.../gzdt/index_2.html` → `.../gzdt/`.
pub fn column_key(url: &Url) -> String {
    ADAPTERS
        .iter()
        .find_map(|a| a.column_key(url))
        .unwrap_or_else(|| url.to_string())
}

/// What the adapters add to one page's facts.
#[derive(Default)]
pub(crate) struct Shipped {
    /// Other pages of the list (pagination), before the rows' links.
    pub pages: Vec<Url>,
    /// Rows read outside the DOM, in script order (not yet checked against rows already listed).
    pub rows: Vec<ListEntry>,
    /// Requests the page's scripts would make for the rest of its list, after the rows' links.
    pub interfaces: Vec<Url>,
    /// Rows of a document that is not an HTML page, after the interfaces.
    pub document_rows: Vec<ListEntry>,
    /// The column such a document names.
    pub document_column: Option<String>,
    /// Page text a script holds, kept only when `draws`.
    pub text: Vec<String>,
    /// Some script draws HTML into the page.
    pub draws: bool,
    /// Some list of the page is filled by script.
    pub script_list: bool,
}

/// Runs the adapters over one page.
pub(crate) fn read(page: &Page<'_>) -> Shipped {
    let mut out = Shipped::default();
    let mut read = [0usize; ADAPTERS.len()];
    let prescan = &*PRESCAN;
    for s in page.scripts {
        out.draws |= s.hits & prescan.draws != 0;
        let mut claimed = false;
        for (i, a) in ADAPTERS.iter().enumerate() {
            if s.hits & prescan.marks[i] == 0 {
                continue;
            }
            a.pagination(page, s, &mut out.pages);
            out.text.extend(a.drawn_text(page, s));
            if !claimed && let Some(l) = a.list_rows(page, s, &mut out.rows) {
                claimed = true;
                read[i] += l.read;
                out.script_list |= l.drawn;
            }
        }
        if !claimed && s.hits & prescan.fills != 0 {
            out.script_list = true;
        }
    }
    for (i, a) in ADAPTERS.iter().enumerate() {
        if a.detect(page) {
            a.data_interfaces(page, read[i], &mut out.interfaces);
            a.document_rows(page, &mut out.document_rows);
            if out.document_column.is_none() {
                out.document_column = a.document_column(page);
            }
        }
    }
    out
}

/// Keys of a JSON row's title, link and date, as list interfaces and script arrays name them.
const ROW_TITLE: [&str; 5] = ["title", "aT", "name", "doctitle", "DOCTITLE"];
const ROW_LINK: [&str; 7] = [
    "url",
    "aU",
    "link",
    "href",
    "docpuburl",
    "DOCPUBURL",
    "post_url",
];
const ROW_DATE: [&str; 9] = [
    "date",
    "aPd",
    "pubDate",
    "publish_time",
    "display_publish_time",
    "time",
    "docreltime",
    "DOCRELTIME",
    "publishTime",
];

/// The title, link and date of one JSON row, when it has a title and a link. A date may be a
/// string or an epoch number (seconds or milliseconds), read as the date in China (UTC+8),
/// where the platforms that write them run.
pub(crate) fn json_row(item: &serde_json::Value) -> Option<(String, String, Option<Date>)> {
    let field = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| item.get(*k).and_then(|v| v.as_str()))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let title = field(&ROW_TITLE)?;
    let link = field(&ROW_LINK)?;
    let date = ROW_DATE.iter().find_map(|k| match item.get(*k)? {
        serde_json::Value::String(s) => dates::first_date(s),
        serde_json::Value::Number(n) => epoch_date(n.as_i64()?),
        _ => None,
    });
    Some((super::clean(title), link.to_string(), date))
}

/// The civil date in China of an epoch number: milliseconds when it is too large for seconds.
fn epoch_date(n: i64) -> Option<Date> {
    // 1990-01-01 .. 2100-01-01 in seconds; anything else is no publish date.
    const FROM: i64 = 631_152_000;
    const TO: i64 = 4_102_444_800;
    let secs = if n > TO { n / 1000 } else { n };
    if !(FROM..TO).contains(&secs) {
        return None;
    }
    let ts = jiff::Timestamp::from_second(secs).ok()?;
    let offset = jiff::tz::Offset::constant(8);
    Some(offset.to_datetime(ts).date())
}

/// Rows of a JSON document that is a list: an array of rows, or an object holding one under a
/// usual key (`articles`, `data`, `list`, ...), or an HTML fragment of rows under `html` (the
/// jpaas answer `{data: {html}}`).
pub(crate) fn json_document_rows(page: &Page<'_>, out: &mut Vec<ListEntry>) {
    let text = page.text.trim_start();
    if !(text.starts_with('{') || text.starts_with('[')) {
        return;
    }
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text.trim_end()) else {
        return;
    };
    const KEYS: [&str; 8] = [
        "articles", "data", "list", "rows", "items", "records", "result", "html",
    ];
    // Breadth-first over the usual keys, two levels deep (`{data: {list: [...]}}`).
    let mut level = vec![&v];
    for _ in 0..3 {
        let mut next = Vec::new();
        for v in level {
            match v {
                serde_json::Value::Array(items) => {
                    for item in items {
                        if let Some((title, link, date)) = json_row(item)
                            && let Some(url) = page.resolve(&link)
                        {
                            out.push(ListEntry { title, url, date });
                        }
                    }
                }
                serde_json::Value::String(html) if html.contains("<a") => {
                    html_rows(page, html, out);
                }
                serde_json::Value::Object(o) => {
                    next.extend(KEYS.iter().filter_map(|k| o.get(*k)));
                }
                _ => {}
            }
        }
        level = next;
    }
}

/// The rows of an HTML fragment of list rows (`<li><a href>…</a><span>date</span></li>`).
fn html_rows(page: &Page<'_>, html: &str, out: &mut Vec<ListEntry>) {
    static ROW: LazyLock<scraper::Selector> =
        LazyLock::new(|| scraper::Selector::parse("li, tr, dd").expect("static selector"));
    static LINK: LazyLock<scraper::Selector> =
        LazyLock::new(|| scraper::Selector::parse("a[href]").expect("static selector"));
    let frag = scraper::Html::parse_fragment(html);
    for row in frag.select(&ROW) {
        let Some(a) = row.select(&LINK).next() else {
            continue;
        };
        let Some(url) = a.value().attr("href").and_then(|h| page.resolve(h)) else {
            continue;
        };
        let title = a
            .value()
            .attr("title")
            .map(super::clean)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| super::clean(&a.text().collect::<String>()));
        if title.is_empty() {
            continue;
        }
        let date = dates::last_date(&row.text().collect::<String>());
        out.push(ListEntry { title, url, date });
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::crawl::FetchedPage;

    /// A fetched HTML page, as the crawler hands it to the extractor.
    pub(crate) fn page(url: &str, html: &str) -> FetchedPage {
        FetchedPage {
            url: Url::parse(url).unwrap(),
            final_url: Url::parse(url).unwrap(),
            status: 200,
            content_type: Some("text/html".into()),
            body: html.as_bytes().to_vec(),
            truncated: false,
            depth: 1,
        }
    }

    /// The family the registry gives a page, parsed as the extractor parses it.
    pub(crate) fn family(url: &str, body: &str) -> &'static str {
        let url = Url::parse(url).unwrap();
        let doc = scraper::Html::parse_document(body);
        let meta_sel = scraper::Selector::parse("meta[name]").unwrap();
        let meta: Vec<(&str, &str)> = doc
            .select(&meta_sel)
            .map(|m| {
                (
                    m.value().attr("name").unwrap_or_default(),
                    m.value().attr("content").unwrap_or_default(),
                )
            })
            .collect();
        let script_sel = scraper::Selector::parse("script").unwrap();
        let scripts: Vec<Script<'_>> = doc
            .select(&script_sel)
            .map(|s| {
                Script::new(
                    s.text().collect(),
                    s.value().attr("type"),
                    s.value().attr("src"),
                )
            })
            .collect();
        let page = Page {
            url: &url,
            base: &url,
            text: body,
            encoding: encoding_rs::UTF_8,
            meta: &meta,
            scripts: &scripts,
        };
        detect(&page).name()
    }

    #[test]
    fn each_family_page_is_detected_by_its_adapter_and_a_plain_page_by_the_generic_one() {
        let cases = [
            (
                "http://127.0.0.1/gzdt/index.html",
                include_str!("../../../fixtures/sites/chongyuan-trs/gzdt/index.html"),
                "trs",
            ),
            (
                "http://127.0.0.1/gzdt/202611/t20261120_123.html",
                include_str!(
                    "../../../fixtures/sites/chongyuan-trs/gzdt/202611/t20261120_123.html"
                ),
                "trs",
            ),
            (
                "http://127.0.0.1/col/col4521/index.html",
                include_str!("../../../fixtures/sites/hanweb-jyj/col/col4521/index.html"),
                "hanweb",
            ),
            (
                "http://127.0.0.1/module/web/jpage/dataproxy.jsp?page=1&columnid=4521",
                include_str!("../../../fixtures/sites/hanweb-jyj/module/web/jpage/dataproxy.jsp"),
                "hanweb",
            ),
            (
                "http://127.0.0.1/art/2026/11/3/art_4521_901.html",
                include_str!("../../../fixtures/sites/hanweb-jyj/art/2026/11/3/art_4521_901.html"),
                "hanweb",
            ),
            (
                "http://127.0.0.1/gkmlpt/index.html",
                include_str!("../../../fixtures/sites/gkmlpt-jyj/gkmlpt/index.html"),
                "gkmlpt",
            ),
            (
                "http://127.0.0.1/gkmlpt/content/2/2802/post_2802311.html",
                include_str!(
                    "../../../fixtures/sites/gkmlpt-jyj/gkmlpt/content/2/2802/post_2802311.html"
                ),
                "gkmlpt",
            ),
            // The GB2312 long-tail site is no family of ours (its bytes are not UTF-8, but
            // the fingerprints are ASCII).
            (
                "http://127.0.0.1/xxgk/list_12.htm",
                &String::from_utf8_lossy(include_bytes!(
                    "../../../fixtures/sites/longtail-gb/xxgk/list_12.htm"
                )),
                "generic",
            ),
            (
                "http://127.0.0.1/xxgk/show_301.htm",
                &String::from_utf8_lossy(include_bytes!(
                    "../../../fixtures/sites/longtail-gb/xxgk/show_301.htm"
                )),
                "generic",
            ),
        ];
        for (url, body, want) in cases {
            assert_eq!(family(url, body), want, "{url}");
        }
    }

    #[test]
    fn the_registry_answers_url_dates_and_column_keys_in_its_order() {
        assert_eq!(url_date("/zwgk/index_1.html"), None);
        assert_eq!(
            url_date("http://a.cn/gkmlpt/content/2/2802/post_2802311.html"),
            None
        );
        let k = |s: &str| column_key(&Url::parse(s).unwrap());
        // The generic adapter answers last: a document is its own key.
        assert_eq!(
            k("http://a.cn/x/gzdt/t1.html"),
            "http://a.cn/x/gzdt/t1.html"
        );
        // A dataproxy.jsp without a column id is no Hanweb batch of a known column.
        assert_eq!(
            k("http://a.cn/module/web/jpage/dataproxy.jsp?page=1"),
            "http://a.cn/module/web/jpage/dataproxy.jsp"
        );
    }

    #[test]
    fn the_generic_adapter_is_last_and_accepts_every_page() {
        assert_eq!(ADAPTERS.last().map(|a| a.name()), Some("generic"));
        let url = Url::parse("http://a.cn/").unwrap();
        let page = Page {
            url: &url,
            base: &url,
            text: "",
            encoding: encoding_rs::UTF_8,
            meta: &[],
            scripts: &[],
        };
        assert_eq!(detect(&page).name(), "generic");
        // Names are distinct: the prescan finds an adapter's marks by its name.
        for (i, a) in ADAPTERS.iter().enumerate() {
            assert!(ADAPTERS[..i].iter().all(|b| b.name() != a.name()));
        }
    }

    #[test]
    fn marks_gate_the_scripts_an_adapter_sees() {
        let s = Script::new(
            "createPageHTML(3, 0, \"index\", \"html\");".into(),
            None,
            None,
        );
        assert!(s.marked(&trs::Trs));
        assert!(!s.marked(&hanweb::Hanweb));
        assert!(!s.fills() && !s.draws());
        let s = Script::new("$('#x').jpage({totalRecord:4})".into(), None, None);
        assert!(s.fills(), "jpage fills a list in the browser");
        assert!(s.holds(".jpage(") && !s.holds("<record"));
        // A mark the prescan does not know is searched for.
        assert!(s.holds("totalRecord") && !s.holds("perPage"));
        let s = Script::new("el.innerHTML = html;".into(), None, None);
        assert!(s.draws());
    }
}
