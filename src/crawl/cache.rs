//! Pages kept from earlier runs (`--cache DIR`), so that a re-audit asks the site only whether
//! each page changed (`If-None-Match` / `If-Modified-Since`) and reuses the kept body when the
//! answer is 304 Not Modified. A daily CI job then costs an unchanged site a few hundred small
//! answers instead of its pages.
//!
//! Layout: `DIR/CACHEDIR.TAG` (so that backup tools skip the directory) and
//! `DIR/gongkai-v1/<2 hex>/<38 hex>`, one file per URL named by the SHA-1 of the URL. A file
//! holds a magic line, one JSON line of metadata (the URL, when it was stored, the status line and
//! headers of the answer, the body's length and SHA-1) and the body, gzip-compressed.
//!
//! What a user can rely on:
//! - Only a 200 with a validator (`ETag` or `Last-Modified`) whose body the crawl kept (pages,
//!   robots.txt, sitemaps) is stored; link checks (HEAD) store nothing. A body is served only on
//!   a 304 to a request that carried its validators: a URL that now answers 404, 403 or 5xx is
//!   judged on that answer, and a 404 or 410 removes its entry.
//! - Entries are written to a temporary file beside their place and renamed into it, so a reader
//!   (another unit of a batch, another process) sees a whole old entry or a whole new one, and a
//!   killed run leaves at most a temporary file, which [`Cache::prune`] removes. A file that does
//!   not check out (wrong magic, URL, length or checksum: a disk error, an edit) is ignored and
//!   removed, and the page fetched in full. No `fsync`: a body lost in a power cut fails its
//!   checksum, which costs one full fetch.
//! - The size is bounded: [`Cache::prune`] (run at the end of every audit and batch) removes the
//!   least recently used entries beyond the limit. Deleting the directory is always safe.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use reqwest::header::{ETAG, HeaderMap, HeaderName, HeaderValue, LAST_MODIFIED};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use url::Url;

/// The subdirectory of this format; another format gets another name, so old files are never
/// misread.
const VERSION_DIR: &str = "gongkai-v1";
const MAGIC: &[u8] = b"gongkai-cache 1\n";
/// Temporary files older than this are leftovers of a killed run (a live write takes seconds).
const STALE_TEMP: Duration = Duration::from_secs(3600);
const TEMP_PREFIX: &str = ".tmp-";
/// The default size limit, in megabytes (bodies are stored compressed, about a sixth of their size).
pub const DEFAULT_MAX_MB: u64 = 2048;

/// Why a cache directory cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("--cache {path}: {reason}")]
pub struct CacheError {
    pub path: PathBuf,
    pub reason: String,
}

/// A cache directory. Cheap to clone; every method does blocking file I/O.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
    max_bytes: u64,
}

/// One stored answer.
#[derive(Debug, Clone)]
pub struct Entry {
    pub url: Url,
    /// When the body was fetched.
    pub stored: jiff::Timestamp,
    pub version: String,
    pub status: u16,
    pub headers: HeaderMap,
    /// The body was cut at the size cap of the run that stored it.
    pub truncated: bool,
    /// As decoded by the HTTP client.
    pub body: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    url: String,
    stored: jiff::Timestamp,
    version: String,
    status: u16,
    headers: Vec<(String, String)>,
    truncated: bool,
    body_len: u64,
    body_sha1: String,
}

/// What [`Cache::prune`] found and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub entries: usize,
    pub bytes: u64,
    pub removed: usize,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Headers not worth keeping: hop-by-hop ones, lengths (the stored body has its own), cookies
/// (the crawler sends none, and a session id has no business on disk).
fn kept_header(name: &HeaderName) -> bool {
    !matches!(
        name.as_str(),
        "set-cookie"
            | "connection"
            | "keep-alive"
            | "transfer-encoding"
            | "content-length"
            | "date"
            | "age"
    )
}

