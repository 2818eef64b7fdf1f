//! `gongkai batch` and `gongkai merge`: audit every unit of a list, write one report per unit and
//! a summary; combine the summaries of shards run on several machines.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use futures::StreamExt;
use gongkai::batch::render::{SummaryFormat, render};
use gongkai::batch::{
    BatchSummary, Outcome, RowError, Shard, SiteList, Unit, UnitResult, UnitScore,
};
use gongkai::pipeline::{self, AuditOptions};
use gongkai::report::{Format, Lang, file_stem};
use gongkai::rules::waiver::Waiver;
use gongkai::rules::{self, RulePack};
use gongkai::track::History;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::audit::parse_date;
use super::crawl_args::CrawlArgs;
use super::output::{Output, renderer, terminal_width};
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
    #[arg(long, short = 'f', value_enum, value_delimiter = ',')]
    pub format: Vec<Format>,

    /// Sites audited at once (each keeps its own per-host politeness)
    #[arg(long, short = 'j', default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub jobs: u64,

    /// Run only the K-th of N slices of the list (for spreading a long list over machines;
    /// combine the outputs with `gongkai merge`)
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,

    /// Report language
    #[arg(long, value_enum, default_value = "zh")]
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
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,

    /// Replace an existing summary in DIR
    #[arg(long)]
    pub force: bool,
}

const SUMMARY_FORMATS: [SummaryFormat; 4] = [
    SummaryFormat::Json,
    SummaryFormat::Html,
    SummaryFormat::Markdown,
    SummaryFormat::Xlsx,
];

/// Exit code of a finished batch: bad rows in the list first (the list needs fixing), then units
/// that could not be audited, then units that fail.
fn exit_code(s: &BatchSummary) -> u8 {
    if !s.rejected.is_empty() {
        exit::USAGE
    } else if s.not_audited() > 0 {
        exit::UNREACHABLE
    } else if s.failing() > 0 {
        exit::FAILS
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

/// Refuses to write over an earlier batch's output unless --force.
fn check_free(dir: &Path, files: &[PathBuf], force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    if let Some(f) = files.iter().find(|f| f.exists()) {
        return Err(anyhow!(
            "{} exists: {} already holds a batch's output; use --force to replace it or choose another -o",
            f.display(),
            dir.display()
        ));
    }
    Ok(())
}

fn summary_paths(dir: &Path) -> Vec<PathBuf> {
    SUMMARY_FORMATS
        .iter()
        .map(|f| dir.join(format!("summary.{}", f.extension())))
        .collect()
}

/// Writes the summary files and prints the table.
fn write_summary(dir: &Path, s: &BatchSummary, en: bool, force: bool) -> Result<()> {
    for (f, path) in SUMMARY_FORMATS.iter().zip(summary_paths(dir)) {
        let mut buf = Vec::new();
        render(s, *f, en, 100, &mut buf)?;
        Output::prepare(&path, force)?.commit(&buf)?;
    }
    let tty = std::io::stdout().is_terminal();
    let mut buf = Vec::new();
    render(s, SummaryFormat::Table, en, terminal_width(tty), &mut buf)?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&buf).and_then(|_| out.flush());
    eprintln!(
        "{} {}",
        if en { "wrote" } else { "已写入" },
        dir.join("summary.{json,html,md,xlsx}").display()
    );
    Ok(())
}

/// File stems of the units' reports: the unit name, made unique with the list line.
fn stems(units: &[Unit]) -> HashMap<usize, String> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for u in units {
        *count.entry(file_stem(&u.name)).or_default() += 1;
    }
    units
        .iter()
        .map(|u| {
            let s = file_stem(&u.name);
            let s = if count[&s] > 1 {
                format!("{s}-L{}", u.line)
            } else {
                s
            };
            (u.line, s)
        })
        .collect()
}

