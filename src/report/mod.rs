//! The report: one serialisable model, rendered by one [`Render`] implementation per format.
//! JSON is the canonical form; no renderer recomputes a verdict.

pub mod bulletin;
mod crawled;
pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod output;
pub mod pdf;
pub mod sarif;
pub mod xlsx;

use std::io::Write;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::audit::{Finding, Score, Text};
use crate::extract::DatedBy;
use crate::rules::RulePack;
use crate::site::{ColumnState, SiteModel};
use crate::target::{Scope, ScopeFrom};
pub use crawled::{CrawlSummary, RobotsInfo, SitemapInfo};

/// Bumped whenever a field changes meaning, appears or disappears. 2: findings carry `facts`.
/// 3: the crawl counts 304 answers (`not_modified`) and outcomes include `unsampled`; the
/// target carries the start URL's redirects and how the scope was chosen.
/// 4: the score is a range (`best`, `worst`, `provisional`, `unjudged`; `coverage` is the share
/// of rules judged, `pass_rate` the share of judged rules that passed; `inconclusive` leaves out
/// `not_applicable` rules), and a finding not judged carries its `at_stake`.
pub const SCHEMA_VERSION: u32 = 4;

/// A closed set of named values a user picks from (a format, a language): the command line
/// offers them by name with their help, so the list lives here once.
pub trait Choices: Copy + Sized + Send + Sync + 'static {
    const ALL: &'static [Self];
    /// The name the user types.
    fn name(self) -> &'static str;
    /// One line for `--help`.
    fn help(self) -> &'static str;
}

/// Output formats, shared by the command line and serde.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// The canonical report, schema-versioned JSON.
    Json,
    /// Markdown, for CI step summaries and issue trackers.
    Markdown,
    /// One row per finding, for spreadsheets.
    Csv,
    /// JUnit XML: one test case per rule, for any CI system.
    Junit,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// A 通报-style plain-text narrative of the gaps.
    Text,
    /// One self-contained HTML file, printable on A4.
    Html,
    /// A spreadsheet with a summary sheet and a findings sheet.
    Xlsx,
    /// The HTML report printed to PDF by a headless Chromium.
    Pdf,
}

impl Choices for Format {
    const ALL: &'static [Format] = &[
        Format::Table,
        Format::Json,
        Format::Markdown,
        Format::Csv,
        Format::Junit,
        Format::Sarif,
        Format::Text,
        Format::Html,
        Format::Xlsx,
        Format::Pdf,
    ];

    fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Junit => "junit",
            Format::Sarif => "sarif",
            Format::Text => "text",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Format::Table => "A table for the terminal",
            Format::Json => "The canonical report, schema-versioned JSON",
            Format::Markdown => "Markdown, for CI step summaries and issue trackers",
            Format::Csv => "One row per finding, for spreadsheets",
            Format::Junit => "JUnit XML: one test case per rule, for any CI system",
            Format::Sarif => "SARIF 2.1.0, for code-scanning dashboards",
            Format::Text => "A 通报-style plain-text narrative of the gaps",
            Format::Html => "One self-contained HTML file, printable on A4",
            Format::Xlsx => "A spreadsheet with a summary sheet and a findings sheet",
            Format::Pdf => "The HTML report printed to PDF (needs Chromium or Chrome)",
        }
    }
}

impl Format {
    /// File extension used when writing into an output directory.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "table.txt",
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Junit => "junit.xml",
            Format::Sarif => "sarif",
            Format::Text => "txt",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    /// The format a file name implies, if any.
    pub fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "json" => Format::Json,
            "md" | "markdown" => Format::Markdown,
            "csv" => Format::Csv,
            "xml" | "junit" => Format::Junit,
            "sarif" => Format::Sarif,
            "txt" => Format::Text,
            "html" | "htm" => Format::Html,
            "xlsx" => Format::Xlsx,
            "pdf" => Format::Pdf,
            _ => return None,
        })
    }
}

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Choices for Lang {
    const ALL: &'static [Lang] = &[Lang::Zh, Lang::En];

    fn name(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    fn help(self) -> &'static str {
        ""
    }
}

