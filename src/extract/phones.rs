//! Telephone numbers with the label in front of them (监督电话, 举报电话, 投诉电话, 咨询电话 ...).
//!
//! Real footers glue phone numbers to ICP numbers, 公安备案 numbers, 网站标识码 and postcodes
//! (research: cn-site-structure §6). A digit run is a phone only if its shape is a phone's and the
//! nearest keyword before it is a phone label, not one of those registration labels.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// A phone number found in a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// Digits with the area code separated by `-` (`0938-6123456`), or the bare hotline.
    pub number: String,
    /// The label in front of it, e.g. `投诉电话`; `None` when unlabelled.
    pub label: Option<String>,
}

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\(\s*(0[0-9]{2,3})\s*\)\s*|(0[0-9]{2,3})\s*[-—]\s*)?([0-9]{5,12})")
        .expect("valid regex")
});

/// Phone labels, longest first so that `监督举报电话` wins over `电话`.
const LABELS: [&str; 16] = [
    "监督举报电话",
    "投诉举报电话",
    "价格举报电话",
    "监督电话",
    "举报电话",
    "投诉电话",
    "咨询电话",
    "联系电话",
    "办公电话",
    "服务热线",
    "举报热线",
    "投诉热线",
    "咨询热线",
    "热线",
    "电话",
    "传真",
];

/// Keywords whose digit runs look like phones but are not.
const TRAPS: [&str; 11] = [
    "ICP",
    "icp",
    "备案",
    "公网安备",
    "网安备",
    "标识码",
    "索引号",
    "邮编",
    "邮政编码",
    "文号",
    "号码：",
];

/// How far back (in characters) a label may stand from its number. Lists such as
/// `举报电话：3865000、3865031` need room for the first number.
const LABEL_WINDOW: usize = 28;

/// The matches `CANDIDATE.find_iter(text)` would give, as byte ranges, found faster: the
/// regex is run only on the stretches of characters a match can hold (digits, whitespace,
/// brackets and dashes) around a run of five or more digits. It cannot match across any other
/// character, so each stretch is searched exactly as the whole text would be, and the rest of
/// the page (nearly all of it) is only looked at byte by byte.
fn candidates(text: &str) -> Vec<(usize, usize)> {
    let phone_char = |c: char| c.is_ascii_digit() || c.is_whitespace() || "()-—".contains(c);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let run = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i - run < 5 {
            continue;
        }
        let from = text[..run]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| phone_char(c))
            .last()
            .map_or(run, |(j, _)| j);
        let to = text[i..]
            .char_indices()
            .take_while(|&(_, c)| phone_char(c))
            .last()
            .map_or(i, |(j, c)| i + j + c.len_utf8());
        out.extend(
            CANDIDATE
                .find_iter(&text[from..to])
                .map(|m| (from + m.start(), from + m.end())),
        );
        i = to;
    }
    out
}

/// Extracts phones from text already passed through `normalize_text`.
pub fn phones_in(text: &str) -> Vec<Phone> {
    let mut out: Vec<Phone> = Vec::new();
    for (start, end) in candidates(text) {
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        // Part of a longer token: an ID, an URL, a document number, a decimal.
        if before.is_some_and(|ch| ch.is_ascii_alphanumeric() || "/_.-〔[".contains(ch))
            || after.is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '年' || ch == '〕')
        {
            continue;
        }
        // The groups come from the match alone: capturing across a whole page of text was most
        // of this function's cost.
        let Some(c) = CANDIDATE.captures(&text[start..end]) else {
            continue;
        };
        let area = c.get(1).or(c.get(2)).map(|a| a.as_str());
        let num = &c[3];
        // The last LABEL_WINDOW characters before the number, found walking back (a page has
        // many candidates; collecting everything before each one was quadratic).
        let ctx: &str = {
            let head = &text[..start];
            let from = head
                .char_indices()
                .rev()
                .nth(LABEL_WINDOW - 1)
                .map_or(0, |(i, _)| i);
            &head[from..]
        };
        let Ok(label) = label_in(ctx) else {
            continue;
        };
        let number = match (area, num.len()) {
            (Some(a), 7 | 8) => format!("{a}-{num}"),
            (Some(_), _) => continue,
            (None, 11) if num.starts_with('1') && num.as_bytes()[1] > b'2' => num.to_string(),
            (None, 10..=12) if num.starts_with('0') => {
                // Area code glued to the number: 3-digit area codes start 01x/02x.
                let split = if num.starts_with("01") || num.starts_with("02") {
                    3
                } else {
                    4
                };
                format!("{}-{}", &num[..split], &num[split..])
            }
            // Bare local numbers and 5-digit hotlines (12345, 12315, 12358) only with a label.
            (None, 7 | 8) if label.is_some() => num.to_string(),
            (None, 5) if num.starts_with("12") && label.is_some() => num.to_string(),
            (None, 5) if ["12345", "12315", "12358", "12319", "12320"].contains(&num) => {
                num.to_string()
            }
            _ => continue,
        };
        if label.is_none() && area.is_none() && !num.starts_with('1') {
            // An unlabelled 0-prefixed run could be a serial number; keep only area+number shapes.
            if !(num.starts_with('0') && (10..=12).contains(&num.len())) {
                continue;
            }
        }
        if !out.iter().any(|p| p.number == number) {
            out.push(Phone {
                number,
                label: label.map(str::to_string),
            });
        }
    }
    out
}

