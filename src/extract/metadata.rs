//! The metadata block of a disclosure catalogue item (信息公开目录): 索引号, 发布机构, 主题分类,
//! 文号, 成文日期, 发布日期 (research: cn-site-structure §1.4, pitfall 17).
//!
//! It is read from the page's flattened content text, so the markup does not matter: `<td>` or
//! `<th>` cells, `<dl><dd>`, `<label><font>` + `div.display-block`, `<b>` + text and Word-pasted
//! spans all flatten to `label[:] value label[:] value …`. Labels padded to align them
//! (`索 引 号`, `标　　题`, `文&nbsp;&nbsp;号`) are matched with any spaces between their
//! characters. A value runs to the next known label, so unknown labels would bleed into values:
//! the labels of fields this module does not keep (标题, 有效性, 组配分类 …) are known too, as
//! stops. Blocks left in the HTML but commented out have no text, so they are never read.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::dates;

/// The fields of a metadata block that the audit uses. Real blocks often leave values empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DocMeta {
    /// 索引号, such as `000014349/2026-00066` or `2026-02-00018` (never a date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_no: Option<String>,
    /// 发布机构 (发文机关, 发文单位).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// 主题分类.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// 文号 (发文字号, 文件编号), such as `清教发〔2026〕3号`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_no: Option<String>,
    /// 成文日期 (生成日期, 发文日期, 产生日期): the date the document was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub written: Option<Date>,
    /// 发布日期 in the block.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub published: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    IndexNo,
    Publisher,
    Topic,
    DocNo,
    Written,
    Published,
    /// A label of a field not kept: it only ends the value before it.
    Stop,
}

/// Label spellings seen in the wild (research §1.4), longest first within a field so that an
/// alternation never stops at a prefix.
const LABELS: &[(Field, &[&str])] = &[
    (Field::IndexNo, &["索引号", "索取号"]),
    (
        Field::Publisher,
        &[
            "发布机构",
            "发文机关",
            "发文单位",
            "发布单位",
            "制发机关",
            "公开责任部门",
        ],
    ),
    (Field::Topic, &["主题分类"]),
    (Field::DocNo, &["发文字号", "文件编号", "文号"]),
    (
        Field::Written,
        &[
            "成文日期",
            "成文时间",
            "生成日期",
            "发文日期",
            "产生日期",
            "印发日期",
        ],
    ),
    (Field::Published, &["发布日期", "发布时间", "公开日期"]),
    (
        Field::Stop,
        &[
            "组配分类",
            "体裁分类",
            "信息分类",
            "所属分类",
            "服务对象分类",
            "公开目录",
            "统一编号",
            "标题",
            "名称",
            "有效性",
            "时效性",
            "是否有效",
            "生效日期",
            "失效日期",
            "废止日期",
            "公开方式",
            "公开范围",
            "公开时限",
            "浏览次数",
            "浏览量",
            "信息来源",
            "来源",
            "主题词",
            "关键词",
            "内容概述",
            "摘要",
            "状态",
        ],
    ),
];

/// Fields whose label starts a block; a lone 发布日期 is an ordinary article header.
fn is_core(f: Field) -> bool {
    matches!(
        f,
        Field::IndexNo | Field::Publisher | Field::Topic | Field::DocNo | Field::Written
    )
}

/// One regex for every label (any spaces between its characters), and each label's field.
static LABEL_RE: LazyLock<(Regex, Vec<(&'static str, Field)>)> = LazyLock::new(|| {
    let mut all: Vec<(&'static str, Field)> = LABELS
        .iter()
        .flat_map(|(f, ls)| ls.iter().map(move |l| (*l, *f)))
        .collect();
    // Longest labels first: `信息来源` before `来源`, `发文字号` before `文号`.
    all.sort_by_key(|(l, _)| std::cmp::Reverse(l.chars().count()));
    let alts: Vec<String> = all
        .iter()
        .map(|(l, _)| {
            let chars: Vec<String> = l.chars().map(|c| c.to_string()).collect();
            chars.join(" *")
        })
        .collect();
    let re = Regex::new(&alts.join("|")).expect("valid regex");
    (re, all)
});

static INDEX_NO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9A-Za-z][0-9A-Za-z./_-]*").expect("valid regex"));

/// How far after the first block label the block may run, in bytes.
const BLOCK_SPAN: usize = 1500;

