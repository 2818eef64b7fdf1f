//! Unit profiles: what kind of body a site belongs to (a people's government, one of its
//! departments, something else), at which level, in which province, and whether it offers
//! services of its own (办事服务). Rules depend on it: 《政府信息公开条例》第四十九条 gives
//! departments until 31 January for their annual report and governments until 31 March
//! (research R-GIO-08), and some requirements apply to some kinds of body only. The audit reads
//! the profile from the site (`audit::unit`); the command line (`--unit`) and a batch list's
//! `unit` column override it, in the syntax [`UnitOverride::parse`] reads.

use serde::{Deserialize, Serialize};

use super::province::{self, Province};

/// The kind of body a site belongs to.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A people's government (人民政府) or a body acting as one (管委会, 街道办事处).
    Government,
    /// A working department of a government (局, 委, 办).
    Department,
    /// Anything else (a school, a hospital, a public institution).
    Other,
}

/// The administrative level of a body.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    Province,
    City,
    County,
    Township,
}

impl UnitKind {
    pub const ALL: [UnitKind; 3] = [UnitKind::Government, UnitKind::Department, UnitKind::Other];

    pub fn name(self) -> &'static str {
        match self {
            UnitKind::Government => "government",
            UnitKind::Department => "department",
            UnitKind::Other => "other",
        }
    }

    pub fn label(self, en: bool) -> &'static str {
        match (self, en) {
            (UnitKind::Government, false) => "人民政府",
            (UnitKind::Government, true) => "people's government",
            (UnitKind::Department, false) => "政府工作部门",
            (UnitKind::Department, true) => "government department",
            (UnitKind::Other, false) => "其他单位",
            (UnitKind::Other, true) => "other body",
        }
    }

    fn parse(s: &str) -> Option<UnitKind> {
        Some(match s {
            "government" | "gov" | "政府" | "人民政府" => UnitKind::Government,
            "department" | "dept" | "部门" | "工作部门" => UnitKind::Department,
            "other" | "其他" => UnitKind::Other,
            _ => return None,
        })
    }
}

impl UnitLevel {
    pub const ALL: [UnitLevel; 4] = [
        UnitLevel::Province,
        UnitLevel::City,
        UnitLevel::County,
        UnitLevel::Township,
    ];

    pub fn name(self) -> &'static str {
        match self {
            UnitLevel::Province => "province",
            UnitLevel::City => "city",
            UnitLevel::County => "county",
            UnitLevel::Township => "township",
        }
    }

    pub fn label(self, en: bool) -> &'static str {
        match (self, en) {
            (UnitLevel::Province, false) => "省级",
            (UnitLevel::Province, true) => "provincial",
            (UnitLevel::City, false) => "市级",
            (UnitLevel::City, true) => "city-level",
            (UnitLevel::County, false) => "县级",
            (UnitLevel::County, true) => "county-level",
            (UnitLevel::Township, false) => "乡镇（街道）级",
            (UnitLevel::Township, true) => "township-level",
        }
    }

    fn parse(s: &str) -> Option<UnitLevel> {
        Some(match s {
            "province" | "省" | "省级" => UnitLevel::Province,
            "city" | "市" | "市级" => UnitLevel::City,
            "county" | "县" | "县级" | "区" => UnitLevel::County,
            "township" | "乡镇" | "乡" | "镇" | "街道" => UnitLevel::Township,
            _ => return None,
        })
    }
}

/// Where a part of a profile came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProfileSource {
    /// `--unit` (or `--province`) on the command line.
    CommandLine,
    /// The `unit` column of a batch list.
    List,
    /// The `SiteName` meta.
    SiteName,
    /// The footer's 主办单位.
    FooterSponsor,
    /// The 网站标识码: its first six digits are the sponsoring region's division code.
    SiteIdCode,
    /// A link or column of the site (办事服务, 网上办事 ...).
    SiteLinks,
    /// Nothing on the pages read showed it: a judgement by absence.
    NotFound,
}

