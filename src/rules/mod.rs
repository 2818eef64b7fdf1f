//! Rule packs: TOML files in `rules/`, selected by id or path, extending each other, validated
//! on load with errors that name the file, line and column and say what is allowed.

pub mod forbid;
pub mod model;
pub mod province;
pub mod unit;
pub mod waiver;

use std::ops::Range;
use std::path::{Path, PathBuf};

use model::PackFile;
pub use model::{
    Age, AgeUnit, Aspect, ColumnClass, Covers, Detector, Due, Forbid, Grade, LinkScope, Pattern,
    Require, Rule, RuleHeader, Scoring, Severity, Where,
};

use serde::Deserialize as _;

use crate::audit::checks::{CheckSpec, Validation};
use crate::extract::TextPolicy;

/// Packs compiled into the binary, so `--rules cn-edu-county` works from any directory.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "cn-gov-baseline",
        include_str!("../../rules/cn-gov-baseline.toml"),
    ),
    (
        "cn-site-inspection",
        include_str!("../../rules/cn-site-inspection.toml"),
    ),
    (
        "cn-edu-county",
        include_str!("../../rules/cn-edu-county.toml"),
    ),
    (
        "us-federal-example",
        include_str!("../../rules/us-federal-example.toml"),
    ),
];

/// A rule file problem.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{file}:{line}:{column}: {message}\n{snippet}")]
    At {
        file: String,
        line: usize,
        column: usize,
        message: String,
        snippet: String,
    },
    #[error("cannot read rule file `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "unknown rule pack `{name}`\n  hint: built-in packs are {available}; or give the path of a .toml rule file"
    )]
    UnknownPack { name: String, available: String },
    #[error("rule packs extend each other in a cycle: {0}")]
    Cycle(String),
}

/// Where a pack's text came from.
#[derive(Debug, Clone)]
struct Source {
    /// Shown in errors: a path, or `<built-in>/id.toml`.
    name: String,
    text: String,
    dir: Option<PathBuf>,
}

impl Source {
    fn error(&self, span: Option<Range<usize>>, message: impl Into<String>) -> RuleError {
        let at = span.map(|s| s.start).unwrap_or(0).min(self.text.len());
        let before = &self.text[..at];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = self.text[line_start..at].chars().count() + 1;
        let line_text = self.text[line_start..].lines().next().unwrap_or("");
        let width: usize = self.text[line_start..at]
            .chars()
            .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
            .sum();
        let snippet = format!("{line:>5} | {line_text}\n      | {}^", " ".repeat(width));
        RuleError::At {
            file: self.name.clone(),
            line,
            column,
            message: message.into(),
            snippet,
        }
    }
}

/// A pack with its parents merged in, validated and ready to evaluate.
#[derive(Debug, Clone)]
pub struct RulePack {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    /// The ids of every pack merged in, parents first.
    pub chain: Vec<String>,
    pub timezone: String,
    pub scoring: Scoring,
    pub classes: Vec<ColumnClass>,
    pub rules: Vec<Rule>,
    /// The province whose own due dates apply (`--province`); when unset, the audit reads it
    /// from the site's 网站标识码.
    pub province: Option<&'static province::Province>,
    /// Inherited rules this pack's own file disables.
    pub disabled: Vec<String>,
    /// Inherited rules this pack's own file replaces (`override = true`).
    pub overrides: Vec<String>,
}

impl RulePack {
    pub fn class(&self, id: &str) -> Option<&ColumnClass> {
        self.classes.iter().find(|c| c.id == id)
    }

    /// The class a column name belongs to: the class with the longest matching name wins, so
    /// `部门预算` is not taken for a generic `预算`.
    pub fn classify(&self, column_name: &str) -> Option<&ColumnClass> {
        self.classes
            .iter()
            .filter_map(|c| {
                let best = c
                    .names
                    .iter()
                    .filter(|n| column_name.contains(n.as_str()))
                    .map(|n| n.chars().count())
                    .max()?;
                Some((best, c))
            })
            .max_by_key(|(n, _)| *n)
            .map(|(_, c)| c)
    }

    /// Pages whose title or column mentions one of these keep their text for `require` checks.
    pub fn text_policy(&self) -> TextPolicy {
        let mut terms: Vec<String> = Vec::new();
        for r in &self.rules {
            if r.check.reads_text() {
                for t in r.check.find_terms() {
                    if !terms.contains(t) {
                        terms.push(t.clone());
                    }
                }
            }
        }
        TextPolicy::mentioning(terms)
    }
}

/// Lists the built-in pack ids.
pub fn builtin_ids() -> Vec<&'static str> {
    BUILTIN.iter().map(|(id, _)| *id).collect()
}

fn builtin(id: &str) -> Option<Source> {
    BUILTIN
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(i, text)| Source {
            name: format!("<built-in>/{i}.toml"),
            text: text.to_string(),
            dir: None,
        })
}

fn read(path: &Path) -> Result<Source, RuleError> {
    let text = std::fs::read_to_string(path).map_err(|source| RuleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Source {
        name: path.display().to_string(),
        text,
        dir: path.parent().map(Path::to_path_buf),
    })
}

fn unknown(name: &str) -> RuleError {
    RuleError::UnknownPack {
        name: name.to_string(),
        available: builtin_ids().join(", "),
    }
}

