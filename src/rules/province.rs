//! Provinces (省级行政区) by the first two digits of the administrative division code, for due
//! dates that a province sets itself (`due.province`). A site's province is given on the command
//! line or read from its 网站标识码 (SiteIDCode), whose first digits are the sponsoring region's
//! division code (research R-SITE-02: inferred from real codes such as 1304000009 for 邯郸 in
//! 河北 (13) and 5101320017 for 新津 in 四川 (51); State Council departments' `bm…` codes have
//! no province).

/// A province-level division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// The 31 provinces, autonomous regions and municipalities of the mainland.
pub const PROVINCES: &[Province] = &[
    p("11", "北京市", "Beijing"),
    p("12", "天津市", "Tianjin"),
    p("13", "河北省", "Hebei"),
    p("14", "山西省", "Shanxi"),
    p("15", "内蒙古自治区", "Inner Mongolia"),
    p("21", "辽宁省", "Liaoning"),
    p("22", "吉林省", "Jilin"),
    p("23", "黑龙江省", "Heilongjiang"),
    p("31", "上海市", "Shanghai"),
    p("32", "江苏省", "Jiangsu"),
    p("33", "浙江省", "Zhejiang"),
    p("34", "安徽省", "Anhui"),
    p("35", "福建省", "Fujian"),
    p("36", "江西省", "Jiangxi"),
    p("37", "山东省", "Shandong"),
    p("41", "河南省", "Henan"),
    p("42", "湖北省", "Hubei"),
    p("43", "湖南省", "Hunan"),
    p("44", "广东省", "Guangdong"),
    p("45", "广西壮族自治区", "Guangxi"),
    p("46", "海南省", "Hainan"),
    p("50", "重庆市", "Chongqing"),
    p("51", "四川省", "Sichuan"),
    p("52", "贵州省", "Guizhou"),
    p("53", "云南省", "Yunnan"),
    p("54", "西藏自治区", "Tibet"),
    p("61", "陕西省", "Shaanxi"),
    p("62", "甘肃省", "Gansu"),
    p("63", "青海省", "Qinghai"),
    p("64", "宁夏回族自治区", "Ningxia"),
    p("65", "新疆维吾尔自治区", "Xinjiang"),
];

const fn p(code: &'static str, zh: &'static str, en: &'static str) -> Province {
    Province { code, zh, en }
}

/// A province by code (`42`, or a longer division code such as `420100`), Chinese name with or
/// without its suffix (`湖北`, `湖北省`) or English name (`Hubei`).
pub fn find(s: &str) -> Option<&'static Province> {
    let s = s.trim();
    if s.len() >= 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        return PROVINCES.iter().find(|p| s.starts_with(p.code));
    }
    PROVINCES.iter().find(|p| {
        p.zh == s || p.en.eq_ignore_ascii_case(s) || (s.chars().count() >= 2 && p.zh.starts_with(s))
    })
}

/// The province a 网站标识码 belongs to: ten digits whose first two are a province code.
pub fn from_site_id(code: &str) -> Option<&'static Province> {
    let code = code.trim();
    if code.len() != 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    find(&code[..2])
}

/// All codes, for messages.
pub fn codes() -> String {
    PROVINCES
        .iter()
        .map(|p| format!("{} {}", p.code, p.zh))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_by_code_name_and_site_id() {
        assert_eq!(find("42").map(|p| p.zh), Some("湖北省"));
        assert_eq!(find("湖北").map(|p| p.code), Some("42"));
        assert_eq!(find("hubei").map(|p| p.code), Some("42"));
        assert_eq!(find("内蒙古").map(|p| p.code), Some("15"));
        assert_eq!(find("99"), None);
        assert_eq!(find("湖"), None);
        assert_eq!(from_site_id("6205210003").map(|p| p.zh), Some("甘肃省"));
        assert_eq!(from_site_id("1304000009").map(|p| p.code), Some("13"));
        assert_eq!(from_site_id("bm01000001"), None);
        assert_eq!(from_site_id("620521"), None);
    }
}
