//! The rule file format. Every table denies unknown keys, so a typo is an error with its line
//! and column, never a silently ignored rule.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::audit::checks::CheckSpec;

/// One rule file as written, but for its `[[rule]]` tables: their bodies are typed by their
/// `check` kind, so the loader reads them one by one (see `rules::parse`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: PackHeader,
    pub scoring: Option<Scoring>,
    #[serde(default, rename = "class")]
    pub classes: Vec<Spanned<ColumnClass>>,
    #[serde(skip)]
    pub rules: Vec<Spanned<Rule>>,
}

/// The JSON Schema of a rule file (the TOML read as JSON).
#[derive(schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PackFileSchema {
    pack: PackHeader,
    scoring: Option<Scoring>,
    #[serde(default)]
    class: Vec<ColumnClass>,
    #[serde(default)]
    rule: Vec<Rule>,
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
    pub pattern: Option<Pattern>,
    /// A built-in detector, stricter than a pattern can be.
    #[serde(default)]
    pub detect: Option<Detector>,
}

/// A `forbid` pattern, compiled when the pack loads: one that does not compile is an error at
/// its place in the file, never a check that silently finds nothing.
#[derive(Debug, Clone)]
pub struct Pattern(pub regex::Regex);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Pattern, D::Error> {
        let s = String::deserialize(d)?;
        regex::Regex::new(&s).map(Pattern).map_err(|e| {
            let e = e.to_string();
            let last = e.lines().last().unwrap_or_default().trim().to_string();
            serde::de::Error::custom(format!(
                "`forbid` pattern is not a valid regular expression: {last}"
            ))
        })
    }
}

impl schemars::JsonSchema for Pattern {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Pattern".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A regular expression (Rust `regex` syntax).",
            "type": "string",
            "format": "regex"
        })
    }
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
    /// Kinds of body with their own deadline: `{ government = "03-31" }` (第四十九条: a
    /// government's annual report is due two months after its departments'). A province's own
    /// deadline wins over a kind's.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<crate::rules::unit::UnitKind, String>")]
    pub kind: std::collections::BTreeMap<crate::rules::unit::UnitKind, Spanned<String>>,
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

/// The keys every rule has, whatever its check kind.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleHeader {
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
    /// The bodies the rule applies to (`{ kind = ["government"], level = ["county"] }`); on
    /// others it is reported as not applicable. Applies to every body when omitted.
    #[serde(default)]
    #[schemars(with = "Option<crate::rules::unit::Applies>")]
    pub applies: Option<Spanned<crate::rules::unit::Applies>>,
}

impl RuleHeader {
    /// The header's keys as written, to tell them from a body's.
    pub const KEYS: &'static [&'static str] = &[
        "id",
        "override",
        "name",
        "name_en",
        "basis",
        "basis_en",
        "severity",
        "deduct",
        "per_item",
        "cap",
        "remedy",
        "remedy_en",
        "applies",
    ];
}

/// One rule: its header and its body, typed by its check kind.
#[derive(Debug, Clone)]
pub struct Rule {
    pub head: RuleHeader,
    pub check: CheckSpec,
}

/// The header's fields are read on every rule everywhere (`r.id`, `r.severity`); the body is
/// reached as `r.check`.
impl std::ops::Deref for Rule {
    type Target = RuleHeader;
    fn deref(&self) -> &RuleHeader {
        &self.head
    }
}

impl schemars::JsonSchema for Rule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rule".into()
    }

    /// One schema per check kind: the header's keys, the kind's own keys and `check` naming
    /// it (optional for `document`, the default); no other key.
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        use serde_json::{Map, Value, json};
        let header = RuleHeader::json_schema(generator);
        let props_of = |s: &schemars::Schema| -> (Map<String, Value>, Vec<Value>) {
            let o = s.as_object();
            (
                o.and_then(|o| o.get("properties"))
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
                o.and_then(|o| o.get("required"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            )
        };
        let (head_props, head_req) = props_of(&header);
        let kinds: Vec<Value> = CheckSpec::body_schemas(generator)
            .into_iter()
            .map(|(name, body)| {
                let (mut props, mut req) = props_of(&body);
                props.extend(head_props.clone());
                props.insert("check".into(), json!({ "const": name }));
                req.extend(head_req.clone());
                if name != CheckSpec::DEFAULT {
                    req.push(json!("check"));
                }
                let mut kind = json!({
                    "title": format!("check = \"{name}\""),
                    "type": "object",
                    "properties": props,
                    "required": req,
                    "additionalProperties": false,
                });
                if let Some(d) = body.as_object().and_then(|o| o.get("description")) {
                    kind["description"] = d.clone();
                }
                kind
            })
            .collect();
        schemars::json_schema!({
            "description": "One rule as written: the common keys and those of its `check` kind.",
            "oneOf": kinds,
        })
    }
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
        let age = Age { amount, unit };
        // Nothing a disclosure rule judges is older than a century; larger values are typos
        // (and would overflow date arithmetic).
        if !age.within_century() {
            return Err(format!(
                "age `{s}` is too long: at most 100 years (36525d, 5218w, 1200m, 100y)"
            ));
        }
        Ok(age)
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
        let n = i64::from(self.amount);
        // `try_*` because a span unit has a range; an age beyond it reaches back past any date.
        let span = match self.unit {
            AgeUnit::Days => jiff::Span::new().try_days(n),
            AgeUnit::Weeks => jiff::Span::new().try_weeks(n),
            AgeUnit::Months => jiff::Span::new().try_months(n),
            AgeUnit::Years => jiff::Span::new().try_years(n),
        };
        match span {
            Ok(span) => as_of.saturating_sub(span),
            Err(_) => jiff::civil::Date::MIN,
        }
    }

    fn within_century(self) -> bool {
        self.amount
            <= match self.unit {
                AgeUnit::Days => 36_525,
                AgeUnit::Weeks => 5_218,
                AgeUnit::Months => 1_200,
                AgeUnit::Years => 100,
            }
    }
}
