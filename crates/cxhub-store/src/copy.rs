//! Copying tenants between stores (`cxhub copy`), whichever backends they are on.
//!
//! Every table of a tenant is read in pages from one store and written to the other
//! with the same values, record numbers and directory numbers included, so every id a
//! client has seen stays true. Writes are upserts (and a record's children are replaced
//! whole), so a copy that stopped half way, or one re-run after the source took more
//! writes, ends with the target equal to the source. Both schemas have the same tables
//! and columns; only the row keys that join a record to its children differ, and they
//! are not copied.

use cxhub_model::ids::Key;

use crate::values::Cell;
use crate::{NewTenant, Store, StoreError, StoreResult};

/// A column's type, for reading it from either backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Text,
    Flag,
    Real,
    Bytes,
}

/// How a table's rows are read in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paging {
    /// All at once (the directory and tokens: small).
    Whole,
    /// By record number (the first column).
    Number,
    /// In arrival order (events), by the source's own `seq`, which is not copied.
    Arrival,
    /// By the number of the record they belong to; each row starts with that number.
    Child { parent: &'static str },
}

/// One table as copied.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// The columns copied, `name:kind` (`i` integer, `t` text, `f` flag, `r` real,
    /// `b` bytes), after `tenant_pk` (or, for children, the parent's number).
    spec: &'static str,
    pub(crate) paging: Paging,
    /// The unique key an upsert matches rows on; `None` for children (replaced whole).
    pub(crate) key: Option<&'static str>,
    /// Whether a row found under its key is overwritten (or kept, for what never changes).
    pub(crate) overwrite: bool,
}

impl Table {
    pub(crate) fn columns(&self) -> impl Iterator<Item = (&'static str, Kind)> + Clone {
        self.spec.split(' ').map(|it| {
            let (name, kind) = it.split_once(':').expect("name:kind");
            let kind = match kind {
                "i" => Kind::Int,
                "t" => Kind::Text,
                "f" => Kind::Flag,
                "r" => Kind::Real,
                "b" => Kind::Bytes,
                other => unreachable!("kind {other}"),
            };
            (name, kind)
        })
    }

    /// The copied columns, comma-separated, each prefixed with `prefix`.
    pub(crate) fn column_list(&self, prefix: &str) -> String {
        let names: Vec<String> = self
            .columns()
            .map(|(name, _)| format!("{prefix}{}", quoted(name)))
            .collect();
        names.join(", ")
    }

    /// `c = excluded.c` for every copied column.
    pub(crate) fn updates(&self) -> String {
        let sets: Vec<String> = self
            .columns()
            .map(|(name, _)| format!("{0} = excluded.{0}", quoted(name)))
            .collect();
        sets.join(", ")
    }

    /// The column a child table's rows are ordered by within their record.
    pub(crate) fn child_order(&self) -> &'static str {
        if self.name == "ticket_field" {
            "attribute_id"
        } else {
            "seq"
        }
    }
}

/// How a backend's SQL names the row key of a record and a child's reference to it, and
/// writes the `n`th parameter.
pub(crate) struct Dialect {
    /// `id` (SQLite) or `pk` (PostgreSQL).
    pub(crate) row_key: &'static str,
    /// A child's reference is the parent's name and this: `_id` or `_pk`.
    pub(crate) reference: &'static str,
    pub(crate) mark: fn(usize) -> String,
}

impl Table {
    /// Counts the tenant's rows; the tenant is parameter 1.
    pub(crate) fn count_sql(&self, dialect: &Dialect) -> String {
        let name = quoted_table(self.name);
        let tenant = (dialect.mark)(1);
        match self.paging {
            Paging::Child { parent } => format!(
                "select count(*) from {name} c join {parent} p on p.{} = c.{parent}{} where p.tenant_pk = {tenant}",
                dialect.row_key, dialect.reference
            ),
            _ => format!("select count(*) from {name} where tenant_pk = {tenant}"),
        }
    }

