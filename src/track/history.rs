//! Every run of every site in one SQLite file: one row per run, one per finding. The file is
//! marked with an application id, so a database of another program is recognised and left alone,
//! and versioned with `user_version`, so later schemas can migrate it.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::civil::Date;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::short_time;
use crate::audit::{Reason, Status, Text};
use crate::report::markdown::cell;
use crate::report::{HistoryPoint, Report, sanitize};
use crate::rules::Severity;

/// `PRAGMA application_id` of a gongkai history: "gkai".
const APPLICATION_ID: i32 = 0x676b_6169;
/// `PRAGMA user_version`: the schema this build writes. Bump it and add a migration step.
const VERSION: i32 = 2;
/// At most this many runs go into a report's trend (the newest).
pub const TREND_MAX: usize = 100;

const SCHEMA_V1: &str = "
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,           -- start URL, or a local mirror's directory
    start_url TEXT NOT NULL,
    site_name TEXT,
    pack_id TEXT NOT NULL,
    as_of TEXT NOT NULL,          -- YYYY-MM-DD
    generated_at TEXT NOT NULL,   -- RFC 3339
    points REAL NOT NULL,
    grade_zh TEXT NOT NULL,
    grade_en TEXT NOT NULL,
    pass INTEGER NOT NULL,        -- whether the grade passes
    vetoes TEXT NOT NULL,         -- JSON array of rule ids
    passed INTEGER NOT NULL,
    gaps INTEGER NOT NULL,
    inconclusive INTEGER NOT NULL,
    tool_version TEXT NOT NULL
);
CREATE INDEX runs_by_site ON runs (site, pack_id, id);
CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    status TEXT NOT NULL,         -- pass | gap | inconclusive
    reason TEXT,
    severity TEXT NOT NULL,
    deduction REAL NOT NULL,
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL
);
CREATE INDEX findings_by_run ON findings (run_id);
";

/// Version 2: the score is a range. Runs recorded before it keep their rows; they were graded
/// without a range, so they read as not provisional, with no worst end.
const SCHEMA_V2: &str = "
ALTER TABLE runs ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0; -- grade 待定
ALTER TABLE runs ADD COLUMN worst REAL;      -- the worst end of the range; NULL before v2
ALTER TABLE runs ADD COLUMN coverage REAL;   -- rules judged among rules that apply, percent
ALTER TABLE runs ADD COLUMN unjudged_zh TEXT; -- what could not be judged, and why
ALTER TABLE runs ADD COLUMN unjudged_en TEXT;
ALTER TABLE findings ADD COLUMN at_stake REAL;         -- a rule not judged: points it would cost
ALTER TABLE findings ADD COLUMN at_stake_veto INTEGER; -- ... or 1 when it would veto
";

/// Why the history could not be used. Causes are part of the message (no `source` fields), so
/// the CLI's `{:#}` prints each once.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(
        "--history {path}: no such file\n  hint: runs are recorded by `gongkai audit ... --history {path}`"
    )]
    Missing { path: PathBuf },
    #[error("--history {path}: is a directory; give a file name such as history.sqlite")]
    IsDir { path: PathBuf },
    #[error("--history {path}: the directory {dir} does not exist; create it or give another path")]
    NoDir { path: PathBuf, dir: PathBuf },
    #[error(
        "--history {path}: not a gongkai history database ({detail}); the file was left untouched\n  hint: give a new file name, or a file written by `gongkai audit --history`"
    )]
    NotHistory { path: PathBuf, detail: String },
    #[error(
        "--history {path}: written by a newer gongkai (history version {found}, this one knows up to {supported})\n  hint: upgrade gongkai"
    )]
    Newer {
        path: PathBuf,
        found: i32,
        supported: i32,
    },
    #[error("--history {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("--history {path}: {error}")]
    Sqlite {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error("no site in the history matches `{query}`; recorded sites:{known}")]
    NoSuchSite { query: String, known: String },
    #[error("`{query}` matches several sites; give more of the start URL:{matches}")]
    Ambiguous { query: String, matches: String },
}

