//! cxhub's storage.
//!
//! One [`Store`] is chosen at start-up from the database URL and passed to everything
//! that reads or writes records. Its methods are the use cases (upsert a batch of
//! interactions, list calls after a cursor), not generic CRUD.
//!
//! Layout:
//! - [`events`]: raw events and the [`events::Projector`] that folds them into records.
//! - [`pipeline`]: the event pipeline every caller uses: read, store once, fold.
//! - [`query`]: filters, keyset positions and pages that listing methods take and give.
//! - [`tokens`]: API tokens: generation, hashing, roles.
//! - [`sqlite`]: the embedded default backend.

pub mod analytics;
mod columns;
mod conditions;
pub mod copy;
mod entries;
pub mod events;
mod hours;
mod listing;
pub mod pipeline;
pub mod postgres;
pub mod query;
mod records;
mod sizing;
pub mod sqlite;
mod store;
pub mod testing;
pub mod tokens;
mod values;

pub use store::Store;

use std::collections::HashMap;
use std::sync::Arc;

use cxhub_model::directory::{
    Attribute, Category, Contact, Extension, PresenceStatus, Queue, Tag, User,
};
pub use cxhub_model::directory::{DirectoryNumbers, EntryKind};
use cxhub_model::error::FieldError;
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::ticket::Ticket;
use cxhub_model::time::Zone;

/// What can go wrong in the store, in terms callers act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The named thing does not exist (in this tenant).
    #[error("not found")]
    NotFound,
    /// The thing to create exists already.
    #[error("{0} already exists")]
    Conflict(String),
    /// A record of a batch is not acceptable; the field path starts with its index.
    #[error("invalid: {0}")]
    Invalid(FieldError),
    /// The database URL names a backend cxhub does not have.
    #[error("unsupported database url: {0}")]
    UnsupportedUrl(String),
    /// Anything else: the database failed or is corrupt. Logged, never shown to clients.
    #[error("database error")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> StoreError {
        StoreError::Database(Box::new(err))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The tenant a request acts for, resolved once per request from its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantScope {
    /// The store's internal key of the tenant.
    pub pk: i64,
    pub id: Key,
    /// The tenant's zone, read with the token: the default for local date-times.
    pub zone: Zone,
}

/// What an upsert did with one record of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The record was new.
    Created,
    /// A newer version replaced the stored one.
    Updated,
    /// The stored version is the same; nothing changed.
    Duplicate,
    /// The stored version is newer; nothing changed.
    Stale,
}

impl Outcome {
    /// What an upsert does with a record of version `incoming`, given the version of the
    /// record stored under its key, if any: the highest version wins, an equal one is a
    /// duplicate, a lower one is stale. Every backend decides by this rule.
    pub fn of(incoming: i64, stored: Option<i64>) -> Outcome {
        match stored {
            None => Outcome::Created,
            Some(stored) if incoming == stored => Outcome::Duplicate,
            Some(stored) if incoming < stored => Outcome::Stale,
            Some(_) => Outcome::Updated,
        }
    }

    /// Whether the record was written.
    pub fn changed(self) -> bool {
        matches!(self, Outcome::Created | Outcome::Updated)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Duplicate => "duplicate",
            Outcome::Stale => "stale",
        }
    }
}

/// The result of one record of a batch upsert, in the batch's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upserted {
    pub id: RecordId,
    pub outcome: Outcome,
}

/// A tenant to create.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub id: Key,
    pub name: String,
    pub timezone: Zone,
}

/// A change to a stored ticket, applied inside the write transaction.
pub type TicketEdit = Box<dyn FnOnce(&mut Ticket) -> Result<(), FieldError> + Send>;

/// Directory entries to upsert; each kind replaces entries with the same key.
#[derive(Debug, Clone, Default)]
pub struct DirectoryBatch {
    pub users: Vec<User>,
    pub queues: Vec<Queue>,
    pub contacts: Vec<Contact>,
    pub tags: Vec<Tag>,
    pub categories: Vec<Category>,
    pub attributes: Vec<Attribute>,
    pub presence_statuses: Vec<PresenceStatus>,
    pub extensions: Vec<Extension>,
}