    /// Reads a page: parameters are the tenant, where the page starts and its size (the
    /// last two only when paged). Each row is its place (a record number, a source
    /// `seq`, a child's record number; 0 when not paged), then the copied columns.
    pub(crate) fn dump_sql(&self, dialect: &Dialect) -> String {
        let name = quoted_table(self.name);
        let cols = self.column_list("");
        let [tenant, after, limit] = [1, 2, 3].map(dialect.mark);
        match self.paging {
            Paging::Whole => {
                format!("select cast(0 as bigint), {cols} from {name} where tenant_pk = {tenant}")
            }
            Paging::Number => format!(
                "select number, {cols} from {name} where tenant_pk = {tenant} and number > {after}
                 order by number limit {limit}"
            ),
            Paging::Arrival => format!(
                "select seq, {cols} from {name} where tenant_pk = {tenant} and seq > {after}
                 order by seq limit {limit}"
            ),
            Paging::Child { parent } => format!(
                "select p.number, {} from {name} c join {parent} p on p.{} = c.{parent}{}
                 where p.tenant_pk = {tenant} and p.number > {after} and p.number <= {after} + {limit}
                 order by p.number, c.{}",
                self.column_list("c."),
                dialect.row_key,
                dialect.reference,
                self.child_order()
            ),
        }
    }

    /// For children: the highest number of their records (the tenant is parameter 1),
    /// which tells whether more pages follow an empty one.
    pub(crate) fn highest_sql(&self, dialect: &Dialect) -> Option<String> {
        let Paging::Child { parent } = self.paging else {
            return None;
        };
        Some(format!(
            "select coalesce(max(number), 0) from {parent} where tenant_pk = {}",
            (dialect.mark)(1)
        ))
    }

    /// The page of rows read by [`Table::dump_sql`] after `after`, each as its place and
    /// its cells; `highest` is what [`Table::highest_sql`] read (0 for other tables).
    pub(crate) fn page(&self, after: i64, read: Vec<(i64, Vec<Cell>)>, highest: i64) -> Rows {
        let full = read.len() as i64 == PAGE;
        let last = read.last().map_or(after, |(place, _)| *place);
        let rows = match self.paging {
            // A child's rows carry their record's number for the load to find it by.
            Paging::Child { .. } => read
                .into_iter()
                .map(|(number, cells)| std::iter::once(Cell::Int(number)).chain(cells).collect())
                .collect(),
            _ => read.into_iter().map(|(_, cells)| cells).collect(),
        };
        let (next, parents) = match self.paging {
            Paging::Whole => (None, None),
            Paging::Number | Paging::Arrival => (full.then_some(last), None),
            Paging::Child { .. } => {
                let through = after + PAGE;
                (
                    (through < highest).then_some(through),
                    Some((after, through)),
                )
            }
        };
        Rows {
            rows,
            next,
            parents,
        }
    }

    /// How many parameters [`Table::dump_sql`] takes.
    pub(crate) fn dump_params(&self) -> usize {
        match self.paging {
            Paging::Whole => 1,
            _ => 3,
        }
    }
}

/// `user` is reserved in PostgreSQL; every table name is quoted.
fn quoted_table(name: &str) -> String {
    format!("\"{name}\"")
}

/// Column names that are reserved words in either dialect.
fn quoted(name: &str) -> String {
    match name {
        "key" | "type" | "position" => format!("\"{name}\""),
        _ => name.to_owned(),
    }
}

const fn table(
    name: &'static str,
    spec: &'static str,
    paging: Paging,
    key: Option<&'static str>,
    overwrite: bool,
) -> Table {
    Table {
        name,
        spec,
        paging,
        key,
        overwrite,
    }
}

const DIRECTORY_KEY: Option<&str> = Some("tenant_pk, id");
const SOURCE_KEY: Option<&str> = Some("tenant_pk, source, external_id");

