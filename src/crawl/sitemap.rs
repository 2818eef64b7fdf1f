//! Sitemaps (`<urlset>` and `<sitemapindex>`, plain or `.xml.gz`): more URLs for the frontier and
//! `<lastmod>` as one more date signal.

use std::io::Read;

use quick_xml::Reader;
use quick_xml::events::Event;

/// What one sitemap file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sitemap {
    /// Page URLs with their `<lastmod>` when given.
    Urls(Vec<(String, Option<jiff::civil::Date>)>),
    /// Child sitemap URLs.
    Index(Vec<String>),
}

#[derive(Debug, thiserror::Error)]
pub enum SitemapError {
    #[error("not a sitemap: {0}")]
    Xml(String),
    #[error("gzip: {0}")]
    Gzip(std::io::Error),
    #[error("larger than {0} bytes once decompressed")]
    TooLarge(usize),
}

/// The decompressed size cap: the sitemap protocol allows 50 MB; a bomb must not get further.
pub const MAX_DECOMPRESSED: usize = 50 * 1024 * 1024;
/// At most this many URLs are taken from one file (the protocol's own limit).
pub const MAX_URLS: usize = 50_000;

/// Parses a sitemap body, gunzipping it first when it starts with the gzip magic (a `.xml.gz`
/// file is a file format, not a transfer encoding, so the HTTP layer does not do it).
pub fn parse(body: &[u8]) -> Result<Sitemap, SitemapError> {
    let xml: std::borrow::Cow<[u8]> = if body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(body)
            .take(MAX_DECOMPRESSED as u64 + 1)
            .read_to_end(&mut out)
            .map_err(SitemapError::Gzip)?;
        if out.len() > MAX_DECOMPRESSED {
            return Err(SitemapError::TooLarge(MAX_DECOMPRESSED));
        }
        out.into()
    } else {
        body.into()
    };
    let mut reader = Reader::from_reader(xml.as_ref());
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut is_index = None;
    let mut in_loc = false;
    let mut in_lastmod = false;
    let mut loc: Option<String> = None;
    let mut lastmod = None;
    let mut urls = Vec::new();
    let mut children = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                b"urlset" => is_index = Some(false),
                b"sitemapindex" => is_index = Some(true),
                b"loc" => in_loc = true,
                b"lastmod" => in_lastmod = true,
                _ => {}
            },
            Ok(Event::Text(t)) => {
                let text = t.decode().map(|s| s.trim().to_string()).unwrap_or_default();
                if in_loc {
                    loc = Some(text);
                } else if in_lastmod {
                    lastmod = text
                        .get(..10)
                        .and_then(|d| d.parse::<jiff::civil::Date>().ok());
                }
            }
            Ok(Event::CData(t)) if in_loc => {
                loc = Some(String::from_utf8_lossy(&t).trim().to_string());
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"loc" => in_loc = false,
                b"lastmod" => in_lastmod = false,
                b"url" | b"sitemap" => {
                    if let Some(l) = loc.take().filter(|l| !l.is_empty()) {
                        if is_index == Some(true) {
                            children.push(l);
                        } else if urls.len() < MAX_URLS {
                            urls.push((l, lastmod));
                        }
                    }
                    lastmod = None;
                }
                _ => {}
            },
            Ok(Event::Eof) => break,
            Err(e) => return Err(SitemapError::Xml(e.to_string())),
            _ => {}
        }
        buf.clear();
    }
    match is_index {
        Some(true) => Ok(Sitemap::Index(children)),
        Some(false) => Ok(Sitemap::Urls(urls)),
        None => Err(SitemapError::Xml(
            "no <urlset> or <sitemapindex> element".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn urlset_with_lastmod() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://x.gov.cn/xxgk/gzdt/index.html</loc><lastmod>2026-11-20T08:00:00+08:00</lastmod></url>
  <url><loc> https://x.gov.cn/xxgk/tzgg/ </loc></url>
</urlset>"#;
        let Sitemap::Urls(u) = parse(xml).unwrap() else {
            panic!("urlset")
        };
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].1, Some(jiff::civil::date(2026, 11, 20)));
        assert_eq!(u[1], ("https://x.gov.cn/xxgk/tzgg/".to_string(), None));
    }

    #[test]
    fn gzipped_index() {
        let xml = br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x.gov.cn/s1.xml.gz</loc></sitemap></sitemapindex>"#;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(xml).unwrap();
        assert_eq!(
            parse(&gz.finish().unwrap()).unwrap(),
            Sitemap::Index(vec!["https://x.gov.cn/s1.xml.gz".into()])
        );
    }

    #[test]
    fn not_a_sitemap_and_bombs_are_errors() {
        assert!(parse(b"<html><body>404</body></html>").is_err());
        assert!(parse(b"\x1f\x8b not really gzip").is_err());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..51 {
            gz.write_all(&zeros).unwrap();
        }
        assert!(matches!(
            parse(&gz.finish().unwrap()),
            Err(SitemapError::TooLarge(_))
        ));
    }
}
