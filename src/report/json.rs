//! The canonical JSON report.

use std::io::Write;

use super::{Render, Report};

pub struct JsonReport;

impl Render for JsonReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    }
}
