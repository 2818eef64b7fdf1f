//! `gongkai history`: the runs recorded with `audit --history`, per site.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use gongkai::report::Lang;
use gongkai::track::{History, TrackFormat};

use super::choice::choice;
use super::output::{Output, terminal_width, track_renderer};
use super::{error, exit};

pub const EXIT_CODES: &str = "\
Exit codes / 退出码:
  0  history printed                               已输出历史
  2  usage error: no history file, not a gongkai history, no site or several sites match
                                                   参数错误：历史库不存在或无效，站点不存在或不唯一";

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// A site: its start URL (a mirror: its directory), or a unique part of it or of the site's
    /// name; without it, the sites in the history are listed with their latest score
    pub site: Option<String>,

    /// The SQLite history written by `gongkai audit --history FILE`
    #[arg(long, value_name = "FILE", env = "GONGKAI_HISTORY")]
    pub history: PathBuf,

    /// Only runs with this rule pack id
    #[arg(long, short = 'r', value_name = "PACK")]
    pub rules: Option<String>,

    /// Output format (default: from the -o file extension, else table)
    #[arg(long, short = 'f', value_parser = choice::<TrackFormat>())]
    pub format: Option<TrackFormat>,

    /// Write to FILE; never overwrites without --force
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Allow -o to replace an existing file
    #[arg(long)]
    pub force: bool,

    /// Report language
    #[arg(long, value_parser = choice::<Lang>(), default_value = "zh")]
    pub lang: Lang,
}

pub fn run(args: HistoryArgs) -> u8 {
    match run_inner(&args) {
        Ok(()) => exit::OK,
        Err(e) => {
            error(format!("{e:#}"));
            exit::USAGE
        }
    }
}

fn run_inner(args: &HistoryArgs) -> Result<()> {
    let history = History::open_read(&args.history)?;
    let output = match &args.output {
        Some(p) => Some(Output::prepare(p, args.force)?),
        None => None,
    };
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(TrackFormat::from_path))
        .unwrap_or(TrackFormat::Table);
    let en = args.lang.is_en();
    let width = terminal_width(output.is_none() && std::io::stdout().is_terminal());
    let mut buf = Vec::new();
    match &args.site {
        None => {
            let mut sites = history.sites()?;
            if let Some(pack) = &args.rules {
                sites.retain(|s| &s.pack == pack);
            }
            track_renderer(format, en, false, width).render(&sites[..], &mut buf)?;
        }
        Some(site) => {
            let packs = history.site(site, args.rules.as_deref())?;
            track_renderer(format, en, false, width).render(&packs[..], &mut buf)?;
        }
    }
    match output {
        Some(out) => {
            let path = out.path.clone();
            out.commit(&buf)?;
            eprintln!("{} {}", if en { "wrote" } else { "已写入" }, path.display());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(&buf).and_then(|_| stdout.flush());
        }
    }
    Ok(())
}