/// One recorded run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunSummary {
    /// 1 for the site's first recorded run with this pack, 2 for the next ...
    pub run: usize,
    pub as_of: Date,
    pub generated_at: String,
    pub start_url: String,
    /// The best end of the score's range.
    pub points: f64,
    /// The worst end, when it differs (`None` also for runs recorded before ranges).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub worst: Option<f64>,
    pub grade: Text,
    pub pass: bool,
    /// The grade was provisional (待定).
    #[serde(default)]
    pub provisional: bool,
    pub vetoes: Vec<String>,
    pub passed: usize,
    pub gaps: usize,
    pub inconclusive: usize,
    pub tool_version: String,
}

/// A run as a gap's opening or closing point.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct RunRef {
    pub run: usize,
    pub as_of: Date,
}

/// A stretch of runs in which one rule was a gap.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GapSpan {
    pub rule_id: String,
    pub name: Text,
    pub severity: Severity,
    /// The first run in which the rule was a gap.
    pub opened: RunRef,
    /// The run in which it passed again; `None` while still open. An inconclusive run neither
    /// opens nor closes a gap: nothing was seen.
    pub closed: Option<RunRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<Reason>,
    /// The last message while it was open.
    pub message: Text,
}

/// One site's runs with one pack, and its gaps over time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteHistory {
    pub site: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub site_name: Option<String>,
    pub pack: String,
    /// In the order they were recorded.
    pub runs: Vec<RunSummary>,
    /// In the order they opened.
    pub gaps: Vec<GapSpan>,
}

/// A site in the history, with its latest run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteLatest {
    pub site: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub site_name: Option<String>,
    pub pack: String,
    pub runs: usize,
    pub latest: RunSummary,
}

/// An open history database.
pub struct History {
    conn: Connection,
    path: PathBuf,
}

/// What the first bytes of a file say it is.
enum Kind {
    New,
    Sqlite,
    Other(String),
}

fn kind(path: &Path) -> Result<Kind, HistoryError> {
    let io = |error| HistoryError::Io {
        path: path.to_path_buf(),
        error,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Kind::New),
        Err(e) => return Err(io(e)),
    };
    if meta.is_dir() {
        return Err(HistoryError::IsDir {
            path: path.to_path_buf(),
        });
    }
    if meta.len() == 0 {
        // `touch history.sqlite` is a reasonable way to say "keep it here".
        return Ok(Kind::New);
    }
    // Looked at before SQLite opens it, so a stray file is never touched by SQLite at all.
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(io)?;
    let n = f.read(&mut head).map_err(io)?;
    if n == 16 && &head == b"SQLite format 3\0" {
        Ok(Kind::Sqlite)
    } else {
        Ok(Kind::Other("not an SQLite file".into()))
    }
}

