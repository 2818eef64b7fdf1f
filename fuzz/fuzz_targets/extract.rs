//! The extractor on arbitrary bytes: any body a server sends, under any declared charset, must
//! give facts or nothing, never a panic, a hang or unbounded memory.
#![no_main]

use std::sync::LazyLock;

use gongkai::crawl::FetchedPage;
use gongkai::extract::{self, TextPolicy};
use libfuzzer_sys::fuzz_target;
use url::Url;

static URL: LazyLock<Url> = LazyLock::new(|| {
    Url::parse("http://jyj.example.gov.cn/xxgk/tzgg/index.html").expect("static URL is valid")
});

const CHARSETS: [Option<&str>; 4] = [
    None,
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=gbk"),
    Some("text/html;charset=GB2312"),
];

fuzz_target!(|data: &[u8]| {
    // The first byte picks the declared charset, so the corpus covers all of them.
    let (ct, body) = match data.split_first() {
        Some((b, rest)) => (CHARSETS[usize::from(*b) % CHARSETS.len()], rest),
        None => (None, data),
    };
    let page = FetchedPage {
        url: URL.clone(),
        final_url: URL.clone(),
        status: 200,
        content_type: ct.map(str::to_string),
        body: body.to_vec(),
        truncated: false,
        depth: 1,
    };
    let (facts, found) = extract::extract(&page, &TextPolicy::everything());
    for d in &found {
        assert!(matches!(d.url.scheme(), "http" | "https"));
    }
    assert!(facts.entries.iter().all(|e| !e.title.is_empty()));
});
