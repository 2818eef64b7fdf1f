//! The message catalogue: every sentence a finding says, in every report language, from its
//! typed facts. The audit states facts and never words them; a language is one file here
//! implementing [`Catalogue`] and one entry in [`Lang`].

mod en;
pub mod zh;

use super::facts::Fact;
use super::finding::{Reason, Status, Text, WaiverNote};
use super::score::{Cause, Score};

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The report language of the renderers' `en` flag.
    pub fn of(en: bool) -> Lang {
        if en { Lang::En } else { Lang::Zh }
    }

    pub fn reason(self, r: Reason) -> &'static str {
        self.catalogue().reason(r)
    }

    pub fn status(self, s: Status, waived: bool) -> &'static str {
        self.catalogue().status(s, waived)
    }

    /// The grade of a score whose range spans more than one grade.
    pub fn provisional(self) -> &'static str {
        self.catalogue().provisional()
    }

    pub fn cause(self, c: Cause) -> &'static str {
        self.catalogue().cause(c)
    }

    /// What could not be judged: how many rules, worth how many points, and why.
    pub fn unjudged(self, s: &Score) -> String {
        self.catalogue().unjudged(s)
    }

    /// The score in one line: points (or their range), base, grade, and what was not judged.
    pub fn headline(self, s: &Score) -> String {
        self.catalogue().headline(s)
    }

    pub fn coverage(self, s: &Score) -> String {
        self.catalogue().coverage(s)
    }

    pub fn range(self, s: &Score) -> String {
        self.catalogue().range(s)
    }

    fn catalogue(self) -> &'static dyn Catalogue {
        match self {
            Lang::Zh => &zh::Zh,
            Lang::En => &en::En,
        }
    }
}

/// How one language words the facts of a finding.
pub trait Catalogue: Sync {
    /// The sentence for `fact`; `name` is the rule's name in this language.
    fn fact(&self, fact: &Fact, name: &str) -> String;
    /// What is added when a waiver covers (or covered) the gap.
    fn waiver(&self, w: &WaiverNote) -> String;
    /// A message of a gap a recheck found still open.
    fn still_open(&self, message: &str) -> String;
    /// Why a rule is a gap or could not be judged, in a word or two.
    fn reason(&self, r: Reason) -> &'static str;
    /// A finding's status; a gap under a waiver in force reads as waived.
    fn status(&self, s: Status, waived: bool) -> &'static str;
    /// The grade while the score's range spans more than one grade.
    fn provisional(&self) -> &'static str;
    /// Why rules could not be judged, as a reader groups it.
    fn cause(&self, c: Cause) -> &'static str;
    /// `12条规则共38分无法判定：防火墙拦截或限流9条（27分）……`
    fn unjudged(&self, s: &Score) -> String;
    /// `得分 41–100 / 100 · 等级 待定（…）`
    fn headline(&self, s: &Score) -> String;
    /// Coverage (rules judged among rules that apply), the pass rate and the counts.
    fn coverage(&self, s: &Score) -> String;
    /// Both ends of the range with their grades.
    fn range(&self, s: &Score) -> String;
}

/// A finding's message in one language.
pub fn render(lang: Lang, fact: &Fact, name: &Text, waiver: Option<&WaiverNote>) -> String {
    let c = lang.catalogue();
    let name = match lang {
        Lang::Zh => &name.zh,
        Lang::En => &name.en,
    };
    let mut s = c.fact(fact, name);
    if let Some(w) = waiver {
        s.push_str(&c.waiver(w));
    }
    s
}

/// A finding's message in both languages the report carries.
pub fn message(fact: &Fact, name: &Text, waiver: Option<&WaiverNote>) -> Text {
    Text::new(
        render(Lang::Zh, fact, name, waiver),
        render(Lang::En, fact, name, waiver),
    )
}

/// A message of a gap a recheck found still open, for reports written before facts (schema 1).
pub fn still_open(message: &Text) -> Text {
    Text::new(
        Lang::Zh.catalogue().still_open(&message.zh),
        Lang::En.catalogue().still_open(&message.en),
    )
}

/// At most this many problems of an annual report are spelled out; the rest are counted.
pub const MAX_LISTED: usize = 6;

