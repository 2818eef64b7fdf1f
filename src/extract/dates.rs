//! Dates as Chinese government pages write them.
//!
//! Forms handled (research: cn-site-structure §3.1, pitfalls 14-15): `2026-03-15`, `2026/3/15`,
//! `2026.03.15`, `2026年3月15日` (with or without padding and spaces), bracketed `[2026-03-15]`,
//! any of these followed by a time, full-width digits, and dates in CMS URLs (`t20260315_`,
//! `/art/2026/3/15/`). A digit run glued to the day (`2026-02-00018`, an 索引号) is not a date.

use std::borrow::Cow;
use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// Where a date came from; the report shows it next to every date it uses.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// `<meta name="PubDate">`.
    MetaPubDate,
    /// A labelled line in the page such as `发布时间：`.
    Label,
    /// The date printed next to the entry in a column's list.
    ListRow,
    /// A date in the URL (`t20260315_`): the CMS creation date.
    Url,
    /// `<lastmod>` of the URL in the site's sitemap: often a rebuild time, the weakest signal.
    Sitemap,
}

impl DateSource {
    /// Human label in the report language.
    pub fn label(self, en: bool) -> &'static str {
        match (self, en) {
            (DateSource::MetaPubDate, false) => "PubDate元数据",
            (DateSource::MetaPubDate, true) => "PubDate meta tag",
            (DateSource::Label, false) => "页面发布时间",
            (DateSource::Label, true) => "publish-time label",
            (DateSource::ListRow, false) => "列表日期",
            (DateSource::ListRow, true) => "list row date",
            (DateSource::Sitemap, false) => "站点地图lastmod",
            (DateSource::Sitemap, true) => "sitemap lastmod",
            (DateSource::Url, false) => "URL中的日期",
            (DateSource::Url, true) => "date in URL",
        }
    }
}

/// A date together with its provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DatedBy {
    /// `YYYY-MM-DD`.
    #[schemars(with = "String")]
    pub date: Date,
    pub source: DateSource,
}

/// Replaces full-width digits and punctuation that appear inside dates and phone numbers with
/// their ASCII forms, and non-breaking/ideographic spaces with plain spaces.
pub fn normalize_text(s: &str) -> Cow<'_, str> {
    fn map(c: char) -> Option<char> {
        Some(match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '－' | '‐' | '‑' | '–' => '-',
            '／' => '/',
            '．' => '.',
            '：' => ':',
            '（' => '(',
            '）' => ')',
            '\u{3000}' | '\u{00a0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' => ' ',
            _ => return None,
        })
    }
    // Every mapped character starts with one of these bytes; Chinese text is mostly E4..E9, so
    // most characters are skipped without decoding (this runs on every text of every page).
    let lead = |b: u8| matches!(b, 0xC2 | 0xE2 | 0xE3 | 0xEF);
    let Some(first) = s.bytes().position(lead) else {
        return Cow::Borrowed(s);
    };
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = first;
    while i < s.len() {
        if !lead(s.as_bytes()[i]) {
            i += 1;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        if let Some(r) = map(c) {
            let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
            o.push_str(&s[copied..i]);
            o.push(r);
            copied = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    match out {
        None => Cow::Borrowed(s),
        Some(mut o) => {
            o.push_str(&s[copied..]);
            Cow::Owned(o)
        }
    }
}

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{4})\s*([-/.])\s*([0-9]{1,2})\s*([-/.])\s*([0-9]{1,2})")
        .expect("valid regex")
});
static HANZI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日?").expect("valid regex")
});
static URL_T: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/t([0-9]{4})([0-9]{2})([0-9]{2})_[0-9]+").expect("valid regex"));
static URL_ART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/art/([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})/").expect("valid regex")
});

fn civil(y: &str, m: &str, d: &str) -> Option<Date> {
    let y: i16 = y.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    let d: i8 = d.parse().ok()?;
    // Pages of this kind predate 1990 only in scanned archives; earlier years are digit noise.
    if !(1990..=2100).contains(&y) {
        return None;
    }
    Date::new(y, m, d).ok()
}