impl Entry {
    /// An answer as it would be stored; see [`Entry::revalidatable`].
    pub fn new(
        url: &Url,
        version: &str,
        status: u16,
        headers: &HeaderMap,
        body: Vec<u8>,
        truncated: bool,
    ) -> Entry {
        Entry {
            url: url.clone(),
            stored: jiff::Timestamp::now(),
            version: version.to_string(),
            status,
            headers: headers
                .iter()
                .filter(|(k, _)| kept_header(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            truncated,
            body,
        }
    }

    /// Whether the answer is worth storing: a 200 with an `ETag` or a `Last-Modified` to ask
    /// with next time.
    pub fn revalidatable(&self) -> bool {
        self.status == 200 && (self.etag().is_some() || self.last_modified().is_some())
    }

    fn header(&self, name: &HeaderName) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    pub fn etag(&self) -> Option<&str> {
        self.header(&ETAG)
    }

    pub fn last_modified(&self) -> Option<&str> {
        self.header(&LAST_MODIFIED)
    }

    /// The request headers that ask whether this answer is still current. Both when both are
    /// known: a server that honours one ignores the other, and one that honours both must give
    /// `If-None-Match` precedence. The ETag goes back as it came, weak (`W/"…"`) included:
    /// `If-None-Match` compares weakly.
    pub fn conditions(&self) -> Vec<(HeaderName, String)> {
        let mut c = Vec::new();
        if let Some(e) = self.etag() {
            c.push((reqwest::header::IF_NONE_MATCH, e.to_string()));
        }
        if let Some(l) = self.last_modified() {
            c.push((reqwest::header::IF_MODIFIED_SINCE, l.to_string()));
        }
        c
    }

    /// Takes the validators a 304 sends (a server may rotate them); whether any changed.
    pub fn refresh(&mut self, not_modified: &HeaderMap) -> bool {
        let mut changed = false;
        for name in [ETAG, LAST_MODIFIED] {
            if let Some(v) = not_modified.get(&name)
                && self.headers.get(&name) != Some(v)
            {
                self.headers.insert(name, v.clone());
                changed = true;
            }
        }
        changed
    }

    /// Whether a fresh answer says the same as this entry, so rewriting it would change nothing.
    pub fn same_as(&self, other: &Entry) -> bool {
        self.etag() == other.etag()
            && self.last_modified() == other.last_modified()
            && self.truncated == other.truncated
            && self.body == other.body
    }
}

/// Whether a URL is worth storing: the soft-404 probe asks a new random path every run.
pub fn storable(url: &Url) -> bool {
    !url.path().contains("/gongkai-probe-")
}

impl Cache {
    /// Opens (creating it if need be) a cache directory, and checks that it can be written.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Cache, CacheError> {
        let bad = |reason: String| CacheError {
            path: dir.to_path_buf(),
            reason,
        };
        if dir.exists() && !dir.is_dir() {
            return Err(bad("not a directory".into()));
        }
        let root = dir.join(VERSION_DIR);
        std::fs::create_dir_all(&root).map_err(|e| bad(format!("cannot create it: {e}")))?;
        let tag = dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            // https://bford.info/cachedir/: backup and archiving tools skip a tagged directory.
            let _ = std::fs::write(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# gongkai's page cache (--cache); safe to delete.\n",
            );
        }
        tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(&root)
            .map_err(|e| bad(format!("cannot write in it: {e}")))?;
        Ok(Cache { root, max_bytes })
    }

    fn path_of(&self, url: &Url) -> PathBuf {
        let h = hex(&Sha1::digest(url.as_str().as_bytes()));
        self.root.join(&h[..2]).join(&h[2..])
    }

    /// The entry for `url`; `None` when there is none or it does not check out (then it is
    /// removed, so that the full answer replaces it).
    pub fn get(&self, url: &Url) -> Option<Entry> {
        let path = self.path_of(url);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!(%url, path = %path.display(), error = %e, "cache entry unreadable; fetching in full");
                return None;
            }
        };
        match decode(url, &bytes) {
            Ok(e) => Some(e),
            Err(why) => {
                tracing::warn!(%url, path = %path.display(), why, "cache entry corrupt; ignored and removed");
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores an entry in place of any earlier one, atomically.
    pub fn put(&self, e: &Entry) -> std::io::Result<()> {
        if !e.revalidatable() || !storable(&e.url) {
            return Ok(());
        }
        let path = self.path_of(&e.url);
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        let meta = Meta {
            url: e.url.to_string(),
            stored: e.stored,
            version: e.version.clone(),
            status: e.status,
            headers: e
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            truncated: e.truncated,
            body_len: e.body.len() as u64,
            body_sha1: hex(&Sha1::digest(&e.body)),
        };
        {
            let mut out = std::io::BufWriter::new(tmp.as_file_mut());
            out.write_all(MAGIC)?;
            serde_json::to_writer(&mut out, &meta)?;
            out.write_all(b"\n")?;
            let mut gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::fast());
            gz.write_all(&e.body)?;
            gz.finish()?;
            out.flush()?;
        }
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Marks an entry as just used, so that the size limit removes others first.
    pub fn touch(&self, url: &Url) {
        let path = self.path_of(url);
        if let Ok(f) = std::fs::File::options().write(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
    }

    pub fn remove(&self, url: &Url) {
        let _ = std::fs::remove_file(self.path_of(url));
    }

    /// Removes temporary files that killed runs left, then the least recently used entries until
    /// the cache is within its size limit (to nine tenths of it, so that the next run does not
    /// prune again at once). Safe while other audits use the cache: an entry removed under
    /// them is a miss, a full fetch.
    pub fn prune(&self) -> std::io::Result<Pruned> {
        let mut files: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
        let now = SystemTime::now();
        let mut removed = 0;
        for sub in std::fs::read_dir(&self.root)? {
            let sub = sub?.path();
            if !sub.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&sub)? {
                let Ok(f) = f else { continue };
                let Ok(meta) = f.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                let modified = meta.modified().unwrap_or(now);
                if f.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                    if now.duration_since(modified).unwrap_or_default() > STALE_TEMP
                        && std::fs::remove_file(f.path()).is_ok()
                    {
                        removed += 1;
                    }
                    continue;
                }
                files.push((modified, meta.len(), f.path()));
            }
        }
        let mut bytes: u64 = files.iter().map(|(_, n, _)| n).sum();
        if bytes > self.max_bytes {
            let goal = self.max_bytes / 10 * 9;
            files.sort();
            let mut kept = files.len();
            for (_, n, path) in &files {
                if bytes <= goal {
                    break;
                }
                if std::fs::remove_file(path).is_ok() {
                    bytes -= n;
                    kept -= 1;
                    removed += 1;
                }
            }
            return Ok(Pruned {
                entries: kept,
                bytes,
                removed,
            });
        }
        Ok(Pruned {
            entries: files.len(),
            bytes,
            removed,
        })
    }
}

