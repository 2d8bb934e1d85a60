/**
 * Families read from the object layer through the StorageSampler's cache: capacity, drives and
 * the erasure set's health (cluster path), each drive (node and resource paths), bucket usage
 * (bucket path, and its sums on the cluster path), and healing. MinIO's names (cmd/metrics-v2.go).
 */
import { writeQuorum } from '../../erasure/erasure-layout.js';
import type { HealStatus, StorageInfo } from '../../object/layer-status.js';
import { family, type Sample, type ScrapedFamily, single } from './metric-family.js';
import type { StorageSampler } from './storage-sampler.js';

function fromStorage(sampler: StorageSampler, pick: (s: StorageInfo) => number): () => Promise<Sample[]> {
  return async () => single(pick(await sampler.storage()));
}

function online(s: StorageInfo): number {
  return s.drives.filter((d) => d.state === 'online').length;
}

/** One erasure set today (pool 0, set 0); labelled as MinIO labels its sets. */
const SET_LABELS = { pool: '0', set: '0' };

export function clusterStorageFamilies(sampler: StorageSampler): ScrapedFamily[] {
  const gauge = (name: string, help: string, pick: (s: StorageInfo) => number) =>
    family(name, 'gauge', help, fromStorage(sampler, pick));
  const untyped = (name: string, help: string, pick: (s: StorageInfo) => number) =>
    family(name, 'untyped', help, fromStorage(sampler, pick));
  const healthy = (s: StorageInfo) => (online(s) >= writeQuorum(s.data, s.parity) ? 1 : 0);
  const setGauge = (name: string, help: string, pick: (s: StorageInfo) => number) =>
    family(name, 'gauge', help, async () => [{ value: pick(await sampler.storage()), labels: SET_LABELS }]);
  return [
    gauge(
      'minio_cluster_capacity_raw_total_bytes',
      'Total capacity online in the cluster',
      (s) => s.rawTotal,
    ),
    gauge(
      'minio_cluster_capacity_raw_free_bytes',
      'Total free capacity online in the cluster',
      (s) => s.rawFree,
    ),
    gauge(
      'minio_cluster_capacity_usable_total_bytes',
      'Total usable capacity online in the cluster (raw capacity × data shards / all shards)',
      (s) => s.usableTotal,
    ),
    gauge(
      'minio_cluster_capacity_usable_free_bytes',
      'Total free usable capacity online in the cluster',
      (s) => s.usableFree,
    ),
    untyped('minio_cluster_drive_online_total', 'Total drives online in this cluster (a gauge)', online),
    untyped(
      'minio_cluster_drive_offline_total',
      'Total drives offline in this cluster (a gauge)',
      (s) => s.drives.length - online(s),
    ),
    untyped('minio_cluster_drive_total', 'Total drives in this cluster (a gauge)', (s) => s.drives.length),
    gauge('minio_cluster_write_quorum', 'Maximum write quorum across all pools and sets', (s) =>
      writeQuorum(s.data, s.parity),
    ),
    gauge(
      'minio_cluster_health_status',
      'Cluster health status: 1 when every erasure set has write quorum, else 0',
      healthy,
    ),
    setGauge(
      'minio_cluster_health_erasure_set_online_drives',
      'Count of online drives in the erasure set',
      online,
    ),
    setGauge('minio_cluster_health_erasure_set_read_quorum', 'Read quorum of the erasure set', (s) => s.data),
    setGauge('minio_cluster_health_erasure_set_write_quorum', 'Write quorum of the erasure set', (s) =>
      writeQuorum(s.data, s.parity),
    ),
    setGauge(
      'minio_cluster_health_erasure_set_status',
      'Health of the erasure set: 1 when it has write quorum, else 0',
      healthy,
    ),
  ];
}