impl History {
    /// Opens the history for recording runs, creating it when the file does not exist (or is
    /// empty). Any other file that is not a gongkai history is refused untouched.
    pub fn open(path: &Path) -> Result<History, HistoryError> {
        let new = match kind(path)? {
            Kind::New => true,
            Kind::Sqlite => false,
            Kind::Other(detail) => {
                return Err(HistoryError::NotHistory {
                    path: path.to_path_buf(),
                    detail,
                });
            }
        };
        if new {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            if !dir.is_dir() {
                return Err(HistoryError::NoDir {
                    path: path.to_path_buf(),
                    dir: dir.to_path_buf(),
                });
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut h = History::connect(path, flags)?;
        let version = h.check(new)?;
        if version < VERSION {
            h.migrate()?;
        }
        Ok(h)
    }

    /// Opens an existing history for reading only.
    pub fn open_read(path: &Path) -> Result<History, HistoryError> {
        match kind(path)? {
            Kind::Sqlite => {}
            Kind::New if !path.exists() => {
                return Err(HistoryError::Missing {
                    path: path.to_path_buf(),
                });
            }
            Kind::New => {
                return Err(HistoryError::NotHistory {
                    path: path.to_path_buf(),
                    detail: "the file is empty: no run was recorded in it".into(),
                });
            }
            Kind::Other(detail) => {
                return Err(HistoryError::NotHistory {
                    path: path.to_path_buf(),
                    detail,
                });
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let h = History::connect(path, flags)?;
        let version = h.check(false)?;
        if version < VERSION {
            // Only a write migrates; an older file is otherwise read as it is.
            return Err(HistoryError::NotHistory {
                path: path.to_path_buf(),
                detail: format!(
                    "history version {version} needs `gongkai audit --history` to upgrade it"
                ),
            });
        }
        Ok(h)
    }

    fn connect(path: &Path, flags: OpenFlags) -> Result<History, HistoryError> {
        let conn =
            Connection::open_with_flags(path, flags).map_err(|error| HistoryError::Sqlite {
                path: path.to_path_buf(),
                error,
            })?;
        let h = History {
            conn,
            path: path.to_path_buf(),
        };
        // Two audits finishing together wait for each other rather than fail.
        h.conn
            .busy_timeout(Duration::from_secs(10))
            .map_err(|e| h.sql(e))?;
        Ok(h)
    }

    fn sql(&self, error: rusqlite::Error) -> HistoryError {
        HistoryError::Sqlite {
            path: self.path.clone(),
            error,
        }
    }

    fn not_history(&self, detail: impl Into<String>) -> HistoryError {
        HistoryError::NotHistory {
            path: self.path.clone(),
            detail: detail.into(),
        }
    }

    /// Checks that the file is ours and not from the future; returns its schema version.
    fn check(&self, new: bool) -> Result<i32, HistoryError> {
        let read = |pragma: &str| -> Result<i32, HistoryError> {
            self.conn
                .pragma_query_value(None, pragma, |r| r.get::<_, i32>(0))
                .map_err(|e| self.not_history(e.to_string()))
        };
        let (app, version) = (read("application_id")?, read("user_version")?);
        if new && app == 0 && version == 0 {
            return Ok(0);
        }
        if app != APPLICATION_ID {
            return Err(self.not_history("an SQLite database of another program"));
        }
        if version > VERSION {
            return Err(HistoryError::Newer {
                path: self.path.clone(),
                found: version,
                supported: VERSION,
            });
        }
        Ok(version)
    }

    /// Brings the schema to [`VERSION`], one step at a time, in one transaction.
    fn migrate(&mut self) -> Result<(), HistoryError> {
        let path = self.path.clone();
        let sql = |error| HistoryError::Sqlite {
            path: path.clone(),
            error,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        // Another process may have migrated it while this one waited for the lock.
        let mut version: i32 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(sql)?;
        while version < VERSION {
            match version {
                0 => tx.execute_batch(SCHEMA_V1).map_err(sql)?,
                1 => tx.execute_batch(SCHEMA_V2).map_err(sql)?,
                // Only a hand-edited file has a version no gongkai wrote.
                v => {
                    return Err(HistoryError::NotHistory {
                        path: path.clone(),
                        detail: format!("unknown history version {v}"),
                    });
                }
            }
            version += 1;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(sql)?;
        tx.pragma_update(None, "user_version", VERSION)
            .map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// The site's earlier runs with the report's pack, then the report itself: its trend.
    pub fn trend(&self, report: &Report) -> Result<Vec<HistoryPoint>, HistoryError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT as_of, generated_at, points, grade_zh, grade_en, gaps, worst, provisional
                 FROM runs WHERE site = ?1 AND pack_id = ?2 ORDER BY id DESC LIMIT ?3",
            )
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map(
                params![
                    super::site_key(report),
                    report.pack.id,
                    (TREND_MAX - 1) as i64
                ],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, f64>(2)?,
                        Text::new(r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                        r.get::<_, i64>(5)?,
                        r.get::<_, Option<f64>>(6)?,
                        r.get::<_, bool>(7)?,
                    ))
                },
            )
            .map_err(|e| self.sql(e))?;
        let mut points = Vec::new();
        for row in rows {
            let (as_of, generated_at, pts, grade, gaps, worst, provisional) =
                row.map_err(|e| self.sql(e))?;
            points.push(HistoryPoint {
                as_of: self.date(&as_of)?,
                generated_at,
                points: pts,
                worst: worst.filter(|w| *w != pts),
                grade,
                provisional,
                gaps: gaps.max(0) as usize,
            });
        }
        points.reverse();
        points.push(HistoryPoint {
            as_of: report.as_of,
            generated_at: report.generated_at.clone(),
            points: report.score.points,
            worst: Some(report.score.worst.points).filter(|w| *w != report.score.points),
            grade: report.score.grade.clone(),
            provisional: report.score.provisional,
            gaps: report.score.gaps,
        });
        Ok(points)
    }

    fn date(&self, s: &str) -> Result<Date, HistoryError> {
        s.parse()
            .map_err(|_| self.not_history(format!("`{s}` in runs.as_of is not a date")))
    }

    /// Appends the report as one run, with its findings, in one transaction.
    pub fn record(&mut self, report: &Report) -> Result<i64, HistoryError> {
        let path = self.path.clone();
        let sql = |error| HistoryError::Sqlite {
            path: path.clone(),
            error,
        };
        let s = &report.score;
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO runs (site, start_url, site_name, pack_id, as_of, generated_at, points,
                grade_zh, grade_en, pass, vetoes, passed, gaps, inconclusive, tool_version,
                provisional, worst, coverage, unjudged_zh, unjudged_en)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20)",
            params![
                super::site_key(report),
                report.target.start_url.as_str(),
                report.site.site_name,
                report.pack.id,
                report.as_of.to_string(),
                report.generated_at,
                s.points,
                s.grade.zh,
                s.grade.en,
                s.pass,
                serde_json::to_string(&s.vetoes).unwrap_or_else(|_| "[]".into()),
                s.passed as i64,
                s.gaps as i64,
                s.inconclusive as i64,
                report.tool.version,
                s.provisional,
                s.worst.points,
                s.coverage,
                s.unjudged_text(false),
                s.unjudged_text(true),
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        {
            let mut st = tx
                .prepare(
                    "INSERT INTO findings (run_id, rule_id, name_zh, name_en, status, reason,
                        severity, deduction, message_zh, message_en, at_stake, at_stake_veto)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(sql)?;
            for f in &report.findings {
                st.execute(params![
                    id,
                    f.rule_id,
                    f.name.zh,
                    f.name.en,
                    tag(&f.status),
                    f.reason.as_ref().map(tag),
                    tag(&f.severity),
                    f.deduction,
                    f.message.zh,
                    f.message.en,
                    f.at_stake.map(|st| st.points),
                    f.at_stake.map(|st| st.veto),
                ])
                .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    /// Every (site, pack) in the history with its latest run.
    pub fn sites(&self) -> Result<Vec<SiteLatest>, HistoryError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT site, pack_id, COUNT(*), MAX(id) FROM runs GROUP BY site, pack_id
                 ORDER BY site, pack_id",
            )
            .map_err(|e| self.sql(e))?;
        let groups: Vec<(String, String, i64, i64)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for (site, pack, n, last) in groups {
            let (name, latest) = self
                .run_by_id(last)?
                .ok_or_else(|| self.not_history("a run vanished while reading"))?;
            out.push(SiteLatest {
                site,
                site_name: name,
                pack,
                runs: n.max(0) as usize,
                latest: RunSummary {
                    run: n.max(0) as usize,
                    ..latest
                },
            });
        }
        Ok(out)
    }

    const RUN_COLUMNS: &str = "site_name, as_of, generated_at, start_url, points, grade_zh,
        grade_en, pass, vetoes, passed, gaps, inconclusive, tool_version, id, worst, provisional";

    fn run_row(&self, r: &rusqlite::Row) -> rusqlite::Result<(Option<String>, RawRun)> {
        Ok((
            r.get(0)?,
            RawRun {
                as_of: r.get(1)?,
                generated_at: r.get(2)?,
                start_url: r.get(3)?,
                points: r.get(4)?,
                grade: Text::new(r.get::<_, String>(5)?, r.get::<_, String>(6)?),
                pass: r.get(7)?,
                vetoes: r.get(8)?,
                passed: r.get(9)?,
                gaps: r.get(10)?,
                inconclusive: r.get(11)?,
                tool_version: r.get(12)?,
                id: r.get(13)?,
                worst: r.get(14)?,
                provisional: r.get(15)?,
            },
        ))
    }

    fn summary(&self, run: usize, raw: RawRun) -> Result<RunSummary, HistoryError> {
        Ok(RunSummary {
            run,
            as_of: self.date(&raw.as_of)?,
            generated_at: raw.generated_at,
            start_url: raw.start_url,
            points: raw.points,
            worst: raw.worst.filter(|w| *w != raw.points),
            grade: raw.grade,
            pass: raw.pass,
            provisional: raw.provisional,
            vetoes: serde_json::from_str(&raw.vetoes).unwrap_or_default(),
            passed: raw.passed.max(0) as usize,
            gaps: raw.gaps.max(0) as usize,
            inconclusive: raw.inconclusive.max(0) as usize,
            tool_version: raw.tool_version,
        })
    }

    fn run_by_id(&self, id: i64) -> Result<Option<(Option<String>, RunSummary)>, HistoryError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {} FROM runs WHERE id = ?1", Self::RUN_COLUMNS),
                [id],
                |r| self.run_row(r),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        match row {
            Some((name, raw)) => Ok(Some((name, self.summary(0, raw)?))),
            None => Ok(None),
        }
    }

    /// The site's runs and gaps, one entry per pack it was audited with (or only `pack`).
    /// `query` is a start URL (or a mirror's directory), or a unique part of one or of a site
    /// name.
    pub fn site(&self, query: &str, pack: Option<&str>) -> Result<Vec<SiteHistory>, HistoryError> {
        let site = self.find_site(query)?;
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT pack_id FROM runs WHERE site = ?1 ORDER BY pack_id")
            .map_err(|e| self.sql(e))?;
        let packs: Vec<String> = st
            .query_map([&site], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sql(e))?;
        let packs: Vec<String> = packs
            .into_iter()
            .filter(|p| pack.is_none_or(|want| want == p))
            .collect();
        if packs.is_empty() {
            return Err(HistoryError::NoSuchSite {
                query: format!("{query} --rules {}", pack.unwrap_or_default()),
                known: format!("\n  {site} has no run with that rule pack"),
            });
        }
        packs.iter().map(|p| self.site_pack(&site, p)).collect()
    }

    fn find_site(&self, query: &str) -> Result<String, HistoryError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT site, (SELECT site_name FROM runs r2 WHERE r2.site = r.site
                 ORDER BY id DESC LIMIT 1) FROM runs r GROUP BY site ORDER BY site",
            )
            .map_err(|e| self.sql(e))?;
        let sites: Vec<(String, Option<String>)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sql(e))?;
        // A mirror is recorded by its absolute directory; accept it as the user types it.
        let canonical = std::fs::canonicalize(query)
            .ok()
            .filter(|p| p.is_dir())
            .map(|p| p.display().to_string());
        let exact = |s: &str| s == query || Some(s) == canonical.as_deref();
        if let Some((s, _)) = sites.iter().find(|(s, _)| exact(s)) {
            return Ok(s.clone());
        }
        let hits: Vec<&(String, Option<String>)> = sites
            .iter()
            .filter(|(s, name)| {
                s.contains(query) || name.as_deref().is_some_and(|n| n.contains(query))
            })
            .collect();
        let list = |items: &[&(String, Option<String>)]| -> String {
            items
                .iter()
                .map(|(s, n)| match n {
                    Some(n) => format!("\n  {s}  ({})", sanitize(n)),
                    None => format!("\n  {s}"),
                })
                .collect()
        };
        match hits.as_slice() {
            [one] => Ok(one.0.clone()),
            [] => Err(HistoryError::NoSuchSite {
                query: query.to_string(),
                known: if sites.is_empty() {
                    " none yet".to_string()
                } else {
                    list(&sites.iter().collect::<Vec<_>>())
                },
            }),
            many => Err(HistoryError::Ambiguous {
                query: query.to_string(),
                matches: list(many),
            }),
        }
    }