/// The catalogue's own tests: how facts read. Everything else asserts facts.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::facts::*;
    use crate::extract::{DateSource, DatedBy};
    use jiff::civil::date;

    fn both(fact: &Fact, name: (&str, &str)) -> (String, String) {
        let t = message(fact, &Text::new(name.0, name.1), None);
        (t.zh, t.en)
    }

    #[test]
    fn a_late_document_names_the_deadline_and_why_it_applied() {
        let fact = Fact::Late {
            year: 2026,
            published: date(2026, 4, 10),
            deadline: Deadline {
                date: date(2026, 3, 31),
                province: Some("42".into()),
                province_from_site_code: Some("4210230015".into()),
                kind: None,
            },
        };
        assert_eq!(
            both(&fact, ("部门预算", "department budget")),
            (
                "2026年度部门预算发布于2026年4月10日，晚于2026年3月31日的公开时限（湖北省规定的时限，省份据网站标识码4210230015判断）".into(),
                "the 2026 department budget was published on 2026-04-10, after the 2026-03-31 deadline (Hubei's own deadline; province from the site ID code 4210230015)".into()
            )
        );
    }

    #[test]
    fn columns_and_suspect_dates_read_as_inspectors_write_them() {
        let fresh = Fact::ColumnsFresh {
            columns: vec![ColumnDate {
                name: "工作动态".into(),
                newest: Some(date(2026, 11, 20)),
            }],
            shared: vec![SharedColumn {
                name: "全省教育要闻".into(),
                feed: "jyt.province.example".into(),
            }],
        };
        assert_eq!(
            both(&fresh, ("动态", "news")).0,
            "按时更新：“工作动态”最新2026年11月20日；“全省教育要闻”为共享栏目（条目均链接至jyt.province.example），不计入本单位更新考核"
        );
        let forged = Fact::SuspectDates {
            suspects: vec![
                SuspectDate::LateRelease {
                    title: "关于印发教师管理办法的通知".into(),
                    written: date(2023, 5, 10),
                    published: DatedBy {
                        date: date(2026, 10, 9),
                        source: DateSource::MetaPubDate,
                    },
                    days: 1248,
                },
                SuspectDate::Batch {
                    day: date(2026, 11, 18),
                    count: 5,
                    older_than: crate::rules::Age::try_from("6m".to_string()).unwrap(),
                    oldest: date(2025, 12, 1),
                },
            ],
        };
        assert_eq!(
            both(&forged, ("", "")),
            (
                "疑似伪造发稿日期（需人工核实）：“关于印发教师管理办法的通知”成文日期2023年5月10日，发布日期2026年10月9日（PubDate元数据），相隔1248天；2026年11月18日同日发布5篇形成于6个月以前的旧文档（最早2025年12月1日）".into(),
                "publish dates look re-dated (verify by hand): \"关于印发教师管理办法的通知\" written 2023-05-10, published 2026-10-09 (PubDate meta tag), 1248 days later; 5 documents made over 6 months earlier were all published on 2026-11-18 (oldest 2025-12-01)".into()
            )
        );
    }

    #[test]
    fn unconfirmed_and_still_open_wrap_what_they_qualify() {
        let f = Fact::StillOpen {
            inner: Box::new(Fact::Unconfirmed {
                inner: Box::new(Fact::NotFound),
                pages: 3,
                why: crate::audit::Reason::Timeout,
            }),
        };
        assert_eq!(
            both(&f, ("招生结果", "admission results")),
            (
                "未找到招生结果；但有3个页面未能抓取（请求超时），不能确定（复核时在相关栏目和页面中仍未发现整改）".into(),
                "no admission results found; but 3 pages could not be fetched (timeout), so this is not certain (still not found in the columns and pages rechecked)".into()
            )
        );
    }

    #[test]
    fn a_waiver_is_stated_after_the_fact() {
        let w = WaiverNote {
            reason: "栏目调整中".into(),
            expires: date(2026, 12, 31),
            expired: false,
        };
        let t = message(&Fact::NotFound, &Text::new("指南", "guide"), Some(&w));
        assert_eq!(t.zh, "未找到指南（已豁免至2026-12-31：栏目调整中）");
        assert_eq!(t.en, "no guide found (waived until 2026-12-31: 栏目调整中)");
    }
}
