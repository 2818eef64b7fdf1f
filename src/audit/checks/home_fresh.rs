//! `check = "home_fresh"`: the home page shows something new within `max_age` (the 2019
//! indicators' veto on a home page not updated).

use serde::Deserialize;

use super::CheckKind;
use crate::audit::{Ctx, Evidence, Finding, Reason, Status, Text, fmt_date};
use crate::rules::{Age, Rule};

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HomeFreshCheck {
    /// How old the home page's newest item may be.
    #[schemars(with = "String")]
    pub max_age: Age,
}

impl CheckKind for HomeFreshCheck {
    fn describe(&self) -> Vec<(&'static str, String)> {
        vec![("max_age", self.max_age.to_string())]
    }

    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        let age = self.max_age;
        // A home page that is only a navigation hub is judged by its second-level pages.
        let (newest, hub) = match ctx.site.home_newest() {
            Some(d) => (Some(d), false),
            None => (
                ctx.site
                    .columns
                    .iter()
                    .filter_map(|c| c.newest.map(|d| d.date))
                    .max(),
                true,
            ),
        };
        let Some(home) = ctx
            .site
            .pages
            .iter()
            .zip(&ctx.homes)
            .find_map(|(p, &h)| h.then_some(p))
        else {
            return ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::Unreachable),
                Text::new("首页无法获取", "the home page could not be fetched"),
                Vec::new(),
            );
        };
        let ev = vec![Evidence {
            url: Some(home.url.clone()),
            date: newest,
            ..Evidence::default()
        }];
        let where_zh = if hub {
            "首页为导航页，二级栏目"
        } else {
            "首页"
        };
        let where_en = if hub {
            "the home page is a hub; its columns'"
        } else {
            "the home page's"
        };
        let mut f = match newest {
            Some(d) if d >= age.oldest_fresh(ctx.as_of) => ctx.finding(
                r,
                Status::Pass,
                None,
                Text::new(
                    format!("{where_zh}最新信息发布于{}", fmt_date(d, false)),
                    format!("{where_en} newest item is from {}", fmt_date(d, true)),
                ),
                ev,
            ),
            Some(d) => ctx.finding(
                r,
                Status::Gap,
                Some(Reason::Stale),
                Text::new(
                    format!(
                        "{where_zh}最新信息发布于{}，已超过{}未更新",
                        fmt_date(d, false),
                        age.describe(false)
                    ),
                    format!(
                        "{where_en} newest item is from {}, older than {}",
                        fmt_date(d, true),
                        age.describe(true)
                    ),
                ),
                ev,
            ),
            // Not one dated item anywhere on the site is far likelier to be lists drawn by script
            // than a site without dates: do not turn our blind spot into a veto.
            None => ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::JsOnly),
                Text::new(
                    "首页及各栏目均未识别到带日期的信息（可能由脚本生成），无法判断更新情况",
                    "no dated item was recognised on the home page or in any column (lists may be drawn by script); freshness unknown",
                ),
                ev,
            ),
        };
        Ctx::deduct(r, &mut f, None);
        f
    }
}
