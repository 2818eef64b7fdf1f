//! `check = "site_identity"`: the site's identifiers agree with each other (the SiteIDCode meta
//! against the footer's 网站标识码, the footer's sponsor against SiteName, SiteDomain against the
//! audited host).

use serde::Deserialize;

use super::CheckKind;
use crate::audit::facts::{IdentityCheck, IdentityConflict};
use crate::audit::{Ctx, Evidence, Fact, Finding, Reason, Status};
use crate::extract::identity;
use crate::rules::Rule;

/// No settings: the identifiers are what they are.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteIdentityCheck {}

impl CheckKind for SiteIdentityCheck {
    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        ctx.site_identity(r)
    }
}

impl Ctx<'_> {
    /// 网站标识 (国办发〔2017〕47号; rules-cn §4 R-SITE-02/03): the identifiers must agree.
    fn site_identity(&self, r: &Rule) -> Finding {
        let site = self.site;
        let footer = site.footer.as_ref();
        let start = site.start.as_ref();
        let mut checked: Vec<IdentityCheck> = Vec::new();
        let mut conflicts: Vec<IdentityConflict> = Vec::new();
        let mut ev: Vec<Evidence> = Vec::new();
        let footer_ev = |text: String| Evidence {
            url: footer.map(|(_, u)| u.clone()),
            text: Some(text),
            ..Evidence::default()
        };
        if let Some(code) = &site.site_id_code {
            checked.push(IdentityCheck::SiteCodeFormat);
            let c = code.trim();
            let ok = (c.len() == 10 && c.bytes().all(|b| b.is_ascii_digit()))
                || (c.len() == 10
                    && c.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("bm"))
                    && c.bytes().skip(2).all(|b| b.is_ascii_digit()));
            if !ok {
                conflicts.push(IdentityConflict::SiteCodeFormat {
                    code: c.to_string(),
                });
                ev.push(Evidence {
                    url: start.cloned(),
                    text: Some(format!("SiteIDCode={c}")),
                    ..Evidence::default()
                });
            }
            if let Some(fc) = footer.and_then(|(f, _)| f.site_id_code.as_deref()) {
                checked.push(IdentityCheck::SiteCodeFooter);
                if !fc.eq_ignore_ascii_case(c) {
                    conflicts.push(IdentityConflict::SiteCodeFooter {
                        meta: c.to_string(),
                        footer: fc.to_string(),
                    });
                    ev.push(footer_ev(format!("SiteIDCode={c}；网站标识码：{fc}")));
                }
            }
        }
        if let (Some(name), Some(sponsor)) = (
            &site.site_name,
            footer.and_then(|(f, _)| f.sponsor.as_deref()),
        ) {
            checked.push(IdentityCheck::SiteNameSponsor);
            if identity::different_place(name, sponsor) {
                conflicts.push(IdentityConflict::SiteNameSponsor {
                    name: name.clone(),
                    sponsor: sponsor.to_string(),
                });
                ev.push(footer_ev(format!("SiteName={name}；主办单位：{sponsor}")));
            }
        }
        // A local mirror served on 127.0.0.1 has no real host to compare.
        let host = start.and_then(|u| match u.host() {
            Some(url::Host::Domain(d)) if d != "localhost" => Some(d.to_string()),
            _ => None,
        });
        if let (Some(domain), Some(host)) = (&site.site_domain, &host) {
            checked.push(IdentityCheck::SiteDomainHost);
            if !identity::host_matches(host, domain) {
                conflicts.push(IdentityConflict::SiteDomainHost {
                    domain: domain.clone(),
                    host: host.clone(),
                });
                ev.push(Evidence {
                    url: start.cloned(),
                    text: Some(format!("SiteDomain={domain}")),
                    ..Evidence::default()
                });
            }
        }
        if checked.is_empty() {
            return self.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotApplicable),
                Fact::NoIdentifiers,
                Vec::new(),
            );
        }
        if conflicts.is_empty() {
            let mut ids = Vec::new();
            if let Some((f, _)) = footer {
                ids.extend(f.site_id_code.iter().map(|c| format!("网站标识码：{c}")));
                ids.extend(f.icp.clone());
                ids.extend(f.psb.iter().map(|p| format!("公安备案：{p}")));
                ids.extend(f.sponsor.iter().map(|s| format!("主办单位：{s}")));
            }
            return self.finding(
                r,
                Status::Pass,
                None,
                Fact::IdentityConsistent { compared: checked },
                vec![footer_ev(ids.join("；"))]
                    .into_iter()
                    .filter(|e| e.url.is_some())
                    .collect(),
            );
        }
        let n = u32::try_from(conflicts.len()).unwrap_or(u32::MAX);
        self.gap(
            r,
            Reason::Inconsistent,
            Fact::IdentityConflicts { conflicts },
            ev,
            Some(n),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{run, site};
    use crate::audit::facts::IdentityConflict;
    use crate::audit::{Fact, Reason, Status};
    use crate::crawl::CrawlLog;

    /// The identity finding of a one-page site with this home page.
    fn identity_of(home: &str) -> crate::audit::Finding {
        let s = site(
            "http://jyj.qingshui.gov.cn/",
            &[("http://jyj.qingshui.gov.cn/", home)],
            CrawlLog::default(),
        );
        run(&s, "INSP-SITE-IDENTITY")
    }

    /// A template copied from another city (research §2: 齐齐哈尔 on a Chongqing domain).
    #[test]
    fn another_citys_template_is_inconsistent() {
        let home = r#"<html><head><meta name="SiteName" content="齐齐哈尔">
<meta name="SiteDomain" content="gxq.cq.gov.cn"><meta name="SiteIDCode" content="5001070012">
?><!DOCTYPE html></head><body><p>首页</p>
<DIV CLASS="FOOTER">主办单位：重庆高新区管委会 网站标识码：5001070012 渝ICP备05003300号</DIV></body></html>"#;
        let f = identity_of(home);
        assert_eq!(f.status, Status::Gap);
        assert_eq!(f.reason, Some(Reason::Inconsistent));
        assert_eq!(f.count, Some(2), "{:?}", f.message);
        let Some(Fact::IdentityConflicts { conflicts }) = &f.facts else {
            panic!("{:?}", f.facts)
        };
        assert_eq!(
            conflicts,
            &vec![
                IdentityConflict::SiteNameSponsor {
                    name: "齐齐哈尔".into(),
                    sponsor: "重庆高新区管委会".into()
                },
                IdentityConflict::SiteDomainHost {
                    domain: "gxq.cq.gov.cn".into(),
                    host: "jyj.qingshui.gov.cn".into()
                },
            ]
        );
        // Nothing to compare: not a gap, not a pass.
        let bare = site(
            "http://a.gov.cn/",
            &[("http://a.gov.cn/", "<html><body><p>首页</p></body></html>")],
            CrawlLog::default(),
        );
        let f = run(&bare, "INSP-SITE-IDENTITY");
        assert_eq!(f.status, Status::Inconclusive);
        assert_eq!(f.reason, Some(Reason::NotApplicable));
    }

    /// A Chinese character where a department code's `bm` would be: a malformed code to report,
    /// not a slice inside the character.
    #[test]
    fn a_site_code_with_a_multibyte_character_is_malformed_not_fatal() {
        let home = r#"<html><head><meta name="SiteIDCode" content="标1234567"></head><body><p>首页</p></body></html>"#;
        let f = identity_of(home);
        assert_eq!(f.status, Status::Gap);
        assert_eq!(f.reason, Some(Reason::Inconsistent));
        assert_eq!(f.evidence[0].text.as_deref(), Some("SiteIDCode=标1234567"));
    }
}
