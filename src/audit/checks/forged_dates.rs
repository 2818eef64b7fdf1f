//! `check = "forged_dates"`: suspect publish dates (伪造发稿日期, 旧稿新发), read from what CMS
//! templates print.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Deserialize;

use super::{CheckKind, Invalid, Validation, check_threshold};
use crate::audit::facts::SuspectDate;
use crate::audit::{Ctx, Evidence, Fact, Finding, Reason, Status};
use crate::extract::{DateSource, DatedBy, PageFacts, PageKind, dates};
use crate::rules::{Age, Rule};

/// A document published more than `max_lag` after its 成文日期, or `threshold` or more documents
/// older than `batch_lag` (by 成文日期 or URL date) all published on one day.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgedDatesCheck {
    /// A publish date more than this after the 成文日期 is suspect.
    #[schemars(with = "String")]
    pub max_lag: Age,
    /// Documents older than this on their publish day count towards a re-dated batch.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub batch_lag: Option<Age>,
    /// How many such documents on one day make a batch.
    #[serde(default)]
    pub threshold: Option<u32>,
}

impl CheckKind for ForgedDatesCheck {
    fn validate(&self, _: &Validation<'_>) -> Result<(), Invalid> {
        if self.batch_lag.is_some() != self.threshold.is_some() {
            return Err(Invalid::rule(
                "needs `batch_lag` and `threshold` together (or neither, to skip the batch test)",
            ));
        }
        self.threshold.map_or(Ok(()), check_threshold)
    }

    fn describe(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("max_lag", self.max_lag.to_string())];
        if let (Some(l), Some(t)) = (self.batch_lag, self.threshold) {
            out.push(("batch_lag", l.to_string()));
            out.push(("threshold", t.to_string()));
        }
        out
    }

    fn evaluate(&self, r: &Rule, ctx: &Ctx<'_>) -> Finding {
        ctx.forged_dates(r, self)
    }
}
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
    fn forged_dates(&self, r: &Rule, spec: &ForgedDatesCheck) -> Finding {
        let max_lag = spec.max_lag;
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
                Fact::NoDatesToCompare,
                Vec::new(),
            );
        }
        let mut suspects: Vec<&Doc<'_>> = Vec::new();
        let mut found: Vec<SuspectDate> = Vec::new();
        for d in &docs {
            if let Some(w) = d.written
                && w < max_lag.oldest_fresh(d.published.date)
            {
                found.push(SuspectDate::LateRelease {
                    title: d.page.title.clone(),
                    written: w,
                    published: d.published,
                    days: days(d.published.date, w),
                });
                suspects.push(d);
            }
        }
        if let (Some(lag), Some(threshold)) = (spec.batch_lag, spec.threshold) {
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
                found.push(SuspectDate::Batch {
                    day,
                    count: u32::try_from(batch.len()).unwrap_or(u32::MAX),
                    older_than: lag,
                    oldest,
                });
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
                Fact::DatesConsistent {
                    checked: u32::try_from(checked).unwrap_or(u32::MAX),
                },
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
        self.gap(
            r,
            Reason::SuspectDate,
            Fact::SuspectDates { suspects: found },
            ev,
            Some(n),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{run, site};
    use crate::audit::Status;
    use crate::crawl::CrawlLog;
    use url::Url;

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
