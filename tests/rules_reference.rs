//! Tools for rule authors: the committed rule-file schema (`rules.schema.json`) and rules
//! reference (`docs/rules.md`) are current (regenerate both with
//! `GONGKAI_UPDATE_SCHEMA=1 cargo test --test rules_reference`), every built-in pack validates
//! against the schema, and `gongkai rules list/show/check/schema` behave as documented.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn gongkai() -> Command {
    Command::cargo_bin("gongkai").unwrap()
}

/// Fails when `path` differs from `generated`; rewrites it when GONGKAI_UPDATE_SCHEMA is set.
fn check_committed(path: &str, generated: &str) {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("GONGKAI_UPDATE_SCHEMA").is_some() {
        std::fs::write(&full, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&full).unwrap_or_default();
    assert!(
        committed == generated,
        "{path} is stale: run GONGKAI_UPDATE_SCHEMA=1 cargo test --test rules_reference and commit it"
    );
}

fn schema() -> serde_json::Value {
    serde_json::to_value(gongkai::rules::file_schema()).unwrap()
}

#[test]
fn committed_rule_schema_and_reference_are_current() {
    check_committed(
        "rules.schema.json",
        &(serde_json::to_string_pretty(&schema()).unwrap() + "\n"),
    );
    check_committed(
        "docs/rules.md",
        &gongkai::rules::reference_markdown().unwrap(),
    );
}

#[test]
fn built_in_packs_validate_against_the_schema_and_a_typo_does_not() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    for (id, text) in gongkai::rules::BUILTIN {
        let value: toml::Value = toml::from_str(text).unwrap();
        let json = serde_json::to_value(value).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{id}: {errors:?}");
    }
    let typo = "[pack]\nid = \"x\"\nname = \"x\"\n\n[[rule]]\nid = \"A\"\nname = \"a\"\nbasis = \"b\"\nseverity = \"major\"\ndeduct = 1.0\nremedy = \"r\"\nfnid = [\"x\"]\n";
    let json = serde_json::to_value(toml::from_str::<toml::Value>(typo).unwrap()).unwrap();
    assert!(!validator.is_valid(&json));
    // The schema knows which keys belong to which check kind, as the loader does.
    let rule = |body: &str| {
        let text = format!(
            "[pack]\nid = \"x\"\nname = \"x\"\n\n[[rule]]\nid = \"A\"\nname = \"a\"\nbasis = \"b\"\nseverity = \"major\"\nremedy = \"r\"\n{body}"
        );
        serde_json::to_value(toml::from_str::<toml::Value>(&text).unwrap()).unwrap()
    };
    assert!(validator.is_valid(&rule("find = [\"指南\"]\n")));
    assert!(validator.is_valid(&rule(
        "check = \"annual_report\"\nfind = [\"年报\"]\naspect = \"tables\"\n"
    )));
    assert!(!validator.is_valid(&rule("find = [\"指南\"]\naspect = \"tables\"\n")));
    assert!(!validator.is_valid(&rule("check = \"home_fresh\"\n")));
    assert!(!validator.is_valid(&rule("check = \"phone\"\nfind = []\n")));
}

#[test]
fn rules_show_list_check_and_schema() {
    gongkai()
        .args(["rules", "show", "EDU-FEE"])
        .assert()
        .success()
        .stdout(
            contains("教育收费公示")
                .and(contains("basis"))
                .and(contains("cn-edu-county")),
        );
    gongkai()
        .args(["rules", "show", "EDU-FE"])
        .assert()
        .code(2)
        .stderr(contains("did you mean").and(contains("EDU-FEE")));
    gongkai()
        .args(["rules", "list", "cn-site-inspection"])
        .assert()
        .success()
        .stdout(contains("INSP-HOME-FRESH"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[pack]\nid = \"bad\"\nname = \"坏\"\n\n[[rule]]\nid = \"A\"\nname = \"a\"\nbasis = \"b\"\nseverity = \"serious\"\ndeduct = 1.0\nremedy = \"r\"\n",
    )
    .unwrap();
    // Every file is checked; one bad file fails the run with its line and column.
    gongkai()
        .args(["rules", "check", "cn-gov-baseline"])
        .arg(&bad)
        .assert()
        .code(2)
        .stdout(contains("cn-gov-baseline: ok"))
        .stderr(contains("bad.toml:9:"));
    let out = gongkai().args(["rules", "schema"]).assert().success();
    let printed: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(printed, schema());
}

#[test]
fn rules_check_reports_disables_overrides_and_their_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local.toml");
    std::fs::write(
        &local,
        "[pack]\nid = \"local\"\nname = \"本地\"\nextends = [\"cn-edu-county\"]\ndisable = [\"INSP-BLANK\"]\n\n[[rule]]\nid = \"EDU-FEE\"\noverride = true\nname = \"教育收费公示（本省）\"\nbasis = \"b\"\nseverity = \"minor\"\ndeduct = 1.0\nremedy = \"r\"\nfind = [\"收费公示\"]\n",
    )
    .unwrap();
    gongkai()
        .args(["rules", "check"])
        .arg(&local)
        .assert()
        .success()
        .stdout(
            contains("disables: INSP-BLANK")
                .and(contains("overrides: EDU-FEE"))
                .and(contains("教育收费公示（本省）"))
                .and(contains("INSP-BLANK-VETO"))
                .and(contains("INSP-BLANK ").not()),
        );
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[pack]\nid = \"bad\"\nname = \"坏\"\nextends = [\"cn-edu-county\"]\ndisable = [\"EDU-FE\"]\n",
    )
    .unwrap();
    gongkai()
        .args(["rules", "check"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(
            contains("bad.toml:5:12: `disable` names rule `EDU-FE`")
                .and(contains("did you mean `EDU-FEE`?")),
        );
}
