//! English: how findings are worded.

use jiff::civil::Date;

use super::{Catalogue, MAX_LISTED};
use crate::audit::facts::*;
use crate::audit::finding::{Reason, Status, WaiverNote};
use crate::audit::score::{Cause, Score};
use crate::rules::{Age, AgeUnit, province};

pub struct En;

fn date(d: Date) -> String {
    d.to_string()
}

fn age(a: Age) -> String {
    let n = a.amount;
    match a.unit {
        AgeUnit::Days => format!("{n} days"),
        AgeUnit::Weeks => format!("{n} weeks"),
        AgeUnit::Months => format!("{n} months"),
        AgeUnit::Years => format!("{n} years"),
    }
}

fn why(r: Reason) -> &'static str {
    r.label(true)
}

fn deadline_tail(d: &Deadline) -> String {
    let Some(p) = d.province.as_deref().and_then(province::find) else {
        return d
            .kind
            .map(|k| format!(" (the deadline for a {})", k.label(true)))
            .unwrap_or_default();
    };
    format!(
        " ({}'s own deadline{})",
        p.en,
        d.province_from_site_code
            .as_deref()
            .map(|c| format!("; province from the site ID code {c}"))
            .unwrap_or_default()
    )
}

fn stale_column(c: &ColumnAge) -> String {
    match c.newest {
        Some(d) => format!(
            "\"{}\" last updated {}, over {} ago",
            c.name,
            date(d),
            age(c.limit)
        ),
        None => format!("\"{}\" has no entries or no visible dates", c.name),
    }
}

fn shared(cols: &[SharedColumn]) -> String {
    cols.iter()
        .map(|c| {
            format!(
                "; \"{}\" is a shared column (every entry links to {}), not scored",
                c.name, c.feed
            )
        })
        .collect()
}

fn home(hub: bool) -> &'static str {
    if hub {
        "the home page is a hub; its columns'"
    } else {
        "the home page's"
    }
}

fn num(x: f64) -> String {
    crate::audit::facts::show_number(x)
}

fn column(c: &TableColumn) -> String {
    match &c.label {
        Some(l) => format!("column \"{l}\""),
        None => format!("column {}", c.position),
    }
}

fn appeal(g: AppealGroup) -> &'static str {
    match g {
        AppealGroup::Reconsideration => "reconsideration",
        AppealGroup::Litigation => "litigation",
        AppealGroup::LitigationDirect => "litigation (sued directly)",
        AppealGroup::LitigationAfterReconsideration => "litigation (after reconsideration)",
    }
}

fn problem(p: &ReportProblem) -> String {
    match p {
        ReportProblem::SectionMissing { section } => format!(
            "section {} \"{}\" ({}) is missing",
            section.no, section.name.zh, section.name.en
        ),
        ReportProblem::SectionHeading { section, heading } => format!(
            "section {} is headed \"{heading}\"; the format says \"{}、{}\"",
            section.no, section.no, section.name.zh
        ),
        ReportProblem::SectionOrder { section, before } => format!(
            "section {} \"{}\" comes before section {} \"{}\"",
            section.no, section.name.zh, before.no, before.name.zh
        ),
        ReportProblem::SectionNumber { section, got } => format!(
            "section {} \"{}\" is numbered \"{got}\"",
            section.no, section.name.zh
        ),
        ReportProblem::TableMissing { section, no_tables } => format!(
            "no table for section {} \"{}\"{}",
            section.no,
            section.name.zh,
            if *no_tables {
                " (the page has no tables; tables published as images or attachments cannot be checked)"
            } else {
                ""
            }
        ),
        ReportProblem::RowTotal { row, total, sum } => format!(
            "section 三 table, row \"{row}\": the total is {} but the applicant columns add up to {}",
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
            "section 三 table, {}: item 1 + item 2 = {}+{} = {} but item 3 \"{total_row}\" + item 4 = {}+{} = {}; they must be equal",
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
            "section 三 table, {}: the outcome rows add up to {} but \"{total_row}\" is {}",
            column(c),
            num(*sum),
            num(*total)
        ),
        ReportProblem::AppealTotal {
            group, total, sum, ..
        } => format!(
            "section 四 table, {}: the total is {} but its results add up to {}",
            appeal(*group),
            num(*total),
            num(*sum)
        ),
        ReportProblem::Template2019 { items } => format!(
            "the tables still use the 2019 trial template's items: {}",
            items.join(", ")
        ),
        ReportProblem::More { count } => format!("and {count} more"),
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
            "\"{title}\" written {}, published {} ({}), {days} days later",
            date(*written),
            date(published.date),
            published.source.label(true)
        ),
        SuspectDate::Batch {
            day,
            count,
            older_than,
            oldest,
        } => format!(
            "{count} documents made over {} earlier were all published on {} (oldest {})",
            age(*older_than),
            date(*day),
            date(*oldest)
        ),
    }
}

