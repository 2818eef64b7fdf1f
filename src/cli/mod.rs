//! Command-line interface: argument parsing, subcommands, exit codes.

mod audit;
mod batch;
mod choice;
mod crawl_args;
mod diff;
mod history;
mod output;
mod progress;
mod recheck;
mod rules;
mod serve;
mod table;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes, documented in `--help` and the README.
pub mod exit {
    /// The audit ran and the site is within the thresholds.
    pub const OK: u8 = 0;
    /// The audit ran and the site fails (不合格, or --fail-under / --fail-on).
    pub const FAILS: u8 = 1;
    /// Usage, configuration or rule-file error.
    pub const USAGE: u8 = 2;
    /// The site could not be audited (unreachable, nothing in scope fetched), or not judged
    /// well enough: a provisional grade, too little coverage.
    pub const UNREACHABLE: u8 = 3;
}

const EXIT_CODES: &str = "\
Exit codes / 退出码:
  0  audit done, grade stated, site within thresholds  审计完成，等级确定且未超出阈值
  1  site fails whatever the rules not judged would say: 不合格 (veto or score < 60),
     or --fail-under / --fail-on                    网站不合格或触发 --fail-under / --fail-on
  2  usage, configuration or rule-file error        参数、配置或规则文件错误
  3  the site could not be audited, or not judged well enough: the grade is provisional
     (待定: rules not judged could change it) unless --allow-provisional; fewer rules judged
     than --min-coverage; or only rules not judged could trip --fail-under / --fail-on
                                                    网站无法审计，或等级待定、覆盖率不足
  (1 wins over 3: a failure that holds either way is reported as a failure)";

const BATCH_EXIT_CODES: &str = "\
Exit codes / 退出码 (the first that applies):
  2  bad arguments, or rows of the list were skipped   参数错误或名单中有行被跳过
  3  some units could not be audited                   部分单位无法审计
  1  some units fail (不合格)                           部分单位不合格
  3  some units' grade is provisional (待定; unless --allow-provisional), or below
     --min-coverage                                    部分单位等级待定或覆盖率不足
  0  every unit audited, graded and within thresholds  全部审计完成、等级确定且合格";

#[derive(Debug, Parser)]
#[command(
    name = "gongkai",
    version,
    about = "Audit government information-disclosure websites (政府信息公开) against rule packs that encode the law",
    long_about = None,
    after_help = EXIT_CODES,
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Crawl a disclosure site, check a rule pack, print a scored gap report (审计网站)
    #[command(after_help = EXIT_CODES)]
    Audit(Box<audit::AuditArgs>),
    /// Audit every unit of a list (CSV or TOML) and write a league table (批量审计)
    #[command(after_help = BATCH_EXIT_CODES)]
    Batch(Box<batch::BatchArgs>),
    /// Combine the summaries of `batch --shard` runs into one (合并分片结果)
    #[command(after_help = BATCH_EXIT_CODES)]
    Merge(batch::MergeArgs),
    /// List, show and validate rule packs and rules; print the rule-file schema (规则包)
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Serve a saved site on 127.0.0.1 as the audit sees it (本地预览)
    Serve(serve::ServeArgs),
    /// Compare two JSON reports: fixed, regressed, still open, new gaps (对比两次审计)
    #[command(after_help = diff::EXIT_CODES)]
    Diff(diff::DiffArgs),
    /// A site's recorded runs: score over time, when each gap opened and closed (审计历史)
    #[command(after_help = history::EXIT_CODES)]
    History(history::HistoryArgs),
    /// Fetch again only the pages behind an earlier report's gaps and say which were fixed (整改复核)
    #[command(after_help = recheck::EXIT_CODES)]
    Recheck(Box<recheck::RecheckArgs>),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let code = match cli.command {
        Command::Audit(args) => audit::run(*args),
        Command::Batch(args) => batch::run(*args),
        Command::Merge(args) => batch::run_merge(args),
        Command::Rules(cmd) => rules::run(cmd),
        Command::Serve(args) => serve::run(args),
        Command::Diff(args) => diff::run(args),
        Command::History(args) => history::run(args),
        Command::Recheck(args) => recheck::run(*args),
    };
    ExitCode::from(code)
}

/// The async runtime of the commands that crawl.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Prints an error the way every subcommand does.
pub fn error(msg: impl std::fmt::Display) {
    eprintln!("error: {msg}");
}
