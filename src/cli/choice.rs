//! Arguments that pick one of the library's [`Choices`] by name (clap stays in the binary).

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use gongkai::report::Choices;

/// Parses one of `T`'s names; `--help` lists them with their help, and a wrong name gets clap's
/// message with the possible values.
pub fn choice<T: Choices>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::ALL.iter().map(|v| {
        let p = PossibleValue::new(v.name());
        if v.help().is_empty() {
            p
        } else {
            p.help(v.help())
        }
    }))
    .try_map(|name: String| {
        T::ALL
            .iter()
            .copied()
            .find(|v| v.name() == name)
            .ok_or("not one of the possible values")
    })
}
