//! The structure of an annual report page (政府信息公开工作年度报告): its numbered section
//! headings and its tables, read while the DOM is alive and kept small and owned.
//!
//! Only pages whose title or column says they are an annual report are read, so the cost is a few
//! pages per site. Tables are kept as written (cell texts with their row and column spans); the
//! audit expands them into a grid with [`Table::grid`] when it needs to.

use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};
use serde::{Deserialize, Serialize};

/// Words in a title, `<title>` or column name that mark an annual report page.
pub const REPORT_MARKERS: [&str; 2] = ["年度报告", "年报"];

/// Most tables, rows per table, cells per row and characters per cell kept: the fixed tables of
/// the 2021 format have at most 4 tables, 32 rows and 15 value columns.
const MAX_TABLES: usize = 12;
const MAX_ROWS: usize = 120;
const MAX_CELLS: usize = 40;
const MAX_CELL_CHARS: usize = 120;
/// Most cells kept over all the tables of a page (the three fixed tables have about 400).
const MAX_PAGE_CELLS: usize = 2000;
/// Most heading candidates kept, and characters kept of each.
const MAX_HEADINGS: usize = 60;
const MAX_HEADING_CHARS: usize = 60;
/// A cell longer than this is page layout, not data: its table is read as running text.
const LAYOUT_CELL_CHARS: usize = 400;
const MAX_ROWSPAN: u16 = 200;
const MAX_COLSPAN: u16 = 50;
/// Widest expanded grid: spans that pile up past it are cut.
pub const MAX_GRID_COLS: usize = 200;

/// What an annual report page shows: candidate section headings and tables, in page order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFacts {
    /// Lines outside tables that start with a top-level number (`一、总体情况`, `第二部分 …`),
    /// whitespace collapsed, at most 60 characters each.
    pub headings: Vec<String>,
    pub tables: Vec<Table>,
}

/// One data table as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// How many entries of [`ReportFacts::headings`] come before this table.
    pub after_headings: u16,
    pub rows: Vec<Vec<Cell>>,
}

/// One `<td>` or `<th>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Text with whitespace (`&nbsp;`, full-width spaces, line breaks) collapsed to one space.
    pub text: String,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub rowspan: u16,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub colspan: u16,
}

fn one() -> u16 {
    1
}

fn is_one(n: &u16) -> bool {
    *n == 1
}

/// One slot of an expanded table: the cell that covers it, as (row, index in that row).
pub type Slot = Option<(usize, usize)>;

impl Table {
    /// The table as a rectangle of slots, each naming the written cell that covers it, with row
    /// and column spans laid out as a browser would (a span into occupied slots moves right).
    pub fn grid(&self) -> Vec<Vec<Slot>> {
        let mut grid: Vec<Vec<Slot>> = vec![Vec::new(); self.rows.len()];
        for (r, row) in self.rows.iter().enumerate() {
            let mut c = 0;
            for (i, cell) in row.iter().enumerate() {
                while grid[r].get(c).is_some_and(Option::is_some) {
                    c += 1;
                }
                if c >= MAX_GRID_COLS {
                    break;
                }
                let end = (c + usize::from(cell.colspan.max(1))).min(MAX_GRID_COLS);
                let last_row = (r + usize::from(cell.rowspan.max(1))).min(self.rows.len());
                for gr in grid.iter_mut().take(last_row).skip(r) {
                    if gr.len() < end {
                        gr.resize(end, None);
                    }
                    for slot in &mut gr[c..end] {
                        if slot.is_none() {
                            *slot = Some((r, i));
                        }
                    }
                }
                c = end;
            }
        }
        grid
    }

    /// The text of a slot.
    pub fn text(&self, slot: Slot) -> &str {
        slot.and_then(|(r, i)| self.rows.get(r).and_then(|row| row.get(i)))
            .map(|c| c.text.as_str())
            .unwrap_or("")
    }
}

/// Whether a page with these title, `<title>` and column texts is an annual report.
pub fn looks_like_report(fields: &[&str]) -> bool {
    fields
        .iter()
        .any(|f| REPORT_MARKERS.iter().any(|m| f.contains(m)))
}

