//! Dates as Chinese government pages write them.
//!
//! Forms handled (research: cn-site-structure §3.1, pitfalls 14-15): `2026-03-15`, `2026/3/15`,
//! `2026.03.15`, `2026年3月15日` (with or without padding and spaces), bracketed `[2026-03-15]`,
//! any of these followed by a time, full-width digits, and dates in CMS URLs (`t20260315_`,
//! `/art/2026/3/15/`, read by the adapters of [`super::cms`]). A digit run glued to the day (`2026-02-00018`, an 索引号) is not a date.

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
    /// 成文日期 in the page's metadata block: when the document was written. Kept as a signal
    /// (a publish date long after it is suspect), never used as the publish date.
    Written,
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
            (DateSource::Written, false) => "成文日期",
            (DateSource::Written, true) => "date written (成文日期)",
        }
    }

    /// Whether this source can give the publish date ([`Written`](DateSource::Written) cannot).
    pub fn is_publish(self) -> bool {
        self != DateSource::Written
    }
}

/// Publish-date sources, strongest first. `PubDate` is the machine-readable publish time the
/// 指引 (国办发〔2017〕47号) requires; the visible 发布时间 label is what a reader sees; the list
/// row's date is the column's claim about the page; a TRS/Hanweb URL date is the CMS *creation*
/// date; a sitemap lastmod is often only a rebuild time. `MakeTime`/`HtmlGenerateTime` are page
/// rebuild times and never a signal; 成文日期 is kept but never used as the publish date.
pub const PRECEDENCE: [DateSource; 5] = [
    DateSource::MetaPubDate,
    DateSource::Label,
    DateSource::ListRow,
    DateSource::Url,
    DateSource::Sitemap,
];

/// The precedence in words, for reports.
pub fn precedence_text(en: bool) -> String {
    PRECEDENCE
        .iter()
        .map(|s| s.label(en))
        .collect::<Vec<_>>()
        .join(" > ")
}

/// Adds a signal unless the same source already gave one (the first of a source wins).
pub fn add_signal(signals: &mut Vec<DatedBy>, date: Option<Date>, source: DateSource) {
    if let Some(date) = date
        && !signals.iter().any(|s| s.source == source)
    {
        signals.push(DatedBy { date, source });
    }
}

/// The publish date among the signals, by [`PRECEDENCE`].
pub fn choose(signals: &[DatedBy]) -> Option<DatedBy> {
    PRECEDENCE
        .iter()
        .find_map(|p| signals.iter().find(|s| s.source == *p).copied())
}

