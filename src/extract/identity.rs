//! Site identifiers printed in a page's furniture: 网站标识码, the ICP filing number, the 公安
//! filing number and the sponsor (主办单位). The 指引 (国办发〔2017〕47号) wants them in every
//! footer, and the 网站标识码 to match the `SiteIDCode` meta (research: rules-cn §4 R-SITE-02,
//! cn-site-structure §2). Read from the furniture text, whatever the markup.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};

/// What a footer says about the site. Every field is optional: real footers omit some.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FooterIds {
    /// 网站标识码: 10 digits (local sites) or `bm` + 8 digits (central departments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id_code: Option<String>,
    /// ICP filing number, such as `闽ICP备09032658号`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icp: Option<String>,
    /// Public-security filing number, such as `甘公网安备 62052102000135号` or `35012899001-19002`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psb: Option<String>,
    /// 主办单位 (or 版权所有): the body that runs the site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<String>,
}

impl FooterIds {
    pub fn is_empty(&self) -> bool {
        *self == FooterIds::default()
    }
}

static SITE_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"网站标识码 *:? *((?i:bm)[0-9]{8}|[0-9]{10})(?:[^0-9]|$)").expect("valid regex")
});
static ICP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Han}? *ICP *备 *[0-9]+ *号(?:-[0-9]+)?)").expect("valid regex")
});
static PSB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Han}公网安备 *[0-9]+ *号)|公安(?:机关)?备案号? *:? *([0-9][0-9-]{5,})")
        .expect("valid regex")
});
static SPONSOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:主办单位|网站主办|主办) *:? *([\p{Han}()（）]{2,40})").expect("valid regex")
});
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"版权所有 *:? *(?:©|\(c\)|Copyright)? *([\p{Han}()（）]{2,40})")
        .expect("valid regex")
});

/// The words each identifier pattern above contains, in the order of the patterns: a pattern is
/// only run near one of its words, which keeps a long footer cheap (the furniture of every page
/// passes through here).
static ANCHORS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(["网站标识码", "ICP", "公网安备", "公安", "主办", "版权所有"])
        .expect("valid footer anchors")
});

/// Bytes of text read before and after an anchor: room for a province character and spaces
/// before it, and for a 40-character name or a long filing number after it.
const BEFORE: usize = 16;
const AFTER: usize = 256;

/// The identifiers in furniture text (already through `dates::normalize_text`); `None` when
/// there are none.
pub fn footer_ids(furniture: &str) -> Option<FooterIds> {
    let anchors: Vec<aho_corasick::Match> = ANCHORS.find_overlapping_iter(furniture).collect();
    // The first match of `re` that contains one of the anchors numbered `which`.
    let near = |which: &[usize], re: &Regex| -> Option<Captures> {
        anchors
            .iter()
            .filter(|m| which.contains(&m.pattern().as_usize()))
            .find_map(|m| {
                let window =
                    super::around(furniture, m.start().saturating_sub(BEFORE), m.end() + AFTER);
                re.captures(window)
            })
    };
    let ids = FooterIds {
        site_id_code: near(&[0], &SITE_ID).map(|c| c[1].to_string()),
        icp: near(&[1], &ICP).map(|c| c[1].trim().replace(' ', "")),
        psb: near(&[2, 3], &PSB).and_then(|c| {
            c.get(1)
                .or_else(|| c.get(2))
                .map(|m| m.as_str().trim().to_string())
        }),
        // 主办单位 names the body; 版权所有 often names the site.
        sponsor: near(&[4], &SPONSOR)
            .or_else(|| near(&[5], &COPYRIGHT))
            .map(|c| c[1].to_string()),
    };
    (!ids.is_empty()).then_some(ids)
}

/// The place a site or body name starts with: the name up to its first administrative suffix
/// (省, 市, 县, 区, 旗, 州), a leading province dropped, at least two characters, else the
/// first two characters. `清水县教育局` → `清水`, `福建省平潭综合实验区管理委员会` → `平潭`,
/// `齐齐哈尔` → `齐齐`.
pub fn place_stem(name: &str) -> Option<String> {
    let chars: Vec<char> = name
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect();
    let mut start = 0;
    // A leading province (福建省, 内蒙古自治区 is rare at county level): skip it.
    if let Some(p) = chars.iter().take(5).position(|c| *c == '省')
        && chars.len() > p + 2
    {
        start = p + 1;
    }
    let rest = &chars[start..];
    if rest.len() < 2 {
        return None;
    }
    Some(rest[..2].iter().collect())
}