/** Per-drive capacity (node and resource paths); MinIO labels each drive by its path. */
export function driveCapacityFamilies(sampler: StorageSampler): ScrapedFamily[] {
  const perDrive = (name: string, help: string, pick: (d: StorageInfo['drives'][number]) => number) =>
    family(name, 'gauge', help, async () =>
      (await sampler.storage()).drives.map((d) => ({ value: pick(d), labels: { drive: d.endpoint } })),
    );
  return [
    perDrive(
      'minio_node_drive_total_bytes',
      'Total storage on a drive (its filesystem); 0 while offline',
      (d) => d.total,
    ),
    perDrive(
      'minio_node_drive_free_bytes',
      'Total storage available on a drive; 0 while offline',
      (d) => d.free,
    ),
    perDrive(
      'minio_node_drive_used_bytes',
      'Total storage used on a drive; 0 while offline',
      (d) => d.total - d.free,
    ),
  ];
}

/** The node's drive counts (node path). */
export function nodeDriveFamilies(sampler: StorageSampler): ScrapedFamily[] {
  return [
    family(
      'minio_node_drive_online_total',
      'untyped',
      'Total drives online in this node (a gauge)',
      fromStorage(sampler, online),
    ),
    family(
      'minio_node_drive_offline_total',
      'untyped',
      'Total drives offline in this node (a gauge)',
      fromStorage(sampler, (s) => s.drives.length - online(s)),
    ),
    family(
      'minio_node_drive_total',
      'untyped',
      'Total drives in this node (a gauge)',
      fromStorage(sampler, (s) => s.drives.length),
    ),
  ];
}

/** Usage summed over every bucket (cluster path). */
export function clusterUsageFamilies(sampler: StorageSampler): ScrapedFamily[] {
  return [
    family(
      'minio_cluster_usage_object_total',
      'untyped',
      'Total number of objects in the cluster (a gauge)',
      async () => single((await sampler.usage()).objects),
    ),
    family('minio_cluster_usage_total_bytes', 'gauge', 'Total cluster usage in bytes', async () =>
      single((await sampler.usage()).bytes),
    ),
    family(
      'minio_cluster_bucket_total',
      'untyped',
      'Total number of buckets in the cluster (a gauge)',
      async () => single((await sampler.usage()).all.size),
    ),
  ];
}

/** Each reported bucket's usage (bucket path). */
export function bucketUsageFamilies(sampler: StorageSampler): ScrapedFamily[] {
  const perBucket = (name: string, type: 'gauge' | 'untyped', help: string, pick: 'objects' | 'bytes') =>
    family(name, type, help, async () =>
      (await sampler.usage()).reported.map(({ name: bucket, usage }) => ({
        value: usage[pick],
        labels: { bucket },
      })),
    );
  return [
    perBucket(
      'minio_bucket_usage_object_total',
      'untyped',
      'Total number of objects in a bucket (a gauge)',
      'objects',
    ),
    perBucket('minio_bucket_usage_total_bytes', 'gauge', 'Total bucket size in bytes', 'bytes'),
  ];
}

/** Healing (cluster path): from the object layer's heal status, which is in memory. */
export function healFamilies(status: () => HealStatus): ScrapedFamily[] {
  return [
    family(
      'minio_heal_objects_heal_total',
      'counter',
      'Objects healed (rewritten on at least one drive) since start',
      () => single(status().healedObjects),
    ),
    family(
      'cairn_heal_queued_objects',
      'gauge',
      'Objects found damaged or stale and waiting to be healed',
      () => single(status().queued),
    ),
    family(
      'cairn_heal_sweep_active',
      'gauge',
      '1 while a heal sweep over every bucket runs (after a drive came back), else 0',
      () => single(status().sweeping ? 1 : 0),
    ),
    family(
      'cairn_heal_last_sweep_end_timestamp_seconds',
      'gauge',
      'When the last full heal sweep ended (Unix time); absent until one has',
      () => {
        const ended = status().lastSweepEnded;
        return ended === undefined ? [] : single(ended.getTime() / 1000);
      },
    ),
  ];
}
