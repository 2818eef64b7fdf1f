//! `check = "stale_columns"`: the number of stale columns of some classes reaches a threshold
//! (the 2019 indicators' veto on columns not updated).

use serde::Deserialize;
use toml::Spanned;

use super::{CheckKind, Invalid, Validation, check_threshold};
use crate::audit::{Ctx, Evidence, Fact, Finding, Reason};
use crate::rules::{Age, Rule};

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaleColumnsCheck {
    /// The column classes counted.
    #[schemars(with = "Vec<String>")]
    pub classes: Vec<Spanned<String>>,
    /// Count at which the rule becomes a gap.
    pub threshold: u32,
    /// Overrides every class's own `max_age`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub max_age: Option<Age>,
}

impl CheckKind for StaleColumnsCheck {
    fn validate(&self, v: &Validation<'_>) -> Result<(), Invalid> {
        if self.classes.is_empty() {
            return Err(Invalid::rule("needs `classes`: at least one column class"));
        }
        for c in &self.classes {
            v.known_class(c)?;
        }
        check_threshold(self.threshold)
    }

    fn describe(&self) -> Vec<(&'static str, String)> {
        let c: Vec<&str> = self.classes.iter().map(|c| c.get_ref().as_str()).collect();
        let mut out = vec![
            ("classes", c.join(", ")),
            ("threshold", self.threshold.to_string()),
        ];
        if let Some(a) = self.max_age {
            out.push(("max_age", a.to_string()));
        }
        out
    }

    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        let classes: Vec<&str> = self.classes.iter().map(|c| c.get_ref().as_str()).collect();
        let (stale, _, _) = ctx.stale_of(&classes, self.max_age);
        let n = stale.len() as u32;
        let threshold = self.threshold;
        let ev: Vec<Evidence> = stale
            .iter()
            .map(|(c, _, _)| Ctx::column_evidence(c))
            .collect();
        let gap = Fact::StaleColumns {
            columns: Ctx::stale_facts(&stale),
            threshold: Some(threshold),
        };
        let pass = Fact::StaleBelow {
            count: n,
            threshold,
        };
        if let Some(f) = ctx.count_unconfirmed(r, n, threshold, pass.clone(), ev.clone()) {
            return f;
        }
        ctx.counted(r, n, threshold, Reason::Stale, gap, pass, ev)
    }
}
