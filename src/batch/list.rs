//! The list of units to audit: CSV (as offices keep it in a spreadsheet, headers in Chinese or
//! English, UTF-8 with or without BOM, or GBK as Excel saves it on Chinese Windows) or TOML.
//!
//! A file that cannot be read as a list at all is an error; a bad row is reported with its line
//! number and skipped, and the rest run.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::ListInfo;

/// One unit (a bureau's site) to audit.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Line in the list file.
    pub line: usize,
    pub name: String,
    pub parent: Option<String>,
    /// An http(s) URL, or a local directory (relative paths are taken from the list's folder).
    pub target: String,
    pub scope: Option<String>,
    /// A rule pack id or path; `None` for the batch's default.
    pub pack: Option<String>,
    /// Requests per second to the unit's host, overriding the batch's setting.
    pub rate: Option<f64>,
    pub as_of: Option<Date>,
    /// A waiver file for this unit (relative paths are taken from the list's folder).
    pub waivers: Option<PathBuf>,
    /// What the unit is (`kind=department,level=county`), winning over what its site shows.
    pub unit: Option<crate::rules::unit::UnitOverride>,
}

/// A row that was skipped, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// A list that cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error(
        "{path}: unknown column `{column}`; the columns are name (单位), parent (上级单位), url (网址), scope (范围), pack (规则包), rate (频率), as_of (审计日期), waivers (豁免), unit (单位类型)"
    )]
    UnknownColumn { path: PathBuf, column: String },
    #[error(
        "{path}: no `url` (网址) column; the first row must name the columns, such as: name,parent,url"
    )]
    NoUrlColumn { path: PathBuf },
    #[error("{path}: the list has no rows")]
    Empty { path: PathBuf },
}

/// The units of a list and the rows that were rejected.
#[derive(Debug, Clone)]
pub struct SiteList {
    pub info: ListInfo,
    pub units: Vec<Unit>,
    pub rejected: Vec<RowError>,
}

/// Column names, English and the Chinese ones office spreadsheets use.
const COLUMNS: [(&str, &[&str]); 9] = [
    ("name", &["name", "单位", "单位名称", "名称"]),
    ("parent", &["parent", "上级", "上级单位", "主管单位"]),
    ("url", &["url", "网址", "网站", "网站地址"]),
    ("scope", &["scope", "范围"]),
    ("pack", &["pack", "rules", "规则包"]),
    ("rate", &["rate", "频率"]),
    ("as_of", &["as_of", "as-of", "审计日期"]),
    ("waivers", &["waivers", "豁免", "豁免文件"]),
    ("unit", &["unit", "单位类型", "单位画像"]),
];

fn canonical(header: &str) -> Option<&'static str> {
    let h = header.trim().to_lowercase();
    COLUMNS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(c, _)| *c)
}

/// The fields of one row before checking.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    pack: Option<String>,
    #[serde(default)]
    rate: Option<toml::Value>,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    waivers: Option<String>,
    #[serde(default)]
    unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlList {
    #[serde(default)]
    site: Vec<toml::Spanned<RawUnit>>,
}

impl SiteList {
    /// Reads a list: TOML when the name ends in `.toml`, CSV otherwise.
    pub fn read(path: &Path) -> Result<SiteList, ListError> {
        let bytes = std::fs::read(path).map_err(|source| ListError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = decode(&bytes);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let is_toml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let raw = if is_toml {
            read_toml(path, &text)?
        } else {
            read_csv(path, &text)?
        };
        if raw.is_empty() {
            return Err(ListError::Empty {
                path: path.to_path_buf(),
            });
        }
        let mut units: Vec<Unit> = Vec::new();
        let mut rejected = Vec::new();
        for (line, r) in raw {
            match check(line, r, &base, &units) {
                Ok(u) => units.push(u),
                Err(message) => rejected.push(RowError { line, message }),
            }
        }
        Ok(SiteList {
            info: ListInfo {
                path: path.display().to_string(),
                digest: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes)),
                units: units.len(),
            },
            units,
            rejected,
        })
    }
}

/// UTF-8 (a BOM is dropped), else GB18030: what Excel writes for "CSV" on Chinese Windows.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_csv(path: &Path, text: &str) -> Result<Vec<(usize, RawUnit)>, ListError> {
    let syntax = |line: usize, message: String| ListError::Syntax {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| syntax(1, e.to_string()))?.clone();
    let mut columns = Vec::new();
    for h in headers.iter() {
        match canonical(h) {
            Some(c) => columns.push(c),
            None => {
                return Err(ListError::UnknownColumn {
                    path: path.to_path_buf(),
                    column: h.to_string(),
                });
            }
        }
    }
    if !columns.contains(&"url") {
        return Err(ListError::NoUrlColumn {
            path: path.to_path_buf(),
        });
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            syntax(line, e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let mut r = RawUnit::default();
        for (c, v) in columns.iter().zip(rec.iter()) {
            let v = (!v.is_empty()).then(|| v.to_string());
            match *c {
                "name" => r.name = v,
                "parent" => r.parent = v,
                "url" => r.url = v,
                "scope" => r.scope = v,
                "pack" => r.pack = v,
                "rate" => r.rate = v.map(toml::Value::String),
                "as_of" => r.as_of = v,
                "unit" => r.unit = v,
                _ => r.waivers = v,
            }
        }
        out.push((line, r));
    }
    Ok(out)
}

fn read_toml(path: &Path, text: &str) -> Result<Vec<(usize, RawUnit)>, ListError> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let list: TomlList = toml::from_str(text).map_err(|e| ListError::Syntax {
        path: path.to_path_buf(),
        line: e.span().map_or(1, |s| line_of(s.start)),
        message: format!(
            "{}; the list is `[[site]]` tables with name, parent, url, scope, pack, rate, as_of, waivers, unit",
            e.message()
        ),
    })?;
    Ok(list
        .site
        .into_iter()
        .map(|s| (line_of(s.span().start), s.into_inner()))
        .collect())
}