impl DirectoryBatch {
    /// How many entries the batch holds, of every kind.
    pub fn len(&self) -> usize {
        self.users.len()
            + self.queues.len()
            + self.contacts.len()
            + self.tags.len()
            + self.categories.len()
            + self.attributes.len()
            + self.presence_statuses.len()
            + self.extensions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Keys to look up, by directory kind.
#[derive(Debug, Clone, Default)]
pub struct DirectoryKeys {
    pub users: Vec<Key>,
    pub queues: Vec<Key>,
    pub contacts: Vec<Key>,
    pub tags: Vec<Key>,
    pub categories: Vec<Key>,
    pub attributes: Vec<Key>,
    pub presence_statuses: Vec<Key>,
    /// Also the tags that the contacts found carry (klink nests them in each contact).
    pub contact_tags: bool,
    /// Also the directory numbers of every key asked for (and of the contacts' tags), in
    /// [`DirectoryEntries::numbers`].
    pub numbers: bool,
}

/// Directory entries found by [`Store::lookup`], by key (presence statuses by system
/// name). Entries are shared with the store's directory cache, so a page's nested
/// objects are not decoded again for every request.
#[derive(Debug, Clone, Default)]
pub struct DirectoryEntries {
    pub users: HashMap<Key, Arc<User>>,
    pub queues: HashMap<Key, Arc<Queue>>,
    pub contacts: HashMap<Key, Arc<Contact>>,
    pub tags: HashMap<Key, Arc<Tag>>,
    pub categories: HashMap<Key, Arc<Category>>,
    pub attributes: HashMap<Key, Arc<Attribute>>,
    pub presence_statuses: HashMap<Key, Arc<PresenceStatus>>,
    /// The entries' directory numbers, when [`DirectoryKeys::numbers`] asked for them.
    pub numbers: DirectoryNumbers,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DirectoryKind {
    Users,
    Queues,
    Contacts,
    Tags,
    Categories,
    Attributes,
    PresenceStatuses,
    Extensions,
}

impl DirectoryKind {
    /// The kind of directory number its entries have; presence statuses have none.
    pub fn numbered(self) -> Option<EntryKind> {
        match self {
            DirectoryKind::Users => Some(EntryKind::User),
            DirectoryKind::Queues => Some(EntryKind::Queue),
            DirectoryKind::Contacts => Some(EntryKind::Contact),
            DirectoryKind::Tags => Some(EntryKind::Tag),
            DirectoryKind::Categories => Some(EntryKind::Category),
            DirectoryKind::Attributes => Some(EntryKind::Attribute),
            DirectoryKind::Extensions => Some(EntryKind::Extension),
            DirectoryKind::PresenceStatuses => None,
        }
    }
}

/// A page request over a directory kind, in key order.
#[derive(Debug, Clone)]
pub struct KeyPage {
    /// Start after this key.
    pub after: Option<String>,
    pub limit: usize,
    /// Only the entries with these keys, when given.
    pub ids: Option<Vec<Key>>,
}

/// One page of a directory kind; `next` is the last key when more may follow.
#[derive(Debug, Clone, Default)]
pub struct DirectoryPage {
    pub users: Vec<User>,
    pub queues: Vec<Queue>,
    pub contacts: Vec<Contact>,
    pub tags: Vec<Tag>,
    pub categories: Vec<Category>,
    pub attributes: Vec<Attribute>,
    pub presence_statuses: Vec<PresenceStatus>,
    pub extensions: Vec<Extension>,
    pub next: Option<String>,
}

impl DirectoryKeys {
    /// The keys asked for, by kind, taken out of `self` (its flags stay).
    pub(crate) fn take_by_kind(&mut self) -> [(DirectoryKind, Vec<Key>); 7] {
        let take = std::mem::take;
        [
            (DirectoryKind::Users, take(&mut self.users)),
            (DirectoryKind::Queues, take(&mut self.queues)),
            (DirectoryKind::Contacts, take(&mut self.contacts)),
            (DirectoryKind::Tags, take(&mut self.tags)),
            (DirectoryKind::Categories, take(&mut self.categories)),
            (DirectoryKind::Attributes, take(&mut self.attributes)),
            (
                DirectoryKind::PresenceStatuses,
                take(&mut self.presence_statuses),
            ),
        ]
    }
}

impl DirectoryEntries {
    /// Adds every entry of a page, by key.
    pub(crate) fn add_page(&mut self, page: DirectoryPage) {
        fn by_key<T>(out: &mut HashMap<Key, Arc<T>>, items: Vec<T>, key: impl Fn(&T) -> &Key) {
            out.extend(items.into_iter().map(|it| (key(&it).clone(), Arc::new(it))));
        }
        by_key(&mut self.users, page.users, |it| &it.id);
        by_key(&mut self.queues, page.queues, |it| &it.id);
        by_key(&mut self.contacts, page.contacts, |it| &it.id);
        by_key(&mut self.tags, page.tags, |it| &it.id);
        by_key(&mut self.categories, page.categories, |it| &it.id);
        by_key(&mut self.attributes, page.attributes, |it| &it.id);
        by_key(&mut self.presence_statuses, page.presence_statuses, |it| {
            &it.system_name
        });
    }
}

impl DirectoryPage {
    /// Keeps the first `limit` entries of each kind.
    pub(crate) fn truncate(&mut self, limit: usize) {
        self.users.truncate(limit);
        self.queues.truncate(limit);
        self.contacts.truncate(limit);
        self.tags.truncate(limit);
        self.categories.truncate(limit);
        self.attributes.truncate(limit);
        self.presence_statuses.truncate(limit);
        self.extensions.truncate(limit);
    }
}

/// The database's size on disk, read at each scrape.
#[derive(Debug)]
struct DatabaseSize(Store);

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl prometheus_client::collector::Collector for DatabaseSize {
    fn encode(
        &self,
        mut encoder: prometheus_client::encoding::DescriptorEncoder,
    ) -> Result<(), std::fmt::Error> {
        let Store::Sqlite(store) = &self.0 else {
            return Ok(());
        };
        let bytes = store.size_bytes();
        let metric = encoder.encode_descriptor(
            "cxhub_database_size_bytes",
            "Bytes the database takes on disk (its file and write-ahead log)",
            None,
            prometheus_client::metrics::MetricType::Gauge,
        )?;
        prometheus_client::encoding::EncodeMetric::encode(
            &prometheus_client::metrics::gauge::ConstGauge::new(
                i64::try_from(bytes).unwrap_or(i64::MAX),
            ),
            metric,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn the_highest_version_wins_and_the_rest_are_reported() {
        assert_eq!(Outcome::of(1, None), Outcome::Created);
        assert_eq!(Outcome::of(2, Some(2)), Outcome::Duplicate);
        assert_eq!(Outcome::of(1, Some(2)), Outcome::Stale);
        assert_eq!(Outcome::of(3, Some(2)), Outcome::Updated);
        assert_eq!(Outcome::of(i64::MIN, Some(i64::MAX)), Outcome::Stale);
    }
}
