//! Running a batch: read the list, load each unit's pack and waivers, audit the units a few at a
//! time, write each unit's reports (and archive, and history entry), then the summary.
//!
//! A unit that fails for any reason, a panic included, becomes a row "could not be audited" with
//! its cause; the other units run and the summary is written (ripgrep's model: one bad file does
//! not end the search). The command line only wires arguments and progress display to [`run`].

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use futures::{FutureExt, StreamExt};
use jiff::civil::Date;

use super::render::{SummaryFormat, SummaryRender};
use super::{BatchSummary, Outcome, RowError, Shard, SiteList, Unit, UnitResult, UnitScore};
use crate::audit::Text;
use crate::crawl::CrawlConfig;
use crate::pipeline::{self, AuditError, AuditOptions, ProgressFn};
use crate::report::output::{Output, OutputError};
use crate::report::{Choices, Format, Render, Report, file_stem};
use crate::rules::waiver::Waiver;
use crate::rules::{self, RuleError, RulePack};
use crate::track::{History, HistoryError};

/// The formats every summary is written in, besides the table the command line prints.
pub const SUMMARY_FORMATS: [SummaryFormat; 4] = [
    SummaryFormat::Json,
    SummaryFormat::Html,
    SummaryFormat::Markdown,
    SummaryFormat::Xlsx,
];

/// A unit's crawl settings (its own rate applied) and the notes its report makes about them.
pub type UnitCrawl = Arc<dyn Fn(&Unit) -> (CrawlConfig, Vec<Text>) + Send + Sync>;

/// What to run and where to write it.
#[derive(Clone)]
pub struct BatchOptions {
    pub list: PathBuf,
    /// Reports go to `output/sites/`, the summary to `output/summary.*`.
    pub output: PathBuf,
    /// The pack of rows that name none.
    pub rules: String,
    /// Rows may override it.
    pub as_of: Option<Date>,
    /// Each unit's report formats besides JSON, which is always written.
    pub formats: Vec<Format>,
    /// Units audited at once.
    pub jobs: usize,
    pub shard: Shard,
    pub en: bool,
    /// Replace an earlier batch's files.
    pub force: bool,
    pub history: Option<PathBuf>,
    /// Keep each unit's crawl as `sites/<unit>.warc.gz`.
    pub archive: bool,
    /// Waivers for every unit whose row names no waiver file.
    pub waivers: Option<PathBuf>,
    pub crawl: UnitCrawl,
    /// The renderer of each report format: [`crate::report::renderer`], or one that also draws
    /// the terminal table (the binary's) for `-f table`.
    pub renderer: Renderer,
}

/// Gives the renderer of a report format, `None` when it cannot render that format.
pub type Renderer = fn(Format, bool) -> Option<Box<dyn Render + Send>>;

/// Told what the batch does, for a progress display. Every method has a silent default.
pub trait Observer: Send + Sync {
    /// A row of the list is skipped (before any audit starts).
    fn skipped(&self, _list: &Path, _row: &RowError) {}
    /// How many units will be audited.
    fn planned(&self, _units: usize) {}
    /// A unit's audit starts; the observer may follow its crawl.
    fn started(&self, _unit: &Unit) -> Option<ProgressFn> {
        None
    }
    /// A unit is done: the `done`-th of `total`.
    fn finished(&self, _unit: &Unit, _done: usize, _total: usize, _result: &UnitResult) {}
}

/// An observer that shows nothing.
pub struct Silent;

impl Observer for Silent {}

/// Why a batch could not run at all (a unit's failure is never one: it becomes its row).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    List(#[from] super::ListError),
    #[error(transparent)]
    Rules(#[from] RuleError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("-o {path}: cannot create the directory: {error}")]
    CreateDir {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "{file} exists: {dir} already holds a batch's output; use --force to replace it or choose another -o"
    )]
    Exists { file: PathBuf, dir: PathBuf },
    #[error("-f {0}: this format cannot be written by this program")]
    Format(&'static str),
    #[error("rendering the summary: {0}")]
    Render(std::io::Error),
}

/// Runs the batch with the full audit of [`pipeline::run_spawned`]. Must be called inside a
/// multi-threaded tokio runtime.
pub async fn run(opts: &BatchOptions, observer: &dyn Observer) -> Result<BatchSummary, BatchError> {
    run_with(opts, observer, pipeline::run_spawned).await
}

