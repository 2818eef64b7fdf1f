//! The JSON report's schema is committed as `report.schema.json`, and what readers of the report
//! rely on is checked three ways: the committed file is what the model generates
//! (`GONGKAI_UPDATE_SCHEMA=1 cargo test --test schema` rewrites it); real reports of fixture-site
//! audits validate against it; and a change of the schema's shape without a `SCHEMA_VERSION` bump
//! fails, through `tests/schema-versions.toml`, which records the shape of each version.

mod common;

use std::collections::BTreeMap;

use gongkai::report::{Report, SCHEMA_VERSION};
use serde_json::Value;
use sha1::{Digest, Sha1};

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/report.schema.json");
const VERSIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schema-versions.toml");

fn generated() -> String {
    let schema = schemars::schema_for!(Report);
    serde_json::to_string_pretty(&schema).expect("a schema serialises") + "\n"
}

#[test]
fn committed_report_schema_is_current() {
    let generated = generated();
    if std::env::var_os("GONGKAI_UPDATE_SCHEMA").is_some() {
        std::fs::write(SCHEMA, &generated).expect("report.schema.json is writable");
    }
    let committed = std::fs::read_to_string(SCHEMA).unwrap_or_default();
    assert!(
        committed == generated,
        "report.schema.json is stale: run GONGKAI_UPDATE_SCHEMA=1 cargo test --test schema and commit it"
    );
}

/// The schema without its prose: descriptions and titles may be reworded freely, anything else
/// (a field, a type, a variant, what is required) is a change readers of the report notice.
/// Names in `properties` and `$defs` are fields and types, never prose, whatever they are called.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "description" | "title"))
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("properties" | "$defs", Value::Object(named)) => Value::Object(
                            named.iter().map(|(n, s)| (n.clone(), shape(s))).collect(),
                        ),
                        _ => shape(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(shape).collect()),
        other => other.clone(),
    }
}

#[test]
fn prose_is_not_shape_but_a_field_called_title_is() {
    let with_prose = serde_json::json!({
        "description": "a report",
        "properties": { "title": { "type": "string", "description": "its title" } }
    });
    let reworded = serde_json::json!({
        "description": "the report",
        "properties": { "title": { "type": "string", "description": "what it is called" } }
    });
    let without_field = serde_json::json!({ "description": "a report", "properties": {} });
    assert_eq!(shape_hash(&with_prose), shape_hash(&reworded));
    assert_ne!(shape_hash(&with_prose), shape_hash(&without_field));
}

fn shape_hash(schema: &Value) -> String {
    // serde_json's maps are sorted, so the text (and so the hash) does not depend on field order.
    let text = serde_json::to_string(&shape(schema)).expect("a schema serialises");
    Sha1::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_schema_change_needs_a_schema_version_bump() {
    let schema: Value = serde_json::from_str(&generated()).expect("the schema is JSON");
    let hash = shape_hash(&schema);
    let text = std::fs::read_to_string(VERSIONS).unwrap_or_default();
    let mut known: BTreeMap<String, String> =
        toml::from_str(&text).expect("tests/schema-versions.toml is `VERSION = \"sha1\"` lines");
    let version = SCHEMA_VERSION.to_string();
    match known.get(&version) {
        Some(h) if *h == hash => {}
        Some(h) => panic!(
            "the report schema changed (shape {hash}), but SCHEMA_VERSION is still {version}, \
             whose shape was {h}: bump SCHEMA_VERSION in src/report/mod.rs, then run \
             GONGKAI_UPDATE_SCHEMA=1 cargo test --test schema to record the new version"
        ),
        None if std::env::var_os("GONGKAI_UPDATE_SCHEMA").is_some() => {
            known.insert(version, hash.clone());
            let mut out = String::from(
                "# SCHEMA_VERSION = SHA-1 of report.schema.json without descriptions and titles.\n\
                 # Written by GONGKAI_UPDATE_SCHEMA=1 cargo test --test schema; never edit a line.\n",
            );
            for (v, h) in &known {
                out.push_str(&format!("{v} = \"{h}\"\n"));
            }
            std::fs::write(VERSIONS, out).expect("tests/schema-versions.toml is writable");
        }
        None => panic!(
            "SCHEMA_VERSION {version} has no recorded shape: run \
             GONGKAI_UPDATE_SCHEMA=1 cargo test --test schema and commit tests/schema-versions.toml"
        ),
    }
    // A version's shape is recorded once: an older version's line never changes meaning.
    for (v, h) in &known {
        let n: u32 = v.parse().expect("versions are numbers");
        assert!(
            n <= SCHEMA_VERSION,
            "version {v} is newer than SCHEMA_VERSION"
        );
        if n < SCHEMA_VERSION {
            assert_ne!(
                *h, hash,
                "version {v} had this very shape: no bump was needed"
            );
        }
    }
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(SCHEMA).expect("report.schema.json is committed");
    let schema: Value = serde_json::from_str(&text).expect("report.schema.json is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("report.schema.json is a valid JSON Schema")
}

fn errors(v: &jsonschema::Validator, report: &Value) -> Vec<String> {
    v.iter_errors(report)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn real_reports_validate_against_the_committed_schema() {
    let v = validator();
    for (site, pack, extra) in [
        ("fixtures/sites/qingshui-jyj", "cn-edu-county", &[][..]),
        (
            "fixtures/sites/shiyan-jyj",
            "cn-edu-county",
            &["--lang", "en"][..],
        ),
        (
            "fixtures/sites/us-agency-example",
            "us-federal-example",
            &[][..],
        ),
    ] {
        let (report, _) = common::audit_json(site, pack, extra);
        let problems = errors(&v, &report);
        assert!(problems.is_empty(), "{site}: {problems:#?}");
        assert_eq!(report["schema_version"], SCHEMA_VERSION, "{site}");
        // And it reads back into the model it was written from.
        let back: Result<Report, _> = serde_json::from_value(report);
        assert!(back.is_ok(), "{site}: {:?}", back.err());
    }
}

/// The validation above can fail: reports broken the ways a careless change would break them
/// are refused.
#[test]
fn the_schema_refuses_broken_reports() {
    let v = validator();
    let (report, _) = common::audit_json("fixtures/sites/qingshui-jyj", "cn-edu-county", &[]);
    type Breaks = Box<dyn Fn(&mut Value)>;
    let broken: Vec<(&str, Breaks)> = vec![
        (
            "no findings",
            Box::new(|r| {
                r.as_object_mut().expect("object").remove("findings");
            }),
        ),
        (
            "points as text",
            Box::new(|r| r["score"]["points"] = Value::from("60.8")),
        ),
        (
            "an unknown status",
            Box::new(|r| r["findings"][0]["status"] = Value::from("failed")),
        ),
        (
            "a deduction that JSON could not carry",
            Box::new(|r| r["findings"][0]["deduction"] = Value::Null),
        ),
        (
            "a start URL that is not one",
            Box::new(|r| r["target"]["start_url"] = Value::from("not a url")),
        ),
    ];
    for (what, breaks) in broken {
        let mut r = report.clone();
        breaks(&mut r);
        assert!(!errors(&v, &r).is_empty(), "a report with {what} validates");
    }
}
