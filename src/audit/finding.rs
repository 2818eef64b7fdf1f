//! Findings: one per rule, tri-state at heart (pass, gap, inconclusive), with evidence.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::crawl::Outcome;
use crate::extract::{DateSource, DatedBy, DocMeta};
use crate::rules::Severity;

/// A message in both report languages; renderers pick one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, en: bool) -> &str {
        if en { &self.en } else { &self.zh }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Gap,
    Inconclusive,
}

impl Status {
    /// The status in a report language (from the message catalogue).
    pub fn label(self, en: bool) -> &'static str {
        crate::audit::messages::Lang::of(en).status(self, false)
    }
}

/// Why a rule is a gap, or why it could not be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    // Gaps: the site's doing.
    Missing,
    Empty,
    Stale,
    Incomplete,
    Late,
    Broken,
    /// Figures that do not add up as the format says, or identifiers that contradict each other
    /// (SiteIDCode vs footer, SiteName vs footer).
    Inconsistent,
    /// A document on a superseded template.
    Outdated,
    /// Publish dates that look re-dated (伪造发稿日期).
    SuspectDate,
    /// The page shows what must not be published (full ID numbers in a list).
    Exposed,
    // Inconclusive: ours or the network's.
    Blocked,
    RateLimited,
    Timeout,
    Unreachable,
    Tls,
    ServerError,
    RedirectError,
    RobotsDisallowed,
    NotCrawled,
    JsOnly,
    OutOfScope,
    NotApplicable,
    Soft404,
    CircuitOpen,
    NotArchived,
    FetchError,
    // Found, but its content could not be read (published as an attachment or images).
    Unreadable,
}

impl Reason {
    /// The reason in a report language (from the message catalogue).
    pub fn label(self, en: bool) -> &'static str {
        crate::audit::messages::Lang::of(en).reason(self)
    }

    /// The inconclusive reason for a fetch outcome; `None` for ok and dead.
    pub fn from_outcome(o: Outcome) -> Option<Reason> {
        Some(match o {
            Outcome::Ok | Outcome::Dead => return None,
            Outcome::Timeout => Reason::Timeout,
            Outcome::ConnectError => Reason::Unreachable,
            Outcome::TlsError => Reason::Tls,
            Outcome::Blocked => Reason::Blocked,
            Outcome::RateLimited => Reason::RateLimited,
            Outcome::ServerError => Reason::ServerError,
            Outcome::RedirectError => Reason::RedirectError,
            Outcome::RobotsDisallowed => Reason::RobotsDisallowed,
            Outcome::OutOfScope => Reason::OutOfScope,
            Outcome::DepthLimit
            | Outcome::PageBudget
            | Outcome::Trap
            | Outcome::TimeLimit
            | Outcome::Unsampled => Reason::NotCrawled,
            Outcome::Soft404 => Reason::Soft404,
            Outcome::CircuitOpen => Reason::CircuitOpen,
            Outcome::NotArchived => Reason::NotArchived,
            Outcome::Error => Reason::FetchError,
        })
    }
}

/// One piece of evidence behind a finding.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Url>,
    /// The matched text: a title, a column name, a link text, a phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_source: Option<DateSource>,
    /// The page's other date signals when they disagree with `date`: `date_source` is the one
    /// used, by the precedence PubDate meta > 发布时间 label > list row > URL date > sitemap
    /// lastmod (成文日期 is never a publish date).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub other_dates: Vec<DatedBy>,
    /// The page's 信息公开目录 metadata block (索引号, 发布机构, 文号, 成文日期 ...).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub doc: Option<DocMeta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The page a link was found on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_on: Option<Url>,
    /// `WARC-Record-ID` of the URL's response in the audit's archive (`--archive`, `--from-warc`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub warc_record_id: Option<String>,
    /// `WARC-Payload-Digest` of that response (`sha1:` base32 of the decoded body).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub warc_payload_digest: Option<String>,
}

