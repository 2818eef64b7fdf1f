//! `check = "phone"`: some page shows a phone number whose label contains one of the `find`
//! terms (监督举报电话, 咨询电话 ...).

use serde::Deserialize;

use super::{CheckKind, Terms};
use crate::audit::{Ctx, Evidence, Fact, Finding, Status};
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
                    Fact::PhoneFound {
                        label: label.to_string(),
                        number: ph.number.clone(),
                    },
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
            Fact::PhoneMissing {
                pages: u32::try_from(ctx.site.pages.len()).unwrap_or(u32::MAX),
            },
            Vec::new(),
        )
    }
}
