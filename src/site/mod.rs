//! The site model: what the audit reasons about. Pages, columns (a list page and its
//! pagination, with entries and the newest date), the link graph's targets and their outcomes,
//! and what could not be fetched.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::crawl::{CrawlLog, LinkKind, Outcome, UrlCheck, UrlKey};
use crate::extract::cms::{self, generic::is_list_file};
use crate::extract::{DateSource, DatedBy, FooterIds, PageFacts, PageKind, dates};

/// One row of a column, with the best date known for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub title: String,
    pub url: Url,
    pub date: Option<DatedBy>,
}

/// Whether a column has content a person can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnState {
    HasEntries,
    /// No entries and a placeholder such as 暂无信息, or an empty list.
    Empty,
    /// No entries in the static HTML, but the list is drawn by script: we cannot tell.
    JsOnly,
}

/// A column (栏目): a list page with its pagination.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// The first page of the list (`.../gzdt/` or `.../gzdt/index.html`).
    pub url: Url,
    /// Every page of the list that was fetched.
    pub pages: Vec<Url>,
    pub entries: Vec<Entry>,
    pub state: ColumnState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty_marker: Option<String>,
    /// The newest entry date, and where it came from.
    pub newest: Option<DatedBy>,
    pub breadcrumb: Vec<String>,
    /// Set when every entry links off the audited site (another host, or out of scope: a parent
    /// government's feed embedded in the bureau's pages): the host the entries live on. Such a
    /// column is shown as shared and left out of the bureau's own freshness scoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<String>,
}

/// A link target seen somewhere on the site, with the text that pointed at it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LinkTarget {
    pub url: Url,
    pub kind: LinkKind,
    /// Distinct anchor texts used for it.
    pub texts: Vec<String>,
    /// The first page, in URL order, that links to it: an index into [`SiteModel::pages`]
    /// (a URL per link target would be the largest part of a big site's model).
    found_on: Option<usize>,
    /// The last page in URL order that links to it: with `found_on`, whether it was on more than
    /// one page (a menu link) or only on one (a document's attachment).
    #[serde(default, skip)]
    last_on: Option<usize>,
    pub from_home: bool,
}

/// Everything the crawl saw, in the shape the audit needs.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SiteModel {
    pub start: Option<Url>,
    /// Boxed: a page's facts are large, and a vector of them grows (and is reordered) by
    /// copying pointers rather than whole records.
    pub pages: Vec<Box<PageFacts>>,
    pub columns: Vec<Column>,
    pub links: Vec<LinkTarget>,
    /// Menu links that only pop up "正在建设中" (their text).
    pub stub_columns: Vec<String>,
    /// SiteName and SiteIDCode meta, from the home page or else the first page that has them.
    pub site_name: Option<String>,
    pub site_id_code: Option<String>,
    /// SiteDomain meta, chosen like the site name.
    #[serde(default)]
    pub site_domain: Option<String>,
    /// Site identifiers in the footer (网站标识码, ICP, 公安备案, 主办单位), from the home page or
    /// else the first page in URL order that shows any, with that page.
    #[serde(default)]
    pub footer: Option<(FooterIds, Url)>,
    /// Distinct phones in page furniture (footers repeat them on every page), each with the
    /// first page (in URL order) that shows it.
    pub furniture_phones: Vec<(crate::extract::Phone, Url)>,
    /// Outcomes of every URL the crawl met, keyed by normalised URL.
    pub checks: HashMap<UrlKey, UrlCheck>,
    /// Normalised URL → index in `pages` (requested and final URLs both).
    #[serde(skip)]
    page_index: HashMap<UrlKey, usize>,
    /// Set by [`SiteModel::ignore_future`].
    #[serde(skip)]
    as_of: Option<Date>,
}

/// What an audit as of a day left out because it is dated after that day (see
/// [`SiteModel::ignore_future`]), and the pages it could not place in time.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    /// Pages (documents) published after the day.
    pub pages: usize,
    /// List rows dated after it (a column's rows and the home page's).
    pub entries: usize,
    /// Link targets that were only on later pages, or are later documents themselves.
    pub links: usize,
    /// Documents with no publish date: kept, whatever their age.
    pub undated_pages: usize,
}

