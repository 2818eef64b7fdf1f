//! From a fetched page to the small, owned facts the audit needs. The DOM lives only inside
//! [`extract`]; nothing borrowed from it escapes, so it is dropped before the crawler awaits again.

pub mod cms;
pub mod dates;
pub mod decode;
pub mod identity;
pub mod metadata;
pub mod phones;
pub mod tables;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::LazyLock;

use ego_tree::NodeRef;
use jiff::civil::Date;
use scraper::{ElementRef, Html, Node};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::crawl::normalize::{self, LinkKind};
use crate::crawl::{Discovered, FetchedPage};
pub use dates::{DateSource, DatedBy};
pub use identity::FooterIds;
pub use metadata::DocMeta;
pub use phones::Phone;

/// A link on a page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    pub url: Url,
    pub text: String,
    pub kind: LinkKind,
}

/// One row of a column's list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListEntry {
    pub title: String,
    pub url: Url,
    pub date: Option<Date>,
}

/// The rough role of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    /// A column's list page (or one page of it).
    List,
    /// A document.
    Article,
    /// Anything else: a static column page, a navigation page, the home page.
    Other,
}

/// What one page says, small and owned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageFacts {
    pub url: Url,
    pub depth: u32,
    pub kind: PageKind,
    /// ArticleTitle meta, else the first heading, else the first part of `<title>`.
    pub title: String,
    pub html_title: String,
    /// The ColumnName meta; in the site model, the last breadcrumb item when there is none.
    pub column: Option<String>,
    pub breadcrumb: Vec<String>,
    pub entries: Vec<ListEntry>,
    pub pub_date: Option<DatedBy>,
    /// Every date signal of the page with its source, `pub_date` chosen among them by
    /// [`dates::PRECEDENCE`] (the site model adds list-row and sitemap dates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub date_signals: Vec<DatedBy>,
    /// The 信息公开目录 metadata block (索引号, 发布机构, 成文日期 ...), when the page has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_meta: Option<Box<DocMeta>>,
    /// The placeholder text of an empty column (`暂无信息`).
    pub empty_marker: Option<String>,
    /// An empty list container (`<ul></ul>`) and nothing else listed.
    pub empty_list: bool,
    /// Parts of the page are rendered by script templates (avalon `ms-*`, Vue `v-*`), or its
    /// list or whole body is drawn by script (a loading placeholder, a `noscript` shell).
    pub js_templates: bool,
    /// The whole page is an empty shell a script draws (a single-page application): only a
    /// browser shows anything of it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shell: bool,
    /// The data interfaces the page's scripts draw its lists from (gkmlpt's list API, JSON files):
    /// asked like pages; when every one answered, the page's lists were read through them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<Url>,
    /// Phones in the page's own content (header, navigation and footer excluded).
    pub phones: Vec<Phone>,
    /// The content text, kept only for pages the rule pack cares about.
    pub text: Option<String>,
    /// Section headings and tables of an annual report page (年度报告); `None` on other pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Box<tables::ReportFacts>>,
    pub truncated: bool,
    /// What the page says about the site; the site model folds it into site-wide records and
    /// drops it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<Box<SiteSignals>>,
}

/// What a page says about the site rather than about itself: its links (the link graph), the
/// site-wide meta tags, menu stubs, furniture phones, footer identifiers and its encoding. Boxed
/// apart from [`PageFacts`], which the site model keeps for every page of the audit, so that
/// this part is gone once the model has read it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SiteSignals {
    /// Standard government meta tags, names lower-cased (`columnname`, `pubdate`, ...).
    pub meta: BTreeMap<String, String>,
    pub links: Vec<Link>,
    /// Text of menu links that only pop up "正在建设中" instead of opening a column.
    pub stub_links: Vec<String>,
    /// Phones in the footer and other page furniture.
    pub furniture_phones: Vec<Phone>,
    /// Site identifiers in the page furniture (网站标识码, ICP and 公安备案 numbers, 主办单位).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<FooterIds>,
    pub charset: String,
}

impl PageFacts {
    /// What the page says about the site (empty once the site model has read it).
    pub fn signals(&self) -> &SiteSignals {
        static NONE: LazyLock<SiteSignals> = LazyLock::new(SiteSignals::default);
        self.signals.as_deref().unwrap_or(&NONE)
    }

    /// The column name: ColumnName meta, else the last breadcrumb item, else the title.
    pub fn column_name(&self) -> Option<&str> {
        self.column
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| self.breadcrumb.last().map(String::as_str))
    }
}