/// The date signals one page gives about itself: `PubDate` meta, the labelled publish date (in
/// the content, else in header furniture), the metadata block's 成文日期 and 发布日期, and the URL.
/// List rows and sitemaps are added by the site model, which sees them.
pub fn page_signals(
    pub_date_meta: Option<&str>,
    content: &str,
    furniture: &str,
    url: &str,
    block: Option<&super::metadata::DocMeta>,
) -> Vec<DatedBy> {
    let mut s = Vec::new();
    add_signal(
        &mut s,
        pub_date_meta.and_then(first_date),
        DateSource::MetaPubDate,
    );
    let label = labelled_publish_date(content)
        .or_else(|| block.and_then(|b| b.published))
        .or_else(|| labelled_publish_date(furniture));
    add_signal(&mut s, label, DateSource::Label);
    add_signal(&mut s, url_date(url), DateSource::Url);
    add_signal(&mut s, block.and_then(|b| b.written), DateSource::Written);
    s
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

pub(crate) fn civil(y: &str, m: &str, d: &str) -> Option<Date> {
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

/// Removes spaces between two CJK characters: templates pad labels to align them
/// (`发 布 日 期`, `标　　题`), which hides the label from a plain search.
fn close_cjk_gaps(s: &str) -> Cow<'_, str> {
    let is_cjk = |c: Option<char>| c.is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut out: Option<String> = None;
    // Copied up to here; runs of spaces are found with memchr and the text between them is
    // copied whole (this runs on the content of every page).
    let mut copied = 0;
    let mut i = 0;
    while let Some(at) = memchr::memchr(b' ', &s.as_bytes()[i..]) {
        let start = i + at;
        let end = start + s[start..].bytes().take_while(|&b| b == b' ').count();
        if is_cjk(s[..start].chars().next_back()) && is_cjk(s[end..].chars().next()) {
            let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
            o.push_str(&s[copied..start]);
            copied = end;
        }
        i = end;
    }
    match out {
        Some(mut o) => {
            o.push_str(&s[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(s),
    }
}

/// The date after a publish-time label (`发布时间：2026-11-20 09:30`) in normalised text.
pub fn labelled_publish_date(text: &str) -> Option<Date> {
    let text = close_cjk_gaps(text);
    let text = text.as_ref();
    let reading = &super::PAGE_READING.publish_date;
    for label in reading.labels.iter().map(String::as_str) {
        let mut from = 0;
        while let Some(pos) = text[from..].find(label) {
            let at = from + pos;
            from = at + label.len();
            if label.chars().count() == 2
                && text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| reading.not_after.contains(&c))
            {
                continue;
            }
            let rest = text[from..].trim_start_matches([' ', ':', '\t', '\n', '\r', '】', ']']);
            // The date must follow the label closely, not somewhere later in the page. Every
            // date starts with a digit, so a label followed by words is passed over at once:
            // `时间` and `日期` are common words in prose.
            if !rest.bytes().take(3).any(|b| b.is_ascii_digit()) {
                continue;
            }
            let window = &rest[..rest.char_indices().nth(24).map_or(rest.len(), |(i, _)| i)];
            if let Some((at, d)) = dates_in(window).first()
                && *at <= 2
            {
                return Some(*d);
            }
        }
    }
    None
}

/// The creation date a CMS puts in a document's URL (TRS `t20260315_123.html`, Hanweb
/// `/art/2026/3/15/`): each adapter of [`super::cms`] knows its own form.
pub fn url_date(url: &str) -> Option<Date> {
    super::cms::url_date(url)
}

static SPLIT_DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    // `<b>14</b> 2026.07`: the day in one element, year and month in the next.
    Regex::new(r"(?:^|[^0-9])([0-9]{1,2}) +([0-9]{4})[-/.]([0-9]{1,2})(?:$|[^0-9])")
        .expect("valid regex")
});
static SPLIT_DAY_LAST: LazyLock<Regex> = LazyLock::new(|| {
    // `<span>2026-07</span><b>14</b>` or `2026年07月 14日`.
    Regex::new(
        r"(?:^|[^0-9])([0-9]{4})(?:[-/.]|年 *)([0-9]{1,2}) *月? +([0-9]{1,2}) *日?(?:$|[^0-9])",
    )
    .expect("valid regex")
});
static SPLIT_YEAR_LAST: LazyLock<Regex> = LazyLock::new(|| {
    // `<span>07-14</span><span>2026</span>`.
    Regex::new(r"(?:^|[^0-9])([0-9]{1,2})[-/]([0-9]{1,2}) +([0-9]{4})(?:$|[^0-9])")
        .expect("valid regex")
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9./-])([0-9]{1,2})(?:[-/]|月 *)([0-9]{1,2}) *日?[ \])】]*$")
        .expect("valid regex")
});
static YEAR_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([0-9]{4}) *年?(?:度)?\s*$").expect("valid regex"));