/// Loads a pack by built-in id or by path, with everything it extends.
pub fn load(spec: &str) -> Result<RulePack, RuleError> {
    let path = Path::new(spec);
    let looks_like_path = spec.ends_with(".toml") || spec.contains('/') || spec.contains('\\');
    let src = if path.is_file() {
        read(path)?
    } else if looks_like_path {
        return Err(RuleError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    } else {
        builtin(spec).ok_or_else(|| unknown(spec))?
    };
    compile(src)
}

/// Compiles a pack from text (for tests and tools).
pub fn load_str(name: &str, text: &str) -> Result<RulePack, RuleError> {
    compile(Source {
        name: name.to_string(),
        text: text.to_string(),
        dir: None,
    })
}

fn parse(src: &Source) -> Result<PackFile, RuleError> {
    use toml::de::{DeTable, DeValue, ValueDeserializer};
    let located = |e: toml::de::Error| src.error(e.span(), e.message().trim_end().to_string());
    let mut root = DeTable::parse(&src.text).map_err(located)?;
    // The `[[rule]]` tables are read one by one: a body's type depends on its `check`.
    let rule_tables = root.get_mut().remove("rule");
    let mut file: PackFile =
        PackFile::deserialize(toml::de::Deserializer::from(root)).map_err(|e| {
            let msg = e.message().trim_end().to_string();
            // The keys a rule file may have at its top, `rule` among them.
            let msg = msg.replace(
                "expected one of `pack`, `scoring`, `class`",
                "expected one of `pack`, `scoring`, `class`, `rule`",
            );
            src.error(e.span(), msg)
        })?;
    let Some(rules) = rule_tables else {
        return Ok(file);
    };
    let not_tables = || {
        src.error(
            Some(rules.span()),
            "`rule` must be an array of tables: write each rule under its own `[[rule]]`",
        )
    };
    let DeValue::Array(items) = rules.get_ref() else {
        return Err(not_tables());
    };
    for item in items {
        let span = item.span();
        let DeValue::Table(t) = item.get_ref() else {
            return Err(not_tables());
        };
        let mut head = DeTable::new();
        let mut body = DeTable::new();
        let mut kind: Option<(String, Range<usize>)> = None;
        for (k, v) in t {
            if k.get_ref() == "check" {
                let Some(name) = v.get_ref().as_str() else {
                    return Err(src.error(
                        Some(v.span()),
                        format!(
                            "`check` must be a string, one of: {}",
                            CheckSpec::NAMES.join(", ")
                        ),
                    ));
                };
                kind = Some((name.to_string(), v.span()));
            } else if RuleHeader::KEYS.contains(&k.get_ref().as_ref()) {
                head.insert(k.clone(), v.clone());
            } else {
                body.insert(k.clone(), v.clone());
            }
        }
        let header = RuleHeader::deserialize(ValueDeserializer::from(toml::Spanned::new(
            span.clone(),
            DeValue::Table(head),
        )))
        .map_err(|e| {
            src.error(
                e.span().or(Some(span.clone())),
                e.message().trim_end().to_string(),
            )
        })?;
        let (name, name_span) = kind.unwrap_or((CheckSpec::DEFAULT.to_string(), span.clone()));
        let id = header.id.get_ref().clone();
        let de = ValueDeserializer::from(toml::Spanned::new(span.clone(), DeValue::Table(body)));
        let check = match CheckSpec::parse(&name, de) {
            None => {
                return Err(src.error(
                    Some(name_span),
                    format!(
                        "unknown check `{name}`{}; the check kinds are: {}",
                        suggest_among(&name, CheckSpec::NAMES),
                        CheckSpec::NAMES.join(", ")
                    ),
                ));
            }
            Some(Err(e)) => {
                return Err(src.error(
                    e.span().or(Some(span.clone())),
                    body_error(&id, &name, e.message().trim_end()),
                ));
            }
            Some(Ok(check)) => check,
        };
        file.rules.push(toml::Spanned::new(
            span,
            Rule {
                head: header,
                check,
            },
        ));
    }
    Ok(file)
}

/// A body's serde error in the rule author's terms: which rule and kind, what the kind
/// accepts, and where a misplaced key belongs.
fn body_error(id: &str, kind: &str, message: &str) -> String {
    let head = format!("rule `{id}` (check = \"{kind}\")");
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        return format!("{head} needs `{field}`");
    }
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return format!("{head}: {message}");
    };
    let field = rest.split('`').next().unwrap_or_default();
    let owners = owners_of(field);
    let tail = if owners.is_empty() {
        format!("; every rule also has: {}", RuleHeader::KEYS.join(", "))
    } else {
        format!(
            "; `{field}` belongs to check = {}",
            owners
                .iter()
                .map(|o| format!("\"{o}\""))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    };
    format!("{message}{tail}")
}

/// The kinds whose bodies have a key, from their schemas.
fn owners_of(field: &str) -> Vec<&'static str> {
    let mut generator = schemars::SchemaGenerator::default();
    CheckSpec::body_schemas(&mut generator)
        .into_iter()
        .filter(|(_, s)| {
            s.as_object()
                .and_then(|o| o.get("properties"))
                .and_then(|p| p.as_object())
                .is_some_and(|p| p.contains_key(field))
        })
        .map(|(n, _)| n)
        .collect()
}

