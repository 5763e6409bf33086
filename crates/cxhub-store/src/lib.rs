//! cxhub's storage.
//!
//! One [`Store`] is chosen at start-up from the database URL and passed to everything
//! that reads or writes records. Its methods are the use cases (upsert a batch of
//! interactions, list calls after a cursor), not generic CRUD.
//!
//! Layout:
//! - [`events`]: raw events and the [`events::Projector`] that folds them into records.
//! - [`query`]: filters, keyset positions and pages that listing methods take and give.
//! - [`tokens`]: API tokens: generation, hashing, roles.
//! - [`sqlite`]: the embedded default backend.

pub mod events;
pub mod query;
pub mod sqlite;
pub mod tokens;

use std::collections::HashMap;
use std::sync::Arc;

use cxhub_model::directory::{
    Attribute, Category, Contact, Extension, PresenceStatus, Queue, Tag, Tenant, User,
};
pub use cxhub_model::directory::{DirectoryNumbers, EntryKind};
use cxhub_model::error::FieldError;
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::interaction::{Interaction, Message};
use cxhub_model::presence::PresenceChange;
use cxhub_model::ticket::Ticket;
use cxhub_model::time::{Instant, Zone};

use crate::query::{InteractionFilter, Page, PageRequest, PresenceFilter, TicketFilter};
use crate::tokens::{Grant, Role, TokenInfo};

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

/// The store, over one of its backends. Chosen once at start-up by [`Store::open`].
///
/// An enum rather than a trait object: the set of backends is closed, dispatch is a
/// `match` with no boxing of futures, and each backend keeps its own concrete types.
#[derive(Clone)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
}