    fn site_pack(&self, site: &str, pack: &str) -> Result<SiteHistory, HistoryError> {
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {} FROM runs WHERE site = ?1 AND pack_id = ?2 ORDER BY id",
                Self::RUN_COLUMNS
            ))
            .map_err(|e| self.sql(e))?;
        let raws: Vec<(Option<String>, RawRun)> = st
            .query_map([site, pack], |r| self.run_row(r))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sql(e))?;
        let mut site_name = None;
        let mut runs = Vec::new();
        let mut ids = Vec::new();
        for (i, (name, raw)) in raws.into_iter().enumerate() {
            site_name = name.or(site_name);
            ids.push(raw.id);
            runs.push(self.summary(i + 1, raw)?);
        }

        // Findings of these runs, walked in run order to open and close gap spans.
        let mut st = self
            .conn
            .prepare(
                "SELECT f.run_id, f.rule_id, f.status, f.reason, f.severity, f.message_zh,
                    f.message_en, f.name_zh, f.name_en FROM findings f JOIN runs r ON r.id = f.run_id
                 WHERE r.site = ?1 AND r.pack_id = ?2 ORDER BY f.run_id",
            )
            .map_err(|e| self.sql(e))?;
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            String,
            String,
            String,
            String,
            String,
        );
        let rows: Vec<Row> = st
            .query_map([site, pack], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sql(e))?;
        let run_index: BTreeMap<i64, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut seen = Vec::with_capacity(rows.len());
        for (run_id, rule_id, status, reason, severity, zh, en, name_zh, name_en) in rows {
            let Some(&i) = run_index.get(&run_id) else {
                continue;
            };
            let at = RunRef {
                run: runs[i].run,
                as_of: runs[i].as_of,
            };
            let status: Status = untag(&status)
                .ok_or_else(|| self.not_history(format!("unknown status `{status}`")))?;
            seen.push((
                at,
                Seen {
                    rule_id,
                    name: Text::new(name_zh, name_en),
                    status,
                    reason: reason.as_deref().and_then(untag),
                    severity: untag(&severity).unwrap_or(Severity::Minor),
                    message: Text::new(zh, en),
                },
            ));
        }
        let gaps = gap_spans(seen);
        Ok(SiteHistory {
            site: site.to_string(),
            site_name,
            pack: pack.to_string(),
            runs,
            gaps,
        })
    }
}

