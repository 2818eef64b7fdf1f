//! The rule file format. Every table denies unknown keys, so a typo is an error with its line
//! and column, never a silently ignored rule.

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// One rule file as written.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: PackHeader,
    pub scoring: Option<Scoring>,
    #[serde(default, rename = "class")]
    #[schemars(with = "Vec<ColumnClass>")]
    pub classes: Vec<Spanned<ColumnClass>>,
    #[serde(default, rename = "rule")]
    #[schemars(with = "Vec<Rule>")]
    pub rules: Vec<Spanned<Rule>>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub extends: Vec<Spanned<String>>,
    /// Ids of inherited rules this pack leaves out (a rule that does not apply to this kind of
    /// agency). Naming a rule that no parent pack defines is an error.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub disable: Vec<Spanned<String>>,
    /// IANA time zone for "today" when no --as-of is given.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub timezone: Option<Spanned<String>>,
}

/// The official scoring method: 100 points minus capped deductions, veto items fail outright.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    pub base: f64,
    /// Grade bands, highest first; the first whose `min` the score reaches applies.
    #[serde(rename = "grade")]
    pub grades: Vec<Grade>,
    /// The grade given when a veto item is hit.
    pub veto_grade: Grade,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    #[serde(default)]
    pub min: f64,
    pub zh: String,
    pub en: String,
    /// Whether this grade passes (合格 and above).
    pub pass: bool,
}

/// A column class (动态要闻, 通知公告 ...): the names that identify it and how fresh it must be.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnClass {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// Column names (or parts of them) that belong to this class.
    pub names: Vec<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub max_age: Option<Age>,
}

/// Rule severity, as the inspection indicators grade them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Advisory,
    Minor,
    Major,
    Veto,
}

impl Severity {
    pub fn label(self, en: bool) -> &'static str {
        match (self, en) {
            (Severity::Veto, false) => "单项否决",
            (Severity::Veto, true) => "veto",
            (Severity::Major, false) => "重要",
            (Severity::Major, true) => "major",
            (Severity::Minor, false) => "一般",
            (Severity::Minor, true) => "minor",
            (Severity::Advisory, false) => "建议",
            (Severity::Advisory, true) => "advisory",
        }
    }
}

/// What kind of evaluation a rule asks for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// A required document or column: found, complete, fresh, on time.
    #[default]
    Document,
    /// Every column of one class is fresh.
    Column,
    /// Count of stale columns of some classes reaches a threshold.
    StaleColumns,
    /// Count of blank columns reaches a threshold.
    BlankColumns,
    /// Dead links, images and attachments.
    DeadLinks,
    /// The home page shows something new within max_age.
    HomeFresh,
    /// Some page shows a phone whose label contains one of the `find` terms.
    Phone,
    /// The newest annual report that the `find` terms lead to is read: one `aspect` of the
    /// format of 国办公开办函〔2021〕30号.
    AnnualReport,
    /// Suspect publish dates (伪造发稿日期, 旧稿新发): a document published more than `max_lag`
    /// after its 成文日期, or `threshold` or more documents older than `batch_lag` (by 成文日期 or
    /// URL date) all published on one day.
    ForgedDates,
    /// Site identity: the SiteIDCode meta against the footer's 网站标识码, the footer's sponsor
    /// against SiteName (another city's template), SiteDomain against the audited host.
    SiteIdentity,
}

/// What an `annual_report` rule checks in the report (research: rules-cn.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// The six section headings, worded and numbered as the format has them, in its order (AR-01).
    Sections,
    /// The fixed tables of sections 二, 三 and 四 (AR-03, AR-04, AR-05).
    Tables,
    /// The sums the format states: item 1 + item 2 = item 3 + item 4 per column of the
    /// applications table, 总计 = the sum of its parts in every row and column (AR-04, AR-05).
    Arithmetic,
    /// A report for 2021 or later still on the 2019 trial template (国办公开办函〔2019〕60号).
    Template,
}

/// Where a document rule looks for its terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Where {
    /// Column names (ColumnName meta, breadcrumb, list page names).
    Column,
    /// Page titles (ArticleTitle, headings, `<title>`) and list entry titles.
    Title,
    /// Link texts anywhere on the site.
    Link,
    /// The URLs links point to (`usa.gov`, `/foia`), as a scanner matching `href`s does.
    Url,
}

/// A requirement on the content of the page that satisfies a document rule.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Require {
    /// What the report calls this element (收费依据, 投诉电话 ...).
    pub label: String,
    #[serde(default)]
    pub label_en: Option<String>,
    /// The page text contains any of these.
    #[serde(default)]
    pub any: Vec<String>,
    /// The page shows a phone number whose label contains any of these (`[""]` = any phone).
    #[serde(default)]
    pub phone: Vec<String>,
}

/// Something the page that satisfies a document rule must not show, such as full ID card
/// numbers in a published list. Give `pattern` or `detect`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Forbid {
    /// What the report calls it (完整身份证号码 ...).
    pub label: String,
    #[serde(default)]
    pub label_en: Option<String>,
    /// A regular expression (Rust `regex` syntax) the page text must not match.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub pattern: Option<Spanned<String>>,
    /// A built-in detector, stricter than a pattern can be.
    #[serde(default)]
    pub detect: Option<Detector>,
}

/// Built-in detectors for `forbid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Detector {
    /// A full 18-character 居民身份证号码 (GB 11643): a plausible birth date and a valid check
    /// character, not masked (`620521********1234` is not one).
    CnResidentId,
}