/// A list row's date: the last full date in the row, else a date whose day and month sit in
/// different elements (`<b>14</b> 2026.07`), else a month and day at the end of the row
/// (`11-20`, `11月20日`) whose year must come from elsewhere ([`fill_years`]).
pub fn row_date(text: &str) -> (Option<Date>, Option<(i8, i8)>) {
    let text = normalize_text(text);
    let text = text.trim();
    if let Some(d) = dates_in(text).last().map(|(_, d)| *d) {
        return (Some(d), None);
    }
    let split = SPLIT_DAY_FIRST
        .captures_iter(text)
        .filter_map(|c| civil(&c[2], &c[3], &c[1]))
        .chain(
            SPLIT_DAY_LAST
                .captures_iter(text)
                .filter_map(|c| civil(&c[1], &c[2], &c[3])),
        )
        .chain(
            SPLIT_YEAR_LAST
                .captures_iter(text)
                .filter_map(|c| civil(&c[3], &c[1], &c[2])),
        )
        .last();
    if split.is_some() {
        return (split, None);
    }
    let md = MONTH_DAY.captures(text).and_then(|c| {
        let m: i8 = c[1].parse().ok()?;
        let d: i8 = c[2].parse().ok()?;
        // Valid in some year (29 February included).
        Date::new(2024, m, d).ok().map(|_| (m, d))
    });
    (None, md)
}

/// The date with month and day `md` nearest to `near`, in its year or the one either side.
fn nearest(md: (i8, i8), near: Date) -> Option<Date> {
    [near.year() - 1, near.year(), near.year() + 1]
        .into_iter()
        .filter_map(|y| Date::new(y, md.0, md.1).ok())
        .min_by_key(|d| (*d - near).get_days().abs())
}