/// The key that joins the pages of one list: `.../gzdt/index_2.html` → `.../gzdt/`, a Hanweb
/// `dataproxy.jsp?...&columnid=4521` batch → `/col/col4521/`. The CMS adapters know the forms.
pub fn column_key(url: &Url) -> String {
    cms::column_key(url)
}

/// The newest entry date of a column, ignoring dates after `until`.
fn newest(entries: &[Entry], until: Option<Date>) -> Option<DatedBy> {
    entries
        .iter()
        .filter_map(|e| e.date)
        .filter(|d| until.is_none_or(|u| d.date <= u))
        .max_by_key(|d| d.date)
}

/// A page's facts with what [`SiteBuilder::add_prepared`] needs computed ahead: the part of
/// adding a page that can run on an extraction worker rather than the crawl loop.
#[derive(Debug)]
pub struct Prepared {
    facts: PageFacts,
    /// Normalised form of each of the page's links.
    link_keys: Vec<UrlKey>,
}

impl Prepared {
    /// The page's facts.
    pub fn facts(&self) -> &PageFacts {
        &self.facts
    }

    pub fn new(facts: PageFacts) -> Prepared {
        let link_keys = facts
            .signals()
            .links
            .iter()
            .map(|l| UrlKey::of(&l.url))
            .collect();
        Prepared { facts, link_keys }
    }
}

/// Builds a [`SiteModel`] page by page while the crawl streams.
#[derive(Debug, Default)]
pub struct SiteBuilder {
    model: SiteModel,
    link_index: HashMap<UrlKey, usize>,
    /// Where the site name and code came from: (home page?, URL).
    site_name_from: Option<(bool, Url)>,
    site_id_from: Option<(bool, Url)>,
    site_domain_from: Option<(bool, Url)>,
}

impl SiteBuilder {
    pub fn new(start: Url) -> SiteBuilder {
        SiteBuilder {
            model: SiteModel {
                start: Some(start),
                ..SiteModel::default()
            },
            link_index: HashMap::new(),
            site_name_from: None,
            site_id_from: None,
            site_domain_from: None,
        }
    }

    /// Adds one page's facts.
    pub fn add(&mut self, facts: PageFacts) {
        self.add_prepared(Prepared::new(facts));
    }

