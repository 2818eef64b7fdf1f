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
    /// The option that named the file, for messages (`-o`, `--archive`).
    flag: &'static str,
}

impl Output {
    /// A report file (`-o`).
    pub fn prepare(path: &Path, force: bool) -> Result<Output> {
        Output::prepare_as(path, force, "-o", "report.json", "")
    }

    /// A WARC archive (`--archive`): the crawl streams into [`Output::tmp_path`] and
    /// [`Output::persist`] moves it into place only when the audit is done, so a failed run
    /// never leaves half an archive under the user's name.
    pub fn archive(path: &Path, force: bool) -> Result<Output> {
        Output::prepare_as(path, force, "--archive", "site.warc.gz", ".warc.gz.part")
    }

    fn prepare_as(
        path: &Path,
        force: bool,
        flag: &'static str,
        example: &str,
        suffix: &str,
    ) -> Result<Output> {
        if path.is_dir() {
            return Err(anyhow!(
                "{flag} {}: is a directory; give a file name such as {example}",
                path.display()
            ));
        }
        if path.exists() && !force {
            return Err(anyhow!(
                "{flag} {}: the file exists; use --force to replace it",
                path.display()
            ));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".gongkai-")
            .suffix(suffix)
            .tempfile_in(&dir)
            .with_context(|| {
                format!(
                    "{flag} {}: cannot write in {}",
                    path.display(),
                    dir.display()
                )
            })?;
        Ok(Output {
            path: path.to_path_buf(),
            tmp,
            force,
            flag,
        })
    }

    /// The temporary file, for a writer that streams into it.
    pub fn tmp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes `bytes` and moves the file into place.
    pub fn commit(mut self, bytes: &[u8]) -> Result<()> {
        self.tmp
            .write_all(bytes)
            .and_then(|_| self.tmp.flush())
            .with_context(|| format!("writing {}", self.path.display()))?;
        self.persist()
    }

    /// Moves the temporary file, written by someone else, into place.
    pub fn persist(self) -> Result<()> {
        // Temporary files are private (0600); a report is an ordinary file.
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
        done.map_err(|e| anyhow!("{} {}: {}", self.flag, self.path.display(), e.error))
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