impl ProfileSource {
    pub fn label(self, en: bool) -> &'static str {
        match (self, en) {
            (ProfileSource::CommandLine, false) => "命令行指定",
            (ProfileSource::CommandLine, true) => "given on the command line",
            (ProfileSource::List, false) => "单位清单指定",
            (ProfileSource::List, true) => "given in the list",
            (ProfileSource::SiteName, false) => "据SiteName",
            (ProfileSource::SiteName, true) => "from SiteName",
            (ProfileSource::FooterSponsor, false) => "据页脚主办单位",
            (ProfileSource::FooterSponsor, true) => "from the footer's sponsor",
            (ProfileSource::SiteIdCode, false) => "据网站标识码",
            (ProfileSource::SiteIdCode, true) => "from the site ID code",
            (ProfileSource::SiteLinks, false) => "据网站链接",
            (ProfileSource::SiteLinks, true) => "from the site's links",
            (ProfileSource::NotFound, false) => "已读页面未见办事服务栏目或链接",
            (ProfileSource::NotFound, true) => "no services column or link on the pages read",
        }
    }
}

/// One part of a profile, with where it came from and the text it was read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Known<T> {
    pub value: T,
    pub from: ProfileSource,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
}

impl<T> Known<T> {
    pub fn new(value: T, from: ProfileSource, text: Option<String>) -> Known<T> {
        Known { value, from, text }
    }
}

/// What the audit took the audited body to be. A part left out could not be told; a rule
/// that depends on it then applies as the pack states it by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitProfile {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<Known<UnitKind>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub level: Option<Known<UnitLevel>>,
    /// The province's two-digit code.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub province: Option<Known<String>>,
    /// Whether the body offers services of its own (办事服务).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub services: Option<Known<bool>>,
}

impl UnitProfile {
    pub fn kind(&self) -> Option<UnitKind> {
        self.kind.as_ref().map(|k| k.value)
    }

    pub fn level(&self) -> Option<UnitLevel> {
        self.level.as_ref().map(|k| k.value)
    }

    pub fn services(&self) -> Option<bool> {
        self.services.as_ref().map(|k| k.value)
    }

    pub fn province(&self) -> Option<&'static Province> {
        self.province
            .as_ref()
            .and_then(|p| province::find(&p.value))
    }

    /// The parts the user gave (on the command line or in a list), to give them again when the
    /// audit is repeated (a recheck); `None` when every part was read from the site.
    pub fn given(&self) -> Option<UnitOverride> {
        let user = |f: ProfileSource| matches!(f, ProfileSource::CommandLine | ProfileSource::List);
        let mut o = UnitOverride::none(ProfileSource::CommandLine);
        let mut any = false;
        let mut take = |f: ProfileSource| {
            let given = user(f);
            if given && !any {
                o.from = f;
            }
            any |= given;
            given
        };
        let kind = self.kind.as_ref().filter(|k| take(k.from)).map(|k| k.value);
        let level = self
            .level
            .as_ref()
            .filter(|k| take(k.from))
            .map(|k| k.value);
        let province = self
            .province
            .as_ref()
            .filter(|k| take(k.from))
            .and_then(|k| province::find(&k.value));
        let services = self
            .services
            .as_ref()
            .filter(|k| take(k.from))
            .map(|k| k.value);
        o.kind = kind;
        o.level = level;
        o.province = province;
        o.services = services;
        any.then_some(o)
    }

    /// The profile in one line of the report language, each part with its source:
    /// `人民政府（据SiteName“平潭综合实验区党工委管委会”）；福建省（据网站标识码3590000001）`.
    pub fn describe(&self, en: bool) -> String {
        // (value, source, text) per part; parts read from the same text share one parenthesis.
        let mut parts: Vec<(String, ProfileSource, Option<&str>)> = Vec::new();
        if let Some(k) = &self.kind {
            parts.push((k.value.label(en).to_string(), k.from, k.text.as_deref()));
        }
        if let Some(k) = &self.level {
            parts.push((k.value.label(en).to_string(), k.from, k.text.as_deref()));
        }
        if let Some(k) = &self.province {
            let name =
                province::find(&k.value).map_or(k.value.as_str(), |p| if en { p.en } else { p.zh });
            parts.push((name.to_string(), k.from, k.text.as_deref()));
        }
        if let Some(k) = &self.services {
            let v = match (k.value, en) {
                (true, false) => "有办事服务",
                (true, true) => "offers services",
                (false, false) => "无办事服务",
                (false, true) => "no services of its own",
            };
            parts.push((v.to_string(), k.from, k.text.as_deref()));
        }
        if parts.is_empty() {
            return if en { "unknown" } else { "未能判断" }.to_string();
        }
        let mut out: Vec<String> = Vec::new();
        for group in parts.chunk_by(|a, b| a.1 == b.1 && a.2 == b.2) {
            let (_, from, text) = &group[0];
            let values: Vec<&str> = group.iter().map(|p| p.0.as_str()).collect();
            let text = text
                .map(|t| {
                    if en {
                        format!(" \"{t}\"")
                    } else {
                        format!("“{t}”")
                    }
                })
                .unwrap_or_default();
            out.push(if en {
                format!("{} ({}{text})", values.join(", "), from.label(en))
            } else {
                format!("{}（{}{text}）", values.join("、"), from.label(en))
            });
        }
        out.join(if en { "; " } else { "；" })
    }
}

