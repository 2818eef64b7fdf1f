//! PDF: the HTML report printed by a headless Chromium (or Chrome), as an official prints it to
//! sign: A4, the report's own print styles, the unit's name and page numbers in the footer.
//! Without a browser on the machine it says so and how to install one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Render, Report, html::HtmlReport};

pub struct PdfReport {
    pub en: bool,
}

/// How long one print may take: a report is a few hundred KB of static HTML.
const PRINT_TIMEOUT: Duration = Duration::from_secs(90);

/// Browser binaries tried on `PATH`, in order; `GONGKAI_CHROMIUM` names one outright.
const BROWSERS: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
];

/// The browser that prints, if any.
pub fn browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GONGKAI_CHROMIUM") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| BROWSERS.iter().map(move |b| dir.join(b)))
        .find(|p| p.is_file())
}

/// Why there is no PDF, and how to get one.
pub fn no_browser() -> std::io::Error {
    std::io::Error::other(
        "a PDF is printed by a Chromium or Chrome browser, and none was found\n  hint: install one (Debian: apt-get install chromium) or set GONGKAI_CHROMIUM to its path; or write -f html and print it",
    )
}

/// Prints `html` to PDF with `browser`, in `dir` (a fresh profile, no network).
fn print(browser: &Path, html: &Path, pdf: &Path, dir: &Path) -> std::io::Result<()> {
    let url = url::Url::from_file_path(html)
        .map_err(|()| std::io::Error::other("the report's temporary path is not absolute"))?;
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // The report's own footer (unit and page numbers) replaces the browser's, which
            // would print the temporary file's path.
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url.as_str())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let began = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                return Err(std::io::Error::other(format!(
                    "{} could not print the report ({status})",
                    browser.display()
                )));
            }
            return Ok(());
        }
        if began.elapsed() > PRINT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other(format!(
                "{} did not print the report within {} s",
                browser.display(),
                PRINT_TIMEOUT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Render for PdfReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let browser = browser().ok_or_else(no_browser)?;
        let dir = tempfile::tempdir()?;
        let html = dir.path().join("report.html");
        let mut page = Vec::new();
        HtmlReport { en: self.en }.render(report, &mut page)?;
        std::fs::write(&html, page)?;
        let pdf = dir.path().join("report.pdf");
        print(&browser, &html, &pdf, dir.path())?;
        let bytes = std::fs::read(&pdf)?;
        if !bytes.starts_with(b"%PDF") {
            return Err(std::io::Error::other(format!(
                "{} wrote something that is not a PDF",
                browser.display()
            )));
        }
        out.write_all(&bytes)
    }
}
