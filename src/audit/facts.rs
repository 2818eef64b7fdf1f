//! What a finding found, as typed facts: the audit states them, and the message catalogue
//! ([`super::messages`]) words them in each report language. Tests assert facts, not sentences.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::finding::{Reason, Text};
use crate::extract::DatedBy;
use crate::rules::Age;

/// The facts behind one finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Fact {
    // --- A required document or column (`check = "document"`).
    /// Found, dated as given (the newest of what was found).
    Found {
        title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<DatedBy>,
    },
    /// Found only as a link outside the audit scope; its content was not verified.
    FoundOutOfScope {
        title: String,
    },
    /// Found with every required element.
    Complete {
        title: String,
    },
    /// The columns found have no entries (the site may show a marker such as 暂无信息).
    EmptyColumns {
        names: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        marker: Option<String>,
    },
    /// The link to it is dead.
    DeadLink {
        title: String,
    },
    /// Found, but it could not be fetched or read.
    Unverified {
        title: String,
        why: Reason,
    },
    /// Not found anywhere.
    NotFound,
    /// The document for the due year is not there.
    NoneForYear {
        year: i16,
        deadline: Deadline,
    },
    /// The link to the document for the due year could not be fetched.
    YearUnverified {
        year: i16,
        why: Reason,
    },
    /// The link to the document for the due year is dead.
    YearDeadLink {
        year: i16,
        title: String,
    },
    /// The document for the due year was published after its deadline.
    Late {
        year: i16,
        #[schemars(with = "String")]
        published: Date,
        deadline: Deadline,
    },
    /// Pages found show what must not be published.
    Exposed {
        title: String,
        /// What is shown, as the pack names it.
        label: Text,
        /// The first match, masked.
        sample: String,
        pages: u32,
    },
    /// A rule that only forbids found no pages to check.
    NothingToCheck {
        terms: Vec<String>,
    },
    /// Found, but its text was not kept or could not be read, so it could not be checked.
    Unread {
        purpose: ReadFor,
    },
    /// The pages found were checked and show nothing forbidden.
    NoneExposed {
        pages: u32,
        labels: Vec<Text>,
    },
    /// The best document found lacks required elements.
    Incomplete {
        title: String,
        missing: Vec<Text>,
    },
    /// The newest of what was found is too old (or undated).
    Stale {
        #[schemars(with = "Option<String>")]
        #[serde(skip_serializing_if = "Option::is_none")]
        newest: Option<Date>,
        #[schemars(with = "String")]
        limit: Age,
    },
    /// A rule with a deadline, judged for the period due on the as-of date: the year of the
    /// document due and its deadline, around what was found. `found_year` is set when a
    /// document for a later period (published by the as-of date) stands in for it.
    ForPeriod {
        year: i16,
        deadline: Deadline,
        #[serde(skip_serializing_if = "Option::is_none")]
        found_year: Option<i16>,
        inner: Box<Fact>,
    },
    /// A gap a recheck (整改复核) looked for again, one hop from its pages, and still found open.
    StillOpen {
        inner: Box<Fact>,
    },
    /// "Not found", but pages the crawl could not fetch might hold it.
    Unconfirmed {
        inner: Box<Fact>,
        pages: u32,
        why: Reason,
    },

    // --- Columns (`column`, `stale_columns`, `blank_columns`).
    /// Columns whose newest entry is too old (or undated), with a threshold for aggregate rules.
    StaleColumns {
        columns: Vec<ColumnAge>,
        #[serde(skip_serializing_if = "Option::is_none")]
        threshold: Option<u32>,
    },
    /// Fewer stale columns than the threshold.
    StaleBelow {
        count: u32,
        threshold: u32,
    },
    /// Every column of the class is up to date.
    ColumnsFresh {
        columns: Vec<ColumnDate>,
        shared: Vec<SharedColumn>,
    },
    /// No column of the class (shared columns are not the bureau's own).
    NoColumn {
        class: Text,
        shared: Vec<SharedColumn>,
    },
    /// Every column of the class is drawn by script.
    ColumnsScriptDrawn {
        class: Text,
    },
    /// Blank columns.
    BlankColumns {
        names: Vec<String>,
    },
    /// Fewer blank columns than the threshold.
    BlankBelow {
        count: u32,
        threshold: u32,
    },

    // --- Links, home page, phones.
    DeadLinks {
        count: u32,
        statuses: Vec<u16>,
    },
    NoDeadLinks {
        checked: u32,
    },
    /// The home page's newest item (a hub home page is judged by its columns).
    HomeNewest {
        #[schemars(with = "String")]
        date: Date,
        hub: bool,
    },
    HomeStale {
        #[schemars(with = "String")]
        date: Date,
        hub: bool,
        #[schemars(with = "String")]
        limit: Age,
    },
    HomeUnreachable,
    /// Not one dated item on the home page or in any column: likelier script-drawn than undated.
    NoDatedItems,
    PhoneFound {
        label: String,
        number: String,
    },
    PhoneMissing {
        pages: u32,
    },

    // --- The annual report.
    /// The problems found in the newest annual report.
    ReportProblems {
        title: String,
        #[schemars(with = "Option<String>")]
        #[serde(skip_serializing_if = "Option::is_none")]
        published: Option<Date>,
        problems: Vec<ReportProblem>,
    },
    /// No annual report page was found to read.
    NoReportPage,
    /// Report pages were found, but none could be read (a PDF, images).
    ReportUnreadable {
        pages: u32,
    },
    ReportSectionsRight {
        title: String,
    },
    ReportTablesRight {
        title: String,
    },
    ReportNoTableToSum {
        title: String,
    },
    ReportSumsRight {
        title: String,
        checked: u32,
    },
    ReportCurrentFormat {
        title: String,
    },
    /// A report for a year when the 2019 format still applied.
    ReportOlderFormatApplies {
        title: String,
        year: i16,
    },
    ReportYearUnknown {
        title: String,
    },

    // --- Dates and identity.
    /// No document shows both a publish date and a date written or a URL date.
    NoDatesToCompare,
    /// Compared this many documents: none looks re-dated.
    DatesConsistent {
        checked: u32,
    },
    /// Publish dates that look re-dated.
    SuspectDates {
        suspects: Vec<SuspectDate>,
    },
    /// No identifiers to compare.
    NoIdentifiers,
    // --- Any rule with `applies`.
    /// The rule does not apply to the audited body: it is `unit`, the rule is for `applies_to`.
    NotForUnit {
        unit: crate::rules::unit::UnitTrait,
        applies_to: Vec<crate::rules::unit::UnitTrait>,
    },
    /// The identifiers compared agree.
    IdentityConsistent {
        compared: Vec<IdentityCheck>,
    },
    /// Identifiers that contradict each other.
    IdentityConflicts {
        conflicts: Vec<IdentityConflict>,
    },
}

