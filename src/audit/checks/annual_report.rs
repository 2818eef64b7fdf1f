//! The annual report (政府信息公开工作年度报告) read against its format, 国办公开办函〔2021〕30号
//! (research: rules-cn.md §5): the six section headings in order (AR-01), the fixed tables of
//! sections 二, 三 and 四 (AR-03 to AR-05), the sums the format states, and a report for 2021 or
//! later still on the 2019 trial template. Every problem names the section, table row or column.
//!
//! The rule (`check = "annual_report"`, one `aspect` each) chooses which reports to read with its
//! `find` terms, exactly as a document rule finds them; the newest report found is read.

use std::collections::HashSet;

use serde::Deserialize;

use super::{CheckKind, Terms};
use crate::audit::facts::{AppealGroup, ReportProblem, ReportSection, TableColumn};
use crate::audit::finding::Reason;
use crate::audit::{Ctx, Evidence, Fact, Finding, Status, Text, messages};
use crate::extract::PageFacts;
use crate::extract::tables::{ReportFacts, Slot, Table};
use crate::rules::{Aspect, Rule, Where};

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnualReportCheck {
    /// Terms that lead to the annual reports (titles, columns, links).
    pub find: Terms,
    /// Where to look for them; columns, titles and links when omitted.
    #[serde(default, rename = "where")]
    pub where_: Option<Vec<Where>>,
    /// What is checked in the newest report found.
    pub aspect: Aspect,
}

impl CheckKind for AnnualReportCheck {
    fn validate(&self, _: &super::Validation<'_>) -> Result<(), super::Invalid> {
        super::check_places(self.where_.as_deref())
    }

    fn find_terms(&self) -> &[String] {
        self.find.as_slice()
    }

    fn need(&self, _as_of: jiff::civil::Date) -> Option<super::Need<'_>> {
        // The newest report is judged: every report found must be read to know which it is.
        Some(super::Need {
            terms: &self.find,
            since: None,
            by: None,
            year: None,
            every: true,
        })
    }

    fn describe(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("aspect", super::written(&self.aspect)),
            ("find", self.find.as_slice().join("、")),
        ];
        if let Some(w) = &self.where_ {
            out.push(("where", super::places_text(w)));
        }
        out
    }

    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        ctx.annual_report(r, self)
    }
}

/// The report format's inspection judgements: `rules/law/annual-report-2021.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportFormat {
    /// The first report year written on this format.
    format_from: i16,
    #[serde(rename = "section")]
    sections: Vec<Section>,
    #[serde(rename = "table")]
    tables: Vec<FixedTable>,
    template_2019: Template2019,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    no: String,
    name: String,
    name_en: String,
    /// Phrases that locate the heading whatever its wording (any of them).
    keys: Vec<String>,
    /// Other wordings seen in real reports that count as right.
    #[serde(default)]
    variants: Vec<String>,
}

/// The tables the checks read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum TableRole {
    Disclosure,
    Applications,
    Appeals,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FixedTable {
    role: TableRole,
    /// The `no` of the section it belongs to.
    section: String,
    /// Cell texts that identify it: any group, every phrase of the group in the table.
    identify: Vec<Vec<String>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Template2019 {
    items: Vec<String>,
}

/// The bundled format, read once. It is part of the binary and a unit test reads it, so a
/// mistake in it fails the tests, never a user's audit.
static FORMAT: std::sync::LazyLock<ReportFormat> = std::sync::LazyLock::new(|| {
    toml::from_str(include_str!("../../../rules/law/annual-report-2021.toml"))
        .expect("rules/law/annual-report-2021.toml is valid (tested)")
});

fn section_no(no: &str) -> Option<&'static Section> {
    FORMAT.sections.iter().find(|s| s.no == no)
}

