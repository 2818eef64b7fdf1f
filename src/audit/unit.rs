//! The audited body's profile (see `rules::unit`), read from the site: the kind from the
//! `SiteName` meta or else the footer's 主办单位, the level from the 网站标识码 (its first six
//! digits are the sponsoring region's division code: `620521…` a county, `130400…` a city,
//! `350000…` a province) or a township's name, the province as `due.province` reads it, and
//! services from a 办事服务 column or link. What the user gave wins.

use crate::rules::province::{self, Province};
use crate::rules::unit::{Known, ProfileSource, UnitKind, UnitLevel, UnitOverride, UnitProfile};
use crate::site::SiteModel;

/// Words that name a site rather than its body, dropped from the end of a name first.
const SITE_WORDS: &[&str] = &[
    "门户网站",
    "政务网站",
    "网站",
    "官网",
    "门户",
    "政务网",
    "政府信息公开",
    "信息公开",
    "政务公开",
    "平台",
    "专栏",
];

/// Endings of a government's own name. A portal is often run by the government's office
/// (人民政府办公室, 管委会办公室), which names the government's site, not a department's.
const GOVERNMENT: &[&str] = &[
    "人民政府办公室",
    "人民政府办公厅",
    "政府办公室",
    "政府办公厅",
    "政府办",
    "管理委员会办公室",
    "管委会办公室",
    "人民政府",
    "政府",
    "管理委员会",
    "管委会",
    "街道办事处",
    "行政公署",
];

/// Endings of a department's name (教育局, 教育厅, 发展和改革委员会, 卫健委, 政府办).
const DEPARTMENT: &[&str] = &["局", "厅", "委员会", "委", "办公室", "办", "署"];

/// Endings of other bodies' names.
const OTHER: &[&str] = &[
    "学校",
    "中学",
    "小学",
    "大学",
    "学院",
    "医院",
    "公司",
    "协会",
    "学会",
    "研究院",
    "研究所",
    "中心",
    "馆",
];

/// Link and column texts that show services of the body's own (or its link to the province's
/// service platform, which is how a county body offers them under 集约化).
const SERVICES: &[&str] = &[
    "办事服务",
    "网上办事",
    "在线办事",
    "办事指南",
    "政务服务网",
    "网上办理",
    "我要办",
];

/// The name with its site words dropped, Han characters only.
fn body_name(name: &str) -> String {
    let mut n: String = name
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect();
    loop {
        let before = n.len();
        for w in SITE_WORDS {
            if let Some(s) = n.strip_suffix(w) {
                n = s.to_string();
            }
        }
        // 某某县政府网 → 某某县政府
        if n.ends_with("政府网") {
            n.pop();
        }
        if n.len() == before {
            return n;
        }
    }
}

/// The kind of body a name names, by its ending.
pub fn kind_of(name: &str) -> Option<UnitKind> {
    let n = body_name(name);
    if GOVERNMENT.iter().any(|w| n.ends_with(w)) {
        Some(UnitKind::Government)
    } else if DEPARTMENT.iter().any(|w| n.ends_with(w)) {
        Some(UnitKind::Department)
    } else if OTHER.iter().any(|w| n.ends_with(w)) {
        Some(UnitKind::Other)
    } else {
        None
    }
}

/// A township's government (某某镇人民政府, 某某乡政府, 某某街道办事处): its sites sit on the
/// county's platform and carry the county's code, so only the name tells.
fn is_township(name: &str) -> bool {
    let n = body_name(name);
    ["镇人民政府", "乡人民政府", "镇政府", "乡政府", "街道办事处"]
        .iter()
        .any(|w| n.ends_with(w))
}

/// The level a 网站标识码 names: ten digits whose first six are a division code. `xx90..`
/// (a province's directly administered units, 省直辖) and `bm` codes (central departments) name
/// no level.
pub fn level_of_code(code: &str) -> Option<UnitLevel> {
    let code = code.trim();
    if code.len() != 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    province::from_site_id(code)?;
    match (&code[2..4], &code[4..6]) {
        ("90", _) => None,
        ("00", "00") => Some(UnitLevel::Province),
        (_, "00") => Some(UnitLevel::City),
        _ => Some(UnitLevel::County),
    }
}