/// The deadline a document was judged against, and why that one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deadline {
    #[schemars(with = "String")]
    pub date: Date,
    /// The province whose own deadline applied (two-digit code), when not the pack's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// The 网站标识码 the province was read from, when not given on the command line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province_from_site_code: Option<String>,
    /// The kind of body whose own deadline applied, when not the pack's default.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<crate::rules::unit::UnitKind>,
}

impl Fact {
    /// Whether the fact names the year a deadline is about already.
    pub fn states_year(&self) -> bool {
        match self {
            Fact::NoneForYear { .. }
            | Fact::YearUnverified { .. }
            | Fact::YearDeadLink { .. }
            | Fact::Late { .. }
            | Fact::ForPeriod { .. } => true,
            Fact::Unconfirmed { inner, .. } | Fact::StillOpen { inner } => inner.states_year(),
            _ => false,
        }
    }
}

/// What a document's text was needed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadFor {
    /// To look for what must not be published.
    Forbid,
    /// To check its required elements.
    Require,
}

/// A column and how old its newest entry is allowed to be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ColumnAge {
    pub name: String,
    #[schemars(with = "Option<String>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newest: Option<Date>,
    #[schemars(with = "String")]
    pub limit: Age,
}

/// A column and its newest entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ColumnDate {
    pub name: String,
    #[schemars(with = "Option<String>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newest: Option<Date>,
}

/// A column whose entries all link to one outside feed (a parent government's), not scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SharedColumn {
    pub name: String,
    pub feed: String,
}

/// A problem in an annual report, where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ReportProblem {
    SectionMissing {
        section: ReportSection,
    },
    /// A section headed otherwise than the format says.
    SectionHeading {
        section: ReportSection,
        heading: String,
    },
    /// A section that comes before one it should follow.
    SectionOrder {
        section: ReportSection,
        before: ReportSection,
    },
    /// A section numbered otherwise than its place.
    SectionNumber {
        section: ReportSection,
        got: String,
    },
    /// A section's table is not there (`no_tables`: the page has no tables at all).
    TableMissing {
        section: ReportSection,
        no_tables: bool,
    },
    /// Section 三's table: a row's total is not the sum of the applicant columns.
    RowTotal {
        row: String,
        total: f64,
        sum: f64,
    },
    /// Section 三's table: item 1 + item 2 ≠ item 3 + item 4 in a column.
    CarryOver {
        column: TableColumn,
        new: f64,
        carried: f64,
        total_row: String,
        handled: f64,
        carried_on: f64,
    },
    /// Section 三's table: the outcome rows do not add up to the total row.
    OutcomeTotal {
        column: TableColumn,
        sum: f64,
        total_row: String,
        total: f64,
    },
    /// Section 四's table: a group's total is not the sum of its results.
    AppealTotal {
        group: AppealGroup,
        total: f64,
        parts: Vec<String>,
        sum: f64,
    },
    /// The tables still use items of the 2019 trial template.
    Template2019 {
        items: Vec<String>,
    },
    /// More problems than the message spells out.
    More {
        count: u32,
    },
}

/// A section of the annual report format: its number (一 … 六) and its title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportSection {
    pub no: String,
    pub name: Text,
}

/// A column of section 三's table: its header in the report, or its position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TableColumn {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// 1-based.
    pub position: u32,
}

/// The groups of section 四's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppealGroup {
    Reconsideration,
    Litigation,
    LitigationDirect,
    LitigationAfterReconsideration,
}

/// A document whose publish date looks re-dated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "suspect", rename_all = "snake_case")]
pub enum SuspectDate {
    /// Published long after it was written.
    LateRelease {
        title: String,
        #[schemars(with = "String")]
        written: Date,
        published: DatedBy,
        days: i64,
    },
    /// Many old documents published on one day.
    Batch {
        #[schemars(with = "String")]
        day: Date,
        count: u32,
        #[schemars(with = "String")]
        older_than: Age,
        #[schemars(with = "String")]
        oldest: Date,
    },
}

/// Which identifiers were compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityCheck {
    SiteCodeFormat,
    SiteCodeFooter,
    SiteNameSponsor,
    SiteDomainHost,
}

/// Identifiers that contradict each other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "conflict", rename_all = "snake_case")]
pub enum IdentityConflict {
    /// The SiteIDCode is not a 10-character site code.
    SiteCodeFormat {
        code: String,
    },
    SiteCodeFooter {
        meta: String,
        footer: String,
    },
    SiteNameSponsor {
        name: String,
        sponsor: String,
    },
    SiteDomainHost {
        domain: String,
        host: String,
    },
}

/// A table figure as the report prints it: whole numbers without a decimal point.
pub fn show_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}
