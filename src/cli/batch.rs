//! `gongkai batch` and `gongkai merge`: audit every unit of a list, write one report per unit and
//! a summary; combine the summaries of shards run on several machines.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow};
use clap::Args;
use gongkai::batch::run::{check_free, summary_paths};
use gongkai::batch::{
    self, BatchOptions, BatchSummary, Observer, Outcome, RowError, Shard, Unit, UnitResult,
    write_summary,
};
use gongkai::pipeline::ProgressFn;
use gongkai::report::{Format, Lang, Render};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::audit::{VerdictArgs, parse_date};
use super::choice::choice;
use super::crawl_args::CrawlArgs;
use super::output::{renderer, terminal_width};
use super::table::Terminal;
use super::{error, exit, progress};

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The list of units: CSV (columns name, parent, url, scope, pack, rate, as_of; or 单位,
    /// 上级单位, 网址 ...) or TOML ([[site]] tables)
    pub list: PathBuf,

    /// Output directory: one report per unit in DIR/sites/, the summary in DIR/summary.*
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: PathBuf,

    /// Rule pack for rows that name none
    #[arg(long, short = 'r', default_value = "cn-edu-county")]
    pub rules: String,

    /// Judge freshness and deadlines as of this date, YYYY-MM-DD (rows may override)
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,

    /// Formats of each unit's report besides JSON (always written), e.g. `-f html,xlsx`
    #[arg(long, short = 'f', value_parser = choice::<Format>(), value_delimiter = ',')]
    pub format: Vec<Format>,

    /// Sites audited at once (each keeps its own per-host politeness)
    #[arg(long, short = 'j', default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub jobs: u64,

    /// Run only the K-th of N slices of the list (for spreading a long list over machines;
    /// combine the outputs with `gongkai merge`)
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,

    /// Report language
    #[arg(long, value_parser = choice::<Lang>(), default_value = "zh")]
    pub lang: Lang,

    /// Replace the reports and summary of an earlier batch in DIR
    #[arg(long)]
    pub force: bool,

    /// Record every unit's run in this SQLite history (created when missing); each report then
    /// shows its site's score trend; see `gongkai history`
    #[arg(long, value_name = "FILE", env = "GONGKAI_HISTORY")]
    pub history: Option<PathBuf>,

    /// Keep every unit's crawl as WARC evidence in DIR/sites/<unit>.warc.gz (see `audit --archive`)
    #[arg(long)]
    pub archive: bool,

    /// Waivers (豁免) for every unit: a TOML file of `[[waiver]]` with rule, reason, expires and
    /// optionally site (a URL prefix, or a mirror's directory, naming the unit it applies to)
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,

    #[command(flatten)]
    pub verdict: VerdictArgs,

    #[command(flatten)]
    pub crawl: CrawlArgs,

    #[command(flatten)]
    pub log: progress::LogArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output directories of `gongkai batch --shard` runs (each holds a summary.json)
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,

    /// Where to write the combined summary
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: PathBuf,

    /// Report language
    #[arg(long, value_parser = choice::<Lang>(), default_value = "zh")]
    pub lang: Lang,

    /// Replace an existing summary in DIR
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub verdict: VerdictArgs,
}

/// Exit code of a finished batch: bad rows in the list first (the list needs fixing), then units
/// that could not be audited, then units that fail, then units not judged well enough (a
/// provisional grade unless `--allow-provisional`, coverage under `--min-coverage`): each unit
/// as `audit` would judge it.
fn exit_code(s: &BatchSummary, v: &VerdictArgs) -> u8 {
    let unsure = s.audited().any(|(_, u)| {
        (u.provisional && !v.allow_provisional)
            || v.min_coverage.is_some_and(|min| u.coverage < min)
    });
    if !s.rejected.is_empty() {
        exit::USAGE
    } else if s.not_audited() > 0 {
        exit::UNREACHABLE
    } else if s.failing() > 0 {
        exit::FAILS
    } else if unsure {
        exit::UNREACHABLE
    } else {
        exit::OK
    }
}

pub fn run(args: BatchArgs) -> u8 {
    match run_inner(&args) {
        Ok(code) => code,
        Err(e) => {
            error(format!("{e:#}"));
            exit::USAGE
        }
    }
}

/// Prints the summary table and says where the files are.
fn show_summary(dir: &Path, s: &BatchSummary, en: bool) -> Result<()> {
    let tty = std::io::stdout().is_terminal();
    let mut buf = Vec::new();
    Terminal {
        en,
        color: false,
        width: terminal_width(tty),
        hide_passes: false,
    }
    .render(s, &mut buf)?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&buf).and_then(|_| out.flush());
    eprintln!(
        "{} {}",
        if en { "wrote" } else { "已写入" },
        dir.join("summary.{json,html,md,xlsx}").display()
    );
    Ok(())
}

/// The batch's progress on stderr: a bar for the whole list, a spinner per unit being crawled,
/// and a line per finished unit (plain lines when stderr is not a terminal).
struct Display {
    en: bool,
    bars: Option<(MultiProgress, ProgressBar)>,
    spinners: Mutex<HashMap<usize, ProgressBar>>,
}

impl Observer for Display {
    fn skipped(&self, list: &Path, r: &RowError) {
        eprintln!(
            "{}: {} {}: {}",
            list.display(),
            if self.en {
                "skipping line"
            } else {
                "跳过第"
            },
            r.line,
            r.message
        );
    }

    fn planned(&self, units: usize) {
        if let Some((_, overall)) = &self.bars {
            overall.set_length(units as u64);
        }
    }

