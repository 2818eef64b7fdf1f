//! `check = "dead_links"`: dead links, images and attachments.

use serde::Deserialize;

use super::{CheckKind, Invalid, Validation, check_threshold};
use crate::audit::{Ctx, Evidence, Fact, Finding, Reason};
use crate::rules::{LinkScope, Rule};

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadLinksCheck {
    /// Which links count: those on the home page, on other pages, or all.
    #[serde(default)]
    pub links: LinkScope,
    /// Count at which the rule becomes a gap (1 when omitted).
    #[serde(default)]
    pub threshold: Option<u32>,
}

impl CheckKind for DeadLinksCheck {
    fn validate(&self, _: &Validation<'_>) -> Result<(), Invalid> {
        self.threshold.map_or(Ok(()), check_threshold)
    }

    fn describe(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("links", super::written(&self.links))];
        if let Some(t) = self.threshold {
            out.push(("threshold", t.to_string()));
        }
        out
    }

    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        let dead: Vec<_> = ctx
            .site
            .dead_links()
            .filter(|(l, _)| match self.links {
                LinkScope::Home => l.from_home,
                LinkScope::Other => !l.from_home,
                LinkScope::All => true,
            })
            .collect();
        let n = dead.len() as u32;
        let ev: Vec<Evidence> = dead
            .iter()
            .map(|(l, c)| Evidence {
                url: Some(l.url.clone()),
                text: l.texts.first().cloned(),
                http_status: c.status,
                found_on: ctx.site.found_on(l).cloned(),
                ..Evidence::default()
            })
            .collect();
        let checked = ctx
            .site
            .checks
            .values()
            .filter(|c| !c.outcome.is_skipped())
            .count();
        let statuses: std::collections::BTreeSet<u16> =
            dead.iter().filter_map(|(_, c)| c.status).collect();
        let gap = Fact::DeadLinks {
            count: n,
            statuses: statuses.into_iter().collect(),
        };
        let pass = Fact::NoDeadLinks {
            checked: u32::try_from(checked).unwrap_or(u32::MAX),
        };
        ctx.counted(
            r,
            n,
            self.threshold.unwrap_or(1),
            Reason::Broken,
            gap,
            pass,
            ev,
        )
    }
}
