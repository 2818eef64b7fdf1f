//! `gongkai audit`: crawl, check, score, report.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use clap::{Args, ValueEnum};
use gongkai::pipeline::{self, AuditOptions};
use gongkai::report::{Choices, Format, Lang, Report};
use gongkai::rules::{self, Severity};
use gongkai::track::History;

use super::choice::choice;
use super::crawl_args::CrawlArgs;
use super::output::{Output, free_path, renderer, terminal_width};
use super::{error, exit, progress};

/// The lowest severity whose gaps fail the run.
/// Which rules the terminal table lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// Gaps and rules that could not be judged; passes are counted, not listed
    Gaps,
}

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
    /// An http(s) URL (the audit starts where it redirects to, and its scope is that page's
    /// directory) or a local directory holding a saved site
    #[arg(required_unless_present = "from_warc")]
    pub target: Option<String>,

    /// Re-run the audit on a WARC file written by --archive instead of crawling: no network
    #[arg(long, value_name = "FILE.warc.gz", conflicts_with = "target")]
    pub from_warc: Option<PathBuf>,

    /// Keep every HTTP exchange of the crawl in this WARC file (never overwritten without --force)
    #[arg(long, value_name = "FILE.warc.gz")]
    pub archive: Option<PathBuf>,

    /// Rule pack: a built-in id (cn-edu-county, cn-site-inspection, cn-gov-baseline, us-federal-example) or a .toml path
    #[arg(long, short = 'r', default_value = "cn-edu-county")]
    pub rules: String,

    /// Province whose own due dates apply (a rule's `due.province`): a code such as 42, or a
    /// name such as 湖北 (default: read from the site's 网站标识码)
    #[arg(long, value_name = "CODE|NAME")]
    pub province: Option<String>,

    /// What the audited body is, when the site does not say it plainly:
    /// kind=government|department|other, level=province|city|county|township, province=CODE,
    /// services=yes|no, comma-separated (default: read from SiteName, the footer's 主办单位 and
    /// the 网站标识码). A government's annual report is due by 31 March, a department's by 31
    /// January
    #[arg(long, value_name = "KEY=VALUE,...")]
    pub unit: Option<String>,

    /// Audit scope: a URL prefix, or a path prefix on the target's host; it must contain the page
    /// the target redirects to (default: that page's directory)
    #[arg(long)]
    pub scope: Option<String>,

    /// For a saved site: the page to start from, a path inside its folder (default: its home
    /// page, index.html, index.htm, index.shtml or default.htm)
    #[arg(long, value_name = "PAGE", conflicts_with = "from_warc")]
    pub start: Option<String>,

    /// Judge the site as it stood on this date, YYYY-MM-DD: freshness and deadlines are judged
    /// for it, and pages and list rows dated later are left out (default: today in the pack's
    /// time zone)
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,

    /// Output format; several (`-f json,html,csv`) need -o DIR (default: from the -o file
    /// extension, else table)
    #[arg(long, short = 'f', value_parser = choice::<Format>(), value_delimiter = ',')]
    pub format: Vec<Format>,

    /// Write the report to FILE (or, for several formats or an existing directory, into DIR,
    /// named after the site and date); never overwrites without --force
    #[arg(long, short = 'o', value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,

    /// Allow -o and --archive to replace an existing file
    #[arg(long)]
    pub force: bool,

    /// Report language
    #[arg(long, value_parser = choice::<Lang>(), default_value = "zh")]
    pub lang: Lang,

    #[command(flatten)]
    pub crawl: CrawlArgs,

    #[command(flatten)]
    pub log: progress::LogArgs,

    /// Exit 1 when the score is below this (exit 3 when only rules not judged could take it below)
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,

    /// Exit 1 when a gap of this severity or higher is found
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub verdict: VerdictArgs,

    /// Never use colour (colour is also off when NO_COLOR is set or output is not a terminal)
    #[arg(long)]
    pub no_color: bool,

    /// In the terminal table, show only the rules that are not passed (gaps and rules not
    /// judged); files always hold every rule
    #[arg(long, value_enum, value_name = "gaps")]
    pub only: Option<Only>,

    /// Record the run in this SQLite history (created when missing) and show the site's score
    /// trend in the report; see `gongkai history`
    #[arg(long, value_name = "FILE", env = "GONGKAI_HISTORY")]
    pub history: Option<PathBuf>,

    /// Waivers (豁免): a TOML file of `[[waiver]]` with rule, reason, expires and optionally
    /// site; a waived gap is reported but does not deduct, veto or fail the run
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
}