/// One rule as one run saw it.
struct Seen {
    rule_id: String,
    name: Text,
    status: Status,
    reason: Option<Reason>,
    severity: Severity,
    message: Text,
}

/// Walks the findings in run order: a gap opens a span unless one is open, a pass closes it, an
/// inconclusive run (nothing seen) does neither.
fn gap_spans(seen: impl IntoIterator<Item = (RunRef, Seen)>) -> Vec<GapSpan> {
    let mut gaps: Vec<GapSpan> = Vec::new();
    // rule id → index of its open span in `gaps`.
    let mut open: BTreeMap<String, usize> = BTreeMap::new();
    for (at, f) in seen {
        match f.status {
            Status::Gap => match open.get(&f.rule_id) {
                Some(&g) => {
                    gaps[g].reason = f.reason;
                    gaps[g].message = f.message;
                }
                None => {
                    open.insert(f.rule_id.clone(), gaps.len());
                    gaps.push(GapSpan {
                        rule_id: f.rule_id,
                        name: f.name,
                        severity: f.severity,
                        opened: at,
                        closed: None,
                        reason: f.reason,
                        message: f.message,
                    });
                }
            },
            Status::Pass => {
                if let Some(g) = open.remove(&f.rule_id) {
                    gaps[g].closed = Some(at);
                }
            }
            Status::Inconclusive => {}
        }
    }
    gaps
}