impl Store {
    /// Opens the database a URL names, creating and migrating it as needed.
    ///
    /// A plain path or `sqlite://PATH` opens SQLite; `postgres://` is reserved for the
    /// PostgreSQL backend.
    pub async fn open(url: &str) -> StoreResult<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Err(StoreError::UnsupportedUrl(
                "postgres support is not built yet".to_owned(),
            ));
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        let store = sqlite::SqliteStore::open(std::path::Path::new(path)).await?;
        Ok(Store::Sqlite(store))
    }

    pub async fn create_tenant(&self, tenant: NewTenant) -> StoreResult<Tenant> {
        match self {
            Store::Sqlite(store) => store.create_tenant(tenant).await,
        }
    }

    pub async fn tenant(&self, id: &Key) -> StoreResult<Option<(TenantScope, Tenant)>> {
        match self {
            Store::Sqlite(store) => store.tenant(id.clone()).await,
        }
    }

    pub async fn update_tenant(
        &self,
        scope: &TenantScope,
        name: Option<String>,
        zone: Option<Zone>,
    ) -> StoreResult<Tenant> {
        match self {
            Store::Sqlite(store) => store.update_tenant(scope.clone(), name, zone).await,
        }
    }

    /// Stores a new token for a tenant and returns it; only its hash is kept.
    pub async fn create_token(
        &self,
        tenant: &Key,
        role: Role,
        label: Option<String>,
    ) -> StoreResult<(TokenInfo, String)> {
        match self {
            Store::Sqlite(store) => store.create_token(tenant.clone(), role, label).await,
        }
    }

    pub async fn list_tokens(&self, tenant: Option<&Key>) -> StoreResult<Vec<TokenInfo>> {
        match self {
            Store::Sqlite(store) => store.list_tokens(tenant.cloned()).await,
        }
    }

    /// Revokes a token by its public id; within `tenant` when given.
    pub async fn revoke_token(&self, id: &str, tenant: Option<&Key>) -> StoreResult<()> {
        match self {
            Store::Sqlite(store) => store.revoke_token(id.to_owned(), tenant.cloned()).await,
        }
    }

    /// The tenant and role of a presented token, if it is known and not revoked.
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<Grant>> {
        match self {
            Store::Sqlite(store) => store.authenticate(tokens::hash(token)).await,
        }
    }

    pub async fn upsert_interactions(
        &self,
        scope: &TenantScope,
        batch: Vec<Interaction>,
    ) -> StoreResult<Vec<Upserted>> {
        match self {
            Store::Sqlite(store) => store.upsert_interactions(scope.pk, batch).await,
        }
    }

    pub async fn list_interactions(
        &self,
        scope: &TenantScope,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Interaction>> {
        match self {
            Store::Sqlite(store) => store.list_interactions(scope.pk, filter, page).await,
        }
    }

    pub async fn count_interactions(
        &self,
        scope: &TenantScope,
        filter: InteractionFilter,
    ) -> StoreResult<u64> {
        match self {
            Store::Sqlite(store) => store.count_interactions(scope.pk, filter).await,
        }
    }

    /// A page and the count of all that match, from one snapshot (for a dialect that
    /// prints a total with every page).
    pub async fn list_interactions_counted(
        &self,
        scope: &TenantScope,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<(Page<Interaction>, u64)> {
        match self {
            Store::Sqlite(store) => {
                store
                    .list_interactions_counted(scope.pk, filter, page)
                    .await
            }
        }
    }

    pub async fn interaction(
        &self,
        scope: &TenantScope,
        id: RecordId,
    ) -> StoreResult<Option<Interaction>> {
        match self {
            Store::Sqlite(store) => store.interaction(scope.pk, id).await,
        }
    }

    pub async fn messages(
        &self,
        scope: &TenantScope,
        id: RecordId,
    ) -> StoreResult<Option<Vec<Message>>> {
        match self {
            Store::Sqlite(store) => store.messages(scope.pk, id).await,
        }
    }

    /// Stores a batch of events (each once per source and event id) and refolds the
    /// records they belong to, all in one transaction: the answer comes after the commit.
    pub async fn ingest_events(
        &self,
        scope: &TenantScope,
        events: Vec<events::NewEvent>,
        projector: std::sync::Arc<dyn events::Projector>,
    ) -> StoreResult<Vec<events::EventOutcome>> {
        match self {
            Store::Sqlite(store) => store.ingest_events(scope.pk, events, projector).await,
        }
    }

    /// Every stored event of one subject, in time order.
    pub async fn subject_events(
        &self,
        scope: &TenantScope,
        subject: events::Subject,
    ) -> StoreResult<Vec<events::StoredEvent>> {
        match self {
            Store::Sqlite(store) => store.subject_events(scope.pk, subject).await,
        }
    }

    /// Refolds the records whose time-based rules are due (a call's timeout, a
    /// conversation's service target), across tenants; how many changed.
    pub async fn refold_due(
        &self,
        now: Instant,
        projector: std::sync::Arc<dyn events::Projector>,
    ) -> StoreResult<usize> {
        match self {
            Store::Sqlite(store) => store.refold_due(now, projector).await,
        }
    }

    pub async fn upsert_presence(
        &self,
        scope: &TenantScope,
        batch: Vec<PresenceChange>,
    ) -> StoreResult<Vec<Upserted>> {
        match self {
            Store::Sqlite(store) => store.upsert_presence(scope.pk, batch).await,
        }
    }

    pub async fn list_presence(
        &self,
        scope: &TenantScope,
        filter: PresenceFilter,
        page: PageRequest,
    ) -> StoreResult<Page<PresenceChange>> {
        match self {
            Store::Sqlite(store) => store.list_presence(scope.pk, filter, page).await,
        }
    }

    pub async fn count_presence(
        &self,
        scope: &TenantScope,
        filter: PresenceFilter,
    ) -> StoreResult<u64> {
        match self {
            Store::Sqlite(store) => store.count_presence(scope.pk, filter).await,
        }
    }

    pub async fn upsert_tickets(
        &self,
        scope: &TenantScope,
        batch: Vec<Ticket>,
    ) -> StoreResult<Vec<Upserted>> {
        match self {
            Store::Sqlite(store) => store.upsert_tickets(scope.pk, batch).await,
        }
    }

    pub async fn list_tickets(
        &self,
        scope: &TenantScope,
        filter: TicketFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Ticket>> {
        match self {
            Store::Sqlite(store) => store.list_tickets(scope.pk, filter, page).await,
        }
    }

    pub async fn count_tickets(
        &self,
        scope: &TenantScope,
        filter: TicketFilter,
    ) -> StoreResult<u64> {
        match self {
            Store::Sqlite(store) => store.count_tickets(scope.pk, filter).await,
        }
    }

    pub async fn ticket(&self, scope: &TenantScope, id: RecordId) -> StoreResult<Option<Ticket>> {
        match self {
            Store::Sqlite(store) => store.ticket(scope.pk, id).await,
        }
    }

    /// Edits a stored ticket atomically and stores it as a newer version.
    pub async fn edit_ticket(
        &self,
        scope: &TenantScope,
        id: RecordId,
        edit: TicketEdit,
    ) -> StoreResult<Ticket> {
        match self {
            Store::Sqlite(store) => store.edit_ticket(scope.pk, id, edit).await,
        }
    }

    /// Contacts matching a keyword (name, phone, email or id), with the count of all matches.
    pub async fn search_contacts(
        &self,
        scope: &TenantScope,
        keyword: Option<String>,
        offset: usize,
        limit: usize,
    ) -> StoreResult<(Vec<Contact>, u64)> {
        match self {
            Store::Sqlite(store) => {
                store
                    .search_contacts(scope.pk, keyword, offset, limit)
                    .await
            }
        }
    }

    /// Soft-deletes a ticket: it is kept, with `deleted_at` set, and hidden from lists.
    pub async fn delete_ticket(
        &self,
        scope: &TenantScope,
        id: RecordId,
        at: Instant,
    ) -> StoreResult<()> {
        match self {
            Store::Sqlite(store) => store.delete_ticket(scope.pk, id, at).await,
        }
    }

    pub async fn upsert_directory(
        &self,
        scope: &TenantScope,
        batch: DirectoryBatch,
    ) -> StoreResult<usize> {
        match self {
            Store::Sqlite(store) => store.upsert_directory(scope.pk, batch).await,
        }
    }

    /// Directory entries by key, of several kinds at once (to fill a page's nested objects).
    /// Keys with no entry are left out.
    pub async fn lookup(
        &self,
        scope: &TenantScope,
        keys: DirectoryKeys,
    ) -> StoreResult<DirectoryEntries> {
        match self {
            Store::Sqlite(store) => store.lookup(scope.pk, keys).await,
        }
    }

    /// Registers the store's figures (the writer's queue and commits, the database's
    /// size) in `registry`, read at each scrape.
    pub fn register_metrics(&self, registry: &mut prometheus_client::registry::Registry) {
        match self {
            Store::Sqlite(store) => {
                let stats = store.writer_stats();
                registry.register(
                    "cxhub_writer_queue_depth",
                    "Write jobs waiting for the writer thread",
                    stats.queued,
                );
                registry.register(
                    "cxhub_writer_commit_seconds",
                    "Time of each group commit of the writer thread",
                    stats.commit_seconds,
                );
                registry.register(
                    "cxhub_writer_jobs_per_commit",
                    "Write jobs in each group commit",
                    stats.jobs_per_commit,
                );
                registry.register_collector(Box::new(DatabaseSize(self.clone())));
            }
        }
    }

    /// The directory numbers of these entries; keys without one are left out.
    pub async fn numbers(
        &self,
        scope: &TenantScope,
        wanted: Vec<(EntryKind, Key)>,
    ) -> StoreResult<DirectoryNumbers> {
        match self {
            Store::Sqlite(store) => store.numbers(scope.pk, wanted).await,
        }
    }

    /// The key of the entry of `kind` whose directory number is `num`, if any.
    pub async fn key_by_number(
        &self,
        scope: &TenantScope,
        kind: EntryKind,
        num: i64,
    ) -> StoreResult<Option<Key>> {
        match self {
            Store::Sqlite(store) => store.key_by_number(scope.pk, kind, num).await,
        }
    }

    pub async fn list_directory(
        &self,
        scope: &TenantScope,
        kind: DirectoryKind,
        page: KeyPage,
    ) -> StoreResult<DirectoryPage> {
        match self {
            Store::Sqlite(store) => store.list_directory(scope.pk, kind, page).await,
        }
    }
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
        let bytes = match &self.0 {
            Store::Sqlite(store) => store.size_bytes(),
        };
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
