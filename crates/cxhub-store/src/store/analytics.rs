//! The analytics tables' reads and writes, forwarded to the backend in use.

use super::Store;
use crate::analytics::rollups::{
    PresenceScan, PresenceTime, RollupKey, RollupScan, RollupTotals, WaitCount, Waiting,
};
use crate::analytics::spans::{SavedSpan, SpanHead, SpanRow};
use crate::{StoreResult, TenantScope};

impl Store {
    pub(crate) async fn rollup_rows(
        &self,
        scope: &TenantScope,
        scan: RollupScan,
    ) -> StoreResult<Vec<(RollupKey, RollupTotals)>> {
        backend!(self, store => store.rollup_rows(scope.pk, scan).await)
    }

    pub(crate) async fn rollup_waits(
        &self,
        scope: &TenantScope,
        scan: RollupScan,
    ) -> StoreResult<Vec<WaitCount>> {
        backend!(self, store => store.rollup_waits(scope.pk, scan).await)
    }

    pub(crate) async fn presence_rollup_rows(
        &self,
        scope: &TenantScope,
        scan: PresenceScan,
    ) -> StoreResult<Vec<PresenceTime>> {
        backend!(self, store => store.presence_rollup_rows(scope.pk, scan).await)
    }

    pub(crate) async fn waiting_calls(
        &self,
        scope: &TenantScope,
        now: i64,
    ) -> StoreResult<Vec<Waiting>> {
        backend!(self, store => store.waiting_calls(scope.pk, now).await)
    }

    pub(crate) async fn rollup_versions(
        &self,
        scope: &TenantScope,
        from_day: i64,
        to_day: i64,
    ) -> StoreResult<Vec<(i64, i64)>> {
        backend!(self, store => store.rollup_versions(scope.pk, from_day, to_day).await)
    }

    pub(crate) async fn rollup_spans(
        &self,
        scope: &TenantScope,
        level: i64,
        from: i64,
        to: i64,
    ) -> StoreResult<(Vec<SpanHead>, Vec<SpanRow>)> {
        backend!(self, store => store.rollup_spans(scope.pk, level, from, to).await)
    }

    pub(crate) async fn save_rollup_spans(
        &self,
        scope: &TenantScope,
        level: i64,
        spans: Vec<SavedSpan>,
    ) -> StoreResult<()> {
        backend!(self, store => store.save_rollup_spans(scope.pk, level, spans).await)
    }
}