/// A run as `#N date`, or "still open".
pub fn run_ref(r: Option<RunRef>, en: bool) -> String {
    match r {
        Some(r) => format!("#{} {}", r.run, r.as_of),
        None => if en { "still open" } else { "仍未整改" }.to_string(),
    }
}

impl RunSummary {
    /// `87.5`, or `41–100` for a range.
    pub fn points_text(&self) -> String {
        match self.worst {
            Some(w) => format!("{w}–{}", self.points),
            None => self.points.to_string(),
        }
    }
}

impl SiteHistory {
    pub fn title(&self, en: bool) -> String {
        let name = self.site_name.as_deref().map(sanitize).unwrap_or_default();
        if en {
            format!("Audit history: {name} ({})", sanitize(&self.site))
        } else {
            format!("审计历史：{name}（{}）", sanitize(&self.site))
        }
    }

    pub(crate) fn render_markdown(&self, out: &mut dyn Write, en: bool) -> std::io::Result<()> {
        writeln!(out, "## {}\n", cell(&self.title(en)))?;
        writeln!(
            out,
            "{}`{}`\n",
            if en { "Rule pack " } else { "规则包 " },
            self.pack.replace('`', "")
        )?;
        writeln!(
            out,
            "{}",
            if en {
                "| Run | As of | Score | Grade | Gaps | Inconclusive | Audited |\n|---|---|---|---|---|---|---|"
            } else {
                "| 次序 | 基准日期 | 得分 | 等级 | 不符合 | 无法判定 | 审计时间 |\n|---|---|---|---|---|---|---|"
            }
        )?;
        for r in &self.runs {
            writeln!(
                out,
                "| #{} | {} | {} | {} | {} | {} | {} |",
                r.run,
                r.as_of,
                r.points_text(),
                cell(r.grade.get(en)),
                r.gaps,
                r.inconclusive,
                cell(&short_time(&r.generated_at))
            )?;
        }
        if self.gaps.is_empty() {
            return Ok(());
        }
        writeln!(
            out,
            "\n{}",
            if en {
                "| Rule | Opened | Closed | Details |\n|---|---|---|---|"
            } else {
                "| 规则 | 出现 | 整改 | 说明 |\n|---|---|---|---|"
            }
        )?;
        for g in &self.gaps {
            writeln!(
                out,
                "| `{}` {} | {} | {} | {} |",
                g.rule_id.replace('`', ""),
                cell(g.name.get(en)),
                run_ref(Some(g.opened), en),
                run_ref(g.closed, en),
                cell(g.message.get(en))
            )?;
        }
        Ok(())
    }
}

