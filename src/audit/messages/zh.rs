//! 中文：检查结论的表述。

use jiff::civil::Date;

use super::{Catalogue, MAX_LISTED};
use crate::audit::facts::*;
use crate::audit::finding::{Reason, Status, WaiverNote};
use crate::audit::score::{Cause, Score};
use crate::rules::{Age, AgeUnit, province};

pub struct Zh;

fn date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn age(a: Age) -> String {
    let n = a.amount;
    match a.unit {
        AgeUnit::Days => format!("{n}天"),
        AgeUnit::Weeks => format!("{n}周"),
        AgeUnit::Months => format!("{n}个月"),
        AgeUnit::Years => format!("{n}年"),
    }
}

fn why(r: Reason) -> &'static str {
    r.label(false)
}

fn deadline_tail(d: &Deadline) -> String {
    let Some(p) = d.province.as_deref().and_then(province::find) else {
        return d
            .kind
            .map(|k| format!("（{}适用的时限）", k.label(false)))
            .unwrap_or_default();
    };
    format!(
        "（{}规定的时限{}）",
        p.zh,
        d.province_from_site_code
            .as_deref()
            .map(|c| format!("，省份据网站标识码{c}判断"))
            .unwrap_or_default()
    )
}

fn stale_column(c: &ColumnAge) -> String {
    match c.newest {
        Some(d) => format!(
            "“{}”最新信息发布于{}，已超过{}未更新",
            c.name,
            date(d),
            age(c.limit)
        ),
        None => format!("“{}”无内容或无可见发布日期", c.name),
    }
}

fn shared(cols: &[SharedColumn]) -> String {
    cols.iter()
        .map(|c| {
            format!(
                "；“{}”为共享栏目（条目均链接至{}），不计入本单位更新考核",
                c.name, c.feed
            )
        })
        .collect()
}

fn home(hub: bool) -> &'static str {
    if hub {
        "首页为导航页，二级栏目"
    } else {
        "首页"
    }
}

fn num(x: f64) -> String {
    crate::audit::facts::show_number(x)
}

fn column(c: &TableColumn) -> String {
    match &c.label {
        Some(l) => format!("“{l}”列"),
        None => format!("第{}列", c.position),
    }
}

fn appeal(g: AppealGroup) -> &'static str {
    match g {
        AppealGroup::Reconsideration => "行政复议",
        AppealGroup::Litigation => "行政诉讼",
        AppealGroup::LitigationDirect => "行政诉讼（未经复议直接起诉）",
        AppealGroup::LitigationAfterReconsideration => "行政诉讼（复议后起诉）",
    }
}

/// One problem of an annual report.
pub fn problem(p: &ReportProblem) -> String {
    match p {
        ReportProblem::SectionMissing { section } => {
            format!("缺少第{}部分“{}”", section.no, section.name.zh)
        }
        ReportProblem::SectionHeading { section, heading } => format!(
            "第{}部分标题为“{heading}”，格式要求为“{}、{}”",
            section.no, section.no, section.name.zh
        ),
        ReportProblem::SectionOrder { section, before } => format!(
            "第{}部分“{}”排在第{}部分“{}”之前",
            section.no, section.name.zh, before.no, before.name.zh
        ),
        ReportProblem::SectionNumber { section, got } => {
            format!("第{}部分“{}”编号为“{got}”", section.no, section.name.zh)
        }
        ReportProblem::TableMissing { section, no_tables } => format!(
            "未找到第{}部分“{}”的统计表{}",
            section.no,
            section.name.zh,
            if *no_tables {
                "（正文中没有表格，统计表若以图片或附件发布则无法核验）"
            } else {
                ""
            }
        ),
        ReportProblem::RowTotal { row, total, sum } => format!(
            "第三部分表格“{row}”行：总计为{}，但自然人与法人或其他组织各列之和为{}",
            num(*total),
            num(*sum)
        ),
        ReportProblem::CarryOver {
            column: c,
            new,
            carried,
            total_row,
            handled,
            carried_on,
        } => format!(
            "第三部分表格{}：第一项加第二项为{}+{}={}，第三项“{total_row}”加第四项为{}+{}={}，两者应相等",
            column(c),
            num(*new),
            num(*carried),
            num(new + carried),
            num(*handled),
            num(*carried_on),
            num(handled + carried_on)
        ),
        ReportProblem::OutcomeTotal {
            column: c,
            sum,
            total_row,
            total,
        } => format!(
            "第三部分表格{}：办理结果各项之和为{}，但“{total_row}”为{}",
            column(c),
            num(*sum),
            num(*total)
        ),
        ReportProblem::AppealTotal {
            group,
            total,
            parts,
            sum,
        } => format!(
            "第四部分表格“{}”：总计为{}，但{}之和为{}",
            appeal(*group),
            num(*total),
            parts.join("、"),
            num(*sum)
        ),
        ReportProblem::Template2019 { items } => format!(
            "统计表仍使用2019年试行格式（国办公开办函〔2019〕60号）的栏目：{}",
            items.join("、")
        ),
        ReportProblem::More { count } => format!("等{count}处"),
    }
}

