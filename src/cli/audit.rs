//! `gongkai audit`: crawl, check, score, report.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use clap::{Args, ValueEnum};
use gongkai::audit::{Status, Text};
use gongkai::crawl::CrawlConfig;
use gongkai::pipeline::{self, AuditOptions};
use gongkai::report::bulletin::BulletinReport;
use gongkai::report::csv::CsvReport;
use gongkai::report::html::HtmlReport;
use gongkai::report::json::JsonReport;
use gongkai::report::junit::JunitReport;
use gongkai::report::markdown::MarkdownReport;
use gongkai::report::sarif::SarifReport;
use gongkai::report::table::TableReport;
use gongkai::report::xlsx::XlsxReport;
use gongkai::report::{Format, Lang, Render, Report};
use gongkai::rules::{self, Severity};

use super::{error, exit, progress};

/// The lowest severity whose gaps fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only veto items (单项否决)
    Veto,
    /// Veto and major gaps
    Major,
    /// Veto, major and minor gaps
    Minor,
    /// Any gap, advisory included
    Any,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// An http(s) URL (the audit scope is its directory) or a local directory holding a saved site
    pub target: String,

    /// Rule pack: a built-in id (cn-edu-county, cn-site-inspection, cn-gov-baseline) or a .toml path
    #[arg(long, short = 'r', default_value = "cn-edu-county")]
    pub rules: String,

    /// Audit scope: a URL prefix, or a path prefix on the target's host (default: the target's directory)
    #[arg(long)]
    pub scope: Option<String>,

    /// Judge freshness and deadlines as of this date, YYYY-MM-DD (default: today in the pack's time zone)
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,

    /// Output format; several (`-f json,html,csv`) need -o DIR (default: from the -o file
    /// extension, else table)
    #[arg(long, short = 'f', value_enum, value_delimiter = ',')]
    pub format: Vec<Format>,

    /// Write the report to FILE (or, for several formats or an existing directory, into DIR,
    /// named after the site and date); never overwrites without --force
    #[arg(long, short = 'o', value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,

    /// Allow -o to replace an existing file
    #[arg(long)]
    pub force: bool,

    /// Report language
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,

    /// Most HTML pages to fetch
    #[arg(long, default_value_t = 500)]
    pub max_pages: usize,

    /// Most attachments and images checked (HEAD requests)
    #[arg(long, default_value_t = 2500)]
    pub max_checks: usize,

    /// Most link hops from the start page
    #[arg(long, default_value_t = 6)]
    pub max_depth: u32,

    /// Timeout of one request, in seconds
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// Requests in flight to one host at once
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub per_host: u64,

    /// Minimum time between requests to one host, in milliseconds
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub delay_ms: u64,

    /// Requests per second to one host at most (instead of --delay-ms)
    #[arg(long, value_name = "PER_SEC", conflicts_with = "delay_ms", value_parser = parse_rate)]
    pub rate: Option<f64>,

    /// Do not obey robots.txt (recorded in the report)
    #[arg(long)]
    pub ignore_robots: bool,

    /// Stop crawling after this many seconds; what was not fetched is reported as not crawled
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub max_time: Option<u64>,

    /// Do not read /sitemap.xml and robots.txt Sitemap lines
    #[arg(long)]
    pub no_sitemaps: bool,

    /// Accept invalid TLS certificates (printed and recorded in the report)
    #[arg(long)]
    pub insecure: bool,

    /// Trust the root certificates in this PEM file too (sites under a domestic CA)
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,

    /// No progress display
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Exit 1 when the score is below this
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,

    /// Exit 1 when a gap of this severity or higher is found
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Never use colour (colour is also off when NO_COLOR is set or output is not a terminal)
    #[arg(long)]
    pub no_color: bool,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r > 0.0 && r <= 1000.0 => Ok(r),
        _ => Err(format!(
            "`{s}` is not a rate between 0 and 1000 requests per second, such as 0.5 or 2"
        )),
    }
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    gongkai::extract::dates::parse_iso(s)
        .ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD, such as 2026-11-26"))
}

/// An output file written atomically: a temporary file in the same directory (so an unwritable
/// directory fails before the crawl starts), moved into place only when the report is complete.
struct Output {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
    force: bool,
}

impl Output {
    fn prepare(path: &Path, force: bool) -> Result<Output> {
        if path.is_dir() {
            return Err(anyhow!(
                "-o {}: is a directory; give a file name such as report.json",
                path.display()
            ));
        }
        if path.exists() && !force {
            return Err(anyhow!(
                "-o {}: the file exists; use --force to replace it",
                path.display()
            ));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".gongkai-")
            .tempfile_in(&dir)
            .with_context(|| format!("-o {}: cannot write in {}", path.display(), dir.display()))?;
        Ok(Output {
            path: path.to_path_buf(),
            tmp,
            force,
        })
    }

