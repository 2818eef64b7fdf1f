//! `check = "phone"`: some page shows a phone number whose label contains one of the `find`
//! terms (监督举报电话, 咨询电话 ...).

use serde::Deserialize;

use super::{CheckKind, Terms};
use crate::audit::{Ctx, Evidence, Finding, Status, Text};
use crate::rules::Rule;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneCheck {
    /// Words of the phone's label (投诉, 举报 ...).
    pub find: Terms,
}

impl CheckKind for PhoneCheck {
    fn find_terms(&self) -> &[String] {
        self.find.as_slice()
    }

    fn describe(&self) -> Vec<(&'static str, String)> {
        vec![("find", self.find.as_slice().join("、"))]
    }

    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        let content = ctx
            .site
            .pages
            .iter()
            .flat_map(|p| p.phones.iter().map(move |ph| (ph, &p.url)));
        let furniture = ctx.site.furniture_phones.iter().map(|(ph, u)| (ph, u));
        for (ph, url) in content.chain(furniture) {
            if let Some(label) = ph.label.as_deref().filter(|l| self.find.any_in(l)) {
                return ctx.finding(
                    r,
                    Status::Pass,
                    None,
                    Text::new(
                        format!("{label}：{}", ph.number),
                        format!("{label}: {}", ph.number),
                    ),
                    vec![Evidence {
                        url: Some(url.clone()),
                        text: Some(format!("{label} {}", ph.number)),
                        http_status: Some(200),
                        ..Evidence::default()
                    }],
                );
            }
        }
        ctx.missing(
            r,
            Text::new(
                format!("在{}个页面中未找到{}", ctx.site.pages.len(), r.name),
                format!(
                    "no {} on any of {} pages",
                    Ctx::name(r, true),
                    ctx.site.pages.len()
                ),
            ),
            Vec::new(),
        )
    }
}