/// [`run`] with another audit per unit (the same audit with other options, or a test's).
pub async fn run_with<A, F>(
    opts: &BatchOptions,
    observer: &dyn Observer,
    audit: A,
) -> Result<BatchSummary, BatchError>
where
    A: Fn(AuditOptions, Arc<RulePack>) -> F + Sync,
    F: Future<Output = Result<Report, AuditError>> + Send,
{
    let plan = {
        let opts = opts.clone();
        // Packs and waivers are parsed and the history opened before any crawl.
        blocking(move || Plan::new(&opts)).await?
    };
    for r in &plan.rejected {
        observer.skipped(&opts.list, r);
    }
    let total = plan.units.len();
    observer.planned(total);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let plan_ref = &plan;
    let results: Vec<UnitResult> = futures::stream::iter(plan.units.iter())
        .map(|(u, pack, waivers)| {
            let audit = &audit;
            let done = &done;
            async move {
                let stem = plan_ref.stems[&u.line].clone();
                let unit = audit_unit(opts, plan_ref, u, pack, waivers, stem, observer, audit);
                // Whatever happens inside, a panic included, ends as this unit's row.
                let outcome = AssertUnwindSafe(unit)
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|panic| Outcome::NotAudited {
                        cause: panic_cause(panic.as_ref()),
                    });
                let result = UnitResult {
                    line: u.line,
                    name: u.name.clone(),
                    parent: u.parent.clone(),
                    target: u.target.clone(),
                    pack: pack.id.clone(),
                    outcome,
                };
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                observer.finished(u, n, total, &result);
                result
            }
        })
        .buffer_unordered(opts.jobs.max(1))
        .collect()
        .await;
    let mut info = plan.list_info.clone();
    info.units = plan.list_units;
    let summary = BatchSummary::new(info, vec![opts.shard], results, plan.rejected.clone());
    let (dir, en, force) = (opts.output.clone(), opts.en, opts.force);
    blocking(move || write_summary(&dir, &summary, en, force).map(|()| summary)).await
}

/// Runs `f` on the blocking pool; its panic goes on to the caller.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // Only a runtime shutting down cancels a blocking task, and the caller runs on it.
            Err(e) => unreachable!("blocking task cancelled: {e}"),
        },
    }
}

/// The cause of a unit whose audit panicked: our bug, never the site's fault.
fn panic_cause(panic: &(dyn std::any::Any + Send)) -> String {
    let msg = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("程序内部错误 / internal error in gongkai (please report it): {msg}")
}

/// What the list came to, before any audit.
struct Plan {
    units: Vec<(Unit, Arc<RulePack>, Vec<Waiver>)>,
    rejected: Vec<RowError>,
    stems: HashMap<usize, String>,
    sites: PathBuf,
    history: Option<Arc<Mutex<History>>>,
    list_info: super::ListInfo,
    /// Valid rows in the whole list (all shards).
    list_units: usize,
}

impl Plan {
    fn new(opts: &BatchOptions) -> Result<Plan, BatchError> {
        if let Some(f) = opts
            .formats
            .iter()
            .find(|f| (opts.renderer)(**f, opts.en).is_none())
        {
            return Err(BatchError::Format(f.name()));
        }
        let list = SiteList::read(&opts.list)?;
        let mut rejected = list.rejected.clone();
        // Packs are loaded once each; a row naming a pack that does not load is skipped.
        let default_pack = Arc::new(rules::load(&opts.rules)?);
        let waivers = match &opts.waivers {
            Some(p) => rules::waiver::load(p, &default_pack)?,
            None => Vec::new(),
        };
        let mut packs: HashMap<String, Arc<RulePack>> = HashMap::new();
        let mut units = Vec::new();
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
        let units: Vec<_> = units
            .into_iter()
            .enumerate()
            .filter(|(i, _)| opts.shard.contains(*i))
            .map(|(_, u)| u)
            .collect();

        let dir = &opts.output;
        let sites = dir.join("sites");
        std::fs::create_dir_all(&sites).map_err(|error| BatchError::CreateDir {
            path: sites.clone(),
            error,
        })?;
        let stems = stems(units.iter().map(|(u, _, _)| u));
        let mut planned = summary_paths(dir);
        for (u, _, _) in &units {
            planned.push(sites.join(format!("{}.json", stems[&u.line])));
            for f in opts.formats.iter().filter(|f| **f != Format::Json) {
                planned.push(sites.join(format!("{}.{}", stems[&u.line], f.extension())));
            }
            if opts.archive {
                planned.push(sites.join(format!("{}.warc.gz", stems[&u.line])));
            }
        }
        check_free(dir, &planned, opts.force)?;
        // Checked before any crawl: a file that is not a history fails fast, untouched. Units
        // finish concurrently; the history takes one at a time.
        let history = match &opts.history {
            Some(p) => Some(Arc::new(Mutex::new(History::open(p)?))),
            None => None,
        };
        Ok(Plan {
            units,
            rejected,
            stems,
            sites,
            history,
            list_info: list.info.clone(),
            list_units: list.units.len(),
        })
    }
}

