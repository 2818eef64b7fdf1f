//! `check = "blank_columns"`: the number of blank columns (no entries, or "正在建设中" stubs)
//! reaches a threshold.

use serde::Deserialize;

use super::{CheckKind, Invalid, Validation, check_threshold};
use crate::audit::{Ctx, Evidence, Fact, Finding, Reason};
use crate::rules::Rule;
use crate::site::ColumnState;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlankColumnsCheck {
    /// Count at which the rule becomes a gap.
    pub threshold: u32,
}

impl CheckKind for BlankColumnsCheck {
    fn validate(&self, _: &Validation<'_>) -> Result<(), Invalid> {
        check_threshold(self.threshold)
    }

    fn describe(&self) -> Vec<(&'static str, String)> {
        vec![("threshold", self.threshold.to_string())]
    }

    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        let mut ev: Vec<Evidence> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for c in ctx
            .site
            .columns
            .iter()
            .filter(|c| c.state == ColumnState::Empty)
        {
            names.push(c.name.clone());
            ev.push(Evidence {
                url: Some(c.url.clone()),
                text: Some(
                    c.empty_marker
                        .clone()
                        .map(|m| format!("{}（{m}）", c.name))
                        .unwrap_or_else(|| c.name.clone()),
                ),
                ..Evidence::default()
            });
        }
        for s in &ctx.site.stub_columns {
            if !names.contains(s) {
                names.push(s.clone());
                ev.push(Evidence {
                    text: Some(format!("{s}（正在建设中）")),
                    ..Evidence::default()
                });
            }
        }
        let n = names.len() as u32;
        let threshold = self.threshold;
        let gap = Fact::BlankColumns { names };
        let pass = Fact::BlankBelow {
            count: n,
            threshold,
        };
        if let Some(f) = ctx.count_unconfirmed(r, n, threshold, pass.clone(), ev.clone()) {
            return f;
        }
        ctx.counted(r, n, threshold, Reason::Empty, gap, pass, ev)
    }
}