/// The profile of the body whose site `site` is. `cli_province` is `--province`.
pub fn profile(
    site: &SiteModel,
    given: Option<&UnitOverride>,
    cli_province: Option<&'static Province>,
) -> UnitProfile {
    let sponsor = site.footer.as_ref().and_then(|(f, _)| f.sponsor.as_deref());
    let names = [
        (site.site_name.as_deref(), ProfileSource::SiteName),
        (sponsor, ProfileSource::FooterSponsor),
    ];
    let code = site
        .site_id_code
        .as_deref()
        .or_else(|| site.footer.as_ref()?.0.site_id_code.as_deref());

    let kind = names.iter().find_map(|(n, from)| {
        let n = (*n)?;
        kind_of(n).map(|k| Known::new(k, *from, Some(n.trim().to_string())))
    });
    let level = names
        .iter()
        .find_map(|(n, from)| {
            let n = (*n)?;
            is_township(n)
                .then(|| Known::new(UnitLevel::Township, *from, Some(n.trim().to_string())))
        })
        .or_else(|| {
            let c = code?;
            level_of_code(c).map(|l| Known::new(l, ProfileSource::SiteIdCode, Some(c.to_string())))
        });
    let province = match cli_province {
        Some(p) => Some(Known::new(
            p.code.to_string(),
            ProfileSource::CommandLine,
            None,
        )),
        None => code.and_then(|c| {
            province::from_site_id(c).map(|p| {
                Known::new(
                    p.code.to_string(),
                    ProfileSource::SiteIdCode,
                    Some(c.to_string()),
                )
            })
        }),
    };
    let services_link = site
        .columns
        .iter()
        .map(|c| &c.name)
        .chain(site.links.iter().flat_map(|l| &l.texts))
        .find(|t| SERVICES.iter().any(|w| t.contains(w)));
    let services = Some(match services_link {
        Some(t) => Known::new(true, ProfileSource::SiteLinks, Some(t.clone())),
        None => Known::new(false, ProfileSource::NotFound, None),
    });
    let mut p = UnitProfile {
        kind,
        level,
        province,
        services,
    };
    if let Some(g) = given {
        if let Some(k) = g.kind {
            p.kind = Some(Known::new(k, g.from, None));
        }
        if let Some(l) = g.level {
            p.level = Some(Known::new(l, g.from, None));
        }
        if let Some(pr) = g.province {
            p.province = Some(Known::new(pr.code.to_string(), g.from, None));
        }
        if let Some(s) = g.services {
            p.services = Some(Known::new(s, g.from, None));
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_real_shaped_names() {
        let g = Some(UnitKind::Government);
        let d = Some(UnitKind::Department);
        assert_eq!(kind_of("平潭综合实验区党工委管委会"), g);
        assert_eq!(kind_of("福建省平潭综合实验区管理委员会办公室"), g);
        assert_eq!(kind_of("朝天区人民政府"), g);
        assert_eq!(kind_of("某某县人民政府门户网站"), g);
        assert_eq!(kind_of("某某县政府网"), g);
        assert_eq!(kind_of("某某街道办事处"), g);
        assert_eq!(kind_of("清水县教育局"), d);
        assert_eq!(kind_of("某某县教育局信息公开"), d);
        assert_eq!(kind_of("某某市发展和改革委员会"), d);
        assert_eq!(kind_of("某某省教育厅"), d);
        assert_eq!(kind_of("某某县第一中学"), Some(UnitKind::Other));
        assert_eq!(kind_of("平潭"), None);
        assert!(is_township("某某镇人民政府"));
        assert!(!is_township("某某县人民政府"));
    }

    #[test]
    fn levels_from_site_id_codes() {
        assert_eq!(level_of_code("6205210003"), Some(UnitLevel::County));
        assert_eq!(level_of_code("1304000009"), Some(UnitLevel::City));
        assert_eq!(level_of_code("3500000001"), Some(UnitLevel::Province));
        assert_eq!(level_of_code("3590000001"), None);
        assert_eq!(level_of_code("bm07000001"), None);
        assert_eq!(level_of_code("9904000009"), None);
    }
}
