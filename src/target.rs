//! What to audit: an http(s) URL with a scope, or a local mirror served on 127.0.0.1.
//!
//! County bureaus usually live inside the county portal, so the audit unit is a URL subtree
//! (scheme, host, port and a path prefix), not a host.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

/// Errors in what the user asked to audit.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error(
        "`{input}` is neither an http(s) URL nor an existing directory\n  \
         hint: give a URL such as https://jyj.example.gov.cn/xxgk/ or the path of a saved mirror"
    )]
    NotFound { input: String },
    #[error(
        "`{input}` is not a valid URL: {reason}\n  hint: a target URL looks like https://jyj.example.gov.cn/xxgk/"
    )]
    BadUrl { input: String, reason: String },
    #[error("only http and https URLs can be audited, not `{scheme}:`")]
    Scheme { scheme: String },
    #[error(
        "`{path}` is a directory without a home page ({}): the audit starts from a home page\n  hint: point at the folder that holds the site's home page, or name it: --start PAGE",
        INDEX_FILES.join(", ")
    )]
    NoIndex { path: PathBuf },
    #[error(
        "`{path}` is a single saved page, not a saved site\n  hint: point at the folder it sits in (`gongkai audit {}`), or start the audit from that page: `gongkai audit {} --start {}`",
        dir.display(), dir.display(), file
    )]
    SinglePage {
        path: PathBuf,
        dir: PathBuf,
        file: String,
    },
    #[error(
        "--start `{page}`: no such file in `{dir}`\n  hint: give the path of the home page inside the saved site, such as index.htm or zwgk/index.htm"
    )]
    NoStartPage { page: String, dir: PathBuf },
    #[error(
        "--start names a page inside a saved site; for a URL, give that page's URL as the target"
    )]
    StartWithUrl,
    #[error("--scope `{scope}` is not valid: {reason}")]
    BadScope { scope: String, reason: String },
    #[error(
        "--scope `{scope}` does not contain the start page: {requested} redirects to {start}\n  \
         hint: give a scope that contains {start}, or leave --scope out to audit that URL's directory"
    )]
    ScopeMissesStart {
        scope: String,
        requested: String,
        start: String,
    },
    #[error("could not start the local server for `{path}`: {source}")]
    Serve {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The subtree of a site that is being audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scope {
    /// `scheme://host:port` of the audited site.
    pub origin: String,
    /// Path prefix; every in-scope URL's path starts with it. Always ends with `/`.
    pub path_prefix: String,
}

impl Scope {
    /// The scope implied by a start URL: its directory.
    pub fn from_url(url: &Url) -> Scope {
        let path = url.path();
        let dir = match path.rfind('/') {
            Some(i) => &path[..=i],
            None => "/",
        };
        Scope {
            origin: url.origin().ascii_serialization(),
            path_prefix: dir.to_string(),
        }
    }

    /// The scope a start page implies: its directory; for a path without a trailing slash that
    /// names a directory, that directory, unless the page's `links` go into the parent directory
    /// and none below the path.
    pub fn of_start(start: &Url, links: &[Url]) -> (Scope, ScopeFrom) {
        let parent = Scope::from_url(start);
        let last = start.path().rsplit('/').next().unwrap_or_default();
        if last.is_empty() || last.contains('.') {
            return (parent, ScopeFrom::Directory);
        }
        let named = Scope {
            origin: parent.origin.clone(),
            path_prefix: format!("{}/", start.path()),
        };
        let below = links
            .iter()
            .filter(|u| named.contains(u) && u.path() != start.path())
            .count();
        let beside = links
            .iter()
            .filter(|u| parent.contains(u) && !named.contains(u))
            .count();
        if beside > below {
            (parent, ScopeFrom::ParentDirectory)
        } else {
            (named, ScopeFrom::NamedDirectory)
        }
    }

    /// `scheme://host:port/prefix/`, as the report shows a scope.
    pub fn display(&self) -> String {
        format!("{}{}", self.origin, self.path_prefix)
    }

    /// Parses `--scope`: a full URL prefix or a path prefix on the target's origin. The start
    /// URL must be inside it.
    pub fn parse(scope: &str, start: &Url) -> Result<Scope, TargetError> {
        let s = Scope::parse_prefix(scope, start)?;
        if !s.contains(start) {
            return Err(TargetError::BadScope {
                scope: scope.to_string(),
                reason: format!("the start URL {start} is outside it"),
            });
        }
        Ok(s)
    }

    /// Parses `--scope` without asking whether the start URL is inside it (it may redirect).
    fn parse_prefix(scope: &str, start: &Url) -> Result<Scope, TargetError> {
        let bad = |reason: &str| TargetError::BadScope {
            scope: scope.to_string(),
            reason: reason.to_string(),
        };
        let url = if scope.starts_with('/') {
            start.join(scope).map_err(|e| bad(&e.to_string()))?
        } else {
            Url::parse(scope).map_err(|e| bad(&e.to_string()))?
        };
        let mut prefix = url.path().to_string();
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        Ok(Scope {
            origin: url.origin().ascii_serialization(),
            path_prefix: prefix,
        })
    }

    /// Whether a URL is inside the audited subtree.
    pub fn contains(&self, url: &Url) -> bool {
        url.origin().ascii_serialization() == self.origin
            && (url.path().starts_with(&self.path_prefix)
                || format!("{}/", url.path()) == self.path_prefix)
    }
}

/// How the audit scope was chosen.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ScopeFrom {
    /// The start page's directory (`.../xxgk/` of `.../xxgk/index.html`).
    #[default]
    Directory,
    /// `--scope` (or a batch row's scope).
    Given,
    /// The scope recorded in the archive being replayed.
    Archive,
    /// A start URL without a trailing slash (`.../fdzdgknr`), taken as the directory it names.
    NamedDirectory,
    /// A start URL without a trailing slash whose page links into its parent directory rather
    /// than below itself: the parent directory, as a browser resolves the page's links.
    ParentDirectory,
}

