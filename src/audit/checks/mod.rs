//! Check kinds: what a rule's `check = "..."` asks for. A rule is a header (id, name, basis,
//! severity, deduction, remedy; [`crate::rules::Rule`]) plus a body typed by its kind. Each kind
//! lives in its own file here: the body as written (serde denies keys the kind does not use, so a
//! misplaced key is an error with its line and column), its load-time validation, and its
//! evaluation against the site model.
//!
//! Adding a kind: one file with a body struct implementing [`CheckKind`], one line in
//! [`registry!`] below, one pass and one fail fixture under `fixtures/rules/`.

mod annual_report;
mod blank_columns;
mod column;
mod dead_links;
mod document;
mod forged_dates;
mod home_fresh;
mod phone;
mod site_identity;
mod stale_columns;

pub use annual_report::AnnualReportCheck;
pub use blank_columns::BlankColumnsCheck;
pub use column::ColumnCheck;
pub use dead_links::DeadLinksCheck;
pub use document::DocumentCheck;
pub use forged_dates::ForgedDatesCheck;
pub use home_fresh::HomeFreshCheck;
pub use phone::PhoneCheck;
pub use site_identity::SiteIdentityCheck;
pub use stale_columns::StaleColumnsCheck;

use std::ops::Range;

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Deserializer};

use super::{Ctx, Finding};
use crate::rules::{ColumnClass, Rule};

/// A load-time problem with a rule's body: where (a span in the rule file, or the whole rule
/// when `None`) and what.
#[derive(Debug)]
pub struct Invalid {
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl Invalid {
    pub fn rule(message: impl Into<String>) -> Invalid {
        Invalid {
            span: None,
            message: message.into(),
        }
    }

    pub fn at(span: Range<usize>, message: impl Into<String>) -> Invalid {
        Invalid {
            span: Some(span),
            message: message.into(),
        }
    }
}

/// What a kind's validation may look at besides its own body.
pub struct Validation<'a> {
    /// The column classes defined so far in the pack chain.
    pub classes: &'a [ColumnClass],
}

impl Validation<'_> {
    /// A column class named by a rule must exist.
    pub fn known_class(&self, c: &toml::Spanned<String>) -> Result<&ColumnClass, Invalid> {
        self.classes
            .iter()
            .find(|k| k.id == *c.get_ref())
            .ok_or_else(|| {
                let ids: Vec<&str> = self.classes.iter().map(|k| k.id.as_str()).collect();
                Invalid::at(
                    c.span(),
                    format!(
                        "unknown column class `{}`; defined classes are: {}",
                        c.get_ref(),
                        ids.join(", ")
                    ),
                )
            })
    }
}

/// One check kind: its body as written in a rule, checked at load and evaluated on a site.
pub(crate) trait CheckKind {
    /// Checks beyond what the body's types say (references to classes, combinations).
    fn validate(&self, _v: &Validation<'_>) -> Result<(), Invalid> {
        Ok(())
    }

    /// The finding of `rule` (whose body this is) on the site.
    fn evaluate(&self, rule: &Rule, ctx: &Ctx<'_>) -> Finding;

    /// The terms that identify what the rule looks for (indexed once for all rules).
    fn find_terms(&self) -> &[String] {
        &[]
    }

    /// Whether the pages this rule finds must keep their text (for `require` or `forbid`).
    fn reads_text(&self) -> bool {
        false
    }

    /// What an inspection must read before this rule can be judged as a full crawl would judge
    /// it (see `audit::plan`); `None` when every column's first page and a sample suffice.
    fn need(&self, _as_of: jiff::civil::Date) -> Option<Need<'_>> {
        None
    }