    /// Adds one page's facts, prepared on another thread.
    pub fn add_prepared(&mut self, prepared: Prepared) {
        let Prepared {
            mut facts,
            link_keys,
        } = prepared;
        // What the page says about the site is folded into the site-wide records below and not
        // kept with the page: it would grow memory with every page of a large site.
        let signals = facts.signals.take().map(|s| *s).unwrap_or_default();
        let is_home = self.model.is_home(&facts.url);
        // Where this page will be in `pages`; it is pushed at the end of this call.
        let this_page = self.model.pages.len();
        for (l, key) in signals.links.iter().zip(link_keys) {
            let idx = *self.link_index.entry(key).or_insert_with(|| {
                self.model.links.push(LinkTarget {
                    url: l.url.clone(),
                    kind: l.kind,
                    texts: Vec::new(),
                    found_on: None,
                    last_on: None,
                    from_home: false,
                });
                self.model.links.len() - 1
            });
            let t = &mut self.model.links[idx];
            if !l.text.is_empty() && !t.texts.contains(&l.text) && t.texts.len() < 8 {
                // Most targets are linked with one text: no room for four.
                t.texts.reserve_exact(1);
                t.texts.push(l.text.clone());
            }
            // The first referrer in URL order, whatever order pages arrive in.
            let earlier = match t.found_on {
                None => true,
                Some(i) if i == this_page => false,
                Some(i) => facts.url.as_str() < self.model.pages[i].url.as_str(),
            };
            if earlier {
                t.found_on = Some(this_page);
            }
            let later = match t.last_on {
                None => true,
                Some(i) if i == this_page => false,
                Some(i) => facts.url.as_str() > self.model.pages[i].url.as_str(),
            };
            if later {
                t.last_on = Some(this_page);
            }
            t.from_home |= is_home;
        }
        for s in &signals.stub_links {
            if !s.is_empty() && !self.model.stub_columns.contains(s) {
                self.model.stub_columns.push(s.clone());
            }
        }
        for (key, slot) in [("sitename", 0), ("siteidcode", 1), ("sitedomain", 2)] {
            if let Some(v) = signals.meta.get(key).filter(|v| !v.trim().is_empty()) {
                let (best, current) = match slot {
                    0 => (&mut self.site_name_from, &mut self.model.site_name),
                    1 => (&mut self.site_id_from, &mut self.model.site_id_code),
                    _ => (&mut self.site_domain_from, &mut self.model.site_domain),
                };
                let better = is_home
                    || best
                        .as_ref()
                        .is_none_or(|(was_home, u)| !*was_home && facts.url.as_str() < u.as_str());
                if better {
                    *best = Some((is_home, facts.url.clone()));
                    *current = Some(v.clone());
                }
            }
        }
        if let Some(f) = signals.footer {
            let better = match &self.model.footer {
                None => true,
                Some((_, u)) => {
                    is_home || (!self.model.is_home(u) && facts.url.as_str() < u.as_str())
                }
            };
            if better {
                self.model.footer = Some((f, facts.url.clone()));
            }
        }
        // Only list pages need their breadcrumb (a column's path); for the others the column
        // name it gives is enough.
        if facts.kind != PageKind::List {
            if facts.column.is_none()
                && let Some(name) = facts.breadcrumb.last()
            {
                facts.column = Some(name.clone());
            }
            facts.breadcrumb = Vec::new();
        }
        if facts.html_title == facts.title {
            facts.html_title = String::new();
        }
        // Rules only ever use labelled phones (举报电话, 投诉电话 ...); unlabelled numbers in the
        // body of every article would otherwise be kept for nothing.
        facts.phones.retain(|p| p.label.is_some());
        // What stays is kept for the whole audit: give back the slack that building it left.
        facts.phones.shrink_to_fit();
        facts.entries.shrink_to_fit();
        facts.title.shrink_to_fit();
        facts.html_title.shrink_to_fit();
        if let Some(t) = &mut facts.text {
            t.shrink_to_fit();
        }
        for ph in signals.furniture_phones {
            match self
                .model
                .furniture_phones
                .iter_mut()
                .find(|(p, _)| *p == ph)
            {
                Some((_, u)) if facts.url.as_str() < u.as_str() => *u = facts.url.clone(),
                Some(_) => {}
                None => self.model.furniture_phones.push((ph, facts.url.clone())),
            }
        }
        self.model.pages.push(Box::new(facts));
    }