fn suspect(s: &SuspectDate) -> String {
    match s {
        SuspectDate::LateRelease {
            title,
            written,
            published,
            days,
        } => format!(
            "“{title}”成文日期{}，发布日期{}（{}），相隔{days}天",
            date(*written),
            date(published.date),
            published.source.label(false)
        ),
        SuspectDate::Batch {
            day,
            count,
            older_than,
            oldest,
        } => format!(
            "{}同日发布{count}篇形成于{}以前的旧文档（最早{}）",
            date(*day),
            age(*older_than),
            date(*oldest)
        ),
    }
}

fn identity_check(c: IdentityCheck) -> &'static str {
    match c {
        IdentityCheck::SiteCodeFormat => "SiteIDCode格式",
        IdentityCheck::SiteCodeFooter => "SiteIDCode与页脚网站标识码",
        IdentityCheck::SiteNameSponsor => "SiteName与页脚主办单位",
        IdentityCheck::SiteDomainHost => "SiteDomain与网站域名",
    }
}

fn conflict(c: &IdentityConflict) -> String {
    match c {
        IdentityConflict::SiteCodeFormat { code } => {
            format!("SiteIDCode“{code}”不是10位网站标识码（地方为10位数字，部门为bm加8位数字）")
        }
        IdentityConflict::SiteCodeFooter { meta, footer } => {
            format!("SiteIDCode元数据为{meta}，页脚网站标识码为{footer}")
        }
        IdentityConflict::SiteNameSponsor { name, sponsor } => {
            format!("SiteName为“{name}”，页脚主办单位却为“{sponsor}”（疑为套用其他网站模板）")
        }
        IdentityConflict::SiteDomainHost { domain, host } => {
            format!("SiteDomain为“{domain}”，与网站域名{host}不符")
        }
    }
}