impl Lang {
    pub fn is_en(self) -> bool {
        self == Lang::En
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetInfo {
    /// What the user asked to audit (a URL, or a local directory).
    pub input: String,
    /// The home page: where the URL asked for ends after its redirects.
    pub start_url: Url,
    pub scope: Scope,
    /// True when a local directory was served on 127.0.0.1 for the audit.
    pub local: bool,
    /// The URL asked for, when it redirected to `start_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_url: Option<Url>,
    /// Each hop of the redirects from `requested_url`, in order, ending at `start_url`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Url>,
    /// How the scope was chosen.
    #[serde(default)]
    pub scope_from: ScopeFrom,
}

impl TargetInfo {
    /// The URL the user asked for (before its redirects): what names the site across runs.
    pub fn requested(&self) -> &Url {
        self.requested_url.as_ref().unwrap_or(&self.start_url)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PackInfo {
    pub id: String,
    pub name: Text,
    /// Every pack merged in, parents first.
    pub chain: Vec<String>,
}

/// A column as the report lists it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ColumnSummary {
    pub name: String,
    pub url: Url,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    pub state: ColumnState,
    pub entries: usize,
    pub pages: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newest: Option<DatedBy>,
    /// A shared or inherited column (every entry links off the audited site, e.g. a parent
    /// government's feed): the hosts its entries live on. Not scored for freshness.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shared: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteSummary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id_code: Option<String>,
    pub pages: usize,
    pub links: usize,
    pub dead_links: usize,
    pub columns: Vec<ColumnSummary>,
}

/// The whole audit result.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub target: TargetInfo,
    /// The day every freshness and deadline judgement was made for, `YYYY-MM-DD`.
    #[schemars(with = "String")]
    pub as_of: Date,
    /// When the audit ran (RFC 3339).
    pub generated_at: String,
    pub pack: PackInfo,
    pub score: Score,
    pub findings: Vec<Finding>,
    pub site: SiteSummary,
    pub crawl: CrawlSummary,
    /// What the audit took the audited body to be, each part with where it came from; the
    /// kind decides deadlines (第四十九条) and which rules apply. Absent in reports written before
    /// it was kept.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit: Option<crate::rules::unit::UnitProfile>,
    /// Things the reader should know about how the audit ran (robots ignored, caps hit ...).
    pub notes: Vec<Text>,
    /// Earlier runs of the same site and pack from the history database (`--history`), in the
    /// order they were recorded, ending with this run; absent when no history was kept.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub history: Option<Vec<HistoryPoint>>,
}

/// One run in a report's trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HistoryPoint {
    /// The run's as-of date, `YYYY-MM-DD`.
    #[schemars(with = "String")]
    pub as_of: Date,
    /// When the run's audit ran (RFC 3339).
    pub generated_at: String,
    /// The best end of the run's score range.
    pub points: f64,
    /// The worst end, when it differs.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub worst: Option<f64>,
    pub grade: Text,
    /// The grade was provisional (待定).
    #[serde(default)]
    pub provisional: bool,
    pub gaps: usize,
}

impl HistoryPoint {
    /// `87.5`, or `41–100` for a range.
    pub fn points_text(&self) -> String {
        match self.worst {
            Some(w) => format!("{w}–{}", self.points),
            None => self.points.to_string(),
        }
    }
}

impl Report {
    /// What the report calls the audited unit: the SiteName meta, else (sites without the meta,
    /// such as the U.S. example) the directory or the start URL's host the user gave.
    pub fn unit_name(&self) -> String {
        match self.site.site_name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ if self.target.local => self.target.input.clone(),
            _ => self
                .target
                .start_url
                .host_str()
                .map_or_else(|| self.target.start_url.to_string(), str::to_string),
        }
    }

    /// The unit profile as the header of every format shows it: a label and one line, or
    /// `None` for a report without one.
    pub fn unit_line(&self, en: bool) -> Option<(&'static str, String)> {
        let u = self.unit.as_ref()?;
        Some((if en { "Unit profile" } else { "单位画像" }, u.describe(en)))
    }

    /// Assembles the report from the stages' outputs.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        target: TargetInfo,
        as_of: Date,
        pack: &RulePack,
        site: &SiteModel,
        findings: Vec<Finding>,
        score: Score,
        crawl: crate::crawl::CrawlSummary,
        notes: Vec<Text>,
    ) -> Report {
        let columns = site
            .columns
            .iter()
            .map(|c| ColumnSummary {
                name: c.name.clone(),
                url: c.url.clone(),
                class: pack.classify(&c.name).map(|k| k.id.clone()),
                state: c.state,
                entries: c.entries.len(),
                pages: c.pages.len(),
                newest: c.newest,
                shared: c.shared.clone(),
            })
            .collect();
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "gongkai".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            target,
            as_of,
            generated_at: jiff::Timestamp::now().to_string(),
            pack: PackInfo {
                id: pack.id.clone(),
                name: Text::new(
                    pack.name.clone(),
                    pack.name_en.clone().unwrap_or_else(|| pack.name.clone()),
                ),
                chain: pack.chain.clone(),
            },
            score,
            findings,
            site: SiteSummary {
                site_name: site.site_name.clone(),
                site_id_code: site.site_id_code.clone(),
                pages: site.pages.len(),
                links: site.links.len(),
                dead_links: site.dead_links().count(),
                columns,
            },
            crawl: crawl.into(),
            notes,
            history: None,
            unit: None,
        }
    }
}