/// Which pages keep their content text: those whose title, column or breadcrumb mention a term
/// that some rule looks for. Decided before the crawl, so memory stays bounded.
#[derive(Debug, Clone, Default)]
pub struct TextPolicy {
    all: bool,
    terms: Vec<String>,
    /// The terms in one automaton, so that a page's fields are read once rather than once per
    /// term; `None` when it could not be built, and the terms are searched one by one.
    matcher: Option<aho_corasick::AhoCorasick>,
}

impl TextPolicy {
    /// Keeps the text of pages whose title, column or breadcrumb mention one of `terms`.
    pub fn mentioning(terms: Vec<String>) -> TextPolicy {
        TextPolicy {
            all: false,
            matcher: aho_corasick::AhoCorasick::new(&terms).ok(),
            terms,
        }
    }

    /// Keeps the text of every page.
    pub fn everything() -> TextPolicy {
        TextPolicy {
            all: true,
            ..TextPolicy::default()
        }
    }

    fn keeps(&self, fields: &[&str]) -> bool {
        self.all
            || fields.iter().any(|f| match &self.matcher {
                Some(m) => m.is_match(f),
                None => self.terms.iter().any(|t| f.contains(t.as_str())),
            })
    }
}

/// The government page meta tags (国办发〔2017〕47号) and the CMS ones that carry dates, kept
/// per page; any other meta is dropped.
const KEPT_META: [&str; 16] = [
    "SiteName",
    "SiteDomain",
    "SiteIDCode",
    "ColumnName",
    "ColumnDescription",
    "ColumnKeywords",
    "ColumnType",
    "ArticleTitle",
    "PubDate",
    "ContentSource",
    "Keywords",
    "Author",
    "Description",
    "Url",
    "MakeTime",
    "HtmlGenerateTime",
];

/// How an inspector reads a page (empty-column markers, publish-date labels): the data file
/// `rules/law/page-reading.toml`, read once. It is part of the binary and the tests read it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageReading {
    pub empty_column: EmptyColumn,
    pub publish_date: PublishDate,
    pub script_drawn: ScriptDrawn,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptDrawn {
    /// Texts a container shows until a script has filled it (正在加载…).
    pub placeholders: Vec<String>,
    /// A page with scripts, a `noscript` and at most this many characters of text is a shell.
    pub shell_max_chars: usize,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyColumn {
    /// Placeholder texts of an empty column (research: cn-site-structure §3.3).
    pub markers: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishDate {
    /// Labels that introduce the publish date.
    pub labels: Vec<String>,
    /// Characters that, right before a two-character label, make it another date.
    pub not_after: Vec<char>,
}

pub static PAGE_READING: LazyLock<PageReading> = LazyLock::new(|| {
    toml::from_str(include_str!("../../rules/law/page-reading.toml"))
        .expect("rules/law/page-reading.toml is valid (tested)")
});

/// Any empty marker, in one search: most pages hold none, and pass with one scan.
static EMPTY_MARKER: LazyLock<regex::Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> = PAGE_READING
        .empty_column
        .markers
        .iter()
        .map(|m| regex::escape(m))
        .collect();
    regex::Regex::new(&alternatives.join("|")).expect("escaped literals form a regex")
});

