//! Writing reports: atomic files that never replace a user's file without --force, and the
//! renderer for each format.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use gongkai::report::bulletin::BulletinReport;
use gongkai::report::csv::CsvReport;
use gongkai::report::html::HtmlReport;
use gongkai::report::json::JsonReport;
use gongkai::report::junit::JunitReport;
use gongkai::report::markdown::MarkdownReport;
use gongkai::report::sarif::SarifReport;
use gongkai::report::table::TableReport;
use gongkai::report::xlsx::XlsxReport;
use gongkai::report::{Format, Render};

/// An output file written atomically: a temporary file in the same directory (so an unwritable
/// directory fails before the crawl starts), moved into place only when the report is complete.
pub struct Output {
    pub path: PathBuf,
    tmp: tempfile::NamedTempFile,
    force: bool,
}

impl Output {
    pub fn prepare(path: &Path, force: bool) -> Result<Output> {
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

    pub fn commit(self, bytes: &[u8]) -> Result<()> {
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

/// `dir/stem.ext`, or `dir/stem-2.ext` ... when the file exists and --force was not given.
pub fn free_path(dir: &Path, stem: &str, ext: &str, force: bool) -> PathBuf {
    let first = dir.join(format!("{stem}.{ext}"));
    if force || !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// The renderer of a format. The table is coloured only when `color`, at `width` columns.
pub fn renderer(format: Format, en: bool, color: bool, width: u16) -> Box<dyn Render> {
    match format {
        Format::Json => Box::new(JsonReport),
        Format::Markdown => Box::new(MarkdownReport { en }),
        Format::Csv => Box::new(CsvReport { en }),
        Format::Junit => Box::new(JunitReport { en }),
        Format::Sarif => Box::new(SarifReport { en }),
        Format::Text => Box::new(BulletinReport { en }),
        Format::Html => Box::new(HtmlReport { en }),
        Format::Xlsx => Box::new(XlsxReport { en }),
        Format::Table => Box::new(TableReport { en, color, width }),
    }
}

/// Terminal width for tables: the terminal's when writing to one, else $COLUMNS, else 100.
pub fn terminal_width(tty: bool) -> u16 {
    if tty && let Some(w) = comfy_table::Table::new().width() {
        return w.clamp(60, 200);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &u16| *w >= 40)
        .unwrap_or(100)
}

/// The `--archive` file: streamed to a temporary file beside it, moved into place only when the
/// audit is done, so a failed run never leaves half an archive under the user's name.
pub struct ArchiveFile {
    path: PathBuf,
    pub tmp: tempfile::NamedTempFile,
    force: bool,
}

impl ArchiveFile {
    pub fn prepare(path: &std::path::Path, force: bool) -> Result<ArchiveFile> {
        if path.is_dir() {
            return Err(anyhow!(
                "--archive {}: is a directory; give a file name such as site.warc.gz",
                path.display()
            ));
        }
        if path.exists() && !force {
            return Err(anyhow!(
                "--archive {}: the file exists; use --force to replace it",
                path.display()
            ));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".gongkai-")
            .suffix(".warc.gz.part")
            .tempfile_in(&dir)
            .with_context(|| {
                format!(
                    "--archive {}: cannot write in {}",
                    path.display(),
                    dir.display()
                )
            })?;
        Ok(ArchiveFile {
            path: path.to_path_buf(),
            tmp,
            force,
        })
    }

    pub fn commit(self) -> Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ =
                std::fs::set_permissions(self.tmp.path(), std::fs::Permissions::from_mode(0o644));
        }
        let done = if self.force {
            self.tmp.persist(&self.path).map(|_| ())
        } else {
            self.tmp.persist_noclobber(&self.path).map(|_| ())
        };
        done.map_err(|e| anyhow!("--archive {}: {}", self.path.display(), e.error))
    }
}
