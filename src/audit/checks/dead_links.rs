//! `check = "dead_links"`: dead links, images and attachments.

use serde::Deserialize;

use super::{CheckKind, Invalid, Validation, check_threshold};
use crate::audit::{Ctx, Evidence, Finding, Reason, Text};
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
        let statuses: std::collections::BTreeSet<String> = dead
            .iter()
            .filter_map(|(_, c)| c.status.map(|s| s.to_string()))
            .collect();
        let statuses: Vec<String> = statuses.into_iter().collect();
        let gap = Text::new(
            format!("发现{n}个无法访问的链接（HTTP {}）", statuses.join("、")),
            format!("{n} dead links (HTTP {})", statuses.join(", ")),
        );
        let pass = Text::new(
            format!("检查了{checked}个链接，未发现无法访问的链接"),
            format!("checked {checked} links, none dead"),
        );
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