/// Which year's document must exist by the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Covers {
    /// The document about year Y-1 is due in year Y (annual reports, final accounts).
    Previous,
    /// The document about year Y is due in year Y (budgets, admissions plans).
    Current,
}

/// A legal deadline.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Due {
    /// `MM-DD` in the as-of year.
    #[schemars(with = "String")]
    pub by: Spanned<String>,
    pub covers: Covers,
    /// Provinces with their own deadline: `{ "42" = "03-31" }`, keyed by the two-digit province
    /// code (the first digits of the 网站标识码).
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub province: std::collections::BTreeMap<String, Spanned<String>>,
}

/// Which links a dead-link rule counts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LinkScope {
    Home,
    Other,
    #[default]
    All,
}

/// One rule as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Replace the inherited rule with the same id. Without it, reusing an inherited id is an
    /// error, so an accidental clash never silently replaces a rule.
    #[serde(default, rename = "override")]
    #[schemars(with = "Option<bool>")]
    pub override_: Option<Spanned<bool>>,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    pub basis: String,
    #[serde(default)]
    pub basis_en: Option<String>,
    pub severity: Severity,
    /// Points deducted when the rule finds a gap (ignored for veto rules).
    #[serde(default)]
    pub deduct: f64,
    /// Points per counted item for aggregate rules (dead links, blank columns).
    #[serde(default)]
    pub per_item: Option<f64>,
    /// Most points this rule can deduct.
    #[serde(default)]
    pub cap: Option<f64>,
    pub remedy: String,
    #[serde(default)]
    pub remedy_en: Option<String>,
    #[serde(default)]
    pub check: Check,
    /// Terms that identify the document or column (any of them).
    #[serde(default)]
    pub find: Vec<String>,
    #[serde(default, rename = "where")]
    pub where_: Option<Vec<Where>>,
    #[serde(default)]
    pub require: Vec<Require>,
    /// What the pages found must not show; a match is a gap (`exposed`).
    #[serde(default)]
    pub forbid: Vec<Forbid>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub max_age: Option<Age>,
    #[serde(default)]
    pub due: Option<Due>,
    /// Column class for `check = "column"`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub class: Option<Spanned<String>>,
    /// Column classes for `check = "stale_columns"`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub classes: Vec<Spanned<String>>,
    /// Count at which an aggregate rule becomes a gap.
    #[serde(default)]
    pub threshold: Option<u32>,
    #[serde(default)]
    pub links: LinkScope,
    /// What `check = "annual_report"` reads.
    #[serde(default)]
    pub aspect: Option<Aspect>,
    /// For `check = "forged_dates"`: a publish date more than this after the 成文日期 is suspect.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub max_lag: Option<Age>,
    /// For `check = "forged_dates"`: documents older than this on their publish day (by 成文日期
    /// or URL date) count towards a re-dated batch of `threshold` documents.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub batch_lag: Option<Age>,
}

/// An age limit: `14d`, `2w`, `6m` (calendar months), `1y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct Age {
    pub amount: u32,
    pub unit: AgeUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum AgeUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl TryFrom<String> for Age {
    type Error = String;
    fn try_from(s: String) -> Result<Age, String> {
        let bad = || {
            format!(
                "invalid age `{s}`: expected a number and a unit d, w, m or y, like \"14d\", \"6m\" or \"1y\""
            )
        };
        let t = s.trim();
        let unit_len = t.chars().next_back().map(char::len_utf8).unwrap_or(0);
        let (num, unit) = t.split_at(t.len() - unit_len);
        let amount: u32 = num.parse().map_err(|_| bad())?;
        let unit = match unit {
            "d" => AgeUnit::Days,
            "w" => AgeUnit::Weeks,
            "m" => AgeUnit::Months,
            "y" => AgeUnit::Years,
            _ => return Err(bad()),
        };
        if amount == 0 {
            return Err(bad());
        }
        Ok(Age { amount, unit })
    }
}

impl From<Age> for String {
    fn from(a: Age) -> String {
        a.to_string()
    }
}

impl std::fmt::Display for Age {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let u = match self.unit {
            AgeUnit::Days => 'd',
            AgeUnit::Weeks => 'w',
            AgeUnit::Months => 'm',
            AgeUnit::Years => 'y',
        };
        write!(f, "{}{}", self.amount, u)
    }
}

impl Age {
    /// The oldest date that is still fresh on `as_of`.
    pub fn oldest_fresh(self, as_of: jiff::civil::Date) -> jiff::civil::Date {
        let span = match self.unit {
            AgeUnit::Days => jiff::Span::new().days(i64::from(self.amount)),
            AgeUnit::Weeks => jiff::Span::new().weeks(i64::from(self.amount)),
            AgeUnit::Months => jiff::Span::new().months(i64::from(self.amount)),
            AgeUnit::Years => jiff::Span::new().years(i64::from(self.amount)),
        };
        as_of.saturating_sub(span)
    }

    /// In words, for messages.
    pub fn describe(self, en: bool) -> String {
        let n = self.amount;
        match (self.unit, en) {
            (AgeUnit::Days, false) => format!("{n}天"),
            (AgeUnit::Weeks, false) => format!("{n}周"),
            (AgeUnit::Months, false) => format!("{n}个月"),
            (AgeUnit::Years, false) => format!("{n}年"),
            (AgeUnit::Days, true) => format!("{n} days"),
            (AgeUnit::Weeks, true) => format!("{n} weeks"),
            (AgeUnit::Months, true) => format!("{n} months"),
            (AgeUnit::Years, true) => format!("{n} years"),
        }
    }
}