/// One output format of a document: the report (the default), a batch summary, a diff or a
/// history. Every output of gongkai goes through this one trait.
pub trait Render<T: ?Sized = Report> {
    fn render(&self, doc: &T, out: &mut dyn Write) -> std::io::Result<()>;
}

/// The renderer of a file format; `None` for [`Format::Table`], which is for a terminal and is
/// drawn by the front end (the binary's `Terminal`).
pub fn renderer(format: Format, en: bool) -> Option<Box<dyn Render + Send>> {
    Some(match format {
        Format::Json => Box::new(json::JsonReport),
        Format::Markdown => Box::new(markdown::MarkdownReport { en }),
        Format::Csv => Box::new(csv::CsvReport { en }),
        Format::Junit => Box::new(junit::JunitReport { en }),
        Format::Sarif => Box::new(sarif::SarifReport { en }),
        Format::Text => Box::new(bulletin::BulletinReport { en }),
        Format::Html => Box::new(html::HtmlReport { en }),
        Format::Xlsx => Box::new(xlsx::XlsxReport { en }),
        Format::Pdf => Box::new(pdf::PdfReport { en }),
        Format::Table => return None,
    })
}

/// Findings in reading order: gaps (vetoes first), then inconclusive, then passes.
pub fn ordered(report: &Report) -> Vec<&Finding> {
    let mut f: Vec<&Finding> = report.findings.iter().collect();
    f.sort_by_key(|f| {
        let s = match f.status {
            crate::audit::Status::Gap => 0,
            crate::audit::Status::Inconclusive => 1,
            crate::audit::Status::Pass => 2,
        };
        (s, std::cmp::Reverse(f.severity))
    });
    f
}

/// A URL as the reader should see it: a local mirror is served on a random port, so its paths
/// are shown relative to the start.
pub fn display_url(report: &Report, u: &Url) -> String {
    if report.target.local
        && let Some(rest) = u.as_str().strip_prefix(report.target.start_url.as_str())
    {
        return if rest.is_empty() {
            "./".into()
        } else {
            rest.to_string()
        };
    }
    u.to_string()
}

/// A file name from text that came from the site (its name): path separators, control and
/// reserved characters replaced, length bounded, never empty or hidden.
pub fn file_stem(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let trimmed = cleaned.trim_matches(|c| c == '.' || c == '_');
    if trimmed.is_empty() {
        "report".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Removes control characters (ANSI escapes included) from text that came from the audited
/// site, so that nothing a page says can drive the reader's terminal.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The name a user types on the command line is the name in JSON (a report's `format` in a
    /// config, a diff's), and each is offered once.
    pub(crate) fn choices_match_serde<T: Choices + Serialize + std::fmt::Debug>() {
        let mut seen = std::collections::HashSet::new();
        for v in T::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.name(), "{v:?}");
            assert!(seen.insert(v.name()), "{} listed twice", v.name());
        }
    }

    #[test]
    fn command_line_names_are_the_serde_names() {
        choices_match_serde::<Format>();
        choices_match_serde::<Lang>();
    }

    #[test]
    fn file_stems_from_site_names_are_safe() {
        assert_eq!(file_stem("石岩县教育局"), "石岩县教育局");
        assert_eq!(file_stem("../../etc/passwd"), "etc_passwd");
        assert_eq!(file_stem("a/b\\c:d*e?\u{1b}[0m"), "a_b_c_d_e___0m");
        assert_eq!(file_stem("..."), "report");
        assert_eq!(file_stem(""), "report");
    }

    #[test]
    fn sanitize_strips_escape_sequences() {
        assert_eq!(sanitize("a\u{1b}[31mb\u{7}c\r"), "a [31mb c ");
        assert_eq!(sanitize("第一行\n第二行"), "第一行\n第二行");
    }
}
