//! The progress display and log output on stderr. Logs go through the bar's `suspend`, so a log
//! line never tears the bar.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use gongkai::crawl::Progress;
use gongkai::pipeline::ProgressFn;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing_subscriber::EnvFilter;

/// Progress and log options shared by the commands that crawl.
#[derive(Debug, Clone, clap::Args)]
pub struct LogArgs {
    /// No progress display
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// A spinner on stderr, only when stderr is a terminal and --quiet is not given.
pub fn bar(quiet: bool) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
    pb.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(125));
    pb.set_message("开始抓取 / starting");
    Some(pb)
}

/// Turns crawl progress into the bar's message.
pub fn observer(pb: ProgressBar) -> ProgressFn {
    Arc::new(move |p: Progress| {
        let secs = pb.elapsed().as_secs_f64().max(0.001);
        pb.set_message(format!(
            "页面 {} · 队列 {} · 进行中 {} · 请求 {} · 异常 {} · {:.1} 请求/秒",
            p.pages,
            p.queued,
            p.in_flight,
            p.requests,
            p.problems,
            f64::from(p.requests) / secs
        ));
    })
}

#[derive(Clone)]
struct Stderr(Option<ProgressBar>);

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &self.0 {
            Some(pb) => pb.suspend(|| std::io::stderr().write(buf)),
            None => std::io::stderr().write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// Logs to stderr: warnings by default, `-v` info, `-vv` debug; `RUST_LOG` wins when set.
pub fn init_logging(verbose: u8, pb: Option<ProgressBar>) {
    let default = match verbose {
        0 => "gongkai=warn",
        1 => "gongkai=info",
        _ => "gongkai=debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let writer = Stderr(pb);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_writer(move || writer.clone())
        .try_init();
}
