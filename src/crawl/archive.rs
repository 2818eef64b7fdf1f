//! The crawl's side of an archive: the exchanges it hands to a recorder, and the recorded
//! answers it can be given instead of the network. The archive format (WARC) belongs to the
//! `warc` module, which builds on these types; the crawler knows nothing of it.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use url::Url;

use super::Outcome;

/// One HTTP exchange as the crawler saw it: what was asked and what came back (or why nothing
/// did). Bodies are as decoded by the HTTP client.
#[derive(Debug)]
pub struct Exchange {
    pub method: String,
    pub url: Url,
    pub range: Option<String>,
    /// `If-None-Match` / `If-Modified-Since`, when the request asked whether a cached page changed.
    pub conditions: Vec<(String, String)>,
    pub date: jiff::Timestamp,
    pub result: Result<Answer, (Outcome, String)>,
}

#[derive(Debug)]
pub struct Answer {
    pub version: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// `length` when the body was cut at the size cap, `unspecified` when it was not read to
    /// the end (a redirect, an error status, a non-HTML body seen only as far as its first bytes).
    pub truncated: Option<&'static str>,
    /// An HTML page the crawler kept: gets a metadata record too.
    pub page: bool,
    /// The server answered 304 Not Modified and the crawl reused an earlier answer: `status`,
    /// `headers` and `body` are that earlier answer's, this is the 304.
    pub revisit: Option<Revisit>,
}

/// A 304 Not Modified that let the crawl reuse an earlier answer (from `--cache`).
#[derive(Debug, Clone)]
pub struct Revisit {
    /// The 304's HTTP version and headers.
    pub version: String,
    pub headers: HeaderMap,
    /// When the reused answer was fetched.
    pub stored: jiff::Timestamp,
}

/// Sends exchanges to whoever keeps them (a WARC writer thread); cheap to clone.
#[derive(Debug, Clone)]
pub struct Recorder(tokio::sync::mpsc::Sender<Exchange>);

impl Recorder {
    /// A recorder and the receiving end of its queue, which holds at most `capacity` exchanges
    /// (bodies up to the size cap each) before the crawl waits for the keeper.
    pub fn channel(capacity: usize) -> (Recorder, tokio::sync::mpsc::Receiver<Exchange>) {
        let (tx, rx) = tokio::sync::mpsc::channel(capacity);
        (Recorder(tx), rx)
    }

    pub async fn record(&self, e: Exchange) {
        // The keeper only stops after a write error, which it reports itself.
        let _ = self.0.send(e).await;
    }
}

/// A response read back from a record of an earlier crawl.
#[derive(Debug)]
pub struct Replayed {
    pub version: String,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The body was cut at the size cap when it was recorded.
    pub cut: bool,
    /// The recorded crawl got a 304 and reused this earlier answer.
    pub revisit: Option<Revisit>,
}

/// Answers recorded by an earlier crawl, given to the crawler instead of the network.
pub trait Recorded: std::fmt::Debug + Send + Sync {
    /// The recorded answer to a request; `Err` with the recorded failure, with `NotArchived`
    /// when the request was never made, or with `Error` when the record cannot be read.
    fn answer(
        &self,
        method: &str,
        range: Option<&str>,
        url: &Url,
    ) -> Result<Replayed, (Outcome, String)>;

    /// The soft-404 probe URL of the recorded crawl, so the replay asks the same question.
    fn probe_url(&self) -> Option<Url>;
}
