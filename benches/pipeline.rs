//! Speed and memory of the CPU side of an audit: decoding, parsing and extraction per page, and a
//! whole audit of a bundled fixture site over the embedded loopback server.
//!
//! `cargo bench` prints criterion's timings, then the process's peak resident memory. The
//! research target is at most 10 ms of CPU per page up to 500 KB (rust-stack.md §3.3).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput};
use gongkai::crawl::{CrawlConfig, FetchedPage};
use gongkai::extract::{self, TextPolicy};
use gongkai::pipeline::{self, AuditOptions};
use url::Url;

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("fixture dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            html_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

/// The pages of a fixture site: HTML files and Hanweb's `dataproxy.jsp` answer.
fn page_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("fixture dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            page_files(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "html" || x == "htm" || x == "jsp")
        {
            out.push(p);
        }
    }
}

fn page(url: &str, body: Vec<u8>) -> FetchedPage {
    let url = Url::parse(url).expect("valid");
    FetchedPage {
        url: url.clone(),
        final_url: url,
        status: 200,
        content_type: Some("text/html".into()),
        body,
        truncated: false,
        depth: 1,
    }
}

/// A long GBK list page like a big county column (1,500 rows), declared only in a meta tag.
fn big_gbk_list() -> Vec<u8> {
    let mut s = String::from(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><meta name=\"ColumnName\" content=\"工作动态\"><title>工作动态_某县教育局</title></head><body><ul class=\"list\">",
    );
    for i in 0..1500 {
        s.push_str(&format!(
            "<li><a href=\"./2026{:02}/t2026{:02}{:02}_{i}.html\" title=\"关于做好第{i}项教育工作的通知\">关于做好第{i}项教育工作的通知</a><span>2026-{:02}-{:02}</span></li>\n",
            i % 12 + 1, i % 12 + 1, i % 28 + 1, i % 12 + 1, i % 28 + 1
        ));
    }
    s.push_str("</ul><div class=\"footer\">联系电话：0938-6123456 网站标识码：6205210003</div></body></html>");
    encoding_rs::GBK.encode(&s).0.into_owned()
}

fn bench_extract(c: &mut Criterion) {
    let policy = gongkai::rules::load("cn-edu-county")
        .expect("built-in pack")
        .text_policy();
    let mut files = Vec::new();
    html_files(Path::new("fixtures/sites/shiyan-jyj"), &mut files);
    files.sort();
    let pages: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();

    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("fixture site (GB2312, all pages)", |b| {
        b.iter_batched(
            || {
                pages
                    .iter()
                    .map(|p| page("http://127.0.0.1/fdzdgknr/zcwj/index.html", p.clone()))
                    .collect::<Vec<_>>()
            },
            |ps| {
                for p in &ps {
                    std::hint::black_box(extract::extract(p, &policy));
                }
            },
            BatchSize::LargeInput,
        )
    });
    // One small site per CMS family: their scripts are what the CMS adapters read (Hanweb
    // datastores, createPageHTML, JSON arrays and bodies), each page under its own URL so that
    // the adapters detect its family as a crawl would.
    let mut cms_pages = Vec::new();
    for site in ["chongyuan-trs", "hanweb-jyj", "gkmlpt-jyj", "longtail-gb"] {
        let root = Path::new("fixtures/sites").join(site);
        let mut files = Vec::new();
        page_files(&root, &mut files);
        files.sort();
        for f in files {
            let rel = f.strip_prefix(&root).expect("under its site");
            let url = format!("http://127.0.0.1/{}", rel.to_string_lossy());
            cms_pages.push((url, std::fs::read(&f).expect("read")));
        }
    }
    let cms_bytes: usize = cms_pages.iter().map(|(_, b)| b.len()).sum();
    g.throughput(Throughput::Bytes(cms_bytes as u64));
    g.bench_function("CMS family sites (TRS, Hanweb, gkmlpt, long tail)", |b| {
        b.iter_batched(
            || {
                cms_pages
                    .iter()
                    .map(|(u, p)| page(u, p.clone()))
                    .collect::<Vec<_>>()
            },
            |ps| {
                for p in &ps {
                    std::hint::black_box(extract::extract(p, &policy));
                }
            },
            BatchSize::LargeInput,
        )
    });
    let big = big_gbk_list();
    g.throughput(Throughput::Bytes(big.len() as u64));
    let text = encoding_rs::GBK.decode(&big).0.into_owned();
    g.bench_function(
        "1500-row GBK list page: html5ever parse only (baseline)",
        |b| b.iter(|| std::hint::black_box(scraper::Html::parse_document(&text))),
    );
    g.bench_function("1500-row GBK list page", |b| {
        b.iter_batched(
            || page("http://127.0.0.1/gzdt/index.html", big.clone()),
            |p| std::hint::black_box(extract::extract(&p, &TextPolicy::default())),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn bench_audit(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let pack = std::sync::Arc::new(gongkai::rules::load("cn-edu-county").expect("built-in pack"));
    let opts = AuditOptions {
        target: "fixtures/sites/qingshui-jyj".into(),
        scope: None,
        as_of: gongkai::extract::dates::parse_iso("2026-11-26"),
        crawl: CrawlConfig::default(),
        notes: Vec::new(),
        ..AuditOptions::default()
    };
    let mut g = c.benchmark_group("audit");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("qingshui-jyj end to end (loopback)", |b| {
        b.iter(|| rt.block_on(pipeline::run(&opts, &pack)).expect("audit"))
    });
    g.finish();
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_extract(&mut c);
    bench_audit(&mut c);
    c.final_summary();
    if let Some(kib) = peak_rss_kib() {
        println!("peak resident memory: {:.1} MiB", kib as f64 / 1024.0);
    }
}
