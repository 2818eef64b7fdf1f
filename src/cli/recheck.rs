//! `gongkai recheck`: the 整改复核 loop. Fetches again only the pages behind an earlier report's
//! gaps, judges those rules again, and says which were fixed.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use gongkai::pipeline::{self, AuditOptions};
use gongkai::report::Lang;
use gongkai::report::Render;
use gongkai::report::json::JsonReport;
use gongkai::rules;
use gongkai::track::{self, Change, ReportDiff, TrackFormat, recheck};

use super::audit::parse_date;
use super::choice::choice;
use super::crawl_args::CrawlArgs;
use super::output::{Output, terminal_width, track_renderer};
use super::{error, exit, progress};

pub const EXIT_CODES: &str = "\
Exit codes / 退出码:
  0  every earlier gap is fixed                    上次问题均已整改
  1  some gap is still open, or a rechecked rule got worse
                                                   仍有问题未整改或情况变差
  2  usage error (a bad report file, an unknown pack, an existing -o or --save file)
                                                   参数错误
  3  the site could not be audited                 网站无法访问";

#[derive(Debug, Args)]
pub struct RecheckArgs {
    /// The earlier report, as written by `gongkai audit -f json -o FILE`
    pub report: PathBuf,

    /// Audit this instead of the report's target (a site that moved, or a new mirror)
    #[arg(long)]
    pub target: Option<String>,

    /// Rule pack (default: the report's, when it is a built-in pack)
    #[arg(long, short = 'r')]
    pub rules: Option<String>,

    /// Judge freshness and deadlines as of this date, YYYY-MM-DD (default: today)
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,

    /// Output format of the comparison (default: table)
    #[arg(long, short = 'f', value_parser = choice::<TrackFormat>())]
    pub format: Option<TrackFormat>,

    /// Write the comparison to FILE; never overwrites without --force
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also save the rechecked report as JSON (for the next diff or recheck)
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Allow -o and --save to replace existing files
    #[arg(long)]
    pub force: bool,

    /// Report language
    #[arg(long, value_parser = choice::<Lang>(), default_value = "zh")]
    pub lang: Lang,

    #[command(flatten)]
    pub crawl: CrawlArgs,

    #[command(flatten)]
    pub log: progress::LogArgs,
}

pub fn run(args: RecheckArgs) -> u8 {
    match run_inner(&args) {
        Ok(code) => code,
        Err((code, e)) => {
            error(format!("{e:#}"));
            code
        }
    }
}

fn run_inner(args: &RecheckArgs) -> Result<u8, (u8, anyhow::Error)> {
    let usage = |e: anyhow::Error| (exit::USAGE, e);
    let old = track::load_report(&args.report).map_err(|e| usage(e.into()))?;
    let spec = args.rules.clone().unwrap_or_else(|| old.pack.id.clone());
    let pack = rules::load(&spec)
        .with_context(|| {
            format!(
                "the report was made with pack `{}`; give it with --rules",
                old.pack.id
            )
        })
        .map_err(usage)?;
    let output = match &args.output {
        Some(p) => Some(Output::prepare(p, args.force).map_err(|e| usage(e.into()))?),
        None => None,
    };
    let save = match &args.save {
        Some(p) => Some(Output::prepare(p, args.force).map_err(|e| usage(e.into()))?),
        None => None,
    };
    let gaps = old
        .findings
        .iter()
        .filter(|f| f.status == gongkai::audit::Status::Gap)
        .count();
    let en = args.lang.is_en();
    if gaps == 0 {
        eprintln!(
            "{}",
            if en {
                "the report has no gaps: nothing to recheck"
            } else {
                "该报告没有问题项，无需复核"
            }
        );
        return Ok(exit::OK);
    }

    let target = args
        .target
        .clone()
        .unwrap_or_else(|| old.target.input.clone());
    let mut crawl = args.crawl.config(None);
    crawl.cache = args.crawl.open_cache().map_err(|e| usage(e.into()))?;
    // One hop from the pages behind the gaps: enough to find a document newly listed in a column.
    crawl.max_depth = 1;
    crawl.use_sitemaps = false;
    crawl.follow_start_links = false;
    let bar = progress::bar(args.log.quiet);
    progress::init_logging(args.log.verbose, bar.clone());
    let opts = AuditOptions {
        notes: args.crawl.notes(target.contains("://"), None),
        target,
        as_of: args.as_of,
        crawl,
        progress: bar.clone().map(progress::observer),
        seeds: recheck::seeds(&old, &pack),
        // What the user said the unit is holds for its recheck too.
        unit: old.unit.as_ref().and_then(|u| u.given()),
        ..AuditOptions::default()
    };
    let runtime = super::runtime().map_err(usage)?;
    let cache = opts.crawl.cache.clone();
    let fresh = runtime.block_on(pipeline::run_spawned(opts, pack.clone().into()));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    super::crawl_args::prune_cache(cache.as_ref());
    let fresh = fresh.map_err(|e| {
        let code = if e.is_unreachable() {
            exit::UNREACHABLE
        } else {
            exit::USAGE
        };
        (code, e.into())
    })?;
    let combined = recheck::combine(&old, &fresh, &pack);
    let diff = ReportDiff::new(&old, &combined);

    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(TrackFormat::from_path))
        .unwrap_or(TrackFormat::Table);
    let tty = output.is_none() && std::io::stdout().is_terminal();
    let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut buf = Vec::new();
    let rendered = track_renderer(format, en, color, terminal_width(tty)).render(&diff, &mut buf);
    rendered.map_err(|e| usage(e.into()))?;
    match output {
        Some(out) => out.commit(&buf).map_err(|e| usage(e.into()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&buf).and_then(|_| stdout.flush());
        }
    }
    if let Some(out) = save {
        let mut json = Vec::new();
        JsonReport
            .render(&combined, &mut json)
            .map_err(|e| usage(e.into()))?;
        out.commit(&json).map_err(|e| usage(e.into()))?;
    }

    let fixed = diff.count(Change::Fixed);
    let open = diff.ids(Change::StillOpen);
    let worse = diff.ids(Change::Regressed);
    eprintln!(
        "{}",
        if en {
            format!(
                "recheck: {fixed} of {gaps} gaps fixed, {} still open; score {} ({}) → {} ({})",
                open.len(),
                old.score.points_text(),
                old.score.grade.en,
                combined.score.points_text(),
                combined.score.grade.en
            )
        } else {
            format!(
                "整改复核：{gaps}项问题中已整改{fixed}项，仍未整改{}项；得分 {}（{}）→ {}（{}）",
                open.len(),
                old.score.points_text(),
                old.score.grade.zh,
                combined.score.points_text(),
                combined.score.grade.zh
            )
        }
    );
    // A gap that could not be judged again is neither fixed nor open: the recheck cannot say
    // it was fixed, and exits 3 as an audit that cannot judge does.
    Ok(if !open.is_empty() || !worse.is_empty() {
        exit::FAILS
    } else if fixed == gaps {
        exit::OK
    } else {
        exit::UNREACHABLE
    })
}
