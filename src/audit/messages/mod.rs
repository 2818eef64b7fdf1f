//! The message catalogue: every sentence a finding says, in every report language, from its
//! typed facts. The audit states facts and never words them; a language is one file here
//! implementing [`Catalogue`] and one entry in [`Lang`].

mod en;
pub mod zh;

use super::facts::Fact;
use super::finding::{Text, WaiverNote};

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    fn catalogue(self) -> &'static dyn Catalogue {
        match self {
            Lang::Zh => &zh::Zh,
            Lang::En => &en::En,
        }
    }
}

/// How one language words the facts of a finding.
pub trait Catalogue: Sync {
    /// The sentence for `fact`; `name` is the rule's name in this language.
    fn fact(&self, fact: &Fact, name: &str) -> String;
    /// What is added when a waiver covers (or covered) the gap.
    fn waiver(&self, w: &WaiverNote) -> String;
}

/// A finding's message in one language.
pub fn render(lang: Lang, fact: &Fact, name: &Text, waiver: Option<&WaiverNote>) -> String {
    let c = lang.catalogue();
    let name = match lang {
        Lang::Zh => &name.zh,
        Lang::En => &name.en,
    };
    let mut s = c.fact(fact, name);
    if let Some(w) = waiver {
        s.push_str(&c.waiver(w));
    }
    s
}

/// A finding's message in both languages the report carries.
pub fn message(fact: &Fact, name: &Text, waiver: Option<&WaiverNote>) -> Text {
    Text::new(
        render(Lang::Zh, fact, name, waiver),
        render(Lang::En, fact, name, waiver),
    )
}

/// At most this many problems of an annual report are spelled out; the rest are counted.
pub const MAX_LISTED: usize = 6;