/// One unit: its audit, then its files and history entry (on the blocking pool, so that the
/// other units' crawls keep the runtime's workers).
#[allow(clippy::too_many_arguments)]
async fn audit_unit<A, F>(
    opts: &BatchOptions,
    plan: &Plan,
    u: &Unit,
    pack: &Arc<RulePack>,
    waivers: &[Waiver],
    stem: String,
    observer: &dyn Observer,
    audit: &A,
) -> Outcome
where
    A: Fn(AuditOptions, Arc<RulePack>) -> F,
    F: Future<Output = Result<Report, AuditError>>,
{
    let (crawl, notes) = (opts.crawl)(u);
    // Streamed to a temporary file beside it, in place only if the unit is audited.
    let archive = if opts.archive {
        match Output::archive(&plan.sites.join(format!("{stem}.warc.gz")), opts.force) {
            Ok(a) => Some(a),
            Err(e) => {
                return Outcome::NotAudited {
                    cause: e.to_string(),
                };
            }
        }
    } else {
        None
    };
    let audit_opts = AuditOptions {
        target: u.target.clone(),
        scope: u.scope.clone(),
        as_of: u.as_of.or(opts.as_of),
        unit: u.unit,
        crawl,
        notes,
        progress: observer.started(u),
        waivers: waivers.to_vec(),
        archive: archive.as_ref().map(|a| a.tmp_path().to_path_buf()),
        ..AuditOptions::default()
    };
    let report = match audit(audit_opts, pack.clone()).await {
        Ok(r) => r,
        Err(AuditError::Unreachable { reason, .. }) => {
            return Outcome::NotAudited { cause: reason };
        }
        Err(e) => {
            return Outcome::NotAudited {
                cause: e.to_string(),
            };
        }
    };
    let files = UnitFiles {
        sites: plan.sites.clone(),
        stem,
        formats: opts.formats.clone(),
        en: opts.en,
        force: opts.force,
        name: u.name.clone(),
        renderer: opts.renderer,
    };
    let history = plan.history.clone();
    blocking(move || files.write(report, archive, history.as_deref())).await
}

/// Where and how a unit's reports are written.
struct UnitFiles {
    sites: PathBuf,
    stem: String,
    formats: Vec<Format>,
    en: bool,
    force: bool,
    name: String,
    renderer: Renderer,
}

/// The history, even if a unit panicked while holding it: its SQLite transaction rolled back.
fn lock(h: &Mutex<History>) -> MutexGuard<'_, History> {
    h.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl UnitFiles {
    fn write(
        &self,
        mut report: Report,
        archive: Option<Output>,
        history: Option<&Mutex<History>>,
    ) -> Outcome {
        // The report cites the archive, so the archive is in place first.
        let archived = archive.map_or(Ok(()), Output::persist);
        if let Some(h) = history {
            match lock(h).trend(&report) {
                Ok(points) => report.history = Some(points),
                Err(e) => tracing::warn!("{e}"),
            }
        }
        // JSON first, then the others in order; the first failure stops the unit.
        let formats = std::iter::once(Format::Json)
            .chain(self.formats.iter().copied().filter(|f| *f != Format::Json));
        let written = archived.map_err(|e| e.to_string()).and_then(|()| {
            formats.into_iter().try_for_each(|f| {
                let path = self.sites.join(format!("{}.{}", self.stem, f.extension()));
                let mut buf = Vec::new();
                let render = (self.renderer)(f, self.en)
                    .ok_or_else(|| format!("-f {}: this format cannot be written", f.name()))?;
                render
                    .render(&report, &mut buf)
                    .map_err(|e| e.to_string())?;
                Output::prepare(&path, self.force)
                    .and_then(|o| o.commit(&buf))
                    .map_err(|e| e.to_string())
            })
        });
        // Recorded only once the unit's report is safely written.
        if written.is_ok()
            && let Some(h) = history
            && let Err(e) = lock(h).record(&report)
        {
            tracing::warn!(
                "{}: the run could not be recorded in the history: {e}",
                self.name
            );
        }
        match written {
            Ok(()) => Outcome::Audited(UnitScore::from_report(
                &report,
                format!("sites/{}.json", self.stem),
            )),
            Err(cause) => Outcome::NotAudited { cause },
        }
    }
}

/// File stems of the units' reports: the unit name, made unique with the list line.
fn stems<'a>(units: impl Iterator<Item = &'a Unit> + Clone) -> HashMap<usize, String> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for u in units.clone() {
        *count.entry(file_stem(&u.name)).or_default() += 1;
    }
    units
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

/// Refuses to write over an earlier batch's output unless `force`.
pub fn check_free(dir: &Path, files: &[PathBuf], force: bool) -> Result<(), BatchError> {
    if force {
        return Ok(());
    }
    match files.iter().find(|f| f.exists()) {
        Some(f) => Err(BatchError::Exists {
            file: f.clone(),
            dir: dir.to_path_buf(),
        }),
        None => Ok(()),
    }
}

/// The summary's files in `dir`.
pub fn summary_paths(dir: &Path) -> Vec<PathBuf> {
    SUMMARY_FORMATS
        .iter()
        .map(|f| dir.join(format!("summary.{}", f.extension())))
        .collect()
}

/// Writes the summary in every format of [`SUMMARY_FORMATS`].
pub fn write_summary(
    dir: &Path,
    s: &BatchSummary,
    en: bool,
    force: bool,
) -> Result<(), BatchError> {
    for (f, path) in SUMMARY_FORMATS.iter().zip(summary_paths(dir)) {
        let mut buf = Vec::new();
        SummaryRender { format: *f, en }
            .render(s, &mut buf)
            .map_err(BatchError::Render)?;
        Output::prepare(&path, force)?.commit(&buf)?;
    }
    Ok(())
}
