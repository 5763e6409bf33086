//! `cxhub analytics verify`: a tenant's rollups against a recomputation from its records.

use std::collections::{BTreeMap, HashMap};

use cxhub_analytics::{CallTotals, ConversationTotals, QueueRules};
use cxhub_model::ids::Key;
use cxhub_model::interaction::Interaction;
use cxhub_model::time::Instant;

use super::SCAN_PAGE;
use super::rollups::{PresenceScan, RollupKey, RollupScan, RollupTotals};
use crate::query::{InteractionFilter, PageRequest, PresenceFilter};
use crate::{Store, StoreResult, TenantScope};
use cxhub_analytics::agents::split;

/// What a verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Records and presence changes read, and rollup rows (both levels, and agent time)
    /// compared.
    pub records: u64,
    pub rows: u64,
    /// One line per row that differs from the recomputation; empty when all agree.
    pub differences: Vec<String>,
}

/// Expected rows by level and key.
type Rows = BTreeMap<(i64, RollupKey), RollupTotals>;

impl Store {
    /// Recomputes the tenant's rollups from its records and lists every row that differs.
    pub async fn verify_rollups(&self, scope: &TenantScope) -> StoreResult<Verification> {
        let mut out = Verification::default();
        let mut want = Rows::new();
        let mut rules: HashMap<Key, QueueRules> = HashMap::new();
        let filter = InteractionFilter {
            from: Some(Instant::clamped(0)),
            ..InteractionFilter::default()
        };
        let mut after = None;
        loop {
            let page = self
                .list_interactions(scope, filter.clone(), PageRequest::after(after, SCAN_PAGE))
                .await?;
            let records: Vec<&Interaction> = page.items.iter().collect();
            self.learn_rules(scope, &records, &mut rules).await?;
            for it in records {
                out.records += 1;
                add_expected(&mut want, it, &rules);
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let mut got = Rows::new();
        for level in [0, 1] {
            let scan = RollupScan {
                level,
                from: 0,
                to: i64::MAX,
                ..RollupScan::default()
            };
            let mut waits =
                super::rollups::histograms(self.rollup_waits(scope, scan.clone()).await?);
            for (key, mut totals) in self.rollup_rows(scope, scan).await? {
                if let Some(waits) = waits.remove(&key) {
                    totals.calls.answered_waits = waits;
                }
                got.insert((level, key), totals);
            }
            for (key, waits) in waits {
                out.differences.push(format!(
                    "level {level} {key:?}: waits {waits:?} without a rollup row"
                ));
            }
        }
        out.rows = got.len() as u64;
        let empty = RollupTotals::default();
        for (key, totals) in &got {
            let expected = want.get(key).unwrap_or(&empty);
            if totals != expected {
                out.differences.push(format!(
                    "level {} {:?}: rollup {totals:?}, records {expected:?}",
                    key.0, key.1
                ));
            }
        }
        for (key, expected) in &want {
            if !got.contains_key(key) {
                out.differences.push(format!(
                    "level {} {:?}: no rollup row, records {expected:?}",
                    key.0, key.1
                ));
            }
        }
        self.verify_presence_rollup(scope, &mut out).await?;
        let (spans, differences) = self.verify_spans(scope).await?;
        out.rows += spans;
        out.differences.extend(differences);
        Ok(out)
    }

    /// Agent time: every closed presence interval split at bucket edges, against
    /// `presence_rollup`.
    async fn verify_presence_rollup(
        &self,
        scope: &TenantScope,
        out: &mut Verification,
    ) -> StoreResult<()> {
        let mut want: BTreeMap<(i64, String, String, String), i64> = BTreeMap::new();
        let mut after = None;
        loop {
            let page = self
                .list_presence(
                    scope,
                    PresenceFilter::default(),
                    PageRequest::after(after, SCAN_PAGE),
                )
                .await?;
            for it in &page.items {
                out.records += 1;
                let Some(end) = it.ended_at else { continue };
                let reason = it.reason.clone().unwrap_or_default();
                for (bucket, millis) in split(it.at.as_millis().max(0), end.as_millis()) {
                    let key = (
                        bucket,
                        it.user_id.as_str().to_owned(),
                        it.new_status.as_str().to_owned(),
                        reason.clone(),
                    );
                    *want.entry(key).or_default() += millis;
                }
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let scan = PresenceScan {
            from: 0,
            to: i64::MAX,
            users: Vec::new(),
        };
        for row in self.presence_rollup_rows(scope, scan).await? {
            out.rows += 1;
            let key = (row.bucket, row.user, row.status, row.reason);
            let expected = want.remove(&key).unwrap_or(0);
            if row.millis != expected {
                out.differences.push(format!(
                    "presence {key:?}: rollup {} ms, changes {expected} ms",
                    row.millis
                ));
            }
        }
        for (key, expected) in want {
            out.differences.push(format!(
                "presence {key:?}: no rollup row, changes {expected} ms"
            ));
        }
        Ok(())
    }
}

/// Adds a record's contribution to its row at each level.
fn add_expected(want: &mut Rows, it: &Interaction, rules: &HashMap<Key, QueueRules>) {
    let rule = it
        .queue_id
        .as_ref()
        .and_then(|it| rules.get(it))
        .copied()
        .unwrap_or_default();
    let calls = CallTotals::of(it, rule);
    let conversations = ConversationTotals::of(it);
    let millis = it.started_at.as_millis();
    let name = |key: &Option<Key>| {
        key.as_ref()
            .map_or(String::new(), |it| it.as_str().to_owned())
    };
    for level in [0, 1] {
        let key = RollupKey {
            bucket: millis - millis.rem_euclid(super::rollups::BUCKET_MILLIS),
            queue: name(&it.queue_id),
            agent: if level == 0 {
                String::new()
            } else {
                name(&it.agent_id)
            },
            channel: it.channel.as_str().to_owned(),
            direction: it.direction.as_str().to_owned(),
        };
        let row = want.entry((level, key)).or_default();
        row.records += 1;
        row.calls.add(&calls);
        row.conversations.add(&conversations);
    }
}