    fn commit(self, bytes: &[u8]) -> Result<()> {
        let Output {
            path,
            mut tmp,
            force,
        } = self;
        tmp.write_all(bytes)
            .and_then(|_| tmp.flush())
            .with_context(|| format!("writing {}", path.display()))?;
        // Temporary files are private (0600); a report is an ordinary file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
        }
        let done = if force {
            tmp.persist(&path).map(|_| ())
        } else {
            tmp.persist_noclobber(&path).map(|_| ())
        };
        done.map_err(|e| anyhow!("-o {}: {}", path.display(), e.error))
    }
}

fn format_for(args: &AuditArgs) -> Format {
    args.format.first().copied().unwrap_or_else(|| {
        args.output
            .as_ref()
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension)
            .unwrap_or(Format::Table)
    })
}

/// Where the report goes.
enum Destination {
    Stdout,
    File(Output),
    /// One file per format, named after the site.
    Dir(PathBuf),
}

impl Destination {
    fn prepare(args: &AuditArgs) -> Result<Destination> {
        let several = args.format.len() > 1;
        let Some(path) = &args.output else {
            if several {
                return Err(anyhow!(
                    "several formats need -o DIR, a directory to write them into"
                ));
            }
            return Ok(Destination::Stdout);
        };
        let as_dir = several || path.is_dir() || path.as_os_str().to_string_lossy().ends_with('/');
        if !as_dir {
            return Ok(Destination::File(Output::prepare(path, args.force)?));
        }
        std::fs::create_dir_all(path)
            .with_context(|| format!("-o {}: cannot create the directory", path.display()))?;
        // Fail now, not after the crawl, if the directory is not writable.
        tempfile::Builder::new()
            .prefix(".gongkai-")
            .tempfile_in(path)
            .with_context(|| format!("-o {}: cannot write in it", path.display()))?;
        Ok(Destination::Dir(path.clone()))
    }
}

