//! `check = "column"`: every column of one class is fresh.

use serde::Deserialize;
use toml::Spanned;

use super::{CheckKind, Invalid, Validation};
use crate::audit::facts::{ColumnDate, SharedColumn};
use crate::audit::{Ctx, Fact, Finding, Reason, Status, Text};
use crate::rules::{Age, Rule};
use crate::site::{Column, ColumnState};

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnCheck {
    /// The column class (`[[class]]` id) whose columns must be fresh.
    #[schemars(with = "String")]
    pub class: Spanned<String>,
    /// Overrides the class's own `max_age`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub max_age: Option<Age>,
}

impl CheckKind for ColumnCheck {
    fn validate(&self, v: &Validation<'_>) -> Result<(), Invalid> {
        let class = v.known_class(&self.class)?;
        if self.max_age.is_none() && class.max_age.is_none() {
            return Err(Invalid::rule(format!(
                "class `{}` has no max_age, so give the rule a `max_age`",
                class.id
            )));
        }
        Ok(())
    }

    fn describe(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("class", self.class.get_ref().clone())];
        if let Some(a) = self.max_age {
            out.push(("max_age", a.to_string()));
        }
        out
    }

    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        let class_id = self.class.get_ref().as_str();
        let class = ctx.pack.class(class_id);
        let class_name = class.map(|c| c.name.clone()).unwrap_or_default();
        let class_en = class
            .and_then(|c| c.name_en.clone())
            .unwrap_or_else(|| class_name.clone());
        let class = Text::new(class_name, class_en);
        let (stale, unjudged, total) = ctx.stale_of(&[class_id], self.max_age);
        if !stale.is_empty() {
            return ctx.gap(
                r,
                Reason::Stale,
                Fact::StaleColumns {
                    columns: Ctx::stale_facts(&stale),
                    threshold: None,
                },
                stale
                    .iter()
                    .map(|(c, _, _)| Ctx::column_evidence(c))
                    .collect(),
                Some(stale.len() as u32),
            );
        }
        // Shared columns of the class are shown, never scored.
        let shared: Vec<&Column> = ctx
            .site
            .columns
            .iter()
            .filter(|c| {
                c.shared.is_some() && ctx.pack.classify(&c.name).is_some_and(|k| k.id == class_id)
            })
            .collect();
        let shared_facts: Vec<SharedColumn> = shared
            .iter()
            .map(|c| SharedColumn {
                name: c.name.clone(),
                feed: c.shared.clone().unwrap_or_default(),
            })
            .collect();
        let shared_ev = || shared.iter().map(|c| Ctx::column_evidence(c));
        if total == 0 {
            return ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotApplicable),
                Fact::NoColumn {
                    class,
                    shared: shared_facts,
                },
                shared_ev().collect(),
            );
        }
        if unjudged.len() == total {
            return ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::JsOnly),
                Fact::ColumnsScriptDrawn { class },
                unjudged.iter().map(|c| Ctx::column_evidence(c)).collect(),
            );
        }
        let judged: Vec<&Column> = ctx
            .site
            .columns
            .iter()
            .filter(|c| {
                ctx.pack.classify(&c.name).is_some_and(|k| k.id == class_id)
                    && c.state != ColumnState::JsOnly
                    && c.shared.is_none()
            })
            .collect();
        ctx.finding(
            r,
            Status::Pass,
            None,
            Fact::ColumnsFresh {
                columns: judged
                    .iter()
                    .map(|c| ColumnDate {
                        name: c.name.clone(),
                        newest: c.newest.map(|d| d.date),
                    })
                    .collect(),
                shared: shared_facts,
            },
            judged
                .iter()
                .map(|c| Ctx::column_evidence(c))
                .chain(shared_ev())
                .collect(),
        )
    }
}