/// Profile parts given by the user, winning over what the site shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitOverride {
    pub kind: Option<UnitKind>,
    pub level: Option<UnitLevel>,
    pub province: Option<&'static Province>,
    pub services: Option<bool>,
    /// Where they were given: the command line or a batch list.
    pub from: ProfileSource,
}

impl UnitOverride {
    pub fn none(from: ProfileSource) -> UnitOverride {
        UnitOverride {
            kind: None,
            level: None,
            province: None,
            services: None,
            from,
        }
    }

    /// `kind=government,level=county,province=35,services=no`: any of the four keys, separated
    /// by commas, semicolons or spaces (a list cell may hold `kind=department;level=county`);
    /// values in English or Chinese (`kind=部门`, `level=县级`).
    pub fn parse(s: &str, from: ProfileSource) -> Result<UnitOverride, String> {
        let mut o = UnitOverride::none(from);
        let items: Vec<&str> = s
            .split([',', ';', ' ', '，', '；'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if items.is_empty() {
            return Err(format!("unit `{s}` is empty; {}", Self::HELP));
        }
        for item in items {
            let Some((key, value)) = item.split_once(['=', ':', '：']) else {
                return Err(format!(
                    "unit `{item}` has no value: write key=value; {}",
                    Self::HELP
                ));
            };
            let (key, value) = (key.trim(), value.trim());
            let lower = value.to_ascii_lowercase();
            match key.to_ascii_lowercase().as_str() {
                "kind" | "类型" => {
                    o.kind = Some(UnitKind::parse(&lower).ok_or_else(|| {
                        format!(
                            "unknown unit kind `{value}`: expected government (人民政府, also 管委会), department (部门) or other (其他)"
                        )
                    })?);
                }
                "level" | "层级" => {
                    o.level = Some(UnitLevel::parse(&lower).ok_or_else(|| {
                        format!(
                            "unknown unit level `{value}`: expected province (省级), city (市级), county (县级) or township (乡镇)"
                        )
                    })?);
                }
                "province" | "省份" => {
                    o.province = Some(province::find(value).ok_or_else(|| {
                        format!(
                            "unknown province `{value}`: give a two-digit code or a name: {}",
                            province::codes()
                        )
                    })?);
                }
                "services" | "办事服务" => {
                    o.services = Some(match lower.as_str() {
                        "yes" | "true" | "y" | "1" | "有" | "是" => true,
                        "no" | "false" | "n" | "0" | "无" | "否" => false,
                        _ => {
                            return Err(format!("services `{value}` must be yes or no (有/无)"));
                        }
                    });
                }
                _ => {
                    return Err(format!("unknown unit key `{key}`; {}", Self::HELP));
                }
            }
        }
        Ok(o)
    }

    const HELP: &'static str = "the keys are kind (government, department, other), level (province, city, county, township), province (a code such as 35 or a name) and services (yes, no), e.g. kind=government,level=county";
}

/// Which bodies a rule applies to (`applies = { kind = ["government"] }`): a rule that does not
/// apply to the audited body is reported as not applicable. A part of the profile that could not
/// be told does not exclude the rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Applies {
    #[serde(default)]
    pub kind: Vec<UnitKind>,
    #[serde(default)]
    pub level: Vec<UnitLevel>,
    /// Only bodies that offer services of their own (`true`), or only those that do not.
    #[serde(default)]
    pub services: Option<bool>,
}

/// One trait of a body, as a not-applicable finding names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitTrait {
    Kind(UnitKind),
    Level(UnitLevel),
    Services(bool),
}