/// `dir/stem.ext`, or `dir/stem-2.ext` ... when the file exists and --force was not given.
fn free_path(dir: &Path, stem: &str, ext: &str, force: bool) -> PathBuf {
    let first = dir.join(format!("{stem}.{ext}"));
    if force || !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

fn fails(report: &Report, args: &AuditArgs) -> Vec<String> {
    let mut why = Vec::new();
    if !report.score.pass {
        why.push(format!(
            "grade {} / 等级{}",
            report.score.grade.en, report.score.grade.zh
        ));
    }
    if let Some(min) = args.fail_under
        && report.score.points < min
    {
        why.push(format!(
            "score {} < --fail-under {min}",
            report.score.points
        ));
    }
    if let Some(level) = args.fail_on {
        let floor = match level {
            FailOn::Veto => Severity::Veto,
            FailOn::Major => Severity::Major,
            FailOn::Minor => Severity::Minor,
            FailOn::Any => Severity::Advisory,
        };
        let n = report
            .findings
            .iter()
            .filter(|f| f.status == Status::Gap && f.severity >= floor)
            .count();
        if n > 0 {
            why.push(format!(
                "{n} gaps at or above --fail-on {}",
                floor.label(true)
            ));
        }
    }
    why
}

pub fn run(args: AuditArgs) -> u8 {
    match run_inner(&args) {
        Ok(code) => code,
        Err((code, e)) => {
            error(format!("{e:#}"));
            code
        }
    }
}

fn run_inner(args: &AuditArgs) -> Result<u8, (u8, anyhow::Error)> {
    let usage = |e: anyhow::Error| (exit::USAGE, e);
    let pack = rules::load(&args.rules).map_err(|e| usage(e.into()))?;
    let destination = Destination::prepare(args).map_err(usage)?;
    let format = format_for(args);
    if format == Format::Xlsx
        && matches!(destination, Destination::Stdout)
        && std::io::stdout().is_terminal()
    {
        return Err(usage(anyhow!(
            "a spreadsheet is not for the terminal: add -o report.xlsx"
        )));
    }

    let mut notes = Vec::new();
    if args.ignore_robots {
        notes.push(Text::new(
            "按用户要求未遵守robots.txt",
            "robots.txt was ignored at the user's request",
        ));
    }
    let interval_ms = match args.rate {
        Some(r) => (1000.0 / r) as u64,
        None => args.delay_ms,
    };
    let remote = args.target.contains("://");
    if remote && (interval_ms < 500 || args.per_host > 2) {
        notes.push(Text::new(
            format!("抓取频率按用户设置放宽：每个站点并发{}，请求间隔{}毫秒", args.per_host, interval_ms),
            format!("politeness relaxed at the user's request: {} requests at a time per host, {} ms apart", args.per_host, interval_ms),
        ));
    }
    if args.insecure {
        eprintln!("warning: --insecure: TLS certificates will not be verified / 不校验TLS证书");
    }
    let bar = progress::bar(args.quiet);
    progress::init_logging(args.verbose, bar.clone());
    let opts = AuditOptions {
        target: args.target.clone(),
        scope: args.scope.clone(),
        as_of: args.as_of,
        crawl: CrawlConfig {
            max_pages: args.max_pages,
            max_checks: args.max_checks,
            max_depth: args.max_depth,
            per_host: args.per_host as usize,
            concurrency: (args.per_host as usize).max(2) * 2,
            interval: match args.rate {
                Some(r) => Duration::from_secs_f64(1.0 / r),
                None => Duration::from_millis(args.delay_ms),
            },
            timeout: Duration::from_secs(args.timeout),
            respect_robots: !args.ignore_robots,
            max_time: args.max_time.map(Duration::from_secs),
            use_sitemaps: !args.no_sitemaps,
            insecure: args.insecure,
            ca_file: args.ca_file.clone(),
            ..CrawlConfig::default()
        },
        notes,
        progress: bar.clone().map(progress::observer),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            (
                exit::USAGE,
                anyhow::Error::new(e).context("starting the async runtime"),
            )
        })?;
    let report = runtime.block_on(pipeline::run(&opts, &pack));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = report.map_err(|e| {
        (
            if e.is_unreachable() {
                exit::UNREACHABLE
            } else {
                exit::USAGE
            },
            e.into(),
        )
    })?;

    let en = args.lang.is_en();
    let stdout_tty = std::io::stdout().is_terminal();
    let no_color = args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let to_terminal = matches!(destination, Destination::Stdout);
    let renderer = |format: Format| -> Box<dyn Render> {
        match format {
            Format::Json => Box::new(JsonReport),
            Format::Markdown => Box::new(MarkdownReport { en }),
            Format::Csv => Box::new(CsvReport { en }),
            Format::Junit => Box::new(JunitReport { en }),
            Format::Sarif => Box::new(SarifReport { en }),
            Format::Text => Box::new(BulletinReport { en }),
            Format::Html => Box::new(HtmlReport { en }),
            Format::Xlsx => Box::new(XlsxReport { en }),
            Format::Table => Box::new(TableReport {
                en,
                color: to_terminal && stdout_tty && !no_color,
                width: terminal_width(stdout_tty && to_terminal),
            }),
        }
    };
    let render = |format: Format| -> Result<Vec<u8>, (u8, anyhow::Error)> {
        let mut buf = Vec::new();
        renderer(format)
            .render(&report, &mut buf)
            .map_err(|e| usage(e.into()))?;
        Ok(buf)
    };
    let mut written: Vec<PathBuf> = Vec::new();
    match destination {
        Destination::File(out) => {
            let path = out.path.clone();
            out.commit(&render(format)?).map_err(usage)?;
            written.push(path);
        }
        Destination::Dir(dir) => {
            let name = report.site.site_name.clone().unwrap_or_else(|| {
                report
                    .target
                    .start_url
                    .host_str()
                    .unwrap_or("site")
                    .to_string()
            });
            let stem = format!("{}_{}", gongkai::report::file_stem(&name), report.as_of);
            let formats = if args.format.is_empty() {
                vec![Format::Json]
            } else {
                args.format.clone()
            };
            for f in formats {
                let path = free_path(&dir, &stem, f.extension(), args.force);
                let bytes = render(f)?;
                Output::prepare(&path, args.force)
                    .and_then(|o| o.commit(&bytes))
                    .map_err(usage)?;
                written.push(path);
            }
        }
        Destination::Stdout => {
            let buf = render(format)?;
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(&buf).and_then(|_| stdout.flush());
        }
    }
    if !written.is_empty() {
        let s = &report.score;
        let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        if en {
            eprintln!(
                "wrote {}\nscore {} / {}, grade {}",
                files.join("\n"),
                s.points,
                s.base,
                s.grade.en
            );
        } else {
            eprintln!(
                "已写入 {}\n得分 {} / {}，等级 {}",
                files.join("\n"),
                s.points,
                s.base,
                s.grade.zh
            );
        }
    }
    let why = fails(&report, args);
    if why.is_empty() {
        Ok(exit::OK)
    } else {
        eprintln!(
            "{}",
            if en {
                format!("site fails: {}", why.join("; "))
            } else {
                format!("审计未通过：{}", why.join("；"))
            }
        );
        Ok(exit::FAILS)
    }
}

fn terminal_width(tty: bool) -> u16 {
    if tty && let Some((w, _)) = terminal_size() {
        return w.clamp(60, 200);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &u16| *w >= 40)
        .unwrap_or(100)
}

fn terminal_size() -> Option<(u16, u16)> {
    comfy_table::Table::new().width().map(|w| (w, 0))
}