/// Text for comparing: no whitespace, ASCII brackets and colons made full-width, full-width
/// digits and letters made ASCII.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            ':' => '：',
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '．' | '／' => {
                char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

/// Display text: whitespace between two Chinese characters dropped (`本年度办  理结果`, a
/// cell wrapped in the editor), other runs made one space.
fn tidy(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let prev = out.chars().next_back();
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if prev.is_none_or(|p| p.is_whitespace() || !p.is_ascii())
                && next.is_none_or(|n| !n.is_ascii())
            {
                continue;
            }
            if prev.is_some_and(char::is_whitespace) {
                continue;
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// Wording only: `norm` without punctuation, for comparing headings.
fn words(s: &str) -> String {
    norm(s)
        .chars()
        .filter(|c| !"、，,.。；;：（）“”\"'‘’—-·「」《》".contains(*c))
        .collect()
}

/// A heading without its number (`一、`, `第二部分`) and anything after its first full stop or
/// colon.
fn heading_name(h: &str) -> &str {
    let s = h.trim_start();
    let s = s.strip_prefix('第').unwrap_or(s);
    let s = s.trim_start_matches(|c: char| "一二三四五六七八九十".contains(c));
    let s = s.strip_prefix("部分").unwrap_or(s);
    let s = s.trim_start_matches(|c: char| "、．.，,：: ".contains(c) || c.is_whitespace());
    let end = s.find(['。', '：', ':', '；', ';']).unwrap_or(s.len());
    s[..end].trim()
}

/// A figure in a cell: digits (full-width too), thousands separators, a decimal part.
fn number(cell: &str) -> Option<f64> {
    let t: String = norm(cell)
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if !t.starts_with(|c: char| c.is_ascii_digit()) || t.matches('.').count() > 1 {
        return None;
    }
    t.parse().ok()
}

/// A cell that stands for nothing in a figures row: empty, a dash, 无.
fn blank(cell: &str) -> bool {
    matches!(norm(cell).as_str(), "" | "-" | "—" | "/" | "无" | "——")
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// One row of figures: its label (the row's header cells, spans included) and its values.
struct Row {
    label: String,
    values: Vec<f64>,
}

/// A table read as figures: the column labels (right-aligned on the values, empty when the
/// header cannot say) and the rows with figures.
struct Figures {
    labels: Vec<String>,
    rows: Vec<Row>,
}

fn cells_of<'t>(t: &'t Table, row: &[Slot]) -> Vec<&'t str> {
    let mut out: Vec<&str> = Vec::new();
    let mut last: Option<Slot> = None;
    for s in row {
        if s.is_some() && last == Some(*s) {
            continue;
        }
        last = Some(*s);
        out.push(t.text(*s));
    }
    out
}

fn figures(t: &Table) -> Figures {
    let grid = t.grid();
    let mut rows = Vec::new();
    let mut header: Option<Vec<&str>> = None;
    let mut counts: Vec<usize> = Vec::new();
    for g in &grid {
        let cells = cells_of(t, g);
        let start = cells
            .iter()
            .rposition(|c| number(c).is_none() && !blank(c))
            .map(|i| i + 1)
            .unwrap_or(0);
        let run = &cells[start..];
        if !run.iter().any(|c| number(c).is_some()) {
            if rows.is_empty() {
                header = Some(cells);
            }
            continue;
        }
        let mut label: Vec<String> = Vec::new();
        for c in &cells[..start] {
            let c = tidy(c);
            if !c.is_empty() && !label.contains(&c) {
                label.push(c);
            }
        }
        counts.push(run.len());
        rows.push(Row {
            label: label.join(" / "),
            values: run.iter().map(|c| number(c).unwrap_or(0.0)).collect(),
        });
    }
    // The usual number of figures per row: rows that differ are not compared column-wise.
    let n = counts
        .iter()
        .max_by_key(|n| counts.iter().filter(|m| m == n).count())
        .copied()
        .unwrap_or(0);
    rows.retain(|r| r.values.len() == n);
    let labels = header
        .filter(|h| h.len() >= n)
        .map(|h| h[h.len() - n..].iter().map(|s| norm(s)).collect())
        .unwrap_or_default();
    Figures { labels, rows }
}

impl Figures {
    fn width(&self) -> usize {
        self.rows.first().map(|r| r.values.len()).unwrap_or(0)
    }

    fn column(&self, j: usize) -> TableColumn {
        TableColumn {
            label: self.labels.get(j).filter(|l| !l.is_empty()).cloned(),
            position: u32::try_from(j + 1).unwrap_or(u32::MAX),
        }
    }

    fn find(&self, from: usize, keys: &[&str]) -> Option<usize> {
        (from..self.rows.len()).find(|&i| {
            let l = norm(&self.rows[i].label);
            keys.iter().any(|k| l.contains(k))
        })
    }
}

/// A section of the format as the facts name it.
fn section(s: &Section) -> ReportSection {
    ReportSection {
        no: s.no.clone(),
        name: Text::new(s.name.clone(), s.name_en.clone()),
    }
}

/// A report that was read.
struct Report<'a> {
    page: &'a PageFacts,
    facts: &'a ReportFacts,
    year: Option<i16>,
}

/// The year a report covers: the first `20xx年` of its title, else the year before publication.
fn report_year(p: &PageFacts) -> Option<i16> {
    let t = &p.title;
    t.char_indices()
        .filter(|(_, c)| *c == '2' || *c == '1')
        .find_map(|(i, _)| {
            let y = t.get(i..i + 4)?;
            let after = t.get(i + 4..)?;
            (y.chars().all(|c| c.is_ascii_digit()) && after.starts_with('年'))
                .then(|| y.parse::<i16>().ok())
                .flatten()
                .filter(|y| (1990..2200).contains(y))
        })
        .or_else(|| p.pub_date.map(|d| d.date.year() - 1))
}

fn sections(facts: &ReportFacts) -> Vec<ReportProblem> {
    let hs = &facts.headings;
    let mut out = Vec::new();
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (k, s) in FORMAT.sections.iter().enumerate() {
        // The key phrase near the start: a heading may run on into its first sentence
        // (`<p><b>一、总体情况</b>2025年，本局……</p>`).
        let at = hs.iter().position(|h| {
            let head: String = heading_name(h).chars().take(24).collect();
            s.keys.iter().any(|key| head.contains(key))
        });
        let Some(at) = at else {
            out.push(ReportProblem::SectionMissing {
                section: section(s),
            });
            continue;
        };
        found.push((k, at));
        let name = words(heading_name(&hs[at]));
        if !name.starts_with(&words(&s.name))
            && !s.variants.iter().any(|v| name.starts_with(&words(v)))
        {
            out.push(ReportProblem::SectionHeading {
                section: section(s),
                heading: hs[at].clone(),
            });
        }
    }
    let mut latest: Option<(usize, usize)> = None;
    let mut misordered = false;
    for &(k, at) in &found {
        match latest {
            Some((pk, pat)) if at < pat => {
                misordered = true;
                out.push(ReportProblem::SectionOrder {
                    section: section(&FORMAT.sections[k]),
                    before: section(&FORMAT.sections[pk]),
                });
            }
            _ => latest = Some((k, at)),
        }
    }
    // Numbers that do not match the place: only when the order is right (a swap renumbers both).
    if !misordered {
        for &(k, at) in &found {
            let got = heading_number(&hs[at]);
            if got != FORMAT.sections[k].no {
                out.push(ReportProblem::SectionNumber {
                    section: section(&FORMAT.sections[k]),
                    got: got.to_string(),
                });
            }
        }
    }
    out
}

/// The number of a heading: `三` of `三、…` or `第三部分 …`.
fn heading_number(h: &str) -> &str {
    let s = h.trim_start();
    let s = s.strip_prefix('第').unwrap_or(s);
    let end = s
        .char_indices()
        .find(|(_, c)| !"一二三四五六七八九十".contains(*c))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    &s[..end]
}

/// Whether every phrase of one of the groups is in some cell of `t`.
fn table_has(t: &Table, groups: &[Vec<String>]) -> bool {
    let cells: Vec<String> = t.rows.iter().flatten().map(|c| norm(&c.text)).collect();
    groups.iter().any(|g| {
        g.iter()
            .all(|p| cells.iter().any(|c| c.contains(p.as_str())))
    })
}

fn table_of(facts: &ReportFacts, role: TableRole) -> Option<&Table> {
    let fixed = FORMAT.tables.iter().find(|t| t.role == role)?;
    facts.tables.iter().find(|t| table_has(t, &fixed.identify))
}

fn tables(facts: &ReportFacts) -> Vec<ReportProblem> {
    let none = facts.tables.is_empty();
    FORMAT
        .tables
        .iter()
        .filter(|t| table_of(facts, t.role).is_none())
        .filter_map(|t| section_no(&t.section))
        .map(|s| ReportProblem::TableMissing {
            section: section(s),
            no_tables: none,
        })
        .collect()
}

/// AR-04: per row, 总计 = the sum of the applicant columns; per column, item 1 + item 2 =
/// item 3 (七)总计 + item 4, and (七)总计 = the sum of the outcome rows.
fn applications(t: &Table, out: &mut Vec<ReportProblem>) -> usize {
    let f = figures(t);
    let n = f.width();
    if n < 2 {
        return 0;
    }
    let mut checked = 0;
    let total = f
        .labels
        .iter()
        .rposition(|l| l.contains("总计") || l.contains("合计"))
        .or((f.labels.is_empty() && (n == 3 || n == 7)).then_some(n - 1));
    if let Some(tc) = total {
        let parts: Vec<usize> = (0..n)
            .filter(|&j| j != tc && !f.labels.get(j).is_some_and(|l| l.contains("小计")))
            .collect();
        for r in &f.rows {
            let sum: f64 = parts.iter().map(|&j| r.values[j]).sum();
            checked += 1;
            if !same(sum, r.values[tc]) {
                out.push(ReportProblem::RowTotal {
                    row: r.label.clone(),
                    total: r.values[tc],
                    sum,
                });
            }
        }
    }
    let r1 = f.find(0, &["本年新收"]);
    let r2 = f.find(0, &["上年结转"]);
    let r4 = f.find(0, &["结转下年"]);
    let rt = r2.and_then(|r2| {
        (r2 + 1..f.rows.len()).find(|&i| {
            let l = norm(&f.rows[i].label);
            Some(i) != r4 && (l.contains("总计") || l.contains("合计"))
        })
    });
    if let (Some(r1), Some(r2), Some(rt), Some(r4)) = (r1, r2, rt, r4) {
        for j in 0..n {
            let (a, b, c, d) = (
                f.rows[r1].values[j],
                f.rows[r2].values[j],
                f.rows[rt].values[j],
                f.rows[r4].values[j],
            );
            checked += 1;
            if !same(a + b, c + d) {
                out.push(ReportProblem::CarryOver {
                    column: f.column(j),
                    new: a,
                    carried: b,
                    total_row: f.rows[rt].label.clone(),
                    handled: c,
                    carried_on: d,
                });
            }
        }
    }
    if let (Some(r2), Some(rt)) = (r2, rt) {
        let leaves: Vec<&Row> = f.rows[r2 + 1..rt]
            .iter()
            .filter(|r| !norm(&r.label).contains("小计"))
            .collect();
        if !leaves.is_empty() {
            for j in 0..n {
                let sum: f64 = leaves.iter().map(|r| r.values[j]).sum();
                checked += 1;
                if !same(sum, f.rows[rt].values[j]) {
                    out.push(ReportProblem::OutcomeTotal {
                        column: f.column(j),
                        sum,
                        total_row: f.rows[rt].label.clone(),
                        total: f.rows[rt].values[j],
                    });
                }
            }
        }
    }
    checked
}

/// AR-05: each 总计 of the reconsideration and litigation table is the sum of the results before
/// it (结果维持, 结果纠正, 其他结果, 尚未审结).
fn appeals(t: &Table, out: &mut Vec<ReportProblem>) -> usize {
    let f = figures(t);
    let n = f.width();
    let mut totals: Vec<usize> = f
        .labels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("总计"))
        .map(|(j, _)| j)
        .collect();
    if f.labels.is_empty() && n > 0 && n.is_multiple_of(5) {
        totals = (1..=n / 5).map(|g| g * 5 - 1).collect();
    }
    let names: Vec<AppealGroup> = if totals.len() == 3 {
        vec![
            AppealGroup::Reconsideration,
            AppealGroup::LitigationDirect,
            AppealGroup::LitigationAfterReconsideration,
        ]
    } else {
        (0..totals.len())
            .map(|g| {
                if g == 0 {
                    AppealGroup::Reconsideration
                } else {
                    AppealGroup::Litigation
                }
            })
            .collect()
    };
    let mut checked = 0;
    for r in &f.rows {
        let mut from = 0;
        for (g, &tc) in totals.iter().enumerate() {
            let sum: f64 = r.values[from..tc].iter().sum();
            checked += 1;
            if tc > from && !same(sum, r.values[tc]) {
                let parts: Vec<String> = (from..tc)
                    .map(|j| f.labels.get(j).cloned().unwrap_or_default())
                    .collect();
                out.push(ReportProblem::AppealTotal {
                    group: names[g],
                    total: r.values[tc],
                    parts,
                    sum,
                });
            }
            from = tc + 1;
        }
    }
    checked
}