fn glued_digit(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit())
}

/// Every date in `text` with its byte offset in the normalised text, in order of appearance.
/// Callers pass text already through [`normalize_text`].
pub fn dates_in(text: &str) -> Vec<(usize, Date)> {
    let mut out = Vec::new();
    for c in NUMERIC.captures_iter(text) {
        let m = c.get(0).expect("group 0");
        // Mixed separators (2026-03/15) are not a date; an 索引号 glued to more digits is not either.
        if c[2] != c[4] || glued_digit(text, m.start(), m.end()) {
            continue;
        }
        if let Some(d) = civil(&c[1], &c[3], &c[5]) {
            out.push((m.start(), d));
        }
    }
    for c in HANZI.captures_iter(text) {
        let m = c.get(0).expect("group 0");
        if text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
        {
            continue;
        }
        if let Some(d) = civil(&c[1], &c[2], &c[3]) {
            out.push((m.start(), d));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out
}

/// The first date in a string (normalising it first).
pub fn first_date(text: &str) -> Option<Date> {
    dates_in(&normalize_text(text)).first().map(|(_, d)| *d)
}

/// The last date in a string: list rows put the date after the title, and a row can hold other
/// date-like fields (an 索引号, a 成文日期) before it.
pub fn last_date(text: &str) -> Option<Date> {
    dates_in(&normalize_text(text)).last().map(|(_, d)| *d)
}

/// Labels that introduce the publish date. Document dates (成文日期, 印发日期) and rebuild times
/// (更新时间, 生成时间) are deliberately absent.
const PUBLISH_LABELS: [&str; 6] = [
    "发布时间",
    "发布日期",
    "公开日期",
    "发表时间",
    "时间",
    "日期",
];
const NOT_PUBLISH_PREFIX: [char; 10] = ['更', '新', '改', '成', '生', '文', '印', '效', '止', '订'];

/// Removes spaces between two CJK characters: templates pad labels to align them
/// (`发 布 日 期`, `标　　题`), which hides the label from a plain search.
fn close_cjk_gaps(s: &str) -> Cow<'_, str> {
    let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    if !s.contains(' ') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    // The last character written other than a space, and the spaces held back since it.
    let mut prev: Option<char> = None;
    let mut spaces = 0;
    for c in s.chars() {
        if c == ' ' {
            spaces += 1;
            continue;
        }
        if !(prev.is_some_and(is_cjk) && is_cjk(c)) {
            out.extend(std::iter::repeat_n(' ', spaces));
        }
        spaces = 0;
        out.push(c);
        prev = Some(c);
    }
    out.extend(std::iter::repeat_n(' ', spaces));
    Cow::Owned(out)
}

/// The date after a publish-time label (`发布时间：2026-11-20 09:30`) in normalised text.
pub fn labelled_publish_date(text: &str) -> Option<Date> {
    let text = close_cjk_gaps(text);
    let text = text.as_ref();
    for label in PUBLISH_LABELS {
        let mut from = 0;
        while let Some(pos) = text[from..].find(label) {
            let at = from + pos;
            from = at + label.len();
            if label.chars().count() == 2
                && text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| NOT_PUBLISH_PREFIX.contains(&c) || c == '布' || c == '开')
            {
                continue;
            }
            let rest = text[from..].trim_start_matches([' ', ':', '\t', '\n', '\r', '】', ']']);
            // The date must follow the label closely, not somewhere later in the page.
            let window: String = rest.chars().take(24).collect();
            if let Some((at, d)) = dates_in(&window).first()
                && *at <= 2
            {
                return Some(*d);
            }
        }
    }
    None
}

/// The creation date that TRS (`t20260315_123.html`) and Hanweb (`/art/2026/3/15/`) put in URLs.
pub fn url_date(url: &str) -> Option<Date> {
    if let Some(c) = URL_T.captures(url) {
        return civil(&c[1], &c[2], &c[3]);
    }
    URL_ART
        .captures(url)
        .and_then(|c| civil(&c[1], &c[2], &c[3]))
}