/// Every table of a tenant, in the order they are written: directory numbers before
/// the entries (so the target keeps them rather than giving new ones), records before
/// their children.
pub static TABLES: &[Table] = &[
    table(
        "directory_number",
        "kind:t key:t num:i",
        Paging::Whole,
        Some("tenant_pk, kind, \"key\""),
        false,
    ),
    table(
        "user",
        "id:t name:t first_name:t last_name:t email:t phone:t address:t extension:t auth_provider:t auth_provider_id:t created_at:i updated_at:i deleted_at:i",
        Paging::Whole,
        DIRECTORY_KEY,
        true,
    ),
    table(
        "queue",
        "id:t name:t sla_answer_secs:i sla_target_pct:i sla_first_response_secs:i sla_resolution_secs:i short_abandon_secs:i created_at:i updated_at:i business_hours:t",
        Paging::Whole,
        DIRECTORY_KEY,
        true,
    ),
    table(
        "contact",
        "id:t name:t phones:t emails:t address:t channel:t notes:t contact_number:i company_id:t profile_url:t social_profile_url:t tags:t platform_ids:t created_at:i updated_at:i deleted_at:i",
        Paging::Whole,
        DIRECTORY_KEY,
        true,
    ),
    table(
        "tag",
        "id:t name:t position:i created_at:i updated_at:i",
        Paging::Whole,
        DIRECTORY_KEY,
        true,
    ),
    table(
        "category",
        "id:t name:t parent_id:t position:i created_at:i updated_at:i",
        Paging::Whole,
        DIRECTORY_KEY,
        true,
    ),
    table(
        "attribute",
        "id:t system_name:t display_name:t kind:t position:i is_default:f is_archived:f is_required:f is_unique:f group_id:t created_at:i updated_at:i",
        Paging::Whole,
        DIRECTORY_KEY,
        true,
    ),
    table(
        "extension",
        "id:t user_id:t name:t",
        Paging::Whole,
        DIRECTORY_KEY,
        true,
    ),
    table(
        "presence_status",
        "system_name:t display_name:t emoji:t productive:f",
        Paging::Whole,
        Some("tenant_pk, system_name"),
        true,
    ),
    table(
        "api_token",
        "id:t role:t hash:b label:t created_at:i revoked_at:i",
        Paging::Whole,
        Some("id"),
        true,
    ),
    table(
        "interaction",
        "number:i source:t external_id:t version:i channel:t direction:t status:t contact_id:t queue_id:t agent_id:t first_assignee_id:t closed_assignee_id:t case_number:i case_ref:t room_id:t contact_platform_id:t started_at:i ended_at:i closed_at:i first_response_secs:i first_replied_secs:i handled_secs:i full_handled_secs:i wrap_up_form_id:t wrap_up_secs:i hold_secs:i resolution_secs:i full_resolution_secs:i sla_status:t analysis_status:t disposition:t labels:t created_at:i updated_at:i deleted_at:i caller_number:t caller_name:t caller_staff_id:t caller_is_staff:f caller_country:t caller_service_id:t caller_city:t caller_province:t caller_region_code:t caller_subdivision:t callee_number:t callee_name:t callee_staff_id:t callee_is_staff:f callee_country:t callee_service_id:t callee_city:t callee_province:t callee_region_code:t callee_subdivision:t virtual_number:t extension:t department:t call_type:t call_kind:t media:t bye_reason:t release_party:t recordings:t note:t session_id:t answered_at:i queued_at:i wait_secs:i talk_secs:i hold_count:i transfer_count:i abandon_stage:t refold_at:i",
        Paging::Number,
        SOURCE_KEY,
        true,
    ),
    table(
        "call_leg",
        "seq:i target_number:t agent_id:t added_at:i ring_at:i answered_at:i ended_at:i ring_secs:i status:t end_reason:t fail_code:i trunk:t",
        Paging::Child {
            parent: "interaction",
        },
        None,
        true,
    ),
    table(
        "message",
        "seq:i at:i sender:t agent_id:t body:t",
        Paging::Child {
            parent: "interaction",
        },
        None,
        true,
    ),
    table(
        "presence_change",
        "number:i source:t external_id:t version:i user_id:t previous_status:t new_status:t reason:t at:i ended_at:i",
        Paging::Number,
        SOURCE_KEY,
        true,
    ),
    table(
        "ticket",
        "number:i source:t external_id:t version:i title:t description:t ticket_type:t channel:t priority:t status:t contact_id:t creator_id:t assignee_id:t reason_to_assign:t created_at:i updated_at:i deleted_at:i",
        Paging::Number,
        SOURCE_KEY,
        true,
    ),
    table(
        "ticket_tag",
        "seq:i tag_id:t",
        Paging::Child { parent: "ticket" },
        None,
        true,
    ),
    table(
        "ticket_category",
        "seq:i category_id:t",
        Paging::Child { parent: "ticket" },
        None,
        true,
    ),
    table(
        "ticket_field",
        "attribute_id:t text_value:t number_value:r boolean_value:f date_value:t",
        Paging::Child { parent: "ticket" },
        None,
        true,
    ),
    table(
        "event",
        "source:t event_id:t subject_kind:t subject_id:t type:t at:i body:t received_at:i",
        Paging::Arrival,
        Some("tenant_pk, source, event_id"),
        false,
    ),
];