    /// Finishes the model once the crawl is over.
    pub fn finish(mut self, mut log: CrawlLog) -> SiteModel {
        self.model.checks = std::mem::take(&mut log.checks);
        // Pages arrive in whatever order the network delivers them; the model (and so every
        // report) must not depend on that.
        let mut order: Vec<usize> = (0..self.model.pages.len()).collect();
        order.sort_by(|&a, &b| {
            self.model.pages[a]
                .url
                .as_str()
                .cmp(self.model.pages[b].url.as_str())
        });
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut slots: Vec<Option<Box<PageFacts>>> = std::mem::take(&mut self.model.pages)
            .into_iter()
            .map(Some)
            .collect();
        self.model.pages = order.iter().filter_map(|&old| slots[old].take()).collect();
        self.model
            .links
            .sort_by(|a, b| a.url.as_str().cmp(b.url.as_str()));
        for l in &mut self.model.links {
            l.found_on = l.found_on.map(|old| new_index[old]);
            l.last_on = l.last_on.map(|old| new_index[old]);
            l.texts.sort();
        }
        self.model.stub_columns.sort();
        self.model
            .furniture_phones
            .sort_by(|a, b| (a.1.as_str(), &a.0.number).cmp(&(b.1.as_str(), &b.0.number)));
        for (i, p) in self.model.pages.iter().enumerate() {
            self.model.page_index.entry(UrlKey::of(&p.url)).or_insert(i);
        }
        // A page reached through a redirect is also known by the URL that linked to it.
        for c in self.model.checks.values() {
            if let Some(last) = c.redirects.last()
                && let Some(&i) = self.model.page_index.get(&UrlKey::of(last))
            {
                self.model.page_index.entry(UrlKey::of(&c.url)).or_insert(i);
            }
        }
        let home_key = self.model.start.as_ref().map(column_key);
        // A list row's date outranks the date in a URL (the CMS creation date) as a page's
        // publish date: PubDate meta > labelled 发布时间 > list row > URL.
        let mut row_dates: HashMap<UrlKey, Date> = HashMap::new();
        for p in &self.model.pages {
            for e in &p.entries {
                if let Some(d) = e.date {
                    row_dates.entry(UrlKey::of(&e.url)).or_insert(d);
                }
            }
        }
        for p in &mut self.model.pages {
            let key = UrlKey::of(&p.url);
            dates::add_signal(
                &mut p.date_signals,
                row_dates.get(&key).copied(),
                DateSource::ListRow,
            );
            dates::add_signal(
                &mut p.date_signals,
                log.sitemap_lastmod.get(&key).copied(),
                DateSource::Sitemap,
            );
            p.pub_date = dates::choose(&p.date_signals);
            // One signal, or all agreeing: nothing to explain, nothing to keep.
            if p.date_signals
                .iter()
                .all(|d| Some(d.date) == p.pub_date.map(|u| u.date))
            {
                p.date_signals = Vec::new();
            }
            p.date_signals.shrink_to_fit();
        }
        // Pages whose lists a script draws from data interfaces (gkmlpt's list API, a JSON
        // file): an answer that names no column of its own holds rows of the page's column; a
        // page whose every interface answered was read through them, not left unseen.
        let mut owner: HashMap<String, String> = HashMap::new();
        let mut read_through: std::collections::HashSet<usize> = Default::default();
        for (i, p) in self.model.pages.iter().enumerate() {
            if p.interfaces.is_empty() {
                continue;
            }
            let mut all = true;
            for u in &p.interfaces {
                match self.model.page_index.get(&UrlKey::of(u)) {
                    Some(&j) => {
                        if self.model.pages[j].column.is_none() {
                            owner.insert(column_key(u), column_key(&p.url));
                        }
                    }
                    None => all = false,
                }
            }
            if all {
                read_through.insert(i);
            }
        }
        // Group list pages into columns by their pagination key.
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut absorbed: std::collections::HashSet<String> = Default::default();
        for (i, p) in self.model.pages.iter().enumerate() {
            let own = column_key(&p.url);
            let key = owner.get(&own).cloned().unwrap_or(own);
            if p.kind == PageKind::List && Some(&key) != home_key.as_ref() {
                if owner.contains_key(&column_key(&p.url)) {
                    absorbed.insert(key.clone());
                }
                groups.entry(key).or_default().push(i);
            }
        }
        // Article dates, to date list rows that show none.
        let article_dates: HashMap<UrlKey, DatedBy> = self
            .model
            .pages
            .iter()
            .filter_map(|p| Some((UrlKey::of(&p.url), p.pub_date?)))
            .collect();
        for (key, mut idxs) in groups {
            // The calling page first (shortest URL), the interface answers it absorbed after.
            idxs.sort_by_key(|&i| {
                let u = &self.model.pages[i].url;
                (owner.contains_key(&column_key(u)), u.as_str().len())
            });
            let first = &self.model.pages[idxs[0]];
            let name = first
                .column_name()
                .map(str::to_string)
                .or_else(|| self.link_text_for(&key))
                .unwrap_or_else(|| first.title.clone());
            let mut entries: Vec<Entry> = Vec::new();
            let mut marker = None;
            let mut empty_list = false;
            let mut js = false;
            let mut listed: std::collections::HashSet<UrlKey> = std::collections::HashSet::new();
            for &i in &idxs {
                let p = &mut self.model.pages[i];
                marker = marker.or_else(|| p.empty_marker.clone());
                empty_list |= p.empty_list;
                // A list a script draws from interfaces not all of which answered is unseen.
                js |= (p.js_templates || !p.interfaces.is_empty()) && !read_through.contains(&i);
                // The column owns its rows from here on: a list page's own rows are not needed
                // again, and keeping both would double the largest part of the model.
                for e in std::mem::take(&mut p.entries) {
                    let key = UrlKey::of(&e.url);
                    if !listed.insert(key) {
                        continue;
                    }
                    let date = e
                        .date
                        .map(|date| DatedBy {
                            date,
                            source: DateSource::ListRow,
                        })
                        .or_else(|| article_dates.get(&key).copied());
                    entries.push(Entry {
                        title: e.title,
                        url: e.url,
                        date,
                    });
                }
            }
            // A catalogue read wholly through interfaces that name their own columns is a hub.
            if entries.is_empty()
                && marker.is_none()
                && !absorbed.contains(&key)
                && idxs.iter().all(|i| read_through.contains(i))
            {
                continue;
            }
            let first = &self.model.pages[idxs[0]];
            let state = if !entries.is_empty() {
                ColumnState::HasEntries
            } else if marker.is_some() || (empty_list && !js) {
                ColumnState::Empty
            } else {
                ColumnState::JsOnly
            };
            let newest = newest(&entries, None);
            let shared = self.shared_host(&entries);
            self.model.columns.push(Column {
                name,
                url: first.url.clone(),
                pages: idxs
                    .iter()
                    .map(|&i| self.model.pages[i].url.clone())
                    .collect(),
                entries,
                state,
                empty_marker: marker,
                newest,
                breadcrumb: first.breadcrumb.clone(),
                shared,
            });
        }
        self.model
    }