fn template(facts: &ReportFacts) -> Vec<ReportProblem> {
    let mut seen: Vec<&str> = Vec::new();
    for c in facts.tables.iter().flat_map(|t| t.rows.iter().flatten()) {
        let c = norm(&c.text);
        for m in &FORMAT.template_2019.items {
            if c.contains(m.as_str()) && !seen.contains(&m.as_str()) {
                seen.push(m);
            }
        }
    }
    if seen.is_empty() {
        return Vec::new();
    }
    vec![ReportProblem::Template2019 {
        items: seen.iter().map(|s| s.to_string()).collect(),
    }]
}

impl<'a> Ctx<'a> {
    /// Annual report pages the rule's terms lead to, published by the as-of date.
    fn report_pages(&self, r: &Rule, spec: &AnnualReportCheck) -> Vec<&'a PageFacts> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        for h in self.hits(r, &spec.find, spec.where_.as_deref()) {
            let mut pages: Vec<&'a PageFacts> = h.page.into_iter().collect();
            if let Some(c) = h.column {
                pages.extend(c.entries.iter().filter_map(|e| self.site.page(&e.url)));
            }
            for p in pages {
                if p.pub_date.is_none_or(|d| d.date <= self.as_of) && seen.insert(p.url.as_str()) {
                    out.push(p);
                }
            }
        }
        out
    }

    fn annual_report(&self, r: &Rule, spec: &AnnualReportCheck) -> Finding {
        let aspect = spec.aspect;
        let pages = self.report_pages(r, spec);
        let newest = pages
            .iter()
            .filter_map(|p| {
                p.report.as_deref().map(|facts| Report {
                    page: p,
                    facts,
                    year: report_year(p),
                })
            })
            .max_by(|a, b| {
                (a.year, a.page.pub_date.map(|d| d.date), b.page.url.as_str()).cmp(&(
                    b.year,
                    b.page.pub_date.map(|d| d.date),
                    a.page.url.as_str(),
                ))
            });
        let Some(rep) = newest else {
            if pages.is_empty() {
                return self.finding(
                    r,
                    Status::Inconclusive,
                    Some(Reason::NotApplicable),
                    Fact::NoReportPage,
                    Vec::new(),
                );
            }
            return self.finding(
                r,
                Status::Inconclusive,
                Some(Reason::Unreadable),
                Fact::ReportUnreadable {
                    pages: u32::try_from(pages.len()).unwrap_or(u32::MAX),
                },
                pages.iter().map(|p| page_evidence(p, None)).collect(),
            );
        };
        let title = &rep.page.title;
        // A finding about the report page itself, with that page as its evidence.
        let on_page = |status, reason, message| {
            self.finding(
                r,
                status,
                reason,
                message,
                vec![page_evidence(rep.page, None)],
            )
        };
        let (problems, reason, pass): (Vec<ReportProblem>, Reason, Fact) = match aspect {
            Aspect::Sections => (
                sections(rep.facts),
                Reason::Incomplete,
                Fact::ReportSectionsRight {
                    title: title.clone(),
                },
            ),
            Aspect::Tables => (
                tables(rep.facts),
                Reason::Incomplete,
                Fact::ReportTablesRight {
                    title: title.clone(),
                },
            ),
            Aspect::Arithmetic => {
                let mut out = Vec::new();
                let mut checked = 0;
                if let Some(t) = table_of(rep.facts, TableRole::Applications) {
                    checked += applications(t, &mut out);
                }
                if let Some(t) = table_of(rep.facts, TableRole::Appeals) {
                    checked += appeals(t, &mut out);
                }
                if checked == 0 {
                    return on_page(
                        Status::Inconclusive,
                        Some(Reason::Unreadable),
                        Fact::ReportNoTableToSum {
                            title: title.clone(),
                        },
                    );
                }
                (
                    out,
                    Reason::Inconsistent,
                    Fact::ReportSumsRight {
                        title: title.clone(),
                        checked: u32::try_from(checked).unwrap_or(u32::MAX),
                    },
                )
            }
            Aspect::Template => match rep.year {
                Some(y) if y >= FORMAT.format_from => (
                    template(rep.facts),
                    Reason::Outdated,
                    Fact::ReportCurrentFormat {
                        title: title.clone(),
                    },
                ),
                Some(y) => {
                    return on_page(
                        Status::Pass,
                        None,
                        Fact::ReportOlderFormatApplies {
                            title: title.clone(),
                            year: y,
                        },
                    );
                }
                None => {
                    return on_page(
                        Status::Inconclusive,
                        Some(Reason::NotApplicable),
                        Fact::ReportYearUnknown {
                            title: title.clone(),
                        },
                    );
                }
            },
        };
        if problems.is_empty() {
            return on_page(Status::Pass, None, pass);
        }
        let n = problems.len();
        let evidence = problems
            .iter()
            .map(|p| page_evidence(rep.page, Some(&messages::zh::problem(p))))
            .collect();
        self.gap(
            r,
            reason,
            Fact::ReportProblems {
                title: title.clone(),
                published: rep.page.pub_date.map(|d| d.date),
                problems,
            },
            evidence,
            Some(u32::try_from(n).unwrap_or(u32::MAX)),
        )
    }
}