/// Reads the headings and tables of an annual report page; `None` for other pages and for
/// report pages with neither (a report published only as an attachment or images).
pub fn read_report(doc: &Html, fields: &[&str]) -> Option<Box<ReportFacts>> {
    if !looks_like_report(fields) {
        return None;
    }
    let mut r = Reader::default();
    r.walk(*doc.root_element());
    r.flush();
    let facts = r.facts;
    (!facts.headings.is_empty() || !facts.tables.is_empty()).then(|| Box::new(facts))
}

#[derive(Default)]
struct Reader {
    facts: ReportFacts,
    line: String,
    /// Cells kept so far, against [`MAX_PAGE_CELLS`].
    cells: usize,
}

enum Step<'a> {
    Enter(NodeRef<'a, Node>),
    /// The end of a block element: the line ends.
    Leave,
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "br"
            | "hr"
            | "section"
            | "article"
            | "blockquote"
            | "dl"
            | "dt"
            | "dd"
            | "center"
            | "pre"
            | "form"
            | "body"
    )
}

fn skipped(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "noscript" | "template" | "select" | "head" | "textarea" | "iframe"
    )
}

/// Appends text with runs of whitespace (including `&nbsp;` and U+3000) collapsed to one space.
fn push_collapsed(buf: &mut String, t: &str, max_chars: usize) {
    let mut count = buf.chars().count();
    for c in t.chars() {
        if count >= max_chars {
            return;
        }
        if c.is_whitespace() || c == '\u{a0}' {
            if !buf.is_empty() && !buf.ends_with(' ') {
                buf.push(' ');
                count += 1;
            }
        } else {
            buf.push(c);
            count += 1;
        }
    }
}

/// A top-level section number at the start of a line: `一、`, `二．`, `三.`, `四 `, `第五部分`.
fn is_heading_line(line: &str) -> bool {
    const NUMERALS: &str = "一二三四五六七八九十";
    let s = line.trim_start();
    let s = s.strip_prefix('第').unwrap_or(s);
    let digits = s.chars().take_while(|c| NUMERALS.contains(*c)).count();
    if digits == 0 || digits > 2 {
        return false;
    }
    let rest: &str = &s[s
        .char_indices()
        .nth(digits)
        .map(|(i, _)| i)
        .unwrap_or(s.len())..];
    let rest = rest.strip_prefix("部分").unwrap_or(rest);
    rest.starts_with(['、', '．', '.', '，', ',', '：', ':', ' ', '\u{3000}'])
        && rest
            .trim_start_matches(['、', '．', '.', '，', ',', '：', ':', ' ', '\u{3000}'])
            .chars()
            .next()
            .is_some_and(|c| !c.is_ascii_digit())
}

fn span_attr(e: &scraper::node::Element, name: &str, max: u16) -> u16 {
    let Some(v) = e.attr(name) else { return 1 };
    let digits: String = v
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(5)
        .collect();
    match digits.parse::<u16>() {
        // rowspan="0" spans to the end of the table section: the clamp does that.
        Ok(0) if name == "rowspan" => max,
        Ok(0) | Err(_) => 1,
        Ok(n) => n.min(max),
    }
}

/// Whether `e` has an element descendant named `name`.
fn has_descendant(e: ElementRef<'_>, name: &str) -> bool {
    e.descendent_elements()
        .skip(1)
        .any(|d| d.value().name() == name)
}

impl Reader {
    fn flush(&mut self) {
        let line = std::mem::take(&mut self.line);
        let line = line.trim();
        if self.facts.headings.len() < MAX_HEADINGS && is_heading_line(line) {
            let mut h = String::new();
            push_collapsed(&mut h, line, MAX_HEADING_CHARS);
            self.facts.headings.push(h.trim_end().to_string());
        }
    }