/// A resolved target, ready to crawl.
#[derive(Debug)]
pub struct Target {
    /// What the user typed, for the report.
    pub input: String,
    /// Where the crawl starts: the requested URL after its redirects, once
    /// [`Target::redirected`] has been told them.
    pub start: Url,
    pub scope: Scope,
    pub scope_from: ScopeFrom,
    /// The URL asked for, when it redirected to `start`.
    pub requested: Option<Url>,
    /// Each hop of the redirects from `requested` to `start`.
    pub redirects: Vec<Url>,
    /// `--scope` as given, to be applied again to where the start URL leads.
    given_scope: Option<String>,
    /// Kept alive for the duration of the audit when the target is a directory.
    pub server: Option<StaticServer>,
}

/// What a web server answers a directory with, in the order servers try them: index.html, the
/// TRS default index.htm, SSI sites' index.shtml, IIS's default.htm.
pub const INDEX_FILES: [&str; 6] = [
    "index.html",
    "index.htm",
    "index.shtml",
    "index.shtm",
    "default.htm",
    "default.html",
];

/// The home page file of a saved directory, by [`INDEX_FILES`] order.
pub fn index_file(dir: &Path) -> Option<&'static str> {
    INDEX_FILES.iter().copied().find(|f| dir.join(f).is_file())
}

impl Target {
    /// Resolves user input. A directory is served on 127.0.0.1 on a free port so that the same
    /// crawler code runs against it. Must be called inside a tokio runtime.
    pub async fn resolve(input: &str, scope: Option<&str>) -> Result<Target, TargetError> {
        Target::resolve_from(input, scope, None).await
    }