fn page_evidence(p: &PageFacts, cite: Option<&str>) -> Evidence {
    Evidence {
        url: Some(p.url.clone()),
        text: Some(cite.map(str::to_string).unwrap_or_else(|| p.title.clone())),
        date: p.pub_date.map(|d| d.date),
        date_source: p.pub_date.map(|d| d.source),
        http_status: Some(200),
        ..Evidence::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_format_is_whole() {
        let nos: Vec<&str> = FORMAT.sections.iter().map(|s| s.no.as_str()).collect();
        assert_eq!(nos, ["一", "二", "三", "四", "五", "六"]);
        for t in &FORMAT.tables {
            assert!(section_no(&t.section).is_some(), "{t:?}");
            assert!(!t.identify.is_empty() && t.identify.iter().all(|g| !g.is_empty()));
        }
        for role in [
            TableRole::Disclosure,
            TableRole::Applications,
            TableRole::Appeals,
        ] {
            assert!(FORMAT.tables.iter().any(|t| t.role == role), "{role:?}");
        }
        assert!(FORMAT.sections.iter().all(|s| !s.keys.is_empty()));
    }

    #[test]
    fn headings_lose_their_numbers_and_trailing_text() {
        assert_eq!(heading_name("一、总体情况"), "总体情况");
        assert_eq!(
            heading_name("第二部分 主动公开政府信息情况"),
            "主动公开政府信息情况"
        );
        assert_eq!(
            heading_name("五．存在的主要问题及改进情况。2025年…"),
            "存在的主要问题及改进情况"
        );
        assert_eq!(
            words("政府信息公开行政复议、行政诉讼情况"),
            words("政府信息公开行政复议行政诉讼情况")
        );
    }

    fn report_with(headings: &[&str]) -> ReportFacts {
        ReportFacts {
            headings: headings.iter().map(|h| h.to_string()).collect(),
            tables: Vec::new(),
        }
    }

    /// The problems as (kind, section number, what was found): facts, not sentences.
    fn problems(headings: &[&str]) -> Vec<(&'static str, String, String)> {
        sections(&report_with(headings))
            .into_iter()
            .map(|p| match p {
                ReportProblem::SectionMissing { section } => ("missing", section.no, String::new()),
                ReportProblem::SectionNumber { section, got } => ("number", section.no, got),
                ReportProblem::SectionHeading { section, heading } => {
                    ("heading", section.no, heading)
                }
                ReportProblem::SectionOrder { section, before } => ("order", section.no, before.no),
                other => panic!("not a section problem: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn heading_variants_seen_in_real_reports_pass() {
        assert!(
            problems(&[
                "一、总体情况2025年，本局坚持以公开为常态",
                "第二部分 主动公开政府信息情况",
                "三．收到和处理政府信息公开申请情况",
                "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
                "五、存在的主要问题和改进情况",
                "六、其他需要报告的事项：无。",
            ])
            .is_empty()
        );
        assert_eq!(
            problems(&[
                "一、总体情况",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "五、存在的主要问题及改进情况"
            ]),
            vec![("missing", "六".to_string(), String::new())]
        );
        // Section 五 missing and 六 moved up a place: one missing section, one wrong number.
        assert_eq!(
            problems(&[
                "一、总体情况",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "五、其他需要报告的事项",
            ]),
            vec![
                ("missing", "五".to_string(), String::new()),
                ("number", "六".to_string(), "五".to_string())
            ]
        );
    }

    fn read(html: &str) -> ReportFacts {
        let doc = scraper::Html::parse_document(html);
        *crate::extract::tables::read_report(&doc, &["2025年度报告"]).expect("a report")
    }

    #[test]
    fn sums_with_a_well_formed_header_and_blank_cells() {
        // The caption cell has its rowspan, so the header rows line up (unlike the real TRS
        // table of the fixtures); a dash and an empty cell count as 0.
        let f = read(
            r#"<table>
<tr><th rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th><th colspan="4">申请人情况</th></tr>
<tr><th rowspan="2">自然人</th><th colspan="2">法人或其他组织</th><th rowspan="2">总计</th></tr>
<tr><th>商业企业</th><th>其他</th></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>5</td><td>1</td><td>0</td><td>6</td></tr>
<tr><td colspan="3">二、上年结转政府信息公开申请数量</td><td>1</td><td>0</td><td>0</td><td>1</td></tr>
<tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>3</td><td>1</td><td>0</td><td>4</td></tr>
<tr><td colspan="2">（二）部分公开</td><td>2</td><td>-</td><td></td><td>2</td></tr>
<tr><td colspan="2">（七）总计</td><td>5</td><td>1</td><td>0</td><td>7</td></tr>
<tr><td colspan="3">四、结转下年度继续办理</td><td>1</td><td>0</td><td>0</td><td>1</td></tr>
</table>"#,
        );
        let t = table_of(&f, TableRole::Applications).expect("the applications table");
        let mut out = Vec::new();
        let checked = applications(t, &mut out);
        assert_eq!(checked, 6 + 4 + 4);
        let total_row = "三、本年度办理结果 / （七）总计";
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(
            out[0],
            ReportProblem::RowTotal {
                row: total_row.to_string(),
                total: 7.0,
                sum: 6.0
            }
        );
        assert!(
            matches!(&out[1], ReportProblem::CarryOver { column, new, carried, total_row: t, handled, carried_on }
                if column.label.as_deref() == Some("总计") && (*new, *carried, *handled, *carried_on) == (6.0, 1.0, 7.0, 1.0) && t == total_row),
            "{:?}",
            out[1]
        );
        assert!(
            matches!(&out[2], ReportProblem::OutcomeTotal { column, sum, total_row: t, total }
                if column.label.as_deref() == Some("总计") && (*sum, *total) == (6.0, 7.0) && t == total_row),
            "{:?}",
            out[2]
        );
        // How the catalogue words one of them.
        assert_eq!(
            crate::audit::messages::zh::problem(&out[1]),
            "第三部分表格“总计”列：第一项加第二项为6+1=7，第三项“三、本年度办理结果 / （七）总计”加第四项为7+1=8，两者应相等"
        );
    }

    #[test]
    fn figures_and_blanks() {
        assert_eq!(number("１２"), Some(12.0));
        assert_eq!(number(" 1,234 "), Some(1234.0));
        assert_eq!(number("4166.241619"), Some(4166.241619));
        assert_eq!(number("1.属于国家秘密"), None);
        assert_eq!(number(""), None);
        assert!(blank("—") && blank(" ") && !blank("0"));
        assert_eq!(tidy("三、本年度办 理结果 "), "三、本年度办理结果");
        assert_eq!(tidy("1.申请人 逾期 Word  文档"), "1.申请人逾期 Word 文档");
    }
}