/// Rows read per page.
pub(crate) const PAGE: i64 = 2000;

/// One page of a table: its rows (each the table's columns, after the parent's number
/// for children) and where the next page starts, if there is one.
pub(crate) struct Rows {
    pub(crate) rows: Vec<Vec<Cell>>,
    pub(crate) next: Option<i64>,
    /// For children: the parents' numbers the page covers, `(after, through]`, whose
    /// children in the target are replaced by these rows.
    pub(crate) parents: Option<(i64, i64)>,
}

/// What a copy reports as it goes: a table started (with its row count), or rows of it
/// written.
pub enum Progress {
    Table { name: &'static str, rows: u64 },
    Copied(u64),
}

/// Copies tenant `id` from `from` to `to`, creating it there if needed, and reports
/// each step to `progress`. Safe to run again: the target ends equal to the source.
pub async fn tenant(
    from: &Store,
    to: &Store,
    id: &Key,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> StoreResult<()> {
    let Some((source, tenant)) = from.tenant(id).await? else {
        return Err(StoreError::NotFound);
    };
    let target = match to.tenant(id).await? {
        Some((scope, _)) => {
            to.update_tenant(
                &scope,
                Some(tenant.name.clone()),
                Some(tenant.timezone.clone()),
            )
            .await?;
            scope
        }
        None => {
            to.create_tenant(NewTenant {
                id: id.clone(),
                name: tenant.name.clone(),
                timezone: tenant.timezone.clone(),
            })
            .await?;
            to.tenant(id).await?.ok_or(StoreError::NotFound)?.0
        }
    };
    for table in TABLES {
        let rows = from.count_rows(&source, table).await?;
        progress(Progress::Table {
            name: table.name,
            rows,
        });
        let mut after = None;
        loop {
            let page = from.dump_rows(&source, table, after).await?;
            let copied = page.rows.len() as u64;
            let next = page.next;
            to.load_rows(&target, table, page).await?;
            progress(Progress::Copied(copied));
            match next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
    }
    to.finish_load(&target, tenant.created_at).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interaction_is_copied_with_every_column_the_store_writes() {
        let copied: Vec<&str> = TABLES
            .iter()
            .find(|it| it.name == "interaction")
            .unwrap()
            .columns()
            .map(|(name, _)| name)
            .collect();
        let written = crate::records::interaction::COLUMNS;
        assert_eq!(copied[1..=written.len()], *written);
        assert_eq!(copied, [&["number"][..], written, &["refold_at"]].concat());
    }
}
