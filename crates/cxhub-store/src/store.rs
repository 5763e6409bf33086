//! [`Store`]: the store's contract, one method per use case, each forwarded to the
//! backend the database URL chose.

use cxhub_model::directory::{Contact, Tenant};
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::interaction::{Interaction, Message};
use cxhub_model::presence::PresenceChange;
use cxhub_model::ticket::Ticket;
use cxhub_model::time::{Instant, Zone};

use crate::query::{InteractionFilter, Page, PageRequest, PresenceFilter, TicketFilter};
use crate::tokens::{self, Grant, Role, TokenInfo};
use crate::*;

/// Runs `$body` with `$store` bound to the backend in use. Each backend has the same
/// inherent methods, so the body is checked once per backend, and adding a backend is
/// one arm here.
macro_rules! backend {
    ($self:ident, $store:ident => $body:expr) => {
        match $self {
            Store::Sqlite($store) => $body,
            Store::Postgres($store) => $body,
        }
    };
}

mod analytics;

/// The store, over one of its backends. Chosen once at start-up by [`Store::open`].
///
/// An enum rather than a trait object: the set of backends is closed, dispatch is a
/// `match` with no boxing of futures, and each backend keeps its own concrete types.
#[derive(Clone)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

impl From<sqlite::SqliteStore> for Store {
    fn from(store: sqlite::SqliteStore) -> Store {
        Store::Sqlite(store)
    }
}

impl From<postgres::PgStore> for Store {
    fn from(store: postgres::PgStore) -> Store {
        Store::Postgres(store)
    }
}