/// Class or id tokens of page furniture: header, navigation, breadcrumb, footer.
const FURNITURE: [&str; 16] = [
    "footer",
    "foot",
    "copyright",
    "header",
    "nav",
    "navbar",
    "menu",
    "position",
    "breadcrumb",
    "crumb",
    "crumbs",
    "location",
    "dqwz",
    "weizhi",
    "sidebar",
    "banquan",
];
const BREADCRUMB: [&str; 8] = [
    "position",
    "breadcrumb",
    "crumb",
    "crumbs",
    "location",
    "dqwz",
    "weizhi",
    "curmbs",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Region {
    Content,
    Furniture,
    Template,
}

/// What an element's attributes make it: page furniture or a breadcrumb by a class or id token
/// (ASCII case-insensitive), or a script template by an avalon/Vue directive. One pass over the
/// attributes with no allocation: this runs for every element of every page, and looking
/// attributes up by name costs a binary search each.
#[derive(Default)]
struct Marks {
    furniture: bool,
    breadcrumb: bool,
    template: bool,
}

impl Marks {
    fn of(e: &scraper::node::Element) -> Marks {
        let mut m = Marks {
            furniture: matches!(e.name(), "header" | "nav" | "footer"),
            ..Marks::default()
        };
        for (k, v) in e.attrs() {
            if k == "class" || k == "id" {
                for t in v
                    .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
                    .filter(|t| !t.is_empty())
                {
                    m.furniture |= FURNITURE.iter().any(|s| s.eq_ignore_ascii_case(t));
                    m.breadcrumb |= BREADCRUMB.iter().any(|s| s.eq_ignore_ascii_case(t));
                }
            } else if ["ms-if", "ms-repeat", "ms-for", "v-if", "v-for"]
                .iter()
                .any(|p| k.starts_with(p))
            {
                m.template = true;
            }
        }
        m
    }
}

/// Appends the words of `t` to `buf`, one space between words: runs of whitespace collapse and
/// ends are trimmed.
fn push_text(buf: &mut String, t: &str) {
    let mut push = |w: &str| {
        if !buf.is_empty() {
            buf.push(' ');
        }
        buf.push_str(w);
    };
    let b = t.as_bytes();
    let (mut i, mut word) = (0, None);
    while i < b.len() {
        let n = whitespace_len(&b[i..]);
        if n == 0 {
            word.get_or_insert(i);
            // Step over the whole character: its lead byte says how long it is.
            i += match b[i] {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            continue;
        }
        // Whitespace only ever starts on a character boundary (its first byte is ASCII or a
        // lead byte), so both ends of a word are boundaries.
        if let Some(w) = word.take() {
            push(&t[w..i]);
        }
        i += n;
    }
    if let Some(w) = word {
        push(&t[w..]);
    }
}

/// The length of the whitespace character at the start of `b`, 0 when there is none: the set of
/// `char::is_whitespace`, read from bytes. Chinese text is mostly three-byte characters that
/// cannot be whitespace, and decoding each one was most of the cost of collapsing spaces in
/// every text node of every page.
fn whitespace_len(b: &[u8]) -> usize {
    // Most characters are ruled out by their first byte.
    if !matches!(b.first(), Some(0x09..=0x0D | b' ' | 0xC2 | 0xE1..=0xE3)) {
        return 0;
    }
    match b {
        [b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ', ..] => 1,
        // U+0085, U+00A0
        [0xC2, 0x85 | 0xA0, ..] => 2,
        // U+1680
        [0xE1, 0x9A, 0x80, ..] => 3,
        // U+2000–U+200A, U+2028, U+2029, U+202F
        [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..] => 3,
        // U+205F
        [0xE2, 0x81, 0x9F, ..] => 3,
        // U+3000
        [0xE3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

/// What one pass over the DOM collects: the text split into content and furniture, and the
/// elements the extractor reads, each with whether it sits inside page furniture or a script
/// template. One walk instead of a selector pass per kind of element (this runs on every page).
#[derive(Default)]
struct Walk<'a> {
    content: String,
    furniture: String,
    templates: bool,
    meta: Vec<ElementRef<'a>>,
    title: Option<ElementRef<'a>>,
    base: Option<ElementRef<'a>>,
    /// `h1`–`h3` outside furniture.
    headings: Vec<ElementRef<'a>>,
    links: Vec<ElementRef<'a>>,
    /// `li`, `tr`, `dl`, `dd` outside furniture.
    rows: Vec<ElementRef<'a>>,
    /// `ul`, `ol`, `tbody` outside furniture.
    lists: Vec<ElementRef<'a>>,
    scripts: Vec<ElementRef<'a>>,
    /// The page has a `<noscript>` element.
    noscript: bool,
    /// Breadcrumb candidates with their position in document order.
    crumbs: Vec<(usize, ElementRef<'a>)>,
}

impl<'a> Walk<'a> {
    fn of(doc: &'a Html) -> Walk<'a> {
        let mut w = Walk::default();
        // (node, what its ancestors make it, whether its text is page text, the parent's
        // position in document order)
        let mut stack: Vec<(NodeRef<'a, Node>, Region, bool, usize)> =
            vec![(*doc.root_element(), Region::Content, false, 0)];
        let mut order = 0usize;
        while let Some((node, region, text, parent)) = stack.pop() {
            match node.value() {
                Node::Text(t) => {
                    if text {
                        match region {
                            Region::Content => push_text(&mut w.content, t),
                            Region::Furniture => push_text(&mut w.furniture, t),
                            Region::Template => {}
                        }
                    }
                    if t.contains("位置")
                        && (t.contains("当前位置")
                            || t.contains("您的位置")
                            || t.contains("现在的位置"))
                        && let Some(p) = node.parent().and_then(ElementRef::wrap)
                    {
                        w.crumbs.push((parent, p));
                    }
                }
                Node::Element(e) => {
                    order += 1;
                    let Some(el) = ElementRef::wrap(node) else {
                        continue;
                    };
                    // `region` is what the ancestors make this element: furniture or not.
                    let outside = region != Region::Content;
                    let name = e.name();
                    match name {
                        "meta" if e.attr("name").is_some() => w.meta.push(el),
                        "title" if w.title.is_none() => w.title = Some(el),
                        "base" if w.base.is_none() && e.attr("href").is_some() => w.base = Some(el),
                        "h1" | "h2" | "h3" if !outside => w.headings.push(el),
                        "a" | "area" if e.attr("href").is_some() => w.links.push(el),
                        "iframe" | "frame" | "img" if e.attr("src").is_some() => w.links.push(el),
                        "li" | "tr" | "dl" | "dd" if !outside => w.rows.push(el),
                        "ul" | "ol" | "tbody" if !outside => w.lists.push(el),
                        "script" => w.scripts.push(el),
                        "noscript" => w.noscript = true,
                        _ => {}
                    }
                    let marks = Marks::of(e);
                    if marks.breadcrumb {
                        w.crumbs.push((order, el));
                    }
                    let mut text = text || name == "body";
                    if matches!(
                        name,
                        "script" | "style" | "noscript" | "template" | "select"
                    ) {
                        text = false;
                    }
                    let mut r = region;
                    if r != Region::Template && marks.template {
                        w.templates = true;
                        r = Region::Template;
                    } else if r == Region::Content && marks.furniture {
                        r = Region::Furniture;
                    }
                    let first = stack.len();
                    stack.extend(node.children().map(|c| (c, r, text, order)));
                    stack[first..].reverse();
                }
                _ => {}
            }
        }
        w.crumbs.sort_by_key(|(o, _)| *o);
        w
    }
}

/// At most the first `max` bytes of `s`, cut at a character boundary.
pub(crate) fn prefix(s: &str, max: usize) -> &str {
    &s[..floor_boundary(s, max)]
}

/// The bytes `from..to` of `s`, widened to character boundaries (and cut at its end).
pub(crate) fn around(s: &str, from: usize, to: usize) -> &str {
    let from = floor_boundary(s, from);
    let to = (to.min(s.len())..=s.len())
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(s.len());
    &s[from..to]
}

/// The last character boundary of `s` at or before byte `i` (`str::floor_char_boundary`, which
/// is newer than our minimum Rust).
fn floor_boundary(s: &str, i: usize) -> usize {
    (0..=i.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// `s` through [`dates::normalize_text`], copied only when something changes.
fn normalized(s: String) -> String {
    match dates::normalize_text(&s) {
        std::borrow::Cow::Owned(n) => Some(n),
        std::borrow::Cow::Borrowed(_) => None,
    }
    .unwrap_or(s)
}

fn clean(s: &str) -> String {
    let mut out = String::new();
    push_text(&mut out, &dates::normalize_text(s));
    out
}

fn title_first_part(t: &str) -> String {
    t.split(['_', '|', '-', '—'])
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string()
}

/// The `a[href]` elements inside `e`.
fn anchors<'a>(e: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    e.descendent_elements()
        .filter(|a| a.value().name() == "a" && a.value().attr("href").is_some())
}

fn breadcrumb(candidates: &[(usize, ElementRef<'_>)]) -> Vec<String> {
    for &(_, e) in candidates {
        let mut items: Vec<String> = anchors(e)
            .map(|a| clean(&a.text().collect::<String>()))
            .filter(|s| !s.is_empty())
            .collect();
        if items.is_empty() {
            continue;
        }
        // Text after the last link is the current page when it is not itself a link.
        let all = clean(&e.text().collect::<String>());
        if let Some(last) = items.last()
            && let Some(pos) = all.rfind(last.as_str())
        {
            let tail = all[pos + last.len()..]
                .trim_matches(|c: char| c.is_whitespace() || ">»/＞›".contains(c));
            if !tail.is_empty() && tail.chars().count() < 40 {
                items.push(tail.to_string());
            }
        }
        return items;
    }
    Vec::new()
}

/// What a page's furniture (header, navigation, breadcrumb, footer) says about the site.
#[derive(Clone)]
struct FurnitureFacts {
    footer: Option<FooterIds>,
    phones: Vec<Phone>,
}

impl FurnitureFacts {
    /// Furniture repeats from page to page of a column: each extraction thread keeps the last
    /// few it read, with their text, and reads only furniture it has not seen.
    fn of(furniture: &str) -> FurnitureFacts {
        const KEPT: usize = 8;
        thread_local! {
            static SEEN: RefCell<VecDeque<(String, FurnitureFacts)>> =
                const { RefCell::new(VecDeque::new()) };
        }
        SEEN.with_borrow_mut(|seen| {
            if let Some((_, f)) = seen.iter().find(|(text, _)| text == furniture) {
                return f.clone();
            }
            let f = FurnitureFacts {
                footer: identity::footer_ids(furniture),
                phones: phones::phones_in(furniture),
            };
            if seen.len() == KEPT {
                seen.pop_back();
            }
            seen.push_front((furniture.to_string(), f.clone()));
            f
        })
    }
}

/// Extracts the facts of one page. Returns them with the links to follow.
pub fn extract(page: &FetchedPage, policy: &TextPolicy) -> (PageFacts, Vec<Discovered>) {
    let tld = page
        .final_url
        .host_str()
        .and_then(|h| h.rsplit('.').next())
        .map(str::as_bytes);
    let decoded = decode::decode_html(&page.body, page.content_type.as_deref(), tld);
    let doc = Html::parse_document(&decoded.text);
    let mut walk = Walk::of(&doc);
    let base = walk
        .base
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page.final_url.join(h).ok())
        .unwrap_or_else(|| page.final_url.clone());

    let mut meta = BTreeMap::new();
    for m in &walk.meta {
        if let (Some(n), Some(c)) = (m.value().attr("name"), m.value().attr("content"))
            && KEPT_META.iter().any(|k| k.eq_ignore_ascii_case(n.trim()))
        {
            meta.entry(n.trim().to_ascii_lowercase())
                .or_insert_with(|| c.trim().to_string());
        }
    }
    let html_title = walk
        .title
        .map(|t| clean(&t.text().collect::<String>()))
        .unwrap_or_default();
    let headings: Vec<String> = walk
        .headings
        .iter()
        .map(|h| clean(&h.text().collect::<String>()))
        .filter(|s| !s.is_empty())
        .take(20)
        .collect();
    let breadcrumb = breadcrumb(&walk.crumbs);

    let mut links = Vec::new();
    let mut stub_links = Vec::new();
    let mut discovered = Vec::new();
    for e in &walk.links {
        let v = e.value();
        let (href, kind) = match v.name() {
            "iframe" | "frame" => (v.attr("src"), Some(LinkKind::Frame)),
            "img" => (v.attr("src"), Some(LinkKind::Image)),
            _ => (v.attr("href"), None),
        };
        let Some(href) = href else { continue };
        let text = clean(&e.text().collect::<String>());
        let text = if text.is_empty() {
            v.attr("title").map(clean).unwrap_or_default()
        } else {
            text
        };
        if href.contains("建设中") || v.attr("onclick").is_some_and(|c| c.contains("建设中"))
        {
            stub_links.push(text);
            continue;
        }
        let Some(url) = normalize::resolve_in(&base, href, decoded.encoding) else {
            continue;
        };
        let kind = kind.unwrap_or_else(|| normalize::kind_of_href(&url));
        discovered.push(Discovered::new(url.clone(), kind));
        links.push(Link { url, text, kind });
    }
    // A meta refresh is a redirect the HTTP layer never sees.
    if let Some(url) = crate::crawl::refresh_target(prefix(&decoded.text, 8192), &base) {
        discovered.push(Discovered::new(url, LinkKind::Page));
    }
    // What the page's CMS ships outside the DOM (research: cn-site-structure §1, §4.2).
    let meta_tags: Vec<(&str, &str)> = walk
        .meta
        .iter()
        .filter_map(|m| Some((m.value().attr("name")?, m.value().attr("content")?)))
        .collect();
    let scripts: Vec<cms::Script<'_>> = walk
        .scripts
        .iter()
        .map(|sc| {
            cms::Script::new(
                sc.text().collect(),
                sc.value().attr("type"),
                sc.value().attr("src"),
            )
        })
        .collect();
    let shipped = cms::read(&cms::Page {
        url: &page.final_url,
        base: &base,
        text: &decoded.text,
        encoding: decoded.encoding,
        meta: &meta_tags,
        scripts: &scripts,
    });
    for url in shipped.pages {
        discovered.push(Discovered::new(url, LinkKind::Page));
    }

    // List rows: a row with one target and a date; undated rows count when their list has dated ones.
    let mut by_parent: HashMap<ego_tree::NodeId, (bool, Vec<ListEntry>)> = HashMap::new();
    let mut order: Vec<ego_tree::NodeId> = Vec::new();
    let mut month_days: HashMap<Url, (i8, i8)> = HashMap::new();
    for &row in &walk.rows {
        // A row is one link target (maybe linked twice: title and "more"), so compare hrefs
        // before resolving anything.
        let mut anchors = anchors(row).filter(|a| {
            a.value()
                .attr("href")
                .is_some_and(|h| !normalize::is_non_link(h))
        });
        let Some(first) = anchors.next() else {
            continue;
        };
        let href = first.value().attr("href").unwrap_or_default();
        if anchors.any(|a| a.value().attr("href") != Some(href)) {
            continue;
        }
        let Some(url) =
            normalize::resolve_in(&base, href, decoded.encoding).map(|u| normalize::normalize(&u))
        else {
            continue;
        };
        let title = first
            .value()
            .attr("title")
            .map(clean)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| clean(&first.text().collect::<String>()));
        if title.is_empty() {
            continue;
        }
        let (date, month_day) = dates::row_date(&row.text().collect::<String>());
        if let Some(md) = month_day {
            month_days.insert(url.clone(), md);
        }
        let Some(parent) = row.parent().map(|p| p.id()) else {
            continue;
        };
        let slot = by_parent.entry(parent).or_insert_with(|| {
            order.push(parent);
            (false, Vec::new())
        });
        slot.0 |= date.is_some() || month_day.is_some();
        slot.1.push(ListEntry { title, url, date });
    }
    let mut entries: Vec<ListEntry> = Vec::new();
    let mut listed: std::collections::HashSet<Url> = std::collections::HashSet::new();
    for id in order {
        if let Some((true, rows)) = by_parent.remove(&id) {
            for r in rows {
                if listed.insert(r.url.clone()) {
                    entries.push(r);
                }
            }
        }
    }

    dates::fill_years(&mut entries, &month_days, &headings);

    // Rows read from scripts, the requests that would fetch the rest of the list, then the rows
    // of a document that is itself a list (a datastore), each row once.
    let mut list = |rows: Vec<ListEntry>, discovered: &mut Vec<Discovered>| {
        for r in rows {
            if listed.insert(r.url.clone()) {
                discovered.push(Discovered::new(
                    r.url.clone(),
                    normalize::kind_of_href(&r.url),
                ));
                entries.push(r);
            }
        }
    };
    list(shipped.rows, &mut discovered);
    for url in &shipped.interfaces {
        let mut d = Discovered::new(url.clone(), LinkKind::Page);
        d.interface = true;
        discovered.push(d);
    }
    list(shipped.document_rows, &mut discovered);
    if shipped.draws {
        for t in &shipped.text {
            push_text(&mut walk.content, t);
        }
    }
    let content = std::mem::take(&mut walk.content);
    let furniture = std::mem::take(&mut walk.furniture);
    let mut js_templates = walk.templates;
    // A list container that a script fills (AJAX, jpage) is not an empty column: we cannot see it.
    js_templates |= shipped.script_list && entries.is_empty();
    let content = normalized(content);
    let furniture = normalized(furniture);
    // Drawn by script, said by the page itself: a container still showing 正在加载… beside
    // scripts, or a body that is nothing but scripts and a `noscript` (a single-page app).
    let has_scripts = !walk.scripts.is_empty();
    let reading = &PAGE_READING.script_drawn;
    let placeholder = has_scripts
        && entries.is_empty()
        && reading
            .placeholders
            .iter()
            .any(|p| content.contains(p.as_str()));
    let shell = has_scripts
        && walk.noscript
        && entries.is_empty()
        && content.chars().count() + furniture.chars().count() <= reading.shell_max_chars;
    let script_drawn = placeholder || shell || (shipped.script_list && entries.is_empty());
    js_templates |= script_drawn;
    // The first marker of the list the page shows, as before the markers were data.
    let empty_marker = EMPTY_MARKER
        .is_match(&content)
        .then(|| {
            PAGE_READING
                .empty_column
                .markers
                .iter()
                .find(|m| content.contains(m.as_str()))
        })
        .flatten()
        .cloned();
    let empty_list = entries.is_empty()
        && walk
            .lists
            .iter()
            .any(|l| !l.children().any(|c| ElementRef::wrap(c).is_some()));

    let doc_meta = metadata::parse(&content);
    let date_signals = dates::page_signals(
        meta.get("pubdate").map(String::as_str),
        &content,
        &furniture,
        page.final_url.as_str(),
        doc_meta.as_ref(),
    );
    let pub_date = dates::choose(&date_signals);

    let title = meta
        .get("articletitle")
        .filter(|t| !t.is_empty())
        .cloned()
        .or_else(|| {
            // Only an h1 names the page; h2/h3 on static pages are section or person names.
            walk.headings
                .iter()
                .find(|h| h.value().name() == "h1")
                .map(|h| clean(&h.text().collect::<String>()))
                .filter(|t| !t.is_empty())
        })
        .unwrap_or_else(|| title_first_part(&html_title));

    let is_article = meta.contains_key("articletitle")
        || meta.contains_key("pubdate")
        || (entries.is_empty() && dates::labelled_publish_date(&content).is_some());
    let kind = if !entries.is_empty() && !is_article {
        PageKind::List
    } else if is_article {
        PageKind::Article
    } else if empty_marker.is_some() || empty_list || script_drawn {
        PageKind::List
    } else {
        PageKind::Other
    };

    let column = meta.get("columnname").cloned().or(shipped.document_column);
    let crumbs = breadcrumb.join(" ");
    let keep = policy.keeps(&[
        &title,
        &html_title,
        column.as_deref().unwrap_or_default(),
        &crumbs,
    ]);
    let report = tables::read_report(
        &doc,
        &[
            &title,
            &html_title,
            column.as_deref().unwrap_or_default(),
            &crumbs,
        ],
    );
    let furniture_facts = FurnitureFacts::of(&furniture);
    let facts = PageFacts {
        url: page.final_url.clone(),
        depth: page.depth,
        kind,
        title,
        html_title,
        column,
        breadcrumb,
        entries,
        pub_date,
        date_signals,
        doc_meta: doc_meta.map(Box::new),
        empty_marker,
        empty_list,
        js_templates,
        shell,
        interfaces: shipped.interfaces,
        phones: phones::phones_in(&content),
        text: keep.then_some(content),
        report,
        truncated: page.truncated,
        signals: Some(Box::new(SiteSignals {
            meta,
            links,
            stub_links,
            furniture_phones: furniture_facts.phones,
            footer: furniture_facts.footer,
            charset: decoded.encoding.name().to_string(),
        })),
    };
    (facts, discovered)
}

#[cfg(test)]
mod tests {
    use super::cms::tests::page;
    use super::*;

    #[test]
    fn whitespace_bytes_are_the_unicode_whitespace() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut b = [0; 4];
            let s = c.encode_utf8(&mut b);
            let n = whitespace_len(s.as_bytes());
            assert_eq!(n > 0, c.is_whitespace(), "{c:?}");
            assert!(n == 0 || n == s.len(), "{c:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn text_collapses_like_split_whitespace(
            before in "[a 中。]{0,3}",
            t in "[ \t\n\u{0B}\u{0C}\r\u{85}\u{A0}\u{1680}\u{2000}-\u{200B}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{3001}a中。]{0,24}",
        ) {
            let mut fast = before.clone();
            push_text(&mut fast, &t);
            let mut plain = before;
            for w in t.split_whitespace() {
                if !plain.is_empty() {
                    plain.push(' ');
                }
                plain.push_str(w);
            }
            proptest::prop_assert_eq!(fast, plain);
        }
    }

    #[test]
    fn the_page_reading_data_is_whole() {
        let r = &*PAGE_READING;
        assert!(!r.empty_column.markers.is_empty());
        assert!(r.empty_column.markers.iter().all(|m| !m.trim().is_empty()));
        for m in &r.empty_column.markers {
            assert!(EMPTY_MARKER.is_match(m), "{m}");
        }
        assert!(r.publish_date.labels.iter().any(|l| l == "发布时间"));
        // A rebuild time is never a publish date.
        assert!(!r.publish_date.labels.iter().any(|l| l.contains("更新")));
    }

    const LIST: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8">
<META NAME="ColumnName" CONTENT="工作动态"><meta content="6201250003" name="SiteIDCode">
<title>工作动态_清水县教育局</title></head><body>
<div class="header"><ul class="nav"><li><a href="../../index.html">首页</a></li><li><a href="javascript:alert('该栏目正在建设中...')">校园风采</a></li></ul></div>
<div class="position">当前位置：<a href="../../index.html">首页</a> &gt; <a href="../index.html">法定主动公开内容</a> &gt; <a href="./index.html">工作动态</a></div>
<ul class="list">
<li><a href="./202611/t20261120_2101.html" title="县教育局召开全县中小学安全工作会议" target="_blank">县教育局召开全县中小学安全...</a><span>2026-11-20</span></li>
<li><a href="./202611/t20261105_2093.html">全县教师培训工作推进</a><span>2026/11/05</span></li>
<li><a href="./202610/t20261008_2081.html">秋季学期开学检查</a><span>[2026年10月08日]</span></li>
</ul>
<script>createPageHTML(3, 0, "index", "html");</script>
<div class="footer">联系电话：0938-6123456 网站标识码：6201250003 陇ICP备05000123号-1</div>
</body></html>"#;

    #[test]
    fn list_page_entries_breadcrumb_and_pagination() {
        let (f, links) = extract(
            &page("http://127.0.0.1/fdzdgknr/gzdt/index.html", LIST),
            &TextPolicy::default(),
        );
        assert_eq!(f.kind, PageKind::List);
        assert_eq!(f.column_name(), Some("工作动态"));
        assert_eq!(
            f.signals().meta.get("siteidcode").map(String::as_str),
            Some("6201250003")
        );
        assert_eq!(f.breadcrumb, vec!["首页", "法定主动公开内容", "工作动态"]);
        assert_eq!(f.entries.len(), 3);
        assert_eq!(f.entries[0].title, "县教育局召开全县中小学安全工作会议");
        assert_eq!(f.entries[0].date, Some(jiff::civil::date(2026, 11, 20)));
        assert_eq!(f.entries[2].date, Some(jiff::civil::date(2026, 10, 8)));
        assert_eq!(f.signals().stub_links, vec!["校园风采"]);
        assert!(f.phones.is_empty(), "footer phones are furniture");
        assert_eq!(f.signals().furniture_phones.len(), 1);
        let urls: Vec<String> = links.iter().map(|d| d.url.to_string()).collect();
        assert!(urls.contains(&"http://127.0.0.1/fdzdgknr/gzdt/index_1.html".to_string()));
        assert!(urls.contains(&"http://127.0.0.1/fdzdgknr/gzdt/index_2.html".to_string()));
        assert!(!urls.iter().any(|u| u.contains("index_3")));
    }

    #[test]
    fn definition_list_rows_with_the_date_in_a_sibling_cell() {
        // TRS list templates that put title and date in two <dd> of one <dl> per row.
        let html = r#"<div class="rules_tabs"><dl><dd class="left"><a href="./202603/t20260313_9.htm" title="某县2025年度政府信息公开工作年度报告">某县2025年度政府信息公开工作年度报告</a></dd>
<dd class="left">2026-03-10</dd></dl><dl><dd><a href="./202503/t20250310_8.htm">某县2024年度政府信息公开工作年度报告</a></dd><dd>2025-03-10</dd></dl></div>"#;
        let (f, _) = extract(
            &page("http://a.cn/zfxxgknb/index.html", html),
            &TextPolicy::default(),
        );
        assert_eq!(f.kind, PageKind::List);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[0].date, Some(jiff::civil::date(2026, 3, 10)));
        assert_eq!(f.entries[1].title, "某县2024年度政府信息公开工作年度报告");
    }

    #[test]
    fn article_date_provenance_and_content_phones() {
        let html = r#"<html><head><meta name="ArticleTitle" content="2026年秋季学期收费公示">
<meta name="MakeTime" content="2026-11-25 10:00"></head><body>
<div class="info">发布时间：2026-08-25 09:30 来源：县教育局</div>
<div class="TRS_Editor"><p>收费项目：住宿费</p><p>投诉电话：0938－6123400</p></div>
<div id="footer">监督举报电话：0938-6100000</div></body></html>"#;
        let policy = TextPolicy::mentioning(vec!["收费".into()]);
        let (f, _) = extract(
            &page("http://a.cn/jysf/202608/t20260820_1.html", html),
            &policy,
        );
        assert_eq!(f.kind, PageKind::Article);
        assert_eq!(f.title, "2026年秋季学期收费公示");
        assert_eq!(
            f.pub_date,
            Some(DatedBy {
                date: jiff::civil::date(2026, 8, 25),
                source: DateSource::Label
            })
        );
        assert_eq!(f.phones.len(), 1);
        assert_eq!(f.phones[0].label.as_deref(), Some("投诉电话"));
        assert!(f.text.as_deref().is_some_and(|t| t.contains("收费项目")));
        assert!(
            !f.text
                .as_deref()
                .unwrap_or_default()
                .contains("0938-6100000")
        );
    }

    #[test]
    fn empty_columns_are_recognised() {
        let marker = r#"<html><head><meta name="ColumnName" content="通知公告"></head><body>
<ul class="list"></ul><div class="empty">暂无信息</div></body></html>"#;
        let (f, _) = extract(
            &page("http://a.cn/tzgg/index.html", marker),
            &TextPolicy::default(),
        );
        assert_eq!(f.kind, PageKind::List);
        assert_eq!(f.empty_marker.as_deref(), Some("暂无信息"));
        let bare = r#"<html><head><meta name="ColumnName" content="学生资助"></head><body>
<div class="main"><ul class="list">
</ul></div></body></html>"#;
        let (f, _) = extract(
            &page("http://a.cn/xszz/index.html", bare),
            &TextPolicy::default(),
        );
        assert!(f.empty_list);
        assert_eq!(f.kind, PageKind::List);
        // A JS template's "暂无数据" is not an empty column: it shows only when a script fails.
        let tpl = r#"<html><body><ul><li><a href="a.html">通知</a><span>2026-01-02</span></li></ul>
<div ms-if="error">暂无数据</div></body></html>"#;
        let (f, _) = extract(
            &page("http://a.cn/t/index.html", tpl),
            &TextPolicy::default(),
        );
        assert!(f.empty_marker.is_none());
        assert!(f.js_templates);
    }
}