pub(crate) fn render_sites_markdown(
    sites: &[SiteLatest],
    out: &mut dyn Write,
    en: bool,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        if en {
            "| Site | Rule pack | Runs | Latest | Score | Grade | Gaps |\n|---|---|---|---|---|---|---|"
        } else {
            "| 站点 | 规则包 | 次数 | 最近基准日期 | 得分 | 等级 | 不符合 |\n|---|---|---|---|---|---|---|"
        }
    )?;
    for s in sites {
        let name = s.site_name.as_deref().map(cell).unwrap_or_default();
        writeln!(
            out,
            "| {name} `{}` | {} | {} | {} | {} | {} | {} |",
            s.site.replace('`', "%60"),
            cell(&s.pack),
            s.runs,
            s.latest.as_of,
            s.latest.points_text(),
            cell(s.latest.grade.get(en)),
            s.latest.gaps
        )?;
    }
    Ok(())
}

/// A run row as stored.
struct RawRun {
    id: i64,
    as_of: String,
    generated_at: String,
    start_url: String,
    points: f64,
    grade: Text,
    pass: bool,
    vetoes: String,
    passed: i64,
    gaps: i64,
    inconclusive: i64,
    tool_version: String,
    worst: Option<f64>,
    provisional: bool,
}

/// An enum's serde name (`gap`, `major` ...), the form the database stores.
fn tag<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn untag<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(statuses: &[&[Status]]) -> Vec<(usize, Option<usize>)> {
        let seen = statuses.iter().enumerate().flat_map(|(i, run)| {
            let at = RunRef {
                run: i + 1,
                as_of: Date::constant(2026, 11, 26),
            };
            run.iter().enumerate().map(move |(r, status)| {
                (
                    at,
                    Seen {
                        rule_id: format!("R{r}"),
                        name: Text::new("规则", "rule"),
                        status: *status,
                        reason: None,
                        severity: Severity::Major,
                        message: Text::new("", ""),
                    },
                )
            })
        });
        gap_spans(seen.collect::<Vec<_>>())
            .into_iter()
            .map(|g| (g.opened.run, g.closed.map(|c| c.run)))
            .collect()
    }

    #[test]
    fn gaps_open_on_a_gap_and_close_on_a_pass_only() {
        use Status::*;
        // One rule: gap, inconclusive, pass → open in run 1, closed in run 3.
        assert_eq!(spans(&[&[Gap], &[Inconclusive], &[Pass]]), [(1, Some(3))]);
        // Gap, pass, gap → two spans; the second still open.
        assert_eq!(spans(&[&[Gap], &[Pass], &[Gap]]), [(1, Some(2)), (3, None)]);
        // Gap, gap, inconclusive → one span, still open.
        assert_eq!(spans(&[&[Gap], &[Gap], &[Inconclusive]]), [(1, None)]);
        // Pass or inconclusive alone opens nothing.
        assert_eq!(spans(&[&[Pass], &[Inconclusive], &[Pass]]), []);
    }
}
