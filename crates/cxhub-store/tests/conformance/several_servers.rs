//! PostgreSQL only: what several servers writing one database at once must not break.

use cxhub_model::ids::Key;
use cxhub_model::time::Zone;
use cxhub_store::NewTenant;
use tokio_postgres::{Client, NoTls};

async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

async fn generation(client: &Client) -> i64 {
    client
        .query_one(
            "select directory_generation from tenant where id = 'acme'",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

/// Two connections (two servers' worth) add users at once, each in its own
/// transactions, some adding a contact first and some a user first: every entry gets a
/// number, the numbers of a kind are 1..n with no gap and no repeat, the generation rises
/// once per write, and no two transactions deadlock.
#[tokio::test]
async fn directory_numbers_stay_gapless_when_two_servers_write_at_once() {
    let Some(held) = crate::postgres().await else {
        return;
    };
    held.store
        .create_tenant(NewTenant {
            id: Key::parse("acme").unwrap(),
            name: "acme".to_owned(),
            timezone: Zone::utc(),
        })
        .await
        .unwrap();
    let url = held.url();
    let before = generation(&connect(&url).await).await;
    let writers = ["a", "b"].map(|server| {
        let url = url.clone();
        tokio::spawn(async move {
            let mut client = connect(&url).await;
            for it in 0..40 {
                let tx = client.transaction().await.unwrap();
                let user = "insert into \"user\" (tenant_pk, id) select pk, $1 from tenant where id = 'acme'";
                let contact = "insert into contact (tenant_pk, id) select pk, $1 from tenant where id = 'acme'";
                let key = format!("{server}{it}");
                // Opposite orders on the two servers: the lock order must not depend on it.
                let order = if server == "a" { [user, contact] } else { [contact, user] };
                for sql in order {
                    tx.execute(sql, &[&key]).await.unwrap();
                }
                tx.commit().await.unwrap();
            }
        })
    });
    for writer in writers {
        writer.await.unwrap();
    }
    let client = connect(&url).await;
    for kind in ["user", "contact"] {
        let nums: Vec<i64> = client
            .query(
                "select num from directory_number where kind = $1 order by num",
                &[&kind],
            )
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        assert_eq!(nums, (1..=80).collect::<Vec<i64>>(), "{kind}");
    }
    assert_eq!(generation(&client).await - before, 160);
}

/// Two connections create tickets at once, and one of them rolls some back: the numbers
/// are 1..n, each given once, with no gap where a create was rolled back.
#[tokio::test]
async fn ticket_numbers_stay_gapless_across_servers_and_rollbacks() {
    let Some(held) = crate::postgres().await else {
        return;
    };
    held.store
        .create_tenant(NewTenant {
            id: Key::parse("acme").unwrap(),
            name: "acme".to_owned(),
            timezone: Zone::utc(),
        })
        .await
        .unwrap();
    let url = held.url();
    let writers = ["a", "b"].map(|server| {
        let url = url.clone();
        tokio::spawn(async move {
            let mut client = connect(&url).await;
            let mut kept = 0;
            for it in 0..30 {
                let tx = client.transaction().await.unwrap();
                tx.execute(
                    "insert into ticket (tenant_pk, source, external_id, version, title, priority, status,
                     created_at, updated_at) select pk, 'api', $1, 1, 't', 'low', 'open', 0, 0
                     from tenant where id = 'acme'",
                    &[&format!("{server}{it}")],
                )
                .await
                .unwrap();
                if server == "b" && it % 3 == 0 {
                    tx.rollback().await.unwrap();
                } else {
                    tx.commit().await.unwrap();
                    kept += 1;
                }
            }
            kept
        })
    });
    let mut kept = 0;
    for writer in writers {
        kept += writer.await.unwrap();
    }
    let client = connect(&url).await;
    let numbers: Vec<i64> = client
        .query("select number from ticket order by number", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(numbers, (1..=kept).collect::<Vec<i64>>());
    let next: i64 = client
        .query_one(
            "select next_ticket_number from tenant where id = 'acme'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(next, kept + 1);
}
