//! Past extraction: arbitrary bytes cut into pages of a small site (home page, lists, articles)
//! go through the site model, every built-in pack's audit, scoring and the JSON report. Nothing
//! may panic, deductions stay finite and the score between 0 and the pack's base, and the JSON
//! report reads back.
#![no_main]

use std::sync::LazyLock;

use gongkai::audit;
use gongkai::crawl::{CrawlLog, CrawlSummary, FetchedPage};
use gongkai::extract::{self, TextPolicy};
use gongkai::report::{Render, Report, TargetInfo, json::JsonReport};
use gongkai::rules::RulePack;
use gongkai::site::SiteBuilder;
use gongkai::target::Scope;
use libfuzzer_sys::fuzz_target;
use url::Url;

const PAGES: [&str; 6] = [
    "http://jyj.example.gov.cn/",
    "http://jyj.example.gov.cn/gzdt/index.html",
    "http://jyj.example.gov.cn/gzdt/index_1.html",
    "http://jyj.example.gov.cn/nb/index.html",
    "http://jyj.example.gov.cn/gzdt/t20261120_1.html",
    "http://jyj.example.gov.cn/nb/t20260120_1.html",
];

static PACKS: LazyLock<Vec<RulePack>> = LazyLock::new(|| {
    gongkai::rules::builtin_ids()
        .into_iter()
        .map(|id| gongkai::rules::load(id).expect("built-in packs load"))
        .collect()
});

fuzz_target!(|data: &[u8]| {
    // The first two bytes pick the as-of day; the rest is pages separated by NUL bytes.
    let (day, rest) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]), rest),
        _ => return,
    };
    let as_of = jiff::civil::date(1990, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(day % 40_000)))
        .unwrap_or(jiff::civil::date(2026, 11, 26));
    let start = Url::parse(PAGES[0]).expect("static URL is valid");
    let mut b = SiteBuilder::new(start.clone());
    for (body, u) in rest.split(|&c| c == 0).zip(PAGES) {
        let url = Url::parse(u).expect("static URL is valid");
        let page = FetchedPage {
            url: url.clone(),
            final_url: url,
            status: 200,
            content_type: Some("text/html; charset=utf-8".into()),
            body: body.to_vec(),
            truncated: false,
            depth: 1,
        };
        b.add(extract::extract(&page, &TextPolicy::everything()).0);
    }
    let mut site = b.finish(CrawlLog::default());
    site.ignore_future(as_of);
    for pack in PACKS.iter() {
        let findings = audit::audit(&site, pack, as_of);
        assert!(findings.iter().all(|f| f.deduction.is_finite() && f.deduction >= 0.0));
        let score = audit::score(&findings, &pack.scoring);
        assert!(score.points.is_finite() && (0.0..=pack.scoring.base).contains(&score.points));
        let report = Report::new(
            TargetInfo {
                input: PAGES[0].into(),
                scope: Scope::from_url(&start),
                start_url: start.clone(),
                local: false,
            },
            as_of,
            pack,
            &site,
            findings,
            score,
            CrawlSummary::default(),
            Vec::new(),
        );
        let mut out = Vec::new();
        JsonReport.render(&report, &mut out).expect("JSON renders");
        serde_json::from_slice::<Report>(&out).expect("the JSON report reads back");
    }
});