pub(crate) fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    gongkai::extract::dates::parse_iso(s)
        .ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD, such as 2026-11-26"))
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
        check_extension(path, &args.format, as_dir)?;
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

/// `-o FILE` must name a file of a format gongkai writes, the one `-f` asks for; several formats
/// go into a directory, never into one created under a file's name.
fn check_extension(path: &std::path::Path, formats: &[Format], as_dir: bool) -> Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .filter(|_| !path.is_dir());
    let Some(ext) = ext else { return Ok(()) };
    // The extensions that name a format, as `Format::from_extension` reads them.
    let known: Vec<String> = Format::ALL
        .iter()
        .filter(|f| **f != Format::Table)
        .filter_map(|f| f.extension().rsplit('.').next())
        .map(|e| format!(".{e}"))
        .collect();
    let known = known.join(" ");
    if formats.len() > 1 {
        return Err(anyhow!(
            "-o {}: several formats ({}) are written into a directory, not a file\n  hint: give a directory such as -o reports/, or one format",
            path.display(),
            formats
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if as_dir {
        return Ok(());
    }
    match (Format::from_extension(ext), formats.first()) {
        (None, _) => Err(anyhow!(
            "-o {}: `.{ext}` is not a format gongkai writes\n  hint: name the file {known}, or give -f FORMAT ({}) and a directory",
            path.display(),
            Format::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        // The terminal table may go to a .txt file.
        (Some(Format::Text), Some(Format::Table)) => Ok(()),
        (Some(implied), Some(&asked)) if implied != asked => Err(anyhow!(
            "-o {}: the extension says {} but -f says {}\n  hint: name the file .{} or drop -f",
            path.display(),
            implied.name(),
            asked.name(),
            asked.extension().rsplit('.').next().unwrap_or_default()
        )),
        _ => Ok(()),
    }
}

/// How sure the run must be of its verdict (`audit` and `batch`).
#[derive(Debug, Clone, Args)]
pub struct VerdictArgs {
    /// Exit 0 even when the grade is provisional (待定: rules that could not be judged could
    /// change it); the verdict then rests on what was verified
    #[arg(long)]
    pub allow_provisional: bool,

    /// Exit 3 when fewer than PCT percent of the rules that apply could be judged
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('%').parse::<f64>() {
        Ok(x) if (0.0..=100.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a percentage from 0 to 100")),
    }
}

/// Why a run does not exit 0: failures that hold whatever the rules not judged would say
/// (exit 1), and doubts (exit 3): a provisional grade, a threshold only those rules decide,
/// too little judged.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    pub fails: Vec<String>,
    pub unsure: Vec<String>,
}

impl Verdict {
    pub fn code(&self) -> u8 {
        if !self.fails.is_empty() {
            exit::FAILS
        } else if !self.unsure.is_empty() {
            exit::UNREACHABLE
        } else {
            exit::OK
        }
    }

    /// The message for stderr, or `None` for exit 0.
    pub fn message(&self, en: bool) -> Option<String> {
        let (head, why) = if !self.fails.is_empty() {
            (if en { "site fails" } else { "审计未通过" }, &self.fails)
        } else if !self.unsure.is_empty() {
            (
                if en {
                    "the site could not be judged well enough"
                } else {
                    "未能充分判定"
                },
                &self.unsure,
            )
        } else {
            return None;
        };
        Some(if en {
            format!("{head}: {}", why.join("; "))
        } else {
            format!("{head}：{}", why.join("；"))
        })
    }
}

pub(crate) fn verdict(
    report: &Report,
    fail_under: Option<f64>,
    fail_on: Option<FailOn>,
    v: &VerdictArgs,
) -> Verdict {
    let s = &report.score;
    let mut out = Verdict::default();
    if !s.pass && !s.provisional {
        out.fails
            .push(format!("grade {} / 等级{}", s.grade.en, s.grade.zh));
    }
    if s.provisional && !v.allow_provisional {
        out.unsure.push(format!(
            "grade provisional / 等级待定 ({}–{}: {} … {}; --allow-provisional to accept)",
            s.worst.points, s.points, s.worst.grade.en, s.best.grade.en
        ));
    }
    if let Some(min) = fail_under {
        // `points` is the best end: below the threshold there, below it whatever the rest says.
        if s.points < min {
            out.fails
                .push(format!("score {} < --fail-under {min}", s.points));
        } else if s.worst.points < min && !v.allow_provisional {
            out.unsure.push(format!(
                "score {}–{} may be below --fail-under {min} / 得分可能低于阈值",
                s.worst.points, s.points
            ));
        }
    }
    if let Some(level) = fail_on {
        let floor = match level {
            FailOn::Veto => Severity::Veto,
            FailOn::Major => Severity::Major,
            FailOn::Minor => Severity::Minor,
            FailOn::Any => Severity::Advisory,
        };
        let n = report
            .findings
            .iter()
            .filter(|f| f.is_counted_gap() && f.severity >= floor)
            .count();
        if n > 0 {
            out.fails.push(format!(
                "{n} gaps at or above --fail-on {}",
                floor.label(true)
            ));
        }
        let open = report
            .findings
            .iter()
            .filter(|f| f.severity >= floor && f.at_stake.is_some_and(|st| !st.is_nothing()))
            .count();
        if open > 0 && !v.allow_provisional {
            out.unsure.push(format!(
                "{open} rules at or above --fail-on {} could not be judged / 无法判定",
                floor.label(true)
            ));
        }
    }
    if let Some(min) = v.min_coverage
        && s.coverage < min
    {
        out.unsure.push(format!(
            "coverage {}% < --min-coverage {min}% / 覆盖率低于要求",
            s.coverage
        ));
    }
    out
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
    let mut pack = rules::load(&args.rules).map_err(|e| usage(e.into()))?;
    if let Some(p) = &args.province {
        pack.province = Some(rules::province::find(p).ok_or_else(|| {
            usage(anyhow::anyhow!(
                "unknown province `{p}`\n  hint: give a two-digit code or a name: {}",
                rules::province::codes()
            ))
        })?);
    }
    let unit = match &args.unit {
        Some(s) => Some(
            rules::unit::UnitOverride::parse(s, rules::unit::ProfileSource::CommandLine)
                .map_err(|e| usage(anyhow!("--unit: {e}")))?,
        ),
        None => None,
    };
    let waivers = match &args.waivers {
        Some(p) => rules::waiver::load(p, &pack).map_err(|e| usage(e.into()))?,
        None => Vec::new(),
    };
    let destination = Destination::prepare(args).map_err(usage)?;
    // Checked before the crawl: a file that is not a history must fail fast, untouched.
    let mut history = match &args.history {
        Some(p) => Some(History::open(p).map_err(|e| usage(e.into()))?),
        None => None,
    };
    let archive = match &args.archive {
        Some(p) => Some(Output::archive(p, args.force).map_err(|e| usage(e.into()))?),
        None => None,
    };
    if let Some(p) = &args.from_warc
        && !p.is_file()
    {
        return Err(usage(anyhow!("--from-warc {}: no such file", p.display())));
    }
    // A replay asks no server, so it has no use for the cache (which may come from the
    // environment, GONGKAI_CACHE).
    let cache = match &args.from_warc {
        Some(_) => None,
        None => args.crawl.open_cache().map_err(|e| usage(e.into()))?,
    };
    let format = format_for(args);
    if matches!(format, Format::Xlsx | Format::Pdf)
        && matches!(destination, Destination::Stdout)
        && std::io::stdout().is_terminal()
    {
        return Err(usage(anyhow!(
            "a {} file is not for the terminal: add -o report.{}",
            format.name(),
            format.extension()
        )));
    }
    // Known before the crawl, not after it: a PDF needs a browser to print it.
    if (format == Format::Pdf || args.format.contains(&Format::Pdf))
        && gongkai::report::pdf::browser().is_none()
    {
        return Err(usage(
            anyhow::Error::new(gongkai::report::pdf::no_browser()).context("-f pdf"),
        ));
    }

    let target = args.target.clone().unwrap_or_default();
    let remote = target.contains("://");
    let notes = args.crawl.notes(remote, None);
    if args.crawl.insecure {
        eprintln!("warning: --insecure: TLS certificates will not be verified / 不校验TLS证书");
    }
    let bar = progress::bar(args.log.quiet);
    progress::init_logging(args.log.verbose, bar.clone());
    let mut crawl = args.crawl.config(None);
    crawl.cache = cache.clone();
    let opts = AuditOptions {
        target,
        scope: args.scope.clone(),
        start_page: args.start.clone(),
        as_of: args.as_of,
        crawl,
        notes,
        progress: bar.clone().map(progress::observer),
        waivers,
        archive: archive.as_ref().map(|a| a.tmp_path().to_path_buf()),
        from_warc: args.from_warc.clone(),
        unit,
        ..AuditOptions::default()
    };
    let runtime = super::runtime().map_err(usage)?;
    let report = runtime.block_on(pipeline::run_spawned(opts, pack.clone().into()));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    super::crawl_args::prune_cache(cache.as_ref());
    let mut report = report.map_err(|e| {
        (
            if e.is_unreachable() {
                exit::UNREACHABLE
            } else {
                exit::USAGE
            },
            e.into(),
        )
    })?;
    // The report cites the archive, so the archive is in place first.
    if let Some(a) = archive {
        a.persist().map_err(|e| usage(e.into()))?;
    }
    if let Some(h) = &history {
        // A trend that cannot be read costs the report its chart, not the report.
        match h.trend(&report) {
            Ok(points) => report.history = Some(points),
            Err(e) => eprintln!("warning: {e}"),
        }
    }

    let en = args.lang.is_en();
    let stdout_tty = std::io::stdout().is_terminal();
    let no_color = args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let to_terminal = matches!(destination, Destination::Stdout);
    let color = to_terminal && stdout_tty && !no_color;
    let width = terminal_width(stdout_tty && to_terminal);
    let hide_passes = args.only == Some(Only::Gaps);
    let renderer = |format: Format| renderer(format, en, color, width, hide_passes);
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
            out.commit(&render(format)?).map_err(|e| usage(e.into()))?;
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
                    .map_err(|e| usage(e.into()))?;
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
        eprintln!(
            "{} {}\n{}",
            if en { "wrote" } else { "已写入" },
            files.join("\n"),
            s.headline(en)
        );
    }
    // Recorded only once the report is safely written.
    if let Some(h) = &mut history
        && let Err(e) = h.record(&report)
    {
        return Err(usage(anyhow::Error::new(e).context(if en {
            "the report was written, but the run could not be recorded in the history"
        } else {
            "报告已写入，但本次审计未能记入历史库"
        })));
    }
    let v = verdict(&report, args.fail_under, args.fail_on, &args.verdict);
    if let Some(m) = v.message(en) {
        eprintln!("{m}");
    }
    Ok(v.code())
}