fn check(line: usize, r: RawUnit, base: &Path, earlier: &[Unit]) -> Result<Unit, String> {
    let Some(raw_target) = r
        .url
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
    else {
        return Err("no URL (网址) in this row".into());
    };
    let target = if raw_target.contains("://") {
        let u = url::Url::parse(&raw_target)
            .map_err(|e| format!("`{raw_target}` is not a valid URL: {e}"))?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(format!(
                "`{raw_target}`: only http and https sites can be audited"
            ));
        }
        raw_target
    } else {
        let p = base.join(&raw_target);
        if p.is_dir() {
            p.display().to_string()
        } else if raw_target.contains('.') && !raw_target.contains(['/', '\\']) {
            return Err(format!(
                "`{raw_target}` is not a URL: write it with http:// or https://"
            ));
        } else {
            return Err(format!(
                "`{raw_target}` is neither an http(s) URL nor a directory"
            ));
        }
    };
    if let Some(u) = earlier.iter().find(|u| u.target == target) {
        return Err(format!("same site as line {}: {target}", u.line));
    }
    let rate = match r.rate {
        None => None,
        Some(v) => {
            let parsed = match &v {
                toml::Value::String(s) => s.trim().parse::<f64>().ok(),
                toml::Value::Float(f) => Some(*f),
                toml::Value::Integer(i) => Some(*i as f64),
                _ => None,
            };
            match parsed {
                Some(x) if x > 0.0 && x <= 1000.0 => Some(x),
                _ => {
                    return Err(format!(
                        "rate `{v}` is not a number of requests per second between 0 and 1000"
                    ));
                }
            }
        }
    };
    let as_of = match r.as_of.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(
            crate::extract::dates::parse_iso(s)
                .ok_or_else(|| format!("as_of `{s}` is not a date in the form YYYY-MM-DD"))?,
        ),
    };
    let name = r
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            url::Url::parse(&target)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| target.clone())
        });
    let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let waivers = match clean(r.waivers) {
        None => None,
        Some(w) => {
            let p = base.join(&w);
            if !p.is_file() {
                return Err(format!("waiver file `{w}` does not exist"));
            }
            Some(p)
        }
    };
    let unit = match clean(r.unit) {
        None => None,
        Some(s) => Some(crate::rules::unit::UnitOverride::parse(
            &s,
            crate::rules::unit::ProfileSource::List,
        )?),
    };
    Ok(Unit {
        unit,
        line,
        name,
        parent: clean(r.parent),
        target,
        scope: clean(r.scope),
        pack: clean(r.pack),
        rate,
        as_of,
        waivers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn csv_with_chinese_headers_bom_and_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("local")).unwrap();
        let text = "\u{feff}单位名称,上级单位,网址,频率\n\
                    云溪县教育局,云溪县,http://jyj.yunxi.example.gov.cn/,0.5\n\
                    # a comment line\n\
                    ,云溪县,local,\n\
                    坏行,云溪县,,\n\
                    重复,云溪县,http://jyj.yunxi.example.gov.cn/,\n\
                    无协议,云溪县,www.example.gov.cn,\n\
                    频率错,云溪县,http://b.example.gov.cn/,fast\n";
        let p = write(dir.path(), "units.csv", text.as_bytes());
        let l = SiteList::read(&p).unwrap();
        assert_eq!(l.units.len(), 2);
        assert_eq!(l.units[0].name, "云溪县教育局");
        assert_eq!(l.units[0].parent.as_deref(), Some("云溪县"));
        assert_eq!(l.units[0].rate, Some(0.5));
        assert_eq!(l.units[0].line, 2);
        // A local directory, relative to the list; the name falls back to the target.
        assert!(l.units[1].target.ends_with("local"));
        let lines: Vec<usize> = l.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![5, 6, 7, 8]);
        assert!(l.rejected[1].message.contains("line 2"));
        assert!(l.rejected[2].message.contains("http://"));
    }

    #[test]
    fn gbk_csv_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let text = "单位,网址\n石岩镇教育办,http://a.example.gov.cn/\n";
        let gbk = encoding_rs::GBK.encode(text).0.into_owned();
        let p = write(dir.path(), "units.csv", &gbk);
        let l = SiteList::read(&p).unwrap();
        assert_eq!(l.units[0].name, "石岩镇教育办");
    }

    #[test]
    fn unknown_column_and_toml_errors_name_the_place() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "u.csv", b"name,website\nx,http://a.cn/\n");
        let e = SiteList::read(&p).unwrap_err().to_string();
        assert!(e.contains("`website`"), "{e}");
        let p = write(
            dir.path(),
            "u.toml",
            "[[site]]\nname = \"a\"\nurl = \"http://a.cn/\"\n\n[[site]]\nname = \"b\"\nadress = \"x\"\n"
                .as_bytes(),
        );
        let e = SiteList::read(&p).unwrap_err().to_string();
        assert!(e.contains("u.toml:7:") || e.contains("u.toml:5:"), "{e}");
        let p = write(
            dir.path(),
            "ok.toml",
            "[[site]]\nname = \"a\"\nurl = \"http://a.cn/\"\nrate = 2\n\n[[site]]\nname = \"b\"\n"
                .as_bytes(),
        );
        let l = SiteList::read(&p).unwrap();
        assert_eq!(l.units[0].rate, Some(2.0));
        assert_eq!(
            l.rejected,
            vec![RowError {
                line: 6,
                message: "no URL (网址) in this row".into()
            }]
        );
    }
}
