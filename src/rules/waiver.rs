//! Waivers (豁免): a project file that excuses a rule's gap for a stated reason until a date, for
//! example while a document is legally withheld or a column is being rebuilt. A waived gap is
//! still reported, with the reason, but does not deduct, veto or fail the run; a waiver expires
//! on its own, and an expired one is said so in the report.
//!
//! ```toml
//! [[waiver]]
//! rule = "EDU-ADM-RESULT"
//! reason = "招生工作延期，经市教育局同意10月公布"
//! expires = "2026-12-31"
//! site = "http://jyj.example.gov.cn/"   # optional: a URL prefix; absent, every site
//! ```

use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::{RuleError, RulePack};

/// One waiver as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    pub rule: String,
    pub reason: String,
    /// The last day it applies.
    pub expires: Date,
    pub site: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Spanned<String>,
    reason: Spanned<String>,
    expires: Spanned<String>,
    #[serde(default)]
    site: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    #[serde(default)]
    waiver: Vec<RawWaiver>,
}

impl Waiver {
    /// Whether it covers a site (by its start URL) on a day.
    pub fn applies(&self, start: &str, day: Date) -> bool {
        day <= self.expires && self.site.as_deref().is_none_or(|s| start.starts_with(s))
    }
}

/// Reads a waiver file, checking every rule id against the pack so a typo is an error, not a
/// waiver that silently never applies.
pub fn load(path: &Path, pack: &RulePack) -> Result<Vec<Waiver>, RuleError> {
    let text = std::fs::read_to_string(path).map_err(|source| RuleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let src = super::Source {
        name: path.display().to_string(),
        text,
        dir: None,
    };
    let at = |span: std::ops::Range<usize>, message: String| src.error(Some(span), message);
    let file: WaiverFile = toml::from_str(&src.text).map_err(|e| {
        at(
            e.span().unwrap_or(0..0),
            format!(
                "{}; a waiver is `[[waiver]]` with rule, reason, expires (YYYY-MM-DD) and optionally site",
                e.message()
            ),
        )
    })?;
    let mut out = Vec::new();
    for w in file.waiver {
        let rule = w.rule.get_ref().trim().to_string();
        if !pack.rules.iter().any(|r| *r.id.get_ref() == rule) {
            return Err(at(
                w.rule.span(),
                format!("no rule `{rule}` in pack {}", pack.id),
            ));
        }
        if w.reason.get_ref().trim().is_empty() {
            return Err(at(
                w.reason.span(),
                "a waiver needs a reason: the report shows it".into(),
            ));
        }
        let expires =
            crate::extract::dates::parse_iso(w.expires.get_ref().trim()).ok_or_else(|| {
                at(
                    w.expires.span(),
                    format!(
                        "`{}` is not a date in the form YYYY-MM-DD",
                        w.expires.get_ref()
                    ),
                )
            })?;
        out.push(Waiver {
            rule,
            reason: w.reason.get_ref().trim().to_string(),
            expires,
            site: w.site.filter(|s| !s.trim().is_empty()),
        });
    }
    Ok(out)
}
