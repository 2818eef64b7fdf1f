//! Output for the terminal; files are written by the library's [`Output`].

pub use gongkai::report::output::{Output, free_path};
use gongkai::report::{Format, Render};
use gongkai::track::{TrackFormat, TrackRender};

use super::table::Terminal;

/// The renderer of a report format: the library's, or the terminal table. The table is coloured
/// only when `color`, at `width` columns, and lists passed rules unless `hide_passes`.
pub fn renderer(
    format: Format,
    en: bool,
    color: bool,
    width: u16,
    hide_passes: bool,
) -> Box<dyn Render + Send> {
    gongkai::report::renderer(format, en).unwrap_or_else(|| {
        Box::new(Terminal {
            en,
            color,
            width,
            hide_passes,
        })
    })
}

/// The renderer of a diff or history format: the terminal table, or the library's.
pub fn track_renderer<T: ?Sized>(
    format: TrackFormat,
    en: bool,
    color: bool,
    width: u16,
) -> Box<dyn Render<T>>
where
    Terminal: Render<T>,
    TrackRender: Render<T>,
{
    match format {
        TrackFormat::Table => Box::new(Terminal {
            en,
            color,
            width,
            hide_passes: false,
        }),
        format => Box::new(TrackRender { format, en }),
    }
}

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