impl UnitTrait {
    pub fn label(self, en: bool) -> &'static str {
        match self {
            UnitTrait::Kind(k) => k.label(en),
            UnitTrait::Level(l) => l.label(en),
            UnitTrait::Services(true) => {
                if en {
                    "bodies that offer services"
                } else {
                    "有办事服务的单位"
                }
            }
            UnitTrait::Services(false) => {
                if en {
                    "bodies without services of their own"
                } else {
                    "无办事服务的单位"
                }
            }
        }
    }
}

impl Applies {
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty() && self.level.is_empty() && self.services.is_none()
    }

    /// The first part of `unit` the rule excludes, with the traits it applies to; `None` when
    /// it applies (or the part could not be told).
    pub fn excludes(&self, unit: &UnitProfile) -> Option<(UnitTrait, Vec<UnitTrait>)> {
        if let Some(k) = unit.kind()
            && !self.kind.is_empty()
            && !self.kind.contains(&k)
        {
            return Some((
                UnitTrait::Kind(k),
                self.kind.iter().map(|k| UnitTrait::Kind(*k)).collect(),
            ));
        }
        if let Some(l) = unit.level()
            && !self.level.is_empty()
            && !self.level.contains(&l)
        {
            return Some((
                UnitTrait::Level(l),
                self.level.iter().map(|l| UnitTrait::Level(*l)).collect(),
            ));
        }
        if let (Some(s), Some(want)) = (unit.services(), self.services)
            && s != want
        {
            return Some((UnitTrait::Services(s), vec![UnitTrait::Services(want)]));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_parse_in_english_and_chinese_and_bad_values_say_what_is_allowed() {
        let o = UnitOverride::parse(
            "kind=government,level=county,province=35,services=no",
            ProfileSource::CommandLine,
        )
        .unwrap();
        assert_eq!(o.kind, Some(UnitKind::Government));
        assert_eq!(o.level, Some(UnitLevel::County));
        assert_eq!(o.province.map(|p| p.code), Some("35"));
        assert_eq!(o.services, Some(false));
        let o = UnitOverride::parse("类型=部门；层级=乡镇", ProfileSource::List).unwrap();
        assert_eq!(o.kind, Some(UnitKind::Department));
        assert_eq!(o.level, Some(UnitLevel::Township));
        let e = UnitOverride::parse("kind=bureau", ProfileSource::CommandLine).unwrap_err();
        assert!(
            e.contains("unknown unit kind `bureau`") && e.contains("department"),
            "{e}"
        );
        let e = UnitOverride::parse("size=big", ProfileSource::CommandLine).unwrap_err();
        assert!(
            e.contains("unknown unit key `size`") && e.contains("level"),
            "{e}"
        );
        let e = UnitOverride::parse("government", ProfileSource::CommandLine).unwrap_err();
        assert!(e.contains("has no value"), "{e}");
        assert!(UnitOverride::parse("level=village", ProfileSource::CommandLine).is_err());
        assert!(UnitOverride::parse("services=maybe", ProfileSource::CommandLine).is_err());
    }

    #[test]
    fn applies_excludes_only_what_is_known() {
        let a = Applies {
            kind: vec![UnitKind::Government],
            ..Applies::default()
        };
        let mut p = UnitProfile::default();
        assert_eq!(a.excludes(&p), None);
        p.kind = Some(Known::new(
            UnitKind::Department,
            ProfileSource::SiteName,
            None,
        ));
        assert_eq!(
            a.excludes(&p),
            Some((
                UnitTrait::Kind(UnitKind::Department),
                vec![UnitTrait::Kind(UnitKind::Government)]
            ))
        );
        p.kind = Some(Known::new(
            UnitKind::Government,
            ProfileSource::SiteName,
            None,
        ));
        assert_eq!(a.excludes(&p), None);
    }
}