    fn walk<'a>(&mut self, root: NodeRef<'a, Node>) {
        let mut stack: Vec<Step<'a>> = vec![Step::Enter(root)];
        while let Some(step) = stack.pop() {
            let node = match step {
                Step::Leave => {
                    self.flush();
                    continue;
                }
                Step::Enter(n) => n,
            };
            match node.value() {
                Node::Text(t) => {
                    // A line longer than a heading is kept only as far as a heading needs.
                    push_collapsed(&mut self.line, t, MAX_HEADING_CHARS + 1);
                }
                Node::Element(e) => {
                    let name = e.name();
                    if skipped(name) {
                        continue;
                    }
                    if name == "table"
                        && let Some(t) = ElementRef::wrap(node).and_then(|t| self.data_table(t))
                    {
                        self.flush();
                        if self.facts.tables.len() < MAX_TABLES {
                            self.facts.tables.push(t);
                        }
                        continue;
                    }
                    let block = is_block(name);
                    if block {
                        self.flush();
                        stack.push(Step::Leave);
                    }
                    let children: Vec<_> = node.children().collect();
                    for c in children.into_iter().rev() {
                        stack.push(Step::Enter(c));
                    }
                }
                _ => {}
            }
        }
    }

    /// A table of data: no table inside it, no cell long enough to be a page's layout.
    fn data_table(&mut self, t: ElementRef<'_>) -> Option<Table> {
        if has_descendant(t, "table") {
            return None;
        }
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut kept = 0;
        for tr in t.descendent_elements().filter(|e| e.value().name() == "tr") {
            if rows.len() >= MAX_ROWS || self.cells + kept >= MAX_PAGE_CELLS {
                break;
            }
            let mut row = Vec::new();
            for td in tr
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
            {
                let mut text = String::new();
                let mut long = 0usize;
                for s in td.text() {
                    long += s.chars().count();
                    if long > LAYOUT_CELL_CHARS {
                        return None;
                    }
                    if !text.is_empty() && !text.ends_with(' ') {
                        // Separate the texts of block children (`<p>社会公益</p><p>组织</p>`).
                        text.push(' ');
                    }
                    push_collapsed(&mut text, s, MAX_CELL_CHARS);
                }
                if row.len() < MAX_CELLS && self.cells + kept < MAX_PAGE_CELLS {
                    kept += 1;
                    row.push(Cell {
                        text: text.trim().to_string(),
                        rowspan: span_attr(td.value(), "rowspan", MAX_ROWSPAN),
                        colspan: span_attr(td.value(), "colspan", MAX_COLSPAN),
                    });
                }
            }
            rows.push(row);
        }
        if rows.iter().filter(|r| !r.is_empty()).count() < 2 {
            return None;
        }
        self.cells += kept;
        Some(Table {
            after_headings: u16::try_from(self.facts.headings.len()).unwrap_or(u16::MAX),
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> ReportFacts {
        let doc = Html::parse_document(body);
        *read_report(&doc, &["某县2025年度政府信息公开工作年度报告"]).expect("a report")
    }

    fn texts(t: &Table) -> Vec<Vec<String>> {
        t.grid()
            .iter()
            .map(|r| r.iter().map(|s| t.text(*s).to_string()).collect())
            .collect()
    }

    #[test]
    fn only_report_pages_are_read() {
        let doc = Html::parse_document(
            "<p>一、总体情况</p><table><tr><td>1</td></tr><tr><td>2</td></tr></table>",
        );
        assert!(read_report(&doc, &["关于开展校园安全检查的通知", "通知公告"]).is_none());
        assert!(read_report(&doc, &["x", "政府信息公开年报"]).is_some());
        let empty = Html::parse_document("<p>见附件。</p><a href='a.pdf'>附件</a>");
        assert!(read_report(&empty, &["2025年度报告"]).is_none());
    }

    #[test]
    fn headings_are_numbered_lines_outside_tables() {
        let f = read(
            "<div class=TRS_Editor><p>本报告共分6个部分：总体情况、主动公开政府信息情况。</p>\
             <p style='text-indent:2em'>一、总体情况&nbsp;</p><p>（一）主动公开方面。</p>\
             <p><strong>二．</strong><span>主动公开政府信息情况</span></p>\
             <table><tr><td>一、本年新收政府信息公开申请数量</td><td>1</td></tr><tr><td>四、结转下年度继续办理</td><td>0</td></tr></table>\
             <p>第三部分　收到和处理政府信息公开申请情况</p><p>一是加强培训</p><p>二〇二五年</p>\
             <h3>六、其他需要报告的事项</h3></div>",
        );
        assert_eq!(
            f.headings,
            vec![
                "一、总体情况",
                "二．主动公开政府信息情况",
                "第三部分 收到和处理政府信息公开申请情况",
                "六、其他需要报告的事项"
            ]
        );
        assert_eq!(f.tables.len(), 1);
        assert_eq!(f.tables[0].after_headings, 2);
    }

    #[test]
    fn spans_expand_like_a_browser() {
        // The real TRS table: the caption cell lacks its rowspan, so the header rows are short.
        let f = read(
            r#"<table><tbody>
<tr><td colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益 &nbsp; &nbsp;
 组织</td><td>法律服务　机构</td><td>其他</td></tr>
<tr><td rowspan="3">三、本年度办理结果</td><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>0</td></tr>
<tr><td>2.其他法律行政法规禁止公开</td><td>1</td></tr>
<tr><td colspan="2">（七）总计</td><td>9</td></tr>
</tbody></table>"#,
        );
        let g = texts(&f.tables[0]);
        assert_eq!(
            g[2],
            vec![
                "自然人",
                "商业企业",
                "科研机构",
                "社会公益 组织",
                "法律服务 机构",
                "其他",
                "总计"
            ]
        );
        assert_eq!(
            g[4],
            vec![
                "三、本年度办理结果",
                "（三）不予公开",
                "2.其他法律行政法规禁止公开",
                "1"
            ]
        );
        assert_eq!(
            g[5],
            vec!["三、本年度办理结果", "（七）总计", "（七）总计", "9"]
        );
    }

    #[test]
    fn hostile_markup() {
        // Unclosed cells and rows, upper-case tags, Word's <o:p>, spans as text, a layout table
        // around the whole report with the data table nested in it.
        let f = read(
            r#"<TABLE width=100%><TR><TD>
<P class=MsoNormal><B><SPAN>一、总体情况<o:p></o:p></SPAN></B></P>
<P>本机关全年主动公开信息。这一段很长，是正文。</P>
<P class=MsoNormal><b>四、政府信息公开行政复议、行政诉讼情况</b></P>
<TABLE class=MsoNormalTable border=1>
<TR><TD colspan=5>行政复议<TD colspan="10;">行政诉讼
<TR><TD rowspan=" 2 ">结果维持<TD>总计
<TR><TD><P class=MsoNormal><SPAN lang=EN-US>３<o:p></o:p></SPAN></P><TD rowspan=0>x
</TABLE>
</TD></TR></TABLE>"#,
        );
        assert_eq!(
            f.headings,
            vec!["一、总体情况", "四、政府信息公开行政复议、行政诉讼情况"]
        );
        assert_eq!(f.tables.len(), 1, "the layout table is read as text");
        let t = &f.tables[0];
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0][1].colspan, 10);
        assert_eq!(t.rows[1][0].rowspan, 2);
        assert_eq!(t.rows[2][0].text, "３");
        let g = texts(t);
        assert_eq!(g[2][0], "结果维持");
        assert_eq!(g[2][1], "３");
    }

    #[test]
    fn huge_tables_are_capped() {
        let mut html = String::from("<table>");
        for i in 0..500 {
            html.push_str(&format!("<tr><td>{i}</td><td>0</td></tr>"));
        }
        html.push_str("</table><table>");
        for i in 0..500 {
            html.push_str(&format!("<tr><td rowspan=65535 colspan=9999>{i}</td>"));
            for _ in 0..100 {
                html.push_str("<td>一二三四五六七八九十一二三四五六七八九十</td>");
            }
            html.push_str("</tr>");
        }
        html.push_str("</table>");
        let f = read(&html);
        assert_eq!(f.tables[0].rows.len(), MAX_ROWS);
        let t = &f.tables[1];
        assert!(t.rows.iter().all(|r| r.len() <= MAX_CELLS));
        assert_eq!(t.rows[0][0].rowspan, MAX_ROWSPAN);
        assert_eq!(t.rows[0][0].colspan, MAX_COLSPAN);
        assert!(t.grid().iter().all(|r| r.len() <= MAX_GRID_COLS));
        let cells: usize = f.tables.iter().flat_map(|t| &t.rows).map(Vec::len).sum();
        assert!(cells <= MAX_PAGE_CELLS, "{cells}");
    }
}
