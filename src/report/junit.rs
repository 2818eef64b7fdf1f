//! JUnit XML: one test case per rule, so any CI system shows the audit as a test run. A gap is a
//! failure, an inconclusive rule is skipped with its cause.

use std::io::Write;

use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};

use super::{Render, Report, display_url};
use crate::audit::Status;

pub struct JunitReport {
    pub en: bool,
}

impl Render for JunitReport {
    fn render(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let en = self.en;
        let mut suite = TestSuite::new(format!(
            "gongkai {} {}",
            report.pack.id, report.target.start_url
        ));
        for f in &report.findings {
            let mut status = match f.status {
                Status::Pass => TestCaseStatus::success(),
                // A waived gap is not a failure of the build: reported, skipped.
                Status::Gap if f.is_waived() => TestCaseStatus::skipped(),
                Status::Gap => TestCaseStatus::non_success(NonSuccessKind::Failure),
                Status::Inconclusive => TestCaseStatus::skipped(),
            };
            if f.status != Status::Pass {
                status.set_message(super::sanitize(f.message.get(en)));
                // JUnit's <skipped> has no `type`: only failures carry the reason.
                if let Some(r) = f.reason
                    && f.status == Status::Gap
                    && !f.is_waived()
                {
                    status.set_type(r.label(true));
                }
                let mut desc = String::new();
                for e in &f.evidence {
                    if let Some(u) = &e.url {
                        desc.push_str(&display_url(report, u));
                        desc.push('\n');
                    }
                }
                desc.push_str(if en { "Basis: " } else { "依据：" });
                desc.push_str(f.basis.get(en));
                desc.push('\n');
                desc.push_str(if en { "Fix: " } else { "整改：" });
                desc.push_str(f.remedy.get(en));
                status.set_description(super::sanitize(&desc));
            }
            let mut case = TestCase::new(format!("{} {}", f.rule_id, f.name.get(en)), status);
            case.set_classname(format!(
                "gongkai.{}.{}",
                report.pack.id,
                f.severity.label(true)
            ));
            suite.add_test_case(case);
        }
        // The verdict itself: properties for dashboards, and while the grade is provisional one
        // more case in error, so a CI system that reads only JUnit does not show the audit green.
        let sc = &report.score;
        suite.add_property(("score", sc.points_text().as_str()));
        suite.add_property(("score.best", sc.best.points.to_string().as_str()));
        suite.add_property(("score.worst", sc.worst.points.to_string().as_str()));
        suite.add_property(("grade", sc.grade.get(en)));
        suite.add_property(("provisional", sc.provisional.to_string().as_str()));
        suite.add_property(("coverage", sc.coverage.to_string().as_str()));
        suite.add_property(("pass_rate", sc.pass_rate.to_string().as_str()));
        if sc.provisional {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(super::sanitize(&sc.headline(en)));
            status.set_type("provisional");
            if let Some(r) = sc.range_text(en) {
                status.set_description(super::sanitize(&r));
            }
            let mut case = TestCase::new(
                if en {
                    "gongkai verdict"
                } else {
                    "gongkai 审计结论"
                },
                status,
            );
            case.set_classname(format!("gongkai.{}", report.pack.id));
            suite.add_test_case(case);
        }
        let mut r = JReport::new("gongkai");
        r.add_test_suite(suite);
        r.serialize(out).map_err(std::io::Error::other)
    }
}
