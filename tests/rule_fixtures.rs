//! Every rule of every built-in pack has a fixture where it passes and one where it fails, as ruff
//! keeps one for every lint: `fixtures/rules/<RULE-ID>/pass/` and `.../fail/`. A case is a base
//! site plus an overlay (see `fixtures/rules/README.md`); each is built in a temporary directory,
//! served on 127.0.0.1 by the binary's embedded server, audited with the pack that defines the
//! rule as of 2026-11-26, and the rule's finding must be a pass, or a gap (with the reason the
//! case names). A rule without both fixtures fails `every_rule_has_a_pass_and_a_fail_fixture`.

mod common;
use common::copy_dir;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use serde::Deserialize;
use serde_json::Value;

const AS_OF: &str = "2026-11-26";
const ROOT: &str = "fixtures/rules";

/// One `case.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Case {
    /// The site the case starts from, relative to the repository root.
    base: String,
    /// What the case shows, in a sentence.
    about: String,
    /// Base files (or directories, ending in `/`) left out.
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    edit: Vec<Edit>,
    /// For a fail case (required): the gap's reason (`missing`, `stale`, `incomplete` ...).
    #[serde(default)]
    reason: Option<String>,
    /// For a pass case: text of the finding's first evidence item (its URL path, its text or its
    /// date),
    /// so the pass rests on the rule's own document and not on something else that happens to
    /// match. Required unless the rule counts things and cites none when it passes.
    #[serde(default)]
    evidence: Option<String>,
    /// Extra `gongkai audit` arguments.
    #[serde(default)]
    args: Vec<String>,
}

/// A text change in base files: `file` is a path, or a directory ending in `/` (every HTML file
/// under it; `/` alone is the whole site). The text must occur in at least one of them, so a
/// case cannot silently stop applying when its base changes.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    /// Literal text to replace.
    #[serde(default)]
    replace: Option<String>,
    /// A regular expression to replace (`$1` in `with` refers to its groups).
    #[serde(default)]
    regex: Option<String>,
    with: String,
}

/// A rule, the pack that defines it, and its two case directories.
struct RuleCases {
    rule: String,
    pack: String,
    /// The rule's check kind.
    kind: &'static str,
}

/// Kinds that count things (stale or blank columns, dead links, re-dated documents): a pass
/// means none were found, with no evidence to cite.
const COUNTING_KINDS: &[&str] = &[
    "stale_columns",
    "blank_columns",
    "dead_links",
    "forged_dates",
];

/// Rules defined (not inherited) by each built-in pack, in pack order.
fn bundled_rules() -> Vec<RuleCases> {
    let mut out = Vec::new();
    for id in gongkai::rules::builtin_ids() {
        let pack = gongkai::rules::load(id).unwrap();
        let mut inherited: BTreeSet<String> = BTreeSet::new();
        for parent in &pack.chain[..pack.chain.len() - 1] {
            let p = gongkai::rules::load(parent).unwrap();
            inherited.extend(p.rules.iter().map(|r| r.id.get_ref().clone()));
        }
        for r in &pack.rules {
            let rid = r.id.get_ref();
            if !inherited.contains(rid) || pack.overrides.contains(rid) {
                out.push(RuleCases {
                    rule: rid.clone(),
                    pack: id.to_string(),
                    kind: r.check.name(),
                });
            }
        }
    }
    out
}