/// Resolves `extends` depth first, parents before children, each pack once.
fn chain(
    src: Source,
    file: PackFile,
    stack: &mut Vec<String>,
    out: &mut Vec<(Source, PackFile)>,
) -> Result<(), RuleError> {
    let id = file.pack.id.get_ref().clone();
    stack.push(id.clone());
    for parent in &file.pack.extends {
        let pid = parent.get_ref();
        if stack.contains(pid) {
            let mut cycle = stack.clone();
            cycle.push(pid.clone());
            return Err(RuleError::Cycle(cycle.join(" → ")));
        }
        if out.iter().any(|(_, f)| f.pack.id.get_ref() == pid) {
            continue;
        }
        let sibling = src.dir.as_ref().map(|d| d.join(format!("{pid}.toml")));
        let psrc = match sibling.filter(|p| p.is_file()) {
            Some(p) => read(&p)?,
            None => builtin(pid).ok_or_else(|| {
                src.error(
                    Some(parent.span()),
                    format!(
                        "`extends` names unknown pack `{pid}`; built-in packs are {}{}",
                        builtin_ids().join(", "),
                        if src.dir.is_some() {
                            ", or a .toml file of that name next to this one"
                        } else {
                            ""
                        }
                    ),
                )
            })?,
        };
        let pfile = parse(&psrc)?;
        if pfile.pack.id.get_ref() != pid {
            return Err(psrc.error(
                Some(pfile.pack.id.span()),
                format!(
                    "this file was loaded as pack `{pid}` but its [pack] id is `{}`",
                    pfile.pack.id.get_ref()
                ),
            ));
        }
        chain(psrc, pfile, stack, out)?;
    }
    stack.pop();
    out.push((src, file));
    Ok(())
}

fn compile(src: Source) -> Result<RulePack, RuleError> {
    let file = parse(&src)?;
    let mut files = Vec::new();
    chain(src, file, &mut Vec::new(), &mut files)?;

    let mut classes: Vec<ColumnClass> = Vec::new();
    for (_, f) in &files {
        for c in &f.classes {
            let c = c.get_ref().clone();
            match classes.iter_mut().find(|x| x.id == c.id) {
                // A child pack may retune a parent's class (a province's own freshness limit).
                Some(existing) => *existing = c,
                None => classes.push(c),
            }
        }
    }

    let mut rules: Vec<Rule> = Vec::new();
    // Where each rule in `rules` was defined (or last overridden).
    let mut defined_in: Vec<String> = Vec::new();
    let mut scoring = None;
    let mut timezone = None;
    let mut disabled: Vec<String> = Vec::new();
    let mut overrides: Vec<String> = Vec::new();
    let last = files.len() - 1;
    for (n, (src, f)) in files.iter().enumerate() {
        validate_file(src, f)?;
        if let Some(s) = &f.scoring {
            scoring = Some(s.clone());
        }
        if let Some(tz) = &f.pack.timezone {
            if jiff::tz::TimeZone::get(tz.get_ref()).is_err() {
                return Err(src.error(
                    Some(tz.span()),
                    format!(
                        "unknown time zone `{}`; use an IANA name such as \"Asia/Shanghai\"",
                        tz.get_ref()
                    ),
                ));
            }
            timezone = Some(tz.get_ref().clone());
        }
        // What the parents define, before this file changes anything.
        let inherited: Vec<String> = rules.iter().map(|r| r.id.get_ref().clone()).collect();
        let mut disabled_here: Vec<&str> = Vec::new();
        for d in &f.pack.disable {
            let id = d.get_ref();
            if disabled_here.contains(&id.as_str()) {
                return Err(src.error(Some(d.span()), format!("`disable` names rule `{id}` twice")));
            }
            let Some(at) = rules.iter().position(|r| r.id.get_ref() == id) else {
                return Err(src.error(
                    Some(d.span()),
                    format!(
                        "`disable` names rule `{id}`, which no pack this one extends defines{}",
                        suggest(id, &inherited)
                    ),
                ));
            };
            rules.remove(at);
            defined_in.remove(at);
            disabled_here.push(id);
            if n == last {
                disabled.push(id.clone());
            }
        }
        let mut own: Vec<&str> = Vec::new();
        for r in &f.rules {
            let span = r.span();
            let rule = r.get_ref();
            let id = rule.id.get_ref();
            let wants_override = rule.override_.as_ref().is_some_and(|o| *o.get_ref());
            if own.contains(&id.as_str()) {
                return Err(src.error(
                    Some(rule.id.span()),
                    format!("duplicate rule id `{id}` (already defined in this file)"),
                ));
            }
            if disabled_here.contains(&id.as_str()) {
                return Err(src.error(
                    Some(rule.id.span()),
                    format!(
                        "rule `{id}` is both disabled and defined in this pack; to replace the inherited rule, drop it from `disable` and set `override = true`"
                    ),
                ));
            }
            validate(src, span.clone(), rule, &classes)?;
            own.push(id);
            match rules.iter().position(|x| x.id.get_ref() == id) {
                Some(at) if wants_override => {
                    // The replacement takes the inherited rule's place, so reports keep their order.
                    rules[at] = rule.clone();
                    defined_in[at] = src.name.clone();
                    if n == last {
                        overrides.push(id.clone());
                    }
                }
                Some(at) => {
                    return Err(src.error(
                        Some(rule.id.span()),
                        format!(
                            "duplicate rule id `{id}` (already defined in {}); to replace the inherited rule set `override = true`, to drop it list it in [pack] `disable`",
                            defined_in[at]
                        ),
                    ));
                }
                None if wants_override => {
                    let at = rule.override_.as_ref().map(|o| o.span()).unwrap_or(span);
                    return Err(src.error(
                        Some(at),
                        format!(
                            "rule `{id}` has `override = true`, but no pack this one extends defines `{id}`{}",
                            suggest(id, &inherited)
                        ),
                    ));
                }
                None => {
                    rules.push(rule.clone());
                    defined_in.push(src.name.clone());
                }
            }
        }
    }
    let (top_src, top) = files.last().expect("chain always holds the requested pack");
    let scoring = scoring.ok_or_else(|| {
        top_src.error(
            None,
            "no pack in this chain has a [scoring] table; add one (see rules/cn-gov-baseline.toml)",
        )
    })?;
    if scoring.grades.is_empty() {
        return Err(top_src.error(None, "[scoring] needs at least one [[scoring.grade]]"));
    }
    Ok(RulePack {
        id: top.pack.id.get_ref().clone(),
        name: top.pack.name.clone(),
        name_en: top.pack.name_en.clone(),
        chain: files
            .iter()
            .map(|(_, f)| f.pack.id.get_ref().clone())
            .collect(),
        timezone: timezone.unwrap_or_else(|| "Asia/Shanghai".to_string()),
        scoring,
        classes,
        rules,
        province: None,
        disabled,
        overrides,
    })
}