    /// The host a column's entries all live on when none of them is on the audited site: another
    /// host, or a URL the crawl left out of scope.
    fn shared_host(&self, entries: &[Entry]) -> Option<String> {
        let start_host = self.model.start.as_ref().and_then(|s| s.host_str());
        let foreign = |u: &Url| {
            u.host_str() != start_host
                || self
                    .model
                    .checks
                    .get(&UrlKey::of(u))
                    .is_some_and(|c| c.outcome == Outcome::OutOfScope)
        };
        if entries.is_empty() || !entries.iter().all(|e| foreign(&e.url)) {
            return None;
        }
        let mut hosts: Vec<&str> = entries.iter().filter_map(|e| e.url.host_str()).collect();
        hosts.sort_unstable();
        hosts.dedup();
        Some(hosts.join(", "))
    }

    fn link_text_for(&self, key: &str) -> Option<String> {
        self.model
            .links
            .iter()
            .find(|l| column_key(&l.url) == key)
            .and_then(|l| l.texts.first().cloned())
    }
}

impl SiteModel {
    /// The first page, in URL order, that links to a target.
    pub fn found_on(&self, link: &LinkTarget) -> Option<&Url> {
        link.found_on
            .and_then(|i| self.pages.get(i))
            .map(|p| &p.url)
    }

    /// The outcome of a URL, if the crawl met it.
    pub fn check(&self, url: &Url) -> Option<&UrlCheck> {
        self.checks.get(&UrlKey::of(url))
    }

    /// In-scope link targets that are dead.
    pub fn dead_links(&self) -> impl Iterator<Item = (&LinkTarget, &UrlCheck)> {
        self.links.iter().filter_map(|l| {
            let c = self.check(&l.url)?;
            (c.outcome == Outcome::Dead).then_some((l, c))
        })
    }

    /// URLs we meant to fetch and could not, with why: the reasons a rule may be inconclusive.
    /// What an inspection chose not to read is not among them: no rule looked for it.
    pub fn unverified(&self) -> impl Iterator<Item = &UrlCheck> {
        self.checks.values().filter(|c| {
            c.outcome.is_inconclusive()
                && !matches!(c.outcome, Outcome::OutOfScope | Outcome::Unsampled)
                && c.kind.is_followed()
        })
    }

    /// The page fetched at a URL.
    pub fn page(&self, url: &Url) -> Option<&PageFacts> {
        self.page_index
            .get(&UrlKey::of(url))
            .map(|&i| &*self.pages[i])
    }

    /// The newest date of anything on the home page (W-VETO-03a evidence).
    pub fn home_newest(&self) -> Option<Date> {
        let home = self.pages.iter().find(|p| self.is_home(&p.url))?;
        home.entries
            .iter()
            .filter_map(|e| e.date)
            .filter(|d| self.as_of.is_none_or(|a| *d <= a))
            .max()
    }