impl Store {
    /// Opens the database a URL names, creating and migrating it as needed.
    ///
    /// `postgres://` (or `postgresql://`) opens PostgreSQL; a plain path or
    /// `sqlite://PATH` opens SQLite.
    pub async fn open(url: &str) -> StoreResult<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Store::Postgres(postgres::PgStore::open(url).await?));
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        let store = sqlite::SqliteStore::open(std::path::Path::new(path)).await?;
        Ok(Store::Sqlite(store))
    }

    pub async fn create_tenant(&self, tenant: NewTenant) -> StoreResult<Tenant> {
        backend!(self, store => store.create_tenant(tenant).await)
    }

    pub async fn tenant(&self, id: &Key) -> StoreResult<Option<(TenantScope, Tenant)>> {
        backend!(self, store => store.tenant(id.clone()).await)
    }

    /// Every tenant's id, in id order.
    pub async fn list_tenants(&self) -> StoreResult<Vec<Key>> {
        backend!(self, store => store.list_tenants().await)
    }

    pub async fn update_tenant(
        &self,
        scope: &TenantScope,
        name: Option<String>,
        zone: Option<Zone>,
    ) -> StoreResult<Tenant> {
        backend!(self, store => store.update_tenant(scope.clone(), name, zone).await)
    }

    /// Stores a new token for a tenant and returns it; only its hash is kept.
    pub async fn create_token(
        &self,
        tenant: &Key,
        role: Role,
        label: Option<String>,
    ) -> StoreResult<(TokenInfo, String)> {
        backend!(self, store => store.create_token(tenant.clone(), role, label).await)
    }

    pub async fn list_tokens(&self, tenant: Option<&Key>) -> StoreResult<Vec<TokenInfo>> {
        backend!(self, store => store.list_tokens(tenant.cloned()).await)
    }

    /// Revokes a token by its public id; within `tenant` when given.
    pub async fn revoke_token(&self, id: &str, tenant: Option<&Key>) -> StoreResult<()> {
        backend!(self, store => store.revoke_token(id.to_owned(), tenant.cloned()).await)
    }

    /// The tenant and role of a presented token, if it is known and not revoked.
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<Grant>> {
        backend!(self, store => store.authenticate(tokens::hash(token)).await)
    }

    pub async fn upsert_interactions(
        &self,
        scope: &TenantScope,
        batch: Vec<Interaction>,
    ) -> StoreResult<Vec<Upserted>> {
        backend!(self, store => store.upsert_interactions(scope.pk, batch).await)
    }

    pub async fn list_interactions(
        &self,
        scope: &TenantScope,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Interaction>> {
        backend!(self, store => store.list_interactions(scope.pk, filter, page).await)
    }

    pub async fn count_interactions(
        &self,
        scope: &TenantScope,
        filter: InteractionFilter,
    ) -> StoreResult<u64> {
        backend!(self, store => store.count_interactions(scope.pk, filter).await)
    }

    /// A page and the count of all that match, from one snapshot (for a dialect that
    /// prints a total with every page).
    pub async fn list_interactions_counted(
        &self,
        scope: &TenantScope,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<(Page<Interaction>, u64)> {
        backend!(self, store => {
            store
                .list_interactions_counted(scope.pk, filter, page)
                .await
        })
    }

    pub async fn interaction(
        &self,
        scope: &TenantScope,
        id: RecordId,
    ) -> StoreResult<Option<Interaction>> {
        backend!(self, store => store.interaction(scope.pk, id).await)
    }

    pub async fn messages(
        &self,
        scope: &TenantScope,
        id: RecordId,
    ) -> StoreResult<Option<Vec<Message>>> {
        backend!(self, store => store.messages(scope.pk, id).await)
    }

    /// Stores a batch of events (each once per source and event id) and refolds the
    /// records they belong to, all in one transaction: the answer comes after the commit.
    pub async fn ingest_events(
        &self,
        scope: &TenantScope,
        events: Vec<events::NewEvent>,
        projector: std::sync::Arc<dyn events::Projector>,
    ) -> StoreResult<Vec<events::EventOutcome>> {
        backend!(self, store => store.ingest_events(scope.pk, events, projector).await)
    }

    /// Every stored event of one subject, in time order.
    pub async fn subject_events(
        &self,
        scope: &TenantScope,
        subject: events::Subject,
    ) -> StoreResult<Vec<events::StoredEvent>> {
        backend!(self, store => store.subject_events(scope.pk, subject).await)
    }

    /// Refolds the records whose time-based rules are due (a call's timeout, a
    /// conversation's service target), across tenants; how many changed.
    pub async fn refold_due(
        &self,
        now: Instant,
        projector: std::sync::Arc<dyn events::Projector>,
    ) -> StoreResult<usize> {
        backend!(self, store => store.refold_due(now, projector).await)
    }

    pub async fn upsert_presence(
        &self,
        scope: &TenantScope,
        batch: Vec<PresenceChange>,
    ) -> StoreResult<Vec<Upserted>> {
        backend!(self, store => store.upsert_presence(scope.pk, batch).await)
    }

    pub async fn list_presence(
        &self,
        scope: &TenantScope,
        filter: PresenceFilter,
        page: PageRequest,
    ) -> StoreResult<Page<PresenceChange>> {
        backend!(self, store => store.list_presence(scope.pk, filter, page).await)
    }

    pub async fn count_presence(
        &self,
        scope: &TenantScope,
        filter: PresenceFilter,
    ) -> StoreResult<u64> {
        backend!(self, store => store.count_presence(scope.pk, filter).await)
    }

    pub async fn upsert_tickets(
        &self,
        scope: &TenantScope,
        batch: Vec<Ticket>,
    ) -> StoreResult<Vec<Upserted>> {
        backend!(self, store => store.upsert_tickets(scope.pk, batch).await)
    }

    pub async fn list_tickets(
        &self,
        scope: &TenantScope,
        filter: TicketFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Ticket>> {
        backend!(self, store => store.list_tickets(scope.pk, filter, page).await)
    }

    pub async fn count_tickets(
        &self,
        scope: &TenantScope,
        filter: TicketFilter,
    ) -> StoreResult<u64> {
        backend!(self, store => store.count_tickets(scope.pk, filter).await)
    }

    pub async fn ticket(&self, scope: &TenantScope, id: RecordId) -> StoreResult<Option<Ticket>> {
        backend!(self, store => store.ticket(scope.pk, id).await)
    }

    /// Edits a stored ticket atomically and stores it as a newer version.
    pub async fn edit_ticket(
        &self,
        scope: &TenantScope,
        id: RecordId,
        edit: TicketEdit,
    ) -> StoreResult<Ticket> {
        backend!(self, store => store.edit_ticket(scope.pk, id, edit).await)
    }

    /// Contacts matching a keyword (name, phone, email or id), with the count of all matches.
    pub async fn search_contacts(
        &self,
        scope: &TenantScope,
        keyword: Option<String>,
        offset: usize,
        limit: usize,
    ) -> StoreResult<(Vec<Contact>, u64)> {
        backend!(self, store => {
            store
                .search_contacts(scope.pk, keyword, offset, limit)
                .await
        })
    }

    /// Soft-deletes a ticket: it is kept, with `deleted_at` set, and hidden from lists.
    pub async fn delete_ticket(
        &self,
        scope: &TenantScope,
        id: RecordId,
        at: Instant,
    ) -> StoreResult<()> {
        backend!(self, store => store.delete_ticket(scope.pk, id, at).await)
    }

    pub async fn upsert_directory(
        &self,
        scope: &TenantScope,
        batch: DirectoryBatch,
    ) -> StoreResult<usize> {
        backend!(self, store => store.upsert_directory(scope.pk, batch).await)
    }

    /// Directory entries by key, of several kinds at once (to fill a page's nested objects).
    /// Keys with no entry are left out.
    pub async fn lookup(
        &self,
        scope: &TenantScope,
        keys: DirectoryKeys,
    ) -> StoreResult<DirectoryEntries> {
        backend!(self, store => store.lookup(scope.pk, keys).await)
    }

    /// Registers the store's figures in `registry`, read at each scrape: SQLite's writer
    /// (its queue and commits) and file size, or PostgreSQL's connection pool.
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
            Store::Postgres(store) => registry.register_collector(Box::new(store.pool_metrics())),
        }
    }

    /// The directory numbers of these entries; keys without one are left out.
    pub async fn numbers(
        &self,
        scope: &TenantScope,
        wanted: Vec<(EntryKind, Key)>,
    ) -> StoreResult<DirectoryNumbers> {
        backend!(self, store => store.numbers(scope.pk, wanted).await)
    }

    /// The key of the entry of `kind` whose directory number is `num`, if any.
    pub async fn key_by_number(
        &self,
        scope: &TenantScope,
        kind: EntryKind,
        num: i64,
    ) -> StoreResult<Option<Key>> {
        backend!(self, store => store.key_by_number(scope.pk, kind, num).await)
    }

    pub async fn list_directory(
        &self,
        scope: &TenantScope,
        kind: DirectoryKind,
        page: KeyPage,
    ) -> StoreResult<DirectoryPage> {
        backend!(self, store => store.list_directory(scope.pk, kind, page).await)
    }

    /// How many rows of `table` the tenant has (for `crate::copy`).
    pub(crate) async fn count_rows(
        &self,
        scope: &TenantScope,
        table: &'static copy::Table,
    ) -> StoreResult<u64> {
        backend!(self, store => store.count_rows(scope.pk, table).await)
    }

    /// One page of the tenant's rows of `table`, after `after` (for `crate::copy`).
    pub(crate) async fn dump_rows(
        &self,
        scope: &TenantScope,
        table: &'static copy::Table,
        after: Option<i64>,
    ) -> StoreResult<copy::Rows> {
        backend!(self, store => store.dump_rows(scope.pk, table, after).await)
    }

    /// Writes a page read by [`Store::dump_rows`] from another store, as upserts.
    pub(crate) async fn load_rows(
        &self,
        scope: &TenantScope,
        table: &'static copy::Table,
        page: copy::Rows,
    ) -> StoreResult<()> {
        backend!(self, store => store.load_rows(scope.pk, table, page).await)
    }

    /// Ends a copy into this store: the tenant's creation time, its counters, and its
    /// generations raised so every cache reads afresh.
    pub(crate) async fn finish_load(
        &self,
        scope: &TenantScope,
        created_at: Instant,
    ) -> StoreResult<()> {
        backend!(self, store => store.finish_load(scope.pk, created_at).await)
    }
}
