//! `gongkai rules`: list the built-in packs, validate a rule file.

use clap::Subcommand;

use super::{error, exit};

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the built-in rule packs and their rules
    List,
    /// Validate a rule pack (a built-in id or a .toml path) and print what it contains
    Check {
        /// Pack id or path of a .toml rule file
        pack: String,
    },
}

pub fn run(cmd: RulesCommand) -> u8 {
    match cmd {
        RulesCommand::List => {
            for id in gongkai::rules::builtin_ids() {
                match gongkai::rules::load(id) {
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
        RulesCommand::Check { pack } => match gongkai::rules::load(&pack) {
            Ok(p) => {
                println!(
                    "{}: ok — {} rules, {} column classes, packs {}",
                    pack,
                    p.rules.len(),
                    p.classes.len(),
                    p.chain.join(" → ")
                );
                for r in &p.rules {
                    println!(
                        "  {:<26} {:<9} {}",
                        r.id.get_ref(),
                        r.severity.label(true),
                        r.name
                    );
                }
                exit::OK
            }
            Err(e) => {
                error(e);
                exit::USAGE
            }
        },
    }
}