/// The tail of an "unknown rule id" message: the closest inherited id, else what there is.
fn suggest(id: &str, known: &[String]) -> String {
    if known.is_empty() {
        return "; the packs it extends define no rules".to_string();
    }
    match closest(id, known.iter().map(String::as_str)) {
        Some(k) => format!("; did you mean `{k}`?"),
        None => format!("; inherited rules are: {}", known.join(", ")),
    }
}

/// "; did you mean `x`?" for the closest of `known`, or nothing.
fn suggest_among(word: &str, known: &[&str]) -> String {
    closest(word, known.iter().copied())
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// The known word a typo most likely meant: within three edits, or containing it (ASCII case
/// ignored).
fn closest<'k>(word: &str, known: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    let want = word.to_ascii_uppercase();
    known
        .map(|k| (strsim::levenshtein(&want, &k.to_ascii_uppercase()), k))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, k)| *d <= 3 || k.to_ascii_uppercase().contains(&want))
        .map(|(_, k)| k)
}

/// What a rule's types cannot say: sane points, and its kind's own checks.
fn validate(
    src: &Source,
    span: Range<usize>,
    r: &Rule,
    classes: &[ColumnClass],
) -> Result<(), RuleError> {
    let id = r.id.get_ref();
    let points_ok = |x: f64| x.is_finite() && x >= 0.0;
    if !points_ok(r.deduct) || !r.per_item.is_none_or(points_ok) || !r.cap.is_none_or(points_ok) {
        return Err(src.error(
            Some(span),
            format!(
                "rule `{id}`: deduct, per_item and cap must be finite numbers of points, 0 or more"
            ),
        ));
    }
    if let Some(a) = &r.applies
        && a.get_ref().is_empty()
    {
        return Err(src.error(
            Some(a.span()),
            format!(
                "rule `{id}`: `applies` names no kind, level or services: it would apply to no body; omit it to apply to every body"
            ),
        ));
    }
    r.check.validate(&Validation { classes }).map_err(|e| {
        src.error(
            e.span.or(Some(span)),
            format!(
                "rule `{id}` (check = \"{}\"): {}",
                r.check.name(),
                e.message
            ),
        )
    })
}

/// Checks the scoring table and the column classes of one file.
fn validate_file(src: &Source, f: &PackFile) -> Result<(), RuleError> {
    if let Some(sc) = &f.scoring {
        if !(sc.base.is_finite() && sc.base > 0.0) {
            return Err(src.error(None, "[scoring] base must be a positive number of points"));
        }
        if sc.grades.iter().any(|g| !g.min.is_finite())
            || sc.grades.windows(2).any(|w| w[0].min < w[1].min)
        {
            return Err(src.error(
                None,
                "[[scoring.grade]] bands must be listed from the highest `min` down",
            ));
        }
    }
    for c in &f.classes {
        let class = c.get_ref();
        if class.names.is_empty() || class.names.iter().any(|n| n.trim().is_empty()) {
            return Err(src.error(
                Some(c.span()),
                format!(
                    "class `{}`: `names` must list non-empty column names",
                    class.id
                ),
            ));
        }
    }
    Ok(())
}

/// `MM-DD` → (month, day), checked against a leap year so `02-29` is allowed.
pub fn parse_month_day(s: &str) -> Option<(i8, i8)> {
    let (m, d) = s.split_once('-')?;
    let (m, d): (i8, i8) = (m.parse().ok()?, d.parse().ok()?);
    jiff::civil::Date::new(2024, m, d).ok()?;
    Some((m, d))
}

/// The JSON Schema of a rule file (the TOML read as JSON), for editors and rule authors.
pub fn file_schema() -> schemars::Schema {
    schemars::schema_for!(model::PackFileSchema)
}

