//! `check = "column"`: every column of one class is fresh.

use serde::Deserialize;
use toml::Spanned;

use super::{CheckKind, Invalid, Validation};
use crate::audit::{Ctx, Finding, Reason, Status, Text, fmt_date};
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
        let (stale, unjudged, total) = ctx.stale_of(&[class_id], self.max_age);
        if !stale.is_empty() {
            let mut f = ctx.finding(
                r,
                Status::Gap,
                Some(Reason::Stale),
                Text::new(
                    ctx.describe_stale(&stale, false),
                    ctx.describe_stale(&stale, true),
                ),
                stale
                    .iter()
                    .map(|(c, _, _)| Ctx::column_evidence(c))
                    .collect(),
            );
            f.count = Some(stale.len() as u32);
            Ctx::deduct(r, &mut f, Some(stale.len() as u32));
            return f;
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
        let shared_zh: String = shared
            .iter()
            .map(|c| {
                format!(
                    "；“{}”为共享栏目（条目均链接至{}），不计入本单位更新考核",
                    c.name,
                    c.shared.as_deref().unwrap_or_default()
                )
            })
            .collect();
        let shared_en: String = shared
            .iter()
            .map(|c| {
                format!(
                    "; \"{}\" is a shared column (every entry links to {}), not scored",
                    c.name,
                    c.shared.as_deref().unwrap_or_default()
                )
            })
            .collect();
        let shared_ev = || shared.iter().map(|c| Ctx::column_evidence(c));
        if total == 0 {
            return ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotApplicable),
                if shared.is_empty() {
                    Text::new(
                        format!("未发现{class_name}栏目"),
                        format!("no {class_en} column found"),
                    )
                } else {
                    Text::new(
                        format!("未发现本单位的{class_name}栏目{shared_zh}"),
                        format!("no {class_en} column of the bureau's own found{shared_en}"),
                    )
                },
                shared_ev().collect(),
            );
        }
        if unjudged.len() == total {
            return ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::JsOnly),
                Text::new(
                    format!("{class_name}栏目列表由脚本生成，无法判断更新情况"),
                    format!("the {class_en} list is drawn by script; freshness unknown"),
                ),
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
        let names: Vec<String> = judged
            .iter()
            .map(|c| match c.newest {
                Some(d) => format!("“{}”最新{}", c.name, fmt_date(d.date, false)),
                None => format!("“{}”", c.name),
            })
            .collect();
        let names_en: Vec<String> = judged
            .iter()
            .map(|c| match c.newest {
                Some(d) => format!("\"{}\" newest {}", c.name, d.date),
                None => format!("\"{}\"", c.name),
            })
            .collect();
        ctx.finding(
            r,
            Status::Pass,
            None,
            Text::new(
                format!("按时更新：{}{shared_zh}", names.join("；")),
                format!("up to date: {}{shared_en}", names_en.join("; ")),
            ),
            judged
                .iter()
                .map(|c| Ctx::column_evidence(c))
                .chain(shared_ev())
                .collect(),
        )
    }
}