/// Gives a year to list entries that show only `MM-DD`: from the entry's URL date
/// (`t20261120_`), else from the nearest dated entry of the same list, else from a year
/// heading on the page (`<h3>2026年</h3>`) when there is exactly one. Entries with no clue
/// stay undated.
pub fn fill_years(
    entries: &mut [super::ListEntry],
    month_days: &std::collections::HashMap<url::Url, (i8, i8)>,
    headings: &[String],
) {
    if month_days.is_empty() {
        return;
    }
    let mut years: Vec<i16> = headings
        .iter()
        .filter_map(|h| YEAR_HEADING.captures(h)?[1].parse().ok())
        .collect();
    years.dedup();
    let heading_year = match years.as_slice() {
        [y] => Some(*y),
        _ => None,
    };
    let known: Vec<Option<Date>> = entries.iter().map(|e| e.date).collect();
    for (i, e) in entries.iter_mut().enumerate() {
        if e.date.is_some() {
            continue;
        }
        let Some(&md) = month_days.get(&e.url) else {
            continue;
        };
        let neighbour = (0..known.len())
            .filter(|&j| j != i)
            .filter_map(|j| known[j].map(|d| (j.abs_diff(i), d)))
            .min_by_key(|(dist, _)| *dist)
            .map(|(_, d)| d);
        e.date = url_date(e.url.as_str())
            .or(neighbour)
            .and_then(|near| nearest(md, near))
            .or_else(|| heading_year.and_then(|y| Date::new(y, md.0, md.1).ok()));
    }
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
    fn row_dates_split_across_elements_and_month_day_only() {
        assert_eq!(
            row_date("14 2026.07 县教育局召开会议"),
            (Some(date(2026, 7, 14)), None)
        );
        assert_eq!(row_date("会议 2026-07 14"), (Some(date(2026, 7, 14)), None));
        assert_eq!(row_date("会议 07-14 2026"), (Some(date(2026, 7, 14)), None));
        assert_eq!(row_date("县教育局召开会议 11-20"), (None, Some((11, 20))));
        assert_eq!(row_date("县教育局召开会议 [11/20]"), (None, Some((11, 20))));
        assert_eq!(
            row_date("县教育局召开会议 11月20日"),
            (None, Some((11, 20)))
        );
        // A range in a title is not a date at the end of the row.
        assert_eq!(row_date("3-6岁儿童学前教育资助"), (None, None));
        assert_eq!(row_date("第2.5期简报 11-31"), (None, None));
        // An 索引号 is not a date, in any form.
        assert_eq!(row_date("2026-02-00018 关于某事的通知"), (None, None));
        assert_eq!(
            row_date("1 关于印发方案的通知 2026-02-00018 清教发〔2026〕3号 2026-07-17"),
            (Some(date(2026, 7, 17)), None)
        );
    }

    #[test]
    fn month_day_rows_take_their_year_from_the_page() {
        use super::super::ListEntry;
        let e = |u: &str, d: Option<Date>| ListEntry {
            title: "t".into(),
            url: url::Url::parse(u).unwrap(),
            date: d,
        };
        let mut entries = vec![
            e("http://a.cn/gzdt/a.html", Some(date(2027, 1, 3))),
            e("http://a.cn/gzdt/b.html", None),
            e("http://a.cn/gzdt/202611/t20261120_9.html", None),
            e("http://a.cn/gzdt/c.html", None),
        ];
        let mut md = std::collections::HashMap::new();
        md.insert(entries[1].url.clone(), (12, 30));
        md.insert(entries[2].url.clone(), (11, 20));
        md.insert(entries[3].url.clone(), (2, 30));
        fill_years(&mut entries, &md, &[]);
        // The neighbour dated 2027-01-03 puts 12-30 in 2026, across the new year.
        assert_eq!(entries[1].date, Some(date(2026, 12, 30)));
        // The URL date gives the year.
        assert_eq!(entries[2].date, Some(date(2026, 11, 20)));
        // 30 February exists in no year near 2027: stays undated.
        assert_eq!(entries[3].date, None);
        // With no dated neighbour and no URL date, a single year heading decides.
        let mut lone = vec![e("http://a.cn/x/d.html", None)];
        let md: std::collections::HashMap<_, _> = [(lone[0].url.clone(), (3, 5))].into();
        fill_years(&mut lone, &md, &["2025年".to_string()]);
        assert_eq!(lone[0].date, Some(date(2025, 3, 5)));
        let mut two = vec![e("http://a.cn/x/d.html", None)];
        fill_years(&mut two, &md, &["2025年".into(), "2024年".into()]);
        assert_eq!(two[0].date, None, "two year headings: ambiguous");
    }

    #[test]
    fn signals_keep_every_source_and_never_a_rebuild_time() {
        let block = super::super::metadata::DocMeta {
            written: Some(date(2024, 1, 5)),
            ..Default::default()
        };
        let s = page_signals(
            Some("2026-03-10 12:56"),
            "时间: 2026-03-09 12:56",
            "",
            "https://x.gov.cn/zwgk/202603/t20260313_105587.htm",
            Some(&block),
        );
        let got: Vec<(DateSource, Date)> = s.iter().map(|d| (d.source, d.date)).collect();
        assert_eq!(
            got,
            vec![
                (DateSource::MetaPubDate, date(2026, 3, 10)),
                (DateSource::Label, date(2026, 3, 9)),
                (DateSource::Url, date(2026, 3, 13)),
                (DateSource::Written, date(2024, 1, 5)),
            ]
        );
        assert_eq!(choose(&s).map(|d| d.source), Some(DateSource::MetaPubDate));
        // 成文日期 alone is no publish date.
        let only_written = [DatedBy {
            date: date(2024, 1, 5),
            source: DateSource::Written,
        }];
        assert_eq!(choose(&only_written), None);
        // A MakeTime meta is not passed in at all; a 更新时间 label is not a publish date.
        let s = page_signals(None, "更新时间: 2026-11-25", "", "http://a.cn/x.html", None);
        assert!(s.is_empty());
    }

    /// The definition: a run of spaces goes when the characters on both sides are CJK.
    fn close_gaps_by_chars(s: &str) -> String {
        let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        let mut out = String::new();
        let (mut prev, mut spaces) = (None::<char>, 0);
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
        out
    }

    proptest::proptest! {
        #[test]
        fn cjk_gaps_close_as_defined(s in "[ 发布时间日期:0-9a。]{0,40}") {
            let closed = close_cjk_gaps(&s);
            proptest::prop_assert_eq!(closed.as_ref(), close_gaps_by_chars(&s));
        }
    }
}