fn run_inner(args: &BatchArgs) -> Result<u8> {
    let en = args.lang.is_en();
    let list = SiteList::read(&args.list)?;
    let mut rejected = list.rejected.clone();

    // Packs are loaded once each; a row naming a pack that does not load is skipped.
    let default_pack = Arc::new(rules::load(&args.rules)?);
    let waivers = match &args.waivers {
        Some(p) => rules::waiver::load(p, &default_pack)?,
        None => Vec::new(),
    };
    let mut packs: HashMap<String, Arc<RulePack>> = HashMap::new();
    let mut units: Vec<(Unit, Arc<RulePack>, Vec<Waiver>)> = Vec::new();
    for u in list.units.iter().cloned() {
        let pack = match &u.pack {
            None => default_pack.clone(),
            Some(spec) => match packs.get(spec) {
                Some(p) => p.clone(),
                None => match rules::load(spec) {
                    Ok(p) => {
                        let p = Arc::new(p);
                        packs.insert(spec.clone(), p.clone());
                        p
                    }
                    Err(e) => {
                        rejected.push(RowError {
                            line: u.line,
                            message: format!("rule pack `{spec}`: {e}"),
                        });
                        continue;
                    }
                },
            },
        };
        // A unit's own waiver file replaces the batch's; a bad one skips the unit.
        let unit_waivers = match &u.waivers {
            None => waivers.clone(),
            Some(path) => match rules::waiver::load(path, &pack) {
                Ok(w) => w,
                Err(e) => {
                    rejected.push(RowError {
                        line: u.line,
                        message: format!("waivers: {e}"),
                    });
                    continue;
                }
            },
        };
        units.push((u, pack, unit_waivers));
    }
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let units: Vec<(Unit, Arc<RulePack>, Vec<Waiver>)> = units
        .into_iter()
        .enumerate()
        .filter(|(i, _)| shard.contains(*i))
        .map(|(_, u)| u)
        .collect();

    let dir = &args.output;
    let sites = dir.join("sites");
    std::fs::create_dir_all(&sites)
        .with_context(|| format!("-o {}: cannot create the directory", sites.display()))?;
    let plain: Vec<Unit> = units.iter().map(|(u, _, _)| u.clone()).collect();
    let stems = stems(&plain);
    let mut formats = vec![Format::Json];
    formats.extend(args.format.iter().filter(|f| **f != Format::Json));
    let mut planned = summary_paths(dir);
    for u in &plain {
        for f in &formats {
            planned.push(sites.join(format!("{}.{}", stems[&u.line], f.extension())));
        }
        if args.archive {
            planned.push(sites.join(format!("{}.warc.gz", stems[&u.line])));
        }
    }
    check_free(dir, &planned, args.force)?;
    // Checked before any crawl: a file that is not a history fails fast, untouched. Units
    // finish concurrently; the history takes one at a time.
    let history = match &args.history {
        Some(p) => Some(std::sync::Mutex::new(History::open(p)?)),
        None => None,
    };
    if args.crawl.insecure {
        eprintln!("warning: --insecure: TLS certificates will not be verified / 不校验TLS证书");
    }
    for r in &rejected {
        eprintln!(
            "{}: {} {}: {}",
            args.list.display(),
            if en { "skipping line" } else { "跳过第" },
            r.line,
            r.message
        );
    }

    let show = !args.log.quiet && std::io::stderr().is_terminal();
    let multi =
        show.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(8)));
    let overall = multi.as_ref().map(|m| {
        let pb = m.add(ProgressBar::new(units.len() as u64));
        pb.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    });
    progress::init_logging(args.log.verbose, overall.clone());

    let runtime = super::runtime()?;
    let total = units.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<UnitResult> = runtime.block_on(async {
        futures::stream::iter(units.iter())
            .map(|(u, pack, unit_waivers)| {
                let line_bar = multi.as_ref().map(|m| {
                    let pb = m.add(ProgressBar::new_spinner());
                    pb.set_style(
                        ProgressStyle::with_template("  {spinner} {prefix}: {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    pb.set_prefix(u.name.clone());
                    pb.enable_steady_tick(std::time::Duration::from_millis(200));
                    pb
                });
                let opts = AuditOptions {
                    target: u.target.clone(),
                    scope: u.scope.clone(),
                    as_of: u.as_of.or(args.as_of),
                    crawl: args.crawl.config(u.rate),
                    notes: args.crawl.notes(u.target.contains("://"), u.rate),
                    progress: line_bar.clone().map(progress::observer),
                    waivers: unit_waivers.clone(),
                    ..AuditOptions::default()
                };
                let stem = stems[&u.line].clone();
                // Streamed to a temporary file beside it, in place only if the unit is audited.
                let archive = if args.archive {
                    Output::archive(&sites.join(format!("{stem}.warc.gz")), args.force).map(Some)
                } else {
                    Ok(None)
                };
                let opts = AuditOptions {
                    archive: archive
                        .as_ref()
                        .ok()
                        .and_then(|a| a.as_ref().map(|a| a.tmp_path().to_path_buf())),
                    ..opts
                };
                let formats = formats.clone();
                let (sites, done, overall, multi) = (&sites, &done, &overall, &multi);
                let history = &history;
                async move {
                    let run = match archive {
                        Ok(a) => pipeline::run_spawned(opts, pack.clone())
                            .await
                            .map(|r| (r, a))
                            .map_err(|e| match e {
                                pipeline::AuditError::Unreachable { reason, .. } => reason,
                                e => e.to_string(),
                            }),
                        Err(e) => Err(format!("{e:#}")),
                    };
                    let outcome = match run {
                        Ok((mut report, archive)) => {
                            // The report cites the archive, so the archive is in place first.
                            let archived = archive.map_or(Ok(()), Output::persist);
                            if let Some(Ok(h)) = history.as_ref().map(|h| h.lock()) {
                                match h.trend(&report) {
                                    Ok(points) => report.history = Some(points),
                                    Err(e) => tracing::warn!("{e}"),
                                }
                            }
                            // Every file in order; the first failure stops the unit.
                            let written = archived.and_then(|()| {
                                formats.iter().try_for_each(|f| {
                                    let path = sites.join(format!("{stem}.{}", f.extension()));
                                    let mut buf = Vec::new();
                                    renderer(*f, en, false, 100)
                                        .render(&report, &mut buf)
                                        .map_err(anyhow::Error::from)
                                        .and_then(|_| Output::prepare(&path, args.force))
                                        .and_then(|o| o.commit(&buf))
                                })
                            });
                            // Recorded only once the unit's report is safely written.
                            if written.is_ok()
                                && let Some(Ok(mut h)) = history.as_ref().map(|h| h.lock())
                                && let Err(e) = h.record(&report)
                            {
                                tracing::warn!(
                                    "{}: the run could not be recorded in the history: {e}",
                                    u.name
                                );
                            }
                            match written {
                                Ok(()) => Outcome::Audited(UnitScore::from_report(
                                    &report,
                                    format!("sites/{stem}.json"),
                                )),
                                Err(e) => Outcome::NotAudited {
                                    cause: format!("{e:#}"),
                                },
                            }
                        }
                        Err(cause) => Outcome::NotAudited { cause },
                    };
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    let line = status_line(&u.name, &outcome, en);
                    match (multi, overall) {
                        (Some(m), Some(o)) => {
                            if let Some(pb) = &line_bar {
                                pb.finish_and_clear();
                                m.remove(pb);
                            }
                            let _ = m.println(format!("[{n}/{total}] {line}"));
                            o.inc(1);
                        }
                        _ => eprintln!("[{n}/{total}] {line}"),
                    }
                    UnitResult {
                        line: u.line,
                        name: u.name.clone(),
                        parent: u.parent.clone(),
                        target: u.target.clone(),
                        pack: pack.id.clone(),
                        outcome,
                    }
                }
            })
            .buffer_unordered(args.jobs as usize)
            .collect()
            .await
    });
    if let Some(o) = &overall {
        o.finish_and_clear();
    }
    let mut info = list.info.clone();
    info.units = list.units.len();
    let summary = BatchSummary::new(info, vec![shard], results, rejected);
    write_summary(dir, &summary, en, args.force)?;
    Ok(exit_code(&summary))
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
    Ok(exit_code(&merged))
}