    /// Judges the site as it stood on the as-of day: pages published after it, list rows dated
    /// after it, and links found only on such pages are left out of every rule, so an audit as
    /// of a past day sees what an inspector saw that day (and a typo'd future date never makes
    /// a column or the home page look fresh). Undated pages cannot be placed in time and stay;
    /// so does a date that is only a sitemap's lastmod (often the day the CMS rebuilt the page).
    pub fn ignore_future(&mut self, as_of: Date) -> LeftOut {
        self.as_of = Some(as_of);
        let after = |d: &DatedBy| d.date > as_of && d.source != DateSource::Sitemap;
        let mut out = LeftOut::default();
        let mut future: std::collections::HashSet<UrlKey> = std::collections::HashSet::new();
        let mut keep = vec![true; self.pages.len()];
        for (i, p) in self.pages.iter().enumerate() {
            if p.kind == PageKind::List || self.is_home(&p.url) {
                continue;
            }
            match &p.pub_date {
                Some(d) if after(d) => {
                    keep[i] = false;
                    future.insert(UrlKey::of(&p.url));
                    out.pages += 1;
                }
                Some(d) if d.source != DateSource::Sitemap => {}
                _ => out.undated_pages += 1,
            }
        }
        // Rows are counted once however many lists show them (the home page, under two names).
        let mut rows: std::collections::HashSet<UrlKey> = std::collections::HashSet::new();
        for c in &mut self.columns {
            let before = c.entries.len();
            c.entries.retain(|e| {
                let later = e.date.as_ref().is_some_and(after);
                if later {
                    future.insert(UrlKey::of(&e.url));
                    rows.insert(UrlKey::of(&e.url));
                }
                !later
            });
            if before > 0 && c.entries.is_empty() {
                // Everything it lists came later: on the day, the list was empty.
                c.state = ColumnState::Empty;
            }
            c.newest = newest(&c.entries, Some(as_of));
        }
        for p in &mut self.pages {
            p.entries.retain(|e| {
                let later = e.date.is_some_and(|d| d > as_of);
                if later {
                    future.insert(UrlKey::of(&e.url));
                    rows.insert(UrlKey::of(&e.url));
                }
                !later
            });
        }
        out.entries = rows.len();
        if out.pages == 0 && future.is_empty() {
            return out;
        }
        // Drop the later pages, renumbering what points into `pages`.
        let mut new_index = vec![None; self.pages.len()];
        let mut n = 0;
        for (i, k) in keep.iter().enumerate() {
            if *k {
                new_index[i] = Some(n);
                n += 1;
            }
        }
        let mut i = 0;
        self.pages.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        self.page_index.retain(|_, v| match new_index[*v] {
            Some(n) => {
                *v = n;
                true
            }
            None => false,
        });
        // A link to a later document, or seen only on later pages (their attachments), was not
        // there yet. The first and last referrers in URL order are known: a menu link on pages
        // of every date keeps one of them.
        let before = self.links.len();
        self.links.retain_mut(|l| {
            let key = UrlKey::of(&l.url);
            let first = l.found_on.map(|old| new_index[old]);
            let last = l.last_on.map(|old| new_index[old]);
            let kept = !future.contains(&key)
                && match (first, last) {
                    (Some(Some(n)), last) => {
                        l.found_on = Some(n);
                        l.last_on = last.flatten().or(Some(n));
                        true
                    }
                    (Some(None), Some(Some(n))) => {
                        l.found_on = Some(n);
                        l.last_on = Some(n);
                        true
                    }
                    (Some(None), _) => false,
                    (None, _) => true,
                };
            if !kept {
                future.insert(key);
            }
            kept
        });
        out.links = before - self.links.len();
        // Nor was there anything to check at those addresses.
        self.checks.retain(|k, _| !future.contains(k));
        out
    }