/// Parses `YYYY-MM-DD` as given on the command line.
pub fn parse_iso(s: &str) -> Option<Date> {
    let c = Regex::new(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
        .ok()?
        .captures(s.trim())?;
    Date::new(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn every_list_form_of_section_3_1() {
        let cases = [
            ("2026-03-15", date(2026, 3, 15)),
            ("2026/03/15", date(2026, 3, 15)),
            ("2026/3/5", date(2026, 3, 5)),
            ("2026.03.15", date(2026, 3, 15)),
            ("2026年3月15日", date(2026, 3, 15)),
            ("2026年 3月15日", date(2026, 3, 15)),
            ("2026 年 03 月 15 日", date(2026, 3, 15)),
            ("[2026-03-15]", date(2026, 3, 15)),
            ("2026-03-15 10:09", date(2026, 3, 15)),
            ("2026-03-15 10:09:33", date(2026, 3, 15)),
            ("２０２６年３月１５日", date(2026, 3, 15)),
            ("２０２６－０３－１５", date(2026, 3, 15)),
        ];
        for (s, want) in cases {
            assert_eq!(first_date(s), Some(want), "{s}");
        }
    }

    #[test]
    fn index_numbers_and_impossible_dates_are_not_dates() {
        assert_eq!(first_date("索引号：2026-02-00018"), None);
        assert_eq!(first_date("000014349/2026-00066"), None);
        assert_eq!(first_date("2026年2月30日"), None);
        assert_eq!(first_date("2026-13-01"), None);
        assert_eq!(first_date("2026-03/15"), None);
        assert_eq!(first_date("12026-03-15"), None);
    }

    #[test]
    fn list_row_takes_the_last_date() {
        let row = "1 关于印发方案的通知 2026-02-00018 清教发〔2026〕3号 2026-07-17";
        assert_eq!(last_date(row), Some(date(2026, 7, 17)));
    }

    #[test]
    fn padded_labels_are_found() {
        for t in [
            "发 布 日 期：2026-03-15",
            "发\u{3000}布\u{3000}日\u{3000}期：2026年3月15日",
            "发布日期\u{3000}：2026-03-15",
            "发布时间\u{a0}:\u{a0}2026-03-15 10:00",
            "【发布日期】2026-03-15",
        ] {
            assert_eq!(
                labelled_publish_date(&normalize_text(t)),
                Some(jiff::civil::date(2026, 3, 15)),
                "{t:?}"
            );
        }
        // Closing gaps never joins a label to a date across other words.
        assert_eq!(labelled_publish_date("发 布 机 构 教育局 2026-03-15"), None);
    }

    #[test]
    fn publish_label_wins_over_document_dates() {
        let t = normalize_text("成文日期：2026-01-05 发布时间：2026-01-20 09:30 来源：县教育局");
        assert_eq!(labelled_publish_date(&t), Some(date(2026, 1, 20)));
        let t = normalize_text("更新时间：2026-05-01");
        assert_eq!(labelled_publish_date(&t), None);
        let t = normalize_text("发布日期：2026年3月10日");
        assert_eq!(labelled_publish_date(&t), Some(date(2026, 3, 10)));
        let t = normalize_text("时间：2023-03-31 10:09 浏览量：");
        assert_eq!(labelled_publish_date(&t), Some(date(2023, 3, 31)));
    }

    #[test]
    fn dates_in_cms_urls() {
        assert_eq!(
            url_date("https://x.gov.cn/zwgk/202303/t20230329_45634.htm"),
            Some(date(2023, 3, 29))
        );
        assert_eq!(
            url_date("/art/2026/9/11/art_33718_11828204.html"),
            Some(date(2026, 9, 11))
        );
        assert_eq!(url_date("/zwgk/index_1.html"), None);
    }
}
