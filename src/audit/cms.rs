//! Checks that read what CMS templates print: suspect publish dates (`check = "forged_dates"`)
//! and site identity (`check = "site_identity"`).

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{Ctx, Evidence, Finding, Reason, Status, Text, fmt_date};
use crate::extract::{DateSource, DatedBy, PageFacts, PageKind, dates, identity};
use crate::rules::Rule;
use crate::rules::model::{Age, AgeUnit};

/// A document with an explicit publish date and the dates it was made.
struct Doc<'p> {
    page: &'p PageFacts,
    published: DatedBy,
    written: Option<Date>,
    created: Option<Date>,
}

fn days(a: Date, b: Date) -> i64 {
    i64::from((a - b).get_days())
}

impl Ctx<'_> {
    /// 伪造发稿日期 / 旧稿新发 (国办秘函〔2019〕19号 W-VETO-01 item 5): the automatable part.
    /// A publish date counts only from PubDate, a 发布时间 label or a list row: a URL date is the
    /// creation date itself and a sitemap lastmod is a rebuild time.
    pub(super) fn forged_dates(&self, r: &Rule) -> Finding {
        let max_lag = r.max_lag.unwrap_or(Age {
            amount: 1,
            unit: AgeUnit::Years,
        });
        let docs: Vec<Doc<'_>> = self
            .site
            .pages
            .iter()
            .zip(&self.homes)
            .filter(|(p, home)| p.kind == PageKind::Article && !**home)
            .filter_map(|(p, _)| {
                let published = p.pub_date.filter(|d| {
                    matches!(
                        d.source,
                        DateSource::MetaPubDate | DateSource::Label | DateSource::ListRow
                    )
                })?;
                let written = p.doc_meta.as_ref().and_then(|m| m.written);
                let created = dates::url_date(p.url.as_str());
                (written.is_some() || created.is_some()).then_some(Doc {
                    page: p,
                    published,
                    written,
                    created,
                })
            })
            .collect();
        if docs.is_empty() {
            return self.finding(
                r,
                Status::Inconclusive,
                Some(Reason::NotApplicable),
                Text::new(
                    "未发现同时标有发布日期和成文日期（或URL日期）的文档，无法比对",
                    "no document shows both a publish date and a date written (or a URL date); nothing to compare",
                ),
                Vec::new(),
            );
        }
        let mut suspects: Vec<&Doc<'_>> = Vec::new();
        let mut zh: Vec<String> = Vec::new();
        let mut en: Vec<String> = Vec::new();
        for d in &docs {
            if let Some(w) = d.written
                && w < max_lag.oldest_fresh(d.published.date)
            {
                let n = days(d.published.date, w);
                zh.push(format!(
                    "“{}”成文日期{}，发布日期{}（{}），相隔{n}天",
                    d.page.title,
                    fmt_date(w, false),
                    fmt_date(d.published.date, false),
                    d.published.source.label(false)
                ));
                en.push(format!(
                    "\"{}\" written {}, published {} ({}), {n} days later",
                    d.page.title,
                    w,
                    d.published.date,
                    d.published.source.label(true)
                ));
                suspects.push(d);
            }
        }
        if let (Some(lag), Some(threshold)) = (r.batch_lag, r.threshold) {
            let mut by_day: BTreeMap<Date, Vec<&Doc<'_>>> = BTreeMap::new();
            for d in &docs {
                let origin = d.written.or(d.created);
                if origin.is_some_and(|o| o < lag.oldest_fresh(d.published.date)) {
                    by_day.entry(d.published.date).or_default().push(d);
                }
            }
            for (day, batch) in by_day {
                if batch.len() < threshold as usize {
                    continue;
                }
                let oldest = batch
                    .iter()
                    .filter_map(|d| d.written.or(d.created))
                    .min()
                    .unwrap_or(day);
                zh.push(format!(
                    "{}同日发布{}篇形成于{}以前的旧文档（最早{}）",
                    fmt_date(day, false),
                    batch.len(),
                    lag.describe(false),
                    fmt_date(oldest, false)
                ));
                en.push(format!(
                    "{} documents made over {} earlier were all published on {day} (oldest {oldest})",
                    batch.len(),
                    lag.describe(true)
                ));
                for d in batch {
                    if !suspects.iter().any(|s| s.page.url == d.page.url) {
                        suspects.push(d);
                    }
                }
            }
        }
        let checked = docs.len();
        if suspects.is_empty() {
            return self.finding(
                r,
                Status::Pass,
                None,
                Text::new(
                    format!("比对了{checked}篇文档的发布日期与成文日期、URL日期，未发现疑似改动发稿日期"),
                    format!("compared the publish date of {checked} documents with their dates written and URL dates: none looks re-dated"),
                ),
                Vec::new(),
            );
        }
        let ev: Vec<Evidence> = suspects
            .iter()
            .map(|d| {
                let mut e = Evidence::of_page(d.page, Some(d.published));
                // The dates compared are the point of this evidence, even when the site model
                // dropped them as agreeing with each other.
                for (date, source) in [
                    (d.written, DateSource::Written),
                    (d.created, DateSource::Url),
                ] {
                    if let Some(date) = date
                        && date != d.published.date
                        && !e.other_dates.iter().any(|o| o.source == source)
                    {
                        e.other_dates.push(DatedBy { date, source });
                    }
                }
                e
            })
            .collect();
        let n = suspects.len() as u32;
        let mut f = self.finding(
            r,
            Status::Gap,
            Some(Reason::SuspectDate),
            Text::new(
                format!("疑似伪造发稿日期（需人工核实）：{}", zh.join("；")),
                format!(
                    "publish dates look re-dated (verify by hand): {}",
                    en.join("; ")
                ),
            ),
            ev,
        );
        f.count = Some(n);
        Self::deduct(r, &mut f, Some(n));
        f
    }

    /// 网站标识 (国办发〔2017〕47号; rules-cn §4 R-SITE-02/03): the identifiers must agree.
    pub(super) fn site_identity(&self, r: &Rule) -> Finding {
        let site = self.site;
        let footer = site.footer.as_ref();
        let start = site.start.as_ref();
        let mut checked: Vec<(&str, &str)> = Vec::new();
        let mut zh: Vec<String> = Vec::new();
        let mut en: Vec<String> = Vec::new();
        let mut ev: Vec<Evidence> = Vec::new();
        let footer_ev = |text: String| Evidence {
            url: footer.map(|(_, u)| u.clone()),
            text: Some(text),
            ..Evidence::default()
        };
        if let Some(code) = &site.site_id_code {
            checked.push(("SiteIDCode格式", "SiteIDCode format"));
            let c = code.trim();
            let ok = (c.len() == 10 && c.bytes().all(|b| b.is_ascii_digit()))
                || (c.len() == 10
                    && c[..2].eq_ignore_ascii_case("bm")
                    && c[2..].bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                zh.push(format!(
                    "SiteIDCode“{c}”不是10位网站标识码（地方为10位数字，部门为bm加8位数字）"
                ));
                en.push(format!(
                    "SiteIDCode \"{c}\" is not a 10-character site code (10 digits, or bm + 8 digits)"
                ));
                ev.push(Evidence {
                    url: start.cloned(),
                    text: Some(format!("SiteIDCode={c}")),
                    ..Evidence::default()
                });
            }
            if let Some(fc) = footer.and_then(|(f, _)| f.site_id_code.as_deref()) {
                checked.push(("SiteIDCode与页脚网站标识码", "SiteIDCode and footer code"));
                if !fc.eq_ignore_ascii_case(c) {
                    zh.push(format!("SiteIDCode元数据为{c}，页脚网站标识码为{fc}"));
                    en.push(format!(
                        "SiteIDCode meta is {c}, the footer's 网站标识码 is {fc}"
                    ));
                    ev.push(footer_ev(format!("SiteIDCode={c}；网站标识码：{fc}")));
                }
            }
        }
        if let (Some(name), Some(sponsor)) = (
            &site.site_name,
            footer.and_then(|(f, _)| f.sponsor.as_deref()),
        ) {
            checked.push(("SiteName与页脚主办单位", "SiteName and footer sponsor"));
            if identity::different_place(name, sponsor) {
                zh.push(format!(
                    "SiteName为“{name}”，页脚主办单位却为“{sponsor}”（疑为套用其他网站模板）"
                ));
                en.push(format!(
                    "SiteName is \"{name}\" but the footer names \"{sponsor}\" (another site's template?)"
                ));
                ev.push(footer_ev(format!("SiteName={name}；主办单位：{sponsor}")));
            }
        }
        // A local mirror served on 127.0.0.1 has no real host to compare.
        let host = start.and_then(|u| match u.host() {
            Some(url::Host::Domain(d)) if d != "localhost" => Some(d.to_string()),
            _ => None,
        });
        if let (Some(domain), Some(host)) = (&site.site_domain, &host) {
            checked.push(("SiteDomain与网站域名", "SiteDomain and host"));
            if !identity::host_matches(host, domain) {
                zh.push(format!("SiteDomain为“{domain}”，与网站域名{host}不符"));
                en.push(format!(
                    "SiteDomain is \"{domain}\", which does not match the host {host}"
                ));
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
                Text::new(
                    "未找到可相互比对的网站标识（SiteIDCode、SiteName、SiteDomain元数据与页脚网站标识码、主办单位）",
                    "no site identifiers to compare (SiteIDCode, SiteName, SiteDomain meta against the footer's code and sponsor)",
                ),
                Vec::new(),
            );
        }
        if zh.is_empty() {
            let what_zh: Vec<&str> = checked.iter().map(|(z, _)| *z).collect();
            let what_en: Vec<&str> = checked.iter().map(|(_, e)| *e).collect();
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
                Text::new(
                    format!("一致：{}", what_zh.join("、")),
                    format!("consistent: {}", what_en.join(", ")),
                ),
                vec![footer_ev(ids.join("；"))]
                    .into_iter()
                    .filter(|e| e.url.is_some())
                    .collect(),
            );
        }
        let n = zh.len() as u32;
        let mut f = self.finding(
            r,
            Status::Gap,
            Some(Reason::Inconsistent),
            Text::new(zh.join("；"), en.join("; ")),
            ev,
        );
        f.count = Some(n);
        Self::deduct(r, &mut f, Some(n));
        f
    }
}

