//! Turns response bytes into text the way a browser would.
//!
//! Order (WHATWG encoding sniffing, research: rust-stack §2.5): BOM, then the Content-Type
//! charset, then a `<meta>` prescan of the first 1024 bytes, then chardetng on a prefix. The
//! `gb2312`/`gbk` labels resolve to GBK, whose decoder is GB18030's, so GBK-only characters in
//! pages labelled gb2312 decode correctly.

use std::borrow::Cow;
use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8};
use regex::bytes::Regex;
use serde::{Deserialize, Serialize};

/// How the encoding was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CharsetSource {
    Bom,
    Header,
    Meta,
    Detected,
}

/// Decoded text plus what was learnt about its encoding.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// Borrowed from the body when it was already valid UTF-8 (most pages): no copy.
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
    pub source: CharsetSource,
    /// Bytes that did not decode were replaced with U+FFFD.
    pub had_errors: bool,
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    // `charset=` inside any <meta> tag: `<meta charset="x">`, `<META CHARSET=x>`,
    // `<meta http-equiv="Content-Type" content="text/html; charset=x">`, in any attribute order.
    Regex::new(r#"(?i-u)<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)"#).expect("valid regex")
});

/// Bytes of the prefix handed to the detector; it is slow (about 11 MB/s) and a prefix suffices.
const DETECT_PREFIX: usize = 16 * 1024;
const PRESCAN: usize = 1024;

/// The charset parameter of a Content-Type header value.
pub fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("charset") {
            Encoding::for_label(v.trim().trim_matches(['"', '\'']).as_bytes())
        } else {
            None
        }
    })
}

/// The charset declared by a `<meta>` tag in the first 1024 bytes.
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN)];
    let c = META_CHARSET.captures(head)?;
    let enc = Encoding::for_label(c.get(1)?.as_bytes())?;
    // A page that declares UTF-16 in a meta tag is ASCII-compatible by construction: the
    // HTML standard says to read it as UTF-8.
    if enc == encoding_rs::UTF_16BE || enc == encoding_rs::UTF_16LE {
        return Some(UTF_8);
    }
    Some(enc)
}

/// Decodes an HTML body. `tld` is a hint for the detector (`b"cn"`).
pub fn decode_html<'a>(
    bytes: &'a [u8],
    content_type: Option<&str>,
    tld: Option<&[u8]>,
) -> Decoded<'a> {
    let (encoding, source) = if let Some((enc, _)) = Encoding::for_bom(bytes) {
        (enc, CharsetSource::Bom)
    } else if let Some(enc) = content_type.and_then(header_charset) {
        (enc, CharsetSource::Header)
    } else if let Some(enc) = meta_charset(bytes) {
        (enc, CharsetSource::Meta)
    } else {
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        let prefix = &bytes[..bytes.len().min(DETECT_PREFIX)];
        det.feed(prefix, prefix.len() == bytes.len());
        (
            det.guess(tld, chardetng::Utf8Detection::Allow),
            CharsetSource::Detected,
        )
    };
    let (text, _, had_errors) = encoding.decode(bytes);
    // A server that labels every page UTF-8 while an old template writes GB2312 and says so in
    // its meta tag: the header is plainly wrong when its decoding fails and the meta's does not.
    if had_errors
        && source == CharsetSource::Header
        && encoding == UTF_8
        && let Some(meta) = meta_charset(bytes).filter(|m| *m != UTF_8)
    {
        let (text, _, meta_errors) = meta.decode(bytes);
        if !meta_errors {
            return Decoded {
                text,
                encoding: meta,
                source: CharsetSource::Meta,
                had_errors: false,
            };
        }
    }
    Decoded {
        text,
        encoding,
        source,
        had_errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    #[test]
    fn gb2312_in_http_equiv_meta_with_bare_content_type() {
        let html = gbk(
            "<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=gb2312\">\
             <title>教育收费公示_石岩县教育局</title></head><body>镕</body></html>",
        );
        let d = decode_html(&html, Some("text/html"), None);
        assert_eq!(d.source, CharsetSource::Meta);
        assert!(d.text.contains("教育收费公示"));
        // 镕 is a GBK character outside GB2312: it must decode too.
        assert!(d.text.contains('镕'));
        assert!(!d.had_errors);
    }

    #[test]
    fn meta_charset_in_any_attribute_order_and_case() {
        assert_eq!(
            meta_charset(br#"<meta name="viewport" charset="utf-8" content="width=device-width">"#),
            Some(UTF_8)
        );
        assert_eq!(
            meta_charset(br#"<meta content="text/html; charset=GBK" http-equiv="content-type">"#),
            Some(encoding_rs::GBK)
        );
        assert_eq!(
            meta_charset(b"<META CHARSET=gb2312>"),
            Some(encoding_rs::GBK)
        );
    }

    #[test]
    fn header_wins_over_meta_and_bom_wins_over_header() {
        let html = gbk("<meta charset=utf-8><p>政府信息公开</p>");
        let d = decode_html(&html, Some("text/html; charset=GBK"), None);
        assert_eq!(d.source, CharsetSource::Header);
        assert!(d.text.contains("政府信息公开"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("年报".as_bytes());
        let d = decode_html(&bom, Some("text/html; charset=gbk"), None);
        assert_eq!(d.source, CharsetSource::Bom);
        assert_eq!(d.text, "年报");
    }

    #[test]
    fn a_utf8_header_on_a_gb2312_page_yields_to_the_meta_when_it_cannot_decode() {
        let html = gbk(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\
             <title>河阳县教育局政府信息公开指南</title></head><body>联系电话</body></html>",
        );
        let d = decode_html(&html, Some("text/html; charset=utf-8"), None);
        assert_eq!(d.source, CharsetSource::Meta);
        assert_eq!(d.encoding, encoding_rs::GBK);
        assert!(d.text.contains("政府信息公开指南"));
        assert!(!d.had_errors);
        // A header that decodes cleanly still wins over the meta.
        let d = decode_html(
            "<meta charset=gb2312><p>年报</p>".as_bytes(),
            Some("text/html; charset=utf-8"),
            None,
        );
        assert_eq!(d.source, CharsetSource::Header);
        assert!(d.text.contains("年报"));
    }

    #[test]
    fn undeclared_gbk_is_detected() {
        let html = gbk(
            "<html><body><ul><li>关于做好2026年义务教育阶段招生入学工作的通知</li>\
             <li>县教育局召开全县中小学校长会议</li><li>政府信息公开工作年度报告</li></ul></body></html>",
        );
        let d = decode_html(&html, None, Some(b"cn"));
        assert_eq!(d.source, CharsetSource::Detected);
        assert!(d.text.contains("招生入学"), "{}", d.text);
    }
}