    /// The body's settings as `rules show` lists them: (key, value as written).
    fn describe(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// The registry: every check kind, its name in rule files and its body type. The macro gives
/// the typed [`CheckSpec`] and its dispatch, so nothing else lists the kinds.
macro_rules! registry {
    ($($(#[$doc:meta])* $variant:ident($body:ty) = $name:literal,)+) => {
        /// A rule's body, typed by its `check` kind.
        #[derive(Debug, Clone)]
        pub enum CheckSpec {
            $($(#[$doc])* $variant($body),)+
        }

        impl CheckSpec {
            /// Every kind's name, as written after `check =`.
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            /// The kind's name, as written after `check =`.
            pub fn name(&self) -> &'static str {
                match self {
                    $(CheckSpec::$variant(_) => $name,)+
                }
            }

            /// Reads the body of a `check = kind` rule; `None` for an unknown kind.
            pub fn parse<'de, D: Deserializer<'de>>(
                kind: &str,
                body: D,
            ) -> Option<Result<CheckSpec, D::Error>> {
                Some(match kind {
                    $($name => <$body>::deserialize(body).map(CheckSpec::$variant),)+
                    _ => return None,
                })
            }

            /// The JSON Schema of each kind's body, by name.
            pub fn body_schemas(
                generator: &mut schemars::SchemaGenerator,
            ) -> Vec<(&'static str, schemars::Schema)> {
                vec![$(($name, <$body as schemars::JsonSchema>::json_schema(generator)),)+]
            }

            fn kind(&self) -> &dyn CheckKind {
                match self {
                    $(CheckSpec::$variant(b) => b,)+
                }
            }
        }
    };
}

registry! {
    /// A required document or column: found, on time, showing nothing forbidden, complete, fresh.
    Document(DocumentCheck) = "document",
    /// Every column of one class is fresh.
    Column(ColumnCheck) = "column",
    /// The number of stale columns of some classes reaches a threshold.
    StaleColumns(StaleColumnsCheck) = "stale_columns",
    /// The number of blank columns reaches a threshold.
    BlankColumns(BlankColumnsCheck) = "blank_columns",
    /// Dead links, images and attachments.
    DeadLinks(DeadLinksCheck) = "dead_links",
    /// The home page shows something new within `max_age`.
    HomeFresh(HomeFreshCheck) = "home_fresh",
    /// Some page shows a phone whose label contains one of the `find` terms.
    Phone(PhoneCheck) = "phone",
    /// One aspect of the newest annual report the `find` terms lead to.
    AnnualReport(AnnualReportCheck) = "annual_report",
    /// Suspect publish dates (伪造发稿日期, 旧稿新发).
    ForgedDates(ForgedDatesCheck) = "forged_dates",
    /// The site's identifiers agree with each other.
    SiteIdentity(SiteIdentityCheck) = "site_identity",
}

impl CheckSpec {
    /// The kind a rule has when it names none.
    pub const DEFAULT: &'static str = "document";

    pub fn validate(&self, v: &Validation<'_>) -> Result<(), Invalid> {
        self.kind().validate(v)
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Ctx<'_>) -> Finding {
        self.kind().evaluate(rule, ctx)
    }

    pub fn find_terms(&self) -> &[String] {
        self.kind().find_terms()
    }

    pub fn reads_text(&self) -> bool {
        self.kind().reads_text()
    }

    pub fn need(&self, as_of: jiff::civil::Date) -> Option<Need<'_>> {
        self.kind().need(as_of)
    }

    pub fn describe(&self) -> Vec<(&'static str, String)> {
        self.kind().describe()
    }
}

/// What a rule asks an inspection to find: a link, title or column naming one of its terms,
/// dated on or after `since` when it has a date. `every`: each such page must be read (its text
/// or tables are judged), not just the first.
#[derive(Debug, Clone, Copy)]
pub struct Need<'a> {
    pub terms: &'a Terms,
    pub since: Option<jiff::civil::Date>,
    /// The deadline of the period, when the document has one.
    pub by: Option<jiff::civil::Date>,
    /// The year the document of the period is for.
    pub year: Option<i16>,
    pub every: bool,
}

/// A rule's `find` terms, compiled when the pack loads: an automaton that cannot be built is a
/// load error, never a rule that silently finds nothing and reports the site for it.
#[derive(Debug, Clone)]
pub struct Terms {
    list: Vec<String>,
    automaton: AhoCorasick,
}

impl Terms {
    pub fn new(list: Vec<String>) -> Result<Terms, String> {
        if list.is_empty() {
            return Err("needs at least one search term".to_string());
        }
        if list.iter().any(|t| t.trim().is_empty()) {
            return Err("an empty search term would match everything".to_string());
        }
        // ASCII case is ignored ("About Us" finds "About us"); Chinese has no case.
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&list)
            .map_err(|e| format!("the search terms cannot be compiled: {e}"))?;
        Ok(Terms { list, automaton })
    }

    pub fn any_in(&self, hay: &str) -> bool {
        self.automaton.is_match(hay)
    }

    pub fn as_slice(&self) -> &[String] {
        &self.list
    }
}

impl<'de> Deserialize<'de> for Terms {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Terms, D::Error> {
        Terms::new(Vec::<String>::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Terms {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Terms".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Terms that identify the document or column (any of them; ASCII case ignored).",
            "type": "array",
            "items": { "type": "string", "minLength": 1 },
            "minItems": 1
        })
    }
}

/// A count at which an aggregate rule becomes a gap: 1 or more.
pub fn check_threshold(t: u32) -> Result<(), Invalid> {
    if t == 0 {
        return Err(Invalid::rule("threshold must be 1 or more"));
    }
    Ok(())
}

/// `where`, when given, names at least one place.
pub fn check_places(places: Option<&[crate::rules::Where]>) -> Result<(), Invalid> {
    if places.is_some_and(<[_]>::is_empty) {
        return Err(Invalid::rule(
            "`where` is empty; omit it to search columns, titles and links",
        ));
    }
    Ok(())
}

/// A setting as written in a rule file (`annual_report`, `home`).
pub fn written<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// `where` places as written, for `rules show`.
pub fn places_text(places: &[crate::rules::Where]) -> String {
    places.iter().map(written).collect::<Vec<_>>().join(", ")
}

/// Sites built from pages in memory, and one rule's finding on them, for the kinds' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use url::Url;

    use crate::audit::Finding;
    use crate::crawl::CrawlLog;
    use crate::site::SiteBuilder;

    pub fn site(start: &str, pages: &[(&str, &str)], log: CrawlLog) -> crate::site::SiteModel {
        let mut b = SiteBuilder::new(Url::parse(start).unwrap());
        for (u, html) in pages {
            let page = crate::extract::cms::tests::page(u, html);
            b.add(crate::extract::extract(&page, &crate::extract::TextPolicy::default()).0);
        }
        b.finish(log)
    }

    /// The finding of rule `id` of `cn-site-inspection` on `site` as of 2026-11-26.
    pub fn run(site: &crate::site::SiteModel, id: &str) -> Finding {
        let pack = crate::rules::load("cn-site-inspection").unwrap();
        crate::audit::audit(site, &pack, jiff::civil::date(2026, 11, 26))
            .into_iter()
            .find(|f| f.rule_id == id)
            .unwrap()
    }
}