    fn started(&self, u: &Unit) -> Option<ProgressFn> {
        let (multi, _) = self.bars.as_ref()?;
        let pb = multi.add(ProgressBar::new_spinner());
        pb.set_style(
            ProgressStyle::with_template("  {spinner} {prefix}: {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb.set_prefix(u.name.clone());
        pb.enable_steady_tick(std::time::Duration::from_millis(200));
        if let Ok(mut s) = self.spinners.lock() {
            s.insert(u.line, pb.clone());
        }
        Some(progress::observer(pb))
    }

    fn finished(&self, u: &Unit, done: usize, total: usize, r: &UnitResult) {
        let line = status_line(&u.name, &r.outcome, self.en);
        match &self.bars {
            Some((multi, overall)) => {
                let pb = self
                    .spinners
                    .lock()
                    .ok()
                    .and_then(|mut s| s.remove(&u.line));
                if let Some(pb) = pb {
                    pb.finish_and_clear();
                    multi.remove(&pb);
                }
                let _ = multi.println(format!("[{done}/{total}] {line}"));
                overall.inc(1);
            }
            None => eprintln!("[{done}/{total}] {line}"),
        }
    }
}

fn run_inner(args: &BatchArgs) -> Result<u8> {
    let en = args.lang.is_en();
    if args.crawl.insecure {
        eprintln!("warning: --insecure: TLS certificates will not be verified / 不校验TLS证书");
    }
    let show = !args.log.quiet && std::io::stderr().is_terminal();
    let bars = show.then(|| {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(8));
        let overall = multi.add(ProgressBar::new(0));
        overall.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        (multi, overall)
    });
    progress::init_logging(args.log.verbose, bars.as_ref().map(|(_, o)| o.clone()));
    let display = Display {
        en,
        bars,
        spinners: Mutex::new(HashMap::new()),
    };
    let crawl = args.crawl.clone();
    // One cache for every unit: entries are per URL and written atomically.
    let cache = args.crawl.open_cache()?;
    let unit_cache = cache.clone();
    let opts = BatchOptions {
        list: args.list.clone(),
        output: args.output.clone(),
        rules: args.rules.clone(),
        as_of: args.as_of,
        formats: args.format.clone(),
        jobs: args.jobs as usize,
        shard: args.shard.unwrap_or(Shard::WHOLE),
        en,
        force: args.force,
        history: args.history.clone(),
        archive: args.archive,
        waivers: args.waivers.clone(),
        renderer: |format, en| Some(renderer(format, en, false, 100, false)),
        crawl: Arc::new(move |u: &Unit| {
            let mut cfg = crawl.config(u.rate);
            cfg.cache = unit_cache.clone();
            (cfg, crawl.notes(u.target.contains("://"), u.rate))
        }),
    };
    let runtime = super::runtime()?;
    let summary = runtime.block_on(batch::run(&opts, &display));
    if let Some((_, overall)) = &display.bars {
        overall.finish_and_clear();
    }
    super::crawl_args::prune_cache(cache.as_ref());
    let summary = summary?;
    show_summary(&args.output, &summary, en)?;
    Ok(exit_code(&summary, &args.verdict))
}

fn status_line(name: &str, o: &Outcome, en: bool) -> String {
    match o {
        Outcome::Audited(s) => {
            let veto = if s.vetoes.is_empty() {
                String::new()
            } else if en {
                format!(", veto {}", s.vetoes.join(", "))
            } else {
                format!("，否决项 {}", s.vetoes.join("、"))
            };
            format!("{name}: {:.1} {}{veto}", s.points, s.grade.get(en))
        }
        Outcome::NotAudited { cause } => {
            let first = cause.lines().next().unwrap_or_default();
            if en {
                format!("{name}: could not be audited — {first}")
            } else {
                format!("{name}: 无法审计——{first}")
            }
        }
    }
}

pub fn run_merge(args: MergeArgs) -> u8 {
    match merge_inner(&args) {
        Ok(code) => code,
        Err(e) => {
            error(format!("{e:#}"));
            exit::USAGE
        }
    }
}

fn merge_inner(args: &MergeArgs) -> Result<u8> {
    let en = args.lang.is_en();
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("-o {}: cannot create the directory", args.output.display()))?;
    check_free(&args.output, &summary_paths(&args.output), args.force)?;
    let out_abs = std::path::absolute(&args.output)?;
    let mut parts = Vec::new();
    let mut seen = HashSet::new();
    for d in &args.dirs {
        let path = d.join("summary.json");
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{}: cannot read it; give the output directories of `gongkai batch` runs",
                path.display()
            )
        })?;
        let mut s: BatchSummary = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a gongkai batch summary", path.display()))?;
        if !seen.insert(std::path::absolute(d)?) {
            return Err(anyhow!("{} is given twice", d.display()));
        }
        // Report paths are relative to their shard's directory; make them relative to the
        // merged summary's, or absolute when that is not possible.
        let d_abs = std::path::absolute(d)?;
        for u in &mut s.units {
            if let Outcome::Audited(sc) = &mut u.outcome {
                let full = d_abs.join(&sc.report);
                sc.report = full
                    .strip_prefix(&out_abs)
                    .map(Path::to_path_buf)
                    .unwrap_or(full)
                    .display()
                    .to_string();
            }
        }
        parts.push((path.display().to_string(), s));
    }
    let merged = BatchSummary::merge(parts)?;
    let missing = merged.missing_shards();
    if !missing.is_empty() {
        let m: Vec<String> = missing.iter().map(ToString::to_string).collect();
        eprintln!(
            "warning: shards {} are missing; the summary covers only part of the list",
            m.join(", ")
        );
    }
    write_summary(&args.output, &merged, en, args.force)?;
    show_summary(&args.output, &merged, en)?;
    Ok(exit_code(&merged, &args.verdict))
}
