//! The `gongkai` binary: argument parsing and wiring only; the library does the work.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