impl Catalogue for Zh {
    fn fact(&self, fact: &Fact, name: &str) -> String {
        match fact {
            Fact::Found { title, date: d } => format!(
                "已找到“{title}”{}",
                d.map(|d| format!("（{}，{}）", date(d.date), d.source.label(false)))
                    .unwrap_or_default()
            ),
            Fact::FoundOutOfScope { title } => {
                format!("在审计范围外找到“{title}”链接（未核验内容）")
            }
            Fact::Complete { title } => format!("已找到“{title}”，要素齐全"),
            Fact::EmptyColumns { names, marker } => format!(
                "栏目“{}”无内容{}",
                names.join("、"),
                marker
                    .as_ref()
                    .map(|m| format!("（显示“{m}”）"))
                    .unwrap_or_default()
            ),
            Fact::DeadLink { title } => format!("指向“{title}”的链接无法访问"),
            Fact::Unverified { title, why: w } => {
                format!("找到“{title}”但无法核验：{}", why(*w))
            }
            Fact::NotFound => format!("未找到{name}"),
            Fact::NoneForYear { year, deadline } => format!(
                "未找到{year}年度{name}（应于{}前公开）{}",
                date(deadline.date),
                deadline_tail(deadline)
            ),
            Fact::YearUnverified { year, why: w } => {
                format!("找到{year}年度{name}的链接，但无法访问：{}", why(*w))
            }
            Fact::YearDeadLink { year, title } => {
                format!("{year}年度{name}的链接无法访问：{title}")
            }
            Fact::Late {
                year,
                published,
                deadline,
            } => format!(
                "{year}年度{name}发布于{}，晚于{}的公开时限{}",
                date(*published),
                date(deadline.date),
                deadline_tail(deadline)
            ),
            Fact::Exposed {
                title,
                label,
                sample,
                pages,
            } => format!(
                "“{title}”{}公开了{}（如{sample}）",
                if *pages > 1 {
                    format!("等{pages}个页面")
                } else {
                    String::new()
                },
                label.zh
            ),
            Fact::NothingToCheck { terms } => {
                format!("未找到需要核查的页面（{}）", terms.join("、"))
            }
            Fact::Unread {
                purpose: ReadFor::Forbid,
            } => format!("找到{name}，但无法读取其内容以核查"),
            Fact::Unread {
                purpose: ReadFor::Require,
            } => format!("找到{name}，但无法读取其内容以核验要素"),
            Fact::NoneExposed { pages, labels } => format!(
                "核查了{pages}个页面，未发现{}",
                labels
                    .iter()
                    .map(|l| l.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            Fact::Incomplete { title, missing } => format!(
                "“{title}”缺少：{}",
                missing
                    .iter()
                    .map(|l| l.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            Fact::Stale {
                newest: Some(d),
                limit,
            } => format!(
                "{name}最新信息发布于{}，已超过{}未更新",
                date(*d),
                age(*limit)
            ),
            Fact::Stale { newest: None, .. } => format!("{name}无可见发布日期，视为未更新"),
            Fact::ForPeriod {
                year,
                deadline,
                found_year,
                inner,
            } => format!(
                "{}（应公开{year}年度{name}，时限{}{}{}）",
                self.fact(inner, name),
                date(deadline.date),
                deadline_tail(deadline),
                found_year
                    .map(|y| format!("；已公开更新的{y}年度文件，视为符合"))
                    .unwrap_or_default()
            ),
            Fact::StillOpen { inner } => self.still_open(&self.fact(inner, name)),
            Fact::Unconfirmed {
                inner,
                pages,
                why: Reason::JsOnly,
            } => format!(
                "{}；但有{pages}个页面或栏目由脚本生成，不用浏览器无法读取，不能确定",
                self.fact(inner, name)
            ),
            Fact::Unconfirmed {
                inner,
                pages,
                why: w,
            } => format!(
                "{}；但有{pages}个页面未能抓取（{}），不能确定",
                self.fact(inner, name),
                why(*w)
            ),
            Fact::StaleColumns { columns, threshold } => {
                let list = columns
                    .iter()
                    .map(stale_column)
                    .collect::<Vec<_>>()
                    .join("；");
                match threshold {
                    Some(t) => format!(
                        "{}个栏目未按要求更新（达到{t}个即否决）：{list}",
                        columns.len()
                    ),
                    None => list,
                }
            }
            Fact::StaleBelow { count, threshold } => {
                format!("未按要求更新的栏目{count}个，低于{threshold}个")
            }
            Fact::ColumnsFresh {
                columns,
                shared: s,
            } => format!(
                "按时更新：{}{}",
                columns
                    .iter()
                    .map(|c| match c.newest {
                        Some(d) => format!("“{}”最新{}", c.name, date(d)),
                        None => format!("“{}”", c.name),
                    })
                    .collect::<Vec<_>>()
                    .join("；"),
                shared(s)
            ),
            Fact::NoColumn { class, shared: s } if s.is_empty() => {
                format!("未发现{}栏目", class.zh)
            }
            Fact::NoColumn { class, shared: s } => {
                format!("未发现本单位的{}栏目{}", class.zh, shared(s))
            }
            Fact::ColumnsScriptDrawn { class } => {
                format!("{}栏目列表由脚本生成，无法判断更新情况", class.zh)
            }
            Fact::BlankColumns { names } => {
                format!("空白栏目{}个：{}", names.len(), names.join("、"))
            }
            Fact::BlankBelow { count, threshold } => {
                format!("空白栏目{count}个，低于{threshold}个")
            }
            Fact::DeadLinks { count, statuses } => format!(
                "发现{count}个无法访问的链接（HTTP {}）",
                statuses
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            Fact::NoDeadLinks { checked } => {
                format!("检查了{checked}个链接，未发现无法访问的链接")
            }
            Fact::HomeNewest { date: d, hub } => {
                format!("{}最新信息发布于{}", home(*hub), date(*d))
            }
            Fact::HomeStale {
                date: d,
                hub,
                limit,
            } => format!(
                "{}最新信息发布于{}，已超过{}未更新",
                home(*hub),
                date(*d),
                age(*limit)
            ),
            Fact::HomeUnreachable => "首页无法获取".to_string(),
            Fact::NoDatedItems => {
                "首页及各栏目均未识别到带日期的信息（可能由脚本生成），无法判断更新情况"
                    .to_string()
            }
            Fact::PhoneFound { label, number } => format!("{label}：{number}"),
            Fact::PhoneMissing { pages } => format!("在{pages}个页面中未找到{name}"),
            Fact::ReportProblems {
                title,
                published,
                problems,
            } => {
                let listed: Vec<String> = problems.iter().take(MAX_LISTED).map(problem).collect();
                let more = if problems.len() > MAX_LISTED {
                    format!("；等{}处", problems.len())
                } else {
                    String::new()
                };
                format!(
                    "“{title}”{}：{}{more}",
                    published
                        .map(|d| format!("（{}发布）", date(d)))
                        .unwrap_or_default(),
                    listed.join("；")
                )
            }
            Fact::NoReportPage => {
                "未找到政府信息公开工作年度报告页面，无从核对其格式".to_string()
            }
            Fact::ReportUnreadable { pages } => format!(
                "找到{pages}个年度报告页面，但正文中没有可读取的标题或表格（可能以附件或图片发布）"
            ),
            Fact::ReportSectionsRight { title } => {
                format!("“{title}”六个部分标题齐全、顺序正确")
            }
            Fact::ReportTablesRight { title } => {
                format!("“{title}”第二、三、四部分的统计表齐全")
            }
            Fact::ReportNoTableToSum { title } => {
                format!("“{title}”中未找到可核对数据的统计表")
            }
            Fact::ReportSumsRight { title, checked } => {
                format!("“{title}”统计表数据勾稽关系一致（核对{checked}处）")
            }
            Fact::ReportCurrentFormat { title } => format!("“{title}”使用2021年格式"),
            Fact::ReportOlderFormatApplies { title, year } => {
                format!("“{title}”为{year}年度报告，适用2019年格式")
            }
            Fact::ReportYearUnknown { title } => format!("无法确定“{title}”所属年度"),
            Fact::NoDatesToCompare => {
                "未发现同时标有发布日期和成文日期（或URL日期）的文档，无法比对".to_string()
            }
            Fact::DatesConsistent { checked } => format!(
                "比对了{checked}篇文档的发布日期与成文日期、URL日期，未发现疑似改动发稿日期"
            ),
            Fact::SuspectDates { suspects } => format!(
                "疑似伪造发稿日期（需人工核实）：{}",
                suspects.iter().map(suspect).collect::<Vec<_>>().join("；")
            ),
            Fact::NotForUnit { unit, applies_to } => format!(
                "不适用：本项仅适用于{}，本单位为{}",
                applies_to.iter().map(|t| t.label(false)).collect::<Vec<_>>().join("、"),
                unit.label(false)
            ),
            Fact::NoIdentifiers => "未找到可相互比对的网站标识（SiteIDCode、SiteName、SiteDomain元数据与页脚网站标识码、主办单位）".to_string(),
            Fact::IdentityConsistent { compared } => format!(
                "一致：{}",
                compared
                    .iter()
                    .map(|c| identity_check(*c))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            Fact::IdentityConflicts { conflicts } => conflicts
                .iter()
                .map(conflict)
                .collect::<Vec<_>>()
                .join("；"),
        }
    }

    fn waiver(&self, w: &WaiverNote) -> String {
        if w.expired {
            format!("（豁免已于{}到期：{}）", w.expires, w.reason)
        } else {
            format!("（已豁免至{}：{}）", w.expires, w.reason)
        }
    }
    fn still_open(&self, message: &str) -> String {
        format!("{message}（复核时在相关栏目和页面中仍未发现整改）")
    }
    fn reason(&self, r: Reason) -> &'static str {
        match r {
            Reason::Missing => "缺失",
            Reason::Empty => "空白",
            Reason::Stale => "未及时更新",
            Reason::Incomplete => "要素不全",
            Reason::Late => "逾期公开",
            Reason::Broken => "链接不可用",
            Reason::Inconsistent => "前后不一致",
            Reason::Outdated => "格式过时",
            Reason::SuspectDate => "疑似伪造发稿日期",
            Reason::Exposed => "公开了不应公开的信息",
            Reason::Blocked => "访问被拦截",
            Reason::RateLimited => "被限流",
            Reason::Timeout => "请求超时",
            Reason::Unreachable => "无法连接",
            Reason::Tls => "TLS错误",
            Reason::ServerError => "服务器错误",
            Reason::RedirectError => "重定向错误",
            Reason::RobotsDisallowed => "robots.txt禁止",
            Reason::NotCrawled => "超出抓取范围限制",
            Reason::JsOnly => "内容由脚本生成",
            Reason::OutOfScope => "在审计范围外",
            Reason::NotApplicable => "不适用",
            Reason::Soft404 => "软404",
            Reason::CircuitOpen => "服务器持续出错",
            Reason::NotArchived => "存档中没有",
            Reason::FetchError => "抓取错误",
            Reason::Unreadable => "内容无法读取",
        }
    }

    fn status(&self, s: Status, waived: bool) -> &'static str {
        match (s, waived) {
            (Status::Gap, true) => "已豁免",
            (Status::Pass, _) => "符合",
            (Status::Gap, false) => "不符合",
            (Status::Inconclusive, _) => "无法判定",
        }
    }

    fn provisional(&self) -> &'static str {
        "待定"
    }

    fn cause(&self, c: Cause) -> &'static str {
        match c {
            Cause::Blocked => "防火墙拦截或限流",
            Cause::Javascript => "由JavaScript绘制",
            Cause::Budget => "超出抓取范围限制",
            Cause::Robots => "robots.txt禁止抓取",
            Cause::Network => "超时或网络错误",
            Cause::Other => "其他原因",
        }
    }

    fn unjudged(&self, s: &Score) -> String {
        let parts: Vec<String> = s
            .unjudged
            .iter()
            .map(|u| {
                let veto = if u.vetoes.is_empty() {
                    String::new()
                } else {
                    format!("，含单项否决项{}条", u.vetoes.len())
                };
                format!(
                    "{}{}条（{}分{veto}）",
                    self.cause(u.cause),
                    u.rules.len(),
                    u.points
                )
            })
            .collect();
        format!(
            "{}条规则共{}分无法判定：{}",
            s.inconclusive,
            s.at_stake,
            parts.join("、")
        )
    }

    fn headline(&self, s: &Score) -> String {
        let mut notes = Vec::new();
        if !s.vetoes.is_empty() {
            notes.push(format!("单项否决：{}", s.vetoes.join("、")));
        }
        notes.extend(s.unjudged_text(false));
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("（{}）", notes.join("；"))
        };
        format!(
            "得分 {} / {} · 等级 {}{notes}",
            s.points_text(),
            s.base,
            s.grade.zh
        )
    }

    fn coverage(&self, s: &Score) -> String {
        let judged = s.passed + s.gaps + s.waived;
        let na = if s.not_applicable > 0 {
            format!("，不适用{}", s.not_applicable)
        } else {
            String::new()
        };
        let waived = if s.waived > 0 {
            format!("，已豁免{}", s.waived)
        } else {
            String::new()
        };
        format!(
            "覆盖率 {}%（已判定{}/{}条规则）· 符合率 {}%（符合{}，不符合{}{waived}，无法判定{}{na}）",
            s.coverage,
            judged,
            judged + s.inconclusive,
            s.pass_rate,
            s.passed,
            s.gaps,
            s.inconclusive
        )
    }

    fn range(&self, s: &Score) -> String {
        let veto = |e: &crate::audit::ScoreEnd| {
            if e.vetoes.is_empty() {
                String::new()
            } else {
                format!("，单项否决：{}", e.vetoes.join("、"))
            }
        };
        format!(
            "无法判定的规则全部符合时 {}分（{}{}），全部不符合时 {}分（{}{}）",
            s.best.points,
            s.best.grade.zh,
            veto(&s.best),
            s.worst.points,
            s.worst.grade.zh,
            veto(&s.worst)
        )
    }
}