/// A label found in the text: its field and where it and its separator end.
struct Hit {
    field: Field,
    start: usize,
    end: usize,
}

fn labels(text: &str) -> Vec<Hit> {
    let (re, fields) = &*LABEL_RE;
    let mut out = Vec::new();
    // Plain matching (no capture groups) runs on every page; the field is looked up after.
    for m in re.find_iter(text) {
        let field_of = |label: &str| fields.iter().find(|(l, _)| *l == label).map(|(_, f)| *f);
        // Common words (来源, 标题, 时间) match on most pages: no copy unless a label is spaced.
        let field = if m.as_str().contains(' ') {
            field_of(&m.as_str().replace(' ', ""))
        } else {
            field_of(m.as_str())
        };
        let Some(field) = field else {
            continue;
        };
        // A label stands alone: followed by a colon, a space, a bracket or the end (a cell).
        let rest = &text[m.end()..];
        let after = rest.trim_start_matches(' ');
        let sep = after.starts_with([':', '】', ']', '|'])
            || rest.len() != after.len()
            || rest.is_empty();
        if !sep {
            continue;
        }
        // A numbered item (`1.索引号：政府公开信息的唯一识别代码`) is a guide explaining the
        // fields, not a block showing them.
        let mut before = text[..m.start()].trim_end_matches(' ').chars().rev();
        if matches!(before.next(), Some('.' | '、' | ')'))
            && before.next().is_some_and(|c| c.is_ascii_digit())
        {
            continue;
        }
        let value_start =
            m.end() + (rest.len() - rest.trim_start_matches([' ', ':', '】', ']', '|']).len());
        out.push(Hit {
            field,
            start: m.start(),
            end: value_start,
        });
    }
    out
}

fn first_token(v: &str) -> Option<String> {
    v.split(' ')
        .map(str::trim)
        .find(|t| !t.is_empty())
        .filter(|t| !matches!(*t, "无" | "-" | "/" | "—" | "暂无"))
        // A sentence is prose about the field, not its value.
        .filter(|t| t.chars().count() <= 40 && !t.contains(['。', '，', '；', ',']))
        .map(str::to_string)
}

fn index_no(v: &str) -> Option<String> {
    // Word-pasted cells split values into spans, which flatten with spaces in between.
    let joined: String = v.chars().filter(|c| *c != ' ').collect();
    let m = INDEX_NO.find(&joined)?;
    let s = m.as_str().trim_end_matches(['-', '/', '.']);
    (s.chars().filter(char::is_ascii_digit).count() >= 4).then(|| s.to_string())
}

fn doc_no(v: &str) -> Option<String> {
    let v = v.trim();
    if let Some(end) = v.find('号') {
        let head = &v[..end + '号'.len_utf8()];
        // 文号 values are short: `清教发〔2026〕3号`; spaces are Word-pasted span breaks.
        if head.chars().count() <= 40
            && head.chars().any(|c| c.is_ascii_digit())
            && !head.contains(['。', '，', '；'])
        {
            return Some(head.chars().filter(|c| *c != ' ').collect());
        }
    }
    first_token(v).filter(|t| t.chars().count() <= 30 && t.chars().any(|c| c.is_ascii_digit()))
}

fn date_at_start(v: &str) -> Option<Date> {
    let window: String = v.chars().take(30).collect();
    dates::dates_in(&window)
        .first()
        .filter(|(at, _)| *at <= 2)
        .map(|(_, d)| *d)
}

