//! gongkai: audit government information-disclosure websites (政府信息公开).
//!
//! The pipeline, one module per stage, each depending only on those before it:
//! [`target`] → [`crawl`] → [`extract`] → [`site`] → [`rules`] → [`audit`] → [`report`] →
//! [`track`] (runs compared and kept over time). [`pipeline`] wires the stages together for one
//! audit; [`batch`] reads a list of units and summarises many audits.

pub mod audit;
pub mod batch;
pub mod crawl;
pub mod extract;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod site;
pub mod target;
pub mod track;
pub mod warc;
