//! `gongkai serve`: serve a saved mirror on 127.0.0.1, exactly as `audit DIR` does internally,
//! so that a person (or another crawler, for comparison) can look at what the audit sees.

use std::path::PathBuf;

use clap::Args;

use super::{error, exit};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Directory holding the site (with an index.html)
    pub dir: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

pub fn run(args: ServeArgs) -> u8 {
    if !args.dir.join("index.html").is_file() {
        error(format!(
            "`{}` is not a directory with an index.html",
            args.dir.display()
        ));
        return exit::USAGE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            error(format!("starting the async runtime: {e}"));
            return exit::USAGE;
        }
    };
    runtime.block_on(async {
        match gongkai::target::StaticServer::start_on(&args.dir, args.port).await {
            Ok(server) => {
                println!("{}", server.url());
                // Serve until interrupted.
                let _ = tokio::signal::ctrl_c().await;
                drop(server);
                exit::OK
            }
            Err(e) => {
                error(format!(
                    "cannot serve {} on port {}: {e}",
                    args.dir.display(),
                    args.port
                ));
                exit::USAGE
            }
        }
    })
}
