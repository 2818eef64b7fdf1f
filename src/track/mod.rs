//! Tracking a site across runs: compare two saved reports ([`diff`]) and keep every run in a
//! SQLite history ([`history`]). Works on finished [`Report`]s only, so it sits after `report`.

pub mod diff;
pub mod history;
pub mod recheck;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::report::{Render, Report, SCHEMA_VERSION};

pub use diff::{Change, ReportDiff, RuleChange};
pub use history::{History, HistoryError, SiteHistory, SiteLatest};

/// Output formats of `diff` and `history`: the ones that make sense for a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackFormat {
    /// A table for the terminal.
    Table,
    /// JSON, for scripts and batch summaries.
    Json,
    /// Markdown, for CI step summaries and issue trackers.
    Markdown,
}

impl crate::report::Choices for TrackFormat {
    const ALL: &'static [TrackFormat] =
        &[TrackFormat::Table, TrackFormat::Json, TrackFormat::Markdown];

    fn name(self) -> &'static str {
        match self {
            TrackFormat::Table => "table",
            TrackFormat::Json => "json",
            TrackFormat::Markdown => "markdown",
        }
    }

    fn help(self) -> &'static str {
        match self {
            TrackFormat::Table => "A table for the terminal",
            TrackFormat::Json => "JSON, for scripts and batch summaries",
            TrackFormat::Markdown => "Markdown, for CI step summaries and issue trackers",
        }
    }
}

impl TrackFormat {
    /// The format a file name implies, if any.
    pub fn from_path(path: &Path) -> Option<TrackFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(TrackFormat::Json),
            "md" | "markdown" => Some(TrackFormat::Markdown),
            "txt" => Some(TrackFormat::Table),
            _ => None,
        }
    }
}

/// `diff`, `recheck` and `history` output as a file format: JSON or Markdown. The terminal
/// table ([`TrackFormat::Table`]) is drawn by the front end; asked for here, it is an error.
pub struct TrackRender {
    pub format: TrackFormat,
    pub en: bool,
}

fn json<T: Serialize + ?Sized>(value: &T, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

fn drawn_by_the_front_end() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "the terminal table is drawn by the command line, not by the library",
    )
}

impl Render<ReportDiff> for TrackRender {
    fn render(&self, d: &ReportDiff, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self.format {
            TrackFormat::Table => Err(drawn_by_the_front_end()),
            TrackFormat::Json => json(d, out),
            TrackFormat::Markdown => d.render_markdown(out, self.en),
        }
    }
}

/// One site's histories, one per rule pack it was audited with.
impl Render<[SiteHistory]> for TrackRender {
    fn render(&self, packs: &[SiteHistory], out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self.format {
            TrackFormat::Table => Err(drawn_by_the_front_end()),
            TrackFormat::Json => json(packs, out),
            TrackFormat::Markdown => {
                for (i, h) in packs.iter().enumerate() {
                    if i > 0 {
                        writeln!(out)?;
                    }
                    h.render_markdown(out, self.en)?;
                }
                Ok(())
            }
        }
    }
}

/// The sites in a history, with their latest scores.
impl Render<[SiteLatest]> for TrackRender {
    fn render(&self, sites: &[SiteLatest], out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self.format {
            TrackFormat::Table => Err(drawn_by_the_front_end()),
            TrackFormat::Json => json(sites, out),
            TrackFormat::Markdown => history::render_sites_markdown(sites, out, self.en),
        }
    }
}

/// Why a saved report could not be read. Causes are part of the message (fields are not
/// `source`), so the CLI's `{:#}` prints each once.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read it: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "{path}: not JSON ({error})\n  hint: give a report written by `gongkai audit -f json -o FILE`"
    )]
    NotJson {
        path: PathBuf,
        error: serde_json::Error,
    },
    #[error(
        "{path}: not a gongkai report: {detail}\n  hint: give a report written by `gongkai audit -f json -o FILE`"
    )]
    NotReport { path: PathBuf, detail: String },
    #[error(
        "{path}: report schema version {found} is newer than this gongkai understands (up to {supported})\n  hint: upgrade gongkai to compare it"
    )]
    Newer {
        path: PathBuf,
        found: u64,
        supported: u32,
    },
}

/// Reads a JSON report written by `gongkai audit -f json`. The version is checked before the
/// fields, so a newer report gets "upgrade" rather than a confusing missing-field message.
pub fn load_report(path: &Path) -> Result<Report, LoadError> {
    let bytes = std::fs::read(path).map_err(|error| LoadError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|error| LoadError::NotJson {
            path: path.to_path_buf(),
            error,
        })?;
    let not_report = |detail: String| LoadError::NotReport {
        path: path.to_path_buf(),
        detail,
    };
    let is_gongkai = value
        .get("tool")
        .and_then(|t| t.get("name"))
        .and_then(|n| n.as_str())
        == Some("gongkai");
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    let Some(version) = version.filter(|_| is_gongkai) else {
        return Err(not_report(
            "it lacks `schema_version` or `\"tool\": {\"name\": \"gongkai\"}`".into(),
        ));
    };
    if version > u64::from(SCHEMA_VERSION) {
        return Err(LoadError::Newer {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    serde_json::from_value(value).map_err(|e| not_report(e.to_string()))
}

/// What identifies a site across runs. A local mirror is served on a new loopback port every
/// run, so it is known by its directory; a live site by its start URL.
pub fn site_key(report: &Report) -> String {
    if report.target.local {
        // The audit just ran from this working directory, so the path resolves as it did then.
        std::fs::canonicalize(&report.target.input)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| report.target.input.clone())
    } else {
        report.target.requested().to_string()
    }
}

/// `2026-11-26T08:15:42.123Z` → `2026-11-26 08:15 UTC`; anything else unchanged.
pub fn short_time(rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_names_are_the_serde_names() {
        crate::report::tests::choices_match_serde::<super::TrackFormat>();
    }
}