fn identity_check(c: IdentityCheck) -> &'static str {
    match c {
        IdentityCheck::SiteCodeFormat => "SiteIDCode format",
        IdentityCheck::SiteCodeFooter => "SiteIDCode and footer code",
        IdentityCheck::SiteNameSponsor => "SiteName and footer sponsor",
        IdentityCheck::SiteDomainHost => "SiteDomain and host",
    }
}

fn conflict(c: &IdentityConflict) -> String {
    match c {
        IdentityConflict::SiteCodeFormat { code } => format!(
            "SiteIDCode \"{code}\" is not a 10-character site code (10 digits, or bm + 8 digits)"
        ),
        IdentityConflict::SiteCodeFooter { meta, footer } => {
            format!("SiteIDCode meta is {meta}, the footer's 网站标识码 is {footer}")
        }
        IdentityConflict::SiteNameSponsor { name, sponsor } => format!(
            "SiteName is \"{name}\" but the footer names \"{sponsor}\" (another site's template?)"
        ),
        IdentityConflict::SiteDomainHost { domain, host } => {
            format!("SiteDomain is \"{domain}\", which does not match the host {host}")
        }
    }
}

fn labels(l: &[crate::audit::Text]) -> String {
    l.iter()
        .map(|t| t.en.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Catalogue for En {
    fn fact(&self, fact: &Fact, name: &str) -> String {
        match fact {
            Fact::Found { title, date: d } => format!(
                "found \"{title}\"{}",
                d.map(|d| format!(" ({}, {})", date(d.date), d.source.label(true)))
                    .unwrap_or_default()
            ),
            Fact::FoundOutOfScope { title } => format!(
                "found a link to \"{title}\" outside the audit scope (content not verified)"
            ),
            Fact::Complete { title } => format!("found \"{title}\" with every required element"),
            Fact::EmptyColumns { names, marker } => format!(
                "column \"{}\" has no entries{}",
                names.join("\", \""),
                marker
                    .as_ref()
                    .map(|m| format!(" (shows \"{m}\")"))
                    .unwrap_or_default()
            ),
            Fact::DeadLink { title } => format!("the link to \"{title}\" is dead"),
            Fact::Unverified { title, why: w } => {
                format!("found \"{title}\" but could not verify it: {}", why(*w))
            }
            Fact::NotFound => format!("no {name} found"),
            Fact::NoneForYear { year, deadline } => format!(
                "no {name} for {year} found (due by {}){}",
                date(deadline.date),
                deadline_tail(deadline)
            ),
            Fact::YearUnverified { year, why: w } => format!(
                "found a link to the {year} {name} but could not fetch it: {}",
                why(*w)
            ),
            Fact::YearDeadLink { year, title } => {
                format!("the link to the {year} {name} is dead: {title}")
            }
            Fact::Late {
                year,
                published,
                deadline,
            } => format!(
                "the {year} {name} was published on {}, after the {} deadline{}",
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
                "\"{title}\"{} shows {} (e.g. {sample})",
                if *pages > 1 {
                    format!(" and {} more pages", pages - 1)
                } else {
                    String::new()
                },
                label.en
            ),
            Fact::NothingToCheck { terms } => {
                format!("no pages found to check ({})", terms.join(", "))
            }
            Fact::Unread {
                purpose: ReadFor::Forbid,
            } => format!("found {name} but could not read it to check"),
            Fact::Unread {
                purpose: ReadFor::Require,
            } => format!("found {name} but could not read it to check its contents"),
            Fact::NoneExposed { pages, labels: l } => {
                format!("checked {pages} pages, no {} found", labels(l))
            }
            Fact::Incomplete { title, missing } => {
                format!("\"{title}\" lacks: {}", labels(missing))
            }
            Fact::Stale {
                newest: Some(d),
                limit,
            } => format!(
                "the newest {name} is from {}, older than {}",
                date(*d),
                age(*limit)
            ),
            Fact::Stale { newest: None, .. } => {
                format!("{name} shows no publish date, which counts as not updated")
            }
            Fact::ForPeriod {
                year,
                deadline,
                found_year,
                inner,
            } => format!(
                "{} (the {year} {name} is due, by {}{}{})",
                self.fact(inner, name),
                date(deadline.date),
                deadline_tail(deadline),
                found_year
                    .map(|y| format!("; the later {y} one is published, which satisfies it"))
                    .unwrap_or_default()
            ),
            Fact::StillOpen { inner } => self.still_open(&self.fact(inner, name)),
            Fact::Unconfirmed {
                inner,
                pages,
                why: Reason::JsOnly,
            } => format!(
                "{}; but {pages} pages or columns are drawn by JavaScript and could not be read \
                 without a browser, so this is not certain",
                self.fact(inner, name)
            ),
            Fact::Unconfirmed {
                inner,
                pages,
                why: w,
            } => format!(
                "{}; but {pages} pages could not be fetched ({}), so this is not certain",
                self.fact(inner, name),
                why(*w)
            ),
            Fact::StaleColumns { columns, threshold } => {
                let list = columns
                    .iter()
                    .map(stale_column)
                    .collect::<Vec<_>>()
                    .join("; ");
                match threshold {
                    Some(t) => format!(
                        "{} columns not updated (veto at {t}): {list}",
                        columns.len()
                    ),
                    None => list,
                }
            }
            Fact::StaleBelow { count, threshold } => {
                format!("{count} stale columns, below {threshold}")
            }
            Fact::ColumnsFresh {
                columns,
                shared: s,
            } => format!(
                "up to date: {}{}",
                columns
                    .iter()
                    .map(|c| match c.newest {
                        Some(d) => format!("\"{}\" newest {}", c.name, date(d)),
                        None => format!("\"{}\"", c.name),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                shared(s)
            ),
            Fact::NoColumn { class, shared: s } if s.is_empty() => {
                format!("no {} column found", class.en)
            }
            Fact::NoColumn { class, shared: s } => {
                format!("no {} column of the bureau's own found{}", class.en, shared(s))
            }
            Fact::ColumnsScriptDrawn { class } => {
                format!("the {} list is drawn by script; freshness unknown", class.en)
            }
            Fact::BlankColumns { names } => {
                format!("{} blank columns: {}", names.len(), names.join(", "))
            }
            Fact::BlankBelow { count, threshold } => {
                format!("{count} blank columns, below {threshold}")
            }
            Fact::DeadLinks { count, statuses } => format!(
                "{count} dead links (HTTP {})",
                statuses
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Fact::NoDeadLinks { checked } => format!("checked {checked} links, none dead"),
            Fact::HomeNewest { date: d, hub } => {
                format!("{} newest item is from {}", home(*hub), date(*d))
            }
            Fact::HomeStale {
                date: d,
                hub,
                limit,
            } => format!(
                "{} newest item is from {}, older than {}",
                home(*hub),
                date(*d),
                age(*limit)
            ),
            Fact::HomeUnreachable => "the home page could not be fetched".to_string(),
            Fact::NoDatedItems => "no dated item was recognised on the home page or in any column (lists may be drawn by script); freshness unknown".to_string(),
            Fact::PhoneFound { label, number } => format!("{label}: {number}"),
            Fact::PhoneMissing { pages } => format!("no {name} on any of {pages} pages"),
            Fact::ReportProblems {
                title, problems, ..
            } => {
                let listed: Vec<String> = problems.iter().take(MAX_LISTED).map(problem).collect();
                let more = if problems.len() > MAX_LISTED {
                    format!("; and {} more", problems.len() - MAX_LISTED)
                } else {
                    String::new()
                };
                format!("\"{title}\": {}{more}", listed.join("; "))
            }
            Fact::NoReportPage => {
                "no annual report page was found, so its format cannot be checked".to_string()
            }
            Fact::ReportUnreadable { pages } => format!(
                "found {pages} annual report pages but no headings or tables in their text (attachments or images?)"
            ),
            Fact::ReportSectionsRight { title } => {
                format!("\"{title}\" has the six section headings in order")
            }
            Fact::ReportTablesRight { title } => {
                format!("\"{title}\" has the tables of sections 二, 三 and 四")
            }
            Fact::ReportNoTableToSum { title } => {
                format!("\"{title}\" has no table whose figures could be checked")
            }
            Fact::ReportSumsRight { title, checked } => {
                format!("\"{title}\": the table figures add up ({checked} sums checked)")
            }
            Fact::ReportCurrentFormat { title } => format!("\"{title}\" uses the 2021 format"),
            Fact::ReportOlderFormatApplies { title, year } => {
                format!("\"{title}\" covers {year}, when the 2019 format applied")
            }
            Fact::ReportYearUnknown { title } => {
                format!("cannot tell which year \"{title}\" covers")
            }
            Fact::NoDatesToCompare => "no document shows both a publish date and a date written (or a URL date); nothing to compare".to_string(),
            Fact::DatesConsistent { checked } => format!(
                "compared the publish date of {checked} documents with their dates written and URL dates: none looks re-dated"
            ),
            Fact::SuspectDates { suspects } => format!(
                "publish dates look re-dated (verify by hand): {}",
                suspects.iter().map(suspect).collect::<Vec<_>>().join("; ")
            ),
            Fact::NotForUnit { unit, applies_to } => format!(
                "not applicable: the rule is for {} only, and the unit is a {}",
                applies_to.iter().map(|t| t.label(true)).collect::<Vec<_>>().join(" or "),
                unit.label(true)
            ),
            Fact::NoIdentifiers => "no site identifiers to compare (SiteIDCode, SiteName, SiteDomain meta against the footer's code and sponsor)".to_string(),
            Fact::IdentityConsistent { compared } => format!(
                "consistent: {}",
                compared
                    .iter()
                    .map(|c| identity_check(*c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Fact::IdentityConflicts { conflicts } => conflicts
                .iter()
                .map(conflict)
                .collect::<Vec<_>>()
                .join("; "),
        }
    }

    fn waiver(&self, w: &WaiverNote) -> String {
        if w.expired {
            format!(" (waiver expired on {}: {})", w.expires, w.reason)
        } else {
            format!(" (waived until {}: {})", w.expires, w.reason)
        }
    }
    fn still_open(&self, message: &str) -> String {
        format!("{message} (still not found in the columns and pages rechecked)")
    }
    fn reason(&self, r: Reason) -> &'static str {
        match r {
            Reason::Missing => "missing",
            Reason::Empty => "empty",
            Reason::Stale => "stale",
            Reason::Incomplete => "incomplete",
            Reason::Late => "late",
            Reason::Broken => "broken",
            Reason::Inconsistent => "inconsistent",
            Reason::Outdated => "outdated format",
            Reason::SuspectDate => "suspect publish dates",
            Reason::Exposed => "exposes protected data",
            Reason::Blocked => "blocked",
            Reason::RateLimited => "rate limited",
            Reason::Timeout => "timeout",
            Reason::Unreachable => "unreachable",
            Reason::Tls => "TLS error",
            Reason::ServerError => "server error",
            Reason::RedirectError => "redirect error",
            Reason::RobotsDisallowed => "robots disallowed",
            Reason::NotCrawled => "not crawled (limits)",
            Reason::JsOnly => "JavaScript only",
            Reason::OutOfScope => "out of scope",
            Reason::NotApplicable => "not applicable",
            Reason::Soft404 => "soft 404",
            Reason::CircuitOpen => "host kept failing",
            Reason::NotArchived => "not archived",
            Reason::FetchError => "fetch error",
            Reason::Unreadable => "unreadable",
        }
    }

    fn status(&self, s: Status, waived: bool) -> &'static str {
        match (s, waived) {
            (Status::Gap, true) => "waived",
            (Status::Pass, _) => "pass",
            (Status::Gap, false) => "gap",
            (Status::Inconclusive, _) => "inconclusive",
        }
    }

    fn provisional(&self) -> &'static str {
        "provisional"
    }

    fn cause(&self, c: Cause) -> &'static str {
        match c {
            Cause::Blocked => "blocked by a firewall or rate limit",
            Cause::Javascript => "drawn by JavaScript",
            Cause::Budget => "beyond the crawl budget",
            Cause::Robots => "disallowed by robots.txt",
            Cause::Network => "timeouts or network errors",
            Cause::Other => "other causes",
        }
    }

    fn unjudged(&self, s: &Score) -> String {
        let parts: Vec<String> = s
            .unjudged
            .iter()
            .map(|u| {
                let veto = match u.vetoes.len() {
                    0 => String::new(),
                    1 => ", a veto item".to_string(),
                    n => format!(", {n} veto items"),
                };
                format!(
                    "{} {} ({} pts{veto})",
                    self.cause(u.cause),
                    u.rules.len(),
                    u.points
                )
            })
            .collect();
        format!(
            "{} {} worth {} points could not be judged: {}",
            s.inconclusive,
            if s.inconclusive == 1 { "rule" } else { "rules" },
            s.at_stake,
            parts.join(", ")
        )
    }

    fn headline(&self, s: &Score) -> String {
        let mut notes = Vec::new();
        if !s.vetoes.is_empty() {
            notes.push(format!("veto: {}", s.vetoes.join(", ")));
        }
        notes.extend(s.unjudged_text(true));
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        };
        format!(
            "Score {} / {} · Grade {}{notes}",
            s.points_text(),
            s.base,
            s.grade.en
        )
    }

    fn coverage(&self, s: &Score) -> String {
        let judged = s.passed + s.gaps + s.waived;
        let na = if s.not_applicable > 0 {
            format!(", {} not applicable", s.not_applicable)
        } else {
            String::new()
        };
        let waived = if s.waived > 0 {
            format!(", {} waived", s.waived)
        } else {
            String::new()
        };
        format!(
            "coverage {}% ({} of {} rules judged) · pass rate {}% ({} pass, {} gaps{waived}, {} inconclusive{na})",
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
                format!(", veto: {}", e.vetoes.join(", "))
            }
        };
        format!(
            "{} ({}{}) if every rule not judged passed, {} ({}{}) if every one were a gap",
            s.best.points,
            s.best.grade.en,
            veto(&s.best),
            s.worst.points,
            s.worst.grade.en,
            veto(&s.worst)
        )
    }
}
