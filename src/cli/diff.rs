//! `gongkai diff`: two saved reports compared rule by rule.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use gongkai::report::Lang;
use gongkai::track::{self, Change, ReportDiff, TrackFormat};

use super::choice::choice;
use super::output::{Output, terminal_width, track_renderer};
use super::{error, exit};

pub const EXIT_CODES: &str = "\
Exit codes / 退出码:
  0  nothing regressed                             无回退
  1  a rule regressed (pass → gap), or with --fail-on-new a new gap appeared
                                                   有规则回退，或（--fail-on-new）出现新增问题
  2  usage error: a file missing, not JSON, not a gongkai report, or from a newer gongkai
                                                   参数错误：文件不存在、不是JSON、不是gongkai报告或版本过新";

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier report, as written by `gongkai audit -f json -o FILE`
    pub old: PathBuf,

    /// The later report
    pub new: PathBuf,

    /// Output format (default: from the -o file extension, else table)
    #[arg(long, short = 'f', value_parser = choice::<TrackFormat>())]
    pub format: Option<TrackFormat>,

    /// Write the comparison to FILE; never overwrites without --force
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Allow -o to replace an existing file
    #[arg(long)]
    pub force: bool,

    /// Report language
    #[arg(long, value_parser = choice::<Lang>(), default_value = "zh")]
    pub lang: Lang,

    /// Exit 1 also when a rule became a gap that was not passing before (a new gap)
    #[arg(long)]
    pub fail_on_new: bool,

    /// Never use colour (colour is also off when NO_COLOR is set or output is not a terminal)
    #[arg(long)]
    pub no_color: bool,
}

pub fn run(args: DiffArgs) -> u8 {
    match run_inner(&args) {
        Ok(code) => code,
        Err(e) => {
            error(format!("{e:#}"));
            exit::USAGE
        }
    }
}

fn run_inner(args: &DiffArgs) -> Result<u8> {
    let old = track::load_report(&args.old)?;
    let new = track::load_report(&args.new)?;
    let output = match &args.output {
        Some(p) => Some(Output::prepare(p, args.force)?),
        None => None,
    };
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(TrackFormat::from_path))
        .unwrap_or(TrackFormat::Table);
    let diff = ReportDiff::new(&old, &new);
    let en = args.lang.is_en();

    let tty = output.is_none() && std::io::stdout().is_terminal();
    let no_color = args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut buf = Vec::new();
    track_renderer(format, en, tty && !no_color, terminal_width(tty)).render(&diff, &mut buf)?;
    let to_file = output.is_some();
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
    // The table and Markdown carry the warnings; JSON and files are often read by no one at once.
    if to_file || format == TrackFormat::Json {
        for w in &diff.warnings {
            eprintln!("warning: {}", w.get(en));
        }
    }

    let mut why = Vec::new();
    let regressed = diff.ids(Change::Regressed);
    if !regressed.is_empty() {
        why.push(if en {
            format!("regressed {} ({})", regressed.len(), regressed.join(", "))
        } else {
            format!("回退 {} 条：{}", regressed.len(), regressed.join("、"))
        });
    }
    let new_gaps = diff.ids(Change::NewGap);
    if args.fail_on_new && !new_gaps.is_empty() {
        why.push(if en {
            format!("new gaps {} ({})", new_gaps.len(), new_gaps.join(", "))
        } else {
            format!("新增问题 {} 条：{}", new_gaps.len(), new_gaps.join("、"))
        });
    }
    if why.is_empty() {
        return Ok(exit::OK);
    }
    eprintln!(
        "{}",
        if en {
            format!("the site got worse: {}", why.join("; "))
        } else {
            format!("网站情况变差：{}", why.join("；"))
        }
    );
    Ok(exit::FAILS)
}