fn read_case(dir: &Path) -> Result<Case, String> {
    let path = dir.join("case.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let p = entry.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Builds a case's site in `site`: base, removals, edits, then the `site/` overlay.
fn build(dir: &Path, case: &Case, site: &Path) -> Result<(), String> {
    let base = Path::new(&case.base);
    if !base.join("index.html").is_file() {
        return Err(format!("base `{}` has no index.html", case.base));
    }
    copy_dir(base, site);
    for r in &case.remove {
        let p = site.join(r.trim_end_matches('/'));
        let gone = if r.ends_with('/') {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        gone.map_err(|e| format!("remove `{r}`: {e}"))?;
    }
    for e in &case.edit {
        let mut files = Vec::new();
        if e.file.ends_with('/') {
            files_under(&site.join(e.file.trim_start_matches('/')), &mut files);
            files.retain(|f| f.extension().is_some_and(|x| x == "html" || x == "htm"));
        } else {
            files.push(site.join(&e.file));
        }
        let re = match (&e.replace, &e.regex) {
            (Some(t), None) => regex::Regex::new(&regex::escape(t)).unwrap(),
            (None, Some(r)) => regex::Regex::new(r).map_err(|x| format!("regex `{r}`: {x}"))?,
            _ => return Err(format!("edit of `{}`: give `replace` or `regex`", e.file)),
        };
        let mut hit = false;
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|x| format!("{}: {x}", f.display()))?;
            if re.is_match(&text) {
                hit = true;
                let new = re.replace_all(&text, e.with.as_str());
                std::fs::write(&f, new.as_bytes()).unwrap();
            }
        }
        if !hit {
            return Err(format!(
                "edit of `{}`: `{}` occurs in none of its files",
                e.file,
                re.as_str()
            ));
        }
    }
    let overlay = dir.join("site");
    if overlay.is_dir() {
        copy_dir(&overlay, site);
    }
    Ok(())
}

fn audit(site: &Path, pack: &str, args: &[String]) -> Result<Value, String> {
    let out = Command::cargo_bin("gongkai")
        .unwrap()
        .arg("audit")
        .arg(site)
        .args(["--rules", pack, "--as-of", AS_OF, "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "no JSON report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// One audit to run; plain cases (the bare base) of one pack share it.
struct Job {
    key: String,
    dir: PathBuf,
    case: Case,
    pack: String,
}

#[test]
fn every_rule_has_a_pass_and_a_fail_fixture() {
    let mut missing = Vec::new();
    let known: BTreeSet<String> = bundled_rules().into_iter().map(|r| r.rule).collect();
    for r in bundled_rules() {
        for kind in ["pass", "fail"] {
            let dir = Path::new(ROOT).join(&r.rule).join(kind);
            if let Err(e) = read_case(&dir) {
                missing.push(format!("{} ({}): {e}", r.rule, r.pack));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "every bundled rule needs fixtures/rules/<RULE-ID>/pass/case.toml and fail/case.toml \
         (see fixtures/rules/README.md):\n  {}",
        missing.join("\n  ")
    );
    // And no fixtures for rules that no longer exist.
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(ROOT).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.path().is_dir() && !name.starts_with('_') && !known.contains(&name) {
            orphans.push(name);
        }
    }
    assert!(
        orphans.is_empty(),
        "fixtures for unknown rules: {orphans:?}"
    );
}

#[test]
fn every_rule_passes_on_its_pass_fixture_and_fails_on_its_fail_fixture() {
    // Plan: one job per distinct site; the expectations refer to jobs by key.
    let mut jobs: Vec<Job> = Vec::new();
    // (rule, job key, wanted status, wanted reason, wanted evidence, what the case shows)
    type Expect = (
        String,
        String,
        &'static str,
        Option<String>,
        Option<String>,
        String,
    );
    let mut expect: Vec<Expect> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for r in bundled_rules() {
        for kind in ["pass", "fail"] {
            let dir = Path::new(ROOT).join(&r.rule).join(kind);
            let case = match read_case(&dir) {
                Ok(c) => c,
                // Reported by every_rule_has_a_pass_and_a_fail_fixture.
                Err(_) => continue,
            };
            if kind == "pass" && case.reason.is_some() {
                problems.push(format!("{}/pass: a pass case has no `reason`", r.rule));
            }
            if kind == "fail" && case.reason.is_none() {
                problems.push(format!(
                    "{}/fail: a fail case names the `reason` it expects",
                    r.rule
                ));
            }
            if kind == "fail" && case.evidence.is_some() {
                problems.push(format!("{}/fail: a fail case has no `evidence`", r.rule));
            }
            let needs_evidence = kind == "pass" && !COUNTING_KINDS.contains(&r.kind);
            let plain =
                case.remove.is_empty() && case.edit.is_empty() && !dir.join("site").exists();
            let key = if plain {
                format!("{} {} {:?}", case.base, r.pack, case.args)
            } else {
                format!("{}/{kind}", r.rule)
            };
            if !jobs.iter().any(|j| j.key == key) {
                jobs.push(Job {
                    key: key.clone(),
                    dir: dir.clone(),
                    case: case.clone(),
                    pack: r.pack.clone(),
                });
            }
            // An empty string, never a real expectation, stands for a missing one: reported below
            // with what the evidence is.
            let evidence = match (&case.evidence, needs_evidence) {
                (None, true) => Some(String::new()),
                (e, _) => e.clone(),
            };
            expect.push((
                r.rule.clone(),
                key,
                if kind == "pass" { "pass" } else { "gap" },
                case.reason.clone(),
                evidence,
                case.about.clone(),
            ));
        }
    }

    let reports: Mutex<BTreeMap<String, Result<Value, String>>> = Mutex::new(BTreeMap::new());
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 6);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    let tmp = tempfile::tempdir().unwrap();
                    let site = tmp.path().join("site");
                    let report = build(&job.dir, &job.case, &site)
                        .and_then(|()| audit(&site, &job.pack, &job.case.args));
                    reports.lock().unwrap().insert(job.key.clone(), report);
                }
            });
        }
    });
    let reports = reports.into_inner().unwrap();

    for (rule, key, want, reason, evidence, about) in &expect {
        let case = if *want == "pass" { "pass" } else { "fail" };
        let report = match &reports[key] {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{rule}/{case}: {e}"));
                continue;
            }
        };
        let Some(f) = report["findings"]
            .as_array()
            .and_then(|a| a.iter().find(|f| f["rule_id"] == rule.as_str()))
        else {
            problems.push(format!("{rule}/{case}: no finding for the rule"));
            continue;
        };
        let status = f["status"].as_str().unwrap_or_default();
        let got_reason = f["reason"].as_str();
        let ok = status == *want && (reason.is_none() || got_reason == reason.as_deref());
        if !ok {
            problems.push(format!(
                "{rule}/{case} ({about}): expected {want}{}, got {status}{}: {}",
                reason
                    .as_deref()
                    .map(|r| format!("/{r}"))
                    .unwrap_or_default(),
                got_reason.map(|r| format!("/{r}")).unwrap_or_default(),
                f["message"]["en"]
            ));
            continue;
        }
        if let Some(want_ev) = evidence {
            let first = &f["evidence"][0];
            let path = first["url"]
                .as_str()
                .and_then(|u| url::Url::parse(u).ok())
                .map(|u| u.path().to_string())
                .unwrap_or_default();
            let text = first["text"].as_str().unwrap_or_default();
            let date = first["date"].as_str().unwrap_or_default();
            if want_ev.is_empty() {
                problems.push(format!(
                    "{rule}/pass ({about}): name the evidence the pass rests on \
                     (`evidence = '...'`); its first evidence is {path} {text:?}"
                ));
            } else if ![&path, text, date]
                .iter()
                .any(|s| s.contains(want_ev.as_str()))
            {
                problems.push(format!(
                    "{rule}/pass ({about}): expected evidence {want_ev:?}, got {path} {text:?} {date}"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} rule fixtures failed:\n  {}",
        problems.len(),
        expect.len(),
        problems.join("\n  ")
    );
}