/// The metadata block in a page's content text (already through [`dates::normalize_text`]),
/// when the page has one: at least two block labels, one of them other than 发布日期.
pub fn parse(text: &str) -> Option<DocMeta> {
    let hits = labels(text);
    let first = hits.iter().position(|h| is_core(h.field))?;
    let from = hits[first].start;
    let block: Vec<&Hit> = hits[first..]
        .iter()
        .take_while(|h| h.start < from + BLOCK_SPAN)
        .collect();
    // A publish date just before the block (some templates start with it) belongs to it.
    let before = hits[..first]
        .last()
        .filter(|h| h.field == Field::Published && from - h.start < 200);
    let kept: Vec<&Hit> = before.into_iter().chain(block).collect();
    if kept.iter().filter(|h| h.field != Field::Stop).count() < 2 {
        return None;
    }
    let mut meta = DocMeta::default();
    for (i, h) in kept.iter().enumerate() {
        let end = kept
            .get(i + 1)
            .map(|n| n.start)
            .filter(|&s| s >= h.end)
            .unwrap_or_else(|| h.end + super::prefix(&text[h.end..], 160).len());
        let value = text[h.end..end].trim();
        match h.field {
            Field::IndexNo if meta.index_no.is_none() => meta.index_no = index_no(value),
            Field::Publisher if meta.publisher.is_none() => meta.publisher = first_token(value),
            Field::Topic if meta.topic.is_none() => meta.topic = first_token(value),
            Field::DocNo if meta.doc_no.is_none() => meta.doc_no = doc_no(value),
            Field::Written if meta.written.is_none() => meta.written = date_at_start(value),
            Field::Published if meta.published.is_none() => meta.published = date_at_start(value),
            _ => {}
        }
    }
    Some(meta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn meta_of(html: &str) -> Option<DocMeta> {
        // The same flattening the extractor applies to page content.
        let doc = scraper::Html::parse_document(html);
        let mut text = String::new();
        for t in doc.root_element().text() {
            let t = t.trim();
            if !t.is_empty() {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&t.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
        parse(&dates::normalize_text(&text))
    }

    #[test]
    fn table_with_padded_labels_and_an_empty_doc_number() {
        let html = r#"<table class="xxgk_table"><tr><th>索 引 号：</th><td>2026-02-00018</td>
<th>主题分类：</th><td>教育</td></tr>
<tr><th>发布机构：</th><td>清水县教育局</td><th>成文日期：</th><td>2026年01月05日</td></tr>
<tr><th>标　　题：</th><td colspan="3">关于做好2026年寒假安全工作的通知</td></tr>
<tr><th>文&nbsp;&nbsp;&nbsp;&nbsp;号：</th><td></td><th>发布日期：</th><td>2026-01-08</td></tr></table>
<div class="TRS_Editor"><p>各学校：</p></div>"#;
        let m = meta_of(html).unwrap();
        assert_eq!(m.index_no.as_deref(), Some("2026-02-00018"));
        assert_eq!(m.topic.as_deref(), Some("教育"));
        assert_eq!(m.publisher.as_deref(), Some("清水县教育局"));
        assert_eq!(m.written, Some(date(2026, 1, 5)));
        assert_eq!(m.doc_no, None);
        assert_eq!(m.published, Some(date(2026, 1, 8)));
    }

    #[test]
    fn definition_list_and_label_font_markup() {
        let dl = r#"<dl class="xxgk"><dt>索&ensp;引&ensp;号:</dt><dd>000014349/2026-00066</dd>
<dt>发文机关:</dt><dd>某县人民政府办公室</dd><dt>发文字号:</dt><dd>某政办发〔2026〕12号</dd>
<dt>成文日期:</dt><dd>2026-03-02</dd></dl>"#;
        let m = meta_of(dl).unwrap();
        assert_eq!(m.index_no.as_deref(), Some("000014349/2026-00066"));
        assert_eq!(m.publisher.as_deref(), Some("某县人民政府办公室"));
        assert_eq!(m.doc_no.as_deref(), Some("某政办发〔2026〕12号"));
        assert_eq!(m.written, Some(date(2026, 3, 2)));
        // UCAP: <label><font>索&ensp;引&ensp;号：</font></label><div class="display-block">.
        let ucap = r#"<div class="xxgkml-content"><label><font>索&ensp;引&ensp;号：</font></label><div class="display-block">01526039-0-/2018-1109011</div>
<label><font>发布机构：</font></label><div class="display-block">腾冲市教育体育局</div>
<label><font>发布日期：</font></label><div class="display-block">2018-06-22 11:24:51</div></div>"#;
        let m = meta_of(ucap).unwrap();
        assert_eq!(m.index_no.as_deref(), Some("01526039-0-/2018-1109011"));
        assert_eq!(m.publisher.as_deref(), Some("腾冲市教育体育局"));
        assert_eq!(m.published, Some(date(2018, 6, 22)));
    }

    #[test]
    fn word_pasted_upper_case_and_unclosed_cells() {
        let html = r#"<TABLE><TR><TD><P class=MsoNormal><SPAN style="mso-bidi-font-size:10.5pt">索引号</SPAN><SPAN>：</SPAN><o:p></o:p></P>
<TD><P class=MsoNormal><SPAN>2026-</SPAN><SPAN>02-00018</SPAN></P>
<TR><TD><B>发布机构</B><TD>清水县教育局
<TR><TD><B>成文日期</B><TD>２０２６年１月５日
</TABLE>"#;
        let m = meta_of(html).unwrap();
        assert_eq!(m.index_no.as_deref(), Some("2026-02-00018"));
        assert_eq!(m.publisher.as_deref(), Some("清水县教育局"));
        assert_eq!(m.written, Some(date(2026, 1, 5)));
    }

    #[test]
    fn empty_values_are_none_and_plain_headers_are_no_block() {
        // Xianning: every label, most values empty.
        let m = meta_of(
            "<p>索引号 : 文  号 : 主题分类: 发文单位: 名 称: 咸宁市教育局2024年政府信息公开指南 发布日期: 2024年03月29日 有效性: 发文日期:</p>",
        )
        .unwrap();
        assert_eq!(m.index_no, None);
        assert_eq!(m.doc_no, None);
        assert_eq!(m.publisher, None);
        assert_eq!(m.published, Some(date(2024, 3, 29)));
        assert_eq!(m.written, None);
        // An ordinary article header is not a metadata block.
        assert_eq!(
            meta_of("<div>发布时间：2026-03-10 12:56 来源：县教育局 浏览次数：</div>"),
            None
        );
        // A commented-out block is not there.
        assert_eq!(
            meta_of(
                "<!--<tr><td><b>索 引 号：</b>000747761/2016-00054</td><td>发布机构：某局</td>--><p>正文</p>"
            ),
            None
        );
        // A guide explaining the fields (Pingtan's 信息公开指南 §(三) 编排体系) is not a block.
        assert_eq!(
            meta_of(
                "<p>信息编排体系主要包含索引号、信息名称、发布机构、成文日期、文号等内容。说明：</p>\
<p>1.索引号：政府公开信息的唯一识别代码，由信息生成机构代码、信息类别组成。</p><p>2.信息名称：政府信息的标题。</p>\
<p>3.发布机构：政府信息发布主体。</p><p>4.生成日期：政府信息生成或变更的时间。</p>\
<p>5.文号：政府信息的发文字号，由发文机关代字、发文年份和文件顺序号三个部分组成。</p>"
            ),
            None
        );
        // Prose values are not values even without numbering.
        let m = meta_of(
            "<p>发布机构：政府信息发布主体。 文号：政府信息的发文字号，由发文机关代字组成。</p>",
        );
        assert!(
            m.as_ref()
                .is_none_or(|m| m.publisher.is_none() && m.doc_no.is_none()),
            "{m:?}"
        );
        // A label word inside a sentence is not a label.
        assert_eq!(
            meta_of("<p>请各单位注明文号和发布机构名称后报送。</p>"),
            None
        );
    }

    #[test]
    fn an_index_number_is_never_a_date_or_a_phone() {
        let t = dates::normalize_text("索引号：2026-02-00018 发布机构：县教育局");
        assert_eq!(dates::first_date(&t), None);
        assert!(super::super::phones::phones_in(&t).is_empty());
        assert_eq!(
            parse(&t).and_then(|m| m.index_no).as_deref(),
            Some("2026-02-00018")
        );
    }

    proptest::proptest! {
        /// Label fragments, padding, digits and punctuation in any order never panic the block
        /// reader, the row-date reader or the footer reader, and an 索引号 value never becomes a
        /// date.
        #[test]
        fn never_panics_on_label_soup(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "索", "引", "号", "索引号", "发布机构", "成文日期", "发布日期", "文号", "主题分类",
                "标题", " ", "\u{3000}", "\u{a0}", ":", "：", "1.", "2026", "-", "02", "00018", "/",
                "年", "月", "日", "〔", "〕", "。", "网站标识码", "ICP备", "公网安备", "主办单位",
                "é", "𠀀",
            ]),
            0..40,
        )) {
            let text = parts.concat();
            let n = dates::normalize_text(&text);
            let _ = parse(&n);
            let _ = dates::row_date(&text);
            let _ = super::super::identity::footer_ids(&n);
            if let Some(m) = parse(&n) && let Some(ix) = m.index_no {
                proptest::prop_assert!(dates::first_date(&ix).is_none() || ix.len() <= 10, "{ix}");
            }
        }
    }
}