    /// The start page, also under its `index.html`-style name (sites link to both).
    pub fn is_home(&self, url: &Url) -> bool {
        let Some(start) = &self.start else {
            return false;
        };
        if UrlKey::of(url) == UrlKey::of(start) {
            return true;
        }
        let Some(file) = url.path_segments().and_then(|mut s| s.next_back()) else {
            return false;
        };
        url.query().is_none() && is_list_file(file, false) && column_key(url) == column_key(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_pages_share_a_column_key() {
        let k = |s: &str| column_key(&Url::parse(s).unwrap());
        assert_eq!(k("http://a.cn/x/gzdt/index.html"), "http://a.cn/x/gzdt/");
        // Hanweb's dataproxy batches join the column they belong to.
        assert_eq!(
            k("http://a.cn/module/web/jpage/dataproxy.jsp?page=1&columnid=4521&startrecord=4"),
            k("http://a.cn/col/col4521/index.html")
        );
        assert_eq!(k("http://a.cn/x/gzdt/index_1.html"), "http://a.cn/x/gzdt/");
        assert_eq!(
            k("http://a.cn/x/gzdt/index_12.shtml"),
            "http://a.cn/x/gzdt/"
        );
        assert_eq!(k("http://a.cn/x/gzdt/"), "http://a.cn/x/gzdt/");
        assert_eq!(
            k("http://a.cn/x/gzdt/t1.html"),
            "http://a.cn/x/gzdt/t1.html"
        );
    }

    fn facts(url: &str, html: &str) -> PageFacts {
        let u = Url::parse(url).unwrap();
        let page = crate::crawl::FetchedPage {
            url: u.clone(),
            final_url: u,
            status: 200,
            content_type: Some("text/html".into()),
            body: html.as_bytes().to_vec(),
            truncated: false,
            depth: 1,
        };
        crate::extract::extract(&page, &crate::extract::TextPolicy::default()).0
    }

    #[test]
    fn a_parent_feed_is_a_shared_column_and_list_rows_join_the_date_signals() {
        let start = "http://www.county.gov.cn/jyj/";
        let mut b = SiteBuilder::new(Url::parse(start).unwrap());
        b.add(facts(
            "http://www.county.gov.cn/jyj/index.html",
            r#"<html><head><meta name="SiteDomain" content="www.county.gov.cn"></head><body><a href="sjyw/index.html">要闻</a></body></html>"#,
        ));
        // The county portal's own news, embedded in the bureau's section: same host, out of scope.
        b.add(facts(
            "http://www.county.gov.cn/jyj/sjyw/index.html",
            r#"<html><head><meta name="ColumnName" content="县政府要闻"></head><body><ul>
<li><a href="/xwzx/202606/t20260612_1.html">县长调研</a><span>2026-06-12</span></li>
<li><a href="/xwzx/202605/t20260520_2.html">县政府常务会</a><span>2026-05-20</span></li></ul></body></html>"#,
        ));
        b.add(facts(
            "http://www.county.gov.cn/jyj/gzdt/index.html",
            r#"<html><head><meta name="ColumnName" content="工作动态"></head><body><ul>
<li><a href="202611/t20261118_7.html">教师培训</a><span>2026-11-20</span></li></ul></body></html>"#,
        ));
        // The article has only its URL date; the list row outranks it.
        b.add(facts(
            "http://www.county.gov.cn/jyj/gzdt/202611/t20261118_7.html",
            "<html><body><h1>教师培训</h1><p>正文</p></body></html>",
        ));
        let mut log = CrawlLog::default();
        for u in [
            "http://www.county.gov.cn/xwzx/202606/t20260612_1.html",
            "http://www.county.gov.cn/xwzx/202605/t20260520_2.html",
        ] {
            let url = Url::parse(u).unwrap();
            log.checks.insert(
                UrlKey::of(&url),
                UrlCheck {
                    url,
                    kind: LinkKind::Page,
                    outcome: Outcome::OutOfScope,
                    status: None,
                    redirects: Vec::new(),
                    detail: None,
                },
            );
        }
        let model = b.finish(log);
        let col = |n: &str| model.columns.iter().find(|c| c.name == n).unwrap();
        assert_eq!(
            col("县政府要闻").shared.as_deref(),
            Some("www.county.gov.cn")
        );
        assert_eq!(col("工作动态").shared, None);
        assert_eq!(model.site_domain.as_deref(), Some("www.county.gov.cn"));
        let art = model
            .page(&Url::parse("http://www.county.gov.cn/jyj/gzdt/202611/t20261118_7.html").unwrap())
            .unwrap();
        assert_eq!(
            art.pub_date,
            Some(DatedBy {
                date: jiff::civil::date(2026, 11, 20),
                source: DateSource::ListRow
            })
        );
        assert_eq!(
            art.date_signals,
            vec![
                DatedBy {
                    date: jiff::civil::date(2026, 11, 18),
                    source: DateSource::Url
                },
                DatedBy {
                    date: jiff::civil::date(2026, 11, 20),
                    source: DateSource::ListRow
                },
            ]
        );
    }

    #[test]
    fn an_audit_as_of_a_day_leaves_out_what_came_later() {
        let mut b = SiteBuilder::new(Url::parse("http://jyj.county.gov.cn/").unwrap());
        b.add(facts(
            "http://jyj.county.gov.cn/",
            r#"<html><body><a href="tzgg/">通知公告</a><a href="about.html">关于我们</a></body></html>"#,
        ));
        b.add(facts(
            "http://jyj.county.gov.cn/tzgg/",
            r#"<html><head><meta name="ColumnName" content="通知公告"></head><body><ul>
<li><a href="202612/t20261202_9.html">关于报送培训需求的通知</a><span>2026-12-02</span></li>
<li><a href="202611/t20261112_8.html">关于消防安全宣传月的通知</a><span>2026-11-12</span></li></ul></body></html>"#,
        ));
        b.add(facts(
            "http://jyj.county.gov.cn/tzgg/202612/t20261202_9.html",
            r#"<html><head><meta name="PubDate" content="2026-12-02 09:00"></head><body><h1>关于报送培训需求的通知</h1>
<p>附件：<a href="P020261202.pdf">需求表</a></p><a href="/ldxx/">领导信息</a></body></html>"#,
        ));
        // The same menu link on an earlier page that sorts after the later one.
        b.add(facts(
            "http://jyj.county.gov.cn/zcwj/202611/t20261110_5.html",
            r#"<html><head><meta name="PubDate" content="2026-11-10 09:00"></head><body><h1>政策文件</h1><a href="/ldxx/">领导信息</a></body></html>"#,
        ));
        b.add(facts(
            "http://jyj.county.gov.cn/tzgg/202611/t20261112_8.html",
            r#"<html><head><meta name="PubDate" content="2026-11-12 09:00"></head><body><h1>关于消防安全宣传月的通知</h1></body></html>"#,
        ));
        b.add(facts(
            "http://jyj.county.gov.cn/about.html",
            "<html><body><h1>关于我们</h1><p>无日期</p></body></html>",
        ));
        let mut model = b.finish(CrawlLog::default());
        let left = model.ignore_future(jiff::civil::date(2026, 11, 26));
        assert_eq!(
            left,
            LeftOut {
                pages: 1,
                entries: 1,
                links: 2,
                undated_pages: 1
            }
        );
        let later = Url::parse("http://jyj.county.gov.cn/tzgg/202612/t20261202_9.html").unwrap();
        assert!(model.page(&later).is_none());
        assert!(model.pages.iter().all(|p| p.url != later));
        let col = &model.columns[0];
        assert_eq!(col.entries.len(), 1);
        assert_eq!(
            col.newest.map(|d| d.date),
            Some(jiff::civil::date(2026, 11, 12))
        );
        // Its attachment was on no page yet.
        assert!(!model.links.iter().any(|l| l.url.path().ends_with(".pdf")));
        // A menu link also on an earlier page stays, found there.
        let menu = model
            .links
            .iter()
            .find(|l| l.url.path() == "/ldxx/")
            .unwrap();
        assert_eq!(
            model.found_on(menu).map(Url::path),
            Some("/zcwj/202611/t20261110_5.html")
        );
        // What stays still knows where it was found.
        let earlier = Url::parse("http://jyj.county.gov.cn/tzgg/202611/t20261112_8.html").unwrap();
        let link = model.links.iter().find(|l| l.url == earlier).unwrap();
        assert_eq!(
            model.found_on(link).map(Url::as_str),
            Some("http://jyj.county.gov.cn/tzgg/")
        );
    }
}