    /// [`Target::resolve`], starting a saved site's audit from `start_page` (a path inside it)
    /// rather than from its home page.
    pub async fn resolve_from(
        input: &str,
        scope: Option<&str>,
        start_page: Option<&str>,
    ) -> Result<Target, TargetError> {
        let looks_like_url = input.contains("://");
        let path = Path::new(input);
        if !looks_like_url && path.is_file() {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            return Err(TargetError::SinglePage {
                path: path.to_path_buf(),
                file: path
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                dir,
            });
        }
        if start_page.is_some() && (looks_like_url || !path.is_dir()) {
            return Err(TargetError::StartWithUrl);
        }
        if !looks_like_url && path.is_dir() {
            let page = match start_page {
                Some(p) => {
                    let rel = p.trim_start_matches('/');
                    if climbs_out(rel) || !path.join(rel).is_file() {
                        return Err(TargetError::NoStartPage {
                            page: p.to_string(),
                            dir: path.to_path_buf(),
                        });
                    }
                    Some(rel.to_string())
                }
                None if index_file(path).is_some() => None,
                None => {
                    return Err(TargetError::NoIndex {
                        path: path.to_path_buf(),
                    });
                }
            };
            let server = StaticServer::start(path)
                .await
                .map_err(|source| TargetError::Serve {
                    path: path.to_path_buf(),
                    source,
                })?;
            // The directory URL is the home page: the server answers it with the index file,
            // as the site's own server did.
            let start = match &page {
                Some(p) => server
                    .url()
                    .join(&encode_path(p))
                    .map_err(|e| TargetError::BadUrl {
                        input: p.clone(),
                        reason: e.to_string(),
                    })?,
                None => server.url(),
            };
            let mut target = Target::new(input, start, scope)?;
            if scope.is_none() {
                // The saved site is the scope, wherever in it the audit starts.
                target.scope = Scope::from_url(&server.url());
            }
            target.server = Some(server);
            return Ok(target);
        }
        if !looks_like_url {
            return Err(TargetError::NotFound {
                input: input.to_string(),
            });
        }
        let start = Url::parse(input).map_err(|e| TargetError::BadUrl {
            input: input.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(start.scheme(), "http" | "https") {
            return Err(TargetError::Scheme {
                scheme: start.scheme().to_string(),
            });
        }
        if start.host_str().is_none_or(str::is_empty) {
            return Err(TargetError::BadUrl {
                input: input.to_string(),
                reason: "it has no host".into(),
            });
        }
        Target::new(input, start, scope)
    }

    fn new(input: &str, start: Url, given: Option<&str>) -> Result<Target, TargetError> {
        let (scope, scope_from) = match given {
            // Whether the start page is inside is asked where the start URL leads.
            Some(s) => (Scope::parse_prefix(s, &start)?, ScopeFrom::Given),
            None => (Scope::from_url(&start), ScopeFrom::Directory),
        };
        Ok(Target {
            input: input.to_string(),
            start,
            scope,
            scope_from,
            requested: None,
            redirects: Vec::new(),
            given_scope: given.map(str::to_string),
            server: None,
        })
    }

    /// Marks a scope that came from a replayed archive rather than from the user.
    pub fn from_archive(mut self) -> Target {
        if self.scope_from == ScopeFrom::Given {
            self.scope_from = ScopeFrom::Archive;
        }
        self
    }

    /// Where the start URL leads: its redirects (empty when it answered itself) and the links
    /// of the page it ends at. The home page is the page at the end of the redirects and the
    /// scope follows it: a county site that redirects `/xxgk` to `/xxgk/`, an old address to
    /// `/`, or http to https is audited where it now is. A given scope must contain the final
    /// URL. A start URL without a trailing slash that names a directory (`.../fdzdgknr`, no
    /// file extension) is taken as that directory, unless its page links into the parent
    /// directory and not below itself: a browser resolves such a page's relative links against
    /// the parent, so the section lives there.
    pub fn redirected(mut self, redirects: Vec<Url>, links: &[Url]) -> Result<Target, TargetError> {
        if let Some(last) = redirects.last().cloned() {
            self.requested = Some(std::mem::replace(&mut self.start, last));
            self.redirects = redirects;
        }
        if let Some(given) = &self.given_scope {
            // A path-only scope is on the host the start URL leads to.
            let scope = Scope::parse_prefix(given, &self.start)?;
            if !scope.contains(&self.start) {
                return Err(match &self.requested {
                    Some(requested) => TargetError::ScopeMissesStart {
                        scope: given.clone(),
                        requested: requested.to_string(),
                        start: self.start.to_string(),
                    },
                    None => TargetError::BadScope {
                        scope: given.clone(),
                        reason: format!("the start URL {} is outside it", self.start),
                    },
                });
            }
            self.scope = scope;
            return Ok(self);
        }
        (self.scope, self.scope_from) = Scope::of_start(&self.start, links);
        Ok(self)
    }

    /// Whether the target is a local mirror (no politeness delay needed).
    pub fn is_local(&self) -> bool {
        self.server.is_some()
    }
}

/// A static file server on 127.0.0.1 for a saved mirror. It serves files byte for byte with a
/// bare `text/html` content type, like many real county servers, so charset sniffing is exercised.
#[derive(Debug)]
pub struct StaticServer {
    addr: SocketAddr,
    handle: tokio::task::JoinHandle<()>,
}

impl StaticServer {
    /// Binds a free port and serves `root` until dropped.
    pub async fn start(root: &Path) -> std::io::Result<StaticServer> {
        StaticServer::start_on(root, 0).await
    }

    /// Serves `root` on 127.0.0.1:`port` (0 picks a free port) until dropped.
    pub async fn start_on(root: &Path, port: u16) -> std::io::Result<StaticServer> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let service =
            tower_http::services::ServeDir::new(root).append_index_html_on_directories(true);
        let app = axum::Router::new().fallback_service(service).layer(
            axum::middleware::map_request_with_state(
                std::sync::Arc::new(root.to_path_buf()),
                directory_index,
            ),
        );
        // Without TCP_NODELAY, small responses on loopback stall on delayed ACKs (~40 ms each).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let handle = tokio::spawn(async move {
            // The server ends when the task is aborted on drop; an accept error ends it early
            // and shows up as fetch failures, which the audit reports.
            let _ = axum::serve(listener, app).await;
        });
        Ok(StaticServer { addr, handle })
    }

    /// The URL of the mirror's home page.
    pub fn url(&self) -> Url {
        Url::parse(&format!("http://{}/", self.addr)).expect("loopback URL is valid")
    }
}

