//! `check = "home_fresh"`: the home page shows something new within `max_age` (the 2019
//! indicators' veto on a home page not updated).

use serde::Deserialize;

use super::CheckKind;
use crate::audit::{Ctx, Evidence, Fact, Finding, Reason, Status};
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
                Fact::HomeUnreachable,
                Vec::new(),
            );
        };
        let ev = vec![Evidence {
            url: Some(home.url.clone()),
            date: newest,
            ..Evidence::default()
        }];
        let mut f = match newest {
            Some(date) if date >= age.oldest_fresh(ctx.as_of) => {
                ctx.finding(r, Status::Pass, None, Fact::HomeNewest { date, hub }, ev)
            }
            Some(date) => ctx.finding(
                r,
                Status::Gap,
                Some(Reason::Stale),
                Fact::HomeStale {
                    date,
                    hub,
                    limit: age,
                },
                ev,
            ),
            // Not one dated item anywhere on the site is far likelier to be lists drawn by script
            // than a site without dates: do not turn our blind spot into a veto.
            None => ctx.finding(
                r,
                Status::Inconclusive,
                Some(Reason::JsOnly),
                Fact::NoDatedItems,
                ev,
            ),
        };
        Ctx::deduct(r, &mut f, None);
        f
    }
}