fn decode(url: &Url, bytes: &[u8]) -> Result<Entry, &'static str> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or("not a gongkai cache entry")?;
    let nl = memchr::memchr(b'\n', rest).ok_or("no metadata line")?;
    let meta: Meta = serde_json::from_slice(&rest[..nl]).map_err(|_| "unreadable metadata")?;
    if meta.url != url.as_str() {
        return Err("stored for another URL");
    }
    let mut body = Vec::with_capacity(meta.body_len.min(64 << 20) as usize);
    // Read one byte past the stated length: a longer body is as wrong as a shorter one.
    flate2::read::GzDecoder::new(&rest[nl + 1..])
        .take(meta.body_len.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(|_| "body cut short or not gzip")?;
    if body.len() as u64 != meta.body_len || hex(&Sha1::digest(&body)) != meta.body_sha1 {
        return Err("body does not match its checksum");
    }
    let mut headers = HeaderMap::new();
    for (k, v) in &meta.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            headers.append(k, v);
        }
    }
    Ok(Entry {
        url: url.clone(),
        stored: meta.stored,
        version: meta.version,
        status: meta.status,
        headers,
        truncated: meta.truncated,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &Url, body: &[u8]) -> Entry {
        let mut h = HeaderMap::new();
        h.insert(ETAG, HeaderValue::from_static("W/\"5f-1a\""));
        h.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        h.insert(
            reqwest::header::SET_COOKIE,
            HeaderValue::from_static("JSESSIONID=abc"),
        );
        Entry::new(url, "HTTP/1.1", 200, &h, body.to_vec(), false)
    }

    #[test]
    fn an_entry_reads_back_and_a_damaged_one_is_ignored_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), 1 << 20).unwrap();
        let url = Url::parse("http://jyj.example.gov.cn/xxgk/index.html").unwrap();
        let e = entry(&url, "<html>通知公告</html>".as_bytes());
        cache.put(&e).unwrap();
        let back = cache.get(&url).unwrap();
        assert!(back.same_as(&e));
        assert_eq!(back.etag(), Some("W/\"5f-1a\""));
        assert!(back.headers.get(reqwest::header::SET_COOKIE).is_none());
        assert_eq!(
            back.conditions(),
            vec![(reqwest::header::IF_NONE_MATCH, "W/\"5f-1a\"".to_string())]
        );
        // Another URL never gets this entry.
        assert!(
            cache
                .get(&Url::parse("http://jyj.example.gov.cn/xxgk/").unwrap())
                .is_none()
        );

        // A file cut short (a disk error; a rename makes a killed write impossible) is ignored
        // and removed.
        let path = cache.path_of(&url);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 6]).unwrap();
        assert!(cache.get(&url).is_none());
        assert!(!path.exists());
        // A flipped byte in the body fails the checksum.
        cache.put(&e).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let meta_end = MAGIC.len() + memchr::memchr(b'\n', &bytes[MAGIC.len()..]).unwrap() + 1;
        let mut meta: serde_json::Value =
            serde_json::from_slice(&bytes[MAGIC.len()..meta_end]).unwrap();
        meta["body_sha1"] = serde_json::Value::String("0".repeat(40));
        let mut forged = MAGIC.to_vec();
        forged.extend(serde_json::to_vec(&meta).unwrap());
        forged.push(b'\n');
        forged.extend_from_slice(&bytes.split_off(meta_end));
        std::fs::write(&path, forged).unwrap();
        assert!(cache.get(&url).is_none());
    }

    #[test]
    fn answers_without_a_validator_or_not_200_are_not_stored() {
        let url = Url::parse("http://jyj.example.gov.cn/").unwrap();
        let ok = |status: u16, h: &HeaderMap| {
            Entry::new(&url, "HTTP/1.1", status, h, b"x".to_vec(), false).revalidatable()
        };
        let mut h = HeaderMap::new();
        assert!(!ok(200, &h));
        h.insert(
            LAST_MODIFIED,
            HeaderValue::from_static("Tue, 01 Dec 2026 08:00:00 GMT"),
        );
        assert!(ok(200, &h));
        assert!(!ok(206, &h));
        // Not written either: a later run would have nothing to ask with.
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), 1 << 20).unwrap();
        cache
            .put(&Entry::new(
                &url,
                "HTTP/1.1",
                200,
                &HeaderMap::new(),
                b"x".to_vec(),
                false,
            ))
            .unwrap();
        assert!(cache.get(&url).is_none());
        assert!(!storable(
            &Url::parse("http://jyj.example.gov.cn/gongkai-probe-0123456789abcdef.html").unwrap()
        ));
    }

    #[test]
    fn prune_keeps_the_most_recently_used_within_the_limit_and_clears_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        // Entries of 20 KB of incompressible body (21.4 KB on disk): pruned to 67.5 KB, three.
        let cache = Cache::open(dir.path(), 75_000).unwrap();
        let urls: Vec<Url> = (0..5)
            .map(|i| Url::parse(&format!("http://jyj.example.gov.cn/{i}.html")).unwrap())
            .collect();
        for (i, u) in urls.iter().enumerate() {
            let body: Vec<u8> = (0..20_000).map(|_| fastrand::u8(..)).collect();
            cache.put(&entry(u, &body)).unwrap();
            // Oldest first, by the clock the limit goes by.
            let f = std::fs::File::options()
                .write(true)
                .open(cache.path_of(u))
                .unwrap();
            f.set_modified(SystemTime::now() - Duration::from_secs(1000 - i as u64))
                .unwrap();
        }
        // The oldest, used again just now, outlives the others.
        cache.touch(&urls[0]);
        // A killed run's temporary file, two hours old, and a live one.
        let sub = cache.root.join("00");
        std::fs::create_dir_all(&sub).unwrap();
        let old = sub.join(".tmp-killed");
        std::fs::write(&old, b"half").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(7200))
            .unwrap();
        let live = sub.join(".tmp-writing");
        std::fs::write(&live, b"half").unwrap();

        let p = cache.prune().unwrap();
        assert!(p.bytes <= 67_500, "{p:?}");
        assert!(!old.exists());
        assert!(live.exists());
        assert!(cache.get(&urls[0]).is_some());
        assert!(cache.get(&urls[4]).is_some());
        assert!(cache.get(&urls[1]).is_none());
        assert_eq!(p.entries, 3, "{p:?}");
        assert_eq!(p.removed, 3, "{p:?}");
    }

    #[test]
    fn a_304_that_rotates_validators_updates_them_and_one_that_does_not_changes_nothing() {
        let url = Url::parse("http://jyj.example.gov.cn/").unwrap();
        let mut e = entry(&url, b"<html></html>");
        let mut h = HeaderMap::new();
        assert!(!e.refresh(&h));
        h.insert(ETAG, HeaderValue::from_static("W/\"5f-1a\""));
        assert!(!e.refresh(&h));
        h.insert(ETAG, HeaderValue::from_static("\"v2\""));
        h.insert(
            LAST_MODIFIED,
            HeaderValue::from_static("Wed, 02 Dec 2026 08:00:00 GMT"),
        );
        assert!(e.refresh(&h));
        assert_eq!(e.etag(), Some("\"v2\""));
        assert_eq!(e.conditions().len(), 2);
        assert_eq!(e.body, b"<html></html>");
    }

    #[test]
    fn a_file_in_place_of_the_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cache");
        std::fs::write(&file, b"").unwrap();
        let e = Cache::open(&file, 1).unwrap_err();
        assert!(e.to_string().contains("not a directory"), "{e}");
    }
}
