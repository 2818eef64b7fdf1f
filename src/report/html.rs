//! A self-contained HTML report: no scripts, no network, inline CSS and SVG, printable on A4.
//! Everything that came from the audited site is escaped, and a Content-Security-Policy forbids
//! scripts outright, so a page title containing `<script>` renders as text.

use std::fmt::Write as _;
use std::io::Write;

use super::{HistoryPoint, Render, Report, display_url, ordered};
use crate::audit::{Finding, Status};
use crate::rules::Severity;

pub struct HtmlReport {
    pub en: bool,
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif;color:#1f2328;margin:2em auto;max-width:60em;padding:0 1em;line-height:1.5}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:2px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#57606a;font-size:.9em}
.summary{display:flex;gap:1.5em;align-items:center;border:1px solid #d0d7de;border-radius:8px;padding:1em;margin:1em 0}
.score{font-size:2.6em;font-weight:700}.grade{font-size:1.4em;font-weight:700;padding:.1em .6em;border-radius:6px}
.grade.pass{background:#dafbe1;color:#116329}.grade.fail{background:#ffebe9;color:#a40e26}.grade.provisional{background:#fff8c5;color:#7d4e00}
.unjudged{color:#7d4e00;margin:.3em 0 0}.unjudged ul{margin:.2em 0;padding-left:1.2em}
.veto{color:#a40e26;font-weight:700}
.charts{display:flex;flex-wrap:wrap;gap:2em}
.finding{border:1px solid #d0d7de;border-left-width:6px;border-radius:6px;padding:.6em 1em;margin:.8em 0;break-inside:avoid;page-break-inside:avoid}
.finding.gap{border-left-color:#cf222e}.finding.veto{border-left-color:#82071e;background:#fff8f8}
.finding.inconclusive{border-left-color:#bf8700}.finding.pass{border-left-color:#1a7f37}
.finding h3{font-size:1em;margin:0 0 .3em}.badge{display:inline-block;font-size:.8em;padding:0 .5em;border-radius:4px;margin-right:.5em;color:#fff}
.badge.gap{background:#cf222e}.badge.veto{background:#82071e}.badge.inconclusive{background:#bf8700}.badge.pass{background:#1a7f37}
.id{font-family:monospace;color:#57606a;margin-right:.4em}.pts{float:right;font-weight:700;color:#a40e26}
.finding dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:.4em 0 0;font-size:.92em}
.finding dt{color:#57606a}.finding dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #d0d7de;padding:.2em .6em;text-align:left}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none}.finding.pass dl{display:none}a{color:inherit;text-decoration:none}h2{break-after:avoid}}
"#;

/// The printed page's footer: the unit's name and the page number, in a CSS page-margin box.
fn print_footer(unit: &str, en: bool) -> String {
    // A CSS string: quotes and backslashes escaped, nothing that could close the style element.
    let unit: String = unit
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            '<' => "\\3c ".chars().collect(),
            '>' => "\\3e ".chars().collect(),
            c => vec![c],
        })
        .collect();
    let pages = if en {
        r#"" · page " counter(page) " of " counter(pages)"#
    } else {
        r#"" · 第" counter(page) "页 共" counter(pages) "页""#
    };
    format!("@page{{@bottom-center{{content:\"{unit}\" {pages};font-size:9pt;color:#57606a}}}}")
}

fn status_class(f: &Finding) -> &'static str {
    match (f.status, f.severity) {
        _ if f.is_waived() => "inconclusive",
        (Status::Gap, Severity::Veto) => "veto",
        (Status::Gap, _) => "gap",
        (Status::Inconclusive, _) => "inconclusive",
        (Status::Pass, _) => "pass",
    }
}

/// Horizontal bars, one per (label, value, colour); values scaled to the largest.
fn bars(title: &str, rows: &[(String, f64, &str)], unit: &str) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1.0);
    let h = 26 * rows.len() + 30;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="380" height="{h}" role="img" aria-label="{t}"><text x="0" y="16" font-size="14" font-weight="bold">{t}</text>"#,
        t = esc(title)
    );
    for (i, (label, value, colour)) in rows.iter().enumerate() {
        let y = 30 + 26 * i;
        let w = (220.0 * value / max).round();
        let _ = write!(
            svg,
            r#"<text x="0" y="{ty}" font-size="12">{l}</text><rect x="110" y="{y}" width="{w}" height="18" fill="{colour}"/><text x="{tx}" y="{ty}" font-size="12">{v}{u}</text>"#,
            ty = y + 14,
            l = esc(label),
            tx = 116.0 + w,
            v = (value * 10.0).round() / 10.0,
            u = esc(unit),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The score over the recorded runs: a sparkline of every run and a table of the latest ones.
fn trend(points: &[HistoryPoint], base: f64, en: bool) -> String {
    let t = |zh: &'static str, e: &'static str| if en { e } else { zh };
    let (w, ht, pad) = (380.0_f64, 110.0_f64, 14.0_f64);
    let top = points
        .iter()
        .map(|p| p.points)
        .fold(base, f64::max)
        .max(1.0);
    let step = if points.len() > 1 {
        (w - 2.0 * pad) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let xy = |i: usize, v: f64| {
        (
            (pad + step * i as f64).round(),
            (ht - pad - (ht - 2.0 * pad) * v.max(0.0) / top).round(),
        )
    };
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{ht}" role="img" aria-label="{label}"><line x1="{pad}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#d0d7de"/>"##,
        label = t("得分趋势", "Score trend"),
        y0 = ht - pad,
        x1 = w - pad,
    );
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = xy(i, p.points);
            format!("{x},{y}")
        })
        .collect();
    let _ = write!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#0969da" stroke-width="2"/>"##,
        line.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let (x, y) = xy(i, p.points);
        // A range is drawn down to its worst end; a provisional grade is an open circle.
        if let Some(w) = p.worst {
            let (_, yw) = xy(i, w);
            let _ = write!(
                svg,
                r##"<line x1="{x}" y1="{y}" x2="{x}" y2="{yw}" stroke="#bf8700" stroke-width="2"/>"##
            );
        }
        let fill = if p.provisional { "#fff" } else { "#0969da" };
        let _ = write!(
            svg,
            r##"<circle cx="{x}" cy="{y}" r="3" fill="{fill}" stroke="#0969da"><title>{} {}</title></circle>"##,
            p.as_of,
            p.points_text()
        );
    }
    if let Some(last) = points.last() {
        let (x, y) = xy(points.len() - 1, last.points);
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>"#,
            x,
            (y - 6.0).max(10.0),
            last.points
        );
    }
    svg.push_str("</svg>");

    let mut rows = String::new();
    // The table keeps to the latest runs; the line shows them all.
    let shown = points.len().saturating_sub(10);
    for (i, p) in points.iter().enumerate().skip(shown) {
        let _ = write!(
            rows,
            "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            p.as_of,
            p.points_text(),
            esc(p.grade.get(en)),
            p.gaps
        );
    }
    format!(
        r#"<h2>{}</h2><div class="charts">{svg}<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{rows}</table></div>"#,
        t("历次审计", "Audit history"),
        t("次序", "Run"),
        t("基准日期", "As of"),
        t("得分", "Score"),
        t("等级", "Grade"),
        t("不符合", "Gaps"),
    )
}

impl Render for HtmlReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let en = self.en;
        let t = |zh: &'static str, e: &'static str| if en { e } else { zh };
        let s = &report.score;
        let site = report.unit_name();
        let mut h = String::new();
        let _ = write!(
            h,
            r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {site}</title><style>{CSS}</style><style>{footer}</style></head><body>
<h1>{title}</h1><p class="meta">{site} · {target_l}<a href="{url}">{url_text}</a> · {pack_l}{pack} · {asof_l}{asof}</p>"#,
            lang = if en { "en" } else { "zh-CN" },
            footer = print_footer(&site, en),
            title = t(
                "政府信息公开审计报告",
                "Government information disclosure audit"
            ),
            site = esc(&site),
            target_l = t("目标：", "target: "),
            url = esc(report.target.start_url.as_str()),
            url_text = esc(report.target.start_url.as_str()),
            pack_l = t("规则包：", "rule pack: "),
            pack = esc(report.pack.name.get(en)),
            asof_l = t("基准日期：", "as of "),
            asof = report.as_of,
        );
        if let Some((label, line)) = report.unit_line(en) {
            let _ = write!(h, r#"<p class="meta">{label}：{}</p>"#, esc(&line));
        }

        // Summary up front: score, grade, vetoes.
        let veto_names: Vec<String> = report
            .findings
            .iter()
            .filter(|f| s.vetoes.contains(&f.rule_id))
            .map(|f| esc(f.name.get(en)))
            .collect();
        // What could not be judged, by cause, with its rules and points: the grade waits on it.
        let unjudged = match s.unjudged_text(en) {
            None => String::new(),
            Some(text) => {
                let items: String = s
                    .unjudged
                    .iter()
                    .map(|u| {
                        format!(
                            "<li>{}：{}{}</li>",
                            esc(u.cause.label(en)),
                            esc(&u.rules.join(t("、", ", "))),
                            esc(&format!(
                                "{}{}",
                                t("（", " ("),
                                if en {
                                    format!("{} pts)", u.points)
                                } else {
                                    format!("{}分）", u.points)
                                }
                            ))
                        )
                    })
                    .collect();
                format!(
                    r#"<div class="unjudged"><p>{}</p><ul>{items}</ul></div>"#,
                    esc(&text)
                )
            }
        };
        let _ = write!(
            h,
            r#"<div class="summary"><div><div class="score">{pts}<small>/{base}</small></div><div class="meta">{ded_l}{ded}</div></div>
<div><span class="grade {cls}">{grade}</span>{veto}<div class="meta">{cov}</div>{range}{unjudged}</div></div>"#,
            pts = esc(&s.points_text()),
            base = s.base,
            ded_l = t("扣分 ", "deducted "),
            ded = s.deductions,
            cls = if s.provisional {
                "provisional"
            } else if s.pass {
                "pass"
            } else {
                "fail"
            },
            grade = esc(s.grade.get(en)),
            veto = if veto_names.is_empty() {
                String::new()
            } else {
                format!(
                    r#"<p class="veto">{}{}</p>"#,
                    t("单项否决：", "Veto: "),
                    veto_names.join(t("、", ", "))
                )
            },
            cov = esc(&s.coverage_text(en)),
            range = s
                .range_text(en)
                .map(|r| format!(
                    r#"<div class="meta">{}{}</div>"#,
                    t("得分范围：", "Range: "),
                    esc(&r)
                ))
                .unwrap_or_default(),
        );

        // Charts: gaps by severity, and deductions by category (the rule id's prefix).
        let sev = [
            (Severity::Veto, "#82071e"),
            (Severity::Major, "#cf222e"),
            (Severity::Minor, "#fb8f44"),
            (Severity::Advisory, "#8c959f"),
        ];
        let by_sev: Vec<(String, f64, &str)> = sev
            .iter()
            .map(|(v, c)| {
                let n = report
                    .findings
                    .iter()
                    .filter(|f| f.status == Status::Gap && f.severity == *v)
                    .count();
                (v.label(en).to_string(), n as f64, *c)
            })
            .collect();
        let mut cats: Vec<(String, f64, &str)> = Vec::new();
        for f in &report.findings {
            let cat = f.rule_id.split('-').next().unwrap_or_default().to_string();
            match cats.iter_mut().find(|c| c.0 == cat) {
                Some(c) => c.1 += f.deduction,
                None => cats.push((cat, f.deduction, "#0969da")),
            }
        }
        let _ = write!(
            h,
            r#"<div class="charts">{}{}</div>"#,
            bars(t("按严重程度的问题数", "Gaps by severity"), &by_sev, ""),
            bars(
                t("按类别的扣分", "Points deducted by category"),
                &cats,
                t("分", " pts")
            ),
        );

        if let Some(points) = report.history.as_deref().filter(|p| !p.is_empty()) {
            h.push_str(&trend(points, s.base, en));
        }

        let _ = write!(h, "<h2>{}</h2>", t("审计结果", "Findings"));
        for f in ordered(report) {
            let cls = status_class(f);
            let badge = if cls == "veto" {
                t("单项否决", "veto").to_string()
            } else {
                f.status_label(en).to_string()
            };
            let _ = write!(
                h,
                r#"<section class="finding {cls}"><h3><span class="badge {cls}">{badge}</span><span class="id">{id}</span>{name}{pts}</h3><p>{msg}</p><dl>"#,
                badge = esc(&badge),
                id = esc(&f.rule_id),
                name = esc(f.name.get(en)),
                pts = match f.points_text(en) {
                    p if p.is_empty() => String::new(),
                    p => format!(r#"<span class="pts">{}</span>"#, esc(&p)),
                },
                msg = esc(f.message.get(en)),
            );
            if let Some(r) = f.reason {
                let _ = write!(
                    h,
                    "<dt>{}</dt><dd>{}</dd>",
                    t("原因", "Reason"),
                    esc(r.label(en))
                );
            }
            for e in f.evidence.iter().take(5) {
                let mut line = String::new();
                if let Some(u) = &e.url {
                    // A local mirror's loopback server is gone once the audit ends: no dead links.
                    if report.target.local {
                        let _ = write!(line, "<code>{}</code>", esc(&display_url(report, u)));
                    } else {
                        let _ = write!(
                            line,
                            r#"<a href="{}">{}</a>"#,
                            esc(u.as_str()),
                            esc(&display_url(report, u))
                        );
                    }
                }
                if let Some(text) = &e.text {
                    let _ = write!(line, " “{}”", esc(text));
                }
                if let (Some(d), Some(src)) = (e.date, e.date_source) {
                    let _ = write!(line, " · {d}（{}）", esc(src.label(en)));
                } else if let Some(d) = e.date {
                    let _ = write!(line, " · {d}");
                }
                if let Some(o) = e.other_dates_text(en) {
                    let _ = write!(line, "（{}）", esc(&o));
                }
                if let Some(st) = e.http_status.filter(|s| *s != 200) {
                    let _ = write!(line, " · HTTP {st}");
                }
                if let Some(on) = &e.found_on {
                    let _ = write!(
                        line,
                        " · {}{}",
                        t("所在页面 ", "on "),
                        esc(&display_url(report, on))
                    );
                }
                let _ = write!(h, "<dt>{}</dt><dd>{line}</dd>", t("证据", "Evidence"));
            }
            let _ = write!(
                h,
                "<dt>{}</dt><dd>{}</dd>",
                t("依据", "Basis"),
                esc(f.basis.get(en))
            );
            if f.status == Status::Gap {
                let _ = write!(
                    h,
                    "<dt>{}</dt><dd>{}</dd>",
                    t("整改建议", "Remedy"),
                    esc(f.remedy.get(en))
                );
            }
            h.push_str("</dl></section>");
        }

        // The crawl, so the reader knows what was and was not looked at.
        let c = &report.crawl;
        let _ = write!(
            h,
            "<h2>{}</h2><table><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{:.1}</td></tr>",
            t("抓取情况", "Crawl"),
            t("页面", "Pages"),
            c.pages_fetched,
            t("请求", "Requests"),
            c.requests,
            t("死链", "Dead links"),
            report.site.dead_links,
            t("用时（秒）", "Time (s)"),
            c.elapsed_ms as f64 / 1000.0
        );
        if c.not_modified > 0 {
            let _ = write!(
                h,
                "<tr><th>{}</th><td>{}</td></tr>",
                t(
                    "未修改（304，沿用缓存）",
                    "Not modified (304, reused from the cache)"
                ),
                c.not_modified
            );
        }
        for (o, n) in &c.outcome_counts {
            let _ = write!(h, "<tr><th>{}</th><td>{n}</td></tr>", esc(o.label(en)));
        }
        h.push_str("</table>");
        for n in &report.notes {
            let _ = write!(
                h,
                r#"<p class="meta">{}{}</p>"#,
                t("注意：", "Note: "),
                esc(n.get(en))
            );
        }
        let _ = write!(
            h,
            r#"<p class="meta">gongkai {} · {}</p></body></html>"#,
            esc(&report.tool.version),
            esc(&report.generated_at)
        );
        out.write_all(h.as_bytes())?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }
}
