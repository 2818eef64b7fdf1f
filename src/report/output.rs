//! Writing reports: atomic files that never replace a user's file without `--force`.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output file could not be written. Messages name the option that named the file.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{flag} {path}: is a directory; give a file name such as {example}")]
    IsDir {
        flag: &'static str,
        path: PathBuf,
        example: &'static str,
    },
    #[error("{flag} {path}: the file exists; use --force to replace it")]
    Exists { flag: &'static str, path: PathBuf },
    #[error("{flag} {path}: cannot write in {dir}: {error}")]
    Dir {
        flag: &'static str,
        path: PathBuf,
        dir: PathBuf,
        error: std::io::Error,
    },
    #[error("writing {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{flag} {path}: {error}")]
    Persist {
        flag: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
}

/// An output file written atomically: a temporary file in the same directory (so an unwritable
/// directory fails before the crawl starts), moved into place only when the report is complete.
#[derive(Debug)]
pub struct Output {
    pub path: PathBuf,
    tmp: tempfile::NamedTempFile,
    force: bool,
    /// The option that named the file, for messages (`-o`, `--archive`).
    flag: &'static str,
}

impl Output {
    /// A report file (`-o`).
    pub fn prepare(path: &Path, force: bool) -> Result<Output, OutputError> {
        Output::prepare_as(path, force, "-o", "report.json", "")
    }

    /// A WARC archive (`--archive`): the crawl streams into [`Output::tmp_path`] and
    /// [`Output::persist`] moves it into place only when the audit is done, so a failed run
    /// never leaves half an archive under the user's name.
    pub fn archive(path: &Path, force: bool) -> Result<Output, OutputError> {
        Output::prepare_as(path, force, "--archive", "site.warc.gz", ".warc.gz.part")
    }

    fn prepare_as(
        path: &Path,
        force: bool,
        flag: &'static str,
        example: &'static str,
        suffix: &str,
    ) -> Result<Output, OutputError> {
        if path.is_dir() {
            return Err(OutputError::IsDir {
                flag,
                path: path.to_path_buf(),
                example,
            });
        }
        if path.exists() && !force {
            return Err(OutputError::Exists {
                flag,
                path: path.to_path_buf(),
            });
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".gongkai-")
            .suffix(suffix)
            .tempfile_in(&dir)
            .map_err(|error| OutputError::Dir {
                flag,
                path: path.to_path_buf(),
                dir: dir.clone(),
                error,
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
    pub fn commit(mut self, bytes: &[u8]) -> Result<(), OutputError> {
        self.tmp
            .write_all(bytes)
            .and_then(|_| self.tmp.flush())
            .map_err(|error| OutputError::Write {
                path: self.path.clone(),
                error,
            })?;
        self.persist()
    }

    /// Moves the temporary file, written by someone else, into place.
    pub fn persist(self) -> Result<(), OutputError> {
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
        done.map_err(|e| OutputError::Persist {
            flag: self.flag,
            path: self.path,
            error: e.error,
        })
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