/// A directory request answered with the directory's own index file when it has no index.html
/// (`/zwgk/` → `/zwgk/index.htm`), as the site's web server did.
async fn directory_index(
    axum::extract::State(root): axum::extract::State<std::sync::Arc<PathBuf>>,
    mut req: axum::extract::Request,
) -> axum::extract::Request {
    let path = req.uri().path();
    if !path.ends_with('/') {
        return req;
    }
    let rel =
        percent_encoding::percent_decode_str(path.trim_start_matches('/')).decode_utf8_lossy();
    // Never look outside the mirror; ServeDir refuses such paths itself.
    if climbs_out(&rel) {
        return req;
    }
    let dir = root.join(&*rel);
    if let Some(file) = index_file(&dir).filter(|f| *f != "index.html") {
        let query = req
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        if let Ok(uri) = format!("{path}{file}{query}").parse() {
            *req.uri_mut() = uri;
        }
    }
    req
}

/// Whether a path relative to the mirror climbs out of it (`..`).
fn climbs_out(rel: &str) -> bool {
    rel.split(['/', '\\']).any(|s| s == "..")
}

/// A relative file path as a URL path: what a URL would read otherwise (`#`, `?`, `%`, spaces)
/// percent-encoded; the URL parser encodes the rest (Chinese names).
fn encode_path(p: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'#')
        .add(b'?')
        .add(b'%')
        .add(b'"');
    p.split(['/', '\\'])
        .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_is_the_start_directory() {
        let u = Url::parse("https://www.example.gov.cn/bm/jyj/xxgk/index.html").unwrap();
        let s = Scope::from_url(&u);
        assert_eq!(s.path_prefix, "/bm/jyj/xxgk/");
        assert!(
            s.contains(&Url::parse("https://www.example.gov.cn/bm/jyj/xxgk/gzdt/t1.html").unwrap())
        );
        assert!(s.contains(&Url::parse("https://www.example.gov.cn/bm/jyj/xxgk").unwrap()));
        assert!(!s.contains(&Url::parse("https://www.example.gov.cn/bm/czj/").unwrap()));
        assert!(!s.contains(&Url::parse("http://www.example.gov.cn/bm/jyj/xxgk/").unwrap()));
        assert!(!s.contains(&Url::parse("https://www.example.gov.cn:8443/bm/jyj/xxgk/").unwrap()));
    }

    #[test]
    fn scope_override_must_contain_the_start() {
        let u = Url::parse("https://www.example.gov.cn/bm/jyj/xxgk/").unwrap();
        let s = Scope::parse("/bm/jyj", &u).unwrap();
        assert_eq!(s.path_prefix, "/bm/jyj/");
        assert!(Scope::parse("/bm/czj/", &u).is_err());
        assert!(Scope::parse("not a url", &u).is_err());
    }

    #[test]
    fn a_slashless_start_is_its_directory_unless_its_links_say_otherwise() {
        let u = |s: &str| Url::parse(s).unwrap();
        let start = u("https://www.example.gov.cn/bm/jyj");
        // No links to go by: the directory the path names.
        let (s, from) = Scope::of_start(&start, &[]);
        assert_eq!(
            (s.path_prefix.as_str(), from),
            ("/bm/jyj/", ScopeFrom::NamedDirectory)
        );
        assert!(s.contains(&start));
        let below = [
            u("https://www.example.gov.cn/bm/jyj/gzdt/"),
            u("https://www.example.gov.cn/"),
        ];
        assert_eq!(Scope::of_start(&start, &below).1, ScopeFrom::NamedDirectory);
        // Relative links of a page at `/bm/jyj` land in `/bm/`: the section lives there.
        let beside = [
            u("https://www.example.gov.cn/bm/gzdt/"),
            u("https://www.example.gov.cn/bm/tzgg/"),
        ];
        let (s, from) = Scope::of_start(&start, &beside);
        assert_eq!(
            (s.path_prefix.as_str(), from),
            ("/bm/", ScopeFrom::ParentDirectory)
        );
        // A file name keeps its directory, as before.
        let (s, from) = Scope::of_start(&u("https://www.example.gov.cn/bm/jyj/index.jsp"), &beside);
        assert_eq!(
            (s.path_prefix.as_str(), from),
            ("/bm/jyj/", ScopeFrom::Directory)
        );
    }
}