/// The rules reference (`docs/rules.md`): every rule of every built-in pack with its legal
/// basis, severity and deduction, generated from the packs so it cannot drift from them.
pub fn reference_markdown() -> Result<String, RuleError> {
    use std::fmt::Write as _;
    let mut out = String::from(
        "# Rules reference / 规则一览\n\n\
         Generated from the built-in packs in `rules/` by `GONGKAI_UPDATE_SCHEMA=1 cargo test --test rules_reference`; do not edit by hand.\n\
         由 `rules/` 中的内置规则包生成，请勿手工修改。\n",
    );
    for id in builtin_ids() {
        let pack = load(id)?;
        // Inherited rules are listed under the pack that defines them.
        let mut inherited: Vec<String> = Vec::new();
        for parent in &pack.chain[..pack.chain.len() - 1] {
            inherited.extend(load(parent)?.rules.iter().map(|r| r.id.get_ref().clone()));
        }
        let own: Vec<&Rule> = pack
            .rules
            .iter()
            .filter(|r| {
                !inherited.contains(r.id.get_ref()) || pack.overrides.contains(r.id.get_ref())
            })
            .collect();
        let _ = write!(
            out,
            "\n## `{id}`: {}{}\n\n",
            pack.name,
            pack.name_en
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        );
        if pack.chain.len() > 1 {
            let _ = writeln!(
                out,
                "Extends / 继承: {}\n",
                pack.chain[..pack.chain.len() - 1]
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !pack.disabled.is_empty() {
            let _ = writeln!(
                out,
                "Disables / 停用: {}\n",
                pack.disabled
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        out.push_str(
            "| ID | 名称 / Name | 严重程度 / Severity | 扣分 / Deduction | 依据 / Basis |\n|---|---|---|---:|---|\n",
        );
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        for r in own {
            let _ = writeln!(
                out,
                "| `{}`{} | {}{} | {} / {} | {} | {}{} |",
                r.id.get_ref(),
                if pack.overrides.contains(r.id.get_ref()) {
                    " (override)"
                } else {
                    ""
                },
                cell(&r.name),
                r.name_en
                    .as_deref()
                    .map(|e| format!("<br>{}", cell(e)))
                    .unwrap_or_default(),
                r.severity.label(false),
                r.severity.label(true),
                if r.severity == Severity::Veto {
                    "否决 / veto".to_string()
                } else {
                    format!("{}", r.deduct)
                },
                cell(&r.basis),
                r.basis_en
                    .as_deref()
                    .map(|e| format!("<br>{}", cell(e)))
                    .unwrap_or_default(),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_packs_load_and_merge() {
        for id in builtin_ids() {
            let p = load(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert!(!p.rules.is_empty(), "{id}");
        }
        let edu = load("cn-edu-county").unwrap();
        assert_eq!(
            edu.chain,
            vec!["cn-gov-baseline", "cn-site-inspection", "cn-edu-county"]
        );
        assert!(edu.rules.iter().any(|r| r.id.get_ref() == "EDU-FEE"));
        assert!(
            edu.rules
                .iter()
                .any(|r| r.id.get_ref() == "GOV-ANNUAL-REPORT")
        );
        assert_eq!(
            edu.classify("部门预算").map(|c| c.id.as_str()),
            Some("budget")
        );
        assert_eq!(
            edu.classify("教育动态").map(|c| c.id.as_str()),
            Some("news")
        );
    }

    #[test]
    fn unknown_key_names_line_column_and_allowed_keys() {
        let text = "[pack]\nid = \"x\"\nname = \"x\"\nextends = [\"cn-gov-baseline\"]\n\n[[rule]]\nid = \"X-1\"\nname = \"x\"\nbasis = \"x\"\nseverity = \"major\"\nremedy = \"x\"\nfind = [\"a\"]\nfresh = \"14d\"\n";
        let e = load_str("bad.toml", text).unwrap_err().to_string();
        assert!(e.starts_with("bad.toml:13:1: unknown field `fresh`"), "{e}");
        assert!(e.contains("expected one of"), "{e}");
        assert!(e.contains("max_age"), "{e}");
    }

    #[test]
    fn bad_values_and_references_are_located() {
        let base = "[pack]\nid = \"x\"\nname = \"x\"\nextends = [\"cn-gov-baseline\"]\n\n[[rule]]\nid = \"X-1\"\nname = \"x\"\nbasis = \"x\"\nremedy = \"x\"\nfind = [\"a\"]\n";
        let e = load_str("b.toml", &format!("{base}severity = \"fatal\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("b.toml:12:12"), "{e}");
        assert!(e.contains("veto") && e.contains("advisory"), "{e}");
        let e = load_str(
            "b.toml",
            &format!("{base}severity = \"minor\"\nmax_age = \"14 days\"\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("b.toml:13:11") && e.contains("invalid age"),
            "{e}"
        );
        let e = load_str(
            "b.toml",
            "[pack]\nid = \"x\"\nname = \"x\"\nextends = [\"cn-nope\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("b.toml:4:12") && e.contains("unknown pack `cn-nope`"),
            "{e}"
        );
        let e = load_str("b.toml", &format!("{base}severity = \"minor\"\n\n[[rule]]\nid = \"X-1\"\nname = \"y\"\nbasis = \"y\"\nremedy = \"y\"\nseverity = \"minor\"\nfind = [\"b\"]\n")).unwrap_err().to_string();
        assert!(
            e.contains("b.toml:15:6") && e.contains("duplicate rule id `X-1`"),
            "{e}"
        );
        let e = load_str(
            "b.toml",
            &format!(
                "{}severity = \"minor\"\ncheck = \"column\"\nclass = \"nonesuch\"\n",
                base.replace("find = [\"a\"]\n", "")
            ),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("unknown column class `nonesuch`") && e.contains("news"),
            "{e}"
        );
        let e = load_str("b.toml", "[pack\nid = 1").unwrap_err().to_string();
        assert!(e.starts_with("b.toml:1:"), "{e}");
    }

    #[test]
    fn rules_that_could_never_fire_or_always_fire_are_rejected() {
        let base = "[pack]\nid = \"x\"\nname = \"x\"\nextends = [\"cn-site-inspection\"]\n\n[[rule]]\nid = \"X-1\"\nname = \"x\"\nbasis = \"x\"\nremedy = \"x\"\nseverity = \"minor\"\n";
        for (extra, want) in [
            ("find = [\"a\"]\ndeduct = nan\n", "finite"),
            ("find = [\"a\"]\ndeduct = inf\n", "finite"),
            ("find = [\"\"]\n", "empty search term"),
            ("find = [\"a\"]\nwhere = []\n", "`where` is empty"),
            (
                "check = \"blank_columns\"\nthreshold = 0\n",
                "threshold must be 1",
            ),
            ("check = \"column\"\nclass = \"budget\"\n", "has no max_age"),
            (
                "check = \"column\"\nclass = \"news\"\nfind = [\"a\"]\n",
                "r.toml:14:1: unknown field `find`, expected `class` or `max_age`; `find` belongs to check = \"document\"",
            ),
            (
                "find = [\"a\"]\nthreshold = 3\n",
                "`threshold` belongs to check = \"stale_columns\" or \"blank_columns\"",
            ),
            ("find = [\"a\"]\nmax_age = \"14天\"\n", "invalid age"),
            (
                "check = \"annual_report\"\nfind = [\"a\"]\n",
                "rule `X-1` (check = \"annual_report\") needs `aspect`",
            ),
            (
                "find = [\"a\"]\naspect = \"sections\"\n",
                "`aspect` belongs to check = \"annual_report\"",
            ),
            (
                "check = \"annual_report\"\nfind = [\"a\"]\naspect = \"tables\"\ndue = { by = \"01-31\", covers = \"previous\" }\n",
                "unknown field `due`",
            ),
            (
                "check = \"annual_report\"\nfind = [\"a\"]\naspect = \"sums\"\n",
                "arithmetic",
            ),
            (
                "check = \"forged_dates\"\n",
                "rule `X-1` (check = \"forged_dates\") needs `max_lag`",
            ),
            (
                "check = \"forged_dates\"\nmax_lag = \"1y\"\nthreshold = 5\n",
                "`batch_lag` and `threshold` together",
            ),
            (
                "check = \"forged_dates\"\nmax_lag = \"1y\"\nbatch_lag = \"6m\"\n",
                "`batch_lag` and `threshold` together",
            ),
            (
                "check = \"forged_dates\"\nmax_lag = \"1年\"\n",
                "invalid age",
            ),
            (
                "check = \"forged_dates\"\nmax_lag = \"1y\"\nfind = [\"a\"]\n",
                "unknown field `find`",
            ),
            (
                "find = [\"a\"]\nmax_lag = \"1y\"\n",
                "`max_lag` belongs to check = \"forged_dates\"",
            ),
            (
                "check = \"site_identity\"\nthreshold = 2\n",
                "unknown field `threshold`",
            ),
            (
                "check = \"forged_date\"\n",
                "r.toml:12:9: unknown check `forged_date`; did you mean `forged_dates`?",
            ),
        ] {
            let e = load_str("r.toml", &format!("{base}{extra}"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{extra}: {e}");
        }
    }

    const CHILD: &str = "[pack]\nid = \"x\"\nname = \"x\"\nextends = [\"cn-site-inspection\"]\n";
    const RULE: &str = "name = \"y\"\nbasis = \"y\"\nremedy = \"y\"\nseverity = \"minor\"\ncheck = \"blank_columns\"\nthreshold = 3\n";

    #[test]
    fn disable_drops_inherited_rules() {
        let parent = load("cn-site-inspection").unwrap();
        let p = load_str(
            "d.toml",
            &format!("{CHILD}disable = [\"INSP-BLANK\", \"GOV-PLAN\"]\n"),
        )
        .unwrap();
        let ids: Vec<&str> = p.rules.iter().map(|r| r.id.get_ref().as_str()).collect();
        assert!(!ids.contains(&"INSP-BLANK") && !ids.contains(&"GOV-PLAN"));
        assert_eq!(ids.len(), parent.rules.len() - 2);
        assert!(ids.contains(&"INSP-BLANK-VETO"));
        assert_eq!(p.disabled, vec!["INSP-BLANK", "GOV-PLAN"]);
        assert!(p.overrides.is_empty());
        // The parent is untouched.
        assert!(
            load("cn-site-inspection")
                .unwrap()
                .rules
                .iter()
                .any(|r| r.id.get_ref() == "INSP-BLANK")
        );
    }

    #[test]
    fn disable_of_an_unknown_rule_is_located_with_a_suggestion() {
        let e = load_str("d.toml", &format!("{CHILD}disable = [\"INSP-BLNK\"]\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("d.toml:5:12: `disable` names rule `INSP-BLNK`, which no pack this one extends defines; did you mean `INSP-BLANK`?"),
            "{e}"
        );
        assert!(e.contains("    5 | disable = [\"INSP-BLNK\"]"), "{e}");
        let e = load_str(
            "d.toml",
            &format!("{CHILD}disable = [\"NOTHING-LIKE-IT-AT-ALL\"]\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("inherited rules are: GOV-GUIDE, "), "{e}");
        let e = load_str(
            "d.toml",
            &format!("{CHILD}disable = [\"INSP-BLANK\", \"INSP-BLANK\"]\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("d.toml:5:26: `disable` names rule `INSP-BLANK` twice"),
            "{e}"
        );
        // A pack's own rules are not inherited: disable them by deleting them.
        let e = load_str(
            "d.toml",
            &format!("{CHILD}disable = [\"X-1\"]\n\n[[rule]]\nid = \"X-1\"\n{RULE}"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("d.toml:5:12: `disable` names rule `X-1`, which no pack"),
            "{e}"
        );
        // Without a parent there is nothing to disable.
        let e = load_str(
            "d.toml",
            "[pack]\nid = \"x\"\nname = \"x\"\ndisable = [\"GOV-GUIDE\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("d.toml:4:12:") && e.contains("the packs it extends define no rules"),
            "{e}"
        );
    }

    #[test]
    fn override_replaces_an_inherited_rule_in_place() {
        let parent = load("cn-site-inspection").unwrap();
        let at = parent
            .rules
            .iter()
            .position(|r| r.id.get_ref() == "INSP-BLANK")
            .unwrap();
        let p = load_str(
            "o.toml",
            &format!("{CHILD}\n[[rule]]\nid = \"INSP-BLANK\"\noverride = true\n{RULE}"),
        )
        .unwrap();
        assert_eq!(p.rules.len(), parent.rules.len());
        assert_eq!(p.rules[at].id.get_ref(), "INSP-BLANK");
        assert!(
            matches!(&p.rules[at].check, CheckSpec::BlankColumns(b) if b.threshold == 3),
            "{:?}",
            p.rules[at].check
        );
        assert_eq!(p.rules[at].name, "y");
        assert_eq!(p.overrides, vec!["INSP-BLANK"]);
    }

    #[test]
    fn reusing_an_inherited_id_without_override_is_an_error() {
        let e = load_str(
            "o.toml",
            &format!("{CHILD}\n[[rule]]\nid = \"INSP-BLANK\"\n{RULE}"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("o.toml:7:6: duplicate rule id `INSP-BLANK` (already defined in <built-in>/cn-site-inspection.toml); to replace the inherited rule set `override = true`, to drop it list it in [pack] `disable`"),
            "{e}"
        );
        // `override = false` says the same thing as leaving it out.
        let e = load_str(
            "o.toml",
            &format!("{CHILD}\n[[rule]]\nid = \"INSP-BLANK\"\noverride = false\n{RULE}"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("duplicate rule id `INSP-BLANK`"), "{e}");
    }

    #[test]
    fn override_of_an_unknown_rule_is_located_with_a_suggestion() {
        let e = load_str(
            "o.toml",
            &format!("{CHILD}\n[[rule]]\nid = \"INSP-BLANKS\"\noverride = true\n{RULE}"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("o.toml:8:12: rule `INSP-BLANKS` has `override = true`, but no pack this one extends defines `INSP-BLANKS`; did you mean `INSP-BLANK`?"),
            "{e}"
        );
        let e = load_str(
            "o.toml",
            &format!("{CHILD}disable = [\"INSP-BLANK\"]\n\n[[rule]]\nid = \"INSP-BLANK\"\noverride = true\n{RULE}"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "o.toml:8:6: rule `INSP-BLANK` is both disabled and defined in this pack"
            ),
            "{e}"
        );
    }

    #[test]
    fn forbid_needs_one_valid_way_to_match() {
        let base = "[pack]\nid = \"x\"\nname = \"x\"\nextends = [\"cn-gov-baseline\"]\n\n[[rule]]\nid = \"X-1\"\nname = \"x\"\nbasis = \"x\"\nremedy = \"x\"\nseverity = \"minor\"\nfind = [\"名单\"]\n";
        let p = load_str(
            "f.toml",
            &format!("{base}forbid = [{{ label = \"手机号\", pattern = '1[3-9]\\d{{9}}' }}]\n"),
        )
        .unwrap();
        assert!(
            matches!(&p.rules.last().unwrap().check, CheckSpec::Document(d) if d.forbid.len() == 1)
        );
        let e = load_str(
            "f.toml",
            &format!("{base}forbid = [{{ label = \"x\", pattern = \"[0-9\" }}]\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "f.toml:13:36: rule `X-1` (check = \"document\"): `forbid` pattern is not a valid regular expression: error: unclosed character class"
            ),
            "{e}"
        );
        let e = load_str("f.toml", &format!("{base}forbid = [{{ label = \"x\" }}]\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("needs exactly one of `pattern` or `detect`"),
            "{e}"
        );
        let e = load_str(
            "f.toml",
            &format!("{base}forbid = [{{ label = \"x\", detect = \"passport\" }}]\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("f.toml:13:") && e.contains("cn_resident_id"),
            "{e}"
        );
    }

    #[test]
    fn province_deadlines_are_checked() {
        let base = "[pack]\nid = \"x\"\nname = \"x\"\nextends = [\"cn-gov-baseline\"]\n\n[[rule]]\nid = \"X-1\"\nname = \"x\"\nbasis = \"x\"\nremedy = \"x\"\nseverity = \"minor\"\nfind = [\"预算\"]\n";
        let p = load_str(
            "p.toml",
            &format!("{base}due = {{ by = \"04-30\", covers = \"current\", province = {{ \"42\" = \"03-31\" }} }}\n"),
        )
        .unwrap();
        let CheckSpec::Document(doc) = &p.rules.last().unwrap().check else {
            panic!("a document rule")
        };
        let due = doc.due.as_ref().unwrap();
        assert_eq!(due.province["42"].get_ref(), "03-31");
        let e = load_str(
            "p.toml",
            &format!("{base}due = {{ by = \"04-30\", covers = \"current\", province = {{ \"99\" = \"03-31\" }} }}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "p.toml:13:63: rule `X-1` (check = \"document\"): `99` is not a province code"
            ) && e.contains("42 湖北省"),
            "{e}"
        );
        let e = load_str(
            "p.toml",
            &format!("{base}due = {{ by = \"04-30\", covers = \"current\", province = {{ \"42\" = \"3月31日\" }} }}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "p.toml:13:63: rule `X-1` (check = \"document\"): invalid due date `3月31日`"
            ),
            "{e}"
        );
    }

    #[test]
    fn kind_deadlines_and_applicability_are_checked_where_written() {
        let base = "[pack]\nid = \"x\"\nname = \"x\"\nextends = [\"cn-gov-baseline\"]\n\n[[rule]]\nid = \"X-1\"\nname = \"x\"\nbasis = \"x\"\nremedy = \"x\"\nseverity = \"minor\"\nfind = [\"年报\"]\n";
        let p = load_str(
            "p.toml",
            &format!("{base}due = {{ by = \"01-31\", covers = \"previous\", kind = {{ government = \"03-31\" }} }}\napplies = {{ kind = [\"government\", \"department\"], level = [\"county\"] }}\n"),
        )
        .unwrap();
        let r = p.rules.last().unwrap();
        let CheckSpec::Document(doc) = &r.check else {
            panic!("a document rule")
        };
        let due = doc.due.as_ref().unwrap();
        assert_eq!(due.kind[&unit::UnitKind::Government].get_ref(), "03-31");
        let a = r.applies.as_ref().unwrap().get_ref();
        assert_eq!(
            a.kind,
            [unit::UnitKind::Government, unit::UnitKind::Department]
        );
        assert_eq!(a.level, [unit::UnitLevel::County]);

        let err = |tail: &str| {
            load_str("p.toml", &format!("{base}{tail}"))
                .unwrap_err()
                .to_string()
        };
        let e =
            err("due = { by = \"01-31\", covers = \"previous\", kind = { govt = \"03-31\" } }\n");
        assert!(
            e.starts_with("p.toml:13:") && e.contains("govt") && e.contains("government"),
            "{e}"
        );
        let e = err(
            "due = { by = \"01-31\", covers = \"previous\", kind = { government = \"3月31日\" } }\n",
        );
        assert!(
            e.starts_with(
                "p.toml:13:66: rule `X-1` (check = \"document\"): invalid due date `3月31日`"
            ),
            "{e}"
        );
        let e = err("applies = { kind = [\"bureau\"] }\n");
        assert!(
            e.starts_with("p.toml:13:") && e.contains("bureau") && e.contains("department"),
            "{e}"
        );
        let e = err("applies = { level = [\"village\"] }\n");
        assert!(e.starts_with("p.toml:13:") && e.contains("township"), "{e}");
        let e = err("applies = {}\n");
        assert!(
            e.starts_with("p.toml:13:11: rule `X-1`: `applies` names no kind"),
            "{e}"
        );
    }

    /// The loader tells a rule's header keys from its body's by `RuleHeader::KEYS`: it must name
    /// exactly the header's fields, and no check kind may reuse one of them.
    #[test]
    fn header_keys_are_the_header_fields_and_no_body_reuses_them() {
        let mut generator = schemars::SchemaGenerator::default();
        let schema = <RuleHeader as schemars::JsonSchema>::json_schema(&mut generator);
        let mut fields: Vec<&str> = schema
            .as_object()
            .and_then(|o| o.get("properties"))
            .and_then(|p| p.as_object())
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        fields.sort_unstable();
        let mut keys = RuleHeader::KEYS.to_vec();
        keys.sort_unstable();
        assert_eq!(fields, keys);
        for key in RuleHeader::KEYS {
            assert!(owners_of(key).is_empty(), "`{key}` is also a body key");
        }
        assert!(owners_of("check").is_empty());
    }

    #[test]
    fn unknown_pack_id_lists_the_builtins() {
        let e = load("cn-nothing").unwrap_err().to_string();
        assert!(
            e.contains("unknown rule pack `cn-nothing`") && e.contains("cn-edu-county"),
            "{e}"
        );
        let e = load("no/such/file.toml").unwrap_err().to_string();
        assert!(e.contains("no/such/file.toml"), "{e}");
    }
}
