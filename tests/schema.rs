//! The JSON report's schema is committed as `report.schema.json`; this test fails when the report
//! model changes and the file was not regenerated (`GONGKAI_UPDATE_SCHEMA=1 cargo test --test schema`).

use gongkai::report::Report;

#[test]
fn committed_report_schema_is_current() {
    let schema = schemars::schema_for!(Report);
    let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/report.schema.json");
    if std::env::var_os("GONGKAI_UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "report.schema.json is stale: run GONGKAI_UPDATE_SCHEMA=1 cargo test --test schema and commit it"
    );
}

#[test]
fn a_real_report_has_every_required_field_of_the_schema() {
    let schema: serde_json::Value = serde_json::to_value(schemars::schema_for!(Report)).unwrap();
    let out = assert_cmd::Command::cargo_bin("gongkai")
        .unwrap()
        .args([
            "audit",
            "fixtures/sites/qingshui-jyj",
            "--as-of",
            "2026-11-26",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in schema["required"].as_array().unwrap() {
        assert!(report.get(key.as_str().unwrap()).is_some(), "missing {key}");
    }
    // And it reads back into the model it was written from.
    let _: Report = serde_json::from_value(report).unwrap();
}
