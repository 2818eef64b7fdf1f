//! Output for the terminal; files are written by the library's [`Output`].

pub use gongkai::report::output::{Output, free_path};
pub use gongkai::report::renderer;

/// Terminal width for tables: the terminal's when writing to one, else $COLUMNS, else 100.
pub fn terminal_width(tty: bool) -> u16 {
    if tty && let Some(w) = comfy_table::Table::new().width() {
        return w.clamp(60, 200);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &u16| *w >= 40)
        .unwrap_or(100)
}
