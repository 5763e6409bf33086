//! Conditions and keyset pages of list and count queries, with `$n` placeholders.

use tokio_postgres::types::ToSql;

use crate::conditions::Conditions;
use crate::query::PageRequest;
use crate::values::Cell;

/// An argument of a query.
pub(super) type Arg = Box<dyn ToSql + Sync + Send>;

/// The `where` clause of a query over one tenant's rows, with its arguments in order.
pub(super) struct Where {
    sql: String,
    args: Vec<Arg>,
}

impl Conditions for Where {
    fn and(&mut self, clause: &str, values: Vec<Cell>) {
        let mut values = values.into_iter();
        let mut out = String::new();
        for (idx, part) in clause.split('?').enumerate() {
            if idx > 0 {
                let value = values.next().expect("one value per `?`");
                out.push_str(&self.arg(Box::new(value)));
            }
            out.push_str(part);
        }
        self.sql.push_str(" and ");
        self.sql.push_str(&out);
    }

    /// `column = any($n)`, with the values as one array.
    fn and_in(&mut self, column: &str, values: Vec<String>) {
        if !values.is_empty() {
            let mark = self.arg(Box::new(values));
            self.sql.push_str(&format!(" and {column} = any({mark})"));
        }
    }
}

impl Where {
    pub(super) fn tenant(tenant_pk: i64) -> Where {
        Where {
            sql: " where tenant_pk = $1".to_owned(),
            args: vec![Box::new(tenant_pk)],
        }
    }

    /// The placeholder of the next argument, which is `value`.
    fn arg(&mut self, value: Arg) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    /// The `where` clause, for a query that adds nothing after it.
    pub(super) fn sql(&self) -> &str {
        &self.sql
    }

    /// The count of the rows of `table` that match.
    pub(super) fn count_query(&self, table: &str) -> String {
        format!("select count(*) from {table}{}", self.sql)
    }

    /// The SQL of one keyset page of `select` with these conditions, newest (or oldest)
    /// first by `time_column` and then by record number, one row more than the limit.
    pub(super) fn page_query(
        &mut self,
        select: &str,
        time_column: &str,
        page: PageRequest,
    ) -> String {
        let (cmp, order) = page.seek();
        if let Some(after) = page.after {
            // The first term bounds the index range; the second breaks ties on equal instants.
            let at = self.arg(Box::new(after.at));
            let id = self.arg(Box::new(after.id));
            self.sql.push_str(&format!(
                " and {time_column} {} {at} and ({time_column} {} {at} or number {} {id})",
                cmp.0, cmp.1, cmp.1
            ));
        }
        let limit = self.arg(Box::new(
            i64::try_from(page.limit)
                .unwrap_or(i64::MAX)
                .saturating_add(1),
        ));
        let offset = self.arg(Box::new(i64::try_from(page.offset).unwrap_or(i64::MAX)));
        format!(
            "{select}{} order by {time_column} {order}, number {order} limit {limit} offset {offset}",
            self.sql
        )
    }

    pub(super) fn args(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.args
            .iter()
            .map(|it| it.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

/// Parameters one statement may carry (PostgreSQL's limit is 65,535).
pub(super) const MAX_PARAMS: usize = 60_000;

/// `($n, …), …` for `rows` rows of `width` parameters each, numbered from `$first`, each
/// row starting with `lead` (say `$1, ` for a value every row shares).
pub(super) fn tuples(rows: usize, width: usize, first: usize, lead: &str) -> String {
    let tuples: Vec<String> = (0..rows)
        .map(|row| {
            let marks: Vec<String> = (0..width)
                .map(|col| format!("${}", first + row * width + col))
                .collect();
            format!("({lead}{})", marks.join(", "))
        })
        .collect();
    tuples.join(", ")
}

/// Fixed statements run through the connection's cache of prepared statements: one round
/// trip a run instead of two, and no parsing or planning again. Only for texts from a
/// fixed set (each connection keeps every text it is given), not for built lists.
pub(super) mod prepared {
    use deadpool_postgres::GenericClient;
    use tokio_postgres::Row;
    use tokio_postgres::types::ToSql;

    use crate::StoreResult;

    type Args<'a> = &'a [&'a (dyn ToSql + Sync)];

    pub(in crate::postgres) async fn execute(
        client: &impl GenericClient,
        sql: &str,
        args: Args<'_>,
    ) -> StoreResult<u64> {
        let statement = client.prepare_cached(sql).await?;
        Ok(client.execute(&statement, args).await?)
    }

    pub(in crate::postgres) async fn query(
        client: &impl GenericClient,
        sql: &str,
        args: Args<'_>,
    ) -> StoreResult<Vec<Row>> {
        let statement = client.prepare_cached(sql).await?;
        Ok(client.query(&statement, args).await?)
    }

    pub(in crate::postgres) async fn query_one(
        client: &impl GenericClient,
        sql: &str,
        args: Args<'_>,
    ) -> StoreResult<Row> {
        let statement = client.prepare_cached(sql).await?;
        Ok(client.query_one(&statement, args).await?)
    }

    pub(in crate::postgres) async fn query_opt(
        client: &impl GenericClient,
        sql: &str,
        args: Args<'_>,
    ) -> StoreResult<Option<Row>> {
        let statement = client.prepare_cached(sql).await?;
        Ok(client.query_opt(&statement, args).await?)
    }
}