impl Evidence {
    /// Evidence for a document page: its URL, title and publish date, with the date signals that
    /// disagree with it and its metadata block.
    pub fn of_page(p: &crate::extract::PageFacts, date: Option<DatedBy>) -> Evidence {
        Evidence {
            url: Some(p.url.clone()),
            text: Some(p.title.clone()),
            date: date.map(|d| d.date),
            date_source: date.map(|d| d.source),
            other_dates: other_dates(&p.date_signals, date),
            doc: p.doc_meta.as_deref().cloned(),
            http_status: Some(200),
            ..Evidence::default()
        }
    }

    /// The other date signals in words (`URL中的日期 2023-11-04`), for renderers.
    pub fn other_dates_text(&self, en: bool) -> Option<String> {
        if self.other_dates.is_empty() {
            return None;
        }
        let list: Vec<String> = self
            .other_dates
            .iter()
            .map(|d| format!("{} {}", d.source.label(en), d.date))
            .collect();
        Some(if en {
            format!("other dates: {}", list.join(", "))
        } else {
            format!("其他日期：{}", list.join("，"))
        })
    }
}

/// The signals whose date differs from the one used.
pub fn other_dates(signals: &[DatedBy], used: Option<DatedBy>) -> Vec<DatedBy> {
    signals
        .iter()
        .filter(|s| Some(s.date) != used.map(|u| u.date))
        .copied()
        .collect()
}

/// The result of one rule.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule_id: String,
    pub name: Text,
    pub basis: Text,
    pub severity: Severity,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Points deducted by this finding (veto findings deduct nothing: they fail the site).
    pub deduction: f64,
    /// Items counted by aggregate rules (stale columns, dead links ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// What was found, as facts; `message` words them in each report language. Absent in
    /// reports written before schema version 2.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub facts: Option<crate::audit::Fact>,
    pub message: Text,
    pub evidence: Vec<Evidence>,
    pub remedy: Text,
    /// A waiver (豁免) that covers this gap, or that did until it expired.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub waiver: Option<WaiverNote>,
    /// For a rule that could not be judged: what it would cost were it a gap. Absent for
    /// judged rules, for rules that do not apply (`not_applicable`: they stake nothing) and in
    /// reports written before schema version 3.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub at_stake: Option<Stake>,
}

/// What an inconclusive rule would cost were it a gap: the score's range is made of these.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Stake {
    /// Points it would deduct: the rule's `deduct`, or for a per-item rule its `cap` (else its
    /// `deduct`, else the pack's base), never more than the base.
    pub points: f64,
    /// Whether it would veto the site (a `veto` rule).
    pub veto: bool,
}

impl Stake {
    /// A stake that costs nothing (an advisory rule, or one under a waiver in force).
    pub fn is_nothing(&self) -> bool {
        self.points <= 0.0 && !self.veto
    }
}

/// A waiver as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WaiverNote {
    pub reason: String,
    /// The last day it applied, `YYYY-MM-DD`.
    #[schemars(with = "String")]
    pub expires: Date,
    /// True when it had expired by the as-of day: the gap counts again.
    pub expired: bool,
}

impl Finding {
    /// A gap excused by a waiver in force: reported, but no deduction, no veto, no failure.
    pub fn is_waived(&self) -> bool {
        self.status == Status::Gap && self.waiver.as_ref().is_some_and(|w| !w.expired)
    }

    /// A gap that counts: not waived.
    pub fn is_counted_gap(&self) -> bool {
        self.status == Status::Gap && !self.is_waived()
    }

    /// A rule that could not be judged and does apply: not `not_applicable`.
    pub fn is_unjudged(&self) -> bool {
        self.status == Status::Inconclusive && self.reason != Some(Reason::NotApplicable)
    }

    /// The points column: `-5` for a gap's deduction; for a rule not judged what it would cost,
    /// in parentheses (`(-5)`, `(否决)`); empty otherwise.
    pub fn points_text(&self, en: bool) -> String {
        match self.at_stake {
            _ if self.deduction > 0.0 => format!("-{}", self.deduction),
            Some(s) if s.veto => format!("({})", if en { "veto" } else { "否决" }),
            Some(s) if s.points > 0.0 => format!("(-{})", s.points),
            _ => String::new(),
        }
    }

    /// The status as a reader should see it: a waived gap says so.
    pub fn status_label(&self, en: bool) -> &'static str {
        crate::audit::messages::Lang::of(en).status(self.status, self.is_waived())
    }
}