/// Whether two names plainly belong to different places: each has a place stem and neither
/// name contains the other's.
pub fn different_place(a: &str, b: &str) -> bool {
    match (place_stem(a), place_stem(b)) {
        (Some(sa), Some(sb)) => !a.contains(&sb) && !b.contains(&sa),
        _ => false,
    }
}

/// A `SiteDomain` value reduced to a host: scheme, path, port and a leading `www.` dropped,
/// lower-cased (`http://www.sse.com.cn/` → `sse.com.cn`).
pub fn domain_host(v: &str) -> Option<String> {
    let v = v.trim().to_ascii_lowercase();
    let v = v.split("://").nth(1).unwrap_or(&v);
    let host = v.split(['/', ':', '?', '#']).next()?.trim();
    let host = host.strip_prefix("www.").unwrap_or(host);
    (host.contains('.')).then(|| host.to_string())
}

/// Whether a page host belongs to a `SiteDomain`: equal, or one a subdomain of the other (a
/// bureau at `jyj.x.gov.cn` under the portal's `www.x.gov.cn`).
pub fn host_matches(host: &str, site_domain: &str) -> bool {
    let (Some(h), Some(d)) = (domain_host(host), domain_host(site_domain)) else {
        return true;
    };
    h == d || h.ends_with(&format!(".{d}")) || d.ends_with(&format!(".{h}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::dates::normalize_text;

    #[test]
    fn real_footers() {
        // Pingtan (TRS), spans and links flattened.
        let t = normalize_text(
            "版权所有：平潭综合实验区党工委管委会网站 网站标识码：3590000001 公安备案号：35012899001-19002 闽ICP备09032658号 主办单位：福建省平潭综合实验区管理委员会办公室",
        );
        let f = footer_ids(&t).unwrap();
        assert_eq!(f.site_id_code.as_deref(), Some("3590000001"));
        assert_eq!(f.psb.as_deref(), Some("35012899001-19002"));
        assert_eq!(f.icp.as_deref(), Some("闽ICP备09032658号"));
        assert_eq!(
            f.sponsor.as_deref(),
            Some("福建省平潭综合实验区管理委员会办公室")
        );
        // Glued, as some footers print them; upper/lower case bm codes.
        let t = normalize_text(
            "版权所有：朝天区人民政府 网站标识码5108120013 蜀ICP备12028058号-1 川公网安备 51081202000123号",
        );
        let f = footer_ids(&t).unwrap();
        assert_eq!(f.site_id_code.as_deref(), Some("5108120013"));
        assert_eq!(f.icp.as_deref(), Some("蜀ICP备12028058号-1"));
        assert_eq!(f.psb.as_deref(), Some("川公网安备 51081202000123号"));
        assert_eq!(f.sponsor.as_deref(), Some("朝天区人民政府"));
        assert_eq!(
            footer_ids("网站标识码:BM07000001")
                .unwrap()
                .site_id_code
                .as_deref(),
            Some("BM07000001")
        );
        // An 11-digit run is not a 10-digit code.
        assert!(footer_ids("网站标识码:35900000012").is_none());
        assert!(footer_ids("联系电话：0938-6721406").is_none());
        // A word mentioned before the identifier it introduces, far from it: each mention is
        // tried in turn.
        let long = format!(
            "本站网站标识码说明：见页脚。{} 网站标识码：6205210014",
            "栏目导航 ".repeat(80)
        );
        assert_eq!(
            footer_ids(&normalize_text(&long))
                .and_then(|f| f.site_id_code)
                .as_deref(),
            Some("6205210014")
        );
    }

    #[test]
    fn places_and_domains() {
        assert_eq!(place_stem("清水县教育局").as_deref(), Some("清水"));
        assert_eq!(
            place_stem("福建省平潭综合实验区管理委员会办公室").as_deref(),
            Some("平潭")
        );
        assert!(!different_place(
            "平潭综合实验区党工委管委会",
            "福建省平潭综合实验区管理委员会办公室"
        ));
        assert!(different_place("齐齐哈尔", "重庆高新区管委会"));
        assert!(!different_place("清水县教育局", "清水县教育局"));
        assert_eq!(
            domain_host("http://www.sse.com.cn/").as_deref(),
            Some("sse.com.cn")
        );
        assert!(host_matches("www.pingtan.gov.cn", "www.pingtan.gov.cn"));
        assert!(host_matches("jyj.pingtan.gov.cn", "www.pingtan.gov.cn"));
        assert!(!host_matches("www.qingshui.gov.cn", "gxq.cq.gov.cn"));
    }
}
