//! `gongkai rules`: list packs and rules, show a rule, validate rule files, print the rule
//! file schema.

use clap::Subcommand;
use gongkai::rules::{self, Rule, RulePack};

use super::{error, exit};

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the built-in rule packs, or the rules of one pack
    List {
        /// Pack id or path of a .toml rule file
        pack: Option<String>,
    },
    /// Show one rule in full: basis, severity, deduction, what it looks for, remedy
    Show {
        /// Rule id, e.g. EDU-FEE
        rule: String,
        /// The pack to look in (default: every built-in pack)
        #[arg(long, short = 'r')]
        rules: Option<String>,
    },
    /// Validate rule packs (built-in ids or .toml paths) and print what they contain
    Check {
        /// Pack ids or paths of .toml rule files
        #[arg(required = true)]
        packs: Vec<String>,
    },
    /// Print the JSON Schema of the rule file format (for editors such as VS Code with Even Better TOML)
    Schema,
}

fn print_rules(p: &RulePack) {
    for r in &p.rules {
        println!(
            "  {:<26} {:<9} {}",
            r.id.get_ref(),
            r.severity.label(true),
            r.name
        );
    }
}

fn show(r: &Rule, pack: &RulePack) {
    let mut lines: Vec<(&str, String)> = vec![
        ("id", r.id.get_ref().clone()),
        ("pack", pack.id.clone()),
        ("name", r.name.clone()),
    ];
    if let Some(e) = &r.name_en {
        lines.push(("name_en", e.clone()));
    }
    lines.push(("basis", r.basis.clone()));
    if let Some(e) = &r.basis_en {
        lines.push(("basis_en", e.clone()));
    }
    lines.push((
        "severity",
        format!("{} / {}", r.severity.label(false), r.severity.label(true)),
    ));
    lines.push(("deduct", r.deduct.to_string()));
    if let Some(x) = r.per_item {
        lines.push(("per_item", x.to_string()));
    }
    if let Some(x) = r.cap {
        lines.push(("cap", x.to_string()));
    }
    lines.push(("check", r.check.name().to_string()));
    lines.extend(r.check.describe());
    if let Some(a) = &r.applies {
        let a = a.get_ref();
        let mut only: Vec<String> = Vec::new();
        if !a.kind.is_empty() {
            let k: Vec<&str> = a.kind.iter().map(|k| k.name()).collect();
            only.push(format!("kind {}", k.join(", ")));
        }
        if !a.level.is_empty() {
            let l: Vec<&str> = a.level.iter().map(|l| l.name()).collect();
            only.push(format!("level {}", l.join(", ")));
        }
        if let Some(s) = a.services {
            only.push(format!("services {}", if s { "yes" } else { "no" }));
        }
        lines.push(("applies", only.join("; ")));
    }
    lines.push(("remedy", r.remedy.clone()));
    if let Some(e) = &r.remedy_en {
        lines.push(("remedy_en", e.clone()));
    }
    for (k, v) in lines {
        println!("{k:<10} {v}");
    }
}

pub fn run(cmd: RulesCommand) -> u8 {
    match cmd {
        RulesCommand::List { pack: None } => {
            for id in rules::builtin_ids() {
                match rules::load(id) {
                    Ok(p) => println!(
                        "{id:<22} {} ({} rules; extends: {})",
                        p.name,
                        p.rules.len(),
                        p.chain[..p.chain.len() - 1].join(", ")
                    ),
                    Err(e) => {
                        error(e);
                        return exit::USAGE;
                    }
                }
            }
            exit::OK
        }
        RulesCommand::List { pack: Some(pack) } => match rules::load(&pack) {
            Ok(p) => {
                println!("{} — {} ({} rules)", p.id, p.name, p.rules.len());
                print_rules(&p);
                exit::OK
            }
            Err(e) => {
                error(e);
                exit::USAGE
            }
        },
        RulesCommand::Show { rule, rules: spec } => {
            let specs: Vec<String> = match spec {
                Some(s) => vec![s],
                None => rules::builtin_ids().iter().map(|s| s.to_string()).collect(),
            };
            let mut known: Vec<String> = Vec::new();
            for s in &specs {
                let pack = match rules::load(s) {
                    Ok(p) => p,
                    Err(e) => {
                        error(e);
                        return exit::USAGE;
                    }
                };
                if let Some(r) = pack
                    .rules
                    .iter()
                    .find(|r| r.id.get_ref().eq_ignore_ascii_case(&rule))
                {
                    show(r, &pack);
                    return exit::OK;
                }
                known.extend(pack.rules.iter().map(|r| r.id.get_ref().clone()));
            }
            known.sort();
            known.dedup();
            let near: Vec<&String> = known
                .iter()
                .filter(|k| {
                    let (k, q) = (k.to_ascii_uppercase(), rule.to_ascii_uppercase());
                    k.contains(&q) || q.contains(&k)
                })
                .collect();
            error(format!(
                "no rule `{rule}` in {}{}",
                specs.join(", "),
                if near.is_empty() {
                    "; `gongkai rules list PACK` lists them".to_string()
                } else {
                    format!(
                        "; did you mean {}?",
                        near.iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ));
            exit::USAGE
        }
        RulesCommand::Check { packs } => {
            let mut code = exit::OK;
            for pack in packs {
                match rules::load(&pack) {
                    Ok(p) => {
                        println!(
                            "{}: ok — {} rules, {} column classes, packs {}",
                            pack,
                            p.rules.len(),
                            p.classes.len(),
                            p.chain.join(" → ")
                        );
                        if !p.disabled.is_empty() {
                            println!("  disables: {}", p.disabled.join(", "));
                        }
                        if !p.overrides.is_empty() {
                            println!("  overrides: {}", p.overrides.join(", "));
                        }
                        print_rules(&p);
                    }
                    Err(e) => {
                        // Every file is checked; any error fails the run.
                        error(e);
                        code = exit::USAGE;
                    }
                }
            }
            code
        }
        RulesCommand::Schema => {
            match serde_json::to_string_pretty(&rules::file_schema()) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    error(e);
                    return exit::USAGE;
                }
            }
            exit::OK
        }
    }
}