#[cfg(test)]
mod tests {
    use url::Url;

    use crate::audit::{Finding, Reason, Status};
    use crate::crawl::CrawlLog;
    use crate::site::SiteBuilder;

    fn site(start: &str, pages: &[(&str, &str)], log: CrawlLog) -> crate::site::SiteModel {
        let mut b = SiteBuilder::new(Url::parse(start).unwrap());
        for (u, html) in pages {
            let url = Url::parse(u).unwrap();
            let page = crate::crawl::FetchedPage {
                url: url.clone(),
                final_url: url,
                status: 200,
                content_type: Some("text/html".into()),
                body: html.as_bytes().to_vec(),
                truncated: false,
                depth: 1,
            };
            b.add(crate::extract::extract(&page, &crate::extract::TextPolicy::default()).0);
        }
        b.finish(log)
    }

    fn run(site: &crate::site::SiteModel, id: &str) -> Finding {
        let pack = crate::rules::load("cn-site-inspection").unwrap();
        crate::audit::audit(site, &pack, jiff::civil::date(2026, 11, 26))
            .into_iter()
            .find(|f| f.rule_id == id)
            .unwrap()
    }

    /// A template copied from another city (research §2: 齐齐哈尔 on a Chongqing domain).
    #[test]
    fn another_citys_template_is_inconsistent() {
        let home = r#"<html><head><meta name="SiteName" content="齐齐哈尔">
<meta name="SiteDomain" content="gxq.cq.gov.cn"><meta name="SiteIDCode" content="5001070012">
?><!DOCTYPE html></head><body><p>首页</p>
<DIV CLASS="FOOTER">主办单位：重庆高新区管委会 网站标识码：5001070012 渝ICP备05003300号</DIV></body></html>"#;
        let s = site(
            "http://jyj.qingshui.gov.cn/",
            &[("http://jyj.qingshui.gov.cn/", home)],
            CrawlLog::default(),
        );
        let f = run(&s, "INSP-SITE-IDENTITY");
        assert_eq!(f.status, Status::Gap);
        assert_eq!(f.reason, Some(Reason::Inconsistent));
        assert_eq!(f.count, Some(2), "{:?}", f.message);
        assert!(f.message.zh.contains("齐齐哈尔") && f.message.zh.contains("重庆高新区管委会"));
        assert!(f.message.zh.contains("SiteDomain为“gxq.cq.gov.cn”"));
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

    /// Rebuild times are no publish dates: a site regenerated in one day, whose sitemap lastmod
    /// and MakeTime all say that day, has not re-dated anything.
    #[test]
    fn rebuild_times_never_make_a_batch() {
        let mut log = CrawlLog::default();
        let mut pages = Vec::new();
        let urls: Vec<String> = (1..=6)
            .map(|i| format!("http://a.gov.cn/zcwj/20250{i}/t20250{i}10_{i}.html"))
            .collect();
        for u in &urls {
            let url = Url::parse(u).unwrap();
            log.sitemap_lastmod.insert(
                crate::crawl::UrlKey::of(&url),
                jiff::civil::date(2026, 11, 20),
            );
            pages.push((
                u.as_str(),
                r#"<html><head><meta name="MakeTime" content="2026-11-20 08:00:00"></head><body><h1>通知</h1><p>正文</p></body></html>"#,
            ));
        }
        pages.push(("http://a.gov.cn/", "<html><body>首页</body></html>"));
        let s = site("http://a.gov.cn/", &pages, log);
        let f = run(&s, "INSP-FORGED-DATES");
        assert_ne!(f.status, Status::Gap, "{:?}", f.message);
    }
}