/// Labels and traps in one automaton: a page has many digit runs, and searching each one's
/// window for 27 strings separately was most of the cost of reading phones.
static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(LABELS.iter().chain(TRAPS.iter())).expect("valid phone label words")
});

/// The label nearest before the number (the one ending last; on ties the longer, listed first),
/// unless a registration keyword (ICP, 标识码 ...) ends after it: then the number is not a phone,
/// and `Err` says so.
fn label_in(ctx: &str) -> Result<Option<&'static str>, ()> {
    let mut label: Option<(usize, usize)> = None;
    let mut trap_end: Option<usize> = None;
    for m in WORDS.find_overlapping_iter(ctx) {
        let i = m.pattern().as_usize();
        if i < LABELS.len() {
            let better = label.is_none_or(|(end, j)| {
                m.end() > end || (m.end() == end && LABELS[i].len() > LABELS[j].len())
            });
            if better {
                label = Some((m.end(), i));
            }
        } else {
            trap_end = trap_end.max(Some(m.end()));
        }
    }
    match (label, trap_end) {
        (_, Some(t)) if label.is_none_or(|(end, _)| t > end) => Err(()),
        _ => Ok(label.map(|(_, i)| LABELS[i])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::dates::normalize_text;

    fn numbers(s: &str) -> Vec<(String, Option<String>)> {
        phones_in(&normalize_text(s))
            .into_iter()
            .map(|p| (p.number, p.label))
            .collect()
    }

    #[test]
    fn labelled_forms_seen_on_real_sites() {
        assert_eq!(
            numbers("区教育局直属机关纪委电话:0717-6514475(工作日8:30—12:00)"),
            vec![("0717-6514475".into(), Some("电话".into()))]
        );
        assert_eq!(
            numbers("举报电话:3865000、3865031"),
            vec![
                ("3865000".into(), Some("举报电话".into())),
                ("3865031".into(), Some("举报电话".into()))
            ]
        );
        assert_eq!(
            numbers("监督举报电话：（0938）６１２３４５６"),
            vec![("0938-6123456".into(), Some("监督举报电话".into()))]
        );
        assert_eq!(
            numbers("投诉电话：0938－6123400；价格举报电话：12358"),
            vec![
                ("0938-6123400".into(), Some("投诉电话".into())),
                ("12358".into(), Some("价格举报电话".into()))
            ]
        );
        assert_eq!(
            numbers("咨询电话 13993812345"),
            vec![("13993812345".into(), Some("咨询电话".into()))]
        );
    }

    #[test]
    fn non_ascii_digits_never_panic() {
        // Arabic-Indic and other Unicode digits are not phone digits.
        assert!(numbers("电话：0١١١١١١١").is_empty());
        assert!(numbers("电话：٠٩٣٨-٦١٢٣٤٥٦").is_empty());
    }

    #[test]
    fn registration_numbers_are_not_phones() {
        let footer = "电话:0839-8622290 蜀ICP备12028058号-1 网站标识码5108120013 \
                      川公网安备 51081202000123号 邮编：628000 索引号：01526039-0-/2018-1109011";
        assert_eq!(
            numbers(footer),
            vec![("0839-8622290".into(), Some("电话".into()))]
        );
        assert!(numbers("网站标识码：6201250003").is_empty());
        assert!(numbers("文号：清教发〔2026〕12号").is_empty());
        assert!(numbers("邮编：741400").is_empty());
        assert!(numbers("共计 1234567 元").is_empty());
    }

    proptest::proptest! {
        /// The stretch search finds exactly what the regex finds over the whole text.
        #[test]
        fn candidates_are_the_regex_matches(text in "([0-9]{1,13}|[()\\-— \u{3000}\n年号a中]{1,3}){0,12}") {
            let whole: Vec<(usize, usize)> =
                CANDIDATE.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            proptest::prop_assert_eq!(candidates(&text), whole);
        }
    }
}
